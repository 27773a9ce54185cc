/*
 * Training data for the recognizer from what people typed: every cell a person keyed or
 * corrected, as a line image cut from the prepared page (NAME.tif, 8-bit grey) with its text
 * as written in the book (NAME.gt.txt, one line) — the layout tesseract's training tools read —
 * and a manifest (manifest.jsonl, one object per line: name, book, page file and number, row,
 * field, text, source, who typed it, and how many keyings of the field agree with the final
 * value), so that an office can train a model of its own clerks' hands.
 */
#ifndef SO_TRAINING_H
#define SO_TRAINING_H

#include "batch/store.h"

struct so_training_result {
	long lines;     /* line images written */
	long skipped;   /* typed texts without an image (no box, no prepared page), each logged */
};

/* Writes the training set of the batch into DIR, which must not exist or be empty: built in
 * a directory beside it and renamed into place, so DIR is never half-written. Returns 0, or
 * -1 with the error set (DIR then untouched). */
int so_training_export(struct so_store *s, const char *dir, struct so_training_result *r);

#endif
