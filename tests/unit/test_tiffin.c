/* Unit tests of the TIFF page reader: every compression and bit depth decodes to the right
 * grey values; resolution from tags or estimated; hostile files give clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "base/util.h"
#include "ingest/image.h"
#include "ingest/tiffin.h"
#include "tiffwrite.h"

#define W 301
#define H 203

static char dir[64];

/* The expected grey value at (x, y): bands of grey levels and a dark diagonal. */
static uint8_t pattern(uint32_t x, uint32_t y)
{
	if ((x + y) % 50 < 3)
		return 0;
	return (uint8_t)(((x / 40) * 37 + (y / 30) * 23) % 256);
}

static uint8_t bilevel(uint32_t x, uint32_t y)
{
	return pattern(x, y) < 128 ? 0 : 255;
}

static const struct tw_spec *specs = tw_specs;

static void write_file(const char *path, const struct tw_spec *pages, int n)
{
	assert_int_equal(tw_write(path, pages, n, W, H, pattern), 0);
}

static void check_pixels(PIX *pix, const struct tw_spec *sp)
{
	assert_int_equal(pixGetWidth(pix), W);
	assert_int_equal(pixGetHeight(pix), H);
	assert_int_equal(pixGetDepth(pix), 8);
	int bil = sp->kind == TW_BILEVEL_WHITE || sp->kind == TW_BILEVEL_BLACK;
	int alpha = sp->kind == TW_RGBA || sp->kind == TW_GRAYA;
	long bad = 0;
	for (uint32_t y = 0; y < H; y++) {
		l_uint32 *line = pixGetData(pix) + y * pixGetWpl(pix);
		for (uint32_t x = 0; x < W; x++) {
			int got = GET_DATA_BYTE(line, x);
			int want = bil ? bilevel(x, y) : pattern(x, y);
			/* ink on a transparent sheet: the sheet is white paper */
			if (alpha && want >= TW_ALPHA_INK)
				want = 255;
			int tol = sp->lossy ? 40 : 0;
			if (abs(got - want) > tol && bad++ < 5 && getenv("TIFFIN_DEBUG"))
				print_message("%s: (%u,%u) got %d want %d\n", sp->name, x, y, got, want);
		}
	}
	/* lossy coding may ring at the sharp diagonal; nothing else may differ */
	if (bad > (sp->lossy ? W * H / 100 : 0))
		fail_msg("%s: %ld pixels differ from the page as it looks", sp->name, bad);
}

/* PIX is the page libtiff's RGBA reader gives for PATH (grey, no alpha), pixel for pixel. */
static void same_as_libtiff_rgba(PIX *pix, const char *path)
{
	TIFF *tif = TIFFOpen(path, "r");
	assert_non_null(tif);
	uint32_t *raster = malloc((size_t)W * H * 4);
	assert_non_null(raster);
	assert_true(TIFFReadRGBAImageOriented(tif, W, H, raster, ORIENTATION_TOPLEFT, 1));
	for (uint32_t y = 0; y < H; y++) {
		for (uint32_t x = 0; x < W; x++) {
			l_uint32 v = 0;
			pixGetPixel(pix, (l_int32)x, (l_int32)y, &v);
			if (v != TIFFGetR(raster[(size_t)y * W + x]))
				fail_msg("%s: (%u,%u) is %u, libtiff's reader says %u", path, x, y,
					 (unsigned)v, (unsigned)TIFFGetR(raster[(size_t)y * W + x]));
		}
	}
	free(raster);
	TIFFClose(tif);
}

static void test_every_format(void **state)
{
	for (size_t i = 0; specs[i].name; i++) {
		const struct tw_spec *sp = &specs[i];
		char path[128];
		snprintf(path, sizeof(path), "%s/%s.tif", dir, sp->name);
		write_file(path, sp, 1);
		struct so_tiff *t = NULL;
		if (so_tiff_open(path, &t) < 0)
			fail_msg("%s: %s", sp->name, so_errmsg());
		assert_int_equal(so_tiff_count_pages(t), 1);
		struct so_tiff_page info;
		assert_int_equal(so_tiff_page_info(t, &info), 0);
		assert_int_equal(info.width, W);
		assert_int_equal(info.height, H);
		if (sp->dpi > 0) {
			double want = sp->resunit == RESUNIT_CENTIMETER ? sp->dpi * 2.54 : sp->dpi;
			double ywant = sp->ydpi > 0 ? sp->ydpi : want;
			assert_true(info.dpi_from_tag);
			assert_true(info.dpi > want - 0.5 && info.dpi < want + 0.5);
			if (!(info.ydpi > ywant - 0.5 && info.ydpi < ywant + 0.5))
				fail_msg("%s: vertical resolution %.1f, want %.1f", sp->name, info.ydpi,
					 ywant);
		} else {
			/* estimated as if the image were an A3 page */
			assert_false(info.dpi_from_tag);
			assert_true(info.dpi > 18 && info.dpi < 19);
		}
		char sha[65], sha2[65];
		PIX *pix = so_tiff_read_gray(t, sha);
		if (!pix)
			fail_msg("%s: %s", sp->name, so_errmsg());
		/* nothing patched over on a sound file */
		if (so_tiff_note(t)[0])
			fail_msg("%s: unexpected note '%s'", sp->name, so_tiff_note(t));
		check_pixels(pix, sp);
		if (sp->no_photometric)
			same_as_libtiff_rgba(pix, path);
		pixDestroy(&pix);
		assert_int_equal(so_tiff_next(t), 0);
		so_tiff_close(t);
		/* decoding again gives the same checksum */
		assert_int_equal(so_tiff_open(path, &t), 0);
		pix = so_tiff_read_gray(t, sha2);
		assert_non_null(pix);
		assert_string_equal(sha, sha2);
		pixDestroy(&pix);
		so_tiff_close(t);
	}
}

static void test_multipage_linear(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/multi.tif", dir);
	struct tw_spec pages[12];
	for (int i = 0; i < 12; i++)
		pages[i] = specs[i % 6];
	write_file(path, pages, 12);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), 0);
	assert_int_equal(so_tiff_count_pages(t), 12);
	int n = 0;
	char first[65] = "";
	do {
		assert_int_equal(so_tiff_index(t), n);
		char sha[65];
		PIX *pix = so_tiff_read_gray(t, sha);
		assert_non_null(pix);
		check_pixels(pix, &pages[n]);
		if (n == 0)
			strcpy(first, sha);
		else if (n == 6)
			assert_string_equal(first, sha); /* same content, same checksum */
		pixDestroy(&pix);
		n++;
	} while (so_tiff_next(t) == 1);
	assert_int_equal(n, 12);
	so_tiff_close(t);

	/* from memory too */
	char *data;
	size_t len;
	assert_int_equal(so_read_file(path, 1 << 26, &data, &len), 0);
	assert_int_equal(so_tiff_open_memory(data, len, "multi.tif", &t), 0);
	assert_int_equal(so_tiff_count_pages(t), 12);
	PIX *pix = so_tiff_read_gray(t, NULL);
	assert_non_null(pix);
	pixDestroy(&pix);
	so_tiff_close(t);
	free(data);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void expect_open_error(const char *name, const void *data, size_t n, const char *needle)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_bytes(path, data, n);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), -1);
	assert_null(t);
	if (!strstr(so_errmsg(), needle))
		fail_msg("%s: '%s' lacks '%s'", name, so_errmsg(), needle);
}

static void test_hostile_open(void **state)
{
	expect_open_error("empty.tif", "", 0, "is empty (0 bytes)");
	const char text[] = "this is not an image, it is a note from the operator\n";
	expect_open_error("note.tif", text, sizeof(text), "not a readable TIFF file");
	const unsigned char png[] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13 };
	expect_open_error("png.tif", png, sizeof(png), "not a readable TIFF file");
	const unsigned char half[] = { 'I', 'I', 42, 0, 8, 0 };
	expect_open_error("short.tif", half, sizeof(half), "not a readable TIFF file");
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open("/nonexistent/dir/x.tif", &t), -1);
	assert_non_null(strstr(so_errmsg(), "No such file"));
}

/* A classic little-endian TIFF with one 8-bit grey strip, dimensions as given. */
static size_t craft(unsigned char *buf, uint32_t w, uint32_t h, uint32_t strip_bytes)
{
	size_t n = 0;
	memcpy(buf, "II*\0", 4);
	uint32_t ifd = 8;
	memcpy(buf + 4, &ifd, 4);
	n = 8;
	uint16_t count = 8;
	memcpy(buf + n, &count, 2);
	n += 2;
	struct { uint16_t tag, type; uint32_t count, value; } e[8] = {
		{ 256, 4, 1, w }, { 257, 4, 1, h }, { 258, 3, 1, 8 }, { 259, 3, 1, 1 },
		{ 262, 3, 1, 1 }, { 273, 4, 1, 200 }, { 278, 4, 1, h }, { 279, 4, 1, strip_bytes },
	};
	for (int i = 0; i < 8; i++) {
		memcpy(buf + n, &e[i].tag, 2);
		memcpy(buf + n + 2, &e[i].type, 2);
		memcpy(buf + n + 4, &e[i].count, 4);
		memcpy(buf + n + 8, &e[i].value, 4);
		n += 12;
	}
	uint32_t next = 0;
	memcpy(buf + n, &next, 4);
	n += 4;
	memset(buf + n, 0x80, 200 + 64 - n);
	return 200 + 64;
}

static void test_hostile_pages(void **state)
{
	unsigned char buf[512];
	char path[128];
	struct so_tiff *t = NULL;
	struct so_tiff_page info;

	/* absurd dimensions: refused before anything is allocated */
	size_t n = craft(buf, 1000000, 1000000, 64);
	snprintf(path, sizeof(path), "%s/huge.tif", dir);
	write_bytes(path, buf, n);
	assert_int_equal(so_tiff_open(path, &t), 0);
	assert_int_equal(so_tiff_page_info(t, &info), -1);
	assert_non_null(strstr(so_errmsg(), "beyond the limit"));
	assert_null(so_tiff_read_gray(t, NULL));
	so_tiff_close(t);

	/* within the per-side limit but too many pixels in all */
	n = craft(buf, 29000, 29000, 64);
	write_bytes(path, buf, n);
	assert_int_equal(so_tiff_open(path, &t), 0);
	assert_null(so_tiff_read_gray(t, NULL));
	assert_non_null(strstr(so_errmsg(), "beyond the limit"));
	so_tiff_close(t);

	/* a strip that claims more data than the file has */
	n = craft(buf, 64, 64, 4096);
	snprintf(path, sizeof(path), "%s/shortstrip.tif", dir);
	write_bytes(path, buf, n);
	assert_int_equal(so_tiff_open(path, &t), 0);
	PIX *pix = so_tiff_read_gray(t, NULL);
	assert_null(pix);
	/* in plain words, no libtiff text, no file name (the caller gives it) */
	assert_string_equal(so_errmsg(), "cannot decode row 1: the file ends before the page's "
			    "data do: it was cut short");
	so_tiff_close(t);

	/* a real file truncated in its second page's data: page 1 reads, page 2 fails clearly */
	struct tw_spec two[2] = { specs[3], specs[3] };
	two[0].compression = two[1].compression = COMPRESSION_NONE;
	snprintf(path, sizeof(path), "%s/cut.tif", dir);
	write_file(path, two, 2);
	char *data;
	size_t len;
	assert_int_equal(so_read_file(path, 1 << 24, &data, &len), 0);
	/* libtiff writes a page's strips, then its directory: cutting the tail leaves page 1
	 * whole and page 2 unreachable or incomplete */
	free(data);
	assert_int_equal(truncate(path, (off_t)(len - 100)), 0);
	assert_int_equal(so_tiff_open(path, &t), 0);
	pix = so_tiff_read_gray(t, NULL);
	assert_non_null(pix);
	check_pixels(pix, &two[0]);
	pixDestroy(&pix);
	int next = so_tiff_next(t);
	if (next == 1) {
		assert_null(so_tiff_read_gray(t, NULL));
		if (!strstr(so_errmsg(), "cut short"))
			fail_msg("page 2: '%s'", so_errmsg());
	} else {
		assert_int_equal(next, -1);
		assert_string_equal(so_errmsg(), "the header of page 2 is damaged: pages from 2 on "
				    "cannot be read");
	}
	assert_null(strstr(so_errmsg(), "cut.tif"));
	so_tiff_close(t);
}

static void test_corrupt_bytes_never_crash(void **state)
{
	/* flip bytes all over a valid multi-format file; every outcome is a page or an error */
	struct tw_spec pages[4] = { specs[0], specs[3], specs[9], specs[14] };
	char path[128];
	snprintf(path, sizeof(path), "%s/flip.tif", dir);
	write_file(path, pages, 4);
	char *orig;
	size_t len;
	assert_int_equal(so_read_file(path, 1 << 24, &orig, &len), 0);
	char *data = malloc(len);
	uint64_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		memcpy(data, orig, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			data[(seed >> 33) % len] ^= (char)(1u << ((seed >> 20) % 8));
		}
		struct so_tiff *t = NULL;
		if (so_tiff_open_memory(data, len, "flip.tif", &t) < 0)
			continue;
		int guard = 0;
		do {
			PIX *pix = so_tiff_read_gray(t, NULL);
			if (!pix)
				assert_true(so_errmsg()[0] != 0);
			pixDestroy(&pix);
		} while (++guard < 16 && so_tiff_next(t) == 1);
		so_tiff_close(t);
	}
	free(data);
	free(orig);
}

/* 64 bytes flipped in a page's compressed data: the page fails with its reason, or decodes
 * with a note of the damage the decoder patched over — never silently. */
static void test_flipped_bytes_not_silent(void **state)
{
	const char *names[] = { "g4", "gray-lzw", "gray-deflate", "gray-jpeg", "rgb-lzw" };
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct tw_spec *sp = NULL;
		for (size_t i = 0; specs[i].name; i++)
			if (strcmp(specs[i].name, names[k]) == 0)
				sp = &specs[i];
		assert_non_null(sp);
		char path[128];
		snprintf(path, sizeof(path), "%s/flip64-%s.tif", dir, sp->name);
		write_file(path, sp, 1);
		char *data;
		size_t len;
		assert_int_equal(so_read_file(path, 1 << 24, &data, &len), 0);
		/* the strips lie between the 8-byte header and the directory at the end */
		size_t start = 8, span = len / 2;
		uint64_t seed = 99 + k;
		for (int i = 0; i < 64; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			data[start + (seed >> 33) % span] ^= 0xFF;
		}
		struct so_tiff *t = NULL;
		assert_int_equal(so_tiff_open_memory(data, len, "flip64.tif", &t), 0);
		PIX *pix = so_tiff_read_gray(t, NULL);
		if (pix) {
			/* kept, with what the decoder patched over */
			if (!strstr(so_tiff_note(t), "the decoder reported damage") &&
			    !strstr(so_tiff_note(t), "the decoder reported damage in"))
				fail_msg("%s: decoded silently", sp->name);
		} else {
			const char *m = so_errmsg();
			if (strncmp(m, "cannot decode row ", 18) != 0 || !strstr(m, "damaged"))
				fail_msg("%s: '%s'", sp->name, m);
		}
		pixDestroy(&pix);
		so_tiff_close(t);
		free(data);
	}
}

/* A fax page at 204 x 98 dpi: both resolutions read, and preparation brings it to square
 * 300 dpi pixels instead of squashing it 2:1. */
static void test_fax_resolution_squared(void **state)
{
	const struct tw_spec *sp = NULL;
	for (size_t i = 0; specs[i].name; i++)
		if (strcmp(specs[i].name, "fax-204x98") == 0)
			sp = &specs[i];
	assert_non_null(sp);
	char path[128];
	snprintf(path, sizeof(path), "%s/fax.tif", dir);
	/* a page of fax proportions: 1728 dots across, as many rows as 11 inches at 98 */
	assert_int_equal(tw_write(path, sp, 1, 1728, 1078, pattern), 0);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), 0);
	PIX *gray = so_tiff_read_gray(t, NULL);
	assert_non_null(gray);
	l_int32 xres = 0, yres = 0;
	pixGetResolution(gray, &xres, &yres);
	assert_int_equal(xres, 204);
	assert_int_equal(yres, 98);
	struct so_prep prep;
	PIX *page = so_page_prepare(gray, &prep);
	assert_non_null(page);
	/* 1728 / 204 = 8.47 inches across, 1078 / 98 = 11 inches down, at 300 dpi (the page
	 * may have been turned a quarter: register pages are landscape) */
	l_int32 w = pixGetWidth(page), h = pixGetHeight(page);
	if (prep.orientation == 90 || prep.orientation == 270) {
		l_int32 tmp = w;
		w = h;
		h = tmp;
	}
	if (abs(w - 2541) > 3 || abs(h - 3300) > 3)
		fail_msg("prepared %dx%d, want about 2541x3300", w, h);
	pixGetResolution(page, &xres, &yres);
	assert_int_equal(xres, 300);
	assert_int_equal(yres, 300);
	pixDestroy(&page);
	pixDestroy(&gray);
	so_tiff_close(t);
}

/* A page with the darkest ink (rules, a pen) and lighter print beside it (a worn ribbon, a
 * blurred thin stroke, level 160 on paper at 250): preparation keeps both, and leaves a large
 * faint stain white. A split of the page's histogram alone keeps the dark ink only. */
static void test_light_ink_kept(void **state)
{
	(void)state;
	const int w = 2400, h = 1600;
	PIX *gray = pixCreate(w, h, 8);
	assert_non_null(gray);
	pixSetAllArbitrary(gray, 250);
	pixSetResolution(gray, 300, 300);
	long dark = 0, light = 0;
	/* ruling lines, black */
	for (int y = 100; y < h - 100; y += 200) {
		pixRasterop(gray, 100, y, w - 200, 4, PIX_CLR, NULL, 0, 0);
		dark += (long)(w - 200) * 4;
	}
	/* light print: short strokes three pixels thick, letters' size, level 160 */
	for (int y = 140; y < h - 200; y += 200)
		for (int x = 300; x < 2000; x += 40) {
			for (int yy = y; yy < y + 30; yy++)
				for (int xx = x; xx < x + 3; xx++)
					pixSetPixel(gray, xx, yy, 160);
			for (int xx = x; xx < x + 20; xx++)
				for (int yy = y + 27; yy < y + 30; yy++)
					pixSetPixel(gray, xx, yy, 160);
			light += 30 * 3 + 17 * 3;
		}
	/* the darkest ink, so that the page's split falls under the light print */
	for (int y = 150; y < h - 200; y += 200)
		pixRasterop(gray, 2100, y, 150, 40, PIX_CLR, NULL, 0, 0);
	dark += 7L * 150 * 40;
	/* a stain: a large patch a little darker than the paper */
	BOX *stain = boxCreate(300, 1400, 600, 150);
	pixClearInRect(gray, stain);
	pixSetInRectArbitrary(gray, stain, 225);
	struct so_prep prep;
	PIX *page = so_page_prepare(gray, &prep);
	assert_non_null(page);
	assert_int_equal(prep.blank, 0);
	/* the strokes are no letters: the page may be read as upside down and turned */
	if (prep.orientation == 180) {
		BOX *turned = boxCreate(w - 300 - 600, h - 1400 - 150, 600, 150);
		boxDestroy(&stain);
		stain = turned;
	} else {
		assert_int_equal(prep.orientation, 0);
	}
	l_int32 ink = 0, stained = 0;
	pixCountPixels(page, &ink, NULL);
	/* every dark pixel and most of the light ones (their rims soften), nothing much more */
	if (ink < dark + 0.8 * light || ink > (dark + light) * 1.25)
		fail_msg("%d pixels of ink, want %ld to %ld (dark %ld, light %ld)", ink,
			 (long)(dark + 0.8 * light), (long)((dark + light) * 1.25), dark, light);
	PIX *under = pixClipRectangle(page, stain, NULL);
	assert_non_null(under);
	pixCountPixels(under, &stained, NULL);
	if (stained > 600 * 150 / 100)
		fail_msg("%d pixels of ink under the stain", stained);
	pixDestroy(&under);
	boxDestroy(&stain);
	pixDestroy(&page);
	pixDestroy(&gray);
}

/* A black and white scan turned by a degree and a third, with thick rules and thin print
 * (strokes two pixels wide, a typewriter's at 300 dpi): straightened, the page keeps every
 * stroke at its width. Resampled and split again, the thin strokes were lost. */
static void test_bilevel_thin_strokes_kept(void **state)
{
	(void)state;
	const int w = 2400, h = 1600;
	PIX *straight = pixCreate(w, h, 1);
	assert_non_null(straight);
	pixSetResolution(straight, 300, 300);
	long thick = 0, thin = 0;
	for (int y = 100; y < h - 100; y += 200) {
		pixRasterop(straight, 100, y, w - 200, 5, PIX_SET, NULL, 0, 0);
		thick += (long)(w - 200) * 5;
	}
	/* letter-sized strokes: a stem and a foot, two pixels wide */
	for (int y = 140; y < h - 200; y += 200)
		for (int x = 300; x < 2100; x += 36) {
			pixRasterop(straight, x, y, 2, 30, PIX_SET, NULL, 0, 0);
			pixRasterop(straight, x + 2, y + 28, 16, 2, PIX_SET, NULL, 0, 0);
			thin += 30 * 2 + 16 * 2;
		}
	PIX *skewed = pixRotate(straight, (l_float32)(1.3 * M_PI / 180.0), L_ROTATE_SHEAR,
				L_BRING_IN_WHITE, 0, 0);
	assert_non_null(skewed);
	PIX *gray = pixConvert1To8(NULL, skewed, 255, 0);
	assert_non_null(gray);
	pixSetResolution(gray, 300, 300);
	struct so_prep prep;
	PIX *page = so_page_prepare(gray, &prep);
	assert_non_null(page);
	assert_int_equal(prep.blank, 0);
	if (fabs(fabs(prep.skew) - 1.3) > 0.2)
		fail_msg("skew %.2f degrees measured, 1.3 made", prep.skew);
	l_int32 ink = 0;
	pixCountPixels(page, &ink, NULL);
	/* shearing moves pixels and adds or drops a few at each step of a line */
	if (ink < 0.97 * (thick + thin) || ink > 1.03 * (thick + thin))
		fail_msg("%d pixels of ink, want %ld within 3%% (rules %ld, thin strokes %ld)", ink,
			 thick + thin, thick, thin);
	pixDestroy(&page);
	pixDestroy(&gray);
	pixDestroy(&skewed);
	pixDestroy(&straight);
}

/* When the direct decoder fails half-way down a page (a fault injected), libtiff's RGBA reader
 * decodes the page from its start: the whole page, right, on every layout it can read. */
static void test_fallback_decoder(void **state)
{
	const char *names[] = { "gray-lzw", "g4", "rgb-jpeg-ycbcr", "palette", "orient-6",
				"rgba-assoc", "gray-no-photometric" };
	setenv("SOHOA_FAULT", "tiff-scanline@page 1=fail", 1);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct tw_spec *sp = NULL;
		for (size_t i = 0; specs[i].name; i++)
			if (strcmp(specs[i].name, names[k]) == 0)
				sp = &specs[i];
		assert_non_null(sp);
		char path[128];
		snprintf(path, sizeof(path), "%s/fallback-%s.tif", dir, sp->name);
		write_file(path, sp, 1);
		struct so_tiff *t = NULL;
		assert_int_equal(so_tiff_open(path, &t), 0);
		PIX *pix = so_tiff_read_gray(t, NULL);
		if (!pix)
			fail_msg("%s: %s", sp->name, so_errmsg());
		check_pixels(pix, sp);
		pixDestroy(&pix);
		so_tiff_close(t);
	}
	unsetenv("SOHOA_FAULT");
}

/* The pattern as an 8-bit grey PIX. */
static PIX *pattern_pix(void)
{
	PIX *pix = pixCreate(W, H, 8);
	assert_non_null(pix);
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < W; x++)
			pixSetPixel(pix, (l_int32)x, (l_int32)y, pattern(x, y));
	return pix;
}

/* Old-style JPEG (a JFIF stream in the strip, as old scanners wrote it): the scanline decoder
 * cannot set it up, libtiff's RGBA reader can; the page is the pattern within JPEG's loss. */
static void test_old_jpeg_written(void **state)
{
	PIX *src = pattern_pix();
	l_uint8 *jpeg = NULL;
	size_t len = 0;
	assert_int_equal(pixWriteMemJpeg(&jpeg, &len, src, 95, 0), 0);
	pixDestroy(&src);
	char path[128];
	snprintf(path, sizeof(path), "%s/old-jpeg.tif", dir);
	assert_int_equal(tw_write_old_jpeg(path, jpeg, len, W, H, 300), 0);
	free(jpeg);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), 0);
	struct so_tiff_page info;
	assert_int_equal(so_tiff_page_info(t, &info), 0);
	assert_string_equal(info.compression, "old-jpeg");
	PIX *pix = so_tiff_read_gray(t, NULL);
	if (!pix)
		fail_msg("old-jpeg: %s", so_errmsg());
	const struct tw_spec lossy = { .name = "old-jpeg", .kind = TW_GRAY8, .lossy = 1 };
	check_pixels(pix, &lossy);
	pixDestroy(&pix);
	so_tiff_close(t);
}

/* A written palette page with 8-bit colormap entries: the grey pattern, not black. */
static void test_palette_8bit_written(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/palette8.tif", dir);
	assert_int_equal(tw_write_palette_8bit_cmap(path, W, H, pattern), 0);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), 0);
	PIX *pix = so_tiff_read_gray(t, NULL);
	assert_non_null(pix);
	const struct tw_spec exact = { .name = "palette8", .kind = TW_PALETTE };
	check_pixels(pix, &exact);
	pixDestroy(&pix);
	so_tiff_close(t);
}

/* A written chain whose second page points back at the first: 2 pages, a note, no error. */
static void test_page_loop_written(void **state)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/loop.tif", dir);
	assert_int_equal(tw_write_page_loop(path, &specs[3], W, H, pattern), 0);
	struct so_tiff *t = NULL;
	assert_int_equal(so_tiff_open(path, &t), 0);
	assert_int_equal(so_tiff_count_pages(t), 2);
	for (int page = 0; page < 2; page++) {
		assert_int_equal(so_tiff_index(t), page);
		PIX *pix = so_tiff_read_gray(t, NULL);
		assert_non_null(pix);
		check_pixels(pix, &specs[3]);
		pixDestroy(&pix);
		assert_int_equal(so_tiff_next(t), page == 0 ? 1 : 0);
	}
	assert_non_null(strstr(so_tiff_note(t), "loops back to an earlier page after page 2"));
	so_tiff_close(t);
}

/* A palette page whose colormap entries are 8-bit (a writer's bug libtiff tolerates): a page of
 * typed text, not a black page (../shared/testdata/tiff-real, skipped when it is not there). */
static void test_colormap_8bit(void **state)
{
	(void)state;
	const char *src = getenv("SOHOA_SOURCE");
	char path[4096];
	snprintf(path, sizeof(path), "%s/../shared/testdata/tiff-real/"
		 "twelvemonkeys-scan-lzw-8bit-colormap.tiff", src ? src : "..");
	struct so_tiff *t = NULL;
	if (access(path, R_OK) != 0)
		skip();
	assert_int_equal(so_tiff_open(path, &t), 0);
	PIX *pix = so_tiff_read_gray(t, NULL);
	assert_non_null(pix);
	/* mostly paper, some ink: the mean grey of a text page */
	l_float32 mean = 0;
	assert_int_equal(pixGetAverageMasked(pix, NULL, 0, 0, 1, L_MEAN_ABSVAL, &mean), 0);
	if (mean < 150 || mean > 254)
		fail_msg("mean grey %.1f: not a page of text on paper", mean);
	pixDestroy(&pix);
	so_tiff_close(t);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sohoa-tiff-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format),
		cmocka_unit_test(test_colormap_8bit),
		cmocka_unit_test(test_old_jpeg_written),
		cmocka_unit_test(test_fallback_decoder),
		cmocka_unit_test(test_fax_resolution_squared),
		cmocka_unit_test(test_light_ink_kept),
		cmocka_unit_test(test_bilevel_thin_strokes_kept),
		cmocka_unit_test(test_palette_8bit_written),
		cmocka_unit_test(test_page_loop_written),
		cmocka_unit_test(test_multipage_linear),
		cmocka_unit_test(test_hostile_open),
		cmocka_unit_test(test_hostile_pages),
		cmocka_unit_test(test_corrupt_bytes_never_crash),
		cmocka_unit_test(test_flipped_bytes_not_silent),
	};
	TIFFSetWarningHandler(NULL);
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return r;
}
