/* SPDX-License-Identifier: MIT */
/* sglif eval: accuracy of a model on the test split of a data set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dump.h"
#include "data.h"
#include "fixed.h"
#include "model.h"
#include "train.h"

static const char HELP[] =
    "usage: sglif eval --model MODEL --data SPEC [--split test|valid|train] [--threads N]\n"
    "                  [--predictions FILE] [--backend float|fixed|rtl] [--dump FILE.h5]\n"
    "Score a model; the last line is 'accuracy: 0.xxxx (n=N)'.\n\n"
    "  --model MODEL        a model file written by 'sglif train'\n"
    "  --data SPEC          the data set (docs/data.md); its test split by default\n"
    "  --split S            which split to score (default test)\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  --predictions FILE   write 'index,label,prediction' lines\n"
    "  --dump FILE.h5       write per sample the input, every layer's spikes and the\n"
    "                       readout's per-step values (HDF5, docs/formats.md; float and\n"
    "                       fixed backends); 'sglif plot raster --dump' draws it\n"
    "  --backend B          float (default) or fixed: quantize the model and run the\n"
    "                       integer twin of the hardware (docs/numerics.md); or rtl:\n"
    "                       run the RTL core under Verilator (the program sglif-rtl next\n"
    "                       to sglif: make build/bin/sglif-rtl; docs/rtl.md)\n\n" SGL_EXIT_CODES_HELP;

/* --backend rtl: run sglif-rtl, found next to this program, with the same model, data, split
 * and predictions file; its exit code is ours. */
static int eval_rtl(char *model, char *spec, char *split, char *pfile)
{
    char path[4096];
    ssize_t k = readlink("/proc/self/exe", path, sizeof path - 16); /* room for the name */
    char *slash = NULL;
    if (k > 0) {
        path[k] = 0;
        slash = strrchr(path, '/');
    }
    if (!slash) {
        fprintf(stderr, "sglif eval: --backend rtl: /proc/self/exe: cannot find the directory "
                        "of the sglif program\n");
        return SGL_EXIT_FAIL;
    }
    strcpy(slash + 1, "sglif-rtl");
    if (access(path, X_OK) != 0) {
        fprintf(stderr, "sglif eval: --backend rtl: %s not found; build it with make "
                        "build/bin/sglif-rtl\n", path);
        return SGL_EXIT_FAIL;
    }
    static char o_model[] = "--model", o_data[] = "--data", o_split[] = "--split",
                o_pred[] = "--predictions";
    char *args[] = {path, o_model, model, o_data, spec, o_split, split,
                    pfile ? o_pred : NULL, pfile, NULL};
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sglif eval: --backend rtl: cannot start %s\n", path);
        return SGL_EXIT_FAIL;
    }
    if (pid == 0) {
        execv(path, args);
        fprintf(stderr, "sglif eval: --backend rtl: cannot run %s\n", path);
        _exit(SGL_EXIT_FAIL);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "sglif eval: --backend rtl: waiting for %s: %s\n", path,
                    strerror(errno));
            return SGL_EXIT_FAIL;
        }
    return WIFEXITED(st) ? WEXITSTATUS(st) : SGL_EXIT_FAIL;
}

/* --dump: every sample again, its spikes and per-step readout into FILE (host/dump.c). The
 * fixed backend dumps the twin's spikes and its integer readout times 2^-out_frac. */
static int eval_dump(const sgl_net *net, const sgl_data *d, int fixed, const char *path,
                     const char *model, const char *spec, const int *pred)
{
    const sgl_config *c = &net->cfg;
    const int T = c->n_steps, L = c->n_layers, C = c->n_out;
    cli_dump *dp = NULL;
    uint8_t *z[SGL_MAX_LAYERS] = {0};
    double *ro = sgl_calloc((size_t)T * (size_t)C, sizeof(double));
    sgl_work *w = fixed ? NULL : sgl_work_new(net, 1, 1);
    sgl_fixed_net q;
    sgl_fixed_opts fo;
    int rc = ro && (fixed || w) ? 0 : -SGL_ENOMEM, have_q = 0;
    for (int l = 0; l < L && !rc; l++)
        if (!(z[l] = sgl_calloc((size_t)T * (size_t)c->n_hidden[l], 1)))
            rc = -SGL_ENOMEM;
    if (!rc && fixed) {
        sgl_fixed_opts_default(&fo);
        have_q = !(rc = sgl_fixed_quantize(net, &q, &fo, NULL));
    }
    if (!rc)
        rc = cli_dump_open(&dp, path, c, d->n_samples, fixed ? "fixed" : "float", model, spec);
    cli_dump_trace_ctx tc = {z, T};
    for (int i = 0; i < d->n_samples && !rc; i++) {
        sgl_sample s = sgl_data_sample(d, i);
        if (!fixed)
            rc = cli_dump_float(w, net, &s, z, ro);
        else if (!(rc = sgl_fixed_forward(&q, &s, NULL, NULL, NULL, cli_dump_trace, &tc)))
            cli_dump_fixed_readout(&q, z[L - 1], ro);
        if (!rc)
            rc = cli_dump_sample(dp, i, &s, z, ro, pred[i]);
    }
    int rc2 = cli_dump_close(dp);
    if (have_q)
        sgl_fixed_free(&q);
    if (w)
        sgl_work_free(w);
    for (int l = 0; l < L; l++)
        free(z[l]);
    free(ro);
    return rc ? rc : rc2;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option own[] = {{"model", required_argument, 0, 0},
                                        {"data", required_argument, 0, 0},
                                        {"split", required_argument, 0, 0},
                                        {"threads", required_argument, 0, 0},
                                        {"predictions", required_argument, 0, 0},
                                        {"backend", required_argument, 0, 0},
                                        {"dump", required_argument, 0, 0},
                                        {0, 0, 0, 0}};
    struct option opts[16];
    cli_merge_opts(own, NULL, opts, 16);
    char *model = NULL, *spec = NULL, *pfile = NULL, *split_name = NULL, *dfile = NULL;
    sgl_split split = SGL_SPLIT_TEST;
    long threads = 0;
    int rc, fixed = 0, rtl = 0;
    const char *name;
    int more, code;
    while ((more = cli_next(argc, argv, opts, "eval", HELP, 0, &name, &code)) > 0) {
        if (strcmp(name, "model") == 0)
            model = optarg;
        else if (strcmp(name, "data") == 0)
            spec = optarg;
        else if (strcmp(name, "predictions") == 0)
            pfile = optarg;
        else if (strcmp(name, "dump") == 0)
            dfile = optarg;
        else if (strcmp(name, "backend") == 0) {
            if (strcmp(optarg, "float") == 0 || strcmp(optarg, "fixed") == 0 ||
                strcmp(optarg, "rtl") == 0) {
                fixed = strcmp(optarg, "fixed") == 0;
                rtl = strcmp(optarg, "rtl") == 0;
            } else
                return cli_usage_error("eval", "--backend: '%s' is not float, fixed or rtl",
                                       optarg);
        }
        else if (strcmp(name, "threads") == 0) {
            if ((rc = cli_int(name, optarg, 1, 1024, &threads)))
                return cli_error("eval", rc);
        } else if (strcmp(name, "split") == 0) {
            split_name = optarg;
            if (strcmp(optarg, "test") == 0)
                split = SGL_SPLIT_TEST;
            else if (strcmp(optarg, "valid") == 0)
                split = SGL_SPLIT_VALID;
            else if (strcmp(optarg, "train") == 0)
                split = SGL_SPLIT_TRAIN;
            else
                return cli_usage_error("eval", "--split: '%s' is not test, valid or train",
                                       optarg);
        }
    }
    if (more < 0)
        return code;
    if (!model || !spec)
        return cli_usage_error("eval", "--model and --data are required");
    if (rtl && dfile)
        return cli_usage_error("eval", "--dump: not with --backend rtl (use float or fixed)");
    if (rtl) {
        static char test_split[] = "test";
        return eval_rtl(model, spec, split_name ? split_name : test_split, pfile);
    }
    sgl_net net;
    if ((rc = cli_input(sgl_model_load(model, &net, NULL))))
        return cli_error("eval", rc);
    sgl_data d;
    if ((rc = cli_input(sgl_data_load(&d, spec, split)))) {
        sgl_net_free(&net);
        return cli_error("eval", rc);
    }
    int *pred = malloc(sizeof(int) * (size_t)(d.n_samples > 0 ? d.n_samples : 1));
    double acc = 0, loss = 0, rate[SGL_MAX_LAYERS];
    sgl_fixed_stats fst = {0};
    sgl_fixed_report frep;
    if (!pred)
        rc = sgl_fail(SGL_ENOMEM, "out of memory");
    else if (fixed) {
        sgl_fixed_opts fo;
        sgl_fixed_net q;
        sgl_fixed_opts_default(&fo);
        if (!(rc = sgl_fixed_quantize(&net, &q, &fo, &frep))) {
            rc = sgl_fixed_evaluate(&q, &d, &acc, pred, &fst);
            printf("fixed: theta %ld (2^-%d units), decay shift %d (alpha %.4f for %.4f), "
                   "SG %d x %d bits, shift %d\n",
                   (long)q.theta, q.v_frac, q.decay_shift, frep.alpha_q, frep.alpha,
                   q.sg_entries, q.sg_bits, q.sg_shift);
            sgl_fixed_free(&q);
        }
    } else
        rc = sgl_evaluate(&net, &d, (int)threads, &acc, &loss, pred, rate);
    if (!rc && dfile)
        rc = eval_dump(&net, &d, fixed, dfile, model, spec, pred);
    if (!rc && pfile) {
        FILE *f = fopen(pfile, "w");
        if (!f)
            rc = sgl_fail(SGL_EIO, "%s: cannot create", pfile);
        else {
            fprintf(f, "index,label,prediction\n");
            for (int i = 0; i < d.n_samples; i++)
                fprintf(f, "%d,%d,%d\n", i, d.label[i], pred[i]);
            if (fclose(f))
                rc = sgl_fail(SGL_EIO, "%s: write failed", pfile);
        }
    }
    if (!rc && fixed) {
        printf("saturations: %ld of %ld membrane updates; clipped weights %ld\n",
               fst.v_saturations, fst.updates, frep.w_clipped);
        for (int l = 0; l < net.cfg.n_layers; l++)
            printf("rate%d: %.4f\n", l + 1,
                   d.n_samples ? (double)fst.spikes[l] / ((double)d.n_samples *
                                                          net.cfg.n_steps * net.cfg.n_hidden[l])
                               : 0.0);
        printf("accuracy: %.4f (n=%d)\n", acc, d.n_samples);
    } else if (!rc) {
        printf("loss: %.6f\n", loss);
        for (int l = 0; l < net.cfg.n_layers; l++)
            printf("rate%d: %.4f\n", l + 1, rate[l]);
        printf("accuracy: %.4f (n=%d)\n", acc, d.n_samples);
    }
    free(pred);
    sgl_data_free(&d);
    sgl_net_free(&net);
    return rc ? cli_error("eval", rc) : SGL_EXIT_OK;
}
