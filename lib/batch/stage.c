/* The stage loop and its supervisor (see stage.h). */
#include <stdio.h>

#include "base/log.h"
#include "batch/stage.h"
#include "batch/units.h"
#include "batch/workers.h"

int so_stage_work(struct so_store *s, const char *stage,
		  int (*unit)(void *ctx, int64_t id, int crashes), void *ctx)
{
	for (;;) {
		if (so_signal_received())
			return so_signal_exit_code(so_signal_received());
		int64_t id;
		int crashes = 0;
		int got = so_unit_claim(s, stage, &id, &crashes);
		if (got == 0)
			return SO_EXIT_OK;
		int r = got < 0 ? -1 : unit(ctx, id, crashes);
		if (r < 0) {
			so_log_err("%s", so_errmsg());
			return SO_EXIT_ENV;
		}
		if (r == 1)
			return so_signal_exit_code(so_signal_received());
	}
}

struct supervised {
	const struct so_supervisor *sv;
};

static int run_work(void *ctx)
{
	const struct so_supervisor *sv = ((struct supervised *)ctx)->sv;
	return sv->work(sv->ctx);
}

static void run_tick(void *ctx)
{
	const struct so_supervisor *sv = ((struct supervised *)ctx)->sv;
	if (sv->tick)
		sv->tick(sv->ctx);
}

static void run_crashed(void *ctx, long pid, const char *reason)
{
	const struct so_supervisor *sv = ((struct supervised *)ctx)->sv;
	if (so_unit_crashed(sv->store, sv->stage, pid, reason) < 0)
		so_log_err("%s", so_errmsg());
}

int so_stage_supervise(const struct so_supervisor *sv)
{
	struct so_stage_counts c;
	if (so_unit_counts(sv->store, sv->stage, &c) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	int64_t waiting = c.pending + c.running;
	if (waiting == 0)
		return SO_EXIT_OK;
	struct supervised sup = { sv };
	struct so_workers w = { .n = (int)(waiting < sv->jobs ? waiting : sv->jobs), .work = run_work,
				.tick = run_tick, .crashed = run_crashed, .ctx = &sup };
	return so_workers_run(&w);
}
