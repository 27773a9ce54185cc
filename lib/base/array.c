/* The growable array (see array.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/util.h"

int so_array_grow(void *arrp, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return 0;
	if (n >= SO_ARRAY_MAX)
		return so_error("too many elements (at most %zu)", (size_t)SO_ARRAY_MAX);
	size_t want = *cap ? *cap * 2 : SO_ARRAY_FIRST;
	if (want > SO_ARRAY_MAX)
		want = SO_ARRAY_MAX;
	size_t bytes;
	if (so_mul_size(want, elem, SIZE_MAX, &bytes) < 0)
		return -1;
	void *old;
	memcpy(&old, arrp, sizeof(old));
	char *grown = realloc(old, bytes);
	if (!grown)
		return so_error("out of memory");
	memset(grown + *cap * elem, 0, (want - *cap) * elem);
	memcpy(arrp, &grown, sizeof(grown));
	*cap = want;
	return 0;
}
