/* The operator's night (see run.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/log.h"
#include "base/util.h"
#include "batch/manifest.h"
#include "batch/report.h"
#include "batch/summary.h"
#include "batch/run.h"
#include "batch/store.h"
#include "batch/workers.h"

/* Takes the lock of the batch: 0 held (keep *FD open for the run), 1 another run holds it
 * (the error says which process), -1 error. */
static int run_lock(const char *batch, int *fd)
{
	*fd = -1;
	if (so_mkdir_p(batch, 0755) < 0)
		return -1;
	char *path = so_asprintf("%s/run.lock", batch);
	if (!path)
		return -1;
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (f < 0) {
		so_error("cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(f, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		char who[256] = "";
		ssize_t n = pread(f, who, sizeof(who) - 1, 0);
		who[n > 0 ? n : 0] = '\0';
		who[strcspn(who, "\n")] = '\0';
		close(f);
		if (e == EWOULDBLOCK) {
			so_error("another sohoa run is working on the batch %s (%s); wait for it to end "
				 "or stop it (Ctrl-C or SIGTERM), then run again", batch,
				 who[0] ? who : "process unknown");
			free(path);
			return 1;
		}
		so_error("cannot lock %s: %s", path, strerror(e));
		free(path);
		return -1;
	}
	free(path);
	char now[SO_TIME_LEN], line[128];
	so_now_iso(now);
	int n = snprintf(line, sizeof(line), "pid %ld, started %s\n", (long)getpid(), now);
	if (ftruncate(f, 0) < 0 || pwrite(f, line, (size_t)n, 0) != n) {
		so_error("cannot write the run lock: %s", strerror(errno));
		close(f);
		return -1;
	}
	*fd = f;
	return 0;
}

/* Runs ARGV[0] (a stage program) to its end; a stop signal received here is passed on to it.
 * Returns its exit code, or 128 + the signal that killed it. */
static int stage_run(const char *bin_dir, char **argv)
{
	char *exe = bin_dir ? so_asprintf("%s/%s", bin_dir, argv[0]) : NULL;
	if (bin_dir && !exe)
		return SO_EXIT_ENV;
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		so_log_err("cannot start %s: %s", argv[0], strerror(errno));
		free(exe);
		return SO_EXIT_ENV;
	}
	if (pid == 0) {
		/* a stage does not outlive the run that started it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(SO_EXIT_ENV);
		if (exe && access(exe, X_OK) == 0)
			execv(exe, argv);
		else
			execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", so_log_name(), argv[0], strerror(errno));
		_exit(SO_EXIT_ENV);
	}
	free(exe);
	int forwarded = 0, status = 0;
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			so_log_err("lost %s: %s", argv[0], strerror(errno));
			return SO_EXIT_ENV;
		}
		int sig = so_signal_received();
		if (sig && !forwarded) {
			kill(pid, sig);
			forwarded = 1;
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	so_log_err("%s was killed by signal %d (%s)", argv[0], sig, strsignal(sig));
	return 128 + sig;
}

/* An argument list under construction: copies of its strings, NULL-terminated. */
struct args {
	char **v;
	size_t n, cap;
};

static int args_take(struct args *a, char *s)
{
	if (!s)
		return -1;
	/* room for S and the NULL after it */
	if (SO_ARRAY_GROW(a->v, a->n + 1, a->cap) < 0) {
		free(s);
		return -1;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

static int args_add(struct args *a, const char *s)
{
	return args_take(a, so_strdup(s));
}

static int args_addf(struct args *a, const char *fmt, long v)
{
	return args_take(a, so_asprintf(fmt, v));
}

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* The command line of stage NAME ("scan": the program sohoa-scan). */
static int stage_args(const struct so_run_options *o, const char *name, struct args *a)
{
	if (args_take(a, so_asprintf("sohoa-%s", name)) < 0 || args_add(a, "--batch") < 0 ||
	    args_add(a, o->batch) < 0)
		return -1;
	if (strcmp(name, "sync") == 0) {
		const struct so_sync_settings *y = &o->sync;
		const char *opts[4][2] = { { "--token-file", y->token_file }, { "--cacert", y->cacert },
					   { "--cert", y->cert }, { "--key", y->key } };
		if (args_add(a, "--endpoint") < 0 || args_add(a, y->endpoint) < 0)
			return -1;
		for (int i = 0; i < 4; i++)
			if (opts[i][1][0] && (args_add(a, opts[i][0]) < 0 || args_add(a, opts[i][1]) < 0))
				return -1;
		return 0;
	}
	if (args_add(a, "--jobs") < 0 || args_addf(a, "%ld", o->jobs) < 0)
		return -1;
	if (strcmp(name, "scan") != 0 || !o->specs)
		return 0;
	for (size_t i = 0; i < o->specs->n; i++) {
		const struct so_bookspec *b = &o->specs->v[i];
		if (args_add(a, "--book-type") < 0 || args_add(a, b->type) < 0 ||
		    args_add(a, "--year") < 0 || args_addf(a, "%ld", b->year) < 0 ||
		    args_add(a, "--volume") < 0 || args_add(a, b->volume) < 0 ||
		    args_add(a, "--authority") < 0 || args_add(a, b->authority) < 0 ||
		    (b->layout[0] && (args_add(a, "--layout") < 0 || args_add(a, b->layout) < 0)))
			return -1;
		for (size_t k = 0; k < b->nfiles; k++)
			if (args_add(a, b->files[k]) < 0)
				return -1;
	}
	return 0;
}

static void duration(double s, char *buf, size_t size)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, size, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
	else if (t >= 60)
		snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, size, "%.1fs", s);
}

/* A count of the batch summary (report.h): OBJ's KEY under PATH ("records", "by_status"). */
static long long summary_count(const json_t *summary, const char *path, const char *sub,
			       const char *key)
{
	const json_t *o = json_object_get(summary, path);
	if (sub)
		o = json_object_get(o, sub);
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The short summary of the night on stderr, and the report beside the batch — both from the
 * one summary of the store that `sohoa status` prints. */
static void finish(const struct so_run_options *o, double started, int code)
{
	struct so_store *s = NULL;
	char took[32];
	duration(so_monotonic() - started, took, sizeof(took));
	if (so_store_open(o->batch, 0, &s) < 0) {
		so_log_msg("stopped after %s; the batch has no store yet", took);
		return;
	}
	json_t *sum = so_batch_summary(s);
	so_store_close(s);
	if (!sum) {
		so_log_err("cannot read the batch's summary: %s", so_errmsg());
		return;
	}
	const char *how = code == SO_EXIT_OK ? "done" : code == SO_EXIT_PARTIAL ? "done, with failures"
			: code == SO_EXIT_SIGINT || code == SO_EXIT_SIGTERM ? "stopped"
									     : "stopped by an error";
	so_log_msg("night %s in %s", how, took);
	so_log_msg("pages: %lld in, %lld done (%lld prepared, %lld blank), %lld failed, %lld pending",
		   summary_count(sum, "pages", NULL, "in"), summary_count(sum, "pages", NULL, "done"),
		   summary_count(sum, "pages", "by_state", "prepared"),
		   summary_count(sum, "pages", "by_state", "blank"),
		   summary_count(sum, "pages", NULL, "failed"),
		   summary_count(sum, "pages", NULL, "pending"));
	so_log_msg("records: %lld — %lld not judged yet, %lld valid, %lld need review, %lld "
		   "approved, %lld rejected, %lld synced", summary_count(sum, "records", NULL, "total"),
		   summary_count(sum, "records", "by_status", "extracted"),
		   summary_count(sum, "records", "by_status", "valid"),
		   summary_count(sum, "records", "by_status", "needs_review"),
		   summary_count(sum, "records", "by_status", "approved"),
		   summary_count(sum, "records", "by_status", "rejected"),
		   summary_count(sum, "records", "by_status", "synced"));
	if (!o->no_sync && o->sync.endpoint[0])
		so_log_msg("sync: %lld delivered, %lld waiting, %lld refused or held for review",
			   summary_count(sum, "records", "by_status", "synced"),
			   summary_count(sum, "sync", "outbox", "queued"),
			   summary_count(sum, "sync", "outbox", "refused") +
				   summary_count(sum, "sync", "outbox", "held"));
	else
		so_log_msg("sync: not run (%s)", o->no_sync ? "--no-sync" : "no endpoint given");
	if (o->report) {
		char *path = so_asprintf("%s/report.html", o->batch);
		if (path && so_report_save(sum, path) == 0)
			so_log_msg("report: %s", path);
		else
			so_log_err("cannot write the report: %s", so_errmsg());
		free(path);
	}
	const json_t *rv = json_object_get(sum, "review");
	if (summary_count(sum, "records", "by_status", "needs_review") > 0)
		so_log_msg("review backlog: %lld records, %lld open flags, about %.1f hours of "
			   "archivists' work (%.0f s a record, %s)",
			   summary_count(sum, "review", NULL, "records"),
			   summary_count(sum, "review", NULL, "flags_open"),
			   json_number_value(json_object_get(rv, "hours")),
			   json_number_value(json_object_get(rv, "seconds_per_record")),
			   json_string_value(json_object_get(rv, "pace")) ?
				   json_string_value(json_object_get(rv, "pace")) : "assumed");
	if (summary_count(sum, "records", "by_status", "needs_review") > 0)
		so_log_msg("review: sohoa review serve --batch %s   (accounts: sohoa review user add "
			   "--batch %s NAME)", o->batch, o->batch);
	json_decref(sum);
}

int so_run(const struct so_run_options *o)
{
	int lock = -1;
	int held = run_lock(o->batch, &lock);
	if (held != 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	so_signals_install();
	double started = so_monotonic();
	struct stat st;
	char *db = so_asprintf("%s/batch.db", o->batch);
	int have_store = db && stat(db, &st) == 0;
	free(db);
	static const char *const stages[] = { "scan", "ocr", "validate", "normalize", "sync" };
	int code = SO_EXIT_OK;
	for (size_t i = 0; i < SO_ARRAY_SIZE(stages); i++) {
		const char *name = stages[i];
		if (strcmp(name, "scan") == 0 && !have_store && (!o->specs || !o->specs->n)) {
			so_log_err("the batch %s has no books yet: give book specs or --manifest",
				   o->batch);
			code = SO_EXIT_USAGE;
			break;
		}
		if (strcmp(name, "sync") == 0 && (o->no_sync || !o->sync.endpoint[0]))
			break;
		if (so_signal_received()) {
			code = so_signal_exit_code(so_signal_received());
			break;
		}
		struct args a = { 0 };
		if (stage_args(o, name, &a) < 0) {
			args_release(&a);
			so_log_err("out of memory");
			code = SO_EXIT_ENV;
			break;
		}
		so_log_msg("%s…", name);
		double t0 = so_monotonic();
		int rc = stage_run(o->bin_dir, a.v);
		args_release(&a);
		char took[32];
		duration(so_monotonic() - t0, took, sizeof(took));
		if (rc == SO_EXIT_SIGINT || rc == SO_EXIT_SIGTERM || so_signal_received()) {
			int sig = so_signal_received();
			code = sig ? so_signal_exit_code(sig) : rc;
			so_log_msg("%s stopped after %s; run the same command again to go on", name, took);
			break;
		}
		if (rc == SO_EXIT_OK || rc == SO_EXIT_PARTIAL) {
			so_log_msg("%s %s in %s", name, rc ? "done, some units failed (recorded)" : "done",
				   took);
			if (rc)
				code = SO_EXIT_PARTIAL;
			continue;
		}
		so_log_err("%s ended with exit code %d after %s; the stages after it were not run",
			   name, rc, took);
		code = SO_EXIT_ENV;
		break;
	}
	if (code != SO_EXIT_USAGE)
		finish(o, started, code);
	close(lock);
	return code;
}
