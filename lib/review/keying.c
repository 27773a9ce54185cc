/* Keying handwritten fields: the policy, blind double keying, arbitration, the keyers'
 * statistics (see keying.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/error.h"
#include "base/util.h"
#include "check/records.h"
#include "check/rules.h"
#include "register/layout.h"
#include "review/keying.h"
#include "review/keying_store.h"
#include "review/review.h"
#include "review/review_store.h"

#define HANDWRITTEN "HANDWRITTEN"
#define KEYING_CONFLICT "KEYING_CONFLICT"
#define POLICY_FILE "keying-policy.json"
#define POLICY_FILE_MAX (64 * 1024)
#define NEXT_PAGE 256          /* handwritten flags read at a time looking for the next entry */
#define ENTRY_FIELDS_MAX 64    /* fields keyed in one entry */
#define NEXT_TRIES 64          /* entries without a known field passed over looking for one */
#define TYPED_MAX 2000         /* bytes of one keyed value */

/* The policy ---------------------------------------------------------------------------------- */

/* The book types the policy names, in the order of the policy's rows; "any" is the last row. */
static const char *const book_types[SO_KEYING_BOOK_TYPES] = { "birth", "marriage", "death",
							      "parentage" };
#define ANY SO_KEYING_BOOK_TYPES

static int book_type_index(const char *type)
{
	for (int i = 0; i < SO_KEYING_BOOK_TYPES; i++)
		if (type && strcmp(book_types[i], type) == 0)
			return i;
	return -1;
}

static int mode_parse(json_t *v, enum so_keying_mode *m)
{
	const char *t = json_string_value(v);
	if (t && strcmp(t, "single") == 0)
		*m = SO_KEYING_SINGLE;
	else if (t && strcmp(t, "double") == 0)
		*m = SO_KEYING_DOUBLE;
	else
		return -1;
	return 0;
}

/* A number of the "trusted" object in [LO, HI]. */
static int trusted_number(json_t *trusted, const char *key, double lo, double hi, double *out,
			  const char *from)
{
	json_t *v = json_object_get(trusted, key);
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
		return so_error("%s: \"trusted\" needs \"%s\", a number from %g to %g", from, key,
				lo, hi);
	*out = json_number_value(v);
	return 0;
}

int so_keying_policy_parse(const char *text, size_t len, const char *from,
			   struct so_keying_policy *p)
{
	/* -1: not said; the rows of the book types, then "any" */
	int said[SO_KEYING_BOOK_TYPES + 1][SO_KINDS], dflt[SO_KEYING_BOOK_TYPES + 1];
	json_error_t je;
	int r = -1;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return so_error("%s: not JSON (line %d: %s)", from, je.line, je.text);
	memset(p, 0, sizeof(*p));
	for (int t = 0; t <= SO_KEYING_BOOK_TYPES; t++) {
		dflt[t] = -1;
		for (int k = 0; k < SO_KINDS; k++)
			said[t][k] = -1;
	}
	const char *key;
	json_t *v;
	if (!json_is_object(root)) {
		so_error("%s: not a JSON object with \"modes\" and \"trusted\"", from);
		goto done;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "modes") != 0 && strcmp(key, "trusted") != 0) {
			so_error("%s: '%s' is not \"modes\" nor \"trusted\"", from, key);
			goto done;
		}
	}
	json_t *modes = json_object_get(root, "modes"), *trusted = json_object_get(root, "trusted");
	if (!json_is_object(modes) || !json_is_object(trusted)) {
		so_error("%s: needs \"modes\" and \"trusted\", two objects", from);
		goto done;
	}
	json_object_foreach(modes, key, v) {
		int t = strcmp(key, "any") == 0 ? ANY : book_type_index(key);
		if (t < 0) {
			so_error("%s: '%s' is not a book type (birth, marriage, death, parentage) nor "
				 "\"any\"", from, key);
			goto done;
		}
		if (!json_is_object(v)) {
			so_error("%s: the modes of '%s' are not an object of field kinds", from, key);
			goto done;
		}
		const char *kind_name;
		json_t *m;
		json_object_foreach(v, kind_name, m) {
			enum so_keying_mode mode;
			if (mode_parse(m, &mode) < 0) {
				so_error("%s: the mode of '%s' in '%s' is not \"single\" nor \"double\"",
					 from, kind_name, key);
				goto done;
			}
			if (strcmp(kind_name, "default") == 0) {
				dflt[t] = (int)mode;
				continue;
			}
			enum so_kind kind = so_kind_parse(kind_name);
			if (kind == SO_KIND_NONE) {
				so_error("%s: '%s' in '%s' is not a field kind", from, kind_name, key);
				goto done;
			}
			said[t][kind] = (int)mode;
		}
	}
	json_object_foreach(trusted, key, v) {
		if (strcmp(key, "min_fields") != 0 && strcmp(key, "min_agreement") != 0 &&
		    strcmp(key, "spot_check") != 0) {
			so_error("%s: '%s' of \"trusted\" is not min_fields, min_agreement nor "
				 "spot_check", from, key);
			goto done;
		}
	}
	double min_fields;
	if (trusted_number(trusted, "min_fields", 1, 1e9, &min_fields, from) < 0 ||
	    trusted_number(trusted, "min_agreement", 0, 1, &p->trusted_min_agreement, from) < 0 ||
	    trusted_number(trusted, "spot_check", 0, 1, &p->spot_check, from) < 0)
		goto done;
	if (!json_is_integer(json_object_get(trusted, "min_fields"))) {
		so_error("%s: \"min_fields\" of \"trusted\" is not a whole number", from);
		goto done;
	}
	p->trusted_min_fields = (int64_t)min_fields;
	for (int t = 0; t < SO_KEYING_BOOK_TYPES; t++)
		for (int k = 0; k < SO_KINDS; k++) {
			int m = said[t][k] >= 0 ? said[t][k] : dflt[t] >= 0 ? dflt[t]
				: said[ANY][k] >= 0 ? said[ANY][k] : dflt[ANY] >= 0 ? dflt[ANY]
				: (int)SO_KEYING_DOUBLE;
			p->mode[t][k] = (enum so_keying_mode)m;
		}
	r = 0;
done:
	json_decref(root);
	return r;
}

int so_keying_policy_load(const char *batch_dir, struct so_keying_policy *p)
{
	char *path = so_asprintf("%s/%s", batch_dir, POLICY_FILE);
	if (!path)
		return -1;
	int r = -1;
	if (access(path, F_OK) == 0) {
		char *text = NULL;
		size_t len = 0;
		if (so_read_file(path, POLICY_FILE_MAX, &text, &len) < 0)
			so_error_context("cannot read the keying policy '%s'", path);
		else
			r = so_keying_policy_parse(text, len, path, p);
		free(text);
	} else {
		const struct so_embedded *e = so_embedded_find(POLICY_FILE);
		if (!e)
			so_error("no built-in %s", POLICY_FILE);
		else
			r = so_keying_policy_parse((const char *)e->data, e->size, POLICY_FILE, p);
	}
	free(path);
	return r;
}

enum so_keying_mode so_keying_mode_of(const struct so_keying_policy *p, const char *book_type,
				      enum so_kind kind)
{
	int t = book_type_index(book_type);
	if ((int)kind < 0 || kind >= SO_KINDS)
		kind = SO_KIND_TEXT;
	/* a book type the policy does not know: double unless every known type keys the kind
	 * once (the safe side) */
	if (t < 0) {
		for (int i = 0; i < SO_KEYING_BOOK_TYPES; i++)
			if (p->mode[i][kind] == SO_KEYING_DOUBLE)
				return SO_KEYING_DOUBLE;
		return SO_KEYING_SINGLE;
	}
	return p->mode[t][kind];
}

int so_keying_trusted(const struct so_keying_policy *p, int64_t decided, int64_t agreed)
{
	return decided >= p->trusted_min_fields && decided > 0 &&
	       (double)agreed >= p->trusted_min_agreement * (double)decided;
}

static int text_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int so_keying_agree(const char *value_a, const char *code_a, const char *value_b,
		    const char *code_b)
{
	if (code_a && code_b)
		return strcmp(code_a, code_b) == 0;
	return text_same(value_a, value_b);
}

/* Roles --------------------------------------------------------------------------------------- */

static const char *const roles_known[] = { "keyer", "arbitrator", "checker" };

int so_roles_ok(const char *roles)
{
	int seen[SO_ARRAY_SIZE(roles_known)] = { 0 }, n = 0;
	const char *p = roles ? roles : "";
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i = 0;
		while (i < SO_ARRAY_SIZE(roles_known) &&
		       !(strlen(roles_known[i]) == len && strncmp(roles_known[i], p, len) == 0))
			i++;
		if (i == SO_ARRAY_SIZE(roles_known)) {
			so_error("'%.*s' is not a role (keyer, arbitrator, checker)", (int)len, p);
			return 0;
		}
		if (seen[i]++) {
			so_error("the role '%s' is given twice", roles_known[i]);
			return 0;
		}
		n++;
		p += len;
		if (*p == ',' && *++p == 0) {
			so_error("a role list ends with a comma");
			return 0;
		}
	}
	if (!n)
		so_error("no role given (keyer, arbitrator, checker)");
	return n > 0;
}

int so_reviewer_roles_set(struct so_store *s, const char *name, const char *roles)
{
	if (!so_roles_ok(roles))
		return -1;
	int r = so_reviewer_roles_put(s, name, roles);
	if (r == 0)
		so_error("Không có người duyệt “%s” — no reviewer '%s'", name, name);
	return r;
}

int so_reviewer_roles(struct so_store *s, const char *name, char *buf, size_t size)
{
	return so_reviewer_roles_get(s, name, buf, size);
}

int so_reviewer_has_role(struct so_store *s, const char *name, const char *role)
{
	char roles[128];
	int r = so_reviewer_roles_get(s, name, roles, sizeof(roles));
	if (r <= 0)
		return r;
	size_t n = strlen(role);
	for (const char *p = roles; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, role, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* One record as keying sees it ---------------------------------------------------------------- */

struct entry {
	int64_t id;
	struct so_review_head head;
	struct so_book book;
	struct so_layout *layout;
};

/* 1 with E filled (its layout to free with entry_release), 0 no such record (error set). */
static int entry_get(struct so_store *s, int64_t id, struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	int found = so_review_head_get(s, id, &e->head);
	if (found == 0)
		so_error("Không có bản ghi %lld — no record %lld", (long long)id, (long long)id);
	if (found <= 0)
		return found;
	if (so_book_get(s, e->head.book_id, &e->book) < 0 ||
	    so_layout_load(e->book.layout, &e->layout) < 0)
		return -1;
	return 1;
}

static void entry_release(struct entry *e)
{
	so_layout_free(e->layout);
	e->layout = NULL;
}

/* The column of FIELD in the layout (1-based), 0 for none. */
static int field_column(const struct entry *e, const char *field)
{
	const struct so_column *col = so_field_column(e->layout, field, NULL);
	return col ? (int)(col - e->layout->columns) + 1 : 0;
}

/* 1 when LIST (a flag's fields, JSON) names FIELD. */
static int fields_name(const char *list, const char *field)
{
	json_t *a = list ? json_loads(list, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	int found = 0;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), field) == 0)
			found = 1;
	json_decref(a);
	return found;
}

struct flag_find {
	const char *code, *field;
	int found;
};

static int flag_found(const struct so_review_flag *g, void *ctx)
{
	struct flag_find *f = ctx;
	if (strcmp(g->state, "open") == 0 && strcmp(g->code, f->code) == 0 &&
	    fields_name(g->fields, f->field)) {
		f->found = 1;
		return 1;
	}
	return 0;
}

/* 1 when record ID has an open flag CODE about FIELD, 0 when not, -1. */
static int flag_open(struct so_store *s, int64_t id, const char *code, const char *field)
{
	struct flag_find f = { code, field, 0 };
	if (so_review_flags_each(s, id, flag_found, &f) < 0)
		return -1;
	return f.found;
}

struct rule_find {
	const char *field;
	int found;
};

static int rule_found(const struct so_review_flag *g, void *ctx)
{
	struct rule_find *f = ctx;
	if (strcmp(g->state, "open") == 0 && strcmp(g->severity, "error") == 0 &&
	    strcmp(g->source, "validate") == 0 && strcmp(g->code, HANDWRITTEN) != 0 &&
	    fields_name(g->fields, f->field)) {
		f->found = 1;
		return 1;
	}
	return 0;
}

/* 1 when the book's rules hold an error against FIELD of record ID, 0 when not, -1. */
static int rules_object(struct so_store *s, int64_t id, const char *field)
{
	struct rule_find f = { field, 0 };
	if (so_review_flags_each(s, id, rule_found, &f) < 0)
		return -1;
	return f.found;
}

/* The next entry ------------------------------------------------------------------------------ */

struct candidate {
	int64_t id;             /* the record being gathered, 0 before the first */
	json_t *fields;         /* its field names */
	int64_t found;          /* the first record with a field for the keyer */
	json_t *found_fields;
	int64_t last;           /* the last record read */
	long rows;
	struct so_store *s;
	const char *keyer;
	int failed;
};

/* The role the keyer's keying of FIELD of record ID would have, or NULL when the field is not
 * the keyer's to key (decided, in conflict, keyed enough, keyed by them). */
static int keyable(struct so_store *s, int64_t id, const char *field, const char *keyer,
		   const char **role)
{
	struct so_keying_field f;
	*role = NULL;
	int started = so_keying_field_get(s, id, field, &f);
	if (started < 0)
		return -1;
	if (started && (strcmp(f.state, "open") != 0 || f.keyings >= f.needed))
		return 0;
	int by = so_keying_by(s, id, field, keyer);
	if (by != 0)
		return by < 0 ? -1 : 0;
	*role = !started || f.keyings == 0 ? "first" : f.spot ? "spot" : "second";
	return 1;
}

/* Ends the record gathered: it is the one when one of its fields is the keyer's. */
static int candidate_close(struct candidate *c)
{
	if (!c->id || c->found)
		return 0;
	size_t i;
	json_t *v;
	json_t *mine = json_array();
	if (!mine)
		return -1;
	json_array_foreach(c->fields, i, v) {
		const char *role;
		int k = keyable(c->s, c->id, json_string_value(v), c->keyer, &role);
		if (k < 0) {
			json_decref(mine);
			return -1;
		}
		if (k)
			json_array_append(mine, v);
	}
	if (json_array_size(mine)) {
		c->found = c->id;
		c->found_fields = mine;
	} else {
		json_decref(mine);
	}
	return 0;
}

static int candidate_row(int64_t record_id, const char *fields, void *ctx)
{
	struct candidate *c = ctx;
	c->rows++;
	c->last = record_id;
	if (record_id != c->id) {
		if (candidate_close(c) < 0)
			return -1;
		if (c->found)
			return 1;
		json_array_clear(c->fields);
		c->id = record_id;
	}
	json_t *a = fields ? json_loads(fields, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		size_t j;
		json_t *w;
		int dup = 0;
		json_array_foreach(c->fields, j, w)
			dup |= json_equal(v, w);
		if (json_is_string(v) && !dup && json_array_size(c->fields) < ENTRY_FIELDS_MAX)
			json_array_append(c->fields, v);
	}
	json_decref(a);
	return 0;
}

/* The first record after AFTER (up to UNTIL, 0: the end) with a field for the keyer: its id,
 * 0 when none, -1. *FIELDS gets its fields. */
static int64_t next_from(struct so_store *s, const char *keyer, int64_t after, int64_t until,
			 json_t **fields)
{
	struct candidate c = { .s = s, .keyer = keyer, .fields = json_array() };
	int64_t at = after, found = -1;
	if (!c.fields)
		return -1;
	for (;;) {
		c.rows = 0;
		if (so_handwritten_each(s, at, NEXT_PAGE, candidate_row, &c) < 0)
			goto done;
		if (c.found || c.rows < NEXT_PAGE || (until && c.last >= until))
			break;
		/* the page ended within a record: read it again whole from the next page on */
		at = c.id - 1 > at ? c.id - 1 : c.last;
		json_array_clear(c.fields);
		c.id = 0;
	}
	if (!c.found && candidate_close(&c) < 0)
		goto done;
	found = c.found && (!until || c.found <= until) ? c.found : 0;
	if (found) {
		*fields = c.found_fields;
		c.found_fields = NULL;
	}
done:
	json_decref(c.fields);
	json_decref(c.found_fields);
	return found;
}

/* The entry's fields in column order. */
static int by_column(const void *a, const void *b)
{
	const int *x = a, *y = b;
	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* The entry of record ID for KEYER with the fields NAMES (taken): so_keying_next's object,
 * whose fields may be none (names the layout does not know). */
static json_t *entry_json(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
			  int64_t id, json_t *names)
{
	json_t *out = NULL;
	struct entry e = { 0 };
	if (entry_get(s, id, &e) <= 0)
		goto done;
	size_t n = json_array_size(names);
	int order[ENTRY_FIELDS_MAX][2];
	for (size_t i = 0; i < n; i++) {
		order[i][0] = field_column(&e, json_string_value(json_array_get(names, i)));
		order[i][1] = (int)i;
	}
	qsort(order, n, sizeof(order[0]), by_column);
	out = json_pack("{s:I, s:s, s:[iiii], s:[]}", "record", (json_int_t)id, "book_type",
			e.book.type, "row_box", e.head.row.x0, e.head.row.y0, e.head.row.x1,
			e.head.row.y1, "fields");
	if (!out) {
		so_error("out of memory");
		goto done;
	}
	/* the registration date chooses the units in force for completion, unless it is itself
	 * a handwritten cell waiting for keying (its reading is not shown) */
	char date[32];
	int hidden = flag_open(s, id, HANDWRITTEN, "registration_date");
	int known = hidden ? 0 : so_field_value_get(s, id, "registration_date", date, sizeof(date));
	if (hidden < 0 || known < 0)
		goto fail;
	if (known && strlen(date) == 10)
		json_object_set_new(out, "registration_date", json_string(date));
	json_t *fields = json_object_get(out, "fields");
	for (size_t i = 0; i < n; i++) {
		const char *name = json_string_value(json_array_get(names, (size_t)order[i][1]));
		enum so_kind kind = so_field_kind(e.layout, name);
		if (kind == SO_KIND_NONE)
			continue;
		const char *role;
		if (keyable(s, id, name, keyer, &role) < 0)
			goto fail;
		struct so_keying_field f;
		int started = so_keying_field_get(s, id, name, &f);
		if (started < 0)
			goto fail;
		if (!started && so_keying_mode_of(p, e.book.type, kind) == SO_KEYING_SINGLE)
			role = "single";
		char label[256];
		so_field_label(e.layout, name, 1, label, sizeof(label));
		json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:s}", "name", name, "label",
							label, "kind", so_kind_name(kind), "role",
							role ? role : "first"));
	}
	goto done;
fail:
	json_decref(out);
	out = NULL;
done:
	entry_release(&e);
	json_decref(names);
	return out;
}

json_t *so_keying_next(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
		       int64_t after)
{
	/* from AFTER to the end, then from the start up to AFTER; an entry whose flagged fields
	 * are none of its layout's is passed over (a bounded number of times) */
	int64_t from = after, until = 0;
	for (int tries = 0; tries < NEXT_TRIES; tries++) {
		json_t *names = NULL;
		int64_t id = next_from(s, keyer, from, until, &names);
		if (id < 0)
			return NULL;
		if (id == 0 && !until && after > 0) {
			from = 0;
			until = after;
			continue;
		}
		if (id == 0)
			break;
		json_t *out = entry_json(s, p, keyer, id, names);
		if (!out || json_array_size(json_object_get(out, "fields")))
			return out;
		json_decref(out);
		from = id;
	}
	return json_pack("{s:n, s:[]}", "record", "fields");
}

/* Saving a keying ----------------------------------------------------------------------------- */

/* A keyed value made canonical: 1 with *VALUE and *CODE (the caller frees them; NULL for
 * none), 0 when it cannot be (the error says why, in both languages), -1. */
static int canonical(struct so_store *s, int64_t id, const char *field, const char *typed,
		     char **value, char **code)
{
	*value = *code = NULL;
	json_t *pv = so_review_preview(s, id, field, typed);
	if (!pv)
		return -1;
	int ok = json_is_true(json_object_get(pv, "ok"));
	if (!ok) {
		json_t *pr = json_array_get(json_object_get(pv, "problems"), 0);
		const char *vi = json_string_value(json_object_get(pr, "vi"));
		const char *en = json_string_value(json_object_get(pr, "en"));
		so_error("“%s”: %s — '%s': %s", typed, vi ? vi : "không chuẩn hoá được", typed,
			 en ? en : "cannot be made canonical");
	} else {
		const char *v = json_string_value(json_object_get(pv, "value"));
		const char *c = json_string_value(json_object_get(pv, "code"));
		*value = v ? so_strdup(v) : NULL;
		*code = c ? so_strdup(c) : NULL;
		if ((v && !*value) || (c && !*code)) {
			free(*value);
			free(*code);
			*value = *code = NULL;
			json_decref(pv);
			return so_error("out of memory");
		}
	}
	json_decref(pv);
	return ok;
}

static int keying_left(const struct so_review_flag *g, void *ctx)
{
	if (strcmp(g->state, "open") == 0 &&
	    (strcmp(g->code, HANDWRITTEN) == 0 || strcmp(g->code, KEYING_CONFLICT) == 0))
		(*(int *)ctx)++;
	return 0;
}

/* FIELD of entry E takes VALUE and CODE, keyed by people: set as the review's set does, its
 * open flags (HANDWRITTEN, KEYING_CONFLICT) resolved, its keying accepted, the record's
 * version moved on; audited as ACTOR's. The book's rules run again when JUDGE, or when it
 * was the record's last field waiting for keying or arbitration (before that the record
 * needs review anyway, and judging a book of hundreds of entries once per field is slow).
 * In the caller's transaction. */
static int accept_field(struct so_store *s, const char *actor, const struct entry *e,
			const char *field, const char *value, const char *code, int judge)
{
	char *before = NULL;
	if (so_field_shown_get(s, e->id, field, &before) < 0)
		return -1;
	int bad = so_field_set_by_archivist(s, e->id, field, value, code, NULL, NULL) < 0 ||
		  so_audit_add(s, actor, e->id, "accept", field, before, value) < 0;
	free(before);
	int left = 0;
	if (bad || so_flags_resolve_field(s, e->id, field) < 0 ||
	    so_keying_field_state(s, e->id, field, "accepted", value, code) < 0 ||
	    so_review_touch(s, e->id) < 0 ||
	    so_review_flags_each(s, e->id, keying_left, &left) < 0 ||
	    ((judge || left == 0) && so_validate_book(s, e->head.book_id) < 0) ||
	    so_review_follow_flags(s, e->id) < 0)
		return -1;
	return 0;
}

struct first_keying {
	int64_t id;
	char keyer[80];
	char *value, *code;
	int n;
};

static int first_kept(const struct so_keying_row *k, void *ctx)
{
	struct first_keying *f = ctx;
	if (strcmp(k->role, "arbitration") == 0 || f->n++)
		return 0;
	f->id = k->id;
	snprintf(f->keyer, sizeof(f->keyer), "%s", k->keyer);
	f->value = k->value ? so_strdup(k->value) : NULL;
	f->code = k->code ? so_strdup(k->code) : NULL;
	return (k->value && !f->value) || (k->code && !f->code) ? so_error("out of memory") : 0;
}

/* Two keyings disagree: the field goes to an arbitrator. */
static int conflict(struct so_store *s, const char *actor, const struct entry *e,
		    const char *field, const char *label)
{
	json_t *fl = json_pack("[s]", field);
	char *fields = fl ? json_dumps(fl, JSON_COMPACT) : NULL;
	char msg[512];
	snprintf(msg, sizeof(msg), "hai lần nhập “%s” không khớp: người phân xử chọn — two "
		 "keyings of '%s' disagree: an arbitrator decides", label, field);
	int r = fields && so_flag_add(s, e->id, KEYING_CONFLICT, "error", fields, msg, "keying",
				      NULL) == 0 &&
		so_keying_field_state(s, e->id, field, "conflict", NULL, NULL) == 0 &&
		so_audit_add(s, actor, e->id, "conflict", field, NULL, KEYING_CONFLICT) == 0 &&
		so_review_follow_flags(s, e->id) == 0 && so_review_touch(s, e->id) == 0 ? 0 : -1;
	free(fields);
	json_decref(fl);
	return r;
}

/* 0 when record E's status lets people key it, else SO_KEYING_REFUSED (the error says why). */
static int status_keyable(const struct entry *e)
{
	const char *st = e->head.status;
	if (strcmp(st, "synced") == 0 || strcmp(st, "rejected") == 0 ||
	    strcmp(st, "approved") == 0) {
		so_error("Bản ghi đã %s, không nhập được — the record is %s and cannot be keyed",
			 strcmp(st, "synced") == 0 ? "được gửi đi" : strcmp(st, "rejected") == 0
			 ? "bị từ chối" : "được duyệt", st);
		return SO_KEYING_REFUSED;
	}
	return 0;
}

/* One attempt at saving a keying (so_keying_save); with WAIT a single keying is kept but not
 * accepted: it waits for a second (the rules objected to it). 4: the rules objected (rolled
 * back: try again with WAIT). */
static int save_once(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
		     int64_t id, const char *field, const char *typed, double seconds, double draw,
		     int wait, json_t **out)
{
	struct entry e;
	char *value = NULL, *code = NULL;
	struct first_keying first = { 0 };
	int r = -1;
	if (so_store_begin(s) < 0)
		return -1;
	int found = entry_get(s, id, &e);
	if (found <= 0) {
		r = found < 0 ? -1 : SO_KEYING_REFUSED;
		goto end;
	}
	if (status_keyable(&e) != 0) {
		r = SO_KEYING_GONE;
		goto end;
	}
	r = -1;
	enum so_kind kind = so_field_kind(e.layout, field);
	int open = kind == SO_KIND_NONE ? 0 : flag_open(s, id, HANDWRITTEN, field);
	if (open < 0)
		goto end;
	const char *role;
	int k = open ? keyable(s, id, field, keyer, &role) : 0;
	if (k < 0)
		goto end;
	if (!k) {
		so_error(open ? "Trường “%s” không còn chờ bạn nhập (đã nhập đủ hoặc bạn đã nhập nó) — "
			 "the field '%s' is not waiting for your keying (keyed enough, or keyed by "
			 "you)" : "Trường “%s” không phải chữ viết tay cần nhập — '%s' is no "
			 "handwritten field to key", field, field);
		r = SO_KEYING_GONE;
		goto end;
	}
	int ok = canonical(s, id, field, typed, &value, &code);
	if (ok <= 0) {
		r = ok < 0 ? -1 : SO_KEYING_REFUSED;
		goto end;
	}
	struct so_keying_field f;
	int started = so_keying_field_get(s, id, field, &f);
	if (started < 0)
		goto end;
	int needed = started ? f.needed : 2;
	if (!started) {
		enum so_keying_mode mode = so_keying_mode_of(p, e.book.type, kind);
		int spot = 0;
		if (mode == SO_KEYING_SINGLE) {
			needed = wait ? 2 : 1;
			role = "single";
		} else {
			struct so_keyer_row kr;
			int got = so_keyer_get(s, keyer, so_kind_name(kind), &kr);
			if (got < 0)
				goto end;
			if (got && so_keying_trusted(p, kr.decided, kr.agreed)) {
				spot = draw < p->spot_check;
				needed = spot || wait ? 2 : 1;
				role = needed == 1 ? "single" : "first";
			}
		}
		if (so_keying_field_start(s, id, field, mode == SO_KEYING_SINGLE ? "single" :
					  "double", needed, spot) < 0)
			goto end;
	}
	struct so_keying_row row = { .record_id = id, .field = field, .kind = so_kind_name(kind),
				     .keyer = keyer, .typed = typed, .value = value, .code = code,
				     .seconds = seconds, .role = role };
	char action[32];
	snprintf(action, sizeof(action), "key-%s", role);
	if (so_keying_add(s, &row, NULL) < 0 ||
	    so_audit_add(s, keyer, id, action, field, NULL, value ? value : "") < 0)
		goto end;
	int64_t made = started ? f.keyings + 1 : 1;
	const char *outcome = "waiting";
	r = SO_KEYING_WAITING;
	if (made >= needed && needed == 1) {
		if (accept_field(s, keyer, &e, field, value, code, 1) < 0)
			goto end;
		int objects = rules_object(s, id, field);
		if (objects < 0)
			goto end;
		if (objects) {
			r = 4;
			goto end;
		}
		outcome = "accepted";
		r = SO_KEYING_ACCEPTED;
	} else if (made >= needed) {
		if (so_keyings_each(s, id, field, first_kept, &first) < 0)
			goto end;
		if (so_keying_agree(first.value, first.code, value, code)) {
			if (accept_field(s, keyer, &e, field, value, code, 0) < 0)
				goto end;
			outcome = "accepted";
			r = SO_KEYING_ACCEPTED;
		} else {
			char label[256];
			so_field_label(e.layout, field, 1, label, sizeof(label));
			if (conflict(s, keyer, &e, field, label) < 0)
				goto end;
			outcome = "conflict";
			r = SO_KEYING_CONFLICTED;
		}
	} else if (so_review_touch(s, id) < 0) {
		goto end;
	}
	if (so_store_commit(s) < 0) {
		r = -1;
		goto end;
	}
	if (out)
		*out = json_pack("{s:s, s:s?, s:s?, s:s}", "outcome", outcome, "value", value, "code",
				 code, "role", role);
	entry_release(&e);
	free(value);
	free(code);
	free(first.value);
	free(first.code);
	return r;
end:
	so_store_rollback(s);
	entry_release(&e);
	free(value);
	free(code);
	free(first.value);
	free(first.code);
	return r;
}

int so_keying_save(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
		   int64_t id, const char *field, const char *typed, double seconds, double draw,
		   json_t **out)
{
	if (out)
		*out = NULL;
	if (!typed || strlen(typed) > TYPED_MAX) {
		so_error("Giá trị quá dài — the value is too long");
		return SO_KEYING_REFUSED;
	}
	int r = save_once(s, p, keyer, id, field, typed, seconds, draw, 0, out);
	/* a single keying the rules object to waits for a second keyer instead */
	if (r == 4)
		r = save_once(s, p, keyer, id, field, typed, seconds, draw, 1, out);
	return r == 4 ? -1 : r;
}

/* Conflicts and arbitration ------------------------------------------------------------------- */

struct conflict_list {
	int64_t id[256];
	char field[256][72];
	size_t n;
};

static int conflict_listed(int64_t record_id, const char *field, void *ctx)
{
	struct conflict_list *c = ctx;
	if (c->n >= SO_ARRAY_SIZE(c->id))
		return 1;
	c->id[c->n] = record_id;
	snprintf(c->field[c->n], sizeof(c->field[0]), "%s", field);
	c->n++;
	return 0;
}

static int keying_shown(const struct so_keying_row *k, void *ctx)
{
	if (strcmp(k->role, "arbitration") == 0)
		return 0;
	json_t *v = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s, s:s}", "id", (json_int_t)k->id,
			      "keyer", k->keyer, "typed", k->typed ? k->typed : "", "value",
			      k->value, "code", k->code, "at", k->at, "role", k->role);
	return v && json_array_append_new(ctx, v) == 0 ? 0 : so_error("out of memory");
}

json_t *so_keying_conflicts(struct so_store *s, long limit, int64_t *total)
{
	struct conflict_list *c = so_calloc(1, sizeof(*c));
	json_t *out = json_array();
	if (!c || !out)
		goto fail;
	if (limit <= 0 || limit > (long)SO_ARRAY_SIZE(c->id))
		limit = SO_ARRAY_SIZE(c->id);
	if ((total && so_keying_conflicts_count(s, total) < 0) ||
	    so_keying_conflicts_each(s, limit, conflict_listed, c) < 0)
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		struct entry e;
		if (entry_get(s, c->id[i], &e) <= 0)
			goto fail;
		char label[256];
		so_field_label(e.layout, c->field[i], 1, label, sizeof(label));
		enum so_kind kind = so_field_kind(e.layout, c->field[i]);
		json_t *it = json_pack("{s:I, s:s, s:s, s:s, s:[iiii], s:[]}", "record",
				       (json_int_t)c->id[i], "field", c->field[i], "label", label,
				       "kind", so_kind_name(kind == SO_KIND_NONE ? SO_KIND_TEXT : kind),
				       "row_box", e.head.row.x0, e.head.row.y0, e.head.row.x1,
				       e.head.row.y1, "keyings");
		entry_release(&e);
		if (!it || json_array_append_new(out, it) < 0 ||
		    so_keyings_each(s, c->id[i], c->field[i], keying_shown,
				    json_object_get(it, "keyings")) < 0)
			goto fail;
	}
	free(c);
	return out;
fail:
	free(c);
	json_decref(out);
	return NULL;
}

struct pick {
	int64_t want;
	const char *arbitrator;
	int is_keyer, found;
	char *value, *code, *typed;
};

static int picked(const struct so_keying_row *k, void *ctx)
{
	struct pick *p = ctx;
	if (strcmp(k->role, "arbitration") == 0)
		return 0;
	if (strcmp(k->keyer, p->arbitrator) == 0)
		p->is_keyer = 1;
	if (k->id != p->want || p->found)
		return 0;
	p->found = 1;
	p->value = k->value ? so_strdup(k->value) : NULL;
	p->code = k->code ? so_strdup(k->code) : NULL;
	p->typed = so_strdup(k->typed ? k->typed : "");
	return (k->value && !p->value) || (k->code && !p->code) || !p->typed
		? so_error("out of memory") : 0;
}

int so_keying_arbitrate(struct so_store *s, const char *arbitrator, int64_t id,
			const char *field, int64_t keying_id, const char *typed)
{
	struct entry e = { 0 };
	struct pick pk = { .want = keying_id, .arbitrator = arbitrator };
	int r = -1;
	if (!field || (keying_id <= 0 && (!typed || strlen(typed) > TYPED_MAX))) {
		so_error("Hãy chọn một lần nhập hoặc gõ giá trị — pick a keying or type the value");
		return SO_KEYING_REFUSED;
	}
	if (so_store_begin(s) < 0)
		return -1;
	int role = so_reviewer_has_role(s, arbitrator, "arbitrator");
	if (role <= 0) {
		if (role == 0)
			so_error("“%s” không có quyền phân xử — '%s' is no arbitrator", arbitrator,
				 arbitrator);
		r = role < 0 ? -1 : SO_KEYING_REFUSED;
		goto end;
	}
	int found = entry_get(s, id, &e);
	if (found <= 0) {
		r = found < 0 ? -1 : SO_KEYING_REFUSED;
		goto end;
	}
	if ((r = status_keyable(&e)) != 0)
		goto end;
	r = -1;
	struct so_keying_field f;
	int started = so_keying_field_get(s, id, field, &f);
	if (started < 0)
		goto end;
	if (!started || strcmp(f.state, "conflict") != 0) {
		so_error("Trường “%s” không có hai lần nhập khác nhau chờ phân xử — '%s' has no "
			 "conflict to settle", field, field);
		r = SO_KEYING_REFUSED;
		goto end;
	}
	if (so_keyings_each(s, id, field, picked, &pk) < 0)
		goto end;
	if (pk.is_keyer) {
		so_error("Bạn đã nhập trường này; người khác phân xử — you keyed this field: "
			 "another arbitrates");
		r = SO_KEYING_REFUSED;
		goto end;
	}
	if (keying_id > 0 && !pk.found) {
		so_error("Không có lần nhập %lld của trường này — no keying %lld of this field",
			 (long long)keying_id, (long long)keying_id);
		r = SO_KEYING_REFUSED;
		goto end;
	}
	if (keying_id <= 0) {
		int ok = canonical(s, id, field, typed, &pk.value, &pk.code);
		if (ok <= 0) {
			r = ok < 0 ? -1 : SO_KEYING_REFUSED;
			goto end;
		}
	}
	enum so_kind kind = so_field_kind(e.layout, field);
	struct so_keying_row row = { .record_id = id, .field = field, .kind = so_kind_name(kind),
				     .keyer = arbitrator, .typed = keying_id > 0 ? pk.typed : typed,
				     .value = pk.value, .code = pk.code, .seconds = -1,
				     .role = "arbitration" };
	char why[64];
	snprintf(why, sizeof(why), keying_id > 0 ? "keying %lld" : "typed", (long long)keying_id);
	if (so_keying_add(s, &row, NULL) < 0 ||
	    so_audit_add(s, arbitrator, id, "arbitrate", field, why, pk.value ? pk.value : "") < 0 ||
	    accept_field(s, arbitrator, &e, field, pk.value, pk.code, 0) < 0 ||
	    so_store_commit(s) < 0)
		goto end;
	r = SO_KEYING_ACCEPTED;
	entry_release(&e);
	free(pk.value);
	free(pk.code);
	free(pk.typed);
	return r;
end:
	so_store_rollback(s);
	entry_release(&e);
	free(pk.value);
	free(pk.code);
	free(pk.typed);
	return r;
}

/* Statistics ---------------------------------------------------------------------------------- */

struct stats_ctx {
	const struct so_keying_policy *p;
	json_t *out;
};

static int keyer_shown(const struct so_keyer_row *r, void *ctx)
{
	struct stats_ctx *c = ctx;
	json_t *v = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:b}", "keyer", r->keyer, "kind",
			      r->kind, "keyed", (json_int_t)r->keyed, "decided",
			      (json_int_t)r->decided, "agreed", (json_int_t)r->agreed, "agreement",
			      r->decided ? json_real((double)r->agreed / (double)r->decided)
					 : json_null(),
			      "seconds", r->seconds >= 0 ? json_real(r->seconds) : json_null(),
			      "trusted", so_keying_trusted(c->p, r->decided, r->agreed));
	return v && json_array_append_new(c->out, v) == 0 ? 0 : so_error("out of memory");
}

json_t *so_keying_stats(struct so_store *s, const struct so_keying_policy *p)
{
	struct stats_ctx c = { p, json_array() };
	if (!c.out || so_keyers_each(s, keyer_shown, &c) < 0) {
		json_decref(c.out);
		return NULL;
	}
	return c.out;
}
