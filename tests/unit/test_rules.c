/* Unit tests of the validation catalogue: each rule raised where it must be and not where it
 * must not, the edge cases of REGISTERS.md, and every anomaly planted in the sample batch
 * raising its flag when the rules read the truth's own text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/rules.h"
#include "config.h"
#include "register/layout.h"

#define MAXF 64

struct rec {
	struct so_layout *layout;
	struct so_rule_field f[MAXF];
	struct so_record_view v;
};

/* A record of BOOK type built from name=raw pairs (NULL-terminated); every field read with
 * confidence 0.99. */
static void rec_make(struct rec *r, const char *type, int year, const char *const *pairs)
{
	memset(r, 0, sizeof(*r));
	char lname[32];
	snprintf(lname, sizeof(lname), "%s-v1", type);
	assert_int_equal(so_layout_load(lname, &r->layout), 0);
	size_t n = 0;
	for (size_t i = 0; pairs[i]; i += 2) {
		r->f[n].name = pairs[i];
		r->f[n].raw = pairs[i + 1];
		r->f[n].conf = 0.99;
		r->f[n].marks = pairs[i + 1] ? 10 : 0;
		n++;
	}
	r->v.layout = r->layout;
	r->v.book_year = year;
	r->v.scan_date = 20261127;
	r->v.fields = r->f;
	r->v.nfields = n;
}

static int has(const struct so_flag_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return 1;
	return 0;
}

static void rules_of(struct rec *r, struct so_flag_list *out)
{
	memset(out, 0, sizeof(*out));
	assert_int_equal(so_rules_record(&r->v, out), 0);
}

static const char *const good_birth[] = {
	"registration_number", "125", "registration_date", "05/03/2019",
	"child.full_name", "NGUYỄN VĂN AN", "child.birth_date", "20/02/2019", "child.sex", "Nam",
	"child.ethnicity", "Kinh", "child.nationality", "Việt Nam",
	"child.birth_place", "Bệnh viện Từ Dũ", "child.hometown", "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
	"child.id_number", "079219001234",
	"mother.full_name", "TRẦN THỊ HOA", "mother.birth_date", "1990", "mother.ethnicity", "Kinh",
	"mother.nationality", "Việt Nam", "mother.id_document", "CCCD số 079190001234",
	"father.full_name", "NGUYỄN VĂN BÌNH", "father.birth_date", "12/03/1988",
	"declarant.full_name", "NGUYỄN VĂN BÌNH", "declarant.relationship", "cha",
	NULL,
};

/* A copy of good_birth with one field changed (VALUE NULL: emptied). */
static void birth_with(struct rec *r, const char *name, const char *value)
{
	static const char *pairs[128];
	size_t k = 0;
	for (size_t i = 0; good_birth[i]; i += 2) {
		pairs[k++] = good_birth[i];
		pairs[k++] = strcmp(good_birth[i], name) == 0 ? value : good_birth[i + 1];
	}
	pairs[k] = NULL;
	rec_make(r, "birth", 2019, pairs);
}

static void expect(const char *name, const char *value, const char *code, int raised)
{
	struct rec r;
	struct so_flag_list l;
	birth_with(&r, name, value);
	rules_of(&r, &l);
	if (has(&l, code) != raised) {
		for (size_t i = 0; i < l.n; i++)
			print_message("  %s %s %s\n", l.v[i].code, l.v[i].fields, l.v[i].message);
		fail_msg("%s = '%s': %s %s", name, value ? value : "(empty)", code,
			 raised ? "not raised" : "raised");
	}
	so_flag_list_release(&l);
	so_layout_free(r.layout);
}

static void test_good_birth_is_clean(void **state)
{
	struct rec r;
	struct so_flag_list l;
	rec_make(&r, "birth", 2019, good_birth);
	rules_of(&r, &l);
	for (size_t i = 0; i < l.n; i++)
		print_message("  %s %s %s\n", l.v[i].code, l.v[i].fields, l.v[i].message);
	assert_int_equal(l.n, 0);
	so_flag_list_release(&l);
	so_layout_free(r.layout);
}

static void test_record_rules(void **state)
{
	expect("registration_number", NULL, "REQUIRED_MISSING", 1);
	expect("child.full_name", NULL, "REQUIRED_MISSING", 1);
	expect("child.birth_date", "30/02/2019", "DATE_INVALID", 1);      /* kept raw, flagged */
	expect("child.birth_date", "31/04/2019", "DATE_INVALID", 1);
	expect("child.birth_date", "29/02/2016", "DATE_INVALID", 0);
	expect("child.birth_date", "20/02/2027", "DATE_IN_FUTURE", 1);
	expect("registration_date", "05/03/2018", "REGISTRATION_YEAR", 1);
	expect("child.birth_date", "20/03/2019", "DATE_ORDER", 1);         /* born after registered */
	expect("child.birth_date", "20/02/2019", "DATE_ORDER", 0);
	expect("child.id_number", "07921900123", "ID_FORMAT", 1);
	expect("child.id_number", "079319001234", "ID_MISMATCH", 1);      /* female digit, a boy */
	expect("child.id_number", "079218001234", "ID_MISMATCH", 1);      /* born 2018 by the id */
	expect("child.id_number", "999219001234", "ID_MISMATCH", 1);      /* no province 999 */
	expect("mother.id_document", "CCCD số 079090001234", "ID_MISMATCH", 1); /* male digit */
	expect("mother.id_document", "CMND số 02512345", "ID_FORMAT", 1);
	expect("mother.id_document", "CMND số 025123456", "ID_FORMAT", 0);
	expect("child.sex", "Nữa", "SEX_VALUE", 1);
	expect("child.ethnicity", "Klingon", "ETHNICITY_UNKNOWN", 1);
	expect("child.ethnicity", "Khmer", "ETHNICITY_UNKNOWN", 0);
	expect("child.nationality", "Atlantis", "NATIONALITY_UNKNOWN", 1);
	expect("child.full_name", "NGUYỄN VĂN 4N", "NAME_CHARS", 1);
	expect("child.full_name", "NGUYỄN VĂN QWRT", "NAME_CHARS", 1);
	expect("child.full_name", "NGUYỄN VĂN KHOẺ", "NAME_CHARS", 0);
	expect("child.hometown", "Phường Không Có, Quận Chín Chín, Tỉnh Mây", "PLACE_UNMATCHED", 1);
	expect("registration_date", "05/06/2019", "LATE_REGISTRATION", 1);   /* 105 days */
	expect("mother.birth_date", "2010", "PARENT_AGE", 1);
	expect("mother.birth_date", "1950", "PARENT_AGE", 1);
	expect("mother.birth_date", "1990", "PARENT_AGE", 0);
}

static void test_edge_cases(void **state)
{
	/* the CCCD of a woman born in 2005: century 2000s, female -> digit 3, year 05 */
	const char *const m[] = {
		"registration_number", "7", "registration_date", "05/03/2024",
		"husband.full_name", "LÊ VĂN TÁM", "husband.birth_date", "1999",
		"wife.full_name", "PHẠM THỊ LAN", "wife.birth_date", "12/01/2005",
		"wife.id_document", "CCCD số 079305001234", NULL,
	};
	struct rec r;
	struct so_flag_list l;
	rec_make(&r, "marriage", 2024, m);
	rules_of(&r, &l);
	assert_false(has(&l, "ID_MISMATCH"));
	assert_false(has(&l, "AGE_AT_MARRIAGE")); /* 19 years old */
	so_flag_list_release(&l);
	so_layout_free(r.layout);
	/* a wife of 17 and a husband of 19 */
	const char *const y[] = {
		"registration_number", "8", "registration_date", "05/03/2024",
		"husband.full_name", "LÊ VĂN TÁM", "husband.birth_date", "06/03/2004",
		"wife.full_name", "PHẠM THỊ LAN", "wife.birth_date", "2007", NULL,
	};
	rec_make(&r, "marriage", 2024, y);
	rules_of(&r, &l);
	assert_true(has(&l, "AGE_AT_MARRIAGE"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);
	/* old books: year-only dates are dates */
	const char *const d[] = {
		"registration_number", "3", "registration_date", "12/05/1985",
		"deceased.full_name", "VŨ VĂN HAI", "deceased.birth_date", "1920",
		"death.datetime", "14 giờ 30 phút, ngày 05/05/1985",
		"death_notice.date", "06/05/1985", NULL,
	};
	rec_make(&r, "death", 1985, d);
	rules_of(&r, &l);
	assert_false(has(&l, "DATE_INVALID"));
	assert_false(has(&l, "DATE_ORDER"));
	assert_false(has(&l, "LATE_REGISTRATION"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);
	/* death before birth, notice before death, registered late */
	const char *const e[] = {
		"registration_number", "4", "registration_date", "30/06/1985",
		"deceased.full_name", "VŨ VĂN HAI", "deceased.birth_date", "10/05/1985",
		"death.datetime", "14 giờ 30 phút, ngày 05/05/1985",
		"death_notice.date", "01/05/1985", NULL,
	};
	rec_make(&r, "death", 1985, e);
	rules_of(&r, &l);
	assert_true(has(&l, "DATE_ORDER"));
	assert_true(has(&l, "LATE_REGISTRATION"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);
	/* a cell with ink and no reading is unreadable; confidence under the threshold */
	birth_with(&r, "child.sex", NULL);
	for (size_t i = 0; i < r.v.nfields; i++) {
		if (strcmp(r.f[i].name, "child.sex") == 0)
			r.f[i].marks = 12;
		if (strcmp(r.f[i].name, "child.full_name") == 0)
			r.f[i].conf = 0.2;
	}
	rules_of(&r, &l);
	assert_true(has(&l, "UNREADABLE"));
	assert_true(has(&l, "LOW_CONFIDENCE"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);
}

static int has_on(const struct so_flag_list *l, const char *code, const char *field)
{
	char want[160];
	snprintf(want, sizeof(want), "[\"%s\"]", field);
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0 && strcmp(l->v[i].fields, want) == 0)
			return 1;
	return 0;
}

/* Two cells giving the same canonical value confirm each other whatever their confidence; a
 * place matched unsurely is no value, and confirms nothing. */
static void test_confirmed_pairs(void **state)
{
	(void)state;
	struct rec r;
	struct so_flag_list l;
	const char *places[][2] = {
		{ "12 Nguyễn Trãi, P. Bến Nghé, Q.1, TP. Hồ Chí Minh", "0" },
		{ "TT. Nhà Bà, H. Nhà Bè, TP. Hồ Chí Minh", "1" },
	};
	for (size_t k = 0; k < 2; k++) {
		static const char *pairs[128];
		size_t n = 0;
		for (size_t j = 0; good_birth[j]; j += 2) {
			pairs[n++] = good_birth[j];
			pairs[n++] = good_birth[j + 1];
		}
		pairs[n++] = "mother.residence";
		pairs[n++] = places[k][0];
		pairs[n++] = "father.residence";
		pairs[n++] = places[k][0];
		pairs[n] = NULL;
		rec_make(&r, "birth", 2019, pairs);
		for (size_t i = 0; i < r.v.nfields; i++)
			if (strstr(r.f[i].name, ".residence"))
				r.f[i].conf = 0.3;
		rules_of(&r, &l);
		int low = places[k][1][0] == '1';
		if (has_on(&l, "LOW_CONFIDENCE", "mother.residence") != low ||
		    has_on(&l, "LOW_CONFIDENCE", "father.residence") != low)
			fail_msg("'%s' read twice at 30%%: LOW_CONFIDENCE should %sbe raised",
				 places[k][0], low ? "" : "not ");
		so_flag_list_release(&l);
		so_layout_free(r.layout);
	}
}

/* A dash ("not applicable") is judged by its confidence like any reading. */
static void test_dash(void **state)
{
	(void)state;
	struct rec r;
	struct so_flag_list l;
	double confs[] = { 0.99, 0.11 };
	for (int k = 0; k < 2; k++) {
		birth_with(&r, "father.full_name", "-");
		for (size_t i = 0; i < r.v.nfields; i++)
			if (strcmp(r.f[i].name, "father.full_name") == 0)
				r.f[i].conf = confs[k];
		rules_of(&r, &l);
		assert_int_equal(has_on(&l, "LOW_CONFIDENCE", "father.full_name"), k == 1);
		assert_false(has_on(&l, "NAME_CHARS", "father.full_name"));
		so_flag_list_release(&l);
		so_layout_free(r.layout);
	}
}

static void test_book_rules(void **state)
{
	const char *numbers[] = { "10", "11", "11", "14", "15" };
	struct rec r[5];
	struct so_record_view v[5];
	for (int i = 0; i < 5; i++) {
		static const char *pairs[5][64];
		size_t k = 0;
		for (size_t j = 0; good_birth[j]; j += 2) {
			pairs[i][k++] = good_birth[j];
			pairs[i][k++] = strcmp(good_birth[j], "registration_number") == 0 ? numbers[i]
				      : strcmp(good_birth[j], "child.full_name") == 0 && i != 4
				      ? (i == 0 ? "AN" : i == 1 ? "BÌNH" : i == 2 ? "CHÂU" : "DŨNG")
				      : good_birth[j + 1];
		}
		pairs[i][k] = NULL;
		rec_make(&r[i], "birth", 2019, pairs[i]);
		v[i] = r[i].v;
	}
	/* record 4 has the same child and birth as no other; make it repeat record 0 */
	r[4].f[2].raw = "AN"; /* child.full_name */
	v[4] = r[4].v;
	struct so_flag_list l[5];
	memset(l, 0, sizeof(l));
	assert_int_equal(so_rules_book(v, 5, l), 0);
	assert_false(has(&l[0], "SEQUENCE_DUPLICATE"));
	assert_true(has(&l[2], "SEQUENCE_DUPLICATE"));
	assert_true(has(&l[3], "SEQUENCE_GAP"));     /* 11 then 14 */
	assert_false(has(&l[4], "SEQUENCE_GAP"));
	assert_true(has(&l[4], "DUPLICATE_ENTRY"));
	assert_false(has(&l[1], "DUPLICATE_ENTRY"));
	for (int i = 0; i < 5; i++) {
		so_flag_list_release(&l[i]);
		so_layout_free(r[i].layout);
	}
}

/* A number its neighbours leave no room for (139, 1440, 141) is a likely misreading: it goes to
 * review whatever its confidence; a number that fits its neighbours is confirmed by them. */
static void test_sequence_misfit(void **state)
{
	(void)state;
	const char *numbers[] = { "139", "1440", "141", "142" };
	struct rec r[4];
	struct so_record_view v[4];
	for (int i = 0; i < 4; i++) {
		birth_with(&r[i], "registration_number", numbers[i]);
		v[i] = r[i].v;
	}
	assert_int_equal(so_rules_sequence(v, 4), 0);
	assert_int_equal(v[1].number_expected, 140);
	assert_int_equal(v[0].number_expected, 0);
	assert_int_equal(v[2].number_expected, 0);
	assert_true(v[2].number_in_sequence);
	assert_false(v[1].number_in_sequence);
	for (int i = 0; i < 4; i++) {
		struct so_flag_list l;
		memset(&l, 0, sizeof(l));
		assert_int_equal(so_rules_record(&v[i], &l), 0);
		assert_int_equal(has_on(&l, "LOW_CONFIDENCE", "registration_number"), i == 1);
		so_flag_list_release(&l);
		so_layout_free(r[i].layout);
	}
	/* a real gap (139, 150, 151) is a warning of the book, not a misreading */
	const char *gap[] = { "139", "150", "151" };
	for (int i = 0; i < 3; i++) {
		birth_with(&r[i], "registration_number", gap[i]);
		v[i] = r[i].v;
	}
	assert_int_equal(so_rules_sequence(v, 3), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(v[i].number_expected, 0);
		so_layout_free(r[i].layout);
	}
}

/* Every anomaly planted in the sample batch raises one of its flags on the truth's text. */
static void test_planted_anomalies(void **state)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/samples/batch/truth.jsonl", SO_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[65536];
	json_t *all = json_array();
	while (fgets(line, sizeof(line), f))
		json_array_append_new(all, json_loads(line, 0, NULL));
	fclose(f);
	int planted = 0, raised = 0;
	size_t i;
	json_t *t;
	/* book by book, in register order, so that the sequence rules see their neighbours */
	json_array_foreach(all, i, t) {
		json_t *anomalies = json_object_get(t, "anomalies");
		size_t na = json_array_size(anomalies);
		const char *book = json_string_value(json_object_get(t, "record_id"));
		struct rec recs[64];
		struct so_record_view views[64];
		size_t n = 0, me = 0;
		size_t j;
		json_t *u;
		json_array_foreach(all, j, u) {
			const char *ub = json_string_value(json_object_get(u, "record_id"));
			if (strncmp(ub, book, strchr(book, '/') - book) != 0 || n >= 64)
				continue;
			if (j == i)
				me = n;
			static const char *pairs[64][128];
			size_t k = 0;
			const char *name;
			json_t *fv;
			json_object_foreach(json_object_get(u, "fields"), name, fv) {
				if (k >= 126)
					break;
				pairs[n][k++] = name;
				pairs[n][k++] = json_string_value(json_object_get(fv, "raw"));
			}
			pairs[n][k] = NULL;
			rec_make(&recs[n], json_string_value(json_object_get(u, "type")),
				 (int)json_integer_value(json_object_get(json_object_get(u, "book"), "year")),
				 pairs[n]);
			views[n] = recs[n].v;
			n++;
		}
		struct so_flag_list l[64];
		memset(l, 0, sizeof(l));
		for (size_t k = 0; k < n; k++)
			assert_int_equal(so_rules_record(&views[k], &l[k]), 0);
		assert_int_equal(so_rules_book(views, n, l), 0);
		for (size_t a = 0; a < na; a++) {
			json_t *an = json_array_get(anomalies, a);
			const char *kind = json_string_value(json_object_get(an, "kind"));
			/* handwriting and smudges are about how a cell looks: the truth's text is clean */
			if (strcmp(kind, "handwriting") == 0 || strcmp(kind, "smudge") == 0)
				continue;
			planted++;
			json_t *codes = json_object_get(an, "flags");
			int hit = 0;
			for (size_t c = 0; c < json_array_size(codes); c++)
				hit |= has(&l[me], json_string_value(json_array_get(codes, c)));
			if (!hit)
				fail_msg("%s: planted %s raised none of its flags", book, kind);
			raised += hit;
		}
		for (size_t k = 0; k < n; k++) {
			/* natural entries break no error rule */
			for (size_t q = 0; na == 0 && q < l[k].n; q++)
				if (k == me && strcmp(l[k].v[q].severity, "error") == 0)
					fail_msg("%s: natural entry raised %s: %s", book, l[k].v[q].code,
						 l[k].v[q].message);
			so_flag_list_release(&l[k]);
			so_layout_free(recs[k].layout);
		}
	}
	json_decref(all);
	print_message("%d planted anomalies, %d raised their flag\n", planted, raised);
	assert_true(planted >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_birth_is_clean),
		cmocka_unit_test(test_record_rules),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_confirmed_pairs),
		cmocka_unit_test(test_dash),
		cmocka_unit_test(test_book_rules),
		cmocka_unit_test(test_sequence_misfit),
		cmocka_unit_test(test_planted_anomalies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
