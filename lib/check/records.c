/* The validate and normalize stages (see records.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/units.h"
#include "batch/workers.h"
#include "check/records.h"
#include "check/records_store.h"
#include "check/rules.h"
#include "register/layout.h"
#include "register/normalize.h"

/* One record as the rules see it, with storage for its strings. */
struct loaded {
	struct so_record_view view;
	struct so_layout_doubt doubt;   /* its page's, when view.layout_doubt points here */
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

/* Where a field's reading goes: the rule field F of the record L. */
struct reading_to {
	struct loaded *l;
	struct so_rule_field *f;
};

static int reading_take(const struct so_field_reading *rd, void *ctx)
{
	struct reading_to *to = ctx;
	/* an archivist's value stands in for the reading */
	int archivist = rd->source && strcmp(rd->source, "archivist") == 0;
	const char *raw = archivist ? rd->value : rd->raw;
	if (raw) {
		char *r = so_strdup(raw);
		to->l->strings[to->l->nstrings++] = r;
		to->f->raw = r;
	}
	if (rd->has_confidence)
		to->f->conf = archivist ? 1.0 : rd->confidence;
	to->f->marks = rd->marks;
	to->f->hand = rd->hand;
	to->f->keyed = archivist;
	return 0;
}

static int record_load(struct so_store *s, int64_t id, const struct so_layout *l, int book_year,
		       long scan_date, struct loaded *out)
{
	memset(out, 0, sizeof(*out));
	out->view.id = id;
	out->view.layout = l;
	out->view.book_year = book_year;
	out->view.scan_date = scan_date;
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
			f->hand = 0;
			f->keyed = 0;
			struct reading_to r = { out, f };
			if (so_field_reading_get(s, id, col->index, name, reading_take, &r) < 0) {
				loaded_release(out);
				return -1;
			}
		}
	}
	return 0;
}

struct book_ctx {
	struct so_store *s;
	struct so_book book;
	struct so_layout *layout;
	long scan_date;
	int64_t *ids, *pages;   /* the records and their pages */
	unsigned char *settled; /* approved, rejected or synced: the rules' context, not judged */
	size_t n;
};

static void book_release(struct book_ctx *b)
{
	so_layout_free(b->layout);
	free(b->ids);
	free(b->pages);
	free(b->settled);
	memset(b, 0, sizeof(*b));
}

/* The layout of the record's page PAGE_ID in doubt (its index row or header read poorly) and
 * not confirmed by an archivist: L->view.layout_doubt set. 0 or -1. */
static int page_doubt_load(struct so_store *s, int64_t page_id, struct loaded *l)
{
	struct so_page_layout pl;
	int found = so_page_layout_get(s, page_id, &pl);
	if (found <= 0)
		return found;
	if ((!pl.index_poor && !pl.header_poor) || pl.confirmed_by[0])
		return 0;
	l->doubt = (struct so_layout_doubt){ pl.index_poor, pl.index_read, pl.index_cells,
					     pl.header_poor, pl.header };
	l->view.layout_doubt = &l->doubt;
	return 0;
}

/* Gathers the records of a book, every one of them: those an archivist or the delivery
 * settled (approved, rejected, synced) are marked, their entries still count for the rules of
 * the book (a sequence needs all its numbers), their flags and status are not touched. */
struct book_records {
	struct book_ctx *b;
	size_t cap, pages_cap, settled_cap;
};

static int book_record_add(int64_t id, int64_t page_id, const char *status, void *ctx)
{
	struct book_records *r = ctx;
	if (SO_ARRAY_GROW(r->b->ids, r->b->n, r->cap) < 0 ||
	    SO_ARRAY_GROW(r->b->pages, r->b->n, r->pages_cap) < 0 ||
	    SO_ARRAY_GROW(r->b->settled, r->b->n, r->settled_cap) < 0)
		return -1;
	r->b->settled[r->b->n] = strcmp(status, "approved") == 0 ||
				 strcmp(status, "rejected") == 0 || strcmp(status, "synced") == 0;
	r->b->pages[r->b->n] = page_id;
	r->b->ids[r->b->n++] = id;
	return 0;
}

/* The book, its layout, its scan date and its records in register order. */
static int book_load(struct so_store *s, int64_t book_id, struct book_ctx *b)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	if (so_book_get(s, book_id, &b->book) < 0 || so_layout_load(b->book.layout, &b->layout) < 0)
		return -1;
	char t[64];
	int found = so_book_first_scan(s, book_id, t, sizeof(t));
	if (found < 0)
		return -1;
	int y, m, d;
	if (found && sscanf(t, "%d-%d-%d", &y, &m, &d) == 3)
		b->scan_date = y * 10000L + m * 100L + d;
	struct book_records r = { b, 0, 0, 0 };
	return so_book_records_each(s, book_id, book_record_add, &r);
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

/* The flag lines of a record's open flags. */
struct lines {
	char **v;
	size_t n, cap;
};

static int line_add(const char *code, const char *severity, const char *fields,
		    const char *message, void *ctx)
{
	struct lines *l = ctx;
	if (SO_ARRAY_GROW(l->v, l->n, l->cap) < 0)
		return -1;
	if (!(l->v[l->n] = flag_line(code, severity, fields, message)))
		return -1;
	l->n++;
	return 0;
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
	struct lines old = { 0 };
	int got = so_record_validate_flags_each(s, id, line_add, &old);
	ov = old.v;
	no = old.n;
	if (got < 0)
		goto done;
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
	for (size_t i = 0; i < flags->n; i++) {
		const struct so_flag_spec *f = &flags->v[i];
		int verified = so_flag_is_verified(s, id, f->code, f->fields);
		if (verified < 0)
			goto fail;
		/* a handwritten field passes when a person keys it, never by a look */
		raise[i] = !verified || strcmp(f->code, SO_HANDWRITTEN) == 0;
	}
	int same = flags_same(s, id, flags, raise);
	if (same < 0)
		goto fail;
	if (!same) {
		if (so_record_validate_flags_clear(s, id) < 0)
			goto fail;
		for (size_t i = 0; i < flags->n; i++) {
			const struct so_flag_spec *f = &flags->v[i];
			if (raise[i] && so_flag_add(s, id, f->code, f->severity, f->fields, f->message,
						    "validate", NULL) < 0)
				goto fail;
		}
	}
	free(raise);
	return so_record_judge_status(s, id, !same);
fail:
	free(raise);
	return -1;
}

struct worker {
	struct so_store *s;
	struct so_progress progress;
	struct so_entry_index *index;  /* the index shared between batches (--index), or NULL */
	char batch_id[40];
};

/* The DUPLICATE_ENTRY flag of an entry already held WHERE. */
static void duplicate_flag(struct so_flag_spec *f, const char *where)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->code, sizeof(f->code), "DUPLICATE_ENTRY");
	f->severity = "error";
	snprintf(f->fields, sizeof(f->fields), "[\"registration_number\"]");
	snprintf(f->message, sizeof(f->message), "Trùng người và sự kiện với mục đã có: %s", where);
}

/* Where an entry of book type TYPE, YEAR, VOLUME, AUTHORITY, record ID is, for the index. */
static void entry_place(char *buf, size_t size, const char *type, int year, const char *volume,
			const char *authority, int64_t id)
{
	snprintf(buf, size, "sổ %s năm %d quyển %s (%s), bản ghi %lld", type, year, volume,
		 authority, (long long)id);
}

/* The same person and event in another book of this batch, or in an earlier batch of the
 * shared index: a DUPLICATE_ENTRY flag saying where. */
static int seen_elsewhere(struct worker *w, const struct book_ctx *b, int64_t id, const char *key,
			  struct so_flag_list *out)
{
	char where[512] = "";
	struct so_entry_place p;
	int found = so_entry_elsewhere(w->s, key, b->book.type, b->book.id, id, &p);
	if (found < 0)
		return -1;
	if (found)
		snprintf(where, sizeof(where), "sổ năm %d quyển %s, tệp %s trang %d dòng %d của lô này",
			 p.year, p.volume, p.file, p.page_index + 1, p.row);
	if (!where[0] && w->index) {
		char place[512], batch[128];
		found = so_entry_index_find(w->index, b->book.type, key, w->batch_id, place,
					    sizeof(place), batch, sizeof(batch));
		if (found < 0)
			return -1;
		if (found)
			snprintf(where, sizeof(where), "%s của lô %s", place, batch);
	}
	if (!where[0])
		return 0;
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->v[i].code, "DUPLICATE_ENTRY") == 0)
			return 0;
	if (SO_ARRAY_GROW(out->v, out->n, out->cap) < 0)
		return -1;
	duplicate_flag(&out->v[out->n++], where);
	return 0;
}

/* Records an entry in the shared index (idempotent). */
static int index_add(struct worker *w, const struct book_ctx *b, int64_t id, const char *key)
{
	if (!w->index)
		return 0;
	char place[256];
	entry_place(place, sizeof(place), b->book.type, b->book.year, b->book.volume,
		    b->book.authority_code, id);
	return so_entry_index_add(w->index, b->book.type, key, w->batch_id, id, place);
}

/* Opens the index at PATH (made when missing); none when PATH is NULL or "". */
static int index_open(struct worker *w, const char *path)
{
	if (!path || !*path)
		return 0;
	if (so_meta_get(w->s, "batch_id", w->batch_id, sizeof(w->batch_id)) != 1)
		return so_error("the batch has no identity");
	return so_entry_index_open(path, &w->index);
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

/* Runs the rules over the book: every record is the context of the others, the flags of the
 * settled ones are made but not kept (judgement_store). */
static int judgement_make(struct worker *w, int64_t book_id, struct judgement *j)
{
	struct loaded *recs = NULL;
	struct so_record_view *views = NULL;
	int r = -1;
	memset(j, 0, sizeof(*j));
	if (book_load(w->s, book_id, &j->b) < 0)
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
				&recs[i]) < 0 ||
		    page_doubt_load(w->s, j->b.pages[i], &recs[i]) < 0)
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
		if (j->b.settled[i])
			continue;
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
		if (!j->b.settled[i] &&
		    (record_judge(w->s, j->b.ids[i], &j->flags[i]) < 0 ||
		     so_record_entry_key_set(w->s, j->b.ids[i], j->keys[i]) < 0))
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
	/* the index validate was given, when it is still there (never made anew from here) */
	char index[4096];
	int known = so_meta_get(s, SO_ENTRY_INDEX_META, index, sizeof(index));
	if (known < 0)
		return -1;
	const char *path = known == 1 && access(index, F_OK) == 0 ? index : NULL;
	if (index_open(&w, path) == 0 && judgement_make(&w, book_id, &j) == 0 &&
	    judgement_store(&w, &j) == 0)
		r = 0;
	judgement_release(&j);
	so_entry_index_close(w.index);
	return r;
}

static int normalize_unit(void *ctx, int64_t book_id, int crashes)
{
	struct worker *w = ctx;
	struct book_ctx b;
	int r = -1;
	if (book_load(w->s, book_id, &b) < 0)
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
			bad = so_field_canon_set(w->s, b.ids[i], f->name, unsure ? NULL : c.value,
						 unsure ? NULL : c.code,
						 unsure ? NULL : c.successor) < 0;
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
	char abs[PATH_MAX];
	if (index_path && *index_path && !realpath(index_path, abs))
		snprintf(abs, sizeof(abs), "%s", index_path);
	/* the batch remembers its index, for the review's judging again (so_validate_book) */
	if (so_store_open(batch_dir, 0, &w.s) < 0 || index_open(&w, index_path) < 0 ||
	    (w.index && so_meta_set(w.s, SO_ENTRY_INDEX_META, abs) < 0)) {
		so_log_err("%s", so_errmsg());
		so_store_close(w.s);
		so_entry_index_close(w.index);
		return SO_EXIT_ENV;
	}
	so_progress_init(&w.progress, stage, "books");
	int code = so_stage_work(w.s, stage, unit, &w);
	so_entry_index_close(w.index);
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
	if (so_unit_seed_books(s, stage) < 0 || (again && so_unit_redo_all(s, stage) < 0))
		return -1;
	return 0;
}

/* The night's merge ------------------------------------------------------------------------- */

struct merge {
	struct so_entry_row *v;
	size_t n, cap;
};

static int merge_take(const struct so_entry_row *r, void *ctx)
{
	struct merge *m = ctx;
	if (SO_ARRAY_GROW(m->v, m->n, m->cap) < 0)
		return -1;
	m->v[m->n++] = *r;
	return 0;
}

static int settled(const char *status)
{
	return strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0 ||
	       strcmp(status, "synced") == 0;
}

int so_entry_merge(struct so_store *s, struct so_entry_index *x, const char *index_path,
		   struct so_merge_result *res)
{
	struct merge m = { 0 };
	char batch[40];
	int r = -1;
	memset(res, 0, sizeof(*res));
	if (so_meta_get(s, "batch_id", batch, sizeof(batch)) != 1) {
		so_error("the batch has no identity");
		return -1;
	}
	if (so_entry_rows_each(s, merge_take, &m) < 0 || so_store_begin(s) < 0)
		goto done;
	for (size_t i = 0; i < m.n; i++) {
		const struct so_entry_row *e = &m.v[i];
		res->entries++;
		if (settled(e->status))
			continue;
		char place[512], other[128], where[700];
		int found = so_entry_index_find(x, e->type, e->key, batch, place, sizeof(place),
						other, sizeof(other));
		int has = found == 1 ? so_record_has_flag(s, e->record, "DUPLICATE_ENTRY") : 0;
		if (found < 0 || has < 0)
			goto rollback;
		if (found != 1 || has)
			continue;
		struct so_flag_spec f;
		snprintf(where, sizeof(where), "%s của lô %s", place, other);
		duplicate_flag(&f, where);
		if (so_flag_add(s, e->record, f.code, f.severity, f.fields, f.message, "validate",
				NULL) < 0 ||
		    so_record_judge_status(s, e->record, 1) < 0)
			goto rollback;
		res->flagged++;
	}
	/* the book judged again later (an archivist's change) consults the same index */
	if (index_path && so_meta_set(s, SO_ENTRY_INDEX_META, index_path) < 0)
		goto rollback;
	/* the night's view says which batches the night's end merged, and when */
	char now[SO_TIME_LEN], count[32];
	so_now_iso(now);
	snprintf(count, sizeof(count), "%ld", res->entries);
	if (so_meta_set(s, SO_ENTRY_MERGED_AT_META, now) < 0 ||
	    so_meta_set(s, SO_ENTRY_MERGED_META, count) < 0)
		goto rollback;
	if (so_store_commit(s) < 0)
		goto rollback;
	for (size_t i = 0; i < m.n; i++) {
		const struct so_entry_row *e = &m.v[i];
		char place[256];
		entry_place(place, sizeof(place), e->type, e->year, e->volume, e->authority,
			    e->record);
		if (so_entry_index_add(x, e->type, e->key, batch, e->record, place) < 0)
			goto done;
	}
	r = 0;
	goto done;
rollback:
	so_store_rollback(s);
done:
	free(m.v);
	return r;
}
