/* SPDX-License-Identifier: MIT */
/* Quantization-aware training (docs/numerics.md, "Quantization-aware training"): the float
 * trainer's forward runs on exactly the integers sgl_fixed_quantize gives the twin, and the
 * gradients go straight through to the float (master) weights. */
#ifndef SGLIF_QAT_H
#define SGLIF_QAT_H

#include "fixed.h"
#include "net.h"

/* The membrane time constant whose alpha = exp(-1/tau) is the twin's 1 - 2^-k (k = 4: 15.4947). */
double sgl_qat_tau(int k);

/* The decay shift sgl_fixed_quantize chooses for a net of time constant tau under opts o. */
int sgl_qat_decay_shift(double tau, const sgl_fixed_opts *o);

/* Quantize master with sgl_fixed_quantize(master, o) and write the twin's values back in float
 * units into shadow: W_in, W_rec = w_q 2^(sh - v_frac), biases b_q 2^-v_frac, W_out, b_out
 * = w_q 2^-out_frac (sgl_fixed_dequantize), theta = theta_q 2^-v_frac, tau = sgl_qat_tau(k);
 * per-neuron gamma and everything else as master. grid gets {1, v_frac, k}. shadow is
 * allocated on the first call (shadow->params == NULL) and reused after. q (may be NULL)
 * receives the quantized net (the caller frees it). Returns 0 or -SGL_E*. */
int sgl_qat_shadow(const sgl_net *master, const sgl_fixed_opts *o, sgl_net *shadow,
                   sgl_qgrid *grid, sgl_fixed_net *q);

#endif
