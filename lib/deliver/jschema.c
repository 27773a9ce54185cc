/*
 * JSON Schema checking for the record schemas (see jschema.h): one recursive walk over schema
 * and instance together, a path of the members and items it is in, and the reasons it finds.
 * Branches of anyOf, oneOf, not and if are walked "silently" (counting reasons, not keeping
 * them). Regular expressions are compiled once per check and kept by the address of their
 * pattern string.
 */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"
#include "deliver/jschema.h"

struct segment {
	const char *key;          /* a member's name, or NULL for an item */
	size_t index;             /* the item's index */
};

struct pattern {
	const char *source;       /* the schema's string: its address is the key */
	regex_t re;
	int ok;                   /* compiled */
};

struct check {
	so_jschema_resolver resolve;
	void *ctx;
	json_t *errors;
	int failed;               /* out of memory */
	int silent;               /* > 0: in a branch, only count reasons */
	size_t silent_errors;
	int depth;
	struct segment path[SO_JSCHEMA_DEPTH_MAX + 2];
	int npath;
	struct pattern *patterns;
	size_t npatterns, cap;
};

static void check_schema(struct check *c, const json_t *root, const json_t *schema,
			 const json_t *inst);

/* Reasons ------------------------------------------------------------------------------------- */

/* The length of S[0..N) without a UTF-8 sequence cut at its end. */
static size_t utf8_whole(const char *s, size_t n)
{
	size_t i = n, back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return 0;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
		    : (lead & 0xF8) == 0xF0 ? 4 : 1;
	return back + 1 >= need ? n : i - 1;
}

/* Appends S to BUF (of SIZE bytes, *LEN used), cutting at a whole character when full. */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n >= size)
		n = utf8_whole(s, size - 1 - *len);
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = 0;
}

static void append_segment(char *buf, size_t size, size_t *len, const struct segment *s)
{
	if (s->key) {
		if (*len)
			append(buf, size, len, ".");
		append(buf, size, len, s->key);
	} else {
		char index[32];
		snprintf(index, sizeof(index), "[%zu]", s->index);
		append(buf, size, len, index);
	}
}

/* Records a reason for the value at the current path, or for its member MEMBER when given. */
static void report(struct check *c, const char *member, const char *fmt, ...) SO_PRINTF(3, 4);
static void report(struct check *c, const char *member, const char *fmt, ...)
{
	if (c->silent) {
		c->silent_errors++;
		return;
	}
	if (c->failed || json_array_size(c->errors) >= SO_JSCHEMA_ERRORS_MAX)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = 0;
	else if ((size_t)n >= sizeof(msg))
		msg[utf8_whole(msg, sizeof(msg) - 1)] = 0;

	struct segment all[SO_JSCHEMA_DEPTH_MAX + 3];
	int nseg = c->npath < (int)SO_ARRAY_SIZE(c->path) ? c->npath : (int)SO_ARRAY_SIZE(c->path);
	memcpy(all, c->path, (size_t)nseg * sizeof(all[0]));
	if (member)
		all[nseg++] = (struct segment){ member, 0 };
	/* inside a record's "fields", the field's name is the field */
	int start = 0;
	const char *name = NULL;
	if (nseg >= 2 && all[0].key && strcmp(all[0].key, "fields") == 0 && all[1].key) {
		name = all[1].key;
		start = 2;
	}
	char where[512] = "", field[256] = "", reason[1600] = "";
	size_t wl = 0, fl = 0, rl = 0;
	for (int i = start; i < nseg; i++)
		append_segment(where, sizeof(where), &wl, &all[i]);
	append(field, sizeof(field), &fl, name ? name : where);
	if (name && wl) {
		append(reason, sizeof(reason), &rl, where);
		append(reason, sizeof(reason), &rl, " ");
	}
	append(reason, sizeof(reason), &rl, msg);

	size_t i;
	json_t *e;
	json_array_foreach(c->errors, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "reason")), reason) == 0)
			return;
	}
	/* json_object_set_new and json_array_append_new take their value even when they fail */
	e = json_object();
	int bad = json_object_set_new(e, "field", json_string(field)) < 0;
	bad |= json_object_set_new(e, "reason", json_string(reason)) < 0;
	if (bad) {
		json_decref(e);
		c->failed = 1;
	} else if (json_array_append_new(c->errors, e) < 0) {
		c->failed = 1;
	}
}

/* A scalar as a reason shows it (a string in quotes, 5, true, null); NULL for arrays and objects. */
static const char *scalar_text(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, size, "\"%s\"", json_string_value(v));
		buf[utf8_whole(buf, strlen(buf))] = 0;
		return buf;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	default:
		return NULL;
	}
}

/* Values ------------------------------------------------------------------------------------ */

static int is_integral(const json_t *v)
{
	if (json_is_integer(v))
		return 1;
	if (!json_is_real(v))
		return 0;
	double d = json_real_value(v);
	return isfinite(d) && d == floor(d);
}

static int has_type(const json_t *v, const char *type)
{
	if (strcmp(type, "integer") == 0)
		return is_integral(v);
	if (strcmp(type, "number") == 0)
		return json_is_number(v);
	if (strcmp(type, "string") == 0)
		return json_is_string(v);
	if (strcmp(type, "object") == 0)
		return json_is_object(v);
	if (strcmp(type, "array") == 0)
		return json_is_array(v);
	if (strcmp(type, "boolean") == 0)
		return json_is_boolean(v);
	if (strcmp(type, "null") == 0)
		return json_is_null(v);
	return 0;
}

static const char *type_noun(const char *type)
{
	const char *const nouns[][2] = {
		{ "integer", "an integer" }, { "number", "a number" }, { "string", "a string" },
		{ "object", "an object" }, { "array", "an array" }, { "boolean", "true or false" },
		{ "null", "null" },
	};
	for (size_t i = 0; i < SO_ARRAY_SIZE(nouns); i++)
		if (strcmp(type, nouns[i][0]) == 0)
			return nouns[i][1];
	return type;
}

/* Equality as JSON Schema has it: numbers by value (1 equals 1.0). */
static int equal(const json_t *a, const json_t *b, int depth)
{
	if (depth > SO_JSCHEMA_DEPTH_MAX)
		return 0;
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!equal(json_array_get(a, i), json_array_get(b, i), depth + 1))
				return 0;
		return 1;
	case JSON_OBJECT: {
		if (json_object_size(a) != json_object_size(b))
			return 0;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)a, k, v) {
			json_t *w = json_object_get(b, k);
			if (!w || !equal(v, w, depth + 1))
				return 0;
		}
		return 1;
	}
	default:
		return 1; /* true, false, null */
	}
}

/* Numbers compared exactly when both are integers. Returns <0, 0, >0. */
static int compare(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b))
		return (json_integer_value(a) > json_integer_value(b)) -
		       (json_integer_value(a) < json_integer_value(b));
	double x = json_number_value(a), y = json_number_value(b);
	return (x > y) - (x < y);
}

static size_t code_points(const json_t *s)
{
	const unsigned char *p = (const unsigned char *)json_string_value(s);
	size_t n = 0, len = json_string_length(s);
	for (size_t i = 0; i < len; i++)
		n += (p[i] & 0xC0) != 0x80;
	return n;
}

/* The compiled form of the pattern string P, or NULL when it does not compile (or on lack of
 * memory, with c->failed set). The cache holds one entry per pattern keyword of the schemas met,
 * so it is bounded by their size. */
static const regex_t *pattern_get(struct check *c, const json_t *p)
{
	const char *source = json_string_value(p);
	for (size_t i = 0; i < c->npatterns; i++)
		if (c->patterns[i].source == source)
			return c->patterns[i].ok ? &c->patterns[i].re : NULL;
	if (SO_ARRAY_GROW(c->patterns, c->npatterns, c->cap) < 0) {
		c->failed = 1;
		return NULL;
	}
	struct pattern *pt = &c->patterns[c->npatterns++];
	pt->source = source;
	pt->ok = strlen(source) == json_string_length(p) &&
		 regcomp(&pt->re, source, REG_EXTENDED | REG_NOSUB) == 0;
	return pt->ok ? &pt->re : NULL;
}

/* References ------------------------------------------------------------------------------- */

/* The value at the JSON pointer PTR ("/$defs/date", "" for DOC itself), or NULL. */
static const json_t *pointer_get(const json_t *doc, const char *ptr)
{
	const json_t *cur = doc;
	while (*ptr) {
		if (*ptr != '/')
			return NULL;
		ptr++;
		char token[256];
		size_t n = 0;
		while (*ptr && *ptr != '/') {
			char ch = *ptr++;
			if (ch == '~') {
				if (*ptr != '0' && *ptr != '1')
					return NULL;
				ch = *ptr++ == '0' ? '~' : '/';
			}
			if (n + 1 >= sizeof(token))
				return NULL;
			token[n++] = ch;
		}
		token[n] = 0;
		if (json_is_object(cur)) {
			cur = json_object_get(cur, token);
		} else if (json_is_array(cur)) {
			long index;
			if (so_parse_long(token, 0, 1L << 30, &index) < 0)
				return NULL;
			cur = json_array_get(cur, (size_t)index);
		} else {
			return NULL;
		}
		if (!cur)
			return NULL;
	}
	return cur;
}

/* The schema REF names and (*doc) the document it is in, or NULL. */
static const json_t *ref_get(struct check *c, const json_t *root, const char *ref,
			     const json_t **doc)
{
	const char *hash = strchr(ref, '#');
	size_t n = hash ? (size_t)(hash - ref) : strlen(ref);
	*doc = root;
	if (n > 0) {
		char name[512];
		if (n >= sizeof(name) || !c->resolve)
			return NULL;
		memcpy(name, ref, n);
		name[n] = 0;
		*doc = c->resolve(name, c->ctx);
		if (!*doc)
			return NULL;
	}
	return hash ? pointer_get(*doc, hash + 1) : *doc;
}

/* Keywords ----------------------------------------------------------------------------------- */

/* Whether INST passes SCHEMA, without reporting. */
static int passes(struct check *c, const json_t *root, const json_t *schema, const json_t *inst)
{
	size_t saved = c->silent_errors;
	c->silent++;
	c->silent_errors = 0;
	check_schema(c, root, schema, inst);
	int ok = c->silent_errors == 0;
	c->silent--;
	c->silent_errors = saved;
	return ok;
}

static void push(struct check *c, const char *key, size_t index)
{
	if (c->npath < (int)SO_ARRAY_SIZE(c->path))
		c->path[c->npath] = (struct segment){ key, index };
	c->npath++;
}

static void pop(struct check *c)
{
	c->npath--;
}

/* The "type" keyword: 0 when INST has one of the types. */
static int check_type(struct check *c, const json_t *type, const json_t *inst)
{
	if (json_is_string(type)) {
		if (has_type(inst, json_string_value(type)))
			return 0;
		if (json_is_null(inst))
			report(c, NULL, "is required");
		else
			report(c, NULL, "must be %s", type_noun(json_string_value(type)));
		return -1;
	}
	if (!json_is_array(type))
		return 0;
	size_t i, n = json_array_size(type);
	json_t *t;
	int null_ok = 0;
	json_array_foreach(type, i, t) {
		if (json_is_string(t) && has_type(inst, json_string_value(t)))
			return 0;
		null_ok |= json_is_string(t) && strcmp(json_string_value(t), "null") == 0;
	}
	if (json_is_null(inst) && !null_ok) {
		report(c, NULL, "is required");
		return -1;
	}
	char nouns[256] = "";
	size_t len = 0;
	json_array_foreach(type, i, t) {
		if (!json_is_string(t))
			continue;
		if (len)
			append(nouns, sizeof(nouns), &len, i + 1 == n ? " or " : ", ");
		append(nouns, sizeof(nouns), &len, type_noun(json_string_value(t)));
	}
	report(c, NULL, "must be %s", nouns);
	return -1;
}

static void check_enum(struct check *c, const json_t *values, const char *description,
		       const json_t *inst)
{
	if (!json_is_array(values))
		return;
	size_t i, n = json_array_size(values);
	json_t *v;
	json_array_foreach(values, i, v)
		if (equal(inst, v, 0))
			return;
	if (description) {
		report(c, NULL, "must be %s", description);
		return;
	}
	char list[512] = "", one[256];
	size_t len = 0;
	json_array_foreach(values, i, v) {
		const char *text = scalar_text(v, one, sizeof(one));
		if (!text || n > 10) {
			if (n == 1)
				report(c, NULL, "must be the one allowed value");
			else
				report(c, NULL, "must be one of the %zu allowed values", n);
			return;
		}
		if (len)
			append(list, sizeof(list), &len, i + 1 == n ? " or " : ", ");
		append(list, sizeof(list), &len, text);
	}
	report(c, NULL, "must be %s", list);
}

static void check_string(struct check *c, const json_t *schema, const char *description,
			 const json_t *inst)
{
	const json_t *k;
	if ((k = json_object_get(schema, "minLength")) && json_is_integer(k) &&
	    (json_int_t)code_points(inst) < json_integer_value(k))
		report(c, NULL, "must be at least %" JSON_INTEGER_FORMAT " character%s long",
		       json_integer_value(k), json_integer_value(k) == 1 ? "" : "s");
	if ((k = json_object_get(schema, "maxLength")) && json_is_integer(k) &&
	    (json_int_t)code_points(inst) > json_integer_value(k))
		report(c, NULL, "must be at most %" JSON_INTEGER_FORMAT " character%s long",
		       json_integer_value(k), json_integer_value(k) == 1 ? "" : "s");
	if ((k = json_object_get(schema, "pattern")) && json_is_string(k)) {
		const regex_t *re = pattern_get(c, k);
		if (!re) {
			if (!c->failed)
				report(c, NULL, "cannot be checked: the schema's pattern %s does not "
				       "compile", json_string_value(k));
			return;
		}
		/* a string with a NUL in it never matches */
		int match = strlen(json_string_value(inst)) == json_string_length(inst) &&
			    regexec(re, json_string_value(inst), 0, NULL, 0) == 0;
		if (!match && description)
			report(c, NULL, "must be %s", description);
		else if (!match)
			report(c, NULL, "must match the pattern %s", json_string_value(k));
	}
}

static void check_number(struct check *c, const json_t *schema, const json_t *inst)
{
	const json_t *k;
	char text[64];
	if ((k = json_object_get(schema, "minimum")) && json_is_number(k) && compare(inst, k) < 0)
		report(c, NULL, "must be at least %s", scalar_text(k, text, sizeof(text)));
	if ((k = json_object_get(schema, "maximum")) && json_is_number(k) && compare(inst, k) > 0)
		report(c, NULL, "must be at most %s", scalar_text(k, text, sizeof(text)));
}

static void check_object(struct check *c, const json_t *root, const json_t *schema,
			 const json_t *inst)
{
	const json_t *required = json_object_get(schema, "required");
	size_t i;
	json_t *r;
	json_array_foreach(required, i, r)
		if (json_is_string(r) && !json_object_get(inst, json_string_value(r)))
			report(c, json_string_value(r), "is required");
	const json_t *properties = json_object_get(schema, "properties");
	const json_t *additional = json_object_get(schema, "additionalProperties");
	if (!json_is_object(properties))
		properties = NULL;
	if (!properties && !additional)
		return;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)inst, key, v) {
		const json_t *sub = properties ? json_object_get(properties, key) : NULL;
		if (!sub)
			sub = additional;
		if (!sub)
			continue;
		if (json_is_false(sub)) {
			report(c, key, "is not allowed");
			continue;
		}
		push(c, key, 0);
		check_schema(c, root, sub, v);
		pop(c);
		if (c->failed || (c->silent && c->silent_errors))
			return;
	}
}

static void check_array(struct check *c, const json_t *root, const json_t *schema,
			const json_t *inst)
{
	const json_t *k;
	size_t n = json_array_size(inst);
	if ((k = json_object_get(schema, "minItems")) && json_is_integer(k) &&
	    (json_int_t)n < json_integer_value(k))
		report(c, NULL, "must hold at least %" JSON_INTEGER_FORMAT " item%s",
		       json_integer_value(k), json_integer_value(k) == 1 ? "" : "s");
	if ((k = json_object_get(schema, "maxItems")) && json_is_integer(k) &&
	    (json_int_t)n > json_integer_value(k))
		report(c, NULL, "must hold at most %" JSON_INTEGER_FORMAT " item%s",
		       json_integer_value(k), json_integer_value(k) == 1 ? "" : "s");
	const json_t *items = json_object_get(schema, "items");
	if (!json_is_object(items) && !json_is_boolean(items))
		return;
	for (size_t i = 0; i < n; i++) {
		push(c, NULL, i);
		check_schema(c, root, items, json_array_get(inst, i));
		pop(c);
		if (c->failed || (c->silent && c->silent_errors))
			return;
	}
}

static void check_combinators(struct check *c, const json_t *root, const json_t *schema,
			      const json_t *inst)
{
	const json_t *k;
	size_t i;
	json_t *sub;
	if ((k = json_object_get(schema, "allOf")))
		json_array_foreach(k, i, sub)
			check_schema(c, root, sub, inst);
	if ((k = json_object_get(schema, "anyOf")) && json_array_size(k)) {
		int any = 0;
		json_array_foreach(k, i, sub)
			if ((any = passes(c, root, sub, inst)))
				break;
		if (!any && !c->failed)
			report(c, NULL, "must match at least one of the %zu allowed forms",
			       json_array_size(k));
	}
	if ((k = json_object_get(schema, "oneOf")) && json_array_size(k)) {
		size_t matches = 0;
		json_array_foreach(k, i, sub)
			matches += passes(c, root, sub, inst);
		if (matches == 0 && !c->failed)
			report(c, NULL, "must match one of the %zu allowed forms", json_array_size(k));
		else if (matches > 1)
			report(c, NULL, "must match only one of the %zu allowed forms, but matches %zu",
			       json_array_size(k), matches);
	}
	if ((k = json_object_get(schema, "not")) && passes(c, root, k, inst) && !c->failed)
		report(c, NULL, "must not match the form the schema forbids");
	if ((k = json_object_get(schema, "if"))) {
		const json_t *then = json_object_get(schema, "then");
		const json_t *otherwise = json_object_get(schema, "else");
		int ok = passes(c, root, k, inst);
		if (ok && then)
			check_schema(c, root, then, inst);
		else if (!ok && otherwise && !c->failed)
			check_schema(c, root, otherwise, inst);
	}
}

static void check_schema(struct check *c, const json_t *root, const json_t *schema,
			 const json_t *inst)
{
	if (c->failed || (c->silent && c->silent_errors) || json_is_true(schema))
		return;
	if (json_is_false(schema)) {
		report(c, NULL, "is not allowed");
		return;
	}
	if (!json_is_object(schema))
		return;
	if (c->depth >= SO_JSCHEMA_DEPTH_MAX) {
		report(c, NULL, "is nested too deeply to be checked");
		return;
	}
	c->depth++;
	const json_t *k;
	const char *description = json_string_value(json_object_get(schema, "description"));
	if ((k = json_object_get(schema, "type")) && check_type(c, k, inst) < 0)
		goto done; /* the other keywords would only repeat it */
	if ((k = json_object_get(schema, "$ref")) && json_is_string(k)) {
		const json_t *doc = NULL;
		const json_t *target = ref_get(c, root, json_string_value(k), &doc);
		if (!target)
			report(c, NULL, "cannot be checked: the schema's reference %s does not resolve",
			       json_string_value(k));
		else
			check_schema(c, doc, target, inst);
	}
	if ((k = json_object_get(schema, "enum")))
		check_enum(c, k, description, inst);
	if ((k = json_object_get(schema, "const")) && !equal(inst, k, 0)) {
		char text[256];
		const char *shown = scalar_text(k, text, sizeof(text));
		report(c, NULL, "must be %s", shown ? shown : "the one allowed value");
	}
	if (json_is_string(inst))
		check_string(c, schema, description, inst);
	else if (json_is_number(inst))
		check_number(c, schema, inst);
	else if (json_is_object(inst))
		check_object(c, root, schema, inst);
	else if (json_is_array(inst))
		check_array(c, root, schema, inst);
	check_combinators(c, root, schema, inst);
done:
	c->depth--;
}

/* The API ------------------------------------------------------------------------------------ */

json_t *so_jschema_check(const json_t *schema, const json_t *instance, so_jschema_resolver resolve,
			 void *ctx)
{
	struct check c = { .resolve = resolve, .ctx = ctx, .errors = json_array() };
	if (!c.errors) {
		so_error("out of memory while checking a record against its schema");
		return NULL;
	}
	if (!schema || !instance)
		report(&c, NULL, "cannot be checked: no %s", schema ? "value" : "schema");
	else
		check_schema(&c, schema, schema, instance);
	for (size_t i = 0; i < c.npatterns; i++)
		if (c.patterns[i].ok)
			regfree(&c.patterns[i].re);
	free(c.patterns);
	if (c.failed) {
		json_decref(c.errors);
		so_error("out of memory while checking a record against its schema");
		return NULL;
	}
	return c.errors;
}
