/*
 * A batch store for the unit tests: made fresh in a scratch directory, the birth book the
 * review, keying and acceptance tests read their entries into, and one value of a query.
 * A test cannot go on without them, so they fail the test (cmocka) rather than return.
 */
#ifndef SO_TEST_TESTSTORE_H
#define SO_TEST_TESTSTORE_H

#include <stdint.h>

#include "batch/store.h"

/* A new batch store in a new scratch directory, whose name goes to *DIR (the caller frees it,
 * with teststore_remove). */
struct so_store *teststore_open(char **dir);
/* Closes S, removes DIR with everything under it and frees DIR. */
void teststore_remove(struct so_store *s, char *dir);
/* Registers the birth book of 2019, volume 01, authority 26740 (layout birth-v1) and its one
 * scan file of one page, /scans/NAME; returns the book's id, the file's goes to *FILE_ID. */
int64_t teststore_birth_book(struct so_store *s, const char *name, int64_t *file_id);
/* The first column of the first row SQL gives, as text; NULL for none or NULL. The caller
 * frees it. */
char *teststore_value(struct so_store *s, const char *sql);

#endif
