/* SPDX-License-Identifier: MIT */
/* The link's framing (sw/link.c, docs/protocol.md): the bytes of a frame, the decoder's rules
 * (resynchronization after garbage, length limit, CRC, timeout), and that no single-bit error
 * in a frame is ever delivered as a frame. The RTL decoder is compared with this code event
 * for event by sim/link_test.cpp (make link-test). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "link.h"
#include "rng.h"

static uint8_t pay[300];
static sgl_link_decoder dec;

static sgl_link_event feed_all(const uint8_t *b, size_t n, size_t *used)
{
    return sgl_link_feed_buf(&dec, b, n, used);
}

Test(link, encode_bytes)
{
    uint8_t f[16];
    size_t n = sgl_link_encode(f, 0x01, 0x02, (const uint8_t *)"abc", 3);
    /* CRC-32 (zlib) of 01 02 03 00 61 62 63 is 0xFB1697C1, sent LSB first */
    const uint8_t want[] = {0xA5, 0x01, 0x02, 0x03, 0x00, 'a', 'b', 'c', 0xC1, 0x97, 0x16, 0xFB};
    cr_assert_eq(n, sizeof want);
    cr_assert_arr_eq(f, want, sizeof want);
}

Test(link, round_trip_and_resync_after_garbage)
{
    sgl_link_decoder_init(&dec, pay, 256);
    uint8_t buf[2048];
    size_t n = 0;
    const uint8_t junk[] = {0x00, 0xFF, 0x13, 0x37};
    memcpy(buf, junk, sizeof junk);
    n += sizeof junk;
    uint8_t p[256];
    for (int i = 0; i < 256; i++)
        p[i] = (uint8_t)(i * 7);
    n += sgl_link_encode(buf + n, 0x10, 0x77, p, 256);
    n += sgl_link_encode(buf + n, 0x11, 0x78, NULL, 0);
    size_t used = 0, off = 0;
    cr_assert_eq(feed_all(buf, n, &used), SGL_LINK_FRAME);
    cr_assert_eq(dec.code, 0x10);
    cr_assert_eq(dec.seq, 0x77);
    cr_assert_eq(dec.len, 256);
    cr_assert_arr_eq(pay, p, 256);
    cr_assert_eq(dec.skipped, sizeof junk);
    off += used;
    cr_assert_eq(feed_all(buf + off, n - off, &used), SGL_LINK_FRAME);
    cr_assert_eq(dec.code, 0x11);
    cr_assert_eq(dec.len, 0);
    cr_assert_eq(off + used, n);
}

Test(link, length_limit_then_next_frame)
{
    sgl_link_decoder_init(&dec, pay, 16);
    uint8_t buf[128], p[17] = {0};
    size_t n = sgl_link_encode(buf, 1, 1, p, 17); /* one byte over */
    size_t n2 = sgl_link_encode(buf + n, 2, 2, p, 16);
    size_t used;
    cr_assert_eq(feed_all(buf, n + n2, &used), SGL_LINK_BAD_LEN);
    cr_assert_eq(used, SGL_LINK_HEADER); /* refused at the length, before the payload */
    /* the refused frame's payload bytes are skipped as garbage (no SOF among the zeros) */
    size_t off = used;
    cr_assert_eq(feed_all(buf + off, n + n2 - off, &used), SGL_LINK_FRAME);
    cr_assert_eq(dec.code, 2);
    cr_assert_eq(dec.len, 16);
}

Test(link, timeout_abandons_a_partial_frame)
{
    sgl_link_decoder_init(&dec, pay, 64);
    uint8_t buf[64], p[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    size_t n = sgl_link_encode(buf, 5, 6, p, 8);
    size_t used;
    cr_assert_eq(sgl_link_timeout(&dec), SGL_LINK_NONE); /* not in a frame: nothing */
    cr_assert_eq(feed_all(buf, n - 3, &used), SGL_LINK_NONE);
    cr_assert(sgl_link_in_frame(&dec));
    cr_assert_eq(sgl_link_timeout(&dec), SGL_LINK_TIMEOUT);
    cr_assert_eq(feed_all(buf, n, &used), SGL_LINK_FRAME); /* the retry is taken whole */
    cr_assert_eq(dec.timeouts, 1);
}

/* Every single-bit error anywhere in a frame (SOF included): never delivered as a frame. */
Test(link, no_single_bit_error_is_delivered)
{
    sgl_rng r;
    sgl_rng_seed(&r, 5, 0);
    printf("link: single-bit errors, seed 5\n");
    uint8_t p[200], f[256], tail[256];
    long cases = 0;
    for (int trial = 0; trial < 20; trial++) {
        uint16_t len = (uint16_t)sgl_rng_below(&r, 201);
        for (int i = 0; i < len; i++)
            p[i] = (uint8_t)sgl_rng_u32(&r);
        size_t n = sgl_link_encode(f, (uint8_t)trial, (uint8_t)sgl_rng_u32(&r), p, len);
        for (size_t byte = 0; byte < n; byte++)
            for (int bit = 0; bit < 8; bit++) {
                uint8_t g[256];
                memcpy(g, f, n);
                g[byte] ^= (uint8_t)(1u << bit);
                sgl_link_decoder_init(&dec, pay, 256);
                size_t off = 0, used;
                while (off < n) {
                    sgl_link_event e = feed_all(g + off, n - off, &used);
                    cr_assert_neq(e, SGL_LINK_FRAME, "bit %d of byte %zu delivered", bit, byte);
                    off += used;
                }
                sgl_link_timeout(&dec);
                /* and the clean frame after it is taken */
                memcpy(tail, f, n);
                cr_assert_eq(feed_all(tail, n, &used), SGL_LINK_FRAME);
                cases++;
            }
    }
    cr_assert_gt(cases, 1000);
}
