/* SPDX-License-Identifier: MIT */
/* libFuzzer harness of the model-file reader (sw/file.c, sw/model.c: sgl_model_load). The
 * input is a file whose last four bytes are replaced by its correct CRC-32, so that mutations
 * reach the section and model parsers instead of stopping at the checksum (the checksum path
 * itself is tested in tests/test_model.c). A load either fails with a message or gives a
 * network; nothing may crash, leak or read out of bounds. make fuzz runs it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/dev/shm/sglif-fuzz-model-%d.sgl", (int)getpid());
    if (size > (1u << 20))
        return 0;
    uint8_t *buf = malloc(size + 4);
    memcpy(buf, data, size);
    size_t n = size;
    if (n >= 4) {
        uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)(n - 4));
        for (int i = 0; i < 4; i++)
            buf[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(buf);
        return 0;
    }
    fwrite(buf, 1, n, f);
    fclose(f);
    free(buf);
    sgl_net net;
    char *meta = NULL;
    if (sgl_model_load(path, &net, &meta) == 0) {
        sgl_net_free(&net);
        free(meta);
    }
    unlink(path);
    return 0;
}
