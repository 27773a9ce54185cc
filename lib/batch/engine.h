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

#include "batch/night.h"

struct so_submit_options {
	long max_parallel;          /* tasks at once (0: the engine's default) */
	long jobs;                  /* sohoa run --jobs inside each task (0: run's default) */
	const char *sshloginfile;   /* parallel: the machines (NULL: this one) */
	const char *sohoa;          /* the sohoa front command, as the nodes find it */
	int dry_run;                /* write the script, do not run it */
};

/* Writes the GNU parallel script of night N into SCRIPT (NIGHT.parallel.sh beside the night
 * file; its joblog NIGHT.joblog beside it) and, unless O->dry_run, runs it. Returns the exit
 * code: 0 every task complete, 2 some task failed or stopped (the joblog says which; running
 * the script again resumes them), 3 the script cannot be written or parallel run. */
int so_submit_parallel(const struct so_night *n, const struct so_submit_options *o,
		       char *script, size_t size);

#endif
