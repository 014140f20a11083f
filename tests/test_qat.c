/* SPDX-License-Identifier: MIT */
/* Suite "qat": quantization-aware training (docs/numerics.md, "Quantization-aware training").
 * The QAT forward (sgl_qat_shadow + the membrane grid of sgl_work_set_grid) must be the twin:
 * same spikes at every step and neuron, same readout sums, same predictions; the saved float
 * model quantizes to the integers that forward used; and after a short QAT run the twin's test
 * accuracy stays within a tolerance of the float model's and above a floor. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "init.h"
#include "model.h"
#include "qat.h"
#include "rng.h"
#include "train.h"

static void stable_net(sgl_net *net, const sgl_data *d, int n_layers, int hidden, sgl_reset reset,
                       double tau, double rate, uint64_t seed)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = d->n_units;
    c.n_steps = d->n_steps;
    c.n_out = d->n_classes;
    c.n_layers = n_layers;
    for (int l = 0; l < n_layers; l++)
        c.n_hidden[l] = hidden;
    c.reset = reset;
    c.tau = tau;
    cr_assert_eq(sgl_net_alloc(net, &c), 0, "%s", sgl_errmsg());
    sgl_rng r;
    sgl_rng_seed(&r, seed, 1);
    double m, v;
    sgl_data_input_stats(d, &m, &v);
    cr_assert_eq(sgl_init_net(net, SGL_INIT_STABLE, SGL_COND_ALL, m, v, &r, NULL), 0, "%s",
                 sgl_errmsg());
    cr_assert_eq(sgl_calibrate_rate(net, d, 64, rate, 0, NULL), 0, "%s", sgl_errmsg());
}

/* Train with QAT from the first epoch; return the saved (best) model in *best. */
static void qat_train(sgl_net *net, const sgl_data *tr, const sgl_data *va, int epochs, int batch,
                      double lr, uint64_t seed, sgl_net *best, double *best_valid)
{
    char out[128], ck[160];
    snprintf(out, sizeof out, "/tmp/sglif-test-qat-%d.sgl", (int)getpid());
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    sgl_train_opts o;
    sgl_train_opts_default(&o);
    o.epochs = epochs;
    o.batch = batch;
    o.lr = lr;
    o.seed = seed;
    o.out = out;
    o.qat_from = 0;
    sgl_train_result res;
    cr_assert_eq(sgl_train(net, tr, va, &o, &res), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_model_load(out, best, NULL), 0, "%s", sgl_errmsg());
    if (best_valid)
        *best_valid = res.best_valid_acc;
    remove(out);
    remove(ck);
}

/* ---- (a) the QAT forward is the twin ---- */

#define EQ_T 50
#define EQ_N 48
typedef struct {
    unsigned char *z[SGL_MAX_LAYERS]; /* [T][n] spikes per layer */
    int n;
} spk_rec;

static void record_spikes(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                          const uint16_t *code)
{
    spk_rec *r = ctx;
    (void)v;
    (void)code;
    for (int i = 0; i < n; i++)
        r->z[layer][(size_t)t * (size_t)r->n + (size_t)i] = z[i];
}

/* Compare, on every sample, the spikes of every layer, step and neuron, the readout sums and the
 * prediction of the QAT forward (float, on the shadow net with the grid; decay shift k_grid)
 * with sgl_fixed_forward of sgl_fixed_quantize(model). Returns the number of differing spikes. */
static long compare(const sgl_net *model, const sgl_data *d, int k_grid, long *spikes,
                    int *same_pred, int *same_sum)
{
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q, q2;
    cr_assert_eq(sgl_fixed_quantize(model, &q, &o, NULL), 0, "%s", sgl_errmsg());
    sgl_net shadow = {0};
    sgl_qgrid g;
    cr_assert_eq(sgl_qat_shadow(model, &o, &shadow, &g, &q2), 0, "%s", sgl_errmsg());
    cr_assert_eq(g.decay_shift, q.decay_shift);
    g.decay_shift = k_grid;
    /* the shadow's own weights re-quantize to the same integers (the scale rule is idempotent
     * on its grid), so the values the QAT forward computes with are the twin's */
    sgl_fixed_net q3;
    cr_assert_eq(sgl_fixed_quantize(&shadow, &q3, &o, NULL), 0, "%s", sgl_errmsg());
    int L = q.n_layers;
    for (int l = 0; l < L; l++) {
        const sgl_fixed_layer *a = &q.layer[l], *b = &q3.layer[l];
        size_t nin = (size_t)a->n_pre * (size_t)a->n, nrec = (size_t)a->n * (size_t)a->n;
        cr_assert_eq(a->sh_in, b->sh_in);
        cr_assert_eq(a->sh_rec, b->sh_rec);
        cr_assert(memcmp(a->w_in, b->w_in, nin) == 0, "layer %d W_in re-quantizes otherwise", l);
        cr_assert(memcmp(a->w_rec, b->w_rec, nrec) == 0, "layer %d W_rec", l);
        cr_assert(memcmp(a->bias, b->bias, (size_t)a->n * 2) == 0, "layer %d bias", l);
    }
    int n_last = q.layer[L - 1].n;
    cr_assert_eq(q.out_frac, q3.out_frac);
    cr_assert(memcmp(q.w_out, q3.w_out, (size_t)n_last * (size_t)q.n_out) == 0);
    cr_assert(memcmp(q.b_out, q3.b_out, (size_t)q.n_out * 2) == 0);
    cr_assert_eq(q.theta, q3.theta);
    cr_assert_eq(q.decay_shift, q3.decay_shift);

    sgl_work *w = sgl_work_new(&shadow, 1, 1);
    cr_assert(w);
    sgl_work_set_grid(w, &g);
    static unsigned char zq[SGL_MAX_LAYERS][EQ_T * EQ_N], zf[EQ_T * EQ_N];
    spk_rec sr = {{zq[0], zq[1], zq[2]}, EQ_N};
    long diff = 0;
    *spikes = 0;
    *same_pred = *same_sum = 0;
    for (int i = 0; i < d->n_samples; i++) {
        sgl_sample s = sgl_data_sample(d, i);
        int pf = -1, pq = -2;
        int32_t sum[16];
        double lm[16];
        sgl_batch_stats bst;
        cr_assert_eq(sgl_fixed_forward(&q, &s, &pq, sum, NULL, record_spikes, &sr), 0, "%s",
                     sgl_errmsg());
        cr_assert_eq(sgl_forward(w, &shadow, &s, 1, NULL, &pf, lm, &bst), 0);
        *same_pred += pf == pq;
        int ok = 1;
        for (int c = 0; c < q.n_out; c++) /* float: mean over T of w_q 2^-out_frac sums */
            ok &= fabs(lm[c] * EQ_T * ldexp(1.0, q.out_frac) - sum[c]) < 1e-6 * (1 + abs(sum[c]));
        *same_sum += ok;
        for (int l = 0; l < L; l++) {
            cr_assert_eq(sgl_spikes(w, &shadow, &s, l, zf), 0);
            for (int k = 0; k < EQ_T * EQ_N; k++) {
                diff += zf[k] != zq[l][k];
                *spikes += zq[l][k];
            }
        }
    }
    sgl_work_free(w);
    sgl_net_free(&shadow);
    sgl_fixed_free(&q);
    sgl_fixed_free(&q2);
    sgl_fixed_free(&q3);
    return diff;
}

/* A net of EQ_N neurons (stable init calibrated to rate 0.5 at the twin's tau, as `sglif train
 * --qat` does), trained 2 epochs with QAT on randman (4 classes x 50 samples, 50 steps; 160
 * training samples, batch 16: 20 AdamW steps at lr 3e-3, which keep the layer active: at the
 * default 5e-2 the single sub-reset layer falls to rate 0.009), seed 5; compared on the 160
 * training samples.
 * Exact equality must hold: with weights, biases and theta on the twin's grid every float
 * value of the QAT forward is an integer multiple of 2^-v_frac below 2^24 LSBs, so float adds
 * and power-of-two products are exact, floor(v 2^(v_frac-k)) is the twin's asr, and spikes,
 * membranes and readout sums are the twin's numbers. The last check runs the same comparison
 * with the grid's decay one shift off (k = 5) and requires differences: the comparison can
 * fail. */
static void forward_equals_twin(sgl_reset reset, int n_layers)
{
    const char *spec = "randman:classes=4,samples=50,steps=50";
    sgl_data tr, va;
    cr_assert_eq(sgl_data_load(&tr, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&va, spec, SGL_SPLIT_VALID), 0, "%s", sgl_errmsg());
    cr_assert_eq(tr.n_steps, EQ_T);
    sgl_net net, best;
    stable_net(&net, &tr, n_layers, EQ_N, reset, sgl_qat_tau(4), 0.5, 5);
    qat_train(&net, &tr, &va, 2, 16, 3e-3, 5, &best, NULL);
    cr_expect(fabs(best.cfg.tau - sgl_qat_tau(4)) < 1e-12, "saved tau %.6f, want the twin's %.6f",
              best.cfg.tau, sgl_qat_tau(4));
    long spikes;
    int sp, ss;
    long diff = compare(&best, &tr, 4, &spikes, &sp, &ss);
    double cells = (double)tr.n_samples * EQ_T * EQ_N * n_layers;
    cr_log_info("qat == twin (%s reset, %d layers, seed 5): %ld differing spikes of %.0f (twin "
                "rate %.3f), predictions %d of %d, readout sums %d of %d", reset ? "mult" : "sub",
                n_layers, diff, cells, spikes / cells, sp, tr.n_samples, ss, tr.n_samples);
    cr_expect(spikes / cells > 0.02, "the net is nearly silent: the comparison would be empty");
    cr_expect_eq(diff, 0, "%ld spikes differ between the QAT forward and the twin", diff);
    cr_expect_eq(sp, tr.n_samples, "predictions: %d of %d equal", sp, tr.n_samples);
    cr_expect_eq(ss, tr.n_samples, "readout sums: %d of %d equal", ss, tr.n_samples);
    long diff5 = compare(&best, &tr, 5, &spikes, &sp, &ss);
    cr_log_info("  with the grid's decay at k = 5: %ld differing spikes", diff5);
    cr_expect(diff5 > 0, "a wrong decay in the QAT forward went unnoticed");
    sgl_net_free(&net);
    sgl_net_free(&best);
    sgl_data_free(&tr);
    sgl_data_free(&va);
}

Test(qat, forward_equals_twin_sub, .timeout = 60) { forward_equals_twin(SGL_RESET_SUB, 1); }
Test(qat, forward_equals_twin_mult, .timeout = 60) { forward_equals_twin(SGL_RESET_MULT, 1); }
Test(qat, forward_equals_twin_two_layers, .timeout = 60)
{
    forward_equals_twin(SGL_RESET_SUB, 2);
}

/* sgl_evaluate_qat gives the twin's predictions (the validation of a QAT run). */
Test(qat, evaluate_qat_equals_fixed_evaluate, .timeout = 60)
{
    const char *spec = "randman:classes=4,samples=50,steps=50";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    sgl_net net;
    stable_net(&net, &d, 1, 32, SGL_RESET_SUB, sgl_qat_tau(4), 0.2, 2);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, NULL), 0, "%s", sgl_errmsg());
    static int pq[200], pf[200];
    cr_assert(d.n_samples <= 200);
    double aq, af;
    cr_assert_eq(sgl_fixed_evaluate(&q, &d, &aq, pq, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_evaluate_qat(&net, &o, &d, 2, &af, NULL, pf, NULL), 0, "%s", sgl_errmsg());
    int same = 0;
    for (int i = 0; i < d.n_samples; i++)
        same += pq[i] == pf[i];
    cr_expect_eq(same, d.n_samples, "%d of %d predictions equal", same, d.n_samples);
    cr_expect(aq == af, "accuracy twin %.4f, QAT forward %.4f", aq, af);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_data_free(&d);
}

/* ---- (b) accuracy after QAT, twin against float ---- */

/* randman 4 classes x 500 samples (test split 200), 128 neurons, 20 epochs of QAT, training
 * seed 1 (init seed 1), about 5 s. Measured: float 0.825, twin 0.835 (the float eval runs the
 * saved float weights with the float forward; the twin the integers). Asserts |float - twin|
 * <= 0.03 (6 test samples) and twin >= 0.75 (chance 0.25; without QAT, tau 20, `sglif train`
 * seed 0 gives float 0.750 / twin 0.775 on this problem, docs/numerics.md). */
#define QAT_GAP_TOL 0.03
#define QAT_TWIN_FLOOR 0.75
Test(qat, accuracy_twin_within_float, .timeout = 120)
{
    const char *spec = "randman:classes=4,samples=500";
    sgl_data tr, va, te;
    cr_assert_eq(sgl_data_load(&tr, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&va, spec, SGL_SPLIT_VALID), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_data_load(&te, spec, SGL_SPLIT_TEST), 0, "%s", sgl_errmsg());
    sgl_net net, best;
    stable_net(&net, &tr, 1, 128, SGL_RESET_SUB, sgl_qat_tau(4), 0.5, 1);
    double bv;
    qat_train(&net, &tr, &va, 20, 32, 5e-2, 1, &best, &bv);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_quantize(&best, &q, &o, NULL), 0, "%s", sgl_errmsg());
    double af, aq;
    sgl_fixed_stats st = {0};
    cr_assert_eq(sgl_evaluate(&best, &te, 0, &af, NULL, NULL, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_evaluate(&q, &te, &aq, NULL, &st), 0, "%s", sgl_errmsg());
    cr_log_info("qat accuracy (randman 4x500, 128 neurons, 20 epochs, seed 1): valid %.4f, test "
                "float %.4f, twin %.4f, gap %+.4f; saturations %ld of %ld",
                bv, af, aq, aq - af, st.v_saturations, st.updates);
    cr_expect(fabs(af - aq) <= QAT_GAP_TOL, "twin %.4f vs float %.4f: gap above %.2f", aq, af,
              QAT_GAP_TOL);
    cr_expect(aq >= QAT_TWIN_FLOOR, "twin test accuracy %.4f < %.2f", aq, QAT_TWIN_FLOOR);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_net_free(&best);
    sgl_data_free(&tr);
    sgl_data_free(&va);
    sgl_data_free(&te);
}
