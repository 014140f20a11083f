/* SPDX-License-Identifier: MIT */
/* Weight initialization: glorot, orthogonal (with the zero diagonal the net requires), and
 * `stable` = the paper's Conditions I-IV, which also set the per-neuron dampening and the SG's
 * sharpness (or tail-fatness). Derivations and choices: docs/method.md,
 * "Initialization: Conditions I-IV". */
#include "init.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Condition III clamp: dampening outside this range is not a sane SG height. */
#define GAMMA_MIN 1e-3
#define GAMMA_MAX 10.0
/* Condition IV bracket (beta, or q - 1), searched in log space. */
#define C4_LO 1e-9
#define C4_HI 1e9

static const char *const init_names[] = {"glorot", "orthogonal", "stable"};

int sgl_init_parse(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < (int)SGL_ARRAY_LEN(init_names); i++)
        if (strcmp(name, init_names[i]) == 0)
            return i;
    return -1;
}

const char *sgl_init_name(int kind)
{
    if (kind >= 0 && kind < (int)SGL_ARRAY_LEN(init_names))
        return init_names[kind];
    return "unknown";
}

/* ---- closed forms ------------------------------------------------------------------------ */

double sgl_cond1_mu_rec(sgl_reset reset, double alpha, double theta, int n)
{
    if (n < 2)
        return 0.0; /* no recurrent weight off the diagonal */
    double k = reset == SGL_RESET_MULT ? 2.0 - alpha : 3.0 - 2.0 * alpha;
    return k * theta / (n - 1);
}

/* The Bernoulli(1/2) derivation (docs/method.md): Var(sum_j z_j w_j) = (n-1)(Var(w)/2 +
 * mu^2/4) set equal to Var(sum_k x_k w_in_k) = n_in (in_var + in_mean^2) Var(W_in). This is the
 * paper's formula with the factor 2 on its first term. May be negative (the caller clamps). */
double sgl_cond2_var_rec(double in_mean, double in_var, double var_in, int n_in, int n,
                         double mu_rec)
{
    if (n < 2)
        return 0.0;
    return 2.0 * (in_var + in_mean * in_mean) * var_in * n_in / (n - 1) - mu_rec * mu_rec / 2.0;
}

double sgl_cond3_gamma(sgl_reset reset, double alpha, double theta, double s_plus, double s_minus)
{
    double thp = reset == SGL_RESET_MULT ? 0.0 : theta;
    double g;
    if (!(s_plus > 0))
        g = GAMMA_MAX; /* no positive incoming weight: nothing to bound */
    else if (!(s_minus > thp))
        g = (1.0 - alpha) / s_plus; /* past the pole: the formula's S- -> inf limit */
    else
        g = s_minus * (1.0 - alpha) / (s_plus * (s_minus - thp));
    if (!(g >= GAMMA_MIN)) /* also catches NaN */
        g = GAMMA_MIN;
    if (g > GAMMA_MAX)
        g = GAMMA_MAX;
    return g;
}

/* E_v[SG(v - theta)^2] for v uniform on [y_min, y_max]. */
static double mean_sq(const sgl_sg *sg, double theta, double y_min, double y_max)
{
    if (y_max > y_min)
        return sgl_sg_sq_integral(sg, y_min - theta, y_max - theta) / (y_max - y_min);
    double s = sgl_sg_value(sg, y_min - theta);
    return s * s;
}

/* Residual of Condition IV for the knob p (beta, or q if solve_q). */
static double c4_residual(const sgl_sg *sg0, sgl_reset reset, double alpha, double theta, int n,
                          double ew2, double y_min, double y_max, int solve_q, double p)
{
    sgl_sg sg = *sg0;
    if (solve_q)
        sg.q = p;
    else
        sg.beta = p;
    double e = mean_sq(&sg, theta, y_min, y_max);
    if (reset == SGL_RESET_MULT)
        return alpha * alpha / 2.0 + (n - 1) * ew2 * e - 1.0;
    return alpha * alpha + ((n - 1) * ew2 + theta * theta) * e - 1.0;
}

double sgl_cond4_solve(const sgl_sg *sg, sgl_reset reset, double alpha, double theta, int n,
                       double ew2, double y_min, double y_max, int solve_q)
{
    if (!sg || n < 1 || !(ew2 >= 0) || !isfinite(y_min) || !isfinite(y_max) ||
        !isfinite(alpha) || !isfinite(theta))
        return NAN;
    /* p = beta, or q = 1 + t; searched over t (or beta) in [C4_LO, C4_HI] on a log scale.
     * E[SG^2] falls monotonically with beta and rises with q, so a sign change is a root. */
    double off = solve_q ? 1.0 : 0.0;
    double lo = log(C4_LO), hi = log(C4_HI);
    double rlo = c4_residual(sg, reset, alpha, theta, n, ew2, y_min, y_max, solve_q, off + exp(lo));
    double rhi = c4_residual(sg, reset, alpha, theta, n, ew2, y_min, y_max, solve_q, off + exp(hi));
    if (!isfinite(rlo) || !isfinite(rhi))
        return NAN;
    if (rlo == 0)
        return off + exp(lo);
    if (rhi == 0)
        return off + exp(hi);
    if ((rlo > 0) == (rhi > 0))
        return NAN;
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        double r = c4_residual(sg, reset, alpha, theta, n, ew2, y_min, y_max, solve_q,
                               off + exp(mid));
        if (r == 0)
            return off + exp(mid);
        if ((r > 0) == (rlo > 0)) {
            lo = mid;
            rlo = r;
        } else {
            hi = mid;
        }
    }
    return off + exp(0.5 * (lo + hi));
}

/* ---- helpers ----------------------------------------------------------------------------- */

static double uni(sgl_rng *rng, double lim) { return (2.0 * sgl_rng_uniform(rng) - 1.0) * lim; }

static void fill_uniform(real *w, size_t count, double lim, double shift, sgl_rng *rng)
{
    for (size_t k = 0; k < count; k++)
        w[k] = (real)(uni(rng, lim) + shift);
}

static double glorot_lim(int fan_in, int fan_out) { return sqrt(6.0 / (fan_in + fan_out)); }

/* Rows of a (n x n, row-major) made orthonormal by modified Gram-Schmidt, run twice. */
static void mgs_rows(double *a, int n)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            double *ri = a + (size_t)i * n;
            for (int k = 0; k < i; k++) {
                const double *rk = a + (size_t)k * n;
                double d = 0;
                for (int j = 0; j < n; j++)
                    d += rk[j] * ri[j];
                for (int j = 0; j < n; j++)
                    ri[j] -= d * rk[j];
            }
            double nr = 0;
            for (int j = 0; j < n; j++)
                nr += ri[j] * ri[j];
            nr = sqrt(nr);
            for (int j = 0; j < n; j++)
                ri[j] /= nr;
        }
}

/* inv = a^-1 by Gauss-Jordan with partial pivoting (a is destroyed). -1 if singular. */
static int invert(double *a, double *inv, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            inv[(size_t)i * n + j] = i == j;
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[(size_t)r * n + c]) > fabs(a[(size_t)p * n + c]))
                p = r;
        double piv = a[(size_t)p * n + c];
        if (fabs(piv) < 1e-300)
            return -1;
        if (p != c)
            for (int j = 0; j < n; j++) {
                double t = a[(size_t)p * n + j];
                a[(size_t)p * n + j] = a[(size_t)c * n + j];
                a[(size_t)c * n + j] = t;
                t = inv[(size_t)p * n + j];
                inv[(size_t)p * n + j] = inv[(size_t)c * n + j];
                inv[(size_t)c * n + j] = t;
            }
        double *ac = a + (size_t)c * n, *ic = inv + (size_t)c * n;
        for (int j = 0; j < n; j++) {
            ac[j] /= piv;
            ic[j] /= piv;
        }
        for (int r = 0; r < n; r++) {
            if (r == c)
                continue;
            double f = a[(size_t)r * n + c];
            if (f == 0)
                continue;
            double *ar = a + (size_t)r * n, *ir = inv + (size_t)r * n;
            for (int j = 0; j < n; j++) {
                ar[j] -= f * ac[j];
                ir[j] -= f * ic[j];
            }
        }
    }
    return 0;
}

/* x <- the orthogonal polar factor of x (the nearest orthogonal matrix), by the Newton
 * iteration x <- (x + x^-T) / 2. t1, t2: n*n scratch. -1 if x is singular. */
static int polar(double *x, double *t1, double *t2, int n)
{
    size_t nn = (size_t)n * n;
    for (int it = 0; it < 100; it++) {
        memcpy(t1, x, nn * sizeof *x);
        if (invert(t1, t2, n))
            return -1;
        double dif = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double v = 0.5 * (x[(size_t)i * n + j] + t2[(size_t)j * n + i]);
                double d = v - x[(size_t)i * n + j];
                dif += d * d;
                t1[(size_t)i * n + j] = v;
            }
        memcpy(x, t1, nn * sizeof *x);
        if (dif < 1e-28 * n)
            break;
    }
    return 0;
}

/* A random orthogonal matrix with a zero diagonal (n >= 2): Haar-random Q from Gram-Schmidt of
 * a Gaussian matrix, then alternating projections between the zero-diagonal matrices and the
 * orthogonal group (polar factor). Returns the largest |diagonal| removed at the end (below
 * 1e-12 on convergence; otherwise w is the last iterate with its diagonal zeroed), or -1 if out
 * of memory. */
static double ortho_zero_diag(double *w, int n, sgl_rng *rng)
{
    size_t nn = (size_t)n * n;
    for (size_t k = 0; k < nn; k++)
        w[k] = sgl_rng_normal(rng);
    mgs_rows(w, n);
    double *t1 = malloc(nn * sizeof *t1), *t2 = malloc(nn * sizeof *t2);
    if (!t1 || !t2) {
        free(t1);
        free(t2);
        return -1;
    }
    double dmax = 0;
    for (int it = 0; it < 2000; it++) {
        dmax = 0;
        for (int i = 0; i < n; i++) {
            double d = fabs(w[(size_t)i * n + i]);
            if (d > dmax)
                dmax = d;
        }
        if (dmax < 1e-12)
            break;
        for (int i = 0; i < n; i++)
            w[(size_t)i * n + i] = 0;
        if (polar(w, t1, t2, n))
            break; /* singular iterate (never seen): keep it, diagonal zeroed */
    }
    free(t1);
    free(t2);
    for (int i = 0; i < n; i++)
        w[(size_t)i * n + i] = 0;
    return dmax;
}

static double col_stats(const real *w, int rows, int n, int col, int skip, double *s_plus,
                        double *s_minus)
{
    double sp = 0, sm = 0, sq = 0;
    for (int r = 0; r < rows; r++) {
        if (r == skip)
            continue;
        double v = w[(size_t)r * n + col];
        if (v > 0)
            sp += v;
        else
            sm -= v;
        sq += v * v;
    }
    *s_plus = sp;
    *s_minus = sm;
    return sq;
}

/* ---- the network ------------------------------------------------------------------------- */

int sgl_init_net(sgl_net *net, int kind, unsigned conds, double in_mean, double in_var,
                 sgl_rng *rng, sgl_init_report *report)
{
    static const char where[] = "sgl_init_net";
    if (!net || !rng)
        return sgl_fail(SGL_EUSAGE, "%s: no network or no generator given", where);
    if (kind < SGL_INIT_GLOROT || kind > SGL_INIT_STABLE)
        return sgl_fail(SGL_EUSAGE, "%s: unknown initialization kind %d", where, kind);
    if (conds & ~(unsigned)SGL_COND_ALL)
        return sgl_fail(SGL_EUSAGE, "%s: condition mask 0x%x has bits outside I-IV (0xf)", where,
                        conds);
    if (!isfinite(in_mean) || !isfinite(in_var) || in_mean < 0 || in_var < 0)
        return sgl_fail(SGL_EUSAGE, "%s: input mean %g / variance %g must be finite and >= 0",
                        where, in_mean, in_var);
    sgl_config *cfg = &net->cfg;
    if (cfg->n_layers < 1 || cfg->n_layers > SGL_MAX_LAYERS)
        return sgl_fail(SGL_EUSAGE, "%s: %d layers (1..%d)", where, cfg->n_layers,
                        SGL_MAX_LAYERS);
    for (int l = 0; l < cfg->n_layers; l++) {
        const sgl_layer *L = &net->layer[l];
        if (L->n < 1 || L->n_pre < 1 || !L->w_in || !L->w_rec || !L->bias || !L->gamma)
            return sgl_fail(SGL_EUSAGE, "%s: layer %d is not allocated (n=%d, n_pre=%d)", where,
                            l, L->n, L->n_pre);
    }
    if (!net->w_out || !net->b_out || cfg->n_out < 1)
        return sgl_fail(SGL_EUSAGE, "%s: readout is not allocated", where);

    const double alpha = exp(-1.0 / cfg->tau);
    const double theta = cfg->theta;
    const int stable = kind == SGL_INIT_STABLE;
    const int solve_q = cfg->sg.shape == SGL_SG_Q_PSEUDOSPIKE;
    /* y_min: the reset subtracts theta per step only with subtraction reset */
    const double th_y = cfg->reset == SGL_RESET_MULT ? 0.0 : theta;
    double p_sum = 0; /* Condition IV: sum of the layer averages that had a root */
    int p_cnt = 0;
    int nmax = 0;
    for (int l = 0; l < cfg->n_layers; l++)
        if (net->layer[l].n > nmax)
            nmax = net->layer[l].n;
    double *work = NULL;
    if (kind == SGL_INIT_ORTHOGONAL) {
        work = sgl_calloc((size_t)nmax * nmax, sizeof *work);
        if (!work)
            return sgl_fail(SGL_ENOMEM, "%s: out of memory for a %dx%d matrix", where, nmax,
                            nmax);
    }

    for (int l = 0; l < cfg->n_layers; l++) {
        sgl_layer *L = &net->layer[l];
        const int n = L->n, np = L->n_pre;
        const double lim_in = glorot_lim(np, n);
        const double var_in = lim_in * lim_in / 3.0;
        const double mx = l == 0 ? in_mean : 0.5, vx = l == 0 ? in_var : 0.25;
        double mu = 0, var = n > 1 ? 1.0 / n : 0; /* Glorot n x n: 2 / (n + n) */

        fill_uniform(L->w_in, (size_t)np * n, lim_in, 0, rng);
        if (kind == SGL_INIT_ORTHOGONAL && n > 1) {
            if (ortho_zero_diag(work, n, rng) < 0) {
                free(work);
                return sgl_fail(SGL_ENOMEM, "%s: layer %d: out of memory for the orthogonal "
                                "matrix (%dx%d)", where, l, n, n);
            }
            for (size_t k = 0; k < (size_t)n * n; k++)
                L->w_rec[k] = (real)work[k];
        } else {
            if (stable && (conds & SGL_COND_I))
                mu = sgl_cond1_mu_rec(cfg->reset, alpha, theta, n);
            if (stable && (conds & SGL_COND_II)) {
                var = sgl_cond2_var_rec(mx, vx, var_in, np, n, mu);
                if (!(var > 0))
                    var = 0; /* documented: W_rec is then the constant mu off the diagonal */
            }
            fill_uniform(L->w_rec, (size_t)n * n, sqrt(3.0 * var), mu, rng);
        }
        for (int i = 0; i < n; i++)
            L->w_rec[(size_t)i * n + i] = 0;
        for (int i = 0; i < n; i++) {
            L->bias[i] = 0;
            L->gamma[i] = (real)cfg->sg.gamma;
        }

        /* E[W_rec^2] off the diagonal, Condition III, the reachable voltage range */
        double ew2 = 0, ymin_sum = 0, ymax_sum = 0, p_layer = 0;
        int p_layer_cnt = 0;
        for (int i = 0; i < n; i++) {
            double rp, rm, ip, im;
            ew2 += col_stats(L->w_rec, n, n, i, i, &rp, &rm);
            col_stats(L->w_in, np, n, i, -1, &ip, &im);
            if (stable && (conds & SGL_COND_III))
                L->gamma[i] = (real)sgl_cond3_gamma(cfg->reset, alpha, theta, rp, rm);
            ymax_sum += (rp + ip) / (1.0 - alpha);
            ymin_sum += (-rm - im - th_y) / (1.0 - alpha);
        }
        ew2 = n > 1 ? ew2 / ((double)n * (n - 1)) : 0;
        if (stable && (conds & SGL_COND_IV)) {
            for (int i = 0; i < n; i++) {
                double rp, rm, ip, im;
                col_stats(L->w_rec, n, n, i, i, &rp, &rm);
                col_stats(L->w_in, np, n, i, -1, &ip, &im);
                sgl_sg sg = cfg->sg;
                sg.gamma = L->gamma[i];
                double p = sgl_cond4_solve(&sg, cfg->reset, alpha, theta, n, ew2,
                                           (-rm - im - th_y) / (1.0 - alpha),
                                           (rp + ip) / (1.0 - alpha), solve_q);
                if (isfinite(p)) {
                    p_layer += p;
                    p_layer_cnt++;
                }
            }
            if (p_layer_cnt) {
                p_layer /= p_layer_cnt;
                p_sum += p_layer;
                p_cnt++;
            } else {
                p_layer = NAN;
            }
        }

        if (report) {
            sgl_init_report *r = &report[l];
            double gs = 0, gmin = INFINITY, gmax = -INFINITY;
            for (int i = 0; i < n; i++) {
                double g = L->gamma[i];
                gs += g;
                gmin = g < gmin ? g : gmin;
                gmax = g > gmax ? g : gmax;
            }
            r->mu_rec = mu;
            r->var_rec = var;
            r->gamma_mean = gs / n;
            r->gamma_min = gmin;
            r->gamma_max = gmax;
            r->beta = cfg->sg.beta;
            r->q = cfg->sg.q;
            if (stable && (conds & SGL_COND_IV)) {
                if (solve_q)
                    r->q = p_layer;
                else
                    r->beta = p_layer;
            }
            r->y_min = ymin_sum / n;
            r->y_max = ymax_sum / n;
        }
    }
    free(work);

    const int n_last = net->layer[cfg->n_layers - 1].n;
    fill_uniform(net->w_out, (size_t)n_last * cfg->n_out, glorot_lim(n_last, cfg->n_out), 0, rng);
    for (int k = 0; k < cfg->n_out; k++)
        net->b_out[k] = 0;

    if (p_cnt) { /* Condition IV: one knob for the whole net, the mean over layers */
        if (solve_q)
            cfg->sg.q = p_sum / p_cnt;
        else
            cfg->sg.beta = p_sum / p_cnt;
    }
    return 0;
}
