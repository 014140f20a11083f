/* SPDX-License-Identifier: MIT */
/* The link's framing (docs/protocol.md, "Framing"), host side: encoding a frame and a streaming
 * decoder with exactly the rules of the device's decoder (rtl/sglif_frame_rx.v), so that the
 * host's reply parser, the simulated board and the tests agree byte for byte.
 *
 *   SOF 0xA5 | code | seq | len (2 bytes, LSB first) | payload (len bytes) | CRC-32 (4, LSB first)
 *
 * code is the command in a request and the status in a reply; the CRC is zlib's crc32 over
 * code .. the last payload byte. */
#ifndef SGLIF_LINK_H
#define SGLIF_LINK_H

#include <stddef.h>
#include <stdint.h>

#define SGL_LINK_SOF 0xA5
#define SGL_LINK_HEADER 5    /* SOF, code, seq, len */
#define SGL_LINK_OVERHEAD 9  /* header + CRC */
#define SGL_LINK_MAX_LEN 65535

/* Write a frame into out (room for SGL_LINK_OVERHEAD + len bytes); returns its size. */
size_t sgl_link_encode(uint8_t *out, uint8_t code, uint8_t seq, const uint8_t *payload,
                       uint16_t len);

/* What the decoder reports. */
typedef enum {
    SGL_LINK_NONE = 0,     /* nothing yet: feed more bytes */
    SGL_LINK_FRAME = 1,    /* a frame whose CRC matched: code, seq, len, payload */
    SGL_LINK_BAD_CRC = 2,  /* a frame thrown away: CRC mismatch */
    SGL_LINK_BAD_LEN = 3,  /* a header thrown away: len above max_len */
    SGL_LINK_TIMEOUT = 4   /* a partial frame abandoned by sgl_link_timeout */
} sgl_link_event;

typedef struct {
    uint16_t max_len;      /* the largest payload accepted */
    uint8_t *payload;      /* [max_len], owned by the caller */
    /* the last frame (valid after SGL_LINK_FRAME) */
    uint8_t code, seq;
    uint16_t len;
    /* counts */
    uint64_t frames, bad_crc, bad_len, timeouts, skipped; /* skipped: bytes outside frames */
    /* state */
    int state;
    uint16_t cnt;
    uint32_t crc, rx_crc;
} sgl_link_decoder;

/* Start a decoder over a caller-owned payload buffer of max_len bytes. */
void sgl_link_decoder_init(sgl_link_decoder *d, uint8_t *payload, uint16_t max_len);
/* Feed one byte; returns the event it completes (SGL_LINK_NONE mostly). */
sgl_link_event sgl_link_feed(sgl_link_decoder *d, uint8_t byte);
/* Feed bytes until an event: *used gets the bytes consumed (all of them when NONE). */
sgl_link_event sgl_link_feed_buf(sgl_link_decoder *d, const uint8_t *buf, size_t n, size_t *used);
/* The line has been silent too long: a partial frame is abandoned (SGL_LINK_TIMEOUT), else NONE. */
sgl_link_event sgl_link_timeout(sgl_link_decoder *d);
/* Is the decoder inside a frame (after SOF, before its last CRC byte)? */
int sgl_link_in_frame(const sgl_link_decoder *d);

#endif
