/* SPDX-License-Identifier: MIT */
/* The readout error of issue 12's integer rule (its docs/numerics.md, "Readout error"; its twin's
 * sgl_fixed_softmax_error, on branch i12 when this was written), steps 1-5, written here from
 * the documented formula as the reference of rtl/sglif_err_unit.v (bwd_ref.h). To fold into
 * the twin when the branches merge: the twin's function gives the same err[] (its loss, step 6,
 * is not computed here). */
#include <math.h>

#include "bwd_ref.h"
#include "fixed_train.h"

#define LOG2E 94548 /* round(log2(e) 2^16) */

/* EXP2[f] = round(2^15 2^(-f/256)) (rtl/sglif_exp2.hex holds the same words) */
static uint16_t exp2_table(int f)
{
    static uint16_t t[256];
    static int made;
    if (!made) {
        for (int i = 0; i < 256; i++)
            t[i] = (uint16_t)lround(ldexp(exp2(-i / 256.0), 15));
        made = 1;
    }
    return t[f];
}

void sgl_softmax_error_ref(const int32_t *acc, int C, int out_frac, int label, int GF,
                           int32_t *err)
{
    int32_t mx = acc[0];
    for (int c = 1; c < C; c++)
        if (acc[c] > mx)
            mx = acc[c];
    const int64_t dmax = (int64_t)32 << (out_frac > 0 ? out_frac : 0);
    uint64_t S = 0;
    for (int c = 0; c < C; c++) {
        int64_t d = (int64_t)mx - acc[c];
        if (d > dmax)
            d = dmax;
        int64_t y = sgl_fixed_rshift_round(d * LOG2E, out_frac + 8);
        uint32_t e = y >= 31 * 256 ? 0 : (uint32_t)exp2_table((int)(y & 255)) >> (y >> 8);
        err[c] = (int32_t)e;
        S += e;
    }
    const uint64_t R = ((uint64_t)1 << 46) / S;
    for (int c = 0; c < C; c++) {
        uint64_t p = ((uint64_t)(uint32_t)err[c] * R + ((uint64_t)1 << (45 - GF))) >> (46 - GF);
        err[c] = (int32_t)p - (c == label ? (int32_t)1 << GF : 0);
    }
}
