/* SPDX-License-Identifier: MIT */
/* AdamW with decoupled weight decay, as torch.optim.AdamW:
 *   p <- p (1 - lr wd);  m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
 *   p <- p - lr (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps) */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

int sgl_adamw_init(sgl_adamw *o, size_t n, double lr)
{
    o->lr = lr;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->weight_decay = 0.01;
    o->clip = 1.0;
    o->n = n;
    o->step = 0;
    o->lr_scale = NULL;
    o->m = sgl_calloc(n, sizeof(real));
    o->v = sgl_calloc(n, sizeof(real));
    if (!o->m || !o->v) {
        sgl_adamw_free(o);
        return -SGL_ENOMEM;
    }
    return 0;
}

void sgl_adamw_free(sgl_adamw *o)
{
    free(o->m);
    free(o->v);
    o->m = o->v = NULL;
}

double sgl_clip_grad(real *grad, size_t n, double clip)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (double)grad[i] * (double)grad[i];
    double norm = sqrt(ss);
    if (clip > 0 && norm > clip) {
        real f = (real)(clip / (norm + 1e-6));
        for (size_t i = 0; i < n; i++)
            grad[i] *= f;
    }
    return norm;
}

double sgl_adamw_step(sgl_adamw *o, real *params, real *grad, const unsigned char *mask)
{
    double norm = sgl_clip_grad(grad, o->n, o->clip);
    o->step++;
    const double bc1 = 1.0 - pow(o->beta1, (double)o->step);
    const double bc2 = 1.0 - pow(o->beta2, (double)o->step);
    const real b1 = (real)o->beta1, b2 = (real)o->beta2;
    const real decay = (real)(1.0 - o->lr * o->weight_decay);
    const real step = (real)(o->lr / bc1);
    const real ibc2 = (real)(1.0 / sqrt(bc2));
    const real eps = (real)o->eps;
    for (size_t i = 0; i < o->n; i++) {
        if (mask && !mask[i])
            continue;
        real g = grad[i];
        o->m[i] = b1 * o->m[i] + ((real)1 - b1) * g;
        o->v[i] = b2 * o->v[i] + ((real)1 - b2) * g * g;
        real denom = (real)sqrt((double)o->v[i]) * ibc2 + eps;
        real st = o->lr_scale ? step * o->lr_scale[i] : step;
        params[i] = params[i] * decay - st * o->m[i] / denom;
    }
    return norm;
}
