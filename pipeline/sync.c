/* sohoa-sync: deliver valid and approved records to the national database (see lib/deliver/sync.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "batch/store.h"
#include "cli/cli.h"
#include "deliver/sync.h"

static const char usage[] =
	"usage: sohoa sync --batch DIR --endpoint URL [--token-file F]\n"
	"                  [--cacert F] [--cert F --key F] [--proxy URL] [options]\n"
	"\n"
	"Delivers the batch's valid and approved records to the national civil-status database\n"
	"(schemas/registry-api.yaml). Each record is sent under its business key (authority, book\n"
	"type, year, volume, registration number) as the Idempotency-Key, so running sync again,\n"
	"or from several machines at once, never delivers a record twice; a record becomes synced\n"
	"only when the server acknowledges it. Answers 409 (the server holds other content under\n"
	"that key) and 422 (refused, with reasons) send the record back to review with the\n"
	"reasons as flags; 401 and 403 stop the run; 408, 429, 5xx and network failures are\n"
	"retried with exponential backoff and the server's Retry-After. The run has one retry\n"
	"budget (--retry-for): after 5 failures in a row sending pauses, one request probes\n"
	"the server after a growing wait, and once the budget is spent the run ends with the\n"
	"rest left queued for the next run. Proxy environment variables are ignored.\n"
	"\n"
	"  --batch DIR         the batch directory\n"
	"  --endpoint URL      the server, e.g. https://hotich.example.gov.vn:8443 (http:// only\n"
	"                      on the loopback interface)\n"
	"  --token-file F      a file holding the bearer token; or the token in the environment\n"
	"                      variable SOHOA_SYNC_TOKEN (never on the command line: --token is\n"
	"                      refused)\n"
	"  --cacert F          CA certificates to verify the server with (default: the system's);\n"
	"                      verification is always on\n"
	"  --cert F, --key F   a client certificate and its key (PEM), instead of or with a token\n"
	"  --proxy URL         send through this proxy (http:// or https://), as a tunnel, for an\n"
	"                      https:// endpoint only; without it no proxy is used, whatever\n"
	"                      http_proxy, https_proxy or ALL_PROXY say\n"
	"  --in-flight N       requests at once (default 8)\n"
	"  --batch-size N      records per request, 1 to 100 (default 1: POST /v1/records; more:\n"
	"                      POST /v1/records:batch)\n"
	"  --timeout S         seconds a request may take (default 30)\n"
	"  --retry-for S       the run's retry budget: seconds it may spend while the server\n"
	"                      fails, summed over the run (default 300)\n"
	"  --quiet             no line per record\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 all queued records delivered; 1 usage; 2 some records went back to review or\n"
	"are left queued (see the events of the batch); 3 configuration or environment error\n"
	"(refused credentials, TLS files, the batch store); 130/143 interrupted after a clean\n"
	"stop.\n";

enum { OPT_ENDPOINT = 2000, OPT_TOKEN, OPT_CACERT, OPT_CERT, OPT_KEY, OPT_INFLIGHT, OPT_BATCH_SIZE,
       OPT_TIMEOUT, OPT_RETRY_FOR, OPT_QUIET, OPT_BACKOFF, OPT_TOKEN_VALUE, OPT_PROXY };

/* The environment variable that may hold the bearer token. */
#define TOKEN_ENV "SOHOA_SYNC_TOKEN"

int main(int argc, char **argv)
{
	so_cli_init("sohoa-sync");
	static const struct option options[] = {
		{ "batch", required_argument, NULL, SO_OPT_BATCH },
		{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
		{ "token-file", required_argument, NULL, OPT_TOKEN },
		/* named so that "--token X" is not read as an abbreviation of --token-file */
		{ "token", required_argument, NULL, OPT_TOKEN_VALUE },
		{ "proxy", required_argument, NULL, OPT_PROXY },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "in-flight", required_argument, NULL, OPT_INFLIGHT },
		{ "batch-size", required_argument, NULL, OPT_BATCH_SIZE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retry-for", required_argument, NULL, OPT_RETRY_FOR },
		{ "backoff", required_argument, NULL, OPT_BACKOFF },   /* tests: first delay, ms */
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, SO_OPT_HELP },
		{ "version", no_argument, NULL, SO_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct so_sync_options o;
	so_sync_defaults(&o);
	const char *batch = NULL;
	long v;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case SO_OPT_BATCH: batch = optarg; break;
		case OPT_ENDPOINT: o.endpoint = optarg; break;
		case OPT_TOKEN: o.token_file = optarg; break;
		case OPT_TOKEN_VALUE:
			/* the value is not repeated: it is a secret */
			return so_cli_usage_error("--token is not accepted: a token on the command "
						  "line is seen by every user of the machine; put it "
						  "in a file (--token-file F, chmod 600) or in the "
						  "environment variable " TOKEN_ENV);
		case OPT_PROXY: o.proxy = optarg; break;
		case OPT_CACERT: o.cacert = optarg; break;
		case OPT_CERT: o.cert = optarg; break;
		case OPT_KEY: o.key = optarg; break;
		case OPT_QUIET: o.quiet = 1; break;
		case OPT_INFLIGHT:
			if (so_cli_number("--in-flight", optarg, 1, 256, &v) < 0)
				return SO_EXIT_USAGE;
			o.inflight = (int)v;
			break;
		case OPT_BATCH_SIZE:
			if (so_cli_number("--batch-size", optarg, 1, 100, &v) < 0)
				return SO_EXIT_USAGE;
			o.batch = (int)v;
			break;
		case OPT_TIMEOUT:
			if (so_cli_number("--timeout", optarg, 1, 3600, &v) < 0)
				return SO_EXIT_USAGE;
			o.timeout = (double)v;
			break;
		case OPT_RETRY_FOR:
			if (so_cli_number("--retry-for", optarg, 0, 7 * 86400, &v) < 0)
				return SO_EXIT_USAGE;
			o.retry_for = (double)v;
			break;
		case OPT_BACKOFF:
			if (so_cli_number("--backoff", optarg, 1, 600000, &v) < 0)
				return SO_EXIT_USAGE;
			o.backoff = (double)v / 1000;
			break;
		case SO_OPT_HELP: fputs(usage, stdout); return SO_EXIT_OK;
		case SO_OPT_VERSION: return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (optind < argc)
		return so_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!batch || !o.endpoint)
		return so_cli_usage_error("--batch DIR and --endpoint URL are required");
	const char *env_token = getenv(TOKEN_ENV);
	if (env_token && *env_token)
		o.token = env_token;

	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	so_signals_install();
	struct so_sync_result r;
	int code = so_sync_run(s, &o, &r);
	if (code == SO_EXIT_USAGE) {
		so_store_close(s);
		return so_cli_usage_error("%s", so_errmsg());
	}
	if (r.fatal[0])
		so_log_err("%s", r.fatal);
	else if (code == SO_EXIT_ENV)
		so_log_err("%s", so_errmsg());
	printf("sync: %lld delivered (%lld created, %lld already there), %lld back to review "
	       "(%lld conflicts, %lld refused, %lld held), %lld left queued; %lld requests, "
	       "%lld retries, %.1f s\n",
	       (long long)(r.created + r.existed), (long long)r.created, (long long)r.existed,
	       (long long)(r.conflicts + r.refused + r.held), (long long)r.conflicts,
	       (long long)r.refused, (long long)r.held, (long long)r.left, (long long)r.requests,
	       (long long)r.retries, r.seconds);
	if (r.unaccepted)
		printf("sync: %lld records not delivered: their lot has no accepted verdict of batch "
		       "acceptance, which acceptance.json requires (required_before_sync; see sohoa "
		       "review sample)\n", (long long)r.unaccepted);
	fflush(stdout);
	if (r.opened)
		so_log_msg("the national database failed: sending paused %d time%s%s", r.opened,
			   r.opened == 1 ? "" : "s", r.budget_spent ? ", until the retry budget was "
			   "spent; the records left queued go with the next run" : "");
	so_store_close(s);
	return code;
}
