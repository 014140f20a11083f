/* SPDX-License-Identifier: MIT */
/* Vectors for the Icarus replay of the backward walk (sim/tb_acc_replay.v, make bwd-test):
 * random configurations as sim/walk_test.cpp draws them (its own stream here), the expected gv
 * stream from sgl_bwd_walk_ref (sim/bwd_ref.c) and the cycle count from the walk's formula (no
 * input events; the gradient words are not compared here: sim/acc_vectors.c), as text:
 *   K n n_in T s_rec out_frac k reset n_ev cycles clear   a configuration (n_in 1, n_ev 0;
 *                 clear 1 at the first: the gradient memories to 0), then its memories
 *   R addr data   W_rec word {i, g} (P int8 lanes, hex)      O i data   W_out row (hex)
 *   E t data      e_t (CP int32 lanes, hex)                   H addr zc  history {t, i}: {z, code} (hex)
 *   G i data      gamma_q (hex)
 *   X t i gv c    the expected gv_t[i] (decimal) and its clamp bits, in the walk's order
 *   Q             end
 * Usage: walk_vectors SEED CONFIGS OUT N P C T_MAX. Exit 0, 1 on a write error, 2 on bad
 * arguments. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bwd_ref.h"
#include "rng.h"
#include "sglif_core_map.h"
#include "walk_cycles.h"

static int log2i(int x)
{
    int b = 0;
    while ((1 << b) < x)
        b++;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: walk_vectors SEED CONFIGS OUT N P C T_MAX\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 10);
    int configs = atoi(argv[2]), NMAX = atoi(argv[4]), P = atoi(argv[5]), CMAX = atoi(argv[6]),
        TMAX = atoi(argv[7]);
    if (configs < 1 || NMAX < 2 || P < 1 || NMAX < 2 * P || CMAX < 2 || TMAX < 1) {
        fprintf(stderr, "walk_vectors: sizes out of range\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "w");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    int NW = log2i(NMAX) > 0 ? log2i(NMAX) : 1, GW = NW - log2i(P), cp = 1 << log2i(CMAX);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0x7776656374); /* "wvect" */
    for (int cfg = 0; cfg < configs; cfg++) {
        int n = 1 + (int)sgl_rng_below(&r, (uint32_t)NMAX), T = 1 + (int)sgl_rng_below(&r, (uint32_t)TMAX);
        int C = 2 + (int)sgl_rng_below(&r, (uint32_t)(CMAX - 1));
        int s_rec = (int)sgl_rng_below(&r, 30) - 8, out_frac = (int)sgl_rng_below(&r, 16);
        int k = 1 + (int)sgl_rng_below(&r, 15), reset_mult = (int)sgl_rng_below(&r, 2);
        int8_t *w_rec = calloc((size_t)n * n, 1), *w_out = calloc((size_t)n * C, 1);
        int32_t *err = calloc((size_t)T * C, 4), *gamma = calloc((size_t)n, 4), *gv = calloc((size_t)T * n, 4);
        uint8_t *z = calloc((size_t)T * n, 1), *clamp = calloc((size_t)T * n, 1);
        uint16_t *code = calloc((size_t)T * n, 2);
        if (!w_rec || !w_out || !err || !gamma || !gv || !z || !clamp || !code)
            return 1;
        for (int o = 0; o < n * n; o++)
            w_rec[o] = sgl_rng_below(&r, 3) ? (int8_t)((int)sgl_rng_below(&r, 255) - 127) : 0;
        for (int o = 0; o < n * C; o++)
            w_out[o] = (int8_t)((int)sgl_rng_below(&r, 255) - 127);
        for (int o = 0; o < T * C; o++)
            err[o] = (int32_t)sgl_rng_below(&r, 131073) - 65536;
        /* gamma_q as the quantizer makes it for 8-bit codes and gamma up to 2 (2^25 / 255):
         * |code gamma_q| < 2^31, where the twin's int64 product is exact */
        for (int i = 0; i < n; i++)
            gamma[i] = (int32_t)sgl_rng_below(&r, (1u << 25) / 255);
        for (int o = 0; o < T * n; o++) {
            z[o] = sgl_rng_below(&r, 5) == 0;
            code[o] = sgl_rng_below(&r, 3) == 0 ? 0 : (uint16_t)sgl_rng_below(&r, 256);
        }
        sgl_bwd_walk_ref(n, C, T, w_rec, w_out, err, z, code, gamma, s_rec, out_frac, k,
                         reset_mult, gv, clamp);
        int gn = (n - 1) / P + 1;
        /* no events: the accumulation has the spikes' rows only */
        long cycles = (long)wc_walk_cycles(n, T, P, GW, cp, 1, z, NULL);
        fprintf(f, "K %d 1 %d %d %d %d %d 0 %ld %d\n", n, T, s_rec, out_frac, k, reset_mult, cycles, cfg == 0);
        for (int i = 0; i < n; i++)
            for (int g = 0; g < gn; g++) {
                fprintf(f, "R %d ", i << GW | g);
                for (int l = P - 1; l >= 0; l--) {
                    int j = g * P + l;
                    fprintf(f, "%02x", j < n ? (uint8_t)w_rec[i * n + j] : 0);
                }
                fprintf(f, "\n");
            }
        for (int i = 0; i < n; i++) {
            fprintf(f, "O %d ", i);
            for (int c = cp - 1; c >= 0; c--)
                fprintf(f, "%02x", c < C ? (uint8_t)w_out[i * C + c] : 0);
            fprintf(f, "\n");
        }
        for (int t = 0; t < T; t++) {
            fprintf(f, "E %d ", t);
            for (int c = cp - 1; c >= 0; c--)
                fprintf(f, "%08" PRIx32, c < C ? (uint32_t)err[t * C + c] : 0u);
            fprintf(f, "\n");
        }
        for (int t = 0; t < T; t++)
            for (int i = 0; i < n; i++)
                fprintf(f, "H %d %05x\n", t << NW | i, (unsigned)(z[t * n + i] << 16 | code[t * n + i]));
        for (int i = 0; i < n; i++)
            fprintf(f, "G %d %08" PRIx32 "\n", i, (uint32_t)gamma[i]);
        for (int t = T - 1; t >= 0; t--)
            for (int i = 0; i < n; i++)
                fprintf(f, "X %d %d %d %d\n", t, i, gv[t * n + i], clamp[t * n + i]);
        free(w_rec), free(w_out), free(err), free(gamma), free(gv), free(z), free(clamp), free(code);
    }
    fprintf(f, "Q\n");
    return fclose(f) ? 1 : 0;
}
