/* SPDX-License-Identifier: MIT */
/* Spike dumps in HDF5: /input [S][T][n_in] u8, /spikes/layerL [S][T][n_L] u8,
 * /readout [S][T][n_out] f64, /labels and /predictions [S] i32; attributes name the model,
 * the data and the backend. Chunked one sample at a time, gzip. docs/formats.md. */
#include "dump.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

struct cli_dump {
    hid_t f;
    hid_t in, sp[SGL_MAX_LAYERS], ro, lab, pr;
    sgl_config c;
    int n, T;
    uint8_t *buf;
    const char *path;
    int err;
};

static hid_t mk3(hid_t loc, const char *name, hid_t type, int n, int T, int w)
{
    hsize_t d[3] = {(hsize_t)n, (hsize_t)T, (hsize_t)w}, ch[3] = {1, (hsize_t)T, (hsize_t)w};
    hid_t sp = H5Screate_simple(3, d, NULL), pl = H5Pcreate(H5P_DATASET_CREATE);
    if (n > 0) {
        H5Pset_chunk(pl, 3, ch);
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
            H5Pset_deflate(pl, 4);
    }
    hid_t ds = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    H5Pclose(pl);
    H5Sclose(sp);
    return ds;
}

static hid_t mk1(hid_t loc, const char *name, int n)
{
    hsize_t d[1] = {(hsize_t)n};
    hid_t sp = H5Screate_simple(1, d, NULL);
    hid_t ds = H5Dcreate2(loc, name, H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(sp);
    return ds;
}

static void attr_str(hid_t loc, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR), a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        H5Awrite(a, t, &v);
        H5Aclose(a);
    }
    H5Sclose(sp);
    H5Tclose(t);
}

int cli_dump_open(cli_dump **out, const char *path, const sgl_config *c, int n,
                  const char *backend, const char *model, const char *spec)
{
    *out = NULL;
    cli_dump *d = sgl_calloc(1, sizeof *d);
    if (!d)
        return -SGL_ENOMEM;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    d->c = *c;
    d->n = n;
    d->T = c->n_steps;
    d->path = path;
    int wmax = c->n_in;
    for (int l = 0; l < c->n_layers; l++)
        wmax = c->n_hidden[l] > wmax ? c->n_hidden[l] : wmax;
    d->buf = sgl_calloc((size_t)d->T * (size_t)wmax, 1);
    d->f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (!d->buf || d->f < 0) {
        free(d->buf);
        free(d);
        return sgl_fail(SGL_EIO, "%s: cannot create", path);
    }
    hid_t g = H5Gcreate2(d->f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    d->in = mk3(d->f, "input", H5T_STD_U8LE, n, d->T, c->n_in);
    for (int l = 0; l < c->n_layers; l++) {
        char name[24];
        snprintf(name, sizeof name, "layer%d", l + 1);
        d->sp[l] = mk3(g, name, H5T_STD_U8LE, n, d->T, c->n_hidden[l]);
        d->err |= d->sp[l] < 0;
    }
    d->ro = mk3(d->f, "readout", H5T_IEEE_F64LE, n, d->T, c->n_out);
    d->lab = mk1(d->f, "labels", n);
    d->pr = mk1(d->f, "predictions", n);
    d->err |= g < 0 || d->in < 0 || d->ro < 0 || d->lab < 0 || d->pr < 0;
    if (g >= 0)
        H5Gclose(g);
    attr_str(d->f, "backend", backend);
    attr_str(d->f, "model", model);
    attr_str(d->f, "data", spec);
    *out = d;
    return d->err ? sgl_fail(SGL_EIO, "%s: cannot create its datasets", path) : 0;
}

static int put(hid_t ds, hid_t mt, int i, int T, int w, const void *buf)
{
    hsize_t off[3] = {(hsize_t)i, 0, 0}, cnt[3] = {1, (hsize_t)T, (hsize_t)w};
    hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(3, cnt, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
    herr_t e = H5Dwrite(ds, mt, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return e < 0;
}

static int put1(hid_t ds, int i, int v)
{
    hsize_t off[1] = {(hsize_t)i}, cnt[1] = {1};
    hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(1, cnt, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
    herr_t e = H5Dwrite(ds, H5T_NATIVE_INT, ms, fs, H5P_DEFAULT, &v);
    H5Sclose(ms);
    H5Sclose(fs);
    return e < 0;
}

int cli_dump_sample(cli_dump *d, int i, const sgl_sample *s, uint8_t *const *z,
                    const double *readout, int pred)
{
    const sgl_config *c = &d->c;
    memset(d->buf, 0, (size_t)d->T * (size_t)c->n_in);
    for (int k = 0; k < s->n_ev; k++)
        if (s->ev_t[k] < d->T && s->ev_u[k] < c->n_in)
            d->buf[(size_t)s->ev_t[k] * (size_t)c->n_in + s->ev_u[k]] = 1;
    int e = put(d->in, H5T_NATIVE_UINT8, i, d->T, c->n_in, d->buf);
    for (int l = 0; l < c->n_layers; l++)
        e |= put(d->sp[l], H5T_NATIVE_UINT8, i, d->T, c->n_hidden[l], z[l]);
    e |= put(d->ro, H5T_NATIVE_DOUBLE, i, d->T, c->n_out, readout);
    e |= put1(d->lab, i, s->label) | put1(d->pr, i, pred);
    if (e && !d->err) {
        d->err = 1;
        return sgl_fail(SGL_EIO, "%s: write failed at sample %d", d->path, i);
    }
    return 0;
}

int cli_dump_close(cli_dump *d)
{
    if (!d)
        return 0;
    hid_t ids[] = {d->in, d->sp[0], d->sp[1], d->sp[2], d->ro, d->lab, d->pr};
    for (size_t k = 0; k < SGL_ARRAY_LEN(ids); k++)
        if (ids[k] > 0)
            H5Dclose(ids[k]);
    int bad = d->err || H5Fclose(d->f) < 0;
    const char *path = d->path;
    free(d->buf);
    free(d);
    return bad ? sgl_fail(SGL_EIO, "%s: write failed", path) : 0;
}

int cli_dump_float(sgl_work *w, const sgl_net *net, const sgl_sample *s, uint8_t *const *z,
                   double *readout)
{
    const sgl_config *c = &net->cfg;
    const int T = c->n_steps, L = c->n_layers, C = c->n_out, n = c->n_hidden[L - 1];
    int rc = 0;
    for (int l = 0; l < L && !rc; l++)
        rc = sgl_spikes(w, net, s, l, z[l]);
    for (int t = 0; t < T && !rc; t++)
        for (int k = 0; k < C; k++) {
            double v = net->b_out[k];
            for (int j = 0; j < n; j++)
                if (z[L - 1][(size_t)t * (size_t)n + (size_t)j])
                    v += (double)net->w_out[(size_t)j * (size_t)C + (size_t)k];
            readout[(size_t)t * (size_t)C + (size_t)k] = v;
        }
    return rc;
}

/* Sample i of the 3-D u8 dataset name ([S][T][w]) into a new buffer. */
static int get3(hid_t f, const char *path, const char *name, long i, int *S, int *T, int *w,
                uint8_t **out)
{
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return sgl_fail(SGL_EDATA, "%s: %s is missing: not a spike dump", path, name);
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT), fs = H5Dget_space(ds);
    hsize_t d[3] = {0, 0, 0};
    int rc = 0;
    if (H5Sget_simple_extent_ndims(fs) != 3)
        rc = sgl_fail(SGL_EDATA, "%s: %s is not [samples][steps][width]", path, name);
    else {
        H5Sget_simple_extent_dims(fs, d, NULL);
        if (i < 0 || (hsize_t)i >= d[0])
            rc = sgl_fail(SGL_EDATA, "%s: sample %ld: the dump has %llu samples", path, i,
                          (unsigned long long)d[0]);
        else if (!(*out = sgl_calloc((size_t)(d[1] * d[2]) + 1, 1)))
            rc = -SGL_ENOMEM;
        else {
            hsize_t off[3] = {(hsize_t)i, 0, 0}, cnt[3] = {1, d[1], d[2]};
            hid_t ms = H5Screate_simple(3, cnt, NULL);
            H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
            if (H5Dread(ds, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, *out) < 0)
                rc = sgl_fail(SGL_EDATA, "%s: %s cannot be read", path, name);
            H5Sclose(ms);
        }
    }
    *S = (int)d[0];
    *T = (int)d[1];
    *w = (int)d[2];
    H5Sclose(fs);
    H5Dclose(ds);
    return rc;
}

static int get1(hid_t f, const char *name, long i, int *v)
{
    *v = -1;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return 0;
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT), fs = H5Dget_space(ds);
    hsize_t off[1] = {(hsize_t)i}, cnt[1] = {1};
    hid_t ms = H5Screate_simple(1, cnt, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
    H5Dread(ds, H5T_NATIVE_INT, ms, fs, H5P_DEFAULT, v);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(ds);
    return 0;
}

int cli_dump_read(const char *path, long i, int *T, int *n_in, int *L, int *n, uint8_t **in,
                  uint8_t **z, int *label, int *pred)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0)
        return sgl_fail(SGL_EIO, "%s: cannot be opened", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return sgl_fail(SGL_EDATA, "%s: not an HDF5 file", path);
    int S, Tl, rc = get3(f, path, "/input", i, &S, T, n_in, in);
    *L = 0;
    for (int l = 0; l < SGL_MAX_LAYERS && !rc; l++) {
        char name[32];
        snprintf(name, sizeof name, "/spikes/layer%d", l + 1);
        if (l > 0 && H5Lexists(f, "/spikes", H5P_DEFAULT) > 0 &&
            H5Lexists(f, name, H5P_DEFAULT) <= 0)
            break;
        if (!(rc = get3(f, path, name, i, &S, &Tl, &n[l], &z[l])) && Tl != *T)
            rc = sgl_fail(SGL_EDATA, "%s: %s has %d steps, /input %d", path, name, Tl, *T);
        *L += !rc;
    }
    if (!rc) {
        get1(f, "/labels", i, label);
        get1(f, "/predictions", i, pred);
    }
    H5Fclose(f);
    return rc;
}

void cli_dump_fixed_readout(const sgl_fixed_net *q, const uint8_t *z, double *readout)
{
    const int T = q->n_steps, C = q->n_out, n = q->layer[q->n_layers - 1].n;
    for (int t = 0; t < T; t++)
        for (int k = 0; k < C; k++) {
            int32_t v = q->b_out[k];
            for (int j = 0; j < n; j++)
                if (z[(size_t)t * (size_t)n + (size_t)j])
                    v += q->w_out[(size_t)j * (size_t)C + (size_t)k];
            readout[(size_t)t * (size_t)C + (size_t)k] = ldexp((double)v, -q->out_frac);
        }
}

void cli_dump_trace(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                    const uint16_t *code)
{
    (void)v;
    (void)code;
    cli_dump_trace_ctx *c = ctx;
    if (t < c->T)
        memcpy(c->z[layer] + (size_t)t * (size_t)n, z, (size_t)n);
}
