/* SPDX-License-Identifier: MIT */
/* Vectors for the Icarus replay of the backward walk with its gradient accumulation
 * (sim/tb_acc_replay.v, make bwd-test): configurations and samples as sim/acc_test.cpp draws
 * them (sim/acc_gen.h; its own stream here), each sample through the twin's
 * sgl_fixed_grad_sample, written as text:
 *   K n n_in T s_rec out_frac k reset n_ev cycles clear   a sample (clear 1: the first of its
 *                                                         configuration: the memories to 0)
 *   R addr data   W_rec word {i, g} (P int8 lanes, hex)      O i data   W_out row (hex)
 *   E t data      e_t, the twin's errors (CP int32 lanes)    H addr zc  history {t, i} (hex)
 *   G i data      gamma_q (hex)                              V e data   event e: {t, u} (hex)
 *   X t i gv c    the expected gv_t[i] (decimal; the twin's) and its clamp bits (bit 0 gz, bit 1
 *                 gv: sgl_bwd_walk_ref's, whose gv must equal the twin's), in the walk's order
 *   D sel addr v  an expected gradient word at the port (the batch's sum so far; hex, GRAD_W bits)
 *   Q             end
 * Usage: acc_vectors SEED CONFIGS OUT N P C T_MAX N_IN ES_AW GRAD_W. Exit 0, 1 on an error,
 * 2 on bad arguments. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bwd_ref.h"
#include "fixed.h"
#include "fixed_train.h"
#include "rng.h"
#include "sglif_core_map.h"

static int acc_tmax;
#define COSIM_T_MAX acc_tmax
#include "cosim_gen.h"
#include "acc_gen.h"

static int clog2(int x)
{
    int b = acc_log2i(x);
    return b > 0 ? b : 1;
}

int main(int argc, char **argv)
{
    if (argc != 11) {
        fprintf(stderr, "usage: acc_vectors SEED CONFIGS OUT N P C T_MAX N_IN ES_AW GRAD_W\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 10);
    int configs = atoi(argv[2]), NMAX = atoi(argv[4]), P = atoi(argv[5]), CMAX = atoi(argv[6]),
        NIN = atoi(argv[8]), ES_AW = atoi(argv[9]), GRAD_W = atoi(argv[10]);
    acc_tmax = atoi(argv[7]);
    const int ev_step = 32;
    if (configs < 1 || NMAX < 2 || P < 1 || NMAX < 2 * P || CMAX < 2 || acc_tmax < 1 || NIN < 1 ||
        ES_AW < 1 || ES_AW > 16 || acc_tmax * ev_step > 1 << ES_AW || GRAD_W < 33 || GRAD_W > 64) {
        fprintf(stderr, "acc_vectors: sizes out of range\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "w");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    const int NW = clog2(NMAX), GW = NW - acc_log2i(P), UW = clog2(NIN), CW = clog2(CMAX),
              cp = 1 << acc_log2i(CMAX), hexw = (GRAD_W + 3) / 4;
    const uint64_t gmask = GRAD_W == 64 ? ~0ull : (1ull << GRAD_W) - 1;
    uint16_t *ev_t = calloc((size_t)acc_tmax * ev_step, 2), *ev_u = calloc((size_t)acc_tmax * ev_step, 2);
    int32_t *gv = calloc((size_t)acc_tmax * NMAX, 4);
    uint8_t *clamp = calloc((size_t)acc_tmax * NMAX, 1);
    if (!ev_t || !ev_u || !gv || !clamp)
        return 1;
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0x616363766563); /* "accvec" */
    for (int cfg = 0; cfg < configs; cfg++) {
        sgl_fixed_net q;
        sgl_fixed_grad g;
        int made = acc_config(&r, cfg, NMAX, NIN, CMAX, &q, &g);
        if (made < 0)
            return 1;
        if (made > 0)
            continue;
        const sgl_fixed_layer *Ly = &q.layer[0];
        const int n = Ly->n, n_in = Ly->n_pre, T = q.n_steps, C = q.n_out, gn = (n - 1) / P + 1;
        int batch = 1 + (int)sgl_rng_below(&r, 4);
        for (int smp = 0; smp < batch; smp++) {
            sgl_sample s = acc_sample(&r, &q, ev_step, ev_t, ev_u);
            if (sgl_fixed_grad_sample(&g, &q, &s)) {
                fprintf(stderr, "acc_vectors: twin: %s\n", sgl_errmsg());
                return 1;
            }
            fprintf(f, "K %d %d %d %d %d %d %d %d %" PRIu64 " %d\n", n, n_in, T, q.v_frac - Ly->sh_rec,
                    q.out_frac, q.decay_shift, q.reset == SGL_RESET_MULT, s.n_ev,
                    acc_cycles(&q, &s, g.z[0], P, GW, cp, 1), smp == 0);
            for (int i = 0; i < n; i++)
                for (int w = 0; w < gn; w++) {
                    fprintf(f, "R %d ", i << GW | w);
                    for (int l = P - 1; l >= 0; l--) {
                        int j = w * P + l;
                        fprintf(f, "%02x", j < n ? (uint8_t)Ly->w_rec[i * n + j] : 0);
                    }
                    fprintf(f, "\n");
                }
            for (int i = 0; i < n; i++) {
                fprintf(f, "O %d ", i);
                for (int c = cp - 1; c >= 0; c--)
                    fprintf(f, "%02x", c < C ? (uint8_t)q.w_out[i * C + c] : 0);
                fprintf(f, "\n");
            }
            for (int t = 0; t < T; t++) {
                fprintf(f, "E %d ", t);
                for (int c = cp - 1; c >= 0; c--)
                    fprintf(f, "%08" PRIx32, c < C ? (uint32_t)g.err[t * C + c] : 0u);
                fprintf(f, "\n");
            }
            for (int t = 0; t < T; t++)
                for (int i = 0; i < n; i++)
                    fprintf(f, "H %d %05x\n", t << NW | i,
                            (unsigned)(g.z[0][t * n + i] << 16 | g.code[0][t * n + i]));
            for (int i = 0; i < n; i++)
                fprintf(f, "G %d %08" PRIx32 "\n", i, (uint32_t)g.gamma_q[0][i]);
            for (int e = 0; e < s.n_ev; e++)
                fprintf(f, "V %d %x\n", e, (unsigned)(s.ev_t[e] << UW | s.ev_u[e]));
            sgl_bwd_walk_ref(n, C, T, Ly->w_rec, q.w_out, g.err, g.z[0], g.code[0], g.gamma_q[0],
                             q.v_frac - Ly->sh_rec, q.out_frac, q.decay_shift,
                             q.reset == SGL_RESET_MULT, gv, clamp);
            for (int t = T - 1; t >= 0; t--)
                for (int i = 0; i < n; i++) {
                    if (gv[t * n + i] != g.gv[0][t * n + i]) {
                        fprintf(stderr, "acc_vectors: the walk's reference differs from the twin\n");
                        return 1;
                    }
                    fprintf(f, "X %d %d %d %d\n", t, i, g.gv[0][t * n + i], clamp[t * n + i]);
                }
            for (int u = 0; u < n_in; u++)
                for (int i = 0; i < n; i++)
                    fprintf(f, "D 0 %d %0*" PRIx64 "\n", u << NW | i, hexw, (uint64_t)g.w_in[0][u * n + i] & gmask);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    fprintf(f, "D 0 %d %0*" PRIx64 "\n", (NIN + j) << NW | i, hexw, (uint64_t)g.w_rec[0][j * n + i] & gmask);
            for (int i = 0; i < n; i++)
                fprintf(f, "D 1 %d %0*" PRIx64 "\n", i, hexw, (uint64_t)g.bias[0][i] & gmask);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < C; c++)
                    fprintf(f, "D 2 %d %0*" PRIx64 "\n", i << CW | c, hexw, (uint64_t)g.w_out[i * C + c] & gmask);
            for (int c = 0; c < C; c++)
                fprintf(f, "D 3 %d %0*" PRIx64 "\n", c, hexw, (uint64_t)g.b_out[c] & gmask);
        }
        sgl_fixed_grad_free(&g);
        sgl_fixed_free(&q);
    }
    fprintf(f, "Q\n");
    free(ev_t);
    free(ev_u);
    free(gv);
    free(clamp);
    return fclose(f) ? 1 : 0;
}
