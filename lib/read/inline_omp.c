/*
 * tesseract's OpenMP regions run inline, on the calling thread. The recognizer is single-threaded
 * (OMP_THREAD_LIMIT=1: so_cli_single_threaded; a worker per core does better), yet libgomp ends
 * every parallel region, even one of a single thread, with a futex system call waking threads
 * that do not exist; tesseract opens one per time step of each LSTM layer (some 200,000 for a
 * register page), and those calls cost about a tenth of the ocr stage's CPU. The entry points
 * the compiler emits for `parallel` and `parallel sections` (the only kinds libtesseract 5 calls:
 * GOMP_parallel, GOMP_parallel_sections, GOMP_sections_next, GOMP_sections_end_nowait) are
 * defined here; an executable's definitions come before those of the libraries it loads, so
 * tesseract's calls land here. A region runs its body once, sections one after another: the
 * execution libgomp itself gives a team of one thread, and the same results (the ocr snapshot is
 * byte-identical). omp_get_num_threads and omp_get_thread_num stay libgomp's: outside a team they
 * answer 1 and 0, as a team of one does. The orphaned sections entry points are here too, so
 * that every sections construct counts its sections in one place.
 */
#include "read/inline_omp.h"

void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
			    unsigned flags);
unsigned GOMP_sections_start(unsigned count);
unsigned GOMP_sections_next(void);
void GOMP_sections_end(void);
void GOMP_sections_end_nowait(void);

/* The sections construct under way on this thread: the next section (from 1) and the count. */
static _Thread_local struct {
	unsigned next, count;
} sections;

static _Thread_local long regions;

void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
	(void)num_threads;
	(void)flags;
	regions++;
	fn(data);
}

void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
			    unsigned flags)
{
	(void)num_threads;
	(void)flags;
	regions++;
	/* a region inside a section has its own sections; the outer ones go on after it */
	unsigned next = sections.next, total = sections.count;
	sections.next = 1;
	sections.count = count;
	fn(data);
	sections.next = next;
	sections.count = total;
}

unsigned GOMP_sections_start(unsigned count)
{
	sections.next = 1;
	sections.count = count;
	return GOMP_sections_next();
}

unsigned GOMP_sections_next(void)
{
	return sections.next <= sections.count ? sections.next++ : 0;
}

void GOMP_sections_end(void)
{
}

void GOMP_sections_end_nowait(void)
{
}

long so_inline_omp_regions(void)
{
	return regions;
}
