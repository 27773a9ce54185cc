/* The archivists' review: accounts, sessions, the queue, a record, changes, images (see
 * review.h). */
#include <crypt.h>
#include <errno.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "base/embed.h"
#include "base/error.h"
#include "base/util.h"
#include "check/records.h"
#include "check/rules.h"
#include "deliver/export.h"
#include "register/fields.h"
#include "register/layout.h"
#include "register/normalize.h"
#include "review/review.h"
#include "review/review_store.h"

/* Accounts ------------------------------------------------------------------------------------ */

#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024

static int name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* The yescrypt hash of PASSWORD with SETTING (a fresh salt, or a stored hash to check against).
 * crypt takes passphrases shorter than CRYPT_MAX_PASSPHRASE_SIZE (512 bytes); a longer one
 * (up to PASSWORD_MAX) is hashed as "sha256:" and its SHA-256 in hex, so that every
 * password the accounts allow can be set and checked. Caller frees. NULL with the error
 * set. */
static char *hash_with(const char *password, const char *setting)
{
	char digest[7 + SO_SHA256_HEX] = "sha256:";
	if (strlen(password) >= CRYPT_MAX_PASSPHRASE_SIZE) {
		struct so_sha256 sh;
		if (so_sha256_init(&sh) < 0)
			return NULL;
		int r = so_sha256_update(&sh, password, strlen(password));
		if (r == 0)
			r = so_sha256_final(&sh, digest + 7);
		so_sha256_release(&sh);
		if (r < 0)
			return NULL;
		password = digest;
	}
	struct crypt_data *cd = so_calloc(1, sizeof(*cd));
	if (!cd)
		return NULL;
	const char *h = crypt_r(password, setting, cd);
	char *out = NULL;
	if (!h || h[0] == '*')
		so_error("cannot hash a password: %s", strerror(errno ? errno : EINVAL));
	else
		out = so_strdup(h);
	explicit_bzero(cd, sizeof(*cd));
	explicit_bzero(digest, sizeof(digest));
	free(cd);
	return out;
}

static char *hash_new(const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt))) {
		so_error("cannot make a password salt: %s", strerror(errno));
		return NULL;
	}
	return hash_with(password, salt);
}

int so_reviewer_add(struct so_store *s, const char *name, const char *password, int replace)
{
	if (!name_ok(name))
		return so_error("a reviewer name is 1 to 64 letters, digits, '.', '_' or '-': '%s'",
				name ? name : "");
	size_t pl = password ? strlen(password) : 0;
	if (pl < PASSWORD_MIN)
		return so_error("a password has at least %d characters", PASSWORD_MIN);
	if (pl > PASSWORD_MAX)
		return so_error("a password has at most %d characters", PASSWORD_MAX);
	char *hash = hash_new(password);
	if (!hash)
		return -1;
	char now[SO_TIME_LEN];
	so_now_iso(now);
	int r = -1;
	if (so_store_begin(s) < 0)
		goto done;
	int exists = so_reviewer_exists(s, name);
	if (exists < 0)
		goto rollback;
	if (exists && !replace) {
		so_error("the reviewer '%s' exists already", name);
		goto rollback;
	}
	if (so_reviewer_save(s, name, hash, now) < 0)
		goto rollback;
	/* a new password ends the sessions opened with the old one */
	if (so_sessions_end(s, name) < 0 ||
	    so_audit_add(s, "sohoa", 0, exists ? "reviewer_rekey" : "reviewer_add", NULL, NULL,
			 name) < 0 ||
	    so_store_commit(s) < 0)
		goto rollback;
	r = 0;
	goto done;
rollback:
	so_store_rollback(s);
done:
	free(hash);
	return r;
}

int so_reviewer_remove(struct so_store *s, const char *name)
{
	if (so_store_begin(s) < 0)
		return -1;
	if (so_sessions_end(s, name) < 0)
		goto fail;
	int removed = so_reviewer_delete(s, name);
	if (removed < 0)
		goto fail;
	if ((removed && so_audit_add(s, "sohoa", 0, "reviewer_remove", NULL, name, NULL) < 0) ||
	    so_store_commit(s) < 0)
		goto fail;
	return removed;
fail:
	so_store_rollback(s);
	return -1;
}

static json_t *str_or_null(const char *t)
{
	return t ? json_string(t) : json_null();
}

static int reviewer_listed(const struct so_reviewer_row *r, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:o, s:I}", "name", r->name,
					     "created_at", r->created_at,
					     "last_login", str_or_null(r->last_login),
					     "failed_logins", (json_int_t)r->failed_logins));
	return 0;
}

json_t *so_reviewer_list(struct so_store *s)
{
	json_t *list = json_array();
	if (!list || so_reviewer_each(s, reviewer_listed, list) < 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* A hash of a password nobody has, so that an unknown name costs what a known one does: made
 * once per process (pthread_once), read-only after. */
static char *decoy;
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void decoy_make(void)
{
	decoy = hash_new("sohoa: no such reviewer");
}

int so_reviewer_check(struct so_store *s, const char *name, const char *password)
{
	pthread_once(&decoy_once, decoy_make);
	if (!decoy)
		return -1;
	if (!password || strlen(password) > PASSWORD_MAX)
		return 0;
	char stored[256] = "";
	if (name_ok(name) && so_reviewer_hash(s, name, stored, sizeof(stored)) < 0)
		return -1;
	char *h = hash_with(password, stored[0] ? stored : decoy);
	if (!h)
		return -1;
	size_t n = strlen(h);
	unsigned diff = stored[0] ? (unsigned)(n ^ strlen(stored)) : 1;
	for (size_t i = 0; stored[0] && i < n && i < sizeof(stored); i++)
		diff |= (unsigned char)h[i] ^ (unsigned char)stored[i];
	free(h);
	return diff == 0;
}

/* Sessions ------------------------------------------------------------------------------------ */

/* 32 random bytes as base64url without padding (43 characters). */
static int token_new(char out[SO_TOKEN_LEN])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33] = { 0 };
	size_t got = 0;
	while (got < 32) {
		ssize_t n = getrandom(r + got, 32 - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return so_error("no randomness for a session: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	size_t o = 0;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 | r[i + 2];
		for (int k = 3; k >= 0 && o < SO_TOKEN_LEN - 1; k--)
			out[o++] = b64[(v >> (6 * k)) & 63];
	}
	out[SO_TOKEN_LEN - 1] = '\0';
	explicit_bzero(r, sizeof(r));
	return 0;
}

static int token_hash(const char *token, char hex[SO_SHA256_HEX])
{
	struct so_sha256 h;
	if (so_sha256_init(&h) < 0)
		return -1;
	int r = so_sha256_update(&h, token, strlen(token));
	if (r == 0)
		r = so_sha256_final(&h, hex);
	so_sha256_release(&h);
	return r;
}

int so_session_open(struct so_store *s, const char *name, long ttl, char token[SO_TOKEN_LEN],
		    char csrf[SO_TOKEN_LEN])
{
	char hex[SO_SHA256_HEX], now[SO_TIME_LEN];
	if (token_new(token) < 0 || token_new(csrf) < 0 || token_hash(token, hex) < 0)
		return -1;
	so_now_iso(now);
	if (so_store_begin(s) < 0)
		return -1;
	/* sessions that ended are forgotten */
	if (so_sessions_expire(s, (int64_t)time(NULL)) < 0)
		goto fail;
	int added = so_session_add(s, hex, name, csrf, now,
				   (int64_t)time(NULL) + (ttl > 0 ? ttl : 8 * 3600));
	if (added < 0)
		goto fail;
	if (!added) {
		so_error("no reviewer '%s'", name);
		goto fail;
	}
	if (so_reviewer_logged_in(s, name, now) < 0 ||
	    so_audit_add(s, name, 0, "login", NULL, NULL, NULL) < 0 ||
	    so_store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	so_store_rollback(s);
	return -1;
}

int so_session_check(struct so_store *s, const char *token, char *name, size_t size,
		     char csrf[SO_TOKEN_LEN])
{
	if (!token || strlen(token) != SO_TOKEN_LEN - 1)
		return 0;
	char hex[SO_SHA256_HEX];
	if (token_hash(token, hex) < 0)
		return -1;
	return so_session_find(s, hex, (int64_t)time(NULL), name, size, csrf);
}

int so_session_close(struct so_store *s, const char *token)
{
	char hex[SO_SHA256_HEX];
	if (!token || token_hash(token, hex) < 0)
		return -1;
	return so_session_delete(s, hex);
}

/* The queue ----------------------------------------------------------------------------------- */

/* Splits "A,B,C" into a JSON array of strings. */
static json_t *split_codes(const char *text)
{
	json_t *a = json_array();
	if (!text)
		return a;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p += n + (e ? 1 : 0);
	}
	return a;
}

static int queue_item(const struct so_queue_row *r, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:i, s:o, s:o, s:o, "
					     "s:o, s:o}",
		"id", (json_int_t)r->id, "book", r->book, "file", r->file,
		"page_index", r->page_index, "row", r->row, "status", r->status,
		"version", r->version, "registration_number", str_or_null(r->registration_number),
		"name", str_or_null(r->name), "flags", split_codes(r->flags),
		"taken_by", str_or_null(r->taken_by),
		"taken_until", r->taken_by ? json_integer(r->taken_until) : json_null()));
	return 0;
}

static int queue_book(const struct so_queue_book *qb, void *ctx)
{
	struct so_book b = { 0 };
	snprintf(b.type, sizeof(b.type), "%s", qb->type);
	b.year = qb->year;
	snprintf(b.volume, sizeof(b.volume), "%s", qb->volume);
	snprintf(b.authority_code, sizeof(b.authority_code), "%s", qb->authority_code);
	char label[128];
	so_book_describe(&b, label, sizeof(label));
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:I}",
		"key", qb->key, "label", label, "type", b.type, "year", b.year,
		"volume", b.volume, "authority_code", b.authority_code,
		"count", (json_int_t)qb->count));
	return 0;
}

static int queue_flag(const char *code, int64_t count, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:s, s:I}", "code", code,
					     "count", (json_int_t)count));
	return 0;
}

json_t *so_review_queue(struct so_store *s, const struct so_review_filter *f)
{
	long limit = f && f->limit > 0 ? f->limit : 100, offset = f && f->offset > 0 ? f->offset : 0;
	json_t *out = json_object(), *items = json_array(), *books = json_array(),
	       *flags = json_array();
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "books", books);
	json_object_set_new(out, "flags", flags);
	int64_t total;
	if (so_queue_count(s, f, &total) < 0)
		goto fail;
	json_object_set_new(out, "total", json_integer(total));
	/* the choices of the filters: books and flag codes among records of this status */
	if (so_queue_each(s, f, limit, offset, queue_item, items) < 0 ||
	    so_queue_books_each(s, f, queue_book, books) < 0 ||
	    so_queue_flags_each(s, f, queue_flag, flags) < 0)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* One record ---------------------------------------------------------------------------------- */

/* The record's book, layout, status and version. */
struct rec_info {
	int64_t id, book_id, page_id;
	struct so_book book;
	char status[24];
	int version;
	struct so_bbox row;
};

/* The size of the prepared page PAGE_ID (boxes are in its pixels: at 300 dpi, whatever the
 * scan's resolution), read from the image's header; 0 when there is no readable image. */
static int prepared_size(struct so_store *s, int64_t page_id, int *w, int *h)
{
	struct so_page p;
	*w = *h = 0;
	if (so_page_get(s, page_id, &p) < 0 || !p.image[0])
		return 0;
	char *path = so_asprintf("%s/%s", so_store_dir(s), p.image);
	int format, bps, spp, cmap, ok = path && pixReadHeader(path, &format, w, h, &bps, &spp,
							      &cmap) == 0;
	free(path);
	return ok && *w > 0 && *h > 0;
}

/* The cell of the row that holds FIELD (the column's position, 1-based), 0 for none. */
static int field_cell(const struct so_layout *l, const char *field)
{
	const struct so_column *col = so_field_column(l, field, NULL);
	return col ? (int)(col - l->columns) + 1 : 0;
}

/* 1 found, 0 no such record (error set), -1 error. */
static int rec_info_get(struct so_store *s, int64_t id, struct rec_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	struct so_review_head h;
	int found = so_review_head_get(s, id, &h);
	if (found == 1) {
		ri->id = id;
		ri->book_id = h.book_id;
		ri->page_id = h.page_id;
		snprintf(ri->status, sizeof(ri->status), "%s", h.status);
		ri->version = h.version;
		ri->row = h.row;
		return so_book_get(s, ri->book_id, &ri->book) < 0 ? -1 : 1;
	}
	if (found < 0)
		return -1;
	so_error("Không có bản ghi %lld — no record %lld", (long long)id, (long long)id);
	return 0;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static int flag_shown(const struct so_review_flag *g, void *ctx)
{
	json_t *names = json_loads(g->fields, 0, NULL);
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s}",
		"id", (json_int_t)g->id, "code", g->code, "severity", g->severity,
		"fields", names ? names : json_array(), "state", g->state, "message", g->message,
		"source", g->source));
	return 0;
}

static int audit_shown(const struct so_audit_row *a, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
		"at", str_or_null(a->at), "actor", str_or_null(a->actor),
		"action", str_or_null(a->action), "field", str_or_null(a->field),
		"before", str_or_null(a->before), "after", str_or_null(a->after)));
	return 0;
}

static int twin_counted(int64_t record_id, int64_t flag_id, void *ctx)
{
	(void)record_id;
	(void)flag_id;
	(*(int64_t *)ctx)++;
	return 0;
}

/* The one field open flag G is about, or NULL when it is about none or several, or when it
 * is confirmed otherwise than record by record (a page's layout). */
static const char *group_field(json_t *g)
{
	const char *state = json_string_value(json_object_get(g, "state"));
	const char *code = json_string_value(json_object_get(g, "code"));
	json_t *names = json_object_get(g, "fields");
	if (!state || strcmp(state, "open") != 0 || !code ||
	    strcmp(code, SO_LAYOUT_UNCERTAIN) == 0 || json_array_size(names) != 1)
		return NULL;
	return json_string_value(json_array_get(names, 0));
}

/* Each open flag of FLAGS (record ID's) that other records share gains "group": their number
 * and this one. */
static int flags_group(struct so_store *s, int64_t id, json_t *flags, const char *viewer,
		       int64_t now)
{
	size_t i;
	json_t *g;
	json_array_foreach(flags, i, g) {
		const char *field = group_field(g);
		if (!field)
			continue;
		int64_t others = 0;
		if (so_flag_twins_each(s, id, json_integer_value(json_object_get(g, "id")), field,
				       viewer, now, twin_counted, &others) < 0)
			return -1;
		if (others > 0)
			json_object_set_new(g, "group", json_integer(others + 1));
	}
	return 0;
}

json_t *so_review_record(struct so_store *s, int64_t id, const struct so_review_filter *f)
{
	struct rec_info ri;
	if (rec_info_get(s, id, &ri) <= 0)
		return NULL;
	struct so_layout *layout = NULL;
	if (so_layout_load(ri.book.layout, &layout) < 0)
		return NULL;
	json_t *rec = so_export_record(s, id);
	if (!rec) {
		so_layout_free(layout);
		return NULL;
	}
	char key[128];
	snprintf(key, sizeof(key), "%s-%d-%s-%s", ri.book.type, ri.book.year, ri.book.volume,
		 ri.book.authority_code);
	json_object_set_new(rec, "id", json_integer(id));
	json_object_set_new(rec, "version", json_integer(ri.version));
	json_object_set_new(rec, "book_key", json_string(key));
	json_object_set_new(rec, "page_id", json_integer(ri.page_id));
	json_object_set_new(rec, "row_box", json_pack("[i, i, i, i]", ri.row.x0, ri.row.y0,
						      ri.row.x1, ri.row.y1));
	int pw, ph;
	json_object_set_new(rec, "page_size", prepared_size(s, ri.page_id, &pw, &ph)
					      ? json_pack("[i, i]", pw, ph) : json_null());
	/* each field: label, kind, source; the order of the columns */
	json_t *fields = json_object_get(rec, "fields"), *order = json_array();
	json_object_set_new(rec, "order", order);
	const char *name;
	json_t *fv;
	json_object_foreach(fields, name, fv) {
		json_array_append_new(order, json_string(name));
		char label[256];
		so_field_label(layout, name, 1, label, sizeof(label));
		enum so_kind kind = so_field_kind(layout, name);
		if (json_is_null(fv)) {
			fv = json_pack("{s:n, s:n, s:n, s:n, s:[]}", "value", "raw", "confidence",
				       "bbox", "flags");
			json_object_set_new(fields, name, fv);
		}
		json_object_set_new(fv, "label", json_string(label));
		json_object_set_new(fv, "kind", json_string(so_kind_name(kind == SO_KIND_NONE ? SO_KIND_TEXT : kind)));
		struct so_field_origin o;
		int stored = so_field_origin_get(s, id, name, &o);
		if (stored < 0)
			goto fail;
		/* a field without a box of its own (not read, unreadable, blotted) shows its cell:
		 * those are exactly the fields to read from the image */
		if (!(stored && o.has_box) && json_is_null(json_object_get(fv, "bbox"))) {
			struct so_bbox cb;
			int got = so_field_box_get(s, id, name, field_cell(layout, name), &cb);
			if (got < 0)
				goto fail;
			if (got)
				json_object_set_new(fv, "bbox", json_pack("[i, i, i, i]", cb.x0, cb.y0,
									  cb.x1, cb.y1));
		}
		if (stored) {
			json_object_set_new(fv, "source",
					    o.has_source ? json_string(o.source) : json_null());
			/* an empty cell keeps its box: the archivist sees it is empty in the book */
			if (json_is_null(json_object_get(fv, "bbox")) && o.has_box)
				json_object_set_new(fv, "bbox", json_pack("[i, i, i, i]", o.box.x0,
									  o.box.y0, o.box.x1, o.box.y1));
		} else {
			json_object_set_new(fv, "source", json_null());
		}
	}
	/* the flags with their ids and sources, every state */
	json_t *flags = json_array();
	json_object_set_new(rec, "flags", flags);
	if (so_review_flags_each(s, id, flag_shown, flags) < 0 ||
	    flags_group(s, id, flags, f ? f->viewer : NULL, f && f->now > 0 ? f->now :
			(int64_t)time(NULL)) < 0)
		goto fail;
	char *reason = NULL;
	if (so_review_reject_reason(s, id, &reason) < 0)
		goto fail;
	json_object_set_new(rec, "reject_reason", str_or_null(reason));
	free(reason);
	int64_t prev, next;
	if (so_queue_neighbours(s, id, f, &prev, &next) < 0)
		goto fail;
	json_object_set_new(rec, "prev", id_or_null(prev));
	json_object_set_new(rec, "next", id_or_null(next));
	json_t *audit = json_array();
	json_object_set_new(rec, "audit", audit);
	if (so_audit_each(s, id, audit_shown, audit) < 0)
		goto fail;
	so_layout_free(layout);
	return rec;
fail:
	so_layout_free(layout);
	json_decref(rec);
	return NULL;
}

/* Changes ------------------------------------------------------------------------------------- */

/* Opens the change of record ID at VERSION: a transaction begun and *RI filled. Returns 0 to go
 * on, or the outcome (a conflict, a refusal, -1) with the transaction closed. */
static int change_begin(struct so_store *s, const char *actor, int64_t id, int version,
			struct rec_info *ri)
{
	if (so_store_begin(s) < 0)
		return -1;
	int found = rec_info_get(s, id, ri);
	if (found <= 0) {
		so_store_rollback(s);
		return found < 0 ? -1 : SO_REVIEW_REFUSED;
	}
	/* a record another reviewer has open is theirs until they let it go or the claim ends;
	 * the claimant's own change keeps it theirs a while longer */
	struct so_claim c;
	int64_t now = (int64_t)time(NULL);
	int claimed = so_claim_get(s, id, now, &c);
	if (claimed < 0)
		goto fail;
	if (claimed && strcmp(c.reviewer, actor) != 0) {
		so_store_rollback(s);
		char msg[600];
		so_review_taken_message(&c, msg, sizeof(msg));
		so_error("%s", msg);
		return SO_REVIEW_TAKEN;
	}
	if (claimed && so_claim_renew(s, id, actor, now) < 0)
		goto fail;
	if (ri->version != version) {
		char who[128] = "?", at[SO_TIME_LEN] = "?";
		/* (a failure to read them leaves them unknown: the conflict is what matters) */
		so_audit_last(s, id, who, sizeof(who), at, sizeof(at));
		so_store_rollback(s);
		so_error("Bản ghi đã thay đổi từ khi bạn mở nó (lần sửa cuối: %s lúc %s); hãy tải lại "
			 "và xem trước khi sửa — the record changed since you opened it (last change: "
			 "%s at %s); reload it and look before changing it (version %d, yours %d)",
			 who, at, who, at, ri->version, version);
		return SO_REVIEW_CONFLICT;
	}
	if (strcmp(ri->status, "synced") == 0) {
		so_store_rollback(s);
		so_error("Bản ghi đã được gửi lên cơ sở dữ liệu quốc gia, không sửa ở đây được — the "
			 "record was delivered to the national database already and cannot be "
			 "changed here");
		return SO_REVIEW_REFUSED;
	}
	return 0;
fail:
	so_store_rollback(s);
	return -1;
}

/* Ends a change: the version moved on, the book judged again when RULES, committed; the new
 * version in *NEW_VERSION. */
static int change_end(struct so_store *s, const struct rec_info *ri, int rules, int *new_version)
{
	if (so_review_touch(s, ri->id) < 0 || (rules && so_validate_book(s, ri->book_id) < 0))
		goto fail;
	int v = so_review_version(s, ri->id);
	if (v < 0 || so_store_commit(s) < 0)
		goto fail;
	if (new_version)
		*new_version = v;
	return SO_REVIEW_DONE;
fail:
	so_store_rollback(s);
	return -1;
}

static int refuse(struct so_store *s)
{
	so_store_rollback(s);
	return SO_REVIEW_REFUSED;
}

/* An approved record changed goes back to the rules (its approval no longer holds). */
static int unapprove(struct so_store *s, const char *actor, struct rec_info *ri)
{
	if (strcmp(ri->status, "approved") != 0)
		return 0;
	if (so_review_reopen(s, ri->id) < 0 ||
	    so_audit_add(s, actor, ri->id, "status", NULL, "approved", "needs_review") < 0)
		return -1;
	snprintf(ri->status, sizeof(ri->status), "needs_review");
	return 0;
}

/* The reasons normalization gives, in the archivist's words. */
static const char *problem_vi(const char *problem)
{
	static const struct { const char *en, *vi; } t[] = {
		{ "no number", "không có số" },
		{ "not a date", "không phải ngày tháng (ví dụ 15/01/2019)" },
		{ "not a date and time", "không phải giờ và ngày (ví dụ 14 giờ 30 phút, ngày 05/03/2021)" },
		{ "not a calendar date", "ngày không có trong lịch" },
		{ "not Nam or Nữ", "không phải Nam hay Nữ" },
		{ "not one of the 54 ethnic groups", "không thuộc 54 dân tộc" },
		{ "not a known country", "không phải tên nước đã biết" },
		{ "not a personal id number", "không phải số định danh cá nhân (12 chữ số)" },
		{ "not a CCCD, CMND or passport", "không phải CCCD, CMND hay hộ chiếu" },
		{ "the document number is unreadable", "số giấy tờ không đọc được" },
		{ "not Cha - con or Mẹ - con", "không phải Cha - con hay Mẹ - con" },
		{ "the unit is not certain", "không chắc là đơn vị hành chính nào" },
	};
	for (size_t i = 0; problem && i < SO_ARRAY_SIZE(t); i++)
		if (strcmp(problem, t[i].en) == 0)
			return t[i].vi;
	return "không chuẩn hoá được";
}

/* The registration date of the record as yyyymmdd (0 when unknown), from its canonical value or
 * from VALUE when that is what is being set. */
static long registration_of(struct so_store *s, int64_t id, const char *field, const char *canon)
{
	char v[32] = "";
	if (strcmp(field, "registration_date") == 0 && canon) {
		snprintf(v, sizeof(v), "%s", canon);
	} else if (so_field_value_get(s, id, "registration_date", v, sizeof(v)) <= 0) {
		/* (unknown, as when it cannot be read) */
		v[0] = '\0';
	}
	int y, m, d;
	return strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3
		? y * 10000L + m * 100L + d : 0;
}

/* Makes the archivist's VALUE canonical for FIELD of kind KIND. 0 with *C set (c->value NULL
 * for an empty value), SO_REVIEW_REFUSED with the reason, -1 on error. */
static int canon_of(struct so_store *s, int64_t id, const char *field, enum so_kind kind,
		    const char *value, struct so_canon *c)
{
	memset(c, 0, sizeof(*c));
	char *clean = so_text_clean(value, strlen(value));
	if (!clean)
		return 0; /* empty: the field is cleared */
	struct so_norm_ctx ctx = { registration_of(s, id, field, NULL) };
	if (kind == SO_KIND_DATE && strcmp(field, "registration_date") == 0)
		ctx.registration = 0;
	if (so_normalize(kind, clean, &ctx, c) < 0) {
		free(clean);
		return -1;
	}
	int place = kind == SO_KIND_PLACE;
	if (place && !c->value) {
		/* a place outside the lists (abroad, a unit long gone): the archivist's words stand,
		 * without a code; the rules still say it names no known unit, for the archivist to
		 * confirm */
		c->value = clean;
		clean = NULL;
		c->problem = NULL;
	} else if (place && c->match < 0.9) {
		so_error("“%s” không chắc là đơn vị hành chính nào (gần nhất: “%s”); hãy ghi đủ xã, "
			 "huyện, tỉnh — “%s” does not name one unit for certain (nearest: “%s”); "
			 "write out the commune, district and province", clean, c->value, clean,
			 c->value);
		free(clean);
		so_canon_release(c);
		return SO_REVIEW_REFUSED;
	} else if (!c->value) {
		so_error("“%s” %s — “%s”: %s", clean, problem_vi(c->problem), clean,
			 c->problem ? c->problem : "cannot be made canonical");
		free(clean);
		so_canon_release(c);
		return SO_REVIEW_REFUSED;
	}
	free(clean);
	return 0;
}

/* One problem of a preview: its code and its text in both languages. */
static int preview_problem(json_t *problems, const char *code, const char *vi, const char *en)
{
	return json_array_append_new(problems, json_pack("{s:s, s:s, s:s}", "code", code, "vi", vi,
							 "en", en));
}

json_t *so_review_preview(struct so_store *s, int64_t id, const char *field, const char *value)
{
	struct rec_info ri;
	struct so_layout *layout = NULL;
	struct so_canon c = { 0 };
	char *clean = NULL;
	json_t *out = json_pack("{s:b, s:n, s:n, s:s, s:[]}", "ok", 1, "value", "code", "display",
				value ? value : "", "problems");
	if (!out) {
		so_error("out of memory");
		return NULL;
	}
	json_t *problems = json_object_get(out, "problems");
	int found = rec_info_get(s, id, &ri);
	if (found <= 0) {
		if (found < 0)
			goto fail;
		json_object_set_new(out, "ok", json_false());
		preview_problem(problems, "NO_RECORD", "Không có bản ghi này.", "No such record.");
		return out;
	}
	if (so_layout_load(ri.book.layout, &layout) < 0)
		goto fail;
	enum so_kind kind = field ? so_field_kind(layout, field) : SO_KIND_NONE;
	if (kind == SO_KIND_NONE) {
		json_object_set_new(out, "ok", json_false());
		preview_problem(problems, "NO_FIELD", "Sổ này không có trường này.",
				"The book has no such field.");
		goto done;
	}
	clean = value ? so_text_clean(value, strlen(value)) : NULL;
	if (!clean)
		goto done; /* empty: the field would be cleared */
	struct so_norm_ctx ctx = { registration_of(s, id, field, NULL) };
	if (kind == SO_KIND_DATE && strcmp(field, "registration_date") == 0)
		ctx.registration = 0;
	if (so_normalize(kind, clean, &ctx, &c) < 0)
		goto fail;
	int place = kind == SO_KIND_PLACE;
	if (place && !c.value) {
		/* saved as written, without a code; the rules will say it names no known unit */
		json_object_set_new(out, "value", json_string(clean));
		preview_problem(problems, "PLACE_UNLISTED",
				"Không thấy đơn vị hành chính nào trong danh sách: sẽ lưu như đã "
				"ghi, không có mã.",
				"No administrative unit of the lists found: saved as written, "
				"without a code.");
	} else if (place && c.match < 0.9) {
		char vi[1024], en[1024];
		snprintf(vi, sizeof(vi), "Không chắc là đơn vị hành chính nào (gần nhất: “%s”); hãy "
			 "ghi đủ xã, huyện, tỉnh.", c.value);
		snprintf(en, sizeof(en), "Does not name one unit for certain (nearest: “%s”); write "
			 "out the commune, district and province.", c.value);
		json_object_set_new(out, "ok", json_false());
		preview_problem(problems, "PLACE_UNSURE", vi, en);
	} else if (!c.value) {
		json_object_set_new(out, "ok", json_false());
		preview_problem(problems, "NOT_CANONICAL", problem_vi(c.problem),
				c.problem ? c.problem : "cannot be made canonical");
	} else {
		json_object_set_new(out, "value", json_string(c.value));
		if (c.code)
			json_object_set_new(out, "code", json_string(c.code));
		if (c.mismatch)
			preview_problem(problems, "PLACE_MISMATCH", c.mismatch,
					"The written units contradict a reference table: kept as "
					"written, without a code.");
	}
	goto done;
fail:
	json_decref(out);
	out = NULL;
done:
	free(clean);
	so_canon_release(&c);
	so_layout_free(layout);
	return out;
}

int so_review_set(struct so_store *s, const char *actor, int64_t id, int version,
		  const char *field, const char *value, int *new_version)
{
	struct rec_info ri;
	struct so_layout *layout = NULL;
	struct so_canon c = { 0 };
	int r = change_begin(s, actor, id, version, &ri);
	if (r != 0)
		return r;
	if (so_layout_load(ri.book.layout, &layout) < 0)
		goto fail;
	enum so_kind kind = field ? so_field_kind(layout, field) : SO_KIND_NONE;
	if (kind == SO_KIND_NONE) {
		so_error("Sổ này không có trường “%s” — the book has no field '%s'", field ? field : "",
			 field ? field : "");
		r = refuse(s);
		goto done;
	}
	if (strcmp(ri.status, "rejected") == 0) {
		so_error("Bản ghi đã bị từ chối; hãy duyệt lại nó trước khi sửa — the record was "
			 "rejected; approve it again before changing it");
		r = refuse(s);
		goto done;
	}
	/* a handwritten field is keyed as the keying policy says (blind, twice for names,
	 * dates, places and numbers), not set here once */
	char kcode[32];
	int keyed = so_field_keying_flag(s, id, field, kcode, sizeof(kcode));
	if (keyed < 0)
		goto fail;
	if (keyed) {
		so_error("Trường “%s” đang chờ nhập liệu (%s): hãy nhập ở chế độ nhập liệu — the "
			 "field '%s' waits for keying (%s): it is keyed in keying mode", field, kcode,
			 field, kcode);
		r = refuse(s);
		goto done;
	}
	r = canon_of(s, id, field, kind, value ? value : "", &c);
	if (r != 0) {
		so_store_rollback(s);
		goto done;
	}
	/* the value before, as the archivist saw it */
	char *before = NULL;
	if (so_field_shown_get(s, id, field, &before) < 0)
		goto fail;
	/* the reading stays; the value is the archivist's */
	int sure = c.match >= 0.9;
	/* what was typed, as the book writes it, for the recognizer's training set */
	char *typed = value ? so_text_clean(value, strlen(value)) : NULL;
	int bad = so_field_set_by_archivist(s, id, field, c.value, sure ? c.code : NULL,
					    sure ? c.successor : NULL, typed) < 0 ||
		  so_audit_add(s, actor, id, "set", field, before, c.value) < 0;
	free(typed);
	free(before);
	if (bad)
		goto fail;
	/* the open flags about this field are settled by the archivist's reading; the rules say
	 * what still stands */
	if (so_flags_resolve_field(s, id, field) < 0 || unapprove(s, actor, &ri) < 0)
		goto fail;
	r = change_end(s, &ri, 1, new_version);
	goto done;
fail:
	so_store_rollback(s);
	r = -1;
done:
	so_canon_release(&c);
	so_layout_free(layout);
	return r;
}

/* A flag of another record of the page, to verify with the page. */
struct page_flag {
	int64_t record_id, flag_id;
	char fields[512];
};

struct page_flags {
	struct page_flag *v;
	size_t n, cap;
};

static int page_flag_add(int64_t record_id, int64_t flag_id, const char *fields, void *ctx)
{
	struct page_flags *pf = ctx;
	if (SO_ARRAY_GROW(pf->v, pf->n, pf->cap) < 0)
		return -1;
	struct page_flag *f = &pf->v[pf->n++];
	f->record_id = record_id;
	f->flag_id = flag_id;
	snprintf(f->fields, sizeof(f->fields), "%s", fields ? fields : "[]");
	return 0;
}

/*
 * The archivist ACTOR confirmed the layout of the page of record RI (its LAYOUT_UNCERTAIN
 * verified): the page is confirmed — validate raises the flag no more on it — and the open
 * flag of every other record of the page is verified with it, each with its audit line, its
 * version moved on and its status following its flags. In the caller's transaction. 0 or -1.
 */
static int page_confirm(struct so_store *s, const char *actor, const struct rec_info *ri)
{
	struct page_flags pf = { 0 };
	int r = -1;
	if (so_page_layout_confirm(s, ri->page_id, actor) < 0 ||
	    so_page_flags_open_each(s, ri->page_id, ri->id, SO_LAYOUT_UNCERTAIN, page_flag_add,
				    &pf) < 0)
		goto done;
	for (size_t i = 0; i < pf.n; i++) {
		const struct page_flag *f = &pf.v[i];
		if (so_flag_set_state(s, f->flag_id, "verified") < 0 ||
		    so_audit_add(s, actor, f->record_id, "verify", f->fields, SO_LAYOUT_UNCERTAIN,
				 "verified") < 0 ||
		    so_review_follow_flags(s, f->record_id) < 0 || so_review_touch(s, f->record_id) < 0)
			goto done;
	}
	r = 0;
done:
	free(pf.v);
	return r;
}

/* A flag that "the book really says so" cannot settle: a handwritten cell is keyed by people,
 * and two keyings that disagree go to an arbitrator (SPEC.md, "Handwritten entries"). 1 (the
 * error set) for such a flag, else 0. */
static int keyed_only(const char *code)
{
	if (strcmp(code, "HANDWRITTEN") != 0 && strcmp(code, "KEYING_CONFLICT") != 0)
		return 0;
	so_error("Cảnh báo %s không xác nhận “như sổ ghi” được: trường này phải được nhập (chế độ "
		 "nhập liệu) — the flag %s cannot be confirmed as written: the field must be "
		 "keyed (keying mode)", code, code);
	return 1;
}

int so_review_verify(struct so_store *s, const char *actor, int64_t id, int version,
		     int64_t flag_id, int *new_version)
{
	struct rec_info ri;
	int r = change_begin(s, actor, id, version, &ri);
	if (r != 0)
		return r;
	struct so_flag_brief g;
	if (so_flag_brief_get(s, flag_id, id, &g) < 0)
		goto fail;
	const char *state = g.state, *code = g.code, *fields = g.fields;
	if (!state[0]) {
		so_error("Bản ghi không có cảnh báo %lld — the record has no flag %lld",
			 (long long)flag_id, (long long)flag_id);
		return refuse(s);
	}
	if (strcmp(state, "open") != 0) {
		so_error("Cảnh báo %s đã được xử lý (%s) — the flag %s was settled already (%s)", code,
			 state, code, state);
		return refuse(s);
	}
	if (keyed_only(code))
		return refuse(s);
	if (so_flag_set_state(s, flag_id, "verified") < 0 ||
	    so_audit_add(s, actor, id, "verify", fields, code, "verified") < 0 ||
	    unapprove(s, actor, &ri) < 0)
		goto fail;
	/* one confirmation of a page's layout is for the whole page */
	if (strcmp(code, SO_LAYOUT_UNCERTAIN) == 0 && page_confirm(s, actor, &ri) < 0)
		goto fail;
	/* the status follows the flags left open */
	if (so_review_follow_flags(s, id) < 0)
		goto fail;
	return change_end(s, &ri, 0, new_version);
fail:
	so_store_rollback(s);
	return -1;
}

/* Records the timing of ACTOR's decision OUTCOME on record ID (T as so_review_approve_timed
 * says) and ends the record's claim, in the change's transaction. */
static int decided(struct so_store *s, const char *actor, int64_t id, const char *outcome,
		   const struct so_review_timing *t)
{
	double seconds = t ? t->seconds : -1;
	int64_t keys = t ? t->keys : -1;
	if (seconds < 0) {
		struct so_claim c;
		int64_t now = (int64_t)time(NULL);
		int claimed = so_claim_get(s, id, now, &c);
		if (claimed < 0)
			return -1;
		if (claimed && strcmp(c.reviewer, actor) == 0 && now >= c.claimed_at)
			seconds = (double)(now - c.claimed_at);
	}
	if (so_timing_add(s, id, actor, outcome, seconds, keys) < 0 || so_claim_release(s, id) < 0)
		return -1;
	return 0;
}

int so_review_approve(struct so_store *s, const char *actor, int64_t id, int version,
		      int *new_version)
{
	return so_review_approve_timed(s, actor, id, version, NULL, new_version);
}

int so_review_approve_timed(struct so_store *s, const char *actor, int64_t id, int version,
			    const struct so_review_timing *t, int *new_version)
{
	struct rec_info ri;
	int r = change_begin(s, actor, id, version, &ri);
	if (r != 0)
		return r;
	if (strcmp(ri.status, "approved") == 0) {
		so_error("Bản ghi đã được duyệt — the record is approved already");
		return refuse(s);
	}
	char open[512] = "";
	if (so_review_open_errors(s, id, open, sizeof(open)) < 0)
		goto fail;
	if (open[0] && strcmp(ri.status, "rejected") != 0) {
		so_error("Còn lỗi chưa xử lý (%s): hãy sửa giá trị hoặc xác nhận đúng như trong sổ "
			 "trước khi duyệt — errors are still open (%s): correct the value or confirm "
			 "it as written in the book before approving", open, open);
		return refuse(s);
	}
	if (so_review_approve_set(s, id) < 0 ||
	    so_audit_add(s, actor, id, "approve", NULL, ri.status, "approved") < 0 ||
	    decided(s, actor, id, "approved", t) < 0)
		goto fail;
	if (open[0]) {
		/* a rejected record approved again: back to its rules first */
		if (so_review_reopen(s, id) < 0)
			goto fail;
		return change_end(s, &ri, 1, new_version);
	}
	return change_end(s, &ri, 0, new_version);
fail:
	so_store_rollback(s);
	return -1;
}

int so_review_reject(struct so_store *s, const char *actor, int64_t id, int version,
		     const char *reason, int *new_version)
{
	return so_review_reject_timed(s, actor, id, version, reason, NULL, new_version);
}

int so_review_reject_timed(struct so_store *s, const char *actor, int64_t id, int version,
			   const char *reason, const struct so_review_timing *t,
			   int *new_version)
{
	char *why = reason ? so_text_clean(reason, strlen(reason)) : NULL;
	if (!why) {
		so_error("Hãy ghi lý do từ chối — a reason for the rejection is required");
		return SO_REVIEW_REFUSED;
	}
	if (strlen(why) > 2000) {
		free(why);
		so_error("Lý do quá dài (tối đa 2000 ký tự) — the reason is too long (2000 at most)");
		return SO_REVIEW_REFUSED;
	}
	struct rec_info ri;
	int r = change_begin(s, actor, id, version, &ri);
	if (r != 0) {
		free(why);
		return r;
	}
	if (so_review_reject_set(s, id, why) < 0 ||
	    so_audit_add(s, actor, id, "reject", NULL, ri.status, why) < 0 ||
	    decided(s, actor, id, "rejected", t) < 0)
		goto fail;
	free(why);
	return change_end(s, &ri, 0, new_version);
fail:
	free(why);
	so_store_rollback(s);
	return -1;
}

/* Who works on what, how fast ---------------------------------------------------------------- */

int so_review_claim(struct so_store *s, const char *actor, int64_t id, int64_t ttl,
		    struct so_claim *c)
{
	memset(c, 0, sizeof(*c));
	if (ttl < 1)
		ttl = 1;
	if (so_store_begin(s) < 0)
		return -1;
	struct so_review_head h;
	int found = so_review_head_get(s, id, &h);
	if (found <= 0) {
		so_store_rollback(s);
		if (found == 0)
			so_error("Không có bản ghi %lld — no record %lld", (long long)id,
				 (long long)id);
		return found < 0 ? -1 : 2;
	}
	int64_t now = (int64_t)time(NULL);
	int claimed = so_claim_get(s, id, now, c);
	if (claimed < 0)
		goto fail;
	if (claimed && strcmp(c->reviewer, actor) != 0) {
		so_store_rollback(s);
		return 0;
	}
	/* a record decided is nobody's work any more: looking at it claims nothing */
	if (strcmp(h.status, "approved") == 0 || strcmp(h.status, "rejected") == 0 ||
	    strcmp(h.status, "synced") == 0) {
		so_store_rollback(s);
		memset(c, 0, sizeof(*c));
		return 3;
	}
	if (so_claim_put(s, id, actor, now, ttl) < 0 || so_claim_get(s, id, now, c) != 1 ||
	    so_store_commit(s) < 0)
		goto fail;
	return 1;
fail:
	so_store_rollback(s);
	return -1;
}

void so_review_taken_message(const struct so_claim *c, char *buf, size_t size)
{
	char until[16] = "?";
	time_t t = (time_t)c->until;
	struct tm tm;
	if (localtime_r(&t, &tm))
		strftime(until, sizeof(until), "%H:%M:%S", &tm);
	snprintf(buf, size, "Bản ghi đang do %s xem lại (đến %s): bạn chưa thay đổi được nó — %s "
		 "has this record open until %s: it cannot be changed by you now", c->reviewer,
		 until, c->reviewer, until);
}

int so_review_pace(struct so_store *s, const char *reviewer, double *per_hour, int64_t *n)
{
	double seconds;
	*per_hour = 0;
	if (so_timings_recent(s, reviewer, SO_REVIEW_PACE_RECORDS, n, &seconds) < 0)
		return -1;
	if (*n > 0 && seconds > 0)
		*per_hour = (double)*n * 3600.0 / seconds;
	return 0;
}

/* A flag of another record to verify with the one confirmed. */
struct twin {
	int64_t record_id, flag_id;
};

struct twins {
	struct twin *v;
	size_t n, cap;
};

static int twin_add(int64_t record_id, int64_t flag_id, void *ctx)
{
	struct twins *t = ctx;
	if (SO_ARRAY_GROW(t->v, t->n, t->cap) < 0)
		return -1;
	t->v[t->n++] = (struct twin){ record_id, flag_id };
	return 0;
}

int so_review_verify_all(struct so_store *s, const char *actor, int64_t id, int version,
			 int64_t flag_id, int *verified, int *new_version)
{
	*verified = 0;
	struct rec_info ri;
	struct twins tw = { 0 };
	int r = change_begin(s, actor, id, version, &ri);
	if (r != 0)
		return r;
	struct so_flag_brief g;
	if (so_flag_brief_get(s, flag_id, id, &g) < 0)
		goto fail;
	if (!g.state[0] || strcmp(g.state, "open") != 0) {
		if (!g.state[0])
			so_error("Bản ghi không có cảnh báo %lld — the record has no flag %lld",
				 (long long)flag_id, (long long)flag_id);
		else
			so_error("Cảnh báo %s đã được xử lý (%s) — the flag %s was settled already "
				 "(%s)", g.code, g.state, g.code, g.state);
		return refuse(s);
	}
	if (keyed_only(g.code))
		return refuse(s);
	json_t *names = json_loads(g.fields, 0, NULL);
	json_t *shown = json_pack("{s:s, s:s, s:O}", "state", g.state, "code", g.code, "fields",
				  names ? names : json_null());
	const char *one = shown ? group_field(shown) : NULL;
	char field[128] = "";
	if (one)
		snprintf(field, sizeof(field), "%s", one);
	json_decref(shown);
	json_decref(names);
	if (!field[0]) {
		so_error("Cảnh báo %s không chỉ về một trường, hãy xác nhận nó ở từng bản ghi — the "
			 "flag %s is not about one field: confirm it record by record", g.code,
			 g.code);
		return refuse(s);
	}
	if (so_flag_twins_each(s, id, flag_id, field, actor, (int64_t)time(NULL), twin_add,
			       &tw) < 0)
		goto fail;
	/* this record as a verify does it, then each of the others */
	if (so_flag_set_state(s, flag_id, "verified") < 0 ||
	    so_audit_add(s, actor, id, "verify", g.fields, g.code, "verified") < 0 ||
	    unapprove(s, actor, &ri) < 0 || so_review_follow_flags(s, id) < 0)
		goto fail;
	for (size_t i = 0; i < tw.n; i++) {
		if (so_flag_set_state(s, tw.v[i].flag_id, "verified") < 0 ||
		    so_audit_add(s, actor, tw.v[i].record_id, "verify", g.fields, g.code,
				 "verified") < 0 ||
		    so_review_follow_flags(s, tw.v[i].record_id) < 0 ||
		    so_review_touch(s, tw.v[i].record_id) < 0)
			goto fail;
	}
	*verified = (int)tw.n + 1;
	free(tw.v);
	return change_end(s, &ri, 0, new_version);
fail:
	free(tw.v);
	so_store_rollback(s);
	return -1;
}

/* Reasons for rejecting ------------------------------------------------------------------------ */

#define REASONS_FILE "reject-reasons.json"
#define REASONS_FILE_MAX (256 * 1024)
#define REASON_TEXT_MAX 300

/* 0 when R is a list of reasons as so_review_reasons_load wants, else -1 with the error
 * naming FROM. */
static int reasons_check(json_t *r, const char *from)
{
	static const char *const keys[] = { "birth", "marriage", "death", "parentage", "any" };
	if (!json_is_object(r))
		return so_error("%s: not a JSON object of book types", from);
	const char *key;
	json_t *list;
	json_object_foreach(r, key, list) {
		size_t k = 0;
		while (k < SO_ARRAY_SIZE(keys) && strcmp(keys[k], key) != 0)
			k++;
		if (k == SO_ARRAY_SIZE(keys))
			return so_error("%s: '%s' is not a book type (birth, marriage, death, "
					"parentage) nor \"any\"", from, key);
		if (!json_is_array(list) || json_array_size(list) > SO_REVIEW_REASONS_MAX)
			return so_error("%s: '%s' is not a list of at most %d reasons", from, key,
					SO_REVIEW_REASONS_MAX);
		size_t i;
		json_t *it;
		json_array_foreach(list, i, it) {
			for (int l = 0; l < 2; l++) {
				const char *t = json_string_value(json_object_get(it, l ? "en" : "vi"));
				size_t n = t ? strlen(t) : 0;
				if (n < 1 || n > REASON_TEXT_MAX)
					return so_error("%s: reason %zu of '%s' needs \"%s\", a text of 1 "
							"to %d bytes", from, i + 1, key, l ? "en" : "vi",
							REASON_TEXT_MAX);
			}
		}
	}
	return 0;
}

json_t *so_review_reasons_load(const char *batch_dir)
{
	char *path = so_asprintf("%s/%s", batch_dir, REASONS_FILE);
	if (!path)
		return NULL;
	json_t *r = NULL;
	json_error_t je;
	if (access(path, F_OK) == 0) {
		char *text = NULL;
		size_t len = 0;
		if (so_read_file(path, REASONS_FILE_MAX, &text, &len) < 0) {
			so_error_context("cannot read the reasons for rejecting '%s'", path);
		} else if (!(r = json_loadb(text, len, 0, &je))) {
			so_error("%s: not JSON (line %d: %s)", path, je.line, je.text);
		}
		free(text);
	} else {
		const struct so_embedded *e = so_embedded_find(REASONS_FILE);
		if (!e)
			so_error("no built-in %s", REASONS_FILE);
		else if (!(r = json_loadb((const char *)e->data, e->size, 0, &je)))
			so_error("the built-in %s is not JSON: %s", REASONS_FILE, je.text);
	}
	if (r && reasons_check(r, access(path, F_OK) == 0 ? path : REASONS_FILE) < 0) {
		json_decref(r);
		r = NULL;
	}
	free(path);
	return r;
}

/* Images -------------------------------------------------------------------------------------- */

/* A field name as a file name: letters, digits, '.' and '_' only, and no "..". */
static int field_name_ok(const char *f)
{
	size_t n = strlen(f);
	if (n == 0 || n > 64 || strstr(f, "..") || f[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((f[i] >= 'a' && f[i] <= 'z') || (f[i] >= '0' && f[i] <= '9') || f[i] == '.' ||
		      f[i] == '_'))
			return 0;
	return 1;
}

/* PIX as an 8-bit grey PNG at 1/SHRINK of its resolution (1, 2 or 4). */
static int grey_png(PIX *pix, int shrink, unsigned char **png, size_t *len)
{
	PIX *grey = NULL;
	float f = 1.0f / (float)shrink;
	if (pixGetDepth(pix) == 1)
		grey = shrink == 4 ? pixScaleToGray4(pix) : shrink == 2 ? pixScaleToGray2(pix) :
		       pixConvert1To8(NULL, pix, 255, 0);
	else
		grey = shrink == 1 ? pixClone(pix) : pixScale(pix, f, f);
	int r = grey && pixWriteMem(png, len, grey, IFF_PNG) == 0 && *png ? 0 : -1;
	pixDestroy(&grey);
	return r;
}

/* Cuts BOX (grown by a margin, clipped to the page) from the prepared page PAGE as 8-bit grey,
 * at half the resolution when HALF; PNG into *PNG. */
static int cut(PIX *page, struct so_bbox box, int half, unsigned char **png, size_t *len)
{
	int w = pixGetWidth(page), h = pixGetHeight(page),
	    m = half ? SO_REVIEW_ROW_MARGIN : SO_REVIEW_CELL_MARGIN;
	int x0 = box.x0 - m < 0 ? 0 : box.x0 - m, y0 = box.y0 - m < 0 ? 0 : box.y0 - m;
	int x1 = box.x1 + m > w ? w : box.x1 + m, y1 = box.y1 + m > h ? h : box.y1 + m;
	if (x1 - x0 < 2 || y1 - y0 < 2)
		return so_error("the box lies outside the page");
	BOX *b = boxCreate(x0, y0, x1 - x0, y1 - y0);
	PIX *clip = b ? pixClipRectangle(page, b, NULL) : NULL;
	boxDestroy(&b);
	int r = clip ? grey_png(clip, half ? 2 : 1, png, len) : -1;
	pixDestroy(&clip);
	return r < 0 ? so_error("cannot cut an image from the page") : 0;
}

/* The cache file of an image: keyed by the page and the box, so that a page prepared again
 * (newer than the file) is cut again. Caller frees. */
static char *cache_name(const char *dir, int64_t page_id, struct so_bbox box, int half)
{
	return so_asprintf("%s/p%lld-%d-%d-%d-%d-%c.png", dir, (long long)page_id, box.x0, box.y0,
			   box.x1, box.y1, half ? 'r' : 'c');
}

struct record_cache {
	const struct rec_info *ri;
	PIX *page;
	const char *dir;
};

/* Cuts and caches the image of BOX (the record's row when HALF) unless it is cached. */
static int cache_box(const struct so_bbox *b, int half, void *ctx)
{
	struct record_cache *c = ctx;
	struct so_bbox box = *b;
	char *name = cache_name(c->dir, c->ri->page_id, box, half);
	unsigned char *png = NULL;
	size_t len = 0;
	if (name && access(name, F_OK) != 0 && box.x1 > box.x0 && box.y1 > box.y0 &&
	    cut(c->page, box, half, &png, &len) == 0)
		so_write_file_atomic(name, png, len);
	free(png);
	free(name);
	return 0;
}

/* Cuts and caches every image of the record not cached yet (its row and its cells), so that
 * the page is decoded once for all of them. Images that cannot be cut or kept are skipped. */
static void cache_record(struct so_store *s, const struct rec_info *ri, PIX *page,
			 const char *dir)
{
	if (so_mkdir_p(dir, 0755) < 0)
		return;
	struct record_cache c = { ri, page, dir };
	so_review_boxes_each(s, ri->id, cache_box, &c);
}

/* How an image is made from a prepared page (MAKE), and what else is done with the page once
 * it is read (ALSO, may be NULL). */
struct page_image {
	int (*make)(PIX *page, void *ctx, unsigned char **png, size_t *len);
	void (*also)(PIX *page, void *ctx);
	void *ctx;
};

/* The image of the prepared page IMAGE (a path in the batch) that PI makes: the file CACHED in
 * DIR when it is not older than the page, else made from the page and kept there (a cache that
 * cannot be written is no reason to fail the image). Returns 1, or -1 with the error set. */
static int page_image_cached(struct so_store *s, const char *image, const char *dir,
			     const char *cached, const struct page_image *pi, unsigned char **png,
			     size_t *len)
{
	char *path = so_asprintf("%s/%s", so_store_dir(s), image);
	PIX *page = NULL;
	int r = -1;
	if (!path)
		goto done;
	struct stat cs, ps;
	if (stat(cached, &cs) == 0 && stat(path, &ps) == 0 && cs.st_mtime >= ps.st_mtime &&
	    so_read_file(cached, 64u << 20, (char **)png, len) == 0) {
		r = 1;
		goto done;
	}
	if (!(page = pixRead(path))) {
		so_error("cannot read the prepared page %s", path);
		goto done;
	}
	if (pi->make(page, pi->ctx, png, len) < 0)
		goto done;
	if (so_mkdir_p(dir, 0755) == 0)
		so_write_file_atomic(cached, *png, *len);
	if (pi->also)
		pi->also(page, pi->ctx);
	r = 1;
done:
	pixDestroy(&page);
	free(path);
	return r;
}

/* One cut of a record: its box, whether it is the row (half resolution), and where the
 * record's other images go. */
struct record_cut {
	struct so_store *s;
	const struct rec_info *ri;
	struct so_bbox box;
	int row;
	const char *dir;
};

static int record_cut_make(PIX *page, void *ctx, unsigned char **png, size_t *len)
{
	struct record_cut *c = ctx;
	return cut(page, c->box, c->row, png, len);
}

/* The page is decoded: cut the record's other images too. */
static void record_cut_also(PIX *page, void *ctx)
{
	struct record_cut *c = ctx;
	cache_record(c->s, c->ri, page, c->dir);
}

static int page_shrunk_make(PIX *page, void *ctx, unsigned char **png, size_t *len)
{
	(void)ctx;
	return grey_png(page, SO_REVIEW_PAGE_SHRINK, png, len) < 0 ?
	       so_error("cannot make an image of the page") : 0;
}

/* The page of record ID: 1 with *RI and *P filled, 0 with the error set when there is no such
 * record or its page has no prepared image, -1 on failure. */
static int record_page(struct so_store *s, int64_t id, struct rec_info *ri, struct so_page *p)
{
	int found = rec_info_get(s, id, ri);
	if (found <= 0)
		return found;
	if (so_page_get(s, ri->page_id, p) < 0)
		return -1;
	if (!p->image[0]) {
		so_error("the page has no prepared image");
		return 0;
	}
	return 1;
}

int so_review_image(struct so_store *s, int64_t id, const char *field, unsigned char **png,
		    size_t *len, double *scale)
{
	*png = NULL;
	*len = 0;
	*scale = field ? 1.0 : 0.5;
	if (field && !field_name_ok(field)) {
		so_error("no field '%s'", field);
		return 0;
	}
	struct rec_info ri;
	struct so_page p;
	int found = record_page(s, id, &ri, &p);
	if (found <= 0)
		return found;
	struct so_bbox box = ri.row;
	if (field) {
		struct so_layout *l = NULL;
		int col = so_layout_load(ri.book.layout, &l) == 0 ? field_cell(l, field) : 0;
		so_layout_free(l);
		int got = so_field_box_get(s, id, field, col, &box);
		if (got < 0)
			return -1;
		if (!got) {
			so_error("the record has no cell for '%s'", field);
			return 0;
		}
	}
	if (box.x1 <= box.x0 || box.y1 <= box.y0) {
		so_error("the record has no box on its page");
		return 0;
	}
	char *dir = so_asprintf("%s/cache/review", so_store_dir(s));
	char *cached = dir ? cache_name(dir, ri.page_id, box, !field) : NULL;
	int r = -1;
	if (dir && cached) {
		struct record_cut c = { s, &ri, box, !field, dir };
		struct page_image pi = { record_cut_make, record_cut_also, &c };
		r = page_image_cached(s, p.image, dir, cached, &pi, png, len);
	}
	free(dir);
	free(cached);
	return r;
}

int so_review_page_image(struct so_store *s, int64_t id, unsigned char **png, size_t *len)
{
	*png = NULL;
	*len = 0;
	struct rec_info ri;
	struct so_page p;
	int found = record_page(s, id, &ri, &p);
	if (found <= 0)
		return found;
	char *dir = so_asprintf("%s/cache/review", so_store_dir(s));
	char *cached = dir ? so_asprintf("%s/p%lld-page.png", dir, (long long)ri.page_id) : NULL;
	int r = -1;
	if (dir && cached) {
		struct page_image pi = { page_shrunk_make, NULL, NULL };
		r = page_image_cached(s, p.image, dir, cached, &pi, png, len);
	}
	free(dir);
	free(cached);
	return r;
}
