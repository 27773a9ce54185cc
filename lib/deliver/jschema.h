/*
 * A small JSON Schema (draft 2020-12) validator over jansson, for exactly the subset the record
 * schemas of schemas/records/ use: type (one or a list; "integer" is any number without a
 * fraction), enum, const, pattern (POSIX extended regular expressions: write patterns in the
 * subset ECMAScript shares), minimum, maximum, minLength, maxLength (in code points), required,
 * properties, additionalProperties (a boolean or a schema), items (one schema for every item),
 * minItems, maxItems, allOf, anyOf, oneOf, if/then/else, boolean schemas, and $ref to
 * "#/$defs/x" (any JSON pointer) or to "other.schema.json#/$defs/x" through a resolver. A $ref
 * is checked together with its sibling keywords, as in 2020-12. Other keywords are ignored.
 * Schemas and instances nested deeper than SO_JSCHEMA_DEPTH_MAX are refused, not recursed into.
 *
 * The answer is a list of {"field", "reason"}: "field" is the dotted path of the refused value
 * ("book.year", "flags[0].severity"; "" for the whole instance), except that inside the
 * top-level member "fields" of a record it is the record field's own name ("child.birth_date",
 * whose dots are part of the name) and the rest of the path starts the reason ("value must be
 * male or female"). Reasons are English sentences without a full stop. A pattern or an enum
 * whose schema has a "description" is explained with it ("must be " + description), so such
 * descriptions are written as noun phrases. A null where null is not allowed "is required".
 */
#ifndef SO_JSCHEMA_H
#define SO_JSCHEMA_H

#include <jansson.h>

#define SO_JSCHEMA_DEPTH_MAX 64
/* Reasons beyond this many are not reported. */
#define SO_JSCHEMA_ERRORS_MAX 100

/* Finds the schema document a $ref names: DOCUMENT is the part of the reference before '#'
 * ("common.schema.json"). Returns a borrowed reference that stays valid during the check, or
 * NULL when there is no such document. Called from the checking thread; it must not change
 * shared state without locking. */
typedef json_t *(*so_jschema_resolver)(const char *document, void *ctx);

/* Checks INSTANCE against SCHEMA. Returns a new array of {"field", "reason"} objects, empty when
 * the instance is valid; NULL with the error set when memory runs out. A schema error met on
 * the way (a $ref that does not resolve, a pattern that does not compile) is reported as a
 * reason, so a broken schema refuses rather than accepts. RESOLVE may be NULL (then only
 * references within SCHEMA resolve). SCHEMA and the resolved documents are only read, so one
 * parsed schema may be checked against from several threads at once. */
json_t *so_jschema_check(const json_t *schema, const json_t *instance, so_jschema_resolver resolve,
			 void *ctx);

#endif
