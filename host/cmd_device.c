/* SPDX-License-Identifier: MIT */
/* sglif device: the board over its USB link, or the simulated board (docs/protocol.md).
 * So far: info, load. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "cli.h"
#include "dump.h"
#include "core_map.h"
#include "device.h"
#include "device_model.h"
#include "fixed.h"
#include "fixed_train.h"
#include "data.h"
#include "model.h"
#include "rng.h"
#include "selftest.h"
#include "sglif_protocol.h"

static const char HELP[] =
    "usage: sglif device info [--port PORT] [--timeout MS] [--tries N]\n"
    "       sglif device load --model MODEL [--port PORT] ...\n"
    "       sglif device infer --model MODEL --data SPEC [--split S] [--dump FILE.h5]\n"
    "                          [--port PORT] ...\n"
    "       sglif device train --data SPEC --out MODEL [--from MODEL] [options] (see\n"
    "                          sglif device train --help)\n"
    "       sglif device save --model MODEL --out FILE [--port PORT] ...\n"
    "       sglif device lut (--model MODEL | --hex FILE) [--port PORT] ...\n"
    "       sglif device bench [--samples N] [--seed S] [--words N] [--port PORT] ...\n"
    "       sglif device selftest [--port PORT] ... (see sglif device selftest --help)\n"
    "The board over its USB link (docs/protocol.md).\n\n"
    "  info                 the board's build (protocol version, lanes, layers, sizes,\n"
    "                       clock) and the CRC of its model memories, one key: value a line\n"
    "  load                 quantize MODEL as 'sglif eval --backend fixed' does and write it\n"
    "                       into the board: every word of its model memories, then check\n"
    "                       the board's model CRC against the words sent\n"
    "  infer                load MODEL, run every sample of the split on the board and\n"
    "                       count its predictions equal to the twin's; last line:\n"
    "                       accuracy: 0.xxxx (n=N); --dump: the board's spikes (read back\n"
    "                       with READ_HISTORY after RUN windows of its history depth),\n"
    "                       compared with the twin's, and the readout per step, as\n"
    "                       'sglif eval --dump' writes them (docs/formats.md)\n"
    "  train                training on the board, bit for bit 'sglif train --backend\n"
    "                       fixed': on chip where the board has a training engine (RUN and\n"
    "                       TRAIN a sample, UPDATE a batch), else (or --host-backward) the\n"
    "                       forward passes on the board, the backward and update on the host\n"
    "  save                 read the board's weights back into the structure of MODEL (the\n"
    "                       model they came from) and save them as FILE\n"
    "  lut                  write an SG table into the board (MODEL's, or a hex file as\n"
    "                       'sglif lut --format hex' writes) and read it back\n"
    "  bench                link efficiency: the board's weights read and written back (all\n"
    "                       of them, or the first N with --words N), and N samples\n"
    "                       (default 20) of random spikes streamed; payload against every\n"
    "                       byte on the line; the model is left as it was\n"
    "  selftest             the checks of a freshly flashed board, one line each; last\n"
    "                       line 'selftest: pass' (exit 0) or names what failed (exit 4)\n\n"
    "  --data SPEC          a data set (docs/data.md); --split test (default), valid, train\n"
    "  --port PORT          sim (default: start a simulated board of the ULX3S-85F's sizes,\n"
    "                       sglif-board-ecp5-85f beside this program, or $SGLIF_BOARD),\n"
    "                       sim:BOARD (a board of constraints/boards.csv, its top as\n"
    "                       flashed: icebreaker, hx8k, ulx3s-85f, ...), sim:PROGRAM, tcp:HOST:PORT,\n"
    "                       tty:/dev/ttyUSBn, ftdi[:VID:PID[:SERIAL]] (default 0403:6010)\n"
    "  --timeout MS         reply timeout per try (default 500; sim ports 30000: a\n"
    "                       simulated board is slow)\n"
    "  --tries N            tries per request (default 5)\n\n" SGL_EXIT_CODES_HELP;

static sgl_dev dev; /* large buffers: not on the stack */

/* the options every device subcommand takes, then its own (model: --model, for load) */
typedef struct {
    const char *port, *model, *data, *split, *out, *hex;
    long timeout, tries, samples, seed, words; /* words: bench --words, 0 = all */
    const char *dump; /* infer --dump FILE.h5 */
} dev_opts;

/* want: bit 0 --model (required), bit 1 --data and --split, bit 2 --out (required), bit 3
 * --model or --hex (one of them), bit 4 --samples and --seed, bit 5 --dump */
static int parse(int argc, char **argv, const char *cmd, int want, dev_opts *o,
                 int *exit_code)
{
    static const struct option own[] = {{"port", required_argument, 0, 0},
                                        {"timeout", required_argument, 0, 0},
                                        {"tries", required_argument, 0, 0},
                                        {"model", required_argument, 0, 0},
                                        {"data", required_argument, 0, 0},
                                        {"split", required_argument, 0, 0},
                                        {"out", required_argument, 0, 0},
                                        {"hex", required_argument, 0, 0},
                                        {"samples", required_argument, 0, 0},
                                        {"seed", required_argument, 0, 0},
                                        {"dump", required_argument, 0, 0},
                                        {"words", required_argument, 0, 0},
                                        {0, 0, 0, 0}};
    struct option opts[16];
    cli_merge_opts(own, NULL, opts, 16);
    *o = (dev_opts){"sim", NULL, NULL, "test", NULL, NULL, 0, 5, 20, 1, 0, NULL};
    const char *name;
    int more, rc = 0;
    while ((more = cli_next(argc, argv, opts, cmd, HELP, 0, &name, exit_code)) > 0) {
        if (strcmp(name, "port") == 0)
            o->port = optarg;
        else if (strcmp(name, "timeout") == 0)
            rc = cli_int(name, optarg, 1, 600000, &o->timeout);
        else if (strcmp(name, "tries") == 0)
            rc = cli_int(name, optarg, 1, 100, &o->tries);
        else if (strcmp(name, "model") == 0 && (want & 9))
            o->model = optarg;
        else if (strcmp(name, "out") == 0 && (want & 4))
            o->out = optarg;
        else if (strcmp(name, "hex") == 0 && (want & 8))
            o->hex = optarg;
        else if (strcmp(name, "samples") == 0 && (want & 16))
            rc = cli_int(name, optarg, 1, 100000, &o->samples);
        else if (strcmp(name, "seed") == 0 && (want & 16))
            rc = cli_int(name, optarg, 0, 0x7fffffff, &o->seed);
        else if (strcmp(name, "words") == 0 && (want & 16))
            rc = cli_int(name, optarg, 1, 0x7fffffff, &o->words);
        else if (strcmp(name, "dump") == 0 && (want & 32))
            o->dump = optarg;
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
    if ((want & 4) && !o->out)
        return *exit_code = cli_usage_error(cmd, "--out is required"), -1;
    if ((want & 8) && !o->model == !o->hex)
        return *exit_code = cli_usage_error(cmd, "give one of --model and --hex"), -1;
    if (o->out && (rc = cli_check_writable("out", o->out)))
        return *exit_code = cli_error(cmd, rc), -1;
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
               "clock_hz: %u\nfeatures: 0x%04x%s\n", o.port, i->version, i->lanes, i->layers,
               i->neurons, i->inputs, i->classes, i->hist_steps, i->sg_entries,
               i->max_payload, (unsigned)i->clock_hz, i->features,
               i->features & SGL_DEV_ENGINE ? " (training engine)" : "");
        if (i->features & SGL_DEV_ENGINE)
            printf("engine_neurons: %u\nengine_inputs: %u\nengine_lanes: %u\n"
                   "engine_grad_bits: %u\nengine_events: %u\n", i->eng_neurons, i->eng_inputs,
                   i->eng_lanes, i->eng_grad_w, 1u << i->eng_ev_log2);
        printf("model_crc: 0x%08x\n", (unsigned)crc);
    }
    sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device info", rc) : SGL_EXIT_OK;
}

/* Quantize o->model into *q, open the board, write every model word, check MODEL_CRC; print
 * the summary when verbose. On success the board stays open (dev) and *m holds its images. */
static int load_model(const dev_opts *o, sgl_fixed_net *q, sgl_dev_model *m, int verbose)
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
    uint64_t words = 0;
    if (!(rc = sgl_dev_model_init(m, &dev, q, o->model)))
        rc = sgl_dev_model_write(m, &dev, q, 1, &words);
    if (!rc && verbose) {
        const sgl_dev_stats *st = &dev.st;
        const sgl_dev_info *in = &dev.info;
        printf("load: %s: %d layer(s), %d inputs, %d classes, into %u lanes x %u neurons\n",
               o->model, q->n_layers, q->n_in, q->n_out, in->lanes, in->neurons);
        printf("words: %llu in %lu requests (%lu retries: %lu timeouts, %lu CRC errors)\n",
               (unsigned long long)words, (unsigned long)st->requests,
               (unsigned long)st->retries, (unsigned long)st->timeouts,
               (unsigned long)st->crc_errors);
        /* the figure of merit of a weight load: the words' own bytes against every byte
         * both ways (frames, the WRITE_MEM headers, acknowledgements, retries) */
        uint64_t line = st->bytes_out + st->bytes_in;
        printf("link: %llu bytes of words in %llu bytes on the line (%.1f %%)\n",
               (unsigned long long)(2 * words), (unsigned long long)line,
               100.0 * (double)(2 * words) / (double)line);
        printf("model_crc: 0x%08x (the model's)\n", (unsigned)sgl_dev_model_image_crc(m));
    }
    if (rc) {
        sgl_dev_model_free(m);
        sgl_dev_close(&dev);
    }
    return rc;
}

static int device_load(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device load", 1, &o, &code) < 0)
        return code;
    sgl_fixed_net q = {0};
    sgl_dev_model m;
    rc = load_model(&o, &q, &m, 1);
    sgl_fixed_free(&q);
    if (rc == 0) {
        sgl_dev_model_free(&m);
        sgl_dev_close(&dev);
    }
    return rc < 0 ? cli_error("device load", rc) : SGL_EXIT_OK;
}

static int device_infer(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device infer", 3 | 32, &o, &code) < 0)
        return code;
    sgl_split split = strcmp(o.split, "train") == 0   ? SGL_SPLIT_TRAIN
                      : strcmp(o.split, "valid") == 0 ? SGL_SPLIT_VALID
                                                      : SGL_SPLIT_TEST;
    sgl_data d;
    if ((rc = cli_input(sgl_data_load(&d, o.data, split))))
        return cli_error("device infer", rc);
    sgl_fixed_net q = {0};
    sgl_dev_model m;
    if ((rc = load_model(&o, &q, &m, 0)) < 0) {
        sgl_data_free(&d);
        sgl_fixed_free(&q);
        return cli_error("device infer", rc);
    }
    if (d.n_units != q.n_in || d.n_classes != q.n_out || d.n_steps != q.n_steps)
        rc = sgl_fail(SGL_EDATA, "%s: %d channels, %d classes, %d steps; the model %s wants "
                      "%d, %d, %d", o.data, d.n_units, d.n_classes, d.n_steps, o.model, q.n_in,
                      q.n_out, q.n_steps);
    long correct = 0, agree = 0, z_same = 0, z_all = 0;
    uint8_t *zb[SGL_MAX_LAYERS] = {0}, *zt[SGL_MAX_LAYERS] = {0};
    uint16_t *code16 = NULL;
    double *ro = NULL;
    cli_dump *dp = NULL;
    cli_dump_trace_ctx tc = {zt, q.n_steps};
    if (!rc && o.dump) { /* the board's spikes, read back step by step */
        int nmax = 1;
        for (int l = 0; l < q.n_layers; l++) {
            size_t sz = (size_t)q.n_steps * (size_t)q.layer[l].n;
            zb[l] = sgl_calloc(sz, 1);
            zt[l] = sgl_calloc(sz, 1);
            nmax = q.layer[l].n > nmax ? q.layer[l].n : nmax;
            if (!zb[l] || !zt[l])
                rc = -SGL_ENOMEM;
        }
        code16 = sgl_calloc((size_t)nmax, sizeof(uint16_t));
        ro = sgl_calloc((size_t)q.n_steps * (size_t)q.n_out, sizeof(double));
        if (!rc && (!code16 || !ro))
            rc = -SGL_ENOMEM;
        sgl_config c = {.n_in = q.n_in, .n_layers = q.n_layers, .n_out = q.n_out,
                        .n_steps = q.n_steps};
        for (int l = 0; l < q.n_layers; l++)
            c.n_hidden[l] = q.layer[l].n;
        if (!rc)
            rc = cli_dump_open(&dp, o.dump, &c, d.n_samples, "board", o.model, o.data);
    }
    uint64_t events = 0, line0 = dev.st.bytes_out + dev.st.bytes_in,
             pay0 = dev.st.payload_out + dev.st.payload_in;
    for (int i = 0; !rc && i < d.n_samples; i++) {
        int pred = -1, twin = -1;
        sgl_sample s = sgl_data_sample(&d, i);
        if (!o.dump)
            rc = sgl_dev_run_sample(&dev, &s, q.n_steps, &pred, &events);
        for (int t0 = 0; o.dump && !rc && t0 < q.n_steps;) {
            int k = sgl_dev_run_window(&dev, &s, q.n_steps, t0, dev.info.hist_steps, t0 == 0,
                                       &events);
            rc = k < 0 ? k : 0;
            for (int l = 0; !rc && l < q.n_layers; l++)
                for (int j = 0; !rc && j < k; j++)
                    rc = sgl_dev_read_history(&dev, l, j, q.layer[l].n,
                                              zb[l] + (size_t)(t0 + j) * (size_t)q.layer[l].n,
                                              code16);
            t0 += k;
            if (!rc && t0 >= q.n_steps)
                rc = sgl_dev_read_output(&dev, &pred, NULL, 0);
        }
        if (!rc)
            rc = sgl_fixed_forward(&q, &s, &twin, NULL, NULL, o.dump ? cli_dump_trace : NULL,
                                   &tc);
        for (int l = 0; o.dump && !rc && l < q.n_layers; l++)
            for (size_t k = 0; k < (size_t)q.n_steps * (size_t)q.layer[l].n; k++) {
                z_same += zb[l][k] == zt[l][k];
                z_all++;
            }
        if (o.dump && !rc) {
            cli_dump_fixed_readout(&q, zb[q.n_layers - 1], ro);
            rc = cli_dump_sample(dp, i, &s, zb, ro, pred);
        }
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
        if (o.dump)
            printf("spikes: %ld of %ld equal to the twin's (read back with READ_HISTORY; "
                   "written to %s)\n", z_same, z_all, o.dump);
        printf("accuracy: %.4f (n=%d)\n", d.n_samples ? (double)correct / d.n_samples : 0.0,
               d.n_samples);
    }
    int rc2 = cli_dump_close(dp);
    rc = rc < 0 ? rc : rc2;
    for (int l = 0; l < SGL_MAX_LAYERS; l++) {
        free(zb[l]);
        free(zt[l]);
    }
    free(code16);
    free(ro);
    sgl_dev_model_free(&m);
    sgl_dev_close(&dev);
    sgl_fixed_free(&q);
    sgl_data_free(&d);
    return rc < 0 ? cli_error("device infer", rc) : SGL_EXIT_OK;
}

/* sglif device save: the board's weights (READ_MEM of the words MODEL's structure occupies;
 * the board's MODEL_CRC vouches for the rest being 0, as load and train leave it) in the
 * structure of MODEL (the model they were loaded or trained from), saved as a model file. */
static int device_save(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device save", 5, &o, &code) < 0)
        return code;
    sgl_net net;
    if ((rc = cli_input(sgl_model_load(o.model, &net, NULL))))
        return cli_error("device save", rc);
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    sgl_fixed_net ref = {0}, q = {0};
    sgl_dev_model m = {0};
    uint32_t crc = 0;
    if (!(rc = sgl_fixed_quantize(&net, &ref, &fo, NULL)) &&
        !(rc = sgl_fixed_quantize(&net, &q, &fo, NULL)) && !(rc = open_dev(&o)) &&
        !(rc = sgl_dev_model_init(&m, &dev, &ref, o.model)) &&
        !(rc = sgl_dev_model_read_of(&m, &dev, &ref)) &&
        !(rc = sgl_dev_model_crc(&dev, &crc))) {
        if (crc != sgl_dev_model_image_crc(&m))
            rc = sgl_fail(SGL_EDEVICE, "%s: the words read (CRC 0x%08x) are not what the board's "
                          "MODEL_CRC says (0x%08x): the board holds more than the structure of "
                          "%s (another model, or words outside it not 0)", o.port,
                          (unsigned)sgl_dev_model_image_crc(&m), (unsigned)crc, o.model);
        else if (!(rc = sgl_dev_model_unload(&m, &ref, &q)) &&
                 !(rc = sgl_fixed_dequantize(&q, &net))) {
            char meta[512];
            snprintf(meta, sizeof meta, "saved from the board: sglif device save --model %s\n"
                     "port: %s\nmodel_crc: 0x%08x\n", o.model, o.port, (unsigned)crc);
            rc = sgl_model_save(o.out, &net, meta);
        }
    }
    if (!rc)
        printf("save: the board's weights (model_crc 0x%08x) in the structure of %s\nmodel: %s\n",
               (unsigned)crc, o.model, o.out);
    sgl_dev_model_free(&m);
    sgl_dev_close(&dev);
    sgl_fixed_free(&ref);
    sgl_fixed_free(&q);
    sgl_net_free(&net);
    return rc < 0 ? cli_error("device save", rc) : SGL_EXIT_OK;
}

/* A $readmemh file of hex words, one a line ('//' comments, blank lines allowed), as
 * 'sglif lut --format hex' writes: exactly n words. */
static int read_hex(const char *path, uint16_t *w, int n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sgl_fail(SGL_EIO, "%s: cannot open: %s", path, strerror(errno));
    char line[256];
    int k = 0, ln = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        ln++;
        char *c = strstr(line, "//");
        if (c)
            *c = 0;
        char *p = line + strspn(line, " \t\r\n");
        if (!*p)
            continue;
        char *end;
        errno = 0;
        unsigned long v = strtoul(p, &end, 16);
        end += strspn(end, " \t\r\n");
        if (errno || end == p || *end || v > 0xFFFF)
            rc = sgl_fail(SGL_EDATA, "%s:%d: '%.*s' is not a hex word of 16 bits", path, ln,
                          (int)strcspn(p, "\r\n"), p);
        else if (k >= n)
            rc = sgl_fail(SGL_EDATA, "%s:%d: more than the board's %d SG entries", path, ln, n);
        else
            w[k++] = (uint16_t)v;
    }
    fclose(f);
    if (!rc && k != n)
        rc = sgl_fail(SGL_EDATA, "%s: %d words, the board's SG table has %d", path, k, n);
    return rc;
}

/* sglif device lut: a new SG table (of a model, or a hex file) into the board, read back. */
static int device_lut(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device lut", 8, &o, &code) < 0)
        return code;
    sgl_fixed_net q = {0};
    uint16_t *w = NULL, *back = NULL;
    int n = 0;
    if (o.model) {
        sgl_net net;
        sgl_fixed_opts fo;
        sgl_fixed_opts_default(&fo);
        if (!(rc = cli_input(sgl_model_load(o.model, &net, NULL)))) {
            rc = sgl_fixed_quantize(&net, &q, &fo, NULL);
            sgl_net_free(&net);
        }
        if (rc)
            return cli_error("device lut", rc);
    }
    if ((rc = open_dev(&o)) < 0) {
        sgl_fixed_free(&q);
        return cli_error("device lut", rc);
    }
    n = o.model ? q.sg_entries : dev.info.sg_entries;
    if (o.model && n > dev.info.sg_entries)
        rc = sgl_fail(SGL_EDATA, "%s: an SG table of %d entries; the board has %u", o.model, n,
                      dev.info.sg_entries);
    if (!rc && (!(w = sgl_calloc((size_t)n, 2)) || !(back = sgl_calloc((size_t)n, 2))))
        rc = -SGL_ENOMEM;
    if (!rc && o.hex)
        rc = read_hex(o.hex, w, n);
    if (!rc && o.model)
        memcpy(w, q.sg_code, (size_t)n * 2);
    if (!rc)
        rc = sgl_dev_write_mem(&dev, SGL_SEL_SG, 0, w, (size_t)n);
    if (!rc && o.model) { /* the table's shape: entries and shift */
        int lg = 0;
        while ((1 << lg) < n)
            lg++;
        uint16_t r1 = (uint16_t)q.sg_shift, r2 = (uint16_t)lg;
        if (!(rc = sgl_dev_write_mem(&dev, SGL_SEL_REG, SGL_REG_SG_SHIFT, &r1, 1)))
            rc = sgl_dev_write_mem(&dev, SGL_SEL_REG, SGL_REG_SG_LOG2, &r2, 1);
    }
    if (!rc)
        rc = sgl_dev_read_mem(&dev, SGL_SEL_SG, 0, back, (size_t)n);
    if (!rc && memcmp(w, back, (size_t)n * 2))
        rc = sgl_fail(SGL_EDEVICE, "%s: the SG table reads back other words than were written",
                      o.port);
    uint32_t crc = 0;
    if (!rc)
        rc = sgl_dev_model_crc(&dev, &crc);
    if (!rc)
        printf("lut: %d SG entries from %s written and read back\nmodel_crc: 0x%08x\n", n,
               o.model ? o.model : o.hex, (unsigned)crc);
    free(w);
    free(back);
    sgl_fixed_free(&q);
    sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device lut", rc) : SGL_EXIT_OK;
}

/* sglif device bench: link efficiency from the bytes on the line (frames, headers,
 * acknowledgements, retries) for a weight load (the board's own weights, read and written back
 * unchanged) and for spike streaming (RUN frames of random events), and the payload rate that
 * gives at 3 Mbaud 8N1; the board's model memories are left as they were (MODEL_CRC). */
static void bench_line(const char *what, const sgl_dev_stats *a, const sgl_dev_stats *b,
                       uint64_t pay, double secs)
{
    uint64_t line = b->bytes_out + b->bytes_in - a->bytes_out - a->bytes_in;
    double eff = line ? (double)pay / (double)line : 0;
    printf("bench: %-8s %llu payload bytes in %llu bytes on the line: %.1f %%; at 3 Mbaud 8N1 "
           "(300 kB/s) %.1f kB/s of payload; here %.1f kB/s over %s\n", what,
           (unsigned long long)pay, (unsigned long long)line, 100 * eff, 300 * eff,
           secs > 0 ? (double)pay / secs / 1000 : 0, dev.t.name);
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int device_bench(int argc, char **argv)
{
    dev_opts o;
    int code, rc;
    if (parse(argc, argv, "device bench", 16, &o, &code) < 0)
        return code;
    if ((rc = open_dev(&o)) < 0)
        return cli_error("device bench", rc);
    sgl_core_shape cs;
    const sgl_dev_info *in = &dev.info;
    uint32_t crc0 = 0, crc1 = 0;
    uint16_t *w = NULL;
    uint32_t nw = 0, depth = 0;
    if (!(rc = sgl_core_shape_init(&cs, in->neurons, in->inputs, in->classes, in->lanes,
                                   in->layers, in->sg_entries, 0)) &&
        !(rc = sgl_dev_model_crc(&dev, &crc0))) {
        nw = depth = sgl_core_depth(&cs, SGL_SEL_W);
        if (o.words > 0 && (uint32_t)o.words < nw)
            nw = (uint32_t)o.words;
        if (!(w = sgl_calloc(nw, 2)))
            rc = -SGL_ENOMEM;
    }
    if (!rc && in->inputs < 8)
        rc = sgl_fail(SGL_EDEVICE, "%s: the board has %u inputs; the bench needs 8", o.port,
                      in->inputs);
    printf("bench: %s: %u lanes, %u neurons, %u inputs, %u weight words", o.port, in->lanes,
           in->neurons, in->inputs, depth);
    if (nw < depth)
        printf(" (the first %u read and written back)", nw);
    printf("; seed %ld\n", o.seed);
    /* 1. weights: read them, write them back */
    sgl_dev_stats s0 = dev.st;
    double t0 = mono();
    if (!rc)
        rc = sgl_dev_read_mem(&dev, SGL_SEL_W, 0, w, nw);
    sgl_dev_stats s1 = dev.st;
    double t1 = mono();
    if (!rc)
        rc = sgl_dev_write_mem(&dev, SGL_SEL_W, 0, w, nw);
    sgl_dev_stats s2 = dev.st;
    double t2 = mono();
    if (!rc) {
        bench_line("read", &s0, &s1, 2 * (uint64_t)nw, t1 - t0);
        bench_line("write", &s1, &s2, 2 * (uint64_t)nw, t2 - t1);
    }
    /* 2. spikes: samples of 100 steps, 8 random channels a step (clear per sample) */
    enum { STEPS = 100, PER_STEP = 8 };
    static uint16_t ev_t[STEPS * PER_STEP], ev_u[STEPS * PER_STEP];
    sgl_rng r;
    sgl_rng_seed(&r, (uint64_t)o.seed, 0x62656e6368ULL); /* "bench" */
    uint64_t events = 0;
    sgl_dev_stats s3 = dev.st;
    double t3 = mono();
    for (long i = 0; !rc && i < o.samples; i++) {
        int k = 0;
        for (int t = 0; t < STEPS; t++)
            for (int j = 0; j < PER_STEP; j++, k++) {
                ev_t[k] = (uint16_t)t;
                ev_u[k] = (uint16_t)((j * in->inputs / PER_STEP +
                                      sgl_rng_below(&r, (uint32_t)(in->inputs / PER_STEP))));
            }
        sgl_sample smp = {k, ev_t, ev_u, 0};
        for (int t = 0; !rc && t < STEPS;) {
            int n = sgl_dev_run_window(&dev, &smp, STEPS, t, STEPS, t == 0, &events);
            rc = n < 0 ? n : 0;
            t += n > 0 ? n : 0;
        }
    }
    sgl_dev_stats s4 = dev.st;
    double t4 = mono();
    if (!rc) {
        uint64_t pay = s4.payload_out + s4.payload_in - s3.payload_out - s3.payload_in;
        bench_line("spikes", &s3, &s4, pay, t4 - t3);
        uint64_t line = s4.bytes_out + s4.bytes_in - s3.bytes_out - s3.bytes_in;
        printf("bench: spikes: %ld samples x %d steps x %d events: %llu event bytes, %.1f %% of "
               "the line\n", o.samples, STEPS, PER_STEP, (unsigned long long)(2 * events),
               line ? 200.0 * (double)events / (double)line : 0.0);
    }
    if (!rc)
        rc = sgl_dev_model_crc(&dev, &crc1);
    if (!rc && crc1 != crc0)
        rc = sgl_fail(SGL_EDEVICE, "%s: the model CRC changed during the bench (0x%08x, now "
                      "0x%08x)", o.port, (unsigned)crc0, (unsigned)crc1);
    if (!rc)
        printf("bench: model_crc: 0x%08x before and after; %llu retries\n", (unsigned)crc1,
               (unsigned long long)dev.st.retries);
    free(w);
    sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device bench", rc) : SGL_EXIT_OK;
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
    if (strcmp(argv[1], "save") == 0)
        return device_save(argc - 1, argv + 1);
    if (strcmp(argv[1], "lut") == 0)
        return device_lut(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0)
        return device_bench(argc - 1, argv + 1);
    if (strcmp(argv[1], "selftest") == 0)
        return cmd_device_selftest(argc - 1, argv + 1);
    return cli_usage_error("device", "unknown device command '%s' (info, load, infer, train, "
                           "save, lut, bench, selftest)", argv[1]);
}
