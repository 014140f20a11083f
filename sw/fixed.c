/* SPDX-License-Identifier: MIT */
/* The fixed-point twin (docs/numerics.md): quantization of a float network and the
 * integer-only forward pass that the RTL must match bit for bit. The forward uses no floating
 * point; quantization (host side) does. */
#include "fixed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sgl_fixed_opts_default(sgl_fixed_opts *o)
{
    memset(o, 0, sizeof *o);
    o->theta_log2 = 10;
    o->decay_shift = 0;
    o->sg_entries = 256;
    o->sg_bits = 8;
    o->sg_range = 0;
}

void sgl_fixed_free(sgl_fixed_net *q)
{
    if (!q)
        return;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        free(q->layer[l].w_in);
        free(q->layer[l].w_rec);
        free(q->layer[l].bias);
    }
    free(q->w_out);
    free(q->b_out);
    free(q->sg_code);
    memset(q, 0, sizeof *q);
}

int sgl_fixed_alloc(sgl_fixed_net *q, int n_in, int n_layers, const int *n_hidden, int n_out,
                    int n_steps, int sg_entries)
{
    static const char where[] = "sgl_fixed_alloc";
    memset(q, 0, sizeof *q);
    if (n_in < 1 || n_in > 65536 || n_layers < 1 || n_layers > SGL_MAX_LAYERS || n_out < 2 ||
        n_out > 65536 || n_steps < 1 || n_steps > 65535)
        return sgl_fail(SGL_EUSAGE,
                        "%s: sizes out of range (inputs %d, layers %d, classes %d, steps %d)",
                        where, n_in, n_layers, n_out, n_steps);
    if (sg_entries < 2 || sg_entries > 65536 || (sg_entries & (sg_entries - 1)))
        return sgl_fail(SGL_EUSAGE, "%s: %d SG entries; must be a power of two in 2..65536",
                        where, sg_entries);
    q->n_in = n_in;
    q->n_layers = n_layers;
    q->n_out = n_out;
    q->n_steps = n_steps;
    q->reset = SGL_RESET_SUB;
    q->v_frac = 13;
    q->theta = 1 << 13;
    q->decay_shift = 4;
    q->sg_entries = sg_entries;
    q->sg_bits = 8;
    q->sg_shift = 0;
    q->sg_lo = -(sg_entries / 2);
    int pre = n_in, ok = 1;
    for (int l = 0; l < n_layers; l++) {
        int n = n_hidden[l];
        if (n < 1 || n > 65536) {
            sgl_fixed_free(q);
            return sgl_fail(SGL_EUSAGE, "%s: layer %d width %d out of range 1..65536", where,
                            l + 1, n);
        }
        sgl_fixed_layer *L = &q->layer[l];
        L->n_pre = pre;
        L->n = n;
        ok &= (L->w_in = sgl_calloc((size_t)pre * (size_t)n, 1)) != NULL;
        ok &= (L->w_rec = sgl_calloc((size_t)n * (size_t)n, 1)) != NULL;
        ok &= (L->bias = sgl_calloc((size_t)n, sizeof(int16_t))) != NULL;
        pre = n;
    }
    ok &= (q->w_out = sgl_calloc((size_t)pre * (size_t)n_out, 1)) != NULL;
    ok &= (q->b_out = sgl_calloc((size_t)n_out, sizeof(int16_t))) != NULL;
    ok &= (q->sg_code = sgl_calloc((size_t)sg_entries, sizeof(uint16_t))) != NULL;
    if (!ok) {
        sgl_fixed_free(q);
        return sgl_fail(SGL_ENOMEM, "%s: out of memory", where);
    }
    return 0;
}

/* Everything but the scans of the arrays (done once per forward). */
static int check_shape(const sgl_fixed_net *q)
{
    static const char where[] = "fixed-point net";
    if (q->n_layers < 1 || q->n_layers > SGL_MAX_LAYERS || q->n_out < 2 || q->n_steps < 1 ||
        q->n_steps > 65535 || q->n_in < 1)
        return sgl_fail(SGL_EUSAGE, "%s: bad sizes (layers %d, classes %d, steps %d)", where,
                        q->n_layers, q->n_out, q->n_steps);
    if (q->reset != SGL_RESET_SUB && q->reset != SGL_RESET_MULT)
        return sgl_fail(SGL_EUSAGE, "%s: unknown reset mode %d", where, (int)q->reset);
    if (q->theta < 1 || q->theta > SGL_FIXED_VMAX)
        return sgl_fail(SGL_EUSAGE, "%s: threshold %ld outside 1..32767", where, (long)q->theta);
    if (q->decay_shift < 1 || q->decay_shift > SGL_FIXED_MAX_SHIFT)
        return sgl_fail(SGL_EUSAGE, "%s: decay shift %d outside 1..15", where, q->decay_shift);
    if (q->sg_entries < 2 || q->sg_entries > 65536 || (q->sg_entries & (q->sg_entries - 1)))
        return sgl_fail(SGL_EUSAGE, "%s: %d SG entries: not a power of two in 2..65536", where,
                        q->sg_entries);
    if (q->sg_bits < 1 || q->sg_bits > 16)
        return sgl_fail(SGL_EUSAGE, "%s: SG code width %d outside 1..16", where, q->sg_bits);
    if (q->sg_shift < 0 || q->sg_shift > SGL_FIXED_MAX_SHIFT)
        return sgl_fail(SGL_EUSAGE, "%s: SG shift %d outside 0..15", where, q->sg_shift);
    int64_t lo = -(((int64_t)q->sg_entries << q->sg_shift) / 2);
    if ((int64_t)q->sg_lo != lo)
        return sgl_fail(SGL_EUSAGE, "%s: SG table origin %ld, expected %lld", where,
                        (long)q->sg_lo, (long long)lo);
    int pre = q->n_in;
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        if (L->n_pre != pre || L->n < 1)
            return sgl_fail(SGL_EUSAGE, "%s: layer %d sizes %d x %d do not chain", where, l + 1,
                            L->n_pre, L->n);
        if (L->sh_in < 0 || L->sh_in > SGL_FIXED_MAX_SHIFT || L->sh_rec < 0 ||
            L->sh_rec > SGL_FIXED_MAX_SHIFT)
            return sgl_fail(SGL_EUSAGE, "%s: layer %d weight shifts %d, %d outside 0..15", where,
                            l + 1, L->sh_in, L->sh_rec);
        /* The current accumulator is int32: its worst case must stay below 2^30 so that
         * decayed membrane + current - theta cannot overflow either. */
        int sh = L->sh_in > L->sh_rec ? L->sh_in : L->sh_rec;
        double worst = 32768.0 + ((double)L->n_pre + L->n) * SGL_FIXED_WMAX * ldexp(1.0, sh);
        if (worst >= ldexp(1.0, 30))
            return sgl_fail(SGL_EUSAGE,
                            "%s: layer %d: worst-case current %.3g overflows the 2^30 bound "
                            "(fan-in %d, shift %d)",
                            where, l + 1, worst, L->n_pre + L->n, sh);
        pre = L->n;
    }
    double worst = (double)q->n_steps * (32768.0 + (double)pre * 128.0);
    if (worst >= ldexp(1.0, 31))
        return sgl_fail(SGL_EUSAGE, "%s: readout sum over %d steps of %d neurons may overflow "
                        "int32", where, q->n_steps, pre);
    return 0;
}

static int scan_i8(const int8_t *w, size_t n, const char *what, int l)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] < -SGL_FIXED_WMAX)
            return sgl_fail(SGL_EUSAGE, "fixed-point net: layer %d %s[%zu] = -128 (not used: "
                            "weights are -127..127)", l, what, i);
    return 0;
}

int sgl_fixed_check(const sgl_fixed_net *q)
{
    int rc = check_shape(q);
    if (rc)
        return rc;
    for (int i = 0; i < q->sg_entries; i++)
        if (q->sg_code[i] >> q->sg_bits)
            return sgl_fail(SGL_EUSAGE, "fixed-point net: SG code %u at entry %d exceeds %d bits",
                            (unsigned)q->sg_code[i], i, q->sg_bits);
    for (int l = 0; l < q->n_layers; l++) {
        const sgl_fixed_layer *L = &q->layer[l];
        if ((rc = scan_i8(L->w_in, (size_t)L->n_pre * (size_t)L->n, "W_in", l + 1)) ||
            (rc = scan_i8(L->w_rec, (size_t)L->n * (size_t)L->n, "W_rec", l + 1)))
            return rc;
    }
    int n_last = q->layer[q->n_layers - 1].n;
    return scan_i8(q->w_out, (size_t)n_last * (size_t)q->n_out, "W_out", q->n_layers);
}

/* ---------------------------------------------------------------------------------------- */
/* Quantization (host side, floating point)                                                  */

static double max_abs(const real *w, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)w[i]) > m)
            m = fabs((double)w[i]);
    return m;
}

static long clip_round(double x, long lo, long hi, long *clipped)
{
    double r = round(x);
    if (r > (double)hi) {
        (*clipped)++;
        return hi;
    }
    if (r < (double)lo) {
        (*clipped)++;
        return lo;
    }
    return (long)r;
}

/* Exponent e with max|w| 2^e <= 127, limited so that the shift v_frac - e is in 0..15.
 * Returns e; w_q = round(w 2^e). */
static int weight_exp(double m, int v_frac, int headroom, int *sh)
{
    int e = v_frac;
    if (m > 0) {
        e = (int)floor(log2(SGL_FIXED_WMAX / m));
        while (ldexp(m, e) > SGL_FIXED_WMAX + 0.5)
            e--;
        e -= headroom;
    }
    if (v_frac - e < 0)
        e = v_frac;
    if (v_frac - e > SGL_FIXED_MAX_SHIFT)
        e = v_frac - SGL_FIXED_MAX_SHIFT;
    *sh = v_frac - e;
    return e;
}

static double quant_tensor(const real *w, int8_t *out, size_t n, int e, long *clipped)
{
    double err = 0;
    /* products by powers of two are exact: the same values as ldexp, faster (QAT calls this
     * before every batch) */
    const double up = ldexp(1.0, e), down = ldexp(1.0, -e);
    for (size_t i = 0; i < n; i++) {
        long v = clip_round((double)w[i] * up, -SGL_FIXED_WMAX, SGL_FIXED_WMAX, clipped);
        out[i] = (int8_t)v;
        double d = fabs((double)w[i] - (double)v * down);
        if (d > err)
            err = d;
    }
    return err;
}

int sgl_fixed_decay_shift(double alpha, int given)
{
    if (given > 0)
        return given;
    int k = 1;
    for (int j = 2; j <= SGL_FIXED_MAX_SHIFT; j++)
        if (fabs(1.0 - ldexp(1.0, -j) - alpha) < fabs(1.0 - ldexp(1.0, -k) - alpha))
            k = j;
    return k;
}

int sgl_fixed_quantize(const sgl_net *net, sgl_fixed_net *q, const sgl_fixed_opts *o,
                       sgl_fixed_report *rep)
{
    static const char where[] = "sgl_fixed_quantize";
    const sgl_config *c = &net->cfg;
    sgl_fixed_report r;
    memset(&r, 0, sizeof r);
    memset(q, 0, sizeof *q);
    if (c->alif)
        return sgl_fail(SGL_EUSAGE, "%s: ALIF (adaptive threshold) is not in the hardware yet; "
                        "the fixed-point twin takes LIF models only", where);
    if (c->sg.shape < 0 || c->sg.shape >= SGL_SG_N_SHAPES)
        return sgl_fail(SGL_EUSAGE, "%s: SG shape %d has no hardware table", where,
                        (int)c->sg.shape);
    if (o->theta_log2 < 1 || o->theta_log2 > 14)
        return sgl_fail(SGL_EUSAGE, "%s: theta_log2 %d outside 1..14", where, o->theta_log2);
    if (o->decay_shift < 0 || o->decay_shift > SGL_FIXED_MAX_SHIFT)
        return sgl_fail(SGL_EUSAGE, "%s: decay shift %d outside 0..15", where, o->decay_shift);
    if (!(o->sg_range >= 0) || !isfinite(o->sg_range))
        return sgl_fail(SGL_EUSAGE, "%s: SG range %g must be >= 0", where, o->sg_range);
    if (o->headroom < 0 || o->headroom > 7)
        return sgl_fail(SGL_EUSAGE, "%s: weight headroom %d outside 0..7", where, o->headroom);
    int rc = sgl_fixed_alloc(q, c->n_in, c->n_layers, c->n_hidden, c->n_out, c->n_steps,
                             o->sg_entries);
    if (rc)
        return rc;
    if (o->sg_bits < 1 || o->sg_bits > 16) {
        sgl_fixed_free(q);
        return sgl_fail(SGL_EUSAGE, "%s: SG code width %d outside 1..16", where, o->sg_bits);
    }
    q->reset = c->reset;
    /* Membrane scale: theta -> about 2^theta_log2 (within a factor sqrt 2). */
    q->v_frac = o->theta_log2 - (int)lround(log2(c->theta));
    long th = clip_round(ldexp(c->theta, q->v_frac), 1, SGL_FIXED_VMAX, &r.w_clipped);
    q->theta = (int32_t)th;
    /* Decay: alpha = 1 - 2^-k, k nearest in alpha unless given. */
    r.alpha = sgl_config_alpha(c);
    int k = sgl_fixed_decay_shift(r.alpha, o->decay_shift);
    q->decay_shift = k;
    r.alpha_q = 1.0 - ldexp(1.0, -k);
    /* Weights and biases. */
    for (int l = 0; l < c->n_layers; l++) {
        const sgl_layer *F = &net->layer[l];
        sgl_fixed_layer *L = &q->layer[l];
        size_t nin = (size_t)F->n_pre * (size_t)F->n, nrec = (size_t)F->n * (size_t)F->n;
        int e_in = weight_exp(max_abs(F->w_in, nin), q->v_frac, o->headroom, &L->sh_in);
        int e_rec = weight_exp(max_abs(F->w_rec, nrec), q->v_frac, o->headroom, &L->sh_rec);
        r.w_err_max[l][0] = quant_tensor(F->w_in, L->w_in, nin, e_in, &r.w_clipped);
        r.w_err_max[l][1] = quant_tensor(F->w_rec, L->w_rec, nrec, e_rec, &r.w_clipped);
        for (int i = 0; i < F->n; i++) {
            L->w_rec[(size_t)i * (size_t)F->n + (size_t)i] = 0;
            L->bias[i] = (int16_t)clip_round(ldexp((double)F->bias[i], q->v_frac),
                                             SGL_FIXED_VMIN, SGL_FIXED_VMAX, &r.w_clipped);
        }
    }
    /* Readout: its own scale (argmax does not depend on it). */
    int n_last = c->n_hidden[c->n_layers - 1];
    size_t nout = (size_t)n_last * (size_t)c->n_out;
    double m_out = max_abs(net->w_out, nout);
    int e_out = 0;
    if (m_out > 0) {
        e_out = (int)floor(log2(SGL_FIXED_WMAX / m_out));
        while (ldexp(m_out, e_out) > SGL_FIXED_WMAX + 0.5)
            e_out--;
        e_out -= o->headroom;
    }
    q->out_frac = e_out;
    r.w_out_err_max = quant_tensor(net->w_out, q->w_out, nout, e_out, &r.w_clipped);
    for (int k2 = 0; k2 < c->n_out; k2++)
        q->b_out[k2] = (int16_t)clip_round(ldexp((double)net->b_out[k2], e_out), SGL_FIXED_VMIN,
                                           SGL_FIXED_VMAX, &r.w_clipped);
    /* SG table: the half-width asked for (default: the shape's range, capped at the reachable
     * |v - theta| <= 2^15 + theta), rounded up to bins of 2^s membrane units. */
    double range = o->sg_range;
    if (range <= 0) {
        range = sgl_sg_lut_range(&c->sg, o->sg_bits);
        double reach = ldexp(32768.0 + (double)q->theta, -q->v_frac);
        if (range > reach)
            range = reach;
    }
    double bin = ldexp(2.0 * range, q->v_frac) / o->sg_entries;
    int s = bin > 1 ? (int)ceil(log2(bin)) : 0;
    if (s > SGL_FIXED_MAX_SHIFT)
        s = SGL_FIXED_MAX_SHIFT;
    q->sg_shift = s;
    q->sg_bits = o->sg_bits;
    q->sg_lo = (int32_t)(-(((int64_t)o->sg_entries << s) / 2));
    r.sg_range = ldexp(-(double)q->sg_lo, -q->v_frac);
    sgl_sg_lut lut;
    if ((rc = sgl_sg_lut_make(&lut, &c->sg, o->sg_entries, o->sg_bits, r.sg_range))) {
        sgl_fixed_free(q);
        return rc;
    }
    for (int i = 0; i < o->sg_entries; i++)
        q->sg_code[i] = (uint16_t)lut.code[i];
    sgl_sg_lut_free(&lut);
    if ((rc = sgl_fixed_check(q))) {
        sgl_fixed_free(q);
        return rc;
    }
    if (rep)
        *rep = r;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Integer-only forward                                                                      */

/* cur[0..n) += scale * sum of the rows w[row[0]], ..., w[row[m-1]] (each n int8, `stride`
 * apart). Four rows are summed before the scale is applied and the sum is added to cur: the
 * integer result is the same as adding scale * w row by row in any order (no intermediate
 * exceeds the accumulator bound that check_shape guarantees), with a quarter of the traffic
 * through cur. */
static void add_rows(int32_t *restrict cur, const int8_t *restrict w, size_t stride,
                     const int *restrict row, int m, int32_t scale, int n)
{
    int r = 0;
    for (; r + 4 <= m; r += 4) {
        const int8_t *w0 = w + (size_t)row[r] * stride, *w1 = w + (size_t)row[r + 1] * stride;
        const int8_t *w2 = w + (size_t)row[r + 2] * stride, *w3 = w + (size_t)row[r + 3] * stride;
        for (int i = 0; i < n; i++)
            cur[i] += ((int32_t)w0[i] + w1[i] + w2[i] + w3[i]) * scale;
    }
    for (; r < m; r++) {
        const int8_t *w0 = w + (size_t)row[r] * stride;
        for (int i = 0; i < n; i++)
            cur[i] += (int32_t)w0[i] * scale;
    }
}

/* The indices j < n with z[j] != 0, in order, into row; returns their count. Spikes are sparse:
 * eight z bytes are tested at once and skipped when all zero. */
static int spiking(const uint8_t *restrict z, int n, int *restrict row)
{
    int m = 0, j = 0;
    for (; j + 8 <= n; j += 8) {
        uint64_t any;
        memcpy(&any, z + j, sizeof any);
        if (any)
            for (int b = j; b < j + 8; b++)
                if (z[b])
                    row[m++] = b;
    }
    for (; j < n; j++)
        if (z[j])
            row[m++] = j;
    return m;
}

/* Step 2 of sgl_fixed_forward for the n neurons of a layer, the same arithmetic as
 *   u = sgl_fixed_decay(v, k); if (z) u = (u & keep) - drop; v = sgl_fixed_sat16(u + cur);
 *   z = v > theta
 * written without branches so that the compiler vectorizes it: the arithmetic shift as
 * m ^ ((v ^ m) >> k) on unsigned bits with m the sign mask (= sgl_fixed_asr), the reset and the
 * clamp as masks and min/max. Returns the number of clamped updates. Every intermediate fits
 * int32: |cur| < 2^30 (check_shape) and |u| <= 2^15 + theta. sat_f (NULL but for the
 * lock-step checks' hook, sgl_fixed_forward_sat) gets 1 per clamped update, 0 otherwise;
 * inlined, so the call with a constant NULL is the loop without it. */
static inline __attribute__((always_inline)) long
update_layer(int32_t *restrict v, uint8_t *restrict z, const int32_t *restrict cur, int n, int k,
             int32_t theta, int32_t keep, int32_t drop, uint8_t *restrict sat_f)
{
    long sat = 0;
    for (int i = 0; i < n; i++) {
        const int32_t x = v[i];
        const int32_t m = -(int32_t)((uint32_t)x >> 31); /* 0 or -1: the sign of x */
        int32_t u = x - (m ^ (int32_t)((uint32_t)(x ^ m) >> k));
        const int32_t fired = -(int32_t)z[i]; /* 0 or -1 */
        u = (u & ~fired) | (((u & keep) - drop) & fired);
        int32_t y = u + cur[i];
        const int clamped = (y > SGL_FIXED_VMAX) + (y < SGL_FIXED_VMIN);
        sat += clamped;
        if (sat_f)
            sat_f[i] = (uint8_t)clamped;
        y = y > SGL_FIXED_VMAX ? SGL_FIXED_VMAX : y;
        y = y < SGL_FIXED_VMIN ? SGL_FIXED_VMIN : y;
        v[i] = y;
        z[i] = (uint8_t)(y > theta);
    }
    return sat;
}

/* The forward of sgl_fixed_forward (sat_fn NULL) and sgl_fixed_forward_sat, inlined into each
 * so that the one without the hook has no trace of it. */
static inline __attribute__((always_inline)) int
forward(const sgl_fixed_net *q, const sgl_sample *s, int *pred, int32_t *logit_sum,
        sgl_fixed_stats *st, sgl_fixed_trace_fn trace, sgl_fixed_sat_fn sat_fn, void *ctx)
{
    int rc = check_shape(q);
    if (rc)
        return rc;
    for (int e = 0; e < s->n_ev; e++)
        if (s->ev_u[e] >= q->n_in)
            return sgl_fail(SGL_EDATA, "fixed forward: event %d: channel %u >= %d inputs", e,
                            (unsigned)s->ev_u[e], q->n_in);
    const int T = q->n_steps, L = q->n_layers, C = q->n_out, k = q->decay_shift;
    const int32_t theta = q->theta;
    int nmax = 0;
    for (int l = 0; l < L; l++)
        if (q->layer[l].n > nmax)
            nmax = q->layer[l].n;
    size_t cells = (size_t)L * (size_t)nmax;
    int32_t *v = sgl_calloc(cells, sizeof *v);
    uint8_t *z = sgl_calloc(cells, 1);
    int32_t *cur = sgl_calloc((size_t)nmax, sizeof *cur);
    /* the readout's rows padded with zeros to Cp classes, a whole number of vector lanes */
    const int n_last = q->layer[L - 1].n, Cp = (C + 15) & ~15;
    int32_t *acc = sgl_calloc((size_t)Cp, sizeof *acc);
    /* rows to add in one step: the inputs' events (at most n_in), the spiking neurons */
    const int n_row = q->n_in > nmax ? q->n_in : nmax;
    int *row = sgl_calloc((size_t)n_row, sizeof *row);
    int8_t *w_out = sgl_calloc((size_t)n_last * (size_t)Cp, 1);
    int16_t *v16 = trace ? sgl_calloc((size_t)nmax, sizeof *v16) : NULL;
    uint16_t *code = trace ? sgl_calloc((size_t)nmax, sizeof *code) : NULL;
    int16_t *sv16 = sat_fn ? sgl_calloc((size_t)nmax, sizeof *sv16) : NULL;
    uint8_t *sat_f = sat_fn ? sgl_calloc((size_t)nmax, 1) : NULL;
    if (!v || !z || !cur || !acc || !row || !w_out || (trace && (!v16 || !code)) ||
        (sat_fn && (!sv16 || !sat_f))) {
        rc = sgl_fail(SGL_ENOMEM, "fixed forward: out of memory (%d neurons)", nmax);
        goto done;
    }
    for (int i = 0; i < n_last; i++)
        memcpy(w_out + (size_t)i * (size_t)Cp, q->w_out + (size_t)i * (size_t)C, (size_t)C);
    /* the reset of a neuron that spiked: u -> (u & keep) - drop (SUB: u - theta; MULT: 0) */
    const int32_t keep = q->reset == SGL_RESET_SUB ? -1 : 0;
    const int32_t drop = q->reset == SGL_RESET_SUB ? theta : 0;
    long sat = 0, updates = 0, spikes[SGL_MAX_LAYERS] = {0};
    int k_ev = 0;
    for (int t = 0; t < T; t++) {
        for (int l = 0; l < L; l++) {
            const sgl_fixed_layer *Ly = &q->layer[l];
            const int n = Ly->n;
            int32_t *vl = v + (size_t)l * (size_t)nmax;
            uint8_t *zl = z + (size_t)l * (size_t)nmax; /* z of step t-1 until updated */
            const int32_t s_in = (int32_t)1 << Ly->sh_in, s_rec = (int32_t)1 << Ly->sh_rec;
            /* 1. current: bias + active inputs (this step) + own spikes of step t-1 */
            for (int i = 0; i < n; i++)
                cur[i] = Ly->bias[i];
            if (l == 0) {
                while (k_ev < s->n_ev && s->ev_t[k_ev] < t)
                    k_ev++;
                int m = 0;
                for (; k_ev < s->n_ev && s->ev_t[k_ev] == t; k_ev++) {
                    if (m == n_row) { /* a step with repeated events: flush */
                        add_rows(cur, Ly->w_in, (size_t)n, row, m, s_in, n);
                        m = 0;
                    }
                    row[m++] = s->ev_u[k_ev];
                }
                add_rows(cur, Ly->w_in, (size_t)n, row, m, s_in, n);
            } else {
                const uint8_t *zb = z + (size_t)(l - 1) * (size_t)nmax; /* layer below, step t */
                add_rows(cur, Ly->w_in, (size_t)n, row, spiking(zb, Ly->n_pre, row), s_in, n);
            }
            add_rows(cur, Ly->w_rec, (size_t)n, row, spiking(zl, n, row), s_rec, n);
            /* 2. decay, reset, add, saturate, compare */
            if (sat_fn)
                sat += update_layer(vl, zl, cur, n, k, theta, keep, drop, sat_f);
            else
                sat += update_layer(vl, zl, cur, n, k, theta, keep, drop, NULL);
            for (int i = 0; i < n; i++)
                spikes[l] += zl[i];
            updates += n;
            /* 3. SG codes (read only when someone records them) */
            if (trace) {
                for (int i = 0; i < n; i++) {
                    v16[i] = (int16_t)vl[i];
                    code[i] = q->sg_code[sgl_fixed_sg_index(q, vl[i] - theta)];
                }
                trace(ctx, l, t, n, v16, zl, code);
            }
            if (sat_fn) {
                for (int i = 0; i < n; i++)
                    sv16[i] = (int16_t)vl[i];
                sat_fn(ctx, l, t, n, sv16, sat_f);
            }
        }
        /* 4. readout of the last layer's spikes of step t */
        const uint8_t *zt = z + (size_t)(L - 1) * (size_t)nmax;
        for (int c = 0; c < C; c++)
            acc[c] += q->b_out[c];
        add_rows(acc, w_out, (size_t)Cp, row, spiking(zt, n_last, row), 1, Cp);
    }
    int best = 0;
    for (int c = 1; c < C; c++)
        if (acc[c] > acc[best])
            best = c;
    if (pred)
        *pred = best;
    if (logit_sum)
        memcpy(logit_sum, acc, (size_t)C * sizeof *acc);
    if (st) {
        st->updates += updates;
        st->v_saturations += sat;
        for (int l = 0; l < L; l++)
            st->spikes[l] += spikes[l];
    }
done:
    free(v);
    free(z);
    free(cur);
    free(acc);
    free(row);
    free(w_out);
    free(v16);
    free(code);
    free(sv16);
    free(sat_f);
    return rc;
}

int sgl_fixed_forward(const sgl_fixed_net *q, const sgl_sample *s, int *pred, int32_t *logit_sum,
                      sgl_fixed_stats *st, sgl_fixed_trace_fn trace, void *ctx)
{
    return forward(q, s, pred, logit_sum, st, trace, NULL, ctx);
}

int sgl_fixed_forward_sat(const sgl_fixed_net *q, const sgl_sample *s, int *pred,
                          int32_t *logit_sum, sgl_fixed_stats *st, sgl_fixed_trace_fn trace,
                          sgl_fixed_sat_fn sat_fn, void *ctx)
{
    return forward(q, s, pred, logit_sum, st, trace, sat_fn, ctx);
}

int sgl_fixed_evaluate(const sgl_fixed_net *q, const sgl_data *d, double *acc, int *pred,
                       sgl_fixed_stats *st)
{
    if (d->n_units != q->n_in || d->n_classes != q->n_out || d->n_steps != q->n_steps)
        return sgl_fail(SGL_EUSAGE,
                        "%s: data has %d inputs, %d classes, %d steps; the net %d, %d, %d",
                        d->name, d->n_units, d->n_classes, d->n_steps, q->n_in, q->n_out,
                        q->n_steps);
    int correct = 0;
    for (int i = 0; i < d->n_samples; i++) {
        sgl_sample s = sgl_data_sample(d, i);
        int p = 0;
        int rc = sgl_fixed_forward(q, &s, &p, NULL, st, NULL, NULL);
        if (rc) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", sgl_errmsg());
            return sgl_fail(-rc, "%s: sample %d: %s", d->name, i, msg);
        }
        correct += p == s.label;
        if (pred)
            pred[i] = p;
    }
    if (acc)
        *acc = d->n_samples > 0 ? (double)correct / d->n_samples : 0;
    return 0;
}
