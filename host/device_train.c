/* SPDX-License-Identifier: MIT */
/* Device-in-the-loop training (device_train.h). */
#include "device_train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int sgl_dev_trainer_init(sgl_dev_trainer *t, sgl_dev *d, const sgl_fixed_net *q,
                         const char *what)
{
    memset(t, 0, sizeof *t);
    t->dev = d;
    if (d->info.hist_steps < 1)
        return sgl_fail(SGL_EDEVICE, "%s: the board records no history: it cannot train",
                        d->t.name);
    return sgl_dev_model_init(&t->m, d, q, what);
}

void sgl_dev_trainer_free(sgl_dev_trainer *t)
{
    sgl_dev_model_free(&t->m);
    for (int l = 0; l < 2; l++) {
        free(t->tz[l]);
        free(t->tcode[l]);
    }
}

static void twin_record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                        const uint16_t *code)
{
    (void)v;
    sgl_dev_trainer *d = ctx;
    memcpy(d->tz[layer] + (size_t)t * (size_t)n, z, (size_t)n);
    memcpy(d->tcode[layer] + (size_t)t * (size_t)n, code, (size_t)n * sizeof *code);
}

/* The twin's forward of the same sample against what the board recorded. */
static int check_twin(sgl_dev_trainer *t, const sgl_fixed_net *q, const sgl_sample *s,
                      const sgl_fixed_trace *g, int pred)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->n_steps * (size_t)q->layer[l].n;
        if (!t->tz[l] && (!(t->tz[l] = sgl_calloc(n, 1)) ||
                          !(t->tcode[l] = sgl_calloc(n, sizeof(uint16_t)))))
            return sgl_fail(SGL_ENOMEM, "out of memory");
    }
    int tp = -1;
    int rc = sgl_fixed_forward(q, s, &tp, NULL, NULL, twin_record, t);
    if (rc)
        return rc;
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->n_steps * (size_t)q->layer[l].n;
        for (size_t i = 0; i < n; i++)
            t->mismatches += (g->z[l][i] != t->tz[l][i]) + (g->code[l][i] != t->tcode[l][i]);
        t->checked += 2 * n;
    }
    t->checked++;
    t->mismatches += tp != pred;
    return 0;
}

/* One sample on the board: windows of at most hist_steps steps (each one RUN: the history
 * holds the latest RUN's steps), the history of every layer read after each window. */
static int board_forward(void *ctx, const sgl_fixed_net *q, const sgl_sample *s,
                         sgl_fixed_trace *g, int *pred)
{
    sgl_dev_trainer *t = ctx;
    const int T = q->n_steps;
    for (int t0 = 0; t0 < T;) {
        int k = sgl_dev_run_window(t->dev, s, T, t0, t->dev->info.hist_steps, t0 == 0,
                                   &t->events);
        if (k < 0)
            return k;
        t->windows++;
        for (int l = 0; l < q->n_layers; l++) {
            size_t n = (size_t)q->layer[l].n;
            for (int j = 0; j < k; j++) {
                size_t at = (size_t)(t0 + j) * n;
                int rc = sgl_dev_read_history(t->dev, l, j, (int)n, g->z[l] + at,
                                              g->code[l] + at);
                if (rc < 0)
                    return rc;
                t->hist_reads++;
            }
        }
        t0 += k;
    }
    t->samples++;
    int rc = sgl_dev_read_output(t->dev, pred, NULL, 0);
    return rc || !t->check ? rc : check_twin(t, q, s, g, *pred);
}

static int board_updated(void *ctx, const sgl_fixed_net *q)
{
    sgl_dev_trainer *t = ctx;
    uint64_t w = 0;
    int rc = sgl_dev_model_write(&t->m, t->dev, q, 0, &w);
    t->updates++;
    t->words += w;
    return rc;
}

static int board_evaluate(void *ctx, const sgl_fixed_net *q, const sgl_data *valid,
                          double *acc)
{
    sgl_dev_trainer *t = ctx;
    int correct = 0;
    for (int i = 0; i < valid->n_samples; i++) {
        sgl_sample s = sgl_data_sample(valid, i);
        int pred = -1;
        int rc = sgl_dev_run_sample(t->dev, &s, q->n_steps, &pred, &t->events);
        if (rc < 0)
            return rc;
        correct += pred == s.label;
    }
    *acc = valid->n_samples ? (double)correct / valid->n_samples : 0;
    return 0;
}

/* After a batch's forwards: does the board still hold the weights they were meant to run on?
 * A board that was reset (power, reprogramming) answers with other memories: write them all
 * again and have the batch run again. */
static int board_verify(void *ctx, const sgl_fixed_net *q)
{
    sgl_dev_trainer *t = ctx;
    uint32_t crc = 0;
    int rc = sgl_dev_model_crc(t->dev, &crc);
    if (rc < 0)
        return rc;
    if (crc == sgl_dev_model_image_crc(&t->m))
        return 0;
    fprintf(stderr, "train: %s: the board's model CRC is 0x%08x, not 0x%08x (was it reset?): "
            "writing the model again and running the batch again\n", t->dev->t.name,
            (unsigned)crc, (unsigned)sgl_dev_model_image_crc(&t->m));
    uint64_t w = 0;
    if ((rc = sgl_dev_model_write(&t->m, t->dev, q, 1, &w)) < 0)
        return rc;
    t->words += w;
    t->reloads++;
    return 1;
}

void sgl_dev_trainer_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h)
{
    h->verify = board_verify;
    h->forward = board_forward;
    h->updated = board_updated;
    h->evaluate = board_evaluate;
    h->ctx = t;
}
