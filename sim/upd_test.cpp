// SPDX-License-Identifier: MIT
// make upd-test: rtl/sglif_update.v (the batch-end update of one tensor) against the twin,
// bit for bit. The unit's RAMs (gradient words, masters, momenta, the forward's weights) are
// arrays here, read with one cycle of latency and written at the unit's write strobes.
//  - Random tensors: shapes K x P (biases K = 1, wide; W_rec squares with the diagonal held;
//    any K x P up to 2^UPD_KW x 2^UPD_PW), gradients from 0 to the word's full GW bits (sigma
//    up to GW - 16, the normalized gradient clamped), masters anywhere in their word and near
//    the clamps, momenta near the int16 limits, b2 0..12, S -12..45, lr up to 2^31 - 1, the
//    decay shift wd 0, 4 or 1..15 (lr halved until the step before its rounding fits the
//    twin's int64), the per-unit and the per-tensor RMS; the reference is
//    sgl_fixed_update_tensor (the twin's step_tensor) with the same PCG32 state.
//  - Real batches: a small net of randman (one or two layers, quantized with the training
//    headroom), a few batches of sgl_fixed_grad_sample; each batch's tensors go through the
//    unit in the twin's order (W_in, W_rec, bias per layer; W_out, b_out) with the twin's S
//    (sgl_fixed_step_shift), the twin's decay shift (wd_shift 4) and one PCG32 stream,
//    against sgl_fixed_update on the same state.
// Compared: every master, momentum, weight and gradient word (cleared) of every tensor, the
// clamp counter, the PCG32 state and increment after every tensor, and the cycles against the
// formula of docs/rtl.md. Plus-args: +seed=S (default 1), +n=N random entries (default
// 60000). Prints `upd: <T> tensors, <E> entries, <V> values compared, <M> mismatches`; exit 1
// on a mismatch (the first tensor with one stops the run).
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vsglif_update.h"
#include "unit_harness.h"
#include "upd_gen.h"

extern "C" {
#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "fixed_train.h"
#include "init.h"
#include "net.h"
#include "rng.h"
}

#ifndef UPD_GW
#define UPD_GW SGL_GRAD_W
#endif
#ifndef UPD_KW
#define UPD_KW 10
#endif
#ifndef UPD_PW
#define UPD_PW 8
#endif

static const uint64_t STREAM = 0x73726f756e64; // "sround", as sgl_fixed_train

struct Bench {
    UnitHarness<Vsglif_update> &h;
    Vsglif_update *top;
    sgl_rng twin; // the twin's rounding stream, in step with the unit's
    uint64_t tensors = 0, entries = 0, values = 0, mismatches = 0, clamps = 0;
    // coverage of the random tensors: sigma > 0 (and its largest), the per-tensor RMS, W_rec's
    // diagonal, wide masters, no momentum, S <= 0, S > 32
    uint64_t c_sigma = 0, c_rn0 = 0, c_diag = 0, c_wide = 0, c_b2 = 0, c_s0 = 0, c_s32 = 0;
    // the decay: narrow tensors with wd = 4, with another wd != 0, and with D = S > 16 + wd
    uint64_t c_wd4 = 0, c_wdx = 0, c_dS = 0;
    int sigma_max = 0;
    long twin_clamped = 0;
    explicit Bench(UnitHarness<Vsglif_update> &hh) : h(hh), top(hh.top.get()) {}

    void load(uint64_t seed)
    {
        sgl_rng_seed(&twin, seed, STREAM);
        top->rng_load_i = 1;
        top->rng_state_i = twin.state;
        top->rng_inc_i = twin.inc;
        h.tick();
        top->rng_load_i = 0;
    }

    // Run the unit on t (its arrays are the RAMs, updated in place); returns the cycles.
    uint64_t run(Tensor &t, const char *what)
    {
        const uint64_t gmask = UPD_GW >= 64 ? ~0ull : (1ull << UPD_GW) - 1;
        top->start_i = 1;
        top->k_last_i = (uint32_t)(t.K - 1);
        top->p_last_i = (uint32_t)(t.P - 1);
        top->wide_i = t.wide;
        top->diag_i = t.diag;
        top->row_norm_i = t.row_norm;
        top->b2_i = (uint8_t)t.b2;
        top->s_i = (uint8_t)(t.S & 0x7f);
        top->wd_i = (uint8_t)t.wd;
        top->lr_i = (uint32_t)t.lr;
        h.tick();
        top->start_i = 0;
        uint64_t c = 1;
        const uint64_t limit = 64 * (t.K * t.P + 64) * 4 + 100000;
        while (!top->done_o) {
            int rd = top->rd_o;
            size_t rk = top->rk_o, rp = top->rp_o, wk = top->wk_o, wp = top->wp_o;
            int mwe = top->m_we_o, mowe = top->mom_we_o, gclr = top->g_clr_o;
            int32_t mo = (int32_t)top->m_o;
            int16_t wqo = (int16_t)top->wq_o, momo = (int16_t)top->mom_o;
            h.tick();
            c++;
            if ((rd && (rk >= t.K || rp >= t.P)) || ((mwe || mowe || gclr) && (wk >= t.K || wp >= t.P)) ||
                c > limit) {
                fprintf(stderr, "MISMATCH %s: address out of the tensor or no end (cycle %" PRIu64 ")\n",
                        what, c);
                mismatches++;
                return c;
            }
            if (rd) {
                size_t i = rk * t.P + rp;
                top->g_i = (uint64_t)t.G[i] & gmask;
                top->m_i = (uint32_t)t.m[i];
                top->mom_i = (uint16_t)t.mom[i];
            }
            size_t w = wk * t.P + wp;
            if (mwe) {
                t.m[w] = mo;
                t.wq[w] = wqo;
            }
            if (mowe)
                t.mom[w] = momo;
            if (gclr)
                t.G[w] = 0;
        }
        return c;
    }

    void mismatch(const char *what, size_t i, const char *field, int64_t rtl, int64_t ref)
    {
        if (mismatches++ < 8)
            fprintf(stderr, "MISMATCH %s: entry %zu: %s rtl %" PRId64 ", twin %" PRId64 "\n", what,
                    i, field, rtl, ref);
    }

    // one tensor against sgl_fixed_update_tensor
    void check(const Tensor &t0, const char *what)
    {
        Tensor t = t0;
        const size_t n = t.K * t.P;
        uint64_t mx = 0;
        for (int64_t G : t.G)
            mx = (uint64_t)(G < 0 ? -G : G) > mx ? (uint64_t)(G < 0 ? -G : G) : mx;
        int bl = 0;
        while (mx >> bl)
            bl++;
        c_sigma += bl > 16;
        sigma_max = bl - 16 > sigma_max ? bl - 16 : sigma_max;
        c_rn0 += !t.row_norm;
        c_diag += t.diag;
        c_wide += t.wide;
        c_b2 += t.b2 == 0;
        c_s0 += t.S <= 0;
        c_s32 += t.S > 32;
        c_wd4 += !t.wide && t.wd == 4;
        c_wdx += !t.wide && t.wd && t.wd != 4;
        c_dS += !t.wide && t.wd && t.S > 16 + t.wd;
        // the twin's copy in its own types
        std::vector<int16_t> wm16(n), wq16(n), mom = t0.mom;
        std::vector<int32_t> wm32(n);
        std::vector<int8_t> wq8(n);
        for (size_t i = 0; i < n; i++) {
            wm16[i] = (int16_t)t0.m[i];
            wm32[i] = t0.m[i];
            wq16[i] = t0.wq[i];
            wq8[i] = (int8_t)t0.wq[i];
        }
        std::vector<int64_t> nu(t.P);
        long clamped = 0;
        uint32_t c0 = top->clamped_o;
        sgl_fixed_update_tensor(t.wide ? (void *)wm32.data() : (void *)wm16.data(), mom.data(),
                                t.wide ? (void *)wq16.data() : (void *)wq8.data(), t.K, t.P,
                                t0.G.data(), t.S, t.wd, t.wide, t.diag, t.row_norm, t.b2, t.lr, &twin,
                                &clamped, nu.data());
        uint64_t cyc = run(t, what);
        compare(t, t.wide ? wm32.data() : nullptr, t.wide ? nullptr : wm16.data(), mom.data(),
                t.wide ? wq16.data() : nullptr, t.wide ? nullptr : wq8.data(), what);
        uint32_t dc = top->clamped_o - c0;
        if (dc != (uint32_t)clamped)
            mismatch(what, 0, "clamps", dc, clamped);
        clamps += (uint64_t)clamped;
        values++;
        counters(t, cyc, what);
    }

    // the state after a tensor: every entry, the stream
    void compare(const Tensor &t, const int32_t *m32, const int16_t *m16, const int16_t *mom,
                 const int16_t *wq16, const int8_t *wq8, const char *what)
    {
        const size_t n = t.K * t.P;
        for (size_t i = 0; i < n; i++) {
            int64_t mr = m32 ? m32[i] : m16[i], wr = wq16 ? wq16[i] : wq8[i];
            if (t.m[i] != mr)
                mismatch(what, i, "master", t.m[i], mr);
            if (t.mom[i] != mom[i])
                mismatch(what, i, "momentum", t.mom[i], mom[i]);
            if (t.wq[i] != wr)
                mismatch(what, i, "weight", t.wq[i], wr);
            if (t.G[i] != 0)
                mismatch(what, i, "gradient word not cleared", t.G[i], 0);
        }
        values += 4 * n;
        entries += n;
    }

    void cycles(const Tensor &t, uint64_t cyc, const char *what)
    {
        tensors++;
        uint64_t want = upd_cycles(t);
        if (cyc != want) {
            mismatches++;
            fprintf(stderr, "MISMATCH %s: %zu x %zu (row_norm %d): %" PRIu64 " cycles, the formula %" PRIu64 "\n",
                    what, t.K, t.P, t.row_norm, cyc, want);
        }
        values++;
    }

    void counters(const Tensor &t, uint64_t cyc, const char *what)
    {
        cycles(t, cyc, what);
        if (top->rng_state_o != twin.state || top->rng_inc_o != twin.inc) {
            mismatches++;
            fprintf(stderr, "MISMATCH %s: PCG32 state %016" PRIx64 " inc %016" PRIx64 ", twin %016" PRIx64
                    " %016" PRIx64 "\n", what, (uint64_t)top->rng_state_o, (uint64_t)top->rng_inc_o,
                    twin.state, twin.inc);
        }
        values += 2;
    }
};

static int fail(const char *what)
{
    fprintf(stderr, "upd: %s: %s\n", what, sgl_errmsg());
    return 1;
}

// A tensor of the twin's state as the unit's RAMs: masters, momenta, weights and gradients.
template <typename M, typename W>
static void take(Tensor &t, size_t K, size_t P, const M *m, const int16_t *mom, const W *wq,
                 const int64_t *G)
{
    t.K = K;
    t.P = P;
    const size_t n = K * P;
    t.m.assign(m, m + n);
    t.mom.assign(mom, mom + n);
    t.wq.assign(wq, wq + n);
    t.G.assign(G, G + n);
}

// Real batches of randman on a small net: the unit tensor by tensor against sgl_fixed_update.
static int real_batches(Bench &b, uint64_t seed, int layers, int batches, int bsize)
{
    sgl_data d;
    if (sgl_data_load(&d, "randman:classes=4,samples=64,steps=30", SGL_SPLIT_TRAIN))
        return fail("data");
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = d.n_units;
    c.n_layers = layers;
    c.n_hidden[0] = 24;
    c.n_hidden[1] = 16;
    c.n_out = d.n_classes;
    c.n_steps = d.n_steps;
    c.tau = -1.0 / log(1.0 - 1.0 / 16);
    sgl_net net;
    if (sgl_net_alloc(&net, &c))
        return fail("net");
    double mean, var, rate[SGL_MAX_LAYERS];
    sgl_data_input_stats(&d, &mean, &var);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 2);
    if (sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_ALL, mean, var, &r, NULL) ||
        sgl_calibrate_rate(&net, &d, 32, 0.2, 1, rate))
        return fail("init");
    sgl_fixed_opts qo;
    sgl_fixed_opts_default(&qo);
    qo.headroom = SGL_FT_HEADROOM;
    sgl_fixed_net q;
    sgl_fixed_grad g;
    sgl_fixed_master m;
    if (sgl_fixed_quantize(&net, &q, &qo, NULL))
        return fail("quantize");
    if (sgl_fixed_grad_init(&g, &q, &net, 16) || sgl_fixed_master_init(&m, &q))
        return fail("state");
    sgl_fixed_train_opts o;
    sgl_fixed_train_opts_default(&o);
    const int ks = o.state_shift ? q.decay_shift : 0;
    for (int bi = 0; bi < batches && b.mismatches == 0; bi++) {
        sgl_fixed_grad_zero(&g, &q);
        for (int s = 0; s < bsize; s++) {
            sgl_sample x = sgl_data_sample(&d, (bi * bsize + s) % d.n_samples);
            if (sgl_fixed_grad_sample(&g, &q, &x))
                return fail("sample");
        }
        // the unit's RAMs before the update, in the twin's order
        std::vector<Tensor> ts;
        const int32_t lr = sgl_fixed_lr_at(&o, bi, batches);
        for (int l = 0; l < q.n_layers; l++) {
            const sgl_fixed_layer *L = &q.layer[l];
            const size_t n = (size_t)L->n;
            Tensor a, r2, bi2;
            take(a, (size_t)L->n_pre, n, m.w_in[l], m.m_in[l], L->w_in, g.w_in[l]);
            a.S = sgl_fixed_step_shift(q.v_frac - L->sh_in, 0);
            take(r2, n, n, m.w_rec[l], m.m_rec[l], L->w_rec, g.w_rec[l]);
            r2.S = sgl_fixed_step_shift(q.v_frac - L->sh_rec, ks);
            r2.diag = 1;
            take(bi2, 1, n, m.bias[l], m.m_bias[l], L->bias, g.bias[l]);
            bi2.S = sgl_fixed_step_shift(q.v_frac, ks);
            bi2.wide = 1;
            ts.push_back(a);
            ts.push_back(r2);
            ts.push_back(bi2);
        }
        const size_t nl = (size_t)q.layer[q.n_layers - 1].n, C = (size_t)q.n_out;
        Tensor wo, bo;
        take(wo, nl, C, m.w_out, m.m_out, q.w_out, g.w_out);
        wo.S = sgl_fixed_step_shift(q.out_frac, 0);
        take(bo, 1, C, m.b_out, m.m_bout, q.b_out, g.b_out);
        bo.S = sgl_fixed_step_shift(q.out_frac, 0);
        bo.wide = 1;
        ts.push_back(wo);
        ts.push_back(bo);
        for (Tensor &t : ts) {
            t.lr = lr;
            t.b2 = o.momentum;
            t.row_norm = o.row_norm;
            t.wd = o.wd_shift; // the twin's default (4); the biases ignore it
            for (int64_t G : t.G)
                if (UPD_GW < 64 && (G >= (1ll << (UPD_GW - 1)) || G < -(1ll << (UPD_GW - 1)))) {
                    fprintf(stderr, "upd: a real gradient %" PRId64 " does not fit %d bits\n", G, UPD_GW);
                    return 1;
                }
        }
        // the twin: the whole update, the stream compared after its last tensor
        uint32_t c0 = b.top->clamped_o;
        long cl0 = m.w_clamped;
        sgl_fixed_update(&q, &m, &g, &o, lr, &b.twin);
        // the unit, tensor by tensor, one stream
        size_t ti = 0;
        for (int l = 0; l <= q.n_layers; l++) {
            const int top_ = l == q.n_layers;
            for (int k = 0; k < (top_ ? 2 : 3); k++, ti++) {
                Tensor &t = ts[ti];
                char what[64];
                snprintf(what, sizeof what, "seed %" PRIu64 " batch %d tensor %zu", seed, bi, ti);
                uint64_t cyc = b.run(t, what);
                const sgl_fixed_layer *L = top_ ? nullptr : &q.layer[l];
                if (!top_ && k == 0)
                    b.compare(t, nullptr, m.w_in[l], m.m_in[l], nullptr, L->w_in, what);
                else if (!top_ && k == 1)
                    b.compare(t, nullptr, m.w_rec[l], m.m_rec[l], nullptr, L->w_rec, what);
                else if (!top_)
                    b.compare(t, m.bias[l], nullptr, m.m_bias[l], L->bias, nullptr, what);
                else if (k == 0)
                    b.compare(t, nullptr, m.w_out, m.m_out, nullptr, q.w_out, what);
                else
                    b.compare(t, m.b_out, nullptr, m.m_bout, q.b_out, nullptr, what);
                if (ti + 1 == ts.size())
                    b.counters(t, cyc, what); // the stream, the cycles
                else
                    b.cycles(t, cyc, what);
            }
        }
        uint32_t dc = b.top->clamped_o - c0;
        if (dc != (uint32_t)(m.w_clamped - cl0)) {
            b.mismatches++;
            fprintf(stderr, "MISMATCH seed %" PRIu64 " batch %d: clamps rtl %u, twin %ld\n", seed, bi, dc,
                    m.w_clamped - cl0);
        }
        b.values++;
    }
    sgl_fixed_master_free(&m);
    sgl_fixed_grad_free(&g);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_data_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    UnitHarness<Vsglif_update> h(argc, argv, 60000);
    Vsglif_update *top = h.top.get();
    const uint64_t seed = h.seed;
    top->start_i = 0;
    top->rng_load_i = 0;
    top->clamp_clr_i = 0;
    h.reset();
    Bench b(h);
    b.load(seed);
    sgl_rng in;
    sgl_rng_seed(&in, seed, 0x757064); // "upd": the inputs' own stream
    uint64_t done = 0;
    int k = 0;
    while (done < h.n && b.mismatches == 0) {
        Tensor t;
        random_tensor(t, &in, UPD_KW, UPD_PW, UPD_GW);
        char what[64];
        snprintf(what, sizeof what, "seed %" PRIu64 " tensor %d", seed, k++);
        b.check(t, what);
        done += t.K * t.P;
        if (k % 50 == 0) // a checkpoint's restore: the stream reloaded
            b.load(seed * 1000003u + (uint64_t)k);
    }
    // the stream of a real run: the twin's seed, one or two layers
    b.load(seed);
    uint64_t before = b.entries;
    if (b.mismatches == 0 && real_batches(b, seed, 1 + (int)(seed % 2), 3, 8))
        return 1;
    top->final();
    printf("upd: seed %" PRIu64 ", GW %d: %" PRIu64 " cycles, %" PRIu64 " clamps, %" PRIu64
           " entries of real batches\n", seed, UPD_GW, h.cycles, b.clamps, b.entries - before);
    printf("upd: random tensors: %" PRIu64 " with sigma > 0 (up to %d), %" PRIu64 " per-tensor RMS, %" PRIu64
           " with the diagonal held, %" PRIu64 " wide, %" PRIu64 " b2 = 0, %" PRIu64 " S <= 0, %" PRIu64 " S > 32\n",
           b.c_sigma, b.sigma_max, b.c_rn0, b.c_diag, b.c_wide, b.c_b2, b.c_s0, b.c_s32);
    printf("upd: the decay: %" PRIu64 " narrow tensors at wd 4, %" PRIu64 " at another wd, %" PRIu64
           " of them with D = S > 16 + wd\n", b.c_wd4, b.c_wdx, b.c_dS);
    printf("upd: %" PRIu64 " tensors, %" PRIu64 " entries, %" PRIu64 " values compared, %" PRIu64
           " mismatches\n", b.tensors, b.entries, b.values, b.mismatches);
    printf("upd: %s\n", b.mismatches ? "FAIL" : "PASS");
    return b.mismatches ? 1 : 0;
}
