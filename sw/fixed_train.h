/* SPDX-License-Identifier: MIT */
/* The integer learning rule (docs/numerics.md, "The integer learning rule"): wholly integer.
 * The forward pass is the integer twin (sgl_fixed_forward with its trace), the readout error
 * an integer softmax (a 256-word table of powers of two and one division a step), the backward
 * pass (BPTT through the network, cut reset) integer with explicit rounding, and the update
 * normalizes each postsynaptic unit's gradient by its RMS, keeps an int16 momentum of it and
 * steps every parameter by the integer learning rate (times the schedule) in the direction of
 * the momentum's sign, rounded stochastically (seeded PCG32 stream) onto master weights 8
 * bits finer than the int8 weights of the forward. */
#ifndef SGLIF_FIXED_TRAIN_H
#define SGLIF_FIXED_TRAIN_H

#include <stdint.h>

#include "data.h"
#include "fixed.h"
#include "net.h"
#include "rng.h"
#include "sglif_core_map.h"
#include "train.h"

#define SGL_FT_GAMMA_FRAC 24   /* gamma_q = round(gamma 2^24 / (2^bits - 1)) */
#define SGL_FT_MASTER_FRAC 8   /* master weights: 8 bits below the int8 / int16 weight */
#define SGL_FT_LR_FRAC 16      /* the learning rate is an integer in units of 2^-16 */
#define SGL_FT_EXP_FRAC 8      /* the softmax's exponent: units of 2^-8 of a power of two */
#define SGL_FT_HEADROOM 6      /* the start's weights use 127 2^-6 at most: room to grow */
#define SGL_FT_EPOCHS 60       /* sglif train --backend fixed's default (float's 30, twice) */
#define SGL_FT_LR_MAX 655      /* the default lr at most: 0.01 (2^-16 units) */
#define SGL_FT_LR_EPOCH 163840 /* the default lr times the batches of an epoch: 2.5 (2^-16) */
#define SGL_FT_WD_SHIFT 4      /* weights decay by lr_t 2^-4 of themselves a step (AdamW's wd) */
#define SGL_FT_GV_BITS SGL_GV_W /* the backward clamps gz and gv to int24 (rtl/core_map.csv) */

typedef struct {
    int epochs;      /* SGL_FT_EPOCHS */
    int batch;       /* 32 */
    int threads;     /* 0: all cores (the result does not depend on it) */
    int grad_frac;   /* GF: gradients are int in units of 2^-GF (default 16, 4..24) */
    int32_t lr;      /* step in units of 2^-16 float units (1..65535; default 655 = 0.01) */
    int state_shift; /* 1: biases and W_rec step a further 2^-k (the decay shift; --state-lr) */
    int schedule;    /* 1: lr times 1 - x^2 (3 - 2x) over the run (x = batch / batches) */
    int momentum;    /* b2: M <- M - M 2^-b2 + gn 2^-b2 (default 6); 0: the sign of gn alone */
    int row_norm;    /* 1: gn normalized per postsynaptic unit (default); 0: per tensor */
    int wd_shift;    /* weights (not biases) decay by lr_t 2^-16 2^-wd_shift of themselves a
                      * step, in the step's one rounding (default 4); 0: no decay */
    uint64_t seed;   /* shuffle stream and rounding stream (see docs) */
    int keep_start;  /* 1: the starting weights compete too (validated before the first
                      * epoch; best_epoch -1 when no epoch beats them): for fine-tuning */
    int window;      /* 0: BPTT over the whole sample (default); W > 0: truncated windows of
                      * W steps, what a training engine with a history of W steps does
                      * (docs/numerics.md, "Samples longer than the history") */
} sgl_fixed_train_opts;

/* One sample's forward as the backward needs it: per layer [T][n] spikes and SG codes. */
typedef struct {
    uint8_t *z[SGL_MAX_LAYERS];
    uint16_t *code[SGL_MAX_LAYERS];
} sgl_fixed_trace;

/* Integer gradient accumulators (sums over the samples added since the last zero) and the
 * per-sample work space. Tensors in the twin's layout. */
typedef struct {
    int grad_frac;
    int window; /* 0 (after init): the whole sample; W > 0: windows of W steps (the option) */
    int32_t *gamma_q[SGL_MAX_LAYERS]; /* [n] per-neuron dampening, fixed point (above) */
    int64_t *w_in[SGL_MAX_LAYERS], *w_rec[SGL_MAX_LAYERS], *bias[SGL_MAX_LAYERS];
    int64_t *w_out, *b_out;
    long saturations; /* gz / gv values clamped to int24 (SGL_FT_GV_BITS) */
    int64_t loss;     /* sum over samples and steps of CE_t in units of 2^-8 bit (integer) */
    int correct, samples;
    /* work: per layer [T][n] spikes and codes (the trace of sgl_fixed_grad_sample), gv;
     * gz [n]; error [T][C] */
    uint8_t *z[SGL_MAX_LAYERS];
    uint16_t *code[SGL_MAX_LAYERS];
    int32_t *gv[SGL_MAX_LAYERS];
    int64_t *gz;
    int32_t *err;
    int32_t *acc;
    int T;
} sgl_fixed_grad;

/* The rule's state beyond the int8 weights (docs/numerics.md, "The integer learning rule"):
 * master weights with SGL_FT_MASTER_FRAC more bits (the int8 / int16 the forward uses is
 * asr(master, 8)) and a momentum of the normalized gradient, int16 per parameter. */
typedef struct {
    int16_t *w_in[SGL_MAX_LAYERS], *w_rec[SGL_MAX_LAYERS];
    int32_t *bias[SGL_MAX_LAYERS];
    int16_t *w_out;
    int32_t *b_out;
    int16_t *m_in[SGL_MAX_LAYERS], *m_rec[SGL_MAX_LAYERS], *m_bias[SGL_MAX_LAYERS];
    int16_t *m_out, *m_bout;
    int64_t *nu;    /* work: per unit multiplier, [max(n, C)] */
    long w_clamped; /* master values clamped to their range (counted) */
    long g_wide;    /* batches with a gradient sum outside the engine's GRAD_W-bit words
                     * (sgl_fixed_update counts; 0 while the batch keeps the bound) */
} sgl_fixed_master;

typedef struct {
    int epochs_run;
    double best_valid_acc; /* twin accuracy on valid (-1 without) */
    int best_epoch;
    double final_train_loss, final_train_acc;
    long grad_saturations; /* gz / gv clamped to int24 (SGL_FT_GV_BITS) */
    long w_clamped;        /* master weights and biases clamped to their range */
    long grad_wide;        /* batches whose gradient sums left GRAD_W bits (sgl_fixed_master) */
} sgl_fixed_train_result;

void sgl_fixed_train_opts_default(sgl_fixed_train_opts *o);
/* Refuses options out of range (-SGL_EUSAGE, one line naming the option). */
int sgl_fixed_train_opts_check(const sgl_fixed_train_opts *o);

/* Stochastic rounding of x / 2^s with one draw u = sgl_rng_u32(r), always consumed (also for
 * s <= 0, where the result x 2^-s is exact). s > 0: q = floor(x / 2^s), rem = x - q 2^s;
 * result q + 1 if (s <= 32 ? u >> (32 - s) < rem : u < rem >> (s - 32)), else q. */
int64_t sgl_fixed_sround(int64_t x, int s, sgl_rng *r);
/* Round to nearest (ties up) of x / 2^s: floor((x + 2^(s-1)) / 2^s); s <= 0: x 2^-s. */
int64_t sgl_fixed_rshift_round(int64_t x, int s);
/* floor(sqrt(x)) */
uint64_t sgl_fixed_isqrt(uint64_t x);

/* The integer readout error of one step (docs: "Readout error"): acc[c] the step's readout
 * sums (readout units, float = acc 2^-out_frac), label; err[c] = p_c - 2^GF [c = label] with
 * p_c the integer softmax in units of 2^-GF. Returns the step's cross-entropy in units of
 * 2^-8 bit (integer log2). */
int64_t sgl_fixed_softmax_error(const int32_t *acc, int C, int out_frac, int label, int GF,
                                int32_t *err);

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
/* The backward half of sgl_fixed_grad_sample: tr holds the sample's forward, from the twin or
 * from a board's history (sglif device train); pred is its prediction. Adds the sample's
 * gradient to g. With g->window = W > 0 the sample's steps are cut into windows [w, w + W)
 * (the last one shorter), each walked back on its own: g^v = 0 at its end, no W_rec gradient
 * at its first step (no spikes before it); the forward (tr) is the whole sample's. */
int sgl_fixed_grad_backward(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s,
                            const sgl_fixed_trace *tr, int pred);

/* The master state of q's weights (master = w_q 2^8 + 128; momentum 0) and its release. */
int sgl_fixed_master_init(sgl_fixed_master *m, const sgl_fixed_net *q);
void sgl_fixed_master_free(sgl_fixed_master *m);
/* One update of the rule (docs): the gradient normalized per postsynaptic unit, a momentum of
 * it, a step of lr_t in the direction of its sign, stochastically rounded onto the master;
 * q's weights become asr(master, 8). One draw per stored parameter, in the order of the
 * docs. A batch whose gradient sums do not all fit the engine's GRAD_W-bit words
 * (rtl/core_map.csv) is counted in m->g_wide (the twin's int64 sums are exact either way). */
void sgl_fixed_update(sgl_fixed_net *q, sgl_fixed_master *m, const sgl_fixed_grad *g,
                      const sgl_fixed_train_opts *o, int32_t lr_t, sgl_rng *r);
/* One tensor of sgl_fixed_update (K x P, [k P + p]) with its step shift S and decay shift wd
 * given (wd 0: no decay; a wide tensor never decays), for the RTL update's harness
 * (sim/upd_test.cpp): wm int16 masters (int32 when wide), mom, wq int8 (int16 when wide), G,
 * diag (W_rec: k = p not written), row_norm and b2 as in the options; one draw per entry from
 * r; clamps added to *clamped; nu: work, [P]. */
void sgl_fixed_update_tensor(void *wm, int16_t *mom, void *wq, size_t K, size_t P,
                             const int64_t *G, int S, int wd, int wide, int diag, int row_norm,
                             int b2, int32_t lr_t, sgl_rng *r, long *clamped, int64_t *nu);
/* The step shift S of a tensor whose float value is int 2^-e (ks: k for biases and W_rec,
 * else 0): a step of lr_t (units of 2^-16 float) is lr_t 2^-S master units. One integer per
 * tensor (a register of the hardware's update unit). */
int sgl_fixed_step_shift(int e, int ks);
/* sglif train's default lr for n_train samples in batches of batch: round(2.5 2^16 / B), B
 * the batches of an epoch, at most 655 (0.01) and at least 1: an epoch's sign steps add up to
 * 2.5 float units or less, whatever the size of the data set (randman's 250 batches: 655,
 * Fashion-MNIST's 1719: 95). */
int32_t sgl_fixed_lr_default(long n_train, int batch);
/* lr_t of batch i of n (0-based) under o's schedule. */
int32_t sgl_fixed_lr_at(const sgl_fixed_train_opts *o, long i, long n);
/* The largest batch whose gradient sums the engine's GRAD_W-bit words hold exactly, for
 * samples of T steps whose (t, u) pairs are unique (a word then takes at most T addends a
 * sample) and GF fraction bits: floor((2^(GRAD_W-1) - 1) / (T 2^max(GV_W - 1, GF))), since
 * every addend (gv, clamped, or e_t, |e| <= 2^GF) is at most 2^max(GV_W - 1, GF) in size
 * (docs/rtl.md, "The gradient memories"): 40 at T 100, GF 16. */
long sgl_fixed_grad_exact_batch(int T, int grad_frac);

/* What a board that runs the rule itself reports of a batch (the step hook, below): samples
 * whose prediction was the label, gz / gv clamps, master clamps. */
typedef struct {
    long correct, saturations, clamped;
} sgl_fixed_batch_counts;

/* q's weights from the masters: asr(master, 8) everywhere (W_rec's diagonal stays 0). */
void sgl_fixed_master_weights(sgl_fixed_net *q, const sgl_fixed_master *m);

/* What a run does around the arithmetic; every member may be 0 / NULL (the twin, no
 * checkpoints). forward: the forward pass of one sample, filling tr's z and code of every
 * layer and step and *pred (default: the twin, sgl_fixed_forward); updated: called with the
 * new weights after every SGD step and once before the first batch (a board rewrites its
 * memories); evaluate: accuracy on valid (default sgl_fixed_evaluate). checkpoint: a file
 * written at each epoch end, at most every checkpoint_secs seconds between batches (0: 60) and
 * when *stop becomes set (then the run returns -SGL_EINTR); resume: continue from it (it must
 * come from the same start: the same q, options and data, which a fingerprint checks). The
 * result, resumed or not, is bit for bit that of an uninterrupted run. */
typedef struct {
    int (*forward)(void *ctx, const sgl_fixed_net *q, const sgl_sample *s, sgl_fixed_trace *tr,
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
    /* A board that runs the whole rule itself (sglif device train's engine path; all four set
     * or none). sample: one sample's forward and backward, its gradient added to the board's
     * sums (replaces forward, verify and the host's backward). step: the batch's update with
     * lr_t, the weights written into the board's forward (replaces sgl_fixed_update and
     * updated); *bc: the batch's counts as far as the board knows them. load: write m, the
     * rounding stream r and the rule's constants (g's gamma_q, o) into the board, after the
     * start's updated (and after a resume). sync: read the board's m and r back and set q's
     * weights to asr(master, 8) (sgl_fixed_master_weights): before every checkpoint, before
     * each epoch's validation and at the end. The run stays bit for bit the twin's. */
    int (*sample)(void *ctx, const sgl_fixed_net *q, const sgl_sample *s);
    int (*step)(void *ctx, int32_t lr_t, sgl_fixed_batch_counts *bc);
    int (*load)(void *ctx, const sgl_fixed_net *q, const sgl_fixed_master *m, const sgl_rng *r,
                const sgl_fixed_grad *g, const sgl_fixed_train_opts *o);
    int (*sync)(void *ctx, sgl_fixed_net *q, sgl_fixed_master *m, sgl_rng *r);
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
