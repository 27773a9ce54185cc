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
#include <stdint.h>

#include "content.h"
#include "hand.h"
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
	/* from the hand (the classic hand's values for it) */
	const struct hand *hand;
	double entry_pt, letter_spacing_pt, line_spacing;
	const char *titles[RENDER_MAX_COLUMNS]; /* the header's wording of each column */
	int band_form;                          /* 0: "Năm 2019 - Quyển số: 01", others */
	enum index_mode index;                  /* the index row (1) ... (n) */
	enum paper_kind paper;
	enum ink_kind ink;
};

/* What crosses the cells of one page besides the print: a red seal, a signature. */
struct page_marks {
	int seal, signature;
	struct rng rng;                         /* where and how they are drawn */
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
struct ink_layer {
	unsigned char *data;                    /* coverage, NULL when the layer is unused */
	int stride;
	void *surface;
	double rgb[3];                          /* its colour */
};

#define INK_LAYERS 2                        /* the seal's red, the signature's pen */

struct ink {
	unsigned char *data;
	int width, height, stride;
	void *surface;                          /* the cairo surface owning data */
	struct ink_layer layers[INK_LAYERS];    /* coloured marks laid over the print */
};

struct renderer;

/* The font machinery, shared by all pages. Returns NULL with the error set. */
struct renderer *renderer_new(void);
void renderer_free(struct renderer *r);
/* The print fonts installed (a subset of Noto Serif, Noto Sans, DejaVu Serif, DejaVu Sans). */
size_t renderer_fonts(struct renderer *r, const char **fonts, size_t max);
/* 1 when the handwriting font is installed. */
int renderer_has_handwriting(struct renderer *r);
/* 0 when the font of every writer of SET (bit i: writer_at(i)) is installed, else -1 with
 * the error set. */
int renderer_check_writers(struct renderer *r, uint32_t set);

/* Draws a book's printing style for LAYOUT in HAND (fonts, widths within ±3% for the classic
 * hand, margins, and the hand's header wording, index row, paper and ink). 0, or -1 with the
 * error set when none of the hand's fonts is installed. */
int print_style_draw(struct renderer *rr, const struct so_layout *layout, const struct hand *hand,
                     struct rng *r, struct print_style *ps);
/* The ink and paper colours of a printing (RGB, 0-255). */
void print_style_colours(const struct print_style *ps, double ink[3], double paper[3]);
/* Draws MARKS (seal, signature) of a page onto INK's colour layers, around the table of GEO,
 * turned by SKEW_DEG like the print. 0 or -1. */
int render_marks(struct ink *ink, const struct page_geometry *geo, const struct page_marks *marks,
                 const struct print_style *ps, int dpi, double skew_deg);

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
/* The line of the band under the title in the printing's form ("Năm 2019 - Quyển số: 01"). */
void band_line(const struct print_style *ps, const struct page_text *t, char *out, size_t len);
/* An ink image of the page size at DPI made from a rendered picture of the page (PNG, any
 * size: cropped or padded to the page), dark pixels being ink; turned by SKEW_DEG. */
int ink_from_png(const char *path, int dpi, double skew_deg, struct ink *ink);
/* A blank ink image (an empty sheet) of the page size at DPI. */
int ink_blank(int dpi, struct ink *ink);
void ink_release(struct ink *ink);
/* The box (x0 y0 x1 y1) of all a printing puts on a page at DPI, turned by SKEW_DEG. */
void page_print_box(const struct print_style *ps, int dpi, double skew_deg, double box[4]);
/* Page size in pixels at DPI. */
void page_pixels(int dpi, int *width, int *height);

#endif
