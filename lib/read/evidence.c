/* Evidence from the readings of a cell, and the table of confidence tiers (see evidence.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/text.h"
#include "base/util.h"
#include "read/evidence.h"
#include "register/fields.h"
#include "register/lexicon.h"
#include "register/normalize.h"

/* The one place a tier's confidence is written. Equal numbers are distinct tiers: the
 * calibration and the rules weigh them alike today, what they mean differs. */
static const struct so_tier_info tiers[SO_TIERS] = {
	[SO_TIER_NONE] = { -1, "none", "no other reading spoke: the recognizer's confidence stands" },
	[SO_TIER_DASH] = { 0.99, "dash",
			   "nothing read, the ink one short flat stroke: a dash, not applicable" },
	[SO_TIER_FAMILY_GUESS] = { 0.6, "family-guess",
				   "a family name guessed from its letters, its marks set aside "
				   "(TRẤN -> Trần), for review" },
	[SO_TIER_CORROBORATED] = { 0.99, "corroborated",
				   "read alike by another model: a name of common words, a street; "
				   "or standing on a list: a cause, note or issuer" },
	[SO_TIER_AGREED] = { 0.99, "agreed",
			     "digits (a date, a number) read alike by two models, no reading "
			     "giving another value" },
	[SO_TIER_NAME_LETTERS] = { 0.98, "name-letters",
				   "a name read alike but for a mark the second reading lost on a "
				   "word that is no name (THUỲ / THUY)" },
	[SO_TIER_NAME_SIBLING] = { 0.97, "name-sibling",
				   "a name read alike, a word of it one mark from another name "
				   "word (Khanh / Khánh)" },
	[SO_TIER_NAME_SIBLING_LETTERS] = { 0.96, "name-sibling-letters",
					   "a name whose letters agree (a mark lost on a word that is "
					   "no name), a word of it one mark from another name word" },
	[SO_TIER_NAME_TWO_OF_THREE] = { 0.97, "name-two-of-three",
					"a name: two readings of three agreeing against the third" },
	[SO_TIER_TIE] = { 0.97, "tie",
			  "digits: two readings of three or four agreeing against another" },
	[SO_TIER_SPELLED] = { 0.97, "spelled",
			      "a listed text whose marks or case were misread (Ưng thư gan -> "
			      "Ung thư gan)" },
	[SO_TIER_NAME_MARKS_THIRD] = { 0.965, "name-marks-third",
				       "marks both readings lost, which a third reading restores "
				       "(HOANG -> Hoàng)" },
	[SO_TIER_STREET_LETTERS] = { 0.95, "street-letters",
				     "a street whose marks the second reading lost (Trân / Trần)" },
	[SO_TIER_NAME_UNLISTED] = { 0.9, "name-unlisted",
				    "a name read alike, of words no common name is made of: an "
				    "archivist looks" },
	[SO_TIER_CONTRADICTED] = { 0.5, "contradicted",
				   "a name or place another reading contradicts" },
	[SO_TIER_DISAGREED] = { 0.4, "disagreed",
				"digits no two readings give alike, or alike where they prove "
				"nothing" },
	[SO_TIER_NUMBER_INK] = { 0.4, "number-ink",
				 "a registration number with more or fewer digits than the ink of "
				 "its cell holds (70 read for 270, 2372 for 272): the register's "
				 "sequence alone may confirm it" },
	[SO_TIER_STREET_SIBLING] = { 0.97, "street-sibling",
				     "a street read alike by two models (three, for a word that "
				     "is no listed word), a word of it one mark from another listed "
				     "word (Hưng / Hùng, Lơi / Lợi)" },
	[SO_TIER_STREET_TWO_OF_THREE] = { 0.97, "street-two-of-three",
					  "a street: two readings of three agreeing against the "
					  "third" },
	[SO_TIER_MARKS_UNLISTED] = { 0.9, "marks-unlisted",
				     "a kinship term read alike by two models but for a mark that "
				     "puts it off its list (bà ngoai / bà ngoại): marks both lost, "
				     "likely, for review" },
};

const struct so_tier_info *so_tier_info(enum so_tier tier)
{
	return tier >= 0 && tier < SO_TIERS ? &tiers[tier] : &tiers[SO_TIER_NONE];
}

double so_tier_conf(enum so_tier tier)
{
	return so_tier_info(tier)->conf;
}

double so_verdict_apply(const struct so_verdict *v, double conf)
{
	double to = so_tier_conf(v->tier);
	if (v->tier == SO_TIER_NONE)
		return conf;
	switch (v->apply) {
	case SO_APPLY_SET:
		return to;
	case SO_APPLY_RAISE:
		return conf < to ? to : conf;
	case SO_APPLY_CAP:
		return conf > to ? to : conf;
	case SO_APPLY_KEEP:
		break;
	}
	return conf;
}

static void verdict(struct so_verdict *v, enum so_tier tier, enum so_apply apply, int winner)
{
	v->tier = tier;
	v->apply = apply;
	v->winner = winner;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Names */

char *so_name_key(const char *text, size_t len, int digits)
{
	char *copy = so_malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	copy[len] = 0;
	utf8proc_uint8_t *f = utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)copy);
	free(copy);
	if (!f)
		return NULL;
	utf8proc_uint8_t *o = f;
	const utf8proc_uint8_t *p = f;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	int space = 0;
	while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
		utf8proc_category_t c = utf8proc_category(cp);
		if (c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LU ||
		    c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_MN ||
		    (digits && cp >= '0' && cp <= '9')) {
			if (space && o != f)
				*o++ = ' ';
			space = 0;
			memmove(o, p, (size_t)n);
			o += n;
		} else if (cp == ' ' || cp == '\n' || cp == '\t') {
			space = 1;
		}
		p += n;
	}
	*o = 0;
	return (char *)f;
}

/* A word that may follow the family name: a name word, or a family name (Nguyễn Lê Minh). */
static int name_or_family(const char *word)
{
	return so_is_name_word(word) || so_is_family_name(word);
}

int so_names_agree(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return 2;
	char *x = so_strdup(a), *y = so_strdup(b), *sx = NULL, *sy = NULL;
	int agree = x && y;
	char *u = agree ? strtok_r(x, " ", &sx) : NULL, *v = agree ? strtok_r(y, " ", &sy) : NULL;
	for (; agree && (u || v); u = strtok_r(NULL, " ", &sx), v = strtok_r(NULL, " ", &sy)) {
		if (!u || !v) {
			agree = 0;
			break;
		}
		if (strcmp(u, v) == 0)
			continue;
		char *fu = so_fold(u, NULL), *fv = so_fold(v, NULL);
		agree = fu && fv && strcmp(fu, fv) == 0 && !so_is_name_word(v) &&
			!so_is_family_name(v);
		free(fu);
		free(fv);
	}
	free(x);
	free(y);
	return agree;
}

int so_same_but_spacing(const char *a, const char *b)
{
	while (*a || *b) {
		if (*a == ' ') {
			a++;
		} else if (*b == ' ') {
			b++;
		} else if (*a != *b) {
			return 0;
		} else {
			a++;
			b++;
		}
	}
	return 1;
}

int so_differs_where(const char *loser, const char *winner,
		     int (*decisive)(const char *lw, const char *ww))
{
	if (so_same_but_spacing(loser, winner))
		return 0;
	char *x = so_strdup(loser), *y = so_strdup(winner), *sx = NULL, *sy = NULL;
	int hit = !x || !y;
	char *u = hit ? NULL : strtok_r(x, " ", &sx);
	char *v = hit ? NULL : strtok_r(y, " ", &sy);
	for (; !hit && (u || v); u = strtok_r(NULL, " ", &sx), v = strtok_r(NULL, " ", &sy))
		hit = !u || !v || (strcmp(u, v) != 0 && decisive(u, v));
	free(x);
	free(y);
	return hit;
}

static int loser_word_is_name(const char *lw, const char *ww)
{
	(void)ww;
	return name_or_family(lw);
}

static int winner_word_has_sibling(const char *lw, const char *ww)
{
	(void)lw;
	return so_name_word_has_sibling(ww);
}

int so_loses_a_name(const char *loser, const char *winner)
{
	return so_differs_where(loser, winner, loser_word_is_name);
}

int so_disputed_sibling(const char *loser, const char *winner)
{
	return so_differs_where(loser, winner, winner_word_has_sibling);
}

int so_is_common_name(const char *text, size_t len)
{
	char *copy = so_malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, text, len);
	copy[len] = 0;
	int words = 0, ok = 1;
	char *save = NULL;
	for (char *wd = strtok_r(copy, " \n", &save); wd && ok; wd = strtok_r(NULL, " \n", &save))
		ok = words++ == 0 ? so_is_family_name(wd) : so_is_name_word(wd);
	free(copy);
	return ok && words >= 2;
}

int so_has_sibling_word(const char *text, size_t len)
{
	char *copy = strndup(text, len), *save = NULL;
	int words = 0, sibling = !copy;
	for (char *wd = copy ? strtok_r(copy, " \n", &save) : NULL; wd && !sibling;
	     wd = strtok_r(NULL, " \n", &save))
		sibling = words++ > 0 && so_name_word_has_sibling(wd);
	free(copy);
	return sibling;
}

/* Digits */

char *so_digits_of(const char *s, size_t len)
{
	char *d = so_malloc(len + 1), *o = d;
	if (!d)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (is_digit(s[i]))
			*o++ = s[i];
	*o = 0;
	return d;
}

char *so_with_digits(const char *text, size_t len, const char *digits)
{
	size_t have = 0, runs = 0;
	for (size_t i = 0; i < len; i++) {
		have += is_digit(text[i]);
		runs += is_digit(text[i]) && (i == 0 || !is_digit(text[i - 1]));
	}
	int whole = have != strlen(digits);
	if (whole && runs != 1)
		return NULL;
	struct so_buf b = SO_BUF_INIT(256);
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i++) {
		if (!is_digit(text[i]))
			rc = so_buf_add(&b, &text[i], 1);
		else if (whole)
			rc = i == 0 || !is_digit(text[i - 1]) ? so_buf_adds(&b, digits) : 0;
		else
			rc = so_buf_add(&b, digits++, 1);
	}
	if (rc < 0) {
		so_buf_release(&b);
		return NULL;
	}
	return so_buf_detach(&b, NULL);
}

/* Parts after a number's slashes, and the letters of a book's code ("KS", "KT", "ĐKKH"). */
#define NUMBER_PARTS 2
#define BOOK_CODE_MAX 6

/* The bytes of the capital letter (A-Z, Đ) at P of a book's code; 0 when there is none. */
static size_t book_code_letter(const char *p)
{
	if (*p >= 'A' && *p <= 'Z')
		return 1;
	return strncmp(p, "Đ", strlen("Đ")) == 0 ? strlen("Đ") : 0;
}

int so_clean_number(const char *text)
{
	const char *p = text;
	while (*p == ' ' || *p == '\n')
		p++;
	if (strncmp(p, "Số", strlen("Số")) == 0 || strncmp(p, "số", strlen("số")) == 0)
		p += strlen("Số");
	while (*p == ' ' || *p == '\n' || *p == ':')
		p++;
	size_t n = 0;
	while (is_digit(p[n]))
		n++;
	if (n == 0 || n > 5)
		return 0;
	p += n;
	/* up to two parts after slashes: a year ("/2019") or the book's code ("/KS") */
	for (int parts = 0; parts < NUMBER_PARTS; parts++) {
		const char *q = p;
		while (*q == ' ')
			q++;
		if (*q != '/')
			break;
		q++;
		while (*q == ' ')
			q++;
		size_t digits = 0, letters = 0, len = 0;
		while (is_digit(q[len]) || book_code_letter(q + len)) {
			if (is_digit(q[len])) {
				digits++;
				len++;
			} else {
				letters++;
				len += book_code_letter(q + len);
			}
		}
		if (!(digits == 4 && letters == 0) &&
		    !(digits == 0 && letters >= 1 && letters <= BOOK_CODE_MAX))
			return 0;
		p = q + len;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	return *p == 0;
}

/* A mark is a digit's ink when at least this share of the height of the number's glyphs, and
 * no more than this many times as tall (a seal, a signature's stroke, a line across the cell
 * is no digit). A glyph stands on a mark that covers this share of its width; marks no glyph
 * stands on are digits the reading dropped, pieces side by side as one digit while together
 * no wider than this many widest glyphs. A mark this many times as wide as the widest glyph is
 * digits touching, as many as its width holds. */
#define INK_DIGIT_HEIGHT 0.5
#define INK_DIGIT_TALL 2.0
/* A mark no glyph stands on is a digit when at least this share as tall as the tallest mark
 * the number's glyphs stand on: digits are as tall as capitals, a small letter is not. */
#define INK_DIGIT_FULL 0.8
#define INK_GLYPH_COVER 0.5
#define INK_PIECES_WIDTH 1.2
#define INK_DIGITS_TOUCHING 1.8

static int is_digit_glyph(const struct so_glyph *g)
{
	return g->text && is_digit(g->text[0]) && g->text[1] == 0;
}

static int glyph_boxed(const struct so_glyph *g)
{
	return g->box.x1 > g->box.x0 && g->box.y1 > g->box.y0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_box_x(const void *a, const void *b)
{
	const struct so_box *x = *(const struct so_box *const *)a;
	const struct so_box *y = *(const struct so_box *const *)b;
	return (x->x0 > y->x0) - (x->x0 < y->x0);
}

/* 1 when box G stands on the line of the band Y0 .. Y1: its middle within it. */
static int on_band(const struct so_box *g, int y0, int y1)
{
	int mid = (g->y0 + g->y1) / 2;
	return mid >= y0 && mid < y1;
}

static int overlap_x(const struct so_box *a, const struct so_box *b)
{
	int lo = a->x0 > b->x0 ? a->x0 : b->x0, hi = a->x1 < b->x1 ? a->x1 : b->x1;
	return hi > lo ? hi - lo : 0;
}

/* The digits a mark of width W holds, the widest glyph WIDTH wide. */
static int mark_holds(int w, double width)
{
	double wide = w / width;
	return wide >= INK_DIGITS_TOUCHING ? (int)(wide + 0.5) : 1;
}

/* The mark of M[0..NM) that glyph box B stands on, among those CLAIMED fewer times than they
 * hold digits (the widest glyph WIDTH wide): the one it overlaps most, the first of equals,
 * when it covers half the glyph or half the mark. NM when none. */
static size_t glyph_mark(const struct so_box *b, const struct so_box **m, size_t nm,
			 const int *claimed, double width)
{
	size_t best = nm;
	int most = 0;
	for (size_t j = 0; j < nm; j++) {
		int o = overlap_x(b, m[j]), w = m[j]->x1 - m[j]->x0, gw = b->x1 - b->x0;
		if (o > most && claimed[j] < mark_holds(w, width) &&
		    (o >= INK_GLYPH_COVER * gw || o >= INK_GLYPH_COVER * w)) {
			most = o;
			best = j;
		}
	}
	return best;
}

/* The digits the number's marks M[0..NM) hold (in order of x), the glyphs G[0..NG) on its
 * line, of which FIRST .. END - 1 are its digits (WIDTH the widest): each digit glyph that
 * stands on a mark, and the marks no glyph stands on between the marks of the glyphs before
 * and after the number, but for pieces of a digit under its glyph's box; pieces side by side
 * taken together. -1 when out of memory. */
static int ink_count(const struct so_glyph *g, size_t ng, size_t first, size_t end,
		     const struct so_box **m, size_t nm, double width)
{
	int count = 0, *claimed = so_calloc(nm ? nm : 1, sizeof(int));
	long *by = so_calloc(nm ? nm : 1, sizeof(long));
	char *stands = so_calloc(ng ? ng : 1, 1);
	if (!claimed || !by || !stands) {
		free(claimed);
		free(by);
		free(stands);
		return -1;
	}
	for (size_t j = 0; j < nm; j++)
		by[j] = -1;
	/* the number's glyphs first (another's box may reach over a digit: "ố" over the 6) */
	for (int digits = 1; digits >= 0; digits--)
		for (size_t k = 0; k < ng; k++) {
			if (!glyph_boxed(&g[k]) || (k >= first && k < end) != digits)
				continue;
			size_t j = glyph_mark(&g[k].box, m, nm, claimed, width);
			if (j < nm) {
				claimed[j]++;
				by[j] = by[j] < 0 ? (long)k : by[j];
				stands[k] = 1;
				count += digits;
			}
		}
	/* as tall as a digit: as the marks its glyphs stand on (a small letter is not) */
	int tallest = 0;
	for (size_t j = 0; j < nm; j++)
		if (by[j] >= (long)first && by[j] < (long)end && m[j]->y1 - m[j]->y0 > tallest)
			tallest = m[j]->y1 - m[j]->y0;
	/* the number's stretch: between the marks of the glyphs before it and after it */
	int left = INT_MIN, right = INT_MAX;
	for (size_t j = 0; j < nm; j++) {
		if (by[j] >= 0 && (size_t)by[j] < first && m[j]->x1 > left)
			left = m[j]->x1;
		if (by[j] >= 0 && (size_t)by[j] >= end && m[j]->x0 < right)
			right = m[j]->x0;
	}
	int x0 = 0, x1 = 0, open = 0;
	for (size_t j = 0; j < nm; j++) {
		int mid = (m[j]->x0 + m[j]->x1) / 2, piece = 0;
		if (claimed[j] || mid < left || mid >= right ||
		    m[j]->y1 - m[j]->y0 < INK_DIGIT_FULL * tallest)
			continue;
		/* a piece of a digit under the box of its glyph, which stands on another (a
		 * broken 6) */
		for (size_t k = first; k < end && !piece; k++)
			piece = stands[k] && overlap_x(&g[k].box, m[j]) * 2 >= m[j]->x1 - m[j]->x0;
		if (piece)
			continue;
		/* marks in order of x: a piece joins the digit before while they fit one */
		int nx1 = m[j]->x1 > x1 ? m[j]->x1 : x1;
		if (open && nx1 - x0 <= INK_PIECES_WIDTH * width) {
			x1 = nx1;
			continue;
		}
		count += mark_holds(m[j]->x1 - m[j]->x0, width);
		x0 = m[j]->x0;
		x1 = m[j]->x1;
		open = 1;
	}
	free(claimed);
	free(by);
	free(stands);
	return count;
}

int so_ink_digits(const struct so_glyph *glyphs, size_t ng, const struct so_box *marks,
		  size_t nm, const struct so_box *cell)
{
	size_t first = 0;
	while (first < ng && !is_digit_glyph(&glyphs[first]))
		first++;
	if (first == ng)
		return -1;
	size_t end = first;
	while (end < ng && is_digit_glyph(&glyphs[end]))
		end++;
	size_t n = end - first;
	int *heights = so_calloc(n, sizeof(int)), *widths = so_calloc(n, sizeof(int));
	const struct so_box **in = so_calloc(nm ? nm : 1, sizeof(*in));
	struct so_glyph *line = so_calloc(ng, sizeof(*line));
	int y0 = cell->y1, y1 = cell->y0, boxed = heights && widths && in && line;
	for (size_t k = first; k < end && boxed; k++) {
		const struct so_box *b = &glyphs[k].box;
		boxed = glyph_boxed(&glyphs[k]);
		heights[k - first] = b->y1 - b->y0;
		widths[k - first] = b->x1 - b->x0;
		y0 = b->y0 < y0 ? b->y0 : y0;
		y1 = b->y1 > y1 ? b->y1 : y1;
	}
	int count = -1;
	if (boxed) {
		qsort(heights, n, sizeof(int), cmp_int);
		qsort(widths, n, sizeof(int), cmp_int);
		double height = heights[n / 2], width = widths[n - 1];
		/* the marks of the number's line, as tall as a digit, and the glyphs on it */
		size_t k = 0, nl = 0, lfirst = 0, lend = 0;
		for (size_t j = 0; j < nm; j++) {
			const struct so_box *m = &marks[j];
			int tall = m->y1 - m->y0;
			if (on_band(m, y0, y1) && tall >= INK_DIGIT_HEIGHT * height &&
			    tall <= INK_DIGIT_TALL * height)
				in[k++] = m;
		}
		qsort(in, k, sizeof(*in), cmp_box_x);
		for (size_t j = 0; j < ng; j++) {
			if (j == first)
				lfirst = nl;
			int digit = j >= first && j < end;
			if (digit || (glyph_boxed(&glyphs[j]) && on_band(&glyphs[j].box, y0, y1)))
				line[nl++] = glyphs[j];
			if (j + 1 == end)
				lend = nl;
		}
		count = ink_count(line, nl, lfirst, lend, in, k, width);
	}
	free(heights);
	free(widths);
	free(in);
	free(line);
	return count;
}

int so_number_digits(const char *text)
{
	const char *p = text;
	while (*p && !is_digit(*p))
		p++;
	int n = 0;
	while (is_digit(p[n]))
		n++;
	return n;
}

int so_plausible_date(const char *value, int this_year)
{
	int y = atoi(value);
	return y >= 1850 && y <= this_year;
}

/* Places and streets */

/* A place's units matched this surely are matched exactly (so_canon's match). */
#define UNITS_EXACT 0.999

int so_place_canon(const char *place, struct so_canon *out)
{
	if (so_normalize(SO_KIND_PLACE, place, NULL, out) < 0)
		return -1;
	if (out->value)
		return 0;
	so_canon_release(out);
	struct so_norm_ctx reform = { SO_UNITS_REFORM_DATE };
	return so_normalize(SO_KIND_PLACE, place, &reform, out);
}

char *so_street_of(const char *value)
{
	static const char *const communes[] = { ", Phường ", ", Xã ", ", Thị trấn " };
	const char *cut = NULL;
	for (size_t i = 0; i < SO_ARRAY_SIZE(communes); i++) {
		const char *p = strstr(value, communes[i]);
		if (p && (!cut || p < cut))
			cut = p;
	}
	return cut ? strndup(value, (size_t)(cut - value)) : so_strdup("");
}

char *so_street_key(const char *text)
{
	char *k = so_name_key(text, strlen(text), 1);
	if (k && strncmp(k, "số ", strlen("số ")) == 0)
		memmove(k, k + strlen("số "), strlen(k) - strlen("số ") + 1);
	return k;
}

int so_street_marks_lost(const char *a, const char *b)
{
	size_t words = 1, n = 0;
	for (const char *p = a; *p; p++)
		words += *p == ' ';
	const char *e = b;
	for (; *e && n < words; e++)
		if (*e == ' ' && ++n == words)
			break;
	char *prefix = strndup(b, (size_t)(e - b));
	char *fa = so_fold(a, NULL), *fb = prefix ? so_fold(prefix, NULL) : NULL;
	int lost = fa && fb && strcmp(fa, fb) == 0 && strlen(prefix) < strlen(a);
	free(prefix);
	free(fa);
	free(fb);
	return lost;
}

int so_has_stray_token(const char *text)
{
	char *copy = so_strdup(text), *save = NULL;
	int stray = 0;
	for (char *t = copy ? strtok_r(copy, " ,", &save) : NULL; t && !stray;
	     t = strtok_r(NULL, " ,", &save)) {
		char *k = so_name_key(t, strlen(t), 1);
		stray = !k || !k[0];
		free(k);
	}
	free(copy);
	return stray || !copy;
}

/* Words one mark apart */

int so_is_listed_word(const char *word)
{
	return so_is_name_word(word) || so_is_family_name(word) || so_kinship(word) != NULL;
}

/* 1 when OTHER is another word than WORD, not merely its other tone placement or case; 1 as
 * well when out of memory. */
static int other_word(const char *other, const char *word)
{
	char *a = so_text_tone_key(other), *b = so_text_tone_key(word);
	int other_one = !a || !b || strcmp(a, b) != 0;
	free(a);
	free(b);
	return other_one;
}

int so_has_listed_sibling(const char *word)
{
	if (so_name_word_has_sibling(word))
		return 1;
	char *family = so_family_name_unaccented(word);
	char *kin = so_phrase_unaccented("ref/kinship.txt", word);
	int sibling = (family && other_word(family, word)) || (kin && other_word(kin, word));
	free(family);
	free(kin);
	return sibling;
}

/* The words of an address's make, case-folded: the structure of a street or hamlet, not a
 * name in it. */
static const char *const address_words[] = {
	"số", "nhà", "đường", "hẻm", "ngõ", "ngách", "kiệt", "ấp", "thôn", "xóm", "tổ", "dân",
	"phố", "khu", "kp", "bản", "buôn", "khóm", "lô", "lầu", "tầng", "phòng", "căn", "hộ",
};

static int address_word(const char *word)
{
	for (size_t i = 0; i < SO_ARRAY_SIZE(address_words); i++)
		if (strcmp(word, address_words[i]) == 0)
			return 1;
	return 0;
}

int so_street_in_question(const char *key, int unlisted)
{
	char *copy = so_strdup(key), *save = NULL;
	int asked = !copy;
	for (char *w = copy ? strtok_r(copy, " ", &save) : NULL; w && !asked;
	     w = strtok_r(NULL, " ", &save)) {
		int digit = 0;
		for (const char *p = w; *p && !digit; p++)
			digit = is_digit(*p);
		if (digit || address_word(w))
			continue;
		asked = so_has_listed_sibling(w) && (!unlisted || !so_is_listed_word(w));
	}
	free(copy);
	return asked;
}

/* Decisions */

int so_opinions_wanted(enum so_value_rule rule, const char *text, int ink)
{
	return !(rule == SO_VALUES_SEQUENCED && so_clean_number(text) && so_fits_ink(text, ink));
}

int so_fits_ink(const char *text, int ink)
{
	return ink < 0 || so_number_digits(text) == ink;
}

void so_ink_verdict(const char *text, int ink, struct so_verdict *v)
{
	if (so_fits_ink(text, ink))
		verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	else
		verdict(v, SO_TIER_NUMBER_INK, SO_APPLY_CAP, 0);
}

int so_opinions_verdict(const char *const *values, size_t n, size_t max, enum so_value_rule rule,
			int this_year, struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	/* the first two readings giving the same value, in the order they were read */
	int won = -1, valued = 0;
	for (size_t j = 1; j < n && won < 0; j++)
		for (size_t k = 0; k < j && won < 0; k++)
			if (values[j] && values[k] && strcmp(values[j], values[k]) == 0)
				won = (int)k;
	if (won < 0 && n < max)
		return 1;
	for (size_t k = 1; k < n; k++)
		valued |= values[k] != NULL;
	if (won >= 0 && rule == SO_VALUES_SEQUENCED) {
		verdict(v, SO_TIER_DISAGREED, SO_APPLY_CAP, won);
	} else if (won >= 0) {
		/* agreed when no reading gave another value: readings with none are silent */
		int dissent = 0;
		for (size_t k = 0; k < n; k++)
			dissent |= values[k] && strcmp(values[k], values[won]) != 0;
		if (dissent)
			verdict(v, SO_TIER_TIE, SO_APPLY_SET, won);
		else
			verdict(v, SO_TIER_AGREED, SO_APPLY_RAISE, won);
	} else if (valued) {
		verdict(v, SO_TIER_DISAGREED, SO_APPLY_CAP, 0);
		int first_ok = values[0] &&
			       (rule != SO_VALUES_DATED || so_plausible_date(values[0], this_year));
		for (size_t k = 1; k < n && !first_ok && v->winner == 0; k++)
			if (values[k])
				v->winner = (int)k;
	}
	return 0;
}

int so_name_verdict(const char *first, const char *again, const char *third, int ambiguous,
		    struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	char *a = so_name_key(first, strlen(first), 0), *b = so_name_key(again, strlen(again), 0);
	char *c = NULL;
	int rc = a && b ? 0 : -1;
	int listed = rc == 0 && so_is_common_name(first, strlen(first));
	int common = listed && !ambiguous;
	int agree = rc == 0 ? so_names_agree(a, b) : 0;
	if (rc == 0 && (!agree || !listed)) {
		if (!third)
			rc = 1;
		else if (!(c = so_name_key(third, strlen(third), 0)))
			rc = -1;
	}
	if (rc != 0) {
		/* out of memory, or the third reading wanted */
	} else if (agree && common) {
		/* the evidence in tiers, for the calibration to weigh */
		int sibling = so_has_sibling_word(first, strlen(first));
		enum so_tier to = agree == 2 ? SO_TIER_CORROBORATED : SO_TIER_NAME_LETTERS;
		if (sibling)
			to = agree == 2 ? SO_TIER_NAME_SIBLING : SO_TIER_NAME_SIBLING_LETTERS;
		verdict(v, to, SO_APPLY_RAISE, 0);
	} else if (agree && !listed && so_is_common_name(third, strlen(third)) &&
		   !so_disputed_sibling(a, c) && so_names_agree(c, a) && so_names_agree(c, b)) {
		/* read alike but for marks both lost on words that are no names (HOANG, HAI),
		 * which the third reading gives as a name of common words (HOÀNG, HẢI) */
		verdict(v, SO_TIER_NAME_MARKS_THIRD, SO_APPLY_SET, 2);
	} else if (agree) {
		/* read alike, but not of the common names: an archivist looks */
		verdict(v, SO_TIER_NAME_UNLISTED, SO_APPLY_CAP, 0);
	} else {
		int first_wins = common && strcmp(a, c) == 0;
		int second_wins = !first_wins && strcmp(b, c) == 0 &&
				  so_is_common_name(again, strlen(again));
		/* two of three do not settle a word one mark from another name (Thuỷ / Thuỳ) */
		first_wins = first_wins && !so_loses_a_name(b, a) && !so_disputed_sibling(b, a);
		second_wins = second_wins && !so_loses_a_name(a, b) && !so_disputed_sibling(a, b);
		if (first_wins || second_wins)
			verdict(v, SO_TIER_NAME_TWO_OF_THREE, SO_APPLY_SET, 0);
		else
			verdict(v, SO_TIER_CONTRADICTED, SO_APPLY_CAP, 0);
		/* the second reading is the better guess when it wins, or when only it is a
		 * name of common words */
		if (second_wins || (!first_wins && !listed && so_is_common_name(again, strlen(again))))
			v->winner = 1;
	}
	free(a);
	free(b);
	free(c);
	return rc;
}

int so_digits_verdict(const char *first, const char *again, const char *third,
		      struct so_verdict *v, char **better)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	if (better)
		*better = NULL;
	char *a = so_digits_of(first, strlen(first)), *b = so_digits_of(again, strlen(again));
	char *c = NULL;
	int rc = a && b ? 0 : -1;
	if (rc == 0 && a[0] && b[0] && strcmp(a, b) == 0) {
		verdict(v, SO_TIER_AGREED, SO_APPLY_RAISE, 0);
	} else if (rc == 0 && a[0] && b[0]) {
		if (!third)
			rc = 1;
		else if (!(c = so_digits_of(third, strlen(third))))
			rc = -1;
		else if (strcmp(c, a) == 0)
			verdict(v, SO_TIER_TIE, SO_APPLY_SET, 0);
		else if (strcmp(c, b) == 0 && better &&
			 (*better = so_with_digits(first, strlen(first), b)))
			verdict(v, SO_TIER_TIE, SO_APPLY_SET, 1);
		else
			verdict(v, SO_TIER_DISAGREED, SO_APPLY_CAP, 0);
	}
	free(a);
	free(b);
	free(c);
	return rc;
}

enum so_listing so_listed_verdict(const char *field, const char *text, struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	if (!so_text_listed(field, text))
		return SO_UNLISTED;
	for (const char *p = text; *p; p++)
		if (is_digit(*p))
			return SO_LISTED_DIGITS;
	verdict(v, SO_TIER_CORROBORATED, SO_APPLY_RAISE, 0);
	return SO_LISTED;
}

/* 1 when AGAIN gives the letters and digits of SPELLED, case aside; 0 not; -1 out of memory. */
static int spelled_alike(const char *spelled, const char *again)
{
	char *a = so_name_key(spelled, strlen(spelled), 1);
	char *b = so_name_key(again, strlen(again), 1);
	int rc = a && b ? strcmp(a, b) == 0 : -1;
	free(a);
	free(b);
	return rc;
}

int so_spelled_verdict(const char *spelled, const char *again, struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	int alike = spelled_alike(spelled, again);
	if (alike == 0)
		verdict(v, SO_TIER_SPELLED, SO_APPLY_CAP, 0);
	return alike < 0 ? -1 : 0;
}

int so_issuer_verdict(const char *spelled, const char *again, struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	int alike = spelled_alike(spelled, again);
	if (alike < 0)
		return -1;
	int digits = 0;
	for (const char *q = spelled; *q && !digits; q++)
		digits = is_digit(*q);
	const char *last = strrchr(spelled, ' ');
	int short_name = last && strlen(last + 1) <= 2;
	if (alike)
		verdict(v, SO_TIER_CORROBORATED, SO_APPLY_SET, 0);
	else if (!digits && !short_name)
		verdict(v, SO_TIER_SPELLED, SO_APPLY_SET, 0);
	else
		verdict(v, SO_TIER_DISAGREED, SO_APPLY_CAP, 0);
	return 0;
}

/* 1 when canonical places A and B name the same commune with the same street. */
static int same_commune_and_street(const struct so_canon *a, const struct so_canon *b)
{
	char *sa = a->value ? so_street_of(a->value) : NULL;
	char *sb = so_street_of(b->value);
	char *ka = sa ? so_street_key(sa) : NULL, *kb = sb ? so_street_key(sb) : NULL;
	int same = a->value && a->code && b->code && strcmp(a->code, b->code) == 0 && ka && kb &&
		   strcmp(ka, kb) == 0;
	free(sa);
	free(sb);
	free(ka);
	free(kb);
	return same;
}

/* 1 when street key A is the start of key B, word for word. */
static int street_alike(const char *a, const char *b)
{
	size_t la = strlen(a);
	return la && strncmp(a, b, la) == 0 && (b[la] == ' ' || !b[la]);
}

static int loser_word_is_listed(const char *lw, const char *ww)
{
	(void)ww;
	return so_is_listed_word(lw);
}

/* 1 when street key B, in its first as many words as A has, gives another listed word where
 * it differs from A (Hùng for Hưng), or fewer words; 1 as well when out of memory. */
static int street_gives_listed(const char *a, const char *b)
{
	size_t words = 1;
	for (const char *p = a; *p; p++)
		words += *p == ' ';
	const char *e = b;
	for (size_t n = 0; *e; e++)
		if (*e == ' ' && ++n == words)
			break;
	char *prefix = strndup(b, (size_t)(e - b));
	int gives = !prefix || so_differs_where(prefix, a, loser_word_is_listed);
	free(prefix);
	return gives;
}

int so_street_verdict(const char *a, const char *again, const char *third,
		      struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	if (!again)
		return 1;
	int asked = so_street_in_question(a, 0), odd = so_street_in_question(a, 1);
	int alike = street_alike(a, again), lost = !alike && so_street_marks_lost(a, again);
	if (alike && !asked) {
		verdict(v, SO_TIER_CORROBORATED, SO_APPLY_SET, 0);
		return 0;
	}
	if (alike && !odd) {
		verdict(v, SO_TIER_STREET_SIBLING, SO_APPLY_SET, 0);
		return 0;
	}
	if (lost && !asked) {
		verdict(v, SO_TIER_STREET_LETTERS, SO_APPLY_RAISE, 0);
		return 0;
	}
	/* a word in question read alike, or its marks lost by the second; or not alike: the
	 * third reading decides */
	if (!third)
		return 1;
	if (street_alike(a, third) && (alike || lost))
		verdict(v, SO_TIER_STREET_SIBLING, SO_APPLY_SET, 0);
	else if (street_alike(a, third) && !street_gives_listed(a, again))
		verdict(v, SO_TIER_STREET_TWO_OF_THREE, SO_APPLY_SET, 0);
	else
		verdict(v, SO_TIER_CONTRADICTED, SO_APPLY_CAP, 0);
	return 0;
}

int so_place_verdict(const struct so_canon *a, const char *again, const char *third, double conf,
		     struct so_verdict *v)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	struct so_canon b;
	if (!a->value || a->problem) {
		/* no unit found, or not surely: abroad, or a unit misread. The second model's
		 * reading, when it names its units exactly, is the better guess; it confirms the
		 * first when both name the same commune with the same street. */
		if (!again)
			return 1;
		verdict(v, SO_TIER_CONTRADICTED, SO_APPLY_CAP, 0);
		if (so_place_canon(again, &b) < 0)
			return -1;
		if (b.value && !b.problem && b.match >= UNITS_EXACT && !so_has_stray_token(b.value)) {
			if (same_commune_and_street(a, &b))
				verdict(v, SO_TIER_CORROBORATED, SO_APPLY_SET, 1);
			v->winner = 1;
		}
		so_canon_release(&b);
		return 0;
	}
	if (a->verified)
		return 0;
	char *street = so_street_of(a->value), *key = street ? so_street_key(street) : NULL;
	if (!key) {
		free(street);
		return -1;
	}
	/* read surely, it stands — but for a street word in question that is no listed word
	 * (Lơi), which the recognizer may be sure of and wrong */
	int sure = conf >= so_tier_conf(SO_TIER_CORROBORATED) && !so_street_in_question(key, 1);
	free(key);
	int rc = 0, stray = street[0] && so_has_stray_token(street);
	if (sure) {
		/* kept */
	} else if (stray && a->match < UNITS_EXACT) {
		/* a street of a stray token before units matched inexactly: nothing to compare */
	} else if (!again) {
		rc = 1;
	} else if (street[0] && !stray) {
		char *ka = so_street_key(street), *kb = so_street_key(again);
		char *kc = third ? so_street_key(third) : NULL;
		if (!ka || !kb || (third && !kc))
			rc = -1;
		else
			rc = so_street_verdict(ka, kb, kc, v);
		/* before units matched inexactly, the street's readings may lower the
		 * confidence, never raise it */
		if (rc == 0 && a->match < UNITS_EXACT && v->apply != SO_APPLY_CAP)
			verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
		free(ka);
		free(kb);
		free(kc);
	} else if (so_place_canon(again, &b) < 0) {
		rc = -1;
	} else {
		if (b.value && !b.problem && strcmp(a->value, b.value) == 0 && b.code && a->code &&
		    strcmp(a->code, b.code) == 0)
			verdict(v, SO_TIER_CORROBORATED, SO_APPLY_SET, 0);
		so_canon_release(&b);
	}
	free(street);
	return rc;
}

int so_kinship_verdict(const char *first, const char *again, struct so_verdict *v,
		       char **better)
{
	verdict(v, SO_TIER_NONE, SO_APPLY_KEEP, 0);
	*better = NULL;
	char *clean = so_text_clean(first, strlen(first));
	if (!clean || so_kinship(clean)) {
		free(clean);
		return 0;
	}
	char *spelled = so_phrase_unaccented("ref/kinship.txt", clean);
	free(clean);
	if (!spelled)
		return 0;
	if (!again) {
		free(spelled);
		return 1;
	}
	char *ks = so_name_key(spelled, strlen(spelled), 0);
	char *kf = so_name_key(first, strlen(first), 0);
	char *ka = so_name_key(again, strlen(again), 0);
	int rc = ks && kf && ka ? 0 : -1;
	if (rc == 0 && strcmp(ka, ks) == 0) {
		/* the second model reads the listed term: a mark the first lost */
		verdict(v, SO_TIER_SPELLED, SO_APPLY_SET, 0);
		*better = spelled;
		spelled = NULL;
	} else if (rc == 0 && strcmp(ka, kf) == 0) {
		verdict(v, SO_TIER_MARKS_UNLISTED, SO_APPLY_CAP, 0);
	} else if (rc == 0) {
		verdict(v, SO_TIER_CONTRADICTED, SO_APPLY_CAP, 0);
	}
	free(ks);
	free(kf);
	free(ka);
	free(spelled);
	return rc;
}
