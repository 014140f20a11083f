/* SPDX-License-Identifier: MIT */
/* sglif-bench: training throughput of the C trainer against the PyTorch reference
 * (tests/bench/torch_lif.py) on the same network, the same initial weights and the same spike
 * batches, plus peak memory. Two problems: randman (20 -> 128 -> 10, 100 steps, batch 32) and
 * an SHD-sized one (700 -> 256 -> 20, 250 steps, batch 64, synthetic Bernoulli spikes).
 * For each: writes the problem file (with the C trainer's gradient on the first batch), times
 * the C training step (sgl_backward + sgl_adamw_step + sgl_net_fix_diag) with 1 and with N
 * threads, runs the Python script on the same file in its two formulations (fast: the baseline;
 * plain: for comparison) and prints the ratios. Exit 0, or 1 if a formulation disagrees with C
 * on the first loss or gradient (not the same equations), could not run, or (with --strict) a
 * throughput target is missed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "calibrate.h"
#include "data.h"
#include "fixed.h"
#include "init.h"
#include "net.h"
#include "optim.h"
#include "rng.h"

#define MAX_REPS 64

typedef struct {
    const char *name;
    int n_hidden, batch, n_batches, warmup, reps, steps;
    double target; /* required C/torch throughput ratio at `threads` threads */
} problem;

typedef struct {
    double ms_median, ms_rep[MAX_REPS], cpu_ms; /* wall ms per batch; CPU ms per batch */
    double loss_first, loss_last, rate;
    double rss_mib;
} c_result;

typedef struct {
    double ms_median, cpu_ms, loss_first, loss_last, rss_mib;
    double grad_err; /* max over the tensors of |g - g_C| / |g_C| (L2), first batch */
    int threads;
    const char *form; /* formulation: "fast" (the baseline) or "plain" */
    char blas[512], version[64];
    int ok;
} torch_result;

/* A formulation's gradient must equal the C trainer's to this (relative L2 error of each
 * tensor): float rounding gives about 1e-6 on randman and 1e-3 on the SHD-like problem (a few
 * spikes flip), a different equation far more (a backward without the leak: 0.95). */
#define GRAD_TOL 1e-2

typedef struct {
    const char *dir, *python, *script, *only;
    int threads, strict, quick, torch, plain, fault, steps;
    uint64_t seed;
    double shd_rate, start_rate;
} options;

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

/* Linux: writing 5 to clear_refs resets the peak RSS that getrusage reports. */
static void reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* SHD-sized synthetic data: every (step, channel) pair spikes with probability p. */
static int make_shd_like(sgl_data *d, int n_samples, double p, uint64_t seed)
{
    const int N = 700, T = 250, C = 20;
    size_t cap = (size_t)((double)n_samples * N * T * p * 1.2) + 1024;
    int *label = malloc((size_t)n_samples * sizeof *label);
    int64_t *off = malloc((size_t)(n_samples + 1) * sizeof *off);
    uint16_t *et = malloc(cap * sizeof *et), *eu = malloc(cap * sizeof *eu);
    int rc = -1;
    if (!label || !off || !et || !eu) {
        fprintf(stderr, "sglif-bench: out of memory for %d synthetic samples\n", n_samples);
        goto out;
    }
    sgl_rng r;
    sgl_rng_seed(&r, seed, 7);
    const uint32_t thr = (uint32_t)(p * 4294967296.0);
    size_t k = 0;
    for (int s = 0; s < n_samples; s++) {
        off[s] = (int64_t)k;
        label[s] = (int)sgl_rng_below(&r, (uint32_t)C);
        for (int t = 0; t < T; t++)
            for (int u = 0; u < N; u++)
                if (sgl_rng_u32(&r) < thr) {
                    if (k == cap) {
                        fprintf(stderr, "sglif-bench: synthetic event buffer full\n");
                        goto out;
                    }
                    et[k] = (uint16_t)t;
                    eu[k] = (uint16_t)u;
                    k++;
                }
    }
    off[n_samples] = (int64_t)k;
    rc = sgl_data_from_events(d, "shd-like", N, T, C, n_samples, label, off, et, eu);
    if (rc)
        fprintf(stderr, "sglif-bench: %s\n", sgl_errmsg());
out:
    free(label);
    free(off);
    free(et);
    free(eu);
    return rc;
}

/* Network as `sglif train` builds it by default: Conditions I-IV, then the start-rate
 * calibration of the bias currents (--start-rate, default 0.5). */
static int make_net(sgl_net *net, const sgl_data *d, int n_hidden, const options *o,
                    double *rate0)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = d->n_units;
    c.n_steps = d->n_steps;
    c.n_out = d->n_classes;
    c.n_hidden[0] = n_hidden;
    int rc = sgl_net_alloc(net, &c);
    if (rc)
        return rc;
    double mean, var;
    sgl_data_input_stats(d, &mean, &var);
    sgl_rng r;
    sgl_rng_seed(&r, o->seed, 1);
    rc = sgl_init_net(net, SGL_INIT_STABLE, SGL_COND_ALL, mean, var, &r, NULL);
    double rates[SGL_MAX_LAYERS] = {0};
    if (!rc && o->start_rate > 0)
        rc = sgl_calibrate_rate(net, d, 256, o->start_rate, 0, rates);
    *rate0 = rates[0];
    return rc;
}

static int put(FILE *f, const void *p, size_t size, size_t n)
{
    return fwrite(p, size, n, f) == n ? 0 : -1;
}

/* The five trainable tensors of a one-layer network in the order of the problem file, taken
 * from a block laid out as net->params (the parameters themselves or a gradient). */
static int put_tensors(FILE *f, const sgl_net *net, const real *block)
{
    const sgl_config *c = &net->cfg;
    const size_t N = (size_t)c->n_in, n = (size_t)c->n_hidden[0], C = (size_t)c->n_out;
    sgl_layout lay;
    sgl_net_layout(net, &lay);
    return put(f, block + lay.w_in[0], sizeof(real), N * n) |
           put(f, block + lay.w_rec[0], sizeof(real), n * n) |
           put(f, block + lay.bias[0], sizeof(real), n) |
           put(f, block + lay.w_out, sizeof(real), n * C) |
           put(f, block + lay.b_out, sizeof(real), C);
}

/* The gradient of the first batch's mean loss at net's weights (sgl_backward, one thread): the
 * PyTorch side checks its formulation against it. */
static int first_grad(const sgl_net *net, const sgl_data *d, const problem *pb, real **grad)
{
    sgl_sample *batch = malloc((size_t)pb->batch * sizeof *batch);
    sgl_work *w = sgl_work_new(net, pb->batch, 1);
    *grad = calloc(net->n_params, sizeof **grad);
    int rc = batch && w && *grad ? 0 : -SGL_ENOMEM;
    if (!rc) {
        for (int b = 0; b < pb->batch; b++)
            batch[b] = sgl_data_sample(d, b);
        sgl_batch_stats st;
        rc = sgl_backward(w, net, batch, pb->batch, NULL, *grad, &st);
    }
    sgl_work_free(w);
    free(batch);
    return rc;
}

/* The problem file read by torch_lif.py (layout in its docstring). Little-endian host. */
static int write_problem(const char *path, const sgl_net *net, const sgl_data *d,
                         const problem *pb)
{
    real *grad = NULL;
    if (first_grad(net, d, pb, &grad)) {
        fprintf(stderr, "sglif-bench: %s: %s\n", pb->name, sgl_errmsg());
        free(grad);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "sglif-bench: %s: %s\n", path, strerror(errno));
        free(grad);
        return -1;
    }
    const sgl_config *c = &net->cfg;
    const int N = c->n_in, T = c->n_steps, n = c->n_hidden[0], C = c->n_out, B = pb->batch;
    int32_t hdr[10] = {2, N, n, C, T, B, pb->n_batches, pb->warmup, pb->reps, pb->steps};
    double dh[6] = {sgl_config_alpha(c), c->theta, c->sg.beta, 1e-3, 0.01, 1.0};
    int rc = put(f, "SGLBENCH", 1, 8) | put(f, hdr, sizeof hdr[0], 10);
    rc |= put(f, dh, sizeof dh[0], 6);
    rc |= put_tensors(f, net, net->params);
    rc |= put(f, net->layer[0].gamma, sizeof(real), (size_t)n);
    rc |= put_tensors(f, net, grad);
    free(grad);
    unsigned char *x = malloc((size_t)B * (size_t)T * (size_t)N);
    if (!x) {
        fclose(f);
        return -1;
    }
    for (int bi = 0; bi < pb->n_batches; bi++) {
        memset(x, 0, (size_t)B * (size_t)T * (size_t)N);
        for (int b = 0; b < B; b++) {
            sgl_sample s = sgl_data_sample(d, bi * B + b);
            int32_t y = s.label;
            rc |= put(f, &y, sizeof y, 1);
            for (int k = 0; k < s.n_ev; k++)
                x[((size_t)b * (size_t)T + s.ev_t[k]) * (size_t)N + s.ev_u[k]] = 1;
        }
        rc |= put(f, x, 1, (size_t)B * (size_t)T * (size_t)N);
    }
    free(x);
    rc |= fclose(f);
    if (rc)
        fprintf(stderr, "sglif-bench: %s: write failed\n", path);
    return rc ? -1 : 0;
}

/* Train a copy of net0 for warmup + reps * steps batches, cycling over the problem's batches
 * in the order the Python side uses. The trained copy goes to *trained if not NULL. */
static int time_c(const sgl_net *net0, const sgl_data *d, const problem *pb, int threads,
                  c_result *res, sgl_net *trained)
{
    sgl_net net = {0};
    sgl_adamw opt = {0};
    sgl_work *w = NULL;
    real *grad = NULL;
    sgl_sample *batch = malloc((size_t)pb->batch * sizeof *batch);
    reset_peak_rss();
    int rc = batch ? sgl_net_copy(&net, net0) : -SGL_ENOMEM;
    if (!rc)
        rc = sgl_adamw_init(&opt, net.n_params, 1e-3);
    if (!rc) {
        w = sgl_work_new(&net, pb->batch, threads);
        grad = calloc(net.n_params, sizeof *grad);
        if (!w || !grad)
            rc = -SGL_ENOMEM;
    }
    int k = 0;
    double rate_sum = 0, cpu_sum = 0;
    for (int phase = 0; !rc && phase <= pb->reps; phase++) {
        int n_steps = phase == 0 ? pb->warmup : pb->steps;
        double t0 = now_ms(), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        for (int i = 0; i < n_steps && !rc; i++, k++) {
            int bi = k % pb->n_batches;
            for (int b = 0; b < pb->batch; b++)
                batch[b] = sgl_data_sample(d, bi * pb->batch + b);
            sgl_batch_stats st;
            rc = sgl_backward(w, &net, batch, pb->batch, NULL, grad, &st);
            if (rc)
                break;
            sgl_adamw_step(&opt, net.params, grad, NULL);
            sgl_net_fix_diag(&net);
            if (k == 0)
                res->loss_first = st.loss;
            res->loss_last = st.loss;
            if (phase > 0)
                rate_sum += st.rate[0];
        }
        if (phase > 0) {
            res->ms_rep[phase - 1] = (now_ms() - t0) / n_steps;
            cpu_sum += clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
        }
    }
    if (rc)
        fprintf(stderr, "sglif-bench: %s: %s\n", pb->name, sgl_errmsg());
    else {
        res->ms_median = median(res->ms_rep, pb->reps);
        res->rate = rate_sum / ((double)pb->reps * pb->steps);
        res->cpu_ms = cpu_sum / ((double)pb->reps * pb->steps);
        res->rss_mib = peak_rss_mib();
        if (trained)
            rc = sgl_net_copy(trained, &net);
    }
    free(grad);
    sgl_work_free(w);
    sgl_adamw_free(&opt);
    sgl_net_free(&net);
    free(batch);
    return rc;
}

static void twin_nop(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                     const uint16_t *code)
{
    (void)ctx, (void)layer, (void)t, (void)n, (void)v, (void)z, (void)code;
}

/* The integer twin's forward over the problem's batches, quantized from net with the default
 * options: without a trace (sglif eval --backend fixed) and with one that records nothing
 * (the integer trainer's forward computes the SG codes for its trace). Median over
 * repetitions of the time per batch. */
static int time_twin(const sgl_net *net, const sgl_data *d, const problem *pb, const char *what)
{
    sgl_fixed_opts fo;
    sgl_fixed_net q;
    sgl_fixed_opts_default(&fo);
    if (sgl_fixed_quantize(net, &q, &fo, NULL)) {
        fprintf(stderr, "sglif-bench: %s: twin: %s\n", pb->name, sgl_errmsg());
        return -1;
    }
    const int n = pb->batch * pb->n_batches, reps = pb->reps;
    double ms[2][MAX_REPS], cpu[2][MAX_REPS];
    sgl_fixed_stats st = {0};
    int rc = 0;
    for (int tr = 0; tr < 2 && !rc; tr++)
        for (int r = 0; r <= reps && !rc; r++) { /* r = 0: warm-up */
            double t0 = now_ms(), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
            for (int i = 0; i < n && !rc; i++) {
                sgl_sample s = sgl_data_sample(d, i);
                rc = sgl_fixed_forward(&q, &s, NULL, NULL, r == 0 && tr == 0 ? &st : NULL,
                                       tr ? twin_nop : NULL, NULL);
            }
            if (r > 0) {
                ms[tr][r - 1] = (now_ms() - t0) * pb->batch / n;
                cpu[tr][r - 1] = (clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0) * pb->batch / n;
            }
        }
    if (rc)
        fprintf(stderr, "sglif-bench: %s: twin: %s\n", pb->name, sgl_errmsg());
    else
        printf("    %-26s %7.3f (CPU %.3f) without trace, %7.3f (CPU %.3f) with; hidden "
               "rate %.3f\n",
               what, median(ms[0], reps), median(cpu[0], reps), median(ms[1], reps),
               median(cpu[1], reps),
               (double)st.spikes[0] / (double)(st.updates > 0 ? st.updates : 1));
    sgl_fixed_free(&q);
    return rc;
}

static void run_torch(const options *o, const char *path, const char *form, int threads,
                      torch_result *tr)
{
    char cmd[4096];
    memset(tr, 0, sizeof *tr);
    tr->form = form;
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' --threads %d --formulation %s%s", o->python,
             o->script, path, threads, form, o->fault ? " --fault" : "");
    /* OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on some machines, slow OpenBLAS down. And
     * OpenBLAS's own thread pool fights PyTorch's intra-op threads for the cores: measured
     * here, randman 241 ms/batch with both at 2 against 98 ms with OpenBLAS at 1, so the
     * baseline gets its best setting: BLAS single-threaded, PyTorch's threads as asked. */
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("OPENBLAS_L2_SIZE");
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p) {
        fprintf(stderr, "sglif-bench: cannot run %s\n", cmd);
        return;
    }
    char line[1024];
    int got = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "blas ", 5) == 0)
            snprintf(tr->blas, sizeof tr->blas, "%.*s", (int)sizeof tr->blas - 1,
                     line + 5);
        else if (strncmp(line, "torch ", 6) == 0)
            snprintf(tr->version, sizeof tr->version, "%.*s", (int)sizeof tr->version - 1,
                     line + 6);
        else if (sscanf(line, "threads %d", &tr->threads) == 1)
            continue;
        else if (sscanf(line, "grad_err %lf", &tr->grad_err) == 1)
            got |= 16;
        else if (sscanf(line, "loss_first %lf", &tr->loss_first) == 1)
            got |= 1;
        else if (sscanf(line, "loss_last %lf", &tr->loss_last) == 1)
            got |= 2;
        else if (sscanf(line, "ms_median %lf", &tr->ms_median) == 1)
            got |= 4;
        else if (sscanf(line, "cpu_ms %lf", &tr->cpu_ms) == 1)
            continue;
        else if (sscanf(line, "rss_peak_mib %lf", &tr->rss_mib) == 1)
            got |= 8;
    }
    int st = pclose(p);
    tr->ok = st == 0 && got == 31;
    if (!tr->ok)
        fprintf(stderr, "sglif-bench: '%s' failed (status %d)\n", cmd, st);
}

/* Returns 0, 1 for a (strict) missed target, 2 for a failure. */
static int bench_problem(const problem *pb, const options *o)
{
    sgl_data d = {0};
    sgl_net net = {0};
    int rc;
    double t0 = now_ms();
    if (strcmp(pb->name, "randman") == 0)
        rc = sgl_data_load(&d, "randman", SGL_SPLIT_TRAIN);
    else
        rc = make_shd_like(&d, pb->batch * pb->n_batches, o->shd_rate, o->seed);
    if (rc) {
        fprintf(stderr, "sglif-bench: %s: %s\n", pb->name, sgl_errmsg());
        return 2;
    }
    if (d.n_samples < pb->batch * pb->n_batches) {
        fprintf(stderr, "sglif-bench: %s: %d samples, %d needed\n", pb->name, d.n_samples,
                pb->batch * pb->n_batches);
        sgl_data_free(&d);
        return 2;
    }
    double rate0 = 0, in_mean, in_var;
    sgl_data_input_stats(&d, &in_mean, &in_var);
    if ((rc = make_net(&net, &d, pb->n_hidden, o, &rate0))) {
        fprintf(stderr, "sglif-bench: %s: %s\n", pb->name, sgl_errmsg());
        sgl_data_free(&d);
        return 2;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.bin", o->dir, pb->name);
    if (write_problem(path, &net, &d, pb)) {
        sgl_net_free(&net);
        sgl_data_free(&d);
        return 2;
    }
    const sgl_config *c = &net.cfg;
    printf("\n== %s: %d -> %d -> %d, %d steps, batch %d (%s) ==\n", pb->name, c->n_in,
           c->n_hidden[0], c->n_out, c->n_steps, pb->batch, d.name);
    printf("input: %.4f of channel-steps active (%.0f spikes per sample); hidden rate after "
           "calibration %.3f; %d distinct batches; %d warm-up + %d x %d timed steps; set up in "
           "%.1f s\n",
           in_mean, in_mean * c->n_in * c->n_steps, rate0, pb->n_batches, pb->warmup, pb->reps,
           pb->steps, (now_ms() - t0) / 1e3);
    c_result c1 = {0}, cn = {0};
    int fail = 0;
    sgl_net trained = {0};
    if (time_c(&net, &d, pb, 1, &c1, &trained) ||
        (o->threads > 1 && time_c(&net, &d, pb, o->threads, &cn, NULL)))
        fail = 2;
    if (o->threads == 1)
        cn = c1;
    /* Each formulation with N threads and with 1 (its OpenMP can lose more than it gains on
     * small tensors, and badly so when the cores are shared): the faster setting counts. The
     * baseline is the fast formulation; the plain one is shown beside it. */
    static const char *const forms[] = {"fast", "plain"};
    const int n_form = o->plain ? 2 : 1, n_thr = o->threads > 1 ? 2 : 1;
    torch_result trs[2][2], *best[2] = {NULL, NULL};
    memset(trs, 0, sizeof trs);
    for (int f = 0; !fail && o->torch && f < n_form; f++)
        for (int i = 0; i < n_thr; i++) {
            torch_result *t = &trs[f][i];
            run_torch(o, path, forms[f], i == 0 ? o->threads : 1, t);
            if (!t->ok)
                fail = 2;
            else if (!best[f] || t->ms_median < best[f]->ms_median)
                best[f] = t;
        }
    if (!fail) {
        printf("  %-24s %10s %10s %9s %9s %9s %6s\n", "", "ms/batch", "CPU ms", "loss@1",
               "loss@end", "peak MiB", "rate");
        printf("  %-24s %10.3f %10.3f %9.5f %9.5f %9.1f %6.3f\n", "C, 1 thread", c1.ms_median,
               c1.cpu_ms, c1.loss_first, c1.loss_last, c1.rss_mib, c1.rate);
        char lbl[64];
        snprintf(lbl, sizeof lbl, "C, %d threads", o->threads);
        if (o->threads > 1)
            printf("  %-24s %10.3f %10.3f %9.5f %9.5f %9.1f %6.3f\n", lbl, cn.ms_median,
                   cn.cpu_ms, cn.loss_first, cn.loss_last, cn.rss_mib, cn.rate);
        for (int f = 0; f < n_form && o->torch; f++)
            for (int i = 0; i < n_thr; i++) {
                const torch_result *t = &trs[f][i];
                snprintf(lbl, sizeof lbl, "PyTorch %s, %d thread%s", t->form, t->threads,
                         t->threads > 1 ? "s" : "");
                printf("  %-24s %10.3f %10.3f %9.5f %9.5f %9.1f %6s\n", lbl, t->ms_median,
                       t->cpu_ms, t->loss_first, t->loss_last, t->rss_mib, "");
            }
    }
    if (!fail && o->torch) {
        const torch_result *tr = best[0];
        printf("  PyTorch %s, BLAS: %s\n", tr->version, tr->blas);
        if (!strstr(tr->blas, "openblas"))
            printf("  WARNING: PyTorch is not running on OpenBLAS: no fair baseline\n");
        for (int f = 0; f < n_form; f++) {
            const torch_result *t = best[f];
            double dl = fabs(t->loss_first - cn.loss_first);
            int same = dl <= 1e-3 * fmax(1.0, fabs(cn.loss_first)) && t->grad_err <= GRAD_TOL;
            printf("  same equations (%s): first-batch loss C %.6f, PyTorch %.6f; gradient's "
                   "relative L2 error against C's %.1e (<= %.0e): %s\n",
                   t->form, cn.loss_first, t->loss_first, t->grad_err, GRAD_TOL,
                   same ? "agree" : "DISAGREE");
            if (!same)
                fail = 2;
        }
        double r1 = tr->ms_median / c1.ms_median, rn = tr->ms_median / cn.ms_median;
        printf("  throughput C / PyTorch fast (its faster setting, %d thread%s): %.2fx with 1 C "
               "thread, %.2fx with %d (target >= %.1fx on %d threads): %s\n",
               tr->threads, tr->threads > 1 ? "s" : "", r1, rn, o->threads, pb->target,
               o->threads, rn >= pb->target ? "met" : "MISSED");
        if (best[1])
            printf("  for comparison, C / PyTorch plain (%d thread%s): %.2fx with %d C threads; "
                   "PyTorch plain / fast: %.2fx\n",
                   best[1]->threads, best[1]->threads > 1 ? "s" : "",
                   best[1]->ms_median / cn.ms_median, o->threads,
                   best[1]->ms_median / tr->ms_median);
        printf("  CPU time per batch, PyTorch fast / C: %.2fx (1 C thread), %.2fx (%d); "
               "wall-clock ratios are the measure, CPU ratios show what shared cores did to "
               "them\n",
               tr->cpu_ms / c1.cpu_ms, tr->cpu_ms / cn.cpu_ms, o->threads);
        if (rn < pb->target && o->strict && !fail)
            fail = 1;
    }
    if (!fail) {
        printf("  twin forward (sgl_fixed_forward, 1 thread; the RTL's numbers), ms per batch "
               "of %d (wall, and CPU time of the thread):\n", pb->batch);
        if (time_twin(&net, &d, pb, "calibrated start") ||
            time_twin(&trained, &d, pb, "after the timed training"))
            fail = 2;
    }
    sgl_net_free(&trained);
    sgl_net_free(&net);
    sgl_data_free(&d);
    return fail;
}

static const char HELP[] =
    "usage: sglif-bench [options]\n"
    "Time the C trainer against tests/bench/torch_lif.py on the same network and batches.\n\n"
    "  --dir DIR          where the problem files go (default build/bench)\n"
    "  --python PY        Python with Debian's torch (default /usr/bin/python3)\n"
    "  --script FILE      the PyTorch reference (default tests/bench/torch_lif.py)\n"
    "  --no-torch         time the C side only\n"
    "  --no-plain         leave out the plain PyTorch formulation (the fast one is the\n"
    "                     baseline either way)\n"
    "  --threads N        threads for the compared runs (default 2)\n"
    "  --seed S           network and synthetic-data seed (default 1)\n"
    "  --shd-rate P       probability that a channel spikes in a step, SHD-like problem\n"
    "                     (default 0.03)\n"
    "  --start-rate F     initial hidden rate set by calibration, as sglif train (default 0.5;\n"
    "                     0 = off)\n"
    "  --only NAME        run one problem: randman or shd-like\n"
    "  --steps N          timed steps per repetition (default 20 randman, 5 SHD-like)\n"
    "  --quick            fewer timed steps (a smoke run, not a measurement)\n"
    "  --strict           exit 1 when a throughput target is missed\n"
    "  --fault            self-test: the fast formulation's backward drops the leak; the\n"
    "                     gradient check must report DISAGREE and exit 1\n";

int main(int argc, char **argv)
{
    options o = {.dir = "build/bench",
                 .python = "/usr/bin/python3",
                 .script = "tests/bench/torch_lif.py",
                 .threads = 2,
                 .torch = 1,
                 .plain = 1,
                 .seed = 1,
                 .shd_rate = 0.03,
                 .start_rate = 0.5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-torch") == 0)
            o.torch = 0;
        else if (strcmp(a, "--no-plain") == 0)
            o.plain = 0;
        else if (strcmp(a, "--fault") == 0)
            o.fault = 1;
        else if (strcmp(a, "--quick") == 0)
            o.quick = 1;
        else if (strcmp(a, "--strict") == 0)
            o.strict = 1;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(HELP, stdout);
            return 0;
        } else if (v && strcmp(a, "--dir") == 0)
            o.dir = v, i++;
        else if (v && strcmp(a, "--python") == 0)
            o.python = v, i++;
        else if (v && strcmp(a, "--script") == 0)
            o.script = v, i++;
        else if (v && strcmp(a, "--threads") == 0)
            o.threads = atoi(v), i++;
        else if (v && strcmp(a, "--only") == 0)
            o.only = v, i++;
        else if (v && strcmp(a, "--steps") == 0)
            o.steps = atoi(v), i++;
        else if (v && strcmp(a, "--seed") == 0)
            o.seed = strtoull(v, NULL, 10), i++;
        else if (v && strcmp(a, "--shd-rate") == 0)
            o.shd_rate = atof(v), i++;
        else if (v && strcmp(a, "--start-rate") == 0)
            o.start_rate = atof(v), i++;
        else {
            fprintf(stderr, "sglif-bench: bad argument '%s' (--help)\n", a);
            return 2;
        }
    }
    if (o.threads < 1 || o.steps < 0 || !(o.shd_rate > 0 && o.shd_rate < 1)) {
        fprintf(stderr, "sglif-bench: --threads >= 1, --steps >= 0, --shd-rate in (0, 1)\n");
        return 2;
    }
    problem pbs[2] = {
        {"randman", 128, 32, 8, 5, 5, 20, 5.0},
        {"shd-like", 256, 64, 4, 3, 3, 5, 1.5},
    };
    for (int i = 0; i < 2; i++) {
        if (o.quick)
            pbs[i].warmup = 1, pbs[i].reps = 1, pbs[i].steps = 2;
        if (o.steps > 0)
            pbs[i].steps = o.steps;
    }
    int worst = 0;
    if (o.only && strcmp(o.only, pbs[0].name) && strcmp(o.only, pbs[1].name)) {
        fprintf(stderr, "sglif-bench: --only %s: the problems are randman and shd-like\n",
                o.only);
        return 2;
    }
    printf("sglif-bench: seed %llu, %d threads, SHD-like input rate %g, start rate %g\n",
           (unsigned long long)o.seed, o.threads, o.shd_rate, o.start_rate);
    for (int i = 0; i < 2; i++) {
        if (o.only && strcmp(o.only, pbs[i].name))
            continue;
        int r = bench_problem(&pbs[i], &o);
        if (r > worst)
            worst = r;
    }
    return worst ? 1 : 0;
}
