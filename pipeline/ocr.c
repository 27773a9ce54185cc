/* sohoa-ocr: find the table of every prepared page and read its entries (see lib/read/ocr.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/progress.h"
#include "batch/stage.h"
#include "batch/store.h"
#include "cli/cli.h"
#include "read/ocr.h"

static const char usage[] =
	"usage: sohoa ocr --batch DIR [--jobs N] [--page-timeout S] [--lang L]\n"
	"\n"
	"Reads every prepared page of the batch: finds the register table, checks it against the\n"
	"book's layout, reads each cell and stores one record per entry (status 'extracted')\n"
	"with each field's reading, confidence and box. Pages already read are skipped.\n"
	"\n"
	"  --batch DIR        the batch directory\n"
	"  --jobs N           worker processes (default: the number of cores)\n"
	"  --page-timeout S   seconds a page may take before its worker is stopped (default 300);\n"
	"                     a page that stops workers twice is failed\n"
	"  --lang L           tesseract language (default vie)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 all pages read; 1 usage; 2 some pages failed (recorded with their reason);\n"
	"3 configuration or environment error; 130/143 interrupted after a clean stop.\n";

struct run {
	const char *batch;
	const char *lang;
	long timeout;
	struct so_store *store;
	struct so_progress progress;
};

static int worker(void *ctx)
{
	struct run *r = ctx;
	return so_ocr_worker(r->batch, r->lang);
}

static void tick(void *ctx)
{
	struct run *r = ctx;
	if (so_ocr_watch(r->store, (int)r->timeout) < 0)
		so_log_err("%s", so_errmsg());
	struct so_stage_counts c;
	if (so_unit_counts(r->store, SO_OCR_STAGE, &c) == 0)
		so_progress_update(&r->progress, c.done, c.failed,
				   c.pending + c.running + c.done + c.failed);
}

int main(int argc, char **argv)
{
	so_cli_single_threaded(argv);
	so_cli_init("sohoa-ocr");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "page-timeout", required_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct run run = { .lang = "vie", .timeout = SO_OCR_TIMEOUT_DEFAULT };
	long jobs = so_cores();
	int opt, code = SO_EXIT_USAGE;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'b':
			run.batch = optarg;
			break;
		case 'j':
			if (so_cli_number("jobs", optarg, 1, 256, &jobs) < 0)
				goto done;
			break;
		case 't':
			if (so_cli_number("page-timeout", optarg, 5, 86400, &run.timeout) < 0)
				goto done;
			break;
		case 'l':
			run.lang = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			code = SO_EXIT_OK;
			goto done;
		case 'V':
			code = so_cli_version();
			goto done;
		default:
			so_cli_bad_option();
			goto done;
		}
	}
	if (optind < argc) {
		so_cli_usage_error("unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (!run.batch) {
		so_cli_usage_error("--batch DIR is required");
		goto done;
	}
	so_signals_install();
	if (so_store_open(run.batch, 0, &run.store) < 0 || so_ocr_seed(run.store) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	so_progress_init(&run.progress, SO_OCR_STAGE, "pages");
	struct so_supervisor sv = { .store = run.store, .stage = SO_OCR_STAGE, .jobs = jobs,
				    .work = worker, .tick = tick, .ctx = &run };
	code = so_stage_supervise(&sv);
	so_progress_end(&run.progress);
	sqlite3_int64 records = 0;
	sqlite3_stmt *st = so_store_stmt(run.store, "SELECT count(*) FROM records");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		records = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	struct so_stage_counts c;
	if (so_unit_counts(run.store, SO_OCR_STAGE, &c) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	printf("ocr: %lld pages read, %lld failed, %lld pending; %lld records in the batch\n",
	       (long long)c.done, (long long)c.failed, (long long)(c.pending + c.running),
	       (long long)records);
	if (code == SO_EXIT_OK && c.failed)
		code = SO_EXIT_PARTIAL;
done:
	so_store_close(run.store);
	return code;
}
