/* The ocr stage (see ocr.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/array.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/workers.h"
#include "read/ocr.h"
#include "read/recognize.h"
#include "read/table.h"
#include "register/fields.h"
#include "register/layout.h"
#include "register/lexicon.h"
#include "register/normalize.h"

/* A page that has stopped this many workers is failed without another try. */
#define OCR_MAX_CRASHES 2
/* Ink (pixels at 300 dpi) under which a cell is empty; marks (letters, digits) under which a
 * row holds no entry — specks and stains leave a few marks, an entry dozens. */
#define CELL_EMPTY_INK 20
/* Ink (pixels at 300 dpi) of a few letters: a cell with this much is written in, whatever
 * its marks (a smudge joins them into one). */
#define CELL_WRITTEN_INK 400
#define ROW_MIN_MARKS 8
/* Share of the index row that must read as (1)...(n). */
#define INDEX_MIN_MATCH 0.6

struct layout_cache {
	char name[72];
	struct so_layout *layout;
};

struct worker {
	struct so_store *s;
	struct so_recognizer *rec;
	struct so_progress progress;
	struct layout_cache layouts[16];
	int nlayouts;
};

/* What a page's reading stores, gathered while the recognizer works and written afterwards in
 * one short transaction: the write lock of the store is held for the writing only, so that
 * workers read their pages in parallel. */
struct pending_put {
	int col;                 /* a cell (col > 0) or a field (col 0) */
	char *name, *text, *value;
	double conf;
	int marks, boxed;
	struct so_bbox box;
};

struct pending_row {
	int row;
	struct so_bbox box;
	struct pending_put *v;
	size_t n, cap;
};

struct pending_page {
	struct pending_row *rows;
	size_t n, cap;
};

static void pending_release(struct pending_page *pp)
{
	for (size_t i = 0; i < pp->n; i++) {
		for (size_t k = 0; k < pp->rows[i].n; k++) {
			free(pp->rows[i].v[k].name);
			free(pp->rows[i].v[k].text);
			free(pp->rows[i].v[k].value);
		}
		free(pp->rows[i].v);
	}
	free(pp->rows);
	memset(pp, 0, sizeof(*pp));
}

static struct pending_row *pending_row_add(struct pending_page *pp, int row,
					   const struct so_bbox *box)
{
	if (SO_ARRAY_GROW(pp->rows, pp->n, pp->cap) < 0)
		return NULL;
	struct pending_row *r = &pp->rows[pp->n++];
	memset(r, 0, sizeof(*r));
	r->row = row;
	r->box = *box;
	return r;
}

static struct pending_put *pending_put_add(struct pending_row *r)
{
	if (SO_ARRAY_GROW(r->v, r->n, r->cap) < 0)
		return NULL;
	struct pending_put *p = &r->v[r->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The text read from column COL of the row (so_cell_put's arguments). */
static int pending_cell(struct pending_row *r, int col, const char *text, double conf, int marks,
			const struct so_bbox *box)
{
	struct pending_put *p = pending_put_add(r);
	if (!p)
		return -1;
	p->col = col;
	p->conf = conf;
	p->marks = marks;
	if (box) {
		p->box = *box;
		p->boxed = 1;
	}
	if (text && !(p->text = so_strdup(text)))
		return -1;
	return 0;
}

/* Writes the page's rows: records, cells, fields (in the caller's transaction). */
static int pending_store(struct so_store *s, const struct pending_page *pp, int64_t book_id,
			 int64_t page_id)
{
	for (size_t i = 0; i < pp->n; i++) {
		const struct pending_row *r = &pp->rows[i];
		int64_t record = 0;
		if (so_record_add(s, book_id, page_id, r->row, &r->box, &record) < 0)
			return -1;
		for (size_t k = 0; k < r->n; k++) {
			const struct pending_put *p = &r->v[k];
			const struct so_bbox *box = p->boxed ? &p->box : NULL;
			int rc = p->col > 0
				? so_cell_put(s, record, p->col, p->text, p->conf, p->marks, box)
				: so_field_put(s, record, p->name, p->text, p->value, NULL, p->conf, box,
					       "ocr");
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int64_t so_ocr_seed(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO stage_units (stage, unit_id, state) "
					    "SELECT 'ocr', id, 'pending' FROM pages "
					    "WHERE state = 'prepared' ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	if (so_store_step_done(s, st) < 0)
		return -1;
	return sqlite3_changes64(so_store_db(s));
}

static const struct so_layout *layout_get(struct worker *w, const char *name)
{
	for (int i = 0; i < w->nlayouts; i++)
		if (strcmp(w->layouts[i].name, name) == 0)
			return w->layouts[i].layout;
	struct so_layout *l = NULL;
	if (so_layout_load(name, &l) < 0)
		return NULL;
	if (w->nlayouts < (int)SO_ARRAY_SIZE(w->layouts)) {
		snprintf(w->layouts[w->nlayouts].name, sizeof(w->layouts[0].name), "%s", name);
		w->layouts[w->nlayouts++].layout = l;
	}
	return l;
}

static int scaled(PIX *page, int px300)
{
	l_int32 dpi = 300, dummy;
	pixGetResolution(page, &dpi, &dummy);
	long v = (long)px300 * (dpi > 0 ? dpi : 300) * (dpi > 0 ? dpi : 300) / (300L * 300L);
	return v < 1 ? 1 : (int)v;
}

/* A cell with a little ink that the recognizer returns nothing for: a dash ("not
 * applicable") when the ink is one short flat stroke — a shape, sure at DASH_CONF. */
#define DASH_CONF 0.99
static int looks_like_dash(PIX *text, BOX *box)
{
	PIX *c = pixClipRectangle(text, box, NULL);
	BOX *fg = NULL;
	int dash = 0;
	if (c && pixClipToForeground(c, NULL, &fg) == 0 && fg) {
		l_int32 dpi = 300, dummy;
		pixGetResolution(text, &dpi, &dummy);
		dash = fg->h <= (dpi > 0 ? dpi : 300) / 30 && fg->w >= 2 * fg->h;
	}
	boxDestroy(&fg);
	pixDestroy(&c);
	return dash;
}

/* The reading, now changed in place, counts as one word with the lowest confidence of its
 * parts. */
static void as_one_word(struct so_reading *rd)
{
	if (rd->nwords > 1) {
		struct so_word all = rd->words[0];
		for (size_t i = 1; i < rd->nwords; i++) {
			const struct so_word *x = &rd->words[i];
			all.conf = x->conf < all.conf ? x->conf : all.conf;
			all.x0 = x->x0 < all.x0 ? x->x0 : all.x0;
			all.y0 = x->y0 < all.y0 ? x->y0 : all.y0;
			all.x1 = x->x1 > all.x1 ? x->x1 : all.x1;
			all.y1 = x->y1 > all.y1 ? x->y1 : all.y1;
		}
		all.start = 0;
		all.end = strlen(rd->text);
		for (size_t i = 1; i < rd->nwords; i++)
			free(rd->words[i].syms);
		rd->words[0] = all;
		rd->nwords = 1;
	} else if (rd->nwords == 1) {
		rd->words[0].start = 0;
		rd->words[0].end = strlen(rd->text);
	}
}

/* An identity number wrapped over two lines of a narrow cell is one number: whitespace out. */
static void squeeze_digits(struct so_reading *rd)
{
	char *o = rd->text;
	for (const char *p = rd->text; *p; p++)
		if (*p != ' ' && *p != '\n')
			*o++ = *p;
	*o = 0;
	as_one_word(rd);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Numbers and dates: a space or line break beside a separator between digits comes from the
 * recognizer or from a narrow cell wrapping the number ("111/ 1991", "111/\n1991"); a written
 * number has none there. */
static void squeeze_separators(struct so_reading *rd)
{
	char *t = rd->text;
	size_t n = strlen(t), o = 0;
	for (size_t i = 0; i < n; i++) {
		if ((t[i] == ' ' || t[i] == '\n') && o > 0 && i + 1 < n) {
			char before = t[o - 1], after = t[i + 1];
			int sep_before = strchr("/.-", before) != NULL, sep_after = strchr("/.-", after) != NULL;
			if ((sep_before && is_digit(after) && o > 1 && is_digit(t[o - 2])) ||
			    (is_digit(before) && sep_after && i + 2 < n && is_digit(t[i + 2])))
				continue;
		}
		t[o++] = t[i];
	}
	t[o] = 0;
	if (o != n)
		as_one_word(rd);
}

/* How the recognizer reads a cell of each kind. */
static const enum so_read_mode read_mode_of[SO_KINDS] = {
	[SO_KIND_NONE] = SO_READ_NAMES,
	[SO_KIND_NUMBER] = SO_READ_CELL,
	[SO_KIND_DATE] = SO_READ_CELL,
	[SO_KIND_DATETIME] = SO_READ_CELL,
	[SO_KIND_NAME] = SO_READ_NAMES,
	[SO_KIND_TEXT] = SO_READ_CELL,
	[SO_KIND_SEX] = SO_READ_LINE,
	[SO_KIND_ETHNICITY] = SO_READ_CELL,
	[SO_KIND_NATIONALITY] = SO_READ_CELL,
	[SO_KIND_PLACE] = SO_READ_CELL,
	[SO_KIND_ID_NUMBER] = SO_READ_DIGITS,
	[SO_KIND_ID_DOCUMENT] = SO_READ_CELL,
	[SO_KIND_RELATIONSHIP] = SO_READ_CELL,
	[SO_KIND_BLOCK] = SO_READ_NAMES,
	[SO_KIND_KINSHIP] = SO_READ_NAMES,
	[SO_KIND_CODE] = SO_READ_NAMES,
};

/* Reads one cell of KIND into RD in MODE; an empty cell gives "" without running the
 * recognizer. */
static int read_cell(struct worker *w, const struct so_table *t, int row, int col,
		     enum so_kind kind, enum so_read_mode mode, struct so_reading *rd,
		     struct so_bbox *box, int *marks)
{
	memset(rd, 0, sizeof(*rd));
	*marks = 0;
	BOX *b = so_table_cell_box(t, row, col);
	if (!b) {
		rd->text = so_strdup("");
		return rd->text ? 0 : -1;
	}
	*marks = so_table_marks(t, b);
	box->x0 = b->x;
	box->y0 = b->y;
	box->x1 = b->x + b->w;
	box->y1 = b->y + b->h;
	int r = 0;
	if (so_table_ink(t, b) < scaled(t->text, CELL_EMPTY_INK)) {
		rd->text = so_strdup("");
		r = rd->text ? 0 : -1;
	} else {
		r = so_recognize_cell(w->rec, t->text, b, mode, rd);
		if (r == 0 && kind == SO_KIND_ID_NUMBER)
			squeeze_digits(rd);
		else if (r == 0 && (kind == SO_KIND_NUMBER || kind == SO_KIND_DATE))
			squeeze_separators(rd);
		if (r == 0 && !rd->text[0] && looks_like_dash(t->text, b)) {
			free(rd->text);
			rd->text = so_strdup("-");
			rd->conf = DASH_CONF;
			r = rd->text ? 0 : -1;
		} else if (r == 0 && !rd->text[0] && *marks < SO_WRITTEN_MARKS &&
			   so_table_ink(t, b) >= scaled(t->text, CELL_WRITTEN_INK)) {
			/* ink enough for a word in few marks (a smudge over the writing), and
			 * nothing read: as written in, so that the rules call it unreadable */
			*marks = SO_WRITTEN_MARKS;
		}
	}
	boxDestroy(&b);
	return r;
}

/* The index row must read (1) (2) ... (n) in most of its cells. */
static int check_index_row(struct worker *w, const struct so_table *t, char *why, size_t size)
{
	int match = 0;
	for (int c = 0; c < t->ncols; c++) {
		struct so_reading rd;
		struct so_bbox box;
		int marks;
		if (read_cell(w, t, 1, c, SO_KIND_NONE, SO_READ_INDEX, &rd, &box, &marks) < 0)
			return -1;
		long n = -1;
		const char *p = rd.text;
		while (*p && (*p < '0' || *p > '9'))
			p++;
		if (*p)
			n = strtol(p, NULL, 10);
		match += n == c + 1;
		so_reading_release(&rd);
	}
	if (match < INDEX_MIN_MATCH * t->ncols) {
		snprintf(why, size, "the index row does not read (1) ... (%d): %d of %d cells match",
			 t->ncols, match, t->ncols);
		return 1;
	}
	return 0;
}

/* How well the header row reads as the layout's column titles: mean similarity 0..1 over
 * HEADER_SAMPLE of them. */
#define HEADER_SAMPLE 5
static double header_score(struct worker *w, const struct so_table *t, const struct so_layout *l)
{
	double sum = 0;
	/* a sample of the titles, spread over the row, tells one layout from another as well as
	 * all of them and costs a third */
	int step = t->ncols > HEADER_SAMPLE ? (t->ncols + HEADER_SAMPLE - 1) / HEADER_SAMPLE : 1;
	int read = 0;
	for (int c = 0; c < t->ncols; c += step, read++) {
		struct so_reading rd;
		struct so_bbox box;
		int marks;
		if (read_cell(w, t, 0, c, SO_KIND_NONE, SO_READ_CELL, &rd, &box, &marks) < 0)
			return 0;
		char *got = so_fold(rd.text, NULL), *want = so_fold(l->columns[c].title, NULL);
		so_reading_release(&rd);
		if (got && want) {
			/* the share of the title's words found in the reading */
			int words = 0, found = 0;
			char *save = NULL;
			for (char *wd = strtok_r(want, " ,", &save); wd; wd = strtok_r(NULL, " ,", &save)) {
				words++;
				found += strstr(got, wd) != NULL;
			}
			sum += words ? (double)found / words : 1;
		}
		free(got);
		free(want);
	}
	return read ? sum / read : 0;
}

static int store_field(struct pending_row *r, const char *name, const char *raw, size_t len,
		       double conf, const struct so_bbox *box)
{
	struct pending_put *p = pending_put_add(r);
	if (!p || !(p->name = so_strdup(name)))
		return -1;
	if (raw && len) {
		p->text = so_malloc(len + 1);
		if (!p->text)
			return -1;
		memcpy(p->text, raw, len);
		p->text[len] = 0;
		p->value = so_text_clean(raw, len);
	}
	p->conf = p->text ? conf : -1;
	if (p->text && box) {
		p->box = *box;
		p->boxed = 1;
	}
	return 0;
}

/*
 * Word K of a reading opens a name, so it is a family name. When it is not one as read: the
 * spelling among the letters the recognizer found likely that is one (NGUYÊN / NGUYỄN);
 * failing that, the one family name it spells without its diacritics (TRẤN -> TRẦN), with its
 * confidence lowered to FAMILY_GUESS_CONF so that the rules can send it to review. Uppercase
 * marks are what the recognizer confuses most. Returns 1 when the word changed.
 */
#define FAMILY_GUESS_CONF 0.6f
static int family_name_first(struct so_reading *rd, size_t k)
{
	if (k >= rd->nwords)
		return 0;
	if (so_reading_respell(rd, k, so_is_family_name))
		return 1;
	const struct so_word *w = &rd->words[k];
	char word[128];
	size_t len = w->end - w->start;
	if (len >= sizeof(word))
		return 0;
	memcpy(word, rd->text + w->start, len);
	word[len] = 0;
	if (so_is_family_name(word))
		return 0;
	char *name = so_family_name_unaccented(word);
	int changed = name && so_reading_replace_word(rd, k, name, FAMILY_GUESS_CONF) == 0;
	free(name);
	return changed;
}

/*
 * Digits read again: a date, a date-time, an identity number or a registration number is read
 * again by other models until two readings agree on its canonical value (for dates, of a
 * plausible year). Two readings agreeing, none giving another value, is strong evidence (the
 * confidence rises to AGREED_CONF); two agreeing against another makes that one the reading
 * at TIE_CONF (a tier the calibration weighs). No two alike: the
 * confidence falls to DISAGREED_CONF, and when the first gives no value (or a date of an
 * impossible year) the first later one that does replaces it, for an archivist to look. Other
 * readings giving no value at all teach nothing. A registration number read again never
 * rises: readings alike of a blurred number were seen wrong (151 for 131), and the register's
 * sequence is the better witness. Returns 0 or -1.
 */
#define AGREED_CONF 0.99
#define DISAGREED_CONF 0.4
/* two readings of three or four agreeing, the first two having differed */
#define TIE_CONF 0.97

/* A canonical date (or date-time) of a year that can be in a register: 1850 to this year. */
static int plausible_date(const char *value)
{
	static int this_year;
	if (!this_year) {
		time_t now = time(NULL);
		struct tm tm;
		this_year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 9999;
	}
	int y = atoi(value);
	return y >= 1850 && y <= this_year;
}

/* The readings after the first, in order: the Latin model (better at digits), the second
 * Vietnamese model, and the first model again at half as large again (cell_large), then (for
 * dates) the second model so too. The Latin
 * model is not asked for registration numbers, whose "Số" it reads as digits (S6 178); those
 * are read again only when not cleanly written (see second_opinion). */
struct opinion {
	enum so_model model;
	int same_mode;    /* 0: SO_READ_LARGE */
};

static size_t opinions_for(enum so_kind kind, const struct opinion **out)
{
	static const struct opinion dates[] = { { SO_MODEL_LATIN, 1 }, { SO_MODEL_SECOND, 1 },
						{ SO_MODEL_MAIN, 0 }, { SO_MODEL_SECOND, 0 } };
	static const struct opinion ids[] = { { SO_MODEL_LATIN, 1 }, { SO_MODEL_SECOND, 1 } };
	static const struct opinion numbers[] = { { SO_MODEL_SECOND, 1 }, { SO_MODEL_MAIN, 0 } };
	switch (kind) {
	case SO_KIND_DATE:
	case SO_KIND_DATETIME:
		return *out = dates, SO_ARRAY_SIZE(dates);
	case SO_KIND_ID_NUMBER:
		return *out = ids, SO_ARRAY_SIZE(ids);
	case SO_KIND_NUMBER:
		return *out = numbers, SO_ARRAY_SIZE(numbers);
	default:
		break;
	}
	*out = NULL;
	return 0;
}

#define OPINIONS_MAX 5

/* 1 when TEXT is a registration number as written, and nothing else: "Số" (or "số"), one to
 * five digits, perhaps "/" and a year ("Z1", "G7" or "1912022" are not). */
static int clean_number(const char *text)
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
	while (*p == ' ')
		p++;
	if (*p == '/') {
		p++;
		while (*p == ' ')
			p++;
		for (n = 0; is_digit(p[n]); n++)
			;
		if (n != 4)
			return 0;
		p += n;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	return *p == 0;
}

/* The canonical value of READING as a cell of HOLDS, into *OUT; for dates, a value of an
 * impossible year counts as none, for registration numbers one not written cleanly
 * (clean_number). 0 or -1. */
static int opinion_value(enum so_kind kind, struct so_reading *reading, struct so_canon *out)
{
	if (kind == SO_KIND_ID_NUMBER)
		squeeze_digits(reading);
	memset(out, 0, sizeof(*out));
	if (kind == SO_KIND_NUMBER && !clean_number(reading->text))
		return 0;
	if (so_normalize(kind, reading->text, NULL, out) < 0)
		return -1;
	if (out->value && (kind == SO_KIND_DATE || kind == SO_KIND_DATETIME) &&
	    !plausible_date(out->value)) {
		so_canon_release(out);
		memset(out, 0, sizeof(*out));
	}
	return 0;
}

static int second_opinion(struct worker *w, const struct so_table *t, int row, int col,
			  enum so_kind kind, struct so_reading *rd, double *conf)
{
	const struct opinion *ops;
	size_t nops = opinions_for(kind, &ops);
	/* a registration number is confirmed by the register's sequence (validate); it is only
	 * read again when not cleanly written, to give a better guess for review */
	int number = kind == SO_KIND_NUMBER;
	if (nops == 0 || (number && clean_number(rd->text)))
		return 0;
	BOX *b = so_table_cell_box(t, row, col);
	if (!b)
		return 0;
	struct so_reading readings[OPINIONS_MAX] = { 0 };
	struct so_canon values[OPINIONS_MAX] = { 0 };
	int rc = 0, won = -1, valued = 0;
	size_t n = 1;
	if (so_normalize(kind, rd->text, NULL, &values[0]) < 0) {
		boxDestroy(&b);
		return -1;
	}
	for (size_t i = 0; i < nops && won < 0 && rc == 0; i++, n++) {
		enum so_read_mode h = ops[i].same_mode ? read_mode_of[kind] : SO_READ_LARGE;
		if (so_recognize_with(w->rec, ops[i].model, t->text, b, h, &readings[n]) < 0 ||
		    opinion_value(kind, &readings[n], &values[n]) < 0) {
			rc = -1;
			break;
		}
		valued |= values[n].value != NULL;
		for (size_t k = 0; k < n && won < 0; k++)
			if (values[n].value && values[k].value &&
			    strcmp(values[n].value, values[k].value) == 0)
				won = (int)k;
	}
	boxDestroy(&b);
	if (rc == 0 && won >= 0 && number) {
		*conf = *conf < DISAGREED_CONF ? *conf : DISAGREED_CONF;
	} else if (rc == 0 && won >= 0) {
		/* agreed when no reading gave another value: readings with none are silent */
		int dissent = 0;
		for (size_t k = 0; k < n; k++)
			dissent |= values[k].value && strcmp(values[k].value, values[won].value) != 0;
		*conf = dissent ? TIE_CONF : (*conf > AGREED_CONF ? *conf : AGREED_CONF);
	} else if (rc == 0 && valued) {
		*conf = *conf < DISAGREED_CONF ? *conf : DISAGREED_CONF;
		int first_ok = values[0].value &&
			       (kind != SO_KIND_DATE && kind != SO_KIND_DATETIME ?
				1 : plausible_date(values[0].value));
		for (size_t k = 1; k < n && !first_ok && won < 0; k++)
			if (values[k].value)
				won = (int)k;
	}
	if (won > 0) {
		/* a later reading, whole, in place of the first */
		so_reading_release(rd);
		*rd = readings[won];
		memset(&readings[won], 0, sizeof(readings[won]));
	}
	for (size_t k = 0; k < OPINIONS_MAX; k++) {
		so_reading_release(&readings[k]);
		so_canon_release(&values[k]);
	}
	return rc;
}

/*
 * Corroboration: a value read again another way. The words of a span of a reading are read
 * again one line at a time (a box around each line's words) by another model; their texts,
 * joined by spaces, are compared with the span as first read. Two readings by models that
 * make different mistakes agreeing is evidence the confidence of one reading cannot give.
 */
#define CORROBORATED_CONF 0.99
#define NAME_LETTERS_AGREED_CONF 0.98
#define NAME_SIBLING_CONF 0.97
#define NAME_UNLISTED_CONF 0.9
#define NAME_TWO_OF_THREE_CONF 0.97
#define NAME_MARKS_THIRD_CONF 0.965
#define SPELLED_CONF 0.97
#define STREET_LETTERS_AGREED_CONF 0.95
#define CONTRADICTED_CONF 0.5
#define REREAD_MARGIN 8

static int word_has_digit(const char *text, const struct so_word *wd)
{
	for (size_t i = wd->start; i < wd->end; i++)
		if (is_digit(text[i]))
			return 1;
	return 0;
}

/* Spells a line read again as the kind of text expected (LINE is the line's number, from 0). */
typedef void (*respell_fn)(struct so_reading *rd, int line);

/* The words of RD overlapping [start, end) (only those with a digit when DIGITS), read again
 * by MODEL line by line (in MODE: SO_READ_LINE, or SO_READ_NAME_LINE keeping letters'
 * alternatives), each
 * line respelt by FIX when given, into *out ("" when no word is in the span). 0 or -1. */
static int reread_span(struct worker *w, PIX *page, const struct so_reading *rd, size_t start,
		       size_t end, enum so_model model, enum so_read_mode mode, int digits,
		       respell_fn fix, char **out)
{
	int lines = 0;
	struct so_buf b = SO_BUF_INIT(4096);
	int have = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0, rc = 0;
	size_t last_end = 0;
	l_int32 pw = pixGetWidth(page), ph = pixGetHeight(page);
	*out = NULL;
	for (size_t k = 0; k <= rd->nwords && rc == 0; k++) {
		const struct so_word *wd = k < rd->nwords ? &rd->words[k] : NULL;
		int take = wd && wd->end > start && wd->start < end &&
			   (!digits || word_has_digit(rd->text, wd));
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
			if (!box || so_recognize_with(w->rec, model, page, box, mode, &line) < 0) {
				rc = -1;
			} else {
				if (fix)
					fix(&line, lines);
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

/* A name as compared between readings: case-folded NFC letters, words split by one space;
 * whatever is not a letter is dropped. Caller frees; NULL when out of memory. */
static char *name_key_digits(const char *text, size_t len, int digits);

static char *name_key(const char *text, size_t len)
{
	return name_key_digits(text, len, 0);
}

/* name_key, keeping digits as well when DIGITS. */
static char *name_key_digits(const char *text, size_t len, int digits)
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

/* Words K0 .. K1 - 1 of RD (in a name, after its family name), each respelt as a name word
 * when it is not one and its letters' alternatives spell one (TUẦN -> TUẤN). 1 when a word
 * changed. */
static int name_words_respell(struct so_reading *rd, size_t k0, size_t k1)
{
	int changed = 0;
	for (size_t k = k0; k < k1 && k < rd->nwords; k++)
		changed |= so_reading_respell(rd, k, name_or_family);
	return changed;
}

/* A name read again, spelt as the first reading was: a family name first, then name words. */
static void name_respell(struct so_reading *rd, int line)
{
	if (line == 0)
		family_name_first(rd, 0);
	name_words_respell(rd, line == 0 ? 1 : 0, rd->nwords);
}

/* 1 when the span [start, end) of RD is a name of common words: a family name, then at least
 * one name word (schemas/ref; a family name after the first word does not count). */
static int span_is_common_name(const char *text, size_t start, size_t end)
{
	char *copy = so_malloc(end - start + 1);
	if (!copy)
		return 0;
	memcpy(copy, text + start, end - start);
	copy[end - start] = 0;
	int words = 0, ok = 1;
	char *save = NULL;
	for (char *wd = strtok_r(copy, " \n", &save); wd && ok; wd = strtok_r(NULL, " \n", &save))
		ok = words++ == 0 ? so_is_family_name(wd) : so_is_name_word(wd);
	free(copy);
	return ok && words >= 2;
}

/* 1 when a word of the name in [start, end) of TEXT after its first has a sibling among the
 * name words, the same letters with other marks (Khanh / Khánh). */
static int span_has_sibling(const char *text, size_t start, size_t end)
{
	char *copy = strndup(text + start, end - start), *save = NULL;
	int words = 0, sibling = !copy;
	for (char *wd = copy ? strtok_r(copy, " \n", &save) : NULL; wd && !sibling;
	     wd = strtok_r(NULL, " \n", &save))
		sibling = words++ > 0 && so_name_word_has_sibling(wd);
	free(copy);
	return sibling;
}

/* 1 when a word of the name in [start, end) of RD could as well be another family name (its
 * first word) or name word (the others), by its letters' alternatives (Tân / Tấn). */
static int span_ambiguous(const struct so_reading *rd, size_t start, size_t end)
{
	int first = 1;
	for (size_t k = 0; k < rd->nwords; k++) {
		if (rd->words[k].end <= start || rd->words[k].start >= end)
			continue;
		if (so_reading_ambiguous(rd, k, first ? so_is_family_name : so_is_name_word))
			return 1;
		first = 0;
	}
	return 0;
}

/*
 * How far two names (name_key form) agree: 2 word for word; 1 when every word is the same or
 * the second's is no name word at all and has the first's letters once marks are set aside
 * (THUỲ read THUY: the second model saw the letters and lost a mark, it neither confirms nor
 * contradicts the first's marks); 0 otherwise.
 */
static int names_agree(const char *a, const char *b)
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

/* 1 when A and B are the same letters but for the spaces between words (LÊHỮU / LÊ HỮU): a
 * space lost, not another name. */
static int same_but_spacing(const char *a, const char *b)
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

/* 1 when names (name_key form) LOSER and WINNER differ at some word where DECISIVE(loser's
 * word, winner's word) holds, or in their number of words; never when they differ only by
 * spaces (same_but_spacing). */
static int differs_where(const char *loser, const char *winner,
			 int (*decisive)(const char *lw, const char *ww))
{
	if (same_but_spacing(loser, winner))
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

/* 1 when, where LOSER and WINNER differ, LOSER's word is a name word or family name too
 * (Khanh / Khánh, Võ / Vũ): two readings against one do not settle between two names. */
static int loses_a_name(const char *loser, const char *winner)
{
	return differs_where(loser, winner, loser_word_is_name);
}

/* 1 when, where LOSER and WINNER differ, WINNER's word is one mark from another name word
 * (Thuỷ / Thuỳ): the readings disagree where the marks decide. */
static int disputed_sibling(const char *loser, const char *winner)
{
	return differs_where(loser, winner, winner_word_has_sibling);
}

/*
 * A name read again by the second Vietnamese model. Two readings the same, of common name
 * words, raise *CONF to CORROBORATED_CONF (less when they agree on the letters only, see
 * names_agree, or when a word is one mark from another name word: tiers the calibration
 * weighs); the same, of other words, cap it at NAME_UNLISTED_CONF. When they differ, the main
 * model reads the name a third time, line by line (its first reading, of the whole cell, is
 * the one most often astray): two readings of three that agree on a name of common words
 * give NAME_TWO_OF_THREE_CONF, unless the odd one out reads another name there (Khanh /
 * Khánh), which leaves CONTRADICTED_CONF. A name whose letters' alternatives spell another
 * name (Thuỷ / Thuý, Tân / Tấn) is not common here: three readings alike were seen wrong on
 * blurred pages. Two readings alike of words no name is made of are read a third time too:
 * when the third gives common name words of the same letters (HOANG -> HOÀNG), it is the
 * reading at NAME_MARKS_THIRD_CONF. When the second or third reading wins, or the second is
 * alone a name of common words, *BETTER (if given) is set to it (the caller frees).
 */
static int corroborate_name(struct worker *w, PIX *page, const struct so_reading *rd,
			    size_t start, size_t end, double *conf, char **better)
{
	if (better)
		*better = NULL;
	if (end <= start)
		return 0;
	char *again = NULL, *third = NULL, *c = NULL;
	if (reread_span(w, page, rd, start, end, SO_MODEL_SECOND, SO_READ_NAME_LINE, 0, name_respell,
			&again) < 0)
		return -1;
	char *a = name_key(rd->text + start, end - start), *b = name_key(again, strlen(again));
	int rc = a && b ? 0 : -1;
	int listed = rc == 0 && span_is_common_name(rd->text, start, end);
	int common = listed && !span_ambiguous(rd, start, end);
	int agree = rc == 0 ? names_agree(a, b) : 0;
	if (rc == 0 && (!agree || !listed) &&
	    (reread_span(w, page, rd, start, end, SO_MODEL_MAIN, SO_READ_NAME_LINE, 0, name_respell,
			 &third) < 0 ||
	     !(c = name_key(third, strlen(third)))))
		rc = -1;
	if (rc == 0 && agree && common) {
		/* the evidence in tiers, for the calibration to weigh */
		int sibling = span_has_sibling(rd->text, start, end);
		double to = agree == 2 ? CORROBORATED_CONF : NAME_LETTERS_AGREED_CONF;
		if (sibling)
			to = agree == 2 ? NAME_SIBLING_CONF : NAME_SIBLING_CONF - 0.01;
		if (*conf < to)
			*conf = to;
	} else if (rc == 0 && agree && !listed && span_is_common_name(third, 0, strlen(third)) &&
		   !disputed_sibling(a, c) && names_agree(c, a) && names_agree(c, b)) {
		/* read alike but for marks both lost on words that are no names (HOANG, HAI),
		 * which the third reading gives as a name of common words (HOÀNG, HẢI) */
		*conf = NAME_MARKS_THIRD_CONF;
		if (better) {
			*better = third;
			third = NULL;
		}
	} else if (rc == 0 && agree) {
		/* read alike, but not of the common names: an archivist looks */
		if (*conf > NAME_UNLISTED_CONF)
			*conf = NAME_UNLISTED_CONF;
	} else if (rc == 0) {
		int first = common && strcmp(a, c) == 0;
		int second = !first && strcmp(b, c) == 0 &&
			     span_is_common_name(again, 0, strlen(again));
		/* two of three do not settle a word one mark from another name (Thuỷ / Thuỳ) */
		first = first && !loses_a_name(b, a) && !disputed_sibling(b, a);
		second = second && !loses_a_name(a, b) && !disputed_sibling(a, b);
		if (first || second)
			*conf = NAME_TWO_OF_THREE_CONF;
		else if (*conf > CONTRADICTED_CONF)
			*conf = CONTRADICTED_CONF;
		/* the second reading is the better guess when it wins, or when only it is a
		 * name of common words */
		if (better && (second || (!first && !span_is_common_name(rd->text, start, end) &&
					  span_is_common_name(again, 0, strlen(again))))) {
			*better = again;
			again = NULL;
		}
	}
	free(a);
	free(b);
	free(c);
	free(third);
	free(again);
	return rc;
}

static char *digits_of(const char *s, size_t len)
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

/* TEXT with its runs of digits replaced by DIGITS: run by run when they are as many in all,
 * the one run whole when there is one. Caller frees; NULL when neither fits. */
static char *with_digits(const char *text, size_t len, const char *digits)
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

/*
 * The digits of a span (a date or an identity document inside a composite cell) read again by
 * the Latin model, as second_opinion does for whole cells: alike, AGREED_CONF. When they
 * differ, the second Vietnamese model reads them a third time: siding with the first, TIE_CONF;
 * with the Latin reading, TIE_CONF and that reading's digits in the span's text into *BETTER
 * (when given and they fit, see with_digits; the caller frees); with neither, DISAGREED_CONF.
 */
static int corroborate_digits(struct worker *w, PIX *page, const struct so_reading *rd,
			      size_t start, size_t end, double *conf, char **better)
{
	if (better)
		*better = NULL;
	char *again = NULL, *third = NULL, *c = NULL;
	if (reread_span(w, page, rd, start, end, SO_MODEL_LATIN, SO_READ_LINE, 1, NULL, &again) < 0)
		return -1;
	char *a = digits_of(rd->text + start, end - start), *b = digits_of(again, strlen(again));
	int rc = a && b ? 0 : -1;
	if (rc == 0 && a[0] && b[0] && strcmp(a, b) == 0) {
		*conf = *conf > AGREED_CONF ? *conf : AGREED_CONF;
	} else if (rc == 0 && a[0] && b[0]) {
		if (reread_span(w, page, rd, start, end, SO_MODEL_SECOND, SO_READ_LINE, 1, NULL,
				&third) < 0 || !(c = digits_of(third, strlen(third))))
			rc = -1;
		else if (strcmp(c, a) == 0)
			*conf = TIE_CONF;
		else if (strcmp(c, b) == 0 && better &&
			 (*better = with_digits(rd->text + start, end - start, b)))
			*conf = TIE_CONF;
		else
			*conf = *conf < DISAGREED_CONF ? *conf : DISAGREED_CONF;
	}
	free(a);
	free(b);
	free(c);
	free(third);
	free(again);
	return rc;
}

/* A free text that is one of those known for FIELD (so_text_listed) stands on the list: its
 * confidence rises to CORROBORATED_CONF, once its digits, if any, are read alike by the Latin
 * model. Returns 1 when the text is listed, 0 when not, -1 on failure. */
static int corroborate_listed(struct worker *w, PIX *page, const struct so_reading *rd,
			      const char *field, size_t start, size_t end, double *conf)
{
	char *text = so_malloc(end - start + 1);
	if (!text)
		return -1;
	memcpy(text, rd->text + start, end - start);
	text[end - start] = 0;
	int listed = so_text_listed(field, text), digits = 0;
	for (const char *p = text; *p && !digits; p++)
		digits = is_digit(*p);
	free(text);
	if (!listed)
		return 0;
	if (digits)
		return corroborate_digits(w, page, rd, start, end, conf, NULL) < 0 ? -1 : 1;
	if (*conf < CORROBORATED_CONF)
		*conf = CORROBORATED_CONF;
	return 1;
}

/* 1 when the span [start, end) of RD, read again by the second Vietnamese model, gives SPELLED
 * (letters and digits, case aside): the listed spelling a misread mark or letter case was taken
 * for is then what the page says. 0 when not, -1 on failure. */
static int spelled_read_again(struct worker *w, PIX *page, const struct so_reading *rd,
			      size_t start, size_t end, const char *spelled)
{
	char *again = NULL;
	if (reread_span(w, page, rd, start, end, SO_MODEL_SECOND, SO_READ_LINE, 0, NULL, &again) < 0)
		return -1;
	char *a = name_key_digits(spelled, strlen(spelled), 1);
	char *b = name_key_digits(again, strlen(again), 1);
	int rc = a && b ? strcmp(a, b) == 0 : -1;
	free(a);
	free(b);
	free(again);
	return rc;
}

/* A free-text cell: corroborated by its list; when it spells a listed text but for case and
 * marks, that text in place of the reading, corroborated as listed when the second model reads
 * it so, else at most SPELLED_CONF: the letters of a closed list's entry, its marks misread (Ưng
 * thư gan, Đột quy), a tier the calibration weighs. */
static int text_field(struct worker *w, PIX *page, struct so_reading *rd, const char *field,
		      double *conf)
{
	int listed = corroborate_listed(w, page, rd, field, 0, strlen(rd->text), conf);
	if (listed != 0)
		return listed < 0 ? -1 : 0;
	char *spelled = so_text_spelled(field, rd->text);
	if (!spelled)
		return 0;
	int again = spelled_read_again(w, page, rd, 0, strlen(rd->text), spelled);
	free(rd->text);
	rd->text = spelled;
	as_one_word(rd);
	if (again < 0)
		return -1;
	if (corroborate_listed(w, page, rd, field, 0, strlen(rd->text), conf) < 0)
		return -1;
	if (!again && *conf > SPELLED_CONF)
		*conf = SPELLED_CONF;
	if (rd->nwords)
		rd->words[0].conf = (float)*conf;
	return 0;
}

/* A place made canonical with the units of either list (the ocr stage does not judge dates:
 * the old list first, then the new). 0 or -1. */
static int place_canon(const char *text, struct so_canon *out)
{
	if (so_normalize(SO_KIND_PLACE, text, NULL, out) < 0)
		return -1;
	if (out->value)
		return 0;
	so_canon_release(out);
	struct so_norm_ctx reform = { SO_UNITS_REFORM_DATE };
	return so_normalize(SO_KIND_PLACE, text, &reform, out);
}

/* Letters and digits of TEXT, case-folded, words split by one space, without a leading "số"
 * (how two readings of a street are compared). Caller frees. */
static char *street_key(const char *text)
{
	char *k = name_key_digits(text, strlen(text), 1);
	if (k && strncmp(k, "số ", strlen("số ")) == 0)
		memmove(k, k + strlen("số "), strlen(k) - strlen("số ") + 1);
	return k;
}

/* 1 when TEXT has a word with neither letter nor digit ("Trần Hưng __ Đạo", "Văn - Linh"):
 * a speck or a stroke the readings may both skip, left in the value. */
static int has_stray_token(const char *text)
{
	char *copy = so_strdup(text), *save = NULL;
	int stray = 0;
	for (char *t = copy ? strtok_r(copy, " ,", &save) : NULL; t && !stray;
	     t = strtok_r(NULL, " ,", &save)) {
		char *k = name_key_digits(t, strlen(t), 1);
		stray = !k || !k[0];
		free(k);
	}
	free(copy);
	return stray || !copy;
}

/* The street part of a canonical place: what comes before its commune (Phường, Xã, Thị
 * trấn). Caller frees; "" when there is none, NULL when out of memory. */
static char *street_of(const char *value)
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

/* 1 when street A (street_key form) and the start of B, as many words, are the same letters,
 * B with fewer marks (bytes): the second reading lost marks the first has (Trân / Trần), the
 * usual mistake, rather than the first making them up. */
static int street_marks_lost(const char *a, const char *b)
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

/*
 * A place read again by the second Vietnamese model. Its units are checked by the lists; what
 * the second reading speaks for is the rest: a street before exactly matched units read alike
 * (letters and digits), or units matched inexactly (a mark misread) giving the same canonical
 * place. Either raises *CONF to CORROBORATED_CONF; a street whose marks only the second
 * reading lost, to STREET_LETTERS_AGREED_CONF (a tier the calibration weighs). A place that is
 * its units alone, matched exactly, stands on the lists already. One that names no unit, or
 * not surely, falls to CONTRADICTED_CONF, and when the second reading names its units exactly,
 * *BETTER is set to that reading (the caller frees): corroborated when it gives the same commune
 * and street as the first.
 */
static int corroborate_place(struct worker *w, PIX *page, const struct so_reading *rd,
			     size_t start, size_t end, double *conf, char **better)
{
	*better = NULL;
	char *text = strndup(rd->text + start, end - start);
	if (!text)
		return so_error("out of memory");
	struct so_canon a, b;
	int rc = place_canon(text, &a);
	free(text);
	if (rc < 0)
		return -1;
	if (!a.value || a.problem) {
		/* no unit found, or not surely: abroad, or a unit misread. The second model's
		 * reading, when it names its units exactly, is the better guess; it confirms the
		 * first when both name the same commune with the same street. */
		if (*conf > CONTRADICTED_CONF)
			*conf = CONTRADICTED_CONF;
		char *again = NULL;
		rc = reread_span(w, page, rd, start, end, SO_MODEL_SECOND, SO_READ_LINE, 0, NULL, &again);
		if (rc == 0 && place_canon(again, &b) < 0)
			rc = -1;
		else if (rc == 0) {
			if (b.value && !b.problem && b.match >= 0.999 && !has_stray_token(b.value)) {
				char *sa = a.value ? street_of(a.value) : NULL;
				char *sb = street_of(b.value);
				char *ka = sa ? street_key(sa) : NULL, *kb = sb ? street_key(sb) : NULL;
				if (a.value && a.code && b.code && strcmp(a.code, b.code) == 0 && ka &&
				    kb && strcmp(ka, kb) == 0)
					*conf = CORROBORATED_CONF;
				*better = again;
				again = NULL;
				free(sa);
				free(sb);
				free(ka);
				free(kb);
			}
			so_canon_release(&b);
		}
		free(again);
		so_canon_release(&a);
		return rc;
	}
	if (a.verified || *conf >= CORROBORATED_CONF) {
		so_canon_release(&a);
		return 0;
	}
	char *street = street_of(a.value);
	if (!street || (street[0] && a.match < 0.999)) {
		/* a street before units matched inexactly is not corroborated */
		rc = street ? 0 : -1;
		free(street);
		so_canon_release(&a);
		return rc;
	}
	char *again = NULL;
	rc = reread_span(w, page, rd, start, end, SO_MODEL_SECOND, SO_READ_LINE, 0, NULL, &again);
	if (rc == 0 && street[0] && !has_stray_token(street)) {
		char *ka = street_key(street), *kb = street_key(again);
		size_t la = ka ? strlen(ka) : 0;
		if (!ka || !kb)
			rc = -1;
		else if (la && strncmp(ka, kb, la) == 0 && (kb[la] == ' ' || !kb[la]))
			*conf = CORROBORATED_CONF;
		else if (la && street_marks_lost(ka, kb) && *conf < STREET_LETTERS_AGREED_CONF)
			*conf = STREET_LETTERS_AGREED_CONF;
		free(ka);
		free(kb);
	} else if (rc == 0) {
		if (place_canon(again, &b) < 0) {
			rc = -1;
		} else {
			if (b.value && !b.problem && strcmp(a.value, b.value) == 0 &&
			    b.code && a.code && strcmp(a.code, b.code) == 0)
				*conf = CORROBORATED_CONF;
			so_canon_release(&b);
		}
	}
	free(again);
	free(street);
	so_canon_release(&a);
	return rc;
}

/* RD replaced by BETTER (when given; taken over), as one word at CONF. */
static void take_better(struct so_reading *rd, char *better, double conf)
{
	if (!better)
		return;
	free(rd->text);
	rd->text = better;
	as_one_word(rd);
	if (rd->nwords)
		rd->words[0].conf = (float)conf;
}

/* A corroboration of the span [start, end) of a reading: *CONF raised or lowered, and *BETTER
 * set to a better reading of the span when there is one (corroborate_name, _digits, _place). */
typedef int (*corroborate_fn)(struct worker *w, PIX *page, const struct so_reading *rd,
			      size_t start, size_t end, double *conf, char **better);

/* A whole cell (a name, an identity document, a place): corroborated by FN, or replaced by the
 * better reading it found. 0 or -1. */
static int whole_cell(struct worker *w, PIX *page, struct so_reading *rd, double *conf,
		      corroborate_fn fn)
{
	char *better = NULL;
	if (fn(w, page, rd, 0, strlen(rd->text), conf, &better) < 0)
		return -1;
	take_better(rd, better, *conf);
	return 0;
}

/* Drops the words K0 .. K1 - 1 of RD that have no letter ("_", "„,"), but for the first and the
 * last when INTERIOR (the edges of a name in a composite cell are the parser's). Returns how
 * many were dropped. */
static size_t drop_letterless(struct so_reading *rd, size_t k0, size_t k1, int interior)
{
	size_t dropped = 0, edge = interior ? 1 : 0;
	for (size_t k = k0 + edge; k + edge < k1 - dropped && k < rd->nwords;) {
		const struct so_word *wd = &rd->words[k];
		int letter = 0;
		const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)rd->text + wd->start;
		const utf8proc_uint8_t *e = (const utf8proc_uint8_t *)rd->text + wd->end;
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		while (!letter && p < e && (n = utf8proc_iterate(p, e - p, &cp)) > 0) {
			letter = utf8proc_isupper(cp) || utf8proc_islower(cp);
			p += n;
		}
		if (!letter && rd->nwords > 1 && so_reading_drop_word(rd, k) == 0) {
			dropped++;
			continue;
		}
		k++;
	}
	return dropped;
}

/* The first word of RD that starts at or after byte START; rd->nwords when none. */
static size_t word_at(const struct so_reading *rd, size_t start)
{
	size_t k = 0;
	while (k < rd->nwords && rd->words[k].start < start)
		k++;
	return k;
}

/* The confidence of an issuer spelt to its listed text (SPELLED, read so by the second model
 * when AGAIN): as a spelt text (text_field), unless digits or a commune named by a letter or
 * two (Phường I) could as well be a misread digit; then at most DISAGREED_CONF. */
static double spelled_issuer_conf(const char *spelled, int again, double fc)
{
	int digits = 0;
	for (const char *q = spelled; *q && !digits; q++)
		digits = is_digit(*q);
	const char *last = strrchr(spelled, ' ');
	int short_name = last && strlen(last + 1) <= 2;
	if (again)
		return CORROBORATED_CONF;
	if (!digits && !short_name)
		return SPELLED_CONF;
	return fc >= 0 && fc < DISAGREED_CONF ? fc : DISAGREED_CONF;
}

/*
 * Stores sub-field NAME (SUB: "full_name", ...) of a composite cell read as RD, the span SP of
 * its text, after its other readings: names (corroborate_name), dates and documents
 * (corroborate_digits), residences (corroborate_place), each stored as the better reading one
 * of those found when it found one; issuers by their lists (a misspelt one takes its listed
 * spelling, see spelled_issuer_conf). 0 or -1.
 */
static int subfield(struct worker *w, const struct so_table *t, struct pending_row *record,
		    struct so_reading *rd, const char *name, const char *sub,
		    const struct so_span *sp, const struct so_bbox *cell)
{
	struct so_bbox fb = *cell;
	double fc = so_reading_span(rd, sp->start, sp->end, &fb.x0, &fb.y0, &fb.x1, &fb.y1);
	char *spelled = NULL;
	int r = 0, listed = 0;
	if (fc < 0)
		r = 0;
	else if (strcmp(sub, "full_name") == 0)
		r = corroborate_name(w, t->text, rd, sp->start, sp->end, &fc, &spelled);
	else if (strcmp(sub, "birth_date") == 0 || strcmp(sub, "id_document") == 0 ||
		 strcmp(sub, "date") == 0)
		r = corroborate_digits(w, t->text, rd, sp->start, sp->end, &fc, &spelled);
	else if (strcmp(sub, "issuer") == 0)
		r = listed = corroborate_listed(w, t->text, rd, name, sp->start, sp->end, &fc);
	else if (strcmp(sub, "residence") == 0)
		r = corroborate_place(w, t->text, rd, sp->start, sp->end, &fc, &spelled);
	if (r < 0) {
		free(spelled);
		return -1;
	}
	int again = 0;
	if (strcmp(sub, "issuer") == 0 && !listed) {
		char *span = strndup(rd->text + sp->start, sp->end - sp->start);
		spelled = span ? so_text_spelled(name, span) : NULL;
		free(span);
		if (spelled &&
		    (again = spelled_read_again(w, t->text, rd, sp->start, sp->end, spelled)) < 0) {
			free(spelled);
			return -1;
		}
		if (spelled)
			fc = spelled_issuer_conf(spelled, again, fc);
	}
	if (spelled) {
		/* the better reading a corroboration found, at the confidence it gave */
		r = store_field(record, name, spelled, strlen(spelled), fc, &fb);
		free(spelled);
		return r;
	}
	return store_field(record, name, rd->text + sp->start, sp->end - sp->start,
			   fc >= 0 ? fc : rd->conf, &fb);
}

/* Reads one entry row into a record (in the caller's transaction). */
static int read_row(struct worker *w, const struct so_table *t, const struct so_layout *l,
		    struct pending_page *pp, int row)
{
	struct so_bbox rbox = { t->x[0], t->y[row], t->x[t->ncols], t->y[row + 1] };
	struct pending_row *record = pending_row_add(pp, row - SO_TABLE_HEAD_ROWS + 1, &rbox);
	if (!record)
		return -1;
	for (int c = 0; c < t->ncols; c++) {
		const struct so_column *col = &l->columns[c];
		struct so_reading rd;
		struct so_bbox box;
		int marks;
		if (read_cell(w, t, row, c, col->holds, read_mode_of[col->holds], &rd, &box, &marks) < 0)
			return -1;
		struct so_parsed p;
		if (col->kind == SO_COLUMN_COMPOSITE &&
		    so_composite_parse(col->parser, rd.text, &p) < 0) {
			so_reading_release(&rd);
			return -1;
		}
		/* a name starts with its family name, and goes on with name words; marks with
		 * no letter between its words are specks, not writing */
		if (col->kind == SO_COLUMN_FIELD && col->holds == SO_KIND_NAME) {
			drop_letterless(&rd, 0, rd.nwords, 0);
			family_name_first(&rd, 0);
			name_words_respell(&rd, 1, rd.nwords);
		} else if (col->kind == SO_COLUMN_COMPOSITE) {
			for (size_t j = 0; j < p.n; j++) {
				if (strcmp(p.spans[j].sub, "full_name") != 0)
					continue;
				size_t k0 = word_at(&rd, p.spans[j].start);
				size_t k1 = word_at(&rd, p.spans[j].end);
				size_t dropped = drop_letterless(&rd, k0, k1, 1);
				k1 -= dropped;
				int changed = dropped > 0;
				changed |= family_name_first(&rd, k0);
				changed |= name_words_respell(&rd, k0 + 1, k1);
				if (changed && so_composite_parse(col->parser, rd.text, &p) < 0) {
					so_reading_release(&rd);
					return -1;
				}
				break;
			}
		}
		int x0, y0, x1, y1;
		double conf = so_reading_span(&rd, 0, strlen(rd.text), &x0, &y0, &x1, &y1);
		if (conf < 0)
			conf = rd.conf;
		if (col->kind == SO_COLUMN_FIELD && rd.text[0] &&
		    (second_opinion(w, t, row, c, col->holds, &rd, &conf) < 0 ||
		     (col->holds == SO_KIND_NAME &&
		      whole_cell(w, t->text, &rd, &conf, corroborate_name) < 0) ||
		     (col->holds == SO_KIND_ID_DOCUMENT &&
		      whole_cell(w, t->text, &rd, &conf, corroborate_digits) < 0) ||
		     (col->holds == SO_KIND_TEXT &&
		      text_field(w, t->text, &rd, col->field, &conf) < 0) ||
		     (col->holds == SO_KIND_PLACE &&
		      whole_cell(w, t->text, &rd, &conf, corroborate_place) < 0))) {
			so_reading_release(&rd);
			return -1;
		}
		int r = pending_cell(record, c + 1, rd.text[0] ? rd.text : NULL,
				     rd.text[0] ? (conf >= 0 ? conf : rd.conf) : -1, marks, &box);
		if (r == 0 && col->kind == SO_COLUMN_FIELD) {
			r = store_field(record, col->field, rd.text, strlen(rd.text), conf, &box);
		} else if (r == 0) {
			for (size_t k = 0; r == 0 && k < col->nsubfields; k++) {
				char name[160];
				snprintf(name, sizeof(name), "%s.%s", col->prefix, col->subfields[k]);
				const struct so_span *sp = NULL;
				for (size_t j = 0; j < p.n; j++)
					if (strcmp(p.spans[j].sub, col->subfields[k]) == 0)
						sp = &p.spans[j];
				if (!sp) {
					r = store_field(record, name, NULL, 0, -1, NULL);
					continue;
				}
				r = subfield(w, t, record, &rd, name, col->subfields[k], sp, &box);
			}
		}
		so_reading_release(&rd);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int row_has_entry(const struct so_table *t, int row)
{
	long marks = 0;
	for (int c = 0; c < t->ncols && marks < ROW_MIN_MARKS; c++) {
		BOX *b = so_table_cell_box(t, row, c);
		if (b)
			marks += so_table_marks(t, b);
		boxDestroy(&b);
	}
	return marks >= ROW_MIN_MARKS;
}

/* One page. Returns 0 (done or failed, committed), -1 when the store fails. */
static int page_unit(struct worker *w, int64_t page_id, int crashes)
{
	struct so_page page;
	struct so_scan_file file;
	struct so_book book;
	if (so_page_get(w->s, page_id, &page) < 0 || so_scan_file_get(w->s, page.scan_file_id, &file) < 0 ||
	    so_book_get(w->s, file.book_id, &book) < 0)
		return -1;
	char where[300], why[1024] = "";
	snprintf(where, sizeof(where), "%s#%d", file.name, page.page_index + 1);
	double t0 = so_monotonic();
	const struct so_layout *l = NULL;
	PIX *pix = NULL;
	struct so_table t = { 0 };
	struct pending_page pending = { 0 };
	int records = 0, r = 0;

	if (crashes >= OCR_MAX_CRASHES) {
		char state[16], last[256] = "";
		so_unit_state(w->s, SO_OCR_STAGE, page_id, state, sizeof(state), last, sizeof(last));
		snprintf(why, sizeof(why), "reading this page stopped the recognizer %d times "
			 "(last: %s); given up", crashes, last);
		goto finish;
	}
	if (so_fault("ocr-page", where) < 0) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	l = layout_get(w, book.layout);
	if (!l) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", so_store_dir(w->s), page.image);
	pix = pixRead(path);
	if (!pix || pixGetDepth(pix) != 1) {
		snprintf(why, sizeof(why), "cannot read the prepared page '%s'", page.image);
		goto finish;
	}
	if (so_table_find(pix, l, &t) < 0) {
		snprintf(why, sizeof(why), "%s", so_errmsg());
		goto finish;
	}
	int bad = check_index_row(w, &t, why, sizeof(why));
	if (bad < 0) {
		r = -1;
		goto finish;
	}
	if (bad)
		goto finish;
	double header = header_score(w, &t, l);

	for (int row = SO_TABLE_HEAD_ROWS; row < t.nrows; row++) {
		if (!row_has_entry(&t, row))
			continue;
		if (read_row(w, &t, l, &pending, row) < 0) {
			r = -1;
			goto finish;
		}
		records++;
	}
	if (so_store_begin(w->s) < 0) {
		r = -1;
		goto finish;
	}
	if (pending_store(w->s, &pending, file.book_id, page.id) < 0 ||
	    (header < 0.5 && so_event_add(w->s, SO_OCR_STAGE, "warning", where,
					  "the header row reads unlike layout %s (%.0f%% of its "
					  "words found)", l->name, header * 100) < 0) ||
	    so_unit_book_changed(w->s, file.book_id) < 0 ||
	    so_unit_finish(w->s, SO_OCR_STAGE, page_id, NULL) < 0 || so_store_commit(w->s) < 0) {
		so_store_rollback(w->s);
		r = -1;
		goto finish;
	}
	so_progress_log(&w->progress, "'%s' page %d: %d entr%s read, %.1f s", file.name,
			page.page_index + 1, records, records == 1 ? "y" : "ies", so_monotonic() - t0);
finish:
	if (r == 0 && why[0]) {
		/* the page failed: recorded with its reason, the batch goes on */
		if (so_store_begin(w->s) < 0 ||
		    so_unit_finish(w->s, SO_OCR_STAGE, page_id, why) < 0 ||
		    so_event_add(w->s, SO_OCR_STAGE, "error", where, "%s", why) < 0 ||
		    so_store_commit(w->s) < 0) {
			so_store_rollback(w->s);
			r = -1;
		} else {
			so_log_msg("'%s' page %d: failed: %s", file.name, page.page_index + 1, why);
		}
	}
	pending_release(&pending);
	so_table_release(&t);
	pixDestroy(&pix);
	return r;
}

static int ocr_unit(void *ctx, int64_t id, int crashes)
{
	return page_unit(ctx, id, crashes);
}

int so_ocr_worker(const char *batch_dir, const char *lang)
{
	struct worker w = { 0 };
	int code = SO_EXIT_ENV;
	if (so_store_open(batch_dir, 0, &w.s) < 0 || so_recognizer_new(lang, &w.rec) < 0) {
		so_log_err("%s", so_errmsg());
	} else {
		so_progress_init(&w.progress, SO_OCR_STAGE, "pages");
		code = so_stage_work(w.s, SO_OCR_STAGE, ocr_unit, &w);
	}
	for (int i = 0; i < w.nlayouts; i++)
		so_layout_free(w.layouts[i].layout);
	so_recognizer_free(w.rec);
	so_store_close(w.s);
	return code;
}

int so_ocr_watch(struct so_store *s, int timeout)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT unit_id, owner FROM stage_units "
					    "WHERE stage = 'ocr' AND state = 'running' AND "
					    "strftime('%s', 'now') - strftime('%s', claimed_at) > ?1");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, timeout);
	long pids[64];
	int n = 0, rc;
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
		const char *owner = (const char *)sqlite3_column_text(st, 1);
		char h[256];
		long pid;
		if (owner && sscanf(owner, "%255[^:]:%ld:", h, &pid) == 2 && strcmp(h, host) == 0)
			pids[n++] = pid;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return so_store_error(s, "cannot read stage progress");
	char reason[96];
	snprintf(reason, sizeof(reason), "took longer than %d s", timeout);
	for (int i = 0; i < n; i++) {
		/* count it first, so the kill is not reported as an ordinary crash */
		if (so_unit_crashed(s, SO_OCR_STAGE, pids[i], reason) < 0)
			return -1;
		kill((pid_t)pids[i], SIGKILL);
		so_log_msg("a page took longer than %d s: its worker was stopped", timeout);
	}
	return n;
}
