/*
 * Page drawing with cairo and pango (see render.h). Everything is drawn in pixels onto an A8
 * surface (ink coverage); pango's resolution is the page dpi so point sizes come out true.
 * Hinting is off, so text metrics do not depend on the skew. The handwritten row is drawn line
 * by line with a little jitter; the smudged cell gets its text smeared and an ink blot.
 */
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "render.h"
#include "writers.h"

#define HANDWRITING_FONT "Dancing Script"
#define ENTRY_MIN_PT 6.5
#define HEADER_PT 9.5
#define PAD_X_MM 1.2
#define PAD_Y_MM 1.0

static const char *const print_fonts[] = { "Noto Serif", "Noto Sans", "DejaVu Serif",
                                           "DejaVu Sans" };

struct renderer {
	PangoFontMap *fontmap;
	const char *fonts[SO_ARRAY_SIZE(print_fonts)];
	size_t nfonts;
	int handwriting;
};

/* What one page's drawing needs at hand. */
struct page_draw {
	cairo_t *cr;
	PangoContext *pc;
	int dpi;
	const char *font;
	double letter_spacing_px, line_spacing;   /* 0: the font's own */
	const struct print_style *ps;
};

static double mm_px(int dpi, double mm)
{
	return mm * dpi / 25.4;
}

void page_pixels(int dpi, int *width, int *height)
{
	*width = (int)lround(mm_px(dpi, PAGE_WIDTH_MM));
	*height = (int)lround(mm_px(dpi, PAGE_HEIGHT_MM));
}

/* 1 when fontconfig resolves FAMILY to itself rather than to a substitute ("DejaVu Sans
 * Condensed" is described as "DejaVu Sans", condensed; "DejaVu Sans Light" as "DejaVu Sans",
 * light). */
static int font_installed(PangoFontMap *fm, PangoContext *pc, const char *family)
{
	PangoFontDescription *d = pango_font_description_new();
	int ok = 0;
	if (!d)
		return 0;
	pango_font_description_set_family(d, family);
	pango_font_description_set_size(d, 10 * PANGO_SCALE);
	PangoFont *f = pango_font_map_load_font(fm, pc, d);
	if (f) {
		PangoFontDescription *got = pango_font_describe(f);
		const char *name = got ? pango_font_description_get_family(got) : NULL;
		ok = name && (strcasecmp(name, family) == 0 ||
		              (strncasecmp(name, family, strlen(name)) == 0 &&
		               strcasecmp(family + strlen(name), " Condensed") == 0 &&
		               pango_font_description_get_stretch(got) < PANGO_STRETCH_NORMAL) ||
		              (strncasecmp(name, family, strlen(name)) == 0 &&
		               strcasecmp(family + strlen(name), " Light") == 0 &&
		               pango_font_description_get_weight(got) < PANGO_WEIGHT_NORMAL));
		if (got)
			pango_font_description_free(got);
		g_object_unref(f);
	}
	pango_font_description_free(d);
	return ok;
}

struct renderer *renderer_new(void)
{
	struct renderer *r = so_calloc(1, sizeof(*r));
	PangoContext *pc = NULL;
	if (!r)
		return NULL;
	r->fontmap = pango_cairo_font_map_new();
	if (!r->fontmap) {
		so_error("cannot create the pango font map");
		goto error;
	}
	pc = pango_font_map_create_context(r->fontmap);
	if (!pc) {
		so_error("cannot create a pango context");
		goto error;
	}
	for (size_t i = 0; i < SO_ARRAY_SIZE(print_fonts); i++)
		if (font_installed(r->fontmap, pc, print_fonts[i]))
			r->fonts[r->nfonts++] = print_fonts[i];
	r->handwriting = font_installed(r->fontmap, pc, HANDWRITING_FONT);
	g_object_unref(pc);
	if (r->nfonts == 0) {
		so_error("none of the print fonts is installed (Noto Serif, Noto Sans, DejaVu Serif, "
		         "DejaVu Sans)");
		goto error;
	}
	return r;
error:
	renderer_free(r);
	return NULL;
}

void renderer_free(struct renderer *r)
{
	if (!r)
		return;
	if (r->fontmap)
		g_object_unref(r->fontmap);
	free(r);
}

size_t renderer_fonts(struct renderer *r, const char **fonts, size_t max)
{
	size_t n = r->nfonts < max ? r->nfonts : max;
	for (size_t i = 0; i < n; i++)
		fonts[i] = r->fonts[i];
	return n;
}

int renderer_has_handwriting(struct renderer *r)
{
	return r->handwriting;
}

int renderer_check_writers(struct renderer *r, uint32_t set)
{
	PangoContext *pc = pango_font_map_create_context(r->fontmap);
	int rc = 0;
	if (!pc)
		return so_error("cannot create a pango context");
	for (size_t i = 0; i < writer_count() && rc == 0; i++) {
		const struct writer *w = writer_at(i);
		char family[64];
		if (!(set & (1u << i)))
			continue;
		snprintf(family, sizeof(family), "%.*s", (int)strcspn(w->font, ","), w->font);
		if (!font_installed(r->fontmap, pc, family))
			rc = so_error("the font '%s' of the writer '%s' is not installed (package %s; "
			              "tests/deps installs it)", family, w->name, w->package);
	}
	g_object_unref(pc);
	return rc;
}

/* Other wordings of the column titles, as other printings have them. */
static const struct { const char *title; const char *other[3]; } title_variants[] = {
	{ "Số", { "Số TT", "Số đăng ký", "Số thứ tự" } },
	{ "Ngày, tháng, năm đăng ký", { "Ngày đăng ký", "Ngày tháng năm đăng ký",
	                                "Ngày, tháng, năm ĐK" } },
	{ "Họ, chữ đệm, tên", { "Họ và tên", "Họ tên người được khai sinh", "Họ và tên con" } },
	{ "Họ, chữ đệm, tên chồng", { "Họ và tên chồng", "Họ tên chồng", NULL } },
	{ "Họ, chữ đệm, tên vợ", { "Họ và tên vợ", "Họ tên vợ", NULL } },
	{ "Họ, chữ đệm, tên người chết", { "Họ và tên người chết", "Họ tên người đã chết",
	                                   NULL } },
	{ "Ngày, tháng, năm sinh", { "Ngày sinh", "Ngày tháng năm sinh", NULL } },
	{ "Giới tính", { "Nam, nữ", "Giới", NULL } },
	{ "Quê quán", { "Nguyên quán", NULL, NULL } },
	{ "Số định danh cá nhân", { "Số ĐDCN", "Mã số định danh", NULL } },
	{ "Người mẹ", { "Họ tên mẹ", "Thông tin về mẹ", NULL } },
	{ "Người cha", { "Họ tên cha", "Thông tin về cha", NULL } },
	{ "Người đi đăng ký", { "Người đi khai", "Người đăng ký", NULL } },
	{ "Ghi chú", { "Chú thích", NULL, NULL } },
	{ "Nơi cư trú", { "Nơi thường trú", NULL, NULL } },
	{ "Nơi cư trú cuối cùng", { "Nơi thường trú cuối cùng", NULL, NULL } },
	{ "Giấy tờ tùy thân", { "Giấy tờ tuỳ thân", "Giấy CMND/CCCD", NULL } },
	{ "Thời điểm chết", { "Giờ, ngày chết", NULL, NULL } },
	{ "Nguyên nhân chết", { "Nguyên nhân", NULL, NULL } },
	{ "Giấy báo tử", { "Giấy báo tử (số, ngày, nơi cấp)", NULL, NULL } },
	{ "Người nhận cha, mẹ, con", { "Người nhận", NULL, NULL } },
	{ "Người được nhận là cha, mẹ, con", { "Người được nhận", NULL, NULL } },
	{ "Quan hệ", { "Quan hệ nhận", NULL, NULL } },
};

static const char *title_draw(const char *title, const struct hand *h, struct rng *r)
{
	if (!rng_chance(r, h->header_variant))
		return title;
	for (size_t i = 0; i < SO_ARRAY_SIZE(title_variants); i++) {
		if (strcmp(title_variants[i].title, title) != 0)
			continue;
		size_t n = 0;
		while (n < 3 && title_variants[i].other[n])
			n++;
		return title_variants[i].other[rng_below(r, n)];
	}
	return title;
}

int print_style_draw(struct renderer *rr, const struct so_layout *layout, const struct hand *hand,
                     struct rng *r, struct print_style *ps)
{
	const char *fonts[HAND_FONTS_MAX];
	size_t nfonts = 0;
	memset(ps, 0, sizeof(*ps));
	if (!hand)
		hand = hand_default();
	if (hand->classic) {
		ps->font = rr->fonts[rng_below(r, rr->nfonts)];
	} else {
		PangoContext *pc = pango_font_map_create_context(rr->fontmap);
		if (!pc)
			return so_error("cannot create a pango context");
		for (size_t i = 0; i < HAND_FONTS_MAX && hand->fonts[i]; i++)
			if (hand->engine == ENGINE_CHROMIUM ||
			    font_installed(rr->fontmap, pc, hand->fonts[i]))
				fonts[nfonts++] = hand->fonts[i];
		g_object_unref(pc);
		if (nfonts == 0)
			return so_error("none of the fonts of the style '%s' is installed (%s%s%s; "
			                "tests/deps installs them)", hand->name, hand->fonts[0],
			                hand->fonts[1] ? ", " : "", hand->fonts[1] ? hand->fonts[1] : "");
		ps->font = fonts[rng_below(r, nfonts)];
	}
	double total = 0, jitter = hand->classic ? 0.03 : hand->width_jitter;
	size_t n = layout->ncolumns < RENDER_MAX_COLUMNS ? layout->ncolumns : RENDER_MAX_COLUMNS;
	for (size_t i = 0; i < n; i++) {
		ps->widths[i] = layout->columns[i].width * (1.0 + rng_range(r, -jitter, jitter));
		total += ps->widths[i];
	}
	for (size_t i = 0; i < n; i++)
		ps->widths[i] /= total;
	ps->left_mm = 22 + rng_range(r, -2, 2);
	ps->right_mm = 22 + rng_range(r, -2, 2);
	ps->top_mm = 12 + rng_range(r, -1.5, 1.5);
	ps->bottom_mm = 16 + rng_range(r, -1.5, 1.5);
	ps->hand = hand;
	ps->entry_pt = hand->entry_pt;
	ps->letter_spacing_pt = hand->letter_spacing;
	ps->line_spacing = hand->line_spacing;
	for (size_t i = 0; i < n; i++)
		ps->titles[i] = layout->columns[i].title;
	if (hand->classic)
		return 0;
	for (size_t i = 0; i < n; i++)
		ps->titles[i] = title_draw(layout->columns[i].title, hand, r);
	ps->band_form = rng_chance(r, hand->header_variant) ? rng_int(r, 1, 3) : 0;
	ps->index = (enum index_mode)rng_weighted(r, hand->index, INDEX_COUNT);
	ps->paper = (enum paper_kind)rng_weighted(r, hand->paper, PAPER_COUNT);
	ps->ink = (enum ink_kind)rng_weighted(r, hand->ink, INK_COUNT);
	return 0;
}

void print_style_colours(const struct print_style *ps, double ink[3], double paper[3])
{
	static const double inks[INK_COUNT][3] = { { 18, 19, 26 }, { 28, 44, 138 } };
	static const double papers[PAPER_COUNT][3] = { { 247, 247, 246 }, { 214, 213, 209 },
	                                               { 240, 228, 196 } };
	for (int c = 0; c < 3; c++) {
		ink[c] = inks[ps->ink][c];
		paper[c] = papers[ps->paper][c];
	}
}

void band_line(const struct print_style *ps, const struct page_text *t, char *out, size_t len)
{
	switch (ps->band_form) {
	case 1:
		snprintf(out, len, "Quyển số: %s - Năm %d", t->volume, t->year);
		break;
	case 2:
		snprintf(out, len, "Năm: %d     Quyển số %s", t->year, t->volume);
		break;
	case 3:
		snprintf(out, len, "Quyển %s / %d", t->volume, t->year);
		break;
	default:
		snprintf(out, len, "Năm %d - Quyển số: %s", t->year, t->volume);
		break;
	}
}

/* A layout of TEXT in FAMILY at PT points, wrapped to WIDTH pixels (no wrapping when <= 0). */
static PangoLayout *text_layout(struct page_draw *d, const char *family, double pt, int bold,
                                const char *text, double width, PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(d->pc);
	PangoFontDescription *fd = pango_font_description_new();
	if (!l || !fd) {
		if (l)
			g_object_unref(l);
		if (fd)
			pango_font_description_free(fd);
		so_error("out of memory");
		return NULL;
	}
	pango_font_description_set_family(fd, family);
	pango_font_description_set_size(fd, (int)lround(pt * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align);
	if (d->letter_spacing_px != 0) {
		PangoAttrList *attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(
			(int)lround(d->letter_spacing_px * PANGO_SCALE)));
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
	}
	if (d->line_spacing > 0)
		pango_layout_set_line_spacing(l, (float)d->line_spacing);
	pango_layout_set_text(l, text, -1);
	return l;
}

static void layout_size(PangoLayout *l, double *w, double *h)
{
	int iw, ih;
	pango_layout_get_size(l, &iw, &ih);
	*w = (double)iw / PANGO_SCALE;
	*h = (double)ih / PANGO_SCALE;
}

#define ZWSP "\xe2\x80\x8b"   /* zero-width space: a break opportunity, invisible */

/* The width of the widest word of TEXT at PT points: words are split at spaces and at
 * zero-width spaces, and pango never has to break inside one. */
static int widest_word(struct page_draw *d, const char *family, double pt, int bold,
                       const char *text, double *width)
{
	char *words = so_strdup(text);
	if (!words)
		return -1;
	char *o = words;
	for (const char *p = text; *p;) {
		if (*p == ' ') {
			*o++ = '\n';
			p++;
		} else if (strncmp(p, ZWSP, 3) == 0) {
			*o++ = '\n';
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	PangoLayout *l = text_layout(d, family, pt, bold, words, 0, PANGO_ALIGN_LEFT);
	free(words);
	if (!l)
		return -1;
	double h;
	layout_size(l, width, &h);
	g_object_unref(l);
	return 0;
}

/* TEXT with a zero-width space after each '/' that precedes a digit ("115/1991"), so that a
 * number too wide for its cell breaks at the slash rather than inside a group of digits. */
static char *slash_breaks(const char *text)
{
	struct so_buf b = SO_BUF_INIT(1 << 16);
	for (const char *p = text; *p; p++) {
		if (so_buf_add(&b, p, 1) < 0)
			goto error;
		if (*p == '/' && p[1] >= '0' && p[1] <= '9' && so_buf_adds(&b, ZWSP) < 0)
			goto error;
	}
	return so_buf_detach(&b, NULL);
error:
	so_buf_release(&b);
	return NULL;
}

/* A layout of TEXT wrapped to W that fits H, shrunk from PT towards MIN_PT when needed. A word
 * that is too wide even at MIN_PT may break after a slash. */
static PangoLayout *fit_layout(struct page_draw *d, const char *family, int bold, const char *text,
                               double w, double h, double pt, double min_pt, PangoAlignment align)
{
	PangoLayout *l = NULL;
	char *broken = NULL;
	double word;
	if (widest_word(d, family, pt, bold, text, &word) < 0)
		return NULL;
	if (word * min_pt / pt > w && strchr(text, '/')) {
		broken = slash_breaks(text);
		if (!broken || widest_word(d, family, pt, bold, broken, &word) < 0)
			goto done;
		text = broken;
	}
	for (double size = pt;; size -= 0.5) {
		l = text_layout(d, family, size, bold, text, w, align);
		if (!l)
			goto done;
		double lw, lh;
		layout_size(l, &lw, &lh);
		if ((lh <= h && word * size / pt <= w) || size - 0.5 < min_pt)
			goto done;
		g_object_unref(l);
		l = NULL;
	}
done:
	free(broken);
	return l;
}

static int show_text(struct page_draw *d, const char *family, double pt, int bold,
                     const char *text, double x, double y, double anchor)
{
	PangoLayout *l = text_layout(d, family, pt, bold, text, 0, PANGO_ALIGN_LEFT);
	if (!l)
		return -1;
	double w, h;
	layout_size(l, &w, &h);
	cairo_move_to(d->cr, x - anchor * w, y);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	return 0;
}

/* Smears L's text sideways and drops an irregular ink blot over it. */
static void smudge(struct page_draw *d, PangoLayout *l, double x, double y, struct rng *r)
{
	cairo_t *cr = d->cr;
	double w, h;
	layout_size(l, &w, &h);
	double dx = mm_px(d->dpi, rng_range(r, 0.4, 0.8)), dy = mm_px(d->dpi, rng_range(r, -0.2, 0.3));
	for (int k = 1; k <= 4; k++) {
		cairo_push_group(cr);
		cairo_move_to(cr, x + k * dx, y + k * dy);
		pango_cairo_show_layout(cr, l);
		cairo_pop_group_to_source(cr);
		cairo_paint_with_alpha(cr, 0.45 - 0.07 * k);
	}
	double cx = x + w * rng_range(r, 0.4, 0.6), cy = y + h * rng_range(r, 0.4, 0.6);
	double rx = fmax(w * 0.6, mm_px(d->dpi, 7)), ry = fmax(h * 0.7, mm_px(d->dpi, 4.5));
	double p1 = rng_range(r, 0, 2 * M_PI), p2 = rng_range(r, 0, 2 * M_PI);
	const int n = 36;
	double px[36], py[36];
	for (int k = 0; k < n; k++) {
		double t = 2 * M_PI * k / n;
		double f = 0.82 + 0.12 * sin(3 * t + p1) + 0.08 * sin(7 * t + p2) +
		           rng_range(r, -0.05, 0.05);
		px[k] = cx + rx * f * cos(t);
		py[k] = cy + ry * f * sin(t);
	}
	/* a smooth closed curve through the midpoints */
	cairo_new_path(cr);
	cairo_move_to(cr, (px[n - 1] + px[0]) / 2, (py[n - 1] + py[0]) / 2);
	for (int k = 0; k < n; k++) {
		int j = (k + 1) % n;
		double mx = (px[k] + px[j]) / 2, my = (py[k] + py[j]) / 2;
		cairo_curve_to(cr, px[k], py[k], px[k], py[k], mx, my);
	}
	cairo_close_path(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.9);
	cairo_fill(cr);
	/* the smear trailing off to one side, and a few drops */
	double dir = rng_chance(r, 0.5) ? 1 : -1;
	for (int k = 1; k <= 5; k++) {
		cairo_save(cr);
		cairo_translate(cr, cx + dir * rx * 0.35 * k, cy + ry * 0.05 * k);
		cairo_scale(cr, rx * (0.8 - 0.1 * k), ry * (0.7 - 0.1 * k));
		cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
		cairo_restore(cr);
		cairo_set_source_rgba(cr, 0, 0, 0, 0.45 - 0.07 * k);
		cairo_fill(cr);
	}
	int drops = rng_int(r, 4, 10);
	for (int k = 0; k < drops; k++) {
		double t = rng_range(r, 0, 2 * M_PI), dist = rng_range(r, 1.0, 1.5);
		cairo_arc(cr, cx + rx * dist * cos(t), cy + ry * dist * sin(t),
		          mm_px(d->dpi, rng_range(r, 0.2, 0.8)), 0, 2 * M_PI);
		cairo_set_source_rgba(cr, 0, 0, 0, 0.85);
		cairo_fill(cr);
	}
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
}

/* The height the header row needs for the column titles. */
static int header_height(struct page_draw *d, const struct so_layout *layout,
                         const double *col_x, double *height)
{
	double pad_x = mm_px(d->dpi, PAD_X_MM), need = mm_px(d->dpi, 12);
	for (size_t i = 0; i < layout->ncolumns; i++) {
		double w = col_x[i + 1] - col_x[i] - 2 * pad_x;
		PangoLayout *l = fit_layout(d, d->font, 1, d->ps->titles[i], w, 1e9, HEADER_PT,
		                            HEADER_PT, PANGO_ALIGN_CENTER);
		if (!l)
			return -1;
		double lw, lh;
		layout_size(l, &lw, &lh);
		g_object_unref(l);
		if (lh + mm_px(d->dpi, 4) > need)
			need = lh + mm_px(d->dpi, 4);
	}
	*height = need;
	return 0;
}

static int draw_band(struct page_draw *d, const struct page_text *t, const struct book_page *page,
                     double left, double right, double top)
{
	char line[256];
	double centre = (left + right) / 2;
	if (show_text(d, d->font, 11, 0, t->authority, left, top, 0) < 0)
		return -1;
	snprintf(line, sizeof(line), "Trang %d", page->printed_number);
	if (show_text(d, d->font, 11, 0, line, right, top, 1) < 0)
		return -1;
	if (show_text(d, d->font, 20, 1, t->title, centre, top + mm_px(d->dpi, 6.5), 0.5) < 0)
		return -1;
	band_line(d->ps, t, line, sizeof(line));
	return show_text(d, d->font, 13, 0, line, centre, top + mm_px(d->dpi, 16), 0.5);
}

static void draw_rules(struct page_draw *d, const struct page_geometry *g)
{
	cairo_t *cr = d->cr;
	double x0 = g->col_x[0], x1 = g->col_x[g->ncol_x - 1];
	double y0 = g->row_y[0], y1 = g->row_y[g->nrow_y - 1];
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
	cairo_set_line_width(cr, mm_px(d->dpi, 0.22));
	for (size_t i = 1; i + 1 < g->ncol_x; i++) {
		cairo_move_to(cr, g->col_x[i], y0);
		cairo_line_to(cr, g->col_x[i], y1);
	}
	for (size_t i = 1; i + 1 < g->nrow_y; i++) {
		cairo_move_to(cr, x0, g->row_y[i]);
		cairo_line_to(cr, x1, g->row_y[i]);
	}
	cairo_stroke(cr);
	cairo_set_line_width(cr, mm_px(d->dpi, 0.45));
	cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
	cairo_stroke(cr);
}

static int draw_headers(struct page_draw *d, const struct so_layout *layout,
                        const struct page_geometry *g)
{
	double pad_x = mm_px(d->dpi, PAD_X_MM);
	char idx[16];
	for (size_t i = 0; i < layout->ncolumns; i++) {
		double x = g->col_x[i], w = g->col_x[i + 1] - x;
		double hy = g->row_y[0], hh = g->row_y[1] - hy;
		PangoLayout *l = fit_layout(d, d->font, 1, d->ps->titles[i], w - 2 * pad_x,
		                            hh, HEADER_PT, HEADER_PT - 2, PANGO_ALIGN_CENTER);
		if (!l)
			return -1;
		double lw, lh;
		layout_size(l, &lw, &lh);
		cairo_move_to(d->cr, x + pad_x, hy + (hh - lh) / 2);
		pango_cairo_show_layout(d->cr, l);
		g_object_unref(l);
		if (d->ps->index == INDEX_MISSING)
			continue;
		int faint = d->ps->index == INDEX_FAINT;
		snprintf(idx, sizeof(idx), "(%d)", layout->columns[i].index);
		l = text_layout(d, d->font, faint ? 8 : 9, 0, idx, 0, PANGO_ALIGN_LEFT);
		if (!l)
			return -1;
		layout_size(l, &lw, &lh);
		double iy = g->row_y[1], ih = g->row_y[2] - iy;
		if (faint)
			cairo_set_source_rgba(d->cr, 0, 0, 0, 0.28);
		cairo_move_to(d->cr, x + (w - lw) / 2, iy + (ih - lh) / 2);
		pango_cairo_show_layout(d->cr, l);
		if (faint)
			cairo_set_source_rgba(d->cr, 0, 0, 0, 1);
		g_object_unref(l);
	}
	return 0;
}

static int draw_entry(struct page_draw *d, const struct so_layout *layout,
                      const struct page_geometry *g, size_t row, const struct entry *e,
                      struct rng *r)
{
	double pad_x = mm_px(d->dpi, PAD_X_MM), pad_y = mm_px(d->dpi, PAD_Y_MM);
	/* entry row ROW (1-based) lies between edges ROW+1 and ROW+2 */
	double y = g->row_y[row + 1], h = g->row_y[row + 2] - y;
	/* the planted handwriting row: every cell by the script hand's pen (drawn in the script
	 * typeface alone it would be print: a typeface repeats each letter exactly, a pen never) */
	const struct writer *wr = e->writer;
	double slant = e->hand_slant, scale = e->hand_scale, ink = e->hand_ink;
	uint64_t seed = e->hand_seed, cols = e->hand_cols;
	if (e->handwritten) {
		wr = writer_find("dancing");
		slant = wr->slant_deg + rng_range(r, -wr->slant_var, wr->slant_var);
		scale = rng_range(r, 0.97, 1.03);
		ink = 1;
		seed = rng_next(r);
		cols = ~(uint64_t)0;
	}
	struct rng wrng;
	if (wr)
		rng_seed(&wrng, seed, "strokes");
	for (size_t i = 0; i < layout->ncolumns && i < e->ncells; i++) {
		if (!e->cells[i][0])
			continue;
		/* a cell of a handwritten entry written by the clerk's pen (the others printed) */
		int pen = wr && i < 64 && (cols & ((uint64_t)1 << i));
		const char *family = pen ? wr->font : d->font;
		double x = g->col_x[i], w = g->col_x[i + 1] - x;
		PangoLayout *l;
		struct writer_text wt = { 0 };
		if (pen) {
			double ls = d->letter_spacing_px, lh = d->line_spacing;
			if (writer_spell(wr, d->pc, e->cells[i], &wt) < 0)
				return -1;
			d->letter_spacing_px = 0;
			d->line_spacing = wr->line;
			l = fit_layout(d, family, 0, wt.text, w - 2 * pad_x - mm_px(d->dpi, 1),
			               h - 2 * pad_y - mm_px(d->dpi, 1.5),
			               round(wr->pt * scale * 2) / 2, wr->min_pt,
			               PANGO_ALIGN_LEFT);
			d->letter_spacing_px = ls;
			d->line_spacing = lh;
		} else {
			l = fit_layout(d, family, 0, e->cells[i], w - 2 * pad_x, h - 2 * pad_y,
			               d->ps->entry_pt, ENTRY_MIN_PT, PANGO_ALIGN_LEFT);
		}
		if (!l) {
			writer_text_free(&wt);
			return -1;
		}
		cairo_save(d->cr);
		cairo_rectangle(d->cr, x, y, w, h);
		cairo_clip(d->cr);
		if (pen) {
			writer_show(d->cr, l, wr, &wt, slant, ink, x + pad_x,
			            y + pad_y + mm_px(d->dpi, 0.5), d->dpi, &wrng);
		} else {
			cairo_move_to(d->cr, x + pad_x, y + pad_y);
			pango_cairo_show_layout(d->cr, l);
		}
		if ((int)i == e->smudged_column)
			smudge(d, l, x + pad_x, y + pad_y, r);
		cairo_restore(d->cr);
		g_object_unref(l);
		writer_text_free(&wt);
	}
	return 0;
}

static int ink_create(int dpi, struct ink *ink)
{
	int w, h;
	memset(ink, 0, sizeof(*ink));
	page_pixels(dpi, &w, &h);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return so_error("cannot create a %dx%d page image: %s", w, h,
		                cairo_status_to_string(cairo_surface_status(s)));
	}
	ink->surface = s;
	ink->data = cairo_image_surface_get_data(s);
	ink->width = w;
	ink->height = h;
	ink->stride = cairo_image_surface_get_stride(s);
	return 0;
}

int ink_blank(int dpi, struct ink *ink)
{
	if (ink_create(dpi, ink) < 0)
		return -1;
	cairo_surface_flush(ink->surface);
	return 0;
}

void ink_release(struct ink *ink)
{
	if (ink->surface)
		cairo_surface_destroy(ink->surface);
	for (int i = 0; i < INK_LAYERS; i++)
		if (ink->layers[i].surface)
			cairo_surface_destroy(ink->layers[i].surface);
	memset(ink, 0, sizeof(*ink));
}

/* The bounding box of the rectangle X0..X1 × Y0..Y1 turned by ANGLE about (CX, CY). */
static void turned_box(double x0, double y0, double x1, double y1, double cx, double cy,
                       double angle, double box[4])
{
	double xs[4] = { x0, x1, x1, x0 }, ys[4] = { y0, y0, y1, y1 };
	double c = cos(angle), s = sin(angle);
	box[0] = box[1] = 1e18;
	box[2] = box[3] = -1e18;
	for (int i = 0; i < 4; i++) {
		double dx = xs[i] - cx, dy = ys[i] - cy;
		double x = cx + dx * c - dy * s, y = cy + dx * s + dy * c;
		box[0] = fmin(box[0], x);
		box[1] = fmin(box[1], y);
		box[2] = fmax(box[2], x);
		box[3] = fmax(box[3], y);
	}
}

void page_print_box(const struct print_style *ps, int dpi, double skew_deg, double box[4])
{
	int w, h;
	page_pixels(dpi, &w, &h);
	double left = mm_px(dpi, ps->left_mm), right = w - mm_px(dpi, ps->right_mm);
	double top = mm_px(dpi, ps->top_mm), bottom = h - mm_px(dpi, ps->bottom_mm);
	turned_box(left - mm_px(dpi, 2), top - mm_px(dpi, 2), right + mm_px(dpi, 2),
	           bottom + mm_px(dpi, 2), w / 2.0, h / 2.0, skew_deg * M_PI / 180.0, box);
}

int render_page(struct renderer *rr, const struct so_layout *layout, const struct print_style *ps,
                const struct page_text *text, const struct book_page *page, int dpi,
                double skew_deg, struct rng *r, struct ink *ink, struct page_geometry *geo)
{
	struct page_draw d = { NULL, NULL, dpi, ps->font, ps->letter_spacing_pt * dpi / 72.0,
	                       ps->line_spacing, ps };
	cairo_font_options_t *fo = NULL;
	int rc = -1;
	if (layout->ncolumns > RENDER_MAX_COLUMNS || page->rows > RENDER_MAX_ROWS || page->rows < 1)
		return so_error("layout '%s' has too many columns or rows to draw", layout->name);
	if (ink_create(dpi, ink) < 0)
		return -1;
	d.cr = cairo_create((cairo_surface_t *)ink->surface);
	if (cairo_status(d.cr) != CAIRO_STATUS_SUCCESS) {
		so_error("cannot draw: %s", cairo_status_to_string(cairo_status(d.cr)));
		goto cleanup;
	}
	double cx = ink->width / 2.0, cy = ink->height / 2.0, angle = skew_deg * M_PI / 180.0;
	cairo_translate(d.cr, cx, cy);
	cairo_rotate(d.cr, angle);
	cairo_translate(d.cr, -cx, -cy);
	d.pc = pango_font_map_create_context(rr->fontmap);
	fo = cairo_font_options_create();
	if (!d.pc || !fo) {
		so_error("out of memory");
		goto cleanup;
	}
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(d.pc, fo);
	pango_cairo_context_set_resolution(d.pc, dpi);
	pango_cairo_update_context(d.cr, d.pc);
	cairo_set_source_rgba(d.cr, 0, 0, 0, 1);

	/* the table's frame */
	double left = mm_px(dpi, ps->left_mm), right = ink->width - mm_px(dpi, ps->right_mm);
	double top = mm_px(dpi, ps->top_mm), bottom = ink->height - mm_px(dpi, ps->bottom_mm);
	double table_top = top + mm_px(dpi, 26);
	memset(geo, 0, sizeof(*geo));
	geo->ncol_x = layout->ncolumns + 1;
	geo->col_x[0] = left;
	double acc = 0;
	for (size_t i = 0; i < layout->ncolumns; i++) {
		acc += ps->widths[i];
		geo->col_x[i + 1] = left + (right - left) * acc;
	}
	geo->col_x[layout->ncolumns] = right;
	double hh;
	if (header_height(&d, layout, geo->col_x, &hh) < 0)
		goto cleanup;
	geo->nrow_y = (size_t)page->rows + 3;
	geo->row_y[0] = table_top;
	geo->row_y[1] = table_top + hh;
	geo->row_y[2] = geo->row_y[1] + (ps->index == INDEX_MISSING ? 0 : mm_px(dpi, 6));
	double row_h = (bottom - geo->row_y[2]) / page->rows;
	for (int i = 1; i <= page->rows; i++)
		geo->row_y[2 + i] = geo->row_y[2] + row_h * i;
	geo->row_y[geo->nrow_y - 1] = bottom;
	turned_box(left - mm_px(dpi, 2), top - mm_px(dpi, 2), right + mm_px(dpi, 2),
	           bottom + mm_px(dpi, 2), cx, cy, angle, geo->box);

	if (draw_band(&d, text, page, left, right, top) < 0)
		goto cleanup;
	draw_rules(&d, geo);
	if (draw_headers(&d, layout, geo) < 0)
		goto cleanup;
	for (size_t i = 0; i < page->nentries; i++)
		if (draw_entry(&d, layout, geo, i + 1, &page->entries[i], r) < 0)
			goto cleanup;
	if (cairo_status(d.cr) != CAIRO_STATUS_SUCCESS) {
		so_error("cannot draw: %s", cairo_status_to_string(cairo_status(d.cr)));
		goto cleanup;
	}
	cairo_surface_flush((cairo_surface_t *)ink->surface);
	rc = 0;
cleanup:
	if (fo)
		cairo_font_options_destroy(fo);
	if (d.pc)
		g_object_unref(d.pc);
	if (d.cr)
		cairo_destroy(d.cr);
	if (rc < 0)
		ink_release(ink);
	return rc;
}

/* ---- marks across the cells: a red seal, a signature ---- */

/* A cairo context on colour layer I of INK (created when needed), turned like the print. */
static cairo_t *layer_context(struct ink *ink, int i, const double rgb[3], double skew_deg)
{
	struct ink_layer *l = &ink->layers[i];
	if (!l->surface) {
		cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, ink->width,
		                                                ink->height);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(s);
			so_error("cannot create a %dx%d mark layer", ink->width, ink->height);
			return NULL;
		}
		l->surface = s;
		l->data = cairo_image_surface_get_data(s);
		l->stride = cairo_image_surface_get_stride(s);
	}
	memcpy(l->rgb, rgb, sizeof(l->rgb));
	cairo_t *cr = cairo_create((cairo_surface_t *)l->surface);
	double cx = ink->width / 2.0, cy = ink->height / 2.0;
	cairo_translate(cr, cx, cy);
	cairo_rotate(cr, skew_deg * M_PI / 180.0);
	cairo_translate(cr, -cx, -cy);
	return cr;
}

/* A round seal: two rings, a ring of marks standing for its lettering, a star. */
static void draw_seal(cairo_t *cr, double cx, double cy, double rad, double px_mm,
                      struct rng *r)
{
	cairo_set_source_rgba(cr, 0, 0, 0, rng_range(r, 0.55, 0.8));
	cairo_set_line_width(cr, 0.7 * px_mm);
	cairo_arc(cr, cx, cy, rad, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.35 * px_mm);
	cairo_arc(cr, cx, cy, rad * 0.7, 0, 2 * M_PI);
	cairo_stroke(cr);
	/* the lettering between the rings: short strokes and dots along the ring */
	int n = rng_int(r, 26, 36);
	double start = rng_range(r, 0, 2 * M_PI);
	cairo_set_line_width(cr, 0.3 * px_mm);
	for (int k = 0; k < n; k++) {
		double a = start + 2 * M_PI * k / n;
		if (rng_chance(r, 0.12))
			continue;   /* a space between words */
		double r0 = rad * rng_range(r, 0.76, 0.8), r1 = rad * rng_range(r, 0.9, 0.94);
		double da = rng_range(r, -0.04, 0.04);
		cairo_move_to(cr, cx + r0 * cos(a), cy + r0 * sin(a));
		cairo_line_to(cr, cx + r1 * cos(a + da), cy + r1 * sin(a + da));
		cairo_move_to(cr, cx + r1 * cos(a + 0.05), cy + r1 * sin(a + 0.05));
		cairo_line_to(cr, cx + r0 * cos(a + 0.05), cy + r0 * sin(a + 0.05));
	}
	cairo_stroke(cr);
	/* the star */
	double sr = rad * 0.28;
	for (int k = 0; k < 10; k++) {
		double a = -M_PI / 2 + M_PI * k / 5, rr = k % 2 ? sr * 0.4 : sr;
		if (k == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
}

/* A signature: a few loops and a long stroke, in a box W x H at (X, Y). */
static void draw_signature(cairo_t *cr, double x, double y, double w, double h, double px_mm,
                           struct rng *r)
{
	cairo_set_source_rgba(cr, 0, 0, 0, 0.9);
	cairo_set_line_width(cr, rng_range(r, 0.35, 0.55) * px_mm);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	double px = x, py = y + h * rng_range(r, 0.4, 0.7);
	cairo_move_to(cr, px, py);
	int loops = rng_int(r, 3, 6);
	for (int k = 0; k < loops; k++) {
		double nx = px + w / loops * rng_range(r, 0.7, 1.2);
		double ny = y + h * rng_range(r, 0.2, 0.8);
		cairo_curve_to(cr, px + w * rng_range(r, 0.05, 0.2), y - h * rng_range(r, 0, 0.3),
		               nx - w * rng_range(r, 0.05, 0.25), y + h * rng_range(r, 0.9, 1.3), nx, ny);
		px = nx;
		py = ny;
	}
	cairo_stroke(cr);
	/* the flourish under it */
	cairo_move_to(cr, x + w * rng_range(r, 0, 0.2), y + h * rng_range(r, 0.8, 1.0));
	cairo_curve_to(cr, x + w * 0.4, y + h * rng_range(r, 0.9, 1.2), x + w * 0.7,
	               y + h * rng_range(r, 0.6, 0.9), x + w * rng_range(r, 0.9, 1.1),
	               y + h * rng_range(r, 0.5, 0.8));
	cairo_stroke(cr);
}

int render_marks(struct ink *ink, const struct page_geometry *geo, const struct page_marks *marks,
                 const struct print_style *ps, int dpi, double skew_deg)
{
	struct rng r = marks->rng;
	double px_mm = dpi / 25.4;
	size_t nrows = geo->nrow_y >= 4 ? geo->nrow_y - 3 : 0;
	if (!nrows || geo->ncol_x < 3)
		return 0;
	if (marks->seal) {
		static const double red[3] = { 204, 46, 52 };
		cairo_t *cr = layer_context(ink, 0, red, skew_deg);
		if (!cr)
			return -1;
		/* over the right-hand cells of an entry row, as a seal sits beside a signature */
		size_t row = rng_below(&r, nrows);
		size_t col = geo->ncol_x - 2 - rng_below(&r, 2);
		double cx = geo->col_x[col] + rng_range(&r, -8, 8) * px_mm;
		double cy = (geo->row_y[row + 2] + geo->row_y[row + 3]) / 2 +
		            rng_range(&r, -6, 6) * px_mm;
		draw_seal(cr, cx, cy, rng_range(&r, 13, 17) * px_mm, px_mm, &r);
		int bad = cairo_status(cr) != CAIRO_STATUS_SUCCESS;
		cairo_destroy(cr);
		cairo_surface_flush((cairo_surface_t *)ink->layers[0].surface);
		if (bad)
			return so_error("cannot draw a seal");
	}
	if (marks->signature) {
		double pen[3], paper[3];
		static const double blue[3] = { 30, 48, 160 };
		print_style_colours(ps, pen, paper);
		cairo_t *cr = layer_context(ink, 1, rng_chance(&r, 0.7) ? blue : pen, skew_deg);
		if (!cr)
			return -1;
		size_t row = rng_below(&r, nrows);
		size_t col = geo->ncol_x - 2 - rng_below(&r, 3);
		double x0 = geo->col_x[col], x1 = geo->col_x[col + 1];
		double y0 = geo->row_y[row + 2], y1 = geo->row_y[row + 3];
		double w = fmin(x1 - x0, 40 * px_mm) * rng_range(&r, 0.7, 1.0);
		double h = fmin(y1 - y0, 14 * px_mm) * rng_range(&r, 0.6, 0.9);
		draw_signature(cr, x0 + rng_range(&r, 0, fmax(x1 - x0 - w, 1)),
		               y0 + rng_range(&r, 0.1, 0.5) * (y1 - y0 - h), w, h, px_mm, &r);
		int bad = cairo_status(cr) != CAIRO_STATUS_SUCCESS;
		cairo_destroy(cr);
		cairo_surface_flush((cairo_surface_t *)ink->layers[1].surface);
		if (bad)
			return so_error("cannot draw a signature");
	}
	return 0;
}

/* ---- pages drawn by another engine ---- */

int ink_from_png(const char *path, int dpi, double skew_deg, struct ink *ink)
{
	cairo_surface_t *png = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(png);
		return so_error("cannot read the rendered page '%s'", path);
	}
	int w, h;
	page_pixels(dpi, &w, &h);
	/* coverage: the darkness of each pixel of the picture */
	cairo_surface_t *cov = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
	if (cairo_surface_status(cov) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(png);
		cairo_surface_destroy(cov);
		return so_error("cannot create a %dx%d page image", w, h);
	}
	cairo_surface_flush(png);
	cairo_surface_flush(cov);
	const unsigned char *src = cairo_image_surface_get_data(png);
	int sstride = cairo_image_surface_get_stride(png);
	int sw = cairo_image_surface_get_width(png), sh = cairo_image_surface_get_height(png);
	unsigned char *dst = cairo_image_surface_get_data(cov);
	int dstride = cairo_image_surface_get_stride(cov);
	cairo_format_t fmt = cairo_image_surface_get_format(png);
	for (int y = 0; y < h && y < sh; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)sstride);
		unsigned char *out = dst + (size_t)y * (size_t)dstride;
		for (int x = 0; x < w && x < sw; x++) {
			uint32_t p = row[x];
			double a = fmt == CAIRO_FORMAT_ARGB32 ? ((p >> 24) & 0xff) / 255.0 : 1.0;
			/* premultiplied: a transparent pixel is paper */
			double R = ((p >> 16) & 0xff) + 255 * (1 - a), G = ((p >> 8) & 0xff) + 255 * (1 - a),
			       B = (p & 0xff) + 255 * (1 - a);
			double grey = 0.299 * R + 0.587 * G + 0.114 * B;
			int c = (int)lround(255 - grey);
			out[x] = (unsigned char)(c < 0 ? 0 : c > 255 ? 255 : c);
		}
	}
	cairo_surface_mark_dirty(cov);
	cairo_surface_destroy(png);
	if (skew_deg == 0) {
		memset(ink, 0, sizeof(*ink));
		ink->surface = cov;
		ink->data = cairo_image_surface_get_data(cov);
		ink->width = w;
		ink->height = h;
		ink->stride = dstride;
		return 0;
	}
	if (ink_create(dpi, ink) < 0) {
		cairo_surface_destroy(cov);
		return -1;
	}
	cairo_t *cr = cairo_create((cairo_surface_t *)ink->surface);
	cairo_translate(cr, w / 2.0, h / 2.0);
	cairo_rotate(cr, skew_deg * M_PI / 180.0);
	cairo_translate(cr, -w / 2.0, -h / 2.0);
	cairo_set_source_surface(cr, cov, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	int bad = cairo_status(cr) != CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	cairo_surface_destroy(cov);
	cairo_surface_flush((cairo_surface_t *)ink->surface);
	if (bad) {
		ink_release(ink);
		return so_error("cannot turn the rendered page '%s'", path);
	}
	return 0;
}
