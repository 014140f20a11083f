/* SPDX-License-Identifier: MIT */
/* PCG32 (O'Neill, pcg-random.org, XSH-RR 64/32): the project's one seeded generator, so that a
 * seed names the same data set and the same initial weights on every machine. */
#ifndef SGLIF_RNG_H
#define SGLIF_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t inc;
} sgl_rng;

/* Seed with a 64-bit seed and a stream id (pcg32_srandom_r). */
void sgl_rng_seed(sgl_rng *r, uint64_t seed, uint64_t stream);
uint32_t sgl_rng_u32(sgl_rng *r);
/* Uniform in [0, bound) without modulo bias. bound > 0. */
uint32_t sgl_rng_below(sgl_rng *r, uint32_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double sgl_rng_uniform(sgl_rng *r);
/* Standard normal (Box-Muller, no cached second value so the stream is easy to reason about). */
double sgl_rng_normal(sgl_rng *r);
/* Fisher-Yates shuffle of an int array. */
void sgl_rng_shuffle(sgl_rng *r, int *a, int n);

#endif
