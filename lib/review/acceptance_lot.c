/* Lots of records accepted or rejected by sampling (see acceptance_lot.h). */
#include "review/acceptance_lot.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/error.h"
#include "base/util.h"
#include "review/review_store.h"

#define POLICY_FILE "acceptance.json"
#define POLICY_FILE_MAX (64 * 1024)
#define SERIES_ALL "ALL"

/* The policy --------------------------------------------------------------------------------- */

static int policy_read(json_t *j, const char *from, struct so_acc_policy *p)
{
	if (!json_is_object(j))
		return so_error("%s: not a JSON object", from);
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		if (strcmp(key, "aql") == 0) {
			char buf[32];
			if (json_is_string(v))
				snprintf(buf, sizeof(buf), "%s", json_string_value(v));
			else if (json_is_number(v))
				snprintf(buf, sizeof(buf), "%g", json_number_value(v));
			else
				return so_error("%s: \"aql\" is not a number", from);
			if (so_acc_aql_parse(buf, &p->aql) < 0)
				return so_error_context("%s", from);
		} else if (strcmp(key, "level") == 0) {
			if (!json_is_string(v) || so_acc_level_parse(json_string_value(v), &p->level) < 0)
				return so_error("%s: \"level\" is not an inspection level (S-1 ... S-4, "
						"I, II, III)", from);
		} else if (strcmp(key, "lot") == 0) {
			const char *t = json_string_value(v);
			if (!t || (strcmp(t, "book") != 0 && strcmp(t, "all") != 0))
				return so_error("%s: \"lot\" is \"book\" or \"all\"", from);
			p->lot_all = strcmp(t, "all") == 0;
		} else if (strcmp(key, "required_before_sync") == 0) {
			if (!json_is_boolean(v))
				return so_error("%s: \"%s\" is true or false", from, key);
			p->required_before_sync = json_is_true(v);
		} else if (strcmp(key, "reduced_allowed") == 0) {
			if (!json_is_boolean(v))
				return so_error("%s: \"%s\" is true or false", from, key);
			p->reduced_allowed = json_is_true(v);
		} else if (key[0] != '_') {
			return so_error("%s: unknown key \"%s\"", from, key);
		}
	}
	return 0;
}

int so_acc_policy_load(const char *batch_dir, struct so_acc_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->level = SO_ACC_II;
	if (so_acc_aql_parse("0.65", &p->aql) < 0)
		return -1;
	const struct so_embedded *e = so_embedded_find(POLICY_FILE);
	json_error_t je;
	json_t *j = e ? json_loadb((const char *)e->data, e->size, 0, &je) : NULL;
	if (!j)
		return so_error("the built-in %s is missing or not JSON", POLICY_FILE);
	int r = policy_read(j, POLICY_FILE, p);
	json_decref(j);
	if (r < 0 || !batch_dir)
		return r;
	char *path = so_asprintf("%s/%s", batch_dir, POLICY_FILE);
	if (!path)
		return -1;
	if (access(path, F_OK) == 0) {
		char *text = NULL;
		size_t len = 0;
		if (so_read_file(path, POLICY_FILE_MAX, &text, &len) < 0) {
			r = so_error_context("cannot read the acceptance policy '%s'", path);
		} else if (!(j = json_loadb(text, len, 0, &je))) {
			r = so_error("%s: not JSON (line %d: %s)", path, je.line, je.text);
		} else {
			r = policy_read(j, path, p);
			json_decref(j);
		}
		free(text);
	}
	free(path);
	return r;
}

/* Sampling ----------------------------------------------------------------------------------- */

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int ids_add(int64_t id, void *ctx)
{
	struct ids *a = ctx;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		int64_t *v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return so_error("out of memory");
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = id;
	return 0;
}

static int64_t seed_random(void)
{
	uint64_t x = 0;
	if (getrandom(&x, sizeof(x), 0) != (ssize_t)sizeof(x))
		x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return (int64_t)(x & (uint64_t)SO_ACC_SEED_MAX);
}

int so_acc_sample(struct so_store *s, const struct so_acc_request *req, const char *actor,
		  struct so_acc_lot_row *out)
{
	struct ids ids = { 0 };
	size_t *picks = NULL;
	memset(out, 0, sizeof(*out));
	if (req->has_seed && (req->seed < 0 || req->seed > SO_ACC_SEED_MAX))
		return so_error("a seed is a whole number from 0 to %lld", (long long)SO_ACC_SEED_MAX);
	if (so_store_begin(s) < 0)
		return -1;
	int64_t book_id = 0, open_id = 0;
	const char *series = req->lot && *req->lot ? req->lot : SERIES_ALL;
	if (strcmp(series, SERIES_ALL) != 0) {
		int r = so_acc_book_find(s, series, &book_id);
		if (r <= 0) {
			if (r == 0)
				so_error("no book '%s' in the batch (a book is named like "
					 "birth-2019-01-26740; ALL is the whole batch)", series);
			goto fail;
		}
	}
	int r = so_acc_lot_open_find(s, series, &open_id);
	if (r < 0)
		goto fail;
	if (r == 1) {
		if (so_acc_lot_get(s, open_id, out) < 0)
			goto fail;
		so_error("lot %lld of %s is still open (%lld of %lld sampled records checked)",
			 (long long)open_id, series, (long long)out->checked,
			 (long long)out->sample_size);
		goto fail;
	}
	struct so_acc_state st;
	so_acc_state_init(&st);
	if (so_acc_series_get(s, series, &st) < 0)
		goto fail;
	if (so_acc_decided_each(s, book_id, ids_add, &ids) < 0)
		goto fail;
	if (ids.n == 0) {
		so_error("%s has no decided (valid or approved) record to sample", series);
		goto fail;
	}
	struct so_acc_plan plan;
	if (so_acc_plan_for((int64_t)ids.n, req->aql, req->level, st.severity, &plan) < 0) {
		so_error_context("%s", series);
		goto fail;
	}
	int64_t seed = req->has_seed ? req->seed : seed_random();
	picks = malloc((size_t)plan.sample_size * sizeof(*picks));
	if (!picks) {
		so_error("out of memory");
		goto fail;
	}
	if (so_acc_draw((uint64_t)seed, ids.n, (size_t)plan.sample_size, picks) < 0)
		goto fail;
	struct so_acc_lot_row l = { .book_id = book_id, .lot_size = plan.lot_size,
				    .sample_size = plan.sample_size, .ac = plan.ac, .re = plan.re,
				    .full = plan.full, .seed = seed };
	snprintf(l.series, sizeof(l.series), "%s", series);
	l.code_letter[0] = plan.code_letter;
	l.plan_letter[0] = plan.plan_letter;
	snprintf(l.aql, sizeof(l.aql), "%s", so_acc_aql_name(plan.aql));
	snprintf(l.level, sizeof(l.level), "%s", so_acc_level_name(plan.level));
	snprintf(l.severity, sizeof(l.severity), "%s", so_acc_severity_name(plan.severity));
	snprintf(l.created_by, sizeof(l.created_by), "%s", actor);
	if (so_acc_lot_add(s, &l) < 0)
		goto fail;
	size_t k = 0;
	for (size_t i = 0; i < ids.n; i++) {
		int64_t pos = 0;
		if (k < (size_t)plan.sample_size && picks[k] == i)
			pos = (int64_t)++k;
		if (so_acc_member_add(s, l.id, ids.v[i], pos) < 0)
			goto fail;
	}
	char after[160];
	snprintf(after, sizeof(after), "lot %lld: %s n=%lld Ac=%d Re=%d seed=%lld",
		 (long long)l.id, series, (long long)plan.sample_size, plan.ac, plan.re,
		 (long long)seed);
	if (so_audit_add(s, actor, 0, "acceptance_sample", NULL, NULL, after) < 0 ||
	    so_acc_lot_get(s, l.id, out) != 1 || so_store_commit(s) < 0)
		goto fail;
	free(ids.v);
	free(picks);
	return 0;
fail:
	so_store_rollback(s);
	free(ids.v);
	free(picks);
	return -1;
}

/* Checks and verdicts ------------------------------------------------------------------------- */

struct reopen {
	struct so_store *s;
	const char *actor;
	int64_t lot_id;
};

/* A record of a rejected lot goes back to review (a decided one; one already back, or
 * rejected by an archivist, stays as it is). */
static int reopen_one(int64_t record_id, void *ctx)
{
	struct reopen *c = ctx;
	char status[32];
	int r = so_record_status(c->s, record_id, status, sizeof(status));
	if (r <= 0)
		return r;
	if (strcmp(status, "valid") != 0 && strcmp(status, "approved") != 0)
		return 0;
	char why[64];
	snprintf(why, sizeof(why), "lot %lld rejected", (long long)c->lot_id);
	if (so_review_reopen(c->s, record_id) < 0 || so_review_touch(c->s, record_id) < 0 ||
	    so_audit_add(c->s, c->actor, record_id, "acceptance_reopen", why, status,
			 "needs_review") < 0)
		return -1;
	return 0;
}

/* The plan lot L was drawn under, for the switching rules. */
static int lot_plan(const struct so_acc_lot_row *l, struct so_acc_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (so_acc_aql_parse(l->aql, &p->aql) < 0 || so_acc_level_parse(l->level, &p->level) < 0 ||
	    so_acc_severity_parse(l->severity, &p->severity) < 0)
		return -1;
	p->lot_size = l->lot_size;
	p->code_letter = l->code_letter[0];
	p->plan_letter = l->plan_letter[0];
	p->sample_size = l->sample_size;
	p->ac = l->ac;
	p->re = l->re;
	p->full = l->full;
	return 0;
}

int so_acc_check(struct so_store *s, int64_t lot_id, int64_t record_id, const char *actor,
		 int defect, const char *note, int reduced_allowed, struct so_acc_lot_row *out)
{
	if (note && strlen(note) > 1000)
		return so_error("a note is at most 1000 bytes");
	if (so_store_begin(s) < 0)
		return -1;
	struct so_acc_lot_row l;
	int r = so_acc_lot_get(s, lot_id, &l);
	if (r <= 0) {
		if (r == 0)
			so_error("no lot %lld", (long long)lot_id);
		goto fail;
	}
	if (strcmp(l.state, "open") != 0) {
		so_error("lot %lld is already %s", (long long)lot_id, l.state);
		goto fail;
	}
	r = so_acc_check_set(s, lot_id, record_id, actor, defect, note);
	if (r <= 0) {
		if (r == 0)
			so_error("record %lld is not in lot %lld's sample", (long long)record_id,
				 (long long)lot_id);
		goto fail;
	}
	if (so_audit_add(s, actor, record_id, "acceptance_check", note && *note ? note : NULL,
			 NULL, defect ? "defect" : "conforms") < 0 ||
	    so_acc_lot_get(s, lot_id, &l) != 1)
		goto fail;
	if (l.checked == l.sample_size) {
		int accepted = l.found <= l.ac;
		struct so_acc_state st;
		struct so_acc_plan plan;
		so_acc_state_init(&st);
		if (so_acc_lot_decide(s, lot_id, accepted ? "accepted" : "rejected", l.found) < 0 ||
		    so_acc_series_get(s, l.series, &st) < 0 || lot_plan(&l, &plan) < 0)
			goto fail;
		so_acc_state_next(&st, &plan, (int)l.found, reduced_allowed);
		char after[160];
		snprintf(after, sizeof(after), "lot %lld %s: %lld defects of %lld (Ac %d Re %d); next "
			 "%s", (long long)lot_id, accepted ? "accepted" : "rejected",
			 (long long)l.found, (long long)l.sample_size, l.ac, l.re,
			 so_acc_severity_name(st.severity));
		if (so_acc_series_put(s, l.series, &st) < 0 ||
		    so_audit_add(s, actor, 0, "acceptance_verdict", NULL, NULL, after) < 0)
			goto fail;
		if (!accepted) {
			struct reopen c = { s, actor, lot_id };
			if (so_acc_members_each(s, lot_id, reopen_one, &c) < 0)
				goto fail;
		}
		if (so_acc_lot_get(s, lot_id, &l) != 1)
			goto fail;
	}
	if (so_store_commit(s) < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	so_store_rollback(s);
	return -1;
}

int so_acc_resume(struct so_store *s, const char *series, const char *actor)
{
	if (so_store_begin(s) < 0)
		return -1;
	struct so_acc_state st;
	int r = so_acc_series_get(s, series, &st);
	if (r <= 0 || st.severity != SO_ACC_DISCONTINUED) {
		if (r >= 0)
			so_error("inspection of %s is not discontinued", series);
		goto fail;
	}
	so_acc_state_resume(&st);
	if (so_acc_series_put(s, series, &st) < 0 ||
	    so_audit_add(s, actor, 0, "acceptance_resume", NULL, series, "tightened") < 0 ||
	    so_store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	so_store_rollback(s);
	return -1;
}

/* As JSON ------------------------------------------------------------------------------------ */

static int sample_json(const struct so_acc_sample_row *r, void *ctx)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:i, s:s}", "id", (json_int_t)r->record_id,
			      "pos", (json_int_t)r->sample_pos, "book", r->book ? r->book : "",
			      "file", r->file ? r->file : "", "page", r->page_index + 1,
			      "row", r->row, "status", r->status ? r->status : "");
	if (!o || json_array_append_new(ctx, o) < 0)
		return so_error("out of memory");
	if (r->defect >= 0)
		json_object_set_new(o, "check", json_pack("{s:s, s:s, s:s?, s:s}", "result",
							  r->defect ? "defect" : "conforms",
							  "checker", r->checker ? r->checker : "",
							  "note", r->note, "at",
							  r->checked_at ? r->checked_at : ""));
	return 0;
}

json_t *so_acc_lot_json(struct so_store *s, const struct so_acc_lot_row *l, int sample)
{
	json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:i, s:i, s:b, s:f, s:s, s:s, s:I, "
			      "s:s, s:I, s:I, s:s, s:s}",
			      "lot", (json_int_t)l->id, "series", l->series,
			      "lot_size", (json_int_t)l->lot_size, "code_letter", l->code_letter,
			      "plan_letter", l->plan_letter, "sample_size",
			      (json_int_t)l->sample_size, "ac", l->ac, "re", l->re, "full", l->full,
			      "aql", strtod(l->aql, NULL), "level", l->level, "severity",
			      l->severity, "seed", (json_int_t)l->seed, "state", l->state,
			      "checked", (json_int_t)l->checked, "defects", (json_int_t)l->found,
			      "created_by", l->created_by, "created_at", l->created_at);
	if (!o) {
		so_error("out of memory");
		return NULL;
	}
	if (l->decided_at[0])
		json_object_set_new(o, "decided_at", json_string(l->decided_at));
	if (sample) {
		json_t *a = json_array();
		if (!a || json_object_set_new(o, "records", a) < 0 ||
		    so_acc_samples_each(s, l->id, sample_json, a) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}
