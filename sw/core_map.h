/* SPDX-License-Identifier: MIT */
/* The core's memory map (docs/rtl.md, "Memory map"), host side: the configuration writes that
 * put a twin net (sw/fixed.h) into rtl/sglif_lif_core.v, for every program that talks to a
 * core: the Verilator harnesses (sim/core_port.h, sim/cosim_vectors.c) and `sglif device`
 * (through the link's WRITE_MEM, docs/protocol.md). The selects, register addresses, widths,
 * latencies and cycle constants (SGL_SEL_*, SGL_REG_*, SGL_RB_LAT, SGL_LAYER_OVERHEAD, ...)
 * come from rtl/core_map.csv through the generated sglif_core_map.h, as the RTL's do. */
#ifndef SGLIF_CORE_MAP_H
#define SGLIF_CORE_MAP_H

#include <stdint.h>

#include "fixed.h"
#include "sglif_core_map.h"

/* The core's parameters and the address widths derived from them (as the RTL derives them). */
typedef struct {
    int n, n_in, n_out, p, l, sg_entries, ev_entries; /* N, N_IN, N_OUT, P, L, 2^SG_AW, 2^EV_AW */
    int nw, cw, gw, nb, bb, lb, rw;                   /* clog2(N), clog2(N_OUT), ... */
} sgl_core_shape;

/* Fill s from the parameters (sg_entries and ev_entries may be 0 when unknown: they only set
 * the depths of their selects). 0 or -SGL_EUSAGE. */
int sgl_core_shape_init(sgl_core_shape *s, int n, int n_in, int n_out, int p, int l,
                        int sg_entries, int ev_entries);
/* Words of a select (0: no such select); the device's MODEL_CRC reads them all. */
uint32_t sgl_core_depth(const sgl_core_shape *s, int sel);
/* Does the net fit the core? 0, or -SGL_EUSAGE naming what is too large. */
int sgl_core_fits(const sgl_core_shape *s, const sgl_fixed_net *q);

/* The cycles-per-step model (docs/rtl.md, "Cycles per step"): one layer of a step with n
 * neurons in use, p lanes and ops = E + S, (G - 1) max(c, p) + c + m - 1 + SGL_LAYER_OVERHEAD
 * (c = max(ops, 1), G = ceil(n / p) groups, m neurons in the last group); a step's fixed part
 * for a core of n_out classes, SGL_STEP_FIXED, plus SGL_STEP_PER_CLASS n_out +
 * SGL_STEP_SCAN_FIXED when the step runs the readout's argmax scan (scan != 0: the core's
 * argmax_i; the device asks for it on every step without the training engine, on a RUN's last
 * step with it). */
uint64_t sgl_core_layer_cycles(int p, int n, uint64_t ops);
uint64_t sgl_core_step_fixed(int n_out, int scan);
/* The core's clear (clear_i taken to done_o): n0 (+ n1) + SGL_CLEAR_FIXED, n1 0 for one layer. */
uint64_t sgl_core_clear_cycles(int n0, int n1);
/* The cycles the device answers (docs/rtl.md, "The device's cycles"): every executor cycle of a
 * request from the one that takes it to the one that decides its reply. sgl_cmd_cycles: those
 * before it is carried out, SGL_CMD_FIXED + SGL_CMD_HDR_BYTE min(len, 8) (TRAIN and UPDATE add
 * the engine's); sgl_run_cycles: a RUN of a len-byte payload with `steps` steps whose core
 * cycles (start_i taken to done_o) sum to `core`, cleared first when clear (the core's clear
 * cycles clear_core), both walks of the payload included. */
uint64_t sgl_cmd_cycles(uint64_t len);
uint64_t sgl_run_cycles(uint64_t len, uint64_t steps, uint64_t core, int clear, uint64_t clear_core);

typedef void (*sgl_core_write_fn)(void *ctx, int sel, uint32_t addr, uint16_t data);
/* Rows row0 .. row0 + nrows - 1 of the weight banks from w[r][i] (n postsynaptic neurons,
 * row-major): one bank word per (row, group, bank), {W[r][gP + 2b + 1], W[r][gP + 2b]} (0 beyond
 * n). */
void sgl_core_write_rows(const sgl_core_shape *s, int row0, int nrows, int n, const int8_t *w,
                         sgl_core_write_fn f, void *ctx);
/* Weight row of the first W_in / W_rec row of layer l. */
int sgl_core_row_in(const sgl_core_shape *s, int l);
int sgl_core_row_rec(const sgl_core_shape *s, int l);
/* Every memory and register of a net that fits (one or two layers), in this order: per layer
 * W_in, W_rec, biases, its shifts and neuron count; the layer count; the SG table (when
 * write_sg); theta, k, the SG shift and size, the reset mode; W_out, b_out, the class count. */
void sgl_core_load(const sgl_core_shape *s, const sgl_fixed_net *q, int write_sg,
                   sgl_core_write_fn f, void *ctx);

#endif
