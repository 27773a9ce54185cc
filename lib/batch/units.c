/* Stage progress (see units.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/store.h"
#include "batch/units.h"

/* How long a claim by a process on another host is trusted (it cannot be checked). */
#define LEASE_OTHER_HOST_S 3600
/* How long a dead worker's unit waits for its living supervisor to report the crash. */
#define SUPERVISOR_GRACE_S 60

int so_unit_add(struct so_store *s, const char *stage, int64_t unit_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO stage_units (stage, unit_id, state) "
					    "VALUES (?1, ?2, 'pending') ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	return so_store_step_done(s, st);
}

int64_t so_unit_seed_pages(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO stage_units (stage, unit_id, state) "
					    "SELECT ?1, id, 'pending' FROM pages "
					    "WHERE state = 'prepared' ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s);
}

int64_t so_unit_seed_books(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO stage_units (stage, unit_id, state) "
		"SELECT ?1, b.id, 'pending' FROM books b "
		"WHERE EXISTS (SELECT 1 FROM records r WHERE r.book_id = b.id) "
		"AND NOT EXISTS (SELECT 1 FROM stage_units u JOIN pages p ON p.id = u.unit_id "
		"  JOIN scan_files f ON f.id = p.scan_file_id "
		"  WHERE u.stage = 'ocr' AND u.state IN ('pending', 'running') AND f.book_id = b.id) "
		"ON CONFLICT DO NOTHING");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s);
}

/* Inside a transaction: running units whose owner is gone go back to pending — unless the
 * owner's supervisor still runs: it saw the worker die and reports the crash itself
 * (so_unit_crashed), which a claim here would race with and lose. */
static int units_take_back(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT unit_id, owner, "
					    "CAST(strftime('%s', 'now') - strftime('%s', claimed_at) "
					    "AS INTEGER) FROM stage_units "
					    "WHERE stage = ?1 AND state = 'running'");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	int64_t ids[64];
	int n = 0, r = 0;
	while (n < 64 && (r = so_store_step(s, st, "cannot read stage progress")) == 1) {
		const char *owner = so_column_text(st, 1);
		int alive = so_owner_alive(owner);
		if (alive == -1 && sqlite3_column_int64(st, 2) > LEASE_OTHER_HOST_S)
			alive = 0;
		if (alive == 0 && so_owner_parent_alive(owner) == 1 &&
		    sqlite3_column_int64(st, 2) < SUPERVISOR_GRACE_S)
			alive = 1;
		if (alive == 0)
			ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (n == 64)
		sqlite3_reset(st);
	else if (r < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (so_unit_release(s, stage, ids[i]) < 0)
			return -1;
	return 0;
}

int so_unit_release(struct so_store *s, const char *stage, int64_t unit_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = 'pending', owner = NULL "
					    "WHERE stage = ?1 AND unit_id = ?2 AND state = 'running'");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	return so_store_step_done(s, st);
}

int so_unit_claim(struct so_store *s, const char *stage, int64_t *unit_id, int *crashes)
{
	if (so_store_begin(s) < 0)
		return -1;
	if (units_take_back(s, stage) < 0)
		goto error;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT unit_id, crashes FROM stage_units "
					    "WHERE stage = ?1 AND state = 'pending' "
					    "ORDER BY unit_id LIMIT 1");
	if (!st)
		goto error;
	so_bind_text(st, 1, stage);
	int r = so_store_step(s, st, "cannot claim work");
	int64_t id = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	int n = r == 1 ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	if (r == 0) {
		/* nothing to claim; keep what was taken back */
		return so_store_commit(s) < 0 ? -1 : 0;
	}
	if (r < 0)
		goto error;
	st = so_store_stmt(s, "UPDATE stage_units SET state = 'running', owner = ?3, "
			      "claimed_at = ?4, attempts = attempts + 1 "
			      "WHERE stage = ?1 AND unit_id = ?2");
	if (!st)
		goto error;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, id);
	so_bind_text(st, 3, so_owner_self());
	so_bind_now(st, 4);
	if (so_store_step_done(s, st) < 0 || so_store_commit(s) < 0)
		goto error;
	*unit_id = id;
	if (crashes)
		*crashes = n;
	return 1;
error:
	so_store_rollback(s);
	return -1;
}

int so_unit_crashed(struct so_store *s, const char *stage, long pid, const char *reason)
{
	char host[256] = "", pattern[320];
	gethostname(host, sizeof(host) - 1);
	snprintf(pattern, sizeof(pattern), "%s:%ld:*", host, pid);
	/* the owner string holds more after the pid (start time, supervisor) */
	if (so_store_begin(s) < 0)
		return -1;
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = 'pending', owner = NULL, "
					    "crashes = crashes + 1, error = ?3 "
					    "WHERE stage = ?1 AND state = 'running' AND owner GLOB ?2");
	if (!st) {
		so_store_rollback(s);
		return -1;
	}
	so_bind_text(st, 1, stage);
	so_bind_text(st, 2, pattern);
	so_bind_text(st, 3, reason);
	if (so_store_step_done(s, st) < 0) {
		so_store_rollback(s);
		return -1;
	}
	int n = (int)so_store_changes(s);
	return so_store_commit(s) < 0 ? -1 : n;
}

int so_unit_overdue(struct so_store *s, const char *stage, int seconds, long *pids, int max)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT unit_id, owner FROM stage_units "
					    "WHERE stage = ?2 AND state = 'running' AND "
					    "strftime('%s', 'now') - strftime('%s', claimed_at) > ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, seconds);
	so_bind_text(st, 2, stage);
	int n = 0, r = 0;
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	/* the owner is "host:pid:..." (so_owner_self) */
	while (n < max && (r = so_store_step(s, st, "cannot read stage progress")) == 1) {
		const char *owner = so_column_text(st, 1);
		char h[256];
		long pid;
		if (owner && sscanf(owner, "%255[^:]:%ld:", h, &pid) == 2 && strcmp(h, host) == 0)
			pids[n++] = pid;
	}
	if (n == max)
		sqlite3_reset(st);
	else if (r < 0)
		return -1;
	return n;
}

int so_unit_progress(struct so_store *s, const char *stage, int64_t unit_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET crashes = 0 "
					    "WHERE stage = ?1 AND unit_id = ?2 AND crashes <> 0");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	return so_store_step_done(s, st);
}

int so_unit_crashes(struct so_store *s, const char *stage, int64_t unit_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT crashes FROM stage_units "
					    "WHERE stage = ?1 AND unit_id = ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	int r = so_store_step(s, st, "cannot read stage progress");
	if (r != 1)
		return r == 0 ? so_error("no %s unit %lld", stage, (long long)unit_id) : -1;
	int n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

int so_unit_finish(struct so_store *s, const char *stage, int64_t unit_id, const char *error)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = ?3, error = ?4, "
					    "owner = NULL, finished_at = ?5 "
					    "WHERE stage = ?1 AND unit_id = ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	so_bind_text(st, 3, error ? "failed" : "done");
	so_bind_text(st, 4, error);
	so_bind_now(st, 5);
	return so_store_step_done(s, st);
}

int64_t so_unit_retry_failed(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = 'pending', attempts = 0, "
					    "crashes = 0, error = NULL WHERE stage = ?1 AND state = 'failed'");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s);
}

int64_t so_unit_redo_all(struct so_store *s, const char *stage)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = 'pending', attempts = 0, "
					    "crashes = 0, error = NULL WHERE stage = ?1 AND "
					    "state IN ('done', 'failed')");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s);
}

int so_unit_book_changed(struct so_store *s, int64_t book_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE stage_units SET state = 'pending', error = NULL "
					    "WHERE stage IN ('validate', 'normalize') AND unit_id = ?1 "
					    "AND state <> 'running'");
	if (!st)
		return -1;
	so_bind_int(st, 1, book_id);
	return so_store_step_done(s, st);
}

int so_unit_counts(struct so_store *s, const char *stage, struct so_stage_counts *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT state, count(*) FROM stage_units "
					    "WHERE stage = ?1 GROUP BY state");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	int r;
	while ((r = so_store_step(s, st, "cannot count stage progress")) == 1) {
		const char *state = so_column_text(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		if (strcmp(state, "pending") == 0)
			c->pending = n;
		else if (strcmp(state, "running") == 0)
			c->running = n;
		else if (strcmp(state, "done") == 0)
			c->done = n;
		else if (strcmp(state, "failed") == 0)
			c->failed = n;
	}
	return r;
}

int so_unit_counts_each(struct so_store *s,
			int (*each)(const char *stage, const char *state, int64_t n, void *ctx),
			void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT stage, state, count(*) FROM stage_units "
					    "GROUP BY stage, state ORDER BY stage");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot count stage progress")) == 1) {
		int v = each(so_column_text(st, 0), so_column_text(st, 1),
			     sqlite3_column_int64(st, 2), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_unit_state(struct so_store *s, const char *stage, int64_t unit_id, char *state,
		  size_t size, char *error, size_t esize)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT state, error FROM stage_units "
					    "WHERE stage = ?1 AND unit_id = ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, stage);
	so_bind_int(st, 2, unit_id);
	int r = so_store_step(s, st, "cannot read stage progress");
	if (r == 1) {
		so_column_copy(st, 0, state, size);
		if (error)
			so_column_copy(st, 1, error, esize);
		sqlite3_reset(st);
	}
	return r;
}


int so_scan_file_counts(struct so_store *s, struct so_scan_file_counts *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT count(*), coalesce(sum(f.duplicate_of IS NOT NULL), 0), "
		"coalesce(sum(u.state = 'failed'), 0), "
		"coalesce(sum(CASE WHEN f.duplicate_of IS NULL THEN f.page_count END), 0) "
		"FROM scan_files f LEFT JOIN stage_units u ON u.stage = 'scan' AND u.unit_id = f.id");
	if (!st)
		return -1;
	int r = so_store_step(s, st, "cannot count scan files");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot count scan files") : -1;
	c->files = sqlite3_column_int64(st, 0);
	c->duplicate = sqlite3_column_int64(st, 1);
	c->failed = sqlite3_column_int64(st, 2);
	c->pages_expected = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return 0;
}
