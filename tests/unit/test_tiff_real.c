/* Regression tests on TIFF files nobody here made (../shared/testdata/tiff-real, issue 15):
 * each page comes out as it looks — compared with the same page decoded by libtiff's RGBA
 * reader, or with its stored rows laid out by the Orientation rule of the TIFF spec — or fails
 * with the exact reason an operator reads. A test whose file is not there is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "base/util.h"
#include "ingest/image.h"
#include "ingest/tiffin.h"
#include "read/table.h"
#include "register/layout.h"
#include "tiffwrite.h"

static char dir[64];

/* The path of a file of the shared test data, or 0 (the test skips) when it is not there. */
static int real_file(const char *name, char *path, size_t size)
{
	const char *src = getenv("SOHOA_SOURCE");
	snprintf(path, size, "%s/../shared/testdata/tiff-real/%s", src ? src : "..", name);
	if (access(path, R_OK) == 0)
		return 1;
	print_message("skipped: %s is not there\n", path);
	return 0;
}

static struct so_tiff *open_real(const char *path)
{
	struct so_tiff *t = NULL;
	if (so_tiff_open(path, &t) < 0)
		fail_msg("%s: %s", path, so_errmsg());
	return t;
}

static int quiet(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
	return 1;
}

static TIFF *libtiff_open(const char *path)
{
	TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
	TIFFOpenOptionsSetErrorHandlerExtR(o, quiet, NULL);
	TIFFOpenOptionsSetWarningHandlerExtR(o, quiet, NULL);
	TIFF *tif = TIFFOpenExt(path, "r", o);
	TIFFOpenOptionsFree(o);
	assert_non_null(tif);
	return tif;
}

/*
 * Page DIR of PATH as libtiff's RGBA reader decodes it, top row first, its (premultiplied)
 * colours laid on white and turned to grey with the weights of ITU-R BT.601. Caller frees.
 */
static uint8_t *rgba_reference(const char *path, int dirn, uint32_t *w, uint32_t *h)
{
	TIFF *tif = libtiff_open(path);
	assert_true(TIFFSetDirectory(tif, (tdir_t)dirn));
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, w);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, h);
	size_t n = (size_t)*w * *h;
	uint32_t *raster = malloc(n * 4);
	uint8_t *grey = malloc(n);
	assert_non_null(raster);
	assert_non_null(grey);
	assert_true(TIFFReadRGBAImageOriented(tif, *w, *h, raster, ORIENTATION_TOPLEFT, 0));
	for (size_t i = 0; i < n; i++) {
		unsigned g = (TIFFGetR(raster[i]) * 299 + TIFFGetG(raster[i]) * 587 +
			      TIFFGetB(raster[i]) * 114 + 500) / 1000 + 255 - TIFFGetA(raster[i]);
		grey[i] = (uint8_t)(g > 255 ? 255 : g);
	}
	free(raster);
	TIFFClose(tif);
	return grey;
}

/* Pixels of PIX further than TOL from REF (W x H; the sizes must agree). */
static long differing(PIX *pix, const uint8_t *ref, uint32_t w, uint32_t h, int tol)
{
	assert_int_equal(pixGetWidth(pix), w);
	assert_int_equal(pixGetHeight(pix), h);
	long bad = 0;
	for (uint32_t y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		for (uint32_t x = 0; x < w; x++)
			bad += abs((int)GET_DATA_BYTE(line, x) - ref[(size_t)y * w + x]) > tol;
	}
	return bad;
}

static long dark_pixels(PIX *pix)
{
	long n = 0;
	for (l_int32 y = 0; y < pixGetHeight(pix); y++) {
		const l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		for (l_int32 x = 0; x < pixGetWidth(pix); x++)
			n += GET_DATA_BYTE(line, x) < 128;
	}
	return n;
}

/* Reads the current page, which must decode with nothing patched over. */
static PIX *read_clean(struct so_tiff *t, const char *what)
{
	PIX *pix = so_tiff_read_gray(t, NULL);
	if (!pix)
		fail_msg("%s: %s", what, so_errmsg());
	if (so_tiff_note(t)[0])
		fail_msg("%s: unexpected note '%s'", what, so_tiff_note(t));
	return pix;
}

/* The Photoshop page of handwriting on a transparent background (RGB and associated alpha):
 * ink on white paper as libtiff's reader composes it, not a blank or black page; and its
 * skew, measured at no confidence, is not applied. */
static void test_alpha_extra_channels(void **state)
{
	char path[4096];
	if (!real_file("twelvemonkeys-extra-channels.tif", path, sizeof(path)))
		skip();
	uint32_t w, h;
	uint8_t *ref = rgba_reference(path, 0, &w, &h);
	struct so_tiff *t = open_real(path);
	PIX *pix = read_clean(t, "extra-channels");
	assert_int_equal(differing(pix, ref, w, h, 1), 0);
	long dark = dark_pixels(pix);
	/* bold handwriting (about a third of this small image) on paper, not a blank or black
	 * page: before, the transparent background came out black */
	if (dark < (long)(w * h) / 10 || dark > (long)(w * h) / 2)
		fail_msg("%ld dark pixels of %u: not ink on paper", dark, w * h);
	struct so_prep prep;
	PIX *page = so_page_prepare(pix, &prep);
	assert_non_null(page);
	assert_false(prep.blank);
	assert_true(prep.skew_conf < 3.0);
	assert_true(prep.skew == 0.0);
	pixDestroy(&page);
	pixDestroy(&pix);
	so_tiff_close(t);
	free(ref);
}

/* A 7-page old-JPEG greyscale scan: every page decodes (by libtiff's RGBA reader, the only
 * one that sets old JPEG up in full) and is the page that reader gives. */
static void test_old_jpeg(void **state)
{
	char path[4096];
	if (!real_file("twelvemonkeys-old-style-jpeg-invalid-tables.tif", path, sizeof(path)))
		skip();
	struct so_tiff *t = open_real(path);
	assert_int_equal(so_tiff_count_pages(t), 7);
	int pages = 0;
	do {
		uint32_t w, h;
		uint8_t *ref = rgba_reference(path, pages, &w, &h);
		PIX *pix = read_clean(t, "old-jpeg");
		long bad = differing(pix, ref, w, h, 1);
		if (bad)
			fail_msg("page %d: %ld pixels differ from libtiff's", pages + 1, bad);
		/* a scan of a typed page: mostly paper */
		assert_true(dark_pixels(pix) < (long)(w * h) / 5);
		pixDestroy(&pix);
		free(ref);
		pages++;
	} while (so_tiff_next(t) == 1);
	assert_int_equal(pages, 7);
	so_tiff_close(t);
}

/*
 * A bilevel page's stored rows (1 = ink), read with libtiff's scanline interface, laid out as
 * the TIFF spec's Orientation rule says the page looks; *W x *H is the page as it looks.
 */
static uint8_t *oriented_reference(const char *path, uint32_t *w, uint32_t *h)
{
	TIFF *tif = libtiff_open(path);
	uint32_t sw = 0, sh = 0;
	uint16_t orient = 1, photometric = PHOTOMETRIC_MINISWHITE;
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &sw);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &sh);
	TIFFGetField(tif, TIFFTAG_ORIENTATION, &orient);
	TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
	int transposed = orient >= 5;
	*w = transposed ? sh : sw;
	*h = transposed ? sw : sh;
	uint8_t *out = malloc((size_t)sw * sh);
	uint8_t *line = malloc((size_t)TIFFScanlineSize(tif));
	assert_non_null(out);
	assert_non_null(line);
	for (uint32_t r = 0; r < sh; r++) {
		assert_true(TIFFReadScanline(tif, line, r, 0) == 1);
		for (uint32_t c = 0; c < sw; c++) {
			int bit = (line[c / 8] >> (7 - c % 8)) & 1;
			int ink = photometric == PHOTOMETRIC_MINISWHITE ? bit : !bit;
			uint32_t x, y;
			/* row 0 and column 0 are the sides the tag names */
			switch (orient) {
			case 2: x = *w - 1 - c; y = r; break;
			case 3: x = *w - 1 - c; y = *h - 1 - r; break;
			case 4: x = c; y = *h - 1 - r; break;
			case 5: x = r; y = c; break;
			case 6: x = *w - 1 - r; y = c; break;
			case 7: x = *w - 1 - r; y = *h - 1 - c; break;
			case 8: x = r; y = *h - 1 - c; break;
			default: x = c; y = r; break;
			}
			out[(size_t)y * *w + x] = ink ? 0 : 255;
		}
	}
	free(line);
	TIFFClose(tif);
	return out;
}

static void check_oriented(const char *name, uint32_t want_w, uint32_t want_h, int orient)
{
	char path[4096];
	if (!real_file(name, path, sizeof(path)))
		skip();
	uint32_t w, h;
	uint8_t *ref = oriented_reference(path, &w, &h);
	assert_int_equal(w, want_w);
	assert_int_equal(h, want_h);
	struct so_tiff *t = open_real(path);
	struct so_tiff_page info;
	assert_int_equal(so_tiff_page_info(t, &info), 0);
	assert_int_equal(info.orientation, orient);
	assert_int_equal(info.width, w);
	assert_int_equal(info.height, h);
	PIX *pix = read_clean(t, name);
	long bad = differing(pix, ref, w, h, 0);
	if (bad)
		fail_msg("%s: %ld pixels differ from the page as it looks", name, bad);
	assert_true(dark_pixels(pix) > 100);
	pixDestroy(&pix);
	so_tiff_close(t);
	free(ref);
}

/* IrfanView's Orientation 8 (LZW, bilevel), stored 2464 x 3444. */
static void test_orientation_8_a33(void **state)
{
	check_oriented("twelvemonkeys-a33.tif", 3444, 2464, 8);
}

/* Orientation 6 (G4), stored 88 x 590, at its own 96 dpi and at 300. */
static void test_orientation_6_g4(void **state)
{
	check_oriented("pillow-g4_orientation_6.tif", 590, 88, 6);
	check_oriented("pillow-g4_orientation_6.300dpi.tif", 590, 88, 6);
}

/* The palette page with 8-bit colormap entries is the page libtiff's reader gives. */
static void test_palette_8bit_colormap(void **state)
{
	char path[4096];
	if (!real_file("twelvemonkeys-scan-lzw-8bit-colormap.tiff", path, sizeof(path)))
		skip();
	uint32_t w, h;
	uint8_t *ref = rgba_reference(path, 0, &w, &h);
	struct so_tiff *t = open_real(path);
	PIX *pix = read_clean(t, "8bit-colormap");
	assert_int_equal(differing(pix, ref, w, h, 1), 0);
	pixDestroy(&pix);
	so_tiff_close(t);
	free(ref);
}

/* A chain of two pages whose second points back at the first: two pages, both read, the end
 * of the file taken there with a note — not an error. */
static void test_page_chain_loop(void **state)
{
	char path[4096];
	if (!real_file("pillow-multipage_multiple_frame_loop.tiff", path, sizeof(path)))
		skip();
	struct so_tiff *t = open_real(path);
	assert_int_equal(so_tiff_count_pages(t), 2);
	assert_int_equal(so_tiff_index(t), 0);
	for (int page = 0; page < 2; page++) {
		uint32_t w, h;
		uint8_t *ref = rgba_reference(path, page, &w, &h);
		PIX *pix = read_clean(t, "loop");
		assert_int_equal(differing(pix, ref, w, h, 0), 0);
		pixDestroy(&pix);
		free(ref);
		if (page == 0) {
			assert_int_equal(so_tiff_next(t), 1);
			assert_string_equal(so_tiff_note(t), "");
		}
	}
	assert_int_equal(so_tiff_next(t), 0);
	assert_string_equal(so_tiff_note(t), "the page chain loops back to an earlier page after "
			    "page 2: that is taken as the end of the file");
	so_tiff_close(t);
}

/* Leptonica's scanned form: read as libtiff reads it; not a register page, and the table
 * finder says why in words (no negative row count). */
static void test_form2(void **state)
{
	char path[4096];
	if (!real_file("leptonica-form2.tif", path, sizeof(path)))
		skip();
	uint32_t w, h;
	uint8_t *ref = rgba_reference(path, 0, &w, &h);
	struct so_tiff *t = open_real(path);
	PIX *pix = read_clean(t, "form2");
	assert_int_equal(differing(pix, ref, w, h, 0), 0);
	struct so_prep prep;
	PIX *page = so_page_prepare(pix, &prep);
	assert_non_null(page);
	struct so_layout *l = NULL;
	assert_int_equal(so_layout_load("birth-v1", &l), 0);
	struct so_table tab;
	memset(&tab, 0, sizeof(tab));
	assert_int_equal(so_table_find(page, l, &tab), -1);
	/* which of the finder's reasons comes first depends on how the scan binarizes; any is
	 * right if it is one in words, with no negative count */
	const char *why = so_errmsg();
	if (strncmp(why, "no table found: ", 16) != 0 || strchr(why, '-'))
		fail_msg("reason '%s'", why);
	so_table_release(&tab);
	so_layout_free(l);
	pixDestroy(&page);
	pixDestroy(&pix);
	so_tiff_close(t);
	free(ref);
}

static void expect_page_error(const char *name, const char *reason)
{
	char path[4096];
	if (!real_file(name, path, sizeof(path)))
		skip();
	struct so_tiff *t = open_real(path);
	assert_null(so_tiff_read_gray(t, NULL));
	if (strcmp(so_errmsg(), reason) != 0)
		fail_msg("%s: '%s', want '%s'", name, so_errmsg(), reason);
	so_tiff_close(t);
}

/* Layouts and data nothing here can decode: the reason in plain words, no libtiff text. */
static void test_reasons(void **state)
{
	expect_page_error("pillow-tiff_strip_cmyk_16l_jpeg.tif",
			  "cannot decode this page's colour layout (CMYK (print separations), 4 "
			  "samples of 16 bits a pixel): scan or save it as greyscale, RGB colour or "
			  "black and white");
	/* run-length data labelled as G3 fax; a G3 page without end-of-line codes */
	const char *g3 = "cannot decode row 1: the g3-compressed data are damaged, or the "
			 "compression is not the one the file names: rescan or export the page "
			 "again";
	expect_page_error("twelvemonkeys-incorrect-compression-rle-as-g3.tif", g3);
	expect_page_error("libtiff-testfax3_bug54_1dnoEOL.tif", g3);
}

/* A fuzzed file whose second page header cannot be read: one page, not three, and the damage
 * after it named in words. */
static void test_damaged_chain_count(void **state)
{
	char path[4096];
	if (!real_file("pillow-crash-2020-10-test.tif", path, sizeof(path)))
		skip();
	struct so_tiff *t = open_real(path);
	assert_int_equal(so_tiff_count_pages(t), 1);
	struct so_tiff_page info;
	assert_int_equal(so_tiff_page_info(t, &info), 0);
	assert_int_equal(info.width, 20);
	assert_int_equal(info.height, 1536);
	PIX *pix = so_tiff_read_gray(t, NULL);
	if (!pix) {
		const char *m = so_errmsg();
		if (strstr(m, "scanline") || strstr(m, "Decode") || strstr(m, "TIFF"))
			fail_msg("libtiff's text in '%s'", m);
	}
	pixDestroy(&pix);
	assert_int_equal(so_tiff_next(t), -1);
	assert_string_equal(so_errmsg(), "the header of page 2 is damaged: pages from 2 on cannot "
			    "be read");
	so_tiff_close(t);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sohoa-tiffreal-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	so_image_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpha_extra_channels),
		cmocka_unit_test(test_old_jpeg),
		cmocka_unit_test(test_orientation_8_a33),
		cmocka_unit_test(test_orientation_6_g4),
		cmocka_unit_test(test_palette_8bit_colormap),
		cmocka_unit_test(test_page_chain_loop),
		cmocka_unit_test(test_form2),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_damaged_chain_count),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return r;
}
