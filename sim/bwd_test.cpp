// SPDX-License-Identifier: MIT
// make bwd-test: rtl/sglif_bwd_neuron.v (the backward walk's neuron: SG code x dampening, the
// backward decay, the multiplicative reset's cut, the clamps to int24 (GV_W)) against its C reference
// sgl_bwd_neuron_ref (sim/bwd_ref.c, built from the twin's sgl_fixed_rshift_round and
// sgl_fixed_decay), one random neuron a cycle, every output compared: gv_t, both saturation
// flags, the tag and the latency (out_valid_o exactly LAT cycles after in_valid_i). Inputs mix
// the ranges that matter: gz small, near and beyond the int24 and int32 limits; codes 0,
// small, full;
// gamma_q as the quantizer makes it (|code gamma_q| below 2^31, where the twin's int64 product
// is exact) with its sign and extremes; gv_(t+1) small, at the int24 and int32 limits; every k, both
// reset modes, the last step. Plus-args: +seed=S (default 1), +n=N neurons (default 1000000).
// Prints `bwd: <N> neurons compared (<V> values), <M> mismatches, <X> saturations`, how many
// had a code and no clamp, then PASS or FAIL; exit 1 on a mismatch (the first one stops the
// run, with its inputs).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "Vsglif_bwd_neuron.h"
#include "sglif_core_map.h"
#include "unit_harness.h"

extern "C" {
#include "bwd_ref.h"
#include "rng.h"
}

enum { LAT = SGL_BWD_NEURON_LAT }; // rtl/core_map.csv

struct In {
    int64_t gz;
    uint16_t code;
    int32_t gamma, gvn;
    int has_next, z, reset_mult, k;
    uint32_t tag;
};

static int64_t pick_gz(sgl_rng *r)
{
    int64_t big = (int64_t)sgl_rng_u32(r) << 32 | sgl_rng_u32(r);
    const int64_t gv_max = ((int64_t)1 << (SGL_GV_W - 1)) - 1; // the clamp (rtl/core_map.csv)
    switch (sgl_rng_below(r, 8)) {
    case 6: return gv_max + (int64_t)sgl_rng_below(r, 5) - 2;                // at the clamp's limits
    case 7: return -gv_max - 1 + (int64_t)sgl_rng_below(r, 5) - 2;
    case 0: return (int64_t)sgl_rng_below(r, 2001) - 1000;
    case 1: return (int32_t)sgl_rng_u32(r);                                  // any int32
    case 2: return (int64_t)INT32_MAX + (int64_t)sgl_rng_below(r, 5) - 2;    // at the limits
    case 3: return (int64_t)INT32_MIN + (int64_t)sgl_rng_below(r, 5) - 2;
    case 4: return big >> sgl_rng_below(r, 40);                              // beyond int32, some
    default: return ((int64_t)(int32_t)sgl_rng_u32(r)) >> sgl_rng_below(r, 31);
    }
}

static In draw(sgl_rng *r, uint32_t tag)
{
    In x;
    x.tag = tag;
    x.gz = pick_gz(r);
    uint32_t c = sgl_rng_below(r, 4);
    x.code = c == 0 ? 0 : c == 1 ? (uint16_t)sgl_rng_below(r, 256)
                      : c == 2 ? (uint16_t)(0xffffu - sgl_rng_below(r, 4))
                               : (uint16_t)sgl_rng_u32(r);
    // gamma_q: round(gamma 2^24 / (2^bits - 1)) for bits 1..16 and gamma up to 4, either sign
    // (a negative one only to exercise the signed product), else any value with |code gamma|
    // below 2^31
    int64_t g;
    if (sgl_rng_below(r, 4) != 0) {
        int bits = 1 + (int)sgl_rng_below(r, 16);
        double gam = sgl_rng_uniform(r) * 4.0;
        g = (int64_t)(gam * 16777216.0 / (double)((1 << bits) - 1) + 0.5);
    } else
        g = (int32_t)sgl_rng_u32(r);
    if (sgl_rng_below(r, 8) == 0)
        g = -g;
    while (g != 0 && (g * (int64_t)x.code >= ((int64_t)1 << 31) || -g * (int64_t)x.code >= ((int64_t)1 << 31)))
        g /= 2;
    x.gamma = (int32_t)g;
    const int32_t gv_max = (int32_t)(((int64_t)1 << (SGL_GV_W - 1)) - 1);
    switch (sgl_rng_below(r, 5)) {
    case 4: x.gvn = sgl_rng_below(r, 2) ? gv_max - (int32_t)sgl_rng_below(r, 3)
                                        : -gv_max - 1 + (int32_t)sgl_rng_below(r, 3); break;
    case 0: x.gvn = (int32_t)sgl_rng_below(r, 4001) - 2000; break;
    case 1: x.gvn = sgl_rng_below(r, 2) ? INT32_MAX - (int32_t)sgl_rng_below(r, 3)
                                        : INT32_MIN + (int32_t)sgl_rng_below(r, 3); break;
    default: x.gvn = (int32_t)sgl_rng_u32(r) >> sgl_rng_below(r, 31); break;
    }
    x.has_next = sgl_rng_below(r, 16) != 0;
    x.z = sgl_rng_below(r, 4) == 0;
    x.reset_mult = sgl_rng_below(r, 2);
    x.k = 1 + (int)sgl_rng_below(r, 15);
    return x;
}

int main(int argc, char **argv)
{
    UnitHarness<Vsglif_bwd_neuron> h(argc, argv, 1000000);
    Vsglif_bwd_neuron *top = h.top.get();
    const uint64_t seed = h.seed, n = h.n;
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0x627764); // "bwd"
    top->in_valid_i = 0;
    h.reset();

    // in flight: each cycle's input (or none), so that the output of cycle c is checked
    // against the input of cycle c - LAT exactly
    std::deque<std::pair<bool, In>> pipe;
    uint64_t sent = 0, compared = 0, values = 0, sats = 0, mismatches = 0, cycle = 0;
    uint64_t plain = 0; // neither clamp, code != 0: the rounding and the decay decide gv
    while (compared < n && mismatches == 0) {
        bool v = sent < n && sgl_rng_below(&r, 8) != 0; // bubbles one cycle in eight
        In x = {};
        if (v) {
            x = draw(&r, (uint32_t)(sent & 0xff));
            top->gz_i = (uint64_t)x.gz;
            top->code_i = x.code;
            top->gamma_i = (uint32_t)x.gamma;
            top->gv_next_i = (uint32_t)x.gvn;
            top->has_next_i = x.has_next;
            top->z_i = x.z;
            top->reset_mult_i = x.reset_mult;
            top->k_i = x.k;
            top->tag_i = x.tag;
            sent++;
        }
        top->in_valid_i = v;
        h.tick();
        cycle++;
        pipe.push_back({v, x});
        // after this edge, out_valid_o holds the input presented LAT edges ago
        if (pipe.size() > LAT)
            pipe.pop_front();
        if (pipe.size() == LAT) {
            auto &e = pipe.front();
            if ((bool)top->out_valid_o != e.first) {
                mismatches++;
                fprintf(stderr, "MISMATCH cycle %" PRIu64 ": out_valid_o %d, expected %d (latency %d)\n",
                        cycle, (int)top->out_valid_o, (int)e.first, LAT);
            } else if (e.first) {
                const In &y = e.second;
                int sgz, sgv;
                int32_t want = sgl_bwd_neuron_ref(y.gz, y.code, y.gamma, y.gvn, y.has_next, y.z,
                                                  y.reset_mult, y.k, &sgz, &sgv);
                int32_t got = (int32_t)top->gv_o;
                compared++;
                values += 4;
                sats += (uint64_t)(sgz + sgv);
                plain += !sgz && !sgv && y.code != 0;
                if (got != want || (int)top->sat_gz_o != sgz || (int)top->sat_gv_o != sgv ||
                    top->tag_o != y.tag) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH neuron %" PRIu64 " (tag %u): gz %" PRId64 " code %u "
                            "gamma_q %d gv_next %d has_next %d z %d reset_mult %d k %d\n"
                            "  rtl: gv %d sat_gz %d sat_gv %d tag %u   ref: gv %d sat_gz %d "
                            "sat_gv %d\n", compared - 1, y.tag, y.gz, y.code, y.gamma, y.gvn,
                            y.has_next, y.z, y.reset_mult, y.k, got, (int)top->sat_gz_o,
                            (int)top->sat_gv_o, (unsigned)top->tag_o, want, sgz, sgv);
                }
            }
        }
    }
    top->final();
    printf("bwd: seed %" PRIu64 ", %" PRIu64 " cycles\n", seed, cycle);
    printf("bwd: %" PRIu64 " neurons compared (%" PRIu64 " values), %" PRIu64 " mismatches, %"
           PRIu64 " saturations\n", compared, values, mismatches, sats);
    printf("bwd: %" PRIu64 " of them with a code and no clamp\n", plain);
    printf("bwd: %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
