/* The keying's statements on the batch store (see keying_store.h). */
#include <stdio.h>
#include <string.h>

#include "review/keying_store.h"

/* Roles ------------------------------------------------------------------------------------- */

int so_reviewer_roles_get(struct so_store *s, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT roles FROM reviewers WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	buf[0] = 0;
	int r = so_store_step(s, st, "cannot read a reviewer's roles");
	if (r == 1) {
		so_column_copy(st, 0, buf, size);
		sqlite3_reset(st);
	}
	return r;
}

int so_reviewer_roles_put(struct so_store *s, const char *name, const char *roles)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE reviewers SET roles = ?2 WHERE name = ?1");
	if (!st)
		return -1;
	so_bind_text(st, 1, name);
	so_bind_text(st, 2, roles);
	if (so_store_step_done(s, st) < 0)
		return -1;
	return so_store_changes(s) > 0;
}

/* Keyings ----------------------------------------------------------------------------------- */

int so_keying_add(struct so_store *s, const struct so_keying_row *k, int64_t *id)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO keyings (record_id, field, kind, keyer, "
					    "typed, value, code, seconds, at, role) VALUES (?1, ?2, "
					    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!st)
		return -1;
	so_bind_int(st, 1, k->record_id);
	so_bind_text(st, 2, k->field);
	so_bind_text(st, 3, k->kind);
	so_bind_text(st, 4, k->keyer);
	so_bind_text(st, 5, k->typed ? k->typed : "");
	so_bind_text(st, 6, k->value);
	so_bind_text(st, 7, k->code);
	if (k->seconds >= 0)
		so_bind_real(st, 8, k->seconds);
	else
		so_bind_text(st, 8, NULL);
	if (k->at)
		so_bind_text(st, 9, k->at);
	else
		so_bind_now(st, 9);
	so_bind_text(st, 10, k->role);
	if (so_store_step_done(s, st) < 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(so_store_db(s));
	return 0;
}

int so_keyings_each(struct so_store *s, int64_t record_id, const char *field,
		    int (*each)(const struct so_keying_row *k, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT id, kind, keyer, typed, value, code, "
					    "coalesce(seconds, -1), at, role FROM keyings WHERE "
					    "record_id = ?1 AND field = ?2 ORDER BY id");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, field);
	int r;
	while ((r = so_store_step(s, st, "cannot read the keyings")) == 1) {
		struct so_keying_row k = {
			.id = sqlite3_column_int64(st, 0), .record_id = record_id, .field = field,
			.kind = so_column_text(st, 1), .keyer = so_column_text(st, 2),
			.typed = so_column_text(st, 3), .value = so_column_text(st, 4),
			.code = so_column_text(st, 5), .seconds = sqlite3_column_double(st, 6),
			.at = so_column_text(st, 7), .role = so_column_text(st, 8),
		};
		int v = each(&k, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_keying_by(struct so_store *s, int64_t record_id, const char *field, const char *keyer)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT 1 FROM keyings WHERE record_id = ?1 AND "
					    "field = ?2 AND keyer = ?3");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, field);
	so_bind_text(st, 3, keyer);
	int r = so_store_step(s, st, "cannot read the keyings");
	if (r == 1)
		sqlite3_reset(st);
	return r;
}

int so_keying_field_get(struct so_store *s, int64_t record_id, const char *field,
			struct so_keying_field *f)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT mode, needed, spot, state, (SELECT count(*) "
					    "FROM keyings k WHERE k.record_id = f.record_id AND "
					    "k.field = f.field AND k.role <> 'arbitration') FROM "
					    "keying_fields f WHERE record_id = ?1 AND field = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, field);
	memset(f, 0, sizeof(*f));
	int r = so_store_step(s, st, "cannot read a field's keying");
	if (r == 1) {
		so_column_copy(st, 0, f->mode, sizeof(f->mode));
		f->needed = sqlite3_column_int(st, 1);
		f->spot = sqlite3_column_int(st, 2);
		so_column_copy(st, 3, f->state, sizeof(f->state));
		f->keyings = sqlite3_column_int64(st, 4);
		sqlite3_reset(st);
	}
	return r;
}

int so_keying_field_start(struct so_store *s, int64_t record_id, const char *field,
			  const char *mode, int needed, int spot)
{
	sqlite3_stmt *st = so_store_stmt(s, "INSERT INTO keying_fields (record_id, field, mode, "
					    "needed, spot) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, field);
	so_bind_text(st, 3, mode);
	so_bind_int(st, 4, needed);
	so_bind_int(st, 5, spot);
	return so_store_step_done(s, st);
}

int so_keying_field_state(struct so_store *s, int64_t record_id, const char *field,
			  const char *state, const char *value, const char *code)
{
	sqlite3_stmt *st = so_store_stmt(s, "UPDATE keying_fields SET state = ?3, value = ?4, "
					    "code = ?5 WHERE record_id = ?1 AND field = ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, record_id);
	so_bind_text(st, 2, field);
	so_bind_text(st, 3, state);
	so_bind_text(st, 4, value);
	so_bind_text(st, 5, code);
	return so_store_step_done(s, st);
}

/* What waits for a person ------------------------------------------------------------------- */

int so_handwritten_each(struct so_store *s, int64_t after, long limit,
			int (*each)(int64_t record_id, const char *fields, void *ctx), void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT g.record_id, g.fields FROM flags g JOIN "
					    "records r ON r.id = g.record_id WHERE g.code = "
					    "'HANDWRITTEN' AND g.state = 'open' AND g.record_id > ?1 "
					    "AND r.status NOT IN ('approved', 'rejected', 'synced') "
					    "ORDER BY g.record_id, g.id LIMIT ?2");
	if (!st)
		return -1;
	so_bind_int(st, 1, after);
	so_bind_int(st, 2, limit);
	int r;
	while ((r = so_store_step(s, st, "cannot read the handwritten fields")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), so_column_text(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_keying_conflicts_each(struct so_store *s, long limit,
			     int (*each)(int64_t record_id, const char *field, void *ctx),
			     void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT f.record_id, f.field FROM keying_fields f JOIN "
					    "records r ON r.id = f.record_id WHERE f.state = "
					    "'conflict' AND r.status <> 'synced' ORDER BY f.record_id, "
					    "f.field LIMIT ?1");
	if (!st)
		return -1;
	so_bind_int(st, 1, limit);
	int r;
	while ((r = so_store_step(s, st, "cannot read the keying conflicts")) == 1) {
		int v = each(sqlite3_column_int64(st, 0), so_column_text(st, 1), ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_keying_conflicts_count(struct so_store *s, int64_t *n)
{
	sqlite3_stmt *st = so_store_stmt(s, "SELECT count(*) FROM keying_fields f JOIN records r "
					    "ON r.id = f.record_id WHERE f.state = 'conflict' AND "
					    "r.status <> 'synced'");
	if (!st)
		return -1;
	*n = 0;
	int r = so_store_step(s, st, "cannot count the keying conflicts");
	if (r == 1) {
		*n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return r < 0 ? -1 : 0;
}

/* Keyers ------------------------------------------------------------------------------------ */

/* A keying agrees with the value accepted when both have a code and the codes are the same, or
 * else when the canonical values are (keying.h: so_keying_agree). */
#define KEYERS_SELECT \
	"SELECT k.keyer, k.kind, count(*), sum(f.state = 'accepted'), sum(f.state = 'accepted' " \
	"AND CASE WHEN k.code IS NOT NULL AND f.code IS NOT NULL THEN k.code = f.code ELSE " \
	"k.value IS f.value END), avg(k.seconds) FROM keyings k LEFT JOIN keying_fields f ON " \
	"f.record_id = k.record_id AND f.field = k.field WHERE k.role <> 'arbitration' "

static void keyer_row(sqlite3_stmt *st, struct so_keyer_row *r)
{
	r->keyer = so_column_text(st, 0);
	r->kind = so_column_text(st, 1);
	r->keyed = sqlite3_column_int64(st, 2);
	r->decided = sqlite3_column_int64(st, 3);
	r->agreed = sqlite3_column_int64(st, 4);
	r->seconds = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 5);
}

int so_keyers_each(struct so_store *s, int (*each)(const struct so_keyer_row *r, void *ctx),
		   void *ctx)
{
	sqlite3_stmt *st = so_store_stmt(s, KEYERS_SELECT "GROUP BY k.keyer, k.kind ORDER BY "
					    "k.keyer, k.kind");
	if (!st)
		return -1;
	int r;
	while ((r = so_store_step(s, st, "cannot read the keyers' statistics")) == 1) {
		struct so_keyer_row row;
		keyer_row(st, &row);
		int v = each(&row, ctx);
		if (v != 0)
			return so_store_stop(st, v);
	}
	return r;
}

int so_keyer_get(struct so_store *s, const char *keyer, const char *kind,
		 struct so_keyer_row *r)
{
	sqlite3_stmt *st = so_store_stmt(s, KEYERS_SELECT "AND k.keyer = ?1 AND k.kind = ?2 "
					    "GROUP BY k.keyer, k.kind");
	if (!st)
		return -1;
	so_bind_text(st, 1, keyer);
	so_bind_text(st, 2, kind);
	memset(r, 0, sizeof(*r));
	int got = so_store_step(s, st, "cannot read a keyer's statistics");
	if (got == 1) {
		keyer_row(st, r);
		r->keyer = r->kind = NULL;
		sqlite3_reset(st);
	}
	return got;
}
