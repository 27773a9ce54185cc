/*
 * The scan stage: registers books and their scan files in the batch store, then reads every
 * page once — checksummed (the same scan again is a no-op), oriented, deskewed, cleaned and
 * binarized — and stores the prepared page under DIR/pages with what was measured. The unit
 * of work is a scan file, claimed by one worker; each page commits on its own, so a killed
 * scan resumes at the page in flight. Unreadable files and pages are recorded with their
 * reason while the rest goes on.
 */
#ifndef SO_SCAN_H
#define SO_SCAN_H

#include "batch/manifest.h"
#include "batch/store.h"

#define SO_SCAN_STAGE "scan"

struct so_scan_totals {
	int64_t files, files_failed, files_duplicate;
	int64_t pages_expected, pages;
	int64_t prepared, blank, rejected, failed, duplicate;
};

/* Registers the books and files of SPECS (idempotent). A file that cannot be registered
 * (missing, changed) is reported on stderr and counted in *failures; -1 only for errors that
 * stop the stage (the store, a book registered with another layout). */
int so_scan_register(struct so_store *s, const struct so_bookspecs *specs, int *failures);

/* A worker: opens the store of BATCH_DIR, claims scan files until none is left or a stop
 * signal arrives. Returns an exit code (0, 2, 3, 130, 143). */
int so_scan_worker(const char *batch_dir);

/* Counts over the whole batch, for progress and the summary. */
int so_scan_totals(struct so_store *s, struct so_scan_totals *t);

#endif
