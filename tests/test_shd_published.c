/* SPDX-License-Identifier: MIT */
/* Suite "shd_published": the shd/ssc loader on files written by h5py the way the published
 * SHD and SSC files are (tests/fixtures/shd_published, made by make_shd_published.py: ragged
 * float16 times, ragged uint16 units, uint16 labels, extra/ groups). Every event is checked
 * against the generator's rule, binned as docs/data.md says. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "data.h"

#define DIR "tests/fixtures/shd_published"

/* The generator's sample i: m spikes (unit, time in seconds), as make_shd_published.py. */
static int rule(int i, int *u, double *t)
{
    int m = 5 + 3 * i;
    for (int k = 0; k < m; k++) {
        u[k] = (131 * i + 37 * k) % 700;
        t[k] = ldexp((7 * i + 11 * k) % 256, -8);
    }
    return m;
}

static int cmp_ev(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Events of split that differ from the rule binned with floor(t / dt) (or, for the self-test,
 * with round(t / dt): a loader that rounded would pass that one). Labels and counts asserted. */
static long mismatches(const char *spec, sgl_split split, int n, int classes, int mul, double dt,
                       int rounded)
{
    sgl_data d;
    cr_assert_eq(sgl_data_load(&d, spec, split), 0, "%s: %s", spec, sgl_errmsg());
    cr_assert_eq(d.n_samples, n, "%s", spec);
    cr_assert_eq(d.n_classes, classes);
    long bad = 0, events = 0;
    for (int i = 0; i < n; i++) {
        sgl_sample s = sgl_data_sample(&d, i);
        cr_assert_eq(s.label, (i * mul) % classes, "%s sample %d: label", spec, i);
        int u[64], ev[64][2];
        double t[64];
        int m = rule(i, u, t);
        for (int k = 0; k < m; k++) {
            ev[k][0] = (int)(rounded ? round(t[k] / dt) : floor(t[k] / dt)); /* the loader: floor */
            ev[k][1] = u[k];
        }
        qsort(ev, (size_t)m, sizeof ev[0], cmp_ev);
        if (s.n_ev != m) {
            bad += m;
            continue;
        }
        for (int k = 0; k < m; k++)
            bad += s.ev_t[k] != ev[k][0] || s.ev_u[k] != ev[k][1];
        events += m;
    }
    cr_assert_gt(events, 0);
    sgl_data_free(&d);
    return bad;
}

static void check_split(const char *spec, sgl_split split, int n, int classes, int mul, double dt)
{
    long bad = mismatches(spec, split, n, classes, mul, dt, 0);
    cr_assert_eq(bad, 0, "%s: %ld events differ from the rule", spec, bad);
}

Test(shd_published, the_fixture_holds_the_published_types)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(DIR "/shd_train.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0, "run from the project's top directory");
    static const struct {
        const char *ds;
        H5T_class_t cls;
        size_t size;
    } want[] = {{"/spikes/times", H5T_FLOAT, 2}, {"/spikes/units", H5T_INTEGER, 2}};
    for (size_t k = 0; k < 2; k++) {
        hid_t d = H5Dopen2(f, want[k].ds, H5P_DEFAULT), t = H5Dget_type(d), b = H5Tget_super(t);
        cr_assert_eq(H5Tget_class(t), H5T_VLEN, "%s is ragged", want[k].ds);
        cr_assert_eq(H5Tget_class(b), want[k].cls);
        cr_assert_eq(H5Tget_size(b), want[k].size, "%s: %zu-byte elements", want[k].ds,
                     H5Tget_size(b));
        H5Tclose(b);
        H5Tclose(t);
        H5Dclose(d);
    }
    cr_assert(H5Lexists(f, "/extra", H5P_DEFAULT) > 0);
    H5Fclose(f);
}

Test(shd_published, every_event_binned)
{
    check_split("shd:" DIR ",valid=0", SGL_SPLIT_TRAIN, 6, 20, 1, 0.004);
    check_split("shd:" DIR, SGL_SPLIT_TEST, 4, 20, 3, 0.004);
    check_split("shd:" DIR ",dt=0.001,steps=1000", SGL_SPLIT_TEST, 4, 20, 3, 0.001);
    check_split("ssc:" DIR, SGL_SPLIT_TRAIN, 4, 35, 11, 0.004);
    check_split("ssc:" DIR, SGL_SPLIT_VALID, 4, 35, 55, 0.004);
    check_split("ssc:" DIR, SGL_SPLIT_TEST, 4, 35, 33, 0.004);
}

Test(shd_published, self_test_rounding_would_be_caught)
{
    /* the rule binned by rounding instead of floor: the comparison must see the difference */
    cr_assert_gt(mismatches("shd:" DIR, SGL_SPLIT_TEST, 4, 20, 3, 0.004, 1), 0);
}
