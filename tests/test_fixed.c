/* SPDX-License-Identifier: MIT */
/* Suite "fixed": the fixed-point twin (docs/numerics.md). Hand-computed membranes, spikes, SG
 * codes and saturation counts on tiny nets; the arithmetic shift of negatives; both resets; SG
 * table indexing at its edges; quantization errors; agreement with the float model. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "init.h"
#include "rng.h"

/* ---- recording trace ---- */
#define TMAX 8
#define NMAX 4
typedef struct {
    int32_t v[SGL_MAX_LAYERS][TMAX][NMAX];
    int z[SGL_MAX_LAYERS][TMAX][NMAX];
    int code[SGL_MAX_LAYERS][TMAX][NMAX];
    int calls;
} rec;

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    rec *r = ctx;
    r->calls++;
    for (int i = 0; i < n && i < NMAX; i++) {
        r->v[layer][t][i] = v[i];
        r->z[layer][t][i] = z[i];
        r->code[layer][t][i] = code[i];
    }
}

Test(fixed, asr_is_floor_division)
{
    cr_expect_eq(sgl_fixed_asr(-1, 4), -1);
    cr_expect_eq(sgl_fixed_asr(-16, 4), -1);
    cr_expect_eq(sgl_fixed_asr(-17, 4), -2);
    cr_expect_eq(sgl_fixed_asr(17, 4), 1);
    cr_expect_eq(sgl_fixed_asr(INT32_MIN, 31), -1);
    cr_expect_eq(sgl_fixed_asr(INT32_MAX, 31), 0);
    cr_expect_eq(sgl_fixed_asr(INT32_MIN, 0), INT32_MIN);
    long bad = 0;
    for (int32_t v = -70001; v <= 70001; v += 7)
        for (int k = 0; k <= 15; k++)
            bad += sgl_fixed_asr(v, k) != (int32_t)floor((double)v / ldexp(1.0, k));
    cr_expect_eq(bad, 0, "%ld shifts differ from floor division", bad);
    /* decay v - floor(v / 16): negatives move toward 0 by at least 1, small positives stay */
    cr_expect_eq(sgl_fixed_decay(-1000, 4), -937);
    cr_expect_eq(sgl_fixed_decay(-1, 4), 0);
    cr_expect_eq(sgl_fixed_decay(15, 4), 15);
    cr_expect_eq(sgl_fixed_decay(16, 4), 15);
    cr_expect_eq(sgl_fixed_decay(12400, 4), 11625);
    cr_expect_eq(sgl_fixed_decay(-32768, 4), -30720);
}

/* The worked example of docs/numerics.md: 1 input, 2 neurons, 2 classes, 5 steps, input spikes
 * at t = 0 and 1; W_in = {100, -100} << 6; W_rec[0][1] = 50 << 6; theta = 8192; k = 4. */
static void example_net(sgl_fixed_net *q, sgl_reset reset)
{
    int nh[1] = {2};
    cr_assert_eq(sgl_fixed_alloc(q, 1, 1, nh, 2, 5, 8), 0, "%s", sgl_errmsg());
    q->reset = reset;
    sgl_fixed_layer *L = &q->layer[0];
    L->w_in[0] = 100;
    L->w_in[1] = -100;
    L->w_rec[0 * 2 + 1] = 50;
    L->sh_in = 6;
    L->sh_rec = 6;
    q->w_out[0 * 2 + 0] = 10;
    q->w_out[0 * 2 + 1] = -5;
    q->w_out[1 * 2 + 0] = 100;
    q->b_out[0] = 1;
    q->b_out[1] = 2;
    q->sg_shift = 12;
    q->sg_lo = -16384;
    for (int i = 0; i < 8; i++)
        q->sg_code[i] = (uint16_t)(10 * i);
    cr_assert_eq(sgl_fixed_check(q), 0, "%s", sgl_errmsg());
}

static const uint16_t EX_T[2] = {0, 1}, EX_U[2] = {0, 0};

Test(fixed, worked_example_subtraction_reset)
{
    sgl_fixed_net q;
    example_net(&q, SGL_RESET_SUB);
    sgl_sample s = {2, EX_T, EX_U, 0};
    rec r;
    memset(&r, 0, sizeof r);
    sgl_fixed_stats st;
    memset(&st, 0, sizeof st);
    int pred = -1;
    int32_t ls[2];
    cr_assert_eq(sgl_fixed_forward(&q, &s, &pred, ls, &st, record, &r), 0, "%s", sgl_errmsg());
    cr_expect_eq(r.calls, 5);
    const int32_t v0[5] = {6400, 12400, 3433, 3219, 3018};
    const int32_t v1[5] = {-6400, -12400, -8425, -7898, -7404};
    const int z0[5] = {0, 1, 0, 0, 0};
    /* codes: index = (v - 8192 + 16384) >> 12, clamped to 0..7; code = 10 index */
    const int c0[5] = {30, 50, 20, 20, 20};
    for (int t = 0; t < 5; t++) {
        cr_expect_eq(r.v[0][t][0], v0[t], "t=%d v0 %d != %d", t, r.v[0][t][0], v0[t]);
        cr_expect_eq(r.v[0][t][1], v1[t], "t=%d v1 %d != %d", t, r.v[0][t][1], v1[t]);
        cr_expect_eq(r.z[0][t][0], z0[t], "t=%d z0", t);
        cr_expect_eq(r.z[0][t][1], 0, "t=%d z1", t);
        cr_expect_eq(r.code[0][t][0], c0[t], "t=%d code0 %d != %d", t, r.code[0][t][0], c0[t]);
        cr_expect_eq(r.code[0][t][1], 0, "t=%d code1 %d", t, r.code[0][t][1]);
    }
    /* readout: 5 b_out + the row of neuron 0 once (its spike at t = 1) */
    cr_expect_eq(ls[0], 15);
    cr_expect_eq(ls[1], 5);
    cr_expect_eq(pred, 0);
    cr_expect_eq(st.updates, 10);
    cr_expect_eq(st.v_saturations, 0);
    cr_expect_eq(st.spikes[0], 1);
    sgl_fixed_free(&q);
}

Test(fixed, multiplicative_reset_and_ties)
{
    sgl_fixed_net q;
    example_net(&q, SGL_RESET_MULT);
    q.w_out[0] = 1; /* readout {5 + 1, 10 - 5} -> {6, 5}; then a tie */
    sgl_sample s = {2, EX_T, EX_U, 0};
    rec r;
    memset(&r, 0, sizeof r);
    int pred = -1;
    int32_t ls[2];
    cr_assert_eq(sgl_fixed_forward(&q, &s, &pred, ls, NULL, record, &r), 0, "%s", sgl_errmsg());
    const int32_t v0[5] = {6400, 12400, 0, 0, 0};
    for (int t = 0; t < 5; t++)
        cr_expect_eq(r.v[0][t][0], v0[t], "t=%d v0 %d != %d", t, r.v[0][t][0], v0[t]);
    cr_expect_eq(r.v[0][2][1], -8425, "recurrent current of the t=1 spike arrives at t=2");
    cr_expect_eq(ls[0], 6);
    cr_expect_eq(ls[1], 5);
    cr_expect_eq(pred, 0);
    q.w_out[0] = 0; /* {5, 5}: tie -> lowest class */
    q.w_out[1] = 0;
    q.b_out[0] = 1;
    q.b_out[1] = 1;
    cr_assert_eq(sgl_fixed_forward(&q, &s, &pred, ls, NULL, NULL, NULL), 0);
    cr_expect_eq(ls[0], ls[1]);
    cr_expect_eq(pred, 0);
    q.b_out[1] = 2;
    cr_assert_eq(sgl_fixed_forward(&q, &s, &pred, ls, NULL, NULL, NULL), 0);
    cr_expect_eq(pred, 1);
    sgl_fixed_free(&q);
}

/* Saturation at both ends, and the strict compare v > theta. */
Test(fixed, saturation_and_threshold)
{
    sgl_fixed_net q;
    int nh[1] = {4};
    cr_assert_eq(sgl_fixed_alloc(&q, 1, 1, nh, 2, 4, 8), 0);
    q.theta = 8192;
    q.layer[0].bias[0] = 20000;  /* t1: 20000 - 1250 + 20000 = 38750 -> 32767, then stays */
    q.layer[0].bias[1] = -20000; /* mirror: -38750 -> -32768 */
    q.layer[0].bias[2] = 8192;   /* v = theta exactly: no spike at t = 0 */
    q.layer[0].bias[3] = 8193;   /* one above: spike at t = 0 */
    sgl_sample s = {0, NULL, NULL, 0};
    rec r;
    memset(&r, 0, sizeof r);
    sgl_fixed_stats st;
    memset(&st, 0, sizeof st);
    cr_assert_eq(sgl_fixed_forward(&q, &s, NULL, NULL, &st, record, &r), 0, "%s", sgl_errmsg());
    /* neuron 0 spikes at every step, so subtraction reset applies from t = 1:
     *   t1: 20000 - 1250 - 8192 + 20000 = 30558
     *   t2: 30558 - 1909 - 8192 + 20000 = 40457 -> 32767 (saturation)
     *   t3: 32767 - 2047 - 8192 + 20000 = 42528 -> 32767 (saturation)
     * neuron 1 never spikes: t1 -20000 + 1250 - 20000 = -38750 -> -32768, then t2, t3 too. */
    const int32_t v0[4] = {20000, 30558, 32767, 32767}, v1[4] = {-20000, -32768, -32768, -32768};
    for (int t = 0; t < 4; t++) {
        cr_expect_eq(r.v[0][t][0], v0[t], "t=%d v0 %d != %d", t, r.v[0][t][0], v0[t]);
        cr_expect_eq(r.v[0][t][1], v1[t], "t=%d v1 %d != %d", t, r.v[0][t][1], v1[t]);
        cr_expect_eq(r.z[0][t][0], 1);
        cr_expect_eq(r.z[0][t][1], 0);
    }
    cr_expect_eq(r.z[0][0][2], 0, "v == theta must not spike");
    cr_expect_eq(r.z[0][0][3], 1, "v == theta + 1 must spike");
    cr_expect_eq(st.v_saturations, 5);
    sgl_fixed_free(&q);
}

/* sgl_fixed_forward_sat's hook (the lock-step checks compare it with the RTL's flag per
 * update): a flag per update, 1 exactly where the update was clamped; v = 32767 reached
 * without a clamp (neuron 2 at t = 0) has flag 0, so the flag is not a function of v. */
typedef struct {
    int32_t v[TMAX][NMAX];
    int sat[TMAX][NMAX];
    int calls;
} sat_rec;
typedef struct {
    rec r; /* first: record's ctx */
    sat_rec sr;
} both_rec;

static void record_sat(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *sat)
{
    sat_rec *r = &((both_rec *)ctx)->sr;
    cr_assert_eq(layer, 0);
    r->calls++;
    for (int i = 0; i < n && i < NMAX; i++) {
        r->v[t][i] = v[i];
        r->sat[t][i] = sat[i];
    }
}

Test(fixed, saturation_flag_per_update)
{
    sgl_fixed_net q;
    int nh[1] = {4};
    cr_assert_eq(sgl_fixed_alloc(&q, 1, 1, nh, 2, 4, 8), 0);
    q.theta = 8192;
    q.layer[0].bias[0] = 20000;  /* clamped at t = 2, 3 (saturation_and_threshold) */
    q.layer[0].bias[1] = -20000; /* clamped at t = 1, 2, 3 */
    q.layer[0].bias[2] = 32767;  /* t0: 32767 exactly; t1: 30720 - 8192 + 32767 -> clamped */
    q.layer[0].bias[3] = 0;      /* never */
    sgl_sample s = {0, NULL, NULL, 0};
    both_rec both; /* one ctx for both hooks */
    memset(&both, 0, sizeof both);
    sgl_fixed_stats st = {0}, st2 = {0};
    int32_t ls[2], ls2[2];
    int pred = -1, pred2 = -1;
    cr_assert_eq(sgl_fixed_forward_sat(&q, &s, &pred, ls, &st, record, record_sat, &both), 0,
                 "%s", sgl_errmsg());
    const int want[4][4] = {{0, 0, 0, 0}, {0, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 1, 0}};
    int n_sat = 0;
    cr_expect_eq(both.sr.calls, 4);
    cr_expect_eq(both.r.calls, 4);
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 4; i++) {
            cr_expect_eq(both.sr.sat[t][i], want[t][i], "t=%d neuron %d: flag %d, expected %d",
                         t, i, both.sr.sat[t][i], want[t][i]);
            cr_expect_eq(both.sr.v[t][i], both.r.v[0][t][i], "t=%d neuron %d: v", t, i);
            n_sat += both.sr.sat[t][i];
        }
    cr_expect_eq(both.r.v[0][0][2], 32767);
    cr_expect_eq(n_sat, 8);
    cr_expect_eq(st.v_saturations, 8);
    /* without the hook: the same forward */
    cr_assert_eq(sgl_fixed_forward(&q, &s, &pred2, ls2, &st2, NULL, NULL), 0);
    cr_expect_eq(pred2, pred);
    cr_expect_arr_eq(ls2, ls, sizeof ls);
    cr_expect_eq(st2.v_saturations, 8);
    cr_expect_eq(st2.updates, st.updates);
    sgl_fixed_free(&q);
}

Test(fixed, sg_index_edges)
{
    sgl_fixed_net q;
    int nh[1] = {1};
    cr_assert_eq(sgl_fixed_alloc(&q, 1, 1, nh, 2, 1, 8), 0);
    q.sg_shift = 12;
    q.sg_lo = -16384; /* 8 bins of 4096 over [-16384, 16384) */
    cr_assert_eq(sgl_fixed_check(&q), 0, "%s", sgl_errmsg());
    cr_expect_eq(sgl_fixed_sg_index(&q, -65535), 0);
    cr_expect_eq(sgl_fixed_sg_index(&q, -16385), 0);
    cr_expect_eq(sgl_fixed_sg_index(&q, -16384), 0);
    cr_expect_eq(sgl_fixed_sg_index(&q, -12289), 0);
    cr_expect_eq(sgl_fixed_sg_index(&q, -12288), 1);
    cr_expect_eq(sgl_fixed_sg_index(&q, -1), 3);
    cr_expect_eq(sgl_fixed_sg_index(&q, 0), 4);
    cr_expect_eq(sgl_fixed_sg_index(&q, 16383), 7);
    cr_expect_eq(sgl_fixed_sg_index(&q, 16384), 7);
    cr_expect_eq(sgl_fixed_sg_index(&q, 32767), 7);
    q.sg_lo = 0;
    cr_expect_neq(sgl_fixed_check(&q), 0, "a table origin other than -entries 2^s / 2");
    sgl_fixed_free(&q);
}

/* A float net of the given shape, initialized with `kind` (glorot or stable) for binary inputs
 * of the given mean and variance per step. */
static void make_net(sgl_net *net, int kind, int n_in, int n_layers, int hidden, int n_out,
                     int T, sgl_reset reset, double tau, double in_mean, double in_var,
                     uint64_t seed)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = n_in;
    c.n_layers = n_layers;
    for (int l = 0; l < n_layers; l++)
        c.n_hidden[l] = hidden;
    c.n_out = n_out;
    c.n_steps = T;
    c.reset = reset;
    c.tau = tau;
    cr_assert_eq(sgl_net_alloc(net, &c), 0, "%s", sgl_errmsg());
    sgl_rng r;
    sgl_rng_seed(&r, seed, 1);
    cr_assert_eq(sgl_init_net(net, kind, SGL_COND_ALL, in_mean, in_var, &r, NULL), 0, "%s",
                 sgl_errmsg());
}

Test(fixed, quantize_errors_and_choices)
{
    cr_log_info("seed 7");
    sgl_net net;
    make_net(&net, SGL_INIT_GLOROT, 20, 2, 32, 4, 50, SGL_RESET_SUB, 20.0, 0.05, 0.0475, 7);
    for (int i = 0; i < 32; i++)
        net.layer[0].bias[i] = (real)(0.01 * i - 0.1);
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    o.theta_log2 = 13;
    sgl_fixed_net q;
    sgl_fixed_report rep;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, &rep), 0, "%s", sgl_errmsg());
    cr_expect_eq(q.theta, 8192);
    cr_expect_eq(q.v_frac, 13);
    cr_expect_eq(q.decay_shift, 4, "tau 20: alpha 0.9512 -> k 4 (0.9375), not 5 (0.96875)");
    cr_expect(fabs(rep.alpha_q - 0.9375) < 1e-12);
    cr_expect_eq(rep.w_clipped, 0);
    for (int l = 0; l < 2; l++) {
        const sgl_fixed_layer *L = &q.layer[l];
        const sgl_layer *F = &net.layer[l];
        /* half an LSB of each tensor's scale: 2^-(v_frac - sh) / 2 */
        double lsb_in = ldexp(1.0, -(q.v_frac - L->sh_in)), lsb_rec = ldexp(1.0, -(q.v_frac - L->sh_rec));
        cr_expect(rep.w_err_max[l][0] <= 0.5 * lsb_in * (1 + 1e-6), "layer %d W_in err %g",
                  l, rep.w_err_max[l][0]);
        cr_expect(rep.w_err_max[l][1] <= 0.5 * lsb_rec * (1 + 1e-6));
        /* the int8 range is used: the largest |w_q| is in 64..127 */
        int mx = 0;
        for (int i = 0; i < L->n_pre * L->n; i++)
            mx = abs(L->w_in[i]) > mx ? abs(L->w_in[i]) : mx;
        cr_expect(mx >= 64 && mx <= 127, "layer %d max |W_in_q| = %d", l, mx);
        cr_expect_eq(L->w_rec[3 * L->n + 3], 0);
        if (l == 0)
            for (int i = 0; i < 32; i++)
                cr_expect_eq(L->bias[i], (int16_t)lround(ldexp(0.01 * i - 0.1, 13)), "bias %d", i);
        (void)F;
    }
    /* SG table: 256 bins of 2^s; entry centres match sgl_sg_lut_make's x_i on that range */
    cr_expect_eq(q.sg_lo, -(256 << q.sg_shift) / 2);
    sgl_sg_lut lut;
    cr_assert_eq(sgl_sg_lut_make(&lut, &net.cfg.sg, 256, 8, rep.sg_range), 0);
    for (int i = 0; i < 256; i++) {
        double xc = ldexp(q.sg_lo + (i + 0.5) * ldexp(1.0, q.sg_shift), -q.v_frac);
        cr_expect(fabs(xc - lut.x[i]) < 1e-9, "entry %d centre %g vs %g", i, xc, lut.x[i]);
        cr_expect_eq(q.sg_code[i], lut.code[i]);
    }
    /* fast sigmoid: the two bins around v = theta hold the largest code, close to full scale */
    int c0 = q.sg_code[sgl_fixed_sg_index(&q, 0)], cm = q.sg_code[sgl_fixed_sg_index(&q, -1)];
    cr_log_info("SG shift %d, range %.3f, codes around theta %d %d", q.sg_shift, rep.sg_range, cm, c0);
    cr_expect_eq(c0, cm);
    cr_expect(c0 >= 200 && c0 < 255, "code at theta %d", c0);
    for (int i = 0; i < 256; i++)
        cr_expect(q.sg_code[i] <= c0, "entry %d code %d above the centre's", i, q.sg_code[i]);
    sgl_sg_lut_free(&lut);
    /* tau 100: alpha 0.99005 -> k 7 (0.99219) */
    sgl_fixed_free(&q);
    net.cfg.tau = 100;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, &rep), 0);
    cr_expect_eq(q.decay_shift, 7);
    sgl_fixed_free(&q);
    /* ALIF is refused */
    net.cfg.alif = 1;
    cr_expect_eq(sgl_fixed_quantize(&net, &q, &o, NULL), -SGL_EUSAGE);
    cr_expect(strstr(sgl_errmsg(), "ALIF") != NULL, "%s", sgl_errmsg());
    sgl_net_free(&net);
}

/* The twin against the float model on a tiny randman set (160 training samples of 50 steps),
 * untrained, biases calibrated to a firing rate of 0.2 so that the layers are active. tau is
 * either the twin's own decay (alpha = 1 - 2^-4 in both), which leaves only the rounding of
 * weights, biases and membranes, or the default 20 (alpha 0.951 against the twin's 0.9375).
 * Measured (seed 3, default theta_log2 10): stable init, exact decay: predictions 0.894 (sub),
 * 1.0 (mult, two layers), layer-1 spikes 0.871 (sub), 0.878 (mult); with theta_log2 13 (finer
 * membranes, less headroom) 0.975 and 0.949 - but trained nets saturate there (numerics.md).
 * Glorot recurrent weights are chaotic here: the first differing spike of a neuron appears
 * after 3 to 20 steps and spike agreement falls to 0.80 (and every prediction is class 0, so
 * agreeing predictions would prove nothing): glorot is checked on spikes only. With tau 20 the
 * twin's shorter decay (k = 4) leaves the calibrated layer nearly silent (rate 0.009 against
 * 0.209, predictions agree on 0.32): see docs/numerics.md, "Decay". */
typedef struct {
    unsigned char *z; /* [T][n] layer 0 spikes */
    int n;
} spk_rec;

static void record_spikes(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                          const uint16_t *code)
{
    spk_rec *r = ctx;
    (void)v;
    (void)code;
    if (layer == 0)
        for (int i = 0; i < n; i++)
            r->z[(size_t)t * (size_t)r->n + (size_t)i] = z[i];
}

#define AG_T 50
#define AG_N 64
static void agreement(int kind, sgl_reset reset, int n_layers, double tau, double floor_pred,
                      double floor_spk)
{
    const char *spec = "randman:classes=4,samples=50,steps=50";
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), 0, "%s", sgl_errmsg());
    cr_assert_eq(d.n_steps, AG_T);
    sgl_net net;
    double m, var;
    sgl_data_input_stats(&d, &m, &var);
    make_net(&net, kind, d.n_units, n_layers, AG_N, d.n_classes, d.n_steps, reset, tau, m, var, 3);
    double rate[SGL_MAX_LAYERS];
    cr_assert_eq(sgl_calibrate_rate(&net, &d, 64, 0.2, 1, rate), 0, "%s", sgl_errmsg());
    sgl_fixed_opts o;
    sgl_fixed_opts_default(&o);
    sgl_fixed_net q;
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &o, NULL), 0, "%s", sgl_errmsg());
    sgl_work *w = sgl_work_new(&net, 1, 1);
    cr_assert(w);
    static unsigned char zf[AG_T * AG_N], zq[AG_T * AG_N];
    spk_rec sr = {zq, AG_N};
    int same_pred = 0;
    long same_spk = 0, cells = 0, nspk = 0;
    sgl_fixed_stats st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < d.n_samples; i++) {
        sgl_sample s = sgl_data_sample(&d, i);
        int pf = -1, pq = -1;
        sgl_batch_stats bst;
        cr_assert_eq(sgl_forward(w, &net, &s, 1, NULL, &pf, NULL, &bst), 0);
        cr_assert_eq(sgl_fixed_forward(&q, &s, &pq, NULL, &st, record_spikes, &sr), 0, "%s",
                     sgl_errmsg());
        same_pred += pf == pq;
        cr_assert_eq(sgl_spikes(w, &net, &s, 0, zf), 0);
        for (int k = 0; k < AG_T * AG_N; k++) {
            same_spk += zf[k] == zq[k];
            nspk += zf[k];
        }
        cells += AG_T * AG_N;
    }
    double ap = (double)same_pred / d.n_samples, as = (double)same_spk / (double)cells;
    double rf = (double)nspk / (double)cells, rq = (double)st.spikes[0] / (double)cells;
    cr_log_info("fixed agreement (%s init, %s reset, %d layers, tau %.2f, seed 3): predictions "
                "%.4f, layer-1 spikes %.4f (rate float %.3f, twin %.3f), saturations %ld of %ld",
                sgl_init_name(kind), reset == SGL_RESET_SUB ? "sub" : "mult", n_layers, tau, ap,
                as, rf, rq,
                st.v_saturations, st.updates);
    cr_expect(rf > 0.05, "float layer 1 is nearly silent (%.3f): the test would be empty", rf);
    cr_expect(ap >= floor_pred, "prediction agreement %.4f < %.2f", ap, floor_pred);
    cr_expect(as >= floor_spk, "spike agreement %.4f < %.2f", as, floor_spk);
    sgl_work_free(w);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    sgl_data_free(&d);
}

#define TAU_K4 15.49468 /* -1 / ln(1 - 2^-4): the float decay equals the twin's */
Test(fixed, agrees_with_float_sub)
{
    agreement(SGL_INIT_STABLE, SGL_RESET_SUB, 1, TAU_K4, 0.85, 0.84);
}
Test(fixed, agrees_with_float_mult)
{
    agreement(SGL_INIT_STABLE, SGL_RESET_MULT, 1, TAU_K4, 0.85, 0.85);
}
Test(fixed, agrees_with_float_two_layers)
{
    agreement(SGL_INIT_STABLE, SGL_RESET_SUB, 2, TAU_K4, 0.85, 0.84);
}
Test(fixed, agrees_with_float_glorot_spikes)
{
    agreement(SGL_INIT_GLOROT, SGL_RESET_SUB, 1, TAU_K4, 0.0, 0.75);
}

/* ---- the forward against a plain scalar reference ----
 * sgl_fixed_forward is written for speed (rows summed four at a time, a branch-free update); the
 * reference below is docs/numerics.md step by step, one neuron and one row at a time. Both must
 * give the same membranes, spikes, SG codes, readout sums, prediction and counts on random nets:
 * 1-3 layers, both resets, shifts up to 11 (saturation), repeated input events in a step. */
typedef struct {
    uint64_t h; /* FNV-1a over every trace call */
} trace_hash;

static void hash_bytes(trace_hash *th, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        th->h = (th->h ^ b[i]) * 1099511628211ULL;
}

static void hash_trace(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                       const uint16_t *code)
{
    int head[3] = {layer, t, n};
    hash_bytes(ctx, head, sizeof head);
    hash_bytes(ctx, v, (size_t)n * sizeof *v);
    hash_bytes(ctx, z, (size_t)n);
    hash_bytes(ctx, code, (size_t)n * sizeof *code);
}

static void reference_forward(const sgl_fixed_net *q, const sgl_sample *s, int32_t *acc,
                              sgl_fixed_stats *st, trace_hash *th)
{
    enum { NM = 80 };
    int32_t v[SGL_MAX_LAYERS][NM] = {{0}}, cur[NM];
    uint8_t z[SGL_MAX_LAYERS][NM] = {{0}};
    int16_t v16[NM];
    uint16_t code[NM];
    for (int c = 0; c < q->n_out; c++)
        acc[c] = 0;
    for (int t = 0; t < q->n_steps; t++) {
        for (int l = 0; l < q->n_layers; l++) {
            const sgl_fixed_layer *L = &q->layer[l];
            cr_assert_leq(L->n, NM);
            for (int i = 0; i < L->n; i++) {
                cur[i] = L->bias[i];
                for (int e = 0; l == 0 && e < s->n_ev; e++)
                    if (s->ev_t[e] == t)
                        cur[i] += L->w_in[s->ev_u[e] * L->n + i] * (1 << L->sh_in);
                for (int j = 0; l > 0 && j < L->n_pre; j++)
                    if (z[l - 1][j])
                        cur[i] += L->w_in[j * L->n + i] * (1 << L->sh_in);
                for (int j = 0; j < L->n; j++)
                    if (z[l][j])
                        cur[i] += L->w_rec[j * L->n + i] * (1 << L->sh_rec);
            }
            for (int i = 0; i < L->n; i++) {
                int32_t u = sgl_fixed_decay(v[l][i], q->decay_shift);
                if (z[l][i])
                    u = q->reset == SGL_RESET_SUB ? u - q->theta : 0;
                v[l][i] = sgl_fixed_sat16(u + cur[i], &st->v_saturations);
                z[l][i] = v[l][i] > q->theta;
                st->spikes[l] += z[l][i];
                v16[i] = (int16_t)v[l][i];
                code[i] = q->sg_code[sgl_fixed_sg_index(q, v[l][i] - q->theta)];
            }
            st->updates += L->n;
            hash_trace(th, l, t, L->n, v16, z[l], code);
        }
        const int last = q->n_layers - 1;
        for (int c = 0; c < q->n_out; c++) {
            acc[c] += q->b_out[c];
            for (int i = 0; i < q->layer[last].n; i++)
                if (z[last][i])
                    acc[c] += q->w_out[i * q->n_out + c];
        }
    }
}

static int rnd(sgl_rng *r, int lo, int hi) { return lo + (int)sgl_rng_below(r, (uint32_t)(hi - lo + 1)); }

Test(fixed, forward_equals_scalar_reference)
{
    sgl_rng r;
    sgl_rng_seed(&r, 2026, 12);
    int checked = 0, repeated = 0;
    long sat = 0, spikes = 0;
    for (int trial = 0; trial < 300; trial++) {
        int L = rnd(&r, 1, 3), nh[3], n_in = rnd(&r, 1, 40), C = rnd(&r, 2, 20);
        int T = rnd(&r, 1, 50);
        for (int l = 0; l < L; l++)
            nh[l] = rnd(&r, 1, 70);
        sgl_fixed_net q;
        cr_assert_eq(sgl_fixed_alloc(&q, n_in, L, nh, C, T, 1 << rnd(&r, 1, 10)), 0, "%s",
                     sgl_errmsg());
        q.reset = rnd(&r, 0, 1) ? SGL_RESET_SUB : SGL_RESET_MULT;
        q.theta = rnd(&r, 1, 32767);
        q.decay_shift = rnd(&r, 1, 15);
        q.sg_bits = rnd(&r, 1, 16);
        q.sg_shift = rnd(&r, 0, 15);
        q.sg_lo = (int32_t)(-(((int64_t)q.sg_entries << q.sg_shift) / 2));
        for (int i = 0; i < q.sg_entries; i++)
            q.sg_code[i] = (uint16_t)(sgl_rng_u32(&r) & ((1u << q.sg_bits) - 1));
        const int max_sh = rnd(&r, 0, 2) ? 11 : 5;
        for (int l = 0; l < L; l++) {
            sgl_fixed_layer *Ly = &q.layer[l];
            Ly->sh_in = rnd(&r, 0, max_sh);
            Ly->sh_rec = rnd(&r, 0, max_sh);
            for (int i = 0; i < Ly->n_pre * Ly->n; i++)
                Ly->w_in[i] = (int8_t)rnd(&r, -127, 127);
            for (int i = 0; i < Ly->n; i++)
                for (int j = 0; j < Ly->n; j++)
                    Ly->w_rec[i * Ly->n + j] = i == j ? 0 : (int8_t)rnd(&r, -127, 127);
            for (int i = 0; i < Ly->n; i++)
                Ly->bias[i] = (int16_t)(rnd(&r, -32768, 32767) >> rnd(&r, 0, 15));
        }
        for (int i = 0; i < q.layer[L - 1].n * C; i++)
            q.w_out[i] = (int8_t)rnd(&r, -127, 127);
        for (int c = 0; c < C; c++)
            q.b_out[c] = (int16_t)rnd(&r, -32768, 32767);
        if (sgl_fixed_check(&q)) { /* a worst-case current too large: not a valid net */
            sgl_fixed_free(&q);
            continue;
        }
        /* events in time order, each (t, u) with probability p, some repeated up to 3 times */
        enum { EMAX = 50 * 40 * 3 };
        static uint16_t et[EMAX], eu[EMAX];
        const uint32_t p = sgl_rng_u32(&r);
        int ne = 0;
        for (int t = 0; t < T; t++)
            for (int u = 0; u < n_in; u++)
                if (sgl_rng_u32(&r) < p)
                    for (int k = trial % 4 == 0 ? rnd(&r, 1, 3) : 1; k > 0; k--) {
                        repeated += k > 1;
                        et[ne] = (uint16_t)t;
                        eu[ne++] = (uint16_t)u;
                    }
        sgl_sample s = {ne, et, eu, 0};
        int32_t got[20], want[20];
        sgl_fixed_stats st_got = {0}, st_want = {0};
        trace_hash h_got = {1469598103934665603ULL}, h_want = h_got;
        int pred = -1;
        cr_assert_eq(sgl_fixed_forward(&q, &s, &pred, got, &st_got, hash_trace, &h_got), 0, "%s",
                     sgl_errmsg());
        reference_forward(&q, &s, want, &st_want, &h_want);
        cr_assert_eq(h_got.h, h_want.h, "trial %d: traces differ", trial);
        int best = 0;
        for (int c = 0; c < C; c++) {
            cr_assert_eq(got[c], want[c], "trial %d: readout %d: %d != %d", trial, c, got[c],
                         want[c]);
            best = want[c] > want[best] ? c : best;
        }
        cr_assert_eq(pred, best, "trial %d: prediction", trial);
        cr_assert_eq(memcmp(&st_got, &st_want, sizeof st_got), 0, "trial %d: counts", trial);
        /* without a trace: the same readout */
        cr_assert_eq(sgl_fixed_forward(&q, &s, NULL, got, NULL, NULL, NULL), 0);
        cr_assert_eq(memcmp(got, want, (size_t)C * sizeof *got), 0, "trial %d: untraced", trial);
        checked++;
        sat += st_want.v_saturations;
        spikes += st_want.spikes[0];
        sgl_fixed_free(&q);
    }
    /* the cases were exercised */
    cr_expect_geq(checked, 200, "%d nets checked", checked);
    cr_expect_gt(sat, 1000, "%ld saturations", sat);
    cr_expect_gt(spikes, 1000, "%ld spikes", spikes);
    cr_expect_gt(repeated, 100, "%d repeated events", repeated);
}
