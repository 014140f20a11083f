/* SPDX-License-Identifier: MIT */
/* tty:DEVICE: the board's UART through the kernel's serial driver (ftdi_sio: /dev/ttyUSBn),
 * raw 8N1 at 3 Mbaud, no flow control. */
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"
#include "transport.h"

static int tty_open(sgl_transport *t, const char *dev)
{
    if (!*dev)
        return sgl_fail(SGL_EUSAGE, "port '%s': expected tty:DEVICE, e.g. tty:/dev/ttyUSB1",
                        t->name);
    int fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return sgl_fail(SGL_EDEVICE, "%s: %s%s", t->name, strerror(e),
                        e == EACCES ? ": install host/99-sglif.rules (udev) or join group "
                                      "dialout"
                        : e == ENOENT ? ": is the board plugged in? (ls /dev/ttyUSB*)" : "");
    }
    /* termios2 takes any rate (BOTHER), 3 Mbaud included */
    struct termios2 tio;
    if (ioctl(fd, TCGETS2, &tio) < 0) {
        int e = errno;
        close(fd);
        return sgl_fail(SGL_EDEVICE, "%s: not a serial device (%s)", t->name, strerror(e));
    }
    tio.c_iflag = 0;
    tio.c_oflag = 0;
    tio.c_lflag = 0;
    tio.c_cflag = (tio.c_cflag & ~(tcflag_t)(CBAUD | CSIZE | PARENB | CSTOPB | CRTSCTS)) |
                  CS8 | CREAD | CLOCAL | BOTHER;
    tio.c_ispeed = tio.c_ospeed = (speed_t)t->baud;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (ioctl(fd, TCSETS2, &tio) < 0) {
        int e = errno;
        close(fd);
        return sgl_fail(SGL_EDEVICE, "%s: cannot set %d baud 8N1 (%s)", t->name, t->baud,
                        strerror(e));
    }
    ioctl(fd, TCFLSH, TCIOFLUSH); /* drop what an earlier run left */
    t->fd = fd;
    return 0;
}

const sgl_transport_ops sgl_transport_tty = {
    .scheme = "tty", .usage = "tty:DEVICE", .open = tty_open, .read = sgl_fd_read,
    .write = sgl_fd_write, .close = sgl_fd_close};
