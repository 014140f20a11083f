/* SPDX-License-Identifier: MIT */
/* sglif device: the board over its USB link, or the simulated board (docs/protocol.md).
 * So far: info, load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "core_map.h"
#include "device.h"
#include "fixed.h"
#include "data.h"
#include "model.h"
#include "sglif_protocol.h"

static const char HELP[] =
    "usage: sglif device info [--port PORT] [--timeout MS] [--tries N]\n"
    "       sglif device load --model MODEL [--port PORT] [--timeout MS] [--tries N]\n"
    "       sglif device infer --model MODEL --data SPEC [--split S] [--port PORT] ...\n"
    "The board over its USB link (docs/protocol.md).\n\n"
    "  info                 the board's build (protocol version, lanes, layers, sizes,\n"
    "                       clock) and the CRC of its model memories, one key: value a line\n"
    "  load                 quantize MODEL as 'sglif eval --backend fixed' does and write it\n"
    "                       into the board: every word of its model memories (weights,\n"
    "                       biases, SG table, registers, readout), then check the board's\n"
    "                       model CRC against the words sent\n"
    "  infer                load MODEL, run every sample of the data set's split on the\n"
    "                       board (RUN, READ_OUTPUT) and print how many of its predictions\n"
    "                       equal the twin's (sglif eval --backend fixed); last line:\n"
    "                       accuracy: 0.xxxx (n=N)\n\n"
    "  --data SPEC          a data set (docs/data.md); --split test (default), valid, train\n"
    "  --model MODEL        a model file (sglif train --out)\n"
    "  --port PORT          sim (default: start a simulated board, sglif-board beside this\n"
    "                       program or $SGLIF_BOARD), sim:PROGRAM, tcp:HOST:PORT,\n"
    "                       tty:/dev/ttyUSBn, ftdi[:VID:PID[:SERIAL]] (default 0403:6010)\n"
    "  --timeout MS         reply timeout per try (default 500)\n"
    "  --tries N            tries per request (default 5)\n\n" SGL_EXIT_CODES_HELP;

static sgl_dev dev; /* large buffers: not on the stack */

/* the options every device subcommand takes, then its own (model: --model, for load) */
typedef struct {
    const char *port, *model, *data, *split;
    long timeout, tries;
} dev_opts;

/* want: bit 0 --model, bit 1 --data and --split */
static int parse(int argc, char **argv, const char *cmd, int want, dev_opts *o,
                 int *exit_code)
{
    static const struct option own[] = {{"port", required_argument, 0, 0},
                                        {"timeout", required_argument, 0, 0},
                                        {"tries", required_argument, 0, 0},
                                        {"model", required_argument, 0, 0},
                                        {"data", required_argument, 0, 0},
                                        {"split", required_argument, 0, 0},
                                        {0, 0, 0, 0}};
    struct option opts[10];
    cli_merge_opts(own, NULL, opts, 10);
    *o = (dev_opts){"sim", NULL, NULL, "test", 500, 5};
    const char *name;
    int more, rc = 0;
    while ((more = cli_next(argc, argv, opts, cmd, HELP, 0, &name, exit_code)) > 0) {
        if (strcmp(name, "port") == 0)
            o->port = optarg;
        else if (strcmp(name, "timeout") == 0)
            rc = cli_int(name, optarg, 1, 600000, &o->timeout);
        else if (strcmp(name, "tries") == 0)
            rc = cli_int(name, optarg, 1, 100, &o->tries);
        else if (strcmp(name, "model") == 0 && (want & 1))
            o->model = optarg;
        else if (strcmp(name, "data") == 0 && (want & 2))
            o->data = optarg;
        else if (strcmp(name, "split") == 0 && (want & 2)) {
            if (strcmp(optarg, "test") && strcmp(optarg, "valid") && strcmp(optarg, "train"))
                return *exit_code = cli_usage_error(cmd, "--split: '%s' is not test, valid or "
                                                    "train", optarg), -1;
            o->split = optarg;
        } else
            return *exit_code = cli_usage_error(cmd, "--%s is not an option of '%s'", name, cmd), -1;
        if (rc)
            return *exit_code = cli_error(cmd, rc), -1;
    }
    if (more < 0)
        return -1;
    if ((want & 1) && !o->model)
        return *exit_code = cli_usage_error(cmd, "--model is required"), -1;
    if ((want & 2) && !o->data)
        return *exit_code = cli_usage_error(cmd, "--data is required"), -1;
    return 0;
}

static int open_dev(const dev_opts *o)
{
    dev.timeout_ms = (int)o->timeout;
    dev.tries = (int)o->tries;
    return sgl_dev_open(&dev, o->port);
}

static int device_info(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device info", 0, &o, &code) < 0)
        return code;
    if ((rc = open_dev(&o)) < 0)
        return cli_error("device info", rc);
    uint32_t crc = 0;
    rc = sgl_dev_model_crc(&dev, &crc);
    if (rc == 0) {
        const sgl_dev_info *i = &dev.info;
        printf("port: %s\nprotocol: %u\nlanes: %u\nlayers: %u\nneurons: %u\ninputs: %u\n"
               "classes: %u\nhistory_steps: %u\nsg_entries: %u\nmax_payload: %u\n"
               "clock_hz: %u\nmodel_crc: 0x%08x\n", o.port, i->version, i->lanes, i->layers,
               i->neurons, i->inputs, i->classes, i->hist_steps, i->sg_entries,
               i->max_payload, (unsigned)i->clock_hz, (unsigned)crc);
    }
    sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device info", rc) : SGL_EXIT_OK;
}

/* The model memories of the board as the host will write them: one image per select of
 * MODEL_CRC (docs/protocol.md: every select but the event list), each word as it reads back. */
static const int model_sels[] = {SGL_SEL_W, SGL_SEL_BIAS, SGL_SEL_SG, SGL_SEL_REG, SGL_SEL_WOUT,
                                 SGL_SEL_BOUT};
typedef struct {
    uint16_t *img[SGL_N_SEL];
    uint32_t depth[SGL_N_SEL];
} images;

static void image_write(void *ctx, int sel, uint32_t addr, uint16_t data)
{
    images *m = ctx;
    if (sel == SGL_SEL_WOUT) /* int8, read back sign-extended */
        data = (uint16_t)(int16_t)(int8_t)(data & 0xFF);
    if (m->img[sel] && addr < m->depth[sel])
        m->img[sel][addr] = data;
}

/* Quantize o->model into *q, open the board, write every model word, check MODEL_CRC; print
 * the summary when verbose. On success the board stays open (dev). */
static int load_model(const dev_opts *o, sgl_fixed_net *q, int verbose)
{
    sgl_net net;
    int rc;
    if ((rc = cli_input(sgl_model_load(o->model, &net, NULL))))
        return rc;
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    rc = sgl_fixed_quantize(&net, q, &fo, NULL);
    sgl_net_free(&net);
    if (rc)
        return rc;
    if ((rc = open_dev(o)) < 0)
        return rc;
    images m = {{0}, {0}};
    const sgl_dev_info *in = &dev.info;
    sgl_core_shape cs;
    rc = sgl_core_shape_init(&cs, in->neurons, in->inputs, in->classes, in->lanes, in->layers,
                             in->sg_entries, 0);
    if (!rc && (rc = sgl_core_fits(&cs, q)) < 0) {
        char why[256]; /* sgl_fail writes the buffer sgl_errmsg reads */
        snprintf(why, sizeof why, "%s", sgl_errmsg());
        rc = sgl_fail(SGL_EDATA, "%s does not fit the board on %s: %s", o->model, o->port, why);
    }
    for (size_t k = 0; !rc && k < SGL_ARRAY_LEN(model_sels); k++) {
        int s = model_sels[k];
        m.depth[s] = sgl_core_depth(&cs, s);
        if (!(m.img[s] = sgl_calloc(m.depth[s], sizeof(uint16_t))))
            rc = -SGL_ENOMEM;
    }
    uint32_t want = 0, got = 0;
    size_t words = 0;
    if (!rc) {
        sgl_core_load(&cs, q, 1, image_write, &m);
        for (size_t k = 0; !rc && k < SGL_ARRAY_LEN(model_sels); k++) {
            int s = model_sels[k];
            rc = sgl_dev_write_mem(&dev, s, 0, m.img[s], m.depth[s]);
            words += m.depth[s];
            for (uint32_t a = 0; a < m.depth[s]; a++) {
                uint8_t b[2] = {(uint8_t)m.img[s][a], (uint8_t)(m.img[s][a] >> 8)};
                want = (uint32_t)crc32(want, b, 2);
            }
        }
    }
    if (!rc)
        rc = sgl_dev_model_crc(&dev, &got);
    if (!rc && got != want)
        rc = sgl_fail(SGL_EDEVICE, "%s: the board's model CRC 0x%08x is not the model's "
                      "0x%08x: its memories do not hold what was sent", o->port, (unsigned)got,
                      (unsigned)want);
    if (!rc && verbose) {
        const sgl_dev_stats *st = &dev.st;
        printf("load: %s: %d layer(s), %d inputs, %d classes, into %u lanes x %u neurons\n",
               o->model, q->n_layers, q->n_in, q->n_out, in->lanes, in->neurons);
        printf("words: %zu in %lu requests (%lu retries: %lu timeouts, %lu CRC errors)\n",
               words, (unsigned long)st->requests, (unsigned long)st->retries,
               (unsigned long)st->timeouts, (unsigned long)st->crc_errors);
        /* the figure of merit of a weight load: the words' own bytes against every byte
         * both ways (frames, the WRITE_MEM headers, acknowledgements, retries) */
        uint64_t line = st->bytes_out + st->bytes_in;
        printf("link: %zu bytes of words in %lu bytes on the line (%.1f %%)\n", 2 * words,
               (unsigned long)line, 100.0 * (double)(2 * words) / (double)line);
        printf("model_crc: 0x%08x (the model's)\n", (unsigned)got);
    }
    for (int s = 0; s < SGL_N_SEL; s++)
        free(m.img[s]);
    if (rc)
        sgl_dev_close(&dev);
    return rc;
}

static int device_load(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device load", 1, &o, &code) < 0)
        return code;
    sgl_fixed_net q = {0};
    rc = load_model(&o, &q, 1);
    sgl_fixed_free(&q);
    if (rc == 0)
        sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device load", rc) : SGL_EXIT_OK;
}

/* One sample on the board: RUN frames of as many whole steps as the payload limit takes (the
 * first clears the core), then READ_OUTPUT. *pred: the board's prediction. */
static int run_sample(const sgl_data *d, int i, int n_steps, int *pred, uint64_t *events)
{
    static uint8_t req[SGL_LINK_MAX_LEN];
    static uint8_t r[4 + 2 + 4 * 1024];
    size_t cap = dev.info.max_payload, len = 2;
    int64_t e = d->off[i], end = d->off[i + 1];
    int rc = 0;
    req[0] = 1; /* clear first */
    req[1] = 0;
    for (int t = 0; t < n_steps && !rc; t++) {
        int64_t e1 = e;
        while (e1 < end && d->ev_t[e1] == t)
            e1++;
        size_t need = 2 + 2 * (size_t)(e1 - e);
        if (2 + need > cap)
            return sgl_fail(SGL_EDATA, "sample %d, step %d: %lld events do not fit a frame of "
                            "%zu bytes", i, t, (long long)(e1 - e), cap);
        if (len + need > cap) { /* send what is there, go on in a new frame */
            uint16_t n;
            rc = sgl_dev_request(&dev, SGL_CMD_RUN, req, (uint16_t)len, r, sizeof r, &n);
            req[0] = 0;
            len = 2;
        }
        req[len++] = (uint8_t)(e1 - e);
        req[len++] = (uint8_t)((e1 - e) >> 8);
        *events += (uint64_t)(e1 - e);
        for (; e < e1; e++) {
            req[len++] = (uint8_t)d->ev_u[e];
            req[len++] = (uint8_t)(d->ev_u[e] >> 8);
        }
    }
    uint16_t n = 0;
    if (!rc)
        rc = sgl_dev_request(&dev, SGL_CMD_RUN, req, (uint16_t)len, r, sizeof r, &n);
    if (!rc)
        rc = sgl_dev_request(&dev, SGL_CMD_READ_OUTPUT, NULL, 0, r, sizeof r, &n);
    if (!rc && n < 2)
        rc = sgl_fail(SGL_EDEVICE, "%s: READ_OUTPUT gave %u bytes", dev.t.name, n);
    if (!rc)
        *pred = r[0] | r[1] << 8;
    return rc;
}

static int device_infer(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device infer", 3, &o, &code) < 0)
        return code;
    sgl_split split = strcmp(o.split, "train") == 0   ? SGL_SPLIT_TRAIN
                      : strcmp(o.split, "valid") == 0 ? SGL_SPLIT_VALID
                                                      : SGL_SPLIT_TEST;
    sgl_data d;
    if ((rc = cli_input(sgl_data_load(&d, o.data, split))))
        return cli_error("device infer", rc);
    sgl_fixed_net q = {0};
    if ((rc = load_model(&o, &q, 0)) < 0) {
        sgl_data_free(&d);
        sgl_fixed_free(&q);
        return cli_error("device infer", rc);
    }
    if (d.n_units != q.n_in || d.n_classes != q.n_out || d.n_steps != q.n_steps)
        rc = sgl_fail(SGL_EDATA, "%s: %d channels, %d classes, %d steps; the model %s wants "
                      "%d, %d, %d", o.data, d.n_units, d.n_classes, d.n_steps, o.model, q.n_in,
                      q.n_out, q.n_steps);
    long correct = 0, agree = 0;
    uint64_t events = 0, line0 = dev.st.bytes_out + dev.st.bytes_in,
             pay0 = dev.st.payload_out + dev.st.payload_in;
    for (int i = 0; !rc && i < d.n_samples; i++) {
        int pred = -1, twin = -1;
        rc = run_sample(&d, i, q.n_steps, &pred, &events);
        sgl_sample s = sgl_data_sample(&d, i);
        if (!rc)
            rc = sgl_fixed_forward(&q, &s, &twin, NULL, NULL, NULL, NULL);
        correct += !rc && pred == d.label[i];
        agree += !rc && pred == twin;
    }
    if (!rc) {
        uint64_t line = dev.st.bytes_out + dev.st.bytes_in - line0;
        uint64_t pay = dev.st.payload_out + dev.st.payload_in - pay0;
        printf("infer: %s on %s: %d samples, %llu input events\n", o.model, o.port,
               d.n_samples, (unsigned long long)events);
        /* payload: what RUN and READ_OUTPUT carry (step counts, events, outputs); events:
         * the channels alone */
        printf("link: %llu payload bytes in %llu bytes on the line (%.1f %%), %llu of them "
               "events (%.1f %%)\n", (unsigned long long)pay, (unsigned long long)line,
               line ? 100.0 * (double)pay / (double)line : 0.0,
               (unsigned long long)(2 * events),
               line ? 100.0 * (double)(2 * events) / (double)line : 0.0);
        printf("twin: %ld of %d predictions equal to sglif eval --backend fixed\n", agree,
               d.n_samples);
        printf("accuracy: %.4f (n=%d)\n", d.n_samples ? (double)correct / d.n_samples : 0.0,
               d.n_samples);
    }
    sgl_dev_close(&dev);
    sgl_fixed_free(&q);
    sgl_data_free(&d);
    return rc < 0 ? cli_error("device infer", rc) : SGL_EXIT_OK;
}

int cmd_device(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(HELP, argc < 2 ? stderr : stdout);
        return argc < 2 ? SGL_EXIT_USAGE : SGL_EXIT_OK;
    }
    if (strcmp(argv[1], "info") == 0)
        return device_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "load") == 0)
        return device_load(argc - 1, argv + 1);
    if (strcmp(argv[1], "infer") == 0)
        return device_infer(argc - 1, argv + 1);
    if (strcmp(argv[1], "train") == 0)
        return cmd_device_train(argc - 1, argv + 1);
    return cli_usage_error("device", "unknown device command '%s' (so far: info, load, infer)",
                           argv[1]);
}
