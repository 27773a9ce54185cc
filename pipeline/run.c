/* sohoa-run: the operator's command — every stage over a batch (see lib/batch/run.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "batch/run.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: sohoa run --batch DIR [--jobs N] [--no-sync] [SYNC OPTIONS] [BOOKSPEC...]\n"
	"\n"
	"Takes the batch DIR through every stage: scan, ocr, validate, normalize, then sync to the\n"
	"national database. Each stage shows its progress on stderr (a bar with rate and ETA on a\n"
	"terminal; one timestamped line per unit otherwise). At the end, a summary on stderr and\n"
	"DIR/report.html. Ctrl-C or SIGTERM stops cleanly after the unit in flight; the same\n"
	"command again goes on where it stopped. Without BOOKSPEC, the books already in the batch\n"
	"are finished. One run at a time works on a batch.\n"
	"\n"
	SO_BOOKSPEC_USAGE
	"            A manifest may also hold a [sync] section: endpoint, token_file, cacert,\n"
	"            cert, key (the options below win over it).\n"
	"\n"
	"  --batch DIR        the batch directory (made when missing)\n"
	"  --jobs N           worker processes per stage (default: the number of cores)\n"
	"  --no-sync          stop before delivery (records stay valid or approved, unsent)\n"
	"  --endpoint URL     the national database (the sync contract); without it and\n"
	"                     without a manifest's endpoint, sync is not run\n"
	"  --token-file F     bearer token for the endpoint (or SOHOA_SYNC_TOKEN in the\n"
	"                     environment; never on the command line: --token is refused)\n"
	"  --cacert F         CA certificates to verify the endpoint with\n"
	"  --cert F --key F   client certificate and key (mutual TLS)\n"
	"  --no-report        do not write DIR/report.html\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 all done; 1 usage; 2 some pages or records failed (recorded, see the report or\n"
	"'sohoa status'), or records are left undelivered; 3 configuration or environment error,\n"
	"or another run holds the batch; 130/143 interrupted after a clean stop.\n";

enum { OPT_NO_SYNC = 3000, OPT_ENDPOINT, OPT_TOKEN, OPT_CACERT, OPT_CERT, OPT_KEY, OPT_NO_REPORT,
       OPT_TOKEN_VALUE };

int main(int argc, char **argv)
{
	so_cli_init("sohoa-run");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, SO_OPT_BATCH },
		{ "jobs", required_argument, NULL, SO_OPT_JOBS },
		{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
		{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
		{ "token-file", required_argument, NULL, OPT_TOKEN },
		/* named so that "--token X" is not read as an abbreviation of --token-file */
		{ "token", required_argument, NULL, OPT_TOKEN_VALUE },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "no-report", no_argument, NULL, OPT_NO_REPORT },
		{ "help", no_argument, NULL, SO_OPT_HELP },
		{ "version", no_argument, NULL, SO_OPT_VERSION },
		SO_BOOKSPEC_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct so_bookspecs specs = { 0 };
	struct so_run_options o = { .jobs = so_cores(), .specs = &specs, .report = 1 };
	struct so_sync_settings given = { 0 };
	int opt, code = SO_EXIT_USAGE;
	while ((opt = getopt_long(argc, argv, "-", options, NULL)) != -1) {
		char *dest = NULL;
		size_t size = 0;
		switch (opt) {
		case SO_OPT_MANIFEST:
			if (so_cli_manifest(optarg, &specs, &o.sync) < 0)
				goto done;
			continue;
		case SO_OPT_BATCH: o.batch = optarg; continue;
		case SO_OPT_JOBS:
			if (so_cli_number("jobs", optarg, 1, 256, &o.jobs) < 0)
				goto done;
			continue;
		case OPT_NO_SYNC: o.no_sync = 1; continue;
		case OPT_NO_REPORT: o.report = 0; continue;
		case OPT_ENDPOINT: dest = given.endpoint; size = sizeof(given.endpoint); break;
		case OPT_TOKEN: dest = given.token_file; size = sizeof(given.token_file); break;
		case OPT_TOKEN_VALUE:
			/* the value is not repeated: it is a secret */
			so_cli_usage_error("--token is not accepted: put the token in a file "
					   "(--token-file F, chmod 600) or in the environment variable "
					   "SOHOA_SYNC_TOKEN");
			goto done;
		case OPT_CACERT: dest = given.cacert; size = sizeof(given.cacert); break;
		case OPT_CERT: dest = given.cert; size = sizeof(given.cert); break;
		case OPT_KEY: dest = given.key; size = sizeof(given.key); break;
		case SO_OPT_HELP:
			fputs(usage, stdout);
			code = SO_EXIT_OK;
			goto done;
		case SO_OPT_VERSION:
			code = so_cli_version();
			goto done;
		default: {
			int taken = so_bookspecs_option(&specs, opt, optarg);
			if (taken < 0)
				goto done;
			if (!taken) {
				so_cli_bad_option();
				goto done;
			}
			continue;
		}
		}
		if (strlen(optarg) >= size) {
			so_cli_usage_error("the value of an option is too long");
			goto done;
		}
		snprintf(dest, size, "%s", optarg);
	}
	if (!o.batch) {
		so_cli_usage_error("--batch DIR is required");
		goto done;
	}
	if (specs.n && so_cli_bookspecs_finish(&specs) < 0)
		goto done;
	/* the options win over the manifest */
	char *fields[5][2] = { { o.sync.endpoint, given.endpoint }, { o.sync.token_file, given.token_file },
			       { o.sync.cacert, given.cacert }, { o.sync.cert, given.cert },
			       { o.sync.key, given.key } };
	size_t sizes[5] = { sizeof(o.sync.endpoint), sizeof(o.sync.token_file),
			    sizeof(o.sync.cacert), sizeof(o.sync.cert), sizeof(o.sync.key) };
	for (int i = 0; i < 5; i++)
		if (fields[i][1][0])
			snprintf(fields[i][0], sizes[i], "%s", fields[i][1]);
	if (!o.sync.endpoint[0] && (o.sync.token_file[0] || o.sync.cert[0]) && !o.no_sync) {
		so_cli_usage_error("sync credentials are given but no --endpoint");
		goto done;
	}
	/* the stage programs beside this one */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			o.bin_dir = self;
		}
	}
	code = so_run(&o);
done:
	so_bookspecs_release(&specs);
	return code;
}
