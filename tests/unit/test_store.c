/* Unit tests of the batch store: migrations, schema version checks, books, files, pages,
 * stage units and their claims, records and the rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/store.h"
#include "batch/units.h"
#include "deliver/deliver_store.h"
#include "scratch.h"

static void test_open_missing_refused(void **state)
{
	struct so_store *s = NULL;
	assert_int_equal(so_store_open("/nonexistent/sohoa/batch", 0, &s), -1);
	assert_null(s);
	assert_non_null(strstr(so_errmsg(), "no batch at"));
}

static void test_migrate_fresh(void **state)
{
	char *dir = scratch_dir();
	struct so_store *s = NULL;
	assert_int_equal(so_store_open(dir, 1, &s), 0);
	assert_true(so_store_schema_latest() >= 1);
	assert_int_equal(so_store_schema_version(s), so_store_schema_latest());

	/* WAL and synchronous=FULL */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(so_store_db(s), "PRAGMA journal_mode", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(so_store_db(s), "PRAGMA synchronous", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2); /* FULL */
	sqlite3_finalize(st);

	/* every table of the schema exists */
	const char *tables[] = { "books", "scan_files", "pages", "stage_units", "records", "fields",
				 "flags", "audit", "outbox", "events", "batch_meta", "reviewers",
				 "sessions" };
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		assert_int_equal(sqlite3_prepare_v2(so_store_db(s),
			"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1,
			&st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
	}
	so_store_close(s);

	/* reopening migrates nothing and keeps the version */
	assert_int_equal(so_store_open(dir, 0, &s), 0);
	assert_int_equal(so_store_schema_version(s), so_store_schema_latest());
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

static void test_newer_schema_refused(void **state)
{
	char *dir = scratch_dir();
	struct so_store *s = NULL;
	assert_int_equal(so_store_open(dir, 1, &s), 0);
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", so_store_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(so_store_db(s), pragma, NULL, NULL, NULL), SQLITE_OK);
	so_store_close(s);
	assert_int_equal(so_store_open(dir, 0, &s), -1);
	assert_null(s);
	assert_non_null(strstr(so_errmsg(), "newer than this sohoa"));
	scratch_remove(dir);
	free(dir);
}

static void test_old_schema_migrated(void **state)
{
	/* a store left at version 0 (created, never migrated) is brought up to date */
	char *dir = scratch_dir();
	char path[512];
	snprintf(path, sizeof(path), "%s/batch.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct so_store *s = NULL;
	assert_int_equal(so_store_open(dir, 0, &s), 0);
	assert_int_equal(so_store_schema_version(s), so_store_schema_latest());
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

/*
 * A worker whose whole run was killed: it claims a unit of STAGE in DIR while its parent (its
 * "supervisor") lives, then the parent goes, then the worker vanishes. Returns the unit it
 * claimed (or -1).
 */
static int64_t claim_in_killed_run(const char *dir, const char *stage)
{
	int result[2], claimed[2];
	assert_int_equal(pipe(result), 0);
	assert_int_equal(pipe(claimed), 0);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		if (fork() == 0) {
			/* the parent, taken before it may go */
			pid_t parent = getppid();
			struct so_store *cs = NULL;
			int64_t id = -1;
			if (so_store_open(dir, 0, &cs) < 0 || so_unit_claim(cs, stage, &id, NULL) != 1)
				id = -1;
			if (write(claimed[1], &id, sizeof(id)) != sizeof(id))
				_exit(1);
			while (kill(parent, 0) == 0 && getppid() == parent)
				usleep(1000);
			if (write(result[1], &id, sizeof(id)) != sizeof(id))
				_exit(1);
			_exit(0);
		}
		int64_t id;
		if (read(claimed[0], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		_exit(0);
	}
	close(result[1]);
	close(claimed[1]);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	int64_t id = -1;
	assert_int_equal(read(result[0], &id, sizeof(id)), sizeof(id));
	char c;
	assert_int_equal(read(result[0], &c, 1), 0); /* EOF: the worker is gone */
	close(result[0]);
	close(claimed[0]);
	usleep(20000);
	return id;
}

static struct so_store *fresh(char **dir)
{
	*dir = scratch_dir();
	struct so_store *s = NULL;
	assert_int_equal(so_store_open(*dir, 1, &s), 0);
	return s;
}

static void test_books_and_files(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	struct so_book b = { 0 };
	strcpy(b.type, "birth");
	b.year = 2019;
	strcpy(b.volume, "01");
	strcpy(b.authority_code, "26740");
	strcpy(b.layout, "birth-v1");
	assert_int_equal(so_book_register(s, &b), 0);
	int64_t id = b.id;
	assert_true(id > 0);
	/* the same book again is found, not added */
	b.id = 0;
	assert_int_equal(so_book_register(s, &b), 0);
	assert_int_equal(b.id, id);
	/* with another layout it is refused */
	strcpy(b.layout, "birth-v2");
	assert_int_equal(so_book_register(s, &b), -1);
	assert_non_null(strstr(so_errmsg(), "registered with layout 'birth-v1'"));

	struct so_scan_file f = { 0 };
	f.book_id = id;
	f.page_count = -1;
	strcpy(f.path, "/scans/a.tif");
	strcpy(f.name, "a.tif");
	strcpy(f.sha256, "aa");
	assert_int_equal(so_scan_file_register(s, &f), 0);
	assert_int_equal(f.duplicate_of, 0);
	int64_t fa = f.id;
	/* same content, other path: a duplicate of the first */
	struct so_scan_file g = f;
	g.id = 0;
	strcpy(g.path, "/scans/copy-of-a.tif");
	assert_int_equal(so_scan_file_register(s, &g), 0);
	assert_int_equal(g.duplicate_of, fa);
	/* same path, changed content: refused */
	struct so_scan_file h = f;
	strcpy(h.sha256, "bb");
	assert_int_equal(so_scan_file_register(s, &h), -1);
	assert_non_null(strstr(so_errmsg(), "has changed"));
	assert_int_equal(so_scan_file_set_page_count(s, fa, 7), 0);
	struct so_scan_file back;
	assert_int_equal(so_scan_file_get(s, fa, &back), 0);
	assert_int_equal(back.page_count, 7);
	assert_string_equal(back.name, "a.tif");
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

static void test_pages(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	struct so_book b = { .year = 2020 };
	strcpy(b.type, "death");
	strcpy(b.volume, "02");
	strcpy(b.authority_code, "00004");
	strcpy(b.layout, "death-v1");
	assert_int_equal(so_book_register(s, &b), 0);
	struct so_scan_file f = { .book_id = b.id, .page_count = -1 };
	strcpy(f.path, "/x.tif");
	strcpy(f.name, "x.tif");
	assert_int_equal(so_scan_file_register(s, &f), 0);

	struct so_page p = { .scan_file_id = f.id, .page_index = 3, .width = 100, .height = 50,
			     .dpi = 300, .skew = -1.25, .skew_conf = 4.5, .orientation = 180 };
	strcpy(p.sha256, "cafe");
	strcpy(p.state, "prepared");
	strcpy(p.image, "pages/1-x.tif/p0004.tif");
	assert_int_equal(so_page_put(s, &p), 0);
	int64_t pid = p.id;
	struct so_page q;
	assert_int_equal(so_page_find(s, f.id, 3, &q), 1);
	assert_int_equal(q.id, pid);
	assert_int_equal(q.orientation, 180);
	assert_true(q.skew == -1.25);
	assert_string_equal(q.image, "pages/1-x.tif/p0004.tif");
	assert_int_equal(so_page_find(s, f.id, 4, &q), 0);
	assert_int_equal(so_page_find_sha256(s, "cafe"), pid);
	assert_int_equal(so_page_find_sha256(s, "beef"), 0);
	/* putting the same page again replaces it and keeps its id */
	strcpy(p.state, "failed");
	strcpy(p.reason, "cannot decode");
	assert_int_equal(so_page_put(s, &p), 0);
	assert_int_equal(p.id, pid);
	assert_int_equal(so_page_get(s, pid, &q), 0);
	assert_string_equal(q.state, "failed");
	assert_string_equal(q.reason, "cannot decode");
	/* a bad state is refused by the schema */
	strcpy(p.state, "weird");
	assert_int_equal(so_page_put(s, &p), -1);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

static void test_units_claim_and_take_back(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(so_unit_add(s, "ocr", i), 0);
	assert_int_equal(so_unit_add(s, "ocr", 2), 0); /* again: no-op */
	struct so_stage_counts c;
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.pending, 3);

	int64_t id = 0;
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 1);
	assert_int_equal(id, 1);
	assert_int_equal(so_unit_finish(s, "ocr", id, NULL), 0);
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 1);
	assert_int_equal(id, 2);
	assert_int_equal(so_unit_finish(s, "ocr", id, "table not found"), 0);

	/* a worker claims unit 3 and its run is killed: the claim is taken back */
	assert_int_equal(claim_in_killed_run(dir, "ocr"), 3);
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.running, 1);
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 1);
	assert_int_equal(id, 3);
	char st[16], err[128];
	assert_int_equal(so_unit_state(s, "ocr", 3, st, sizeof(st), err, sizeof(err)), 1);
	assert_string_equal(st, "running");
	assert_int_equal(so_unit_finish(s, "ocr", 3, NULL), 0);
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 0);

	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.done, 2);
	assert_int_equal(c.failed, 1);
	assert_int_equal(so_unit_state(s, "ocr", 2, st, sizeof(st), err, sizeof(err)), 1);
	assert_string_equal(st, "failed");
	assert_string_equal(err, "table not found");
	assert_int_equal(so_unit_retry_failed(s, "ocr"), 1);
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.pending, 1);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

static void test_unit_crashes_counted(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	assert_int_equal(so_unit_add(s, "ocr", 9), 0);
	assert_int_equal(so_unit_add(s, "ocr", 10), 0);
	for (int attempt = 1; attempt <= 2; attempt++) {
		/* a worker claims unit 9 and crashes; its parent reports the crash */
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			struct so_store *cs = NULL;
			int64_t cid;
			int crashes = -1;
			if (so_store_open(dir, 0, &cs) < 0 ||
			    so_unit_claim(cs, "ocr", &cid, &crashes) != 1 || cid != 9 ||
			    crashes != attempt - 1)
				_exit(1);
			/* cmocka catches SIGABRT in tests; the worker must really die of it */
			signal(SIGABRT, SIG_DFL);
			abort();
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		/* its supervisor (this process) lives: nobody else may take the unit back */
		int64_t other;
		assert_int_equal(so_unit_claim(s, "ocr", &other, NULL), 1);
		assert_int_equal(other, 10);
		assert_int_equal(so_unit_release(s, "ocr", 10), 0);
		assert_int_equal(so_unit_crashed(s, "ocr", pid, "killed by SIGABRT"), 1);
		assert_int_equal(so_unit_crashes(s, "ocr", 9), attempt);
	}
	/* a crash report for a process holding nothing changes nothing */
	assert_int_equal(so_unit_crashed(s, "ocr", 999999, "killed by SIGKILL"), 0);
	int64_t id;
	int crashes = -1;
	assert_int_equal(so_unit_claim(s, "ocr", &id, &crashes), 1);
	assert_int_equal(id, 9);
	assert_int_equal(crashes, 2);
	char st[16], err[160];
	assert_int_equal(so_unit_state(s, "ocr", 9, st, sizeof(st), err, sizeof(err)), 1);
	assert_string_equal(err, "killed by SIGABRT");
	/* progress starts the count again; a clean stop gives the unit back uncounted */
	assert_int_equal(so_unit_progress(s, "ocr", 9), 0);
	assert_int_equal(so_unit_crashes(s, "ocr", 9), 0);
	assert_int_equal(so_unit_release(s, "ocr", 9), 0);
	assert_int_equal(so_unit_state(s, "ocr", 9, st, sizeof(st), err, sizeof(err)), 1);
	assert_string_equal(st, "pending");
	assert_int_equal(so_unit_crashes(s, "ocr", 9), 0);
	/* a worker that vanishes with its whole run costs nothing */
	assert_int_equal(claim_in_killed_run(dir, "ocr"), 9);
	assert_int_equal(so_unit_claim(s, "ocr", &id, &crashes), 1);
	assert_int_equal(id, 9);
	assert_int_equal(crashes, 0);
	assert_int_equal(so_unit_crashes(s, "ocr", 424242), -1);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

static void test_records_fields_flags_audit_outbox(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	struct so_book b = { .year = 2019 };
	strcpy(b.type, "birth");
	strcpy(b.volume, "01");
	strcpy(b.authority_code, "26740");
	strcpy(b.layout, "birth-v1");
	assert_int_equal(so_book_register(s, &b), 0);
	struct so_scan_file f = { .book_id = b.id, .page_count = -1 };
	strcpy(f.path, "/y.tif");
	strcpy(f.name, "y.tif");
	assert_int_equal(so_scan_file_register(s, &f), 0);
	struct so_page p = { .scan_file_id = f.id };
	strcpy(p.state, "prepared");
	assert_int_equal(so_page_put(s, &p), 0);

	assert_int_equal(so_store_begin(s), 0);
	int64_t rid = 0, rid2 = 0;
	struct so_bbox box = { 10, 20, 300, 400 };
	assert_int_equal(so_record_add(s, b.id, p.id, 2, &box, &rid), 0);
	assert_int_equal(so_record_add(s, b.id, p.id, 2, &box, &rid2), 0);
	assert_int_equal(rid, rid2);
	const char *evil = "Robert'); DROP TABLE records;--";
	assert_int_equal(so_field_put(s, rid, "child.full_name", evil, NULL, NULL, 0.93, &box,
				      "ocr"), 0);
	assert_int_equal(so_field_put(s, rid, "child.sex", "Nam", "male", NULL, -1, NULL, NULL), 0);
	int64_t flag;
	assert_int_equal(so_flag_add(s, rid, "DATE_INVALID", "error", "[\"child.birth_date\"]",
				     "Ngày không có thật", NULL, &flag), 0);
	assert_int_equal(so_store_commit(s), 0);

	char status[24];
	assert_int_equal(so_record_status(s, rid, status, sizeof(status)), 1);
	assert_string_equal(status, "extracted");
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(so_store_db(s), "SELECT raw, confidence FROM fields "
					    "WHERE record_id = ?1 AND name = 'child.full_name'",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, rid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), evil);
	assert_true(sqlite3_column_double(st, 1) > 0.929 && sqlite3_column_double(st, 1) < 0.931);
	sqlite3_finalize(st);

	assert_int_equal(so_flag_set_state(s, flag, "verified"), 0);
	assert_int_equal(so_flag_set_state(s, flag, "nonsense"), -1);
	assert_int_equal(so_flag_set_state(s, 999999, "resolved"), -1);
	assert_int_equal(so_record_set_status(s, rid, "needs_review"), 0);
	assert_int_equal(so_record_set_status(s, rid, "bogus"), -1);
	assert_int_equal(so_audit_add(s, "archivist1", rid, "set", "child.full_name", evil,
				      "Nguyễn Văn An"), 0);
	assert_int_equal(so_outbox_enqueue(s, rid, "26740/birth/2019/01/125"), 0);
	assert_int_equal(so_outbox_enqueue(s, rid, "26740/birth/2019/01/125"), 0);
	assert_int_equal(so_outbox_ack(s, rid, "remote-1"), 0);
	assert_int_equal(so_record_status(s, rid, status, sizeof(status)), 1);
	assert_string_equal(status, "synced");
	assert_int_equal(so_outbox_ack(s, 424242, "x"), -1);
	assert_int_equal(so_event_add(s, "scan", "error", "a.tif#2", "cannot decode row %d", 7), 0);

	char v[64];
	assert_int_equal(so_meta_get(s, "created_by", v, sizeof(v)), 0);
	assert_int_equal(so_meta_set(s, "created_by", "test"), 0);
	assert_int_equal(so_meta_get(s, "created_by", v, sizeof(v)), 1);
	assert_string_equal(v, "test");
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

/* The public step helper: a loop over rows ends in DONE (0), a failing statement in -1 with
 * the error named, and either way the statement is reset and can run again. */
static void test_step_done_and_error(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	static const char rows[] = "SELECT value FROM json_each('[1, 2, 3]')";
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_stmt *st = so_store_stmt(s, rows);
		assert_non_null(st);
		int r, n = 0;
		int64_t sum = 0;
		while ((r = so_store_step(s, st, "cannot count")) == 1) {
			sum += sqlite3_column_int64(st, 0);
			n++;
		}
		assert_int_equal(r, 0);
		assert_int_equal(n, 3);
		assert_int_equal(sum, 6);
	}
	/* the second row fails (not JSON): the loop ends in an error, not as if it were done */
	static const char bad[] = "SELECT json_extract(value, '$') FROM json_each('[\"{}\", \"{\"]')";
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_stmt *st = so_store_stmt(s, bad);
		assert_non_null(st);
		int r, n = 0;
		while ((r = so_store_step(s, st, "cannot read the test rows")) == 1)
			n++;
		assert_int_equal(r, -1);
		assert_int_equal(n, 1);
		assert_non_null(strstr(so_errmsg(), "cannot read the test rows: "));
		assert_non_null(strstr(so_errmsg(), "JSON"));
	}
	/* a write refused by the schema */
	static const char refused[] = "INSERT INTO batch_meta (key, value) VALUES ('k', NULL)";
	sqlite3_stmt *st = so_store_stmt(s, refused);
	assert_non_null(st);
	assert_int_equal(so_store_step(s, st, "cannot note k"), -1);
	assert_non_null(strstr(so_errmsg(), "cannot note k: NOT NULL constraint failed"));
	/* a visitor that stops early resets the statement: the next use starts again */
	st = so_store_stmt(s, rows);
	assert_int_equal(so_store_step(s, st, "x"), 1);
	assert_int_equal(so_store_stop(st, 1), 0);
	assert_int_equal(so_store_stop(st, -1), -1);
	assert_int_equal(so_store_step(s, st, "x"), 1);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_reset(st);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

/* The public bind helpers: what binds NULL and what binds a value. */
static void test_bind_helpers(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	static const char sql[] =
		"SELECT ?1 IS NULL, ?2 IS NULL, ?3 IS NULL, ?4 IS NULL, ?5 IS NULL, ?6 IS NULL, "
		"?7 IS NULL, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17 LIKE '____-__-__T%', "
		"?18 IS NULL, ?19 IS NULL";
	sqlite3_stmt *st = so_store_stmt(s, sql);
	assert_non_null(st);
	so_bind_text(st, 1, NULL);
	so_bind_opt(st, 2, "");
	so_bind_opt(st, 3, NULL);
	so_bind_id(st, 4, 0);
	so_bind_conf(st, 5, -1);
	so_bind_box(st, 6, NULL);   /* 6..9: NULL */
	so_bind_text(st, 10, "x'); DROP TABLE books;--");
	so_bind_opt(st, 11, "y");
	so_bind_id(st, 12, 42);
	so_bind_conf(st, 13, 0.5);
	struct so_bbox box = { 1, 2, 3, 4 };
	so_bind_box(st, 14, &box);  /* 14..17 */
	so_bind_now(st, 17);
	so_bind_int(st, 18, 7);
	so_bind_real(st, 19, 0.25);
	assert_int_equal(so_store_step(s, st, "cannot bind"), 1);
	for (int i = 0; i < 7; i++)
		assert_int_equal(sqlite3_column_int(st, i), 1);
	assert_int_equal(sqlite3_column_type(st, 7), SQLITE_NULL);
	assert_int_equal(sqlite3_column_type(st, 8), SQLITE_NULL);
	assert_string_equal(so_column_text(st, 9), "x'); DROP TABLE books;--");
	char buf[4];
	so_column_copy(st, 9, buf, sizeof(buf));
	assert_string_equal(buf, "x')");
	so_column_copy(st, 7, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_null(so_column_dup(st, 7));
	char *y = so_column_dup(st, 10);
	assert_string_equal(y, "y");
	free(y);
	assert_int_equal(sqlite3_column_int64(st, 11), 42);
	assert_true(sqlite3_column_double(st, 12) == 0.5);
	assert_int_equal(sqlite3_column_int(st, 13), 1);
	assert_int_equal(sqlite3_column_int(st, 14), 2);
	assert_int_equal(sqlite3_column_int(st, 15), 3);
	assert_int_equal(sqlite3_column_int(st, 16), 1);   /* ?17: the time, not the box's 4 */
	assert_int_equal(sqlite3_column_int(st, 17), 0);
	assert_int_equal(sqlite3_column_int(st, 18), 0);
	sqlite3_reset(st);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

/* A book with one scan file of N pages, the first PREPARED of them prepared, the rest blank;
 * the page ids into PAGES. */
static int64_t book_with_pages(struct so_store *s, const char *volume, int n, int prepared,
			       int64_t *pages)
{
	struct so_book b = { .year = 2020 };
	strcpy(b.type, "death");
	snprintf(b.volume, sizeof(b.volume), "%s", volume);
	strcpy(b.authority_code, "26740");
	strcpy(b.layout, "death-v1");
	assert_int_equal(so_book_register(s, &b), 0);
	struct so_scan_file f = { .book_id = b.id, .page_count = n };
	snprintf(f.path, sizeof(f.path), "/%s.tif", volume);
	snprintf(f.name, sizeof(f.name), "%s.tif", volume);
	assert_int_equal(so_scan_file_register(s, &f), 0);
	for (int i = 0; i < n; i++) {
		struct so_page p = { .scan_file_id = f.id, .page_index = i };
		strcpy(p.state, i < prepared ? "prepared" : "blank");
		assert_int_equal(so_page_put(s, &p), 0);
		pages[i] = p.id;
	}
	return b.id;
}

struct counted {
	char text[256];
};

static int count_line(const char *stage, const char *state, int64_t n, void *ctx)
{
	struct counted *k = ctx;
	size_t len = strlen(k->text);
	snprintf(k->text + len, sizeof(k->text) - len, "%s %s %lld; ", stage, state, (long long)n);
	return 0;
}

/* Seeding a stage: from the prepared pages, and from the books whose pages are all read; a
 * second seed adds nothing. */
static void test_units_seeded_once(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	int64_t pa[3], pb[2];
	int64_t a = book_with_pages(s, "01", 3, 2, pa);
	int64_t b = book_with_pages(s, "02", 2, 2, pb);
	assert_int_equal(so_unit_seed_pages(s, "ocr"), 4);
	assert_int_equal(so_unit_seed_pages(s, "ocr"), 0);
	struct so_stage_counts c;
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.pending, 4);
	/* books without records are not seeded; nor one whose pages still wait to be read */
	assert_int_equal(so_unit_seed_books(s, "validate"), 0);
	int64_t ra, rb;
	assert_int_equal(so_record_add(s, a, pa[0], 1, NULL, &ra), 0);
	assert_int_equal(so_record_add(s, b, pb[0], 1, NULL, &rb), 0);
	assert_int_equal(so_unit_seed_books(s, "validate"), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(so_unit_finish(s, "ocr", pa[i], NULL), 0);
	assert_int_equal(so_unit_seed_books(s, "validate"), 1);
	assert_int_equal(so_unit_seed_books(s, "validate"), 0);
	char st[16];
	assert_int_equal(so_unit_state(s, "validate", a, st, sizeof(st), NULL, 0), 1);
	assert_string_equal(st, "pending");
	assert_int_equal(so_unit_state(s, "validate", b, st, sizeof(st), NULL, 0), 0);
	/* a failed page counts as read */
	assert_int_equal(so_unit_finish(s, "ocr", pb[0], "table not found"), 0);
	assert_int_equal(so_unit_finish(s, "ocr", pb[1], NULL), 0);
	assert_int_equal(so_unit_seed_books(s, "validate"), 1);
	assert_int_equal(so_unit_seed_books(s, "normalize"), 2);
	assert_int_equal(so_unit_seed_books(s, "normalize"), 0);
	/* the counts of every stage, by stage */
	struct counted k = { 0 };
	assert_int_equal(so_unit_counts_each(s, count_line, &k), 0);
	assert_string_equal(k.text, "normalize pending 2; ocr done 3; ocr failed 1; "
				    "validate pending 2; ");
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

/* A process is alive while it runs; killed, it is gone at once, also before its parent reaps
 * it (a zombie): a temporary file it left is stale then, and its units are taken back. */
static void test_pid_alive(void **state)
{
	(void)state;
	assert_int_equal(so_pid_alive((long)getpid()), 1);
	assert_int_equal(so_pid_alive(0), 0);
	assert_int_equal(so_pid_alive(-1), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(so_pid_alive((long)child), 1);
	assert_int_equal(kill(child, SIGKILL), 0);
	/* not reaped yet: a zombie */
	int gone = 0;
	for (int i = 0; i < 200 && !gone; i++) {
		gone = !so_pid_alive((long)child);
		if (!gone)
			usleep(5000);
	}
	assert_true(gone);
	assert_int_equal(kill(child, 0), 0); /* still there to kill(2): a zombie */
	int st;
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_int_equal(so_pid_alive((long)child), 0);
}

/* A unit whose owner process is gone is taken back by the next claim; one whose owner lives is
 * not. The watchdog lists the workers on this host holding a unit too long. */
static void test_units_dead_owner_taken_back(void **state)
{
	char *dir;
	struct so_store *s = fresh(&dir);
	assert_int_equal(so_unit_add(s, "ocr", 5), 0);
	assert_int_equal(so_unit_add(s, "ocr", 6), 0);
	int64_t id;
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 1);
	assert_int_equal(id, 5);
	/* unit 6 is held by a process that is gone, whose supervisor is gone too */
	fflush(NULL);
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	char host[256] = "", sql[768];
	gethostname(host, sizeof(host) - 1);
	snprintf(sql, sizeof(sql), "UPDATE stage_units SET state = 'running', owner = '%s:%ld:0:1:0', "
		 "claimed_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-5 seconds') "
		 "WHERE stage = 'ocr' AND unit_id = 6", host, (long)child);
	assert_int_equal(sqlite3_exec(so_store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	struct so_stage_counts c;
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.running, 2);
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 1);
	assert_int_equal(id, 6);
	/* both are this (living) process's now: nothing more to take back or claim */
	assert_int_equal(so_unit_claim(s, "ocr", &id, NULL), 0);
	assert_int_equal(so_unit_counts(s, "ocr", &c), 0);
	assert_int_equal(c.running, 2);
	assert_int_equal(c.pending, 0);
	/* the watchdog: unit 5 claimed long ago, unit 6 just now */
	assert_int_equal(sqlite3_exec(so_store_db(s), "UPDATE stage_units SET claimed_at = "
				      "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-100 seconds') WHERE "
				      "unit_id = 5", NULL, NULL, NULL), SQLITE_OK);
	long pids[4] = { 0 };
	assert_int_equal(so_unit_overdue(s, "ocr", 50, pids, 4), 1);
	assert_int_equal(pids[0], (long)getpid());
	assert_int_equal(so_unit_overdue(s, "ocr", 500, pids, 4), 0);
	assert_int_equal(so_unit_overdue(s, "scan", 50, pids, 4), 0);
	assert_int_equal(so_unit_overdue(s, "ocr", 50, pids, 0), 0);
	so_store_close(s);
	scratch_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_missing_refused),
		cmocka_unit_test(test_migrate_fresh),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_old_schema_migrated),
		cmocka_unit_test(test_books_and_files),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_units_claim_and_take_back),
		cmocka_unit_test(test_unit_crashes_counted),
		cmocka_unit_test(test_records_fields_flags_audit_outbox),
		cmocka_unit_test(test_step_done_and_error),
		cmocka_unit_test(test_bind_helpers),
		cmocka_unit_test(test_units_seeded_once),
		cmocka_unit_test(test_units_dead_owner_taken_back),
		cmocka_unit_test(test_pid_alive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
