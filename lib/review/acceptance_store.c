/* Batch acceptance's statements (see acceptance_store.h). */
#include "review/acceptance_store.h"

#include <string.h>

#include "base/error.h"

#define BOOK_KEY " (b.type || '-' || b.year || '-' || b.volume || '-' || b.authority_code) "

int so_acc_series_get(struct so_store *s, const char *series, struct so_acc_state *st)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT severity, score, recent, recent_n, "
					   "tight_accepted, tight_rejected, lots FROM "
					   "acceptance_series WHERE series = ?1");
	if (!q)
		return -1;
	so_bind_text(q, 1, series);
	int r = so_store_step(s, q, "cannot read the acceptance series");
	if (r != 1)
		return r;
	so_acc_state_init(st);
	if (so_acc_severity_parse(so_column_text(q, 0), &st->severity) < 0)
		st->severity = SO_ACC_NORMAL;
	st->score = sqlite3_column_int(q, 1);
	st->recent = (unsigned)sqlite3_column_int(q, 2);
	st->recent_n = sqlite3_column_int(q, 3);
	st->tight_accepted = sqlite3_column_int(q, 4);
	st->tight_rejected = sqlite3_column_int(q, 5);
	st->lots = sqlite3_column_int(q, 6);
	sqlite3_reset(q);
	return 1;
}

int so_acc_series_put(struct so_store *s, const char *series, const struct so_acc_state *st)
{
	sqlite3_stmt *q = so_store_stmt(s, "INSERT INTO acceptance_series (series, severity, "
					   "score, recent, recent_n, tight_accepted, tight_rejected, "
					   "lots, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
					   "?9) ON CONFLICT (series) DO UPDATE SET severity = ?2, "
					   "score = ?3, recent = ?4, recent_n = ?5, tight_accepted = "
					   "?6, tight_rejected = ?7, lots = ?8, updated_at = ?9");
	if (!q)
		return -1;
	so_bind_text(q, 1, series);
	so_bind_text(q, 2, so_acc_severity_name(st->severity));
	so_bind_int(q, 3, st->score);
	so_bind_int(q, 4, st->recent);
	so_bind_int(q, 5, st->recent_n);
	so_bind_int(q, 6, st->tight_accepted);
	so_bind_int(q, 7, st->tight_rejected);
	so_bind_int(q, 8, st->lots);
	so_bind_now(q, 9);
	return so_store_step_done(s, q);
}

int so_acc_book_find(struct so_store *s, const char *key, int64_t *id)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT b.id FROM books b WHERE" BOOK_KEY "= ?1");
	if (!q)
		return -1;
	so_bind_text(q, 1, key);
	int r = so_store_step(s, q, "cannot find the book");
	if (r == 1) {
		*id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	return r;
}

/* Gives EACH the record id in column 0 of every row of the bound statement Q. The lot's
 * decided records and its members are read the same way, so the loop and its stop are
 * written once. */
static int record_ids_each(struct so_store *s, sqlite3_stmt *q,
			   int (*each)(int64_t record_id, void *ctx), void *ctx)
{
	int r;
	while ((r = so_store_step(s, q, "cannot read the lot's records")) == 1) {
		int v = each(sqlite3_column_int64(q, 0), ctx);
		if (v)
			return so_store_stop(q, v);
	}
	return r;
}

int so_acc_decided_each(struct so_store *s, int64_t book_id,
			int (*each)(int64_t record_id, void *ctx), void *ctx)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT id FROM records WHERE status IN ('valid', "
					   "'approved') AND (?1 IS NULL OR book_id = ?1) ORDER BY id");
	if (!q)
		return -1;
	so_bind_id(q, 1, book_id);
	return record_ids_each(s, q, each, ctx);
}

#define LOT_COLUMNS "l.id, l.series, l.book_id, l.lot_size, l.sample_size, l.code_letter, " \
	"l.plan_letter, l.ac, l.re, l.full, l.aql, l.level, l.severity, l.seed, l.state, " \
	"l.defects, l.created_by, l.created_at, l.decided_at, (SELECT count(*) FROM " \
	"acceptance_members m WHERE m.lot_id = l.id AND m.sample_pos IS NOT NULL AND " \
	"m.defect IS NOT NULL), (SELECT count(*) FROM acceptance_members m WHERE m.lot_id = " \
	"l.id AND m.defect = 1) "

static void lot_read(sqlite3_stmt *q, struct so_acc_lot_row *l)
{
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(q, 0);
	so_column_copy(q, 1, l->series, sizeof(l->series));
	l->book_id = sqlite3_column_int64(q, 2);
	l->lot_size = sqlite3_column_int64(q, 3);
	l->sample_size = sqlite3_column_int64(q, 4);
	so_column_copy(q, 5, l->code_letter, sizeof(l->code_letter));
	so_column_copy(q, 6, l->plan_letter, sizeof(l->plan_letter));
	l->ac = sqlite3_column_int(q, 7);
	l->re = sqlite3_column_int(q, 8);
	l->full = sqlite3_column_int(q, 9);
	so_column_copy(q, 10, l->aql, sizeof(l->aql));
	so_column_copy(q, 11, l->level, sizeof(l->level));
	so_column_copy(q, 12, l->severity, sizeof(l->severity));
	l->seed = sqlite3_column_int64(q, 13);
	so_column_copy(q, 14, l->state, sizeof(l->state));
	l->defects = sqlite3_column_type(q, 15) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 15);
	so_column_copy(q, 16, l->created_by, sizeof(l->created_by));
	so_column_copy(q, 17, l->created_at, sizeof(l->created_at));
	so_column_copy(q, 18, l->decided_at, sizeof(l->decided_at));
	l->checked = sqlite3_column_int64(q, 19);
	l->found = sqlite3_column_int64(q, 20);
}

int so_acc_lot_add(struct so_store *s, struct so_acc_lot_row *l)
{
	sqlite3_stmt *q = so_store_stmt(s, "INSERT INTO acceptance_lots (series, book_id, "
					   "lot_size, code_letter, plan_letter, sample_size, ac, re, "
					   "aql, level, severity, seed, full, created_by, created_at) "
					   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
					   "?13, ?14, ?15)");
	if (!q)
		return -1;
	so_bind_text(q, 1, l->series);
	so_bind_id(q, 2, l->book_id);
	so_bind_int(q, 3, l->lot_size);
	so_bind_text(q, 4, l->code_letter);
	so_bind_text(q, 5, l->plan_letter);
	so_bind_int(q, 6, l->sample_size);
	so_bind_int(q, 7, l->ac);
	so_bind_int(q, 8, l->re);
	so_bind_text(q, 9, l->aql);
	so_bind_text(q, 10, l->level);
	so_bind_text(q, 11, l->severity);
	so_bind_int(q, 12, l->seed);
	so_bind_int(q, 13, l->full);
	so_bind_text(q, 14, l->created_by);
	so_bind_now(q, 15);
	if (so_store_step_done(s, q) < 0)
		return -1;
	l->id = sqlite3_last_insert_rowid(so_store_db(s));
	return 0;
}

int so_acc_lot_get(struct so_store *s, int64_t id, struct so_acc_lot_row *l)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT " LOT_COLUMNS "FROM acceptance_lots l "
					   "WHERE l.id = ?1");
	if (!q)
		return -1;
	so_bind_int(q, 1, id);
	int r = so_store_step(s, q, "cannot read the lot");
	if (r == 1) {
		lot_read(q, l);
		sqlite3_reset(q);
	}
	return r;
}

int so_acc_lot_open_find(struct so_store *s, const char *series, int64_t *id)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT id FROM acceptance_lots WHERE series = ?1 AND "
					   "state = 'open' ORDER BY id DESC LIMIT 1");
	if (!q)
		return -1;
	so_bind_text(q, 1, series);
	int r = so_store_step(s, q, "cannot read the open lots");
	if (r == 1) {
		*id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	return r;
}

int so_acc_lots_each(struct so_store *s, int (*each)(const struct so_acc_lot_row *l, void *ctx),
		     void *ctx)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT " LOT_COLUMNS "FROM acceptance_lots l "
					   "ORDER BY l.id DESC");
	if (!q)
		return -1;
	int r;
	while ((r = so_store_step(s, q, "cannot read the lots")) == 1) {
		struct so_acc_lot_row l;
		lot_read(q, &l);
		int v = each(&l, ctx);
		if (v)
			return so_store_stop(q, v);
	}
	return r;
}

int so_acc_lot_decide(struct so_store *s, int64_t id, const char *state, int64_t defects)
{
	sqlite3_stmt *q = so_store_stmt(s, "UPDATE acceptance_lots SET state = ?2, defects = ?3, "
					   "decided_at = ?4 WHERE id = ?1 AND state = 'open'");
	if (!q)
		return -1;
	so_bind_int(q, 1, id);
	so_bind_text(q, 2, state);
	so_bind_int(q, 3, defects);
	so_bind_now(q, 4);
	return so_store_step_done(s, q);
}

int so_acc_member_add(struct so_store *s, int64_t lot_id, int64_t record_id, int64_t sample_pos)
{
	sqlite3_stmt *q = so_store_stmt(s, "INSERT INTO acceptance_members (lot_id, record_id, "
					   "sample_pos) VALUES (?1, ?2, ?3)");
	if (!q)
		return -1;
	so_bind_int(q, 1, lot_id);
	so_bind_int(q, 2, record_id);
	so_bind_id(q, 3, sample_pos);
	return so_store_step_done(s, q);
}

int so_acc_samples_each(struct so_store *s, int64_t lot_id,
			int (*each)(const struct so_acc_sample_row *r, void *ctx), void *ctx)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT m.record_id, m.sample_pos," BOOK_KEY ", f.name, "
					   "p.page_index, r.row, r.status, m.checker, m.defect, "
					   "m.note, m.checked_at FROM acceptance_members m JOIN "
					   "records r ON r.id = m.record_id JOIN books b ON b.id = "
					   "r.book_id JOIN pages p ON p.id = r.page_id JOIN "
					   "scan_files f ON f.id = p.scan_file_id WHERE m.lot_id = ?1 "
					   "AND m.sample_pos IS NOT NULL ORDER BY m.sample_pos");
	if (!q)
		return -1;
	so_bind_int(q, 1, lot_id);
	int r;
	while ((r = so_store_step(s, q, "cannot read the sample")) == 1) {
		struct so_acc_sample_row row = {
			.record_id = sqlite3_column_int64(q, 0),
			.sample_pos = sqlite3_column_int64(q, 1),
			.book = so_column_text(q, 2),
			.file = so_column_text(q, 3),
			.page_index = sqlite3_column_int(q, 4),
			.row = sqlite3_column_int(q, 5),
			.status = so_column_text(q, 6),
			.checker = so_column_text(q, 7),
			.defect = sqlite3_column_type(q, 8) == SQLITE_NULL ? -1 :
				  sqlite3_column_int(q, 8),
			.note = so_column_text(q, 9),
			.checked_at = so_column_text(q, 10),
		};
		int v = each(&row, ctx);
		if (v)
			return so_store_stop(q, v);
	}
	return r;
}

int so_acc_members_each(struct so_store *s, int64_t lot_id,
			int (*each)(int64_t record_id, void *ctx), void *ctx)
{
	sqlite3_stmt *q = so_store_stmt(s, "SELECT record_id FROM acceptance_members WHERE "
					   "lot_id = ?1 ORDER BY record_id");
	if (!q)
		return -1;
	so_bind_int(q, 1, lot_id);
	return record_ids_each(s, q, each, ctx);
}

int so_acc_check_set(struct so_store *s, int64_t lot_id, int64_t record_id, const char *checker,
		     int defect, const char *note)
{
	sqlite3_stmt *q = so_store_stmt(s, "UPDATE acceptance_members SET checker = ?3, defect = "
					   "?4, note = ?5, checked_at = ?6 WHERE lot_id = ?1 AND "
					   "record_id = ?2 AND sample_pos IS NOT NULL");
	if (!q)
		return -1;
	so_bind_int(q, 1, lot_id);
	so_bind_int(q, 2, record_id);
	so_bind_text(q, 3, checker);
	so_bind_int(q, 4, defect ? 1 : 0);
	so_bind_opt(q, 5, note);
	so_bind_now(q, 6);
	if (so_store_step_done(s, q) < 0)
		return -1;
	return so_store_changes(s) > 0;
}
