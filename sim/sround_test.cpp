// SPDX-License-Identifier: MIT
// make bwd-test (its rounding part): rtl/sglif_pcg32.v and rtl/sglif_sround.v (through
// sim/tb_sround.v) against the twin's sgl_rng_u32 and sgl_fixed_sround (sw/rng.c,
// sw/fixed_train.c), draw for draw: the generator is loaded with the state and increment of
// sgl_rng_seed(seed, "sround"), as the host will load it; every draw u, every rounded value and
// the draw rate (one every PCG_DRAW_CYCLES = 1 cycles: back to back, and now and then with a
// gap of 1..6 idle cycles) and the load's busy cycles (PCG_LOAD_CYCLES) are checked, the state
// and increment read back every 1000 draws (a checkpoint), and every 50 000 draws the generator
// is reloaded with another seed.
// x: small, gradient-sized (up to 2^48) and any int64; s: 1..40 mostly, also -64..63; then
// the edges: every s with x 0, +-1, +-2^k, +-(2^k +- 1) and the int64 extremes.
// Plus-args: +seed=S (default 1), +n=N draws (default 1000000). Prints `sround: <N> draws
// compared (<V> values), <M> mismatches`; exit 1 on a mismatch (the first stops).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vtb_sround.h"
#include "sglif_core_map.h"
#include "unit_harness.h"

extern "C" {
#include "fixed_train.h"
#include "rng.h"
}

static const uint64_t STREAM = 0x73726f756e64; // "sround", as sgl_fixed_train

int main(int argc, char **argv)
{
    UnitHarness<Vtb_sround> h(argc, argv, 1000000);
    Vtb_sround *top = h.top.get();
    const uint64_t seed = h.seed, n = h.n;
    auto tick = [&]() { h.tick(); };
    sgl_rng in;                      // the inputs' own stream
    sgl_rng_seed(&in, seed, 0x696e70); // "inp"
    sgl_rng twin;
    uint64_t done = 0, values = 0, mismatches = 0, ups = 0, readbacks = 0, gaps = 0;
    auto load = [&](uint64_t s) {
        sgl_rng_seed(&twin, s, STREAM);
        top->load_i = 1;
        top->state_i = twin.state;
        top->inc_i = twin.inc;
        tick();
        top->load_i = 0;
        // busy for PCG_LOAD_CYCLES cycles (the derived states), then ready
        for (int c = 0; c < SGL_PCG_LOAD_CYCLES; c++) {
            if (!top->busy_o) {
                mismatches++;
                fprintf(stderr, "MISMATCH load: not busy %d cycles after it\n", c);
            }
            tick();
        }
        if (top->busy_o) {
            mismatches++;
            fprintf(stderr, "MISMATCH load: still busy %d cycles after it\n", SGL_PCG_LOAD_CYCLES);
        }
    };
    // one draw: x and s with it, the twin's draw and rounding compared, the draw rate
    auto draw = [&](int64_t x, int s) {
        top->next_i = 1;
        top->x_i = (uint64_t)x;
        top->s_i = (uint8_t)(s & 0x7f);
        tick();
        top->next_i = 0;
        sgl_rng peek = twin;
        uint32_t u_want = sgl_rng_u32(&peek);
        int64_t y_want = sgl_fixed_sround(x, s, &twin);
        if (!top->valid_o || top->u_o != u_want || (int64_t)top->y_o != y_want) {
            mismatches++;
            fprintf(stderr, "MISMATCH draw %" PRIu64 ": x %" PRId64 " s %d: rtl valid %d u %08x y %" PRId64
                    ", twin u %08x y %" PRId64 "\n", done, x, s, (int)top->valid_o,
                    (unsigned)top->u_o, (int64_t)top->y_o, u_want, y_want);
        }
        values += 2;
        ups += s > 0 && y_want != (x >> (s > 62 ? 62 : s));
        done++;
        // one draw every PCG_DRAW_CYCLES (rtl/core_map.csv): busy for the cycles after this one
        for (int c = 1; c < SGL_PCG_DRAW_CYCLES; c++) {
            if (!top->busy_o) {
                mismatches++;
                fprintf(stderr, "MISMATCH draw %" PRIu64 ": not busy %d cycles after the draw\n", done, c);
            }
            tick();
        }
        if (top->busy_o) {
            mismatches++;
            fprintf(stderr, "MISMATCH draw %" PRIu64 ": still busy %d cycles after the draw\n", done,
                    SGL_PCG_DRAW_CYCLES);
        }
    };
    top->load_i = 0;
    top->next_i = 0;
    h.reset();
    load(seed);

    while (done < n && mismatches == 0) {
        if (done > 0 && done % 50000 == 0)
            load(seed * 1000003u + done);
        int64_t x;
        switch (sgl_rng_below(&in, 4)) {
        case 0: x = (int64_t)sgl_rng_below(&in, 2001) - 1000; break;
        case 1: x = ((int64_t)(int32_t)sgl_rng_u32(&in) << 16) >> sgl_rng_below(&in, 20); break;
        default: x = (int64_t)((uint64_t)sgl_rng_u32(&in) << 32 | sgl_rng_u32(&in)) >> sgl_rng_below(&in, 64); break;
        }
        int s = sgl_rng_below(&in, 4) == 0 ? (int)sgl_rng_below(&in, 128) - 64 : 1 + (int)sgl_rng_below(&in, 40);
        draw(x, s);
        // now and then a gap: the generator holds its states
        if (sgl_rng_below(&in, 16) == 0) {
            const int g = 1 + (int)sgl_rng_below(&in, 6);
            for (int c = 0; c < g; c++)
                tick();
            gaps++;
        }
        if (done % 1000 == 0) {
            readbacks++;
            if (top->state_o != twin.state || top->inc_o != twin.inc) {
                mismatches++;
                fprintf(stderr, "MISMATCH after draw %" PRIu64 ": state %016" PRIx64 " inc %016" PRIx64
                        ", twin %016" PRIx64 " %016" PRIx64 "\n", done, (uint64_t)top->state_o,
                        (uint64_t)top->inc_o, twin.state, twin.inc);
            }
        }
    }
    // the edges, after the random draws (their stream unchanged): every s in -64..63 with x
    // 0, +-1, +-2^k and +-(2^k +- 1) (k 1..62) and the int64 extremes, so the left shift's
    // clamp at +-2^62 (x 2^n against +-2^(62-n)), the 32-bit compare's every s and q's sign
    // fill each meet their boundary
    uint64_t edges = 0;
    for (int s = -64; s < 64 && mismatches == 0; s++) {
        std::vector<int64_t> xs = {0, 1, -1, INT64_MAX, INT64_MIN};
        for (int k = 1; k < 63; k++)
            for (int d = -1; d <= 1; d++) {
                xs.push_back(((int64_t)1 << k) + d);
                xs.push_back(-((int64_t)1 << k) - d);
            }
        for (int64_t x : xs)
            if (mismatches == 0) {
                draw(x, s);
                edges++;
            }
    }
    top->final();
    printf("sround: seed %" PRIu64 ", %" PRIu64 " cycles, %" PRIu64 " state read-backs, %" PRIu64
           " gaps, %" PRIu64 " rounded up\n", seed, h.cycles, readbacks, gaps, ups);
    printf("sround: %" PRIu64 " draws compared (%" PRIu64 " values, %" PRIu64 " of them the edges), %" PRIu64
           " mismatches\n", done, values, edges, mismatches);
    printf("sround: %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
