/* SPDX-License-Identifier: MIT */
/* The configurations, samples and cycle formula of the whole-sample backward check, shared by
 * the Verilator harness (sim/acc_test.cpp, C++) and the Icarus vector writer
 * (sim/acc_vectors.c, C). Include after fixed.h, fixed_train.h, rng.h, sglif_core_map.h and
 * sim/cosim_gen.h (with COSIM_T_MAX set to the walk's T_MAX). */
#ifndef SGLIF_SIM_ACC_GEN_H
#define SGLIF_SIM_ACC_GEN_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "walk_cycles.h"

/* Configuration cfg: a one-layer net of sim/cosim_gen.h (at most NMAX neurons, NIN inputs,
 * CMAX classes, SG tables of 1..16 bits over up to 2^8 entries) with an out_frac the error
 * unit takes (-8 .. 23, below), and its gradient sums g (zero) with gamma_q as the quantizer makes it for
 * gamma 0 .. 4 (one neuron in eight 0). 0 when made, 1 when the net is skipped (its out_frac),
 * -1 on an error (with a message). */
static int acc_config(sgl_rng *r, long cfg, int NMAX, int NIN, int CMAX, sgl_fixed_net *q,
                      sgl_fixed_grad *g)
{
    if (cg_net(r, cfg + 1, NMAX, NIN, 8, CMAX, 1, NULL, q))
        return -1;
    /* the readout's fraction (the forward does not read it): mostly where the int16 b_out and
     * the int8 W_out sums are a few float units apart, so that the softmax is not one class
     * alone and the error unit's table is used; one net in four anywhere in -8 .. 23 */
    q->out_frac = cg_rnd(r, 0, 3) == 0 ? cg_rnd(r, -8, 23) : cg_rnd(r, 14, 23);
    if (q->out_frac < -8 || q->out_frac > 23) {
        sgl_fixed_free(q);
        return 1;
    }
    if (sgl_fixed_grad_init(g, q, NULL, 16)) {
        fprintf(stderr, "acc: %s\n", sgl_errmsg());
        sgl_fixed_free(q);
        return -1;
    }
    for (int i = 0; i < q->layer[0].n; i++) {
        double ga = sgl_rng_below(r, 8) == 0 ? 0.0 : 4.0 * sgl_rng_uniform(r);
        g->gamma_q[0][i] = (int32_t)lround(ldexp(ga, SGL_FT_GAMMA_FRAC) / (ldexp(1.0, q->sg_bits) - 1.0));
    }
    return 0;
}

/* A sample of q (sim/cosim_gen.h's events, at most ev_step a step; a random label). */
static sgl_sample acc_sample(sgl_rng *r, const sgl_fixed_net *q, int ev_step, uint16_t *ev_t,
                             uint16_t *ev_u)
{
    int n_ev = cg_sample(r, q, ev_step, ev_t, ev_u);
    sgl_sample s = {n_ev, ev_t, ev_u, (int)sgl_rng_below(r, (uint32_t)q->n_out)};
    return s;
}

static int acc_log2i(int x)
{
    int b = 0;
    while ((1 << b) < x)
        b++;
    return b;
}

/* The input events of each step of s (ev [T]). */
static void acc_events(const sgl_sample *s, int T, int *ev)
{
    for (int t = 0; t < T; t++)
        ev[t] = 0;
    for (int e = 0; e < s->n_ev; e++)
        if (s->ev_t[e] < T)
            ev[s->ev_t[e]]++;
}

/* The walk's cycles from start_i to done_o for a sample of q on a walk of P lanes, 2^GW words
 * a gv row, CP classes (padded), the history's latency hlat (sim/walk_cycles.h). z [T][n]:
 * the spikes. */
static uint64_t acc_cycles(const sgl_fixed_net *q, const sgl_sample *s, const uint8_t *z, int P,
                           int GW, int CP, int hlat)
{
    const int T = q->n_steps;
    int *ev = (int *)calloc((size_t)T, sizeof *ev);
    if (!ev)
        return 0;
    acc_events(s, T, ev);
    uint64_t c = wc_walk_cycles(q->layer[0].n, T, P, GW, CP, hlat, z, ev);
    free(ev);
    return c;
}

/* sglif_engine's cycles from start_i to done_o with SUMS_IN = 1 (the trainer's): the walk's,
 * which starts with the engine and waits at each step t for its errors, plus ENG_OVL_FIXED.
 * The error unit computes e_(T-1) from the start and e_t from ENG_OVL_LAG cycles after the
 * walk took e_(t+1), ENG_SUMS_STEP + ERR_CYCLES_FIXED + 3 C cycles each (C classes in use), so
 * step t waits max(0, ENG_OVL_LAG + ENG_SUMS_STEP + ERR_CYCLES_FIXED + 3 C - W) cycles, W the
 * walk's cycles since it took e_(t+1) (step t + 1 and the accumulation of step t + 2), or for
 * t = T - 1 since its start (the gv rows' clear and one cycle). */
static inline uint64_t acc_engine_cycles(const sgl_fixed_net *q, const sgl_sample *s, const uint8_t *z,
                                         int P, int GW, int CP, int hlat, int C)
{
    const int n = q->layer[0].n, T = q->n_steps, gn = (n - 1) / P + 1;
    const uint64_t err = (uint64_t)(SGL_ENG_OVL_LAG + SGL_ENG_SUMS_STEP + SGL_ERR_CYCLES_FIXED + 3 * C);
    const uint64_t step = wc_step_cycles(n, gn, P, CP);
    int *ev = (int *)calloc((size_t)T, sizeof *ev);
    if (!ev)
        return 0;
    acc_events(s, T, ev);
    uint64_t c = wc_walk_cycles(n, T, P, GW, CP, hlat, z, ev) + SGL_ENG_OVL_FIXED;
    for (int t = T - 1; t >= 0; t--) {
        uint64_t w = t == T - 1   ? ((uint64_t)1 << (GW + 1)) + 1
                     : t == T - 2 ? step
                                  : step + wc_acc_cycles(z, n, gn, hlat, t + 2, ev[t + 2]);
        c += err > w ? err - w : 0;
    }
    free(ev);
    return c;
}

#endif
