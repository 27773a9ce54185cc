/* Corroboration: a cell's value read again another way (see corroborate.h). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "read/corroborate.h"
#include "read/evidence.h"
#include "read/spell.h"
#include "register/lexicon.h"
#include "register/normalize.h"

/* Pixels around a line's words when it is read again. */
#define REREAD_MARGIN 8

/* A way of reading a span again: by MODEL in MODE (SO_READ_LINE, or SO_READ_NAME_LINE keeping
 * letters' alternatives), only the words with a digit when DIGITS, each line respelt by FIX
 * when given (LINE is the line's number, from 0). */
struct reread {
	enum so_model model;
	enum so_read_mode mode;
	int digits;
	void (*fix)(struct so_reading *rd, int line);
};

/* A name read again, spelt as the first reading was: a family name first, then name words. */
static void name_respell(struct so_reading *rd, int line)
{
	if (line == 0)
		so_spell_family_name(rd, 0);
	so_spell_name_words(rd, line == 0 ? 1 : 0, rd->nwords);
}

/* Names by the second Vietnamese model, then by the main model line by line (its first
 * reading, of the whole cell, is the one most often astray); digits by the Latin model, then
 * by the second model; other text by the second model. */
static const struct reread name_again = { SO_MODEL_SECOND, SO_READ_NAME_LINE, 0, name_respell };
static const struct reread name_third = { SO_MODEL_MAIN, SO_READ_NAME_LINE, 0, name_respell };
static const struct reread digits_again = { SO_MODEL_LATIN, SO_READ_LINE, 1, NULL };
static const struct reread digits_third = { SO_MODEL_SECOND, SO_READ_LINE, 1, NULL };
static const struct reread text_again = { SO_MODEL_SECOND, SO_READ_LINE, 0, NULL };
static const struct reread text_third = { SO_MODEL_MAIN, SO_READ_LINE, 0, NULL };

static int word_has_digit(const char *text, const struct so_word *wd)
{
	for (size_t i = wd->start; i < wd->end; i++)
		if (text[i] >= '0' && text[i] <= '9')
			return 1;
	return 0;
}

/* The words of CX's reading overlapping its span, read again HOW, line by line (a box around
 * each line's words); their texts joined by spaces into *OUT ("" when no word is in the span;
 * the caller frees). 0 or -1. */
static int reread_span(const struct so_corroboration *cx, const struct reread *how, char **out)
{
	const struct so_reading *rd = cx->rd;
	PIX *page = cx->table->text;
	int lines = 0;
	struct so_buf b = SO_BUF_INIT(4096);
	int have = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0, rc = 0;
	size_t last_end = 0;
	l_int32 pw = pixGetWidth(page), ph = pixGetHeight(page);
	*out = NULL;
	for (size_t k = 0; k <= rd->nwords && rc == 0; k++) {
		const struct so_word *wd = k < rd->nwords ? &rd->words[k] : NULL;
		int take = wd && wd->end > cx->start && wd->start < cx->end &&
			   (!how->digits || word_has_digit(rd->text, wd));
		int newline = wd && have && memchr(rd->text + last_end, '\n',
						   wd->start - last_end) != NULL;
		if (have && (!wd || (take && newline))) {
			/* one line of the span: read it */
			int bx = x0 - REREAD_MARGIN > 0 ? x0 - REREAD_MARGIN : 0;
			int by = y0 - REREAD_MARGIN > 0 ? y0 - REREAD_MARGIN : 0;
			int bx1 = x1 + REREAD_MARGIN < pw ? x1 + REREAD_MARGIN : pw;
			int by1 = y1 + REREAD_MARGIN < ph ? y1 + REREAD_MARGIN : ph;
			BOX *box = boxCreate(bx, by, bx1 - bx, by1 - by);
			struct so_reading line;
			if (!box ||
			    so_recognize_with(cx->rec, how->model, page, box, how->mode, &line) < 0) {
				rc = -1;
			} else {
				if (how->fix)
					how->fix(&line, lines);
				lines++;
				if (b.len && so_buf_add(&b, " ", 1) < 0)
					rc = -1;
				if (rc == 0 && so_buf_adds(&b, line.text) < 0)
					rc = -1;
				so_reading_release(&line);
			}
			boxDestroy(&box);
			have = 0;
		}
		if (!take)
			continue;
		if (!have) {
			x0 = wd->x0, y0 = wd->y0, x1 = wd->x1, y1 = wd->y1;
			have = 1;
		} else {
			x0 = wd->x0 < x0 ? wd->x0 : x0;
			y0 = wd->y0 < y0 ? wd->y0 : y0;
			x1 = wd->x1 > x1 ? wd->x1 : x1;
			y1 = wd->y1 > y1 ? wd->y1 : y1;
		}
		last_end = wd->end;
	}
	if (rc == 0 && !(*out = so_buf_detach(&b, NULL)))
		rc = -1;
	if (rc < 0)
		so_buf_release(&b);
	return rc;
}

/* The text of CX's span. Caller frees; NULL when out of memory. */
static char *span_text(const struct so_corroboration *cx)
{
	return strndup(cx->rd->text + cx->start, cx->end - cx->start);
}

/* 1 when a word of the name in CX's span could as well be another family name (its first
 * word) or name word (the others), by its letters' alternatives (Tân / Tấn). */
static int span_ambiguous(const struct so_corroboration *cx)
{
	const struct so_reading *rd = cx->rd;
	int first = 1;
	for (size_t k = 0; k < rd->nwords; k++) {
		if (rd->words[k].end <= cx->start || rd->words[k].start >= cx->end)
			continue;
		if (so_reading_ambiguous(rd, k, first ? so_is_family_name : so_is_name_word))
			return 1;
		first = 0;
	}
	return 0;
}

/* A corroboration of CX's span: *CONF raised or lowered, and *BETTER (when given) set to a
 * better reading of the span when there is one (the caller frees). 0 or -1. */
typedef int (*span_fn)(const struct so_corroboration *cx, double *conf, char **better);

/* A name read again, and a third time when so_name_verdict asks for it. */
static int corroborate_name(const struct so_corroboration *cx, double *conf, char **better)
{
	*better = NULL;
	if (cx->end <= cx->start)
		return 0;
	char *first = span_text(cx), *again = NULL, *third = NULL;
	/* another listed spelling among the letters' alternatives matters only for a name of
	 * common words */
	int ambiguous = first && so_is_common_name(first, strlen(first)) && span_ambiguous(cx);
	struct so_verdict v;
	int rc = first ? reread_span(cx, &name_again, &again) : -1;
	while (rc == 0 && (rc = so_name_verdict(first, again, third, ambiguous, &v)) == 1)
		rc = reread_span(cx, &name_third, &third);
	if (rc == 0) {
		*conf = so_verdict_apply(&v, *conf);
		char **won = v.winner == 1 ? &again : v.winner == 2 ? &third : NULL;
		if (won) {
			*better = *won;
			*won = NULL;
		}
	}
	free(first);
	free(third);
	free(again);
	return rc;
}

/* The digits of a span (a date, a document) read again, and a third time when
 * so_digits_verdict asks for it; BETTER may be NULL (the span's text stands). */
static int corroborate_digits(const struct so_corroboration *cx, double *conf, char **better)
{
	char *first = span_text(cx), *again = NULL, *third = NULL;
	struct so_verdict v;
	int rc = first ? reread_span(cx, &digits_again, &again) : -1;
	while (rc == 0 && (rc = so_digits_verdict(first, again, third, &v, better)) == 1)
		rc = reread_span(cx, &digits_third, &third);
	if (rc == 0)
		*conf = so_verdict_apply(&v, *conf);
	free(first);
	free(third);
	free(again);
	return rc;
}

/* A free text of CX's field standing on its list (so_listed_verdict), once its digits, if any,
 * are read alike. 1 when the text is listed, 0 when not, -1 on failure. */
static int corroborate_listed(const struct so_corroboration *cx, double *conf)
{
	char *text = span_text(cx);
	if (!text)
		return -1;
	struct so_verdict v;
	enum so_listing listing = so_listed_verdict(cx->field, text, &v);
	free(text);
	if (listing == SO_UNLISTED)
		return 0;
	if (listing == SO_LISTED_DIGITS)
		return corroborate_digits(cx, conf, NULL) < 0 ? -1 : 1;
	*conf = so_verdict_apply(&v, *conf);
	return 1;
}

/* An issuer (a free text of a composite cell): corroborated by its list; a misspelt one takes
 * its listed spelling, weighed by a reading again (so_issuer_verdict). */
static int corroborate_issuer(const struct so_corroboration *cx, double *conf, char **better)
{
	*better = NULL;
	int listed = corroborate_listed(cx, conf);
	if (listed != 0)
		return listed < 0 ? -1 : 0;
	char *span = span_text(cx);
	char *spelled = span ? so_text_spelled(cx->field, span) : NULL, *again = NULL;
	free(span);
	if (!spelled)
		return 0;
	struct so_verdict v;
	int rc = reread_span(cx, &text_again, &again);
	if (rc == 0)
		rc = so_issuer_verdict(spelled, again, &v);
	free(again);
	if (rc < 0) {
		free(spelled);
		return -1;
	}
	*conf = so_verdict_apply(&v, *conf);
	*better = spelled;
	return 0;
}

/* A place read again, and a third time for its street, when so_place_verdict asks for it. */
static int corroborate_place(const struct so_corroboration *cx, double *conf, char **better)
{
	*better = NULL;
	char *text = span_text(cx), *again = NULL, *third = NULL;
	if (!text)
		return so_error("out of memory");
	struct so_canon a;
	int rc = so_place_canon(text, &a);
	free(text);
	if (rc < 0)
		return -1;
	struct so_verdict v;
	while ((rc = so_place_verdict(&a, again, third, *conf, &v)) == 1)
		if (reread_span(cx, again ? &text_third : &text_again, again ? &third : &again) < 0) {
			rc = -1;
			break;
		}
	if (rc == 0) {
		*conf = so_verdict_apply(&v, *conf);
		if (v.winner == 1) {
			*better = again;
			again = NULL;
		}
	}
	free(again);
	free(third);
	so_canon_release(&a);
	return rc;
}

/* A declarant's relationship read again when so_kinship_verdict asks for it: a term off its
 * list by a mark. */
static int corroborate_kinship(const struct so_corroboration *cx, double *conf, char **better)
{
	*better = NULL;
	char *first = span_text(cx), *again = NULL;
	if (!first)
		return so_error("out of memory");
	struct so_verdict v;
	int rc;
	while ((rc = so_kinship_verdict(first, again, &v, better)) == 1)
		if (reread_span(cx, &text_again, &again) < 0) {
			rc = -1;
			break;
		}
	if (rc == 0)
		*conf = so_verdict_apply(&v, *conf);
	free(first);
	free(again);
	return rc;
}

/* CX's whole cell corroborated by FN as one span, and replaced by the better reading FN found
 * (as one word at the confidence it gave). */
static int whole(const struct so_corroboration *cx, double *conf, span_fn fn)
{
	struct so_corroboration at = *cx;
	at.start = 0;
	at.end = strlen(cx->rd->text);
	char *better = NULL;
	if (fn(&at, conf, &better) < 0) {
		free(better);
		return -1;
	}
	if (better) {
		free(cx->rd->text);
		cx->rd->text = better;
		so_spell_one_word(cx->rd);
		if (cx->rd->nwords)
			cx->rd->words[0].conf = (float)*conf;
	}
	return 0;
}

static int cell_name(const struct so_corroboration *cx, double *conf)
{
	return whole(cx, conf, corroborate_name);
}

static int cell_digits(const struct so_corroboration *cx, double *conf)
{
	return whole(cx, conf, corroborate_digits);
}

static int cell_place(const struct so_corroboration *cx, double *conf)
{
	return whole(cx, conf, corroborate_place);
}

static int cell_kinship(const struct so_corroboration *cx, double *conf)
{
	return whole(cx, conf, corroborate_kinship);
}

/* A free-text cell: corroborated by its list; when it spells a listed text but for case and
 * marks, that text in place of the reading (the letters of a closed list's entry, its marks
 * misread: Ưng thư gan, Đột quy), corroborated as listed, and weighed by a reading again
 * (so_spelled_verdict). */
static int cell_text(const struct so_corroboration *cx, double *conf)
{
	struct so_reading *rd = cx->rd;
	struct so_corroboration at = *cx;
	at.start = 0;
	at.end = strlen(rd->text);
	int listed = corroborate_listed(&at, conf);
	if (listed != 0)
		return listed < 0 ? -1 : 0;
	char *spelled = so_text_spelled(cx->field, rd->text), *again = NULL;
	if (!spelled)
		return 0;
	struct so_verdict v;
	int rc = reread_span(&at, &text_again, &again);
	if (rc == 0)
		rc = so_spelled_verdict(spelled, again, &v);
	free(again);
	free(rd->text);
	rd->text = spelled;
	so_spell_one_word(rd);
	if (rc < 0)
		return -1;
	at.end = strlen(rd->text);
	if (corroborate_listed(&at, conf) < 0)
		return -1;
	*conf = so_verdict_apply(&v, *conf);
	if (rd->nwords)
		rd->words[0].conf = (float)*conf;
	return 0;
}

/* One reading of a whole cell after the first: by MODEL, in the cell's first mode or (LARGE)
 * half as large again. */
struct opinion {
	enum so_model model;
	int large;
};

/* Dates: the Latin model (better at digits), the second Vietnamese model, the main model half
 * as large again, then the second so too. Identity numbers: the Latin and the second model.
 * Registration numbers: not the Latin model, which reads their "Số" as digits (S6 178). */
static const struct opinion date_opinions[] = {
	{ SO_MODEL_LATIN, 0 }, { SO_MODEL_SECOND, 0 }, { SO_MODEL_MAIN, 1 }, { SO_MODEL_SECOND, 1 }
};
static const struct opinion id_opinions[] = { { SO_MODEL_LATIN, 0 }, { SO_MODEL_SECOND, 0 } };
static const struct opinion number_opinions[] = { { SO_MODEL_SECOND, 0 }, { SO_MODEL_MAIN, 1 } };

#define OPINIONS_MAX 5  /* the first reading and the most opinions of a kind */
_Static_assert(SO_ARRAY_SIZE(date_opinions) < OPINIONS_MAX, "OPINIONS_MAX too small");

/* What corroborates a field of each kind. */
static const struct kind_corroboration {
	const struct opinion *opinions;   /* a whole cell read again by these, in order */
	size_t nopinions;
	enum so_value_rule rule;          /* how their values count (so_opinions_verdict) */
	void (*prepare)(struct so_reading *rd);  /* an opinion made ready for its value */
	int (*cell)(const struct so_corroboration *cx, double *conf);  /* a whole cell */
	span_fn span;                     /* a composite cell's sub-field */
} by_kind[SO_KINDS] = {
	[SO_KIND_NUMBER] = { number_opinions, SO_ARRAY_SIZE(number_opinions),
			     SO_VALUES_SEQUENCED, NULL, NULL, NULL },
	[SO_KIND_DATE] = { date_opinions, SO_ARRAY_SIZE(date_opinions), SO_VALUES_DATED, NULL,
			   NULL, corroborate_digits },
	/* (a date-time is no sub-field of a composite cell) */
	[SO_KIND_DATETIME] = { date_opinions, SO_ARRAY_SIZE(date_opinions), SO_VALUES_DATED, NULL,
			       NULL, NULL },
	[SO_KIND_NAME] = { NULL, 0, SO_VALUES_PLAIN, NULL, cell_name, corroborate_name },
	[SO_KIND_TEXT] = { NULL, 0, SO_VALUES_PLAIN, NULL, cell_text, corroborate_issuer },
	[SO_KIND_PLACE] = { NULL, 0, SO_VALUES_PLAIN, NULL, cell_place, corroborate_place },
	[SO_KIND_ID_NUMBER] = { id_opinions, SO_ARRAY_SIZE(id_opinions), SO_VALUES_PLAIN,
				so_spell_digits, NULL, NULL },
	[SO_KIND_ID_DOCUMENT] = { NULL, 0, SO_VALUES_PLAIN, NULL, cell_digits,
				  corroborate_digits },
	[SO_KIND_KINSHIP] = { NULL, 0, SO_VALUES_PLAIN, NULL, cell_kinship, corroborate_kinship },
};

static const struct kind_corroboration *corroboration_of(enum so_kind kind)
{
	return &by_kind[kind >= 0 && kind < SO_KINDS ? kind : SO_KIND_NONE];
}

/* The marks of CX's cell (B): the boxes of the connected components of its ink, into *OUT
 * (the caller frees). The number of them, or -1. */
static long cell_marks(const struct so_corroboration *cx, BOX *b, struct so_box **out)
{
	*out = NULL;
	PIX *c = pixClipRectangle(cx->table->text, b, NULL);
	BOXA *boxes = c ? pixConnCompBB(c, 8) : NULL;
	long n = boxes ? boxaGetCount(boxes) : -1;
	if (n > 0 && !(*out = so_calloc((size_t)n, sizeof(**out))))
		n = -1;
	for (long k = 0; k < n; k++) {
		l_int32 x, y, w, h;
		boxaGetBoxGeometry(boxes, (l_int32)k, &x, &y, &w, &h);
		(*out)[k] = (struct so_box){ b->x + x, b->y + y, b->x + x + w, b->y + y + h };
	}
	boxaDestroy(&boxes);
	pixDestroy(&c);
	return n;
}

/* How many digits the ink of CX's cell (B) holds where its reading's number stands
 * (so_ink_digits); -1 when it cannot be told. */
static int number_ink(const struct so_corroboration *cx, BOX *b)
{
	const struct so_reading *rd = cx->rd;
	size_t ng = 0;
	for (size_t i = 0; i < rd->nwords; i++)
		ng += rd->words[i].nsyms;
	struct so_glyph *glyphs = ng ? so_calloc(ng, sizeof(*glyphs)) : NULL;
	struct so_box *marks = NULL;
	long nm = glyphs ? cell_marks(cx, b, &marks) : -1;
	int ink = -1;
	if (nm >= 0) {
		size_t g = 0;
		for (size_t i = 0; i < rd->nwords; i++)
			for (size_t k = 0; k < rd->words[i].nsyms; k++, g++) {
				const struct so_symbol *sym = &rd->words[i].syms[k];
				glyphs[g].text = sym->n ? sym->alt[0] : NULL;
				glyphs[g].box = (struct so_box){ sym->x0, sym->y0, sym->x1, sym->y1 };
			}
		struct so_box cell = { b->x, b->y, b->x + b->w, b->y + b->h };
		ink = so_ink_digits(glyphs, ng, marks, (size_t)nm, &cell);
	}
	free(glyphs);
	free(marks);
	return ink;
}

/* The canonical value of opinion READING of a cell of KIND, into *OUT, as counted under the
 * kind's rule: a registration number not written cleanly, or with more or fewer digits than
 * the cell's ink holds (INK: -1 when not told), or a date of an impossible year, gives none.
 * 0 or -1. */
static int opinion_value(const struct so_corroboration *cx, enum so_kind kind,
			 struct so_reading *reading, int ink, struct so_canon *out)
{
	const struct kind_corroboration *kc = corroboration_of(kind);
	if (kc->prepare)
		kc->prepare(reading);
	memset(out, 0, sizeof(*out));
	if (kc->rule == SO_VALUES_SEQUENCED &&
	    (!so_clean_number(reading->text) || !so_fits_ink(reading->text, ink)))
		return 0;
	if (so_normalize(kind, reading->text, NULL, out) < 0)
		return -1;
	if (out->value && kc->rule == SO_VALUES_DATED &&
	    !so_plausible_date(out->value, cx->this_year)) {
		so_canon_release(out);
		memset(out, 0, sizeof(*out));
	}
	return 0;
}

/* A whole cell of KIND read again by its kind's opinions until two agree
 * (so_opinions_verdict); a later reading that wins replaces CX->rd whole. A registration
 * number is confirmed by the register's sequence (validate): it is only read again when not
 * cleanly written, or when it has more or fewer digits than its cell's ink holds, to give a
 * better guess — one with as many digits as the ink — and it stays doubtful when the digits
 * of none fit the ink (so_ink_verdict). */
static int second_opinions(const struct so_corroboration *cx, enum so_kind kind, double *conf)
{
	const struct kind_corroboration *kc = corroboration_of(kind);
	if (kc->nopinions == 0)
		return 0;
	BOX *b = so_table_cell_box(cx->table, cx->row, cx->col);
	if (!b)
		return 0;
	/* the digits of the ink are counted where the reading's glyphs stand: a reading not
	 * cleanly written ("3/7" for 37: a stroke of the 7 read as a slash) cannot tell them */
	int ink = kc->rule == SO_VALUES_SEQUENCED && so_clean_number(cx->rd->text) ?
		  number_ink(cx, b) : -1;
	if (!so_opinions_wanted(kc->rule, cx->rd->text, ink)) {
		boxDestroy(&b);
		return 0;
	}
	struct so_reading readings[OPINIONS_MAX] = { 0 };
	struct so_canon values[OPINIONS_MAX] = { 0 };
	const char *v[OPINIONS_MAX] = { 0 };
	struct so_verdict verdict;
	size_t n = 1;
	int rc = so_normalize(kind, cx->rd->text, NULL, &values[0]);
	/* a first reading whose digits are not the ink's gives no value: a later one may */
	v[0] = so_fits_ink(cx->rd->text, ink) ? values[0].value : NULL;
	while (rc == 0 && (rc = so_opinions_verdict(v, n, 1 + kc->nopinions, kc->rule,
						    cx->this_year, &verdict)) == 1) {
		const struct opinion *op = &kc->opinions[n - 1];
		enum so_read_mode mode = op->large ? SO_READ_LARGE : cx->mode;
		rc = so_recognize_with(cx->rec, op->model, cx->table->text, b, mode, &readings[n]) < 0 ||
		     opinion_value(cx, kind, &readings[n], ink, &values[n]) < 0 ? -1 : 0;
		v[n] = values[n].value;
		n++;
	}
	boxDestroy(&b);
	if (rc == 0) {
		*conf = so_verdict_apply(&verdict, *conf);
		if (verdict.winner > 0) {
			/* a later reading, whole, in place of the first */
			so_reading_release(cx->rd);
			*cx->rd = readings[verdict.winner];
			memset(&readings[verdict.winner], 0, sizeof(readings[verdict.winner]));
		}
		if (kc->rule == SO_VALUES_SEQUENCED) {
			/* the number that stands, against its ink */
			so_ink_verdict(cx->rd->text, ink, &verdict);
			*conf = so_verdict_apply(&verdict, *conf);
		}
	}
	for (size_t k = 0; k < OPINIONS_MAX; k++) {
		so_reading_release(&readings[k]);
		so_canon_release(&values[k]);
	}
	return rc;
}

int so_corroborate_cell(const struct so_corroboration *cx, enum so_kind kind, double *conf)
{
	const struct kind_corroboration *kc = corroboration_of(kind);
	if (second_opinions(cx, kind, conf) < 0)
		return -1;
	return kc->cell ? kc->cell(cx, conf) : 0;
}

int so_corroborate_span(const struct so_corroboration *cx, enum so_kind kind, double *conf,
			char **better)
{
	const struct kind_corroboration *kc = corroboration_of(kind);
	*better = NULL;
	return kc->span ? kc->span(cx, conf, better) : 0;
}
