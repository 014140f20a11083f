// SPDX-License-Identifier: MIT
// Lock-step co-simulation of the RTL LIF core (rtl/sglif_lif_core.v, Verilator) against the
// integer twin (sw/fixed.c): random configurations from a seed (sim/cosim_gen.h: one or two
// layers, sizes, extremes), every neuron update compared (layer, index, membrane, spike, SG
// code, saturation) and every step's cycle count against docs/rtl.md; per sample the hardware
// readout (every class sum and the prediction) and the history memory read back (spike and SG
// code of every neuron, layer and step). The saturation flag is compared per update with the
// twin's (sgl_fixed_forward_sat's hook) and its count per sample. The readout's argmax scan
// (argmax_i, taken with start_i) is asked for on a sample's last step and on a random half of
// the others (a stream of its own, so the configurations of a seed are those without it); the
// input is inverted while the step runs (the core must use the value taken at the start); a
// step without the scan must take its cycles without the scan's and keep pred_o. Stops at the
// first difference with its context.
// Plus-args: +seed=S (default 1), +steps=N (time steps to run in total, default 2000),
// +full (board sizes: every configuration at the core's full size, COSIM_T_MAX steps, full
// event lists: sim/cosim_gen.h's cg_full; make cosim-boards), +verbose, +fault=sat (the
// checker's self-test, make cosim-selftest: the flag the checker sees is the RTL's of the
// previous update, one update late, which keeps the per-sample counts; the per-update compare
// must fail). Exit 0 on PASS, 1 on FAIL; the last line is the count of compared updates.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "fixed.h"
#include "rng.h"
}
#include "Vsglif_lif_core.h"
#include "verilated.h"
#include "core_port.h"
#include "cosim_gen.h"

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
#ifndef COSIM_P
#define COSIM_P 4
#endif
#ifndef COSIM_L
#define COSIM_L 2
#endif
#ifndef COSIM_SG_INIT
#define COSIM_SG_INIT "rtl/sglif_sg_default.hex"
#endif

using Sim = CorePort;

/* The twin's trace of one sample: [l][t][i], i < N */
struct Rec {
    std::vector<int16_t> v;
    std::vector<uint8_t> z;
    std::vector<uint16_t> code;
    std::vector<uint8_t> sat; /* 1: the update was clamped to int16 */
    size_t at(int l, int t, int i) const
    {
        return ((size_t)l * COSIM_T_MAX + (size_t)t) * COSIM_N + (size_t)i;
    }
};

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    Rec *r = (Rec *)ctx;
    size_t o = r->at(layer, t, 0);
    memcpy(&r->v[o], v, (size_t)n * sizeof *v);
    memcpy(&r->z[o], z, (size_t)n);
    memcpy(&r->code[o], code, (size_t)n * sizeof *code);
}

static void record_sat(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *sat)
{
    Rec *r = (Rec *)ctx;
    (void)v;
    memcpy(&r->sat[r->at(layer, t, 0)], sat, (size_t)n);
}

static void describe(const sgl_fixed_net *q)
{
    fprintf(stderr, "  config: n_in %d, %d layer(s), T %d, reset %s, theta %d, k %d, SG %d "
            "entries x %d bits, shift %d, x_lo %d\n", q->n_in, q->n_layers, q->n_steps,
            q->reset == SGL_RESET_SUB ? "sub" : "mult", (int)q->theta, q->decay_shift,
            q->sg_entries, q->sg_bits, q->sg_shift, (int)q->sg_lo);
    for (int l = 0; l < q->n_layers; l++)
        fprintf(stderr, "  layer %d: n %d, sh_in %d, sh_rec %d\n", l, q->layer[l].n,
                q->layer[l].sh_in, q->layer[l].sh_rec);
}

/* the read-back word of a configuration write (docs/rtl.md, "Read-back"): the bits the memory
 * or register keeps, W_out sign-extended */
static uint16_t rb_expect(const Sim &sim, int sel, uint32_t addr, uint16_t data)
{
    switch (sel) {
    case SEL_W:
        return sim.P > 1 ? data : (uint16_t)(data & 0xff);
    case SEL_REG: {
        static const int bits[13] = {15, 4, 4, 4, 4, 5, 1, 0, 0, 1, 4, 4, 0};
        if (addr > 12)
            return 0;
        int b = addr == REG_N_LAST || addr == REG_N_LAST1 ? sim.NW
                : addr == REG_C_LAST ? sim.CW : bits[addr];
        return (uint16_t)(data & ((1u << b) - 1));
    }
    case SEL_EV:
        return (uint16_t)(data & ((1u << clog2(sim.N_IN)) - 1));
    case SEL_WOUT:
        return (uint16_t)(int16_t)(int8_t)(data & 0xff);
    case 1:
        return 0;
    default: /* bias, SG table, b_out: 16 bits */
        return data;
    }
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
    bool fault_sat = false;
    if ((a = ctx->commandArgsPlusMatch("fault=")) && *a) {
        if (strcmp(a, "+fault=sat")) {
            fprintf(stderr, "cosim: %s: expected +fault=sat\n", a);
            return 1;
        }
        fault_sat = true;
        printf("cosim: +fault=sat: the saturation flag seen one update late\n");
    }
    int sat_late = 0; /* +fault=sat: the RTL's flag of the previous update */
    cg_full = *ctx->commandArgsPlusMatch("full") != 0;
    printf("cosim: seed %" PRIu64 ", %ld steps, RTL N %d, N_IN %d, P %d lanes, L %d layers, "
           "%d events per step, SG table %d entries, %d classes, history of %d steps%s\n",
           seed, steps, COSIM_N, COSIM_N_IN, COSIM_P, COSIM_L, 1 << COSIM_EV_AW,
           1 << COSIM_SG_AW, COSIM_N_OUT, COSIM_HIST,
           cg_full ? ", full sizes (+full)" : "");

    Sim sim;
    sim.ctx = ctx.get();
    sim.shape(COSIM_N, COSIM_N_IN, COSIM_N_OUT, COSIM_P, COSIM_L, COSIM_HIST);
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

    sgl_rng g, g_scan;
    sgl_rng_seed(&g, seed, 0x636f73696dULL);
    sgl_rng_seed(&g_scan, seed, 0x7363616eULL); /* the steps that ask for the argmax scan */
    long scan_steps = 0, kept_preds = 0;
    long updates = 0, mismatches = 0, sats = 0, t_done = 0, samples = 0, configs = 0;
    long ro_sums = 0, ro_preds = 0, hist_words = 0, two_layer_steps = 0, rb_words = 0;
    uint64_t step_cycles = 0, syn_ops = 0;
    const int ev_max = 1 << COSIM_EV_AW;
    std::vector<uint16_t> ev_t((size_t)COSIM_T_MAX * ev_max), ev_u((size_t)COSIM_T_MAX * ev_max);
    Rec rec;
    rec.v.resize(2 * (size_t)COSIM_T_MAX * COSIM_N);
    rec.z.resize(rec.v.size());
    rec.code.resize(rec.v.size());
    rec.sat.resize(rec.v.size());
    auto t0 = std::chrono::steady_clock::now();

    while (t_done < steps && mismatches == 0) {
        sgl_fixed_net q;
        if (cg_net(&g, configs, COSIM_N, COSIM_N_IN, COSIM_SG_AW, COSIM_N_OUT, COSIM_L,
                   sg_file.data(), &q))
            return 1;
        if (verbose)
            describe(&q);
        const int nl = q.n_layers, T = q.n_steps, C = q.n_out;
        sim.wlog.clear();
        sim.log_writes = true;
        sim.load_net(&q, configs > 0);
        sim.log_writes = false;
        /* the configuration read back: every select and address written, the last word written
         * there in the read-back layout (docs/rtl.md, "Read-back") */
        {
            std::map<std::pair<int, uint32_t>, uint16_t> want;
            for (const auto &w : sim.wlog)
                want[{w.sel, w.addr}] = rb_expect(sim, w.sel, w.addr, w.data);
            if (configs == 0) /* the table loaded by $readmemh, never written */
                for (uint32_t x = 0; x < (uint32_t)sg_file.size(); x++)
                    want[{SEL_SG, x}] = sg_file[x];
            for (const auto &w : want) {
                if (mismatches)
                    break;
                uint16_t got = sim.read(w.first.first, w.first.second);
                rb_words++;
                if (got != w.second) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld: read-back select %d "
                            "address 0x%x: rtl 0x%04x, written 0x%04x (%zu words written, %ld "
                            "read back so far)\n", seed, configs, w.first.first,
                            (unsigned)w.first.second, got, w.second, sim.wlog.size(),
                            rb_words);
                    describe(&q);
                }
            }
        }

        int n_samples = cg_rnd(&g, 1, 4);
        for (int smp = 0; smp < n_samples && t_done < steps && mismatches == 0; smp++) {
            int n_ev_all = cg_sample(&g, &q, ev_max, ev_t.data(), ev_u.data());
            sgl_sample s = {n_ev_all, ev_t.data(), ev_u.data(), 0};
            sgl_fixed_stats st;
            memset(&st, 0, sizeof st);
            std::vector<int32_t> logit((size_t)C);
            int pred = -1;
            if (sgl_fixed_forward_sat(&q, &s, &pred, logit.data(), &st, record, record_sat,
                                      &rec)) {
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
            int k_ev = 0;
            int prev[2] = {0, 0}; /* spikes of the previous step per layer */
            for (int t = 0; t < T && mismatches == 0; t++) {
                int n_ev = 0;
                int k0 = k_ev;
                for (; k_ev < n_ev_all && ev_t[(size_t)k_ev] == t; k_ev++)
                    sim.write(SEL_EV, (uint32_t)n_ev++, ev_u[(size_t)k_ev]);
                /* the step's event list read back (select 5) */
                for (int e = 0; e < n_ev && mismatches == 0; e++) {
                    uint16_t got = sim.read(SEL_EV, (uint32_t)e);
                    uint16_t w = rb_expect(sim, SEL_EV, (uint32_t)e, ev_u[(size_t)(k0 + e)]);
                    rb_words++;
                    if (got != w) {
                        mismatches++;
                        fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                                "read-back select 5 address %d: rtl %u, written %u\n", seed,
                                configs, smp, t, e, got, w);
                    }
                }
                int now[2] = {0, 0}; /* spikes of this step (twin) */
                for (int l = 0; l < nl; l++)
                    for (int i = 0; i < q.layer[l].n; i++)
                        now[l] += rec.z[rec.at(l, t, i)];
                uint64_t c0 = sim.cycles;
                const int scan = t == T - 1 || sgl_rng_below(&g_scan, 2);
                const int pred0 = (int)sim.top->pred_o;
                scan_steps += scan;
                sim.top->n_ev_i = (uint16_t)n_ev;
                sim.top->start_i = 1;
                sim.top->argmax_i = (uint8_t)scan;
                sim.tick();
                sim.top->start_i = 0;
                sim.top->argmax_i = (uint8_t)!scan; /* taken with start_i: not read again */
                int nx_l = 0, nx_i = 0, got = 0; /* the update expected next */
                for (;;) {
                    if (sim.top->tr_valid_o) {
                        int l = sim.top->tr_layer_o, i = sim.top->tr_idx_o;
                        int ok_pos = l == nx_l && i == nx_i && nx_l < nl;
                        size_t o = rec.at(ok_pos ? l : 0, t, ok_pos ? i : 0);
                        int16_t v = (int16_t)sim.top->tr_v_o;
                        int z = sim.top->tr_z_o, code = sim.top->tr_code_o;
                        int sat = sim.top->tr_sat_o;
                        if (fault_sat)
                            std::swap(sat, sat_late);
                        rtl_sat += sat;
                        sats += sat;
                        updates++;
                        got++;
                        if (!ok_pos || v != rec.v[o] || z != rec.z[o] || code != rec.code[o] ||
                            sat != rec.sat[o]) {
                            mismatches++;
                            fprintf(stderr,
                                    "MISMATCH seed %" PRIu64 " config %ld sample %d step %d "
                                    "layer %d neuron %d (expected layer %d neuron %d)\n",
                                    seed, configs, smp, t, l, i, nx_l, nx_i);
                            describe(&q);
                            fprintf(stderr, "  twin: v %d z %d code %u sat %d   rtl: v %d z %d "
                                    "code %d sat %d\n", rec.v[o], rec.z[o], rec.code[o],
                                    rec.sat[o], v, z, code, sat);
                            if (ok_pos && v == rec.v[o] && z == rec.z[o] &&
                                code == rec.code[o])
                                fprintf(stderr, "  the saturation flag differs: rtl %d, twin %d "
                                        "(the update was%s clamped to int16)\n", sat,
                                        rec.sat[o], rec.sat[o] ? "" : " not");
                            if (ok_pos && t > 0)
                                fprintf(stderr, "  previous step (twin): v %d z %d\n",
                                        rec.v[rec.at(l, t - 1, i)], rec.z[rec.at(l, t - 1, i)]);
                            if (ok_pos)
                                fprintf(stderr, "  bias %d, %d events this step, %d spikes of "
                                        "layer 0 this step, %d of this layer in the previous\n",
                                        q.layer[l].bias[i], n_ev, now[0], prev[l]);
                            fprintf(stderr, "  events:");
                            for (int e = k0; e < k_ev && e < k0 + 16; e++)
                                fprintf(stderr, " %u", ev_u[(size_t)e]);
                            fprintf(stderr, "%s\n", k_ev - k0 > 16 ? " ..." : "");
                            break;
                        }
                        if (verbose)
                            printf("t %d l %d i %d v %d z %d code %d\n", t, l, i, v, z, code);
                        if (++nx_i == q.layer[nx_l].n) {
                            nx_i = 0;
                            nx_l++;
                        }
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
                /* docs/rtl.md: the cycles of a step, from the start pulse to done */
                uint64_t want = (uint64_t)step_overhead(COSIM_N_OUT, scan);
                for (int l = 0; l < nl; l++) {
                    uint64_t ops = (uint64_t)(l == 0 ? n_ev : now[0]) + (uint64_t)prev[l];
                    want += layer_cycles(COSIM_P, q.layer[l].n, ops);
                    syn_ops += ops * (uint64_t)q.layer[l].n;
                }
                if (mismatches == 0 && sim.cycles - c0 != want) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                            "%" PRIu64 " cycles, expected %" PRIu64 " (layers %d, n %d/%d, E %d, "
                            "S %d/%d, layer-0 spikes %d)\n", seed, configs, smp, t,
                            sim.cycles - c0, want, nl, q.layer[0].n, nl > 1 ? q.layer[1].n : 0,
                            n_ev, prev[0], prev[1], now[0]);
                }
                if (mismatches == 0 && !scan) {
                    kept_preds++;
                    if ((int)sim.top->pred_o != pred0) {
                        mismatches++;
                        fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                                "a step without the argmax scan changed pred_o %d -> %d\n",
                                seed, configs, smp, t, pred0, (int)sim.top->pred_o);
                    }
                }
                int want_upd = 0;
                for (int l = 0; l < nl; l++)
                    want_upd += q.layer[l].n;
                if (mismatches == 0 && got != want_upd) {
                    mismatches++;
                    fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d step %d: "
                            "%d neuron updates, expected %d\n", seed, configs, smp, t, got,
                            want_upd);
                }
                prev[0] = now[0];
                prev[1] = now[1];
                t_done++;
                two_layer_steps += nl > 1;
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
            /* the history memory, read back: {z, code} at {l, t, i} for the recorded steps */
            int t_hist = std::min(T, COSIM_HIST);
            if (mismatches == 0 && (int)sim.top->hist_steps_o != t_hist) {
                mismatches++;
                fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: history "
                        "holds %d steps, expected %d\n", seed, configs, smp,
                        (int)sim.top->hist_steps_o, t_hist);
            }
            for (int l = 0; l < nl && mismatches == 0; l++)
                for (int t = 0; t < t_hist && mismatches == 0; t++)
                    for (int i = 0; i < q.layer[l].n && mismatches == 0; i++) {
                        sim.top->hist_raddr_i = sim.hist_addr(l, t, i);
                        for (int c = 0; c < HIST_LAT; c++)
                            sim.tick();
                        uint32_t w = sim.top->hist_rdata_o;
                        size_t o = rec.at(l, t, i);
                        hist_words++;
                        if ((int)(w >> 16) != rec.z[o] || (w & 0xffff) != rec.code[o]) {
                            mismatches++;
                            fprintf(stderr, "MISMATCH seed %" PRIu64 " config %ld sample %d: "
                                    "history layer %d step %d neuron %d: rtl z %u code %u, twin "
                                    "z %d code %u\n", seed, configs, smp, l, t, i, w >> 16,
                                    w & 0xffff, rec.z[o], rec.code[o]);
                        }
                    }
            if (verbose)
                printf("sample %d: %ld saturated updates\n", smp, rtl_sat);
            samples++;
        }
        sgl_fixed_free(&q);
        configs++;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sim.top->final();
    printf("cosim: %ld configurations, %ld samples, %ld steps (%ld with two layers), %" PRIu64
           " cycles (%" PRIu64 " in steps, %.2f synaptic ops per step cycle), %.2f M cycles/s\n",
           configs, samples, t_done, two_layer_steps, sim.cycles, step_cycles,
           step_cycles ? (double)syn_ops / (double)step_cycles : 0.0,
           secs > 0 ? (double)sim.cycles / secs / 1e6 : 0.0);
    /* saturations: clamped updates among those compared (the RTL's flag, compared with the
     * twin's per update and their counts per sample) */
    printf("cosim: readout: %ld class sums and %ld predictions compared; history: %ld words "
           "compared\n", ro_sums, ro_preds, hist_words);
    printf("cosim: %ld read-back words compared\n", rb_words);
    printf("cosim: %ld steps with the argmax scan, %ld without (pred_o kept: %ld compared)\n",
           scan_steps, t_done - scan_steps, kept_preds);
    printf("cosim: %s\n", mismatches ? "FAIL" : "PASS");
    // the last line (make cosim ends with it)
    printf("cosim: %ld neuron-updates compared, %ld mismatches, %ld saturations\n", updates,
           mismatches, sats);
    delete sim.top;
    return mismatches ? 1 : 0;
}
