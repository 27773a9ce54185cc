/*
 * Places as clerks write them (REGISTERS.md, "How clerks really write"): a written place read
 * into its parts — a house and street, a hamlet, a hospital or health post, then the
 * administrative units, each with its unit word in any case, in full or abbreviated (P.12,
 * Q1, TT., TP.HCM), between any separators or none — and the parts matched against one list
 * of units on the units as written. The result keeps what is written, expanded and
 * normalized, adds the units a matched commune stands in, and never puts a table's address in
 * place of a written unit: when the written units and a table disagree (a listed hospital
 * written with another province, a commune that is not in the written district) it says so
 * and keeps the written text, without a code.
 */
#ifndef SO_PLACE_H
#define SO_PLACE_H

#include "register/refdata.h"

struct so_place {
	char *value;            /* canonical text; NULL when no unit was found */
	char *code;             /* the commune's code; NULL when no commune is matched, or on a
				   mismatch */
	char *successor;        /* old list: the new commune's code, when certain */
	char *mismatch;         /* the written units contradict a table: why, in Vietnamese for an
				   archivist; NULL otherwise */
	double match;           /* 0..1, how sure the units are */
	const char *problem;    /* why there is no value, or why it is not sure (static text) */
	int verified;           /* every unit written exactly, the commune one of the list, nothing
				   before the units but a listed hospital that stands in it */
};

/* Reads CLEAN (a place as so_text_clean leaves it) against the units of RD valid at
 * REGISTRATION (yyyymmdd, 0 when unknown: the list before 2025-07-01); a place written with
 * the districts of the old list in a later book is read against the old list and coded with
 * the successor of its commune. Returns 0 (value or problem set) or -1 (no memory). Release
 * OUT with so_place_release. */
int so_place_read(const struct so_refdata *rd, long registration, const char *clean,
		  struct so_place *out);
void so_place_release(struct so_place *p);

#endif
