/* SPDX-License-Identifier: MIT */
/* sglif lut: the SG lookup table the hardware loads, as CSV (index,x,sg,code) or as hex words
 * (one per line, for $readmemh, icebram and ecpbram). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sg.h"

static const char HELP[] =
    "usage: sglif lut --shape SHAPE --dampening G --sharpness B [--tail-fatness Q]\n"
    "                 [--entries N] [--bits K] [--range X] [--format csv|hex] [--out FILE]\n"
    "The SG lookup table: entry i stands for x = v - theta at the centre of bin i of\n"
    "[-X, X); code = round(SG(x) / G * (2^K - 1)).\n\n"
    "  --shape SHAPE        triangular, exponential, gaussian, rectangular, sigmoid,\n"
    "                       fast-sigmoid, q-pseudospike\n"
    "  --dampening G        SG height (full-scale code)\n"
    "  --sharpness B        SG inverse width\n"
    "  --tail-fatness Q     q of q-pseudospike (default 2)\n"
    "  --entries N          table length, a power of two (default 256)\n"
    "  --bits K             code width, 1..16 (default 8)\n"
    "  --range X            half-width of x covered (default: where SG falls below half a code)\n"
    "  --format F           csv (default; header index,x,sg,code) or hex\n"
    "  --out FILE           write there instead of standard output\n\n" SGL_EXIT_CODES_HELP;

int cmd_lut(int argc, char **argv)
{
    static const struct option own[] = {
        {"shape", required_argument, 0, 0},   {"dampening", required_argument, 0, 0},
        {"sharpness", required_argument, 0, 0}, {"tail-fatness", required_argument, 0, 0},
        {"entries", required_argument, 0, 0}, {"bits", required_argument, 0, 0},
        {"range", required_argument, 0, 0},   {"format", required_argument, 0, 0},
        {"out", required_argument, 0, 0},     {0, 0, 0, 0}};
    struct option opts[16];
    cli_merge_opts(own, NULL, opts, 16);
    sgl_sg s = {SGL_SG_FAST_SIGMOID, 0, 0, 2.0};
    int have_shape = 0, hex = 0, rc = 0;
    long entries = 256, bits = 8;
    double range = 0;
    const char *out = NULL;
    const char *name;
    int more, code;
    while ((more = cli_next(argc, argv, opts, "lut", HELP, 0, &name, &code)) > 0) {
        if (strcmp(name, "shape") == 0) {
            int k = sgl_sg_parse(optarg);
            if (k < 0 || k >= SGL_SG_N_SHAPES)
                return cli_usage_error("lut", "--shape: unknown shape '%s'", optarg);
            s.shape = (sgl_sg_shape)k;
            have_shape = 1;
        } else if (strcmp(name, "dampening") == 0)
            rc = cli_double(name, optarg, 1e-9, 1e9, &s.gamma);
        else if (strcmp(name, "sharpness") == 0)
            rc = cli_double(name, optarg, 1e-9, 1e9, &s.beta);
        else if (strcmp(name, "tail-fatness") == 0)
            rc = cli_double(name, optarg, 1 + 1e-9, 1e9, &s.q);
        else if (strcmp(name, "entries") == 0)
            rc = cli_int(name, optarg, 2, 65536, &entries);
        else if (strcmp(name, "bits") == 0)
            rc = cli_int(name, optarg, 1, 16, &bits);
        else if (strcmp(name, "range") == 0)
            rc = cli_double(name, optarg, 1e-9, 1e9, &range);
        else if (strcmp(name, "out") == 0)
            out = optarg;
        else if (strcmp(name, "format") == 0) {
            if (strcmp(optarg, "hex") == 0)
                hex = 1;
            else if (strcmp(optarg, "csv") != 0)
                return cli_usage_error("lut", "--format: '%s' is not csv or hex", optarg);
        }
        if (rc)
            return cli_error("lut", rc);
    }
    if (more < 0)
        return code;
    if (!have_shape || s.gamma == 0 || s.beta == 0)
        return cli_usage_error("lut", "--shape, --dampening and --sharpness are required");
    sgl_sg_lut lut;
    if ((rc = sgl_sg_lut_make(&lut, &s, (int)entries, (int)bits, range)))
        return cli_error("lut", rc);
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        sgl_sg_lut_free(&lut);
        sgl_fail(SGL_EIO, "%s: cannot create", out);
        return cli_error("lut", -SGL_EIO);
    }
    int width = ((int)bits + 3) / 4;
    if (!hex)
        fprintf(f, "index,x,sg,code\n");
    for (int i = 0; i < lut.entries; i++) {
        if (hex)
            fprintf(f, "%0*x\n", width, lut.code[i]);
        else
            fprintf(f, "%d,%.9g,%.9g,%u\n", i, lut.x[i], lut.sg[i], lut.code[i]);
    }
    int bad = ferror(f);
    if (out)
        bad |= fclose(f) != 0;
    sgl_sg_lut_free(&lut);
    if (bad) {
        sgl_fail(SGL_EIO, "%s: write failed", out ? out : "standard output");
        return cli_error("lut", -SGL_EIO);
    }
    return SGL_EXIT_OK;
}
