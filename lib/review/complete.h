/*
 * Completion from the reference lists while a person keys a value: family names and name
 * words, the administrative units valid at the registration date, ethnic groups, countries and
 * kinship terms (schemas/ref/, through register/refdata and the word lists compiled in). A
 * prefix matches with case and marks set aside ("nguy" offers "Nguyễn"); what is offered is
 * ranked (the word or unit the typed marks agree with first, then the lists' own order) and
 * at most SO_COMPLETE_MAX. A name completes its last word; a place completes the unit being
 * typed after the last comma, among those that hold the units already typed before it (the
 * district of the written commune, then its province), from the list of units in force at the
 * date (before or from 2025-07-01; both lists when the date is unknown).
 */
#ifndef SO_COMPLETE_H
#define SO_COMPLETE_H

#include <stddef.h>

#include "register/kind.h"

#define SO_COMPLETE_MAX 8
/* The longest text completed (bytes); a longer one is offered nothing. */
#define SO_COMPLETE_TEXT_MAX 400

enum so_complete_kind {
	SO_COMPLETE_NONE = -1,
	SO_COMPLETE_NAME,          /* a person's full name: family name first, then name words */
	SO_COMPLETE_FAMILY,        /* a family name alone */
	SO_COMPLETE_PLACE,         /* "commune, district, province" (a hamlet or street before) */
	SO_COMPLETE_ETHNICITY,
	SO_COMPLETE_NATIONALITY,   /* a country */
	SO_COMPLETE_KINSHIP,
	SO_COMPLETE_KINDS
};

struct so_completion {
	char *value;    /* the whole text once accepted: the words or units typed before, then
	                   the one completed */
	char *label;    /* the word or unit offered: "Phường Bến Nghé" */
	char *detail;   /* what holds it, when one thing does: "Quận 1, Thành phố Hồ Chí Minh";
	                   or the canonical name of a variant; "" otherwise */
};

struct so_completions {
	struct so_completion v[SO_COMPLETE_MAX];
	size_t n;
};

/* The kind named NAME ("name", "family", "place", "ethnicity", "nationality", "kinship"), or
 * SO_COMPLETE_NONE. */
enum so_complete_kind so_complete_kind_parse(const char *name);
/* The name of kind K; "" for none. */
const char *so_complete_kind_name(enum so_complete_kind k);
/* The completion kind of a field of kind K (a name, a place, an ethnic group, a nationality, a
 * kinship term), or SO_COMPLETE_NONE when its values are completed from no list. */
enum so_complete_kind so_complete_kind_of(enum so_kind k);

/* Fills OUT with what completes TEXT (UTF-8, at most SO_COMPLETE_TEXT_MAX bytes) as a value
 * of KIND, the units from the list in force at DATE (yyyymmdd; 0 when unknown: both lists).
 * Returns 0 (OUT->n may be 0), or -1 with the error set (the lists cannot be loaded, out of
 * memory, a kind out of range); OUT is then empty. The lists are loaded by the first call,
 * once per process, and read-only after: safe from any thread. Release OUT with
 * so_completions_release. */
int so_complete(enum so_complete_kind kind, const char *text, long date,
		struct so_completions *out);
void so_completions_release(struct so_completions *c);

#endif
