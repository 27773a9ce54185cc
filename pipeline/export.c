/* sohoa-export: write a batch's records as JSON lines or CSV (see lib/export.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "store.h"
#include "util.h"

static const char usage[] =
	"usage: sohoa export --batch DIR --format jsonl|csv [--out PATH]\n"
	"\n"
	"Writes every record of the batch: jsonl gives one record per line in the export shape\n"
	"(fields with canonical value, raw reading, confidence, box and flags); csv gives one row\n"
	"per record and one column per field, for spreadsheets. Without --out, to stdout; with it,\n"
	"the file appears only when complete.\n"
	"\n"
	"Exit: 0 written; 1 usage; 3 configuration or environment error.\n";

int main(int argc, char **argv)
{
	so_cli_init("sohoa-export");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL, *format = NULL, *out = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'b': batch = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage, stdout); return SO_EXIT_OK;
		case 'V': return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (optind < argc)
		return so_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!batch || !format)
		return so_cli_usage_error("--batch DIR and --format are required");
	enum so_export_format f;
	if (strcmp(format, "jsonl") == 0)
		f = SO_EXPORT_JSONL;
	else if (strcmp(format, "csv") == 0)
		f = SO_EXPORT_CSV;
	else
		return so_cli_usage_error("unknown --format '%s' (jsonl, csv)", format);

	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_cli_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	struct so_atomic a = { 0 };
	FILE *stream = stdout;
	if (out) {
		if (so_atomic_open(&a, out) < 0) {
			so_cli_err("%s", so_errmsg());
			so_store_close(s);
			return SO_EXIT_ENV;
		}
		stream = a.f;
	}
	long n = so_export(s, f, stream);
	int code = SO_EXIT_OK;
	if (n < 0) {
		so_cli_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		if (out)
			so_atomic_abort(&a);
	} else if (out && so_atomic_commit(&a) < 0) {
		so_cli_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else if (!out && (fflush(stdout) != 0 || ferror(stdout))) {
		so_cli_err("cannot write the export to stdout");
		code = SO_EXIT_ENV;
	}
	if (code == SO_EXIT_OK)
		so_cli_msg("%ld records exported%s%s", n, out ? " to " : "", out ? out : "");
	so_store_close(s);
	return code;
}
