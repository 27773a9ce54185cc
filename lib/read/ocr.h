/*
 * The ocr stage: for every prepared page, find the table and match its grid to the book's
 * layout (column count), read its index row (1)...(n) and header text as evidence of the
 * layout (kept with the page; a poor one puts the page's records in doubt, LAYOUT_UNCERTAIN,
 * it does not fail the page), cut the entry rows, read every cell with the recognizer
 * configured for what it holds, split composite cells into fields, and store records (status
 * 'extracted') with each field's raw reading, confidence and box, and each cell's text. The
 * unit of work is a page; a page with no grid of its layout is failed with the reason; a page
 * that crashes or hangs the recognizer is retried, then failed.
 */
#ifndef SO_OCR_H
#define SO_OCR_H

#include "batch/store.h"

#define SO_OCR_STAGE "ocr"
#define SO_OCR_TIMEOUT_DEFAULT 300   /* seconds a page may take before its worker is stopped */

/* Adds a pending ocr unit for every prepared page without one. Returns how many, or -1. */
int64_t so_ocr_seed(struct so_store *s);
/* A worker: opens the store, starts tesseract for LANG, reads pages until none is left or a
 * stop signal. Returns an exit code. */
int so_ocr_worker(const char *batch_dir, const char *lang);
/* In the parent: stops workers whose page has run past TIMEOUT seconds, counting it against
 * the page. Returns the number stopped, or -1. */
int so_ocr_watch(struct so_store *s, int timeout);

#endif
