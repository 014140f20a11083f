/* SPDX-License-Identifier: MIT */
/* The host's command layer over a transport (docs/protocol.md): one request, one reply, with
 * sequence numbers, a timeout and retries, so that a lost request or a lost reply costs a
 * retry and never applies a write twice (the device answers DUP to a retried write it has
 * already carried out). Link counters for the efficiency figures of `sglif device bench`. */
#ifndef SGLIF_DEVICE_H
#define SGLIF_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "link.h"
#include "transport.h"

typedef struct {
    uint16_t version, lanes, layers, neurons, inputs, classes, hist_steps, sg_entries;
    uint16_t max_payload;
    uint32_t clock_hz;
    /* protocol 2: features (SGL_DEV_ENGINE: a training engine) and the engine's sizes (one
     * layer; 0 without one): neurons, inputs, lanes, gradient word bits, log2 of the event
     * store's entries */
    uint16_t features, eng_neurons, eng_inputs, eng_lanes, eng_grad_w, eng_ev_log2;
} sgl_dev_info;

#define SGL_DEV_ENGINE 1 /* features bit 0: the board trains on chip (TRAIN, UPDATE) */

/* The training engine's statistics since they were last zeroed (READ_STATS). */
typedef struct {
    uint32_t samples, correct, saturations, clamped, cycles;
} sgl_dev_engine_stats;

typedef struct {
    uint64_t bytes_out, bytes_in;     /* everything put on / taken off the line */
    uint64_t payload_out, payload_in; /* the payload bytes of requests / replies carried out */
    uint64_t requests, retries, dups, crc_errors, timeouts;
    uint64_t cycles; /* the board's cycles as RUN, TRAIN and UPDATE replied them */
} sgl_dev_stats;

typedef struct {
    sgl_transport t;
    int open;
    uint8_t seq;          /* the seq of the last request */
    int timeout_ms;       /* per try (0: SGL_DEV_TIMEOUT_MS, a sim port SGL_DEV_SIM_TIMEOUT_MS) */
    int tries;            /* per request (default 5) */
    sgl_dev_info info;
    sgl_dev_stats st;
    sgl_link_decoder dec;
    uint8_t rx[65536], txbuf[SGL_LINK_OVERHEAD + 65536];
} sgl_dev;

#define SGL_DEV_TIMEOUT_MS 500       /* reply timeout per try: a board over USB */
#define SGL_DEV_SIM_TIMEOUT_MS 30000 /* a simulated board started by the sim transport */

/* Open the port, ask IDENTIFY, refuse another protocol version. 0 or -SGL_E*. */
int sgl_dev_open(sgl_dev *d, const char *port);
void sgl_dev_close(sgl_dev *d);

/* One request: reply payload into reply (room for cap bytes), its length into *rlen.
 * -SGL_EDEVICE with a message for an error status or no answer after d->tries tries. */
int sgl_dev_request(sgl_dev *d, uint8_t cmd, const uint8_t *req, uint16_t len, uint8_t *reply,
                    size_t cap, uint16_t *rlen);

/* Memory words (16 bits) of select sel from addr, as many requests as the payload limit needs. */
int sgl_dev_write_mem(sgl_dev *d, int sel, uint32_t addr, const uint16_t *w, size_t n);
int sgl_dev_read_mem(sgl_dev *d, int sel, uint32_t addr, uint16_t *w, size_t n);
int sgl_dev_model_crc(sgl_dev *d, uint32_t *crc);
int sgl_dev_soft_reset(sgl_dev *d);
/* READ_HISTORY: the spikes z[i] (0/1) and SG codes code[i] of neurons 0..n-1 of layer at step
 * t of the latest RUN, in as many requests as the payload limit needs. */
int sgl_dev_read_history(sgl_dev *d, int layer, int t, int n, uint8_t *z, uint16_t *code);
/* READ_OUTPUT: the predicted class and, when sums is not NULL, the class sums (n_out of them). */
int sgl_dev_read_output(sgl_dev *d, int *pred, int32_t *sums, int n_out);
/* RUN with a request's payload (device_model.c builds it); its cycles are added to
 * d->st.cycles. */
int sgl_dev_run(sgl_dev *d, const uint8_t *req, uint16_t len);
/* The training engine (a board whose features have SGL_DEV_ENGINE): TRAIN the latest RUN with
 * label, UPDATE with lr_t (1..65535); their cycles are added to d->st.cycles. READ_STATS (zero:
 * zero them after reading). */
int sgl_dev_train(sgl_dev *d, int label);
int sgl_dev_update(sgl_dev *d, int32_t lr_t);
int sgl_dev_read_stats(sgl_dev *d, int zero, sgl_dev_engine_stats *s);

#endif
