/*
 * The validate and normalize stages, which work book by book on the records the ocr stage
 * stored: validate applies the rule catalogue (rules.h) and sets each record's status —
 * needs_review while an error flag is open, valid otherwise; normalize stores each field's
 * canonical value beside its reading (normalize.h). Decisions of archivists stand: approved,
 * rejected and synced records are not re-judged, verified flags are not raised again, and
 * values an archivist set are kept.
 */
#ifndef SO_RECORDS_H
#define SO_RECORDS_H

#include <stdint.h>

#include "batch/store.h"

#define SO_VALIDATE_STAGE "validate"
#define SO_NORMALIZE_STAGE "normalize"

/* Workers of the two stages: claim books until none is left. Return an exit code. */
int so_validate_worker(const char *batch_dir);
int so_normalize_worker(const char *batch_dir);

/* Runs the rules over the book again (its records not approved, rejected or synced) and
 * stores the flags and statuses, in the caller's transaction — after an archivist's change.
 * The shared entry index (SOHOA_INDEX) is consulted as validate does. 0 or -1. */
int so_validate_book(struct so_store *s, int64_t book_id);

/* The whole command of a book-by-book stage: options (--batch, --jobs, --again, --help,
 * --version), seeding, workers with progress, then SUMMARY on stdout. Returns the exit code. */
struct so_records_command {
	const char *name;                      /* "sohoa-validate" */
	const char *stage;                     /* SO_VALIDATE_STAGE */
	const char *usage;
	int (*worker)(const char *batch_dir);
	void (*summary)(struct so_store *s);
};
int so_records_main(const struct so_records_command *cmd, int argc, char **argv);

#endif
