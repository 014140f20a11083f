/* SPDX-License-Identifier: MIT */
/* The random configurations and samples of the co-simulation, shared by the Verilator harness
 * (sim/cosim.cpp, compiled as C++) and the Icarus vector writer (sim/cosim_vectors.c, C), so
 * that seed S draws the same nets and samples in both. Include after fixed.h and rng.h. */
#ifndef SGLIF_SIM_COSIM_GEN_H
#define SGLIF_SIM_COSIM_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef COSIM_T_MAX
#define COSIM_T_MAX 40 /* steps per sample at most */
#endif

/* Board sizes (the harness's +full, make cosim-boards): every configuration at the core's
 * full size (N neurons per layer, N_IN inputs, N_OUT classes, the whole SG table) with
 * COSIM_T_MAX steps (set above the history depth by the make target), and one sample in two
 * with every step's event list full (all N_IN channels, then random channels listed again up
 * to the list's 2^EV_AW entries). 0: the random sizes below the maxima. */
static int cg_full;

static int cg_rnd(sgl_rng *g, int lo, int hi) /* uniform in lo..hi */
{
    return lo + (int)sgl_rng_below(g, (uint32_t)(hi - lo + 1));
}

/* A weight: extremes often enough that saturation is hit. */
static int8_t cg_w(sgl_rng *g, int style)
{
    int r = cg_rnd(g, 0, 9);
    if (r == 0)
        return 127;
    if (r == 1)
        return -127;
    if (style == 0 && r < 5)
        return 0;
    return (int8_t)cg_rnd(g, -127, 127);
}

static int16_t cg_bias(sgl_rng *g)
{
    int r = cg_rnd(g, 0, 19);
    if (r == 0)
        return 32767;
    if (r == 1)
        return -32768;
    if (r < 5)
        return (int16_t)cg_rnd(g, -32768, 32767);
    return (int16_t)cg_rnd(g, -2048, 2048);
}

/* Configuration number cfg of a run, for a core of at most N neurons per layer, N_IN inputs,
 * 2^SG_AW table entries, N_OUT classes, L_MAX layers: layers 1..L_MAX, sizes (n 1..N, one in
 * four 1..4), reset mode, theta (1..64, 20000..32767 or near a power of two), decay shift,
 * weight shifts per layer (shrunk until sgl_fixed_check accepts), weights (+-127 in one in
 * five), biases (int16 extremes), readout (argmax ties), SG table (the first configuration:
 * the $readmemh file sg_file, 16 bits). 0, or -1 with a message. */
static int cg_net(sgl_rng *g, long cfg, int N, int N_IN, int SG_AW, int N_OUT, int L_MAX,
                  const uint16_t *sg_file, sgl_fixed_net *q)
{
    int nl = L_MAX > 1 ? cg_rnd(g, 1, L_MAX) : 1;
    int n[2];
    for (int l = 0; l < nl; l++)
        n[l] = cg_rnd(g, 1, 4) == 1 ? cg_rnd(g, 1, 4) : cg_rnd(g, 1, N);
    int n_in = cg_rnd(g, 1, N_IN);
    int T = cg_rnd(g, 1, COSIM_T_MAX);
    int C = cg_rnd(g, 2, N_OUT);
    int log2e = cfg == 0 ? SG_AW : cg_rnd(g, 1, SG_AW);
    if (cg_full) {
        nl = L_MAX;
        n[0] = n[1] = N;
        n_in = N_IN;
        T = COSIM_T_MAX;
        C = N_OUT;
        log2e = SG_AW;
    }
    if (sgl_fixed_alloc(q, n_in, nl, n, C, T, 1 << log2e)) {
        fprintf(stderr, "cosim: %s\n", sgl_errmsg());
        return -1;
    }
    q->reset = cg_rnd(g, 0, 1) ? SGL_RESET_MULT : SGL_RESET_SUB;
    int tr = cg_rnd(g, 0, 3);
    q->theta = tr == 0 ? cg_rnd(g, 1, 64) : tr == 1 ? cg_rnd(g, 20000, 32767)
                                                    : (1 << cg_rnd(g, 8, 14)) + cg_rnd(g, -9, 9);
    q->decay_shift = cg_rnd(g, 0, 3) == 0 ? cg_rnd(g, 1, 15) : cg_rnd(g, 1, 6);
    int tl2 = 31 - __builtin_clz((unsigned)q->theta); /* floor(log2(theta)) */
    int wstyle = cg_rnd(g, 0, 1);
    for (int l = 0; l < nl; l++) {
        sgl_fixed_layer *Ly = &q->layer[l];
        int a = tl2 - cg_rnd(g, 6, 11), b = tl2 - cg_rnd(g, 6, 11);
        /* shifts: mostly moderate; one layer in four anywhere in 0..15 (saturation) */
        Ly->sh_in = cg_rnd(g, 0, 3) == 0 ? cg_rnd(g, 0, 15) : (a > 0 ? a : 0);
        Ly->sh_rec = cg_rnd(g, 0, 3) == 0 ? cg_rnd(g, 0, 15) : (b > 0 ? b : 0);
        for (int x = 0; x < Ly->n_pre * Ly->n; x++)
            Ly->w_in[x] = cg_w(g, wstyle);
        for (int j = 0; j < Ly->n; j++)
            for (int i = 0; i < Ly->n; i++)
                Ly->w_rec[j * Ly->n + i] = i == j ? 0 : cg_w(g, wstyle);
        for (int i = 0; i < Ly->n; i++)
            Ly->bias[i] = cg_bias(g);
    }
    int nt = n[nl - 1];
    for (int x = 0; x < nt * C; x++)
        q->w_out[x] = cg_w(g, 1);
    for (int c = 0; c < C; c++)
        q->b_out[c] = (int16_t)cg_rnd(g, -32768, 32767);
    for (int c = 1; c < C; c++) /* one class in four copies the previous: argmax ties */
        if (cg_rnd(g, 0, 3) == 0) {
            q->b_out[c] = q->b_out[c - 1];
            for (int i = 0; i < nt; i++)
                q->w_out[i * C + c] = q->w_out[i * C + c - 1];
        }
    if (cfg == 0) { /* the table the RTL loaded from its $readmemh file */
        q->sg_bits = 16;
        q->sg_shift = cg_rnd(g, 0, 15);
        for (int x = 0; x < q->sg_entries; x++)
            q->sg_code[x] = sg_file[x];
    } else {
        q->sg_bits = cg_rnd(g, 1, 16);
        q->sg_shift = cg_rnd(g, 0, 15);
        for (int x = 0; x < q->sg_entries; x++)
            q->sg_code[x] = (uint16_t)sgl_rng_below(g, 1u << q->sg_bits);
    }
    q->sg_lo = (int32_t)(-(((int64_t)q->sg_entries << q->sg_shift) / 2));
    for (;;) {
        int any = 0;
        if (!sgl_fixed_check(q))
            break;
        for (int l = 0; l < nl; l++) {
            sgl_fixed_layer *Ly = &q->layer[l];
            any |= Ly->sh_in > 0 || Ly->sh_rec > 0;
            Ly->sh_in = Ly->sh_in > 0 ? Ly->sh_in - 1 : 0;
            Ly->sh_rec = Ly->sh_rec > 0 ? Ly->sh_rec - 1 : 0;
        }
        if (!any)
            break;
    }
    if (sgl_fixed_check(q)) {
        fprintf(stderr, "cosim: config %ld: %s\n", cfg, sgl_errmsg());
        return -1;
    }
    return 0;
}

/* A sample of q->n_steps steps: per step each channel active with the sample's rate (0..30 %,
 * one sample in eight 100 %), one event in twenty listed twice (it adds twice); at most ev_max
 * events per step. ev_t, ev_u: room for COSIM_T_MAX * ev_max events. The number of events. */
static int cg_sample(sgl_rng *g, const sgl_fixed_net *q, int ev_max, uint16_t *ev_t,
                     uint16_t *ev_u)
{
    int n_ev = 0;
    int rate = cg_rnd(g, 0, 7) == 0 ? 100 : cg_rnd(g, 0, 30); /* percent per channel */
    int fill = cg_full && cg_rnd(g, 0, 1) == 0;
    for (int t = 0; t < q->n_steps; t++) {
        int cnt = 0;
        if (fill) { /* every channel, then random ones again: the list full */
            for (int u = 0; u < q->n_in && cnt < ev_max; u++, cnt++) {
                ev_t[n_ev] = (uint16_t)t;
                ev_u[n_ev++] = (uint16_t)u;
            }
            for (; cnt < ev_max; cnt++) {
                ev_t[n_ev] = (uint16_t)t;
                ev_u[n_ev++] = (uint16_t)cg_rnd(g, 0, q->n_in - 1);
            }
            continue;
        }
        for (int u = 0; u < q->n_in && cnt < ev_max; u++)
            if (cg_rnd(g, 1, 100) <= rate) {
                ev_t[n_ev] = (uint16_t)t;
                ev_u[n_ev++] = (uint16_t)u;
                cnt++;
                if (cnt < ev_max && cg_rnd(g, 0, 19) == 0) {
                    ev_t[n_ev] = (uint16_t)t; /* listed twice: adds twice */
                    ev_u[n_ev++] = (uint16_t)u;
                    cnt++;
                }
            }
    }
    return n_ev;
}

#endif
