/* Small TIFF writer for tests (see tiffwrite.h). */
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "tiffwrite.h"

const struct tw_spec tw_specs[] = {
	{ "g4", TW_BILEVEL_WHITE, COMPRESSION_CCITTFAX4, 0, 0, 0, 0, 0, 300, 0 },
	{ "bilevel-none", TW_BILEVEL_BLACK, COMPRESSION_NONE, 0, 0, 0, 0, 0, 300, 0 },
	{ "bilevel-lzw", TW_BILEVEL_WHITE, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0 },
	{ "gray-lzw", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 200, 0 },
	{ "gray-none", TW_GRAY8, COMPRESSION_NONE, 0, 0, 0, 0, 0, 400, 0 },
	{ "gray-deflate", TW_GRAY8, COMPRESSION_ADOBE_DEFLATE, 0, 0, 0, 0, 0, 300, 0 },
	{ "gray-packbits", TW_GRAY8, COMPRESSION_PACKBITS, 0, 0, 0, 0, 0, 300, 0 },
	{ "gray-jpeg", TW_GRAY8, COMPRESSION_JPEG, 0, 0, 0, 0, 1, 300, 0 },
	{ "gray16-lzw", TW_GRAY16, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0 },
	{ "rgb-jpeg-ycbcr", TW_RGB, COMPRESSION_JPEG, 0, 0, 0, 1, 1, 300, 0 },
	{ "rgb-jpeg", TW_RGB, COMPRESSION_JPEG, 0, 0, 0, 0, 1, 300, 0 },
	{ "rgb-lzw", TW_RGB, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0 },
	{ "rgb-none", TW_RGB, COMPRESSION_NONE, 0, 0, 0, 0, 0, 300, 0 },
	{ "rgb-separate", TW_RGB, COMPRESSION_LZW, 0, 1, 0, 0, 0, 300, 0 },
	{ "palette", TW_PALETTE, COMPRESSION_LZW, 0, 0, 0, 0, 0, 300, 0 },
	{ "gray-tiled", TW_GRAY8, COMPRESSION_LZW, 1, 0, 0, 0, 0, 300, 0 },
	{ "bottom-left", TW_GRAY8, COMPRESSION_LZW, 0, 0, ORIENTATION_BOTLEFT, 0, 0, 300, 0 },
	{ "dpi-cm", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 118.11f, RESUNIT_CENTIMETER },
	{ "no-dpi", TW_GRAY8, COMPRESSION_LZW, 0, 0, 0, 0, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static int fill(uint8_t *img, size_t rowbytes, const struct tw_spec *sp, uint32_t w, uint32_t h,
		tw_pattern pattern)
{
	for (uint32_t y = 0; y < h; y++) {
		/* rows are stored bottom-up for a bottom-left orientation */
		uint32_t sy = sp->orientation == ORIENTATION_BOTLEFT ? h - 1 - y : y;
		uint8_t *row = img + (size_t)y * rowbytes;
		for (uint32_t x = 0; x < w; x++) {
			uint8_t v = pattern(x, sy);
			switch (sp->kind) {
			case TW_GRAY8:
			case TW_PALETTE:
				row[x] = v;
				break;
			case TW_GRAY16:
				((uint16_t *)(void *)row)[x] = (uint16_t)(v * 257);
				break;
			case TW_RGB:
				row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = v;
				break;
			case TW_BILEVEL_WHITE:
			case TW_BILEVEL_BLACK: {
				int black = v < 128;
				int bit = sp->kind == TW_BILEVEL_WHITE ? black : !black;
				if (bit)
					row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
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
	uint16_t spp = sp->kind == TW_RGB ? 3 : 1;
	uint16_t bps = sp->kind == TW_GRAY16 ? 16 : bilevel ? 1 : 8;
	uint16_t photometric = sp->kind == TW_RGB ? (sp->ycbcr ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB)
			     : sp->kind == TW_BILEVEL_WHITE ? PHOTOMETRIC_MINISWHITE
			     : sp->kind == TW_PALETTE ? PHOTOMETRIC_PALETTE : PHOTOMETRIC_MINISBLACK;
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spp);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, sp->compression);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, sp->separate ? PLANARCONFIG_SEPARATE
							     : PLANARCONFIG_CONTIG);
	if (sp->orientation)
		TIFFSetField(tif, TIFFTAG_ORIENTATION, sp->orientation);
	if (sp->dpi > 0) {
		TIFFSetField(tif, TIFFTAG_XRESOLUTION, sp->dpi);
		TIFFSetField(tif, TIFFTAG_YRESOLUTION, sp->dpi);
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
	size_t rowbytes = bps == 1 ? (w + 7) / 8 : (size_t)w * spp * (bps / 8);
	uint8_t *img = calloc(h, rowbytes);
	if (!img)
		return -1;
	fill(img, rowbytes, sp, w, h, pattern);
	int ok = 1;
	if (sp->tiled) {
		TIFFSetField(tif, TIFFTAG_TILEWIDTH, 64);
		TIFFSetField(tif, TIFFTAG_TILELENGTH, 64);
		size_t ts = (size_t)TIFFTileSize(tif);
		uint8_t *tile = malloc(ts);
		for (uint32_t ty = 0; ok && tile && ty < h; ty += 64) {
			for (uint32_t tx = 0; ok && tx < w; tx += 64) {
				memset(tile, 0, ts);
				for (uint32_t y = 0; y < 64 && ty + y < h; y++)
					for (uint32_t x = 0; x < 64 && tx + x < w; x++)
						tile[y * 64 + x] = img[(ty + y) * rowbytes + tx + x];
				ok = TIFFWriteTile(tif, tile, tx, ty, 0, 0) > 0;
			}
		}
		ok = ok && tile;
		free(tile);
	} else if (sp->separate) {
		TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
		uint8_t *plane = malloc(w);
		for (uint16_t s = 0; ok && plane && s < spp; s++) {
			for (uint32_t y = 0; ok && y < h; y++) {
				for (uint32_t x = 0; x < w; x++)
					plane[x] = img[y * rowbytes + 3 * x + s];
				ok = TIFFWriteScanline(tif, plane, y, s) == 1;
			}
		}
		ok = ok && plane;
		free(plane);
	} else {
		TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP,
			     sp->compression == COMPRESSION_CCITTFAX4 ? h : 16);
		for (uint32_t y = 0; ok && y < h; y++)
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
