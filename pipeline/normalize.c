/* sohoa-normalize: canonical values over a batch, book by book (see lib/check/records.h). */
#include <stddef.h>
#include <stdio.h>

#include "batch/store.h"
#include "check/records.h"
#include "cli/cli.h"
#include "cli/stagemain.h"

static const char usage[] =
	"usage: sohoa normalize --batch DIR [--jobs N] [--again]\n"
	"\n"
	"Stores the canonical value of every field beside its reading (dates in ISO form, names\n"
	"in Title Case, places matched to the administrative units valid at the registration\n"
	"date with their codes, ...). The reading itself is never changed.\n"
	"\n"
	"  --batch DIR   the batch directory\n"
	"  --jobs N      worker processes (default: the number of cores)\n"
	"  --again       normalize every book again (after new reference data)\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 done; 1 usage; 3 configuration or environment error; 130/143 interrupted\n"
	"after a clean stop.\n";

struct normalize_settings {
	int again;           /* --again */
	const char *index;   /* --index: taken as validate takes it, and not used */
};

static const struct so_stage_option options[] = {
	{ "again", no_argument, so_stage_take_flag, offsetof(struct normalize_settings, again), 0, 0 },
	{ "index", required_argument, so_stage_take_text, offsetof(struct normalize_settings, index),
	  0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 },
};

static int seed(struct so_stage_run *r)
{
	const struct normalize_settings *set = r->settings;
	return so_records_seed(r->store, SO_NORMALIZE_STAGE, set->again);
}

static int work(const struct so_stage_run *r)
{
	return so_normalize_worker(r->batch);
}

/* How many fields read have a canonical value; the exit code is the workers'. */
static int summary(struct so_stage_run *r, int code)
{
	int64_t read, valued;
	if (so_field_counts(r->store, &read, &valued) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	printf("normalize: %lld of %lld fields read have a canonical value\n", (long long)valued,
	       (long long)read);
	return code;
}

static const struct so_stage_def normalize_stage = {
	.program = "sohoa-normalize", .stage = SO_NORMALIZE_STAGE, .unit = "books", .usage = usage,
	.options = options, .seed = seed, .work = work, .summary = summary,
};

int main(int argc, char **argv)
{
	struct normalize_settings set = { 0 };
	return so_stage_main(&normalize_stage, &set, argc, argv);
}
