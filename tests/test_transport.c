/* SPDX-License-Identifier: MIT */
/* The link's transports (host/transport*.c): bytes through tcp (a loopback peer in a thread)
 * and tty (a pseudo-terminal), read timeouts, and a one-line error for every bad port name,
 * for a missing serial device and for an absent FTDI chip (no board is attached here). */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "transport.h"

/* a loopback peer that echoes every byte back, then closes */
static int listen_fd = -1;
static void *echo_peer(void *arg)
{
    (void)arg;
    int c = accept(listen_fd, NULL, NULL);
    uint8_t b[4096];
    ssize_t k;
    while ((k = read(c, b, sizeof b)) > 0)
        if (write(c, b, (size_t)k) != k)
            break;
    close(c);
    return NULL;
}

static int listen_loopback(void)
{
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(listen_fd, 1), 0);
    socklen_t len = sizeof a;
    getsockname(listen_fd, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static long ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Test(transport, tcp_bytes_and_timeout)
{
    int port = listen_loopback();
    pthread_t th;
    pthread_create(&th, NULL, echo_peer, NULL);
    char name[64];
    snprintf(name, sizeof name, "tcp:127.0.0.1:%d", port);
    sgl_transport t;
    cr_assert_eq(sgl_transport_open(&t, name), 0, "%s", sgl_errmsg());
    uint8_t out[3000], in[3000];
    for (int i = 0; i < 3000; i++)
        out[i] = (uint8_t)(i * 13 + 1);
    cr_assert_eq(sgl_transport_write(&t, out, sizeof out), 0);
    cr_assert_eq(sgl_transport_read_all(&t, in, sizeof in, 2000), 0, "%s", sgl_errmsg());
    cr_assert_arr_eq(in, out, sizeof out);
    long t0 = ms();
    cr_assert_eq(sgl_transport_read(&t, in, 1, 50), 0); /* nothing more: a timeout, not an error */
    cr_assert_geq(ms() - t0, 45);
    cr_assert_eq(sgl_transport_read_all(&t, in, 1, 30), -SGL_EDEVICE);
    cr_assert(strstr(sgl_errmsg(), "no answer within 30 ms"), "%s", sgl_errmsg());
    sgl_transport_close(&t);
    pthread_join(th, NULL);
    close(listen_fd);
}

Test(transport, tty_through_a_pty)
{
    int master, slave;
    char path[128];
    cr_assert_eq(openpty(&master, &slave, path, NULL, NULL), 0);
    char name[160];
    snprintf(name, sizeof name, "tty:%s", path);
    sgl_transport t;
    cr_assert_eq(sgl_transport_open(&t, name), 0, "%s", sgl_errmsg());
    const uint8_t msg[] = {0xA5, 0x00, 0x11, 0x0D, 0x0A, 0xFF, 0x03}; /* raw: CR, LF, ^C kept */
    cr_assert_eq(write(master, msg, sizeof msg), (ssize_t)sizeof msg);
    uint8_t in[sizeof msg];
    cr_assert_eq(sgl_transport_read_all(&t, in, sizeof in, 1000), 0, "%s", sgl_errmsg());
    cr_assert_arr_eq(in, msg, sizeof msg);
    cr_assert_eq(sgl_transport_write(&t, msg, sizeof msg), 0);
    uint8_t back[sizeof msg];
    size_t got = 0;
    while (got < sizeof back) {
        ssize_t k = read(master, back + got, sizeof back - got);
        cr_assert_gt(k, 0);
        got += (size_t)k;
    }
    cr_assert_arr_eq(back, msg, sizeof msg);
    sgl_transport_close(&t);
    close(master);
    close(slave);
}

static void expect_error(const char *port, int code, const char *needle)
{
    sgl_transport t;
    int rc = sgl_transport_open(&t, port);
    cr_assert_eq(rc, -code, "%s: rc %d (%s)", port, rc, sgl_errmsg());
    cr_assert(strstr(sgl_errmsg(), needle), "%s: message '%s' lacks '%s'", port, sgl_errmsg(),
              needle);
    cr_assert_null(strchr(sgl_errmsg(), '\n'), "%s: one line", port);
}

Test(transport, bad_ports_say_what_and_where)
{
    expect_error("usb:1", SGL_EUSAGE, "unknown transport");
    expect_error("tcp:127.0.0.1", SGL_EUSAGE, "expected tcp:HOST:PORT");
    expect_error("tcp:127.0.0.1:99999", SGL_EUSAGE, "not a TCP port");
    expect_error("tty:", SGL_EUSAGE, "expected tty:DEVICE");
    expect_error("tty:/dev/ttyUSB-sglif-none", SGL_EDEVICE, "is the board plugged in?");
    expect_error("tty:/dev/null", SGL_EDEVICE, "not a serial device");
    expect_error("ftdi:0403", SGL_EUSAGE, "expected ftdi[:VID:PID[:SERIAL]]");
    expect_error("ftdi:zz:6010", SGL_EUSAGE, "in hex");
    /* no board is attached to this machine: libftdi finds no chip */
    expect_error("ftdi", SGL_EDEVICE, "no usable FTDI device 0403:6010");
    expect_error("ftdi:0403:6015:FT0042", SGL_EDEVICE, "0403:6015 with serial FT0042");
}

Test(transport, tcp_nobody_listening)
{
    int port = listen_loopback();
    close(listen_fd); /* the port is free again: nothing listens there */
    char name[64];
    snprintf(name, sizeof name, "tcp:127.0.0.1:%d", port);
    expect_error(name, SGL_EDEVICE, "is a simulated board");
}
