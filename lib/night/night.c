/* A night of many batches: its file and its view across the batches (see night.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/array.h"
#include "base/error.h"
#include "base/ini.h"
#include "base/util.h"
#include "night/night.h"
#include "batch/store.h"
#include "batch/summary.h"
#include "check/records.h"

/* Where a night file's reading stands. */
struct night_reading {
	struct so_night *n;
	char dir[4096];
	enum { NONE, NIGHT, SYNC, BATCH, OTHER } section;
};

static void relative_to(const char *dir, const char *path, char *buf, size_t size)
{
	if (path[0] == '/')
		snprintf(buf, size, "%s", path);
	else
		snprintf(buf, size, "%s/%s", dir, path);
}

static int name_ok(const char *s)
{
	if (!*s || strlen(s) >= sizeof(((struct so_night_batch *)0)->name))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int night_section(const char *name, int line, void *ctx)
{
	struct night_reading *r = ctx;
	struct so_night *n = r->n;
	if (strcmp(name, "night") == 0) {
		r->section = NIGHT;
		return 0;
	}
	if (strcmp(name, "sync") == 0) {
		r->section = SYNC;
		return 0;
	}
	if (strncmp(name, "batch ", 6) != 0) {
		r->section = OTHER;   /* a section of a later version */
		return 0;
	}
	const char *bname = name + 6;
	while (*bname == ' ')
		bname++;
	if (!name_ok(bname))
		return so_error("%s:%d: '%s' is no batch name (letters, digits, '-', '_', '.')",
				n->path, line, bname);
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->batches[i].name, bname) == 0)
			return so_error("%s:%d: the batch '%s' is named twice", n->path, line, bname);
	if (n->n >= SO_NIGHT_BATCHES_MAX)
		return so_error("%s:%d: more than %d batches in a night", n->path, line,
				SO_NIGHT_BATCHES_MAX);
	if (SO_ARRAY_GROW(n->batches, n->n, n->cap) < 0)
		return -1;
	struct so_night_batch *b = &n->batches[n->n++];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", bname);
	r->section = BATCH;
	return 0;
}

static int night_key(const char *key, char *value, int line, void *ctx)
{
	struct night_reading *r = ctx;
	struct so_night *n = r->n;
	switch (r->section) {
	case NIGHT:
		if (strcmp(key, "name") == 0)
			snprintf(n->name, sizeof(n->name), "%s", value);
		else if (strcmp(key, "scratch") == 0)
			snprintf(n->scratch, sizeof(n->scratch), "%s", value);
		else if (strcmp(key, "index") == 0)
			relative_to(r->dir, value, n->index, sizeof(n->index));
		else
			return so_error("%s:%d: unknown key '%s' in [night]", n->path, line, key);
		return 0;
	case SYNC:
		if (strcmp(key, "endpoint") == 0)
			snprintf(n->sync.endpoint, sizeof(n->sync.endpoint), "%s", value);
		else if (strcmp(key, "token_file") == 0)
			relative_to(r->dir, value, n->sync.token_file, sizeof(n->sync.token_file));
		else if (strcmp(key, "cacert") == 0)
			relative_to(r->dir, value, n->sync.cacert, sizeof(n->sync.cacert));
		else if (strcmp(key, "cert") == 0)
			relative_to(r->dir, value, n->sync.cert, sizeof(n->sync.cert));
		else if (strcmp(key, "key") == 0)
			relative_to(r->dir, value, n->sync.key, sizeof(n->sync.key));
		else
			return so_error("%s:%d: unknown key '%s' in [sync]", n->path, line, key);
		return 0;
	case BATCH: {
		struct so_night_batch *b = &n->batches[n->n - 1];
		if (strcmp(key, "dir") == 0)
			relative_to(r->dir, value, b->dir, sizeof(b->dir));
		else if (strcmp(key, "manifest") == 0)
			relative_to(r->dir, value, b->manifest, sizeof(b->manifest));
		else
			return so_error("%s:%d: unknown key '%s' in [batch %s]", n->path, line, key,
					b->name);
		return 0;
	}
	case NONE:
		return so_error("%s:%d: '%s' outside a section", n->path, line, key);
	default:
		return 0;
	}
}

int so_night_read(const char *path, struct so_night *n)
{
	memset(n, 0, sizeof(*n));
	/* absolute, as the paths in it: an engine's script names the file from anywhere */
	char *abs = realpath(path, NULL);
	snprintf(n->path, sizeof(n->path), "%s", abs ? abs : path);
	free(abs);
	struct night_reading r = { .n = n, .section = NONE };
	/* the night's paths are made absolute: the view and its report name them from anywhere */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	char *real = realpath(*dir ? dir : "/", NULL);
	snprintf(r.dir, sizeof(r.dir), "%s", real ? real : dir);
	free(real);
	if (so_ini_read(path, night_section, night_key, &r) < 0)
		return -1;
	if (!n->n)
		return so_error("%s: the night has no [batch NAME] section", path);
	/* every night checks its entries against an index: beside the night file by default */
	if (!n->index[0])
		snprintf(n->index, sizeof(n->index), "%s/entries.db", r.dir);
	for (size_t i = 0; i < n->n; i++) {
		const struct so_night_batch *b = &n->batches[i];
		if (!b->dir[0] || !b->manifest[0])
			return so_error("%s: the batch '%s' needs a dir and a manifest", path, b->name);
	}
	return 0;
}

void so_night_release(struct so_night *n)
{
	SO_FREE(n->batches);
	n->n = n->cap = 0;
}

/* 1 when a sohoa run holds the batch in DIR (its run.lock is locked), else 0. */
static int run_holds(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/run.lock", dir);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return 0;
	int held = flock(f, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(f);
	return held;
}

static json_int_t count(const json_t *o, const char *path)
{
	/* "a.b.c" */
	char key[64];
	const json_t *v = o;
	while (v && *path) {
		size_t k = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)k, path);
		v = json_object_get(v, key);
		path += k + (path[k] == '.');
	}
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void add(json_t *o, const char *key, json_int_t by)
{
	json_object_set_new(o, key, json_integer(count(o, key) + by));
}

/* What the night's end did to the batch of store S, whose summary is SUM: "merged" {at,
 * entries, duplicates: its open DUPLICATE_ENTRY flags, one a record at most} when it merged
 * it, else null. */
static json_t *merged_view(struct so_store *s, const json_t *sum)
{
	char at[SO_TIME_LEN + 8], entries[32];
	if (so_meta_get(s, SO_ENTRY_MERGED_AT_META, at, sizeof(at)) != 1)
		return json_null();
	if (so_meta_get(s, SO_ENTRY_MERGED_META, entries, sizeof(entries)) != 1)
		entries[0] = 0;
	json_int_t dup = 0;
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(json_object_get(sum, "flags"), "by_code"), i, c)
		if (json_is_string(json_object_get(c, "code")) &&
		    strcmp(json_string_value(json_object_get(c, "code")), "DUPLICATE_ENTRY") == 0)
			dup += count(c, "open");
	return json_pack("{s:s, s:I, s:I}", "at", at, "entries", (json_int_t)atoll(entries),
			 "duplicates", dup);
}

/* The part of a batch's view its summary S gives, and its state. */
static void batch_view(json_t *b, json_t *s, int running)
{
	json_t *pages = json_pack("{s:I, s:I, s:I, s:I}", "in", count(s, "pages.in"), "done",
				  count(s, "pages.done"), "failed", count(s, "pages.failed"),
				  "pending", count(s, "pages.pending"));
	json_t *records = json_pack("{s:I, s:O}", "total", count(s, "records.total"),
				    "by_status", json_object_get(json_object_get(s, "records"),
								 "by_status"));
	json_t *rv = json_object_get(s, "review");
	json_t *review = json_pack("{s:I, s:f}", "records", count(s, "review.records"), "hours",
				   json_number_value(json_object_get(rv, "hours")));
	json_t *sync = json_pack("{s:I, s:I, s:I, s:I}", "synced",
				 count(s, "records.by_status.synced"), "queued",
				 count(s, "sync.outbox.queued"), "refused",
				 count(s, "sync.outbox.refused"), "held", count(s, "sync.outbox.held"));
	json_t *failures = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(json_object_get(s, "pages"), "failures"), i, f) {
		if (i >= 5)
			break;
		json_array_append_new(failures, json_pack("{s:O?, s:O?, s:O?}", "file",
			json_object_get(f, "file"), "page", json_object_get(f, "page"), "reason",
			json_object_get(f, "reason")));
	}
	json_int_t pending = count(s, "pages.pending"), failed = count(s, "pages.failed");
	const char *key;
	json_t *st;
	json_object_foreach(json_object_get(s, "stages"), key, st) {
		pending += count(st, "pending") + count(st, "running");
		failed += count(st, "failed");
	}
	const char *state = running ? "running" : pending ? "unfinished" : failed ? "partial"
			  : "done";
	json_object_set_new(b, "state", json_string(state));
	json_object_set_new(b, "pages", pages);
	json_object_set_new(b, "records", records);
	json_object_set_new(b, "review", review);
	json_object_set_new(b, "sync", sync);
	json_object_set_new(b, "failures", failures);
}

json_t *so_night_status(const struct so_night *n)
{
	json_t *out = json_pack("{s:{s:s, s:s, s:I}, s:{}, s:{s:i, s:i, s:i, s:i}, "
				"s:{s:i, s:{}}, s:{s:i, s:f}, s:{s:i, s:i, s:i, s:i}, s:[]}",
		"night", "name", n->name, "file", n->path, "batches", (json_int_t)n->n,
		"tasks", "pages", "in", 0, "done", 0, "failed", 0, "pending", 0,
		"records", "total", 0, "by_status", "review", "records", 0, "hours", 0.0,
		"sync", "synced", 0, "queued", 0, "refused", 0, "held", 0, "batches");
	if (!out) {
		so_error("out of memory");
		return NULL;
	}
	json_t *tasks = json_object_get(out, "tasks"), *list = json_object_get(out, "batches");
	for (size_t i = 0; i < n->n; i++) {
		const struct so_night_batch *nb = &n->batches[i];
		json_t *b = json_pack("{s:s, s:s, s:s, s:n, s:n, s:n}", "name", nb->name, "dir",
				      nb->dir, "manifest", nb->manifest, "message", "report",
				      "merged");
		if (!b || json_array_append_new(list, b) < 0) {
			json_decref(out);
			so_error("out of memory");
			return NULL;
		}
		char db[4200], report[4200];
		snprintf(db, sizeof(db), "%s/batch.db", nb->dir);
		snprintf(report, sizeof(report), "%s/report.html", nb->dir);
		if (access(report, R_OK) == 0)
			json_object_set_new(b, "report", json_string(report));
		struct so_store *s = NULL;
		json_t *sum = NULL;
		if (access(db, F_OK) != 0) {
			json_object_set_new(b, "state", json_string(run_holds(nb->dir) ? "running" :
								    "waiting"));
		} else if (so_store_open_ro(nb->dir, &s) < 0 || !(sum = so_batch_summary(s))) {
			json_object_set_new(b, "state", json_string("unreadable"));
			json_object_set_new(b, "message", json_string(so_errmsg()));
		} else {
			batch_view(b, sum, run_holds(nb->dir));
			json_object_set_new(b, "merged", merged_view(s, sum));
		}
		json_decref(sum);
		so_store_close(s);
		add(tasks, json_string_value(json_object_get(b, "state")), 1);
		static const char *const parts[][2] = {
			{ "pages", "in" }, { "pages", "done" }, { "pages", "failed" },
			{ "pages", "pending" }, { "records", "total" }, { "review", "records" },
			{ "sync", "synced" }, { "sync", "queued" }, { "sync", "refused" },
			{ "sync", "held" },
		};
		for (size_t k = 0; k < SO_ARRAY_SIZE(parts); k++)
			add(json_object_get(out, parts[k][0]), parts[k][1],
			    count(json_object_get(b, parts[k][0]), parts[k][1]));
		json_t *rv = json_object_get(out, "review");
		json_object_set_new(rv, "hours", json_real(json_number_value(json_object_get(rv,
			"hours")) + json_number_value(json_object_get(json_object_get(b, "review"),
									  "hours"))));
		json_t *by = json_object_get(json_object_get(out, "records"), "by_status");
		const char *st;
		json_t *v;
		json_object_foreach(json_object_get(json_object_get(b, "records"), "by_status"), st, v)
			add(by, st, json_integer_value(v));
	}
	return out;
}
