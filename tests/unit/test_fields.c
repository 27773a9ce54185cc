/* Unit tests of cell text to fields: cleaning, dates and date-times in every written form,
 * composite cells — and every composite cell of the sample batch's ground truth parsed back
 * into exactly the sub-field values the truth records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "register/fields.h"
#include "register/layout.h"

static void test_clean(void **state)
{
	const char *in = "  NGUYỄN  VĂN\n AN \n";
	char *c = so_text_clean(in, strlen(in));
	assert_string_equal(c, "NGUYỄN VĂN AN");
	free(c);
	const char *na[] = { "", "   ", "-", " - ", "—", "x", "\n-\n" };
	for (size_t i = 0; i < sizeof(na) / sizeof(na[0]); i++)
		assert_null(so_text_clean(na[i], strlen(na[i])));
	/* decomposed input comes out composed (NFC) */
	const char *nfd = "Nguye\xcc\x82\xcc\x83n";
	c = so_text_clean(nfd, strlen(nfd));
	assert_string_equal(c, "Nguyễn");
	free(c);
}

static void test_fold(void **state)
{
	size_t map[64];
	char *f = so_fold("Đặng Thị THUỶ", map);
	assert_string_equal(f, "dang thi thuy");
	assert_int_equal(map[5], strlen("Đặng "));
	free(f);
}

static void date_is(const char *text, const char *iso, int valid)
{
	struct so_date d;
	if (!so_date_parse(text, &d))
		fail_msg("'%s' not parsed", text);
	char buf[32];
	so_date_iso(&d, buf, sizeof(buf));
	if (strcmp(buf, iso) != 0 || d.valid != valid)
		fail_msg("'%s' -> %s valid %d, want %s valid %d", text, buf, d.valid, iso, valid);
}

static void test_dates(void **state)
{
	date_is("05/03/2019", "2019-03-05", 1);
	date_is("5/3/2019", "2019-03-05", 1);
	date_is("05-03-2019", "2019-03-05", 1);
	date_is("05.03.2019", "2019-03-05", 1);
	date_is("ngày 05 tháng 3 năm 2019", "2019-03-05", 1);
	date_is("Ngày 5 tháng 03 năm 2019", "2019-03-05", 1);
	date_is("1985", "1985", 1);
	date_is("03/1985", "1985-03", 1);
	date_is("29/02/2020", "2020-02-29", 1);
	/* kept as written, but not a calendar date */
	date_is("30/02/2019", "2019-02-30", 0);
	date_is("31/04/2019", "2019-04-31", 0);
	date_is("29/02/2019", "2019-02-29", 0);
	date_is("12/13/2019", "2019-13-12", 0);
	struct so_date d;
	assert_int_equal(so_date_parse("Nam", &d), 0);
	assert_int_equal(so_date_parse("", &d), 0);
	assert_int_equal(so_date_parse("079190001234", &d), 0);
	assert_int_equal(so_date_parse("05/03/19", &d), 0);
	assert_int_equal(so_date_parse("1/2/3/2019", &d), 0);
}

/* Every way REGISTERS.md says a date is written ("How clerks really write"): each separator,
 * spaces around it, one- or two-digit day and month, words. */
static void test_date_forms(void **state)
{
	(void)state;
	static const struct { const char *text, *iso; } rows[] = {
		{ "05/03/2019", "2019-03-05" }, { "5/3/2019", "2019-03-05" },
		{ "05/3/2019", "2019-03-05" }, { "5/03/2019", "2019-03-05" },
		{ "05-03-2019", "2019-03-05" }, { "5-3-2019", "2019-03-05" },
		{ "05.03.2019", "2019-03-05" }, { "5.3.2019", "2019-03-05" },
		{ "05 / 03 / 2019", "2019-03-05" }, { "05 - 03 - 2019", "2019-03-05" },
		{ "05 . 03 . 2019", "2019-03-05" }, { "05/ 03 /2019", "2019-03-05" },
		{ " 05/03/2019 ", "2019-03-05" },
		{ "ngày 5 tháng 3 năm 2019", "2019-03-05" },
		{ "ngày 05 tháng 03 năm 2019", "2019-03-05" },
		{ "Ngày 5, tháng 3, năm 2019", "2019-03-05" },
		{ "NGÀY 05 THÁNG 3 NĂM 2019", "2019-03-05" },
		{ "03/1985", "1985-03" }, { "3-1985", "1985-03" }, { "tháng 3 năm 1985", "1985-03" },
		{ "1985", "1985" }, { "năm 1985", "1985" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		date_is(rows[i].text, rows[i].iso, 1);
}

/* A two-digit year is ambiguous (1919 or 2019?): no date is read from it, so that the field
 * has no canonical value and goes to review (DATE_INVALID), never a century guessed. */
static void test_two_digit_years(void **state)
{
	(void)state;
	static const char *const dates[] = {
		"05/03/19", "5/3/19", "05-03-19", "05.03.19", "05 / 03 / 19", "ngày 5 tháng 3 năm 19",
		"03/85", "3.85", "85", "05/03/019", "05/03/'19",
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		struct so_date d;
		if (so_date_parse(dates[i], &d) != 0)
			fail_msg("'%s' read as a date", dates[i]);
	}
	static const char *const datetimes[] = {
		"14 giờ 30 phút, ngày 05/03/21", "14h30 ngày 5/3/21",
	};
	for (size_t i = 0; i < sizeof(datetimes) / sizeof(datetimes[0]); i++) {
		struct so_date d;
		if (so_datetime_parse(datetimes[i], &d) != 0)
			fail_msg("'%s' read as a date and time", datetimes[i]);
	}
}

static void test_datetimes(void **state)
{
	const char *ok[][2] = {
		{ "14 giờ 30 phút, ngày 05/03/2021", "2021-03-05T14:30" },
		{ "14 giờ 30 phút ngày 5/3/2021", "2021-03-05T14:30" },
		{ "14h30 ngày 05/03/2021", "2021-03-05T14:30" },
		{ "07 giờ 05 phút, ngày 05 tháng 3 năm 2021", "2021-03-05T07:05" },
		{ "9 giờ, ngày 05/03/2021", "2021-03-05T09:00" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct so_date d;
		if (!so_datetime_parse(ok[i][0], &d))
			fail_msg("'%s' not parsed", ok[i][0]);
		char buf[32];
		so_date_iso(&d, buf, sizeof(buf));
		assert_string_equal(buf, ok[i][1]);
		assert_true(d.valid);
	}
	struct so_date d;
	assert_int_equal(so_datetime_parse("25 giờ 30 phút, ngày 05/03/2021", &d), 1);
	assert_false(d.valid);
	assert_int_equal(so_datetime_parse("05/03/2021", &d), 0);
}

static char *span_text(const char *text, const struct so_parsed *p, const char *sub)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->spans[i].sub, sub) == 0)
			return so_text_clean(text + p->spans[i].start,
					     p->spans[i].end - p->spans[i].start);
	return NULL;
}

static void expect_sub(const char *parser, const char *text, const char *sub, const char *want)
{
	struct so_parsed p;
	assert_int_equal(so_composite_parse(parser, text, &p), 0);
	char *got = span_text(text, &p, sub);
	if (want == NULL ? got != NULL : (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s of '%s': got '%s', want '%s'", sub, text, got ? got : "(none)",
			 want ? want : "(none)");
	free(got);
}

static void test_composites(void **state)
{
	const char *cell = "TRẦN THỊ HOA\nSinh năm: 1990; Dân tộc: Kinh\nQuốc tịch: Việt Nam\n"
			   "Cư trú: Số 12 Nguyễn Trãi, P. Bến Nghé,\nQ.1, TP. Hồ Chí Minh\n"
			   "CCCD số 079190001234";
	expect_sub("person", cell, "full_name", "TRẦN THỊ HOA");
	expect_sub("person", cell, "birth_date", "1990");
	expect_sub("person", cell, "ethnicity", "Kinh");
	expect_sub("person", cell, "nationality", "Việt Nam");
	expect_sub("person", cell, "residence",
		   "Số 12 Nguyễn Trãi, P. Bến Nghé, Q.1, TP. Hồ Chí Minh");
	expect_sub("person", cell, "id_document", "CCCD số 079190001234");
	/* a name on two lines after its label; labels without colons, in another order */
	const char *wrapped = "Họ tên: NGUYỄN\nVĂN AN\nCMND số 025123456\nNgày sinh 12/03/1990";
	expect_sub("person", wrapped, "full_name", "NGUYỄN VĂN AN");
	expect_sub("person", wrapped, "id_document", "CMND số 025123456");
	expect_sub("person", wrapped, "birth_date", "12/03/1990");
	expect_sub("person", wrapped, "residence", NULL);
	/* recognition errors in labels are tolerated */
	const char *noisy = "LÊ VĂN TÁM\nSinh nuày: 28/11/1987; Đân tộc: Kinh\nGiấy tờ: Hộ chiếu số B1234567";
	expect_sub("person", noisy, "birth_date", "28/11/1987");
	expect_sub("person", noisy, "ethnicity", "Kinh");
	expect_sub("person", noisy, "id_document", "Hộ chiếu số B1234567");
	/* declarants */
	const char *decl = "Họ tên: PHAN VĂN HIẾU\nCMND số 341501652; Quan hệ: cha";
	expect_sub("declarant", decl, "full_name", "PHAN VĂN HIẾU");
	expect_sub("declarant", decl, "relationship", "cha");
	/* the death notice */
	const char *gbt = "Số: 125/GBT; Ngày cấp: 05/03/2021; Nơi cấp: Bệnh viện\nChợ Rẫy";
	expect_sub("death_notice", gbt, "number", "125/GBT");
	expect_sub("death_notice", gbt, "date", "05/03/2021");
	expect_sub("death_notice", gbt, "issuer", "Bệnh viện Chợ Rẫy");
	/* a name wrapped before a label is not taken for one ("NGỌC Sinh" is not "Ngày sinh") */
	const char *name_wrapped = "NGUYỄN QUỲNH\nNGỌC\nSinh ngày\n03-01-1989; Dân tộc\nKinh";
	expect_sub("person", name_wrapped, "full_name", "NGUYỄN QUỲNH NGỌC");
	expect_sub("person", name_wrapped, "birth_date", "03-01-1989");
	/* a label wrapped over two lines */
	const char *wrapped_label = "Số: 637; Ngày\ncấp 17.01.2021; Nơi\ncấp: Bệnh viện Đà Nẵng";
	expect_sub("death_notice", wrapped_label, "number", "637");
	expect_sub("death_notice", wrapped_label, "date", "17.01.2021");
	expect_sub("death_notice", wrapped_label, "issuer", "Bệnh viện Đà Nẵng");
	/* a value on the line after its label, or after a colon misread as ';' */
	const char *next_line = "Ngày cấp:\n07-03-2022\nSố; 927/GBT\nNơi cấp: Trạm Y tế\nxã Lộc Thủy";
	expect_sub("death_notice", next_line, "date", "07-03-2022");
	expect_sub("death_notice", next_line, "number", "927/GBT");
	expect_sub("death_notice", next_line, "issuer", "Trạm Y tế xã Lộc Thủy");
	struct so_parsed p;
	assert_int_equal(so_composite_parse("person", "", &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(so_composite_parse("nonsense", "x", &p), -1);
}

/* Labels misread beyond tolerance: the fact is known by the shape of what follows its label,
 * and never swallowed into the fact before it. Each row: a cell, then sub-fields and their
 * values (NULL: absent). */
static void test_misread_labels(void **state)
{
	(void)state;
	static const struct {
		const char *parser, *cell;
		const char *subs[4][2];
	} rows[] = {
		/* the independent set's: an identity line after the residence */
		{ "person",
		  "LÊ THỊ MAI\nSinh năm: 1992\nCư trú: 12 Lê Lợi, P. Bến Thành,\nQ.1, TP. Hồ Chí Minh\n"
		  "ŒCCCPD số 079192001234",
		  { { "residence", "12 Lê Lợi, P. Bến Thành, Q.1, TP. Hồ Chí Minh" },
		    { "id_document", "ŒCCCPD số 079192001234" }, { "birth_date", "1992" } } },
		/* twelve digits in groups, a label with no "số" */
		{ "person", "LÊ THỊ MAI\nCư trú: Xã Tân Phú\nCCCD 0791 9200 1234",
		  { { "residence", "Xã Tân Phú" }, { "id_document", "CCCD 0791 9200 1234" } } },
		/* nine digits: a CMND, its label read as letters of nothing */
		{ "person", "LÊ THỊ MAI\nCư trú: Xã Tân Phú\nCWHD sô: 025123456",
		  { { "residence", "Xã Tân Phú" }, { "id_document", "CWHD sô: 025123456" } } },
		/* a passport; the "Giấy tờ:" prefix read, the document's label not */
		{ "person", "LÊ THỊ MAI\nCư trú: Xã Tân Phú\nGiấy tờ: H0 chìêư sô B1234567",
		  { { "residence", "Xã Tân Phú" }, { "id_document", "H0 chìêư sô B1234567" } } },
		{ "person", "LÊ THỊ MAI\nCư trú: Xã Tân Phú\nGiấy tờ: ŒCCCPD số 079192001234",
		  { { "residence", "Xã Tân Phú" }, { "id_document", "ŒCCCPD số 079192001234" } } },
		/* a date after a birth label misread, in any written form */
		{ "person", "LÊ THỊ MAI\nSjnk ngàv: 12 / 03 / 1992\nCư trú: Xã Tân Phú",
		  { { "birth_date", "12 / 03 / 1992" }, { "residence", "Xã Tân Phú" } } },
		{ "person", "LÊ THỊ MAI\nCư trú: Xã Tân Phú\nSỉhh nǎm 1992",
		  { { "birth_date", "1992" }, { "residence", "Xã Tân Phú" } } },
		/* a declarant's identity line */
		{ "declarant", "PHAN VĂN HIẾU\nÇMNĐ s6 341501652\nQuan hệ: cha",
		  { { "full_name", "PHAN VĂN HIẾU" }, { "id_document", "ÇMNĐ s6 341501652" },
		    { "relationship", "cha" } } },
		/* the death notice: its number and date by their shapes */
		{ "death_notice", "S6: 125/GBT; Ngàv cắq: 05.03.2021; Nơi cấp: Bệnh viện Chợ Rẫy",
		  { { "number", "125/GBT" }, { "date", "05.03.2021" },
		    { "issuer", "Bệnh viện Chợ Rẫy" } } },
		/* ... but an issuer wrapped with digits stays the issuer */
		{ "death_notice", "Số: 12; Ngày cấp: 05/03/2021; Nơi cấp: Bệnh viện\nQuân y 175",
		  { { "number", "12" }, { "issuer", "Bệnh viện Quân y 175" } } },
		/* a residence wrapped is not a fact by its numbers: a house number, a ward */
		{ "person", "LÊ THỊ MAI\nSinh năm: 1992\nCư trú: Tổ 5,\nSố 1234\nPhường 12",
		  { { "residence", "Tổ 5, Số 1234 Phường 12" }, { "id_document", NULL } } },
		/* the same fact twice: the second continues the first's fact */
		{ "person", "LÊ THỊ MAI\nSinh năm: 1992\nCư trú: Xã Tân Phú\nGhi sổ 1993",
		  { { "birth_date", "1992" }, { "residence", "Xã Tân Phú Ghi sổ 1993" } } },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (size_t k = 0; k < 4 && rows[i].subs[k][0]; k++)
			expect_sub(rows[i].parser, rows[i].cell, rows[i].subs[k][0], rows[i].subs[k][1]);
}

/* Every composite cell of the committed sample batch parses back to its truth. */
static void test_sample_truth(void **state)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/samples/batch/truth.jsonl", SO_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[65536];
	int cells = 0, subs = 0;
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *r = json_loads(line, 0, &err);
		assert_non_null(r);
		char lname[64];
		snprintf(lname, sizeof(lname), "%s-v1", json_string_value(json_object_get(r, "type")));
		struct so_layout *l = NULL;
		assert_int_equal(so_layout_load(lname, &l), 0);
		json_t *fields = json_object_get(r, "fields"), *texts = json_object_get(r, "cells");
		for (size_t c = 0; c < l->ncolumns; c++) {
			const struct so_column *col = &l->columns[c];
			if (col->kind != SO_COLUMN_COMPOSITE)
				continue;
			const char *text = json_string_value(json_array_get(texts, c));
			struct so_parsed p;
			assert_int_equal(so_composite_parse(col->parser, text, &p), 0);
			cells++;
			for (size_t k = 0; k < col->nsubfields; k++) {
				char name[128];
				snprintf(name, sizeof(name), "%s.%s", col->prefix, col->subfields[k]);
				json_t *fv = json_object_get(fields, name);
				const char *raw = json_string_value(json_object_get(fv, "raw"));
				char *want = raw ? so_text_clean(raw, strlen(raw)) : NULL;
				char *got = span_text(text, &p, col->subfields[k]);
				if (want == NULL ? got != NULL : (!got || strcmp(got, want) != 0))
					fail_msg("%s %s in '%s': got '%s', want '%s'",
						 json_string_value(json_object_get(r, "record_id")), name,
						 text, got ? got : "(none)", want ? want : "(none)");
				subs++;
				free(want);
				free(got);
			}
		}
		so_layout_free(l);
		json_decref(r);
	}
	fclose(f);
	assert_true(cells > 50);
	print_message("%d composite cells, %d sub-fields parsed as the truth has them\n", cells, subs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_date_forms),
		cmocka_unit_test(test_two_digit_years),
		cmocka_unit_test(test_datetimes),
		cmocka_unit_test(test_composites),
		cmocka_unit_test(test_misread_labels),
		cmocka_unit_test(test_sample_truth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
