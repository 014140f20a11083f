/* SPDX-License-Identifier: MIT */
/* The surrogate-gradient shapes in double precision (the reference for sg_row.c and the
 * hardware table), their closed-form area and squared integral, and the lookup table.
 * Formulas and derivations: docs/method.md, "Surrogate gradients". */
#include "sg.h"

#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static const char *const shape_names[SGL_SG_N_SHAPES] = {
    "triangular", "exponential", "gaussian", "rectangular",
    "sigmoid",    "fast-sigmoid", "q-pseudospike",
};

int sgl_sg_parse(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < SGL_SG_N_SHAPES; i++)
        if (strcmp(name, shape_names[i]) == 0)
            return i;
    if (strcmp(name, "smooth-test") == 0)
        return SGL_SG_SMOOTH_TEST;
    return -1;
}

const char *sgl_sg_name(int shape)
{
    if (shape >= 0 && shape < SGL_SG_N_SHAPES)
        return shape_names[shape];
    if (shape == SGL_SG_SMOOTH_TEST)
        return "smooth-test";
    return "unknown";
}

static double logistic(double w) { return 1.0 / (1.0 + exp(-w)); }

/* The unit-height shape in u = beta * x (so f(0) = 1 and the area in u is 1). */
static double unit_u(int shape, double q, double u)
{
    double a = fabs(u);
    switch (shape) {
    case SGL_SG_TRIANGULAR: return a < 1.0 ? 1.0 - a : 0.0;
    case SGL_SG_EXPONENTIAL: return exp(-2.0 * a);
    case SGL_SG_GAUSSIAN: return exp(-PI * u * u);
    case SGL_SG_RECTANGULAR: return 2.0 * a < 1.0 ? 1.0 : 0.0;
    case SGL_SG_SIGMOID:
    case SGL_SG_SMOOTH_TEST: {
        double s = logistic(4.0 * a);
        return 4.0 * s * (1.0 - s);
    }
    case SGL_SG_FAST_SIGMOID: {
        double d = 1.0 + 2.0 * a;
        return 1.0 / (d * d);
    }
    case SGL_SG_Q_PSEUDOSPIKE: return exp(-q * log1p(2.0 * a / (q - 1.0)));
    default: return 0.0;
    }
}

/* h(a) = integral over [a, inf) of unit_u(s)^2 ds for a >= 0: the tail, computed without
 * cancellation so that intervals far out in the tail keep their relative accuracy. */
static double sq_tail_u(int shape, double q, double a)
{
    switch (shape) {
    case SGL_SG_TRIANGULAR: {
        double m = a < 1.0 ? 1.0 - a : 0.0; /* integral of (1-s)^2 over [a, 1] */
        return m * m * m / 3.0;
    }
    case SGL_SG_EXPONENTIAL: return exp(-4.0 * a) / 4.0;
    case SGL_SG_GAUSSIAN: return erfc(sqrt(2.0 * PI) * a) / (2.0 * sqrt(2.0));
    case SGL_SG_RECTANGULAR: return a < 0.5 ? 0.5 - a : 0.0;
    case SGL_SG_SIGMOID:
    case SGL_SG_SMOOTH_TEST: {
        /* with s = sigma(w), w = 4u: ds = s(1-s) dw, so 16 (s(1-s))^2 du = 4 s(1-s) ds, whose
         * antiderivative is 4 (s^2/2 - s^3/3); with t = 1 - s the tail is 2 t^2 - 4 t^3 / 3 */
        double t = logistic(-4.0 * a);
        return 2.0 * t * t - 4.0 * t * t * t / 3.0;
    }
    case SGL_SG_FAST_SIGMOID: {
        double d = 1.0 + 2.0 * a;
        return 1.0 / (6.0 * d * d * d);
    }
    case SGL_SG_Q_PSEUDOSPIKE:
        /* from (q-1)/(2(2q-1)) [1 - (1 + 2u/(q-1))^(1-2q)] (paper.md) */
        return (q - 1.0) / (2.0 * (2.0 * q - 1.0)) *
               exp((1.0 - 2.0 * q) * log1p(2.0 * a / (q - 1.0)));
    default: return 0.0;
    }
}

/* Integral of unit_u^2 over [ua, ub], ua <= ub: from the tails (the shapes are even), so the
 * result has no cancellation whether the interval straddles 0 or lies far out in a tail. */
static double sq_int_u(int shape, double q, double ua, double ub)
{
    double half = sq_tail_u(shape, q, 0.0);
    if (ua >= 0)
        return sq_tail_u(shape, q, ua) - sq_tail_u(shape, q, ub);
    if (ub <= 0)
        return sq_tail_u(shape, q, -ub) - sq_tail_u(shape, q, -ua);
    return (half - sq_tail_u(shape, q, -ua)) + (half - sq_tail_u(shape, q, ub));
}

/* SGL_SG_SMOOTH_TEST behaves as the sigmoid shape with gamma := beta (the exact derivative of
 * sigma(4 beta x) is 4 beta sigma (1 - sigma)); this returns the effective dampening. */
static double eff_gamma(const sgl_sg *s) { return s->shape == SGL_SG_SMOOTH_TEST ? s->beta : s->gamma; }

double sgl_sg_unit(int shape, double beta, double q, double x)
{
    double f = unit_u(shape, q, beta * x);
    return shape == SGL_SG_SMOOTH_TEST ? beta * f : f;
}

double sgl_sg_value(const sgl_sg *s, double x)
{
    return eff_gamma(s) * unit_u(s->shape, s->q, s->beta * x);
}

double sgl_sg_area(const sgl_sg *s)
{
    return eff_gamma(s) / s->beta;
}

double sgl_sg_sq_integral(const sgl_sg *s, double a, double b)
{
    double gm = eff_gamma(s), k = gm * gm / s->beta;
    if (a > b) /* the signed integral */
        return -k * sq_int_u(s->shape, s->q, s->beta * b, s->beta * a);
    return k * sq_int_u(s->shape, s->q, s->beta * a, s->beta * b);
}

/* Smallest u >= 0 with unit_u(u) <= eps, by bisection (the shapes decrease in |u|). */
static double unit_crossing(int shape, double q, double eps, double cap)
{
    if (unit_u(shape, q, cap) > eps)
        return cap;
    double lo = 0.0, hi = cap;
    for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (unit_u(shape, q, mid) > eps)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

#define LUT_RANGE_CAP 64.0 /* in units of 1/beta */

double sgl_sg_lut_range(const sgl_sg *s, int bits)
{
    if (s->shape == SGL_SG_RECTANGULAR) /* support |x| < 1/(2 beta): show it and its edges */
        return 1.0 / s->beta;
    if (s->shape == SGL_SG_TRIANGULAR) /* support |x| < 1/beta: cover it exactly */
        return 1.0 / s->beta;
    double eps = ldexp(1.0, -(bits + 1));
    return unit_crossing(s->shape, s->q, eps, LUT_RANGE_CAP) / s->beta;
}

static int sg_check(const sgl_sg *s, const char *where)
{
    if (!s)
        return sgl_fail(SGL_EUSAGE, "%s: no SG given", where);
    if (s->shape < 0 || s->shape >= SGL_SG_N_SHAPES)
        return sgl_fail(SGL_EUSAGE, "%s: SG shape %d has no hardware table (one of the 7 shapes)",
                        where, (int)s->shape);
    if (!(s->gamma > 0) || !isfinite(s->gamma))
        return sgl_fail(SGL_EUSAGE, "%s: dampening gamma = %g must be finite and > 0", where,
                        s->gamma);
    if (!(s->beta > 0) || !isfinite(s->beta))
        return sgl_fail(SGL_EUSAGE, "%s: sharpness beta = %g must be finite and > 0", where,
                        s->beta);
    if (s->shape == SGL_SG_Q_PSEUDOSPIKE && (!(s->q > 1) || !isfinite(s->q)))
        return sgl_fail(SGL_EUSAGE, "%s: tail-fatness q = %g must be finite and > 1", where, s->q);
    return 0;
}

int sgl_sg_lut_make(sgl_sg_lut *lut, const sgl_sg *s, int entries, int bits, double range)
{
    static const char where[] = "sgl_sg_lut_make";
    if (!lut)
        return sgl_fail(SGL_EUSAGE, "%s: no table given", where);
    memset(lut, 0, sizeof *lut);
    int rc = sg_check(s, where);
    if (rc)
        return rc;
    if (entries < 2 || entries > 65536 || (entries & (entries - 1)) != 0)
        return sgl_fail(SGL_EUSAGE, "%s: %d entries; must be a power of two in 2..65536", where,
                        entries);
    if (bits < 1 || bits > 16)
        return sgl_fail(SGL_EUSAGE, "%s: %d bits per entry; must be in 1..16", where, bits);
    if (!isfinite(range))
        return sgl_fail(SGL_EUSAGE, "%s: range %g is not finite", where, range);
    if (range <= 0)
        range = sgl_sg_lut_range(s, bits);

    lut->x = sgl_calloc((size_t)entries, sizeof *lut->x);
    lut->sg = sgl_calloc((size_t)entries, sizeof *lut->sg);
    lut->code = sgl_calloc((size_t)entries, sizeof *lut->code);
    if (!lut->x || !lut->sg || !lut->code) {
        sgl_sg_lut_free(lut);
        return sgl_fail(SGL_ENOMEM, "%s: out of memory for %d entries", where, entries);
    }
    lut->entries = entries;
    lut->bits = bits;
    lut->range = range;
    double full = ldexp(1.0, bits) - 1.0;
    for (int i = 0; i < entries; i++) {
        double x = -range + (i + 0.5) * 2.0 * range / entries;
        double v = sgl_sg_value(s, x);
        lut->x[i] = x;
        lut->sg[i] = v;
        double c = round(v / s->gamma * full);
        lut->code[i] = (uint32_t)(c < 0 ? 0 : c > full ? full : c);
    }
    return 0;
}

void sgl_sg_lut_free(sgl_sg_lut *lut)
{
    if (!lut)
        return;
    free(lut->x);
    free(lut->sg);
    free(lut->code);
    memset(lut, 0, sizeof *lut);
}
