/* SPDX-License-Identifier: MIT */
/* randman: the random-manifold spiking task of Zenke & Vogels (2021), generated with the
 * project's PCG32 so that a seed names the same data set everywhere. Definition in
 * docs/data.md; the task is from F. Zenke and T. P. Vogels, "The Remarkable Robustness of
 * Surrogate Gradient Learning for Instilling Complex Function in Spiking Neural Networks",
 * Neural Computation 33(4), 899-925, 2021 (reference code: github.com/fzenke/randman). */
#include "data_priv.h"
#include "rng.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANDMAN_KEYS "seed, classes, units, steps, step_frac, dim, spikes, samples, alpha, keep"
#define RANDMAN_PREC 1e-3
#define RANDMAN_MAX_F 1000

typedef struct {
    uint64_t seed;
    int classes, units, steps, dim, spikes, samples;
    int keep; /* only the samples of classes 0 .. keep-1 (a subset of the same set) */
    double step_frac, alpha;
} randman_cfg;

/* One manifold: for unit e and dimension d, g(x) = sum_f A[f] sin(W[f] x + P[f]) with
 * A = theta0 s_f, W = 2 pi f theta1, P = 2 pi theta2 (the reference formula, regrouped). */
typedef struct {
    int units, dim, F;
    double *A, *W, *P; /* [units][dim][F] */
} manifold;

static int manifold_init(manifold *m, uint64_t seed, int units, int dim, double alpha)
{
    double f = ceil(pow(RANDMAN_PREC, -1.0 / alpha));
    m->F = f > RANDMAN_MAX_F ? RANDMAN_MAX_F : (int)f;
    m->units = units;
    m->dim = dim;
    size_t n = (size_t)units * (size_t)dim * (size_t)m->F;
    m->A = malloc(n * sizeof *m->A);
    m->W = malloc(n * sizeof *m->W);
    m->P = malloc(n * sizeof *m->P);
    if (!m->A || !m->W || !m->P)
        return sgl_fail(SGL_ENOMEM, "randman: out of memory (%zu manifold parameters)", 3 * n);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0);
    const double two_pi = 6.283185307179586;
    double *th = malloc(3 * (size_t)m->F * sizeof *th);
    if (!th)
        return sgl_fail(SGL_ENOMEM, "randman: out of memory");
    for (int e = 0; e < units; e++)
        for (int d = 0; d < dim; d++) {
            /* theta[e][d][k][f], row-major, all drawn; theta[e][d][0][0] is then set to 0 */
            for (int k = 0; k < 3 * m->F; k++)
                th[k] = sgl_rng_uniform(&r);
            th[0] = 0.0;
            size_t base = ((size_t)e * (size_t)dim + (size_t)d) * (size_t)m->F;
            for (int q = 0; q < m->F; q++) {
                double s = 1.0 / (pow(q + 1.0, alpha) + 1.0);
                m->A[base + q] = th[q] * s;
                m->W[base + q] = two_pi * q * th[m->F + q];
                m->P[base + q] = two_pi * th[2 * m->F + q];
            }
        }
    free(th);
    return 0;
}

static void manifold_free(manifold *m)
{
    free(m->A);
    free(m->W);
    free(m->P);
    memset(m, 0, sizeof *m);
}

/* y[i][e] = prod_d g_{e,d}(x[i][d]) for n points. */
static void manifold_eval(const manifold *m, int n, const double *x, double *y)
{
    const int F = m->F, D = m->dim, E = m->units;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++)
        for (int e = 0; e < E; e++) {
            double prod = 1.0;
            for (int d = 0; d < D; d++) {
                size_t base = ((size_t)e * (size_t)D + (size_t)d) * (size_t)F;
                const double *A = m->A + base, *W = m->W + base, *P = m->P + base;
                double xv = x[(size_t)i * (size_t)D + (size_t)d], g = 0.0;
                for (int q = 0; q < F; q++)
                    g += A[q] * sin(W[q] * xv + P[q]);
                prod *= g;
            }
            y[(size_t)i * (size_t)E + (size_t)e] = prod;
        }
}

static int randman_parse(sgl_spec *s, randman_cfg *c)
{
    c->seed = 1;
    c->classes = 10;
    c->units = 20;
    c->steps = 100;
    c->step_frac = 0.5;
    c->dim = 1;
    c->spikes = 1;
    c->samples = 1000;
    c->alpha = 1.0;
    c->keep = 0;
    int rc;
    if (s->arg)
        return sgl_fail(SGL_EUSAGE, "randman: '%s' is not key=value (keys: %s)", s->arg,
                        RANDMAN_KEYS);
    if ((rc = sgl_spec_u64(s, "seed", &c->seed)) || //
        (rc = sgl_spec_int(s, "classes", 1, 65536, &c->classes)) ||
        (rc = sgl_spec_int(s, "units", 1, 65536, &c->units)) ||
        (rc = sgl_spec_int(s, "steps", 1, 65536, &c->steps)) ||
        (rc = sgl_spec_double(s, "step_frac", 0.0, 1, 1.0, 0, &c->step_frac)) ||
        (rc = sgl_spec_int(s, "dim", 1, 16, &c->dim)) ||
        (rc = sgl_spec_int(s, "spikes", 1, 1000, &c->spikes)) ||
        (rc = sgl_spec_int(s, "samples", 1, 10000000, &c->samples)) ||
        (rc = sgl_spec_double(s, "alpha", 0.0, 1, 100.0, 0, &c->alpha)) ||
        (rc = sgl_spec_int(s, "keep", 1, 65536, &c->keep)) ||
        (rc = sgl_spec_unused(s, RANDMAN_KEYS)))
        return rc;
    if (c->keep > c->classes)
        return sgl_fail(SGL_EUSAGE, "randman: keep=%d is more than classes=%d", c->keep,
                        c->classes);
    if (c->keep == c->classes)
        c->keep = 0; /* all of them: the same set, the same name */
    if ((double)c->classes * c->samples > 1e7)
        return sgl_fail(SGL_EUSAGE, "randman: classes x samples = %.0f exceeds 10000000",
                        (double)c->classes * c->samples);
    if ((double)c->classes * c->samples * c->spikes * c->units > (double)INT_MAX)
        return sgl_fail(SGL_EUSAGE, "randman: classes x samples x spikes x units exceeds %d",
                        INT_MAX);
    return 0;
}

/* Generate the whole set (before the split): tb[sample][k * units + e] is the step of unit e's
 * k-th spike, samples in class order; perm is the shuffle. */
static int randman_generate(const randman_cfg *c, uint16_t **tb_out, int **perm_out)
{
    const int C = c->classes, N = c->units, D = c->dim, K = c->spikes, M = c->samples;
    const int total = C * M, per = K * N;
    int rc = 0;
    uint64_t *seeds = malloc((size_t)C * (size_t)K * sizeof *seeds);
    double *x = malloc((size_t)M * (size_t)D * sizeof *x);
    double *y = malloc((size_t)M * (size_t)N * sizeof *y);
    uint16_t *tb = malloc((size_t)total * (size_t)per * sizeof *tb);
    int *perm = malloc((size_t)total * sizeof *perm);
    manifold m = {0};
    if (!seeds || !x || !y || !tb || !perm) {
        rc = sgl_fail(SGL_ENOMEM, "randman: out of memory (%d samples)", total);
        goto done;
    }
    sgl_rng r;
    sgl_rng_seed(&r, c->seed, 0);
    for (int i = 0; i < C * K; i++) {
        uint64_t hi = sgl_rng_u32(&r);
        seeds[i] = hi << 32 | sgl_rng_u32(&r);
    }
    const double scale = c->steps * c->step_frac;
    for (int cl = 0; cl < C; cl++) {
        for (int i = 0; i < M * D; i++)
            x[i] = sgl_rng_uniform(&r);
        for (int k = 0; k < K; k++) {
            if ((rc = manifold_init(&m, seeds[cl * K + k], N, D, c->alpha)))
                goto done;
            manifold_eval(&m, M, x, y);
            manifold_free(&m);
            for (int e = 0; e < N; e++) {
                double lo = INFINITY, hi = -INFINITY;
                for (int i = 0; i < M; i++) {
                    double v = y[(size_t)i * N + e];
                    lo = v < lo ? v : lo;
                    hi = v > hi ? v : hi;
                }
                for (int i = 0; i < M; i++) {
                    double v = (y[(size_t)i * N + e] - lo) / (hi - lo + 1e-7);
                    double t = floor(v * scale);
                    int ti = t < 0 ? 0 : t > c->steps - 1 ? c->steps - 1 : (int)t;
                    tb[((size_t)cl * M + i) * per + (size_t)k * N + e] = (uint16_t)ti;
                }
            }
        }
    }
    for (int i = 0; i < total; i++)
        perm[i] = i;
    sgl_rng_shuffle(&r, perm, total);
done:
    manifold_free(&m);
    free(seeds);
    free(x);
    free(y);
    if (rc) {
        free(tb);
        free(perm);
        tb = NULL;
        perm = NULL;
    }
    *tb_out = tb;
    *perm_out = perm;
    return rc;
}

/* The last generated set stays in memory (up to CACHE_MAX bytes) so that loading the train,
 * validation and test splits one after the other generates it once. */
#define CACHE_MAX ((size_t)64 << 20)
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static char cache_name[256];
static uint16_t *cache_tb;
static int *cache_perm;

static int randman_get(const randman_cfg *c, const char *name, uint16_t **tb, int **perm)
{
    size_t total = (size_t)c->classes * (size_t)c->samples;
    size_t ntb = total * (size_t)c->spikes * (size_t)c->units;
    size_t bytes = ntb * sizeof **tb + total * sizeof **perm;
    pthread_mutex_lock(&cache_lock);
    if (cache_tb && !strcmp(cache_name, name)) {
        *tb = malloc(ntb * sizeof **tb);
        *perm = malloc(total * sizeof **perm);
        int rc = 0;
        if (*tb && *perm) {
            memcpy(*tb, cache_tb, ntb * sizeof **tb);
            memcpy(*perm, cache_perm, total * sizeof **perm);
        } else {
            free(*tb);
            free(*perm);
            rc = sgl_fail(SGL_ENOMEM, "randman: out of memory (%zu samples)", total);
        }
        pthread_mutex_unlock(&cache_lock);
        return rc;
    }
    pthread_mutex_unlock(&cache_lock);
    int rc = randman_generate(c, tb, perm);
    if (rc || bytes > CACHE_MAX)
        return rc;
    uint16_t *ctb = malloc(ntb * sizeof *ctb);
    int *cperm = malloc(total * sizeof *cperm);
    if (!ctb || !cperm) {
        free(ctb);
        free(cperm);
        return 0;
    }
    memcpy(ctb, *tb, ntb * sizeof *ctb);
    memcpy(cperm, *perm, total * sizeof *cperm);
    pthread_mutex_lock(&cache_lock);
    free(cache_tb);
    free(cache_perm);
    cache_tb = ctb;
    cache_perm = cperm;
    snprintf(cache_name, sizeof cache_name, "%s", name);
    pthread_mutex_unlock(&cache_lock);
    return 0;
}

int sgl_data_load_randman(sgl_data *d, sgl_spec *s, sgl_split split)
{
    randman_cfg c;
    int rc = randman_parse(s, &c);
    if (rc)
        return rc;
    char name[256], sf[32], al[32];
    sgl_fmt_double(sf, sizeof sf, c.step_frac);
    sgl_fmt_double(al, sizeof al, c.alpha);
    snprintf(name, sizeof name,
             "randman:seed=%llu,classes=%d,units=%d,steps=%d,step_frac=%s,dim=%d,spikes=%d,"
             "samples=%d,alpha=%s",
             (unsigned long long)c.seed, c.classes, c.units, c.steps, sf, c.dim, c.spikes,
             c.samples, al);
    /* the whole set is generated (and cached) under the name without keep */
    char full[256];
    snprintf(full, sizeof full, "%s", name);
    if (c.keep) {
        size_t k = strlen(name);
        snprintf(name + k, sizeof name - k, ",keep=%d", c.keep);
    }

    const int C = c.classes, N = c.units, M = c.samples;
    const int total = C * M, per = c.spikes * N;
    uint16_t *tb = NULL;
    int *perm = NULL, *label = NULL;
    int64_t *off = NULL;
    uint16_t *et = NULL, *eu = NULL;
    if ((rc = randman_get(&c, full, &tb, &perm)))
        return rc;

    int n_tr = (int)((int64_t)total * 8 / 10), n_va = total / 10;
    int lo = 0, n = n_tr;
    if (split == SGL_SPLIT_VALID) {
        lo = n_tr;
        n = n_va;
    } else if (split == SGL_SPLIT_TEST) {
        lo = n_tr + n_va;
        n = total - lo;
    }
    if (c.keep) { /* the split's samples of the kept classes, in the split's order */
        int w = 0;
        for (int j = 0; j < n; j++)
            if (perm[lo + j] / M < c.keep)
                perm[lo + w++] = perm[lo + j];
        n = w;
    }
    label = malloc((size_t)(n ? n : 1) * sizeof *label);
    off = malloc((size_t)(n + 1) * sizeof *off);
    et = malloc((size_t)(n ? n : 1) * (size_t)per * sizeof *et);
    eu = malloc((size_t)(n ? n : 1) * (size_t)per * sizeof *eu);
    if (!label || !off || !et || !eu) {
        rc = sgl_fail(SGL_ENOMEM, "randman: out of memory (%d samples)", n);
        goto done;
    }
    off[0] = 0;
    for (int j = 0; j < n; j++) {
        int src = perm[lo + j];
        label[j] = src / M;
        for (int q = 0; q < per; q++) {
            et[(size_t)j * per + q] = tb[(size_t)src * per + q];
            eu[(size_t)j * per + q] = (uint16_t)(q % N);
        }
        off[j + 1] = (int64_t)(j + 1) * per;
    }
    rc = sgl_data_adopt(d, name, N, c.steps, C, n, label, off, et, eu);
    label = NULL;
    off = NULL;
    et = eu = NULL;
done:
    free(tb);
    free(perm);
    free(label);
    free(off);
    free(et);
    free(eu);
    return rc;
}
