/* Table detection from ruling lines (see table.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "read/table.h"

static int dpi_of(PIX *pix)
{
	l_int32 x = 0, y = 0;
	pixGetResolution(pix, &x, &y);
	return x >= 50 ? x : 300;
}

/* Edges from a projection profile: runs of positions whose count reaches MIN, merged when
 * closer than GAP; each edge is the weighted centre of its run. Returns the count (at most
 * MAX) written to OUT, and the mean run width in *WIDTH. */
static int profile_edges(const l_int32 *count, int n, int min, int gap, int *out, int max,
			 int *width)
{
	int k = 0, wsum = 0;
	int i = 0;
	while (i < n) {
		if (count[i] < min) {
			i++;
			continue;
		}
		int start = i, last = i;
		double mass = 0, moment = 0;
		while (i < n && (count[i] >= min || i - last <= gap)) {
			if (count[i] >= min) {
				mass += count[i];
				moment += (double)count[i] * i;
				last = i;
			}
			i++;
		}
		if (k < max) {
			out[k++] = (int)lround(moment / mass);
			wsum += last - start + 1;
		}
	}
	*width = k ? wsum / k : 0;
	return k;
}

/* Column (vertical = 1) or row sums of a 1-bit mask within [from, to) of the other axis. The
 * masks are mostly white: a word without ink is passed over whole. */
static l_int32 *sums(PIX *mask, int vertical, int from, int to, int *n)
{
	l_int32 w = pixGetWidth(mask), h = pixGetHeight(mask);
	*n = vertical ? w : h;
	l_int32 *c = so_calloc((size_t)*n, sizeof(*c));
	if (!c)
		return NULL;
	l_int32 wpl = pixGetWpl(mask);
	l_uint32 *data = pixGetData(mask);
	if (vertical) {
		for (int y = from < 0 ? 0 : from; y < (to > h ? h : to); y++) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = 0; x < w; x++) {
				if ((x & 31) == 0 && line[x >> 5] == 0) {
					x += 31;
					continue;
				}
				if (GET_DATA_BIT(line, x))
					c[x]++;
			}
		}
	} else {
		for (int y = 0; y < h; y++) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = from < 0 ? 0 : from; x < (to > w ? w : to); x++) {
				if ((x & 31) == 0 && line[x >> 5] == 0) {
					x += 31;
					continue;
				}
				if (GET_DATA_BIT(line, x))
					c[y]++;
			}
		}
	}
	return c;
}

/*
 * The runs of at least LEN set pixels of a 1-bit image along its rows (vertical 0) or its
 * columns (vertical 1): its opening by a LEN-long line, as pixOpenBrick gives it (pixels
 * outside the image are white), in one pass instead of 2 x LEN shifted copies of the page.
 * NULL when out of memory.
 */
static PIX *long_runs(PIX *src, int len, int vertical)
{
	l_int32 w = pixGetWidth(src), h = pixGetHeight(src), wpl = pixGetWpl(src);
	PIX *out = pixCreateTemplate(src);
	if (!out)
		return NULL;
	const l_uint32 *data = pixGetData(src);
	l_uint32 *od = pixGetData(out);
	if (!vertical) {
		for (l_int32 y = 0; y < h; y++) {
			const l_uint32 *line = data + (size_t)y * wpl;
			l_uint32 *oline = od + (size_t)y * wpl;
			l_int32 start = -1;
			for (l_int32 x = 0; x <= w; x++) {
				int on = 0;
				if (x < w) {
					if ((x & 31) == 0 && start < 0 && line[x >> 5] == 0) {
						x += 31;
						continue;
					}
					on = GET_DATA_BIT(line, x) != 0;
				}
				if (on && start < 0)
					start = x;
				else if (!on && start >= 0) {
					if (x - start >= len)
						for (l_int32 k = start; k < x; k++)
							SET_DATA_BIT(oline, k);
					start = -1;
				}
			}
		}
		return out;
	}
	/* columns: the length of the run ending at each row, column by column, a word of
	 * columns passed over while it has neither ink nor a run under way */
	l_int32 *run = so_calloc((size_t)wpl * 32, sizeof(*run));
	l_uint8 *busy = so_calloc((size_t)wpl, 1);
	if (!run || !busy) {
		free(run);
		free(busy);
		pixDestroy(&out);
		return NULL;
	}
	for (l_int32 y = 0; y <= h; y++) {
		const l_uint32 *line = y < h ? data + (size_t)y * wpl : NULL;
		for (l_int32 j = 0; j < wpl; j++) {
			l_uint32 word = line ? line[j] : 0;
			if (!word && !busy[j])
				continue;
			busy[j] = 0;
			for (l_int32 x = j * 32; x < j * 32 + 32 && x < w; x++) {
				if (word && GET_DATA_BIT(line, x)) {
					run[x]++;
					busy[j] = 1;
					continue;
				}
				if (run[x] >= len)
					for (l_int32 k = y - run[x]; k < y; k++)
						SET_DATA_BIT(od + (size_t)k * wpl, x);
				run[x] = 0;
			}
		}
	}
	free(run);
	free(busy);
	return out;
}

/*
 * More column edges than the layout has: keep the first and last and choose the inner edges
 * whose widths best fit the layout's (dynamic programming over the candidates). Accepted only
 * when every column is within a third of its expected width.
 */
static int fit_columns(const int *cand, int ncand, const struct so_layout *l, int *out)
{
	int need = (int)l->ncolumns + 1;
	double total = cand[ncand - 1] - cand[0];
	if (ncand < need || total <= 0)
		return -1;
	/* cost[i][j]: best cost with edge j at candidate i */
	size_t cells = (size_t)ncand * need;
	double *cost = malloc(cells * sizeof(double));
	int *from = malloc(cells * sizeof(int));
	if (!cost || !from) {
		free(cost);
		free(from);
		return -1;
	}
	for (size_t i = 0; i < cells; i++)
		cost[i] = INFINITY;
	cost[0] = 0;
	for (int j = 1; j < need; j++) {
		double want = l->columns[j - 1].width * total;
		for (int i = j; i < ncand; i++) {
			for (int p = j - 1; p < i; p++) {
				double prev = cost[(size_t)p * need + j - 1];
				if (!isfinite(prev))
					continue;
				double d = (cand[i] - cand[p] - want) / want;
				double c = prev + d * d;
				if (c < cost[(size_t)i * need + j]) {
					cost[(size_t)i * need + j] = c;
					from[(size_t)i * need + j] = p;
				}
			}
		}
	}
	int ok = isfinite(cost[(size_t)(ncand - 1) * need + need - 1]);
	if (ok) {
		int i = ncand - 1;
		for (int j = need - 1; j >= 0; j--) {
			out[j] = cand[i];
			if (j > 0)
				i = from[(size_t)i * need + j];
		}
		for (int j = 1; j < need && ok; j++) {
			double want = l->columns[j - 1].width * total;
			if (fabs(out[j] - out[j - 1] - want) > want / 3)
				ok = 0;
		}
	}
	free(cost);
	free(from);
	return ok ? 0 : -1;
}

/*
 * Fewer column edges than the layout has: a rule too faint to survive binarization (a thin
 * rule of a low-resolution scan). The edges found are matched in order to the layout's (the
 * first and last are the frame), each within a third of its narrower neighbouring column; a
 * missing inner edge (at most SO_TABLE_INFER_MAX) is put where the layout's widths place it
 * between the edges found on either side, moved to the emptiest place within a sixth of its
 * narrower neighbour, and accepted only where no text crosses it there (INK: the text's
 * pixels per page column within the table's height). Returns the edges inferred, or -1.
 */
static int infer_columns(const int *cand, int ncand, const struct so_layout *l,
			 const l_int32 *ink, int nink, int height, int *out)
{
	int need = (int)l->ncolumns + 1;
	double total = cand[ncand - 1] - cand[0];
	if (ncand < 2 || need - ncand > SO_TABLE_INFER_MAX || ncand >= need || total <= 0)
		return -1;
	double *e = malloc((size_t)need * sizeof(double));
	int *at = malloc((size_t)need * sizeof(int)); /* the candidate of each edge, or -1 */
	int inferred = -1;
	if (!e || !at)
		goto done;
	e[0] = cand[0];
	for (int j = 1; j < need; j++)
		e[j] = e[j - 1] + l->columns[j - 1].width * total;
	for (int j = 0; j < need; j++)
		at[j] = -1;
	/* the candidates in order, each to the nearest edge of the layout after the last */
	int j = 0;
	for (int i = 0; i < ncand; i++) {
		int best = -1;
		double bd = INFINITY;
		for (int k = i == 0 ? 0 : j + 1; k < need; k++) {
			double d = fabs(cand[i] - e[k]);
			if (d < bd) {
				bd = d;
				best = k;
			}
		}
		if (best < 0)
			goto done;
		double narrow = INFINITY;
		if (best > 0)
			narrow = l->columns[best - 1].width * total;
		if (best < need - 1 && l->columns[best].width * total < narrow)
			narrow = l->columns[best].width * total;
		if (bd > narrow / 3 || (i == 0) != (best == 0) || (i == ncand - 1) != (best == need - 1))
			goto done;
		at[best] = i;
		j = best;
	}
	int n = 0;
	for (int k = 0; k < need; k++) {
		if (at[k] >= 0) {
			out[k] = cand[at[k]];
			continue;
		}
		int a = k - 1, b = k + 1;
		while (at[a] < 0)
			a--;
		while (at[b] < 0)
			b++;
		double pos = cand[at[a]] + (e[k] - e[a]) * (cand[at[b]] - cand[at[a]]) / (e[b] - e[a]);
		double narrow = fmin(l->columns[k - 1].width, l->columns[k].width) * total;
		int lo = (int)(pos - narrow / 6), hi = (int)(pos + narrow / 6);
		lo = lo < 0 ? 0 : lo;
		hi = hi >= nink ? nink - 1 : hi;
		/* the emptiest page column there, the middle of its run when several are as empty */
		int best = -1, run = 0, best_run = 0;
		for (int x = lo; x <= hi; x++) {
			if (best < 0 || ink[x] < ink[best]) {
				best = x;
				run = best_run = 1;
			} else if (ink[x] == ink[best] && x == best + run) {
				run++;
				best_run = run;
			}
		}
		if (best < 0 || ink[best] > height / 100)
			goto done;
		out[k] = best + best_run / 2;
		n++;
	}
	inferred = n;
done:
	free(e);
	free(at);
	return inferred;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The rows above the entries of T (at least SO_TABLE_HEAD_ROWS + 1 rows): the header and, in
 * row 1, the index row (1) ... (n) — a narrow row, less than half as tall as the entry rows
 * below it (of equal height, trailing empty ones too). A row 1 as tall as they are is an entry
 * of a printing without an index row: only the header is above the entries. */
static int head_rows(const struct so_table *t)
{
	int n = t->nrows - SO_TABLE_HEAD_ROWS, h[256];
	if (n < 1 || n > (int)SO_ARRAY_SIZE(h))
		return SO_TABLE_HEAD_ROWS;
	for (int i = 0; i < n; i++)
		h[i] = t->y[SO_TABLE_HEAD_ROWS + i + 1] - t->y[SO_TABLE_HEAD_ROWS + i];
	qsort(h, (size_t)n, sizeof(int), int_cmp);
	int entry = h[n / 2], first = t->y[2] - t->y[1];
	return 2 * first < entry ? SO_TABLE_HEAD_ROWS : 1;
}

/* The rows of height PITCH a gap of GAP pixels holds: a whole number within a tenth of a row,
 * or 0. */
static int rows_of(int gap, int pitch)
{
	int m = (int)lround((double)gap / pitch);
	return m >= 1 && abs(gap - m * pitch) <= pitch / 10 ? m : 0;
}

/* The rows the N row heights H hold at height PITCH, or 0 when one of them is not a whole
 * number of rows. */
static int whole_rows(const int *h, int n, int pitch)
{
	int rows = 0;
	for (int i = 0; i < n; i++) {
		int m = pitch > 0 ? rows_of(h[i], pitch) : 0;
		if (!m)
			return 0;
		rows += m;
	}
	return rows;
}

/*
 * The entry rows of T merged because the rule between them was too faint to be found (broken by
 * blur, a thin pen line). Layout v1 prints its entry rows of equal height, so a gap between two
 * rules that is a whole number M >= 2 of the others' height (their lower median, within a tenth)
 * holds M rows; on a page with fewer rows than the layout's ROWS_MIN, the lowest row is the
 * height when every other is a whole number of it. Each missing rule is placed at the strongest
 * line trace (HS, the long-run profile; at least an eighth of HMAX, the longest rule's) near
 * where the height puts it, or there when none shows; never past ROWS_MAX entries. T->y has room
 * for CAP edges. Returns the rules placed.
 */
static int split_merged_rows(struct so_table *t, const l_int32 *hs, int nh, int hmax, int rows_min,
			     int rows_max, int cap)
{
	int first = t->head_rows, n = t->nrows - first, h[256];
	if (n < 2 || n > (int)SO_ARRAY_SIZE(h))
		return 0;
	for (int i = 0; i < n; i++)
		h[i] = t->y[first + i + 1] - t->y[first + i];
	qsort(h, (size_t)n, sizeof(int), int_cmp);
	int pitch = h[(n - 1) / 2], placed = 0;
	if (n < rows_min && whole_rows(h, n, h[0]) >= rows_min)
		pitch = h[0]; /* fewer rows than any page has: the lowest is one row */
	if (pitch < 8)
		return 0;
	for (int row = first; row < t->nrows; row++) {
		int top = t->y[row], gap = t->y[row + 1] - top;
		int m = rows_of(gap, pitch);
		if (m < 2 || t->nrows - first + m - 1 > rows_max || t->nrows + m > cap)
			continue;
		/* the rules inside the gap, top down: each at the peak of the profile summed over
		 * a few pixel rows (a thin rule left slightly askew spreads over them) */
		int at[16], k = 0, reach = pitch / 8;
		for (int j = 1; j < m && k < (int)SO_ARRAY_SIZE(at); j++) {
			int want = top + (int)lround((double)gap * j / m), best = want;
			long most = 0;
			for (int y = want - reach; y <= want + reach; y++) {
				long sum = 0;
				for (int d = -2; d <= 2; d++)
					sum += y + d >= 0 && y + d < nh ? hs[y + d] : 0;
				if (sum > most) {
					most = sum;
					best = y;
				}
			}
			at[k++] = most >= hmax / 8 ? best : want;
		}
		memmove(t->y + row + 1 + k, t->y + row + 1, (size_t)(t->nrows - row) * sizeof(int));
		memcpy(t->y + row + 1, at, (size_t)k * sizeof(int));
		t->nrows += k;
		placed += k;
		row += k;
	}
	return placed;
}

/* infer_columns over the text of PAGE (its rules taken away) between TOP and BOTTOM. */
static int columns_inferred(PIX *page, PIX *hmask, PIX *vmask, const int *xc, int nx,
			    const struct so_layout *l, int top, int bottom, int *out)
{
	PIX *text = pixSubtract(NULL, page, hmask);
	if (text)
		pixSubtract(text, text, vmask);
	int n = 0, r = -1;
	l_int32 *ink = text ? sums(text, 1, top, bottom + 1, &n) : NULL;
	if (ink)
		r = infer_columns(xc, nx, l, ink, n, bottom - top, out);
	free(ink);
	pixDestroy(&text);
	return r;
}

#define NO_COLUMNS (-2) /* find_with: the column rules do not match the layout */

/* so_table_find, the rules found through a small closing along them (WIDE 0), or a wide one
 * (WIDE 1: see so_table_find). Returns 0, -1 with the reason, or NO_COLUMNS with the reason
 * when the page's column rules are not the layout's. */
static int find_with(PIX *page, const struct so_layout *l, struct so_table *t, int wide)
{
	memset(t, 0, sizeof(*t));
	if (!page || pixGetDepth(page) != 1)
		return so_error("table detection needs a 1-bit page");
	int dpi = dpi_of(page);
	l_int32 w = pixGetWidth(page), h = pixGetHeight(page);
	PIX *hmask = NULL, *vmask = NULL, *lines = NULL, *grown = NULL;
	l_int32 *hs = NULL, *vs = NULL;
	int *yc = NULL, *xc = NULL;
	int r = -1;

	/* rules are long thin runs; text strokes are short. A small closing along the line
	 * first bridges the breaks of faint or damaged rules. The wide closing also bridges the
	 * spaces between words and between lines of text: only runs longer than a cell's text
	 * can be (a fifth of the page's width, an inch down) are rules then. */
	int hl = dpi / 5, vl = dpi / 6, bridge = dpi / 40 + 1;
	if (wide) {
		bridge = dpi / 16 + 1;
		hl = w / 5 > hl ? w / 5 : hl;
		vl = dpi;
	}
	PIX *hc = pixCloseBrick(NULL, page, bridge, 1);
	PIX *vc = pixCloseBrick(NULL, page, 1, bridge);
	hmask = hc ? long_runs(hc, hl, 0) : NULL;
	vmask = vc ? long_runs(vc, vl, 1) : NULL;
	pixDestroy(&hc);
	pixDestroy(&vc);
	if (!hmask || !vmask) {
		so_error("out of memory finding the table");
		goto done;
	}

	/* horizontal rules: rows whose line pixels cover a good part of the widest rule */
	int nh;
	hs = sums(hmask, 0, 0, w, &nh);
	if (!hs)
		goto done;
	l_int32 hmax = 0;
	for (int i = 0; i < nh; i++)
		hmax = hs[i] > hmax ? hs[i] : hmax;
	if (hmax < w / 4) {
		so_error("no table found: no horizontal rule spans a quarter of the page");
		goto done;
	}
	int maxe = 256, hw = 0, vw = 0;
	yc = so_calloc((size_t)maxe, sizeof(int));
	xc = so_calloc((size_t)maxe, sizeof(int));
	if (!yc || !xc)
		goto done;
	int ny = profile_edges(hs, nh, hmax / 2, dpi / 60 + 1, yc, maxe, &hw);
	if (ny < SO_TABLE_HEAD_ROWS + 2) {
		so_error("no table found: %d horizontal %s, at least %d needed", ny,
			 ny == 1 ? "rule" : "rules", SO_TABLE_HEAD_ROWS + 2);
		goto done;
	}
	int top = yc[0], bottom = yc[ny - 1];

	/* vertical rules: within the table's height, covering most of it */
	int nv;
	vs = sums(vmask, 1, top, bottom + 1, &nv);
	if (!vs)
		goto done;
	int nx = profile_edges(vs, nv, (bottom - top) / 2, dpi / 60 + 1, xc, maxe, &vw);
	int need = (int)l->ncolumns + 1;
	if (nx < 2) {
		so_error("no table found: no vertical rule spans half the table");
		r = NO_COLUMNS;
		goto done;
	}
	t->x = so_calloc((size_t)need, sizeof(int));
	if (!t->x)
		goto done;
	if (nx == need) {
		memcpy(t->x, xc, (size_t)need * sizeof(int));
	} else if (nx > need && fit_columns(xc, nx, l, t->x) == 0) {
		/* extra vertical strokes (damage, a long handwritten stroke) left out */
	} else if (nx < need && (t->inferred = columns_inferred(page, hmask, vmask, xc, nx, l,
								 top, bottom, t->x)) > 0) {
		/* a rule too faint to be seen, placed in the empty gap where it runs */
	} else {
		so_error("found %d columns, layout %s has %zu", nx - 1, l->name, l->ncolumns);
		r = NO_COLUMNS;
		goto done;
	}
	t->ncols = (int)l->ncolumns;

	/* keep only the horizontal rules that span most of the table's width */
	int left = t->x[0], right = t->x[t->ncols];
	t->y = so_calloc((size_t)maxe, sizeof(int));
	if (!t->y)
		goto done;
	int k = 0;
	for (int i = 0; i < ny; i++) {
		int y0 = yc[i] - hw, y1 = yc[i] + hw + 1;
		if (y0 < 0)
			y0 = 0;
		if (y1 > h)
			y1 = h;
		BOX *b = boxCreate(left, y0, right - left, y1 - y0);
		PIX *strip = b ? pixClipRectangle(hmask, b, NULL) : NULL;
		boxDestroy(&b);
		l_int32 *cs = NULL;
		int ncs = 0, cover = 0;
		if (strip && (cs = sums(strip, 1, 0, pixGetHeight(strip), &ncs))) {
			for (int x = 0; x < ncs; x++)
				cover += cs[x] > 0;
		}
		free(cs);
		pixDestroy(&strip);
		if (cover >= (right - left) / 2)
			t->y[k++] = yc[i];
	}
	t->nrows = k - 1;
	if (t->nrows < SO_TABLE_HEAD_ROWS + 1) {
		if (k == 0)
			so_error("no table found: none of the %d horizontal %s runs across the columns "
				 "found", ny, ny == 1 ? "rule" : "rules");
		else
			so_error("no table found: %d %s under the frame, at least %d needed", k - 1,
				 k - 1 == 1 ? "row" : "rows", SO_TABLE_HEAD_ROWS + 1);
		goto done;
	}
	t->head_rows = head_rows(t);
	t->rows_placed = split_merged_rows(t, hs, nh, hmax, l->rows_min, l->rows_max, maxe - 1);
	if (t->nrows - t->head_rows > l->rows_max) {
		so_error("found %d entry rows, layout %s has at most %d", t->nrows - t->head_rows,
			 l->name, l->rows_max);
		goto done;
	}
	t->rule = (hw + vw) / 2 > 0 ? (hw + vw) / 2 : 1;

	/* the text layer: the page without its rules. Only line pixels in a band around each
	 * rule found are taken out, so that text (whose baselines and serifs also form long
	 * runs) stays whole. */
	lines = pixCreate(w, h, 1);
	if (!lines)
		goto done;
	int band = t->rule + 3;
	for (int i = 0; i <= t->nrows; i++)
		pixRasterop(lines, left - band, t->y[i] - band, right - left + 2 * band, 2 * band + 1,
			    PIX_SET, NULL, 0, 0);
	PIX *hband = pixAnd(NULL, lines, hmask);
	pixClearAll(lines);
	for (int i = 0; i <= t->ncols; i++)
		pixRasterop(lines, t->x[i] - band, t->y[0] - band, 2 * band + 1,
			    t->y[t->nrows] - t->y[0] + 2 * band, PIX_SET, NULL, 0, 0);
	PIX *vband = pixAnd(NULL, lines, vmask);
	pixDestroy(&lines);
	lines = hband && vband ? pixOr(NULL, hband, vband) : NULL;
	pixDestroy(&hband);
	pixDestroy(&vband);
	grown = lines ? pixDilateBrick(NULL, lines, 3, 3) : NULL;
	t->text = grown ? pixSubtract(NULL, page, grown) : NULL;
	if (!t->text) {
		so_error("out of memory finding the table");
		goto done;
	}
	r = 0;
done:
	pixDestroy(&hmask);
	pixDestroy(&vmask);
	pixDestroy(&lines);
	pixDestroy(&grown);
	free(hs);
	free(vs);
	free(yc);
	free(xc);
	if (r < 0)
		so_table_release(t);
	return r;
}

int so_table_find(PIX *page, const struct so_layout *l, struct so_table *t)
{
	int r = find_with(page, l, t, 0);
	if (r == 0 && t->nrows - t->head_rows >= l->rows_min)
		return 0;
	if (r == -1)
		return -1;
	/* A thin rule of a skewed scan can come out of the binarization dashed (its ink fades in
	 * and out with where it falls on the pixel grid), with gaps of up to a millimetre the
	 * small closing does not bridge: columns then go missing, or rows (fewer entry rows than
	 * any page of the layout has). The rules are looked for again through a closing that
	 * bridges them (1.5 mm); the page keeps its first finding, or reason, when that finds no
	 * more. */
	char first[512];
	snprintf(first, sizeof(first), "%s", so_errmsg());
	struct so_table again;
	if (find_with(page, l, &again, 1) == 0 &&
	    (r != 0 || again.nrows - again.head_rows > t->nrows - t->head_rows)) {
		so_table_release(t);
		*t = again;
		return 0;
	}
	so_table_release(&again);
	return r == 0 ? 0 : so_error("%s", first);
}

void so_table_release(struct so_table *t)
{
	SO_FREE(t->x);
	SO_FREE(t->y);
	pixDestroy(&t->text);
	t->ncols = t->nrows = t->head_rows = t->rows_placed = 0;
}

BOX *so_table_cell_box(const struct so_table *t, int row, int col)
{
	if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols)
		return NULL;
	int inset = t->rule / 2 + 2;
	int x0 = t->x[col] + inset, x1 = t->x[col + 1] - inset;
	int y0 = t->y[row] + inset, y1 = t->y[row + 1] - inset;
	if (x1 <= x0 || y1 <= y0)
		return NULL;
	return boxCreate(x0, y0, x1 - x0, y1 - y0);
}

void so_table_ink_marks(const struct so_table *t, BOX *box, int *ink, int *marks)
{
	/* the marks are whole components of the cell: counted and weighed in one labelling */
	*ink = *marks = 0;
	PIX *c = pixClipRectangle(t->text, box, NULL);
	int k = dpi_of(t->text) / 32;
	PIXA *parts = NULL;
	BOXA *boxes = c ? pixConnComp(c, &parts, 8) : NULL;
	for (l_int32 i = 0; parts && i < pixaGetCount(parts); i++) {
		l_int32 w = 0, h = 0, n = 0;
		pixaGetPixDimensions(parts, i, &w, &h, NULL);
		if (w < k && h < k)
			continue;
		PIX *part = pixaGetPix(parts, i, L_CLONE);
		if (part && pixCountPixels(part, &n, NULL) == 0)
			*ink += n;
		pixDestroy(&part);
		(*marks)++;
	}
	pixaDestroy(&parts);
	boxaDestroy(&boxes);
	pixDestroy(&c);
}

int so_table_specks(const struct so_table *t, BOX *box)
{
	PIX *c = pixClipRectangle(t->text, box, NULL);
	BOXA *boxes = c ? pixConnComp(c, NULL, 8) : NULL;
	int n = boxes ? boxaGetCount(boxes) : 0;
	boxaDestroy(&boxes);
	pixDestroy(&c);
	return n;
}

int so_table_marks(const struct so_table *t, BOX *box)
{
	int ink, marks;
	so_table_ink_marks(t, box, &ink, &marks);
	return marks;
}
