/*
 * The operator's view of a batch: every number `sohoa status` prints and report.html shows,
 * read from the batch store alone (so_batch_summary) — the report's store file: its
 * statements are here and nowhere else (report.h draws the page from the summary, so the two
 * always agree).
 *
 * The summary (a JSON object; keys in this order; counts are integers, 0 when none):
 *
 *   "batch": {"dir": "/srv/batches/…", "id": "475aa5e9…" | null, "schema_version": 2,
 *             "generated_at": "2026-11-27T06:10:00Z", "meta": {batch_meta key: value, …},
 *             "books": 4, "scan_files": 6}
 *   "stages": {STAGE: {"unit": "files", "pending": 0, "running": 0, "done": 5, "failed": 1},
 *              …}   STAGE: scan (unit: files), ocr (pages), validate (books), normalize
 *              (books), sync (records: from the outbox — pending queued, running queued under
 *              a live lease, done acked, failed refused or held), then any other stage found
 *              in stage_units
 *   "pages": {"in": 8,        pages stored + pages of scan files never stored (a file's page
 *                             count, or 1 when unknown)
 *             "done": 5,      read by ocr, blank or duplicate: nothing more to do
 *             "failed": 2,    rejected, failed by scan or ocr, or lost with an unreadable file
 *             "pending": 1,   the rest (prepared and not read yet, files not scanned yet)
 *             "by_state": {"prepared", "blank", "rejected", "failed", "duplicate",
 *                          "unread" (pages of failed scan files never stored),
 *                          "waiting" (pages of files not scanned yet)},
 *             "failures": [{"book": "birth 2019/01 (26740)", "file": "ks.tif", "page": 3,
 *                           "stage": "scan" | "ocr", "state": "rejected" | "failed",
 *                           "reason": "…"}, …],      page is 1-based; ordered by book, file,
 *                                                     page; at most SO_REPORT_FAILURES_MAX
 *             "failures_total": 2}
 *   "scan_files": {"total": 6, "duplicate": 0,
 *                  "failed": [{"book": "…", "file": "broken.tif", "reason": "…"}, …]}
 *   "records": {"total": 14, "by_status": {"extracted", "needs_review", "valid", "approved",
 *                                          "rejected", "synced"},
 *               "books": [{"id": 1, "type": "birth", "year": 2019, "volume": "01",
 *                          "authority_code": "26740", "layout": "birth-v1",
 *                          "label": "birth 2019/01 (26740)", "pages": 2, "total": 6,
 *                          "by_status": {… as above}, "ready": 4, "review_done": false},
 *                         …]}     every book, in id order; ready: valid and approved records
 *                                 (to deliver); review_done: records and none left to judge
 *                                 or review
 *   "review": {"records": 12, "flags_open": 40, "fields": 31, "decided": 0,
 *              "seconds_per_record": 30.0, "pace": "timed" | "measured" | "assumed",
 *              "pace_timed": 0, "pace_gaps": 0, "hours": 0.1,
 *              "command": "sohoa review serve --batch DIR"}
 *             the work left to archivists: records needing review, their open flags and the
 *             fields those flags name; decided: approvals and rejections so far; hours:
 *             records times the pace (see SO_REVIEW_* below)
 *   "flags": {"total": 90, "by_state": {"open", "verified", "resolved"},
 *             "by_code": [{"code": "LOW_CONFIDENCE", "severity": "error", "total": 59,
 *                          "open": 59, "verified": 0, "resolved": 0, "records": 12}, …]}
 *             by_code: one entry per (code, severity), most frequent first
 *   "confidence": {"bin_width": 0.05, "bins": [n0, …, n19], "without": 21, "total": 242}
 *             fields by the confidence of their reading: bins[i] counts [i/20, (i+1)/20),
 *             the last bin holds 1.0 (values outside 0..1 are put in the first or last);
 *             without: fields with no confidence; total: every field;
 *             "by_kind": [{"kind": "place", "threshold": 0.99, "fields": 120, "under": 31,
 *                          "without": 2}, …]  the fields of each kind and those under the
 *                          kind's calibrated threshold, most under first
 *   "throughput": {"start": "2026-11-27T20:36:00Z" | null, "bucket_minutes": 1,
 *                  "buckets": 2, "scan": {"pages": 6, "per_minute": 3.0, "peak": 5,
 *                  "series": [5, 1]}, "ocr": {…}}
 *             pages per time bucket from the first to the last minute any page was stored
 *             by scan (pages.created_at) or finished by ocr (stage_units.finished_at, done
 *             or failed); per_minute is pages over the minutes from that stage's first to
 *             last bucket; a bucket is 1 minute, or wider so that there are at most
 *             SO_REPORT_BUCKETS_MAX
 *   "sync": {"outbox": {"queued", "acked", "refused", "held"}, "total": 3, "attempts": 4,
 *            "records_synced": 2, "last_attempt_at": "…" | null,
 *            "errors": [{"status": 422 | null, "error": "…", "count": 1}, …]}
 *            errors: the last error of records not acknowledged, grouped, most frequent
 *            first (at most 20)
 *   "acceptance": {"lots": [{"lot": 3, "series": "ALL" | "birth-2019-01-26740",
 *                            "lot_size": 79, "code_letter": "E", "plan_letter": "F",
 *                            "sample_size": 20, "ac": 0, "re": 1, "aql": "0.65",
 *                            "level": "II", "severity": "normal", "seed": 42,
 *                            "state": "open" | "accepted" | "rejected", "checked": 20,
 *                            "defects": 1, "created_at": "…", "decided_at": "…" | null},
 *                           …],     batch acceptance by sampling, newest first (at most 200)
 *                  "series": [{"series": "ALL", "severity": "normal", "score": 4,
 *                              "lots": 2}, …]}   the switching state of each series
 *   "keying": {"waiting_fields": 12, "open_conflicts": 1, "keyings": 240,
 *              "keyers": [{"keyer": "alice", "kind": "name", "keyed": 40, "decided": 38,
 *                          "agreed": 37, "seconds": 4.2 | null}, …]}
 *            handwritten fields waiting for keying (open HANDWRITTEN), disagreements waiting
 *            for an arbitrator, and per keyer and field kind the fields keyed (arbitration
 *            aside), decided, agreeing with the value accepted, and seconds per field
 *   "events": {"by_stage": [{"stage": "scan", "info": 0, "warning": 1, "error": 2}, …],
 *              "latest_errors": [{"at": "…", "stage": "scan", "unit": "broken.tif" | null,
 *                                 "message": "…"}, …]}    the 10 latest, newest first
 *
 * Text from the store that is not valid UTF-8 is passed with U+FFFD in place of bad bytes.
 */
#ifndef SO_SUMMARY_H
#define SO_SUMMARY_H

#include <jansson.h>

#include "batch/store.h"

#define SO_REPORT_FAILURES_MAX 10000
#define SO_REPORT_BUCKETS_MAX 1440
/* The review backlog in hours: the archivists' timed pace (the median seconds a decision
 * took, as the review application timed it: review_timings) once SO_REVIEW_TIMED_MIN
 * decisions were timed, else their measured pace (the median gap between two of one
 * archivist's decisions, longer gaps are breaks) once SO_REVIEW_PACE_MIN gaps are known,
 * else an assumed pace (the one measured keyboard-only on the demo batch, issue 16). */
#define SO_REVIEW_TIMED_MIN 5
#define SO_REVIEW_BREAK_SECONDS 600.0
#define SO_REVIEW_PACE_MIN 10
#define SO_REVIEW_ASSUMED_SECONDS 30.0

/* The summary above, read in one snapshot of the store. NULL with the error set; the
 * caller releases it (json_decref). */
json_t *so_batch_summary(struct so_store *s);

#endif
