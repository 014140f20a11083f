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
 *   expected  one line per neuron update, in order: l t i v z code sat (sat: 1 where the
 *             update was clamped to int16, sgl_fixed_forward_sat's hook)
 * Usage: cosim_vectors SEED STEPS SG_HEX CMD_OUT EXP_OUT N N_IN EV_AW SG_AW N_OUT HIST P L
 * (the sizes the RTL is built with). Exit 0, or 1 with a message. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_map.h"
#include "fixed.h"
#include "rng.h"
#include "cosim_gen.h"

/* the core's cycle model and memory map: sw/core_map.c (docs/rtl.md, rtl/core_map.csv) */


typedef struct {
    FILE *exp;
    long updates, sat_updates;
    int n_max;
    uint8_t *z; /* [l][T][n_max]: the sample's spikes, for the cycle counts */
    const uint16_t *code; /* the layer's step's SG codes, written out by record_sat */
} trace_out;

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    trace_out *o = ctx;
    memcpy(&o->z[((size_t)layer * COSIM_T_MAX + (size_t)t) * (size_t)o->n_max], z, (size_t)n);
    (void)v;
    o->code = code;
}

/* called after record for the same layer and step: one line per update */
static void record_sat(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *sat)
{
    trace_out *o = ctx;
    const uint8_t *z = &o->z[((size_t)layer * COSIM_T_MAX + (size_t)t) * (size_t)o->n_max];
    for (int i = 0; i < n; i++) {
        fprintf(o->exp, "%d %d %d %d %d %u %d\n", layer, t, i, v[i], z[i], o->code[i], sat[i]);
        o->sat_updates += sat[i];
    }
    o->updates += n;
}

static int spikes(const trace_out *o, int l, int t, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += o->z[((size_t)l * COSIM_T_MAX + (size_t)t) * (size_t)o->n_max + (size_t)i];
    return s;
}

/* a configuration write as a command line of the testbench */
static void write_cmd(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    fprintf((FILE *)ctx, "W %d %lu %u\n", sel, (unsigned long)addr, (unsigned)data);
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
    sgl_core_shape cs;
    if (sgl_core_shape_init(&cs, N, N_IN, N_OUT, P, L, 1 << SG_AW, 1 << EV_AW)) {
        fprintf(stderr, "cosim_vectors: %s\n", sgl_errmsg());
        return 1;
    }
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
    trace_out tro = {fopen(argv[5], "w"), 0, 0, N, NULL, NULL};
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
        sgl_core_load(&cs, &q, configs > 0, write_cmd, cmd);

        int n_samples = cg_rnd(&g, 1, 4);
        for (int smp = 0; smp < n_samples && t_done < steps; smp++) {
            int n_ev = cg_sample(&g, &q, ev_max, ev_t, ev_u);
            sgl_sample s = {n_ev, ev_t, ev_u, 0};
            sgl_fixed_stats st;
            memset(&st, 0, sizeof st);
            int32_t logit[1024];
            int pred = -1;
            long u0 = tro.updates, sat0 = tro.sat_updates, per_step = L0->n + (nl > 1 ? L1->n : 0);
            if (sgl_fixed_forward_sat(&q, &s, &pred, logit, &st, record, record_sat, &tro)) {
                fprintf(stderr, "cosim_vectors: twin: %s\n", sgl_errmsg());
                return 1;
            }
            if (tro.updates - u0 != (long)T * per_step ||
                tro.sat_updates - sat0 != st.v_saturations) {
                fprintf(stderr, "cosim_vectors: twin traced %ld updates (%ld saturated), "
                        "expected %ld (%ld)\n", tro.updates - u0, tro.sat_updates - sat0,
                        T * per_step, st.v_saturations);
                return 1;
            }
            fprintf(cmd, "C\n");
            int k_ev = 0;
            for (int t = 0; t < T; t++) {
                int e = 0;
                for (; k_ev < n_ev && ev_t[k_ev] == t; k_ev++)
                    fprintf(cmd, "W %d %d %d\n", SGL_SEL_EV, e++, ev_u[k_ev]);
                long cyc = (long)sgl_core_step_fixed(N_OUT, 1); /* tb_cosim.v: argmax_i 1 */
                for (int l = 0; l < nl; l++) {
                    long ops = (l == 0 ? e : spikes(&tro, 0, t, L0->n)) +
                               (t > 0 ? spikes(&tro, l, t - 1, q.layer[l].n) : 0);
                    cyc += (long)sgl_core_layer_cycles(P, q.layer[l].n, (uint64_t)ops);
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
