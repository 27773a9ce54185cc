/* Unit tests of the page layouts: the four books of layout v1 as REGISTERS.md describes them,
 * a new printing added as a file without code, and clear errors for broken layout files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "register/layout.h"

static void test_v1_books(void **state)
{
	const struct { const char *name, *type; size_t cols; const char *first_field, *composite; }
	books[] = {
		{ "birth-v1", "birth", 14, "registration_number", "mother" },
		{ "marriage-v1", "marriage", 15, "registration_number", NULL },
		{ "death-v1", "death", 15, "registration_number", "death_notice" },
		{ "parentage-v1", "parentage", 6, "registration_number", "parent" },
	};
	for (size_t i = 0; i < sizeof(books) / sizeof(books[0]); i++) {
		struct so_layout *l = NULL;
		assert_int_equal(so_layout_load(books[i].name, &l), 0);
		assert_string_equal(l->book_type, books[i].type);
		assert_int_equal(l->ncolumns, books[i].cols);
		assert_string_equal(l->columns[0].field, books[i].first_field);
		assert_int_equal(l->rows_min, 4);
		assert_int_equal(l->rows_max, 6);
		double sum = 0;
		int composite = 0;
		for (size_t c = 0; c < l->ncolumns; c++) {
			sum += l->columns[c].width;
			assert_int_equal(l->columns[c].index, (int)c + 1);
			if (l->columns[c].kind == SO_COLUMN_COMPOSITE && books[i].composite &&
			    strcmp(l->columns[c].prefix, books[i].composite) == 0)
				composite = 1;
		}
		assert_true(sum > 0.999 && sum < 1.001);
		assert_true(books[i].composite == NULL || composite);
		assert_string_equal(so_layout_default(books[i].type), books[i].name);
		so_layout_free(l);
	}
	assert_null(so_layout_default("census"));
}

/* Every kind has a name that parses back to it; fields get their kind when a layout loads. */
static void test_kinds(void **state)
{
	for (int k = SO_KIND_NONE + 1; k < SO_KINDS; k++) {
		assert_true(so_kind_name(k)[0] != 0);
		assert_int_equal(so_kind_parse(so_kind_name(k)), k);
	}
	assert_int_equal(so_kind_parse("colour"), SO_KIND_NONE);
	assert_int_equal(so_kind_parse(""), SO_KIND_NONE);
	assert_false(so_kind_in_layout(SO_KIND_KINSHIP));
	assert_false(so_kind_in_layout(SO_KIND_NONE));
	assert_true(so_kind_in_layout(SO_KIND_BLOCK));
	const struct { const char *layout, *field; enum so_kind kind; } fields[] = {
		{ "birth-v1", "registration_number", SO_KIND_NUMBER },
		{ "birth-v1", "child.birth_date", SO_KIND_DATE },
		{ "birth-v1", "child.full_name", SO_KIND_NAME },
		{ "birth-v1", "mother.residence", SO_KIND_PLACE },
		{ "birth-v1", "mother.id_document", SO_KIND_ID_DOCUMENT },
		{ "birth-v1", "declarant.relationship", SO_KIND_KINSHIP },
		{ "birth-v1", "no.such_field", SO_KIND_NONE },
		{ "death-v1", "death.datetime", SO_KIND_DATETIME },
		{ "death-v1", "death_notice.number", SO_KIND_CODE },
		{ "death-v1", "death_notice.issuer", SO_KIND_TEXT },
		{ "parentage-v1", "relationship", SO_KIND_RELATIONSHIP },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct so_layout *l = NULL;
		assert_int_equal(so_layout_load(fields[i].layout, &l), 0);
		if (so_field_kind(l, fields[i].field) != fields[i].kind)
			fail_msg("%s %s: kind '%s', want '%s'", fields[i].layout, fields[i].field,
				 so_kind_name(so_field_kind(l, fields[i].field)),
				 so_kind_name(fields[i].kind));
		so_layout_free(l);
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_new_version_is_a_file(void **state)
{
	char dir[] = "/tmp/sohoa-layout-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/death-v2.json", dir);
	write_text(path, "{\"name\": \"death-v2\", \"book_type\": \"death\", \"version\": 2,"
		    " \"title\": \"SỔ ĐĂNG KÝ KHAI TỬ\", \"rows_per_page\": [3, 8], \"columns\": ["
		    " {\"title\": \"Số\", \"kind\": \"field\", \"field\": \"registration_number\","
		    "  \"holds\": \"number\", \"width\": 1},"
		    " {\"title\": \"Người chết\", \"kind\": \"composite\", \"parser\": \"person\","
		    "  \"prefix\": \"deceased\", \"holds\": \"block\", \"width\": 3,"
		    "  \"fields\": [\"full_name\", \"birth_date\"]}]}");
	setenv("SOHOA_LAYOUT_PATH", dir, 1);
	struct so_layout *l = NULL;
	assert_int_equal(so_layout_load("death-v2", &l), 0);
	assert_int_equal(l->version, 2);
	assert_int_equal(l->ncolumns, 2);
	assert_int_equal(l->rows_max, 8);
	assert_true(l->columns[1].width > 0.74 && l->columns[1].width < 0.76);
	assert_string_equal(l->columns[1].subfields[1], "birth_date");
	so_layout_free(l);
	/* the compiled-in layouts are still found */
	assert_int_equal(so_layout_load("death-v1", &l), 0);
	so_layout_free(l);

	/* broken files say what is wrong */
	const struct { const char *json, *needle; } bad[] = {
		{ "{", "line 1" },
		{ "{\"name\": \"x\", \"book_type\": \"census\", \"title\": \"t\", \"version\": 1,"
		  " \"rows_per_page\": [4, 6], \"columns\": []}", "unknown book type 'census'" },
		{ "{\"name\": \"x\", \"book_type\": \"birth\", \"title\": \"t\", \"version\": 1,"
		  " \"rows_per_page\": [4, 6], \"columns\": []}", "'columns' must hold" },
		{ "{\"name\": \"x\", \"book_type\": \"birth\", \"title\": \"t\", \"version\": 1,"
		  " \"rows_per_page\": [4, 6], \"columns\": [{\"title\": \"a\", \"kind\": \"field\","
		  " \"field\": \"f\", \"holds\": \"colour\", \"width\": 1}]}", "unknown cell content" },
		{ "{\"name\": \"x\", \"book_type\": \"birth\", \"title\": \"t\", \"version\": 1,"
		  " \"rows_per_page\": [4, 6], \"columns\": [{\"title\": \"a\", \"kind\": \"field\","
		  " \"field\": \"f\", \"holds\": \"text\", \"width\": -1}]}", "'width' must be" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "%s/bad-v%zu.json", dir, i);
		write_text(path, bad[i].json);
		char name[32];
		snprintf(name, sizeof(name), "bad-v%zu", i);
		assert_int_equal(so_layout_load(name, &l), -1);
		if (!strstr(so_errmsg(), bad[i].needle))
			fail_msg("'%s' lacks '%s'", so_errmsg(), bad[i].needle);
		unlink(path);
	}
	assert_int_equal(so_layout_load("../etc/passwd", &l), -1);
	assert_non_null(strstr(so_errmsg(), "invalid layout name"));
	assert_int_equal(so_layout_load("nope-v9", &l), -1);
	assert_non_null(strstr(so_errmsg(), "unknown layout 'nope-v9'"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/death-v2.json", dir);
	unlink(path);
	rmdir(dir);
	unsetenv("SOHOA_LAYOUT_PATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_books),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_new_version_is_a_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
