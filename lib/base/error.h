/*
 * The one error channel of libsohoa. A failing function records a message with so_error()
 * and returns -1 (or NULL); the caller reads it with so_errmsg() and may add context with
 * so_error_context(). Messages are lower-case, without a full stop, and quote the failing
 * thing: "cannot open 'ks-2019.tif': No such file or directory". The message is per thread.
 */
#ifndef SO_ERROR_H
#define SO_ERROR_H

#define SO_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Records a message; always returns -1. */
int so_error(const char *fmt, ...) SO_PRINTF(1, 2);
/* Prefixes the recorded message with "CONTEXT: "; always returns -1. */
int so_error_context(const char *fmt, ...) SO_PRINTF(1, 2);
/* The last recorded message, or "" when none; valid until the next so_error on this thread. */
const char *so_errmsg(void);

#endif
