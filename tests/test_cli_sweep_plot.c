/* SPDX-License-Identifier: MIT */
/* Suite "sweep_plot": `sglif sweep` (grid size of --dry-run, --emit parallel/slurm files, a
 * tiny real sweep and its resumption, a refused train option) and `sglif plot` (PNG and SVG
 * files of every kind, missing gnuplot, bad options). Runs the built program named by the
 * SGLIF environment variable (set by `make test`); skipped without it. */
#include <criterion/criterion.h>

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A small, fast data set: 10 classes x 20 samples, 10 channels, 30 steps. */
#define TINY "randman:samples=20,steps=30,units=10"

static const char *prog;
static char tmpdir[64];

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w)
{
    (void)s, (void)f, (void)w;
    return remove(p);
}

static void setup(void)
{
    prog = getenv("SGLIF");
    if (!prog || !*prog)
        cr_skip_test("SGLIF is not set (run through 'make test')");
    strcpy(tmpdir, "/tmp/sglif-test-sweep-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = 0;
}

/* Run `$SGLIF ARGS` through the shell, stdout to DIR/out.txt and stderr to DIR/err.txt;
 * returns the exit code. */
__attribute__((format(printf, 1, 2))) static int run(const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "'%s' %s > %s/out.txt 2> %s/err.txt", prog, args, tmpdir, tmpdir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "command did not exit: %s", cmd);
    return WEXITSTATUS(st);
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0, c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        n += c == '\n';
        last = c;
    }
    fclose(f);
    return n + (last != '\n');
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_not_null(b);
    b[fread(b, 1, (size_t)n, f)] = 0;
    fclose(f);
    return b;
}

static void path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static int lines_of(const char *name)
{
    char p[256];
    path(p, sizeof p, name);
    return count_lines(p);
}

TestSuite(sweep_plot, .init = setup, .fini = teardown, .timeout = 120);

Test(sweep_plot, dry_run_counts_the_grid)
{
    /* (fast-sigmoid + q-pseudospike x 3 q) x 2 lr x 2 seeds = 16 */
    cr_assert_eq(run("sweep --out %s/d --dry-run --shapes fast-sigmoid,q-pseudospike "
                     "--tail-fatness 1.5,2,3 --lr 1e-3,1e-2 --seeds 2",
                     tmpdir),
                 0);
    cr_assert_eq(lines_of("out.txt"), 16);
    /* 5 sets of Conditions x 3 seeds (a range) x 2 init rates x 2 sparsities = 60 */
    cr_assert_eq(run("sweep --out %s/d --dry-run --shapes fast-sigmoid --conditions paper "
                     "--seeds 4-6 --init-rate 0.1,off --sparsity 0,1",
                     tmpdir),
                 0);
    cr_assert_eq(lines_of("out.txt"), 60);
    /* the default grid: 7 shapes */
    cr_assert_eq(run("sweep --out %s/d --dry-run", tmpdir), 0);
    cr_assert_eq(lines_of("out.txt"), 7);
    /* the paper's grid, counted in --help: 6 x 6 x 6 x 7 + 6 x 6 x 10 x 7 */
    cr_assert_eq(run("sweep --out %s/d --dry-run --dampening paper --sharpness paper "
                     "--tail-fatness paper --lr paper",
                     tmpdir),
                 0);
    cr_assert_eq(lines_of("out.txt"), 4032);
    char p[256];
    path(p, sizeof p, "out.txt");
    char *s = slurp(p);
    cr_assert(strstr(s, "--tail-fatness 16.85 "), "q grid should end at 16.85");
    cr_assert(strstr(s, "--lr 0.0003162 "), "lr grid in half decades");
    free(s);
}

Test(sweep_plot, emit_slurm_and_parallel)
{
    cr_assert_eq(run("sweep --out %s/e --emit slurm --shapes fast-sigmoid,gaussian,sigmoid "
                     "--lr 1e-3,1e-2 --seeds 2 --data " TINY " -- --batch 16",
                     tmpdir),
                 0);
    cr_assert_eq(lines_of("e/jobs.txt"), 12);
    char p[256];
    path(p, sizeof p, "e/sweep.slurm");
    char *s = slurp(p);
    cr_assert_not_null(s);
    cr_assert(strstr(s, "#SBATCH --array=0-11\n"), "array range: %s", s);
    cr_assert(strstr(s, "SLURM_ARRAY_TASK_ID"));
    free(s);
    path(p, sizeof p, "e/jobs.txt");
    s = slurp(p);
    cr_assert(strstr(s, " train ") && strstr(s, " && ") && strstr(s, " eval "));
    cr_assert(strstr(s, "--batch 16 >"), "train options after -- reach every job");
    free(s);
    cr_assert_eq(run("sweep --out %s/p --emit parallel --shapes triangular --seeds 5 --data " TINY,
                     tmpdir),
                 0);
    cr_assert_eq(lines_of("p/jobs.txt"), 5);
}

static void check_results(const char *name, int rows)
{
    char p[256];
    path(p, sizeof p, name);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s missing", p);
    char line[4096];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert(strstr(line, "test_acc,best_valid_acc,final_rate,seconds,status"), "%s", line);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        /* the last five fields: test_acc, best_valid_acc, final_rate, seconds, status */
        double acc, valid, rate, secs;
        char status[64];
        char *q = line + strlen(line);
        int commas = 0;
        while (q > line && commas < 5)
            commas += *--q == ',';
        cr_assert_eq(sscanf(q + 1, "%lf,%lf,%lf,%lf,%63s", &acc, &valid, &rate, &secs, status),
                     5, "row: %s", line);
        cr_assert_str_eq(status, "ok");
        cr_assert(acc >= 0 && acc <= 1, "test accuracy %g", acc);
        cr_assert(valid >= 0 && valid <= 1, "valid accuracy %g", valid);
        cr_assert(rate >= 0 && rate <= 1, "rate %g", rate);
        cr_assert(secs >= 0);
        n++;
    }
    fclose(f);
    cr_assert_eq(n, rows);
}

Test(sweep_plot, tiny_sweep_runs_and_resumes)
{
    const char *grid = "--data " TINY " --epochs 1 --hidden 12 --lr 1e-3 --seeds 1 --jobs 2 "
                       "--shapes fast-sigmoid,gaussian";
    cr_assert_eq(run("sweep --out %s/s %s", tmpdir, grid), 0);
    check_results("s/results.csv", 2);
    cr_assert_gt(lines_of("s/job-0.csv"), 1, "training log of job 0");
    char model[256];
    path(model, sizeof model, "s/job-1.sgl");
    cr_assert_eq(access(model, R_OK), 0, "model of job 1");
    /* rerun: nothing left to do, no row added */
    cr_assert_eq(run("sweep --out %s/s %s", tmpdir, grid), 0);
    check_results("s/results.csv", 2);
    char p[256];
    path(p, sizeof p, "err.txt");
    char *s = slurp(p);
    cr_assert(strstr(s, "all 2 jobs already"), "%s", s);
    free(s);
    /* a grown grid runs only the new job */
    cr_assert_eq(run("sweep --out %s/s %s,sigmoid --dry-run", tmpdir, grid), 0);
    cr_assert_eq(lines_of("out.txt"), 1);
    cr_assert_eq(run("sweep --out %s/s %s,sigmoid", tmpdir, grid), 0);
    check_results("s/results.csv", 3);
    /* the sweep plot of it */
    cr_assert_eq(run("plot sweep --csv %s/s/results.csv --out %s/sw.png", tmpdir, tmpdir), 0);
}

Test(sweep_plot, refused_train_option_stops_the_sweep)
{
    cr_assert_eq(run("sweep --out %s/r --data " TINY " --shapes fast-sigmoid,gaussian --jobs 1 "
                     "--epochs 1 -- --no-such-option",
                     tmpdir),
                 2);
    char p[256];
    path(p, sizeof p, "err.txt");
    char *s = slurp(p);
    cr_assert(strstr(s, "refused"), "%s", s);
    free(s);
    cr_assert_eq(lines_of("r/results.csv"), 1, "no row for a refused job");
}

static void check_png(const char *name)
{
    char p[256];
    path(p, sizeof p, name);
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f, "%s missing", p);
    unsigned char m[8] = {0};
    size_t n = fread(m, 1, 8, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    cr_assert_eq(n, 8);
    cr_assert(memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0, "%s is not a PNG", p);
    cr_assert_gt(size, 1000, "%s: %ld bytes", p, size);
}

static void check_svg(const char *name)
{
    char p[256];
    path(p, sizeof p, name);
    char *s = slurp(p);
    cr_assert_not_null(s, "%s missing", p);
    cr_assert(strstr(s, "<svg"), "%s is not an SVG", p);
    cr_assert(strstr(s, "<path") || strstr(s, "<polyline"), "%s has no curve", p);
    free(s);
}

Test(sweep_plot, plots_png_and_svg)
{
    cr_assert_eq(run("plot sg --out %s/sg.png", tmpdir), 0);
    check_png("sg.png");
    cr_assert_eq(run("plot sg --shapes q-pseudospike,exponential --dampening 0.5 --sharpness 2 "
                     "--tail-fatness 1.5 --out %s/sg.svg",
                     tmpdir),
                 0);
    check_svg("sg.svg");
    cr_assert_eq(run("train --data " TINY " --hidden 12 --epochs 2 --quiet --threads 1 "
                     "--out %s/m.sgl --log %s/m.csv",
                     tmpdir, tmpdir),
                 0);
    cr_assert_eq(run("plot curves --log %s/m.csv,%s/m.csv --out %s/c.png", tmpdir, tmpdir,
                     tmpdir),
                 0);
    check_png("c.png");
    cr_assert_eq(run("plot curves --log %s/m.csv --out %s/c.svg", tmpdir, tmpdir), 0);
    check_svg("c.svg");
    cr_assert_eq(run("plot raster --model %s/m.sgl --data " TINY " --sample 3 --out %s/r.png",
                     tmpdir, tmpdir),
                 0);
    check_png("r.png");
    cr_assert_eq(run("plot raster --model %s/m.sgl --data " TINY " --layer 1 --out %s/r.svg",
                     tmpdir, tmpdir),
                 0);
    check_svg("r.svg");
    /* a model that does not fit the data, a sample past the end */
    cr_assert_eq(run("plot raster --model %s/m.sgl --data randman:units=30 --out %s/x.png",
                     tmpdir, tmpdir),
                 3);
    cr_assert_eq(run("plot raster --model %s/m.sgl --data " TINY " --sample 999 --out %s/x.png",
                     tmpdir, tmpdir),
                 2);
    /* a file that is not a training log */
    cr_assert_eq(run("plot curves --log %s/err.txt --out %s/x.png", tmpdir, tmpdir), 3);
}

Test(sweep_plot, missing_gnuplot_is_a_clear_error)
{
    cr_assert_eq(run("plot sg --out %s/x.png", tmpdir), 0);
    setenv("GNUPLOT", "/nonexistent/gnuplot", 1);
    int rc = run("plot sg --out %s/x.png", tmpdir);
    unsetenv("GNUPLOT");
    cr_assert_eq(rc, 1);
    cr_assert_eq(lines_of("err.txt"), 1);
    char p[256];
    path(p, sizeof p, "err.txt");
    char *s = slurp(p);
    cr_assert(strstr(s, "gnuplot"), "%s", s);
    free(s);
}

Test(sweep_plot, bad_options_exit_2_with_one_line)
{
    static const char *const bad[] = {
        "sweep --out D --bogus",
        "sweep --out D --shapes fast-sigmoid,blob",
        "sweep --out D --seeds 0",
        "sweep --out D --lr 1e-3,,1e-2",
        "sweep --out D --lr abc",
        "sweep --out D --tail-fatness 1",
        "sweep --out D --conditions 'I;V'",
        "sweep --out D --emit torque",
        "sweep --dry-run",
        "sweep --out D stray",
        "sweep --out D --dry-run --emit slurm",
        "plot",
        "plot histogram --out x.png",
        "plot sg --out x.jpg",
        "plot sg",
        "plot sg --log a.csv --out x.png",
        "plot sg --shapes blob --out D/x.png",
        "plot curves --out D/x.png",
        "plot raster --out D/x.png",
        "plot sweep --out D/x.png",
        "plot raster --model m --data d --layer 9 --out x.png",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char args[512];
        const char *d = strstr(bad[i], "D");
        snprintf(args, sizeof args, "%s", bad[i]);
        if (d) { /* D -> the temp dir */
            char *dd = strstr(args, "D");
            snprintf(dd, sizeof args - (size_t)(dd - args), "%s%s", tmpdir, d + 1);
        }
        cr_assert_eq(run("%s", args), 2, "'sglif %s' should exit 2", args);
        cr_assert_eq(lines_of("err.txt"), 1, "'sglif %s': one line on stderr", args);
    }
}
