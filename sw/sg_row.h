/* SPDX-License-Identifier: MIT */
/* Row-wise SG evaluation in `real` precision for the trainer's hot loops. */
#ifndef SGLIF_SG_ROW_H
#define SGLIF_SG_ROW_H

#include "common.h"
#include "sg.h"

/* out[i] = SG(x[i]) with dampening gamma[i] (knobs beta, q and the shape from s). */
void sgl_sg_row(const sgl_sg *s, const real *x, const real *gamma, real *out, int n);
/* The smooth forward of SGL_SG_SMOOTH_TEST: z[i] = sigma(4 beta x[i]). */
void sgl_smooth_row(const sgl_sg *s, const real *x, real *z, int n);

#endif
