// SPDX-License-Identifier: MIT
// sglif-rtl: score a trained model on the RTL LIF core (rtl/sglif_lif_core.v under Verilator),
// the program behind `sglif eval --backend rtl` (issue 3). The float model is quantized as
// `eval --backend fixed` does (sgl_fixed_quantize, default options), written into the core
// through its configuration port, and every sample is run step by step (clear; per step: the
// step's events into the event list, start, wait for done); the prediction is the core's
// pred_o. --compare also runs the integer twin (sgl_fixed_evaluate) and counts the samples on
// which both predict the same class. The core's sizes are Verilator parameters fixed at build
// time (sim/rtl_eval.mk); a model that does not fit is refused. See docs/rtl.md.
#include <getopt.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

extern "C" {
#include "data.h"
#include "fixed.h"
#include "model.h"
}
#include "Vsglif_lif_core.h"
#include "verilated.h"
#include "core_port.h"

#ifndef RTL_EVAL_N
#define RTL_EVAL_N 512
#endif
#ifndef RTL_EVAL_N_IN
#define RTL_EVAL_N_IN 1024
#endif
#ifndef RTL_EVAL_EV_AW
#define RTL_EVAL_EV_AW 10
#endif
#ifndef RTL_EVAL_SG_AW
#define RTL_EVAL_SG_AW 12
#endif
#ifndef RTL_EVAL_N_OUT
#define RTL_EVAL_N_OUT 35
#endif
#ifndef RTL_EVAL_P
#define RTL_EVAL_P 8
#endif
#ifndef RTL_EVAL_L
#define RTL_EVAL_L 2
#endif

static const char HELP[] =
    "usage: sglif-rtl --model MODEL --data SPEC [--split test|valid|train]\n"
    "                 [--predictions FILE] [--compare]\n"
    "Score a model on the RTL LIF core (Verilator model of rtl/sglif_lif_core.v); the last\n"
    "line is 'accuracy: 0.xxxx (n=N)'. The model is quantized as 'sglif eval --backend fixed'.\n\n"
    "  --model MODEL        a model file written by 'sglif train' (one or two LIF layers, no\n"
    "                       ALIF)\n"
    "  --data SPEC          the data set (docs/data.md); its test split by default\n"
    "  --split S            which split to score (default test)\n"
    "  --predictions FILE   write 'index,label,prediction' lines (the RTL's predictions)\n"
    "  --compare            also run the integer twin; print 'agree: K of N' (exit 1 if K < N)\n\n"
    "exit codes: 0 ok, 1 runtime failure or disagreement, 2 bad command line or a model the\n"
    "core cannot run, 3 missing or malformed input\n";

/* Print "sglif-rtl: <message>" and return the exit code of rc (-SGL_EIO on input: 3). */
static int fail(int rc)
{
    fprintf(stderr, "sglif-rtl: %s\n", sgl_errmsg());
    return sgl_exit_code(rc);
}

static int usage(const char *msg)
{
    fprintf(stderr, "sglif-rtl: %s (see 'sglif-rtl --help')\n", msg);
    return SGL_EXIT_USAGE;
}

using Core = CorePort;

/* Refuse what the core cannot run, naming the model and the limit. 0 or -SGL_EUSAGE. */
static int fits(const char *path, const sgl_net *net)
{
    const sgl_config *c = &net->cfg;
    if (c->n_layers > RTL_EVAL_L)
        return sgl_fail(SGL_EUSAGE, "%s: %d hidden layers; this sglif-rtl runs at most %d", path,
                        c->n_layers, RTL_EVAL_L);
    if (c->alif)
        return sgl_fail(SGL_EUSAGE, "%s: ALIF neurons; the RTL core runs LIF only", path);
    int n_max = 0;
    for (int l = 0; l < c->n_layers; l++)
        n_max = c->n_hidden[l] > n_max ? c->n_hidden[l] : n_max;
    if (n_max > RTL_EVAL_N || c->n_in > RTL_EVAL_N_IN || c->n_out > RTL_EVAL_N_OUT)
        return sgl_fail(SGL_EUSAGE,
                        "%s: %d inputs, %d neurons in a layer, %d classes; this sglif-rtl was "
                        "built for at most %d, %d, %d (rebuild with RTL_EVAL_N_IN, RTL_EVAL_N, "
                        "RTL_EVAL_N_OUT, sim/rtl_eval.mk)",
                        path, c->n_in, n_max, c->n_out, RTL_EVAL_N_IN, RTL_EVAL_N,
                        RTL_EVAL_N_OUT);
    return 0;
}

/* One sample through the core; *pred gets pred_o. 0, or a negative code with a message. */
static int run_sample(Core &hw, const sgl_fixed_net *q, const sgl_data *d, int idx, int *pred)
{
    sgl_sample s = sgl_data_sample(d, idx);
    int n = 0;
    for (int l = 0; l < q->n_layers; l++)
        n += q->layer[l].n;
    hw.top->clear_i = 1;
    hw.tick();
    hw.top->clear_i = 0;
    if (hw.wait_done((uint64_t)n + 100))
        return sgl_fail(SGL_EDEVICE, "%s: sample %d: the core never finished the clear",
                        d->name, idx);
    int k = 0;
    for (int t = 0; t < q->n_steps; t++) {
        int n_ev = 0;
        for (; k < s.n_ev && s.ev_t[k] == t; k++) {
            if (n_ev == 1 << RTL_EVAL_EV_AW)
                return sgl_fail(SGL_EUSAGE, "%s: sample %d step %d: more than %d input events; "
                                "this sglif-rtl was built with RTL_EVAL_EV_AW=%d", d->name, idx,
                                t, 1 << RTL_EVAL_EV_AW, RTL_EVAL_EV_AW);
            hw.write(SEL_EV, (uint32_t)n_ev++, s.ev_u[k]);
        }
        hw.top->n_ev_i = (uint16_t)n_ev;
        hw.top->start_i = 1;
        hw.tick();
        hw.top->start_i = 0;
        /* at most docs/rtl.md's figure with every neuron spiking in the previous step */
        uint64_t limit = (uint64_t)step_overhead(RTL_EVAL_N_OUT, 1) + 1;
        for (int l = 0; l < q->n_layers; l++)
            limit += layer_cycles(RTL_EVAL_P, q->layer[l].n,
                                  (uint64_t)(l == 0 ? n_ev : q->layer[0].n) + q->layer[l].n);
        if (hw.wait_done(limit))
            return sgl_fail(SGL_EDEVICE, "%s: sample %d step %d: the core never finished the "
                            "step", d->name, idx, t);
    }
    if (k != s.n_ev)
        return sgl_fail(SGL_EDATA, "%s: sample %d: event %d at step %d, beyond the net's %d "
                        "steps or out of order", d->name, idx, k, (int)s.ev_t[k], q->n_steps);
    *pred = (int)hw.top->pred_o;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"data", required_argument, 0, 'd'},
                                         {"split", required_argument, 0, 's'},
                                         {"predictions", required_argument, 0, 'p'},
                                         {"compare", no_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL, *spec = NULL, *pfile = NULL;
    sgl_split split = SGL_SPLIT_TEST;
    bool compare = false;
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'm': model = optarg; break;
        case 'd': spec = optarg; break;
        case 'p': pfile = optarg; break;
        case 'c': compare = true; break;
        case 'h': fputs(HELP, stdout); return SGL_EXIT_OK;
        case 's':
            if (strcmp(optarg, "test") == 0)
                split = SGL_SPLIT_TEST;
            else if (strcmp(optarg, "valid") == 0)
                split = SGL_SPLIT_VALID;
            else if (strcmp(optarg, "train") == 0)
                split = SGL_SPLIT_TRAIN;
            else
                return usage("--split: not test, valid or train");
            break;
        default: {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown or incomplete option '%s'", argv[optind - 1]);
            return usage(msg);
        }
        }
    }
    if (optind < argc)
        return usage("unexpected argument");
    if (!model || !spec)
        return usage("--model and --data are required");

    int rc;
    sgl_net net;
    if ((rc = sgl_model_load(model, &net, NULL)))
        return fail(rc == -SGL_EIO ? -SGL_EDATA : rc);
    if ((rc = fits(model, &net))) {
        sgl_net_free(&net);
        return fail(rc);
    }
    sgl_fixed_opts fo;
    sgl_fixed_opts_default(&fo);
    sgl_fixed_report frep;
    sgl_fixed_net q;
    rc = sgl_fixed_quantize(&net, &q, &fo, &frep);
    sgl_net_free(&net);
    if (rc)
        return fail(rc);
    if (q.sg_entries > 1 << RTL_EVAL_SG_AW) {
        sgl_fail(SGL_EUSAGE, "%s: SG table of %d entries; this sglif-rtl was built for at most "
                 "%d (RTL_EVAL_SG_AW=%d)", model, q.sg_entries, 1 << RTL_EVAL_SG_AW,
                 RTL_EVAL_SG_AW);
        sgl_fixed_free(&q);
        return fail(-SGL_EUSAGE);
    }
    sgl_data d;
    if ((rc = sgl_data_load(&d, spec, split))) {
        sgl_fixed_free(&q);
        return fail(rc == -SGL_EIO ? -SGL_EDATA : rc);
    }
    if (d.n_units != q.n_in || d.n_classes != q.n_out || d.n_steps != q.n_steps) {
        rc = sgl_fail(SGL_EUSAGE, "%s: data has %d inputs, %d classes, %d steps; the net %d, "
                      "%d, %d", d.name, d.n_units, d.n_classes, d.n_steps, q.n_in, q.n_out,
                      q.n_steps);
        sgl_data_free(&d);
        sgl_fixed_free(&q);
        return fail(rc);
    }
    printf("rtl: sglif_lif_core N %d, N_IN %d, N_OUT %d, P %d lanes, L %d layers, %d events "
           "per step, SG table %d entries (Verilator)\n", RTL_EVAL_N, RTL_EVAL_N_IN,
           RTL_EVAL_N_OUT, RTL_EVAL_P, RTL_EVAL_L, 1 << RTL_EVAL_EV_AW, 1 << RTL_EVAL_SG_AW);
    printf("fixed: theta %ld (2^-%d units), decay shift %d (alpha %.4f for %.4f), SG %d x %d "
           "bits, shift %d\n", (long)q.theta, q.v_frac, q.decay_shift, frep.alpha_q,
           frep.alpha, q.sg_entries, q.sg_bits, q.sg_shift);
    fflush(stdout);

    auto ctx = std::make_unique<VerilatedContext>();
    Core hw;
    hw.ctx = ctx.get();
    hw.shape(RTL_EVAL_N, RTL_EVAL_N_IN, RTL_EVAL_N_OUT, RTL_EVAL_P, RTL_EVAL_L, 1);
    hw.top = new Vsglif_lif_core{ctx.get()};
    hw.top->rst_i = 1;
    hw.top->argmax_i = 1; /* every step ends with the argmax scan (pred_o) */
    hw.tick();
    hw.tick();
    hw.top->rst_i = 0;

    std::vector<int> pred((size_t)(d.n_samples > 0 ? d.n_samples : 1));
    auto t0 = std::chrono::steady_clock::now();
    hw.load_net(&q, true);
    uint64_t cfg_cycles = hw.cycles;
    int correct = 0;
    for (int i = 0; i < d.n_samples && !rc; i++) {
        rc = run_sample(hw, &q, &d, i, &pred[(size_t)i]);
        correct += !rc && pred[(size_t)i] == d.label[i];
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    hw.top->final();
    delete hw.top;

    if (!rc)
        printf("rtl: %d samples in %.2f s (%.1f samples/s), %.1f M cycles (%.1f k to "
               "configure), %.1f M cycles/s\n", d.n_samples, secs,
               secs > 0 ? d.n_samples / secs : 0.0, (double)hw.cycles / 1e6,
               (double)cfg_cycles / 1e3, secs > 0 ? (double)hw.cycles / secs / 1e6 : 0.0);
    if (!rc && pfile) {
        FILE *f = fopen(pfile, "w");
        if (!f)
            rc = sgl_fail(SGL_EIO, "%s: cannot create", pfile);
        else {
            fprintf(f, "index,label,prediction\n");
            for (int i = 0; i < d.n_samples; i++)
                fprintf(f, "%d,%d,%d\n", i, d.label[i], pred[(size_t)i]);
            if (fclose(f))
                rc = sgl_fail(SGL_EIO, "%s: write failed", pfile);
        }
    }
    int agree = d.n_samples;
    if (!rc && compare) {
        std::vector<int> tp((size_t)(d.n_samples > 0 ? d.n_samples : 1));
        double tacc = 0;
        rc = sgl_fixed_evaluate(&q, &d, &tacc, tp.data(), NULL);
        if (!rc) {
            agree = 0;
            int shown = 0;
            for (int i = 0; i < d.n_samples; i++) {
                if (tp[(size_t)i] == pred[(size_t)i]) {
                    agree++;
                } else if (shown++ < 5) {
                    fprintf(stderr, "sglif-rtl: sample %d: rtl predicts %d, twin %d\n", i,
                            pred[(size_t)i], tp[(size_t)i]);
                }
            }
            printf("agree: %d of %d (twin accuracy %.4f)\n", agree, d.n_samples, tacc);
        }
    }
    int n_samples = d.n_samples;
    sgl_data_free(&d);
    sgl_fixed_free(&q);
    if (rc)
        return fail(rc);
    printf("accuracy: %.4f (n=%d)\n", n_samples ? (double)correct / n_samples : 0.0, n_samples);
    return agree == n_samples ? SGL_EXIT_OK : SGL_EXIT_FAIL;
}
