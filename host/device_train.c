/* SPDX-License-Identifier: MIT */
/* Device-in-the-loop training (device_train.h). */
#include "device_train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int sgl_dev_trainer_init(sgl_dev_trainer *t, sgl_dev *d, const sgl_fixed_net *q,
                         const char *what)
{
    memset(t, 0, sizeof *t);
    t->dev = d;
    if (d->info.hist_steps < 1)
        return sgl_fail(SGL_EDEVICE, "%s: the board records no history: it cannot train",
                        d->t.name);
    return sgl_dev_model_init(&t->m, d, q, what);
}

void sgl_dev_trainer_free(sgl_dev_trainer *t)
{
    sgl_dev_model_free(&t->m);
    for (int l = 0; l < 2; l++) {
        free(t->tz[l]);
        free(t->tcode[l]);
    }
}

static void twin_record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                        const uint16_t *code)
{
    (void)v;
    sgl_dev_trainer *d = ctx;
    memcpy(d->tz[layer] + (size_t)t * (size_t)n, z, (size_t)n);
    memcpy(d->tcode[layer] + (size_t)t * (size_t)n, code, (size_t)n * sizeof *code);
}

/* The twin's forward of the same sample against what the board recorded. */
static int check_twin(sgl_dev_trainer *t, const sgl_fixed_net *q, const sgl_sample *s,
                      const sgl_fixed_trace *g, int pred)
{
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->n_steps * (size_t)q->layer[l].n;
        if (!t->tz[l] && (!(t->tz[l] = sgl_calloc(n, 1)) ||
                          !(t->tcode[l] = sgl_calloc(n, sizeof(uint16_t)))))
            return sgl_fail(SGL_ENOMEM, "out of memory");
    }
    int tp = -1;
    int rc = sgl_fixed_forward(q, s, &tp, NULL, NULL, twin_record, t);
    if (rc)
        return rc;
    for (int l = 0; l < q->n_layers; l++) {
        size_t n = (size_t)q->n_steps * (size_t)q->layer[l].n;
        for (size_t i = 0; i < n; i++)
            t->mismatches += (g->z[l][i] != t->tz[l][i]) + (g->code[l][i] != t->tcode[l][i]);
        t->checked += 2 * n;
    }
    t->checked++;
    t->mismatches += tp != pred;
    return 0;
}

/* One sample on the board: windows of at most hist_steps steps (each one RUN: the history
 * holds the latest RUN's steps), the history of every layer read after each window. */
static uint64_t line_bytes(const sgl_dev *d)
{
    return d->t.bytes_in + d->t.bytes_out;
}

static int board_forward(void *ctx, const sgl_fixed_net *q, const sgl_sample *s,
                         sgl_fixed_trace *g, int *pred)
{
    sgl_dev_trainer *t = ctx;
    const uint64_t c0 = t->dev->st.cycles, b0 = line_bytes(t->dev);
    const int T = q->n_steps;
    for (int t0 = 0; t0 < T;) {
        int k = sgl_dev_run_window(t->dev, s, T, t0, t->dev->info.hist_steps, t0 == 0,
                                   &t->events);
        if (k < 0)
            return k;
        t->windows++;
        for (int l = 0; l < q->n_layers; l++) {
            size_t n = (size_t)q->layer[l].n;
            for (int j = 0; j < k; j++) {
                size_t at = (size_t)(t0 + j) * n;
                int rc = sgl_dev_read_history(t->dev, l, j, (int)n, g->z[l] + at,
                                              g->code[l] + at);
                if (rc < 0)
                    return rc;
                t->hist_reads++;
            }
        }
        t0 += k;
    }
    t->samples++;
    int rc = sgl_dev_read_output(t->dev, pred, NULL, 0);
    t->train_samples++;
    t->train_cycles += t->dev->st.cycles - c0;
    t->train_bytes += line_bytes(t->dev) - b0;
    return rc || !t->check ? rc : check_twin(t, q, s, g, *pred);
}

static int board_updated(void *ctx, const sgl_fixed_net *q)
{
    sgl_dev_trainer *t = ctx;
    uint64_t w = 0;
    int rc = sgl_dev_model_write(&t->m, t->dev, q, 0, &w);
    t->updates++;
    t->words += w;
    return rc;
}

static int board_evaluate(void *ctx, const sgl_fixed_net *q, const sgl_data *valid,
                          double *acc)
{
    sgl_dev_trainer *t = ctx;
    int correct = 0;
    for (int i = 0; i < valid->n_samples; i++) {
        sgl_sample s = sgl_data_sample(valid, i);
        int pred = -1;
        int rc = sgl_dev_run_sample(t->dev, &s, q->n_steps, &pred, &t->events);
        if (rc < 0)
            return rc;
        correct += pred == s.label;
    }
    *acc = valid->n_samples ? (double)correct / valid->n_samples : 0;
    return 0;
}

/* After a batch's forwards: does the board still hold the weights they were meant to run on?
 * A board that was reset (power, reprogramming) answers with other memories: write them all
 * again and have the batch run again. */
static int board_verify(void *ctx, const sgl_fixed_net *q)
{
    sgl_dev_trainer *t = ctx;
    uint32_t crc = 0;
    int rc = sgl_dev_model_crc(t->dev, &crc);
    if (rc < 0)
        return rc;
    if (crc == sgl_dev_model_image_crc(&t->m))
        return 0;
    fprintf(stderr, "train: %s: the board's model CRC is 0x%08x, not 0x%08x (was it reset?): "
            "writing the model again and running the batch again\n", t->dev->t.name,
            (unsigned)crc, (unsigned)sgl_dev_model_image_crc(&t->m));
    uint64_t w = 0;
    if ((rc = sgl_dev_model_write(&t->m, t->dev, q, 1, &w)) < 0)
        return rc;
    t->words += w;
    t->reloads++;
    return 1;
}

void sgl_dev_trainer_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h)
{
    h->verify = board_verify;
    h->forward = board_forward;
    h->updated = board_updated;
    h->evaluate = board_evaluate;
    h->ctx = t;
}

/* ---- the engine path: the board's training engine runs the backward and the update ---- */

static int clog2i(int x)
{
    int b = 0;
    while ((1 << b) < x)
        b++;
    return b;
}

/* Words of rows row0 .. row0 + rows - 1 of a select whose rows are 2^stride words apart, n
 * words each (one transfer when the rows touch), written from or read into w (rows x n). */
static int rows_io(sgl_dev *d, int sel, uint32_t row0, int rows, int stride, int n, uint16_t *w,
                   int write)
{
    if (n == 1 << stride)
        return write ? sgl_dev_write_mem(d, sel, row0 << stride, w, (size_t)rows * (size_t)n)
                     : sgl_dev_read_mem(d, sel, row0 << stride, w, (size_t)rows * (size_t)n);
    for (int r = 0; r < rows; r++) {
        uint32_t a = (row0 + (uint32_t)r) << stride;
        uint16_t *x = w + (size_t)r * (size_t)n;
        int rc = write ? sgl_dev_write_mem(d, sel, a, x, (size_t)n)
                       : sgl_dev_read_mem(d, sel, a, x, (size_t)n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The rule's state between the host (m, r) and the engine's memories (rtl/core_map.csv: TW,
 * TWMOM, TOUT, TUNIT, TREG's PCG32 words): written (write 1, with gamma_q) or read back. */
static int engine_state_io(sgl_dev_trainer *t, const sgl_fixed_net *q, sgl_fixed_master *m,
                           sgl_rng *r, const int32_t *gamma_q, int write)
{
    sgl_dev *d = t->dev;
    const sgl_fixed_layer *L = &q->layer[0];
    const int n = L->n, nin = L->n_pre, C = q->n_out, E_IN = d->info.eng_inputs;
    const size_t big = (size_t)(nin > n ? nin : n) * (size_t)n;
    size_t nb = big > (size_t)16 * n ? big : (size_t)16 * n;
    if (nb < (size_t)16 * C)
        nb = (size_t)16 * C;
    uint16_t *w = sgl_calloc(nb, sizeof *w);
    if (!w)
        return sgl_fail(SGL_ENOMEM, "out of memory");
    int rc = 0;
    /* the synapse rows: masters (TW) and momenta (TWMOM), W_in's rows from 0, W_rec's from
     * E_IN */
    for (int part = 0; part < 4 && !rc; part++) {
        int sel = part & 1 ? SGL_SEL_TWMOM : SGL_SEL_TW, rec = part >= 2;
        int16_t *x = rec ? (part & 1 ? m->m_rec[0] : m->w_rec[0])
                         : (part & 1 ? m->m_in[0] : m->w_in[0]);
        int rows = rec ? n : nin;
        size_t k = (size_t)rows * (size_t)n;
        if (write)
            for (size_t i = 0; i < k; i++)
                w[i] = (uint16_t)x[i];
        rc = rows_io(d, sel, rec ? (uint32_t)E_IN : 0, rows, t->enw, n, w, write);
        if (!rc && !write)
            for (size_t i = 0; i < k; i++)
                x[i] = (int16_t)w[i];
    }
    /* W_out: {i, c}: master and momentum side by side */
    for (int i = 0; i < n && !rc; i++) {
        int16_t *wm = m->w_out + (size_t)i * (size_t)C, *mm = m->m_out + (size_t)i * (size_t)C;
        if (write)
            for (int c = 0; c < C; c++) {
                w[2 * c] = (uint16_t)wm[c];
                w[2 * c + 1] = (uint16_t)mm[c];
            }
        uint32_t a = ((uint32_t)i << t->cw) * 2;
        rc = write ? sgl_dev_write_mem(d, SGL_SEL_TOUT, a, w, (size_t)(2 * C))
                   : sgl_dev_read_mem(d, SGL_SEL_TOUT, a, w, (size_t)(2 * C));
        if (!rc && !write)
            for (int c = 0; c < C; c++) {
                wm[c] = (int16_t)w[2 * c];
                mm[c] = (int16_t)w[2 * c + 1];
            }
    }
    /* per neuron (k 0) and per class (k 1): 8 words each, int32 low word first */
    for (int k = 0; k < 2 && !rc; k++) {
        int units = k ? C : n;
        int32_t *bm = k ? m->b_out : m->bias[0];
        int16_t *bmom = k ? m->m_bout : m->m_bias[0];
        if (write)
            for (int x = 0; x < units; x++) {
                uint16_t *u = w + 8 * (size_t)x;
                memset(u, 0, 8 * sizeof *u);
                u[0] = (uint16_t)((uint32_t)bm[x] & 0xFFFF);
                u[1] = (uint16_t)((uint32_t)bm[x] >> 16);
                u[2] = (uint16_t)bmom[x];
                if (!k) {
                    u[4] = (uint16_t)((uint32_t)gamma_q[x] & 0xFFFF);
                    u[5] = (uint16_t)((uint32_t)gamma_q[x] >> 16);
                }
            }
        uint32_t a = ((uint32_t)k << t->xw) * 8;
        rc = write ? sgl_dev_write_mem(d, SGL_SEL_TUNIT, a, w, 8 * (size_t)units)
                   : sgl_dev_read_mem(d, SGL_SEL_TUNIT, a, w, 8 * (size_t)units);
        if (!rc && !write)
            for (int x = 0; x < units; x++) {
                const uint16_t *u = w + 8 * (size_t)x;
                bm[x] = (int32_t)((uint32_t)u[0] | (uint32_t)u[1] << 16);
                bmom[x] = (int16_t)u[2];
            }
    }
    /* the rounding stream: PCG32's state and increment, four words each, low first */
    if (!rc) {
        uint16_t g[8];
        for (int i = 0; write && i < 4; i++) {
            g[i] = (uint16_t)(r->state >> (16 * i));
            g[4 + i] = (uint16_t)(r->inc >> (16 * i));
        }
        rc = write ? sgl_dev_write_mem(d, SGL_SEL_TREG, SGL_TREG_RNG_STATE0, g, 8)
                   : sgl_dev_read_mem(d, SGL_SEL_TREG, SGL_TREG_RNG_STATE0, g, 8);
        if (!rc && !write) {
            r->state = r->inc = 0;
            for (int i = 0; i < 4; i++) {
                r->state |= (uint64_t)g[i] << (16 * i);
                r->inc |= (uint64_t)g[4 + i] << (16 * i);
            }
        }
    }
    free(w);
    return rc;
}

/* One sample: RUN windows of t->window steps (the first clears the core), each followed by
 * TRAIN with the label: the engine's backward of that RUN, its gradient added on the board. */
static int engine_sample(void *ctx, const sgl_fixed_net *q, const sgl_sample *s)
{
    sgl_dev_trainer *t = ctx;
    const uint64_t c0 = t->dev->st.cycles, b0 = line_bytes(t->dev);
    const int T = q->n_steps;
    for (int t0 = 0; t0 < T;) {
        int want = T - t0 < t->window ? T - t0 : t->window;
        int k = sgl_dev_run_window(t->dev, s, T, t0, want, t0 == 0, &t->events);
        if (k < 0)
            return k;
        if (k < want) /* the engine's backward covers one RUN: a window must be one */
            return sgl_fail(SGL_EDATA, "steps %d..%d do not fit one RUN frame of %u bytes (the "
                            "engine trains on one RUN at a time): use --host-backward", t0,
                            t0 + want - 1, t->dev->info.max_payload);
        t->windows++;
        int rc = sgl_dev_train(t->dev, s->label);
        if (rc < 0)
            return rc;
        t0 += k;
    }
    t->samples++;
    t->train_samples++;
    t->train_cycles += t->dev->st.cycles - c0;
    t->train_bytes += line_bytes(t->dev) - b0;
    return 0;
}

/* The batch's end: UPDATE with lr_t (the engine writes the new weights into the core), then
 * the statistics since the last batch (READ_STATS, cumulative: a retried read changes
 * nothing). A gradient word that left GRAD_W bits makes the run another than the twin's:
 * an error. */
static int engine_step(void *ctx, int32_t lr_t, sgl_fixed_batch_counts *bc)
{
    sgl_dev_trainer *t = ctx;
    const uint64_t c0 = t->dev->st.cycles, b0 = line_bytes(t->dev);
    uint16_t status = 0;
    int rc = sgl_dev_read_mem(t->dev, SGL_SEL_TREG, SGL_TREG_STATUS, &status, 1);
    if (!rc && (status & 2))
        rc = sgl_fail(SGL_EDEVICE, "%s: a gradient sum of this batch left the engine's %u bits "
                      "(TREG STATUS 0x%x): the board cannot follow the twin; use "
                      "--host-backward or smaller batches", t->dev->t.name,
                      t->dev->info.eng_grad_w, status);
    if (!rc)
        rc = sgl_dev_update(t->dev, lr_t);
    sgl_dev_engine_stats st = {0};
    if (!rc)
        rc = sgl_dev_read_stats(t->dev, 0, &st);
    if (rc < 0)
        return rc;
    bc->correct = (long)(uint32_t)(st.correct - t->stats.correct);
    bc->saturations = (long)(uint32_t)(st.saturations - t->stats.saturations);
    bc->clamped = (long)(uint32_t)(st.clamped - t->stats.clamped);
    t->stats = st;
    t->engine_updates++;
    t->train_cycles += t->dev->st.cycles - c0;
    t->train_bytes += line_bytes(t->dev) - b0;
    return 0;
}

/* The engine registers of q and o (rtl/core_map.csv, treg rows 1 .. 15). */
#define N_ENG_REGS (SGL_TREG_S_BOUT + 1)

/* The engine registers of q and o (rtl/core_map.csv, treg rows 1 .. 15) into r; 0, or -1 with
 * the register that cannot hold its value named in why (the engine would compute another
 * rule). */
static int engine_reg_values(const sgl_fixed_net *q, const sgl_fixed_train_opts *o,
                             int32_t r[N_ENG_REGS], char *why, size_t n_why)
{
    const sgl_fixed_layer *L = &q->layer[0];
    const int ks = o->state_shift ? q->decay_shift : 0;
    memset(r, 0, N_ENG_REGS * sizeof *r);
    r[SGL_TREG_OUT_FRAC] = q->out_frac;
    r[SGL_TREG_S_REC] = q->v_frac - L->sh_rec;
    r[SGL_TREG_K] = q->decay_shift;
    r[SGL_TREG_RESET] = q->reset == SGL_RESET_MULT ? 1 : 0;
    r[SGL_TREG_N_LAST] = L->n - 1;
    r[SGL_TREG_C_LAST] = q->n_out - 1;
    r[SGL_TREG_IN_LAST] = q->n_in - 1;
    r[SGL_TREG_B2] = o->momentum;
    r[SGL_TREG_ROW_NORM] = o->row_norm;
    r[SGL_TREG_WD] = o->wd_shift;
    r[SGL_TREG_S_WIN] = sgl_fixed_step_shift(q->v_frac - L->sh_in, 0);
    r[SGL_TREG_S_WREC] = sgl_fixed_step_shift(q->v_frac - L->sh_rec, ks);
    r[SGL_TREG_S_BIAS] = sgl_fixed_step_shift(q->v_frac, ks);
    r[SGL_TREG_S_WOUT] = sgl_fixed_step_shift(q->out_frac, 0);
    r[SGL_TREG_S_BOUT] = sgl_fixed_step_shift(q->out_frac, 0);
    /* the registers of fixed width (the sizes' ones are within the engine's by its checks):
     * bits, signed */
    static const struct {
        int reg, bits, sgn;
        const char *name;
    } w[] = {{SGL_TREG_OUT_FRAC, SGL_TREG_OUT_FRAC_BITS, 1, "OUT_FRAC"},
             {SGL_TREG_S_REC, SGL_TREG_S_REC_BITS, 1, "S_REC"},
             {SGL_TREG_K, SGL_TREG_K_BITS, 0, "K"},
             {SGL_TREG_B2, SGL_TREG_B2_BITS, 0, "B2"},
             {SGL_TREG_WD, SGL_TREG_WD_BITS, 0, "WD"},
             {SGL_TREG_S_WIN, SGL_TREG_S_WIN_BITS, 1, "S_WIN"},
             {SGL_TREG_S_WREC, SGL_TREG_S_WREC_BITS, 1, "S_WREC"},
             {SGL_TREG_S_BIAS, SGL_TREG_S_BIAS_BITS, 1, "S_BIAS"},
             {SGL_TREG_S_WOUT, SGL_TREG_S_WOUT_BITS, 1, "S_WOUT"},
             {SGL_TREG_S_BOUT, SGL_TREG_S_BOUT_BITS, 1, "S_BOUT"}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        int32_t v = r[w[i].reg], lo = w[i].sgn ? -(1 << (w[i].bits - 1)) : 0,
                hi = w[i].sgn ? (1 << (w[i].bits - 1)) - 1 : (1 << w[i].bits) - 1;
        if (v < lo || v > hi) {
            snprintf(why, n_why, "the engine register %s cannot hold %ld (%s%d bits)", w[i].name,
                     (long)v, w[i].sgn ? "signed, " : "", w[i].bits);
            return -1;
        }
    }
    return 0;
}

static int engine_registers(sgl_dev_trainer *t, const sgl_fixed_net *q,
                            const sgl_fixed_train_opts *o)
{
    int32_t v[N_ENG_REGS];
    uint16_t r[N_ENG_REGS];
    char why[128];
    if (engine_reg_values(q, o, v, why, sizeof why))
        return sgl_fail(SGL_EDATA, "%s", why); /* (checked by sgl_dev_trainer_engine) */
    for (int i = 0; i < N_ENG_REGS; i++)
        r[i] = (uint16_t)v[i]; /* two's complement: the register keeps its low bits */
    return sgl_dev_write_mem(t->dev, SGL_SEL_TREG, 1, r + 1, N_ENG_REGS - 1);
}

/* The start (and a resume): the registers, then one UPDATE, which zeroes whatever gradient
 * sums a killed run left on the board (the masters, momenta, stream and the core's model it
 * changes are all written after it); then the state, the core's model; the statistics'
 * base. */
static int engine_load(void *ctx, const sgl_fixed_net *q, const sgl_fixed_master *m,
                       const sgl_rng *r, const sgl_fixed_grad *g, const sgl_fixed_train_opts *o)
{
    sgl_dev_trainer *t = ctx;
    sgl_rng rr = *r;
    uint64_t w = 0;
    int rc = engine_registers(t, q, o);
    if (!rc)
        rc = sgl_dev_update(t->dev, 1);
    if (!rc) /* (m is written, not changed: engine_state_io reads it when write is 1) */
        rc = engine_state_io(t, q, (sgl_fixed_master *)(uintptr_t)m, &rr, g->gamma_q[0], 1);
    if (!rc)
        rc = sgl_dev_model_write(&t->m, t->dev, q, 1, &w);
    if (!rc)
        rc = sgl_dev_read_stats(t->dev, 0, &t->stats);
    t->words += w;
    t->engine_ready = !rc;
    return rc;
}

/* Before a checkpoint, each epoch's validation and the end: the masters, momenta and stream
 * read back; q's weights asr(master, 8), which the core must hold (MODEL_CRC). */
static int engine_sync(void *ctx, sgl_fixed_net *q, sgl_fixed_master *m, sgl_rng *r)
{
    sgl_dev_trainer *t = ctx;
    int rc = engine_state_io(t, q, m, r, NULL, 0);
    if (rc < 0)
        return rc;
    sgl_fixed_master_weights(q, m);
    return sgl_dev_model_expect(&t->m, t->dev, q);
}

/* The start's weights are written by engine_load; later ones (the best epoch's, at the end)
 * as on the host path. */
static int engine_updated(void *ctx, const sgl_fixed_net *q)
{
    sgl_dev_trainer *t = ctx;
    return t->engine_ready ? board_updated(ctx, q) : 0;
}

int sgl_dev_trainer_engine(sgl_dev_trainer *t, const sgl_fixed_net *q,
                           const sgl_fixed_train_opts *o, int window, const sgl_data *train,
                           char *why, size_t n_why)
{
    const sgl_dev_info *in = &t->dev->info;
    const int n = q->layer[0].n, T = q->n_steps;
    t->engine = 0;
    if (!(in->features & SGL_DEV_ENGINE)) {
        snprintf(why, n_why, "the board has no training engine");
        return 0;
    }
    if (q->n_layers != 1) {
        snprintf(why, n_why, "the model has %d layers, the board's training engine one",
                 q->n_layers);
        return 0;
    }
    if (n > in->eng_neurons || q->n_in > in->eng_inputs) {
        snprintf(why, n_why, "the model (%d inputs, %d neurons) does not fit the board's "
                 "training engine (%u inputs, %u neurons)", q->n_in, n, in->eng_inputs,
                 in->eng_neurons);
        return 0;
    }
    const int W = window > 0 && window < T ? window : T;
    if (W > in->hist_steps) {
        if (W == T)
            snprintf(why, n_why, "samples of %d steps are longer than the engine's %u steps of "
                     "history (its truncated windows: the rule's window option)", T,
                     in->hist_steps);
        else
            snprintf(why, n_why, "windows of %d steps are longer than the engine's %u steps of "
                     "history", W, in->hist_steps);
        return 0;
    }
    int32_t regs[N_ENG_REGS];
    if (engine_reg_values(q, o, regs, why, n_why))
        return 0;
    uint16_t gf = 0;
    int rc = sgl_dev_read_mem(t->dev, SGL_SEL_TREG, SGL_TREG_GF, &gf, 1);
    if (rc < 0)
        return rc;
    if (gf != o->grad_frac) {
        snprintf(why, n_why, "the engine's gradients have %u fraction bits, the run %d", gf,
                 o->grad_frac);
        return 0;
    }
    /* every window of every training sample must fit the event store and one RUN frame (the
     * engine's backward covers one RUN) */
    const long cap = 1L << in->eng_ev_log2;
    for (int i = 0; i < train->n_samples; i++) {
        sgl_sample s = sgl_data_sample(train, i);
        for (int t0 = 0, k = 0; t0 < T; t0 += W) {
            int k1 = k;
            while (k1 < s.n_ev && s.ev_t[k1] < t0 + W)
                k1++;
            long ev = k1 - k, steps = T - t0 < W ? T - t0 : W, bytes = 2 + 2 * steps + 2 * ev;
            k = k1;
            if (ev > cap) {
                snprintf(why, n_why, "training sample %d has %ld input events in steps %d..%ld, "
                         "the engine's event store holds %ld", i, ev, t0, t0 + steps - 1, cap);
                return 0;
            }
            if (bytes > in->max_payload) {
                snprintf(why, n_why, "training sample %d needs a RUN of %ld bytes for steps "
                         "%d..%ld, the board takes %u", i, bytes, t0, t0 + steps - 1,
                         in->max_payload);
                return 0;
            }
        }
    }
    t->window = W;
    t->enw = clog2i(in->eng_neurons);
    t->cw = clog2i(in->classes);
    t->xw = t->enw > t->cw ? t->enw : t->cw;
    t->engine = 1;
    return 1;
}

void sgl_dev_trainer_engine_hooks(sgl_dev_trainer *t, sgl_fixed_train_hooks *h)
{
    h->ctx = t;
    h->evaluate = board_evaluate;
    h->updated = engine_updated;
    h->sample = engine_sample;
    h->step = engine_step;
    h->load = engine_load;
    h->sync = engine_sync;
}
