/*
 * The batch store: one SQLite database (DIR/batch.db) holding all state of a batch — books,
 * scan files, pages, records, fields, flags, the audit trail, the sync outbox, stage progress
 * and events. Opened in WAL mode with synchronous=FULL and a busy timeout, migrated forward
 * from the numbered SQL files of schemas/migrations; a store made by a newer sohoa is refused.
 * A unit of work is one so_store_begin()/so_store_commit() (BEGIN IMMEDIATE) transaction.
 * Several processes may use one store at once: work is shared by claiming stage units.
 *
 * This module holds the statements on what every stage shares (books, files, pages, records,
 * fields, flags, audit, events); stage progress is batch/units.h. Each
 * subsystem keeps its own statements in a store file of its own (review/review_store.h,
 * deliver/deliver_store.h, check/records_store.h), built on the statement, binding and stepping
 * helpers below; other files call those functions, not SQL (the one reader of its own is the
 * report, batch/report.c: one read-only snapshot with statements it prepares and finalizes).
 */
#ifndef SO_STORE_H
#define SO_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>


struct so_store;

/* A box on a prepared page, in pixels. */
struct so_bbox {
	int x0, y0, x1, y1;
};

/* Opens DIR/batch.db, creating DIR and the database when CREATE is set. Returns 0, or -1 with
 * the error set (a missing batch, a newer schema, a locked or corrupt database). */
int so_store_open(const char *dir, int create, struct so_store **out);
/* Opens DIR/batch.db to read only: nothing in DIR is created or changed (no journal, no
 * shared-memory file when no writer has the store open). The schema must be this build's.
 * Returns 0, or -1 with the error set. */
int so_store_open_ro(const char *dir, struct so_store **out);
void so_store_close(struct so_store *s);
const char *so_store_dir(const struct so_store *s);
sqlite3 *so_store_db(struct so_store *s);
int so_store_schema_version(struct so_store *s);
/* Reads every page of the store and checks its structure (SQLite's quick_check): 0 when it is
 * intact, -1 with the error set when it is not, naming the damaged table, the page and how many
 * problems were found. A reader that hands the store's content on (export, review show) calls
 * it first: a damaged page can read as missing rows rather than as an error. */
int so_store_check_intact(struct so_store *s);
/* The newest schema version this build knows. */
int so_store_schema_latest(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin and commit return 0 or -1 with the error set. */
int so_store_begin(struct so_store *s);
int so_store_commit(struct so_store *s);
void so_store_rollback(struct so_store *s);

/* Statements, for the store files of the subsystems ----------------------------------------- */

/* A prepared statement for SQL (a string literal: cached by its address); reset and with
 * bindings cleared. NULL with the error set. Owned by the store. */
sqlite3_stmt *so_store_stmt(struct so_store *s, const char *sql);
/* Steps ST once: 1 with a row to read, 0 when the statement is done, -1 with the error
 * "WHAT: <the database's message>" set. ST is reset when it returns 0 or -1; a caller that
 * stops reading rows before the end resets it (sqlite3_reset). A loop over rows is
 *     while ((r = so_store_step(s, st, "cannot read ...")) == 1) { ... }
 * and ends with r 0 (all rows read) or -1 (a failure, not the end). */
int so_store_step(struct so_store *s, sqlite3_stmt *st, const char *what);
/* Runs a cached statement to completion; 0 or -1 with the error set. */
int so_store_step_done(struct so_store *s, sqlite3_stmt *st);
/* Records the database's error message for WHAT; returns -1. */
int so_store_error(struct so_store *s, const char *what);
/* The rows the last INSERT, UPDATE or DELETE changed. */
int64_t so_store_changes(struct so_store *s);

/* Bind parameter I of ST. Text is copied; NULL text binds NULL. so_bind_opt binds "" as NULL
 * too, so_bind_id binds the id 0 (none) as NULL, so_bind_conf binds a negative confidence
 * (none) as NULL, so_bind_now the current time (UTC ISO 8601), so_bind_box the box into
 * FIRST..FIRST+3 (x0, y0, x1, y1; NULL binds four NULLs). */
void so_bind_text(sqlite3_stmt *st, int i, const char *v);
void so_bind_opt(sqlite3_stmt *st, int i, const char *v);
void so_bind_int(sqlite3_stmt *st, int i, int64_t v);
void so_bind_id(sqlite3_stmt *st, int i, int64_t id);
void so_bind_real(sqlite3_stmt *st, int i, double v);
void so_bind_conf(sqlite3_stmt *st, int i, double confidence);
void so_bind_now(sqlite3_stmt *st, int i);
void so_bind_box(sqlite3_stmt *st, int first, const struct so_bbox *b);

/* Column I of the row ST stands on: copied into BUF ("" for NULL); its text or NULL (valid
 * until the next step); a copy the caller frees, or NULL for NULL (and out of memory). */
void so_column_copy(sqlite3_stmt *st, int i, char *buf, size_t size);
const char *so_column_text(sqlite3_stmt *st, int i);
char *so_column_dup(sqlite3_stmt *st, int i);

/* A function given a query's rows one by one (EACH: its strings valid during the call)
 * returns 0 to go on, 1 to stop early (not an error) or -1 to stop with the error set; the
 * query then returns 0, or -1. so_store_stop(ST, V) ends such a loop when EACH returned V
 * (not 0): ST is reset, and it returns what the query returns. */
int so_store_stop(sqlite3_stmt *st, int v);

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
/* The stored pages by state (all of them in TOTAL). 0, or -1 with the error set. */
struct so_page_counts {
	int64_t total, prepared, blank, rejected, failed, duplicate;
};
int so_page_counts(struct so_store *s, struct so_page_counts *c);

/* How a page's grid read against its book's layout (the ocr stage's evidence): the cells of
 * its index row read as their number (n) of its cells (0 when it has none), the share of the
 * header titles' words found, which of the two reads too poorly to stand, and why the layout
 * is in doubt ("" when it is not). */
struct so_page_layout {
	int index_read, index_cells, index_poor;
	double header;
	int header_poor;
	char doubt[512];
	char confirmed_by[72];  /* the archivist who confirmed the page's layout; "" until then */
};
/* Stores the evidence of page PAGE_ID (use in the transaction that stores its records); an
 * archivist's confirmation of the page stays. */
int so_page_layout_put(struct so_store *s, int64_t page_id, const struct so_page_layout *pl);
/* 1 with *PL filled, 0 when nothing is stored for the page (not read, or read before the
 * store kept it), -1 on error. */
int so_page_layout_get(struct so_store *s, int64_t page_id, struct so_page_layout *pl);
/* Archivist ACTOR confirmed the layout of page PAGE_ID (the first confirmation stands). 0, or
 * -1 (also when nothing is stored for the page). */
int so_page_layout_confirm(struct so_store *s, int64_t page_id, const char *actor);

/* Records, fields, flags ------------------------------------------------------------------- */
int so_record_add(struct so_store *s, int64_t book_id, int64_t page_id, int row,
		  const struct so_bbox *box, int64_t *id);
int so_record_set_status(struct so_store *s, int64_t record_id, const char *status);
/* Status into buf; 1 found, 0 not found, -1 error. */
int so_record_status(struct so_store *s, int64_t record_id, char *buf, size_t size);
/* The number of records in the batch, or -1 with the error set. */
int64_t so_record_count(struct so_store *s);
/* Calls EACH with every status records have and their number, in the order of the status
 * names (see the visitor's contract above). 0 or -1. */
int so_record_count_each(struct so_store *s,
			 int (*each)(const char *status, int64_t n, void *ctx), void *ctx);
/* The fields with a reading, and how many of them have a canonical value. 0 or -1. */
int so_field_counts(struct so_store *s, int64_t *read, int64_t *valued);
/* Sets a field's reading and value; NULL strings store NULL; confidence < 0 stores NULL. */
int so_field_put(struct so_store *s, int64_t record_id, const char *name, const char *raw,
		 const char *value, const char *code, double confidence, const struct so_bbox *box,
		 const char *source);
/* The text read from column COL (1-based) of a record's row; MARKS counts the written marks
 * seen in the cell (ink with no reading is unreadable, not empty). */
int so_cell_put(struct so_store *s, int64_t record_id, int col, const char *text,
		double confidence, int marks, const struct so_bbox *box);
/* The handwriting decision of cell COL of the record: HAND "printed" or "handwritten", its
 * SCORE 0..1 and the FEATURES (JSON) it was made from (read/handwriting.h). */
int so_cell_hand_put(struct so_store *s, int64_t record_id, int col, const char *hand,
		     double score, const char *features);
int so_flag_add(struct so_store *s, int64_t record_id, const char *code, const char *severity,
		const char *fields_json, const char *message, const char *source, int64_t *id);
int so_flag_set_state(struct so_store *s, int64_t flag_id, const char *state);

/* The audit trail: who did what to which record's field. */
int so_audit_add(struct so_store *s, const char *actor, int64_t record_id, const char *action,
		 const char *field, const char *before, const char *after);

/* Events for the report: a failure or notable outcome of a unit. */
int so_event_add(struct so_store *s, const char *stage, const char *level, const char *unit,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
