/* The validate and normalize stages (see records.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/workers.h"
#include "check/records.h"
#include "check/rules.h"
#include "register/layout.h"
#include "register/normalize.h"

/* Adds a pending unit of STAGE for every book with records whose pages are all read. Returns
 * the number added or -1. */
static int64_t records_seed(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO stage_units (stage, unit_id, state) "
		"SELECT ?1, b.id, 'pending' FROM books b "
		"WHERE EXISTS (SELECT 1 FROM records r WHERE r.book_id = b.id) "
		"AND NOT EXISTS (SELECT 1 FROM stage_units u JOIN pages p ON p.id = u.unit_id "
		"  JOIN scan_files f ON f.id = p.scan_file_id "
		"  WHERE u.stage = 'ocr' AND u.state IN ('pending', 'running') AND f.book_id = b.id) "
		"ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, stage, -1, SQLITE_STATIC);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return sqlite3_changes64(so_store_db(s));
}

/* One record as the rules see it, with storage for its strings. */
struct loaded {
	struct so_record_view view;
	char status[24];
	char **strings;
	size_t nstrings;
};

static void loaded_release(struct loaded *l)
{
	for (size_t i = 0; i < l->nstrings; i++)
		free(l->strings[i]);
	free(l->strings);
	free(l->view.fields);
	memset(l, 0, sizeof(*l));
}

static int record_load(struct so_store *s, int64_t id, const struct so_layout *l, int book_year,
		       long scan_date, struct loaded *out)
{
	memset(out, 0, sizeof(*out));
	out->view.id = id;
	out->view.layout = l;
	out->view.book_year = book_year;
	out->view.scan_date = scan_date;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT f.name, f.raw, f.confidence, "
					    "coalesce(c.marks, 0), f.source, f.value FROM fields f "
					    "LEFT JOIN cells c ON c.record_id = f.record_id AND c.col = ?2 "
					    "WHERE f.record_id = ?1 AND f.name = ?3");
	if (!st)
		return -1;
	/* every field of the layout, in layout order */
	size_t cap = 0, strings_cap = 0;
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		size_t k = col->kind == SO_COLUMN_FIELD ? 1 : col->nsubfields;
		for (size_t j = 0; j < k; j++) {
			char name[160];
			if (col->kind == SO_COLUMN_FIELD)
				snprintf(name, sizeof(name), "%s", col->field);
			else
				snprintf(name, sizeof(name), "%s.%s", col->prefix, col->subfields[j]);
			if (SO_ARRAY_GROW(out->view.fields, out->view.nfields, cap) < 0 ||
			    SO_ARRAY_GROW(out->strings, out->nstrings, strings_cap) < 0 ||
			    SO_ARRAY_GROW(out->strings, out->nstrings + 1, strings_cap) < 0) {
				loaded_release(out);
				return -1;
			}
			struct so_rule_field *f = &out->view.fields[out->view.nfields++];
			char *nm = so_strdup(name);
			out->strings[out->nstrings++] = nm;
			f->name = nm;
			f->raw = NULL;
			f->conf = -1;
			f->marks = 0;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, col->index);
			sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW) {
				/* an archivist's value stands in for the reading */
				const char *src = (const char *)sqlite3_column_text(st, 4);
				int col_raw = src && strcmp(src, "archivist") == 0 ? 5 : 1;
				const unsigned char *raw = sqlite3_column_text(st, col_raw);
				if (raw) {
					char *r = so_strdup((const char *)raw);
					out->strings[out->nstrings++] = r;
					f->raw = r;
				}
				if (sqlite3_column_type(st, 2) != SQLITE_NULL)
					f->conf = col_raw == 5 ? 1.0 : sqlite3_column_double(st, 2);
				f->marks = sqlite3_column_int(st, 3);
			}
		}
	}
	sqlite3_reset(st);
	return 0;
}

struct book_ctx {
	struct so_store *s;
	struct so_book book;
	struct so_layout *layout;
	long scan_date;
	int64_t *ids;
	size_t n;
};

static void book_release(struct book_ctx *b)
{
	so_layout_free(b->layout);
	free(b->ids);
	memset(b, 0, sizeof(*b));
}

/* The book, its layout, its scan date and its records in register order. */
static int book_load(struct so_store *s, int64_t book_id, int judged_only, struct book_ctx *b)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	if (so_book_get(s, book_id, &b->book) < 0 || so_layout_load(b->book.layout, &b->layout) < 0)
		return -1;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT min(created_at) FROM scan_files "
					    "WHERE book_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		int y, m, d;
		if (sscanf(t, "%d-%d-%d", &y, &m, &d) == 3)
			b->scan_date = y * 10000L + m * 100L + d;
	}
	sqlite3_reset(st);
	st = so_store_stmt(s, "SELECT r.id, r.status FROM records r JOIN pages p ON p.id = r.page_id "
			      "WHERE r.book_id = ?1 ORDER BY p.scan_file_id, p.page_index, r.row");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 1);
		if (judged_only && (strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0 ||
				    strcmp(status, "synced") == 0))
			continue;
		if (SO_ARRAY_GROW(b->ids, b->n, cap) < 0) {
			sqlite3_reset(st);
			return -1;
		}
		b->ids[b->n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : so_store_error(s, "cannot read the records of a book");
}

/* "code\x1fseverity\x1ffields\x1fmessage" of a flag, to compare sets of flags. */
static char *flag_line(const char *code, const char *severity, const char *fields,
		       const char *message)
{
	return so_asprintf("%s\x1f%s\x1f%s\x1f%s", code, severity, fields, message);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* 1 when the record's open flags from validation are exactly NEW (those of FLAGS marked in
 * RAISE), 0 when they differ, -1 on error. */
static int flags_same(struct so_store *s, int64_t id, const struct so_flag_list *flags,
		      const char *raise)
{
	size_t nn = 0, no = 0, cap = flags->n + 1;
	char **nv = so_calloc(cap, sizeof(char *)), **ov = NULL;
	int r = -1;
	if (!nv)
		return -1;
	for (size_t i = 0; i < flags->n; i++)
		if (raise[i] && !(nv[nn++] = flag_line(flags->v[i].code, flags->v[i].severity,
						       flags->v[i].fields, flags->v[i].message)))
			goto done;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code, severity, fields, message FROM flags "
					    "WHERE record_id = ?1 AND source = 'validate' AND "
					    "state = 'open'");
	if (!st)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	size_t ocap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (SO_ARRAY_GROW(ov, no, ocap) < 0)
			break;
		if (!(ov[no] = flag_line((const char *)sqlite3_column_text(st, 0),
					 (const char *)sqlite3_column_text(st, 1),
					 (const char *)sqlite3_column_text(st, 2),
					 (const char *)sqlite3_column_text(st, 3))))
			break;
		no++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			so_store_error(s, "cannot read a record's flags");
		goto done;
	}
	r = 0;
	if (no != nn)
		goto done;
	qsort(nv, nn, sizeof(char *), line_cmp);
	if (no)
		qsort(ov, no, sizeof(char *), line_cmp);
	r = 1;
	for (size_t i = 0; i < nn; i++)
		if (strcmp(nv[i], ov[i]) != 0)
			r = 0;
done:
	lines_free(nv, nn);
	lines_free(ov, no);
	return r;
}

/* Replaces the record's open flags from validation by FLAGS (a flag an archivist verified is
 * not raised again) and sets its status: needs_review while an error flag is open, valid
 * otherwise. Records approved, rejected or synced keep their status. The version moves only
 * when the flags or the status change, so that judging a book again does not disturb an
 * archivist at work on one of its records. */
static int record_judge(struct so_store *s, int64_t id, const struct so_flag_list *flags)
{
	char *raise = so_calloc(flags->n + 1, 1);
	if (!raise)
		return -1;
	sqlite3_stmt *st;
	for (size_t i = 0; i < flags->n; i++) {
		const struct so_flag_spec *f = &flags->v[i];
		st = so_store_stmt(s, "SELECT 1 FROM flags WHERE record_id = ?1 AND code = ?2 AND "
				      "fields = ?3 AND state = 'verified'");
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, f->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, f->fields, -1, SQLITE_STATIC);
		raise[i] = sqlite3_step(st) != SQLITE_ROW;
		sqlite3_reset(st);
	}
	int same = flags_same(s, id, flags, raise);
	if (same < 0)
		goto fail;
	if (!same) {
		st = so_store_stmt(s, "DELETE FROM flags WHERE record_id = ?1 AND "
				      "source = 'validate' AND state = 'open'");
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		if (so_store_step_done(s, st) < 0)
			goto fail;
		for (size_t i = 0; i < flags->n; i++) {
			const struct so_flag_spec *f = &flags->v[i];
			if (raise[i] && so_flag_add(s, id, f->code, f->severity, f->fields, f->message,
						    "validate", NULL) < 0)
				goto fail;
		}
	}
	free(raise);
	st = so_store_stmt(s, "UPDATE records SET status = CASE WHEN EXISTS (SELECT 1 FROM flags "
			      "WHERE record_id = ?1 AND state = 'open' AND severity = 'error') "
			      "THEN 'needs_review' ELSE 'valid' END, updated_at = ?2, "
			      "version = version + 1 WHERE id = ?1 AND status IN ('extracted', "
			      "'needs_review', 'valid') AND (?3 OR status <> CASE WHEN EXISTS "
			      "(SELECT 1 FROM flags WHERE record_id = ?1 AND state = 'open' AND "
			      "severity = 'error') THEN 'needs_review' ELSE 'valid' END)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	char now[SO_TIME_LEN];
	so_now_iso(now);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, !same);
	return so_store_step_done(s, st);
fail:
	free(raise);
	return -1;
}

struct worker {
	struct so_store *s;
	struct so_progress progress;
	sqlite3 *index;          /* the index shared between batches (--index), or NULL */
	char batch_id[40];
};

static int set_entry_key(struct so_store *s, int64_t id, const char *key)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET entry_key = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (key)
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	return so_store_step_done(s, st);
}

/* The same person and event in another book of this batch, or in an earlier batch of the
 * shared index: a DUPLICATE_ENTRY flag saying where. */
static int seen_elsewhere(struct worker *w, const struct book_ctx *b, int64_t id, const char *key,
			  struct so_flag_list *out)
{
	static const char *const nf[] = { "registration_number" };
	sqlite3_stmt *st = so_store_stmt(w->s, "SELECT bk.year, bk.volume, f.name, p.page_index, "
					    "r.row FROM records r JOIN books bk ON bk.id = r.book_id "
					    "JOIN pages p ON p.id = r.page_id JOIN scan_files f ON "
					    "f.id = p.scan_file_id WHERE r.entry_key = ?1 AND bk.type = ?2 "
					    "AND r.book_id <> ?3 AND r.id <> ?4 LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, b->book.type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, b->book.id);
	sqlite3_bind_int64(st, 4, id);
	char where[512] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(where, sizeof(where), "sổ năm %d quyển %s, tệp %s trang %d dòng %d của lô này",
			 sqlite3_column_int(st, 0), sqlite3_column_text(st, 1),
			 sqlite3_column_text(st, 2), sqlite3_column_int(st, 3) + 1,
			 sqlite3_column_int(st, 4));
	sqlite3_reset(st);
	if (!where[0] && w->index) {
		sqlite3_stmt *q = NULL;
		/* only an earlier batch's entry: the later of two batches carries the flag */
		if (sqlite3_prepare_v2(w->index, "SELECT batch, place FROM entries WHERE type = ?1 AND "
				       "key = ?2 AND batch <> ?3 AND at < coalesce((SELECT min(at) "
				       "FROM entries WHERE type = ?1 AND key = ?2 AND batch = ?3), "
				       "'9999') ORDER BY at LIMIT 1", -1, &q, NULL) != SQLITE_OK)
			return so_error("the entry index: %s", sqlite3_errmsg(w->index));
		sqlite3_bind_text(q, 1, b->book.type, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, w->batch_id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(where, sizeof(where), "%s của lô %s", sqlite3_column_text(q, 1),
				 sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	if (!where[0])
		return 0;
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->v[i].code, "DUPLICATE_ENTRY") == 0)
			return 0;
	if (SO_ARRAY_GROW(out->v, out->n, out->cap) < 0)
		return -1;
	struct so_flag_spec *f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->code, sizeof(f->code), "DUPLICATE_ENTRY");
	f->severity = "error";
	snprintf(f->fields, sizeof(f->fields), "[\"%s\"]", nf[0]);
	snprintf(f->message, sizeof(f->message), "Trùng người và sự kiện với mục đã có: %s", where);
	return 0;
}

/* Records an entry in the shared index (idempotent). */
static int index_add(struct worker *w, const struct book_ctx *b, int64_t id, const char *key)
{
	if (!w->index)
		return 0;
	sqlite3_stmt *q = NULL;
	char place[256];
	snprintf(place, sizeof(place), "sổ %s năm %d quyển %s (%s), bản ghi %lld", b->book.type,
		 b->book.year, b->book.volume, b->book.authority_code, (long long)id);
	if (sqlite3_prepare_v2(w->index, "INSERT INTO entries (type, key, batch, record, place, at) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%f', 'now')) "
			       "ON CONFLICT DO NOTHING", -1, &q, NULL) != SQLITE_OK)
		return so_error("the entry index: %s", sqlite3_errmsg(w->index));
	sqlite3_bind_text(q, 1, b->book.type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, w->batch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, id);
	sqlite3_bind_text(q, 5, place, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : so_error("the entry index: %s", sqlite3_errmsg(w->index));
}

/* Opens the index at PATH (made when missing); none when PATH is NULL or "". */
static int index_open(struct worker *w, const char *path)
{
	if (!path || !*path)
		return 0;
	if (so_meta_get(w->s, "batch_id", w->batch_id, sizeof(w->batch_id)) != 1)
		return so_error("the batch has no identity");
	if (sqlite3_open_v2(path, &w->index, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return so_error("cannot open the entry index '%s': %s", path,
				w->index ? sqlite3_errmsg(w->index) : "no memory");
	sqlite3_busy_timeout(w->index, 60000);
	char *msg = NULL;
	if (sqlite3_exec(w->index, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS entries "
			 "(type TEXT NOT NULL, key TEXT NOT NULL, batch TEXT NOT NULL, record INTEGER "
			 "NOT NULL, place TEXT, at TEXT NOT NULL, PRIMARY KEY (type, key, batch, "
			 "record))", NULL, NULL,
			 &msg) != SQLITE_OK) {
		so_error("cannot set up the entry index '%s': %s", path, msg ? msg : "");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* A book judged: its records, their flags and entry keys. */
struct judgement {
	struct book_ctx b;
	struct so_flag_list *flags;
	char **keys;
};

static void judgement_release(struct judgement *j)
{
	for (size_t i = 0; j->keys && i < j->b.n; i++)
		free(j->keys[i]);
	free(j->keys);
	for (size_t i = 0; j->flags && i < j->b.n; i++)
		so_flag_list_release(&j->flags[i]);
	free(j->flags);
	book_release(&j->b);
	memset(j, 0, sizeof(*j));
}

/* Runs the rules over the book's records still to be judged. */
static int judgement_make(struct worker *w, int64_t book_id, struct judgement *j)
{
	struct loaded *recs = NULL;
	struct so_record_view *views = NULL;
	int r = -1;
	memset(j, 0, sizeof(*j));
	if (book_load(w->s, book_id, 1, &j->b) < 0)
		goto done;
	size_t n = j->b.n;
	recs = so_calloc(n ? n : 1, sizeof(*recs));
	views = so_calloc(n ? n : 1, sizeof(*views));
	j->flags = so_calloc(n ? n : 1, sizeof(*j->flags));
	j->keys = so_calloc(n ? n : 1, sizeof(char *));
	if (!recs || !views || !j->flags || !j->keys)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (record_load(w->s, j->b.ids[i], j->b.layout, j->b.book.year, j->b.scan_date,
				&recs[i]) < 0)
			goto done;
		views[i] = recs[i].view;
	}
	if (so_rules_sequence(views, n) < 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		if (so_rules_record(&views[i], &j->flags[i]) < 0)
			goto done;
	if (so_rules_book(views, n, j->flags) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		j->keys[i] = so_entry_key(&views[i]);
		if (j->keys[i] && seen_elsewhere(w, &j->b, j->b.ids[i], j->keys[i], &j->flags[i]) < 0)
			goto done;
	}
	r = 0;
done:
	for (size_t i = 0; recs && i < j->b.n; i++)
		loaded_release(&recs[i]);
	free(recs);
	free(views);
	return r;
}

/* Stores the judgement (in the caller's transaction). */
static int judgement_store(struct worker *w, const struct judgement *j)
{
	for (size_t i = 0; i < j->b.n; i++)
		if (record_judge(w->s, j->b.ids[i], &j->flags[i]) < 0 ||
		    set_entry_key(w->s, j->b.ids[i], j->keys[i]) < 0)
			return -1;
	return 0;
}

static int validate_unit(void *ctx, int64_t book_id, int crashes)
{
	struct worker *w = ctx;
	struct judgement j;
	int r = -1;
	(void)crashes;
	if (judgement_make(w, book_id, &j) < 0 || so_store_begin(w->s) < 0)
		goto done;
	if (judgement_store(w, &j) < 0 ||
	    so_unit_finish(w->s, SO_VALIDATE_STAGE, book_id, NULL) < 0 || so_store_commit(w->s) < 0) {
		so_store_rollback(w->s);
		goto done;
	}
	/* the shared index learns this book's entries once they are judged */
	for (size_t i = 0; i < j.b.n; i++)
		if (j.keys[i] && index_add(w, &j.b, j.b.ids[i], j.keys[i]) < 0)
			goto done;
	char desc[128];
	so_book_describe(&j.b.book, desc, sizeof(desc));
	so_progress_log(&w->progress, "book %s: %zu records judged", desc, j.b.n);
	r = 0;
done:
	judgement_release(&j);
	return r;
}

int so_validate_book(struct so_store *s, int64_t book_id)
{
	struct worker w = { .s = s };
	struct judgement j;
	int r = -1;
	memset(&j, 0, sizeof(j));
	if (index_open(&w, getenv("SOHOA_INDEX")) == 0 && judgement_make(&w, book_id, &j) == 0 &&
	    judgement_store(&w, &j) == 0)
		r = 0;
	judgement_release(&j);
	if (w.index)
		sqlite3_close(w.index);
	return r;
}

static int normalize_unit(void *ctx, int64_t book_id, int crashes)
{
	struct worker *w = ctx;
	struct book_ctx b;
	int r = -1;
	if (book_load(w->s, book_id, 0, &b) < 0)
		goto done;
	if (so_store_begin(w->s) < 0)
		goto done;
	for (size_t i = 0; i < b.n; i++) {
		struct loaded rec;
		if (record_load(w->s, b.ids[i], b.layout, b.book.year, b.scan_date, &rec) < 0)
			goto rollback;
		long reg = 0;
		struct so_canon c;
		const struct so_rule_field *rd = NULL;
		for (size_t k = 0; k < rec.view.nfields; k++)
			if (strcmp(rec.view.fields[k].name, "registration_date") == 0)
				rd = &rec.view.fields[k];
		if (rd && rd->raw && so_normalize(SO_KIND_DATE, rd->raw, NULL, &c) == 0) {
			if (c.value && strlen(c.value) == 10)
				reg = strtol(c.value, NULL, 10) * 10000 + strtol(c.value + 5, NULL, 10) * 100 +
				      strtol(c.value + 8, NULL, 10);
			so_canon_release(&c);
		}
		struct so_norm_ctx nctx = { reg };
		int bad = 0;
		for (size_t k = 0; !bad && k < rec.view.nfields; k++) {
			const struct so_rule_field *f = &rec.view.fields[k];
			enum so_kind kind = so_field_kind(b.layout, f->name);
			if (kind == SO_KIND_NONE || !f->raw)
				continue;
			if (so_normalize(kind, f->raw, &nctx, &c) < 0) {
				bad = 1;
				break;
			}
			/* an unsure place keeps no value: it is flagged, not forced */
			int unsure = kind == SO_KIND_PLACE && c.value && c.match < 0.9;
			sqlite3_stmt *st = so_store_stmt(w->s, "UPDATE fields SET value = ?3, code = ?4, "
							      "successor = ?5 WHERE record_id = ?1 AND "
							      "name = ?2 AND source <> 'archivist'");
			if (!st) {
				bad = 1;
			} else {
				sqlite3_bind_int64(st, 1, b.ids[i]);
				sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
				if (unsure || !c.value)
					sqlite3_bind_null(st, 3);
				else
					sqlite3_bind_text(st, 3, c.value, -1, SQLITE_STATIC);
				if (unsure || !c.code)
					sqlite3_bind_null(st, 4);
				else
					sqlite3_bind_text(st, 4, c.code, -1, SQLITE_STATIC);
				if (unsure || !c.successor)
					sqlite3_bind_null(st, 5);
				else
					sqlite3_bind_text(st, 5, c.successor, -1, SQLITE_STATIC);
				bad = so_store_step_done(w->s, st) < 0;
			}
			so_canon_release(&c);
		}
		loaded_release(&rec);
		if (bad)
			goto rollback;
	}
	if (so_unit_finish(w->s, SO_NORMALIZE_STAGE, book_id, NULL) < 0 || so_store_commit(w->s) < 0)
		goto rollback;
	char desc[128];
	so_book_describe(&b.book, desc, sizeof(desc));
	so_progress_log(&w->progress, "book %s: %zu records normalized", desc, b.n);
	r = 0;
	goto done;
rollback:
	so_store_rollback(w->s);
done:
	book_release(&b);
	return r;
}

static int worker_run(const char *batch_dir, const char *stage,
		      int (*unit)(void *, int64_t, int), const char *index_path)
{
	struct worker w = { 0 };
	if (so_store_open(batch_dir, 0, &w.s) < 0 || index_open(&w, index_path) < 0) {
		so_log_err("%s", so_errmsg());
		so_store_close(w.s);
		if (w.index)
			sqlite3_close(w.index);
		return SO_EXIT_ENV;
	}
	so_progress_init(&w.progress, stage, "books");
	int code = so_stage_work(w.s, stage, unit, &w);
	if (w.index)
		sqlite3_close(w.index);
	so_store_close(w.s);
	return code;
}

int so_validate_worker(const char *batch_dir, const char *index_path)
{
	return worker_run(batch_dir, SO_VALIDATE_STAGE, validate_unit, index_path);
}

int so_normalize_worker(const char *batch_dir)
{
	return worker_run(batch_dir, SO_NORMALIZE_STAGE, normalize_unit, NULL);
}

int so_records_seed(struct so_store *s, const char *stage, int again)
{
	if (records_seed(s, stage) < 0 || (again && so_unit_redo_all(s, stage) < 0))
		return -1;
	return 0;
}
