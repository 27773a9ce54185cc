/*
 * whiteout: paints boxes of the first page of a TIFF white, as correction fluid or a faded
 * printing would leave them — for tests that need a page with part of its print gone (an index
 * row that cannot be read, a table with no rules). The page keeps its size, depth and
 * resolution; a bilevel page is written back as CCITT G4, another as deflate.
 *
 *   whiteout IN.tif OUT.tif X0 Y0 X1 Y1 [X0 Y0 X1 Y1 ...]     (pixels, X1 and Y1 excluded)
 *
 * Exit codes: 0 written, 1 usage, 2 the page cannot be read or written.
 */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>

static int usage(void)
{
	fputs("usage: whiteout IN.tif OUT.tif X0 Y0 X1 Y1 [X0 Y0 X1 Y1 ...]\n", stderr);
	return 1;
}

/* A coordinate, strictly: digits only, at most 100000. 0, or -1. */
static int coordinate(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 7 || (argc - 3) % 4 != 0)
		return usage();
	setLeptDebugOK(0);
	PIX *pix = pixRead(argv[1]);
	if (!pix || pixGetColormap(pix)) {
		fprintf(stderr, "whiteout: cannot read '%s' (or it has a colour map)\n", argv[1]);
		pixDestroy(&pix);
		return 2;
	}
	int depth = pixGetDepth(pix);
	for (int i = 3; i < argc; i += 4) {
		int x0, y0, x1, y1;
		if (coordinate(argv[i], &x0) < 0 || coordinate(argv[i + 1], &y0) < 0 ||
		    coordinate(argv[i + 2], &x1) < 0 || coordinate(argv[i + 3], &y1) < 0 ||
		    x1 <= x0 || y1 <= y0) {
			pixDestroy(&pix);
			return usage();
		}
		BOX *b = boxCreate(x0, y0, x1 - x0, y1 - y0);
		/* white is 0 on a bilevel page, all ones on grey and colour */
		int rc = !b ? 1 : depth == 1 ? pixClearInRect(pix, b) : pixSetInRect(pix, b);
		boxDestroy(&b);
		if (rc) {
			fprintf(stderr, "whiteout: cannot paint a box\n");
			pixDestroy(&pix);
			return 2;
		}
	}
	int rc = pixWriteTiff(argv[2], pix, depth == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP, "w");
	pixDestroy(&pix);
	if (rc) {
		fprintf(stderr, "whiteout: cannot write '%s'\n", argv[2]);
		return 2;
	}
	return 0;
}
