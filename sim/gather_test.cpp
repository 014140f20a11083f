// SPDX-License-Identifier: MIT
// make bwd-test (its gather part): rtl/sglif_bwd_gather.v at P = GATHER_P lanes and operands
// of G_W = GATHER_G_W bits against
// sgl_bwd_gather_ref (sim/bwd_ref.c: the exact int64 dot of an int8 row with an int32 gv row,
// rounded by the twin's sgl_fixed_rshift_round), random rows of 1..12 beats (the last beat's
// lanes beyond the row's length carry 0, as the banks do), random bubbles, every row's result
// and tag compared, and the latency (valid_o exactly log2(P) + 3 cycles after the last beat).
// Inputs mix weights at 127, -128 and any, gv small / any of G_W bits / at the limits of G_W
// bits (-2^(G_W-1), 2^(G_W-1) - 1: with -128 the largest products, which a tree node one bit
// too narrow wraps: make bwd-selftest's SGLIF_FAULT_GATHER_WIDTH), shifts -16 ..
// 40 and, one row in 16, -64 .. 63 (the clamps at +-2^62 and the 0 above 62).
// Plus-args: +seed=S (default 1), +n=N rows (default 200000). Prints `gather: P <P> lanes,
// <R> rows compared (<B> products), <M> mismatches`; exit 1 on a mismatch (the first stops).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

#include "Vsglif_bwd_gather.h"
#include "sglif_core_map.h"
#include "unit_harness.h"

extern "C" {
#include "bwd_ref.h"
#include "rng.h"
}

#ifndef GATHER_P
#define GATHER_P 4
#endif
#ifndef GATHER_G_W
#define GATHER_G_W 32
#endif
static const int P = GATHER_P;
static const int G_W = GATHER_G_W;
static const int64_t G_MAX = (INT64_C(1) << (G_W - 1)) - 1, G_MIN = -(INT64_C(1) << (G_W - 1));
static int lat() { int lv = 0; while ((1 << lv) < P) lv++; return lv + SGL_GATHER_LAT; } // rtl/core_map.csv

struct Row {
    std::vector<int8_t> w;
    std::vector<int32_t> g;
    int len, s;
    uint32_t tag;
};

static Row draw(sgl_rng *r, uint32_t tag)
{
    Row x;
    int beats = 1 + (int)sgl_rng_below(r, 12);
    x.len = (beats - 1) * P + 1 + (int)sgl_rng_below(r, (uint32_t)P);
    x.w.assign((size_t)beats * P, 0);
    x.g.assign((size_t)beats * P, 0);
    int gmode = (int)sgl_rng_below(r, 4);
    for (int j = 0; j < x.len; j++) {
        uint32_t c = sgl_rng_below(r, 5);
        x.w[(size_t)j] = (int8_t)(c == 0 ? 127 : c == 1 ? -128 : (int)sgl_rng_below(r, 256) - 128);
        switch (gmode) {
        case 0: x.g[(size_t)j] = (int32_t)sgl_rng_below(r, 20001) - 10000; break;
        case 1: x.g[(size_t)j] = (int32_t)(sgl_rng_below(r, 2) ? G_MAX : G_MIN); break;
        default: x.g[(size_t)j] = (int32_t)((int64_t)(int32_t)sgl_rng_u32(r) >> (32 - G_W)) >> sgl_rng_below(r, (uint32_t)G_W); break;
        }
    }
    x.s = sgl_rng_below(r, 16) == 0 ? (int)sgl_rng_below(r, 128) - 64 : (int)sgl_rng_below(r, 57) - 16;
    x.tag = tag;
    return x;
}

int main(int argc, char **argv)
{
    UnitHarness<Vsglif_bwd_gather> h(argc, argv, 200000);
    Vsglif_bwd_gather *top = h.top.get();
    const uint64_t seed = h.seed, n = h.n;
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0x676174686572); // "gather"
    top->valid_i = 0;
    h.reset();

    const int LAT = lat();
    std::deque<const Row *> pipe;            // per cycle: the row whose last beat it was, or null
    std::deque<Row> rows;                     // rows in flight (owned)
    uint64_t sent = 0, compared = 0, products = 0, mismatches = 0, cycle = 0;
    Row cur;
    int beat = 0, beats = 0;
    bool have = false;
    while (compared < n && mismatches == 0) {
        if (!have && sent < n) {
            cur = draw(&r, (uint32_t)(sent & 0xff));
            beats = (int)cur.w.size() / P;
            beat = 0;
            have = true;
        }
        bool v = have && sgl_rng_below(&r, 8) != 0;
        const Row *last = nullptr;
        top->valid_i = v;
        if (v) {
            top->first_i = beat == 0;
            top->last_i = beat == beats - 1;
            top->tag_i = cur.tag;
            top->s_i = (uint8_t)(cur.s & 0x7f);
            for (int k = 0; k < P; k++) {
                setb(top->w_i, 8 * k, 8, (uint8_t)cur.w[(size_t)(beat * P + k)]);
                setb(top->g_i, G_W * k, G_W, (uint32_t)cur.g[(size_t)(beat * P + k)] &
                     (uint32_t)((UINT64_C(1) << G_W) - 1));
            }
            if (beat == beats - 1) {
                rows.push_back(cur);
                last = &rows.back();
                have = false;
                sent++;
            }
            beat++;
        }
        h.tick();
        cycle++;
        pipe.push_back(last);
        if ((int)pipe.size() > LAT)
            pipe.pop_front();
        if ((int)pipe.size() == LAT) {
            const Row *e = pipe.front();
            if ((bool)top->valid_o != (e != nullptr)) {
                mismatches++;
                fprintf(stderr, "MISMATCH cycle %" PRIu64 ": valid_o %d, expected %d (latency %d)\n",
                        cycle, (int)top->valid_o, e != nullptr, LAT);
            } else if (e) {
                int64_t want = sgl_bwd_gather_ref(e->w.data(), e->g.data(), e->len, e->s);
                int64_t got = (int64_t)top->y_o;
                compared++;
                products += (uint64_t)e->len;
                if (got != want || top->tag_o != e->tag) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH row %" PRIu64 " (tag %u, %d weights, s %d): rtl %" PRId64
                            " tag %u, ref %" PRId64 "\n", compared - 1, e->tag, e->len, e->s, got,
                            (unsigned)top->tag_o, want);
                }
                rows.pop_front();
            }
        }
    }
    top->final();
    printf("gather: P %d lanes, seed %" PRIu64 ", %" PRIu64 " cycles\n", P, seed, cycle);
    printf("gather: P %d lanes, G_W %d, %" PRIu64 " rows compared (%" PRIu64 " products), %" PRIu64
           " mismatches\n", P, G_W, compared, products, mismatches);
    printf("gather: %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
