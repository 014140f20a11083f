/* SPDX-License-Identifier: MIT */
/* The sglif container file: sections with a trailing CRC-32, written atomically. */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const unsigned char MAGIC[8] = {'S', 'G', 'L', 'I', 'F', '\r', '\n', 0x1a};

void sgl_file_init(sgl_file *f) { memset(f, 0, sizeof *f); }

void sgl_file_free(sgl_file *f)
{
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static int grow(unsigned char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 4096;
    while (nc < need)
        nc *= 2;
    unsigned char *q = realloc(*p, nc);
    if (!q)
        return sgl_fail(SGL_ENOMEM, "out of memory (%zu bytes)", nc);
    *p = q;
    *cap = nc;
    return 0;
}

int sgl_file_add(sgl_file *f, const char *tag, const void *data, size_t len)
{
    if (f->n >= SGL_FILE_MAX_SECTIONS)
        return sgl_fail(SGL_EUSAGE, "too many sections");
    int rc = grow(&f->buf, &f->cap, f->len + len);
    if (rc)
        return rc;
    if (len)
        memcpy(f->buf + f->len, data, len);
    sgl_section *s = &f->sec[f->n];
    memset(s->tag, 0, sizeof s->tag);
    memcpy(s->tag, tag, strnlen(tag, 4));
    s->len = len;
    f->off[f->n] = f->len;
    f->len += len;
    f->n++;
    return 0;
}

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

int sgl_file_write(const sgl_file *f, const char *path)
{
    size_t total = 16 + (size_t)f->n * 12 + f->len + 4;
    unsigned char *out = malloc(total);
    if (!out)
        return sgl_fail(SGL_ENOMEM, "out of memory (%zu bytes)", total);
    memcpy(out, MAGIC, 8);
    le32(out + 8, SGL_FILE_VERSION);
    le32(out + 12, (uint32_t)f->n);
    size_t o = 16;
    for (int i = 0; i < f->n; i++) {
        memcpy(out + o, f->sec[i].tag, 4);
        le64(out + o + 4, f->sec[i].len);
        o += 12;
        if (f->sec[i].len)
            memcpy(out + o, f->buf + f->off[i], (size_t)f->sec[i].len);
        o += (size_t)f->sec[i].len;
    }
    le32(out + o, (uint32_t)crc32(0L, out, (uInt)o));
    o += 4;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        free(out);
        return sgl_fail(SGL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    }
    int bad = fwrite(out, 1, o, fp) != o;
    bad |= fflush(fp) != 0;
    bad |= fsync(fileno(fp)) != 0;
    bad |= fclose(fp) != 0;
    free(out);
    if (bad) {
        int e = errno;
        remove(tmp);
        return sgl_fail(SGL_EIO, "%s: write failed: %s", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return sgl_fail(SGL_EIO, "%s: cannot replace: %s", path, strerror(e));
    }
    return 0;
}

int sgl_file_read(sgl_file *f, const char *path)
{
    sgl_file_init(f);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sgl_fail(SGL_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 0, len = 0;
    unsigned char *buf = NULL;
    for (;;) {
        if (grow(&buf, &cap, len + 65536)) {
            fclose(fp);
            free(buf);
            return -SGL_ENOMEM;
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        len += k;
        if (k == 0)
            break;
    }
    int err = ferror(fp);
    fclose(fp);
    f->buf = buf;
    f->len = len;
    if (err)
        return sgl_fail(SGL_EIO, "%s: read error", path);
    if (len < 8 || memcmp(buf, MAGIC, 8) != 0)
        return sgl_fail(SGL_EDATA, "%s: not an sglif file (bad magic)", path);
    if (len < 20)
        return sgl_fail(SGL_EDATA, "%s: truncated (%zu bytes)", path, len);
    uint32_t ver = rd32(buf + 8);
    if (ver != SGL_FILE_VERSION)
        return sgl_fail(SGL_EDATA, "%s: file format version %u, this sglif reads version %d",
                        path, ver, SGL_FILE_VERSION);
    uint32_t want = rd32(buf + len - 4);
    uint32_t got = (uint32_t)crc32(0L, buf, (uInt)(len - 4));
    if (want != got)
        return sgl_fail(SGL_EDATA, "%s: checksum mismatch (stored 0x%08x, computed 0x%08x): "
                                   "the file is truncated or altered",
                        path, want, got);
    uint32_t n = rd32(buf + 12);
    if (n > SGL_FILE_MAX_SECTIONS)
        return sgl_fail(SGL_EDATA, "%s: %u sections (at most %d)", path, n,
                        SGL_FILE_MAX_SECTIONS);
    size_t o = 16;
    for (uint32_t i = 0; i < n; i++) {
        if (o + 12 > len - 4)
            return sgl_fail(SGL_EDATA, "%s: section %u header runs past the end", path, i);
        sgl_section *s = &f->sec[i];
        memset(s->tag, 0, sizeof s->tag);
        memcpy(s->tag, buf + o, 4);
        s->len = rd64(buf + o + 4);
        o += 12;
        if (s->len > len - 4 - o)
            return sgl_fail(SGL_EDATA, "%s: section '%s' (%llu bytes) runs past the end", path,
                            s->tag, (unsigned long long)s->len);
        s->data = buf + o;
        o += (size_t)s->len;
    }
    if (o != len - 4)
        return sgl_fail(SGL_EDATA, "%s: %zu stray bytes after the last section", path,
                        len - 4 - o);
    f->n = (int)n;
    return 0;
}

const sgl_section *sgl_file_get(const sgl_file *f, const char *tag)
{
    for (int i = 0; i < f->n; i++)
        if (strncmp(f->sec[i].tag, tag, 4) == 0)
            return &f->sec[i];
    return NULL;
}

/* ---- payload serialization ---- */

static void wput(sgl_wbuf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (grow(&b->p, &b->cap, b->len + n)) {
        b->oom = 1;
        return;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void sgl_put_u32(sgl_wbuf *b, uint32_t v)
{
    unsigned char t[4];
    le32(t, v);
    wput(b, t, 4);
}

void sgl_put_u64(sgl_wbuf *b, uint64_t v)
{
    unsigned char t[8];
    le64(t, v);
    wput(b, t, 8);
}

void sgl_put_f64(sgl_wbuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    sgl_put_u64(b, u);
}

void sgl_put_f32(sgl_wbuf *b, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    sgl_put_u32(b, u);
}

void sgl_put_bytes(sgl_wbuf *b, const void *p, size_t n) { wput(b, p, n); }

static const unsigned char *rget(sgl_rbuf *b, size_t n)
{
    static const unsigned char zero[8];
    if (b->short_read || n > b->len - b->pos) {
        b->short_read = 1;
        return zero;
    }
    const unsigned char *p = b->p + b->pos;
    b->pos += n;
    return p;
}

uint32_t sgl_get_u32(sgl_rbuf *b) { return rd32(rget(b, 4)); }
uint64_t sgl_get_u64(sgl_rbuf *b) { return rd64(rget(b, 8)); }

double sgl_get_f64(sgl_rbuf *b)
{
    uint64_t u = sgl_get_u64(b);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

float sgl_get_f32(sgl_rbuf *b)
{
    uint32_t u = sgl_get_u32(b);
    float v;
    memcpy(&v, &u, 4);
    return v;
}

void sgl_get_bytes(sgl_rbuf *b, void *p, size_t n)
{
    if (b->short_read || n > b->len - b->pos) {
        b->short_read = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, b->p + b->pos, n);
    b->pos += n;
}
