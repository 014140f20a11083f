/* SPDX-License-Identifier: MIT */
/* Bias-offset calibration of the initial firing rate (calibrate.h). */
#include "calibrate.h"

#include <math.h>
#include <stdlib.h>

static int measure(sgl_work *w, const sgl_net *net, const sgl_data *d, int n, sgl_sample *batch,
                   int B, double *rate)
{
    for (int l = 0; l < net->cfg.n_layers; l++)
        rate[l] = 0;
    for (int s = 0; s < n; s += B) {
        int k = n - s < B ? n - s : B;
        for (int b = 0; b < k; b++)
            batch[b] = sgl_data_sample(d, s + b);
        sgl_batch_stats st;
        int rc = sgl_forward(w, net, batch, k, NULL, NULL, NULL, &st);
        if (rc)
            return rc;
        for (int l = 0; l < net->cfg.n_layers; l++)
            rate[l] += st.rate[l] * k / n;
    }
    return 0;
}

static void shift_bias(sgl_net *net, int l, double delta)
{
    sgl_layer *L = &net->layer[l];
    for (int i = 0; i < L->n; i++)
        L->bias[i] += (real)delta;
}

int sgl_calibrate_rate(sgl_net *net, const sgl_data *d, int n_samples, double target,
                       int threads, double rate_out[SGL_MAX_LAYERS])
{
    const int B = 64;
    int n = d->n_samples < n_samples ? d->n_samples : n_samples;
    if (n < 1)
        return sgl_fail(SGL_EDATA, "%s: no samples to calibrate the initial rate on", d->name);
    if (!(target > 0 && target < 1))
        return sgl_fail(SGL_EUSAGE, "initial rate %g must be inside (0, 1)", target);
    sgl_work *w = sgl_work_new(net, B, threads);
    sgl_sample *batch = calloc(B, sizeof *batch);
    if (!w || !batch) {
        sgl_work_free(w);
        free(batch);
        return sgl_fail(SGL_ENOMEM, "out of memory");
    }
    double rate[SGL_MAX_LAYERS];
    int rc = 0;
    /* the unit of the offset: the current that holds v at theta by itself */
    const double unit = net->cfg.theta * (1.0 - sgl_config_alpha(&net->cfg));
    for (int l = 0; l < net->cfg.n_layers && !rc; l++) {
        double lo = -unit, hi = unit, cur = 0;
        /* widen the bracket until it holds the target */
        for (int k = 0; k < 30 && !rc; k++) {
            shift_bias(net, l, hi - cur);
            cur = hi;
            rc = measure(w, net, d, n, batch, B, rate);
            if (rc || rate[l] >= target)
                break;
            lo = hi;
            hi *= 2;
        }
        for (int k = 0; k < 30 && !rc; k++) {
            shift_bias(net, l, lo - cur);
            cur = lo;
            rc = measure(w, net, d, n, batch, B, rate);
            if (rc || rate[l] <= target)
                break;
            hi = lo;
            lo *= 2;
        }
        for (int k = 0; k < 24 && !rc; k++) {
            double mid = 0.5 * (lo + hi);
            shift_bias(net, l, mid - cur);
            cur = mid;
            rc = measure(w, net, d, n, batch, B, rate);
            if (rc || fabs(rate[l] - target) < 0.005)
                break;
            if (rate[l] < target)
                lo = mid;
            else
                hi = mid;
        }
    }
    if (!rc)
        rc = measure(w, net, d, n, batch, B, rate);
    if (!rc && rate_out)
        for (int l = 0; l < SGL_MAX_LAYERS; l++)
            rate_out[l] = l < net->cfg.n_layers ? rate[l] : 0;
    sgl_work_free(w);
    free(batch);
    return rc;
}
