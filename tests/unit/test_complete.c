/* Unit tests of the completion from the reference lists (lib/review/complete.c): names word by
 * word with case and marks set aside, places unit by unit among those that hold the units
 * already typed and from the list in force at the registration date, ethnic groups, countries
 * and kinship terms; at most SO_COMPLETE_MAX, ranked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "review/complete.h"

static struct so_completions got;

static void ask(enum so_complete_kind kind, const char *text, long date)
{
	so_completions_release(&got);
	if (so_complete(kind, text, date, &got) < 0)
		fail_msg("so_complete '%s': %s", text, so_errmsg());
	assert_true(got.n <= SO_COMPLETE_MAX);
}

/* The index of the completion whose value is VALUE, or -1. */
static int offered(const char *value)
{
	for (size_t i = 0; i < got.n; i++)
		if (strcmp(got.v[i].value, value) == 0)
			return (int)i;
	return -1;
}

static void first_is(const char *value)
{
	if (got.n == 0 || strcmp(got.v[0].value, value) != 0)
		fail_msg("first '%s', want '%s'", got.n ? got.v[0].value : "(none)", value);
}

static int label_offered(const char *label)
{
	for (size_t i = 0; i < got.n; i++)
		if (strcmp(got.v[i].label, label) == 0)
			return 1;
	return 0;
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(so_complete_kind_parse("place"), SO_COMPLETE_PLACE);
	assert_int_equal(so_complete_kind_parse("name"), SO_COMPLETE_NAME);
	assert_int_equal(so_complete_kind_parse("Place"), SO_COMPLETE_NONE);
	assert_int_equal(so_complete_kind_parse(NULL), SO_COMPLETE_NONE);
	assert_string_equal(so_complete_kind_name(SO_COMPLETE_ETHNICITY), "ethnicity");
	assert_string_equal(so_complete_kind_name(SO_COMPLETE_NONE), "");
	assert_int_equal(so_complete_kind_of(SO_KIND_NAME), SO_COMPLETE_NAME);
	assert_int_equal(so_complete_kind_of(SO_KIND_PLACE), SO_COMPLETE_PLACE);
	assert_int_equal(so_complete_kind_of(SO_KIND_NATIONALITY), SO_COMPLETE_NATIONALITY);
	assert_int_equal(so_complete_kind_of(SO_KIND_ETHNICITY), SO_COMPLETE_ETHNICITY);
	assert_int_equal(so_complete_kind_of(SO_KIND_KINSHIP), SO_COMPLETE_KINSHIP);
	assert_int_equal(so_complete_kind_of(SO_KIND_DATE), SO_COMPLETE_NONE);
	assert_int_equal(so_complete_kind_of(SO_KIND_SEX), SO_COMPLETE_NONE);
	struct so_completions c;
	assert_int_equal(so_complete((enum so_complete_kind)42, "a", 0, &c), -1);
	assert_int_equal(c.n, 0);
}

static void test_names(void **state)
{
	(void)state;
	/* marks and case set aside: the family name first */
	ask(SO_COMPLETE_NAME, "nguy", 0);
	first_is("Nguyễn");
	assert_string_equal(got.v[0].label, "Nguyễn");
	ask(SO_COMPLETE_NAME, "NGUY", 0);
	first_is("NGUYỄN");
	ask(SO_COMPLETE_FAMILY, "tra", 0);
	first_is("Trần");
	/* the typed marks first */
	ask(SO_COMPLETE_FAMILY, "Hồ", 0);
	first_is("Hồ");
	ask(SO_COMPLETE_FAMILY, "dang", 0);
	first_is("Đặng");
	/* the last word completes, the words before kept as typed */
	ask(SO_COMPLETE_NAME, "Nguyễn Văn th", 0);
	assert_int_equal(got.n, SO_COMPLETE_MAX);
	for (size_t i = 0; i < got.n; i++)
		assert_memory_equal(got.v[i].value, "Nguyễn Văn Th", strlen("Nguyễn Văn Th"));
	assert_true(offered("Nguyễn Văn Thanh") >= 0);
	ask(SO_COMPLETE_NAME, "Nguyễn Thị thả", 0);
	first_is("Nguyễn Thị Thảo");
	ask(SO_COMPLETE_NAME, "NGUYỄN VĂN HÙ", 0);
	first_is("NGUYỄN VĂN HÙNG");
	/* one spelling of a word with its tone in either place */
	ask(SO_COMPLETE_NAME, "Lê hoa", 0);
	int hoa = 0;
	for (size_t i = 0; i < got.n; i++)
		hoa += strcmp(got.v[i].label, "Hòa") == 0 || strcmp(got.v[i].label, "Hoà") == 0;
	assert_int_equal(hoa, 1);
	/* nothing typed of the word, nothing in the lists, too long: nothing offered */
	ask(SO_COMPLETE_NAME, "Nguyễn ", 0);
	assert_int_equal(got.n, 0);
	ask(SO_COMPLETE_NAME, "qqqz", 0);
	assert_int_equal(got.n, 0);
	char longer[SO_COMPLETE_TEXT_MAX + 8];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	ask(SO_COMPLETE_NAME, longer, 0);
	assert_int_equal(got.n, 0);
}

static void test_places_by_date(void **state)
{
	(void)state;
	/* a ward of the list before 2025-07-01, with what holds it */
	ask(SO_COMPLETE_PLACE, "ben ng", 20190315);
	first_is("Phường Bến Nghé");
	assert_string_equal(got.v[0].detail, "Quận 1, Thành phố Hồ Chí Minh");
	/* abolished on 2025-07-01: not offered for a later date */
	ask(SO_COMPLETE_PLACE, "ben ng", 20260110);
	assert_false(label_offered("Phường Bến Nghé"));
	/* and a ward of the new list not before */
	ask(SO_COMPLETE_PLACE, "sai g", 20260110);
	first_is("Phường Sài Gòn");
	assert_string_equal(got.v[0].detail, "Thành phố Hồ Chí Minh");
	ask(SO_COMPLETE_PLACE, "sai g", 20190315);
	assert_false(label_offered("Phường Sài Gòn"));
	/* the reform's first day is the new list's */
	ask(SO_COMPLETE_PLACE, "sai g", 20250701);
	first_is("Phường Sài Gòn");
	ask(SO_COMPLETE_PLACE, "ben ng", 20250630);
	first_is("Phường Bến Nghé");
	/* a date unknown: both lists */
	ask(SO_COMPLETE_PLACE, "ben ng", 0);
	assert_true(label_offered("Phường Bến Nghé"));
	ask(SO_COMPLETE_PLACE, "sai g", 0);
	assert_true(label_offered("Phường Sài Gòn"));
}

static void test_places_unit_by_unit(void **state)
{
	(void)state;
	/* after the commune, its district first, then its province */
	ask(SO_COMPLETE_PLACE, "Phường Bến Nghé, ", 20190315);
	assert_int_equal(got.n, 2);
	first_is("Phường Bến Nghé, Quận 1");
	assert_string_equal(got.v[1].value, "Phường Bến Nghé, Thành phố Hồ Chí Minh");
	ask(SO_COMPLETE_PLACE, "Phường Bến Nghé, Quận 1, ", 20190315);
	assert_int_equal(got.n, 1);
	first_is("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh");
	/* the clerks' short forms: the unit word kept as written, the name completed */
	ask(SO_COMPLETE_PLACE, "p9, q3, tp h", 20190315);
	assert_int_equal(got.n, 1);
	first_is("p9, q3, tp Hồ Chí Minh");
	assert_string_equal(got.v[0].label, "Thành phố Hồ Chí Minh");
	ask(SO_COMPLETE_PLACE, "Bệnh viện Phụ sản Trung ương, P. Hang b", 20120608);
	assert_true(offered("Bệnh viện Phụ sản Trung ương, P. Hàng Bông") >= 0);
	ask(SO_COMPLETE_PLACE, "Bệnh viện Phụ sản Trung ương, P. Hàng Bông, Q. Ho", 20120608);
	assert_int_equal(got.n, 1);
	first_is("Bệnh viện Phụ sản Trung ương, P. Hàng Bông, Q. Hoàn Kiếm");
	assert_string_equal(got.v[0].detail, "Thành phố Hà Nội");
	ask(SO_COMPLETE_PLACE, "TT. Hợp Hòa, H. Tam Dương, T. V", 20120608);
	assert_int_equal(got.n, 1);
	first_is("TT. Hợp Hòa, H. Tam Dương, T. Vĩnh Phúc");
	/* the kind the unit word says first; one value once */
	ask(SO_COMPLETE_PLACE, "TT. Hợp H", 20120608);
	first_is("TT. Hợp Hòa");
	assert_string_equal(got.v[0].label, "Thị trấn Hợp Hòa");
	for (size_t i = 1; i < got.n; i++)
		assert_string_not_equal(got.v[i].value, "TT. Hợp Hòa");
	/* the unit word alone: the units of that kind above the ward */
	ask(SO_COMPLETE_PLACE, "P9, Q.", 20190315);
	assert_true(offered("P9, Q.3") >= 0);
	for (size_t i = 0; i < 7 && i < got.n; i++)
		assert_memory_equal(got.v[i].label, "Quận ", strlen("Quận "));
	/* a unit word typed plainly is the unit's own */
	ask(SO_COMPLETE_PLACE, "phuong ben ng", 20190315);
	first_is("Phường Bến Nghé");
	/* a hospital whose address is known, with its ward of the date */
	ask(SO_COMPLETE_PLACE, "benh vien tu", 20190315);
	first_is("Bệnh viện Từ Dũ");
	assert_string_equal(got.v[0].detail, "Phường Phạm Ngũ Lão");
	ask(SO_COMPLETE_PLACE, "Bệnh viện Phụ sản Trung ương, P. Hàng B", 20120608);
	assert_true(offered("Bệnh viện Phụ sản Trung ương, P. Hàng Bông") >= 0);
	/* a place whole: nothing above its province */
	ask(SO_COMPLETE_PLACE, "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh, q", 20190315);
	assert_int_equal(got.n, 0);
	/* "Q" alone begins a name (Quảng Ngãi), "Q." is a district's word */
	ask(SO_COMPLETE_PLACE, "Xã Tịnh Ấn Tây, q", 20190315);
	assert_true(label_offered("Tỉnh Quảng Ngãi"));
	ask(SO_COMPLETE_PLACE, "Xã Tân Lập, h", 20190315);
	assert_true(got.n >= 2);
	for (size_t i = 0; i < got.n; i++)
		assert_memory_equal(got.v[i].value, "Xã Tân Lập, ", strlen("Xã Tân Lập, "));
	/* a hamlet or a street before the commune is kept and passed over */
	ask(SO_COMPLETE_PLACE, "Số 5 Lê Lợi, Phường Sài Gòn, ", 20260110);
	assert_int_equal(got.n, 1);
	first_is("Số 5 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh");
	ask(SO_COMPLETE_PLACE, "Ấp 3, xã tân l", 20190315);
	assert_int_equal(got.n, SO_COMPLETE_MAX);
	for (size_t i = 0; i < got.n; i++)
		assert_memory_equal(got.v[i].value, "Ấp 3, ", strlen("Ấp 3, "));
	/* the new list has no district: after the ward, the province */
	ask(SO_COMPLETE_PLACE, "Phường Sài Gòn, q", 20260110);
	assert_int_equal(got.n, 0);
	/* nothing typed: nothing offered */
	ask(SO_COMPLETE_PLACE, "", 20190315);
	assert_int_equal(got.n, 0);
	ask(SO_COMPLETE_PLACE, "Ấp 3, ", 20190315);
	assert_int_equal(got.n, 0);
}

static void test_coded_and_kinship(void **state)
{
	(void)state;
	ask(SO_COMPLETE_ETHNICITY, "kin", 0);
	first_is("Kinh");
	ask(SO_COMPLETE_ETHNICITY, "khm", 0);
	first_is("Khmer");
	assert_string_equal(got.v[0].detail, "Khơ-me");
	ask(SO_COMPLETE_ETHNICITY, "kho me", 0);
	first_is("Khơ-me");
	assert_string_equal(got.v[0].detail, "");
	ask(SO_COMPLETE_NATIONALITY, "han q", 0);
	first_is("Hàn Quốc");
	ask(SO_COMPLETE_NATIONALITY, "viet", 0);
	first_is("Việt Nam");
	ask(SO_COMPLETE_KINSHIP, "ong n", 0);
	assert_int_equal(got.n, 2);
	assert_true(offered("ông nội") >= 0 && offered("ông ngoại") >= 0);
	ask(SO_COMPLETE_KINSHIP, "me", 0);
	first_is("mẹ");
}

static int teardown(void **state)
{
	(void)state;
	so_completions_release(&got);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_places_by_date),
		cmocka_unit_test(test_places_unit_by_unit),
		cmocka_unit_test(test_coded_and_kinship),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
