/* SPDX-License-Identifier: MIT */
#ifndef SGLIF_PROGRESS_H
#define SGLIF_PROGRESS_H

#include "train.h"

typedef struct {
    int tty, quiet;
} cli_progress_state;

void cli_progress_init(cli_progress_state *s, int quiet);
/* An sgl_progress_fn; user = cli_progress_state. */
void cli_progress(const sgl_progress *p, void *user);

#endif
