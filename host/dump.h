/* SPDX-License-Identifier: MIT */
/* Spike dumps (sglif eval --dump): per sample, the input spikes, every hidden layer's spikes
 * and the readout's per-step values, in HDF5 (docs/formats.md, "Spike dumps"). */
#ifndef SGLIF_DUMP_H
#define SGLIF_DUMP_H

#include <stdint.h>

#include "data.h"
#include "fixed.h"
#include "net.h"

typedef struct cli_dump cli_dump;

/* Create path for n samples of the network's sizes; backend and spec go into attributes. */
int cli_dump_open(cli_dump **out, const char *path, const sgl_config *c, int n,
                  const char *backend, const char *model, const char *spec);
/* Sample i: input events s, spikes z[l] ([n_steps][n_hidden[l]] 0/1), readout
 * ([n_steps][n_out]), label and prediction. */
int cli_dump_sample(cli_dump *d, int i, const sgl_sample *s, uint8_t *const *z,
                    const double *readout, int pred);
int cli_dump_close(cli_dump *d); /* also on error paths; returns the first error */

/* Read sample i of a dump: sizes, the input [T][n_in] and each layer's spikes [T][n[l]]
 * (malloc'ed; the caller frees them), label and prediction. -SGL_EIO: cannot open;
 * -SGL_EDATA: not a dump, or i out of range. */
int cli_dump_read(const char *path, long i, int *T, int *n_in, int *L, int *n, uint8_t **in,
                  uint8_t **z, int *label, int *pred);

/* The float network's spikes and readout of one sample: z[l] as above, readout
 * ([n_steps][n_out]) = b_out + sum_j z_j W_out[j] in double. */
int cli_dump_float(sgl_work *w, const sgl_net *net, const sgl_sample *s, uint8_t *const *z,
                   double *readout);

/* A sgl_fixed_forward trace that copies each layer's spikes into z[layer] ([T][n]). */
typedef struct {
    uint8_t **z;
    int T;
} cli_dump_trace_ctx;
void cli_dump_trace(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                    const uint16_t *code);

/* The twin's readout per step from its last layer's spikes z ([n_steps][n_last]):
 * (b_out + sum_j z_j W_out[j]) 2^-out_frac, into readout ([n_steps][n_out]). */
void cli_dump_fixed_readout(const sgl_fixed_net *q, const uint8_t *z, double *readout);

#endif
