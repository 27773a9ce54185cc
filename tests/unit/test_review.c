/* Unit tests of the archivists' review (lib/review/review.c) on a real batch store: accounts and
 * their hashes, sessions, the queue and its filters, one record as shown, every change with
 * its version check, rules run again and audit rows, and the images cut from a prepared page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "batch/store.h"
#include "check/records.h"
#include "review/review.h"
#include "review/review_store.h"
#include "teststore.h"

/* Runs SQL that must give a row (an UPDATE … RETURNING 1). */
static void exec_returning(struct so_store *s, const char *sql)
{
	char *v = teststore_value(s, sql);
	assert_non_null(v);
	free(v);
}

static void q1_is(struct so_store *s, const char *sql, const char *want)
{
	char *v = teststore_value(s, sql);
	if (want ? !v || strcmp(v, want) != 0 : v != NULL) {
		char *flags = teststore_value(s, "SELECT group_concat(record_id || ' ' || code || "
						 "' ' || state || ' ' || fields, '; ') FROM flags");
		print_error("flags: %s\n", flags ? flags : "none");
		free(flags);
		fail_msg("%s: got '%s', want '%s'", sql, v ? v : "(null)", want ? want : "(null)");
	}
	free(v);
}

struct fixture {
	char *dir;
	struct so_store *s;
	int64_t book, page, rec[3];
};

/* A birth book with one prepared page (a drawn table) and three entries: the first read with
 * a doubtful name, the second clean, the third with a date that is no date. Judged by the
 * rules as validate would. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->s = teststore_open(&f->dir);
	int64_t file;
	f->book = teststore_birth_book(f->s, "ks.tif", &file);
	/* the prepared page: 1-bit, 2000 x 1200, a ruled row per entry */
	char path[512];
	snprintf(path, sizeof(path), "%s/pages", f->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/pages/ks-0.tif", f->dir);
	PIX *pix = pixCreate(2000, 1200, 1);
	for (int r = 0; r < 4; r++)
		pixRenderLine(pix, 50, 200 + r * 200, 1950, 200 + r * 200, 3, L_SET_PIXELS);
	BOX *ink = boxCreate(300, 420, 200, 60);
	pixRenderBox(pix, ink, 4, L_SET_PIXELS);
	boxDestroy(&ink);
	assert_int_equal(pixWrite(path, pix, IFF_TIFF_G4), 0);
	pixDestroy(&pix);
	struct so_page p = { .scan_file_id = file, .width = 2000, .height = 1200, .dpi = 300 };
	strcpy(p.state, "prepared");
	strcpy(p.image, "pages/ks-0.tif");
	assert_int_equal(so_page_put(f->s, &p), 0);
	f->page = p.id;

	static const char *const names[3] = { "NGUYỄN VĂN AN", "TRẦN THỊ BÌNH", "LÊ VĂN CƯỜNG" };
	static const double name_conf[3] = { 0.40, 0.99, 0.99 };
	static const char *const births[3] = { "23/04/2019", "01/05/2019", "30/02/2019" };
	assert_int_equal(so_store_begin(f->s), 0);
	for (int i = 0; i < 3; i++) {
		struct so_bbox row = { 50, 200 + i * 200, 1950, 400 + i * 200 };
		assert_int_equal(so_record_add(f->s, f->book, p.id, i + 1, &row, &f->rec[i]), 0);
		char num[8];
		snprintf(num, sizeof(num), "%d", i + 1);
		struct so_bbox c1 = { 50, row.y0, 150, row.y1 }, c3 = { 300, row.y0, 500, row.y1 },
			       c4 = { 500, row.y0, 640, row.y1 };
		assert_int_equal(so_field_put(f->s, f->rec[i], "registration_number", num, NULL,
					      NULL, 0.99, &c1, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "registration_date", "16/05/2019",
					      NULL, NULL, 0.99, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.full_name", names[i], NULL,
					      NULL, name_conf[i], &c3, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.birth_date", births[i], NULL,
					      NULL, 0.99, &c4, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.sex", "Nam", NULL, NULL, 0.99,
					      NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "mother.full_name", "PHẠM THỊ DIỄM",
					      NULL, NULL, 0.99, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "notes", NULL, NULL, NULL, -1, NULL,
					      "ocr"), 0);
	}
	assert_int_equal(so_validate_book(f->s, f->book), 0);
	assert_int_equal(so_store_commit(f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	teststore_remove(f->s, f->dir);
	free(f);
	return 0;
}

static int version_of(struct fixture *f, int64_t id)
{
	json_t *r = so_review_record(f->s, id, NULL);
	assert_non_null(r);
	int v = (int)json_integer_value(json_object_get(r, "version"));
	json_decref(r);
	return v;
}

static void test_accounts(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(so_reviewer_add(f->s, "lan.nguyen", "mat-khau-dai", 0), 0);
	assert_int_equal(so_reviewer_add(f->s, "lan.nguyen", "mat-khau-khac", 0), -1);
	assert_int_equal(so_reviewer_add(f->s, "ngan", "short", 0), -1);
	assert_int_equal(so_reviewer_add(f->s, "../etc", "mat-khau-dai", 0), -1);
	assert_int_equal(so_reviewer_add(f->s, "a b", "mat-khau-dai", 0), -1);
	/* only a salted yescrypt hash is kept */
	q1_is(f->s, "SELECT substr(hash, 1, 3) FROM reviewers WHERE name = 'lan.nguyen'", "$y$");
	q1_is(f->s, "SELECT count(*) FROM reviewers WHERE hash LIKE '%mat-khau%'", "0");
	assert_int_equal(so_reviewer_add(f->s, "minh", "mat-khau-dai", 0), 0);
	q1_is(f->s, "SELECT count(DISTINCT hash) FROM reviewers", "2"); /* salted */
	assert_int_equal(so_reviewer_check(f->s, "lan.nguyen", "mat-khau-dai"), 1);
	assert_int_equal(so_reviewer_check(f->s, "lan.nguyen", "mat-khau-dai "), 0);
	assert_int_equal(so_reviewer_check(f->s, "lan.nguyen", ""), 0);
	assert_int_equal(so_reviewer_check(f->s, "nobody", "mat-khau-dai"), 0);
	assert_int_equal(so_reviewer_check(f->s, "' OR 1=1 --", "x"), 0);
	json_t *l = so_reviewer_list(f->s);
	assert_int_equal(json_array_size(l), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "name")),
			    "lan.nguyen");
	json_decref(l);
	/* a new password replaces the old one */
	assert_int_equal(so_reviewer_add(f->s, "minh", "mat-khau-moi", 1), 0);
	assert_int_equal(so_reviewer_check(f->s, "minh", "mat-khau-dai"), 0);
	assert_int_equal(so_reviewer_check(f->s, "minh", "mat-khau-moi"), 1);
	assert_int_equal(so_reviewer_remove(f->s, "minh"), 1);
	assert_int_equal(so_reviewer_remove(f->s, "minh"), 0);
	assert_int_equal(so_reviewer_check(f->s, "minh", "mat-khau-moi"), 0);
	q1_is(f->s, "SELECT group_concat(action) FROM audit WHERE after = 'minh' OR before = 'minh'",
	      "reviewer_add,reviewer_rekey,reviewer_remove");
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(so_reviewer_add(f->s, "lan", "mat-khau-dai", 0), 0);
	char token[SO_TOKEN_LEN], csrf[SO_TOKEN_LEN], other[SO_TOKEN_LEN], csrf2[SO_TOKEN_LEN];
	assert_int_equal(so_session_open(f->s, "lan", 3600, token, csrf), 0);
	assert_int_equal(strlen(token), SO_TOKEN_LEN - 1);
	assert_int_equal(strlen(csrf), SO_TOKEN_LEN - 1);
	assert_int_equal(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789-_"), SO_TOKEN_LEN - 1);
	assert_string_not_equal(token, csrf);
	assert_int_equal(so_session_open(f->s, "lan", 3600, other, csrf2), 0);
	assert_string_not_equal(token, other);
	assert_int_equal(so_session_open(f->s, "nobody", 3600, other, csrf2), -1);
	/* the token itself is not stored */
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = '%s'", token);
	q1_is(f->s, sql, "0");
	char name[80], c[SO_TOKEN_LEN];
	assert_int_equal(so_session_check(f->s, token, name, sizeof(name), c), 1);
	assert_string_equal(name, "lan");
	assert_string_equal(c, csrf);
	assert_int_equal(so_session_check(f->s, "nonsense", name, sizeof(name), c), 0);
	char forged[SO_TOKEN_LEN];
	memcpy(forged, token, sizeof(forged));
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	assert_int_equal(so_session_check(f->s, forged, name, sizeof(name), c), 0);
	assert_int_equal(so_session_close(f->s, token), 0);
	assert_int_equal(so_session_check(f->s, token, name, sizeof(name), c), 0);
	/* an expired session is no session */
	assert_int_equal(so_session_open(f->s, "lan", 3600, token, csrf), 0);
	exec_returning(f->s, "UPDATE sessions SET expires_at = 1 RETURNING 1");
	assert_int_equal(so_session_check(f->s, token, name, sizeof(name), c), 0);
	/* removing the reviewer ends their sessions */
	assert_int_equal(so_session_open(f->s, "lan", 3600, token, csrf), 0);
	assert_int_equal(so_reviewer_remove(f->s, "lan"), 1);
	assert_int_equal(so_session_check(f->s, token, name, sizeof(name), c), 0);
}

static void test_queue(void **state)
{
	struct fixture *f = *state;
	/* record 1: a doubtful name; record 3: a date that is no date; record 2: clean */
	q1_is(f->s, "SELECT group_concat(status) FROM (SELECT status FROM records ORDER BY id)",
	      "needs_review,valid,needs_review");
	json_t *q = so_review_queue(f->s, NULL);
	assert_non_null(q);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 2);
	json_t *items = json_object_get(q, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(first, "id")), f->rec[0]);
	assert_string_equal(json_string_value(json_object_get(first, "book")),
			    "birth-2019-01-26740");
	assert_string_equal(json_string_value(json_object_get(first, "name")), "NGUYỄN VĂN AN");
	assert_string_equal(json_string_value(json_object_get(first, "registration_number")), "1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(first, "flags"), 0)),
			    "LOW_CONFIDENCE");
	json_t *books = json_object_get(q, "books");
	assert_int_equal(json_array_size(books), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(books, 0), "count")), 2);
	assert_true(json_array_size(json_object_get(q, "flags")) >= 2);
	json_decref(q);

	struct so_review_filter by_flag = { .flag = "DATE_INVALID" };
	q = so_review_queue(f->s, &by_flag);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(q, "items"), 0), "id")), f->rec[2]);
	json_decref(q);
	struct so_review_filter other_book = { .book = "death-2019-01-26740" };
	q = so_review_queue(f->s, &other_book);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 0);
	json_decref(q);
	struct so_review_filter hostile = { .book = "x' OR '1'='1", .flag = "'; DROP TABLE flags" };
	q = so_review_queue(f->s, &hostile);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 0);
	json_decref(q);
	struct so_review_filter paged = { .limit = 1, .offset = 1 };
	q = so_review_queue(f->s, &paged);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 2);
	assert_int_equal(json_array_size(json_object_get(q, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(q, "items"), 0), "id")), f->rec[2]);
	json_decref(q);
	struct so_review_filter valid = { .status = "valid" };
	q = so_review_queue(f->s, &valid);
	assert_int_equal(json_integer_value(json_object_get(q, "total")), 1);
	json_decref(q);
}

static void test_record(void **state)
{
	struct fixture *f = *state;
	json_t *r = so_review_record(f->s, f->rec[0], NULL);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), f->rec[0]);
	assert_string_equal(json_string_value(json_object_get(r, "book_key")), "birth-2019-01-26740");
	assert_true(json_integer_value(json_object_get(r, "version")) >= 1);
	json_t *box = json_object_get(r, "row_box");
	assert_int_equal(json_integer_value(json_array_get(box, 1)), 200);
	json_t *order = json_object_get(r, "order");
	assert_string_equal(json_string_value(json_array_get(order, 0)), "registration_number");
	json_t *name = json_object_get(json_object_get(r, "fields"), "child.full_name");
	assert_string_equal(json_string_value(json_object_get(name, "label")), "Họ, chữ đệm, tên");
	assert_string_equal(json_string_value(json_object_get(name, "kind")), "name");
	assert_string_equal(json_string_value(json_object_get(name, "source")), "ocr");
	assert_string_equal(json_string_value(json_object_get(name, "raw")), "NGUYỄN VĂN AN");
	json_t *mother = json_object_get(json_object_get(r, "fields"), "mother.full_name");
	assert_string_equal(json_string_value(json_object_get(mother, "label")),
			    "Người mẹ — họ tên");
	json_t *flag = json_array_get(json_object_get(r, "flags"), 0);
	assert_true(json_integer_value(json_object_get(flag, "id")) > 0);
	assert_string_equal(json_string_value(json_object_get(flag, "code")), "LOW_CONFIDENCE");
	assert_string_equal(json_string_value(json_object_get(flag, "state")), "open");
	assert_true(json_is_null(json_object_get(r, "prev")));
	assert_int_equal(json_integer_value(json_object_get(r, "next")), f->rec[2]);
	json_decref(r);
	r = so_review_record(f->s, f->rec[2], NULL);
	assert_int_equal(json_integer_value(json_object_get(r, "prev")), f->rec[0]);
	assert_true(json_is_null(json_object_get(r, "next")));
	json_decref(r);
	assert_null(so_review_record(f->s, 9999, NULL));
	assert_non_null(strstr(so_errmsg(), "9999"));
}

static void test_set(void **state)
{
	struct fixture *f = *state;
	int64_t id = f->rec[2];
	int v = version_of(f, id), nv = 0;
	/* a date that is no date is refused, nothing changes */
	assert_int_equal(so_review_set(f->s, "lan", id, v, "child.birth_date", "31/02/2019", &nv),
			 SO_REVIEW_REFUSED);
	assert_non_null(strstr(so_errmsg(), "lịch"));
	assert_int_equal(version_of(f, id), v);
	assert_int_equal(so_review_set(f->s, "lan", id, v, "child.nonsense", "x", &nv),
			 SO_REVIEW_REFUSED);
	/* the archivist's reading, made canonical; the machine's reading kept */
	assert_int_equal(so_review_set(f->s, "lan", id, v, "child.birth_date", "15/1/2019", &nv),
			 SO_REVIEW_DONE);
	assert_true(nv > v);
	assert_int_equal(version_of(f, id), nv);
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT value || '|' || raw || '|' || source FROM fields WHERE "
		 "record_id = %lld AND name = 'child.birth_date'", (long long)id);
	q1_is(f->s, sql, "2019-01-15|30/02/2019|archivist");
	snprintf(sql, sizeof(sql), "SELECT actor || '|' || action || '|' || field || '|' || "
		 "before || '|' || after FROM audit WHERE record_id = %lld", (long long)id);
	q1_is(f->s, sql, "lan|set|child.birth_date|30/02/2019|2019-01-15");
	/* the date flag is settled and the record, now clean, is valid by the rules */
	snprintf(sql, sizeof(sql), "SELECT state FROM flags WHERE record_id = %lld AND "
		 "code = 'DATE_INVALID'", (long long)id);
	q1_is(f->s, sql, "resolved");
	snprintf(sql, sizeof(sql), "SELECT status FROM records WHERE id = %lld", (long long)id);
	q1_is(f->s, sql, "valid");
	/* an archivist who saw the old version is told, and changes nothing */
	assert_int_equal(so_review_set(f->s, "minh", id, v, "child.birth_date", "16/1/2019", &nv),
			 SO_REVIEW_CONFLICT);
	assert_non_null(strstr(so_errmsg(), "lan"));
	snprintf(sql, sizeof(sql), "SELECT value FROM fields WHERE record_id = %lld AND "
		 "name = 'child.birth_date'", (long long)id);
	q1_is(f->s, sql, "2019-01-15");
	/* text with SQL metacharacters is stored as it is */
	v = version_of(f, id);
	assert_int_equal(so_review_set(f->s, "lan", id, v, "notes",
				       "O'Brien \"x\"; DROP TABLE records; --", &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT value FROM fields WHERE record_id = %lld AND "
		 "name = 'notes'", (long long)id);
	q1_is(f->s, sql, "O'Brien \"x\"; DROP TABLE records; --");
	/* an empty value clears the field */
	assert_int_equal(so_review_set(f->s, "lan", id, nv, "notes", "  ", &nv), SO_REVIEW_DONE);
	q1_is(f->s, sql, NULL);
	/* a place outside the lists stands as written, without a code, for the rules to flag */
	assert_int_equal(so_review_set(f->s, "lan", id, nv, "child.birth_place", "Paris, Pháp",
				       &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT value || '|' || coalesce(code, '-') FROM fields WHERE "
		 "record_id = %lld AND name = 'child.birth_place'", (long long)id);
	q1_is(f->s, sql, "Paris, Pháp|-");
	/* a sure place gets its code */
	assert_int_equal(so_review_set(f->s, "lan", id, nv, "child.birth_place",
				       "P. Bến Nghé, Q.1, TP. Hồ Chí Minh", &nv), SO_REVIEW_DONE);
	q1_is(f->s, sql, "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh|26740");
}

static void test_verify_approve_reject(void **state)
{
	struct fixture *f = *state;
	int64_t id = f->rec[0];
	int v = version_of(f, id), nv = 0;
	/* an open error: approval refused */
	assert_int_equal(so_review_approve(f->s, "lan", id, v, &nv), SO_REVIEW_REFUSED);
	assert_non_null(strstr(so_errmsg(), "LOW_CONFIDENCE"));
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT id FROM flags WHERE record_id = %lld AND state = 'open' "
		 "AND code = 'LOW_CONFIDENCE'", (long long)id);
	char *flag = teststore_value(f->s, sql);
	assert_non_null(flag);
	int64_t fid = atoll(flag);
	free(flag);
	/* a flag of another record is not this record's to verify */
	assert_int_equal(so_review_verify(f->s, "lan", f->rec[1], version_of(f, f->rec[1]), fid,
					  &nv), SO_REVIEW_REFUSED);
	/* confirmed as written: verified, and the record is valid */
	assert_int_equal(so_review_verify(f->s, "lan", id, v, fid, &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT state FROM flags WHERE id = %lld", (long long)fid);
	q1_is(f->s, sql, "verified");
	snprintf(sql, sizeof(sql), "SELECT status FROM records WHERE id = %lld", (long long)id);
	q1_is(f->s, sql, "valid");
	assert_int_equal(so_review_verify(f->s, "lan", id, nv, fid, &nv), SO_REVIEW_REFUSED);
	/* the rules run again do not raise a verified flag again */
	assert_int_equal(so_store_begin(f->s), 0);
	assert_int_equal(so_validate_book(f->s, f->book), 0);
	assert_int_equal(so_store_commit(f->s), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM flags WHERE record_id = %lld AND "
		 "state = 'open'", (long long)id);
	q1_is(f->s, sql, "0");
	/* judging again changed nothing: the version stands */
	assert_int_equal(version_of(f, id), nv);
	assert_int_equal(so_review_approve(f->s, "lan", id, nv, &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT status FROM records WHERE id = %lld", (long long)id);
	q1_is(f->s, sql, "approved");
	assert_int_equal(so_review_approve(f->s, "lan", id, nv, &nv), SO_REVIEW_REFUSED);
	snprintf(sql, sizeof(sql), "SELECT group_concat(action) FROM (SELECT action FROM audit "
		 "WHERE record_id = %lld ORDER BY id)", (long long)id);
	q1_is(f->s, sql, "verify,approve");

	/* rejection needs a reason */
	int64_t r3 = f->rec[2];
	v = version_of(f, r3);
	assert_int_equal(so_review_reject(f->s, "lan", r3, v, "   ", &nv), SO_REVIEW_REFUSED);
	assert_int_equal(so_review_reject(f->s, "lan", r3, v, "Trang bị rách, không đọc được", &nv),
			 SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT status || '|' || reject_reason FROM records WHERE "
		 "id = %lld", (long long)r3);
	q1_is(f->s, sql, "rejected|Trang bị rách, không đọc được");
	assert_int_equal(so_review_set(f->s, "lan", r3, nv, "notes", "x", &nv), SO_REVIEW_REFUSED);
	/* approved again, a rejected record with an open error goes back to the rules */
	assert_int_equal(so_review_approve(f->s, "lan", r3, nv, &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT status || '|' || coalesce(reject_reason, '-') FROM "
		 "records WHERE id = %lld", (long long)r3);
	q1_is(f->s, sql, "needs_review|-");

	/* a record delivered already is not changed here */
	exec_returning(f->s, "UPDATE records SET status = 'synced' WHERE id = 2 RETURNING 1");
	v = version_of(f, f->rec[1]);
	assert_int_equal(so_review_set(f->s, "lan", f->rec[1], v, "notes", "x", &nv),
			 SO_REVIEW_REFUSED);
	assert_int_equal(so_review_reject(f->s, "lan", f->rec[1], v, "x", &nv), SO_REVIEW_REFUSED);
}

/* A page whose index row read poorly: every record of it carries LAYOUT_UNCERTAIN; verifying
 * it on one record confirms the page — verified on all of them at once, each audited and its
 * version moved on — and the rules run again do not raise it on the page any more, even when
 * the page's evidence is stored again. */
static void test_layout_confirmed(void **state)
{
	struct fixture *f = *state;
	struct so_page_layout pl = { .index_read = 3, .index_cells = 14, .index_poor = 1,
				     .header = 0.9 };
	snprintf(pl.doubt, sizeof(pl.doubt), "the index row reads 3 of 14 cells as (1) ... (14)");
	assert_int_equal(so_store_begin(f->s), 0);
	assert_int_equal(so_page_layout_put(f->s, f->page, &pl), 0);
	assert_int_equal(so_validate_book(f->s, f->book), 0);
	assert_int_equal(so_store_commit(f->s), 0);
	q1_is(f->s, "SELECT group_concat(record_id || ':' || state) FROM (SELECT record_id, state "
		    "FROM flags WHERE code = 'LAYOUT_UNCERTAIN' ORDER BY record_id)",
	      "1:open,2:open,3:open");
	q1_is(f->s, "SELECT status FROM records WHERE id = 2", "needs_review");
	int versions[3];
	for (int i = 0; i < 3; i++)
		versions[i] = version_of(f, f->rec[i]);
	char *flag = teststore_value(f->s, "SELECT id FROM flags WHERE record_id = 2 AND "
				     "code = 'LAYOUT_UNCERTAIN'");
	assert_non_null(flag);
	int nv = 0;
	assert_int_equal(so_review_verify(f->s, "lan", f->rec[1], versions[1], atoll(flag), &nv),
			 SO_REVIEW_DONE);
	free(flag);
	q1_is(f->s, "SELECT group_concat(record_id || ':' || state) FROM (SELECT record_id, state "
		    "FROM flags WHERE code = 'LAYOUT_UNCERTAIN' ORDER BY record_id)",
	      "1:verified,2:verified,3:verified");
	q1_is(f->s, "SELECT group_concat(record_id || ':' || actor || ':' || before) FROM (SELECT * "
		    "FROM audit WHERE action = 'verify' ORDER BY record_id)",
	      "1:lan:LAYOUT_UNCERTAIN,2:lan:LAYOUT_UNCERTAIN,3:lan:LAYOUT_UNCERTAIN");
	for (int i = 0; i < 3; i++)
		assert_int_equal(version_of(f, f->rec[i]), versions[i] + 1);
	/* the clean record is valid again; the others keep their own errors */
	q1_is(f->s, "SELECT group_concat(status) FROM (SELECT status FROM records ORDER BY id)",
	      "needs_review,valid,needs_review");
	struct so_page_layout got;
	assert_int_equal(so_page_layout_get(f->s, f->page, &got), 1);
	assert_string_equal(got.confirmed_by, "lan");
	assert_int_equal(got.index_read, 3);
	assert_string_equal(got.doubt, pl.doubt);
	/* judged again, with the page's evidence stored again and without the verified flags
	 * (the page's confirmation alone holds): not raised on the page */
	assert_int_equal(so_store_begin(f->s), 0);
	assert_int_equal(so_page_layout_put(f->s, f->page, &pl), 0);
	exec_returning(f->s, "DELETE FROM flags WHERE code = 'LAYOUT_UNCERTAIN' RETURNING 1");
	assert_int_equal(so_validate_book(f->s, f->book), 0);
	assert_int_equal(so_store_commit(f->s), 0);
	q1_is(f->s, "SELECT count(*) FROM flags WHERE code = 'LAYOUT_UNCERTAIN'", "0");
	assert_int_equal(so_page_layout_get(f->s, f->page, &got), 1);
	assert_string_equal(got.confirmed_by, "lan");
}

static void test_edit_withdraws_approval(void **state)
{
	struct fixture *f = *state;
	int64_t id = f->rec[1];
	int v = version_of(f, id), nv = 0;
	assert_int_equal(so_review_approve(f->s, "lan", id, v, &nv), SO_REVIEW_DONE);
	assert_int_equal(so_review_set(f->s, "lan", id, nv, "child.sex", "Nữ", &nv),
			 SO_REVIEW_DONE);
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT status FROM records WHERE id = %lld", (long long)id);
	q1_is(f->s, sql, "valid");
	snprintf(sql, sizeof(sql), "SELECT value FROM fields WHERE record_id = %lld AND "
		 "name = 'child.sex'", (long long)id);
	q1_is(f->s, sql, "female");
}

static int png_size(const unsigned char *png, size_t len, int *w, int *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (len < 24 || memcmp(png, sig, 8) != 0)
		return -1;
	*w = png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
	*h = png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23];
	return 0;
}

static void test_images(void **state)
{
	struct fixture *f = *state;
	unsigned char *png = NULL;
	size_t len = 0;
	double scale = 0;
	int w, h;
	/* the row at half resolution, with a margin */
	assert_int_equal(so_review_image(f->s, f->rec[0], NULL, &png, &len, &scale), 1);
	assert_int_equal(png_size(png, len, &w, &h), 0);
	assert_true(scale == 0.5);
	assert_int_equal(w, (1950 - 50 + 12) / 2);
	assert_int_equal(h, (400 - 200 + 12) / 2);
	free(png);
	/* a cell at full resolution; cut once, then from the cache */
	assert_int_equal(so_review_image(f->s, f->rec[0], "child.full_name", &png, &len, &scale), 1);
	assert_int_equal(png_size(png, len, &w, &h), 0);
	assert_true(scale == 1.0);
	assert_int_equal(w, 200 + 8);
	free(png);
	char path[512];
	snprintf(path, sizeof(path), "%s/cache/review", f->dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	/* the page was decoded once for the whole record: its row and its three cells are kept */
	DIR *cache = opendir(path);
	assert_non_null(cache);
	int files = 0;
	for (struct dirent *e; (e = readdir(cache));)
		files += strstr(e->d_name, ".png") != NULL;
	closedir(cache);
	assert_int_equal(files, 4);
	assert_int_equal(so_review_image(f->s, f->rec[0], "child.full_name", &png, &len, &scale), 1);
	assert_int_equal(png_size(png, len, &w, &h), 0);
	free(png);
	/* names that are not fields, fields without a cell, records that are not */
	static const char *const bad[] = { "../batch.db", "..", "child/../../x", "%2e%2e",
					   ".hidden", "CHILD.full_name", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(so_review_image(f->s, f->rec[0], bad[i], &png, &len, &scale), 0);
		assert_null(png);
	}
	assert_int_equal(so_review_image(f->s, f->rec[0], "child.sex", &png, &len, &scale), 0);
	assert_int_equal(so_review_image(f->s, f->rec[0], "mother.nonsense", &png, &len, &scale), 0);
	assert_int_equal(so_review_image(f->s, 9999, NULL, &png, &len, &scale), 0);
	/* a prepared page gone: an error, not a crash */
	snprintf(path, sizeof(path), "%s/pages/ks-0.tif", f->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(so_review_image(f->s, f->rec[1], NULL, &png, &len, &scale), -1);
	assert_null(png);
}

/* The review's store functions on their own: the neighbours in a queue (of a record in it and
 * of one that is not), a record's head, where a field comes from, the last change, the open
 * errors. */
static void test_review_store(void **state)
{
	struct fixture *f = *state;
	int64_t prev = -1, next = -1;
	/* record 2 is valid, not in the queue of records needing review: its neighbours there */
	assert_int_equal(so_queue_neighbours(f->s, f->rec[1], NULL, &prev, &next), 0);
	assert_int_equal(prev, f->rec[0]);
	assert_int_equal(next, f->rec[2]);
	struct so_review_filter valid = { .status = "valid" };
	assert_int_equal(so_queue_neighbours(f->s, f->rec[0], &valid, &prev, &next), 0);
	assert_int_equal(prev, 0);
	assert_int_equal(next, f->rec[1]);
	assert_int_equal(so_queue_neighbours(f->s, 9999, NULL, &prev, &next), 0);
	assert_int_equal(prev, 0);
	assert_int_equal(next, 0);
	int64_t total = -1;
	assert_int_equal(so_queue_count(f->s, &valid, &total), 0);
	assert_int_equal(total, 1);

	struct so_review_head h;
	assert_int_equal(so_review_head_get(f->s, 9999, &h), 0);
	assert_int_equal(so_review_head_get(f->s, f->rec[1], &h), 1);
	assert_string_equal(h.status, "valid");
	assert_int_equal(h.book_id, f->book);
	assert_int_equal(h.page_id, f->page);
	assert_int_equal(h.row.y0, 400);
	assert_int_equal(so_review_version(f->s, f->rec[1]), h.version);
	assert_int_equal(so_review_version(f->s, 9999), -1);

	struct so_field_origin o;
	assert_int_equal(so_field_origin_get(f->s, f->rec[1], "child.full_name", &o), 1);
	assert_true(o.has_source);
	assert_string_equal(o.source, "ocr");
	assert_true(o.has_box);
	assert_int_equal(o.box.x0, 300);
	assert_int_equal(so_field_origin_get(f->s, f->rec[1], "child.sex", &o), 1);
	assert_false(o.has_box);
	assert_int_equal(so_field_origin_get(f->s, f->rec[1], "no.such", &o), 0);
	char *shown = NULL;
	assert_int_equal(so_field_shown_get(f->s, f->rec[1], "child.full_name", &shown), 0);
	assert_string_equal(shown, "TRẦN THỊ BÌNH");
	free(shown);
	assert_int_equal(so_field_shown_get(f->s, f->rec[1], "notes", &shown), 0);
	assert_null(shown);

	char who[64] = "", at[32] = "";
	assert_int_equal(so_audit_last(f->s, f->rec[1], who, sizeof(who), at, sizeof(at)), 0);
	int v = 0;
	assert_int_equal(so_review_approve(f->s, "lan", f->rec[1], h.version, &v), SO_REVIEW_DONE);
	assert_int_equal(v, h.version + 1);
	assert_int_equal(so_audit_last(f->s, f->rec[1], who, sizeof(who), at, sizeof(at)), 1);
	assert_string_equal(who, "lan");
	assert_true(at[0] != '\0');

	char open[256];
	assert_int_equal(so_review_open_errors(f->s, f->rec[2], open, sizeof(open)), 0);
	assert_non_null(strstr(open, "DATE_INVALID"));
	assert_int_equal(so_review_open_errors(f->s, f->rec[1], open, sizeof(open)), 0);
	assert_string_equal(open, "");
}

/* Claims: taken by one, refused to another with who has it, renewed, released by a decision,
 * expired; a decided record claims nothing; decisions timed from the form or the claim. */
static void test_claims_and_timings(void **state)
{
	struct fixture *f = *state;
	struct so_claim c;
	int64_t a = f->rec[0], b = f->rec[1], d = f->rec[2];
	int nv = 0;
	char sql[256];
	assert_int_equal(so_review_claim(f->s, "lan", a, 600, &c), 1);
	assert_string_equal(c.reviewer, "lan");
	assert_int_equal(c.until - c.claimed_at, 600);
	assert_int_equal(so_review_claim(f->s, "minh", a, 600, &c), 0);
	assert_string_equal(c.reviewer, "lan");
	assert_int_equal(so_review_claim(f->s, "lan", 999, 600, &c), 2);
	/* another's change is refused, saying who has it; nothing moves */
	int v = version_of(f, a);
	assert_int_equal(so_review_set(f->s, "minh", a, v, "notes", "x", &nv), SO_REVIEW_TAKEN);
	assert_non_null(strstr(so_errmsg(), "lan"));
	assert_int_equal(so_review_reject(f->s, "minh", a, v, "Trùng bản ghi", &nv), SO_REVIEW_TAKEN);
	assert_int_equal(version_of(f, a), v);
	/* the claimant's change renews the claim, keeping when it began */
	snprintf(sql, sizeof(sql), "UPDATE review_claims SET claimed_at = claimed_at - 50, "
		 "until_at = until_at - 500 WHERE record_id = %lld RETURNING 1", (long long)a);
	exec_returning(f->s, sql);
	assert_int_equal(so_review_set(f->s, "lan", a, v, "notes", "x", &nv), SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT until_at - claimed_at >= 650 FROM review_claims "
		 "WHERE record_id = %lld", (long long)a);
	q1_is(f->s, sql, "1");
	/* a decision without the script's timing: the seconds since the claim, keys unknown */
	assert_int_equal(so_review_reject_timed(f->s, "lan", a, nv, "Trang bị rách", NULL, &nv),
			 SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT reviewer || '|' || outcome || '|' || (seconds >= 50 AND "
		 "seconds < 110) || '|' || coalesce(keys, 'null') FROM review_timings WHERE "
		 "record_id = %lld", (long long)a);
	q1_is(f->s, sql, "lan|rejected|1|null");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM review_claims WHERE record_id = %lld",
		 (long long)a);
	q1_is(f->s, sql, "0");
	/* a decided record is nobody's to claim */
	assert_int_equal(so_review_claim(f->s, "minh", a, 600, &c), 3);
	q1_is(f->s, sql, "0");
	/* the script's timing; no claim at all (from the shell) is no obstacle */
	struct so_review_timing t = { 12.5, 40 };
	assert_int_equal(so_review_approve_timed(f->s, "minh", b, version_of(f, b), &t, &nv),
			 SO_REVIEW_DONE);
	snprintf(sql, sizeof(sql), "SELECT reviewer || '|' || seconds || '|' || keys FROM "
		 "review_timings WHERE record_id = %lld", (long long)b);
	q1_is(f->s, sql, "minh|12.5|40");
	double per_hour;
	int64_t n;
	assert_int_equal(so_review_pace(f->s, "minh", &per_hour, &n), 0);
	assert_int_equal(n, 1);
	assert_true(per_hour > 287.9 && per_hour < 288.1);   /* 3600 / 12.5 */
	assert_int_equal(so_review_pace(f->s, "nobody", &per_hour, &n), 0);
	assert_int_equal(n, 0);
	assert_true(per_hour == 0);
	/* an expired claim holds nothing */
	assert_int_equal(so_review_claim(f->s, "minh", d, 600, &c), 1);
	snprintf(sql, sizeof(sql), "UPDATE review_claims SET until_at = strftime('%%s', 'now') - 1 "
		 "WHERE record_id = %lld RETURNING 1", (long long)d);
	exec_returning(f->s, sql);
	assert_int_equal(so_review_set(f->s, "lan", d, version_of(f, d), "notes", "y", &nv),
			 SO_REVIEW_DONE);
	assert_int_equal(so_review_claim(f->s, "lan", d, 600, &c), 1);
}

/* A flag the three records share (the mother's name, read alike and without a value):
 * offered as a group from each, less the records another has claimed or that read
 * otherwise, and verified in all of them at once. */
static void test_verify_all(void **state)
{
	struct fixture *f = *state;
	char sql[512];
	int64_t flag[3];
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO flags (record_id, code, severity, fields, state, "
			 "message, source, created_at, updated_at) VALUES (%lld, 'NAME_CHARS', "
			 "'warning', '[\"mother.full_name\"]', 'open', 'x', 'validate', '2026', '2026') "
			 "RETURNING id", (long long)f->rec[i]);
		char *id = teststore_value(f->s, sql);
		assert_non_null(id);
		flag[i] = atoll(id);
		free(id);
	}
	struct so_review_filter lan = { .viewer = "lan" };
	json_t *r = so_review_record(f->s, f->rec[0], &lan);
	assert_non_null(r);
	size_t i;
	json_t *g;
	json_int_t group = 0;
	json_array_foreach(json_object_get(r, "flags"), i, g)
		if (json_integer_value(json_object_get(g, "id")) == flag[0])
			group = json_integer_value(json_object_get(g, "group"));
	json_decref(r);
	assert_int_equal(group, 3);
	/* the third claimed by minh, the second reading otherwise: none left to group */
	struct so_claim c;
	assert_int_equal(so_review_claim(f->s, "minh", f->rec[2], 600, &c), 1);
	snprintf(sql, sizeof(sql), "UPDATE fields SET raw = 'PHẠM THỊ DIỄN' WHERE record_id = %lld "
		 "AND name = 'mother.full_name' RETURNING 1", (long long)f->rec[1]);
	exec_returning(f->s, sql);
	r = so_review_record(f->s, f->rec[0], &lan);
	group = -1;
	json_array_foreach(json_object_get(r, "flags"), i, g)
		if (json_integer_value(json_object_get(g, "id")) == flag[0])
			group = json_integer_value(json_object_get(g, "group"));
	json_decref(r);
	assert_int_equal(group, 0);
	/* read alike again and free: all three at once */
	snprintf(sql, sizeof(sql), "UPDATE fields SET raw = 'PHẠM THỊ DIỄM' WHERE record_id = %lld "
		 "AND name = 'mother.full_name' RETURNING 1", (long long)f->rec[1]);
	exec_returning(f->s, sql);
	snprintf(sql, sizeof(sql), "DELETE FROM review_claims WHERE record_id = %lld RETURNING 1",
		 (long long)f->rec[2]);
	exec_returning(f->s, sql);
	int v[3], verified = 0, nv = 0;
	for (int k = 0; k < 3; k++)
		v[k] = version_of(f, f->rec[k]);
	assert_int_equal(so_review_verify_all(f->s, "lan", f->rec[0], v[0], flag[0], &verified, &nv),
			 SO_REVIEW_DONE);
	assert_int_equal(verified, 3);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(version_of(f, f->rec[k]), v[k] + 1);
		snprintf(sql, sizeof(sql), "SELECT (SELECT state FROM flags WHERE id = %lld) || '|' || "
			 "(SELECT group_concat(actor || ' ' || action || ' ' || field || ' ' || before) "
			 "FROM audit WHERE record_id = %lld AND action = 'verify')", (long long)flag[k],
			 (long long)f->rec[k]);
		q1_is(f->s, sql, "verified|lan verify [\"mother.full_name\"] NAME_CHARS");
	}
	/* settled: refused a second time */
	assert_int_equal(so_review_verify_all(f->s, "lan", f->rec[0], nv, flag[0], &verified, &nv),
			 SO_REVIEW_REFUSED);
}

static void test_parse_decimal(void **state)
{
	(void)state;
	static const struct { const char *text; int ok; double v; } t[] = {
		{ "0", 1, 0 }, { "42.5", 1, 42.5 }, { "86400", 1, 86400 }, { "0.05", 1, 0.05 },
		{ "86400.5", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 }, { "1e3", 0, 0 }, { ".5", 0, 0 },
		{ "5.", 0, 0 }, { " 5", 0, 0 }, { "5 ", 0, 0 }, { "", 0, 0 }, { "1.2.3", 0, 0 },
		{ "0x10", 0, 0 }, { "nan", 0, 0 }, { "1.1234567", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double v = -7;
		int r = so_parse_decimal(t[i].text, 0, 86400, &v);
		if ((r == 0) != t[i].ok)
			fail_msg("'%s': got %d", t[i].text, r);
		if (t[i].ok)
			assert_true(v == t[i].v);
	}
}

int main(void)
{
	setLeptDebugOK(0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_approve_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_confirmed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_withdraws_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims_and_timings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_all, setup, teardown),
		cmocka_unit_test(test_parse_decimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
