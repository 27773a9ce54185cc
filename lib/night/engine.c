/* Handing a night to GNU parallel or Slurm (see engine.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/log.h"
#include "base/util.h"
#include "night/engine.h"
#include "batch/workers.h"

#define SO_STR_(x) #x
#define SO_STR(x) SO_STR_(x)

/* S single-quoted for sh into OUT. */
static void quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* NIGHT.ini's path with its extension replaced by EXT into BUF. */
static void beside(const char *night, const char *ext, char *buf, size_t size)
{
	const char *slash = strrchr(night, '/'), *dot = strrchr(night, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - night) : strlen(night);
	snprintf(buf, size, "%.*s%s", (int)stem, night, ext);
}

/* Opens the script PATH to be written whole (under a temporary name). 0, or -1 (logged). */
static int script_open(struct so_atomic *a, const char *path)
{
	if (so_atomic_open(a, path) < 0) {
		so_log_err("%s", so_errmsg());
		return -1;
	}
	return 0;
}

/* Puts the script PATH in place and makes it executable. 0, or -1 (logged). */
static int script_commit(struct so_atomic *a, const char *path)
{
	if (so_atomic_commit(a) < 0) {
		so_log_err("%s", so_errmsg());
		return -1;
	}
	if (chmod(path, 0755) < 0) {
		so_log_err("cannot make '%s' executable: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int so_submit_parallel(const struct so_night *n, const struct so_submit_options *o,
		       char *script, size_t size)
{
	char joblog[4200];
	beside(n->path, ".parallel.sh", script, size);
	beside(n->path, ".joblog", joblog, sizeof(joblog));
	struct so_atomic a;
	if (script_open(&a, script) < 0)
		return SO_EXIT_ENV;
	FILE *f = a.f;
	fprintf(f, "#!/bin/sh\n# The night '%s' on GNU parallel: one task per batch of %s.\n"
		"# Written by sohoa cluster submit --engine parallel; run it again to resume: only\n"
		"# the tasks that did not complete (exit 0, or 2: done with failures recorded) run\n"
		"# again. The joblog says which task ended how.\n", n->name, n->path);
	fputs("parallel --will-cite --halt never --line-buffer --tag", f);
	if (o->max_parallel > 0)
		fprintf(f, " --jobs %ld", o->max_parallel);
	fputs(" --joblog ", f);
	quote(f, joblog);
	fputs(" --resume-failed", f);
	if (o->sshloginfile) {
		fputs(" --sshloginfile ", f);
		quote(f, o->sshloginfile);
	}
	/* each word quoted for parallel's shell (-q); exit 2 completes a task, and parallel
	 * counts only 0 as done */
	fputs(" -q \\\n\tsh -c '\"$0\" cluster task \"$@\"; c=$?; [ $c -eq 2 ] && exit 0; exit $c' ",
	      f);
	quote(f, o->sohoa);
	fputc(' ', f);
	quote(f, n->path);
	fputs(" --index '{}'", f);
	if (o->jobs > 0)
		fprintf(f, " --jobs %ld", o->jobs);
	fputs(" \\\n\t:::", f);
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, " %zu", i);
	fputs("\nc=$?\n"
	      "# parallel itself did not run: nothing to end\n"
	      "[ $c -eq 127 ] || [ $c -eq 255 ] && exit $c\n"
	      "# the night's end: every batch's entries checked against the others' and earlier\n"
	      "# nights' (the index), then delivered; batches whose task did not complete are\n"
	      "# passed over until the script runs again\n", f);
	quote(f, o->sohoa);
	fputs(" cluster finish ", f);
	quote(f, n->path);
	fputs("\nf=$?\n[ $c -ne 0 ] && exit $c\n[ $f -ne 0 ] && exit " SO_STR(SO_END_INCOMPLETE)
	      "\nexit 0\n", f);
	if (script_commit(&a, script) < 0)
		return SO_EXIT_ENV;
	so_log_msg("the night's script: %s (joblog %s)", script, joblog);
	if (o->dry_run)
		return SO_EXIT_OK;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		so_log_err("cannot run '%s': %s", script, strerror(errno));
		return SO_EXIT_ENV;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			so_log_err("cannot wait for parallel: %s", strerror(errno));
			return SO_EXIT_ENV;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 255) {
		so_log_err("GNU parallel did not run the night (is it installed? exit %d)",
			   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return SO_EXIT_ENV;
	}
	if (WEXITSTATUS(status) == SO_END_INCOMPLETE) {
		so_log_msg("every task of the night complete, its end not (see above); run %s "
			   "again, or sohoa cluster finish %s", script, n->path);
		return SO_EXIT_PARTIAL;
	}
	if (WEXITSTATUS(status) != 0) {
		so_log_msg("%d tasks did not complete: see %s; run %s again to resume them",
			   WEXITSTATUS(status), joblog, script);
		return SO_EXIT_PARTIAL;
	}
	so_log_msg("every task of the night complete and the night ended (joblog %s)", joblog);
	return SO_EXIT_OK;
}

/* Submits SCRIPT with sbatch --parsable, DEP (or NULL) and O's options passed through; its
 * job id into JOB. 0, or -1 (logged). */
static int sbatch(const struct so_submit_options *o, const char *dep, const char *script,
		  char *job, size_t job_size)
{
	job[0] = 0;
	int fd[2];
	if (pipe(fd) < 0) {
		so_log_err("cannot run sbatch: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		so_log_err("cannot run sbatch: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		const char *argv[80];
		int k = 0;
		argv[k++] = "sbatch";
		argv[k++] = "--parsable";
		if (dep)
			argv[k++] = dep;
		for (int i = 0; i < o->nsbatch_args && k < 76; i++)
			argv[k++] = o->sbatch_args[i];
		argv[k++] = script;
		argv[k] = NULL;
		execvp("sbatch", (char *const *)argv);
		fprintf(stderr, "sohoa-cluster: cannot run sbatch: %s\n", strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	size_t got = 0;
	ssize_t r;
	while (got + 1 < job_size && (r = read(fd[0], job + got, job_size - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
	}
	job[got] = 0;
	job[strcspn(job, ";\n")] = 0;   /* --parsable: JOBID[;CLUSTER] */
	close(fd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !job[0]) {
		so_log_err("sbatch did not take %s (exit %d)", script,
			   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* The #SBATCH lines of O common to the night's jobs into F. */
static void sbatch_options(FILE *f, const struct so_submit_options *o)
{
	if (o->partition)
		fprintf(f, "#SBATCH --partition=%s\n", o->partition);
	if (o->time)
		fprintf(f, "#SBATCH --time=%s\n", o->time);
	if (o->mem)
		fprintf(f, "#SBATCH --mem=%s\n", o->mem);
}

/* Writes the night's end job script END (runs sohoa cluster finish). 0, or -1 (logged). */
static int end_script(const struct so_night *n, const struct so_submit_options *o,
		      const char *end)
{
	char logs[4200];
	beside(n->path, "-end-%j.log", logs, sizeof(logs));
	struct so_atomic a;
	if (script_open(&a, end) < 0)
		return -1;
	FILE *f = a.f;
	fprintf(f, "#!/bin/sh\n# The end of the night '%s' (%s), once every task of its array\n"
		"# has ended: every batch's entries checked against the other batches' and earlier\n"
		"# nights' (the night's index), duplicates flagged for review, then the records\n"
		"# delivered. Submitted by sohoa cluster submit --engine slurm; by hand:\n"
		"#   sbatch --dependency=afterany:ARRAY_JOB_ID %s\n", n->name, n->path, end);
	fprintf(f, "#SBATCH --job-name=sohoa-%s-end\n#SBATCH --output=%s\n",
		n->name[0] ? n->name : "night", logs);
	sbatch_options(f, o);
	fputs("exec ", f);
	quote(f, o->sohoa);
	fputs(" cluster finish ", f);
	quote(f, n->path);
	fputc('\n', f);
	return script_commit(&a, end);
}

int so_submit_slurm(const struct so_night *n, const struct so_submit_options *o, char *script,
		    size_t size, char *job, size_t job_size, char *end_job, size_t end_size)
{
	char logs[4200], end[4200];
	job[0] = end_job[0] = 0;
	beside(n->path, ".end.slurm.sh", end, sizeof(end));
	beside(n->path, ".slurm.sh", script, size);
	beside(n->path, "-%A_%a.log", logs, sizeof(logs));
	struct so_atomic a;
	if (script_open(&a, script) < 0)
		return SO_EXIT_ENV;
	FILE *f = a.f;
	fprintf(f, "#!/bin/sh\n# The night '%s' on Slurm: one array task per batch of %s.\n"
		"# Written by sohoa cluster submit --engine slurm; submit it again by hand with\n"
		"#   sbatch %s\n", n->name, n->path, script);
	fprintf(f, "#SBATCH --job-name=sohoa-%s\n", n->name[0] ? n->name : "night");
	fprintf(f, "#SBATCH --array=0-%zu", n->n - 1);
	if (o->max_parallel > 0)
		fprintf(f, "%%%ld", o->max_parallel);
	fprintf(f, "\n#SBATCH --requeue\n#SBATCH --output=%s\n", logs);
	sbatch_options(f, o);
	if (o->cpus_per_task > 0)
		fprintf(f, "#SBATCH --cpus-per-task=%ld\n", o->cpus_per_task);
	fputs("# The task: the batch copied to node scratch, run, put back (sohoa cluster task).\n"
	      "# 0 and 2 (done, failures recorded) complete it; 3 fails it; 143 (stopped cleanly:\n"
	      "# preemption, scancel, scontrol requeue) puts the batch back and asks for a requeue,\n"
	      "# and the next attempt resumes where it stopped. The shell outlives the stop\n"
	      "# signal (a trap, not ignored: the task gets it too) and waits for the task,\n"
	      "# so the job does not end while the batch is being put back.\n"
	      "trap : TERM INT\n", f);
	quote(f, o->sohoa);
	fputs(" cluster task ", f);
	quote(f, n->path);
	fputs("\nc=$?\ncase $c in\n0|2) exit 0 ;;\n130|143)\n"
	      "\tscontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\" 2>/dev/null\n"
	      "\texit $c ;;\n*) exit $c ;;\nesac\n", f);
	if (script_commit(&a, script) < 0)
		return SO_EXIT_ENV;
	if (end_script(n, o, end) < 0)
		return SO_EXIT_ENV;
	so_log_msg("the night's job script: %s; its end: %s", script, end);
	if (o->dry_run)
		return SO_EXIT_OK;
	if (sbatch(o, NULL, script, job, job_size) < 0)
		return SO_EXIT_ENV;
	/* the night's end, once every task of the array has ended (requeued ones too) */
	char dep[160];
	snprintf(dep, sizeof(dep), "--dependency=afterany:%s", job);
	if (sbatch(o, dep, end, end_job, end_size) < 0) {
		so_log_err("the night's end was not submitted: run sbatch %s %s by hand", dep, end);
		return SO_EXIT_ENV;
	}
	return SO_EXIT_OK;
}
