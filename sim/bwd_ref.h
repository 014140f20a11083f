/* SPDX-License-Identifier: MIT */
/* The C reference of rtl/sglif_bwd_neuron.v (docs/rtl.md, "Training engine"): one
 * neuron of the integer BPTT's backward step, the lines of sgl_fixed_grad_backward
 * (sw/fixed_train.c) that make gv_t[i] from gz, the SG code, gamma_q and gv_(t+1), as a
 * function of its own, built from the twin's own pieces (sgl_fixed_rshift_round,
 * sgl_fixed_decay, SGL_FT_GAMMA_FRAC). To fold into the twin: sgl_fixed_grad_backward's inner
 * loop can call it. */
#ifndef SGLIF_SIM_BWD_REF_H
#define SGLIF_SIM_BWD_REF_H

#include <stdint.h>

/* gv_t of one neuron; *sat_gz: gz was clamped to int24 (SGL_FT_GV_BITS); *sat_gv: gv_t was
 * clamped (the twin counts both in g->saturations). The twin's product sat(gz) code gamma_q
 * is int64:
 * callers keep |code gamma_q| < 2^31 (the quantizer's gamma_q: |code gamma_q| <= about
 * gamma 2^24), where it is exact. */
int32_t sgl_bwd_neuron_ref(int64_t gz, uint16_t code, int32_t gamma_q, int32_t gv_next,
                           int has_next, int z, int reset_mult, int k, int *sat_gz,
                           int *sat_gv);

/* The gather of rtl/sglif_bwd_gather.v: rnd(sum_j w[j] g[j], s) over j < n, the exact int64
 * sum (int8 x int32 products) rounded by the twin's sgl_fixed_rshift_round: the gradient
 * through a recurrent row (or layer 1's W_in) in sgl_fixed_grad_backward. */
int64_t sgl_bwd_gather_ref(const int8_t *w, const int32_t *g, int n, int s);

/* One layer's backward walk as the top layer of sgl_fixed_grad_backward: for t = T-1 .. 0 and
 * i < n, gz = rnd(sum_c w_out[i][c] err[t][c], out_frac) + (t < T-1 ? rnd(sum_j w_rec[i][j]
 * gv[t+1][j], s_rec) : 0), gv[t][i] = sgl_bwd_neuron_ref(gz, ...). w_rec [n][n] (row i: i's
 * outgoing weights), w_out [n][C], err [T][C], z and code [T][n], gamma_q [n]; gv [T][n] out,
 * and clamp [T][n] (bit 0: gz clamped, bit 1: gv clamped). */
void sgl_bwd_walk_ref(int n, int C, int T, const int8_t *w_rec, const int8_t *w_out,
                      const int32_t *err, const uint8_t *z, const uint16_t *code,
                      const int32_t *gamma_q, int s_rec, int out_frac, int k, int reset_mult,
                      int32_t *gv, uint8_t *clamp);

/* The readout error of one step (sim/softmax_ref.c): err[c] from the step's readout sums
 * acc[c] (C classes), out_frac (-8 .. 23), the label and GF: the twin's sgl_fixed_softmax_error. */
void sgl_softmax_error_ref(const int32_t *acc, int C, int out_frac, int label, int GF,
                           int32_t *err);

#endif
