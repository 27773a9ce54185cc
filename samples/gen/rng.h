/*
 * The generator's own pseudo-random numbers: xoshiro256** seeded through splitmix64, so that a
 * seed gives the same book on every machine and libc. Streams are derived from the run seed and
 * a tag ("content birth-2019-01", "page 3"), so changing one option (dpi, compression) does not
 * change what is written in the books.
 */
#ifndef GEN_RNG_H
#define GEN_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seeds R from SEED and the tag string TAG (NULL for none). */
void rng_seed(struct rng *r, uint64_t seed, const char *tag);
uint64_t rng_next(struct rng *r);
/* Uniform integer in [0, n); 0 when n is 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform integer in [lo, hi] (inclusive). */
int rng_int(struct rng *r, int lo, int hi);
/* Uniform double in [0, 1). */
double rng_unit(struct rng *r);
/* Uniform double in [lo, hi). */
double rng_range(struct rng *r, double lo, double hi);
/* 1 with probability p. */
int rng_chance(struct rng *r, double p);
/* Standard normal deviate (Box-Muller). */
double rng_normal(struct rng *r);
/* Index drawn from N non-negative weights (0 when all are zero). */
size_t rng_weighted(struct rng *r, const double *weights, size_t n);
/* Picks one of N strings. */
const char *rng_pick(struct rng *r, const char *const *items, size_t n);

#define RNG_PICK(r, arr) rng_pick((r), (arr), sizeof(arr) / sizeof((arr)[0]))

#endif
