/* SPDX-License-Identifier: MIT */
/* ftdi[:VID:PID[:SERIAL]]: the board's UART through libftdi1, without the kernel driver.
 * Default 0403:6010, the FT2232H of the iCEBreaker and the HX8K breakout, whose channel B is
 * the FPGA's UART (channel A programs the flash); 0403:6015 (FT231X, ULX3S) has one channel.
 * 3 Mbaud 8N1, no flow control, latency timer 1 ms (replies are short). */
#include <ftdi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "transport.h"

#define FTDI_VID 0x0403
#define FTDI_PID_2232H 0x6010
#define FTDI_PID_231X 0x6015

static int parse_hex16(const char *s, size_t n, int *out)
{
    if (n == 0 || n > 4)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

/* "" | "VID:PID" | "VID:PID:SERIAL" */
static int parse_arg(sgl_transport *t, const char *arg, int *vid, int *pid, char *serial,
                     size_t ns)
{
    *vid = FTDI_VID;
    *pid = FTDI_PID_2232H;
    serial[0] = 0;
    if (!*arg)
        return 0;
    const char *c1 = strchr(arg, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    size_t lp = c2 ? (size_t)(c2 - c1 - 1) : c1 ? strlen(c1 + 1) : 0;
    if (!c1 || parse_hex16(arg, (size_t)(c1 - arg), vid) || parse_hex16(c1 + 1, lp, pid) ||
        (c2 && (!c2[1] || strlen(c2 + 1) >= ns)))
        return sgl_fail(SGL_EUSAGE, "port '%s': expected ftdi[:VID:PID[:SERIAL]] with VID and "
                        "PID in hex, e.g. ftdi:0403:6010", t->name);
    if (c2)
        snprintf(serial, ns, "%s", c2 + 1);
    return 0;
}

static int ftdi_fail(sgl_transport *t, struct ftdi_context *f, const char *what)
{
    int rc = sgl_fail(SGL_EDEVICE, "%s: %s: %s", t->name, what, ftdi_get_error_string(f));
    ftdi_free(f);
    return rc;
}

static int ftdi_open_port(sgl_transport *t, const char *arg)
{
    int vid, pid;
    char serial[64];
    int rc = parse_arg(t, arg, &vid, &pid, serial, sizeof serial);
    if (rc < 0)
        return rc;
    struct ftdi_context *f = ftdi_new();
    if (!f) /* ftdi_new fails when libusb cannot start (or out of memory) */
        return sgl_fail(SGL_EDEVICE, "%s: no usable FTDI device %04x:%04x (libusb could not "
                        "start: no USB on this machine?)", t->name, vid, pid);
    /* the FT2232H's UART is channel B; single-channel chips have only A */
    if (ftdi_set_interface(f, pid == FTDI_PID_2232H ? INTERFACE_B : INTERFACE_A) < 0)
        return ftdi_fail(t, f, "cannot select the UART channel");
    int o = ftdi_usb_open_desc(f, vid, pid, NULL, serial[0] ? serial : NULL);
    if (o < 0) {
        const char *hint = o == -3 ? "is the board plugged in? (lsusb lists FTDI devices as 0403:xxxx)"
                           : o == -4 || o == -8 ? "no permission: install host/99-sglif.rules "
                                                   "(udev) and replug, or run as root"
                           : o == -5 ? "the kernel driver holds it: use tty:/dev/ttyUSBn, or "
                                       "unload ftdi_sio"
                                     : "cannot open it";
        char what[256]; /* the longest serial (63) and hint (76) fit */
        snprintf(what, sizeof what, "no usable FTDI device %04x:%04x%s%s (%s)", vid, pid,
                 serial[0] ? " with serial " : "", serial, hint);
        return ftdi_fail(t, f, what);
    }
    if (ftdi_set_baudrate(f, t->baud) < 0 ||
        ftdi_set_line_property(f, BITS_8, STOP_BIT_1, NONE) < 0 ||
        ftdi_setflowctrl(f, SIO_DISABLE_FLOW_CTRL) < 0 || ftdi_set_latency_timer(f, 1) < 0 ||
        ftdi_tcioflush(f) < 0) {
        ftdi_usb_close(f);
        return ftdi_fail(t, f, "cannot set up 3 Mbaud 8N1");
    }
    t->priv = f;
    return 0;
}

static long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long ftdi_read_port(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms)
{
    struct ftdi_context *f = t->priv;
    long end = ms_now() + timeout_ms;
    for (;;) {
        int r = ftdi_read_data(f, buf, (int)(n > 65536 ? 65536 : n));
        if (r < 0)
            return sgl_fail(SGL_EDEVICE, "%s: read: %s (was the board unplugged?)", t->name,
                            ftdi_get_error_string(f));
        if (r > 0)
            return r;
        if (ms_now() >= end)
            return 0;
        struct timespec pause = {0, 200000}; /* libftdi polls; 0.2 ms between polls */
        nanosleep(&pause, NULL);
    }
}

static int ftdi_write_port(sgl_transport *t, const uint8_t *buf, size_t n)
{
    struct ftdi_context *f = t->priv;
    size_t done = 0;
    while (done < n) {
        int w = ftdi_write_data(f, buf + done, (int)(n - done > 65536 ? 65536 : n - done));
        if (w < 0)
            return sgl_fail(SGL_EDEVICE, "%s: write: %s (was the board unplugged?)", t->name,
                            ftdi_get_error_string(f));
        done += (size_t)w;
    }
    return 0;
}

static void ftdi_close_port(sgl_transport *t)
{
    struct ftdi_context *f = t->priv;
    if (f) {
        ftdi_usb_close(f);
        ftdi_free(f);
    }
    t->priv = NULL;
}

const sgl_transport_ops sgl_transport_ftdi = {
    .scheme = "ftdi", .usage = "ftdi[:VID:PID[:SERIAL]]", .open = ftdi_open_port,
    .read = ftdi_read_port, .write = ftdi_write_port, .close = ftdi_close_port};
