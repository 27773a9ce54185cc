/*
 * Test: entries filled in by hand (--handwritten, --writer) and their marks in the truth.
 * Books of the four types, in the cairo style families and with defects, have a share of their
 * entries written by the clerks' hands: per book exactly round(share × entries) handwritten
 * entries (the planted handwriting rows among them, by "dancing"), each by one writer, its
 * hand_cols the columns with ink except the stamped number and notes; printed entries
 * unmarked; every writer used under "mixed", none held out under "tuned", only those named
 * under a list; the truth's fields and cells the same as in the books printed throughout;
 * --handwritten 0 the same bytes as no option at all; bad values exit 1. The pen's marks: a
 * writer whose font lacks Vietnamese letters spells them as the letters it has plus marks.
 * The pixels: against the same books printed throughout, every hand column's cell has other
 * ink, every other cell the same.
 * Usage: test-sample-handwritten PATH-TO-sohoa-sample-gen
 */
#include <jansson.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <tiffio.h>

#include "register/layout.h"
#include "testutil.h"
#include "writers.h"

#define SHARE "0.6"
#define BOOK_MAX 32

/* The same books, printed (NULL-terminated after the options added in front). */
#define BOOKS \
	"--book", "birth", "--year", "1988", "--volume", "01", \
	"--book", "birth", "--year", "2019", "--volume", "02", "--style", "serif", \
	"--book", "marriage", "--year", "1995", "--volume", "01", "--defects", \
	"skew,speckle,blur", "--compression", "lzw", "--color", "gray", \
	"--book", "marriage", "--year", "2012", "--volume", "02", "--style", "sans", \
	"--book", "death", "--year", "2003", "--volume", "01", "--style", "condensed", \
	"--book", "death", "--year", "2021", "--volume", "02", "--style", "typewriter", \
	"--defects", "yellow,lowcontrast,border", "--compression", "jpeg", "--color", "rgb", \
	"--book", "parentage", "--year", "2008", "--volume", "01", \
	"--book", "parentage", "--year", "2025", "--volume", "02", "--style", "sans", \
	"--book", "birth", "--year", "2001", "--volume", "03", "--style", "condensed", \
	"--book", "death", "--year", "1999", "--volume", "03", "--style", "serif"

static const char *const printed[] = { "--anomalies", "--dpi", "100", "--pages", "2", BOOKS,
                                       NULL };
static const char *const mixed[] = { "--anomalies", "--dpi", "100", "--pages", "2",
                                     "--handwritten", SHARE, BOOKS, NULL };

struct book_count {
	char file[64];
	size_t entries, hand;
};

static struct book_count counts[BOOK_MAX];
static size_t ncounts;

static struct book_count *count_of(const char *file)
{
	for (size_t i = 0; i < ncounts; i++)
		if (strcmp(counts[i].file, file) == 0)
			return &counts[i];
	if (ncounts == BOOK_MAX)
		return &counts[0];
	snprintf(counts[ncounts].file, sizeof(counts[ncounts].file), "%s", file);
	return &counts[ncounts++];
}

static const struct so_layout *layout_of(struct so_layout *const *layouts, const char *type)
{
	static const char *const types[] = { "birth", "marriage", "death", "parentage" };
	for (int i = 0; i < 4; i++)
		if (type && strcmp(type, types[i]) == 0)
			return layouts[i];
	return NULL;
}

/* Reads DIR/truth.jsonl as an array of records; NULL when unreadable. */
static json_t *read_truth(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/truth.jsonl", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	json_t *all = json_array();
	char line[1 << 16];
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *rec = json_loads(line, 0, &err);
		CHECK(rec, "truth line: %s", err.text);
		if (rec)
			json_array_append_new(all, rec);
	}
	fclose(f);
	return all;
}

/* The marks of one record; *WRITER gets its writer's index (or -1). */
static void check_marks(json_t *rec, const struct so_layout *l, int *writer)
{
	const char *id = json_string_value(json_object_get(rec, "record_id"));
	json_t *hw = json_object_get(rec, "handwritten");
	json_t *wname = json_object_get(rec, "writer");
	json_t *cols = json_object_get(rec, "hand_cols");
	json_t *cells = json_object_get(rec, "cells");
	*writer = -1;
	CHECK(json_is_boolean(hw) && json_is_array(cols) && wname, "%s: marks missing", STR(id));
	if (!json_is_boolean(hw) || !json_is_array(cols) || !l)
		return;
	if (!json_is_true(hw)) {
		CHECK(json_is_null(wname), "%s: printed entry with a writer", STR(id));
		CHECK(json_array_size(cols) == 0, "%s: printed entry with hand columns", STR(id));
		return;
	}
	const struct writer *w = writer_find(json_string_value(wname) ? json_string_value(wname)
	                                                              : "");
	CHECK(w, "%s: unknown writer %s", STR(id), STR(json_string_value(wname)));
	for (size_t i = 0; w && i < writer_count(); i++)
		if (writer_at(i) == w)
			*writer = (int)i;
	CHECK(json_array_size(cols) > 0, "%s: handwritten without hand columns", STR(id));
	int planted = 0;
	json_t *an;
	size_t k;
	json_array_foreach(json_object_get(rec, "anomalies"), k, an)
		planted |= strcmp(json_string_value(json_object_get(an, "kind")), "handwriting") == 0;
	if (planted)
		CHECK(w && strcmp(w->name, "dancing") == 0, "%s: planted row by %s", STR(id),
		      w ? w->name : "?");
	/* each column with ink is written by hand, but for a stamped number or note */
	char listed[64] = { 0 };
	json_t *c;
	json_array_foreach(cols, k, c) {
		json_int_t n = json_integer_value(c);
		size_t at = l->ncolumns;
		for (size_t i = 0; i < l->ncolumns; i++)
			if (l->columns[i].index == n)
				at = i;
		CHECK(at < l->ncolumns, "%s: hand column %lld not in the layout", STR(id),
		      (long long)n);
		if (at >= l->ncolumns)
			continue;
		listed[at] = 1;
		const char *text = json_string_value(json_array_get(cells, at));
		CHECK(text && *text, "%s: hand column %lld is empty", STR(id), (long long)n);
	}
	for (size_t i = 0; i < l->ncolumns && i < 64; i++) {
		const char *text = json_string_value(json_array_get(cells, i));
		const char *field = l->columns[i].field;
		int stampable = field && (strcmp(field, "registration_number") == 0 ||
		                          strcmp(field, "notes") == 0);
		if (text && *text && !listed[i])
			CHECK(stampable && !planted, "%s: column %d has ink but is not handwritten",
			      STR(id), l->columns[i].index);
	}
}

/* The record without its handwriting marks. */
static json_t *unmarked(json_t *rec)
{
	json_t *c = json_deep_copy(rec);
	json_object_del(c, "handwritten");
	json_object_del(c, "writer");
	json_object_del(c, "hand_cols");
	return c;
}

static void check_mixed(const char *dir, const char *printed_dir)
{
	struct so_layout *layouts[4] = { 0 };
	static const char *const types[] = { "birth", "marriage", "death", "parentage" };
	for (int i = 0; i < 4; i++)
		CHECK(so_layout_load(so_layout_default(types[i]), &layouts[i]) == 0, "layout");
	json_t *all = read_truth(dir), *base = read_truth(printed_dir);
	CHECK(all && base, "no truth");
	if (!all || !base)
		goto done;
	CHECK(json_array_size(all) == json_array_size(base), "%zu records, %zu printed",
	      json_array_size(all), json_array_size(base));
	size_t used[WRITERS_MAX] = { 0 }, hand = 0, total = 0, stamped = 0;
	json_t *rec;
	size_t i;
	json_array_foreach(all, i, rec) {
		const char *type = json_string_value(json_object_get(rec, "type"));
		int w;
		check_marks(rec, layout_of(layouts, type), &w);
		struct book_count *b = count_of(json_string_value(
			json_object_get(json_object_get(rec, "source"), "file")));
		b->entries++;
		total++;
		if (w >= 0) {
			used[w]++;
			b->hand++;
			hand++;
			json_t *cells = json_object_get(rec, "cells");
			size_t inked = 0, k;
			json_t *c;
			json_array_foreach(cells, k, c)
				inked += *json_string_value(c) != 0;
			stamped += inked > json_array_size(json_object_get(rec, "hand_cols"));
		}
		/* the words are those of the printed books */
		json_t *a = unmarked(rec);
		CHECK(json_equal(a, json_array_get(base, i)), "%s: truth differs from the printed "
		      "book's", STR(json_string_value(json_object_get(rec, "record_id"))));
		json_decref(a);
	}
	CHECK(ncounts == 10, "%zu books", ncounts);
	for (size_t k = 0; k < ncounts; k++) {
		size_t want = (size_t)lround(atof(SHARE) * (double)counts[k].entries);
		/* at most one planted handwriting row per book comes on top */
		CHECK(counts[k].hand == want || counts[k].hand == want + 1, "%s: %zu of %zu "
		      "handwritten, want %zu", counts[k].file, counts[k].hand, counts[k].entries, want);
	}
	double share = (double)hand / (double)(total ? total : 1);
	CHECK(fabs(share - atof(SHARE)) < 0.05, "share %.3f", share);
	for (size_t k = 0; k < writer_count(); k++)
		CHECK(used[k] > 0, "writer %s never used under mixed", writer_at(k)->name);
	CHECK(stamped > 0, "no handwritten entry with a stamped cell");
	printf("handwritten: %zu of %zu entries (%.3f) in %zu books, %zu with stamped cells;",
	       hand, total, share, ncounts, stamped);
	for (size_t k = 0; k < writer_count(); k++)
		printf(" %s %zu", writer_at(k)->name, used[k]);
	printf("\n");
done:
	json_decref(all);
	json_decref(base);
	for (int k = 0; k < 4; k++)
		so_layout_free(layouts[k]);
}

/* Every handwritten entry of DIR is by a writer of ALLOWED (a list of names); N > 0 of them. */
static void check_only(const char *dir, const char *const *allowed, size_t nallowed,
                       const char *what)
{
	json_t *all = read_truth(dir), *rec;
	size_t i, n = 0;
	CHECK(all, "%s: no truth", what);
	json_array_foreach(all, i, rec) {
		if (!json_is_true(json_object_get(rec, "handwritten")))
			continue;
		const char *w = json_string_value(json_object_get(rec, "writer"));
		int ok = 0;
		for (size_t k = 0; k < nallowed; k++)
			ok |= w && strcmp(w, allowed[k]) == 0;
		CHECK(ok, "%s: entry by %s", what, STR(w));
		n++;
	}
	CHECK(n > 0, "%s: no handwritten entry", what);
	json_decref(all);
}

static void same_files(const char *a, const char *b, const char *const *names, size_t n)
{
	char pa[4096], pb[4096];
	for (size_t i = 0; i < n; i++) {
		snprintf(pa, sizeof(pa), "%s/%s", a, names[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, names[i]);
		CHECK(same_file(pa, pb), "%s differs with --handwritten 0", names[i]);
	}
}

/* Page PAGE of the 8-bit grey TIFF PATH; *W, *H its size; NULL when unreadable. */
static unsigned char *read_page(const char *path, int page, int *w, int *h)
{
	TIFF *t = TIFFOpen(path, "r");
	unsigned char *px = NULL;
	uint32_t tw = 0, th = 0;
	if (!t)
		return NULL;
	if (!TIFFSetDirectory(t, (tdir_t)page) || !TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw) ||
	    !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th) || tw == 0 || th == 0)
		goto done;
	px = malloc((size_t)tw * th);
	for (uint32_t y = 0; px && y < th; y++)
		if (TIFFReadScanline(t, px + (size_t)y * tw, y, 0) < 0) {
			free(px);
			px = NULL;
		}
	*w = (int)tw;
	*h = (int)th;
done:
	TIFFClose(t);
	return px;
}

/* Pixels that differ between A and B inside the cell X0..X1 × Y0..Y1 (its rules left out). */
static long cell_diff(const unsigned char *a, const unsigned char *b, int w, int h, double x0,
                      double x1, double y0, double y1)
{
	long n = 0;
	for (int y = (int)y0 + 3; y < (int)y1 - 2 && y < h; y++)
		for (int x = (int)x0 + 3; x < (int)x1 - 2 && x < w; x++)
			n += a[(size_t)y * (size_t)w + (size_t)x] != b[(size_t)y * (size_t)w + (size_t)x];
	return n;
}

/* The written cells against the printed book's: hand columns differ, every other cell is the
 * same to the pixel. */
static void check_pixels(const char *gen, const char *dir, const char *base)
{
	static const char *const hand[] = { "--dpi", "100", "--pages", "2", "--compression", "lzw",
	                                    "--color", "gray", "--handwritten", "0.5",
	                                    "--book", "birth", "--year", "1990", "--volume", "01",
	                                    "--book", "death", "--year", "2012", "--volume", "01",
	                                    "--style", "condensed", NULL };
	static const char *const print[] = { "--dpi", "100", "--pages", "2", "--compression",
	                                      "lzw", "--color", "gray",
	                                      "--book", "birth", "--year", "1990", "--volume", "01",
	                                      "--book", "death", "--year", "2012", "--volume", "01",
	                                      "--style", "condensed", NULL };
	CHECK(run_generator(gen, dir, "31", hand) == 0, "pixels: generator failed");
	CHECK(run_generator(gen, base, "31", print) == 0, "pixels: generator (printed) failed");
	json_t *truth = read_truth(dir), *rec;
	char path[4096];
	snprintf(path, sizeof(path), "%s/pages.jsonl", dir);
	FILE *f = fopen(path, "r");
	CHECK(truth && f, "pixels: no truth or pages");
	json_t *pages = json_array();
	char line[1 << 16];
	while (f && fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *p = json_loads(line, 0, &err);
		if (p)
			json_array_append_new(pages, p);
	}
	if (f)
		fclose(f);
	size_t i, hand_cells = 0, other_cells = 0;
	json_array_foreach(truth, i, rec) {
		const char *file = json_string_value(json_object_get(json_object_get(rec, "source"),
		                                                     "file"));
		json_int_t page = json_integer_value(json_object_get(json_object_get(rec, "source"),
		                                                     "page_index"));
		json_int_t row = json_integer_value(json_object_get(rec, "row"));
		json_t *table = NULL, *p;
		size_t k;
		json_array_foreach(pages, k, p)
			if (strcmp(json_string_value(json_object_get(p, "file")), file) == 0 &&
			    json_integer_value(json_object_get(p, "page_index")) == page)
				table = json_object_get(p, "table");
		CHECK(table, "pixels: no table for %s page %lld", file, (long long)page);
		if (!table)
			continue;
		char pa[4096], pb[4096];
		snprintf(pa, sizeof(pa), "%s/%s", dir, file);
		snprintf(pb, sizeof(pb), "%s/%s", base, file);
		int wa = 0, ha = 0, wb = 0, hb = 0;
		unsigned char *a = read_page(pa, (int)page, &wa, &ha);
		unsigned char *b = read_page(pb, (int)page, &wb, &hb);
		CHECK(a && b && wa == wb && ha == hb, "pixels: cannot read %s page %lld", file,
		      (long long)page);
		json_t *cols = json_object_get(table, "columns"), *rows = json_object_get(table, "rows");
		json_t *cells = json_object_get(rec, "cells");
		double y0 = json_number_value(json_array_get(rows, (size_t)row + 1));
		double y1 = json_number_value(json_array_get(rows, (size_t)row + 2));
		for (size_t c = 0; a && b && c + 1 < json_array_size(cols); c++) {
			const char *text = json_string_value(json_array_get(cells, c));
			if (!text || !*text)
				continue;
			int listed = 0;
			json_t *n;
			size_t m;
			json_array_foreach(json_object_get(rec, "hand_cols"), m, n)
				listed |= json_integer_value(n) == (json_int_t)c + 1;
			long d = cell_diff(a, b, wa, ha, json_number_value(json_array_get(cols, c)),
			                   json_number_value(json_array_get(cols, c + 1)), y0, y1);
			if (listed) {
				hand_cells++;
				CHECK(d >= 5, "pixels: %s p%lld r%lld column %zu handwritten but only %ld "
				      "pixels differ", file, (long long)page, (long long)row, c + 1, d);
			} else {
				other_cells++;
				CHECK(d == 0, "pixels: %s p%lld r%lld column %zu printed but %ld pixels "
				      "differ", file, (long long)page, (long long)row, c + 1, d);
			}
		}
		free(a);
		free(b);
	}
	CHECK(hand_cells > 30 && other_cells > 30, "pixels: %zu hand cells, %zu others", hand_cells,
	      other_cells);
	printf("handwritten: pixels of %zu written and %zu printed cells checked\n", hand_cells,
	       other_cells);
	json_decref(pages);
	json_decref(truth);
	remove_dir(dir);
	remove_dir(base);
}

/* TEXT spelled by writer NAME gives WANT, and the letters with pen marks are MARKS: per letter
 * "nth:marks" with the marks as letters (g grave, a acute, t tilde, h hook, d dot, c circumflex,
 * b breve, o horn, x bar, a '^' after the number when the base carries its circumflex),
 * separated by spaces. */
static void check_spell(PangoContext *pc, const char *name, const char *text, const char *want,
                        const char *marks)
{
	static const char codes[MARK_COUNT] = { 'g', 'a', 't', 'h', 'd', 'c', 'b', 'o', 'x' };
	struct writer_text wt;
	char got[256] = "";
	size_t n = 0;
	CHECK(writer_spell(writer_find(name), pc, text, &wt) == 0, "%s: spell '%s'", name, text);
	if (!wt.text)
		return;
	for (size_t i = 0; i < wt.nletters && n + 16 < sizeof(got); i++) {
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%zu%s:", i ? " " : "",
		                      wt.letters[i].nth, wt.letters[i].circumflex ? "^" : "");
		for (size_t k = 0; k < wt.letters[i].nmarks; k++)
			got[n++] = codes[wt.letters[i].marks[k]];
		got[n] = 0;
	}
	CHECK(strcmp(wt.text, want) == 0, "%s: '%s' spelled '%s', want '%s'", name, text, wt.text,
	      want);
	CHECK(strcmp(got, marks) == 0, "%s: '%s' marks '%s', want '%s'", name, text, got, marks);
	writer_text_free(&wt);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-sohoa-sample-gen\n", argv[0]);
		return 2;
	}
	char *dir = scratch_dir("hw"), *base = scratch_dir("hw-printed");
	if (!dir || !base)
		return 2;
	TIFFSetWarningHandler(NULL);
	int rc = run_generator(argv[1], dir, "17", mixed);
	CHECK(rc == 0, "generator exited with %d", rc);
	int rb = run_generator(argv[1], base, "17", printed);
	CHECK(rb == 0, "generator (printed) exited with %d", rb);
	if (rc == 0 && rb == 0)
		check_mixed(dir, base);
	remove_dir(dir);
	remove_dir(base);

	check_pixels(argv[1], dir, base);

	/* tuned: the held-out writers never write; a list: only those named */
	static const char *const tuned[] = { "--dpi", "72", "--pages", "2", "--handwritten", "1",
	                                     "--writer", "tuned", BOOKS, NULL };
	static const char *const listed[] = { "--dpi", "72", "--pages", "1", "--handwritten",
	                                      "0.5", "--writer", "seto,kristi", BOOKS, NULL };
	const char *tuned_names[WRITERS_MAX];
	size_t ntuned = 0;
	for (size_t k = 0; k < writer_count(); k++)
		if (!writer_at(k)->held_out)
			tuned_names[ntuned++] = writer_at(k)->name;
	CHECK(ntuned + 1 <= writer_count(), "no held-out writer");
	CHECK(run_generator(argv[1], dir, "5", tuned) == 0, "--writer tuned failed");
	check_only(dir, tuned_names, ntuned, "tuned");
	remove_dir(dir);
	static const char *const two[] = { "seto", "kristi" };
	CHECK(run_generator(argv[1], dir, "5", listed) == 0, "--writer seto,kristi failed");
	check_only(dir, two, 2, "seto,kristi");
	remove_dir(dir);

	/* --handwritten 0 changes nothing, to the byte */
	static const char *const zero[] = { "--anomalies", "--dpi", "72", "--pages", "2",
	                                    "--handwritten", "0", "--writer", "kristi",
	                                    "--book", "birth", "--year", "1990", "--volume", "01",
	                                    "--book", "death", "--year", "2020", "--volume", "01",
	                                    "--style", "sans", NULL };
	static const char *const none[] = { "--anomalies", "--dpi", "72", "--pages", "2",
	                                    "--book", "birth", "--year", "1990", "--volume", "01",
	                                    "--book", "death", "--year", "2020", "--volume", "01",
	                                    "--style", "sans", NULL };
	static const char *const files[] = { "birth-1990-01.tif", "death-2020-01.tif",
	                                     "truth.jsonl", "pages.jsonl", "manifest.ini" };
	CHECK(run_generator(argv[1], dir, "9", zero) == 0, "--handwritten 0 failed");
	CHECK(run_generator(argv[1], base, "9", none) == 0, "no option failed");
	same_files(dir, base, files, sizeof(files) / sizeof(files[0]));
	remove_dir(dir);
	remove_dir(base);

	/* usage errors exit 1 */
	static const char *const bad_share[] = { "--handwritten", "1.5", "--book", "birth",
	                                         "--year", "2019", "--volume", "01", NULL };
	static const char *const bad_writer[] = { "--handwritten", "1", "--writer", "seto,nobody",
	                                          "--book", "birth", "--year", "2019", "--volume",
	                                          "01", NULL };
	CHECK(run_generator(argv[1], dir, "1", bad_share) == 1, "--handwritten 1.5 accepted");
	CHECK(run_generator(argv[1], dir, "1", bad_writer) == 1, "--writer nobody accepted");
	remove_dir(dir);

	/* at least three writers, one carrying the Vietnamese marks itself, one held out */
	size_t native = 0, held = 0;
	for (size_t k = 0; k < writer_count(); k++) {
		native += writer_at(k)->marks_native;
		held += writer_at(k)->held_out;
	}
	CHECK(writer_count() >= 3 && native >= 1 && held >= 1, "%zu writers, %zu native, %zu held",
	      writer_count(), native, held);
	/* the pen's marks */
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *pc = fm ? pango_font_map_create_context(fm) : NULL;
	CHECK(pc, "no pango context");
	if (pc) {
		check_spell(pc, "kristi", "Đặng Hữu Phước", "Dang Huu Phuoc",
		            "0:x 1:db 6:ot 11:o 12:oa");
		check_spell(pc, "kristi", "Lê Thị Ánh", "Lê Thi Ánh", "5:d");
		check_spell(pc, "ecolier", "Hồ Chí Minh; Ấp 3", "Hô Chi Minh; Âp 3",
		            "1^:g 5:a 13^:a");
		check_spell(pc, "dkg", "Quảng Trị, Thủy", "Quang Tri, Thuy", "2:h 8:d 13:h");
		check_spell(pc, "seto", "Đặng Hữu Phước", "Đặng Hữu Phước", "");
		g_object_unref(pc);
	}
	if (fm)
		g_object_unref(fm);
	free(dir);
	free(base);
	if (test_failures) {
		fprintf(stderr, "%d check(s) failed\n", test_failures);
		return 1;
	}
	printf("handwritten: all checks passed\n");
	return 0;
}
