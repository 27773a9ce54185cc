/*
 * What the validate and normalize stages read and write in the batch store — a book's records
 * in register order, the reading of each field, the flags validation raised, a record's status
 * after judging, its entry key, the canonical values — and the index of entries shared between
 * batches (validate --index, a database of its own). Every statement of check/records.c is here;
 * records.c keeps the decisions. Functions that take EACH call it row by row as store.h
 * describes; they return 0 or -1 with the error set unless said otherwise.
 */
#ifndef SO_RECORDS_STORE_H
#define SO_RECORDS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"

/* The reading of a field (NULL text for NULL): what was read, the canonical value, where it
 * comes from ("ocr", "normalize", "archivist"), its confidence, and the written marks seen in
 * its cell. */
struct so_field_reading {
	const char *raw, *value, *source;
	int has_confidence;
	double confidence;
	int marks;
	int hand;               /* its cell is handwritten (cell_hand) */
};
/* Calls EACH with the reading of field NAME of the record, the marks from its cell in column
 * COL and whether that cell is handwritten. 1 when the field is stored, 0 when not, -1 on error. */
int so_field_reading_get(struct so_store *s, int64_t record_id, int col, const char *name,
			 int (*each)(const struct so_field_reading *r, void *ctx), void *ctx);

/* The time the first scan file of the book was registered into BUF: 1, 0 when the book has
 * none, -1 on error. */
int so_book_first_scan(struct so_store *s, int64_t book_id, char *buf, size_t size);
/* The book's records with their page and status, in register order (scan file, page, row). */
int so_book_records_each(struct so_store *s, int64_t book_id,
			 int (*each)(int64_t record_id, int64_t page_id, const char *status,
				     void *ctx),
			 void *ctx);

/* The flags validation raised on the record that are still open. */
int so_record_validate_flags_each(struct so_store *s, int64_t record_id,
				  int (*each)(const char *code, const char *severity,
					      const char *fields, const char *message, void *ctx),
				  void *ctx);
/* 1 when an archivist verified the flag CODE on FIELDS (its JSON list) of the record, 0 when
 * not, -1 on error. */
int so_flag_is_verified(struct so_store *s, int64_t record_id, const char *code,
			const char *fields);
/* Removes the open flags validation raised on the record. */
int so_record_validate_flags_clear(struct so_store *s, int64_t record_id);
/* Sets the record's status by its open flags — needs_review while an error flag is open, valid
 * otherwise — unless it is approved, rejected or synced; the version moves when the status
 * changes or when FLAGS_CHANGED. */
int so_record_judge_status(struct so_store *s, int64_t record_id, int flags_changed);
/* Sets (or, KEY NULL, clears) the record's entry key. */
int so_record_entry_key_set(struct so_store *s, int64_t record_id, const char *key);

/* Where a record is: its book's year and volume, its scan file, page and row. */
struct so_entry_place {
	int year;
	char volume[32];
	char file[256];
	int page_index;
	int row;
};
/* A record other than RECORD_ID, in another book of type TYPE than BOOK_ID, with the entry
 * KEY: 1 with *P set, 0 when there is none, -1 on error. */
int so_entry_elsewhere(struct so_store *s, const char *key, const char *type, int64_t book_id,
		       int64_t record_id, struct so_entry_place *p);

/* Sets the canonical VALUE, CODE and SUCCESSOR (NULL stores NULL) of field NAME of the record,
 * unless an archivist set its value. */
int so_field_canon_set(struct so_store *s, int64_t record_id, const char *name,
		       const char *value, const char *code, const char *successor);

/* The index of entries shared between batches ------------------------------------------------- */

struct so_entry_index;
/* Opens (making it when missing) the index at PATH. 0, or -1 with the error set. */
int so_entry_index_open(const char *path, struct so_entry_index **out);
void so_entry_index_close(struct so_entry_index *x);
/* The earliest entry KEY of TYPE in another batch than BATCH made before BATCH's own: 1 with
 * its PLACE and the batch it is in (OTHER) copied, 0 when there is none, -1 on error. */
int so_entry_index_find(struct so_entry_index *x, const char *type, const char *key,
			const char *batch, char *place, size_t psize, char *other, size_t osize);
/* Records entry KEY of TYPE, record RECORD of BATCH at PLACE (once). */
int so_entry_index_add(struct so_entry_index *x, const char *type, const char *key,
		       const char *batch, int64_t record, const char *place);
/* Leaves the index in rollback-journal mode (no write-ahead log beside it), for a copy kept
 * on a network file system. */
int so_entry_index_unwal(struct so_entry_index *x);

/* An entry of the batch: a record with its entry key, its book and status. */
struct so_entry_row {
	int64_t record;
	char key[512];
	char type[16];
	int year;
	char volume[32];
	char authority[16];
	char status[16];
};
/* Calls EACH with every record of the batch that has an entry key, in record order. */
int so_entry_rows_each(struct so_store *s, int (*each)(const struct so_entry_row *r, void *ctx),
		       void *ctx);
/* 1 when the record carries a flag CODE (in any state), 0 when not, -1 on error. */
int so_record_has_flag(struct so_store *s, int64_t record_id, const char *code);

#endif
