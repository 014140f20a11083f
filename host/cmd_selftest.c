/* SPDX-License-Identifier: MIT */
/* sglif device selftest: what a freshly flashed board is checked with (docs/boards.md, "First
 * light"). One line per check, "selftest: <check>: pass|FAIL ..."; the last line is
 * "selftest: pass" or "selftest: FAIL: <checks>"; exit 0, or 4 when a check failed.
 *   identify   IDENTIFY answers with this protocol version and a build (sizes, clock)
 *   sg-table   the SG table read back is the bitstream's default (fast-sigmoid, dampening 1,
 *              sharpness 1, range 16, 8 bits: rtl/sglif_sg_default.hex)
 *   memory S   for every model memory the link reaches (weight banks, biases, SG table, W_out,
 *              b_out): its words read and kept; an address-unique pattern written ascending
 *              and read back, its complement written descending and read back (every bit of
 *              every word both 0 and 1, and no two addresses aliased); the words kept
 *              written back at the end (with the registers), checked by MODEL_CRC
 *   model      a built-in reference model (16 inputs, 32 neurons, 4 classes, seeded) loaded
 *              and 8 seeded samples run: every class sum and prediction is the twin's
 *   restore    what the board held before is back: MODEL_CRC as at the start
 *   link       no retries, timeouts or CRC errors on the link during the whole test
 * A check that cannot run because the link is gone ends the test there. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "core_map.h"
#include "data.h"
#include "device.h"
#include "device_model.h"
#include "fixed.h"
#include "init.h"
#include "net.h"
#include "rng.h"
#include "selftest.h"
#include "sg.h"

static const char HELP[] =
    "usage: sglif device selftest [--port PORT] [--timeout MS] [--tries N]\n"
    "The checks of a freshly flashed board (docs/boards.md, \"First light\"), one line each:\n"
    "identify, the SG table (the bitstream's default), a march test of every model memory\n"
    "the link reaches (what was there is written back), a built-in reference model whose\n"
    "class sums and predictions must be the twin's, the restore, and the link's error\n"
    "counters. Last line: 'selftest: pass' (exit 0) or 'selftest: FAIL: <checks>' (exit 4).\n\n"
    "  --port PORT          as for sglif device (default sim)\n"
    "  --timeout MS         reply timeout per try (default 500; sim ports 30000)\n"
    "  --tries N            tries per request (default 5)\n\n" SGL_EXIT_CODES_HELP;

static sgl_dev dev; /* large buffers: not on the stack */

static const char *const sel_name[SGL_N_SEL] = {"weights", "-", "biases", "sg-table",
                                                "registers", "events", "w_out", "b_out"};

/* the word written at address a (0: the pattern, 1: its complement) */
static uint16_t pattern(uint32_t a, int inv)
{
    uint16_t w = (uint16_t)(a * 0x9E37u + (a >> 16) * 0x3C5u + 0x5A5Au);
    return inv ? (uint16_t)~w : w;
}

/* what a word written as w reads back as (docs/rtl.md, "Read-back") */
static uint16_t readback(const sgl_core_shape *cs, int sel, uint32_t a, uint16_t w)
{
    if (sel == SGL_SEL_W && cs->p == 1)
        return w & 0xFF;
    if (sel == SGL_SEL_WOUT) {
        uint32_t c = a & ((1u << cs->cw) - 1);
        return c >= (uint32_t)cs->n_out ? 0 : (uint16_t)(int16_t)(int8_t)(w & 0xFF);
    }
    return w;
}

typedef struct {
    int failed;
    char names[256];
} verdict;

static void result(verdict *v, const char *check, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void result(verdict *v, const char *check, int ok, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("selftest: %s: %s%s%s\n", check, ok ? "pass" : "FAIL", *msg ? ": " : "", msg);
    fflush(stdout);
    if (!ok) {
        size_t l = strlen(v->names);
        snprintf(v->names + l, sizeof v->names - l, "%s%s", v->failed ? ", " : "", check);
        v->failed++;
    }
}

/* the reference model: 16 inputs, 32 neurons, 4 classes, 20 steps, initialized (stable, the
 * default) from seed 14 and quantized as `sglif eval --backend fixed` does */
static int reference_model(sgl_fixed_net *q)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = 16;
    c.n_layers = 1;
    c.n_hidden[0] = 32;
    c.n_out = 4;
    c.n_steps = 20;
    sgl_net net;
    int rc = sgl_net_alloc(&net, &c);
    if (rc)
        return rc;
    sgl_rng r;
    sgl_rng_seed(&r, 14, 1);
    rc = sgl_init_net(&net, SGL_INIT_STABLE, SGL_COND_ALL, 0.1, 0.09, &r, NULL);
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    if (!rc)
        rc = sgl_fixed_quantize(&net, q, &fo, NULL);
    sgl_net_free(&net);
    return rc;
}
static const char REF_DATA[] = "randman:classes=4,units=16,samples=20,steps=20,spikes=4,seed=14";

/* The march test of one select; its words at the start into keep. 1 pass, 0 fail (said),
 * < 0 the link failed. */
static int march(verdict *v, const sgl_core_shape *cs, int sel, uint32_t depth, uint16_t *keep,
                 uint16_t *buf)
{
    char check[32];
    snprintf(check, sizeof check, "memory %s", sel_name[sel]);
    int rc = sgl_dev_read_mem(&dev, sel, 0, keep, depth);
    if (rc < 0)
        return rc;
    for (int inv = 0; inv < 2; inv++) {
        /* ascending with the pattern, descending with its complement (in blocks of 256
         * words: the write of a block is one request) */
        const uint32_t blk = 256;
        uint32_t nb = (depth + blk - 1) / blk;
        for (uint32_t k = 0; k < nb; k++) {
            uint32_t b = inv ? nb - 1 - k : k, a0 = b * blk;
            uint32_t n = depth - a0 < blk ? depth - a0 : blk;
            for (uint32_t i = 0; i < n; i++)
                buf[i] = pattern(a0 + i, inv);
            if ((rc = sgl_dev_write_mem(&dev, sel, a0, buf, n)) < 0)
                return rc;
        }
        if ((rc = sgl_dev_read_mem(&dev, sel, 0, buf, depth)) < 0)
            return rc;
        uint32_t bad = 0, first = 0;
        uint16_t or_diff = 0;
        for (uint32_t a = 0; a < depth; a++) {
            uint16_t want = readback(cs, sel, a, pattern(a, inv));
            if (buf[a] != want) {
                if (!bad++)
                    first = a;
                or_diff |= (uint16_t)(buf[a] ^ want);
            }
        }
        if (bad) {
            uint16_t want = readback(cs, sel, first, pattern(first, inv));
            result(v, check, 0, "%u of %u words wrong with the %s (first: address %u reads "
                   "0x%04x, written 0x%04x; bits 0x%04x differ somewhere)", bad, depth,
                   inv ? "complement" : "pattern", first, buf[first], want, or_diff);
            return 0;
        }
    }
    result(v, check, 1, "%u words, pattern up and complement down", depth);
    return 1;
}

int cmd_device_selftest(int argc, char **argv)
{
    static const struct option own[] = {{"port", required_argument, 0, 0},
                                        {"timeout", required_argument, 0, 0},
                                        {"tries", required_argument, 0, 0},
                                        {0, 0, 0, 0}};
    struct option opts[8];
    cli_merge_opts(own, NULL, opts, 8);
    const char *port = "sim", *name;
    long timeout = 0, tries = 5; /* timeout 0: the port's default */
    int more, code, rc = 0;
    while ((more = cli_next(argc, argv, opts, "device selftest", HELP, 0, &name, &code)) > 0) {
        if (strcmp(name, "port") == 0)
            port = optarg;
        else if (strcmp(name, "timeout") == 0)
            rc = cli_int(name, optarg, 1, 600000, &timeout);
        else if (strcmp(name, "tries") == 0)
            rc = cli_int(name, optarg, 1, 100, &tries);
        if (rc)
            return cli_error("device selftest", rc);
    }
    if (more < 0)
        return code;
    verdict v = {0};
    dev.timeout_ms = (int)timeout;
    dev.tries = (int)tries;
    if ((rc = sgl_dev_open(&dev, port)) < 0) {
        result(&v, "identify", 0, "%s", sgl_errmsg());
        printf("selftest: FAIL: identify\n");
        return SGL_EXIT_DEVICE;
    }
    const sgl_dev_info *in = &dev.info;
    result(&v, "identify", 1, "%s: protocol %u, %u lanes, %u layer(s), %u neurons, %u inputs, "
           "%u classes, %u history steps, %u SG entries, %u Hz", port, in->version, in->lanes,
           in->layers, in->neurons, in->inputs, in->classes, in->hist_steps, in->sg_entries,
           (unsigned)in->clock_hz);

    sgl_fixed_net q = {0};
    sgl_dev_model m = {0};
    sgl_data d = {0};
    uint16_t *keep[SGL_N_SEL] = {0}, *buf = NULL;
    uint32_t crc0 = 0;
    if ((rc = reference_model(&q)) < 0 || (rc = sgl_data_load(&d, REF_DATA, SGL_SPLIT_TEST)) < 0)
        goto out; /* a fault of this program, not of the board */
    if ((rc = sgl_dev_model_init(&m, &dev, &q, "the reference model")) < 0) {
        result(&v, "model", 0, "%s", sgl_errmsg());
        rc = 0;
        goto out;
    }
    const sgl_core_shape *cs = &m.cs;
    uint32_t maxd = 0;
    for (int s = 0; s < SGL_N_SEL; s++)
        if (sgl_core_depth(cs, s) > maxd)
            maxd = sgl_core_depth(cs, s);
    if (!(buf = sgl_calloc(maxd, sizeof *buf))) {
        rc = sgl_fail(SGL_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = sgl_dev_model_crc(&dev, &crc0)) < 0)
        goto out;
    /* the registers, kept for the restore */
    keep[SGL_SEL_REG] = sgl_calloc(SGL_N_REG, sizeof(uint16_t));
    if (!keep[SGL_SEL_REG] || (rc = sgl_dev_read_mem(&dev, SGL_SEL_REG, 0, keep[SGL_SEL_REG],
                                                     SGL_N_REG)) < 0)
        goto out;

    /* the SG table as the bitstream holds it */
    sgl_sg sg = {SGL_SG_FAST_SIGMOID, 1.0, 1.0, 2.0};
    sgl_sg_lut lut;
    uint32_t ne = sgl_core_depth(cs, SGL_SEL_SG);
    if ((rc = sgl_sg_lut_make(&lut, &sg, (int)ne, 8, 16.0)) < 0)
        goto out;
    rc = sgl_dev_read_mem(&dev, SGL_SEL_SG, 0, buf, ne);
    if (rc == 0) {
        uint32_t i = 0;
        while (i < ne && buf[i] == lut.code[i])
            i++;
        if (i == ne)
            result(&v, "sg-table", 1, "%u entries, the bitstream's default (fast-sigmoid)", ne);
        else
            result(&v, "sg-table", 0, "entry %u is 0x%04x, the default table's 0x%04x (a table "
                   "swapped in by sglif device lut or make lut-swap also reads so)", i, buf[i],
                   (unsigned)lut.code[i]);
    }
    sgl_sg_lut_free(&lut);
    if (rc < 0)
        goto out;

    static const int sels[] = {SGL_SEL_W, SGL_SEL_BIAS, SGL_SEL_SG, SGL_SEL_WOUT, SGL_SEL_BOUT};
    for (size_t k = 0; k < SGL_ARRAY_LEN(sels); k++) {
        int s = sels[k];
        uint32_t depth = sgl_core_depth(cs, s);
        if (!(keep[s] = sgl_calloc(depth, sizeof(uint16_t)))) {
            rc = sgl_fail(SGL_ENOMEM, "out of memory");
            goto out;
        }
        if ((rc = march(&v, cs, s, depth, keep[s], buf)) < 0)
            goto out;
    }

    /* the reference model: every class sum and prediction the twin's */
    uint64_t words = 0, events = 0;
    if ((rc = sgl_dev_model_write(&m, &dev, &q, 1, &words)) < 0) {
        if (rc != -SGL_EDEVICE || strstr(sgl_errmsg(), "no answer"))
            goto out;
        result(&v, "model", 0, "%s", sgl_errmsg()); /* a CRC that differs: said, go on */
        rc = 0;
    } else {
        int bad = 0, first = -1, seen[256] = {0}, classes = 0;
        int32_t sums[256], twin_sums[256];
        sgl_fixed_stats fs = {0};
        for (int i = 0; i < d.n_samples; i++) {
            sgl_sample smp = sgl_data_sample(&d, i);
            int pred = -1, twin = -1;
            if ((rc = sgl_dev_run_sample(&dev, &smp, q.n_steps, &pred, &events)) < 0 ||
                (rc = sgl_dev_read_output(&dev, &pred, sums, in->classes)) < 0)
                goto out;
            if ((rc = sgl_fixed_forward(&q, &smp, &twin, twin_sums, &fs, NULL, NULL)) < 0)
                goto out;
            classes += twin >= 0 && twin < 256 && !seen[twin]++;
            int same = pred == twin;
            for (int c = 0; c < q.n_out; c++)
                same &= sums[c] == twin_sums[c];
            if (!same && !bad++)
                first = i;
        }
        if (bad)
            result(&v, "model", 0, "%d of %d samples differ from the twin (first: sample %d)",
                   bad, d.n_samples, first);
        else
            result(&v, "model", 1, "reference model (%d inputs, %d neurons, %d classes), %d "
                   "samples, %llu events, %ld hidden spikes, %d classes predicted: every class "
                   "sum and prediction the twin's", q.n_in, q.layer[0].n, q.n_out, d.n_samples,
                   (unsigned long long)events, fs.spikes[0], classes);
    }

    /* the restore: the memories and registers as they were */
    for (int s = 0; s < SGL_N_SEL; s++)
        if (keep[s]) {
            uint32_t depth = s == SGL_SEL_REG ? SGL_N_REG : sgl_core_depth(cs, s);
            for (uint32_t a = 0; a < depth && rc == 0; a += 256)
                rc = sgl_dev_write_mem(&dev, s, a, keep[s] + a, depth - a < 256 ? depth - a : 256);
        }
    uint32_t crc1 = 0;
    if (rc < 0 || (rc = sgl_dev_model_crc(&dev, &crc1)) < 0)
        goto out;
    result(&v, "restore", crc1 == crc0, "model CRC 0x%08x%s 0x%08x at the start", (unsigned)crc1,
           crc1 == crc0 ? ", as" : ", not", (unsigned)crc0);
out:
    if (rc < 0)
        result(&v, "link", 0, "%s", sgl_errmsg());
    else {
        const sgl_dev_stats *st = &dev.st;
        result(&v, "link", st->retries == 0 && st->timeouts == 0 && st->crc_errors == 0,
               "%lu requests, %lu retries (%lu timeouts, %lu CRC errors)",
               (unsigned long)st->requests, (unsigned long)st->retries,
               (unsigned long)st->timeouts, (unsigned long)st->crc_errors);
    }
    if (v.failed)
        printf("selftest: FAIL: %s\n", v.names);
    else
        printf("selftest: pass\n");
    for (int s = 0; s < SGL_N_SEL; s++)
        free(keep[s]);
    free(buf);
    sgl_dev_model_free(&m);
    sgl_dev_close(&dev);
    sgl_fixed_free(&q);
    sgl_data_free(&d);
    return v.failed ? SGL_EXIT_DEVICE : SGL_EXIT_OK;
}
