/* SPDX-License-Identifier: MIT */
/* sglif nir export | import: models to and from NIR graphs (sw/nir.c, docs/formats.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "nir.h"

static const char HELP[] =
    "usage: sglif nir export --model MODEL --out FILE.nir [--dt DT] [--approx-reset]\n"
    "       sglif nir import FILE.nir --out MODEL [--dt DT] [--steps N]\n"
    "Write a model as a NIR graph (HDF5), or read a NIR graph into a model file\n"
    "(docs/formats.md gives the mapping of every parameter).\n\n"
    "  --model MODEL        the model to export\n"
    "  --out FILE           the NIR file (export) or the model file (import)\n"
    "  --dt DT              seconds per step (default 1e-4, the dt of snnTorch's exporter\n"
    "                       and importer): tau = dt / (1 - alpha), r = tau / dt\n"
    "  --approx-reset       export a subtractive-reset model as reset to 0 (NIR's LIF\n"
    "                       resets to v_reset): the overshoot v - theta is dropped\n"
    "  --steps N            import: the model's steps per sample (default 100)\n\n"
    "Import refuses, with one line naming the node and why (exit 3): CubaLIF, LI,\n"
    "convolutions, delays, pooling, nested graphs, unequal shapes, time constants or\n"
    "thresholds that differ between neurons or layers, v_reset != 0.\n\n" SGL_EXIT_CODES_HELP;

int cmd_nir(int argc, char **argv)
{
    static const struct option own[] = {{"model", required_argument, 0, 0},
                                        {"out", required_argument, 0, 0},
                                        {"dt", required_argument, 0, 0},
                                        {"steps", required_argument, 0, 0},
                                        {"approx-reset", no_argument, 0, 0},
                                        {0, 0, 0, 0}};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(HELP, stdout);
        return SGL_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "export") && strcmp(argv[1], "import")))
        return cli_usage_error("nir", "expected 'export' or 'import' (see sglif nir --help)");
    const int import = strcmp(argv[1], "import") == 0;
    argc--;
    argv++;
    char *file = NULL; /* import's NIR file: the first argument */
    if (import && argc >= 2 && argv[1][0] != '-') {
        file = argv[1];
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    struct option opts[16];
    cli_merge_opts(own, NULL, opts, 16);
    char *model = NULL, *out = NULL;
    double dt = SGL_NIR_DT_DEFAULT;
    long steps = 100;
    int approx = 0, rc, more, code;
    const char *name;
    while ((more = cli_next(argc, argv, opts, "nir", HELP, 0, &name, &code)) > 0) {
        if (strcmp(name, "model") == 0)
            model = optarg;
        else if (strcmp(name, "out") == 0)
            out = optarg;
        else if (strcmp(name, "approx-reset") == 0)
            approx = 1;
        else if (strcmp(name, "dt") == 0) {
            if ((rc = cli_double(name, optarg, 1e-12, 1e6, &dt)))
                return cli_error("nir", rc);
        } else if (strcmp(name, "steps") == 0) {
            if ((rc = cli_int(name, optarg, 1, 65535, &steps)))
                return cli_error("nir", rc);
        }
    }
    if (more < 0)
        return code;
    if (import) {
        if (!file || !out)
            return cli_usage_error("nir", "import takes a NIR file, then --out MODEL");
        if (model || approx)
            return cli_usage_error("nir", "import takes no --model or --approx-reset");
        sgl_net net;
        sgl_nir_import_opts o = {dt, (int)steps};
        if ((rc = cli_input(sgl_nir_import(file, &o, &net))))
            return cli_error("nir", rc);
        char meta[4400];
        snprintf(meta, sizeof meta, "nir: %s\ndt: %g\n", file, dt);
        rc = sgl_model_save(out, &net, meta);
        if (!rc) {
            printf("nir import: %d", net.cfg.n_in);
            for (int l = 0; l < net.cfg.n_layers; l++)
                printf(" -> %d", net.cfg.n_hidden[l]);
            printf(" -> %d, tau %.6g steps (alpha %.9g), theta %g, reset to 0\n", net.cfg.n_out,
                   net.cfg.tau, sgl_config_alpha(&net.cfg), net.cfg.theta);
        }
        sgl_net_free(&net);
        return rc ? cli_error("nir", rc) : SGL_EXIT_OK;
    }
    if (!model || !out)
        return cli_usage_error("nir", "export needs --model and --out");
    if (steps != 100)
        return cli_usage_error("nir", "--steps is an import option");
    sgl_net net;
    if ((rc = cli_input(sgl_model_load(model, &net, NULL))))
        return cli_error("nir", rc);
    sgl_nir_export_opts o = {dt, approx};
    rc = sgl_nir_export(&net, out, &o);
    if (!rc)
        printf("nir export: %s: tau %.9g s, r %.9g, dt %g%s\n", out,
               dt / (1 - sgl_config_alpha(&net.cfg)), 1 / (1 - sgl_config_alpha(&net.cfg)), dt,
               net.cfg.reset == SGL_RESET_SUB ? " (subtractive reset written as reset to 0)" : "");
    sgl_net_free(&net);
    return rc ? cli_error("nir", rc) : SGL_EXIT_OK;
}
