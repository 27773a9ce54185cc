/* sohoa-status: where a batch stands — stage progress, records by status, flags by code and
 * the sync outbox, as aligned text or as the JSON summary, and the operator's report (see
 * lib/batch/summary.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "batch/report.h"
#include "batch/summary.h"
#include "batch/store.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: sohoa status --batch DIR [--json] [--report PATH]\n"
	"\n"
	"Shows where the batch stands, from its store alone: per stage the units pending,\n"
	"running, done and failed (scan: files, ocr: pages, validate and normalize: books, sync:\n"
	"records of the outbox), the pages in and what became of them, records by status, flags\n"
	"by code (open, verified, resolved) and the sync outbox.\n"
	"\n"
	"  --json         print the batch summary as JSON instead (its shape: lib/batch/summary.h)\n"
	"  --report PATH  also write the operator's report, a self-contained HTML page with\n"
	"                 charts and the failures with their reasons (complete or not at all)\n"
	"\n"
	"Exit: 0 shown; 1 usage; 3 no batch, or it cannot be read or the report written.\n";

static int64_t count(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static void print_text(const json_t *sum)
{
	const json_t *batch = json_object_get(sum, "batch");
	const char *id = json_string_value(json_object_get(batch, "id"));
	printf("batch       %s (id %s)\n\n", json_string_value(json_object_get(batch, "dir")),
	       id ? id : "unknown");

	const json_t *stages = json_object_get(sum, "stages"), *st;
	const char *key;
	printf("%-11s %-8s %8s %8s %8s %8s\n", "stage", "unit", "pending", "running", "done",
	       "failed");
	json_object_foreach((json_t *)stages, key, st)
		printf("%-11s %-8s %8lld %8lld %8lld %8lld\n", key,
		       json_string_value(json_object_get(st, "unit")),
		       (long long)count(st, "pending"), (long long)count(st, "running"),
		       (long long)count(st, "done"), (long long)count(st, "failed"));

	const json_t *pages = json_object_get(sum, "pages");
	const json_t *by_state = json_object_get(pages, "by_state"), *v;
	printf("\npages       in %lld: done %lld, failed %lld, pending %lld\n           ",
	       (long long)count(pages, "in"), (long long)count(pages, "done"),
	       (long long)count(pages, "failed"), (long long)count(pages, "pending"));
	const char *sep = "";
	json_object_foreach((json_t *)by_state, key, v) {
		printf("%s %s %lld", sep, key, (long long)json_integer_value(v));
		sep = ",";
	}
	const json_t *files = json_object_get(sum, "scan_files");
	printf("\nscan files  %lld: %zu failed, %lld duplicate\n", (long long)count(files, "total"),
	       json_array_size(json_object_get(files, "failed")),
	       (long long)count(files, "duplicate"));

	const json_t *records = json_object_get(sum, "records");
	printf("\n%-15s %6lld\n", "records", (long long)count(records, "total"));
	json_object_foreach(json_object_get(records, "by_status"), key, v)
		printf("  %-13s %6lld\n", key, (long long)json_integer_value(v));

	const json_t *rv = json_object_get(sum, "review");
	printf("\nreview      %lld records, %lld open flags on %lld fields: about %.1f hours at %.0f s "
	       "a record (%s)\n", (long long)count(rv, "records"), (long long)count(rv, "flags_open"),
	       (long long)count(rv, "fields"), json_number_value(json_object_get(rv, "hours")),
	       json_number_value(json_object_get(rv, "seconds_per_record")),
	       json_string_value(json_object_get(rv, "pace")));
	if (count(rv, "records"))
		printf("            %s\n", json_string_value(json_object_get(rv, "command")));

	const json_t *flags = json_object_get(sum, "flags");
	const json_t *by_code = json_object_get(flags, "by_code"), *c;
	size_t i, width = 5;   /* "total" */
	json_array_foreach((json_t *)by_code, i, c) {
		size_t n = strlen(json_string_value(json_object_get(c, "code")));
		if (n > width)
			width = n;
	}
	printf("\n%-*s %-8s %8s %8s %8s\n", (int)width + 2, "flags", "severity", "open",
	       "verified", "resolved");
	json_array_foreach((json_t *)by_code, i, c)
		printf("  %-*s %-8s %8lld %8lld %8lld\n", (int)width,
		       json_string_value(json_object_get(c, "code")),
		       json_string_value(json_object_get(c, "severity")),
		       (long long)count(c, "open"), (long long)count(c, "verified"),
		       (long long)count(c, "resolved"));
	const json_t *fs = json_object_get(flags, "by_state");
	printf("  %-*s %-8s %8lld %8lld %8lld\n", (int)width, "total", "",
	       (long long)count(fs, "open"), (long long)count(fs, "verified"),
	       (long long)count(fs, "resolved"));

	const json_t *sync = json_object_get(sum, "sync");
	const json_t *outbox = json_object_get(sync, "outbox");
	printf("\noutbox      queued %lld, acked %lld, refused %lld, held %lld; %lld records synced\n",
	       (long long)count(outbox, "queued"), (long long)count(outbox, "acked"),
	       (long long)count(outbox, "refused"), (long long)count(outbox, "held"),
	       (long long)count(sync, "records_synced"));
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-status");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL, *report = NULL;
	int opt, as_json = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'b': batch = optarg; break;
		case 'j': as_json = 1; break;
		case 'r': report = optarg; break;
		case 'h': fputs(usage, stdout); return SO_EXIT_OK;
		case 'V': return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (optind < argc)
		return so_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!batch)
		return so_cli_usage_error("--batch DIR is required");
	if (report && !report[0])
		return so_cli_usage_error("--report needs a file name");

	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	int code = SO_EXIT_OK;
	json_t *sum = so_batch_summary(s);
	if (!sum) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		goto out;
	}
	if (as_json) {
		if (json_dumpf(sum, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) < 0)
			code = SO_EXIT_ENV;
		putchar('\n');
	} else {
		print_text(sum);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		so_log_err("cannot write to stdout");
		code = SO_EXIT_ENV;
	}
	if (report) {
		if (so_report_save(sum, report) < 0) {
			so_log_err("%s", so_errmsg());
			code = SO_EXIT_ENV;
		} else {
			so_log_msg("report written to %s", report);
		}
	}
out:
	json_decref(sum);
	so_store_close(s);
	return code;
}
