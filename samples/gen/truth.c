/*
 * JSON lines of the ground truth with jansson (see truth.h). Objects keep their insertion
 * order and reals are rounded before they are written, so the output is byte-stable. Every
 * insertion is checked: a value jansson could not allocate makes the whole line fail rather
 * than silently lose a member.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defects.h"
#include "truth.h"
#include "writers.h"

/* Sets KEY of O to V (a new reference, stolen); records a failure in *BAD. */
static void set(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!o || json_object_set_new(o, key, v) < 0)
		*bad = 1;
}

/* Appends V (stolen) to A; records a failure in *BAD. */
static void push(json_t *a, json_t *v, int *bad)
{
	if (!a || json_array_append_new(a, v) < 0)
		*bad = 1;
}

/* A string or null; jansson takes a copy. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *rounded(double v, double unit)
{
	return json_real(round(v / unit) * unit);
}

static json_t *book_json(const struct book_ident *b)
{
	return json_pack("{s:s, s:i, s:s, s:s}", "type", b->type, "year", b->year, "volume",
	                 b->volume, "authority_code", b->authority);
}

/* Dumps J as one line onto OUT and releases J; BAD says J is incomplete. */
static int append_line(struct so_buf *out, json_t *j, int bad)
{
	if (!j || bad) {
		json_decref(j);
		return so_error("cannot build a json object (out of memory)");
	}
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(j);
	if (!s)
		return so_error("cannot write json");
	int rc = so_buf_adds(out, s) < 0 || so_buf_adds(out, "\n") < 0 ? -1 : 0;
	free(s);
	return rc;
}

static json_t *field_json(const struct field_value *f, int *bad)
{
	json_t *o = json_object();
	set(o, "value", str_or_null(f->value), bad);
	set(o, "raw", str_or_null(f->raw), bad);
	if (f->coded)
		set(o, "code", str_or_null(f->code), bad);
	return o;
}

static json_t *names_json(const char (*names)[FIELD_NAME_MAX], size_t n, int *bad)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		push(a, json_string(names[i]), bad);
	return a;
}

int truth_entry(struct so_buf *out, const struct book_ident *b, const struct so_layout *layout,
                const struct entry *e, size_t page_index, size_t row)
{
	char id[256];
	int bad = 0;
	snprintf(id, sizeof(id), "%s-%d-%s-%s/p%zu/r%zu", b->type, b->year, b->volume,
	         b->authority, page_index, row);
	json_t *o = json_object();
	set(o, "record_id", json_string(id), &bad);
	set(o, "type", json_string(b->type), &bad);
	set(o, "book", book_json(b), &bad);
	set(o, "source", json_pack("{s:s, s:I, s:n}", "file", b->file, "page_index",
	                           (json_int_t)page_index, "sha256"), &bad);
	set(o, "row", json_integer((json_int_t)row), &bad);
	set(o, "status", json_string(e->nanomalies ? "needs_review" : "valid"), &bad);
	json_t *fields = json_object();
	for (size_t i = 0; i < e->nfields; i++)
		set(fields, e->fields[i].name, field_json(&e->fields[i], &bad), &bad);
	set(o, "fields", fields, &bad);
	json_t *flags = json_array(), *anomalies = json_array();
	for (size_t i = 0; i < e->nanomalies; i++) {
		const struct anomaly *a = &e->anomalies[i];
		size_t nf;
		const char *const *codes = anomaly_flags(a->kind, &nf);
		json_t *codes_json = json_array();
		for (size_t k = 0; k < nf; k++)
			push(codes_json, json_string(codes[k]), &bad);
		push(flags, json_pack("{s:s, s:s, s:o, s:s, s:s}", "code", codes[0], "severity",
		                      "error", "fields", names_json(a->fields, a->nfields, &bad),
		                      "state", "open", "message", a->message), &bad);
		push(anomalies, json_pack("{s:s, s:o, s:o}", "kind", anomaly_kind_name(a->kind),
		                          "fields", names_json(a->fields, a->nfields, &bad),
		                          "flags", codes_json), &bad);
	}
	set(o, "flags", flags, &bad);
	set(o, "anomalies", anomalies, &bad);
	json_t *cells = json_array();
	for (size_t i = 0; i < e->ncells; i++)
		push(cells, json_string(e->cells[i]), &bad);
	set(o, "cells", cells, &bad);
	if (b->style)
		set(o, "style", json_string(b->style), &bad);
	if (b->hand_marks) {
		json_t *cols = json_array();
		for (size_t i = 0; i < layout->ncolumns && i < 64; i++)
			if (e->writer && (e->hand_cols & ((uint64_t)1 << i)))
				push(cols, json_integer(layout->columns[i].index), &bad);
		set(o, "handwritten", json_boolean(e->writer != NULL), &bad);
		set(o, "writer", e->writer ? json_string(e->writer->name) : json_null(), &bad);
		set(o, "hand_cols", cols, &bad);
	}
	return append_line(out, o, bad);
}

int truth_page(struct so_buf *out, const struct book_ident *b, const struct page_record *p)
{
	int bad = 0;
	json_t *o = json_object(), *defects = json_array();
	for (int i = 0; i < DEFECT_COUNT; i++)
		if (p->defects & (1u << i))
			push(defects, json_string(defect_name(i)), &bad);
	set(o, "file", json_string(b->file), &bad);
	set(o, "page_index", json_integer((json_int_t)p->page_index), &bad);
	set(o, "book", book_json(b), &bad);
	set(o, "printed_page", p->printed_number ? json_integer(p->printed_number) : json_null(),
	    &bad);
	set(o, "dpi", json_integer(p->dpi), &bad);
	set(o, "width", json_integer(p->width), &bad);
	set(o, "height", json_integer(p->height), &bad);
	set(o, "compression", json_string(p->compression), &bad);
	set(o, "color", json_string(p->color), &bad);
	set(o, "bits", json_integer(p->bits), &bad);
	set(o, "samples", json_integer(p->samples), &bad);
	set(o, "tiled", json_boolean(p->tiled), &bad);
	set(o, "resolution", json_boolean(p->resolution), &bad);
	set(o, "skew_deg", rounded(p->skew_deg, 0.001), &bad);
	set(o, "rotation", json_integer(p->rotation), &bad);
	set(o, "defects", defects, &bad);
	set(o, "blank", json_boolean(p->blank), &bad);
	set(o, "rows", json_integer(p->rows), &bad);
	set(o, "entries", json_integer((json_int_t)p->entries), &bad);
	if (p->geo) {
		json_t *cols = json_array(), *rows = json_array();
		for (size_t i = 0; i < p->geo->ncol_x; i++)
			push(cols, rounded(p->geo->col_x[i], 0.1), &bad);
		for (size_t i = 0; i < p->geo->nrow_y; i++)
			push(rows, rounded(p->geo->row_y[i], 0.1), &bad);
		set(o, "table", json_pack("{s:o, s:o}", "columns", cols, "rows", rows), &bad);
	} else {
		set(o, "table", json_null(), &bad);
	}
	if (b->style) {
		set(o, "style", json_string(b->style), &bad);
		set(o, "engine", json_string(p->engine), &bad);
		set(o, "paper", json_string(p->paper), &bad);
		set(o, "ink", json_string(p->ink), &bad);
		if (!p->blank) {
			set(o, "index_row", json_string(p->index_row), &bad);
			set(o, "seal", json_boolean(p->seal), &bad);
			set(o, "signature", json_boolean(p->signature), &bad);
		}
	}
	return append_line(out, o, bad);
}

int truth_manifest_book(struct so_buf *out, const struct book_ident *b)
{
	return so_buf_addf(out, "[book %s-%d-%s]\ntype = %s\nyear = %d\nvolume = %s\n"
	                        "authority = %s\nlayout = %s\nfiles = %s\n\n",
	                   b->type, b->year, b->volume, b->type, b->year, b->volume, b->authority,
	                   b->layout, b->file);
}
