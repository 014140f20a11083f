/* SPDX-License-Identifier: MIT */
/* sglif device train: device-in-the-loop training (docs/protocol.md, "Training on the board").
 * The hooks of sgl_fixed_train_run run every forward pass on the board: each sample in RUN
 * windows of at most the board's history depth, the spikes and SG codes of each window read
 * back with READ_HISTORY; the host computes the integer gradients and the SGD step (the
 * twin's arithmetic, sw/fixed_train.c) and rewrites the weights that changed, checked with
 * MODEL_CRC. The board's forward is the twin's, so the result is bit for bit that of
 * `sglif train --backend fixed`. */
#ifndef SGLIF_DEVICE_TRAIN_H
#define SGLIF_DEVICE_TRAIN_H

#include "device.h"
#include "device_model.h"
#include "fixed_train.h"

typedef struct {
    sgl_dev *dev;
    sgl_dev_model m;
    uint64_t samples, windows, events, updates, words, hist_reads;
    /* the training samples (forward passes of training, not validation), the board's cycles
     * for them (RUN; with the engine also TRAIN and UPDATE) and their bytes on the line */
    uint64_t train_samples, train_cycles, train_bytes;
    /* the engine path (sgl_dev_trainer_engine): the board runs the backward and the update */
    int engine, engine_ready;
    uint64_t engine_updates;    /* the batches' UPDATEs (not the start's zeroing one) */
    int window;                 /* steps a RUN and its TRAIN cover */
    int enw, cw, xw;            /* the engine's address bits (rtl/core_map.csv, TW TOUT TUNIT) */
    sgl_dev_engine_stats stats; /* READ_STATS at the last batch end (cumulative) */
    uint64_t reloads; /* batches run again after the board lost its weights (a reset) */
    /* check: run the twin beside the board and compare every spike and SG code */
    int check;
    uint64_t checked, mismatches;
    uint8_t *tz[2];
    uint16_t *tcode[2];
} sgl_dev_trainer;

/* The board's shape and images for q (which must fit: -SGL_EDATA otherwise). */
int sgl_dev_trainer_init(sgl_dev_trainer *t, sgl_dev *d, const sgl_fixed_net *q,
                         const char *what);
void sgl_dev_trainer_free(sgl_dev_trainer *t);
/* Set h's forward, updated and evaluate hooks (and ctx) to the board's: the host backward. */
void sgl_dev_trainer_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h);
/* Can the board's training engine train q with o on train (IDENTIFY's features and engine
 * sizes, the engine's GF, one RUN frame and the event store a window)? window: the steps of
 * the rule's truncated windows (0: the whole sample), each one RUN and one TRAIN on the
 * board, at most its history. 1 (and t is set up for it), or 0 with the reason in why (one
 * line; the caller falls back to the host backward), or -SGL_E* for a link error. */
int sgl_dev_trainer_engine(sgl_dev_trainer *t, const sgl_fixed_net *q,
                           const sgl_fixed_train_opts *o, int window, const sgl_data *train,
                           char *why, size_t n_why);
/* Set h's hooks to the engine's: sample (RUN + TRAIN), step (UPDATE), load, sync, updated,
 * evaluate. */
void sgl_dev_trainer_engine_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h);

#endif
