/*
 * sohoa-sample-gen: writes sample scans of civil-status register books with their ground
 * truth. The command line names books (`--book birth --year 2019 --volume 01 ...`); options
 * before the first --book are defaults for every book. For each book it generates the content,
 * then renders, damages and stores one page at a time, appending the truth as it goes; the
 * truth, page list and manifest are written at the end. Exit codes: 0 done, 1 usage, 3 any
 * other error.
 */
#include <cairo.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "chromium.h"
#include "config.h"
#include "content.h"
#include "defects.h"
#include "hand.h"
#include "register/layout.h"
#include "register/refdata.h"
#include "render.h"
#include "rng.h"
#include "tiffout.h"
#include "truth.h"
#include "writers.h"

#define EXIT_USAGE 1
#define EXIT_ERROR 3
#define MAX_BOOKS 256
#define MAX_ROTATIONS 32
#define TRUTH_MAX ((size_t)1 << 30)

struct rotation_rule {
	int page;                   /* 1-based page of the file, 0 for every page */
	int degrees;
};

struct book_opts {
	const char *type;
	long year;
	const char *volume;
	const char *authority;
	long pages, dpi, blank_pages, rows;
	enum tiff_compression compression;
	enum tiff_color color;
	int color_set;
	unsigned defects;
	int skew_set;
	double skew;
	struct rotation_rule rotations[MAX_ROTATIONS];
	size_t nrotations;
	int tiled, no_resolution, anomalies;
	const struct hand *hand;
	struct writer_choice writers;   /* entries filled in by hand, by whom */
};

struct run {
	const char *out;
	uint64_t seed;
	int png;
	struct book_opts defaults;
	struct book_opts *books;
	size_t nbooks;
	struct so_refdata *rd;
	struct renderer *renderer;
	struct so_buf truth, pages, manifest;
};

enum {
	OPT_BOOK = 256, OPT_YEAR, OPT_VOLUME, OPT_AUTHORITY, OPT_PAGES, OPT_DPI, OPT_COMPRESSION,
	OPT_COLOR, OPT_DEFECTS, OPT_SKEW, OPT_ROTATE, OPT_BLANK, OPT_TILED, OPT_NO_RES, OPT_ROWS,
	OPT_ANOMALIES, OPT_OUT, OPT_SEED, OPT_PNG, OPT_HELP, OPT_VERSION, OPT_STYLE, OPT_STYLES,
	OPT_HANDWRITTEN, OPT_WRITER, OPT_WRITERS,
};

static const struct option long_options[] = {
	{ "out", required_argument, NULL, OPT_OUT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "anomalies", no_argument, NULL, OPT_ANOMALIES },
	{ "book", required_argument, NULL, OPT_BOOK },
	{ "year", required_argument, NULL, OPT_YEAR },
	{ "volume", required_argument, NULL, OPT_VOLUME },
	{ "authority", required_argument, NULL, OPT_AUTHORITY },
	{ "pages", required_argument, NULL, OPT_PAGES },
	{ "dpi", required_argument, NULL, OPT_DPI },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "defects", required_argument, NULL, OPT_DEFECTS },
	{ "skew", required_argument, NULL, OPT_SKEW },
	{ "rotate", required_argument, NULL, OPT_ROTATE },
	{ "blank-pages", required_argument, NULL, OPT_BLANK },
	{ "tiled", no_argument, NULL, OPT_TILED },
	{ "no-resolution", no_argument, NULL, OPT_NO_RES },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "style", required_argument, NULL, OPT_STYLE },
	{ "list-styles", no_argument, NULL, OPT_STYLES },
	{ "handwritten", required_argument, NULL, OPT_HANDWRITTEN },
	{ "writer", required_argument, NULL, OPT_WRITER },
	{ "list-writers", no_argument, NULL, OPT_WRITERS },
	{ "png", no_argument, NULL, OPT_PNG },   /* debugging: also write each page as PNG */
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: sohoa-sample-gen --out DIR [--seed N] [--anomalies] [BOOK OPTIONS] BOOK...\n"
	      "  BOOK: --book birth|marriage|death|parentage --year Y --volume V [BOOK OPTIONS]\n"
	      "  BOOK OPTIONS (before the first --book: defaults for every book):\n"
	      "    --authority CODE      registering commune (5 digits) of the unit list valid\n"
	      "                          for the year; drawn when absent\n"
	      "    --pages N             pages with a table (default 3)\n"
	      "    --blank-pages K       blank sheets inserted among them (default 0)\n"
	      "    --rows N              entry rows on every page (default: drawn per page)\n"
	      "    --dpi D               resolution, 72-600 (default 300)\n"
	      "    --compression C       g4, lzw, jpeg, deflate or none (default g4)\n"
	      "    --color C             gray, rgb or bilevel (default: bilevel for g4, else gray)\n"
	      "    --defects LIST        comma-separated: skew,speckle,blur,lowcontrast,yellow,\n"
	      "                          border (or none)\n"
	      "    --skew DEG            exact skew in degrees, -10..10 (implies skew)\n"
	      "    --rotate R[@P]        turn the page raster clockwise by 0, 90, 180 or 270;\n"
	      "                          @P: only page P (1-based, blank sheets counted)\n"
	      "    --tiled               tiled TIFF\n"
	      "    --no-resolution       omit the resolution tags\n"
	      "    --anomalies           plant the anomalies of the validation catalogue\n"
	      "    --style NAME          the style family the book is printed and written in\n"
	      "                          (default classic; --list-styles lists them)\n"
	      "    --handwritten SHARE   share of the entries filled in by hand, 0..1 (default 0)\n"
	      "    --writer W            who writes them: a writer, a comma-separated list,\n"
	      "                          mixed (all, the default) or tuned (all but the held-out\n"
	      "                          ones); --list-writers lists them\n"
	      "  --seed N                seed of every random choice (default 1)\n"
	      "Writes DIR/<type>-<year>-<volume>.tif, DIR/truth.jsonl, DIR/pages.jsonl and\n"
	      "DIR/manifest.ini. Exit codes: 0 done, 1 usage, 3 other errors.\n", f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("sohoa-sample-gen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs("try 'sohoa-sample-gen --help'\n", stderr);
	return EXIT_USAGE;
}

static void book_defaults(struct book_opts *b)
{
	memset(b, 0, sizeof(*b));
	b->pages = 3;
	b->dpi = 300;
	b->compression = TC_G4;
	b->color = COLOR_BILEVEL;
	b->hand = hand_default();
	writer_parse_set("mixed", &b->writers.set);
}

static int parse_number(const char *s, long min, long max, long *out, const char *what)
{
	if (so_parse_long(s, min, max, out) < 0) {
		fprintf(stderr, "sohoa-sample-gen: %s must be a whole number in %ld..%ld, not '%s'\n",
		        what, min, max, s);
		return -1;
	}
	return 0;
}

static int parse_skew(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < -10 || v > 10 || s[0] == ' ') {
		fprintf(stderr, "sohoa-sample-gen: --skew must be a number of degrees in -10..10, "
		        "not '%s'\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_share(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < 0 || v > 1 || s[0] == ' ') {
		fprintf(stderr, "sohoa-sample-gen: --handwritten must be a share in 0..1, not '%s'\n",
		        s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_defects(const char *s, unsigned *out)
{
	unsigned flags = 0;
	if (strcmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	while (*s) {
		size_t len = strcspn(s, ",");
		unsigned bit = defect_from_name(s, len);
		if (!bit) {
			fprintf(stderr, "sohoa-sample-gen: unknown defect '%.*s' (skew, speckle, blur, "
			        "lowcontrast, yellow, border)\n", (int)len, s);
			return -1;
		}
		flags |= bit;
		s += len;
		if (*s == ',' && !*++s) {
			fputs("sohoa-sample-gen: empty defect name in --defects\n", stderr);
			return -1;
		}
	}
	*out = flags;
	return 0;
}

static int parse_rotation(const char *s, struct book_opts *b)
{
	char deg[8];
	long r, page = 0;
	const char *at = strchr(s, '@');
	size_t len = at ? (size_t)(at - s) : strlen(s);
	if (len == 0 || len >= sizeof(deg))
		goto bad;
	memcpy(deg, s, len);
	deg[len] = 0;
	if (so_parse_long(deg, 0, 270, &r) < 0 || r % 90 != 0)
		goto bad;
	if (at && so_parse_long(at + 1, 1, 100000, &page) < 0)
		goto bad;
	if (b->nrotations == MAX_ROTATIONS) {
		fputs("sohoa-sample-gen: too many --rotate options for one book\n", stderr);
		return -1;
	}
	b->rotations[b->nrotations].page = (int)page;
	b->rotations[b->nrotations].degrees = (int)r;
	b->nrotations++;
	return 0;
bad:
	fprintf(stderr, "sohoa-sample-gen: --rotate takes 0, 90, 180 or 270, optionally @PAGE, "
	        "not '%s'\n", s);
	return -1;
}

static int parse_choice(const char *s, const char *const *names, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	fprintf(stderr, "sohoa-sample-gen: unknown %s '%s'\n", what, s);
	return -1;
}

static int valid_volume(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 16)
		return 0;
	for (; *v; v++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		      *v == '_'))
			return 0;
	return 1;
}

/* Checks a book's options once all are known. Returns 0, or EXIT_USAGE after a message. */
static int book_check(struct book_opts *b, size_t index)
{
	char where[32];
	snprintf(where, sizeof(where), "book %zu", index + 1);
	if (!b->type)
		return usage_error("%s: --book is missing", where);
	if (!b->year)
		return usage_error("%s: --year is missing", where);
	if (!b->volume)
		return usage_error("%s: --volume is missing", where);
	if (!valid_volume(b->volume))
		return usage_error("--volume must be 1-16 letters, digits or '_', not '%s'", b->volume);
	if (b->authority && (strlen(b->authority) != 5 ||
	                     strspn(b->authority, "0123456789") != 5))
		return usage_error("--authority must be a 5-digit commune code, not '%s'",
		                   b->authority);
	if (!b->color_set)
		b->color = b->compression == TC_G4 ? COLOR_BILEVEL : COLOR_GRAY;
	if (b->compression == TC_G4 && b->color != COLOR_BILEVEL)
		return usage_error("%s: g4 compression needs --color bilevel", where);
	if (b->compression == TC_JPEG && b->color == COLOR_BILEVEL)
		return usage_error("%s: jpeg compression needs --color gray or rgb", where);
	if (b->skew_set)
		b->defects |= DEFECT_SKEW;
	struct so_layout *l = NULL;
	if (so_layout_load(so_layout_default(b->type), &l) < 0) {
		fprintf(stderr, "sohoa-sample-gen: %s\n", so_errmsg());
		return EXIT_ERROR;
	}
	int bad_rows = b->rows && (b->rows < l->rows_min || b->rows > l->rows_max);
	char range[32];
	snprintf(range, sizeof(range), "%d..%d", l->rows_min, l->rows_max);
	so_layout_free(l);
	if (bad_rows)
		return usage_error("--rows must be within the layout's %s", range);
	return 0;
}

/* Checks that each book's authority is a commune of the list valid for its year. */
static int authorities_check(const struct run *run)
{
	for (size_t i = 0; i < run->nbooks; i++) {
		const struct book_opts *b = &run->books[i];
		const struct so_unit_list *l = b->year >= 2025 ? &run->rd->new_units : &run->rd->old_units;
		if (b->authority && so_unit_find_commune(l, b->authority) < 0) {
			fprintf(stderr, "sohoa-sample-gen: --authority '%s' is not a commune of the unit "
			        "list %s 2025-07-01 (book %zu)\n", b->authority,
			        b->year >= 2025 ? "from" : "before", i + 1);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Parses the command line into RUN. Returns -1 to go on, or the exit code. */
static int parse_args(struct run *run, int argc, char **argv)
{
	static const char *const types[] = { "birth", "marriage", "death", "parentage" };
	static const char *const compressions[] = { "g4", "lzw", "jpeg", "deflate", "none" };
	static const char *const colors[] = { "gray", "rgb", "bilevel" };
	struct book_opts *cur = &run->defaults;
	long v;
	int c;
	book_defaults(&run->defaults);
	run->seed = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("sohoa-sample-gen %s\n", SO_VERSION);
			return 0;
		case OPT_STYLES:
			for (size_t i = 0; i < hand_count(); i++)
				printf("%-11s %s: %s\n", hand_at(i)->name,
				       hand_at(i)->engine == ENGINE_CHROMIUM ? "chromium" : "cairo",
				       hand_at(i)->about);
			return 0;
		case OPT_WRITERS:
			for (size_t i = 0; i < writer_count(); i++) {
				const struct writer *w = writer_at(i);
				printf("%-8s %-24s marks %-9s slant %+.0f° wander %.1f mm%s: %s\n", w->name,
				       w->font, w->marks_native ? "native" : "pen-drawn", w->slant_deg,
				       w->wander_mm, w->held_out ? ", held out" : "", w->about);
			}
			return 0;
		case OPT_HANDWRITTEN:
			if (parse_share(optarg, &cur->writers.share) < 0)
				return EXIT_USAGE;
			break;
		case OPT_WRITER:
			if (writer_parse_set(optarg, &cur->writers.set) < 0)
				return EXIT_USAGE;
			break;
		case OPT_STYLE:
			if (!(cur->hand = hand_find(optarg)))
				return usage_error("unknown style '%s' (--list-styles lists them)", optarg);
			break;
		case OPT_OUT:
			run->out = optarg;
			break;
		case OPT_SEED:
			if (parse_number(optarg, 0, LONG_MAX, &v, "--seed") < 0)
				return EXIT_USAGE;
			run->seed = (uint64_t)v;
			break;
		case OPT_PNG:
			run->png = 1;
			break;
		case OPT_BOOK: {
			int t = parse_choice(optarg, types, SO_ARRAY_SIZE(types), "book type");
			if (t < 0)
				return EXIT_USAGE;
			if (run->nbooks == MAX_BOOKS)
				return usage_error("at most %s books at a time", "256");
			cur = &run->books[run->nbooks++];
			*cur = run->defaults;
			cur->type = types[t];
			break;
		}
		case OPT_YEAR:
			if (parse_number(optarg, CONTENT_YEAR_MIN, CONTENT_YEAR_MAX, &cur->year,
			                 "--year") < 0)
				return EXIT_USAGE;
			break;
		case OPT_VOLUME:
			cur->volume = optarg;
			break;
		case OPT_AUTHORITY:
			cur->authority = optarg;
			break;
		case OPT_PAGES:
			if (parse_number(optarg, 1, 500, &cur->pages, "--pages") < 0)
				return EXIT_USAGE;
			break;
		case OPT_BLANK:
			if (parse_number(optarg, 0, 100, &cur->blank_pages, "--blank-pages") < 0)
				return EXIT_USAGE;
			break;
		case OPT_ROWS:
			if (parse_number(optarg, 1, RENDER_MAX_ROWS, &cur->rows, "--rows") < 0)
				return EXIT_USAGE;
			break;
		case OPT_DPI:
			if (parse_number(optarg, 72, 600, &cur->dpi, "--dpi") < 0)
				return EXIT_USAGE;
			break;
		case OPT_COMPRESSION: {
			int k = parse_choice(optarg, compressions, SO_ARRAY_SIZE(compressions),
			                     "compression");
			if (k < 0)
				return EXIT_USAGE;
			cur->compression = (enum tiff_compression)k;
			break;
		}
		case OPT_COLOR: {
			int k = parse_choice(optarg, colors, SO_ARRAY_SIZE(colors), "color");
			if (k < 0)
				return EXIT_USAGE;
			cur->color = (enum tiff_color)k;
			cur->color_set = 1;
			break;
		}
		case OPT_DEFECTS:
			if (parse_defects(optarg, &cur->defects) < 0)
				return EXIT_USAGE;
			break;
		case OPT_SKEW:
			if (parse_skew(optarg, &cur->skew) < 0)
				return EXIT_USAGE;
			cur->skew_set = 1;
			break;
		case OPT_ROTATE:
			if (parse_rotation(optarg, cur) < 0)
				return EXIT_USAGE;
			break;
		case OPT_TILED:
			cur->tiled = 1;
			break;
		case OPT_NO_RES:
			cur->no_resolution = 1;
			break;
		case OPT_ANOMALIES:
			cur->anomalies = 1;
			break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!run->out)
		return usage_error("%s", "--out DIR is required");
	if (run->nbooks == 0)
		return usage_error("%s", "no --book given");
	for (size_t i = 0; i < run->nbooks; i++) {
		int rc = book_check(&run->books[i], i);
		if (rc)
			return rc;
		for (size_t k = 0; k < i; k++) {
			const struct book_opts *a = &run->books[k], *b = &run->books[i];
			char name[64];
			if (strcmp(a->type, b->type) != 0 || a->year != b->year ||
			    strcmp(a->volume, b->volume) != 0)
				continue;
			snprintf(name, sizeof(name), "%s-%ld-%s", b->type, b->year, b->volume);
			return usage_error("the book '%s' is given twice", name);
		}
	}
	return -1;
}

/* The rotation of 0-based file page I. */
static int page_rotation(const struct book_opts *b, size_t i)
{
	int r = 0;
	for (size_t k = 0; k < b->nrotations; k++)
		if (b->rotations[k].page == 0 || (size_t)b->rotations[k].page == i + 1)
			r = b->rotations[k].degrees;
	return r;
}

/* Debugging aid: the stored page as a PNG. */
static int write_png(const char *path, const struct raster *r, int bilevel)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, r->width, r->height);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return so_error("cannot create a png image for '%s'", path);
	}
	cairo_surface_flush(s);
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < r->height; y++) {
		uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
		const unsigned char *src = r->px + (size_t)y * (size_t)r->width * (size_t)r->channels;
		for (int x = 0; x < r->width; x++) {
			uint32_t R, G, B;
			if (r->channels == 3) {
				R = src[x * 3], G = src[x * 3 + 1], B = src[x * 3 + 2];
			} else {
				R = G = B = bilevel ? (src[x] < r->threshold ? 0 : 255) : src[x];
			}
			row[x] = (R << 16) | (G << 8) | B;
		}
	}
	cairo_surface_mark_dirty(s);
	cairo_status_t st = cairo_surface_write_to_png(s, path);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS)
		return so_error("cannot write '%s': %s", path, cairo_status_to_string(st));
	return 0;
}

/* One page: render (or a blank sheet), damage, store, and record its truth. */
static int make_page(struct run *run, const struct book_opts *bo, const struct book_ident *id,
                     const struct book_content *bc, const struct print_style *ps,
                     const char *html_dir, struct tiff_writer *tw, size_t index)
{
	const struct book_page *page = &bc->pages[index];
	struct ink ink = { 0 };
	struct raster raster = { 0 };
	struct page_geometry geo;
	struct rng r;
	char tag[200];
	int rc = -1;
	snprintf(tag, sizeof(tag), "page %s-%d-%s %zu", bo->type, (int)bo->year, bo->volume, index);
	rng_seed(&r, run->seed, tag);
	int dpi = (int)bo->dpi;
	unsigned flags = bo->defects;
	double skew = 0;
	if ((flags & DEFECT_SKEW) && !page->blank)
		skew = bo->skew_set ? bo->skew : rng_range(&r, -3, 3);
	const struct hand *hand = bo->hand;
	struct page_marks marks;
	memset(&marks, 0, sizeof(marks));
	if (!hand->classic && !page->blank) {
		char look[200];
		snprintf(look, sizeof(look), "look %s-%d-%s %zu", bo->type, (int)bo->year, bo->volume,
		         index);
		rng_seed(&marks.rng, run->seed, look);
		marks.seal = rng_chance(&marks.rng, hand->seal);
		marks.signature = rng_chance(&marks.rng, hand->signature);
	}
	if (page->blank) {
		flags &= ~(unsigned)DEFECT_SKEW;
		if (ink_blank(dpi, &ink) < 0)
			goto cleanup;
		geo.box[0] = dpi * 20 / 25.4;
		geo.box[1] = dpi * 12 / 25.4;
		geo.box[2] = ink.width - dpi * 20 / 25.4;
		geo.box[3] = ink.height - dpi * 14 / 25.4;
	} else {
		struct page_text text = { bc->layout->title, (int)bo->year, bo->volume,
		                          bc->authority_text };
		if (html_dir) {
			if (chromium_page(html_dir, index, dpi, skew, ps, &ink, &geo) < 0)
				goto cleanup;
		} else if (render_page(run->renderer, bc->layout, ps, &text, page, dpi, skew, &r, &ink,
		                       &geo) < 0) {
			goto cleanup;
		}
		if (!hand->classic && render_marks(&ink, &geo, &marks, ps, dpi, skew) < 0)
			goto cleanup;
	}
	if (defects_ink(&ink, flags, dpi, &r) < 0)
		goto cleanup;
	if (hand->classic) {
		if (defects_compose(&ink, flags, bo->color == COLOR_RGB ? 3 : 1, page->blank, geo.box,
		                    dpi, &r, &raster) < 0)
			goto cleanup;
	} else {
		double inkc[3], paper[3];
		print_style_colours(ps, inkc, paper);
		if (defects_compose_coloured(&ink, flags, bo->color == COLOR_RGB ? 3 : 1, page->blank,
		                             geo.box, dpi, &r, inkc, paper, &raster) < 0)
			goto cleanup;
	}
	ink_release(&ink);
	int rotation = page_rotation(bo, index);
	if (raster_rotate(&raster, rotation) < 0)
		goto cleanup;
	if (run->png) {
		char *png = so_asprintf("%s/%s-%d-%s-p%zu.png", run->out, bo->type, (int)bo->year,
		                        bo->volume, index);
		if (!png || write_png(png, &raster, bo->color == COLOR_BILEVEL) < 0) {
			free(png);
			goto cleanup;
		}
		free(png);
	}
	if (tiffout_page(tw, &raster) < 0)
		goto cleanup;

	struct page_record pr = {
		.page_index = index, .printed_number = page->blank ? 0 : page->printed_number,
		.dpi = dpi, .width = raster.width, .height = raster.height,
		.compression = tiff_compression_name(bo->compression),
		.color = tiff_color_name(bo->color), .bits = bo->color == COLOR_BILEVEL ? 1 : 8,
		.samples = bo->color == COLOR_RGB ? 3 : 1, .tiled = bo->tiled,
		.resolution = !bo->no_resolution, .skew_deg = skew, .rotation = rotation,
		.defects = flags, .blank = page->blank, .rows = page->blank ? 0 : page->rows,
		.entries = page->nentries, .geo = page->blank ? NULL : &geo,
		.index_row = ps->index == INDEX_FAINT ? "faint" : ps->index == INDEX_MISSING
		           ? "missing" : "present",
		.paper = ps->paper == PAPER_GREY ? "grey" : ps->paper == PAPER_YELLOWED ? "yellowed"
		       : "white",
		.ink = ps->ink == INK_BLUE ? "blue" : "black",
		.seal = marks.seal, .signature = marks.signature,
		.engine = hand->engine == ENGINE_CHROMIUM ? "chromium" : "cairo",
	};
	if (truth_page(&run->pages, id, &pr) < 0)
		goto cleanup;
	for (size_t i = 0; i < page->nentries; i++)
		if (truth_entry(&run->truth, id, bc->layout, &page->entries[i], index, i + 1) < 0)
			goto cleanup;
	rc = 0;
cleanup:
	ink_release(&ink);
	raster_release(&raster);
	return rc;
}

/* Removes what the HTML renderer wrote for a book of NPAGES pages, and its directory. */
static void remove_html_dir(const char *dir, size_t npages)
{
	char path[4096];
	for (size_t i = 0; i < npages; i++) {
		snprintf(path, sizeof(path), "%s/p%zu.png", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/p%zu.json", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/job.json", dir);
	unlink(path);
	rmdir(dir);
}

static int make_book(struct run *run, const struct book_opts *bo)
{
	struct so_layout *layout = NULL;
	struct book_content *bc = NULL;
	struct tiff_writer *tw = NULL;
	char *path = NULL, *file = NULL, *html_dir = NULL, tag[200];
	int rc = -1;
	double t0 = so_monotonic();
	const char *layout_name = so_layout_default(bo->type);
	if (!layout_name || so_layout_load(layout_name, &layout) < 0)
		goto cleanup;
	struct book_request req = {
		.type = bo->type, .year = (int)bo->year, .volume = bo->volume,
		.authority = bo->authority, .pages = (int)bo->pages,
		.blank_pages = (int)bo->blank_pages, .rows = (int)bo->rows, .anomalies = bo->anomalies,
		.hand = bo->hand,
	};
	bc = content_generate(&req, layout, run->rd, run->seed);
	if (!bc)
		goto cleanup;
	snprintf(tag, sizeof(tag), "writers %s-%d-%s", bo->type, (int)bo->year, bo->volume);
	if (writers_assign(bc, layout, &bo->writers, run->seed, tag) < 0)
		goto cleanup;
	struct print_style ps;
	struct rng r;
	snprintf(tag, sizeof(tag), "print %s-%d-%s", bo->type, (int)bo->year, bo->volume);
	rng_seed(&r, run->seed, tag);
	if (print_style_draw(run->renderer, layout, bo->hand, &r, &ps) < 0)
		goto cleanup;

	file = so_asprintf("%s-%d-%s.tif", bo->type, (int)bo->year, bo->volume);
	path = file ? so_asprintf("%s/%s", run->out, file) : NULL;
	if (!path)
		goto cleanup;
	struct tiff_options to = {
		.compression = bo->compression, .color = bo->color, .tiled = bo->tiled,
		.resolution = !bo->no_resolution, .dpi = (int)bo->dpi, .pages = (int)bc->npages,
	};
	tw = tiffout_open(path, &to);
	if (!tw)
		goto cleanup;
	struct book_ident id = { bo->type, (int)bo->year, bo->volume, bc->authority_code,
	                         layout->name, file, bo->hand->classic ? NULL : bo->hand->name,
	                         bo->writers.share > 0 };
	if (bo->hand->engine == ENGINE_CHROMIUM) {
		const char *tmp = getenv("TMPDIR");
		html_dir = so_asprintf("%s/sohoa-html-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!html_dir)
			goto cleanup;
		if (!mkdtemp(html_dir)) {
			so_error("cannot create a directory for the HTML pages: %s", strerror(errno));
			SO_FREE(html_dir);
			goto cleanup;
		}
		struct page_text text = { layout->title, (int)bo->year, bo->volume,
		                          bc->authority_text };
		if (chromium_render_book(html_dir, layout, &ps, &text, bc, (int)bo->dpi) < 0)
			goto cleanup;
	}
	for (size_t i = 0; i < bc->npages; i++)
		if (make_page(run, bo, &id, bc, &ps, html_dir, tw, i) < 0)
			goto cleanup;
	rc = tiffout_close(tw);
	tw = NULL;
	if (rc < 0 || truth_manifest_book(&run->manifest, &id) < 0) {
		rc = -1;
		goto cleanup;
	}
	printf("%s\t%zu pages\t%zu entries\n", file, bc->npages, bc->nentries);
	fprintf(stderr, "sohoa-sample-gen: wrote %s (%zu pages, %zu entries, %.2f s)\n", path,
	        bc->npages, bc->nentries, so_monotonic() - t0);
cleanup:
	if (rc < 0 && path)
		so_error_context("%s", path);
	tiffout_abort(tw);
	if (html_dir)
		remove_html_dir(html_dir, bc ? bc->npages : 0);
	free(html_dir);
	content_free(bc);
	so_layout_free(layout);
	free(path);
	free(file);
	return rc;
}

static int write_outputs(struct run *run)
{
	static const char *const names[] = { "truth.jsonl", "pages.jsonl", "manifest.ini" };
	struct so_buf *bufs[] = { &run->truth, &run->pages, &run->manifest };
	for (size_t i = 0; i < SO_ARRAY_SIZE(names); i++) {
		char *path = so_asprintf("%s/%s", run->out, names[i]);
		if (!path)
			return -1;
		int rc = so_write_file_atomic(path, bufs[i]->data ? bufs[i]->data : "", bufs[i]->len);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run run;
	int code = EXIT_ERROR;
	memset(&run, 0, sizeof(run));
	so_buf_init(&run.truth, TRUTH_MAX);
	so_buf_init(&run.pages, TRUTH_MAX);
	so_buf_init(&run.manifest, TRUTH_MAX);
	run.books = calloc(MAX_BOOKS, sizeof(*run.books));
	if (!run.books) {
		fputs("sohoa-sample-gen: out of memory\n", stderr);
		return EXIT_ERROR;
	}
	int rc = parse_args(&run, argc, argv);
	if (rc >= 0) {
		code = rc;
		goto done;
	}
	if (so_buf_adds(&run.manifest, "; books written by sohoa-sample-gen " SO_VERSION "\n\n") < 0)
		goto fail;
	if (so_mkdir_p(run.out, 0777) < 0)
		goto fail;
	run.rd = so_refdata_load();
	if (!run.rd)
		goto fail;
	if ((rc = authorities_check(&run)) != 0) {
		code = rc;
		goto done;
	}
	run.renderer = renderer_new();
	if (!run.renderer)
		goto fail;
	if (!renderer_has_handwriting(run.renderer))
		fputs("sohoa-sample-gen: warning: the handwriting font 'Dancing Script' is not "
		      "installed; pango will substitute one\n", stderr);
	for (size_t i = 0; i < run.nbooks; i++)
		if (run.books[i].writers.share > 0 &&
		    renderer_check_writers(run.renderer, run.books[i].writers.set) < 0)
			goto fail;
	for (size_t i = 0; i < run.nbooks; i++)
		if (make_book(&run, &run.books[i]) < 0)
			goto fail;
	if (write_outputs(&run) < 0)
		goto fail;
	code = 0;
	goto done;
fail:
	fprintf(stderr, "sohoa-sample-gen: %s\n", so_errmsg());
	code = EXIT_ERROR;
done:
	renderer_free(run.renderer);
	so_refdata_free(run.rd);
	so_buf_release(&run.truth);
	so_buf_release(&run.pages);
	so_buf_release(&run.manifest);
	free(run.books);
	return code;
}
