/* SPDX-License-Identifier: MIT */
/* Quantization-aware training: the shadow net on the twin's integers (qat.h). */
#include "qat.h"

#include <math.h>
#include <string.h>

#include "fixed_train.h"

double sgl_qat_tau(int k) { return -1.0 / log1p(-ldexp(1.0, -k)); }

int sgl_qat_decay_shift(double tau, const sgl_fixed_opts *o)
{
    return sgl_fixed_decay_shift(exp(-1.0 / tau), o->decay_shift);
}

int sgl_qat_shadow(const sgl_net *master, const sgl_fixed_opts *o, sgl_net *shadow,
                   sgl_qgrid *grid, sgl_fixed_net *q_out)
{
    sgl_fixed_net q;
    int rc = sgl_fixed_quantize(master, &q, o, NULL);
    if (rc)
        return rc;
    if (!shadow->params && (rc = sgl_net_copy(shadow, master))) {
        sgl_fixed_free(&q);
        return rc;
    }
    if (shadow->n_params != master->n_params) {
        sgl_fixed_free(&q);
        return sgl_fail(SGL_EUSAGE, "sgl_qat_shadow: the shadow net was made for another net");
    }
    shadow->cfg = master->cfg;
    shadow->cfg.theta = ldexp((double)q.theta, -q.v_frac);
    shadow->cfg.tau = sgl_qat_tau(q.decay_shift);
    for (int l = 0; l < master->cfg.n_layers; l++)
        memcpy(shadow->layer[l].gamma, master->layer[l].gamma,
               (size_t)master->layer[l].n * sizeof(real));
    rc = sgl_fixed_dequantize(&q, shadow);
    if (!rc) {
        grid->on = 1;
        grid->v_frac = q.v_frac;
        grid->decay_shift = q.decay_shift;
    }
    if (!rc && q_out)
        *q_out = q;
    else
        sgl_fixed_free(&q);
    return rc;
}
