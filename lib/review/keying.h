/*
 * Keying handwritten fields (SPEC.md, "Handwritten entries"): a field with an open
 * HANDWRITTEN flag is keyed by people, blind — a keyer never sees another's keying nor the
 * machine's reading, and is never given a field they keyed already. The keying policy
 * (schemas/keying-policy.json, or BATCH_DIR/keying-policy.json) says per book type and field
 * kind whether one keying checked by the rules is enough (single) or two by different keyers
 * must agree on the canonical value (double); a disagreement raises KEYING_CONFLICT for an
 * arbitrator, who picks one keying or types a third. A trusted keyer (enough fields of the
 * kind, agreeing often enough with the values accepted) keys double fields alone, a share of
 * them drawn for a blind spot check by a second keyer. An accepted value is set as the
 * review's set does (fields.source 'archivist') and the field's HANDWRITTEN flag resolved.
 * Every keying is kept (keyings) and audited. Also the reviewers' roles (keyer, arbitrator,
 * checker) and the keyers' statistics.
 */
#ifndef SO_KEYING_H
#define SO_KEYING_H

#include <jansson.h>
#include <stdint.h>

#include "batch/store.h"
#include "register/kind.h"

/* The policy ---------------------------------------------------------------------------------- */

enum so_keying_mode { SO_KEYING_DOUBLE, SO_KEYING_SINGLE };

/* The book types the policy names (as the store writes them), and "any". */
enum { SO_KEYING_BOOK_TYPES = 4 };

struct so_keying_policy {
	enum so_keying_mode mode[SO_KEYING_BOOK_TYPES][SO_KINDS];
	int64_t trusted_min_fields;   /* fields of a kind a keyer must have keyed and decided */
	double trusted_min_agreement; /* and the share of them agreeing with the value accepted */
	double spot_check;            /* the share of a trusted keyer's fields keyed again */
};

/* Reads the policy from TEXT (LEN bytes; FROM names it in errors). Its shape:
 *   {"modes": {BOOK_TYPE or "any": {KIND or "default": "single" | "double"}},
 *    "trusted": {"min_fields": N >= 1, "min_agreement": 0..1, "spot_check": 0..1}}
 * A kind's mode is the book type's word for it, else the book type's default, else that of
 * "any", else its default, else double. 0, or -1 with the error naming FROM and the fault. */
int so_keying_policy_parse(const char *text, size_t len, const char *from,
			   struct so_keying_policy *p);
/* BATCH_DIR/keying-policy.json when it exists, else the built-in one. 0 or -1 (the error
 * names the file). */
int so_keying_policy_load(const char *batch_dir, struct so_keying_policy *p);
/* The mode of kind KIND in a book of type BOOK_TYPE (a type the policy does not know: "any"). */
enum so_keying_mode so_keying_mode_of(const struct so_keying_policy *p, const char *book_type,
				      enum so_kind kind);
/* 1 when a keyer with KEYED fields decided of which AGREED agreed is trusted by P. */
int so_keying_trusted(const struct so_keying_policy *p, int64_t decided, int64_t agreed);

/* 1 when two keyings agree: both made a code and it is the same, or else the same canonical
 * value (NULL: the field empty in the book; two empty keyings agree). */
int so_keying_agree(const char *value_a, const char *code_a, const char *value_b,
		    const char *code_b);

/* Roles --------------------------------------------------------------------------------------- */

/* 1 when ROLES is a comma-separated list of keyer, arbitrator and checker (each once at most,
 * at least one), 0 when not (the error says why). */
int so_roles_ok(const char *roles);
/* Gives reviewer NAME the roles ROLES (so_roles_ok): 1, 0 when there is no such reviewer (the
 * error set), -1. */
int so_reviewer_roles_set(struct so_store *s, const char *name, const char *roles);
/* Reviewer NAME's roles, comma-separated, into BUF: 1, 0 when there is no such reviewer, -1. */
int so_reviewer_roles(struct so_store *s, const char *name, char *buf, size_t size);
/* 1 when reviewer NAME has ROLE, 0 when not (or no such reviewer), -1 on error. */
int so_reviewer_has_role(struct so_store *s, const char *name, const char *role);

/* Keying -------------------------------------------------------------------------------------- */

/* The next entry KEYER has fields to key in, the first record after AFTER (0: from the
 * start; the search wraps round once): {"record": ID, "book_type", "row_box": [..],
 * "fields": [{"name", "label", "kind", "role": "first" | "second" | "spot" | "single"}],
 * "registration_date": "YYYY-MM-DD" when known and not itself a cell waiting for keying}
 * in column order — names, labels and kinds only: no reading, no other keying. {"record":
 * null, "fields": []} when there is nothing left for KEYER. NULL with the error set. */
json_t *so_keying_next(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
		       int64_t after);

enum so_keying_outcome {
	SO_KEYING_WAITING = 0,   /* kept; the field waits for another keying */
	SO_KEYING_ACCEPTED = 1,  /* the field's value is set */
	SO_KEYING_CONFLICTED = 2,/* two keyings disagree: KEYING_CONFLICT raised */
	SO_KEYING_REFUSED = 3,   /* not taken (the error says why: not canonical, no record) */
	SO_KEYING_GONE = 5,      /* not taken: the field is not (or no longer) waiting for this
				  * keyer — keyed enough by others meanwhile, keyed by them
				  * already, not handwritten, the record decided (the error says
				  * which); the keyer moves on */
};
/* KEYER keyed TYPED (as written in the book; "" for an empty cell) for FIELD of record ID in
 * SECONDS (< 0: unknown). DRAW, in [0, 1), decides a spot check for a trusted keyer (drawn
 * when DRAW < the policy's share). Stored, audited and judged in one transaction. Returns an
 * so_keying_outcome with *OUT (may be NULL) {"outcome": "waiting" | "accepted" | "conflict",
 * "value", "code", "role"}, or -1 on a store error. */
int so_keying_save(struct so_store *s, const struct so_keying_policy *p, const char *keyer,
		   int64_t id, const char *field, const char *typed, double seconds, double draw,
		   json_t **out);

/* The fields two keyings disagree on, LIMIT at most: [{"record", "field", "label", "kind",
 * "row_box", "keyings": [{"id", "keyer", "typed", "value", "code", "at", "role"}]}]. NULL
 * with the error set. *TOTAL (may be NULL): how many there are. */
json_t *so_keying_conflicts(struct so_store *s, long limit, int64_t *total);

/* ARBITRATOR settles the conflict on FIELD of record ID: with KEYING_ID (> 0) the value of
 * that keying, else TYPED (a third reading, made canonical). The field's value is set, its
 * HANDWRITTEN and KEYING_CONFLICT flags resolved, the decision kept as a keying of role
 * arbitration and audited. SO_KEYING_ACCEPTED, SO_KEYING_REFUSED (not an arbitrator, one of
 * the keyers, no such conflict, a value that cannot be made canonical; the error says so),
 * or -1. */
int so_keying_arbitrate(struct so_store *s, const char *arbitrator, int64_t id,
			const char *field, int64_t keying_id, const char *typed);

/* Keyers' statistics: [{"keyer", "kind", "keyed", "decided", "agreed", "agreement" (0..1 or
 * null when nothing was decided), "seconds" (per field, or null), "trusted"}] by keyer and
 * kind. NULL with the error set. */
json_t *so_keying_stats(struct so_store *s, const struct so_keying_policy *p);

#endif
