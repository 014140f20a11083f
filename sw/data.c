/* SPDX-License-Identifier: MIT */
/* Data sets: spec parsing and dispatch to the loaders, building a data set from event lists
 * (sort, de-duplicate, validate), sample views, input statistics and the published checksum. */
#include "data_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- spec parsing ------------------------------------------------------------------------ */

static int spec_parse(sgl_spec *s, const char *spec)
{
    memset(s, 0, sizeof *s);
    if (!spec || !*spec)
        return sgl_fail(SGL_EUSAGE, "data: empty data-set spec (expected name[:key=value,...])");
    if (strlen(spec) >= sizeof s->buf)
        return sgl_fail(SGL_EUSAGE, "data: spec longer than %zu characters", sizeof s->buf - 1);
    strcpy(s->buf, spec);
    s->name = s->buf;
    char *p = strchr(s->buf, ':');
    if (!p)
        return 0;
    *p++ = '\0';
    if (!*p)
        return 0;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *eq = strchr(p, '=');
        if (!eq) {
            if (!*p)
                return sgl_fail(SGL_EUSAGE, "%s: empty entry in spec '%s'", s->name, spec);
            if (s->arg)
                return sgl_fail(SGL_EUSAGE, "%s: '%s' is not key=value (spec '%s')", s->name, p,
                                spec);
            s->arg = p;
        } else {
            *eq = '\0';
            if (!*p)
                return sgl_fail(SGL_EUSAGE, "%s: empty key in spec '%s'", s->name, spec);
            for (int i = 0; i < s->n; i++)
                if (!strcmp(s->key[i], p))
                    return sgl_fail(SGL_EUSAGE, "%s: key '%s' given twice", s->name, p);
            if (s->n == SGL_SPEC_MAX_KEYS)
                return sgl_fail(SGL_EUSAGE, "%s: more than %d keys", s->name, SGL_SPEC_MAX_KEYS);
            s->key[s->n] = p;
            s->val[s->n] = eq + 1;
            s->n++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static int spec_find(sgl_spec *s, const char *key)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->key[i], key)) {
            s->used[i] = 1;
            return i;
        }
    return -1;
}

int sgl_spec_int(sgl_spec *s, const char *key, long lo, long hi, int *out)
{
    int i = spec_find(s, key);
    if (i < 0)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(s->val[i], &end, 10);
    if (!*s->val[i] || *end || errno)
        return sgl_fail(SGL_EUSAGE, "%s: key '%s': '%s' is not an integer", s->name, key,
                        s->val[i]);
    if (v < lo || v > hi)
        return sgl_fail(SGL_EUSAGE, "%s: key '%s': %ld outside %ld..%ld", s->name, key, v, lo, hi);
    *out = (int)v;
    return 0;
}

int sgl_spec_u64(sgl_spec *s, const char *key, uint64_t *out)
{
    int i = spec_find(s, key);
    if (i < 0)
        return 0;
    char *end;
    errno = 0;
    const char *v = s->val[i];
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || errno || *v == '-' || *v == '+' || *v == ' ')
        return sgl_fail(SGL_EUSAGE, "%s: key '%s': '%s' is not an unsigned 64-bit integer",
                        s->name, key, v);
    *out = (uint64_t)x;
    return 0;
}

int sgl_spec_double(sgl_spec *s, const char *key, double lo, int lo_open, double hi, int hi_open,
                    double *out)
{
    int i = spec_find(s, key);
    if (i < 0)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s->val[i], &end);
    if (!*s->val[i] || *end || errno || !isfinite(v))
        return sgl_fail(SGL_EUSAGE, "%s: key '%s': '%s' is not a finite number", s->name, key,
                        s->val[i]);
    if (v < lo || (lo_open && v == lo) || v > hi || (hi_open && v == hi))
        return sgl_fail(SGL_EUSAGE, "%s: key '%s': %s outside %c%g, %g%c", s->name, key,
                        s->val[i], lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
    *out = v;
    return 0;
}

int sgl_spec_str(sgl_spec *s, const char *key, const char **out)
{
    int i = spec_find(s, key);
    if (i < 0)
        return 0;
    if (!*s->val[i])
        return sgl_fail(SGL_EUSAGE, "%s: key '%s' has an empty value", s->name, key);
    *out = s->val[i];
    return 0;
}

int sgl_spec_unused(const sgl_spec *s, const char *keys)
{
    for (int i = 0; i < s->n; i++)
        if (!s->used[i])
            return sgl_fail(SGL_EUSAGE, "%s: unknown key '%s' (keys: %s)", s->name, s->key[i],
                            keys);
    return 0;
}

void sgl_fmt_double(char *buf, size_t n, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int sgl_data_load(sgl_data *d, const char *spec, sgl_split split)
{
    memset(d, 0, sizeof *d);
    if (split != SGL_SPLIT_TRAIN && split != SGL_SPLIT_VALID && split != SGL_SPLIT_TEST)
        return sgl_fail(SGL_EUSAGE, "data: bad split %d", (int)split);
    sgl_spec *s = sgl_calloc(1, sizeof *s);
    if (!s)
        return -SGL_ENOMEM;
    int rc = spec_parse(s, spec);
    if (rc == 0) {
        if (!strcmp(s->name, "randman"))
            rc = sgl_data_load_randman(d, s, split);
        else if (!strcmp(s->name, "fmnist"))
            rc = sgl_data_load_fmnist(d, s, split);
        else if (!strcmp(s->name, "shd"))
            rc = sgl_data_load_hdf5(d, s, split, 0);
        else if (!strcmp(s->name, "ssc"))
            rc = sgl_data_load_hdf5(d, s, split, 1);
        else
            rc = sgl_fail(SGL_EUSAGE, "data: unknown data set '%s' (randman, fmnist, shd, ssc)",
                          s->name);
    }
    free(s);
    return rc;
}

/* ---- building ---------------------------------------------------------------------------- */

int sgl_evbuf_reserve(sgl_evbuf *b, int64_t n)
{
    if (b->n + n > b->cap) {
        int64_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        uint16_t *nt = realloc(b->t, (size_t)cap * sizeof *nt);
        if (!nt)
            return sgl_fail(SGL_ENOMEM, "out of memory (%" PRId64 " events)", cap);
        b->t = nt;
        uint16_t *nu = realloc(b->u, (size_t)cap * sizeof *nu);
        if (!nu)
            return sgl_fail(SGL_ENOMEM, "out of memory (%" PRId64 " events)", cap);
        b->u = nu;
        b->cap = cap;
    }
    return 0;
}

int sgl_evbuf_push(sgl_evbuf *b, int t, int u)
{
    int rc = sgl_evbuf_reserve(b, 1);
    if (rc)
        return rc;
    b->t[b->n] = (uint16_t)t;
    b->u[b->n] = (uint16_t)u;
    b->n++;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int sgl_data_adopt(sgl_data *d, const char *name, int n_units, int n_steps, int n_classes,
                   int n_samples, int *label, int64_t *off, uint16_t *ev_t, uint16_t *ev_u)
{
    int rc = 0;
    uint32_t *key = NULL;
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name ? name : "");
    if (n_units < 1 || n_units > 65536 || n_steps < 1 || n_steps > 65536 || n_classes < 1 ||
        n_samples < 0) {
        rc = sgl_fail(SGL_EUSAGE,
                      "%s: bad shape: units %d, steps %d (1..65536), classes %d, samples %d",
                      d->name, n_units, n_steps, n_classes, n_samples);
        goto fail;
    }
    if (!label || !off) {
        rc = sgl_fail(SGL_ENOMEM, "%s: out of memory", d->name);
        goto fail;
    }
    if (off[0] != 0) {
        rc = sgl_fail(SGL_EDATA, "%s: event offsets must start at 0", d->name);
        goto fail;
    }
    int64_t maxn = 0;
    for (int i = 0; i < n_samples; i++) {
        if (label[i] < 0 || label[i] >= n_classes) {
            rc = sgl_fail(SGL_EDATA, "%s: sample %d: label %d outside 0..%d", d->name, i,
                          label[i], n_classes - 1);
            goto fail;
        }
        if (off[i + 1] < off[i]) {
            rc = sgl_fail(SGL_EDATA, "%s: sample %d: event offsets decrease", d->name, i);
            goto fail;
        }
        if (off[i + 1] - off[i] > maxn)
            maxn = off[i + 1] - off[i];
    }
    if (off[n_samples] > 0 && (!ev_t || !ev_u)) {
        rc = sgl_fail(SGL_ENOMEM, "%s: out of memory", d->name);
        goto fail;
    }
    key = malloc((size_t)(maxn ? maxn : 1) * sizeof *key);
    if (!key) {
        rc = sgl_fail(SGL_ENOMEM, "%s: out of memory (%" PRId64 " events)", d->name, maxn);
        goto fail;
    }
    int64_t w = 0;
    for (int i = 0; i < n_samples; i++) {
        int64_t a = off[i], n = off[i + 1] - off[i];
        int sorted = 1;
        for (int64_t k = 0; k < n; k++) {
            int t = ev_t[a + k], u = ev_u[a + k];
            if (t >= n_steps || u >= n_units) {
                rc = sgl_fail(SGL_EDATA,
                              "%s: sample %d, event %" PRId64 ": step %d, channel %d outside "
                              "%d steps x %d channels",
                              d->name, i, k, t, u, n_steps, n_units);
                goto fail;
            }
            key[k] = (uint32_t)t << 16 | (uint32_t)u;
            if (k > 0 && key[k] <= key[k - 1])
                sorted = 0;
        }
        if (!sorted)
            qsort(key, (size_t)n, sizeof *key, cmp_u32);
        off[i] = w; /* the old start is in a; off[i + 1] is still the old end */
        for (int64_t k = 0; k < n; k++) {
            if (k > 0 && key[k] == key[k - 1])
                continue;
            ev_t[w] = (uint16_t)(key[k] >> 16);
            ev_u[w] = (uint16_t)(key[k] & 0xffffu);
            w++;
        }
        if (w - off[i] > INT_MAX) {
            rc = sgl_fail(SGL_EDATA, "%s: sample %d has more than %d events", d->name, i,
                          INT_MAX);
            goto fail;
        }
    }
    off[n_samples] = w;
    free(key);
    if (!ev_t || !ev_u) { /* no events at all: keep valid (empty) arrays for the views */
        free(ev_t);
        free(ev_u);
        ev_t = malloc(sizeof *ev_t);
        ev_u = malloc(sizeof *ev_u);
        if (!ev_t || !ev_u) {
            free(label);
            free(off);
            free(ev_t);
            free(ev_u);
            memset(d, 0, sizeof *d);
            return sgl_fail(SGL_ENOMEM, "out of memory");
        }
    } else if (w > 0) {
        uint16_t *nt = realloc(ev_t, (size_t)w * sizeof *nt);
        if (nt)
            ev_t = nt;
        uint16_t *nu = realloc(ev_u, (size_t)w * sizeof *nu);
        if (nu)
            ev_u = nu;
    }
    d->n_units = n_units;
    d->n_steps = n_steps;
    d->n_classes = n_classes;
    d->n_samples = n_samples;
    d->label = label;
    d->off = off;
    d->ev_t = ev_t;
    d->ev_u = ev_u;
    return 0;
fail:
    free(key);
    free(label);
    free(off);
    free(ev_t);
    free(ev_u);
    char nm[sizeof d->name];
    memcpy(nm, d->name, sizeof nm);
    memset(d, 0, sizeof *d);
    memcpy(d->name, nm, sizeof nm);
    return rc;
}

int sgl_data_from_events(sgl_data *d, const char *name, int n_units, int n_steps,
                         int n_classes, int n_samples, const int *label, const int64_t *off,
                         const uint16_t *ev_t, const uint16_t *ev_u)
{
    memset(d, 0, sizeof *d);
    if (n_samples < 0 || (n_samples > 0 && (!label || !off)))
        return sgl_fail(SGL_EUSAGE, "%s: bad arguments to sgl_data_from_events",
                        name ? name : "data");
    int64_t n_ev = off ? off[n_samples] : 0;
    if (n_ev < 0 || (n_ev > 0 && (!ev_t || !ev_u)))
        return sgl_fail(SGL_EUSAGE, "%s: bad event arrays", name ? name : "data");
    int *l = malloc((size_t)(n_samples ? n_samples : 1) * sizeof *l);
    int64_t *o = malloc((size_t)(n_samples + 1) * sizeof *o);
    uint16_t *t = malloc((size_t)(n_ev ? n_ev : 1) * sizeof *t);
    uint16_t *u = malloc((size_t)(n_ev ? n_ev : 1) * sizeof *u);
    if (l && o && t && u) {
        if (n_samples)
            memcpy(l, label, (size_t)n_samples * sizeof *l);
        if (off)
            memcpy(o, off, (size_t)(n_samples + 1) * sizeof *o);
        else
            o[0] = 0;
        if (n_ev) {
            memcpy(t, ev_t, (size_t)n_ev * sizeof *t);
            memcpy(u, ev_u, (size_t)n_ev * sizeof *u);
        }
    } else {
        free(l);
        free(o);
        free(t);
        free(u);
        return sgl_fail(SGL_ENOMEM, "%s: out of memory (%" PRId64 " events)",
                        name ? name : "data", n_ev);
    }
    return sgl_data_adopt(d, name, n_units, n_steps, n_classes, n_samples, l, o, t, u);
}

void sgl_data_free(sgl_data *d)
{
    if (!d)
        return;
    free(d->label);
    free(d->off);
    free(d->ev_t);
    free(d->ev_u);
    memset(d, 0, sizeof *d);
}

sgl_sample sgl_data_sample(const sgl_data *d, int i)
{
    sgl_sample s;
    int64_t a = d->off[i];
    s.n_ev = (int)(d->off[i + 1] - a);
    s.ev_t = d->ev_t + a;
    s.ev_u = d->ev_u + a;
    s.label = d->label[i];
    return s;
}

void sgl_data_input_stats(const sgl_data *d, double *mean, double *var)
{
    double cells = (double)d->n_samples * d->n_steps * d->n_units;
    double m = cells > 0 ? (double)d->off[d->n_samples] / cells : 0.0;
    if (mean)
        *mean = m;
    if (var)
        *var = m * (1.0 - m);
}

/* ---- checksum ---------------------------------------------------------------------------- */

static uint64_t fnv_bytes(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_u32(uint64_t h, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return fnv_bytes(h, b, 4);
}

uint64_t sgl_data_checksum(const sgl_data *d)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv_u32(h, (uint32_t)d->n_units);
    h = fnv_u32(h, (uint32_t)d->n_steps);
    h = fnv_u32(h, (uint32_t)d->n_classes);
    h = fnv_u32(h, (uint32_t)d->n_samples);
    for (int i = 0; i < d->n_samples; i++) {
        int64_t a = d->off[i], b = d->off[i + 1];
        h = fnv_u32(h, (uint32_t)d->label[i]);
        h = fnv_u32(h, (uint32_t)(b - a));
        for (int64_t k = a; k < b; k++) {
            unsigned char e[4] = {(unsigned char)d->ev_t[k], (unsigned char)(d->ev_t[k] >> 8),
                                  (unsigned char)d->ev_u[k], (unsigned char)(d->ev_u[k] >> 8)};
            h = fnv_bytes(h, e, 4);
        }
    }
    return h;
}
