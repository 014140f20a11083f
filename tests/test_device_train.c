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

static void tmp(char *p, size_t n, const char *what)
{
    snprintf(p, n, "/tmp/sglif-test-dtrain-%d-%s", (int)getpid(), what);
}

Test(device_train, bit_identical_to_fixed_and_resumable, .timeout = 300)
{
    const char *bin = sglif();
    char twin[256], board[256], out[16384], ckpt[300];
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
    unlink(twin_w);
    unlink(board_w);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", twin_w);
    unlink(ckpt);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", board_w);
    unlink(ckpt);

    /* killed after 3 of 8 batches (a checkpoint after every batch), then resumed */
    char killed[256];
    tmp(killed, sizeof killed, "killed.sgl");
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", killed);
    unlink(ckpt);
    rc = sh(out, sizeof out, "SGLIF_TEST_SIGKILL_AFTER=3 %s device train " OPTS " --out %s "
            "--checkpoint-secs 0.000001 --quiet 2>&1", bin, killed);
    cr_assert_neq(rc, 0, "the kill hook did not stop the run: %s", out);
    cr_assert(access(ckpt, R_OK) == 0, "no checkpoint after the kill");
    cr_assert(access(killed, F_OK) != 0, "a killed run saved a model");
    rc = sh(out, sizeof out, "%s device train " OPTS " --out %s --resume --quiet 2>&1", bin,
            killed);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(same_params(twin, killed), "killed and resumed: other weights");

    /* interrupted (SIGINT, exit 130) after 6 batches: the second epoch */
    unlink(ckpt);
    unlink(killed);
    rc = sh(out, sizeof out, "SGLIF_TEST_SIGINT_AFTER=6 %s device train " OPTS " --out %s "
            "--quiet 2>&1", bin, killed);
    cr_assert_eq(rc, 130, "%s", out);
    cr_assert(strstr(out, "--resume continues from"), "%s", out);
    rc = sh(out, sizeof out, "%s device train " OPTS " --out %s --resume --quiet 2>&1", bin,
            killed);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(same_params(twin, killed), "interrupted and resumed: other weights");

    /* a checkpoint of other options is refused, and says so */
    rc = sh(out, sizeof out, "%s device train --data " DATA " --hidden 32 --epochs 3 --batch 16 "
            "--seed 7 --out %s --resume --quiet 2>&1", bin, killed);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "another start"), "%s", out);
    unlink(twin);
    unlink(board);
    unlink(killed);
    unlink(ckpt);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", twin);
    unlink(ckpt);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", board);
    unlink(ckpt);
}

/* Two hidden layers, on the simulated two-layer board (build/bin/sglif-board-up5k-2l, built
 * by make test): the board's training equals the twin's, also after a kill and --resume. */
Test(device_train, two_layers_bit_identical_and_resumable, .timeout = 300)
{
    const char *bin = sglif();
    char port[4200], twin[256], board[256], killed[256], ckpt[300], out[16384];
    snprintf(port, sizeof port, "sim:%.*s-board-up5k-2l", 4096, bin);
    cr_assert(access(port + 4, X_OK) == 0, "no two-layer board at %s (make %s)", port + 4,
              "build/bin/sglif-board-up5k-2l");
    tmp(twin, sizeof twin, "twin2.sgl");
    tmp(board, sizeof board, "board2.sgl");
    tmp(killed, sizeof killed, "killed2.sgl");
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", killed);
    unlink(ckpt);
#define OPTS2 "--data " DATA " --hidden 16,16 --epochs 2 --batch 16 --seed 5"
    cr_log_info("%s on %s", OPTS2, port);
    int rc = sh(out, sizeof out, "%s train --backend fixed " OPTS2 " --out %s --quiet 2>&1", bin,
                twin);
    cr_assert_eq(rc, 0, "%s", out);
    rc = sh(out, sizeof out, "%s device train " OPTS2 " --check --port %s --out %s --quiet 2>&1",
            bin, port, board);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "check: ") && strstr(out, "equal to the twin's"), "%s", out);
    cr_expect(same_params(twin, board), "two layers: device train and train --backend fixed "
              "differ");
    rc = sh(out, sizeof out, "SGLIF_TEST_SIGKILL_AFTER=3 %s device train " OPTS2 " --port %s "
            "--out %s --checkpoint-secs 0.000001 --quiet 2>&1", bin, port, killed);
    cr_assert_neq(rc, 0, "the kill hook did not stop the run: %s", out);
    cr_assert(access(ckpt, R_OK) == 0, "no checkpoint after the kill");
    rc = sh(out, sizeof out, "%s device train " OPTS2 " --port %s --out %s --resume --quiet 2>&1",
            bin, port, killed);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(same_params(twin, killed), "two layers, killed and resumed: other weights");
#undef OPTS2
    unlink(twin);
    unlink(board);
    unlink(killed);
    unlink(ckpt);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", twin);
    unlink(ckpt);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", board);
    unlink(ckpt);
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
    unlink(model);
    unlink(saved);
    unlink(hex);
    char ckpt[300];
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", model);
    unlink(ckpt);
}
