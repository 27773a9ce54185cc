/*
 * The operator's report: one self-contained HTML page with inline CSS and SVG charts drawn
 * here, a table of numbers beside every chart, the failures with their reasons, headings in
 * Vietnamese with English below — drawn from the batch summary (summary.h), so that the report
 * and `sohoa status` always agree.
 */
#ifndef SO_REPORT_H
#define SO_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "batch/store.h"
#include "batch/summary.h"

/* Writes the report of the batch to PATH (atomically: complete or not at all). 0, or -1
 * with the error set. */
int so_report_write(struct so_store *s, const char *path);

/* The report of a summary made by so_batch_summary: to PATH (atomically), or to an open
 * stream. 0, or -1 with the error set (the summary lacks a part, or writing failed). */
int so_report_save(const json_t *summary, const char *path);
int so_report_html(const json_t *summary, FILE *out);

/* The night's report (one page across its batches, linking each batch's report) from the
 * view so_night_status made: to PATH (atomically) or an open stream. 0, or -1 with the error
 * set. */
int so_night_report_save(const json_t *night, const char *path);
int so_night_report_html(const json_t *night, FILE *out);

#endif
