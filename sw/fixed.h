/* SPDX-License-Identifier: MIT */
/* The fixed-point twin: an integer-only model of the hardware LIF core (docs/numerics.md), the
 * quantization of a float network into it, and its inference forward pass. The RTL must compute
 * exactly what sgl_fixed_forward computes, bit for bit. */
#ifndef SGLIF_FIXED_H
#define SGLIF_FIXED_H

#include <stdint.h>

#include "data.h"
#include "net.h"

#define SGL_FIXED_WMAX 127         /* int8 weights are symmetric: -127..127 (-128 unused) */
#define SGL_FIXED_VMIN (-32768)    /* membrane: int16, saturating */
#define SGL_FIXED_VMAX 32767
#define SGL_FIXED_MAX_SHIFT 15     /* weight-to-membrane shifts, decay shift, SG shift: 0..15 */

/* One hidden layer: int8 weights (row-major by presynaptic unit, as sgl_layer), int16 biases
 * in membrane units, and the left shift that takes each weight tensor to membrane units. */
typedef struct {
    int n_pre, n;
    int8_t *w_in;  /* [n_pre][n] */
    int8_t *w_rec; /* [n][n], diagonal zero */
    int16_t *bias; /* [n] membrane units */
    int sh_in, sh_rec; /* current += w << sh (0..15) */
} sgl_fixed_layer;

typedef struct {
    int n_in, n_layers, n_out, n_steps;
    sgl_reset reset;
    int v_frac;        /* membrane units: float v = v_q * 2^-v_frac */
    int32_t theta;     /* threshold in membrane units, 1..32767; spike when v > theta */
    int decay_shift;   /* k: v <- v - asr(v, k), alpha = 1 - 2^-k; 1..15 */
    sgl_fixed_layer layer[SGL_MAX_LAYERS];
    int8_t *w_out;     /* [n_last][n_out] readout weights, readout units */
    int16_t *b_out;    /* [n_out] readout bias, readout units */
    int out_frac;      /* readout units: float logit = l_q * 2^-out_frac (informational) */
    /* SG table: entry i covers v - theta in [sg_lo + i 2^sg_shift, sg_lo + (i+1) 2^sg_shift) */
    int sg_entries;    /* power of two, 2..65536 */
    int sg_bits;       /* code width, 1..16; code / (2^bits - 1) = SG / gamma_neuron */
    int sg_shift;      /* 0..15 */
    int32_t sg_lo;     /* = -(sg_entries << sg_shift) / 2 */
    uint16_t *sg_code; /* [sg_entries] */
} sgl_fixed_net;

/* Quantization knobs (sgl_fixed_opts_default: theta_log2 10, decay_shift 0 = automatic,
 * 256 entries of 8 bits, sg_range 0 = automatic). */
typedef struct {
    int theta_log2;   /* membrane scale chosen so that theta -> 2^theta_log2 (1..14) */
    int decay_shift;  /* k; 0 chooses the k whose 1 - 2^-k is nearest to alpha */
    int sg_entries, sg_bits;
    double sg_range;  /* half-width of the table in float units of v - theta; 0 = automatic */
    int headroom;     /* weight tensors' largest |w| at 127 2^-headroom (0; training: room
                       * to grow, docs/numerics.md "Start") */
} sgl_fixed_opts;

/* What quantization did (for logs and tests). */
typedef struct {
    double alpha, alpha_q;          /* float decay and 1 - 2^-k */
    double sg_range;                /* the table's half-width actually used, float units */
    long w_clipped;                 /* weights and biases clipped to their integer range */
    double w_err_max[SGL_MAX_LAYERS][2]; /* max |w - w_q 2^-e| of W_in, W_rec (float units) */
    double w_out_err_max;
} sgl_fixed_report;

/* Counts of one or more forwards (added to, not reset). */
typedef struct {
    long updates;                 /* neuron updates (neurons x steps x samples) */
    long v_saturations;           /* membrane updates clamped to int16 */
    long spikes[SGL_MAX_LAYERS];
} sgl_fixed_stats;

/* Per step and layer: membranes after the update, spikes, SG codes of the n neurons. */
typedef void (*sgl_fixed_trace_fn)(void *ctx, int layer, int t, int n, const int16_t *v,
                                   const uint8_t *z, const uint16_t *code);

void sgl_fixed_opts_default(sgl_fixed_opts *o);

/* Allocate a zeroed twin of the given sizes (reset SUB, theta 1 << 13, v_frac 13, k 4, a
 * zero SG table of sg_entries entries of 8 bits, shift 0). Returns 0 or -SGL_E*. */
int sgl_fixed_alloc(sgl_fixed_net *q, int n_in, int n_layers, const int *n_hidden, int n_out,
                    int n_steps, int sg_entries);
void sgl_fixed_free(sgl_fixed_net *q);
/* Check every field against the contract (ranges, widths, accumulator bounds). 0 or
 * -SGL_EUSAGE naming the field. */
int sgl_fixed_check(const sgl_fixed_net *q);

/* The decay shift quantization uses: `given` if > 0, else the k in 1..15 whose 1 - 2^-k is
 * nearest to alpha (ties to the smaller k). */
int sgl_fixed_decay_shift(double alpha, int given);

/* Quantize a float network (ALIF and the smooth test mode are refused). rep may be NULL. */
int sgl_fixed_quantize(const sgl_net *net, sgl_fixed_net *q, const sgl_fixed_opts *o,
                       sgl_fixed_report *rep);

/* Integer-only forward of one sample. pred (may be NULL) gets the argmax of logit_sum (ties to
 * the lowest class); logit_sum (may be NULL, [n_out]) the readout summed over steps; st (may
 * be NULL) is added to; trace (may be NULL) is called after each layer's step. */
int sgl_fixed_forward(const sgl_fixed_net *q, const sgl_sample *s, int *pred, int32_t *logit_sum,
                      sgl_fixed_stats *st, sgl_fixed_trace_fn trace, void *ctx);

/* Per step and layer, for the lock-step checks against the RTL (sim/cosim.cpp,
 * sim/cosim_vectors.c): the membranes after the update and a flag per neuron, 1 where the
 * update was clamped to int16 (the core's saturation flag, tr_sat_o). */
typedef void (*sgl_fixed_sat_fn)(void *ctx, int layer, int t, int n, const int16_t *v,
                                 const uint8_t *sat);

/* sgl_fixed_forward with a second hook: sat (may be NULL) is called after each layer's step,
 * after trace, with the same ctx. Without it the forward is sgl_fixed_forward's (the flags
 * are computed only when someone asks for them). */
int sgl_fixed_forward_sat(const sgl_fixed_net *q, const sgl_sample *s, int *pred,
                          int32_t *logit_sum, sgl_fixed_stats *st, sgl_fixed_trace_fn trace,
                          sgl_fixed_sat_fn sat, void *ctx);

/* Forward every sample of d: accuracy and predictions (pred may be NULL, [n_samples]). */
int sgl_fixed_evaluate(const sgl_fixed_net *q, const sgl_data *d, double *acc, int *pred,
                       sgl_fixed_stats *st);

/* The primitives, exposed for the tests and the RTL's test vectors. */
/* floor(v / 2^k) for 0 <= k <= 31, written without shifting a negative number. */
static inline int32_t sgl_fixed_asr(int32_t v, int k)
{
    return v >= 0 ? (int32_t)((uint32_t)v >> k) : (int32_t)(-1 - (int32_t)((uint32_t)(-1 - v) >> k));
}
/* v - floor(v / 2^k). */
static inline int32_t sgl_fixed_decay(int32_t v, int k) { return v - sgl_fixed_asr(v, k); }
/* Clamp to int16; *sat incremented when clamped. */
static inline int32_t sgl_fixed_sat16(int32_t v, long *sat)
{
    if (v > SGL_FIXED_VMAX) {
        (*sat)++;
        return SGL_FIXED_VMAX;
    }
    if (v < SGL_FIXED_VMIN) {
        (*sat)++;
        return SGL_FIXED_VMIN;
    }
    return v;
}
/* Table index of x = v - theta: clamp(asr(x - sg_lo, sg_shift), 0, sg_entries - 1). */
static inline int sgl_fixed_sg_index(const sgl_fixed_net *q, int32_t x)
{
    int64_t d = (int64_t)x - (int64_t)q->sg_lo; /* |x| < 2^17, |sg_lo| <= 2^30: no overflow */
    if (d < 0)
        return 0;
    int64_t i = d >> q->sg_shift; /* d >= 0 here */
    return i >= q->sg_entries ? q->sg_entries - 1 : (int)i;
}

#endif
