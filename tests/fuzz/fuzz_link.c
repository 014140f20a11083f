/* SPDX-License-Identifier: MIT */
/* libFuzzer harness of the host's reply parser (sw/link.c, sgl_link_feed): any byte stream.
 * Checks, besides memory safety (ASan, UBSan): the decoder never writes past its buffer, and
 * every frame it delivers re-encodes to exactly the bytes it consumed for it. The first input
 * byte sets the buffer size (0..255 bytes), the rest is the stream. make fuzz runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint16_t max_len = data[0];
    uint8_t *pay = malloc(max_len ? max_len : 1); /* exactly max_len: ASan sees overruns */
    uint8_t *enc = malloc((size_t)max_len + SGL_LINK_OVERHEAD);
    sgl_link_decoder d;
    sgl_link_decoder_init(&d, pay, max_len);
    size_t start = 1; /* where the current frame's SOF may be */
    for (size_t i = 1; i < size; i++) {
        if (!sgl_link_in_frame(&d))
            start = i;
        sgl_link_event e = sgl_link_feed(&d, data[i]);
        if (e == SGL_LINK_FRAME) {
            size_t n = sgl_link_encode(enc, d.code, d.seq, pay, d.len);
            if (n != i + 1 - start || memcmp(enc, data + start, n) != 0)
                abort();
        }
    }
    free(pay);
    free(enc);
    return 0;
}
