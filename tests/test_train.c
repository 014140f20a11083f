/* SPDX-License-Identifier: MIT */
/* The training loop: bit-identical results for a seed, whatever the thread count; a run cut
 * by a stop request and resumed from its checkpoint ends with the same weights; the sparsity
 * schedule; the initial-rate pre-training; AdamW against a hand computation. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "train.h"

static const char *SPEC = "randman:samples=40,units=12,steps=40,classes=4,seed=3";

static sgl_data train_d, valid_d;
static char dir[128];

static void setup(void)
{
    cr_assert_eq(sgl_data_load(&train_d, SPEC, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&valid_d, SPEC, SGL_SPLIT_VALID), 0, "%s", sgl_errmsg());
    snprintf(dir, sizeof dir, "/tmp/sglif-test-train-%d", (int)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
    sgl_data_free(&train_d);
    sgl_data_free(&valid_d);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(train, .init = setup, .fini = teardown);

static void make_net(sgl_net *net, uint64_t seed)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = train_d.n_units;
    c.n_steps = train_d.n_steps;
    c.n_out = train_d.n_classes;
    c.n_hidden[0] = 24;
    cr_assert_eq(sgl_net_alloc(net, &c), 0);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 1);
    double m, v;
    sgl_data_input_stats(&train_d, &m, &v);
    cr_assert_eq(sgl_init_net(net, SGL_INIT_GLOROT, 0, m, v, &r, NULL), 0, "%s", sgl_errmsg());
}

typedef struct {
    int stop_after; /* batches (pre-training included), 0 = never */
    int seen;
    volatile sig_atomic_t *flag;
} stopper;

static void count_and_stop(const sgl_progress *p, void *user)
{
    (void)p;
    stopper *s = user;
    if (++s->seen == s->stop_after)
        *s->flag = 1;
}

static void opts(sgl_train_opts *o, const char *name, int threads)
{
    static char out[256];
    sgl_train_opts_default(o);
    snprintf(out, sizeof out, "%s/%s.sgl", dir, name);
    o->out = out;
    o->epochs = 4;
    o->batch = 16;
    o->lr = 5e-3;
    o->seed = 7;
    o->threads = threads;
    o->sparsity = 0.5;
    o->init_rate = 0.3;
    o->init_rate_batches = 5;
}

/* Train to the end (possibly with interruptions and resumes); return the final weights. */
static real *run(const char *name, int threads, const int *stops, int n_stops, sgl_train_result *res)
{
    sgl_net net;
    make_net(&net, 7);
    sgl_train_opts o;
    opts(&o, name, threads);
    volatile sig_atomic_t flag = 0;
    stopper st = {0, 0, &flag};
    o.stop = &flag;
    o.progress = count_and_stop;
    o.progress_user = &st;
    int k = 0, rc;
    for (;;) {
        st.stop_after = k < n_stops ? stops[k] : 0;
        st.seen = 0;
        flag = 0;
        rc = sgl_train(&net, &train_d, &valid_d, &o, res);
        if (rc != -SGL_EINTR)
            break;
        cr_assert(strstr(sgl_errmsg(), "checkpoint") != NULL);
        o.resume = 1;
        k++;
    }
    cr_assert_eq(rc, 0, "%s", sgl_errmsg());
    cr_assert_eq(k, n_stops, "expected %d interruptions, got %d", n_stops, k);
    real *w = malloc(net.n_params * sizeof(real));
    memcpy(w, net.params, net.n_params * sizeof(real));
    sgl_net_free(&net);
    return w;
}

static size_t n_params(void)
{
    sgl_net net;
    make_net(&net, 7);
    size_t n = net.n_params;
    sgl_net_free(&net);
    return n;
}

Test(train, same_seed_bit_identical_any_thread_count)
{
    sgl_train_result r1, r2;
    real *a = run("a", 1, NULL, 0, &r1);
    real *b = run("b", 2, NULL, 0, &r2);
    cr_assert_eq(memcmp(a, b, n_params() * sizeof(real)), 0, "1 and 2 threads differ");
    cr_assert_eq(r1.best_valid_acc, r2.best_valid_acc);
    free(a);
    free(b);
}

Test(train, interrupted_and_resumed_equals_uninterrupted)
{
    sgl_train_result r1, r2;
    real *a = run("full", 2, NULL, 0, &r1);
    /* stop during the initial-rate pre-training, mid-epoch, and again right at an epoch end
     * (5 pre-training batches, then 2 batches an epoch: 32 samples / 16) */
    const int stops[] = {3, 4, 2};
    real *b = run("cut", 2, stops, 3, &r2);
    cr_assert_eq(memcmp(a, b, n_params() * sizeof(real)), 0, "resumed run differs");
    cr_assert_eq(r1.best_valid_acc, r2.best_valid_acc);
    cr_assert_eq(r1.best_epoch, r2.best_epoch);
    free(a);
    free(b);
}

Test(train, resume_with_other_options_refused)
{
    sgl_net net;
    make_net(&net, 7);
    sgl_train_opts o;
    opts(&o, "opt", 2);
    sgl_train_result res;
    cr_assert_eq(sgl_train(&net, &train_d, &valid_d, &o, &res), 0, "%s", sgl_errmsg());
    o.resume = 1;
    o.lr = 1e-2;
    int rc = sgl_train(&net, &train_d, &valid_d, &o, &res);
    cr_assert_eq(rc, -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "same options") != NULL, "%s", sgl_errmsg());
    sgl_net_free(&net);
}

Test(train, different_seed_differs)
{
    sgl_net a, b;
    make_net(&a, 1);
    make_net(&b, 2);
    cr_assert_neq(memcmp(a.params, b.params, a.n_params * sizeof(real)), 0);
    sgl_net_free(&a);
    sgl_net_free(&b);
}

Test(train, sparsity_schedule)
{
    /* E = 10: 0 for e < 2, linear between 2 and 6, 1 from 6 */
    const double want[10] = {0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1};
    for (int e = 0; e < 10; e++)
        cr_assert_float_eq(sgl_sparsity_schedule(e, 10), want[e], 1e-12, "epoch %d", e);
}

Test(train, init_rate_pretraining_reaches_target)
{
    const double targets[] = {0.1, 0.6};
    for (int k = 0; k < 2; k++) {
        sgl_net net;
        make_net(&net, 7);
        sgl_train_opts o;
        opts(&o, "rate", 2);
        o.init_rate = targets[k];
        o.init_rate_batches = 300;
        o.epochs = 1;
        o.lr = 1e-9; /* leave the weights alone after the pre-training */
        o.sparsity = 0;
        sgl_train_result res;
        cr_assert_eq(sgl_train(&net, &train_d, &valid_d, &o, &res), 0, "%s", sgl_errmsg());
        double rate[SGL_MAX_LAYERS];
        cr_assert_eq(sgl_evaluate(&net, &train_d, 2, NULL, NULL, NULL, rate), 0);
        cr_log_info("initial rate target %.2f: reached %.4f (pre-training mean %.4f)", targets[k],
                    rate[0], res.init_rate_reached[0]);
        cr_expect(fabs(rate[0] - targets[k]) < 0.05, "target %.2f, rate %.4f", targets[k],
                  rate[0]);
        sgl_net_free(&net);
    }
}

Test(train, adamw_matches_hand_computation)
{
    sgl_adamw o;
    cr_assert_eq(sgl_adamw_init(&o, 2, 0.1), 0);
    o.clip = 0;
    real p[2] = {1.0f, -2.0f};
    real g1[2] = {0.5f, -0.25f}, g2[2] = {-0.1f, 0.2f};
    /* torch.optim.AdamW(lr=0.1, betas=(0.9,0.999), eps=1e-8, weight_decay=0.01), two steps */
    double want[2] = {1.0, -2.0}, m[2] = {0}, v[2] = {0};
    const real *gs[2] = {g1, g2};
    for (int k = 1; k <= 2; k++) {
        for (int i = 0; i < 2; i++) {
            double g = gs[k - 1][i];
            want[i] *= 1 - 0.1 * 0.01;
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            double mh = m[i] / (1 - pow(0.9, k)), vh = v[i] / (1 - pow(0.999, k));
            want[i] -= 0.1 * mh / (sqrt(vh) + 1e-8);
        }
        real g[2] = {gs[k - 1][0], gs[k - 1][1]};
        sgl_adamw_step(&o, p, g, NULL);
    }
    cr_assert_float_eq(p[0], want[0], 5e-6, "%.9g vs %.9g", (double)p[0], want[0]);
    cr_assert_float_eq(p[1], want[1], 5e-6, "%.9g vs %.9g", (double)p[1], want[1]);
    sgl_adamw_free(&o);
}

Test(train, clip_grad_norm)
{
    real g[3] = {3, 4, 0};
    double n = sgl_clip_grad(g, 3, 1.0);
    cr_assert_float_eq(n, 5.0, 1e-12);
    cr_assert_float_eq(sqrt(g[0] * g[0] + g[1] * g[1]), 1.0, 1e-5);
    real h[2] = {0.3f, 0.4f};
    sgl_clip_grad(h, 2, 1.0);
    cr_assert_eq(h[0], 0.3f);
}

Test(train, adamw_lr_scale_scales_the_step_only)
{
    sgl_adamw a, b;
    cr_assert_eq(sgl_adamw_init(&a, 2, 0.1), 0);
    cr_assert_eq(sgl_adamw_init(&b, 2, 0.1), 0);
    a.clip = b.clip = 0;
    const real scale[2] = {1, 0.25f};
    b.lr_scale = scale;
    real pa[2] = {1, 1}, pb[2] = {1, 1};
    real ga[2] = {0.3f, 0.3f}, gb[2] = {0.3f, 0.3f};
    sgl_adamw_step(&a, pa, ga, NULL);
    sgl_adamw_step(&b, pb, gb, NULL);
    /* first step: p (1 - lr wd) - lr * scale * sign(g) (m/sqrt(v) = 1) */
    cr_assert_float_eq(pa[1], 1 * (1 - 0.1 * 0.01) - 0.1, 1e-6);
    cr_assert_float_eq(pb[0], pa[0], 1e-7);
    cr_assert_float_eq(pb[1], 1 * (1 - 0.1 * 0.01) - 0.025, 1e-6);
    sgl_adamw_free(&a);
    sgl_adamw_free(&b);
}
