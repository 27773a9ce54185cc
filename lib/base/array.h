/*
 * The one growable array of libsohoa. An array is three things its owner keeps side by side: a
 * pointer to its elements, their number and the capacity allocated. SO_ARRAY_GROW makes room
 * for one more element (doubling the capacity, from SO_ARRAY_FIRST elements), so that a push
 * reads:
 *
 *	if (SO_ARRAY_GROW(l->v, l->n, l->cap) < 0)
 *		return -1;
 *	l->v[l->n++] = item;
 *
 * It refuses (returns -1 with "out of memory" or "too many elements" recorded) rather than
 * overflow, and leaves the array as it was when it fails: the owner still frees it.
 */
#ifndef SO_ARRAY_H
#define SO_ARRAY_H

#include <stddef.h>

#define SO_ARRAY_FIRST 8
/* The most elements an array may hold: a guard against runaway input, far above any register. */
#define SO_ARRAY_MAX ((size_t)1 << 28)

/* Makes room in the array *ARRP (a pointer to the owner's element pointer) holding N elements
 * of ELEM bytes and CAP capacity for at least N + 1; new room is zeroed. 0, or -1 with the error
 * set (the array unchanged). */
int so_array_grow(void *arrp, size_t n, size_t *cap, size_t elem);

#define SO_ARRAY_GROW(arr, n, cap) so_array_grow(&(arr), (n), &(cap), sizeof(*(arr)))

#endif
