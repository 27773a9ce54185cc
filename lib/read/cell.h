/*
 * Reading the cells of a register table: the index row read as (1) ... (n) and the header row
 * scored against the layout's titles (evidence of the page's layout, never a gate), and each
 * entry row read cell by cell with the recognizer configured for what the cell holds, spelt
 * as its kind is written (spell.h), corroborated by other readings (corroborate.h), composite
 * cells split into their sub-fields.
 * What a row gives is kept in memory, for the ocr stage to store in one short transaction.
 */
#ifndef SO_CELL_H
#define SO_CELL_H

#include <stddef.h>

#include "batch/store.h"
#include "read/handwriting.h"
#include "read/recognize.h"
#include "read/table.h"
#include "register/layout.h"

/* What reads cells: the recognizer and the latest year a date in a register can be. */
struct so_cell_reader {
	struct so_recognizer *rec;
	int this_year;
};

/* One thing a row stores: the text read from a cell (col > 0: so_cell_put's arguments) or a
 * field (col 0: so_field_put's). */
struct so_put {
	int col;
	char *name, *text, *value;
	double conf;
	int marks, boxed;
	struct so_bbox box;
	struct so_hand_cell hand;   /* col > 0: handwritten or printed, and why */
};

/* An entry row read: its number among the page's entry rows (from 1), its box, what it
 * stores, in order. */
struct so_row_read {
	int row;
	struct so_bbox box;
	struct so_put *v;
	size_t n, cap;
};

void so_row_read_release(struct so_row_read *r);

/* How table T of a page reads against layout L: its index row as (1) (2) ... (n) and its header
 * row against the layout's titles, judged (so_layout_judge) into *OUT. The page is read either
 * way: a grid with the layout's columns is the layout's, and a poor index row or header is
 * evidence for the rules (LAYOUT_UNCERTAIN), not a reason to fail the page. 0, or -1 when the
 * recognizer fails. */
int so_layout_evidence(const struct so_cell_reader *r, const struct so_table *t,
		       const struct so_layout *l, struct so_page_layout *out);
/* The judgement of the evidence in *PL (index_read of index_cells cells read as their number,
 * index_cells 0 for a table without an index row; header the share of title words found):
 * sets index_poor (the index row reads poorly or is missing, and the header does not name the
 * book by itself), header_poor and the reason in doubt ("" when the layout stands) for layout
 * L. No recognizer: pure. */
void so_layout_judge(struct so_page_layout *pl, const struct so_layout *l);
/* What entry row ROW of T holds. SO_ROW_ENTRY: an entry, by marks enough (specks and stains
 * leave a few) or by the specks of print too faint to binarize whole spread over a quarter of
 * its cells. SO_ROW_FAINT: such specks over fewer cells (an eighth, two at least), an entry
 * only where one lies below it (the book goes on). SO_ROW_EMPTY: nothing to read. */
enum so_row_ink { SO_ROW_EMPTY, SO_ROW_FAINT, SO_ROW_ENTRY };
enum so_row_ink so_row_ink(const struct so_table *t, int row);
/* Reads entry row ROW of T (0-based, head rows counted), laid out as L, into *OUT (zeroed
 * first; release with so_row_read_release, also on failure). 0, or -1. */
int so_row_read(const struct so_cell_reader *r, const struct so_table *t,
		const struct so_layout *l, int row, struct so_row_read *out);
/* The handwriting decisions of a page's NROWS entry rows ROWS, read from T: each cell's
 * letters against their twins on the page (so_hand_twins), each cell decided again, then
 * each row's cells weighed together (so_hand_row). Until then a row's decisions are its cells'
 * own. 0, or -1 (no memory). */
int so_page_hands(const struct so_table *t, struct so_row_read *rows, size_t nrows);

#endif
