/*
 * Batch acceptance by ISO 2859-1 single sampling, the pure part: no store, no clock. The
 * standard's Table 1 (sample size code letter from the lot size and the inspection level),
 * Tables 2-A, 2-B and 2-C (sample size and acceptance / rejection numbers for normal,
 * tightened and reduced inspection, the arrows followed: the plan is the first one below or
 * above the arrow and its sample size is that plan's; when it reaches the lot size the whole
 * lot is inspected), the switching rules between normal, tightened and reduced inspection
 * with the switching score, and a seeded draw of the sample. The store side is
 * acceptance_store.h, the lots and verdicts acceptance_lot.h.
 */
#ifndef SO_ACCEPTANCE_H
#define SO_ACCEPTANCE_H

#include <stddef.h>
#include <stdint.h>

/* The inspection levels of Table 1, in its column order. */
enum so_acc_level {
	SO_ACC_S1, SO_ACC_S2, SO_ACC_S3, SO_ACC_S4, SO_ACC_I, SO_ACC_II, SO_ACC_III,
	SO_ACC_LEVELS
};

/* The severity of inspection a series of lots is under. */
enum so_acc_severity {
	SO_ACC_NORMAL, SO_ACC_TIGHTENED, SO_ACC_REDUCED,
	SO_ACC_DISCONTINUED,    /* 5 lots rejected under tightened: no plan until resumed */
	SO_ACC_SEVERITIES
};

/* "II" / "S-1" ... and back; parse returns 0, or -1 with the error set. */
const char *so_acc_level_name(enum so_acc_level l);
int so_acc_level_parse(const char *s, enum so_acc_level *out);
/* "normal", "tightened", "reduced", "discontinued" and back. */
const char *so_acc_severity_name(enum so_acc_severity v);
int so_acc_severity_parse(const char *s, enum so_acc_severity *out);

/* The preferred AQLs of the tables (percent nonconforming, or nonconformities per hundred
 * units above 10): index 0 is 0.010, index SO_ACC_AQLS-1 is 1000. */
#define SO_ACC_AQLS 26
/* The AQL at INDEX as the tables write it ("0.65", "1.0", "10"). */
const char *so_acc_aql_name(int index);
/* The index of the AQL S ("0.65", "1", "1.0", "2.5"): 0, or -1 with the error set (an AQL
 * that is not one of the tables' columns is refused). */
int so_acc_aql_parse(const char *s, int *index);

/* Table 1: the code letter for a lot of LOT_SIZE items at level L ('A' ... 'R'), or 0 when
 * LOT_SIZE is below 1 (a lot of 1 is read as the first band, 2 to 8). */
char so_acc_code_letter(int64_t lot_size, enum so_acc_level l);
/* The sample size of a code letter under a severity ('S' only under tightened), 0 when none. */
int so_acc_letter_size(char letter, enum so_acc_severity v);

/* A single sampling plan for one lot. */
struct so_acc_plan {
	int64_t lot_size;
	char code_letter;             /* Table 1's letter */
	char plan_letter;             /* the letter of the plan the arrows led to */
	int64_t sample_size;          /* items to inspect: the plan's, or the lot size */
	int ac, re;                   /* accept with ac or fewer defects, reject with re or more */
	int full;                     /* 1: the plan's sample reached the lot size: 100 % */
	int aql;                      /* AQL index */
	enum so_acc_level level;
	enum so_acc_severity severity;
};
/* The plan for a lot of LOT_SIZE at AQL index AQL, level L and severity V into *P: 0, or -1
 * with the error set (no lot, an unknown AQL, discontinued inspection). */
int so_acc_plan_for(int64_t lot_size, int aql, enum so_acc_level l, enum so_acc_severity v,
		    struct so_acc_plan *p);

/* The switching state of a series of lots (ISO 2859-1 clause 9). */
struct so_acc_state {
	enum so_acc_severity severity;
	int score;              /* the switching score (normal inspection) */
	unsigned recent;        /* the last lots under normal inspection, bit 0 the newest: 1
				 * rejected */
	int recent_n;           /* how many of them count (at most 5) */
	int tight_accepted;     /* consecutive lots accepted under tightened inspection */
	int tight_rejected;     /* lots rejected since tightened inspection began */
	int lots;               /* lots judged in the series */
};
/* A new series: normal inspection, score 0. */
void so_acc_state_init(struct so_acc_state *st);
/* What a lot's verdict does to the series: the lot was judged under plan P with DEFECTS
 * defects (accepted when DEFECTS <= P->ac). REDUCED_ALLOWED says the responsible authority
 * approves reduced inspection and production is steady (the policy). Returns the severity
 * the next lot is inspected under. */
enum so_acc_severity so_acc_state_next(struct so_acc_state *st, const struct so_acc_plan *p,
				       int defects, int reduced_allowed);
/* Inspection resumes after a discontinuation, under tightened inspection. */
void so_acc_state_resume(struct so_acc_state *st);

/* The sample: SAMPLE_SIZE of the N items 0 .. N-1 drawn without replacement from SEED, into
 * OUT (SAMPLE_SIZE slots) in increasing order. The same seed draws the same items. 0, or -1
 * with the error set (SAMPLE_SIZE above N, out of memory). */
int so_acc_draw(uint64_t seed, size_t n, size_t sample_size, size_t *out);

#endif
