/* SPDX-License-Identifier: MIT */
/* The C reference of rtl/sglif_bwd_neuron.v (docs/rtl.md, "Training engine (design)"): one
 * neuron of the integer BPTT's backward step, the lines of sgl_fixed_grad_backward
 * (sw/fixed_train.c) that make gv_t[i] from gz, the SG code, gamma_q and gv_(t+1), as a
 * function of its own, built from the twin's own pieces (sgl_fixed_rshift_round,
 * sgl_fixed_decay, SGL_FT_GAMMA_FRAC). To fold into the twin: sgl_fixed_grad_backward's inner
 * loop can call it. */
#ifndef SGLIF_SIM_BWD_REF_H
#define SGLIF_SIM_BWD_REF_H

#include <stdint.h>

/* gv_t of one neuron; *sat_gz: gz was clamped to int32; *sat_gv: gv_t was clamped (the twin
 * counts both in g->saturations). The twin's product sat32(gz) code gamma_q is int64:
 * callers keep |code gamma_q| < 2^31 (the quantizer's gamma_q: |code gamma_q| <= about
 * gamma 2^24), where it is exact. */
int32_t sgl_bwd_neuron_ref(int64_t gz, uint16_t code, int32_t gamma_q, int32_t gv_next,
                           int has_next, int z, int reset_mult, int k, int *sat_gz,
                           int *sat_gv);

/* The gather of rtl/sglif_bwd_gather.v: rnd(sum_j w[j] g[j], s) over j < n, the exact int64
 * sum (int8 x int32 products) rounded by the twin's sgl_fixed_rshift_round: the gradient
 * through a recurrent row (or layer 1's W_in) in sgl_fixed_grad_backward. */
int64_t sgl_bwd_gather_ref(const int8_t *w, const int32_t *g, int n, int s);

#endif
