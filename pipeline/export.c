/* sohoa-export: write a batch's records as JSON lines or CSV (see lib/deliver/export.h), the
 * Ministry of Justice's import package (see lib/deliver/moj.h), or the recognizer's training
 * set from what people typed (see lib/deliver/training.h). */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "batch/store.h"
#include "cli/cli.h"
#include "deliver/export.h"
#include "deliver/moj.h"
#include "deliver/training.h"

static const char usage[] =
	"usage: sohoa export --batch DIR --format jsonl|csv [--out PATH]\n"
	"       sohoa export --batch DIR --format moj --out PKG [--all]\n"
	"       sohoa export --batch DIR --format training --out DIR\n"
	"\n"
	"Writes every record of the batch: jsonl gives one record per line in the export shape\n"
	"(fields with canonical value, raw reading, confidence, box and flags); csv gives one row\n"
	"per record and one column per field, for spreadsheets. Without --out, to stdout; with it,\n"
	"the file appears only when complete. A CSV cell whose value begins with = + - @, a tab\n"
	"or a carriage return gets an apostrophe before it, so that no spreadsheet runs it as a\n"
	"formula.\n"
	"\n"
	"moj writes the Ministry of Justice's import package into the directory PKG: per book\n"
	"PKG/<book>/<book>.xlsx (one row per entry, in registration-number order) and\n"
	"PKG/<book>/pdf/<book>-<number>.pdf (the entry's row with the column headings, cut from\n"
	"the page), and PKG/manifest.json (books, files, counts, sha256). <book> is\n"
	"type-year-volume-authority, e.g. birth-2019-01-26740. Entries that are valid, approved or\n"
	"synced go in; --all adds those needing review and rejected ones. The package appears\n"
	"complete or not at all; an existing directory is replaced only when it holds a previous\n"
	"package of the same batch. An entry whose page image is missing or unreadable keeps its\n"
	"row, with the reason, but has no PDF (exit 2).\n"
	"\n"
	"training writes every field a person keyed or corrected, as written in the book, for\n"
	"training a recognizer on the office's own hands: OUT/NAME.tif (the field cut from the\n"
	"prepared page, 8-bit grey) and OUT/NAME.gt.txt (its text, one line) — the layout\n"
	"tesseract's training tools read — with OUT/manifest.jsonl (per line: book, file, page,\n"
	"row, record, field, text, keyer, how it was typed, keyings and how many agreed with the\n"
	"final value) and OUT/manifest.json. A field with no box of its own (a part of a\n"
	"composite cell) is left out and logged. Written whole, like the package.\n"
	"\n"
	"The store is checked page by page first: from a damaged store nothing is written.\n"
	"\n"
	"Exit: 0 written; 1 usage; 2 package written, some PDFs missing (listed on stderr);\n"
	"3 configuration or environment error, or a damaged store (the message names the table).\n";

static void moj_problem(void *ctx, const char *message)
{
	(void)ctx;
	so_log_msg("%s", message);
}

static int export_training(const char *batch, const char *out)
{
	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	struct so_training_result r;
	int code = SO_EXIT_OK;
	if (so_training_export(s, out, &r) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else {
		so_log_msg("%ld lines written to %s (%ld typed fields left out)", r.lines, out,
			   r.skipped);
	}
	so_store_close(s);
	return code;
}

static int export_moj(const char *batch, const char *out, int all)
{
	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	struct so_moj_options o = { .out = out, .all = all, .problem = moj_problem };
	struct so_moj_result r;
	int code = SO_EXIT_OK;
	if (so_moj_export(s, &o, &r) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else {
		so_log_msg("%ld books, %ld records, %ld PDFs written to %s", r.books, r.records,
			   r.pdfs, out);
		if (r.missing) {
			so_log_msg("%ld entries have no PDF (the reason is in their row)", r.missing);
			code = SO_EXIT_PARTIAL;
		}
	}
	so_store_close(s);
	return code;
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-export");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "print-columns", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL, *format = NULL, *out = NULL;
	int opt, all = 0, print_columns = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'b': batch = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'a': all = 1; break;
		case 'P': print_columns = 1; break;
		case 'h': fputs(usage, stdout); return SO_EXIT_OK;
		case 'V': return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (optind < argc)
		return so_cli_usage_error("unexpected argument '%s'", argv[optind]);
	/* hidden: the moj column mapping as in docs/moj-export.md (checked by a test) */
	if (print_columns)
		return so_moj_print_columns(stdout) < 0 ? SO_EXIT_ENV : SO_EXIT_OK;
	if (!batch || !format)
		return so_cli_usage_error("--batch DIR and --format are required");
	enum so_export_format f;
	if (strcmp(format, "jsonl") == 0)
		f = SO_EXPORT_JSONL;
	else if (strcmp(format, "csv") == 0)
		f = SO_EXPORT_CSV;
	else if (strcmp(format, "moj") == 0)
		return out ? export_moj(batch, out, all)
			   : so_cli_usage_error("--format moj needs --out PKG (a directory)");
	else if (strcmp(format, "training") == 0)
		return all ? so_cli_usage_error("--all is for --format moj")
		     : out ? export_training(batch, out)
			   : so_cli_usage_error("--format training needs --out DIR");
	else
		return so_cli_usage_error("unknown --format '%s' (jsonl, csv, moj, training)",
					  format);
	if (all)
		return so_cli_usage_error("--all is for --format moj (jsonl and csv hold every record)");

	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	struct so_atomic a = { 0 };
	FILE *stream = stdout;
	if (out) {
		if (so_atomic_open(&a, out) < 0) {
			so_log_err("%s", so_errmsg());
			so_store_close(s);
			return SO_EXIT_ENV;
		}
		stream = a.f;
	}
	long n = so_export(s, f, stream);
	int code = SO_EXIT_OK;
	if (n < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
		if (out)
			so_atomic_abort(&a);
	} else if (out && so_atomic_commit(&a) < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else if (!out && (fflush(stdout) != 0 || ferror(stdout))) {
		so_log_err("cannot write the export to stdout");
		code = SO_EXIT_ENV;
	}
	if (code == SO_EXIT_OK)
		so_log_msg("%ld records exported%s%s", n, out ? " to " : "", out ? out : "");
	so_store_close(s);
	return code;
}
