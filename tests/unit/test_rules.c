/* Unit tests of the validation catalogue: each rule raised where it must be and not where it
 * must not, the edge cases of REGISTERS.md, and every anomaly planted in the sample batch
 * raising its flag when the rules read the truth's own text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
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

static const char *const good_marriage[] = {
	"registration_number", "7", "registration_date", "05/03/2024",
	"husband.full_name", "LÊ VĂN TÁM", "husband.birth_date", "1999",
	"wife.full_name", "PHẠM THỊ LAN", "wife.birth_date", "12/01/2005",
	"wife.id_document", "CCCD số 079305001234", NULL,
};

static const char *const good_death[] = {
	"registration_number", "3", "registration_date", "12/05/1985",
	"deceased.full_name", "VŨ VĂN HAI", "deceased.birth_date", "1920",
	"death.datetime", "14 giờ 30 phút, ngày 05/05/1985",
	"death_notice.date", "06/05/1985", NULL,
};

static const char *const good_parentage[] = {
	"registration_number", "9", "registration_date", "10/06/2019",
	"parent.full_name", "TRẦN VĂN NAM", "parent.birth_date", "1980",
	"child.full_name", "TRẦN THỊ MAI", "child.birth_date", "02/02/2005",
	"relationship", "Cha - con", NULL,
};

/* A record that breaks no rule, of each book, and its book's year. */
static const struct {
	const char *book;
	const char *const *pairs;
	int year;
} goods[] = {
	{ "birth", good_birth, 2019 },
	{ "marriage", good_marriage, 2024 },
	{ "death", good_death, 1985 },
	{ "parentage", good_parentage, 2019 },
};

/* A page whose index row reads 5 of 14 cells as (1) ... (14), and one that reads well. */
static const struct so_layout_doubt index_unread = { 1, 5, 14, 0, 0.9 };
static const struct so_layout_doubt layout_read = { 0, 14, 14, 0, 0.9 };

/* A change to a good record: field NAME read RAW (NULL: nothing read), with confidence CONF (0:
 * 0.99) and MARKS written marks in its cell (0: 10 when read, none when not). */
struct change {
	const char *name;
	const char *raw;
	double conf;
	int marks;              /* HAND: its cell handwritten; KEYED: and a person keyed it */
};

enum { HAND = -1, KEYED = -2 };

#define MAXCHANGES 6

/* The good record of BOOK with CHANGES (NAME NULL ends them; a field it lacks is added). */
static void good_with(struct rec *r, const char *book, const struct change *changes)
{
	size_t g = 0;
	while (strcmp(goods[g].book, book) != 0)
		g++;
	const char *pairs[2 * MAXF + 1];
	size_t k = 0;
	for (size_t i = 0; goods[g].pairs[i]; i += 2) {
		pairs[k++] = goods[g].pairs[i];
		pairs[k++] = goods[g].pairs[i + 1];
	}
	for (size_t c = 0; c < MAXCHANGES && changes[c].name; c++) {
		size_t i = 0;
		while (i < k && strcmp(pairs[i], changes[c].name) != 0)
			i += 2;
		if (i == k) {
			pairs[k++] = changes[c].name;
			k++;
		}
		pairs[i + 1] = changes[c].raw;
	}
	pairs[k] = NULL;
	rec_make(r, goods[g].book, goods[g].year, pairs);
	for (size_t c = 0; c < MAXCHANGES && changes[c].name; c++)
		for (size_t i = 0; i < r->v.nfields; i++)
			if (strcmp(r->f[i].name, changes[c].name) == 0) {
				if (changes[c].conf)
					r->f[i].conf = changes[c].conf;
				if (changes[c].marks)
					r->f[i].marks = changes[c].marks;
				if (changes[c].marks < 0) {
					r->f[i].hand = 1;
					r->f[i].keyed = changes[c].marks == KEYED;
					r->f[i].marks = 12;
				}
			}
}

/* A copy of good_birth with one field changed (VALUE NULL: emptied). */
static void birth_with(struct rec *r, const char *name, const char *value)
{
	const struct change c[] = { { name, value, 0, 0 }, { NULL, NULL, 0, 0 } };
	good_with(r, "birth", c);
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

static void test_good_records_are_clean(void **state)
{
	(void)state;
	for (size_t g = 0; g < sizeof(goods) / sizeof(goods[0]); g++) {
		struct rec r;
		struct so_flag_list l;
		rec_make(&r, goods[g].book, goods[g].year, goods[g].pairs);
		rules_of(&r, &l);
		for (size_t i = 0; i < l.n; i++)
			print_message("  %s: %s %s %s\n", goods[g].book, l.v[i].code, l.v[i].fields,
				      l.v[i].message);
		assert_int_equal(l.n, 0);
		so_flag_list_release(&l);
		so_layout_free(r.layout);
	}
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
	/* the written units against a table: never the table's word over the book's */
	expect("child.birth_place", "Bệnh viện Từ Dũ, Tỉnh Điện Biên", "PLACE_MISMATCH", 1);
	expect("child.birth_place", "Bệnh viện Từ Dũ, Tỉnh Điện Biên", "PLACE_UNMATCHED", 0);
	expect("child.birth_place", "BV Từ Dũ, P. Phạm Ngũ Lão, Q.1, TP.HCM", "PLACE_MISMATCH", 0);
	expect("child.hometown", "Phường Bến Nghé, Quận 3, TP. Hồ Chí Minh", "PLACE_MISMATCH", 1);
	expect("child.hometown", "Xã Phước Trung. Huyện Gò Công Đông. Tỉnh Tiền Giang",
	       "PLACE_UNMATCHED", 0);
	expect("child.hometown", "Thị Xã Buôn Hồ, Tỉnh Đắk Lắk", "PLACE_UNMATCHED", 0);
	expect("registration_date", "05/06/2019", "LATE_REGISTRATION", 1);   /* 105 days */
	expect("mother.birth_date", "2010", "PARENT_AGE", 1);
	expect("mother.birth_date", "1950", "PARENT_AGE", 1);
	expect("mother.birth_date", "1990", "PARENT_AGE", 0);
}

/* A hospital written with another province than the table's (issue 14): PLACE_MISMATCH, an
 * error, on the field, with a message that quotes the book and says where the table puts the
 * hospital; the place is not also "unmatched". */
static void test_place_mismatch(void **state)
{
	(void)state;
	struct rec r;
	struct so_flag_list l;
	birth_with(&r, "child.birth_place", "Bệnh viện Từ Dũ, Tỉnh Điện Biên");
	rules_of(&r, &l);
	const struct so_flag_spec *f = NULL;
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.v[i].code, "PLACE_MISMATCH") == 0)
			f = &l.v[i];
	assert_non_null(f);
	assert_string_equal(f->severity, "error");
	assert_string_equal(f->fields, "[\"child.birth_place\"]");
	assert_non_null(strstr(f->message, "“Bệnh viện Từ Dũ, Tỉnh Điện Biên”"));
	assert_non_null(strstr(f->message, "Phường Phạm Ngũ Lão, Quận 1, Thành phố Hồ Chí Minh"));
	assert_false(has(&l, "PLACE_UNMATCHED"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);
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

/* The register's sequence reads its numbers in every written form (REGISTERS.md: 125, Số 125,
 * 125/2019, 125/KS, Số: 125/2019): each row a book's numbers, which of them the sequence
 * confirms and the number it expects in place of one (0: none). */
static void test_sequence_forms(void **state)
{
	(void)state;
	static const struct {
		const char *numbers[4];
		int in_sequence[4];
		long expected[4];
	} rows[] = {
		{ { "Số 139", "140/2019", "Số: 141/2019", "142/KS" }, { 1, 1, 1, 1 }, { 0, 0, 0, 0 } },
		{ { "139/KS", "Số 140/KS", "141", "số: 142" }, { 1, 1, 1, 1 }, { 0, 0, 0, 0 } },
		/* the independent set's misreadings, among numbers written as the book writes them */
		{ { "Số: 268/2019", "Số: 369/2019", "Số: 270/2019", "Số: 271/2019" }, { 0, 0, 1, 1 },
		  { 0, 269, 0, 0 } },
		{ { "269/KS", "70/KS", "271/KS", "272/KS" }, { 0, 0, 1, 1 }, { 0, 270, 0, 0 } },
		{ { "270", "271", "2372", "273" }, { 1, 1, 0, 0 }, { 0, 0, 272, 0 } },
		/* a number not read confirms nothing; its neighbours say what it may be */
		{ { "Số 139", "Số", "Số 141", "Số 142" }, { 0, 0, 1, 1 }, { 0, 140, 0, 0 } },
	};
	for (size_t row = 0; row < sizeof(rows) / sizeof(rows[0]); row++) {
		struct rec r[4];
		struct so_record_view v[4];
		for (int i = 0; i < 4; i++) {
			birth_with(&r[i], "registration_number", rows[row].numbers[i]);
			v[i] = r[i].v;
		}
		assert_int_equal(so_rules_sequence(v, 4), 0);
		for (int i = 0; i < 4; i++) {
			if (v[i].number_in_sequence != rows[row].in_sequence[i] ||
			    v[i].number_expected != rows[row].expected[i])
				fail_msg("row %zu, '%s': in sequence %d, expected %ld; want %d, %ld",
					 row, rows[row].numbers[i], v[i].number_in_sequence,
					 v[i].number_expected, rows[row].in_sequence[i],
					 rows[row].expected[i]);
			so_layout_free(r[i].layout);
		}
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

/* A page whose grid has the layout's columns but whose index row or header reads poorly: every
 * record of it, of every book, good as it is, carries LAYOUT_UNCERTAIN first — an error on the
 * record as a whole, saying in Vietnamese what read poorly; a page that reads well (or that an
 * archivist confirmed: no doubt given) raises nothing. */
/* A handwritten cell: HANDWRITTEN on each of its fields and nothing else on them (the
 * recognizer's reading of handwriting is set aside: no LOW_CONFIDENCE, spelling, value,
 * UNREADABLE or REQUIRED_MISSING from it), the printed cells of the same record judged as
 * ever; once keyed by a person, no HANDWRITTEN and the person's value judged like any other. */
static void test_handwritten(void **state)
{
	(void)state;
	struct rec r;
	const struct change noisy[] = {
		{ "child.full_name", "NG;/Y 3N VN", 0.21, HAND },
		{ "child.birth_date", "2O/O2/2Ol9", 0.1, HAND },
		{ "child.sex", NULL, 0, HAND },
		{ "mother.full_name", "TRẦN THỊ HOA", 0.3, 0 },
		{ 0 },
	};
	good_with(&r, "birth", noisy);
	struct so_flag_list l;
	rules_of(&r, &l);
	const char *hand[] = { "child.full_name", "child.birth_date", "child.sex" };
	for (size_t i = 0; i < 3; i++) {
		assert_true(has_on(&l, "HANDWRITTEN", hand[i]));
		for (size_t k = 0; k < l.n; k++) {
			char quoted[96];
			snprintf(quoted, sizeof(quoted), "\"%s\"", hand[i]);
			if (strstr(l.v[k].fields, quoted) && strcmp(l.v[k].code, "HANDWRITTEN") != 0)
				fail_msg("%s on handwritten %s", l.v[k].code, hand[i]);
		}
	}
	/* one flag a field, and none on the printed ones */
	size_t n = 0;
	for (size_t k = 0; k < l.n; k++)
		n += strcmp(l.v[k].code, "HANDWRITTEN") == 0;
	assert_int_equal(n, 3);
	/* the printed mother's name read unsurely keeps its flag */
	assert_true(has_on(&l, "LOW_CONFIDENCE", "mother.full_name"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);

	/* keyed: the person's values stand, a wrong one is judged */
	const struct change keyed[] = {
		{ "child.full_name", "NGUYỄN VĂN AN", 0, KEYED },
		{ "child.birth_date", "31/02/2019", 0, KEYED },
		{ "child.sex", "Nam", 0, KEYED },
		{ 0 },
	};
	good_with(&r, "birth", keyed);
	rules_of(&r, &l);
	assert_false(has(&l, "HANDWRITTEN"));
	assert_true(has_on(&l, "DATE_INVALID", "child.birth_date"));
	so_flag_list_release(&l);
	so_layout_free(r.layout);

	/* across the book: a handwritten registration number read as another's is no duplicate */
	struct rec b[2];
	const struct change first[] = { { "registration_number", "10", 0, 0 }, { 0 } };
	const struct change second[] = { { "registration_number", "10", 0, HAND }, { 0 } };
	good_with(&b[0], "birth", first);
	good_with(&b[1], "birth", second);
	struct so_record_view v[2] = { b[0].v, b[1].v };
	struct so_flag_list bl[2];
	memset(bl, 0, sizeof(bl));
	assert_int_equal(so_rules_book(v, 2, bl), 0);
	assert_false(has(&bl[1], "SEQUENCE_DUPLICATE"));
	for (int i = 0; i < 2; i++) {
		so_flag_list_release(&bl[i]);
		so_layout_free(b[i].layout);
	}
}

static void test_layout_uncertain(void **state)
{
	(void)state;
	static const struct {
		struct so_layout_doubt d;
		const char *says[2];
	} pages[] = {
		{ { 1, 8, 15, 0, 0.8 }, { "chỉ đọc được 8 trong 15 ô là (1) … (15)", NULL } },
		{ { 0, 15, 15, 1, 0.25 }, { "tiêu đề cột chỉ khớp 25% chữ của mẫu sổ", NULL } },
		{ { 1, 0, 15, 1, 0.0 }, { "0 trong 15 ô", "khớp 0% chữ" } },
		{ { 1, 0, 0, 0, 0.9 }, { "không có hàng số thứ tự cột (1) … (", NULL } },
	};
	for (size_t g = 0; g < sizeof(goods) / sizeof(goods[0]); g++) {
		for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
			struct rec r;
			struct so_flag_list l;
			rec_make(&r, goods[g].book, goods[g].year, goods[g].pairs);
			r.v.layout_doubt = &pages[p].d;
			rules_of(&r, &l);
			assert_int_equal(l.n, 1);
			assert_string_equal(l.v[0].code, SO_LAYOUT_UNCERTAIN);
			assert_string_equal(l.v[0].severity, "error");
			assert_string_equal(l.v[0].fields, "[]");
			for (size_t k = 0; k < 2 && pages[p].says[k]; k++)
				if (!strstr(l.v[0].message, pages[p].says[k]))
					fail_msg("%s: '%s' does not say '%s'", goods[g].book,
						 l.v[0].message, pages[p].says[k]);
			assert_non_null(strstr(l.v[0].message, "một lần cho cả trang"));
			so_flag_list_release(&l);
			/* a record that breaks another rule too: the page's doubt comes first */
			r.f[0].raw = NULL;
			rules_of(&r, &l);
			assert_true(l.n >= 2);
			assert_string_equal(l.v[0].code, SO_LAYOUT_UNCERTAIN);
			so_flag_list_release(&l);
			so_layout_free(r.layout);
		}
		struct rec r;
		struct so_flag_list l;
		rec_make(&r, goods[g].book, goods[g].year, goods[g].pairs);
		r.v.layout_doubt = &layout_read;
		rules_of(&r, &l);
		assert_int_equal(l.n, 0);
		so_flag_list_release(&l);
		so_layout_free(r.layout);
	}
}

/* The catalogue, row by row ------------------------------------------------------------------ */

/* A record built to break a row of the catalogue and one built to keep it, from a good record
 * of BOOK: the broken one raises CODE on the FLAGGED fields, the kept one does not. A book row
 * is judged on the third record of a book of three (numbers 10, 11, 12). */
struct rule_case {
	const char *code;
	const char *book;
	const char *flagged[6];
	struct change breaks[MAXCHANGES];
	struct change keeps[MAXCHANGES];   /* none: the good record itself */
	long number_expected;              /* of the broken record (a number that misfits) */
};

#define C(name, raw) { name, raw, 0, 0 }

static const struct rule_case rule_cases[] = {
	/* the page's layout in doubt: on the record as a whole */
	{ "LAYOUT_UNCERTAIN", "birth", { 0 }, { { 0 } }, { { 0 } }, 0 },
	/* required fields */
	{ "REQUIRED_MISSING", "birth", { "registration_number" },
	  { C("registration_number", NULL) }, { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "death", { "registration_date" }, { C("registration_date", NULL) },
	  { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "birth", { "child.sex" }, { C("child.sex", NULL) }, { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "marriage", { "wife.birth_date" }, { C("wife.birth_date", NULL) },
	  { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "death", { "death.datetime" }, { C("death.datetime", NULL) },
	  { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "parentage", { "relationship" }, { C("relationship", NULL) },
	  { { 0 } }, 0 },
	{ "REQUIRED_MISSING", "birth", { "mother.full_name", "father.full_name" },
	  { C("mother.full_name", NULL), C("father.full_name", NULL) },
	  { C("mother.full_name", NULL) }, 0 },
	/* a handwritten cell until a person keys it */
	{ "HANDWRITTEN", "birth", { "child.full_name" },
	  { { "child.full_name", "NGUYỄN VĂN AN", 0, HAND } },
	  { { "child.full_name", "NGUYỄN VĂN AN", 0, KEYED } }, 0 },
	/* a cell with ink and no reading; a blank one is no flag */
	{ "UNREADABLE", "birth", { "child.sex" }, { { "child.sex", NULL, 0, 12 } },
	  { C("child.sex", NULL) }, 0 },
	{ "UNREADABLE", "birth",
	  { "mother.full_name", "mother.birth_date", "mother.ethnicity", "mother.nationality",
	    "mother.residence", "mother.id_document" },
	  { { "mother.full_name", NULL, 0, 12 }, C("mother.birth_date", NULL),
	    C("mother.ethnicity", NULL), C("mother.nationality", NULL),
	    C("mother.id_document", NULL) },
	  { { "mother.full_name", NULL, 0, 12 }, C("mother.birth_date", NULL),
	    C("mother.ethnicity", NULL), C("mother.nationality", NULL) }, 0 },
	/* under the threshold; a dash under it; a number its neighbours leave no room for */
	{ "LOW_CONFIDENCE", "birth", { "child.full_name" }, { { "child.full_name", "NGUYỄN VĂN AN", 0.2, 0 } },
	  { { "child.full_name", "NGUYỄN VĂN AN", 0.99, 0 } }, 0 },
	{ "LOW_CONFIDENCE", "birth", { "father.full_name" }, { { "father.full_name", "-", 0.11, 0 } },
	  { { "father.full_name", "-", 0.99, 0 } }, 0 },
	{ "LOW_CONFIDENCE", "birth", { "registration_number" }, { C("registration_number", "1440") },
	  { C("registration_number", "1440") }, 140 },
	/* what a field's kind must be */
	{ "DATE_INVALID", "birth", { "child.birth_date" }, { C("child.birth_date", "30/02/2019") },
	  { C("child.birth_date", "28/02/2019") }, 0 },
	{ "DATE_INVALID", "death", { "death.datetime" },
	  { C("death.datetime", "14 giờ 30 phút, ngày 31/04/1985") }, { { 0 } }, 0 },
	{ "DATE_IN_FUTURE", "birth", { "child.birth_date" }, { C("child.birth_date", "28/11/2026") },
	  { C("child.birth_date", "27/11/2026") }, 0 },     /* scanned 27/11/2026 */
	/* a letter among a number's digits: not a number, never the digits left ("ó4" for 64) */
	{ "UNREADABLE", "birth", { "registration_number" }, { C("registration_number", "ó4/2020") },
	  { C("registration_number", "Số 64/2020") }, 0 },
	{ "SEX_VALUE", "birth", { "child.sex" }, { C("child.sex", "Nữa") }, { { 0 } }, 0 },
	{ "ETHNICITY_UNKNOWN", "birth", { "child.ethnicity" }, { C("child.ethnicity", "Klingon") },
	  { C("child.ethnicity", "Khmer") }, 0 },
	{ "NATIONALITY_UNKNOWN", "birth", { "child.nationality" },
	  { C("child.nationality", "Atlantis") }, { { 0 } }, 0 },
	{ "PLACE_UNMATCHED", "birth", { "child.hometown" },
	  { C("child.hometown", "Phường Không Có, Quận Chín Chín, Tỉnh Mây") }, { { 0 } }, 0 },
	/* a listed hospital written with another province; with its own units */
	{ "PLACE_MISMATCH", "birth", { "child.birth_place" },
	  { C("child.birth_place", "Bệnh viện Từ Dũ, Tỉnh Điện Biên") },
	  { C("child.birth_place", "Bệnh viện Từ Dũ, Quận 1, Thành phố Hồ Chí Minh") }, 0 },
	{ "NAME_CHARS", "birth", { "child.full_name" }, { C("child.full_name", "NGUYỄN VĂN 4N") },
	  { C("child.full_name", "NGUYỄN VĂN KHOẺ") }, 0 },
	{ "NAME_CHARS", "birth", { "child.full_name" }, { C("child.full_name", "NGUYỄN VĂN QWRT") },
	  { { 0 } }, 0 },
	{ "ID_FORMAT", "birth", { "child.id_number" }, { C("child.id_number", "07921900123") },
	  { { 0 } }, 0 },
	{ "ID_MISMATCH", "birth", { "child.id_number" }, { C("child.id_number", "079319001234") },
	  { { 0 } }, 0 },                                     /* a girl's digit, a boy */
	{ "ID_FORMAT", "birth", { "mother.id_document" },
	  { C("mother.id_document", "CMND số 02512345") },
	  { C("mother.id_document", "CMND số 025123456") }, 0 },
	{ "ID_MISMATCH", "birth", { "mother.id_document" },
	  { C("mother.id_document", "CCCD số 079090001234") }, { { 0 } }, 0 },
	/* dates against each other */
	{ "REGISTRATION_YEAR", "birth", { "registration_date" },
	  { C("registration_date", "05/03/2018") }, { { 0 } }, 0 },
	{ "DATE_ORDER", "birth", { "child.birth_date", "registration_date" },
	  { C("child.birth_date", "06/03/2019") }, { C("child.birth_date", "05/03/2019") }, 0 },
	{ "DATE_ORDER", "marriage", { "husband.birth_date", "registration_date" },
	  { C("husband.birth_date", "2025") }, { C("husband.birth_date", "2024") }, 0 },
	{ "DATE_ORDER", "marriage", { "wife.birth_date", "registration_date" },
	  { C("wife.birth_date", "06/03/2024") }, { C("wife.birth_date", "05/03/2024") }, 0 },
	{ "DATE_ORDER", "death", { "deceased.birth_date", "registration_date" },
	  { C("deceased.birth_date", "13/05/1985") }, { { 0 } }, 0 },
	{ "DATE_ORDER", "birth", { "mother.birth_date", "registration_date" },
	  { C("mother.birth_date", "2020") }, { C("mother.birth_date", "2019") }, 0 },
	{ "DATE_ORDER", "birth", { "father.birth_date", "registration_date" },
	  { C("father.birth_date", "12/03/2019") }, { { 0 } }, 0 },
	{ "DATE_ORDER", "parentage", { "parent.birth_date", "registration_date" },
	  { C("parent.birth_date", "2020") }, { { 0 } }, 0 },
	{ "DATE_ORDER", "death", { "death.datetime", "deceased.birth_date" },
	  { C("deceased.birth_date", "10/05/1985") }, { C("deceased.birth_date", "05/05/1985") }, 0 },
	{ "DATE_ORDER", "death", { "death_notice.date", "death.datetime" },
	  { C("death_notice.date", "04/05/1985") }, { C("death_notice.date", "05/05/1985") }, 0 },
	{ "DATE_ORDER", "death", { "registration_date", "death.datetime" },
	  { C("registration_date", "04/05/1985") }, { C("registration_date", "05/05/1985") }, 0 },
	/* the law's limits, one day or one year either side */
	{ "LATE_REGISTRATION", "death", { "registration_date", "death.datetime" },
	  { C("registration_date", "21/05/1985") }, { C("registration_date", "20/05/1985") }, 0 },
	{ "LATE_REGISTRATION", "birth", { "registration_date", "child.birth_date" },
	  { C("registration_date", "22/04/2019") }, { C("registration_date", "21/04/2019") }, 0 },
	{ "PARENT_AGE", "birth", { "mother.birth_date", "child.birth_date" },
	  { C("mother.birth_date", "21/02/2007") }, { C("mother.birth_date", "20/02/2007") }, 0 },
	{ "PARENT_AGE", "birth", { "mother.birth_date", "child.birth_date" },
	  { C("mother.birth_date", "1953") }, { C("mother.birth_date", "1954") }, 0 },
	{ "PARENT_AGE", "birth", { "father.birth_date", "child.birth_date" },
	  { C("father.birth_date", "1953") }, { C("father.birth_date", "1954") }, 0 },
	{ "AGE_AT_MARRIAGE", "marriage", { "husband.birth_date", "registration_date" },
	  { C("husband.birth_date", "06/03/2004") }, { C("husband.birth_date", "05/03/2004") }, 0 },
	{ "AGE_AT_MARRIAGE", "marriage", { "wife.birth_date", "registration_date" },
	  { C("wife.birth_date", "06/03/2006") }, { C("wife.birth_date", "05/03/2006") }, 0 },
	/* across the book: the third of 10 (LÊ VĂN MỘT), 11 (LÊ VĂN HAI), 12 (good_birth) */
	{ "SEQUENCE_DUPLICATE", "birth", { "registration_number" },
	  { C("registration_number", "11") }, { C("registration_number", "12") }, 0 },
	{ "SEQUENCE_GAP", "birth", { "registration_number" }, { C("registration_number", "14") },
	  { C("registration_number", "12") }, 0 },
	{ "DUPLICATE_ENTRY", "birth", { "registration_number" },
	  { C("registration_number", "12"), C("child.full_name", "LÊ VĂN MỘT") },
	  { C("registration_number", "12") }, 0 },
};

static unsigned book_bit(const char *book)
{
	static const char *const books[] = { "birth", "marriage", "death", "parentage" };
	const unsigned bits[] = { SO_BOOKS_BIRTH, SO_BOOKS_MARRIAGE, SO_BOOKS_DEATH,
				  SO_BOOKS_PARENTAGE };
	for (size_t i = 0; i < 4; i++)
		if (strcmp(books[i], book) == 0)
			return bits[i];
	fail_msg("no book '%s'", book);
	return 0;
}

static size_t nflagged(const struct rule_case *c)
{
	size_t n = 0;
	while (n < 6 && c->flagged[n])
		n++;
	return n;
}

/* The row of the catalogue a case is about: its code and book, and the kind of the field it
 * flags (a FIELD row), or the fields it flags (all of them, or one it requires). Exactly one;
 * a FIELD row of the field's kind before a row on every cell (UNREADABLE on a number). */
static size_t row_of(const struct rule_case *c, const struct so_layout *l)
{
	size_t n, found = 0, row = 0, by_kind = 0, kind_row = 0;
	const struct so_rule *rules = so_rules_catalogue(&n);
	size_t nf = nflagged(c);
	for (size_t i = 0; i < n; i++) {
		const struct so_rule *rule = &rules[i];
		if (strcmp(rule->code, c->code) != 0 || !(rule->books & book_bit(c->book)))
			continue;
		int match;
		if (rule->scope == SO_RULE_FIELD) {
			match = (rule->kinds & SO_KIND_BIT(so_field_kind(l, c->flagged[0]))) != 0;
		} else if (!rule->fields[0]) {
			match = 1;
		} else {
			size_t rn = 0, same = 0;
			while (rn < 4 && rule->fields[rn])
				rn++;
			for (size_t k = 0; k < rn && k < nf; k++)
				same += strcmp(rule->fields[k], c->flagged[k]) == 0;
			match = rn == nf && same == nf;
			for (size_t k = 0; nf == 1 && k < rn; k++)
				match |= strcmp(rule->fields[k], c->flagged[0]) == 0;
		}
		if (match) {
			found++;
			row = i;
		}
		if (match && rule->scope == SO_RULE_FIELD) {
			by_kind++;
			kind_row = i;
		}
	}
	if (found > 1 && by_kind == 1) {
		found = 1;
		row = kind_row;
	}
	if (found != 1)
		fail_msg("%s on %s in %s: %zu rows of the catalogue", c->code, c->flagged[0], c->book,
			 found);
	return row;
}

/* The flags of the record CHANGES make of case C's good record (the third of a book for a
 * book row). */
static void case_flags(const struct rule_case *c, const struct so_rule *rule,
		       const struct change *changes, long number_expected,
		       const struct so_layout_doubt *doubt, struct so_flag_list *out)
{
	memset(out, 0, sizeof(*out));
	if (rule->scope != SO_RULE_BOOK) {
		struct rec r;
		good_with(&r, c->book, changes);
		r.v.number_expected = number_expected;
		r.v.layout_doubt = doubt;
		assert_int_equal(so_rules_record(&r.v, out), 0);
		so_layout_free(r.layout);
		return;
	}
	const struct change before[2][3] = {
		{ C("registration_number", "10"), C("child.full_name", "LÊ VĂN MỘT") },
		{ C("registration_number", "11"), C("child.full_name", "LÊ VĂN HAI") },
	};
	struct rec r[3];
	struct so_record_view v[3];
	good_with(&r[0], c->book, before[0]);
	good_with(&r[1], c->book, before[1]);
	good_with(&r[2], c->book, changes);
	for (int i = 0; i < 3; i++)
		v[i] = r[i].v;
	struct so_flag_list l[3];
	memset(l, 0, sizeof(l));
	assert_int_equal(so_rules_book(v, 3, l), 0);
	*out = l[2];
	for (int i = 0; i < 3; i++) {
		if (i < 2)
			so_flag_list_release(&l[i]);
		so_layout_free(r[i].layout);
	}
}

/* The flag of OUT with CODE on exactly the fields WANT (a JSON array), or NULL. */
static const struct so_flag_spec *flag_on(const struct so_flag_list *out, const char *code,
					  const char *want)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->v[i].code, code) == 0 && strcmp(out->v[i].fields, want) == 0)
			return &out->v[i];
	return NULL;
}

/* Every row of the catalogue raises its flag on a record built to break it, with the row's
 * severity, and stays quiet on a record built to keep it (at the limit, where it has one). */
static void test_catalogue_rows(void **state)
{
	(void)state;
	size_t n;
	const struct so_rule *rules = so_rules_catalogue(&n);
	assert_true(n > 0 && n <= 64);
	int covered[64] = { 0 };
	for (size_t k = 0; k < sizeof(rule_cases) / sizeof(rule_cases[0]); k++) {
		const struct rule_case *c = &rule_cases[k];
		struct so_layout *l;
		char lname[32];
		snprintf(lname, sizeof(lname), "%s-v1", c->book);
		assert_int_equal(so_layout_load(lname, &l), 0);
		size_t row = row_of(c, l);
		so_layout_free(l);
		covered[row] = 1;
		char want[512] = "[";
		for (size_t f = 0; f < nflagged(c); f++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s\"%s\"",
				 f ? "," : "", c->flagged[f]);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "]");
		struct so_flag_list broken, kept;
		/* the page's row is broken by the record's page, not by its fields */
		int page = strcmp(c->code, SO_LAYOUT_UNCERTAIN) == 0;
		case_flags(c, &rules[row], c->breaks, c->number_expected,
			   page ? &index_unread : NULL, &broken);
		case_flags(c, &rules[row], c->keeps, 0, page ? &layout_read : NULL, &kept);
		const struct so_flag_spec *fb = flag_on(&broken, c->code, want);
		const struct so_flag_spec *fk = flag_on(&kept, c->code, want);
		if (!fb || fk) {
			for (size_t i = 0; i < broken.n; i++)
				print_message("  broken: %s %s %s\n", broken.v[i].code,
					      broken.v[i].fields, broken.v[i].message);
			for (size_t i = 0; i < kept.n; i++)
				print_message("  kept: %s %s %s\n", kept.v[i].code, kept.v[i].fields,
					      kept.v[i].message);
			fail_msg("case %zu (%s %s in %s): %s", k, c->code, want, c->book,
				 !fb ? "not raised when broken" : "raised when kept");
		}
		assert_string_equal(fb->severity, rules[row].severity);
		so_flag_list_release(&broken);
		so_flag_list_release(&kept);
	}
	for (size_t i = 0; i < n; i++)
		if (!covered[i])
			fail_msg("row %zu of the catalogue (%s on %s) has no case", i, rules[i].code,
				 rules[i].fields[0] ? rules[i].fields[0] : "a field kind");
}

/* The catalogue is well formed: a code and severity for every row, field rows on kinds, the
 * others on fields (but the cell rule), a check, and the limits it names exist. */
static void test_catalogue_shape(void **state)
{
	(void)state;
	size_t n;
	const struct so_rule *rules = so_rules_catalogue(&n);
	int field_rows = 0;
	for (size_t i = 0; i < n; i++) {
		const struct so_rule *r = &rules[i];
		assert_non_null(r->check);
		assert_true(strlen(r->code) > 0 && strlen(r->code) < sizeof(((struct so_flag_spec *)0)->code));
		assert_true(strcmp(r->severity, "error") == 0 || strcmp(r->severity, "warning") == 0);
		assert_true(r->books != 0 && (r->books & ~(unsigned)SO_BOOKS_ALL) == 0);
		if (r->scope == SO_RULE_FIELD) {
			assert_true(r->kinds != 0 && !(r->kinds & SO_KIND_BIT(SO_KIND_NONE)));
			assert_null(r->fields[0]);
			field_rows++;
		} else {
			assert_int_equal(r->kinds, 0);
			assert_true(r->fields[0] || strcmp(r->code, "UNREADABLE") == 0 ||
				    strcmp(r->code, "HANDWRITTEN") == 0 ||
				    strcmp(r->code, SO_LAYOUT_UNCERTAIN) == 0);
		}
		for (size_t k = 0; k < 2; k++)
			if (r->limits[k] != SO_LIMIT_NONE)
				assert_non_null(so_legal_limit(r->limits[k]));
	}
	assert_true(field_rows > 0);
}

/* The deadlines and age limits of the law, as REGISTERS.md gives them. */
static void test_legal_limits(void **state)
{
	(void)state;
	const struct {
		enum so_limit id;
		const char *book;
		int at_least, limit;
		enum so_limit_unit unit;
	} want[] = {
		{ SO_LIMIT_BIRTH_REGISTRATION, "birth", 0, 60, SO_UNIT_DAYS },
		{ SO_LIMIT_DEATH_REGISTRATION, "death", 0, 15, SO_UNIT_DAYS },
		{ SO_LIMIT_PARENT_AGE_MIN, "birth", 1, 12, SO_UNIT_YEARS },
		{ SO_LIMIT_PARENT_AGE_MAX, "birth", 0, 65, SO_UNIT_YEARS },
		{ SO_LIMIT_HUSBAND_AGE, "marriage", 1, 20, SO_UNIT_YEARS },
		{ SO_LIMIT_WIFE_AGE, "marriage", 1, 18, SO_UNIT_YEARS },
	};
	assert_int_equal(sizeof(want) / sizeof(want[0]), SO_LIMITS - 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct so_legal_limit *l = so_legal_limit(want[i].id);
		assert_non_null(l);
		assert_string_equal(l->book, want[i].book);
		assert_int_equal(l->at_least, want[i].at_least);
		assert_int_equal(l->limit, want[i].limit);
		assert_int_equal(l->unit, want[i].unit);
		assert_non_null(l->what);
		assert_non_null(l->law);
	}
	assert_null(so_legal_limit(SO_LIMIT_NONE));
	assert_null(so_legal_limit(SO_LIMITS));
}

/* The thresholds are those of schemas/confidence-thresholds.json (its default for a kind it does
 * not list), and a confidence equal to its field's threshold passes: only under it goes to
 * review. */
static void test_thresholds(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/schemas/confidence-thresholds.json", SO_SOURCE_DIR);
	json_t *t = json_load_file(path, 0, NULL);
	assert_non_null(t);
	double def = json_number_value(json_object_get(t, "default"));
	for (int k = SO_KIND_NONE; k < SO_KINDS; k++) {
		json_t *th = json_object_get(json_object_get(t, "thresholds"), so_kind_name(k));
		double want = json_is_number(th) ? json_number_value(th) : def;
		assert_true(so_confidence_threshold(k) == want);
	}
	assert_true(so_confidence_threshold((enum so_kind)(SO_KINDS + 3)) == def);
	json_decref(t);
	double th = so_confidence_threshold(SO_KIND_NAME);
	const double confs[] = { th, nextafter(th, 0) };
	for (int k = 0; k < 2; k++) {
		struct rec r;
		struct so_flag_list l;
		const struct change c[] = { { "child.full_name", "NGUYỄN VĂN AN", confs[k], 0 },
					    { NULL, NULL, 0, 0 } };
		good_with(&r, "birth", c);
		rules_of(&r, &l);
		assert_int_equal(has_on(&l, "LOW_CONFIDENCE", "child.full_name"), k == 1);
		so_flag_list_release(&l);
		so_layout_free(r.layout);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_records_are_clean),
		cmocka_unit_test(test_record_rules),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_place_mismatch),
		cmocka_unit_test(test_confirmed_pairs),
		cmocka_unit_test(test_dash),
		cmocka_unit_test(test_book_rules),
		cmocka_unit_test(test_sequence_misfit),
		cmocka_unit_test(test_sequence_forms),
		cmocka_unit_test(test_planted_anomalies),
		cmocka_unit_test(test_layout_uncertain),
		cmocka_unit_test(test_handwritten),
		cmocka_unit_test(test_catalogue_shape),
		cmocka_unit_test(test_catalogue_rows),
		cmocka_unit_test(test_legal_limits),
		cmocka_unit_test(test_thresholds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
