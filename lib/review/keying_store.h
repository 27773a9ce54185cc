/*
 * The keying's statements on the batch store (store version 6, schemas/migrations/
 * 0006-keying.sql): reviewers' roles, the keyings of handwritten fields, where each field's
 * keying stands, the fields waiting for a person, and the keyers' records. Every function
 * returns 0 (or 1 / 0 where it says) or -1 with the error set; text handed to a callback is
 * valid during the call only. Used by keying.c only.
 */
#ifndef SO_KEYING_STORE_H
#define SO_KEYING_STORE_H

#include <stdint.h>

#include "batch/store.h"

/* Roles ------------------------------------------------------------------------------------- */

/* Reviewer NAME's roles (comma-separated) into BUF: 1, 0 when there is no such reviewer. */
int so_reviewer_roles_get(struct so_store *s, const char *name, char *buf, size_t size);
/* Reviewer NAME's roles become ROLES: 1, 0 when there is no such reviewer. */
int so_reviewer_roles_put(struct so_store *s, const char *name, const char *roles);

/* Keyings ----------------------------------------------------------------------------------- */

/* One keying as stored (NULL text for NULL). */
struct so_keying_row {
	int64_t id, record_id;
	const char *field, *kind, *keyer, *typed, *value, *code, *at, *role;
	double seconds;          /* -1: unknown */
};
/* Stores a keying (VALUE and CODE NULL: the field empty in the book; SECONDS < 0: unknown);
 * its id in *ID when ID is not NULL. */
int so_keying_add(struct so_store *s, const struct so_keying_row *k, int64_t *id);
/* The keyings of FIELD of record RECORD_ID, in the order they were made. */
int so_keyings_each(struct so_store *s, int64_t record_id, const char *field,
		    int (*each)(const struct so_keying_row *k, void *ctx), void *ctx);
/* 1 when KEYER keyed FIELD of record RECORD_ID already, 0 when not. */
int so_keying_by(struct so_store *s, int64_t record_id, const char *field, const char *keyer);

/* Where a field's keying stands. */
struct so_keying_field {
	char mode[8];            /* "single" or "double" */
	int needed;              /* keyings before it is judged */
	int spot;                /* a spot check was drawn */
	char state[12];          /* "open", "conflict" or "accepted" */
	int64_t keyings;         /* keyings made, arbitration apart */
};
/* 1 with *F filled, 0 when no keying of the field was made yet. */
int so_keying_field_get(struct so_store *s, int64_t record_id, const char *field,
			struct so_keying_field *f);
/* The field's keying starts with MODE, NEEDED and SPOT (state open). */
int so_keying_field_start(struct so_store *s, int64_t record_id, const char *field,
			  const char *mode, int needed, int spot);
/* The field's keying moves to STATE; an accepted field keeps its VALUE and CODE. */
int so_keying_field_state(struct so_store *s, int64_t record_id, const char *field,
			  const char *state, const char *value, const char *code);

/* What waits for a person ------------------------------------------------------------------- */

/* The open HANDWRITTEN flags of records still under review (not approved, rejected or
 * synced) with an id above AFTER, by record: EACH gets the record, its book type and the
 * flag's fields (a JSON list). LIMIT rows at most. */
int so_handwritten_each(struct so_store *s, int64_t after, long limit,
			int (*each)(int64_t record_id, const char *fields, void *ctx), void *ctx);
/* The fields in conflict (two keyings disagree) of records not synced, by record and field,
 * LIMIT at most: EACH gets the record and the field. */
int so_keying_conflicts_each(struct so_store *s, long limit,
			     int (*each)(int64_t record_id, const char *field, void *ctx),
			     void *ctx);
/* The number of fields in conflict of records not synced. */
int so_keying_conflicts_count(struct so_store *s, int64_t *n);

/* Keyers ------------------------------------------------------------------------------------ */

/* What a keyer did with fields of one kind: fields keyed (arbitration apart), those decided
 * since (accepted), those whose keying was the value accepted, and the seconds per field
 * (over the keyings timed; -1 when none was). */
struct so_keyer_row {
	const char *keyer, *kind;
	int64_t keyed, decided, agreed;
	double seconds;
};
/* Per keyer and kind, by keyer and kind. */
int so_keyers_each(struct so_store *s, int (*each)(const struct so_keyer_row *r, void *ctx),
		   void *ctx);
/* The same for KEYER and KIND only: 1 with *R filled (its text NULL), 0 when nothing. */
int so_keyer_get(struct so_store *s, const char *keyer, const char *kind,
		 struct so_keyer_row *r);

#endif
