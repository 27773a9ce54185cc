/* Delivery's statements on the batch store (see deliver_store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"
#include "deliver/deliver_store.h"

/* Reads the ids the bound statement ST gives into *IDS and *N; WHAT names a failure. */
static int ids_read(struct so_store *s, sqlite3_stmt *st, const char *what, int64_t **ids,
		    size_t *n)
{
	int64_t *v = NULL;
	size_t k = 0, cap = 0;
	int r;
	*ids = NULL;
	*n = 0;
	while ((r = so_store_step(s, st, what)) == 1) {
		if (SO_ARRAY_GROW(v, k, cap) < 0) {
			sqlite3_reset(st);
			r = -1;
			break;
		}
		v[k++] = sqlite3_column_int64(st, 0);
	}
	if (r < 0) {
		free(v);
		return -1;
	}
	*ids = v;
	*n = k;
	return 0;
}

/* The outbox ------------------------------------------------------------------------------ */

int so_outbox_enqueue(struct so_store *s, int64_t record_id, const char *idempotency_key)
{
	/* a row refused or held at an older version of the record is queued again */
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO outbox (record_id, idempotency_key, version, state, created_at) "
		"SELECT id, ?2, version, 'queued', ?3 FROM records WHERE id = ?1 "
		"ON CONFLICT (record_id) DO UPDATE SET idempotency_key = excluded.idempotency_key, "
		"version = excluded.version, state = 'queued', owner = NULL, lease_until = NULL, "
		"attempts = 0, last_status = NULL, last_error = NULL "
		"WHERE outbox.state IN ('refused', 'held') AND outbox.version < excluded.version");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, idempotency_key);
	so_bind_now(st, 3);
	return so_store_step_done(s, st);
}

int so_outbox_ack(struct so_store *s, int64_t record_id, const char *remote_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE outbox SET state = 'acked', remote_id = ?2, "
					    "acked_at = ?3, last_error = NULL, owner = NULL, "
					    "lease_until = NULL WHERE record_id = ?1 AND state = 'queued'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, remote_id);
	so_bind_now(st, 3);
	if (so_store_step_done(s, st) < 0)
		return -1;
	if (so_store_changes(s) == 1)
		return so_record_set_status(s, record_id, "synced");
	/* acknowledged already (by another sync process): nothing to do */
	st = so_store_stmt(s, "SELECT 1 FROM outbox WHERE record_id = ?1 AND state = 'acked'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r = so_store_step(s, st, "cannot read the outbox");
	if (r < 0)
		return -1;
	if (r == 1) {
		sqlite3_reset(st);
		return 0;
	}
	return so_error("record %lld is not queued in the outbox", (long long)record_id);
}

int so_outbox_deliverable(struct so_store *s, int64_t **ids, size_t *n)
{
	/* (a record queued but reopened for review since stays queued and is not sent) */
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id FROM records r LEFT JOIN outbox o ON o.record_id = r.id "
		"WHERE r.status IN ('valid', 'approved') AND (o.record_id IS NULL OR "
		"(o.state IN ('refused', 'held') AND o.version < r.version)) ORDER BY r.id");
	if (!st)
		return -1;
	return ids_read(s, st, "cannot list the records to deliver", ids, n);
}

int so_outbox_deliverable_accepted(struct so_store *s, int accepted_only, int64_t **ids,
				   size_t *n, int64_t *unaccepted)
{
	if (unaccepted)
		*unaccepted = 0;
	if (!accepted_only)
		return so_outbox_deliverable(s, ids, n);
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id FROM records r LEFT JOIN outbox o ON o.record_id = r.id "
		"WHERE r.status IN ('valid', 'approved') AND (o.record_id IS NULL OR "
		"(o.state IN ('refused', 'held') AND o.version < r.version)) AND EXISTS (SELECT 1 "
		"FROM acceptance_members m JOIN acceptance_lots l ON l.id = m.lot_id WHERE "
		"m.record_id = r.id AND l.state = 'accepted') ORDER BY r.id");
	if (!st || ids_read(s, st, "cannot list the records to deliver", ids, n) < 0)
		return -1;
	if (!unaccepted)
		return 0;
	st = so_store_stmt(s,
		"SELECT count(*) FROM records r LEFT JOIN outbox o ON o.record_id = r.id "
		"WHERE r.status IN ('valid', 'approved') AND (o.record_id IS NULL OR "
		"(o.state IN ('refused', 'held') AND o.version < r.version)) AND NOT EXISTS (SELECT "
		"1 FROM acceptance_members m JOIN acceptance_lots l ON l.id = m.lot_id WHERE "
		"m.record_id = r.id AND l.state = 'accepted')");
	int r = st ? so_store_step(s, st, "cannot count the records without an accepted lot") : -1;
	if (r == 1) {
		*unaccepted = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

int so_outbox_key_parts(struct so_store *s, int64_t record_id, struct so_book *b,
			char **number)
{
	*number = NULL;
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT b.authority_code, b.type, b.year, b.volume, "
		"       coalesce(f.value, trim(f.raw)) "
		"FROM records r JOIN books b ON b.id = r.book_id "
		"LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'registration_number' "
		"WHERE r.id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r = so_store_step(s, st, "cannot read a record's book");
	if (r != 1)
		return r == 0 ? so_error("no record %lld", (long long)record_id) : -1;
	memset(b, 0, sizeof(*b));
	so_column_copy(st, 0, b->authority_code, sizeof(b->authority_code));
	so_column_copy(st, 1, b->type, sizeof(b->type));
	b->year = sqlite3_column_int(st, 2);
	so_column_copy(st, 3, b->volume, sizeof(b->volume));
	*number = so_column_dup(st, 4);
	sqlite3_reset(st);
	return 0;
}

int so_outbox_key_taken(struct so_store *s, const char *key, int64_t record_id, int64_t *other)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT record_id FROM outbox WHERE idempotency_key = ?1 "
					    "AND record_id <> ?2 AND state IN ('queued', 'acked') "
					    "LIMIT 1");
	if (!st)
		return -1;
	so_bind_text(st, 1, key);
	so_bind_int(st, 2, record_id);
	int r = so_store_step(s, st, "cannot read the outbox");
	if (r == 1) {
		*other = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return r;
}

int so_outbox_hold(struct so_store *s, int64_t record_id, const char *key, const char *message)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"INSERT INTO outbox (record_id, idempotency_key, version, state, last_error, "
		"created_at) VALUES (?1, ?2, 0, 'held', ?3, ?4) ON CONFLICT (record_id) DO UPDATE "
		"SET state = 'held', idempotency_key = ?2, last_error = ?3, owner = NULL, "
		"lease_until = NULL");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, key);
	so_bind_text(st, 3, message);
	so_bind_now(st, 4);
	return so_store_step_done(s, st);
}

int so_outbox_take_version(struct so_store *s, int64_t record_id)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE outbox SET version = (SELECT version FROM records "
					    "WHERE id = ?1) WHERE record_id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	return so_store_step_done(s, st);
}

int so_outbox_release_dead(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT DISTINCT owner FROM outbox WHERE owner IS NOT "
					    "NULL AND state = 'queued'");
	if (!st)
		return -1;
	char dead[16][160];
	int ndead = 0, r = 0;
	while (ndead < 16 && (r = so_store_step(s, st, "cannot read the outbox")) == 1) {
		const char *owner = so_column_text(st, 0);
		if (owner && so_owner_alive(owner) == 0)
			snprintf(dead[ndead++], sizeof(dead[0]), "%s", owner);
	}
	if (ndead == 16)
		sqlite3_reset(st);
	else if (r < 0)
		return -1;
	for (int i = 0; i < ndead; i++) {
		st = so_store_stmt(s, "UPDATE outbox SET owner = NULL, lease_until = NULL "
				      "WHERE owner = ?1 AND state = 'queued'");
		if (!st)
			return -1;
		so_bind_text(st, 1, dead[i]);
		if (so_store_step_done(s, st) < 0)
			return -1;
	}
	return 0;
}

int so_outbox_release_own(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE outbox SET owner = NULL, lease_until = NULL "
					    "WHERE owner = ?1 AND state = 'queued'");
	if (!st)
		return -1;
	so_bind_text(st, 1, so_owner_self());
	return so_store_step_done(s, st);
}

int so_outbox_claim(struct so_store *s, const char *until, const char *now, int n,
		    int (*each)(int64_t record_id, const char *key, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"UPDATE outbox SET owner = ?1, lease_until = ?2 WHERE record_id IN ("
		"SELECT o.record_id FROM outbox o JOIN records r ON r.id = o.record_id "
		"WHERE o.state = 'queued' AND r.status IN ('valid', 'approved') AND "
		"(o.owner IS NULL OR (o.owner <> ?1 AND o.lease_until < ?3)) "
		"ORDER BY o.record_id LIMIT ?4) RETURNING record_id, idempotency_key");
	if (!st)
		return -1;
	/* (what this process holds, it holds until it ends: never claimed twice) */
	so_bind_text(st, 1, so_owner_self());
	so_bind_text(st, 2, until);
	so_bind_text(st, 3, now);
	so_bind_int(st, 4, n);
	int r;
	while ((r = so_store_step(s, st, "cannot claim records of the outbox")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), so_column_text(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_outbox_attempt(struct so_store *s, int64_t record_id, const char *state, int status,
		      const char *error)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"UPDATE outbox SET state = coalesce(?5, state), last_status = ?2, last_error = ?3, "
		"attempts = attempts + 1, last_attempt_at = ?4, "
		"owner = CASE WHEN ?5 IS NULL THEN owner END, "
		"lease_until = CASE WHEN ?5 IS NULL THEN lease_until END "
		"WHERE record_id = ?1 AND state = 'queued'");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	if (status)
		so_bind_int(st, 2, status);
	so_bind_text(st, 3, error);
	so_bind_now(st, 4);
	so_bind_text(st, 5, state);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return (int)so_store_changes(s);
}

int64_t so_outbox_count_queued(struct so_store *s)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*) FROM outbox o JOIN records r ON "
					    "r.id = o.record_id WHERE o.state = 'queued' AND "
					    "r.status IN ('valid', 'approved')");
	if (!st)
		return -1;
	int r = so_store_step(s, st, "cannot count the outbox");
	if (r != 1)
		return r == 0 ? so_store_error(s, "cannot count the outbox") : -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* The export -------------------------------------------------------------------------------- */

int so_export_place_get(struct so_store *s, int64_t record_id, struct so_export_place *p)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id, b.type, b.year, b.volume, b.authority_code, b.layout, f.name, "
		"p.page_index, p.sha256, r.row, r.status FROM records r "
		"JOIN pages p ON p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id "
		"JOIN books b ON b.id = r.book_id WHERE r.id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r = so_store_step(s, st, "cannot read a record");
	if (r != 1)
		return r;
	memset(p, 0, sizeof(*p));
	so_column_copy(st, 1, p->type, sizeof(p->type));
	p->year = sqlite3_column_int(st, 2);
	so_column_copy(st, 3, p->volume, sizeof(p->volume));
	so_column_copy(st, 4, p->authority_code, sizeof(p->authority_code));
	so_column_copy(st, 5, p->layout, sizeof(p->layout));
	so_column_copy(st, 6, p->file, sizeof(p->file));
	p->page_index = sqlite3_column_int(st, 7);
	p->has_sha256 = sqlite3_column_type(st, 8) != SQLITE_NULL;
	so_column_copy(st, 8, p->sha256, sizeof(p->sha256));
	p->row = sqlite3_column_int(st, 9);
	so_column_copy(st, 10, p->status, sizeof(p->status));
	sqlite3_reset(st);
	return 1;
}

int so_export_flags_each(struct so_store *s, int64_t record_id,
			 int (*each)(const struct so_export_flag *f, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code, severity, fields, state, message FROM flags "
					    "WHERE record_id = ?1 ORDER BY id");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the flags of a record")) == 1) {
		struct so_export_flag f = {
			so_column_text(st, 0), so_column_text(st, 1), so_column_text(st, 2),
			so_column_text(st, 3), so_column_text(st, 4),
		};
		int v = each(&f, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_export_fields_each(struct so_store *s, int64_t record_id,
			  int (*each)(const struct so_export_field *f, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT name, raw, value, code, confidence, x0, y0, x1, "
					    "y1, successor FROM fields WHERE record_id = ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the fields of a record")) == 1) {
		struct so_export_field f = {
			.name = so_column_text(st, 0),
			.raw = so_column_text(st, 1),
			.value = so_column_text(st, 2),
			.code = so_column_text(st, 3),
			.successor = so_column_text(st, 9),
			.has_confidence = sqlite3_column_type(st, 4) != SQLITE_NULL,
			.confidence = sqlite3_column_double(st, 4),
			.has_box = sqlite3_column_type(st, 5) != SQLITE_NULL,
			.box = { sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
				 sqlite3_column_int(st, 7), sqlite3_column_int(st, 8) },
		};
		int v = each(&f, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_export_layouts_each(struct so_store *s, int (*each)(const char *layout, void *ctx),
			   void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT DISTINCT layout FROM books ORDER BY id");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot list the layouts")) == 1) {
		int v = each(so_column_text(st, 0), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_export_record_ids(struct so_store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT r.id FROM records r JOIN pages p ON "
					    "p.id = r.page_id JOIN books b ON b.id = r.book_id "
					    "ORDER BY b.id, p.scan_file_id, p.page_index, r.row");
	if (!st)
		return -1;
	return ids_read(s, st, "cannot list the records", ids, n);
}

/* The Ministry's package ------------------------------------------------------------------ */

int so_moj_entries_each(struct so_store *s, int64_t book_id, int all,
			int (*each)(const struct so_moj_entry_row *e, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id, r.page_id, r.row, r.x0, r.y0, r.x1, r.y1, r.status, p.image, p.dpi, "
		"f.value FROM records r JOIN pages p ON p.id = r.page_id "
		"LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'registration_number' "
		"WHERE r.book_id = ?1 AND (r.status IN ('valid', 'approved', 'synced') OR "
		"(?2 AND r.status IN ('needs_review', 'rejected'))) "
		"ORDER BY p.scan_file_id, p.page_index, r.row");
	if (!st)
		return -1;
	so_bind_int(st, 1, book_id);
	so_bind_int(st, 2, all ? 1 : 0);
	int r;
	while ((r = so_store_step(s, st, "cannot list the entries of a book")) == 1) {
		struct so_moj_entry_row e = {
			.id = sqlite3_column_int64(st, 0),
			.page_id = sqlite3_column_int64(st, 1),
			.row = sqlite3_column_int(st, 2),
			.has_box = sqlite3_column_type(st, 3) != SQLITE_NULL &&
				   sqlite3_column_type(st, 6) != SQLITE_NULL,
			.box = { sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
				 sqlite3_column_int(st, 5), sqlite3_column_int(st, 6) },
			.status = so_column_text(st, 7),
			.image = so_column_text(st, 8),
			.page_dpi = sqlite3_column_int(st, 9),
			.number = so_column_text(st, 10),
		};
		int v = each(&e, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_moj_page_first_row(struct so_store *s, int64_t page_id, int *row, int *x0, int *y0,
			  int *x1)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT row, x0, y0, x1 FROM records "
					    "WHERE page_id = ?1 AND y0 IS NOT NULL "
					    "ORDER BY row LIMIT 1");
	if (!st)
		return -1;
	so_bind_int(st, 1, page_id);
	int r = so_store_step(s, st, "cannot read the rows of a page");
	if (r == 1) {
		*row = sqlite3_column_int(st, 0);
		*x0 = sqlite3_column_int(st, 1);
		*y0 = sqlite3_column_int(st, 2);
		*x1 = sqlite3_column_int(st, 3);
		sqlite3_reset(st);
	}
	return r;
}

int so_moj_fields_each(struct so_store *s, int64_t record_id,
		       int (*each)(const char *name, const char *raw, const char *value,
				   const char *code, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT name, raw, value, code FROM fields "
					    "WHERE record_id = ?1 ORDER BY name");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the fields of a record")) == 1) {
		int v = each(so_column_text(st, 0), so_column_text(st, 1), so_column_text(st, 2),
			     so_column_text(st, 3), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_moj_open_flags_each(struct so_store *s, int64_t record_id,
			   int (*each)(const char *code, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code FROM flags WHERE record_id = ?1 AND "
					    "state = 'open' GROUP BY code ORDER BY min(id)");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	int r;
	while ((r = so_store_step(s, st, "cannot read the flags of a record")) == 1) {
		int v = each(so_column_text(st, 0), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_moj_books_each(struct so_store *s,
		      int (*each)(int64_t id, const char *created_at, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT id, created_at FROM books ORDER BY id");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot list the books")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), so_column_text(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

/* The training set ---------------------------------------------------------------------- */

int so_training_fields_each(struct so_store *s,
			    int (*each)(const struct so_training_row *t, void *ctx), void *ctx)
{
	/* the text typed for the final value: the archivist's (fields.typed), else the keying
	 * that made it (the arbitrator's, else the latest) */
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT r.id, b.type, b.year, b.volume, b.authority_code, sf.path, p.page_index, "
		"p.image, r.row, f.name, f.x0, f.y0, f.x1, f.y1, coalesce(f.typed, t.typed), "
		"CASE WHEN f.typed IS NULL THEN t.keyer END, "
		"CASE WHEN f.typed IS NOT NULL THEN 'correction' ELSE (SELECT group_concat(role) "
		"FROM (SELECT role FROM keyings k WHERE k.record_id = f.record_id AND "
		"k.field = f.name ORDER BY k.id)) END, "
		"(SELECT count(*) FROM keyings k WHERE k.record_id = f.record_id AND "
		"k.field = f.name AND k.role <> 'arbitration'), "
		"(SELECT count(*) FROM keyings k WHERE k.record_id = f.record_id AND "
		"k.field = f.name AND k.role <> 'arbitration' AND k.value IS f.value), b.layout "
		"FROM fields f JOIN records r ON r.id = f.record_id "
		"JOIN pages p ON p.id = r.page_id JOIN scan_files sf ON sf.id = p.scan_file_id "
		"JOIN books b ON b.id = r.book_id "
		"LEFT JOIN keyings t ON t.id = (SELECT k.id FROM keyings k WHERE k.record_id = "
		"f.record_id AND k.field = f.name AND k.value IS f.value "
		"ORDER BY k.role = 'arbitration' DESC, k.id DESC LIMIT 1) "
		"WHERE f.source = 'archivist' AND coalesce(f.typed, t.typed, '') <> '' "
		"ORDER BY b.id, sf.id, p.page_index, r.row, f.name");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot list the typed fields")) == 1) {
		struct so_training_row t = {
			.record_id = sqlite3_column_int64(st, 0),
			.book_type = so_column_text(st, 1),
			.year = sqlite3_column_int(st, 2),
			.volume = so_column_text(st, 3),
			.authority = so_column_text(st, 4),
			.file = so_column_text(st, 5),
			.page_index = sqlite3_column_int(st, 6),
			.image = so_column_text(st, 7),
			.row = sqlite3_column_int(st, 8),
			.field = so_column_text(st, 9),
			.has_box = sqlite3_column_type(st, 10) != SQLITE_NULL &&
				   sqlite3_column_type(st, 13) != SQLITE_NULL,
			.box = { sqlite3_column_int(st, 10), sqlite3_column_int(st, 11),
				 sqlite3_column_int(st, 12), sqlite3_column_int(st, 13) },
			.typed = so_column_text(st, 14),
			.keyer = so_column_text(st, 15),
			.roles = so_column_text(st, 16),
			.keyings = sqlite3_column_int(st, 17),
			.agreeing = sqlite3_column_int(st, 18),
			.layout = so_column_text(st, 19),
		};
		int v = each(&t, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_training_cell_box(struct so_store *s, int64_t record_id, int col, struct so_bbox *box)
{
	sqlite3_stmt *st = so_store_stmt(s,
		"SELECT x0, y0, x1, y1 FROM cells WHERE record_id = ?1 AND col = ?2 AND "
		"x0 IS NOT NULL AND y1 IS NOT NULL");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_int(st, 2, col);
	int r = so_store_step(s, st, "cannot read a cell's box");
	if (r == 1)
		*box = (struct so_bbox){ sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
					 sqlite3_column_int(st, 2), sqlite3_column_int(st, 3) };
	return so_store_stop(st, r);
}
