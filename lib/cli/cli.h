/*
 * The command line of the sohoa executables (pipeline/ only; the library never includes
 * this): the program's start (its name, stderr, leptonica's chatter), usage complaints with
 * the hint to --help, --version, strictly parsed number options, the getopt glue of book
 * specs and manifests, and running single-threaded for tesseract. It brings what every
 * executable uses with it: the message lines (base/log.h), the exit codes (batch/workers.h)
 * and book specs (batch/manifest.h).
 */
#ifndef SO_CLI_H
#define SO_CLI_H

#include <getopt.h>

#include "base/error.h"
#include "base/log.h"
#include "batch/manifest.h"
#include "batch/workers.h"

/* Sets the program name for messages, makes stderr line-buffered, quiets leptonica. */
void so_cli_init(const char *name);
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
/* so_manifest_read, its failure printed (a usage error, or an error when memory ran out);
 * 0 or -1. */
int so_cli_manifest(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync);
/* so_bookspecs_finish, its complaint printed as a usage error; 0 or -1. */
int so_cli_bookspecs_finish(struct so_bookspecs *b);

#endif
