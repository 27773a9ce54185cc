/* Record export (see export.h). */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"
#include "deliver/deliver_store.h"
#include "deliver/export.h"
#include "register/layout.h"

/* The field names of a layout in column order, composite sub-fields expanded. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], name) == 0)
			return 0;
	if (SO_ARRAY_GROW(ns->v, ns->n, ns->cap) < 0)
		return -1;
	return (ns->v[ns->n++] = so_strdup(name)) ? 0 : -1;
}

static void names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	SO_FREE(ns->v);
	ns->n = ns->cap = 0;
}

static int layout_names(const char *layout, struct names *ns)
{
	struct so_layout *l = NULL;
	if (so_layout_load(layout, &l) < 0)
		return -1;
	int r = 0;
	for (size_t c = 0; r == 0 && c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		if (col->kind == SO_COLUMN_FIELD) {
			r = names_add(ns, col->field);
			continue;
		}
		for (size_t k = 0; r == 0 && k < col->nsubfields; k++) {
			char name[160];
			snprintf(name, sizeof(name), "%s.%s", col->prefix, col->subfields[k]);
			r = names_add(ns, name);
		}
	}
	so_layout_free(l);
	return r;
}

static json_t *text_or_null(const char *t)
{
	return t ? json_string(t) : json_null();
}

struct flags_ctx {
	json_t *flags, *by_field;
};

static int flag_add(const struct so_export_flag *g, void *ctx)
{
	struct flags_ctx *c = ctx;
	json_t *fields = json_loads(g->fields, 0, NULL);
	if (!json_is_array(fields)) {
		json_decref(fields);
		fields = json_array();
	}
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		if (!json_is_string(f))
			continue;
		json_t *codes = json_object_get(c->by_field, json_string_value(f));
		if (!codes) {
			codes = json_array();
			json_object_set_new(c->by_field, json_string_value(f), codes);
		}
		json_array_append_new(codes, text_or_null(g->code));
	}
	json_array_append_new(c->flags, json_pack("{s:o, s:o, s:o, s:o, s:o}",
		"code", text_or_null(g->code), "severity", text_or_null(g->severity),
		"fields", fields, "state", text_or_null(g->state),
		"message", text_or_null(g->message)));
	return 0;
}

/* The flags of a record as export objects; the codes naming each field are collected too. */
static json_t *record_flags(struct so_store *s, int64_t record, json_t *by_field)
{
	struct flags_ctx c = { json_array(), by_field };
	if (!c.flags || so_export_flags_each(s, record, flag_add, &c) < 0) {
		json_decref(c.flags);
		return NULL;
	}
	return c.flags;
}

struct fields_ctx {
	json_t *fields, *by_field;
};

static int field_add(const struct so_export_field *g, void *ctx)
{
	struct fields_ctx *c = ctx;
	if (!g->raw && !g->value)
		return 0; /* an empty field is null */
	json_t *f = json_object();
	json_object_set_new(f, "value", text_or_null(g->value));
	if (g->code)
		json_object_set_new(f, "code", text_or_null(g->code));
	if (g->successor)
		json_object_set_new(f, "successor", text_or_null(g->successor));
	json_object_set_new(f, "raw", text_or_null(g->raw));
	json_object_set_new(f, "confidence", !g->has_confidence
		? json_null() : json_real(g->confidence));
	json_object_set_new(f, "bbox", !g->has_box
		? json_null() : json_pack("[i, i, i, i]", g->box.x0, g->box.y0, g->box.x1,
					  g->box.y1));
	json_t *codes = json_object_get(c->by_field, g->name);
	json_object_set_new(f, "flags", codes ? json_incref(codes) : json_array());
	json_object_set_new(c->fields, g->name, f);
	return 0;
}

static json_t *record_fields(struct so_store *s, int64_t record, const struct names *ns,
			     json_t *by_field)
{
	struct fields_ctx c = { json_object(), by_field };
	for (size_t i = 0; i < ns->n; i++)
		json_object_set_new(c.fields, ns->v[i], json_null());
	if (so_export_fields_each(s, record, field_add, &c) < 0) {
		json_decref(c.fields);
		return NULL;
	}
	return c.fields;
}

/* CSV: quotes a value when it must be (RFC 4180). A value a spreadsheet would take for a
 * formula (its first character one of = + - @, a tab or a carriage return) is written with an
 * apostrophe before it, which spreadsheets show as text and do not evaluate. */
static void csv_put(FILE *out, const char *v, int last)
{
	int formula = v && *v && strchr("=+-@\t\r", *v);
	if (v && (formula || strpbrk(v, ",\"\r\n"))) {
		fputc('"', out);
		if (formula)
			fputc('\'', out);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else if (v) {
		fputs(v, out);
	}
	fputc(last ? '\n' : ',', out);
}

/* The field names of the layouts asked for, kept for the life of the process (under the lock):
 * the only state of this module. */
static struct {
	char layout[72];
	struct names names;
} layout_fields[16];
static int nlayout_fields;
static pthread_mutex_t layout_fields_lock = PTHREAD_MUTEX_INITIALIZER;

/* The field names of a layout; NULL with the error set. */
static const struct names *names_of(const char *layout)
{
	const struct names *found = NULL;
	pthread_mutex_lock(&layout_fields_lock);
	for (int i = 0; i < nlayout_fields && !found; i++)
		if (strcmp(layout_fields[i].layout, layout) == 0)
			found = &layout_fields[i].names;
	if (!found && nlayout_fields < (int)SO_ARRAY_SIZE(layout_fields)) {
		struct names ns = { 0 };
		if (layout_names(layout, &ns) == 0) {
			snprintf(layout_fields[nlayout_fields].layout,
				 sizeof(layout_fields[0].layout), "%s", layout);
			layout_fields[nlayout_fields].names = ns;
			found = &layout_fields[nlayout_fields++].names;
		}
	} else if (!found) {
		so_error("more than %zu layouts in one batch", SO_ARRAY_SIZE(layout_fields));
	}
	pthread_mutex_unlock(&layout_fields_lock);
	return found;
}

json_t *so_export_record(struct so_store *s, int64_t id)
{
	struct so_export_place pl;
	int found = so_export_place_get(s, id, &pl);
	if (found <= 0) {
		if (found == 0)
			so_error("no record %lld", (long long)id);
		return NULL;
	}
	const char *type = pl.type, *volume = pl.volume, *authority = pl.authority_code,
		   *file = pl.file, *status = pl.status;
	int year = pl.year, page = pl.page_index, row = pl.row;
	json_t *sha = pl.has_sha256 ? json_string(pl.sha256) : json_null();
	const struct names *ns = names_of(pl.layout);
	if (!ns) {
		json_decref(sha);
		return NULL;
	}
	char record_id[512];
	snprintf(record_id, sizeof(record_id), "%s-%d-%s-%s/%s/p%d/r%d", type, year, volume,
		 authority, file, page, row);
	json_t *by_field = json_object();
	json_t *flags = record_flags(s, id, by_field);
	json_t *fields = record_fields(s, id, ns, by_field);
	json_decref(by_field);
	if (!flags || !fields) {
		json_decref(flags);
		json_decref(fields);
		json_decref(sha);
		return NULL;
	}
	json_t *rec = json_pack("{s:s, s:s, s:{s:s, s:i, s:s, s:s}, s:{s:s, s:i, s:o}, s:i, s:s, "
				"s:o, s:o}",
		"record_id", record_id, "type", type,
		"book", "type", type, "year", year, "volume", volume, "authority_code", authority,
		"source", "file", file, "page_index", page, "sha256", sha,
		"row", row, "status", status, "fields", fields, "flags", flags);
	if (!rec)
		so_error("out of memory building a record");
	return rec;
}

static int layout_add(const char *layout, void *ctx)
{
	return layout_names(layout, ctx);
}

static const char *const csv_fixed[] = { "record_id", "type", "year", "volume", "authority_code",
					 "file", "page_index", "row", "status", "flags" };

long so_export(struct so_store *s, enum so_export_format format, FILE *out)
{
	struct names all = { 0 };
	long count = 0;
	/* a damaged page can read as rows that are not there: nothing goes out of a damaged store */
	if (so_store_check_intact(s) < 0)
		return -1;
	/* field names of every layout in the batch (the CSV columns) */
	if (so_export_layouts_each(s, layout_add, &all) < 0) {
		names_release(&all);
		return -1;
	}
	if (format == SO_EXPORT_CSV) {
		for (size_t i = 0; i < SO_ARRAY_SIZE(csv_fixed); i++)
			csv_put(out, csv_fixed[i], 0);
		for (size_t i = 0; i < all.n; i++)
			csv_put(out, all.v[i], i + 1 == all.n);
	}
	/* record ids first: building a record runs its own queries */
	int64_t *ids = NULL;
	size_t n = 0;
	if (so_export_record_ids(s, &ids, &n) < 0) {
		names_release(&all);
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		json_t *rec = so_export_record(s, ids[k]);
		if (!rec) {
			count = -1;
			break;
		}
		if (format == SO_EXPORT_JSONL) {
			char *line = json_dumps(rec, SO_EXPORT_DUMP_FLAGS);
			if (!line) {
				json_decref(rec);
				count = so_error("out of memory writing a record");
				break;
			}
			fputs(line, out);
			fputc('\n', out);
			free(line);
		} else {
			json_t *book = json_object_get(rec, "book"), *src = json_object_get(rec, "source");
			char num[32];
			csv_put(out, json_string_value(json_object_get(rec, "record_id")), 0);
			csv_put(out, json_string_value(json_object_get(rec, "type")), 0);
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(json_object_get(book, "year")));
			csv_put(out, num, 0);
			csv_put(out, json_string_value(json_object_get(book, "volume")), 0);
			csv_put(out, json_string_value(json_object_get(book, "authority_code")), 0);
			csv_put(out, json_string_value(json_object_get(src, "file")), 0);
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(json_object_get(src, "page_index")));
			csv_put(out, num, 0);
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(json_object_get(rec, "row")));
			csv_put(out, num, 0);
			csv_put(out, json_string_value(json_object_get(rec, "status")), 0);
			struct so_buf codes = SO_BUF_INIT(4096);
			size_t i;
			json_t *f;
			json_array_foreach(json_object_get(rec, "flags"), i, f) {
				if (codes.len)
					so_buf_adds(&codes, ";");
				so_buf_adds(&codes, json_string_value(json_object_get(f, "code")));
			}
			csv_put(out, codes.data ? codes.data : "", 0);
			so_buf_release(&codes);
			json_t *fields = json_object_get(rec, "fields");
			for (size_t j = 0; j < all.n; j++) {
				json_t *fv = json_object_get(fields, all.v[j]);
				csv_put(out, json_string_value(json_object_get(fv, "value")),
					j + 1 == all.n);
			}
		}
		json_decref(rec);
		count++;
	}
	free(ids);
	names_release(&all);
	return count;
}
