/*
 * Scratch directories for the unit tests: made fresh under /tmp, removed with everything in
 * them. A test cannot go on without one, so both stop the program when they fail.
 */
#ifndef SO_TEST_SCRATCH_H
#define SO_TEST_SCRATCH_H

/* A new empty directory "/tmp/sohoa-test-XXXXXX"; the caller frees the name. */
char *scratch_dir(void);
/* Removes DIR and everything under it. */
void scratch_remove(const char *dir);

#endif
