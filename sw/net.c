/* SPDX-License-Identifier: MIT */
/* The float network and its BPTT (docs/method.md, "BPTT").
 *
 * Forward, per sample, layer and step t (event-driven: a spike adds one weight row):
 *   I_t = b + sum_{active inputs i} W_in[i] + sum_{j: z_{t-1,j} != 0} z_{t-1,j} W_rec[j]
 *   a_t = rho a_{t-1} + (1 - rho) z_{t-1}                    (ALIF only; threshold th_t = theta + beta_a a_t)
 *   v_t = alpha v_{t-1} + I_t - theta z_{t-1}                (subtraction reset)
 *   v_t = alpha v_{t-1} (1 - z_{t-1}) + I_t                  (multiplicative reset)
 *   z_t = H(v_t - th_t), SG_t = SG(v_t - th_t)
 *   logits_t = b_out + z_t W_out,  loss = mean_{b,t} CE(logits_t, y_b)
 * Backward (dL/dz_t through the SG; the reset term is a constant unless cfg.reset_grad):
 *   gz_t = dL/dz_t (readout or layer above) + W_rec gv_{t+1} + (1 - rho) ga_{t+1} [+ reset term]
 *   gv_t = gz_t SG_t + alpha (1 - z_t [mult]) gv_{t+1}
 *   ga_t = rho ga_{t+1} - beta_a SG_t gz_t
 * A batch is cut into SGL_SHARDS fixed shards, each with its own gradient buffer, summed in
 * shard order: the result does not depend on the number of threads.
 */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg_row.h"

#define SGL_SHARDS 8

void sgl_config_default(sgl_config *c)
{
    memset(c, 0, sizeof *c);
    c->n_in = 0;
    c->n_layers = 1;
    c->n_hidden[0] = 256;
    c->n_out = 0;
    c->n_steps = 100;
    c->tau = 20.0;
    c->theta = 1.0;
    c->reset = SGL_RESET_SUB;
    c->reset_grad = 0;
    c->alif = 0;
    c->alif_beta = 1.8;
    c->alif_tau = 0.0;
    c->sg.shape = SGL_SG_FAST_SIGMOID;
    c->sg.gamma = 1.0;
    c->sg.beta = 1.0;
    c->sg.q = 2.0;
}

int sgl_config_check(const sgl_config *c)
{
    if (c->n_in < 1 || c->n_in > 65536)
        return sgl_fail(SGL_EUSAGE, "input width %d out of range 1..65536", c->n_in);
    if (c->n_layers < 1 || c->n_layers > SGL_MAX_LAYERS)
        return sgl_fail(SGL_EUSAGE, "%d hidden layers: 1 to %d are supported", c->n_layers,
                        SGL_MAX_LAYERS);
    for (int l = 0; l < c->n_layers; l++)
        if (c->n_hidden[l] < 1 || c->n_hidden[l] > 65536)
            return sgl_fail(SGL_EUSAGE, "hidden layer %d width %d out of range 1..65536", l + 1,
                            c->n_hidden[l]);
    if (c->n_out < 2)
        return sgl_fail(SGL_EUSAGE, "%d output classes: at least 2 needed", c->n_out);
    if (c->n_steps < 1 || c->n_steps > 65535)
        return sgl_fail(SGL_EUSAGE, "%d steps out of range 1..65535", c->n_steps);
    if (!(c->tau > 0) || !isfinite(c->tau))
        return sgl_fail(SGL_EUSAGE, "membrane time constant %g must be > 0", c->tau);
    if (!(c->theta > 0) || !isfinite(c->theta))
        return sgl_fail(SGL_EUSAGE, "threshold %g must be > 0", c->theta);
    if (c->reset != SGL_RESET_SUB && c->reset != SGL_RESET_MULT)
        return sgl_fail(SGL_EUSAGE, "unknown reset mode %d", (int)c->reset);
    if (!(c->sg.beta > 0) || !isfinite(c->sg.beta))
        return sgl_fail(SGL_EUSAGE, "sharpness %g must be > 0", c->sg.beta);
    if (!(c->sg.gamma > 0) || !isfinite(c->sg.gamma))
        return sgl_fail(SGL_EUSAGE, "dampening %g must be > 0", c->sg.gamma);
    if (c->sg.shape == SGL_SG_Q_PSEUDOSPIKE && !(c->sg.q > 1))
        return sgl_fail(SGL_EUSAGE, "tail-fatness q = %g must be > 1", c->sg.q);
    if (c->alif && (!(c->alif_tau >= 0) || !isfinite(c->alif_beta)))
        return sgl_fail(SGL_EUSAGE, "bad ALIF parameters (tau_a %g, beta_a %g)", c->alif_tau,
                        c->alif_beta);
    return 0;
}

double sgl_config_alpha(const sgl_config *c) { return exp(-1.0 / c->tau); }

double sgl_config_rho(const sgl_config *c)
{
    double ta = c->alif_tau > 0 ? c->alif_tau : 0.5 * c->n_steps;
    return exp(-1.0 / ta);
}

void sgl_net_layout(const sgl_net *net, sgl_layout *lay)
{
    const sgl_config *c = &net->cfg;
    size_t o = 0;
    int pre = c->n_in;
    memset(lay, 0, sizeof *lay);
    for (int l = 0; l < c->n_layers; l++) {
        size_t n = (size_t)c->n_hidden[l];
        lay->w_in[l] = o;
        o += (size_t)pre * n;
        lay->w_rec[l] = o;
        o += n * n;
        lay->bias[l] = o;
        o += n;
        pre = (int)n;
    }
    lay->w_out = o;
    o += (size_t)pre * (size_t)c->n_out;
    lay->b_out = o;
}

size_t sgl_config_n_params(const sgl_config *c)
{
    size_t o = 0;
    int pre = c->n_in;
    for (int l = 0; l < c->n_layers; l++) {
        size_t n = (size_t)c->n_hidden[l];
        o += (size_t)pre * n + n * n + n;
        pre = (int)n;
    }
    return o + (size_t)pre * (size_t)c->n_out + (size_t)c->n_out;
}

int sgl_net_alloc(sgl_net *net, const sgl_config *cfg)
{
    int rc = sgl_config_check(cfg);
    if (rc)
        return rc;
    memset(net, 0, sizeof *net);
    net->cfg = *cfg;
    net->n_params = sgl_config_n_params(cfg);
    net->params = sgl_calloc(net->n_params, sizeof(real));
    if (!net->params)
        return -SGL_ENOMEM;
    sgl_layout lay;
    sgl_net_layout(net, &lay);
    int pre = cfg->n_in;
    for (int l = 0; l < cfg->n_layers; l++) {
        sgl_layer *L = &net->layer[l];
        L->n_pre = pre;
        L->n = cfg->n_hidden[l];
        L->w_in = net->params + lay.w_in[l];
        L->w_rec = net->params + lay.w_rec[l];
        L->bias = net->params + lay.bias[l];
        L->gamma = sgl_calloc((size_t)L->n, sizeof(real));
        if (!L->gamma) {
            sgl_net_free(net);
            return -SGL_ENOMEM;
        }
        for (int i = 0; i < L->n; i++)
            L->gamma[i] = (real)cfg->sg.gamma;
        pre = L->n;
    }
    net->w_out = net->params + lay.w_out;
    net->b_out = net->params + lay.b_out;
    return 0;
}

void sgl_net_free(sgl_net *net)
{
    if (!net)
        return;
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        free(net->layer[l].gamma);
    free(net->params);
    memset(net, 0, sizeof *net);
}

int sgl_net_copy(sgl_net *dst, const sgl_net *src)
{
    int rc = sgl_net_alloc(dst, &src->cfg);
    if (rc)
        return rc;
    memcpy(dst->params, src->params, src->n_params * sizeof(real));
    for (int l = 0; l < src->cfg.n_layers; l++)
        memcpy(dst->layer[l].gamma, src->layer[l].gamma,
               (size_t)src->layer[l].n * sizeof(real));
    return 0;
}

void sgl_net_fix_diag(sgl_net *net)
{
    for (int l = 0; l < net->cfg.n_layers; l++) {
        sgl_layer *L = &net->layer[l];
        for (int i = 0; i < L->n; i++)
            L->w_rec[(size_t)i * (size_t)L->n + (size_t)i] = 0;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Work space                                                                                */

typedef struct {
    real *grad;      /* [n_params] this shard's gradient sum */
    real *cur;       /* [nmax] input current */
    real *adapt;     /* [nmax] ALIF adaptation */
    real *xbuf;      /* [nmax] v - threshold */
    real *logit;     /* [n_out] */
    int *active;     /* [nmax] indices of non-zero entries */
    real *gv;        /* [per_shard][T][nmax] dL/dv of the current layer */
    real *gz;        /* [per_shard][T][nmax] dL/dz arriving at the current layer from above */
    real *gz_below;  /* [per_shard][T][nmax] dL/dz for the layer below */
    real *gz_row;    /* [per_shard][nmax] dL/dz at the current step */
    real *ga;        /* [per_shard][nmax] dL/da at the current step (ALIF) */
    double loss;
    int correct;
    double zsum[SGL_MAX_LAYERS], vsum[SGL_MAX_LAYERS], asum[SGL_MAX_LAYERS];
} shard_ws;

struct sgl_work {
    int max_batch, threads, T, nmax, n_layers;
    size_t n_params;
    /* per sample trace, per layer: v, sg, z ([T][n] each) */
    real *v[SGL_MAX_LAYERS], *sg[SGL_MAX_LAYERS], *z[SGL_MAX_LAYERS];
    real *gz_out;                      /* [max_batch][T][n_last] readout gradient into z */
    real *wt_out;                      /* transposed W_out: [n_out][n_last] */
    real *wt_in[SGL_MAX_LAYERS];       /* transposed W_in for l > 0 */
    /* membrane grid (sgl_work_set_grid): decay factor 2^(v_frac - k), LSB, clamp range */
    int grid;
    real g_inv, g_lsb, g_lo, g_hi;
    shard_ws sh[SGL_SHARDS];
};

sgl_work *sgl_work_new(const sgl_net *net, int max_batch, int threads)
{
    const sgl_config *c = &net->cfg;
    sgl_work *w = sgl_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->max_batch = max_batch;
    w->threads = threads > 0 ? threads : 1;
    w->T = c->n_steps;
    w->n_layers = c->n_layers;
    w->n_params = net->n_params;
    int nmax = c->n_in;
    for (int l = 0; l < c->n_layers; l++)
        if (c->n_hidden[l] > nmax)
            nmax = c->n_hidden[l];
    if (c->n_out > nmax)
        nmax = c->n_out;
    w->nmax = nmax;
    size_t T = (size_t)w->T, B = (size_t)max_batch;
    size_t P = (B + SGL_SHARDS - 1) / SGL_SHARDS + 1; /* samples per shard, at most */
    int ok = 1;
    for (int l = 0; l < c->n_layers; l++) {
        size_t n = (size_t)c->n_hidden[l];
        ok &= (w->v[l] = sgl_calloc(B * T * n, sizeof(real))) != NULL;
        ok &= (w->sg[l] = sgl_calloc(B * T * n, sizeof(real))) != NULL;
        ok &= (w->z[l] = sgl_calloc(B * T * n, sizeof(real))) != NULL;
        if (l > 0)
            ok &= (w->wt_in[l] = sgl_calloc(n * (size_t)c->n_hidden[l - 1], sizeof(real))) != NULL;
    }
    ok &= (w->wt_out = sgl_calloc((size_t)c->n_out * (size_t)c->n_hidden[c->n_layers - 1],
                                  sizeof(real))) != NULL;
    ok &= (w->gz_out = sgl_calloc(B * T * (size_t)c->n_hidden[c->n_layers - 1], sizeof(real))) != NULL;
    for (int s = 0; s < SGL_SHARDS && ok; s++) {
        shard_ws *h = &w->sh[s];
        ok &= (h->grad = sgl_calloc(net->n_params, sizeof(real))) != NULL;
        ok &= (h->cur = sgl_calloc((size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->adapt = sgl_calloc((size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->xbuf = sgl_calloc((size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->logit = sgl_calloc((size_t)c->n_out, sizeof(real))) != NULL;
        ok &= (h->active = sgl_calloc((size_t)nmax, sizeof(int))) != NULL;
        ok &= (h->gv = sgl_calloc(P * T * (size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->gz = sgl_calloc(P * T * (size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->gz_below = sgl_calloc(P * T * (size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->gz_row = sgl_calloc(P * (size_t)nmax, sizeof(real))) != NULL;
        ok &= (h->ga = sgl_calloc(P * (size_t)nmax, sizeof(real))) != NULL;
    }
    if (!ok) {
        sgl_work_free(w);
        return NULL;
    }
    return w;
}

void sgl_work_set_grid(sgl_work *w, const sgl_qgrid *g)
{
    w->grid = g && g->on;
    if (!w->grid)
        return;
    w->g_inv = (real)ldexp(1.0, g->v_frac - g->decay_shift);
    w->g_lsb = (real)ldexp(1.0, -g->v_frac);
    w->g_lo = (real)ldexp(-32768.0, -g->v_frac);
    w->g_hi = (real)ldexp(32767.0, -g->v_frac);
}

void sgl_work_free(sgl_work *w)
{
    if (!w)
        return;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        free(w->v[l]);
        free(w->sg[l]);
        free(w->z[l]);
        free(w->wt_in[l]);
    }
    free(w->gz_out);
    free(w->wt_out);
    for (int s = 0; s < SGL_SHARDS; s++) {
        shard_ws *h = &w->sh[s];
        free(h->grad);
        free(h->cur);
        free(h->adapt);
        free(h->xbuf);
        free(h->logit);
        free(h->active);
        free(h->gv);
        free(h->gz);
        free(h->gz_below);
        free(h->gz_row);
        free(h->ga);
    }
    free(w);
}

/* ---------------------------------------------------------------------------------------- */
/* Forward of one sample                                                                      */

static inline void axpy(real *restrict y, real a, const real *restrict x, int n)
{
    for (int i = 0; i < n; i++)
        y[i] += a * x[i];
}

static inline real dot(const real *restrict a, const real *restrict b, int n)
{
    real s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static inline void add_row(real *restrict y, const real *restrict x, int n)
{
    for (int i = 0; i < n; i++)
        y[i] += x[i];
}

/* Collect the indices of non-zero entries of z (spikes). */
static int nonzero(const real *z, int n, int *idx)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (z[i] != 0)
            idx[k++] = i;
    return k;
}

/* Run sample b forward through every layer, storing v, SG and z. With `train`, also computes
 * the readout gradient into z (gz_out) scaled by `scale`. Returns the sample's mean CE loss and
 * sets *pred; logits_mean (may be NULL) receives the time-averaged logits. */
static double forward_sample(sgl_work *w, shard_ws *h, const sgl_net *net, const sgl_sample *smp,
                             int b, int train, double scale, int *pred, double *logits_mean)
{
    const sgl_config *c = &net->cfg;
    const int T = w->T, L = c->n_layers, C = c->n_out;
    const real alpha = (real)sgl_config_alpha(c), theta = (real)c->theta;
    const real rho = (real)sgl_config_rho(c), beta_a = (real)c->alif_beta;
    const int smooth = c->sg.shape == SGL_SG_SMOOTH_TEST;
    const int mult = c->reset == SGL_RESET_MULT;

    for (int l = 0; l < L; l++) {
        const sgl_layer *Ly = &net->layer[l];
        const int n = Ly->n;
        real *V = w->v[l] + (size_t)b * (size_t)T * (size_t)n;
        real *S = w->sg[l] + (size_t)b * (size_t)T * (size_t)n;
        real *Z = w->z[l] + (size_t)b * (size_t)T * (size_t)n;
        const real *Zin = l > 0 ? w->z[l - 1] + (size_t)b * (size_t)T * (size_t)Ly->n_pre : NULL;
        real *cur = h->cur, *adapt = h->adapt, *x = h->xbuf;
        int k_ev = 0;
        memset(adapt, 0, (size_t)n * sizeof(real));
        for (int t = 0; t < T; t++) {
            real *v = V + (size_t)t * (size_t)n;
            real *z = Z + (size_t)t * (size_t)n;
            const real *vp = t > 0 ? v - n : NULL;
            const real *zp = t > 0 ? z - n : NULL;
            memcpy(cur, Ly->bias, (size_t)n * sizeof(real));
            if (l == 0) {
                while (k_ev < smp->n_ev && smp->ev_t[k_ev] < t)
                    k_ev++;
                for (; k_ev < smp->n_ev && smp->ev_t[k_ev] == t; k_ev++)
                    add_row(cur, Ly->w_in + (size_t)smp->ev_u[k_ev] * (size_t)n, n);
            } else {
                const real *zi = Zin + (size_t)t * (size_t)Ly->n_pre;
                int na = nonzero(zi, Ly->n_pre, h->active);
                for (int k = 0; k < na; k++) {
                    int i = h->active[k];
                    axpy(cur, zi[i], Ly->w_in + (size_t)i * (size_t)n, n);
                }
            }
            if (t > 0) {
                int na = nonzero(zp, n, h->active);
                for (int k = 0; k < na; k++) {
                    int j = h->active[k];
                    if (zp[j] == 1)
                        add_row(cur, Ly->w_rec + (size_t)j * (size_t)n, n);
                    else
                        axpy(cur, zp[j], Ly->w_rec + (size_t)j * (size_t)n, n);
                }
            }
            if (w->grid) {
                /* the twin's update on its grid; exact in float (sgl_work_set_grid) */
                const real ginv = w->g_inv, lsb = w->g_lsb, lo = w->g_lo, hi = w->g_hi;
                for (int i = 0; i < n; i++) {
                    real u = 0;
                    if (t > 0) {
                        u = vp[i] - (real)floor((double)(vp[i] * ginv)) * lsb;
                        if (zp[i] != 0)
                            u = mult ? (real)0 : u - theta;
                    }
                    real s = u + cur[i];
                    v[i] = s < lo ? lo : s > hi ? hi : s;
                }
            } else if (t > 0) {
                if (c->alif)
                    for (int i = 0; i < n; i++)
                        adapt[i] = rho * adapt[i] + ((real)1 - rho) * zp[i];
                if (mult)
                    for (int i = 0; i < n; i++)
                        v[i] = alpha * vp[i] * ((real)1 - zp[i]) + cur[i];
                else
                    for (int i = 0; i < n; i++)
                        v[i] = alpha * vp[i] + cur[i] - theta * zp[i];
            } else {
                memcpy(v, cur, (size_t)n * sizeof(real));
            }
            if (c->alif)
                for (int i = 0; i < n; i++)
                    x[i] = v[i] - theta - beta_a * adapt[i];
            else
                for (int i = 0; i < n; i++)
                    x[i] = v[i] - theta;
            if (smooth)
                sgl_smooth_row(&c->sg, x, z, n);
            else
                for (int i = 0; i < n; i++)
                    z[i] = x[i] > 0 ? (real)1 : (real)0;
            sgl_sg_row(&c->sg, x, Ly->gamma, S + (size_t)t * (size_t)n, n);
            real zs = 0, vs = 0, as = 0;
            for (int i = 0; i < n; i++) {
                zs += z[i];
                vs += v[i];
            }
            if (c->alif)
                for (int i = 0; i < n; i++)
                    as += adapt[i];
            h->zsum[l] += (double)zs;
            h->vsum[l] += (double)vs;
            h->asum[l] += (double)as;
        }
    }

    /* Readout and loss. */
    const sgl_layer *Lt = &net->layer[L - 1];
    const int n = Lt->n;
    const real *Z = w->z[L - 1] + (size_t)b * (size_t)T * (size_t)n;
    real *G = w->gz_out + (size_t)b * (size_t)T * (size_t)n;
    double lsum[256];
    double *lm = C <= 256 ? lsum : NULL;
    double loss = 0;
    double *acc = logits_mean ? logits_mean : lm;
    double *tmp = NULL;
    if (!acc) {
        tmp = malloc((size_t)C * sizeof(double));
        acc = tmp;
    }
    for (int k = 0; k < C; k++)
        acc[k] = 0;
    real *lg = h->logit;
    real *gout = h->grad + (net->w_out - net->params);
    real *gbout = h->grad + (net->b_out - net->params);
    for (int t = 0; t < T; t++) {
        const real *z = Z + (size_t)t * (size_t)n;
        memcpy(lg, net->b_out, (size_t)C * sizeof(real));
        int na = nonzero(z, n, h->active);
        for (int k = 0; k < na; k++) {
            int i = h->active[k];
            axpy(lg, z[i], net->w_out + (size_t)i * (size_t)C, C);
        }
        double mx = lg[0];
        for (int k = 1; k < C; k++)
            if (lg[k] > mx)
                mx = lg[k];
        double se = 0;
        for (int k = 0; k < C; k++)
            se += exp((double)lg[k] - mx);
        double lse = mx + log(se);
        loss += lse - (double)lg[smp->label];
        for (int k = 0; k < C; k++)
            acc[k] += (double)lg[k];
        if (train) {
            /* dCE/dlogit = softmax - onehot, scaled for the mean over steps and batch. */
            for (int k = 0; k < C; k++) {
                double p = exp((double)lg[k] - lse);
                lg[k] = (real)((p - (k == smp->label ? 1.0 : 0.0)) * scale);
            }
            real *g = G + (size_t)t * (size_t)n;
            memset(g, 0, (size_t)n * sizeof(real));
            for (int k = 0; k < C; k++)
                axpy(g, lg[k], w->wt_out + (size_t)k * (size_t)n, n);
            for (int k = 0; k < na; k++) {
                int i = h->active[k];
                axpy(gout + (size_t)i * (size_t)C, z[i], lg, C);
            }
            add_row(gbout, lg, C);
        }
    }
    int best = 0;
    for (int k = 1; k < C; k++)
        if (acc[k] > acc[best])
            best = k;
    if (logits_mean)
        for (int k = 0; k < C; k++)
            logits_mean[k] /= T;
    *pred = best;
    free(tmp);
    return loss / T;
}

/* ---------------------------------------------------------------------------------------- */
/* Backward of a shard's samples (after forward_sample with train = 1). The samples step back
 * through time together so that each row of W_rec, loaded once, serves up to four samples. */

static inline void dot4(const real *restrict a, const real *restrict b0, const real *restrict b1,
                        const real *restrict b2, const real *restrict b3, int n, real *out)
{
    real s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
    for (int i = 0; i < n; i++) {
        real x = a[i];
        s0 += x * b0[i];
        s1 += x * b1[i];
        s2 += x * b2[i];
        s3 += x * b3[i];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

/* gz_k[i] += sum_j W[i][j] gn_k[j] for the nb samples k (gz_k = gz + k*n, gn_k = gn0 + k*stride) */
static void rec_term(real *gz, const real *W, const real *gn0, size_t stride, int nb, int n)
{
    int k0 = 0;
    for (; k0 + 4 <= nb; k0 += 4) {
        const real *g0 = gn0 + (size_t)k0 * stride;
        for (int i = 0; i < n; i++) {
            real sum[4];
            dot4(W + (size_t)i * (size_t)n, g0, g0 + stride, g0 + 2 * stride, g0 + 3 * stride, n,
                 sum);
            for (int k = 0; k < 4; k++)
                gz[(size_t)(k0 + k) * (size_t)n + (size_t)i] += sum[k];
        }
    }
    for (; k0 < nb; k0++) {
        const real *g = gn0 + (size_t)k0 * stride;
        real *z = gz + (size_t)k0 * (size_t)n;
        for (int i = 0; i < n; i++)
            z[i] += dot(W + (size_t)i * (size_t)n, g, n);
    }
}

static void backward_shard(sgl_work *w, shard_ws *h, const sgl_net *net, const sgl_sample *batch,
                           int b0, int b1, const real *zconst)
{
    const sgl_config *c = &net->cfg;
    const int T = w->T, L = c->n_layers, nb = b1 - b0;
    const real alpha = (real)sgl_config_alpha(c), theta = (real)c->theta;
    const real rho = (real)sgl_config_rho(c), beta_a = (real)c->alif_beta;
    const int mult = c->reset == SGL_RESET_MULT;
    sgl_layout lay;
    sgl_net_layout(net, &lay);
    if (nb <= 0)
        return;

    for (int l = L - 1; l >= 0; l--) {
        const sgl_layer *Ly = &net->layer[l];
        const int n = Ly->n, np = Ly->n_pre;
        const size_t TN = (size_t)T * (size_t)n;
        /* gv of sample k at step t: h->gv + k*TN + t*n; gz and ga rows: h->gz_row/ga + k*n */
        memset(h->ga, 0, (size_t)nb * (size_t)n * sizeof(real));
        for (int t = T - 1; t >= 0; t--) {
            for (int k = 0; k < nb; k++) {
                const size_t base = (size_t)(b0 + k) * TN;
                const real *gin = (l == L - 1 ? w->gz_out + base : h->gz + (size_t)k * TN) +
                                  (size_t)t * (size_t)n;
                real *gz = h->gz_row + (size_t)k * (size_t)n;
                for (int i = 0; i < n; i++)
                    gz[i] = gin[i] + zconst[l];
            }
            if (t + 1 < T)
                /* recurrence: gz_i += sum_j W_rec[i][j] gv_{t+1, j} */
                rec_term(h->gz_row, Ly->w_rec, h->gv + (size_t)(t + 1) * (size_t)n, TN, nb, n);
            for (int k = 0; k < nb; k++) {
                const size_t base = (size_t)(b0 + k) * TN + (size_t)t * (size_t)n;
                const real *s = w->sg[l] + base, *z = w->z[l] + base, *v = w->v[l] + base;
                real *gz = h->gz_row + (size_t)k * (size_t)n;
                real *ga = h->ga + (size_t)k * (size_t)n;
                real *g = h->gv + (size_t)k * TN + (size_t)t * (size_t)n;
                if (t + 1 < T) {
                    const real *gn = g + n;
                    if (c->alif)
                        for (int i = 0; i < n; i++)
                            gz[i] += ((real)1 - rho) * ga[i];
                    if (c->reset_grad) {
                        if (mult)
                            for (int i = 0; i < n; i++)
                                gz[i] -= alpha * v[i] * gn[i];
                        else
                            for (int i = 0; i < n; i++)
                                gz[i] -= theta * gn[i];
                    }
                    if (mult)
                        for (int i = 0; i < n; i++)
                            g[i] = gz[i] * s[i] + alpha * ((real)1 - z[i]) * gn[i];
                    else
                        for (int i = 0; i < n; i++)
                            g[i] = gz[i] * s[i] + alpha * gn[i];
                } else {
                    for (int i = 0; i < n; i++)
                        g[i] = gz[i] * s[i];
                }
                if (c->alif)
                    for (int i = 0; i < n; i++)
                        ga[i] = rho * ga[i] - beta_a * s[i] * gz[i];
            }
        }
        /* Parameter gradients of this layer, and the gradient into the layer below. */
        real *gW_in = h->grad + lay.w_in[l];
        real *gW_rec = h->grad + lay.w_rec[l];
        real *gb = h->grad + lay.bias[l];
        for (int k = 0; k < nb; k++) {
            const int b = b0 + k;
            const sgl_sample *smp = &batch[b];
            const real *gv = h->gv + (size_t)k * TN;
            const real *Z = w->z[l] + (size_t)b * TN;
            const real *Zin = l > 0 ? w->z[l - 1] + (size_t)b * (size_t)T * (size_t)np : NULL;
            int k_ev = 0;
            for (int t = 0; t < T; t++) {
                const real *g = gv + (size_t)t * (size_t)n;
                add_row(gb, g, n);
                if (l == 0) {
                    while (k_ev < smp->n_ev && smp->ev_t[k_ev] < t)
                        k_ev++;
                    for (; k_ev < smp->n_ev && smp->ev_t[k_ev] == t; k_ev++)
                        add_row(gW_in + (size_t)smp->ev_u[k_ev] * (size_t)n, g, n);
                } else {
                    const real *zi = Zin + (size_t)t * (size_t)np;
                    int na = nonzero(zi, np, h->active);
                    for (int q = 0; q < na; q++) {
                        int i = h->active[q];
                        axpy(gW_in + (size_t)i * (size_t)n, zi[i], g, n);
                    }
                }
                if (t > 0) {
                    const real *zp = Z + (size_t)(t - 1) * (size_t)n;
                    int na = nonzero(zp, n, h->active);
                    for (int q = 0; q < na; q++) {
                        int j = h->active[q];
                        axpy(gW_rec + (size_t)j * (size_t)n, zp[j], g, n);
                    }
                }
            }
            /* gz_below[t] = W_in gv[t], for the layer below (its sample k) */
            if (l > 0) {
                const real *WTi = w->wt_in[l];
                for (int t = 0; t < T; t++) {
                    const real *g = gv + (size_t)t * (size_t)n;
                    real *gb2 = h->gz_below + (size_t)k * (size_t)T * (size_t)np +
                                (size_t)t * (size_t)np;
                    memset(gb2, 0, (size_t)np * sizeof(real));
                    for (int j = 0; j < n; j++)
                        if (g[j] != 0)
                            axpy(gb2, g[j], WTi + (size_t)j * (size_t)np, np);
                }
            }
        }
        for (int i = 0; i < n; i++)
            gW_rec[(size_t)i * (size_t)n + (size_t)i] = 0;
        if (l > 0) {
            real *tmp = h->gz;
            h->gz = h->gz_below;
            h->gz_below = tmp;
        }
    }
}

/* ---------------------------------------------------------------------------------------- */

static void transpose(real *dst, const real *src, int rows, int cols)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            dst[(size_t)j * (size_t)rows + (size_t)i] = src[(size_t)i * (size_t)cols + (size_t)j];
}

static int check_batch(const sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n)
{
    if (n < 1 || n > w->max_batch)
        return sgl_fail(SGL_EUSAGE, "batch of %d samples (work space holds 1..%d)", n,
                        w->max_batch);
    if (w->n_params != net->n_params || w->T != net->cfg.n_steps)
        return sgl_fail(SGL_EUSAGE, "work space was made for another network");
    for (int b = 0; b < n; b++) {
        const sgl_sample *s = &batch[b];
        if (s->label < 0 || s->label >= net->cfg.n_out)
            return sgl_fail(SGL_EDATA, "sample %d: label %d outside 0..%d", b, s->label,
                            net->cfg.n_out - 1);
        for (int k = 0; k < s->n_ev; k++)
            if (s->ev_u[k] >= net->cfg.n_in || s->ev_t[k] >= net->cfg.n_steps)
                return sgl_fail(SGL_EDATA,
                                "sample %d: event %d (step %d, channel %d) outside %d steps x "
                                "%d channels",
                                b, k, s->ev_t[k], s->ev_u[k], net->cfg.n_steps, net->cfg.n_in);
    }
    return 0;
}

static void shard_range(int n, int s, int *b0, int *b1)
{
    *b0 = (int)((long)n * s / SGL_SHARDS);
    *b1 = (int)((long)n * (s + 1) / SGL_SHARDS);
}

static void finish_stats(sgl_work *w, const sgl_net *net, int n, const sgl_rate_reg *reg,
                         sgl_batch_stats *st)
{
    const sgl_config *c = &net->cfg;
    double loss = 0, zs[SGL_MAX_LAYERS] = {0}, vs[SGL_MAX_LAYERS] = {0}, as[SGL_MAX_LAYERS] = {0};
    int correct = 0;
    for (int s = 0; s < SGL_SHARDS; s++) {
        loss += w->sh[s].loss;
        correct += w->sh[s].correct;
        for (int l = 0; l < c->n_layers; l++) {
            zs[l] += w->sh[s].zsum[l];
            vs[l] += w->sh[s].vsum[l];
            as[l] += w->sh[s].asum[l];
        }
    }
    memset(st, 0, sizeof *st);
    st->loss = loss / n;
    st->correct = correct;
    double reg_loss = 0;
    for (int l = 0; l < c->n_layers; l++) {
        double cnt = (double)n * w->T * c->n_hidden[l];
        st->rate[l] = zs[l] / cnt;
        st->v_mean[l] = vs[l] / cnt;
        st->thr_mean[l] = c->theta + (c->alif ? c->alif_beta * as[l] / cnt : 0.0);
        if (reg && reg->weight != 0) {
            double d = st->rate[l] - reg->target;
            reg_loss += reg->weight * d * d;
        }
    }
    st->reg_loss = reg_loss;
}

static int run(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n,
               const sgl_rate_reg *reg, int *pred, double *logits_mean, real *grad,
               sgl_batch_stats *st)
{
    int rc = check_batch(w, net, batch, n);
    if (rc)
        return rc;
    const sgl_config *c = &net->cfg;
    const int train = grad != NULL;
    const double scale = reg && reg->no_task ? 0.0 : 1.0 / ((double)n * w->T);
    if (train) {
        transpose(w->wt_out, net->w_out, net->layer[c->n_layers - 1].n, c->n_out);
        for (int l = 0; l < c->n_layers; l++) {
            const sgl_layer *Ly = &net->layer[l];
            if (l > 0)
                transpose(w->wt_in[l], Ly->w_in, Ly->n_pre, Ly->n);
        }
    }
#pragma omp parallel for num_threads(w->threads) schedule(static, 1)
    for (int s = 0; s < SGL_SHARDS; s++) {
        shard_ws *h = &w->sh[s];
        int b0, b1;
        shard_range(n, s, &b0, &b1);
        h->loss = 0;
        h->correct = 0;
        for (int l = 0; l < SGL_MAX_LAYERS; l++)
            h->zsum[l] = h->vsum[l] = h->asum[l] = 0;
        if (train)
            memset(h->grad, 0, w->n_params * sizeof(real));
        for (int b = b0; b < b1; b++) {
            int p;
            h->loss += forward_sample(w, h, net, &batch[b], b, train, scale, &p,
                                      logits_mean ? logits_mean + (size_t)b * (size_t)c->n_out
                                                  : NULL);
            h->correct += p == batch[b].label;
            if (pred)
                pred[b] = p;
        }
    }
    finish_stats(w, net, n, reg, st);
    if (!train)
        return 0;
    /* The rate regularizer's gradient is the same for every spike of a layer. */
    real zconst[SGL_MAX_LAYERS] = {0};
    if (reg && reg->weight != 0)
        for (int l = 0; l < c->n_layers; l++)
            zconst[l] = (real)(2.0 * reg->weight * (st->rate[l] - reg->target) /
                               ((double)n * w->T * c->n_hidden[l]));
#pragma omp parallel for num_threads(w->threads) schedule(static, 1)
    for (int s = 0; s < SGL_SHARDS; s++) {
        shard_ws *h = &w->sh[s];
        int b0, b1;
        shard_range(n, s, &b0, &b1);
        backward_shard(w, h, net, batch, b0, b1, zconst);
    }
    memcpy(grad, w->sh[0].grad, w->n_params * sizeof(real));
    for (int s = 1; s < SGL_SHARDS; s++)
        add_row(grad, w->sh[s].grad, (int)w->n_params);
    return 0;
}

int sgl_forward(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n,
                const sgl_rate_reg *reg, int *pred, double *logits_mean, sgl_batch_stats *st)
{
    return run(w, net, batch, n, reg, pred, logits_mean, NULL, st);
}

int sgl_backward(sgl_work *w, const sgl_net *net, const sgl_sample *batch, int n,
                 const sgl_rate_reg *reg, real *grad, sgl_batch_stats *st)
{
    return run(w, net, batch, n, reg, NULL, NULL, grad, st);
}

int sgl_spikes(sgl_work *w, const sgl_net *net, const sgl_sample *s, int layer, unsigned char *z)
{
    if (layer < 0 || layer >= net->cfg.n_layers)
        return sgl_fail(SGL_EUSAGE, "layer %d: the network has %d hidden layers", layer + 1,
                        net->cfg.n_layers);
    sgl_batch_stats st;
    int rc = sgl_forward(w, net, s, 1, NULL, NULL, NULL, &st);
    if (rc)
        return rc;
    /* sample 0 of the batch sits in shard SGL_SHARDS - 1's range only when n = 1: its trace is
     * at batch index 0 whatever shard ran it */
    size_t cnt = (size_t)w->T * (size_t)net->layer[layer].n;
    for (size_t i = 0; i < cnt; i++)
        z[i] = w->z[layer][i] != 0;
    return 0;
}
