/* SPDX-License-Identifier: MIT */
/* A twin net on a board (docs/protocol.md, "Models on the board"): the images of the board's
 * model memories (one per select of MODEL_CRC, each word as it reads back), written whole or
 * only where they changed and checked with MODEL_CRC; samples run on the board in RUN frames,
 * with the history read back for training. Used by every `sglif device` subcommand. */
#ifndef SGLIF_DEVICE_MODEL_H
#define SGLIF_DEVICE_MODEL_H

#include <stdint.h>

#include "core_map.h"
#include "data.h"
#include "device.h"
#include "fixed.h"

typedef struct {
    sgl_core_shape cs;
    uint16_t *img[SGL_N_SEL]; /* what the board holds (after the last write) */
    uint32_t depth[SGL_N_SEL];
    int loaded;               /* img is on the board */
    uint64_t words;           /* words written so far */
} sgl_dev_model;

/* The selects MODEL_CRC reads, in its order. */
extern const int sgl_dev_model_sels[6];
#define SGL_DEV_MODEL_NSEL 6

/* The board's shape (from IDENTIFY) and empty images; -SGL_EDATA if q does not fit it (what is
 * named: e.g. "MODEL does not fit the board on PORT: 300 inputs, the core has 256"). */
int sgl_dev_model_init(sgl_dev_model *m, const sgl_dev *d, const sgl_fixed_net *q,
                       const char *what);
void sgl_dev_model_free(sgl_dev_model *m);
/* q's images; write every word (all, or the first time) or only the words that differ from
 * the board's, then compare MODEL_CRC with the images' CRC. *written: words sent. */
int sgl_dev_model_write(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q, int all,
                        uint64_t *written);
/* The board changed its model itself (the training engine's UPDATE): take q's images as the
 * board's without writing, and check them against MODEL_CRC (-SGL_EDEVICE if they differ). */
int sgl_dev_model_expect(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q);
/* CRC-32 of the images in MODEL_CRC's order (what the board's MODEL_CRC must say). */
uint32_t sgl_dev_model_image_crc(const sgl_dev_model *m);
/* Read only the words q's structure occupies (the addresses sgl_core_load writes; runs closer
 * than a request's framing read as one); the other image words are 0, as a load leaves them:
 * the caller compares the images' CRC with the board's MODEL_CRC, which covers them all. */
int sgl_dev_model_read_of(sgl_dev_model *m, sgl_dev *d, const sgl_fixed_net *q);
/* The trainable integers (W_in, W_rec, biases, W_out, b_out) of the images into q (which has
 * the sizes); 0, or -SGL_EDATA when the registers or SG table differ from what ref, q's own
 * start, would write (the board holds another kind of model). */
int sgl_dev_model_unload(const sgl_dev_model *m, const sgl_fixed_net *ref, sgl_fixed_net *q);

/* Run steps t0 .. of sample s on the board (clear first when clear): as many steps as one RUN
 * frame takes, at most max_steps; returns that count (> 0) or -SGL_E*. *events: counted. */
int sgl_dev_run_window(sgl_dev *d, const sgl_sample *s, int n_steps, int t0, int max_steps,
                       int clear, uint64_t *events);
/* The whole sample (every step, as many RUN frames as needed), then READ_OUTPUT: *pred. */
int sgl_dev_run_sample(sgl_dev *d, const sgl_sample *s, int n_steps, int *pred,
                       uint64_t *events);

#endif
