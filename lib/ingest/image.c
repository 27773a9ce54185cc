/* Page preparation with leptonica (see image.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ingest/image.h"

/* Under this contrast (grey levels) or this share of ink a page is blank. */
#define SO_BLANK_CONTRAST 40.0
#define SO_BLANK_INK 0.002
/* Pages scanned at less are prepared at this resolution. */
#define SO_WORK_DPI 300
/* Leptonica's skew confidence under which a measured angle is noise, not skew (its own
 * deskew refuses to turn a page under the same figure). */
#define SO_MIN_SKEW_CONF 3.0
/* Horizontal and vertical resolutions further apart than this share are resampled square. */
#define SO_ASPECT_TOLERANCE 0.02
/* Sauvola's local threshold (binarize): the window's half side at 300 dpi (20: a window of
 * 41 pixels, 3.5 mm, a little more than a letter's height), and its weight of the local
 * contrast K: on flat paper a pixel is ink when it is K darker than its neighbourhood's mean.
 * At 0.34 a light typewriter line on grey paper (letters at 0.55 to 0.75 of the paper's level,
 * blurred) came out as dots, a few per letter; at 0.2 (a common default) a yellowed, blurred
 * page gained rows of noise read as entries; 0.25 keeps the letters whole and the empty rows
 * empty. */
#define SAUVOLA_HALF_WINDOW 20
#define SAUVOLA_K 0.25f

void so_image_init(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
}

static int dpi_of(PIX *pix)
{
	l_int32 x = 0, y = 0;
	pixGetResolution(pix, &x, &y);
	return x > 0 ? x : 300;
}

/*
 * A page whose pixels are not square (a fax at 204x98 dpi) brought to square pixels at the
 * working resolution, so that it is not squashed; NULL when it is square already (or on
 * failure, with *failed set).
 */
static PIX *square_pixels(PIX *gray, int *failed)
{
	l_int32 x = 0, y = 0;
	*failed = 0;
	pixGetResolution(gray, &x, &y);
	if (x <= 0 || y <= 0 || fabs((double)x - y) <= SO_ASPECT_TOLERANCE * (x > y ? x : y))
		return NULL;
	PIX *sq = pixScaleGrayLI(gray, (l_float32)SO_WORK_DPI / x, (l_float32)SO_WORK_DPI / y);
	if (!sq) {
		*failed = 1;
		return NULL;
	}
	pixSetResolution(sq, SO_WORK_DPI, SO_WORK_DPI);
	return sq;
}

/* Scales a length given for 300 dpi to the page's resolution (at least 1). */
static int at_dpi(int dpi, int px300)
{
	int v = (int)lround((double)px300 * dpi / 300.0);
	return v < 1 ? 1 : v;
}

/*
 * Dark scanner borders: large solid dark regions connected to the image edge. Thin strokes
 * (text, rules) vanish under an opening with a brick wider than any stroke; what is left and
 * touches the edge is the border, which is grown a little and painted white. The search runs
 * on a copy reduced four times (borders are large; this is the costly part of a page).
 * Returns the share of the page painted.
 */
static double remove_dark_border(PIX *gray, int dpi)
{
	double share = 0;
	PIX *small = pixScaleGrayMinMax(gray, 4, 4, L_CHOOSE_MIN);
	PIX *dark = small ? pixThresholdToBinary(small, 90) : NULL;
	pixDestroy(&small);
	if (!dark)
		return 0;
	int k = at_dpi(dpi, 21) / 4 + 1;
	PIX *solid = pixOpenBrick(NULL, dark, k, k);
	PIX *edge = solid ? pixExtractBorderConnComps(solid, 8) : NULL;
	l_int32 count = 0;
	if (edge && pixCountPixels(edge, &count, NULL) == 0 && count > 0) {
		int grow = (at_dpi(dpi, 9) * 2 + 1) / 4 + 1;
		PIX *grown = pixDilateBrick(NULL, edge, grow, grow);
		PIX *mask = grown ? pixExpandBinaryPower2(grown, 4) : NULL;
		PIX *fit = mask ? pixCreate(pixGetWidth(gray), pixGetHeight(gray), 1) : NULL;
		if (fit) {
			pixRasterop(fit, 0, 0, pixGetWidth(gray), pixGetHeight(gray), PIX_SRC, mask, 0, 0);
			pixCountPixels(fit, &count, NULL);
			share = (double)count / ((double)pixGetWidth(gray) * pixGetHeight(gray));
			pixSetMasked(gray, fit, 255);
		}
		pixDestroy(&fit);
		pixDestroy(&mask);
		pixDestroy(&grown);
	}
	pixDestroy(&edge);
	pixDestroy(&solid);
	pixDestroy(&dark);
	return share;
}

/* Background to white, then a global Otsu threshold; NULL on failure. */
static PIX *normalize(PIX *gray)
{
	return pixBackgroundNorm(gray, NULL, NULL, 10, 15, 100, 50, 255, 2, 2);
}

/*
 * The ink/paper split of a normalized page from its grey histogram (every third pixel of
 * every third row is plenty): the Otsu-like threshold between the two classes, their
 * contrast — the difference of their means — and the level halfway between the means (MIDDLE
 * may be NULL). A blank sheet (paper, noise, blur) has no contrast worth binarizing; even
 * faded ink on yellowed paper keeps several tens of levels.
 */
static void ink_split(PIX *norm, int *threshold, double *contrast, int *middle)
{
	NUMA *hist = pixGetGrayHistogram(norm, 3);
	l_int32 split = 128;
	l_float32 dark = 0, light = 0, ndark = 0, nlight = 0;
	*contrast = 0;
	if (middle)
		*middle = 128;
	if (hist && numaSplitDistribution(hist, 0.1f, &split, &dark, &light, &ndark, &nlight,
					  NULL) == 0 && ndark > 0 && nlight > 0) {
		*contrast = light - dark;
		if (middle)
			*middle = (int)lroundf((dark + light) / 2);
	}
	*threshold = split;
	numaDestroy(&hist);
}

/*
 * Ink of a normalized page: what is darker than the page's split, and what is dark for its
 * neighbourhood (Sauvola's local threshold over a window of one letter height or a little
 * more: 41 pixels at 300 dpi). The split alone loses print lighter than the page's darkest
 * ink — a worn typewriter ribbon, a blurred thin stroke, pencil beside pen — whose letters
 * then fall apart into specks; the local threshold keeps them, and leaves flat paper (grain,
 * a faint stain) white. A page scanned in black and white (BILEVEL) has no lighter ink left
 * to find: there the local threshold would only take in the grey rims that turning and
 * scaling give its strokes and specks, so the split alone decides.
 */
static PIX *binarize(PIX *norm, int threshold, int dpi, int bilevel)
{
	PIX *global = pixThresholdToBinary(norm, threshold), *local = NULL;
	if (!global || bilevel)
		return global;
	if (pixSauvolaBinarize(norm, at_dpi(dpi, SAUVOLA_HALF_WINDOW), SAUVOLA_K, 1, NULL, NULL,
			       NULL, &local) != 0 || !local) {
		pixDestroy(&global);
		return NULL;
	}
	pixOr(global, global, local);
	pixDestroy(&local);
	return global;
}

/* Removes specks smaller than about 2 pixels at 300 dpi. */
static PIX *despeckle(PIX *bin, int dpi)
{
	int k = at_dpi(dpi, 3);
	return pixSelectBySize(bin, k, k, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
}

/* Share of foreground pixels away from the page margins. */
static double ink_share(PIX *bin)
{
	l_int32 w = pixGetWidth(bin), h = pixGetHeight(bin);
	BOX *box = boxCreate(w / 25, h / 25, w - 2 * (w / 25), h - 2 * (h / 25));
	PIX *inner = box ? pixClipRectangle(bin, box, NULL) : NULL;
	l_int32 count = 0;
	double share = 0;
	if (inner && pixCountPixels(inner, &count, NULL) == 0)
		share = (double)count / ((double)pixGetWidth(inner) * pixGetHeight(inner));
	pixDestroy(&inner);
	boxDestroy(&box);
	return share;
}

/*
 * The register's own cue for up and down: its title band stands above the table, so the gap
 * between the page top and the first long rule is wider than the one under the last rule.
 * +1 when the page reads upright, -1 when it is upside down, 0 when no table rules are seen
 * or the gaps are too alike to tell.
 */
static int title_band_cue(PIX *bin)
{
	/* rules survive a reduction that keeps any set pixel; long runs are cheap to find there */
	PIX *small = pixReduceRankBinaryCascade(bin, 1, 1, 0, 0);
	if (!small)
		return 0;
	l_int32 w = pixGetWidth(small), h = pixGetHeight(small);
	PIX *rules = pixOpenBrick(NULL, small, w / 8 > 1 ? w / 8 : 2, 1);
	pixDestroy(&small);
	if (!rules)
		return 0;
	l_int32 wpl = pixGetWpl(rules);
	l_uint32 *data = pixGetData(rules);
	int first = -1, last = -1;
	for (l_int32 y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		int n = 0;
		for (l_int32 x = 0; x < w; x++)
			n += GET_DATA_BIT(line, x) ? 1 : 0;
		if (n > w / 3) {
			if (first < 0)
				first = y;
			last = y;
		}
	}
	pixDestroy(&rules);
	if (first < 0 || last - first < h / 3)
		return 0;
	int top = first, bottom = h - 1 - last;
	if (abs(top - bottom) < h / 30)
		return 0;
	return top > bottom ? 1 : -1;
}

/*
 * Orientation of a roughly deskewed binary page. Register pages are A3 landscape, so a
 * portrait image was turned by 90 or 270 degrees and a landscape one by 0 or 180. Up and down
 * come from the title band above the table when the rules show it, otherwise from the
 * ascender signal of the text. Sets the clockwise turn to undo.
 */
static void detect_orientation(PIX *bin, int dpi, int *undo_cw, double *conf)
{
	/* the ascender test wants 150 to 300 dpi; half the resolution costs a quarter */
	PIX *work = bin;
	PIX *reduced = NULL;
	if (dpi >= 250) {
		reduced = pixReduceRankBinary2(bin, 1, NULL);
		if (reduced)
			work = reduced;
	}
	l_float32 up = 0, left = 0;
	int portrait = pixGetHeight(bin) > pixGetWidth(bin);
	int text_says, cue;
	if (portrait) {
		pixOrientDetect(work, NULL, &left, 0, 0);
		/* left > 0: text up faces left; a 90 degree clockwise turn puts it upright */
		text_says = left >= 0 ? 90 : 270;
		*conf = fabs(left);
		PIX *turned = pixRotate90(work, 1);
		cue = turned ? title_band_cue(turned) : 0;
		pixDestroy(&turned);
		*undo_cw = cue > 0 ? 90 : cue < 0 ? 270 : text_says;
	} else {
		pixOrientDetect(work, &up, NULL, 0, 0);
		text_says = up >= 0 ? 0 : 180;
		*conf = fabs(up);
		cue = title_band_cue(work);
		*undo_cw = cue > 0 ? 0 : cue < 0 ? 180 : text_says;
	}
	/* when the two cues disagree, the table wins but the decision is marked as weak */
	if (cue != 0 && *undo_cw != text_says)
		*conf = 0.5;
	pixDestroy(&reduced);
}

/* Skew of a binary page in our convention (positive = content turned clockwise). */
static void detect_skew(PIX *bin, double *skew, double *conf)
{
	l_float32 angle = 0, c = 0;
	*skew = 0;
	*conf = 0;
	if (pixFindSkewSweepAndSearch(bin, &angle, &c, 4, 1, 5.0f, 1.0f, 0.01f) != 0)
		return;
	/* leptonica reports the clockwise rotation that deskews */
	*skew = fabs(angle) < 0.005f ? 0.0 : -angle;
	*conf = c;
}

/* 1 when the grey page GRAY has two levels at most (a black and white scan). */
static int two_levels(PIX *gray)
{
	NUMA *hist = pixGetGrayHistogram(gray, 1);
	int levels = 0;
	for (int i = 0; hist && i < numaGetCount(hist); i++) {
		l_float32 n = 0;
		numaGetFValue(hist, i, &n);
		levels += n > 0;
	}
	numaDestroy(&hist);
	return levels <= 2; /* no histogram: none counted, the split alone */
}

PIX *so_page_prepare(PIX *gray_in, struct so_prep *res)
{
	memset(res, 0, sizeof(*res));
	if (!gray_in || pixGetDepth(gray_in) != 8) {
		so_error("page preparation needs an 8-bit grey image");
		return NULL;
	}
	PIX *gray = NULL, *norm = NULL, *bin = NULL, *probe = NULL, *turned = NULL;
	PIX *straight = NULL, *final = NULL, *clean = NULL;
	int bilevel = two_levels(gray_in);

	int failed;
	gray = square_pixels(gray_in, &failed);
	if (!gray && !failed)
		gray = pixCopy(NULL, gray_in);
	if (!gray)
		goto oom;
	int dpi = dpi_of(gray);
	res->border = remove_dark_border(gray, dpi);
	norm = normalize(gray);
	if (!norm)
		goto oom;
	int threshold, middle;
	double contrast;
	ink_split(norm, &threshold, &contrast, &middle);
	if (contrast < SO_BLANK_CONTRAST) {
		res->blank = 1;
		clean = pixCreate(pixGetWidth(gray), pixGetHeight(gray), 1);
		if (!clean)
			goto oom;
		pixSetResolution(clean, dpi, dpi);
		goto done;
	}
	/* the split alone finds skew and orientation (rules and text lines are dark enough); the
	 * local threshold is spent once, on the page that is kept */
	bin = binarize(norm, threshold, dpi, 1);
	if (!bin)
		goto oom;

	/* skew first (the rules and text lines give it in any orientation), then orientation
	 * on a roughly straightened copy */
	double skew, skew_conf;
	detect_skew(bin, &skew, &skew_conf);
	if (skew_conf < SO_MIN_SKEW_CONF)
		skew = 0; /* measured, but too unsure to turn the page for */
	if (fabs(skew) >= 0.05) {
		probe = pixRotate(bin, (l_float32)(-skew * M_PI / 180.0), L_ROTATE_SHEAR,
				  L_BRING_IN_WHITE, 0, 0);
		if (!probe)
			goto oom;
	}
	int undo_cw = 0;
	double orient_conf = 0;
	detect_orientation(probe ? probe : bin, dpi, &undo_cw, &orient_conf);
	res->orientation = (360 - undo_cw) % 360;
	res->orientation_conf = orient_conf;
	res->skew = skew;
	res->skew_conf = skew_conf;

	/* apply both. A black and white page at working resolution is turned and straightened as
	 * it is, pixels shifted, none resampled: its strokes keep their width to the pixel. A
	 * resampled one's levels would have to be split again, and no split suits every stroke:
	 * near the dark end it drops a thin stroke whole (a typewriter's 2-pixel strokes, turned
	 * by a degree, were lost letter by letter), nearer the middle it thickens the others.
	 * Any other page: the normalized grey page, brought to 300 dpi first when scanned under
	 * it (thin strokes and marks then survive binarization), binarized once more. */
	int skewed = fabs(skew) >= 0.05;
	l_float32 angle = (l_float32)(-skew * M_PI / 180.0);
	if (bilevel && dpi >= SO_WORK_DPI - 20) {
		turned = undo_cw ? pixRotateOrth(bin, undo_cw / 90) : pixClone(bin);
		if (!turned)
			goto oom;
		final = skewed ? pixRotate(turned, angle, L_ROTATE_SHEAR, L_BRING_IN_WHITE, 0, 0)
			       : pixClone(turned);
	} else {
		int resampled = undo_cw != 0 || skewed;
		if (dpi < SO_WORK_DPI - 20) {
			resampled = 1;
			double f = (double)SO_WORK_DPI / dpi;
			PIX *up = pixScaleGrayLI(norm, (l_float32)f, (l_float32)f);
			if (!up)
				goto oom;
			pixDestroy(&norm);
			norm = up;
			dpi = SO_WORK_DPI;
		}
		turned = undo_cw ? pixRotateOrth(norm, undo_cw / 90) : pixClone(norm);
		if (!turned)
			goto oom;
		straight = skewed ? pixRotate(turned, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0,
					      0)
				  : pixClone(turned);
		if (!straight)
			goto oom;
		/* resampling changes the levels: a black and white page's pixel is ink when ink
		 * covers half of it or more; any other page is split anew (one neither turned,
		 * straightened nor scaled keeps the split found above) */
		if (bilevel) {
			threshold = middle;
		} else if (resampled) {
			ink_split(straight, &threshold, &contrast, NULL);
		}
		final = binarize(straight, threshold, dpi, bilevel);
	}
	if (!final)
		goto oom;
	clean = despeckle(final, dpi);
	if (!clean)
		goto oom;
	pixSetResolution(clean, dpi, dpi);
	res->ink = ink_share(clean);
	res->blank = res->ink < SO_BLANK_INK;
	goto done;
oom:
	so_error("cannot prepare the page (%dx%d pixels): out of memory or bad image",
		 pixGetWidth(gray_in), pixGetHeight(gray_in));
	pixDestroy(&clean);
done:
	pixDestroy(&gray);
	pixDestroy(&norm);
	pixDestroy(&bin);
	pixDestroy(&probe);
	pixDestroy(&turned);
	pixDestroy(&straight);
	pixDestroy(&final);
	return clean;
}

int so_page_encode(PIX *page, unsigned char **data, size_t *size)
{
	*data = NULL;
	*size = 0;
	if (pixGetDepth(page) != 1)
		return so_error("a prepared page must be 1-bit");
	l_uint8 *d = NULL;
	size_t n = 0;
	if (pixWriteMemTiff(&d, &n, page, IFF_TIFF_G4) != 0 || !d)
		return so_error("cannot encode the prepared page");
	*data = d;
	*size = n;
	return 0;
}
