/*
 * Scan defects in pixel space (see defects.h). The paper is a coarse grid of tones (base
 * colour, slow unevenness, tea-coloured stains with a darker rim) interpolated per pixel; ink
 * is laid over it by its coverage. Per-pixel noise uses a cheap hash stream seeded from the
 * page's generator, so a page is the same on every run.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "defects.h"

static const char *const defect_names[DEFECT_COUNT] = {
	"skew", "speckle", "blur", "lowcontrast", "yellow", "border",
};

const char *defect_name(int i)
{
	return i >= 0 && i < DEFECT_COUNT ? defect_names[i] : "";
}

unsigned defect_from_name(const char *name, size_t len)
{
	for (int i = 0; i < DEFECT_COUNT; i++)
		if (strlen(defect_names[i]) == len && strncmp(defect_names[i], name, len) == 0)
			return 1u << i;
	return 0;
}

static double mm_px(int dpi, double mm)
{
	return mm * dpi / 25.4;
}

static inline uint32_t hash_next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Darkens a soft disc of radius RAD at (CX, CY) to coverage LEVEL (0..255). */
static void ink_disc(struct ink *ink, double cx, double cy, double rad, double level)
{
	int x0 = (int)floor(cx - rad - 1), x1 = (int)ceil(cx + rad + 1);
	int y0 = (int)floor(cy - rad - 1), y1 = (int)ceil(cy + rad + 1);
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 >= ink->width)
		x1 = ink->width - 1;
	if (y1 >= ink->height)
		y1 = ink->height - 1;
	for (int y = y0; y <= y1; y++) {
		unsigned char *row = ink->data + (size_t)y * (size_t)ink->stride;
		for (int x = x0; x <= x1; x++) {
			double d = hypot(x + 0.5 - cx, y + 0.5 - cy);
			double cov = rad + 0.5 - d;   /* 1-pixel soft edge */
			if (cov <= 0)
				continue;
			double v = level * (cov > 1 ? 1 : cov);
			if (v > row[x])
				row[x] = (unsigned char)lround(v);
		}
	}
}

static void speckle(struct ink *ink, int dpi, struct rng *r)
{
	double scale = dpi / 300.0;
	long n = (long)((double)ink->width * ink->height / 15000.0);
	for (long i = 0; i < n; i++)
		ink_disc(ink, rng_range(r, 0, ink->width), rng_range(r, 0, ink->height),
		         rng_range(r, 0.4, 1.8) * scale, rng_range(r, 150, 255));
	/* a few bigger specks of dust, each two overlapping blobs */
	for (long i = 0; i < n / 40; i++) {
		double x = rng_range(r, 0, ink->width), y = rng_range(r, 0, ink->height);
		double rad = rng_range(r, 2, 5) * scale;
		ink_disc(ink, x, y, rad, 255);
		ink_disc(ink, x + rng_range(r, -rad, rad), y + rng_range(r, -rad, rad), rad * 0.7, 255);
	}
}

/* Gaussian blur of the ink, separable, with 16-bit fixed-point weights. */
static int blur(struct ink *ink, int dpi, struct rng *r)
{
	double sigma = rng_range(r, 1.0, 1.8) * dpi / 300.0;
	int rad = (int)ceil(3 * sigma);
	if (rad < 1)
		return 0;
	if (rad > 32)
		rad = 32;
	int weight[65];
	double wsum = 0, wf[65];
	for (int k = -rad; k <= rad; k++)
		wsum += wf[k + rad] = exp(-(double)(k * k) / (2 * sigma * sigma));
	for (int k = 0; k <= 2 * rad; k++)
		weight[k] = (int)lround(wf[k] / wsum * 65536.0);
	size_t w = (size_t)ink->width, h = (size_t)ink->height, size;
	if (so_mul_size(w, h, (size_t)1 << 31, &size) < 0)
		return -1;
	unsigned char *tmp = so_malloc(size);
	if (!tmp)
		return -1;
	/* horizontal: ink → tmp, spreading each inked pixel (most of a page is bare paper) */
	uint32_t *acc = so_calloc(w + 2 * (size_t)rad, sizeof(*acc));
	if (!acc) {
		free(tmp);
		return -1;
	}
	for (size_t y = 0; y < h; y++) {
		const unsigned char *src = ink->data + y * (size_t)ink->stride;
		unsigned char *dst = tmp + y * w;
		memset(acc, 0, (w + 2 * (size_t)rad) * sizeof(*acc));
		for (size_t x = 0; x < w; x++) {
			uint32_t v = src[x];
			if (!v)
				continue;
			uint32_t *a = acc + x;   /* acc[x + rad] is pixel x */
			for (int k = 0; k <= 2 * rad; k++)
				a[k] += v * (uint32_t)weight[k];
		}
		for (size_t x = 0; x < w; x++) {
			uint32_t v = (acc[x + (size_t)rad] + 32768) >> 16;
			dst[x] = (unsigned char)(v > 255 ? 255 : v);
		}
	}
	free(acc);
	/* vertical: tmp → ink, a row at a time, summing whole rows for speed */
	uint32_t *sums = so_calloc(w, sizeof(*sums));
	if (!sums) {
		free(tmp);
		return -1;
	}
	for (size_t y = 0; y < h; y++) {
		unsigned char *dst = ink->data + y * (size_t)ink->stride;
		memset(sums, 0, w * sizeof(*sums));
		for (int k = -rad; k <= rad; k++) {
			long yy = (long)y + k;
			yy = yy < 0 ? 0 : yy >= (long)h ? (long)h - 1 : yy;
			const unsigned char *src = tmp + (size_t)yy * w;
			uint32_t wk = (uint32_t)weight[k + rad];
			if (wk == 0)
				continue;
			for (size_t x = 0; x < w; x++)
				sums[x] += src[x] * wk;
		}
		for (size_t x = 0; x < w; x++) {
			uint32_t v = (sums[x] + 32768) >> 16;
			dst[x] = (unsigned char)(v > 255 ? 255 : v);
		}
	}
	free(sums);
	free(tmp);
	return 0;
}

int defects_ink(struct ink *ink, unsigned flags, int dpi, struct rng *r)
{
	if (flags & DEFECT_SPECKLE)
		speckle(ink, dpi, r);
	if ((flags & DEFECT_BLUR) && blur(ink, dpi, r) < 0)
		return -1;
	return 0;
}

/* ---- paper ---- */

struct stain {
	double x, y, rx, ry, strength, rim;
};

struct paper {
	int gw, gh, cell;           /* grid of nodes, CELL pixels apart */
	float *node;                /* gw*gh*3 RGB tones */
	int uniform;                /* no grid: every pixel has base */
	double base[3];
};

static int paper_build(struct paper *p, int w, int h, unsigned flags, int blank, int dpi,
                       const double *tone, struct rng *r)
{
	memset(p, 0, sizeof(*p));
	double base = rng_range(r, 242, 251);
	p->base[0] = base;
	p->base[1] = base;
	p->base[2] = base - rng_range(r, 0, 3);
	if (tone)
		for (int c = 0; c < 3; c++)
			p->base[c] = tone[c] + (base - 247);
	if (flags & DEFECT_YELLOW) {
		p->base[0] = rng_range(r, 236, 245);
		p->base[1] = rng_range(r, 222, 233);
		p->base[2] = rng_range(r, 178, 200);
	}
	if (flags & DEFECT_LOWCONTRAST)
		for (int c = 0; c < 3; c++)
			p->base[c] *= 0.88;
	double uneven = (flags & DEFECT_YELLOW) ? 5 : (flags & DEFECT_LOWCONTRAST) ? 3
	              : blank ? 1.5 : 0;
	if (uneven == 0) {
		p->uniform = 1;
		return 0;
	}
	p->cell = dpi / 10 < 8 ? 8 : dpi / 10;
	p->gw = w / p->cell + 2;
	p->gh = h / p->cell + 2;
	size_t n;
	if (so_mul_size((size_t)p->gw * (size_t)p->gh, 3 * sizeof(float), (size_t)1 << 28, &n) < 0)
		return -1;
	p->node = so_malloc(n);
	if (!p->node)
		return -1;
	/* slow unevenness: random values on a grid 16 cells apart, interpolated */
	int cw = p->gw / 16 + 2, ch = p->gh / 16 + 2;
	double coarse[64 * 64];
	if (cw > 64)
		cw = 64;
	if (ch > 64)
		ch = 64;
	for (int i = 0; i < cw * ch; i++)
		coarse[i] = rng_range(r, -uneven, uneven);
	struct stain stains[8];
	int nstains = (flags & DEFECT_YELLOW) ? rng_int(r, 3, 7) : 0;
	for (int i = 0; i < nstains; i++) {
		stains[i].x = rng_range(r, 0, w);
		stains[i].y = rng_range(r, 0, h);
		stains[i].rx = rng_range(r, 0.03, 0.12) * w;
		stains[i].ry = stains[i].rx * rng_range(r, 0.6, 1.4);
		stains[i].strength = rng_range(r, 0.05, 0.16);
		stains[i].rim = rng_range(r, 0.03, 0.08);
	}
	static const double stain_colour[3] = { 172, 128, 70 };
	for (int gy = 0; gy < p->gh; gy++) {
		for (int gx = 0; gx < p->gw; gx++) {
			double fx = gx / 16.0, fy = gy / 16.0;
			int ix = (int)fx, iy = (int)fy;
			if (ix >= cw - 1)
				ix = cw - 2;
			if (iy >= ch - 1)
				iy = ch - 2;
			double tx = fx - ix, ty = fy - iy;
			double v = coarse[iy * cw + ix] * (1 - tx) * (1 - ty) +
			           coarse[iy * cw + ix + 1] * tx * (1 - ty) +
			           coarse[(iy + 1) * cw + ix] * (1 - tx) * ty +
			           coarse[(iy + 1) * cw + ix + 1] * tx * ty;
			double px = (double)gx * p->cell, py = (double)gy * p->cell;
			double k = 0;
			for (int s = 0; s < nstains; s++) {
				double dx = (px - stains[s].x) / stains[s].rx;
				double dy = (py - stains[s].y) / stains[s].ry;
				double d = sqrt(dx * dx + dy * dy);
				if (d < 1)
					k += stains[s].strength * (1 - d * d) * (1 - d * d);
				k += stains[s].rim * exp(-((d - 0.97) * (d - 0.97)) / 0.0025);
			}
			if (k > 0.5)
				k = 0.5;
			float *node = p->node + ((size_t)gy * p->gw + gx) * 3;
			for (int c = 0; c < 3; c++)
				node[c] = (float)((p->base[c] + v) * (1 - k) + stain_colour[c] * k);
		}
	}
	return 0;
}

/* The paper tones of row Y into ROW (w*3 floats). */
static void paper_row(const struct paper *p, int y, int w, float *row)
{
	if (p->uniform) {
		for (int x = 0; x < w; x++)
			for (int c = 0; c < 3; c++)
				row[x * 3 + c] = (float)p->base[c];
		return;
	}
	double fy = (double)y / p->cell;
	int iy = (int)fy;
	float ty = (float)(fy - iy);
	const float *a = p->node + (size_t)iy * p->gw * 3, *b = a + (size_t)p->gw * 3;
	for (int x = 0; x < w; x++) {
		int ix = x / p->cell;
		float tx = (float)(x - ix * p->cell) / (float)p->cell;
		for (int c = 0; c < 3; c++) {
			float top = a[ix * 3 + c] + (a[ix * 3 + 3 + c] - a[ix * 3 + c]) * tx;
			float bot = b[ix * 3 + c] + (b[ix * 3 + 3 + c] - b[ix * 3 + c]) * tx;
			row[x * 3 + c] = top + (bot - top) * ty;
		}
	}
}

/* ---- scanner-bed borders ---- */

struct borders {
	int on[4];                  /* left, top, right, bottom */
	double width[4], phase[4], period[4], taper[4];
	double tone;
};

/* Draws 1-3 dark bands on edges where they stay clear of BOX by 2 mm. */
static void borders_draw(struct borders *b, int w, int h, const double box[4], int dpi,
                         struct rng *r)
{
	memset(b, 0, sizeof(*b));
	double margin = mm_px(dpi, 2);
	double room[4] = { box[0] - margin, box[1] - margin, w - box[2] - margin,
	                   h - box[3] - margin };
	double dim[4] = { w, h, w, h };
	int order[4] = { 0, 1, 2, 3 };
	for (int i = 3; i > 0; i--) {
		int k = (int)rng_below(r, (uint64_t)i + 1), t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
	int want = rng_int(r, 1, 3), got = 0;
	for (int i = 0; i < 4 && got < want; i++) {
		int e = order[i];
		double wide = rng_range(r, 0.02, 0.05) * dim[e];
		if (wide > room[e])
			wide = room[e];
		if (wide < 0.008 * dim[e])
			continue;
		b->on[e] = 1;
		b->width[e] = wide;
		b->phase[e] = rng_range(r, 0, 2 * M_PI);
		b->period[e] = rng_range(r, 0.3, 1.2) * (e % 2 ? w : h);   /* along the edge */
		b->taper[e] = rng_range(r, -0.12, 0.12);
		got++;
	}
	b->tone = rng_range(r, 22, 60);
}

/* How far band E reaches in from its edge at position T along the edge (0..len). */
static double border_reach(const struct borders *b, int e, double t, double len)
{
	double u = t / len;
	double wave = 0.93 + 0.07 * sin(2 * M_PI * t / b->period[e] + b->phase[e]);
	return b->width[e] * wave * (1 - fabs(b->taper[e]) * (b->taper[e] > 0 ? u : 1 - u));
}

int defects_compose(const struct ink *ink, unsigned flags, int channels, int blank,
                    const double box[4], int dpi, struct rng *r, struct raster *out)
{
	return defects_compose_coloured(ink, flags, channels, blank, box, dpi, r, NULL, NULL, out);
}

int defects_compose_coloured(const struct ink *ink, unsigned flags, int channels, int blank,
                             const double box[4], int dpi, struct rng *r,
                             const double *ink_rgb, const double *paper_rgb,
                             struct raster *out)
{
	struct paper paper;
	struct borders bd;
	float *prow = NULL;
	double *reach_top = NULL, *reach_bottom = NULL;
	int w = ink->width, h = ink->height, rc = -1;
	size_t size;
	memset(out, 0, sizeof(*out));
	memset(&bd, 0, sizeof(bd));
	if (paper_build(&paper, w, h, flags, blank, dpi, paper_rgb, r) < 0)
		return -1;
	if (so_mul_size((size_t)w * (size_t)h, (size_t)channels, (size_t)1 << 31, &size) < 0)
		goto cleanup;
	out->px = so_malloc(size);
	prow = so_calloc((size_t)w * 3, sizeof(*prow));
	if (!out->px || !prow)
		goto cleanup;
	out->width = w;
	out->height = h;
	out->channels = channels;

	/* the ink's tone, and how strongly it covers */
	double inkc[3] = { 18, 19, 26 }, strength = 1.0;
	if (ink_rgb)
		memcpy(inkc, ink_rgb, sizeof(inkc));
	if (flags & DEFECT_LOWCONTRAST) {
		inkc[0] = 112, inkc[1] = 110, inkc[2] = 116;
		strength = 0.85;
	}
	double noise = (flags & DEFECT_LOWCONTRAST) || blank ? 2.5 : 0;
	if (flags & DEFECT_BORDER) {
		borders_draw(&bd, w, h, box, dpi, r);
		reach_top = so_calloc((size_t)w, sizeof(*reach_top));
		reach_bottom = so_calloc((size_t)w, sizeof(*reach_bottom));
		if (!reach_top || !reach_bottom)
			goto cleanup;
		for (int x = 0; x < w; x++) {
			reach_top[x] = bd.on[1] ? border_reach(&bd, 1, x, w) : 0;
			reach_bottom[x] = bd.on[3] ? h - border_reach(&bd, 3, x, w) : h + 1;
		}
	}
	double grey_ink = 0.299 * inkc[0] + 0.587 * inkc[1] + 0.114 * inkc[2];
	double grey_paper = 0.299 * paper.base[0] + 0.587 * paper.base[1] + 0.114 * paper.base[2];
	out->threshold = (int)lround((grey_ink + grey_paper) / 2);
	uint32_t hs = (uint32_t)(rng_next(r) | 1);

	float ig = (float)grey_ink;
	float inkf[3] = { (float)inkc[0], (float)inkc[1], (float)inkc[2] };
	float kscale = (float)(strength / 255.0);
	float tone_base = (float)bd.tone;
	/* the colour layers in use, in their colours (dimmed like the ink by low contrast) */
	const struct ink_layer *layers[INK_LAYERS];
	float lgrey[INK_LAYERS], lrgb[INK_LAYERS][3];
	const unsigned char *lrow[INK_LAYERS];
	int nlayers = 0;
	for (int k = 0; k < INK_LAYERS; k++) {
		const struct ink_layer *l = &ink->layers[k];
		if (!l->data)
			continue;
		double mix = (flags & DEFECT_LOWCONTRAST) ? 0.45 : 0;
		for (int c = 0; c < 3; c++)
			lrgb[nlayers][c] = (float)(l->rgb[c] * (1 - mix) + 180 * mix);
		lgrey[nlayers] = 0.299f * lrgb[nlayers][0] + 0.587f * lrgb[nlayers][1] +
		                 0.114f * lrgb[nlayers][2];
		layers[nlayers++] = l;
	}
	for (int y = 0; y < h; y++) {
		const unsigned char *irow = ink->data + (size_t)y * (size_t)ink->stride;
		for (int k = 0; k < nlayers; k++)
			lrow[k] = layers[k]->data + (size_t)y * (size_t)layers[k]->stride;
		unsigned char *orow = out->px + (size_t)y * (size_t)w * (size_t)channels;
		paper_row(&paper, y, w, prow);
		if (channels == 1)
			for (int x = 0; x < w; x++)
				prow[x] = 0.299f * prow[x * 3] + 0.587f * prow[x * 3 + 1] +
				          0.114f * prow[x * 3 + 2];
		double left = bd.on[0] ? border_reach(&bd, 0, y, h) : -10;
		double right = bd.on[2] ? w - border_reach(&bd, 2, y, h) : w + 10;
		for (int x = 0; x < w; x++) {
			float a = irow[x] * kscale;
			float n = 0;
			if (noise > 0) {
				uint32_t hv = hash_next(&hs);
				if ((hv & 3) == 0)
					n = ((float)((hv >> 8) & 0xff) / 255.0f - 0.5f) * 2 * (float)noise;
			}
			/* inside a scanner-bed band (two-pixel soft inner edge): weight t of its tone */
			float t = 0, tone = 0;
			if ((flags & DEFECT_BORDER) &&
			    (x < left + 2 || x > right - 2 || y < reach_top[x] + 2 ||
			     y > reach_bottom[x] - 2)) {
				double depth = left - x;
				if (x - right > depth)
					depth = x - right;
				if (reach_top[x] - y > depth)
					depth = reach_top[x] - y;
				if (y - reach_bottom[x] > depth)
					depth = y - reach_bottom[x];
				if (depth > -2) {
					t = depth >= 0 ? 1.0f : (float)(depth + 2) / 2;
					tone = tone_base + (float)(hash_next(&hs) & 15) - 7.5f;
				}
			}
			if (channels == 1) {
				float v = prow[x] + (ig - prow[x]) * a + n;
				for (int k = 0; k < nlayers; k++) {
					float la = lrow[k][x] * kscale;
					v += (lgrey[k] - v) * la;
				}
				v = v * (1 - t) + tone * t;
				orow[x] = (unsigned char)(v <= 0 ? 0 : v >= 255 ? 255 : (int)(v + 0.5f));
			} else {
				const float *pp = prow + x * 3;
				for (int c = 0; c < 3; c++) {
					float v = pp[c] + (inkf[c] - pp[c]) * a + n;
					for (int k = 0; k < nlayers; k++) {
						float la = lrow[k][x] * kscale;
						v += (lrgb[k][c] - v) * la;
					}
					v = v * (1 - t) + tone * t;
					orow[x * 3 + c] = (unsigned char)(v <= 0 ? 0 : v >= 255 ? 255
					                                  : (int)(v + 0.5f));
				}
			}
		}
	}
	rc = 0;
cleanup:
	free(paper.node);
	free(prow);
	free(reach_top);
	free(reach_bottom);
	if (rc < 0)
		raster_release(out);
	return rc;
}

int raster_rotate(struct raster *r, int rotation)
{
	size_t w = (size_t)r->width, h = (size_t)r->height, ch = (size_t)r->channels;
	if (rotation == 0)
		return 0;
	if (rotation == 180) {
		unsigned char *a = r->px, *b = r->px + (w * h - 1) * ch;
		while (a < b) {
			for (size_t c = 0; c < ch; c++) {
				unsigned char t = a[c];
				a[c] = b[c];
				b[c] = t;
			}
			a += ch;
			b -= ch;
		}
		return 0;
	}
	if (rotation != 90 && rotation != 270)
		return so_error("rotation must be 0, 90, 180 or 270, not %d", rotation);
	unsigned char *dst = so_malloc(w * h * ch);
	if (!dst)
		return -1;
	/* clockwise 90: old (x, y) goes to (h-1-y, x); 270: to (y, w-1-x); new width is h */
	for (size_t y = 0; y < h; y++) {
		const unsigned char *src = r->px + y * w * ch;
		for (size_t x = 0; x < w; x++) {
			size_t nx = rotation == 90 ? h - 1 - y : y;
			size_t ny = rotation == 90 ? x : w - 1 - x;
			memcpy(dst + (ny * h + nx) * ch, src + x * ch, ch);
		}
	}
	free(r->px);
	r->px = dst;
	r->width = (int)h;
	r->height = (int)w;
	return 0;
}

void raster_release(struct raster *r)
{
	SO_FREE(r->px);
	r->width = r->height = 0;
}
