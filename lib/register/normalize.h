/*
 * Canonical values (REGISTERS.md, "How values are written"): from the text read in a field to
 * the value the export carries — ISO dates (partial dates kept partial), Title Case names in
 * NFC, male/female, official ethnic group and its code, ISO country codes, identity documents,
 * relationships, and places matched to the administrative units valid at the registration
 * date (old list before 2025-07-01, new list from then), with the commune code, the successor
 * of an old commune, and how sure the match is (register/place.h reads a place in every
 * written form). A reading that cannot be made canonical gets no value and a reason; the
 * reading itself is never changed, and a canonical value never contradicts it.
 */
#ifndef SO_NORMALIZE_H
#define SO_NORMALIZE_H

#include "register/layout.h"
#include "register/refdata.h"

struct so_canon {
	char *value;            /* canonical value; NULL when there is none */
	char *code;             /* ethnic group code, commune code; NULL otherwise */
	char *successor;        /* place in the old list: the new commune's code, when certain */
	double match;           /* place: 0..1, how sure the match is; 1 for other kinds */
	const char *problem;    /* why there is no value, or an unsure place (static text) */
	char *mismatch;         /* place: the written units contradict a reference table (a listed
				   hospital written with another province, a commune not in the
				   written district): why, in Vietnamese for an archivist. The value
				   then keeps the written text and has no code (PLACE_MISMATCH) */
	int verified;           /* the value is one of a closed list, matched exactly (a unit named
	                           by itself, an ethnic group, a country, a sex): a reading that
	                           gives it is very unlikely to be wrong, whatever its confidence */
};

/* Registration date as yyyymmdd (or 0 when unknown: the old list is used). */
struct so_norm_ctx {
	long registration;
};

/* Makes RAW (a field of kind KIND) canonical. Returns 0 (value or problem set), -1 on a hard error (no memory, no reference
 * data). Release OUT with so_canon_release. */
int so_normalize(enum so_kind kind, const char *raw, const struct so_norm_ctx *ctx,
		 struct so_canon *out);
void so_canon_release(struct so_canon *c);

/* 1 when RAW, the reading of free-text FIELD, is one of the texts known for it: a cause of death
 * or a note of the lists in schemas/ref (digits aside, see so_phrase_listed), a notice issuer
 * that is a hospital of the table or "Trạm Y tế " and a commune of either list. */
int so_text_listed(const char *field, const char *raw);

/* The text known for free-text FIELD (as so_text_listed) that RAW spells when case and marks
 * are set aside — the likely meaning of a reading that lost or gained a mark ("Đột quy" ->
 * "Đột quỵ", "Bệnh viện Chợ Rây" -> "Bệnh viện Chợ Rẫy"); NULL when RAW is listed already, or
 * no text or several spell it. Caller frees. */
char *so_text_spelled(const char *field, const char *raw);

#endif
