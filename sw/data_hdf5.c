/* SPDX-License-Identifier: MIT */
/* shd / ssc: the Spiking Heidelberg Digits and Spiking Speech Commands, read from their HDF5
 * files through libhdf5 (/spikes/times, /spikes/units variable-length; /labels) and binned
 * into steps of dt seconds. docs/data.md. */
#include "data_priv.h"
#include "rng.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SHD_KEYS "dir, dt, steps, units, valid, seed"
#define SSC_KEYS "dir, dt, steps, units"
#define H5_CHUNK 256 /* samples per H5Dread */

typedef struct {
    const char *tag; /* "shd" or "ssc" */
    const char *dir;
    double dt, valid;
    int steps, units, classes;
    uint64_t seed;
} h5cfg;

/* part: 0 = every sample, 1 = the training part, 2 = the validation part (SHD). */
typedef struct {
    const h5cfg *c;
    const char *path;
    int part;
    sgl_evbuf eb;
    int *label;
    int64_t *off;
    int n;
} h5job;

static herr_t vlen_reclaim(hid_t type, hid_t space, void *buf)
{
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

static int open_1d(h5job *j, hid_t f, const char *ds, H5T_class_t cls, hid_t *dset,
                   hsize_t *n)
{
    *dset = H5Dopen2(f, ds, H5P_DEFAULT);
    if (*dset < 0)
        return sgl_fail(SGL_EDATA, "%s: %s: dataset %s is missing", j->c->tag, j->path, ds);
    hid_t sp = H5Dget_space(*dset), ty = H5Dget_type(*dset);
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    H5T_class_t tc = ty >= 0 ? H5Tget_class(ty) : H5T_NO_CLASS;
    if (rank == 1)
        H5Sget_simple_extent_dims(sp, n, NULL);
    if (sp >= 0)
        H5Sclose(sp);
    if (ty >= 0)
        H5Tclose(ty);
    if (rank != 1)
        return sgl_fail(SGL_EDATA, "%s: %s: dataset %s has rank %d, expected 1", j->c->tag,
                        j->path, ds, rank);
    if (tc != cls)
        return sgl_fail(SGL_EDATA, "%s: %s: dataset %s is not %s", j->c->tag, j->path, ds,
                        cls == H5T_VLEN ? "variable-length" : "integer");
    return 0;
}

static int read_file(h5job *j)
{
    const h5cfg *c = j->c;
    struct stat st;
    if (stat(j->path, &st) != 0)
        return sgl_fail(SGL_EIO, "%s: %s: %s", c->tag, j->path, strerror(errno));
    int rc = 0;
    hid_t f = -1, dtim = -1, duni = -1, dlab = -1, mtt = -1, mtu = -1, fsp = -1, msp = -1;
    int *lab = NULL;
    char *sel = NULL;
    hvl_t *bt = NULL, *bu = NULL;
    f = H5Fopen(j->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        rc = sgl_fail(SGL_EDATA, "%s: %s: not a readable HDF5 file", c->tag, j->path);
        goto done;
    }
    hsize_t nt = 0, nu = 0, nl = 0;
    if ((rc = open_1d(j, f, "/spikes/times", H5T_VLEN, &dtim, &nt)) ||
        (rc = open_1d(j, f, "/spikes/units", H5T_VLEN, &duni, &nu)) ||
        (rc = open_1d(j, f, "/labels", H5T_INTEGER, &dlab, &nl)))
        goto done;
    if (nt != nu || nt != nl) {
        rc = sgl_fail(SGL_EDATA,
                      "%s: %s: /spikes/times has %llu samples, /spikes/units %llu, /labels %llu",
                      c->tag, j->path, (unsigned long long)nt, (unsigned long long)nu,
                      (unsigned long long)nl);
        goto done;
    }
    if (nt > 100000000ull) {
        rc = sgl_fail(SGL_EDATA, "%s: %s: implausible sample count %llu", c->tag, j->path,
                      (unsigned long long)nt);
        goto done;
    }
    int n = (int)nt;
    lab = malloc((size_t)(n ? n : 1) * sizeof *lab);
    sel = malloc((size_t)(n ? n : 1));
    bt = calloc(H5_CHUNK, sizeof *bt);
    bu = calloc(H5_CHUNK, sizeof *bu);
    j->label = malloc((size_t)(n ? n : 1) * sizeof *j->label);
    j->off = malloc((size_t)(n + 1) * sizeof *j->off);
    if (!lab || !sel || !bt || !bu || !j->label || !j->off) {
        rc = sgl_fail(SGL_ENOMEM, "%s: %s: out of memory (%d samples)", c->tag, j->path, n);
        goto done;
    }
    if (n > 0 && H5Dread(dlab, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab) < 0) {
        rc = sgl_fail(SGL_EDATA, "%s: %s: /labels cannot be read as integers", c->tag, j->path);
        goto done;
    }
    for (int i = 0; i < n; i++)
        if (lab[i] < 0 || lab[i] >= c->classes) {
            rc = sgl_fail(SGL_EDATA, "%s: %s: /labels[%d] = %d outside 0..%d", c->tag, j->path,
                          i, lab[i], c->classes - 1);
            goto done;
        }
    /* which samples: SHD's validation part is a seeded random subset of the training file */
    memset(sel, j->part == 0, (size_t)n);
    if (j->part) {
        int nv = (int)floor(c->valid * n + 0.5);
        int *perm = malloc((size_t)(n ? n : 1) * sizeof *perm);
        if (!perm) {
            rc = sgl_fail(SGL_ENOMEM, "%s: out of memory", c->tag);
            goto done;
        }
        for (int i = 0; i < n; i++)
            perm[i] = i;
        sgl_rng r;
        sgl_rng_seed(&r, c->seed, 0);
        sgl_rng_shuffle(&r, perm, n);
        for (int i = 0; i < n; i++)
            sel[perm[i]] = (char)((i < nv) == (j->part == 2));
        free(perm);
    }
    mtt = H5Tvlen_create(H5T_NATIVE_DOUBLE);
    mtu = H5Tvlen_create(H5T_NATIVE_UINT32);
    fsp = H5Dget_space(dtim);
    if (mtt < 0 || mtu < 0 || fsp < 0) {
        rc = sgl_fail(SGL_EDATA, "%s: %s: libhdf5 could not set up a read", c->tag, j->path);
        goto done;
    }
    j->off[0] = 0;
    j->n = 0;
    for (int i0 = 0; i0 < n; i0 += H5_CHUNK) {
        int cnt = n - i0 < H5_CHUNK ? n - i0 : H5_CHUNK, any = 0;
        for (int i = 0; i < cnt; i++)
            any |= sel[i0 + i];
        if (!any)
            continue;
        hsize_t start = (hsize_t)i0, count = (hsize_t)cnt;
        msp = H5Screate_simple(1, &count, NULL);
        if (msp < 0 || H5Sselect_hyperslab(fsp, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0) {
            rc = sgl_fail(SGL_EDATA, "%s: %s: cannot select samples %d..%d", c->tag, j->path, i0,
                          i0 + cnt - 1);
            goto done;
        }
        if (H5Dread(dtim, mtt, msp, fsp, H5P_DEFAULT, bt) < 0) {
            rc = sgl_fail(SGL_EDATA, "%s: %s: /spikes/times: samples %d..%d cannot be read as "
                          "numbers", c->tag, j->path, i0, i0 + cnt - 1);
            goto done;
        }
        if (H5Dread(duni, mtu, msp, fsp, H5P_DEFAULT, bu) < 0) {
            vlen_reclaim(mtt, msp, bt);
            rc = sgl_fail(SGL_EDATA, "%s: %s: /spikes/units: samples %d..%d cannot be read as "
                          "unsigned integers", c->tag, j->path, i0, i0 + cnt - 1);
            goto done;
        }
        for (int i = 0; i < cnt && !rc; i++) {
            if (!sel[i0 + i])
                continue;
            if (bt[i].len != bu[i].len) {
                rc = sgl_fail(SGL_EDATA,
                              "%s: %s: sample %d has %zu entries in /spikes/times but %zu in "
                              "/spikes/units",
                              c->tag, j->path, i0 + i, bt[i].len, bu[i].len);
                break;
            }
            const double *tv = bt[i].p;
            const uint32_t *uv = bu[i].p;
            for (size_t k = 0; k < bt[i].len; k++) {
                if (uv[k] >= (uint32_t)c->units) {
                    rc = sgl_fail(SGL_EDATA,
                                  "%s: %s: /spikes/units[%d][%zu] = %u, not below units=%d",
                                  c->tag, j->path, i0 + i, k, uv[k], c->units);
                    break;
                }
                double t = tv[k];
                if (!isfinite(t) || t < 0)
                    continue;
                double b = floor(t / c->dt);
                if (!(b < c->steps))
                    continue;
                if ((rc = sgl_evbuf_push(&j->eb, (int)b, (int)uv[k])))
                    break;
            }
            if (!rc) {
                j->label[j->n] = lab[i0 + i];
                j->off[++j->n] = j->eb.n;
            }
        }
        vlen_reclaim(mtt, msp, bt);
        vlen_reclaim(mtu, msp, bu);
        H5Sclose(msp);
        msp = -1;
        if (rc)
            goto done;
    }
done:
    if (msp >= 0)
        H5Sclose(msp);
    if (fsp >= 0)
        H5Sclose(fsp);
    if (mtt >= 0)
        H5Tclose(mtt);
    if (mtu >= 0)
        H5Tclose(mtu);
    if (dtim >= 0)
        H5Dclose(dtim);
    if (duni >= 0)
        H5Dclose(duni);
    if (dlab >= 0)
        H5Dclose(dlab);
    if (f >= 0)
        H5Fclose(f);
    free(lab);
    free(sel);
    free(bt);
    free(bu);
    return rc;
}

int sgl_data_load_hdf5(sgl_data *d, sgl_spec *s, sgl_split split, int ssc)
{
    h5cfg c = {ssc ? "ssc" : "shd", s->arg, 0.004, 0.1, 250, 700, ssc ? 35 : 20, 1};
    const char *dirkey = NULL;
    int rc;
    if ((rc = sgl_spec_str(s, "dir", &dirkey)) ||
        (rc = sgl_spec_double(s, "dt", 0.0, 1, 1e6, 0, &c.dt)) ||
        (rc = sgl_spec_int(s, "steps", 1, 65536, &c.steps)) ||
        (rc = sgl_spec_int(s, "units", 1, 65536, &c.units)))
        return rc;
    if (!ssc && ((rc = sgl_spec_double(s, "valid", 0.0, 0, 1.0, 1, &c.valid)) ||
                 (rc = sgl_spec_u64(s, "seed", &c.seed))))
        return rc;
    if ((rc = sgl_spec_unused(s, ssc ? SSC_KEYS : SHD_KEYS)))
        return rc;
    if (dirkey && c.dir)
        return sgl_fail(SGL_EUSAGE, "%s: directory given twice ('%s' and dir=%s)", c.tag, c.dir,
                        dirkey);
    if (dirkey)
        c.dir = dirkey;
    if (!c.dir)
        return sgl_fail(SGL_EUSAGE, "%s: needs the directory of its files: %s:DIR[,key=value...]",
                        c.tag, c.tag);
    char name[256], dt[32], va[32];
    sgl_fmt_double(dt, sizeof dt, c.dt);
    sgl_fmt_double(va, sizeof va, c.valid);
    int len = ssc ? snprintf(name, sizeof name, "ssc:%s,dt=%s,steps=%d,units=%d", c.dir, dt,
                             c.steps, c.units)
                  : snprintf(name, sizeof name, "shd:%s,dt=%s,steps=%d,units=%d,valid=%s,seed=%llu",
                             c.dir, dt, c.steps, c.units, va, (unsigned long long)c.seed);
    if (len < 0 || (size_t)len >= sizeof name)
        return sgl_fail(SGL_EUSAGE, "%s: spec longer than %zu characters", c.tag,
                        sizeof name - 1);

    static const char *const file[2][3] = {{"train", "train", "test"},
                                          {"train", "valid", "test"}};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%s.h5", c.dir, c.tag, file[ssc][split]);
    h5job j = {&c, path, ssc ? 0 : split == SGL_SPLIT_TRAIN ? 1 : split == SGL_SPLIT_VALID ? 2 : 0,
               {0}, NULL, NULL, 0};
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported here, with the file name */
    rc = read_file(&j);
    if (rc) {
        free(j.label);
        free(j.off);
        free(j.eb.t);
        free(j.eb.u);
        return rc;
    }
    return sgl_data_adopt(d, name, c.units, c.steps, c.classes, j.n, j.label, j.off, j.eb.t,
                          j.eb.u);
}
