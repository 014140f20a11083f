/* SPDX-License-Identifier: MIT */
/* Placing a network at a chosen initial firing rate by a common bias offset per layer.
 * Conditions I-IV make rate 0.5 a mean-field fixed point (E[v] = theta) but a network started
 * from rest (v = 0, no spikes) and driven by sparse input stays near rate 0 (measured: 1e-4 on
 * randman). `--init stable` therefore ends with this calibration (docs/method.md). */
#ifndef SGLIF_CALIBRATE_H
#define SGLIF_CALIBRATE_H

#include "data.h"
#include "net.h"

/* For each hidden layer in turn, add to all its bias currents the offset, found by bisection,
 * that brings its mean firing rate on the first n_samples samples of d closest to target.
 * rate_out (may be NULL) receives the rates reached. Deterministic. */
int sgl_calibrate_rate(sgl_net *net, const sgl_data *d, int n_samples, double target,
                       int threads, double rate_out[SGL_MAX_LAYERS]);

#endif
