/* Unit tests of how a page's layout evidence is judged (so_layout_judge): the index row and the
 * header are two witnesses of one fact, that the grid is the book's layout. A header that reads
 * as the layout's titles stands alone; an index row that reads well stands with a fair header;
 * a header unlike the layout's raises the doubt whatever the index row says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "batch/store.h"
#include "read/cell.h"
#include "register/layout.h"

static void test_judge(void **state)
{
	(void)state;
	static const struct {
		int index_read, index_cells;
		double header;
		int index_poor, header_poor;
		const char *doubt;  /* the start of the reason, "" for none */
	} cases[] = {
		/* both read well */
		{ 15, 15, 1.0, 0, 0, "" },
		{ 9, 15, 0.8, 0, 0, "" },
		/* the index row faint, unreadable or missing, the header clear: the layout stands */
		{ 0, 15, 0.8, 0, 0, "" },
		{ 8, 15, 0.867, 0, 0, "" },
		{ 0, 0, 0.9, 0, 0, "" },
		/* the index row poor and the header only fair: in doubt */
		{ 8, 15, 0.7, 1, 0, "the index row reads 8 of 15 cells as (1) ... (15)" },
		{ 0, 0, 0.7, 1, 0, "the table has no index row (1) ... (15)" },
		/* a header that reads half as the layout's: another book of as many columns */
		{ 15, 15, 0.517, 0, 1, "the header row reads unlike layout marriage-v1 (52%" },
		/* a header unlike the layout's (another book with as many columns) */
		{ 15, 15, 0.4, 0, 1, "the header row reads unlike layout marriage-v1 (40%" },
		{ 0, 15, 0.2, 1, 1, "the index row reads 0 of 15 cells as (1) ... (15); the header" },
	};
	struct so_layout *l = NULL;
	assert_int_equal(so_layout_load("marriage-v1", &l), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct so_page_layout pl;
		memset(&pl, 0, sizeof(pl));
		pl.index_read = cases[i].index_read;
		pl.index_cells = cases[i].index_cells;
		pl.header = cases[i].header;
		so_layout_judge(&pl, l);
		assert_int_equal(pl.index_poor, cases[i].index_poor);
		assert_int_equal(pl.header_poor, cases[i].header_poor);
		assert_memory_equal(pl.doubt, cases[i].doubt, strlen(cases[i].doubt));
		if (!cases[i].doubt[0])
			assert_string_equal(pl.doubt, "");
	}
	so_layout_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
