/* Unit tests of keying handwritten fields (lib/review/keying.c): the keying policy read from
 * its JSON (built-in and malformed ones), agreement on canonical values, blind double keying
 * with arbitration, single keying, trusted keyers and spot checks, roles, and the keyers'
 * statistics — on a real batch store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "batch/store.h"
#include "check/records.h"
#include "review/keying.h"
#include "review/review.h"
#include "teststore.h"

static void q1_is(struct so_store *s, const char *sql, const char *want)
{
	char *v = teststore_value(s, sql);
	if (want ? !v || strcmp(v, want) != 0 : v != NULL)
		fail_msg("%s: got '%s', want '%s'", sql, v ? v : "(null)", want ? want : "(null)");
	free(v);
}

static void exec(struct so_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(so_store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The policy ---------------------------------------------------------------------------------- */

static void test_policy_builtin(void **state)
{
	(void)state;
	struct so_keying_policy p;
	assert_int_equal(so_keying_policy_load("/nonexistent-batch", &p), 0);
	static const struct {
		enum so_kind kind;
		enum so_keying_mode mode;
	} want[] = {
		{ SO_KIND_SEX, SO_KEYING_SINGLE }, { SO_KIND_NATIONALITY, SO_KEYING_SINGLE },
		{ SO_KIND_ETHNICITY, SO_KEYING_SINGLE }, { SO_KIND_NAME, SO_KEYING_DOUBLE },
		{ SO_KIND_DATE, SO_KEYING_DOUBLE }, { SO_KIND_PLACE, SO_KEYING_DOUBLE },
		{ SO_KIND_ID_NUMBER, SO_KEYING_DOUBLE }, { SO_KIND_ID_DOCUMENT, SO_KEYING_DOUBLE },
		{ SO_KIND_NUMBER, SO_KEYING_DOUBLE },
	};
	static const char *const types[] = { "birth", "marriage", "death", "parentage" };
	for (size_t t = 0; t < SO_ARRAY_SIZE(types); t++)
		for (size_t i = 0; i < SO_ARRAY_SIZE(want); i++)
			assert_int_equal(so_keying_mode_of(&p, types[t], want[i].kind), want[i].mode);
	assert_true(p.trusted_min_fields >= 1);
	assert_true(p.trusted_min_agreement > 0.9 && p.trusted_min_agreement <= 1);
	assert_true(p.spot_check > 0 && p.spot_check < 1);
}

static int parse(const char *text, struct so_keying_policy *p)
{
	return so_keying_policy_parse(text, strlen(text), "p.json", p);
}

#define TRUSTED "\"trusted\": {\"min_fields\": 3, \"min_agreement\": 0.9, \"spot_check\": 0.25}"

static void test_policy_fallbacks(void **state)
{
	(void)state;
	struct so_keying_policy p;
	/* a book type's word, then its default, then "any"'s word, then its default */
	assert_int_equal(parse("{\"modes\": {\"any\": {\"sex\": \"single\", \"default\": "
			       "\"double\"}, \"death\": {\"name\": \"single\"}, \"marriage\": "
			       "{\"default\": \"single\", \"date\": \"double\"}}, " TRUSTED "}", &p), 0);
	assert_int_equal(so_keying_mode_of(&p, "death", SO_KIND_NAME), SO_KEYING_SINGLE);
	assert_int_equal(so_keying_mode_of(&p, "death", SO_KIND_DATE), SO_KEYING_DOUBLE);
	assert_int_equal(so_keying_mode_of(&p, "death", SO_KIND_SEX), SO_KEYING_SINGLE);
	assert_int_equal(so_keying_mode_of(&p, "birth", SO_KIND_NAME), SO_KEYING_DOUBLE);
	assert_int_equal(so_keying_mode_of(&p, "marriage", SO_KIND_PLACE), SO_KEYING_SINGLE);
	assert_int_equal(so_keying_mode_of(&p, "marriage", SO_KIND_DATE), SO_KEYING_DOUBLE);
	assert_int_equal(p.trusted_min_fields, 3);
	assert_true(p.spot_check == 0.25);
	/* nothing said: double */
	assert_int_equal(parse("{\"modes\": {}, " TRUSTED "}", &p), 0);
	assert_int_equal(so_keying_mode_of(&p, "birth", SO_KIND_SEX), SO_KEYING_DOUBLE);
}

static void test_policy_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "[", "p.json: not JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"modes\": {}}", "needs \"modes\" and \"trusted\"" },
		{ "{\"modes\": {\"brith\": {}}, " TRUSTED "}", "'brith' is not a book type" },
		{ "{\"modes\": {\"any\": {\"sex\": \"twice\"}}, " TRUSTED "}",
		  "the mode of 'sex' in 'any' is not \"single\" nor \"double\"" },
		{ "{\"modes\": {\"any\": {\"hair\": \"single\"}}, " TRUSTED "}",
		  "'hair' in 'any' is not a field kind" },
		{ "{\"modes\": {}, \"trusted\": {\"min_fields\": 3, \"min_agreement\": 1.5, "
		  "\"spot_check\": 0.1}}", "\"min_agreement\", a number from 0 to 1" },
		{ "{\"modes\": {}, \"trusted\": {\"min_fields\": 3, \"min_agreement\": 0.9}}",
		  "\"spot_check\"" },
		{ "{\"modes\": {}, \"trusted\": {\"min_fields\": 2.5, \"min_agreement\": 0.9, "
		  "\"spot_check\": 0.1}}", "not a whole number" },
		{ "{\"modes\": {}, " TRUSTED ", \"extra\": 1}", "'extra' is not" },
		{ "{\"modes\": {\"any\": {\"sex\": \"single\", \"sex\": \"double\"}}, " TRUSTED "}",
		  "not JSON" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(bad); i++) {
		struct so_keying_policy p;
		if (parse(bad[i].text, &p) != -1)
			fail_msg("taken: %s", bad[i].text);
		if (!strstr(so_errmsg(), bad[i].error))
			fail_msg("%s: error '%s' does not say '%s'", bad[i].text, so_errmsg(),
				 bad[i].error);
	}
}

static void test_agree_and_trust(void **state)
{
	(void)state;
	assert_true(so_keying_agree("1990-03-05", NULL, "1990-03-05", NULL));
	assert_false(so_keying_agree("Nguyễn Văn A", NULL, "Nguyen Van A", NULL));
	assert_true(so_keying_agree(NULL, NULL, NULL, NULL));
	assert_false(so_keying_agree(NULL, NULL, "", NULL));
	/* a place: the same unit by its code, however written out */
	assert_true(so_keying_agree("Phường 9, Quận 3", "27142", "Phường 09, Quận 3", "27142"));
	assert_false(so_keying_agree("Phường 9, Quận 3", "27142", "Phường 9, Quận 3", "27143"));
	struct so_keying_policy p;
	assert_int_equal(parse("{\"modes\": {}, " TRUSTED "}", &p), 0);
	assert_false(so_keying_trusted(&p, 2, 2));     /* too few */
	assert_true(so_keying_trusted(&p, 10, 9));     /* 90% */
	assert_false(so_keying_trusted(&p, 10, 8));
	assert_true(so_roles_ok("keyer,arbitrator"));
	assert_false(so_roles_ok("keyer,keyer"));
	assert_false(so_roles_ok("keyer,"));
	assert_false(so_roles_ok(""));
	assert_false(so_roles_ok("admin"));
}

/* Keying on a store --------------------------------------------------------------------------- */

struct fixture {
	char *dir;
	struct so_store *s;
	int64_t book, rec[4];
	struct so_keying_policy p;
};

/* A birth book with four entries read as the ocr stage would, their names, birth dates and
 * sexes flagged HANDWRITTEN; keyers alice, bob and eve, arbitrator carol. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->s = teststore_open(&f->dir);
	int64_t file;
	f->book = teststore_birth_book(f->s, "k.tif", &file);
	struct so_page pg = { .scan_file_id = file, .width = 2000, .height = 1200, .dpi = 300 };
	strcpy(pg.state, "prepared");
	assert_int_equal(so_page_put(f->s, &pg), 0);
	assert_int_equal(so_store_begin(f->s), 0);
	for (int i = 0; i < 4; i++) {
		struct so_bbox row = { 50, 200 + i * 200, 1950, 400 + i * 200 };
		assert_int_equal(so_record_add(f->s, f->book, pg.id, i + 1, &row, &f->rec[i]), 0);
		char num[8];
		snprintf(num, sizeof(num), "%d", i + 1);
		assert_int_equal(so_field_put(f->s, f->rec[i], "registration_number", num, NULL,
					      NULL, 0.99, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "registration_date", "16/05/2019",
					      NULL, NULL, 0.99, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.full_name", "NGUYEN VAN A",
					      NULL, NULL, 0.2, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.birth_date", "5/3/2019", NULL,
					      NULL, 0.2, NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "child.sex", "Nm", NULL, NULL, 0.2,
					      NULL, "ocr"), 0);
		assert_int_equal(so_field_put(f->s, f->rec[i], "mother.full_name", "PHẠM THỊ DIỄM",
					      NULL, NULL, 0.99, NULL, "ocr"), 0);
		static const char *const hw[] = { "child.full_name", "child.birth_date",
						  "child.sex" };
		for (size_t j = 0; j < SO_ARRAY_SIZE(hw); j++) {
			char fields[64];
			snprintf(fields, sizeof(fields), "[\"%s\"]", hw[j]);
			assert_int_equal(so_flag_add(f->s, f->rec[i], "HANDWRITTEN", "error", fields,
						     "chữ viết tay", "ocr", NULL), 0);
		}
	}
	assert_int_equal(so_validate_book(f->s, f->book), 0);
	assert_int_equal(so_store_commit(f->s), 0);
	static const char *const who[] = { "alice", "bob", "eve", "carol" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(who); i++)
		assert_int_equal(so_reviewer_add(f->s, who[i], "a-long-password", 0), 0);
	assert_int_equal(so_reviewer_roles_set(f->s, "carol", "arbitrator"), 1);
	assert_int_equal(parse("{\"modes\": {\"any\": {\"sex\": \"single\"}}, \"trusted\": "
			       "{\"min_fields\": 2, \"min_agreement\": 0.9, \"spot_check\": 0.5}}",
			       &f->p), 0);
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

/* KEYER keys VALUE for FIELD of record ID: the outcome (draw 0.99: no spot check). */
static int key(struct fixture *f, const char *keyer, int64_t id, const char *field,
	       const char *value)
{
	return so_keying_save(f->s, &f->p, keyer, id, field, value, 3.0, 0.99, NULL);
}

static char *sqlf(const char *fmt, long long id)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), fmt, id);
	return buf;
}

static void test_double_keying(void **state)
{
	struct fixture *f = *state;
	int64_t r0 = f->rec[0];
	/* blind: the entry names the fields, never a reading */
	json_t *next = so_keying_next(f->s, &f->p, "alice", 0);
	assert_non_null(next);
	assert_int_equal(json_integer_value(json_object_get(next, "record")), r0);
	assert_int_equal(json_array_size(json_object_get(next, "fields")), 3);
	char *text = json_dumps(next, 0);
	assert_null(strstr(text, "NGUYEN"));
	assert_null(strstr(text, "5/3/2019"));
	free(text);
	json_decref(next);

	/* the same date written two ways agrees; the same name without its marks does not */
	assert_int_equal(key(f, "alice", r0, "child.birth_date", "5/3/1990"), SO_KEYING_WAITING);
	assert_int_equal(key(f, "alice", r0, "child.birth_date", "5/3/1990"), SO_KEYING_GONE);
	assert_int_equal(key(f, "bob", r0, "child.birth_date", "05-03-1990"), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT value || '|' || source FROM fields WHERE record_id = %lld AND "
			 "name = 'child.birth_date'", r0), "1990-03-05|archivist");
	q1_is(f->s, sqlf("SELECT state FROM flags WHERE record_id = %lld AND code = "
			 "'HANDWRITTEN' AND fields = '[\"child.birth_date\"]'", r0), "resolved");
	assert_int_equal(key(f, "eve", r0, "child.birth_date", "5/3/1990"), SO_KEYING_GONE);

	assert_int_equal(key(f, "alice", r0, "child.full_name", "Nguyễn Văn A"),
			 SO_KEYING_WAITING);
	/* alice is never given it again, bob is */
	next = so_keying_next(f->s, &f->p, "alice", 0);
	assert_int_equal(json_integer_value(json_object_get(next, "record")), r0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(next, "fields"), 0), "name")), "child.sex");
	json_decref(next);
	assert_int_equal(key(f, "bob", r0, "child.full_name", "Nguyen Van A"),
			 SO_KEYING_CONFLICTED);
	q1_is(f->s, sqlf("SELECT g.severity || '|' || g.fields || '|' || r.status FROM flags g "
			 "JOIN records r ON r.id = g.record_id WHERE g.record_id = %lld AND g.code "
			 "= 'KEYING_CONFLICT' AND g.state = 'open'", r0),
	      "error|[\"child.full_name\"]|needs_review");
	/* the conflict for an arbitrator, with both keyings */
	int64_t total = 0;
	json_t *c = so_keying_conflicts(f->s, 10, &total);
	assert_int_equal(total, 1);
	json_t *ks = json_object_get(json_array_get(c, 0), "keyings");
	assert_int_equal(json_array_size(ks), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ks, 1), "typed")),
			    "Nguyen Van A");
	json_decref(c);
	/* only an arbitrator, not one of the keyers, and a value that can be made canonical */
	assert_int_equal(so_keying_arbitrate(f->s, "eve", r0, "child.full_name", 0, "Nguyễn Văn A"),
			 SO_KEYING_REFUSED);
	assert_int_equal(so_reviewer_roles_set(f->s, "bob", "keyer,arbitrator"), 1);
	assert_int_equal(so_keying_arbitrate(f->s, "bob", r0, "child.full_name", 0, "Nguyễn Văn A"),
			 SO_KEYING_REFUSED);
	assert_int_equal(so_keying_arbitrate(f->s, "carol", r0, "child.full_name", 0, "Nguyễn Văn Ă"),
			 SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT value || '|' || source FROM fields WHERE record_id = %lld AND "
			 "name = 'child.full_name'", r0), "Nguyễn Văn Ă|archivist");
	q1_is(f->s, sqlf("SELECT count(*) FROM flags WHERE record_id = %lld AND state = 'open' AND "
			 "code IN ('KEYING_CONFLICT', 'HANDWRITTEN') AND fields = "
			 "'[\"child.full_name\"]'", r0), "0");
	/* the sex: one keying, checked by the rules */
	assert_int_equal(key(f, "eve", r0, "child.sex", "Nữ"), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT status FROM records WHERE id = %lld", r0), "valid");
	q1_is(f->s, sqlf("SELECT group_concat(actor || ':' || action, ' ') FROM (SELECT * FROM audit "
			 "WHERE record_id = %lld AND field = 'child.full_name' ORDER BY id)", r0),
	      "alice:key-first bob:key-second bob:conflict carol:arbitrate carol:accept");

	/* statistics: per keyer and kind, agreement with the value accepted */
	json_t *st = so_keying_stats(f->s, &f->p);
	assert_non_null(st);
	char line[2048] = "";
	size_t i;
	json_t *row;
	json_array_foreach(st, i, row) {
		char one[160];
		snprintf(one, sizeof(one), "%s%s/%s:%lld/%lld/%lld", i ? " " : "",
			 json_string_value(json_object_get(row, "keyer")),
			 json_string_value(json_object_get(row, "kind")),
			 (long long)json_integer_value(json_object_get(row, "keyed")),
			 (long long)json_integer_value(json_object_get(row, "decided")),
			 (long long)json_integer_value(json_object_get(row, "agreed")));
		strncat(line, one, sizeof(line) - strlen(line) - 1);
		assert_true(json_number_value(json_object_get(row, "seconds")) == 3.0);
	}
	assert_string_equal(line, "alice/date:1/1/1 alice/name:1/1/0 bob/date:1/1/1 "
			    "bob/name:1/1/0 eve/sex:1/1/1");
	json_decref(st);
}

static void test_not_canonical_and_verify(void **state)
{
	struct fixture *f = *state;
	int64_t r1 = f->rec[1];
	assert_int_equal(key(f, "alice", r1, "child.birth_date", "31/02/2019"), SO_KEYING_REFUSED);
	assert_non_null(strstr(so_errmsg(), "not a calendar date"));
	assert_int_equal(key(f, "alice", r1, "child.sex", "Nm"), SO_KEYING_REFUSED);
	assert_int_equal(key(f, "alice", r1, "mother.full_name", "Phạm Thị Diễm"),
			 SO_KEYING_GONE);
	q1_is(f->s, "SELECT count(*) FROM keyings", "0");
	/* "as written" does not settle a handwritten cell */
	char *flag = teststore_value(f->s, sqlf("SELECT id FROM flags WHERE record_id = %lld AND "
						"code = 'HANDWRITTEN' LIMIT 1", r1));
	char *v = teststore_value(f->s, sqlf("SELECT version FROM records WHERE id = %lld", r1));
	assert_non_null(v);
	int version = atoi(v);
	free(v);
	int nv;
	assert_int_equal(so_review_verify(f->s, "alice", r1, version, atoll(flag), &nv),
			 SO_REVIEW_REFUSED);
	q1_is(f->s, sqlf("SELECT state FROM flags WHERE id = %lld", atoll(flag)), "open");
	free(flag);
}

static void test_trusted_and_spot(void **state)
{
	struct fixture *f = *state;
	/* alice and bob agree on two names: both trusted for names (2 fields, 100%) */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(key(f, "alice", f->rec[i], "child.full_name", "Lê Văn Bình"),
				 SO_KEYING_WAITING);
		assert_int_equal(key(f, "bob", f->rec[i], "child.full_name", "Lê Văn Bình"),
				 SO_KEYING_ACCEPTED);
	}
	/* a trusted keyer's keying stands alone when no spot check is drawn */
	assert_int_equal(so_keying_save(f->s, &f->p, "alice", f->rec[2], "child.full_name",
					"Lê Văn Cường", 2, 0.9, NULL), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT role FROM keyings WHERE record_id = %lld", f->rec[2]), "single");
	/* and waits for a blind second keying when one is (draw < spot_check) */
	json_t *out = NULL;
	assert_int_equal(so_keying_save(f->s, &f->p, "alice", f->rec[3], "child.full_name",
					"Lê Văn Dũng", 2, 0.1, &out), SO_KEYING_WAITING);
	json_decref(out);
	json_t *next = so_keying_next(f->s, &f->p, "eve", f->rec[2]);
	assert_int_equal(json_integer_value(json_object_get(next, "record")), f->rec[3]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(next, "fields"), 0), "role")), "spot");
	json_decref(next);
	assert_int_equal(key(f, "eve", f->rec[3], "child.full_name", "Lê Văn Dũng"),
			 SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT group_concat(keyer || ':' || role, ' ') FROM keyings WHERE "
			 "record_id = %lld", f->rec[3]), "alice:first eve:spot");
	/* eve, new to names, is not trusted: two keyings needed */
	exec(f->s, "DELETE FROM flags WHERE code = 'HANDWRITTEN' AND fields = '[\"child.full_name\"]' "
		   "AND state = 'open'");
	q1_is(f->s, "SELECT count(*) FROM keying_fields WHERE needed = 1 AND mode = 'double'", "1");
}

static void test_single_checked_by_rules(void **state)
{
	struct fixture *f = *state;
	int64_t r2 = f->rec[2];
	/* dates keyed once: a birth after the registration is not taken on one keying */
	assert_int_equal(parse("{\"modes\": {\"birth\": {\"date\": \"single\"}}, " TRUSTED "}",
			       &f->p), 0);
	assert_int_equal(key(f, "alice", r2, "child.birth_date", "20/05/2019"), SO_KEYING_WAITING);
	q1_is(f->s, sqlf("SELECT source FROM fields WHERE record_id = %lld AND name = "
			 "'child.birth_date'", r2), "ocr");
	q1_is(f->s, sqlf("SELECT mode || '|' || needed || '|' || state FROM keying_fields WHERE "
			 "record_id = %lld AND field = 'child.birth_date'", r2), "single|2|open");
	q1_is(f->s, sqlf("SELECT state FROM flags WHERE record_id = %lld AND code = 'HANDWRITTEN' "
			 "AND fields = '[\"child.birth_date\"]'", r2), "open");
	/* a second keyer says the same: the book says so; the rules' flag stays for the review */
	assert_int_equal(key(f, "bob", r2, "child.birth_date", "20-05-2019"), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT value || '|' || source FROM fields WHERE record_id = %lld AND "
			 "name = 'child.birth_date'", r2), "2019-05-20|archivist");
	/* the book is judged again once the record has no field left to key */
	q1_is(f->s, sqlf("SELECT count(*) FROM flags WHERE record_id = %lld AND code = 'DATE_ORDER' "
			 "AND state = 'open'", r2), "0");
	assert_int_equal(key(f, "alice", r2, "child.full_name", "Lê Thị Hoa"), SO_KEYING_WAITING);
	assert_int_equal(key(f, "bob", r2, "child.full_name", "Lê Thị Hoa"), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT count(*) FROM flags WHERE record_id = %lld AND code = 'DATE_ORDER' "
			 "AND state = 'open'", r2), "0");
	/* (this policy keys the sex twice) */
	assert_int_equal(key(f, "eve", r2, "child.sex", "Nữ"), SO_KEYING_WAITING);
	q1_is(f->s, sqlf("SELECT count(*) FROM flags WHERE record_id = %lld AND code = 'DATE_ORDER' "
			 "AND state = 'open'", r2), "0");
	assert_int_equal(key(f, "bob", r2, "child.sex", "nữ"), SO_KEYING_ACCEPTED);
	q1_is(f->s, sqlf("SELECT count(*) FROM flags WHERE record_id = %lld AND code = 'DATE_ORDER' "
			 "AND state = 'open'", r2), "1");
	q1_is(f->s, sqlf("SELECT status FROM records WHERE id = %lld", r2), "needs_review");
	/* one that the rules accept stands alone */
	assert_int_equal(key(f, "alice", f->rec[3], "child.birth_date", "1/5/2019"),
			 SO_KEYING_ACCEPTED);
}

static void test_next_passes_over_unknown_fields(void **state)
{
	struct fixture *f = *state;
	/* the first two records' only handwritten field is none of the layout's */
	for (int i = 0; i < 2; i++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "DELETE FROM flags WHERE record_id = %lld AND code = "
			 "'HANDWRITTEN'", (long long)f->rec[i]);
		exec(f->s, sql);
		assert_int_equal(so_flag_add(f->s, f->rec[i], "HANDWRITTEN", "error",
					     "[\"child.shoe_size\"]", "chữ viết tay", "ocr", NULL), 0);
	}
	json_t *next = so_keying_next(f->s, &f->p, "alice", 0);
	assert_int_equal(json_integer_value(json_object_get(next, "record")), f->rec[2]);
	json_decref(next);
	/* and round from the end */
	next = so_keying_next(f->s, &f->p, "alice", f->rec[3]);
	assert_int_equal(json_integer_value(json_object_get(next, "record")), f->rec[2]);
	json_decref(next);
	assert_int_equal(key(f, "alice", f->rec[0], "child.shoe_size", "42"), SO_KEYING_GONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_builtin),
		cmocka_unit_test(test_policy_fallbacks),
		cmocka_unit_test(test_policy_malformed),
		cmocka_unit_test(test_agree_and_trust),
		cmocka_unit_test_setup_teardown(test_double_keying, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_canonical_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trusted_and_spot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_checked_by_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_passes_over_unknown_fields, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
