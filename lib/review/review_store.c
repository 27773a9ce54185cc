/* The review's statements on the batch store (see review_store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "review/review_store.h"

/* Accounts ------------------------------------------------------------------------------------ */

int so_reviewer_exists(struct so_store *s, const char *name)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT 1 FROM reviewers WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	int r = so_store_step(s, st, "cannot read the reviewers");
	if (r == 1)
		sqlite3_reset(st);
	return r;
}

int so_reviewer_save(struct so_store *s, const char *name, const char *hash,
		     const char *created_at)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO reviewers (name, hash, created_at) "
					    "VALUES (?1, ?2, ?3) "
					    "ON CONFLICT (name) DO UPDATE SET hash = excluded.hash");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	so_bind_text(st, 2, hash);
	so_bind_text(st, 3, created_at);
	return so_store_step_done(s, st);
}

int so_reviewer_delete(struct so_store *s, const char *name)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM reviewers WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s) > 0;
}

int so_reviewer_each(struct so_store *s, int (*each)(const struct so_reviewer_row *r, void *ctx),
		     void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT name, created_at, last_login, (SELECT count(*) "
					    "FROM login_failures f WHERE f.reviewer = r.name AND "
					    "f.at >= coalesce(r.last_login, '')) FROM reviewers r "
					    "ORDER BY name");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot list the reviewers")) == 1) {
		struct so_reviewer_row row = { so_column_text(st, 0), so_column_text(st, 1),
					       so_column_text(st, 2), sqlite3_column_int64(st, 3) };
		int v = each(&row, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_reviewer_hash(struct so_store *s, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT hash FROM reviewers WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	int r = so_store_step(s, st, "cannot read the reviewers");
	if (r == 1) {
		so_column_copy(st, 0, buf, size);
		sqlite3_reset(st);
	}
	return r;
}

int so_reviewer_logged_in(struct so_store *s, const char *name, const char *at)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE reviewers SET last_login = ?2 WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	so_bind_text(st, 2, at);
	return so_store_step_done(s, st);
}

/* Sessions ------------------------------------------------------------------------------------ */

int so_sessions_expire(struct so_store *s, int64_t now)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM sessions WHERE expires_at <= ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, now);
	return so_store_step_done(s, st);
}

int so_sessions_end(struct so_store *s, const char *name)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM sessions WHERE reviewer = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	return so_store_step_done(s, st);
}

int so_session_add(struct so_store *s, const char *token_hash, const char *name,
		   const char *csrf, const char *created_at, int64_t expires_at)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO sessions (token_hash, reviewer, csrf, "
					    "created_at, expires_at) SELECT ?1, name, ?3, ?4, ?5 "
					    "FROM reviewers WHERE name = ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, token_hash);
	so_bind_text(st, 2, name);
	so_bind_text(st, 3, csrf);
	so_bind_text(st, 4, created_at);
	so_bind_int(st, 5, expires_at);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s) == 1;
}

int so_session_find(struct so_store *s, const char *token_hash, int64_t now, char *name,
		    size_t size, char csrf[SO_TOKEN_LEN])
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT reviewer, csrf FROM sessions WHERE "
					    "token_hash = ?1 AND expires_at > ?2");
	if (!st)
		return -1;
	so_bind_text(st, 1, token_hash);
	so_bind_int(st, 2, now);
	int r = so_store_step(s, st, "cannot read a session");
	if (r == 1) {
		so_column_copy(st, 0, name, size);
		so_column_copy(st, 1, csrf, SO_TOKEN_LEN);
		sqlite3_reset(st);
	}
	return r;
}

int so_session_delete(struct so_store *s, const char *token_hash)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM sessions WHERE token_hash = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, token_hash);
	return so_store_step_done(s, st);
}

/* Failed sign-ins --------------------------------------------------------------------------------- */

int so_login_failure_add(struct so_store *s, const char *name, const char *address,
			 const char *at)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO login_failures (at, reviewer, address) "
					    "VALUES (?1, ?2, ?3)");
	if (!st)
		return -1;
	so_bind_text(st, 1, at);
	so_bind_text(st, 2, name);
	so_bind_text(st, 3, address);
	return so_store_step_done(s, st);
}

/* The queue ----------------------------------------------------------------------------------- */

/* The conditions of a filter, on records r joined with books b; ?1 status, ?2 book, ?3 flag. */
#define QUEUE_FROM                                                                              \
	" FROM records r JOIN books b ON b.id = r.book_id JOIN pages p ON p.id = r.page_id "  \
	"JOIN scan_files f ON f.id = p.scan_file_id "
#define BOOK_KEY " (b.type || '-' || b.year || '-' || b.volume || '-' || b.authority_code) "
#define QUEUE_WHERE                                                                              \
	" WHERE r.status = ?1 AND (?2 IS NULL OR" BOOK_KEY "= ?2) AND (?3 IS NULL OR EXISTS "     \
	"(SELECT 1 FROM flags g WHERE g.record_id = r.id AND g.code = ?3 AND g.state = 'open')) "
#define QUEUE_ORDER " ORDER BY b.id, f.id, p.page_index, r.row "

/* The time claims are judged at: the filter's, else the clock's. */
static int64_t filter_now(const struct so_review_filter *f)
{
	return f && f->now > 0 ? f->now : (int64_t)time(NULL);
}

/* A live claim by another than viewer ?V at ?N on record r (the reviewer's name), for the
 * parameter numbers V and N. */
#define TAKEN(v, n) "(SELECT c.reviewer FROM review_claims c WHERE c.record_id = r.id AND " \
	"c.until_at > ?" n " AND ?" v " IS NOT NULL AND c.reviewer <> ?" v ")"

static void bind_filter(sqlite3_stmt *st, const struct so_review_filter *f)
{
	so_bind_text(st, 1, f && f->status ? f->status : "needs_review");
	if (f && f->book && *f->book)
		so_bind_text(st, 2, f->book);
	if (f && f->flag && *f->flag)
		so_bind_text(st, 3, f->flag);
}

int so_queue_count(struct so_store *s, const struct so_review_filter *f, int64_t *total)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*)" QUEUE_FROM QUEUE_WHERE);
	if (!st)
		return -1;
	bind_filter(st, f);
	int r = so_store_step(s, st, "cannot count the queue");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot count the queue") : -1;
	*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int so_queue_each(struct so_store *s, const struct so_review_filter *f, long limit, long offset,
		  int (*each)(const struct so_queue_row *r, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id," BOOK_KEY ", f.name, p.page_index, r.row, r.status, r.version, "
		"(SELECT coalesce(value, raw) FROM fields WHERE record_id = r.id AND "
		" name = 'registration_number'), "
		"(SELECT group_concat(coalesce(value, raw), ' — ') FROM fields WHERE record_id = r.id "
		" AND name IN ('child.full_name', 'deceased.full_name', 'husband.full_name', "
		" 'wife.full_name', 'parent.full_name') AND NOT (b.type = 'parentage' AND "
		" name = 'child.full_name')), "
		"(SELECT group_concat(DISTINCT code) FROM (SELECT code FROM flags WHERE "
		" record_id = r.id AND state = 'open' ORDER BY severity, code)), "
		TAKEN("6", "7") ", (SELECT c.until_at FROM review_claims c WHERE c.record_id = r.id)"
		QUEUE_FROM QUEUE_WHERE QUEUE_ORDER "LIMIT ?4 OFFSET ?5");
	if (!st)
		return -1;
	bind_filter(st, f);
	so_bind_int(st, 4, limit);
	so_bind_int(st, 5, offset);
	so_bind_text(st, 6, f ? f->viewer : NULL);
	so_bind_int(st, 7, filter_now(f));
	int r;
	while ((r = so_store_step(s, st, "cannot read the queue")) == 1) {
		struct so_queue_row row = {
			.id = sqlite3_column_int64(st, 0),
			.book = so_column_text(st, 1),
			.file = so_column_text(st, 2),
			.page_index = sqlite3_column_int(st, 3),
			.row = sqlite3_column_int(st, 4),
			.status = so_column_text(st, 5),
			.version = sqlite3_column_int(st, 6),
			.registration_number = so_column_text(st, 7),
			.name = so_column_text(st, 8),
			.flags = so_column_text(st, 9),
			.taken_by = so_column_text(st, 10),
		};
		row.taken_until = row.taken_by ? sqlite3_column_int64(st, 11) : 0;
		int v = each(&row, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_queue_books_each(struct so_store *s, const struct so_review_filter *f,
			int (*each)(const struct so_queue_book *b, void *ctx), void *ctx)
{
	/* the choices of the filters: books and flag codes among records of this status */
	sqlite3_stmt *st = so_store_stmt(s, "SELECT" BOOK_KEY ", b.type, b.year, b.volume, "
					    "b.authority_code, count(*) FROM records r JOIN books b "
					    "ON b.id = r.book_id WHERE r.status = ?1 GROUP BY b.id "
					    "ORDER BY b.id");
	if (!st)
		return -1;
	bind_filter(st, f);
	sqlite3_bind_null(st, 2);
	sqlite3_bind_null(st, 3);
	int r;
	while ((r = so_store_step(s, st, "cannot count the books of the queue")) == 1) {
		struct so_queue_book b = {
			.key = so_column_text(st, 0),
			.type = so_column_text(st, 1),
			.year = sqlite3_column_int(st, 2),
			.volume = so_column_text(st, 3),
			.authority_code = so_column_text(st, 4),
			.count = sqlite3_column_int64(st, 5),
		};
		int v = each(&b, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_queue_flags_each(struct so_store *s, const struct so_review_filter *f,
			int (*each)(const char *code, int64_t count, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT g.code, count(DISTINCT r.id) FROM records r "
					    "JOIN flags g ON g.record_id = r.id JOIN books b ON "
					    "b.id = r.book_id WHERE r.status = ?1 AND g.state = 'open' "
					    "AND (?2 IS NULL OR" BOOK_KEY "= ?2) GROUP BY g.code "
					    "ORDER BY count(DISTINCT r.id) DESC, g.code");
	if (!st)
		return -1;
	bind_filter(st, f);
	sqlite3_bind_null(st, 3);
	int r;
	while ((r = so_store_step(s, st, "cannot count the flags of the queue")) == 1) {
		int v = each(so_column_text(st, 0), sqlite3_column_int64(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_queue_neighbours(struct so_store *s, int64_t id, const struct so_review_filter *f,
			int64_t *prev, int64_t *next)
{
	*prev = *next = 0;
	/* the record's place in register order */
	sqlite3_stmt *st = so_store_stmt(s, "SELECT b.id, f.id, p.page_index, r.row" QUEUE_FROM
					    "WHERE r.id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read the queue");
	if (r != 1)
		return r;
	int64_t k[4] = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			 sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3) };
	sqlite3_reset(st);
	/* records another reviewer has open are passed over */
	static const char *const sql[2] = {
		"SELECT r.id" QUEUE_FROM QUEUE_WHERE "AND (b.id, f.id, p.page_index, r.row) < "
		"(?4, ?5, ?6, ?7) AND" TAKEN("8", "9") "IS NULL "
		"ORDER BY b.id DESC, f.id DESC, p.page_index DESC, r.row DESC LIMIT 1",
		"SELECT r.id" QUEUE_FROM QUEUE_WHERE "AND (b.id, f.id, p.page_index, r.row) > "
		"(?4, ?5, ?6, ?7) AND" TAKEN("8", "9") "IS NULL" QUEUE_ORDER "LIMIT 1",
	};
	for (int i = 0; i < 2; i++) {
		st = so_store_stmt(s, sql[i]);
		if (!st)
			return -1;
		bind_filter(st, f);
		for (int j = 0; j < 4; j++)
			so_bind_int(st, 4 + j, k[j]);
		so_bind_text(st, 8, f ? f->viewer : NULL);
		so_bind_int(st, 9, filter_now(f));
		r = so_store_step(s, st, "cannot read the queue");
		if (r < 0)
			return -1;
		if (r == 1) {
			*(i ? next : prev) = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
	}
	return 0;
}

/* One record ---------------------------------------------------------------------------------- */

int so_review_head_get(struct so_store *s, int64_t id, struct so_review_head *h)
{
	memset(h, 0, sizeof(*h));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT book_id, page_id, status, version, x0, y0, x1, "
					    "y1 FROM records WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read a record");
	if (r != 1)
		return r;
	h->book_id = sqlite3_column_int64(st, 0);
	h->page_id = sqlite3_column_int64(st, 1);
	so_column_copy(st, 2, h->status, sizeof(h->status));
	h->version = sqlite3_column_int(st, 3);
	h->row = (struct so_bbox){ sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
				   sqlite3_column_int(st, 6), sqlite3_column_int(st, 7) };
	sqlite3_reset(st);
	return 1;
}

int so_field_origin_get(struct so_store *s, int64_t id, const char *name,
			struct so_field_origin *o)
{
	memset(o, 0, sizeof(*o));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT source, x0, y0, x1, y1 FROM fields "
					    "WHERE record_id = ?1 AND name = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, name);
	int r = so_store_step(s, st, "cannot read a field");
	if (r != 1)
		return r;
	o->has_source = sqlite3_column_type(st, 0) != SQLITE_NULL;
	so_column_copy(st, 0, o->source, sizeof(o->source));
	o->has_box = sqlite3_column_type(st, 1) != SQLITE_NULL;
	o->box = (struct so_bbox){ sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
				   sqlite3_column_int(st, 3), sqlite3_column_int(st, 4) };
	sqlite3_reset(st);
	return 1;
}

int so_review_flags_each(struct so_store *s, int64_t id,
			 int (*each)(const struct so_review_flag *g, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT id, code, severity, fields, state, message, "
					    "source FROM flags WHERE record_id = ?1 ORDER BY "
					    "state = 'open' DESC, severity = 'error' DESC, id");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the flags of a record")) == 1) {
		struct so_review_flag g = {
			sqlite3_column_int64(st, 0), so_column_text(st, 1), so_column_text(st, 2),
			so_column_text(st, 3), so_column_text(st, 4), so_column_text(st, 5),
			so_column_text(st, 6),
		};
		int v = each(&g, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_review_reject_reason(struct so_store *s, int64_t id, char **reason)
{
	*reason = NULL;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT reject_reason FROM records WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read a record");
	if (r == 1) {
		*reason = so_column_dup(st, 0);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

int so_audit_each(struct so_store *s, int64_t id,
		  int (*each)(const struct so_audit_row *a, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT at, actor, action, field, before, after FROM "
					    "audit WHERE record_id = ?1 ORDER BY id DESC LIMIT 200");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the audit trail")) == 1) {
		struct so_audit_row a = {
			so_column_text(st, 0), so_column_text(st, 1), so_column_text(st, 2),
			so_column_text(st, 3), so_column_text(st, 4), so_column_text(st, 5),
		};
		int v = each(&a, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_audit_last(struct so_store *s, int64_t id, char *who, size_t wsize, char *at,
		  size_t asize)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT actor, at FROM audit WHERE record_id = ?1 "
					    "ORDER BY id DESC LIMIT 1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read the audit trail");
	if (r == 1) {
		so_column_copy(st, 0, who, wsize);
		so_column_copy(st, 1, at, asize);
		sqlite3_reset(st);
	}
	return r;
}

/* Changes ------------------------------------------------------------------------------------- */

int so_review_touch(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET version = version + 1, "
					    "updated_at = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_now(st, 2);
	return so_store_step_done(s, st);
}

int so_review_version(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT version FROM records WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read a record");
	if (r != 1)
		return -1;
	int v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

int so_review_reopen(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET status = 'needs_review' "
					    "WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return so_store_step_done(s, st);
}

int so_review_follow_flags(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET status = CASE WHEN EXISTS (SELECT 1 "
					    "FROM flags WHERE record_id = ?1 AND state = 'open' AND "
					    "severity = 'error') THEN 'needs_review' ELSE 'valid' END "
					    "WHERE id = ?1 AND status IN ('extracted', "
					    "'needs_review', 'valid')");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return so_store_step_done(s, st);
}

int so_review_open_errors(struct so_store *s, int64_t id, char *buf, size_t size)
{
	buf[0] = '\0';
	sqlite3_stmt *st = so_store_stmt(s, "SELECT group_concat(code, ', ') FROM flags WHERE "
					    "record_id = ?1 AND state = 'open' AND severity = 'error'");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r = so_store_step(s, st, "cannot read the flags of a record");
	if (r == 1) {
		so_column_copy(st, 0, buf, size);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

int so_review_approve_set(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET status = 'approved', "
					    "reject_reason = NULL WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return so_store_step_done(s, st);
}

int so_review_reject_set(struct so_store *s, int64_t id, const char *reason)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE records SET status = 'rejected', "
					    "reject_reason = ?2 WHERE id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, reason);
	return so_store_step_done(s, st);
}

int so_field_value_get(struct so_store *s, int64_t id, const char *name, char *buf,
		       size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT value FROM fields WHERE record_id = ?1 "
					    "AND name = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, name);
	int r = so_store_step(s, st, "cannot read a field");
	if (r != 1)
		return r;
	int found = sqlite3_column_type(st, 0) != SQLITE_NULL;
	so_column_copy(st, 0, buf, size);
	sqlite3_reset(st);
	return found;
}

int so_field_shown_get(struct so_store *s, int64_t id, const char *name, char **text)
{
	*text = NULL;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT coalesce(value, raw) FROM fields "
					    "WHERE record_id = ?1 AND name = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, name);
	int r = so_store_step(s, st, "cannot read a field");
	if (r == 1) {
		*text = so_column_dup(st, 0);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

int so_field_set_by_archivist(struct so_store *s, int64_t id, const char *name,
			      const char *value, const char *code, const char *successor,
			      const char *typed)
{
	/* the reading stays; the value is the archivist's */
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO fields (record_id, name, value, code, "
					    "successor, confidence, source, typed) VALUES (?1, ?2, ?3, "
					    "?4, ?5, 1.0, 'archivist', ?6) ON CONFLICT (record_id, name) "
					    "DO UPDATE SET value = excluded.value, code = excluded.code, "
					    "successor = excluded.successor, confidence = 1.0, "
					    "source = 'archivist', typed = excluded.typed");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, name);
	so_bind_text(st, 3, value);
	so_bind_text(st, 4, code);
	so_bind_text(st, 5, successor);
	so_bind_text(st, 6, typed && *typed ? typed : NULL);
	return so_store_step_done(s, st);
}

int so_field_keying_flag(struct so_store *s, int64_t id, const char *field, char *code,
			 size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code FROM flags WHERE record_id = ?1 AND "
					    "state = 'open' AND code IN ('HANDWRITTEN', "
					    "'KEYING_CONFLICT') AND EXISTS (SELECT 1 FROM "
					    "json_each(CASE WHEN json_valid(flags.fields) THEN "
					    "flags.fields ELSE '[]' END) WHERE value = ?2) LIMIT 1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, field);
	int r = so_store_step(s, st, "cannot read a field's flags");
	if (r == 1) {
		so_column_copy(st, 0, code, size);
		sqlite3_reset(st);
	}
	return r;
}

int so_flags_resolve_field(struct so_store *s, int64_t id, const char *field)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE flags SET state = 'resolved', updated_at = ?3 "
					    "WHERE record_id = ?1 AND state = 'open' AND EXISTS "
					    "(SELECT 1 FROM json_each(flags.fields) WHERE value = ?2)");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, field);
	so_bind_now(st, 3);
	return so_store_step_done(s, st);
}

int so_flag_brief_get(struct so_store *s, int64_t flag_id, int64_t record_id,
		      struct so_flag_brief *g)
{
	memset(g, 0, sizeof(*g));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT state, code, fields FROM flags WHERE id = ?1 "
					    "AND record_id = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, flag_id);
	so_bind_int(st, 2, record_id);
	int r = so_store_step(s, st, "cannot read a flag");
	if (r == 1) {
		so_column_copy(st, 0, g->state, sizeof(g->state));
		so_column_copy(st, 1, g->code, sizeof(g->code));
		so_column_copy(st, 2, g->fields, sizeof(g->fields));
		sqlite3_reset(st);
	}
	return r;
}

int so_page_flags_open_each(struct so_store *s, int64_t page_id, int64_t except,
			    const char *code,
			    int (*each)(int64_t record_id, int64_t flag_id, const char *fields,
					void *ctx),
			    void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT f.record_id, f.id, f.fields FROM flags f "
					    "JOIN records r ON r.id = f.record_id WHERE "
					    "r.page_id = ?1 AND r.id <> ?2 AND r.status <> 'synced' "
					    "AND f.code = ?3 AND f.state = 'open' ORDER BY r.row, f.id");
	if (!st)
		return -1;
	so_bind_int(st, 1, page_id);
	so_bind_int(st, 2, except);
	so_bind_text(st, 3, code);
	int r;
	while ((r = so_store_step(s, st, "cannot read the flags of a page")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			     so_column_text(st, 2), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

/* Claims and timings ------------------------------------------------------------------------- */

int so_claim_get(struct so_store *s, int64_t id, int64_t now, struct so_claim *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st = so_store_stmt(s, "SELECT reviewer, claimed_at, until_at, ttl FROM "
					    "review_claims WHERE record_id = ?1 AND until_at > ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_int(st, 2, now);
	int r = so_store_step(s, st, "cannot read a claim");
	if (r == 1) {
		so_column_copy(st, 0, c->reviewer, sizeof(c->reviewer));
		c->claimed_at = sqlite3_column_int64(st, 1);
		c->until = sqlite3_column_int64(st, 2);
		c->ttl = sqlite3_column_int64(st, 3);
		sqlite3_reset(st);
	}
	return r;
}

int so_claim_put(struct so_store *s, int64_t id, const char *reviewer, int64_t now, int64_t ttl)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO review_claims (record_id, reviewer, "
		"claimed_at, until_at, ttl) VALUES (?1, ?2, ?3, ?3 + ?4, ?4) ON CONFLICT (record_id) "
		"DO UPDATE SET claimed_at = CASE WHEN reviewer = excluded.reviewer AND until_at > ?3 "
		"THEN claimed_at ELSE excluded.claimed_at END, reviewer = excluded.reviewer, "
		"until_at = excluded.until_at, ttl = excluded.ttl");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, reviewer);
	so_bind_int(st, 3, now);
	so_bind_int(st, 4, ttl);
	return so_store_step_done(s, st);
}

int so_claim_renew(struct so_store *s, int64_t id, const char *reviewer, int64_t now)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE review_claims SET until_at = ?3 + ttl WHERE "
					    "record_id = ?1 AND reviewer = ?2 AND until_at > ?3");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, reviewer);
	so_bind_int(st, 3, now);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s) > 0;
}

int so_claim_release(struct so_store *s, int64_t id)
{
	sqlite3_stmt *st = so_store_stmt(s, "DELETE FROM review_claims WHERE record_id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	return so_store_step_done(s, st);
}

int so_timing_add(struct so_store *s, int64_t id, const char *reviewer, const char *outcome,
		  double seconds, int64_t keys)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO review_timings (record_id, reviewer, "
					    "outcome, seconds, keys, at) VALUES (?1, ?2, ?3, ?4, ?5, "
					    "?6)");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, reviewer);
	so_bind_text(st, 3, outcome);
	if (seconds >= 0)
		so_bind_real(st, 4, seconds);
	else
		sqlite3_bind_null(st, 4);
	if (keys >= 0)
		so_bind_int(st, 5, keys);
	else
		sqlite3_bind_null(st, 5);
	so_bind_now(st, 6);
	return so_store_step_done(s, st);
}

int so_timings_recent(struct so_store *s, const char *reviewer, long limit, int64_t *n,
		      double *seconds)
{
	*n = 0;
	*seconds = 0;
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*), coalesce(sum(seconds), 0) FROM "
					    "(SELECT seconds FROM review_timings WHERE reviewer = ?1 "
					    "AND seconds IS NOT NULL ORDER BY id DESC LIMIT ?2)");
	if (!st)
		return -1;
	so_bind_text(st, 1, reviewer);
	so_bind_int(st, 2, limit);
	int r = so_store_step(s, st, "cannot read the timings");
	if (r == 1) {
		*n = sqlite3_column_int64(st, 0);
		*seconds = sqlite3_column_double(st, 1);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

int so_flag_twins_each(struct so_store *s, int64_t id, int64_t flag_id, const char *field,
		       const char *viewer, int64_t now,
		       int (*each)(int64_t record_id, int64_t flag_id, void *ctx), void *ctx)
{
	/* one reading is one reading however the OCR spelled it when normalization made it
	 * canonical (15/1/2019 and 15.01.2019 are both 2019-01-15): the stored value decides;
	 * only a field without a value (nothing canonical could be made of it) is matched by its
	 * raw reading, and then only with fields that have no value either */
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT g2.record_id, g2.id FROM flags g1 "
		"JOIN records r1 ON r1.id = g1.record_id JOIN books b1 ON b1.id = r1.book_id "
		"JOIN fields v1 ON v1.record_id = r1.id AND v1.name = ?3 "
		"JOIN flags g2 ON g2.code = g1.code AND g2.state = 'open' AND g2.record_id <> r1.id "
		"JOIN records r ON r.id = g2.record_id AND r.status NOT IN ('approved', 'rejected', "
		" 'synced') "
		"JOIN books b2 ON b2.id = r.book_id AND b2.type = b1.type "
		"JOIN fields v2 ON v2.record_id = r.id AND v2.name = ?3 "
		"WHERE g1.id = ?2 AND g1.record_id = ?1 AND json_valid(g2.fields) AND "
		" json_array_length(g2.fields) = 1 AND json_extract(g2.fields, '$[0]') = ?3 AND "
		" (CASE WHEN v1.value IS NOT NULL THEN v2.value = v1.value ELSE v2.value IS NULL "
		"  AND v1.raw IS NOT NULL AND v2.raw = v1.raw END) AND "
		" NOT EXISTS (SELECT 1 FROM review_claims c WHERE c.record_id = r.id AND "
		"  c.until_at > ?5 AND (?4 IS NULL OR c.reviewer <> ?4)) "
		"ORDER BY r.id, g2.id");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_int(st, 2, flag_id);
	so_bind_text(st, 3, field);
	so_bind_text(st, 4, viewer);
	so_bind_int(st, 5, now);
	int r;
	while ((r = so_store_step(s, st, "cannot read the flags like one")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

/* Images -------------------------------------------------------------------------------------- */

int so_review_boxes_each(struct so_store *s, int64_t id,
			 int (*each)(const struct so_bbox *box, int row, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT x0, y0, x1, y1, 0 FROM fields WHERE "
					    "record_id = ?1 AND x0 IS NOT NULL UNION ALL SELECT x0, "
					    "y0, x1, y1, 1 FROM records WHERE id = ?1 AND x0 IS NOT "
					    "NULL");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the boxes of a record")) == 1) {
		struct so_bbox box = { sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
				       sqlite3_column_int(st, 2), sqlite3_column_int(st, 3) };
		int v = each(&box, sqlite3_column_int(st, 4), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_field_box_get(struct so_store *s, int64_t id, const char *name, int col,
		     struct so_bbox *box)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT x0, y0, x1, y1 FROM (SELECT 0 AS k, x0, y0, "
					    "x1, y1 FROM fields WHERE record_id = ?1 AND name = ?2 "
					    "AND x0 IS NOT NULL UNION ALL SELECT 1, x0, y0, x1, y1 "
					    "FROM cells WHERE record_id = ?1 AND col = ?3 AND "
					    "x0 IS NOT NULL) ORDER BY k LIMIT 1");
	if (!st)
		return -1;
	so_bind_int(st, 1, id);
	so_bind_text(st, 2, name);
	so_bind_int(st, 3, col);
	int r = so_store_step(s, st, "cannot read a field");
	if (r == 1) {
		*box = (struct so_bbox){ sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
					 sqlite3_column_int(st, 2), sqlite3_column_int(st, 3) };
		sqlite3_reset(st);
	}
	return r;
}
