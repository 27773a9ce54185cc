/*
 * The flag codes of REGISTERS.md's rule catalogue (and those sync raises), with what each
 * means in a few words of Vietnamese and of English: the archivists' filter, the flag list
 * of the review application and the operator's report all name a code the same way.
 */
#ifndef SO_FLAGCODE_H
#define SO_FLAGCODE_H

struct so_flag_code {
	const char *code;
	const char *vi, *en;
};

/* The entry of CODE, or NULL for a code this table does not know. */
const struct so_flag_code *so_flag_code_find(const char *code);

#endif
