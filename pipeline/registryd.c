/* sohoa-registryd: the reference national civil-status database (see lib/deliver/registry.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "deliver/registry.h"

static const char usage[] =
	"usage: sohoa-registryd --db FILE [--listen 127.0.0.1:PORT] [--tokens FILE]\n"
	"                       [--cert FILE --key FILE [--client-ca FILE]]\n"
	"                       [--max-body BYTES] [--batch-max N] [--max-connections N]\n"
	"                       [--per-address N] [--idle-timeout S] [--header-timeout S]\n"
	"                       [--fault-500 P] [--fault-busy P] [--fault-drop P]\n"
	"                       [--fault-delay MS] [--seed N]\n"
	"\n"
	"The reference national civil-status database of the sync contract\n"
	"(schemas/registry-api.yaml), over SQLite: for staging and tests. Listens on loopback\n"
	"by default (port 8443); prints the address it listens on, then serves until SIGINT\n"
	"or SIGTERM.\n"
	"\n"
	"  --db FILE         the SQLite file of records (made when missing)\n"
	"  --listen A:P      IPv4 address and port (port 0: any free port)\n"
	"  --tokens FILE     accepted bearer tokens, one per line: TOKEN [write|read]\n"
	"                    (without it, no authentication)\n"
	"  --cert F --key F  serve HTTPS with this PEM certificate and key\n"
	"  --client-ca F     accept client certificates signed by this CA (PEM) as\n"
	"                    credentials to deliver records (mutual TLS)\n"
	"  --max-body BYTES  largest request body (default 1048576)\n"
	"  --batch-max N     most records in one batch request (default 100)\n"
	"  --max-connections N  connections at once from all clients (default 256)\n"
	"  --per-address N   connections at once from one address (default 32)\n"
	"  --idle-timeout S  drop a connection that sends nothing for S seconds (default 10)\n"
	"  --header-timeout S  cut a connection that has not sent a request's headers S\n"
	"                    seconds after it opened or after its last request (default 10)\n"
	"  --fault-500 P     answer this share of requests 500\n"
	"  --fault-busy P    answer this share 429 or 503 with Retry-After: 1\n"
	"  --fault-drop P    drop this share of connections without an answer\n"
	"  --fault-delay MS  delay every answer\n"
	"  --seed N          seed of the fault draws\n"
	"\n"
	"Exit: 0 stopped by a signal; 1 usage; 3 cannot start (address in use, bad files).\n";

static int share(const char *option, const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (*arg == 0 || *end || v < 0 || v > 1) {
		so_cli_usage_error("--%s must be a share between 0 and 1", option);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-registryd");
	static const struct option options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tokens", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "client-ca", required_argument, NULL, 'a' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "batch-max", required_argument, NULL, 'n' },
		{ "max-connections", required_argument, NULL, 'C' },
		{ "per-address", required_argument, NULL, 'P' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "fault-500", required_argument, NULL, '5' },
		{ "fault-busy", required_argument, NULL, 'b' },
		{ "fault-drop", required_argument, NULL, 'x' },
		{ "fault-delay", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct so_registry_options o = { .listen = "127.0.0.1:8443" };
	long v;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'd': o.db = optarg; break;
		case 'l': o.listen = optarg; break;
		case 't': o.tokens = optarg; break;
		case 'c': o.cert = optarg; break;
		case 'k': o.key = optarg; break;
		case 'a': o.client_ca = optarg; break;
		case 'm':
			if (so_cli_number("max-body", optarg, 1024, 1L << 30, &v) < 0)
				return SO_EXIT_USAGE;
			o.max_body = (size_t)v;
			break;
		case 'n':
			if (so_cli_number("batch-max", optarg, 1, 10000, &v) < 0)
				return SO_EXIT_USAGE;
			o.batch_max = (int)v;
			break;
		case 'C':
			if (so_cli_number("max-connections", optarg, 1, 4096, &v) < 0)
				return SO_EXIT_USAGE;
			o.max_connections = (unsigned)v;
			break;
		case 'P':
			if (so_cli_number("per-address", optarg, 1, 4096, &v) < 0)
				return SO_EXIT_USAGE;
			o.per_address = (unsigned)v;
			break;
		case 'I':
			if (so_cli_number("idle-timeout", optarg, 1, 3600, &v) < 0)
				return SO_EXIT_USAGE;
			o.idle_timeout = (unsigned)v;
			break;
		case 'H':
			if (so_cli_number("header-timeout", optarg, 1, 3600, &v) < 0)
				return SO_EXIT_USAGE;
			o.header_timeout = (unsigned)v;
			break;
		case '5':
			if (share("fault-500", optarg, &o.fault_500) < 0)
				return SO_EXIT_USAGE;
			break;
		case 'b':
			if (share("fault-busy", optarg, &o.fault_busy) < 0)
				return SO_EXIT_USAGE;
			break;
		case 'x':
			if (share("fault-drop", optarg, &o.fault_drop) < 0)
				return SO_EXIT_USAGE;
			break;
		case 'w':
			if (so_cli_number("fault-delay", optarg, 0, 600000, &v) < 0)
				return SO_EXIT_USAGE;
			o.fault_delay_ms = (int)v;
			break;
		case 's':
			if (so_cli_number("seed", optarg, 0, 1L << 30, &v) < 0)
				return SO_EXIT_USAGE;
			o.seed = (unsigned)v;
			break;
		case 'h': fputs(usage, stdout); return SO_EXIT_OK;
		case 'V': return so_cli_version();
		default: return so_cli_bad_option();
		}
	}
	if (optind < argc)
		return so_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.db)
		return so_cli_usage_error("--db FILE is required");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* the server's threads inherit the mask: only this thread takes the signals */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct so_registry *r = NULL;
	if (so_registry_start(&o, &r) < 0) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	char host[64];
	snprintf(host, sizeof(host), "%.*s", (int)(strrchr(o.listen, ':') - o.listen), o.listen);
	printf("listening on %s://%s:%d\n", o.cert ? "https" : "http", host, so_registry_port(r));
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	so_registry_stop(r);
	return SO_EXIT_OK;
}
