/*
 * Writing small TIFF files in every layout sohoa must read (bilevel, grey 8/16 bit, RGB,
 * YCbCr JPEG, palette, tiled, planar), for the reader's tests and the fuzz corpus seeds.
 */
#ifndef SO_TEST_TIFFWRITE_H
#define SO_TEST_TIFFWRITE_H

#include <stddef.h>
#include <stdint.h>

enum tw_kind { TW_GRAY8, TW_GRAY16, TW_BILEVEL_WHITE, TW_BILEVEL_BLACK, TW_RGB, TW_PALETTE,
	       TW_RGBA, TW_GRAYA };

struct tw_spec {
	const char *name;
	enum tw_kind kind;
	uint16_t compression;
	int tiled;
	int separate;      /* planar configuration separate (RGB) */
	uint16_t orientation;
	int ycbcr;         /* RGB stored as YCbCr (JPEG) */
	int lossy;
	float dpi;         /* 0: no resolution tags */
	uint16_t resunit;  /* 0: inch */
	float ydpi;        /* vertical resolution of the page as it looks; 0: the same as dpi */
	uint16_t alpha;    /* TW_RGBA, TW_GRAYA: EXTRASAMPLE_ASSOCALPHA or _UNASSALPHA */
	int no_photometric;/* the Photometric tag left out */
};

/* The page as it looks of the alpha kinds: the pattern's dark pixels are opaque ink, the rest
 * is transparent (laid on white paper, it reads as the pattern with white for its light). */
#define TW_ALPHA_INK 128

/* Grey value of the picture at (x, y). */
typedef uint8_t (*tw_pattern)(uint32_t x, uint32_t y);

/* The formats of the reader's tests, NULL-name terminated. */
extern const struct tw_spec tw_specs[];

/* Writes N pages that look W x H pixels (orientations 5-8 store them H x W, every orientation
 * stores the rows so that the page shown by the tag's rule is the pattern); 0 or -1. Bilevel
 * pages threshold the pattern at 128. */
int tw_write(const char *path, const struct tw_spec *pages, int n, uint32_t w, uint32_t h,
	     tw_pattern pattern);

/* Writes a one-page old-style JPEG TIFF (Compression 6, greyscale, 8 bits) around JPEG, a
 * complete JFIF stream of a W x H grey image, the way old scanners did: the whole stream as
 * the one strip and named again by JPEGInterchangeFormat. 0 or -1. */
int tw_write_old_jpeg(const char *path, const unsigned char *jpeg, size_t len, uint32_t w,
		      uint32_t h, float dpi);

/* Writes a one-page 8-bit palette TIFF whose colormap holds 8-bit values in its 16-bit
 * entries (a writer's bug libtiff tolerates): a grey ramp of the pattern. 0 or -1. */
int tw_write_palette_8bit_cmap(const char *path, uint32_t w, uint32_t h, tw_pattern pattern);

/* Writes two pages whose chain loops: the second page's next-page offset points back at the
 * first. 0 or -1. */
int tw_write_page_loop(const char *path, const struct tw_spec *page, uint32_t w, uint32_t h,
		       tw_pattern pattern);

#endif
