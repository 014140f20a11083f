/* SPDX-License-Identifier: MIT */
/* The link's framing, host side (link.h, docs/protocol.md). */
#include "link.h"

#include <string.h>
#include <zlib.h>

enum { ST_SOF, ST_CODE, ST_SEQ, ST_LEN0, ST_LEN1, ST_PAY, ST_CRC };

static uint32_t crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(crc, p, (uInt)n);
}

size_t sgl_link_encode(uint8_t *out, uint8_t code, uint8_t seq, const uint8_t *payload,
                       uint16_t len)
{
    out[0] = SGL_LINK_SOF;
    out[1] = code;
    out[2] = seq;
    out[3] = (uint8_t)(len & 0xFF);
    out[4] = (uint8_t)(len >> 8);
    if (len)
        memcpy(out + SGL_LINK_HEADER, payload, len);
    uint32_t crc = crc_bytes(0, out + 1, SGL_LINK_HEADER - 1 + (size_t)len);
    uint8_t *c = out + SGL_LINK_HEADER + len;
    for (int i = 0; i < 4; i++)
        c[i] = (uint8_t)(crc >> (8 * i));
    return SGL_LINK_OVERHEAD + (size_t)len;
}

void sgl_link_decoder_init(sgl_link_decoder *d, uint8_t *payload, uint16_t max_len)
{
    memset(d, 0, sizeof *d);
    d->payload = payload;
    d->max_len = max_len;
    d->state = ST_SOF;
}

sgl_link_event sgl_link_feed(sgl_link_decoder *d, uint8_t b)
{
    uint8_t one = b;
    switch (d->state) {
    case ST_SOF:
        if (b == SGL_LINK_SOF) {
            d->state = ST_CODE;
            d->crc = 0;
        } else
            d->skipped++;
        return SGL_LINK_NONE;
    case ST_CODE:
        d->code = b;
        d->state = ST_SEQ;
        break;
    case ST_SEQ:
        d->seq = b;
        d->state = ST_LEN0;
        break;
    case ST_LEN0:
        d->len = b;
        d->state = ST_LEN1;
        break;
    case ST_LEN1:
        d->len = (uint16_t)(d->len | (uint16_t)b << 8);
        d->cnt = 0;
        d->rx_crc = 0;
        if (d->len > d->max_len) {
            d->state = ST_SOF;
            d->bad_len++;
            return SGL_LINK_BAD_LEN;
        }
        d->state = d->len ? ST_PAY : ST_CRC;
        break;
    case ST_PAY:
        d->payload[d->cnt++] = b;
        if (d->cnt == d->len) {
            d->cnt = 0;
            d->state = ST_CRC;
        }
        break;
    default: /* ST_CRC */
        d->rx_crc |= (uint32_t)b << (8 * d->cnt);
        if (++d->cnt < 4)
            return SGL_LINK_NONE;
        d->state = ST_SOF;
        if (d->rx_crc != d->crc) {
            d->bad_crc++;
            return SGL_LINK_BAD_CRC;
        }
        d->frames++;
        return SGL_LINK_FRAME;
    }
    d->crc = crc_bytes(d->crc, &one, 1);
    return SGL_LINK_NONE;
}

sgl_link_event sgl_link_feed_buf(sgl_link_decoder *d, const uint8_t *buf, size_t n, size_t *used)
{
    for (size_t i = 0; i < n; i++) {
        sgl_link_event e = sgl_link_feed(d, buf[i]);
        if (e != SGL_LINK_NONE) {
            *used = i + 1;
            return e;
        }
    }
    *used = n;
    return SGL_LINK_NONE;
}

int sgl_link_in_frame(const sgl_link_decoder *d) { return d->state != ST_SOF; }

sgl_link_event sgl_link_timeout(sgl_link_decoder *d)
{
    if (d->state == ST_SOF)
        return SGL_LINK_NONE;
    d->state = ST_SOF;
    d->timeouts++;
    return SGL_LINK_TIMEOUT;
}
