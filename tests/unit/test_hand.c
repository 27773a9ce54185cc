/* Unit tests of the handwriting features (read/handwriting.h) on images drawn here: upright
 * letters of one stroke width on a straight line against slanted, joined strokes of varying
 * width on a wandering line; glyph twins; the reading's features; the row's decision for small
 * cells; stamps in written entries (and blobs, which are none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/handwriting.h"

#define W 600
#define H 120

static PIX *blank(void)
{
	PIX *p = pixCreate(W, H, 1);
	assert_non_null(p);
	pixSetResolution(p, 300, 300);
	return p;
}

/* A filled rectangle. */
static void bar(PIX *p, int x, int y, int w, int h)
{
	pixRasterop(p, x, y, w, h, PIX_SET, NULL, 0, 0);
}

/* Print-like: N upright letters, each an "n" of two stems and a top (stroke 6 px, 40 px
 * high), on one baseline, apart. */
static PIX *printed(int n)
{
	PIX *p = blank();
	for (int i = 0; i < n; i++) {
		int x = 20 + i * 34, y = 40;
		bar(p, x, y, 6, 40);
		bar(p, x + 18, y, 6, 40);
		bar(p, x, y, 24, 6);
	}
	return p;
}

/* Hand-like: joined, slanted strokes (a shear of 0.35), of width 3 to 9, whose bottoms wander
 * by up to 8 px: words of WORDS letters, two words. */
static PIX *written(int words)
{
	PIX *p = blank();
	int x = 30;
	for (int w = 0; w < 2; w++) {
		for (int i = 0; i < words; i++) {
			int base = 80 + (int)lround(8 * sin(i * 1.3 + w));
			int next = 80 + (int)lround(8 * sin((i + 1) * 1.3 + w));
			int width = 3 + (i * 5) % 7;
			/* a slanted down stroke, and an up stroke joining the next letter's top */
			pixRenderLine(p, x + 14, base - 40, x, base, width, L_SET_PIXELS);
			if (i + 1 < words)
				pixRenderLine(p, x, base, x + 36, next - 40, 3, L_SET_PIXELS);
			x += 22;
		}
		x += 40;
	}
	return p;
}

static void test_printed_and_written(void **state)
{
	(void)state;
	PIX *pp = printed(12), *pw = written(8);
	struct so_hand_cell a, b;
	assert_int_equal(so_hand_ink(pp, 300, &a), 0);
	assert_int_equal(so_hand_ink(pw, 300, &b), 0);
	/* one component a letter in print; joined letters in the hand */
	assert_int_equal(a.comps, 12);
	assert_true(a.f[SO_HF_COMPS_PER_H] > 1.2);
	assert_true(b.comps <= 2);
	assert_true(b.f[SO_HF_COMPS_PER_H] < 0.4);
	/* upright against slanted */
	assert_true(a.f[SO_HF_SLANT] < 0.06);
	assert_true(b.f[SO_HF_SLANT] > 0.2);
	assert_true(b.f[SO_HF_SLANT_GAIN] > a.f[SO_HF_SLANT_GAIN]);
	/* one stroke width (6 px of a 40 px letter) against a varying one */
	assert_true(fabs(a.f[SO_HF_STROKE_MEAN] - 6.0 / 40) < 0.05);
	assert_true(b.f[SO_HF_STROKE_CV] > a.f[SO_HF_STROKE_CV]);
	/* the print sits on its line, the hand wanders (and its joins run above it) */
	assert_true(a.f[SO_HF_BASELINE] < 0.02);
	assert_true(b.f[SO_HF_BASELINE] > 0.08);
	assert_true(a.f[SO_HF_HEIGHT_CV] < 0.02);
	pixDestroy(&pp);
	pixDestroy(&pw);
}

/* Letters on a line that wanders: the bottoms' spread about the fitted line, in heights. */
static void test_baseline(void **state)
{
	(void)state;
	PIX *p = blank();
	for (int i = 0; i < 10; i++)
		bar(p, 20 + i * 40, 30 + (i % 2) * 12, 12, 40);
	struct so_hand_cell c;
	assert_int_equal(so_hand_ink(p, 300, &c), 0);
	assert_int_equal(c.comps, 10);
	/* half of them 12 px below the others: about 6 px from the fit, 0.15 of 40 */
	assert_true(c.f[SO_HF_BASELINE] > 0.1 && c.f[SO_HF_BASELINE] < 0.2);
	pixDestroy(&p);
}

/* The pen's pressure: letters of one stroke width against letters whose width changes. */
static void test_stroke_spread(void **state)
{
	(void)state;
	PIX *even = blank(), *uneven = blank();
	for (int i = 0; i < 8; i++) {
		bar(even, 20 + i * 40, 30, 6, 40);
		bar(uneven, 20 + i * 40, 30, i % 2 ? 4 : 10, 40);
	}
	struct so_hand_cell a, b;
	assert_int_equal(so_hand_ink(even, 300, &a), 0);
	assert_int_equal(so_hand_ink(uneven, 300, &b), 0);
	assert_true(a.f[SO_HF_STROKE_SPREAD] < 0.02);
	assert_true(b.f[SO_HF_STROKE_SPREAD] > 0.3);
	pixDestroy(&even);
	pixDestroy(&uneven);
}

/* Holes: an "o" has one, a bar none; specks are not letters. */
static void test_holes_and_specks(void **state)
{
	(void)state;
	PIX *p = blank();
	for (int i = 0; i < 4; i++) {
		bar(p, 20 + i * 50, 30, 30, 40);
		pixRasterop(p, 26 + i * 50, 36, 18, 28, PIX_CLR, NULL, 0, 0);
	}
	bar(p, 300, 30, 8, 40);
	bar(p, 500, 10, 1, 1);
	struct so_hand_cell c;
	assert_int_equal(so_hand_ink(p, 300, &c), 0);
	assert_int_equal(c.comps, 5);
	assert_true(fabs(c.f[SO_HF_HOLES] - 4.0 / 5) < 1e-9);
	pixDestroy(&p);
}

/* A blank cell is neither: no components, no score. */
static void test_blank(void **state)
{
	(void)state;
	PIX *p = blank();
	struct so_hand_cell c;
	assert_int_equal(so_hand_ink(p, 300, &c), 0);
	assert_int_equal(c.comps, 0);
	so_hand_decide(&c);
	assert_int_equal(c.hand, SO_HAND_BLANK);
	assert_true(c.score < 0);
	assert_string_equal(so_hand_name(c.hand), "blank");
	pixDestroy(&p);
}

/* The reading: confidences, characters a kind does not allow, words that are no syllable. */
static void test_reading(void **state)
{
	(void)state;
	char text[] = "NGUY3N {an} Xyzq";
	struct so_word words[] = {
		{ 0, 6, 0.9f, 0, 0, 0, 0, NULL, 0 },
		{ 7, 11, 0.4f, 0, 0, 0, 0, NULL, 0 },
		{ 12, 16, 0.2f, 0, 0, 0, 0, NULL, 0 },
	};
	struct so_reading rd = { text, 0.5, words, 3 };
	struct so_hand_cell c;
	memset(&c, 0, sizeof(c));
	so_hand_reading(&rd, SO_KIND_NAME, &c);
	assert_true(fabs(c.f[SO_HF_CONF_MEAN] - 0.5) < 1e-9);
	assert_true(fabs(c.f[SO_HF_CONF_MIN] - 0.2) < 1e-6);
	/* "3", "{" and "}" of 14 characters */
	assert_true(fabs(c.f[SO_HF_ODD_CHARS] - 3.0 / 14) < 1e-9);
	/* NGUY3N (a digit in a name) and Xyzq are odd, "an" is a syllable */
	assert_true(fabs(c.f[SO_HF_ODD_WORDS] - 2.0 / 3) < 1e-9);
	/* the same digits are allowed in a date */
	memset(&c, 0, sizeof(c));
	char date[] = "12/03/1990";
	struct so_word dw[] = { { 0, 10, 0.95f, 0, 0, 0, 0, NULL, 0 } };
	struct so_reading dr = { date, 0.95, dw, 1 };
	so_hand_reading(&dr, SO_KIND_DATE, &c);
	assert_true(c.f[SO_HF_ODD_CHARS] == 0 && c.f[SO_HF_ODD_WORDS] == 0);
}

/* Print repeats its glyphs, a hand never does: the letters of a printed cell find exact
 * twins on the page, those of a hand (each drawn apart) only near ones; a cell with no letters
 * measured gets the distance of no twin at all. */
static void test_twins(void **state)
{
	(void)state;
	PIX *pp = printed(12), *pw = blank();
	for (int i = 0; i < 8; i++) {
		int x = 20 + i * 50;
		bar(pw, x, 40, 3 + i % 4, 40);
		pixRenderLine(pw, x, 42, x + 23, 79 - i * 4, 3 + (i * 3) % 5, L_SET_PIXELS);
	}
	struct so_hand_glyphs gs = { 0 };
	struct so_hand_cell c[3];
	memset(c, 0, sizeof(c));
	assert_int_equal(so_hand_ink(pp, 300, &c[0]), 0);
	assert_int_equal(so_hand_ink(pw, 300, &c[1]), 0);
	/* not measured until the page's glyphs are */
	assert_true(c[0].f[SO_HF_TWIN_DIST] < 0);
	assert_int_equal(so_hand_glyphs_add(&gs, pp, 300, 0), 0);
	assert_int_equal(so_hand_glyphs_add(&gs, pw, 300, 1), 0);
	assert_int_equal(gs.n, 12 + 8);
	assert_int_equal(so_hand_twins(&gs, c, 3), 0);
	assert_true(c[0].f[SO_HF_TWIN_DIST] < 0.01);
	assert_true(c[1].f[SO_HF_TWIN_DIST] > 0.04);
	assert_true(c[2].f[SO_HF_TWIN_DIST] >= 0.5);
	so_hand_glyphs_release(&gs);
	assert_int_equal(gs.n, 0);
	pixDestroy(&pp);
	pixDestroy(&pw);
}

/* A row's cells are weighed together: a cell too small to judge alone stands on the others'
 * evidence, a measured one on its own and the others'; blank cells stay blank. */
static void test_row(void **state)
{
	(void)state;
	struct so_hand_cell c[4];
	memset(c, 0, sizeof(c));
	c[0] = (struct so_hand_cell){ .comps = 9, .z = 6, .hand = SO_HAND_WRITTEN };
	c[1] = (struct so_hand_cell){ .comps = 7, .z = 4, .hand = SO_HAND_WRITTEN };
	c[2] = (struct so_hand_cell){ .comps = 1, .z = -3, .hand = SO_HAND_PRINTED, .by_row = 1 };
	c[3] = (struct so_hand_cell){ .score = -1, .hand = SO_HAND_BLANK };
	so_hand_row(c, 4);
	assert_int_equal(c[2].hand, SO_HAND_WRITTEN);
	assert_true(c[2].score > so_hand_threshold());
	assert_int_equal(c[0].hand, SO_HAND_WRITTEN);
	assert_int_equal(c[3].hand, SO_HAND_BLANK);
	assert_true(c[3].score < 0);
	/* a printed row: its small cell printed too */
	c[0].z = -6;
	c[1].z = -5;
	c[2].z = 3;
	so_hand_row(c, 4);
	assert_int_equal(c[0].hand, SO_HAND_PRINTED);
	assert_int_equal(c[2].hand, SO_HAND_PRINTED);
}

/* A printed row with one blot (an ink stain over a cell: evidence far on the hand side) stays
 * printed: each cell is weighed with the median of the others, which one cell cannot carry.
 * The blot itself goes to a person. */
static void test_row_blot(void **state)
{
	(void)state;
	struct so_hand_cell c[6];
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 4; i++)
		c[i] = (struct so_hand_cell){ .comps = 8, .z = -1 - 0.2 * i, .hand = SO_HAND_PRINTED };
	c[4] = (struct so_hand_cell){ .comps = 6, .z = 30, .hand = SO_HAND_WRITTEN };
	c[5] = (struct so_hand_cell){ .comps = 2, .z = 0, .hand = SO_HAND_PRINTED, .by_row = 1 };
	assert_int_equal(so_hand_row(c, 6), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(c[i].hand, SO_HAND_PRINTED);
	assert_int_equal(c[4].hand, SO_HAND_WRITTEN);
	assert_int_equal(c[5].hand, SO_HAND_PRINTED);
}

/* In a written entry, a cell with letters enough whose own evidence is printed beyond doubt (a
 * number set by a stamp) keeps its reading; one merely leaning printed goes with its row. */
static void test_row_stamp(void **state)
{
	(void)state;
	struct so_hand_cell c[4];
	memset(c, 0, sizeof(c));
	c[0] = (struct so_hand_cell){ .comps = 9, .z = 6, .hand = SO_HAND_WRITTEN };
	c[1] = (struct so_hand_cell){ .comps = 7, .z = 5, .hand = SO_HAND_WRITTEN };
	c[2] = (struct so_hand_cell){ .comps = 8, .z = -4, .hand = SO_HAND_PRINTED };
	c[3] = (struct so_hand_cell){ .comps = 6, .z = -0.5, .hand = SO_HAND_PRINTED };
	so_hand_row(c, 4);
	assert_int_equal(c[0].hand, SO_HAND_WRITTEN);
	assert_int_equal(c[1].hand, SO_HAND_WRITTEN);
	assert_int_equal(c[2].hand, SO_HAND_PRINTED);
	assert_int_equal(c[3].hand, SO_HAND_WRITTEN);
	/* too few letters to judge alone: with its row whatever its own z */
	c[2] = (struct so_hand_cell){ .comps = 2, .z = -4, .hand = SO_HAND_PRINTED, .by_row = 1 };
	so_hand_row(c, 4);
	assert_int_equal(c[2].hand, SO_HAND_WRITTEN);
}

/* A stamp in a written entry: its letters are, to the pixel, those of the page's printed
 * entries, and it goes back to printed; the hand's letters have no such twins, a page with no
 * printed entry has nothing to compare with, and a cell whose own evidence leans handwritten
 * stays with its row. */
static void test_stamps(void **state)
{
	(void)state;
	PIX *entry = printed(12), *hand = written(4), *stamp = printed(3);
	struct so_hand_glyphs gs = { 0 };
	struct so_hand_cell c[3];
	PIX *img[3] = { entry, hand, stamp };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(so_hand_ink(img[i], 300, &c[i]), 0);
		assert_int_equal(so_hand_glyphs_add(&gs, img[i], 300, i), 0);
	}
	assert_int_equal(so_hand_twins(&gs, c, 3), 0);
	/* row 0 a printed entry; row 1 written, its third cell a stamp (own evidence printed) */
	int row[3] = { 0, 1, 1 };
	unsigned char printed_rows[2] = { 1, 0 }, none[2] = { 0, 0 };
	c[0].hand = SO_HAND_PRINTED;
	c[0].z = -4;
	c[1].hand = c[2].hand = SO_HAND_WRITTEN;
	c[1].z = 5;
	c[2].z = -3;
	c[2].score = 0.99;
	struct so_hand_cell keep[3];
	memcpy(keep, c, sizeof(c));
	assert_int_equal(so_hand_stamps(&gs, c, 3, row, none), 0);
	assert_true(c[2].print_twin < 0);
	assert_int_equal(c[2].hand, SO_HAND_WRITTEN);
	assert_int_equal(so_hand_stamps(&gs, c, 3, row, printed_rows), 0);
	assert_true(c[2].print_twin >= 0 && c[2].print_twin < 0.01);
	assert_int_equal(c[2].hand, SO_HAND_PRINTED);
	assert_true(c[2].score < so_hand_threshold());
	assert_true(c[1].print_twin > 0.04);
	assert_int_equal(c[1].hand, SO_HAND_WRITTEN);
	/* the same letters, but its own evidence handwritten: stays */
	memcpy(c, keep, sizeof(c));
	c[2].z = 2;
	assert_int_equal(so_hand_stamps(&gs, c, 3, row, printed_rows), 0);
	assert_int_equal(c[2].hand, SO_HAND_WRITTEN);
	so_hand_glyphs_release(&gs);
	pixDestroy(&entry);
	pixDestroy(&hand);
	pixDestroy(&stamp);
}

/* Blobs: a dash and dots. */
static PIX *blobs(int x0)
{
	PIX *p = blank();
	bar(p, x0, 60, 16, 4);
	bar(p, x0 + 40, 58, 5, 5);
	bar(p, x0 + 70, 62, 5, 5);
	return p;
}

/* A written cell of blobs only (a dash and specks) beside a printed cell of the same blobs:
 * blobs twin any other blob, so they are not letters to compare and the cell is no stamp,
 * however near its blobs come to print's. */
static void test_stamp_blobs(void **state)
{
	(void)state;
	PIX *entry = printed(12), *dashes = blobs(20), *hand = written(4), *specks = blobs(200);
	struct so_hand_glyphs gs = { 0 };
	struct so_hand_cell c[4];
	PIX *img[4] = { entry, dashes, hand, specks };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(so_hand_ink(img[i], 300, &c[i]), 0);
		assert_int_equal(so_hand_glyphs_add(&gs, img[i], 300, i), 0);
	}
	assert_int_equal(so_hand_twins(&gs, c, 4), 0);
	int row[4] = { 0, 0, 1, 1 };
	unsigned char printed_rows[2] = { 1, 0 };
	c[0].hand = c[1].hand = SO_HAND_PRINTED;
	c[0].z = c[1].z = -4;
	c[2].hand = c[3].hand = SO_HAND_WRITTEN;
	c[2].z = 5;
	c[3].z = -1;
	assert_int_equal(c[3].comps, 3);
	assert_int_equal(so_hand_stamps(&gs, c, 4, row, printed_rows), 0);
	assert_true(c[3].print_twin < 0);
	assert_int_equal(c[3].hand, SO_HAND_WRITTEN);
	so_hand_glyphs_release(&gs);
	pixDestroy(&entry);
	pixDestroy(&dashes);
	pixDestroy(&hand);
	pixDestroy(&specks);
}

/* The model scores the drawn hand above its threshold and the drawn print under it; the
 * features go out as JSON with every name. */
static void test_model_and_json(void **state)
{
	(void)state;
	PIX *pp = printed(12), *pw = written(8);
	struct so_hand_cell a, b;
	assert_int_equal(so_hand_ink(pp, 300, &a), 0);
	assert_int_equal(so_hand_ink(pw, 300, &b), 0);
	/* the print read surely as words, the hand as noise */
	char pt[] = "an nam";
	struct so_word pwd[] = { { 0, 2, 0.96f, 0, 0, 0, 0, NULL, 0 },
				 { 3, 6, 0.96f, 0, 0, 0, 0, NULL, 0 } };
	struct so_reading prd = { pt, 0.96, pwd, 2 };
	char wt[] = "~/jl|f";
	struct so_word wwd[] = { { 0, 6, 0.3f, 0, 0, 0, 0, NULL, 0 } };
	struct so_reading wrd = { wt, 0.3, wwd, 1 };
	so_hand_reading(&prd, SO_KIND_TEXT, &a);
	so_hand_reading(&wrd, SO_KIND_TEXT, &b);
	so_hand_decide(&a);
	so_hand_decide(&b);
	so_hand_row(&a, 1);
	so_hand_row(&b, 1);
	assert_int_equal(a.hand, SO_HAND_PRINTED);
	assert_true(a.score < so_hand_threshold());
	assert_true(b.score >= 0 && b.score <= 1);
	char *js = so_hand_features_json(&b);
	assert_non_null(js);
	json_t *o = json_loads(js, 0, NULL);
	assert_non_null(o);
	for (int i = 0; i < SO_HAND_FEATURES; i++)
		assert_true(json_is_number(json_object_get(o, so_hand_feature_name(i))));
	assert_int_equal(json_integer_value(json_object_get(o, "comps")), b.comps);
	json_decref(o);
	free(js);
	assert_string_equal(so_hand_feature_name(SO_HAND_FEATURES), "");
	pixDestroy(&pp);
	pixDestroy(&pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printed_and_written),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_stroke_spread),
		cmocka_unit_test(test_holes_and_specks),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_reading),
		cmocka_unit_test(test_twins),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_row_blot),
		cmocka_unit_test(test_row_stamp),
		cmocka_unit_test(test_stamps),
		cmocka_unit_test(test_stamp_blobs),
		cmocka_unit_test(test_model_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
