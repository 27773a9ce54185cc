/*
 * Writers: the clerks' hands that fill printed forms in by pen (not to be confused with the
 * style families of hand.h, which say how a book is printed). A writer is a handwriting font
 * (or a pen of our own tracing a font's outlines) plus the habits of one hand: slant, how the
 * baseline wanders along a line, how letter size and spacing vary, and how the pressure (the
 * stroke's weight and the ink's density) changes along the text. `--handwritten SHARE` has a
 * share of a book's entries filled in by hand, each by one writer among the book's few clerks
 * (`--writer NAME[,NAME...]|mixed|tuned`); the truth says per entry which columns were written
 * by hand. A writer that is "held out" is never used to tune the handwriting detection.
 */
#ifndef GEN_WRITERS_H
#define GEN_WRITERS_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define WRITERS_MAX 16

struct writer {
	const char *name;
	const char *font;           /* pango family list: the hand's font, then its fallback */
	const char *package;        /* the Debian package of the font */
	int marks_native;           /* the font itself carries every Vietnamese mark */
	int pen;                    /* the outlines are re-traced with a pen of our own */
	int held_out;               /* never used to tune the detection */
	double pt, min_pt;          /* writing size, and the least it shrinks to in a full cell */
	double line;                /* line height factor, 0 for the font's */
	double slant_deg;           /* forward lean (positive leans right), mean */
	double slant_var;           /* ± per entry */
	double wander_mm;           /* baseline wander amplitude along a line */
	double size_var;            /* letter size varies by ± this share */
	double spacing_var;         /* advance varies by ± this share */
	double pressure[2];         /* ink density range along the text (0..1) */
	double pen_mm;              /* stroke weight added by the pen at full pressure */
	double mark_em;             /* weight of the pen's marks, in ems */
	double jitter_mm;           /* the pen's tremor (our own pen: the outlines wobble) */
	const char *about;
};

/* The writer named NAME, or NULL. */
const struct writer *writer_find(const char *name);
const struct writer *writer_at(size_t i);
size_t writer_count(void);

/* Which writers a book's clerks are drawn from: a set of writer indexes (bit i: writer_at(i)). */
struct writer_choice {
	double share;               /* entries filled in by hand, 0..1 */
	uint32_t set;               /* the writers allowed */
};

/* Parses "mixed" (every writer), "tuned" (all but the held-out ones) or a comma-separated
 * list of names into *SET. 0, or -1 with a message on stderr. */
int writer_parse_set(const char *s, uint32_t *set);

struct so_layout;
struct book_content;

/* Picks the entries of BC filled in by hand (round(share × entries), the planted handwriting
 * rows counting among them), the book's clerks (one to three of the allowed writers, each with
 * their own slant, size and pen in this book) and, per handwritten entry, its writer, the
 * columns written by hand and the entry's slant, size and ink. Driven by its own stream
 * (seed and TAG), so the rest of the book is unchanged. Nothing happens when the share is 0.
 * 0, or -1 with the error set. */
int writers_assign(struct book_content *bc, const struct so_layout *layout,
                   const struct writer_choice *wc, uint64_t seed, const char *tag);

/* The Vietnamese marks a writer's pen adds to letters its font lacks. */
enum pen_mark { MARK_GRAVE, MARK_ACUTE, MARK_TILDE, MARK_HOOK, MARK_DOT, MARK_CIRCUMFLEX,
                MARK_BREVE, MARK_HORN, MARK_BAR, MARK_COUNT };

#define PEN_MARKS_MAX 4

/* A letter written as a base the font has plus marks drawn by the pen. */
struct pen_letter {
	size_t nth;                 /* its position among the text's characters (zero-width
	                             * spaces not counted) */
	unsigned char marks[PEN_MARKS_MAX];   /* enum pen_mark, in the order they are drawn */
	size_t nmarks;
	int circumflex;             /* the base carries a circumflex (a tone goes beside it) */
};

/* A cell's text as the writer spells it: the letters its font has, and the marks to add. */
struct writer_text {
	char *text;
	struct pen_letter *letters;
	size_t nletters;
};

/* Spells TEXT for writer W, whose font is looked up in the pango context PC (a PangoContext):
 * every letter the font lacks becomes the nearest letter it has (its base, or the base with
 * its circumflex) plus pen marks; đ and Đ become d and D with a bar. A writer whose font
 * carries the marks keeps TEXT as it is. 0, or -1 with the error set; free with
 * writer_text_free. */
int writer_spell(const struct writer *w, void *pc, const char *text, struct writer_text *out);
void writer_text_free(struct writer_text *t);

/* Draws the pango layout LAYOUT (a PangoLayout of the spelled text, in the writer's font and
 * wrapped to its cell) at X, Y on the cairo context CR (a cairo_t) in writer W's hand, with
 * the pen marks of WT (NULL for none), leaning by SLANT_DEG, its pressure times INK, at DPI,
 * with the variations drawn from R. */
void writer_show(void *cr, void *layout, const struct writer *w, const struct writer_text *wt,
                 double slant_deg, double ink, double x, double y, int dpi, struct rng *r);

#endif
