/* SPDX-License-Identifier: MIT */
/* Suite "data": building data sets from events, randman (published checksums and a second,
 * direct implementation of the generator), fmnist (Debian's files and small IDX files written
 * here, intact and damaged), shd/ssc (small HDF5 files in the SHD layout written here), and
 * bad specs. */
#include <criterion/criterion.h>

#include <ftw.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "data.h"
#include "rng.h"

/* Published in docs/data.md: the standard randman set (seed 1). */
#define RM_STD "randman"
#define RM_CKS_TRAIN 0xc6e2b254a386bec5ULL
#define RM_CKS_VALID 0xa0bea14e171af23aULL
#define RM_CKS_TEST 0x9fd80c6cc441b39bULL

#define FM_DIR "/usr/share/datasets/fashion-mnist"

/* ---- temp directories ---------------------------------------------------------------------- */
static char tmpdir[64];

static void mk_tmp(void)
{
    strcpy(tmpdir, "/tmp/sglif-test-data-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
    (void)s;
    (void)f;
    (void)w;
    return remove(p);
}

static void rm_tmp(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int load(sgl_data *d, const char *spec, sgl_split s)
{
    int rc = sgl_data_load(d, spec, s);
    if (rc)
        cr_log_info("%s split %d: rc %d: %s", spec, (int)s, rc, sgl_errmsg());
    return rc;
}

/* ---- sgl_data_from_events -------------------------------------------------------------------- */
Test(data, from_events_sorts_dedupes_and_validates)
{
    int label[2] = {1, 0};
    int64_t off[3] = {0, 5, 7};
    uint16_t t[7] = {3, 1, 3, 0, 1, 2, 2};
    uint16_t u[7] = {2, 4, 2, 1, 0, 5, 5};
    sgl_data d;
    cr_assert_eq(sgl_data_from_events(&d, "tiny", 6, 4, 2, 2, label, off, t, u), 0, "%s",
                 sgl_errmsg());
    cr_assert_str_eq(d.name, "tiny");
    cr_assert_eq(d.n_samples, 2);
    cr_assert_eq(d.off[1], 4); /* (3,2) twice -> once */
    cr_assert_eq(d.off[2], 5); /* (2,5) twice -> once */
    const uint16_t et[5] = {0, 1, 1, 3, 2}, eu[5] = {1, 0, 4, 2, 5};
    for (int k = 0; k < 5; k++) {
        cr_assert_eq(d.ev_t[k], et[k], "event %d", k);
        cr_assert_eq(d.ev_u[k], eu[k], "event %d", k);
    }
    sgl_sample s = sgl_data_sample(&d, 1);
    cr_assert_eq(s.n_ev, 1);
    cr_assert_eq(s.label, 0);
    cr_assert_eq(s.ev_t[0], 2);
    cr_assert_eq(s.ev_u[0], 5);
    double mean, var;
    sgl_data_input_stats(&d, &mean, &var);
    cr_assert_float_eq(mean, 5.0 / (2 * 4 * 6), 1e-15);
    cr_assert_float_eq(var, mean * (1 - mean), 1e-15);

    /* checksum: fixed value for this set, and it moves when one event moves */
    uint64_t h = sgl_data_checksum(&d);
    cr_log_info("tiny checksum %016" PRIx64, h);
    d.ev_u[4] = 4;
    cr_assert_neq(sgl_data_checksum(&d), h);
    sgl_data_free(&d);

    t[2] = 4; /* step 4 with 4 steps */
    cr_assert_eq(sgl_data_from_events(&d, "tiny", 6, 4, 2, 2, label, off, t, u), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "sample 0"), "%s", sgl_errmsg());
    t[2] = 3;
    u[6] = 6; /* channel 6 with 6 channels */
    cr_assert_eq(sgl_data_from_events(&d, "tiny", 6, 4, 2, 2, label, off, t, u), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "sample 1"), "%s", sgl_errmsg());
    u[6] = 5;
    label[1] = 2;
    cr_assert_eq(sgl_data_from_events(&d, "tiny", 6, 4, 2, 2, label, off, t, u), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "label 2"), "%s", sgl_errmsg());
}

Test(data, checksum_byte_order)
{
    /* one sample, one event: the FNV-1a 64 of the documented byte string, computed here */
    int label[1] = {1};
    int64_t off[2] = {0, 1};
    uint16_t t[1] = {0x0102}, u[1] = {0x0003};
    sgl_data d;
    cr_assert_eq(sgl_data_from_events(&d, "x", 4, 0x0200, 2, 1, label, off, t, u), 0, "%s",
                 sgl_errmsg());
    const unsigned char bytes[] = {4, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, /* header */
                                   1, 0, 0, 0, 1, 0, 0, 0,                         /* label, n */
                                   2, 1, 3, 0};                                    /* t, u */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < sizeof bytes; i++)
        h = (h ^ bytes[i]) * 0x100000001b3ULL;
    cr_assert_eq(sgl_data_checksum(&d), h);
    sgl_data_free(&d);
}

/* ---- randman ---------------------------------------------------------------------------------- */
Test(data, randman_standard_set_published_checksums)
{
    static const uint64_t want[3] = {RM_CKS_TRAIN, RM_CKS_VALID, RM_CKS_TEST};
    static const int size[3] = {8000, 1000, 1000};
    int per_class[10] = {0};
    for (int s = 0; s < 3; s++) {
        sgl_data d;
        cr_assert_eq(load(&d, RM_STD, (sgl_split)s), 0);
        cr_assert_str_eq(d.name, "randman:seed=1,classes=10,units=20,steps=100,step_frac=0.5,"
                                 "dim=1,spikes=1,samples=1000,alpha=1");
        cr_assert_eq(d.n_samples, size[s]);
        cr_assert_eq(d.n_units, 20);
        cr_assert_eq(d.n_steps, 100);
        cr_assert_eq(d.n_classes, 10);
        uint64_t h = sgl_data_checksum(&d);
        cr_log_info("randman split %d checksum %016" PRIx64, s, h);
        cr_assert_eq(h, want[s], "split %d: %016" PRIx64, s, h);
        int tmax = 0;
        for (int i = 0; i < d.n_samples; i++) {
            sgl_sample x = sgl_data_sample(&d, i);
            cr_assert_eq(x.n_ev, 20, "sample %d", i); /* one spike per unit */
            for (int k = 0; k < x.n_ev; k++) {
                cr_assert_lt(x.ev_t[k], 50); /* steps * step_frac */
                tmax = x.ev_t[k] > tmax ? x.ev_t[k] : tmax;
            }
            per_class[x.label]++;
        }
        cr_assert_eq(tmax, 49); /* each unit's maximum lands in the last bin */
        double mean, var;
        sgl_data_input_stats(&d, &mean, &var);
        cr_assert_float_eq(mean, 0.01, 1e-12);
        sgl_data_free(&d);
    }
    for (int c = 0; c < 10; c++)
        cr_assert_eq(per_class[c], 1000, "class %d", c);
}

Test(data, randman_seed_determines_the_set)
{
    const char *a = "randman:classes=3,samples=40,units=6,alpha=2,seed=5";
    const char *b = "randman:seed=5,alpha=2,units=6,samples=40,classes=3"; /* same, reordered */
    const char *c = "randman:classes=3,samples=40,units=6,alpha=2,seed=6";
    sgl_data da, db, dc;
    cr_assert_eq(load(&da, a, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(load(&db, b, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(load(&dc, c, SGL_SPLIT_TRAIN), 0);
    cr_assert_str_eq(da.name, db.name);
    cr_assert_eq(da.n_samples, 96);
    cr_assert_eq(sgl_data_checksum(&da), sgl_data_checksum(&db));
    cr_assert_neq(sgl_data_checksum(&da), sgl_data_checksum(&dc));
    sgl_data_free(&da);
    sgl_data_free(&db);
    sgl_data_free(&dc);
}

/* keep=K: each split's samples of classes 0 .. K-1, in the split's order, the same events;
 * the class count stays; keep=classes is the whole set under the same name */
Test(data, randman_keep_is_a_subset)
{
    const char *full = "randman:classes=4,samples=30,units=5,seed=3";
    for (int s = 0; s < 3; s++) {
        sgl_data a, b, c;
        cr_assert_eq(load(&a, full, (sgl_split)s), 0);
        cr_assert_eq(load(&b, "randman:classes=4,samples=30,units=5,seed=3,keep=2", (sgl_split)s), 0);
        cr_assert_eq(load(&c, "randman:keep=4,classes=4,samples=30,units=5,seed=3", (sgl_split)s), 0);
        cr_assert_str_eq(c.name, a.name);
        cr_assert(strstr(b.name, ",keep=2") != NULL, "%s", b.name);
        cr_assert_eq(b.n_classes, 4);
        int j = 0;
        for (int i = 0; i < a.n_samples; i++) {
            if (a.label[i] >= 2)
                continue;
            cr_assert_lt(j, b.n_samples, "split %d: more kept samples than %d", s, b.n_samples);
            cr_assert_eq(b.label[j], a.label[i], "split %d sample %d", s, j);
            int64_t n = a.off[i + 1] - a.off[i];
            cr_assert_eq(b.off[j + 1] - b.off[j], n, "split %d sample %d", s, j);
            cr_assert(!memcmp(b.ev_t + b.off[j], a.ev_t + a.off[i], (size_t)n * sizeof *a.ev_t) &&
                      !memcmp(b.ev_u + b.off[j], a.ev_u + a.off[i], (size_t)n * sizeof *a.ev_u),
                      "split %d sample %d: other events", s, j);
            j++;
        }
        cr_assert_eq(j, b.n_samples, "split %d: %d kept of %d", s, b.n_samples, j);
        cr_assert_gt(j, 0);
        sgl_data_free(&a);
        sgl_data_free(&b);
        sgl_data_free(&c);
    }
}

/* The generator written out again from the reference text, with the formula exactly as given:
 * g(x) = sum_f theta0 s_f sin(2 pi (f x theta1 + theta2)). */
static double ref_g(const double *th, int F, double alpha, double x)
{
    double g = 0;
    for (int f = 0; f < F; f++)
        g += th[f] * (1.0 / (pow(f + 1.0, alpha) + 1.0)) *
             sin(2 * 3.14159265358979323846 * (f * x * th[F + f] + th[2 * F + f]));
    return g;
}

Test(data, randman_matches_a_direct_implementation)
{
    enum { C = 2, N = 3, T = 20, D = 2, K = 2, M = 7, F = 32 }; /* alpha 2 -> F = 32 */
    const double alpha = 2.0, frac = 0.75;
    const uint64_t seed = 7;
    printf("seed %" PRIu64 "\n", seed);
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0);
    uint64_t seeds[C][K];
    for (int c = 0; c < C; c++)
        for (int k = 0; k < K; k++) {
            uint64_t hi = sgl_rng_u32(&r);
            seeds[c][k] = hi << 32 | sgl_rng_u32(&r);
        }
    static uint16_t tt[C * M][K * N], uu[C * M][K * N];
    for (int c = 0; c < C; c++) {
        double x[M][D];
        for (int i = 0; i < M; i++)
            for (int d = 0; d < D; d++)
                x[i][d] = sgl_rng_uniform(&r);
        for (int k = 0; k < K; k++) {
            static double th[N][D][3 * F];
            sgl_rng mr;
            sgl_rng_seed(&mr, seeds[c][k], 0);
            for (int e = 0; e < N; e++)
                for (int d = 0; d < D; d++) {
                    for (int q = 0; q < 3 * F; q++)
                        th[e][d][q] = sgl_rng_uniform(&mr);
                    th[e][d][0] = 0;
                }
            for (int e = 0; e < N; e++) {
                double y[M], lo = 1e300, hi = -1e300;
                for (int i = 0; i < M; i++) {
                    y[i] = ref_g(th[e][0], F, alpha, x[i][0]) * ref_g(th[e][1], F, alpha, x[i][1]);
                    lo = fmin(lo, y[i]);
                    hi = fmax(hi, y[i]);
                }
                for (int i = 0; i < M; i++) {
                    int b = (int)floor((y[i] - lo) / (hi - lo + 1e-7) * T * frac);
                    tt[c * M + i][k * N + e] = (uint16_t)(b > T - 1 ? T - 1 : b);
                    uu[c * M + i][k * N + e] = (uint16_t)e;
                }
            }
        }
    }
    int perm[C * M];
    for (int i = 0; i < C * M; i++)
        perm[i] = i;
    sgl_rng_shuffle(&r, perm, C * M);
    const int lo[3] = {0, 11, 12}, hi[3] = {11, 12, 14}; /* 14 * 8 / 10 = 11, 14 / 10 = 1 */
    for (int s = 0; s < 3; s++) {
        int n = hi[s] - lo[s], label[C * M];
        int64_t off[C * M + 1];
        uint16_t et[C * M * K * N], eu[C * M * K * N];
        off[0] = 0;
        for (int j = 0; j < n; j++) {
            int src = perm[lo[s] + j];
            label[j] = src / M;
            memcpy(et + j * K * N, tt[src], sizeof tt[src]);
            memcpy(eu + j * K * N, uu[src], sizeof uu[src]);
            off[j + 1] = (j + 1) * K * N;
        }
        sgl_data want, got;
        cr_assert_eq(sgl_data_from_events(&want, "ref", N, T, C, n, label, off, et, eu), 0);
        cr_assert_eq(load(&got, "randman:seed=7,classes=2,units=3,steps=20,step_frac=0.75,"
                                "dim=2,spikes=2,samples=7,alpha=2",
                          (sgl_split)s),
                     0);
        cr_assert_eq(got.n_samples, n);
        for (int i = 0; i < n; i++) {
            sgl_sample a = sgl_data_sample(&want, i), b = sgl_data_sample(&got, i);
            cr_assert_eq(a.label, b.label, "split %d sample %d", s, i);
            cr_assert_eq(a.n_ev, b.n_ev, "split %d sample %d", s, i);
            cr_assert_geq(b.n_ev, N); /* every unit spikes, twice unless both land in one bin */
            cr_assert_leq(b.n_ev, K * N);
            for (int k = 0; k < a.n_ev; k++) {
                cr_assert_eq(a.ev_t[k], b.ev_t[k], "split %d sample %d event %d", s, i, k);
                cr_assert_eq(a.ev_u[k], b.ev_u[k], "split %d sample %d event %d", s, i, k);
                cr_assert_lt(b.ev_t[k], 15); /* steps * step_frac */
            }
        }
        cr_assert_eq(sgl_data_checksum(&want), sgl_data_checksum(&got));
        sgl_data_free(&want);
        sgl_data_free(&got);
    }
}

/* ---- bad specs ------------------------------------------------------------------------------ */
static void bad_spec(const char *spec, int code, const char *needle)
{
    sgl_data d;
    int rc = sgl_data_load(&d, spec, SGL_SPLIT_TRAIN);
    cr_assert_eq(rc, -code, "%s: rc %d (%s)", spec, rc, sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), needle), "%s: message '%s' lacks '%s'", spec,
                       sgl_errmsg(), needle);
}

Test(data, bad_specs)
{
    bad_spec("mnist", SGL_EUSAGE, "mnist");
    bad_spec("", SGL_EUSAGE, "empty");
    bad_spec("randman:colour=3", SGL_EUSAGE, "colour");
    bad_spec("randman:seed=abc", SGL_EUSAGE, "seed");
    bad_spec("randman:seed=-1", SGL_EUSAGE, "seed");
    bad_spec("randman:units=12x", SGL_EUSAGE, "units");
    bad_spec("randman:units=0", SGL_EUSAGE, "units");
    bad_spec("randman:alpha=0", SGL_EUSAGE, "alpha");
    bad_spec("randman:step_frac=1.5", SGL_EUSAGE, "step_frac");
    bad_spec("randman:step_frac=nan", SGL_EUSAGE, "step_frac");
    bad_spec("randman:seed=1,seed=2", SGL_EUSAGE, "seed");
    bad_spec("randman:foo", SGL_EUSAGE, "foo");
    bad_spec("randman:keep=11", SGL_EUSAGE, "keep");
    bad_spec("randman:keep=0", SGL_EUSAGE, "keep");
    bad_spec("fmnist:steps=", SGL_EUSAGE, "steps");
    bad_spec("fmnist:thr=1", SGL_EUSAGE, "thr");
    bad_spec("fmnist:bogus=1", SGL_EUSAGE, "bogus");
    bad_spec("shd", SGL_EUSAGE, "DIR");
    bad_spec("shd:/nonexistent,dt=0", SGL_EUSAGE, "dt");
    bad_spec("shd:/nonexistent,valid=1", SGL_EUSAGE, "valid");
    bad_spec("ssc:/nonexistent,valid=0.1", SGL_EUSAGE, "valid");
    bad_spec("ssc:/nonexistent,seed=3", SGL_EUSAGE, "seed");
}

/* ---- fmnist: Debian's files ----------------------------------------------------------------- */
Test(data, fmnist_debian_splits)
{
    static const int size[3] = {55000, 5000, 10000};
    static const uint64_t want[3] = {0x11a4bc955dc597acULL, 0x481203ae36e6e01eULL,
                                     0x7faf45e7a0493911ULL}; /* docs/data.md */
    for (int s = 0; s < 3; s++) {
        sgl_data d;
        cr_assert_eq(load(&d, "fmnist", (sgl_split)s), 0);
        cr_assert_str_eq(d.name, "fmnist:steps=50,thr=0.2,valid=5000");
        cr_assert_eq(d.n_samples, size[s]);
        cr_assert_eq(d.n_units, 784);
        cr_assert_eq(d.n_steps, 50);
        cr_assert_eq(d.n_classes, 10);
        int count[10] = {0};
        for (int i = 0; i < d.n_samples; i++) {
            sgl_sample x = sgl_data_sample(&d, i);
            cr_assert_gt(x.n_ev, 0, "split %d sample %d", s, i);
            cr_assert_leq(x.n_ev, 784);
            count[x.label]++;
        }
        if (s == SGL_SPLIT_TEST)
            for (int c = 0; c < 10; c++)
                cr_assert_eq(count[c], 1000); /* t10k is balanced */
        double mean, var;
        sgl_data_input_stats(&d, &mean, &var);
        cr_log_info("fmnist split %d: %d samples, %" PRId64 " events, mean %.5f, checksum %016"
                    PRIx64, s, d.n_samples, d.off[d.n_samples], mean, sgl_data_checksum(&d));
        cr_assert(mean > 0.005 && mean < 0.012, "mean %g", mean); /* ~330 of 784 px spike */
        cr_assert_eq(sgl_data_checksum(&d), want[s], "split %d", s);
        if (s != SGL_SPLIT_VALID)
            cr_assert_eq(d.label[0], 9); /* both files start with an ankle boot */
        sgl_data_free(&d);
    }
}

/* The latency code, recomputed here from the raw first t10k image. */
Test(data, fmnist_latency_code)
{
    gzFile g = gzopen(FM_DIR "/t10k-images-idx3-ubyte.gz", "rb");
    cr_assert_not_null(g);
    unsigned char buf[16 + 2 * 784];
    cr_assert_eq(gzread(g, buf, sizeof buf), (int)sizeof buf);
    gzclose(g);
    sgl_data d;
    cr_assert_eq(load(&d, "fmnist:limit=2,steps=25,thr=0.3", SGL_SPLIT_TEST), 0);
    cr_assert_eq(d.n_samples, 2);
    cr_assert_str_eq(d.name, "fmnist:steps=25,thr=0.3,valid=5000,limit=2");
    for (int i = 0; i < 2; i++) {
        const unsigned char *img = buf + 16 + 784 * i;
        uint16_t et[784], eu[784];
        int n = 0;
        for (int t = 0; t < 25; t++)
            for (int u = 0; u < 784; u++) {
                double p = img[u] / 255.0;
                if (img[u] == 0 || p < 0.3)
                    continue;
                if ((int)lround((1 - p) / 0.7 * 24) == t) {
                    et[n] = (uint16_t)t;
                    eu[n++] = (uint16_t)u;
                }
            }
        sgl_sample x = sgl_data_sample(&d, i);
        cr_assert_eq(x.n_ev, n, "image %d", i);
        cr_assert_gt(n, 100);
        for (int k = 0; k < n; k++) {
            cr_assert_eq(x.ev_t[k], et[k], "image %d event %d", i, k);
            cr_assert_eq(x.ev_u[k], eu[k], "image %d event %d", i, k);
        }
    }
    sgl_data_free(&d);
}

/* ---- fmnist: small IDX files written here --------------------------------------------------- */
static void write_gz(const char *path, const unsigned char *p, size_t n)
{
    gzFile g = gzopen(path, "wb");
    cr_assert_not_null(g, "%s", path);
    cr_assert_eq(gzwrite(g, p, (unsigned)n), (int)n);
    cr_assert_eq(gzclose(g), Z_OK);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* n images where image i has pixel i lit (255) and pixel 783 at value 128; label i % 10.
 * nbytes_img < full size writes a truncated (but well-formed gzip) images file. */
static void write_idx(const char *stem, int n, size_t img_bytes, uint32_t img_magic)
{
    char path[256];
    size_t full = 16 + (size_t)n * 784;
    unsigned char *im = calloc(full, 1), *lb = calloc(8 + (size_t)n, 1);
    put_be32(im, img_magic);
    put_be32(im + 4, (uint32_t)n);
    put_be32(im + 8, 28);
    put_be32(im + 12, 28);
    put_be32(lb, 2049);
    put_be32(lb + 4, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        im[16 + (size_t)i * 784 + (size_t)i] = 255;
        im[16 + (size_t)i * 784 + 783] = 128;
        lb[8 + i] = (unsigned char)(i % 10);
    }
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", tmpdir, stem);
    write_gz(path, im, img_bytes ? img_bytes : full);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", tmpdir, stem);
    write_gz(path, lb, 8 + (size_t)n);
    free(im);
    free(lb);
}

Test(data, fmnist_small_files, .init = mk_tmp, .fini = rm_tmp)
{
    write_idx("train", 20, 0, 2051);
    write_idx("t10k", 4, 0, 2051);
    char spec[256];
    snprintf(spec, sizeof spec, "fmnist:dir=%s,valid=5,steps=11", tmpdir);
    sgl_data d;
    cr_assert_eq(load(&d, spec, SGL_SPLIT_VALID), 0);
    cr_assert_eq(d.n_samples, 5);
    for (int i = 0; i < 5; i++) {
        sgl_sample x = sgl_data_sample(&d, i);
        int img = 15 + i;
        cr_assert_eq(x.label, img % 10);
        cr_assert_eq(x.n_ev, 2);
        /* 255 -> step 0; 128 -> round((1 - 128/255) / 0.8 * 10) = 6 */
        cr_assert_eq(x.ev_t[0], 0);
        cr_assert_eq(x.ev_u[0], img);
        cr_assert_eq(x.ev_t[1], 6);
        cr_assert_eq(x.ev_u[1], 783);
    }
    sgl_data_free(&d);
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(d.n_samples, 15);
    sgl_data_free(&d);
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TEST), 0);
    cr_assert_eq(d.n_samples, 4);
    sgl_data_free(&d);

    /* valid must leave training images */
    snprintf(spec, sizeof spec, "fmnist:dir=%s,valid=20", tmpdir);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EUSAGE);
    cr_assert_not_null(strstr(sgl_errmsg(), "valid"), "%s", sgl_errmsg());
}

Test(data, fmnist_damaged_files, .init = mk_tmp, .fini = rm_tmp)
{
    char spec[256], path[256];
    snprintf(spec, sizeof spec, "fmnist:dir=%s,valid=5", tmpdir);
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", tmpdir);
    sgl_data d;

    /* missing files */
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EIO);
    cr_assert_not_null(strstr(sgl_errmsg(), "train-labels-idx1-ubyte.gz"), "%s", sgl_errmsg());

    /* uncompressed content ends inside image 12 */
    write_idx("train", 20, 16 + 784 * 12 + 300, 2051);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_log_info("%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), path), "%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), "truncated at image 12"), "%s", sgl_errmsg());

    /* the gzip stream itself cut short */
    write_idx("train", 20, 0, 2051);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cr_assert_gt(n, 100);
    f = fopen(path, "wb");
    cr_assert_eq(fwrite(buf, 1, n / 2, f), n / 2);
    fclose(f);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_log_info("%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), path), "%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), "at image"), "%s", sgl_errmsg());

    /* wrong magic number (the labels' one on the images file) */
    write_idx("train", 20, 0, 2049);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), path), "%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), "magic"), "%s", sgl_errmsg());

    /* counts that disagree */
    write_idx("train", 20, 0, 2051);
    unsigned char lb[8 + 19];
    memset(lb, 0, sizeof lb);
    put_be32(lb, 2049);
    put_be32(lb + 4, 19);
    char lpath[256];
    snprintf(lpath, sizeof lpath, "%s/train-labels-idx1-ubyte.gz", tmpdir);
    write_gz(lpath, lb, sizeof lb);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "19 labels"), "%s", sgl_errmsg());

    /* a label outside 0..9 */
    put_be32(lb + 4, 20);
    unsigned char lb20[8 + 20] = {0};
    memcpy(lb20, lb, 8);
    lb20[8 + 3] = 10;
    write_gz(lpath, lb20, sizeof lb20);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "index 3"), "%s", sgl_errmsg());
}

/* ---- shd / ssc: HDF5 files written here ----------------------------------------------------- */
typedef struct {
    int n;
    const int *len;
    const float *const *t;
    const uint16_t *const *u;
    const uint8_t *label;
    int no_labels;
} h5spec;

static void write_h5(const char *name, const h5spec *s)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0, "%s", path);
    hid_t g = H5Gcreate2(f, "/spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = (hsize_t)s->n;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hvl_t *bt = calloc((size_t)s->n, sizeof *bt), *bu = calloc((size_t)s->n, sizeof *bu);
    for (int i = 0; i < s->n; i++) {
        bt[i].len = bu[i].len = (size_t)s->len[i];
        bt[i].p = (void *)(uintptr_t)s->t[i];
        bu[i].p = (void *)(uintptr_t)s->u[i];
    }
    hid_t ft = H5Tvlen_create(H5T_IEEE_F32LE), mt = H5Tvlen_create(H5T_NATIVE_FLOAT);
    hid_t fu = H5Tvlen_create(H5T_STD_U16LE), mu = H5Tvlen_create(H5T_NATIVE_UINT16);
    hid_t dt = H5Dcreate2(f, "/spikes/times", ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t du = H5Dcreate2(f, "/spikes/units", fu, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5Dwrite(dt, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, bt), 0);
    cr_assert_geq(H5Dwrite(du, mu, H5S_ALL, H5S_ALL, H5P_DEFAULT, bu), 0);
    if (!s->no_labels) {
        hid_t dl = H5Dcreate2(f, "/labels", H5T_STD_U8LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);
        cr_assert_geq(H5Dwrite(dl, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->label),
                      0);
        H5Dclose(dl);
    }
    H5Dclose(dt);
    H5Dclose(du);
    H5Tclose(ft);
    H5Tclose(mt);
    H5Tclose(fu);
    H5Tclose(mu);
    H5Sclose(sp);
    H5Gclose(g);
    H5Fclose(f);
    free(bt);
    free(bu);
}

/* Sample 0: unsorted times, a NaN, a negative time, a time past the window (steps * dt = 1 s),
 * and two spikes of channel 5 in one 4 ms bin. Sample 1: no spikes. Sample 2: one spike. */
static const float t0[] = {0.0105f, NAN, 0.0001f, -0.5f, 1.2f, 0.0090f, 0.0085f, 0.9999f};
static const uint16_t u0[] = {3, 1, 699, 2, 4, 5, 5, 0};
static const float t1[] = {0};
static const uint16_t u1[] = {0};
static const float t2[] = {0.5f};
static const uint16_t u2[] = {42};
static const float *const ts[] = {t0, t1, t2, t2};
static const uint16_t *const us[] = {u0, u1, u2, u2};
static const int lens[] = {8, 0, 1, 1};

static void check_sample0(sgl_sample x)
{
    /* bins: 0.0001 -> 0 (ch 699), 0.0085/0.0090 -> 2 (ch 5, once), 0.0105 -> 2 (ch 3),
     * 0.9999 -> 249 (ch 0) */
    const uint16_t et[] = {0, 2, 2, 249}, eu[] = {699, 3, 5, 0};
    cr_assert_eq(x.n_ev, 4);
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(x.ev_t[k], et[k], "event %d", k);
        cr_assert_eq(x.ev_u[k], eu[k], "event %d", k);
    }
}

Test(data, shd_small_files, .init = mk_tmp, .fini = rm_tmp)
{
    const uint8_t train_lab[] = {7, 19, 0}, test_lab[] = {3, 4};
    h5spec tr = {3, lens, ts, us, train_lab, 0}, te = {2, lens + 2, ts + 2, us + 2, test_lab, 0};
    write_h5("shd_train.h5", &tr);
    write_h5("shd_test.h5", &te);
    char spec[256];
    snprintf(spec, sizeof spec, "shd:%s,valid=0", tmpdir);
    sgl_data d;
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TRAIN), 0);
    char want[256];
    snprintf(want, sizeof want, "shd:%s,dt=0.004,steps=250,units=700,valid=0,seed=1", tmpdir);
    cr_assert_str_eq(d.name, want);
    cr_assert_eq(d.n_samples, 3);
    cr_assert_eq(d.n_units, 700);
    cr_assert_eq(d.n_steps, 250);
    cr_assert_eq(d.n_classes, 20);
    check_sample0(sgl_data_sample(&d, 0));
    cr_assert_eq(sgl_data_sample(&d, 0).label, 7);
    cr_assert_eq(sgl_data_sample(&d, 1).n_ev, 0);
    cr_assert_eq(sgl_data_sample(&d, 1).label, 19);
    sgl_sample x = sgl_data_sample(&d, 2);
    cr_assert_eq(x.n_ev, 1);
    cr_assert_eq(x.ev_t[0], 125);
    cr_assert_eq(x.ev_u[0], 42);
    sgl_data_free(&d);

    /* the test file; a finer bin keeps the two channel-5 spikes apart */
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TEST), 0);
    cr_assert_eq(d.n_samples, 2);
    cr_assert_eq(d.label[0], 3);
    cr_assert_eq(d.label[1], 4);
    sgl_data_free(&d);
    snprintf(spec, sizeof spec, "shd:%s,valid=0,dt=0.0001,steps=10000", tmpdir);
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(sgl_data_sample(&d, 0).n_ev, 5); /* 5 valid spikes, none share a bin */
    sgl_data_free(&d);

    /* validation part: a seeded subset; train and valid split the file between them */
    snprintf(spec, sizeof spec, "shd:%s,valid=0.34,seed=3", tmpdir);
    sgl_data a, b;
    cr_assert_eq(load(&a, spec, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(load(&b, spec, SGL_SPLIT_VALID), 0);
    cr_assert_eq(a.n_samples, 2);
    cr_assert_eq(b.n_samples, 1); /* round(0.34 * 3) */
    int seen = 0;
    for (int i = 0; i < a.n_samples; i++)
        seen |= 1 << (a.label[i] == 7 ? 0 : a.label[i] == 19 ? 1 : 2);
    seen |= 1 << (b.label[0] == 7 ? 0 : b.label[0] == 19 ? 1 : 2);
    cr_assert_eq(seen, 7);
    sgl_data_free(&a);
    sgl_data_free(&b);
}

Test(data, ssc_small_files, .init = mk_tmp, .fini = rm_tmp)
{
    const uint8_t lab[] = {34, 0, 12};
    h5spec s = {3, lens, ts, us, lab, 0};
    write_h5("ssc_train.h5", &s);
    h5spec v = {1, lens + 2, ts + 2, us + 2, lab + 2, 0};
    write_h5("ssc_valid.h5", &v);
    char spec[256];
    snprintf(spec, sizeof spec, "ssc:%s", tmpdir);
    sgl_data d;
    cr_assert_eq(load(&d, spec, SGL_SPLIT_TRAIN), 0);
    cr_assert_eq(d.n_classes, 35);
    cr_assert_eq(d.n_samples, 3);
    cr_assert_eq(d.label[0], 34);
    check_sample0(sgl_data_sample(&d, 0));
    sgl_data_free(&d);
    cr_assert_eq(load(&d, spec, SGL_SPLIT_VALID), 0);
    cr_assert_eq(d.n_samples, 1);
    cr_assert_eq(d.label[0], 12);
    sgl_data_free(&d);
    /* no test file */
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TEST), -SGL_EIO);
    cr_assert_not_null(strstr(sgl_errmsg(), "ssc_test.h5"), "%s", sgl_errmsg());
}

Test(data, shd_bad_files, .init = mk_tmp, .fini = rm_tmp)
{
    char spec[256], path[256];
    sgl_data d;
    /* missing directory */
    cr_assert_eq(sgl_data_load(&d, "shd:/nonexistent/shd", SGL_SPLIT_TRAIN), -SGL_EIO);
    cr_assert_not_null(strstr(sgl_errmsg(), "/nonexistent/shd/shd_train.h5"), "%s",
                       sgl_errmsg());

    snprintf(spec, sizeof spec, "shd:%s", tmpdir);
    snprintf(path, sizeof path, "%s/shd_train.h5", tmpdir);
    /* /labels missing */
    const uint8_t lab[] = {1, 2, 3};
    h5spec s = {3, lens, ts, us, lab, 1};
    write_h5("shd_train.h5", &s);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_log_info("%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), path), "%s", sgl_errmsg());
    cr_assert_not_null(strstr(sgl_errmsg(), "/labels"), "%s", sgl_errmsg());

    /* a label outside 0..19 */
    const uint8_t lab_bad[] = {1, 20, 3};
    s.label = lab_bad;
    s.no_labels = 0;
    write_h5("shd_train.h5", &s);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "/labels[1] = 20"), "%s", sgl_errmsg());

    /* a channel beyond units */
    s.label = lab;
    write_h5("shd_train.h5", &s);
    snprintf(spec, sizeof spec, "shd:%s,units=600,valid=0", tmpdir);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), "/spikes/units[0][2] = 699"), "%s", sgl_errmsg());

    /* not an HDF5 file */
    FILE *f = fopen(path, "wb");
    fputs("not hdf5\n", f);
    fclose(f);
    snprintf(spec, sizeof spec, "shd:%s", tmpdir);
    cr_assert_eq(sgl_data_load(&d, spec, SGL_SPLIT_TRAIN), -SGL_EDATA);
    cr_assert_not_null(strstr(sgl_errmsg(), path), "%s", sgl_errmsg());
}
