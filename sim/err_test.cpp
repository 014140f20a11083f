// SPDX-License-Identifier: MIT
// make bwd-test (its error part): rtl/sglif_err_unit.v (the readout error of a step: maximum,
// EXP2 table, sum, one division, the errors) against sgl_softmax_error_ref (sim/softmax_ref.c:
// the twin's sgl_fixed_softmax_error), step after step: 2 .. ERR_C classes, readout sums close
// together, spread over tens of float units and at the int32 extremes, out_frac -8 .. 23, every
// label; the sums are served by a registered-read RAM at acc_addr_o (even steps) or by one read
// registered twice at acc_addr_nx_o (odd steps: the engine's error memory of one class a word,
// the block RAM's output register). Every error value and its class is
// compared, and the cycles from start_i to done_o against ERR_CYCLES_FIXED + 3 C
// (rtl/core_map.csv). Plus-args: +seed=S, +n=N steps (default 100000). Prints `err: <N> steps,
// <V> errors compared, <M> mismatches`; exit 1 on a mismatch (the first stops).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vsglif_err_unit.h"
#include "sglif_core_map.h"
#include "unit_harness.h"

extern "C" {
#include "bwd_ref.h"
#include "rng.h"
}

static const int CMAX = ERR_C;

int main(int argc, char **argv)
{
    UnitHarness<Vsglif_err_unit> h(argc, argv, 100000);
    Vsglif_err_unit *top = h.top.get();
    sgl_rng r;
    sgl_rng_seed(&r, h.seed, 0x657272); // "err"
    top->start_i = 0;
    h.reset();
    uint64_t steps = 0, compared = 0, mismatches = 0;
    std::vector<int32_t> acc(CMAX), want(CMAX);
    while (steps < h.n && mismatches == 0) {
        int C = 2 + (int)sgl_rng_below(&r, CMAX - 1), label = (int)sgl_rng_below(&r, (uint32_t)C);
        int of = (int)sgl_rng_below(&r, 32) - 8;
        int mode = (int)sgl_rng_below(&r, 4);
        int32_t base = (int32_t)sgl_rng_u32(&r) >> sgl_rng_below(&r, 32);
        for (int c = 0; c < C; c++) {
            int64_t a;
            switch (mode) {
            case 0: a = (int64_t)base + (int64_t)sgl_rng_below(&r, 64) - 32; break;
            case 1: a = (int64_t)base + ((int64_t)(int32_t)sgl_rng_u32(&r) >> (12 + sgl_rng_below(&r, 12))); break;
            case 2: a = sgl_rng_below(&r, 2) ? INT32_MAX - (int64_t)sgl_rng_below(&r, 4) : INT32_MIN + (int64_t)sgl_rng_below(&r, 4); break;
            default: a = (int32_t)sgl_rng_u32(&r); break;
            }
            acc[c] = a > INT32_MAX ? INT32_MAX : a < INT32_MIN ? INT32_MIN : (int32_t)a;
        }
        sgl_softmax_error_ref(acc.data(), C, of, label, 16, want.data());
        top->c_last_i = (uint32_t)(C - 1);
        top->label_i = (uint32_t)label;
        top->out_frac_i = (uint8_t)(of & 0x3f);
        top->start_i = 1;
        uint64_t c0 = h.cycles, guard = 0;
        int next = 0;
        bool twice = steps & 1;                 // the read at acc_addr_nx_o, registered twice
        int32_t r1 = 0;
        while (mismatches == 0) {
            top->eval();                        // (acc_addr_nx_o follows start_i)
            uint32_t a = twice ? top->acc_addr_nx_o : top->acc_addr_o;
            h.tick();
            top->start_i = 0;
            int32_t rd = (int)a < C ? acc[a] : 0;
            top->acc_data_i = (uint32_t)(twice ? r1 : rd);
            r1 = rd;
            top->eval();
            if (top->err_valid_o) {
                compared++;
                if (next >= C || (int)top->err_c_o != next || (int32_t)top->err_o != want[(size_t)next]) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH step %" PRIu64 " (C %d, label %d, out_frac %d): rtl class %u "
                            "error %d, reference class %d error %d\n", steps, C, label, of,
                            (unsigned)top->err_c_o, (int32_t)top->err_o, next,
                            next < C ? want[(size_t)next] : 0);
                }
                next++;
            }
            if (top->done_o) {
                uint64_t cyc = h.cycles - c0, cw = (uint64_t)SGL_ERR_CYCLES_FIXED + 3 * (uint64_t)C;
                if (next != C || cyc != cw) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH step %" PRIu64 " (C %d): %d errors in %" PRIu64 " cycles, "
                            "expected %d in %" PRIu64 "\n", steps, C, next, cyc, C, cw);
                }
                break;
            }
            if (++guard > 10000) {
                mismatches++;
                fprintf(stderr, "MISMATCH step %" PRIu64 ": no done_o\n", steps);
            }
        }
        steps++;
    }
    top->final();
    printf("err: seed %" PRIu64 ", %" PRIu64 " cycles\n", h.seed, h.cycles);
    printf("err: %" PRIu64 " steps, %" PRIu64 " errors compared, %" PRIu64 " mismatches\n", steps,
           compared, mismatches);
    printf("err: %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
