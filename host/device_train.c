/* SPDX-License-Identifier: MIT */
/* Device-in-the-loop training (device_train.h). */
#include "device_train.h"

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
}

/* One sample on the board: windows of at most hist_steps steps (each one RUN: the history
 * holds the latest RUN's steps), the history of every layer read after each window. */
static int board_forward(void *ctx, const sgl_fixed_net *q, const sgl_sample *s,
                         sgl_fixed_grad *g, int *pred)
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
    return sgl_dev_read_output(t->dev, pred, NULL, 0);
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

void sgl_dev_trainer_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h)
{
    h->forward = board_forward;
    h->updated = board_updated;
    h->evaluate = board_evaluate;
    h->ctx = t;
}
