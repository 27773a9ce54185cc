/* Record export (see export.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"
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

static json_t *text_or_null(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? json_string((const char *)t) : json_null();
}

/* The flags of a record as export objects; the codes naming each field are collected too. */
static json_t *record_flags(struct so_store *s, int64_t record, json_t *by_field)
{
	json_t *flags = json_array();
	sqlite3_stmt *st = so_store_stmt(s, "SELECT code, severity, fields, state, message FROM flags "
					    "WHERE record_id = ?1 ORDER BY id");
	if (!st || !flags) {
		json_decref(flags);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, record);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *fields = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		if (!json_is_array(fields)) {
			json_decref(fields);
			fields = json_array();
		}
		size_t i;
		json_t *f;
		json_array_foreach(fields, i, f) {
			if (!json_is_string(f))
				continue;
			json_t *codes = json_object_get(by_field, json_string_value(f));
			if (!codes) {
				codes = json_array();
				json_object_set_new(by_field, json_string_value(f), codes);
			}
			json_array_append_new(codes, text_or_null(st, 0));
		}
		json_array_append_new(flags, json_pack("{s:o, s:o, s:o, s:o, s:o}",
			"code", text_or_null(st, 0), "severity", text_or_null(st, 1), "fields", fields,
			"state", text_or_null(st, 3), "message", text_or_null(st, 4)));
	}
	sqlite3_reset(st);
	return flags;
}

static json_t *record_fields(struct so_store *s, int64_t record, const struct names *ns,
			     json_t *by_field)
{
	json_t *fields = json_object();
	for (size_t i = 0; i < ns->n; i++)
		json_object_set_new(fields, ns->v[i], json_null());
	sqlite3_stmt *st = so_store_stmt(s, "SELECT name, raw, value, code, confidence, x0, y0, x1, "
					    "y1, successor FROM fields WHERE record_id = ?1");
	if (!st) {
		json_decref(fields);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, record);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_type(st, 1) == SQLITE_NULL &&
		    sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue; /* an empty field is null */
		json_t *f = json_object();
		json_object_set_new(f, "value", text_or_null(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			json_object_set_new(f, "code", text_or_null(st, 3));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			json_object_set_new(f, "successor", text_or_null(st, 9));
		json_object_set_new(f, "raw", text_or_null(st, 1));
		json_object_set_new(f, "confidence", sqlite3_column_type(st, 4) == SQLITE_NULL
			? json_null() : json_real(sqlite3_column_double(st, 4)));
		json_object_set_new(f, "bbox", sqlite3_column_type(st, 5) == SQLITE_NULL
			? json_null() : json_pack("[i, i, i, i]", sqlite3_column_int(st, 5),
						  sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
						  sqlite3_column_int(st, 8)));
		json_t *codes = json_object_get(by_field, name);
		json_object_set_new(f, "flags", codes ? json_incref(codes) : json_array());
		json_object_set_new(fields, name, f);
	}
	sqlite3_reset(st);
	return fields;
}

/* CSV: quotes a value when it must be (RFC 4180). */
static void csv_put(FILE *out, const char *v, int last)
{
	if (v && strpbrk(v, ",\"\r\n")) {
		fputc('"', out);
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

/* The field names of a layout, cached for the life of the process. */
static const struct names *names_of(const char *layout)
{
	static struct {
		char layout[72];
		struct names names;
	} cache[16];
	static int n;
	for (int i = 0; i < n; i++)
		if (strcmp(cache[i].layout, layout) == 0)
			return &cache[i].names;
	if (n == 16)
		return NULL;
	struct names ns = { 0 };
	if (layout_names(layout, &ns) < 0)
		return NULL;
	snprintf(cache[n].layout, sizeof(cache[n].layout), "%s", layout);
	cache[n].names = ns;
	return &cache[n++].names;
}

json_t *so_export_record(struct so_store *s, int64_t id)
{
	sqlite3_stmt *rs = so_store_stmt(s,
		"SELECT r.id, b.type, b.year, b.volume, b.authority_code, b.layout, f.name, "
		"p.page_index, p.sha256, r.row, r.status FROM records r "
		"JOIN pages p ON p.id = r.page_id JOIN scan_files f ON f.id = p.scan_file_id "
		"JOIN books b ON b.id = r.book_id WHERE r.id = ?1");
	if (!rs)
		return NULL;
	sqlite3_bind_int64(rs, 1, id);
	if (sqlite3_step(rs) != SQLITE_ROW) {
		sqlite3_reset(rs);
		so_error("no record %lld", (long long)id);
		return NULL;
	}
	char type[16], volume[32], authority[16], layout[72], file[256], status[24];
	snprintf(type, sizeof(type), "%s", sqlite3_column_text(rs, 1));
	int year = sqlite3_column_int(rs, 2);
	snprintf(volume, sizeof(volume), "%s", sqlite3_column_text(rs, 3));
	snprintf(authority, sizeof(authority), "%s", sqlite3_column_text(rs, 4));
	snprintf(layout, sizeof(layout), "%s", sqlite3_column_text(rs, 5));
	snprintf(file, sizeof(file), "%s", sqlite3_column_text(rs, 6));
	int page = sqlite3_column_int(rs, 7);
	json_t *sha = text_or_null(rs, 8);
	int row = sqlite3_column_int(rs, 9);
	snprintf(status, sizeof(status), "%s", sqlite3_column_text(rs, 10));
	sqlite3_reset(rs);
	const struct names *ns = names_of(layout);
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

static const char *const csv_fixed[] = { "record_id", "type", "year", "volume", "authority_code",
					 "file", "page_index", "row", "status", "flags" };

long so_export(struct so_store *s, enum so_export_format format, FILE *out)
{
	struct names all = { 0 };
	long count = 0;
	/* field names of every layout in the batch (the CSV columns) */
	sqlite3_stmt *st = so_store_stmt(s, "SELECT DISTINCT layout FROM books ORDER BY id");
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (layout_names((const char *)sqlite3_column_text(st, 0), &all) < 0) {
			sqlite3_reset(st);
			names_release(&all);
			return -1;
		}
	sqlite3_reset(st);
	if (format == SO_EXPORT_CSV) {
		for (size_t i = 0; i < SO_ARRAY_SIZE(csv_fixed); i++)
			csv_put(out, csv_fixed[i], 0);
		for (size_t i = 0; i < all.n; i++)
			csv_put(out, all.v[i], i + 1 == all.n);
	}
	/* record ids first: building a record runs its own queries */
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	st = so_store_stmt(s, "SELECT r.id FROM records r JOIN pages p ON p.id = r.page_id "
			      "JOIN books b ON b.id = r.book_id "
			      "ORDER BY b.id, p.scan_file_id, p.page_index, r.row");
	if (!st) {
		names_release(&all);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (SO_ARRAY_GROW(ids, n, cap) < 0)
			break;
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(ids);
		names_release(&all);
		return so_store_error(s, "cannot list the records");
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
