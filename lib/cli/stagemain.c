/* The one main of the unit stages (see stagemain.h). */
#include <stdio.h>

#include "batch/stage.h"
#include "batch/units.h"
#include "cli/cli.h"
#include "cli/stagemain.h"

/* getopt codes of the stage's own options: OPT_STAGE + their index in the table */
enum { OPT_STAGE = 2000, OPT_STAGE_MAX = 64 };

int so_stage_take_flag(const struct so_stage_option *o, void *settings, const char *arg)
{
	(void)arg;
	*(int *)((char *)settings + o->offset) = 1;
	return 0;
}

int so_stage_take_text(const struct so_stage_option *o, void *settings, const char *arg)
{
	*(const char **)((char *)settings + o->offset) = arg;
	return 0;
}

int so_stage_take_number(const struct so_stage_option *o, void *settings, const char *arg)
{
	return so_cli_number(o->name, arg, o->min, o->max, (long *)((char *)settings + o->offset));
}

static int stage_work(void *ctx)
{
	const struct so_stage_run *r = ctx;
	return r->def->work(r);
}

/* The stage's units in the store, as the progress counts them. */
static int unit_count(struct so_stage_run *r, int64_t *done, int64_t *failed, int64_t *total)
{
	struct so_stage_counts c;
	if (so_unit_counts(r->store, r->def->stage, &c) < 0)
		return -1;
	*done = c.done;
	*failed = c.failed;
	*total = c.pending + c.running + c.done + c.failed;
	return 0;
}

static void stage_tick(void *ctx)
{
	struct so_stage_run *r = ctx;
	if (r->def->tick)
		r->def->tick(r);
	int64_t done, failed, total;
	if ((r->def->count ? r->def->count : unit_count)(r, &done, &failed, &total) == 0)
		so_progress_update(&r->progress, done, failed, total);
}

/* The option table: --batch, --jobs, the stage's own, --help, --version, then the book specs
 * (getopt_long's order decides what an abbreviation matches). Returns the number of the
 * stage's own options, or -1 when there are too many. */
static int options_make(const struct so_stage_def *def, struct option *opts, size_t size)
{
	static const struct option common[] = {
		{ "batch", required_argument, NULL, SO_OPT_BATCH },
		{ "jobs", required_argument, NULL, SO_OPT_JOBS },
	};
	static const struct option closing[] = {
		{ "help", no_argument, NULL, SO_OPT_HELP },
		{ "version", no_argument, NULL, SO_OPT_VERSION },
	};
	static const struct option bookspec[] = { SO_BOOKSPEC_LONG_OPTIONS };
	size_t n = 0, own = 0;
	while (def->options && def->options[own].name)
		own++;
	if (own > OPT_STAGE_MAX || 2 + own + 2 + 6 + 1 > size)
		return -1;
	for (size_t i = 0; i < 2; i++)
		opts[n++] = common[i];
	for (size_t i = 0; i < own; i++)
		opts[n++] = (struct option){ def->options[i].name, def->options[i].has_arg, NULL,
					     OPT_STAGE + (int)i };
	for (size_t i = 0; i < 2; i++)
		opts[n++] = closing[i];
	for (size_t i = 0; def->bookspecs && i < sizeof(bookspec) / sizeof(bookspec[0]); i++)
		opts[n++] = bookspec[i];
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return (int)own;
}

int so_stage_main(const struct so_stage_def *def, void *settings, int argc, char **argv)
{
	if (def->single_threaded)
		so_cli_single_threaded(argv);
	so_cli_init(def->program);
	struct so_stage_run run = { .def = def, .settings = settings, .jobs = so_cores() };
	struct option options[OPT_STAGE_MAX + 16];
	int own = options_make(def, options, sizeof(options) / sizeof(options[0]));
	int opt, code = SO_EXIT_USAGE;
	if (own < 0) {
		so_log_err("too many options");
		return SO_EXIT_ENV;
	}
	/* with book specs, file arguments come in order with the options ("-") */
	while ((opt = getopt_long(argc, argv, def->bookspecs ? "-" : "", options, NULL)) != -1) {
		if (def->bookspecs) {
			int taken = so_bookspecs_option(&run.specs, opt, optarg);
			if (taken < 0)
				goto done;
			if (taken)
				continue;
		}
		if (opt >= OPT_STAGE && opt < OPT_STAGE + own) {
			const struct so_stage_option *o = &def->options[opt - OPT_STAGE];
			if (o->take(o, settings, optarg) < 0)
				goto done;
			continue;
		}
		switch (opt) {
		case SO_OPT_BATCH:
			run.batch = optarg;
			break;
		case SO_OPT_JOBS:
			if (so_cli_number("jobs", optarg, 1, 256, &run.jobs) < 0)
				goto done;
			break;
		case SO_OPT_HELP:
			fputs(def->usage, stdout);
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
	if (!def->bookspecs && optind < argc) {
		so_cli_usage_error("unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (!run.batch) {
		so_cli_usage_error("--batch DIR is required");
		goto done;
	}
	if (run.specs.n && so_cli_bookspecs_finish(&run.specs) < 0)
		goto done;

	so_signals_install();
	if (so_store_open(run.batch, run.specs.n > 0, &run.store) < 0 ||
	    (def->seed && def->seed(&run) < 0)) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto done;
	}
	so_progress_init(&run.progress, def->stage, def->unit);
	struct so_supervisor sv = { .store = run.store, .stage = def->stage, .jobs = run.jobs,
				    .work = stage_work, .tick = stage_tick, .ctx = &run };
	code = so_stage_supervise(&sv);
	so_progress_end(&run.progress);
	if (def->summary)
		code = def->summary(&run, code);
done:
	so_store_close(run.store);
	so_bookspecs_release(&run.specs);
	return code;
}
