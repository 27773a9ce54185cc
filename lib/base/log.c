/* The program name and its message lines on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>

#include "base/log.h"

/* the process's name, set once before any worker is forked */
static char prog[64] = "sohoa";

void so_log_init(const char *name)
{
	snprintf(prog, sizeof(prog), "%s", name);
	setvbuf(stderr, NULL, _IOLBF, 0);
}

const char *so_log_name(void)
{
	return prog;
}

static void line(const char *tag, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", prog, tag, msg);
}

void so_log_vmsg(const char *fmt, va_list ap)
{
	line("", fmt, ap);
}

void so_log_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("", fmt, ap);
	va_end(ap);
}

void so_log_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line("error: ", fmt, ap);
	va_end(ap);
}
