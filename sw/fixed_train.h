/* SPDX-License-Identifier: MIT */
/* Training on twin numbers (docs/numerics.md, "Training on twin numbers"): the forward pass is
 * the integer twin (sgl_fixed_forward with its trace), the backward pass (BPTT through the
 * network, cut reset) is integer with explicit rounding, and the weight update is SGD with a
 * power-of-two learning rate and stochastic rounding from a seeded PCG32 stream. Only the
 * softmax / cross-entropy error of the readout is computed in floating point (on the host). */
#ifndef SGLIF_FIXED_TRAIN_H
#define SGLIF_FIXED_TRAIN_H

#include <stdint.h>

#include "data.h"
#include "fixed.h"
#include "net.h"
#include "rng.h"
#include "train.h"

#define SGL_FT_GAMMA_FRAC 24 /* gamma_q = round(gamma 2^24 / (2^bits - 1)) */

typedef struct {
    int epochs;      /* 5 */
    int batch;       /* 32 */
    int grad_frac;   /* GF: gradients are int in units of 2^-GF (default 16, 4..24) */
    int lr_shift;    /* SGD step 2^-lr_shift (default 5, 0..40; see normalize) */
    int state_shift; /* 1: biases and W_rec step a further 2^-k (the decay shift; as --state-lr) */
    int normalize;   /* 1 (default): per tensor, the largest step is 2^-lr_shift float units */
    uint64_t seed;   /* shuffle stream and rounding stream (see docs) */
    int keep_start;  /* 1: the starting weights compete too (validated before the first
                      * epoch; best_epoch -1 when no epoch beats them): for fine-tuning */
} sgl_fixed_train_opts;

/* Integer gradient accumulators (sums over the samples added since the last zero) and the
 * per-sample work space. Tensors in the twin's layout. */
typedef struct {
    int grad_frac;
    int32_t *gamma_q[SGL_MAX_LAYERS]; /* [n] per-neuron dampening, fixed point (above) */
    int64_t *w_in[SGL_MAX_LAYERS], *w_rec[SGL_MAX_LAYERS], *bias[SGL_MAX_LAYERS];
    int64_t *w_out, *b_out;
    long saturations; /* gz / gv values clamped to int32 */
    double loss;      /* sum over samples of the mean over steps of the cross-entropy */
    int correct, samples;
    /* work: per layer [T][n] spikes, codes, gv; gz [n]; error [C] */
    uint8_t *z[SGL_MAX_LAYERS];
    uint16_t *code[SGL_MAX_LAYERS];
    int32_t *gv[SGL_MAX_LAYERS];
    int64_t *gz;
    int32_t *err;
    double *logit;
    int T;
} sgl_fixed_grad;

typedef struct {
    int epochs_run;
    double best_valid_acc; /* twin accuracy on valid (-1 without) */
    int best_epoch;
    double final_train_loss, final_train_acc;
    long grad_saturations;
} sgl_fixed_train_result;

void sgl_fixed_train_opts_default(sgl_fixed_train_opts *o);

/* Stochastic rounding of x / 2^s with one draw u = sgl_rng_u32(r), always consumed (also for
 * s <= 0, where the result x 2^-s is exact). s > 0: q = floor(x / 2^s), rem = x - q 2^s;
 * result q + 1 if (s <= 32 ? u >> (32 - s) < rem : u < rem >> (s - 32)), else q. */
int64_t sgl_fixed_sround(int64_t x, int s, sgl_rng *r);
/* Round to nearest (ties up) of x / 2^s: floor((x + 2^(s-1)) / 2^s); s <= 0: x 2^-s. */
int64_t sgl_fixed_rshift_round(int64_t x, int s);

/* gamma: the per-neuron dampening of a float net with the same sizes (net->layer[l].gamma), or
 * NULL for gamma = 1 everywhere. */
int sgl_fixed_grad_init(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_net *gamma,
                        int grad_frac);
void sgl_fixed_grad_free(sgl_fixed_grad *g);
void sgl_fixed_grad_zero(sgl_fixed_grad *g, const sgl_fixed_net *q);
/* Forward one sample on the twin and add its integer gradient of sum_t CE_t to g. The float
 * gradient of the mean loss over a batch of B samples is g / (2^GF B T) per unit of float
 * parameter (parameter float = int 2^-e, e: v_frac - sh, v_frac, out_frac). */
int sgl_fixed_grad_sample(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s);
/* The backward half of sgl_fixed_grad_sample: g->z[l] and g->code[l] ([T][n] per layer) hold
 * the sample's forward, from the twin or from a board's history (sglif device train); pred is
 * its prediction. Adds the sample's gradient to g. */
int sgl_fixed_grad_backward(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s,
                            int pred);

/* One SGD step with stochastic rounding: one draw per stored parameter, in the order of the
 * docs; weights clipped to -127..127, biases to int16, W_rec's diagonal kept 0. */
void sgl_fixed_sgd_step(sgl_fixed_net *q, const sgl_fixed_grad *g, int lr_shift, int state_shift,
                        int normalize, sgl_rng *r);

/* What a run does around the arithmetic; every member may be 0 / NULL (the twin, no
 * checkpoints). forward: the forward pass of one sample, filling g->z and g->code of every
 * layer and step and *pred (default: the twin, sgl_fixed_forward); updated: called with the
 * new weights after every SGD step and once before the first batch (a board rewrites its
 * memories); evaluate: accuracy on valid (default sgl_fixed_evaluate). checkpoint: a file
 * written at each epoch end, at most every checkpoint_secs seconds between batches (0: 60) and
 * when *stop becomes set (then the run returns -SGL_EINTR); resume: continue from it (it must
 * come from the same start: the same q, options and data, which a fingerprint checks). The
 * result, resumed or not, is bit for bit that of an uninterrupted run. */
typedef struct {
    int (*forward)(void *ctx, const sgl_fixed_net *q, const sgl_sample *s, sgl_fixed_grad *g,
                   int *pred);
    int (*updated)(void *ctx, const sgl_fixed_net *q);
    int (*evaluate)(void *ctx, const sgl_fixed_net *q, const sgl_data *valid, double *acc);
    /* after a batch's forward passes, before its SGD step: 0 (go on), 1 (the forwards ran on
     * other weights, e.g. a board that was reset; the weights are back: run the batch again,
     * at most 3 times) or -SGL_E* */
    int (*verify)(void *ctx, const sgl_fixed_net *q);
    void *ctx;
    const char *checkpoint;
    int resume;
    double checkpoint_secs;
    volatile sig_atomic_t *stop;
    sgl_progress_fn progress;
    void *progress_user;
} sgl_fixed_train_hooks;

/* Train q in place on train for o->epochs (keeping the weights of the best twin accuracy on
 * valid, which may be NULL or empty: then the last). gamma as in sgl_fixed_grad_init. */
int sgl_fixed_train(sgl_fixed_net *q, const sgl_net *gamma, const sgl_data *train,
                    const sgl_data *valid, const sgl_fixed_train_opts *o,
                    sgl_fixed_train_result *res);
/* The same with hooks (NULL: none). */
int sgl_fixed_train_run(sgl_fixed_net *q, const sgl_net *gamma, const sgl_data *train,
                        const sgl_data *valid, const sgl_fixed_train_opts *o,
                        const sgl_fixed_train_hooks *h, sgl_fixed_train_result *res);

/* Write the twin's weights into a float net of the same sizes (w = w_q 2^(sh - v_frac), bias =
 * b_q 2^-v_frac, readout 2^-out_frac): sgl_fixed_quantize of the result gives the same
 * predictions (the same integers up to a power of two per tensor). */
int sgl_fixed_dequantize(const sgl_fixed_net *q, sgl_net *net);

#endif
