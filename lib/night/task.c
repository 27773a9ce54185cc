/* One task of a night on a cluster: take, copy, run, put back (see task.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/log.h"
#include "base/outdir.h"
#include "base/util.h"
#include "batch/task.h"
#include "batch/workers.h"

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

#define LOCK_WAIT_SECONDS 600   /* an earlier attempt of this task still putting back */
#define LOCK_GONE_SECONDS 120   /* an earlier attempt on another node: its scheduler's kill */

/* Takes the lock LOCK of the shared copy for TASK_ID: 0 taken, 1 held by another task (the
 * error says who), -1 on error. The lock of an earlier attempt of the same task (requeued) is
 * taken over once that attempt is over: on this node, when its process is gone (it may still
 * be putting the batch back); on another node, after LOCK_GONE_SECONDS. */
static int lock_take(const char *lock, const char *task_id)
{
	char host[256] = "", now[SO_TIME_LEN], line[640];
	gethostname(host, sizeof(host) - 1);
	so_now_iso(now);
	int n = snprintf(line, sizeof(line), "task %s host %s pid %ld since %s\n", task_id, host,
			 (long)getpid(), now);
	for (int waited = 0; waited <= LOCK_WAIT_SECONDS; ) {
		int f = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (f >= 0) {
			int ok = write(f, line, (size_t)n) == n && fsync(f) == 0;
			close(f);
			return ok ? 0 : so_error("cannot write the lock '%s': %s", lock,
						 strerror(errno));
		}
		if (errno != EEXIST)
			return so_error("cannot take the lock '%s': %s", lock, strerror(errno));
		char *held = NULL;
		size_t len = 0;
		if (so_read_file(lock, 4096, &held, &len) < 0)
			continue;   /* gone meanwhile: try again */
		char who[256] = "", where[256] = "";
		long pid = 0;
		sscanf(held, "task %255s host %255s pid %ld", who, where, &pid);
		held[strcspn(held, "\n")] = 0;
		if (strcmp(who, task_id) != 0) {
			so_error("the batch is held by another task (%s: %s); a batch is never run "
				 "on two nodes at once — if that task is gone, remove the lock",
				 lock, held);
			free(held);
			return 1;
		}
		int here = strcmp(where, host) == 0;
		int alive = here && pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
		free(held);
		if (alive || (!here && waited < LOCK_GONE_SECONDS)) {
			if (waited == 0)
				so_log_msg("waiting for an earlier attempt of task %s to end (%s)",
					   task_id, lock);
			sleep(1);
			waited++;
			continue;
		}
		/* this task's earlier attempt is over: its lock is this one's */
		if (unlink(lock) < 0 && errno != ENOENT)
			return so_error("cannot take the lock '%s': %s", lock, strerror(errno));
	}
	return so_error("an earlier attempt of task %s still holds '%s' after %d s", task_id, lock,
			LOCK_WAIT_SECONDS);
}

static int take_as_is(const char *dir, void *ctx)
{
	(void)dir;
	(void)ctx;
	return 1;   /* the lock says the shared copy is this task's */
}

/* Puts the scratch copy SCRATCH back in place of the shared copy DIR, whole. */
static int put_back(const char *scratch, const char *dir)
{
	struct so_outdir od;
	int r = -1;
	if (so_outdir_begin(&od, dir, "batch", take_as_is, NULL) < 0)
		goto done;
	/* the copy is made where the empty directory was */
	if (rmdir(od.tmp) < 0) {
		so_error("cannot use '%s': %s", od.tmp, strerror(errno));
		goto done;
	}
	if (so_copy_tree(scratch, od.tmp) < 0 || so_outdir_commit(&od) < 0)
		goto done;
	r = 0;
done:
	so_outdir_release(&od);
	return r;
}

/* Runs sohoa run on SCRATCH; returns its exit code (128 + the signal when it was killed). */
static int run(const struct so_night *n, const struct so_night_batch *b,
	       const struct so_task_options *o, const char *scratch)
{
	const char *argv[24];
	int a = 0;
	char jobs[16];
	argv[a++] = o->run_exe;
	argv[a++] = "--batch";
	argv[a++] = scratch;
	argv[a++] = "--manifest";
	argv[a++] = b->manifest;
	if (o->jobs > 0) {
		snprintf(jobs, sizeof(jobs), "%d", o->jobs);
		argv[a++] = "--jobs";
		argv[a++] = jobs;
	}
	/* the night's [sync] wins over the manifest's */
	const struct { const char *option, *value; } sync[] = {
		{ "--endpoint", n->sync.endpoint }, { "--token-file", n->sync.token_file },
		{ "--cacert", n->sync.cacert }, { "--cert", n->sync.cert }, { "--key", n->sync.key },
	};
	for (size_t i = 0; i < sizeof(sync) / sizeof(sync[0]); i++)
		if (sync[i].value[0]) {
			argv[a++] = sync[i].option;
			argv[a++] = sync[i].value;
		}
	argv[a] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return so_error("cannot start sohoa run: %s", strerror(errno)), SO_EXIT_ENV;
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		execvp(o->run_exe, (char *const *)argv);
		fprintf(stderr, "sohoa-cluster: cannot run '%s': %s\n", o->run_exe, strerror(errno));
		_exit(SO_EXIT_ENV);
	}
	int status, passed = 0;
	for (;;) {
		if (stop_signal && !passed) {
			kill(pid, stop_signal);   /* the run stops after the unit in flight */
			passed = 1;
		}
		pid_t w = waitpid(pid, &status, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return so_error("cannot wait for sohoa run: %s", strerror(errno)), SO_EXIT_ENV;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int so_task_run(const struct so_night *n, const struct so_task_options *o)
{
	if (o->index >= n->n) {
		so_log_err("the night has %zu batches: no batch %zu", n->n, o->index);
		return SO_EXIT_ENV;
	}
	const struct so_night_batch *b = &n->batches[o->index];
	if (!n->scratch[0]) {
		so_log_err("%s: the night names no scratch directory ([night] scratch = …)", n->path);
		return SO_EXIT_ENV;
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	char lock[4200], scratch[4400];
	snprintf(lock, sizeof(lock), "%s.lock", b->dir);
	/* per attempt: an earlier attempt's copy is never this one's */
	snprintf(scratch, sizeof(scratch), "%s/%s.%s.%ld", n->scratch, b->name, o->task_id,
		 (long)getpid());
	int taken = lock_take(lock, o->task_id);
	if (taken != 0) {
		so_log_err("batch %s: %s", b->name, so_errmsg());
		return SO_EXIT_ENV;
	}
	int code = SO_EXIT_ENV;
	struct stat st;
	if (so_mkdir_p(n->scratch, 0755) < 0 || so_remove_tree(scratch) < 0) {
		so_log_err("batch %s: %s", b->name, so_errmsg());
		goto release;
	}
	if (stat(b->dir, &st) == 0 ? so_copy_tree(b->dir, scratch) < 0 :
	    so_mkdir_p(scratch, 0755) < 0) {
		so_log_err("batch %s: cannot copy it to scratch: %s", b->name, so_errmsg());
		so_remove_tree(scratch);
		goto release;
	}
	so_log_msg("batch %s: copied to %s, running", b->name, scratch);
	int ran = stop_signal ? so_signal_exit_code(stop_signal) : run(n, b, o, scratch);
	so_log_msg("batch %s: sohoa run ended (exit %d), putting it back", b->name, ran);
	if (put_back(scratch, b->dir) < 0) {
		so_log_err("batch %s: cannot put it back in %s: %s; its work is kept in %s",
			   b->name, b->dir, so_errmsg(), scratch);
		goto release;
	}
	so_remove_tree(scratch);
	if (ran == SO_EXIT_OK || ran == SO_EXIT_PARTIAL)
		code = ran;
	else if (ran == SO_EXIT_SIGINT || ran == SO_EXIT_SIGTERM || ran == 128 + SIGTERM ||
		 ran == 128 + SIGINT || stop_signal)
		code = SO_EXIT_SIGTERM;
	else
		code = SO_EXIT_ENV;
	so_log_msg("batch %s: back in %s; task %s", b->name, b->dir,
		   code == SO_EXIT_SIGTERM ? "stopped (to be requeued)" :
		   code == SO_EXIT_ENV ? "failed" : "complete");
release:
	if (unlink(lock) < 0 && errno != ENOENT)
		so_log_err("cannot remove the lock %s: %s", lock, strerror(errno));
	return code;
}
