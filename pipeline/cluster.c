/* sohoa-cluster: a night of many batches, one view of it (see lib/batch/night.h). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "night/engine.h"
#include "night/night.h"
#include "batch/report.h"
#include "night/task.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: sohoa cluster status NIGHT.ini [--json]\n"
	"       sohoa cluster report NIGHT.ini --out NIGHT.html\n"
	"       sohoa cluster task NIGHT.ini [--index I] [--jobs N] [--task-id ID]\n"
	"       sohoa cluster finish NIGHT.ini\n"
	"       sohoa cluster submit --engine parallel NIGHT.ini [--max-parallel N] [--jobs N]\n"
	"                            [--sshloginfile FILE] [--dry-run]\n"
	"       sohoa cluster submit --engine slurm NIGHT.ini [--max-parallel N] [--partition P]\n"
	"                            [--cpus-per-task N] [--time T] [--mem M] [--dry-run]\n"
	"                            [-- SBATCH OPTIONS...]\n"
	"\n"
	"A night of many batches, each a batch directory and its scans' manifest, named in the\n"
	"night file (an INI file: a [night] section with name, scratch and index — the index of\n"
	"entries of this and earlier nights, default entries.db beside the night file; a [sync]\n"
	"section as a manifest's; one [batch NAME] section per batch with dir and manifest;\n"
	"paths relative to the night file; docs/night.ini is an example).\n"
	"\n"
	"  status   one view of the whole night from each batch's store: every batch's state\n"
	"           (waiting: not started; running: a sohoa run holds it; done; partial: done,\n"
	"           with pages or units failed and recorded; unfinished: work left and no run on\n"
	"           it; unreadable: its store cannot be read), its pages in, done and failed with\n"
	"           the first reasons, records by status, review backlog and sync, and the sums of\n"
	"           the night; --json prints it as JSON (shape: lib/batch/night.h)\n"
	"  report   the same view as a self-contained HTML page linking each batch's report\n"
	"           (complete or not at all)\n"
	"  task     runs batch I of the night (from 0; default $SLURM_ARRAY_TASK_ID) on this\n"
	"           node: takes the shared copy (a lock beside it, DIR.lock, names the task:\n"
	"           a batch is never run on two nodes at once), copies it to [night] scratch,\n"
	"           runs sohoa run --jobs N there (default $SLURM_CPUS_PER_TASK, else run's),\n"
	"           without delivering (that waits for the night's end), and puts it back whole. A\n"
	"           stop (SIGTERM, SIGINT) is passed to the run, the batch put back as far as it\n"
	"           got. --task-id names the holder (default: Slurm's JOBID_TASKID, else\n"
	"           index-I); the same id takes over its own lock after a requeue\n"
	"  finish   the night's end, once its tasks have ended: batch by batch in the night\n"
	"           file's order, taken as a task takes it, its entries checked against the index\n"
	"           (an entry an earlier batch of this night or an earlier night holds is flagged\n"
	"           DUPLICATE_ENTRY and waits for review), added to it, its records delivered\n"
	"           (sohoa sync, the night's [sync] winning over the manifest's) and its report\n"
	"           written again; batches not started or held by a task are passed over (exit 2:\n"
	"           run it again later). The engines' scripts run it after the tasks\n"
	"  submit   hands the night to an engine: --engine parallel writes NIGHT.parallel.sh\n"
	"           beside the night file (GNU parallel running one task per batch, at most\n"
	"           --max-parallel at once, on the machines of --sshloginfile — the same paths\n"
	"           there — or here; joblog NIGHT.joblog; then finish) and runs it unless\n"
	"           --dry-run; run again, it runs only the tasks that did not complete, and\n"
	"           finish. --engine slurm writes NIGHT.slurm.sh (a job array of one task per\n"
	"           batch, throttled with %%max-parallel, --requeue, each task's log\n"
	"           NIGHT-JOBID_TASK.log; a task stopped cleanly asks for its requeue) and\n"
	"           NIGHT.end.slurm.sh (finish, once every task has ended) and submits both with\n"
	"           sbatch (the options after -- passed through), printing the two job ids and\n"
	"           how to follow them\n"
	"\n"
	"Exit: 0 shown (task: complete; finish: every batch merged and delivered); 1 usage; 2\n"
	"shown, some batch unreadable (task: complete, some pages or records failed and\n"
	"recorded; finish: some batch passed over or not fully delivered); 3 the night file\n"
	"cannot be read or the report written (task: failed — held by another task, the run\n"
	"failed, or the batch could not be put back: its scratch copy is kept; finish: the index\n"
	"cannot be used); 143 the task stopped, to requeue.\n";

static json_int_t count(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void print_text(const json_t *v)
{
	const json_t *night = json_object_get(v, "night"), *pages = json_object_get(v, "pages");
	const json_t *rec = json_object_get(v, "records"), *rv = json_object_get(v, "review");
	const json_t *sy = json_object_get(v, "sync");
	printf("night       %s (%s), %lld batches\n", json_string_value(json_object_get(night, "name")),
	       json_string_value(json_object_get(night, "file")), (long long)count(night, "batches"));
	printf("tasks      ");
	const char *key;
	json_t *n;
	json_object_foreach(json_object_get(v, "tasks"), key, n)
		printf(" %s %lld", key, (long long)json_integer_value(n));
	printf("\npages       in %lld: done %lld, failed %lld, pending %lld\n",
	       (long long)count(pages, "in"), (long long)count(pages, "done"),
	       (long long)count(pages, "failed"), (long long)count(pages, "pending"));
	printf("records     %lld:", (long long)count(rec, "total"));
	json_object_foreach(json_object_get(rec, "by_status"), key, n)
		printf(" %s %lld", key, (long long)json_integer_value(n));
	printf("\nreview      %lld records, about %.1f hours\n", (long long)count(rv, "records"),
	       json_number_value(json_object_get(rv, "hours")));
	printf("sync        %lld synced, %lld queued, %lld refused, %lld held\n\n",
	       (long long)count(sy, "synced"), (long long)count(sy, "queued"),
	       (long long)count(sy, "refused"), (long long)count(sy, "held"));
	printf("%-24s %-11s %8s %8s %8s %8s %8s %8s  %s\n", "batch", "state", "pages", "done",
	       "failed", "records", "review", "synced", "night's end");
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(v, "batches"), i, b) {
		const json_t *bp = json_object_get(b, "pages");
		const json_t *m = json_object_get(b, "merged");
		char merged[96] = "not merged";
		if (json_is_object(m))
			snprintf(merged, sizeof(merged), "merged %s, %lld duplicates",
				 json_string_value(json_object_get(m, "at")),
				 (long long)count(m, "duplicates"));
		printf("%-24s %-11s %8lld %8lld %8lld %8lld %8lld %8lld  %s\n",
		       json_string_value(json_object_get(b, "name")),
		       json_string_value(json_object_get(b, "state")), (long long)count(bp, "in"),
		       (long long)count(bp, "done"), (long long)count(bp, "failed"),
		       (long long)count(json_object_get(b, "records"), "total"),
		       (long long)count(json_object_get(b, "review"), "records"),
		       (long long)count(json_object_get(b, "sync"), "synced"), merged);
		const char *msg = json_string_value(json_object_get(b, "message"));
		if (msg)
			printf("%-24s %s\n", "", msg);
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(b, "failures"), k, f)
			printf("%-24s %s p. %lld: %s\n", "",
			       json_string_value(json_object_get(f, "file")),
			       (long long)json_integer_value(json_object_get(f, "page")),
			       json_string_value(json_object_get(f, "reason")));
	}
}

/* A number from the environment variable NAME, or -1. */
static long env_number(const char *name)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return -1;
	errno = 0;
	long n = strtol(v, &end, 10);
	return *end || errno || n < 0 ? -1 : n;
}

static int task(const char *path, long index, long jobs, const char *task_id)
{
	if (index < 0 && (index = env_number("SLURM_ARRAY_TASK_ID")) < 0)
		return so_cli_usage_error("task needs --index I (or SLURM_ARRAY_TASK_ID)");
	if (!jobs && (jobs = env_number("SLURM_CPUS_PER_TASK")) < 0)
		jobs = 0;
	char id[128];
	long array = env_number("SLURM_ARRAY_JOB_ID");
	if (task_id)
		snprintf(id, sizeof(id), "%s", task_id);
	else if (array >= 0)
		snprintf(id, sizeof(id), "%ld_%ld", array, index);
	else
		snprintf(id, sizeof(id), "index-%ld", index);
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return so_cli_usage_error("--task-id '%s': letters, digits, '-', '_', '.'", id);
	/* sohoa-run beside this executable, else on PATH */
	char self[PATH_MAX], exe[PATH_MAX + 16] = "sohoa-run";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(exe, sizeof(exe), "%s/sohoa-run", self);
			if (access(exe, X_OK) != 0)
				snprintf(exe, sizeof(exe), "sohoa-run");
		}
	}
	struct so_night night;
	if (so_night_read(path, &night) < 0) {
		so_log_err("%s", so_errmsg());
		so_night_release(&night);
		return SO_EXIT_ENV;
	}
	struct so_task_options o = { .index = (size_t)index, .jobs = (int)jobs, .task_id = id,
				     .run_exe = exe };
	int code = so_task_run(&night, &o);
	so_night_release(&night);
	return code;
}

static void beside_self(const char *name, char *buf, size_t size);

/* The night's end (task.h). */
static int finish(const char *path)
{
	char sync[PATH_MAX + 64];
	beside_self("sohoa-sync", sync, sizeof(sync));
	struct so_night night;
	if (so_night_read(path, &night) < 0) {
		so_log_err("%s", so_errmsg());
		so_night_release(&night);
		return SO_EXIT_ENV;
	}
	struct so_finish_options o = { .task_id = "night-end", .sync_exe = sync };
	int code = so_night_finish(&night, &o);
	so_night_release(&night);
	return code;
}

/* The program beside this executable named NAME into BUF, else NAME (found on PATH). */
static void beside_self(const char *name, char *buf, size_t size)
{
	char self[PATH_MAX];
	snprintf(buf, size, "%s", name);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = 0;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", self, name);
	if (access(path, X_OK) == 0)
		snprintf(buf, size, "%s", path);
}

static int submit(const char *path, const char *engine, struct so_submit_options *o)
{
	if (!engine)
		return so_cli_usage_error("submit needs --engine slurm or --engine parallel");
	int slurm = strcmp(engine, "slurm") == 0;
	if (!slurm && strcmp(engine, "parallel") != 0)
		return so_cli_usage_error("unknown engine '%s' (slurm, parallel)", engine);
	char sohoa[PATH_MAX + 64], script[4200];
	beside_self("sohoa", sohoa, sizeof(sohoa));
	o->sohoa = sohoa;
	struct so_night night;
	if (so_night_read(path, &night) < 0) {
		so_log_err("%s", so_errmsg());
		so_night_release(&night);
		return SO_EXIT_ENV;
	}
	int code;
	if (slurm) {
		char job[128], end[128];
		code = so_submit_slurm(&night, o, script, sizeof(script), job, sizeof(job), end,
				       sizeof(end));
		if (code == SO_EXIT_OK && job[0]) {
			printf("%s\n%s\n", job, end);
			so_log_msg("submitted: job %s, %zu tasks, and the night's end, job %s, after "
				   "them. Follow it with: squeue -j %s,%s; sohoa cluster status %s", job,
				   night.n, end, job, end, night.path);
		}
	} else {
		code = so_submit_parallel(&night, o, script, sizeof(script));
	}
	so_night_release(&night);
	return code;
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-cluster");
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "index", required_argument, NULL, 'i' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "task-id", required_argument, NULL, 't' },
		{ "engine", required_argument, NULL, 'e' },
		{ "max-parallel", required_argument, NULL, 'm' },
		{ "sshloginfile", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "partition", required_argument, NULL, 'P' },
		{ "cpus-per-task", required_argument, NULL, 'c' },
		{ "time", required_argument, NULL, 'T' },
		{ "mem", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *task_id = NULL, *engine = NULL, *sshloginfile = NULL;
	long index = -1, jobs = 0, max_parallel = 0, cpus = 0;
	const char *partition = NULL, *time_limit = NULL, *mem = NULL;
	int opt, as_json = 0, dry_run = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'j': as_json = 1; break;
		case 'o': out = optarg; break;
		case 'i':
			if (so_cli_number("--index", optarg, 0, SO_NIGHT_BATCHES_MAX - 1, &index) < 0)
				return SO_EXIT_USAGE;
			break;
		case 'J':
			if (so_cli_number("--jobs", optarg, 1, 1024, &jobs) < 0)
				return SO_EXIT_USAGE;
			break;
		case 't': task_id = optarg; break;
		case 'e': engine = optarg; break;
		case 'm':
			if (so_cli_number("--max-parallel", optarg, 1, 100000, &max_parallel) < 0)
				return SO_EXIT_USAGE;
			break;
		case 's': sshloginfile = optarg; break;
		case 'n': dry_run = 1; break;
		case 'P': partition = optarg; break;
		case 'c':
			if (so_cli_number("--cpus-per-task", optarg, 1, 1024, &cpus) < 0)
				return SO_EXIT_USAGE;
			break;
		case 'T': time_limit = optarg; break;
		case 'M': mem = optarg; break;
		case 'h': fputs(usage, stdout); return SO_EXIT_OK;
		case 'V': return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (argc - optind < 2)
		return so_cli_usage_error("a command (status, report, task, finish, submit) and the night file are "
					  "needed");
	int extra = argc - optind - 2;
	if (extra && (strcmp(argv[optind], "submit") != 0 || !engine ||
		      strcmp(engine, "slurm") != 0))
		return so_cli_usage_error("unexpected argument '%s' (sbatch options go after -- with "
					  "--engine slurm)", argv[optind + 2]);
	const char *cmd = argv[optind], *path = argv[optind + 1];
	if (strcmp(cmd, "task") == 0)
		return task(path, index, jobs, task_id);
	if (strcmp(cmd, "finish") == 0)
		return finish(path);
	if (strcmp(cmd, "submit") == 0) {
		struct so_submit_options so = { .max_parallel = max_parallel, .jobs = jobs,
						.sshloginfile = sshloginfile, .dry_run = dry_run,
						.partition = partition, .time = time_limit, .mem = mem,
						.cpus_per_task = cpus, .sbatch_args = argv + optind + 2,
						.nsbatch_args = extra };
		return submit(path, engine, &so);
	}
	int report = strcmp(cmd, "report") == 0;
	if (!report && strcmp(cmd, "status") != 0)
		return so_cli_usage_error("unknown command '%s' (status, report, task, finish, submit)", cmd);
	if (report && !out)
		return so_cli_usage_error("report needs --out NIGHT.html");
	if (!report && out)
		return so_cli_usage_error("--out is for report");
	struct so_night night;
	if (so_night_read(path, &night) < 0) {
		so_log_err("%s", so_errmsg());
		so_night_release(&night);
		return SO_EXIT_ENV;
	}
	json_t *v = so_night_status(&night);
	so_night_release(&night);
	if (!v) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	int code = SO_EXIT_OK;
	if (report) {
		if (so_night_report_save(v, out) < 0) {
			so_log_err("%s", so_errmsg());
			code = SO_EXIT_ENV;
		} else {
			so_log_msg("the night's report written to %s", out);
		}
	} else if (as_json) {
		char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text)
			puts(text);
		free(text);
	} else {
		print_text(v);
	}
	if (code == SO_EXIT_OK && count(json_object_get(v, "tasks"), "unreadable") > 0)
		code = SO_EXIT_PARTIAL;
	json_decref(v);
	return code;
}
