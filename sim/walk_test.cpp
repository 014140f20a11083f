// SPDX-License-Identifier: MIT
// make bwd-test (its walk part): rtl/sglif_bwd_walk.v (one layer's backward walk: the W_out
// and recurrent gathers and the backward neuron over every step and neuron) against
// sgl_bwd_walk_ref (sim/bwd_ref.c: the top layer's loop of the twin's sgl_fixed_grad_backward
// from the twin's own rounding and decay), configuration after configuration: random n
// (1 .. WALK_N), steps (1 .. WALK_T), classes (2 .. WALK_C), W_rec and W_out with +-127, errors
// up to +-2^16 (the integer rule's 2^GF) and, one configuration in four, any of E_W bits
// (the walk keeps an error in E_W bits, rtl/core_map.csv; its limits included), spikes and SG
// codes, gamma_q as the quantizer makes it, shifts, decay and both reset modes. The RAMs
// outside the walk (W_rec rows, W_out, errors, history, gamma_q) are modelled here with
// registered reads. Every gv_t[i]
// the walk gives is compared (step, neuron, value, both clamp flags) in the twin's order
// (t = T-1 .. 0, i = 0 .. n-1), and done_o after the last. Plus-args: +seed=S, +n=N
// configurations (default 400). Prints `walk: <C> configurations, <G> gv values compared
// (<V> values), <M> mismatches, <X> clamps`; exit 1 on a mismatch (the first stops).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vsglif_bwd_walk.h"
#include "sglif_core_map.h"
#include "unit_harness.h"

extern "C" {
#include "bwd_ref.h"
#include "rng.h"
#include "walk_cycles.h"
}

static const int NMAX = WALK_N, P = WALK_P, CMAX = WALK_C, TMAX = WALK_T;
static int clog2(int x) { int b = 0; while ((1 << b) < x) b++; return b > 0 ? b : 1; }

int main(int argc, char **argv)
{
    UnitHarness<Vsglif_bwd_walk> h(argc, argv, 400);
    Vsglif_bwd_walk *top = h.top.get();
    sgl_rng r;
    sgl_rng_seed(&r, h.seed, 0x77616c6b); // "walk"
    const int NW = clog2(NMAX), PW = P > 1 ? clog2(P) : 0, GW = NW - PW;
    int cp = 1;
    while (cp < CMAX)
        cp *= 2;
    top->start_i = 0;
    top->e_ok_i = 1; // every error is in the memory before the walk starts
    top->ev_count_i = 0; // no input events here (sim/acc_test.cpp runs them)
    top->gp_we_i = 0;
    h.reset();

    uint64_t configs = 0, compared = 0, mismatches = 0, cycles_walked = 0;
    long sats = 0;
    while (configs < h.n && mismatches == 0) {
        int n = sgl_rng_below(&r, 4) == 0 ? 1 + (int)sgl_rng_below(&r, 4) : 1 + (int)sgl_rng_below(&r, (uint32_t)NMAX);
        int T = 1 + (int)sgl_rng_below(&r, (uint32_t)TMAX);
        int C = 2 + (int)sgl_rng_below(&r, (uint32_t)(CMAX - 1));
        int s_rec = (int)sgl_rng_below(&r, 30) - 8, out_frac = (int)sgl_rng_below(&r, 16);
        if (sgl_rng_below(&r, 8) == 0)
            s_rec = (int)sgl_rng_below(&r, 128) - 64;
        int k = 1 + (int)sgl_rng_below(&r, 15), reset_mult = (int)sgl_rng_below(&r, 2);
        std::vector<int8_t> w_rec((size_t)n * n), w_out((size_t)n * C);
        std::vector<int32_t> err((size_t)T * C), gamma(n), gv((size_t)T * n);
        std::vector<uint8_t> z((size_t)T * n), clamp((size_t)T * n);
        std::vector<uint16_t> code((size_t)T * n);
        auto w8 = [&]() { uint32_t c = sgl_rng_below(&r, 6); return (int8_t)(c == 0 ? 127 : c == 1 ? -127 : (int)sgl_rng_below(&r, 255) - 127); };
        for (auto &w : w_rec) w = sgl_rng_below(&r, 3) ? w8() : 0;
        for (auto &w : w_out) w = w8();
        int big = sgl_rng_below(&r, 4) == 0;
        const int32_t e_max = (1 << (SGL_E_W - 1)) - 1, e_min = -(1 << (SGL_E_W - 1));
        for (auto &e : err)
            e = !big ? (int32_t)sgl_rng_below(&r, 131073) - 65536
                : sgl_rng_below(&r, 8) == 0 ? (sgl_rng_below(&r, 2) ? e_max : e_min)
                : ((int32_t)sgl_rng_u32(&r) >> (32 - SGL_E_W)) >> sgl_rng_below(&r, 16);
        int bits = 1 + (int)sgl_rng_below(&r, 16);
        for (auto &g : gamma) {
            g = (int32_t)(sgl_rng_uniform(&r) * 2.0 * 16777216.0 / (double)((1 << bits) - 1) + 0.5);
            if (sgl_rng_below(&r, 16) == 0)
                g = -g;
        }
        for (size_t o = 0; o < z.size(); o++) {
            z[o] = sgl_rng_below(&r, 5) == 0;
            code[o] = sgl_rng_below(&r, 3) == 0 ? 0 : (uint16_t)sgl_rng_below(&r, 1u << bits);
        }
        sgl_bwd_walk_ref(n, C, T, w_rec.data(), w_out.data(), err.data(), z.data(), code.data(),
                         gamma.data(), s_rec, out_frac, k, reset_mult, gv.data(), clamp.data());

        top->n_last_i = (uint32_t)(n - 1);
        top->t_last_i = (uint32_t)(T - 1);
        top->s_rec_i = (uint8_t)(s_rec & 0x7f);
        top->out_frac_i = (uint8_t)(out_frac & 0x7f);
        top->k_i = (uint8_t)k;
        top->reset_mult_i = (uint8_t)reset_mult;
        top->start_i = 1;
        // the RAMs: the word at the address of the previous cycle
        auto serve = [&](uint32_t wa, uint32_t woa, uint32_t ea, uint32_t ha, uint32_t gma) {
            int wi = (int)(wa >> GW), wg = (int)(wa & ((1u << GW) - 1));
            for (int l = 0; l < P; l++) {
                int j = wg * P + l;
                setb(top->w_data_i, 8 * l, 8, wi < n && j < n ? (uint8_t)w_rec[(size_t)wi * n + j] : 0);
            }
            for (int c = 0; c < cp; c++) {
                setb(top->wo_data_i, 8 * c, 8, (int)woa < n && c < C ? (uint8_t)w_out[(size_t)woa * C + c] : 0);
                setb(top->e_data_i, 32 * c, 32, (int)ea < T && c < C ? (uint32_t)err[(size_t)ea * C + c] : 0);
            }
            int hi = (int)(ha & ((1u << NW) - 1)), ht = (int)(ha >> NW);
            size_t ho = (size_t)ht * n + hi;
            top->h_data_i = hi < n && ht < T ? (uint32_t)z[ho] << 16 | code[ho] : 0;
            top->gm_data_i = (int)gma < n ? (uint32_t)gamma[gma] : 0;
        };
        uint64_t got = 0, want = (uint64_t)T * n, guard = 0, c0 = h.cycles;
        int t_exp = T - 1, i_exp = 0;
        bool done = false;
        while (!done && mismatches == 0) {
            uint32_t wa = top->w_addr_o, woa = top->wo_addr_o, ea = top->e_addr_o, ha = top->h_addr_o, gma = top->gm_addr_o;
            h.tick();
            top->start_i = 0;
            serve(wa, woa, ea, ha, gma);
            top->eval();
            if (top->gv_valid_o) {
                size_t o = (size_t)t_exp * n + i_exp;
                int sgz = clamp[o] & 1, sgv = clamp[o] >> 1;
                sats += sgz + sgv;
                compared++;
                got++;
                if ((int)top->gv_t_o != t_exp || (int)top->gv_i_o != i_exp || (int32_t)top->gv_o != gv[o] ||
                    (int)top->sat_gz_o != sgz || (int)top->sat_gv_o != sgv) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH config %" PRIu64 " (n %d, T %d, C %d, s_rec %d, out_frac %d, k %d, "
                            "reset %s): rtl step %d neuron %d gv %d clamps %d %d, twin step %d neuron %d gv %d "
                            "clamps %d %d\n", configs, n, T, C, s_rec, out_frac, k, reset_mult ? "zero" : "sub",
                            (int)top->gv_t_o, (int)top->gv_i_o, (int32_t)top->gv_o, (int)top->sat_gz_o,
                            (int)top->sat_gv_o, t_exp, i_exp, gv[o], sgz, sgv);
                }
                if (++i_exp == n) {
                    i_exp = 0;
                    t_exp--;
                }
            }
            if (top->done_o) {
                done = true;
                uint64_t cyc = h.cycles - c0, cw = wc_walk_cycles(n, T, P, GW, cp, 1, z.data(), NULL);
                if (cyc != cw) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH config %" PRIu64 " (n %d, T %d): %" PRIu64 " cycles, the "
                            "formula %" PRIu64 "\n", configs, n, T, cyc, cw);
                }
                cycles_walked += cyc;
                if (got != want) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH config %" PRIu64 ": done after %" PRIu64 " gv values, expected %" PRIu64 "\n",
                            configs, got, want);
                }
            }
            if (++guard > 100000 + want * (uint64_t)(NMAX / P + 64)) {
                mismatches++;
                fprintf(stderr, "MISMATCH config %" PRIu64 ": no done_o after %" PRIu64 " cycles\n", configs, guard);
            }
        }
        configs++;
    }
    top->final();
    printf("walk: N %d, P %d lanes, %d classes, %d steps at most; seed %" PRIu64 ", %" PRIu64 " cycles\n",
           NMAX, P, CMAX, TMAX, h.seed, h.cycles);
    printf("walk: every configuration's cycles equal the formula (%" PRIu64 " cycles walked)\n",
           cycles_walked);
    printf("walk: %" PRIu64 " configurations, %" PRIu64 " gv values compared (%" PRIu64 " values), %" PRIu64
           " mismatches, %ld clamps\n", configs, compared, compared * 5, mismatches, sats);
    printf("walk: %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
