/* SPDX-License-Identifier: MIT */
/* sglif train: load data, initialize (Conditions I-IV by default), train with BPTT, save the
 * best model. Ctrl-C saves a checkpoint that --resume continues. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "data.h"
#include "device.h"
#include "device_train.h"
#include "fixed.h"
#include "fixed_train.h"
#include "model.h"
#include "progress.h"
#include "qat.h"
#include "train.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* Progress, plus test hooks: SGLIF_TEST_SIGINT_AFTER=N raises SIGINT after N batches, so that
 * tests interrupt a run at a known point through the real signal path;
 * SGLIF_TEST_SIGKILL_AFTER=N kills the process there (a crash: only checkpoints survive). */
typedef struct {
    cli_progress_state ps;
    long sigint_after, kill_after, seen;
} train_progress;

static void on_progress(const sgl_progress *p, void *user)
{
    train_progress *t = user;
    cli_progress(p, &t->ps);
    ++t->seen;
    if (t->sigint_after > 0 && t->seen == t->sigint_after)
        raise(SIGINT);
    if (t->kill_after > 0 && t->seen == t->kill_after)
        raise(SIGKILL);
}

static const char HELP[] =
    "usage: sglif train --data SPEC --out MODEL [options]\n"
    "Train a recurrent LIF network with surrogate gradients (BPTT, AdamW).\n\n"
    "  --data SPEC          randman[:key=value,...], fmnist[:...], shd:DIR, ssc:DIR\n"
    "                       (see docs/data.md)\n"
    "  --out MODEL          where the best model (by validation accuracy) is saved\n" CLI_NET_HELP
    "  --epochs E           training epochs (default 30; --backend fixed: 60)\n"
    "  --lr LR              AdamW learning rate (default 5e-2)\n"
    "  --batch B            mini-batch size (default 32)\n"
    "  --weight-decay W     AdamW weight decay (default 0.01)\n"
    "  --clip C             gradient-norm clip, 0 = none (default 1)\n"
    "  --state-lr on|off    scale the steps of biases and W_rec by (1 - alpha) (default on)\n"
    "  --lr-schedule S      cosine (default: half a cosine from LR down to 0) or constant\n"
    "  --sparsity F         weight of the sparsity loss (target rate 0.01), introduced\n"
    "                       gradually: 0 before 20% of the epochs, full from 60% (default 0)\n"
    "  --init-rate F        first train the bias currents alone towards initial rate F\n"
    "  --init-rate-batches N  length of that pre-training (default 200 batches)\n"
    "  --patience N         stop after N epochs without a better valid accuracy\n"
    "  --threads N          worker threads (default: all cores; results do not depend on it)\n"
    "  --log FILE.csv       per-epoch log\n"
    "  --checkpoint FILE    checkpoint path (default MODEL.ckpt); written every epoch and on\n"
    "                       Ctrl-C\n"
    "  --resume             continue from the checkpoint (same options) to the same result\n"
    "  --quiet              no progress output\n"
    "  --qat                quantization-aware training: forwards on the twin's integers\n"
    "                       (int8 weights, its membrane grid, decay 1 - 2^-k: --tau becomes\n"
    "                       15.49 at k = 4), gradients straight through (docs/numerics.md)\n"
    "  --qat-epochs N       float first, QAT for the last N epochs (1..E), decay as --qat\n"
    "  --backend B          float (default) or fixed: the all-integer rule the hardware\n"
    "                       runs (docs/numerics.md; --tau becomes the twin's as with --qat;\n"
    "                       --lr in units of 2^-16, at most 0.99998; its default:\n"
    "                       2.5 / (batches of an epoch), at most 0.01)\n"
    "  --from MODEL         fixed: start from a trained model (fine-tuning; it is saved\n"
    "                       unchanged unless an epoch beats it on validation)\n"
    "  --train-samples N    fixed: the first N training samples only\n"
    "  --valid-samples N    fixed: the first N validation samples only\n"
    "  --window W           fixed: truncated BPTT, W-step windows (0: none)\n\n"
    SGL_EXIT_CODES_HELP;

static const char HELP_DEVICE[] =
    "usage: sglif device train --data SPEC --out MODEL [--from MODEL] [options] [--port PORT]\n"
    "Training on the board: 'sglif train --backend fixed' with the board in it. A board\n"
    "whose IDENTIFY reports a training engine trains on chip: per sample RUN and TRAIN (the\n"
    "label), per batch UPDATE; the host writes the rule's state at the start and reads it\n"
    "back at checkpoints and at the end. Otherwise (or with --host-backward) every forward\n"
    "pass runs on the board in windows of at most its history depth, the spikes and SG codes\n"
    "(READ_HISTORY) feed the host's integer backward pass and update, and the weights that\n"
    "changed are written back and checked (MODEL_CRC). Either way the saved model is bit for\n"
    "bit the one 'sglif train --backend fixed' saves with the same options. Last lines:\n"
    "'board: C cycles for N training samples' (the board's cycles as it replied them: RUN,\n"
    "and TRAIN and UPDATE on chip) and 'link: B bytes on the line' (both ways, frames too).\n\n"
    "  --data SPEC          the data set (docs/data.md)\n"
    "  --out MODEL          where the trained model is saved\n"
    "  --from MODEL         start from this trained model (else: initialize, as sglif train)\n"
    "  --train-samples N    the first N training samples only (a short fine-tuning)\n"
    "  --valid-samples N    the first N validation samples only (each epoch's validation\n"
    "                       runs on the board: a shorter one)\n"
    "  --epochs E, --batch B, --lr LR, --state-lr on|off, --seed S, --window W, network\n"
    "                       options:\n"
    "                       as 'sglif train --backend fixed'\n"
    "  --checkpoint FILE    checkpoint path (default MODEL.ckpt); written every epoch, every\n"
    "                       --checkpoint-secs S (default 60) between batches, and on Ctrl-C\n"
    "  --resume             continue from the checkpoint (same options) to the same result\n"
    "  --quiet              no progress output\n"
    "  --check              run the twin beside the board and compare every spike, SG code\n"
    "                       and prediction of every forward pass (fails on a difference;\n"
    "                       the host backward)\n"
    "  --host-backward      the backward pass and the update on the host even when the\n"
    "                       board has a training engine\n"
    "  --port PORT          sim (default), sim:BOARD, sim:PROGRAM, tcp:HOST:PORT, tty:DEVICE,\n"
    "                       ftdi[:VID:PID[:SERIAL]] (see sglif device --help)\n"
    "  --timeout MS, --tries N  reply timeout per try (500; sim ports 30000), tries per\n"
    "                       request (5)\n\n"
    SGL_EXIT_CODES_HELP;

static const struct option own_opts[] = {
    {"data", required_argument, 0, 0},       {"out", required_argument, 0, 0},
    {"epochs", required_argument, 0, 0},     {"lr", required_argument, 0, 0},
    {"batch", required_argument, 0, 0},      {"weight-decay", required_argument, 0, 0},
    {"clip", required_argument, 0, 0},       {"sparsity", required_argument, 0, 0},
    {"state-lr", required_argument, 0, 0},   {"lr-schedule", required_argument, 0, 0},
    {"init-rate", required_argument, 0, 0},  {"init-rate-batches", required_argument, 0, 0},
    {"patience", required_argument, 0, 0},   {"threads", required_argument, 0, 0},
    {"log", required_argument, 0, 0},        {"checkpoint", required_argument, 0, 0},
    {"resume", no_argument, 0, 0},           {"quiet", no_argument, 0, 0},
    {"backend", required_argument, 0, 0},    {"qat", no_argument, 0, 0},
    {"qat-epochs", required_argument, 0, 0}, {"from", required_argument, 0, 0},
    {"port", required_argument, 0, 0},       {"timeout", required_argument, 0, 0},
    {"tries", required_argument, 0, 0},      {"checkpoint-secs", required_argument, 0, 0},
    {"check", no_argument, 0, 0},            {"train-samples", required_argument, 0, 0},
    {"host-backward", no_argument, 0, 0},    {"window", required_argument, 0, 0},
    {"valid-samples", required_argument, 0, 0},
    {0, 0, 0, 0}};

/* sglif device train: the board that runs the forward passes */
typedef struct {
    const char *port;
    long timeout, tries;
    int check;
    int host_backward; /* the backward and the update on the host even with an engine */
} board_opts;

/* --backend fixed: quantize net, train the twin, write the dequantized weights back to net
 * and save it; the saved model is checked to quantize back to the same predictions. */
static int train_fixed(sgl_net *net, const sgl_data *train, const sgl_data *valid,
                       const sgl_train_opts *to, int lr_given, const char *meta, int quiet,
                       const board_opts *board, double ckpt_secs, const char *from,
                       int window)
{
    static sgl_dev dev; /* large buffers: not on the stack */
    sgl_dev_trainer dt = {0};
    sgl_fixed_train_hooks hk = {0};
    char *ckpt = NULL;
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    sgl_fixed_net q = {0}, q2 = {0};
    sgl_fixed_train_opts ft;
    sgl_fixed_train_opts_default(&ft);
    ft.epochs = to->epochs;
    ft.batch = to->batch;
    ft.seed = to->seed;
    ft.state_shift = to->state_lr;
    ft.schedule = to->cosine;
    ft.threads = to->threads;
    ft.window = window;
    /* the ablation of docs/numerics.md: one ingredient of the rule removed */
    const char *abl = getenv("SGLIF_FIXED_ABLATE");
    if (abl && strstr(abl, "momentum"))
        ft.momentum = 0;
    if (abl && strstr(abl, "rownorm"))
        ft.row_norm = 0;
    if (abl && strstr(abl, "decay"))
        ft.wd_shift = 0;
    ft.keep_start = from != NULL; /* fine-tuning: only an improvement replaces the start */
    if (lr_given) /* checked by the caller: 1..65535 */
        ft.lr = (int32_t)lround(ldexp(to->lr, SGL_FT_LR_FRAC));
    else
        ft.lr = sgl_fixed_lr_default(train->n_samples, ft.batch);
    sgl_fixed_train_result res;
    sgl_fixed_opts fo_start = fo; /* the start: weights with room to grow (docs/numerics.md) */
    fo_start.headroom = from ? 0 : SGL_FT_HEADROOM;
    if (getenv("SGLIF_FIXED_HEADROOM"))
        fo_start.headroom = atoi(getenv("SGLIF_FIXED_HEADROOM"));
    int rc = sgl_fixed_quantize(net, &q, &fo_start, NULL);
    if (!rc && !quiet) {
        sgl_fixed_stats fs = {0};
        double a0 = 0;
        rc = sgl_fixed_evaluate(&q, valid, &a0, NULL, &fs);
        fprintf(stderr, "train: fixed backend: theta %ld, decay shift %d, lr %ld/65536, %d "
                "epochs; the quantized start: valid accuracy %.4f, rate", (long)q.theta,
                q.decay_shift, (long)ft.lr, ft.epochs, a0);
        for (int l = 0; l < q.n_layers; l++)
            fprintf(stderr, " %.3f", valid->n_samples ? (double)fs.spikes[l] /
                                     ((double)valid->n_samples * q.n_steps * q.layer[l].n)
                                                      : 0.0);
        fputc('\n', stderr);
    }
    if (!rc) {
        size_t n = strlen(to->out) + 6;
        if (to->checkpoint)
            ckpt = strdup(to->checkpoint);
        else if ((ckpt = malloc(n)))
            snprintf(ckpt, n, "%s.ckpt", to->out);
        if (!ckpt)
            rc = sgl_fail(SGL_ENOMEM, "out of memory");
    }
    hk.checkpoint = ckpt;
    hk.resume = to->resume;
    hk.stop = to->stop;
    hk.progress = to->progress; /* (quiet: the test hooks only) */
    hk.checkpoint_secs = ckpt_secs;
    hk.progress_user = to->progress_user;
    if (!rc && board) {
        dev.timeout_ms = (int)board->timeout;
        dev.tries = (int)board->tries;
        char why[256] = "";
        if (!(rc = sgl_dev_open(&dev, board->port)) &&
            !(rc = sgl_dev_trainer_init(&dt, &dev, &q, "the model"))) {
            /* the engine unless --host-backward, or --check (which compares the history
             * the host path reads back), or the run does not fit it (one line says why) */
            int e = 0;
            if (board->check && (dev.info.features & SGL_DEV_ENGINE) && !board->host_backward)
                fprintf(stderr, "train: %s: --check reads every forward pass back: the host "
                        "computes the backward pass and the update\n", board->port);
            else if (!board->host_backward &&
                     (e = sgl_dev_trainer_engine(&dt, &q, &ft, ft.window, train, why,
                                                 sizeof why)) == 0)
                fprintf(stderr, "train: %s: %s: the host computes the backward pass and the "
                        "update (as --host-backward)\n", board->port, why);
            if (e < 0)
                rc = e;
            else if (e)
                sgl_dev_trainer_engine_hooks(&dt, &hk);
            else {
                sgl_dev_trainer_hooks(&dt, &hk);
                dt.check = board->check;
            }
        }
        if (!rc && !quiet && dt.engine)
            fprintf(stderr, "train: on the board at %s: its training engine (%u neurons, %u "
                    "inputs, %u lanes): RUN and TRAIN a sample, UPDATE a batch\n", board->port,
                    dev.info.eng_neurons, dev.info.eng_inputs, dev.info.eng_lanes);
        else if (!rc && !quiet)
            fprintf(stderr, "train: on the board at %s: %u lanes, %u neurons, history of %u "
                    "steps (windows of up to %u steps a RUN)\n", board->port, dev.info.lanes,
                    dev.info.neurons, dev.info.hist_steps, dev.info.hist_steps);
    }
    if (!rc)
        rc = sgl_fixed_train_run(&q, net, train, valid, &ft, &hk, &res);
    if (!rc && board && dt.mismatches)
        rc = sgl_fail(SGL_EDEVICE, "%s: %llu of %llu spikes, SG codes and predictions of the "
                      "board differ from the twin's", board->port,
                      (unsigned long long)dt.mismatches, (unsigned long long)dt.checked);
    if (!rc && board) {
        const sgl_dev_stats *st = &dev.st;
        uint64_t line = st->bytes_out + st->bytes_in, pay = st->payload_out + st->payload_in;
        if (dt.engine)
            printf("board: %llu samples trained on chip in %llu RUN windows, each with TRAIN; "
                   "%llu UPDATEs; %llu words written (the start's model and state)\n",
                   (unsigned long long)dt.samples, (unsigned long long)dt.windows,
                   (unsigned long long)dt.engine_updates, (unsigned long long)dt.words);
        else
            printf("board: %llu forward passes in %llu RUN windows, %llu weight updates (%llu "
                   "words written), model CRC checked after each and after each batch; %llu "
                   "reloads\n", (unsigned long long)dt.samples, (unsigned long long)dt.windows,
                   (unsigned long long)dt.updates, (unsigned long long)dt.words,
                   (unsigned long long)dt.reloads);
        if (dt.check)
            printf("check: %llu of %llu spikes, SG codes and predictions of the board equal "
                   "to the twin's\n", (unsigned long long)(dt.checked - dt.mismatches),
                   (unsigned long long)dt.checked);
        printf("link: %llu requests, %llu retries; %llu payload bytes in %llu bytes on the line "
               "(%.1f %%); the training samples %llu bytes (%.0f a sample, %s)\n",
               (unsigned long long)st->requests, (unsigned long long)st->retries,
               (unsigned long long)pay, (unsigned long long)line,
               line ? 100.0 * (double)pay / (double)line : 0.0,
               (unsigned long long)dt.train_bytes,
               dt.train_samples ? (double)dt.train_bytes / (double)dt.train_samples : 0.0,
               dt.engine ? "RUN, TRAIN and the batch's UPDATE" : "RUN, READ_HISTORY, READ_OUTPUT");
    }
    free(ckpt);
    if (!rc)
        rc = sgl_fixed_dequantize(&q, net);
    if (!rc)
        rc = sgl_fixed_quantize(net, &q2, &fo, NULL);
    if (!rc && board) {
        /* the board ends with the integers the saved model quantizes to (the trained ones up to
         * a power of two per tensor: the start's headroom may be left), so that `sglif device
         * save` finds the model it was given: the words that differ from the trainer's image
         * of the board (whose CRC the last batch checked), then MODEL_CRC against the new
         * image */
        uint64_t w = 0;
        rc = sgl_dev_model_write(&dt.m, &dev, &q2, 0, &w);
    }
    uint64_t board_cycles = dt.train_cycles, board_samples = dt.train_samples;
    uint64_t line_bytes = dev.t.bytes_in + dev.t.bytes_out;
    if (board) {
        sgl_dev_trainer_free(&dt);
        sgl_dev_close(&dev);
    }
    int agree = 0;
    for (int i = 0; !rc && i < valid->n_samples; i++) {
        sgl_sample s = sgl_data_sample(valid, i);
        int p1 = 0, p2 = 0;
        if (!(rc = sgl_fixed_forward(&q, &s, &p1, NULL, NULL, NULL, NULL)) &&
            !(rc = sgl_fixed_forward(&q2, &s, &p2, NULL, NULL, NULL, NULL)))
            agree += p1 == p2;
    }
    if (!rc && agree != valid->n_samples)
        rc = sgl_fail(SGL_EDATA, "%s: the saved model quantizes to other predictions (%d of %d "
                      "agree)", to->out, agree, valid->n_samples);
    if (!rc)
        rc = sgl_model_save(to->out, net, meta);
    if (!rc) {
        if (res.best_epoch < 0)
            printf("best valid accuracy (twin): %.4f (the start: no epoch of %d beat it; "
                   "saved unchanged)\n", res.best_valid_acc, res.epochs_run);
        else
            printf("best valid accuracy (twin): %.4f (epoch %d of %d)\n", res.best_valid_acc,
                   res.best_epoch + 1, res.epochs_run);
        printf("round trip: %d of %d valid predictions equal after re-quantization\n", agree,
               valid->n_samples);
        printf("counters: %ld gradients clamped to int%d, %ld master weights clamped to their "
               "range, %ld batches with a gradient sum beyond %d bits\n", res.grad_saturations,
               SGL_FT_GV_BITS, res.w_clamped, res.grad_wide, SGL_GRAD_W);
        printf("model: %s\n", to->out);
        if (board) { /* last: the figures of merit (C: RUN, TRAIN and UPDATE as replied) */
            printf("board: %llu cycles for %llu training samples\n",
                   (unsigned long long)board_cycles, (unsigned long long)board_samples);
            printf("link: %llu bytes on the line\n", (unsigned long long)line_bytes);
        }
    }
    sgl_fixed_free(&q);
    sgl_fixed_free(&q2);
    return rc;
}

/* After QAT: the saved model, quantized, must give on the validation split the predictions of
 * the QAT forward (the same integers, the same spikes); prints the count. */
static int qat_round_trip(const char *path, const sgl_data *valid, const sgl_fixed_opts *fo,
                          int threads)
{
    if (valid->n_samples < 1)
        return 0;
    sgl_net m = {0};
    sgl_fixed_net q = {0};
    int *pq = malloc(sizeof(int) * (size_t)valid->n_samples);
    int *pf = malloc(sizeof(int) * (size_t)valid->n_samples);
    int rc = !pq || !pf ? sgl_fail(SGL_ENOMEM, "out of memory") : sgl_model_load(path, &m, NULL);
    double aq = 0, af = 0;
    if (!rc)
        rc = sgl_fixed_quantize(&m, &q, fo, NULL);
    if (!rc)
        rc = sgl_fixed_evaluate(&q, valid, &aq, pq, NULL);
    if (!rc)
        rc = sgl_evaluate_qat(&m, fo, valid, threads, &af, NULL, pf, NULL);
    if (!rc) {
        int agree = 0;
        for (int i = 0; i < valid->n_samples; i++)
            agree += pq[i] == pf[i];
        printf("qat round trip: %d of %d valid predictions of the twin equal the QAT forward "
               "(twin %.4f, QAT forward %.4f)\n", agree, valid->n_samples, aq, af);
    }
    sgl_fixed_free(&q);
    sgl_net_free(&m);
    free(pq);
    free(pf);
    return rc;
}

static int train_main(int argc, char **argv, int device)
{
    const char *cmd = device ? "device train" : "train";
    const char *help = device ? HELP_DEVICE : HELP;
    board_opts bo = {"sim", 0, 5, 0, 0}; /* timeout 0: the port's default */
    double ckpt_secs = 60;
    long train_samples = 0, valid_samples = 0, window = 0;
    int secs_given = 0, window_given = 0;
    const char *from = NULL;
    int net_given = 0;
    struct option opts[64];
    cli_merge_opts(own_opts, cli_net_longopts, opts, 64);
    cli_net_opts nopt;
    cli_net_defaults(&nopt);
    sgl_train_opts to;
    sgl_train_opts_default(&to);
    const char *spec = NULL;
    int quiet = 0, rc = 0, fixed = 0, lr_given = 0, qat = 0, epochs_given = 0;
    long qat_epochs = 0;
    long v;
    const char *name;
    int more, code;
    while ((more = cli_next(argc, argv, opts, cmd, help, 0, &name, &code)) > 0) {
        rc = cli_net_option(&nopt, name, optarg);
        if (rc < 0)
            return cli_error(cmd, rc);
        if (rc == 1) {
            rc = 0;
            net_given += strcmp(name, "seed") != 0;
            continue;
        }
        int dev_opt = strcmp(name, "port") == 0 || strcmp(name, "timeout") == 0 ||
                      strcmp(name, "tries") == 0 || strcmp(name, "check") == 0 ||
                      strcmp(name, "host-backward") == 0;
        if (device && (strcmp(name, "backend") == 0 || strcmp(name, "qat") == 0 ||
                       strcmp(name, "qat-epochs") == 0 || strcmp(name, "sparsity") == 0 ||
                       strcmp(name, "init-rate") == 0 || strcmp(name, "weight-decay") == 0 ||
                       strcmp(name, "clip") == 0 || strcmp(name, "lr-schedule") == 0 ||
                       strcmp(name, "patience") == 0 || strcmp(name, "threads") == 0 ||
                       strcmp(name, "log") == 0 || strcmp(name, "init-rate-batches") == 0))
            return cli_usage_error(cmd, "--%s is not an option of 'device train' (it trains "
                                   "as 'sglif train --backend fixed')", name);
        if (!device && dev_opt)
            return cli_usage_error(cmd, "--%s is an option of 'sglif device train'", name);
        if (strcmp(name, "port") == 0)
            bo.port = optarg;
        else if (strcmp(name, "timeout") == 0)
            rc = cli_int(name, optarg, 1, 600000, &bo.timeout);
        else if (strcmp(name, "tries") == 0)
            rc = cli_int(name, optarg, 1, 100, &bo.tries);
        else if (strcmp(name, "check") == 0)
            bo.check = 1;
        else if (strcmp(name, "host-backward") == 0)
            bo.host_backward = 1;
        else if (strcmp(name, "train-samples") == 0)
            rc = cli_int(name, optarg, 1, 1L << 30, &train_samples);
        else if (strcmp(name, "valid-samples") == 0)
            rc = cli_int(name, optarg, 1, 1L << 30, &valid_samples);
        else if (strcmp(name, "from") == 0)
            from = optarg;
        else if (strcmp(name, "window") == 0)
            rc = cli_int(name, optarg, 0, 1L << 30, &window), window_given = 1;
        else if (strcmp(name, "checkpoint-secs") == 0)
            rc = cli_double(name, optarg, 1e-6, 1e6, &ckpt_secs), secs_given = 1;
        else if (strcmp(name, "data") == 0)
            spec = optarg;
        else if (strcmp(name, "out") == 0)
            to.out = optarg;
        else if (strcmp(name, "epochs") == 0)
            rc = cli_int(name, optarg, 1, 1000000, &v), to.epochs = (int)v, epochs_given = 1;
        else if (strcmp(name, "lr") == 0)
            rc = cli_double(name, optarg, 1e-12, 10, &to.lr), lr_given = 1;
        else if (strcmp(name, "batch") == 0)
            rc = cli_int(name, optarg, 1, 65536, &v), to.batch = (int)v;
        else if (strcmp(name, "weight-decay") == 0)
            rc = cli_double(name, optarg, 0, 10, &to.weight_decay);
        else if (strcmp(name, "clip") == 0)
            rc = cli_double(name, optarg, 0, 1e9, &to.clip);
        else if (strcmp(name, "state-lr") == 0) {
            if (strcmp(optarg, "on") == 0 || strcmp(optarg, "off") == 0)
                to.state_lr = strcmp(optarg, "on") == 0;
            else
                return cli_usage_error(cmd, "--state-lr: '%s' is not on or off", optarg);
        } else if (strcmp(name, "lr-schedule") == 0) {
            if (strcmp(optarg, "cosine") == 0 || strcmp(optarg, "constant") == 0)
                to.cosine = strcmp(optarg, "cosine") == 0;
            else
                return cli_usage_error("train", "--lr-schedule: '%s' is not cosine or constant",
                                       optarg);
        } else if (strcmp(name, "sparsity") == 0)
            rc = cli_double(name, optarg, 0, 1e9, &to.sparsity);
        else if (strcmp(name, "init-rate") == 0)
            rc = cli_double(name, optarg, 0, 1, &to.init_rate);
        else if (strcmp(name, "init-rate-batches") == 0)
            rc = cli_int(name, optarg, 1, 100000000, &v), to.init_rate_batches = (int)v;
        else if (strcmp(name, "patience") == 0)
            rc = cli_int(name, optarg, 0, 1000000, &v), to.patience = (int)v;
        else if (strcmp(name, "threads") == 0)
            rc = cli_int(name, optarg, 1, 1024, &v), to.threads = (int)v;
        else if (strcmp(name, "log") == 0)
            to.log_csv = optarg;
        else if (strcmp(name, "checkpoint") == 0)
            to.checkpoint = optarg;
        else if (strcmp(name, "resume") == 0)
            to.resume = 1;
        else if (strcmp(name, "quiet") == 0)
            quiet = 1;
        else if (strcmp(name, "qat") == 0)
            qat = 1;
        else if (strcmp(name, "qat-epochs") == 0)
            rc = cli_int(name, optarg, 1, 1000000, &qat_epochs), qat = 1;
        else if (strcmp(name, "backend") == 0) {
            if (strcmp(optarg, "float") == 0 || strcmp(optarg, "fixed") == 0)
                fixed = strcmp(optarg, "fixed") == 0;
            else
                return cli_usage_error("train", "--backend: '%s' is not float or fixed", optarg);
        }
        if (rc)
            return cli_error(cmd, rc);
    }
    if (more < 0)
        return code;
    if (!spec)
        return cli_usage_error(cmd, "--data SPEC is required");
    if (!to.out)
        return cli_usage_error(cmd, "--out MODEL is required");
    to.seed = nopt.seed;
    fixed |= device;
    if (fixed && !epochs_given)
        to.epochs = SGL_FT_EPOCHS; /* the integer rule's own default (docs/numerics.md) */
    if (fixed && (to.sparsity > 0 || to.init_rate >= 0 || nopt.cfg.reset_grad || nopt.cfg.alif))
        return cli_usage_error(cmd, "%s: --sparsity, --init-rate, --reset-grad and --alif are "
                               "float only", device ? "device train" : "--backend fixed");
    if (from && !fixed)
        return cli_usage_error(cmd, "--from: only with --backend fixed");
    if (train_samples && !fixed)
        return cli_usage_error(cmd, "--train-samples: only with --backend fixed");
    if (valid_samples && !fixed)
        return cli_usage_error(cmd, "--valid-samples: only with --backend fixed");
    if (window_given && !fixed)
        return cli_usage_error(cmd, "--window: only with --backend fixed");
    if (secs_given && !fixed)
        return cli_usage_error(cmd, "--checkpoint-secs: only with --backend fixed (float "
                               "training checkpoints every epoch and on Ctrl-C)");
    if (from && net_given)
        return cli_usage_error(cmd, "--from: the network comes from %s; network options "
                               "(--hidden, --init, --tau, ...) do not apply", from);

    if (qat && (fixed || nopt.cfg.alif))
        return cli_usage_error("train", "--qat: not with %s", fixed ? "--backend fixed (it trains "
                               "on the twin's integers already)" : "--alif (the twin has no ALIF)");
    if (qat_epochs > to.epochs)
        return cli_usage_error("train", "--qat-epochs: %ld is more than --epochs %d", qat_epochs,
                               to.epochs);
    if (fixed && lr_given && (lround(ldexp(to.lr, SGL_FT_LR_FRAC)) < 1 ||
                              lround(ldexp(to.lr, SGL_FT_LR_FRAC)) > 65535))
        return cli_usage_error(cmd, "--lr: %g is outside the integer rule's 2^-16..65535/65536 "
                               "(an integer of 2^-16)", to.lr);
    if (fixed && !from) {
        /* as --qat: the twin's decay before the initialization and the rate calibration, so
         * that the quantized start keeps the calibrated rate (at tau 20 the twin's k = 4
         * leaves the layer nearly silent) */
        int k = sgl_qat_decay_shift(nopt.cfg.tau, &to.qat_opts);
        if (!quiet)
            fprintf(stderr, "train: fixed backend: decay shift %d: tau %g -> %.4f\n", k,
                    nopt.cfg.tau, sgl_qat_tau(k));
        nopt.cfg.tau = sgl_qat_tau(k);
    }
    if (qat) {
        /* the twin's decay from the start: initialization and calibration see it too */
        int k = sgl_qat_decay_shift(nopt.cfg.tau, &to.qat_opts);
        if (!quiet)
            fprintf(stderr, "train: qat: decay shift %d: tau %g -> %.4f (alpha 1 - 2^-%d), "
                    "theta_log2 %d, QAT %s\n", k, nopt.cfg.tau, sgl_qat_tau(k), k,
                    to.qat_opts.theta_log2, qat_epochs ? "for the last epochs" : "from the start");
        nopt.cfg.tau = sgl_qat_tau(k);
        to.qat_from = qat_epochs ? to.epochs - (int)qat_epochs : 0;
    }
    sgl_data train = {0}, valid = {0};
    if ((rc = cli_check_writable("out", to.out)) ||
        (to.checkpoint && (rc = cli_check_writable("checkpoint", to.checkpoint))) ||
        (to.log_csv && (rc = cli_check_writable("log", to.log_csv))))
        return cli_error(cmd, rc);
    if ((rc = cli_input(sgl_data_load(&train, spec, SGL_SPLIT_TRAIN))) ||
        (rc = cli_input(sgl_data_load(&valid, spec, SGL_SPLIT_VALID)))) {
        sgl_data_free(&train);
        return cli_error(cmd, rc);
    }
    if (train_samples && train_samples < train.n_samples)
        train.n_samples = (int)train_samples; /* the first N (the data set's own order) */
    if (valid_samples && valid_samples < valid.n_samples)
        valid.n_samples = (int)valid_samples; /* in the checkpoint's fingerprint too */
    sgl_net net = {0};
    sgl_init_report rep[SGL_MAX_LAYERS];
    if (from) { /* the fixed backend's start; a resumed run starts from it again */
        rc = cli_input(sgl_model_load(from, &net, NULL));
        if (!rc && (net.cfg.n_in != train.n_units || net.cfg.n_out != train.n_classes ||
                    net.cfg.n_steps != train.n_steps)) {
            rc = sgl_fail(SGL_EUSAGE, "--from %s: %d inputs, %d classes, %d steps; %s has %d, "
                          "%d, %d", from, net.cfg.n_in, net.cfg.n_out, net.cfg.n_steps,
                          train.name, train.n_units, train.n_classes, train.n_steps);
            sgl_net_free(&net);
        }
    } else if (!to.resume || fixed) /* fixed: the checkpoint holds the weights, not the net */
        rc = cli_make_net(&nopt, &train, &net, rep);
    if (rc) {
        sgl_data_free(&train);
        sgl_data_free(&valid);
        return cli_error(cmd, rc);
    }
    char meta[2048];
    int k = snprintf(meta, sizeof meta, "command:");
    for (int i = 0; i < argc && k < (int)sizeof meta - 1; i++)
        k += snprintf(meta + k, sizeof meta - (size_t)k, " %s", argv[i]);
    snprintf(meta + k, sizeof meta - (size_t)k, "\ndata: %s\nseed: %llu\n", train.name,
             (unsigned long long)nopt.seed);
    to.meta = meta;
    train_progress tp = {{0, 0}, 0, 0, 0};
    cli_progress_init(&tp.ps, quiet);
    const char *hook = getenv("SGLIF_TEST_SIGINT_AFTER");
    if (hook)
        tp.sigint_after = atol(hook);
    if ((hook = getenv("SGLIF_TEST_SIGKILL_AFTER")))
        tp.kill_after = atol(hook);
    to.progress = on_progress;
    to.progress_user = &tp;
    to.stop = &stop_flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (!quiet)
        fprintf(stderr, "train: %s, %d train / %d valid samples, seed %llu, %d threads\n",
                train.name, train.n_samples, valid.n_samples, (unsigned long long)nopt.seed,
                sgl_threads(to.threads));
    sgl_train_result res;
    if (fixed)
        rc = train_fixed(&net, &train, &valid, &to, lr_given, meta, quiet,
                         device ? &bo : NULL, ckpt_secs, from, (int)window);
    else
        rc = sgl_train(&net, &train, &valid, &to, &res);
    if (rc) {
        if (tp.ps.tty && !quiet)
            fputc('\n', stderr);
        rc = cli_error(cmd, rc);
    } else if (!fixed) {
        printf("best valid accuracy: %.4f (epoch %d of %d)\n", res.best_valid_acc,
               res.best_epoch, res.epochs_run);
        printf("model: %s\n", to.out);
        if (qat)
            rc = qat_round_trip(to.out, &valid, &to.qat_opts, to.threads);
        if (rc)
            rc = cli_error("train", rc);
    }
    sgl_net_free(&net);
    sgl_data_free(&train);
    sgl_data_free(&valid);
    return rc;
}

int cmd_train(int argc, char **argv) { return train_main(argc, argv, 0); }

int cmd_device_train(int argc, char **argv) { return train_main(argc, argv, 1); }
