/* SPDX-License-Identifier: MIT */
/* The `sglif` program as a user meets it: --help everywhere, exit codes, one-line errors that
 * name the file, the output formats of eval / init / lut, and Ctrl-C + --resume through the
 * real signal path. The binary is $SGLIF (set by `make test`). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"

static char dir[128];
static const char *bin;

static void setup(void)
{
    bin = getenv("SGLIF");
    if (!bin)
        cr_skip_test("SGLIF is not set (run through make test)");
    snprintf(dir, sizeof dir, "/tmp/sglif-test-cli-%d", (int)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(cli, .init = setup, .fini = teardown);

/* Run "sglif ARGS" through the shell; capture stdout and stderr; return the exit code. */
static int sh(char *out, size_t outn, char *err, size_t errn, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int sh(char *out, size_t outn, char *err, size_t errn, const char *fmt, ...)
{
    char args[2048], cmd[4096], of[256], ef[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(of, sizeof of, "%s/stdout", dir);
    snprintf(ef, sizeof ef, "%s/stderr", dir);
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s", bin, args, of, ef);
    int st = system(cmd);
    const char *files[2] = {of, ef};
    char *bufs[2] = {out, err};
    size_t ns[2] = {outn, errn};
    for (int i = 0; i < 2; i++) {
        if (!bufs[i])
            continue;
        FILE *f = fopen(files[i], "r");
        size_t k = f ? fread(bufs[i], 1, ns[i] - 1, f) : 0;
        bufs[i][k] = 0;
        if (f)
            fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static const char *last_line(const char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n')
        n--;
    while (n && s[n - 1] != '\n')
        n--;
    return s + n;
}

Test(cli, help_everywhere)
{
    const char *cmds[] = {"train", "eval", "init", "lut", "sweep", "plot"};
    static char out[16384];
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        int rc = sh(out, sizeof out, NULL, 0, "%s --help", cmds[i]);
        cr_expect_eq(rc, 0, "%s --help exit %d", cmds[i], rc);
        cr_expect(strstr(out, "usage: sglif") != NULL, "%s --help: no usage line", cmds[i]);
        cr_expect(strstr(out, "Exit codes") != NULL, "%s --help: exit codes undocumented",
                  cmds[i]);
    }
    cr_assert_eq(sh(out, sizeof out, NULL, 0, "--help"), 0);
    cr_assert(strstr(out, "Exit codes") != NULL);
}

Test(cli, usage_errors_exit_2_with_one_line)
{
    static char err[4096];
    const char *bad[] = {"frobnicate", "train --data randman", "train --out x --data randman --lr fast",
                         "train --bogus", "eval --model", "lut --shape round --dampening 1 --sharpness 1",
                         "lut --shape triangular --dampening 1 --sharpness 1 --entries 3",
                         "train --data randman --out x --hidden 10,10,10,10",
                         "init --data randman --reset sideways",
                         "train --data randman --out x --epochs 0",
                         "train --data randman:colour=blue --out x",
                         "eval --model x --data randman --backend analog"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = sh(NULL, 0, err, sizeof err, "%s", bad[i]);
        cr_expect_eq(rc, 2, "'%s': exit %d, want 2 (%s)", bad[i], rc, err);
        cr_expect(count_lines(err) >= 1 && count_lines(err) <= 2, "'%s': %d lines: %s", bad[i],
                  count_lines(err), err);
        cr_expect(strncmp(err, "sglif", 5) == 0, "'%s': message does not start with sglif: %s",
                  bad[i], err);
    }
}

Test(cli, bad_files_exit_3_naming_the_file)
{
    static char err[4096];
    char path[256];
    snprintf(path, sizeof path, "%s/garbage.sgl", dir);
    FILE *f = fopen(path, "w");
    fputs("not a model", f);
    fclose(f);
    int rc = sh(NULL, 0, err, sizeof err, "eval --model %s --data randman", path);
    cr_assert_eq(rc, 3, "exit %d: %s", rc, err);
    cr_assert(strstr(err, path) != NULL, "%s", err);
    cr_assert_eq(count_lines(err), 1, "%s", err);
    rc = sh(NULL, 0, err, sizeof err, "eval --model %s/none.sgl --data randman", dir);
    cr_assert_eq(rc, 3, "exit %d: %s", rc, err); /* a missing input is exit 3 too */
    cr_assert(strstr(err, "none.sgl") != NULL, "%s", err);
    /* an output that cannot be written is refused before any training */
    rc = sh(NULL, 0, err, sizeof err,
            "train --data randman:samples=20,steps=20 --epochs 1 --out %s/no/such/dir/m.sgl", dir);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "--out") != NULL && strstr(err, "cannot write there") != NULL, "%s", err);
    cr_assert(strstr(err, "epoch") == NULL, "trained before failing: %s", err);
    rc = sh(NULL, 0, err, sizeof err, "train --data shd:%s/nowhere --out %s/m.sgl", dir, dir);
    cr_assert_eq(rc, 3, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "nowhere") != NULL, "%s", err);
}

Test(cli, lut_csv_and_hex)
{
    static char out[65536];
    int rc = sh(out, sizeof out, NULL, 0,
                "lut --shape fast-sigmoid --dampening 0.5 --sharpness 2 --entries 16 --bits 8");
    cr_assert_eq(rc, 0);
    cr_assert_eq(strncmp(out, "index,x,sg,code\n", 16), 0, "%s", out);
    cr_assert_eq(count_lines(out), 17);
    /* every row: code = round(sg / gamma * 255) and sg = gamma / (1 + |2 beta x|)^2 */
    const char *p = strchr(out, '\n') + 1;
    for (int i = 0; i < 16; i++) {
        int idx;
        double x, sg;
        unsigned code;
        cr_assert_eq(sscanf(p, "%d,%lf,%lf,%u", &idx, &x, &sg, &code), 4);
        cr_assert_eq(idx, i);
        double d = 1 + fabs(4 * x);
        cr_assert_float_eq(sg, 0.5 / (d * d), 1e-7);
        cr_assert_eq(code, (unsigned)lround(sg / 0.5 * 255));
        p = strchr(p, '\n') + 1;
    }
    rc = sh(out, sizeof out, NULL, 0,
            "lut --shape triangular --dampening 1 --sharpness 1 --entries 8 --bits 4 --format hex");
    cr_assert_eq(rc, 0);
    cr_assert_eq(count_lines(out), 8);
    cr_assert(strspn(out, "0123456789abcdef\n") == strlen(out), "%s", out);
}

Test(cli, init_prints_the_conditions_and_rate)
{
    static char out[8192];
    int rc = sh(out, sizeof out, NULL, 0,
                "init --data randman:samples=50,steps=60 --hidden 64 --samples 200");
    cr_assert_eq(rc, 0);
    const char *keys[] = {"mu_rec: ", "var_rec: ", "gamma: ", "beta: ", "initial_rate: ",
                          "mean_membrane: ", "mean_threshold: "};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_expect(strstr(out, keys[i]) != NULL, "no '%s' in:\n%s", keys[i], out);
    double rate = -1;
    const char *r = strstr(out, "initial_rate: ");
    cr_assert_not_null(r);
    sscanf(r, "initial_rate: %lf", &rate);
    cr_assert(rate > 0.4 && rate < 0.6, "initial rate %g", rate);
    rc = sh(out, sizeof out, NULL, 0,
            "init --data randman:samples=50,steps=60 --hidden 64 --sg q-pseudospike");
    cr_assert_eq(rc, 0);
    cr_assert(strstr(out, "\nq: ") != NULL, "%s", out);
}

static void read_params(const char *path, sgl_net *net)
{
    cr_assert_eq(sgl_model_load(path, net, NULL), 0, "%s", sgl_errmsg());
}

Test(cli, ctrl_c_then_resume_equals_uninterrupted, .timeout = 300)
{
    static char out[8192], err[8192];
    const char *common = "--data randman:samples=30,steps=40,units=10,classes=5 --hidden 32 "
                         "--epochs 3 --batch 16 --seed 5 --init-rate 0.3 --init-rate-batches 4 "
                         "--sparsity 1 --quiet";
    int rc = sh(out, sizeof out, err, sizeof err, "train %s --out %s/full.sgl", common, dir);
    cr_assert_eq(rc, 0, "%s", err);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "SGLIF_TEST_SIGINT_AFTER=7 %s", bin);
    const char *save = bin;
    bin = cmd;
    rc = sh(out, sizeof out, err, sizeof err, "train %s --out %s/cut.sgl", common, dir);
    bin = save;
    cr_assert_eq(rc, 130, "interrupted run exit %d: %s", rc, err);
    cr_assert(strstr(err, "checkpoint") != NULL, "%s", err);
    rc = sh(out, sizeof out, err, sizeof err, "train %s --out %s/cut.sgl --resume", common, dir);
    cr_assert_eq(rc, 0, "%s", err);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/full.sgl", dir);
    snprintf(b, sizeof b, "%s/cut.sgl", dir);
    sgl_net na, nb;
    read_params(a, &na);
    read_params(b, &nb);
    cr_assert_eq(na.n_params, nb.n_params);
    cr_assert_eq(memcmp(na.params, nb.params, na.n_params * sizeof(real)), 0,
                 "resumed model differs from the uninterrupted one");
    sgl_net_free(&na);
    sgl_net_free(&nb);
    /* eval's last line */
    rc = sh(out, sizeof out, err, sizeof err,
            "eval --model %s --data randman:samples=30,steps=40,units=10,classes=5", a);
    cr_assert_eq(rc, 0, "%s", err);
    int n = 0;
    double acc = -1;
    cr_assert_eq(sscanf(last_line(out), "accuracy: %lf (n=%d)", &acc, &n), 2, "%s", out);
    cr_assert_eq(n, 15);
    cr_assert(acc >= 0 && acc <= 1);
    /* the integer twin gives the same last line */
    rc = sh(out, sizeof out, err, sizeof err,
            "eval --model %s --data randman:samples=30,steps=40,units=10,classes=5 --backend fixed",
            a);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(sscanf(last_line(out), "accuracy: %lf (n=%d)", &acc, &n), 2, "%s", out);
    cr_assert_eq(n, 15);
    cr_assert(strstr(out, "fixed: theta") != NULL, "%s", out);
}

Test(cli, train_on_twin_numbers)
{
    static char out[8192], err[8192];
    const char *data = "randman:samples=30,steps=30,units=10,classes=3";
    int rc = sh(out, sizeof out, err, sizeof err,
                "train --backend fixed --data %s --hidden 16 --epochs 2 --batch 8 --seed 3 "
                "--tau 15.49 --quiet --out %s/fx.sgl",
                data, dir);
    cr_assert_eq(rc, 0, "%s%s", out, err);
    cr_assert(strstr(out, "round trip") != NULL || strstr(err, "round trip") != NULL, "%s%s", out,
              err);
    rc = sh(out, sizeof out, err, sizeof err, "eval --backend fixed --model %s/fx.sgl --data %s",
            dir, data);
    cr_assert_eq(rc, 0, "%s", err);
    double acc;
    int n;
    cr_assert_eq(sscanf(last_line(out), "accuracy: %lf (n=%d)", &acc, &n), 2, "%s", out);
    rc = sh(NULL, 0, err, sizeof err,
            "train --backend fixed --data %s --resume --out %s/fx.sgl", data, dir);
    cr_assert_eq(rc, 2, "--resume with --backend fixed: exit %d (%s)", rc, err);
    /* --valid-samples 1: the best model is chosen on one validation sample (accuracy 0 or 1) */
    rc = sh(out, sizeof out, err, sizeof err,
            "train --backend fixed --data %s --hidden 16 --epochs 2 --batch 8 --seed 3 "
            "--tau 15.49 --quiet --valid-samples 1 --out %s/fv.sgl", data, dir);
    cr_assert_eq(rc, 0, "--valid-samples 1: %s%s", out, err);
    const char *bv = strstr(out, "best valid accuracy (twin): ");
    cr_assert(bv != NULL, "%s", out);
    cr_expect(sscanf(bv, "best valid accuracy (twin): %lf", &acc) == 1 && (acc == 0 || acc == 1),
              "one validation sample gives %s", bv);
    /* --window: T (30) and more train the whole sample's model, a shorter window another */
    const char *win[] = {"30", "31", "7"};
    for (size_t i = 0; i < sizeof win / sizeof win[0]; i++) {
        rc = sh(out, sizeof out, err, sizeof err,
                "train --backend fixed --data %s --hidden 16 --epochs 2 --batch 8 --seed 3 "
                "--tau 15.49 --quiet --window %s --out %s/fw.sgl", data, win[i], dir);
        cr_assert_eq(rc, 0, "--window %s: %s%s", win[i], out, err);
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/fx.sgl", dir);
        snprintf(b, sizeof b, "%s/fw.sgl", dir);
        sgl_net na, nb;
        read_params(a, &na);
        read_params(b, &nb);
        cr_assert_eq(na.n_params, nb.n_params);
        int same = !memcmp(na.params, nb.params, na.n_params * sizeof(real));
        cr_expect_eq(same, i < 2, "--window %s: the model is %sthe whole sample's", win[i],
                     same ? "" : "not ");
        sgl_net_free(&na);
        sgl_net_free(&nb);
    }
    /* options out of the integer rule's range: one line, exit 2 */
    const char *bad[] = {"--lr 0.000001", "--lr 1", "--lr -0.5", "--batch 0", "--epochs 0",
                         "--epochs many", "--window -1", "--window x", "--valid-samples 0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc = sh(NULL, 0, err, sizeof err, "train --backend fixed --data %s --out %s/bad.sgl %s",
                data, dir, bad[i]);
        cr_expect_eq(rc, 2, "'%s': exit %d, want 2 (%s)", bad[i], rc, err);
        cr_expect_eq(count_lines(err), 1, "'%s': %d lines: %s", bad[i], count_lines(err), err);
        cr_expect(strncmp(err, "sglif train: ", 13) == 0, "'%s': %s", bad[i], err);
    }
}

/* --qat: trains, prints the round trip of the saved model (twin == QAT forward on the validation
 * split), and `eval --backend fixed --split valid` gives the twin accuracy it printed; bad
 * --qat values are usage errors (exit 2, one line). */
Test(cli, train_qat)
{
    static char out[8192], err[8192];
    const char *data = "randman:samples=30,steps=30,units=10,classes=3";
    int rc = sh(out, sizeof out, err, sizeof err,
                "train --qat --data %s --hidden 16 --epochs 2 --batch 8 --seed 3 --quiet "
                "--out %s/q.sgl", data, dir);
    cr_assert_eq(rc, 0, "%s%s", out, err);
    int agree = -1, n = -1;
    double aq = -1, af = -1;
    const char *l = strstr(out, "qat round trip: ");
    cr_assert(l, "%s", out);
    cr_assert_eq(sscanf(l, "qat round trip: %d of %d valid predictions of the twin equal the QAT "
                        "forward (twin %lf, QAT forward %lf)", &agree, &n, &aq, &af), 4, "%s", l);
    cr_expect_eq(agree, n, "%s", l);
    cr_expect(n > 0);
    rc = sh(out, sizeof out, err, sizeof err,
            "eval --backend fixed --split valid --model %s/q.sgl --data %s", dir, data);
    cr_assert_eq(rc, 0, "%s", err);
    double acc;
    int m;
    cr_assert_eq(sscanf(last_line(out), "accuracy: %lf (n=%d)", &acc, &m), 2, "%s", out);
    cr_expect_eq(m, n);
    cr_expect(fabs(acc - aq) < 1e-4, "eval --backend fixed %.4f, train printed %.4f", acc, aq);
    /* the saved model carries the twin's decay */
    rc = sh(out, sizeof out, err, sizeof err,
            "eval --backend fixed --model %s/q.sgl --data %s", dir, data);
    cr_assert_eq(rc, 0, "%s", err);
    cr_expect(strstr(out, "alpha 0.9375 for 0.9375") != NULL, "%s", out);
    rc = sh(out, sizeof out, err, sizeof err,
            "train --qat-epochs 1 --epochs 2 --data %s --hidden 16 --batch 8 --quiet "
            "--out %s/q2.sgl", data, dir);
    cr_assert_eq(rc, 0, "--qat-epochs 1: %s%s", out, err);
    cr_expect(strstr(out, "qat round trip: ") != NULL, "%s", out);
    const char *bad[] = {"--qat-epochs 0", "--qat-epochs many", "--qat-epochs 3 --epochs 2",
                         "--qat --backend fixed", "--qat --alif", "--qat-epochs"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc = sh(NULL, 0, err, sizeof err, "train --data %s --out %s/bad.sgl %s", data, dir,
                bad[i]);
        cr_expect_eq(rc, 2, "'%s': exit %d, want 2 (%s)", bad[i], rc, err);
        cr_expect_eq(count_lines(err), 1, "'%s': %d lines: %s", bad[i], count_lines(err), err);
        cr_expect(strncmp(err, "sglif train: ", 13) == 0, "'%s': %s", bad[i], err);
    }
}
