/* SPDX-License-Identifier: MIT */
/* The C reference of rtl/sglif_bwd_neuron.v (bwd_ref.h). */
#include "bwd_ref.h"

#include "fixed.h"
#include "fixed_train.h"

static int32_t sat32(int64_t x, int *sat)
{
    *sat = x > INT32_MAX || x < INT32_MIN;
    return x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : (int32_t)x;
}

int32_t sgl_bwd_neuron_ref(int64_t gz, uint16_t code, int32_t gamma_q, int32_t gv_next,
                           int has_next, int z, int reset_mult, int k, int *sat_gz,
                           int *sat_gv)
{
    int32_t gzi = sat32(gz, sat_gz);
    int64_t m = (int64_t)code * gamma_q;
    int64_t a = sgl_fixed_rshift_round((int64_t)gzi * m, SGL_FT_GAMMA_FRAC);
    /* g^v_t = g^z SG + alpha g^v_(t+1) (times 1 - z_t with the multiplicative reset) */
    if (has_next && !(reset_mult && z))
        a += sgl_fixed_decay(gv_next, k);
    return sat32(a, sat_gv);
}

int64_t sgl_bwd_gather_ref(const int8_t *w, const int32_t *g, int n, int s)
{
    int64_t a = 0;
    for (int j = 0; j < n; j++)
        a += (int64_t)w[j] * g[j];
    return sgl_fixed_rshift_round(a, s);
}
