/*
 * Batch acceptance of lots of records (ISO 2859-1 single sampling, review/acceptance.h):
 * the policy (schemas/acceptance.json, or BATCH_DIR/acceptance.json), drawing a lot's sample
 * from a recorded seed among its decided records, a checker's decision on each sampled
 * record, and the verdict once all are checked: accepted with at most Ac defects; rejected
 * with Re or more, when every record of the lot goes back to review (audited). The series'
 * switching state moves on with each verdict. Statements in acceptance_store.h.
 */
#ifndef SO_ACCEPTANCE_LOT_H
#define SO_ACCEPTANCE_LOT_H

#include <jansson.h>
#include <stdint.h>

#include "batch/store.h"
#include "review/acceptance.h"
#include "review/acceptance_store.h"

/* The acceptance policy of a batch. */
struct so_acc_policy {
	int aql;                      /* AQL index */
	enum so_acc_level level;
	int lot_all;                  /* 1: one lot of the whole batch; 0: a lot per book */
	int required_before_sync;     /* sync delivers no record of a lot not accepted */
	int reduced_allowed;          /* the authority approves reduced inspection */
};
/* The policy of the batch in BATCH_DIR: its acceptance.json when it has one, else the
 * built-in one. 0, or -1 with the error naming the file. */
int so_acc_policy_load(const char *batch_dir, struct so_acc_policy *p);

/* What to sample: lot "ALL" or a book's key, and the plan's AQL and level. */
struct so_acc_request {
	const char *lot;
	int aql;
	enum so_acc_level level;
	int has_seed;
	int64_t seed;                 /* 0 .. 2^53-1; drawn at random without has_seed */
	int reduced_allowed;
};
#define SO_ACC_SEED_MAX ((INT64_C(1) << 53) - 1)

/* Draws the sample of a new lot (one transaction): its plan under the series' severity,
 * its records and the sampled ones; *OUT is the stored lot. 0, or -1 with the error set (no
 * such book, no decided record, a lot of the series still open — *OUT then holds it —,
 * inspection discontinued). */
int so_acc_sample(struct so_store *s, const struct so_acc_request *req, const char *actor,
		  struct so_acc_lot_row *out);
/* Checker ACTOR's decision on sampled record RECORD_ID of lot LOT_ID: DEFECT 1 (with NOTE)
 * or 0 (conforms). A later decision replaces an earlier one while the lot is open. When every
 * sampled record is checked the lot is judged; *OUT is the lot after the check. 0, or -1. */
int so_acc_check(struct so_store *s, int64_t lot_id, int64_t record_id, const char *actor,
		 int defect, const char *note, int reduced_allowed, struct so_acc_lot_row *out);
/* Resumes a discontinued series under tightened inspection (audited). 0, or -1. */
int so_acc_resume(struct so_store *s, const char *series, const char *actor);

/* Lot L as JSON: its plan (lot, series, lot_size, code_letter, plan_letter, sample_size, ac,
 * re, full, aql, level, severity, seed), its verdict (state, checked, defects, decided_at)
 * and, with SAMPLE, the sampled records and their checks ("records"). A new reference, or
 * NULL with the error set. */
json_t *so_acc_lot_json(struct so_store *s, const struct so_acc_lot_row *l, int sample);

#endif
