/*
 * A stage's progress on stderr: on a terminal, a bar with rate and ETA redrawn from the
 * counts; otherwise one line per finished unit — the time, the stage, what was done ("ocr
 * 'ks.tif' page 3: 12 entries read") — which is what a log file of a night's run keeps.
 */
#ifndef SO_PROGRESS_H
#define SO_PROGRESS_H

#include <stdint.h>

#include "base/error.h"

struct so_progress {
	char stage[24];
	char unit[24];            /* "pages", "records" */
	int tty;
	double start;
	double last_draw;
	int64_t total, done, failed;
	int64_t done_at_start;
};
void so_progress_init(struct so_progress *p, const char *stage, const char *unit);
/* On a terminal: redraws the bar from the counts (throttled). */
void so_progress_update(struct so_progress *p, int64_t done, int64_t failed, int64_t total);
/* Not on a terminal: one timestamped log line for a finished unit. */
void so_progress_log(struct so_progress *p, const char *fmt, ...) SO_PRINTF(2, 3);
/* Ends the bar line. */
void so_progress_end(struct so_progress *p);

#endif
