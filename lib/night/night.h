/*
 * A night of many batches (`sohoa cluster`): the night file — an INI file with a "[night]"
 * section (name, scratch: the node-local directory a task copies its batch into, index: the
 * cross-batch index of entries, by default entries.db beside the night file), a "[sync]" section as a manifest's, and one "[batch NAME]"
 * section per batch (dir: the batch directory, manifest: its scans' manifest; paths relative
 * to the night file) — and the night's view across its batches, made from each batch's
 * summary (summary.h).
 */
#ifndef SO_NIGHT_H
#define SO_NIGHT_H

#include <jansson.h>
#include <stddef.h>

#include "batch/manifest.h"

#define SO_NIGHT_BATCHES_MAX 100000

struct so_night_batch {
	char name[128];
	char dir[4096];
	char manifest[4096];
};

struct so_night {
	char path[4096];          /* the night file */
	char name[128];
	char scratch[4096];
	char index[4096];
	struct so_sync_settings sync;
	struct so_night_batch *batches;
	size_t n, cap;
};

/* Reads the night file PATH into *N (released with so_night_release). Every batch needs a
 * name (letters, digits, '-', '_', '.'), given once, a dir and a manifest. 0, or -1 with the
 * error set (naming the file and line, or the batch). */
int so_night_read(const char *path, struct so_night *n);
void so_night_release(struct so_night *n);

/* The night's view: {"night": {"name", "file", "batches"}, "tasks": {STATE: count},
 * "pages": {"in", "done", "failed", "pending"}, "records": {"total", "by_status": {…}},
 * "review": {"records", "hours"}, "sync": {"synced", "queued", "refused", "held"},
 * "batches": [{"name", "dir", "state", "message", "report" (its report.html, or null),
 * "pages", "records", "review", "sync", "failures": [{"file", "page", "reason"}, …]}, …]}.
 * A batch's state: "waiting" (no store yet), "running" (a sohoa run holds it), "done" (nothing
 * pending), "partial" (pages or units failed, recorded), "unfinished" (work left and no run
 * on it), "unreadable" (its store cannot be read: the message says why). NULL with the error
 * set when out of memory. */
json_t *so_night_status(const struct so_night *n);

#endif
