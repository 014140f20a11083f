// SPDX-License-Identifier: MIT
// make bwd-test (its whole-sample part): the engine of a sample (rtl/sglif_engine.v: the readout
// sums and the error unit rtl/sglif_err_unit.v, one layer's backward walk rtl/sglif_bwd_walk.v
// and its gradient accumulation rtl/sglif_bwd_accum.v) against the twin's integer rule itself,
// sample after sample. Per
// configuration a random one-layer net (sim/cosim_gen.h: sizes up to ACC_N neurons, ACC_N_IN
// inputs, ACC_C classes, ACC_T steps, weights with +-127, both reset modes, shifts, SG tables of
// 1..16 bits), gamma_q as the quantizer makes it for gamma in 0..4, and a batch of 1..4 samples
// (events at 0..30 % or 100 %, some listed twice, a random label). The twin runs each sample
// through sgl_fixed_grad_sample (forward, error, backward, the int64 sums added to the batch's).
// The RTL then gets the twin's history (spikes and SG codes), the weights, b_out, gamma_q, the
// sample's events (the event store) and its label, and computes the readout sums and errors
// itself. Compared: every error with its step and class (against g.err), every gv_t[i]
// (against g.gv, in the walk's order), the engine's cycles against the formula (rtl/core_map.csv), and
// after each sample EVERY gradient word in use, read through the gradient port (dW_in, dW_rec
// with its diagonal, dbias, dW_out, db_out), against the twin's sums: after the first sample
// the sample's own gradient, after the b-th the batch's sum of b samples. The memories are
// cleared through the port before each configuration (as the batch end will). Plus-args: +seed=S,
// +n=N configurations (default 60). Last lines: `acc: <C> configurations, <S> samples, <W>
// gradient words compared, <G> gv values, <E> errors, <M> mismatches` and PASS / FAIL; exit 1
// on a mismatch (the first stops the run). Sizes: -DACC_N, ACC_P, ACC_C, ACC_T, ACC_N_IN, ACC_ES_AW,
// ACC_GRAD_W (sim/bwd.mk).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Vsglif_engine.h"
typedef Vsglif_engine Top;
#define NAME "acc"
#include "unit_harness.h"

extern "C" {
#include "fixed.h"
#include "fixed_train.h"
#include "rng.h"
#include "sglif_core_map.h"
#define COSIM_T_MAX ACC_T
#include "cosim_gen.h"
#include "acc_gen.h"
}

static const int NMAX = ACC_N, P = ACC_P, CMAX = ACC_C, TMAX = ACC_T, NIN = ACC_N_IN,
                 ES_AW = ACC_ES_AW, GRAD_W = ACC_GRAD_W;
static int clog2(int x) { int b = 0; while ((1 << b) < x) b++; return b > 0 ? b : 1; }

static_assert(ACC_GRAD_W == SGL_GRAD_W, "the harness's GRAD_W is the core map's");

int main(int argc, char **argv)
{
    UnitHarness<Top> h(argc, argv, 60);
    Top *top = h.top.get();
    sgl_rng r;
    sgl_rng_seed(&r, h.seed, 0x616363); // "acc"
    const int NW = clog2(NMAX), PW = acc_log2i(P), GW = NW - PW, HW = clog2(TMAX), UW = clog2(NIN),
              RW = acc_log2i(NIN + NMAX), CW = clog2(CMAX);
    int cp = 1;
    while (cp < CMAX)
        cp *= 2;
    const int ev_step = 32, ev_max = 1 << ES_AW;
    std::vector<uint16_t> ev_t((size_t)TMAX * ev_step), ev_u((size_t)TMAX * ev_step);
    if (TMAX * ev_step > ev_max) {
        fprintf(stderr, NAME ": the event store (%d) is smaller than %d steps of %d events\n", ev_max, TMAX, ev_step);
        return 2;
    }
    top->start_i = 0;
    top->gp_we_i = 0;
    h.reset();

    uint64_t skipped = 0, configs = 0, samples = 0, words = 0, gvs = 0, errs = 0, mismatches = 0, nonzero = 0;
    auto sext = [](uint64_t v) { return (int64_t)(v << (64 - GRAD_W)) >> (64 - GRAD_W); };
    // the port: write a word (at gp_waddr_i, while the read address names the next word, as
    // the update's pass 3 clears one entry while it reads another), or read one (GP_LAT cycles)
    auto gp_write = [&](int sel, uint32_t addr, uint64_t v) {
        top->gp_sel_i = (uint8_t)sel;
        top->gp_addr_i = addr + 1;
        top->gp_waddr_i = addr;
        top->gp_wdata_i = v;
        top->gp_we_i = 1;
        h.tick();
        top->gp_we_i = 0;
    };
    auto gp_read = [&](int sel, uint32_t addr) {
        top->gp_sel_i = (uint8_t)sel;
        top->gp_addr_i = addr;
        for (int c = 0; c < SGL_GP_LAT; c++)
            h.tick();
        return sext(top->gp_rdata_o);
    };

    while (configs < h.n && mismatches == 0) {
        sgl_fixed_net q;
        sgl_fixed_grad g;
        int made = acc_config(&r, (long)configs, NMAX, NIN, CMAX, &q, &g);
        if (made < 0)
            return 1;
        if (made > 0) { // an out_frac outside the error unit's range
            configs++;
            skipped++;
            continue;
        }
        const sgl_fixed_layer *Ly = &q.layer[0];
        const int n = Ly->n, n_in = Ly->n_pre, T = q.n_steps, C = q.n_out;
        // the gradient memories cleared through the port
        for (uint32_t a = 0; a < (1u << (RW + NW)); a++)
            gp_write(0, a, 0);
        for (uint32_t a = 0; a < (uint32_t)NMAX; a++)
            gp_write(1, a, 0);
        for (uint32_t a = 0; a < ((uint32_t)NMAX << CW); a++)
            gp_write(2, a, 0);
        for (uint32_t a = 0; a < (uint32_t)cp; a++)
            gp_write(3, a, 0);

        int batch = 1 + (int)sgl_rng_below(&r, 4);
        for (int smp = 0; smp < batch && mismatches == 0; smp++) {
            sgl_sample s = acc_sample(&r, &q, ev_step, ev_t.data(), ev_u.data());
            const int n_ev = s.n_ev;
            if (sgl_fixed_grad_sample(&g, &q, &s)) {
                fprintf(stderr, NAME ": twin: %s\n", sgl_errmsg());
                return 1;
            }
            const uint8_t *z = g.z[0];
            const uint16_t *code = g.code[0];
            auto fail = [&](const char *what, long idx, int64_t rtl, int64_t twin) {
                mismatches++;
                fprintf(stderr, "MISMATCH seed %" PRIu64 " config %" PRIu64 " (n %d, n_in %d, T %d, C %d, "
                        "reset %s, k %d) sample %d of %d: %s %ld: rtl %" PRId64 ", twin %" PRId64 "\n",
                        h.seed, configs, n, n_in, T, C, q.reset == SGL_RESET_MULT ? "zero" : "sub",
                        q.decay_shift, smp + 1, batch, what, idx, rtl, twin);
            };

            // ---- the walk and the accumulation (the engine: its errors first) ----
            top->n_last_i = (uint32_t)(n - 1);
            top->t_last_i = (uint32_t)(T - 1);
            top->s_rec_i = (uint8_t)((q.v_frac - Ly->sh_rec) & 0x7f);
            top->out_frac_i = (uint8_t)(q.out_frac & 0x3f);
            top->c_last_i = (uint32_t)(C - 1);
            top->label_i = (uint32_t)s.label;
            for (int c = 0; c < cp; c++)
                setb(top->bo_i, 16 * c, 16, c < C ? (uint16_t)q.b_out[c] : 0);
            int t_err = 0, c_err = 0;
            top->k_i = (uint8_t)q.decay_shift;
            top->reset_mult_i = q.reset == SGL_RESET_MULT;
            top->ev_count_i = (uint32_t)n_ev;
            top->start_i = 1;
            auto serve = [&](uint32_t wa, uint32_t woa, uint32_t ea, uint32_t ha, uint32_t gma, uint32_t esa) {
                int wi = (int)(wa >> GW), wg = (int)(wa & ((1u << GW) - 1));
                for (int l = 0; l < P; l++) {
                    int j = wg * P + l;
                    setb(top->w_data_i, 8 * l, 8, wi < n && j < n ? (uint8_t)Ly->w_rec[(size_t)wi * n + j] : 0);
                }
                for (int c = 0; c < cp; c++) {
                    setb(top->wo_data_i, 8 * c, 8, (int)woa < n && c < C ? (uint8_t)q.w_out[(size_t)woa * C + c] : 0);
                }
                int hi = (int)(ha & ((1u << NW) - 1)), ht = (int)(ha >> NW);
                size_t ho = (size_t)ht * n + hi;
                top->h_data_i = hi < n && ht < T ? (uint32_t)z[ho] << 16 | code[ho] : 0;
                top->gm_data_i = (int)gma < n ? (uint32_t)g.gamma_q[0][gma] : 0;
                top->es_data_i = (int)esa < n_ev ? (uint32_t)ev_t[esa] << UW | ev_u[esa] : 0;
            };
            uint64_t c0 = h.cycles, guard = 0;
            int t_exp = T - 1, i_exp = 0;
            long got = 0;
            while (mismatches == 0) { // until done_o (after the start)
                uint32_t ea = 0; // (the error memory is inside)
                uint32_t wa = top->w_addr_o, woa = top->wo_addr_o, ha = top->h_addr_o, gma = top->gm_addr_o,
                         esa = top->es_addr_o;
                h.tick();
                top->start_i = 0;
                serve(wa, woa, ea, ha, gma, esa);
                top->eval();
                if (top->err_valid_o) { // the errors in order: step, class
                    errs++;
                    int32_t want = t_err < T ? g.err[(size_t)t_err * C + c_err] : 0;
                    if ((int)top->err_t_o != t_err || (int)top->err_c_o != c_err || (int32_t)top->err_o != want)
                        fail("error (step*1000+class; the engine's at step*1000+class)", (long)t_err * 1000 + c_err,
                             (int32_t)top->err_o, want);
                    if (++c_err == C) {
                        c_err = 0;
                        t_err++;
                    }
                }
                if (top->gv_valid_o) {
                    size_t o = (size_t)t_exp * n + i_exp;
                    gvs++;
                    got++;
                    if ((int)top->gv_t_o != t_exp || (int)top->gv_i_o != i_exp)
                        fail("gv order: step*1000+neuron", (long)top->gv_t_o * 1000 + (long)top->gv_i_o, 0,
                             (long)t_exp * 1000 + i_exp);
                    else if ((int32_t)top->gv_o != g.gv[0][o])
                        fail("gv_t[i] (step*1000+neuron)", (long)t_exp * 1000 + i_exp, (int32_t)top->gv_o, g.gv[0][o]);
                    if (++i_exp == n) {
                        i_exp = 0;
                        t_exp--;
                    }
                }
                if (++guard > 1000000)
                    fail("walk: no done_o after cycles", (long)guard, 0, 0);
                if (top->done_o)
                    break;
            }
            const uint64_t walk_cyc = h.cycles - c0;
            if (mismatches)
                break;
            // ---- every gradient word in use, against the twin's sums ----
            auto cmp = [&](const char *what, int sel, uint32_t addr, long idx, int64_t want) {
                if (mismatches)
                    return;
                int64_t v = gp_read(sel, addr);
                words++;
                nonzero += want != 0;
                if (v != want)
                    fail(what, idx, v, want);
            };
            for (int u = 0; u < n_in; u++)
                for (int i = 0; i < n; i++)
                    cmp("dW_in [u*n+i]", 0, (uint32_t)u << NW | (uint32_t)i, (long)u * n + i, g.w_in[0][(size_t)u * n + i]);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    cmp("dW_rec [j*n+i]", 0, (uint32_t)(NIN + j) << NW | (uint32_t)i, (long)j * n + i,
                        g.w_rec[0][(size_t)j * n + i]);
            for (int i = 0; i < n; i++)
                cmp("dbias [i]", 1, (uint32_t)i, i, g.bias[0][i]);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < C; c++)
                    cmp("dW_out [i*C+c]", 2, (uint32_t)i << CW | (uint32_t)c, (long)i * C + c, g.w_out[(size_t)i * C + c]);
            for (int c = 0; c < C; c++)
                cmp("db_out [c]", 3, (uint32_t)c, c, g.b_out[c]);
            // then the cycles against the formula (rtl/core_map.csv)
            {
                uint64_t want = acc_cycles(&q, &s, z, P, GW, cp, 1), cyc = walk_cyc;
                want += (uint64_t)T * (uint64_t)(n + SGL_ENG_STEP_EXTRA + SGL_ERR_CYCLES_FIXED + 3 * C) + SGL_ENG_FIXED;
                if (t_err != T)
                    fail("errors given (steps)", 0, t_err, T);
                if (cyc != want)
                    fail("cycles (the formula's in the twin column)", 0, (int64_t)cyc, (int64_t)want);
                if (got != (long)T * n)
                    fail("gv values given", 0, got, (long)T * n);
            }
            if (top->ovf_o)
                fail("the overflow flag", 0, 1, 0);

            samples++;
        }
        sgl_fixed_grad_free(&g);
        sgl_fixed_free(&q);
        configs++;
    }
    top->final();
    printf(NAME ": N %d, P %d lanes, N_IN %d, %d classes, %d steps at most, GRAD_W %d; seed %" PRIu64 ", %" PRIu64 " cycles\n",
           NMAX, P, NIN, CMAX, TMAX, GRAD_W, h.seed, h.cycles);
    printf(NAME ": every sample's walk took the formula's cycles; %" PRIu64 " gradient words not 0; %" PRIu64
           " configurations skipped (out_frac outside -8 .. 23)\n", nonzero, skipped);
    printf(NAME ": %" PRIu64 " configurations, %" PRIu64 " samples, %" PRIu64 " gradient words compared, %" PRIu64
           " gv values, %" PRIu64 " errors, %" PRIu64 " mismatches\n", configs, samples, words, gvs, errs, mismatches);
    printf(NAME ": %s\n", mismatches ? "FAIL" : "PASS");
    (void)HW;
    return mismatches ? 1 : 0;
}
