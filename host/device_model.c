/* SPDX-License-Identifier: MIT */
/* A twin net on a board (device_model.h). */
#include "device_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common.h"
#include "sglif_protocol.h"

const int sgl_dev_model_sels[SGL_DEV_MODEL_NSEL] = {SGL_SEL_W,   SGL_SEL_BIAS, SGL_SEL_SG,
                                                    SGL_SEL_REG, SGL_SEL_WOUT, SGL_SEL_BOUT};

int sgl_dev_model_init(sgl_dev_model *m, const sgl_dev *d, const sgl_fixed_net *q,
                       const char *what)
{
    memset(m, 0, sizeof *m);
    const sgl_dev_info *in = &d->info;
    int rc = sgl_core_shape_init(&m->cs, in->neurons, in->inputs, in->classes, in->lanes,
                                 in->layers, in->sg_entries, 0);
    if (!rc && (rc = sgl_core_fits(&m->cs, q)) < 0) {
        char why[256]; /* sgl_fail writes the buffer sgl_errmsg reads */
        snprintf(why, sizeof why, "%s", sgl_errmsg());
        return sgl_fail(SGL_EDATA, "%s does not fit the board on %s: %s", what, d->t.name, why);
    }
    for (int k = 0; !rc && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        m->depth[s] = sgl_core_depth(&m->cs, s);
        if (!(m->img[s] = sgl_calloc(m->depth[s], sizeof(uint16_t))))
            rc = sgl_fail(SGL_ENOMEM, "out of memory for the board's model images");
    }
    if (rc)
        sgl_dev_model_free(m);
    return rc;
}

void sgl_dev_model_free(sgl_dev_model *m)
{
    for (int s = 0; s < SGL_N_SEL; s++)
        free(m->img[s]);
    memset(m, 0, sizeof *m);
}

typedef struct {
    uint16_t **img;
    const uint32_t *depth;
} image_ctx;

static void image_write(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    image_ctx *c = ctx;
    if (sel == SGL_SEL_WOUT) /* int8, read back sign-extended */
        data = (uint16_t)(int16_t)(int8_t)(data & 0xFF);
    if (c->img[sel] && addr < c->depth[sel])
        c->img[sel][addr] = data;
}

uint32_t sgl_dev_model_image_crc(const sgl_dev_model *m)
{
    uint32_t crc = 0;
    for (int k = 0; k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        for (uint32_t a = 0; a < m->depth[s]; a++) {
            uint8_t b[2] = {(uint8_t)m->img[s][a], (uint8_t)(m->img[s][a] >> 8)};
            crc = (uint32_t)crc32(crc, b, 2);
        }
    }
    return crc;
}

/* Runs of changed words closer than this are sent as one WRITE_MEM: a request costs about
 * 26 bytes of framing, header and acknowledgement, 13 words. */
#define GAP_WORDS 12

/* send 0: set the images to q's without writing (the board wrote them itself) */
static int model_write(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q, int all, int send,
                       uint64_t *written)
{
    uint16_t *img[SGL_N_SEL] = {0};
    int rc = 0;
    for (int k = 0; !rc && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        if (!(img[s] = sgl_calloc(m->depth[s], sizeof(uint16_t))))
            rc = sgl_fail(SGL_ENOMEM, "out of memory for the board's model images");
    }
    if (!rc) {
        image_ctx c = {img, m->depth};
        sgl_core_load(&m->cs, q, 1, image_write, &c);
    }
    uint64_t sent = 0;
    all = all || !m->loaded;
    m->loaded = 0; /* until the CRC says so */
    for (int k = 0; !rc && send && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        uint32_t n = m->depth[s];
        if (all) {
            rc = sgl_dev_write_mem(d, s, 0, img[s], n);
            sent += n;
            continue;
        }
        for (uint32_t a = 0; !rc && a < n;) {
            if (img[s][a] == m->img[s][a]) {
                a++;
                continue;
            }
            uint32_t e = a + 1, last = a; /* [a, last] changed, gaps < GAP_WORDS inside */
            for (; e < n && e - last <= GAP_WORDS; e++)
                if (img[s][e] != m->img[s][e])
                    last = e;
            rc = sgl_dev_write_mem(d, s, a, img[s] + a, last - a + 1);
            sent += last - a + 1;
            a = last + 1;
        }
    }
    for (int k = 0; !rc && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        memcpy(m->img[s], img[s], m->depth[s] * sizeof(uint16_t));
    }
    for (int s = 0; s < SGL_N_SEL; s++)
        free(img[s]);
    uint32_t got = 0, want = rc ? 0 : sgl_dev_model_image_crc(m);
    if (!rc)
        rc = sgl_dev_model_crc(d, &got);
    if (!rc && got != want)
        rc = sgl_fail(SGL_EDEVICE, "%s: the board's model CRC 0x%08x is not the model's "
                      "0x%08x: its memories do not hold %s", d->t.name, (unsigned)got,
                      (unsigned)want, send ? "what was sent" : "the weights of its masters");
    m->loaded = !rc;
    m->words += sent;
    if (written)
        *written = sent;
    return rc;
}

int sgl_dev_model_write(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q, int all,
                        uint64_t *written)
{
    return model_write(m, d, q, all, 1, written);
}

int sgl_dev_model_expect(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q)
{
    return model_write(m, d, q, 0, 0, NULL);
}

typedef struct {
    uint8_t **used;
    const uint32_t *depth;
} used_ctx;

static void mark_used(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    used_ctx *c = ctx;
    (void)data;
    if (c->used[sel] && addr < c->depth[sel])
        c->used[sel][addr] = 1;
}

int sgl_dev_model_read_of(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q)
{
    uint8_t *used[SGL_N_SEL] = {0};
    int rc = 0;
    for (int k = 0; !rc && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        if (!(used[s] = sgl_calloc(m->depth[s], 1)))
            rc = sgl_fail(SGL_ENOMEM, "out of memory for the board's model images");
    }
    if (!rc) {
        used_ctx c = {used, m->depth};
        sgl_core_load(&m->cs, q, 1, mark_used, &c);
    }
    for (int k = 0; !rc && k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        uint32_t n = m->depth[s];
        memset(m->img[s], 0, n * sizeof(uint16_t));
        for (uint32_t a = 0; !rc && a < n;) {
            if (!used[s][a]) {
                a++;
                continue;
            }
            uint32_t e = a + 1, last = a; /* [a, last] used, gaps < GAP_WORDS inside */
            for (; e < n && e - last <= GAP_WORDS; e++)
                if (used[s][e])
                    last = e;
            rc = sgl_dev_read_mem(d, s, a, m->img[s] + a, last - a + 1);
            a = last + 1;
        }
    }
    for (int s = 0; s < SGL_N_SEL; s++)
        free(used[s]);
    m->loaded = !rc;
    return rc;
}

typedef struct {
    const sgl_dev_model *m;
    sgl_fixed_net *q;
    int bad_sel;
    uint32_t bad_addr;
    uint16_t want;
} unload_ctx;

/* The write of an image word q would make: compare the board's word with it for the
 * selects that training does not change (SG table, registers). */
static void check_word(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    unload_ctx *c = ctx;
    if ((sel == SGL_SEL_SG || sel == SGL_SEL_REG) && c->bad_sel < 0 && addr < c->m->depth[sel] &&
        c->m->img[sel][addr] != data) {
        c->bad_sel = sel;
        c->bad_addr = addr;
        c->want = data;
    }
}

int sgl_dev_model_unload(const sgl_dev_model *m, const sgl_fixed_net *ref, sgl_fixed_net *q)
{
    unload_ctx c = {m, q, -1, 0, 0};
    sgl_core_load(&m->cs, ref, 1, check_word, &c);
    if (c.bad_sel >= 0)
        return sgl_fail(SGL_EDATA, "the board's %s word %u is 0x%04x, the model's 0x%04x: the "
                        "board holds another kind of model (load this one first)",
                        c.bad_sel == SGL_SEL_SG ? "SG table" : "register", (unsigned)c.bad_addr,
                        m->img[c.bad_sel][c.bad_addr], c.want);
    const sgl_core_shape *s = &m->cs;
    const uint16_t *W = m->img[SGL_SEL_W];
    for (int l = 0; l < q->n_layers; l++) {
        sgl_fixed_layer *Ly = &q->layer[l];
        for (int part = 0; part < 2; part++) {
            int row0 = part ? sgl_core_row_rec(s, l) : sgl_core_row_in(s, l);
            int rows = part ? Ly->n : Ly->n_pre, n = Ly->n;
            int8_t *w = part ? Ly->w_rec : Ly->w_in;
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < n; i++) {
                    int g = i / s->p, k = i % s->p, b = k / 2;
                    uint32_t a = ((uint32_t)(row0 + r) << s->gw | (uint32_t)g) * (uint32_t)s->nb +
                                 (uint32_t)b;
                    uint16_t word = W[a];
                    w[(size_t)r * (size_t)n + (size_t)i] =
                        (int8_t)(s->p > 1 && (k & 1) ? word >> 8 : word & 0xFF);
                }
        }
        for (int i = 0; i < Ly->n; i++)
            Ly->bias[i] = (int16_t)m->img[SGL_SEL_BIAS][(s->lb ? l << s->nw : 0) | i];
    }
    int n = q->layer[q->n_layers - 1].n, C = q->n_out;
    for (int i = 0; i < n; i++)
        for (int cl = 0; cl < C; cl++)
            q->w_out[i * C + cl] = (int8_t)m->img[SGL_SEL_WOUT][i << s->cw | cl];
    for (int cl = 0; cl < C; cl++)
        q->b_out[cl] = (int16_t)m->img[SGL_SEL_BOUT][cl];
    return 0;
}

int sgl_dev_run_window(sgl_dev *d, const sgl_sample *s, int n_steps, int t0, int max_steps,
                       int clear, uint64_t *events)
{
    static uint8_t req[SGL_LINK_MAX_LEN];
    size_t cap = d->info.max_payload, len = 2;
    req[0] = clear ? 1 : 0; /* bit 0: clear the core first */
    req[1] = 0;
    int k = 0; /* first event of step t */
    while (k < s->n_ev && s->ev_t[k] < t0)
        k++;
    int t = t0;
    for (; t < n_steps && t - t0 < max_steps; t++) {
        int k1 = k;
        while (k1 < s->n_ev && s->ev_t[k1] == t)
            k1++;
        size_t need = 2 + 2 * (size_t)(k1 - k);
        if (2 + need > cap)
            return sgl_fail(SGL_EDATA, "step %d: %d events do not fit a RUN frame of %zu bytes",
                            t, k1 - k, cap);
        if (len + need > cap)
            break;
        req[len++] = (uint8_t)(k1 - k);
        req[len++] = (uint8_t)((k1 - k) >> 8);
        *events += (uint64_t)(k1 - k);
        for (; k < k1; k++) {
            req[len++] = (uint8_t)s->ev_u[k];
            req[len++] = (uint8_t)(s->ev_u[k] >> 8);
        }
    }
    int rc = sgl_dev_run(d, req, (uint16_t)len);
    return rc < 0 ? rc : t - t0;
}

int sgl_dev_run_sample(sgl_dev *d, const sgl_sample *s, int n_steps, int *pred,
                       uint64_t *events)
{
    for (int t = 0; t < n_steps;) {
        int k = sgl_dev_run_window(d, s, n_steps, t, n_steps, t == 0, events);
        if (k < 0)
            return k;
        t += k;
    }
    return sgl_dev_read_output(d, pred, NULL, 0);
}
