/*
 * Telling a handwritten cell from a printed one, from its ink and from how the recognizer
 * read it. The ink: stroke width (from a distance transform) and its variation, slant (the
 * shear that gathers the vertical strokes best), baseline wander (the spread of the letters'
 * bottoms about a line fitted through them), connected-component shapes (how many per letter
 * height, their aspect, fill, holes and the variation of their heights). The recognizer: its
 * mean and lowest word confidence, the share of characters the field's kind does not allow,
 * the share of words that are not Vietnamese syllables or name words. A small model
 * (schemas/handwriting-model.json, calibrated by tests/bench/handwriting-calibrate.py) turns
 * the features into a score 0..1 and a decision. Pure functions: no store, no tesseract.
 */
#ifndef SO_HANDWRITING_H
#define SO_HANDWRITING_H

#include <leptonica/allheaders.h>

#include "read/recognize.h"
#include "register/kind.h"

/* The features of a cell, in this order (their names: so_hand_feature_name). */
enum so_hand_feature {
	SO_HF_STROKE_MEAN,      /* stroke width, in letter heights */
	SO_HF_STROKE_CV,        /* its coefficient of variation */
	SO_HF_SLANT,            /* |shear| that gathers vertical strokes best (0 upright) */
	SO_HF_SLANT_GAIN,       /* how much sharper the columns get at that shear (0 none) */
	SO_HF_BASELINE,         /* spread of letters' bottoms about each line's fit, in heights */
	SO_HF_COMPS_PER_H,      /* components per letter height of ink width (print: one a letter) */
	SO_HF_ASPECT,           /* mean width / height of the components */
	SO_HF_FILL,             /* mean ink share of a component's box */
	SO_HF_HOLES,            /* holes per component */
	SO_HF_HEIGHT_CV,        /* coefficient of variation of the components' heights */
	SO_HF_CONF_MEAN,        /* the recognizer's mean word confidence */
	SO_HF_CONF_MIN,         /* its lowest word confidence */
	SO_HF_ODD_CHARS,        /* share of characters the kind does not allow */
	SO_HF_ODD_WORDS,        /* share of words that are neither syllables nor numbers */
	SO_HF_STROKE_SPREAD,    /* variation of the stroke width from letter to letter (a pen's
				   pressure changes; a font's weight does not) */
	SO_HF_TWIN_DIST,        /* how far the cell's letters are from their nearest twins on the
				   page (median; print repeats its glyphs, a hand never does) */
	SO_HAND_FEATURES
};

/* What a cell is. */
enum so_hand {
	SO_HAND_BLANK,          /* no ink: neither */
	SO_HAND_PRINTED,
	SO_HAND_WRITTEN,
};

struct so_hand_cell {
	double f[SO_HAND_FEATURES];
	int comps;              /* the letter-sized components measured */
	double z;               /* the cell's own evidence (the model's logit of its features) */
	double score;           /* 0..1, the model's: 1 surely handwritten; -1 blank */
	enum so_hand hand;
	int by_row;             /* too little ink to judge alone: decided with its row */
	double print_twin;      /* its letters' distance to those of the page's printed rows
	                         * (so_hand_stamps); -1 not measured */
};

/* The name of feature I ("stroke_mean"), "" out of range. */
const char *so_hand_feature_name(int i);

/* The ink features of the 1-bit image CELL (a cell cut from the page, ruling lines gone) at
 * DPI into *OUT (zeroed first); OUT->comps the letter-sized components found (none: blank).
 * 0, or -1 (no memory). */
int so_hand_ink(PIX *cell, int dpi, struct so_hand_cell *out);

/* The recognizer's features of the reading RD of a cell of KIND into *OUT. */
void so_hand_reading(const struct so_reading *rd, enum so_kind kind, struct so_hand_cell *out);

/* The model's evidence for a measured cell (OUT->comps > 0), from
 * schemas/handwriting-model.json: its features' logit z, and a first score and decision on
 * them alone; a cell with fewer than SO_HAND_MIN_COMPS letters is marked by_row. Blank cells
 * (no components) get score -1. so_hand_row makes the final decision. */
#define SO_HAND_MIN_COMPS 5
void so_hand_decide(struct so_hand_cell *c);

/* The letters of a page's cells, as small glyphs (each letter's ink share over a grid), for
 * finding their twins. */
#define SO_GLYPH_GRID 10
struct so_hand_glyph {
	int owner;              /* the cell it is from: an index into the caller's cells */
	int w, h;
	int shaped;             /* a letter's shape, not a blob: tall enough, not solid ink (a
	                         * dot, a dash, a bar or a speck twins any other) */
	unsigned char g[SO_GLYPH_GRID * SO_GLYPH_GRID];
};
struct so_hand_glyphs {
	struct so_hand_glyph *v;
	size_t n, cap;
};
/* Adds the letters of the 1-bit image CELL at DPI (the components so_hand_ink measures) to
 * *GS as OWNER's. 0, or -1 (no memory). */
int so_hand_glyphs_add(struct so_hand_glyphs *gs, PIX *cell, int dpi, int owner);
/* Sets the twin feature (SO_HF_TWIN_DIST) of CELLS[0..N-1] from the page's glyphs *GS (which
 * it reorders): for each letter, how far the nearest letter of its size elsewhere on the page
 * is; for the cell, the median over its letters. Call so_hand_decide again afterwards. 0, or
 * -1 (no memory). */
int so_hand_twins(struct so_hand_glyphs *gs, struct so_hand_cell *cells, int n);
void so_hand_glyphs_release(struct so_hand_glyphs *gs);

/* The final decisions of the N cells of one row: an entry is written by one clerk at one
 * time, so a cell's evidence is weighed with that of the row's other measured cells (the
 * model's "row" weights: z' = self * z + others * median z of the others + bias: the median,
 * so that one blot or stain does not carry a printed row); a cell too small to judge alone
 * (by_row: a dash, a digit) stands on the measured cells' evidence only. A row
 * with one measured cell weighs it against itself. When at least half of the row's cells
 * with ink (two or more) are then judged handwritten, all of them are, except a cell whose
 * own evidence is printed beyond doubt (letters enough, own z at or under the model's row
 * "keep", set under every handwritten cell of the calibration with a margin): a number or a
 * note set by a stamp in a written entry keeps its reading. 0, or -1 (no memory). */
int so_hand_row(struct so_hand_cell *cells, int n);

/* After every row's so_hand_row: the stamps among the written cells. A number or a note set by
 * a stamp in a written entry is print: its letters have twins, to the pixel, among the letters
 * of the page's printed entries, which no hand writes. Cell c (in row ROW[c]; PRINTED[r] when
 * row r's inked cells are all printed) judged handwritten goes back to printed when its own
 * evidence says print (z under the threshold) and its letters' distance to those of other
 * printed rows is at most the model's row "stamp_twin". That distance, print_twin, is set
 * here for every cell: for each letter with a shape (not a dot, a dash, a bar, a speck or a
 * blot, which twin any other blob), how far the nearest shaped letter of its size in another
 * printed row is; for the cell, the median over its letters; -1 when the cell has fewer than
 * two shaped letters or the page no printed row. *GS as so_hand_twins left it
 * (sorted). 0, or -1 (no memory). */
int so_hand_stamps(const struct so_hand_glyphs *gs, struct so_hand_cell *cells, int n,
		   const int *row, const unsigned char *printed);

/* The decision as stored: "blank", "printed", "handwritten". */
const char *so_hand_name(enum so_hand h);

/* The features as a JSON object {"stroke_mean": 0.12, ...}, with "comps", "z", "by_row" and
 * "print_twin". Caller frees; NULL on no memory. */
char *so_hand_features_json(const struct so_hand_cell *c);

/* The model's decision threshold (for tests and the report). */
double so_hand_threshold(void);

#endif
