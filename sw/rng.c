/* SPDX-License-Identifier: MIT */
/* PCG32 XSH-RR, as in the reference pcg32_random_r / pcg32_srandom_r / pcg32_boundedrand_r. */
#include "rng.h"

#include <math.h>

void sgl_rng_seed(sgl_rng *r, uint64_t seed, uint64_t stream)
{
    r->state = 0u;
    r->inc = (stream << 1u) | 1u;
    sgl_rng_u32(r);
    r->state += seed;
    sgl_rng_u32(r);
}

uint32_t sgl_rng_u32(sgl_rng *r)
{
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

uint32_t sgl_rng_below(sgl_rng *r, uint32_t bound)
{
    uint32_t threshold = (-bound) % bound;
    for (;;) {
        uint32_t x = sgl_rng_u32(r);
        if (x >= threshold)
            return x % bound;
    }
}

double sgl_rng_uniform(sgl_rng *r)
{
    uint64_t hi = sgl_rng_u32(r) >> 5; /* 27 bits */
    uint64_t lo = sgl_rng_u32(r) >> 6; /* 26 bits */
    return (double)((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

double sgl_rng_normal(sgl_rng *r)
{
    double u1 = sgl_rng_uniform(r);
    double u2 = sgl_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void sgl_rng_shuffle(sgl_rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)sgl_rng_below(r, (uint32_t)i + 1u);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
