/* SPDX-License-Identifier: MIT */
/* sglif sweep: the paper's grids (SG shapes x knobs x learning rates x seeds, the Conditions
 * ablation, initial rate x sparsity) run as child `sglif train` + `sglif eval` processes, at
 * most --jobs at once, into a resumable DIR/results.csv; or written out as a GNU parallel
 * command file or a Slurm job-array script. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char HELP[] =
    "usage: sglif sweep --out DIR [--data SPEC] [grid options] [-- TRAIN-OPTIONS]\n"
    "Train and score one network per point of a grid, each as a child process\n"
    "('sglif train ... --quiet --threads 1' then 'sglif eval'), at most --jobs at once.\n"
    "Every list option is a comma-separated list; the grid is their Cartesian product.\n\n"
    "  --out DIR            results.csv (one row per job), job-K.out/.eval (outputs),\n"
    "                       job-K.csv (training log), job-K.sgl (best model)\n"
    "  --data SPEC          data set (default randman; docs/data.md)\n"
    "  --shapes LIST        SG shapes, or 'all' (default all 7)\n"
    "  --dampening LIST     SG heights gamma ('paper' = 0.25,0.5,0.75,1,1.25,1.5);\n"
    "                       default: not given, Condition III chooses\n"
    "  --sharpness LIST     SG sharpness beta ('paper' = the same six values);\n"
    "                       default: not given, Condition IV chooses\n"
    "  --tail-fatness LIST  q, for q-pseudospike only ('paper' = 1 + 10^linspace(-2, 1.2, 10),\n"
    "                       1.01 .. 16.85); default: not given, Condition IV chooses\n"
    "  --lr LIST            learning rates ('paper' = 1e-5 .. 1e-2 in half decades, 7 values);\n"
    "                       default: train's default\n"
    "  --seeds N|LIST|A-B   N = seeds 0..N-1 (default 1: seed 0), or a list, or a range\n"
    "  --conditions SETS    ';'-separated sets of Conditions for --init stable, each 'none',\n"
    "                       'all' or e.g. 'I,II' ('paper' = none;I;I,II;I,II,III;I,II,III,IV)\n"
    "  --init-rate LIST     initial-rate pre-training targets ('off' = none)\n"
    "  --sparsity LIST      sparsity-loss weights\n"
    "  --epochs E           passed to train (default: train's)\n"
    "  --hidden N[,N]       passed to train (default: train's)\n"
    "  --init KIND          passed to train (default: train's)\n"
    "  -- TRAIN-OPTIONS     any further 'sglif train' options, given to every job\n"
    "  --jobs N             parallel jobs (default: online cores)\n"
    "  --threads N          threads per job (default 1)\n"
    "  --dry-run            print the pending jobs, one shell line each, and exit\n"
    "  --emit parallel|slurm  write DIR/jobs.txt (one shell line per pending job: a GNU\n"
    "                       parallel command file) and, for slurm, DIR/sweep.slurm (a job\n"
    "                       array #SBATCH --array=0-(N-1) running line $SLURM_ARRAY_TASK_ID);\n"
    "                       run nothing\n"
    "  --collect            after running the emitted jobs elsewhere: add the finished ones\n"
    "                       (job-K.out and job-K.eval complete) to DIR/results.csv\n\n"
    "Resuming: a job (same knobs, seed, data and train options) that already has a row in\n"
    "DIR/results.csv is skipped, so rerunning an interrupted sweep continues it (delete a row to\n"
    "rerun that job). Job numbers K follow the grid order: use one DIR per grid. Ctrl-C stops\n"
    "every running job (their rows are not written) and exits 130.\n\n"
    "results.csv columns: job, shape, dampening, sharpness, tail_fatness, conditions,\n"
    "init_rate, sparsity, lr, seed, epochs, hidden, init, data, extra (the options after --),\n"
    "test_acc, best_valid_acc, final_rate (test-set firing rate, mean over hidden layers),\n"
    "seconds (train + eval wall time), status (ok, or what failed). An empty knob = not given.\n\n"
    "Size: the default grid is 7 jobs (7 shapes, 1 seed). The paper's full SG grid,\n"
    "--dampening paper --sharpness paper --tail-fatness paper --lr paper, is\n"
    "6 shapes x 6 x 6 x 7 + q-pseudospike 6 x 6 x 10 x 7 = 1512 + 2520 = 4032 jobs per seed\n"
    "(the paper varies one knob at a time: give one knob list per sweep for that).\n\n"
    SGL_EXIT_CODES_HELP;

/* ---- CSV tables: results.csv and training logs (cli.h) ---- */

/* Split one line into fields (RFC 4180 quoting, no newline inside a field). */
static int csv_split(const char *line, char ***out, int *n_out)
{
    int cap = 16, n = 0;
    char **v = malloc(sizeof(char *) * (size_t)cap);
    size_t len = strlen(line);
    char *buf = malloc(len + 1);
    if (!v || !buf) {
        free(v);
        free(buf);
        return -1;
    }
    const char *p = line;
    for (;;) {
        size_t k = 0;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"')
                    buf[k++] = '"', p++;
                else if (*p == '"') {
                    p++;
                    break;
                } else
                    buf[k++] = *p;
            }
        }
        while (*p && *p != ',' && *p != '\n' && *p != '\r')
            buf[k++] = *p++;
        buf[k] = 0;
        if (n == cap) {
            cap *= 2;
            char **t = realloc(v, sizeof(char *) * (size_t)cap);
            if (!t)
                break;
            v = t;
        }
        v[n] = strdup(buf);
        if (!v[n])
            break;
        n++;
        if (*p != ',') {
            free(buf);
            *out = v;
            *n_out = n;
            return 0;
        }
        p++;
    }
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    free(buf);
    return -1;
}

void cli_csv_free(cli_csv *t)
{
    for (int r = 0; r < t->n_rows; r++) {
        for (int c = 0; c < t->n_cols; c++)
            free(t->cell[r][c]);
        free(t->cell[r]);
    }
    for (int c = 0; c < t->n_cols; c++)
        free(t->head[c]);
    free(t->cell);
    free(t->head);
    memset(t, 0, sizeof *t);
}

int cli_csv_read(const char *path, cli_csv *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f)
        return sgl_fail(SGL_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int rc = 0, cap_rows = 0;
    long lineno = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\r')
            continue;
        char **v;
        int n;
        if (csv_split(line, &v, &n)) {
            rc = sgl_fail(SGL_ENOMEM, "out of memory");
            break;
        }
        if (!t->head) {
            t->head = v;
            t->n_cols = n;
            continue;
        }
        if (n > t->n_cols) {
            for (int i = 0; i < n; i++)
                free(v[i]);
            free(v);
            rc = sgl_fail(SGL_EDATA, "%s: line %ld has %d fields, the header %d", path, lineno,
                          n, t->n_cols);
            break;
        }
        if (t->n_rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 64;
            char ***nc = realloc(t->cell, sizeof(char **) * (size_t)cap_rows);
            if (!nc) {
                rc = sgl_fail(SGL_ENOMEM, "out of memory");
                break;
            }
            t->cell = nc;
        }
        char **row = realloc(v, sizeof(char *) * (size_t)t->n_cols);
        if (!row) {
            rc = sgl_fail(SGL_ENOMEM, "out of memory");
            break;
        }
        for (int i = n; i < t->n_cols; i++)
            row[i] = strdup("");
        t->cell[t->n_rows++] = row;
    }
    free(line);
    if (!rc && ferror(f))
        rc = sgl_fail(SGL_EIO, "%s: read error", path);
    if (!rc && !t->head)
        rc = sgl_fail(SGL_EDATA, "%s: empty, no header line", path);
    fclose(f);
    if (rc)
        cli_csv_free(t);
    return rc;
}

int cli_csv_col(const cli_csv *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++)
        if (strcmp(t->head[c], name) == 0)
            return c;
    return -1;
}

void cli_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

/* The key columns of results.csv: a job with these values has run. */
#define SWEEP_NKEY 14
static const char *const sweep_key_names[SWEEP_NKEY] = {
    "shape", "dampening", "sharpness", "tail_fatness", "conditions", "init_rate", "sparsity",
    "lr",    "seed",      "epochs",    "hidden",       "init",       "data",      "extra"};

/* ---- lists ---- */

#define MAX_ITEMS 4096

typedef struct {
    char *v[MAX_ITEMS];
    int n;
} strlist;

static void list_free(strlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    l->n = 0;
}

static int list_add(strlist *l, const char *s)
{
    if (l->n == MAX_ITEMS)
        return sgl_fail(SGL_EUSAGE, "more than %d values in one list", MAX_ITEMS);
    l->v[l->n] = strdup(s);
    if (!l->v[l->n])
        return sgl_fail(SGL_ENOMEM, "out of memory");
    l->n++;
    return 0;
}

static int list_addf(strlist *l, double x)
{
    char b[32];
    snprintf(b, sizeof b, "%.4g", x);
    return list_add(l, b);
}

/* Split s at sep into l (replacing its contents); empty items are refused. */
static int list_split(const char *opt, const char *s, char sep, strlist *l)
{
    list_free(l);
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0)
            return sgl_fail(SGL_EUSAGE, "--%s: empty item in '%s'", opt, s);
        char buf[256];
        if (n >= sizeof buf)
            return sgl_fail(SGL_EUSAGE, "--%s: item too long in '%s'", opt, s);
        memcpy(buf, p, n);
        buf[n] = 0;
        int rc = list_add(l, buf);
        if (rc)
            return rc;
        if (!e)
            return 0;
        p = e + 1;
    }
}

static int check_numbers(const char *opt, strlist *l, double lo, double hi, const char *word)
{
    for (int i = 0; i < l->n; i++) {
        double v;
        if (word && strcmp(l->v[i], word) == 0)
            continue;
        int rc = cli_double(opt, l->v[i], lo, hi, &v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Conditions set "I,II" or "I+II" -> "I+II" (no comma, for the CSV); checks the names. */
static int norm_conditions(const char *s, char *out, size_t cap)
{
    if (strcmp(s, "none") == 0 || strcmp(s, "all") == 0) {
        snprintf(out, cap, "%s", s);
        return 0;
    }
    static const char *names[] = {"I", "II", "III", "IV"};
    unsigned m = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *tok = strtok_r(buf, ",+", &save); tok;
         tok = strtok_r(NULL, ",+", &save)) {
        int k = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(tok, names[i]) == 0)
                k = i;
        if (k < 0)
            return sgl_fail(SGL_EUSAGE, "--conditions: '%s' in '%s' is not I, II, III, IV, "
                                        "none or all",
                            tok, s);
        m |= 1u << k;
    }
    if (!m)
        return sgl_fail(SGL_EUSAGE, "--conditions: empty set '%s'", s);
    out[0] = 0;
    for (int i = 0; i < 4; i++)
        if (m & (1u << i))
            snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? "+" : "", names[i]);
    return 0;
}

static int parse_seeds(const char *s, strlist *l)
{
    list_free(l);
    long a, b;
    char *end;
    if (!strchr(s, ',') && !strchr(s + 1, '-')) {
        int rc = cli_int("seeds", s, 1, MAX_ITEMS, &a);
        if (rc)
            return rc;
        for (long i = 0; i < a && !rc; i++)
            rc = list_addf(l, (double)i);
        return rc;
    }
    if (!strchr(s, ',')) { /* A-B */
        errno = 0;
        a = strtol(s, &end, 10);
        if (errno || end == s || *end != '-' || a < 0)
            return sgl_fail(SGL_EUSAGE, "--seeds: '%s' is not N, a list or a range A-B", s);
        const char *q = end + 1;
        b = strtol(q, &end, 10);
        if (errno || end == q || *end || b < a || b - a >= MAX_ITEMS)
            return sgl_fail(SGL_EUSAGE, "--seeds: '%s' is not a range A-B with A <= B", s);
        int rc = 0;
        for (long i = a; i <= b && !rc; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%ld", i);
            rc = list_add(l, buf);
        }
        return rc;
    }
    int rc = list_split("seeds", s, ',', l);
    for (int i = 0; !rc && i < l->n; i++) {
        uint64_t v;
        rc = cli_u64("seeds", l->v[i], &v);
    }
    return rc;
}

/* ---- jobs ---- */

typedef struct {
    int k;
    const char *shape, *damp, *sharp, *q, *cond, *irate, *spars, *lr, *seed;
} job;

typedef struct {
    strlist shapes, damp, sharp, q, cond, irate, spars, lr, seeds;
    const char *data, *epochs, *hidden, *init, *dir;
    char extra[2048];     /* train options after --, space-joined (the CSV's 'extra') */
    char **extra_argv;
    int n_extra;
    long threads;
    char exe[4096];
} sweep;

/* The key columns of a job, in CSV order. */
static void job_key(const sweep *s, const job *j, const char *f[SWEEP_NKEY])
{
    const char *v[SWEEP_NKEY] = {j->shape, j->damp, j->sharp, j->q, j->cond, j->irate,
                                 j->spars, j->lr, j->seed, s->epochs, s->hidden, s->init,
                                 s->data, s->extra};
    memcpy(f, v, sizeof v);
}

static job *expand(const sweep *s, int *n_out)
{
    size_t cap = 64, n = 0;
    job *jobs = malloc(cap * sizeof *jobs);
    if (!jobs)
        return NULL;
    for (int a = 0; a < s->shapes.n; a++) {
        int is_q = sgl_sg_parse(s->shapes.v[a]) == SGL_SG_Q_PSEUDOSPIKE;
        int nq = is_q ? s->q.n : 1;
        for (int b = 0; b < s->damp.n; b++)
            for (int c = 0; c < s->sharp.n; c++)
                for (int d = 0; d < nq; d++)
                    for (int e = 0; e < s->cond.n; e++)
                        for (int f = 0; f < s->irate.n; f++)
                            for (int g = 0; g < s->spars.n; g++)
                                for (int h = 0; h < s->lr.n; h++)
                                    for (int i = 0; i < s->seeds.n; i++) {
                                        if (n == cap) {
                                            cap *= 2;
                                            job *t = realloc(jobs, cap * sizeof *jobs);
                                            if (!t) {
                                                free(jobs);
                                                return NULL;
                                            }
                                            jobs = t;
                                        }
                                        jobs[n] = (job){(int)n,          s->shapes.v[a],
                                                        s->damp.v[b],    s->sharp.v[c],
                                                        is_q ? s->q.v[d] : "",
                                                        s->cond.v[e],    s->irate.v[f],
                                                        s->spars.v[g],   s->lr.v[h],
                                                        s->seeds.v[i]};
                                        n++;
                                    }
    }
    *n_out = (int)n;
    return jobs;
}

typedef struct {
    char *v[96];
    int n;
    char bufs[8][4096];
} argvec;

static void av_add(argvec *a, const char *s)
{
    if (a->n < (int)SGL_ARRAY_LEN(a->v) - 1)
        a->v[a->n++] = (char *)(uintptr_t)s;
    a->v[a->n] = NULL;
}

static void av_opt(argvec *a, const char *name, const char *val)
{
    if (val && *val) {
        av_add(a, name);
        av_add(a, val);
    }
}

static void job_path(const sweep *s, int k, const char *ext, char *out, size_t cap)
{
    snprintf(out, cap, "%s/job-%d.%s", s->dir, k, ext);
}

static void train_argv(const sweep *s, const job *j, argvec *a)
{
    a->n = 0;
    job_path(s, j->k, "sgl", a->bufs[0], sizeof a->bufs[0]);
    job_path(s, j->k, "csv", a->bufs[1], sizeof a->bufs[1]);
    snprintf(a->bufs[2], sizeof a->bufs[2], "%ld", s->threads);
    av_add(a, s->exe);
    av_add(a, "train");
    av_opt(a, "--data", s->data);
    av_opt(a, "--out", a->bufs[0]);
    av_opt(a, "--log", a->bufs[1]);
    av_add(a, "--quiet");
    av_opt(a, "--threads", a->bufs[2]);
    av_opt(a, "--sg", j->shape);
    av_opt(a, "--dampening", j->damp);
    av_opt(a, "--sharpness", j->sharp);
    av_opt(a, "--tail-fatness", j->q);
    av_opt(a, "--conditions", j->cond);
    if (strcmp(j->irate, "off") != 0)
        av_opt(a, "--init-rate", j->irate);
    av_opt(a, "--sparsity", j->spars);
    av_opt(a, "--lr", j->lr);
    av_opt(a, "--seed", j->seed);
    av_opt(a, "--epochs", s->epochs);
    av_opt(a, "--hidden", s->hidden);
    av_opt(a, "--init", s->init);
    for (int i = 0; i < s->n_extra; i++)
        av_add(a, s->extra_argv[i]);
}

static void eval_argv(const sweep *s, const job *j, argvec *a)
{
    a->n = 0;
    job_path(s, j->k, "sgl", a->bufs[0], sizeof a->bufs[0]);
    snprintf(a->bufs[2], sizeof a->bufs[2], "%ld", s->threads);
    av_add(a, s->exe);
    av_add(a, "eval");
    av_opt(a, "--model", a->bufs[0]);
    av_opt(a, "--data", s->data);
    av_opt(a, "--threads", a->bufs[2]);
}

/* Shell-quote s into f. */
static void shq(FILE *f, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "-_./=:,+@%") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

static void shell_line(FILE *f, const sweep *s, const job *j)
{
    argvec a;
    char p[4096];
    train_argv(s, j, &a);
    for (int i = 0; i < a.n; i++) {
        if (i)
            fputc(' ', f);
        shq(f, a.v[i]);
    }
    job_path(s, j->k, "out", p, sizeof p);
    fputs(" > ", f);
    shq(f, p);
    fputs(" 2>&1 && ", f);
    eval_argv(s, j, &a);
    for (int i = 0; i < a.n; i++) {
        if (i)
            fputc(' ', f);
        shq(f, a.v[i]);
    }
    job_path(s, j->k, "eval", p, sizeof p);
    fputs(" > ", f);
    shq(f, p);
    fputs(" 2>&1\n", f);
}

/* ---- outputs of a job ---- */

/* The value after `prefix` on the last line of file `path` starting with it; 0 if found. */
static int scan_file(const char *path, const char *prefix, double *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int found = -1;
    size_t n = strlen(prefix);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, n) == 0 && sscanf(line + n, "%lf", out) == 1)
            found = 0;
    fclose(f);
    return found;
}

/* Mean over layers of the "rateL: x" lines of eval's output. */
static double eval_rate(const char *path)
{
    double sum = 0, v;
    int n = 0;
    for (int l = 1; l <= SGL_MAX_LAYERS; l++) {
        char pre[32];
        snprintf(pre, sizeof pre, "rate%d: ", l);
        if (scan_file(path, pre, &v) == 0)
            sum += v, n++;
    }
    return n ? sum / n : NAN;
}

/* The last line of a file (for error messages), stripped of the newline. */
static void last_line(const char *path, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(out, cap, "%s", line);
    fclose(f);
    out[strcspn(out, "\n")] = 0;
}

static int write_row(FILE *f, const sweep *s, const job *j, double test, double valid,
                     double rate, double secs, const char *status)
{
    const char *key[SWEEP_NKEY];
    job_key(s, j, key);
    fprintf(f, "%d", j->k);
    for (int i = 0; i < SWEEP_NKEY; i++) {
        fputc(',', f);
        cli_csv_field(f, key[i]);
    }
    char b[4][32];
    snprintf(b[0], 32, isnan(test) ? "" : "%.4f", test);
    snprintf(b[1], 32, isnan(valid) ? "" : "%.4f", valid);
    snprintf(b[2], 32, isnan(rate) ? "" : "%.4f", rate);
    snprintf(b[3], 32, isnan(secs) ? "" : "%.1f", secs);
    fprintf(f, ",%s,%s,%s,%s,", b[0], b[1], b[2], b[3]);
    cli_csv_field(f, status);
    fputc('\n', f);
    fflush(f);
    return ferror(f) ? sgl_fail(SGL_EIO, "%s/results.csv: write failed", s->dir) : 0;
}

/* ---- running ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static pid_t spawn(char *const argv[], const char *outpath)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int nul = open("/dev/null", O_RDONLY);
    if (fd < 0 || nul < 0)
        _exit(126);
    dup2(nul, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], argv);
    dprintf(2, "sglif sweep: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void fmt_dur(char *b, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(b, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
        snprintf(b, n, "%ldm%02lds", t / 60, t % 60);
}

typedef struct {
    const job *j;
    pid_t pid;
    int phase; /* 0 train, 1 eval */
    double t0;
} slot;

static void progress(int tty, int done, int failed, int running, int total, int skipped,
                     double t0, int final)
{
    double el = now() - t0;
    char e[32], r[32] = "?";
    fmt_dur(e, sizeof e, el);
    int left = total - done;
    if (done > 0)
        fmt_dur(r, sizeof r, el / done * left);
    if (tty)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, "sweep: %d/%d jobs done (%d failed, %d skipped as finished), %d running, "
                    "elapsed %s, ETA %s",
            done, total, failed, skipped, running, e, left ? r : "0m00s");
    if (!tty || final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int run_jobs(const sweep *s, const job *pend, int n_pend, int skipped, long n_jobs,
                    FILE *csv)
{
    slot *sl = calloc((size_t)n_jobs, sizeof *sl);
    if (!sl)
        return cli_error("sweep", sgl_fail(SGL_ENOMEM, "out of memory"));
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    const int tty = isatty(STDERR_FILENO);
    int next = 0, running = 0, done = 0, failed = 0, rc = 0, abort_usage = 0;
    char abort_msg[1024] = "";
    double t0 = now(), last_tick = 0;
    progress(tty, 0, 0, 0, n_pend, skipped, t0, 0);
    while (!stop_flag && !rc && (running > 0 || (next < n_pend && !abort_usage))) {
        for (long i = 0; i < n_jobs && next < n_pend && !abort_usage; i++) {
            if (sl[i].pid)
                continue;
            const job *j = &pend[next++];
            argvec a;
            char out[4096];
            train_argv(s, j, &a);
            job_path(s, j->k, "out", out, sizeof out);
            sl[i] = (slot){j, spawn(a.v, out), 0, now()};
            if (sl[i].pid < 0) {
                rc = cli_error("sweep", sgl_fail(SGL_EIO, "fork: %s", strerror(errno)));
                sl[i].pid = 0;
                break;
            }
            running++;
        }
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0) {
            if (pid < 0 && errno != EINTR && errno != ECHILD)
                break;
            struct timespec ts = {0, 100000000};
            nanosleep(&ts, NULL);
            if (tty && now() - last_tick > 1) {
                last_tick = now();
                progress(tty, done, failed, running, n_pend, skipped, t0, 0);
            }
            continue;
        }
        long i = 0;
        while (i < n_jobs && sl[i].pid != pid)
            i++;
        if (i == n_jobs)
            continue;
        const job *j = sl[i].j;
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        char out[4096], ev[4096], msg[1024];
        job_path(s, j->k, "out", out, sizeof out);
        job_path(s, j->k, "eval", ev, sizeof ev);
        if (stop_flag || code == SGL_EXIT_INTR || code == 128 + SIGINT ||
            code == 128 + SIGTERM) {
            sl[i].pid = 0;
            running--;
            continue;
        }
        if (sl[i].phase == 0 && code == 0) {
            char ck[4096];
            job_path(s, j->k, "sgl.ckpt", ck, sizeof ck);
            unlink(ck);
            argvec a;
            eval_argv(s, j, &a);
            sl[i].phase = 1;
            sl[i].pid = spawn(a.v, ev);
            if (sl[i].pid < 0) {
                rc = cli_error("sweep", sgl_fail(SGL_EIO, "fork: %s", strerror(errno)));
                sl[i].pid = 0;
                running--;
            }
            continue;
        }
        double secs = now() - sl[i].t0, test = NAN, valid = NAN, rate = NAN;
        char status[1100] = "ok";
        if (code != 0) {
            last_line(sl[i].phase ? ev : out, msg, sizeof msg);
            snprintf(status, sizeof status, "%s exit %d: %s", sl[i].phase ? "eval" : "train",
                     code, msg);
            if (sl[i].phase == 0 && code == SGL_EXIT_USAGE) {
                abort_usage = 1;
                snprintf(abort_msg, sizeof abort_msg, "%s", msg);
            }
        } else {
            scan_file(out, "best valid accuracy: ", &valid);
            rate = eval_rate(ev);
            if (scan_file(ev, "accuracy: ", &test))
                snprintf(status, sizeof status, "eval printed no accuracy line");
        }
        if (strcmp(status, "ok") != 0)
            failed++;
        sl[i].pid = 0;
        running--;
        done++;
        if (!abort_usage) {
            int w = write_row(csv, s, j, test, valid, rate, secs, status);
            if (w)
                rc = cli_error("sweep", w);
        }
        progress(tty, done, failed, running, n_pend, skipped, t0, 0);
    }
    if (stop_flag || rc) {
        for (long i = 0; i < n_jobs; i++)
            if (sl[i].pid > 0)
                kill(sl[i].pid, SIGTERM);
        for (long i = 0; i < n_jobs; i++)
            if (sl[i].pid > 0)
                waitpid(sl[i].pid, NULL, 0);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(sl);
    if (tty)
        progress(tty, done, failed, 0, n_pend, skipped, t0, 1);
    if (abort_usage) {
        fprintf(stderr, "sglif sweep: a job's train options were refused, sweep stopped: %s\n",
                abort_msg);
        return SGL_EXIT_USAGE;
    }
    if (stop_flag) {
        fprintf(stderr, "sglif sweep: interrupted after %d of %d jobs; rerun the same command "
                        "to continue\n",
                done, n_pend);
        return SGL_EXIT_INTR;
    }
    if (!rc)
        fprintf(stderr, "sweep: results in %s/results.csv\n", s->dir);
    return rc ? rc : (failed ? SGL_EXIT_FAIL : SGL_EXIT_OK);
}

/* --collect: rows from the outputs of jobs run elsewhere. */
static int collect(const sweep *s, const job *pend, int n_pend, FILE *csv)
{
    int added = 0;
    for (int i = 0; i < n_pend; i++) {
        char out[4096], ev[4096], log[4096];
        double test, valid, secs = 0;
        job_path(s, pend[i].k, "out", out, sizeof out);
        job_path(s, pend[i].k, "eval", ev, sizeof ev);
        job_path(s, pend[i].k, "csv", log, sizeof log);
        if (scan_file(out, "best valid accuracy: ", &valid) || scan_file(ev, "accuracy: ", &test))
            continue;
        cli_csv t;
        if (cli_csv_read(log, &t) == 0) {
            int c = cli_csv_col(&t, "seconds");
            for (int r = 0; c >= 0 && r < t.n_rows; r++)
                secs += atof(t.cell[r][c]);
            cli_csv_free(&t);
        }
        int rc = write_row(csv, s, &pend[i], test, valid, eval_rate(ev), secs, "ok");
        if (rc)
            return cli_error("sweep", rc);
        added++;
    }
    fprintf(stderr, "sweep: collected %d finished jobs, %d still missing; results in "
                    "%s/results.csv\n",
            added, n_pend - added, s->dir);
    return SGL_EXIT_OK;
}

static int emit(const sweep *s, const job *pend, int n_pend, int slurm)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/jobs.txt", s->dir);
    FILE *f = fopen(p, "w");
    if (!f)
        return cli_error("sweep", sgl_fail(SGL_EIO, "%s: cannot create: %s", p, strerror(errno)));
    for (int i = 0; i < n_pend; i++)
        shell_line(f, s, &pend[i]);
    if (fclose(f))
        return cli_error("sweep", sgl_fail(SGL_EIO, "%s: write failed", p));
    if (!slurm) {
        printf("%s: %d jobs; run them with\n  parallel --jobs N < %s\nthen add them to "
               "results.csv with the same sweep command and --collect\n",
               p, n_pend, p);
        return SGL_EXIT_OK;
    }
    if (n_pend == 0) {
        printf("%s: no pending job, no Slurm script written\n", p);
        return SGL_EXIT_OK;
    }
    char sp[4096];
    snprintf(sp, sizeof sp, "%s/sweep.slurm", s->dir);
    f = fopen(sp, "w");
    if (!f)
        return cli_error("sweep", sgl_fail(SGL_EIO, "%s: cannot create: %s", sp, strerror(errno)));
    fprintf(f, "#!/bin/bash\n# sglif sweep: %d jobs, one per line of jobs.txt (0-based array "
               "index = line - 1).\n# Submit with: sbatch %s   then: the same sweep command "
               "with --collect\n",
            n_pend, sp);
    fprintf(f, "#SBATCH --job-name=sglif-sweep\n#SBATCH --array=0-%d\n#SBATCH --ntasks=1\n"
               "#SBATCH --cpus-per-task=%ld\n#SBATCH --output=%s/slurm-%%A_%%a.out\n",
            n_pend - 1, s->threads, s->dir);
    fprintf(f, "set -euo pipefail\nline=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" ");
    shq(f, p);
    fprintf(f, ")\nexec bash -c \"$line\"\n");
    if (fclose(f))
        return cli_error("sweep", sgl_fail(SGL_EIO, "%s: write failed", sp));
    printf("%s: %d jobs, array 0-%d; submit with\n  sbatch %s\nthen add them to results.csv "
           "with the same sweep command and --collect\n",
           sp, n_pend, n_pend - 1, sp);
    return SGL_EXIT_OK;
}

/* ---- main ---- */

static int fill_paper(const char *opt, strlist *l)
{
    list_free(l);
    int rc = 0;
    if (strcmp(opt, "tail-fatness") == 0)
        for (int i = 0; i < 10 && !rc; i++)
            rc = list_addf(l, 1 + pow(10, -2 + 3.2 * i / 9));
    else if (strcmp(opt, "lr") == 0)
        for (int i = 0; i < 7 && !rc; i++)
            rc = list_addf(l, pow(10, -5 + 0.5 * i));
    else
        for (int i = 1; i <= 6 && !rc; i++)
            rc = list_addf(l, 0.25 * i);
    return rc;
}

static void sweep_free(sweep *s)
{
    strlist *ls[] = {&s->shapes, &s->damp, &s->sharp, &s->q,    &s->cond,
                     &s->irate,  &s->spars, &s->lr,   &s->seeds};
    for (size_t i = 0; i < SGL_ARRAY_LEN(ls); i++)
        list_free(ls[i]);
}

static int parse_list_opt(sweep *s, const char *name, const char *arg)
{
    int rc;
    if (strcmp(name, "shapes") == 0) {
        if (strcmp(arg, "all") == 0) {
            list_free(&s->shapes);
            for (int i = 0, r = 0; i < SGL_SG_N_SHAPES && !r; i++)
                r = list_add(&s->shapes, sgl_sg_name(i));
            return 0;
        }
        if ((rc = list_split(name, arg, ',', &s->shapes)))
            return rc;
        for (int i = 0; i < s->shapes.n; i++) {
            int k = sgl_sg_parse(s->shapes.v[i]);
            if (k < 0 || k >= SGL_SG_N_SHAPES)
                return sgl_fail(SGL_EUSAGE, "--shapes: unknown shape '%s' (triangular, "
                                            "exponential, gaussian, rectangular, sigmoid, "
                                            "fast-sigmoid, q-pseudospike, all)",
                                s->shapes.v[i]);
        }
        return 0;
    }
    struct {
        const char *name;
        strlist *l;
        double lo, hi;
        const char *word;
    } num[] = {{"dampening", &s->damp, 1e-6, 1e6, NULL},
               {"sharpness", &s->sharp, 1e-6, 1e6, NULL},
               {"tail-fatness", &s->q, 1.0 + 1e-9, 1e6, NULL},
               {"lr", &s->lr, 1e-12, 10, NULL},
               {"init-rate", &s->irate, 0, 1, "off"},
               {"sparsity", &s->spars, 0, 1e9, NULL}};
    for (size_t i = 0; i < SGL_ARRAY_LEN(num); i++) {
        if (strcmp(name, num[i].name) != 0)
            continue;
        if (strcmp(arg, "paper") == 0 && i < 4)
            return fill_paper(name, num[i].l);
        if ((rc = list_split(name, arg, ',', num[i].l)))
            return rc;
        return check_numbers(name, num[i].l, num[i].lo, num[i].hi, num[i].word);
    }
    if (strcmp(name, "conditions") == 0) {
        if (strcmp(arg, "paper") == 0)
            arg = "none;I;I,II;I,II,III;I,II,III,IV";
        if ((rc = list_split(name, arg, ';', &s->cond)))
            return rc;
        for (int i = 0; i < s->cond.n; i++) {
            char b[64];
            if ((rc = norm_conditions(s->cond.v[i], b, sizeof b)))
                return rc;
            free(s->cond.v[i]);
            s->cond.v[i] = strdup(b);
            if (!s->cond.v[i])
                return sgl_fail(SGL_ENOMEM, "out of memory");
        }
        return 0;
    }
    if (strcmp(name, "seeds") == 0)
        return parse_seeds(arg, &s->seeds);
    return 1;
}

static int sweep_main(sweep *s, int argc, char **argv)
{
    static const struct option own[] = {
        {"out", required_argument, 0, 0},       {"data", required_argument, 0, 0},
        {"shapes", required_argument, 0, 0},    {"dampening", required_argument, 0, 0},
        {"sharpness", required_argument, 0, 0}, {"tail-fatness", required_argument, 0, 0},
        {"lr", required_argument, 0, 0},        {"seeds", required_argument, 0, 0},
        {"conditions", required_argument, 0, 0}, {"init-rate", required_argument, 0, 0},
        {"sparsity", required_argument, 0, 0},  {"epochs", required_argument, 0, 0},
        {"hidden", required_argument, 0, 0},    {"init", required_argument, 0, 0},
        {"jobs", required_argument, 0, 0},      {"threads", required_argument, 0, 0},
        {"dry-run", no_argument, 0, 0},         {"emit", required_argument, 0, 0},
        {"collect", no_argument, 0, 0},         {0, 0, 0, 0}};
    struct option opts[32];
    cli_merge_opts(own, NULL, opts, 32);
    long n_jobs = sysconf(_SC_NPROCESSORS_ONLN), v;
    int dry = 0, emit_kind = -1, do_collect = 0, rc;
    s->data = "randman";
    s->threads = 1;
    const char *name;
    int more, code;
    while ((more = cli_next(argc, argv, opts, "sweep", HELP, 1, &name, &code)) > 0) {
        rc = parse_list_opt(s, name, optarg);
        if (rc < 0)
            return cli_error("sweep", rc);
        if (rc == 0)
            continue;
        rc = 0;
        if (strcmp(name, "out") == 0)
            s->dir = optarg;
        else if (strcmp(name, "data") == 0)
            s->data = optarg;
        else if (strcmp(name, "epochs") == 0) {
            rc = cli_int(name, optarg, 1, 1000000, &v);
            s->epochs = optarg;
        } else if (strcmp(name, "hidden") == 0) {
            if (!*optarg || strspn(optarg, "0123456789,") != strlen(optarg))
                return cli_usage_error("sweep", "--hidden: '%s' is not N or N,N", optarg);
            s->hidden = optarg;
        } else if (strcmp(name, "init") == 0) {
            if (sgl_init_parse(optarg) < 0)
                return cli_usage_error("sweep", "--init: '%s' is not stable, glorot or "
                                                "orthogonal",
                                       optarg);
            s->init = optarg;
        } else if (strcmp(name, "jobs") == 0)
            rc = cli_int(name, optarg, 1, 1024, &n_jobs);
        else if (strcmp(name, "threads") == 0)
            rc = cli_int(name, optarg, 1, 1024, &s->threads);
        else if (strcmp(name, "dry-run") == 0)
            dry = 1;
        else if (strcmp(name, "collect") == 0)
            do_collect = 1;
        else if (strcmp(name, "emit") == 0) {
            if (strcmp(optarg, "parallel") == 0)
                emit_kind = 0;
            else if (strcmp(optarg, "slurm") == 0)
                emit_kind = 1;
            else
                return cli_usage_error("sweep", "--emit: '%s' is not parallel or slurm",
                                       optarg);
        }
        if (rc)
            return cli_error("sweep", rc);
    }
    if (more < 0)
        return code;
    s->extra_argv = argv + optind;
    s->n_extra = argc - optind;
    for (int i = 0, k = 0; i < s->n_extra; i++)
        k += snprintf(s->extra + k, sizeof s->extra - (size_t)k, "%s%s", i ? " " : "",
                      s->extra_argv[i]);
    if (!s->dir)
        return cli_usage_error("sweep", "--out DIR is required");
    if (dry + do_collect + (emit_kind >= 0) > 1)
        return cli_usage_error("sweep", "--dry-run, --emit and --collect exclude each other");
    if (s->shapes.n == 0 && (rc = parse_list_opt(s, "shapes", "all")) < 0)
        return cli_error("sweep", rc);
    strlist *dflt[] = {&s->damp, &s->sharp, &s->q, &s->cond, &s->irate, &s->spars, &s->lr};
    for (size_t i = 0; i < SGL_ARRAY_LEN(dflt); i++)
        if (dflt[i]->n == 0 && (rc = list_add(dflt[i], "")))
            return cli_error("sweep", rc);
    if (s->seeds.n == 0 && (rc = list_add(&s->seeds, "0")))
        return cli_error("sweep", rc);
    if (!s->epochs)
        s->epochs = "";
    if (!s->hidden)
        s->hidden = "";
    if (!s->init)
        s->init = "";

    /* the executable, absolute, and DIR, absolute once it exists */
    ssize_t n = readlink("/proc/self/exe", s->exe, sizeof s->exe - 1);
    if (n <= 0)
        return cli_error("sweep", sgl_fail(SGL_EIO, "/proc/self/exe: %s", strerror(errno)));
    s->exe[n] = 0;
    static char absdir[4096];
    if (!dry) {
        if (mkdir(s->dir, 0777) && errno != EEXIST)
            return cli_error("sweep", sgl_fail(SGL_EIO, "%s: cannot create: %s", s->dir,
                                               strerror(errno)));
        if (!realpath(s->dir, absdir))
            return cli_error("sweep", sgl_fail(SGL_EIO, "%s: %s", s->dir, strerror(errno)));
        s->dir = absdir;
    }

    int n_all = 0;
    job *all = expand(s, &n_all);
    if (!all)
        return cli_error("sweep", sgl_fail(SGL_ENOMEM, "out of memory"));
    /* finished jobs: the key columns of the rows of DIR/results.csv */
    char csvpath[4200];
    snprintf(csvpath, sizeof csvpath, "%s/results.csv", s->dir);
    cli_csv done = {0};
    int have_csv = access(csvpath, F_OK) == 0;
    if (have_csv && (rc = cli_csv_read(csvpath, &done))) {
        free(all);
        return cli_error("sweep", rc);
    }
    int keycol[SWEEP_NKEY];
    for (int i = 0; i < SWEEP_NKEY; i++) {
        keycol[i] = have_csv ? cli_csv_col(&done, sweep_key_names[i]) : -1;
        if (have_csv && keycol[i] < 0) {
            cli_csv_free(&done);
            free(all);
            return cli_error("sweep", sgl_fail(SGL_EDATA, "%s: no column '%s' (not a sweep's "
                                                          "results.csv?)",
                                               csvpath, sweep_key_names[i]));
        }
    }
    job *pend = malloc(sizeof(job) * (size_t)(n_all ? n_all : 1));
    int n_pend = 0;
    for (int k = 0; pend && k < n_all; k++) {
        const char *key[SWEEP_NKEY];
        job_key(s, &all[k], key);
        int found = 0;
        for (int r = 0; r < done.n_rows && !found; r++) {
            found = 1;
            for (int i = 0; i < SWEEP_NKEY && found; i++)
                found = strcmp(done.cell[r][keycol[i]], key[i]) == 0;
        }
        if (!found)
            pend[n_pend++] = all[k];
    }
    cli_csv_free(&done);
    if (!pend) {
        free(all);
        return cli_error("sweep", sgl_fail(SGL_ENOMEM, "out of memory"));
    }
    int skipped = n_all - n_pend;
    if (dry) {
        for (int i = 0; i < n_pend; i++)
            shell_line(stdout, s, &pend[i]);
        fprintf(stderr, "sweep: %d jobs in the grid, %d already in %s, %d to run\n", n_all,
                skipped, csvpath, n_pend);
        free(pend);
        free(all);
        return SGL_EXIT_OK;
    }
    if (emit_kind >= 0) {
        rc = emit(s, pend, n_pend, emit_kind);
        free(pend);
        free(all);
        return rc;
    }
    FILE *csv = fopen(csvpath, "a");
    if (!csv) {
        free(pend);
        free(all);
        return cli_error("sweep", sgl_fail(SGL_EIO, "%s: cannot open: %s", csvpath,
                                           strerror(errno)));
    }
    if (ftell(csv) == 0) {
        fputs("job", csv);
        for (int i = 0; i < SWEEP_NKEY; i++)
            fprintf(csv, ",%s", sweep_key_names[i]);
        fputs(",test_acc,best_valid_acc,final_rate,seconds,status\n", csv);
        fflush(csv);
    }
    if (do_collect) {
        rc = collect(s, pend, n_pend, csv);
    } else if (n_pend == 0) {
        fprintf(stderr, "sweep: all %d jobs already in %s\n", n_all, csvpath);
        rc = SGL_EXIT_OK;
    } else {
        /* the data set must load before hundreds of jobs fail on it */
        sgl_data d = {0};
        if ((rc = cli_input(sgl_data_load(&d, s->data, SGL_SPLIT_TEST))))
            rc = cli_error("sweep", rc);
        sgl_data_free(&d);
        if (!rc) {
            fprintf(stderr, "sweep: %d jobs (%d already done), %ld at once, into %s\n", n_pend,
                    skipped, n_jobs, s->dir);
            rc = run_jobs(s, pend, n_pend, skipped, n_jobs, csv);
        }
    }
    if (fclose(csv) && !rc)
        rc = cli_error("sweep", sgl_fail(SGL_EIO, "%s: write failed", csvpath));
    free(pend);
    free(all);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep *s = calloc(1, sizeof *s);
    if (!s)
        return cli_error("sweep", sgl_fail(SGL_ENOMEM, "out of memory"));
    int rc = sweep_main(s, argc, argv);
    sweep_free(s);
    free(s);
    return rc;
}
