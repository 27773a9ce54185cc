/* The batch store (see store.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/util.h"
#include "batch/store.h"
#include "config.h"

#define STORE_BUSY_MS 60000
#define STMT_CACHE 128

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct so_store {
	sqlite3 *db;
	char *dir;
	char *path;
	struct stmt_slot cache[STMT_CACHE];
	int ncache;
};

int so_store_error(struct so_store *s, const char *what)
{
	return so_error("%s: %s", what, s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

const char *so_store_dir(const struct so_store *s)
{
	return s->dir;
}

sqlite3 *so_store_db(struct so_store *s)
{
	return s->db;
}

sqlite3_stmt *so_store_stmt(struct so_store *s, const char *sql)
{
	for (int i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		so_store_error(s, "cannot prepare a statement");
		return NULL;
	}
	if (s->ncache < STMT_CACHE) {
		s->cache[s->ncache].sql = sql;
		s->cache[s->ncache].st = st;
		s->ncache++;
	} else {
		/* the cache is sized for every statement of the library; never evict silently */
		sqlite3_finalize(st);
		so_error("statement cache is full");
		return NULL;
	}
	return st;
}

int so_store_step(struct so_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	so_store_error(s, what);
	sqlite3_reset(st);
	return -1;
}

int so_store_stop(sqlite3_stmt *st, int v)
{
	sqlite3_reset(st);
	return v < 0 ? -1 : 0;
}

int64_t so_store_changes(struct so_store *s)
{
	return sqlite3_changes64(s->db);
}

/* The id of the last row inserted. */
static int64_t store_last_id(struct so_store *s)
{
	return sqlite3_last_insert_rowid(s->db);
}

int so_store_step_done(struct so_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		so_store_error(s, "database write failed");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

static int exec(struct so_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		so_error("%s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int so_store_begin(struct so_store *s)
{
	if (exec(s, "BEGIN IMMEDIATE") < 0)
		return so_error_context("cannot start a transaction on '%s'", s->path);
	return 0;
}

int so_store_commit(struct so_store *s)
{
	if (exec(s, "COMMIT") < 0) {
		so_error_context("cannot commit to '%s'", s->path);
		so_store_rollback(s);
		return -1;
	}
	return 0;
}

void so_store_rollback(struct so_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Migrations --------------------------------------------------------------------------------- */

/* The number of a migration file name "migrations/0007-…sql", or 0. */
static int migration_number(const char *name)
{
	if (strncmp(name, "migrations/", 11) != 0)
		return 0;
	const char *p = name + 11;
	int n = 0;
	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		n = n * 10 + (p[i] - '0');
	}
	return p[4] == '-' ? n : 0;
}

static const struct so_embedded *migration(int number)
{
	for (size_t i = 0; i < so_embedded_count; i++)
		if (migration_number(so_embedded_files[i].name) == number)
			return &so_embedded_files[i];
	return NULL;
}

int so_store_schema_latest(void)
{
	int latest = 0;
	while (migration(latest + 1))
		latest++;
	return latest;
}

int so_store_schema_version(struct so_store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v < 0)
		so_store_error(s, "cannot read the schema version");
	return v;
}

/* The first page number a quick_check message names ("On tree page 39 cell 43: ...",
 * "Tree 19 page 42 ...", "Fragmentation of ... on page 39"), 0 when it names none. */
static long damaged_page(const char *msg)
{
	long page = 0;
	for (const char *p = msg; (p = strcasestr(p, "page ")) != NULL; p += 5)
		if (sscanf(p + 5, "%ld", &page) == 1)
			return page;
	return 0;
}

/* The table page PAGE belongs to (the table of an index), from the dbstat table when SQLite has it, else
 * when PAGE is a tree's root; "" when it cannot be told. */
static void page_owner(struct so_store *s, long page, char *buf, size_t size)
{
	static const char *const sql[] = {
		"SELECT tbl_name FROM sqlite_schema WHERE name = "
		"(SELECT name FROM dbstat WHERE pageno = ?1)",
		"SELECT tbl_name FROM sqlite_schema WHERE rootpage = ?1",
	};
	buf[0] = 0;
	for (size_t i = 0; i < SO_ARRAY_SIZE(sql) && !buf[0] && page > 0; i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, page);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
	}
}

int so_store_check_intact(struct so_store *s)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(100)", -1, &st, NULL) != SQLITE_OK)
		return so_store_error(s, "cannot check the batch store");
	char first[512] = "";
	int problems = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		if (!m || strcmp(m, "ok") == 0)
			continue;
		if (!problems++)
			snprintf(first, sizeof(first), "%s", m);
	}
	if (rc != SQLITE_DONE && !problems) {
		/* damage bad enough that the check itself stops */
		snprintf(first, sizeof(first), "%s", sqlite3_errmsg(s->db));
		problems = 1;
	}
	sqlite3_finalize(st);
	if (!problems)
		return 0;
	/* the first line of SQLite's report may be a heading ("*** in database main ***") */
	char *text = first;
	if (strncmp(text, "*** in database ", 16) == 0) {
		char *nl = strchr(text, '\n');
		text = nl ? nl + 1 : text;
	}
	text[strcspn(text, "\n")] = 0;
	long page = damaged_page(text);
	int skip = 0;
	if (sscanf(text, "Page %*d: %n", &skip) == 0 && skip > 0)
		text += skip; /* the page is named below */
	char owner[128];
	page_owner(s, page, owner, sizeof(owner));
	char where[200] = "";
	if (owner[0])
		snprintf(where, sizeof(where), " in table '%s' (page %ld)", owner, page);
	else if (page > 0)
		snprintf(where, sizeof(where), " at page %ld", page);
	return so_error("the batch store %s is damaged%s: %s (%s%d problem%s found); restore "
			"batch.db from a backup, or run the batch again", s->path, where, text,
			problems >= 100 ? "at least " : "", problems, problems == 1 ? "" : "s");
}

static int migrate(struct so_store *s)
{
	int latest = so_store_schema_latest();
	int v = so_store_schema_version(s);
	if (v < 0)
		return -1;
	if (v > latest)
		return so_error("batch store '%s' has schema version %d, newer than this sohoa "
				"(%s) understands (%d): use a newer sohoa", s->path, v, SO_VERSION,
				latest);
	while (v < latest) {
		if (so_store_begin(s) < 0)
			return -1;
		/* another process may have migrated while we waited for the lock */
		v = so_store_schema_version(s);
		if (v < 0 || v >= latest) {
			so_store_rollback(s);
			return v < 0 ? -1 : 0;
		}
		const struct so_embedded *m = migration(v + 1);
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (exec(s, (const char *)m->data) < 0 || exec(s, pragma) < 0) {
			so_error_context("cannot apply %s to '%s'", m->name, s->path);
			so_store_rollback(s);
			return -1;
		}
		if (so_store_commit(s) < 0)
			return -1;
		v++;
	}
	return 0;
}

/* Opening ------------------------------------------------------------------------------------ */

/* Every batch gets an identity when it is made (for indexes shared between batches). */
static int batch_identity(struct so_store *s)
{
	char id[40];
	int got = so_meta_get(s, "batch_id", id, sizeof(id));
	if (got != 0)
		return got < 0 ? -1 : 0;
	unsigned char raw[8] = { 0 };
	FILE *f = fopen("/dev/urandom", "rb");
	size_t n = f ? fread(raw, 1, sizeof(raw), f) : 0;
	if (f)
		fclose(f);
	if (n != sizeof(raw))
		return so_error("cannot read /dev/urandom for the batch's identity");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	/* INSERT OR IGNORE: two processes making the store at once keep the first identity */
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO batch_meta (key, value) VALUES "
					    "('batch_id', ?1) ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return so_store_step_done(s, st);
}

/* A store for DIR/batch.db, not connected; with MUST_EXIST, NULL (error set) when there is
 * no batch.db. NULL with the error set on no memory too. */
static struct so_store *store_new(const char *dir, int must_exist)
{
	struct so_store *s = so_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->dir = so_strdup(dir);
	s->path = so_asprintf("%s/batch.db", dir);
	struct stat st;
	if (!s->dir || !s->path) {
		so_store_close(s);
		return NULL;
	}
	if (must_exist && stat(s->path, &st) < 0) {
		so_error("no batch at '%s' (no batch.db): run 'sohoa scan' first", dir);
		so_store_close(s);
		return NULL;
	}
	return s;
}

/* Connects S to NAME (its path, or a URI with SQLITE_OPEN_URI) with FLAGS. 0, or -1 with the
 * error set (WHAT: what could not be done). */
static int store_connect(struct so_store *s, const char *name, int flags, const char *what)
{
	if (sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		so_store_error(s, what);
		so_error_context("'%s'", s->path);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 1);
	return 0;
}

int so_store_open(const char *dir, int create, struct so_store **out)
{
	*out = NULL;
	struct so_store *s = store_new(dir, !create);
	if (!s)
		return -1;
	if ((create && so_mkdir_p(dir, 0755) < 0) ||
	    store_connect(s, s->path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
			  "cannot open the batch store") < 0)
		goto error;
	if (exec(s, "PRAGMA journal_mode = WAL") < 0 ||
	    exec(s, "PRAGMA synchronous = FULL") < 0 ||
	    exec(s, "PRAGMA foreign_keys = ON") < 0 ||
	    exec(s, "PRAGMA cache_size = -8192") < 0) {
		so_error_context("cannot set up the batch store '%s'", s->path);
		goto error;
	}
	if (migrate(s) < 0 || batch_identity(s) < 0)
		goto error;
	*out = s;
	return 0;
error:
	so_store_close(s);
	return -1;
}

/* PATH as an SQLite URI's path: the characters a URI gives a meaning to escaped. */
static char *uri_path(const char *path)
{
	size_t n = strlen(path);
	char *out = so_malloc(3 * n + 1), *o = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20)
			o += sprintf(o, "%%%02X", *p);
		else
			*o++ = (char)*p;
	}
	*o = 0;
	return out;
}

int so_store_open_ro(const char *dir, struct so_store **out)
{
	*out = NULL;
	struct so_store *s = store_new(dir, 1);
	if (!s)
		return -1;
	char *wal = so_asprintf("%s-wal", s->path), *upath = uri_path(s->path), *uri = NULL;
	if (!wal || !upath)
		goto error;
	/* A store with a write-ahead log is open (or was left open) by a writer: its last
	 * transactions are in the log, read through SQLite's shared memory as any reader does.
	 * Without one the file is the whole store, and nothing writes it in place: a batch put
	 * back by a task replaces the directory whole. Opened immutable, no lock, journal or
	 * shared-memory file is made beside it. */
	struct stat st;
	int live = stat(wal, &st) == 0 && st.st_size > 0;
	uri = so_asprintf("file:%s?%s", upath, live ? "mode=ro" : "immutable=1");
	if (!uri || store_connect(s, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
				  "cannot open the batch store to read") < 0)
		goto error;
	int v = so_store_schema_version(s), latest = so_store_schema_latest();
	if (v < 0)
		goto error;
	if (v != latest) {
		so_error("batch store '%s' has schema version %d, this sohoa (%s) reads %d: %s", s->path,
			 v, SO_VERSION, latest, v > latest ? "use a newer sohoa" :
			 "a stage of this sohoa run on the batch brings it up to date");
		goto error;
	}
	free(wal);
	free(upath);
	free(uri);
	*out = s;
	return 0;
error:
	free(wal);
	free(upath);
	free(uri);
	so_store_close(s);
	return -1;
}

void so_store_close(struct so_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	if (s->db)
		sqlite3_close(s->db);
	free(s->dir);
	free(s->path);
	free(s);
}

/* Binding and reading helpers ---------------------------------------------------------------- */

void so_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void so_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	so_bind_text(st, i, v && *v ? v : NULL);
}

void so_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

void so_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

void so_bind_real(sqlite3_stmt *st, int i, double v)
{
	sqlite3_bind_double(st, i, v);
}

void so_bind_conf(sqlite3_stmt *st, int i, double confidence)
{
	if (confidence >= 0)
		sqlite3_bind_double(st, i, confidence);
	else
		sqlite3_bind_null(st, i);
}

void so_bind_now(sqlite3_stmt *st, int i)
{
	char now[SO_TIME_LEN];
	so_now_iso(now);
	sqlite3_bind_text(st, i, now, -1, SQLITE_TRANSIENT);
}

void so_bind_box(sqlite3_stmt *st, int first, const struct so_bbox *b)
{
	for (int i = 0; i < 4; i++) {
		if (b) {
			int v = i == 0 ? b->x0 : i == 1 ? b->y0 : i == 2 ? b->x1 : b->y1;
			sqlite3_bind_int(st, first + i, v);
		} else {
			sqlite3_bind_null(st, first + i);
		}
	}
}

void so_column_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

const char *so_column_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

char *so_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? so_strdup((const char *)t) : NULL;
}

/* Steps a bound statement expected to give at most one row; FILL copies it into OUT.
 * Returns 1 with the row copied, 0 for no row, -1 (error set, naming WHAT) on failure. */
static int fetch_row(struct so_store *s, sqlite3_stmt *st, void (*fill)(sqlite3_stmt *, void *),
		     void *out, const char *what)
{
	char msg[96];
	snprintf(msg, sizeof(msg), "cannot read %s", what);
	int r = so_store_step(s, st, msg);
	if (r == 1) {
		fill(st, out);
		sqlite3_reset(st);
	}
	return r;
}

/* A fetched row that must exist: 0, or -1 with "no WHAT ID". */
static int must_exist(int fetched, const char *what, int64_t id)
{
	if (fetched == 0)
		return so_error("no %s %lld", what, (long long)id);
	return fetched < 0 ? -1 : 0;
}

struct text_out {
	char *buf;
	size_t size;
};

static void fill_text(sqlite3_stmt *st, void *out)
{
	struct text_out *t = out;
	so_column_copy(st, 0, t->buf, t->size);
}

/* Meta --------------------------------------------------------------------------------------- */

int so_meta_set(struct so_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO batch_meta (key, value) VALUES (?1, ?2) "
					    "ON CONFLICT (key) DO UPDATE SET value = ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, key);
	so_bind_text(st, 2, value);
	return so_store_step_done(s, st);
}

int so_meta_get(struct so_store *s, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT value FROM batch_meta WHERE key = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, key);
	struct text_out out = { buf, size };
	return fetch_row(s, st, fill_text, &out, "batch metadata");
}

/* Books -------------------------------------------------------------------------------------- */

void so_book_describe(const struct so_book *b, char *buf, size_t size)
{
	snprintf(buf, size, "%s %d/%s (%s)", b->type, b->year, b->volume, b->authority_code);
}

static void book_from_row(sqlite3_stmt *st, void *out)
{
	struct so_book *b = out;
	b->id = sqlite3_column_int64(st, 0);
	so_column_copy(st, 1, b->type, sizeof(b->type));
	b->year = sqlite3_column_int(st, 2);
	so_column_copy(st, 3, b->volume, sizeof(b->volume));
	so_column_copy(st, 4, b->authority_code, sizeof(b->authority_code));
	so_column_copy(st, 5, b->layout, sizeof(b->layout));
}

#define BOOK_COLS "id, type, year, volume, authority_code, layout"

int so_book_register(struct so_store *s, struct so_book *b)
{
	char desc[128];
	so_book_describe(b, desc, sizeof(desc));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " BOOK_COLS " FROM books WHERE type = ?1 AND "
					    "year = ?2 AND volume = ?3 AND authority_code = ?4");
	if (!st)
		return -1;
	so_bind_text(st, 1, b->type);
	so_bind_int(st, 2, b->year);
	so_bind_text(st, 3, b->volume);
	so_bind_text(st, 4, b->authority_code);
	struct so_book found;
	int got = fetch_row(s, st, book_from_row, &found, "a book");
	if (got < 0)
		return -1;
	if (got) {
		if (strcmp(found.layout, b->layout) != 0)
			return so_error("book %s is registered with layout '%s', not '%s'", desc,
					found.layout, b->layout);
		b->id = found.id;
		return 0;
	}
	st = so_store_stmt(s, "INSERT INTO books (type, year, volume, authority_code, layout, "
			      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return -1;
	so_bind_text(st, 1, b->type);
	so_bind_int(st, 2, b->year);
	so_bind_text(st, 3, b->volume);
	so_bind_text(st, 4, b->authority_code);
	so_bind_text(st, 5, b->layout);
	so_bind_now(st, 6);
	if (so_store_step_done(s, st) < 0)
		return so_error_context("cannot add book %s", desc);
	b->id = store_last_id(s);
	return 0;
}

int so_book_get(struct so_store *s, int64_t id, struct so_book *b)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " BOOK_COLS " FROM books WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return must_exist(fetch_row(s, st, book_from_row, b, "a book"), "book", id);
}

/* Scan files --------------------------------------------------------------------------------- */

#define FILE_COLS "id, book_id, path, name, size, sha256, page_count, duplicate_of"

static void file_from_row(sqlite3_stmt *st, void *out)
{
	struct so_scan_file *f = out;
	f->id = sqlite3_column_int64(st, 0);
	f->book_id = sqlite3_column_int64(st, 1);
	so_column_copy(st, 2, f->path, sizeof(f->path));
	so_column_copy(st, 3, f->name, sizeof(f->name));
	f->size = sqlite3_column_int64(st, 4);
	so_column_copy(st, 5, f->sha256, sizeof(f->sha256));
	f->page_count = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
	f->duplicate_of = sqlite3_column_int64(st, 7);
}

int so_scan_file_register(struct so_store *s, struct so_scan_file *f)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " FILE_COLS " FROM scan_files "
					    "WHERE book_id = ?1 AND path = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, f->book_id);
	so_bind_text(st, 2, f->path);
	struct so_scan_file old;
	int got = fetch_row(s, st, file_from_row, &old, "a scan file");
	if (got < 0)
		return -1;
	if (got) {
		if (old.sha256[0] && f->sha256[0] && strcmp(old.sha256, f->sha256) != 0)
			return so_error("scan file '%s' has changed since it was registered "
					"(checksum differs): give the new scan another name", f->path);
		*f = old;
		return 0;
	}
	/* the same content under another path or book is a duplicate */
	f->duplicate_of = 0;
	if (f->sha256[0]) {
		st = so_store_stmt(s, "SELECT id FROM scan_files WHERE sha256 = ?1 AND "
				      "duplicate_of IS NULL ORDER BY id LIMIT 1");
		if (!st)
			return -1;
		so_bind_text(st, 1, f->sha256);
		int r = so_store_step(s, st, "cannot look up a scan file");
		if (r < 0)
			return -1;
		if (r == 1) {
			f->duplicate_of = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
	}
	st = so_store_stmt(s, "INSERT INTO scan_files (book_id, path, name, size, sha256, "
			      "page_count, duplicate_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			      "?7, ?8)");
	if (!st)
		return -1;
	so_bind_int(st, 1, f->book_id);
	so_bind_text(st, 2, f->path);
	so_bind_text(st, 3, f->name);
	so_bind_int(st, 4, f->size);
	so_bind_opt(st, 5, f->sha256);
	if (f->page_count >= 0)
		so_bind_int(st, 6, f->page_count);
	else
		sqlite3_bind_null(st, 6);
	so_bind_id(st, 7, f->duplicate_of);
	so_bind_now(st, 8);
	if (so_store_step_done(s, st) < 0)
		return so_error_context("cannot add scan file '%s'", f->path);
	f->id = store_last_id(s);
	return 0;
}

int so_scan_file_get(struct so_store *s, int64_t id, struct so_scan_file *f)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " FILE_COLS " FROM scan_files WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return must_exist(fetch_row(s, st, file_from_row, f, "a scan file"), "scan file", id);
}

int so_scan_file_set_page_count(struct so_store *s, int64_t id, int count)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE scan_files SET page_count = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_int(st, 2, count);
	return so_store_step_done(s, st);
}

/* Pages -------------------------------------------------------------------------------------- */

#define PAGE_COLS "id, scan_file_id, page_index, sha256, width, height, dpi, dpi_source, bits, " \
		  "color, compression, orientation, orientation_conf, skew, skew_conf, ink, " \
		  "state, reason, image, duplicate_of"

static void page_from_row(sqlite3_stmt *st, void *out)
{
	struct so_page *p = out;
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->scan_file_id = sqlite3_column_int64(st, 1);
	p->page_index = sqlite3_column_int(st, 2);
	so_column_copy(st, 3, p->sha256, sizeof(p->sha256));
	p->width = sqlite3_column_int(st, 4);
	p->height = sqlite3_column_int(st, 5);
	p->dpi = sqlite3_column_int(st, 6);
	so_column_copy(st, 7, p->dpi_source, sizeof(p->dpi_source));
	p->bits = sqlite3_column_int(st, 8);
	so_column_copy(st, 9, p->color, sizeof(p->color));
	so_column_copy(st, 10, p->compression, sizeof(p->compression));
	p->orientation = sqlite3_column_int(st, 11);
	p->orientation_conf = sqlite3_column_double(st, 12);
	p->skew = sqlite3_column_double(st, 13);
	p->skew_conf = sqlite3_column_double(st, 14);
	p->ink = sqlite3_column_double(st, 15);
	so_column_copy(st, 16, p->state, sizeof(p->state));
	so_column_copy(st, 17, p->reason, sizeof(p->reason));
	so_column_copy(st, 18, p->image, sizeof(p->image));
	p->duplicate_of = sqlite3_column_int64(st, 19);
}

int so_page_find(struct so_store *s, int64_t scan_file_id, int page_index, struct so_page *p)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " PAGE_COLS " FROM pages "
					    "WHERE scan_file_id = ?1 AND page_index = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, scan_file_id);
	so_bind_int(st, 2, page_index);
	return fetch_row(s, st, page_from_row, p, "a page");
}

int so_page_get(struct so_store *s, int64_t id, struct so_page *p)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT " PAGE_COLS " FROM pages WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return must_exist(fetch_row(s, st, page_from_row, p, "a page"), "page", id);
}

int64_t so_page_find_sha256(struct so_store *s, const char *sha256)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT id FROM pages WHERE sha256 = ?1 AND "
					    "state <> 'duplicate' ORDER BY id LIMIT 1");
	if (!st)
		return -1;
	so_bind_text(st, 1, sha256);
	int r = so_store_step(s, st, "cannot look up a page checksum");
	if (r < 0)
		return -1;
	int64_t id = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

int so_page_put(struct so_store *s, struct so_page *p)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO pages (scan_file_id, page_index, sha256, width, height, dpi, dpi_source, "
		"bits, color, compression, orientation, orientation_conf, skew, skew_conf, ink, state, "
		"reason, image, duplicate_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) "
		"ON CONFLICT (scan_file_id, page_index) DO UPDATE SET sha256 = ?3, width = ?4, "
		"height = ?5, dpi = ?6, dpi_source = ?7, bits = ?8, color = ?9, compression = ?10, "
		"orientation = ?11, orientation_conf = ?12, skew = ?13, skew_conf = ?14, ink = ?15, "
		"state = ?16, reason = ?17, image = ?18, duplicate_of = ?19 RETURNING id");
	if (!st)
		return -1;
	so_bind_int(st, 1, p->scan_file_id);
	so_bind_int(st, 2, p->page_index);
	so_bind_opt(st, 3, p->sha256);
	so_bind_int(st, 4, p->width);
	so_bind_int(st, 5, p->height);
	so_bind_int(st, 6, p->dpi);
	so_bind_opt(st, 7, p->dpi_source);
	so_bind_int(st, 8, p->bits);
	so_bind_opt(st, 9, p->color);
	so_bind_opt(st, 10, p->compression);
	so_bind_int(st, 11, p->orientation);
	so_bind_real(st, 12, p->orientation_conf);
	so_bind_real(st, 13, p->skew);
	so_bind_real(st, 14, p->skew_conf);
	so_bind_real(st, 15, p->ink);
	so_bind_text(st, 16, p->state);
	so_bind_opt(st, 17, p->reason);
	so_bind_opt(st, 18, p->image);
	so_bind_id(st, 19, p->duplicate_of);
	so_bind_now(st, 20);
	int r = so_store_step(s, st, "cannot store a page");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot store a page") : -1;
	p->id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int so_page_counts(struct so_store *s, struct so_page_counts *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT state, count(*) FROM pages GROUP BY state");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot count pages")) == 1) {
		const char *state = so_column_text(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		c->total += n;
		if (strcmp(state, "prepared") == 0)
			c->prepared = n;
		else if (strcmp(state, "blank") == 0)
			c->blank = n;
		else if (strcmp(state, "rejected") == 0)
			c->rejected = n;
		else if (strcmp(state, "failed") == 0)
			c->failed = n;
		else if (strcmp(state, "duplicate") == 0)
			c->duplicate = n;
	}
	return r;
}

/* Page layout evidence ------------------------------------------------------------------------ */

int so_page_layout_put(struct so_store *s, int64_t page_id, const struct so_page_layout *pl)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO page_layout (page_id, index_read, index_cells, index_poor, header, "
		"header_poor, doubt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		"ON CONFLICT (page_id) DO UPDATE SET index_read = ?2, index_cells = ?3, "
		"index_poor = ?4, header = ?5, header_poor = ?6, doubt = ?7");
	if (!st)
		return -1;
	so_bind_int(st, 1, page_id);
	so_bind_int(st, 2, pl->index_read);
	so_bind_int(st, 3, pl->index_cells);
	so_bind_int(st, 4, pl->index_poor != 0);
	so_bind_real(st, 5, pl->header);
	so_bind_int(st, 6, pl->header_poor != 0);
	so_bind_opt(st, 7, pl->doubt);
	return so_store_step_done(s, st);
}

static void page_layout_from_row(sqlite3_stmt *st, void *out)
{
	struct so_page_layout *pl = out;
	memset(pl, 0, sizeof(*pl));
	pl->index_read = sqlite3_column_int(st, 0);
	pl->index_cells = sqlite3_column_int(st, 1);
	pl->index_poor = sqlite3_column_int(st, 2);
	pl->header = sqlite3_column_double(st, 3);
	pl->header_poor = sqlite3_column_int(st, 4);
	so_column_copy(st, 5, pl->doubt, sizeof(pl->doubt));
	so_column_copy(st, 6, pl->confirmed_by, sizeof(pl->confirmed_by));
}

int so_page_layout_get(struct so_store *s, int64_t page_id, struct so_page_layout *pl)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT index_read, index_cells, index_poor, header, "
					    "header_poor, doubt, confirmed_by FROM page_layout "
					    "WHERE page_id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, page_id);
	return fetch_row(s, st, page_layout_from_row, pl, "a page's layout evidence");
}

int so_page_layout_confirm(struct so_store *s, int64_t page_id, const char *actor)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE page_layout SET confirmed_by = ?2, "
					    "confirmed_at = ?3 WHERE page_id = ?1 AND "
					    "confirmed_by IS NULL");
	if (!st)
		return -1;
	so_bind_int(st, 1, page_id);
	so_bind_text(st, 2, actor);
	so_bind_now(st, 3);
	if (so_store_step_done(s, st) < 0)
		return -1;
	if (so_store_changes(s) == 1)
		return 0;
	struct so_page_layout pl;
	int found = so_page_layout_get(s, page_id, &pl);
	if (found < 0)
		return -1;
	return found ? 0 : so_error("no layout evidence for page %lld", (long long)page_id);
}

/* Records, fields, flags, audit, events ---------------------------------------------- */

int so_record_add(struct so_store *s, int64_t book_id, int64_t page_id, int row,
		  const struct so_bbox *box, int64_t *id)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO records (book_id, page_id, row, x0, y0, x1, y1, status, created_at, "
		"updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'extracted', ?8, ?8) "
		"ON CONFLICT (page_id, row) DO UPDATE SET x0 = ?4, y0 = ?5, x1 = ?6, y1 = ?7, "
		"updated_at = ?8 RETURNING id");
	if (!st)
		return -1;
	so_bind_int(st, 1, book_id);
	so_bind_int(st, 2, page_id);
	so_bind_int(st, 3, row);
	so_bind_box(st, 4, box);
	so_bind_now(st, 8);
	int r = so_store_step(s, st, "cannot store a record");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot store a record") : -1;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int so_record_set_status(struct so_store *s, int64_t record_id, const char *status)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET status = ?2, updated_at = ?3, "
					    "version = version + 1 WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, status);
	so_bind_now(st, 3);
	if (so_store_step_done(s, st) < 0)
		return -1;
	if (so_store_changes(s) != 1)
		return so_error("no record %lld", (long long)record_id);
	return 0;
}

int so_record_status(struct so_store *s, int64_t record_id, char *buf, size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT status FROM records WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	struct text_out out = { buf, size };
	return fetch_row(s, st, fill_text, &out, "a record");
}

int64_t so_record_count(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*) FROM records");
	if (!st)
		return -1;
	int r = so_store_step(s, st, "cannot count records");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot count records") : -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int so_record_count_each(struct so_store *s,
			 int (*each)(const char *status, int64_t n, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT status, count(*) FROM records "
					    "GROUP BY status ORDER BY status");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot count records")) == 1) {
		int v = each(so_column_text(st, 0), sqlite3_column_int64(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_field_counts(struct so_store *s, int64_t *read, int64_t *valued)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*), count(value) FROM fields "
					    "WHERE raw IS NOT NULL");
	if (!st)
		return -1;
	int r = so_store_step(s, st, "cannot count fields");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot count fields") : -1;
	*read = sqlite3_column_int64(st, 0);
	*valued = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

int so_field_put(struct so_store *s, int64_t record_id, const char *name, const char *raw,
		 const char *value, const char *code, double confidence, const struct so_bbox *box,
		 const char *source)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO fields (record_id, name, raw, value, code, confidence, x0, y0, x1, y1, "
		"source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT (record_id, name) DO UPDATE SET raw = ?3, value = ?4, code = ?5, "
		"confidence = ?6, x0 = ?7, y0 = ?8, x1 = ?9, y1 = ?10, source = ?11");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, name);
	so_bind_text(st, 3, raw);
	so_bind_text(st, 4, value);
	so_bind_text(st, 5, code);
	so_bind_conf(st, 6, confidence);
	so_bind_box(st, 7, box);
	so_bind_text(st, 11, source ? source : "ocr");
	return so_store_step_done(s, st);
}

int so_cell_put(struct so_store *s, int64_t record_id, int col, const char *text,
		double confidence, int marks, const struct so_bbox *box)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO cells (record_id, col, text, confidence, marks, x0, y0, x1, y1) "
		"VALUES (?1, ?2, ?3, ?4, ?9, ?5, ?6, ?7, ?8) ON CONFLICT (record_id, col) DO UPDATE SET "
		"text = ?3, confidence = ?4, marks = ?9, x0 = ?5, y0 = ?6, x1 = ?7, y1 = ?8");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_int(st, 2, col);
	so_bind_text(st, 3, text);
	so_bind_conf(st, 4, confidence);
	so_bind_box(st, 5, box);
	so_bind_int(st, 9, marks);
	return so_store_step_done(s, st);
}

int so_cell_hand_put(struct so_store *s, int64_t record_id, int col, const char *hand,
		     double score, const char *features)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO cell_hand (record_id, col, hand, score, features) VALUES (?1, ?2, ?3, "
		"?4, ?5) ON CONFLICT (record_id, col) DO UPDATE SET hand = ?3, score = ?4, "
		"features = ?5");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_int(st, 2, col);
	so_bind_text(st, 3, hand);
	sqlite3_bind_double(st, 4, score);
	so_bind_text(st, 5, features);
	return so_store_step_done(s, st);
}

int so_flag_add(struct so_store *s, int64_t record_id, const char *code, const char *severity,
		const char *fields_json, const char *message, const char *source, int64_t *id)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO flags (record_id, code, severity, fields, state, message, source, "
		"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?7)");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, code);
	so_bind_text(st, 3, severity);
	so_bind_text(st, 4, fields_json ? fields_json : "[]");
	so_bind_text(st, 5, message);
	so_bind_text(st, 6, source ? source : "validate");
	so_bind_now(st, 7);
	if (so_store_step_done(s, st) < 0)
		return so_error_context("cannot add flag %s", code);
	if (id)
		*id = store_last_id(s);
	return 0;
}

int so_flag_set_state(struct so_store *s, int64_t flag_id, const char *state)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE flags SET state = ?2, updated_at = ?3 "
					    "WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, flag_id);
	so_bind_text(st, 2, state);
	so_bind_now(st, 3);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s) == 1 ? 0 : so_error("no flag %lld", (long long)flag_id);
}

int so_audit_add(struct so_store *s, const char *actor, int64_t record_id, const char *action,
		 const char *field, const char *before, const char *after)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO audit (at, actor, record_id, action, field, "
					    "before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return -1;
	so_bind_now(st, 1);
	so_bind_text(st, 2, actor);
	so_bind_id(st, 3, record_id);
	so_bind_text(st, 4, action);
	so_bind_text(st, 5, field);
	so_bind_text(st, 6, before);
	so_bind_text(st, 7, after);
	return so_store_step_done(s, st);
}

int so_event_add(struct so_store *s, const char *stage, const char *level, const char *unit,
		 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO events (at, stage, level, unit, message) "
					    "VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return -1;
	so_bind_now(st, 1);
	so_bind_text(st, 2, stage);
	so_bind_text(st, 3, level);
	so_bind_text(st, 4, unit);
	so_bind_text(st, 5, msg);
	return so_store_step_done(s, st);
}
