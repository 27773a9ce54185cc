/*
 * INI files as the operators write them (a batch's manifest, a night file): "[section name]"
 * lines, "key = value" lines, comments starting with ';' or '#', blank lines; spaces around
 * names and values are not part of them. The reader calls back per line so that each file
 * keeps its own keys and checks.
 */
#ifndef SO_INI_H
#define SO_INI_H

/* Reads PATH: SECTION(NAME, LINE, CTX) for each "[NAME]" line, KEY(KEY, VALUE, LINE, CTX) for
 * each "key = value" line (VALUE may be changed in place: the line is the reader's). A callback's non-zero return stops the reading and is returned.
 * Returns 0, or -1 with the error set for a file that cannot be read or a line that is
 * neither (the message names the file and line). */
int so_ini_read(const char *path, int (*section)(const char *name, int line, void *ctx),
		int (*key)(const char *key, char *value, int line, void *ctx), void *ctx);

#endif
