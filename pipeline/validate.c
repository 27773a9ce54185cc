/* sohoa-validate: the rule catalogue over a batch, book by book (see lib/check/records.h). */
#include <stddef.h>
#include <stdio.h>

#include "batch/store.h"
#include "check/records.h"
#include "cli/cli.h"
#include "cli/stagemain.h"

static const char usage[] =
	"usage: sohoa validate --batch DIR [--jobs N] [--again] [--index FILE]\n"
	"\n"
	"Applies the rule catalogue to every record, book by book: each broken rule becomes a\n"
	"flag (code, severity, fields, message); a record with an open error flag needs review,\n"
	"the others are valid. Records approved, rejected or synced are left as they are.\n"
	"\n"
	"  --batch DIR   the batch directory\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --again       judge every book again (after new thresholds or reference data)\n"
	"  --index FILE  an index of entries shared between batches (made when missing): an entry\n"
	"                already in an earlier batch is a DUPLICATE_ENTRY\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 done; 1 usage; 3 configuration or environment error; 130/143 interrupted\n"
	"after a clean stop.\n";

struct validate_settings {
	int again;           /* --again */
	const char *index;   /* --index: the workers open it */
};

static const struct so_stage_option options[] = {
	{ "again", no_argument, so_stage_take_flag, offsetof(struct validate_settings, again), 0, 0 },
	{ "index", required_argument, so_stage_take_text, offsetof(struct validate_settings, index),
	  0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 },
};

static int seed(struct so_stage_run *r)
{
	const struct validate_settings *set = r->settings;
	return so_records_seed(r->store, SO_VALIDATE_STAGE, set->again);
}

static int work(const struct so_stage_run *r)
{
	const struct validate_settings *set = r->settings;
	return so_validate_worker(r->batch, set->index);
}

static int status_count(const char *status, int64_t n, void *ctx)
{
	printf(" %lld %s", (long long)n, status);
	return 0;
}

/* The records by status; the exit code is the workers'. */
static int summary(struct so_stage_run *r, int code)
{
	printf("validate:");
	if (so_record_count_each(r->store, status_count, NULL) < 0) {
		printf("\n");
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	printf("\n");
	return code;
}

static const struct so_stage_def validate_stage = {
	.program = "sohoa-validate", .stage = SO_VALIDATE_STAGE, .unit = "books", .usage = usage,
	.options = options, .seed = seed, .work = work, .summary = summary,
};

int main(int argc, char **argv)
{
	struct validate_settings set = { 0 };
	return so_stage_main(&validate_stage, &set, argc, argv);
}
