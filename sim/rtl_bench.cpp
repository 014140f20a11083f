// SPDX-License-Identifier: MIT
// Speed of the RTL LIF core (rtl/sglif_lif_core.v) under Verilator, without the twin and
// without the trace port (docs/rtl-bench.md). Random weights and inputs from a printed seed,
// at a few neuron counts and input densities; per row: simulated cycles, wall time (the model
// and the harness's port writes; drawing the random inputs is not timed), Verilator
// cycles per second, synaptic operations per cycle (one synaptic op = one weight added to a
// membrane current: n per input event and n per spike of the previous step), and every step's
// cycle count checked against docs/rtl.md (layer_cycles in sim/core_port.h). One layer in use.
// Plus-args: +seed=S (default 1), +cycles=C (simulated cycles per row after loading its weights,
// default 3000000; at least one sample of 50 steps).
// Exit 0 if every step matched the formula, 1 otherwise (throughput is reported, not judged).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

extern "C" {
#include "rng.h"
}
#include "Vsglif_lif_core.h"
#include "verilated.h"
#include "core_port.h"

/* the RTL parameters (sim/rtl_bench.mk: a row of rtl/configs.csv); defaults: its up5k row */
#ifndef BENCH_CONFIG
#define BENCH_CONFIG "up5k"
#endif
#ifndef BENCH_N
#define BENCH_N 64
#endif
#ifndef BENCH_N_IN
#define BENCH_N_IN 32
#endif
#ifndef BENCH_EV_AW
#define BENCH_EV_AW 7
#endif
#ifndef BENCH_N_OUT
#define BENCH_N_OUT 4
#endif
#ifndef BENCH_P
#define BENCH_P 8
#endif
#ifndef BENCH_L
#define BENCH_L 1
#endif

enum { SAMPLE_STEPS = 50, LANES = BENCH_P };

static const int CW = clog2(BENCH_N_OUT);

using Sim = CorePort;

static int rnd(sgl_rng *g, int lo, int hi) /* uniform in lo..hi */
{
    return lo + (int)sgl_rng_below(g, (uint32_t)(hi - lo + 1));
}

struct Row {
    int n;          /* neurons in use */
    double density; /* probability that an input channel is active in a step */
};

int main(int argc, char **argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    uint64_t seed = 1;
    uint64_t budget = 3000000;
    const char *a;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a)
        seed = strtoull(a + 6, NULL, 0);
    if ((a = ctx->commandArgsPlusMatch("cycles=")) && *a)
        budget = strtoull(a + 8, NULL, 0);
    printf("rtl-bench: seed %" PRIu64 ", %" PRIu64 " cycles per row, configuration %s: N %d, "
           "N_IN %d, %d events per step, %d classes, %d lane(s), samples of %d steps\n",
           seed, budget, BENCH_CONFIG, BENCH_N, BENCH_N_IN, 1 << BENCH_EV_AW, BENCH_N_OUT, LANES,
           SAMPLE_STEPS);

    Sim sim;
    sim.ctx = ctx.get();
    sim.shape(BENCH_N, BENCH_N_IN, BENCH_N_OUT, BENCH_P, BENCH_L, 1);
    sim.top = new Vsglif_lif_core{ctx.get()};
    sim.top->rst_i = 1;
    sim.top->argmax_i = 1; /* every step ends with the argmax scan */
    sim.tick();
    sim.tick();
    sim.top->rst_i = 0;

    /* n: N/16, N/4, N; 0.0085 is fmnist's mean input density (docs/data.md) */
    const int n1 = std::max(1, BENCH_N / 16), n2 = std::max(1, BENCH_N / 4);
    const Row rows[] = {{n1, 0.0085}, {n1, 0.10}, {n1, 1.0},  {n2, 0.0085}, {n2, 0.10},
                        {n2, 1.0},   {BENCH_N, 0.0},     {BENCH_N, 0.0085}, {BENCH_N, 0.10},
                        {BENCH_N, 1.0}};
    const int n_rows = (int)(sizeof rows / sizeof rows[0]);
    const int n_in = BENCH_N_IN;
    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x62656e6368ULL);
    uint64_t all_cycles = 0, bad_steps = 0;
    double all_secs = 0, dense_ops_per_cycle = 0;

    printf("%5s %8s %7s %8s %7s %10s %10s %9s %8s %9s %8s\n", "n", "density", "steps",
           "E/step", "S/step", "cyc/step", "model", "syn-ops", "ops/cyc", "cycles", "Mcyc/s");
    for (int r = 0; r < n_rows; r++) {
        const int n = rows[r].n;
        auto t0 = std::chrono::steady_clock::now();
        uint64_t c_row0 = sim.cycles;
        /* ---- random weights: int8 uniform; current shifts scaled so that some neurons spike */
        std::vector<int8_t> w_in((size_t)n_in * n), w_rec((size_t)n * n);
        for (size_t x = 0; x < w_in.size(); x++)
            w_in[x] = (int8_t)rnd(&g, -127, 127);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                w_rec[(size_t)j * n + i] = i == j ? 0 : (int8_t)rnd(&g, -127, 127);
        sim.write_rows(sim.row_in(0), n_in, n, w_in.data());
        sim.write_rows(sim.row_rec(0), n, n, w_rec.data());
        for (int i = 0; i < n; i++)
            sim.write(SEL_BIAS, (uint32_t)i, (uint16_t)(int16_t)rnd(&g, -256, 1024));
        for (int i = 0; i < n; i++)
            for (int c = 0; c < BENCH_N_OUT; c++)
                sim.write(SEL_WOUT, (uint32_t)(i << CW | c), (uint8_t)(int8_t)rnd(&g, -127, 127));
        for (int c = 0; c < BENCH_N_OUT; c++)
            sim.write(SEL_BOUT, (uint32_t)c, 0);
        const int theta = 8192;
        /* sum of E int8 weights: std about 73 sqrt(E); aim it at theta */
        double e_mean = std::max(1.0, rows[r].density * n_in);
        int sh_in = (int)std::lround(std::log2(theta / (73.0 * std::sqrt(e_mean))));
        int sh_rec = (int)std::lround(std::log2(theta / (73.0 * std::sqrt(std::max(1.0, n / 8.0)))));
        sh_in = std::min(15, std::max(0, sh_in));
        sh_rec = std::min(15, std::max(0, sh_rec));
        sim.write(SEL_REG, REG_THETA, (uint32_t)theta);
        sim.write(SEL_REG, REG_K, 4);
        sim.write(SEL_REG, REG_SH_IN, (uint32_t)sh_in);
        sim.write(SEL_REG, REG_SH_REC, (uint32_t)sh_rec);
        sim.write(SEL_REG, REG_SG_SHIFT, 6);
        sim.write(SEL_REG, REG_RESET, 0);
        sim.write(SEL_REG, REG_N_LAST, (uint32_t)(n - 1));
        sim.write(SEL_REG, REG_LAYERS, 0);
        sim.write(SEL_REG, REG_C_LAST, BENCH_N_OUT - 1);

        /* ---- samples of SAMPLE_STEPS steps until the row's cycle budget is spent ---- */
        uint64_t steps = 0, events = 0, spikes_prev = 0, step_cycles = 0, model_cycles = 0;
        const uint32_t p = (uint32_t)std::lround(rows[r].density * 1000000.0);
        std::vector<uint16_t> ev;
        ev.reserve((size_t)n_in);
        double gen_secs = 0;
        const uint64_t c_run0 = sim.cycles; /* the budget counts from here: loading excluded */
        while (steps == 0 || sim.cycles - c_run0 < budget) {
            sim.top->clear_i = 1;
            sim.tick();
            sim.top->clear_i = 0;
            while (!sim.top->done_o)
                sim.tick();
            uint64_t s_prev = 0; /* spikes of the previous step: 0 after a clear */
            for (int t = 0; t < SAMPLE_STEPS; t++) {
                /* the inputs (Bernoulli per channel): not timed, a host would read a data set */
                auto g0 = std::chrono::steady_clock::now();
                ev.clear();
                for (int u = 0; u < n_in && (int)ev.size() < (1 << BENCH_EV_AW); u++)
                    if (sgl_rng_below(&g, 1000000) < p)
                        ev.push_back((uint16_t)u);
                gen_secs += std::chrono::duration<double>(std::chrono::steady_clock::now() - g0)
                                .count();
                for (size_t e = 0; e < ev.size(); e++)
                    sim.write(SEL_EV, (uint32_t)e, ev[e]);
                uint64_t c0 = sim.cycles, s = 0;
                sim.top->n_ev_i = (uint16_t)ev.size();
                sim.top->start_i = 1;
                sim.tick();
                sim.top->start_i = 0;
                for (;;) {
                    s += sim.top->spike_o;
                    if (sim.top->done_o)
                        break;
                    sim.tick();
                    if (sim.cycles - c0 > 100000000ULL) {
                        fprintf(stderr, "rtl-bench: row %d step %d never finished\n", r, t);
                        return 1;
                    }
                }
                uint64_t got = sim.cycles - c0;
                uint64_t want = layer_cycles(LANES, n, ev.size() + s_prev) +
                                (uint64_t)step_overhead(BENCH_N_OUT, 1);
                if (got != want && bad_steps++ < 5)
                    fprintf(stderr, "rtl-bench: row %d (n %d) step %d: %" PRIu64 " cycles, "
                            "model (docs/rtl.md) %" PRIu64 " (E %zu, S %" PRIu64 ")\n",
                            r, n, t, got, want, ev.size(), s_prev);
                step_cycles += got;
                model_cycles += want;
                events += ev.size();
                spikes_prev += s_prev;
                steps++;
                s_prev = s;
            }
        }
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() -
                      gen_secs;
        uint64_t cyc = sim.cycles - c_row0;
        uint64_t ops = (uint64_t)n * (events + spikes_prev);
        double opc = step_cycles ? (double)ops / (double)step_cycles : 0.0;
        printf("%5d %7.2f%% %7" PRIu64 " %8.1f %7.2f %10.1f %10.1f %9.3g %8.3f %9" PRIu64
               " %8.2f\n",
               n, 100.0 * rows[r].density, steps, (double)events / (double)steps,
               (double)spikes_prev / (double)steps, (double)step_cycles / (double)steps,
               (double)model_cycles / (double)steps, (double)ops, opc, cyc,
               secs > 0 ? (double)cyc / secs / 1e6 : 0.0);
        if (n == BENCH_N && rows[r].density == 1.0)
            dense_ops_per_cycle = opc;
        all_cycles += cyc;
        all_secs += secs;
    }
    sim.top->final();
    delete sim.top;
    double mcps = all_secs > 0 ? (double)all_cycles / all_secs / 1e6 : 0.0;
    printf("rtl-bench: cycles per step = (ceil(n/P) - 1) max(c, P) + c + m - 1 + %d + %d, "
           "c = max(E + S, 1), m = n - (ceil(n/P) - 1) P, P = %d lane(s): %" PRIu64
           " steps off the model\n", (int)LAYER_OVERHEAD, step_overhead(BENCH_N_OUT, 1), LANES, bad_steps);
    printf("rtl-bench: %.1f M cycles/s (target >= 5), %.3f synaptic ops/cycle (lanes %d)%s\n",
           mcps, dense_ops_per_cycle, LANES, mcps < 5.0 ? "  [below target]" : "");
    printf("rtl-bench: %s\n", bad_steps ? "FAIL" : "PASS");
    return bad_steps ? 1 : 0;
}
