/*
 * The Ministry of Justice import package (`sohoa export --format moj`): per register book of
 * the batch one spreadsheet (.xlsx) with one row per entry, and one PDF per entry showing the
 * table's column headings and that entry's row cut from the prepared page, plus a manifest
 * with the sha256 of every file. The package is written into a temporary sibling directory
 * and put in place by a rename, so it appears complete or not at all. An entry whose page
 * image cannot be read keeps its row (with the reason in the note column) but has no PDF.
 * The columns of each book are one table in moj.c, printed for docs/moj-export.md by
 * so_moj_print_columns().
 */
#ifndef SO_MOJ_H
#define SO_MOJ_H

#include <stdio.h>

#include "batch/store.h"

struct so_moj_options {
	const char *out;        /* the package directory: created, or replaced when it holds a
				 * previous package of the same batch; anything else is refused */
	int all;                /* also entries that need review or were rejected */
	/* Told of every entry whose PDF could not be made (MESSAGE names the entry and the
	 * reason); may be NULL. */
	void (*problem)(void *ctx, const char *message);
	void *ctx;
};

struct so_moj_result {
	long books;             /* spreadsheets written */
	long records;           /* rows written */
	long pdfs;              /* PDFs written */
	long missing;           /* entries without a PDF (noted in their row) */
};

/* Writes the package of the batch in S. Returns 0 when the package is in place (R->missing
 * says whether some PDFs are missing), -1 with the error set when nothing was put in place
 * (a refused or unwritable directory, a store error, a full disk). */
int so_moj_export(struct so_store *s, const struct so_moj_options *o, struct so_moj_result *r);

/* The column mapping of the four books as Markdown tables (the text between the markers of
 * docs/moj-export.md). 0, or -1 when OUT cannot be written. */
int so_moj_print_columns(FILE *out);

#endif
