/* TIFF page reader with per-file error handling and caps (see tiffin.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "base/fault.h"
#include "base/util.h"
#include "ingest/tiffin.h"

#define A3_LONG_SIDE_INCHES (420.0 / 25.4)
#define ROW_UNKNOWN UINT32_MAX

struct mem_file {
	const unsigned char *data;
	toff_t size, pos;
};

struct so_tiff {
	TIFF *tif;
	TIFFOpenOptions *opts;
	char *name;
	int index;
	int decoding;           /* a page's pixels are being decoded: decoder warnings count */
	uint32_t row;           /* the row being decoded (0-based), ROW_UNKNOWN on whole pages */
	int looped;             /* libtiff saw the page chain loop back */
	char err[512];          /* the first libtiff error since the last call */
	char warn[256];         /* the first decoder warning while decoding */
	uint32_t warn_row;      /* the row it came at (1-based), 0 when not known */
	char note[300];         /* what the last read or move found worth telling (or "") */
	struct mem_file mem;
};

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	struct so_tiff *t = user;
	if (t && !t->err[0]) {
		char msg[400];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		/* libtiff often starts with the file name; kept only to be classified (cause_of) */
		const char *m = msg;
		size_t n = strlen(t->name);
		if (strncmp(m, t->name, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
			m += n + 2;
		snprintf(t->err, sizeof(t->err), "%s", m);
	}
	return 1; /* handled: no global handler */
}

/* Warnings outside decoding (unknown tags and the like) are not the operator's concern; while
 * a page decodes, the first one is kept: it means the decoder met data it had to patch over.
 * Old-JPEG's notice that the format is deprecated is not about the page. A loop in the page
 * chain is noted wherever it is seen. */
static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	struct so_tiff *t = user;
	if (!t)
		return 1;
	char msg[300];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "IFD loop"))
		t->looped = 1;
	if (t->decoding && !t->warn[0] && !(module && strcmp(module, "OJPEGSetupDecode") == 0)) {
		snprintf(t->warn, sizeof(t->warn), "%s", msg);
		t->warn_row = t->row == ROW_UNKNOWN ? 0 : t->row + 1;
	}
	return 1;
}

/*
 * What a libtiff message says went wrong, in words an operator can act on (libtiff's own text
 * names its internals: "Read error at scanline 4294967295", "Sorry, can not handle image").
 */
static const char *cause_of(const char *libtiff_text)
{
	static const struct {
		const char *needle, *cause;
	} causes[] = {
		{ "Read error", "the file ends before the page's data do: it was cut short" },
		{ "Cannot read", "the file ends before the page's data do: it was cut short" },
		{ "Seek error", "the page's data lie beyond the end of the file: it was cut short" },
		{ "Invalid strip byte count", "part of the page has no data: the file is damaged" },
	};
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (strstr(libtiff_text, causes[i].needle))
			return causes[i].cause;
	return NULL; /* anything else the decoder met: the data themselves are damaged */
}

/* "the g4-compressed data", "the uncompressed data" */
static const char *data_words(const char *compression, char *buf, size_t size)
{
	if (strcmp(compression, "none") == 0)
		snprintf(buf, size, "the uncompressed data");
	else if (strcmp(compression, "other") == 0)
		snprintf(buf, size, "the compressed data");
	else
		snprintf(buf, size, "the %s-compressed data", compression);
	return buf;
}

/* Sets the page's error: WHAT, then the cause in plain words (from the recorded libtiff
 * message, never its text). Returns -1. */
static int tiff_fail(struct so_tiff *t, const char *what, const char *compression)
{
	const char *seen = t->err[0] ? t->err : t->warn;
	const char *cause = seen[0] ? cause_of(seen) : NULL;
	char data[64];
	if (cause)
		so_error("%s: %s", what, cause);
	else
		so_error("%s: %s are damaged, or the compression is not the one the file names: "
			 "rescan or export the page again", what,
			 data_words(compression, data, sizeof(data)));
	t->err[0] = 0;
	return -1;
}

static tmsize_t mem_read(thandle_t h, void *buf, tmsize_t n)
{
	struct mem_file *m = h;
	if (n < 0 || m->pos >= m->size)
		return 0;
	toff_t left = m->size - m->pos;
	if ((toff_t)n > left)
		n = (tmsize_t)left;
	memcpy(buf, m->data + m->pos, (size_t)n);
	m->pos += (toff_t)n;
	return n;
}

static tmsize_t mem_write(thandle_t h, void *buf, tmsize_t n)
{
	return -1;
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
	struct mem_file *m = h;
	toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;
	if (off > UINT64_MAX - base)
		return (toff_t)-1;
	m->pos = base + off;
	return m->pos;
}

static int mem_close(thandle_t h)
{
	return 0;
}

static toff_t mem_size(thandle_t h)
{
	return ((struct mem_file *)h)->size;
}

static int mem_map(thandle_t h, void **base, toff_t *size)
{
	return 0;
}

static void mem_unmap(thandle_t h, void *base, toff_t size)
{
}

/* The error of a file libtiff would not open, from its first bytes and libtiff's complaint. */
static void not_readable(struct so_tiff *t)
{
	if (t->err[0] && (strstr(t->err, "Not a TIFF") || strstr(t->err, "bad magic") ||
			  strstr(t->err, "Cannot read TIFF header")))
		so_error("not a readable TIFF file: it does not start as a TIFF file does (is it "
			 "another kind of image or document?)");
	else if (t->err[0])
		so_error("not a readable TIFF file: its first page header is damaged or cut short");
	else
		so_error("not a readable TIFF file");
}

static struct so_tiff *reader_new(const char *name)
{
	struct so_tiff *t = so_calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->name = so_strdup(name);
	t->opts = TIFFOpenOptionsAlloc();
	if (!t->name || !t->opts) {
		so_error("out of memory");
		so_tiff_close(t);
		return NULL;
	}
	TIFFOpenOptionsSetMaxSingleMemAlloc(t->opts, SO_TIFF_MAX_ALLOC);
	TIFFOpenOptionsSetErrorHandlerExtR(t->opts, on_error, t);
	TIFFOpenOptionsSetWarningHandlerExtR(t->opts, on_warning, t);
	return t;
}

int so_tiff_open(const char *path, struct so_tiff **out)
{
	*out = NULL;
	FILE *probe = fopen(path, "rb");
	if (!probe)
		return so_error("cannot open the file: %s", strerror(errno));
	int c = fgetc(probe);
	fclose(probe);
	if (c == EOF)
		return so_error("the file is empty (0 bytes)");
	struct so_tiff *t = reader_new(path);
	if (!t)
		return -1;
	/* "m": no memory mapping, so a file truncated under us is a read error, not SIGBUS */
	t->tif = TIFFOpenExt(path, "rm", t->opts);
	if (!t->tif) {
		not_readable(t);
		so_tiff_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

int so_tiff_open_memory(const void *data, size_t size, const char *name, struct so_tiff **out)
{
	*out = NULL;
	if (size == 0)
		return so_error("the file is empty (0 bytes)");
	struct so_tiff *t = reader_new(name);
	if (!t)
		return -1;
	t->mem.data = data;
	t->mem.size = size;
	t->tif = TIFFClientOpenExt(name, "rm", &t->mem, mem_read, mem_write, mem_seek, mem_close,
				   mem_size, mem_map, mem_unmap, t->opts);
	if (!t->tif) {
		not_readable(t);
		so_tiff_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

void so_tiff_close(struct so_tiff *t)
{
	if (!t)
		return;
	if (t->tif)
		TIFFClose(t->tif);
	if (t->opts)
		TIFFOpenOptionsFree(t->opts);
	free(t->name);
	free(t);
}

int so_tiff_index(const struct so_tiff *t)
{
	return t->index;
}

const char *so_tiff_note(const struct so_tiff *t)
{
	return t->note;
}

/* Counts the pages that can be reached: a header that cannot be read ends the chain as a loop
 * back does (libtiff's own count follows offsets it has not checked). */
int so_tiff_count_pages(struct so_tiff *t)
{
	if (!TIFFSetDirectory(t->tif, 0)) {
		t->err[0] = 0;
		return so_error("cannot count the pages: the first page header is damaged");
	}
	int n = 1;
	while (!TIFFLastDirectory(t->tif)) {
		if (n >= SO_TIFF_MAX_PAGES) {
			TIFFSetDirectory(t->tif, (tdir_t)t->index);
			t->err[0] = 0;
			return so_error("the file has more than %d pages, the limit", SO_TIFF_MAX_PAGES);
		}
		if (!TIFFReadDirectory(t->tif))
			break;
		n++;
	}
	if (!TIFFSetDirectory(t->tif, (tdir_t)t->index)) {
		t->err[0] = 0;
		return so_error("cannot go back to page %d after counting", t->index + 1);
	}
	t->err[0] = 0;
	t->looped = 0;
	return n;
}

int so_tiff_next(struct so_tiff *t)
{
	t->note[0] = 0;
	if (TIFFLastDirectory(t->tif))
		return 0;
	if (t->index + 1 >= SO_TIFF_MAX_PAGES)
		return so_error("the file has more than %d pages, the limit", SO_TIFF_MAX_PAGES);
	t->err[0] = 0;
	t->looped = 0;
	if (!TIFFReadDirectory(t->tif)) {
		t->err[0] = 0;
		if (t->looped) {
			/* every page was read; the chain points back at one of them */
			snprintf(t->note, sizeof(t->note), "the page chain loops back to an earlier "
				 "page after page %d: that is taken as the end of the file", t->index + 1);
			return 0;
		}
		return so_error("the header of page %d is damaged: pages from %d on cannot be read",
				t->index + 2, t->index + 2);
	}
	t->index++;
	return 1;
}

static const char *compression_name(uint16_t c)
{
	switch (c) {
	case COMPRESSION_NONE: return "none";
	case COMPRESSION_CCITTRLE: return "ccitt-rle";
	case COMPRESSION_CCITTFAX3: return "g3";
	case COMPRESSION_CCITTFAX4: return "g4";
	case COMPRESSION_LZW: return "lzw";
	case COMPRESSION_OJPEG: return "old-jpeg";
	case COMPRESSION_JPEG: return "jpeg";
	case COMPRESSION_ADOBE_DEFLATE:
	case COMPRESSION_DEFLATE: return "deflate";
	case COMPRESSION_PACKBITS: return "packbits";
	case COMPRESSION_JBIG: return "jbig";
	case COMPRESSION_LZMA: return "lzma";
	case COMPRESSION_ZSTD: return "zstd";
	case COMPRESSION_WEBP: return "webp";
	default: return "other";
	}
}

static const char *photometric_name(uint16_t ph)
{
	switch (ph) {
	case PHOTOMETRIC_MINISWHITE:
	case PHOTOMETRIC_MINISBLACK: return "greyscale";
	case PHOTOMETRIC_RGB: return "RGB colour";
	case PHOTOMETRIC_PALETTE: return "palette colour";
	case PHOTOMETRIC_MASK: return "transparency mask";
	case PHOTOMETRIC_SEPARATED: return "CMYK (print separations)";
	case PHOTOMETRIC_YCBCR: return "YCbCr colour";
	case PHOTOMETRIC_CIELAB:
	case PHOTOMETRIC_ICCLAB:
	case PHOTOMETRIC_ITULAB: return "Lab colour";
	case PHOTOMETRIC_LOGL:
	case PHOTOMETRIC_LOGLUV: return "high dynamic range (LogLuv)";
	default: return "an unknown colour model";
	}
}

/*
 * The photometric interpretation, or what a page without the tag means. The TIFF 6.0 spec
 * gives the tag no default; libtiff's own reader takes one sample per pixel as min-is-black
 * and three or more as RGB, and so do we, except for fax-coded pages, which the fax profile
 * (TIFF Class F) writes white-is-zero.
 */
static uint16_t photometric_of(TIFF *tif, uint16_t spp, uint16_t comp)
{
	uint16_t ph;
	if (TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &ph))
		return ph;
	if (spp >= 3)
		return PHOTOMETRIC_RGB;
	if (comp == COMPRESSION_CCITTFAX3 || comp == COMPRESSION_CCITTFAX4 ||
	    comp == COMPRESSION_CCITTRLE || comp == COMPRESSION_CCITTRLEW)
		return PHOTOMETRIC_MINISWHITE;
	return PHOTOMETRIC_MINISBLACK;
}

/* Dots per inch from a resolution tag, 0 when absent or implausible. */
static double tag_dpi(TIFF *tif, uint32_t tag, uint16_t unit)
{
	float res = 0;
	if (unit == RESUNIT_NONE || !TIFFGetField(tif, tag, &res) || !(res > 0))
		return 0;
	double dpi = unit == RESUNIT_CENTIMETER ? res * 2.54 : res;
	return dpi >= 20 && dpi <= 5000 ? dpi : 0;
}

int so_tiff_page_info(struct so_tiff *t, struct so_tiff_page *p)
{
	memset(p, 0, sizeof(*p));
	p->index = t->index;
	uint32_t w = 0, h = 0;
	uint16_t bits = 1, spp = 1, comp = COMPRESSION_NONE, orient = ORIENTATION_TOPLEFT;
	if (!TIFFGetField(t->tif, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(t->tif, TIFFTAG_IMAGELENGTH, &h)) {
		t->err[0] = 0;
		return so_error("the page header gives no size: the file is damaged");
	}
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_BITSPERSAMPLE, &bits);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_COMPRESSION, &comp);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_ORIENTATION, &orient);
	uint16_t photometric = photometric_of(t->tif, spp, comp);
	t->err[0] = 0;
	if (w == 0 || h == 0)
		return so_error("empty page (%ux%u pixels)", (unsigned)w, (unsigned)h);
	if (w > SO_TIFF_MAX_DIM || h > SO_TIFF_MAX_DIM ||
	    (uint64_t)w * (uint64_t)h > SO_TIFF_MAX_PIXELS)
		return so_error("claims %ux%u pixels, beyond the limit of %u per side and %llu in all",
				(unsigned)w, (unsigned)h, SO_TIFF_MAX_DIM, SO_TIFF_MAX_PIXELS);
	if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16)
		return so_error("%u bits per sample are not supported: scan or save the page with "
				"1, 8 or 16", (unsigned)bits);
	if (spp < 1 || spp > 8)
		return so_error("%u samples per pixel are not supported", (unsigned)spp);
	p->orientation = orient >= ORIENTATION_TOPLEFT && orient <= ORIENTATION_LEFTBOT
				 ? orient : ORIENTATION_TOPLEFT;
	p->stored_width = w;
	p->stored_height = h;
	/* orientations 5-8 store the page's columns as rows */
	int transposed = p->orientation >= ORIENTATION_LEFTTOP;
	p->width = transposed ? h : w;
	p->height = transposed ? w : h;
	p->bits = bits;
	p->samples = spp;
	p->photometric = photometric;
	p->compression_tag = comp;
	p->tiled = TIFFIsTiled(t->tif);
	p->compression = compression_name(comp);
	if (spp >= 3 || photometric == PHOTOMETRIC_PALETTE || photometric == PHOTOMETRIC_YCBCR ||
	    photometric == PHOTOMETRIC_SEPARATED)
		p->color = "rgb";
	else
		p->color = bits == 1 ? "bilevel" : "gray";

	uint16_t unit = RESUNIT_INCH;
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_RESOLUTIONUNIT, &unit);
	double xdpi = tag_dpi(t->tif, TIFFTAG_XRESOLUTION, unit);
	double ydpi = tag_dpi(t->tif, TIFFTAG_YRESOLUTION, unit);
	t->err[0] = 0;
	if (xdpi == 0)
		xdpi = ydpi;
	if (ydpi == 0)
		ydpi = xdpi;
	if (xdpi > 0) {
		p->dpi = transposed ? ydpi : xdpi;
		p->ydpi = transposed ? xdpi : ydpi;
		p->dpi_from_tag = 1;
	} else {
		uint32_t longer = w > h ? w : h;
		p->dpi = p->ydpi = longer / A3_LONG_SIDE_INCHES;
	}
	return 0;
}

static inline uint8_t rgb_to_gray(unsigned r, unsigned g, unsigned b)
{
	return (uint8_t)((r * 299 + g * 587 + b * 114 + 500) / 1000);
}

enum alpha_kind { ALPHA_NONE, ALPHA_ASSOCIATED, ALPHA_UNASSOCIATED };

/* A grey value over its alpha laid on white paper: a transparent background is paper. */
static inline uint8_t on_white(unsigned g, unsigned a, enum alpha_kind kind)
{
	if (kind == ALPHA_ASSOCIATED) {
		/* the colour is already multiplied by its alpha */
		unsigned v = g + (255u - a);
		return (uint8_t)(v > 255u ? 255u : v);
	}
	return (uint8_t)((g * a + 255u * (255u - a) + 127u) / 255u);
}

/* The kind of the first extra sample, when it is an alpha channel. */
static enum alpha_kind alpha_of(TIFF *tif, uint16_t color_samples, uint16_t spp,
				uint16_t photometric)
{
	uint16_t n = 0, *v = NULL;
	if (spp <= color_samples)
		return ALPHA_NONE;
	if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &n, &v) && n > 0 && v) {
		if (v[0] == EXTRASAMPLE_ASSOCALPHA)
			return ALPHA_ASSOCIATED;
		if (v[0] == EXTRASAMPLE_UNASSALPHA)
			return ALPHA_UNASSOCIATED;
		return ALPHA_NONE;
	}
	/* RGB with a fourth sample and no tag: libtiff takes it as associated alpha too */
	if (photometric == PHOTOMETRIC_RGB && spp == 4)
		return ALPHA_ASSOCIATED;
	return ALPHA_NONE;
}

/* Converts one decoded scanline to grey bytes. Returns 0, or -1 for a layout it cannot do. */
struct line_format {
	uint16_t bits, spp, photometric;
	enum alpha_kind alpha;  /* the sample after the colour ones */
	uint16_t *cmap_r, *cmap_g, *cmap_b;
	unsigned cmap_shift;    /* 8 for 16-bit colormap entries, 0 for 8-bit ones */
};

static void line_to_gray(const struct line_format *f, const uint8_t *in, uint8_t *out, uint32_t w)
{
	if (f->photometric == PHOTOMETRIC_PALETTE) {
		for (uint32_t x = 0; x < w; x++) {
			unsigned idx;
			if (f->bits == 8) {
				idx = in[x];
			} else {
				unsigned per = 8u / f->bits;
				unsigned shift = 8u - f->bits * (1u + x % per);
				idx = (in[x / per] >> shift) & ((1u << f->bits) - 1u);
			}
			out[x] = rgb_to_gray(f->cmap_r[idx] >> f->cmap_shift,
					     f->cmap_g[idx] >> f->cmap_shift,
					     f->cmap_b[idx] >> f->cmap_shift);
		}
		return;
	}
	if (f->photometric == PHOTOMETRIC_RGB || f->photometric == PHOTOMETRIC_YCBCR) {
		for (uint32_t x = 0; x < w; x++) {
			const uint8_t *px = in + (size_t)x * f->spp;
			out[x] = rgb_to_gray(px[0], px[1], px[2]);
			if (f->alpha != ALPHA_NONE)
				out[x] = on_white(out[x], px[3], f->alpha);
		}
		return;
	}
	/* grey */
	int invert = f->photometric == PHOTOMETRIC_MINISWHITE;
	if (f->spp == 2) {
		/* 8-bit grey and alpha */
		for (uint32_t x = 0; x < w; x++) {
			unsigned g = in[2 * x];
			if (invert)
				g = 255u - g;
			out[x] = f->alpha != ALPHA_NONE ? on_white(g, in[2 * x + 1], f->alpha)
							: (uint8_t)g;
		}
		return;
	}
	if (f->bits == 1) {
		/* the common bilevel scan: eight pixels a byte */
		uint8_t on = invert ? 0 : 255, off = invert ? 255 : 0;
		uint32_t x = 0;
		for (uint32_t i = 0; x < w; i++) {
			uint8_t b = in[i];
			if (x + 8 <= w && (b == 0 || b == 0xFF)) {
				/* eight pixels alike: paper, or a rule */
				memset(out + x, b ? on : off, 8);
				x += 8;
				continue;
			}
			for (int bit = 7; bit >= 0 && x < w; bit--, x++)
				out[x] = (b >> bit) & 1 ? on : off;
		}
		return;
	}
	switch (f->bits) {
	case 16: {
		const uint16_t *s = (const uint16_t *)(const void *)in;
		for (uint32_t x = 0; x < w; x++)
			out[x] = (uint8_t)(s[x] >> 8);
		break;
	}
	case 8:
		memcpy(out, in, w);
		break;
	default: {
		unsigned per = 8u / f->bits, maxv = (1u << f->bits) - 1u;
		for (uint32_t x = 0; x < w; x++) {
			unsigned shift = 8u - f->bits * (1u + x % per);
			unsigned v = (in[x / per] >> shift) & maxv;
			out[x] = (uint8_t)(v * 255u / maxv);
		}
	}
	}
	if (invert)
		for (uint32_t x = 0; x < w; x++)
			out[x] = (uint8_t)(255u - out[x]);
}

static void pix_set_row(PIX *pix, uint32_t y, const uint8_t *row, uint32_t w)
{
	l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
	/* four pixels a word, the first in its high byte (leptonica's order) */
	uint32_t x = 0;
	for (; x + 4 <= w; x += 4)
		line[x / 4] = (l_uint32)row[x] << 24 | (l_uint32)row[x + 1] << 16 |
			      (l_uint32)row[x + 2] << 8 | row[x + 3];
	for (; x < w; x++)
		SET_DATA_BYTE(line, x, row[x]);
}

static void pix_get_row(PIX *pix, uint32_t y, uint8_t *row, uint32_t w)
{
	const l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
	uint32_t x = 0;
	for (; x + 4 <= w; x += 4) {
		l_uint32 v = line[x / 4];
		row[x] = (uint8_t)(v >> 24);
		row[x + 1] = (uint8_t)(v >> 16);
		row[x + 2] = (uint8_t)(v >> 8);
		row[x + 3] = (uint8_t)v;
	}
	for (; x < w; x++)
		row[x] = (uint8_t)GET_DATA_BYTE(line, x);
}

/* Can the current page be read scanline by scanline into grey? Fills the format if so.
 * Old-JPEG pages go to libtiff's RGBA reader, the only one of its interfaces that sets up
 * their decoder in full. */
static int scanline_readable(struct so_tiff *t, const struct so_tiff_page *p,
			     struct line_format *f)
{
	uint16_t planar = PLANARCONFIG_CONTIG;
	memset(f, 0, sizeof(*f));
	f->bits = (uint16_t)p->bits;
	f->spp = (uint16_t)p->samples;
	f->photometric = p->photometric;
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_PLANARCONFIG, &planar);
	t->err[0] = 0;
	if (p->tiled || p->compression_tag == COMPRESSION_OJPEG)
		return 0;
	if (f->spp > 1 && planar != PLANARCONFIG_CONTIG)
		return 0;
	switch (f->photometric) {
	case PHOTOMETRIC_MINISWHITE:
	case PHOTOMETRIC_MINISBLACK:
		if (f->spp == 2 && f->bits == 8) {
			f->alpha = alpha_of(t->tif, 1, f->spp, f->photometric);
			return 1;
		}
		return f->spp == 1;
	case PHOTOMETRIC_RGB:
		if (f->bits != 8 || f->spp < 3)
			return 0;
		f->alpha = alpha_of(t->tif, 3, f->spp, f->photometric);
		return 1;
	case PHOTOMETRIC_YCBCR:
		/* libtiff's JPEG codec converts to RGB for us */
		if (p->compression_tag != COMPRESSION_JPEG || f->bits != 8 || f->spp != 3)
			return 0;
		return TIFFSetField(t->tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB) == 1;
	case PHOTOMETRIC_PALETTE:
		if (f->spp != 1 || f->bits > 8)
			return 0;
		if (TIFFGetField(t->tif, TIFFTAG_COLORMAP, &f->cmap_r, &f->cmap_g, &f->cmap_b) != 1)
			return 0;
		/* entries are 16-bit; some writers put 8-bit values in them (all under 256), which
		 * shifted down would make every colour black: taken as they are then, as libtiff
		 * itself does */
		f->cmap_shift = 0;
		for (uint32_t i = 0; i < (1u << f->bits); i++)
			if (f->cmap_r[i] > 255 || f->cmap_g[i] > 255 || f->cmap_b[i] > 255)
				f->cmap_shift = 8;
		return 1;
	default:
		return 0;
	}
}

static int read_scanlines(struct so_tiff *t, const struct so_tiff_page *p,
			  const struct line_format *f, PIX *pix)
{
	uint32_t w = p->stored_width;
	tmsize_t sl = TIFFScanlineSize(t->tif);
	size_t need = ((size_t)w * f->bits * f->spp + 7) / 8;
	if (sl <= 0 || (size_t)sl < need) {
		t->err[0] = 0;
		return so_error("the page header is inconsistent (its rows are shorter than its "
				"width): the file is damaged");
	}
	uint8_t *line = so_malloc((size_t)sl);
	uint8_t *gray = so_malloc(w);
	int r = 0;
	if (!line || !gray) {
		r = -1;
		goto done;
	}
	/* a test can make this decoder fail half-way down a page ("tiff-scanline@page N") */
	char page[32];
	snprintf(page, sizeof(page), "page %d", t->index + 1);
	uint32_t fail_at = so_fault("tiff-scanline", page) < 0 ? p->stored_height / 2 : UINT32_MAX;
	t->decoding = 1;
	for (uint32_t y = 0; y < p->stored_height; y++) {
		t->row = y;
		if (y == fail_at || TIFFReadScanline(t->tif, line, y, 0) < 0) {
			char what[64];
			snprintf(what, sizeof(what), "cannot decode row %u", (unsigned)y + 1);
			r = tiff_fail(t, what, p->compression);
			goto done;
		}
		line_to_gray(f, line, gray, w);
		pix_set_row(pix, y, gray, w);
	}
done:
	t->decoding = 0;
	free(line);
	free(gray);
	return r;
}

/* A layout libtiff's RGBA reader cannot decode, in words. Returns -1. */
static int layout_unsupported(const struct so_tiff_page *p)
{
	return so_error("cannot decode this page's colour layout (%s, %d samples of %d bits a "
			"pixel): scan or save it as greyscale, RGB colour or black and white",
			photometric_name(p->photometric), p->samples, p->bits);
}

/* Any other layout: libtiff's RGBA interface on the whole page (capped), rows as stored. */
static int read_rgba(struct so_tiff *t, const struct so_tiff_page *p, PIX *pix)
{
	char emsg[1024] = "";
	uint32_t w = p->stored_width, h = p->stored_height;
	if (!TIFFRGBAImageOK(t->tif, emsg)) {
		t->err[0] = 0;
		return layout_unsupported(p);
	}
	size_t n;
	if (so_mul_size((size_t)w * h, 4, SO_TIFF_MAX_ALLOC, &n) < 0)
		return so_error("the page is too large to decode (%ux%u pixels)", (unsigned)w,
				(unsigned)h);
	uint32_t *raster = so_malloc(n);
	uint8_t *gray = so_malloc(w);
	TIFFRGBAImage img;
	int began = 0, r = 0;
	if (!raster || !gray) {
		r = -1;
		goto done;
	}
	if (!TIFFRGBAImageBegin(&img, t->tif, 1, emsg)) {
		t->err[0] = 0;
		r = layout_unsupported(p);
		goto done;
	}
	began = 1;
	/* rows as they are stored (the page is turned afterwards, as on the scanline path):
	 * libtiff flips nothing when the requested orientation is the file's own, and it takes
	 * orientations 5-8 as their untransposed kin */
	static const uint16_t as_stored[9] = { 0, ORIENTATION_TOPLEFT, ORIENTATION_TOPRIGHT,
		ORIENTATION_BOTRIGHT, ORIENTATION_BOTLEFT, ORIENTATION_TOPLEFT, ORIENTATION_TOPRIGHT,
		ORIENTATION_BOTRIGHT, ORIENTATION_BOTLEFT };
	img.req_orientation = as_stored[p->orientation];
	t->decoding = 1;
	t->row = ROW_UNKNOWN;
	int ok = TIFFRGBAImageGet(&img, raster, w, h);
	t->decoding = 0;
	if (!ok) {
		r = tiff_fail(t, "cannot decode the page", p->compression);
		goto done;
	}
	/* the raster's colours are multiplied by alpha, except grey ones */
	int grey = p->photometric == PHOTOMETRIC_MINISBLACK ||
		   p->photometric == PHOTOMETRIC_MINISWHITE;
	enum alpha_kind kind = ALPHA_ASSOCIATED;
	if (grey)
		kind = alpha_of(t->tif, 1, (uint16_t)p->samples, p->photometric);
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *src = raster + (size_t)y * w;
		for (uint32_t x = 0; x < w; x++) {
			uint8_t g = rgb_to_gray(TIFFGetR(src[x]), TIFFGetG(src[x]), TIFFGetB(src[x]));
			unsigned a = TIFFGetA(src[x]);
			gray[x] = a == 255 || kind == ALPHA_NONE ? g : on_white(g, a, kind);
		}
		pix_set_row(pix, y, gray, w);
	}
done:
	if (began)
		TIFFRGBAImageEnd(&img);
	free(raster);
	free(gray);
	return r;
}

/* The page as it looks from the page as stored (TIFF orientations 2-8); PIX is consumed. */
static PIX *upright(PIX *pix, int orientation)
{
	PIX *out = NULL, *tmp = NULL;
	switch (orientation) {
	case ORIENTATION_TOPRIGHT: out = pixFlipLR(NULL, pix); break;
	case ORIENTATION_BOTRIGHT: out = pixRotate180(NULL, pix); break;
	case ORIENTATION_BOTLEFT: out = pixFlipTB(NULL, pix); break;
	case ORIENTATION_LEFTTOP: /* a transpose */
		tmp = pixRotate90(pix, 1);
		out = tmp ? pixFlipLR(NULL, tmp) : NULL;
		break;
	case ORIENTATION_RIGHTTOP: out = pixRotate90(pix, 1); break;
	case ORIENTATION_RIGHTBOT: /* the other diagonal */
		tmp = pixRotate90(pix, 1);
		out = tmp ? pixFlipTB(NULL, tmp) : NULL;
		break;
	case ORIENTATION_LEFTBOT: out = pixRotate90(pix, -1); break;
	default: return pix;
	}
	pixDestroy(&tmp);
	pixDestroy(&pix);
	return out;
}

/* The decoder's patched-over trouble on a page that decoded, in words, as the page's note. */
static void note_decode_trouble(struct so_tiff *t, const struct so_tiff_page *p)
{
	const char *seen = t->err[0] ? t->err : t->warn;
	if (!seen[0])
		return;
	const char *cause = cause_of(seen);
	char where[32] = "", data[64];
	if (t->warn_row)
		snprintf(where, sizeof(where), " from row %u", (unsigned)t->warn_row);
	if (cause)
		snprintf(t->note, sizeof(t->note), "the decoder reported damage%s: %s; the page may "
			 "be incomplete", where, cause);
	else
		snprintf(t->note, sizeof(t->note), "the decoder reported damage in %s%s; the page "
			 "may be incomplete", data_words(p->compression, data, sizeof(data)), where);
	t->err[0] = 0;
}

PIX *so_tiff_read_gray(struct so_tiff *t, char sha256[65])
{
	struct so_tiff_page p;
	t->note[0] = 0;
	if (so_tiff_page_info(t, &p) < 0)
		return NULL;
	if (!TIFFIsCODECConfigured(p.compression_tag)) {
		so_error("the page's compression (%s, %u) cannot be decoded here: scan or save the "
			 "page uncompressed, G4, LZW, deflate or JPEG", p.compression,
			 (unsigned)p.compression_tag);
		return NULL;
	}
	PIX *pix = pixCreateNoInit((l_int32)p.stored_width, (l_int32)p.stored_height, 8);
	if (!pix) {
		so_error("out of memory for %ux%u pixels", (unsigned)p.width, (unsigned)p.height);
		return NULL;
	}
	t->err[0] = t->warn[0] = 0;
	t->warn_row = 0;
	struct line_format f;
	int r;
	if (scanline_readable(t, &p, &f)) {
		r = read_scanlines(t, &p, &f, pix);
		if (r < 0) {
			/* another decoder may manage what this one did not: libtiff's RGBA reader,
			 * from the page's start; its own failure is the less telling one */
			char first[512];
			snprintf(first, sizeof(first), "%s", so_errmsg());
			if (TIFFSetDirectory(t->tif, (tdir_t)t->index)) {
				t->err[0] = t->warn[0] = 0;
				r = read_rgba(t, &p, pix);
			}
			if (r < 0)
				so_error("%s", first);
		}
	} else {
		r = read_rgba(t, &p, pix);
	}
	if (r < 0) {
		pixDestroy(&pix);
		return NULL;
	}
	note_decode_trouble(t, &p);
	pix = upright(pix, p.orientation);
	if (!pix) {
		so_error("out of memory turning the page upright");
		return NULL;
	}
	pixSetResolution(pix, (int)(p.dpi + 0.5), (int)(p.ydpi + 0.5));
	/* the checksum: the page's size and grey rows as it looks */
	struct so_sha256 h;
	uint8_t *row = so_malloc(p.width);
	if (!row || so_sha256_init(&h) < 0) {
		free(row);
		pixDestroy(&pix);
		return NULL;
	}
	uint32_t dims[2] = { p.width, p.height };
	so_sha256_update(&h, dims, sizeof(dims));
	for (uint32_t y = 0; y < p.height; y++) {
		pix_get_row(pix, y, row, p.width);
		so_sha256_update(&h, row, p.width);
	}
	free(row);
	char hex[SO_SHA256_HEX];
	if (so_sha256_final(&h, hex) < 0) {
		pixDestroy(&pix);
		return NULL;
	}
	if (sha256)
		memcpy(sha256, hex, SO_SHA256_HEX);
	return pix;
}
