/* SPDX-License-Identifier: MIT */
/* The host's command layer (device.h, docs/protocol.md). */
#include "device.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "sglif_protocol.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }

static int mutating(uint8_t cmd)
{
    return cmd == SGL_CMD_WRITE_MEM || cmd == SGL_CMD_RUN || cmd == SGL_CMD_SOFT_RESET ||
           cmd == SGL_CMD_TRAIN || cmd == SGL_CMD_UPDATE;
}

/* Wait for the reply whose seq is seq: SGL_LINK_FRAME, or NONE on timeout. Replies with
 * another seq (a late answer to an earlier try, an error reply to line noise) are skipped. */
static int wait_reply(sgl_dev *d, uint8_t seq, int timeout_ms)
{
    long end = now_ms() + timeout_ms;
    uint8_t buf[4096];
    for (;;) {
        long left = end - now_ms();
        if (left <= 0)
            return SGL_LINK_NONE;
        long k = sgl_transport_read(&d->t, buf, sizeof buf, (int)left);
        if (k < 0)
            return (int)k;
        size_t off = 0;
        while (off < (size_t)k) {
            size_t used;
            sgl_link_event e = sgl_link_feed_buf(&d->dec, buf + off, (size_t)k - off, &used);
            off += used;
            d->st.bytes_in += used;
            if (e == SGL_LINK_FRAME && d->dec.seq == seq)
                return SGL_LINK_FRAME; /* bytes after it in buf: none, the device waits */
        }
    }
}

int sgl_dev_request(sgl_dev *d, uint8_t cmd, const uint8_t *req, uint16_t len, uint8_t *reply,
                    size_t cap, uint16_t *rlen)
{
    uint8_t seq = ++d->seq;
    size_t n = sgl_link_encode(d->txbuf, cmd, seq, req, len);
    d->st.requests++;
    /* what arrived since the last reply (late answers, answers to line noise) is not the
     * answer to this request: drop it, so that a stale reply with the same 8-bit seq cannot
     * be taken for this one */
    uint8_t junk[4096];
    long k;
    while ((k = sgl_transport_read(&d->t, junk, sizeof junk, 0)) > 0)
        d->st.bytes_in += (uint64_t)k;
    if (k < 0)
        return (int)k;
    for (int attempt = 0; attempt < d->tries; attempt++) {
        if (attempt)
            d->st.retries++;
        sgl_link_decoder_init(&d->dec, d->rx, (uint16_t)(sizeof d->rx - 1));
        int rc = sgl_transport_write(&d->t, d->txbuf, n);
        if (rc < 0)
            return rc;
        d->st.bytes_out += n;
        int e = wait_reply(d, seq, d->timeout_ms);
        if (e < 0)
            return e;
        if (e == SGL_LINK_NONE) {
            d->st.timeouts++;
            continue;
        }
        uint8_t st = d->dec.code;
        if (st == SGL_ST_ERR_CRC) { /* the request was damaged on the way: send it again */
            d->st.crc_errors++;
            continue;
        }
        if (st == SGL_ST_DUP && mutating(cmd)) {
            /* an earlier try was carried out and its reply lost: done; a reply payload (RUN's
             * cycle count) went with the lost reply */
            d->st.dups++;
            st = SGL_ST_OK;
            d->dec.len = 0;
        }
        if (st != SGL_ST_OK)
            return sgl_fail(SGL_EDEVICE, "%s: the board refused %s: %s", d->t.name,
                            sgl_cmd_name(cmd), sgl_status_name(st));
        if (d->dec.len > cap)
            return sgl_fail(SGL_EDEVICE, "%s: %s: %u bytes of reply, expected at most %zu",
                            d->t.name, sgl_cmd_name(cmd), d->dec.len, cap);
        if (d->dec.len && reply)
            memcpy(reply, d->rx, d->dec.len);
        if (rlen)
            *rlen = d->dec.len;
        d->st.payload_out += len;
        d->st.payload_in += d->dec.len;
        return 0;
    }
    return sgl_fail(SGL_EDEVICE, "%s: no answer to %s after %d tries of %d ms: is the board "
                    "programmed with the sglif bitstream?", d->t.name, sgl_cmd_name(cmd),
                    d->tries, d->timeout_ms);
}

int sgl_dev_open(sgl_dev *d, const char *port)
{
    memset(&d->st, 0, sizeof d->st);
    d->open = 0;
    d->seq = (uint8_t)(now_ms() & 0xFF); /* unlike the last program's: a first request is never a DUP */
    if (d->timeout_ms <= 0) /* a simulated board is far slower than the hardware: its
                             * MODEL_CRC over the ULX3S-85F's model words takes seconds */
        d->timeout_ms = strncmp(port, "sim", 3) == 0 && (!port[3] || port[3] == ':')
                            ? SGL_DEV_SIM_TIMEOUT_MS
                            : SGL_DEV_TIMEOUT_MS;
    if (d->tries <= 0)
        d->tries = 5;
    int rc = sgl_transport_open(&d->t, port);
    if (rc < 0)
        return rc;
    d->open = 1;
    uint8_t r[64];
    uint16_t n = 0;
    rc = sgl_dev_request(d, SGL_CMD_IDENTIFY, NULL, 0, r, sizeof r, &n);
    if (rc < 0) {
        sgl_dev_close(d);
        return rc;
    }
    if (n < 2 || rd16(r) != SGL_PROTOCOL_VERSION) {
        int v = n >= 2 ? rd16(r) : -1;
        sgl_dev_close(d);
        return sgl_fail(SGL_EDEVICE, "%s: the board speaks protocol version %d, this sglif %d: "
                        "program the bitstream of this sglif (make prog)", port, v,
                        SGL_PROTOCOL_VERSION);
    }
    if (n < 24) {
        sgl_dev_close(d);
        return sgl_fail(SGL_EDEVICE, "%s: IDENTIFY gave %u bytes, expected 24", port, n);
    }
    sgl_dev_info *i = &d->info;
    i->version = rd16(r);
    i->lanes = rd16(r + 2);
    i->layers = rd16(r + 4);
    i->neurons = rd16(r + 6);
    i->inputs = rd16(r + 8);
    i->classes = rd16(r + 10);
    i->hist_steps = rd16(r + 12);
    i->sg_entries = rd16(r + 14);
    i->max_payload = rd16(r + 16);
    i->clock_hz = rd32(r + 18);
    i->features = rd16(r + 22);
    if (n >= 34) {
        i->eng_neurons = rd16(r + 24);
        i->eng_inputs = rd16(r + 26);
        i->eng_lanes = rd16(r + 28);
        i->eng_grad_w = rd16(r + 30);
        i->eng_ev_log2 = rd16(r + 32);
    } else
        i->features &= (uint16_t)~SGL_DEV_ENGINE; /* no sizes: no engine the host can use */
    if (i->max_payload < 16) {
        sgl_dev_close(d);
        return sgl_fail(SGL_EDEVICE, "%s: the board reports a payload limit of %u bytes", port,
                        i->max_payload);
    }
    return 0;
}

void sgl_dev_close(sgl_dev *d)
{
    if (d->open)
        sgl_transport_close(&d->t);
    d->open = 0;
}

static void put_hdr(uint8_t *p, int sel, uint32_t addr)
{
    p[0] = (uint8_t)sel;
    p[1] = 0;
    for (int i = 0; i < 4; i++)
        p[2 + i] = (uint8_t)(addr >> (8 * i));
}

int sgl_dev_write_mem(sgl_dev *d, int sel, uint32_t addr, const uint16_t *w, size_t n)
{
    size_t per = (size_t)(d->info.max_payload - 6) / 2;
    uint8_t req[SGL_LINK_MAX_LEN];
    do {
        size_t k = n < per ? n : per;
        put_hdr(req, sel, addr);
        for (size_t i = 0; i < k; i++) {
            req[6 + 2 * i] = (uint8_t)w[i];
            req[7 + 2 * i] = (uint8_t)(w[i] >> 8);
        }
        int rc = sgl_dev_request(d, SGL_CMD_WRITE_MEM, req, (uint16_t)(6 + 2 * k), NULL, 0, NULL);
        if (rc < 0)
            return rc;
        w += k;
        n -= k;
        addr += (uint32_t)k;
    } while (n > 0);
    return 0;
}

int sgl_dev_read_mem(sgl_dev *d, int sel, uint32_t addr, uint16_t *w, size_t n)
{
    uint8_t req[8], buf[2 * 8192];
    while (n > 0) {
        size_t k = n < 8192 ? n : 8192;
        put_hdr(req, sel, addr);
        req[6] = (uint8_t)k;
        req[7] = (uint8_t)(k >> 8);
        uint16_t got = 0;
        int rc = sgl_dev_request(d, SGL_CMD_READ_MEM, req, 8, buf, sizeof buf, &got);
        if (rc < 0)
            return rc;
        if (got != 2 * k)
            return sgl_fail(SGL_EDEVICE, "%s: READ_MEM gave %u bytes for %zu words", d->t.name,
                            got, k);
        for (size_t i = 0; i < k; i++)
            w[i] = rd16(buf + 2 * i);
        w += k;
        n -= k;
        addr += (uint32_t)k;
    }
    return 0;
}

int sgl_dev_model_crc(sgl_dev *d, uint32_t *crc)
{
    uint8_t r[4];
    uint16_t n = 0;
    int rc = sgl_dev_request(d, SGL_CMD_MODEL_CRC, NULL, 0, r, sizeof r, &n);
    if (rc < 0)
        return rc;
    if (n != 4)
        return sgl_fail(SGL_EDEVICE, "%s: MODEL_CRC gave %u bytes", d->t.name, n);
    *crc = rd32(r);
    return 0;
}

int sgl_dev_soft_reset(sgl_dev *d)
{
    return sgl_dev_request(d, SGL_CMD_SOFT_RESET, NULL, 0, NULL, 0, NULL);
}

int sgl_dev_read_history(sgl_dev *d, int layer, int t, int n, uint8_t *z, uint16_t *code)
{
    /* k neurons a request, a multiple of 8: ceil(k / 8) + 2 k bytes within the payload limit */
    int per = (int)(d->info.max_payload * 8 / 17) & ~7;
    if (per < 8)
        per = 8;
    static uint8_t buf[65536];
    for (int i0 = 0; i0 < n; i0 += per) {
        int k = n - i0 < per ? n - i0 : per;
        uint8_t req[8] = {(uint8_t)layer, 0, (uint8_t)t, (uint8_t)(t >> 8), (uint8_t)i0,
                          (uint8_t)(i0 >> 8), (uint8_t)k, (uint8_t)(k >> 8)};
        uint16_t got = 0;
        int rc = sgl_dev_request(d, SGL_CMD_READ_HISTORY, req, 8, buf, sizeof buf, &got);
        if (rc < 0)
            return rc;
        int zb = (k + 7) / 8;
        if (got != zb + 2 * k)
            return sgl_fail(SGL_EDEVICE, "%s: READ_HISTORY gave %u bytes for %d neurons",
                            d->t.name, got, k);
        for (int j = 0; j < k; j++) {
            z[i0 + j] = (uint8_t)(buf[j / 8] >> (j % 8) & 1);
            code[i0 + j] = rd16(buf + zb + 2 * j);
        }
    }
    return 0;
}

int sgl_dev_read_output(sgl_dev *d, int *pred, int32_t *sums, int n_out)
{
    static uint8_t r[2 + 4 * 65536];
    uint16_t n = 0;
    int rc = sgl_dev_request(d, SGL_CMD_READ_OUTPUT, NULL, 0, r, sizeof r, &n);
    if (rc < 0)
        return rc;
    if (n < 2 || (sums && n < 2 + 4 * n_out))
        return sgl_fail(SGL_EDEVICE, "%s: READ_OUTPUT gave %u bytes", d->t.name, n);
    *pred = rd16(r);
    for (int c = 0; sums && c < n_out; c++)
        sums[c] = (int32_t)rd32(r + 2 + 4 * c);
    return 0;
}

/* A command whose reply is the board's cycles (u32), added to d->st.cycles. */
static int cycles_request(sgl_dev *d, uint8_t cmd, const uint8_t *req, uint16_t len)
{
    uint8_t r[4];
    uint16_t n = 0;
    int rc = sgl_dev_request(d, cmd, req, len, r, sizeof r, &n);
    if (rc < 0)
        return rc;
    if (n == 4) /* (none after a DUP: the reply with the count was lost) */
        d->st.cycles += rd32(r);
    else if (n)
        return sgl_fail(SGL_EDEVICE, "%s: %s gave %u bytes, expected 4", d->t.name,
                        sgl_cmd_name(cmd), n);
    return 0;
}

int sgl_dev_run(sgl_dev *d, const uint8_t *req, uint16_t len)
{
    return cycles_request(d, SGL_CMD_RUN, req, len);
}

int sgl_dev_train(sgl_dev *d, int label)
{
    const uint8_t req[2] = {(uint8_t)label, 0};
    return cycles_request(d, SGL_CMD_TRAIN, req, 2);
}

int sgl_dev_update(sgl_dev *d, int32_t lr_t)
{
    const uint8_t req[2] = {(uint8_t)lr_t, (uint8_t)(lr_t >> 8)};
    return cycles_request(d, SGL_CMD_UPDATE, req, 2);
}

int sgl_dev_read_stats(sgl_dev *d, int zero, sgl_dev_engine_stats *s)
{
    const uint8_t req[2] = {(uint8_t)(zero ? 1 : 0), 0};
    uint8_t r[20];
    uint16_t n = 0;
    int rc = sgl_dev_request(d, SGL_CMD_READ_STATS, req, 2, r, sizeof r, &n);
    if (rc < 0)
        return rc;
    if (n != 20)
        return sgl_fail(SGL_EDEVICE, "%s: READ_STATS gave %u bytes, expected 20", d->t.name, n);
    s->samples = rd32(r);
    s->correct = rd32(r + 4);
    s->saturations = rd32(r + 8);
    s->clamped = rd32(r + 12);
    s->cycles = rd32(r + 16);
    return 0;
}
