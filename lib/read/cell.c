/* Reading the cells of a register table (see cell.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"
#include "read/cell.h"
#include "read/corroborate.h"
#include "read/evidence.h"
#include "read/handwriting.h"
#include "read/spell.h"
#include "register/fields.h"

/* Ink (pixels at 300 dpi) under which a cell is empty; marks (letters, digits) under which a
 * row holds no entry — specks and stains leave a few marks, an entry dozens. */
#define CELL_EMPTY_INK 20
/* Ink (pixels at 300 dpi) of a few letters: a cell with this much is written in, whatever
 * its marks (a smudge joins them into one). */
#define CELL_WRITTEN_INK 400
#define ROW_MIN_MARKS 8
/* Specks (components of any size) from which a row with few marks holds an entry all the same:
 * print too faint for the binarization leaves each letter in a speck or a few, 60 to hundreds
 * to the row and ten or more in each of its written cells (a quarter of the columns at least,
 * two at least), where scan noise leaves a few in each cell of an empty row, and a seal or a
 * stain all of its specks in one cell. Read, its fields go to a person. Between two entries
 * (a book is filled in order, a row left empty there is rare) an eighth of the columns, two
 * at least, is enough: faint print damaged further (a blot over some cells, specks lost to
 * the threshold) keeps its specks in fewer cells, and a seal or a stain still has one. */
#define ROW_FAINT_SPECKS 60
#define CELL_FAINT_SPECKS 10
/* Share of the index row that must read as (1)...(n), and mean share of the header titles'
 * words that must be found, for the page's layout to stand without an archivist's look. */
#define INDEX_MIN_MATCH 0.6
#define HEADER_MIN_WORDS 0.65
/* A header whose titles read this well names the book by itself: the index row only numbers
 * the columns the grid has already counted, so such a page stands even when its index row is
 * faint, missing or unreadable (printings differ; REGISTERS.md, "How clerks really write").
 * Both chosen on the tuned families only (tests/bench/sets.sh): their right pages read 0.8 to
 * 1, a 15-column page filed under the other 15-column book 0.3 to 0.52. */
#define HEADER_SURE_WORDS 0.75
/* Header titles read to score the header row: a sample, spread over the row, tells one
 * layout from another as well as all of them and costs a third. */
#define HEADER_SAMPLE 5

/* How a cell of each kind is read, and spelt as the kind is written. */
static const struct kind_reading {
	enum so_read_mode mode;
	void (*squeeze)(struct so_reading *rd);  /* the reading made whole (a wrapped number) */
	/* words K0 .. K1 - 1 respelt (see so_spell_name); 1 when one changed */
	int (*spell)(struct so_reading *rd, size_t k0, size_t k1, int interior);
} by_kind[SO_KINDS] = {
	[SO_KIND_NONE] = { SO_READ_NAMES, NULL, NULL },
	[SO_KIND_NUMBER] = { SO_READ_CELL, so_spell_separators, NULL },
	[SO_KIND_DATE] = { SO_READ_CELL, so_spell_separators, NULL },
	[SO_KIND_DATETIME] = { SO_READ_CELL, NULL, NULL },
	/* a name starts with its family name and goes on with name words; marks with no
	 * letter between its words are specks, not writing */
	[SO_KIND_NAME] = { SO_READ_NAMES, NULL, so_spell_name },
	[SO_KIND_TEXT] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_SEX] = { SO_READ_LINE, NULL, NULL },
	[SO_KIND_ETHNICITY] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_NATIONALITY] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_PLACE] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_ID_NUMBER] = { SO_READ_DIGITS, so_spell_digits, NULL },
	[SO_KIND_ID_DOCUMENT] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_RELATIONSHIP] = { SO_READ_CELL, NULL, NULL },
	[SO_KIND_BLOCK] = { SO_READ_NAMES, NULL, NULL },
	[SO_KIND_KINSHIP] = { SO_READ_NAMES, NULL, NULL },
	[SO_KIND_CODE] = { SO_READ_NAMES, NULL, NULL },
};

static const struct kind_reading *reading_of(enum so_kind kind)
{
	return &by_kind[kind >= 0 && kind < SO_KINDS ? kind : SO_KIND_NONE];
}

static int scaled(PIX *page, int px300)
{
	l_int32 dpi = 300, dummy;
	pixGetResolution(page, &dpi, &dummy);
	long v = (long)px300 * (dpi > 0 ? dpi : 300) * (dpi > 0 ? dpi : 300) / (300L * 300L);
	return v < 1 ? 1 : (int)v;
}

/* A cell with a little ink that the recognizer returns nothing for: a dash ("not
 * applicable") when the ink is one short flat stroke — a shape (SO_TIER_DASH). */
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

/* Reads cell (ROW, COL) of T, of KIND, into RD in MODE, with its box and marks; an empty cell
 * gives "" without running the recognizer. 0 or -1. */
static int read_cell(const struct so_cell_reader *r, const struct so_table *t, int row, int col,
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
	int ink = 0;
	so_table_ink_marks(t, b, &ink, marks);
	box->x0 = b->x;
	box->y0 = b->y;
	box->x1 = b->x + b->w;
	box->y1 = b->y + b->h;
	int rc = 0;
	if (ink < scaled(t->text, CELL_EMPTY_INK)) {
		rd->text = so_strdup("");
		rc = rd->text ? 0 : -1;
	} else {
		rc = so_recognize_cell(r->rec, t->text, b, mode, rd);
		if (rc == 0 && reading_of(kind)->squeeze)
			reading_of(kind)->squeeze(rd);
		if (rc == 0 && !rd->text[0] && looks_like_dash(t->text, b)) {
			free(rd->text);
			rd->text = so_strdup("-");
			rd->conf = so_tier_conf(SO_TIER_DASH);
			rc = rd->text ? 0 : -1;
		} else if (rc == 0 && !rd->text[0] && *marks < SO_WRITTEN_MARKS &&
			   ink >= scaled(t->text, CELL_WRITTEN_INK)) {
			/* ink enough for a word in few marks (a smudge over the writing), and
			 * nothing read: as written in, so that the rules call it unreadable */
			*marks = SO_WRITTEN_MARKS;
		}
	}
	boxDestroy(&b);
	return rc;
}

/* The cells of the index row of T that read as their number: "(3)" in the third (none when
 * the table has no index row). -1 when the recognizer fails. */
static int index_row_read(const struct so_cell_reader *r, const struct so_table *t)
{
	int match = 0;
	if (t->head_rows < SO_TABLE_HEAD_ROWS)
		return 0;
	for (int c = 0; c < t->ncols; c++) {
		struct so_reading rd;
		struct so_bbox box;
		int marks;
		if (read_cell(r, t, 1, c, SO_KIND_NONE, SO_READ_INDEX, &rd, &box, &marks) < 0)
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
	return match;
}

/* How well the header row of T reads as the titles of layout L: mean share 0..1 of a title's
 * words found in its cell, over a sample of the columns; -1 when the recognizer fails. */
static double header_score(const struct so_cell_reader *r, const struct so_table *t,
			   const struct so_layout *l)
{
	double sum = 0;
	int step = t->ncols > HEADER_SAMPLE ? (t->ncols + HEADER_SAMPLE - 1) / HEADER_SAMPLE : 1;
	int read = 0;
	for (int c = 0; c < t->ncols; c += step, read++) {
		struct so_reading rd;
		struct so_bbox box;
		int marks;
		if (read_cell(r, t, 0, c, SO_KIND_NONE, SO_READ_CELL, &rd, &box, &marks) < 0)
			return -1;
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

void so_layout_judge(struct so_page_layout *pl, const struct so_layout *l)
{
	pl->index_poor = (!pl->index_cells || pl->index_read < INDEX_MIN_MATCH * pl->index_cells) &&
			 pl->header < HEADER_SURE_WORDS;
	pl->header_poor = pl->header < HEADER_MIN_WORDS;
	pl->doubt[0] = '\0';
	if (pl->index_poor && !pl->index_cells)
		snprintf(pl->doubt, sizeof(pl->doubt), "the table has no index row (1) ... (%zu): "
			 "its entries start right under the header", l->ncolumns);
	else if (pl->index_poor)
		snprintf(pl->doubt, sizeof(pl->doubt),
			 "the index row reads %d of %d cells as (1) ... (%d)", pl->index_read,
			 pl->index_cells, pl->index_cells);
	if (pl->header_poor) {
		size_t n = strlen(pl->doubt);
		snprintf(pl->doubt + n, sizeof(pl->doubt) - n,
			 "%sthe header row reads unlike layout %s (%.0f%% of its title words found)",
			 n ? "; " : "", l->name, pl->header * 100);
	}
}

int so_layout_evidence(const struct so_cell_reader *r, const struct so_table *t,
		       const struct so_layout *l, struct so_page_layout *out)
{
	memset(out, 0, sizeof(*out));
	out->index_cells = t->head_rows < SO_TABLE_HEAD_ROWS ? 0 : t->ncols;
	out->index_read = index_row_read(r, t);
	out->header = out->index_read < 0 ? -1 : header_score(r, t, l);
	if (out->index_read < 0 || out->header < 0)
		return -1;
	so_layout_judge(out, l);
	return 0;
}

enum so_row_ink so_row_ink(const struct so_table *t, int row)
{
	long marks = 0;
	for (int c = 0; c < t->ncols && marks < ROW_MIN_MARKS; c++) {
		BOX *b = so_table_cell_box(t, row, c);
		if (b)
			marks += so_table_marks(t, b);
		boxDestroy(&b);
	}
	if (marks >= ROW_MIN_MARKS)
		return SO_ROW_ENTRY;
	long specks = 0;
	int cells = 0;
	for (int c = 0; c < t->ncols; c++) {
		BOX *b = so_table_cell_box(t, row, c);
		int n = b ? so_table_specks(t, b) : 0;
		boxDestroy(&b);
		specks += n;
		cells += n >= CELL_FAINT_SPECKS;
	}
	if (specks < ROW_FAINT_SPECKS)
		return SO_ROW_EMPTY;
	int quarter = (t->ncols + 3) / 4 > 2 ? (t->ncols + 3) / 4 : 2;
	int eighth = (t->ncols + 7) / 8 > 2 ? (t->ncols + 7) / 8 : 2;
	return cells >= quarter ? SO_ROW_ENTRY : cells >= eighth ? SO_ROW_FAINT : SO_ROW_EMPTY;
}

void so_row_read_release(struct so_row_read *r)
{
	for (size_t k = 0; k < r->n; k++) {
		free(r->v[k].name);
		free(r->v[k].text);
		free(r->v[k].value);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct so_put *put_add(struct so_row_read *r)
{
	if (SO_ARRAY_GROW(r->v, r->n, r->cap) < 0)
		return NULL;
	struct so_put *p = &r->v[r->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The text read from column COL of the row (so_cell_put's arguments). */
static int put_cell(struct so_row_read *r, int col, const char *text, double conf, int marks,
		    const struct so_bbox *box)
{
	struct so_put *p = put_add(r);
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

/* Field NAME read as the LEN bytes of RAW (none when LEN is 0) at CONF, in BOX. */
static int put_field(struct so_row_read *r, const char *name, const char *raw, size_t len,
		     double conf, const struct so_bbox *box)
{
	struct so_put *p = put_add(r);
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
 * Stores sub-field NAME of KIND of a composite cell read as CX->rd, the span SP of its text,
 * after its other readings (so_corroborate_span), as the better reading one found when it
 * found one, at the confidence it gave. A span with no word is not read again. 0 or -1.
 */
static int put_subfield(struct so_row_read *out, struct so_corroboration *cx, const char *name,
			enum so_kind kind, const struct so_span *sp, const struct so_bbox *cell)
{
	struct so_bbox fb = *cell;
	const struct so_reading *rd = cx->rd;
	double fc = so_reading_span(rd, sp->start, sp->end, &fb.x0, &fb.y0, &fb.x1, &fb.y1);
	char *better = NULL;
	cx->start = sp->start;
	cx->end = sp->end;
	cx->field = name;
	if (fc >= 0 && so_corroborate_span(cx, kind, &fc, &better) < 0) {
		free(better);
		return -1;
	}
	if (better) {
		int rc = put_field(out, name, better, strlen(better), fc, &fb);
		free(better);
		return rc;
	}
	return put_field(out, name, rd->text + sp->start, sp->end - sp->start,
			 fc >= 0 ? fc : rd->conf, &fb);
}

/* Respells the first sub-field of the composite cell RD (parsed as P with PARSER) whose kind
 * is spelt its own way (a name), and parses the cell again when a word changed. 0 or -1. */
static int spell_subfield(struct so_reading *rd, const char *parser, struct so_parsed *p)
{
	for (size_t j = 0; j < p->n; j++) {
		const struct kind_reading *kr = reading_of(so_subfield_kind(p->spans[j].sub));
		if (!kr->spell)
			continue;
		size_t k0 = so_reading_word_at(rd, p->spans[j].start);
		size_t k1 = so_reading_word_at(rd, p->spans[j].end);
		if (kr->spell(rd, k0, k1, 1) && so_composite_parse(parser, rd->text, p) < 0)
			return -1;
		break;
	}
	return 0;
}

/* The sub-fields of composite column COL, read as CX->rd in BOX, into OUT. 0 or -1. */
static int put_subfields(struct so_row_read *out, struct so_corroboration *cx,
			 const struct so_column *col, const struct so_parsed *p,
			 const struct so_bbox *box)
{
	for (size_t k = 0; k < col->nsubfields; k++) {
		char name[160];
		snprintf(name, sizeof(name), "%s.%s", col->prefix, col->subfields[k]);
		const struct so_span *sp = NULL;
		for (size_t j = 0; j < p->n; j++)
			if (strcmp(p->spans[j].sub, col->subfields[k]) == 0)
				sp = &p->spans[j];
		int rc = sp ? put_subfield(out, cx, name, col->subkinds[k], sp, box)
			    : put_field(out, name, NULL, 0, -1, NULL);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Whether cell (ROW, C) of T, read as RD for KIND, is handwritten: its ink and the reading's
 * features, scored (so_hand_decide); blank when nothing was read and it has no mark (a mark
 * the recognizer reads nothing in, a dash written by hand, goes with its row). 0 or -1. */
static int hand_measure(const struct so_table *t, int row, int c, enum so_kind kind,
			const struct so_reading *rd, int marks, struct so_hand_cell *out)
{
	memset(out, 0, sizeof(*out));
	out->score = -1;
	if (!rd->text[0] && !marks)
		return 0;
	BOX *b = so_table_cell_box(t, row, c);
	PIX *clip = b ? pixClipRectangle(t->text, b, NULL) : NULL;
	l_int32 dpi = 300, dummy;
	pixGetResolution(t->text, &dpi, &dummy);
	int rc = clip ? so_hand_ink(clip, dpi, out) : 0;
	if (rc == 0) {
		so_hand_reading(rd, kind, out);
		so_hand_decide(out);
	}
	pixDestroy(&clip);
	boxDestroy(&b);
	return rc;
}

/* Letters the recognizer lost: a line under a signature that crosses the cell, the end of a
 * cell it stopped reading. A component the size of a letter of the reading (its height between
 * UNREAD_LOW and UNREAD_HIGH of the words' median height, no wider than UNREAD_WIDE of it) whose
 * centre no word's box holds (grown by UNREAD_PAD of that height) is a letter not read; with
 * UNREAD_MIN of them the reading is not the cell's whole text, and every value read in it is
 * stored at UNREAD_CONF at most: under every kind's LOW_CONFIDENCE threshold, so that a person
 * reads the cell from the image. A signature or a seal is one or a few large strokes, a speck
 * or a lost mark smaller than a letter: neither counts. */
#define UNREAD_LOW 0.35
#define UNREAD_HIGH 1.3
#define UNREAD_WIDE 2.0
#define UNREAD_PAD 0.25
#define UNREAD_MIN 4
#define UNREAD_CONF 0.5

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The letters of cell (ROW, C) of T that no word of RD covers (see UNREAD_MIN); -1 on no
 * memory. */
static int unread_letters(const struct so_table *t, int row, int c, const struct so_reading *rd)
{
	if (!rd->nwords)
		return 0;
	int *hs = so_calloc(rd->nwords, sizeof(*hs));
	if (!hs)
		return -1;
	for (size_t k = 0; k < rd->nwords; k++)
		hs[k] = rd->words[k].y1 - rd->words[k].y0;
	qsort(hs, rd->nwords, sizeof(*hs), cmp_int);
	double wh = hs[rd->nwords / 2];
	free(hs);
	if (wh <= 0)
		return 0;
	BOX *b = so_table_cell_box(t, row, c);
	PIX *clip = b ? pixClipRectangle(t->text, b, NULL) : NULL;
	BOXA *boxa = clip ? pixConnComp(clip, NULL, 8) : NULL;
	int lost = 0, pad = (int)(UNREAD_PAD * wh + 0.5);
	for (int i = 0; boxa && i < boxaGetCount(boxa); i++) {
		l_int32 x, y, w, h;
		boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
		if (h < UNREAD_LOW * wh || h > UNREAD_HIGH * wh || w > UNREAD_WIDE * wh)
			continue;
		int cx = b->x + x + w / 2, cy = b->y + y + h / 2, held = 0;
		for (size_t k = 0; k < rd->nwords && !held; k++) {
			const struct so_word *wd = &rd->words[k];
			held = cx >= wd->x0 - pad && cx <= wd->x1 + pad && cy >= wd->y0 - pad &&
			       cy <= wd->y1 + pad;
		}
		lost += !held;
	}
	int rc = b && (!clip || !boxa) ? -1 : lost;
	boxaDestroy(&boxa);
	pixDestroy(&clip);
	boxDestroy(&b);
	return rc < 0 ? so_error("out of memory") : rc;
}

/* Reads cell COL of entry row ROW into OUT: its text, and its field or sub-fields. 0 or -1. */
static int read_column(const struct so_cell_reader *r, const struct so_table *t,
		       const struct so_column *col, int row, int c, struct so_row_read *out)
{
	const struct kind_reading *kr = reading_of(col->holds);
	struct so_reading rd;
	struct so_bbox box;
	struct so_parsed p;
	int marks, rc = 0;
	struct so_hand_cell hand;
	if (read_cell(r, t, row, c, col->holds, kr->mode, &rd, &box, &marks) < 0)
		return -1;
	if (hand_measure(t, row, c, col->holds, &rd, marks, &hand) < 0) {
		so_reading_release(&rd);
		return -1;
	}
	if (col->kind == SO_COLUMN_COMPOSITE)
		rc = so_composite_parse(col->parser, rd.text, &p) < 0 ||
		     spell_subfield(&rd, col->parser, &p) < 0 ? -1 : 0;
	else if (kr->spell)
		kr->spell(&rd, 0, rd.nwords, 0);
	int x0, y0, x1, y1;
	double conf = so_reading_span(&rd, 0, strlen(rd.text), &x0, &y0, &x1, &y1);
	if (conf < 0)
		conf = rd.conf;
	struct so_corroboration cx = { r->rec, t, row, c, kr->mode, &rd, 0, 0, col->field,
				       r->this_year };
	if (rc == 0 && col->kind == SO_COLUMN_FIELD && rd.text[0])
		rc = so_corroborate_cell(&cx, col->holds, &conf);
	if (rc == 0)
		rc = put_cell(out, c + 1, rd.text[0] ? rd.text : NULL,
			      rd.text[0] ? (conf >= 0 ? conf : rd.conf) : -1, marks, &box);
	if (rc == 0)
		out->v[out->n - 1].hand = hand;
	size_t first = out->n;
	if (rc == 0 && col->kind == SO_COLUMN_FIELD)
		rc = put_field(out, col->field, rd.text, strlen(rd.text), conf, &box);
	else if (rc == 0)
		rc = put_subfields(out, &cx, col, &p, &box);
	int lost = rc == 0 && hand.hand != SO_HAND_WRITTEN ? unread_letters(t, row, c, &rd) : 0;
	if (lost < 0)
		rc = -1;
	for (size_t k = first - 1; lost >= UNREAD_MIN && k < out->n; k++)
		if (out->v[k].conf > UNREAD_CONF)
			out->v[k].conf = UNREAD_CONF;
	so_reading_release(&rd);
	return rc;
}

int so_row_read(const struct so_cell_reader *r, const struct so_table *t,
		const struct so_layout *l, int row, struct so_row_read *out)
{
	memset(out, 0, sizeof(*out));
	out->row = row - t->head_rows + 1;
	out->box = (struct so_bbox){ t->x[0], t->y[row], t->x[t->ncols], t->y[row + 1] };
	for (int c = 0; c < t->ncols; c++)
		if (read_column(r, t, &l->columns[c], row, c, out) < 0)
			return -1;
	return 0;
}

/* In a row judged handwritten, a cell blank to the ink measure goes to a keyer with the
 * others: its ink may be too faint or too far out of its box to measure (a thin pen, a hand
 * that strays over the lines), and whether the recognizer read something in it or not, only
 * a person looking at the image can say it is empty. Keying it costs one Enter; passing a
 * written value as empty would be a wrong value no one sees. */
static void written_row(struct so_row_read *r)
{
	double score = -1;
	for (size_t k = 0; k < r->n; k++)
		if (r->v[k].col > 0 && r->v[k].hand.hand == SO_HAND_WRITTEN &&
		    r->v[k].hand.score > score)
			score = r->v[k].hand.score;
	if (score < 0)
		return;
	for (size_t k = 0; k < r->n; k++) {
		struct so_put *p = &r->v[k];
		if (p->col > 0 && p->hand.hand == SO_HAND_BLANK) {
			p->hand.hand = SO_HAND_WRITTEN;
			p->hand.score = score;
			p->hand.by_row = 1;
		}
	}
}

int so_page_hands(const struct so_table *t, struct so_row_read *rows, size_t nrows)
{
	struct so_hand_glyphs gs = { 0 };
	struct so_hand_cell *cells = NULL;
	int *rowof = NULL;
	unsigned char *printed = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	l_int32 dpi = 300, dummy;
	pixGetResolution(t->text, &dpi, &dummy);
	/* every cell's letters, numbered in reading order */
	for (size_t i = 0; i < nrows; i++)
		for (size_t k = 0; k < rows[i].n; k++) {
			const struct so_put *p = &rows[i].v[k];
			if (p->col <= 0)
				continue;
			if (SO_ARRAY_GROW(cells, n, cap) < 0)
				goto done;
			cells[n] = p->hand;
			if (p->hand.hand != SO_HAND_BLANK) {
				BOX *b = so_table_cell_box(t, rows[i].row + t->head_rows - 1, p->col - 1);
				PIX *clip = b ? pixClipRectangle(t->text, b, NULL) : NULL;
				int r = clip ? so_hand_glyphs_add(&gs, clip, dpi, (int)n) : 0;
				pixDestroy(&clip);
				boxDestroy(&b);
				if (r < 0)
					goto done;
			}
			n++;
		}
	if (so_hand_twins(&gs, cells, (int)n) < 0)
		goto done;
	for (size_t c = 0; c < n; c++)
		if (cells[c].hand != SO_HAND_BLANK)
			so_hand_decide(&cells[c]);
	/* each row's cells weighed together: a cell with too little ink to judge alone (a dash,
	 * a digit) goes with its row; then, every row judged, the stamps among the written
	 * cells found against the rows left all printed */
	rowof = so_calloc(n ? n : 1, sizeof(*rowof));
	printed = so_calloc(nrows ? nrows : 1, 1);
	if (!rowof || !printed)
		goto done;
	n = 0;
	for (size_t i = 0; i < nrows; i++) {
		size_t first = n;
		for (size_t k = 0; k < rows[i].n; k++)
			if (rows[i].v[k].col > 0)
				rowof[n++] = (int)i;
		if (so_hand_row(cells + first, (int)(n - first)) < 0)
			goto done;
		int inked = 0, written = 0;
		for (size_t c = first; c < n; c++) {
			inked += cells[c].hand != SO_HAND_BLANK;
			written += cells[c].hand == SO_HAND_WRITTEN;
		}
		printed[i] = inked && !written;
	}
	if (so_hand_stamps(&gs, cells, (int)n, rowof, printed) < 0)
		goto done;
	n = 0;
	for (size_t i = 0; i < nrows; i++) {
		for (size_t k = 0; k < rows[i].n; k++)
			if (rows[i].v[k].col > 0)
				rows[i].v[k].hand = cells[n++];
		written_row(&rows[i]);
	}
	rc = 0;
done:
	free(cells);
	free(rowof);
	free(printed);
	so_hand_glyphs_release(&gs);
	return rc;
}
