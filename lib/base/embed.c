/* Look-up of the compiled-in schema files (see embed.h). */
#include <string.h>

#include "base/embed.h"

const struct so_embedded *so_embedded_find(const char *name)
{
	for (size_t i = 0; i < so_embedded_count; i++)
		if (strcmp(so_embedded_files[i].name, name) == 0)
			return &so_embedded_files[i];
	return NULL;
}
