/*
 * One task of a night on a cluster (`sohoa cluster task`): one batch of the night file run on
 * one node. SQLite's write-ahead log must not be used over a network file system, so the task
 * takes the shared copy of the batch (a lock file beside it names the task holding it: a
 * batch is never open on two nodes at once), copies it to node-local scratch, runs `sohoa
 * run` there, and puts it back whole (built beside the shared copy and swapped in: the shared
 * copy is never half-written), then removes the scratch copy and the lock. The run does not
 * deliver: delivery waits for the night's end (so_night_finish), once every batch's entries
 * are checked against every other's. A stop (SIGTERM
 * from preemption or scancel, SIGINT) is passed to the run, which stops cleanly after the
 * unit in flight; the batch is put back as far as it got, and the task ends 143 so that the
 * scheduler requeues it: the next attempt resumes where this one stopped.
 */
#ifndef SO_TASK_H
#define SO_TASK_H

#include "night/night.h"

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

/* The night's end (`sohoa cluster finish`), run once every task has ended: the night's index
 * of entries ([night] index) is copied to scratch; batch by batch in the night file's order,
 * each is taken as a task takes it (its lock, a scratch copy, put back whole), its entries
 * merged into the index (so_entry_merge: an entry an earlier batch — of this night or an
 * earlier one — holds is flagged DUPLICATE_ENTRY and waits for review), its records delivered
 * (sohoa sync, the night's [sync] over its manifest's; not when neither names an endpoint)
 * and its report written again; then the index is put back whole. A batch not started or held
 * by a task is passed over, to be merged by the next night's end. Idempotent. */
struct so_finish_options {
	const char *task_id;      /* who holds each batch meanwhile */
	const char *sync_exe;     /* the sohoa-sync executable */
};
/* Returns 0 every batch merged and delivered; 2 some batch passed over or not fully
 * delivered (logged); 3 the index cannot be used or put back; 143 (130) stopped. */
int so_night_finish(const struct so_night *n, const struct so_finish_options *o);

#endif
