/*
 * Exporting a batch's records: JSON lines in the export shape of SPEC.md (one record per line,
 * every field of its layout, canonical value beside the raw reading, confidence, box and
 * flags), or CSV with one row per record and one column per field, for spreadsheets.
 */
#ifndef SO_EXPORT_H
#define SO_EXPORT_H

#include <jansson.h>
#include <stdio.h>

#include "batch/store.h"

/* How a record is written, in the export and in its delivery: the same text both ways. */
#define SO_EXPORT_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(4))

enum so_export_format { SO_EXPORT_JSONL, SO_EXPORT_CSV };

/* The export object of one record — also the body of its delivery to the national
 * database. NULL with the error set; the caller releases it (json_decref). */
json_t *so_export_record(struct so_store *s, int64_t record_id);

/* Writes every record of the batch to OUT. Returns the number of records, or -1. */
long so_export(struct so_store *s, enum so_export_format format, FILE *out);

#endif
