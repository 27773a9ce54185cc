/*
 * Drawing one register page with cairo and pango into an ink-coverage image (8 bits, 0 no
 * ink, 255 full ink) the size of the A3 landscape sheet at the chosen dpi: the top band, the
 * ruled table with its header and index rows, and the entries, each cell's text wrapped to the
 * cell and shrunk when it would not fit. Skew is applied here, as a rotation of everything
 * drawn about the page centre. The paper, its defects and the output format come later.
 */
#ifndef GEN_RENDER_H
#define GEN_RENDER_H

#include <stddef.h>

#include "content.h"
#include "rng.h"

#define PAGE_WIDTH_MM 420.0
#define PAGE_HEIGHT_MM 297.0
#define RENDER_MAX_COLUMNS 64
#define RENDER_MAX_ROWS 16

/* How a book was printed: drawn once per book. */
struct print_style {
	const char *font;                       /* print font family */
	double widths[RENDER_MAX_COLUMNS];      /* column widths, summing to 1 */
	double left_mm, right_mm, top_mm, bottom_mm;
};

/* Where the table is, in pixels of the unrotated, unskewed page. */
struct page_geometry {
	double col_x[RENDER_MAX_COLUMNS + 1];
	size_t ncol_x;
	double row_y[RENDER_MAX_ROWS + 3];      /* header, index, entry rows: top edges + bottom */
	size_t nrow_y;
	double box[4];                          /* x0 y0 x1 y1 of all print, after skew */
};

/* An ink-coverage image; data rows are stride bytes apart. */
struct ink {
	unsigned char *data;
	int width, height, stride;
	void *surface;                          /* the cairo surface owning data */
};

struct renderer;

/* The font machinery, shared by all pages. Returns NULL with the error set. */
struct renderer *renderer_new(void);
void renderer_free(struct renderer *r);
/* The print fonts installed (a subset of Noto Serif, Noto Sans, DejaVu Serif, DejaVu Sans). */
size_t renderer_fonts(struct renderer *r, const char **fonts, size_t max);
/* 1 when the handwriting font is installed. */
int renderer_has_handwriting(struct renderer *r);

/* Draws a book's printing style for LAYOUT (fonts, widths within ±3%, margins). */
void print_style_draw(struct renderer *rr, const struct so_layout *layout, struct rng *r,
                      struct print_style *ps);

struct page_text {
	const char *title;                      /* layout title */
	int year;
	const char *volume;
	const char *authority;
};

/* Renders PAGE (not blank) at DPI, turned by SKEW_DEG (cairo's sense: positive clockwise on
 * screen). R drives the handwriting jitter and the blot. Returns 0, or -1 with the error set;
 * release INK with ink_release. */
int render_page(struct renderer *rr, const struct so_layout *layout, const struct print_style *ps,
                const struct page_text *text, const struct book_page *page, int dpi,
                double skew_deg, struct rng *r, struct ink *ink, struct page_geometry *geo);
/* A blank ink image (an empty sheet) of the page size at DPI. */
int ink_blank(int dpi, struct ink *ink);
void ink_release(struct ink *ink);
/* Page size in pixels at DPI. */
void page_pixels(int dpi, int *width, int *height);

#endif
