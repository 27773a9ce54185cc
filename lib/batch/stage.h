/*
 * What every stage does around its own work: the worker's loop that claims units from the
 * batch store until none is left or a stop signal arrives, and the supervisor that starts
 * worker processes when there is work, reports a worker's crash against the unit it held, and
 * ticks (progress, watchdogs) while they run.
 */
#ifndef SO_STAGE_H
#define SO_STAGE_H

#include <stdint.h>

#include "batch/store.h"

/* Claims units of STAGE and hands each to UNIT, which returns 0 when the unit is settled (done
 * or failed, committed), 1 when it stopped for a signal (the unit given back), -1 when the
 * store failed (error set). Returns an exit code (0, 3, 130, 143). */
int so_stage_work(struct so_store *s, const char *stage,
		  int (*unit)(void *ctx, int64_t id, int crashes), void *ctx);

struct so_supervisor {
	struct so_store *store;
	const char *stage;
	long jobs;
	int (*work)(void *ctx);       /* a worker process's whole life */
	void (*tick)(void *ctx);      /* about five times a second while workers run; may be NULL */
	void *ctx;
};
/* Runs WORK in as many processes as there are pending units, up to JOBS. Returns the worst
 * exit code of the workers (0 when there was nothing to do), or 3 when the store fails. */
int so_stage_supervise(const struct so_supervisor *sv);

#endif
