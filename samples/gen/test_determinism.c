/*
 * Test: the generator is deterministic. Two runs with the same seed and options give
 * byte-identical files (TIFFs in every format, truth, pages, manifest); another seed gives
 * different books; and changing only an image option (dpi) leaves what is written unchanged;
 * a book in another hand (--style sans: seals, colours) is as deterministic.
 * Usage: test-sample-determinism PATH-TO-sohoa-sample-gen
 */
#include "testutil.h"

static const char *const files[] = {
	"birth-2019-01.tif", "death-2021-02.tif", "marriage-1990-01.tif", "parentage-2025-01.tif",
	"birth-2020-s1.tif", "truth.jsonl", "pages.jsonl", "manifest.ini",
};

static const char *const books[] = {
	"--anomalies", "--dpi", "100", "--pages", "2",
	"--book", "birth", "--year", "2019", "--volume", "01", "--defects", "skew,speckle,border",
	"--blank-pages", "1",
	"--book", "death", "--year", "2021", "--volume", "02", "--compression", "jpeg",
	"--color", "rgb", "--defects", "yellow,blur", "--tiled",
	"--book", "marriage", "--year", "1990", "--volume", "01", "--compression", "lzw",
	"--color", "gray", "--defects", "lowcontrast", "--rotate", "90", "--no-resolution",
	"--handwritten", "0.5",
	"--book", "parentage", "--year", "2025", "--volume", "01", "--compression", "deflate",
	"--rotate", "180@1",
	"--book", "birth", "--year", "2020", "--volume", "s1", "--style", "sans",
	"--compression", "lzw", "--color", "rgb", "--defects", "skew",
	NULL,
};

static const char *const books_dpi[] = {
	"--anomalies", "--dpi", "120", "--pages", "2",
	"--book", "birth", "--year", "2019", "--volume", "01", "--defects", "skew,speckle,border",
	"--blank-pages", "1",
	"--book", "death", "--year", "2021", "--volume", "02", "--compression", "jpeg",
	"--color", "rgb", "--defects", "yellow,blur", "--tiled",
	"--book", "marriage", "--year", "1990", "--volume", "01", "--compression", "lzw",
	"--color", "gray", "--defects", "lowcontrast", "--rotate", "90", "--no-resolution",
	"--handwritten", "0.5",
	"--book", "parentage", "--year", "2025", "--volume", "01", "--compression", "deflate",
	"--rotate", "180@1",
	"--book", "birth", "--year", "2020", "--volume", "s1", "--style", "sans",
	"--compression", "lzw", "--color", "rgb", "--defects", "skew",
	NULL,
};

static void path_of(char *out, size_t len, const char *dir, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-sohoa-sample-gen\n", argv[0]);
		return 2;
	}
	const char *gen = argv[1];
	char *a = scratch_dir("det-a"), *b = scratch_dir("det-b"), *c = scratch_dir("det-c");
	char *d = scratch_dir("det-d");
	char pa[4096], pb[4096];
	if (!a || !b || !c || !d) {
		fprintf(stderr, "cannot make scratch directories\n");
		return 2;
	}
	CHECK(run_generator(gen, a, "42", books) == 0, "first run failed");
	CHECK(run_generator(gen, b, "42", books) == 0, "second run failed");
	CHECK(run_generator(gen, c, "43", books) == 0, "run with another seed failed");
	CHECK(run_generator(gen, d, "42", books_dpi) == 0, "run at another dpi failed");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_of(pa, sizeof(pa), a, files[i]);
		path_of(pb, sizeof(pb), b, files[i]);
		CHECK(same_file(pa, pb), "%s differs between two runs with the same seed", files[i]);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(files[i], "manifest.ini") == 0)
			continue;   /* may legitimately agree (same authority drawn) */
		path_of(pa, sizeof(pa), a, files[i]);
		path_of(pb, sizeof(pb), c, files[i]);
		CHECK(!same_file(pa, pb), "%s is the same with seeds 42 and 43", files[i]);
	}
	/* the words do not depend on the image options */
	path_of(pa, sizeof(pa), a, "truth.jsonl");
	path_of(pb, sizeof(pb), d, "truth.jsonl");
	CHECK(same_file(pa, pb), "truth.jsonl changed with the dpi");
	path_of(pb, sizeof(pb), d, "birth-2019-01.tif");
	path_of(pa, sizeof(pa), a, "birth-2019-01.tif");
	CHECK(!same_file(pa, pb), "the TIFF did not change with the dpi");

	remove_dir(a);
	remove_dir(b);
	remove_dir(c);
	remove_dir(d);
	free(a);
	free(b);
	free(c);
	free(d);
	if (test_failures) {
		fprintf(stderr, "%d check(s) failed\n", test_failures);
		return 1;
	}
	printf("determinism: all checks passed\n");
	return 0;
}
