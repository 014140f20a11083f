/* SPDX-License-Identifier: MIT */
/* Option parsing helpers and the network options shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "rng.h"

int cli_error(const char *cmd, int rc)
{
    fprintf(stderr, "sglif %s: %s\n", cmd, sgl_errmsg());
    return sgl_exit_code(rc);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sglif %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'sglif %s --help')\n", cmd);
    return SGL_EXIT_USAGE;
}

int cli_int(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return sgl_fail(SGL_EUSAGE, "--%s: '%s' is not an integer", opt, s);
    if (v < lo || v > hi)
        return sgl_fail(SGL_EUSAGE, "--%s: %ld is outside %ld..%ld", opt, v, lo, hi);
    *out = v;
    return 0;
}

int cli_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return sgl_fail(SGL_EUSAGE, "--%s: '%s' is not a number", opt, s);
    if (v < lo || v > hi)
        return sgl_fail(SGL_EUSAGE, "--%s: %g is outside %g..%g", opt, v, lo, hi);
    *out = v;
    return 0;
}

int cli_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-')
        return sgl_fail(SGL_EUSAGE, "--%s: '%s' must not be negative", opt, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return sgl_fail(SGL_EUSAGE, "--%s: '%s' is not a non-negative integer", opt, s);
    *out = v;
    return 0;
}

const struct option cli_net_longopts[] = {
    {"hidden", required_argument, 0, 0},     {"sg", required_argument, 0, 0},
    {"dampening", required_argument, 0, 0},  {"sharpness", required_argument, 0, 0},
    {"tail-fatness", required_argument, 0, 0}, {"init", required_argument, 0, 0},
    {"conditions", required_argument, 0, 0}, {"reset", required_argument, 0, 0},
    {"reset-grad", no_argument, 0, 0},       {"alif", no_argument, 0, 0},
    {"tau", required_argument, 0, 0},        {"theta", required_argument, 0, 0},
    {"seed", required_argument, 0, 0},       {"start-rate", required_argument, 0, 0},
    {0, 0, 0, 0}};

void cli_net_defaults(cli_net_opts *n)
{
    memset(n, 0, sizeof *n);
    sgl_config_default(&n->cfg);
    n->init = SGL_INIT_STABLE;
    n->conds = SGL_COND_ALL;
    n->start_rate = 0.5;
}

static int parse_conditions(const char *s, unsigned *out)
{
    if (strcmp(s, "none") == 0) {
        *out = 0;
        return 0;
    }
    if (strcmp(s, "all") == 0) {
        *out = SGL_COND_ALL;
        return 0;
    }
    unsigned m = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *tok = strtok_r(buf, ",+", &save); tok;
         tok = strtok_r(NULL, ",+", &save)) {
        if (strcmp(tok, "I") == 0)
            m |= SGL_COND_I;
        else if (strcmp(tok, "II") == 0)
            m |= SGL_COND_II;
        else if (strcmp(tok, "III") == 0)
            m |= SGL_COND_III;
        else if (strcmp(tok, "IV") == 0)
            m |= SGL_COND_IV;
        else
            return sgl_fail(SGL_EUSAGE, "--conditions: '%s' is not one of I, II, III, IV, all, "
                                        "none",
                            tok);
    }
    *out = m;
    return 0;
}

int cli_net_option(cli_net_opts *n, const char *name, const char *arg)
{
    sgl_config *c = &n->cfg;
    long v;
    int rc = 0;
    if (strcmp(name, "hidden") == 0) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", arg);
        int k = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (k == SGL_MAX_LAYERS)
                return sgl_fail(SGL_EUSAGE, "--hidden: at most %d layers", SGL_MAX_LAYERS);
            if ((rc = cli_int("hidden", tok, 2, 65535, &v)))
                return rc;
            c->n_hidden[k++] = (int)v;
        }
        if (k == 0)
            return sgl_fail(SGL_EUSAGE, "--hidden: give one to three widths, e.g. 256 or 256,256");
        c->n_layers = k;
    } else if (strcmp(name, "sg") == 0) {
        int s = sgl_sg_parse(arg);
        if (s < 0 || s >= SGL_SG_N_SHAPES)
            return sgl_fail(SGL_EUSAGE, "--sg: unknown shape '%s' (triangular, exponential, "
                                        "gaussian, rectangular, sigmoid, fast-sigmoid, "
                                        "q-pseudospike)",
                            arg);
        c->sg.shape = (sgl_sg_shape)s;
    } else if (strcmp(name, "dampening") == 0) {
        rc = cli_double(name, arg, 1e-6, 1e6, &c->sg.gamma);
        n->knob_set |= 1;
    } else if (strcmp(name, "sharpness") == 0) {
        rc = cli_double(name, arg, 1e-6, 1e6, &c->sg.beta);
        n->knob_set |= 2;
    } else if (strcmp(name, "tail-fatness") == 0) {
        rc = cli_double(name, arg, 1.0 + 1e-9, 1e6, &c->sg.q);
        n->knob_set |= 4;
    } else if (strcmp(name, "init") == 0) {
        n->init = sgl_init_parse(arg);
        if (n->init < 0)
            return sgl_fail(SGL_EUSAGE, "--init: '%s' is not stable, glorot or orthogonal", arg);
    } else if (strcmp(name, "conditions") == 0) {
        rc = parse_conditions(arg, &n->conds);
    } else if (strcmp(name, "reset") == 0) {
        if (strcmp(arg, "sub") == 0)
            c->reset = SGL_RESET_SUB;
        else if (strcmp(arg, "mult") == 0)
            c->reset = SGL_RESET_MULT;
        else
            return sgl_fail(SGL_EUSAGE, "--reset: '%s' is not sub or mult", arg);
    } else if (strcmp(name, "reset-grad") == 0) {
        c->reset_grad = 1;
    } else if (strcmp(name, "alif") == 0) {
        c->alif = 1;
    } else if (strcmp(name, "tau") == 0) {
        rc = cli_double(name, arg, 1e-3, 1e9, &c->tau);
    } else if (strcmp(name, "theta") == 0) {
        rc = cli_double(name, arg, 1e-9, 1e9, &c->theta);
    } else if (strcmp(name, "start-rate") == 0) {
        if (strcmp(arg, "off") == 0)
            n->start_rate = -1;
        else
            rc = cli_double(name, arg, 0.001, 0.999, &n->start_rate);
    } else if (strcmp(name, "seed") == 0) {
        rc = cli_u64(name, arg, &n->seed);
    } else {
        return 0;
    }
    return rc ? rc : 1;
}

int cli_make_net(cli_net_opts *n, const sgl_data *d, sgl_net *net, sgl_init_report *report)
{
    sgl_config c = n->cfg;
    double in_mean, in_var;
    sgl_data_input_stats(d, &in_mean, &in_var);
    c.n_in = d->n_units;
    c.n_steps = d->n_steps;
    c.n_out = d->n_classes;
    int rc = sgl_net_alloc(net, &c);
    if (rc)
        return rc;
    unsigned conds = n->conds;
    if (n->knob_set & 1)
        conds &= ~(unsigned)SGL_COND_III;
    if ((c.sg.shape == SGL_SG_Q_PSEUDOSPIKE ? n->knob_set & 4 : n->knob_set & 2))
        conds &= ~(unsigned)SGL_COND_IV;
    sgl_rng r;
    sgl_rng_seed(&r, n->seed, 1);
    rc = sgl_init_net(net, n->init, conds, in_mean, in_var, &r, report);
    if (!rc && n->init == SGL_INIT_STABLE && n->start_rate > 0)
        rc = sgl_calibrate_rate(net, d, 256, n->start_rate, 0, n->start_rate_reached);
    if (rc)
        sgl_net_free(net);
    return rc;
}

int cli_merge_opts(const struct option *a, const struct option *b, struct option *out, int cap)
{
    int k = 0;
    optind = 1;
    opterr = 0;
    for (const struct option *o = a; o && o->name && k < cap - 2; o++)
        out[k++] = *o;
    for (const struct option *o = b; o && o->name && k < cap - 2; o++)
        out[k++] = *o;
    out[k++] = (struct option){"help", no_argument, 0, 'h'};
    out[k] = (struct option){0, 0, 0, 0};
    return k;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *tok = optind > 0 ? argv[optind - 1] : "?";
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' needs an argument", tok);
    return cli_usage_error(cmd, "unknown option '%s'", tok);
}

int cli_next(int argc, char **argv, const struct option *opts, const char *cmd, const char *help,
             int rest_ok, const char **name, int *exit_code)
{
    int li = 0;
    int c = getopt_long(argc, argv, ":h", opts, &li);
    if (c == -1) {
        if (optind < argc && !(rest_ok && strcmp(argv[optind - 1], "--") == 0)) {
            *exit_code = cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
            return -1;
        }
        return 0;
    }
    if (c == 'h') {
        fputs(help, stdout);
        *exit_code = SGL_EXIT_OK;
        return -1;
    }
    if (c != 0) {
        *exit_code = cli_bad_option(cmd, c, argv);
        return -1;
    }
    *name = opts[li].name;
    return 1;
}

int cli_input(int rc)
{
    return rc == -SGL_EIO ? -SGL_EDATA : rc;
}

int cli_check_writable(const char *opt, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return sgl_fail(SGL_EIO, "--%s %s: cannot write there: %s", opt, path, strerror(errno));
    fclose(f);
    remove(tmp);
    return 0;
}
