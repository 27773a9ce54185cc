/* The command line of the sohoa executables (see cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "config.h"
#include "ingest/image.h"

void so_cli_init(const char *name)
{
	so_log_init(name);
	so_image_init();
}

int so_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	so_log_vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", so_log_name());
	return SO_EXIT_USAGE;
}

int so_cli_bad_option(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", so_log_name());
	return SO_EXIT_USAGE;
}

int so_cli_version(void)
{
	printf("%s %s\n", so_log_name(), SO_VERSION);
	return SO_EXIT_OK;
}

int so_cli_number(const char *option, const char *arg, long min, long max, long *out)
{
	if (so_parse_long(arg, min, max, out) < 0) {
		so_cli_usage_error("invalid value for --%s: %s", option, so_errmsg());
		return -1;
	}
	return 0;
}

void so_cli_single_threaded(char **argv)
{
	const char *v = getenv("OMP_THREAD_LIMIT");
	if (v && strcmp(v, "1") == 0)
		return;
	setenv("OMP_THREAD_LIMIT", "1", 1);
	execv("/proc/self/exe", argv);
	/* cannot re-execute: go on, only slower */
}

/* Book specs ------------------------------------------------------------------------------ */

/* A failure of the book-spec module on stderr: wrong input is a usage error. Returns -1. */
static int bookspec_failed(int r)
{
	if (r == SO_BOOKSPEC_NOMEM)
		so_log_err("%s", so_errmsg());
	else
		so_cli_usage_error("%s", so_errmsg());
	return -1;
}

int so_bookspecs_option(struct so_bookspecs *b, int opt, const char *arg)
{
	/* the options that set a key of the last book; 1 is a file (getopt's "-" mode) */
	static const struct { int opt; enum so_bookspec_key key; } keys[] = {
		{ SO_OPT_YEAR, SO_BOOKSPEC_YEAR },
		{ SO_OPT_VOLUME, SO_BOOKSPEC_VOLUME },
		{ SO_OPT_AUTHORITY, SO_BOOKSPEC_AUTHORITY },
		{ SO_OPT_LAYOUT, SO_BOOKSPEC_LAYOUT },
		{ 1, SO_BOOKSPEC_FILE },
	};
	int r;
	if (opt == SO_OPT_BOOK_TYPE) {
		r = so_bookspecs_add(b, arg);
		return r < 0 ? bookspec_failed(r) : 1;
	}
	if (opt == SO_OPT_MANIFEST)
		return so_cli_manifest(arg, b, NULL) < 0 ? -1 : 1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].opt == opt) {
			r = so_bookspecs_set(b, keys[i].key, arg);
			return r < 0 ? bookspec_failed(r) : 1;
		}
	return 0;
}

int so_cli_manifest(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync)
{
	int r = so_manifest_read(path, b, sync);
	return r < 0 ? bookspec_failed(r) : 0;
}

int so_cli_bookspecs_finish(struct so_bookspecs *b)
{
	int r = so_bookspecs_finish(b);
	return r < 0 ? bookspec_failed(r) : 0;
}
