/* Telling a handwritten cell from a printed one (see handwriting.h). */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/util.h"
#include "read/handwriting.h"
#include "register/lexicon.h"

static const char *const feature_names[SO_HAND_FEATURES] = {
	[SO_HF_STROKE_MEAN] = "stroke_mean", [SO_HF_STROKE_CV] = "stroke_cv",
	[SO_HF_SLANT] = "slant", [SO_HF_SLANT_GAIN] = "slant_gain",
	[SO_HF_BASELINE] = "baseline", [SO_HF_COMPS_PER_H] = "comps_per_h",
	[SO_HF_ASPECT] = "aspect", [SO_HF_FILL] = "fill", [SO_HF_HOLES] = "holes",
	[SO_HF_HEIGHT_CV] = "height_cv", [SO_HF_CONF_MEAN] = "conf_mean",
	[SO_HF_CONF_MIN] = "conf_min", [SO_HF_ODD_CHARS] = "odd_chars",
	[SO_HF_ODD_WORDS] = "odd_words", [SO_HF_STROKE_SPREAD] = "stroke_spread",
	[SO_HF_TWIN_DIST] = "twin_dist",
};

const char *so_hand_feature_name(int i)
{
	return i >= 0 && i < SO_HAND_FEATURES ? feature_names[i] : "";
}

const char *so_hand_name(enum so_hand h)
{
	return h == SO_HAND_WRITTEN ? "handwritten" : h == SO_HAND_PRINTED ? "printed" : "blank";
}

/* The ink ------------------------------------------------------------------------------------ */

/* Shears tried for the slant: x' = x - s * y, s from -SLANT_MAX to SLANT_MAX. */
#define SLANT_MAX 0.6
#define SLANT_STEPS 48
/* Components smaller than this share of the median height are marks (diacritics, dots,
 * specks), not letters. */
#define LETTER_SHARE 0.5

struct comp {
	int x, y, w, h, ink, holes, idx;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void mean_cv(const double *v, size_t n, double *mean, double *cv)
{
	double s = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	*mean = n ? s / n : 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*cv = n > 1 && *mean > 0 ? sqrt(ss / (n - 1)) / *mean : 0;
}

/* The holes of component image P: white regions not reaching its border. */
static int holes_of(PIX *p)
{
	PIX *b = pixAddBorder(p, 1, 0);
	int n = 0;
	if (b && pixInvert(b, b) && pixCountConnComp(b, 4, &n) == 0)
		n = n > 0 ? n - 1 : 0;
	pixDestroy(&b);
	return n;
}

/* 1 when pixel X of row LINE of the distance image (WPL words a row) is on a stroke's ridge:
 * ink at least as far from the background as its four neighbours. */
static int ridge(l_uint32 *line, int wpl, int x)
{
	int c = GET_DATA_BYTE(line, x);
	return c && c >= GET_DATA_BYTE(line, x - 1) && c >= GET_DATA_BYTE(line, x + 1) &&
	       c >= GET_DATA_BYTE(line - wpl, x) && c >= GET_DATA_BYTE(line + wpl, x);
}

/* Stroke width in the box X, Y, W, H of the distance image D: twice the distance to the
 * background on the strokes' ridges, in pixels; mean and CV (0, 0 when no ridge). */
static int stroke_width(PIX *d, int bx, int by, int bw, int bh, double *mean, double *cv)
{
	*mean = *cv = 0;
	int w = pixGetWidth(d), h = pixGetHeight(d), wpl = pixGetWpl(d);
	l_uint32 *data = pixGetData(d);
	double *v = NULL;
	size_t n = 0, cap = 0;
	int x0 = bx > 1 ? bx : 1, y0 = by > 1 ? by : 1;
	int x1 = bx + bw < w - 1 ? bx + bw : w - 1, y1 = by + bh < h - 1 ? by + bh : h - 1;
	for (int y = y0; y < y1; y++) {
		l_uint32 *line = data + y * wpl;
		for (int x = x0; x < x1; x++) {
			if (!ridge(line, wpl, x))
				continue;
			if (SO_ARRAY_GROW(v, n, cap) < 0) {
				free(v);
				return -1;
			}
			v[n++] = 2.0 * GET_DATA_BYTE(line, x) - 1;
		}
	}
	mean_cv(v, n, mean, cv);
	free(v);
	return 0;
}

/* The variation of the stroke width from letter to letter: the CV of the N letters' mean
 * stroke widths in the distance image D (0 under three letters). */
static int stroke_spread(PIX *d, const struct comp *c, size_t n, double *spread)
{
	*spread = 0;
	if (n < 3)
		return 0;
	double *m = so_calloc(n, sizeof(double)), mean, cv;
	if (!m)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (stroke_width(d, c[i].x, c[i].y, c[i].w, c[i].h, &m[k], &cv) < 0) {
			free(m);
			return -1;
		}
		k += m[k] > 0;
	}
	mean_cv(m, k, &mean, spread);
	free(m);
	return 0;
}

/* Slant: the shear s (x' = x - s (y - y0)) whose column histogram of the ink is sharpest (the
 * largest sum of squared column counts); *gain how much sharper than upright (0: upright is
 * the sharpest). Over the ink pixels only (a tenth of a cell, or less). */
static int slant_of(PIX *cell, double *slant, double *gain)
{
	*slant = *gain = 0;
	int w = pixGetWidth(cell), h = pixGetHeight(cell), wpl = pixGetWpl(cell);
	int off = (int)(SLANT_MAX * h) + 1, span = w + 2 * off + 2;
	l_uint32 *data = pixGetData(cell);
	int *xs = NULL, *ys = NULL;
	size_t n = 0, xcap = 0, ycap = 0;
	double *col = so_calloc(span, sizeof(double));
	int rc = -1;
	if (!col)
		goto done;
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		for (int k = 0; k < wpl; k++) {
			if (!line[k])
				continue;
			for (int x = 32 * k; x < 32 * k + 32 && x < w; x++) {
				if (!GET_DATA_BIT(line, x))
					continue;
				if (SO_ARRAY_GROW(xs, n, xcap) < 0 || SO_ARRAY_GROW(ys, n, ycap) < 0)
					goto done;
				xs[n] = x;
				ys[n++] = h / 2 - y;
			}
		}
	}
	double best = -1, upright = 0;
	for (int k = 0; k <= SLANT_STEPS; k++) {
		double s = -SLANT_MAX + 2 * SLANT_MAX * k / SLANT_STEPS;
		memset(col, 0, span * sizeof(double));
		for (size_t i = 0; i < n; i++)
			col[xs[i] + (int)lround(s * ys[i]) + off]++;
		double sharp = 0;
		for (int i = 0; i < span; i++)
			sharp += col[i] * col[i];
		if (k == SLANT_STEPS / 2)
			upright = sharp;
		if (sharp > best) {
			best = sharp;
			*slant = fabs(s);
		}
	}
	*gain = upright > 0 ? best / upright - 1 : 0;
	rc = 0;
done:
	free(xs);
	free(ys);
	free(col);
	return rc;
}

static int cmp_comp_cy(const void *a, const void *b)
{
	const struct comp *x = a, *y = b;
	int cx = 2 * x->y + x->h, cy = 2 * y->y + y->h;
	return cx < cy ? -1 : cx > cy;
}

/* The bottom of the ink of component image P in columns [X0, X1): its lowest ink row, -1
 * when the slice is empty. */
static int slice_bottom(PIX *p, int x0, int x1)
{
	int h = pixGetHeight(p), wpl = pixGetWpl(p);
	l_uint32 *data = pixGetData(p);
	for (int y = h - 1; y >= 0; y--)
		for (int x = x0; x < x1; x++)
			if (GET_DATA_BIT(data + y * wpl, x))
				return y;
	return -1;
}

/* Baseline wander: the letters grouped in lines (centres within half a letter height of the
 * line's first); each letter cut in slices half a letter height wide, the bottom of each
 * slice's ink a point; a line fitted through each line's points; the median of the absolute
 * residuals over all lines, in letter heights. Print sits on its line (the slices of a round
 * letter dip a little, a descender is one slice among many); a hand wanders, and its joins
 * run above the line. The letters are sorted (by centre). */
static double baseline_of(struct comp *c, size_t n, double hmed, PIXA *pixa)
{
	if (!n || hmed <= 0)
		return 0;
	qsort(c, n, sizeof(*c), cmp_comp_cy);
	double *px = NULL, *py = NULL, *res = NULL;
	size_t np = 0, xcap = 0, ycap = 0, nres = 0, rcap = 0;
	int step = hmed / 2 > 1 ? (int)(hmed / 2) : 1;
	double med = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		double cy0 = c[i].y + c[i].h / 2.0;
		while (j < n && c[j].y + c[j].h / 2.0 - cy0 < hmed / 2)
			j++;
		np = 0;
		for (size_t k = i; k < j; k++) {
			PIX *p = pixaGetPix(pixa, c[k].idx, L_CLONE);
			for (int x0 = 0; p && x0 < c[k].w; x0 += step) {
				int x1 = x0 + step < c[k].w ? x0 + step : c[k].w;
				int b = slice_bottom(p, x0, x1);
				if (b < 0)
					continue;
				if (SO_ARRAY_GROW(px, np, xcap) < 0 ||
				    SO_ARRAY_GROW(py, np, ycap) < 0) {
					pixDestroy(&p);
					goto done;
				}
				px[np] = c[k].x + (x0 + x1) / 2.0;
				py[np++] = c[k].y + b;
			}
			pixDestroy(&p);
		}
		if (np >= 3) {
			double sx = 0, sy = 0, sxx = 0, sxy = 0;
			for (size_t k = 0; k < np; k++) {
				sx += px[k];
				sy += py[k];
				sxx += px[k] * px[k];
				sxy += px[k] * py[k];
			}
			double den = np * sxx - sx * sx;
			double b = den != 0 ? (np * sxy - sx * sy) / den : 0, a = (sy - b * sx) / np;
			for (size_t k = 0; k < np; k++) {
				if (SO_ARRAY_GROW(res, nres, rcap) < 0)
					goto done;
				res[nres++] = fabs(py[k] - (a + b * px[k])) / hmed;
			}
		}
		i = j;
	}
	med = median(res, nres);
done:
	free(px);
	free(py);
	free(res);
	return med;
}

/* The letters of the 1-bit image CELL at DPI: its components, less specks, what is left of a
 * ruling line along its edge, and marks under LETTER_SHARE of the median height, into *C
 * (*K of them; caller frees) with their images in *PIXA (caller destroys) and their median
 * height in *HMED. 0, or -1 (no memory). */
static int letters_of(PIX *cell, int dpi, PIXA **pixa, struct comp **c, size_t *k, double *hmed)
{
	*pixa = NULL;
	*c = NULL;
	*k = 0;
	*hmed = 0;
	/* specks: under a few pixels at 300 dpi */
	int speck = (int)(8.0 * dpi * dpi / (300.0 * 300.0));
	BOXA *boxa = pixConnComp(cell, pixa, 8);
	double *hs = NULL;
	if (!boxa)
		return -1;
	int n = boxaGetCount(boxa);
	*c = so_calloc(n ? n : 1, sizeof(**c));
	hs = so_calloc(n ? n : 1, sizeof(double));
	if (!*c || !hs) {
		free(hs);
		boxaDestroy(&boxa);
		return -1;
	}
	size_t m = 0;
	int W = pixGetWidth(cell), H = pixGetHeight(cell);
	for (int i = 0; i < n; i++) {
		l_int32 x, y, w, h, ink = 0;
		boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
		PIX *p = pixaGetPix(*pixa, i, L_CLONE);
		if (p)
			pixCountPixels(p, &ink, NULL);
		int rule = (w > W * 0.8 && h < dpi / 40) || (h > H * 0.8 && w < dpi / 40);
		if (ink >= speck && !rule) {
			(*c)[m] = (struct comp){ x, y, w, h, ink, p ? holes_of(p) : 0, i };
			hs[m] = h;
			m++;
		}
		pixDestroy(&p);
	}
	double med = median(hs, m);
	size_t kept = 0;
	for (size_t i = 0; i < m; i++)
		if ((*c)[i].h >= LETTER_SHARE * med)
			(*c)[kept++] = (*c)[i];
	for (size_t i = 0; i < kept; i++)
		hs[i] = (*c)[i].h;
	*k = kept;
	*hmed = median(hs, kept);
	free(hs);
	boxaDestroy(&boxa);
	return 0;
}

int so_hand_ink(PIX *cell, int dpi, struct so_hand_cell *out)
{
	memset(out, 0, sizeof(*out));
	out->score = -1;
	out->print_twin = -1;
	out->hand = SO_HAND_BLANK;
	if (dpi <= 0)
		dpi = 300;
	PIXA *pixa = NULL;
	PIX *dist = NULL;
	struct comp *c = NULL;
	double *hs = NULL, hmed;
	size_t k;
	int rc = -1;
	if (letters_of(cell, dpi, &pixa, &c, &k, &hmed) < 0)
		goto done;
	if (!k) {
		rc = 0;
		goto done;
	}
	hs = so_calloc(k, sizeof(double));
	if (!hs)
		goto done;
	int W = pixGetWidth(cell), H = pixGetHeight(cell);
	double width = 0;
	double aspect = 0, fill = 0, holes = 0;
	for (size_t i = 0; i < k; i++) {
		hs[i] = c[i].h;
		width += c[i].w;
		aspect += (double)c[i].w / c[i].h;
		fill += (double)c[i].ink / ((double)c[i].w * c[i].h);
		holes += c[i].holes;
	}
	double hmean, hcv;
	mean_cv(hs, k, &hmean, &hcv);
	hmed = median(hs, k);
	out->comps = (int)k;
	out->f[SO_HF_TWIN_DIST] = -1; /* the page's to measure (so_hand_twins) */
	out->f[SO_HF_COMPS_PER_H] = width > 0 ? k * hmed / width : 0;
	out->f[SO_HF_ASPECT] = aspect / k;
	out->f[SO_HF_FILL] = fill / k;
	out->f[SO_HF_HOLES] = holes / k;
	out->f[SO_HF_HEIGHT_CV] = hcv;
	out->f[SO_HF_BASELINE] = baseline_of(c, k, hmed, pixa);
	double sw, swcv, slant, gain, spread;
	dist = pixDistanceFunction(cell, 4, 8, L_BOUNDARY_BG);
	if (!dist || stroke_width(dist, 0, 0, W, H, &sw, &swcv) < 0 ||
	    stroke_spread(dist, c, k, &spread) < 0 || slant_of(cell, &slant, &gain) < 0)
		goto done;
	out->f[SO_HF_STROKE_SPREAD] = spread;
	out->f[SO_HF_STROKE_MEAN] = hmed > 0 ? sw / hmed : 0;
	out->f[SO_HF_STROKE_CV] = swcv;
	out->f[SO_HF_SLANT] = slant;
	out->f[SO_HF_SLANT_GAIN] = gain;
	rc = 0;
done:
	pixDestroy(&dist);
	free(c);
	free(hs);
	pixaDestroy(&pixa);
	return rc;
}

/* The twins --------------------------------------------------------------------------------- */

/* Print sets every letter from one type (or one font): the same letter comes out the same
 * each time, on every row of a page. A hand never writes a letter twice alike. */

#define TWIN_SIZE 0.12   /* a twin's height and width within this share (and a pixel) */
#define TWIN_NONE 0.5    /* the distance of a letter with no glyph of its size on the page */
/* A glyph with a shape to compare: at least SHAPE_HEIGHT inch tall (a dash, a dot or a speck
 * is not) and under SOLID_SHARE ink over its box (a bar, a dot, a blot: any such blob of a
 * hand's comes as near a printed one as print's own do). */
#define SHAPE_HEIGHT (1.0 / 50)
#define SOLID_SHARE 0.7

/* The glyph of component P (W x H): the ink share of each of GRID x GRID boxes, 0..255;
 * returns the mean share, 0..1. */
static double glyph_of(PIX *p, int w, int h, unsigned char *g)
{
	int G = SO_GLYPH_GRID, wpl = pixGetWpl(p);
	long sum = 0;
	l_uint32 *data = pixGetData(p);
	for (int gy = 0; gy < G; gy++) {
		int y0 = gy * h / G, y1 = (gy + 1) * h / G;
		if (y1 <= y0)
			y1 = y0 + 1;
		for (int gx = 0; gx < G; gx++) {
			int x0 = gx * w / G, x1 = (gx + 1) * w / G, ink = 0;
			if (x1 <= x0)
				x1 = x0 + 1;
			for (int y = y0; y < y1 && y < h; y++)
				for (int x = x0; x < x1 && x < w; x++)
					ink += GET_DATA_BIT(data + y * wpl, x);
			g[gy * G + gx] = (unsigned char)(255 * ink / ((y1 - y0) * (x1 - x0)));
			sum += g[gy * G + gx];
		}
	}
	return sum / (255.0 * G * G);
}

int so_hand_glyphs_add(struct so_hand_glyphs *gs, PIX *cell, int dpi, int owner)
{
	PIXA *pixa = NULL;
	struct comp *c = NULL;
	size_t k;
	double hmed;
	int rc = -1;
	if (dpi <= 0)
		dpi = 300;
	if (letters_of(cell, dpi, &pixa, &c, &k, &hmed) < 0)
		goto done;
	for (size_t i = 0; i < k; i++) {
		PIX *p = pixaGetPix(pixa, c[i].idx, L_CLONE);
		if (!p)
			continue;
		if (SO_ARRAY_GROW(gs->v, gs->n, gs->cap) < 0) {
			pixDestroy(&p);
			goto done;
		}
		struct so_hand_glyph *g = &gs->v[gs->n++];
		g->owner = owner;
		g->w = c[i].w;
		g->h = c[i].h;
		double solid = glyph_of(p, c[i].w, c[i].h, g->g);
		g->shaped = g->h >= SHAPE_HEIGHT * dpi && solid < SOLID_SHARE;
		pixDestroy(&p);
	}
	rc = 0;
done:
	free(c);
	pixaDestroy(&pixa);
	return rc;
}

void so_hand_glyphs_release(struct so_hand_glyphs *gs)
{
	free(gs->v);
	memset(gs, 0, sizeof(*gs));
}

static int cmp_glyph_h(const void *a, const void *b)
{
	const struct so_hand_glyph *x = a, *y = b;
	return x->h - y->h;
}

static double glyph_distance(const struct so_hand_glyph *a, const struct so_hand_glyph *b)
{
	int d = 0;
	for (int i = 0; i < SO_GLYPH_GRID * SO_GLYPH_GRID; i++)
		d += abs((int)a->g[i] - (int)b->g[i]);
	return d / (255.0 * SO_GLYPH_GRID * SO_GLYPH_GRID);
}

/* The distance from glyph I of *GS (sorted by height) to the nearest other glyph of its size
 * that KEEP accepts (all when KEEP is NULL), TWIN_NONE when there is none. */
static double nearest_twin(const struct so_hand_glyphs *gs, size_t i,
			   int (*keep)(const struct so_hand_glyph *, const void *), const void *arg)
{
	const struct so_hand_glyph *a = &gs->v[i];
	double best = TWIN_NONE;
	int dh = (int)(TWIN_SIZE * a->h) + 1, dw = (int)(TWIN_SIZE * a->w) + 1;
	size_t j = i;
	while (j > 0 && gs->v[j - 1].h >= a->h - dh)
		j--;
	for (; j < gs->n && gs->v[j].h <= a->h + dh; j++) {
		const struct so_hand_glyph *b = &gs->v[j];
		if (j == i || abs(b->w - a->w) > dw || (keep && !keep(b, arg)))
			continue;
		double d = glyph_distance(a, b);
		if (d < best)
			best = d;
	}
	return best;
}

int so_hand_twins(struct so_hand_glyphs *gs, struct so_hand_cell *cells, int n)
{
	double *nearest = so_calloc(gs->n ? gs->n : 1, sizeof(double));
	double *mine = so_calloc(gs->n ? gs->n : 1, sizeof(double));
	if (!nearest || !mine) {
		free(nearest);
		free(mine);
		return -1;
	}
	qsort(gs->v, gs->n, sizeof(*gs->v), cmp_glyph_h);
	for (size_t i = 0; i < gs->n; i++)
		nearest[i] = nearest_twin(gs, i, NULL, NULL);
	for (int c = 0; c < n; c++) {
		size_t m = 0;
		for (size_t i = 0; i < gs->n; i++)
			if (gs->v[i].owner == c)
				mine[m++] = nearest[i];
		cells[c].f[SO_HF_TWIN_DIST] = m ? median(mine, m) : TWIN_NONE;
	}
	free(nearest);
	free(mine);
	return 0;
}

struct print_rows {
	const int *row;
	const unsigned char *printed;
	int self;               /* the row of the glyph measured */
};

static int in_print_row(const struct so_hand_glyph *g, const void *arg)
{
	const struct print_rows *p = arg;
	int r = p->row[g->owner];
	return g->shaped && r != p->self && p->printed[r];
}

/* Sets print_twin of CELLS[0..N-1] (so_hand_stamps). */
static int print_twins(const struct so_hand_glyphs *gs, struct so_hand_cell *cells, int n,
		       const int *row, const unsigned char *printed)
{
	double *mine = so_calloc(gs->n ? gs->n : 1, sizeof(double));
	if (!mine)
		return -1;
	int any = 0;
	for (int c = 0; c < n; c++)
		any |= printed[row[c]];
	for (int c = 0; c < n; c++) {
		struct print_rows p = { row, printed, row[c] };
		size_t m = 0;
		for (size_t i = 0; any && i < gs->n; i++)
			if (gs->v[i].owner == c && gs->v[i].shaped)
				mine[m++] = nearest_twin(gs, i, in_print_row, &p);
		cells[c].print_twin = m >= 2 ? median(mine, m) : -1;
	}
	free(mine);
	return 0;
}

/* The reading ------------------------------------------------------------------------------- */

/* 1 when the kind holds digits and separators only (a number may carry "Số", a date words:
 * letters are allowed there, odd symbols never). */
static int kind_no_digits(enum so_kind kind)
{
	return kind == SO_KIND_NAME || kind == SO_KIND_SEX || kind == SO_KIND_ETHNICITY ||
	       kind == SO_KIND_NATIONALITY || kind == SO_KIND_KINSHIP;
}

/* 1 when byte-character CH (ASCII) is odd in any cell: none of letters, digits, white space
 * and the punctuation registers use. */
static int odd_ascii(unsigned char ch)
{
	return ch < 0x80 && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
	       !(ch >= '0' && ch <= '9') && !strchr(" \n\t.,/-:;()", ch);
}

void so_hand_reading(const struct so_reading *rd, enum so_kind kind, struct so_hand_cell *out)
{
	double cmin = 1;
	size_t chars = 0, odd = 0, words = 0, oddw = 0;
	for (size_t i = 0; i < rd->nwords; i++) {
		const struct so_word *w = &rd->words[i];
		if (w->conf < cmin)
			cmin = w->conf;
		char word[128];
		size_t len = w->end - w->start, j = 0;
		int digits = 0, letters = 0;
		for (size_t b = 0; b < len && j + 1 < sizeof(word); b++) {
			unsigned char ch = (unsigned char)rd->text[w->start + b];
			if ((ch & 0xc0) != 0x80)
				chars++;
			if (odd_ascii(ch) || (kind_no_digits(kind) && ch >= '0' && ch <= '9'))
				odd++;
			if (ch >= '0' && ch <= '9')
				digits++;
			else if (ch >= 0x80 || (ch | 0x20) >= 'a')
				letters++;
			/* the word without its punctuation, for the lexicon */
			if (ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
				word[j++] = (char)ch;
		}
		word[j] = 0;
		if (!letters && !digits)
			continue;
		words++;
		if (letters && !digits && !so_is_syllable(word) && !so_is_name_word(word))
			oddw++;
		else if (letters && digits && kind_no_digits(kind))
			oddw++;
	}
	out->f[SO_HF_CONF_MEAN] = rd->nwords ? rd->conf : 0;
	out->f[SO_HF_CONF_MIN] = rd->nwords ? cmin : 0;
	out->f[SO_HF_ODD_CHARS] = chars ? (double)odd / chars : 0;
	out->f[SO_HF_ODD_WORDS] = words ? (double)oddw / words : 1;
}

/* The model ----------------------------------------------------------------------------------- */

/* Logistic over each feature standardized, u_i = (f_i - mean_i) / scale_i clipped to
 * +-STANDARD_MAX, and its square: z = bias + sum (w_i u_i + w2_i u_i^2), score 1 / (1 + e^-z),
 * handwritten at or above the threshold. Read once from schemas/handwriting-model.json. */
#define STANDARD_MAX 5.0
static struct {
	double mean[SO_HAND_FEATURES], scale[SO_HAND_FEATURES], weight[SO_HAND_FEATURES];
	double weight2[SO_HAND_FEATURES];
	double bias, threshold;
	double row_self, row_others, row_bias;  /* the row's weighing (so_hand_row) */
	double row_keep;                        /* own z this low: printed whatever the row */
	double stamp_twin;                      /* letters this close to the page's print: a stamp
						 * (so_hand_stamps; negative: never) */
} model;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static void model_load(void)
{
	for (int i = 0; i < SO_HAND_FEATURES; i++)
		model.scale[i] = 1;
	model.threshold = 0.5;
	model.row_self = 1;
	model.row_keep = -HUGE_VAL;
	model.stamp_twin = -1;
	const struct so_embedded *e = so_embedded_find("handwriting-model.json");
	json_t *m = e ? json_loadb((const char *)e->data, e->size, 0, NULL) : NULL;
	json_t *fs = json_object_get(m, "features");
	for (int i = 0; i < SO_HAND_FEATURES; i++) {
		json_t *f = json_object_get(fs, feature_names[i]);
		json_t *mu = json_object_get(f, "mean"), *sd = json_object_get(f, "scale"),
		       *w = json_object_get(f, "weight"), *w2 = json_object_get(f, "weight2");
		if (json_is_number(w2))
			model.weight2[i] = json_number_value(w2);
		if (json_is_number(mu))
			model.mean[i] = json_number_value(mu);
		if (json_is_number(sd) && json_number_value(sd) > 0)
			model.scale[i] = json_number_value(sd);
		if (json_is_number(w))
			model.weight[i] = json_number_value(w);
	}
	json_t *row = json_object_get(m, "row");
	json_t *rs = json_object_get(row, "self"), *ro = json_object_get(row, "others"),
	       *rb = json_object_get(row, "bias");
	if (json_is_number(rs) && json_is_number(ro) && json_is_number(rb)) {
		model.row_self = json_number_value(rs);
		model.row_others = json_number_value(ro);
		model.row_bias = json_number_value(rb);
	}
	json_t *rk = json_object_get(row, "keep");
	if (json_is_number(rk))
		model.row_keep = json_number_value(rk);
	json_t *st = json_object_get(row, "stamp_twin");
	if (json_is_number(st))
		model.stamp_twin = json_number_value(st);
	json_t *b = json_object_get(m, "bias"), *t = json_object_get(m, "threshold");
	if (json_is_number(b))
		model.bias = json_number_value(b);
	if (json_is_number(t))
		model.threshold = json_number_value(t);
	json_decref(m);
}

double so_hand_threshold(void)
{
	pthread_once(&model_once, model_load);
	return model.threshold;
}

static double logistic(double z)
{
	return 1 / (1 + exp(-z));
}

void so_hand_decide(struct so_hand_cell *c)
{
	pthread_once(&model_once, model_load);
	if (c->comps <= 0) {
		c->z = 0;
		c->score = -1;
		c->hand = SO_HAND_BLANK;
		c->by_row = 0;
		return;
	}
	double z = model.bias;
	for (int i = 0; i < SO_HAND_FEATURES; i++) {
		if (i == SO_HF_TWIN_DIST && c->f[i] < 0)
			continue; /* not measured: no evidence either way */
		double u = (c->f[i] - model.mean[i]) / model.scale[i];
		u = u > STANDARD_MAX ? STANDARD_MAX : u < -STANDARD_MAX ? -STANDARD_MAX : u;
		z += model.weight[i] * u + model.weight2[i] * u * u;
	}
	c->z = z;
	c->score = logistic(z);
	c->hand = c->score >= model.threshold ? SO_HAND_WRITTEN : SO_HAND_PRINTED;
	c->by_row = c->comps < SO_HAND_MIN_COMPS;
}

/* 1 when cell C's own evidence is printed beyond doubt: letters enough to judge alone, and an
 * own z at or under the model's row "keep" (a stamp in a written entry) */
static int stamped(const struct so_hand_cell *c)
{
	return c->comps >= SO_HAND_MIN_COMPS && c->z <= model.row_keep;
}

/* The median of the M sorted values S without the one at index SKIP (-1: none); M - 1 or M
 * values, at least one. */
static double median_without(const double *s, int m, int skip)
{
	int r = skip >= 0 ? m - 1 : m;
#define AT(j) s[skip >= 0 && (j) >= skip ? (j) + 1 : (j)]
	double v = r % 2 ? AT(r / 2) : (AT(r / 2 - 1) + AT(r / 2)) / 2;
#undef AT
	return v;
}

int so_hand_row(struct so_hand_cell *cells, int n)
{
	pthread_once(&model_once, model_load);
	/* the measured cells' evidence, sorted: each cell is weighed with the median of the
	 * others', so that one blot or stain in a printed row does not carry the row */
	double *zs = so_calloc(n > 0 ? (size_t)n : 1, sizeof(*zs));
	if (!zs)
		return -1;
	int measured = 0;
	for (int i = 0; i < n; i++)
		if (cells[i].hand != SO_HAND_BLANK && !cells[i].by_row)
			zs[measured++] = cells[i].z;
	qsort(zs, (size_t)measured, sizeof(*zs), cmp_double);
	for (int i = 0; i < n; i++) {
		struct so_hand_cell *c = &cells[i];
		if (c->hand == SO_HAND_BLANK)
			continue;
		if (stamped(c)) {
			c->hand = SO_HAND_PRINTED;
			continue;
		}
		double self = c->z, others;
		if (c->by_row && measured) {
			/* too little ink: the others' evidence only */
			self = others = median_without(zs, measured, -1);
		} else if (!c->by_row && measured > 1) {
			int k = 0;
			while (k < measured - 1 && zs[k] != c->z)
				k++;
			others = median_without(zs, measured, k);
		} else {
			others = c->z;
		}
		double z = model.row_self * self + model.row_others * others + model.row_bias;
		c->score = logistic(z);
		c->hand = c->score >= model.threshold ? SO_HAND_WRITTEN : SO_HAND_PRINTED;
	}
	free(zs);
	/* one clerk writes an entry: when at least half of a row's cells with ink are judged
	 * handwritten, so are the others (a stamped number sent to a keyer costs seconds; a
	 * handwritten cell passed as printed costs a wrong value) */
	int inked = 0, written = 0;
	for (int i = 0; i < n; i++)
		if (cells[i].hand != SO_HAND_BLANK) {
			inked++;
			written += cells[i].hand == SO_HAND_WRITTEN;
		}
	if (written >= 2 && 2 * written >= inked)
		for (int i = 0; i < n; i++)
			if (cells[i].hand == SO_HAND_PRINTED && !stamped(&cells[i]))
				cells[i].hand = SO_HAND_WRITTEN;
	return 0;
}

int so_hand_stamps(const struct so_hand_glyphs *gs, struct so_hand_cell *cells, int n,
		   const int *row, const unsigned char *printed)
{
	pthread_once(&model_once, model_load);
	if (print_twins(gs, cells, n, row, printed) < 0)
		return -1;
	double own = log(model.threshold / (1 - model.threshold));
	for (int i = 0; i < n; i++) {
		struct so_hand_cell *c = &cells[i];
		if (c->hand == SO_HAND_WRITTEN && c->z < own &&
		    c->print_twin >= 0 && c->print_twin <= model.stamp_twin) {
			c->hand = SO_HAND_PRINTED;
			c->score = logistic(c->z);
		}
	}
	return 0;
}

char *so_hand_features_json(const struct so_hand_cell *c)
{
	json_t *o = json_object();
	char *s = NULL;
	if (!o)
		return NULL;
	for (int i = 0; i < SO_HAND_FEATURES; i++)
		if (json_object_set_new(o, feature_names[i],
					json_real(round(c->f[i] * 10000) / 10000)) < 0)
			goto done;
	if (json_object_set_new(o, "comps", json_integer(c->comps)) < 0 ||
	    json_object_set_new(o, "z", json_real(round(c->z * 10000) / 10000)) < 0 ||
	    json_object_set_new(o, "by_row", json_boolean(c->by_row)) < 0 ||
	    json_object_set_new(o, "print_twin",
				json_real(round(c->print_twin * 10000) / 10000)) < 0)
		goto done;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
done:
	json_decref(o);
	if (!s)
		so_error("out of memory");
	return s;
}
