/* One task of a night on a cluster: take, copy, run, put back (see task.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
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
#include "batch/report.h"
#include "batch/store.h"
#include "night/task.h"
#include "batch/workers.h"
#include "check/records.h"
#include "check/records_store.h"

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
		int alive = here && so_pid_alive(pid);
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

/* Runs ARGV (ARGV[0] the program) and waits for it, passing a stop on to it (it stops after
 * the unit in flight); its exit code (128 + the signal when it was killed). */
static int child(const char *const *argv)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return so_error("cannot start %s: %s", argv[0], strerror(errno)), SO_EXIT_ENV;
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "sohoa-cluster: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(SO_EXIT_ENV);
	}
	int status, passed = 0;
	for (;;) {
		if (stop_signal && !passed) {
			kill(pid, stop_signal);
			passed = 1;
		}
		pid_t w = waitpid(pid, &status, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return so_error("cannot wait for %s: %s", argv[0], strerror(errno)), SO_EXIT_ENV;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs sohoa run on SCRATCH; returns its exit code (128 + the signal when it was killed). */
static int run(const struct so_night_batch *b, const struct so_task_options *o,
	       const char *scratch)
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
	/* delivery waits for the night's end: the merge of every batch's entries first */
	argv[a++] = "--no-sync";
	argv[a] = NULL;
	return child(argv);
}

/* The work done on a batch's scratch copy: its exit code. */
typedef int (*batch_work)(const char *scratch, void *ctx);

/* Takes batch B of night N for TASK_ID, copies it to the night's scratch (a new batch when
 * it has no shared copy yet and MAKE; else *SKIP is set and nothing done), runs WORK on the
 * copy, puts it back whole and releases the lock. Returns WORK's exit code, or 3 (logged):
 * held by another task (*SKIP set too), no scratch, or the batch could not be put back (its
 * scratch copy kept and named). */
static int on_scratch(const struct so_night *n, const struct so_night_batch *b,
		      const char *task_id, int make, batch_work work, void *ctx, int *skip)
{
	char lock[4200], scratch[4400];
	struct stat st;
	*skip = 0;
	if (!n->scratch[0]) {
		so_log_err("%s: the night names no scratch directory ([night] scratch = …)", n->path);
		return SO_EXIT_ENV;
	}
	if (!make && stat(b->dir, &st) != 0) {
		*skip = 1;
		return SO_EXIT_OK;
	}
	snprintf(lock, sizeof(lock), "%s.lock", b->dir);
	/* per attempt: an earlier attempt's copy is never this one's */
	snprintf(scratch, sizeof(scratch), "%s/%s.%s.%ld", n->scratch, b->name, task_id,
		 (long)getpid());
	int taken = lock_take(lock, task_id);
	if (taken != 0) {
		so_log_err("batch %s: %s", b->name, so_errmsg());
		*skip = taken == 1;
		return SO_EXIT_ENV;
	}
	int code = SO_EXIT_ENV;
	if (so_mkdir_p(n->scratch, 0755) < 0 || so_remove_tree(scratch) < 0) {
		so_log_err("batch %s: %s", b->name, so_errmsg());
		goto release;
	}
	double t0 = so_monotonic();
	if (stat(b->dir, &st) == 0 ? so_copy_tree(b->dir, scratch) < 0 :
	    so_mkdir_p(scratch, 0755) < 0) {
		so_log_err("batch %s: cannot copy it to scratch: %s", b->name, so_errmsg());
		so_remove_tree(scratch);
		goto release;
	}
	so_log_msg("batch %s: copied to %s in %.1f s", b->name, scratch, so_monotonic() - t0);
	int done = stop_signal ? so_signal_exit_code(stop_signal) : work(scratch, ctx);
	double t1 = so_monotonic();
	if (put_back(scratch, b->dir) < 0) {
		so_log_err("batch %s: cannot put it back in %s: %s; its work is kept in %s",
			   b->name, b->dir, so_errmsg(), scratch);
		goto release;
	}
	so_remove_tree(scratch);
	so_log_msg("batch %s: put back in %.1f s", b->name, so_monotonic() - t1);
	code = done;
release:
	if (unlink(lock) < 0 && errno != ENOENT)
		so_log_err("cannot remove the lock %s: %s", lock, strerror(errno));
	return code;
}

static void on_stop_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

struct task_work {
	const struct so_night_batch *b;
	const struct so_task_options *o;
};

static int task_work(const char *scratch, void *ctx)
{
	const struct task_work *t = ctx;
	so_log_msg("batch %s: running", t->b->name);
	int ran = run(t->b, t->o, scratch);
	so_log_msg("batch %s: sohoa run ended (exit %d), putting it back", t->b->name, ran);
	if (ran == SO_EXIT_OK || ran == SO_EXIT_PARTIAL)
		return ran;
	if (ran == SO_EXIT_SIGINT || ran == SO_EXIT_SIGTERM || ran == 128 + SIGTERM ||
	    ran == 128 + SIGINT || stop_signal)
		return SO_EXIT_SIGTERM;
	return SO_EXIT_ENV;
}

int so_task_run(const struct so_night *n, const struct so_task_options *o)
{
	if (o->index >= n->n) {
		so_log_err("the night has %zu batches: no batch %zu", n->n, o->index);
		return SO_EXIT_ENV;
	}
	const struct so_night_batch *b = &n->batches[o->index];
	on_stop_signals();
	struct task_work t = { b, o };
	int skip;
	int code = on_scratch(n, b, o->task_id, 1, task_work, &t, &skip);
	so_log_msg("batch %s: task %s", b->name,
		   code == SO_EXIT_SIGTERM ? "stopped (to be requeued)" :
		   code == SO_EXIT_ENV ? "failed" : "complete");
	return code;
}

/* The night's end ----------------------------------------------------------------------------- */

/* Copies the file SRC into the stream OUT. 0, or -1 with the error set. */
static int copy_into(const char *src, FILE *out)
{
	FILE *in = fopen(src, "rb");
	if (!in)
		return so_error("cannot read '%s': %s", src, strerror(errno));
	char buf[1 << 16];
	size_t got;
	int r = 0;
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, got, out) != got) {
			r = so_error("cannot copy '%s': %s", src, strerror(errno));
			break;
		}
	if (ferror(in))
		r = so_error("cannot read '%s': %s", src, strerror(errno));
	fclose(in);
	return r;
}

/* Copies the file SRC to DST whole (under a temporary name, renamed when complete). */
static int copy_file(const char *src, const char *dst)
{
	struct so_atomic a;
	if (so_atomic_open(&a, dst) < 0)
		return -1;
	if (copy_into(src, a.f) < 0) {
		so_atomic_abort(&a);
		return -1;
	}
	return so_atomic_commit(&a);
}

struct finish_work {
	const struct so_night *n;
	const struct so_night_batch *b;
	const struct so_finish_options *o;
	struct so_entry_index *index;
	struct so_merge_result merged;
	int synced;                       /* the sync's exit code, -1 when not run */
};

/* The batch's sync settings: the night's [sync] over its manifest's. */
static void sync_settings(const struct so_night *n, const struct so_night_batch *b,
			  struct so_sync_settings *y)
{
	struct so_bookspecs specs = { 0 };
	memset(y, 0, sizeof(*y));
	if (so_manifest_read(b->manifest, &specs, y) < 0)
		memset(y, 0, sizeof(*y));
	so_bookspecs_release(&specs);
	if (n->sync.endpoint[0])
		*y = n->sync;
}

static int finish_work(const char *scratch, void *ctx)
{
	struct finish_work *f = ctx;
	struct so_store *s = NULL;
	f->synced = -1;
	if (so_store_open(scratch, 0, &s) < 0 ||
	    so_entry_merge(s, f->index, f->n->index, &f->merged) < 0) {
		so_log_err("batch %s: cannot merge its entries: %s", f->b->name, so_errmsg());
		so_store_close(s);
		return SO_EXIT_ENV;
	}
	so_store_close(s);
	so_log_msg("batch %s: %ld entries merged, %ld held by an earlier batch (DUPLICATE_ENTRY)",
		   f->b->name, f->merged.entries, f->merged.flagged);
	struct so_sync_settings y;
	sync_settings(f->n, f->b, &y);
	if (y.endpoint[0] && !stop_signal) {
		const char *argv[16];
		int a = 0;
		argv[a++] = f->o->sync_exe;
		argv[a++] = "--batch";
		argv[a++] = scratch;
		argv[a++] = "--endpoint";
		argv[a++] = y.endpoint;
		const char *opts[4][2] = { { "--token-file", y.token_file }, { "--cacert", y.cacert },
					   { "--cert", y.cert }, { "--key", y.key } };
		for (int i = 0; i < 4; i++)
			if (opts[i][1][0]) {
				argv[a++] = opts[i][0];
				argv[a++] = opts[i][1];
			}
		argv[a] = NULL;
		f->synced = child(argv);
		so_log_msg("batch %s: delivered (sohoa sync exit %d)", f->b->name, f->synced);
	}
	/* its report says what the night's end did */
	char report[4500];
	snprintf(report, sizeof(report), "%s/report.html", scratch);
	if (so_store_open(scratch, 0, &s) < 0 || so_report_write(s, report) < 0)
		so_log_err("batch %s: its report not written: %s", f->b->name, so_errmsg());
	so_store_close(s);
	if (f->synced > SO_EXIT_PARTIAL)
		return f->synced == 128 + SIGTERM || f->synced == 128 + SIGINT ? SO_EXIT_SIGTERM
									   : f->synced;
	return f->synced == SO_EXIT_PARTIAL ? SO_EXIT_PARTIAL : SO_EXIT_OK;
}

/* Removes the scratch copies of a night's index in SCRATCH whose night's end was killed
 * (entries.TASK.PID.db, with its journal files, the process PID gone from this node). */
static void stale_copies_remove(const char *scratch)
{
	char pattern[4200];
	glob_t g;
	snprintf(pattern, sizeof(pattern), "%s/entries.*.db", scratch);
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i], *end = path + strlen(path) - 3, *p = end;
		while (p > path && p[-1] >= '0' && p[-1] <= '9')
			p--;
		long pid = p < end && p[-1] == '.' ? strtol(p, NULL, 10) : 0;
		if (pid <= 0 || pid == (long)getpid() || so_pid_alive(pid))
			continue;
		static const char *const parts[] = { "", "-journal", "-wal", "-shm" };
		for (size_t k = 0; k < SO_ARRAY_SIZE(parts); k++) {
			char f[4300];
			snprintf(f, sizeof(f), "%s%s", path, parts[k]);
			if (unlink(f) == 0 && !k)
				so_log_msg("removed %s, left by a night's end that was killed", f);
		}
	}
	globfree(&g);
}

int so_night_finish(const struct so_night *n, const struct so_finish_options *o)
{
	on_stop_signals();
	if (!n->scratch[0]) {
		so_log_err("%s: the night names no scratch directory ([night] scratch = …)", n->path);
		return SO_EXIT_ENV;
	}
	/* one night's end at a time over the index, which is merged on scratch and put back
	 * whole (like a batch: no write-ahead log over a network file system) */
	char lock[4200], local[4400];
	snprintf(lock, sizeof(lock), "%s.lock", n->index);
	snprintf(local, sizeof(local), "%s/entries.%s.%ld.db", n->scratch, o->task_id,
		 (long)getpid());
	if (lock_take(lock, o->task_id) != 0) {
		so_log_err("the night's index: %s", so_errmsg());
		return SO_EXIT_ENV;
	}
	stale_copies_remove(n->scratch);
	int code = SO_EXIT_ENV, skipped = 0, partial = 0;
	long entries = 0, flagged = 0;
	struct so_entry_index *x = NULL;
	struct stat st;
	if (so_mkdir_p(n->scratch, 0755) < 0 ||
	    (stat(n->index, &st) == 0 && copy_file(n->index, local) < 0) ||
	    so_entry_index_open(local, &x) < 0) {
		so_log_err("the night's index %s: %s", n->index, so_errmsg());
		goto release;
	}
	code = SO_EXIT_OK;
	for (size_t i = 0; i < n->n && !stop_signal; i++) {
		const struct so_night_batch *b = &n->batches[i];
		struct finish_work f = { .n = n, .b = b, .o = o, .index = x };
		int skip;
		int c = on_scratch(n, b, o->task_id, 0, finish_work, &f, &skip);
		if (skip) {
			so_log_msg("batch %s: %s; run the night's end again when it is", b->name,
				   c == SO_EXIT_OK ? "not started" : "held by a task");
			skipped++;
			continue;
		}
		entries += f.merged.entries;
		flagged += f.merged.flagged;
		if (c == SO_EXIT_SIGTERM)
			break;
		if (c != SO_EXIT_OK)
			partial++;
	}
	/* the index back whole, merged this far (what is in it stays true) */
	if (so_entry_index_unwal(x) < 0) {
		so_log_err("the night's index: %s", so_errmsg());
		code = SO_EXIT_ENV;
	}
	so_entry_index_close(x);
	x = NULL;
	if (code == SO_EXIT_OK && copy_file(local, n->index) < 0) {
		so_log_err("the night's index cannot be put back in %s: %s; the merged copy is kept "
			   "in %s", n->index, so_errmsg(), local);
		code = SO_EXIT_ENV;
		goto release;
	}
	remove(local);
	if (stop_signal) {
		code = so_signal_exit_code(stop_signal);
		so_log_msg("the night's end stopped; run it again to go on");
	} else if (code == SO_EXIT_OK) {
		code = skipped || partial ? SO_EXIT_PARTIAL : SO_EXIT_OK;
		so_log_msg("the night's end: %zu batches, %d not merged, %d not fully delivered; "
			   "%ld entries, %ld newly flagged DUPLICATE_ENTRY (index %s)", n->n,
			   skipped, partial, entries, flagged, n->index);
	}
release:
	so_entry_index_close(x);
	if (unlink(lock) < 0 && errno != ENOENT)
		so_log_err("cannot remove the lock %s: %s", lock, strerror(errno));
	return code;
}
