// SPDX-License-Identifier: MIT
// Lock-step co-simulation of the RTL LIF core (rtl/sglif_lif_core.v, Verilator) against the
// integer twin (sw/fixed.c): random configurations from a seed, every neuron update compared
// (membrane, spike, SG code, saturation); per sample the hardware readout (every class sum
// and the prediction) and the history memory read back (spike and SG code of every neuron and
// step). Stops at the first difference with its context. Plus-args: +seed=S (default 1),
// +steps=N (time steps to run in total, default 2000), +verbose. Exit 0 on PASS, 1 on FAIL.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "Vsglif_lif_core.h"
#include "verilated.h"
#include "core_port.h"

extern "C" {
#include "fixed.h"
#include "rng.h"
}

#ifndef COSIM_N
#define COSIM_N 64
#endif
#ifndef COSIM_N_IN
#define COSIM_N_IN 32
#endif
#ifndef COSIM_EV_AW
#define COSIM_EV_AW 7
#endif
#ifndef COSIM_SG_AW
#define COSIM_SG_AW 8
#endif
#ifndef COSIM_N_OUT
#define COSIM_N_OUT 10
#endif
#ifndef COSIM_HIST
#define COSIM_HIST 40
#endif
#ifndef COSIM_SG_INIT
#define COSIM_SG_INIT "rtl/sglif_sg_default.hex"
#endif


static const int NW = clog2(COSIM_N), CW = clog2(COSIM_N_OUT);

using Sim = CorePort;

/* The twin's trace of one sample: [t][i] */
struct Rec {
    int n = 0;
    std::vector<int16_t> v;
    std::vector<uint8_t> z;
    std::vector<uint16_t> code;
};

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    Rec *r = (Rec *)ctx;
    (void)layer;
    size_t o = (size_t)t * (size_t)n;
    memcpy(&r->v[o], v, (size_t)n * sizeof *v);
    memcpy(&r->z[o], z, (size_t)n);
    memcpy(&r->code[o], code, (size_t)n * sizeof *code);
}

static int rnd(sgl_rng *g, int lo, int hi) /* uniform in lo..hi */
{
    return lo + (int)sgl_rng_below(g, (uint32_t)(hi - lo + 1));
}

/* A weight: extremes often enough that saturation is hit. */
static int8_t rnd_w(sgl_rng *g, int style)
{
    int r = rnd(g, 0, 9);
    if (r == 0)
        return 127;
    if (r == 1)
        return -127;
    if (style == 0 && r < 5)
        return 0;
    return (int8_t)rnd(g, -127, 127);
}

static int16_t rnd_bias(sgl_rng *g)
{
    int r = rnd(g, 0, 19);
    if (r == 0)
        return 32767;
    if (r == 1)
        return -32768;
    if (r < 5)
        return (int16_t)rnd(g, -32768, 32767);
    return (int16_t)rnd(g, -2048, 2048);
}

static void describe(const sgl_fixed_net *q)
{
    const sgl_fixed_layer *L = &q->layer[0];
    fprintf(stderr,
            "  config: n_in %d, n %d, T %d, reset %s, theta %d, k %d, sh_in %d, sh_rec %d, "
            "SG %d entries x %d bits, shift %d, x_lo %d\n",
            q->n_in, L->n, q->n_steps, q->reset == SGL_RESET_SUB ? "sub" : "mult",
            (int)q->theta, q->decay_shift, L->sh_in, L->sh_rec, q->sg_entries, q->sg_bits,
            q->sg_shift, (int)q->sg_lo);
}

static std::vector<uint16_t> read_hex(const char *path)
{
    std::vector<uint16_t> w;
    FILE *f = fopen(path, "r");
    if (!f)
        return w;
    unsigned x;
    while (fscanf(f, "%x", &x) == 1)
        w.push_back((uint16_t)x);
    fclose(f);
    return w;
}

int main(int argc, char **argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    uint64_t seed = 1;
    long steps = 2000;
    const char *a;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a)
        seed = strtoull(a + 6, NULL, 0);
    if ((a = ctx->commandArgsPlusMatch("steps=")) && *a)
        steps = strtol(a + 7, NULL, 0);
    bool verbose = *ctx->commandArgsPlusMatch("verbose") != 0;
    printf("cosim: seed %" PRIu64 ", %ld steps, RTL N %d, N_IN %d, %d events per step, SG "
           "table %d entries, %d classes, history of %d steps\n",
           seed, steps, COSIM_N, COSIM_N_IN, 1 << COSIM_EV_AW, 1 << COSIM_SG_AW, COSIM_N_OUT,
           COSIM_HIST);

    Sim sim;
    sim.ctx = ctx.get();
    sim.top = new Vsglif_lif_core{ctx.get()};
    sim.top->rst_i = 1;
    sim.tick();
    sim.tick();
    sim.top->rst_i = 0;

    std::vector<uint16_t> sg_file = read_hex(COSIM_SG_INIT);
    if (sg_file.size() != (size_t)1 << COSIM_SG_AW) {
        fprintf(stderr, "cosim: %s: %zu words, expected %d\n", COSIM_SG_INIT, sg_file.size(),
                1 << COSIM_SG_AW);
        return 1;
    }

    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x636f73696dULL);
    long updates = 0, mismatches = 0, sats = 0, t_done = 0, samples = 0, configs = 0;
    long ro_sums = 0, ro_preds = 0, hist_words = 0;
    uint64_t step_cycles = 0;
    auto t0 = std::chrono::steady_clock::now();

    while (t_done < steps && mismatches == 0) {
        /* ---- a random configuration ---- */
        int n = rnd(&g, 1, 4) == 1 ? rnd(&g, 1, 4) : rnd(&g, 1, COSIM_N);
        int n_in = rnd(&g, 1, COSIM_N_IN);
        int T = rnd(&g, 1, 40);
        int C = rnd(&g, 2, COSIM_N_OUT);
        int log2e = configs == 0 ? COSIM_SG_AW : rnd(&g, 1, COSIM_SG_AW);
        sgl_fixed_net q;
        if (sgl_fixed_alloc(&q, n_in, 1, &n, C, T, 1 << log2e)) {
            fprintf(stderr, "cosim: %s\n", sgl_errmsg());
            return 1;
        }
        sgl_fixed_layer *L = &q.layer[0];
        q.reset = rnd(&g, 0, 1) ? SGL_RESET_MULT : SGL_RESET_SUB;
        int tr = rnd(&g, 0, 3);
        q.theta = tr == 0 ? rnd(&g, 1, 64) : tr == 1 ? rnd(&g, 20000, 32767)
                                                     : (1 << rnd(&g, 8, 14)) + rnd(&g, -9, 9);
        q.decay_shift = rnd(&g, 0, 3) == 0 ? rnd(&g, 1, 15) : rnd(&g, 1, 6);
        /* shifts: mostly moderate; one configuration in four anywhere in 0..15 (saturation) */
        int tl2 = 31 - __builtin_clz((unsigned)q.theta); /* floor(log2(theta)) */
        L->sh_in = rnd(&g, 0, 3) == 0 ? rnd(&g, 0, 15) : std::max(0, tl2 - rnd(&g, 6, 11));
        L->sh_rec = rnd(&g, 0, 3) == 0 ? rnd(&g, 0, 15) : std::max(0, tl2 - rnd(&g, 6, 11));
        int wstyle = rnd(&g, 0, 1);
        for (int x = 0; x < n_in * n; x++)
            L->w_in[x] = rnd_w(&g, wstyle);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                L->w_rec[j * n + i] = i == j ? 0 : rnd_w(&g, wstyle);
        for (int i = 0; i < n; i++)
            L->bias[i] = rnd_bias(&g);
        for (int x = 0; x < n * C; x++)
            q.w_out[x] = rnd_w(&g, 1);
        for (int c = 0; c < C; c++)
            q.b_out[c] = (int16_t)rnd(&g, -32768, 32767);
        for (int c = 1; c < C; c++) /* one class in four copies the previous: argmax ties */
            if (rnd(&g, 0, 3) == 0) {
                q.b_out[c] = q.b_out[c - 1];
                for (int i = 0; i < n; i++)
                    q.w_out[i * C + c] = q.w_out[i * C + c - 1];
            }
        if (configs == 0) { /* the table the RTL loaded from its $readmemh file */
            q.sg_bits = 16;
            q.sg_shift = rnd(&g, 0, 15);
            for (int x = 0; x < q.sg_entries; x++)
                q.sg_code[x] = sg_file[(size_t)x];
        } else {
            q.sg_bits = rnd(&g, 1, 16);
            q.sg_shift = rnd(&g, 0, 15);
            for (int x = 0; x < q.sg_entries; x++)
                q.sg_code[x] = (uint16_t)sgl_rng_below(&g, 1u << q.sg_bits);
        }
        q.sg_lo = (int32_t)(-(((int64_t)q.sg_entries << q.sg_shift) / 2));
        while (sgl_fixed_check(&q) && (L->sh_in > 0 || L->sh_rec > 0)) {
            L->sh_in = L->sh_in > 0 ? L->sh_in - 1 : 0;
            L->sh_rec = L->sh_rec > 0 ? L->sh_rec - 1 : 0;
        }
        if (sgl_fixed_check(&q)) {
            fprintf(stderr, "cosim: config %ld: %s\n", configs, sgl_errmsg());
            return 1;
        }
        if (verbose)
            describe(&q);

        /* ---- load it into the RTL ---- */
        for (int u = 0; u < n_in; u++)
            for (int i = 0; i < n; i++)
                sim.write(SEL_WIN, (uint32_t)(u << NW | i), (uint8_t)L->w_in[u * n + i]);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                sim.write(SEL_WREC, (uint32_t)(j << NW | i), (uint8_t)L->w_rec[j * n + i]);
        for (int i = 0; i < n; i++)
            sim.write(SEL_BIAS, (uint32_t)i, (uint16_t)L->bias[i]);
        if (configs > 0)
            for (int x = 0; x < q.sg_entries; x++)
                sim.write(SEL_SG, (uint32_t)x, q.sg_code[x]);
        sim.write(SEL_REG, REG_THETA, (uint32_t)q.theta);
        sim.write(SEL_REG, REG_K, (uint32_t)q.decay_shift);
        sim.write(SEL_REG, REG_SH_IN, (uint32_t)L->sh_in);
        sim.write(SEL_REG, REG_SH_REC, (uint32_t)L->sh_rec);
        sim.write(SEL_REG, REG_SG_SHIFT, (uint32_t)q.sg_shift);
        sim.write(SEL_REG, REG_SG_LOG2, (uint32_t)log2e);
        sim.write(SEL_REG, REG_RESET, q.reset == SGL_RESET_MULT ? 1u : 0u);
        sim.write(SEL_REG, REG_N_LAST, (uint32_t)(n - 1));
        for (int i = 0; i < n; i++)
            for (int c = 0; c < C; c++)
                sim.write(SEL_WOUT, (uint32_t)(i << CW | c), (uint8_t)q.w_out[i * C + c]);
        for (int c = 0; c < C; c++)
            sim.write(SEL_BOUT, (uint32_t)c, (uint16_t)q.b_out[c]);
        sim.write(SEL_REG, REG_C_LAST, (uint32_t)(C - 1));

        int n_samples = rnd(&g, 1, 4);
        for (int smp = 0; smp < n_samples && t_done < steps && mismatches == 0; smp++) {
            /* ---- a random sample: events per step, duplicates allowed ---- */
            std::vector<uint16_t> ev_t, ev_u;
            int rate = rnd(&g, 0, 7) == 0 ? 100 : rnd(&g, 0, 30); /* percent per channel */
            for (int t = 0; t < T; t++) {
                int cnt = 0;
                for (int u = 0; u < n_in && cnt < (1 << COSIM_EV_AW); u++)
                    if (rnd(&g, 1, 100) <= rate) {
                        ev_t.push_back((uint16_t)t);
                        ev_u.push_back((uint16_t)u);
                        cnt++;
                        if (cnt < (1 << COSIM_EV_AW) && rnd(&g, 0, 19) == 0) {
                            ev_t.push_back((uint16_t)t); /* listed twice: adds twice */
                            ev_u.push_back((uint16_t)u);
                            cnt++;
                        }
                    }
            }
            sgl_sample s = {(int)ev_t.size(), ev_t.data(), ev_u.data(), 0};
            Rec rec;
            rec.n = n;
            rec.v.resize((size_t)T * n);
            rec.z.resize((size_t)T * n);
            rec.code.resize((size_t)T * n);
            sgl_fixed_stats st;
            memset(&st, 0, sizeof st);
            std::vector<int32_t> logit((size_t)C);
            int pred = -1;
            if (sgl_fixed_forward(&q, &s, &pred, logit.data(), &st, record, &rec)) {
                fprintf(stderr, "cosim: twin: %s\n", sgl_errmsg());
                return 1;
            }

            /* ---- the RTL, step by step ---- */
            sim.top->clear_i = 1;
            sim.tick();
            sim.top->clear_i = 0;
            while (!sim.top->done_o)
                sim.tick();
            long rtl_sat = 0;
            size_t k_ev = 0;
            int prev_spikes = 0;
            for (int t = 0; t < T && mismatches == 0; t++) {
                int n_ev = 0;
                size_t k0 = k_ev;
                for (; k_ev < ev_t.size() && ev_t[k_ev] == t; k_ev++)
                    sim.write(SEL_EV, (uint32_t)n_ev++, ev_u[k_ev]);
                uint64_t c0 = sim.cycles;
                sim.top->n_ev_i = (uint16_t)n_ev;
                sim.top->start_i = 1;
                sim.tick();
                sim.top->start_i = 0;
                int next = 0;
                for (;;) {
                    if (sim.top->tr_valid_o) {
                        int i = sim.top->tr_idx_o;
                        size_t o = (size_t)t * n + (size_t)(i < n ? i : 0);
                        int16_t v = (int16_t)sim.top->tr_v_o;
                        int z = sim.top->tr_z_o, code = sim.top->tr_code_o;
                        rtl_sat += sim.top->tr_sat_o;
                        sats += sim.top->tr_sat_o;
                        updates++;
                        if (i != next || v != rec.v[o] || z != rec.z[o] || code != rec.code[o]) {
                            mismatches++;
                            fprintf(stderr,
                                    "MISMATCH seed %" PRIu64 " config %ld sample %d step %d "
                                    "neuron %d (expected neuron %d)\n",
                                    seed, configs, smp, t, i, next);
                            describe(&q);
                            fprintf(stderr, "  twin: v %d z %d code %u   rtl: v %d z %d code %d "
                                    "sat %d\n", rec.v[o], rec.z[o], rec.code[o], v, z, code,
                                    (int)sim.top->tr_sat_o);
                            if (t > 0)
                                fprintf(stderr, "  previous step (twin): v %d z %d\n",
                                        rec.v[o - n], rec.z[o - n]);
                            fprintf(stderr, "  bias %d, %d events this step:", L->bias[i < n ? i : 0],
                                    n_ev);
                            for (size_t e = k0; e < k_ev && e < k0 + 16; e++)
                                fprintf(stderr, " %u(w %d)", ev_u[e],
                                        L->w_in[ev_u[e] * n + (i < n ? i : 0)]);
                            fprintf(stderr, "%s\n", k_ev - k0 > 16 ? " ..." : "");
                            break;
                        }
                        if (verbose)
                            printf("t %d i %d v %d z %d code %d\n", t, i, v, z, code);
                        next++;
                    }
                    if (sim.top->done_o)
                        break;
                    sim.tick();
                    if (sim.cycles - c0 > 100000000ULL) {
                        fprintf(stderr, "cosim: step %d never finished\n", t);
                        return 1;
                    }
                }
                step_cycles += sim.cycles - c0;
                /* docs/rtl.md: a step costs n (E + S + 1) + STEP_OVERHEAD cycles, from the
                 * start pulse to done (E events of the step, S spikes of the previous step) */
                uint64_t want = (uint64_t)n * (uint64_t)(n_ev + prev_spikes + 1) + STEP_OVERHEAD;
                if (mismatches == 0 && sim.cycles - c0 != want) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                            "%" PRIu64 " cycles, expected %" PRIu64 "\n", seed, configs, smp, t,
                            sim.cycles - c0, want);
                }
                prev_spikes = 0;
                for (int i = 0; i < n; i++)
                    prev_spikes += rec.z[(size_t)t * n + (size_t)i];
                if (mismatches == 0 && next != n) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                            "%d neuron updates, expected %d\n", seed, configs, smp, t, next, n);
                }
                t_done++;
            }
            if (mismatches == 0 && rtl_sat != st.v_saturations) {
                mismatches++;
                fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: %ld "
                        "saturations in the RTL, %ld in the twin\n", seed, configs, smp, rtl_sat,
                        st.v_saturations);
            }
            /* the hardware readout: every class sum (read port) and the prediction */
            for (int c = 0; c < C && mismatches == 0; c++) {
                sim.top->ro_class_i = (uint16_t)c;
                sim.top->eval();
                int32_t sum = (int32_t)sim.top->ro_sum_o;
                ro_sums++;
                if (sum != logit[(size_t)c]) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: readout "
                            "class %d: rtl %d, twin %d\n", seed, configs, smp, c, sum,
                            logit[(size_t)c]);
                    describe(&q);
                }
            }
            if (mismatches == 0) {
                ro_preds++;
                if ((int)sim.top->pred_o != pred) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: predicted "
                            "class: rtl %d, twin %d (of %d)\n", seed, configs, smp,
                            (int)sim.top->pred_o, pred, C);
                }
            }
            /* the history memory, read back: {z, code} at {t, i} for the recorded steps */
            int t_hist = std::min(T, COSIM_HIST);
            if (mismatches == 0 && (int)sim.top->hist_steps_o != t_hist) {
                mismatches++;
                fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: history "
                        "holds %d steps, expected %d\n", seed, configs, smp,
                        (int)sim.top->hist_steps_o, t_hist);
            }
            for (int t = 0; t < t_hist && mismatches == 0; t++)
                for (int i = 0; i < n && mismatches == 0; i++) {
                    sim.top->hist_raddr_i = (uint32_t)(t << NW | i);
                    sim.tick();
                    uint32_t w = sim.top->hist_rdata_o;
                    size_t o = (size_t)t * n + (size_t)i;
                    hist_words++;
                    if ((int)(w >> 16) != rec.z[o] || (w & 0xffff) != rec.code[o]) {
                        mismatches++;
                        fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: "
                                "history step %d neuron %d: rtl z %u code %u, twin z %d code "
                                "%u\n", seed, configs, smp, t, i, w >> 16, w & 0xffff,
                                rec.z[o], rec.code[o]);
                    }
                }
            if (verbose)
                printf("sample %d: %ld of %d updates saturated\n", smp, rtl_sat, T * n);
            samples++;
        }
        sgl_fixed_free(&q);
        configs++;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sim.top->final();
    printf("cosim: %ld configurations, %ld samples, %ld steps, %" PRIu64 " cycles (%" PRIu64
           " in steps), %.2f M cycles/s\n",
           configs, samples, t_done, sim.cycles, step_cycles,
           secs > 0 ? (double)sim.cycles / secs / 1e6 : 0.0);
    /* saturations: clamped updates among those compared (the RTL's flag, checked against the
     * twin's count at the end of every sample) */
    printf("cosim: readout: %ld class sums and %ld predictions compared; history: %ld words "
           "compared\n", ro_sums, ro_preds, hist_words);
    printf("cosim: %ld neuron-updates compared, %ld mismatches, %ld saturations\n", updates,
           mismatches, sats);
    printf("%s\n", mismatches ? "FAIL" : "PASS");
    delete sim.top;
    return mismatches ? 1 : 0;
}
