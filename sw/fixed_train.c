/* SPDX-License-Identifier: MIT */
/* The integer learning rule (docs/numerics.md, "The integer learning rule"): the integer
 * softmax error, integer BPTT from the twin's spikes and SG codes, and the sign-of-momentum
 * update with stochastic rounding onto master weights. */
#include "fixed_train.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "file.h"

void sgl_fixed_train_opts_default(sgl_fixed_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = SGL_FT_EPOCHS;
    o->batch = 32;
    o->grad_frac = 16;
    o->lr = SGL_FT_LR_MAX; /* 0.01; sglif train: sgl_fixed_lr_default */
    o->state_shift = 1;
    o->schedule = 1;
    o->momentum = 6;
    o->row_norm = 1;
    o->wd_shift = SGL_FT_WD_SHIFT;
    o->seed = 0;
}

int sgl_fixed_train_opts_check(const sgl_fixed_train_opts *o)
{
    static const char w[] = "fixed-point training";
    if (o->epochs < 1 || o->epochs > 100000)
        return sgl_fail(SGL_EUSAGE, "%s: epochs %d outside 1..100000", w, o->epochs);
    if (o->batch < 1 || o->batch > 65536)
        return sgl_fail(SGL_EUSAGE, "%s: batch %d outside 1..65536", w, o->batch);
    if (o->lr < 1 || o->lr > 65535)
        return sgl_fail(SGL_EUSAGE, "%s: learning rate %g outside 2^-16..65535/65536 (the rule's "
                        "integer lr %ld outside 1..65535)", w, ldexp((double)o->lr, -16),
                        (long)o->lr);
    if (o->grad_frac < 4 || o->grad_frac > 24)
        return sgl_fail(SGL_EUSAGE, "%s: gradient fraction bits %d outside 4..24", w,
                        o->grad_frac);
    if (o->momentum < 0 || o->momentum > 12)
        return sgl_fail(SGL_EUSAGE, "%s: momentum shift %d outside 0..12", w, o->momentum);
    if (o->threads < 0)
        return sgl_fail(SGL_EUSAGE, "%s: threads %d below 0", w, o->threads);
    if (o->window < 0)
        return sgl_fail(SGL_EUSAGE, "%s: window %d below 0 (0: the whole sample)", w,
                        o->window);
    return 0;
}

/* floor(x / 2^s) for int64, 0 <= s <= 62, without shifting a negative number. */
static int64_t asr64(int64_t x, int s)
{
    return x >= 0 ? (int64_t)((uint64_t)x >> s) : -1 - (int64_t)((uint64_t)(-1 - x) >> s);
}

/* x 2^n for n >= 0, saturating at +-2^62 (never reached in practice; keeps C defined). */
static int64_t lsh64(int64_t x, int n)
{
    const int64_t lim = (int64_t)1 << 62;
    for (int i = 0; i < n; i++) {
        if (x >= lim / 2)
            return lim;
        if (x <= -lim / 2)
            return -lim;
        x *= 2;
    }
    return x;
}

int64_t sgl_fixed_rshift_round(int64_t x, int s)
{
    if (s <= 0)
        return lsh64(x, -s);
    if (s > 62)
        return 0;
    return asr64(x + ((int64_t)1 << (s - 1)), s);
}

int64_t sgl_fixed_sround(int64_t x, int s, sgl_rng *r)
{
    uint32_t u = sgl_rng_u32(r);
    if (s <= 0)
        return lsh64(x, -s);
    if (s > 62)
        s = 62;
    int64_t q = asr64(x, s);
    uint64_t rem = (uint64_t)x - ((uint64_t)q << s); /* x - q 2^s in [0, 2^s), mod 2^64 */
    int up = s <= 32 ? (uint64_t)(u >> (32 - s)) < rem : (uint64_t)u < (rem >> (s - 32));
    return q + up;
}

uint64_t sgl_fixed_isqrt(uint64_t x)
{
    /* bit by bit, from the top: r is the largest integer with r^2 <= x */
    uint64_t r = 0;
    for (int b = 31; b >= 0; b--) {
        uint64_t c = r | ((uint64_t)1 << b);
        if (c * c <= x)
            r = c;
    }
    return r;
}

/* Bit length of a (0 for 0). */
static int bitlen(uint64_t a)
{
    int b = 0;
    while (a) {
        b++;
        a >>= 1;
    }
    return b;
}

/* The backward's clamp of gz and gv to int SGL_FT_GV_BITS (counted). */
static int32_t satgv(int64_t x, long *sat)
{
    const int64_t hi = ((int64_t)1 << (SGL_FT_GV_BITS - 1)) - 1, lo = -hi - 1;
    if (x > hi) {
        (*sat)++;
        return (int32_t)hi;
    }
    if (x < lo) {
        (*sat)++;
        return (int32_t)lo;
    }
    return (int32_t)x;
}

/* EXP2[f] = round(2^15 2^(-f/256)), f = 0..255: the fraction of a power of two. */
static const uint16_t EXP2[256] = {
    32768, 32679, 32591, 32503, 32415, 32327, 32240, 32153, 32066, 31979, 31893, 31806,
    31720, 31635, 31549, 31464, 31379, 31294, 31209, 31125, 31041, 30957, 30873, 30790,
    30706, 30623, 30541, 30458, 30376, 30293, 30212, 30130, 30048, 29967, 29886, 29805,
    29725, 29644, 29564, 29484, 29405, 29325, 29246, 29167, 29088, 29009, 28931, 28852,
    28774, 28697, 28619, 28542, 28464, 28388, 28311, 28234, 28158, 28082, 28006, 27930,
    27855, 27779, 27704, 27629, 27554, 27480, 27406, 27332, 27258, 27184, 27110, 27037,
    26964, 26891, 26818, 26746, 26674, 26601, 26530, 26458, 26386, 26315, 26244, 26173,
    26102, 26031, 25961, 25891, 25821, 25751, 25681, 25612, 25543, 25474, 25405, 25336,
    25268, 25199, 25131, 25063, 24995, 24928, 24860, 24793, 24726, 24659, 24593, 24526,
    24460, 24394, 24328, 24262, 24196, 24131, 24066, 24001, 23936, 23871, 23806, 23742,
    23678, 23614, 23550, 23486, 23423, 23359, 23296, 23233, 23170, 23108, 23045, 22983,
    22921, 22859, 22797, 22735, 22674, 22613, 22552, 22491, 22430, 22369, 22309, 22248,
    22188, 22128, 22068, 22009, 21949, 21890, 21831, 21772, 21713, 21654, 21595, 21537,
    21479, 21421, 21363, 21305, 21247, 21190, 21133, 21076, 21019, 20962, 20905, 20849,
    20792, 20736, 20680, 20624, 20568, 20513, 20457, 20402, 20347, 20292, 20237, 20182,
    20127, 20073, 20019, 19965, 19911, 19857, 19803, 19750, 19696, 19643, 19590, 19537,
    19484, 19431, 19379, 19326, 19274, 19222, 19170, 19118, 19066, 19015, 18963, 18912,
    18861, 18810, 18759, 18708, 18658, 18607, 18557, 18507, 18457, 18407, 18357, 18308,
    18258, 18209, 18160, 18110, 18061, 18013, 17964, 17915, 17867, 17819, 17770, 17722,
    17674, 17627, 17579, 17531, 17484, 17437, 17390, 17343, 17296, 17249, 17202, 17156,
    17109, 17063, 17017, 16971, 16925, 16879, 16834, 16788, 16743, 16697, 16652, 16607,
    16562, 16518, 16473, 16428,
};

#define SGL_FT_LOG2E 94548 /* round(log2(e) 2^16) */

int64_t sgl_fixed_softmax_error(const int32_t *acc, int C, int out_frac, int label, int GF,
                                int32_t *err)
{
    /* y_c = (max - acc_c) 2^-out_frac log2(e), in units of 2^-8 (a power of two's 256ths):
     * exp(-(max - acc_c) 2^-out_frac) = 2^(-y_c / 256) = EXP2[y_c & 255] 2^-15 >> (y_c >> 8).
     * Terms below 2^-31 (y_c >= 31 256) are 0; d is clamped first so that the product fits. */
    int32_t mx = acc[0];
    for (int c = 1; c < C; c++)
        if (acc[c] > mx)
            mx = acc[c];
    const int64_t dmax = (int64_t)32 << (out_frac > 0 ? out_frac : 0);
    uint64_t S = 0;
    int64_t y_label = 0;
    for (int c = 0; c < C; c++) {
        int64_t d = (int64_t)mx - acc[c];
        if (d > dmax)
            d = dmax;
        int64_t y = sgl_fixed_rshift_round(d * SGL_FT_LOG2E, out_frac + 16 - SGL_FT_EXP_FRAC);
        uint32_t e = y >= 31 * 256 ? 0 : (uint32_t)EXP2[y & 255] >> (y >> 8);
        err[c] = (int32_t)e; /* the numerator, for now */
        S += e;
        if (c == label)
            y_label = y;
    }
    /* p_c = round(e_c 2^GF / S) through one reciprocal a step: R = floor(2^46 / S) (S >= 2^15,
     * so R < 2^31), p_c = (e_c R + 2^(45 - GF)) >> (46 - GF). */
    const uint64_t R = ((uint64_t)1 << 46) / S;
    for (int c = 0; c < C; c++) {
        uint64_t p = ((uint64_t)(uint32_t)err[c] * R + ((uint64_t)1 << (45 - GF))) >> (46 - GF);
        err[c] = (int32_t)p - (c == label ? (int32_t)1 << GF : 0);
    }
    /* CE in units of 2^-8 bit: y_label + 256 log2(S 2^-15). log2 by the leading one b and the
     * table: m = S on 16 bits (in [2^15, 2^16)), f the first entry with EXP2[f] <= m / 2 (256
     * if none; a binary search), 256 log2(m 2^-15) = 256 - f. */
    const int b = bitlen(S) - 1;
    const uint32_t m = (uint32_t)(b >= 15 ? S >> (b - 15) : S << (15 - b));
    int lo = 0, hi = 256; /* EXP2 decreases: the answer is in [lo, hi] */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (EXP2[mid] <= m / 2)
            hi = mid;
        else
            lo = mid + 1;
    }
    return y_label + 256 * (int64_t)(b - 15) + (256 - lo);
}

void sgl_fixed_grad_free(sgl_fixed_grad *g)
{
    if (!g)
        return;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        free(g->gamma_q[l]);
        free(g->w_in[l]);
        free(g->w_rec[l]);
        free(g->bias[l]);
        free(g->z[l]);
        free(g->code[l]);
        free(g->gv[l]);
    }
    free(g->w_out);
    free(g->b_out);
    free(g->gz);
    free(g->err);
    free(g->acc);
    memset(g, 0, sizeof *g);
}

int sgl_fixed_grad_init(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_net *gamma,
                        int grad_frac)
{
    static const char where[] = "sgl_fixed_grad_init";
    memset(g, 0, sizeof *g);
    int rc = sgl_fixed_check(q);
    if (rc)
        return rc;
    if (grad_frac < 4 || grad_frac > 24)
        return sgl_fail(SGL_EUSAGE, "%s: gradient fraction bits %d outside 4..24", where,
                        grad_frac);
    if (gamma && (gamma->cfg.n_layers != q->n_layers || gamma->cfg.n_out != q->n_out))
        return sgl_fail(SGL_EUSAGE, "%s: the float net of the dampening has %d layers, %d "
                        "classes; the twin %d, %d", where, gamma->cfg.n_layers,
                        gamma->cfg.n_out, q->n_layers, q->n_out);
    g->grad_frac = grad_frac;
    g->T = q->n_steps;
    const size_t T = (size_t)q->n_steps;
    int ok = 1, nmax = 0;
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n;
        if (gamma && gamma->layer[l].n != L->n) {
            sgl_fixed_grad_free(g);
            return sgl_fail(SGL_EUSAGE, "%s: layer %d: %d neurons in the float net, %d in the "
                            "twin", where, l + 1, gamma->layer[l].n, L->n);
        }
        if (L->n > nmax)
            nmax = L->n;
        ok &= (g->gamma_q[l] = sgl_calloc(n, sizeof(int32_t))) != NULL;
        ok &= (g->w_in[l] = sgl_calloc((size_t)L->n_pre * n, sizeof(int64_t))) != NULL;
        ok &= (g->w_rec[l] = sgl_calloc(n * n, sizeof(int64_t))) != NULL;
        ok &= (g->bias[l] = sgl_calloc(n, sizeof(int64_t))) != NULL;
        ok &= (g->z[l] = sgl_calloc(T * n, 1)) != NULL;
        ok &= (g->code[l] = sgl_calloc(T * n, sizeof(uint16_t))) != NULL;
        ok &= (g->gv[l] = sgl_calloc(T * n, sizeof(int32_t))) != NULL;
        if (!ok)
            break;
        double full = ldexp(1.0, q->sg_bits) - 1.0;
        for (size_t i = 0; i < n; i++) {
            double ga = gamma ? (double)gamma->layer[l].gamma[i] : 1.0;
            double gq = round(ldexp(ga, SGL_FT_GAMMA_FRAC) / full);
            g->gamma_q[l][i] = gq > INT32_MAX ? INT32_MAX : gq < 0 ? 0 : (int32_t)gq;
        }
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n, C = (size_t)q->n_out;
    ok = ok && (g->w_out = sgl_calloc(n_last * C, sizeof(int64_t))) != NULL;
    ok = ok && (g->b_out = sgl_calloc(C, sizeof(int64_t))) != NULL;
    ok = ok && (g->gz = sgl_calloc((size_t)nmax, sizeof(int64_t))) != NULL;
    ok = ok && (g->err = sgl_calloc(T * C, sizeof(int32_t))) != NULL;
    ok = ok && (g->acc = sgl_calloc(C, sizeof(int32_t))) != NULL;
    if (!ok) {
        sgl_fixed_grad_free(g);
        return sgl_fail(SGL_ENOMEM, "%s: out of memory", where);
    }
    return 0;
}

void sgl_fixed_grad_zero(sgl_fixed_grad *g, const sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n;
        memset(g->w_in[l], 0, (size_t)q->layer[l].n_pre * n * sizeof(int64_t));
        memset(g->w_rec[l], 0, n * n * sizeof(int64_t));
        memset(g->bias[l], 0, n * sizeof(int64_t));
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n;
    memset(g->w_out, 0, n_last * (size_t)q->n_out * sizeof(int64_t));
    memset(g->b_out, 0, (size_t)q->n_out * sizeof(int64_t));
    g->saturations = 0;
    g->loss = 0;
    g->correct = g->samples = 0;
}

/* Add b's sums to a (same sizes). */
static void grad_add(sgl_fixed_grad *a, const sgl_fixed_grad *b, const sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n, nin = (size_t)q->layer[l].n_pre * n;
        for (size_t i = 0; i < nin; i++)
            a->w_in[l][i] += b->w_in[l][i];
        for (size_t i = 0; i < n * n; i++)
            a->w_rec[l][i] += b->w_rec[l][i];
        for (size_t i = 0; i < n; i++)
            a->bias[l][i] += b->bias[l][i];
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    for (size_t i = 0; i < nout; i++)
        a->w_out[i] += b->w_out[i];
    for (int c = 0; c < q->n_out; c++)
        a->b_out[c] += b->b_out[c];
    a->saturations += b->saturations;
    a->loss += b->loss;
    a->correct += b->correct;
    a->samples += b->samples;
}

typedef struct {
    const sgl_fixed_trace *tr;
} record_ctx;

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    (void)v;
    const sgl_fixed_trace *tr = ((const record_ctx *)ctx)->tr;
    memcpy(tr->z[layer] + (size_t)t * (size_t)n, z, (size_t)n);
    memcpy(tr->code[layer] + (size_t)t * (size_t)n, code, (size_t)n * sizeof *code);
}

static int twin_forward_trace(const sgl_fixed_net *q, const sgl_sample *s, sgl_fixed_trace *tr,
                              int *pred)
{
    record_ctx rc = {tr};
    return sgl_fixed_forward(q, s, pred, NULL, NULL, record, &rc);
}

int sgl_fixed_grad_sample(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s)
{
    int pred = 0;
    sgl_fixed_trace tr;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        tr.z[l] = g->z[l];
        tr.code[l] = g->code[l];
    }
    int rc = twin_forward_trace(q, s, &tr, &pred);
    return rc ? rc : sgl_fixed_grad_backward(g, q, s, &tr, pred);
}

/* sum_j w[j] x[j] over n entries (int8 times int32, int64 sum) */
static int64_t dot8x32(const int8_t *w, const int32_t *x, int n)
{
    int64_t a = 0;
    for (int j = 0; j < n; j++)
        a += (int64_t)w[j] * x[j];
    return a;
}

int sgl_fixed_grad_backward(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s,
                            const sgl_fixed_trace *tr, int pred)
{
    if (s->label < 0 || s->label >= q->n_out)
        return sgl_fail(SGL_EDATA, "fixed backward: label %d outside 0..%d", s->label,
                        q->n_out - 1);
    const int T = q->n_steps, L = q->n_layers, C = q->n_out, GF = g->grad_frac;
    const int top = L - 1, nt = q->layer[top].n;
    /* 1. Readout error, integer: the step's readout sums acc_t = b_out + z_t W_out, then
     *    e_t = softmax_q(acc_t) - 2^GF onehot (sgl_fixed_softmax_error). */
    int64_t loss = 0;
    for (int t = 0; t < T; t++) {
        const uint8_t *zt = tr->z[top] + (size_t)t * (size_t)nt;
        for (int c = 0; c < C; c++)
            g->acc[c] = q->b_out[c];
        for (int i = 0; i < nt; i++)
            if (zt[i]) {
                const int8_t *w = q->w_out + (size_t)i * (size_t)C;
                for (int c = 0; c < C; c++)
                    g->acc[c] += w[c];
            }
        int32_t *e = g->err + (size_t)t * (size_t)C;
        loss += sgl_fixed_softmax_error(g->acc, C, q->out_frac, s->label, GF, e);
        for (int c = 0; c < C; c++)
            g->b_out[c] += e[c];
        for (int i = 0; i < nt; i++)
            if (zt[i]) {
                int64_t *gw = g->w_out + (size_t)i * (size_t)C;
                for (int c = 0; c < C; c++)
                    gw[c] += e[c];
            }
    }
    g->loss += loss;
    g->correct += pred == s->label;
    g->samples++;
    /* 2. Integer BPTT, layer by layer from the top, t from T-1 down to 0. g^z of a neuron is
     *    only needed where its SG code is not 0 (it is multiplied by the code): only those
     *    rows are computed. Truncated windows of W steps: the walk restarts with g^v = 0 at
     *    each window's end (t + 1 a multiple of W), and a window's first step (t a multiple of
     *    W) sees no spikes before it in the W_rec rows. */
    const int k = q->decay_shift, v_frac = q->v_frac;
    const int W = g->window > 0 && g->window < T ? g->window : T;
    for (int l = top; l >= 0; l--) {
        const sgl_fixed_layer *Ly = &q->layer[l];
        const int n = Ly->n;
        const int s_rec = v_frac - Ly->sh_rec;
        int32_t *gv = g->gv[l];
        const int32_t *gamma = g->gamma_q[l];
        for (int t = T - 1; t >= 0; t--) {
            const int32_t *gvn =
                t + 1 < T && (t + 1) % W ? gv + (size_t)(t + 1) * (size_t)n : NULL;
            const uint8_t *zt = tr->z[l] + (size_t)t * (size_t)n;
            const uint16_t *ct = tr->code[l] + (size_t)t * (size_t)n;
            int32_t *gvt = gv + (size_t)t * (size_t)n;
            const int32_t *e = g->err + (size_t)t * (size_t)C;
            const sgl_fixed_layer *Up = l < top ? &q->layer[l + 1] : NULL;
            const int32_t *gvu = Up ? g->gv[l + 1] + (size_t)t * (size_t)Up->n : NULL;
            for (int i = 0; i < n; i++) {
                int64_t a = 0;
                if (ct[i]) {
                    int64_t gz;
                    if (!Up) {
                        int64_t d = 0;
                        const int8_t *w = q->w_out + (size_t)i * (size_t)C;
                        for (int c = 0; c < C; c++)
                            d += (int64_t)w[c] * e[c];
                        gz = sgl_fixed_rshift_round(d, q->out_frac);
                    } else
                        gz = sgl_fixed_rshift_round(
                            dot8x32(Up->w_in + (size_t)i * (size_t)Up->n, gvu, Up->n),
                            v_frac - Up->sh_in);
                    /* + W_rec g^v_{t+1} (row i of W_rec holds i's outgoing weights) */
                    if (gvn)
                        gz += sgl_fixed_rshift_round(
                            dot8x32(Ly->w_rec + (size_t)i * (size_t)n, gvn, n), s_rec);
                    int32_t gzi = satgv(gz, &g->saturations);
                    int64_t m = (int64_t)ct[i] * gamma[i];
                    a = sgl_fixed_rshift_round((int64_t)gzi * m, SGL_FT_GAMMA_FRAC);
                }
                /* g^v_t = g^z SG + alpha g^v_{t+1} (times 1 - z_t with multiplicative reset) */
                if (gvn && !(q->reset == SGL_RESET_MULT && zt[i]))
                    a += sgl_fixed_decay(gvn[i], k);
                gvt[i] = satgv(a, &g->saturations);
            }
        }
        /* 3. Weight gradients: bias += g^v_t, W_in[u] += x_{t,u} g^v_t, W_rec[j] += z_{t-1,j} g^v_t */
        int k_ev = 0;
        for (int t = 0; t < T; t++) {
            const int32_t *gvt = gv + (size_t)t * (size_t)n;
            for (int i = 0; i < n; i++)
                g->bias[l][i] += gvt[i];
            if (l == 0) {
                for (; k_ev < s->n_ev && s->ev_t[k_ev] < t; k_ev++)
                    ;
                for (; k_ev < s->n_ev && s->ev_t[k_ev] == t; k_ev++) {
                    int64_t *gw = g->w_in[0] + (size_t)s->ev_u[k_ev] * (size_t)n;
                    for (int i = 0; i < n; i++)
                        gw[i] += gvt[i];
                }
            } else {
                const int nb = q->layer[l - 1].n;
                const uint8_t *zb = tr->z[l - 1] + (size_t)t * (size_t)nb;
                for (int u = 0; u < nb; u++)
                    if (zb[u]) {
                        int64_t *gw = g->w_in[l] + (size_t)u * (size_t)n;
                        for (int i = 0; i < n; i++)
                            gw[i] += gvt[i];
                    }
            }
            if (t % W) { /* t > 0 and not a window's first step */
                const uint8_t *zp = tr->z[l] + (size_t)(t - 1) * (size_t)n;
                for (int j = 0; j < n; j++)
                    if (zp[j]) {
                        int64_t *gw = g->w_rec[l] + (size_t)j * (size_t)n;
                        for (int i = 0; i < n; i++)
                            gw[i] += gvt[i];
                        gw[j] -= gvt[j]; /* the diagonal is held at 0: no gradient */
                    }
            }
        }
    }
    return 0;
}

/* ---- the update (docs/numerics.md, "Update") ---- */

#define W_LO (-SGL_FIXED_WMAX * 256)
#define W_HI (SGL_FIXED_WMAX * 256 + 255)
#define B_LO ((int64_t)SGL_FIXED_VMIN * 256)
#define B_HI ((int64_t)SGL_FIXED_VMAX * 256 + 255)

void sgl_fixed_master_free(sgl_fixed_master *m)
{
    if (!m)
        return;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        free(m->w_in[l]);
        free(m->w_rec[l]);
        free(m->bias[l]);
        free(m->m_in[l]);
        free(m->m_rec[l]);
        free(m->m_bias[l]);
    }
    free(m->w_out);
    free(m->b_out);
    free(m->m_out);
    free(m->m_bout);
    free(m->nu);
    memset(m, 0, sizeof *m);
}

int sgl_fixed_master_init(sgl_fixed_master *m, const sgl_fixed_net *q)
{
    memset(m, 0, sizeof *m);
    int ok = 1, umax = q->n_out;
    for (int l = 0; l < q->n_layers && ok; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n, nin = (size_t)L->n_pre * n;
        if (L->n > umax)
            umax = L->n;
        ok &= (m->w_in[l] = sgl_calloc(nin, sizeof(int16_t))) != NULL;
        ok &= (m->w_rec[l] = sgl_calloc(n * n, sizeof(int16_t))) != NULL;
        ok &= (m->bias[l] = sgl_calloc(n, sizeof(int32_t))) != NULL;
        ok &= (m->m_in[l] = sgl_calloc(nin, sizeof(int16_t))) != NULL;
        ok &= (m->m_rec[l] = sgl_calloc(n * n, sizeof(int16_t))) != NULL;
        ok &= (m->m_bias[l] = sgl_calloc(n, sizeof(int16_t))) != NULL;
        if (!ok)
            break;
        for (size_t i = 0; i < nin; i++)
            m->w_in[l][i] = (int16_t)(L->w_in[i] * 256 + 128);
        for (size_t i = 0; i < n * n; i++)
            m->w_rec[l][i] = (int16_t)(L->w_rec[i] * 256 + 128);
        for (size_t i = 0; i < n; i++)
            m->bias[l][i] = L->bias[i] * 256 + 128;
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    ok = ok && (m->w_out = sgl_calloc(nout, sizeof(int16_t))) != NULL;
    ok = ok && (m->b_out = sgl_calloc((size_t)q->n_out, sizeof(int32_t))) != NULL;
    ok = ok && (m->m_out = sgl_calloc(nout, sizeof(int16_t))) != NULL;
    ok = ok && (m->m_bout = sgl_calloc((size_t)q->n_out, sizeof(int16_t))) != NULL;
    ok = ok && (m->nu = sgl_calloc((size_t)umax, sizeof(int64_t))) != NULL;
    if (!ok) {
        sgl_fixed_master_free(m);
        return sgl_fail(SGL_ENOMEM, "sgl_fixed_master_init: out of memory");
    }
    for (size_t i = 0; i < nout; i++)
        m->w_out[i] = (int16_t)(q->w_out[i] * 256 + 128);
    for (int c = 0; c < q->n_out; c++)
        m->b_out[c] = q->b_out[c] * 256 + 128;
    return 0;
}

int32_t sgl_fixed_lr_default(long n_train, int batch)
{
    const long B = batch > 0 && n_train > 0 ? (n_train + batch - 1) / batch : 1;
    const long lr = (2 * SGL_FT_LR_EPOCH + B) / (2 * B); /* round(2.5 2^16 / B) */
    return (int32_t)(lr < 1 ? 1 : lr > SGL_FT_LR_MAX ? SGL_FT_LR_MAX : lr);
}

int sgl_fixed_step_shift(int e, int ks)
{
    return SGL_FT_MASTER_FRAC - e + ks;
}

int32_t sgl_fixed_lr_at(const sgl_fixed_train_opts *o, long i, long n)
{
    if (!o->schedule || n < 1)
        return o->lr;
    /* x = i / n in units of 2^-16; f = 1 - x^2 (3 - 2x) in units of 2^-16 */
    int64_t x = (int64_t)(((uint64_t)i << 16) / (uint64_t)n);
    int64_t f = 65536 - (int64_t)(((uint64_t)(x * x) * (uint64_t)(3 * 65536 - 2 * x)) >> 32);
    return (int32_t)(((int64_t)o->lr * f) >> 16);
}

/* Update one tensor of K x P (row-major, [pre][post]: P postsynaptic units, K inputs each):
 * master wm (int16, or int32 when wide), its momentum mom (int16), the forward's copy wq
 * (int8, or int16 when wide), gradient G. nu: work, [P]. */
typedef struct {
    int S;          /* the step shift: sgl_fixed_step_shift(e, ks) */
    int wd;         /* the decay shift (0: none); a wide tensor (biases) never decays */
    int wide, diag; /* int32 master / int16 weight (biases); diagonal held at 0 (W_rec) */
} tensor_info;

static void step_tensor(void *wm, int16_t *mom, void *wq, size_t K, size_t P, const int64_t *G,
                        const tensor_info *ti, const sgl_fixed_train_opts *o, int32_t lr_t,
                        sgl_rng *r, long *clamped, int64_t *nu)
{
    const size_t n = K * P;
    uint64_t mx = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = G[i] < 0 ? (uint64_t)0 - (uint64_t)G[i] : (uint64_t)G[i];
        if (a > mx)
            mx = a;
    }
    /* g = G on 16 bits: rshift_round(G, sigma) */
    const int b = bitlen(mx), sigma = b > 16 ? b - 16 : 0;
    /* the RMS of each post unit's g over its K inputs (or of the whole tensor), and the
     * multiplier that makes one RMS 2^12: nu = floor(2^28 / max(1, rms)) */
    for (size_t p = 0; p < P; p++) {
        uint64_t Q = 0;
        for (size_t k = 0; k < K; k++) {
            int64_t g = sgl_fixed_rshift_round(G[k * P + p], sigma);
            Q += (uint64_t)(g * g);
        }
        nu[p] = (int64_t)Q;
    }
    if (!o->row_norm) { /* the ablation: one RMS for the whole tensor */
        uint64_t Q = 0;
        for (size_t p = 0; p < P; p++)
            Q += (uint64_t)nu[p];
        for (size_t p = 0; p < P; p++)
            nu[p] = (int64_t)(Q / P);
    }
    for (size_t p = 0; p < P; p++) {
        uint64_t rr = sgl_fixed_isqrt((uint64_t)nu[p] / K);
        nu[p] = (int64_t)(((uint64_t)1 << 28) / (rr ? rr : 1));
    }
    const int64_t lo = ti->wide ? B_LO : W_LO, hi = ti->wide ? B_HI : W_HI;
    const int S = ti->S;
    /* the decay of weights (not biases): lr_t 2^-16 2^-wd of the master itself, added to the
     * sign step before the one rounding: d = sround(lr_t (sign(c) 2^(D - S) + m 2^(D - 16 -
     * wd)), D) with D = max(S, 16 + wd) */
    const int wd = ti->wide ? 0 : ti->wd;
    const int D = wd && S < 16 + wd ? 16 + wd : S;
    const int b1 = 3, b2 = o->momentum;
    for (size_t k = 0; k < K; k++)
        for (size_t p = 0; p < P; p++) {
            const size_t i = k * P + p;
            int64_t g = sgl_fixed_rshift_round(G[i], sigma);
            int64_t gn = sgl_fixed_rshift_round(g * nu[p], 16); /* 2^12 = one RMS */
            gn = gn > INT16_MAX ? INT16_MAX : gn < -INT16_MAX ? -INT16_MAX : gn;
            int64_t c = gn;
            if (b2) {
                /* c = (1 - 2^-3) M + 2^-3 gn; M <- M - M 2^-b2 + gn 2^-b2 */
                int64_t M = mom[i];
                c = M - sgl_fixed_rshift_round(M, b1) + sgl_fixed_rshift_round(gn, b1);
                M = M - sgl_fixed_rshift_round(M, b2) + sgl_fixed_rshift_round(gn, b2);
                mom[i] = (int16_t)(M > INT16_MAX ? INT16_MAX : M < -INT16_MAX ? -INT16_MAX : M);
            }
            const int64_t sg = c > 0 ? 1 : c < 0 ? -1 : 0;
            int64_t d;
            if (wd)
                d = sgl_fixed_sround(lr_t * (sg * ((int64_t)1 << (D - S)) +
                                             ((int16_t *)wm)[i] * ((int64_t)1 << (D - 16 - wd))),
                                     D, r);
            else
                d = sgl_fixed_sround(sg * lr_t, S, r);
            if (ti->diag && k == p)
                continue; /* W_rec's diagonal: held at 0 (its draw is spent) */
            int64_t v = (ti->wide ? ((int32_t *)wm)[i] : ((int16_t *)wm)[i]) - d;
            if (v < lo || v > hi) {
                (*clamped)++;
                v = v < lo ? lo : hi;
            }
            if (ti->wide) {
                ((int32_t *)wm)[i] = (int32_t)v;
                ((int16_t *)wq)[i] = (int16_t)asr64(v, 8);
            } else {
                ((int16_t *)wm)[i] = (int16_t)v;
                ((int8_t *)wq)[i] = (int8_t)asr64(v, 8);
            }
        }
}

long sgl_fixed_grad_exact_batch(int T, int grad_frac)
{
    const int a = SGL_FT_GV_BITS - 1 > grad_frac ? SGL_FT_GV_BITS - 1 : grad_frac;
    if (T < 1 || SGL_GRAD_W - 1 - a >= 62)
        return T < 1 ? 0 : LONG_MAX;
    return (long)((((int64_t)1 << (SGL_GRAD_W - 1)) - 1) / ((int64_t)T << a));
}

/* n sums of which one does not fit a GRAD_W-bit word */
static int grad_wide(const int64_t *G, size_t n)
{
    const int64_t hi = SGL_GRAD_W >= 64 ? INT64_MAX : ((int64_t)1 << (SGL_GRAD_W - 1)) - 1;
    for (size_t i = 0; i < n; i++)
        if (G[i] > hi || G[i] < -hi - 1)
            return 1;
    return 0;
}

void sgl_fixed_update(sgl_fixed_net *q, sgl_fixed_master *m, const sgl_fixed_grad *g,
                      const sgl_fixed_train_opts *o, int32_t lr_t, sgl_rng *r)
{
    const int ks = o->state_shift ? q->decay_shift : 0, wd = o->wd_shift;
    int wide = 0;
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n;
        wide |= grad_wide(g->w_in[l], (size_t)q->layer[l].n_pre * n) |
                grad_wide(g->w_rec[l], n * n) | grad_wide(g->bias[l], n);
    }
    wide |= grad_wide(g->w_out, (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out) |
            grad_wide(g->b_out, (size_t)q->n_out);
    m->g_wide += wide;
    for (int l = 0; l < q->n_layers; l++) {
        sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n;
        tensor_info a = {sgl_fixed_step_shift(q->v_frac - L->sh_in, 0), wd, 0, 0},
                    b = {sgl_fixed_step_shift(q->v_frac - L->sh_rec, ks), wd, 0, 1},
                    c = {sgl_fixed_step_shift(q->v_frac, ks), 0, 1, 0};
        step_tensor(m->w_in[l], m->m_in[l], L->w_in, (size_t)L->n_pre, n, g->w_in[l], &a, o,
                    lr_t, r, &m->w_clamped, m->nu);
        step_tensor(m->w_rec[l], m->m_rec[l], L->w_rec, n, n, g->w_rec[l], &b, o, lr_t, r,
                    &m->w_clamped, m->nu);
        step_tensor(m->bias[l], m->m_bias[l], L->bias, 1, n, g->bias[l], &c, o, lr_t, r,
                    &m->w_clamped, m->nu);
    }
    const size_t C = (size_t)q->n_out, nl = (size_t)q->layer[q->n_layers - 1].n;
    tensor_info a = {sgl_fixed_step_shift(q->out_frac, 0), wd, 0, 0},
                c = {sgl_fixed_step_shift(q->out_frac, 0), 0, 1, 0};
    step_tensor(m->w_out, m->m_out, q->w_out, nl, C, g->w_out, &a, o, lr_t, r, &m->w_clamped,
                m->nu);
    step_tensor(m->b_out, m->m_bout, q->b_out, 1, C, g->b_out, &c, o, lr_t, r, &m->w_clamped,
                m->nu);
}

void sgl_fixed_update_tensor(void *wm, int16_t *mom, void *wq, size_t K, size_t P,
                             const int64_t *G, int S, int wd, int wide, int diag, int row_norm,
                             int b2, int32_t lr_t, sgl_rng *r, long *clamped, int64_t *nu)
{
    const tensor_info ti = {S, wd, wide, diag};
    sgl_fixed_train_opts o;
    sgl_fixed_train_opts_default(&o);
    o.row_norm = row_norm;
    o.momentum = b2;
    step_tensor(wm, mom, wq, K, P, G, &ti, &o, lr_t, r, clamped, nu);
}

void sgl_fixed_master_weights(sgl_fixed_net *q, const sgl_fixed_master *m)
{
    for (int l = 0; l < q->n_layers; l++) {
        sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n, nin = (size_t)L->n_pre * n;
        for (size_t i = 0; i < nin; i++)
            L->w_in[i] = (int8_t)asr64(m->w_in[l][i], 8);
        for (size_t i = 0; i < n * n; i++)
            L->w_rec[i] = (int8_t)asr64(m->w_rec[l][i], 8);
        for (size_t i = 0; i < n; i++)
            L->bias[i] = (int16_t)asr64(m->bias[l][i], 8);
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    for (size_t i = 0; i < nout; i++)
        q->w_out[i] = (int8_t)asr64(m->w_out[i], 8);
    for (int c = 0; c < q->n_out; c++)
        q->b_out[c] = (int16_t)asr64(m->b_out[c], 8);
}

/* Copy the integer weights of src into dst (same sizes). */
static void copy_weights(sgl_fixed_net *dst, const sgl_fixed_net *src)
{
    for (int l = 0; l < src->n_layers; l++) {
        const sgl_fixed_layer *S = &src->layer[l];
        sgl_fixed_layer *D = &dst->layer[l];
        size_t n = (size_t)S->n;
        memcpy(D->w_in, S->w_in, (size_t)S->n_pre * n);
        memcpy(D->w_rec, S->w_rec, n * n);
        memcpy(D->bias, S->bias, n * sizeof(int16_t));
    }
    size_t n_last = (size_t)src->layer[src->n_layers - 1].n;
    memcpy(dst->w_out, src->w_out, n_last * (size_t)src->n_out);
    memcpy(dst->b_out, src->b_out, (size_t)src->n_out * sizeof(int16_t));
}
/* ---- checkpoints (docs/formats.md, "Fixed-point training checkpoint") ---- */

typedef struct {
    int epoch, b0;          /* the next batch: its epoch and first position in order */
    int shuffled;           /* order holds this epoch's shuffle already */
    int64_t loss;           /* running sums of the epoch (loss: 2^-8 bit units) */
    int64_t spikes[SGL_MAX_LAYERS];
    int correct;
    double best_acc;
    int best_epoch, has_best;
    long grad_saturations;
    sgl_rng shuf, rnd;
} ft_state;

static void put_weights(sgl_wbuf *b, const sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n;
        sgl_put_bytes(b, L->w_in, (size_t)L->n_pre * n);
        sgl_put_bytes(b, L->w_rec, n * n);
        for (size_t i = 0; i < n; i++)
            sgl_put_u32(b, (uint32_t)(int32_t)L->bias[i]);
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n;
    sgl_put_bytes(b, q->w_out, n_last * (size_t)q->n_out);
    for (int c = 0; c < q->n_out; c++)
        sgl_put_u32(b, (uint32_t)(int32_t)q->b_out[c]);
}

static void put_u16(sgl_wbuf *b, uint16_t v)
{
    const uint8_t x[2] = {(uint8_t)(v & 255), (uint8_t)(v >> 8)};
    sgl_put_bytes(b, x, 2);
}

static uint16_t get_u16(sgl_rbuf *b)
{
    uint8_t x[2] = {0, 0};
    sgl_get_bytes(b, x, 2);
    return (uint16_t)(x[0] | x[1] << 8);
}

/* The master state and the momentum after the weights: int16 as 2 bytes, int32 as 4. */
static void put_master(sgl_wbuf *b, const sgl_fixed_net *q, const sgl_fixed_master *m)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n, nin = (size_t)q->layer[l].n_pre * n;
        for (size_t i = 0; i < nin; i++)
            put_u16(b, (uint16_t)m->w_in[l][i]);
        for (size_t i = 0; i < n * n; i++)
            put_u16(b, (uint16_t)m->w_rec[l][i]);
        for (size_t i = 0; i < n; i++)
            sgl_put_u32(b, (uint32_t)m->bias[l][i]);
        for (size_t i = 0; i < nin; i++)
            put_u16(b, (uint16_t)m->m_in[l][i]);
        for (size_t i = 0; i < n * n; i++)
            put_u16(b, (uint16_t)m->m_rec[l][i]);
        for (size_t i = 0; i < n; i++)
            put_u16(b, (uint16_t)m->m_bias[l][i]);
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    for (size_t i = 0; i < nout; i++)
        put_u16(b, (uint16_t)m->w_out[i]);
    for (int c = 0; c < q->n_out; c++)
        sgl_put_u32(b, (uint32_t)m->b_out[c]);
    for (size_t i = 0; i < nout; i++)
        put_u16(b, (uint16_t)m->m_out[i]);
    for (int c = 0; c < q->n_out; c++)
        put_u16(b, (uint16_t)m->m_bout[c]);
    sgl_put_u64(b, (uint64_t)m->w_clamped);
    sgl_put_u64(b, (uint64_t)m->g_wide);
}

static void get_master(sgl_rbuf *b, const sgl_fixed_net *q, sgl_fixed_master *m)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->layer[l].n, nin = (size_t)q->layer[l].n_pre * n;
        for (size_t i = 0; i < nin; i++)
            m->w_in[l][i] = (int16_t)get_u16(b);
        for (size_t i = 0; i < n * n; i++)
            m->w_rec[l][i] = (int16_t)get_u16(b);
        for (size_t i = 0; i < n; i++)
            m->bias[l][i] = (int32_t)sgl_get_u32(b);
        for (size_t i = 0; i < nin; i++)
            m->m_in[l][i] = (int16_t)get_u16(b);
        for (size_t i = 0; i < n * n; i++)
            m->m_rec[l][i] = (int16_t)get_u16(b);
        for (size_t i = 0; i < n; i++)
            m->m_bias[l][i] = (int16_t)get_u16(b);
    }
    size_t nout = (size_t)q->layer[q->n_layers - 1].n * (size_t)q->n_out;
    for (size_t i = 0; i < nout; i++)
        m->w_out[i] = (int16_t)get_u16(b);
    for (int c = 0; c < q->n_out; c++)
        m->b_out[c] = (int32_t)sgl_get_u32(b);
    for (size_t i = 0; i < nout; i++)
        m->m_out[i] = (int16_t)get_u16(b);
    for (int c = 0; c < q->n_out; c++)
        m->m_bout[c] = (int16_t)get_u16(b);
    m->w_clamped = (long)sgl_get_u64(b);
    m->g_wide = (long)sgl_get_u64(b);
}

static void get_weights(sgl_rbuf *b, sgl_fixed_net *q)
{
    for (int l = 0; l < q->n_layers; l++) {
        sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n;
        sgl_get_bytes(b, L->w_in, (size_t)L->n_pre * n);
        sgl_get_bytes(b, L->w_rec, n * n);
        for (size_t i = 0; i < n; i++)
            L->bias[i] = (int16_t)(int32_t)sgl_get_u32(b);
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n;
    sgl_get_bytes(b, q->w_out, n_last * (size_t)q->n_out);
    for (int c = 0; c < q->n_out; c++)
        q->b_out[c] = (int16_t)(int32_t)sgl_get_u32(b);
}

/* What a checkpoint must come from: the starting weights and every other field of q, the
 * options and the data sets' shapes. */
static uint32_t fingerprint(const sgl_fixed_net *q, const sgl_fixed_train_opts *o,
                            const sgl_data *train, const sgl_data *valid)
{
    sgl_wbuf b = {0};
    put_weights(&b, q);
    const int32_t f[] = {q->n_in, q->n_layers, q->n_out, q->n_steps, (int32_t)q->reset,
                         q->v_frac, q->theta, q->decay_shift, q->out_frac, q->sg_entries,
                         q->sg_bits, q->sg_shift, q->sg_lo, q->layer[0].sh_in,
                         q->layer[0].sh_rec, q->n_layers > 1 ? q->layer[1].sh_in : 0,
                         q->n_layers > 1 ? q->layer[1].sh_rec : 0, o->epochs, o->batch,
                         o->grad_frac, o->lr, o->state_shift, o->schedule, o->momentum,
                         o->row_norm, o->keep_start, o->window,
                         train->n_samples, train->n_units, valid ? valid->n_samples : 0};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        sgl_put_u32(&b, (uint32_t)f[i]);
    sgl_put_u64(&b, o->seed);
    sgl_put_bytes(&b, q->sg_code, (size_t)q->sg_entries * sizeof(uint16_t));
    uint32_t crc = b.oom ? 0 : (uint32_t)crc32(0, b.p, (uInt)b.len);
    free(b.p);
    return crc;
}

static int save_state(const char *path, uint32_t fp, const ft_state *st, const int *order,
                      int n_order, const sgl_fixed_net *q, const sgl_fixed_master *m,
                      const sgl_fixed_net *best)
{
    sgl_wbuf b = {0};
    sgl_put_u32(&b, fp);
    sgl_put_u32(&b, (uint32_t)st->epoch);
    sgl_put_u32(&b, (uint32_t)st->b0);
    sgl_put_u32(&b, (uint32_t)st->shuffled);
    sgl_put_u64(&b, (uint64_t)st->loss);
    sgl_put_u32(&b, (uint32_t)st->correct);
    sgl_put_f64(&b, st->best_acc);
    sgl_put_u32(&b, (uint32_t)(st->best_epoch + 1));
    sgl_put_u32(&b, (uint32_t)st->has_best);
    sgl_put_u64(&b, (uint64_t)st->grad_saturations);
    sgl_put_u64(&b, st->shuf.state);
    sgl_put_u64(&b, st->shuf.inc);
    sgl_put_u64(&b, st->rnd.state);
    sgl_put_u64(&b, st->rnd.inc);
    sgl_put_u32(&b, (uint32_t)n_order);
    for (int i = 0; i < n_order; i++)
        sgl_put_u32(&b, (uint32_t)order[i]);
    put_weights(&b, q);
    put_master(&b, q, m);
    if (st->has_best)
        put_weights(&b, best);
    sgl_file f;
    sgl_file_init(&f);
    int rc = b.oom ? sgl_fail(SGL_ENOMEM, "%s: out of memory", path)
                   : sgl_file_add(&f, "FTCK", b.p, b.len);
    if (!rc)
        rc = sgl_file_write(&f, path);
    sgl_file_free(&f);
    free(b.p);
    return rc;
}

static int load_state(const char *path, uint32_t fp, ft_state *st, int *order, int n_order,
                      sgl_fixed_net *q, sgl_fixed_master *m, sgl_fixed_net *best)
{
    sgl_file f;
    int rc = sgl_file_read(&f, path);
    const sgl_section *sec = rc ? NULL : sgl_file_get(&f, "FTCK");
    if (!sec) {
        sgl_file_free(&f);
        return rc ? rc : sgl_fail(SGL_EDATA, "%s: not a checkpoint of fixed-point training (no "
                                  "FTCK section)", path);
    }
    sgl_rbuf b = {sec->data, (size_t)sec->len, 0, 0};
    uint32_t got = sgl_get_u32(&b);
    if (got != fp) {
        sgl_file_free(&f);
        return sgl_fail(SGL_EUSAGE, "%s: this checkpoint comes from another start (model, "
                        "options or data differ: fingerprint 0x%08x, this run 0x%08x); resume "
                        "with the options of the interrupted run", path, (unsigned)got,
                        (unsigned)fp);
    }
    st->epoch = (int)sgl_get_u32(&b);
    st->b0 = (int)sgl_get_u32(&b);
    st->shuffled = (int)sgl_get_u32(&b);
    st->loss = (int64_t)sgl_get_u64(&b);
    st->correct = (int)sgl_get_u32(&b);
    st->best_acc = sgl_get_f64(&b);
    st->best_epoch = (int)sgl_get_u32(&b) - 1;
    st->has_best = (int)sgl_get_u32(&b);
    st->grad_saturations = (long)sgl_get_u64(&b);
    st->shuf.state = sgl_get_u64(&b);
    st->shuf.inc = sgl_get_u64(&b);
    st->rnd.state = sgl_get_u64(&b);
    st->rnd.inc = sgl_get_u64(&b);
    int n = (int)sgl_get_u32(&b);
    for (int i = 0; i < n && i < n_order && !b.short_read; i++)
        order[i] = (int)sgl_get_u32(&b);
    get_weights(&b, q);
    get_master(&b, q, m);
    if (st->has_best && best->n_layers)
        get_weights(&b, best);
    int bad = b.short_read || b.pos != b.len || n != n_order || st->b0 < 0 ||
              st->b0 > n_order || st->epoch < 0;
    for (int i = 0; !bad && i < n_order; i++)
        bad = order[i] < 0 || order[i] >= n_order;
    sgl_file_free(&f);
    if (bad)
        return sgl_fail(SGL_EDATA, "%s: training state damaged or truncated", path);
    return 0;
}

static double now_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int sgl_fixed_train(sgl_fixed_net *q, const sgl_net *gamma, const sgl_data *train,
                    const sgl_data *valid, const sgl_fixed_train_opts *o,
                    sgl_fixed_train_result *res)
{
    return sgl_fixed_train_run(q, gamma, train, valid, o, NULL, res);
}

/* Validation accuracy on the twin, the samples split over the threads (integer counts). */
static int evaluate_par(const sgl_fixed_net *q, const sgl_data *d, int nth, double *acc)
{
    int correct = 0, rc = 0;
#pragma omp parallel for num_threads(nth) schedule(dynamic, 16) reduction(+ : correct)
    for (int i = 0; i < d->n_samples; i++) {
        if (rc)
            continue;
        sgl_sample s = sgl_data_sample(d, i);
        int pred = -1;
        int r = sgl_fixed_forward(q, &s, &pred, NULL, NULL, NULL, NULL);
        if (r) {
#pragma omp atomic write
            rc = r;
        }
        correct += pred == s.label;
    }
    *acc = d->n_samples ? (double)correct / d->n_samples : 0;
    return rc;
}

static void traces_free(sgl_fixed_trace *tr, int n)
{
    for (int b = 0; tr && b < n; b++)
        for (int l = 0; l < SGL_MAX_LAYERS; l++) {
            free(tr[b].z[l]);
            free(tr[b].code[l]);
        }
    free(tr);
}

static sgl_fixed_trace *traces_new(const sgl_fixed_net *q, int n)
{
    sgl_fixed_trace *tr = sgl_calloc((size_t)n, sizeof *tr);
    int ok = tr != NULL;
    for (int b = 0; ok && b < n; b++)
        for (int l = 0; ok && l < q->n_layers; l++) {
            size_t k = (size_t)q->n_steps * (size_t)q->layer[l].n;
            ok = (tr[b].z[l] = sgl_calloc(k, 1)) && (tr[b].code[l] = sgl_calloc(k, 2));
        }
    if (!ok) {
        traces_free(tr, n);
        return NULL;
    }
    return tr;
}

int sgl_fixed_train_run(sgl_fixed_net *q, const sgl_net *gamma, const sgl_data *train,
                        const sgl_data *valid, const sgl_fixed_train_opts *o,
                        const sgl_fixed_train_hooks *hk, sgl_fixed_train_result *res)
{
    static const char where[] = "sgl_fixed_train";
    static const sgl_fixed_train_hooks none = {0};
    const sgl_fixed_train_hooks *h = hk ? hk : &none;
    memset(res, 0, sizeof *res);
    res->best_valid_acc = -1;
    res->best_epoch = -1;
    int rc = sgl_fixed_train_opts_check(o);
    if (rc)
        return rc;
    if (train->n_units != q->n_in || train->n_classes != q->n_out ||
        train->n_steps != q->n_steps)
        return sgl_fail(SGL_EUSAGE, "%s: %s has %d inputs, %d classes, %d steps; the net %d, "
                        "%d, %d", where, train->name, train->n_units, train->n_classes,
                        train->n_steps, q->n_in, q->n_out, q->n_steps);
    if (train->n_samples < 1)
        return sgl_fail(SGL_EDATA, "%s: %s has no training samples", where, train->name);
    if (h->resume && !h->checkpoint)
        return sgl_fail(SGL_EUSAGE, "%s: resume without a checkpoint file", where);
    int use_valid = valid && valid->n_samples > 0;
    const int nth = sgl_threads(o->threads);
    sgl_fixed_grad *gt = sgl_calloc((size_t)nth, sizeof *gt);
    if (!gt)
        return sgl_fail(SGL_ENOMEM, "%s: out of memory", where);
    for (int i = 0; i < nth && !rc; i++)
        if (!(rc = sgl_fixed_grad_init(&gt[i], q, gamma, o->grad_frac)))
            gt[i].window = o->window;
    sgl_fixed_grad *g = &gt[0];
    sgl_fixed_master m = {0};
    sgl_fixed_net best = {0};
    const int N = train->n_samples;
    int *order = NULL, *preds = NULL;
    sgl_fixed_trace *tr = NULL;
    int nh[SGL_MAX_LAYERS];
    for (int l = 0; l < q->n_layers; l++)
        nh[l] = q->layer[l].n;
    if (rc || (rc = sgl_fixed_master_init(&m, q)))
        goto done;
    order = sgl_calloc((size_t)N, sizeof *order);
    preds = sgl_calloc((size_t)o->batch, sizeof *preds);
    tr = traces_new(q, o->batch < N ? o->batch : N);
    if (!order || !preds || !tr ||
        (use_valid && (rc = sgl_fixed_alloc(&best, q->n_in, q->n_layers, nh, q->n_out,
                                            q->n_steps, q->sg_entries)))) {
        rc = rc ? rc : sgl_fail(SGL_ENOMEM, "%s: out of memory", where);
        goto done;
    }
    const uint32_t fp = fingerprint(q, o, train, use_valid ? valid : NULL);
    ft_state st = {0};
    st.best_acc = -1;
    st.best_epoch = -1;
    sgl_rng_seed(&st.shuf, o->seed, 0x7368756666ULL);  /* "shuff" */
    sgl_rng_seed(&st.rnd, o->seed, 0x73726f756e64ULL); /* "sround" */
    for (int i = 0; i < N; i++)
        order[i] = i;
    if (h->resume && (rc = load_state(h->checkpoint, fp, &st, order, N, q, &m, &best)))
        goto done;
    if (h->updated && (rc = h->updated(h->ctx, q)))
        goto done;
    if (h->load && (rc = h->load(h->ctx, q, &m, &st.rnd, g, o)))
        goto done;
    if (use_valid && o->keep_start && !h->resume) {
        if ((rc = h->evaluate ? h->evaluate(h->ctx, q, valid, &st.best_acc)
                              : evaluate_par(q, valid, nth, &st.best_acc)))
            goto done;
        st.has_best = 1;
        copy_weights(&best, q);
    }
    const int batches = (N + o->batch - 1) / o->batch;
    const long total = (long)o->epochs * batches;
    const double t_start = now_secs();
    double t_ckpt = t_start;
    const double every = h->checkpoint_secs > 0 ? h->checkpoint_secs : 60;
    for (; st.epoch < o->epochs; st.epoch++) {
        if (!st.shuffled) {
            sgl_rng_shuffle(&st.shuf, order, N);
            st.shuffled = 1;
        }
        for (; st.b0 < N; st.b0 += o->batch) {
            if (h->stop && *h->stop) {
                rc = h->sync ? h->sync(h->ctx, q, &m, &st.rnd) : 0;
                if (!rc && h->checkpoint)
                    rc = save_state(h->checkpoint, fp, &st, order, N, q, &m, &best);
                if (!rc)
                    rc = h->checkpoint
                             ? sgl_fail(SGL_EINTR, "interrupted at epoch %d, batch %d; --resume "
                                        "continues from %s", st.epoch + 1,
                                        st.b0 / o->batch + 1, h->checkpoint)
                             : sgl_fail(SGL_EINTR, "interrupted at epoch %d, batch %d",
                                        st.epoch + 1, st.b0 / o->batch + 1);
                goto done;
            }
            const int b1 = st.b0 + o->batch < N ? st.b0 + o->batch : N, nb = b1 - st.b0;
            int bad = -1; /* the first failing sample of the batch */
            for (int tries = 0;; tries++) {
                if (h->sample) { /* a board that runs the rule: forward and backward there */
                    for (int b = 0; b < nb && !rc; b++) {
                        sgl_sample s = sgl_data_sample(train, order[st.b0 + b]);
                        if ((rc = h->sample(h->ctx, q, &s)))
                            bad = b;
                    }
                    break;
                }
                /* forward passes: the board's one after the other, the twin's in parallel */
                if (h->forward) {
                    for (int b = 0; b < nb && !rc; b++) {
                        sgl_sample s = sgl_data_sample(train, order[st.b0 + b]);
                        if ((rc = h->forward(h->ctx, q, &s, &tr[b], &preds[b])))
                            bad = b;
                    }
                } else {
#pragma omp parallel for num_threads(nth) schedule(static, 1)
                    for (int b = 0; b < nb; b++) {
                        sgl_sample s = sgl_data_sample(train, order[st.b0 + b]);
                        if (twin_forward_trace(q, &s, &tr[b], &preds[b])) {
#pragma omp critical(sgl_ft_bad)
                            if (bad < 0 || b < bad)
                                bad = b;
                        }
                    }
                    rc = bad >= 0 ? -SGL_EDATA : 0;
                }
                if (rc)
                    break;
                int v = h->verify ? h->verify(h->ctx, q) : 0;
                if (v < 0) {
                    rc = v;
                    goto done;
                }
                if (v == 0)
                    break;
                if (tries == 2) {
                    rc = sgl_fail(SGL_EDEVICE, "epoch %d, batch %d: the forward passes ran on "
                                  "other weights three times in a row", st.epoch + 1,
                                  st.b0 / o->batch + 1);
                    goto done;
                }
            }
            /* backward passes: per thread sums of integers, added in thread order (integer
             * sums: the result is the same for any number of threads) */
            if (!rc && !h->sample) {
                for (int i = 0; i < nth; i++)
                    sgl_fixed_grad_zero(&gt[i], q);
#pragma omp parallel for num_threads(nth) schedule(static, 1)
                for (int b = 0; b < nb; b++) {
#ifdef _OPENMP
                    sgl_fixed_grad *gi = &gt[omp_get_thread_num()];
#else
                    sgl_fixed_grad *gi = &gt[0];
#endif
                    sgl_sample s = sgl_data_sample(train, order[st.b0 + b]);
                    if (sgl_fixed_grad_backward(gi, q, &s, &tr[b], preds[b])) {
#pragma omp critical(sgl_ft_bad)
                        if (bad < 0 || b < bad)
                            bad = b;
                    }
                }
                rc = bad >= 0 ? -SGL_EDATA : 0;
            }
            if (rc) {
                char msg[512];
                snprintf(msg, sizeof msg, "%s", sgl_errmsg());
                rc = sgl_fail(-rc, "%s: sample %d: %s", train->name,
                              order[st.b0 + (bad >= 0 ? bad : 0)], msg);
                goto done;
            }
            for (int i = 1; i < nth && !h->sample; i++)
                grad_add(g, &gt[i], q);
            const long step_i = (long)st.epoch * batches + st.b0 / o->batch;
            if (h->step) { /* the board's update; q is read back at the next sync */
                sgl_fixed_batch_counts bc = {0, 0, 0};
                if ((rc = h->step(h->ctx, sgl_fixed_lr_at(o, step_i, total), &bc)))
                    goto done;
                st.correct += (int)bc.correct;
                st.grad_saturations += bc.saturations;
                m.w_clamped += bc.clamped;
            } else {
                sgl_fixed_update(q, &m, g, o, sgl_fixed_lr_at(o, step_i, total), &st.rnd);
                if (h->updated && (rc = h->updated(h->ctx, q)))
                    goto done;
            }
            st.loss += g->loss;
            st.correct += g->correct;
            for (int l = 0; l < q->n_layers; l++) {
                size_t k = (size_t)q->n_steps * (size_t)q->layer[l].n;
                for (int b = 0; b < nb; b++)
                    for (size_t i = 0; i < k; i++)
                        st.spikes[l] += tr[b].z[l][i];
            }
            st.grad_saturations += g->saturations;
            double t = now_secs();
            if (h->progress) {
                int done_b = st.b0 / o->batch + 1, seen = b1;
                double frac = ((double)st.epoch * batches + done_b) / ((double)o->epochs * batches);
                sgl_progress p = {1, st.epoch, o->epochs, done_b, batches,
                                  (double)st.loss * 0.69314718055994531 / 256.0 /
                                      ((double)seen * q->n_steps),
                                  (double)st.correct / seen, {0}, q->n_layers, t - t_start, 0};
                for (int l = 0; l < q->n_layers; l++)
                    p.rate[l] = (double)st.spikes[l] /
                                ((double)seen * q->n_steps * q->layer[l].n);
                p.eta = frac > 0 ? (t - t_start) * (1 - frac) / frac : 0;
                h->progress(&p, h->progress_user);
            }
            if (h->checkpoint && b1 < N && t - t_ckpt >= every) {
                if (h->sync && (rc = h->sync(h->ctx, q, &m, &st.rnd)))
                    goto done;
                ft_state next = st;
                next.b0 = b1;
                if ((rc = save_state(h->checkpoint, fp, &next, order, N, q, &m, &best)))
                    goto done;
                t_ckpt = t;
            }
        }
        res->final_train_loss = (double)st.loss * 0.69314718055994531 / 256.0 /
                                ((double)N * q->n_steps);
        res->final_train_acc = (double)st.correct / N;
        if (h->sync && (rc = h->sync(h->ctx, q, &m, &st.rnd)))
            goto done;
        if (use_valid) {
            double acc = 0;
            if ((rc = h->evaluate ? h->evaluate(h->ctx, q, valid, &acc)
                                  : evaluate_par(q, valid, nth, &acc)))
                goto done;
            if (acc > st.best_acc) {
                st.best_acc = acc;
                st.best_epoch = st.epoch;
                st.has_best = 1;
                copy_weights(&best, q);
            }
        }
        st.b0 = 0;
        st.shuffled = 0;
        st.loss = 0;
        st.correct = 0;
        memset(st.spikes, 0, sizeof st.spikes);
        if (h->checkpoint) {
            ft_state next = st;
            next.epoch = st.epoch + 1;
            if ((rc = save_state(h->checkpoint, fp, &next, order, N, q, &m, &best)))
                goto done;
            t_ckpt = now_secs();
        }
    }
    res->epochs_run = st.epoch;
    res->grad_saturations = st.grad_saturations;
    res->w_clamped = m.w_clamped;
    res->grad_wide = m.g_wide;
    res->best_valid_acc = st.best_acc;
    res->best_epoch = st.best_epoch;
    if (use_valid && st.has_best) {
        copy_weights(q, &best);
        if (h->updated) /* the board ends with the weights the run returns */
            rc = h->updated(h->ctx, q);
    } else if (!use_valid)
        res->best_epoch = res->epochs_run - 1;
done:
    free(order);
    free(preds);
    traces_free(tr, o->batch < N ? o->batch : N);
    sgl_fixed_free(&best);
    sgl_fixed_master_free(&m);
    for (int i = 0; gt && i < nth; i++)
        sgl_fixed_grad_free(&gt[i]);
    free(gt);
    return rc;
}

int sgl_fixed_dequantize(const sgl_fixed_net *q, sgl_net *net)
{
    const sgl_config *c = &net->cfg;
    if (c->n_in != q->n_in || c->n_layers != q->n_layers || c->n_out != q->n_out)
        return sgl_fail(SGL_EUSAGE, "sgl_fixed_dequantize: float net %d-%d layers-%d does not "
                        "match the twin %d-%d layers-%d", c->n_in, c->n_layers, c->n_out,
                        q->n_in, q->n_layers, q->n_out);
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        sgl_layer *F = &net->layer[l];
        if (F->n != L->n || F->n_pre != L->n_pre)
            return sgl_fail(SGL_EUSAGE, "sgl_fixed_dequantize: layer %d is %d x %d in the float "
                            "net, %d x %d in the twin", l + 1, F->n_pre, F->n, L->n_pre, L->n);
        size_t n = (size_t)L->n;
        /* exact products by powers of two (ldexp's values) */
        const double s_in = ldexp(1.0, L->sh_in - q->v_frac);
        const double s_rec = ldexp(1.0, L->sh_rec - q->v_frac);
        for (size_t i = 0; i < (size_t)L->n_pre * n; i++)
            F->w_in[i] = (real)((double)L->w_in[i] * s_in);
        for (size_t i = 0; i < n * n; i++)
            F->w_rec[i] = (real)((double)L->w_rec[i] * s_rec);
        for (size_t i = 0; i < n; i++)
            F->bias[i] = (real)ldexp((double)L->bias[i], -q->v_frac);
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n;
    for (size_t i = 0; i < n_last * (size_t)q->n_out; i++)
        net->w_out[i] = (real)ldexp((double)q->w_out[i], -q->out_frac);
    for (int k = 0; k < q->n_out; k++)
        net->b_out[k] = (real)ldexp((double)q->b_out[k], -q->out_frac);
    sgl_net_fix_diag(net);
    return 0;
}
