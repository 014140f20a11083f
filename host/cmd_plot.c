/* SPDX-License-Identifier: MIT */
/* sglif plot: figures drawn by gnuplot (PNG or SVG, chosen from the --out extension):
 * training curves from train logs, SG shapes, the spike raster of one sample, and accuracy
 * versus learning rate from a sweep's results.csv. The data go to a temporary file; the script
 * is piped to gnuplot. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dump.h"
#include "data.h"
#include "model.h"
#include "sg.h"


static const char HELP[] =
    "usage: sglif plot KIND [options] --out FILE.png|FILE.svg\n"
    "Draw a figure with gnuplot (GNUPLOT environment variable, default 'gnuplot'; PNG through\n"
    "pngcairo when available, else png; SVG through svg). KIND is one of:\n\n"
    "  curves --log FILE.csv[,FILE.csv...]\n"
    "        loss and accuracy per epoch (train solid, valid dashed) of 'sglif train --log'\n"
    "  sg [--shapes LIST] [--dampening G] [--sharpness B] [--tail-fatness Q]\n"
    "        the SG shapes (default all 7, gamma 1, beta 1, q 2) over x = v - theta\n"
    "  raster --model MODEL --data SPEC [--sample I] [--layer L] [--split S]\n"
    "  raster --dump FILE.h5 [--sample I] [--layer L]\n"
    "        input and hidden spikes of sample I (default 0) of split S (default test),\n"
    "        or of a spike dump ('sglif eval --dump'); every hidden layer, or only layer L\n"
    "        (1-based)\n"
    "  sweep --csv results.csv [--x COL] [--by COL] [--metric COL]\n"
    "        mean metric (default test_acc) over the rows with status ok against column COL\n"
    "        (default lr, log scale), one line per value of --by (default shape), error bars\n"
    "        = standard deviation over seeds and any other varying knob; a non-numeric --x\n"
    "        (e.g. conditions) is drawn as categories\n\n"
    "  --out FILE           .png or .svg\n"
    "  --title T            plot title\n"
    "  --size W,H           pixels (default 900,500)\n\n" SGL_EXIT_CODES_HELP;

typedef struct {
    const char *out, *title, *logs, *shapes, *model, *data, *csv, *x, *by, *metric, *dump;
    double gamma, beta, q;
    long sample, layer, w, h;
    sgl_split split;
    int svg;
} plot_opts;

/* ---- gnuplot ---- */

static const char *gnuplot_cmd(void)
{
    const char *g = getenv("GNUPLOT");
    return g && *g ? g : "gnuplot";
}

/* 1 if pngcairo works, 0 if only png, -1 if gnuplot cannot be run. */
static int probe_gnuplot(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -e 'set terminal pngcairo' 2>&1", gnuplot_cmd());
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf, p);
    int st = pclose(p);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) == 127 || WEXITSTATUS(st) == 126)
        return -1;
    return n == 0 && WEXITSTATUS(st) == 0;
}

/* s in single quotes for gnuplot (a quote is doubled). */
static void gq(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

typedef struct {
    char path[64];
    FILE *f;
} tmpdata;

static int tmp_open(tmpdata *t)
{
    const char *dir = getenv("TMPDIR");
    snprintf(t->path, sizeof t->path, "%s/sglif-plot-XXXXXX",
             dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
    int fd = mkstemp(t->path);
    if (fd < 0 || !(t->f = fdopen(fd, "w"))) {
        if (fd >= 0)
            close(fd);
        return sgl_fail(SGL_EIO, "%s: cannot create a temporary file: %s", t->path,
                        strerror(errno));
    }
    return 0;
}

/* Run gnuplot on the script in `script` (a memstream's text). */
static int run_gnuplot(const plot_opts *o, const char *script)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s", gnuplot_cmd());
    unlink(o->out);
    FILE *p = popen(cmd, "w");
    if (!p)
        return sgl_fail(SGL_EIO, "cannot run %s: %s", cmd, strerror(errno));
    fputs(script, p);
    int st = pclose(p);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return sgl_fail(SGL_EIO, "%s failed (exit %d) drawing %s", cmd,
                        st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, o->out);
    struct stat sb;
    if (stat(o->out, &sb) || sb.st_size == 0)
        return sgl_fail(SGL_EIO, "%s: gnuplot wrote nothing", o->out);
    return 0;
}

static void preamble(FILE *s, const plot_opts *o, int cairo)
{
    if (o->svg)
        fprintf(s, "set terminal svg size %ld,%ld dynamic noenhanced font 'sans,12'\n", o->w, o->h);
    else if (cairo)
        fprintf(s, "set terminal pngcairo size %ld,%ld noenhanced font 'sans,10'\n", o->w, o->h);
    else
        fprintf(s, "set terminal png size %ld,%ld noenhanced\n", o->w, o->h);
    fputs("set output ", s);
    gq(s, o->out);
    fputs("\nset grid\nset key outside right top\n", s);
}

/* ---- kinds ---- */

static const char *base_name(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static int plot_curves(const plot_opts *o, FILE *s, tmpdata *td)
{
    if (!o->logs)
        return sgl_fail(SGL_EUSAGE, "plot curves: --log FILE.csv is required");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", o->logs);
    char *names[32];
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < 32;
         tok = strtok_r(NULL, ",", &save))
        names[n++] = tok;
    static const char *cols[] = {"epoch", "train_loss", "valid_loss", "train_acc", "valid_acc"};
    for (int i = 0; i < n; i++) {
        cli_csv t;
        int rc = cli_csv_read(names[i], &t);
        if (rc)
            return rc == -SGL_EIO ? sgl_fail(SGL_EDATA, "%s", sgl_errmsg()) : rc;
        int c[5];
        for (int k = 0; k < 5; k++)
            if ((c[k] = cli_csv_col(&t, cols[k])) < 0) {
                cli_csv_free(&t);
                return sgl_fail(SGL_EDATA, "%s: no column '%s' (not a 'sglif train --log' file)",
                                names[i], cols[k]);
            }
        if (t.n_rows == 0) {
            cli_csv_free(&t);
            return sgl_fail(SGL_EDATA, "%s: no epoch rows", names[i]);
        }
        for (int r = 0; r < t.n_rows; r++) {
            for (int k = 0; k < 5; k++) {
                char *end;
                double v = strtod(t.cell[r][c[k]], &end);
                if (end == t.cell[r][c[k]] || *end) {
                    cli_csv_free(&t);
                    return sgl_fail(SGL_EDATA, "%s: row %d, column '%s' is not a number",
                                    names[i], r + 1, cols[k]);
                }
                fprintf(td->f, "%s%.6g", k ? " " : "", v);
            }
            fputc('\n', td->f);
        }
        fputs("\n\n", td->f);
        cli_csv_free(&t);
    }
    fprintf(s, "set multiplot layout 1,2 title ");
    gq(s, o->title ? o->title : "training curves (solid: train, dashed: valid)");
    fputs("\nset xlabel 'epoch'\n", s);
    for (int panel = 0; panel < 2; panel++) {
        fprintf(s, "set ylabel '%s'\nset key %s right inside\n", panel ? "accuracy" : "loss",
                panel ? "bottom" : "top");
        fprintf(s, panel ? "set yrange [0:1]\n" : "set autoscale y\n");
        fputs("plot ", s);
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < 2; v++) {
                fprintf(s, "%s", i || v ? ", " : "");
                gq(s, td->path);
                fprintf(s, " index %d using 1:%d with linespoints lc %d dt %d pt 7 ps 0.5 "
                           "title ",
                        i, 2 + 2 * panel + v, i + 1, v ? 2 : 1);
                char t[512];
                snprintf(t, sizeof t, "%s %s", base_name(names[i]), v ? "valid" : "train");
                gq(s, t);
            }
        }
        fputc('\n', s);
    }
    fputs("unset multiplot\n", s);
    return 0;
}

static int plot_sg(const plot_opts *o, FILE *s, tmpdata *td)
{
    int shapes[SGL_SG_N_SHAPES], n = 0;
    if (!o->shapes || strcmp(o->shapes, "all") == 0) {
        for (int i = 0; i < SGL_SG_N_SHAPES; i++)
            shapes[n++] = i;
    } else {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", o->shapes);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            int k = sgl_sg_parse(tok);
            if (k < 0 || k >= SGL_SG_N_SHAPES)
                return sgl_fail(SGL_EUSAGE, "--shapes: unknown shape '%s'", tok);
            if (n == SGL_SG_N_SHAPES)
                return sgl_fail(SGL_EUSAGE, "--shapes: at most %d shapes", SGL_SG_N_SHAPES);
            shapes[n++] = k;
        }
        if (n == 0)
            return sgl_fail(SGL_EUSAGE, "--shapes: empty list");
    }
    const double R = 3.0 / o->beta;
    const int N = 801;
    for (int i = 0; i < N; i++) {
        double x = -R + 2 * R * i / (N - 1);
        fprintf(td->f, "%.6g", x);
        for (int k = 0; k < n; k++) {
            sgl_sg g = {(sgl_sg_shape)shapes[k], o->gamma, o->beta, o->q};
            fprintf(td->f, " %.6g", sgl_sg_value(&g, x));
        }
        fputc('\n', td->f);
    }
    char t[256];
    snprintf(t, sizeof t, "SG shapes: dampening %g, sharpness %g, tail-fatness %g (area %g)",
             o->gamma, o->beta, o->q, o->gamma / o->beta);
    fputs("set title ", s);
    gq(s, o->title ? o->title : t);
    fputs("\nset xlabel 'x = v - theta'\nset ylabel 'SG(x)'\n", s);
    fprintf(s, "set xrange [%g:%g]\nset yrange [0:%g]\nplot ", -R, R, 1.08 * o->gamma);
    for (int k = 0; k < n; k++) {
        fprintf(s, "%s", k ? ", " : "");
        gq(s, td->path);
        fprintf(s, " using 1:%d with lines lw 2 lc %d title ", k + 2, shapes[k] + 1);
        gq(s, sgl_sg_name(shapes[k]));
    }
    fputc('\n', s);
    return 0;
}

/* One sample's spikes, from a model run here or from a spike dump. */
typedef struct {
    int T, n_in, L, n[SGL_MAX_LAYERS], label, pred;
    uint8_t *in, *z[SGL_MAX_LAYERS]; /* [T][n_in], [T][n_l] */
    const char *name;                /* the model or dump file, for the title */
} raster;

static void raster_free(raster *r)
{
    free(r->in);
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        free(r->z[l]);
}

static int raster_from_model(const plot_opts *o, raster *r)
{
    if (!o->model || !o->data)
        return sgl_fail(SGL_EUSAGE, "plot raster: --model and --data (or --dump) are required");
    sgl_net net;
    int rc = cli_input(sgl_model_load(o->model, &net, NULL));
    if (rc)
        return rc;
    sgl_data d;
    if ((rc = cli_input(sgl_data_load(&d, o->data, o->split)))) {
        sgl_net_free(&net);
        return rc;
    }
    const sgl_config *c = &net.cfg;
    sgl_work *w = NULL;
    if (o->sample >= d.n_samples) {
        rc = sgl_fail(SGL_EUSAGE, "--sample %ld: %s has %d samples in this split", o->sample,
                      d.name, d.n_samples);
        goto out;
    }
    if (d.n_units > c->n_in || d.n_steps > c->n_steps || d.n_classes > c->n_out) {
        rc = sgl_fail(SGL_EDATA, "%s: data does not fit model %s (%d inputs, %d steps)", d.name,
                      o->model, c->n_in, c->n_steps);
        goto out;
    }
    r->T = c->n_steps;
    r->n_in = d.n_units;
    r->L = c->n_layers;
    r->name = o->model;
    w = sgl_work_new(&net, 1, 1);
    r->in = sgl_calloc((size_t)r->T * (size_t)r->n_in, 1);
    for (int l = 0; l < r->L; l++) {
        r->n[l] = c->n_hidden[l];
        r->z[l] = sgl_calloc((size_t)r->T * (size_t)r->n[l], 1);
        if (!r->z[l])
            w = NULL;
    }
    if (!w || !r->in) {
        rc = sgl_fail(SGL_ENOMEM, "out of memory");
        goto out;
    }
    sgl_sample smp = sgl_data_sample(&d, (int)o->sample);
    sgl_batch_stats st;
    if ((rc = sgl_forward(w, &net, &smp, 1, NULL, &r->pred, NULL, &st)))
        goto out;
    r->label = smp.label;
    for (int k = 0; k < smp.n_ev; k++)
        r->in[(size_t)smp.ev_t[k] * (size_t)r->n_in + smp.ev_u[k]] = 1;
    for (int l = 0; l < r->L && !rc; l++)
        rc = sgl_spikes(w, &net, &smp, l, r->z[l]);
out:
    sgl_work_free(w);
    sgl_data_free(&d);
    sgl_net_free(&net);
    return rc;
}

static int plot_raster(const plot_opts *o, FILE *s, tmpdata *td)
{
    raster r = {0};
    int rc = o->dump ? (o->model || o->data
                            ? sgl_fail(SGL_EUSAGE, "plot raster: --dump excludes --model, --data")
                            : cli_input(cli_dump_read(o->dump, o->sample, &r.T, &r.n_in, &r.L,
                                                      r.n, &r.in, r.z, &r.label, &r.pred)))
                     : raster_from_model(o, &r);
    if (o->dump)
        r.name = o->dump;
    if (rc)
        goto out;
    int l0 = 0, l1 = r.L;
    if (o->layer > 0) {
        if (o->layer > r.L) {
            rc = sgl_fail(SGL_EUSAGE, "--layer %ld: %s has %d hidden layers", o->layer, r.name,
                          r.L);
            goto out;
        }
        l0 = (int)o->layer - 1;
        l1 = l0 + 1;
    }
    /* block 0: input events; then one block per hidden layer. An empty block gets a point
     * outside the axes so that gnuplot has something to read. */
    double rate[SGL_MAX_LAYERS] = {0};
    for (int l = -1; l < l1; l++) {
        if (l >= 0 && l < l0)
            continue;
        const uint8_t *z = l < 0 ? r.in : r.z[l];
        int n = l < 0 ? r.n_in : r.n[l], cnt = 0;
        for (int t = 0; t < r.T; t++)
            for (int i = 0; i < n; i++)
                if (z[(size_t)t * (size_t)n + (size_t)i]) {
                    fprintf(td->f, "%d %d\n", t, i);
                    cnt++;
                }
        if (!cnt)
            fputs("-10 -10\n", td->f);
        if (l >= 0)
            rate[l] = (double)cnt / ((double)r.T * n);
        fputs("\n\n", td->f);
    }
    char t[512];
    snprintf(t, sizeof t, "%s, sample %ld: label %d, predicted %d", base_name(r.name),
             o->sample, r.label, r.pred);
    fprintf(s, "set multiplot layout %d,1 title ", 1 + l1 - l0);
    gq(s, o->title ? o->title : t);
    fprintf(s, "\nunset key\nset xrange [-0.5:%d]\n", r.T);
    fprintf(s, "set ylabel 'input channel'\nset yrange [-0.5:%d]\nplot ", r.n_in);
    gq(s, td->path);
    fputs(" index 0 using 1:2 with points pt 7 ps 0.4 lc rgb '#404040'\n", s);
    for (int l = l0; l < l1; l++) {
        if (l == l1 - 1)
            fputs("set xlabel 'step'\n", s);
        fprintf(s, "set ylabel 'layer %d neuron'\nset yrange [-0.5:%d]\n", l + 1, r.n[l]);
        fprintf(s, "set label 1 'rate %.3f' at graph 0.99, graph 0.93 right front\nplot ", rate[l]);
        gq(s, td->path);
        fprintf(s, " index %d using 1:2 with points pt 7 ps 0.3 lc %d\n", 1 + l - l0, l + 1);
    }
    fputs("unset multiplot\n", s);
out:
    raster_free(&r);
    return rc;
}

static int find_str(char **v, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return i;
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int plot_sweep(const plot_opts *o, FILE *s, tmpdata *td)
{
    if (!o->csv)
        return sgl_fail(SGL_EUSAGE, "plot sweep: --csv results.csv is required");
    cli_csv t;
    int rc = cli_csv_read(o->csv, &t);
    if (rc)
        return rc == -SGL_EIO ? sgl_fail(SGL_EDATA, "%s", sgl_errmsg()) : rc;
    int cx = cli_csv_col(&t, o->x), cb = cli_csv_col(&t, o->by), cm = cli_csv_col(&t, o->metric),
        cs = cli_csv_col(&t, "status");
    char **sv = NULL, **xv = NULL;
    double *sum = NULL, *sq = NULL;
    int *cnt = NULL, ns = 0, nx = 0;
    if (cx < 0 || cb < 0 || cm < 0 || cs < 0) {
        rc = sgl_fail(SGL_EDATA, "%s: no column '%s' (columns of a sweep's results.csv: shape, "
                                 "lr, conditions, test_acc, status, ...)",
                      o->csv, cx < 0 ? o->x : cb < 0 ? o->by : cm < 0 ? o->metric : "status");
        goto out;
    }
    const int R = t.n_rows;
    sv = calloc((size_t)R + 1, sizeof *sv);
    xv = calloc((size_t)R + 1, sizeof *xv);
    if (!sv || !xv) {
        rc = sgl_fail(SGL_ENOMEM, "out of memory");
        goto out;
    }
    int numeric = 1, any = 0;
    for (int r = 0; r < R; r++) {
        if (strcmp(t.cell[r][cs], "ok") != 0 || !*t.cell[r][cm])
            continue;
        any = 1;
        if (find_str(sv, ns, t.cell[r][cb]) < 0)
            sv[ns++] = t.cell[r][cb];
        if (find_str(xv, nx, t.cell[r][cx]) < 0)
            xv[nx++] = t.cell[r][cx];
        char *end;
        strtod(t.cell[r][cx], &end);
        if (end == t.cell[r][cx] || *end)
            numeric = 0;
    }
    if (!any) {
        rc = sgl_fail(SGL_EDATA, "%s: no row with status ok and a %s", o->csv, o->metric);
        goto out;
    }
    double *xnum = calloc((size_t)nx, sizeof *xnum);
    sum = calloc((size_t)(ns * nx), sizeof *sum);
    sq = calloc((size_t)(ns * nx), sizeof *sq);
    cnt = calloc((size_t)(ns * nx), sizeof *cnt);
    if (!xnum || !sum || !sq || !cnt) {
        free(xnum);
        rc = sgl_fail(SGL_ENOMEM, "out of memory");
        goto out;
    }
    if (numeric) { /* sort the x values */
        for (int i = 0; i < nx; i++)
            xnum[i] = atof(xv[i]);
        qsort(xnum, (size_t)nx, sizeof *xnum, cmp_double);
    }
    for (int r = 0; r < R; r++) {
        if (strcmp(t.cell[r][cs], "ok") != 0 || !*t.cell[r][cm])
            continue;
        int si = find_str(sv, ns, t.cell[r][cb]), xi = find_str(xv, nx, t.cell[r][cx]);
        if (numeric) {
            double x = atof(t.cell[r][cx]);
            for (xi = 0; xnum[xi] != x; xi++)
                ;
        }
        double m = atof(t.cell[r][cm]);
        sum[si * nx + xi] += m;
        sq[si * nx + xi] += m * m;
        cnt[si * nx + xi]++;
    }
    int logx = numeric && strcmp(o->x, "lr") == 0;
    for (int i = 0; numeric && i < nx; i++)
        logx &= xnum[i] > 0;
    for (int si = 0; si < ns; si++) {
        for (int xi = 0; xi < nx; xi++) {
            int k = cnt[si * nx + xi];
            if (!k)
                continue;
            double mean = sum[si * nx + xi] / k;
            double var = k > 1 ? (sq[si * nx + xi] - k * mean * mean) / (k - 1) : 0;
            fprintf(td->f, "%.6g %.6g %.6g %d\n", numeric ? xnum[xi] : xi, mean,
                    var > 0 ? sqrt(var) : 0, k);
        }
        fputs("\n\n", td->f);
    }
    char title[512];
    snprintf(title, sizeof title, "%s: mean %s by %s (error bars: std over seeds)",
             base_name(o->csv), o->metric, o->by);
    fputs("set title ", s);
    gq(s, o->title ? o->title : title);
    fputs("\nset xlabel ", s);
    gq(s, o->x);
    fputs("\nset ylabel ", s);
    gq(s, o->metric);
    fputs("\nset yrange [0:1]\n", s);
    if (logx)
        fprintf(s, "set logscale x\nset format x '%%.0e'\nset xrange [%g:%g]\n", xnum[0] / 1.5,
                xnum[nx - 1] * 1.5);
    if (!numeric) {
        fprintf(s, "set xrange [-0.5:%f]\nset xtics (", nx - 0.5);
        for (int i = 0; i < nx; i++) {
            fprintf(s, "%s", i ? ", " : "");
            gq(s, *xv[i] ? xv[i] : "default");
            fprintf(s, " %d", i);
        }
        fputs(")\n", s);
    }
    free(xnum);
    fputs("plot ", s);
    for (int si = 0; si < ns; si++) {
        fprintf(s, "%s", si ? ", " : "");
        gq(s, td->path);
        fprintf(s, " index %d using 1:2:3 with yerrorlines lw 2 pt 7 ps 0.6 lc %d title ", si,
                si + 1);
        char lab[300];
        snprintf(lab, sizeof lab, "%s %s", o->by, *sv[si] ? sv[si] : "default");
        gq(s, strcmp(o->by, "shape") == 0 && *sv[si] ? sv[si] : lab);
    }
    fputc('\n', s);
out:
    free(sv);
    free(xv);
    free(sum);
    free(sq);
    free(cnt);
    cli_csv_free(&t);
    return rc;
}

/* ---- main ---- */

int cmd_plot(int argc, char **argv)
{
    static const struct option own[] = {
        {"out", required_argument, 0, 0},       {"title", required_argument, 0, 0},
        {"size", required_argument, 0, 0},      {"log", required_argument, 0, 0},
        {"shapes", required_argument, 0, 0},    {"dampening", required_argument, 0, 0},
        {"sharpness", required_argument, 0, 0}, {"tail-fatness", required_argument, 0, 0},
        {"model", required_argument, 0, 0},     {"data", required_argument, 0, 0},
        {"sample", required_argument, 0, 0},    {"layer", required_argument, 0, 0},
        {"split", required_argument, 0, 0},     {"csv", required_argument, 0, 0},
        {"x", required_argument, 0, 0},         {"by", required_argument, 0, 0},
        {"metric", required_argument, 0, 0},    {"dump", required_argument, 0, 0},
        {0, 0, 0, 0}};
    /* which options each kind takes (the common ones: out, title, size) */
    static const char *const kinds[][2] = {
        {"curves", " log "},
        {"sg", " shapes dampening sharpness tail-fatness "},
        {"raster", " model data sample layer split dump "},
        {"sweep", " csv x by metric "}};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(HELP, stdout);
        return SGL_EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error("plot", "give a KIND: curves, sg, raster or sweep");
    int kind = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(argv[1], kinds[i][0]) == 0)
            kind = i;
    if (kind < 0)
        return cli_usage_error("plot", "unknown KIND '%s' (curves, sg, raster, sweep)", argv[1]);
    struct option opts[32];
    cli_merge_opts(own, NULL, opts, 32);
    plot_opts o = {.gamma = 1, .beta = 1, .q = 2, .w = 900, .h = 500, .split = SGL_SPLIT_TEST,
                   .x = "lr", .by = "shape", .metric = "test_acc"};
    int rc = 0;
    argc--;
    argv++;
    const char *name;
    int more, code;
    while ((more = cli_next(argc, argv, opts, "plot", HELP, 0, &name, &code)) > 0) {
        char pat[40];
        snprintf(pat, sizeof pat, " %s ", name);
        if (strcmp(name, "out") && strcmp(name, "title") && strcmp(name, "size") &&
            !strstr(kinds[kind][1], pat))
            return cli_usage_error("plot", "--%s does not apply to 'plot %s'", name,
                                   kinds[kind][0]);
        if (strcmp(name, "out") == 0)
            o.out = optarg;
        else if (strcmp(name, "title") == 0)
            o.title = optarg;
        else if (strcmp(name, "size") == 0) {
            char *end;
            o.w = strtol(optarg, &end, 10);
            if (*end == ',' || *end == 'x')
                o.h = strtol(end + 1, &end, 10);
            if (*end || o.w < 50 || o.h < 50 || o.w > 10000 || o.h > 10000)
                return cli_usage_error("plot", "--size: '%s' is not W,H in 50..10000", optarg);
        } else if (strcmp(name, "log") == 0)
            o.logs = optarg;
        else if (strcmp(name, "shapes") == 0)
            o.shapes = optarg;
        else if (strcmp(name, "dampening") == 0)
            rc = cli_double(name, optarg, 1e-6, 1e6, &o.gamma);
        else if (strcmp(name, "sharpness") == 0)
            rc = cli_double(name, optarg, 1e-6, 1e6, &o.beta);
        else if (strcmp(name, "tail-fatness") == 0)
            rc = cli_double(name, optarg, 1.0 + 1e-9, 1e6, &o.q);
        else if (strcmp(name, "dump") == 0)
            o.dump = optarg;
        else if (strcmp(name, "model") == 0)
            o.model = optarg;
        else if (strcmp(name, "data") == 0)
            o.data = optarg;
        else if (strcmp(name, "sample") == 0)
            rc = cli_int(name, optarg, 0, 100000000, &o.sample);
        else if (strcmp(name, "layer") == 0)
            rc = cli_int(name, optarg, 1, SGL_MAX_LAYERS, &o.layer);
        else if (strcmp(name, "split") == 0) {
            if (strcmp(optarg, "test") == 0)
                o.split = SGL_SPLIT_TEST;
            else if (strcmp(optarg, "valid") == 0)
                o.split = SGL_SPLIT_VALID;
            else if (strcmp(optarg, "train") == 0)
                o.split = SGL_SPLIT_TRAIN;
            else
                return cli_usage_error("plot", "--split: '%s' is not test, valid or train",
                                       optarg);
        } else if (strcmp(name, "csv") == 0)
            o.csv = optarg;
        else if (strcmp(name, "x") == 0)
            o.x = optarg;
        else if (strcmp(name, "by") == 0)
            o.by = optarg;
        else if (strcmp(name, "metric") == 0)
            o.metric = optarg;
        if (rc)
            return cli_error("plot", rc);
    }
    if (more < 0)
        return code;
    if (!o.out)
        return cli_usage_error("plot", "--out FILE.png|FILE.svg is required");
    const char *ext = strrchr(o.out, '.');
    if (ext && strcmp(ext, ".svg") == 0)
        o.svg = 1;
    else if (!ext || strcmp(ext, ".png") != 0)
        return cli_usage_error("plot", "--out %s: the name must end in .png or .svg", o.out);
    int cairo = probe_gnuplot();
    if (cairo < 0)
        return cli_error("plot", sgl_fail(SGL_EIO, "cannot run '%s' (install gnuplot-nox, or set "
                                                   "GNUPLOT to its path)",
                                          gnuplot_cmd()));
    tmpdata td = {{0}, NULL};
    if ((rc = tmp_open(&td)))
        return cli_error("plot", rc);
    char *script = NULL;
    size_t slen = 0;
    FILE *s = open_memstream(&script, &slen);
    if (!s) {
        fclose(td.f);
        unlink(td.path);
        return cli_error("plot", sgl_fail(SGL_ENOMEM, "out of memory"));
    }
    preamble(s, &o, cairo);
    switch (kind) {
    case 0: rc = plot_curves(&o, s, &td); break;
    case 1: rc = plot_sg(&o, s, &td); break;
    case 2: rc = plot_raster(&o, s, &td); break;
    default: rc = plot_sweep(&o, s, &td); break;
    }
    fclose(s);
    if (fclose(td.f) && !rc)
        rc = sgl_fail(SGL_EIO, "%s: write failed", td.path);
    if (!rc)
        rc = run_gnuplot(&o, script);
    if (!rc && !getenv("SGLIF_PLOT_KEEP"))
        unlink(td.path);
    else if (getenv("SGLIF_PLOT_KEEP"))
        fprintf(stderr, "plot: data kept in %s\n--- script ---\n%s", td.path, script);
    else
        unlink(td.path);
    free(script);
    if (rc)
        return cli_error("plot", rc);
    printf("wrote %s\n", o.out);
    return SGL_EXIT_OK;
}
