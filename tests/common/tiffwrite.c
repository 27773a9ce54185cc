/* Small TIFF writer for tests (see tiffwrite.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "tiffwrite.h"

const struct tw_spec tw_specs[] = {
	{ "g4", TW_BILEVEL_WHITE, COMPRESSION_CCITTFAX4, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "bilevel-none", TW_BILEVEL_BLACK, COMPRESSION_NONE, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "bilevel-lzw", TW_BILEVEL_WHITE, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "gray-lzw", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0 },
	{ "gray-none", TW_GRAY8, COMPRESSION_NONE, 0, 0, 0, 0, 0, 400, 0, 0, 0, 0 },
	{ "gray-deflate", TW_GRAY8, COMPRESSION_ADOBE_DEFLATE, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "gray-packbits", TW_GRAY8, COMPRESSION_PACKBITS, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "gray-jpeg", TW_GRAY8, COMPRESSION_JPEG, 0, 0, 0, 0, 1, 300, 0, 0, 0, 0 },
	{ "gray16-lzw", TW_GRAY16, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "rgb-jpeg-ycbcr", TW_RGB, COMPRESSION_JPEG, 0, 0, 0, 1, 1, 300, 0, 0, 0, 0 },
	{ "rgb-jpeg", TW_RGB, COMPRESSION_JPEG, 0, 0, 0, 0, 1, 300, 0, 0, 0, 0 },
	{ "rgb-lzw", TW_RGB, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "rgb-none", TW_RGB, COMPRESSION_NONE, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "rgb-separate", TW_RGB, COMPRESSION_LZW, 0, 1, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "palette", TW_PALETTE, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "gray-tiled", TW_GRAY8, COMPRESSION_LZW, 1, 0, 0, 0, 0, 300, 0, 0, 0, 0 },
	{ "bottom-left", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_BOTLEFT, 0, 0, 300, 0,
	  0, 0, 0 },
	{ "dpi-cm", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 118.11f, RESUNIT_CENTIMETER,
	  0, 0, 0 },
	{ "no-dpi", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "orient-2", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_TOPRIGHT, 0, 0, 300, 0,
	  0, 0, 0 },
	{ "orient-3", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_BOTRIGHT, 0, 0, 300, 0,
	  0, 0, 0 },
	{ "orient-5", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_LEFTTOP, 0, 0, 300, 0, 0, 0, 0 },
	{ "orient-6", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_RIGHTTOP, 0, 0, 300, 0,
	  0, 0, 0 },
	{ "orient-7", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_RIGHTBOT, 0, 0, 300, 0,
	  0, 0, 0 },
	{ "orient-8", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_LEFTBOT, 0, 0, 300, 0, 0, 0, 0 },
	{ "orient-6-g4", TW_BILEVEL_WHITE, COMPRESSION_CCITTFAX4, 0, 0, ORIENTATION_RIGHTTOP, 0, 0,
	  300, 0, 0, 0, 0 },
	{ "orient-7-tiled", TW_GRAY8, COMPRESSION_LZW, 1, 0, ORIENTATION_RIGHTBOT, 0, 0,
	  300, 0, 0, 0, 0 },
	{ "rgba-assoc", TW_RGBA, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_ASSOCALPHA, 0 },
	{ "rgba-unassoc", TW_RGBA, COMPRESSION_NONE, 0, 0, 0, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_UNASSALPHA, 0 },
	{ "rgba-separate", TW_RGBA, COMPRESSION_LZW, 0, 1, 0, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_UNASSALPHA, 0 },
	{ "graya-unassoc", TW_GRAYA, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_UNASSALPHA, 0 },
	{ "graya-assoc-8", TW_GRAYA, COMPRESSION_LZW, 0, 0, ORIENTATION_LEFTBOT, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_ASSOCALPHA, 0 },
	{ "rgba-tiled-8", TW_RGBA, COMPRESSION_LZW, 1, 0, ORIENTATION_LEFTBOT, 0, 0, 300, 0, 0,
	  EXTRASAMPLE_ASSOCALPHA, 0 },
	{ "gray-no-photometric", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0, 0, 0, 1 },
	{ "fax-204x98", TW_BILEVEL_WHITE, COMPRESSION_CCITTFAX4, 0, 0, 0, 0, 0, 204, 0, 98, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

/* Where the stored pixel (column C, row R) of a page shown W x H lands, by the TIFF 6.0 rule
 * for each Orientation value (5-8: row 0 is the page's left or right side). */
static void shown_at(uint16_t orientation, uint32_t c, uint32_t r, uint32_t w, uint32_t h,
		     uint32_t *x, uint32_t *y)
{
	switch (orientation) {
	case ORIENTATION_TOPRIGHT: *x = w - 1 - c; *y = r; break;
	case ORIENTATION_BOTRIGHT: *x = w - 1 - c; *y = h - 1 - r; break;
	case ORIENTATION_BOTLEFT: *x = c; *y = h - 1 - r; break;
	case ORIENTATION_LEFTTOP: *x = r; *y = c; break;
	case ORIENTATION_RIGHTTOP: *x = w - 1 - r; *y = c; break;
	case ORIENTATION_RIGHTBOT: *x = w - 1 - r; *y = h - 1 - c; break;
	case ORIENTATION_LEFTBOT: *x = r; *y = h - 1 - c; break;
	default: *x = c; *y = r; break;
	}
}

/* Fills the stored rows (SW x SH) of a page shown W x H. */
static int fill(uint8_t *img, size_t rowbytes, const struct tw_spec *sp, uint32_t sw,
		uint32_t sh, uint32_t w, uint32_t h, tw_pattern pattern)
{
	for (uint32_t r = 0; r < sh; r++) {
		uint8_t *row = img + (size_t)r * rowbytes;
		for (uint32_t c = 0; c < sw; c++) {
			uint32_t x, y;
			shown_at(sp->orientation, c, r, w, h, &x, &y);
			uint8_t v = pattern(x, y);
			int ink = v < TW_ALPHA_INK;
			switch (sp->kind) {
			case TW_GRAY8:
			case TW_PALETTE:
				row[c] = v;
				break;
			case TW_GRAY16:
				((uint16_t *)(void *)row)[c] = (uint16_t)(v * 257);
				break;
			case TW_RGB:
				row[3 * c] = row[3 * c + 1] = row[3 * c + 2] = v;
				break;
			case TW_RGBA:
				/* transparent pixels keep a black colour, as some writers leave them */
				row[4 * c] = row[4 * c + 1] = row[4 * c + 2] = ink ? v : 0;
				row[4 * c + 3] = ink ? 255 : 0;
				break;
			case TW_GRAYA:
				row[2 * c] = ink ? v : 0;
				row[2 * c + 1] = ink ? 255 : 0;
				break;
			case TW_BILEVEL_WHITE:
			case TW_BILEVEL_BLACK: {
				int black = v < 128;
				int bit = sp->kind == TW_BILEVEL_WHITE ? black : !black;
				if (bit)
					row[c / 8] |= (uint8_t)(0x80 >> (c % 8));
				break;
			}
			}
		}
	}
	return 0;
}

static int write_page(TIFF *tif, const struct tw_spec *sp, uint32_t w, uint32_t h,
		      tw_pattern pattern)
{
	int bilevel = sp->kind == TW_BILEVEL_WHITE || sp->kind == TW_BILEVEL_BLACK;
	int transposed = sp->orientation >= ORIENTATION_LEFTTOP;
	uint32_t sw = transposed ? h : w, sh = transposed ? w : h;
	uint16_t spp = sp->kind == TW_RGB ? 3 : sp->kind == TW_RGBA ? 4 : sp->kind == TW_GRAYA ? 2 : 1;
	uint16_t bps = sp->kind == TW_GRAY16 ? 16 : bilevel ? 1 : 8;
	uint16_t photometric = sp->kind == TW_RGB || sp->kind == TW_RGBA
				       ? (sp->ycbcr ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB)
			     : sp->kind == TW_BILEVEL_WHITE ? PHOTOMETRIC_MINISWHITE
			     : sp->kind == TW_PALETTE ? PHOTOMETRIC_PALETTE : PHOTOMETRIC_MINISBLACK;
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, sw);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, sh);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, sp->compression);
	if (!sp->no_photometric)
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
	if (sp->alpha) {
		uint16_t extra = sp->alpha;
		TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
	}
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, sp->separate ? PLANARCONFIG_SEPARATE
							     : PLANARCONFIG_CONTIG);
	if (sp->orientation)
		TIFFSetField(tif, TIFFTAG_ORIENTATION, sp->orientation);
	if (sp->dpi > 0) {
		float xdpi = sp->dpi, ydpi = sp->ydpi > 0 ? sp->ydpi : sp->dpi;
		/* the tags belong to the stored axes */
		TIFFSetField(tif, TIFFTAG_XRESOLUTION, transposed ? ydpi : xdpi);
		TIFFSetField(tif, TIFFTAG_YRESOLUTION, transposed ? xdpi : ydpi);
		TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, sp->resunit ? sp->resunit : RESUNIT_INCH);
	}
	if (sp->compression == COMPRESSION_JPEG) {
		TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 95);
		if (sp->ycbcr)
			TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	}
	static uint16_t cmap[256];
	if (sp->kind == TW_PALETTE) {
		for (int i = 0; i < 256; i++)
			cmap[i] = (uint16_t)(i * 257);
		TIFFSetField(tif, TIFFTAG_COLORMAP, cmap, cmap, cmap);
	}
	size_t bpp = (size_t)spp * (bps / 8); /* bytes a pixel (not bilevel) */
	size_t rowbytes = bps == 1 ? (sw + 7) / 8 : (size_t)sw * bpp;
	uint8_t *img = calloc(sh, rowbytes);
	if (!img)
		return -1;
	fill(img, rowbytes, sp, sw, sh, w, h, pattern);
	int ok = 1;
	if (sp->tiled) {
		TIFFSetField(tif, TIFFTAG_TILEWIDTH, 64);
		TIFFSetField(tif, TIFFTAG_TILELENGTH, 64);
		size_t ts = (size_t)TIFFTileSize(tif);
		uint8_t *tile = malloc(ts);
		for (uint32_t ty = 0; ok && tile && ty < sh; ty += 64) {
			for (uint32_t tx = 0; ok && tx < sw; tx += 64) {
				memset(tile, 0, ts);
				for (uint32_t y = 0; y < 64 && ty + y < sh; y++)
					memcpy(tile + (size_t)y * 64 * bpp,
					       img + (ty + y) * rowbytes + tx * bpp,
					       (tx + 64 <= sw ? 64 : sw - tx) * bpp);
				ok = TIFFWriteTile(tif, tile, tx, ty, 0, 0) > 0;
			}
		}
		ok = ok && tile;
		free(tile);
	} else if (sp->separate) {
		TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
		uint8_t *plane = malloc(sw);
		for (uint16_t s = 0; ok && plane && s < spp; s++) {
			for (uint32_t y = 0; ok && y < sh; y++) {
				for (uint32_t x = 0; x < sw; x++)
					plane[x] = img[y * rowbytes + spp * x + s];
				ok = TIFFWriteScanline(tif, plane, y, s) == 1;
			}
		}
		ok = ok && plane;
		free(plane);
	} else {
		TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP,
			     sp->compression == COMPRESSION_CCITTFAX4 ? sh : 16);
		for (uint32_t y = 0; ok && y < sh; y++)
			ok = TIFFWriteScanline(tif, img + (size_t)y * rowbytes, y, 0) == 1;
	}
	free(img);
	return ok && TIFFWriteDirectory(tif) == 1 ? 0 : -1;
}

int tw_write(const char *path, const struct tw_spec *pages, int n, uint32_t w, uint32_t h,
	     tw_pattern pattern)
{
	TIFF *tif = TIFFOpen(path, "w");
	if (!tif)
		return -1;
	int r = 0;
	for (int i = 0; i < n && r == 0; i++)
		r = write_page(tif, &pages[i], w, h, pattern);
	TIFFClose(tif);
	return r;
}

/* A classic little-endian directory entry of one value. */
struct ifd_entry {
	uint16_t tag, type;
	uint32_t count, value;
};

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

int tw_write_old_jpeg(const char *path, const unsigned char *jpeg, size_t len, uint32_t w,
		      uint32_t h, float dpi)
{
	/* header, the directory, two rationals, then the JPEG stream */
	enum { NENT = 14 };
	uint32_t ifd = 8, rational = ifd + 2 + NENT * 12 + 4, data = rational + 16;
	struct ifd_entry e[NENT] = {
		{ 256, 4, 1, w }, { 257, 4, 1, h }, { 258, 3, 1, 8 }, { 259, 3, 1, 6 },
		{ 262, 3, 1, 1 }, { 273, 4, 1, data }, { 277, 3, 1, 1 }, { 278, 4, 1, h },
		{ 279, 4, 1, (uint32_t)len }, { 282, 5, 1, rational }, { 283, 5, 1, rational + 8 },
		{ 296, 3, 1, 2 }, { 513, 4, 1, data }, { 514, 4, 1, (uint32_t)len },
	};
	size_t size = data + len;
	unsigned char *buf = calloc(1, size);
	if (!buf)
		return -1;
	memcpy(buf, "II*\0", 4);
	put32(buf + 4, ifd);
	put16(buf + ifd, NENT);
	for (int i = 0; i < NENT; i++) {
		unsigned char *p = buf + ifd + 2 + i * 12;
		put16(p, e[i].tag);
		put16(p + 2, e[i].type);
		put32(p + 4, e[i].count);
		if (e[i].type == 3)
			put16(p + 8, (uint16_t)e[i].value);
		else
			put32(p + 8, e[i].value);
	}
	for (int i = 0; i < 2; i++) {
		put32(buf + rational + 8 * i, (uint32_t)(dpi * 100));
		put32(buf + rational + 8 * i + 4, 100);
	}
	memcpy(buf + data, jpeg, len);
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(buf, 1, size, f) == size;
	if (f && fclose(f) != 0)
		ok = 0;
	free(buf);
	return ok ? 0 : -1;
}

int tw_write_palette_8bit_cmap(const char *path, uint32_t w, uint32_t h, tw_pattern pattern)
{
	TIFF *tif = TIFFOpen(path, "w");
	if (!tif)
		return -1;
	static uint16_t cmap[256];
	for (int i = 0; i < 256; i++)
		cmap[i] = (uint16_t)i; /* the bug: 0-255 where 0-65535 belongs */
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_PALETTE);
	TIFFSetField(tif, TIFFTAG_COLORMAP, cmap, cmap, cmap);
	TIFFSetField(tif, TIFFTAG_XRESOLUTION, 300.0f);
	TIFFSetField(tif, TIFFTAG_YRESOLUTION, 300.0f);
	TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
	uint8_t *row = malloc(w);
	int ok = row != NULL;
	for (uint32_t y = 0; ok && y < h; y++) {
		for (uint32_t x = 0; x < w; x++)
			row[x] = pattern(x, y);
		ok = TIFFWriteScanline(tif, row, y, 0) == 1;
	}
	free(row);
	ok = ok && TIFFWriteDirectory(tif) == 1;
	TIFFClose(tif);
	return ok ? 0 : -1;
}

int tw_write_page_loop(const char *path, const struct tw_spec *page, uint32_t w, uint32_t h,
		       tw_pattern pattern)
{
	const struct tw_spec two[2] = { *page, *page };
	if (page->tiled || tw_write(path, two, 2, w, h, pattern) < 0)
		return -1;
	FILE *f = fopen(path, "r+b");
	if (!f)
		return -1;
	/* walk the chain to the second directory; its next offset goes back to the first */
	unsigned char b[4];
	uint32_t first = 0, at, next;
	int ok = fseek(f, 4, SEEK_SET) == 0 && fread(b, 1, 4, f) == 4 && b[0] != 'M';
	first = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	at = first;
	for (int i = 0; ok && i < 2; i++) {
		unsigned char c[2];
		ok = fseek(f, at, SEEK_SET) == 0 && fread(c, 1, 2, f) == 2;
		uint32_t link = at + 2 + 12u * ((uint32_t)c[0] | (uint32_t)c[1] << 8);
		ok = ok && fseek(f, link, SEEK_SET) == 0 && fread(b, 1, 4, f) == 4;
		next = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		       (uint32_t)b[3] << 24;
		if (ok && i == 1) {
			put32(b, first);
			ok = fseek(f, link, SEEK_SET) == 0 && fwrite(b, 1, 4, f) == 4;
		}
		at = next;
	}
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}
