/*
 * The ground truth beside the scans: truth.jsonl (one record per entry, in the export shape of
 * SPEC.md plus the planted anomalies and the text of every cell), pages.jsonl (one line per
 * stored page: its image format, skew, rotation, defects and where the table's rules are) and
 * manifest.ini (the books, for `sohoa run --manifest`). Each line is appended to a buffer; the
 * caller writes the buffers out.
 */
#ifndef GEN_TRUTH_H
#define GEN_TRUTH_H

#include <stddef.h>

#include "base/util.h"
#include "content.h"
#include "render.h"

struct book_ident {
	const char *type;
	int year;
	const char *volume;
	const char *authority;      /* commune code */
	const char *layout;         /* "birth-v1" */
	const char *file;           /* basename of the TIFF */
	const char *style;          /* the style family, NULL for the classic hand (not written) */
	int hand_marks;             /* entries say whether and where they are handwritten */
};

struct page_record {
	size_t page_index;
	int printed_number;         /* 0 for a blank sheet */
	int dpi, width, height;     /* of the stored image */
	const char *compression, *color;
	int bits, samples, tiled, resolution;
	double skew_deg;
	int rotation;
	unsigned defects;           /* DEFECT_* bits applied */
	int blank, rows;
	size_t entries;
	const struct page_geometry *geo;   /* NULL for a blank sheet */
	/* other hands only (written when the book has a style) */
	const char *index_row;      /* "present", "faint", "missing" */
	const char *paper, *ink;    /* "white", "grey", "yellowed"; "black", "blue" */
	int seal, signature;        /* marks across the cells */
	const char *engine;         /* "cairo", "chromium" */
};

/* Appends the truth line of entry E (on page PAGE_INDEX, 1-based ROW) to OUT. 0 or -1. */
int truth_entry(struct so_buf *out, const struct book_ident *b, const struct so_layout *layout,
                const struct entry *e, size_t page_index, size_t row);
/* Appends the pages.jsonl line of a page to OUT. */
int truth_page(struct so_buf *out, const struct book_ident *b, const struct page_record *p);
/* Appends the manifest section of a book to OUT. */
int truth_manifest_book(struct so_buf *out, const struct book_ident *b);

#endif
