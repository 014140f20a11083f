/* SPDX-License-Identifier: MIT */
/* Suite "fixed_train": training on twin numbers (docs/numerics.md, "Training on twin numbers").
 * Stochastic rounding by hand and in the mean; the integer BPTT gradient against the float
 * BPTT (sgl_backward, cut reset); determinism; training on randman; the dequantize round trip. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "fixed_train.h"
#include "init.h"
#include "rng.h"

#define FT_FLOOR 0.40 /* twin test accuracy after training, a bit below the measured figure */

Test(fixed_train, rshift_round_by_hand)
{
    cr_expect_eq(sgl_fixed_rshift_round(5, 1), 3);   /* 2.5: ties up */
    cr_expect_eq(sgl_fixed_rshift_round(-5, 1), -2); /* -2.5: ties up */
    cr_expect_eq(sgl_fixed_rshift_round(7, 2), 2);   /* 1.75 */
    cr_expect_eq(sgl_fixed_rshift_round(-6, 2), -1); /* -1.5 */
    cr_expect_eq(sgl_fixed_rshift_round(-7, 2), -2); /* -1.75 */
    cr_expect_eq(sgl_fixed_rshift_round(3, -2), 12);
    cr_expect_eq(sgl_fixed_rshift_round(3, 0), 3);
}

/* PCG32's reference stream (pcg32-demo: seed 42, stream 54) starts 0xa15c02b7 0x7b47f409
 * 0xba1d3330 0x83d2f293 0xbfa4784b 0xcbed606e. */
Test(fixed_train, stochastic_rounding_by_hand)
{
    cr_log_info("seed 42, stream 54");
    static const uint32_t ref[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                                    0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    sgl_rng r;
    sgl_rng_seed(&r, 42, 54);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(sgl_rng_u32(&r), ref[i], "draw %d", i);
    /* -5 / 4 = -1.25: floor -2, rem 3; up iff the top 2 bits of u < 3, i.e. u < 0xc0000000:
     * true for the first five draws, false for 0xcbed606e. */
    sgl_rng_seed(&r, 42, 54);
    static const int64_t exp_neg[6] = {-1, -1, -1, -1, -1, -2};
    for (int i = 0; i < 6; i++)
        cr_expect_eq(sgl_fixed_sround(-5, 2, &r), exp_neg[i], "draw %d", i);
    /* 5 / 4 = 1.25: floor 1, rem 1; up iff u < 0x40000000: never for these six */
    sgl_rng_seed(&r, 42, 54);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(sgl_fixed_sround(5, 2, &r), 1, "draw %d", i);
    /* s <= 0 is exact but still consumes one draw: the 2nd call sees 0x7b47f409 */
    sgl_rng_seed(&r, 42, 54);
    cr_expect_eq(sgl_fixed_sround(3, -2, &r), 12);
    /* s = 34, 2nd draw 0x7b47f409: x = 2^33 + 2^32 (0.75 of 2^34): floor 0, up iff
     * u < rem >> 2 = 0xc0000000: yes */
    cr_expect_eq(sgl_fixed_sround(((int64_t)1 << 33) + ((int64_t)1 << 32), 34, &r), 1);
    /* 3rd draw 0xba1d3330; x = 0.7 of 2^34: rem >> 2 = 0xb3333333 < u: down */
    cr_expect_eq(sgl_fixed_sround((int64_t)(0.7 * 17179869184.0), 34, &r), 0);
}

Test(fixed_train, stochastic_rounding_is_unbiased)
{
    cr_log_info("seed 7, stream 1");
    sgl_rng r;
    sgl_rng_seed(&r, 7, 1);
    const int n = 200000;
    static const struct {
        int64_t x;
        int s;
    } c[] = {{7, 3}, {-1234567, 10}, {1, 20}, {-3, 1}, {((int64_t)5 << 40) + 12345, 44}};
    for (size_t k = 0; k < SGL_ARRAY_LEN(c); k++) {
        double sum = 0, want = ldexp((double)c[k].x, -c[k].s);
        int64_t lo = (int64_t)floor(want);
        for (int i = 0; i < n; i++) {
            int64_t v = sgl_fixed_sround(c[k].x, c[k].s, &r);
            cr_assert(v == lo || v == lo + 1, "case %zu: %lld not next to %g", k, (long long)v,
                      want);
            sum += (double)v;
        }
        /* binomial: sd of the mean <= 0.5 / sqrt(n) = 0.0011 */
        cr_expect(fabs(sum / n - want) < 0.005, "case %zu: mean %.5f, want %.5f", k, sum / n,
                  want);
    }
}

/* A float net (stable init, rate calibrated to 0.2) for randman with tau = -1/ln(1 - 2^-4), so
 * that the twin's decay shift 4 is exact. */
static void make_net_layers(sgl_net *net, const sgl_data *d, int hidden, int layers,
                            uint64_t seed)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = d->n_units;
    c.n_layers = layers;
    for (int l = 0; l < layers; l++)
        c.n_hidden[l] = hidden;
    c.n_out = d->n_classes;
    c.n_steps = d->n_steps;
    c.tau = -1.0 / log(1.0 - 1.0 / 16);
    cr_assert_eq(sgl_net_alloc(net, &c), 0, "%s", sgl_errmsg());
    double m, var;
    sgl_data_input_stats(d, &m, &var);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 1);
    cr_assert_eq(sgl_init_net(net, SGL_INIT_STABLE, SGL_COND_ALL, m, var, &r, NULL), 0, "%s",
                 sgl_errmsg());
    double rate[SGL_MAX_LAYERS];
    cr_assert_eq(sgl_calibrate_rate(net, d, 64, 0.2, 1, rate), 0, "%s", sgl_errmsg());
}

static void make_net(sgl_net *net, const sgl_data *d, int hidden, uint64_t seed)
{
    make_net_layers(net, d, hidden, 1, seed);
}

/* Relative L2 error of g 2^-GF / (B T) against the float gradient f, and sign agreement on the
 * entries larger than a tenth of the largest. */
static void compare(const char *name, const real *f, const int64_t *g, size_t n, double scale,
                    double max_rel)
{
    double num = 0, den = 0, fmax = 0;
    long agree = 0, big = 0;
    for (size_t i = 0; i < n; i++)
        fmax = fmax > fabs((double)f[i]) ? fmax : fabs((double)f[i]);
    for (size_t i = 0; i < n; i++) {
        double a = (double)g[i] * scale, b = (double)f[i];
        num += (a - b) * (a - b);
        den += b * b;
        if (fabs(b) > 0.1 * fmax) {
            big++;
            agree += (a > 0) == (b > 0);
        }
    }
    double rel = sqrt(num / den);
    cr_log_info("%s: relative error %.4f, signs agree on %ld of %ld", name, rel, agree, big);
    cr_expect(den > 0, "%s: float gradient is zero", name);
    cr_expect(big > 0 && agree == big, "%s: signs agree on %ld of %ld", name, agree, big);
    cr_expect(rel < max_rel, "%s: relative error %.4f >= %.3f", name, rel, max_rel);
}

/* Measured (seed 3, 16 neurons, 8 samples, theta_log2 13): relative errors W_in 0.027,
 * W_rec 0.015, bias 0.021, W_out 0.011, b_out 0.0026; signs agree on every entry above a
 * tenth of the largest. The differences come from the SG table (8-bit codes, bins of 2^9
 * membrane units) against the exact SG, and from the few spikes that the twin's floor decay
 * moves. */
Test(fixed_train, integer_gradient_matches_float_bptt)
{
    cr_log_info("seed 3");
    const char *spec = "randman:classes=4,samples=50,steps=50";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    const int N = 16, B = 8;
    sgl_net net;
    make_net(&net, &d, N, 3);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    o.theta_log2 = 13;
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(q.decay_shift, 4);
    cr_assert_eq(sgl_fixed_dequantize(&q, &net), 0, "%s", sgl_errmsg()); /* same weights */
    sgl_fixed_grad g;
    cr_assert_eq(sgl_fixed_grad_init(&g, &q, &net, 16), 0, "%s", sgl_errmsg());
    sgl_fixed_grad_zero(&g, &q);
    sgl_sample bs[8];
    for (int b = 0; b < B; b++) {
        bs[b] = sgl_data_sample(&d, b);
        cr_assert_eq(sgl_fixed_grad_sample(&g, &q, &bs[b]), 0, "%s", sgl_errmsg());
    }
    cr_expect_eq(g.saturations, 0);
    sgl_work *w = sgl_work_new(&net, B, 1);
    cr_assert(w);
    real *gr = calloc(net.n_params, sizeof *gr);
    cr_assert(gr);
    sgl_batch_stats st;
    cr_assert_eq(sgl_backward(w, &net, bs, B, NULL, gr, &st), 0, "%s", sgl_errmsg());
    const double tl = (double)g.loss * log(2.0) / 256.0 / (B * d.n_steps);
    cr_expect(fabs(tl - st.loss) < 0.01 * st.loss, "loss twin %.4f, float %.4f", tl, st.loss);
    sgl_layout lay;
    sgl_net_layout(&net, &lay);
    const double sc = 1.0 / (ldexp(1.0, 16) * B * d.n_steps);
    for (int i = 0; i < N; i++)
        cr_expect_eq(g.w_rec[0][i * N + i], 0, "W_rec diagonal %d has a gradient", i);
    compare("W_in", gr + lay.w_in[0], g.w_in[0], (size_t)N * (size_t)d.n_units, sc, 0.06);
    compare("W_rec", gr + lay.w_rec[0], g.w_rec[0], (size_t)N * N, sc, 0.05);
    compare("bias", gr + lay.bias[0], g.bias[0], (size_t)N, sc, 0.05);
    compare("W_out", gr + lay.w_out, g.w_out, (size_t)N * (size_t)d.n_classes, sc, 0.03);
    compare("b_out", gr + lay.b_out, g.b_out, (size_t)d.n_classes, sc, 0.01);
    free(gr);
    sgl_work_free(w);
    sgl_fixed_grad_free(&g);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_data_free(&d);
}

static int same_weights(const sgl_fixed_net *a, const sgl_fixed_net *b)
{
    for (int l = 0; l < a->n_layers; l++) {
        size_t n = (size_t)a->layer[l].n;
        if (memcmp(a->layer[l].w_in, b->layer[l].w_in, (size_t)a->layer[l].n_pre * n) ||
            memcmp(a->layer[l].w_rec, b->layer[l].w_rec, n * n) ||
            memcmp(a->layer[l].bias, b->layer[l].bias, n * sizeof(int16_t)))
            return 0;
    }
    size_t nl = (size_t)a->layer[a->n_layers - 1].n;
    return !memcmp(a->w_out, b->w_out, nl * (size_t)a->n_out) &&
           !memcmp(a->b_out, b->b_out, (size_t)a->n_out * sizeof(int16_t));
}

Test(fixed_train, same_seed_same_integers)
{
    cr_log_info("init seed 5, training seeds 11 and 12");
    const char *spec = "randman:classes=4,samples=20,steps=30";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    sgl_net net;
    make_net(&net, &d, 16, 5);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q0, q[3];
    cr_assert_eq(sgl_fixed_quantize(&net, &q0, &o, NULL), 0, "%s", sgl_errmsg());
    sgl_fixed_train_opts to;
    sgl_fixed_train_opts_default(&to);
    to.epochs = 2;
    to.batch = 8;
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(sgl_fixed_quantize(&net, &q[k], &o, NULL), 0, "%s", sgl_errmsg());
        to.seed = k < 2 ? 11 : 12;
        sgl_fixed_train_result res;
        cr_assert_eq(sgl_fixed_train(&q[k], &net, &d, NULL, &to, &res), 0, "%s", sgl_errmsg());
        cr_expect_eq(res.epochs_run, 2);
    }
    cr_expect(!same_weights(&q0, &q[0]), "training changed nothing");
    cr_expect(same_weights(&q[0], &q[1]), "same seed, different integers");
    cr_expect(!same_weights(&q[0], &q[2]), "different seeds, same integers");
    for (int k = 0; k < 3; k++)
        sgl_fixed_free(&q[k]);
    sgl_fixed_free(&q0);
    sgl_net_free(&net);
    sgl_data_free(&d);
}

/* Measured (init seed 3, training seed 1, 64 neurons, batch 16, the rule's defaults, 15
 * epochs): twin test accuracy 0.225 before, 0.5875 after (best valid epoch 13; chance 0.25; 80
 * test samples, so one sd of chance is 0.048). The SGD rule this one replaced reached 0.45. */
Test(fixed_train, training_on_randman_beats_chance, .timeout = 60)
{
    cr_log_info("init seed 3, training seed 1");
    const char *spec = "randman:classes=4,samples=200,steps=50";
    sgl_data tr, va, te;
    cr_assert_eq(sgl_data_load(&tr, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&va, spec, SGL_SPLIT_VALID), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&te, spec, SGL_SPLIT_TEST), 0, "%s", sgl_errmsg());
    sgl_net net;
    make_net(&net, &tr, 64, 3);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, NULL), 0, "%s", sgl_errmsg());
    double before = 0, after = 0;
    cr_assert_eq(sgl_fixed_evaluate(&q, &te, &before, NULL, NULL), 0, "%s", sgl_errmsg());
    sgl_fixed_train_opts to;
    sgl_fixed_train_opts_default(&to);
    to.epochs = 15;
    to.batch = 16;
    to.seed = 1;
    sgl_fixed_train_result res;
    cr_assert_eq(sgl_fixed_train(&q, &net, &tr, &va, &to, &res), 0, "%s", sgl_errmsg());
    int *pred = calloc((size_t)te.n_samples, sizeof *pred);
    cr_assert(pred);
    cr_assert_eq(sgl_fixed_evaluate(&q, &te, &after, pred, NULL), 0, "%s", sgl_errmsg());
    cr_log_info("twin test accuracy %.4f before, %.4f after (valid %.4f, epoch %d)", before,
                after, res.best_valid_acc, res.best_epoch);
    cr_expect(after >= FT_FLOOR, "twin test accuracy %.4f after training (floor %.2f)", after,
              FT_FLOOR);
    cr_expect(after > before + 0.15, "accuracy %.4f before, %.4f after", before, after);
    /* Round trip: the dequantized float model quantizes back to the same predictions, and to
     * the same integers up to a power of two per tensor (membrane contributions equal). */
    cr_assert_eq(sgl_fixed_dequantize(&q, &net), 0, "%s", sgl_errmsg());
    sgl_fixed_net q2;
    cr_assert_eq(sgl_fixed_quantize(&net, &q2, &o, NULL), 0, "%s", sgl_errmsg());
    cr_expect_eq(q2.theta, q.theta);
    cr_expect_eq(q2.decay_shift, q.decay_shift);
    const sgl_fixed_layer *A = &q.layer[0], *B2 = &q2.layer[0];
    long diff = 0;
    for (int i = 0; i < A->n_pre * A->n; i++)
        diff += (int64_t)A->w_in[i] * (1 << A->sh_in) != (int64_t)B2->w_in[i] * (1 << B2->sh_in);
    for (int i = 0; i < A->n * A->n; i++)
        diff += (int64_t)A->w_rec[i] * (1 << A->sh_rec) !=
                (int64_t)B2->w_rec[i] * (1 << B2->sh_rec);
    for (int i = 0; i < A->n; i++)
        diff += A->bias[i] != B2->bias[i];
    cr_expect_eq(diff, 0, "%ld membrane contributions differ after the round trip", diff);
    double acc2 = 0;
    int *pred2 = calloc((size_t)te.n_samples, sizeof *pred2);
    cr_assert(pred2);
    cr_assert_eq(sgl_fixed_evaluate(&q2, &te, &acc2, pred2, NULL), 0, "%s", sgl_errmsg());
    cr_expect(!memcmp(pred, pred2, (size_t)te.n_samples * sizeof *pred),
              "round trip changed predictions");
    free(pred);
    free(pred2);
    sgl_fixed_free(&q2);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_data_free(&tr);
    sgl_data_free(&va);
    sgl_data_free(&te);
}

/* The runs of the stop-and-resume tests: randman:classes=4,samples=20,steps=30 (80 training
 * samples), a net of 16 hidden neurons (init seed 5), training seed 3, batch 16 (5 batches an
 * epoch), E epochs; full: the twin's uninterrupted run, res its result; path: a checkpoint. */
typedef struct {
    sgl_data d, v;
    sgl_net net;
    sgl_fixed_opts o;
    sgl_fixed_train_opts to;
    sgl_fixed_net full;
    sgl_fixed_train_result res;
    char path[32];
} ft_run;

static void ft_run_init(ft_run *r, int epochs)
{
    const char *spec = "randman:classes=4,samples=20,steps=30";
    cr_assert_eq(sgl_data_load(&r->d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&r->v, spec, SGL_SPLIT_VALID), 0, "%s", sgl_errmsg());
    make_net(&r->net, &r->d, 16, 5);
    sgl_fixed_opts_default(&r->o);
    sgl_fixed_train_opts_default(&r->to);
    r->to.epochs = epochs;
    r->to.batch = 16;
    r->to.seed = 3;
    cr_assert_eq(sgl_fixed_quantize(&r->net, &r->full, &r->o, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_train(&r->full, &r->net, &r->d, &r->v, &r->to, &r->res), 0, "%s",
                 sgl_errmsg());
    snprintf(r->path, sizeof r->path, "/tmp/sglif-ft-ckpt-XXXXXX");
    int fd = mkstemp(r->path);
    cr_assert(fd >= 0);
    close(fd);
}

static void ft_run_free(ft_run *r)
{
    unlink(r->path);
    sgl_fixed_free(&r->full);
    sgl_net_free(&r->net);
    sgl_data_free(&r->d);
    sgl_data_free(&r->v);
}

/* The stop flag, set from the progress hook after `after` batches. */
typedef struct {
    int after, seen;
    volatile sig_atomic_t *stop;
} stop_after;

static void stop_cb(const sgl_progress *p, void *user)
{
    (void)p;
    stop_after *s = user;
    if (++s->seen == s->after)
        *s->stop = 1;
}

/* r's run with the hooks h (checkpoint r->path), from the start's net as the command line
 * runs it: stopped after `after` batches (-SGL_EINTR, a checkpoint saved). */
static void ft_run_stopped(ft_run *r, sgl_fixed_train_hooks *h, int after)
{
    volatile sig_atomic_t stop = 0;
    stop_after sa = {after, 0, &stop};
    sgl_fixed_net q;
    sgl_fixed_train_result res;
    h->checkpoint = r->path;
    h->resume = 0;
    h->stop = &stop;
    h->progress = stop_cb;
    h->progress_user = &sa;
    cr_assert_eq(sgl_fixed_quantize(&r->net, &q, &r->o, NULL), 0, "%s", sgl_errmsg());
    int rc = sgl_fixed_train_run(&q, &r->net, &r->d, &r->v, &r->to, h, &res);
    cr_assert_eq(rc, -SGL_EINTR, "stop after %d batches: rc %d (%s)", after, rc, sgl_errmsg());
    h->stop = NULL;
    h->progress = NULL;
    h->progress_user = NULL;
    sgl_fixed_free(&q);
}

/* ... then resumed from the checkpoint with the hooks h: the uninterrupted run's integers. */
static void ft_run_resumed(ft_run *r, sgl_fixed_train_hooks *h, const char *what, int after)
{
    sgl_fixed_net q;
    sgl_fixed_train_result res;
    h->checkpoint = r->path;
    h->resume = 1;
    cr_assert_eq(sgl_fixed_quantize(&r->net, &q, &r->o, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_train_run(&q, &r->net, &r->d, &r->v, &r->to, h, &res), 0, "%s",
                 sgl_errmsg());
    cr_expect(same_weights(&q, &r->full), "%s, stopped after %d batches and resumed: other "
              "integers than the uninterrupted run's", what, after);
    sgl_fixed_free(&q);
}

/* Interrupt a run at a batch boundary, resume it from its checkpoint, and compare with an
 * uninterrupted run: the same integers, for stops inside an epoch and at an epoch's end; a
 * checkpoint of another start is refused, a damaged one too. */
Test(fixed_train, resume_gives_the_same_integers, .timeout = 60)
{
    cr_log_info("init seed 5, training seed 3; 2 epochs of 5 batches; stops after 3, 5, 7");
    ft_run r;
    ft_run_init(&r, 2);
    static const int stops[] = {3, 5, 7};
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
        sgl_fixed_train_hooks h = {0};
        ft_run_stopped(&r, &h, stops[k]);
        ft_run_resumed(&r, &h, "the twin", stops[k]);
    }
    /* another start (other training seed): refused by the fingerprint */
    sgl_fixed_net q;
    sgl_fixed_train_result res;
    r.to.seed = 4;
    sgl_fixed_train_hooks h = {0};
    h.checkpoint = r.path;
    h.resume = 1;
    cr_assert_eq(sgl_fixed_quantize(&r.net, &q, &r.o, NULL), 0, "%s", sgl_errmsg());
    cr_expect_eq(sgl_fixed_train_run(&q, &r.net, &r.d, &r.v, &r.to, &h, &res), -SGL_EUSAGE);
    cr_expect(strstr(sgl_errmsg(), "another start") != NULL, "%s", sgl_errmsg());
    /* a flipped byte: the file's CRC refuses it */
    r.to.seed = 3;
    FILE *f = fopen(r.path, "r+b");
    cr_assert(f);
    fseek(f, 100, SEEK_SET);
    int c = fgetc(f);
    fseek(f, 100, SEEK_SET);
    fputc(c ^ 0x10, f);
    fclose(f);
    cr_expect_lt(sgl_fixed_train_run(&q, &r.net, &r.d, &r.v, &r.to, &h, &res), 0);
    cr_log_info("damaged checkpoint: %s", sgl_errmsg());
    sgl_fixed_free(&q);
    ft_run_free(&r);
}

/* The integer softmax error against the float softmax: random readout sums (2 to 20 classes,
 * spreads up to 40 float units, out_frac 0 to 12), every class within 0.3 % of the float
 * probability plus 3 LSBs of 2^-16 (the shift of a small term truncates up to one unit of
 * 2^-15), the errors summing to 0 within C LSBs, and the integer cross-entropy within 0.01 bit
 * of the float one (where the label is less than 30 float units below the largest logit). */
Test(fixed_train, softmax_error_against_float)
{
    cr_log_info("seed 9, stream 2; 20000 vectors");
    sgl_rng r;
    sgl_rng_seed(&r, 9, 2);
    const int GF = 16;
    double worst_rel = 0, worst_abs = 0, worst_ce = 0;
    for (int k = 0; k < 20000; k++) {
        int C = 2 + (int)(sgl_rng_u32(&r) % 19), of = (int)(sgl_rng_u32(&r) % 13);
        double spread = 40.0 * (sgl_rng_u32(&r) / 4294967296.0);
        int32_t acc[20], err[20];
        double lg[20], mx = -HUGE_VAL, se = 0;
        int label = (int)(sgl_rng_u32(&r) % (uint32_t)C);
        for (int c = 0; c < C; c++) {
            acc[c] = (int32_t)lround(ldexp(spread * (sgl_rng_u32(&r) / 4294967296.0 - 0.5), of));
            lg[c] = ldexp((double)acc[c], -of);
            mx = lg[c] > mx ? lg[c] : mx;
        }
        for (int c = 0; c < C; c++)
            se += exp(lg[c] - mx);
        int64_t ce = sgl_fixed_softmax_error(acc, C, of, label, GF, err);
        double ce_f = (log(se) - (lg[label] - mx)) / log(2.0), sum = 0;
        if (mx - lg[label] < 30) /* beyond 32 float units the exponent is clamped */
            worst_ce = fmax(worst_ce, fabs((double)ce / 256.0 - ce_f));
        for (int c = 0; c < C; c++) {
            double p = exp(lg[c] - mx) / se;
            double pi = (double)(err[c] + (c == label ? 1 << GF : 0));
            double d = fabs(pi - ldexp(p, GF));
            cr_assert(d <= 0.003 * ldexp(p, GF) + 3, "C %d out_frac %d class %d: p %.6f, integer "
                      "%.0f of 2^16", C, of, c, p, pi);
            if (p > 1e-3)
                worst_rel = fmax(worst_rel, d / ldexp(p, GF));
            worst_abs = fmax(worst_abs, d);
            sum += err[c];
        }
        cr_assert(fabs(sum) <= C, "errors sum to %.0f", sum);
    }
    cr_log_info("worst: %.5f relative (p > 0.001), %.2f LSB absolute, CE %.4f bit", worst_rel,
                worst_abs, worst_ce);
    cr_expect(worst_ce < 0.01, "cross-entropy off by %.4f bit", worst_ce);
}

/* The batch's samples run on any number of threads: the integers are the same (sums of
 * integers do not depend on their order). */
Test(fixed_train, threads_give_the_same_integers, .timeout = 60)
{
    cr_log_info("init seed 5, training seed 11; 1, 2 and 3 threads");
    const char *spec = "randman:classes=4,samples=20,steps=30";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    sgl_net net;
    make_net(&net, &d, 24, 5);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q[3];
    sgl_fixed_train_opts to;
    sgl_fixed_train_opts_default(&to);
    to.epochs = 2;
    to.batch = 8;
    to.seed = 11;
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(sgl_fixed_quantize(&net, &q[k], &o, NULL), 0, "%s", sgl_errmsg());
        to.threads = k + 1;
        sgl_fixed_train_result res;
        cr_assert_eq(sgl_fixed_train(&q[k], &net, &d, NULL, &to, &res), 0, "%s", sgl_errmsg());
    }
    cr_expect(same_weights(&q[0], &q[1]), "1 and 2 threads differ");
    cr_expect(same_weights(&q[0], &q[2]), "1 and 3 threads differ");
    for (int k = 0; k < 3; k++)
        sgl_fixed_free(&q[k]);
    sgl_net_free(&net);
    sgl_data_free(&d);
}

/* The update by hand on a 1 -> 2 -> 2 net: one tensor's normalization, momentum, sign step,
 * stochastic rounding and clamp, and the counters: a master at its top clamps (counted), the
 * W_rec diagonal stays 0. */
Test(fixed_train, update_by_hand_and_clamp_counter)
{
    int nh[1] = {2};
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_alloc(&q, 1, 1, nh, 2, 4, 8), 0, "%s", sgl_errmsg());
    q.theta = 1024;
    q.v_frac = 10;
    q.decay_shift = 4;
    q.out_frac = 8;
    q.sg_bits = 8;
    q.sg_shift = 7;
    q.sg_lo = -(8 << 7) / 2;
    q.layer[0].sh_in = 2; /* e = 8 */
    q.layer[0].sh_rec = 2;
    q.layer[0].w_in[0] = 127; /* its master sits at the top: a step up clamps */
    q.layer[0].w_in[1] = -5;
    sgl_fixed_master m;
    cr_assert_eq(sgl_fixed_master_init(&m, &q), 0, "%s", sgl_errmsg());
    cr_expect_eq(m.w_in[0][0], 127 * 256 + 128);
    cr_expect_eq(m.w_in[0][1], -5 * 256 + 128);
    sgl_fixed_grad g;
    cr_assert_eq(sgl_fixed_grad_init(&g, &q, NULL, 16), 0, "%s", sgl_errmsg());
    sgl_fixed_grad_zero(&g, &q);
    /* W_in is 1 x 2: each unit's RMS is |G| itself, gn = +-2^12, c = +-2^9 (momentum 0):
     * unit 0 (G < 0) steps up, unit 1 (G > 0) down, by lr 2^-16 float = lr 2^(8 + 8 - 16) =
     * lr master units (e = 10 - 2 = 8): exact, no rounding. */
    g.w_in[0][0] = -1000;
    g.w_in[0][1] = 3;
    g.w_rec[0][1] = 77; /* W_rec [j][i]: 0 -> 1 */
    g.w_rec[0][0] = 5;  /* the diagonal: never written */
    sgl_fixed_train_opts o;
    sgl_fixed_train_opts_default(&o);
    o.wd_shift = 0; /* the sign step alone; the decay below */
    sgl_rng r;
    sgl_rng_seed(&r, 1, 1);
    sgl_fixed_update(&q, &m, &g, &o, 300, &r);
    cr_expect_eq(m.w_in[0][0], 127 * 256 + 255, "clamped at the top: %d", m.w_in[0][0]);
    cr_expect_eq(q.layer[0].w_in[0], 127);
    cr_expect_eq(m.w_in[0][1], -5 * 256 + 128 - 300, "%d", m.w_in[0][1]);
    cr_expect_eq(q.layer[0].w_in[1], -6); /* asr(-1452, 8) = floor(-5.67) */
    cr_expect_eq(m.w_clamped, 1);
    /* the momentum: M = rnd(gn, 6) = -64 and 64 */
    cr_expect_eq(m.m_in[0][0], -64);
    cr_expect_eq(m.m_in[0][1], 64);
    cr_expect_eq(q.layer[0].w_rec[0], 0, "diagonal written");
    cr_expect_eq(m.w_rec[0][0], 128);
    /* W_rec (e 8, ks 4): a step of 300 2^-4 = 18.75 master units, rounded stochastically
     * to 18 or 19, down for entry 0 -> 1 */
    int d = 128 - m.w_rec[0][1];
    cr_expect(d == 18 || d == 19, "W_rec step %d", d);
    /* The decay (wd_shift 4), alone: gradients and momenta 0, so c = 0 and a weight's step
     * is sround(lr_t m 2^(D - 16 - 4), D) with D = max(S, 20) = 20 (W_in: S = 8 - 8 + 0):
     * lr_t = 2^14 takes m / 64 off, exactly for m = -1280; biases do not decay. */
    sgl_fixed_grad_zero(&g, &q);
    memset(m.m_in[0], 0, 2 * sizeof(int16_t));
    memset(m.m_rec[0], 0, 4 * sizeof(int16_t));
    memset(m.m_bias[0], 0, 2 * sizeof(int16_t));
    m.w_in[0][1] = -1280;
    m.bias[0][0] = 5000;
    o.wd_shift = 4;
    cr_expect_eq(sgl_fixed_step_shift(8, 0), 0);
    cr_expect_eq(sgl_fixed_step_shift(10, 4), 2);
    sgl_fixed_update(&q, &m, &g, &o, 1 << 14, &r);
    cr_expect_eq(m.w_in[0][1], -1260, "decayed to %d", m.w_in[0][1]);
    cr_expect_eq(q.layer[0].w_in[1], -5);
    cr_expect_eq(m.bias[0][0], 5000, "a bias decayed: %d", m.bias[0][0]);
    sgl_fixed_master_free(&m);
    sgl_fixed_grad_free(&g);
    sgl_fixed_free(&q);
}

/* A board that runs the whole rule itself, in software: its own weights, masters, momenta,
 * gradient sums and rounding stream, reached only through the hooks sample, step, load and
 * sync (as `sglif device train`'s engine path reaches the RTL's). The trainer's own masters
 * and stream go stale between syncs, so a missed sync shows in the result. */
typedef struct {
    sgl_fixed_net q; /* the board's forward weights */
    sgl_fixed_master m;
    sgl_fixed_grad g;
    sgl_fixed_train_opts o;
    sgl_rng r;
    long samples, steps, loads, syncs, clamped0;
} soft_engine;

static void master_copy(sgl_fixed_master *d, const sgl_fixed_master *s, const sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n, nin = (size_t)q->layer[l].n_pre * n;
        memcpy(d->w_in[l], s->w_in[l], nin * 2);
        memcpy(d->m_in[l], s->m_in[l], nin * 2);
        memcpy(d->w_rec[l], s->w_rec[l], n * n * 2);
        memcpy(d->m_rec[l], s->m_rec[l], n * n * 2);
        memcpy(d->bias[l], s->bias[l], n * 4);
        memcpy(d->m_bias[l], s->m_bias[l], n * 2);
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    memcpy(d->w_out, s->w_out, nout * 2);
    memcpy(d->m_out, s->m_out, nout * 2);
    memcpy(d->b_out, s->b_out, (size_t)q->n_out * 4);
    memcpy(d->m_bout, s->m_bout, (size_t)q->n_out * 2);
}

static int se_sample(void *ctx, const sgl_fixed_net *q, const sgl_sample *s)
{
    (void)q; /* the board forwards on its own weights */
    soft_engine *e = ctx;
    e->samples++;
    return sgl_fixed_grad_sample(&e->g, &e->q, s);
}

static int se_step(void *ctx, int32_t lr_t, sgl_fixed_batch_counts *bc)
{
    soft_engine *e = ctx;
    e->steps++;
    sgl_fixed_update(&e->q, &e->m, &e->g, &e->o, lr_t, &e->r);
    bc->correct = e->g.correct;
    bc->saturations = e->g.saturations;
    bc->clamped = e->m.w_clamped - e->clamped0;
    e->clamped0 = e->m.w_clamped;
    sgl_fixed_grad_zero(&e->g, &e->q);
    return 0;
}

static int se_load(void *ctx, const sgl_fixed_net *q, const sgl_fixed_master *m, const sgl_rng *r,
                   const sgl_fixed_grad *g, const sgl_fixed_train_opts *o)
{
    soft_engine *e = ctx;
    e->loads++;
    int rc = sgl_fixed_master_init(&e->m, q);
    if (!rc)
        rc = sgl_fixed_grad_init(&e->g, q, NULL, g->grad_frac);
    if (rc)
        return rc;
    for (int l = 0; l < q->n_layers; l++)
        memcpy(e->g.gamma_q[l], g->gamma_q[l], (size_t)q->layer[l].n * sizeof(int32_t));
    master_copy(&e->m, m, q);
    sgl_fixed_master_weights(&e->q, &e->m);
    e->r = *r;
    e->o = *o;
    e->clamped0 = e->m.w_clamped = 0;
    return 0;
}

static int se_sync(void *ctx, sgl_fixed_net *q, sgl_fixed_master *m, sgl_rng *r)
{
    soft_engine *e = ctx;
    e->syncs++;
    master_copy(m, &e->m, q);
    *r = e->r;
    sgl_fixed_master_weights(q, m);
    return 0;
}

static void se_hooks(soft_engine *e, sgl_fixed_train_hooks *h, const sgl_net *net)
{
    memset(e, 0, sizeof *e);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    cr_assert_eq(sgl_fixed_quantize(net, &e->q, &o, NULL), 0, "%s", sgl_errmsg());
    h->sample = se_sample;
    h->step = se_step;
    h->load = se_load;
    h->sync = se_sync;
    h->ctx = e;
}

static void se_free(soft_engine *e)
{
    sgl_fixed_free(&e->q);
    sgl_fixed_master_free(&e->m);
    sgl_fixed_grad_free(&e->g);
}

/* The hooks of a board that runs the rule (sample, step, load, sync) give the twin's integers
 * bit for bit, with validation (the best epoch's weights) and after a stop and a resume (the
 * board's state read back into the checkpoint and written again), and the trainer's counts
 * (accuracy, clamps) are the twin's. */
Test(fixed_train, engine_hooks_give_the_twins_integers, .timeout = 60)
{
    cr_log_info("init seed 5, training seed 3; 3 epochs of 5 batches; stops after 4 and 10");
    ft_run r;
    ft_run_init(&r, 3);
    const sgl_fixed_train_result *rt = &r.res;
    sgl_fixed_net q;
    sgl_fixed_train_result re;
    soft_engine e;
    sgl_fixed_train_hooks h = {0};
    se_hooks(&e, &h, &r.net);
    cr_assert_eq(sgl_fixed_quantize(&r.net, &q, &r.o, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_train_run(&q, &r.net, &r.d, &r.v, &r.to, &h, &re), 0, "%s",
                 sgl_errmsg());
    cr_expect(same_weights(&q, &r.full), "the engine's hooks: other integers than the twin's");
    const int nbat = (r.d.n_samples + 15) / 16;
    cr_expect_eq(e.samples, 3 * r.d.n_samples);
    cr_expect_eq(e.steps, 3 * nbat);
    cr_expect_eq(e.loads, 1);
    cr_expect_eq(e.syncs, 3, "one sync an epoch (no checkpoint): %ld", e.syncs);
    cr_expect_eq(re.best_epoch, rt->best_epoch);
    cr_expect_eq(re.best_valid_acc, rt->best_valid_acc);
    cr_expect_eq(re.final_train_acc, rt->final_train_acc);
    cr_expect_eq(re.w_clamped, rt->w_clamped);
    cr_expect_eq(re.grad_saturations, rt->grad_saturations);
    cr_log_info("twin and engine hooks: best epoch %d, valid %.4f, train acc %.4f, %ld clamps",
                rt->best_epoch + 1, rt->best_valid_acc, rt->final_train_acc, rt->w_clamped);
    se_free(&e);
    sgl_fixed_free(&q);
    static const int stops[] = {4, 10};
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
        sgl_fixed_train_hooks hs = {0};
        se_hooks(&e, &hs, &r.net);
        hs.checkpoint_secs = 1e-6; /* a checkpoint after every batch: a sync each */
        ft_run_stopped(&r, &hs, stops[k]);
        cr_expect_geq(e.syncs, stops[k], "a sync before every checkpoint: %ld", e.syncs);
        se_free(&e);
        /* a new board (its state lost): the checkpoint's state is written into it */
        se_hooks(&e, &hs, &r.net);
        ft_run_resumed(&r, &hs, "the engine's hooks", stops[k]);
        cr_expect_eq(e.samples, 3 * r.d.n_samples - stops[k] * 16);
        se_free(&e);
    }
    ft_run_free(&r);
}

/* ---- truncated windows (docs/numerics.md, "Samples longer than the history") ---- */

/* Every gradient sum of a and b equal (same net q). */
static int same_grads(const sgl_fixed_grad *a, const sgl_fixed_grad *b, const sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n, nin = (size_t)q->layer[l].n_pre * n;
        if (memcmp(a->w_in[l], b->w_in[l], nin * sizeof(int64_t)) ||
            memcmp(a->w_rec[l], b->w_rec[l], n * n * sizeof(int64_t)) ||
            memcmp(a->bias[l], b->bias[l], n * sizeof(int64_t)))
            return 0;
    }
    size_t nl = (size_t)q->layer[q->n_layers - 1].n, C = (size_t)q->n_out;
    return !memcmp(a->w_out, b->w_out, nl * C * sizeof(int64_t)) &&
           !memcmp(a->b_out, b->b_out, C * sizeof(int64_t)) && a->loss == b->loss &&
           a->saturations == b->saturations;
}

/* By hand: 1 input, 2 neurons, 2 classes, T = 4, windows of 2. k = 1 (decay(x) = x -
 * floor(x / 2)), s_rec = v_frac - sh_rec = 0, out_frac 0, codes 1 and gamma_q 2^24 (the SG
 * product is gz itself), W_out rows {0, 0} and {1, -1}, b_out 0, W_rec[0][1] = 1, W_rec[1][0] =
 * 2, label 0. Neuron 0 spikes at t = 0 and 1 (its W_out row is 0, so every step's readout is
 * {0, 0} and e_t = {-32768, 32768}), input events at t = 0 and 3. Then gz_1 = -65536 + 2
 * gv_(t+1)[0], gz_0 = gv_(t+1)[1], gv_t = gz + decay(gv_(t+1)):
 *   whole sample: gv_3 = {0, -65536}, gv_2 = {-65536, -98304}, gv_1 = {-131072, -245760},
 *                 gv_0 = {-311296, -450560};
 *   windows [0, 2), [2, 4): gv_3, gv_2 as above, gv_1 = {0, -65536} (g^v = 0 at the window's
 *                 end), gv_0 = {-65536, -98304};
 * dbias = sum_t gv_t, dW_in[0] = gv_0 + gv_3, dW_rec[0][1] = gv_1[1] + gv_2[1] (z0 at t = 0,
 * 1), in windows gv_1[1] alone (t = 2 is a window's first step); W_out and b_out: the same. */
static uint8_t hand_z[4 * 2] = {1, 0, 1, 0, 0, 0, 0, 0};
static uint16_t hand_code[4 * 2] = {1, 1, 1, 1, 1, 1, 1, 1};
static const uint16_t hand_ev_t[2] = {0, 3}, hand_ev_u[2] = {0, 0};

static void hand_net(sgl_fixed_net *q)
{
    const int n = 2;
    cr_assert_eq(sgl_fixed_alloc(q, 1, 1, &n, 2, 4, 2), 0, "%s", sgl_errmsg());
    q->decay_shift = 1;
    q->layer[0].sh_rec = q->v_frac;
    q->out_frac = 0;
    q->layer[0].w_rec[0 * 2 + 1] = 1;
    q->layer[0].w_rec[1 * 2 + 0] = 2;
    q->w_out[1 * 2 + 0] = 1;
    q->w_out[1 * 2 + 1] = -1;
}

Test(fixed_train, windows_by_hand)
{
    sgl_fixed_net q;
    hand_net(&q);
    sgl_fixed_trace tr = {{hand_z}, {hand_code}};
    sgl_sample s = {2, hand_ev_t, hand_ev_u, 0};
    static const struct {
        int window;
        int64_t bias[2], w_in[2], w_rec01, w_out[4], b_out[2];
    } want[] = {
        {0, {-507904, -860160}, {-311296, -516096}, -344064, {-65536, 65536, 0, 0},
         {-131072, 131072}},
        {4, {-507904, -860160}, {-311296, -516096}, -344064, {-65536, 65536, 0, 0},
         {-131072, 131072}},
        {2, {-131072, -327680}, {-65536, -163840}, -65536, {-65536, 65536, 0, 0},
         {-131072, 131072}},
    };
    for (size_t k = 0; k < SGL_ARRAY_LEN(want); k++) {
        sgl_fixed_grad g;
        cr_assert_eq(sgl_fixed_grad_init(&g, &q, NULL, 16), 0, "%s", sgl_errmsg());
        g.gamma_q[0][0] = g.gamma_q[0][1] = 1 << 24;
        g.window = want[k].window;
        sgl_fixed_grad_zero(&g, &q);
        cr_assert_eq(sgl_fixed_grad_backward(&g, &q, &s, &tr, 0), 0, "%s", sgl_errmsg());
        for (int i = 0; i < 2; i++) {
            cr_expect_eq(g.bias[0][i], want[k].bias[i], "window %d: dbias[%d] %lld",
                         want[k].window, i, (long long)g.bias[0][i]);
            cr_expect_eq(g.w_in[0][i], want[k].w_in[i], "window %d: dW_in[0][%d] %lld",
                         want[k].window, i, (long long)g.w_in[0][i]);
            cr_expect_eq(g.b_out[i], want[k].b_out[i], "window %d: db_out[%d]", want[k].window,
                         i);
        }
        for (int i = 0; i < 4; i++)
            cr_expect_eq(g.w_out[i], want[k].w_out[i], "window %d: dW_out %d", want[k].window,
                         i);
        cr_expect_eq(g.w_rec[0][1], want[k].w_rec01, "window %d: dW_rec[0][1] %lld",
                     want[k].window, (long long)g.w_rec[0][1]);
        cr_expect_eq(g.w_rec[0][0] | g.w_rec[0][2] | g.w_rec[0][3], 0, "window %d: dW_rec",
                     want[k].window);
        cr_expect_eq(g.saturations, 0);
        sgl_fixed_grad_free(&g);
    }
    sgl_fixed_free(&q);
}

/* The clamp of gz and gv to int24, by hand: the net above with W_out row 1 = {127, -127} and
 * GF 20 (e_t = {-2^19, 2^19}): gz_1 = -127 2^20 - ... is clamped to -2^23 at every step (4
 * clamps), and gv_t[1] = -2^23 + decay(-2^23) = -2^23 - 2^22 at t = 2, 1, 0 (3); gz_0 =
 * gv_(t+1)[1] = -2^23 exactly (no clamp), gv_2[0] = -2^23, gv_1[0] and gv_0[0] are clamped (2):
 * 9 clamps, dbias = {3 (-2^23), 4 (-2^23)}. With the int32 clamp nothing clamps (|gz| <
 * 2^28). */
Test(fixed_train, backward_clamps_to_int24_by_hand)
{
    cr_assert_eq(SGL_FT_GV_BITS, 24);
    sgl_fixed_net q;
    hand_net(&q);
    q.w_out[1 * 2 + 0] = 127;
    q.w_out[1 * 2 + 1] = -127;
    sgl_fixed_trace tr = {{hand_z}, {hand_code}};
    sgl_sample s = {2, hand_ev_t, hand_ev_u, 0};
    sgl_fixed_grad g;
    cr_assert_eq(sgl_fixed_grad_init(&g, &q, NULL, 20), 0, "%s", sgl_errmsg());
    g.gamma_q[0][0] = g.gamma_q[0][1] = 1 << 24;
    sgl_fixed_grad_zero(&g, &q);
    cr_assert_eq(sgl_fixed_grad_backward(&g, &q, &s, &tr, 0), 0, "%s", sgl_errmsg());
    cr_expect_eq(g.saturations, 9, "%ld clamps", g.saturations);
    cr_expect_eq(g.bias[0][0], -3 * 8388608LL, "dbias[0] %lld", (long long)g.bias[0][0]);
    cr_expect_eq(g.bias[0][1], -4 * 8388608LL, "dbias[1] %lld", (long long)g.bias[0][1]);
    sgl_fixed_grad_free(&g);
    sgl_fixed_free(&q);
}

/* A reference of one layer's windowed backward written from the docs, one value at a time
 * (errors from sgl_fixed_softmax_error): sums added to w_in, w_rec, bias, w_out, b_out. */
static int64_t ref_clamp(int64_t x, long *sat)
{
    const int64_t hi = ((int64_t)1 << (SGL_FT_GV_BITS - 1)) - 1;
    *sat += x > hi || x < -hi - 1;
    return x > hi ? hi : x < -hi - 1 ? -hi - 1 : x;
}

static void ref_windows(const sgl_fixed_net *q, const sgl_sample *s, const uint8_t *z,
                        const uint16_t *code, const int32_t *gamma, int GF, int W, int64_t *w_in,
                        int64_t *w_rec, int64_t *bias, int64_t *w_out, int64_t *b_out,
                        long *sat)
{
    const sgl_fixed_layer *L = &q->layer[0];
    const int n = L->n, C = q->n_out, T = q->n_steps;
    int64_t gv[64], gvn[64];
    int32_t acc[16], e[16];
    cr_assert(n <= 64 && C <= 16);
    for (int w0 = 0; w0 < T; w0 += W) {
        const int w1 = w0 + W < T ? w0 + W : T;
        for (int t = w1 - 1; t >= w0; t--) {
            const uint8_t *zt = z + (size_t)t * n;
            for (int c = 0; c < C; c++) {
                acc[c] = q->b_out[c];
                for (int i = 0; i < n; i++)
                    acc[c] += zt[i] ? q->w_out[i * C + c] : 0;
            }
            sgl_fixed_softmax_error(acc, C, q->out_frac, s->label, GF, e);
            for (int c = 0; c < C; c++) {
                b_out[c] += e[c];
                for (int i = 0; i < n; i++)
                    w_out[i * C + c] += zt[i] ? e[c] : 0;
            }
            for (int i = 0; i < n; i++) {
                int64_t a = 0, cd = code[(size_t)t * n + i];
                if (cd) {
                    int64_t d = 0, r = 0;
                    for (int c = 0; c < C; c++)
                        d += (int64_t)q->w_out[i * C + c] * e[c];
                    for (int j = 0; j < n && t + 1 < w1; j++)
                        r += (int64_t)L->w_rec[i * n + j] * gvn[j];
                    int64_t gz = sgl_fixed_rshift_round(d, q->out_frac) +
                                 (t + 1 < w1 ? sgl_fixed_rshift_round(r, q->v_frac - L->sh_rec)
                                             : 0);
                    gz = ref_clamp(gz, sat);
                    a = sgl_fixed_rshift_round(gz * cd * gamma[i], SGL_FT_GAMMA_FRAC);
                }
                if (t + 1 < w1 && !(q->reset == SGL_RESET_MULT && zt[i]))
                    a += gvn[i] - (gvn[i] >= 0 ? gvn[i] / (1 << q->decay_shift)
                                               : -((-gvn[i] + (1 << q->decay_shift) - 1) /
                                                   (1 << q->decay_shift)));
                gv[i] = ref_clamp(a, sat);
            }
            for (int i = 0; i < n; i++)
                bias[i] += gv[i];
            for (int k = 0; k < s->n_ev; k++)
                for (int i = 0; i < n && s->ev_t[k] == t; i++)
                    w_in[(size_t)s->ev_u[k] * n + i] += gv[i];
            for (int j = 0; j < n && t > w0; j++)
                for (int i = 0; i < n && z[(size_t)(t - 1) * n + j]; i++)
                    w_rec[j * n + i] += i == j ? 0 : gv[i];
            memcpy(gvn, gv, sizeof gv);
        }
    }
}

/* Random nets (randman, calibrated to rate 0.2, theta_log2 13), 8 samples each: window 0, T
 * and T + 3 give the same integers; a window W < T (1, 7, 13, T - 1) gives the one-layer
 * reference's sums above, and, for one and two layers and both resets, the sum of the
 * windows' gradients each computed on its own as a sample of W steps (the window's events
 * moved to its start, the trace's rows of its steps) with no window. */
Test(fixed_train, windows_against_a_reference, .timeout = 60)
{
    cr_log_info("init seeds 2, 3");
    const char *spec = "randman:classes=4,samples=20,steps=40";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    const int T = d.n_steps, N = 24, B = 8;
    const int windows[] = {1, 7, 13, T - 1};
    long compared = 0, differ = 0;
    for (int layers = 1; layers <= 2; layers++)
        for (int reset = 0; reset < 2; reset++) {
            sgl_net net;
            make_net_layers(&net, &d, N, layers, 2 + (uint64_t)layers);
            sgl_fixed_opts o;
            sgl_fixed_opts_default(&o);
            o.theta_log2 = 13;
            sgl_fixed_net q;
            cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, NULL), 0, "%s", sgl_errmsg());
            q.reset = reset ? SGL_RESET_MULT : SGL_RESET_SUB;
            sgl_fixed_grad g0, g;
            cr_assert_eq(sgl_fixed_grad_init(&g0, &q, &net, 16), 0, "%s", sgl_errmsg());
            cr_assert_eq(sgl_fixed_grad_init(&g, &q, &net, 16), 0, "%s", sgl_errmsg());
            sgl_fixed_grad_zero(&g0, &q);
            for (int b = 0; b < B; b++) {
                sgl_sample s = sgl_data_sample(&d, b);
                cr_assert_eq(sgl_fixed_grad_sample(&g0, &q, &s), 0, "%s", sgl_errmsg());
            }
            const int whole[] = {T, T + 3};
            for (size_t k = 0; k < SGL_ARRAY_LEN(whole); k++) {
                g.window = whole[k];
                sgl_fixed_grad_zero(&g, &q);
                for (int b = 0; b < B; b++) {
                    sgl_sample s = sgl_data_sample(&d, b);
                    cr_assert_eq(sgl_fixed_grad_sample(&g, &q, &s), 0, "%s", sgl_errmsg());
                }
                cr_expect(same_grads(&g, &g0, &q), "%d layers, reset %d: window %d is not the "
                          "whole sample", layers, reset, whole[k]);
            }
            /* the windows' parts: q with W steps, the trace's rows of the window */
            sgl_fixed_net qw = q;
            for (size_t k = 0; k < SGL_ARRAY_LEN(windows); k++) {
                const int W = windows[k];
                sgl_fixed_grad gw, gr;
                qw.n_steps = W;
                cr_assert_eq(sgl_fixed_grad_init(&gw, &qw, &net, 16), 0, "%s", sgl_errmsg());
                cr_assert_eq(sgl_fixed_grad_init(&gr, &q, &net, 16), 0, "%s", sgl_errmsg());
                sgl_fixed_grad_zero(&gw, &qw);
                sgl_fixed_grad_zero(&gr, &q);
                g.window = W;
                sgl_fixed_grad_zero(&g, &q);
                for (int b = 0; b < B; b++) {
                    sgl_sample s = sgl_data_sample(&d, b);
                    cr_assert_eq(sgl_fixed_grad_sample(&g, &q, &s), 0, "%s", sgl_errmsg());
                    /* g's work holds this sample's trace now */
                    if (layers == 1)
                        ref_windows(&q, &s, g.z[0], g.code[0], g.gamma_q[0], 16, W,
                                    gr.w_in[0], gr.w_rec[0], gr.bias[0], gr.w_out, gr.b_out,
                                    &gr.saturations);
                    for (int w0 = 0; w0 < T; w0 += W) {
                        const int len = w0 + W < T ? W : T - w0;
                        uint16_t et[4096], eu[4096];
                        int ne = 0;
                        for (int e = 0; e < s.n_ev; e++)
                            if (s.ev_t[e] >= w0 && s.ev_t[e] < w0 + len) {
                                cr_assert(ne < 4096);
                                et[ne] = (uint16_t)(s.ev_t[e] - w0);
                                eu[ne++] = s.ev_u[e];
                            }
                        sgl_sample sw = {ne, et, eu, s.label};
                        sgl_fixed_trace tw;
                        for (int l = 0; l < layers; l++) {
                            tw.z[l] = g.z[l] + (size_t)w0 * q.layer[l].n;
                            tw.code[l] = g.code[l] + (size_t)w0 * q.layer[l].n;
                        }
                        qw.n_steps = len; /* the last window may be shorter */
                        cr_assert_eq(sgl_fixed_grad_backward(&gw, &qw, &sw, &tw, 0), 0, "%s",
                                     sgl_errmsg());
                        qw.n_steps = W;
                    }
                }
                compared++;
                if (layers == 1) {
                    gr.loss = g.loss;
                    int same = same_grads(&g, &gr, &q);
                    differ += !same;
                    cr_expect(same, "reset %d, window %d: not the reference's sums", reset, W);
                }
                int same = same_grads(&g, &gw, &q);
                differ += !same;
                cr_expect(same, "%d layers, reset %d, window %d: not the sum of the windows' "
                          "gradients", layers, reset, W);
                sgl_fixed_grad_free(&gw);
                sgl_fixed_grad_free(&gr);
            }
            sgl_fixed_grad_free(&g0);
            sgl_fixed_grad_free(&g);
            sgl_fixed_free(&q);
            sgl_net_free(&net);
        }
    cr_log_info("%ld windowed batches compared, %ld differ", compared, differ);
    sgl_data_free(&d);
}

/* The engine's GRAD_W-bit gradient words (docs/rtl.md, "The gradient memories"): the bound
 * sgl_fixed_grad_exact_batch by hand, and the batches sgl_fixed_update counts whose sums leave
 * the words: 2^(GRAD_W-1) - 1 fits, 2^(GRAD_W-1) and -2^(GRAD_W-1) - 1 do not. */
Test(fixed_train, gradient_words_bound_and_counter)
{
    cr_assert_eq(SGL_GRAD_W, 36);
    /* floor((2^35 - 1) / (T 2^max(23, GF))) */
    cr_expect_eq(sgl_fixed_grad_exact_batch(100, 16), 40);
    cr_expect_eq(sgl_fixed_grad_exact_batch(250, 16), 16);
    cr_expect_eq(sgl_fixed_grad_exact_batch(4096, 16), 0);
    cr_expect_eq(sgl_fixed_grad_exact_batch(4095, 16), 1);
    cr_expect_eq(sgl_fixed_grad_exact_batch(100, 24), 20);
    sgl_fixed_net q;
    hand_net(&q);
    sgl_fixed_master m;
    cr_assert_eq(sgl_fixed_master_init(&m, &q), 0, "%s", sgl_errmsg());
    sgl_fixed_grad g;
    cr_assert_eq(sgl_fixed_grad_init(&g, &q, NULL, 16), 0, "%s", sgl_errmsg());
    sgl_fixed_train_opts o;
    sgl_fixed_train_opts_default(&o);
    sgl_rng r;
    sgl_rng_seed(&r, 1, 1);
    const int64_t top = ((int64_t)1 << 35) - 1;
    static const struct {
        int tensor;
        int64_t v;
        long wide;
    } c[] = {{0, top, 0}, {1, -top - 1, 0}, {2, top + 1, 1}, {3, -top - 2, 2}, {4, top + 1, 3}};
    for (size_t k = 0; k < SGL_ARRAY_LEN(c); k++) {
        sgl_fixed_grad_zero(&g, &q);
        int64_t *G[5] = {g.w_in[0], g.w_rec[0] + 1, g.bias[0], g.w_out + 3, g.b_out};
        *G[c[k].tensor] = c[k].v;
        sgl_fixed_update(&q, &m, &g, &o, 100, &r);
        cr_expect_eq(m.g_wide, c[k].wide, "case %zu: %ld batches counted", k, m.g_wide);
    }
    sgl_fixed_grad_free(&g);
    sgl_fixed_master_free(&m);
    sgl_fixed_free(&q);
}
