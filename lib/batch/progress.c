/* A stage's progress bar or log lines (see progress.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/progress.h"

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
