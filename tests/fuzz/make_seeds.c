/*
 * Writes the seed corpus of the ingest fuzz target: small pages in every TIFF layout the
 * reader handles (every orientation, alpha, palette with 8-bit colormap entries, old-style
 * JPEG), single and multi-page, a page chain that loops back, and — given real scan files —
 * reduced copies of their first pages, so that page preparation sees real tables and text.
 *
 *   fuzz_make_seeds OUTDIR [SCAN.tif...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "base/util.h"
#include "ingest/image.h"
#include "ingest/tiffin.h"
#include "tiffwrite.h"

static uint8_t ruled(uint32_t x, uint32_t y)
{
	if (x % 40 < 2 || y % 24 < 2)
		return 10;
	if ((x % 40) > 6 && (x % 40) < 30 && (y % 24) > 8 && (y % 24) < 18 && (x * 7 + y) % 5)
		return 40;
	return 235;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_make_seeds OUTDIR [SCAN.tif...]\n");
		return 1;
	}
	so_image_init();
	TIFFSetWarningHandler(NULL);
	char path[4096];
	int n = 0;
	for (int i = 0; tw_specs[i].name; i++) {
		snprintf(path, sizeof(path), "%s/seed-%s.tif", argv[1], tw_specs[i].name);
		if (tw_write(path, &tw_specs[i], 1, 120, 80, ruled) < 0)
			return 1;
		n++;
	}
	snprintf(path, sizeof(path), "%s/seed-palette-8bit-colormap.tif", argv[1]);
	if (tw_write_palette_8bit_cmap(path, 120, 80, ruled) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/seed-page-loop.tif", argv[1]);
	if (tw_write_page_loop(path, &tw_specs[0], 120, 80, ruled) < 0)
		return 1;
	n += 2;
	PIX *ruled_pix = pixCreate(120, 80, 8);
	for (l_int32 y = 0; ruled_pix && y < 80; y++)
		for (l_int32 x = 0; x < 120; x++)
			pixSetPixel(ruled_pix, x, y, ruled((uint32_t)x, (uint32_t)y));
	l_uint8 *jpeg = NULL;
	size_t jlen = 0;
	if (!ruled_pix || pixWriteMemJpeg(&jpeg, &jlen, ruled_pix, 75, 0) != 0)
		return 1;
	pixDestroy(&ruled_pix);
	snprintf(path, sizeof(path), "%s/seed-old-jpeg.tif", argv[1]);
	int r = tw_write_old_jpeg(path, jpeg, jlen, 120, 80, 300);
	free(jpeg);
	if (r < 0)
		return 1;
	n++;
	const struct tw_spec multi[3] = { tw_specs[0], tw_specs[3], tw_specs[9] };
	snprintf(path, sizeof(path), "%s/seed-multipage.tif", argv[1]);
	if (tw_write(path, multi, 3, 160, 100, ruled) < 0)
		return 1;
	n++;
	for (int i = 2; i < argc; i++) {
		struct so_tiff *t = NULL;
		if (so_tiff_open(argv[i], &t) < 0) {
			fprintf(stderr, "%s\n", so_errmsg());
			return 1;
		}
		PIX *gray = so_tiff_read_gray(t, NULL);
		so_tiff_close(t);
		if (!gray) {
			fprintf(stderr, "%s\n", so_errmsg());
			return 1;
		}
		/* about 700 pixels wide keeps a seed small and still a page */
		float f = 700.0f / (float)pixGetWidth(gray);
		PIX *small = pixScale(gray, f, f);
		pixDestroy(&gray);
		PIX *bin = small ? pixThresholdToBinary(small, 128) : NULL;
		const char *base = so_basename(argv[i]);
		snprintf(path, sizeof(path), "%s/seed-page-%s", argv[1], base);
		int dpi = 50;
		if (bin) {
			pixSetResolution(bin, dpi, dpi);
			pixWrite(path, bin, IFF_TIFF_G4);
			n++;
		}
		snprintf(path, sizeof(path), "%s/seed-page-gray-%s", argv[1], base);
		if (small) {
			pixSetResolution(small, dpi, dpi);
			pixWrite(path, small, IFF_TIFF_ZIP);
			n++;
		}
		pixDestroy(&bin);
		pixDestroy(&small);
	}
	printf("%d seeds written to %s\n", n, argv[1]);
	return 0;
}
