/* TIFF page reader with per-file error handling and caps (see tiffin.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "base/util.h"
#include "ingest/tiffin.h"

#define A3_LONG_SIDE_INCHES (420.0 / 25.4)

struct mem_file {
	const unsigned char *data;
	toff_t size, pos;
};

struct so_tiff {
	TIFF *tif;
	TIFFOpenOptions *opts;
	char *name;
	int index;
	char err[512];          /* the first libtiff error since the last call */
	struct mem_file mem;
};

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	struct so_tiff *t = user;
	if (t && !t->err[0]) {
		char msg[400];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		/* libtiff often starts with the file name, which our messages already carry */
		const char *m = msg;
		size_t n = strlen(t->name);
		if (strncmp(m, t->name, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
			m += n + 2;
		snprintf(t->err, sizeof(t->err), "%s", m);
	}
	return 1; /* handled: no global handler */
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	return 1; /* unknown tags and the like are not the operator's concern */
}

/* Sets the error from the recorded libtiff message or WHAT. Returns -1. */
static int tiff_fail(struct so_tiff *t, const char *what)
{
	if (t->err[0])
		so_error("'%s' page %d: %s: %s", t->name, t->index + 1, what, t->err);
	else
		so_error("'%s' page %d: %s", t->name, t->index + 1, what);
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
		return so_error("cannot open '%s': %s", path, strerror(errno));
	int c = fgetc(probe);
	fclose(probe);
	if (c == EOF)
		return so_error("'%s' is empty (0 bytes)", path);
	struct so_tiff *t = reader_new(path);
	if (!t)
		return -1;
	/* "m": no memory mapping, so a file truncated under us is a read error, not SIGBUS */
	t->tif = TIFFOpenExt(path, "rm", t->opts);
	if (!t->tif) {
		if (t->err[0])
			so_error("'%s' is not a readable TIFF file: %s", path, t->err);
		else
			so_error("'%s' is not a readable TIFF file", path);
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
		return so_error("'%s' is empty (0 bytes)", name);
	struct so_tiff *t = reader_new(name);
	if (!t)
		return -1;
	t->mem.data = data;
	t->mem.size = size;
	t->tif = TIFFClientOpenExt(name, "rm", &t->mem, mem_read, mem_write, mem_seek, mem_close,
				   mem_size, mem_map, mem_unmap, t->opts);
	if (!t->tif) {
		if (t->err[0])
			so_error("'%s' is not a readable TIFF file: %s", name, t->err);
		else
			so_error("'%s' is not a readable TIFF file", name);
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

int so_tiff_count_pages(struct so_tiff *t)
{
	tdir_t n = TIFFNumberOfDirectories(t->tif);
	if (n == 0)
		return tiff_fail(t, "cannot count pages");
	if (n > SO_TIFF_MAX_PAGES)
		return so_error("'%s' claims %u pages, more than the limit of %d", t->name,
				(unsigned)n, SO_TIFF_MAX_PAGES);
	t->err[0] = 0;
	return (int)n;
}

int so_tiff_next(struct so_tiff *t)
{
	if (TIFFLastDirectory(t->tif))
		return 0;
	if (t->index + 1 >= SO_TIFF_MAX_PAGES)
		return so_error("'%s' has more than %d pages", t->name, SO_TIFF_MAX_PAGES);
	t->index++;
	t->err[0] = 0;
	if (!TIFFReadDirectory(t->tif))
		return tiff_fail(t, "cannot read the page header");
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

int so_tiff_page_info(struct so_tiff *t, struct so_tiff_page *p)
{
	memset(p, 0, sizeof(*p));
	p->index = t->index;
	uint32_t w = 0, h = 0;
	uint16_t bits = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE, comp = COMPRESSION_NONE;
	if (!TIFFGetField(t->tif, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(t->tif, TIFFTAG_IMAGELENGTH, &h))
		return tiff_fail(t, "the page has no size");
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_BITSPERSAMPLE, &bits);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_COMPRESSION, &comp);
	if (!TIFFGetField(t->tif, TIFFTAG_PHOTOMETRIC, &photometric))
		photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISWHITE;
	t->err[0] = 0;
	if (w == 0 || h == 0)
		return so_error("'%s' page %d: empty page (%ux%u pixels)", t->name, t->index + 1,
				(unsigned)w, (unsigned)h);
	if (w > SO_TIFF_MAX_DIM || h > SO_TIFF_MAX_DIM ||
	    (uint64_t)w * (uint64_t)h > SO_TIFF_MAX_PIXELS)
		return so_error("'%s' page %d: claims %ux%u pixels, beyond the limit of %u per side "
				"and %llu in all", t->name, t->index + 1, (unsigned)w, (unsigned)h,
				SO_TIFF_MAX_DIM, SO_TIFF_MAX_PIXELS);
	if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16)
		return so_error("'%s' page %d: %u bits per sample are not supported", t->name,
				t->index + 1, (unsigned)bits);
	if (spp < 1 || spp > 8)
		return so_error("'%s' page %d: %u samples per pixel are not supported", t->name,
				t->index + 1, (unsigned)spp);
	p->width = w;
	p->height = h;
	p->bits = bits;
	p->samples = spp;
	p->tiled = TIFFIsTiled(t->tif);
	p->compression = compression_name(comp);
	if (spp >= 3 || photometric == PHOTOMETRIC_PALETTE || photometric == PHOTOMETRIC_YCBCR ||
	    photometric == PHOTOMETRIC_SEPARATED)
		p->color = "rgb";
	else
		p->color = bits == 1 ? "bilevel" : "gray";

	float xres = 0;
	uint16_t unit = RESUNIT_INCH;
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_RESOLUTIONUNIT, &unit);
	if (TIFFGetField(t->tif, TIFFTAG_XRESOLUTION, &xres) && xres > 0 && unit != RESUNIT_NONE) {
		double dpi = unit == RESUNIT_CENTIMETER ? xres * 2.54 : xres;
		if (dpi >= 20 && dpi <= 5000) {
			p->dpi = dpi;
			p->dpi_from_tag = 1;
		}
	}
	t->err[0] = 0;
	if (!p->dpi_from_tag) {
		uint32_t longer = w > h ? w : h;
		p->dpi = longer / A3_LONG_SIDE_INCHES;
	}
	return 0;
}

static inline uint8_t rgb_to_gray(unsigned r, unsigned g, unsigned b)
{
	return (uint8_t)((r * 299 + g * 587 + b * 114 + 500) / 1000);
}

/* Converts one decoded scanline to grey bytes. Returns 0, or -1 for a layout it cannot do. */
struct line_format {
	uint16_t bits, spp, photometric;
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
		}
		return;
	}
	/* grey, one sample per pixel */
	int invert = f->photometric == PHOTOMETRIC_MINISWHITE;
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

/* Can the current page be read scanline by scanline into grey? Fills the format if so. */
static int scanline_readable(struct so_tiff *t, const struct so_tiff_page *p,
			     struct line_format *f)
{
	uint16_t planar = PLANARCONFIG_CONTIG, orient = ORIENTATION_TOPLEFT, comp = 0;
	memset(f, 0, sizeof(*f));
	f->bits = (uint16_t)p->bits;
	f->spp = (uint16_t)p->samples;
	if (!TIFFGetField(t->tif, TIFFTAG_PHOTOMETRIC, &f->photometric))
		f->photometric = f->spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISWHITE;
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_PLANARCONFIG, &planar);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_ORIENTATION, &orient);
	TIFFGetFieldDefaulted(t->tif, TIFFTAG_COMPRESSION, &comp);
	t->err[0] = 0;
	if (p->tiled || orient != ORIENTATION_TOPLEFT)
		return 0;
	if (f->spp > 1 && planar != PLANARCONFIG_CONTIG)
		return 0;
	switch (f->photometric) {
	case PHOTOMETRIC_MINISWHITE:
	case PHOTOMETRIC_MINISBLACK:
		return f->spp == 1;
	case PHOTOMETRIC_RGB:
		return f->bits == 8 && (f->spp == 3 || f->spp == 4);
	case PHOTOMETRIC_YCBCR:
		/* libtiff's JPEG codec converts to RGB for us */
		if (comp != COMPRESSION_JPEG || f->bits != 8 || f->spp != 3)
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
			  const struct line_format *f, PIX *pix, struct so_sha256 *h)
{
	tmsize_t sl = TIFFScanlineSize(t->tif);
	size_t need = ((size_t)p->width * f->bits * f->spp + 7) / 8;
	if (sl <= 0 || (size_t)sl < need)
		return tiff_fail(t, "inconsistent scanline size");
	uint8_t *line = so_malloc((size_t)sl);
	uint8_t *gray = so_malloc(p->width);
	int r = 0;
	if (!line || !gray) {
		r = -1;
		goto done;
	}
	for (uint32_t y = 0; y < p->height; y++) {
		if (TIFFReadScanline(t->tif, line, y, 0) < 0) {
			char what[64];
			snprintf(what, sizeof(what), "cannot decode row %u", (unsigned)y + 1);
			r = tiff_fail(t, what);
			goto done;
		}
		line_to_gray(f, line, gray, p->width);
		pix_set_row(pix, y, gray, p->width);
		so_sha256_update(h, gray, p->width);
	}
done:
	free(line);
	free(gray);
	return r;
}

/* Any other layout: libtiff's RGBA interface on the whole page (capped). */
static int read_rgba(struct so_tiff *t, const struct so_tiff_page *p, PIX *pix,
		     struct so_sha256 *h)
{
	char emsg[1024] = "";
	if (!TIFFRGBAImageOK(t->tif, emsg))
		return so_error("'%s' page %d: unsupported image layout: %s", t->name, t->index + 1,
				emsg);
	size_t n;
	if (so_mul_size((size_t)p->width * p->height, 4, SO_TIFF_MAX_ALLOC, &n) < 0)
		return so_error_context("'%s' page %d", t->name, t->index + 1);
	uint32_t *raster = so_malloc(n);
	uint8_t *gray = so_malloc(p->width);
	TIFFRGBAImage img;
	int began = 0, r = 0;
	if (!raster || !gray) {
		r = -1;
		goto done;
	}
	if (!TIFFRGBAImageBegin(&img, t->tif, 1, emsg)) {
		r = so_error("'%s' page %d: %s", t->name, t->index + 1, emsg);
		goto done;
	}
	began = 1;
	img.req_orientation = ORIENTATION_TOPLEFT;
	if (!TIFFRGBAImageGet(&img, raster, p->width, p->height)) {
		r = tiff_fail(t, "cannot decode the page");
		goto done;
	}
	for (uint32_t y = 0; y < p->height; y++) {
		const uint32_t *src = raster + (size_t)y * p->width;
		for (uint32_t x = 0; x < p->width; x++)
			gray[x] = rgb_to_gray(TIFFGetR(src[x]), TIFFGetG(src[x]), TIFFGetB(src[x]));
		pix_set_row(pix, y, gray, p->width);
		so_sha256_update(h, gray, p->width);
	}
done:
	if (began)
		TIFFRGBAImageEnd(&img);
	free(raster);
	free(gray);
	return r;
}

PIX *so_tiff_read_gray(struct so_tiff *t, char sha256[65])
{
	struct so_tiff_page p;
	if (so_tiff_page_info(t, &p) < 0)
		return NULL;
	PIX *pix = pixCreateNoInit((l_int32)p.width, (l_int32)p.height, 8);
	if (!pix) {
		so_error("'%s' page %d: out of memory for %ux%u pixels", t->name, t->index + 1,
			 (unsigned)p.width, (unsigned)p.height);
		return NULL;
	}
	int dpi = (int)(p.dpi + 0.5);
	pixSetResolution(pix, dpi, dpi);
	struct so_sha256 h;
	if (so_sha256_init(&h) < 0) {
		pixDestroy(&pix);
		return NULL;
	}
	uint32_t dims[2] = { p.width, p.height };
	so_sha256_update(&h, dims, sizeof(dims));
	struct line_format f;
	int r = scanline_readable(t, &p, &f) ? read_scanlines(t, &p, &f, pix, &h)
					     : read_rgba(t, &p, pix, &h);
	if (r < 0) {
		so_sha256_release(&h);
		pixDestroy(&pix);
		return NULL;
	}
	char hex[SO_SHA256_HEX];
	if (so_sha256_final(&h, hex) < 0) {
		pixDestroy(&pix);
		return NULL;
	}
	if (sha256)
		memcpy(sha256, hex, SO_SHA256_HEX);
	return pix;
}
