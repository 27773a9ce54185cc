/*
 * What batch acceptance reads and writes in the batch store (tables of
 * schemas/migrations/0007-acceptance.sql): the switching state of each series of lots, the
 * lots with their plans and verdicts, their records, the sampled ones and their checks.
 * Every statement of review/acceptance_lot.c is here. Functions return 0 or -1 with the
 * error set unless said otherwise; those taking EACH call it row by row as batch/store.h
 * describes.
 */
#ifndef SO_ACCEPTANCE_STORE_H
#define SO_ACCEPTANCE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"
#include "review/acceptance.h"

/* The state of series SERIES into *ST: 1, 0 when the series has none yet, -1. */
int so_acc_series_get(struct so_store *s, const char *series, struct so_acc_state *st);
int so_acc_series_put(struct so_store *s, const char *series, const struct so_acc_state *st);

/* The id of book KEY ("birth-2019-01-26740"): 1 with *ID, 0 when there is none, -1. */
int so_acc_book_find(struct so_store *s, const char *key, int64_t *id);
/* The decided (valid or approved) records of book BOOK_ID (0: of every book), by id. */
int so_acc_decided_each(struct so_store *s, int64_t book_id,
			int (*each)(int64_t record_id, void *ctx), void *ctx);

/* A lot as stored. */
struct so_acc_lot_row {
	int64_t id;
	char series[96];
	int64_t book_id;            /* 0: the whole batch */
	int64_t lot_size, sample_size;
	char code_letter[2], plan_letter[2];
	int ac, re, full;
	char aql[8], level[8], severity[16];
	int64_t seed;
	char state[16];             /* open, accepted, rejected */
	int64_t defects;            /* -1 until decided */
	int64_t checked, found;     /* sampled records checked so far, defects among them */
	char created_by[72], created_at[32], decided_at[32];
};
/* Adds lot L (its id set). */
int so_acc_lot_add(struct so_store *s, struct so_acc_lot_row *l);
/* Lot ID into *L: 1, 0 when there is none, -1. */
int so_acc_lot_get(struct so_store *s, int64_t id, struct so_acc_lot_row *l);
/* The open lot of SERIES: 1 with *ID, 0 when none, -1. */
int so_acc_lot_open_find(struct so_store *s, const char *series, int64_t *id);
/* The lots, newest first. */
int so_acc_lots_each(struct so_store *s, int (*each)(const struct so_acc_lot_row *l, void *ctx),
		     void *ctx);
/* The lot's verdict: STATE (accepted or rejected) with DEFECTS. */
int so_acc_lot_decide(struct so_store *s, int64_t id, const char *state, int64_t defects);

/* Record RECORD_ID belongs to lot LOT_ID; SAMPLE_POS its place in the sample (from 1), 0 when
 * not sampled. */
int so_acc_member_add(struct so_store *s, int64_t lot_id, int64_t record_id, int64_t sample_pos);
/* A sampled record of a lot and its check. */
struct so_acc_sample_row {
	int64_t record_id, sample_pos;
	const char *book, *file;   /* the record's book key and scan file name */
	int page_index, row;
	const char *status;
	const char *checker;       /* NULL until checked */
	int defect;                /* -1 until checked */
	const char *note, *checked_at;
};
/* The sampled records of lot LOT_ID in sample order. */
int so_acc_samples_each(struct so_store *s, int64_t lot_id,
			int (*each)(const struct so_acc_sample_row *r, void *ctx), void *ctx);
/* Every record of lot LOT_ID. */
int so_acc_members_each(struct so_store *s, int64_t lot_id,
			int (*each)(int64_t record_id, void *ctx), void *ctx);
/* The check of sampled record RECORD_ID in lot LOT_ID: 1 stored, 0 when the record is not
 * sampled in that lot, -1. */
int so_acc_check_set(struct so_store *s, int64_t lot_id, int64_t record_id, const char *checker,
		     int defect, const char *note);

#endif
