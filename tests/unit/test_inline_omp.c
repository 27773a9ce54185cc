/* Unit tests of tesseract's OpenMP regions run inline (lib/read/inline_omp.c): a parallel region
 * runs its body once on the calling thread, a sections region each section once in order (a
 * region inside a section has its own, and the outer sections go on after it), and the
 * recognizer's own regions land there, not in libgomp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "read/inline_omp.h"
#include "read/recognize.h"

void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
			    unsigned flags);
unsigned GOMP_sections_next(void);
void GOMP_sections_end_nowait(void);

struct trace {
	char seen[64];
	size_t n;
};

static void note(struct trace *t, char c)
{
	if (t->n + 1 < sizeof(t->seen))
		t->seen[t->n++] = c;
	t->seen[t->n] = 0;
}

static void body(void *data)
{
	note(data, 'p');
}

static void inner(void *data)
{
	for (unsigned s = GOMP_sections_next(); s; s = GOMP_sections_next())
		note(data, (char)('a' + s - 1));
	GOMP_sections_end_nowait();
}

/* sections 1..3, the second opening a region of two sections of its own */
static void outer(void *data)
{
	for (unsigned s = GOMP_sections_next(); s; s = GOMP_sections_next()) {
		note(data, (char)('0' + s));
		if (s == 2)
			GOMP_parallel_sections(inner, data, 4, 2, 0);
	}
	GOMP_sections_end_nowait();
}

static void test_regions(void **state)
{
	(void)state;
	struct trace t = { { 0 }, 0 };
	long before = so_inline_omp_regions();
	GOMP_parallel(body, &t, 4, 0);
	assert_string_equal(t.seen, "p");
	GOMP_parallel_sections(outer, &t, 4, 3, 0);
	assert_string_equal(t.seen, "p12ab3");
	GOMP_parallel_sections(inner, &t, 0, 0, 0);
	assert_string_equal(t.seen, "p12ab3");
	assert_int_equal(so_inline_omp_regions() - before, 4);
}

/* A line of blots read by the recognizer: its LSTM's regions run here. Skipped when the
 * language data is not installed. */
static void test_recognizer_regions(void **state)
{
	(void)state;
	struct so_recognizer *r = NULL;
	if (so_recognizer_new("vie", &r) < 0)
		skip();
	PIX *page = pixCreate(400, 80, 1);
	assert_non_null(page);
	pixSetResolution(page, 300, 300);
	/* letter-sized strokes: an I, an L, a T ... */
	for (int i = 0; i < 12; i++) {
		int x = 20 + i * 30;
		pixRasterop(page, x, 22, 5, 36, PIX_SET, NULL, 0, 0);
		if (i % 3 == 1)
			pixRasterop(page, x, 53, 18, 5, PIX_SET, NULL, 0, 0);
		if (i % 3 == 2)
			pixRasterop(page, x - 7, 22, 19, 5, PIX_SET, NULL, 0, 0);
	}
	BOX *box = boxCreate(0, 0, 400, 80);
	struct so_reading rd;
	long before = so_inline_omp_regions();
	assert_int_equal(so_recognize_cell(r, page, box, SO_READ_LINE, &rd), 0);
	if (so_inline_omp_regions() == before)
		fail_msg("no region ran inline (read '%s')", rd.text);
	so_reading_release(&rd);
	boxDestroy(&box);
	pixDestroy(&page);
	so_recognizer_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_recognizer_regions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
