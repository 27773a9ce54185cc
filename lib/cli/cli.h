/*
 * What every sohoa executable shares: program name and messages, exit codes, --help and
 * --version, the book specs of scan and run, worker processes, signals (a clean stop after
 * the unit in flight), and progress reporting — a bar with rate and ETA on a terminal, one
 * timestamped line per unit otherwise.
 */
#ifndef SO_CLI_H
#define SO_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum {
	SO_EXIT_OK = 0,          /* all done */
	SO_EXIT_USAGE = 1,       /* bad command line */
	SO_EXIT_PARTIAL = 2,     /* some units failed and were recorded; the rest done */
	SO_EXIT_ENV = 3,         /* configuration or environment error */
	SO_EXIT_SIGINT = 130,    /* interrupted by Ctrl-C after a clean stop */
	SO_EXIT_SIGTERM = 143,   /* terminated after a clean stop */
};

/* Sets the program name for messages, makes stderr line-buffered, quiets leptonica. */
void so_cli_init(const char *name);
const char *so_cli_name(void);
/* "sohoa-scan: MESSAGE" on stderr. */
void so_cli_msg(const char *fmt, ...) SO_PRINTF(1, 2);
/* "sohoa-scan: error: MESSAGE" on stderr. */
void so_cli_err(const char *fmt, ...) SO_PRINTF(1, 2);
/* The usage complaint, with a hint to --help; returns SO_EXIT_USAGE. */
int so_cli_usage_error(const char *fmt, ...) SO_PRINTF(1, 2);
/* After getopt_long has complained of an option itself: the hint to --help; returns
 * SO_EXIT_USAGE. */
int so_cli_bad_option(void);
/* Prints "NAME VERSION" on stdout; returns SO_EXIT_OK. */
int so_cli_version(void);
/* Parses a strictly decimal option value within [min, max] or complains; 0 or -1. */
int so_cli_number(const char *option, const char *arg, long min, long max, long *out);

/* Makes sure libraries with OpenMP (tesseract) run single-threaded: OMP_THREAD_LIMIT is read
 * when the process starts, so when it is not 1 this sets it and executes the program again.
 * Returns only when it was already set (or the re-execution failed). */
void so_cli_single_threaded(char **argv);

/* Book specs ------------------------------------------------------------------------------ */
struct so_bookspec {
	char type[16];
	long year;
	char volume[32];
	char authority[16];
	char layout[72];
	char **files;
	size_t nfiles, files_cap;
};
struct so_bookspecs {
	struct so_bookspec *v;
	size_t n, cap;
};

/* Long options of a book spec, for a stage's option table; the values are the SO_OPT_*. */
enum {
	SO_OPT_BOOK_TYPE = 1000, SO_OPT_YEAR, SO_OPT_VOLUME, SO_OPT_AUTHORITY, SO_OPT_LAYOUT,
	SO_OPT_MANIFEST, SO_OPT_BATCH, SO_OPT_JOBS, SO_OPT_HELP, SO_OPT_VERSION,
};
#define SO_BOOKSPEC_LONG_OPTIONS \
	{ "book-type", required_argument, NULL, SO_OPT_BOOK_TYPE }, \
	{ "year", required_argument, NULL, SO_OPT_YEAR }, \
	{ "volume", required_argument, NULL, SO_OPT_VOLUME }, \
	{ "authority", required_argument, NULL, SO_OPT_AUTHORITY }, \
	{ "layout", required_argument, NULL, SO_OPT_LAYOUT }, \
	{ "manifest", required_argument, NULL, SO_OPT_MANIFEST }
#define SO_BOOKSPEC_USAGE \
	"  BOOKSPEC: --book-type birth|marriage|death|parentage --year Y --volume V\n" \
	"            --authority CODE [--layout NAME] FILE.tif...   (repeatable),\n" \
	"            or --manifest FILE (an INI file, one [book NAME] section per book with\n" \
	"            type, year, volume, authority, layout and files = scan files or globs,\n" \
	"            relative to the manifest)\n"

/* Takes one getopt result (option code OPT, or 1 for a file with getopt's "-" mode).
 * Returns 1 when taken, 0 when OPT is not a book-spec option, -1 on a usage error (printed). */
int so_bookspecs_option(struct so_bookspecs *b, int opt, const char *arg);
/* Where and how to deliver records (the [sync] section of a manifest, or options). */
struct so_sync_settings {
	char endpoint[1024];
	char token_file[4096];
	char cacert[4096];
	char cert[4096];
	char key[4096];
};

/* Reads a manifest: an INI file with one "[book NAME]" section per book (type, year, volume,
 * authority, layout, and files: scan files or glob patterns separated by spaces, relative to
 * the manifest's directory) appended to B, and an optional "[sync]" section (endpoint,
 * token_file, cacert, cert, key; paths relative to the manifest) into SYNC when not NULL.
 * Comments start with ';' or '#'. 0, or -1 with a usage error printed (naming the line). */
int so_manifest_read(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync);

/* Checks every spec is complete and fills default layouts; -1 on a usage error (printed). */
int so_bookspecs_finish(struct so_bookspecs *b);
void so_bookspecs_release(struct so_bookspecs *b);

/* Stopping cleanly ------------------------------------------------------------------------ */
/* Installs SIGINT/SIGTERM handlers that only record the signal. */
void so_signals_install(void);
/* The signal received (0 if none). */
int so_signal_received(void);
/* The exit code for a stop by that signal (130 or 143). */
int so_signal_exit_code(int sig);

/* Worker processes. WORK runs in N forked children while this process waits, calling TICK
 * about five times a second. A child that dies abnormally (a crash, or killed by someone
 * else) is reported to CRASHED with a reason ("killed by SIGSEGV") — so that the unit it held
 * can be counted against — and replaced, a bounded number of times. A stop signal received
 * here is passed on to the children. */
struct so_workers {
	int n;
	int (*work)(void *ctx);
	void (*tick)(void *ctx);                                   /* may be NULL */
	void (*crashed)(void *ctx, long pid, const char *reason);  /* may be NULL */
	void *ctx;
};
/* Returns the worst exit code: an interruption, then 3, then 2 (also for crashed children),
 * then 0. */
int so_workers_run(const struct so_workers *w);
/* The default worker count: the number of online cores. */
int so_cores(void);

/* Progress -------------------------------------------------------------------------------- */
struct so_progress {
	char stage[24];
	char unit[24];            /* "pages", "records" */
	int tty;
	double start;
	double last_draw;
	int64_t total, done, failed;
	int64_t done_at_start;
};
void so_progress_init(struct so_progress *p, const char *stage, const char *unit);
/* On a terminal: redraws the bar from the counts (throttled). */
void so_progress_update(struct so_progress *p, int64_t done, int64_t failed, int64_t total);
/* Not on a terminal: one timestamped log line for a finished unit. */
void so_progress_log(struct so_progress *p, const char *fmt, ...) SO_PRINTF(2, 3);
/* Ends the bar line. */
void so_progress_end(struct so_progress *p);

#endif
