/* The batch summary (see summary.h), read with statements of its own (prepared and finalized
 * here, not kept in the store's cache: it runs once per command) inside one read transaction,
 * so that its numbers agree with each other. */
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "base/array.h"
#include "base/util.h"
#include "batch/summary.h"
#include "batch/units.h"
#include "register/kind.h"
#include "register/layout.h"

#define TEXT_MAX (1u << 20)        /* longest text taken from the store */
#define MINUTES_MAX (1u << 22)     /* distinct minutes with activity looked at (8 years) */

static const char *const stage_names[] = { "scan", "ocr", "validate", "normalize" };
static const char *const stage_units[] = { "files", "pages", "books", "books" };
static const char *const unit_states[] = { "pending", "running", "done", "failed" };
static const char *const page_states[] = { "prepared", "blank", "rejected", "failed",
					   "duplicate", "unread", "waiting" };
static const char *const record_statuses[] = { "extracted", "needs_review", "valid",
					       "approved", "rejected", "synced" };
static const char *const flag_states[] = { "open", "verified", "resolved" };
static const char *const outbox_states[] = { "queued", "acked", "refused", "held" };

/* Building JSON -------------------------------------------------------------------------- */

static int oom(void)
{
	return so_error("out of memory building the batch summary");
}

/* Sets KEY of O to V (taken over); -1 when V is NULL or the object cannot hold it. */
static int jput(json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		return oom();
	return 0;
}

static int jpush(json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) < 0)
		return oom();
	return 0;
}

static int jput_int(json_t *o, const char *key, int64_t n)
{
	return jput(o, key, json_integer((json_int_t)n));
}

/* A JSON string of the N bytes at T; bytes that are not UTF-8 (and NULs) become U+FFFD. NULL
 * only when out of memory. */
static json_t *text_json(const char *t, size_t n)
{
	if (n > TEXT_MAX)
		n = TEXT_MAX;
	if (!memchr(t, '\0', n)) {
		json_t *j = json_stringn(t, n);
		if (j)
			return j;
	}
	char *clean = so_malloc(3 * n + 1);
	if (!clean)
		return NULL;
	size_t len = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp == 0) {
			memcpy(clean + len, "\xef\xbf\xbd", 3);
			len += 3;
			i++;
		} else {
			memcpy(clean + len, t + i, (size_t)k);
			len += (size_t)k;
			i += (size_t)k;
		}
	}
	json_t *j = json_stringn(clean, len);
	free(clean);
	return j;
}

static json_t *str_json(const char *t)
{
	return t ? text_json(t, strlen(t)) : json_null();
}

/* Column I of the current row as a JSON string, or null. */
static json_t *col_json(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	if (!t)
		return sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM ? NULL : json_null();
	return text_json(t, (size_t)sqlite3_column_bytes(st, i));
}

/* An object with every name set to 0. */
static json_t *zero_counts(const char *const *names, size_t n)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (jput_int(o, names[i], 0) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Sets NAME in an object of counts made by zero_counts; a name it does not know is left out
 * (the store's CHECK constraints keep them out anyway). */
static int count_set(json_t *o, const char *name, int64_t n)
{
	if (!name || !json_object_get(o, name))
		return 0;
	return jput_int(o, name, n);
}

static int64_t jcount(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* Reading the store ------------------------------------------------------------------------ */

static sqlite3_stmt *prepare(struct so_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(so_store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		so_store_error(s, "cannot read the batch store");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* 1 with a row, 0 at the end, -1 with the error set. */
static int next_row(struct so_store *s, sqlite3_stmt *st)
{
	return so_store_step(s, st, "cannot read the batch store");
}

/* The integer the query SQL gives (0 when it gives no row). */
static int count_of(struct so_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (!st)
		return -1;
	int r = next_row(s, st);
	*out = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

/* The label of the book whose type, year, volume and authority are columns I..I+3. */
static json_t *book_label_json(sqlite3_stmt *st, int i)
{
	struct so_book b = { .year = sqlite3_column_int(st, i + 1) };
	const char *t;
	if ((t = (const char *)sqlite3_column_text(st, i)))
		snprintf(b.type, sizeof(b.type), "%s", t);
	if ((t = (const char *)sqlite3_column_text(st, i + 2)))
		snprintf(b.volume, sizeof(b.volume), "%s", t);
	if ((t = (const char *)sqlite3_column_text(st, i + 3)))
		snprintf(b.authority_code, sizeof(b.authority_code), "%s", t);
	char label[128];
	so_book_describe(&b, label, sizeof(label));
	return str_json(label);
}

/* The parts of the summary ------------------------------------------------------------- */

static int batch_part(struct so_store *s, json_t *root)
{
	json_t *b = NULL, *meta = NULL;
	char now[SO_TIME_LEN];
	so_now_iso(now);
	int64_t books, files;
	char *dir = realpath(so_store_dir(s), NULL);   /* the report is read elsewhere */
	int bad = jput(root, "batch", b = json_object()) < 0 ||
	    jput(b, "dir", str_json(dir ? dir : so_store_dir(s))) < 0 ||
	    jput(b, "id", json_null()) < 0 ||
	    jput_int(b, "schema_version", so_store_schema_version(s)) < 0 ||
	    jput(b, "generated_at", json_string(now)) < 0 ||
	    jput(b, "meta", meta = json_object()) < 0 ||
	    count_of(s, "SELECT count(*) FROM books", &books) < 0 ||
	    count_of(s, "SELECT count(*) FROM scan_files", &files) < 0 ||
	    jput_int(b, "books", books) < 0 || jput_int(b, "scan_files", files) < 0;
	free(dir);
	if (bad)
		return -1;
	sqlite3_stmt *st = prepare(s, "SELECT key, value FROM batch_meta ORDER BY key");
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *key = col_json(st, 0), *value = col_json(st, 1);
		if (!key || !value || !json_is_string(key)) {
			json_decref(key);
			json_decref(value);
			if (!key || !value)
				r = oom();
			if (r < 0)
				break;
			continue;
		}
		const char *k = json_string_value(key);
		if (strcmp(k, "batch_id") == 0 && jput(b, "id", json_incref(value)) < 0)
			r = -1;
		if (jput(meta, k, value) < 0)
			r = -1;
		json_decref(key);
		if (r < 0)
			break;
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static json_t *stage_counts(const char *unit)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (jput(o, "unit", json_string(unit)) < 0)
		goto error;
	for (size_t i = 0; i < SO_ARRAY_SIZE(unit_states); i++)
		if (jput_int(o, unit_states[i], 0) < 0)
			goto error;
	return o;
error:
	json_decref(o);
	return NULL;
}

/* The units of STAGE in STATE, into the object of the stage in STAGES. */
static int stage_count(const char *stage, const char *state, int64_t n, void *stages)
{
	if (!stage || strcmp(stage, "sync") == 0)
		return 0;   /* sync is counted from its outbox */
	json_t *key = str_json(stage);
	if (!key)
		return oom();
	int r = 0;
	json_t *o = json_object_get(stages, json_string_value(key));
	if (!o && jput(stages, json_string_value(key), o = stage_counts("units")) < 0)
		r = -1;
	json_decref(key);
	if (r < 0 || count_set(o, state, n) < 0)
		return -1;
	return 0;
}

static int stages_part(struct so_store *s, json_t *root, const char *now)
{
	json_t *stages = json_object();
	if (jput(root, "stages", stages) < 0)
		return -1;
	for (size_t i = 0; i < SO_ARRAY_SIZE(stage_names); i++)
		if (jput(stages, stage_names[i], stage_counts(stage_units[i])) < 0)
			return -1;
	json_t *sync = stage_counts("records");
	if (jput(stages, "sync", sync) < 0)
		return -1;

	if (so_unit_counts_each(s, stage_count, stages) < 0)
		return -1;

	/* the outbox: a queued record is running while a live sync process holds its lease */
	sqlite3_stmt *st = prepare(s, "SELECT coalesce(sum(state = 'queued' AND (owner IS NULL OR "
			"lease_until IS NULL OR lease_until < ?1)), 0), "
			"coalesce(sum(state = 'queued' AND owner IS NOT NULL AND lease_until >= ?1), 0), "
			"coalesce(sum(state = 'acked'), 0), "
			"coalesce(sum(state IN ('refused', 'held')), 0) FROM outbox");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	int r = next_row(s, st);
	if (r == 1)
		for (int i = 0; i < 4 && r == 1; i++)
			if (jput_int(sync, unit_states[i], sqlite3_column_int64(st, i)) < 0)
				r = -1;
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int pages_part(struct so_store *s, json_t *root)
{
	json_t *pages, *by_state, *failures;
	if (jput(root, "pages", pages = json_object()) < 0 || jput_int(pages, "in", 0) < 0 ||
	    jput_int(pages, "done", 0) < 0 || jput_int(pages, "failed", 0) < 0 ||
	    jput_int(pages, "pending", 0) < 0 ||
	    jput(pages, "by_state", by_state = zero_counts(page_states,
							   SO_ARRAY_SIZE(page_states))) < 0 ||
	    jput(pages, "failures", failures = json_array()) < 0 ||
	    jput_int(pages, "failures_total", 0) < 0)
		return -1;
	int r;
	sqlite3_stmt *st = prepare(s, "SELECT state, count(*) FROM pages GROUP BY state");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1)
		if (count_set(by_state, (const char *)sqlite3_column_text(st, 0),
			      sqlite3_column_int64(st, 1)) < 0)
			r = -1;
	sqlite3_finalize(st);
	if (r < 0)
		return -1;

	/* pages of scan files never stored: lost with a failed file, or not scanned yet */
	int64_t unread = 0, waiting = 0;
	st = prepare(s, "SELECT coalesce(f.page_count, 0), "
			"(SELECT count(*) FROM pages p WHERE p.scan_file_id = f.id), "
			"coalesce(u.state, 'pending') FROM scan_files f LEFT JOIN stage_units u "
			"ON u.stage = 'scan' AND u.unit_id = f.id WHERE f.duplicate_of IS NULL");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1) {
		int64_t count = sqlite3_column_int64(st, 0), stored = sqlite3_column_int64(st, 1);
		const char *state = (const char *)sqlite3_column_text(st, 2);
		int64_t missing = count > stored ? count - stored : 0;
		if (stored == 0 && missing == 0)
			missing = 1;   /* a file is at least one page */
		if (state && strcmp(state, "failed") == 0)
			unread += missing;
		else if (!state || strcmp(state, "done") != 0)
			waiting += missing;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;

	/* what ocr made of the prepared pages */
	st = prepare(s, "SELECT coalesce(sum(u.state = 'done'), 0), "
			"coalesce(sum(u.state = 'failed'), 0) FROM stage_units u "
			"JOIN pages p ON p.id = u.unit_id WHERE u.stage = 'ocr' AND p.state = 'prepared'");
	if (!st)
		return -1;
	r = next_row(s, st);
	int64_t read = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	int64_t ocr_failed = r == 1 ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_finalize(st);
	if (r < 0)
		return -1;

	int64_t stored = 0;
	for (size_t i = 0; i < 5; i++)
		stored += jcount(by_state, page_states[i]);
	int64_t in = stored + unread + waiting;
	int64_t done = read + jcount(by_state, "blank") + jcount(by_state, "duplicate");
	int64_t failed_pages = jcount(by_state, "rejected") + jcount(by_state, "failed") +
			       ocr_failed;
	int64_t failed = failed_pages + unread;
	if (count_set(by_state, "unread", unread) < 0 || count_set(by_state, "waiting", waiting) < 0 ||
	    jput_int(pages, "in", in) < 0 || jput_int(pages, "done", done) < 0 ||
	    jput_int(pages, "failed", failed) < 0 ||
	    jput_int(pages, "pending", in - done - failed) < 0 ||
	    jput_int(pages, "failures_total", failed_pages) < 0)
		return -1;

	st = prepare(s,
		"SELECT b.id, b.type, b.year, b.volume, b.authority_code, f.name, p.page_index, "
		"'scan', p.state, p.reason FROM pages p JOIN scan_files f ON f.id = p.scan_file_id "
		"JOIN books b ON b.id = f.book_id WHERE p.state IN ('rejected', 'failed') "
		"UNION ALL "
		"SELECT b.id, b.type, b.year, b.volume, b.authority_code, f.name, p.page_index, "
		"'ocr', 'failed', u.error FROM stage_units u JOIN pages p ON p.id = u.unit_id "
		"JOIN scan_files f ON f.id = p.scan_file_id JOIN books b ON b.id = f.book_id "
		"WHERE u.stage = 'ocr' AND u.state = 'failed' AND p.state = 'prepared' "
		"ORDER BY 1, 6, 7, 8 LIMIT ?1");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, SO_REPORT_FAILURES_MAX);
	while ((r = next_row(s, st)) == 1) {
		json_t *f;
		if (jpush(failures, f = json_object()) < 0 ||
		    jput(f, "book", book_label_json(st, 1)) < 0 ||
		    jput(f, "file", col_json(st, 5)) < 0 ||
		    jput_int(f, "page", sqlite3_column_int64(st, 6) + 1) < 0 ||
		    jput(f, "stage", col_json(st, 7)) < 0 || jput(f, "state", col_json(st, 8)) < 0 ||
		    jput(f, "reason", col_json(st, 9)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int scan_files_part(struct so_store *s, json_t *root)
{
	json_t *files = json_object();
	if (jput(root, "scan_files", files) < 0)
		return -1;
	int64_t total, duplicate;
	if (count_of(s, "SELECT count(*) FROM scan_files", &total) < 0 ||
	    count_of(s, "SELECT count(*) FROM scan_files WHERE duplicate_of IS NOT NULL",
		     &duplicate) < 0)
		return -1;
	json_t *failed;
	if (jput_int(files, "total", total) < 0 || jput_int(files, "duplicate", duplicate) < 0 ||
	    jput(files, "failed", failed = json_array()) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s,
		"SELECT b.type, b.year, b.volume, b.authority_code, f.name, u.error "
		"FROM stage_units u JOIN scan_files f ON f.id = u.unit_id "
		"JOIN books b ON b.id = f.book_id WHERE u.stage = 'scan' AND u.state = 'failed' "
		"ORDER BY b.id, f.name LIMIT ?1");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, SO_REPORT_FAILURES_MAX);
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *f = json_object();
		if (jpush(failed, f) < 0 || jput(f, "book", book_label_json(st, 0)) < 0 ||
		    jput(f, "file", col_json(st, 4)) < 0 || jput(f, "reason", col_json(st, 5)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int records_part(struct so_store *s, json_t *root)
{
	json_t *records = json_object();
	if (jput(root, "records", records) < 0)
		return -1;
	json_t *by_status, *books;
	if (jput_int(records, "total", 0) < 0 ||
	    jput(records, "by_status", by_status = zero_counts(record_statuses,
							       SO_ARRAY_SIZE(record_statuses))) < 0 ||
	    jput(records, "books", books = json_array()) < 0)
		return -1;

	int r;
	sqlite3_stmt *st = prepare(s,
		"SELECT b.id, b.type, b.year, b.volume, b.authority_code, b.layout, "
		"(SELECT count(*) FROM pages p JOIN scan_files f ON f.id = p.scan_file_id "
		"WHERE f.book_id = b.id) FROM books b ORDER BY b.id");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1) {
		json_t *b = json_object();
		if (jpush(books, b) < 0 || jput_int(b, "id", sqlite3_column_int64(st, 0)) < 0 ||
		    jput(b, "type", col_json(st, 1)) < 0 ||
		    jput_int(b, "year", sqlite3_column_int64(st, 2)) < 0 ||
		    jput(b, "volume", col_json(st, 3)) < 0 ||
		    jput(b, "authority_code", col_json(st, 4)) < 0 ||
		    jput(b, "layout", col_json(st, 5)) < 0 ||
		    jput(b, "label", book_label_json(st, 1)) < 0 ||
		    jput_int(b, "pages", sqlite3_column_int64(st, 6)) < 0 ||
		    jput_int(b, "total", 0) < 0 ||
		    jput(b, "by_status", zero_counts(record_statuses,
						     SO_ARRAY_SIZE(record_statuses))) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;

	/* books come in id order, and so do the rows: one walk through both */
	st = prepare(s, "SELECT book_id, status, count(*) FROM records GROUP BY book_id, status "
			"ORDER BY book_id");
	if (!st)
		return -1;
	int64_t total = 0;
	size_t bi = 0;
	while ((r = next_row(s, st)) == 1) {
		int64_t book = sqlite3_column_int64(st, 0), n = sqlite3_column_int64(st, 2);
		const char *status = (const char *)sqlite3_column_text(st, 1);
		json_t *b = NULL;
		while (bi < json_array_size(books)) {
			json_t *c = json_array_get(books, bi);
			if (jcount(c, "id") >= book) {
				if (jcount(c, "id") == book)
					b = c;
				break;
			}
			bi++;
		}
		if (!status || !json_object_get(by_status, status))
			continue;
		total += n;
		if (count_set(by_status, status, jcount(by_status, status) + n) < 0) {
			r = -1;
			break;
		}
		if (b && (count_set(json_object_get(b, "by_status"), status, n) < 0 ||
			  jput_int(b, "total", jcount(b, "total") + n) < 0)) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	/* what each book can deliver now, and whether its review is done */
	size_t i;
	json_t *b;
	json_array_foreach(books, i, b) {
		const json_t *bs = json_object_get(b, "by_status");
		int64_t left = jcount(bs, "needs_review") + jcount(bs, "extracted");
		if (jput_int(b, "ready", jcount(bs, "valid") + jcount(bs, "approved")) < 0 ||
		    jput(b, "review_done", json_boolean(jcount(b, "total") > 0 && left == 0)) < 0)
			return -1;
	}
	return jput_int(records, "total", total);
}

static int gap_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of the first column of ST's rows (finalized here) into *MEDIAN when there are
 * at least MIN rows, else 0; their number into *N. Returns 0, or -1 with the error set. */
static int column_median(struct so_store *s, sqlite3_stmt *st, size_t min, double *median,
			 size_t *n)
{
	double *v = NULL;
	size_t cap = 0;
	int r;
	*median = 0;
	*n = 0;
	while ((r = next_row(s, st)) == 1) {
		if (SO_ARRAY_GROW(v, *n, cap) < 0) {
			r = -1;
			break;
		}
		v[(*n)++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	if (r == 0 && *n >= min && *n > 0) {
		qsort(v, *n, sizeof(*v), gap_cmp);
		*median = *n % 2 ? v[*n / 2] : (v[*n / 2 - 1] + v[*n / 2]) / 2;
	}
	free(v);
	return r < 0 ? -1 : 0;
}

/* The archivists' pace: the median time between two decisions (approve, reject) of one
 * archivist, gaps over SO_REVIEW_BREAK_SECONDS being breaks; 0 when fewer than
 * SO_REVIEW_PACE_MIN gaps are known. */
static int review_pace(struct so_store *s, double *seconds, int64_t *gaps)
{
	*seconds = 0;
	*gaps = 0;
	sqlite3_stmt *st = prepare(s,
		"SELECT gap FROM (SELECT (julianday(at) - julianday(lag(at) OVER "
		"(PARTITION BY actor ORDER BY at, id))) * 86400.0 AS gap FROM audit "
		"WHERE action IN ('approve', 'reject')) WHERE gap > 0 AND gap <= ?1");
	if (!st)
		return -1;
	sqlite3_bind_double(st, 1, SO_REVIEW_BREAK_SECONDS);
	size_t n;
	if (column_median(s, st, SO_REVIEW_PACE_MIN, seconds, &n) < 0)
		return -1;
	if (n >= SO_REVIEW_PACE_MIN)
		*gaps = (int64_t)n;
	return 0;
}

/* The median seconds of the timed decisions (review_timings, seconds known) into *SECONDS
 * and their number into *TIMED; 0 seconds when fewer than SO_REVIEW_TIMED_MIN. */
static int review_timed(struct so_store *s, double *seconds, int64_t *timed)
{
	*seconds = 0;
	*timed = 0;
	sqlite3_stmt *st = prepare(s, "SELECT seconds FROM review_timings WHERE seconds IS NOT "
				      "NULL");
	if (!st)
		return -1;
	size_t n;
	if (column_median(s, st, SO_REVIEW_TIMED_MIN, seconds, &n) < 0)
		return -1;
	*timed = (int64_t)n;
	return 0;
}

static int review_part(struct so_store *s, json_t *root)
{
	json_t *rv = json_object();
	if (jput(root, "review", rv) < 0)
		return -1;
	int64_t records, flags, fields, decided, gaps, timed;
	double pace, timed_seconds;
	if (count_of(s, "SELECT count(*) FROM records WHERE status = 'needs_review'",
		     &records) < 0 ||
	    count_of(s, "SELECT count(*) FROM flags f JOIN records r ON r.id = f.record_id "
			"WHERE f.state = 'open' AND r.status = 'needs_review'", &flags) < 0 ||
	    count_of(s, "SELECT count(*) FROM (SELECT DISTINCT f.record_id, j.value FROM flags f "
			"JOIN records r ON r.id = f.record_id, json_each(CASE WHEN "
			"json_valid(f.fields) THEN f.fields ELSE '[]' END) j "
			"WHERE f.state = 'open' AND r.status = 'needs_review')", &fields) < 0 ||
	    count_of(s, "SELECT count(*) FROM audit WHERE action IN ('approve', 'reject')",
		     &decided) < 0 ||
	    review_pace(s, &pace, &gaps) < 0 || review_timed(s, &timed_seconds, &timed) < 0)
		return -1;
	int measured = gaps > 0, by_timing = timed >= SO_REVIEW_TIMED_MIN;
	double per = by_timing ? timed_seconds : measured ? pace : SO_REVIEW_ASSUMED_SECONDS;
	const char *dir = so_store_dir(s);
	/* quoted for the shell when it must be */
	int plain = strspn(dir, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+,:=@") ==
		    strlen(dir);
	char *cmd = plain || strchr(dir, '\'') ? so_asprintf("sohoa review serve --batch %s", dir)
			      : so_asprintf("sohoa review serve --batch '%s'", dir);
	if (!cmd)
		return oom();
	int r = jput_int(rv, "records", records) < 0 || jput_int(rv, "flags_open", flags) < 0 ||
		jput_int(rv, "fields", fields) < 0 || jput_int(rv, "decided", decided) < 0 ||
		jput(rv, "seconds_per_record", json_real(round(per * 10) / 10)) < 0 ||
		jput(rv, "pace", json_string(by_timing ? "timed" : measured ? "measured" :
					     "assumed")) < 0 ||
		jput_int(rv, "pace_timed", timed) < 0 || jput_int(rv, "pace_gaps", gaps) < 0 ||
		jput(rv, "hours", json_real(round((double)records * per / 360.0) / 10)) < 0 ||
		jput(rv, "command", str_json(cmd)) < 0 ? -1 : 0;
	free(cmd);
	return r;
}

static int flags_part(struct so_store *s, json_t *root)
{
	json_t *flags, *by_state, *by_code;
	if (jput(root, "flags", flags = json_object()) < 0 || jput_int(flags, "total", 0) < 0 ||
	    jput(flags, "by_state", by_state = zero_counts(flag_states,
							   SO_ARRAY_SIZE(flag_states))) < 0 ||
	    jput(flags, "by_code", by_code = json_array()) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s,
		"SELECT code, severity, count(*), coalesce(sum(state = 'open'), 0), "
		"coalesce(sum(state = 'verified'), 0), coalesce(sum(state = 'resolved'), 0), "
		"count(DISTINCT record_id) FROM flags GROUP BY code, severity "
		"ORDER BY 3 DESC, 1, 2");
	if (!st)
		return -1;
	int64_t total = 0, per_state[3] = { 0 };
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *c;
		if (jpush(by_code, c = json_object()) < 0 || jput(c, "code", col_json(st, 0)) < 0 ||
		    jput(c, "severity", col_json(st, 1)) < 0 ||
		    jput_int(c, "total", sqlite3_column_int64(st, 2)) < 0) {
			r = -1;
			break;
		}
		for (int i = 0; i < 3 && r == 1; i++) {
			per_state[i] += sqlite3_column_int64(st, 3 + i);
			if (jput_int(c, flag_states[i], sqlite3_column_int64(st, 3 + i)) < 0)
				r = -1;
		}
		if (r < 0 || jput_int(c, "records", sqlite3_column_int64(st, 6)) < 0) {
			r = -1;
			break;
		}
		total += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (count_set(by_state, flag_states[i], per_state[i]) < 0)
			return -1;
	return jput_int(flags, "total", total);
}

static int kind_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b; /* {kind, fields, under, without} */
	if (x[2] != y[2])
		return x[2] > y[2] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] > y[1] ? -1 : 1;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The fields of each kind under its calibrated threshold: where review work comes from. */
static int confidence_by_kind(struct so_store *s, json_t *conf)
{
	int64_t count[SO_KINDS][4] = { { 0 } }; /* kind, fields, under, without */
	sqlite3_stmt *st = prepare(s,
		"SELECT b.layout, f.name, f.confidence FROM fields f JOIN records r "
		"ON r.id = f.record_id JOIN books b ON b.id = r.book_id ORDER BY b.layout");
	if (!st)
		return -1;
	struct so_layout *l = NULL;
	char layout[72] = "";
	int r, have = 0;
	while ((r = next_row(s, st)) == 1) {
		const char *ln = (const char *)sqlite3_column_text(st, 0);
		if (!ln)
			continue;
		if (!have || strcmp(ln, layout) != 0) {
			so_layout_free(l);
			l = NULL;
			snprintf(layout, sizeof(layout), "%s", ln);
			have = 1;
			if (so_layout_load(ln, &l) < 0)
				l = NULL; /* a layout this build does not know: its fields are text */
		}
		const char *name = (const char *)sqlite3_column_text(st, 1);
		enum so_kind k = l && name ? so_field_kind(l, name) : SO_KIND_TEXT;
		if (k == SO_KIND_NONE || k >= SO_KINDS)
			k = SO_KIND_TEXT;
		count[k][1]++;
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			count[k][3]++;
		else if (sqlite3_column_double(st, 2) < so_confidence_threshold(k))
			count[k][2]++;
	}
	so_layout_free(l);
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	for (int k = 0; k < SO_KINDS; k++)
		count[k][0] = k;
	qsort(count, SO_KINDS, sizeof(count[0]), kind_cmp);
	json_t *a;
	if (jput(conf, "by_kind", a = json_array()) < 0)
		return -1;
	for (int i = 0; i < SO_KINDS; i++) {
		if (!count[i][1])
			continue;
		json_t *o;
		enum so_kind k = (enum so_kind)count[i][0];
		if (jpush(a, o = json_object()) < 0 || jput(o, "kind", str_json(so_kind_name(k))) < 0 ||
		    jput(o, "threshold", json_real(so_confidence_threshold(k))) < 0 ||
		    jput_int(o, "fields", count[i][1]) < 0 || jput_int(o, "under", count[i][2]) < 0 ||
		    jput_int(o, "without", count[i][3]) < 0)
			return -1;
	}
	return 0;
}

static int confidence_part(struct so_store *s, json_t *root)
{
	json_t *conf = json_object();
	if (jput(root, "confidence", conf) < 0)
		return -1;
	int64_t bins[20] = { 0 }, without = 0, total = 0;
	sqlite3_stmt *st = prepare(s,
		"SELECT CASE WHEN confidence IS NULL THEN -1 WHEN confidence <= 0 THEN 0 "
		"WHEN confidence >= 1 THEN 19 ELSE CAST(confidence * 20 AS INTEGER) END AS bin, "
		"count(*) FROM fields GROUP BY bin");
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		int bin = sqlite3_column_int(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		total += n;
		if (bin < 0)
			without += n;
		else
			bins[bin > 19 ? 19 : bin] += n;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	json_t *a;
	if (jput(conf, "bin_width", json_real(0.05)) < 0 || jput(conf, "bins", a = json_array()) < 0)
		return -1;
	for (int i = 0; i < 20; i++)
		if (jpush(a, json_integer((json_int_t)bins[i])) < 0)
			return -1;
	if (jput_int(conf, "without", without) < 0 || jput_int(conf, "total", total) < 0)
		return -1;
	return confidence_by_kind(s, conf);
}

struct minutes {
	long long *minute;
	int64_t *count;
	size_t n, cap;
};

static void minutes_release(struct minutes *m)
{
	SO_FREE(m->minute);
	SO_FREE(m->count);
	m->n = m->cap = 0;
}

/* The activity per minute the query gives ("YYYY-MM-DDTHH:MM", count), in time order. */
static int minutes_read(struct so_store *s, const char *sql, struct minutes *m)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		long long minute = so_iso_minute((const char *)sqlite3_column_text(st, 0));
		if (minute < 0)
			continue;
		if (m->n >= MINUTES_MAX) {
			r = so_error("more than %u minutes of activity in the batch", MINUTES_MAX);
			break;
		}
		size_t count_cap = m->cap;
		if (SO_ARRAY_GROW(m->minute, m->n, m->cap) < 0 ||
		    SO_ARRAY_GROW(m->count, m->n, count_cap) < 0) {
			r = -1;
			break;
		}
		m->minute[m->n] = minute;
		m->count[m->n] = sqlite3_column_int64(st, 1);
		m->n++;
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int series_json(json_t *tp, const char *name, const struct minutes *m, long long start,
		       long long width, size_t buckets)
{
	int64_t *series = so_calloc(buckets ? buckets : 1, sizeof(*series));
	if (!series)
		return -1;
	int64_t total = 0, peak = 0;
	for (size_t i = 0; i < m->n; i++) {
		long long b = (m->minute[i] - start) / width;
		if (b < 0 || (size_t)b >= buckets)
			continue;
		series[b] += m->count[i];
		total += m->count[i];
	}
	for (size_t i = 0; i < buckets; i++)
		if (series[i] > peak)
			peak = series[i];
	double per_minute = 0;
	if (m->n)
		per_minute = (double)total / (double)(m->minute[m->n - 1] - m->minute[0] + 1);
	json_t *o, *a;
	int r = 0;
	if (jput(tp, name, o = json_object()) < 0 || jput_int(o, "pages", total) < 0 ||
	    jput(o, "per_minute", json_real(round(per_minute * 10) / 10)) < 0 ||
	    jput_int(o, "peak", peak) < 0 || jput(o, "series", a = json_array()) < 0)
		r = -1;
	for (size_t i = 0; r == 0 && i < buckets; i++)
		r = jpush(a, json_integer((json_int_t)series[i]));
	free(series);
	return r;
}

static int throughput_part(struct so_store *s, json_t *root)
{
	json_t *tp = json_object();
	if (jput(root, "throughput", tp) < 0)
		return -1;
	struct minutes scan = { 0 }, ocr = { 0 };
	int r = -1;
	if (minutes_read(s, "SELECT substr(created_at, 1, 16) AS m, count(*) FROM pages "
			    "GROUP BY m ORDER BY m", &scan) < 0 ||
	    minutes_read(s, "SELECT substr(finished_at, 1, 16) AS m, count(*) FROM stage_units "
			    "WHERE stage = 'ocr' AND state IN ('done', 'failed') AND "
			    "finished_at IS NOT NULL GROUP BY m ORDER BY m", &ocr) < 0)
		goto out;
	long long first = -1, last = -1;
	const struct minutes *both[2] = { &scan, &ocr };
	for (int i = 0; i < 2; i++) {
		if (!both[i]->n)
			continue;
		if (first < 0 || both[i]->minute[0] < first)
			first = both[i]->minute[0];
		if (both[i]->minute[both[i]->n - 1] > last)
			last = both[i]->minute[both[i]->n - 1];
	}
	long long width = 1;
	size_t buckets = 0;
	if (first >= 0) {
		long long span = last - first + 1;
		width = (span + SO_REPORT_BUCKETS_MAX - 1) / SO_REPORT_BUCKETS_MAX;
		buckets = (size_t)((span + width - 1) / width);
		time_t t = (time_t)(first * 60);
		struct tm tm;
		char start[SO_TIME_LEN];
		gmtime_r(&t, &tm);
		strftime(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (jput(tp, "start", json_string(start)) < 0)
			goto out;
	} else if (jput(tp, "start", json_null()) < 0) {
		goto out;
	}
	if (jput_int(tp, "bucket_minutes", width) < 0 || jput_int(tp, "buckets", (int64_t)buckets) < 0 ||
	    series_json(tp, "scan", &scan, first, width, buckets) < 0 ||
	    series_json(tp, "ocr", &ocr, first, width, buckets) < 0)
		goto out;
	r = 0;
out:
	minutes_release(&scan);
	minutes_release(&ocr);
	return r;
}

static int sync_part(struct so_store *s, json_t *root)
{
	json_t *sync, *outbox;
	if (jput(root, "sync", sync = json_object()) < 0 ||
	    jput(sync, "outbox", outbox = zero_counts(outbox_states,
						      SO_ARRAY_SIZE(outbox_states))) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s, "SELECT state, count(*), sum(attempts) FROM outbox "
				      "GROUP BY state");
	if (!st)
		return -1;
	int64_t total = 0, attempts = 0;
	int r;
	while ((r = next_row(s, st)) == 1) {
		total += sqlite3_column_int64(st, 1);
		attempts += sqlite3_column_int64(st, 2);
		if (count_set(outbox, (const char *)sqlite3_column_text(st, 0),
			      sqlite3_column_int64(st, 1)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	int64_t synced;
	if (count_of(s, "SELECT count(*) FROM records WHERE status = 'synced'", &synced) < 0 ||
	    jput_int(sync, "total", total) < 0 || jput_int(sync, "attempts", attempts) < 0 ||
	    jput_int(sync, "records_synced", synced) < 0)
		return -1;
	st = prepare(s, "SELECT max(last_attempt_at) FROM outbox");
	if (!st)
		return -1;
	r = next_row(s, st);
	if (r >= 0 && jput(sync, "last_attempt_at", r == 1 ? col_json(st, 0) : json_null()) < 0)
		r = -1;
	sqlite3_finalize(st);
	if (r < 0)
		return -1;

	json_t *errors = json_array();
	if (jput(sync, "errors", errors) < 0)
		return -1;
	st = prepare(s, "SELECT last_status, last_error, count(*) FROM outbox "
			"WHERE last_error IS NOT NULL AND state <> 'acked' "
			"GROUP BY last_status, last_error ORDER BY 3 DESC, 1, 2 LIMIT 20");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1) {
		json_t *e = json_object();
		json_t *status = sqlite3_column_type(st, 0) == SQLITE_NULL
			? json_null() : json_integer(sqlite3_column_int64(st, 0));
		if (jpush(errors, e) < 0 || jput(e, "status", status) < 0 ||
		    jput(e, "error", col_json(st, 1)) < 0 ||
		    jput_int(e, "count", sqlite3_column_int64(st, 2)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

/* Batch acceptance (schemas/migrations/0007-acceptance.sql): each lot's plan and verdict,
 * newest first, and each series' switching state. */
static int acceptance_part(struct so_store *s, json_t *root)
{
	json_t *acc, *lots, *series;
	if (jput(root, "acceptance", acc = json_object()) < 0 ||
	    jput(acc, "lots", lots = json_array()) < 0 ||
	    jput(acc, "series", series = json_array()) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s,
		"SELECT l.id, l.series, l.lot_size, l.code_letter, l.plan_letter, l.sample_size, "
		"l.ac, l.re, l.aql, l.level, l.severity, l.seed, l.state, (SELECT count(*) FROM "
		"acceptance_members m WHERE m.lot_id = l.id AND m.sample_pos IS NOT NULL AND "
		"m.defect IS NOT NULL), (SELECT count(*) FROM acceptance_members m WHERE m.lot_id = "
		"l.id AND m.defect = 1), l.created_at, l.decided_at FROM acceptance_lots l "
		"ORDER BY l.id DESC LIMIT 200");
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *l;
		if (jpush(lots, l = json_object()) < 0 ||
		    jput_int(l, "lot", sqlite3_column_int64(st, 0)) < 0 ||
		    jput(l, "series", col_json(st, 1)) < 0 ||
		    jput_int(l, "lot_size", sqlite3_column_int64(st, 2)) < 0 ||
		    jput(l, "code_letter", col_json(st, 3)) < 0 ||
		    jput(l, "plan_letter", col_json(st, 4)) < 0 ||
		    jput_int(l, "sample_size", sqlite3_column_int64(st, 5)) < 0 ||
		    jput_int(l, "ac", sqlite3_column_int64(st, 6)) < 0 ||
		    jput_int(l, "re", sqlite3_column_int64(st, 7)) < 0 ||
		    jput(l, "aql", col_json(st, 8)) < 0 || jput(l, "level", col_json(st, 9)) < 0 ||
		    jput(l, "severity", col_json(st, 10)) < 0 ||
		    jput_int(l, "seed", sqlite3_column_int64(st, 11)) < 0 ||
		    jput(l, "state", col_json(st, 12)) < 0 ||
		    jput_int(l, "checked", sqlite3_column_int64(st, 13)) < 0 ||
		    jput_int(l, "defects", sqlite3_column_int64(st, 14)) < 0 ||
		    jput(l, "created_at", col_json(st, 15)) < 0 ||
		    jput(l, "decided_at", col_json(st, 16)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	st = prepare(s, "SELECT series, severity, score, lots FROM acceptance_series ORDER BY series");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1) {
		json_t *e;
		if (jpush(series, e = json_object()) < 0 || jput(e, "series", col_json(st, 0)) < 0 ||
		    jput(e, "severity", col_json(st, 1)) < 0 ||
		    jput_int(e, "score", sqlite3_column_int64(st, 2)) < 0 ||
		    jput_int(e, "lots", sqlite3_column_int64(st, 3)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

/* Keying handwritten fields (schemas/migrations/0006-keying.sql): what waits for keyers and
 * arbitrators, and per keyer and field kind the fields keyed, those decided, those agreeing
 * with the value accepted (the same code, else the same value) and the seconds per field. */
static int keying_part(struct so_store *s, json_t *root)
{
	json_t *kp, *keyers;
	int64_t waiting, conflicts, keyed;
	if (jput(root, "keying", kp = json_object()) < 0 ||
	    count_of(s, "SELECT count(*) FROM flags WHERE code = 'HANDWRITTEN' AND state = 'open'",
		     &waiting) < 0 ||
	    count_of(s, "SELECT count(*) FROM flags WHERE code = 'KEYING_CONFLICT' AND "
			"state = 'open'", &conflicts) < 0 ||
	    count_of(s, "SELECT count(*) FROM keyings", &keyed) < 0 ||
	    jput_int(kp, "waiting_fields", waiting) < 0 ||
	    jput_int(kp, "open_conflicts", conflicts) < 0 || jput_int(kp, "keyings", keyed) < 0 ||
	    jput(kp, "keyers", keyers = json_array()) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s,
		"SELECT k.keyer, k.kind, count(*), sum(f.state = 'accepted'), sum(f.state = "
		"'accepted' AND CASE WHEN k.code IS NOT NULL AND f.code IS NOT NULL THEN "
		"k.code = f.code ELSE k.value IS f.value END), avg(k.seconds) FROM keyings k "
		"LEFT JOIN keying_fields f ON f.record_id = k.record_id AND f.field = k.field "
		"WHERE k.role <> 'arbitration' GROUP BY k.keyer, k.kind ORDER BY k.keyer, k.kind "
		"LIMIT 500");
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *e;
		if (jpush(keyers, e = json_object()) < 0 || jput(e, "keyer", col_json(st, 0)) < 0 ||
		    jput(e, "kind", col_json(st, 1)) < 0 ||
		    jput_int(e, "keyed", sqlite3_column_int64(st, 2)) < 0 ||
		    jput_int(e, "decided", sqlite3_column_int64(st, 3)) < 0 ||
		    jput_int(e, "agreed", sqlite3_column_int64(st, 4)) < 0 ||
		    jput(e, "seconds", sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null() :
			 json_real(round(sqlite3_column_double(st, 5) * 10) / 10)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static int events_part(struct so_store *s, json_t *root)
{
	json_t *events, *by_stage, *latest;
	if (jput(root, "events", events = json_object()) < 0 ||
	    jput(events, "by_stage", by_stage = json_array()) < 0 ||
	    jput(events, "latest_errors", latest = json_array()) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s,
		"SELECT stage, coalesce(sum(level = 'info'), 0), coalesce(sum(level = 'warning'), 0), "
		"coalesce(sum(level = 'error'), 0) FROM events GROUP BY stage ORDER BY min(id)");
	if (!st)
		return -1;
	int r;
	while ((r = next_row(s, st)) == 1) {
		json_t *e;
		if (jpush(by_stage, e = json_object()) < 0 || jput(e, "stage", col_json(st, 0)) < 0 ||
		    jput_int(e, "info", sqlite3_column_int64(st, 1)) < 0 ||
		    jput_int(e, "warning", sqlite3_column_int64(st, 2)) < 0 ||
		    jput_int(e, "error", sqlite3_column_int64(st, 3)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	st = prepare(s, "SELECT at, stage, unit, message FROM events WHERE level = 'error' "
			"ORDER BY id DESC LIMIT 10");
	if (!st)
		return -1;
	while ((r = next_row(s, st)) == 1) {
		json_t *e;
		if (jpush(latest, e = json_object()) < 0 || jput(e, "at", col_json(st, 0)) < 0 ||
		    jput(e, "stage", col_json(st, 1)) < 0 || jput(e, "unit", col_json(st, 2)) < 0 ||
		    jput(e, "message", col_json(st, 3)) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

json_t *so_batch_summary(struct so_store *s)
{
	if (!s) {
		so_error("no batch store");
		return NULL;
	}
	sqlite3 *db = so_store_db(s);
	/* one snapshot: a read transaction unless the caller is in one already */
	int own = sqlite3_get_autocommit(db);
	if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		so_store_error(s, "cannot read the batch store");
		return NULL;
	}
	char now[SO_TIME_LEN];
	so_now_iso(now);
	json_t *root = json_object();
	if (!root) {
		oom();
		goto error;
	}
	if (batch_part(s, root) < 0 || stages_part(s, root, now) < 0 || pages_part(s, root) < 0 ||
	    scan_files_part(s, root) < 0 || records_part(s, root) < 0 || review_part(s, root) < 0 ||
	    flags_part(s, root) < 0 ||
	    confidence_part(s, root) < 0 || throughput_part(s, root) < 0 ||
	    sync_part(s, root) < 0 || acceptance_part(s, root) < 0 || keying_part(s, root) < 0 ||
	    events_part(s, root) < 0)
		goto error;
	if (own)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return root;
error:
	json_decref(root);
	if (own && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return NULL;
}
