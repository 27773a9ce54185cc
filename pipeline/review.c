/* sohoa-review: the archivists' review from the shell and on the web (see lib/review/review.h and
 * lib/review/reviewweb.h). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/store.h"
#include "cli/cli.h"
#include "review/keying.h"
#include "review/review.h"
#include "review/reviewweb.h"

static const char usage[] =
	"usage: sohoa review serve --batch DIR [--listen 127.0.0.1:8080] [--session-ttl SECONDS]\n"
	"                          [--allow-remote] [--behind-tls] [--allowed-host NAME]...\n"
	"                          [--request-timeout SECONDS] [--connections-per-address N]\n"
	"                          [--trusted-proxy ADDRESS] [--sign-in-lock SECONDS]\n"
	"                          [--claim-minutes M]\n"
	"       sohoa review list --batch DIR [--book KEY] [--flag CODE] [--status S]\n"
	"                         [--limit N] [--offset N] [--json]\n"
	"       sohoa review show --batch DIR [--json] ID\n"
	"       sohoa review set --batch DIR [--as NAME] [--version V] ID FIELD VALUE\n"
	"       sohoa review verify --batch DIR [--as NAME] [--version V] ID FLAG_ID\n"
	"       sohoa review approve --batch DIR [--as NAME] [--version V] ID\n"
	"       sohoa review reject --batch DIR [--as NAME] [--version V] --reason TEXT ID\n"
	"       sohoa review user add|remove|list --batch DIR [--replace] [--role ROLE]... [NAME]\n"
	"       sohoa review user role --batch DIR --role ROLE [--role ROLE]... NAME\n"
	"       sohoa review keyers --batch DIR [--json]\n"
	"\n"
	"The records the pipeline was not sure of, for archivists. serve starts the web\n"
	"application (loopback by default; port 0 picks a free one; it prints the address it\n"
	"listens on, then serves until SIGINT or SIGTERM). It speaks plain HTTP: an address\n"
	"other than loopback needs --allow-remote, and belongs behind a TLS proxy (--behind-tls\n"
	"marks the cookies Secure). It answers only requests for its listen address or a name\n"
	"of --allowed-host (NAME or NAME:PORT, up to 16). A request's headers and body must\n"
	"arrive within --request-timeout seconds (10); one client address holds at most\n"
	"--connections-per-address connections (16). Sign-ins are throttled by account and by\n"
	"client address: after 5 failures in a row for an account or 20 from an address, each\n"
	"failure locks it for twice as long as the last, the first lock --sign-in-lock seconds\n"
	"(1), up to 15 minutes; from --trusted-proxy the client is the last X-Forwarded-For\n"
	"address.\n"
	"Opening a record claims it for the reviewer for --claim-minutes minutes (10; a decimal\n"
	"from 0.01 to 1440, e.g. 0.5): meanwhile other reviewers see who has it and cannot\n"
	"change it; the claimant's changes renew the claim, an approval or rejection ends it.\n"
	"BATCH_DIR/reject-reasons.json, when it exists, replaces the built-in reasons for\n"
	"rejecting offered per book type.\n"
	"The other commands do the same work from the shell:\n"
	"\n"
	"  list      the queue in register order (status needs_review unless --status says\n"
	"            otherwise), filtered by book (birth-2019-01-26740) or open flag code\n"
	"  show      one record: its fields (label, value, reading, confidence), flags with their\n"
	"            ids, and its history\n"
	"  set       sets FIELD to VALUE as written in the book; the value is made canonical\n"
	"            (\"15/1/2019\" becomes 2019-01-15) or refused with the reason; an empty VALUE\n"
	"            clears the field; the book's rules run again\n"
	"  verify    confirms the value a flag is about as written in the book\n"
	"  approve   approves the record (refused while an error flag is open)\n"
	"  reject    rejects the record: it will not be delivered\n"
	"  keyers    the keyers' statistics per field kind: fields keyed, decided, agreeing\n"
	"            with the value accepted, seconds per field, trusted by the keying policy\n"
	"            (BATCH_DIR/keying-policy.json, else the built-in one)\n"
	"  user      reviewer accounts; add reads the password from standard input (asked twice\n"
	"            on a terminal); --replace sets a new password for an existing reviewer;\n"
	"            --role (keyer, arbitrator, checker; repeated or comma-separated) says what\n"
	"            the account may do (keyer,checker when not given); role changes the roles\n"
	"            of an existing reviewer; list shows roles other than keyer,checker\n"
	"\n"
	"Changes are written to the audit table as NAME (--as; default shell:$USER). With\n"
	"--version V a change is refused when the record is no longer at version V (see show).\n"
	"\n"
	"Exit: 0 done; 1 usage; 2 refused or conflicting (the reason on stderr); 3 configuration\n"
	"or environment error; 130/143 serve stopped by a signal.\n";

enum { OPT_LISTEN = 2000, OPT_TTL, OPT_BOOK, OPT_FLAG, OPT_STATUS, OPT_LIMIT, OPT_OFFSET,
       OPT_JSON, OPT_AS, OPT_VERSION_OF, OPT_REASON, OPT_REPLACE, OPT_ALLOW_REMOTE,
       OPT_BEHIND_TLS, OPT_ALLOWED_HOST, OPT_REQUEST_TIMEOUT, OPT_PER_ADDRESS,
       OPT_TRUSTED_PROXY, OPT_SIGN_IN_LOCK, OPT_CLAIM_MINUTES, OPT_ROLE };

#define ALLOWED_HOSTS_MAX 16

struct args {
	const char *batch, *listen, *book, *flag, *status, *as, *reason, *trusted_proxy;
	long ttl, limit, offset, version, request_timeout, per_address, sign_in_lock;
	double claim_minutes;
	int json, replace, allow_remote, behind_tls;
	const char *allowed_hosts[ALLOWED_HOSTS_MAX];
	size_t n_allowed_hosts;
	char roles[128];         /* --role, comma-separated; "" when not given */
	char **pos;
	int npos;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option options[] = {
		{ "batch", required_argument, NULL, SO_OPT_BATCH },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "session-ttl", required_argument, NULL, OPT_TTL },
		{ "book", required_argument, NULL, OPT_BOOK },
		{ "flag", required_argument, NULL, OPT_FLAG },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "as", required_argument, NULL, OPT_AS },
		{ "version", required_argument, NULL, OPT_VERSION_OF },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
		{ "behind-tls", no_argument, NULL, OPT_BEHIND_TLS },
		{ "allowed-host", required_argument, NULL, OPT_ALLOWED_HOST },
		{ "request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT },
		{ "connections-per-address", required_argument, NULL, OPT_PER_ADDRESS },
		{ "trusted-proxy", required_argument, NULL, OPT_TRUSTED_PROXY },
		{ "sign-in-lock", required_argument, NULL, OPT_SIGN_IN_LOCK },
		{ "claim-minutes", required_argument, NULL, OPT_CLAIM_MINUTES },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "help", no_argument, NULL, SO_OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof(*a));
	a->version = -1;
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case SO_OPT_BATCH: a->batch = optarg; break;
		case OPT_LISTEN: a->listen = optarg; break;
		case OPT_TTL:
			if (so_cli_number("--session-ttl", optarg, 60, 30L * 86400, &a->ttl) < 0)
				return -1;
			break;
		case OPT_BOOK: a->book = optarg; break;
		case OPT_FLAG: a->flag = optarg; break;
		case OPT_STATUS: a->status = optarg; break;
		case OPT_LIMIT:
			if (so_cli_number("--limit", optarg, 1, 100000, &a->limit) < 0)
				return -1;
			break;
		case OPT_OFFSET:
			if (so_cli_number("--offset", optarg, 0, 1L << 40, &a->offset) < 0)
				return -1;
			break;
		case OPT_JSON: a->json = 1; break;
		case OPT_AS: a->as = optarg; break;
		case OPT_ROLE: {
			size_t n = strlen(a->roles);
			if (n + strlen(optarg) + 2 > sizeof(a->roles))
			{
				so_cli_usage_error("too many --role");
				return -1;
			}
			snprintf(a->roles + n, sizeof(a->roles) - n, "%s%s", n ? "," : "", optarg);
			break;
		}
		case OPT_VERSION_OF:
			if (so_cli_number("--version", optarg, 1, 1L << 30, &a->version) < 0)
				return -1;
			break;
		case OPT_REASON: a->reason = optarg; break;
		case OPT_REPLACE: a->replace = 1; break;
		case OPT_ALLOW_REMOTE: a->allow_remote = 1; break;
		case OPT_TRUSTED_PROXY: a->trusted_proxy = optarg; break;
		case OPT_BEHIND_TLS: a->behind_tls = 1; break;
		case OPT_ALLOWED_HOST:
			if (a->n_allowed_hosts == ALLOWED_HOSTS_MAX) {
				so_cli_usage_error("at most %d --allowed-host", ALLOWED_HOSTS_MAX);
				return -1;
			}
			a->allowed_hosts[a->n_allowed_hosts++] = optarg;
			break;
		case OPT_REQUEST_TIMEOUT:
			if (so_cli_number("--request-timeout", optarg, 1, 300, &a->request_timeout) < 0)
				return -1;
			break;
		case OPT_SIGN_IN_LOCK:
			if (so_cli_number("--sign-in-lock", optarg, 1, 900, &a->sign_in_lock) < 0)
				return -1;
			break;
		case OPT_CLAIM_MINUTES:
			if (so_parse_decimal(optarg, 0.01, 1440, &a->claim_minutes) < 0) {
				so_cli_usage_error("invalid value for --claim-minutes: %s", so_errmsg());
				return -1;
			}
			break;
		case OPT_PER_ADDRESS:
			if (so_cli_number("--connections-per-address", optarg, 1, 256,
					  &a->per_address) < 0)
				return -1;
			break;
		case SO_OPT_HELP: fputs(usage, stdout); exit(SO_EXIT_OK);
		default: so_cli_bad_option(); return -1;
		}
	}
	a->pos = argv + optind;
	a->npos = argc - optind;
	if (!a->batch) {
		so_cli_usage_error("--batch DIR is required");
		return -1;
	}
	return 0;
}

static struct so_store *open_store(const char *batch)
{
	struct so_store *s = NULL;
	if (so_store_open(batch, 0, &s) < 0) {
		so_log_err("%s", so_errmsg());
		return NULL;
	}
	return s;
}

static int dump(json_t *j)
{
	int r = json_dumpf(j, stdout, JSON_INDENT(2)) == 0 ? 0 : -1;
	fputc('\n', stdout);
	return r;
}

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* A reading on one line: its line breaks as spaces. */
static const char *oneline(const char *text, char *buf, size_t size)
{
	snprintf(buf, size, "%s", text);
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return buf;
}

static int cmd_list(const struct args *a)
{
	struct so_store *s = open_store(a->batch);
	if (!s)
		return SO_EXIT_ENV;
	struct so_review_filter f = { .status = a->status, .book = a->book, .flag = a->flag,
				       .limit = a->limit, .offset = a->offset };
	json_t *q = so_review_queue(s, &f);
	int code = SO_EXIT_OK;
	if (!q) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else if (a->json) {
		dump(q);
	} else {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(q, "items"), i, it) {
			printf("%-8lld %-24s %s p%lld r%lld  %-6s %-32s",
			       (long long)json_integer_value(json_object_get(it, "id")),
			       str(it, "book"), str(it, "file"),
			       (long long)json_integer_value(json_object_get(it, "page_index")) + 1,
			       (long long)json_integer_value(json_object_get(it, "row")),
			       str(it, "registration_number"), str(it, "name"));
			size_t k;
			json_t *c;
			json_array_foreach(json_object_get(it, "flags"), k, c)
				printf(" %s", json_string_value(c));
			putchar('\n');
		}
		fprintf(stderr, "%lld records\n",
			(long long)json_integer_value(json_object_get(q, "total")));
	}
	json_decref(q);
	so_store_close(s);
	return code;
}

static int id_arg(const char *arg, int64_t *id)
{
	long v;
	if (so_cli_number("ID", arg, 1, 1L << 62, &v) < 0)
		return -1;
	*id = v;
	return 0;
}

static void show_text(json_t *r)
{
	printf("record %lld  version %lld  %s\n", (long long)json_integer_value(json_object_get(r, "id")),
	       (long long)json_integer_value(json_object_get(r, "version")), str(r, "record_id"));
	printf("status %s%s%s\n", str(r, "status"),
	       json_is_string(json_object_get(r, "reject_reason")) ? "  reason: " : "",
	       str(r, "reject_reason"));
	size_t i;
	char line[1024];
	json_t *name, *fields = json_object_get(r, "fields");
	json_array_foreach(json_object_get(r, "order"), i, name) {
		json_t *f = json_object_get(fields, json_string_value(name));
		json_t *conf = json_object_get(f, "confidence");
		printf("  %-28s %-32s = %s", json_string_value(name), str(f, "label"),
		       json_is_string(json_object_get(f, "value")) ? str(f, "value") : "—");
		if (json_is_string(json_object_get(f, "code")))
			printf(" [%s]", str(f, "code"));
		if (json_is_string(json_object_get(f, "raw")) &&
		    strcmp(str(f, "raw"), str(f, "value")) != 0)
			printf("  (read: %s)", oneline(str(f, "raw"), line, sizeof(line)));
		if (json_is_number(conf))
			printf("  %.2f", json_number_value(conf));
		if (strcmp(str(f, "source"), "archivist") == 0)
			printf("  set by an archivist");
		putchar('\n');
	}
	json_t *fl;
	json_array_foreach(json_object_get(r, "flags"), i, fl) {
		char *names = json_dumps(json_object_get(fl, "fields"), JSON_COMPACT);
		printf("flag %lld %s %s %s %s: %s\n",
		       (long long)json_integer_value(json_object_get(fl, "id")), str(fl, "state"),
		       str(fl, "severity"), str(fl, "code"), names ? names : "", str(fl, "message"));
		free(names);
	}
	json_t *au;
	json_array_foreach(json_object_get(r, "audit"), i, au)
		printf("history %s %s %s %s: %s -> %s\n", str(au, "at"), str(au, "actor"),
		       str(au, "action"), str(au, "field"), str(au, "before"), str(au, "after"));
}

static int cmd_show(const struct args *a)
{
	int64_t id;
	if (a->npos != 1)
		return so_cli_usage_error("show takes one record ID");
	if (id_arg(a->pos[0], &id) < 0)
		return SO_EXIT_USAGE;
	struct so_store *s = open_store(a->batch);
	if (!s)
		return SO_EXIT_ENV;
	if (so_store_check_intact(s) < 0) {
		so_log_err("%s", so_errmsg());
		so_store_close(s);
		return SO_EXIT_ENV;
	}
	struct so_review_filter f = { .status = a->status, .book = a->book, .flag = a->flag };
	json_t *r = so_review_record(s, id, &f);
	int code = SO_EXIT_OK;
	if (!r) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_PARTIAL;
	} else if (a->json) {
		dump(r);
	} else {
		show_text(r);
	}
	json_decref(r);
	so_store_close(s);
	return code;
}

/* The actor of a change from the shell. */
static const char *actor_of(const struct args *a, char *buf, size_t size)
{
	if (a->as)
		return a->as;
	const char *user = getenv("USER");
	if (!user || !*user) {
		struct passwd *pw = getpwuid(getuid());
		user = pw ? pw->pw_name : "unknown";
	}
	snprintf(buf, size, "shell:%s", user);
	return buf;
}

/* The version to change at: --version, or the record's current one. */
static int version_of(struct so_store *s, const struct args *a, int64_t id)
{
	if (a->version > 0)
		return (int)a->version;
	json_t *r = so_review_record(s, id, NULL);
	if (!r)
		return -1;
	int v = (int)json_integer_value(json_object_get(r, "version"));
	json_decref(r);
	return v;
}

static int cmd_change(const char *cmd, const struct args *a)
{
	int need = strcmp(cmd, "set") == 0 ? 3 : strcmp(cmd, "verify") == 0 ? 2 : 1;
	if (a->npos != need)
		return so_cli_usage_error("%s takes %s", cmd,
					  need == 3 ? "ID FIELD VALUE" : need == 2 ? "ID FLAG_ID" : "ID");
	if (strcmp(cmd, "reject") == 0 && !a->reason)
		return so_cli_usage_error("reject needs --reason TEXT");
	int64_t id, flag = 0;
	if (id_arg(a->pos[0], &id) < 0 || (need == 2 && id_arg(a->pos[1], &flag) < 0))
		return SO_EXIT_USAGE;
	struct so_store *s = open_store(a->batch);
	if (!s)
		return SO_EXIT_ENV;
	char buf[128];
	const char *actor = actor_of(a, buf, sizeof(buf));
	int version = version_of(s, a, id), nv = 0, r;
	if (version < 0)
		r = SO_REVIEW_REFUSED;
	else if (strcmp(cmd, "set") == 0)
		r = so_review_set(s, actor, id, version, a->pos[1], a->pos[2], &nv);
	else if (strcmp(cmd, "verify") == 0)
		r = so_review_verify(s, actor, id, version, flag, &nv);
	else if (strcmp(cmd, "approve") == 0)
		r = so_review_approve(s, actor, id, version, &nv);
	else
		r = so_review_reject(s, actor, id, version, a->reason, &nv);
	int code = SO_EXIT_OK;
	if (r == SO_REVIEW_DONE) {
		char status[24] = "";
		so_record_status(s, id, status, sizeof(status));
		printf("record %lld: %s, version %d\n", (long long)id, status, nv);
	} else if (r < 0) {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_ENV;
	} else {
		so_log_err("%s", so_errmsg());
		code = SO_EXIT_PARTIAL;
	}
	so_store_close(s);
	return code;
}

/* Reads one line of standard input (echo off on a terminal) into BUF without its newline. */
static int read_secret(const char *prompt, char *buf, size_t size)
{
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *got = fgets(buf, (int)size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!got)
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == size - 1)
		return -1; /* too long for the buffer */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int cmd_keyers(const struct args *a)
{
	if (a->npos)
		return so_cli_usage_error("unexpected argument '%s'", a->pos[0]);
	struct so_store *s = open_store(a->batch);
	if (!s)
		return SO_EXIT_ENV;
	struct so_keying_policy p;
	if (so_keying_policy_load(a->batch, &p) < 0) {
		so_log_err("%s", so_errmsg());
		so_store_close(s);
		return SO_EXIT_ENV;
	}
	json_t *l = so_keying_stats(s, &p);
	so_store_close(s);
	if (!l) {
		so_log_err("%s", so_errmsg());
		return SO_EXIT_ENV;
	}
	if (a->json) {
		char *text = json_dumps(l, JSON_INDENT(2));
		if (text)
			puts(text);
		free(text);
	} else {
		printf("%-20s %-14s %7s %7s %9s %8s  %s\n", "keyer", "kind", "keyed", "decided",
		       "agreement", "s/field", "trusted");
		size_t i;
		json_t *r;
		json_array_foreach(l, i, r) {
			json_t *ag = json_object_get(r, "agreement"), *sec = json_object_get(r, "seconds");
			char agt[16] = "-", sect[16] = "-";
			if (json_is_number(ag))
				snprintf(agt, sizeof(agt), "%.1f%%", 100 * json_number_value(ag));
			if (json_is_number(sec))
				snprintf(sect, sizeof(sect), "%.1f", json_number_value(sec));
			printf("%-20s %-14s %7lld %7lld %9s %8s  %s\n", str(r, "keyer"), str(r, "kind"),
			       (long long)json_integer_value(json_object_get(r, "keyed")),
			       (long long)json_integer_value(json_object_get(r, "decided")), agt, sect,
			       json_is_true(json_object_get(r, "trusted")) ? "yes" : "no");
		}
	}
	json_decref(l);
	return SO_EXIT_OK;
}

static int cmd_user(const struct args *a)
{
	if (a->npos < 1)
		return so_cli_usage_error("user takes add, remove or list");
	const char *what = a->pos[0];
	int list = strcmp(what, "list") == 0, role = strcmp(what, "role") == 0;
	if (!list && !role && strcmp(what, "add") != 0 && strcmp(what, "remove") != 0)
		return so_cli_usage_error("user takes add, remove, role or list, not '%s'", what);
	if ((role || strcmp(what, "add") == 0) && a->roles[0] && !so_roles_ok(a->roles))
		return so_cli_usage_error("%s", so_errmsg());
	if (role && !a->roles[0])
		return so_cli_usage_error("user role takes --role");
	if (a->npos != (list ? 1 : 2))
		return so_cli_usage_error(list ? "user list takes no name" : "user %s takes a NAME",
					  what);
	struct so_store *s = open_store(a->batch);
	if (!s)
		return SO_EXIT_ENV;
	int code = SO_EXIT_OK;
	if (list) {
		json_t *l = so_reviewer_list(s);
		size_t i;
		json_t *u;
		if (!l) {
			so_log_err("%s", so_errmsg());
			code = SO_EXIT_ENV;
		}
		json_array_foreach(l, i, u) {
			json_int_t failed = json_integer_value(json_object_get(u, "failed_logins"));
			printf("%-24s created %s  last login %s", str(u, "name"),
			       str(u, "created_at"),
			       json_is_string(json_object_get(u, "last_login")) ? str(u, "last_login")
										 : "never");
			if (failed)
				printf("  %lld failed sign-in%s%s", (long long)failed,
				       failed == 1 ? "" : "s",
				       json_is_string(json_object_get(u, "last_login")) ?
				       " since" : "");
			/* roles other than the default (keyer,checker) */
			char roles[128];
			if (so_reviewer_roles(s, str(u, "name"), roles, sizeof(roles)) == 1 &&
			    strcmp(roles, "keyer,checker") != 0)
				printf("  roles %s", roles);
			putchar('\n');
		}
		json_decref(l);
	} else if (role) {
		int r = so_reviewer_roles_set(s, a->pos[1], a->roles);
		if (r <= 0) {
			so_log_err("%s", so_errmsg());
			code = r < 0 ? SO_EXIT_ENV : SO_EXIT_PARTIAL;
		} else {
			printf("reviewer %s: %s\n", a->pos[1], a->roles);
		}
	} else if (strcmp(what, "remove") == 0) {
		int r = so_reviewer_remove(s, a->pos[1]);
		if (r < 0) {
			so_log_err("%s", so_errmsg());
			code = SO_EXIT_ENV;
		} else if (r == 0) {
			so_log_err("no reviewer '%s'", a->pos[1]);
			code = SO_EXIT_PARTIAL;
		} else {
			printf("reviewer %s removed\n", a->pos[1]);
		}
	} else {
		char pw[1100], again[1100];
		if (read_secret("password: ", pw, sizeof(pw)) < 0) {
			so_log_err("no password on standard input (one line)");
			code = SO_EXIT_USAGE;
		} else if (isatty(STDIN_FILENO) &&
			   (read_secret("again: ", again, sizeof(again)) < 0 || strcmp(pw, again))) {
			so_log_err("the two passwords differ");
			code = SO_EXIT_USAGE;
		} else if (so_reviewer_add(s, a->pos[1], pw, a->replace) < 0 ||
			   (a->roles[0] && so_reviewer_roles_set(s, a->pos[1], a->roles) <= 0)) {
			so_log_err("%s", so_errmsg());
			code = SO_EXIT_PARTIAL;
		} else {
			printf("reviewer %s %s\n", a->pos[1], a->replace ? "set" : "added");
			if (a->roles[0])
				printf("reviewer %s: %s\n", a->pos[1], a->roles);
		}
		explicit_bzero(pw, sizeof(pw));
		explicit_bzero(again, sizeof(again));
	}
	so_store_close(s);
	return code;
}

int main(int argc, char **argv)
{
	so_cli_init("sohoa-review");
	if (argc < 2)
		return so_cli_usage_error("a command is required (serve, list, show, set, verify, "
					  "approve, reject, user, keyers)");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage, stdout);
		return SO_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0)
		return so_cli_version();
	struct args a;
	if (parse(argc - 1, argv + 1, &a) < 0)
		return SO_EXIT_USAGE;
	if (strcmp(cmd, "serve") == 0) {
		if (a.npos)
			return so_cli_usage_error("unexpected argument '%s'", a.pos[0]);
		struct so_review_serve_options o = {
			.batch = a.batch, .listen = a.listen, .session_ttl = a.ttl, .announce = stdout,
			.behind_tls = a.behind_tls, .allow_remote = a.allow_remote,
			.allowed_hosts = a.allowed_hosts, .n_allowed_hosts = a.n_allowed_hosts,
			.request_timeout = a.request_timeout, .per_address = a.per_address,
			.trusted_proxy = a.trusted_proxy, .sign_in_lock = a.sign_in_lock,
			.claim_minutes = a.claim_minutes,
		};
		int code = so_review_serve(&o);
		if (code == SO_EXIT_ENV)
			so_log_err("%s", so_errmsg());
		return code;
	}
	if (strcmp(cmd, "list") == 0)
		return a.npos ? so_cli_usage_error("unexpected argument '%s'", a.pos[0]) : cmd_list(&a);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(&a);
	if (strcmp(cmd, "set") == 0 || strcmp(cmd, "verify") == 0 || strcmp(cmd, "approve") == 0 ||
	    strcmp(cmd, "reject") == 0)
		return cmd_change(cmd, &a);
	if (strcmp(cmd, "keyers") == 0)
		return cmd_keyers(&a);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(&a);
	return so_cli_usage_error("unknown command '%s'", cmd);
}
