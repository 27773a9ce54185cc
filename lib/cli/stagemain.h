/*
 * The one main of the unit stages (scan, ocr, validate, normalize). A stage is a definition:
 * its name and the unit it counts, its usage text, its own options (a small table), how it
 * seeds its units in the store, a worker process's life, an optional watchdog tick, and the
 * summary that prints the result line and turns the counts into the exit code. so_stage_main
 * does the rest, the same way for every stage: parse strictly (--batch, --jobs, the stage's
 * options, --help, --version, book specs where the stage takes them), open the store, seed,
 * supervise the workers with progress on stderr, summarize, close.
 *
 * Options reach the workers as arguments: the workers are forked, so the run (and the
 * stage's SETTINGS in it) is theirs too; nothing travels through the environment.
 */
#ifndef SO_STAGEMAIN_H
#define SO_STAGEMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "batch/manifest.h"
#include "batch/progress.h"
#include "batch/store.h"

struct so_stage_def;

/* One run of a stage, shared by the parent and (as their copy) its workers. */
struct so_stage_run {
	const struct so_stage_def *def;
	void *settings;                 /* the stage's own options, as given to so_stage_main */
	const char *batch;              /* --batch */
	long jobs;                      /* --jobs (default: the number of cores) */
	struct so_bookspecs specs;      /* the books given, when the stage takes book specs */
	struct so_store *store;         /* the parent's; a worker opens its own */
	struct so_progress progress;
};

/* An option of the stage beyond --batch and --jobs. TAKE stores ARG (NULL for no_argument)
 * into SETTINGS; 0, or -1 after printing the usage error. OFFSET, MIN and MAX are for the
 * TAKE functions below (and any other that wants them). */
struct so_stage_option {
	const char *name;       /* the long option: "page-timeout" */
	int has_arg;            /* no_argument or required_argument */
	int (*take)(const struct so_stage_option *o, void *settings, const char *arg);
	size_t offset;          /* where in the settings the value goes */
	long min, max;          /* the range of a number */
};
/* Sets the int at OFFSET to 1. */
int so_stage_take_flag(const struct so_stage_option *o, void *settings, const char *arg);
/* Sets the const char * at OFFSET to ARG (argv's: it lives as long as the process). */
int so_stage_take_text(const struct so_stage_option *o, void *settings, const char *arg);
/* Parses ARG strictly into the long at OFFSET, within [MIN, MAX] (so_cli_number). */
int so_stage_take_number(const struct so_stage_option *o, void *settings, const char *arg);

struct so_stage_def {
	const char *program;     /* "sohoa-ocr": the name in messages and --version */
	const char *stage;       /* the units' stage in the store, and the progress's name */
	const char *unit;        /* what the progress counts: "pages", "books" */
	const char *usage;       /* --help, on stdout */
	const struct so_stage_option *options;  /* ends with a NULL name; may be NULL */
	int bookspecs;           /* takes book specs and file arguments; the store is created
				    when books are given (otherwise it must exist) */
	int single_threaded;     /* runs with OMP_THREAD_LIMIT=1 (re-executes itself) */
	/* After the store opens: adds the stage's units. 0, or -1 with the error set (exit 3). */
	int (*seed)(struct so_stage_run *r);
	/* A worker process's whole life; returns its exit code. */
	int (*work)(const struct so_stage_run *r);
	/* About five times a second while workers run, before the progress is redrawn (a
	 * watchdog); may be NULL. */
	void (*tick)(struct so_stage_run *r);
	/* The progress counts; 0 or -1 (no redraw). NULL: the stage's units in the store. */
	int (*count)(struct so_stage_run *r, int64_t *done, int64_t *failed, int64_t *total);
	/* After the workers: prints the result line on stdout and returns the exit code, given
	 * the workers' (CODE). */
	int (*summary)(struct so_stage_run *r, int code);
};

/* The whole command. SETTINGS (may be NULL) holds the stage's options, their defaults set by
 * the caller. Returns the exit code. */
int so_stage_main(const struct so_stage_def *def, void *settings, int argc, char **argv);

#endif
