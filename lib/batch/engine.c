/* Handing a night to GNU parallel (see engine.h). */
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
#include "batch/engine.h"
#include "batch/workers.h"

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

int so_submit_parallel(const struct so_night *n, const struct so_submit_options *o,
		       char *script, size_t size)
{
	char joblog[4200];
	beside(n->path, ".parallel.sh", script, size);
	beside(n->path, ".joblog", joblog, sizeof(joblog));
	struct so_atomic a;
	if (so_atomic_open(&a, script) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	FILE *f = a.f;
	fprintf(f, "#!/bin/sh\n# The night '%s' on GNU parallel: one task per batch of %s.\n"
		"# Written by sohoa cluster submit --engine parallel; run it again to resume: only\n"
		"# the tasks that did not complete (exit 0, or 2: done with failures recorded) run\n"
		"# again. The joblog says which task ended how.\n", n->name, n->path);
	fputs("exec parallel --will-cite --halt never --line-buffer --tag", f);
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
	fputc('\n', f);
	if (so_atomic_commit(&a) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	if (chmod(script, 0755) < 0) {
		so_log_err("cannot make '%s' executable: %s", script, strerror(errno));
		return SO_EXIT_ENV;
	}
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
	if (WEXITSTATUS(status) != 0) {
		so_log_msg("%d tasks did not complete: see %s; run %s again to resume them",
			   WEXITSTATUS(status), joblog, script);
		return SO_EXIT_PARTIAL;
	}
	so_log_msg("every task of the night complete (joblog %s)", joblog);
	return SO_EXIT_OK;
}
