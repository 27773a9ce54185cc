/*
 * What delivery reads and writes in the batch store: the outbox of the sync to the national
 * database (queueing, holding, claiming with leases, attempts, acknowledgements), the records
 * as the export writes them, and the entries of a book for the Ministry's package. Every
 * statement of deliver/sync.c, export.c and moj.c is here; those files keep the decisions
 * (what is deliverable, how a record is written). Functions that take EACH call it row by row
 * as store.h describes; they return 0 or -1 with the error set unless said otherwise.
 */
#ifndef SO_DELIVER_STORE_H
#define SO_DELIVER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"

/* The outbox ------------------------------------------------------------------------------ */

/* Queues the record for delivery under its business key (again, when it was refused or held
 * at an older version); a record queued or delivered already is left as it is. */
int so_outbox_enqueue(struct so_store *s, int64_t record_id, const char *idempotency_key);
/* Marks the queued record acknowledged with its remote id, and the record synced (in the
 * caller's transaction). Acknowledging it again is a no-op; a record not queued an error. */
int so_outbox_ack(struct so_store *s, int64_t record_id, const char *remote_id);
/* The records ready for delivery (valid or approved) and not in the outbox, or refused or
 * held there at an older version, by id: *IDS (the caller frees it) and *N. */
int so_outbox_deliverable(struct so_store *s, int64_t **ids, size_t *n);
/* The same, with ACCEPTED_ONLY set only the records of a lot accepted by sampling (the
 * acceptance_lots of review/acceptance_store.h); *UNACCEPTED, when not NULL, gets the number
 * of ready records left out for want of one. */
int so_outbox_deliverable_accepted(struct so_store *s, int accepted_only, int64_t **ids,
				   size_t *n, int64_t *unaccepted);
/* What the delivery key of RECORD_ID is made of: its book (type, year, volume, authority)
 * into *B and its registration number (the canonical value, else the reading trimmed) into
 * *NUMBER (the caller frees it; NULL when there is none). -1 for no such record. */
int so_outbox_key_parts(struct so_store *s, int64_t record_id, struct so_book *b,
			char **number);
/* 1 with *OTHER set when another record than RECORD_ID is queued or delivered under KEY, 0
 * when none is, -1 on error. */
int so_outbox_key_taken(struct so_store *s, const char *key, int64_t record_id, int64_t *other);
/* Puts the record in the outbox as held (not deliverable as it is) under KEY, MESSAGE its
 * error, and no longer claimed. */
int so_outbox_hold(struct so_store *s, int64_t record_id, const char *key, const char *message);
/* The record's outbox row takes the record's current version (the one a hold or refusal was
 * made at: a later approval queues it again). */
int so_outbox_take_version(struct so_store *s, int64_t record_id);
/* Gives back the claims of sync processes on this host that are gone. */
int so_outbox_release_dead(struct so_store *s);
/* Gives back this process's claims on records still queued. */
int so_outbox_release_own(struct so_store *s);
/* Claims up to N queued records of valid or approved records for this process until UNTIL
 * (ISO time; claims of other processes older than NOW are taken over), in record order, and
 * calls EACH with every one claimed. Use in a transaction. */
int so_outbox_claim(struct so_store *s, const char *until, const char *now, int n,
		    int (*each)(int64_t record_id, const char *key, void *ctx), void *ctx);
/* Notes an attempt on a queued record: its answer (STATUS, 0 for none) and ERROR; with STATE
 * ("refused") it also leaves the queue and this process's claim. Returns the rows changed (1,
 * or 0 when the record was not queued) or -1. */
int so_outbox_attempt(struct so_store *s, int64_t record_id, const char *state, int status,
		      const char *error);
/* The queued records that are still deliverable, or -1. */
int64_t so_outbox_count_queued(struct so_store *s);

/* The export -------------------------------------------------------------------------------- */

/* A record's place: its book, the scan file and page it is on, its row and status. */
struct so_export_place {
	char type[16];
	int year;
	char volume[32];
	char authority_code[16];
	char layout[72];
	char file[256];
	int page_index;
	int has_sha256;
	char sha256[65];
	int row;
	char status[24];
};
/* 1 with *P filled, 0 for no such record, -1 on error. */
int so_export_place_get(struct so_store *s, int64_t record_id, struct so_export_place *p);

/* A flag of a record, and a field (NULL text for NULL). */
struct so_export_flag {
	const char *code, *severity, *fields, *state, *message;
};
struct so_export_field {
	const char *name, *raw, *value, *code, *successor;
	int has_confidence;
	double confidence;
	int has_box;
	struct so_bbox box;
};
/* The record's flags in the order they were raised. */
int so_export_flags_each(struct so_store *s, int64_t record_id,
			 int (*each)(const struct so_export_flag *f, void *ctx), void *ctx);
/* The record's stored fields, by name. */
int so_export_fields_each(struct so_store *s, int64_t record_id,
			  int (*each)(const struct so_export_field *f, void *ctx), void *ctx);
/* The layouts of the batch's books, each once, in the order of the books. */
int so_export_layouts_each(struct so_store *s, int (*each)(const char *layout, void *ctx),
			   void *ctx);
/* Every record of the batch in register order (book, scan file, page, row): *IDS (the caller
 * frees it) and *N. */
int so_export_record_ids(struct so_store *s, int64_t **ids, size_t *n);

/* The Ministry's package ------------------------------------------------------------------ */

/* An entry of a book as the package lists it (NULL text for NULL). */
struct so_moj_entry_row {
	int64_t id, page_id;
	int row;
	int has_box;             /* x0 and y1 are known */
	struct so_bbox box;
	const char *status;
	const char *image;       /* the prepared page, relative to the batch */
	int page_dpi;
	const char *number;      /* the canonical registration number */
};
/* The entries of book BOOK_ID that are valid, approved or synced (with ALL, those needing
 * review or rejected too), in page order. */
int so_moj_entries_each(struct so_store *s, int64_t book_id, int all,
			int (*each)(const struct so_moj_entry_row *e, void *ctx), void *ctx);
/* The first row of page PAGE_ID with a box: 1 with *ROW, *X0, *Y0 and *X1 set, 0 when the
 * page has none, -1 on error. */
int so_moj_page_first_row(struct so_store *s, int64_t page_id, int *row, int *x0, int *y0,
			  int *x1);
/* The record's fields by name: NAME, RAW, VALUE, CODE (NULL text for NULL). */
int so_moj_fields_each(struct so_store *s, int64_t record_id,
		       int (*each)(const char *name, const char *raw, const char *value,
				   const char *code, void *ctx), void *ctx);
/* The codes of the record's open flags, each once, in the order they were first raised. */
int so_moj_open_flags_each(struct so_store *s, int64_t record_id,
			   int (*each)(const char *code, void *ctx), void *ctx);
/* The books of the batch by id, with the time each was registered. */
int so_moj_books_each(struct so_store *s,
		      int (*each)(int64_t id, const char *created_at, void *ctx), void *ctx);

/* The training set ---------------------------------------------------------------------- */

/* A field a person typed (NULL text for NULL): its record, book (type, year, volume,
 * authority), the scan file and page it is on, the prepared page's image, its row and field,
 * its own box when it has one, the text typed for the value the field now holds and who typed
 * it (the arbitrator's when an arbitration decided it), how the field came to be typed (the
 * roles of its keyings, e.g. "first,second,arbitration" or "correction"), and how many of its
 * keyings (arbitration aside) there are and how many of them made the final value. */
struct so_training_row {
	int64_t record_id;
	const char *book_type, *volume, *authority, *file, *image, *field, *typed, *keyer,
		   *roles, *layout;
	int year, page_index, row;
	int has_box;
	struct so_bbox box;
	int keyings, agreeing;
};
/* Every field of the batch a person typed whose typed text is known, in register order. */
int so_training_fields_each(struct so_store *s,
			    int (*each)(const struct so_training_row *t, void *ctx), void *ctx);
/* The box of cell COL (1-based) of the record: 1 with *BOX set, 0 when it has none. */
int so_training_cell_box(struct so_store *s, int64_t record_id, int col, struct so_bbox *box);

#endif
