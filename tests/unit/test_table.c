/* The table finder on drawn pages: the rules of a birth-v1 page at 300 dpi, some of them left
 * out or drawn in part, and the rows and columns it finds, to the pixel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/image.h"
#include "read/cell.h"
#include "read/table.h"
#include "register/layout.h"

enum { W = 4960, H = 3508, LEFT = 260, RIGHT = 4720, RULE = 3, ENTRIES = 5, PITCH = 443 };

/* The row edges of the drawn table: the header, the index row, ENTRIES entry rows. */
static const int header_top = 437, index_top = 600, first_entry = 649;

static int entry_edge(int i)
{
	return first_entry + i * PITCH;
}

struct drawn {
	PIX *page;
	struct so_layout *layout;
	struct so_table table;
};

/* A page of layout birth-v1 with its column rules and the rules above the entries; the inner
 * column rules in dashes of DASH pixels and gaps of GAP when DASH is not 0 (a thin rule of a
 * skewed scan, binarized). */
static void draw_frame_dashed(struct drawn *d, int dash, int gap)
{
	assert_int_equal(so_layout_load("birth-v1", &d->layout), 0);
	d->page = pixCreate(W, H, 1);
	assert_non_null(d->page);
	pixSetResolution(d->page, 300, 300);
	double at = LEFT;
	int bottom = entry_edge(ENTRIES);
	for (size_t c = 0; c <= d->layout->ncolumns; c++) {
		int inner = c > 0 && c < d->layout->ncolumns;
		for (int y = header_top; y < bottom + RULE; y += dash && inner ? dash + gap : H) {
			int len = dash && inner ? dash : bottom - header_top + RULE;
			pixRasterop(d->page, (int)at, y, RULE, len, PIX_SET, NULL, 0, 0);
		}
		if (c < d->layout->ncolumns)
			at += d->layout->columns[c].width * (RIGHT - LEFT);
	}
	pixRasterop(d->page, LEFT, header_top, RIGHT - LEFT + RULE, RULE, PIX_SET, NULL, 0, 0);
	pixRasterop(d->page, LEFT, index_top, RIGHT - LEFT + RULE, RULE, PIX_SET, NULL, 0, 0);
}

static void draw_frame(struct drawn *d)
{
	draw_frame_dashed(d, 0, 0);
}

/* A horizontal rule at Y in dashes of DASH pixels, STEP apart. */
static void draw_dashes(struct drawn *d, int y, int dash, int step)
{
	for (int x = LEFT; x < RIGHT; x += step)
		pixRasterop(d->page, x, y, x + dash > RIGHT ? RIGHT - x : dash, RULE, PIX_SET, NULL,
			    0, 0);
}

/* A horizontal rule at Y over the fraction SHARE of the table's width, in dashes. */
static void draw_rule(struct drawn *d, int y, double share)
{
	int dash = 200, step = (int)(dash / share);
	for (int x = LEFT; x < RIGHT; x += step)
		pixRasterop(d->page, x, y, x + dash > RIGHT ? RIGHT - x : dash, RULE, PIX_SET, NULL,
			    0, 0);
}

static void find(struct drawn *d)
{
	memset(&d->table, 0, sizeof(d->table));
	assert_int_equal(so_table_find(d->page, d->layout, &d->table), 0);
}

static void release(struct drawn *d)
{
	so_table_release(&d->table);
	so_layout_free(d->layout);
	pixDestroy(&d->page);
}

/* Row edge I of the table found is within 3 pixels of the centre of a rule drawn at Y. */
static void assert_edge(const struct so_table *t, int i, int y)
{
	int centre = y + RULE / 2;
	if (abs(t->y[i] - centre) > 3)
		fail_msg("row edge %d at %d, drawn at %d", i, t->y[i], centre);
}

/* The rules between the entries but for those numbered SKIP and SKIP2 (-1: none). */
static void draw_entry_rules(struct drawn *d, int skip, int skip2)
{
	for (int i = 0; i <= ENTRIES; i++)
		if (i != skip && i != skip2)
			draw_rule(d, entry_edge(i), 1);
}

/* Every entry row found where it was drawn, PLACED rules of them placed by the row height. */
static void assert_entries(const struct so_table *t, int placed)
{
	assert_int_equal(t->nrows, 2 + ENTRIES);
	assert_int_equal(t->rows_placed, placed);
	for (int i = 0; i <= ENTRIES; i++)
		assert_edge(t, 2 + i, entry_edge(i));
}

/* Every rule drawn: every row found, none placed. */
static void test_all_rules(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame(&d);
	draw_entry_rules(&d, -1, -1);
	find(&d);
	assert_int_equal(d.table.ncols, (int)d.layout->ncolumns);
	assert_int_equal(d.table.head_rows, 2);
	assert_entries(&d.table, 0);
	release(&d);
}

/* The rule between entries 3 and 4 gone (a thin pen line lost to blur): the two rows are not
 * read as one entry; the rule is placed where the other rows' height puts it. */
static void test_missing_rule(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame(&d);
	draw_entry_rules(&d, 3, -1);
	find(&d);
	assert_entries(&d.table, 1);
	release(&d);
}

/* What is left of a broken rule (a third of its length, a few pixels off the middle of the
 * gap) is where it is placed; two missing rules in one gap of three rows are both placed. */
static void test_broken_rules(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame(&d);
	draw_entry_rules(&d, 2, 4);
	draw_rule(&d, entry_edge(2) + 12, 0.3);
	find(&d);
	assert_int_equal(d.table.nrows, 2 + ENTRIES);
	assert_int_equal(d.table.rows_placed, 2);
	assert_edge(&d.table, 2 + 2, entry_edge(2) + 12);
	assert_edge(&d.table, 2 + 4, entry_edge(4));
	release(&d);

	draw_frame(&d);
	draw_entry_rules(&d, 2, 3);
	find(&d);
	assert_entries(&d.table, 2);
	release(&d);
}

/* A row one and a half times as tall as the others is not a whole number of rows: it is left
 * as it is (the layout check and the reading judge it), never cut in two. */
static void test_uneven_row_kept(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame(&d);
	draw_entry_rules(&d, 3, -1);
	draw_rule(&d, entry_edge(2) + PITCH * 3 / 2, 1);
	find(&d);
	assert_int_equal(d.table.nrows, 2 + ENTRIES);
	assert_int_equal(d.table.rows_placed, 0);
	assert_edge(&d.table, 2 + 3, entry_edge(2) + PITCH * 3 / 2);
	release(&d);
}

/* Rules dashed by the binarization of a thin, slightly skewed line (15 pixels of ink, gaps of
 * 10: more than the small closing bridges): every inner column rule, the index row's and one
 * between entries. Every column and row is found. */
static void test_dashed_rules(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame_dashed(&d, 15, 10);
	draw_entry_rules(&d, 0, 2);
	draw_dashes(&d, entry_edge(0), 15, 25);
	draw_dashes(&d, entry_edge(2), 15, 25);
	find(&d);
	assert_int_equal(d.table.ncols, (int)d.layout->ncolumns);
	assert_int_equal(d.table.inferred, 0);
	assert_entries(&d.table, 0);
	double at = LEFT;
	for (size_t c = 0; c <= d.layout->ncolumns; c++) {
		if (abs(d.table.x[c] - ((int)at + RULE / 2)) > 3)
			fail_msg("column edge %zu at %d, drawn at %d", c, d.table.x[c], (int)at);
		if (c < d.layout->ncolumns)
			at += d.layout->columns[c].width * (RIGHT - LEFT);
	}
	release(&d);
}

/* Specks of 2 x 2 pixels, 7 apart, over a box of W x H at (X, Y): print too faint for the
 * binarization, a letter in a few specks. */
static void draw_specks(struct drawn *d, int x, int y, int w, int h)
{
	for (int j = 0; j < h; j += 7)
		for (int i = 0; i < w; i += 7)
			pixRasterop(d->page, x + i, y + j, 2, 2, PIX_SET, NULL, 0, 0);
}

/* A row of faint print (specks in text lines across most of its cells) holds an entry; the
 * same print left in a few cells only (a blot over the rest) is faint, an entry where the book
 * goes on below it; specks of scan noise spread thin over a row, or gathered in one cell (a
 * seal's ring of small letters, a stain), make no entry. */
static void test_faint_row(void **state)
{
	(void)state;
	struct drawn d;
	draw_frame(&d);
	draw_entry_rules(&d, -1, -1);
	find(&d);
	int row = d.table.head_rows; /* entry 1: faint print in every cell */
	for (int c = 0; c < d.table.ncols; c++)
		for (int line = 0; line < 3; line++)
			draw_specks(&d, d.table.x[c] + 20, entry_edge(0) + 30 + 60 * line, 80, 20);
	int seal = row + 1; /* entry 2: a seal's specks in one cell */
	draw_specks(&d, d.table.x[3] + 20, entry_edge(1) + 40, 150, 150);
	int noise = row + 2; /* entry 3: a speck here and there */
	for (int i = 0; i < 40; i++)
		pixRasterop(d.page, LEFT + 37 + i * 109, entry_edge(2) + 50 + (i * 53) % 300, 2, 2,
			    PIX_SET, NULL, 0, 0);
	int sparse = row + 3; /* entry 4: faint print in three cells */
	for (int c = 2; c < 5; c++)
		for (int line = 0; line < 3; line++)
			draw_specks(&d, d.table.x[c] + 20, entry_edge(3) + 30 + 60 * line, 80, 20);
	so_table_release(&d.table);
	find(&d);
	assert_int_equal(so_row_ink(&d.table, row), SO_ROW_ENTRY);
	assert_int_equal(so_row_ink(&d.table, seal), SO_ROW_EMPTY);
	assert_int_equal(so_row_ink(&d.table, noise), SO_ROW_EMPTY);
	assert_int_equal(so_row_ink(&d.table, sparse), SO_ROW_FAINT);
	assert_int_equal(so_row_ink(&d.table, row + 4), SO_ROW_EMPTY);
	release(&d);
}

int main(void)
{
	so_image_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_rules),
		cmocka_unit_test(test_missing_rule),
		cmocka_unit_test(test_broken_rules),
		cmocka_unit_test(test_uneven_row_kept),
		cmocka_unit_test(test_dashed_rules),
		cmocka_unit_test(test_faint_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
