/*
 * The data files of schemas/ compiled into the library (see schemas/embed.c): migrations,
 * layouts and reference data, named by their path under schemas/.
 */
#ifndef SO_EMBED_H
#define SO_EMBED_H

#include <stddef.h>

struct so_embedded {
	const char *name;
	const unsigned char *data; /* NUL-terminated */
	size_t size;
};

extern const struct so_embedded so_embedded_files[];
extern const size_t so_embedded_count;

/* The file named NAME ("layouts/birth-v1.json"), or NULL. */
const struct so_embedded *so_embedded_find(const char *name);

#endif
