/* Book specs and the manifest reader (see manifest.h). */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/ini.h"
#include "base/util.h"
#include "batch/manifest.h"
#include "register/layout.h"

/* The keys of a book as the operator writes them: the option "--year", the manifest's "year". */
static const char *const key_names[] = {
	[SO_BOOKSPEC_YEAR] = "year",
	[SO_BOOKSPEC_VOLUME] = "volume",
	[SO_BOOKSPEC_AUTHORITY] = "authority",
	[SO_BOOKSPEC_LAYOUT] = "layout",
	[SO_BOOKSPEC_FILE] = NULL,
};

/* Records the reason the input is wrong; returns SO_BOOKSPEC_WRONG. */
static int wrong(const char *fmt, ...) SO_PRINTF(1, 2);
static int wrong(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	so_error("%s", msg);
	return SO_BOOKSPEC_WRONG;
}

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

/* Appends an empty book (no type yet) to B. 0 or SO_BOOKSPEC_NOMEM. */
static int book_open(struct so_bookspecs *b)
{
	if (SO_ARRAY_GROW(b->v, b->n, b->cap) < 0)
		return SO_BOOKSPEC_NOMEM;
	memset(&b->v[b->n++], 0, sizeof(b->v[0]));
	return 0;
}

int so_bookspecs_add(struct so_bookspecs *b, const char *type)
{
	if (!so_book_type_valid(type))
		return wrong("unknown book type '%s' (birth, marriage, death, parentage)", type);
	if (book_open(b) < 0)
		return SO_BOOKSPEC_NOMEM;
	snprintf(b->v[b->n - 1].type, sizeof(b->v[0].type), "%s", type);
	return 0;
}

int so_bookspecs_set(struct so_bookspecs *b, enum so_bookspec_key key, const char *value)
{
	struct so_bookspec *cur = b->n ? &b->v[b->n - 1] : NULL;
	if (!cur) {
		if (key == SO_BOOKSPEC_FILE)
			return wrong("scan file '%s' given before any --book-type", value);
		return wrong("--%s given before any --book-type", key_names[key]);
	}
	switch (key) {
	case SO_BOOKSPEC_YEAR:
		if (so_parse_long(value, 1900, 2200, &cur->year) < 0)
			return wrong("invalid value for --year: %s", so_errmsg());
		return 0;
	case SO_BOOKSPEC_VOLUME:
		if (!text_ok(value, sizeof(cur->volume), 0))
			return wrong("invalid --volume '%s': 1 to %zu characters, no '/'", value,
				     sizeof(cur->volume) - 1);
		snprintf(cur->volume, sizeof(cur->volume), "%s", value);
		return 0;
	case SO_BOOKSPEC_AUTHORITY:
		if (!text_ok(value, 9, 1))
			return wrong("invalid --authority '%s': the unit code of the registering "
				     "authority, digits only (e.g. 26740)", value);
		snprintf(cur->authority, sizeof(cur->authority), "%s", value);
		return 0;
	case SO_BOOKSPEC_LAYOUT:
		snprintf(cur->layout, sizeof(cur->layout), "%s", value);
		return 0;
	case SO_BOOKSPEC_FILE:
		if (SO_ARRAY_GROW(cur->files, cur->nfiles, cur->files_cap) < 0 ||
		    !(cur->files[cur->nfiles] = so_strdup(value)))
			return SO_BOOKSPEC_NOMEM;
		cur->nfiles++;
		return 0;
	}
	return wrong("unknown book spec key %d", (int)key);
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
			int r = so_bookspecs_set(b, SO_BOOKSPEC_FILE, full);
			if (r < 0)
				return r;
			continue;
		}
		glob_t g;
		int rc = glob(full, 0, NULL, &g);
		if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
			globfree(&g);
			return wrong("%s:%d: no file matches '%s'", path, line, w);
		}
		if (rc != 0) {
			globfree(&g);
			return wrong("%s:%d: cannot expand '%s'", path, line, w);
		}
		for (size_t i = 0; i < g.gl_pathc; i++) {
			int r = so_bookspecs_set(b, SO_BOOKSPEC_FILE, g.gl_pathv[i]);
			if (r < 0) {
				globfree(&g);
				return r;
			}
		}
		globfree(&g);
	}
	return 0;
}

/* A "key = value" line of a [book] section, for the last book of B. */
static int manifest_book_key(struct so_bookspecs *b, const char *dir, const char *key,
			     char *value, const char *path, int line)
{
	struct so_bookspec *cur = &b->v[b->n - 1];
	if (strcmp(key, "type") == 0) {
		if (!so_book_type_valid(value))
			return wrong("%s:%d: unknown book type '%s' (birth, marriage, death, "
				     "parentage)", path, line, value);
		snprintf(cur->type, sizeof(cur->type), "%s", value);
		return 0;
	}
	if (strcmp(key, "files") == 0)
		return manifest_files(b, dir, value, path, line);
	for (int k = SO_BOOKSPEC_YEAR; k <= SO_BOOKSPEC_LAYOUT; k++)
		if (strcmp(key, key_names[k]) == 0)
			return so_bookspecs_set(b, (enum so_bookspec_key)k, value);
	return wrong("%s:%d: unknown key '%s' in a book", path, line, key);
}

/* A "key = value" line of the [sync] section, into SYNC when not NULL. */
static int manifest_sync_key(struct so_sync_settings *sync, const char *dir, const char *key,
			     const char *value, const char *path, int line)
{
	static const struct {
		const char *key;
		size_t offset, size;
		int is_path;      /* relative to the manifest */
	} keys[] = {
		{ "endpoint", offsetof(struct so_sync_settings, endpoint),
		  sizeof(((struct so_sync_settings *)0)->endpoint), 0 },
		{ "token_file", offsetof(struct so_sync_settings, token_file),
		  sizeof(((struct so_sync_settings *)0)->token_file), 1 },
		{ "cacert", offsetof(struct so_sync_settings, cacert),
		  sizeof(((struct so_sync_settings *)0)->cacert), 1 },
		{ "cert", offsetof(struct so_sync_settings, cert),
		  sizeof(((struct so_sync_settings *)0)->cert), 1 },
		{ "key", offsetof(struct so_sync_settings, key),
		  sizeof(((struct so_sync_settings *)0)->key), 1 },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		if (!sync)
			return 0;
		char *dest = (char *)sync + keys[i].offset;
		if (keys[i].is_path)
			relative_to(dir, value, dest, keys[i].size);
		else
			snprintf(dest, keys[i].size, "%s", value);
		return 0;
	}
	return wrong("%s:%d: unknown key '%s' in [sync]", path, line, key);
}

/* Where a manifest's reading stands. */
struct manifest_reading {
	const char *path;
	char dir[4096];
	struct so_bookspecs *b;
	struct so_sync_settings *sync;
	enum { NONE, BOOK, SYNC, OTHER } section;
};

static int manifest_section(const char *name, int line, void *ctx)
{
	(void)line;
	struct manifest_reading *m = ctx;
	if (strncmp(name, "book", 4) == 0 && (name[4] == '\0' || name[4] == ' ')) {
		m->section = BOOK;
		/* a book without a type yet: the type line opens the spec */
		return book_open(m->b);
	}
	/* sections of later versions are left alone */
	m->section = strcmp(name, "sync") == 0 ? SYNC : OTHER;
	return 0;
}

static int manifest_key(const char *key, char *value, int line, void *ctx)
{
	struct manifest_reading *m = ctx;
	if (m->section == BOOK)
		return manifest_book_key(m->b, m->dir, key, value, m->path, line);
	if (m->section == SYNC)
		return manifest_sync_key(m->sync, m->dir, key, value, m->path, line);
	if (m->section == NONE)
		return wrong("%s:%d: '%s' outside a section", m->path, line, key);
	return 0;
}

int so_manifest_read(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync)
{
	struct manifest_reading m = { .path = path, .b = b, .sync = sync, .section = NONE };
	snprintf(m.dir, sizeof(m.dir), "%s", path);
	char *slash = strrchr(m.dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(m.dir, sizeof(m.dir), ".");
	size_t first = b->n;
	if (access(path, R_OK) != 0)
		return wrong("cannot read the manifest '%s': %s", path, strerror(errno));
	int r = so_ini_read(path, manifest_section, manifest_key, &m);
	for (size_t i = first; r == 0 && i < b->n; i++)
		if (!b->v[i].type[0])
			r = wrong("%s: book %zu has no type", path, i - first + 1);
	return r;
}

int so_bookspecs_finish(struct so_bookspecs *b)
{
	if (b->n == 0)
		return wrong("no book given (--book-type ... FILE.tif)");
	for (size_t i = 0; i < b->n; i++) {
		struct so_bookspec *s = &b->v[i];
		const char *missing = !s->year ? "--year" : !s->volume[0] ? "--volume"
				    : !s->authority[0] ? "--authority" : NULL;
		if (missing)
			return wrong("book %zu (%s) lacks %s", i + 1, s->type, missing);
		if (s->nfiles == 0)
			return wrong("book %zu (%s %ld/%s) has no scan file", i + 1, s->type, s->year,
				     s->volume);
		if (!s->layout[0])
			snprintf(s->layout, sizeof(s->layout), "%s", so_layout_default(s->type));
		struct so_layout *l = NULL;
		if (so_layout_load(s->layout, &l) < 0)
			return wrong("book %zu: %s", i + 1, so_errmsg());
		int match = strcmp(l->book_type, s->type) == 0;
		so_layout_free(l);
		if (!match)
			return wrong("book %zu: layout '%s' is not for %s books", i + 1, s->layout,
				     s->type);
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
