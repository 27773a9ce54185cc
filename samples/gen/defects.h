/*
 * Scan defects and the making of the scanned raster. Defects of the ink (speckle, blur) work
 * on the ink-coverage image; the paper (its tone, yellowing with uneven stains, low contrast,
 * slight noise) and the dark scanner-bed borders come in when ink and paper are combined into
 * the grey or RGB raster; last the raster is turned to the requested orientation. Skew is not
 * here: the renderer draws it.
 */
#ifndef GEN_DEFECTS_H
#define GEN_DEFECTS_H

#include <stddef.h>

#include "render.h"
#include "rng.h"

enum defect {
	DEFECT_SKEW = 1 << 0,
	DEFECT_SPECKLE = 1 << 1,
	DEFECT_BLUR = 1 << 2,
	DEFECT_LOWCONTRAST = 1 << 3,
	DEFECT_YELLOW = 1 << 4,
	DEFECT_BORDER = 1 << 5,
};
#define DEFECT_COUNT 6

/* "skew", "speckle", ... for bit I (0-based), and the bit of a name (0 when unknown). */
const char *defect_name(int i);
unsigned defect_from_name(const char *name, size_t len);

struct raster {
	unsigned char *px;          /* rows of width*channels bytes, no padding */
	int width, height, channels;
	int threshold;              /* grey level below which a pixel is ink (for bilevel) */
};

/* Applies the ink defects of FLAGS to INK in place. 0, or -1 with the error set. */
int defects_ink(struct ink *ink, unsigned flags, int dpi, struct rng *r);
/* Combines INK with paper into OUT (1 or 3 CHANNELS), with the paper defects of FLAGS and,
 * when DEFECT_BORDER is set, dark bands kept clear of BOX (x0 y0 x1 y1 in pixels). BLANK
 * gives a clean sheet the faint unevenness and noise of paper. 0, or -1 with the error set;
 * OUT is the caller's to release with raster_release. */
int defects_compose(const struct ink *ink, unsigned flags, int channels, int blank,
                    const double box[4], int dpi, struct rng *r, struct raster *out);
/* The same with the printing's own ink and paper colours (RGB 0-255; NULL for the classic
 * black on white), which the defects then change as they would the classic ones. INK's
 * colour layers (seal, signature) are laid over the print in their colours. */
int defects_compose_coloured(const struct ink *ink, unsigned flags, int channels, int blank,
                             const double box[4], int dpi, struct rng *r,
                             const double *ink_rgb, const double *paper_rgb,
                             struct raster *out);
/* Turns R clockwise by ROTATION (0, 90, 180, 270). */
int raster_rotate(struct raster *r, int rotation);
void raster_release(struct raster *r);

#endif
