/*
 * The program's lines on stderr, for the operator: its name, and the two kinds of line every
 * sohoa process writes there — a message ("sohoa-scan: MESSAGE") and an error ("sohoa-scan:
 * error: MESSAGE"). Real output goes to stdout. The name is the process's own (set once at
 * start, inherited by forked workers).
 */
#ifndef SO_LOG_H
#define SO_LOG_H

#include <stdarg.h>

#include "base/error.h"

/* Sets the program name the lines start with (cut to 63 bytes) and makes stderr
 * line-buffered. */
void so_log_init(const char *name);
/* The program name ("sohoa" until so_log_init). */
const char *so_log_name(void);
/* "NAME: MESSAGE" on stderr. */
void so_log_msg(const char *fmt, ...) SO_PRINTF(1, 2);
void so_log_vmsg(const char *fmt, va_list ap) SO_PRINTF(1, 0);
/* "NAME: error: MESSAGE" on stderr. */
void so_log_err(const char *fmt, ...) SO_PRINTF(1, 2);

#endif
