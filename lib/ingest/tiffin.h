/*
 * Reading scanned pages from (multi-page) TIFF, one page at a time and in order, so that a
 * book of any length is read in linear time with one page in memory. Every file gets its own
 * libtiff error handlers and allocation cap: a corrupt, truncated or hostile file yields a
 * clear error for that file and nothing else. Pages are decoded to 8-bit grey (leptonica PIX)
 * as they look: turned and mirrored by their Orientation tag, transparency laid on white paper.
 * Messages say what is wrong in plain words, never libtiff's text, and name neither the file
 * nor the page (the caller does).
 */
#ifndef SO_TIFFIN_H
#define SO_TIFFIN_H

#include <leptonica/allheaders.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what a page header may claim before anything is allocated. */
#define SO_TIFF_MAX_DIM 30000u            /* pixels per side: A3 at 1800 dpi */
#define SO_TIFF_MAX_PIXELS 120000000ull   /* A3 at 700 dpi */
#define SO_TIFF_MAX_ALLOC (512u << 20)    /* one libtiff allocation */
#define SO_TIFF_MAX_PAGES 20000

struct so_tiff;

struct so_tiff_page {
	int index;              /* 0-based page (directory) number */
	uint32_t width, height; /* the page as it looks (orientation applied) */
	uint32_t stored_width, stored_height; /* as its rows are stored */
	int orientation;        /* the TIFF Orientation tag, 1-8 */
	uint16_t photometric;   /* the tag, or what a page without it means */
	uint16_t compression_tag;
	int bits;               /* bits per sample */
	int samples;            /* samples per pixel */
	const char *color;      /* "bilevel", "gray" or "rgb" */
	const char *compression;/* "none", "g4", "lzw", "jpeg", ... */
	int tiled;
	double dpi;             /* horizontal resolution in dots per inch (of the upright page) */
	double ydpi;            /* vertical resolution; the horizontal one when only one is given */
	int dpi_from_tag;       /* 0 when estimated from the page size (A3 assumed) */
};

/* Opens a file and reads its first page header. 0, or -1 with the error set. */
int so_tiff_open(const char *path, struct so_tiff **out);
/* The same over a memory buffer that outlives the reader; NAME is used in messages. */
int so_tiff_open_memory(const void *data, size_t size, const char *name, struct so_tiff **out);
void so_tiff_close(struct so_tiff *t);

/* The 0-based index of the current page. */
int so_tiff_index(const struct so_tiff *t);
/* Counts the pages that can be reached by reading the page headers in order (no pixel is
 * decoded; a header that cannot be read or a chain looping back ends the count); stays on the
 * current page. -1 on error. */
int so_tiff_count_pages(struct so_tiff *t);
/* Advances to the next page: 1 moved, 0 no more pages (a chain that loops back to a page
 * already read ends there, with a note), -1 the next page cannot be read. */
int so_tiff_next(struct so_tiff *t);
/* What the last so_tiff_next or so_tiff_read_gray found worth telling the operator although it
 * succeeded (a looping page chain; damage the decoder patched over), or "". Owned by T. */
const char *so_tiff_note(const struct so_tiff *t);
/* Describes the current page, checking its header against the limits. 0 or -1. */
int so_tiff_page_info(struct so_tiff *t, struct so_tiff_page *info);
/* Decodes the current page to an 8-bit grey PIX as the page looks (caller destroys) with its
 * horizontal and vertical resolution set; sha256 (may be NULL) gets the checksum of the
 * decoded pixels and size. A layout the direct decoder cannot read goes to libtiff's RGBA
 * reader, as does a page it fails on. NULL on error. */
PIX *so_tiff_read_gray(struct so_tiff *t, char sha256[65]);

#endif
