/* SPDX-License-Identifier: MIT */
/* sglif: train and run spiking networks of LIF neurons with surrogate gradients.
 * The subcommands live in host/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    {"train", cmd_train, "train a network (float, BPTT with surrogate gradients)"},
    {"eval", cmd_eval, "test accuracy of a model file on a data set"},
    {"init", cmd_init, "what Conditions I-IV choose, and the initial firing rate"},
    {"lut", cmd_lut, "the SG lookup table the hardware loads (CSV or hex)"},
    {"sweep", cmd_sweep, "the paper's grid of SG shapes, knobs, learning rates, seeds"},
    {"plot", cmd_plot, "plots with gnuplot: training curves, SG shapes, spike rasters"},
    {"nir", cmd_nir, "models to and from NIR graphs (snnTorch, Norse, ...; HDF5)"},
    {"device", cmd_device, "the board over its USB link, or a simulated board (so far: info)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sglif COMMAND [OPTIONS]   (sglif COMMAND --help for each)\n\ncommands:\n");
    for (size_t i = 0; i < SGL_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "\n" SGL_EXIT_CODES_HELP);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SGL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SGL_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sglif 0.1.0\n");
        return SGL_EXIT_OK;
    }
    for (size_t i = 0; i < SGL_ARRAY_LEN(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sglif: unknown command '%s' (see 'sglif --help')\n", argv[1]);
    return SGL_EXIT_USAGE;
}
