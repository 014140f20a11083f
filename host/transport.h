/* SPDX-License-Identifier: MIT */
/* Transports of the link to the board (docs/protocol.md), behind one table of operations:
 *
 *   ftdi[:VID:PID[:SERIAL]]   libftdi1: the FT2232H's UART channel B (iCEBreaker, HX8K breakout;
 *                             default 0403:6010) or an FT231X (ULX3S, 0403:6015)
 *   tty:/dev/ttyUSBn          the kernel's serial driver (ftdi_sio), raw 8N1
 *   tcp:HOST:PORT             a simulated board listening on loopback (sglif-board)
 *   sim[:BOARD|:PROGRAM]      starts a simulated board itself and talks to it over tcp: sim
 *                             $SGLIF_BOARD, else sglif-board-ecp5-85f beside the sglif program
 *                             (the ULX3S-85F's sizes); sim:BOARD a board of
 *                             constraints/boards.csv, its top as flashed (sglif-board-top-BOARD)
 *
 * Every call returns 0 (or a byte count) or a negative SGL_E* code with a one-line message in
 * sgl_errmsg() that names the port and says what to do. */
#ifndef SGLIF_TRANSPORT_H
#define SGLIF_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#define SGL_LINK_BAUD 3000000 /* the design point: 3 Mbaud 8N1 */

typedef struct sgl_transport sgl_transport;

typedef struct {
    const char *scheme;
    const char *usage; /* "ftdi[:VID:PID[:SERIAL]]", for messages */
    /* arg: the text after "scheme:" ("" when none) */
    int (*open)(sgl_transport *t, const char *arg);
    /* up to n bytes, waiting at most timeout_ms for the first: count, 0 on timeout, or < 0 */
    long (*read)(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms);
    /* all n bytes, or < 0 */
    int (*write)(sgl_transport *t, const uint8_t *buf, size_t n);
    void (*close)(sgl_transport *t);
} sgl_transport_ops;

struct sgl_transport {
    const sgl_transport_ops *ops;
    char name[160];   /* the port as given, for messages */
    int fd;           /* tty, tcp */
    void *priv;       /* ftdi: struct ftdi_context * */
    int pid;          /* sim: the board's process */
    int baud;         /* tty, ftdi */
    uint64_t bytes_in, bytes_out; /* every byte read from / written to the line since open */
};

extern const sgl_transport_ops sgl_transport_ftdi, sgl_transport_tty, sgl_transport_tcp,
    sgl_transport_sim;

/* Open a port by its name (above). An unknown scheme is SGL_EUSAGE. */
int sgl_transport_open(sgl_transport *t, const char *port);
/* read, read_all and write count the bytes they move in t->bytes_in / bytes_out */
long sgl_transport_read(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms);
/* Read exactly n bytes within timeout_ms in all: 0, or SGL_EDEVICE on timeout. */
int sgl_transport_read_all(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms);
int sgl_transport_write(sgl_transport *t, const uint8_t *buf, size_t n);
void sgl_transport_close(sgl_transport *t);

/* For fd-based transports: wait for readable data, then read. */
long sgl_fd_read(sgl_transport *t, uint8_t *buf, size_t n, int timeout_ms);
int sgl_fd_write(sgl_transport *t, const uint8_t *buf, size_t n);
void sgl_fd_close(sgl_transport *t);
/* Connect t->fd to host:port over TCP (transport_tcp.c). */
int sgl_tcp_connect(sgl_transport *t, const char *host, const char *port);

#endif
