// SPDX-License-Identifier: MIT
// The update's test tensors and cycle formula, shared by sim/upd_test.cpp (Verilator) and
// sim/upd_vectors.cpp (the Icarus run's vectors): a K x P tensor as the unit's RAMs hold it,
// the cycles of rtl/sglif_update.v (docs/rtl.md, from rtl/core_map.csv), random tensors.
#ifndef SGLIF_SIM_UPD_GEN_H
#define SGLIF_SIM_UPD_GEN_H

#include <cstdint>
#include <vector>

#include "sglif_core_map.h"

extern "C" {
#include "rng.h"
}

// One tensor as the unit sees it: the RAMs' contents and the command's constants.
struct Tensor {
    size_t K = 1, P = 1;
    int wide = 0, diag = 0, row_norm = 1, b2 = 6, S = 8, wd = 0; // wd: the decay shift
    int32_t lr = 655;
    std::vector<int64_t> G;
    std::vector<int32_t> m;   // narrow: int16 values
    std::vector<int16_t> mom;
    std::vector<int16_t> wq;  // narrow: int8 values
};

// The cycle formula of docs/rtl.md: start_i's cycle to done_o's, per tensor.
static uint64_t upd_cycles(const Tensor &t)
{
    const uint64_t n = t.K * t.P, A = SGL_UPD_UNIT_MIN;
    const uint64_t units = t.row_norm ? t.P : 1, sum = t.row_norm ? t.K : n;
    // pass 1: n reads, the pipeline, sigma; pass 2: per unit max(its reads and pipeline,
    // div_a), the last unit's isqrt and div_b; pass 3: a draw every PCG_DRAW_CYCLES
    const uint64_t p1 = n + SGL_UPD_P1_EXTRA;
    const uint64_t per = sum + SGL_UPD_SUM_EXTRA > A ? sum + SGL_UPD_SUM_EXTRA : A;
    const uint64_t p2 = (units - 1) * per + sum + SGL_UPD_P2_EXTRA;
    const uint64_t p3 = SGL_PCG_DRAW_CYCLES * n + SGL_UPD_P3_EXTRA;
    return p1 + p2 + p3;
}

// a random tensor of the kinds the rule has and beyond
static void random_tensor(Tensor &t, sgl_rng *in, int kw, int pw, int gw)
{
    const uint32_t kmax = 1u << kw, pmax = 1u << pw;
    switch (sgl_rng_below(in, 6)) {
    case 0: // a bias: K = 1, wide
        t.K = 1;
        t.P = 1 + sgl_rng_below(in, pmax);
        t.wide = 1;
        t.diag = 0;
        break;
    case 1: // W_rec
        t.K = t.P = 1 + sgl_rng_below(in, kmax < pmax ? (kmax < 64 ? kmax : 64) : (pmax < 64 ? pmax : 64));
        t.wide = 0;
        t.diag = 1;
        break;
    case 2: // W_out: n x C
        t.K = 1 + sgl_rng_below(in, 256);
        t.P = 1 + sgl_rng_below(in, 20);
        t.wide = 0;
        t.diag = 0;
        break;
    case 3: // a long K (the largest K the unit takes, small P)
        t.K = kmax - sgl_rng_below(in, kmax < 4 ? kmax : 4);
        t.P = 1 + sgl_rng_below(in, 3);
        t.wide = sgl_rng_below(in, 2);
        t.diag = sgl_rng_below(in, 2);
        break;
    default: // anything
        t.K = 1 + sgl_rng_below(in, sgl_rng_below(in, 2) ? 40 : kmax);
        t.P = 1 + sgl_rng_below(in, t.K > 64 ? 8 : pmax);
        t.wide = sgl_rng_below(in, 2);
        t.diag = sgl_rng_below(in, 3) == 0;
        break;
    }
    t.K = t.K < 1 ? 1 : t.K > kmax ? kmax : t.K;
    t.P = t.P > pmax ? pmax : t.P;
    t.row_norm = sgl_rng_below(in, 5) != 0;
    t.b2 = sgl_rng_below(in, 3) ? 6 : (int)sgl_rng_below(in, 13);
    t.S = sgl_rng_below(in, 3) ? (int)sgl_rng_below(in, 25) - 4 : (int)sgl_rng_below(in, 58) - 12;
    switch (sgl_rng_below(in, 8)) {
    case 0: case 1: t.lr = (int32_t)sgl_rng_below(in, 65536); break;
    case 2: t.lr = (int32_t)(sgl_rng_u32(in) >> 1); break;
    default: t.lr = 1 + (int32_t)sgl_rng_below(in, 2000); break;
    }
    // the decay shift: the rule's 4, none, or any other the unit takes (a wide tensor ignores
    // it); lr halved until the step before its rounding, lr (2^(D-S) + |m| 2^(D-16-wd)), fits
    // the twin's int64 (the rule's lr <= 65535 always does at S <= 47)
    switch (sgl_rng_below(in, 4)) {
    case 0: t.wd = 0; break;
    case 1: t.wd = 1 + (int)sgl_rng_below(in, 15); break;
    default: t.wd = 4; break;
    }
    if (t.wd && !t.wide) {
        const int D = t.S < 16 + t.wd ? 16 + t.wd : t.S, sa = D - t.S, sb = D - 16 - t.wd;
        int bl = 0;
        while ((uint32_t)t.lr >> bl)
            bl++;
        while (t.lr > 0 && (bl + sa > 61 || bl + 15 + sb > 61)) {
            t.lr >>= 1;
            bl--;
        }
    }
    const size_t n = t.K * t.P;
    t.G.assign(n, 0);
    t.m.assign(n, 0);
    t.mom.assign(n, 0);
    t.wq.assign(n, 0);
    // gradients: |G| below 2^e, e from 0 to the word's width; a few at the extremes
    const int emax = gw >= 64 ? 62 : gw - 1;
    const int e = (int)sgl_rng_below(in, (uint32_t)emax + 1);
    const int sparse = sgl_rng_below(in, 4) == 0, skew = sgl_rng_below(in, 3) == 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)sgl_rng_u32(in) << 32 | sgl_rng_u32(in);
        int ei = skew ? (int)sgl_rng_below(in, (uint32_t)e + 1) : e;
        int64_t g = ei == 0 ? 0 : (int64_t)(r & ((1ull << ei) - 1));
        if (sgl_rng_below(in, 2))
            g = -g;
        if (sparse && sgl_rng_below(in, 4))
            g = 0;
        if (sgl_rng_below(in, 200) == 0)
            g = gw >= 64 ? (sgl_rng_below(in, 2) ? (1ll << 62) : -(1ll << 62))
                             : (sgl_rng_below(in, 2) ? (int64_t)((1ull << (gw - 1)) - 1) : -(int64_t)(1ull << (gw - 1)));
        t.G[i] = g;
        // masters: anywhere, or near the clamps
        const int64_t lo = t.wide ? -32768ll * 256 : -127 * 256, hi = t.wide ? 32767ll * 256 + 255 : 127 * 256 + 255;
        int64_t m;
        switch (sgl_rng_below(in, 6)) {
        case 0: m = lo + (int64_t)sgl_rng_below(in, 600) - 300; break;
        case 1: m = hi - (int64_t)sgl_rng_below(in, 600) + 300; break;
        case 2: m = t.wide ? (int64_t)(int32_t)sgl_rng_u32(in) : (int64_t)(int16_t)sgl_rng_u32(in); break;
        default: m = (int64_t)(int32_t)sgl_rng_u32(in) >> (t.wide ? 8 + sgl_rng_below(in, 16) : 17 + sgl_rng_below(in, 8)); break;
        }
        if (!t.wide)
            m = m < -32768 ? -32768 : m > 32767 ? 32767 : m;
        if (t.wide)
            m = m < INT32_MIN ? INT32_MIN : m > INT32_MAX ? INT32_MAX : m;
        t.m[i] = (int32_t)m;
        t.wq[i] = (int16_t)(t.wide ? (int16_t)(m >> 8) : (int8_t)sgl_rng_u32(in));
        switch (sgl_rng_below(in, 5)) {
        case 0: t.mom[i] = (int16_t)(32767 - (int)sgl_rng_below(in, 64)); break;
        case 1: t.mom[i] = (int16_t)(-32768 + (int)sgl_rng_below(in, 64)); break;
        case 2: t.mom[i] = (int16_t)((int)sgl_rng_below(in, 9) - 4); break; // c = 0 happens
        default: t.mom[i] = (int16_t)sgl_rng_u32(in); break;
        }
    }
}

#endif
