/* SPDX-License-Identifier: MIT */
/* Training on twin numbers (docs/numerics.md, "Training on twin numbers"): integer BPTT from
 * the twin's spikes and SG codes, SGD with a power-of-two rate and stochastic rounding. */
#include "fixed_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "file.h"

void sgl_fixed_train_opts_default(sgl_fixed_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 5;
    o->batch = 32;
    o->grad_frac = 16;
    o->lr_shift = 5;
    o->state_shift = 1;
    o->normalize = 1;
    o->seed = 0;
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

static int32_t sat32(int64_t x, long *sat)
{
    if (x > INT32_MAX) {
        (*sat)++;
        return INT32_MAX;
    }
    if (x < INT32_MIN) {
        (*sat)++;
        return INT32_MIN;
    }
    return (int32_t)x;
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
    free(g->logit);
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
    ok = ok && (g->logit = sgl_calloc(C, sizeof(double))) != NULL;
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

static void record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                   const uint16_t *code)
{
    (void)v;
    sgl_fixed_grad *g = ctx;
    memcpy(g->z[layer] + (size_t)t * (size_t)n, z, (size_t)n);
    memcpy(g->code[layer] + (size_t)t * (size_t)n, code, (size_t)n * sizeof *code);
}

int sgl_fixed_grad_sample(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s)
{
    int pred = 0;
    int rc = sgl_fixed_forward(q, s, &pred, NULL, NULL, record, g);
    return rc ? rc : sgl_fixed_grad_backward(g, q, s, pred);
}

int sgl_fixed_grad_backward(sgl_fixed_grad *g, const sgl_fixed_net *q, const sgl_sample *s,
                            int pred)
{
    if (s->label < 0 || s->label >= q->n_out)
        return sgl_fail(SGL_EDATA, "fixed backward: label %d outside 0..%d", s->label,
                        q->n_out - 1);
    const int T = q->n_steps, L = q->n_layers, C = q->n_out, GF = g->grad_frac;
    const int top = L - 1, nt = q->layer[top].n;
    /* 1. Readout error (host, floating point): e_t = round((softmax(logits_t) - y) 2^GF). The
     *    logits are the twin's per-step readout in float units, (b_out + z_t W_out) 2^-out_frac. */
    double loss = 0;
    for (int t = 0; t < T; t++) {
        const uint8_t *zt = g->z[top] + (size_t)t * (size_t)nt;
        double mx = -HUGE_VAL, sum = 0;
        for (int c = 0; c < C; c++) {
            int64_t a = q->b_out[c];
            for (int i = 0; i < nt; i++)
                if (zt[i])
                    a += q->w_out[(size_t)i * (size_t)C + (size_t)c];
            g->logit[c] = ldexp((double)a, -q->out_frac);
            if (g->logit[c] > mx)
                mx = g->logit[c];
        }
        for (int c = 0; c < C; c++)
            sum += exp(g->logit[c] - mx);
        loss += log(sum) - (g->logit[s->label] - mx);
        int32_t *e = g->err + (size_t)t * (size_t)C;
        for (int c = 0; c < C; c++) {
            double p = exp(g->logit[c] - mx) / sum - (c == s->label);
            e[c] = (int32_t)lround(ldexp(p, GF));
            g->b_out[c] += e[c];
            for (int i = 0; i < nt; i++)
                if (zt[i])
                    g->w_out[(size_t)i * (size_t)C + (size_t)c] += e[c];
        }
    }
    g->loss += loss / T;
    g->correct += pred == s->label;
    g->samples++;
    /* 2. Integer BPTT, layer by layer from the top, t from T-1 down to 0. */
    const int k = q->decay_shift, v_frac = q->v_frac;
    for (int l = top; l >= 0; l--) {
        const sgl_fixed_layer *Ly = &q->layer[l];
        const int n = Ly->n;
        const int s_rec = v_frac - Ly->sh_rec;
        int32_t *gv = g->gv[l];
        for (int t = T - 1; t >= 0; t--) {
            int64_t *gz = g->gz;
            const int32_t *gvn = t + 1 < T ? gv + (size_t)(t + 1) * (size_t)n : NULL;
            /* g^z from the readout or from the layer above (same step) */
            if (l == top) {
                const int32_t *e = g->err + (size_t)t * (size_t)C;
                for (int i = 0; i < n; i++) {
                    int64_t a = 0;
                    for (int c = 0; c < C; c++)
                        a += (int64_t)q->w_out[(size_t)i * (size_t)C + (size_t)c] * e[c];
                    gz[i] = sgl_fixed_rshift_round(a, q->out_frac);
                }
            } else {
                const sgl_fixed_layer *Up = &q->layer[l + 1];
                const int32_t *gvu = g->gv[l + 1] + (size_t)t * (size_t)Up->n;
                for (int i = 0; i < n; i++) {
                    int64_t a = 0;
                    const int8_t *w = Up->w_in + (size_t)i * (size_t)Up->n;
                    for (int j = 0; j < Up->n; j++)
                        a += (int64_t)w[j] * gvu[j];
                    gz[i] = sgl_fixed_rshift_round(a, v_frac - Up->sh_in);
                }
            }
            /* + W_rec g^v_{t+1} (row j of W_rec holds j's outgoing weights) */
            if (gvn)
                for (int j = 0; j < n; j++) {
                    int64_t a = 0;
                    const int8_t *w = Ly->w_rec + (size_t)j * (size_t)n;
                    for (int i = 0; i < n; i++)
                        a += (int64_t)w[i] * gvn[i];
                    gz[j] += sgl_fixed_rshift_round(a, s_rec);
                }
            /* g^v_t = g^z SG + alpha g^v_{t+1} (times 1 - z_t with multiplicative reset) */
            const uint8_t *zt = g->z[l] + (size_t)t * (size_t)n;
            const uint16_t *ct = g->code[l] + (size_t)t * (size_t)n;
            int32_t *gvt = gv + (size_t)t * (size_t)n;
            for (int i = 0; i < n; i++) {
                int32_t gzi = sat32(gz[i], &g->saturations);
                int64_t m = (int64_t)ct[i] * g->gamma_q[l][i];
                int64_t a = sgl_fixed_rshift_round((int64_t)gzi * m, SGL_FT_GAMMA_FRAC);
                if (gvn && !(q->reset == SGL_RESET_MULT && zt[i]))
                    a += sgl_fixed_decay(gvn[i], k);
                gvt[i] = sat32(a, &g->saturations);
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
                const uint8_t *zb = g->z[l - 1] + (size_t)t * (size_t)nb;
                for (int u = 0; u < nb; u++)
                    if (zb[u]) {
                        int64_t *gw = g->w_in[l] + (size_t)u * (size_t)n;
                        for (int i = 0; i < n; i++)
                            gw[i] += gvt[i];
                    }
            }
            if (t > 0) {
                const uint8_t *zp = g->z[l] + (size_t)(t - 1) * (size_t)n;
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

/* w <- clamp(w - sround(g, S), lo, hi) for a whole tensor of int8 or int16 (one draw each). */
static void step_i8(int8_t *w, const int64_t *g, size_t n, int S, sgl_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        int64_t d = sgl_fixed_sround(g[i], S, r);
        int64_t v = (int64_t)w[i] - d;
        w[i] = (int8_t)(v > SGL_FIXED_WMAX ? SGL_FIXED_WMAX
                                           : v < -SGL_FIXED_WMAX ? -SGL_FIXED_WMAX : v);
    }
}

static void step_i16(int16_t *w, const int64_t *g, size_t n, int S, sgl_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        int64_t d = sgl_fixed_sround(g[i], S, r);
        int64_t v = (int64_t)w[i] - d;
        w[i] = (int16_t)(v > SGL_FIXED_VMAX ? SGL_FIXED_VMAX : v < SGL_FIXED_VMIN ? SGL_FIXED_VMIN : v);
    }
}

/* Bit length of max |g| over a tensor (0 if all zero): the position of its leading one + 1. */
static int msb_len(const int64_t *g, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = g[i] < 0 ? (uint64_t)0 - (uint64_t)g[i] : (uint64_t)g[i];
        if (a > m)
            m = a;
    }
    int b = 0;
    while (m) {
        b++;
        m >>= 1;
    }
    return b;
}

void sgl_fixed_sgd_step(sgl_fixed_net *q, const sgl_fixed_grad *g, int lr_shift, int state_shift,
                        int normalize, sgl_rng *r)
{
    /* A parameter whose float value is w_q 2^-e moves by -G 2^-(GF + lr_shift) in float units,
     * i.e. by -G 2^-(GF + lr_shift - e) integer units; biases and W_rec by a further 2^-k.
     * normalize: GF is replaced per tensor by the bit length of its largest |G|, so that the
     * largest step of each tensor is in [2^-(lr_shift+1), 2^-lr_shift) float units. */
    const int ks = state_shift ? q->decay_shift : 0;
#define SGL_FT_BASE(G, n) ((normalize ? msb_len((G), (n)) : g->grad_frac) + lr_shift)
    for (int l = 0; l < q->n_layers; l++) {
        sgl_fixed_layer *L = &q->layer[l];
        size_t n = (size_t)L->n, nin = (size_t)L->n_pre * n;
        step_i8(L->w_in, g->w_in[l], nin, SGL_FT_BASE(g->w_in[l], nin) - (q->v_frac - L->sh_in),
                r);
        step_i8(L->w_rec, g->w_rec[l], n * n,
                SGL_FT_BASE(g->w_rec[l], n * n) + ks - (q->v_frac - L->sh_rec), r);
        for (size_t i = 0; i < n; i++)
            L->w_rec[i * n + i] = 0;
        step_i16(L->bias, g->bias[l], n, SGL_FT_BASE(g->bias[l], n) + ks - q->v_frac, r);
    }
    size_t n_last = (size_t)q->layer[q->n_layers - 1].n, nout = n_last * (size_t)q->n_out;
    step_i8(q->w_out, g->w_out, nout, SGL_FT_BASE(g->w_out, nout) - q->out_frac, r);
    step_i16(q->b_out, g->b_out, (size_t)q->n_out,
             SGL_FT_BASE(g->b_out, (size_t)q->n_out) - q->out_frac, r);
#undef SGL_FT_BASE
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
    double loss;            /* running sums of the epoch */
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
                         o->grad_frac, o->lr_shift, o->state_shift, o->normalize,
                         o->keep_start,
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
                      int n_order, const sgl_fixed_net *q, const sgl_fixed_net *best)
{
    sgl_wbuf b = {0};
    sgl_put_u32(&b, fp);
    sgl_put_u32(&b, (uint32_t)st->epoch);
    sgl_put_u32(&b, (uint32_t)st->b0);
    sgl_put_u32(&b, (uint32_t)st->shuffled);
    sgl_put_f64(&b, st->loss);
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
                      sgl_fixed_net *q, sgl_fixed_net *best)
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
    st->loss = sgl_get_f64(&b);
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

static int twin_forward(void *ctx, const sgl_fixed_net *q, const sgl_sample *s,
                        sgl_fixed_grad *g, int *pred)
{
    (void)ctx;
    return sgl_fixed_forward(q, s, pred, NULL, NULL, record, g);
}

int sgl_fixed_train(sgl_fixed_net *q, const sgl_net *gamma, const sgl_data *train,
                    const sgl_data *valid, const sgl_fixed_train_opts *o,
                    sgl_fixed_train_result *res)
{
    return sgl_fixed_train_run(q, gamma, train, valid, o, NULL, res);
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
    if (o->epochs < 1 || o->batch < 1 || o->lr_shift < 0 || o->lr_shift > 40)
        return sgl_fail(SGL_EUSAGE, "%s: epochs %d, batch %d, lr shift %d (need >= 1, >= 1, "
                        "0..40)", where, o->epochs, o->batch, o->lr_shift);
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
    sgl_fixed_grad g;
    int rc = sgl_fixed_grad_init(&g, q, gamma, o->grad_frac);
    if (rc)
        return rc;
    sgl_fixed_net best = {0};
    const int N = train->n_samples;
    int *order = sgl_calloc((size_t)N, sizeof *order);
    int nh[SGL_MAX_LAYERS];
    for (int l = 0; l < q->n_layers; l++)
        nh[l] = q->layer[l].n;
    if (!order || (use_valid && (rc = sgl_fixed_alloc(&best, q->n_in, q->n_layers, nh, q->n_out,
                                                      q->n_steps, q->sg_entries)))) {
        rc = rc ? rc : sgl_fail(SGL_ENOMEM, "%s: out of memory", where);
        goto done;
    }
    int (*forward)(void *, const sgl_fixed_net *, const sgl_sample *, sgl_fixed_grad *, int *) =
        h->forward ? h->forward : twin_forward;
    const uint32_t fp = fingerprint(q, o, train, use_valid ? valid : NULL);
    ft_state st = {0};
    st.best_acc = -1;
    st.best_epoch = -1;
    sgl_rng_seed(&st.shuf, o->seed, 0x7368756666ULL);  /* "shuff" */
    sgl_rng_seed(&st.rnd, o->seed, 0x73726f756e64ULL); /* "sround" */
    for (int i = 0; i < N; i++)
        order[i] = i;
    if (h->resume && (rc = load_state(h->checkpoint, fp, &st, order, N, q, &best)))
        goto done;
    if (h->updated && (rc = h->updated(h->ctx, q)))
        goto done;
    if (use_valid && o->keep_start && !h->resume) {
        if ((rc = h->evaluate ? h->evaluate(h->ctx, q, valid, &st.best_acc)
                              : sgl_fixed_evaluate(q, valid, &st.best_acc, NULL, NULL)))
            goto done;
        st.has_best = 1;
        copy_weights(&best, q);
    }
    const int batches = (N + o->batch - 1) / o->batch;
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
                rc = h->checkpoint ? save_state(h->checkpoint, fp, &st, order, N, q, &best) : 0;
                if (!rc)
                    rc = h->checkpoint
                             ? sgl_fail(SGL_EINTR, "interrupted at epoch %d, batch %d; --resume "
                                        "continues from %s", st.epoch + 1,
                                        st.b0 / o->batch + 1, h->checkpoint)
                             : sgl_fail(SGL_EINTR, "interrupted at epoch %d, batch %d",
                                        st.epoch + 1, st.b0 / o->batch + 1);
                goto done;
            }
            int b1 = st.b0 + o->batch < N ? st.b0 + o->batch : N;
            for (int tries = 0;; tries++) {
                sgl_fixed_grad_zero(&g, q);
                for (int b = st.b0; b < b1; b++) {
                    sgl_sample s = sgl_data_sample(train, order[b]);
                    int pred = 0;
                    if ((rc = forward(h->ctx, q, &s, &g, &pred)) ||
                        (rc = sgl_fixed_grad_backward(&g, q, &s, pred))) {
                        char msg[512];
                        snprintf(msg, sizeof msg, "%s", sgl_errmsg());
                        rc = sgl_fail(-rc, "%s: sample %d: %s", train->name, order[b], msg);
                        goto done;
                    }
                }
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
            sgl_fixed_sgd_step(q, &g, o->lr_shift, o->state_shift, o->normalize, &st.rnd);
            if (h->updated && (rc = h->updated(h->ctx, q)))
                goto done;
            st.loss += g.loss;
            st.correct += g.correct;
            st.grad_saturations += g.saturations;
            double t = now_secs();
            if (h->progress) {
                int done_b = st.b0 / o->batch + 1, seen = b1;
                double frac = ((double)st.epoch * batches + done_b) / ((double)o->epochs * batches);
                sgl_progress p = {1, st.epoch, o->epochs, done_b, batches, st.loss / seen,
                                  (double)st.correct / seen, {0}, 0, t - t_start, 0};
                p.eta = frac > 0 ? (t - t_start) * (1 - frac) / frac : 0;
                h->progress(&p, h->progress_user);
            }
            if (h->checkpoint && b1 < N && t - t_ckpt >= every) {
                ft_state next = st;
                next.b0 = b1;
                if ((rc = save_state(h->checkpoint, fp, &next, order, N, q, &best)))
                    goto done;
                t_ckpt = t;
            }
        }
        res->final_train_loss = st.loss / N;
        res->final_train_acc = (double)st.correct / N;
        if (use_valid) {
            double acc = 0;
            if ((rc = h->evaluate ? h->evaluate(h->ctx, q, valid, &acc)
                                  : sgl_fixed_evaluate(q, valid, &acc, NULL, NULL)))
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
        if (h->checkpoint) {
            ft_state next = st;
            next.epoch = st.epoch + 1;
            if ((rc = save_state(h->checkpoint, fp, &next, order, N, q, &best)))
                goto done;
            t_ckpt = now_secs();
        }
    }
    res->epochs_run = st.epoch;
    res->grad_saturations = st.grad_saturations;
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
    sgl_fixed_free(&best);
    sgl_fixed_grad_free(&g);
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
