/* SPDX-License-Identifier: MIT */
/* make bwd-test (its twin check): the reference of the walk, sgl_bwd_walk_ref (sim/bwd_ref.c),
 * against the twin itself. A one-layer net of randman (stable init, rate calibrated to 0.2,
 * quantized), both reset modes, two thresholds; each sample through sgl_fixed_grad_sample;
 * then sgl_bwd_walk_ref on the twin's own history, errors and gamma_q (g.z, g.code, g.err,
 * g.gamma_q) must give the twin's gv (g.gv) value for value. So the RTL walk, equal to the
 * reference over random inputs (sim/walk_test.cpp), equals the twin's backward on real ones.
 * Usage: walk_twin [SAMPLES] (default 16 per net). Prints `walk-twin: ... <N> gv values equal
 * (<Z> not 0), <M> differences`; exit 1 on a difference or an error, 2 on a bad count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bwd_ref.h"
#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "fixed_train.h"
#include "init.h"
#include "net.h"
#include "rng.h"

static int fail(const char *what)
{
    fprintf(stderr, "walk-twin: %s: %s\n", what, sgl_errmsg());
    return 1;
}

int main(int argc, char **argv)
{
    int samples = argc > 1 ? atoi(argv[1]) : 16;
    if (samples < 1) {
        fprintf(stderr, "walk-twin: SAMPLES must be a positive count\n");
        return 2;
    }
    sgl_data d;
    if (sgl_data_load(&d, "randman:classes=4,samples=50,steps=50", SGL_SPLIT_TRAIN))
        return fail("data");
    long equal = 0, diff = 0, nonzero = 0;
    for (int variant = 0; variant < 4 && diff == 0; variant++) {
        sgl_config c;
        sgl_config_default(&c);
        c.n_in = d.n_units;
        c.n_layers = 1;
        c.n_hidden[0] = 24;
        c.n_out = d.n_classes;
        c.n_steps = d.n_steps;
        c.tau = -1.0 / log(1.0 - 1.0 / 16);
        c.reset = variant & 1 ? SGL_RESET_MULT : SGL_RESET_SUB;
        sgl_net net;
        if (sgl_net_alloc(&net, &c))
            return fail("net");
        double m, var, rate[SGL_MAX_LAYERS];
        sgl_data_input_stats(&d, &m, &var);
        sgl_rng r;
        sgl_rng_seed(&r, 5 + (uint64_t)variant, 1);
        if (sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_ALL, m, var, &r, NULL) ||
            sgl_calibrate_rate(&net, &d, 64, 0.2, 1, rate))
            return fail("init");
        sgl_fixed_opts o;
        sgl_fixed_opts_default(&o);
        o.theta_log2 = variant & 2 ? 13 : 10;
        sgl_fixed_net q;
        if (sgl_fixed_quantize(&net, &q, &o, NULL))
            return fail("quantize");
        sgl_fixed_grad g;
        if (sgl_fixed_grad_init(&g, &q, &net, 16))
            return fail("grad");
        const sgl_fixed_layer *Ly = &q.layer[0];
        const int n = Ly->n, T = q.n_steps, C = q.n_out;
        int32_t *gv = malloc((size_t)T * (size_t)n * sizeof *gv);
        uint8_t *clamp = malloc((size_t)T * (size_t)n);
        if (!gv || !clamp)
            return 1;
        for (int s = 0; s < samples && diff == 0; s++) {
            sgl_sample x = sgl_data_sample(&d, s);
            if (sgl_fixed_grad_sample(&g, &q, &x))
                return fail("sample");
            sgl_bwd_walk_ref(n, C, T, Ly->w_rec, q.w_out, g.err, g.z[0], g.code[0], g.gamma_q[0],
                             q.v_frac - Ly->sh_rec, q.out_frac, q.decay_shift,
                             q.reset == SGL_RESET_MULT, gv, clamp);
            for (int o2 = 0; o2 < T * n; o2++) {
                if (gv[o2] == g.gv[0][o2]) {
                    equal++;
                    nonzero += gv[o2] != 0;
                    continue;
                }
                if (diff++ == 0)
                    fprintf(stderr, "walk-twin: net %d sample %d step %d neuron %d: reference %d, "
                            "twin %d\n", variant, s, o2 / n, o2 % n, gv[o2], g.gv[0][o2]);
            }
        }
        free(gv);
        free(clamp);
        sgl_fixed_grad_free(&g);
        sgl_fixed_free(&q);
        sgl_net_free(&net);
    }
    sgl_data_free(&d);
    printf("walk-twin: 4 nets (both reset modes, theta_log2 10 and 13) x %d samples: %ld gv values "
           "equal (%ld not 0), %ld differences\n", samples, equal, nonzero, diff);
    return diff ? 1 : 0;
}
