/*
 * The batch store: one SQLite database (DIR/batch.db) holding all state of a batch — books,
 * scan files, pages, records, fields, flags, the audit trail, the sync outbox, stage progress
 * and events. Opened in WAL mode with synchronous=FULL and a busy timeout, migrated forward
 * from the numbered SQL files of schemas/migrations; a store made by a newer sohoa is refused.
 * A unit of work is one so_store_begin()/so_store_commit() (BEGIN IMMEDIATE) transaction.
 * Several processes may use one store at once: work is shared by claiming stage units.
 */
#ifndef SO_STORE_H
#define SO_STORE_H

#include <sqlite3.h>
#include <stdint.h>

struct so_store;

/* Opens DIR/batch.db, creating DIR and the database when CREATE is set. Returns 0, or -1 with
 * the error set (a missing batch, a newer schema, a locked or corrupt database). */
int so_store_open(const char *dir, int create, struct so_store **out);
void so_store_close(struct so_store *s);
const char *so_store_dir(const struct so_store *s);
sqlite3 *so_store_db(struct so_store *s);
int so_store_schema_version(struct so_store *s);
/* The newest schema version this build knows. */
int so_store_schema_latest(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin and commit return 0 or -1 with the error set. */
int so_store_begin(struct so_store *s);
int so_store_commit(struct so_store *s);
void so_store_rollback(struct so_store *s);

/* A prepared statement for SQL (a string literal: cached by its address); reset and with
 * bindings cleared. NULL with the error set. Owned by the store. */
sqlite3_stmt *so_store_stmt(struct so_store *s, const char *sql);
/* Runs a cached statement to completion; 0 or -1 with the error set. */
int so_store_step_done(struct so_store *s, sqlite3_stmt *st);
/* Records the database's error message for WHAT; returns -1. */
int so_store_error(struct so_store *s, const char *what);

int so_meta_set(struct so_store *s, const char *key, const char *value);
/* Copies the value into buf; 1 found, 0 not found, -1 error. */
int so_meta_get(struct so_store *s, const char *key, char *buf, size_t size);

/* Books ------------------------------------------------------------------------------------ */
struct so_book {
	int64_t id;
	char type[16];
	int year;
	char volume[32];
	char authority_code[16];
	char layout[72];
};
/* Finds the book by (type, year, volume, authority) or adds it; b->id is set. A book already
 * registered with another layout is an error. */
int so_book_register(struct so_store *s, struct so_book *b);
int so_book_get(struct so_store *s, int64_t id, struct so_book *b);
/* "birth 2019/01 (26740)" for messages. */
void so_book_describe(const struct so_book *b, char *buf, size_t size);

/* Scan files --------------------------------------------------------------------------------- */
struct so_scan_file {
	int64_t id, book_id;
	char path[4096];
	char name[256];
	int64_t size;
	char sha256[65];
	int page_count;         /* -1 until known */
	int64_t duplicate_of;   /* 0 when not a duplicate */
};
/* Adds the file to the book (or finds it again); f->id and f->duplicate_of are set: a file whose
 * content is already registered under another path or book is recorded as its duplicate. */
int so_scan_file_register(struct so_store *s, struct so_scan_file *f);
int so_scan_file_get(struct so_store *s, int64_t id, struct so_scan_file *f);
int so_scan_file_set_page_count(struct so_store *s, int64_t id, int count);

/* Pages ------------------------------------------------------------------------------------ */
struct so_page {
	int64_t id, scan_file_id;
	int page_index;
	char sha256[65];
	int width, height, dpi;
	char dpi_source[16];     /* "tag" or "estimated" */
	int bits;
	char color[16];          /* "bilevel", "gray", "rgb" */
	char compression[16];
	int orientation;         /* degrees clockwise the page was turned, corrected by scan */
	double orientation_conf;
	double skew, skew_conf;  /* degrees, positive = content turned clockwise; corrected */
	double ink;              /* share of dark pixels on the prepared page */
	char state[16];          /* prepared, blank, rejected, failed, duplicate */
	char reason[512];
	char image[256];         /* prepared page, relative to the batch directory */
	int64_t duplicate_of;
};
/* 1 and fills *p when the page (file, index) is stored, 0 when not, -1 on error. */
int so_page_find(struct so_store *s, int64_t scan_file_id, int page_index, struct so_page *p);
/* The id of the first stored, non-duplicate page with this checksum, or 0. -1 on error. */
int64_t so_page_find_sha256(struct so_store *s, const char *sha256);
/* Inserts or replaces the page (file, index); p->id is set. */
int so_page_put(struct so_store *s, struct so_page *p);
int so_page_get(struct so_store *s, int64_t id, struct so_page *p);

/* Stage progress ------------------------------------------------------------------------------ */
struct so_stage_counts {
	int64_t pending, running, done, failed;
};
/* Adds a pending unit unless it exists. */
int so_unit_add(struct so_store *s, const char *stage, int64_t unit_id);
/* Claims the next pending unit for this process (BEGIN IMMEDIATE inside; call outside a
 * transaction). First takes back units whose owner process is gone (pending again). Returns
 * 1 with *unit_id and *crashes (workers seen to die on it since its last progress) set, 0
 * when none is left, -1 on error. What to do with a unit that crashes workers is the
 * stage's decision. */
int so_unit_claim(struct so_store *s, const char *stage, int64_t *unit_id, int *crashes);
/* Called by the parent of a worker process PID that died abnormally (REASON: "killed by
 * SIGSEGV"): the unit it held is pending again with one more crash. Returns the number of
 * units given back (0 or 1) or -1. */
int so_unit_crashed(struct so_store *s, const char *stage, long pid, const char *reason);
/* A unit made progress (a part of it committed): its crash count starts again. Use inside the
 * transaction of that progress. */
int so_unit_progress(struct so_store *s, const char *stage, int64_t unit_id);
/* Gives a claimed unit back unfinished (a clean stop): pending, this claim not counted. */
int so_unit_release(struct so_store *s, const char *stage, int64_t unit_id);
/* Marks a claimed unit done (error NULL) or failed with the reason. Use inside the unit's
 * transaction so that its result and its state commit together. */
int so_unit_finish(struct so_store *s, const char *stage, int64_t unit_id, const char *error);
/* Puts failed units back to pending (for a retry run); returns the number reset or -1. */
int64_t so_unit_retry_failed(struct so_store *s, const char *stage);
/* Puts every finished unit of STAGE back to pending (to do the stage again, e.g. after new
 * thresholds); returns the number reset or -1. */
int64_t so_unit_redo_all(struct so_store *s, const char *stage);
/* Marks the units of the book-by-book stages (validate, normalize) of BOOK_ID pending again:
 * new records arrived. Use in the transaction that adds them. */
int so_unit_book_changed(struct so_store *s, int64_t book_id);
int so_unit_counts(struct so_store *s, const char *stage, struct so_stage_counts *c);
/* State of one unit: "pending", ...; 1 found, 0 not found, -1 error. */
int so_unit_state(struct so_store *s, const char *stage, int64_t unit_id, char *state,
		  size_t size, char *error, size_t esize);
/* The crash count of a unit, or -1. */
int so_unit_crashes(struct so_store *s, const char *stage, int64_t unit_id);

/* Records, fields, flags ------------------------------------------------------------------- */
struct so_bbox {
	int x0, y0, x1, y1;
};
int so_record_add(struct so_store *s, int64_t book_id, int64_t page_id, int row,
		  const struct so_bbox *box, int64_t *id);
int so_record_set_status(struct so_store *s, int64_t record_id, const char *status);
/* Status into buf; 1 found, 0 not found, -1 error. */
int so_record_status(struct so_store *s, int64_t record_id, char *buf, size_t size);
/* Sets a field's reading and value; NULL strings store NULL; confidence < 0 stores NULL. */
int so_field_put(struct so_store *s, int64_t record_id, const char *name, const char *raw,
		 const char *value, const char *code, double confidence, const struct so_bbox *box,
		 const char *source);
/* The text read from column COL (1-based) of a record's row; MARKS counts the written marks
 * seen in the cell (ink with no reading is unreadable, not empty). */
int so_cell_put(struct so_store *s, int64_t record_id, int col, const char *text,
		double confidence, int marks, const struct so_bbox *box);
int so_flag_add(struct so_store *s, int64_t record_id, const char *code, const char *severity,
		const char *fields_json, const char *message, const char *source, int64_t *id);
int so_flag_set_state(struct so_store *s, int64_t flag_id, const char *state);

/* The audit trail: who did what to which record's field. */
int so_audit_add(struct so_store *s, const char *actor, int64_t record_id, const char *action,
		 const char *field, const char *before, const char *after);

/* The outbox ------------------------------------------------------------------------------ */
/* Queues the record for delivery under its business key (again, when it was refused or held
 * at an older version); a record queued or delivered already is left as it is. */
int so_outbox_enqueue(struct so_store *s, int64_t record_id, const char *idempotency_key);
/* Marks the queued record acknowledged with its remote id, and the record synced (in the
 * caller's transaction). Acknowledging it again is a no-op; a record not queued an error. */
int so_outbox_ack(struct so_store *s, int64_t record_id, const char *remote_id);

/* Events for the report: a failure or notable outcome of a unit. */
int so_event_add(struct so_store *s, const char *stage, const char *level, const char *unit,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
