/*
 * The validate and normalize stages, which work book by book on the records the ocr stage
 * stored: validate applies the rule catalogue (rules.h) and sets each record's status —
 * needs_review while an error flag is open, valid otherwise; normalize stores each field's
 * canonical value beside its reading (normalize.h). Decisions of archivists stand: approved,
 * rejected and synced records are not re-judged, verified flags are not raised again, a page
 * whose layout an archivist confirmed raises no LAYOUT_UNCERTAIN, and values an archivist set
 * are kept.
 */
#ifndef SO_RECORDS_H
#define SO_RECORDS_H

#include <stdint.h>

#include "batch/store.h"

#define SO_VALIDATE_STAGE "validate"
#define SO_NORMALIZE_STAGE "normalize"

/* Adds a pending unit of STAGE (validate or normalize) for every book with records whose pages
 * are all read; with AGAIN, every book's unit is to be done again. 0 or -1. */
int so_records_seed(struct so_store *s, const char *stage, int again);

/* Workers of the two stages: claim books until none is left. Validate consults the index of
 * entries shared between batches at INDEX_PATH (made when missing; NULL: none). Return an
 * exit code. */
int so_validate_worker(const char *batch_dir, const char *index_path);
int so_normalize_worker(const char *batch_dir);

/* The key under which the batch store's meta table keeps the path of the entry index its
 * validate was given (--index), for judging a book again later. */
#define SO_ENTRY_INDEX_META "entry_index"
/* The keys under which the night's merge leaves its time (UTC, ISO 8601) and the number of
 * entries it merged. */
#define SO_ENTRY_MERGED_AT_META "night_merged_at"
#define SO_ENTRY_MERGED_META "night_merged_entries"

/* Runs the rules over the book again (its records not approved, rejected or synced) and
 * stores the flags and statuses, in the caller's transaction — after an archivist's change.
 * The shared entry index validate was given is consulted again when it is still there. 0 or
 * -1. */
int so_validate_book(struct so_store *s, int64_t book_id);

/* The night's merge (`sohoa cluster finish`): the entries of the batch in store S against
 * the index X of earlier batches — of this night and earlier ones. An entry not settled
 * (approved, rejected, synced) whose person and event an earlier batch of the index holds
 * gets a DUPLICATE_ENTRY flag naming it (once: a flag of that code in any state is left as
 * it is) and so needs review; then every entry of the batch is added to the index, where it
 * is the earlier one for batches merged after. The batch remembers INDEX_PATH (NULL: not)
 * for judging a book again, and when it was merged (the keys above). Idempotent. 0 with
 * RESULT set, or -1 with the error set. */
struct so_entry_index;
struct so_merge_result {
	long entries;   /* the batch's records with an entry key */
	long flagged;   /* newly flagged DUPLICATE_ENTRY */
};
int so_entry_merge(struct so_store *s, struct so_entry_index *x, const char *index_path,
		   struct so_merge_result *res);

#endif
