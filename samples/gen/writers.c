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

#include "base/util.h"
#include "content.h"
#include "register/layout.h"
#include "writers.h"

/* The fonts of the hands in Debian: only SetoFont (fonts-seto) carries every Vietnamese mark
 * among them; the others lack the hook above, the dot below and the horn (and some every
 * accented letter), for which pango falls back per glyph to the next family of the list,
 * Andika (fonts-sil-andika), a plain hand-printed letter that covers Vietnamese. */
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
		.about = "a fast, tall, joined cursive leaning right",
	},
	{
		.name = "dkg", .font = "DkgHandwriting, Andika", .package = "fonts-dkg-handwriting",
		.line = 0.8,
		.pt = 11, .min_pt = 4.5, .slant_deg = -3, .slant_var = 3, .wander_mm = 0.7,
		.size_var = 0.12, .spacing_var = 0.12, .pressure = { 0.70, 1.0 }, .pen_mm = 0.08,
		.about = "a small print hand leaning back a little",
	},
	{
		.name = "femke", .font = "femkeklaver, Andika", .package = "fonts-femkeklaver",
		.pt = 11, .min_pt = 4.5, .slant_deg = 8, .slant_var = 3, .wander_mm = 0.8,
		.size_var = 0.10, .spacing_var = 0.10, .pressure = { 0.60, 0.95 }, .pen_mm = 0.14,
		.about = "a simple round print hand, heavy pen, leaning right",
	},
	{
		.name = "breip", .font = "Breip, Andika", .package = "fonts-breip", .held_out = 1,
		.pt = 12, .min_pt = 4.5, .slant_deg = 2, .slant_var = 5, .wander_mm = 1.0,
		.size_var = 0.14, .spacing_var = 0.12, .pressure = { 0.55, 1.0 }, .pen_mm = 0.10,
		.about = "an informal, irregular hand (held out: never used to tune the detection)",
	},
	{
		.name = "dancing", .font = "Dancing Script, Andika", .package = "fonts-dancingscript",
		.pt = 12.5, .min_pt = 4.5, .slant_deg = 3, .slant_var = 3, .wander_mm = 0.7,
		.size_var = 0.08, .spacing_var = 0.06, .pressure = { 0.70, 1.0 }, .pen_mm = 0.06,
		.about = "a lively joined script (the font of the planted handwriting rows)",
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

void writers_assign(struct book_content *bc, const struct so_layout *layout,
                    const struct writer_choice *wc, uint64_t seed, const char *tag)
{
	size_t allowed[WRITERS_MAX], nallowed = 0;
	const struct writer *clerks[3];
	struct rng r;
	size_t n = bc->nentries;
	if (wc->share <= 0 || n == 0)
		return;
	rng_seed(&r, seed, tag);
	for (size_t i = 0; i < SO_ARRAY_SIZE(writers); i++)
		if (wc->set & (1u << i))
			allowed[nallowed++] = i;
	if (nallowed == 0)
		return;
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
		return;
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
		return;
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
	struct wave wander, size, spacing;
};

static void bend_point(const struct bend *b, double *x, double *y)
{
	double u = *x, v = *y;                       /* v < 0 above the baseline */
	v *= 1 + wave_at(&b->size, u);
	u += wave_integral(&b->spacing, u);
	u -= v * b->tan_slant;
	v += wave_at(&b->wander, u) + u * b->drift;
	*x = u;
	*y = v;
}

static void bend_path(cairo_path_t *p, const struct bend *b)
{
	for (int i = 0; i < p->num_data; i += p->data[i].header.length) {
		cairo_path_data_t *d = &p->data[i];
		for (int k = 1; k < d->header.length; k++)
			bend_point(b, &p->data[i + k].point.x, &p->data[i + k].point.y);
	}
}

/* A source whose alpha (the ink's density) walks along the line within the writer's range. */
static cairo_pattern_t *pressure_source(const struct writer *w, double width, double px_mm,
                                        struct rng *r)
{
	cairo_pattern_t *p = cairo_pattern_create_linear(0, 0, fmax(width, 1), 0);
	double lo = w->pressure[0], hi = w->pressure[1];
	double a = rng_range(r, lo, hi);
	double step = 5 * px_mm / fmax(width, 1);
	for (double t = 0; t <= 1 + step; t += step) {
		cairo_pattern_add_color_stop_rgba(p, fmin(t, 1), 0, 0, 0, a);
		a += rng_range(r, -0.12, 0.12) * (hi - lo) * 2;
		a = fmin(hi, fmax(lo, a));
	}
	return p;
}

void writer_show(void *crv, void *layoutv, const struct writer *w, double x, double y, int dpi,
                 struct rng *r)
{
	cairo_t *cr = crv;
	PangoLayout *l = layoutv;
	double px_mm = dpi / 25.4;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	if (!it)
		return;
	double slant = (w->slant_deg + rng_range(r, -w->slant_var, w->slant_var)) * M_PI / 180;
	double drift = rng_range(r, -0.6, 0.6) * M_PI / 180;
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		double width = (double)logical.width / PANGO_SCALE;
		struct bend b;
		b.tan_slant = tan(slant + rng_range(r, -1, 1) * M_PI / 180);
		b.drift = tan(drift + rng_range(r, -0.5, 0.5) * M_PI / 180);
		wave_draw(&b.wander, r, w->wander_mm * px_mm, 25 * px_mm, 70 * px_mm);
		wave_draw(&b.size, r, w->size_var, 2.5 * px_mm, 6 * px_mm);
		wave_draw(&b.spacing, r, w->spacing_var, 3 * px_mm, 8 * px_mm);
		cairo_save(cr);
		cairo_translate(cr, x + (double)logical.x / PANGO_SCALE +
		                rng_range(r, -0.4, 0.4) * px_mm, y + base + rng_range(r, -0.3, 0.3) * px_mm);
		cairo_new_path(cr);
		cairo_move_to(cr, 0, 0);
		pango_cairo_layout_line_path(cr, line);
		cairo_path_t *path = cairo_copy_path(cr);
		cairo_new_path(cr);
		if (path && path->status == CAIRO_STATUS_SUCCESS) {
			bend_path(path, &b);
			cairo_append_path(cr, path);
			cairo_pattern_t *src = pressure_source(w, width, px_mm, r);
			cairo_set_source(cr, src);
			cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
			cairo_fill_preserve(cr);
			cairo_set_line_width(cr, w->pen_mm * px_mm);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_stroke(cr);
			cairo_pattern_destroy(src);
		}
		cairo_path_destroy(path);
		cairo_restore(cr);
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
}
