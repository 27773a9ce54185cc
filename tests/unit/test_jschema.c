/* Unit tests of the JSON Schema checker (lib/deliver/jschema.c): each keyword accepting and refusing,
 * with the field and reason it reports; the record schemas of schemas/records/ (as compiled into
 * the library) on a fixture record of each book type and on mutations of them; the depth and
 * reason caps; and failing allocations.
 *
 * JSON in this file is written with single quotes for readability: q() turns them into double
 * quotes (no fixture value holds an apostrophe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "deliver/jschema.h"

/* Helpers ------------------------------------------------------------------------------------ */

static json_t *q(const char *text)
{
	char *t = strdup(text);
	assert_non_null(t);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t err;
	json_t *j = json_loads(t, JSON_DECODE_ANY, &err);
	if (!j)
		fail_msg("bad test JSON (%s): %s", err.text, t);
	free(t);
	return j;
}

/* The reasons as "field: reason" lines. */
static char *lines(json_t *errors)
{
	assert_non_null(errors);
	assert_true(json_is_array(errors));
	struct so_buf b = SO_BUF_INIT(1 << 20);
	assert_int_equal(so_buf_adds(&b, ""), 0);
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		assert_int_equal(json_object_size(e), 2);
		assert_int_equal(so_buf_addf(&b, "%s: %s\n",
					     json_string_value(json_object_get(e, "field")),
					     json_string_value(json_object_get(e, "reason"))), 0);
	}
	return so_buf_detach(&b, NULL);
}

static json_t *other_doc;

/* The test documents by name: "other.schema.json" and the record schemas. */
static json_t *records_doc(const char *name)
{
	static json_t *docs;
	if (!docs) {
		docs = json_object();
		const char *names[] = { "common", "birth", "marriage", "death", "parentage" };
		for (size_t i = 0; i < SO_ARRAY_SIZE(names); i++) {
			char path[64];
			snprintf(path, sizeof(path), "records/%s.schema.json", names[i]);
			const struct so_embedded *e = so_embedded_find(path);
			assert_non_null(e);
			json_error_t err;
			json_t *d = json_loadb((const char *)e->data, e->size, 0, &err);
			if (!d)
				fail_msg("%s: %s", path, err.text);
			json_object_set_new(docs, path + strlen("records/"), d);
		}
	}
	return json_object_get(docs, name);
}

static json_t *resolve(const char *document, void *ctx)
{
	assert_ptr_equal(ctx, &other_doc);
	if (strcmp(document, "other.schema.json") == 0)
		return other_doc;
	return records_doc(document);
}

static void expect_json(json_t *schema, json_t *instance, const char *want)
{
	json_t *errors = so_jschema_check(schema, instance, resolve, &other_doc);
	char *got = lines(errors);
	assert_string_equal(got, want);
	free(got);
	json_decref(errors);
}

/* EXPECT(SCHEMA, INSTANCE, WANT): both in single-quoted JSON, WANT the "field: reason" lines. */
static void expect(const char *schema, const char *instance, const char *want)
{
	json_t *s = q(schema), *i = q(instance);
	expect_json(s, i, want);
	json_decref(s);
	json_decref(i);
}

/* Keywords ----------------------------------------------------------------------------------- */

static void test_type(void **state)
{
	(void)state;
	expect("{'type': 'integer'}", "5", "");
	expect("{'type': 'integer'}", "5.0", "");
	expect("{'type': 'integer'}", "5.5", ": must be an integer\n");
	expect("{'type': 'integer'}", "'5'", ": must be an integer\n");
	expect("{'type': 'number'}", "5", "");
	expect("{'type': 'number'}", "5.5", "");
	expect("{'type': 'number'}", "true", ": must be a number\n");
	expect("{'type': 'string'}", "'x'", "");
	expect("{'type': 'string'}", "null", ": is required\n");
	expect("{'type': 'object'}", "[]", ": must be an object\n");
	expect("{'type': 'array'}", "{}", ": must be an array\n");
	expect("{'type': 'boolean'}", "false", "");
	expect("{'type': 'boolean'}", "0", ": must be true or false\n");
	expect("{'type': 'null'}", "null", "");
	expect("{'type': 'null'}", "0", ": must be null\n");
	expect("{'type': ['string', 'null']}", "null", "");
	expect("{'type': ['string', 'null']}", "3", ": must be a string or null\n");
	expect("{'type': ['string', 'number', 'null']}", "{}",
	       ": must be a string, a number or null\n");
	expect("{'type': ['string', 'integer']}", "null", ": is required\n");
	/* a failed type hides the keywords of that schema that would only repeat it */
	expect("{'type': 'string', 'enum': ['a'], 'minimum': 3}", "1", ": must be a string\n");
}

static void test_enum_const(void **state)
{
	(void)state;
	expect("{'enum': ['a', 1, null]}", "'a'", "");
	expect("{'enum': ['a', 1, null]}", "1.0", "");
	expect("{'enum': ['a', 1, null]}", "null", "");
	expect("{'enum': ['a', 1, null]}", "'b'", ": must be \"a\", 1 or null\n");
	expect("{'enum': ['a']}", "'b'", ": must be \"a\"\n");
	expect("{'enum': ['male', 'female'], 'description': 'male or female'}", "'Nam'",
	       ": must be male or female\n");
	expect("{'enum': [{'a': [1, 2]}]}", "{'a': [1, 2.0]}", "");
	expect("{'enum': [{'a': [1, 2]}]}", "{'a': [2, 1]}", ": must be the one allowed value\n");
	expect("{'enum': [{'a': 1}, 2]}", "3", ": must be one of the 2 allowed values\n");
	expect("{'enum': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}", "12",
	       ": must be one of the 11 allowed values\n");
	expect("{'const': 'birth'}", "'birth'", "");
	expect("{'const': 'birth'}", "'death'", ": must be \"birth\"\n");
	expect("{'const': 2019}", "2019.0", "");
	expect("{'const': {'a': 1}}", "{'a': 1, 'b': 2}", ": must be the one allowed value\n");
	expect("{'const': true}", "1", ": must be true\n");
}

static void test_pattern(void **state)
{
	(void)state;
	const char *date = "{'type': 'string', 'pattern': "
			   "'^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$'}";
	expect(date, "'2019-03-05'", "");
	expect(date, "'1985'", "");
	expect(date, "'1985-03'", "");
	expect(date, "'2019-13-05'", ": must match the pattern "
	       "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$\n");
	expect(date, "'05/03/2019'", ": must match the pattern "
	       "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$\n");
	expect("{'pattern': '^[0-9]+$', 'description': 'digits'}", "'12a'", ": must be digits\n");
	expect("{'pattern': '^[0-9]+$'}", "12", ""); /* only strings */
	expect("{'pattern': 'b'}", "'abc'", "");     /* not anchored unless it says so */
	expect("{'pattern': '(['}", "'x'",
	       ": cannot be checked: the schema's pattern ([ does not compile\n");
	/* a NUL inside the string never matches */
	json_t *s = q("{'pattern': '^[0-9]+'}");
	json_t *nul = json_stringn("12\0ab", 5);
	expect_json(s, nul, ": must match the pattern ^[0-9]+\n");
	json_decref(nul);
	json_decref(s);
	/* one pattern over many items */
	json_t *schema = q("{'items': {'pattern': '^(CCCD [0-9]{12}|CMND [0-9]{9})$'}}");
	json_t *items = json_array();
	for (int i = 0; i < 300; i++)
		json_array_append_new(items, json_string(i == 200 ? "CMND 12345678" : "CMND 123456789"));
	expect_json(schema, items, "[200]: must match the pattern ^(CCCD [0-9]{12}|CMND [0-9]{9})$\n");
	json_decref(items);
	json_decref(schema);
}

static void test_numbers_and_lengths(void **state)
{
	(void)state;
	expect("{'minimum': 0, 'maximum': 1}", "0", "");
	expect("{'minimum': 0, 'maximum': 1}", "1.0", "");
	expect("{'minimum': 0, 'maximum': 1}", "1.5", ": must be at most 1\n");
	expect("{'minimum': 0, 'maximum': 1}", "-0.1", ": must be at least 0\n");
	expect("{'maximum': 0.5}", "1", ": must be at most 0.5\n");
	expect("{'minimum': 1}", "'0'", "");
	expect("{'maximum': 9007199254740993}", "9007199254740992", "");
	expect("{'maximum': 9007199254740992}", "9007199254740993", ": must be at most 9007199254740992\n");
	/* lengths count characters (code points), not bytes */
	expect("{'minLength': 6, 'maxLength': 6}", "'Nguyễn'", "");
	expect("{'maxLength': 5}", "'Nguyễn'", ": must be at most 5 characters long\n");
	expect("{'minLength': 7}", "'Nguyễn'", ": must be at least 7 characters long\n");
	expect("{'minLength': 1}", "''", ": must be at least 1 character long\n");
	expect("{'minLength': 1}", "[]", "");
}

static void test_objects(void **state)
{
	(void)state;
	const char *s = "{'properties': {'a': {'type': 'string'}}, 'additionalProperties': "
			"{'type': 'integer'}, 'required': ['a', 'b']}";
	expect(s, "{'a': 'x', 'b': 1}", "");
	expect(s, "{'c': 'x'}", "a: is required\nb: is required\nc: must be an integer\n");
	expect(s, "'not an object'", "");
	expect("{'properties': {'a': true}, 'additionalProperties': false}", "{'a': 1, 'b': 2}",
	       "b: is not allowed\n");
	expect("{'properties': {'a': false}}", "{'a': 1}", "a: is not allowed\n");
	expect("{'properties': {'book': {'properties': {'year': {'type': 'integer'}}}}}",
	       "{'book': {'year': '2019'}}", "book.year: must be an integer\n");
	/* members are checked in the order of the instance */
	expect("{'additionalProperties': {'type': 'string'}}", "{'z': 1, 'a': 2}",
	       "z: must be a string\na: must be a string\n");
	expect("true", "{'anything': 1}", "");
	expect("false", "1", ": is not allowed\n");
	/* unknown keywords are ignored */
	expect("{'type': 'string', 'format': 'date', 'x-note': 1, 'title': 't'}", "'nope'", "");
}

static void test_arrays(void **state)
{
	(void)state;
	const char *s = "{'items': {'type': 'integer'}, 'minItems': 2, 'maxItems': 3}";
	expect(s, "[1, 2]", "");
	expect(s, "[1]", ": must hold at least 2 items\n");
	expect(s, "[1, 2, 3, 4]", ": must hold at most 3 items\n");
	expect(s, "[1, 'x']", "[1]: must be an integer\n");
	expect("{'minItems': 1}", "[]", ": must hold at least 1 item\n");
	expect("{'properties': {'flags': {'items': {'properties': {'severity': "
	       "{'enum': ['error', 'warning']}}}}}}",
	       "{'flags': [{'severity': 'error'}, {'severity': 'fatal'}]}",
	       "flags[1].severity: must be \"error\" or \"warning\"\n");
	expect("{'items': {'items': {'type': 'null'}}}", "[[null], [null, 1]]",
	       "[1][1]: must be null\n");
}

static void test_combinators(void **state)
{
	(void)state;
	const char *one = "{'oneOf': [{'type': 'integer'}, {'minimum': 0}]}";
	expect(one, "-1", "");
	expect(one, "'x'", ""); /* minimum holds for what is not a number */
	expect(one, "5", ": must match only one of the 2 allowed forms, but matches 2\n");
	expect(one, "-1.5", ": must match one of the 2 allowed forms\n");
	const char *any = "{'anyOf': [{'type': 'string'}, {'type': 'integer'}]}";
	expect(any, "'x'", "");
	expect(any, "3", "");
	expect(any, "1.5", ": must match at least one of the 2 allowed forms\n");
	const char *all = "{'allOf': [{'minimum': 1}, {'maximum': 3}]}";
	expect(all, "2", "");
	expect(all, "0", ": must be at least 1\n");
	expect(all, "5", ": must be at most 3\n");
	/* the same reason twice for one field is given once */
	expect("{'allOf': [{'type': 'string'}, {'type': 'string'}]}", "1", ": must be a string\n");
	expect("{'not': {'type': 'null'}}", "null", ": must not match the form the schema forbids\n");
	expect("{'not': {'type': 'null'}}", "0", "");
	const char *cond = "{'if': {'properties': {'kind': {'const': 'a'}}}, "
			   "'then': {'required': ['x']}, 'else': {'required': ['y']}}";
	expect(cond, "{'kind': 'a', 'x': 1}", "");
	expect(cond, "{'kind': 'a'}", "x: is required\n");
	expect(cond, "{'kind': 'b'}", "y: is required\n");
	/* a branch's reasons are not the answer's */
	expect("{'anyOf': [{'required': ['a']}, {'required': ['b']}], 'required': ['c']}",
	       "{'b': 1}", "c: is required\n");
}

static void test_refs(void **state)
{
	(void)state;
	const char *local = "{'$defs': {'pos': {'type': 'integer', 'minimum': 1}}, "
			    "'properties': {'n': {'$ref': '#/$defs/pos'}}}";
	expect(local, "{'n': 1}", "");
	expect(local, "{'n': 0}", "n: must be at least 1\n");
	/* a $ref is checked together with its siblings */
	expect("{'$defs': {'s': {'type': ['string', 'null']}}, "
	       "'$ref': '#/$defs/s', 'type': 'string', 'maxLength': 2}", "'abc'",
	       ": must be at most 2 characters long\n");
	expect("{'$defs': {'s': {'type': ['string', 'null']}}, '$ref': '#/$defs/s', 'type': 'string'}",
	       "null", ": is required\n");
	/* another document, whose own references resolve in it */
	other_doc = q("{'$defs': {'pos': {'$ref': '#/$defs/int', 'minimum': 1}, "
		      "'int': {'type': 'integer'}, 'a~b/c': {'const': 1}}}");
	const char *ext = "{'$defs': {'int': {'type': 'string'}}, "
			  "'properties': {'n': {'$ref': 'other.schema.json#/$defs/pos'}, "
			  "'m': {'$ref': 'other.schema.json#/$defs/a~0b~1c'}, "
			  "'x': {'$ref': 'missing.schema.json#/$defs/pos'}, "
			  "'y': {'$ref': '#/$defs/nothing'}}}";
	expect(ext, "{'n': 2, 'm': 1}", "");
	expect(ext, "{'n': 0, 'm': 2}", "n: must be at least 1\nm: must be 1\n");
	expect(ext, "{'n': 'x'}", "n: must be an integer\n");
	expect(ext, "{'x': 1, 'y': 1}",
	       "x: cannot be checked: the schema's reference missing.schema.json#/$defs/pos does "
	       "not resolve\ny: cannot be checked: the schema's reference #/$defs/nothing does not "
	       "resolve\n");
	json_decref(other_doc);
	other_doc = NULL;
	/* without a resolver only the schema's own references resolve */
	json_t *s = q("{'properties': {'n': {'$ref': 'other.schema.json#/$defs/pos'}, "
		      "'m': {'$ref': '#/properties/n'}}}");
	json_t *i = q("{'n': 1}");
	json_t *errors = so_jschema_check(s, i, NULL, NULL);
	char *got = lines(errors);
	assert_string_equal(got, "n: cannot be checked: the schema's reference "
			    "other.schema.json#/$defs/pos does not resolve\n");
	free(got);
	json_decref(errors);
	json_decref(i);
	json_decref(s);
}

static void test_record_field_names(void **state)
{
	(void)state;
	const char *s = "{'properties': {'fields': {'type': 'object', 'required': ['child.sex'], "
			"'additionalProperties': {'type': ['object', 'null'], 'properties': "
			"{'value': {'type': 'string'}, 'bbox': {'items': {'type': 'integer'}}}}}}}";
	expect(s, "{'fields': {'child.sex': {'value': 'male'}}}", "");
	expect(s, "{'fields': {'child.sex': {'value': 1, 'bbox': [0, 'x']}}}",
	       "child.sex: value must be a string\nchild.sex: bbox[1] must be an integer\n");
	expect(s, "{'fields': {'child.full_name': 'An'}}",
	       "child.sex: is required\nchild.full_name: must be an object or null\n");
	expect(s, "{'fields': 1}", "fields: must be an object\n");
	/* elsewhere a member's name with dots is one segment of a dotted path */
	expect("{'properties': {'other': {'properties': {'a.b': {'type': 'string'}}}}}",
	       "{'other': {'a.b': 1}}", "other.a.b: must be a string\n");
}

static void test_limits(void **state)
{
	(void)state;
	/* a schema that recurses into the instance stops at the depth cap */
	json_t *s = q("{'items': {'$ref': '#'}}");
	json_t *deep = json_integer(1);
	for (int i = 0; i < 200; i++) {
		json_t *a = json_array();
		json_array_append_new(a, deep);
		deep = a;
	}
	json_t *errors = so_jschema_check(s, deep, NULL, NULL);
	assert_int_equal(json_array_size(errors), 1);
	json_t *e = json_array_get(errors, 0);
	assert_string_equal(json_string_value(json_object_get(e, "reason")),
			    "is nested too deeply to be checked");
	/* each level of the instance takes two levels of schema: "items", then "$ref" */
	char path[3 * SO_JSCHEMA_DEPTH_MAX + 1] = "";
	for (int i = 0; i < SO_JSCHEMA_DEPTH_MAX / 2; i++)
		strcat(path, "[0]");
	assert_string_equal(json_string_value(json_object_get(e, "field")), path);
	json_decref(errors);
	json_decref(deep);
	json_decref(s);
	/* references in a loop */
	expect("{'$ref': '#'}", "1", ": is nested too deeply to be checked\n");
	expect("{'$defs': {'a': {'$ref': '#/$defs/b'}, 'b': {'allOf': [{'$ref': '#/$defs/a'}]}}, "
	       "'$ref': '#/$defs/a'}", "{}", ": is nested too deeply to be checked\n");
	expect("{'anyOf': [{'$ref': '#'}]}", "1",
	       ": must match at least one of the 1 allowed forms\n");
	/* enum on deeply nested values compares to the cap, not further */
	json_t *e1 = json_integer(1), *e2 = json_integer(1);
	for (int i = 0; i < 100; i++) {
		json_t *a = json_array(), *b = json_array();
		json_array_append_new(a, e1);
		json_array_append_new(b, e2);
		e1 = a;
		e2 = b;
	}
	json_t *en = json_pack("{s:[o]}", "enum", e1);
	expect_json(en, e2, ": must be the one allowed value\n");
	json_decref(en);
	json_decref(e2);
	/* reasons are capped */
	s = q("{'additionalProperties': false}");
	json_t *many = json_object();
	for (int i = 0; i < 3 * SO_JSCHEMA_ERRORS_MAX; i++) {
		char k[16];
		snprintf(k, sizeof(k), "m%d", i);
		json_object_set_new(many, k, json_null());
	}
	errors = so_jschema_check(s, many, NULL, NULL);
	assert_int_equal(json_array_size(errors), SO_JSCHEMA_ERRORS_MAX);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
			    "m0");
	json_decref(errors);
	json_decref(many);
	json_decref(s);
	/* a long member name is cut at a whole character */
	s = q("{'additionalProperties': false}");
	json_t *o = json_object();
	struct so_buf key = SO_BUF_INIT(1 << 16);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(so_buf_adds(&key, "ễ"), 0);
	json_object_set_new(o, key.data, json_null());
	errors = so_jschema_check(s, o, NULL, NULL);
	const char *field = json_string_value(json_object_get(json_array_get(errors, 0), "field"));
	assert_non_null(field);
	assert_true(strlen(field) < 512 && strlen(field) % 3 == 0);
	assert_memory_equal(field, key.data, strlen(field));
	so_buf_release(&key);
	json_decref(errors);
	json_decref(o);
	json_decref(s);
	/* no schema or no value */
	errors = so_jschema_check(NULL, NULL, NULL, NULL);
	char *got = lines(errors);
	assert_string_equal(got, ": cannot be checked: no schema\n");
	free(got);
	json_decref(errors);
}

/* Records ------------------------------------------------------------------------------------ */

static const char birth_record[] =
	"{'record_id': 'birth-2019-01-26740/birth-2019-01.tif/p0/r1', 'type': 'birth',"
	" 'book': {'type': 'birth', 'year': 2019, 'volume': '01', 'authority_code': '26740'},"
	" 'source': {'file': 'birth-2019-01.tif', 'page_index': 0,"
	"  'sha256': 'e1243ba6d6fd1fc00f1b490cb44ec03281cd0ad01abe21138cb462da1d0f6f03'},"
	" 'row': 1, 'status': 'valid', 'fields': {"
	"  'registration_number': {'value': '56', 'raw': 'Số 56', 'confidence': 0.9641,"
	"   'bbox': [265, 740, 417, 1381], 'flags': []},"
	"  'registration_date': {'value': '2019-01-24', 'raw': '24/01/2019', 'confidence': 0.99,"
	"   'bbox': [423, 740, 699, 1381], 'flags': []},"
	"  'child.full_name': {'value': 'Lê Thu Linh', 'raw': 'LÊ THU LINH', 'confidence': 0.8991,"
	"   'bbox': [705, 740, 1071, 1381], 'flags': ['LOW_CONFIDENCE']},"
	"  'child.birth_date': {'value': '2019-01-15', 'raw': '15/1/2019', 'confidence': 0.99,"
	"   'bbox': [1077, 740, 1368, 1381], 'flags': []},"
	"  'child.sex': {'value': 'female', 'raw': 'Nữ', 'confidence': 0.9638,"
	"   'bbox': [1374, 740, 1544, 1381], 'flags': []},"
	"  'child.ethnicity': {'value': 'Kinh', 'code': '01', 'raw': 'Kinh', 'confidence': 0.9691,"
	"   'bbox': [1550, 740, 1745, 1381], 'flags': []},"
	"  'child.nationality': {'value': 'VN', 'raw': 'Việt Nam', 'confidence': 0.9639,"
	"   'bbox': [1751, 740, 1969, 1381], 'flags': []},"
	"  'child.birth_place': {'value': 'Bệnh viện Hùng Vương, Phường 12, Quận 5, Thành phố Hồ Chí"
	" Minh', 'code': '27310', 'successor': '27343', 'raw': 'Bệnh viện Hùng Vương, P.12, Q. 5',"
	"   'confidence': 0.0, 'bbox': [1975, 740, 2412, 1381], 'flags': ['LOW_CONFIDENCE']},"
	"  'child.hometown': {'value': 'Xã Tân Kiên, Huyện Bình Chánh, Thành phố Hồ Chí Minh',"
	"   'code': '27616', 'raw': 'X. Tân Kiên', 'confidence': 0.917,"
	"   'bbox': [2418, 740, 2797, 1381], 'flags': []},"
	"  'child.id_number': {'value': '079319047422', 'raw': '079319047422', 'confidence': 0.99,"
	"   'bbox': [2803, 740, 3089, 1381], 'flags': []},"
	"  'mother.full_name': {'value': 'Phạm Minh Nhi', 'raw': 'PHẠM MINH NHI', 'confidence': 1,"
	"   'bbox': null, 'flags': []},"
	"  'mother.birth_date': {'value': '1992', 'raw': 'Sinh năm: 1992', 'confidence': null,"
	"   'bbox': null, 'flags': []},"
	"  'mother.ethnicity': {'value': 'Khơ-me', 'code': '05', 'raw': 'Khmer', 'confidence': 0.93,"
	"   'bbox': [3109, 950, 3215, 987], 'flags': []},"
	"  'mother.nationality': {'value': 'VN', 'raw': 'Việt Nam', 'confidence': 0.96,"
	"   'bbox': [3336, 803, 3544, 844], 'flags': []},"
	"  'mother.residence': {'value': null, 'raw': 'Số 266 Cách Mạng Tháng Tám, P', 'confidence':"
	"   0.86, 'bbox': [3107, 1044, 3541, 1225], 'flags': ['PLACE_UNMATCHED']},"
	"  'mother.id_document': {'value': 'CCCD 079192624559', 'raw': 'CCCD số 079192624559',"
	"   'confidence': 0.9265, 'bbox': [3110, 947, 3441, 1035], 'flags': []},"
	"  'father.full_name': null, 'father.birth_date': null, 'father.ethnicity': null,"
	"  'father.nationality': null, 'father.residence': null, 'father.id_document': null,"
	"  'declarant.full_name': {'value': 'Phạm Minh Nhi', 'raw': 'PHẠM MINH NHI',"
	"   'confidence': 0.6, 'bbox': [4083, 749, 4417, 837], 'flags': []},"
	"  'declarant.id_document': {'value': 'HO_CHIEU B1234567', 'raw': 'Hộ chiếu số B1234567',"
	"   'confidence': 0.88, 'bbox': [4083, 850, 4399, 934], 'flags': []},"
	"  'declarant.relationship': {'value': 'mẹ', 'raw': 'mẹ', 'confidence': 0.96,"
	"   'bbox': [4288, 950, 4360, 983], 'flags': []},"
	"  'notes': {'value': null, 'raw': '-', 'confidence': 0.5, 'bbox': [4445, 740, 4698, 1381],"
	"   'flags': []}},"
	" 'flags': [{'code': 'LOW_CONFIDENCE', 'severity': 'error', 'fields': ['child.full_name'],"
	"  'state': 'verified', 'message': 'Máy đọc không chắc chắn'},"
	"  {'code': 'PLACE_UNMATCHED', 'severity': 'warning', 'fields': ['mother.residence'],"
	"  'state': 'open', 'message': 'Không tìm thấy đơn vị hành chính'}]}";

static const char marriage_record[] =
	"{'record_id': 'marriage-1988-01-31159/marriage-1988-01.tif/p1/r1', 'type': 'marriage',"
	" 'book': {'type': 'marriage', 'year': 1988, 'volume': '01', 'authority_code': '31159'},"
	" 'source': {'file': 'marriage-1988-01.tif', 'page_index': 1,"
	"  'sha256': '90b7069eb4c126cfccdfdfae8034b152daefaa790d920f3ee9841bc668590aac'},"
	" 'row': 1, 'status': 'approved', 'fields': {"
	"  'registration_number': {'value': '71', 'raw': '71'},"
	"  'registration_date': {'value': '1988-02-07', 'raw': '07.02.1988'},"
	"  'husband.full_name': {'value': 'Tô Văn Long', 'raw': 'Tô Văn Long'},"
	"  'husband.birth_date': {'value': '1957', 'raw': '1957'},"
	"  'husband.ethnicity': {'value': 'Hoa', 'code': '04', 'raw': 'Hoa'},"
	"  'husband.nationality': {'value': 'VN', 'raw': 'Việt Nam'},"
	"  'husband.residence': {'value': 'Xã Thới Xuân, Huyện Cờ Đỏ, Thành phố Cần Thơ',"
	"   'code': '31277', 'successor': '31261', 'raw': 'X. Thới Xuân, H. Cờ Đỏ, TP. Cần Thơ'},"
	"  'husband.id_document': {'value': 'CMND 324311168', 'raw': 'CMND số 324311168'},"
	"  'wife.full_name': {'value': 'Nguyễn Thị Linh', 'raw': 'Nguyễn Thị Linh'},"
	"  'wife.birth_date': {'value': '1965-06', 'raw': '06/1965'},"
	"  'wife.ethnicity': {'value': 'Kinh', 'code': '01', 'raw': 'Kinh'},"
	"  'wife.nationality': {'value': 'KR', 'raw': 'Hàn Quốc'},"
	"  'wife.residence': {'value': 'Xã Thới Xuân, Huyện Cờ Đỏ, Thành phố Cần Thơ',"
	"   'code': '31277', 'raw': 'X. Thới Xuân'},"
	"  'wife.id_document': null, 'notes': null},"
	" 'flags': []}";

static const char death_record[] =
	"{'record_id': 'death-2021-02-20233/death-2021-02.tif/p0/r2', 'type': 'death',"
	" 'book': {'type': 'death', 'year': 2021, 'volume': '02', 'authority_code': '20233'},"
	" 'source': {'file': 'death-2021-02.tif', 'page_index': 0,"
	"  'sha256': '0000000000000000000000000000000000000000000000000000000000000000'},"
	" 'row': 2, 'status': 'valid', 'fields': {"
	"  'registration_number': {'value': '87', 'raw': '87'},"
	"  'registration_date': {'value': '2021-01-24', 'raw': '24.01.2021'},"
	"  'deceased.full_name': {'value': 'Nguyễn Thị Vân', 'raw': 'NGUYỄN THỊ VÂN'},"
	"  'deceased.birth_date': {'value': '1965-08-20', 'raw': '20.08.1965'},"
	"  'deceased.sex': {'value': 'female', 'raw': 'Nữ'},"
	"  'deceased.ethnicity': {'value': 'Kinh', 'code': '01', 'raw': 'Kinh'},"
	"  'deceased.nationality': {'value': 'VN', 'raw': 'Việt Nam'},"
	"  'deceased.id_number': {'value': '048165023067', 'raw': '048165023067'},"
	"  'deceased.residence': {'value': 'Xã Hòa Nhơn, Huyện Hòa Vang, Thành phố Đà Nẵng',"
	"   'code': '20308', 'successor': '20308', 'raw': 'Xã Hòa Nhơn'},"
	"  'death.datetime': {'value': '2021-01-24T05:03', 'raw': '5 giờ 3 phút, ngày 24.01.2021'},"
	"  'death.place': {'value': 'Bệnh viện Đà Nẵng', 'code': '20233', 'raw': 'Bệnh viện Đà Nẵng'},"
	"  'death.cause': {'value': 'Xuất huyết não', 'raw': 'Xuất huyết não'},"
	"  'death_notice.number': {'value': '778/GBT', 'raw': '778/GBT'},"
	"  'death_notice.date': {'value': '2021-01-24', 'raw': '24.01.2021'},"
	"  'death_notice.issuer': {'value': 'Bệnh viện Đà Nẵng', 'raw': 'Bệnh viện Đà Nẵng'},"
	"  'declarant.full_name': {'value': 'Lê Công Hoàng', 'raw': 'LÊ CÔNG HOÀNG'},"
	"  'declarant.id_document': {'value': 'CCCD 048070925541', 'raw': 'CCCD số 048070925541'},"
	"  'declarant.relationship': {'value': 'chồng', 'raw': 'chồng'},"
	"  'notes': null},"
	" 'flags': []}";

/* A minimal record: only what delivery needs, the other fields absent. */
static const char parentage_record[] =
	"{'record_id': 'p1', 'type': 'parentage', 'status': 'valid',"
	" 'book': {'type': 'parentage', 'year': 2025, 'volume': '01', 'authority_code': '26740'},"
	" 'fields': {"
	"  'registration_number': {'value': '181'},"
	"  'registration_date': {'value': '2025-09-27'},"
	"  'parent.full_name': {'value': 'Vũ Văn Cường'},"
	"  'child.full_name': {'value': 'Vũ Gia Dũng'},"
	"  'child.nationality': {'value': null, 'raw': 'Việt Nam . l', 'flags': ['NATIONALITY_UNKNOWN']},"
	"  'relationship': {'value': 'father', 'raw': 'Cha - con'}}}";

static void expect_record(json_t *rec, const char *want)
{
	char name[64];
	snprintf(name, sizeof(name), "%s.schema.json", json_string_value(json_object_get(rec, "type")));
	json_t *schema = records_doc(name);
	assert_non_null(schema);
	expect_json(schema, rec, want);
	json_decref(rec);
}

/* REC with the member NAME of its field FIELD (the whole field when NAME is NULL) set to the
 * single-quoted JSON VALUE, or removed when VALUE is NULL. */
static json_t *with_field(json_t *rec, const char *field, const char *name, const char *value)
{
	json_t *fields = json_object_get(rec, "fields");
	json_t *target = name ? json_object_get(fields, field) : fields;
	const char *key = name ? name : field;
	assert_non_null(target);
	if (value)
		json_object_set_new(target, key, q(value));
	else
		json_object_del(target, key);
	return rec;
}

/* REC with the member KEY of its member PARENT (of REC itself when PARENT is NULL) set to VALUE,
 * or removed when VALUE is NULL. */
static json_t *with(json_t *rec, const char *parent, const char *key, const char *value)
{
	json_t *target = parent ? json_object_get(rec, parent) : rec;
	assert_non_null(target);
	if (value)
		json_object_set_new(target, key, q(value));
	else
		json_object_del(target, key);
	return rec;
}

static void test_record_fixtures(void **state)
{
	(void)state;
	expect_record(q(birth_record), "");
	expect_record(q(marriage_record), "");
	expect_record(q(death_record), "");
	expect_record(q(parentage_record), "");
	/* a date with the time is for death.datetime; that may also be a date alone */
	expect_record(with_field(q(death_record), "death.datetime", "value", "'2021-01-24'"), "");
	expect_record(with_field(q(death_record), "death.datetime", "value", "'2021'"), "");
}

static void test_record_refusals(void **state)
{
	(void)state;
	/* the stage test's case: a bad date and a wrong sex */
	expect_record(with_field(with_field(q(birth_record), "child.birth_date", "value",
					    "'20/02/2019'"), "child.sex", "value", "'Nam'"),
		      "child.birth_date: value must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)\n"
		      "child.sex: value must be male or female\n");
	expect_record(with_field(q(birth_record), "child.birth_date", "value", "'2019-02-31T10:00'"),
		      "child.birth_date: value must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)\n");
	/* required for delivery: absent, null, or a null value */
	expect_record(with(with_field(q(birth_record), "child.sex", NULL, NULL), NULL, "status",
			   "'needs_review'"),
		      "status: must be valid or approved (only such records are delivered)\n"
		      "child.sex: is required\n");
	expect_record(with_field(with_field(q(birth_record), "child.sex", NULL, "null"),
				 "child.full_name", "value", "null"),
		      "child.full_name: value is required\nchild.sex: is required\n");
	expect_record(with_field(q(birth_record), "registration_number", "value", "''"),
		      "registration_number: value must be a registration number in digits (\"125\")\n");
	expect_record(with_field(q(marriage_record), "wife.birth_date", "value", "null"),
		      "wife.birth_date: value is required\n");
	expect_record(with_field(q(death_record), "death.datetime", NULL, NULL),
		      "death.datetime: is required\n");
	expect_record(with_field(q(parentage_record), "relationship", "value", "'Cha - con'"),
		      "relationship: value must be father or mother\n");
	/* a field that is not required may be null, or hold a null value */
	expect_record(with_field(with_field(q(birth_record), "child.ethnicity", NULL, "null"),
				 "child.id_number", "value", "null"), "");
	/* canonical values */
	expect_record(with_field(q(death_record), "death.datetime", "value", "'2021-01-24T24:03'"),
		      "death.datetime: value must be an ISO date and time (YYYY-MM-DDTHH:MM) or "
		      "date (YYYY, YYYY-MM or YYYY-MM-DD)\n");
	expect_record(with_field(q(death_record), "deceased.birth_date", "value",
				 "'1965-08-20T10:00'"), "deceased.birth_date: value must be an ISO "
		      "date (YYYY, YYYY-MM or YYYY-MM-DD)\n");
	expect_record(with_field(q(death_record), "deceased.sex", "value", "'F'"),
		      "deceased.sex: value must be male or female\n");
	expect_record(with_field(with_field(q(marriage_record), "husband.ethnicity", "value",
					    "'Khmer'"), "husband.ethnicity", "code", "'5'"),
		      "husband.ethnicity: value must be the official name of one of the 54 ethnic "
		      "groups (schemas/ref/ethnic-groups.csv)\n"
		      "husband.ethnicity: code must be a two-digit GSO ethnic group code\n");
	expect_record(with_field(q(marriage_record), "wife.nationality", "value", "'Việt Nam'"),
		      "wife.nationality: value must be an ISO 3166-1 alpha-2 country code "
		      "(\"VN\")\n");
	const char *doc = "value must be an identity document written \"CCCD\" and 12 digits, "
			  "\"CMND\" and 9 digits, or \"HO_CHIEU\" and the passport number\n";
	char want[512];
	snprintf(want, sizeof(want), "husband.id_document: %s", doc);
	expect_record(with_field(q(marriage_record), "husband.id_document", "value",
				 "'CMND 32431116'"), want);
	expect_record(with_field(q(marriage_record), "husband.id_document", "value",
				 "'CMND số 324311168'"), want);
	snprintf(want, sizeof(want), "declarant.id_document: %s", doc);
	expect_record(with_field(q(death_record), "declarant.id_document", "value",
				 "'CCCD 0482005355740'"), want);
	expect_record(with_field(q(death_record), "deceased.id_number", "value", "'04816502306'"),
		      "deceased.id_number: value must be a personal id of 12 digits (CCCD) or 9 "
		      "digits (CMND)\n");
	expect_record(with_field(q(birth_record), "child.full_name", "value", "'Ng6 Quõc Nghĩa'"),
		      "child.full_name: value must be a name of words separated by single spaces, "
		      "without digits\n");
	expect_record(with_field(q(birth_record), "mother.full_name", "value", "'Phạm  Minh'"),
		      "mother.full_name: value must be a name of words separated by single spaces, "
		      "without digits\n");
	expect_record(with_field(q(birth_record), "child.birth_place", "code", "'2731'"),
		      "child.birth_place: code must be a five-digit commune code\n");
	/* the shape of a field */
	expect_record(with_field(with_field(with_field(with_field(q(birth_record),
		"registration_number", "confidence", "1.5"), "registration_number", "bbox",
		"[1, 2, 3]"), "registration_number", "flags", "[1]"), "registration_number", "page",
		"2"),
		      "registration_number: confidence must be at most 1\n"
		      "registration_number: bbox must hold at least 4 items\n"
		      "registration_number: flags[0] must be a string\n"
		      "registration_number: page is not allowed\n");
	expect_record(with_field(q(birth_record), "notes", "value", NULL),
		      "notes: value is required\n");
	expect_record(with_field(q(birth_record), "notes", NULL, "'-'"),
		      "notes: must be an object or null\n");
	expect_record(with_field(q(birth_record), "child.religion", NULL, "{'value': 'x'}"),
		      "child.religion: is not allowed\n");
	expect_record(with(q(birth_record), NULL, "fields", "[]"), "fields: must be an object\n");
	/* the record around its fields */
	expect_record(with(with(q(birth_record), "book", "type", "'death'"), "book", "year",
			   "'2019'"), "book.year: must be an integer\nbook.type: must be \"birth\"\n");
	expect_record(with(q(birth_record), "book", "authority_code", "'UBND Bến Nghé'"),
		      "book.authority_code: must be the unit code of the registering authority in "
		      "digits (e.g. 26740)\n");
	expect_record(with(q(birth_record), "book", "volume", "'01/2019'"),
		      "book.volume: must be a volume (Quyển số) of 1 to 31 characters without '/'\n");
	expect_record(with(with(with(q(birth_record), NULL, "record_id", NULL), NULL, "row", "0"),
			   "source", "sha256", "'abc'"),
		      "record_id: is required\n"
		      "source.sha256: must be a SHA-256 digest in 64 lower-case hexadecimal digits\n"
		      "row: must be at least 1\n");
	json_t *death = with(q(birth_record), NULL, "type", "'death'");
	expect_json(records_doc("birth.schema.json"), death, "type: must be \"birth\"\n");
	json_decref(death);
	expect_record(with(q(birth_record), NULL, "batch", "'b1'"), "batch: is not allowed\n");
	json_t *rec = q(birth_record);
	json_object_set_new(json_array_get(json_object_get(rec, "flags"), 1), "severity",
			    json_string("fatal"));
	json_object_del(json_array_get(json_object_get(rec, "flags"), 0), "message");
	expect_record(rec, "flags[0].message: is required\n"
		      "flags[1].severity: must be error or warning\n");
	/* the sample batch's refusals, by kind: a 13-digit CCCD and unreadable names */
	expect_record(with_field(with_field(q(death_record), "declarant.full_name", "value",
					    "'4; N'"), "registration_date", "value", "null"),
		      "registration_date: value is required\n"
		      "declarant.full_name: value must be a name of words separated by single "
		      "spaces, without digits\n");
}

/* Failing allocations ------------------------------------------------------------------------- */

static long alloc_left = -1; /* allocations that still succeed; -1: all */

static void *failing_malloc(size_t n)
{
	if (alloc_left == 0)
		return NULL;
	if (alloc_left > 0)
		alloc_left--;
	return malloc(n);
}

static void test_allocation_failures(void **state)
{
	(void)state;
	json_t *schema = records_doc("birth.schema.json");
	json_t *rec = with_field(with_field(q(birth_record), "child.birth_date", "value",
					    "'20/02/2019'"), "child.sex", "value", "'Nam'");
	json_set_alloc_funcs(failing_malloc, free);
	int done = 0, failed = 0;
	for (long n = 0; n < 10000 && !done; n++) {
		alloc_left = n;
		json_t *errors = so_jschema_check(schema, rec, resolve, &other_doc);
		alloc_left = -1;
		if (!errors) {
			assert_string_equal(so_errmsg(), "out of memory while checking a record "
					    "against its schema");
			failed++;
			continue;
		}
		char *got = lines(errors);
		json_decref(errors);
		if (strcmp(got, "child.birth_date: value must be an ISO date (YYYY, YYYY-MM or "
			   "YYYY-MM-DD)\nchild.sex: value must be male or female\n") == 0)
			done = 1;
		else
			fail_msg("after %ld allocations: %s", n, got);
		free(got);
	}
	json_set_alloc_funcs(malloc, free);
	assert_true(done);
	assert_true(failed >= 5); /* the answer and each of its reasons needed memory */
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_enum_const),
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_numbers_and_lengths),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_combinators),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_record_field_names),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_record_fixtures),
		cmocka_unit_test(test_record_refusals),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
