/* SPDX-License-Identifier: MIT */
/* Test vectors for the Icarus co-simulation (sim/tb_cosim.v, `make cosim SIM=icarus`): the
 * random configurations and samples of sim/cosim.cpp, drawn from the same seed in the same
 * order (so seed S covers the first STEPS steps of the Verilator run of seed S), run through
 * the integer twin sgl_fixed_forward, and written as two text files:
 *   commands  one per line, read by the testbench with $fscanf:
 *     D cfg n n_in T reset theta k sh_in sh_rec sg_entries sg_bits sg_shift sg_lo  (context)
 *     W sel addr data          a configuration write (sel 5: event list entry, 6: W_out,
 *                              7: b_out)
 *     C                        clear (a new sample)
 *     S t n_ev cycles          run step t over n_ev events; cycles from start_i to done_o
 *     E sat pred n_out s_0 .. s_{n_out-1}
 *                              end of sample: saturations, predicted class and readout sums
 *                              of the twin (the testbench then reads the history back and
 *                              compares it with the spikes and codes of the expected trace)
 *     Q                        end
 *   expected  one line per neuron update, in order: t i v z code
 * Usage: cosim_vectors SEED STEPS SG_HEX CMD_OUT EXP_OUT [N N_IN EV_AW SG_AW N_OUT]
 * (defaults 64 32 7 8 10: the sizes the RTL is built with). Exit 0, or 1 with a message. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "rng.h"

enum { SEL_WIN = 0, SEL_WREC = 1, SEL_BIAS = 2, SEL_SG = 3, SEL_REG = 4, SEL_EV = 5,
       SEL_WOUT = 6, SEL_BOUT = 7 };
enum { REG_THETA = 0, REG_K, REG_SH_IN, REG_SH_REC, REG_SG_SHIFT, REG_SG_LOG2, REG_RESET,
       REG_N_LAST, REG_C_LAST };
enum { STEP_OVERHEAD = 5 };

typedef struct {
    FILE *exp;
    long updates;
    uint8_t *z; /* [T][n]: the sample's spikes, for the cycle counts */
} trace_out;

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    trace_out *o = ctx;
    (void)layer;
    for (int i = 0; i < n; i++)
        fprintf(o->exp, "%d %d %d %d %u\n", t, i, v[i], z[i], code[i]);
    memcpy(&o->z[(size_t)t * (size_t)n], z, (size_t)n);
    o->updates += n;
}

static int rnd(sgl_rng *g, int lo, int hi) /* uniform in lo..hi */
{
    return lo + (int)sgl_rng_below(g, (uint32_t)(hi - lo + 1));
}

/* A weight: extremes often enough that saturation is hit (as sim/cosim.cpp). */
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

static int imax(int a, int b) { return a > b ? a : b; }

static int argi(int argc, char **argv, int k, int dflt)
{
    return argc > k ? (int)strtol(argv[k], NULL, 0) : dflt;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 11) {
        fprintf(stderr, "usage: cosim_vectors SEED STEPS SG_HEX CMD_OUT EXP_OUT "
                        "[N N_IN EV_AW SG_AW N_OUT]\n");
        return 1;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long steps = strtol(argv[2], NULL, 0);
    const int N = argi(argc, argv, 6, 64), N_IN = argi(argc, argv, 7, 32);
    const int EV_AW = argi(argc, argv, 8, 7), SG_AW = argi(argc, argv, 9, 8);
    const int N_OUT = argi(argc, argv, 10, 10);
    const int NW = N > 1 ? 32 - __builtin_clz((unsigned)(N - 1)) : 1;
    const int CW = N_OUT > 1 ? 32 - __builtin_clz((unsigned)(N_OUT - 1)) : 1;
    const int ev_max = 1 << EV_AW;
    if (N_OUT < 2 || N_OUT > 1024) {
        fprintf(stderr, "cosim_vectors: N_OUT %d: expected 2..1024\n", N_OUT);
        return 1;
    }

    /* the table the RTL loads with $readmemh (used by the first configuration) */
    uint16_t *sg_file = calloc((size_t)1 << SG_AW, sizeof *sg_file);
    FILE *f = fopen(argv[3], "r");
    size_t n_hex = 0;
    if (!sg_file || !f) {
        fprintf(stderr, "cosim_vectors: %s: cannot open\n", argv[3]);
        return 1;
    }
    unsigned x;
    while (n_hex < (size_t)1 << SG_AW && fscanf(f, "%x", &x) == 1)
        sg_file[n_hex++] = (uint16_t)x;
    fclose(f);
    if (n_hex != (size_t)1 << SG_AW) {
        fprintf(stderr, "cosim_vectors: %s: %zu words, expected %d\n", argv[3], n_hex,
                1 << SG_AW);
        return 1;
    }
    FILE *cmd = fopen(argv[4], "w");
    trace_out tro = {fopen(argv[5], "w"), 0, NULL};
    uint16_t *ev_t = malloc((size_t)40 * (size_t)ev_max * sizeof *ev_t);
    uint16_t *ev_u = malloc((size_t)40 * (size_t)ev_max * sizeof *ev_u);
    uint8_t *zbuf = malloc((size_t)40 * (size_t)N);
    tro.z = zbuf;
    if (!cmd || !tro.exp || !ev_t || !ev_u || !zbuf) {
        fprintf(stderr, "cosim_vectors: %s or %s: cannot create\n", argv[4], argv[5]);
        return 1;
    }

    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x636f73696dULL);
    long t_done = 0, samples = 0, configs = 0, sats = 0;
    while (t_done < steps) {
        /* ---- a random configuration (the draws of sim/cosim.cpp, in its order) ---- */
        int n = rnd(&g, 1, 4) == 1 ? rnd(&g, 1, 4) : rnd(&g, 1, N);
        int n_in = rnd(&g, 1, N_IN);
        int T = rnd(&g, 1, 40);
        int C = rnd(&g, 2, N_OUT);
        int log2e = configs == 0 ? SG_AW : rnd(&g, 1, SG_AW);
        sgl_fixed_net q;
        if (sgl_fixed_alloc(&q, n_in, 1, &n, C, T, 1 << log2e)) {
            fprintf(stderr, "cosim_vectors: %s\n", sgl_errmsg());
            return 1;
        }
        sgl_fixed_layer *L = &q.layer[0];
        q.reset = rnd(&g, 0, 1) ? SGL_RESET_MULT : SGL_RESET_SUB;
        int tr = rnd(&g, 0, 3);
        q.theta = tr == 0 ? rnd(&g, 1, 64) : tr == 1 ? rnd(&g, 20000, 32767)
                                                     : (1 << rnd(&g, 8, 14)) + rnd(&g, -9, 9);
        q.decay_shift = rnd(&g, 0, 3) == 0 ? rnd(&g, 1, 15) : rnd(&g, 1, 6);
        int tl2 = 31 - __builtin_clz((unsigned)q.theta); /* floor(log2(theta)) */
        L->sh_in = rnd(&g, 0, 3) == 0 ? rnd(&g, 0, 15) : imax(0, tl2 - rnd(&g, 6, 11));
        L->sh_rec = rnd(&g, 0, 3) == 0 ? rnd(&g, 0, 15) : imax(0, tl2 - rnd(&g, 6, 11));
        int wstyle = rnd(&g, 0, 1);
        for (int k = 0; k < n_in * n; k++)
            L->w_in[k] = rnd_w(&g, wstyle);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                L->w_rec[j * n + i] = i == j ? 0 : rnd_w(&g, wstyle);
        for (int i = 0; i < n; i++)
            L->bias[i] = rnd_bias(&g);
        for (int k = 0; k < n * C; k++)
            q.w_out[k] = rnd_w(&g, 1);
        for (int c = 0; c < C; c++)
            q.b_out[c] = (int16_t)rnd(&g, -32768, 32767);
        for (int c = 1; c < C; c++) /* one class in four copies the previous: argmax ties */
            if (rnd(&g, 0, 3) == 0) {
                q.b_out[c] = q.b_out[c - 1];
                for (int i = 0; i < n; i++)
                    q.w_out[i * C + c] = q.w_out[i * C + c - 1];
            }
        if (configs == 0) {
            q.sg_bits = 16;
            q.sg_shift = rnd(&g, 0, 15);
            for (int k = 0; k < q.sg_entries; k++)
                q.sg_code[k] = sg_file[k];
        } else {
            q.sg_bits = rnd(&g, 1, 16);
            q.sg_shift = rnd(&g, 0, 15);
            for (int k = 0; k < q.sg_entries; k++)
                q.sg_code[k] = (uint16_t)sgl_rng_below(&g, 1u << q.sg_bits);
        }
        q.sg_lo = (int32_t)(-(((int64_t)q.sg_entries << q.sg_shift) / 2));
        while (sgl_fixed_check(&q) && (L->sh_in > 0 || L->sh_rec > 0)) {
            L->sh_in = L->sh_in > 0 ? L->sh_in - 1 : 0;
            L->sh_rec = L->sh_rec > 0 ? L->sh_rec - 1 : 0;
        }
        if (sgl_fixed_check(&q)) {
            fprintf(stderr, "cosim_vectors: config %ld: %s\n", configs, sgl_errmsg());
            return 1;
        }

        /* ---- its loading, in the order of sim/cosim.cpp ---- */
        fprintf(cmd, "D %ld %d %d %d %d %d %d %d %d %d %d %d %d\n", configs, n, n_in, T,
                q.reset == SGL_RESET_MULT, (int)q.theta, q.decay_shift, L->sh_in, L->sh_rec,
                q.sg_entries, q.sg_bits, q.sg_shift, (int)q.sg_lo);
        for (int u = 0; u < n_in; u++)
            for (int i = 0; i < n; i++)
                fprintf(cmd, "W %d %d %d\n", SEL_WIN, u << NW | i, (uint8_t)L->w_in[u * n + i]);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                fprintf(cmd, "W %d %d %d\n", SEL_WREC, j << NW | i,
                        (uint8_t)L->w_rec[j * n + i]);
        for (int i = 0; i < n; i++)
            fprintf(cmd, "W %d %d %d\n", SEL_BIAS, i, (uint16_t)L->bias[i]);
        if (configs > 0)
            for (int k = 0; k < q.sg_entries; k++)
                fprintf(cmd, "W %d %d %u\n", SEL_SG, k, q.sg_code[k]);
        const int regs[][2] = {{REG_THETA, (int)q.theta}, {REG_K, q.decay_shift},
                               {REG_SH_IN, L->sh_in}, {REG_SH_REC, L->sh_rec},
                               {REG_SG_SHIFT, q.sg_shift}, {REG_SG_LOG2, log2e},
                               {REG_RESET, q.reset == SGL_RESET_MULT}, {REG_N_LAST, n - 1}};
        for (size_t r = 0; r < sizeof regs / sizeof regs[0]; r++)
            fprintf(cmd, "W %d %d %d\n", SEL_REG, regs[r][0], regs[r][1]);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < C; c++)
                fprintf(cmd, "W %d %d %d\n", SEL_WOUT, i << CW | c, (uint8_t)q.w_out[i * C + c]);
        for (int c = 0; c < C; c++)
            fprintf(cmd, "W %d %d %d\n", SEL_BOUT, c, (uint16_t)q.b_out[c]);
        fprintf(cmd, "W %d %d %d\n", SEL_REG, REG_C_LAST, C - 1);

        int n_samples = rnd(&g, 1, 4);
        for (int smp = 0; smp < n_samples && t_done < steps; smp++) {
            /* ---- a random sample: events per step, duplicates allowed ---- */
            int n_ev = 0;
            int rate = rnd(&g, 0, 7) == 0 ? 100 : rnd(&g, 0, 30); /* percent per channel */
            for (int t = 0; t < T; t++) {
                int cnt = 0;
                for (int u = 0; u < n_in && cnt < ev_max; u++)
                    if (rnd(&g, 1, 100) <= rate) {
                        ev_t[n_ev] = (uint16_t)t;
                        ev_u[n_ev++] = (uint16_t)u;
                        cnt++;
                        if (cnt < ev_max && rnd(&g, 0, 19) == 0) {
                            ev_t[n_ev] = (uint16_t)t; /* listed twice: adds twice */
                            ev_u[n_ev++] = (uint16_t)u;
                            cnt++;
                        }
                    }
            }
            sgl_sample s = {n_ev, ev_t, ev_u, 0};
            sgl_fixed_stats st;
            memset(&st, 0, sizeof st);
            int32_t logit[1024];
            int pred = -1;
            long u0 = tro.updates;
            if (sgl_fixed_forward(&q, &s, &pred, logit, &st, record, &tro)) {
                fprintf(stderr, "cosim_vectors: twin: %s\n", sgl_errmsg());
                return 1;
            }
            if (tro.updates - u0 != (long)T * n) {
                fprintf(stderr, "cosim_vectors: twin traced %ld updates, expected %d\n",
                        tro.updates - u0, T * n);
                return 1;
            }
            fprintf(cmd, "C\n");
            int k_ev = 0, prev_spikes = 0;
            for (int t = 0; t < T; t++) {
                int e = 0;
                for (; k_ev < n_ev && ev_t[k_ev] == t; k_ev++)
                    fprintf(cmd, "W %d %d %d\n", SEL_EV, e++, ev_u[k_ev]);
                fprintf(cmd, "S %d %d %ld\n", t, e,
                        (long)n * (e + prev_spikes + 1) + STEP_OVERHEAD);
                prev_spikes = 0;
                for (int i = 0; i < n; i++)
                    prev_spikes += zbuf[t * n + i];
                t_done++;
            }
            fprintf(cmd, "E %ld %d %d", st.v_saturations, pred, C);
            for (int c = 0; c < C; c++)
                fprintf(cmd, " %d", (int)logit[c]);
            fprintf(cmd, "\n");
            sats += st.v_saturations;
            samples++;
        }
        sgl_fixed_free(&q);
        configs++;
    }
    fprintf(cmd, "Q\n");
    if (fclose(cmd) || fclose(tro.exp)) {
        fprintf(stderr, "cosim_vectors: %s or %s: write failed\n", argv[4], argv[5]);
        return 1;
    }
    printf("cosim_vectors: seed %" PRIu64 ", %ld configurations, %ld samples, %ld steps, %ld "
           "updates, %ld saturations expected\n",
           seed, configs, samples, t_done, tro.updates, sats);
    free(ev_t);
    free(ev_u);
    free(zbuf);
    free(sg_file);
    return 0;
}
