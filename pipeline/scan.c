/* sohoa-scan: register books and scan files, prepare every page (see lib/ingest/scan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/store.h"
#include "cli/cli.h"
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

struct run {
	const char *batch;
	struct so_store *store;
	struct so_progress progress;
};

static int worker(void *ctx)
{
	struct run *r = ctx;
	return so_scan_worker(r->batch);
}

static void tick(void *ctx)
{
	struct run *r = ctx;
	struct so_scan_totals t;
	if (so_scan_totals(r->store, &t) == 0)
		so_progress_update(&r->progress, t.pages - t.failed - t.rejected,
				   t.failed + t.rejected, t.pages_expected);
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-scan");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, SO_OPT_BATCH },
		{ "jobs", required_argument, NULL, SO_OPT_JOBS },
		{ "help", no_argument, NULL, SO_OPT_HELP },
		{ "version", no_argument, NULL, SO_OPT_VERSION },
		SO_BOOKSPEC_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct so_bookspecs specs = { 0 };
	struct run run = { 0 };
	long jobs = so_cores();
	int opt, code = SO_EXIT_USAGE;
	while ((opt = getopt_long(argc, argv, "-", options, NULL)) != -1) {
		int taken = so_bookspecs_option(&specs, opt, optarg);
		if (taken < 0)
			goto done;
		if (taken)
			continue;
		switch (opt) {
		case SO_OPT_BATCH:
			run.batch = optarg;
			break;
		case SO_OPT_JOBS:
			if (so_cli_number("jobs", optarg, 1, 256, &jobs) < 0)
				goto done;
			break;
		case SO_OPT_HELP:
			fputs(usage, stdout);
			code = SO_EXIT_OK;
			goto done;
		case SO_OPT_VERSION:
			code = so_cli_version();
			goto done;
		default:
			so_cli_bad_option();
			goto done;
		}
	}
	if (!run.batch) {
		so_cli_usage_error("--batch DIR is required");
		goto done;
	}
	if (specs.n && so_cli_bookspecs_finish(&specs) < 0)
		goto done;

	so_signals_install();
	if (so_store_open(run.batch, specs.n > 0, &run.store) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	int failures = 0;
	if (so_scan_register(run.store, &specs, &failures) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	so_progress_init(&run.progress, SO_SCAN_STAGE, "pages");
	struct so_supervisor sv = { .store = run.store, .stage = SO_SCAN_STAGE, .jobs = jobs,
				    .work = worker, .tick = tick, .ctx = &run };
	code = so_stage_supervise(&sv);
	so_progress_end(&run.progress);

	struct so_scan_totals t;
	if (so_scan_totals(run.store, &t) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	printf("scan: %lld files (%lld failed, %lld duplicate), %lld of %lld pages read: "
	       "%lld prepared, %lld blank, %lld rejected, %lld failed, %lld duplicate\n",
	       (long long)t.files, (long long)t.files_failed, (long long)t.files_duplicate,
	       (long long)t.pages, (long long)t.pages_expected, (long long)t.prepared,
	       (long long)t.blank, (long long)t.rejected, (long long)t.failed,
	       (long long)t.duplicate);
	if (code == SO_EXIT_OK && (failures || t.files_failed || t.failed || t.rejected))
		code = SO_EXIT_PARTIAL;
done:
	so_store_close(run.store);
	so_bookspecs_release(&specs);
	return code;
}
