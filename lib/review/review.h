/*
 * The archivists' review: reviewer accounts and their sessions, the queue of records that need
 * a human, one record as an archivist sees it (its fields with labels and cell boxes, its
 * flags), and the changes an archivist makes — a value corrected, a value confirmed as written
 * in the book (its flag verified), a record approved or rejected with a reason. Every change
 * is checked against the version of the record the archivist saw (two archivists cannot
 * overwrite each other silently), runs the book's rules again, and is written to the audit
 * table (who, when, field, before, after). Used by `sohoa review` from the shell and by the
 * web application (reviewweb.h).
 */
#ifndef SO_REVIEW_H
#define SO_REVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/store.h"
#include "review/review_store.h"

/* Accounts --------------------------------------------------------------------------------- */

/* Adds (or, with REPLACE, re-keys) a reviewer: NAME is 1-64 letters, digits, '.', '_' or '-';
 * the password (at least 8 bytes) is kept only as a salted yescrypt hash. 0, or -1 with the
 * error set (a name taken, a weak password). */
int so_reviewer_add(struct so_store *s, const char *name, const char *password, int replace);
/* Removes the reviewer and ends their sessions. 1 removed, 0 no such reviewer, -1 error. */
int so_reviewer_remove(struct so_store *s, const char *name);
/* [{"name", "created_at", "last_login", "failed_logins"}] ordered by name (failed_logins:
 * failed sign-ins as the name since its last sign-in); NULL with the error set. */
json_t *so_reviewer_list(struct so_store *s);
/* 1 when NAME and PASSWORD match a reviewer, 0 when not (the same time either way), -1 on
 * error. */
int so_reviewer_check(struct so_store *s, const char *name, const char *password);

/* Sessions --------------------------------------------------------------------------------- */

/* Opens a session of NAME for TTL seconds: TOKEN (for the cookie) and CSRF (for every form and
 * change) are filled with fresh random values. Only a hash of the token is stored. 0 or -1. */
int so_session_open(struct so_store *s, const char *name, long ttl, char token[SO_TOKEN_LEN],
		    char csrf[SO_TOKEN_LEN]);
/* 1 when TOKEN is a live session (NAME and CSRF filled), 0 when unknown or expired, -1 error. */
int so_session_check(struct so_store *s, const char *token, char *name, size_t size,
		     char csrf[SO_TOKEN_LEN]);
/* Ends the session (logout). 0 or -1. */
int so_session_close(struct so_store *s, const char *token);

/* The queue -------------------------------------------------------------------------------- */

/* {"total": N, "items": [{"id", "book", "file", "page_index", "row", "status", "version",
 *   "registration_number", "name", "flags": ["CODE", ...],
 *   "taken_by": the reviewer other than F's viewer who has it claimed, or null,
 *   "taken_until": the claim's end (Unix seconds) or null}],
 *  "books": [{"key", "label", "type", "year", "volume", "authority_code", "count"}],
 *  "flags": [{"code", "count"}]}
 * — items in register order (book, page, row); "books" and "flags" count the records of the
 * status asked for (for the filters). NULL with the error set. */
json_t *so_review_queue(struct so_store *s, const struct so_review_filter *f);

/* One record for review: the export object of so_export_record() plus
 *   "id", "version", "book_key", "page_id",
 *   "row_box": [x0, y0, x1, y1] (the row on the prepared page),
 *   "flags": [{"id", "code", "severity", "fields", "state", "message", "source"}] — an open
 *     flag about one field that other records share (so_flag_twins_each, F's viewer) also
 *     has "group": the records so_review_verify_all would verify, this one included,
 *   each field object gains "label" (Vietnamese, as the printed column says it), "kind",
 *   "source" ("ocr", "normalize" or "archivist") and keeps "bbox" (on the prepared page),
 *   "order": the field names in column order,
 *   "prev", "next": the neighbouring record ids of the queue (same filter; records another
 *     than F's viewer has claimed are passed over), or null,
 *   "audit": [{"at", "actor", "action", "field", "before", "after"}] newest first.
 * NULL with the error set (no such record: so_errmsg says so). */
json_t *so_review_record(struct so_store *s, int64_t id, const struct so_review_filter *f);

/* Changes ---------------------------------------------------------------------------------- */

enum {
	SO_REVIEW_DONE = 0,
	SO_REVIEW_CONFLICT = 1,  /* the record changed since VERSION: reload it (message set) */
	SO_REVIEW_REFUSED = 2,   /* not allowed as asked (message set: why) */
	SO_REVIEW_TAKEN = 3,     /* another reviewer has the record open (a live claim): the
				  * message says who and until when */
};

/* Each takes the record VERSION the archivist saw; returns SO_REVIEW_DONE with *NEW_VERSION
 * set, SO_REVIEW_CONFLICT, SO_REVIEW_REFUSED, or -1 (store error). The message of a conflict or
 * refusal is so_errmsg(), in Vietnamese with the English after it. */

/* Sets FIELD to VALUE as the archivist reads the book (made canonical as normalize would: a
 * date "15/1/2019" becomes 2019-01-15; a value that cannot be made canonical is refused with
 * the reason). An empty VALUE clears the field. The field's open flags are resolved, the
 * book's rules run again, and the record becomes valid or needs review by them. */
int so_review_set(struct so_store *s, const char *actor, int64_t id, int version,
		  const char *field, const char *value, int *new_version);
/* What so_review_set would make of VALUE for FIELD of record ID, without saving anything:
 *   {"ok": true when a save would take it, "value": the canonical value or null (empty: the
 *    field cleared), "code": the commune or group code or null, "display": VALUE as given,
 *    "problems": [{"code", "vi", "en"}]}
 * (the book's rules are not run: only the normalization a save applies). NULL with the error
 * set on a store error. Caller owns the object. */
json_t *so_review_preview(struct so_store *s, int64_t id, const char *field, const char *value);
/* Confirms the value a flag is about as written in the book: the flag becomes verified (it is
 * not raised again), and the record's status follows the flags left. A LAYOUT_UNCERTAIN flag
 * confirms the layout of the record's page: it is verified on every record of the page at
 * once (each audited, its version moved on), and not raised again on the page. */
int so_review_verify(struct so_store *s, const char *actor, int64_t id, int version,
		     int64_t flag_id, int *new_version);
/* Approves the record: refused while an error flag is open (correct or confirm it first) and
 * for a record synced already. */
int so_review_approve(struct so_store *s, const char *actor, int64_t id, int version,
		      int *new_version);
/* Rejects the record (it will not be delivered) with a REASON (required). */
int so_review_reject(struct so_store *s, const char *actor, int64_t id, int version,
		     const char *reason, int *new_version);

/* Who works on what, how fast ---------------------------------------------------------------- */

/* How long opening a record claims it, unless `review serve --claim-minutes` says. */
#define SO_REVIEW_CLAIM_SECONDS 600
/* The timed decisions a reviewer's pace is measured over. */
#define SO_REVIEW_PACE_RECORDS 50

/* Claims record ID for ACTOR for TTL seconds (a claim of ACTOR's own is renewed, keeping when
 * it began) unless another reviewer holds a live claim on it or it is decided (approved,
 * rejected or synced). 1 claimed (*C: the claim), 0 taken by another (*C: theirs), 2 no
 * such record (the error set), 3 decided (nothing claimed), -1 on error. While a
 * claim lives every change of the record by another is SO_REVIEW_TAKEN; the claimant's
 * changes renew it, an approval or rejection ends it, and it ends by itself at c->until. */
int so_review_claim(struct so_store *s, const char *actor, int64_t id, int64_t ttl,
		    struct so_claim *c);
/* The message of a change refused because of claim C, in both languages, into BUF. */
void so_review_taken_message(const struct so_claim *c, char *buf, size_t size);

/* What the page's script measured of one decision: SECONDS spent on the record (0..86400)
 * and KEYS pressed (0..100000); -1 for either: not measured. */
struct so_review_timing {
	double seconds;
	int64_t keys;
};
/* so_review_approve and so_review_reject that also record the decision's timing: T, or
 * (T NULL or its seconds -1) the time since ACTOR claimed the record when they had, else
 * unknown. The record's claim ends. */
int so_review_approve_timed(struct so_store *s, const char *actor, int64_t id, int version,
			    const struct so_review_timing *t, int *new_version);
int so_review_reject_timed(struct so_store *s, const char *actor, int64_t id, int version,
			   const char *reason, const struct so_review_timing *t,
			   int *new_version);
/* REVIEWER's pace over their last SO_REVIEW_PACE_RECORDS timed decisions: records an hour in
 * *PER_HOUR (0 when none) and how many were timed in *N. 0 or -1. */
int so_review_pace(struct so_store *s, const char *reviewer, double *per_hour, int64_t *n);

/* Verifies open flag FLAG_ID of record ID (as so_review_verify) and, in the same transaction,
 * the same flag of every other record so_flag_twins_each finds for it (ACTOR's view): each
 * verified, audited, its status following its flags and its version moved on. *VERIFIED: the
 * records verified (this one included). A flag about other than exactly one field, or a
 * LAYOUT_UNCERTAIN (confirmed page by page), is refused. */
int so_review_verify_all(struct so_store *s, const char *actor, int64_t id, int version,
			 int64_t flag_id, int *verified, int *new_version);

/* Reasons for rejecting ------------------------------------------------------------------------ */

/* The ready-made reasons for rejecting a record: BATCH_DIR/reject-reasons.json when it
 * exists, else the built-in schemas/reject-reasons.json. Checked: an object whose keys are
 * book types (birth, marriage, death, parentage) or "any", each a list of at most
 * SO_REVIEW_REASONS_MAX {"vi": TEXT, "en": TEXT} (1..300 bytes each). NULL with the error
 * set (naming the file and what is wrong); the caller releases it. */
#define SO_REVIEW_REASONS_MAX 9
json_t *so_review_reasons_load(const char *batch_dir);

/* Images ------------------------------------------------------------------------------------ */

/* The margins, in page pixels, around the box an image is cut from (clipped to the page). */
#define SO_REVIEW_ROW_MARGIN 6
#define SO_REVIEW_CELL_MARGIN 4

/* A PNG of the record's row (FIELD NULL) or of one field's cell, cut from the prepared page,
 * in grey at half the page's resolution for the row and the full resolution for a cell; made
 * once and kept under DIR/cache/review/. The box is grown by its margin above and clipped to
 * the page; *SCALE is the image's pixels per page pixel (a field's bbox, less the origin of
 * the row's grown and clipped box, times SCALE gives its outline on the row image).
 * 1 with *PNG (caller frees) and *LEN, 0 when the record or field has no image (no such
 * record, field or box: the reason in so_errmsg), -1 on error. */
int so_review_image(struct so_store *s, int64_t id, const char *field, unsigned char **png,
		    size_t *len, double *scale);

/* The page image shrinks the prepared page by this much (a 300-dpi page: 75 dpi). */
#define SO_REVIEW_PAGE_SHRINK 4

/* A PNG of the whole prepared page of record ID, in grey at 1/SO_REVIEW_PAGE_SHRINK of its
 * resolution, for context (the row is outlined on it by the application); cached as the
 * other images. 1, 0 (no record or no image: the reason in so_errmsg) or -1 as above. */
int so_review_page_image(struct so_store *s, int64_t id, unsigned char **png, size_t *len);

#endif
