/* sohoa-scan: register books and scan files, prepare every page (see lib/ingest/scan.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/stagemain.h"
#include "ingest/scan.h"

static const char usage[] =
	"usage: sohoa scan --batch DIR [--jobs N] [BOOKSPEC...]\n"
	"\n"
	"Registers books and their scan files in the batch DIR (created if needed) and prepares\n"
	"every page: checksum, orientation, skew, background, binarization, dark borders, blank\n"
	"and low-resolution pages. Without BOOKSPEC, finishes the pages of files already\n"
	"registered. Running it again on the same scans changes nothing.\n"
	"\n"
	SO_BOOKSPEC_USAGE
	"\n"
	"  --batch DIR   the batch directory (holds batch.db and pages/)\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 all pages done; 1 usage; 2 some files or pages failed (recorded, see 'sohoa\n"
	"status'); 3 configuration or environment error; 130/143 interrupted after a clean stop.\n";

struct scan_settings {
	int failures;        /* files that could not be registered */
};

static int seed(struct so_stage_run *r)
{
	struct scan_settings *set = r->settings;
	return so_scan_register(r->store, &r->specs, &set->failures);
}

static int work(const struct so_stage_run *r)
{
	return so_scan_worker(r->batch);
}

/* Pages, counted as read from the files (a file's pages are known once it is opened). */
static int count(struct so_stage_run *r, int64_t *done, int64_t *failed, int64_t *total)
{
	struct so_scan_totals t;
	if (so_scan_totals(r->store, &t) < 0)
		return -1;
	*done = t.pages - t.failed - t.rejected;
	*failed = t.failed + t.rejected;
	*total = t.pages_expected;
	return 0;
}

static int summary(struct so_stage_run *r, int code)
{
	const struct scan_settings *set = r->settings;
	struct so_scan_totals t;
	if (so_scan_totals(r->store, &t) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	printf("scan: %lld files (%lld failed, %lld duplicate), %lld of %lld pages read: "
	       "%lld prepared, %lld blank, %lld rejected, %lld failed, %lld duplicate\n",
	       (long long)t.files, (long long)t.files_failed, (long long)t.files_duplicate,
	       (long long)t.pages, (long long)t.pages_expected, (long long)t.prepared,
	       (long long)t.blank, (long long)t.rejected, (long long)t.failed,
	       (long long)t.duplicate);
	if (code == SO_EXIT_OK && (set->failures || t.files_failed || t.failed || t.rejected))
		code = SO_EXIT_PARTIAL;
	return code;
}

static const struct so_stage_def scan_stage = {
	.program = "sohoa-scan", .stage = SO_SCAN_STAGE, .unit = "pages", .usage = usage,
	.bookspecs = 1, .seed = seed, .work = work, .count = count, .summary = summary,
};

int main(int argc, char **argv)
{
	struct scan_settings set = { 0 };
	return so_stage_main(&scan_stage, &set, argc, argv);
}
