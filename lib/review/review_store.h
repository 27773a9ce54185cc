/*
 * What the archivists' review reads and writes in the batch store: reviewer accounts and
 * their sessions, the queue of records and its filters, one record as the review shows it
 * (its head, its fields' sources and boxes, its flags, its audit trail), the changes an
 * archivist makes (a value set, a flag verified or resolved, a record approved, rejected or
 * re-opened, its version moved on) and the boxes its images are cut from. Every statement of
 * review/review.c is here; review.c keeps the decisions. Functions that take EACH call it row
 * by row as store.h describes; they return 0 or -1 with the error set unless said otherwise.
 */
#ifndef SO_REVIEW_STORE_H
#define SO_REVIEW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"

/* A session token or CSRF token: 32 random bytes, base64url, and the NUL. */
#define SO_TOKEN_LEN 44

/* Which records of the queue: by status, book and open flag, a page of them. */
struct so_review_filter {
	const char *status;      /* NULL: "needs_review" */
	const char *book;        /* a book key ("birth-2019-01-26740") or NULL for all */
	const char *flag;        /* a flag code: records with that flag open, or NULL */
	long limit, offset;      /* limit 0: 100 */
	const char *viewer;      /* the reviewer looking: records claimed by others are marked
				  * (so_queue_row.taken_by) and skipped by so_queue_neighbours;
				  * NULL: nobody's claims matter */
	int64_t now;             /* Unix seconds claims are judged at; 0: the clock's */
};

/* Accounts ------------------------------------------------------------------------------------ */

/* 1 when reviewer NAME exists, 0 when not, -1 on error. */
int so_reviewer_exists(struct so_store *s, const char *name);
/* Adds reviewer NAME with the password HASH, made at CREATED_AT, or gives an existing one the
 * new hash. */
int so_reviewer_save(struct so_store *s, const char *name, const char *hash,
		     const char *created_at);
/* Removes reviewer NAME: 1 removed, 0 no such reviewer, -1 on error. */
int so_reviewer_delete(struct so_store *s, const char *name);
struct so_reviewer_row {
	const char *name, *created_at, *last_login;   /* last_login NULL: never */
	int64_t failed_logins;   /* failed sign-ins as NAME since its last sign-in */
};
/* The reviewers by name. */
int so_reviewer_each(struct so_store *s, int (*each)(const struct so_reviewer_row *r, void *ctx),
		     void *ctx);
/* The password hash of reviewer NAME into BUF: 1, 0 when there is no such reviewer, -1. */
int so_reviewer_hash(struct so_store *s, const char *name, char *buf, size_t size);
/* Notes that reviewer NAME signed in AT. */
int so_reviewer_logged_in(struct so_store *s, const char *name, const char *at);

/* Sessions ------------------------------------------------------------------------------------ */

/* Forgets the sessions that ended by NOW (Unix seconds). */
int so_sessions_expire(struct so_store *s, int64_t now);
/* Ends every session of reviewer NAME. */
int so_sessions_end(struct so_store *s, const char *name);
/* Adds the session TOKEN_HASH of reviewer NAME with its CSRF token, opened at CREATED_AT and
 * ending at EXPIRES_AT (Unix seconds). 1 added, 0 when there is no reviewer NAME, -1. */
int so_session_add(struct so_store *s, const char *token_hash, const char *name,
		   const char *csrf, const char *created_at, int64_t expires_at);
/* The live session TOKEN_HASH at NOW: 1 with its reviewer in NAME and its CSRF token copied,
 * 0 when unknown or ended, -1 on error. */
int so_session_find(struct so_store *s, const char *token_hash, int64_t now, char *name,
		    size_t size, char csrf[SO_TOKEN_LEN]);
/* Ends the session TOKEN_HASH. */
int so_session_delete(struct so_store *s, const char *token_hash);

/* Failed sign-ins ------------------------------------------------------------------------------ */

/* Records a failed sign-in as NAME (as typed, which may name no reviewer) from ADDRESS at AT
 * (so_now_iso) in its own statement (autocommit). */
int so_login_failure_add(struct so_store *s, const char *name, const char *address,
			 const char *at);

/* The queue ----------------------------------------------------------------------------------- */

/* The number of records of the filter F (its status, book and flag; F NULL: needs_review). */
int so_queue_count(struct so_store *s, const struct so_review_filter *f, int64_t *total);
/* A record of the queue (NULL text for NULL): its book's key ("birth-2019-01-26740"), file,
 * page, row, status and version, its registration number and the names it registers (" — "
 * between them), and the codes of its open flags by severity ("A,B"). */
struct so_queue_row {
	int64_t id;
	const char *book, *file;
	int page_index, row;
	const char *status;
	int version;
	const char *registration_number, *name, *flags;
	const char *taken_by;    /* another reviewer with a live claim on it (F's viewer), or NULL */
	int64_t taken_until;     /* and until when (Unix seconds) */
};
/* The records of the filter F in register order, LIMIT of them from OFFSET. */
int so_queue_each(struct so_store *s, const struct so_review_filter *f, long limit, long offset,
		  int (*each)(const struct so_queue_row *r, void *ctx), void *ctx);
/* A book with records of the status of F, and their number. */
struct so_queue_book {
	const char *key, *type;
	int year;
	const char *volume, *authority_code;
	int64_t count;
};
/* The books with records of F's status (its book and flag not applied), by book. */
int so_queue_books_each(struct so_store *s, const struct so_review_filter *f,
			int (*each)(const struct so_queue_book *b, void *ctx), void *ctx);
/* The codes of the open flags of records of F's status (and book), with the number of records
 * having each, most frequent first. */
int so_queue_flags_each(struct so_store *s, const struct so_review_filter *f,
			int (*each)(const char *code, int64_t count, void *ctx), void *ctx);
/* The records before and after record ID in the queue of F (register order) into *PREV and
 * *NEXT, 0 when there is none (or no record ID). */
int so_queue_neighbours(struct so_store *s, int64_t id, const struct so_review_filter *f,
			int64_t *prev, int64_t *next);

/* One record ---------------------------------------------------------------------------------- */

/* What a change starts from: the record's book, page, status, version and row box. */
struct so_review_head {
	int64_t book_id, page_id;
	char status[24];
	int version;
	struct so_bbox row;
};
/* 1 with *H filled, 0 for no such record, -1 on error. */
int so_review_head_get(struct so_store *s, int64_t id, struct so_review_head *h);
/* Where a stored field comes from and its box (on the prepared page). */
struct so_field_origin {
	int has_source;
	char source[16];
	int has_box;
	struct so_bbox box;
};
/* 1 with *O filled, 0 when the record has no field NAME stored, -1 on error. */
int so_field_origin_get(struct so_store *s, int64_t id, const char *name,
			struct so_field_origin *o);
/* A flag of the record as the review shows it. */
struct so_review_flag {
	int64_t id;
	const char *code, *severity, *fields, *state, *message, *source;
};
/* The record's flags: open ones first, errors first, then in the order they were raised. */
int so_review_flags_each(struct so_store *s, int64_t id,
			 int (*each)(const struct so_review_flag *g, void *ctx), void *ctx);
/* Why the record was rejected: *REASON (the caller frees it; NULL when there is none). */
int so_review_reject_reason(struct so_store *s, int64_t id, char **reason);
/* An audit row (NULL text for NULL). */
struct so_audit_row {
	const char *at, *actor, *action, *field, *before, *after;
};
/* The record's audit trail, newest first, 200 rows at most. */
int so_audit_each(struct so_store *s, int64_t id,
		  int (*each)(const struct so_audit_row *a, void *ctx), void *ctx);
/* Who changed the record last and when, into WHO and AT: 1, 0 when nobody did, -1. */
int so_audit_last(struct so_store *s, int64_t id, char *who, size_t wsize, char *at,
		  size_t asize);

/* Changes ------------------------------------------------------------------------------------- */

/* The record's version moves on, and its time of change. */
int so_review_touch(struct so_store *s, int64_t id);
/* The record's version, or -1 (no such record or an error). */
int so_review_version(struct so_store *s, int64_t id);
/* The record needs review again (its version is left to so_review_touch). */
int so_review_reopen(struct so_store *s, int64_t id);
/* The record's status follows its open flags (needs_review while an error is open, valid
 * otherwise) unless it is approved, rejected or synced. */
int so_review_follow_flags(struct so_store *s, int64_t id);
/* The codes of the record's open error flags (", " between them; "" when none) into BUF. */
int so_review_open_errors(struct so_store *s, int64_t id, char *buf, size_t size);
/* The record is approved (a reason it was rejected for is forgotten). */
int so_review_approve_set(struct so_store *s, int64_t id);
/* The record is rejected for REASON. */
int so_review_reject_set(struct so_store *s, int64_t id, const char *reason);
/* The canonical value of field NAME into BUF: 1, 0 when there is none, -1 on error. */
int so_field_value_get(struct so_store *s, int64_t id, const char *name, char *buf,
		       size_t size);
/* The value of field NAME as the archivist sees it (the canonical value, else the reading):
 * *TEXT (the caller frees it; NULL when there is none). */
int so_field_shown_get(struct so_store *s, int64_t id, const char *name, char **text);
/* Field NAME takes the archivist's VALUE, CODE and SUCCESSOR (NULL stores NULL) with
 * confidence 1, and TYPED, the text typed for it as the book writes it (NULL or "": none
 * kept, as for a keyed value, whose text the keyings hold); its reading stays. */
int so_field_set_by_archivist(struct so_store *s, int64_t id, const char *name,
			      const char *value, const char *code, const char *successor,
			      const char *typed);
/* 1 with the code in CODE when FIELD of record ID has an open flag only people keying it
 * settle (HANDWRITTEN, KEYING_CONFLICT), 0 when it has none, -1 on error. */
int so_field_keying_flag(struct so_store *s, int64_t id, const char *field, char *code,
			 size_t size);
/* The record's open flags about FIELD are resolved. */
int so_flags_resolve_field(struct so_store *s, int64_t id, const char *field);
/* A flag of a record: its state, code and fields. */
struct so_flag_brief {
	char state[16], code[64], fields[512];
};
/* 1 with *G filled, 0 when record RECORD_ID has no flag FLAG_ID, -1 on error. */
int so_flag_brief_get(struct so_store *s, int64_t flag_id, int64_t record_id,
		      struct so_flag_brief *g);

/* The open flags CODE of the records of page PAGE_ID but record EXCEPT, of records not
 * synced: EACH gets the record, the flag and its fields (its JSON list). */
int so_page_flags_open_each(struct so_store *s, int64_t page_id, int64_t except,
			    const char *code,
			    int (*each)(int64_t record_id, int64_t flag_id, const char *fields,
					void *ctx),
			    void *ctx);

/* Claims and timings ------------------------------------------------------------------------- */

/* A live claim on a record. */
struct so_claim {
	char reviewer[72];
	int64_t claimed_at, until, ttl;  /* Unix seconds; ttl: its length */
};
/* The live claim (until > NOW) on record ID: 1 with *C filled, 0 when none, -1 on error. */
int so_claim_get(struct so_store *s, int64_t id, int64_t now, struct so_claim *c);
/* Record ID is claimed by REVIEWER from NOW for TTL seconds; when REVIEWER holds a live claim
 * on it already, its claimed_at stays. (Whether another holds it is the caller's to check, in
 * the same transaction.) */
int so_claim_put(struct so_store *s, int64_t id, const char *reviewer, int64_t now, int64_t ttl);
/* REVIEWER's live claim on record ID lasts TTL more seconds from NOW, its own length: 1 when
 * there was one, 0 when not. */
int so_claim_renew(struct so_store *s, int64_t id, const char *reviewer, int64_t now);
/* Any claim on record ID ends. */
int so_claim_release(struct so_store *s, int64_t id);
/* A decision's timing: OUTCOME "approved" or "rejected"; SECONDS < 0 and KEYS < 0 are stored
 * as NULL (unknown). */
int so_timing_add(struct so_store *s, int64_t id, const char *reviewer, const char *outcome,
		  double seconds, int64_t keys);
/* REVIEWER's last LIMIT timed decisions (seconds known): their number in *N and their
 * seconds summed in *SECONDS. */
int so_timings_recent(struct so_store *s, const char *reviewer, long limit, int64_t *n,
		      double *seconds);

/* Group verification: the open flags like flag FLAG_ID of record ID on other records — its
 * code, about the one field FIELD only, on records of the same book type still under review
 * (not approved, rejected or synced), not claimed by anyone but VIEWER at NOW, whose FIELD
 * reads the same: the same stored (canonical) value when record ID's field has one, else no
 * value and the same raw reading. EACH gets the record and the flag; LIMIT 0: all. */
int so_flag_twins_each(struct so_store *s, int64_t id, int64_t flag_id, const char *field,
		       const char *viewer, int64_t now,
		       int (*each)(int64_t record_id, int64_t flag_id, void *ctx), void *ctx);

/* Images -------------------------------------------------------------------------------------- */

/* The boxes of the record's fields (ROW 0) and of its row (ROW 1) that are known. */
int so_review_boxes_each(struct so_store *s, int64_t id,
			 int (*each)(const struct so_bbox *box, int row, void *ctx), void *ctx);
/* The box of field NAME, or when it has none the box of the row's cell COL (the column's
 * position, 1-based; 0: no cell): 1 with *BOX set, 0 when neither is known, -1 on error. */
int so_field_box_get(struct so_store *s, int64_t id, const char *name, int col,
		     struct so_bbox *box);

#endif
