/* sohoa-validate: the validate stage over a batch, book by book (see lib/records.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "records.h"
#include "stage.h"
#include "store.h"

static const char usage[] =
	"usage: sohoa validate --batch DIR [--jobs N] [--again]\n"
	"\n"
	"Applies the rule catalogue to every record, book by book: each broken rule becomes a\n"
	"flag (code, severity, fields, message); a record with an open error flag needs review,\n"
	"the others are valid. Records approved, rejected or synced are left as they are.\n"
	"\n"
	"  --batch DIR   the batch directory\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --again       do every book again (after new thresholds or reference data)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 done; 1 usage; 3 configuration or environment error; 130/143 interrupted\n"
	"after a clean stop.\n";

struct run {
	const char *batch;
	struct so_store *store;
	struct so_progress progress;
};

static int worker(void *ctx)
{
	return so_validate_worker(((struct run *)ctx)->batch);
}

static void tick(void *ctx)
{
	struct run *r = ctx;
	struct so_stage_counts c;
	if (so_unit_counts(r->store, SO_VALIDATE_STAGE, &c) == 0)
		so_progress_update(&r->progress, c.done, c.failed,
				   c.pending + c.running + c.done + c.failed);
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-validate");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "again", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct run run = { 0 };
	long jobs = so_cores();
	int again = 0;
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
		case 'a':
			again = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			code = SO_EXIT_OK;
			goto done;
		case 'V':
			code = so_cli_version();
			goto done;
		default:
			so_cli_usage_error("unknown option");
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
	if (so_store_open(run.batch, 0, &run.store) < 0 ||
	    so_records_seed(run.store, SO_VALIDATE_STAGE) < 0 ||
	    (again && so_unit_redo_all(run.store, SO_VALIDATE_STAGE) < 0)) {
		so_cli_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	so_progress_init(&run.progress, SO_VALIDATE_STAGE, "books");
	struct so_supervisor sv = { .store = run.store, .stage = SO_VALIDATE_STAGE, .jobs = jobs,
				    .work = worker, .tick = tick, .ctx = &run };
	code = so_stage_supervise(&sv);
	so_progress_end(&run.progress);
	sqlite3_stmt *st = so_store_stmt(run.store, "SELECT status, count(*) FROM records "
					    "GROUP BY status ORDER BY status");
	printf("validate:");
	while (st && sqlite3_step(st) == SQLITE_ROW)
		printf(" %lld %s", (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 0));
	if (st)
		sqlite3_reset(st);
	printf("\n");
done:
	so_store_close(run.store);
	return code;
}
