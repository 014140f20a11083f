/* SPDX-License-Identifier: MIT */
/* NIR files (sw/nir.c): export -> import gives the model back bit for bit; every refusal of the
 * import names the node and why, on files altered through libhdf5. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nir.h"
#include "rng.h"

static char path[256];

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/sglif-test-nir-%d.nir", (int)getpid());
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void teardown(void) { remove(path); }

TestSuite(nir, .init = setup, .fini = teardown);

static void make_net(sgl_net *net, int layers, sgl_reset reset, double tau)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = 7;
    c.n_layers = layers;
    c.n_hidden[0] = 9;
    c.n_hidden[1] = 5;
    c.n_hidden[2] = 4;
    c.n_out = 3;
    c.n_steps = 11;
    c.tau = tau;
    c.theta = 0.75;
    c.reset = reset;
    cr_assert_eq(sgl_net_alloc(net, &c), 0);
    sgl_rng r;
    sgl_rng_seed(&r, 5, 0);
    for (size_t i = 0; i < net->n_params; i++)
        net->params[i] = (real)(sgl_rng_uniform(&r) - 0.5);
    sgl_net_fix_diag(net);
}

static void export_ok(const sgl_net *net, double dt)
{
    sgl_nir_export_opts o = {dt, 0};
    cr_assert_eq(sgl_nir_export(net, path, &o), 0, "%s", sgl_errmsg());
}

static int import(sgl_net *net, double dt)
{
    sgl_nir_import_opts o = {dt, 11};
    return sgl_nir_import(path, &o, net);
}

static void same_net(const sgl_net *a, const sgl_net *b)
{
    cr_assert_eq(a->cfg.n_in, b->cfg.n_in);
    cr_assert_eq(a->cfg.n_layers, b->cfg.n_layers);
    for (int l = 0; l < a->cfg.n_layers; l++)
        cr_assert_eq(a->cfg.n_hidden[l], b->cfg.n_hidden[l]);
    cr_assert_eq(a->cfg.n_out, b->cfg.n_out);
    cr_assert_eq(b->cfg.reset, SGL_RESET_MULT);
    cr_assert_eq(a->cfg.theta, b->cfg.theta);
    cr_assert_float_eq(b->cfg.tau, a->cfg.tau, 1e-9 * a->cfg.tau);
    cr_assert_eq((real)sgl_config_alpha(&a->cfg), (real)sgl_config_alpha(&b->cfg));
    cr_assert_eq(a->n_params, b->n_params);
    for (size_t i = 0; i < a->n_params; i++)
        cr_assert_eq(a->params[i], b->params[i], "parameter %zu: %g != %g", i,
                     (double)a->params[i], (double)b->params[i]);
}

Test(nir, round_trip_is_exact)
{
    for (int layers = 1; layers <= 3; layers++) {
        const double dts[2] = {SGL_NIR_DT_DEFAULT, 1e-3};
        for (int k = 0; k < 2; k++) {
            sgl_net a, b;
            make_net(&a, layers, SGL_RESET_MULT, 20);
            export_ok(&a, dts[k]);
            cr_assert_eq(import(&b, dts[k]), 0, "%s", sgl_errmsg());
            same_net(&a, &b);
            sgl_net_free(&a);
            sgl_net_free(&b);
        }
    }
}

Test(nir, a_layer_without_recurrent_weights_is_written_feed_forward)
{
    sgl_net a, b;
    make_net(&a, 2, SGL_RESET_MULT, 20);
    memset(a.layer[1].w_rec, 0, sizeof(real) * 25);
    export_ok(&a, SGL_NIR_DT_DEFAULT);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(H5Lexists(f, "/node/nodes/lif1.w_rec", H5P_DEFAULT) > 0);
    cr_assert(H5Lexists(f, "/node/nodes/lif2", H5P_DEFAULT) > 0);
    cr_assert(H5Lexists(f, "/node/nodes/lif2.w_rec", H5P_DEFAULT) <= 0);
    H5Fclose(f);
    cr_assert_eq(import(&b, SGL_NIR_DT_DEFAULT), 0, "%s", sgl_errmsg());
    same_net(&a, &b);
    sgl_net_free(&a);
    sgl_net_free(&b);
}

Test(nir, subtractive_reset_only_with_the_approximation)
{
    sgl_net a, b;
    make_net(&a, 1, SGL_RESET_SUB, 20);
    sgl_nir_export_opts o = {SGL_NIR_DT_DEFAULT, 0};
    cr_assert_eq(sgl_nir_export(&a, path, &o), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "subtraction"), "%s", sgl_errmsg());
    cr_assert(access(path, F_OK) != 0, "nothing written");
    o.approx_reset = 1;
    cr_assert_eq(sgl_nir_export(&a, path, &o), 0, "%s", sgl_errmsg());
    cr_assert_eq(import(&b, SGL_NIR_DT_DEFAULT), 0, "%s", sgl_errmsg());
    a.cfg.reset = SGL_RESET_MULT; /* what NIR holds */
    same_net(&a, &b);
    sgl_net_free(&a);
    sgl_net_free(&b);
    make_net(&a, 1, SGL_RESET_MULT, 20);
    a.cfg.alif = 1;
    cr_assert_eq(sgl_nir_export(&a, path, &o), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "ALIF"), "%s", sgl_errmsg());
    sgl_net_free(&a);
}

/* ---- altering an exported file ---- */

static hid_t open_rw(void)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert(f >= 0);
    return f;
}

static void set_str(const char *obj, const char *v)
{
    hid_t f = open_rw();
    cr_assert(H5Ldelete(f, obj, H5P_DEFAULT) >= 0, "%s", obj);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f, obj, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
    H5Fclose(f);
}

static void set_arr(const char *obj, int rank, hsize_t d0, hsize_t d1, const double *v)
{
    hid_t f = open_rw();
    if (H5Lexists(f, obj, H5P_DEFAULT) > 0)
        cr_assert(H5Ldelete(f, obj, H5P_DEFAULT) >= 0, "%s", obj);
    hsize_t dims[2] = {d0, d1};
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(f, obj, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f);
}

/* A fresh 1-layer export (9 hidden, dt 1e-4, tau 20 steps); import must refuse with a message
 * holding every one of the words. */
static void fresh(void)
{
    sgl_net a;
    make_net(&a, 1, SGL_RESET_MULT, 20);
    export_ok(&a, SGL_NIR_DT_DEFAULT);
    sgl_net_free(&a);
}

static void refused(const char *w1, const char *w2)
{
    sgl_net b;
    cr_assert_eq(import(&b, SGL_NIR_DT_DEFAULT), -SGL_EDATA, "accepted (%s)", w1);
    const char *m = sgl_errmsg();
    cr_assert(strstr(m, path) && strstr(m, w1) && (!w2 || strstr(m, w2)), "message: %s", m);
    cr_assert(!strchr(m, '\n'), "one line: %s", m);
}

Test(nir, refuses_node_types_naming_node_and_why)
{
    static const struct {
        const char *node, *type, *why;
    } t[] = {
        {"/node/nodes/lif1.lif/type", "CubaLIF", "synaptic current"},
        {"/node/nodes/fc2/type", "Conv2d", "convolutions"},
        {"/node/nodes/lif1.w_rec/type", "Delay", "delays"},
        {"/node/nodes/fc1/type", "Conv1d", "convolutions"},
        {"/node/nodes/lif1.lif/type", "LI", "leaky-integrator"},
        {"/node/nodes/fc2/type", "Banana", "does not know"},
    };
    for (size_t i = 0; i < SGL_ARRAY_LEN(t); i++) {
        fresh();
        set_str(t[i].node, t[i].type);
        char want[64];
        snprintf(want, sizeof want, "(%s)", t[i].type);
        refused(want, t[i].why);
    }
}

Test(nir, refuses_shapes_and_parameters_sglif_cannot_hold)
{
    double v[128];
    for (int i = 0; i < 128; i++)
        v[i] = 0.01 * i;
    fresh(); /* readout weight 3 x 8 where the layer has 9 */
    set_arr("/node/nodes/fc2/weight", 2, 3, 8, v);
    refused("'fc2'", "its input has 9");
    fresh(); /* bias of another length */
    set_arr("/node/nodes/fc1/bias", 1, 8, 0, v);
    refused("'fc1'", "bias has 8");
    fresh(); /* recurrent weight not square */
    set_arr("/node/nodes/lif1.w_rec/weight", 2, 8, 9, v);
    refused("'lif1.w_rec'", NULL);
    double tau[9], z[9];
    for (int i = 0; i < 9; i++) {
        tau[i] = 2e-3 + 1e-4 * i;
        z[i] = i == 4 ? 0.5 : 0;
    }
    fresh();
    set_arr("/node/nodes/lif1.lif/tau", 1, 9, 0, tau);
    refused("'lif1.lif' (LIF): tau differs", "one per network");
    fresh();
    set_arr("/node/nodes/lif1.lif/v_reset", 1, 9, 0, z);
    refused("'lif1.lif' (LIF): v_reset[4]", "resets to 0");
    fresh();
    set_arr("/node/nodes/lif1.lif/tau", 1, 1, 0, (double[]){5e-5});
    refused("'lif1.lif' (LIF): tau[0]", "not above dt");
}

Test(nir, folds_r_and_v_leak_into_the_input)
{
    sgl_net a, b;
    make_net(&a, 1, SGL_RESET_MULT, 20);
    export_ok(&a, SGL_NIR_DT_DEFAULT);
    /* r = 2 tau / dt doubles the input current; v_leak 0.5 adds (dt/tau) 0.5 a step */
    const double alpha = sgl_config_alpha(&a.cfg), tau = SGL_NIR_DT_DEFAULT / (1 - alpha);
    double r = 2 * tau / SGL_NIR_DT_DEFAULT, leak = 0.5;
    set_arr("/node/nodes/lif1.lif/r", 1, 1, 0, &r);
    set_arr("/node/nodes/lif1.lif/v_leak", 1, 1, 0, &leak);
    cr_assert_eq(import(&b, SGL_NIR_DT_DEFAULT), 0, "%s", sgl_errmsg());
    const int n = 9;
    for (int i = 0; i < 7 * n; i++)
        cr_assert_float_eq(b.layer[0].w_in[i], 2 * a.layer[0].w_in[i], 1e-6);
    for (int i = 0; i < n * n; i++)
        cr_assert_float_eq(b.layer[0].w_rec[i], 2 * a.layer[0].w_rec[i], 1e-6);
    for (int i = 0; i < n; i++)
        cr_assert_float_eq(b.layer[0].bias[i], 2 * a.layer[0].bias[i] + (1 - alpha) * leak, 1e-6);
    sgl_net_free(&a);
    sgl_net_free(&b);
}

Test(nir, refuses_missing_and_foreign_files)
{
    sgl_net b;
    cr_assert_eq(import(&b, SGL_NIR_DT_DEFAULT), -SGL_EIO); /* no file yet */
    FILE *f = fopen(path, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    refused("not an HDF5 file", NULL);
    fresh();
    set_str("/node/type", "Graph");
    refused("not a NIR file", NULL);
    fresh(); /* an edge to a node that is not there */
    hid_t h = open_rw();
    cr_assert(H5Ldelete(h, "/node/nodes/fc2", H5P_DEFAULT) >= 0);
    H5Fclose(h);
    refused("'fc2'", "not in /node/nodes");
}
