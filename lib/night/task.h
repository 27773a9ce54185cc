/*
 * One task of a night on a cluster (`sohoa cluster task`): one batch of the night file run on
 * one node. SQLite's write-ahead log must not be used over a network file system, so the task
 * takes the shared copy of the batch (a lock file beside it names the task holding it: a
 * batch is never open on two nodes at once), copies it to node-local scratch, runs `sohoa
 * run` there, and puts it back whole (built beside the shared copy and swapped in: the shared
 * copy is never half-written), then removes the scratch copy and the lock. A stop (SIGTERM
 * from preemption or scancel, SIGINT) is passed to the run, which stops cleanly after the
 * unit in flight; the batch is put back as far as it got, and the task ends 143 so that the
 * scheduler requeues it: the next attempt resumes where this one stopped.
 */
#ifndef SO_TASK_H
#define SO_TASK_H

#include "batch/night.h"

struct so_task_options {
	size_t index;             /* the batch: its place in the night file, from 0 */
	int jobs;                 /* sohoa run --jobs (0: run's default) */
	const char *task_id;      /* who holds the batch: e.g. Slurm's JOBID_TASKID */
	const char *run_exe;      /* the sohoa-run executable */
};

/* Runs the task; returns its exit code: 0 and 2 (partial, recorded) complete it, 3 fails it
 * (the reason logged: the batch held by another task, no scratch, the run's own failure, or
 * the batch could not be put back — its scratch copy is then kept and named), 143 (or 130)
 * stopped cleanly, to be requeued. */
int so_task_run(const struct so_night *n, const struct so_task_options *o);

#endif
