/*
 * The clerks' hands (see writers.h). A handwritten cell is laid out by pango in the writer's
 * font, then each line's outlines are taken as a cairo path and bent before they are inked:
 * the letters lean by the writer's slant, the baseline wanders along the line, letter size and
 * advance swell and shrink, and the pressure — the pen's added weight and the ink's density —
 * rises and falls along the text. The ink is the book's ink (the page's coverage image).
 */
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"
#include "content.h"
#include "register/layout.h"
#include "writers.h"

/* The fonts of the hands in Debian: only SetoFont (fonts-seto) carries every Vietnamese mark
 * among them; the others have only the accented letters of Western Europe (à, é, ô, ...).
 * Their pen adds the marks the font lacks (writer_spell); what is still missing (a letter
 * that is no Latin letter with marks) falls back per glyph to the next family of the list,
 * Andika (fonts-sil-andika), a plain hand-printed letter that covers Vietnamese. The last
 * writer is a pen of our own tracing the outlines of a hairline font. */
static const struct writer writers[] = {
	{
		.name = "seto", .font = "SetoFont", .package = "fonts-seto", .marks_native = 1,
		.pt = 11.5, .min_pt = 4.5, .slant_deg = 4, .slant_var = 3, .wander_mm = 0.6,
		.size_var = 0.08, .spacing_var = 0.10, .pressure = { 0.72, 1.0 }, .pen_mm = 0.10,
		.about = "a rounded, upright hand-printed hand (all Vietnamese marks in the font)",
	},
	{
		.name = "kristi", .font = "Kristi, Andika", .package = "fonts-kristi",
		.line = 0.85,
		.pt = 15, .min_pt = 4.5, .slant_deg = 6, .slant_var = 4, .wander_mm = 0.9,
		.size_var = 0.10, .spacing_var = 0.08, .pressure = { 0.65, 1.0 }, .pen_mm = 0.12,
		.mark_em = 0.05,
		.about = "a fast, tall, joined cursive leaning right",
	},
	{
		.name = "dkg", .font = "DkgHandwriting, Andika", .package = "fonts-dkg-handwriting",
		.line = 0.8,
		.pt = 11, .min_pt = 4.5, .slant_deg = -3, .slant_var = 3, .wander_mm = 0.7,
		.size_var = 0.12, .spacing_var = 0.12, .pressure = { 0.70, 1.0 }, .pen_mm = 0.08,
		.mark_em = 0.06,
		.about = "a small print hand leaning back a little",
	},
	{
		.name = "ecolier", .font = "Ecolier_court, Andika", .package = "fonts-ecolier-court",
		.pt = 13, .min_pt = 4.5, .slant_deg = 6, .slant_var = 3, .wander_mm = 0.8,
		.size_var = 0.10, .spacing_var = 0.10, .pressure = { 0.60, 0.95 }, .pen_mm = 0.12,
		.mark_em = 0.06,
		.about = "a school cursive, joined and round, as taught in primary school",
	},
	{
		.name = "breip", .font = "Breip, Andika", .package = "fonts-breip", .held_out = 1,
		.pt = 12, .min_pt = 4.5, .slant_deg = 2, .slant_var = 5, .wander_mm = 1.0,
		.size_var = 0.14, .spacing_var = 0.12, .pressure = { 0.55, 1.0 }, .pen_mm = 0.10,
		.mark_em = 0.06,
		.about = "an informal, irregular hand; never used to tune the detection",
	},
	{
		.name = "dancing", .font = "Dancing Script, Andika", .package = "fonts-dancingscript",
		.pt = 12.5, .min_pt = 4.5, .slant_deg = 3, .slant_var = 3, .wander_mm = 0.7,
		.size_var = 0.08, .spacing_var = 0.06, .pressure = { 0.70, 1.0 }, .pen_mm = 0.06,
		.mark_em = 0.06,
		.about = "a lively joined script (the font of the planted handwriting rows)",
	},
	{
		.name = "pen", .font = "DejaVu Sans Light", .package = "fonts-dejavu-extra",
		.marks_native = 1, .pen = 1,
		.pt = 10.5, .min_pt = 4.5, .slant_deg = 11, .slant_var = 4, .wander_mm = 0.8,
		.size_var = 0.16, .spacing_var = 0.18, .pressure = { 0.55, 1.0 }, .pen_mm = 0.2,
		.jitter_mm = 0.11,
		.about = "our own ballpoint: a hairline letter's outlines re-traced with a trembling "
		         "pen whose weight changes letter by letter",
	},
};

const struct writer *writer_find(const char *name)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(writers); i++)
		if (strcmp(writers[i].name, name) == 0)
			return &writers[i];
	return NULL;
}

const struct writer *writer_at(size_t i)
{
	return i < SO_ARRAY_SIZE(writers) ? &writers[i] : NULL;
}

size_t writer_count(void)
{
	return SO_ARRAY_SIZE(writers);
}

int writer_parse_set(const char *s, uint32_t *set)
{
	uint32_t out = 0;
	if (strcmp(s, "mixed") == 0 || strcmp(s, "tuned") == 0) {
		for (size_t i = 0; i < SO_ARRAY_SIZE(writers); i++)
			if (s[0] == 'm' || !writers[i].held_out)
				out |= 1u << i;
		*set = out;
		return 0;
	}
	while (*s) {
		size_t len = strcspn(s, ",");
		size_t i = 0;
		for (; i < SO_ARRAY_SIZE(writers); i++)
			if (strlen(writers[i].name) == len && strncmp(writers[i].name, s, len) == 0)
				break;
		if (i == SO_ARRAY_SIZE(writers)) {
			fprintf(stderr, "sohoa-sample-gen: unknown writer '%.*s' (--list-writers lists "
			        "them; or mixed, tuned)\n", (int)len, s);
			return -1;
		}
		out |= 1u << i;
		s += len;
		if (*s == ',' && !*++s) {
			fputs("sohoa-sample-gen: empty writer name in --writer\n", stderr);
			return -1;
		}
	}
	if (!out) {
		fputs("sohoa-sample-gen: --writer names no writer\n", stderr);
		return -1;
	}
	*set = out;
	return 0;
}

/* The layout column (0-based) that holds FIELD, or -1. */
static int column_of(const struct so_layout *l, const char *field)
{
	for (size_t i = 0; i < l->ncolumns; i++)
		if (l->columns[i].field && strcmp(l->columns[i].field, field) == 0)
			return (int)i;
	return -1;
}

/* The columns of E with ink in them. */
static uint64_t inked_columns(const struct entry *e)
{
	uint64_t cols = 0;
	for (size_t i = 0; i < e->ncells && i < 64; i++)
		if (e->cells[i][0])
			cols |= (uint64_t)1 << i;
	return cols;
}

int writers_assign(struct book_content *bc, const struct so_layout *layout,
                   const struct writer_choice *wc, uint64_t seed, const char *tag)
{
	size_t allowed[WRITERS_MAX], nallowed = 0;
	const struct writer *clerks[3];
	double clerk_slant[3], clerk_scale[3], clerk_ink[3];
	struct rng r;
	size_t n = bc->nentries;
	if (wc->share <= 0 || n == 0)
		return 0;
	rng_seed(&r, seed, tag);
	for (size_t i = 0; i < SO_ARRAY_SIZE(writers); i++)
		if (wc->set & (1u << i))
			allowed[nallowed++] = i;
	if (nallowed == 0)
		return so_error("no writer to fill the entries in by hand");
	/* the book's clerks: one to three, two most often */
	static const double nclerk_weights[3] = { 20, 45, 35 };
	size_t nclerks = 1 + rng_weighted(&r, nclerk_weights, 3);
	if (nclerks > nallowed)
		nclerks = nallowed;
	for (size_t i = 0; i < nclerks; i++) {
		size_t k = i + rng_below(&r, nallowed - i);
		size_t t = allowed[i];
		allowed[i] = allowed[k];
		allowed[k] = t;
		clerks[i] = &writers[allowed[i]];
		/* the clerk's own lean, size and pen in this book */
		clerk_slant[i] = clerks[i]->slant_deg + rng_range(&r, -clerks[i]->slant_var,
		                                                  clerks[i]->slant_var);
		clerk_scale[i] = rng_range(&r, 0.9, 1.08);
		clerk_ink[i] = rng_range(&r, 0.85, 1.0);
	}
	/* the book's habits: registration numbers stamped by a numbering machine; notes
	 * ("Đã cấp bản sao") stamped rather than written */
	int stamp_number = rng_chance(&r, 0.3);
	double stamp_notes = rng_chance(&r, 0.5) ? 0.6 : 0;
	int number_col = column_of(layout, "registration_number");
	int notes_col = column_of(layout, "notes");
	/* which entries: the planted handwriting rows count among them */
	size_t want = (size_t)lround(wc->share * (double)n), have = 0;
	size_t *order = so_calloc(n, sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t k = i + rng_below(&r, n - i), t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
	const struct writer *planted = writer_find("dancing");
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &bc->entries[i];
		if (e->handwritten) {
			e->writer = planted;
			e->hand_cols = inked_columns(e);
			have++;
		}
	}
	char *chosen = so_calloc(n, 1);
	if (!chosen) {
		free(order);
		return -1;
	}
	for (size_t i = 0; i < n && have < want; i++) {
		if (bc->entries[order[i]].handwritten)
			continue;
		chosen[order[i]] = 1;
		have++;
	}
	/* in book order: the clerk on duty changes now and then */
	size_t on_duty = rng_below(&r, nclerks);
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &bc->entries[i];
		if (!chosen[i])
			continue;
		if (rng_chance(&r, 0.25))
			on_duty = rng_below(&r, nclerks);
		e->writer = clerks[on_duty];
		e->hand_slant = clerk_slant[on_duty] + rng_range(&r, -1.5, 1.5);
		e->hand_scale = clerk_scale[on_duty] * rng_range(&r, 0.97, 1.03);
		e->hand_ink = clerk_ink[on_duty];
		e->hand_cols = inked_columns(e);
		if (stamp_number && number_col >= 0)
			e->hand_cols &= ~((uint64_t)1 << number_col);
		if (notes_col >= 0 && (size_t)notes_col < e->ncells &&
		    strcmp(e->cells[notes_col], "-") != 0 && rng_chance(&r, stamp_notes))
			e->hand_cols &= ~((uint64_t)1 << notes_col);
		e->hand_seed = rng_next(&r);
	}
	free(chosen);
	free(order);
	return 0;
}

/* ---- spelling: what the font has, and what the pen adds ---- */

static int mark_of(utf8proc_int32_t c)
{
	switch (c) {
	case 0x300: return MARK_GRAVE;
	case 0x301: return MARK_ACUTE;
	case 0x303: return MARK_TILDE;
	case 0x309: return MARK_HOOK;
	case 0x323: return MARK_DOT;
	case 0x302: return MARK_CIRCUMFLEX;
	case 0x306: return MARK_BREVE;
	case 0x31b: return MARK_HORN;
	default: return -1;
	}
}

#define ZWSP 0x200b

int writer_spell(const struct writer *w, void *pcv, const char *text, struct writer_text *out)
{
	PangoContext *pc = pcv;
	PangoFontDescription *fd = NULL;
	PangoFont *font = NULL;
	struct so_buf b = SO_BUF_INIT(1 << 16);
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (w->marks_native) {
		out->text = so_strdup(text);
		return out->text ? 0 : -1;
	}
	char family[64];
	snprintf(family, sizeof(family), "%.*s", (int)strcspn(w->font, ","), w->font);
	fd = pango_font_description_new();
	if (!fd) {
		so_error("out of memory");
		goto cleanup;
	}
	pango_font_description_set_family(fd, family);
	pango_font_description_set_size(fd, 10 * PANGO_SCALE);
	font = pango_context_load_font(pc, fd);
	if (!font) {
		so_error("cannot load the font '%s'", family);
		goto cleanup;
	}
	size_t len = strlen(text), cap = 0, nth = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	while (len > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &c);
		if (n <= 0) {
			so_error("text is not UTF-8");
			goto cleanup;
		}
		utf8proc_int32_t base = c, parts[8];
		struct pen_letter letter = { .nth = nth };
		if (c == 0x111 || c == 0x110) {
			base = c == 0x111 ? 'd' : 'D';
			letter.marks[letter.nmarks++] = MARK_BAR;
		} else if (!pango_font_has_char(font, (gunichar)c)) {
			utf8proc_int32_t bc = 0;
			utf8proc_ssize_t np = utf8proc_decompose_char(c, parts, 8, UTF8PROC_DECOMPOSE, &bc);
			int ok = np > 1 && np <= 1 + PEN_MARKS_MAX &&
			         pango_font_has_char(font, (gunichar)parts[0]);
			for (utf8proc_ssize_t k = 1; ok && k < np; k++)
				ok = mark_of(parts[k]) >= 0;
			if (ok) {
				base = parts[0];
				/* the circumflex comes with the letter when the font has â, ê, ô */
				for (utf8proc_ssize_t k = 1; k < np; k++) {
					int m = mark_of(parts[k]);
					utf8proc_int32_t with = 0;
					if (m == MARK_CIRCUMFLEX) {
						utf8proc_uint8_t pair[8], *composed = NULL;
						utf8proc_ssize_t l1 = utf8proc_encode_char(parts[0], pair);
						utf8proc_ssize_t l2 = utf8proc_encode_char(parts[k], pair + l1);
						if (utf8proc_map(pair, l1 + l2, &composed, UTF8PROC_COMPOSE) > 0)
							utf8proc_iterate(composed, -1, &with);
						free(composed);
						letter.circumflex = 1;
					}
					if (with && pango_font_has_char(font, (gunichar)with))
						base = with;
					else
						letter.marks[letter.nmarks++] = (unsigned char)m;
				}
			}
		}
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t el = utf8proc_encode_char(base, enc);
		if (so_buf_add(&b, enc, (size_t)el) < 0)
			goto cleanup;
		if (letter.nmarks) {
			if (out->nletters == cap) {
				cap = cap ? cap * 2 : 16;
				struct pen_letter *nl = realloc(out->letters, cap * sizeof(*nl));
				if (!nl) {
					so_error("out of memory");
					goto cleanup;
				}
				out->letters = nl;
			}
			out->letters[out->nletters++] = letter;
		}
		if (c != ZWSP)
			nth++;
		p += n;
		len -= (size_t)n;
	}
	out->text = so_buf_detach(&b, NULL);
	if (!out->text)
		goto cleanup;
	rc = 0;
cleanup:
	so_buf_release(&b);
	if (font)
		g_object_unref(font);
	if (fd)
		pango_font_description_free(fd);
	if (rc < 0)
		writer_text_free(out);
	return rc;
}

void writer_text_free(struct writer_text *t)
{
	free(t->text);
	free(t->letters);
	memset(t, 0, sizeof(*t));
}

/* ---- drawing ---- */

/* A smooth wave: the sum of a few sines of random phase. */
struct wave {
	double amp[3], freq[3], phase[3];
};

/* A wave of amplitude AMP (its sum stays within ±AMP) and wavelengths LO..HI pixels. */
static void wave_draw(struct wave *w, struct rng *r, double amp, double lo, double hi)
{
	static const double share[3] = { 0.55, 0.3, 0.15 };
	for (int i = 0; i < 3; i++) {
		w->amp[i] = amp * share[i];
		w->freq[i] = 2 * M_PI / rng_range(r, lo, hi) * (1 + i * 0.7);
		w->phase[i] = rng_range(r, 0, 2 * M_PI);
	}
}

static double wave_at(const struct wave *w, double u)
{
	double v = 0;
	for (int i = 0; i < 3; i++)
		v += w->amp[i] * sin(w->freq[i] * u + w->phase[i]);
	return v;
}

/* Its integral from 0 to U (for a displacement whose slope is the wave). */
static double wave_integral(const struct wave *w, double u)
{
	double v = 0;
	for (int i = 0; i < 3; i++)
		v += w->amp[i] / w->freq[i] * (cos(w->phase[i]) - cos(w->freq[i] * u + w->phase[i]));
	return v;
}

struct bend {
	double tan_slant;           /* x shift per pixel above the baseline */
	double drift;               /* baseline slope of the line */
	struct wave wander, bounce, size, spacing;
	struct wave lean;           /* the slant wavers letter by letter (radians) */
	struct wave tremor_x, tremor_y;   /* our own pen: the outlines wobble */
	int tremor;
};

static void bend_point(const struct bend *b, double *x, double *y)
{
	double u = *x, v = *y;                       /* v < 0 above the baseline */
	double tu = 0, tv = 0;
	if (b->tremor) {
		tu = wave_at(&b->tremor_x, u + 0.7 * v);
		tv = wave_at(&b->tremor_y, v - 0.5 * u);
	}
	v *= 1 + wave_at(&b->size, u);
	u += wave_integral(&b->spacing, u);
	u -= v * (b->tan_slant + wave_at(&b->lean, u));
	v += wave_at(&b->wander, u) + wave_at(&b->bounce, u) + u * b->drift;
	*x = u + tu;
	*y = v + tv;
}

static void bend_path(cairo_path_t *p, const struct bend *b)
{
	for (int i = 0; i < p->num_data; i += p->data[i].header.length) {
		cairo_path_data_t *d = &p->data[i];
		for (int k = 1; k < d->header.length; k++)
			bend_point(b, &p->data[i + k].point.x, &p->data[i + k].point.y);
	}
}

/* The pressure along a line: a walk within the writer's range, one step every 5 mm. */
struct pressure {
	double a[256];
	size_t n;
	double step;                /* pixels between steps */
};

static void pressure_draw(struct pressure *pr, const struct writer *w, double width,
                          double px_mm, struct rng *r)
{
	double lo = w->pressure[0], hi = w->pressure[1];
	double a = rng_range(r, lo, hi);
	pr->step = 5 * px_mm;
	pr->n = (size_t)fmin(255, ceil(fmax(width, 1) / pr->step)) + 1;
	for (size_t i = 0; i < pr->n; i++) {
		pr->a[i] = a;
		a += rng_range(r, -0.12, 0.12) * (hi - lo) * 2;
		a = fmin(hi, fmax(lo, a));
	}
}

static double pressure_at(const struct pressure *pr, double u)
{
	double t = fmax(0, u / pr->step);
	size_t i = (size_t)t;
	if (i + 1 >= pr->n)
		return pr->a[pr->n - 1];
	return pr->a[i] + (pr->a[i + 1] - pr->a[i]) * (t - (double)i);
}

/* A source whose alpha (the ink's density) follows the pressure along the line. */
static cairo_pattern_t *pressure_source(const struct pressure *pr)
{
	cairo_pattern_t *p = cairo_pattern_create_linear(0, 0, pr->step * (double)(pr->n - 1) + 1,
	                                                 0);
	for (size_t i = 0; i < pr->n; i++)
		cairo_pattern_add_color_stop_rgba(p, (double)i / (double)(pr->n > 1 ? pr->n - 1 : 1), 0,
		                                  0, 0, pr->a[i]);
	return p;
}

/* The ink box of the single letter TEXT (its first LEN bytes) in L's font: x from its origin,
 * y from its baseline (negative above), in pixels. */
static void letter_ink(PangoLayout *l, const char *text, int len, double box[4])
{
	PangoLayout *t = pango_layout_new(pango_layout_get_context(l));
	if (!t) {
		memset(box, 0, 4 * sizeof(double));
		return;
	}
	pango_layout_set_font_description(t, pango_layout_get_font_description(l));
	pango_layout_set_text(t, text, len);
	PangoRectangle ink;
	pango_layout_get_extents(t, &ink, NULL);
	double base = (double)pango_layout_get_baseline(t) / PANGO_SCALE;
	box[0] = (double)ink.x / PANGO_SCALE;
	box[1] = (double)ink.y / PANGO_SCALE - base;
	box[2] = box[0] + (double)ink.width / PANGO_SCALE;
	box[3] = box[1] + (double)ink.height / PANGO_SCALE;
	g_object_unref(t);
}

/* Adds to CR's path the pen marks of letter PL whose ink box (line coordinates) is BOX; EM is
 * the font size in pixels. */
static void add_marks(cairo_t *cr, const struct pen_letter *pl, const double box[4], double em,
                      int upper, struct rng *r)
{
	double cx = (box[0] + box[2]) / 2, top = box[1], right = box[2], left = box[0];
	double above = top - 0.07 * em;     /* the bottom of the next mark above */
	double j = 0.02 * em;
	for (size_t k = 0; k < pl->nmarks; k++) {
		double x = cx + rng_range(r, -j, j), y = above + rng_range(r, -j, j);
		/* a tone beside the circumflex, as Vietnamese hands put it */
		if (pl->circumflex && k == pl->nmarks - 1 && pl->marks[k] != MARK_DOT &&
		    pl->marks[k] != MARK_CIRCUMFLEX) {
			x += 0.1 * em;
			y += 0.05 * em;
		}
		switch (pl->marks[k]) {
		case MARK_ACUTE:
			cairo_move_to(cr, x - 0.04 * em, y);
			cairo_line_to(cr, x + 0.1 * em, y - 0.2 * em);
			above = y - 0.22 * em;
			break;
		case MARK_GRAVE:
			cairo_move_to(cr, x + 0.04 * em, y);
			cairo_line_to(cr, x - 0.1 * em, y - 0.2 * em);
			above = y - 0.22 * em;
			break;
		case MARK_TILDE:
			cairo_move_to(cr, x - 0.14 * em, y - 0.04 * em);
			cairo_curve_to(cr, x - 0.08 * em, y - 0.17 * em, x + 0.02 * em, y + 0.02 * em,
			               x + 0.14 * em, y - 0.12 * em);
			above = y - 0.18 * em;
			break;
		case MARK_HOOK:
			cairo_move_to(cr, x - 0.07 * em, y - 0.15 * em);
			cairo_curve_to(cr, x - 0.02 * em, y - 0.25 * em, x + 0.12 * em, y - 0.2 * em,
			               x + 0.01 * em, y - 0.09 * em);
			cairo_line_to(cr, x + 0.01 * em, y - 0.02 * em);
			above = y - 0.27 * em;
			break;
		case MARK_DOT: {
			double dy = 0.14 * em + rng_range(r, -j, j);
			cairo_move_to(cr, cx, dy);
			cairo_line_to(cr, cx + 0.01 * em, dy);
			break;
		}
		case MARK_CIRCUMFLEX:
			cairo_move_to(cr, x - 0.13 * em, y + 0.01 * em);
			cairo_line_to(cr, x, y - 0.13 * em);
			cairo_line_to(cr, x + 0.13 * em, y + 0.01 * em);
			above = y - 0.16 * em;
			break;
		case MARK_BREVE:
			cairo_move_to(cr, x - 0.13 * em, y - 0.13 * em);
			cairo_curve_to(cr, x - 0.1 * em, y + 0.02 * em, x + 0.1 * em, y + 0.02 * em,
			               x + 0.13 * em, y - 0.13 * em);
			above = y - 0.16 * em;
			break;
		case MARK_HORN:
			cairo_move_to(cr, right - 0.04 * em, top + 0.08 * em);
			cairo_curve_to(cr, right + 0.06 * em, top + 0.04 * em, right + 0.1 * em,
			               top - 0.02 * em, right + 0.08 * em, top - 0.12 * em);
			break;
		case MARK_BAR: {
			/* across the stem: d's on its right, D's on its left */
			double by = upper ? top * 0.5 : top * 0.72;
			double x0 = upper ? left - 0.08 * em : right - 0.3 * em;
			double x1 = upper ? left + 0.24 * em : right + 0.08 * em;
			cairo_move_to(cr, x0, by + rng_range(r, -j, j));
			cairo_line_to(cr, x1, by + rng_range(r, -j, j));
			break;
		}
		default:
			break;
		}
	}
}

/* The byte offset in TEXT of its NTH character, zero-width spaces not counted; -1 past the
 * end. *LEN gets the character's length. */
static long nth_char(const char *text, size_t nth, int *len)
{
	size_t k = 0;
	for (const char *p = text; *p;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
		if (n <= 0)
			return -1;
		if (c != ZWSP) {
			if (k == nth) {
				*len = (int)n;
				return (long)(p - text);
			}
			k++;
		}
		p += n;
	}
	return -1;
}

/* Strokes each contour of PATH (already bent) with its own weight and darkness: the pen's
 * WEIGHT and the ink's density (lifted by LIFT) follow the pressure where the contour lies. */
static void stroke_contours(cairo_t *cr, cairo_path_t *path, const struct pressure *pr,
                            double weight, double lift)
{
	int start = 0;
	while (start < path->num_data) {
		int end = start + path->data[start].header.length;
		while (end < path->num_data && path->data[end].header.type != CAIRO_PATH_MOVE_TO)
			end += path->data[end].header.length;
		cairo_path_t part = { CAIRO_STATUS_SUCCESS, path->data + start, end - start };
		double u = path->data[start].header.length > 1 ? path->data[start + 1].point.x : 0;
		double a = pressure_at(pr, u);
		cairo_new_path(cr);
		cairo_append_path(cr, &part);
		cairo_set_source_rgba(cr, 0, 0, 0, fmin(1, a + lift));
		cairo_set_line_width(cr, weight * (0.3 + 0.95 * a));
		cairo_stroke(cr);
		start = end;
	}
}

void writer_show(void *crv, void *layoutv, const struct writer *w, const struct writer_text *wt,
                 double slant_deg, double ink, double x, double y, int dpi, struct rng *r)
{
	cairo_t *cr = crv;
	PangoLayout *l = layoutv;
	double px_mm = dpi / 25.4;
	const char *text = pango_layout_get_text(l);
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	double em = fd ? (double)pango_font_description_get_size(fd) / PANGO_SCALE * dpi / 72.0
	               : 10 * px_mm;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	if (!it)
		return;
	double slant = slant_deg * M_PI / 180;
	double drift = rng_range(r, -0.6, 0.6) * M_PI / 180;
	int line_no = 0;
	cairo_save(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_tolerance(cr, 0.25);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		double width = (double)logical.width / PANGO_SCALE;
		struct bend b;
		memset(&b, 0, sizeof(b));
		b.tan_slant = tan(slant + rng_range(r, -1, 1) * M_PI / 180);
		b.drift = tan(drift + rng_range(r, -0.5, 0.5) * M_PI / 180);
		wave_draw(&b.wander, r, w->wander_mm * px_mm, 25 * px_mm, 70 * px_mm);
		wave_draw(&b.bounce, r, 0.25 * w->wander_mm * px_mm, 1.5 * px_mm, 4 * px_mm);
		wave_draw(&b.lean, r, (w->pen ? 7 : 3) * M_PI / 180, 1.8 * px_mm, 4.5 * px_mm);
		wave_draw(&b.size, r, w->size_var, 2.5 * px_mm, 6 * px_mm);
		wave_draw(&b.spacing, r, w->spacing_var, 3 * px_mm, 8 * px_mm);
		b.tremor = w->jitter_mm > 0;
		if (b.tremor) {
			wave_draw(&b.tremor_x, r, w->jitter_mm * px_mm, 0.8 * px_mm, 2.5 * px_mm);
			wave_draw(&b.tremor_y, r, w->jitter_mm * px_mm, 0.8 * px_mm, 2.5 * px_mm);
		}
		struct pressure pr;
		pressure_draw(&pr, w, width, px_mm, r);
		for (size_t k = 0; k < pr.n; k++)
			pr.a[k] *= ink;
		cairo_save(cr);
		cairo_translate(cr, x + (double)logical.x / PANGO_SCALE +
		                rng_range(r, -0.4, 0.4) * px_mm, y + base + rng_range(r, -0.3, 0.3) * px_mm);
		cairo_new_path(cr);
		cairo_move_to(cr, 0, 0);
		pango_cairo_layout_line_path(cr, line);
		cairo_path_t *path = cairo_copy_path(cr);
		cairo_new_path(cr);
		/* the pen's marks of the letters on this line, in the line's coordinates */
		for (size_t k = 0; wt && k < wt->nletters; k++) {
			int len = 0, ln = 0, xp = 0;
			long at = nth_char(text, wt->letters[k].nth, &len);
			if (at < 0)
				continue;
			pango_layout_index_to_line_x(l, (int)at, 0, &ln, &xp);
			if (ln != line_no)
				continue;
			double box[4];
			letter_ink(l, text + at, len, box);
			double ox = (double)xp / PANGO_SCALE;
			box[0] += ox;
			box[2] += ox;
			add_marks(cr, &wt->letters[k], box, em, text[at] >= 'A' && text[at] <= 'Z', r);
		}
		cairo_path_t *marks = cairo_copy_path(cr);
		cairo_new_path(cr);
		if (path && path->status == CAIRO_STATUS_SUCCESS) {
			bend_path(path, &b);
			if (w->pen) {
				/* our own pen: the hairline's outlines re-traced, weight by pressure */
				stroke_contours(cr, path, &pr, w->pen_mm * px_mm, 0.3);
			} else {
				cairo_append_path(cr, path);
				cairo_pattern_t *src = pressure_source(&pr);
				cairo_set_source(cr, src);
				cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
				cairo_fill(cr);
				cairo_pattern_destroy(src);
				/* the pen's weight around the letters, letter by letter (thin: bevel
				 * joins look the same and cost far less than round ones) */
				cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
				stroke_contours(cr, path, &pr, w->pen_mm * px_mm, 0);
				cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			}
		}
		if (marks && marks->status == CAIRO_STATUS_SUCCESS && marks->num_data > 0) {
			bend_path(marks, &b);
			cairo_new_path(cr);
			cairo_append_path(cr, marks);
			cairo_pattern_t *src = pressure_source(&pr);
			cairo_set_source(cr, src);
			cairo_set_line_width(cr, w->mark_em * em + w->pen_mm * px_mm);
			cairo_stroke(cr);
			cairo_pattern_destroy(src);
		}
		cairo_path_destroy(marks);
		cairo_path_destroy(path);
		cairo_restore(cr);
		line_no++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	cairo_restore(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
}
