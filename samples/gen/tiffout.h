/*
 * Writing a book's scan as a multi-page TIFF, a page at a time: CCITT G4 (1 bit), LZW (8-bit
 * grey, RGB or 1 bit), JPEG (grey, or RGB stored as YCbCr), Deflate or uncompressed, in strips
 * or tiles, with or without resolution tags. No date or software tags are written, so the same
 * pages give the same bytes. The file is written under a temporary name, synced and renamed.
 */
#ifndef GEN_TIFFOUT_H
#define GEN_TIFFOUT_H

#include "defects.h"

enum tiff_compression { TC_G4, TC_LZW, TC_JPEG, TC_DEFLATE, TC_NONE };
enum tiff_color { COLOR_GRAY, COLOR_RGB, COLOR_BILEVEL };

struct tiff_options {
	enum tiff_compression compression;
	enum tiff_color color;
	int tiled;
	int resolution;             /* write XResolution/YResolution */
	int dpi;
	int pages;                  /* total, for PageNumber */
};

const char *tiff_compression_name(enum tiff_compression c);
const char *tiff_color_name(enum tiff_color c);

struct tiff_writer;

/* Opens PATH for writing. Returns NULL with the error set. */
struct tiff_writer *tiffout_open(const char *path, const struct tiff_options *o);
/* Appends a page; R has 1 channel for grey and bilevel (thresholded at R->threshold), 3 for
 * RGB. 0, or -1 with the error set. */
int tiffout_page(struct tiff_writer *w, const struct raster *r);
/* Finishes the file and moves it into place. 0 or -1. Frees W either way. */
int tiffout_close(struct tiff_writer *w);
/* Drops the file being written and frees W. */
void tiffout_abort(struct tiff_writer *w);

#endif
