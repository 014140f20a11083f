/* SPDX-License-Identifier: MIT */
/* The core's memory map, host side (core_map.h, docs/rtl.md). */
#include "core_map.h"

#include "common.h"

static int clog2(int x)
{
    int b = 0;
    while ((1L << b) < x)
        b++;
    return b > 0 ? b : 1;
}

static int ilog2(int x)
{
    int b = 0;
    while (x > 1) {
        x >>= 1;
        b++;
    }
    return b;
}

int sgl_core_shape_init(sgl_core_shape *s, int n, int n_in, int n_out, int p, int l,
                        int sg_entries, int ev_entries)
{
    if (p < 1 || p > 64 || (p & (p - 1)) || n < 2 * p || n % p || n > 65536 || n_in < 2 ||
        n_out < 2 || l < 1 || l > 2 || sg_entries < 0 || (sg_entries & (sg_entries - 1)))
        return sgl_fail(SGL_EUSAGE, "core shape N %d, N_IN %d, N_OUT %d, P %d, L %d, %d SG "
                        "entries is not one the RTL takes", n, n_in, n_out, p, l, sg_entries);
    s->n = n, s->n_in = n_in, s->n_out = n_out, s->p = p, s->l = l;
    s->sg_entries = sg_entries, s->ev_entries = ev_entries;
    s->nw = clog2(n), s->cw = clog2(n_out), s->gw = s->nw - ilog2(p);
    s->nb = p > 1 ? p / 2 : 1, s->bb = ilog2(s->nb), s->lb = l > 1;
    s->rw = clog2(n_in + n + (l - 1) * 2 * n);
    return 0;
}

uint32_t sgl_core_depth(const sgl_core_shape *s, int sel)
{
    switch (sel) {
    case SGL_SEL_W: return 1u << (s->rw + s->gw + s->bb);
    case SGL_SEL_BIAS: return 1u << (s->lb + s->nw);
    case SGL_SEL_SG: return (uint32_t)s->sg_entries;
    case SGL_SEL_REG: return SGL_N_REG;
    case SGL_SEL_EV: return (uint32_t)s->ev_entries;
    case SGL_SEL_WOUT: return 1u << (s->nw + s->cw);
    case SGL_SEL_BOUT: return (uint32_t)s->n_out;
    default: return 0;
    }
}

int sgl_core_fits(const sgl_core_shape *s, const sgl_fixed_net *q)
{
    if (q->n_layers > s->l)
        return sgl_fail(SGL_EUSAGE, "%d layers, the core has %d", q->n_layers, s->l);
    if (q->n_in > s->n_in)
        return sgl_fail(SGL_EUSAGE, "%d inputs, the core has %d", q->n_in, s->n_in);
    for (int l = 0; l < q->n_layers; l++)
        if (q->layer[l].n > s->n)
            return sgl_fail(SGL_EUSAGE, "layer %d has %d neurons, the core %d", l + 1,
                            q->layer[l].n, s->n);
    if (q->n_out > s->n_out)
        return sgl_fail(SGL_EUSAGE, "%d classes, the core has %d", q->n_out, s->n_out);
    if (q->sg_entries > s->sg_entries)
        return sgl_fail(SGL_EUSAGE, "an SG table of %d entries, the core has %d",
                        q->sg_entries, s->sg_entries);
    return 0;
}

uint64_t sgl_core_layer_cycles(int p, int n, uint64_t ops)
{
    uint64_t c = ops > 1 ? ops : 1, P = (uint64_t)p, ng = (uint64_t)((n + p - 1) / p);
    uint64_t m = (uint64_t)n - (ng - 1) * P;
    return (ng - 1) * (c > P ? c : P) + c + m - 1 + SGL_LAYER_OVERHEAD;
}

uint64_t sgl_core_step_fixed(int n_out, int scan)
{
    return SGL_STEP_FIXED +
           (scan ? (uint64_t)SGL_STEP_PER_CLASS * (uint64_t)n_out + SGL_STEP_SCAN_FIXED : 0);
}

uint64_t sgl_core_clear_cycles(int n0, int n1)
{
    return (uint64_t)n0 + (uint64_t)n1 + SGL_CLEAR_FIXED;
}

uint64_t sgl_cmd_cycles(uint64_t len)
{
    return SGL_CMD_FIXED + SGL_CMD_HDR_BYTE * (len < 8 ? len : 8);
}

uint64_t sgl_run_cycles(uint64_t len, uint64_t steps, uint64_t core, int clear, uint64_t clear_core)
{
    return sgl_cmd_cycles(len) + (SGL_RUN_CHECK_BYTE + SGL_RUN_BYTE) * (len - 2) +
           SGL_RUN_CHECK_FIXED + SGL_RUN_FIXED +
           (clear ? clear_core + SGL_RUN_CLEAR_EXTRA : 0) + core + steps * SGL_RUN_STEP_EXTRA;
}

int sgl_core_row_in(const sgl_core_shape *s, int l) { return l == 0 ? 0 : s->n_in + s->n; }
int sgl_core_row_rec(const sgl_core_shape *s, int l)
{
    return l == 0 ? s->n_in : s->n_in + 2 * s->n;
}

void sgl_core_write_rows(const sgl_core_shape *s, int row0, int nrows, int n, const int8_t *w,
                         sgl_core_write_fn f, void *ctx)
{
    int P = s->p, ng = (n + P - 1) / P;
    for (int r = 0; r < nrows; r++)
        for (int g = 0; g < ng; g++)
            for (int b = 0; b < s->nb; b++) {
                int i = g * P + 2 * b;
                uint16_t lo = i < n ? (uint8_t)w[(size_t)r * (size_t)n + (size_t)i] : 0;
                uint16_t hi = P > 1 && i + 1 < n ? (uint8_t)w[(size_t)r * (size_t)n + (size_t)i + 1] : 0;
                uint32_t addr = ((uint32_t)(row0 + r) << s->gw | (uint32_t)g) * (uint32_t)s->nb +
                                (uint32_t)b;
                f(ctx, SGL_SEL_W, addr, (uint16_t)(lo | hi << 8));
            }
}

void sgl_core_load(const sgl_core_shape *s, const sgl_fixed_net *q, int write_sg,
                   sgl_core_write_fn f, void *ctx)
{
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *Ly = &q->layer[l];
        sgl_core_write_rows(s, sgl_core_row_in(s, l), Ly->n_pre, Ly->n, Ly->w_in, f, ctx);
        sgl_core_write_rows(s, sgl_core_row_rec(s, l), Ly->n, Ly->n, Ly->w_rec, f, ctx);
        for (int i = 0; i < Ly->n; i++)
            f(ctx, SGL_SEL_BIAS, (uint32_t)((s->lb ? l << s->nw : 0) | i), (uint16_t)Ly->bias[i]);
        f(ctx, SGL_SEL_REG, l == 0 ? SGL_REG_SH_IN : SGL_REG_SH_IN1, (uint16_t)Ly->sh_in);
        f(ctx, SGL_SEL_REG, l == 0 ? SGL_REG_SH_REC : SGL_REG_SH_REC1, (uint16_t)Ly->sh_rec);
        f(ctx, SGL_SEL_REG, l == 0 ? SGL_REG_N_LAST : SGL_REG_N_LAST1, (uint16_t)(Ly->n - 1));
    }
    f(ctx, SGL_SEL_REG, SGL_REG_LAYERS, (uint16_t)(q->n_layers - 1));
    if (write_sg)
        for (int x = 0; x < q->sg_entries; x++)
            f(ctx, SGL_SEL_SG, (uint32_t)x, q->sg_code[x]);
    f(ctx, SGL_SEL_REG, SGL_REG_THETA, (uint16_t)q->theta);
    f(ctx, SGL_SEL_REG, SGL_REG_K, (uint16_t)q->decay_shift);
    f(ctx, SGL_SEL_REG, SGL_REG_SG_SHIFT, (uint16_t)q->sg_shift);
    f(ctx, SGL_SEL_REG, SGL_REG_SG_LOG2, (uint16_t)ilog2(q->sg_entries));
    f(ctx, SGL_SEL_REG, SGL_REG_RESET, q->reset == SGL_RESET_MULT ? 1 : 0);
    int n = q->layer[q->n_layers - 1].n, C = q->n_out;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < C; c++)
            f(ctx, SGL_SEL_WOUT, (uint32_t)(i << s->cw | c), (uint8_t)q->w_out[i * C + c]);
    for (int c = 0; c < C; c++)
        f(ctx, SGL_SEL_BOUT, (uint32_t)c, (uint16_t)q->b_out[c]);
    f(ctx, SGL_SEL_REG, SGL_REG_C_LAST, (uint16_t)(C - 1));
}
