/* Shared command-line helpers (see cli.h). */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/util.h"
#include "cli/cli.h"
#include "config.h"
#include "ingest/image.h"
#include "register/layout.h"

static char prog[64] = "sohoa";

void so_cli_init(const char *name)
{
	snprintf(prog, sizeof(prog), "%s", name);
	setvbuf(stderr, NULL, _IOLBF, 0);
	so_image_init();
}

const char *so_cli_name(void)
{
	return prog;
}

static void vmsg(const char *tag, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", prog, tag, msg);
}

void so_cli_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void so_cli_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

int so_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	return SO_EXIT_USAGE;
}

int so_cli_bad_option(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	return SO_EXIT_USAGE;
}

int so_cli_version(void)
{
	printf("%s %s\n", prog, SO_VERSION);
	return SO_EXIT_OK;
}

int so_cli_number(const char *option, const char *arg, long min, long max, long *out)
{
	if (so_parse_long(arg, min, max, out) < 0) {
		so_cli_usage_error("invalid value for --%s: %s", option, so_errmsg());
		return -1;
	}
	return 0;
}

void so_cli_single_threaded(char **argv)
{
	const char *v = getenv("OMP_THREAD_LIMIT");
	if (v && strcmp(v, "1") == 0)
		return;
	setenv("OMP_THREAD_LIMIT", "1", 1);
	execv("/proc/self/exe", argv);
	/* cannot re-execute: go on, only slower */
}

/* Book specs ------------------------------------------------------------------------------ */

static int text_ok(const char *s, size_t max, int digits_only)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (digits_only ? (*p < '0' || *p > '9') : (*p < 0x20 || *p == '/' || *p == 0x7f))
			return 0;
	}
	return 1;
}

int so_bookspecs_option(struct so_bookspecs *b, int opt, const char *arg)
{
	struct so_bookspec *cur = b->n ? &b->v[b->n - 1] : NULL;
	if (opt == SO_OPT_BOOK_TYPE) {
		if (!so_book_type_valid(arg)) {
			so_cli_usage_error("unknown book type '%s' (birth, marriage, death, parentage)",
					   arg);
			return -1;
		}
		if (SO_ARRAY_GROW(b->v, b->n, b->cap) < 0) {
			so_cli_err("%s", so_errmsg());
			return -1;
		}
		cur = &b->v[b->n++];
		memset(cur, 0, sizeof(*cur));
		snprintf(cur->type, sizeof(cur->type), "%s", arg);
		return 1;
	}
	if (opt == SO_OPT_MANIFEST)
		return so_manifest_read(arg, b, NULL) < 0 ? -1 : 1;
	const char *names[] = { "year", "volume", "authority", "layout" };
	int is_spec = opt == SO_OPT_YEAR || opt == SO_OPT_VOLUME || opt == SO_OPT_AUTHORITY ||
		      opt == SO_OPT_LAYOUT || opt == 1;
	if (!is_spec)
		return 0;
	if (!cur) {
		if (opt == 1)
			so_cli_usage_error("scan file '%s' given before any --book-type", arg);
		else
			so_cli_usage_error("--%s given before any --book-type",
					   names[opt - SO_OPT_YEAR]);
		return -1;
	}
	switch (opt) {
	case SO_OPT_YEAR:
		return so_cli_number("year", arg, 1900, 2200, &cur->year) < 0 ? -1 : 1;
	case SO_OPT_VOLUME:
		if (!text_ok(arg, sizeof(cur->volume), 0)) {
			so_cli_usage_error("invalid --volume '%s': 1 to %zu characters, no '/'", arg,
					   sizeof(cur->volume) - 1);
			return -1;
		}
		snprintf(cur->volume, sizeof(cur->volume), "%s", arg);
		return 1;
	case SO_OPT_AUTHORITY:
		if (!text_ok(arg, 9, 1)) {
			so_cli_usage_error("invalid --authority '%s': the unit code of the registering "
					   "authority, digits only (e.g. 26740)", arg);
			return -1;
		}
		snprintf(cur->authority, sizeof(cur->authority), "%s", arg);
		return 1;
	case SO_OPT_LAYOUT:
		snprintf(cur->layout, sizeof(cur->layout), "%s", arg);
		return 1;
	default: {
		if (SO_ARRAY_GROW(cur->files, cur->nfiles, cur->files_cap) < 0 ||
		    !(cur->files[cur->nfiles] = so_strdup(arg))) {
			so_cli_err("%s", so_errmsg());
			return -1;
		}
		cur->nfiles++;
		return 1;
	}
	}
}

static char *trim(char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	size_t n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n'))
		t[--n] = '\0';
	return t;
}

/* PATH relative to DIR (unless absolute) into BUF. */
static void relative_to(const char *dir, const char *path, char *buf, size_t size)
{
	if (path[0] == '/' || !dir[0])
		snprintf(buf, size, "%s", path);
	else
		snprintf(buf, size, "%s/%s", dir, path);
}

/* The files of a manifest's "files =" line: each word a file or a glob pattern. */
static int manifest_files(struct so_bookspecs *b, const char *dir, char *list, const char *path,
			  int line)
{
	char *save = NULL;
	for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char full[8192];
		relative_to(dir, w, full, sizeof(full));
		if (!strpbrk(w, "*?[")) {
			if (so_bookspecs_option(b, 1, full) < 0)
				return -1;
			continue;
		}
		glob_t g;
		int rc = glob(full, 0, NULL, &g);
		if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
			globfree(&g);
			so_cli_usage_error("%s:%d: no file matches '%s'", path, line, w);
			return -1;
		}
		if (rc != 0) {
			globfree(&g);
			so_cli_usage_error("%s:%d: cannot expand '%s'", path, line, w);
			return -1;
		}
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (so_bookspecs_option(b, 1, g.gl_pathv[i]) < 0) {
				globfree(&g);
				return -1;
			}
		globfree(&g);
	}
	return 0;
}

int so_manifest_read(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		so_cli_usage_error("cannot read the manifest '%s': %s", path, strerror(errno));
		return -1;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	enum { NONE, BOOK, SYNC, OTHER } section = NONE;
	char text[16384];
	int line = 0, r = 0;
	size_t first = b->n;
	while (r == 0 && fgets(text, sizeof(text), f)) {
		line++;
		char *t = trim(text);
		if (!*t || *t == ';' || *t == '#')
			continue;
		if (*t == '[') {
			char *end = strchr(t, ']');
			if (!end) {
				so_cli_usage_error("%s:%d: a section name needs its ']'", path, line);
				r = -1;
				break;
			}
			*end = '\0';
			char *name = trim(t + 1);
			if (strncmp(name, "book", 4) == 0 && (name[4] == '\0' || name[4] == ' ')) {
				section = BOOK;
				/* a book without a type yet: the type line opens the spec */
				if (SO_ARRAY_GROW(b->v, b->n, b->cap) < 0) {
					so_cli_err("%s", so_errmsg());
					r = -1;
					break;
				}
				memset(&b->v[b->n++], 0, sizeof(b->v[0]));
			} else if (strcmp(name, "sync") == 0) {
				section = SYNC;
			} else {
				section = OTHER; /* sections of later versions are left alone */
			}
			continue;
		}
		char *eq = strchr(t, '=');
		if (!eq) {
			so_cli_usage_error("%s:%d: expected 'key = value'", path, line);
			r = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(t), *value = trim(eq + 1);
		if (section == BOOK) {
			struct so_bookspec *cur = &b->v[b->n - 1];
			static const struct { const char *key; int opt; } keys[] = {
				{ "year", SO_OPT_YEAR }, { "volume", SO_OPT_VOLUME },
				{ "authority", SO_OPT_AUTHORITY }, { "layout", SO_OPT_LAYOUT },
			};
			int known = 0;
			if (strcmp(key, "type") == 0) {
				known = 1;
				if (!so_book_type_valid(value)) {
					so_cli_usage_error("%s:%d: unknown book type '%s' (birth, marriage, "
							   "death, parentage)", path, line, value);
					r = -1;
				} else {
					snprintf(cur->type, sizeof(cur->type), "%s", value);
				}
			} else if (strcmp(key, "files") == 0) {
				known = 1;
				r = manifest_files(b, dir, value, path, line);
			}
			for (size_t i = 0; !known && i < sizeof(keys) / sizeof(keys[0]); i++)
				if (strcmp(key, keys[i].key) == 0) {
					known = 1;
					r = so_bookspecs_option(b, keys[i].opt, value) < 0 ? -1 : 0;
				}
			if (!known) {
				so_cli_usage_error("%s:%d: unknown key '%s' in a book", path, line, key);
				r = -1;
			}
		} else if (section == SYNC) {
			char *dest = NULL;
			size_t size = 0;
			int is_path = 1;
			if (strcmp(key, "endpoint") == 0) {
				is_path = 0;
				dest = sync ? sync->endpoint : NULL;
				size = sizeof(sync->endpoint);
			} else if (strcmp(key, "token_file") == 0) {
				dest = sync ? sync->token_file : NULL;
				size = sizeof(sync->token_file);
			} else if (strcmp(key, "cacert") == 0) {
				dest = sync ? sync->cacert : NULL;
				size = sizeof(sync->cacert);
			} else if (strcmp(key, "cert") == 0) {
				dest = sync ? sync->cert : NULL;
				size = sizeof(sync->cert);
			} else if (strcmp(key, "key") == 0) {
				dest = sync ? sync->key : NULL;
				size = sizeof(sync->key);
			} else {
				so_cli_usage_error("%s:%d: unknown key '%s' in [sync]", path, line, key);
				r = -1;
			}
			if (dest && is_path)
				relative_to(dir, value, dest, size);
			else if (dest)
				snprintf(dest, size, "%s", value);
		} else if (section == NONE) {
			so_cli_usage_error("%s:%d: '%s' outside a section", path, line, key);
			r = -1;
		}
	}
	fclose(f);
	for (size_t i = first; r == 0 && i < b->n; i++)
		if (!b->v[i].type[0]) {
			so_cli_usage_error("%s: book %zu has no type", path, i - first + 1);
			r = -1;
		}
	return r;
}

int so_bookspecs_finish(struct so_bookspecs *b)
{
	if (b->n == 0) {
		so_cli_usage_error("no book given (--book-type ... FILE.tif)");
		return -1;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct so_bookspec *s = &b->v[i];
		const char *missing = !s->year ? "--year" : !s->volume[0] ? "--volume"
				    : !s->authority[0] ? "--authority" : NULL;
		if (missing) {
			so_cli_usage_error("book %zu (%s) lacks %s", i + 1, s->type, missing);
			return -1;
		}
		if (s->nfiles == 0) {
			so_cli_usage_error("book %zu (%s %ld/%s) has no scan file", i + 1, s->type,
					   s->year, s->volume);
			return -1;
		}
		if (!s->layout[0])
			snprintf(s->layout, sizeof(s->layout), "%s", so_layout_default(s->type));
		struct so_layout *l = NULL;
		if (so_layout_load(s->layout, &l) < 0) {
			so_cli_usage_error("book %zu: %s", i + 1, so_errmsg());
			return -1;
		}
		int match = strcmp(l->book_type, s->type) == 0;
		so_layout_free(l);
		if (!match) {
			so_cli_usage_error("book %zu: layout '%s' is not for %s books", i + 1,
					   s->layout, s->type);
			return -1;
		}
	}
	return 0;
}

void so_bookspecs_release(struct so_bookspecs *b)
{
	for (size_t i = 0; i < b->n; i++) {
		for (size_t k = 0; k < b->v[i].nfiles; k++)
			free(b->v[i].files[k]);
		free(b->v[i].files);
	}
	SO_FREE(b->v);
	b->n = b->cap = 0;
}

/* Signals ---------------------------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (!got_signal)
		got_signal = sig;
}

void so_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int so_signal_received(void)
{
	return got_signal;
}

int so_signal_exit_code(int sig)
{
	return sig == SIGTERM ? SO_EXIT_SIGTERM : SO_EXIT_SIGINT;
}

/* Workers ---------------------------------------------------------------------------------- */

int so_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int exit_rank(int code)
{
	switch (code) {
	case SO_EXIT_SIGINT:
	case SO_EXIT_SIGTERM: return 5;
	case SO_EXIT_ENV: return 4;
	case SO_EXIT_USAGE: return 3;
	case SO_EXIT_PARTIAL: return 2;
	case SO_EXIT_OK: return 0;
	default: return 1;
	}
}

static pid_t spawn(int (*fn)(void *), void *ctx)
{
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		/* a worker does not outlive its supervisor: a run killed whole leaves no one
		 * working, and its units go back to the queue */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(SO_EXIT_ENV);
		int code = fn(ctx);
		fflush(stdout);
		fflush(stderr);
		_exit(code);
	}
	return pid;
}

int so_workers_run(const struct so_workers *w)
{
	int n = w->n < 1 ? 1 : w->n;
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	if (!pids) {
		so_cli_err("out of memory");
		return SO_EXIT_ENV;
	}
	int worst = SO_EXIT_OK, running = 0, respawns = 0, forwarded = 0;
	for (int i = 0; i < n; i++) {
		pids[i] = spawn(w->work, w->ctx);
		if (pids[i] < 0) {
			so_cli_err("cannot start a worker process: %s", strerror(errno));
			worst = SO_EXIT_ENV;
			break;
		}
		running++;
	}
	while (running > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno != EINTR)
			break;
		if (pid <= 0) {
			int sig = so_signal_received();
			if (sig && !forwarded) {
				for (int i = 0; i < n; i++)
					if (pids[i] > 0)
						kill(pids[i], sig);
				forwarded = 1;
			}
			if (w->tick)
				w->tick(w->ctx);
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			continue;
		}
		int slot = -1;
		for (int i = 0; i < n; i++)
			if (pids[i] == pid)
				slot = i;
		if (slot < 0)
			continue;
		pids[slot] = 0;
		running--;
		int code;
		if (WIFEXITED(status)) {
			code = WEXITSTATUS(status);
		} else {
			int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
			code = SO_EXIT_PARTIAL;
			if ((sig == SIGINT || sig == SIGTERM) && so_signal_received()) {
				code = so_signal_exit_code(sig);
			} else {
				char reason[96];
				if (sigabbrev_np(sig))
					snprintf(reason, sizeof(reason), "killed by SIG%s", sigabbrev_np(sig));
				else
					snprintf(reason, sizeof(reason), "killed by signal %d", sig);
				so_cli_msg("a worker process was %s; its unit is taken back", reason);
				if (w->crashed)
					w->crashed(w->ctx, (long)pid, reason);
				if (!so_signal_received() && respawns < 10 * n) {
					pids[slot] = spawn(w->work, w->ctx);
					if (pids[slot] > 0) {
						running++;
						respawns++;
					} else {
						pids[slot] = 0;
					}
				}
			}
		}
		if (exit_rank(code) > exit_rank(worst))
			worst = code;
	}
	if (w->tick)
		w->tick(w->ctx);
	free(pids);
	return worst;
}

/* Progress --------------------------------------------------------------------------------- */

void so_progress_init(struct so_progress *p, const char *stage, const char *unit)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->stage, sizeof(p->stage), "%s", stage);
	snprintf(p->unit, sizeof(p->unit), "%s", unit);
	p->tty = isatty(STDERR_FILENO);
	p->start = so_monotonic();
	p->done_at_start = -1;
}

static void fmt_duration(double s, char *buf, size_t size)
{
	if (s < 0 || s > 360000) {
		snprintf(buf, size, "--:--");
		return;
	}
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

void so_progress_update(struct so_progress *p, int64_t done, int64_t failed, int64_t total)
{
	if (p->done_at_start < 0)
		p->done_at_start = done + failed;
	p->done = done;
	p->failed = failed;
	p->total = total;
	if (!p->tty)
		return;
	double now = so_monotonic();
	if (now - p->last_draw < 0.2 && done + failed < total)
		return;
	p->last_draw = now;
	double elapsed = now - p->start;
	int64_t fresh = done + failed - p->done_at_start;
	double rate = elapsed > 0.5 && fresh > 0 ? fresh / elapsed : 0;
	char eta[32];
	fmt_duration(rate > 0 ? (double)(total - done - failed) / rate : -1, eta, sizeof(eta));
	int width = 24, filled = total > 0 ? (int)((done + failed) * width / total) : 0;
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = 0;
	fprintf(stderr, "\r%-9s [%s] %lld/%lld %s  %.1f/s  ETA %s  failed %lld\033[K", p->stage, bar,
		(long long)(done + failed), (long long)total, p->unit, rate, eta,
		(long long)failed);
	fflush(stderr);
}

void so_progress_log(struct so_progress *p, const char *fmt, ...)
{
	if (p->tty)
		return;
	char now[SO_TIME_LEN], msg[1024];
	so_now_iso(now);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s %s\n", now, p->stage, msg);
}

void so_progress_end(struct so_progress *p)
{
	if (p->tty && p->total > 0)
		fputc('\n', stderr);
}
