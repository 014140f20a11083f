/* SPDX-License-Identifier: MIT */
/* AdamW (Loshchilov & Hutter; as torch.optim.AdamW) with gradient-norm clipping. */
#ifndef SGLIF_OPTIM_H
#define SGLIF_OPTIM_H

#include "common.h"

typedef struct {
    double lr, beta1, beta2, eps, weight_decay, clip; /* clip <= 0: no clipping */
    size_t n;
    int64_t step;
    real *m, *v;
    const real *lr_scale; /* per-parameter multiplier of lr, NULL = 1 (not owned) */
} sgl_adamw;

/* Defaults: beta1 0.9, beta2 0.999, eps 1e-8, weight decay 0.01, clip 1 (paper.md). */
int sgl_adamw_init(sgl_adamw *o, size_t n, double lr);
void sgl_adamw_free(sgl_adamw *o);
/* Scale grad so that its L2 norm is at most o->clip; returns the norm before clipping. */
double sgl_clip_grad(real *grad, size_t n, double clip);
/* One step on params[0..n) with grad (clipped first). mask (may be NULL): update only the
 * entries where mask[i] != 0. The step of entry i is scaled by o->lr_scale[i] if set (the
 * weight decay is not). Returns the gradient norm before clipping. */
double sgl_adamw_step(sgl_adamw *o, real *params, real *grad, const unsigned char *mask);

#endif
