/* SPDX-License-Identifier: MIT */
/* The C reference of rtl/sglif_bwd_neuron.v (bwd_ref.h). */
#include "bwd_ref.h"

#include <stddef.h>

#include "fixed.h"
#include "fixed_train.h"

/* the rule's clamp of gz and gv to signed SGL_FT_GV_BITS bits */
static int32_t satgv(int64_t x, int *sat)
{
    const int64_t hi = ((int64_t)1 << (SGL_FT_GV_BITS - 1)) - 1, lo = -hi - 1;
    *sat = x > hi || x < lo;
    return x > hi ? (int32_t)hi : x < lo ? (int32_t)lo : (int32_t)x;
}

int32_t sgl_bwd_neuron_ref(int64_t gz, uint16_t code, int32_t gamma_q, int32_t gv_next,
                           int has_next, int z, int reset_mult, int k, int *sat_gz,
                           int *sat_gv)
{
    int32_t gzi = satgv(gz, sat_gz);
    int64_t m = (int64_t)code * gamma_q;
    int64_t a = sgl_fixed_rshift_round((int64_t)gzi * m, SGL_FT_GAMMA_FRAC);
    /* g^v_t = g^z SG + alpha g^v_(t+1) (times 1 - z_t with the multiplicative reset) */
    if (has_next && !(reset_mult && z))
        a += sgl_fixed_decay(gv_next, k);
    return satgv(a, sat_gv);
}

int64_t sgl_bwd_gather_ref(const int8_t *w, const int32_t *g, int n, int s)
{
    int64_t a = 0;
    for (int j = 0; j < n; j++)
        a += (int64_t)w[j] * g[j];
    return sgl_fixed_rshift_round(a, s);
}

void sgl_bwd_walk_ref(int n, int C, int T, const int8_t *w_rec, const int8_t *w_out,
                      const int32_t *err, const uint8_t *z, const uint16_t *code,
                      const int32_t *gamma_q, int s_rec, int out_frac, int k, int reset_mult,
                      int32_t *gv, uint8_t *clamp)
{
    for (int t = T - 1; t >= 0; t--) {
        const int32_t *gvn = t + 1 < T ? gv + (size_t)(t + 1) * (size_t)n : NULL;
        const int32_t *e = err + (size_t)t * (size_t)C;
        for (int i = 0; i < n; i++) {
            int64_t a = 0;
            for (int c = 0; c < C; c++)
                a += (int64_t)w_out[(size_t)i * (size_t)C + (size_t)c] * e[c];
            int64_t gz = sgl_fixed_rshift_round(a, out_frac);
            if (gvn)
                gz += sgl_bwd_gather_ref(w_rec + (size_t)i * (size_t)n, gvn, n, s_rec);
            size_t o = (size_t)t * (size_t)n + (size_t)i;
            int sgz, sgv;
            gv[o] = sgl_bwd_neuron_ref(gz, code[o], gamma_q[i], gvn ? gvn[i] : 0, gvn != NULL,
                                       z[o], reset_mult, k, &sgz, &sgv);
            /* the twin computes gz (and counts its clamp) only where the code is not 0 */
            clamp[o] = (uint8_t)((code[o] ? sgz : 0) | sgv << 1);
        }
    }
}
