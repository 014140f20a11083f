/* SPDX-License-Identifier: MIT */
/* A board with a training engine, in software, for the host side of on-chip training
 * (tests/test_device_train.c): it speaks the link protocol (host/protocol.csv) on a loopback
 * TCP port and keeps its memories at the addresses of rtl/core_map.csv (the core's model
 * selects; the engine's TW, TWMOM, TOUT, TUNIT and TREG), so that `sglif device train`'s engine
 * path is exercised end to end without the RTL. Its arithmetic is the twin's, driven by what
 * the host wrote: RUN forwards the core's weights (decoded from its memory words), TRAIN adds
 * sgl_fixed_grad_backward's gradient with the engine registers' out_frac, s_rec, k and reset
 * mode and the written gamma_q, UPDATE runs sgl_fixed_update_tensor on each tensor with the
 * registers' step shifts, decay, b2 and row_norm, the masters and momenta decoded from the
 * engine's words and the PCG32 state from its registers, and writes asr(master, 8) into the
 * core's words; TREG STATUS bit 1 says a gradient sum left GRAD_W bits (sticky until UPDATE);
 * a retry of a carried-out write (the last request's seq again) gets DUP. The state outlives a
 * connection, as a powered board's does. One layer; the shape of the net comes from a model
 * file (the run's --from). Header-only, one includer. */
#ifndef SGLIF_TESTS_SOFT_BOARD_H
#define SGLIF_TESTS_SOFT_BOARD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "core_map.h"
#include "device.h"
#include "device_model.h"
#include "fixed.h"
#include "fixed_train.h"
#include "link.h"
#include "model.h"
#include "sglif_core_map.h"
#include "sglif_protocol.h"

typedef struct {
    int N, N_IN, C, P, H, E_N, E_IN, GRAD_W, EV_LOG2;
    sgl_dev_model m;       /* the core's model memories (images) */
    sgl_fixed_net ref, q;  /* the model's shape and registers; q: the weights of the core */
    uint16_t *tw, *twmom, *tout, *tunit, treg[32];
    uint32_t ntw, ntout, ntunit;
    int enw, cw, xw;
    sgl_fixed_trace tr;    /* the latest RUN */
    int pred, have_run, n_ev;
    uint16_t ev_t[4096], ev_u[4096];
    sgl_fixed_grad g;
    sgl_fixed_master M;
    uint32_t st[5];        /* samples, correct, saturations, clamped, cycles */
    long trains, updates, conn_updates;
    /* the link's and the host's bad days (0: none): the reply to the lose_train-th TRAIN and
     * to the lose_update-th UPDATE lost (the host's retry, same seq, gets DUP); after the
     * kill_train-th TRAIN, the process whose pid kill_pidfile holds killed (SIGKILL) and no
     * reply. Faults for the self-tests: dup_fault carries a retry out again instead of DUP;
     * keep_sums makes a connection's first UPDATE (the host's zeroing one) do nothing. */
    long lose_train, lose_update, kill_train;
    char kill_pidfile[256];
    int dup_fault, keep_sums;
} soft_board;

static int sb_clog2(int x)
{
    int b = 0;
    while ((1 << b) < x)
        b++;
    return b;
}

static int32_t sb_sext(uint16_t v, int bits)
{
    int32_t x = v & ((1 << bits) - 1);
    return x >= 1 << (bits - 1) ? x - (1 << bits) : x;
}

static void sb_record(void *ctx, int layer, int t, int n, const int16_t *v, const uint8_t *z,
                      const uint16_t *code)
{
    (void)v;
    sgl_fixed_trace *tr = ctx;
    memcpy(tr->z[layer] + (size_t)t * (size_t)n, z, (size_t)n);
    memcpy(tr->code[layer] + (size_t)t * (size_t)n, code, (size_t)n * sizeof *code);
}

static void sb_image_write(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    sgl_dev_model *m = ctx;
    if (sel == SGL_SEL_WOUT)
        data = (uint16_t)(int16_t)(int8_t)(data & 0xFF);
    if (m->img[sel] && addr < m->depth[sel])
        m->img[sel][addr] = data;
}

/* The board for the net of model (quantized as device train --from quantizes it). */
static void sb_init(soft_board *b, const char *model, int N, int N_IN, int C, int H, int E_N,
                    int E_IN)
{
    memset(b, 0, sizeof *b);
    b->N = N, b->N_IN = N_IN, b->C = C, b->P = 8, b->H = H, b->E_N = E_N, b->E_IN = E_IN;
    b->GRAD_W = 48, b->EV_LOG2 = 10;
    sgl_net net;
    cr_assert_eq(sgl_model_load(model, &net, NULL), 0, "%s", sgl_errmsg());
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    cr_assert_eq(sgl_fixed_quantize(&net, &b->ref, &fo, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_quantize(&net, &b->q, &fo, NULL), 0, "%s", sgl_errmsg());
    sgl_net_free(&net);
    cr_assert_eq(b->ref.n_layers, 1);
    cr_assert_eq(sgl_core_shape_init(&b->m.cs, N, N_IN, C, b->P, 1, 256, 0), 0, "%s",
                 sgl_errmsg());
    for (int k = 0; k < SGL_DEV_MODEL_NSEL; k++) {
        int s = sgl_dev_model_sels[k];
        b->m.depth[s] = sgl_core_depth(&b->m.cs, s);
        b->m.img[s] = calloc(b->m.depth[s], 2);
    }
    b->enw = sb_clog2(E_N), b->cw = sb_clog2(C), b->xw = b->enw > b->cw ? b->enw : b->cw;
    b->ntw = (uint32_t)(E_IN + E_N) << b->enw;
    b->ntout = ((uint32_t)E_N << b->cw) * 2;
    b->ntunit = ((uint32_t)2 << b->xw) * 8;
    b->tw = calloc(b->ntw, 2), b->twmom = calloc(b->ntw, 2);
    b->tout = calloc(b->ntout, 2), b->tunit = calloc(b->ntunit, 2);
    b->treg[SGL_TREG_GF] = 16;
    size_t k = (size_t)b->ref.n_steps * (size_t)b->ref.layer[0].n;
    b->tr.z[0] = calloc(k, 1), b->tr.code[0] = calloc(k, 2);
    cr_assert_eq(sgl_fixed_grad_init(&b->g, &b->ref, NULL, 16), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_fixed_master_init(&b->M, &b->ref), 0, "%s", sgl_errmsg());
}

/* the engine's words <-> the masters and momenta of M (to 1: into the words) */
static void sb_master_io(soft_board *b, int to)
{
    const int n = b->ref.layer[0].n, nin = b->ref.n_in, C = b->ref.n_out;
    for (int part = 0; part < 2; part++) {
        int rows = part ? n : nin;
        uint32_t row0 = part ? (uint32_t)b->E_IN : 0;
        int16_t *w = part ? b->M.w_rec[0] : b->M.w_in[0], *mo = part ? b->M.m_rec[0] : b->M.m_in[0];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++) {
                uint32_t a = (row0 + (uint32_t)r) << b->enw | (uint32_t)i;
                size_t x = (size_t)r * (size_t)n + (size_t)i;
                if (to)
                    b->tw[a] = (uint16_t)w[x], b->twmom[a] = (uint16_t)mo[x];
                else
                    w[x] = (int16_t)b->tw[a], mo[x] = (int16_t)b->twmom[a];
            }
    }
    for (int i = 0; i < n; i++)
        for (int c = 0; c < C; c++) {
            uint32_t a = ((uint32_t)i << b->cw | (uint32_t)c) * 2;
            size_t x = (size_t)i * (size_t)C + (size_t)c;
            if (to)
                b->tout[a] = (uint16_t)b->M.w_out[x], b->tout[a + 1] = (uint16_t)b->M.m_out[x];
            else
                b->M.w_out[x] = (int16_t)b->tout[a], b->M.m_out[x] = (int16_t)b->tout[a + 1];
        }
    for (int k = 0; k < 2; k++)
        for (int x = 0; x < (k ? C : n); x++) {
            uint16_t *u = b->tunit + ((size_t)k << b->xw | (size_t)x) * 8;
            int32_t *bm = k ? &b->M.b_out[x] : &b->M.bias[0][x];
            int16_t *bmo = k ? &b->M.m_bout[x] : &b->M.m_bias[0][x];
            if (to) {
                u[0] = (uint16_t)((uint32_t)*bm & 0xFFFF), u[1] = (uint16_t)((uint32_t)*bm >> 16);
                u[2] = (uint16_t)*bmo;
            } else {
                *bm = (int32_t)((uint32_t)u[0] | (uint32_t)u[1] << 16);
                *bmo = (int16_t)u[2];
            }
        }
}

/* A memory select's words: the core's images or the engine's arrays; NULL if none. */
static uint16_t *sb_mem(soft_board *b, int sel, uint32_t *depth)
{
    switch (sel) {
    case SGL_SEL_TW: *depth = b->ntw; return b->tw;
    case SGL_SEL_TWMOM: *depth = b->ntw; return b->twmom;
    case SGL_SEL_TOUT: *depth = b->ntout; return b->tout;
    case SGL_SEL_TUNIT: *depth = b->ntunit; return b->tunit;
    case SGL_SEL_TREG: *depth = 32; return b->treg;
    default:
        if (sel >= 0 && sel < SGL_N_SEL && b->m.img[sel]) {
            *depth = b->m.depth[sel];
            return b->m.img[sel];
        }
        return NULL;
    }
}

static uint16_t sb_rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void sb_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* 1 if a gradient sum of the batch has left GRAD_W bits (signed), as the engine's accumulation
 * flags it in TREG STATUS bit 1. */
static int sb_wide(const soft_board *b)
{
    const int64_t lim = (int64_t)1 << (b->GRAD_W - 1);
    const size_t n = (size_t)b->ref.layer[0].n, nin = (size_t)b->ref.n_in, C = (size_t)b->ref.n_out;
    const int64_t *t[] = {b->g.w_in[0], b->g.w_rec[0], b->g.bias[0], b->g.w_out, b->g.b_out};
    const size_t len[] = {nin * n, n * n, n, n * C, C};
    for (int k = 0; k < 5; k++)
        for (size_t i = 0; i < len[k]; i++)
            if (t[k][i] >= lim || t[k][i] < -lim)
                return 1;
    return 0;
}

/* One request: the status; the reply's payload into out, its length into *olen. */
static int sb_handle(soft_board *b, int cmd, const uint8_t *p, int len, uint8_t *out, int *olen)
{
    const int n = b->ref.layer[0].n, T = b->ref.n_steps, C = b->ref.n_out;
    *olen = 0;
    if (cmd == SGL_CMD_IDENTIFY) {
        const uint16_t f[] = {SGL_PROTOCOL_VERSION, (uint16_t)b->P, 1, (uint16_t)b->N,
                              (uint16_t)b->N_IN, (uint16_t)C, (uint16_t)b->H, 256, 1024};
        for (int i = 0; i < 9; i++)
            out[2 * i] = (uint8_t)f[i], out[2 * i + 1] = (uint8_t)(f[i] >> 8);
        sb_put32(out + 18, 36000000);
        const uint16_t e[] = {1, (uint16_t)b->E_N, (uint16_t)b->E_IN, 8, (uint16_t)b->GRAD_W,
                              (uint16_t)b->EV_LOG2};
        for (int i = 0; i < 6; i++)
            out[22 + 2 * i] = (uint8_t)e[i], out[23 + 2 * i] = (uint8_t)(e[i] >> 8);
        *olen = 34;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_WRITE_MEM || cmd == SGL_CMD_READ_MEM) {
        if (len < (cmd == SGL_CMD_WRITE_MEM ? 6 : 8))
            return SGL_ST_ERR_LEN;
        uint32_t depth = 0, addr = (uint32_t)sb_rd16(p + 2) | (uint32_t)sb_rd16(p + 4) << 16;
        uint16_t *w = sb_mem(b, p[0], &depth);
        uint32_t k = cmd == SGL_CMD_WRITE_MEM ? (uint32_t)(len - 6) / 2 : sb_rd16(p + 6);
        if (!w || addr + k > depth)
            return SGL_ST_ERR_ADDR;
        for (uint32_t i = 0; i < k; i++) {
            if (cmd == SGL_CMD_READ_MEM) {
                out[2 * i] = (uint8_t)w[addr + i], out[2 * i + 1] = (uint8_t)(w[addr + i] >> 8);
                continue;
            }
            uint16_t v = sb_rd16(p + 6 + 2 * i);
            if (p[0] == SGL_SEL_WOUT)
                v = (uint16_t)(int16_t)(int8_t)(v & 0xFF);
            if (!(p[0] == SGL_SEL_TREG &&
                  (addr + i == SGL_TREG_GF || addr + i == SGL_TREG_STATUS)))
                w[addr + i] = v;
        }
        *olen = cmd == SGL_CMD_READ_MEM ? (int)(2 * k) : 0;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_MODEL_CRC) {
        sb_put32(out, sgl_dev_model_image_crc(&b->m));
        *olen = 4;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_RUN) { /* the whole sample in one RUN, cleared first */
        int at = 2, t = 0;
        b->n_ev = 0;
        if (len < 2 || !(p[0] & 1))
            return SGL_ST_ERR_LEN;
        for (; at + 2 <= len; t++) {
            int k = sb_rd16(p + at);
            at += 2;
            for (int j = 0; j < k && at + 2 <= len; j++, at += 2) {
                b->ev_t[b->n_ev] = (uint16_t)t;
                b->ev_u[b->n_ev++] = sb_rd16(p + at);
            }
        }
        if (t != T || at != len)
            return SGL_ST_ERR_LEN;
        if (sgl_dev_model_unload(&b->m, &b->ref, &b->q))
            return SGL_ST_ERR_ADDR;
        sgl_sample s = {b->n_ev, b->ev_t, b->ev_u, 0};
        if (sgl_fixed_forward(&b->q, &s, &b->pred, NULL, NULL, sb_record, &b->tr))
            return SGL_ST_ERR_ADDR;
        b->have_run = 1;
        sb_put32(out, 1000u + (uint32_t)b->n_ev);
        *olen = 4;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_READ_HISTORY) { /* the host path's read-back */
        int t = sb_rd16(p + 2), first = sb_rd16(p + 4), k = sb_rd16(p + 6), zb = (k + 7) / 8;
        if (len != 8 || p[0] || !b->have_run || t >= T || first + k > n || k < 1)
            return SGL_ST_ERR_ADDR;
        memset(out, 0, (size_t)zb);
        for (int j = 0; j < k; j++) {
            size_t x = (size_t)t * (size_t)n + (size_t)(first + j);
            out[j / 8] |= (uint8_t)(b->tr.z[0][x] << (j % 8));
            out[zb + 2 * j] = (uint8_t)b->tr.code[0][x];
            out[zb + 2 * j + 1] = (uint8_t)(b->tr.code[0][x] >> 8);
        }
        *olen = zb + 2 * k;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_READ_OUTPUT) {
        memset(out, 0, (size_t)(2 + 4 * C));
        out[0] = (uint8_t)b->pred;
        *olen = 2 + 4 * C;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_TRAIN) {
        if (len != 2)
            return SGL_ST_ERR_LEN;
        if (!b->have_run || p[0] > b->treg[SGL_TREG_C_LAST])
            return SGL_ST_ERR_ADDR;
        /* the backward with the engine's registers and gamma_q */
        sgl_fixed_net *q = &b->q;
        q->out_frac = sb_sext(b->treg[SGL_TREG_OUT_FRAC], SGL_TREG_OUT_FRAC_BITS);
        q->layer[0].sh_rec = q->v_frac - sb_sext(b->treg[SGL_TREG_S_REC], SGL_TREG_S_REC_BITS);
        q->decay_shift = b->treg[SGL_TREG_K] & 15;
        q->reset = b->treg[SGL_TREG_RESET] & 1 ? SGL_RESET_MULT : SGL_RESET_SUB;
        for (int i = 0; i < n; i++) {
            const uint16_t *u = b->tunit + (size_t)i * 8;
            b->g.gamma_q[0][i] = (int32_t)((uint32_t)u[4] | (uint32_t)u[5] << 16);
        }
        long sat0 = b->g.saturations;
        int c0 = b->g.correct;
        sgl_sample s = {b->n_ev, b->ev_t, b->ev_u, p[0]};
        int rc = sgl_fixed_grad_backward(&b->g, q, &s, &b->tr, b->pred);
        q->out_frac = b->ref.out_frac, q->layer[0].sh_rec = b->ref.layer[0].sh_rec;
        q->decay_shift = b->ref.decay_shift, q->reset = b->ref.reset;
        if (rc)
            return SGL_ST_ERR_ADDR;
        if (sb_wide(b))
            b->treg[SGL_TREG_STATUS] |= 2; /* sticky until UPDATE */
        b->st[0]++;
        b->st[1] += (uint32_t)(b->g.correct - c0);
        b->st[2] += (uint32_t)(b->g.saturations - sat0);
        b->st[4] += 5000;
        b->trains++;
        sb_put32(out, 5000);
        *olen = 4;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_UPDATE) {
        int32_t lr = sb_rd16(p);
        if (len != 2)
            return SGL_ST_ERR_LEN;
        if (lr == 0)
            return SGL_ST_ERR_ADDR;
        if (b->keep_sums && b->conn_updates++ == 0)
            return SGL_ST_OK; /* the fault: the sums outlive the zeroing UPDATE */
        if (b->treg[SGL_TREG_N_LAST] != n - 1 || b->treg[SGL_TREG_IN_LAST] != b->ref.n_in - 1 ||
            b->treg[SGL_TREG_C_LAST] != C - 1) /* (a real engine would use them as they are) */
            return SGL_ST_ERR_ADDR;
        sb_master_io(b, 0);
        sgl_rng r = {0, 0};
        for (int i = 0; i < 4; i++) {
            r.state |= (uint64_t)b->treg[SGL_TREG_RNG_STATE0 + i] << (16 * i);
            r.inc |= (uint64_t)b->treg[SGL_TREG_RNG_INC0 + i] << (16 * i);
        }
        const int wd = b->treg[SGL_TREG_WD] & 15, rn = b->treg[SGL_TREG_ROW_NORM] & 1,
                  b2 = b->treg[SGL_TREG_B2] & 15;
#define SB_S(reg) sb_sext(b->treg[SGL_TREG_##reg], SGL_TREG_##reg##_BITS)
        long clamped = 0;
        sgl_fixed_layer *L = &b->q.layer[0];
        sgl_fixed_update_tensor(b->M.w_in[0], b->M.m_in[0], L->w_in, (size_t)L->n_pre, (size_t)n,
                                b->g.w_in[0], SB_S(S_WIN), wd, 0, 0, rn, b2, lr, &r, &clamped,
                                b->M.nu);
        sgl_fixed_update_tensor(b->M.w_rec[0], b->M.m_rec[0], L->w_rec, (size_t)n, (size_t)n,
                                b->g.w_rec[0], SB_S(S_WREC), wd, 0, 1, rn, b2, lr, &r, &clamped,
                                b->M.nu);
        sgl_fixed_update_tensor(b->M.bias[0], b->M.m_bias[0], L->bias, 1, (size_t)n,
                                b->g.bias[0], SB_S(S_BIAS), 0, 1, 0, rn, b2, lr, &r, &clamped,
                                b->M.nu);
        sgl_fixed_update_tensor(b->M.w_out, b->M.m_out, b->q.w_out, (size_t)n, (size_t)C,
                                b->g.w_out, SB_S(S_WOUT), wd, 0, 0, rn, b2, lr, &r, &clamped,
                                b->M.nu);
        sgl_fixed_update_tensor(b->M.b_out, b->M.m_bout, b->q.b_out, 1, (size_t)C, b->g.b_out,
                                SB_S(S_BOUT), 0, 1, 0, rn, b2, lr, &r, &clamped, b->M.nu);
#undef SB_S
        sgl_fixed_master_weights(&b->q, &b->M);
        sb_master_io(b, 1);
        for (int i = 0; i < 4; i++) {
            b->treg[SGL_TREG_RNG_STATE0 + i] = (uint16_t)(r.state >> (16 * i));
            b->treg[SGL_TREG_RNG_INC0 + i] = (uint16_t)(r.inc >> (16 * i));
        }
        sgl_core_load(&b->m.cs, &b->q, 1, sb_image_write, &b->m);
        sgl_fixed_grad_zero(&b->g, &b->q);
        b->treg[SGL_TREG_STATUS] = 0;
        b->st[3] += (uint32_t)clamped;
        b->st[4] += 20000;
        b->updates++;
        sb_put32(out, 20000);
        *olen = 4;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_READ_STATS) {
        if (len != 2)
            return SGL_ST_ERR_LEN;
        for (int i = 0; i < 5; i++)
            sb_put32(out + 4 * i, b->st[i]);
        if (p[0] & 1)
            memset(b->st, 0, sizeof b->st);
        *olen = 20;
        return SGL_ST_OK;
    }
    if (cmd == SGL_CMD_SOFT_RESET)
        return SGL_ST_OK;
    return SGL_ST_ERR_CMD;
}

/* Serve connections one after the other on a loopback port, forever (a child process). */
static void sb_serve(soft_board *b, int lfd)
{
    static uint8_t pay[65536], out[65536 + 16], frame[65536 + 32], buf[4096];
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        sgl_link_decoder dec;
        sgl_link_decoder_init(&dec, pay, 65535);
        /* the last request's seq (this soft board forgets it with the connection; a powered
         * board keeps it, and a new host program starts from another seq) */
        int last_seq = -1;
        b->conn_updates = 0;
        long k;
        while ((k = read(fd, buf, sizeof buf)) > 0)
            for (long i = 0; i < k; i++)
                if (sgl_link_feed(&dec, buf[i]) == SGL_LINK_FRAME) {
                    int olen = 0, st, lost = 0;
                    const int mut = dec.code == SGL_CMD_WRITE_MEM || dec.code == SGL_CMD_RUN ||
                                    dec.code == SGL_CMD_SOFT_RESET ||
                                    dec.code == SGL_CMD_TRAIN || dec.code == SGL_CMD_UPDATE;
                    if (mut && dec.seq == last_seq && !b->dup_fault)
                        st = SGL_ST_DUP; /* a retry of what was carried out: not again */
                    else {
                        const long t0 = b->trains, u0 = b->updates;
                        st = sb_handle(b, dec.code, pay, dec.len, out, &olen);
                        lost = (b->trains > t0 && b->trains == b->lose_train) ||
                               (b->updates > u0 && b->updates == b->lose_update);
                        if (b->trains > t0 && b->trains == b->kill_train) {
                            FILE *f = fopen(b->kill_pidfile, "r");
                            int pid = 0;
                            if (f && fscanf(f, "%d", &pid) == 1 && pid > 0)
                                kill(pid, SIGKILL);
                            if (f)
                                fclose(f);
                            lost = 1;
                        }
                    }
                    last_seq = dec.seq;
                    if (lost)
                        continue;
                    size_t fl = sgl_link_encode(frame, (uint8_t)st, dec.seq, out,
                                                (uint16_t)(st == SGL_ST_OK ? olen : 0));
                    if (write(fd, frame, fl) != (ssize_t)fl)
                        break;
                }
        close(fd);
    }
}

/* Start the soft board in a child process; its port name (tcp:127.0.0.1:P) into port. */
static pid_t sb_start(soft_board *b, char *port, size_t n)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(lfd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(lfd, 4), 0);
    cr_assert_eq(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
    snprintf(port, n, "tcp:127.0.0.1:%d", ntohs(a.sin_port));
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        sb_serve(b, lfd);
        _exit(0);
    }
    close(lfd);
    return pid;
}

#endif
