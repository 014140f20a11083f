/* SPDX-License-Identifier: MIT */
/* sglif-rtl and `sglif eval --backend rtl` (issue 3): a model run on the Verilator model of
 * the RTL core predicts, sample for sample, what the integer twin predicts. The program is
 * found next to $SGLIF (set by `make test`), else in build/bin; the tests skip when it has not
 * been built (make build/bin/sglif-rtl). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calibrate.h"
#include "fixed.h"
#include "init.h"
#include "model.h"
#include "rng.h"

#define SPEC "randman:classes=4,samples=300,seed=3"

static char dir[128], rtl_bin[1024], sglif_bin[1024];

static void setup(void)
{
    const char *s = getenv("SGLIF");
    snprintf(sglif_bin, sizeof sglif_bin, "%s", s ? s : "build/bin/sglif");
    snprintf(rtl_bin, sizeof rtl_bin, "%s", sglif_bin);
    char *slash = strrchr(rtl_bin, '/');
    snprintf(slash ? slash + 1 : rtl_bin, sizeof rtl_bin - (size_t)(slash ? slash + 1 - rtl_bin : 0),
             "sglif-rtl");
    if (access(rtl_bin, X_OK) != 0)
        cr_skip_test("%s not built (make build/bin/sglif-rtl)", rtl_bin);
    snprintf(dir, sizeof dir, "/tmp/sglif-test-rtl-eval-%d", (int)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
    if (!dir[0])
        return;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(rtl_eval, .init = setup, .fini = teardown);

/* Run a shell command with stdout to dir/out, stderr to dir/err; the exit code. */
static int run(const char *cmdline)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s >%s/out 2>%s/err", cmdline, dir, dir);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void slurp(const char *name, char *buf, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    size_t k = f ? fread(buf, 1, n - 1, f) : 0;
    buf[k] = 0;
    if (f)
        fclose(f);
}

/* An untrained net of n_layers layers of 24 neurons for d (glorot, bias currents calibrated to a firing rate of 0.2
 * so that neurons spike and recur), saved as dir/NAME. */
static void make_model(const sgl_data *d, int n_layers, sgl_reset reset, uint64_t seed,
                       const char *name, sgl_net *net)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = d->n_units;
    c.n_steps = d->n_steps;
    c.n_out = d->n_classes;
    c.n_layers = n_layers;
    for (int l = 0; l < n_layers; l++)
        c.n_hidden[l] = 24;
    c.reset = reset;
    cr_assert_eq(sgl_net_alloc(net, &c), 0, "%s", sgl_errmsg());
    sgl_rng r;
    sgl_rng_seed(&r, seed, 1);
    double m, v;
    sgl_data_input_stats(d, &m, &v);
    cr_assert_eq(sgl_init_net(net, SGL_INIT_GLOROT, SGL_COND_ALL, m, v, &r, NULL), 0, "%s",
                 sgl_errmsg());
    cr_assert_eq(sgl_calibrate_rate(net, d, 64, 0.2, 1, NULL), 0, "%s", sgl_errmsg());
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(sgl_model_save(path, net, NULL), 0, "%s", sgl_errmsg());
}

/* The RTL's predictions (sglif-rtl --predictions) equal the twin's computed here, for both
 * reset modes with one layer and for two layers; sglif-rtl --compare agrees with itself on
 * all; the predictions use more than one class (the comparison is not between two constant
 * answers). */
Test(rtl_eval, predictions_equal_the_twin, .timeout = 180)
{
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, SPEC, SGL_SPLIT_TEST), 0, "%s", sgl_errmsg());
    const sgl_reset resets[3] = {SGL_RESET_SUB, SGL_RESET_MULT, SGL_RESET_SUB};
    const int layers[3] = {1, 1, 2};
    for (int k = 0; k < 3; k++) {
        uint64_t seed = k < 2 ? 11 + (uint64_t)k : 15;
        cr_log_info("seed %llu, reset %d, %d layer(s)", (unsigned long long)seed,
                    (int)resets[k], layers[k]);
        sgl_net net;
        make_model(&d, layers[k], resets[k], seed, "m.sgl", &net);
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "%s --model %s/m.sgl --data %s --compare --predictions %s/p.csv",
                 rtl_bin, dir, SPEC, dir);
        int rc = run(cmd);
        char out[4096], err[4096];
        slurp("out", out, sizeof out);
        slurp("err", err, sizeof err);
        cr_assert_eq(rc, 0, "exit %d: %s%s", rc, out, err);
        char want[128];
        snprintf(want, sizeof want, "agree: %d of %d", d.n_samples, d.n_samples);
        cr_assert(strstr(out, want), "no '%s' in:\n%s", want, out);

        sgl_fixed_opts fo;
        sgl_fixed_opts_default(&fo);
        sgl_fixed_net q;
        cr_assert_eq(sgl_fixed_quantize(&net, &q, &fo, NULL), 0, "%s", sgl_errmsg());
        int *tp = malloc(sizeof(int) * (size_t)d.n_samples);
        cr_assert(tp);
        double acc;
        cr_assert_eq(sgl_fixed_evaluate(&q, &d, &acc, tp, NULL), 0, "%s", sgl_errmsg());
        char path[256], line[128];
        snprintf(path, sizeof path, "%s/p.csv", dir);
        FILE *f = fopen(path, "r");
        cr_assert(f);
        cr_assert(fgets(line, sizeof line, f));
        cr_assert_str_eq(line, "index,label,prediction\n");
        int i = 0, idx, label, p, seen = 0;
        while (fscanf(f, "%d,%d,%d", &idx, &label, &p) == 3) {
            cr_assert_lt(i, d.n_samples);
            cr_assert_eq(idx, i);
            cr_assert_eq(label, d.label[i]);
            cr_assert_eq(p, tp[i], "sample %d: rtl %d, twin %d", i, p, tp[i]);
            seen |= 1 << p;
            i++;
        }
        fclose(f);
        cr_assert_eq(i, d.n_samples);
        cr_assert(seen & (seen - 1), "every sample predicted as the same class (mask %x)", seen);
        char acc_line[64];
        snprintf(acc_line, sizeof acc_line, "accuracy: %.4f (n=%d)\n", acc, d.n_samples);
        size_t lo = strlen(out), la = strlen(acc_line);
        cr_assert(lo >= la && strcmp(out + lo - la, acc_line) == 0, "last line not '%s':\n%s",
                  acc_line, out);

        /* the same through sglif eval --backend rtl, when sglif is there */
        if (access(sglif_bin, X_OK) == 0) {
            snprintf(cmd, sizeof cmd, "%s eval --model %s/m.sgl --data %s --backend rtl",
                     sglif_bin, dir, SPEC);
            rc = run(cmd);
            slurp("out", out, sizeof out);
            lo = strlen(out);
            cr_assert_eq(rc, 0, "sglif eval --backend rtl: exit %d", rc);
            cr_assert(lo >= la && strcmp(out + lo - la, acc_line) == 0,
                      "sglif eval --backend rtl: last line not '%s':\n%s", acc_line, out);
        }
        free(tp);
        sgl_fixed_free(&q);
        sgl_net_free(&net);
    }
    sgl_data_free(&d);
}

/* A three-layer model is refused with exit 2 and a one-line message naming the file. */
Test(rtl_eval, refuses_three_layers, .timeout = 60)
{
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, SPEC, SGL_SPLIT_TEST), 0, "%s", sgl_errmsg());
    sgl_net net;
    make_model(&d, 3, SGL_RESET_SUB, 5, "three.sgl", &net);
    sgl_net_free(&net);
    sgl_data_free(&d);
    char cmd[4096], err[1024];
    snprintf(cmd, sizeof cmd, "%s --model %s/three.sgl --data %s", rtl_bin, dir, SPEC);
    cr_assert_eq(run(cmd), 2);
    slurp("err", err, sizeof err);
    cr_assert(strstr(err, "three.sgl: 3 hidden layers; this sglif-rtl runs at most 2"), "%s", err);
    cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "not one line: %s", err);
}
