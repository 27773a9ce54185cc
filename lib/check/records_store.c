/* The validate and normalize stages' statements (see records_store.h). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "check/records_store.h"

int so_field_reading_get(struct so_store *s, int64_t record_id, int col, const char *name,
			 int (*each)(const struct so_field_reading *r, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT f.name, f.raw, f.confidence, "
					    "coalesce(c.marks, 0), f.source, f.value, "
					    "coalesce(h.hand = 'handwritten', 0) FROM fields f "
					    "LEFT JOIN cells c ON c.record_id = f.record_id AND c.col = ?2 "
					    "LEFT JOIN cell_hand h ON h.record_id = f.record_id AND "
					    "h.col = ?2 WHERE f.record_id = ?1 AND f.name = ?3");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_int(st, 2, col);
	so_bind_text(st, 3, name);
	int r = so_store_step(s, st, "cannot read a field");
	if (r != 1)
		return r;
	struct so_field_reading fr = {
		.raw = so_column_text(st, 1),
		.value = so_column_text(st, 5),
		.source = so_column_text(st, 4),
		.has_confidence = sqlite3_column_type(st, 2) != SQLITE_NULL,
		.confidence = sqlite3_column_double(st, 2),
		.marks = sqlite3_column_int(st, 3),
		.hand = sqlite3_column_int(st, 6),
	};
	int v = each(&fr, ctx);
	sqlite3_reset(st);
	return v < 0 ? -1 : 1;
}

int so_book_first_scan(struct so_store *s, int64_t book_id, char *buf, size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT min(created_at) FROM scan_files "
					    "WHERE book_id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, book_id);
	int r = so_store_step(s, st, "cannot read the scan files of a book");
	if (r != 1)
		return r;
	int found = sqlite3_column_type(st, 0) != SQLITE_NULL;
	so_column_copy(st, 0, buf, size);
	sqlite3_reset(st);
	return found;
}

int so_book_records_each(struct so_store *s, int64_t book_id,
			 int (*each)(int64_t record_id, int64_t page_id, const char *status,
				     void *ctx),
			 void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT r.id, r.status, r.page_id FROM records r "
					    "JOIN pages p ON "
					    "p.id = r.page_id WHERE r.book_id = ?1 "
					    "ORDER BY p.scan_file_id, p.page_index, r.row");
	if (!st)
		return -1;
	so_bind_int(st, 1, book_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the records of a book")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2),
			     so_column_text(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_record_validate_flags_each(struct so_store *s, int64_t record_id,
				  int (*each)(const char *code, const char *severity,
					      const char *fields, const char *message, void *ctx),
				  void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code, severity, fields, message FROM flags "
					    "WHERE record_id = ?1 AND source = 'validate' AND "
					    "state = 'open'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read a record's flags")) == 1) {
		int v = each(so_column_text(st, 0), so_column_text(st, 1), so_column_text(st, 2),
			     so_column_text(st, 3), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_flag_is_verified(struct so_store *s, int64_t record_id, const char *code,
			const char *fields)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT 1 FROM flags WHERE record_id = ?1 AND code = ?2 "
					    "AND fields = ?3 AND state = 'verified'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, code);
	so_bind_text(st, 3, fields);
	int r = so_store_step(s, st, "cannot read a record's flags");
	if (r == 1)
		sqlite3_reset(st);
	return r;
}

int so_record_validate_flags_clear(struct so_store *s, int64_t record_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM flags WHERE record_id = ?1 AND "
					    "source = 'validate' AND state = 'open'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	return so_store_step_done(s, st);
}

int so_record_judge_status(struct so_store *s, int64_t record_id, int flags_changed)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"UPDATE records SET status = CASE WHEN EXISTS (SELECT 1 FROM flags "
		"WHERE record_id = ?1 AND state = 'open' AND severity = 'error') "
		"THEN 'needs_review' ELSE 'valid' END, updated_at = ?2, "
		"version = version + 1 WHERE id = ?1 AND status IN ('extracted', "
		"'needs_review', 'valid') AND (?3 OR status <> CASE WHEN EXISTS "
		"(SELECT 1 FROM flags WHERE record_id = ?1 AND state = 'open' AND "
		"severity = 'error') THEN 'needs_review' ELSE 'valid' END)");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_now(st, 2);
	so_bind_int(st, 3, flags_changed);
	return so_store_step_done(s, st);
}

int so_record_entry_key_set(struct so_store *s, int64_t record_id, const char *key)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET entry_key = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, key);
	return so_store_step_done(s, st);
}

int so_entry_elsewhere(struct so_store *s, const char *key, const char *type, int64_t book_id,
		       int64_t record_id, struct so_entry_place *p)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT bk.year, bk.volume, f.name, p.page_index, "
					    "r.row FROM records r JOIN books bk ON bk.id = r.book_id "
					    "JOIN pages p ON p.id = r.page_id JOIN scan_files f ON "
					    "f.id = p.scan_file_id WHERE r.entry_key = ?1 AND bk.type = ?2 "
					    "AND r.book_id <> ?3 AND r.id <> ?4 LIMIT 1");
	if (!st)
		return -1;
	so_bind_text(st, 1, key);
	so_bind_text(st, 2, type);
	so_bind_int(st, 3, book_id);
	so_bind_int(st, 4, record_id);
	int r = so_store_step(s, st, "cannot look up an entry");
	if (r != 1)
		return r;
	p->year = sqlite3_column_int(st, 0);
	so_column_copy(st, 1, p->volume, sizeof(p->volume));
	so_column_copy(st, 2, p->file, sizeof(p->file));
	p->page_index = sqlite3_column_int(st, 3);
	p->row = sqlite3_column_int(st, 4);
	sqlite3_reset(st);
	return 1;
}

int so_field_canon_set(struct so_store *s, int64_t record_id, const char *name,
		       const char *value, const char *code, const char *successor)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE fields SET value = ?3, code = ?4, "
					    "successor = ?5 WHERE record_id = ?1 AND "
					    "name = ?2 AND source <> 'archivist'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, name);
	so_bind_text(st, 3, value);
	so_bind_text(st, 4, code);
	so_bind_text(st, 5, successor);
	return so_store_step_done(s, st);
}

/* The index of entries shared between batches ------------------------------------------------- */

struct so_entry_index {
	sqlite3 *db;
};

int so_entry_index_open(const char *path, struct so_entry_index **out)
{
	*out = NULL;
	struct so_entry_index *x = so_calloc(1, sizeof(*x));
	if (!x)
		return -1;
	if (sqlite3_open_v2(path, &x->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		so_error("cannot open the entry index '%s': %s", path,
			 x->db ? sqlite3_errmsg(x->db) : "no memory");
		so_entry_index_close(x);
		return -1;
	}
	sqlite3_busy_timeout(x->db, 60000);
	char *msg = NULL;
	if (sqlite3_exec(x->db, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS entries "
			 "(type TEXT NOT NULL, key TEXT NOT NULL, batch TEXT NOT NULL, record INTEGER "
			 "NOT NULL, place TEXT, at TEXT NOT NULL, PRIMARY KEY (type, key, batch, "
			 "record))", NULL, NULL,
			 &msg) != SQLITE_OK) {
		so_error("cannot set up the entry index '%s': %s", path, msg ? msg : "");
		sqlite3_free(msg);
		so_entry_index_close(x);
		return -1;
	}
	*out = x;
	return 0;
}

void so_entry_index_close(struct so_entry_index *x)
{
	if (!x)
		return;
	if (x->db)
		sqlite3_close(x->db);
	free(x);
}

int so_entry_index_find(struct so_entry_index *x, const char *type, const char *key,
			const char *batch, char *place, size_t psize, char *other, size_t osize)
{
	sqlite3_stmt *q = NULL;
	/* only an earlier batch's entry: the later of two batches carries the flag */
	if (sqlite3_prepare_v2(x->db, "SELECT batch, place FROM entries WHERE type = ?1 AND "
			       "key = ?2 AND batch <> ?3 AND at < coalesce((SELECT min(at) "
			       "FROM entries WHERE type = ?1 AND key = ?2 AND batch = ?3), "
			       "'9999') ORDER BY at LIMIT 1", -1, &q, NULL) != SQLITE_OK)
		return so_error("the entry index: %s", sqlite3_errmsg(x->db));
	so_bind_text(q, 1, type);
	so_bind_text(q, 2, key);
	so_bind_text(q, 3, batch);
	int rc = sqlite3_step(q), r = rc == SQLITE_ROW;
	if (r) {
		so_column_copy(q, 1, place, psize);
		so_column_copy(q, 0, other, osize);
	} else if (rc != SQLITE_DONE) {
		r = so_error("the entry index: %s", sqlite3_errmsg(x->db));
	}
	sqlite3_finalize(q);
	return r;
}

int so_entry_index_add(struct so_entry_index *x, const char *type, const char *key,
		       const char *batch, int64_t record, const char *place)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(x->db, "INSERT INTO entries (type, key, batch, record, place, at) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%f', 'now')) "
			       "ON CONFLICT DO NOTHING", -1, &q, NULL) != SQLITE_OK)
		return so_error("the entry index: %s", sqlite3_errmsg(x->db));
	so_bind_text(q, 1, type);
	so_bind_text(q, 2, key);
	so_bind_text(q, 3, batch);
	so_bind_int(q, 4, record);
	so_bind_text(q, 5, place);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : so_error("the entry index: %s", sqlite3_errmsg(x->db));
}

int so_entry_index_unwal(struct so_entry_index *x)
{
	char *msg = NULL;
	if (sqlite3_exec(x->db, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg) != SQLITE_OK) {
		so_error("the entry index: %s", msg ? msg : "");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int so_entry_rows_each(struct so_store *s, int (*each)(const struct so_entry_row *r, void *ctx),
		       void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT r.id, r.entry_key, bk.type, bk.year, "
					    "bk.volume, bk.authority_code, r.status FROM records r "
					    "JOIN books bk ON bk.id = r.book_id WHERE r.entry_key IS "
					    "NOT NULL ORDER BY r.id");
	if (!st)
		return -1;
	int rc;
	while ((rc = so_store_step(s, st, "cannot read the entries")) == 1) {
		struct so_entry_row r = { .record = sqlite3_column_int64(st, 0),
					  .year = sqlite3_column_int(st, 3) };
		so_column_copy(st, 1, r.key, sizeof(r.key));
		so_column_copy(st, 2, r.type, sizeof(r.type));
		so_column_copy(st, 4, r.volume, sizeof(r.volume));
		so_column_copy(st, 5, r.authority, sizeof(r.authority));
		so_column_copy(st, 6, r.status, sizeof(r.status));
		if (each(&r, ctx) < 0) {
			sqlite3_reset(st);
			return -1;
		}
	}
	return rc < 0 ? -1 : 0;
}

int so_record_has_flag(struct so_store *s, int64_t record_id, const char *code)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT 1 FROM flags WHERE record_id = ?1 AND "
					    "code = ?2 LIMIT 1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, code);
	int r = so_store_step(s, st, "cannot read a record's flags");
	if (r == 1)
		sqlite3_reset(st);
	return r;
}
