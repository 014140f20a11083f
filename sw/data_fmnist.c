/* SPDX-License-Identifier: MIT */
/* fmnist: Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzip), read with zlib
 * and turned into spikes with a latency code (brighter pixels spike earlier). docs/data.md. */
#include "data_priv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FMNIST_KEYS "dir, steps, thr, valid, limit"
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#define FMNIST_SIDE 28
#define FMNIST_PIX (FMNIST_SIDE * FMNIST_SIDE)
#define IDX_IMAGES 2051u
#define IDX_LABELS 2049u
#define CHUNK 1024 /* images per gzread */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int gz_open(gzFile *g, const char *path)
{
    errno = 0;
    *g = gzopen(path, "rb");
    if (!*g)
        return sgl_fail(SGL_EIO, "fmnist: %s: cannot open: %s", path,
                        errno ? strerror(errno) : "out of memory");
    gzbuffer(*g, 1 << 17);
    return 0;
}

/* Read exactly n bytes; *got receives what was read. Returns 0, or -SGL_EDATA for a corrupt
 * stream (message left to the caller through *why). */
static int gz_read(gzFile g, void *buf, size_t n, size_t *got, const char **why)
{
    *got = 0;
    *why = NULL;
    unsigned char *p = buf;
    while (*got < n) {
        size_t want = n - *got;
        if (want > (1u << 30))
            want = 1u << 30;
        int r = gzread(g, p + *got, (unsigned)want);
        if (r < 0) {
            int err;
            const char *msg = gzerror(g, &err);
            *why = msg && *msg ? msg : "read error";
            return -SGL_EDATA;
        }
        if (r == 0)
            break;
        *got += (size_t)r;
    }
    if (*got < n) {
        int err;
        const char *msg = gzerror(g, &err);
        if (err != Z_OK && err != Z_BUF_ERROR) /* Z_BUF_ERROR: stream ended early */
            *why = msg;
    }
    return 0;
}

/* Header: magic, then ndim big-endian 32-bit sizes. */
static int idx_header(gzFile g, const char *path, uint32_t magic, int ndim, uint32_t *dims)
{
    unsigned char h[16];
    size_t got;
    const char *why;
    size_t n = 4 + 4 * (size_t)ndim;
    gz_read(g, h, n, &got, &why);
    if (got < n)
        return sgl_fail(SGL_EDATA, "fmnist: %s: %s (%zu of %zu header bytes)", path,
                        why ? why : "truncated header", got, n);
    uint32_t m = be32(h);
    if (m != magic)
        return sgl_fail(SGL_EDATA, "fmnist: %s: bad IDX magic number %u (expected %u, %s)", path,
                        m, magic, magic == IDX_IMAGES ? "ubyte images" : "ubyte labels");
    for (int i = 0; i < ndim; i++)
        dims[i] = be32(h + 4 + 4 * i);
    return 0;
}

typedef struct {
    const char *dir;
    int steps, valid, limit;
    double thr;
} fmnist_cfg;

int sgl_data_load_fmnist(sgl_data *d, sgl_spec *s, sgl_split split)
{
    fmnist_cfg c = {FMNIST_DIR, 50, 5000, 0, 0.2};
    int rc;
    if (s->arg)
        return sgl_fail(SGL_EUSAGE, "fmnist: '%s' is not key=value (keys: %s)", s->arg,
                        FMNIST_KEYS);
    if ((rc = sgl_spec_str(s, "dir", &c.dir)) ||
        (rc = sgl_spec_int(s, "steps", 1, 65536, &c.steps)) ||
        (rc = sgl_spec_double(s, "thr", 0.0, 0, 1.0, 1, &c.thr)) ||
        (rc = sgl_spec_int(s, "valid", 0, 59999, &c.valid)) ||
        (rc = sgl_spec_int(s, "limit", 0, 1000000, &c.limit)) ||
        (rc = sgl_spec_unused(s, FMNIST_KEYS)))
        return rc;
    char name[256], thr[32];
    sgl_fmt_double(thr, sizeof thr, c.thr);
    int len = snprintf(name, sizeof name, "fmnist:%s%s%ssteps=%d,thr=%s,valid=%d",
                       strcmp(c.dir, FMNIST_DIR) ? "dir=" : "",
                       strcmp(c.dir, FMNIST_DIR) ? c.dir : "",
                       strcmp(c.dir, FMNIST_DIR) ? "," : "", c.steps, thr, c.valid);
    if (c.limit && len > 0 && (size_t)len < sizeof name)
        len += snprintf(name + len, sizeof name - (size_t)len, ",limit=%d", c.limit);
    if (len < 0 || (size_t)len >= sizeof name)
        return sgl_fail(SGL_EUSAGE, "fmnist: spec longer than %zu characters", sizeof name - 1);

    /* Latency code: value v (p = v / 255) spikes iff v > 0 and p >= thr, at step
     * round((1 - p) / (1 - thr) * (steps - 1)): white at step 0, p = thr at the last step. */
    int lut[256];
    for (int v = 0; v < 256; v++) {
        double p = v / 255.0;
        lut[v] = (v == 0 || p < c.thr)
                     ? -1
                     : (int)floor((1.0 - p) / (1.0 - c.thr) * (c.steps - 1) + 0.5);
        if (lut[v] > c.steps - 1)
            lut[v] = c.steps - 1;
    }

    const char *stem = split == SGL_SPLIT_TEST ? "t10k" : "train";
    char ipath[4096], lpath[4096];
    snprintf(ipath, sizeof ipath, "%s/%s-images-idx3-ubyte.gz", c.dir, stem);
    snprintf(lpath, sizeof lpath, "%s/%s-labels-idx1-ubyte.gz", c.dir, stem);
    gzFile gi = NULL, gl = NULL;
    unsigned char *pix = NULL, *lab = NULL;
    int *label = NULL, *cnt = NULL;
    int64_t *off = NULL;
    sgl_evbuf eb = {0};
    uint32_t idim[3] = {0}, ldim[1] = {0};
    size_t got;
    const char *why;
    if ((rc = gz_open(&gl, lpath)) || (rc = idx_header(gl, lpath, IDX_LABELS, 1, ldim)) ||
        (rc = gz_open(&gi, ipath)) || (rc = idx_header(gi, ipath, IDX_IMAGES, 3, idim)))
        goto done;
    if (idim[1] != FMNIST_SIDE || idim[2] != FMNIST_SIDE) {
        rc = sgl_fail(SGL_EDATA, "fmnist: %s: images are %ux%u, expected %dx%d", ipath, idim[1],
                      idim[2], FMNIST_SIDE, FMNIST_SIDE);
        goto done;
    }
    if (idim[0] != ldim[0]) {
        rc = sgl_fail(SGL_EDATA, "fmnist: %s holds %u images but %s holds %u labels", ipath,
                      idim[0], lpath, ldim[0]);
        goto done;
    }
    if (idim[0] > 10000000u) {
        rc = sgl_fail(SGL_EDATA, "fmnist: %s: implausible image count %u", ipath, idim[0]);
        goto done;
    }
    int count = (int)idim[0], lo = 0, n = count;
    if (split != SGL_SPLIT_TEST) {
        if (c.valid >= count) {
            rc = sgl_fail(SGL_EUSAGE, "fmnist: key 'valid': %d must be below the %d images of %s",
                          c.valid, count, ipath);
            goto done;
        }
        if (split == SGL_SPLIT_TRAIN) {
            n = count - c.valid;
        } else {
            lo = count - c.valid;
            n = c.valid;
        }
    }
    if (c.limit && n > c.limit)
        n = c.limit;

    lab = malloc((size_t)lo + (size_t)n + 1);
    pix = malloc((size_t)CHUNK * FMNIST_PIX);
    label = malloc((size_t)(n ? n : 1) * sizeof *label);
    off = malloc((size_t)(n + 1) * sizeof *off);
    cnt = malloc((size_t)c.steps * sizeof *cnt);
    if (!lab || !pix || !label || !off || !cnt) {
        rc = sgl_fail(SGL_ENOMEM, "fmnist: out of memory (%d images)", n);
        goto done;
    }
    if (gz_read(gl, lab, (size_t)lo + (size_t)n, &got, &why) || got < (size_t)lo + (size_t)n) {
        rc = sgl_fail(SGL_EDATA, "fmnist: %s: %s at label %zu", lpath,
                      why ? why : "truncated", got);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        if (lab[lo + i] > 9) {
            rc = sgl_fail(SGL_EDATA, "fmnist: %s: label %d at index %d outside 0..9", lpath,
                          lab[lo + i], lo + i);
            goto done;
        }
        label[i] = lab[lo + i];
    }
    /* skip to image lo, then convert chunk by chunk */
    for (int i = 0; i < lo;) {
        int k = lo - i < CHUNK ? lo - i : CHUNK;
        if (gz_read(gi, pix, (size_t)k * FMNIST_PIX, &got, &why) ||
            got < (size_t)k * FMNIST_PIX) {
            rc = sgl_fail(SGL_EDATA, "fmnist: %s: %s at image %zu", ipath,
                          why ? why : "truncated", (size_t)i + got / FMNIST_PIX);
            goto done;
        }
        i += k;
    }
    off[0] = 0;
    int tpix[FMNIST_PIX];
    for (int i = 0; i < n;) {
        int k = n - i < CHUNK ? n - i : CHUNK;
        if (gz_read(gi, pix, (size_t)k * FMNIST_PIX, &got, &why) ||
            got < (size_t)k * FMNIST_PIX) {
            rc = sgl_fail(SGL_EDATA, "fmnist: %s: %s at image %zu", ipath,
                          why ? why : "truncated", (size_t)lo + (size_t)i + got / FMNIST_PIX);
            goto done;
        }
        for (int j = 0; j < k; j++, i++) {
            const unsigned char *img = pix + (size_t)j * FMNIST_PIX;
            /* counting sort by step so that events come out sorted by (t, u) */
            int ns = 0, tmax = -1;
            for (int u = 0; u < FMNIST_PIX; u++) {
                tpix[u] = lut[img[u]];
                if (tpix[u] > tmax)
                    tmax = tpix[u];
            }
            for (int t = 0; t <= tmax; t++)
                cnt[t] = 0;
            for (int u = 0; u < FMNIST_PIX; u++)
                if (tpix[u] >= 0) {
                    cnt[tpix[u]]++;
                    ns++;
                }
            int64_t base = eb.n;
            if ((rc = sgl_evbuf_reserve(&eb, ns)))
                goto done;
            int64_t pos = base;
            for (int t = 0; t <= tmax; t++) {
                int m = cnt[t];
                cnt[t] = (int)(pos - base);
                pos += m;
            }
            for (int u = 0; u < FMNIST_PIX; u++)
                if (tpix[u] >= 0) {
                    int64_t w = base + cnt[tpix[u]]++;
                    eb.t[w] = (uint16_t)tpix[u];
                    eb.u[w] = (uint16_t)u;
                }
            eb.n = base + ns;
            off[i + 1] = eb.n;
        }
    }
    rc = sgl_data_adopt(d, name, FMNIST_PIX, c.steps, 10, n, label, off, eb.t, eb.u);
    label = NULL;
    off = NULL;
    eb.t = eb.u = NULL;
done:
    if (gi)
        gzclose(gi);
    if (gl)
        gzclose(gl);
    free(pix);
    free(lab);
    free(label);
    free(cnt);
    free(off);
    free(eb.t);
    free(eb.u);
    return rc;
}
