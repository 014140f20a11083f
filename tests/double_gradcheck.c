/* SPDX-License-Identifier: MIT */
/* BPTT gradients in double precision (this file is built with -DSGLIF_DOUBLE and linked with
 * the double build of the library):
 *  - against PyTorch autograd on the fixture tests/fixtures/grad_check.json (cut reset term,
 *    Heaviside forward, fast-sigmoid SG): agreement to 1e-12;
 *  - against central finite differences in the smooth test mode (sigmoid forward, its exact
 *    derivative as SG, reset gradient kept) for both reset modes, ALIF, 1-3 layers and the
 *    rate regularizer. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "net.h"
#include "rng.h"

#ifndef SGLIF_DOUBLE
#error "double_gradcheck.c must be built with -DSGLIF_DOUBLE"
#endif

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    cr_assert(cJSON_IsNumber(v), "fixture: %s missing", k);
    return v->valuedouble;
}

/* Copy a nested JSON array of numbers, flattened row-major, into dst (n values). */
static void flat(const cJSON *a, double *dst, size_t n)
{
    size_t k = 0;
    const cJSON *stack[4];
    int idx[4], depth = 0;
    stack[0] = a;
    idx[0] = 0;
    while (depth >= 0) {
        const cJSON *cur = stack[depth];
        const cJSON *it = cJSON_GetArrayItem(cur, idx[depth]);
        if (!it) {
            depth--;
            if (depth >= 0)
                idx[depth]++;
            continue;
        }
        if (cJSON_IsArray(it)) {
            stack[++depth] = it;
            idx[depth] = 0;
        } else {
            cr_assert(k < n, "fixture array longer than %zu", n);
            dst[k++] = it->valuedouble;
            idx[depth]++;
        }
    }
    cr_assert_eq(k, n, "fixture array has %zu values, want %zu", k, n);
}

Test(gradcheck, pytorch_fixture)
{
    char *txt = slurp("tests/fixtures/grad_check.json");
    cJSON *j = cJSON_Parse(txt);
    cr_assert_not_null(j);
    int B = (int)num(j, "B"), T = (int)num(j, "T"), N = (int)num(j, "N"), H = (int)num(j, "H"),
        C = (int)num(j, "C");
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = N;
    c.n_hidden[0] = H;
    c.n_out = C;
    c.n_steps = T;
    c.tau = -1.0 / log(num(j, "alpha"));
    c.theta = num(j, "theta");
    c.sg.shape = SGL_SG_FAST_SIGMOID;
    c.sg.gamma = num(j, "gamma");
    c.sg.beta = num(j, "beta");
    sgl_net net;
    cr_assert_eq(sgl_net_alloc(&net, &c), 0);
    cr_assert_float_eq(sgl_config_alpha(&c), num(j, "alpha"), 1e-15);
    flat(cJSON_GetObjectItem(j, "W_in"), net.layer[0].w_in, (size_t)N * H);
    flat(cJSON_GetObjectItem(j, "W_rec"), net.layer[0].w_rec, (size_t)H * H);
    flat(cJSON_GetObjectItem(j, "W_out"), net.w_out, (size_t)H * C);
    flat(cJSON_GetObjectItem(j, "b_out"), net.b_out, (size_t)C);
    sgl_net_fix_diag(&net);
    double *x = malloc(sizeof(double) * (size_t)B * T * N), *y = malloc(sizeof(double) * B);
    flat(cJSON_GetObjectItem(j, "x"), x, (size_t)B * T * N);
    flat(cJSON_GetObjectItem(j, "y"), y, (size_t)B);
    uint16_t *et = malloc(sizeof(uint16_t) * (size_t)B * T * N);
    uint16_t *eu = malloc(sizeof(uint16_t) * (size_t)B * T * N);
    sgl_sample *batch = calloc((size_t)B, sizeof *batch);
    size_t k = 0;
    for (int b = 0; b < B; b++) {
        batch[b].ev_t = et + k;
        batch[b].ev_u = eu + k;
        batch[b].label = (int)y[b];
        for (int t = 0; t < T; t++)
            for (int i = 0; i < N; i++)
                if (x[((size_t)b * T + t) * N + i] != 0) {
                    cr_assert_eq(x[((size_t)b * T + t) * N + i], 1.0);
                    et[k] = (uint16_t)t;
                    eu[k] = (uint16_t)i;
                    k++;
                    batch[b].n_ev++;
                }
    }
    sgl_work *w = sgl_work_new(&net, B, 2);
    double *g = calloc(net.n_params, sizeof(double));
    sgl_batch_stats st;
    cr_assert_eq(sgl_backward(w, &net, batch, B, NULL, g, &st), 0);
    cr_expect_float_eq(st.loss, num(j, "loss"), 1e-12, "loss %.17g vs fixture %.17g", st.loss,
                       num(j, "loss"));
    sgl_layout lay;
    sgl_net_layout(&net, &lay);
    const cJSON *gr = cJSON_GetObjectItem(j, "grads");
    struct {
        const char *name;
        size_t off, n;
    } parts[] = {{"W_in", lay.w_in[0], (size_t)N * H},
                 {"W_rec", lay.w_rec[0], (size_t)H * H},
                 {"W_out", lay.w_out, (size_t)H * C},
                 {"b_out", lay.b_out, (size_t)C}};
    double maxerr = 0, maxg = 0;
    for (size_t p = 0; p < SGL_ARRAY_LEN(parts); p++) {
        double *ref = malloc(sizeof(double) * parts[p].n);
        flat(cJSON_GetObjectItem(gr, parts[p].name), ref, parts[p].n);
        for (size_t i = 0; i < parts[p].n; i++) {
            if (p == 1 && i / (size_t)H == i % (size_t)H)
                continue; /* diagonal: not a parameter */
            double e = fabs(g[parts[p].off + i] - ref[i]);
            if (e > maxerr)
                maxerr = e;
            if (fabs(ref[i]) > maxg)
                maxg = fabs(ref[i]);
            cr_expect(e <= 1e-12, "%s[%zu]: ours %.17g, PyTorch %.17g", parts[p].name, i,
                      g[parts[p].off + i], ref[i]);
        }
        free(ref);
    }
    cr_log_info("fixture: max |grad - autograd| = %.3g (largest gradient %.3g)", maxerr, maxg);
    cr_assert(maxg > 1e-3, "fixture gradients are all tiny: the check would be vacuous");
    sgl_work_free(w);
    sgl_net_free(&net);
    free(g);
    free(batch);
    free(et);
    free(eu);
    free(x);
    free(y);
    cJSON_Delete(j);
    free(txt);
}

/* ---- finite differences in the smooth test mode ---- */

typedef struct {
    const char *what;
    sgl_reset reset;
    int alif, layers;
    double reg;
} fd_case;

static void random_batch(sgl_rng *r, int B, int T, int N, int C, sgl_sample *batch, uint16_t *et,
                         uint16_t *eu)
{
    size_t k = 0;
    for (int b = 0; b < B; b++) {
        batch[b].ev_t = et + k;
        batch[b].ev_u = eu + k;
        batch[b].n_ev = 0;
        batch[b].label = (int)sgl_rng_below(r, (uint32_t)C);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < N; i++)
                if (sgl_rng_uniform(r) < 0.3) {
                    et[k] = (uint16_t)t;
                    eu[k] = (uint16_t)i;
                    k++;
                    batch[b].n_ev++;
                }
    }
}

static double total_loss(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int B,
                         const sgl_rate_reg *reg)
{
    sgl_batch_stats st;
    cr_assert_eq(sgl_forward(w, net, batch, B, reg, NULL, NULL, &st), 0);
    return st.loss + st.reg_loss;
}

static void fd_check(const fd_case *fc)
{
    const uint64_t seed = 12345;
    const int B = 3, T = 25, N = 6, C = 3;
    sgl_rng r;
    sgl_rng_seed(&r, seed, 7);
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = N;
    c.n_layers = fc->layers;
    c.n_hidden[0] = 7;
    c.n_hidden[1] = 5;
    c.n_hidden[2] = 4;
    c.n_out = C;
    c.n_steps = T;
    c.tau = 8;
    c.reset = fc->reset;
    c.reset_grad = 1;
    c.alif = fc->alif;
    c.sg.shape = SGL_SG_SMOOTH_TEST;
    c.sg.beta = 1.0;
    sgl_net net;
    cr_assert_eq(sgl_net_alloc(&net, &c), 0);
    for (size_t i = 0; i < net.n_params; i++)
        net.params[i] = (sgl_rng_uniform(&r) - 0.3) * 0.8;
    sgl_net_fix_diag(&net);
    sgl_sample batch[3];
    uint16_t et[3 * 25 * 6], eu[3 * 25 * 6];
    random_batch(&r, B, T, N, C, batch, et, eu);
    sgl_rate_reg reg = {fc->reg, 0.1, 0};
    sgl_work *w = sgl_work_new(&net, B, 2);
    double *g = calloc(net.n_params, sizeof(double));
    sgl_batch_stats st;
    cr_assert_eq(sgl_backward(w, &net, batch, B, &reg, g, &st), 0);
    const double h = 1e-6;
    double maxrel = 0, maxg = 0;
    size_t checked = 0;
    for (size_t i = 0; i < net.n_params; i++) {
        double p0 = net.params[i];
        if (p0 == 0)
            continue; /* recurrent diagonal */
        net.params[i] = p0 + h;
        double lp = total_loss(w, &net, batch, B, &reg);
        net.params[i] = p0 - h;
        double lm = total_loss(w, &net, batch, B, &reg);
        net.params[i] = p0;
        double fd = (lp - lm) / (2 * h);
        double err = fabs(fd - g[i]);
        double rel = err / fmax(fabs(fd), 1e-6);
        if (rel > maxrel)
            maxrel = rel;
        if (fabs(g[i]) > maxg)
            maxg = fabs(g[i]);
        checked++;
        cr_expect(err <= 1e-7 + 1e-5 * fabs(fd), "%s: param %zu: BPTT %.12g, FD %.12g", fc->what,
                  i, g[i], fd);
    }
    cr_log_info("%s (seed %llu): %zu parameters, max rel. error %.2e, max |g| %.3g", fc->what,
                (unsigned long long)seed, checked, maxrel, maxg);
    cr_assert(maxg > 1e-4, "%s: all gradients tiny", fc->what);
    sgl_work_free(w);
    free(g);
    sgl_net_free(&net);
}

Test(gradcheck, fd_sub_reset) { fd_check(&(fd_case){"sub reset", SGL_RESET_SUB, 0, 1, 0}); }
Test(gradcheck, fd_mult_reset) { fd_check(&(fd_case){"mult reset", SGL_RESET_MULT, 0, 1, 0}); }
Test(gradcheck, fd_alif) { fd_check(&(fd_case){"ALIF sub", SGL_RESET_SUB, 1, 1, 0}); }
Test(gradcheck, fd_alif_mult) { fd_check(&(fd_case){"ALIF mult", SGL_RESET_MULT, 1, 1, 0}); }
Test(gradcheck, fd_two_layers) { fd_check(&(fd_case){"2 layers", SGL_RESET_SUB, 0, 2, 0}); }
Test(gradcheck, fd_three_layers_alif_reg)
{
    fd_check(&(fd_case){"3 layers ALIF + rate loss", SGL_RESET_MULT, 1, 3, 0.5});
}
Test(gradcheck, fd_rate_loss) { fd_check(&(fd_case){"rate loss", SGL_RESET_SUB, 0, 1, 2.0}); }

/* A batch large enough for every shard to step several samples together (the 4-sample path of
 * the recurrent term) gives the mean of the single-sample gradients. */
Test(gradcheck, batch_equals_mean_of_single_samples)
{
    const int B = 45, T = 30, N = 6, C = 3;
    sgl_rng r;
    sgl_rng_seed(&r, 777, 3);
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = N;
    c.n_layers = 2;
    c.n_hidden[0] = 13;
    c.n_hidden[1] = 9;
    c.n_out = C;
    c.n_steps = T;
    c.alif = 1;
    c.reset = SGL_RESET_MULT;
    c.reset_grad = 1;
    sgl_net net;
    cr_assert_eq(sgl_net_alloc(&net, &c), 0);
    for (size_t i = 0; i < net.n_params; i++)
        net.params[i] = (sgl_rng_uniform(&r) - 0.3) * 0.8;
    sgl_net_fix_diag(&net);
    sgl_sample *batch = calloc(B, sizeof *batch);
    uint16_t *et = malloc(sizeof(uint16_t) * B * T * N), *eu = malloc(sizeof(uint16_t) * B * T * N);
    random_batch(&r, B, T, N, C, batch, et, eu);
    sgl_work *w = sgl_work_new(&net, B, 2);
    double *g = calloc(net.n_params, sizeof(double)), *g1 = calloc(net.n_params, sizeof(double));
    double *mean = calloc(net.n_params, sizeof(double));
    sgl_batch_stats st;
    cr_assert_eq(sgl_backward(w, &net, batch, B, NULL, g, &st), 0);
    for (int b = 0; b < B; b++) {
        cr_assert_eq(sgl_backward(w, &net, &batch[b], 1, NULL, g1, &st), 0);
        for (size_t i = 0; i < net.n_params; i++)
            mean[i] += g1[i] / B;
    }
    double maxg = 0;
    for (size_t i = 0; i < net.n_params; i++) {
        cr_expect(fabs(g[i] - mean[i]) <= 1e-12 + 1e-10 * fabs(mean[i]), "param %zu: %.17g vs %.17g",
                  i, g[i], mean[i]);
        maxg = fmax(maxg, fabs(g[i]));
    }
    cr_assert(maxg > 1e-4);
    sgl_work_free(w);
    sgl_net_free(&net);
    free(batch);
    free(et);
    free(eu);
    free(g);
    free(g1);
    free(mean);
}
