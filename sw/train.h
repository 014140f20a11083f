/* SPDX-License-Identifier: MIT */
/* Training and evaluation: mini-batches, AdamW, the initial-rate pre-training of the bias
 * currents, the sparsity loss introduced gradually (0 before E/5, linear to 1 at 3E/5),
 * validation, best-model save, early stop, checkpoints and resume. */
#ifndef SGLIF_TRAIN_H
#define SGLIF_TRAIN_H

#include <signal.h>

#include "data.h"
#include "fixed.h"
#include "net.h"

typedef struct {
    int phase;          /* 0: initial-rate pre-training, 1: training */
    int epoch, epochs;  /* current epoch (0-based) and total */
    int batch, batches; /* batches done in this epoch and per epoch */
    double loss, acc;   /* running means over this epoch */
    double rate[SGL_MAX_LAYERS];
    int n_layers;
    double elapsed, eta; /* seconds */
} sgl_progress;

typedef void (*sgl_progress_fn)(const sgl_progress *p, void *user);

typedef struct {
    int epochs;            /* 30 */
    int batch;             /* 32 */
    int threads;           /* 0 = all cores */
    double lr;             /* 5e-2 (with --state-lr and the cosine schedule) */
    double weight_decay;   /* 0.01 */
    double clip;           /* 1.0 */
    int state_lr;          /* 1: scale the learning rate of biases and W_rec by (1 - alpha) */
    int cosine;            /* 1: lr follows a half cosine from lr to 0 over the training */
    uint64_t seed;         /* 0 */
    double sparsity;       /* weight of the sparsity loss, 0 = off */
    double sparsity_target;/* 0.01 */
    double init_rate;      /* < 0: no pre-training; else the target initial rate */
    int init_rate_batches; /* pre-training length in batches (200) */
    double init_rate_lr;   /* AdamW learning rate of the pre-training (1e-2) */
    int patience;          /* early stop after this many epochs without improvement; 0 = off */
    const char *out;       /* best model (by validation accuracy); required */
    const char *checkpoint;/* checkpoint path; NULL = OUT.ckpt */
    const char *log_csv;   /* per-epoch CSV log, NULL = none */
    const char *meta;      /* text stored in the model files (command line, data spec) */
    int resume;            /* continue from the checkpoint */
    /* Quantization-aware training (docs/numerics.md): from epoch qat_from (0-based; -1 = off)
     * every forward, training and validation, runs on the integers sgl_fixed_quantize(net,
     * qat_opts) gives the twin, membranes on its grid (sgl_qat_shadow, sgl_work_set_grid);
     * gradients go straight through to the float weights; cfg.tau becomes the twin's decay
     * (sgl_qat_tau) and the best-model choice restarts at qat_from. Not stored in the
     * checkpoint: resume with the same setting. */
    int qat_from;
    sgl_fixed_opts qat_opts; /* sgl_fixed_opts_default: what `sglif eval --backend fixed` uses */
    volatile sig_atomic_t *stop; /* set (e.g. by SIGINT) to stop after the current batch */
    sgl_progress_fn progress;
    void *progress_user;
} sgl_train_opts;

typedef struct {
    int epochs_run;
    double best_valid_acc; /* -1 without a validation split */
    int best_epoch;
    double final_train_loss;
    double init_rate_reached[SGL_MAX_LAYERS];
} sgl_train_result;

void sgl_train_opts_default(sgl_train_opts *o);

/* Train net (already initialized) on train, choosing the best epoch on valid (may be NULL or
 * empty). Saves the best model to o->out and a checkpoint at every epoch end and when *o->stop
 * becomes set, then returns -SGL_EINTR. With o->resume, net and the training state are read
 * from the checkpoint first (net must then be unallocated or freed by the caller beforehand:
 * it is replaced). The same options and data give bit-identical weights, resumed or not. */
int sgl_train(sgl_net *net, const sgl_data *train, const sgl_data *valid,
              const sgl_train_opts *o, sgl_train_result *res);

/* Accuracy (and mean loss) over a data set; pred (may be NULL) receives every prediction. */
int sgl_evaluate(const sgl_net *net, const sgl_data *d, int threads, double *acc, double *loss,
                 int *pred, double rate[SGL_MAX_LAYERS]);

/* sgl_evaluate on the twin's integers: the QAT forward of sgl_qat_shadow(net, o); equal, sample
 * for sample, to sgl_fixed_evaluate of sgl_fixed_quantize(net, o) (tests/test_qat.c). */
int sgl_evaluate_qat(const sgl_net *net, const sgl_fixed_opts *o, const sgl_data *d, int threads,
                     double *acc, double *loss, int *pred, double rate[SGL_MAX_LAYERS]);

/* The sparsity schedule s(e) of paper.md for epoch e of E. */
double sgl_sparsity_schedule(int e, int E);

/* Number of threads to use for `threads` (0 = online cores). */
int sgl_threads(int threads);

#endif
