/* SPDX-License-Identifier: MIT */
/* Suite "init": the closed forms of Conditions I-IV against hand-computed cases, Condition IV's
 * root plugged back into its equation, and the glorot / orthogonal / stable initializations of
 * whole networks (statistics, zero diagonal, orthogonality, what the report says). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "init.h"

static void make_net(sgl_net *net, int n_in, int n_layers, const int *n_hidden, int n_out,
                     int shape)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = n_in;
    c.n_layers = n_layers;
    for (int l = 0; l < n_layers; l++)
        c.n_hidden[l] = n_hidden[l];
    c.n_out = n_out;
    c.n_steps = 100;
    c.sg.shape = (sgl_sg_shape)shape;
    int rc = sgl_net_alloc(net, &c);
    cr_assert_eq(rc, 0, "sgl_net_alloc: %s", sgl_errmsg());
}

static void seed(sgl_rng *r, uint64_t s)
{
    printf("init: seed %llu\n", (unsigned long long)s);
    sgl_rng_seed(r, s, 7);
}

/* Residual of Condition IV written out again (paper.md) for a given sg. */
static double c4_eq(const sgl_sg *sg, sgl_reset reset, double alpha, double theta, int n,
                    double ew2, double y_min, double y_max)
{
    double e = sgl_sg_sq_integral(sg, y_min - theta, y_max - theta) / (y_max - y_min);
    if (reset == SGL_RESET_MULT)
        return alpha * alpha / 2.0 + (n - 1) * ew2 * e;
    return alpha * alpha + ((n - 1) * ew2 + theta * theta) * e;
}

Test(init, names)
{
    cr_assert_eq(sgl_init_parse("glorot"), SGL_INIT_GLOROT);
    cr_assert_eq(sgl_init_parse("orthogonal"), SGL_INIT_ORTHOGONAL);
    cr_assert_eq(sgl_init_parse("stable"), SGL_INIT_STABLE);
    cr_assert_eq(sgl_init_parse("Stable"), -1);
    cr_assert_eq(sgl_init_parse(NULL), -1);
    cr_assert_str_eq(sgl_init_name(SGL_INIT_ORTHOGONAL), "orthogonal");
    cr_assert_str_eq(sgl_init_name(9), "unknown");
}

Test(init, condition_I)
{
    /* n = 11, alpha = 0.9, theta = 1: subtraction (3 - 1.8) / 10 = 0.12,
     * multiplicative (2 - 0.9) / 10 = 0.11; theta = 2 doubles both */
    cr_assert_float_eq(sgl_cond1_mu_rec(SGL_RESET_SUB, 0.9, 1.0, 11), 0.12, 1e-15);
    cr_assert_float_eq(sgl_cond1_mu_rec(SGL_RESET_MULT, 0.9, 1.0, 11), 0.11, 1e-15);
    cr_assert_float_eq(sgl_cond1_mu_rec(SGL_RESET_SUB, 0.9, 2.0, 11), 0.24, 1e-15);
    cr_assert_eq(sgl_cond1_mu_rec(SGL_RESET_SUB, 0.9, 1.0, 1), 0.0); /* no off-diagonal */
}

Test(init, condition_II)
{
    /* in_mean 0.5, in_var 0.25 (E[x^2] = 0.5), Var(W_in) = 0.01, n_in = 100, n = 51, mu = 0.1:
     * 2 * 0.5 * 0.01 * 100 / 50 - 0.1^2 / 2 = 0.02 - 0.005 = 0.015 */
    cr_assert_float_eq(sgl_cond2_var_rec(0.5, 0.25, 0.01, 100, 51, 0.1), 0.015, 1e-15);
    /* in_mean 0.1, in_var 0.09 (E[x^2] = 0.1), Var(W_in) = 0.002, n_in = 700, n = 256, mu = 0:
     * 2 * 0.1 * 0.002 * 700 / 255 = 0.28 / 255 */
    cr_assert_float_eq(sgl_cond2_var_rec(0.1, 0.09, 0.002, 700, 256, 0.0), 0.28 / 255, 1e-15);
    /* the formula can go negative: reported as is (sgl_init_net clamps to 0) */
    cr_assert_lt(sgl_cond2_var_rec(0.0, 0.0, 0.01, 10, 11, 0.1), 0.0);
}

Test(init, condition_III_by_hand)
{
    /* Column i of W_rec (incoming weights, j != i): {0.3, 0.2, -1.5, -0.5}:
     * S+ = 0.5, S- = 2.0. alpha = 0.9, theta = 1:
     * subtraction: S- (1 - alpha) / (S+ (S- - theta)) = 2 * 0.1 / (0.5 * 1) = 0.4
     * multiplicative: (1 - alpha) / S+ = 0.1 / 0.5 = 0.2 */
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.9, 1.0, 0.5, 2.0), 0.4, 1e-15);
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_MULT, 0.9, 1.0, 0.5, 2.0), 0.2, 1e-15);
    /* S- = 3, theta = 2, alpha = 0.8, S+ = 4: 3 * 0.2 / (4 * 1) = 0.15 */
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.8, 2.0, 4.0, 3.0), 0.15, 1e-15);
    /* guards: S- <= theta' -> (1 - alpha) / S+; S+ = 0 -> the upper clamp 10;
     * a tiny value is clamped up to 1e-3 */
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.9, 1.0, 0.5, 0.8), 0.2, 1e-15);
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.9, 1.0, 0.5, 1.0), 0.2, 1e-15);
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.9, 1.0, 0.0, 2.0), 10.0, 1e-15);
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_MULT, 0.9, 1.0, 1e4, 2.0), 1e-3, 1e-15);
    /* just above the pole the formula is large: clamped to 10 */
    cr_assert_float_eq(sgl_cond3_gamma(SGL_RESET_SUB, 0.9, 1.0, 0.5, 1.001), 10.0, 1e-15);
}

Test(init, condition_IV_root_satisfies_the_equation)
{
    const double ranges[][2] = {{-30.0, 32.0}, {-3.0, 4.0}, {-300.0, 330.0}};
    const sgl_reset resets[] = {SGL_RESET_SUB, SGL_RESET_MULT};
    int roots = 0;
    for (int k = 0; k < SGL_SG_N_SHAPES; k++)
        for (size_t r = 0; r < SGL_ARRAY_LEN(ranges); r++)
            for (size_t m = 0; m < 2; m++) {
                sgl_sg sg = {(sgl_sg_shape)k, 1.5, 1.0, 1.8};
                double alpha = exp(-1.0 / 20), theta = 1.0, ew2 = 0.004;
                int n = 256;
                double b = sgl_cond4_solve(&sg, resets[m], alpha, theta, n, ew2, ranges[r][0],
                                           ranges[r][1], 0);
                /* at beta -> 0, E[SG^2] -> gamma^2: a root exists iff alpha^2 (/2) + K gamma^2
                 * exceeds 1 */
                double k_term = resets[m] == SGL_RESET_MULT ? (n - 1) * ew2
                                                            : (n - 1) * ew2 + theta * theta;
                double a2 = resets[m] == SGL_RESET_MULT ? alpha * alpha / 2 : alpha * alpha;
                int expect = a2 + k_term * sg.gamma * sg.gamma > 1.0;
                cr_assert_eq(isfinite(b), expect, "%s range %zu reset %zu: beta %g",
                             sgl_sg_name(k), r, m, b);
                if (!expect)
                    continue;
                roots++;
                sg.beta = b;
                double lhs = c4_eq(&sg, resets[m], alpha, theta, n, ew2, ranges[r][0],
                                   ranges[r][1]);
                cr_assert(fabs(lhs - 1.0) < 1e-9, "%s: beta %.15g gives %.15g", sgl_sg_name(k), b,
                          lhs);
            }
    cr_assert_gt(roots, 20);

    /* tail-fatness at fixed beta = 1 */
    sgl_sg q = {SGL_SG_Q_PSEUDOSPIKE, 0.2, 1.0, 2.0};
    double qq = sgl_cond4_solve(&q, SGL_RESET_SUB, exp(-0.05), 1.0, 256, 0.3, -3.0, 4.0, 1);
    cr_assert(isfinite(qq) && qq > 1.0, "q %g", qq);
    q.q = qq;
    cr_assert(fabs(c4_eq(&q, SGL_RESET_SUB, exp(-0.05), 1.0, 256, 0.3, -3.0, 4.0) - 1.0) < 1e-9);
    /* no root: a tiny dampening can never give unit variance */
    sgl_sg tiny = {SGL_SG_EXPONENTIAL, 1e-3, 1.0, 2.0};
    cr_assert(isnan(sgl_cond4_solve(&tiny, SGL_RESET_SUB, 0.9, 1.0, 10, 0.01, -3.0, 3.0, 0)));
}

Test(init, condition_IV_exponential_closed_form)
{
    /* paper.md: E = gamma^2 / (beta (ymax - ymin)) [F(beta (ymax - theta)) - F(beta (ymin -
     * theta))], F(u) = sign(u) (1 - exp(-4|u|)) / 4 */
    const double cases[][5] = {/* gamma, beta, theta, ymin, ymax */
                               {0.2, 1.02, 1.0, -20.0, 25.0},
                               {1.0, 0.3, 1.0, 1.5, 3.0},
                               {0.7, 2.0, 0.5, -4.0, -1.0},
                               {0.5, 0.01, 1.0, -300.0, 330.0}};
    for (size_t c = 0; c < SGL_ARRAY_LEN(cases); c++) {
        double g = cases[c][0], b = cases[c][1], th = cases[c][2], lo = cases[c][3],
               hi = cases[c][4];
        double ua = b * (hi - th), ub = b * (lo - th);
        double fa = (ua > 0 ? 1 : -1) * (1 - exp(-4 * fabs(ua))) / 4;
        double fb = (ub > 0 ? 1 : -1) * (1 - exp(-4 * fabs(ub))) / 4;
        double want = g * g / (b * (hi - lo)) * (fa - fb);
        sgl_sg sg = {SGL_SG_EXPONENTIAL, g, b, 2.0};
        double got = sgl_sg_sq_integral(&sg, lo - th, hi - th) / (hi - lo);
        /* F's differences of (1 - e^-4|u|) cancel when both ends lie in one tail (case 2):
         * the library integrates the tails directly, so allow 1e-10 */
        cr_assert(fabs(got - want) <= 1e-10 * want, "case %zu: %.15g vs %.15g", c, got, want);
    }
}

static double var_of(const double *v, size_t n, double *mean)
{
    double s = 0, ss = 0;
    for (size_t k = 0; k < n; k++)
        s += v[k];
    *mean = s / n;
    for (size_t k = 0; k < n; k++)
        ss += (v[k] - *mean) * (v[k] - *mean);
    return ss / (n - 1);
}

Test(init, stable_statistics_n256)
{
    const int nh[] = {256};
    sgl_net net;
    make_net(&net, 700, 1, nh, 20, SGL_SG_EXPONENTIAL);
    sgl_rng rng;
    seed(&rng, 20240611);
    sgl_init_report rep;
    double in_mean = 0.02, in_var = 0.02 * 0.98;
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_ALL, in_mean, in_var, &rng, &rep),
                 0, "%s", sgl_errmsg());
    const sgl_layer *L = &net.layer[0];
    int n = L->n;
    double alpha = exp(-1.0 / net.cfg.tau);
    double mu = sgl_cond1_mu_rec(SGL_RESET_SUB, alpha, 1.0, n);
    double var = sgl_cond2_var_rec(in_mean, in_var, 2.0 / (700 + 256), 700, n, mu);
    cr_assert_float_eq(rep.mu_rec, mu, 1e-15);
    cr_assert_float_eq(rep.var_rec, var, 1e-15);
    cr_assert_gt(var, 0.0);

    static double off[256 * 255];
    size_t m = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j)
                cr_assert_eq(L->w_rec[i * n + j], 0.0f, "diagonal %d", i);
            else
                off[m++] = L->w_rec[i * n + j];
        }
    double mean, v = var_of(off, m, &mean);
    /* sampling error of a uniform sample: sd(mean) = sqrt(var / m),
     * sd(var) = var sqrt((9/5 - 1) / m); allow 5 sd */
    cr_assert(fabs(mean - mu) < 5 * sqrt(var / m), "mean %g vs mu_rec %g", mean, mu);
    cr_assert(fabs(v - var) < 5 * var * sqrt(0.8 / m), "var %g vs var_rec %g", v, var);

    /* Condition III per neuron from its column; the report's summary */
    double gs = 0;
    for (int i = 0; i < n; i++) {
        double sp = 0, sm = 0;
        for (int j = 0; j < n; j++) {
            double w = L->w_rec[j * n + i];
            if (w > 0)
                sp += w;
            else
                sm -= w;
        }
        double g = sgl_cond3_gamma(SGL_RESET_SUB, alpha, 1.0, sp, sm);
        cr_assert_float_eq(L->gamma[i], (float)g, 1e-6f * (float)g, "neuron %d", i);
        gs += L->gamma[i];
    }
    cr_assert_float_eq(rep.gamma_mean, gs / n, 1e-9);
    cr_assert_leq(rep.gamma_min, rep.gamma_mean);
    cr_assert_geq(rep.gamma_max, rep.gamma_mean);
    /* Condition IV wrote its beta into the config */
    cr_assert(isfinite(rep.beta), "beta %g", rep.beta);
    cr_assert_float_eq(net.cfg.sg.beta, rep.beta, 1e-15);
    cr_assert_lt(rep.y_min, 0.0);
    cr_assert_gt(rep.y_max, 0.0);
    /* readout: glorot, biases zero */
    double lim = sqrt(6.0 / (256 + 20));
    for (int k = 0; k < 256 * 20; k++)
        cr_assert_leq(fabs(net.w_out[k]), lim);
    for (int k = 0; k < 20; k++)
        cr_assert_eq(net.b_out[k], 0.0f);
    for (int i = 0; i < n; i++)
        cr_assert_eq(L->bias[i], 0.0f);
    sgl_net_free(&net);
}

Test(init, stable_conditions_mask)
{
    /* Only Condition I: W_rec keeps the Glorot variance 1/n, shifted by mu_rec; gamma and beta
     * untouched */
    const int nh[] = {64, 32};
    sgl_net net;
    make_net(&net, 40, 2, nh, 5, SGL_SG_FAST_SIGMOID);
    sgl_rng rng;
    seed(&rng, 5);
    sgl_init_report rep[2];
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_I, 0.1, 0.09, &rng, rep), 0);
    double alpha = exp(-1.0 / 20);
    for (int l = 0; l < 2; l++) {
        cr_assert_float_eq(rep[l].mu_rec, sgl_cond1_mu_rec(SGL_RESET_SUB, alpha, 1.0, nh[l]),
                           1e-15);
        cr_assert_float_eq(rep[l].var_rec, 1.0 / nh[l], 1e-15);
        cr_assert_float_eq(rep[l].gamma_min, 1.0, 1e-7);
        cr_assert_float_eq(rep[l].gamma_max, 1.0, 1e-7);
        cr_assert_float_eq(rep[l].beta, 1.0, 1e-15);
    }
    cr_assert_float_eq(net.cfg.sg.beta, 1.0, 1e-15);

    /* Conditions I+II, two layers: the second layer uses in_mean 1/2, in_var 1/4 */
    sgl_rng_seed(&rng, 5, 7);
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_I | SGL_COND_II, 0.1, 0.09, &rng,
                              rep),
                 0);
    double mu0 = sgl_cond1_mu_rec(SGL_RESET_SUB, alpha, 1.0, 64);
    double mu1 = sgl_cond1_mu_rec(SGL_RESET_SUB, alpha, 1.0, 32);
    double v0 = sgl_cond2_var_rec(0.1, 0.09, 2.0 / (40 + 64), 40, 64, mu0);
    double v1 = sgl_cond2_var_rec(0.5, 0.25, 2.0 / (64 + 32), 64, 32, mu1);
    cr_assert_float_eq(rep[0].var_rec, v0 > 0 ? v0 : 0, 1e-15);
    cr_assert_float_eq(rep[1].var_rec, v1 > 0 ? v1 : 0, 1e-15);
    cr_assert_gt(v1, 0.0);
    sgl_net_free(&net);
}

Test(init, orthogonal_zero_diagonal)
{
    const int sizes[] = {64, 33, 2};
    for (size_t s = 0; s < SGL_ARRAY_LEN(sizes); s++) {
        int n = sizes[s];
        const int nh[] = {n};
        sgl_net net;
        make_net(&net, 10, 1, nh, 3, SGL_SG_FAST_SIGMOID);
        sgl_rng rng;
        seed(&rng, 99 + s);
        cr_assert_eq(sgl_init_net(&net, SGL_INIT_ORTHOGONAL, 0, 0.5, 0.25, &rng, NULL), 0, "%s",
                     sgl_errmsg());
        const real *w = net.layer[0].w_rec;
        double err = 0;
        for (int i = 0; i < n; i++) {
            cr_assert_eq(w[i * n + i], 0.0f);
            for (int j = 0; j < n; j++) {
                double d = 0;
                for (int k = 0; k < n; k++)
                    d += (double)w[i * n + k] * w[j * n + k];
                err = fmax(err, fabs(d - (i == j)));
            }
        }
        cr_assert_lt(err, 1e-5, "n %d: |W W^T - I| = %g", n, err);
        double lim = sqrt(6.0 / (10 + n));
        for (int k = 0; k < 10 * n; k++)
            cr_assert_leq(fabs(net.layer[0].w_in[k]), lim);
        sgl_net_free(&net);
    }
}

Test(init, glorot_bounds_and_variance)
{
    const int nh[] = {128};
    sgl_net net;
    make_net(&net, 300, 1, nh, 10, SGL_SG_FAST_SIGMOID);
    sgl_rng rng;
    seed(&rng, 1234);
    sgl_init_report rep;
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_GLOROT, 0, 0.5, 0.25, &rng, &rep), 0);
    const sgl_layer *L = &net.layer[0];
    static double buf[300 * 128];
    double lim = sqrt(6.0 / 428);
    for (int k = 0; k < 300 * 128; k++) {
        cr_assert_leq(fabs(L->w_in[k]), lim);
        buf[k] = L->w_in[k];
    }
    double mean, v = var_of(buf, 300 * 128, &mean);
    double want = lim * lim / 3; /* = 2 / (fan_in + fan_out) */
    cr_assert(fabs(v - want) < 5 * want * sqrt(0.8 / (300 * 128)), "var %g vs %g", v, want);
    cr_assert(fabs(mean) < 5 * sqrt(want / (300 * 128)), "mean %g", mean);
    for (int i = 0; i < 128; i++) {
        cr_assert_eq(L->w_rec[i * 128 + i], 0.0f);
        cr_assert_eq(L->gamma[i], 1.0f);
    }
    cr_assert_float_eq(rep.var_rec, 1.0 / 128, 1e-15);
    cr_assert_eq(rep.mu_rec, 0.0);

    /* same seed, same weights */
    sgl_net twin;
    make_net(&twin, 300, 1, nh, 10, SGL_SG_FAST_SIGMOID);
    sgl_rng_seed(&rng, 1234, 7);
    cr_assert_eq(sgl_init_net(&twin, SGL_INIT_GLOROT, 0, 0.5, 0.25, &rng, NULL), 0);
    cr_assert_eq(memcmp(twin.params, net.params, net.n_params * sizeof(real)), 0);
    sgl_net_free(&twin);
    sgl_net_free(&net);
}

Test(init, rejects_bad_arguments)
{
    const int nh[] = {8};
    sgl_net net;
    make_net(&net, 4, 1, nh, 2, SGL_SG_FAST_SIGMOID);
    sgl_rng rng;
    sgl_rng_seed(&rng, 1, 1);
    cr_assert_eq(sgl_init_net(&net, 7, 0, 0.5, 0.25, &rng, NULL), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "kind") != NULL, "%s", sgl_errmsg());
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, 16, 0.5, 0.25, &rng, NULL), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "mask") != NULL, "%s", sgl_errmsg());
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, 15, NAN, 0.25, &rng, NULL), -SGL_EUSAGE);
    cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, 15, 0.5, 0.25, NULL, NULL), -SGL_EUSAGE);
    cr_assert_eq(sgl_init_net(NULL, SGL_INIT_STABLE, 15, 0.5, 0.25, &rng, NULL), -SGL_EUSAGE);
    sgl_net_free(&net);
}

/* The paper's SHD setting: n_in 700, n 256, alpha = exp(-1/20), theta 1, subtraction reset.
 * Prints what Conditions I-IV choose (paper.md marks gamma ~ 0.20, beta ~ 1.02, q ~ 1.90);
 * docs/method.md discusses the comparison. Asserts only the bookkeeping. */
Test(init, shd_setting_report)
{
    const int shapes[] = {SGL_SG_EXPONENTIAL, SGL_SG_FAST_SIGMOID, SGL_SG_Q_PSEUDOSPIKE};
    const double means[] = {0.02, 0.5};
    for (size_t mi = 0; mi < SGL_ARRAY_LEN(means); mi++)
        for (size_t k = 0; k < SGL_ARRAY_LEN(shapes); k++) {
            const int nh[] = {256};
            sgl_net net;
            make_net(&net, 700, 1, nh, 20, shapes[k]);
            sgl_rng rng;
            sgl_rng_seed(&rng, 42, 7);
            sgl_init_report r;
            double p = means[mi];
            cr_assert_eq(sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_ALL, p, p * (1 - p), &rng,
                                      &r),
                         0);
            printf("init: SHD-like seed 42 in_mean %.2f %-13s mu_rec %.5f var_rec %.6f gamma "
                   "mean %.4f [%.4f, %.4f] beta %.4g q %.4g y [%.1f, %.1f]\n",
                   p, sgl_sg_name(shapes[k]), r.mu_rec, r.var_rec, r.gamma_mean, r.gamma_min,
                   r.gamma_max, r.beta, r.q, r.y_min, r.y_max);
            cr_assert_leq(r.gamma_min, r.gamma_mean);
            cr_assert_leq(r.gamma_mean, r.gamma_max);
            cr_assert_geq(r.gamma_min, 1e-3);
            cr_assert_leq(r.gamma_max, 10.0);
            if (shapes[k] == SGL_SG_Q_PSEUDOSPIKE) {
                cr_assert_float_eq(r.beta, 1.0, 1e-15); /* beta kept, q solved */
                cr_assert(isnan(r.q) ? net.cfg.sg.q == 2.0 : net.cfg.sg.q == r.q);
            } else {
                cr_assert(isnan(r.beta) ? net.cfg.sg.beta == 1.0 : net.cfg.sg.beta == r.beta);
            }
            sgl_net_free(&net);
        }
}
