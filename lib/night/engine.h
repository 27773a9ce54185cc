/*
 * Handing a night to an engine that runs its tasks (`sohoa cluster submit`): sohoa builds no
 * scheduler of its own. The engine's script is written beside the night file — readable and
 * reusable by hand — and run: GNU parallel (`--engine parallel`, on this machine or over ssh
 * with an sshloginfile) runs `sohoa cluster task NIGHT --index I` for every batch, keeps a
 * joblog, and run again runs only the tasks that did not complete (exit 0 or 2).
 */
#ifndef SO_ENGINE_H
#define SO_ENGINE_H

#include <stddef.h>

#include "night/night.h"

struct so_submit_options {
	long max_parallel;          /* tasks at once (0: the engine's default; Slurm: %N) */
	long jobs;                  /* sohoa run --jobs inside each task (0: run's default) */
	const char *sshloginfile;   /* parallel: the machines (NULL: this one) */
	const char *sohoa;          /* the sohoa front command, as the nodes find it */
	int dry_run;                /* write the script, do not run it */
	/* Slurm */
	const char *partition, *time, *mem;   /* NULL: the cluster's defaults */
	long cpus_per_task;                   /* 0: the cluster's default */
	char **sbatch_args;                   /* passed to sbatch as they are */
	int nsbatch_args;
};

/* The parallel script's exit when every task completed and the night's end did not */
#define SO_END_INCOMPLETE 200

/* Writes the GNU parallel script of night N into SCRIPT (NIGHT.parallel.sh beside the night
 * file; its joblog NIGHT.joblog beside it) and, unless O->dry_run, runs it: the tasks, then
 * the night's end (sohoa cluster finish: see task.h). Returns the exit code: 0 every task
 * complete and the night ended, 2 some task failed or stopped (the joblog says which; running
 * the script again resumes them) or the end is incomplete, 3 the script cannot be written or
 * parallel run. */
int so_submit_parallel(const struct so_night *n, const struct so_submit_options *o,
		       char *script, size_t size);

/* Writes the Slurm job script of night N into SCRIPT (NIGHT.slurm.sh beside the night file:
 * a job array of one task per batch, throttled with %max_parallel, --requeue, each task's log
 * NIGHT-JOBID_TASK.log beside it; a task stopped cleanly asks Slurm to requeue it) and,
 * unless O->dry_run, submits it with sbatch; the job id into JOB. The night's end (sohoa
 * cluster finish, task.h) is written beside it too (NIGHT.end.slurm.sh) and submitted to run
 * once every task of the array has ended (--dependency=afterany); its job id into END_JOB.
 * Returns 0 submitted (or written), 3 a script cannot be written or sbatch refused it (its
 * words logged). */
int so_submit_slurm(const struct so_night *n, const struct so_submit_options *o, char *script,
		    size_t size, char *job, size_t job_size, char *end_job, size_t end_size);

#endif
