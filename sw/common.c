/* SPDX-License-Identifier: MIT */
/* Error reporting and small helpers shared by the whole library. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char errbuf[512];

int sgl_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    return -code;
}

const char *sgl_errmsg(void) { return errbuf; }

int sgl_exit_code(int rc)
{
    switch (-rc) {
    case SGL_OK: return SGL_EXIT_OK;
    case SGL_EUSAGE: return SGL_EXIT_USAGE;
    case SGL_EDATA: return SGL_EXIT_DATA;
    case SGL_EINTR: return SGL_EXIT_INTR;
    case SGL_EDEVICE: return SGL_EXIT_DEVICE;
    default: return SGL_EXIT_FAIL;
    }
}

void *sgl_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sgl_fail(SGL_ENOMEM, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}
