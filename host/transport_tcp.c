/* SPDX-License-Identifier: MIT */
/* tcp:HOST:PORT: a simulated board (sglif-board --listen tcp:127.0.0.1:PORT) on loopback. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "transport.h"

int sgl_tcp_connect(sgl_transport *t, const char *host, const char *port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g)
        return sgl_fail(SGL_EDEVICE, "%s: %s", t->name, gai_strerror(g));
    int fd = -1, err = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return sgl_fail(SGL_EDEVICE, "%s: %s: is a simulated board (sglif-board --listen "
                        "tcp:%s:%s) running?", t->name, strerror(err), host, port);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    t->fd = fd;
    return 0;
}

static int tcp_open(sgl_transport *t, const char *arg)
{
    char host[128];
    const char *colon = strrchr(arg, ':');
    if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof host || !colon[1])
        return sgl_fail(SGL_EUSAGE, "port '%s': expected tcp:HOST:PORT", t->name);
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535)
        return sgl_fail(SGL_EUSAGE, "port '%s': '%s' is not a TCP port (1..65535)", t->name,
                        colon + 1);
    return sgl_tcp_connect(t, host, colon + 1);
}

const sgl_transport_ops sgl_transport_tcp = {
    .scheme = "tcp", .usage = "tcp:HOST:PORT", .open = tcp_open, .read = sgl_fd_read,
    .write = sgl_fd_write, .close = sgl_fd_close};
