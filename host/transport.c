/* SPDX-License-Identifier: MIT */
/* The transport table and what fd-based transports share (transport.h). */
#include "transport.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const sgl_transport_ops *const transports[] = {&sgl_transport_ftdi, &sgl_transport_tty,
                                                      &sgl_transport_tcp, &sgl_transport_sim};

int sgl_transport_open(sgl_transport *t, const char *port)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->baud = SGL_LINK_BAUD;
    snprintf(t->name, sizeof t->name, "%s", port);
    size_t len = strcspn(port, ":");
    for (size_t i = 0; i < SGL_ARRAY_LEN(transports); i++) {
        const sgl_transport_ops *o = transports[i];
        if (strlen(o->scheme) == len && strncmp(port, o->scheme, len) == 0) {
            t->ops = o;
            int rc = o->open(t, port[len] ? port + len + 1 : "");
            if (rc < 0)
                t->ops = NULL;
            return rc;
        }
    }
    return sgl_fail(SGL_EUSAGE, "port '%s': unknown transport (ftdi[:VID:PID[:SERIAL]], "
                    "tty:DEVICE, tcp:HOST:PORT, sim[:BOARD|:PROGRAM])", port);
}

long sgl_transport_read(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms)
{
    long k = t->ops->read(t, buf, n, timeout_ms);
    if (k > 0)
        t->bytes_in += (uint64_t)k;
    return k;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sgl_transport_read_all(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms)
{
    long end = now_ms() + timeout_ms;
    size_t got = 0;
    while (got < n) {
        long left = end - now_ms();
        if (left <= 0)
            return sgl_fail(SGL_EDEVICE, "%s: no answer within %d ms (%zu of %zu bytes): is "
                            "the board programmed with the sglif bitstream?", t->name,
                            timeout_ms, got, n);
        long r = sgl_transport_read(t, buf + got, n - got, (int)left);
        if (r < 0)
            return (int)r;
        got += (size_t)r;
    }
    return 0;
}

int sgl_transport_write(sgl_transport *t, const uint8_t *buf, size_t n)
{
    int rc = t->ops->write(t, buf, n);
    if (rc >= 0)
        t->bytes_out += n;
    return rc;
}

void sgl_transport_close(sgl_transport *t)
{
    if (t->ops)
        t->ops->close(t);
    t->ops = NULL;
}

long sgl_fd_read(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms)
{
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return sgl_fail(SGL_EDEVICE, "%s: %s", t->name, strerror(errno));
    if (r == 0)
        return 0;
    ssize_t k = read(t->fd, buf, n);
    if (k < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (k < 0)
        return sgl_fail(SGL_EDEVICE, "%s: %s", t->name, strerror(errno));
    if (k == 0)
        return sgl_fail(SGL_EDEVICE, "%s: the other side closed the connection", t->name);
    return (long)k;
}

int sgl_fd_write(sgl_transport *t, const uint8_t *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(t->fd, buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = t->fd, .events = POLLOUT};
            if (poll(&p, 1, 1000) <= 0)
                return sgl_fail(SGL_EDEVICE, "%s: write blocked for 1 s", t->name);
            continue;
        }
        if (k < 0)
            return sgl_fail(SGL_EDEVICE, "%s: %s", t->name, strerror(errno));
        done += (size_t)k;
    }
    return 0;
}

void sgl_fd_close(sgl_transport *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}
