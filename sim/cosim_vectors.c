/* SPDX-License-Identifier: MIT */
/* Test vectors for the Icarus co-simulation (sim/tb_cosim.v, `make cosim SIM=icarus`): the
 * random configurations and samples of sim/cosim.cpp (sim/cosim_gen.h), drawn from the same
 * seed in the same order (so seed S covers the first STEPS steps of the Verilator run of seed
 * S), run through the integer twin sgl_fixed_forward, and written as two text files:
 *   commands  one per line, read by the testbench with $fscanf:
 *     D cfg layers n0 n1 n_in T reset theta k sh_in0 sh_rec0 sh_in1 sh_rec1 sg_entries
 *       sg_bits sg_shift sg_lo  (context; n1, sh_in1, sh_rec1 are 0 with one layer)
 *     W sel addr data          a configuration write (sel 0: a weight bank word, two int8
 *                              packed as the core's memory map; 5: event list entry, ...)
 *     C                        clear (a new sample)
 *     S t n_ev cycles          run step t over n_ev events; cycles from start_i to done_o
 *     E sat pred n_out s_0 .. s_{n_out-1}
 *                              end of sample: saturations, predicted class and readout sums
 *                              of the twin (the testbench then reads the history back and
 *                              compares it with the spikes and codes of the expected trace)
 *     Q                        end
 *   expected  one line per neuron update, in order: l t i v z code
 * Usage: cosim_vectors SEED STEPS SG_HEX CMD_OUT EXP_OUT N N_IN EV_AW SG_AW N_OUT HIST P L
 * (the sizes the RTL is built with). Exit 0, or 1 with a message. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "rng.h"
#include "cosim_gen.h"

/* the core's memory map and cycle model, as sim/core_port.h (docs/rtl.md) */
enum { SEL_W = 0, SEL_BIAS = 2, SEL_SG = 3, SEL_REG = 4, SEL_EV = 5, SEL_WOUT = 6,
       SEL_BOUT = 7 };
enum { REG_THETA = 0, REG_K, REG_SH_IN, REG_SH_REC, REG_SG_SHIFT, REG_SG_LOG2, REG_RESET,
       REG_N_LAST, REG_C_LAST, REG_LAYERS, REG_SH_IN1, REG_SH_REC1, REG_N_LAST1 };
enum { LAYER_OVERHEAD = 14 }; /* and a step adds clog2(N_OUT) */

static long layer_cycles(int P, int n, long ops)
{
    long c = ops > 1 ? ops : 1, ng = (n + P - 1) / P, m = n - (ng - 1) * P;
    return (ng - 1) * (c > P ? c : P) + c + m - 1 + LAYER_OVERHEAD;
}

static int clog2(int x) { return x > 1 ? 32 - __builtin_clz((unsigned)(x - 1)) : 1; }
static int ilog2(int x) { return x > 1 ? 31 - __builtin_clz((unsigned)x) : 0; }

typedef struct {
    FILE *exp;
    long updates;
    int n_max;
    uint8_t *z; /* [l][T][n_max]: the sample's spikes, for the cycle counts */
} trace_out;

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    trace_out *o = ctx;
    for (int i = 0; i < n; i++)
        fprintf(o->exp, "%d %d %d %d %d %u\n", layer, t, i, v[i], z[i], code[i]);
    memcpy(&o->z[((size_t)layer * COSIM_T_MAX + (size_t)t) * (size_t)o->n_max], z, (size_t)n);
    o->updates += n;
}

static int spikes(const trace_out *o, int l, int t, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += o->z[((size_t)l * COSIM_T_MAX + (size_t)t) * (size_t)o->n_max + (size_t)i];
    return s;
}

/* rows row0.. of w[r][n] as bank words: {W[r][gP + 2b + 1], W[r][gP + 2b]} (0 beyond n) */
static void write_rows(FILE *cmd, int P, int GW, int row0, int nrows, int n, const int8_t *w)
{
    int NB = P > 1 ? P / 2 : 1, ng = (n + P - 1) / P;
    for (int r = 0; r < nrows; r++)
        for (int g = 0; g < ng; g++)
            for (int b = 0; b < NB; b++) {
                int i = g * P + 2 * b;
                unsigned lo = i < n ? (uint8_t)w[(size_t)r * n + i] : 0;
                unsigned hi = P > 1 && i + 1 < n ? (uint8_t)w[(size_t)r * n + i + 1] : 0;
                long addr = ((long)(row0 + r) << GW | g) * NB + b;
                fprintf(cmd, "W %d %ld %u\n", SEL_W, addr, lo | hi << 8);
            }
}

int main(int argc, char **argv)
{
    if (argc != 14) {
        fprintf(stderr, "usage: cosim_vectors SEED STEPS SG_HEX CMD_OUT EXP_OUT "
                        "N N_IN EV_AW SG_AW N_OUT HIST P L\n");
        return 1;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long steps = strtol(argv[2], NULL, 0);
    const int N = atoi(argv[6]), N_IN = atoi(argv[7]), EV_AW = atoi(argv[8]);
    const int SG_AW = atoi(argv[9]), N_OUT = atoi(argv[10]), HIST = atoi(argv[11]);
    const int P = atoi(argv[12]), L = atoi(argv[13]);
    const int NW = clog2(N), CW = clog2(N_OUT), GW = NW - ilog2(P);
    const int ev_max = 1 << EV_AW;
    (void)HIST;
    if (N_OUT < 2 || N_OUT > 1024 || L < 1 || L > 2 || P < 1 || P > 16 || N < 2 * P) {
        fprintf(stderr, "cosim_vectors: N_OUT %d, L %d, P %d, N %d: out of range\n", N_OUT, L,
                P, N);
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
    trace_out tro = {fopen(argv[5], "w"), 0, N, NULL};
    uint16_t *ev_t = malloc((size_t)COSIM_T_MAX * (size_t)ev_max * sizeof *ev_t);
    uint16_t *ev_u = malloc((size_t)COSIM_T_MAX * (size_t)ev_max * sizeof *ev_u);
    uint8_t *zbuf = malloc((size_t)2 * COSIM_T_MAX * (size_t)N);
    tro.z = zbuf;
    if (!cmd || !tro.exp || !ev_t || !ev_u || !zbuf) {
        fprintf(stderr, "cosim_vectors: %s or %s: cannot create\n", argv[4], argv[5]);
        return 1;
    }

    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x636f73696dULL);
    long t_done = 0, samples = 0, configs = 0, sats = 0;
    while (t_done < steps) {
        sgl_fixed_net q;
        if (cg_net(&g, configs, N, N_IN, SG_AW, N_OUT, L, sg_file, &q))
            return 1;
        const int nl = q.n_layers, T = q.n_steps, C = q.n_out;
        const sgl_fixed_layer *L0 = &q.layer[0], *L1 = &q.layer[nl - 1];

        /* ---- its loading, in the order of CorePort::load_net (sim/core_port.h) ---- */
        fprintf(cmd, "D %ld %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", configs, nl,
                L0->n, nl > 1 ? L1->n : 0, q.n_in, T, q.reset == SGL_RESET_MULT, (int)q.theta,
                q.decay_shift, L0->sh_in, L0->sh_rec, nl > 1 ? L1->sh_in : 0,
                nl > 1 ? L1->sh_rec : 0, q.sg_entries, q.sg_bits, q.sg_shift, (int)q.sg_lo);
        for (int l = 0; l < nl; l++) {
            const sgl_fixed_layer *Ly = &q.layer[l];
            write_rows(cmd, P, GW, l == 0 ? 0 : N_IN + N, Ly->n_pre, Ly->n, Ly->w_in);
            write_rows(cmd, P, GW, l == 0 ? N_IN : N_IN + 2 * N, Ly->n, Ly->n, Ly->w_rec);
            for (int i = 0; i < Ly->n; i++)
                fprintf(cmd, "W %d %d %d\n", SEL_BIAS, (L > 1 ? l << NW : 0) | i,
                        (uint16_t)Ly->bias[i]);
            fprintf(cmd, "W %d %d %d\n", SEL_REG, l == 0 ? REG_SH_IN : REG_SH_IN1, Ly->sh_in);
            fprintf(cmd, "W %d %d %d\n", SEL_REG, l == 0 ? REG_SH_REC : REG_SH_REC1, Ly->sh_rec);
            fprintf(cmd, "W %d %d %d\n", SEL_REG, l == 0 ? REG_N_LAST : REG_N_LAST1, Ly->n - 1);
        }
        fprintf(cmd, "W %d %d %d\n", SEL_REG, REG_LAYERS, nl - 1);
        if (configs > 0)
            for (int k = 0; k < q.sg_entries; k++)
                fprintf(cmd, "W %d %d %u\n", SEL_SG, k, q.sg_code[k]);
        const int regs[][2] = {{REG_THETA, (int)q.theta}, {REG_K, q.decay_shift},
                               {REG_SG_SHIFT, q.sg_shift}, {REG_SG_LOG2, ilog2(q.sg_entries)},
                               {REG_RESET, q.reset == SGL_RESET_MULT}};
        for (size_t r = 0; r < sizeof regs / sizeof regs[0]; r++)
            fprintf(cmd, "W %d %d %d\n", SEL_REG, regs[r][0], regs[r][1]);
        for (int i = 0; i < L1->n; i++)
            for (int c = 0; c < C; c++)
                fprintf(cmd, "W %d %d %d\n", SEL_WOUT, i << CW | c, (uint8_t)q.w_out[i * C + c]);
        for (int c = 0; c < C; c++)
            fprintf(cmd, "W %d %d %d\n", SEL_BOUT, c, (uint16_t)q.b_out[c]);
        fprintf(cmd, "W %d %d %d\n", SEL_REG, REG_C_LAST, C - 1);

        int n_samples = cg_rnd(&g, 1, 4);
        for (int smp = 0; smp < n_samples && t_done < steps; smp++) {
            int n_ev = cg_sample(&g, &q, ev_max, ev_t, ev_u);
            sgl_sample s = {n_ev, ev_t, ev_u, 0};
            sgl_fixed_stats st;
            memset(&st, 0, sizeof st);
            int32_t logit[1024];
            int pred = -1;
            long u0 = tro.updates, per_step = L0->n + (nl > 1 ? L1->n : 0);
            if (sgl_fixed_forward(&q, &s, &pred, logit, &st, record, &tro)) {
                fprintf(stderr, "cosim_vectors: twin: %s\n", sgl_errmsg());
                return 1;
            }
            if (tro.updates - u0 != (long)T * per_step) {
                fprintf(stderr, "cosim_vectors: twin traced %ld updates, expected %ld\n",
                        tro.updates - u0, T * per_step);
                return 1;
            }
            fprintf(cmd, "C\n");
            int k_ev = 0;
            for (int t = 0; t < T; t++) {
                int e = 0;
                for (; k_ev < n_ev && ev_t[k_ev] == t; k_ev++)
                    fprintf(cmd, "W %d %d %d\n", SEL_EV, e++, ev_u[k_ev]);
                long cyc = CW;
                for (int l = 0; l < nl; l++) {
                    long ops = (l == 0 ? e : spikes(&tro, 0, t, L0->n)) +
                               (t > 0 ? spikes(&tro, l, t - 1, q.layer[l].n) : 0);
                    cyc += layer_cycles(P, q.layer[l].n, ops);
                }
                fprintf(cmd, "S %d %d %ld\n", t, e, cyc);
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
