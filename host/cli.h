/* SPDX-License-Identifier: MIT */
/* Shared pieces of the `sglif` subcommands: option parsing helpers, the network options that
 * train and init share, error printing. */
#ifndef SGLIF_CLI_H
#define SGLIF_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "init.h"
#include "data.h"
#include "net.h"

#define SGL_EXIT_CODES_HELP                                                                    \
    "Exit codes: 0 success, 1 runtime failure, 2 bad command line, 3 missing or malformed\n"   \
    "input (data set, model file), 4 device error, 130 interrupted (a checkpoint was saved).\n"

/* Print "sglif CMD: message" to stderr and return the exit code for rc. */
int cli_error(const char *cmd, int rc);
/* Print a usage error and return SGL_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict number parsing: the whole string, finite, within [lo, hi]. 0 or -SGL_EUSAGE. */
int cli_int(const char *opt, const char *s, long lo, long hi, long *out);
int cli_double(const char *opt, const char *s, double lo, double hi, double *out);
int cli_u64(const char *opt, const char *s, uint64_t *out);

/* Network options shared by `train` and `init`. */
typedef struct {
    sgl_config cfg;  /* n_in, n_out, n_steps filled from the data */
    int init;        /* sgl_init_kind */
    unsigned conds;  /* Conditions applied by --init stable */
    int knob_set;    /* bit 0 dampening, bit 1 sharpness, bit 2 tail-fatness given explicitly */
    uint64_t seed;
    double start_rate; /* bias calibration target after init; < 0 = off (calibrate.h) */
    double start_rate_reached[SGL_MAX_LAYERS];
} cli_net_opts;

void cli_net_defaults(cli_net_opts *n);
/* Handle one of the network options (long option name `name`, argument `arg`). Returns 1 if
 * handled, 0 if not a network option, or -SGL_EUSAGE. */
int cli_net_option(cli_net_opts *n, const char *name, const char *arg);
/* The getopt_long entries of the network options (terminated by a zero entry). */
extern const struct option cli_net_longopts[];
#define CLI_NET_HELP                                                                           \
    "  --hidden N[,N[,N]]   hidden recurrent LIF layers and widths (default 256)\n"            \
    "  --sg SHAPE           triangular, exponential, gaussian, rectangular, sigmoid,\n"        \
    "                       fast-sigmoid (default), q-pseudospike\n"                          \
    "  --dampening G        SG height gamma (default 1; chosen by Condition III with\n"        \
    "                       --init stable unless given)\n"                                     \
    "  --sharpness B        SG inverse width beta (default 1; Condition IV unless given)\n"    \
    "  --tail-fatness Q     q of q-pseudospike (default 2; Condition IV unless given)\n"       \
    "  --init KIND          stable (default: Conditions I-IV), glorot, orthogonal\n"           \
    "  --conditions LIST    with --init stable: which Conditions, e.g. I,II (default all;\n"   \
    "                       'none' = glorot W_rec with the stable code path)\n"                \
    "  --reset MODE         sub (default) or mult\n"                                           \
    "  --reset-grad         keep the gradient through the reset term (the paper cuts it)\n"    \
    "  --alif               adaptive threshold (beta_a 1.8, tau_a = steps / 2)\n"              \
    "  --tau T              membrane time constant in steps (default 20)\n"                    \
    "  --theta V            threshold (default 1)\n"                                           \
    "  --seed S             seed of the initialization and of the training order (default 0)\n"  \
    "  --start-rate F|off   after --init stable, shift each layer's bias currents so that\n"    \
    "                       the initial firing rate is F (default 0.5; docs/method.md)\n"

/* Build and initialize a network for data set d (its size, input statistics for Condition
 * II and, with --init stable, the initial-rate calibration). report: n_layers entries. */
int cli_make_net(cli_net_opts *n, const sgl_data *d, sgl_net *net, sgl_init_report *report);

/* Concatenate two option tables (either may be NULL) and add --help (returns 'h'); also
 * readies getopt_long for a new command line (optind = 1, its own messages off). */
int cli_merge_opts(const struct option *a, const struct option *b, struct option *out, int cap);

/* The next long option of a subcommand: 1 with *name (and optarg) set; 0 when the options are
 * done and no stray argument follows (with rest_ok, arguments after "--" are left at
 * argv[optind...]); -1 with *exit_code set after printing --help (0) or a one-line usage error
 * (SGL_EXIT_USAGE). */
int cli_next(int argc, char **argv, const struct option *opts, const char *cmd, const char *help,
             int rest_ok, const char **name, int *exit_code);

/* The usage error for getopt_long's ':' (missing argument) or '?' (unknown option); call
 * getopt_long with an option string starting with ':' and opterr = 0. */
int cli_bad_option(const char *cmd, int c, char **argv);

/* CSV tables (results.csv, training logs), read whole; defined in cmd_sweep.c. */
typedef struct {
    int n_cols, n_rows;
    char **head;  /* [n_cols] */
    char ***cell; /* [n_rows][n_cols], "" where a row is short */
} cli_csv;
int cli_csv_read(const char *path, cli_csv *t);
int cli_csv_col(const cli_csv *t, const char *name); /* -1 if absent */
void cli_csv_free(cli_csv *t);
void cli_csv_field(FILE *f, const char *s); /* write one field, quoted if needed */

/* Reading an input the user named (data set, model file): a file that cannot be opened counts
 * as missing input (exit code 3), like a malformed one. Returns rc with -SGL_EIO made
 * -SGL_EDATA. */
int cli_input(int rc);
/* Check, before long work, that a file can be created at path (the option names it in the
 * message); nothing is left behind. */
int cli_check_writable(const char *opt, const char *path);

/* Subcommands. */
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_lut(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_device(int argc, char **argv);
int cmd_nir(int argc, char **argv);
/* sglif device train (host/cmd_train.c: sglif train --backend fixed on the board) */
int cmd_device_train(int argc, char **argv);

#endif
