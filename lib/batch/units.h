/*
 * Stage progress: the units of work of each stage in the batch store (a scan file for scan, a
 * prepared page for ocr, a book for validate and normalize) and their states — pending,
 * running (claimed by a worker process), done or failed. Every statement on stage_units is
 * here: adding and seeding units, claiming one with the take-back of claims whose owner is
 * gone, giving it back, finishing, retrying and redoing, re-opening a book's units when new
 * records arrive, counting, the watchdog's overdue units and the accounting of crashed
 * workers. The functions take the store of so_store_open().
 */
#ifndef SO_UNITS_H
#define SO_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct so_store;

struct so_stage_counts {
	int64_t pending, running, done, failed;
};

/* Adds a pending unit unless it exists. */
int so_unit_add(struct so_store *s, const char *stage, int64_t unit_id);
/* Adds a pending unit of STAGE for every prepared page not a unit of it yet. Returns the
 * number added or -1. */
int64_t so_unit_seed_pages(struct so_store *s, const char *stage);
/* Adds a pending unit of STAGE for every book with records none of whose pages still waits
 * for the ocr stage (pending or running there), unless it exists. Returns the number added
 * or -1. */
int64_t so_unit_seed_books(struct so_store *s, const char *stage);
/* Claims the next pending unit for this process (BEGIN IMMEDIATE inside; call outside a
 * transaction). First takes back units whose owner process is gone (pending again). Returns
 * 1 with *unit_id and *crashes (workers seen to die on it since its last progress) set, 0
 * when none is left, -1 on error. What to do with a unit that crashes workers is the
 * stage's decision. */
int so_unit_claim(struct so_store *s, const char *stage, int64_t *unit_id, int *crashes);
/* Called by the parent of a worker process PID that died abnormally (REASON: "killed by
 * SIGSEGV"): the unit it held is pending again with one more crash. Returns the number of
 * units given back (0 or 1) or -1. */
int so_unit_crashed(struct so_store *s, const char *stage, long pid, const char *reason);
/* The process ids of the workers on this host holding a unit of STAGE for more than SECONDS
 * (the watchdog's list), at most MAX of them into PIDS. Returns their number or -1. */
int so_unit_overdue(struct so_store *s, const char *stage, int seconds, long *pids, int max);
/* A unit made progress (a part of it committed): its crash count starts again. Use inside the
 * transaction of that progress. */
int so_unit_progress(struct so_store *s, const char *stage, int64_t unit_id);
/* Gives a claimed unit back unfinished (a clean stop): pending, this claim not counted. */
int so_unit_release(struct so_store *s, const char *stage, int64_t unit_id);
/* Marks a claimed unit done (error NULL) or failed with the reason. Use inside the unit's
 * transaction so that its result and its state commit together. */
int so_unit_finish(struct so_store *s, const char *stage, int64_t unit_id, const char *error);
/* Puts failed units back to pending (for a retry run); returns the number reset or -1. */
int64_t so_unit_retry_failed(struct so_store *s, const char *stage);
/* Puts every finished unit of STAGE back to pending (to do the stage again, e.g. after new
 * thresholds); returns the number reset or -1. */
int64_t so_unit_redo_all(struct so_store *s, const char *stage);
/* Marks the units of the book-by-book stages (validate, normalize) of BOOK_ID pending again:
 * new records arrived. Use in the transaction that adds them. */
int so_unit_book_changed(struct so_store *s, int64_t book_id);
int so_unit_counts(struct so_store *s, const char *stage, struct so_stage_counts *c);
/* Calls EACH with the number of units of every stage and state there are, by stage (a
 * visitor as store.h describes). 0 or -1. */
int so_unit_counts_each(struct so_store *s,
			int (*each)(const char *stage, const char *state, int64_t n, void *ctx),
			void *ctx);
/* State of one unit: "pending", ...; 1 found, 0 not found, -1 error. */
int so_unit_state(struct so_store *s, const char *stage, int64_t unit_id, char *state,
		  size_t size, char *error, size_t esize);
/* The crash count of a unit, or -1. */
int so_unit_crashes(struct so_store *s, const char *stage, int64_t unit_id);

/* The scan files of the batch with the scan stage's verdict on them: all of them, those that
 * duplicate another, those whose unit failed, and the pages the files not duplicates hold.
 * 0, or -1 with the error set. */
struct so_scan_file_counts {
	int64_t files, duplicate, failed, pages_expected;
};
int so_scan_file_counts(struct so_store *s, struct so_scan_file_counts *c);

#endif
