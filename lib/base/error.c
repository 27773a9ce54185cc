/* The per-thread error message behind so_error() (see error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

#define SO_ERRMAX 1024
static _Thread_local char errbuf[SO_ERRMAX];

int so_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

int so_error_context(const char *fmt, ...)
{
	char ctx[SO_ERRMAX], old[SO_ERRMAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(old, errbuf, sizeof(old));
	if (old[0])
		snprintf(errbuf, sizeof(errbuf), "%s: %s", ctx, old);
	else
		snprintf(errbuf, sizeof(errbuf), "%s", ctx);
	return -1;
}

const char *so_errmsg(void)
{
	return errbuf;
}
