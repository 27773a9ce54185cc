/* Loading and checking the page layouts (see layout.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "register/layout.h"

#define LAYOUT_MAX_BYTES (1 << 20)
#define LAYOUT_MAX_COLUMNS 64

static const char *const book_types[] = { "birth", "marriage", "death", "parentage" };
static const char *const parsers[] = { "person", "declarant", "death_notice" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

int so_book_type_valid(const char *type)
{
	return type && in_list(type, book_types, SO_ARRAY_SIZE(book_types));
}

const char *so_layout_default(const char *book_type)
{
	static const char *const names[] = { "birth-v1", "marriage-v1", "death-v1", "parentage-v1" };
	for (size_t i = 0; i < SO_ARRAY_SIZE(book_types); i++)
		if (book_type && strcmp(book_type, book_types[i]) == 0)
			return names[i];
	return NULL;
}

void so_layout_free(struct so_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ncolumns; i++) {
		struct so_column *c = &l->columns[i];
		free(c->title);
		free(c->field);
		free(c->parser);
		free(c->prefix);
		for (size_t k = 0; k < c->nsubfields; k++)
			free(c->subfields[k]);
		free(c->subfields);
		free(c->subkinds);
	}
	free(l->columns);
	free(l->name);
	free(l->book_type);
	free(l->title);
	free(l);
}

/* A required string member, copied; NULL with the error set. */
static char *member_str(json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 512) {
		so_error("%s: '%s' must be a non-empty string", where, key);
		return NULL;
	}
	return so_strdup(json_string_value(v));
}

static int column_parse(json_t *jc, struct so_column *c, const char *origin)
{
	char where[300];
	snprintf(where, sizeof(where), "%s: column %d", origin, c->index);
	if (!json_is_object(jc))
		return so_error("%s: not an object", where);
	if (!(c->title = member_str(jc, "title", where)))
		return -1;
	char *kind = member_str(jc, "kind", where);
	if (!kind)
		return -1;
	int r = 0;
	if (strcmp(kind, "field") == 0) {
		c->kind = SO_COLUMN_FIELD;
		if (!(c->field = member_str(jc, "field", where)))
			r = -1;
	} else if (strcmp(kind, "composite") == 0) {
		c->kind = SO_COLUMN_COMPOSITE;
		if (!(c->parser = member_str(jc, "parser", where)) ||
		    !(c->prefix = member_str(jc, "prefix", where)))
			r = -1;
		else if (!in_list(c->parser, parsers, SO_ARRAY_SIZE(parsers)))
			r = so_error("%s: unknown parser '%s'", where, c->parser);
		json_t *sf = json_object_get(jc, "fields");
		if (r == 0 && (!json_is_array(sf) || json_array_size(sf) == 0 ||
			       json_array_size(sf) > 32))
			r = so_error("%s: 'fields' must list the sub-fields", where);
		if (r == 0) {
			c->subfields = so_calloc(json_array_size(sf), sizeof(char *));
			c->subkinds = so_calloc(json_array_size(sf), sizeof(enum so_kind));
			if (!c->subfields || !c->subkinds)
				r = -1;
			for (size_t k = 0; r == 0 && k < json_array_size(sf); k++) {
				json_t *s = json_array_get(sf, k);
				if (!json_is_string(s))
					r = so_error("%s: sub-field %zu is not a string", where, k + 1);
				else if (!(c->subfields[c->nsubfields] = so_strdup(json_string_value(s))))
					r = -1;
				else
					c->subkinds[c->nsubfields] =
						so_subfield_kind(c->subfields[c->nsubfields]);
				if (r == 0)
					c->nsubfields++;
			}
		}
	} else {
		r = so_error("%s: unknown kind '%s'", where, kind);
	}
	free(kind);
	if (r < 0)
		return -1;
	char *holds = member_str(jc, "holds", where);
	if (!holds)
		return -1;
	c->holds = so_kind_parse(holds);
	if (!so_kind_in_layout(c->holds))
		r = so_error("%s: unknown cell content '%s'", where, holds);
	free(holds);
	if (r < 0)
		return -1;
	json_t *w = json_object_get(jc, "width");
	if (!json_is_number(w) || json_number_value(w) <= 0 || json_number_value(w) > 1000)
		return so_error("%s: 'width' must be a positive number", where);
	c->width = json_number_value(w);
	return 0;
}

/* Parses a layout from JSON text; ORIGIN names it in messages. */
static int layout_parse(const char *text, size_t len, const char *origin, struct so_layout **out)
{
	*out = NULL;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return so_error("%s: line %d: %s", origin, jerr.line, jerr.text);
	struct so_layout *l = so_calloc(1, sizeof(*l));
	if (!l)
		goto error;
	if (!json_is_object(root)) {
		so_error("%s: not a JSON object", origin);
		goto error;
	}
	if (!(l->name = member_str(root, "name", origin)) ||
	    !(l->book_type = member_str(root, "book_type", origin)) ||
	    !(l->title = member_str(root, "title", origin)))
		goto error;
	if (!so_book_type_valid(l->book_type)) {
		so_error("%s: unknown book type '%s'", origin, l->book_type);
		goto error;
	}
	json_t *v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000) {
		so_error("%s: 'version' must be a positive integer", origin);
		goto error;
	}
	l->version = (int)json_integer_value(v);
	json_t *rows = json_object_get(root, "rows_per_page");
	if (!json_is_array(rows) || json_array_size(rows) != 2 ||
	    !json_is_integer(json_array_get(rows, 0)) || !json_is_integer(json_array_get(rows, 1))) {
		so_error("%s: 'rows_per_page' must be [min, max]", origin);
		goto error;
	}
	l->rows_min = (int)json_integer_value(json_array_get(rows, 0));
	l->rows_max = (int)json_integer_value(json_array_get(rows, 1));
	if (l->rows_min < 1 || l->rows_max < l->rows_min || l->rows_max > 50) {
		so_error("%s: 'rows_per_page' is out of range", origin);
		goto error;
	}
	json_t *cols = json_object_get(root, "columns");
	if (!json_is_array(cols) || json_array_size(cols) < 1 ||
	    json_array_size(cols) > LAYOUT_MAX_COLUMNS) {
		so_error("%s: 'columns' must hold 1 to %d columns", origin, LAYOUT_MAX_COLUMNS);
		goto error;
	}
	l->columns = so_calloc(json_array_size(cols), sizeof(*l->columns));
	if (!l->columns)
		goto error;
	double total = 0;
	for (size_t i = 0; i < json_array_size(cols); i++) {
		struct so_column *c = &l->columns[i];
		c->index = (int)i + 1;
		l->ncolumns = i + 1;
		if (column_parse(json_array_get(cols, i), c, origin) < 0)
			goto error;
		total += c->width;
	}
	for (size_t i = 0; i < l->ncolumns; i++)
		l->columns[i].width /= total;
	json_decref(root);
	*out = l;
	return 0;
error:
	json_decref(root);
	so_layout_free(l);
	return -1;
}

static int name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

int so_layout_load(const char *name, struct so_layout **out)
{
	*out = NULL;
	if (!name_ok(name))
		return so_error("invalid layout name '%s'", name ? name : "");
	const char *path = getenv("SOHOA_LAYOUT_PATH");
	if (path && *path) {
		char *dirs = so_strdup(path), *save = NULL;
		if (!dirs)
			return -1;
		for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char *file = so_asprintf("%s/%s.json", d, name);
			char *text = NULL;
			size_t len = 0;
			if (file && so_read_file(file, LAYOUT_MAX_BYTES, &text, &len) == 0) {
				int r = layout_parse(text, len, file, out);
				free(text);
				free(file);
				free(dirs);
				return r;
			}
			free(file);
		}
		free(dirs);
	}
	char key[128];
	snprintf(key, sizeof(key), "layouts/%s.json", name);
	const struct so_embedded *e = so_embedded_find(key);
	if (!e)
		return so_error("unknown layout '%s'", name);
	return layout_parse((const char *)e->data, e->size, key, out);
}

const struct so_column *so_field_column(const struct so_layout *l, const char *field,
				       size_t *sub)
{
	for (size_t c = 0; c < l->ncolumns; c++) {
		const struct so_column *col = &l->columns[c];
		if (col->kind == SO_COLUMN_FIELD) {
			if (strcmp(col->field, field) == 0)
				return col;
			continue;
		}
		size_t pl = strlen(col->prefix);
		if (strncmp(field, col->prefix, pl) != 0 || field[pl] != '.')
			continue;
		for (size_t k = 0; k < col->nsubfields; k++)
			if (strcmp(field + pl + 1, col->subfields[k]) == 0) {
				if (sub)
					*sub = k;
				return col;
			}
	}
	return NULL;
}

enum so_kind so_field_kind(const struct so_layout *l, const char *field)
{
	size_t k = 0;
	const struct so_column *col = so_field_column(l, field, &k);
	return !col ? SO_KIND_NONE : col->kind == SO_COLUMN_FIELD ? col->holds : col->subkinds[k];
}
