/*
 * The operator's night: `sohoa run` takes a batch through every stage in order — scan, ocr,
 * validate, normalize, then sync to the national database unless told not to — each stage
 * its own program (sohoa-scan, ...) started as a child process, with its progress on stderr.
 * One run at a time per batch (a lock held for the life of the run; a killed run leaves
 * none). Ctrl-C or SIGTERM stops the stage in flight cleanly and ends the run with 130/143;
 * the same command again resumes where it stopped, since every stage is. At the end: a short
 * summary on stderr and report.html in the batch directory.
 */
#ifndef SO_RUN_H
#define SO_RUN_H

#include "batch/manifest.h"

struct so_run_options {
	const char *batch;                  /* the batch directory (made when missing) */
	long jobs;                          /* worker processes per stage */
	int no_sync;                        /* stop before delivery */
	const struct so_bookspecs *specs;   /* books to add (may be empty: resume) */
	struct so_sync_settings sync;       /* endpoint "" and no_sync 0: sync is skipped, said */
	const char *bin_dir;                /* where the stage programs are; NULL: on PATH */
	int report;                         /* write DIR/report.html at the end */
};

/* Runs every stage; returns the exit code: 0 all done; 2 some units failed and were
 * recorded, or records are left undelivered; 3 a stage could not run (its message on
 * stderr), another run holds the batch; 130/143 stopped by a signal after a clean stop. */
int so_run(const struct so_run_options *o);

#endif
