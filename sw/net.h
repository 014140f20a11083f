/* SPDX-License-Identifier: MIT */
/* The float network: recurrent LIF layers (1 to 3), optional ALIF adaptation, a dense readout,
 * and its BPTT with the surrogate gradient. Equations in docs/method.md. */
#ifndef SGLIF_NET_H
#define SGLIF_NET_H

#include "common.h"
#include "sg.h"

#define SGL_MAX_LAYERS 3

typedef enum { SGL_RESET_SUB = 0, SGL_RESET_MULT = 1 } sgl_reset;

typedef struct {
    int n_in;                     /* input channels */
    int n_layers;                 /* hidden recurrent LIF layers, 1..3 */
    int n_hidden[SGL_MAX_LAYERS]; /* width of each */
    int n_out;                    /* classes */
    int n_steps;                  /* time steps per sample (sets the ALIF default tau_a) */
    double tau;                   /* membrane time constant in steps: alpha = exp(-1/tau) */
    double theta;                 /* threshold */
    sgl_reset reset;
    int reset_grad;  /* 1: keep the gradient through the reset term (the paper cuts it) */
    int alif;        /* 1: adaptive threshold */
    double alif_beta;  /* threshold increment per unit of adaptation, 1.8 */
    double alif_tau;   /* adaptation time constant in steps; 0 = n_steps / 2 */
    sgl_sg sg;         /* SG shape and knobs (gamma here is the default per-neuron dampening) */
} sgl_config;

/* Parameters of one hidden layer. Weights are row-major by presynaptic unit so that a spike
 * adds one contiguous row (event-driven forward). */
typedef struct {
    int n_pre, n;
    real *w_in;  /* [n_pre][n] */
    real *w_rec; /* [n][n], diagonal held at zero */
    real *bias;  /* [n] learnable bias current */
    real *gamma; /* [n] per-neuron dampening (not learned) */
} sgl_layer;

typedef struct {
    sgl_config cfg;
    sgl_layer layer[SGL_MAX_LAYERS];
    real *w_out; /* [n_last][n_out] */
    real *b_out; /* [n_out] */
    /* All learnable parameters live in one block so optimizers and files see one vector. */
    real *params;
    size_t n_params;
} sgl_net;

/* Fill a config with the defaults (tau = 20 steps, theta = 1, subtraction reset, fast-sigmoid
 * SG with gamma = 1, beta = 1, q = 2, ALIF beta 1.8, one hidden layer of 256). */
void sgl_config_default(sgl_config *c);
/* Check a config; returns 0 or -SGL_EUSAGE with a message. */
int sgl_config_check(const sgl_config *c);
double sgl_config_alpha(const sgl_config *c);
double sgl_config_rho(const sgl_config *c);

/* Allocate a network (parameters zero, per-neuron gamma = cfg.sg.gamma). */
/* Number of parameters of a network of that configuration (the length of net->params). */
size_t sgl_config_n_params(const sgl_config *c);
int sgl_net_alloc(sgl_net *net, const sgl_config *cfg);
void sgl_net_free(sgl_net *net);
int sgl_net_copy(sgl_net *dst, const sgl_net *src);
/* Zero the recurrent diagonals (call after every parameter update). */
void sgl_net_fix_diag(sgl_net *net);

/* One sample's input: binary spike events sorted by step; ev_t[k] is the step, ev_u[k] the
 * channel of event k (duplicates allowed; a channel spikes at most once per step). */
typedef struct {
    int n_ev;
    const uint16_t *ev_t;
    const uint16_t *ev_u;
    int label;
} sgl_sample;

/* Per-batch outputs of a forward (and optionally backward) pass. */
typedef struct {
    double loss;       /* task loss: mean over samples and steps of the cross-entropy */
    double reg_loss;   /* rate regularizer (sparsity or initial-rate loss), already weighted */
    int correct;       /* predictions (argmax of time-averaged logits) equal to the label */
    double rate[SGL_MAX_LAYERS]; /* mean firing rate per hidden layer */
    double v_mean[SGL_MAX_LAYERS];   /* mean membrane potential per hidden layer */
    double thr_mean[SGL_MAX_LAYERS]; /* mean threshold (theta, plus adaptation with ALIF) */
} sgl_batch_stats;

/* The rate regularizer: weight * sum over layers of (mean rate - target)^2, mean rate over the
 * batch, steps and neurons. weight 0 switches it off. */
typedef struct {
    double weight;
    double target;
    int no_task; /* 1: the gradient holds the regularizer alone (initial-rate pre-training) */
} sgl_rate_reg;

/* Work space for forward/backward over batches of up to max_batch samples. */
typedef struct sgl_work sgl_work;
sgl_work *sgl_work_new(const sgl_net *net, int max_batch, int threads);
void sgl_work_free(sgl_work *w);

/* Membranes on the integer twin's grid (quantization-aware training, docs/numerics.md): with
 * g->on, every forward through this work space computes, per neuron and step t > 0,
 *   u = v - floor(v 2^(v_frac - k)) 2^-v_frac        (the twin's v - asr(v, k), in float units)
 *   u = u - theta (sub) or 0 (mult) if z_{t-1} = 1,   v = clamp(u + I, -2^15 2^-v_frac,
 *   (2^15 - 1) 2^-v_frac)
 * instead of alpha v + I - theta z. With weights, biases and theta on the grid (sgl_qat_shadow)
 * every value is exact in float and the spikes are the twin's. The backward is unchanged
 * (straight through the floor and the clamp, with alpha = exp(-1/tau)). NULL or g->on = 0:
 * the float forward. ALIF is not supported on the grid. */
typedef struct {
    int on;
    int v_frac;      /* membrane LSB = 2^-v_frac float units */
    int decay_shift; /* k */
} sgl_qgrid;
void sgl_work_set_grid(sgl_work *w, const sgl_qgrid *g);

/* Forward only. pred[b] (may be NULL) gets the predicted class, logits_mean (may be NULL,
 * [n][n_out]) the time-averaged logits. */
int sgl_forward(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n,
                const sgl_rate_reg *reg, int *pred, double *logits_mean, sgl_batch_stats *st);
/* Forward and backward: grad (same layout as net->params, n_params long) receives the gradient
 * of (task loss + regularizer) averaged over the batch. Deterministic for a given batch,
 * whatever the thread count. */
int sgl_backward(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n,
                 const sgl_rate_reg *reg, real *grad, sgl_batch_stats *st);

/* Forward one sample and copy the spikes of hidden layer `layer` into z ([n_steps][n], 0/1),
 * for rasters and for the hardware's comparisons. */
int sgl_spikes(sgl_work *w, const sgl_net *net, const sgl_sample *s, int layer, unsigned char *z);

/* Offsets of each tensor inside the params block (for tests, files and optimizers). */
typedef struct {
    size_t w_in[SGL_MAX_LAYERS], w_rec[SGL_MAX_LAYERS], bias[SGL_MAX_LAYERS];
    size_t w_out, b_out;
} sgl_layout;
void sgl_net_layout(const sgl_net *net, sgl_layout *lay);

#endif
