/*
 * Small shared helpers of libsohoa: checked allocation, bounded growable buffers, strict
 * number parsing, atomic file writes, SHA-256, timestamps and the identity of a worker
 * process (used to tell a crashed claim from a live one).
 */
#ifndef SO_UTIL_H
#define SO_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

#define SO_FREE(p) do { free(p); (p) = NULL; } while (0)
#define SO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that records "out of memory" on failure and returns NULL. */
void *so_malloc(size_t n);
void *so_calloc(size_t n, size_t size);
/* Returns 0 and stores a*b, or -1 (with error) when it overflows or exceeds max. */
int so_mul_size(size_t a, size_t b, size_t max, size_t *out);
/* Caller frees. NULL on failure. */
char *so_strdup(const char *s);
char *so_asprintf(const char *fmt, ...) SO_PRINTF(1, 2);

/* A growable byte buffer that refuses to grow past max; data is always NUL-terminated. */
struct so_buf {
	char *data;
	size_t len, cap, max;
};
#define SO_BUF_INIT(max_) { NULL, 0, 0, (max_) }
void so_buf_init(struct so_buf *b, size_t max);
int so_buf_add(struct so_buf *b, const void *data, size_t n);
int so_buf_adds(struct so_buf *b, const char *s);
int so_buf_addf(struct so_buf *b, const char *fmt, ...) SO_PRINTF(2, 3);
void so_buf_reset(struct so_buf *b);
void so_buf_release(struct so_buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char *so_buf_detach(struct so_buf *b, size_t *len);

/* Edit (Levenshtein) distance between the bytes A[0..na) and B[0..nb); strings longer than
 * 255 bytes count as wholly different (the longer length). */
int so_edit_distance(const char *a, size_t na, const char *b, size_t nb);

/* Strict decimal parsing of the whole string within [min, max]: "12abc", "", " 1" fail. */
int so_parse_long(const char *s, long min, long max, long *out);
/* Strict parsing of a plain decimal "12", "12.5" or "0.05" (digits, at most one '.' with
 * digits on both sides, at most 6 after it; no sign, exponent or space) within [min, max]. */
int so_parse_decimal(const char *s, double min, double max, double *out);

/* Writes to PATH.tmp.PID, fsyncs, renames over PATH and fsyncs the directory. */
int so_write_file_atomic(const char *path, const void *data, size_t len);
/* A file written under a temporary name and put in place only when complete:
 * so_atomic_open gives a stream to PATH.tmp.PID; so_atomic_commit flushes, fsyncs, closes and
 * renames it over PATH (0 or -1); so_atomic_abort closes and removes it. */
struct so_atomic {
	FILE *f;
	char *path, *tmp;
};
int so_atomic_open(struct so_atomic *a, const char *path);
int so_atomic_commit(struct so_atomic *a);
void so_atomic_abort(struct so_atomic *a);

/* Reads a whole file of at most max bytes; caller frees *data (NUL-terminated). */
int so_read_file(const char *path, size_t max, char **data, size_t *len);
/* Removes the temporary files (NAME.tmp.PID) that writers killed before their rename left in
 * DIR: those of processes no longer running. Returns how many were removed, or -1. */
int so_remove_stale_tmp(const char *dir);
/* 1 when process PID is there on this host and not a zombie (killed, not yet reaped), else 0. */
int so_pid_alive(long pid);
/* mkdir -p; 0 or -1. */
int so_mkdir_p(const char *path, unsigned mode);
/* The last component of a path (points into path). */
const char *so_basename(const char *path);

/* SHA-256 as 64 lower-case hex digits plus NUL. */
#define SO_SHA256_HEX 65
struct so_sha256 {
	void *ctx;
};
int so_sha256_init(struct so_sha256 *h);
int so_sha256_update(struct so_sha256 *h, const void *data, size_t n);
/* Finishes and releases; hex gets the digest. */
int so_sha256_final(struct so_sha256 *h, char hex[SO_SHA256_HEX]);
void so_sha256_release(struct so_sha256 *h);
int so_sha256_file(const char *path, char hex[SO_SHA256_HEX], uint64_t *size);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
#define SO_TIME_LEN 24
void so_now_iso(char buf[SO_TIME_LEN]);
/* Minutes since the epoch of "YYYY-MM-DDTHH:MM" (UTC, the first 16 bytes of so_now_iso's
 * form); -1 when T is not such a time. */
long long so_iso_minute(const char *t);
/* Seconds since an arbitrary start, monotonic. */
double so_monotonic(void);

/* "host:pid:starttime:ppid:pstarttime" of this process and of its parent (the supervisor of
 * a worker); a claim stored with it can later be checked. */
const char *so_owner_self(void);
/* 1 when the owner string names a process on this host that is still the same process,
 * 0 when it is gone (or the owner is malformed), -1 when it is on another host (unknown). */
int so_owner_alive(const char *owner);
/* The same for the owner's parent process. */
int so_owner_parent_alive(const char *owner);

#endif
