/*
 * Finding the register table on a prepared page from its ruling lines (leptonica
 * morphology): the column edges, checked against the page layout, and the row edges (header,
 * index row, entry rows; a narrow row under the header is the index row, and a printing
 * without one has its entries right under the header). Lines may be broken or faint and the
 * page slightly skewed; rules a skewed scan's binarization leaves dashed are looked for again
 * through a wider closing, and an entry-row rule too faint to see is placed by the height of the
 * other entry rows (they are printed equal), so that two entries are never read as one. A table
 * that cannot be matched to the layout is reported with the reason, never guessed.
 */
#ifndef SO_TABLE_H
#define SO_TABLE_H

#include <leptonica/allheaders.h>

#include "register/layout.h"

#define SO_TABLE_HEAD_ROWS 2   /* the header row and the index row (1) ... (n) */
#define SO_TABLE_INFER_MAX 2   /* inner column rules a page may lack (too faint to see) */

struct so_table {
	int ncols;     /* columns (= the layout's) */
	int *x;        /* ncols + 1 column edges, left to right (pixels) */
	int nrows;     /* rows, header and index row included */
	int *y;        /* nrows + 1 row edges, top to bottom */
	int head_rows; /* the rows above the entries: SO_TABLE_HEAD_ROWS, or 1 on a printing
			  without an index row (its row 1 as tall as the entry rows) */
	int rule;      /* typical rule thickness in pixels */
	int inferred;  /* inner column rules not seen (too faint) and placed by the layout's
			  widths in an empty gap; 0 on a page whose every rule was found */
	int rows_placed; /* entry-row rules not seen (too faint) and placed by the row pitch
			    inside a gap a whole number of rows tall; 0 when every rule was found */
	PIX *text;     /* the page without its ruling lines (1 bpp): what cells are cut from */
};

/* Finds the table of LAYOUT on a prepared 1-bit PAGE. Returns 0, or -1 with a reason an
 * operator understands ("found 13 columns, layout birth-v1 has 14"). Release T after. */
int so_table_find(PIX *page, const struct so_layout *layout, struct so_table *t);
void so_table_release(struct so_table *t);
/* The box of cell (ROW, COL) inside its rules (0-based, header rows counted), or NULL. */
BOX *so_table_cell_box(const struct so_table *t, int row, int col);
/* The marks of the text inside a box: its connected components of at least about 2 points
 * (specks and scanner noise do not make a cell written), their ink (pixels) in *INK and their
 * number in *MARKS. */
void so_table_ink_marks(const struct so_table *t, BOX *box, int *ink, int *marks);
/* The number of such marks inside a box. */
int so_table_marks(const struct so_table *t, BOX *box);
/* The number of connected components of the text inside a box, of any size (specks too). */
int so_table_specks(const struct so_table *t, BOX *box);

#endif
