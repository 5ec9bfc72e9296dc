/* rng.h — ebm's only source of randomness: xoshiro256** streams derived from
 * one seed by a key path. A stream's numbers depend only on (seed, key path),
 * never on which thread draws them or in what order streams were made, so a
 * run gives the same numbers whatever the thread count. */
#ifndef EBM_RNG_H
#define EBM_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ebm_rng {
    uint64_t s[4];     /* xoshiro256** state */
    uint64_t key;      /* identifies the stream; children derive from it */
} ebm_rng;

/* The root stream of a run. */
void ebm_rng_seed(ebm_rng *rng, uint64_t seed);
/* A child stream named by `index` under parent's key, e.g. one per chain or per
 * trial: ebm_rng_derive(&trial, &root, i). Does not advance the parent. */
void ebm_rng_derive(ebm_rng *child, const ebm_rng *parent, uint64_t index);
/* Same with a name, for readable call sites: ebm_rng_named(&r, &root, "data"). */
void ebm_rng_named(ebm_rng *child, const ebm_rng *parent, const char *name);

uint64_t ebm_rng_u64(ebm_rng *rng);
double   ebm_rng_uniform(ebm_rng *rng);         /* [0, 1), 53 bits */
float    ebm_rng_uniformf(ebm_rng *rng);        /* [0, 1), 24 bits */
/* n floats in [0, 1), 24 bits each, two from every 64-bit draw (for the hot
 * sampling loops; a different sequence from n calls of ebm_rng_uniformf). */
void     ebm_rng_fill_uniformf(ebm_rng *rng, float *out, size_t n);
/* ebm_rng_fill_uniformf for `lanes` (at most EBM_RNG_LANES) streams at once,
 * stream l's n floats at out + l·ld: the same floats, several times faster,
 * the streams stepped side by side in vector registers. */
#define EBM_RNG_LANES 8
void     ebm_rng_fill_uniformf_lanes(ebm_rng *rngs, size_t lanes, float *out, size_t ld,
                                     size_t n);
uint64_t ebm_rng_below(ebm_rng *rng, uint64_t n);  /* uniform in [0, n), unbiased */
double   ebm_rng_normal(ebm_rng *rng);          /* N(0, 1) */
int      ebm_rng_bernoulli(ebm_rng *rng, double p);
/* Fisher–Yates shuffle of an index array. */
void     ebm_rng_shuffle(ebm_rng *rng, size_t *idx, size_t n);

#endif
