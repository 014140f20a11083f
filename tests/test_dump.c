/* SPDX-License-Identifier: MIT */
/* Suite "dump": `sglif eval --dump` (float and fixed) against the library's own spikes and
 * readout, read back by `sglif plot raster --dump`; `sglif nir` from the command line (exit
 * codes, one-line refusals). Runs the program named by $SGLIF. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dump.h"
#include "fixed.h"
#include "model.h"

#define DATA "randman:samples=8,steps=25,units=10,classes=3"

static const char *prog;
static char dir[64];

static void setup(void)
{
    prog = getenv("SGLIF");
    if (!prog || !*prog)
        cr_skip_test("SGLIF is not set (run through 'make test')");
    strcpy(dir, "/tmp/sglif-test-dump-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    if (dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
    }
}

TestSuite(dump, .init = setup, .fini = teardown, .timeout = 120);

/* `$SGLIF ARGS`, stderr into DIR/err.txt; the exit code. */
__attribute__((format(printf, 1, 2))) static int run(const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s > out.txt 2> err.txt", dir, prog, args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s", cmd);
    return WEXITSTATUS(st);
}

static void err_text(char *buf, size_t n)
{
    char p[128];
    snprintf(p, sizeof p, "%s/err.txt", dir);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    buf[fread(buf, 1, n - 1, f)] = 0;
    fclose(f);
}

Test(dump, eval_dump_holds_the_forward_and_plots)
{
    cr_assert_eq(run("train --data " DATA " --hidden 12,6 --epochs 1 --quiet --out m.sgl"), 0);
    cr_assert_eq(run("eval --model m.sgl --data " DATA " --dump d.h5 --predictions p.csv"), 0);
    cr_assert_eq(run("eval --model m.sgl --data " DATA " --dump f.h5 --backend fixed"), 0);
    char p[128];
    snprintf(p, sizeof p, "%s/m.sgl", dir);
    sgl_net net;
    cr_assert_eq(sgl_model_load(p, &net, NULL), 0, "%s", sgl_errmsg());
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, DATA, SGL_SPLIT_TEST), 0, "%s", sgl_errmsg());
    sgl_work *w = sgl_work_new(&net, 1, 1);
    sgl_fixed_net q;
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    cr_assert_eq(sgl_fixed_quantize(&net, &q, &fo, NULL), 0);
    const int T = net.cfg.n_steps, C = net.cfg.n_out;
    uint8_t *z[SGL_MAX_LAYERS] = {0};
    for (int l = 0; l < 2; l++)
        z[l] = calloc((size_t)T * (size_t)net.cfg.n_hidden[l], 1);
    double *ro = calloc((size_t)T * (size_t)C, sizeof(double));
    long spikes = 0;
    for (int backend = 0; backend < 2; backend++) {
        snprintf(p, sizeof p, "%s/%s.h5", dir, backend ? "f" : "d");
        for (int i = 0; i < d.n_samples; i++) {
            int Td, n_in, L, n[SGL_MAX_LAYERS], label, pred;
            uint8_t *in = NULL, *zd[SGL_MAX_LAYERS] = {0};
            cr_assert_eq(cli_dump_read(p, i, &Td, &n_in, &L, n, &in, zd, &label, &pred), 0,
                         "%s", sgl_errmsg());
            cr_assert(Td == T && n_in == 10 && L == 2 && n[0] == 12 && n[1] == 6);
            sgl_sample s = sgl_data_sample(&d, i);
            cr_assert_eq(label, s.label);
            int ev = 0;
            for (int k = 0; k < T * n_in; k++)
                ev += in[k];
            cr_assert_eq(ev, s.n_ev, "sample %d: input events", i);
            if (backend == 0) {
                cr_assert_eq(cli_dump_float(w, &net, &s, z, ro), 0);
            } else {
                int qp;
                cr_assert_eq(sgl_fixed_forward(&q, &s, &qp, NULL, NULL, NULL, NULL), 0);
                cr_assert_eq(pred, qp, "sample %d: the twin's prediction", i);
            }
            for (int l = 0; l < 2 && backend == 0; l++)
                for (int k = 0; k < T * n[l]; k++) {
                    cr_assert_eq(zd[l][k], z[l][k], "sample %d layer %d: spike %d", i, l, k);
                    spikes += z[l][k];
                }
            free(in);
            for (int l = 0; l < 2; l++)
                free(zd[l]);
        }
    }
    cr_assert_gt(spikes, 0, "the test network spikes");
    /* the float readout of the last sample: the dump's [T][C] equals cli_dump_float's */
    snprintf(p, sizeof p, "%s/d.h5", dir);
    hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT), ds = H5Dopen2(f, "/readout", H5P_DEFAULT);
    double *all = calloc((size_t)d.n_samples * (size_t)T * (size_t)C, sizeof(double));
    cr_assert(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all) >= 0);
    H5Dclose(ds);
    H5Fclose(f);
    sgl_sample last = sgl_data_sample(&d, d.n_samples - 1);
    cr_assert_eq(cli_dump_float(w, &net, &last, z, ro), 0);
    cr_assert_eq(memcmp(all + (size_t)(d.n_samples - 1) * (size_t)T * (size_t)C, ro,
                        sizeof(double) * (size_t)T * (size_t)C), 0);
    free(all);
    cr_assert_eq(run("plot raster --dump d.h5 --sample %d --out r.png", d.n_samples - 1), 0);
    cr_assert_eq(run("plot raster --dump d.h5 --sample %d --out r.png", d.n_samples), 3);
    char e[512], want[64];
    err_text(e, sizeof e);
    snprintf(want, sizeof want, "sample %d: the dump has %d samples", d.n_samples, d.n_samples);
    cr_assert(strstr(e, want), "%s", e);
    cr_assert_eq(run("plot raster --dump m.sgl --out r.png"), 3);
    cr_assert_eq(run("eval --model m.sgl --data " DATA " --dump d.h5 --backend rtl"), 2);
    free(ro);
    for (int l = 0; l < 2; l++)
        free(z[l]);
    sgl_fixed_free(&q);
    sgl_work_free(w);
    sgl_data_free(&d);
    sgl_net_free(&net);
}

Test(dump, nir_command_line)
{
    cr_assert_eq(run("train --data " DATA " --hidden 12 --epochs 1 --quiet --out sub.sgl"), 0);
    cr_assert_eq(run("nir export --model sub.sgl --out a.nir"), 2, "subtractive reset refused");
    char e[512];
    err_text(e, sizeof e);
    cr_assert(strstr(e, "--approx-reset") && !strchr(strchr(e, '\n') + 1, '\n'), "%s", e);
    cr_assert_eq(run("nir export --model sub.sgl --out a.nir --approx-reset"), 0);
    cr_assert_eq(run("nir import a.nir --out b.sgl --steps 25"), 0);
    cr_assert_eq(run("eval --model b.sgl --data " DATA), 0);
    cr_assert_eq(run("nir import sub.sgl --out c.sgl"), 3, "a model file is not NIR");
    err_text(e, sizeof e);
    cr_assert(strstr(e, "sub.sgl: not an HDF5 file"), "%s", e);
    cr_assert_eq(run("nir import missing.nir --out c.sgl"), 3);
    cr_assert_eq(run("nir import a.nir"), 2, "--out is required");
    cr_assert_eq(run("nir frobnicate"), 2);
    cr_assert_eq(run("nir import a.nir --out c.sgl --dt 0"), 2);
}
