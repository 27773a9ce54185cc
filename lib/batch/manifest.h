/*
 * What a batch is made of, as the operator gives it: book specs — a book's type, year,
 * volume, registering authority, layout and scan files — from command-line options or from a
 * manifest (an INI file, one "[book NAME]" section per book, and a "[sync]" section saying
 * where to deliver). The scan stage registers the books; `sohoa run` also takes the delivery
 * settings. Failures are of two kinds: the input is wrong (SO_BOOKSPEC_WRONG, worded for the
 * operator — a usage error) or memory ran out (SO_BOOKSPEC_NOMEM); the reason is recorded
 * with so_error either way.
 */
#ifndef SO_MANIFEST_H
#define SO_MANIFEST_H

#include <stddef.h>

enum { SO_BOOKSPEC_WRONG = -1, SO_BOOKSPEC_NOMEM = -2 };

struct so_bookspec {
	char type[16];
	long year;
	char volume[32];
	char authority[16];
	char layout[72];
	char **files;
	size_t nfiles, files_cap;
};
/* The books given, in order; owns their strings (so_bookspecs_release). */
struct so_bookspecs {
	struct so_bookspec *v;
	size_t n, cap;
};

/* What a line of a book spec sets (the option --year, or the manifest's "year = "). */
enum so_bookspec_key {
	SO_BOOKSPEC_YEAR,
	SO_BOOKSPEC_VOLUME,
	SO_BOOKSPEC_AUTHORITY,
	SO_BOOKSPEC_LAYOUT,
	SO_BOOKSPEC_FILE,          /* a scan file: appended */
};

/* Opens a new book of TYPE at the end of B; the keys that follow are its. 0, or
 * SO_BOOKSPEC_WRONG (an unknown type) or SO_BOOKSPEC_NOMEM. */
int so_bookspecs_add(struct so_bookspecs *b, const char *type);
/* Sets KEY of the last book of B to VALUE (copied), checked: a year in 1900..2200, a volume
 * without '/', an authority of digits. 0, or SO_BOOKSPEC_WRONG (also when no book was opened
 * yet) or SO_BOOKSPEC_NOMEM. */
int so_bookspecs_set(struct so_bookspecs *b, enum so_bookspec_key key, const char *value);

/* Where and how to deliver records (the [sync] section of a manifest, or options). */
struct so_sync_settings {
	char endpoint[1024];
	char token_file[4096];
	char cacert[4096];
	char cert[4096];
	char key[4096];
};

/* Reads a manifest: an INI file with one "[book NAME]" section per book (type, year, volume,
 * authority, layout, and files: scan files or glob patterns separated by spaces, relative to
 * the manifest's directory) appended to B, and an optional "[sync]" section (endpoint,
 * token_file, cacert, cert, key; paths relative to the manifest) into SYNC when not NULL.
 * Comments start with ';' or '#'; sections of later versions are skipped. 0, or
 * SO_BOOKSPEC_WRONG (the reason names the file and line) or SO_BOOKSPEC_NOMEM; the books read
 * before the failure stay in B. */
int so_manifest_read(const char *path, struct so_bookspecs *b, struct so_sync_settings *sync);

/* Checks every book of B is complete (year, volume, authority, a scan file) and its layout
 * exists and is for its type, filling in the type's default layout. 0, or SO_BOOKSPEC_WRONG
 * (the reason names the book by its number). */
int so_bookspecs_finish(struct so_bookspecs *b);
void so_bookspecs_release(struct so_bookspecs *b);

#endif
