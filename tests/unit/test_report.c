/* Unit tests of the batch summary and the operator's report: the counts of a small store built
 * with the store API (stages, pages and their failures, records per book, flags, the
 * confidence histogram, pages per minute, the outbox, events), text that is not UTF-8, an
 * empty batch, and the escaping of a hostile reason in the HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/report.h"
#include "batch/summary.h"
#include "batch/store.h"
#include "batch/units.h"
#include "deliver/deliver_store.h"
#include "scratch.h"

#define HOSTILE "under 150 dpi <script>alert(1)</script> \"q\" & <b>x</b>"

static void exec_sql(struct so_store *s, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(so_store_db(s), sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* The integer at a path of keys and array indexes ("records", "by_status", "valid"). */
static json_int_t at(const json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (json_is_array(j))
			j = json_array_get(j, strtoul(k, NULL, 10));
		else
			j = json_object_get(j, k);
		if (!j)
			fail_msg("no '%s' in the summary", path);
	}
	if (!json_is_integer(j))
		fail_msg("'%s' is not an integer", path);
	return json_integer_value(j);
}

static const char *text_at(const json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		j = json_is_array(j) ? json_array_get(j, strtoul(k, NULL, 10)) : json_object_get(j, k);
		if (!j)
			fail_msg("no '%s' in the summary", path);
	}
	if (!json_is_string(j))
		fail_msg("'%s' is not a string", path);
	return json_string_value(j);
}

struct fixture {
	char *dir;
	struct so_store *s;
};

static int64_t book_add(struct so_store *s, const char *type, int year, const char *volume)
{
	struct so_book b = { .year = year };
	snprintf(b.type, sizeof(b.type), "%s", type);
	snprintf(b.volume, sizeof(b.volume), "%s", volume);
	strcpy(b.authority_code, "26740");
	snprintf(b.layout, sizeof(b.layout), "%s-v1", type);
	assert_int_equal(so_book_register(s, &b), 0);
	return b.id;
}

static int64_t file_add(struct so_store *s, int64_t book, const char *name, int pages,
			const char *scan_error)
{
	struct so_scan_file f = { .book_id = book, .page_count = pages };
	snprintf(f.path, sizeof(f.path), "/scans/%s", name);
	snprintf(f.name, sizeof(f.name), "%s", name);
	assert_int_equal(so_scan_file_register(s, &f), 0);
	assert_int_equal(so_unit_add(s, "scan", f.id), 0);
	if (scan_error && strcmp(scan_error, "pending") != 0)
		assert_int_equal(so_unit_finish(s, "scan", f.id, scan_error[0] ? scan_error : NULL),
				 0);
	return f.id;
}

static int64_t page_add(struct so_store *s, int64_t file, int index, const char *state,
			const char *reason)
{
	struct so_page p = { .scan_file_id = file, .page_index = index, .dpi = 300 };
	snprintf(p.state, sizeof(p.state), "%s", state);
	if (reason)
		snprintf(p.reason, sizeof(p.reason), "%s", reason);
	assert_int_equal(so_page_put(s, &p), 0);
	return p.id;
}

static int64_t record_add(struct so_store *s, int64_t book, int64_t page, int row,
			  const char *status, const double *conf, int nconf)
{
	int64_t id;
	assert_int_equal(so_record_add(s, book, page, row, NULL, &id), 0);
	assert_int_equal(so_record_set_status(s, id, status), 0);
	for (int i = 0; i < nconf; i++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(so_field_put(s, id, name, "x", NULL, NULL, conf[i], NULL, "ocr"), 0);
	}
	return id;
}

/* Two books (birth 2019/01, death 2021/02):
 *   f1.tif (birth, 3 pages): prepared and read, blank, rejected with a hostile reason
 *   bad\xff.tif (death, 2 pages): unreadable (scan failed), no page stored
 *   f3.tif (birth, count unknown): not scanned yet
 *   f4.tif (death, 1 page): prepared, failed by ocr
 *   f5.tif (death, 1 page): prepared and read
 * four records (valid, needs_review, approved on f1; synced on f5), four flags, nine fields,
 * an outbox with one record acknowledged, one queued and one refused. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = scratch_dir();
	struct so_store *s;
	assert_int_equal(so_store_open(f->dir, 1, &f->s), 0);
	s = f->s;
	assert_int_equal(so_store_begin(s), 0);
	int64_t birth = book_add(s, "birth", 2019, "01"), death = book_add(s, "death", 2021, "02");
	int64_t f1 = file_add(s, birth, "f1.tif", 3, "");
	file_add(s, death, "bad\xff.tif", 2, "'bad.tif' is not a readable TIFF file");
	file_add(s, birth, "f3.tif", -1, "pending");
	int64_t f4 = file_add(s, death, "f4.tif", 1, "");
	int64_t f5 = file_add(s, death, "f5.tif", 1, "");
	int64_t p0 = page_add(s, f1, 0, "prepared", NULL);
	page_add(s, f1, 1, "blank", "blank page (0.000% ink)");
	page_add(s, f1, 2, "rejected", HOSTILE);
	int64_t p4 = page_add(s, f4, 0, "prepared", NULL);
	int64_t p5 = page_add(s, f5, 0, "prepared", NULL);
	const int64_t ocr[3] = { p0, p4, p5 };
	for (int i = 0; i < 3; i++)
		assert_int_equal(so_unit_add(s, "ocr", ocr[i]), 0);
	assert_int_equal(so_unit_finish(s, "ocr", p0, NULL), 0);
	assert_int_equal(so_unit_finish(s, "ocr", p4, "found 15 columns, layout death-v1 has 14"),
			 0);
	assert_int_equal(so_unit_finish(s, "ocr", p5, NULL), 0);
	assert_int_equal(so_unit_add(s, "validate", birth), 0);
	assert_int_equal(so_unit_finish(s, "validate", birth, NULL), 0);
	assert_int_equal(so_unit_add(s, "validate", death), 0);

	/* confidences: bins 0, 0, 5, 10, 14, 19, 19, 19 (1.5, clamped), one without, 19 */
	static const double c1[3] = { 0.0, 0.03, 0.26 }, c2[3] = { 0.51, 0.74, 0.97 };
	static const double c3[2] = { 1.0, 1.5 }, c4[2] = { -1, 0.999 };
	int64_t r1 = record_add(s, birth, p0, 1, "valid", c1, 3);
	int64_t r2 = record_add(s, birth, p0, 2, "needs_review", c2, 3);
	int64_t r3 = record_add(s, birth, p0, 3, "approved", c3, 2);
	int64_t r4 = record_add(s, death, p5, 1, "valid", c4, 2);
	int64_t flag;
	assert_int_equal(so_flag_add(s, r1, "LOW_CONFIDENCE", "error", NULL, "m", "validate",
				     NULL), 0);
	assert_int_equal(so_flag_add(s, r2, "LOW_CONFIDENCE", "error", NULL, "m", "validate",
				     &flag), 0);
	assert_int_equal(so_flag_set_state(s, flag, "verified"), 0);
	assert_int_equal(so_flag_add(s, r2, "DATE_ORDER", "error", NULL, "m", "validate", NULL), 0);
	assert_int_equal(so_flag_add(s, r3, "PLACE_UNMATCHED", "warning", NULL, "m", "validate",
				     &flag), 0);
	assert_int_equal(so_flag_set_state(s, flag, "resolved"), 0);

	assert_int_equal(so_outbox_enqueue(s, r4, "26740/death/2021/02/1"), 0);
	assert_int_equal(so_outbox_ack(s, r4, "remote-1"), 0);
	assert_int_equal(so_outbox_enqueue(s, r1, "26740/birth/2019/01/1"), 0);
	assert_int_equal(so_outbox_enqueue(s, r3, "26740/birth/2019/01/3"), 0);
	char sql[256];
	snprintf(sql, sizeof(sql), "UPDATE outbox SET state = 'refused', attempts = 2, "
		 "last_status = 422, last_error = 'child.birth_date: not a date' "
		 "WHERE record_id = %lld", (long long)r3);
	exec_sql(s, sql);
	assert_int_equal(so_event_add(s, "scan", "error", "bad.tif", "cannot read"), 0);
	assert_int_equal(so_event_add(s, "scan", "warning", "f1.tif#2", "blank"), 0);
	assert_int_equal(so_event_add(s, "ocr", "error", "f4.tif#1", "found 15 columns"), 0);

	/* times, for the pages per minute */
	exec_sql(s, "UPDATE pages SET created_at = '2026-01-01T09:59:10Z' WHERE id <= 3");
	exec_sql(s, "UPDATE pages SET created_at = '2026-01-01T10:01:59Z' WHERE id > 3");
	snprintf(sql, sizeof(sql), "UPDATE stage_units SET finished_at = CASE unit_id "
		 "WHEN %lld THEN '2026-01-01T10:00:30Z' WHEN %lld THEN '2026-01-01T10:03:10Z' "
		 "ELSE '2026-01-01T10:03:50Z' END WHERE stage = 'ocr'", (long long)p0,
		 (long long)p4);
	exec_sql(s, sql);
	assert_int_equal(so_store_commit(s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	so_store_close(f->s);
	scratch_remove(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void test_counts(void **state)
{
	struct fixture *f = *state;
	json_t *j = so_batch_summary(f->s);
	assert_non_null(j);
	assert_int_equal(at(j, "batch.books"), 2);
	assert_int_equal(at(j, "batch.scan_files"), 5);
	assert_int_equal(strlen(text_at(j, "batch.id")), 16);

	assert_int_equal(at(j, "stages.scan.done"), 3);
	assert_int_equal(at(j, "stages.scan.failed"), 1);
	assert_int_equal(at(j, "stages.scan.pending"), 1);
	assert_int_equal(at(j, "stages.ocr.done"), 2);
	assert_int_equal(at(j, "stages.ocr.failed"), 1);
	assert_int_equal(at(j, "stages.validate.done"), 1);
	assert_int_equal(at(j, "stages.validate.pending"), 1);
	assert_int_equal(at(j, "stages.normalize.done"), 0);
	assert_string_equal(text_at(j, "stages.ocr.unit"), "pages");
	/* sync from the outbox: queued without a lease, acked, refused */
	assert_int_equal(at(j, "stages.sync.pending"), 1);
	assert_int_equal(at(j, "stages.sync.running"), 0);
	assert_int_equal(at(j, "stages.sync.done"), 1);
	assert_int_equal(at(j, "stages.sync.failed"), 1);

	/* pages: 5 stored, 2 in the unreadable file, 1 not scanned yet */
	assert_int_equal(at(j, "pages.by_state.prepared"), 3);
	assert_int_equal(at(j, "pages.by_state.blank"), 1);
	assert_int_equal(at(j, "pages.by_state.rejected"), 1);
	assert_int_equal(at(j, "pages.by_state.failed"), 0);
	assert_int_equal(at(j, "pages.by_state.unread"), 2);
	assert_int_equal(at(j, "pages.by_state.waiting"), 1);
	assert_int_equal(at(j, "pages.in"), 8);
	assert_int_equal(at(j, "pages.done"), 3);      /* 2 read, 1 blank */
	assert_int_equal(at(j, "pages.failed"), 4);    /* rejected, ocr failed, 2 unread */
	assert_int_equal(at(j, "pages.pending"), 1);
	assert_int_equal(at(j, "pages.failures_total"), 2);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "pages"),
							 "failures")), 2);
	assert_string_equal(text_at(j, "pages.failures.0.book"), "birth 2019/01 (26740)");
	assert_string_equal(text_at(j, "pages.failures.0.file"), "f1.tif");
	assert_int_equal(at(j, "pages.failures.0.page"), 3);
	assert_string_equal(text_at(j, "pages.failures.0.stage"), "scan");
	assert_string_equal(text_at(j, "pages.failures.0.state"), "rejected");
	assert_string_equal(text_at(j, "pages.failures.0.reason"), HOSTILE);
	assert_string_equal(text_at(j, "pages.failures.1.book"), "death 2021/02 (26740)");
	assert_string_equal(text_at(j, "pages.failures.1.stage"), "ocr");
	assert_int_equal(at(j, "pages.failures.1.page"), 1);
	assert_string_equal(text_at(j, "pages.failures.1.reason"),
			    "found 15 columns, layout death-v1 has 14");
	/* a file name that is not UTF-8 comes out with U+FFFD */
	assert_string_equal(text_at(j, "scan_files.failed.0.file"), "bad\xef\xbf\xbd.tif");
	assert_string_equal(text_at(j, "scan_files.failed.0.reason"),
			    "'bad.tif' is not a readable TIFF file");
	assert_int_equal(at(j, "scan_files.total"), 5);

	assert_int_equal(at(j, "records.total"), 4);
	assert_int_equal(at(j, "records.by_status.valid"), 1);
	assert_int_equal(at(j, "records.by_status.needs_review"), 1);
	assert_int_equal(at(j, "records.by_status.approved"), 1);
	assert_int_equal(at(j, "records.by_status.synced"), 1);   /* acknowledged */
	assert_int_equal(at(j, "records.by_status.rejected"), 0);
	assert_string_equal(text_at(j, "records.books.0.label"), "birth 2019/01 (26740)");
	assert_int_equal(at(j, "records.books.0.total"), 3);
	assert_int_equal(at(j, "records.books.0.pages"), 3);
	assert_int_equal(at(j, "records.books.0.by_status.approved"), 1);
	assert_string_equal(text_at(j, "records.books.1.label"), "death 2021/02 (26740)");
	assert_int_equal(at(j, "records.books.1.total"), 1);
	assert_int_equal(at(j, "records.books.1.by_status.synced"), 1);
	assert_int_equal(at(j, "records.books.1.pages"), 2);

	assert_int_equal(at(j, "flags.total"), 4);
	assert_int_equal(at(j, "flags.by_state.open"), 2);
	assert_int_equal(at(j, "flags.by_state.verified"), 1);
	assert_int_equal(at(j, "flags.by_state.resolved"), 1);
	assert_string_equal(text_at(j, "flags.by_code.0.code"), "LOW_CONFIDENCE");
	assert_int_equal(at(j, "flags.by_code.0.total"), 2);
	assert_int_equal(at(j, "flags.by_code.0.open"), 1);
	assert_int_equal(at(j, "flags.by_code.0.verified"), 1);
	assert_int_equal(at(j, "flags.by_code.0.records"), 2);
	assert_string_equal(text_at(j, "flags.by_code.1.code"), "DATE_ORDER");
	assert_string_equal(text_at(j, "flags.by_code.2.code"), "PLACE_UNMATCHED");
	assert_string_equal(text_at(j, "flags.by_code.2.severity"), "warning");
	assert_int_equal(at(j, "flags.by_code.2.resolved"), 1);

	assert_int_equal(at(j, "sync.outbox.acked"), 1);
	assert_int_equal(at(j, "sync.outbox.queued"), 1);
	assert_int_equal(at(j, "sync.outbox.refused"), 1);
	assert_int_equal(at(j, "sync.outbox.held"), 0);
	assert_int_equal(at(j, "sync.total"), 3);
	assert_int_equal(at(j, "sync.attempts"), 2);
	assert_int_equal(at(j, "sync.records_synced"), 1);
	assert_int_equal(at(j, "sync.errors.0.status"), 422);
	assert_string_equal(text_at(j, "sync.errors.0.error"), "child.birth_date: not a date");
	assert_int_equal(at(j, "sync.errors.0.count"), 1);

	assert_string_equal(text_at(j, "events.by_stage.0.stage"), "scan");
	assert_int_equal(at(j, "events.by_stage.0.error"), 1);
	assert_int_equal(at(j, "events.by_stage.0.warning"), 1);
	assert_int_equal(at(j, "events.by_stage.1.error"), 1);
	assert_string_equal(text_at(j, "events.latest_errors.0.message"), "found 15 columns");
	assert_string_equal(text_at(j, "events.latest_errors.1.unit"), "bad.tif");
	json_decref(j);
}

static void test_histogram(void **state)
{
	struct fixture *f = *state;
	json_t *j = so_batch_summary(f->s);
	assert_non_null(j);
	static const int want[20] = { [0] = 2, [5] = 1, [10] = 1, [14] = 1, [19] = 4 };
	char path[64];
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "confidence.bins.%d", i);
		if (at(j, path) != want[i])
			fail_msg("bin %d: %lld, want %d", i, (long long)at(j, path), want[i]);
	}
	assert_int_equal(at(j, "confidence.without"), 1);
	assert_int_equal(at(j, "confidence.total"), 10);
	json_decref(j);

	/* a confidence under 0 (not one the API stores) counts in the first bin */
	exec_sql(f->s, "UPDATE fields SET confidence = -0.2 WHERE confidence IS NULL");
	j = so_batch_summary(f->s);
	assert_int_equal(at(j, "confidence.bins.0"), 3);
	assert_int_equal(at(j, "confidence.without"), 0);
	assert_int_equal(at(j, "confidence.total"), 10);
	json_decref(j);
}

static void test_throughput(void **state)
{
	struct fixture *f = *state;
	json_t *j = so_batch_summary(f->s);
	assert_non_null(j);
	/* scan from 09:59 (3 pages) to 10:01 (2), ocr at 10:00, 10:03 and 10:03 */
	assert_string_equal(text_at(j, "throughput.start"), "2026-01-01T09:59:00Z");
	assert_int_equal(at(j, "throughput.bucket_minutes"), 1);
	assert_int_equal(at(j, "throughput.buckets"), 5);
	static const int scan[5] = { 3, 0, 2, 0, 0 }, ocr[5] = { 0, 1, 0, 0, 2 };
	char path[64];
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "throughput.scan.series.%d", i);
		assert_int_equal(at(j, path), scan[i]);
		snprintf(path, sizeof(path), "throughput.ocr.series.%d", i);
		assert_int_equal(at(j, path), ocr[i]);
	}
	assert_int_equal(at(j, "throughput.scan.pages"), 5);
	assert_int_equal(at(j, "throughput.scan.peak"), 3);
	assert_int_equal(at(j, "throughput.ocr.pages"), 3);
	/* 3 pages over the 4 minutes from 10:00 to 10:03 */
	assert_float_equal(json_real_value(json_object_get(json_object_get(json_object_get(
		j, "throughput"), "ocr"), "per_minute")), 0.8, 1e-9);
	json_decref(j);

	/* a run over two days: buckets wider than a minute, at most SO_REPORT_BUCKETS_MAX */
	exec_sql(f->s, "UPDATE pages SET created_at = '2026-01-03T09:59:10Z' WHERE id = 5");
	j = so_batch_summary(f->s);
	json_int_t width = at(j, "throughput.bucket_minutes"), n = at(j, "throughput.buckets");
	assert_int_equal(width, 3);
	assert_int_equal(n, 961);   /* 2 days and a minute, in threes */
	assert_true(n <= SO_REPORT_BUCKETS_MAX);
	assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(
		j, "throughput"), "scan"), "series")), (size_t)n);
	assert_int_equal(at(j, "throughput.scan.pages"), 5);
	json_decref(j);
}

static char *read_all(const char *path)
{
	char *data = NULL;
	size_t len;
	assert_int_equal(so_read_file(path, 16u << 20, &data, &len), 0);
	return data;
}

static void test_html(void **state)
{
	struct fixture *f = *state;
	char path[512];
	snprintf(path, sizeof(path), "%s/report.html", f->dir);
	assert_int_equal(so_report_write(f->s, path), 0);
	char *html = read_all(path);
	/* the hostile reason is text, not markup */
	assert_non_null(strstr(html, "under 150 dpi &lt;script&gt;alert(1)&lt;/script&gt; "
				     "&quot;q&quot; &amp; &lt;b&gt;x&lt;/b&gt;"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>x</b>"));
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_non_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "bad\xef\xbf\xbd.tif"));
	/* the numbers, where a reader (and a test) finds them */
	assert_non_null(strstr(html, "data-k=\"records.by_status.valid\">1<"));
	assert_non_null(strstr(html, "data-k=\"records.by_status.synced\">1<"));
	assert_non_null(strstr(html, "data-k=\"pages.in\">8<"));
	assert_non_null(strstr(html, "data-k=\"pages.failed\">4<"));
	assert_non_null(strstr(html, "data-k=\"stages.ocr.failed\">1<"));
	assert_non_null(strstr(html, "data-k=\"flags.LOW_CONFIDENCE.error.verified\">1<"));
	assert_non_null(strstr(html, "data-k=\"confidence.bins.19\">4<"));
	assert_non_null(strstr(html, "data-k=\"sync.outbox.refused\">1<"));
	assert_non_null(strstr(html, "Báo cáo lô số hóa"));
	free(html);
	/* complete or not at all: no temporary file beside it */
	snprintf(path, sizeof(path), "%s/report.html.tmp.%ld", f->dir, (long)getpid());
	assert_int_equal(access(path, F_OK), -1);

	/* a summary without its parts is refused */
	json_t *bad = json_pack("{s:{}}", "batch");
	FILE *out = fopen("/dev/null", "w");
	assert_int_equal(so_report_html(bad, out), -1);
	assert_non_null(strstr(so_errmsg(), "'stages'"));
	fclose(out);
	json_decref(bad);
	/* nowhere to write */
	assert_int_equal(so_report_write(f->s, "/nonexistent/dir/report.html"), -1);
	assert_non_null(strstr(so_errmsg(), "/nonexistent/dir/report.html"));
}

static void test_empty(void **state)
{
	char *dir = scratch_dir();
	struct so_store *s = NULL;
	assert_int_equal(so_store_open(dir, 1, &s), 0);
	json_t *j = so_batch_summary(s);
	assert_non_null(j);
	assert_int_equal(at(j, "pages.in"), 0);
	assert_int_equal(at(j, "records.total"), 0);
	assert_int_equal(at(j, "confidence.total"), 0);
	assert_int_equal(at(j, "throughput.buckets"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(j, "throughput"), "start")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "records"), "books")),
			 0);
	json_decref(j);
	char path[512];
	snprintf(path, sizeof(path), "%s/report.html", dir);
	assert_int_equal(so_report_write(s, path), 0);
	char *html = read_all(path);
	assert_non_null(strstr(html, "Chưa có bản ghi nào"));
	assert_non_null(strstr(html, "data-k=\"records.total\">0<"));
	assert_non_null(strstr(html, "</html>"));
	free(html);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_histogram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throughput, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
