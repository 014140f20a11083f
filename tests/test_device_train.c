/* SPDX-License-Identifier: MIT */
/* Suite "device_train": the board in the loop, through the command line as a user runs it,
 * on the simulated board (build/bin/sglif-board, the up5k build: 8 steps of history, so a
 * sample of 40 steps runs in 5 RUN windows). `sglif device train` saves bit for bit the
 * weights of `sglif train --backend fixed`, also with --window (truncated windows); a run killed (SIGKILL) or interrupted (SIGINT) and
 * resumed ends with the same weights; `device save` reads back what the board holds; `device
 * lut` swaps the SG table; `device bench` meets the link-efficiency floor and leaves the model
 * as it was. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "model.h"
#include "shell.h"
#include "soft_board.h"

#define DATA "randman:classes=4,samples=20,steps=40"
#define OPTS "--data " DATA " --hidden 32 --epochs 2 --batch 16 --seed 7"

static const char *sglif(void)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    return bin;
}

/* 1 if the two model files hold the same parameters, bit for bit */
static int same_params(const char *a, const char *b)
{
    sgl_net x, y;
    cr_assert_eq(sgl_model_load(a, &x, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_model_load(b, &y, NULL), 0, "%s", sgl_errmsg());
    int same = x.n_params == y.n_params &&
               memcmp(x.params, y.params, x.n_params * sizeof *x.params) == 0;
    sgl_net_free(&x);
    sgl_net_free(&y);
    return same;
}

/* The last two lines: 'board: C cycles for N training samples' (C > 0) and 'link: B bytes on
 * the line', B at least the training samples' bytes the line before counts. */
static void check_figures(const char *out, int samples)
{
    const char *b = strstr(out, "\nboard: "), *l = strstr(out, "\nlink: ");
    while (b && strstr(b + 1, "\nboard: "))
        b = strstr(b + 1, "\nboard: ");
    while (l && strstr(l + 1, "\nlink: "))
        l = strstr(l + 1, "\nlink: ");
    cr_assert(b && l && b < l, "no last board: and link: lines in\n%s", out);
    unsigned long long C = 0, N = 0, B = 0;
    cr_assert_eq(sscanf(b, "\nboard: %llu cycles for %llu training samples\n", &C, &N), 2,
                 "%s", b);
    cr_assert_eq(sscanf(l, "\nlink: %llu bytes on the line\n", &B), 1, "%s", l);
    cr_assert(l[strcspn(l + 1, "\n") + 2] == 0, "link: is not the last line: %s", l);
    cr_expect_eq(N, (unsigned long long)samples);
    cr_expect_gt(C, 0);
    const char *tb = strstr(out, "the training samples ");
    cr_assert(tb, "%s", out);
    unsigned long long T = strtoull(tb + strlen("the training samples "), NULL, 10);
    cr_expect(T > 0 && B > T, "line bytes %llu, the training samples' %llu", B, T);
    cr_log_info("%llu cycles for %llu samples, %llu bytes on the line (%llu of the samples)", C,
                N, B, T);
}

static void tmp(char *p, size_t n, const char *what)
{
    snprintf(p, n, "/tmp/sglif-test-dtrain-%d-%s", (int)getpid(), what);
}

/* Remove a model file and its checkpoint. */
static void unlink_model(const char *path)
{
    char ckpt[300];
    unlink(path);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", path);
    unlink(ckpt);
}

/* `sglif device train ARGS --out model` stopped, then resumed with --resume: killed (sig 9:
 * SIGKILL after 3 batches, a checkpoint after every batch) or interrupted (sig 2: SIGINT after
 * 6 batches, exit 130); the resumed run must save the twin's model. The resumed run's output
 * into out. */
static void stop_and_resume(int sig, const char *args, const char *model, const char *twin,
                            const char *what, char *out, size_t n)
{
    char ckpt[300];
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", model);
    unlink_model(model);
    int rc = sh(out, n, "%s %s device train %s --out %s%s --quiet 2>&1",
                sig == SIGKILL ? "SGLIF_TEST_SIGKILL_AFTER=3" : "SGLIF_TEST_SIGINT_AFTER=6",
                sglif(), args, model, sig == SIGKILL ? " --checkpoint-secs 0.000001" : "");
    if (sig == SIGKILL) {
        cr_assert_neq(rc, 0, "%s: the kill hook did not stop the run: %s", what, out);
        cr_assert(access(ckpt, R_OK) == 0, "%s: no checkpoint after the kill", what);
        cr_assert(access(model, F_OK) != 0, "%s: a killed run saved a model", what);
    } else {
        cr_assert_eq(rc, 130, "%s: %s", what, out);
        cr_assert(strstr(out, "--resume continues from"), "%s: %s", what, out);
    }
    rc = sh(out, n, "%s device train %s --out %s --resume --quiet 2>&1", sglif(), args, model);
    cr_assert_eq(rc, 0, "%s: %s", what, out);
    cr_expect(same_params(twin, model), "%s, %s and resumed: other weights", what,
              sig == SIGKILL ? "killed" : "interrupted");
}

Test(device_train, bit_identical_to_fixed_and_resumable, .timeout = 300)
{
    const char *bin = sglif();
    char twin[256], board[256], out[16384];
    tmp(twin, sizeof twin, "twin.sgl");
    tmp(board, sizeof board, "board.sgl");
    cr_log_info("%s, seed 7", OPTS);
    int rc = sh(out, sizeof out, "%s train --backend fixed " OPTS " --out %s --quiet 2>&1", bin,
                twin);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s device train " OPTS " --check --out %s --quiet 2>&1", bin,
            board);
    cr_assert_eq(rc, 0, "%s", out);
    printf("%s", out);
    /* 64 training samples x 2 epochs, ceil(40 / history steps) windows each */
    char info[4096], want[128];
    cr_assert_eq(sh(info, sizeof info, "%s device info 2>&1", bin), 0, "%s", info);
    const char *hs = strstr(info, "history_steps: ");
    cr_assert(hs, "%s", info);
    int H = atoi(hs + strlen("history_steps: "));
    cr_assert(H > 0 && H < 40, "the test wants a board of fewer than 40 history steps: %d", H);
    snprintf(want, sizeof want, "board: 128 forward passes in %d RUN windows",
             128 * ((40 + H - 1) / H));
    cr_log_info("history of %d steps: %d windows a sample", H, (40 + H - 1) / H);
    cr_assert(strstr(out, want), "want '%s' in\n%s", want, out);
    /* 128 x 40 steps x 32 neurons x (spike, code) + 128 predictions */
    cr_assert(strstr(out, "check: 327808 of 327808 spikes, SG codes and predictions"), "%s", out);
    cr_expect(same_params(twin, board), "device train and train --backend fixed differ");
    /* a board without the engine: one line says so; the last lines are the figures */
    cr_expect(strstr(out, ": the board has no training engine: the host computes the backward "
                     "pass and the update"), "%s", out);
    check_figures(out, 128);

    /* --window H (the board's history): the truncated windows of an engine with this history,
     * the same on the board (its history read back) as on the twin, and not the whole
     * sample's model */
    char twin_w[256], board_w[256];
    tmp(twin_w, sizeof twin_w, "twin-w.sgl");
    tmp(board_w, sizeof board_w, "board-w.sgl");
    rc = sh(out, sizeof out, "%s train --backend fixed " OPTS " --window %d --out %s --quiet 2>&1",
            bin, H, twin_w);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s device train " OPTS " --window %d --out %s --quiet 2>&1", bin, H,
            board_w);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(same_params(twin_w, board_w), "--window %d: device train and train --backend "
              "fixed differ", H);
    cr_expect(!same_params(twin, twin_w), "--window %d: the whole sample's model", H);
    unlink_model(twin_w);
    unlink_model(board_w);

    /* killed after 3 of 8 batches (a checkpoint after every batch), then resumed; interrupted
     * (SIGINT, exit 130) after 6 batches, in the second epoch, then resumed */
    char killed[256];
    tmp(killed, sizeof killed, "killed.sgl");
    stop_and_resume(SIGKILL, OPTS, killed, twin, "the host path", out, sizeof out);
    stop_and_resume(SIGINT, OPTS, killed, twin, "the host path", out, sizeof out);

    /* a checkpoint of other options is refused, and says so */
    rc = sh(out, sizeof out, "%s device train --data " DATA " --hidden 32 --epochs 3 --batch 16 "
            "--seed 7 --out %s --resume --quiet 2>&1", bin, killed);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "another start"), "%s", out);
    unlink_model(twin);
    unlink_model(board);
    unlink_model(killed);
}

/* Two hidden layers, on the simulated two-layer board (build/bin/sglif-board-up5k-2l, built
 * by make test): the board's training equals the twin's, also after a kill and --resume. */
Test(device_train, two_layers_bit_identical_and_resumable, .timeout = 300)
{
    const char *bin = sglif();
    char port[4200], args[4400], twin[256], board[256], killed[256], out[16384];
    snprintf(port, sizeof port, "sim:%.*s-board-up5k-2l", 4096, bin);
    cr_assert(access(port + 4, X_OK) == 0, "no two-layer board at %s (make %s)", port + 4,
              "build/bin/sglif-board-up5k-2l");
    tmp(twin, sizeof twin, "twin2.sgl");
    tmp(board, sizeof board, "board2.sgl");
    tmp(killed, sizeof killed, "killed2.sgl");
#define OPTS2 "--data " DATA " --hidden 16,16 --epochs 2 --batch 16 --seed 5"
    snprintf(args, sizeof args, OPTS2 " --port %s", port);
    cr_log_info("%s", args);
    int rc = sh(out, sizeof out, "%s train --backend fixed " OPTS2 " --out %s --quiet 2>&1", bin,
                twin);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s device train %s --check --out %s --quiet 2>&1", bin, args,
            board);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "check: ") && strstr(out, "equal to the twin's"), "%s", out);
    cr_expect(same_params(twin, board), "two layers: device train and train --backend fixed "
              "differ");
    stop_and_resume(SIGKILL, args, killed, twin, "two layers", out, sizeof out);
#undef OPTS2
    unlink_model(twin);
    unlink_model(board);
    unlink_model(killed);
}

static pid_t start_board(char *port, size_t n)
{
    char board[4096];
    snprintf(board, sizeof board, "%.*s-board", (int)(sizeof board - 8), sglif());
    return board_listen(board, port, n);
}

Test(device_train, save_lut_bench_on_one_board, .timeout = 300)
{
    const char *bin = sglif();
    char port[128], model[256], saved[256], hex[256], out[16384], crc[32];
    pid_t pid = start_board(port, sizeof port);
    tmp(model, sizeof model, "m.sgl");
    tmp(saved, sizeof saved, "saved.sgl");
    tmp(hex, sizeof hex, "sg.hex");
    /* train on the board, then read its weights back: the saved model's */
    int rc = sh(out, sizeof out, "%s device train --data " DATA " --hidden 32 --epochs 1 "
                "--batch 32 --seed 1 --out %s --port %s --quiet 2>&1", bin, model, port);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s device save --model %s --out %s --port %s 2>&1", bin, model,
            saved, port);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(same_params(model, saved), "the board's weights are not the trained model's");
    /* the model's SG table as hex; another table swapped in changes the CRC; back again
     * restores it */
    rc = sh(out, sizeof out, "%s device info --port %s 2>&1", bin, port);
    cr_assert_eq(rc, 0, "%s", out);
    char *c = strstr(out, "model_crc: 0x");
    cr_assert(c, "%s", out);
    snprintf(crc, sizeof crc, "%.21s", c);
    rc = sh(out, sizeof out, "%s lut --shape triangular --dampening 0.5 --sharpness 2 "
            "--format hex --out %s 2>&1 && %s device lut --hex %s --port %s 2>&1", bin, hex, bin,
            hex, port);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "256 SG entries from"), "%s", out);
    cr_assert(!strstr(out, crc), "a new SG table left the CRC %s: %s", crc, out);
    rc = sh(out, sizeof out, "%s device lut --model %s --port %s 2>&1", bin, model, port);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, crc), "the model's table back: not %s: %s", crc, out);
    /* a malformed hex file: one line naming the file and line, nothing written */
    FILE *f = fopen(hex, "w");
    fputs("0001\n00zz\n", f);
    fclose(f);
    rc = sh(out, sizeof out, "%s device lut --hex %s --port %s 2>&1", bin, hex, port);
    cr_assert_eq(rc, 3, "%s", out);
    cr_assert(strstr(out, ":2: '00zz' is not a hex word"), "%s", out);
    /* the bench: >= 85 % of the line is payload for writes and spikes; the model unchanged */
    rc = sh(out, sizeof out, "%s device bench --samples 5 --port %s 2>&1", bin, port);
    cr_assert_eq(rc, 0, "%s", out);
    printf("%s", out);
    static const char *const rows[] = {"bench: write ", "bench: spikes "};
    for (int k = 0; k < 2; k++) {
        const char *r = strstr(out, rows[k]);
        cr_assert(r, "%s", out);
        const char *e = strstr(r, "on the line: ");
        cr_assert(e, "%s", r);
        double pct = atof(e + strlen("on the line: "));
        cr_expect_geq(pct, 85.0, "%s%.1f %%", rows[k], pct);
    }
    cr_assert(strstr(out, "before and after"), "%s", out);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    unlink_model(model);
    unlink(saved);
    unlink(hex);
}

/* The engine path end to end against a board with a training engine in software
 * (tests/soft_board.h: the link protocol, the memories at rtl/core_map.csv's addresses, the
 * twin's arithmetic driven by what the host wrote): `device train` trains on chip (RUN and
 * TRAIN a sample, UPDATE a batch) and saves bit for bit what `train --backend fixed` saves,
 * also when killed (SIGKILL) or interrupted (SIGINT) and resumed on the same board (its
 * state as the killed run left it); a training sample costs at most 1.5 x the line bytes of
 * its inference; --host-backward on the same board too; a board whose engine is smaller than
 * the model, or whose event store is smaller than a sample, falls back to the host backward,
 * says so in one line and still gives the same model. */
static char twin_lines[512]; /* the twin's run: its best-epoch and counters lines */

/* The line of out that starts with key, into buf ("" if none). */
static void line_of(const char *out, const char *key, char *buf, size_t n)
{
    const char *l = strstr(out, key);
    snprintf(buf, n, "%.*s", l ? (int)strcspn(l, "\n") : 0, l ? l : "");
}

/* The engine path's checks on the board at port (tcp: one board for every run, its state kept;
 * sim: a new board each run): on chip, bit for bit the twin's model (twin: train --backend
 * fixed with opts --from start), the last lines, the twin's best epoch and counters; killed
 * after 3 batches and resumed; with full also: at most 1.5 x the line bytes of inference a
 * sample, interrupted after 6 batches and resumed, --host-backward. data and opts: the run's
 * (opts holds --data); n: its training samples (epochs x train). */
static void engine_checks(const char *port, const char *data, const char *opts,
                          const char *start, const char *twin, int n, int batch, int full)
{
    const char *bin = sglif();
    char eng[256], args[4800], out[16384], want[160];
    tmp(eng, sizeof eng, "eng.sgl");
    snprintf(args, sizeof args, "%s --from %s --port %s", opts, start, port);
    /* on chip */
    unlink_model(eng);
    int rc = sh(out, sizeof out, "%s device train %s --out %s --quiet 2>&1", bin, args, eng);
    cr_expect_eq(rc, 0, "%s", out);
    printf("%s", out);
    snprintf(want, sizeof want, "board: %d samples trained on chip in %d RUN windows, each with "
             "TRAIN; %d UPDATEs", n, n, n / batch);
    cr_expect(strstr(out, want), "want '%s' in\n%s", want, out);
    cr_expect(!strstr(out, "the host computes"), "%s", out);
    check_figures(out, n);
    cr_expect(same_params(twin, eng), "the engine path and train --backend fixed differ");
    /* the engine's statistics give the twin's counters; its validation the twin's best epoch */
    char a[256], c[256], both[512];
    line_of(out, "best valid accuracy", a, sizeof a);
    line_of(out, "counters: ", c, sizeof c);
    snprintf(both, sizeof both, "%s\n%s", a, c);
    cr_expect_str_eq(both, twin_lines);
    /* killed after 3 batches (a checkpoint after each), resumed */
    stop_and_resume(SIGKILL, args, eng, twin, "the engine path", out, sizeof out);
    check_figures(out, n - 2 * batch); /* (the kill came before batch 3's checkpoint) */
    if (!full) {
        unlink_model(eng);
        return;
    }
    /* the line bytes of a training sample on chip: at most 1.5 x those of inference of the
     * same samples (RUN and READ_OUTPUT, device infer on the training split) */
    const char *tb = strstr(out, "bytes (");
    cr_assert(tb, "%s", out);
    double train_per = atof(tb + strlen("bytes ("));
    rc = sh(out, sizeof out, "%s device infer --model %s --data %s --split train --port %s 2>&1",
            bin, eng, data, port);
    cr_assert_eq(rc, 0, "%s", out);
    const char *is = strstr(out, "infer: "), *il = strstr(out, "payload bytes in ");
    cr_assert(is && il && strstr(is, " samples, "), "%s", out);
    const char *sm = strstr(is, " samples, ");
    while (sm > is && sm[-1] >= '0' && sm[-1] <= '9')
        sm--;
    int n_inf = atoi(sm);
    double inf_per = atof(il + strlen("payload bytes in ")) / (n_inf > 0 ? n_inf : 1);
    cr_log_info("line bytes a sample: training on chip %.1f, inference %.1f (%d samples): "
                "%.2f x", train_per, inf_per, n_inf, train_per / inf_per);
    cr_expect(n_inf > 0 && train_per <= 1.5 * inf_per, "training %.1f bytes a sample, "
              "inference %.1f (%d samples)", train_per, inf_per, n_inf);
    /* interrupted (SIGINT, exit 130) after 6 batches, resumed */
    stop_and_resume(SIGINT, args, eng, twin, "the engine path", out, sizeof out);
    /* the host path on the same board */
    unlink_model(eng);
    rc = sh(out, sizeof out, "%s device train %s --out %s --host-backward --quiet 2>&1", bin,
            args, eng);
    cr_assert_eq(rc, 0, "%s", out);
    snprintf(want, sizeof want, "board: %d forward passes in ", n);
    cr_expect(strstr(out, want), "want '%s' in\n%s", want, out);
    check_figures(out, n);
    cr_expect(same_params(twin, eng), "--host-backward and train --backend fixed differ");
    unlink_model(eng);
}

/* A start model (1 epoch of train --backend fixed, hidden neurons) and the twin's run from it
 * (opts), which must have left it. */
static void start_and_twin(const char *data, const char *hidden, const char *opts, char *start,
                           char *twin, size_t n)
{
    const char *bin = sglif();
    char out[16384], a[256], c[256];
    tmp(start, n, "start.sgl");
    tmp(twin, n, "etwin.sgl");
    int rc = sh(out, sizeof out, "%s train --backend fixed --data %s --hidden %s --epochs 1 "
                "--batch 16 --seed 3 --out %s --quiet 2>&1", sglif(), data, hidden, start);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s train --backend fixed %s --from %s --out %s --quiet 2>&1", bin,
            opts, start, twin);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(!same_params(start, twin), "the twin's run left the start: nothing to compare");
    line_of(out, "best valid accuracy", a, sizeof a);
    line_of(out, "counters: ", c, sizeof c);
    snprintf(twin_lines, sizeof twin_lines, "%s\n%s", a, c);
}

#define SDATA "randman:classes=4,samples=20,steps=40"
#define SOPTS "--data " SDATA " --epochs 2 --batch 16 --seed 7"

/* A soft board the run does not fit: the host path, the line want, the twin's model. */
static void fallback_on(soft_board *b, const char *start, const char *twin, const char *want)
{
    char port[64], eng[256], out[16384];
    tmp(eng, sizeof eng, "fb.sgl");
    unlink_model(eng);
    pid_t pid = sb_start(b, port, sizeof port);
    int rc = sh(out, sizeof out, "%s device train " SOPTS " --from %s --out %s --port %s --quiet "
                "2>&1", sglif(), start, eng, port);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, want), "want '%s' in\n%s", want, out);
    cr_expect(same_params(twin, eng), "the fallback and train --backend fixed differ");
    unlink_model(eng);
}

Test(device_train, engine_path_on_a_software_engine, .timeout = 300)
{
    char start[256], twin[256], port[64];
    start_and_twin(SDATA, "32", SOPTS, start, twin, sizeof start);
    static soft_board b;
    sb_init(&b, start, 32, 32, 4, 40, 32, 32);
    pid_t pid = sb_start(&b, port, sizeof port);
    cr_log_info("%s --from a 1-epoch model, on a software engine at %s", SOPTS, port);
    engine_checks(port, SDATA, SOPTS, start, twin, 128, 16, 1);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    /* an engine of 16 neurons: the model of 32 does not fit */
    static soft_board small;
    sb_init(&small, start, 32, 32, 4, 40, 16, 32);
    fallback_on(&small, start, twin, "the model (20 inputs, 32 neurons) does not fit the board's "
                "training engine (32 inputs, 16 neurons): the host computes the backward pass "
                "and the update (as --host-backward)");
    /* an event store of 8 events: too small for randman's samples */
    static soft_board few;
    sb_init(&few, start, 32, 32, 4, 40, 32, 32);
    few.EV_LOG2 = 3;
    fallback_on(&few, start, twin, "input events in steps 0..39, the engine's event store holds "
                "8: the host computes");
    unlink_model(start);
    unlink_model(twin);
}

/* Run `device train` (SOPTS from start, extra options) on the soft board b: the exit status,
 * the output in out. */
static int run_on(soft_board *b, const char *start, const char *model, const char *extra,
                  char *out, size_t n)
{
    char port[64];
    pid_t pid = sb_start(b, port, sizeof port);
    int rc = sh(out, n, "%s device train " SOPTS " --from %s --out %s --port %s %s --quiet 2>&1",
                sglif(), start, model, port, extra);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return rc;
}

/* The engine path's bad days on the soft board: a gradient sum that leaves the engine's
 * GRAD_W bits (TREG STATUS bit 1) ends the run with exit 4 and one line; lost replies to a
 * TRAIN and an UPDATE (the host retries with the same seq, the board answers DUP and does not
 * carry them out again) leave the twin's model, and a board that carries the retries out again
 * is seen; a run killed in the middle of a batch and resumed on the same board, whose gradient
 * sums hold the killed batch's first samples, gives the twin's model (the resume's first
 * UPDATE zeroes them), and a board that keeps them through that UPDATE is seen. */
Test(device_train, engine_bad_days_on_a_software_engine, .timeout = 300)
{
    char start[256], twin[256], eng[256], pidf[256], cmd[1024], out[16384];
    start_and_twin(SDATA, "32", SOPTS, start, twin, sizeof start);
    tmp(eng, sizeof eng, "bad.sgl");
    tmp(pidf, sizeof pidf, "bad.pid");
    static soft_board b;
    /* gradient words of 20 bits: the first batch's sums leave them */
    unlink_model(eng);
    sb_init(&b, start, 32, 32, 4, 40, 32, 32);
    b.GRAD_W = 20;
    int rc = run_on(&b, start, eng, "", out, sizeof out);
    cr_expect_eq(rc, 4, "%s", out);
    cr_expect(strchr(out, '\n') == out + strlen(out) - 1, "not one line:\n%s", out);
    cr_expect(strstr(out, "a gradient sum of this batch left the engine's 20 bits (TREG STATUS "
                          "0x2): the board cannot follow the twin"), "%s", out);
    cr_expect(access(eng, F_OK) != 0, "a failed run saved a model");
    /* the replies to the 21st TRAIN and the 3rd UPDATE lost (the 1st is the start's) */
    for (int fault = 0; fault < 2; fault++) {
        unlink_model(eng);
        sb_init(&b, start, 32, 32, 4, 40, 32, 32);
        b.lose_train = 21;
        b.lose_update = 3;
        b.dup_fault = fault;
        rc = run_on(&b, start, eng, "--timeout 200", out, sizeof out);
        cr_assert_eq(rc, 0, "%s", out);
        cr_expect(strstr(out, " requests, 2 retries;"), "%s", out);
        if (!fault)
            cr_expect(same_params(twin, eng), "lost replies, DUP: other weights than the twin's");
        else
            cr_expect(!same_params(twin, eng), "a board that carries retries out again: the "
                      "twin's weights all the same (the test cannot see DUP)");
    }
    /* killed after the 37th TRAIN: 2 batches of 16 and 5 samples of the third */
    for (int fault = 0; fault < 2; fault++) {
        unlink_model(eng);
        unlink(pidf);
        sb_init(&b, start, 32, 32, 4, 40, 32, 32);
        b.kill_train = 37;
        b.keep_sums = fault;
        snprintf(b.kill_pidfile, sizeof b.kill_pidfile, "%s", pidf);
        char port[64];
        pid_t pid = sb_start(&b, port, sizeof port);
        snprintf(cmd, sizeof cmd, "%s device train " SOPTS " --from %s --out %s --port %s "
                 "--checkpoint-secs 0.000001 --quiet", sglif(), start, eng, port);
        rc = sh(out, sizeof out, "(%s >/dev/null 2>&1 & echo $! >%s; wait $!) 2>/dev/null", cmd,
                pidf);
        cr_assert_eq(rc, 128 + SIGKILL, "the board did not kill the run: %d, %s", rc, out);
        cr_assert(access(eng, F_OK) != 0, "a killed run saved a model");
        rc = sh(out, sizeof out, "%s --resume 2>&1", cmd);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        cr_assert_eq(rc, 0, "%s", out);
        if (!fault)
            cr_expect(same_params(twin, eng), "killed in a batch, resumed: other weights");
        else
            cr_expect(!same_params(twin, eng), "a board that keeps the killed batch's sums: "
                      "the twin's weights all the same (the test cannot see the zeroing)");
    }
    unlink(pidf);
    unlink_model(eng);
    unlink_model(start);
    unlink_model(twin);
}

/* The engine path on the simulated ULX3S-85F's training image (SGLIF_ENGINE_BOARD, make test's
 * build/bin/sglif-board-ecp5-85f-trn: the bitstream's device, a core of 128 neurons, 20 inputs,
 * 10 classes, 32 lanes and its training engine, rtl/sglif_trainer.v, of 128 neurons, 20 inputs,
 * 32 lanes): the checks above against the RTL; a new board for every run (sim:), so a resumed
 * run finds a board that knows nothing of the killed one. */
Test(device_train, engine_path_on_the_simulated_85f, .timeout = 900)
{
    char port[4200], start[256], twin[256], out[4096];
    const char *board = getenv("SGLIF_ENGINE_BOARD");
    cr_assert(board, "SGLIF_ENGINE_BOARD must be set (make test sets it)");
    snprintf(port, sizeof port, "sim:%.*s", 4096, board);
    cr_assert(access(board, X_OK) == 0, "no training image's simulated board at %s (make %s)",
              board, board);
    /* (the engine makes the simulation several times slower a cycle; a sim port's default
     * reply timeout is 30 s) */
    int rc = sh(out, sizeof out, "%s device info --port %s 2>&1", sglif(), port);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "features: 0x0001 (training engine)\nengine_neurons: 128\n"
                          "engine_inputs: 20\n"), "%s", out);
    start_and_twin(SDATA, "32", SOPTS, start, twin, sizeof start);
    cr_log_info("%s --from a 1-epoch model, on %s", SOPTS, port);
    engine_checks(port, SDATA, SOPTS, start, twin, 128, 16, 0);
    unlink_model(start);
    unlink_model(twin);
}
