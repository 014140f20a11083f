// SPDX-License-Identifier: MIT
// make trn-test: the training engine in the device (rtl/sglif_device.v with ENGINE = 1,
// rtl/sglif_trainer.v) against the twin's integer rule (sw/fixed_train.c), in lock step, over
// the link's frames (byte streams, BYTE_IO = 1). Per configuration a random one-layer net
// (sim/cosim_gen.h, sim/acc_gen.h: sizes up to the engine's and the core's, both reset modes,
// gamma_q for gamma in 0..4, W_rec's diagonal 0 as the rule holds it), masters anywhere in the
// 2^8 below their weight, random momenta, random options (momentum shift 0..8, row_norm,
// weight decay shift 0..6, state shift) and a random PCG32 state; the device gets the model
// (sgl_core_load through WRITE_MEM), the masters, momenta, gamma_q, the engine registers and
// the PCG32 state (selects 8..15); six malformed TRAIN / UPDATE / READ_STATS requests get their
// status and change nothing (the statistics stay 0). Then batches of 1..4 samples: per sample RUN (clear first,
// the sample's events) and TRAIN (its label) on the device, sgl_fixed_grad_sample on the
// twin; the RUN's cycles against the executor's and the core's formulas (sw/core_map.c's
// sgl_run_cycles: both walks of the payload, the clear; the argmax scan in the last step only:
// sgl_core_step_fixed); compared after each TRAIN: EVERY gradient word in use (TGRAD: dW_in, dW_rec, dbias,
// dW_out, db_out, every 16-bit part) against the twin's sums, every error of the sample (TERR)
// against g.err (the classes beyond those in use against 0), the statistics (READ_STATS: samples, correct, saturations) and the TRAIN's
// cycles against the formula; after each UPDATE (a random lr_t) against sgl_fixed_update:
// every master and momentum (TW, TWMOM, TOUT, TUNIT), every word of the core's model read back
// through the core (what sgl_core_load writes for the twin's new weights: bank words, biases,
// registers, W_out, b_out), the PCG32 state and increment, every gradient word (0), the
// clamped masters (READ_STATS), and the UPDATE's cycles against the formula (sim/upd_gen.h's
// per tensor plus TRN_UPDATE_TENSOR each, TRN_UPDATE_FIXED and the request's sgl_cmd_cycles,
// rtl/core_map.csv; TRAIN's likewise). Plus-args:
// +seed=S, +n=N configurations (default 6), +record=FILE (every request frame and the reply
// frame the device gave, for the Icarus replay sim/tb_trn.v: "S n bytes" / "R n bytes" lines). Last lines: `trn: <C> configurations, <S>
// samples, <B> batches, <V> values compared, <M> mismatches` and PASS / FAIL; exit 1 on a
// mismatch (the first stops the run). Sizes: -DTRN_N, TRN_N_IN, TRN_NOUT, TRN_T, TRN_P (the
// core), TRN_EN, TRN_EIN, TRN_EP, TRN_ES_AW (the engine), TRN_EV_AW (sim/trn.mk).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vsglif_device.h"
typedef Vsglif_device Top;
#define NAME "trn"
#include "unit_harness.h"
#include "upd_gen.h"

extern "C" {
#include "core_map.h"
#include "fixed.h"
#include "fixed_train.h"
#include "link.h"
#include "rng.h"
#include "sglif_core_map.h"
#include "sglif_protocol.h"
#define COSIM_T_MAX TRN_T
#include "cosim_gen.h"
#include "acc_gen.h"
}

static int clog2(int x) { int b = 0; while ((1 << b) < x) b++; return b > 0 ? b : 1; }
static const int EN = TRN_EN, EIN = TRN_EIN, EP = TRN_EP, NOUT = TRN_NOUT, T_MAX = TRN_T;
static const int ENW = clog2(EN), ERW = acc_log2i(EIN + EN), CW = clog2(NOUT);
static const int XW = ENW > CW ? ENW : CW;
static const int GAW = ERW + ENW > ENW + CW ? ERW + ENW : ENW + CW;
static const int NPART = (SGL_GRAD_W + 15) / 16;
// the history's read latency as the engine sees it (rtl/sglif_device.v)
static const int H_LAT = clog2(TRN_T) + clog2(TRN_N) <= 10 ? 1 : 2;

struct Dev {
    UnitHarness<Top> &h;
    Top *top;
    sgl_link_decoder dec;
    uint8_t pay[70000];
    uint8_t seq = 0;
    FILE *rec = nullptr; // +record=FILE: every request and its reply, for sim/tb_trn.v
    explicit Dev(UnitHarness<Top> &hh) : h(hh), top(hh.top.get()) {}
    static void put_line(FILE *f, char k, const uint8_t *b, size_t n)
    {
        fprintf(f, "%c %zu", k, n);
        for (size_t i = 0; i < n; i++)
            fprintf(f, " %02x", b[i]);
        fputc('\n', f);
    }
    // a request and its reply (status in dec.code, payload in pay / dec.len); exit on no reply
    int req(uint8_t cmd, const std::vector<uint8_t> &p)
    {
        std::vector<uint8_t> f(p.size() + SGL_LINK_OVERHEAD);
        size_t n = sgl_link_encode(f.data(), cmd, ++seq, p.data(), (uint16_t)p.size());
        sgl_link_decoder_init(&dec, pay, 65535);
        for (size_t i = 0; i < n; i++) {
            top->rx_byte_i = f[i];
            top->rx_valid_i = 1;
            h.tick();
        }
        top->rx_valid_i = 0;
        std::vector<uint8_t> got;
        for (uint64_t idle = 0; idle < 200000000ull; idle++) {
            h.tick();
            if (top->tx_valid_o) {
                got.push_back(top->tx_byte_o);
                if (sgl_link_feed(&dec, top->tx_byte_o) == SGL_LINK_FRAME) {
                    if (rec) {
                        put_line(rec, 'S', f.data(), n);
                        put_line(rec, 'R', got.data(), got.size());
                    }
                    return dec.code;
                }
            }
        }
        fprintf(stderr, NAME ": no reply to command 0x%02x\n", cmd);
        exit(1);
    }
    uint32_t u32(int at) const
    {
        return (uint32_t)pay[at] | (uint32_t)pay[at + 1] << 8 | (uint32_t)pay[at + 2] << 16 |
               (uint32_t)pay[at + 3] << 24;
    }
    static void put16(std::vector<uint8_t> &p, unsigned v)
    {
        p.push_back((uint8_t)v);
        p.push_back((uint8_t)(v >> 8));
    }
    static std::vector<uint8_t> hdr(int sel, uint32_t addr)
    {
        return {(uint8_t)sel, 0, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
                (uint8_t)(addr >> 24)};
    }
    void write(int sel, uint32_t addr, const std::vector<uint16_t> &w)
    {
        for (size_t o = 0; o < w.size(); o += 400) {
            std::vector<uint8_t> p = hdr(sel, addr + (uint32_t)o);
            for (size_t k = o; k < w.size() && k < o + 400; k++)
                put16(p, w[k]);
            if (req(SGL_CMD_WRITE_MEM, p) != SGL_ST_OK) {
                fprintf(stderr, NAME ": WRITE_MEM sel %d addr %u: status %d\n", sel, addr, dec.code);
                exit(1);
            }
        }
    }
    std::vector<uint16_t> read(int sel, uint32_t addr, uint32_t n)
    {
        std::vector<uint16_t> w;
        for (uint32_t o = 0; o < n; o += 400) {
            uint32_t k = n - o < 400 ? n - o : 400;
            std::vector<uint8_t> p = hdr(sel, addr + o);
            put16(p, k);
            if (req(SGL_CMD_READ_MEM, p) != SGL_ST_OK || dec.len != 2 * k) {
                fprintf(stderr, NAME ": READ_MEM sel %d addr %u n %u: status %d\n", sel, addr + o, k, dec.code);
                exit(1);
            }
            for (uint32_t i = 0; i < k; i++)
                w.push_back((uint16_t)(pay[2 * i] | pay[2 * i + 1] << 8));
        }
        return w;
    }
};

// (sel, addr, data) writes of sgl_core_load, in order
struct Writes {
    struct W { int sel; uint32_t addr; uint16_t data; };
    std::vector<W> w;
    static void f(void *ctx, int sel, uint32_t addr, uint16_t data)
    {
        static_cast<Writes *>(ctx)->w.push_back({sel, addr, data});
    }
};

int main(int argc, char **argv)
{
    UnitHarness<Top> h(argc, argv, 6);
    Top *top = h.top.get();
    Dev d(h);
    if (const char *a = h.ctx->commandArgsPlusMatch("record=")) {
        if (*a && !(d.rec = fopen(a + 8, "w"))) {
            fprintf(stderr, NAME ": cannot write %s\n", a + 8);
            return 2;
        }
    }
    sgl_rng r;
    sgl_rng_seed(&r, h.seed, 0x74726e); // "trn"
    top->tx_ready_i = 1;
    top->rx_valid_i = 0;
    top->uart_rx_i = 1;
    h.reset();

    const int NMAX = EN < TRN_N ? EN : TRN_N, NIN = EIN < TRN_N_IN ? EIN : TRN_N_IN;
    // events a step: the RUN's payload (<= MAX_PAYLOAD), the event store, the core's event list
    int ev_step = ((int)SGL_MAX_PAYLOAD - 2) / T_MAX / 2 - 1;
    if (ev_step * T_MAX > (1 << TRN_ES_AW))
        ev_step = (1 << TRN_ES_AW) / T_MAX;
    if (ev_step > (1 << TRN_EV_AW))
        ev_step = 1 << TRN_EV_AW;
    std::vector<uint16_t> ev_t((size_t)T_MAX * ev_step), ev_u((size_t)T_MAX * ev_step);
    sgl_core_shape cs;
    if (sgl_core_shape_init(&cs, TRN_N, TRN_N_IN, NOUT, TRN_P, 1, 256, 1 << TRN_EV_AW)) {
        fprintf(stderr, NAME ": %s\n", sgl_errmsg());
        return 2;
    }

    // IDENTIFY: the features bit and the engine's sizes
    if (d.req(SGL_CMD_IDENTIFY, {}) != SGL_ST_OK || d.dec.len != 34) {
        fprintf(stderr, NAME ": IDENTIFY: status %d, %d bytes\n", d.dec.code, d.dec.len);
        return 1;
    }
    const unsigned id[6] = {1u, (unsigned)EN, (unsigned)EIN, (unsigned)EP, (unsigned)SGL_GRAD_W, (unsigned)TRN_ES_AW};
    for (int k = 0; k < 6; k++)
        if ((unsigned)(d.pay[22 + 2 * k] | d.pay[23 + 2 * k] << 8) != id[k]) {
            fprintf(stderr, NAME ": IDENTIFY field %d is %u, want %u\n", k, d.pay[22 + 2 * k] | d.pay[23 + 2 * k] << 8, id[k]);
            return 1;
        }

    uint64_t configs = 0, skipped = 0, samples = 0, batches = 0, values = 0, mismatches = 0;
    uint64_t run_cyc = 0, train_cyc = 0, upd_cyc = 0, nz_grad = 0, clamps = 0, sats = 0;
    auto bad = [&](const char *what, long i, int64_t got, int64_t want) {
        if (got == want)
            return false;
        if (mismatches++ == 0)
            fprintf(stderr, NAME ": MISMATCH config %" PRIu64 " batch %" PRIu64 ": %s [%ld]: device %" PRId64
                    ", twin %" PRId64 "\n", configs, batches, what, i, got, want);
        return true;
    };
    auto rnd = [&](int lo, int hi) { return lo + (int)sgl_rng_below(&r, (uint32_t)(hi - lo + 1)); };

    while (configs < h.n && mismatches == 0) {
        sgl_fixed_net q;
        sgl_fixed_grad g;
        int made = acc_config(&r, (long)configs, NMAX, NIN, NOUT, &q, &g);
        if (made < 0)
            return 1;
        if (made > 0) {
            configs++;
            skipped++;
            continue;
        }
        sgl_fixed_layer *Ly = &q.layer[0];
        const int n = Ly->n, n_in = Ly->n_pre, C = q.n_out, T = q.n_steps;
        for (int i = 0; i < n; i++)
            Ly->w_rec[(size_t)i * n + i] = 0; // the rule holds W_rec's diagonal at 0
        sgl_fixed_master m;
        if (sgl_fixed_master_init(&m, &q)) {
            fprintf(stderr, NAME ": %s\n", sgl_errmsg());
            return 1;
        }
        // masters anywhere in the 2^8 below their weight; momenta random
        for (size_t x = 0; x < (size_t)n_in * n; x++) {
            m.w_in[0][x] = (int16_t)(Ly->w_in[x] * 256 + rnd(0, 255));
            m.m_in[0][x] = (int16_t)rnd(-3000, 3000);
        }
        for (size_t x = 0; x < (size_t)n * n; x++) {
            m.w_rec[0][x] = (int16_t)(Ly->w_rec[x] * 256 + rnd(0, 255));
            m.m_rec[0][x] = (int16_t)rnd(-3000, 3000);
        }
        for (int i = 0; i < n; i++) {
            m.bias[0][i] = Ly->bias[i] * 256 + rnd(0, 255);
            m.m_bias[0][i] = (int16_t)rnd(-3000, 3000);
        }
        for (size_t x = 0; x < (size_t)n * C; x++) {
            m.w_out[x] = (int16_t)(q.w_out[x] * 256 + rnd(0, 255));
            m.m_out[x] = (int16_t)rnd(-3000, 3000);
        }
        for (int c = 0; c < C; c++) {
            m.b_out[c] = q.b_out[c] * 256 + rnd(0, 255);
            m.m_bout[c] = (int16_t)rnd(-3000, 3000);
        }
        sgl_fixed_train_opts o;
        sgl_fixed_train_opts_default(&o);
        o.momentum = rnd(0, 3) == 0 ? 0 : rnd(1, 8);
        o.row_norm = rnd(0, 3) != 0;
        o.wd_shift = rnd(0, 6);
        o.state_shift = rnd(0, 1);
        sgl_rng tr;
        tr.state = (uint64_t)sgl_rng_u32(&r) << 32 | sgl_rng_u32(&r);
        tr.inc = ((uint64_t)sgl_rng_u32(&r) << 32 | sgl_rng_u32(&r)) | 1u;
        const int ks = o.state_shift ? q.decay_shift : 0;
        const int S[5] = {sgl_fixed_step_shift(q.v_frac - Ly->sh_in, 0),
                          sgl_fixed_step_shift(q.v_frac - Ly->sh_rec, ks),
                          sgl_fixed_step_shift(q.v_frac, ks), sgl_fixed_step_shift(q.out_frac, 0),
                          sgl_fixed_step_shift(q.out_frac, 0)};

        // ---- the device: the model, the rule's state, the registers -------------------------
        {
            Writes cw;
            sgl_core_load(&cs, &q, 1, Writes::f, &cw);
            for (size_t k = 0; k < cw.w.size();) { // runs of consecutive addresses
                size_t e = k + 1;
                while (e < cw.w.size() && cw.w[e].sel == cw.w[k].sel && cw.w[e].addr == cw.w[e - 1].addr + 1)
                    e++;
                std::vector<uint16_t> run;
                for (size_t j = k; j < e; j++)
                    run.push_back(cw.w[j].data);
                d.write(cw.w[k].sel, cw.w[k].addr, run);
                k = e;
            }
        }
        for (int u = 0; u < n_in + n; u++) {
            std::vector<uint16_t> mw, mm;
            for (int i = 0; i < n; i++) {
                size_t x = u < n_in ? (size_t)u * n + i : (size_t)(u - n_in) * n + i;
                mw.push_back((uint16_t)(u < n_in ? m.w_in[0][x] : m.w_rec[0][x]));
                mm.push_back((uint16_t)(u < n_in ? m.m_in[0][x] : m.m_rec[0][x]));
            }
            uint32_t row = (uint32_t)(u < n_in ? u : EIN + u - n_in);
            d.write(SGL_SEL_TW, row << ENW, mw);
            d.write(SGL_SEL_TWMOM, row << ENW, mm);
        }
        for (int i = 0; i < n; i++) {
            std::vector<uint16_t> ow;
            for (int c = 0; c < C; c++) {
                ow.push_back((uint16_t)m.w_out[(size_t)i * C + c]);
                ow.push_back((uint16_t)m.m_out[(size_t)i * C + c]);
            }
            d.write(SGL_SEL_TOUT, ((uint32_t)i << CW) * 2, ow);
            uint32_t b = (uint32_t)m.bias[0][i], gq = (uint32_t)g.gamma_q[0][i];
            d.write(SGL_SEL_TUNIT, (uint32_t)i * 8, {(uint16_t)b, (uint16_t)(b >> 16), (uint16_t)m.m_bias[0][i], 0,
                                                     (uint16_t)gq, (uint16_t)(gq >> 16)});
        }
        for (int c = 0; c < C; c++) {
            uint32_t b = (uint32_t)m.b_out[c];
            d.write(SGL_SEL_TUNIT, ((1u << XW) + (uint32_t)c) * 8, {(uint16_t)b, (uint16_t)(b >> 16), (uint16_t)m.m_bout[c]});
        }
        std::vector<uint16_t> regs(SGL_N_TREG, 0);
        regs[SGL_TREG_OUT_FRAC] = (uint16_t)(q.out_frac & 0x3f);
        regs[SGL_TREG_S_REC] = (uint16_t)((q.v_frac - Ly->sh_rec) & 0x7f);
        regs[SGL_TREG_K] = (uint16_t)q.decay_shift;
        regs[SGL_TREG_RESET] = q.reset == SGL_RESET_MULT;
        regs[SGL_TREG_N_LAST] = (uint16_t)(n - 1);
        regs[SGL_TREG_C_LAST] = (uint16_t)(C - 1);
        regs[SGL_TREG_IN_LAST] = (uint16_t)(n_in - 1);
        regs[SGL_TREG_B2] = (uint16_t)o.momentum;
        regs[SGL_TREG_ROW_NORM] = (uint16_t)o.row_norm;
        regs[SGL_TREG_WD] = (uint16_t)o.wd_shift;
        const int sreg[5] = {SGL_TREG_S_WIN, SGL_TREG_S_WREC, SGL_TREG_S_BIAS, SGL_TREG_S_WOUT, SGL_TREG_S_BOUT};
        for (int k = 0; k < 5; k++)
            regs[sreg[k]] = (uint16_t)(S[k] & 0x7f);
        for (int k = 0; k < 4; k++) {
            regs[SGL_TREG_RNG_STATE0 + k] = (uint16_t)(tr.state >> (16 * k));
            regs[SGL_TREG_RNG_INC0 + k] = (uint16_t)(tr.inc >> (16 * k));
        }
        std::vector<uint16_t> wr(regs.begin(), regs.begin() + SGL_TREG_EV_COUNT);
        wr[SGL_TREG_GF] = 0;
        d.write(SGL_SEL_TREG, 0, wr);
        d.req(SGL_CMD_READ_STATS, {1, 0}); // statistics to 0
        // refusals, nothing done: a label above the classes in use, wrong lengths, lr_t 0
        {
            const struct { uint8_t cmd; std::vector<uint8_t> p; int st; } refuse[] = {
                {SGL_CMD_TRAIN, {(uint8_t)C, 0}, SGL_ST_ERR_ADDR}, {SGL_CMD_TRAIN, {0}, SGL_ST_ERR_LEN},
                {SGL_CMD_TRAIN, {0, 0, 0, 0}, SGL_ST_ERR_LEN}, {SGL_CMD_UPDATE, {0, 0}, SGL_ST_ERR_ADDR},
                {SGL_CMD_UPDATE, {1}, SGL_ST_ERR_LEN}, {SGL_CMD_READ_STATS, {}, SGL_ST_ERR_LEN}};
            for (const auto &x : refuse) {
                bad("refusal status", x.cmd, d.req(x.cmd, x.p), x.st);
                values++;
            }
            d.req(SGL_CMD_READ_STATS, {0, 0});
            for (int k = 0; k < 5; k++, values++)
                bad("statistics after the refusals", k, d.u32(4 * k), 0);
        }
        int64_t want_samples = 0, want_correct = 0, want_sat = 0;

        // ---- batches ------------------------------------------------------------------------
        const int nb = rnd(1, 3);
        for (int b = 0; b < nb && mismatches == 0; b++, batches++) {
            const int B = rnd(1, 4);
            for (int k = 0; k < B && mismatches == 0; k++, samples++) {
                sgl_sample s = acc_sample(&r, &q, ev_step, ev_t.data(), ev_u.data());
                if (sgl_fixed_grad_sample(&g, &q, &s)) {
                    fprintf(stderr, NAME ": %s\n", sgl_errmsg());
                    return 1;
                }
                std::vector<uint8_t> p = {1, 0};
                for (int t = 0; t < T; t++) {
                    std::vector<uint16_t> ch;
                    for (int e = 0; e < s.n_ev; e++)
                        if (s.ev_t[e] == t)
                            ch.push_back(s.ev_u[e]);
                    Dev::put16(p, (unsigned)ch.size());
                    for (uint16_t c : ch)
                        Dev::put16(p, c);
                }
                if (d.req(SGL_CMD_RUN, p) != SGL_ST_OK) {
                    fprintf(stderr, NAME ": RUN: status %d\n", d.dec.code);
                    return 1;
                }
                { // RUN's cycles: every executor cycle of the request (sgl_run_cycles: both walks
                  // of the payload, the core's clear of n neurons) and the core's steps
                  // (docs/rtl.md, "Cycles per step"), the argmax scan only in the last
                  // (rtl/sglif_device.v with the engine)
                    std::vector<int> ev((size_t)T, 0);
                    acc_events(&s, T, ev.data());
                    uint64_t core = 0;
                    for (int t = 0; t < T; t++) {
                        uint64_t ops = (uint64_t)ev[(size_t)t];
                        for (int i = 0; t > 0 && i < n; i++)
                            ops += g.z[0][(size_t)(t - 1) * n + i];
                        core += sgl_core_layer_cycles(TRN_P, n, ops) + sgl_core_step_fixed(NOUT, t == T - 1);
                    }
                    const uint64_t want = sgl_run_cycles(p.size(), (uint64_t)T, core, 1, sgl_core_clear_cycles(n, 0));
                    bad("RUN cycles", 0, d.u32(0), (int64_t)want);
                    run_cyc += d.u32(0);
                    values++;
                }
                if (d.req(SGL_CMD_TRAIN, {(uint8_t)s.label, 0}) != SGL_ST_OK) {
                    fprintf(stderr, NAME ": TRAIN: status %d\n", d.dec.code);
                    return 1;
                }
                // the cycles: the engine's formula (rtl/core_map.csv) plus the command's (the
                // request's before it is carried out, sgl_cmd_cycles, and TRN_TRAIN_EXTRA)
                const uint8_t *z = g.z[0];
                uint64_t want = acc_engine_cycles(&q, &s, z, EP, ENW - acc_log2i(EP), 1 << CW, H_LAT, C) +
                                sgl_cmd_cycles(2) + SGL_TRN_TRAIN_EXTRA;
                bad("TRAIN cycles", 0, d.u32(0), (int64_t)want);
                train_cyc += d.u32(0);
                values++;
                // every gradient word in use
                auto grads = [&](bool zero) {
                    auto region = [&](int gs, uint32_t a0, int cnt, const int64_t *tw, const char *what) {
                        std::vector<uint16_t> w = d.read(SGL_SEL_TGRAD, (((uint32_t)gs << GAW) + a0) * 4, (uint32_t)cnt * 4);
                        for (int x = 0; x < cnt; x++) {
                            uint64_t v = 0;
                            for (int pt = 0; pt < NPART; pt++)
                                v |= (uint64_t)w[(size_t)x * 4 + pt] << (16 * pt);
                            int64_t got = (int64_t)(v << (64 - SGL_GRAD_W)) >> (64 - SGL_GRAD_W);
                            bad(what, x, got, zero ? 0 : tw[x]);
                            for (int pt = NPART; pt < 4; pt++)
                                bad(what, x, w[(size_t)x * 4 + pt], 0);
                            nz_grad += got != 0;
                            values++;
                        }
                    };
                    for (int u = 0; u < n_in; u++)
                        region(0, (uint32_t)u << ENW, n, g.w_in[0] + (size_t)u * n, "dW_in");
                    for (int j = 0; j < n; j++)
                        region(0, (uint32_t)(EIN + j) << ENW, n, g.w_rec[0] + (size_t)j * n, "dW_rec");
                    region(1, 0, n, g.bias[0], "dbias");
                    for (int i = 0; i < n; i++)
                        region(2, (uint32_t)i << CW, C, g.w_out + (size_t)i * C, "dW_out");
                    region(3, 0, C, g.b_out, "db_out");
                };
                grads(false);
                // every error of the sample, and the classes beyond those in use: 0 (the
                // error memory's word of a step zeroes them, docs/rtl.md "The error memory")
                for (int t = 0; t < T; t++) {
                    std::vector<uint16_t> w = d.read(SGL_SEL_TERR, ((uint32_t)t << CW) * 2, (uint32_t)(1 << CW) * 2);
                    for (int c = 0; c < (1 << CW); c++, values++)
                        bad(c < C ? "error" : "error beyond C", t * (1 << CW) + c,
                            (int32_t)(w[2 * c] | (uint32_t)w[2 * c + 1] << 16), c < C ? g.err[(size_t)t * C + c] : 0);
                }
                // the statistics
                if (d.req(SGL_CMD_READ_STATS, {0, 0}) != SGL_ST_OK || d.dec.len != 20) {
                    fprintf(stderr, NAME ": READ_STATS: status %d\n", d.dec.code);
                    return 1;
                }
                bad("samples", 0, d.u32(0), want_samples + g.samples);
                bad("correct", 0, d.u32(4), want_correct + g.correct);
                bad("saturations", 0, d.u32(8), want_sat + g.saturations);
                values += 3;
                if (mismatches == 0 && k + 1 < B)
                    continue;
                if (mismatches)
                    break;
                // ---- the batch's update ----
                const int32_t lr = rnd(0, 2) == 0 ? rnd(1, 65535) : rnd(1, 800);
                want_samples += g.samples;
                want_correct += g.correct;
                want_sat += g.saturations;
                sats += (uint64_t)g.saturations;
                sgl_fixed_update(&q, &m, &g, &o, lr, &tr);
                if (d.req(SGL_CMD_UPDATE, {(uint8_t)lr, (uint8_t)(lr >> 8)}) != SGL_ST_OK) {
                    fprintf(stderr, NAME ": UPDATE: status %d\n", d.dec.code);
                    return 1;
                }
                upd_cyc += d.u32(0);
                { // the cycles: sglif_update's per tensor (sim/upd_gen.h) plus the sequence's
                    const size_t KP[5][2] = {{(size_t)n_in, (size_t)n}, {(size_t)n, (size_t)n}, {1, (size_t)n},
                                             {(size_t)n, (size_t)C}, {1, (size_t)C}};
                    uint64_t want = sgl_cmd_cycles(2) + SGL_TRN_UPDATE_FIXED;
                    for (int k2 = 0; k2 < 5; k2++) {
                        Tensor t;
                        t.K = KP[k2][0];
                        t.P = KP[k2][1];
                        t.row_norm = o.row_norm;
                        want += upd_cycles(t) + SGL_TRN_UPDATE_TENSOR;
                    }
                    bad("UPDATE cycles", 0, d.u32(0), (int64_t)want);
                    values++;
                }
                sgl_fixed_grad_zero(&g, &q);
                // the masters and momenta
                for (int u = 0; u < n_in + n; u++) {
                    uint32_t row = (uint32_t)(u < n_in ? u : EIN + u - n_in);
                    std::vector<uint16_t> mw = d.read(SGL_SEL_TW, row << ENW, (uint32_t)n);
                    std::vector<uint16_t> mm = d.read(SGL_SEL_TWMOM, row << ENW, (uint32_t)n);
                    for (int i = 0; i < n; i++, values += 2) {
                        size_t x = u < n_in ? (size_t)u * n + i : (size_t)(u - n_in) * n + i;
                        bad(u < n_in ? "W_in master" : "W_rec master", (long)x, (int16_t)mw[i], u < n_in ? m.w_in[0][x] : m.w_rec[0][x]);
                        bad(u < n_in ? "W_in momentum" : "W_rec momentum", (long)x, (int16_t)mm[i], u < n_in ? m.m_in[0][x] : m.m_rec[0][x]);
                    }
                }
                for (int i = 0; i < n; i++) {
                    std::vector<uint16_t> ow = d.read(SGL_SEL_TOUT, ((uint32_t)i << CW) * 2, (uint32_t)C * 2);
                    for (int c = 0; c < C; c++, values += 2) {
                        bad("W_out master", i * C + c, (int16_t)ow[2 * c], m.w_out[(size_t)i * C + c]);
                        bad("W_out momentum", i * C + c, (int16_t)ow[2 * c + 1], m.m_out[(size_t)i * C + c]);
                    }
                    std::vector<uint16_t> u = d.read(SGL_SEL_TUNIT, (uint32_t)i * 8, 3);
                    bad("bias master", i, (int32_t)(u[0] | (uint32_t)u[1] << 16), m.bias[0][i]);
                    bad("bias momentum", i, (int16_t)u[2], m.m_bias[0][i]);
                    values += 2;
                }
                for (int c = 0; c < C; c++) {
                    std::vector<uint16_t> u = d.read(SGL_SEL_TUNIT, ((1u << XW) + (uint32_t)c) * 8, 3);
                    bad("b_out master", c, (int32_t)(u[0] | (uint32_t)u[1] << 16), m.b_out[c]);
                    bad("b_out momentum", c, (int16_t)u[2], m.m_bout[c]);
                    values += 2;
                }
                // the core's model: every word sgl_core_load writes for the new weights
                {
                    Writes cw;
                    sgl_core_load(&cs, &q, 0, Writes::f, &cw);
                    for (size_t a = 0; a < cw.w.size();) {
                        size_t e = a + 1;
                        while (e < cw.w.size() && cw.w[e].sel == cw.w[a].sel && cw.w[e].addr == cw.w[e - 1].addr + 1)
                            e++;
                        std::vector<uint16_t> w = d.read(cw.w[a].sel, cw.w[a].addr, (uint32_t)(e - a));
                        for (size_t j = a; j < e; j++, values++) {
                            uint16_t want_w = cw.w[j].data;
                            if (cw.w[j].sel == SGL_SEL_WOUT) // read back sign-extended
                                want_w = (uint16_t)(int16_t)(int8_t)want_w;
                            if (cw.w[j].sel == SGL_SEL_REG) // the bits each register keeps
                                continue;
                            char what[32];
                            snprintf(what, sizeof what, "core sel %d", cw.w[j].sel);
                            bad(what, (long)cw.w[j].addr, w[j - a], want_w);
                        }
                        a = e;
                    }
                }
                // the PCG32 state and increment, the gradients (0), the clamps
                std::vector<uint16_t> rg = d.read(SGL_SEL_TREG, SGL_TREG_RNG_STATE0, 8);
                for (int k2 = 0; k2 < 4; k2++, values += 2) {
                    bad("PCG32 state", k2, rg[k2], (uint16_t)(tr.state >> (16 * k2)));
                    bad("PCG32 inc", k2, rg[4 + k2], (uint16_t)(tr.inc >> (16 * k2)));
                }
                grads(true);
                d.req(SGL_CMD_READ_STATS, {0, 0});
                bad("clamped", 0, d.u32(12), m.w_clamped);
                values++;
                clamps += (uint64_t)m.w_clamped;
            }
        }
        // a last UPDATE left every gradient word 0 for the next configuration; if the batch
        // stopped short (a mismatch), the run ends anyway
        sgl_fixed_master_free(&m);
        sgl_fixed_grad_free(&g);
        sgl_fixed_free(&q);
        configs++;
    }
    printf(NAME ": core N %d, N_IN %d, P %d, %d classes, %d steps; engine %d neurons, %d inputs, %d lanes, "
           "history latency %d; seed %" PRIu64 "\n", TRN_N, TRN_N_IN, TRN_P, NOUT, T_MAX, EN, EIN, EP, H_LAT, h.seed);
    printf(NAME ": %" PRIu64 " configurations (%" PRIu64 " skipped: out_frac), %" PRIu64 " samples, %" PRIu64
           " batches, %" PRIu64 " values compared (%" PRIu64 " nonzero gradient words, %" PRIu64
           " saturations, %" PRIu64 " clamps), %" PRIu64 " mismatches; %" PRIu64 " RUN cycles, %" PRIu64
           " TRAIN cycles, %" PRIu64 " UPDATE cycles\n", configs, skipped, samples, batches, values, nz_grad, sats,
           clamps, mismatches, run_cyc, train_cyc, upd_cyc);
    if (d.rec)
        fclose(d.rec);
    printf(NAME ": %s\n", mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
