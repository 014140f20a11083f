/* SPDX-License-Identifier: MIT */
/* The SG evaluated over a row of neurons in the trainer's `real` precision: the fast path of
 * sgl_sg_value() (sg.c is the double-precision reference; tests hold the two together).
 * The switch on the shape sits outside the loop so that each loop vectorizes. */
#include "sg_row.h"

#include <math.h>

#ifdef SGLIF_DOUBLE
#define R_EXP exp
#define R_POW pow
#define R_FABS fabs
#else
#define R_EXP expf
#define R_POW powf
#define R_FABS fabsf
#endif

void sgl_sg_row(const sgl_sg *s, const real *x, const real *gamma, real *out, int n)
{
    const real b = (real)s->beta;
    switch (s->shape) {
    case SGL_SG_TRIANGULAR:
        for (int i = 0; i < n; i++) {
            real u = (real)1 - R_FABS(b * x[i]);
            out[i] = gamma[i] * (u > 0 ? u : 0);
        }
        break;
    case SGL_SG_EXPONENTIAL:
        for (int i = 0; i < n; i++)
            out[i] = gamma[i] * R_EXP((real)-2 * R_FABS(b * x[i]));
        break;
    case SGL_SG_GAUSSIAN:
        for (int i = 0; i < n; i++) {
            real u = b * x[i];
            out[i] = gamma[i] * R_EXP((real)-3.14159265358979323846 * u * u);
        }
        break;
    case SGL_SG_RECTANGULAR:
        for (int i = 0; i < n; i++)
            out[i] = R_FABS((real)2 * b * x[i]) < (real)1 ? gamma[i] : (real)0;
        break;
    case SGL_SG_SIGMOID:
        for (int i = 0; i < n; i++) {
            real sg = (real)1 / ((real)1 + R_EXP((real)-4 * b * x[i]));
            out[i] = (real)4 * gamma[i] * sg * ((real)1 - sg);
        }
        break;
    case SGL_SG_FAST_SIGMOID:
        for (int i = 0; i < n; i++) {
            real d = (real)1 + R_FABS((real)2 * b * x[i]);
            out[i] = gamma[i] / (d * d);
        }
        break;
    case SGL_SG_Q_PSEUDOSPIKE: {
        const real q = (real)s->q;
        const real k = (real)2 * b / (q - (real)1);
        for (int i = 0; i < n; i++)
            out[i] = gamma[i] * R_POW((real)1 + k * R_FABS(x[i]), -q);
        break;
    }
    case SGL_SG_SMOOTH_TEST:
        /* exact derivative of the smooth forward sigma(4 beta x); gamma not applied */
        for (int i = 0; i < n; i++) {
            real sg = (real)1 / ((real)1 + R_EXP((real)-4 * b * x[i]));
            out[i] = (real)4 * b * sg * ((real)1 - sg);
        }
        break;
    default:
        for (int i = 0; i < n; i++)
            out[i] = 0;
        break;
    }
}

void sgl_smooth_row(const sgl_sg *s, const real *x, real *z, int n)
{
    const real b = (real)s->beta;
    for (int i = 0; i < n; i++)
        z[i] = (real)1 / ((real)1 + R_EXP((real)-4 * b * x[i]));
}
