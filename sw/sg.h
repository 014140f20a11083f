/* SPDX-License-Identifier: MIT */
/* The seven surrogate-gradient (SG) shapes of the paper (../docs/method.md, paper.md), their
 * knobs (dampening gamma, sharpness beta, tail-fatness q), closed-form areas and moments, and
 * the lookup table the hardware loads. x = v - theta throughout. */
#ifndef SGLIF_SG_H
#define SGLIF_SG_H

#include <stdint.h>

typedef enum {
    SGL_SG_TRIANGULAR = 0,
    SGL_SG_EXPONENTIAL,
    SGL_SG_GAUSSIAN,
    SGL_SG_RECTANGULAR,
    SGL_SG_SIGMOID,
    SGL_SG_FAST_SIGMOID,
    SGL_SG_Q_PSEUDOSPIKE,
    SGL_SG_N_SHAPES,
    /* Test mode only: the forward pass uses a smooth sigmoid sigma(4 beta x) instead of the step,
     * and the SG is its exact derivative (= SGL_SG_SIGMOID), so BPTT gradients are exact. */
    SGL_SG_SMOOTH_TEST = 100
} sgl_sg_shape;

typedef struct {
    sgl_sg_shape shape;
    double gamma; /* dampening: SG(0) = gamma */
    double beta;  /* sharpness: the area is gamma / beta */
    double q;     /* tail-fatness, q-pseudospike only, q > 1 */
} sgl_sg;

/* Name <-> shape ("triangular", "exponential", "gaussian", "rectangular", "sigmoid",
 * "fast-sigmoid", "q-pseudospike"). Returns -1 for an unknown name. */
int sgl_sg_parse(const char *name);
const char *sgl_sg_name(int shape);

/* SG(x) with the knobs of `s`, dampening gamma taken from s (per-neuron callers scale by
 * gamma_i / s->gamma, or call sgl_sg_unit and multiply). */
double sgl_sg_value(const sgl_sg *s, double x);
/* SG(x) / gamma: the shape with unit height. */
double sgl_sg_unit(int shape, double beta, double q, double x);
/* Closed-form area, integral over the real line: gamma / beta for every shape. */
double sgl_sg_area(const sgl_sg *s);
/* Closed-form integral of SG(x)^2 over x in [a, b] (used by Condition IV). */
double sgl_sg_sq_integral(const sgl_sg *s, double a, double b);

/* The hardware lookup table. Entry i (0 <= i < entries) stands for
 *   x_i = -range + (i + 0.5) * 2 * range / entries          (the centre of its bin)
 * sg_i = SG(x_i) and code_i = round(sg_i / gamma * (2^bits - 1)), an unsigned integer of `bits`
 * bits (full scale = the dampening gamma). range defaults to sgl_sg_lut_range(). */
typedef struct {
    int entries; /* power of two, 2..65536 */
    int bits;    /* 1..16 */
    double range;
    double *x;
    double *sg;
    uint32_t *code;
} sgl_sg_lut;

/* Half-width of x covered by the default table: where the unit-height SG has fallen below
 * 2^-(bits+1) (the smallest non-zero code), capped so it is finite for fat tails. */
double sgl_sg_lut_range(const sgl_sg *s, int bits);
/* Fill a table; range <= 0 chooses sgl_sg_lut_range(). Returns 0 or -SGL_E*. */
int sgl_sg_lut_make(sgl_sg_lut *lut, const sgl_sg *s, int entries, int bits, double range);
void sgl_sg_lut_free(sgl_sg_lut *lut);

#endif
