/* SPDX-License-Identifier: MIT */
/* Training progress: a one-line bar on a terminal, one line per epoch otherwise. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0)
        s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
        snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
}

void cli_progress(const sgl_progress *p, void *user)
{
    cli_progress_state *s = user;
    if (s->quiet)
        return;
    char rates[64] = "";
    int k = 0;
    for (int l = 0; l < p->n_layers && k < (int)sizeof rates; l++)
        k += snprintf(rates + k, sizeof rates - (size_t)k, "%s%.3f", l ? "/" : "", p->rate[l]);
    char eta[32], el[32];
    fmt_time(eta, sizeof eta, p->eta);
    fmt_time(el, sizeof el, p->elapsed);
    if (!s->tty) {
        if (p->batch == p->batches)
            fprintf(stderr, "%s %d/%d: loss %.4f acc %.4f rate %s elapsed %s left %s\n",
                    p->phase ? "epoch" : "init-rate", p->phase ? p->epoch + 1 : 1,
                    p->phase ? p->epochs : 1, p->loss, p->acc, rates, el, eta);
        return;
    }
    const int W = 24;
    int fill = (int)((double)W * p->batch / p->batches);
    char bar[32];
    for (int i = 0; i < W; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[W] = 0;
    if (p->phase)
        fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %d/%d loss %.4f acc %.4f rate %s left %s",
                p->epoch + 1, p->epochs, bar, p->batch, p->batches, p->loss, p->acc, rates, eta);
    else
        fprintf(stderr, "\r\033[Kinit-rate [%s] %d/%d rate %s", bar, p->batch, p->batches, rates);
    if (p->batch == p->batches)
        fputc('\n', stderr);
    fflush(stderr);
}

void cli_progress_init(cli_progress_state *s, int quiet)
{
    s->quiet = quiet;
    s->tty = isatty(STDERR_FILENO);
}
