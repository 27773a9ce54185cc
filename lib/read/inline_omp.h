/*
 * tesseract's OpenMP regions run inline, on the calling thread, without libgomp's team and its
 * system calls (see inline_omp.c): linked into every program that reads cells.
 */
#ifndef SO_INLINE_OMP_H
#define SO_INLINE_OMP_H

/* The OpenMP parallel regions this thread has run inline (0 when libgomp's own entry points
 * were called instead). A reader refers to it so that the definitions are linked in. */
long so_inline_omp_regions(void);

#endif
