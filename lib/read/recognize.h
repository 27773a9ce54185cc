/*
 * Recognizing the text of one table cell with tesseract's C API, configured for what the cell
 * holds: one line or a block, a character whitelist where it helps (numbers, dates, ids), no
 * dictionaries (names and places are not dictionary words). One recognizer per worker
 * process, single-threaded. Keeps every word with its confidence and box.
 */
#ifndef SO_RECOGNIZE_H
#define SO_RECOGNIZE_H

#include <leptonica/allheaders.h>
#include <stddef.h>

struct so_recognizer;

/* The likeliest readings of one letter (best first), as the recognizer weighed them, and
 * where it saw the letter: its glyph's box in page coordinates (x1 <= x0 when not known). */
#define SO_SYMBOL_ALTS 3
struct so_symbol {
	char alt[SO_SYMBOL_ALTS][16];
	float conf[SO_SYMBOL_ALTS];
	int n;
	int x0, y0, x1, y1;
};

struct so_word {
	size_t start, end;      /* byte span of the word in the reading's text */
	float conf;             /* 0..1 */
	int x0, y0, x1, y1;     /* page coordinates */
	struct so_symbol *syms; /* per letter, when the recognizer gave alternatives */
	size_t nsyms;
};

struct so_reading {
	char *text;             /* lines joined by '\n', words by ' '; "" when nothing was read */
	double conf;            /* mean word confidence weighted by length, 0..1; 0 when empty */
	struct so_word *words;
	size_t nwords;
};

/* The models of a recognizer: the registers' language (LANG), the Latin model (a second opinion
 * on digits) and SO_SECOND_MODEL, a Vietnamese model trained apart from the first, whose
 * mistakes on marks are not the same (a second opinion on names). */
enum so_model { SO_MODEL_MAIN, SO_MODEL_LATIN, SO_MODEL_SECOND };
#define SO_SECOND_MODEL "Vietnamese"

/* How a cell is read: the recognizer's settings (one line or a block, a character whitelist, the
 * model, the scale, each letter's alternatives), one row of a table in recognize.c. */
enum so_read_mode {
	SO_READ_CELL,       /* a cell of one value: a number, date, place, text, header ... */
	SO_READ_DIGITS,     /* a cell of digits only (an identity number) */
	SO_READ_INDEX,      /* a cell of the index row, "(1)" ... "(n)", by the Latin model */
	SO_READ_LINE,       /* one line (a short cell: a sex) */
	SO_READ_NAME_LINE,  /* one line of a name, with each letter's alternatives */
	SO_READ_LARGE,      /* a cell read again half as large again (dates, numbers) */
	SO_READ_NAMES,      /* a cell of names or of several facts, with letters' alternatives */
	SO_READ_MODES
};

/* Starts tesseract for LANG ("vie"). Returns 0, or -1 (no language data, no memory). */
int so_recognizer_new(const char *lang, struct so_recognizer **out);
void so_recognizer_free(struct so_recognizer *r);

/* Reads the part BOX of the 1-bit PAGE in MODE. Fills *out (release with so_reading_release).
 * 0, or -1 on failure. */
int so_recognize_cell(struct so_recognizer *r, PIX *page, BOX *box, enum so_read_mode mode,
		      struct so_reading *out);
void so_reading_release(struct so_reading *rd);

/* The same read by MODEL instead of the mode's own. */
int so_recognize_with(struct so_recognizer *r, enum so_model model, PIX *page, BOX *box,
		      enum so_read_mode mode, struct so_reading *out);

/* Word I spelled anew from its letters' alternatives: the likeliest spelling that ACCEPT
 * approves, considering only alternatives at least a quarter as likely as a letter's best, when
 * the word as read is not approved. The text, the spans of later words and the word's
 * confidence (now that of the weakest letter chosen) are updated. 1 when respelled, 0 not. */
int so_reading_respell(struct so_reading *rd, size_t i, int (*accept)(const char *word));

/* 1 when word I could be spelled otherwise and still be approved by ACCEPT: some other
 * combination of its letters' alternatives, each at least a fiftieth as likely as its letter's
 * best, that ACCEPT approves (TÂN, when Ấ was a close second: TẤN). */
int so_reading_ambiguous(const struct so_reading *rd, size_t i, int (*accept)(const char *word));

/* Replaces word I of the reading with TEXT, its confidence lowered to at most CONF; the
 * spans of later words follow. 0, or -1 (no memory, no such word). */
int so_reading_replace_word(struct so_reading *rd, size_t i, const char *text, float conf);

/* Removes word I of the reading and the white space before it; later words' spans follow.
 * 0, or -1 (no such word). */
int so_reading_drop_word(struct so_reading *rd, size_t i);

/* The minimum confidence of the words overlapping the byte span [start, end) of a reading, and
 * their bounding box (in *x0..*y1); -1 when no word overlaps. */
double so_reading_span(const struct so_reading *rd, size_t start, size_t end, int *x0, int *y0,
		       int *x1, int *y1);

#endif
