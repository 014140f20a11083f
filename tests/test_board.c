/* SPDX-License-Identifier: MIT */
/* The simulated board (build/bin/sglif-board: rtl/sglif_device.v, the link and the core,
 * Verilated, served by sim/board.cpp), reached through the sim transport as a user would:
 * its IDENTIFY, memory words of the core written and read back through the command layer,
 * and 100 000 random and damaged frames after which it still answers and its model CRC is
 * unchanged. The board program is found beside this test binary (make test builds both). */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "core_map.h"
#include "device.h"
#include "model.h"
#include "rng.h"
#include "sglif_core_map.h"
#include "sglif_protocol.h"
#include "shell.h"

static sgl_dev dev;

/* the program `name` beside this test binary (make test builds them into build/bin), into
 * path; it must be there */
static void bin_path(char *path, size_t n, const char *name)
{
    char self[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    cr_assert_gt(k, 0);
    self[k] = 0;
    *strrchr(self, '/') = 0;
    cr_assert_lt((size_t)snprintf(path, n, "%s/%s", self, name), n);
    cr_assert(access(path, X_OK) == 0, "%s not built (make %s)", path, path);
}

static void open_board(void)
{
    char port[PATH_MAX + 4];
    memcpy(port, "sim:", 4);
    bin_path(port + 4, sizeof port - 4, "sglif-board");
    dev.timeout_ms = 2000;
    dev.tries = 3;
    cr_assert_eq(sgl_dev_open(&dev, port), 0, "%s", sgl_errmsg());
}

Test(board, identify_and_memories)
{
    open_board();
    /* the up5k row of rtl/configs.csv */
    cr_assert_eq(dev.info.lanes, 8);
    cr_assert_eq(dev.info.layers, 1);
    cr_assert_eq(dev.info.neurons, 256);
    cr_assert_eq(dev.info.inputs, 256);
    cr_assert_eq(dev.info.max_payload, 1024);
    sgl_rng r;
    sgl_rng_seed(&r, 11, 0);
    printf("board: memories, seed 11\n");
    /* selects of the core's memory map (docs/rtl.md): weight bank words, biases, SG table */
    const struct { int sel; uint32_t addr, n; } m[] = {{0, 12345, 1500}, {0, 0, 7}, {2, 0, 256},
                                                      {3, 0, 256}, {6, 100, 50}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        uint16_t w[1500], back[1500];
        for (uint32_t j = 0; j < m[i].n; j++)
            w[j] = (uint16_t)sgl_rng_u32(&r);
        if (m[i].sel == 6) /* W_out {i, c}: int8 words read back sign-extended; classes */
            for (uint32_t j = 0; j < m[i].n; j++) /* 7 (>= N_OUT) are not stored: 0 */
                w[j] = ((m[i].addr + j) & 7) == 7 ? 0 : (uint16_t)(int16_t)(int8_t)w[j];
        cr_assert_eq(sgl_dev_write_mem(&dev, m[i].sel, m[i].addr, w, m[i].n), 0, "%s", sgl_errmsg());
        cr_assert_eq(sgl_dev_read_mem(&dev, m[i].sel, m[i].addr, back, m[i].n), 0, "%s", sgl_errmsg());
        cr_assert_arr_eq(back, w, m[i].n * 2, "select %d", m[i].sel);
    }
    /* past the end of the weight memory: refused, nothing written */
    uint32_t crc0, crc1;
    cr_assert_eq(sgl_dev_model_crc(&dev, &crc0), 0, "%s", sgl_errmsg());
    uint16_t w2[4] = {1, 2, 3, 4};
    cr_assert_eq(sgl_dev_write_mem(&dev, 0, 65534, w2, 4), -SGL_EDEVICE);
    cr_assert(strstr(sgl_errmsg(), "ERR_ADDR"), "%s", sgl_errmsg());
    cr_assert_eq(sgl_dev_model_crc(&dev, &crc1), 0, "%s", sgl_errmsg());
    cr_assert_eq(crc1, crc0);
    sgl_dev_close(&dev);
}

/* drain what the board has answered so far, without waiting */
static void drain(void)
{
    uint8_t b[8192];
    while (sgl_transport_read(&dev.t, b, sizeof b, 0) > 0)
        ;
}

Test(board, fuzz_frames_change_nothing)
{
    open_board();
    sgl_rng r;
    sgl_rng_seed(&r, 7, 0x66757a7aULL); /* "fuzz" */
    printf("board: 100000 random and damaged frames, seed 7\n");
    uint16_t w[64];
    for (int i = 0; i < 64; i++)
        w[i] = (uint16_t)(i * 999);
    cr_assert_eq(sgl_dev_write_mem(&dev, 2, 0, w, 64), 0, "%s", sgl_errmsg());
    uint32_t crc0, crc1;
    cr_assert_eq(sgl_dev_model_crc(&dev, &crc0), 0, "%s", sgl_errmsg());
    static uint8_t f[SGL_LINK_OVERHEAD + 1100], p[1100];
    long kinds[4] = {0};
    for (long i = 0; i < 100000; i++) {
        size_t n;
        unsigned kind = sgl_rng_below(&r, 4);
        kinds[kind]++;
        if (kind == 0) { /* random bytes */
            n = 1 + sgl_rng_below(&r, 48);
            for (size_t j = 0; j < n; j++)
                f[j] = (uint8_t)sgl_rng_u32(&r);
        } else {
            /* a WRITE_MEM to a random place (or a random command), then damaged */
            uint16_t len = (uint16_t)(6 + 2 * sgl_rng_below(&r, 32));
            p[0] = (uint8_t)sgl_rng_below(&r, 8);
            p[1] = 0;
            for (int j = 2; j < len; j++)
                p[j] = (uint8_t)sgl_rng_u32(&r);
            uint8_t cmd = kind == 3 ? (uint8_t)sgl_rng_u32(&r) : SGL_CMD_WRITE_MEM;
            n = sgl_link_encode(f, cmd, (uint8_t)sgl_rng_u32(&r), p, len);
            if (kind == 1) /* one flipped bit after SOF */
                f[1 + sgl_rng_below(&r, (uint32_t)n - 1)] ^= (uint8_t)(1u << sgl_rng_below(&r, 8));
            else if (kind == 2) /* cut short */
                n = 1 + sgl_rng_below(&r, (uint32_t)n - 1);
            else if (cmd == SGL_CMD_WRITE_MEM || cmd == SGL_CMD_SOFT_RESET ||
                     cmd == SGL_CMD_RUN)
                f[n - 1] ^= 0x80; /* a valid frame of a state-changing command: damage its CRC */
        }
        cr_assert_eq(sgl_transport_write(&dev.t, f, n), 0, "%s", sgl_errmsg());
        if (i % 64 == 0)
            drain();
    }
    /* the board works through what it has queued: wait until it has been silent for 1 s */
    uint8_t b[8192];
    while (sgl_transport_read(&dev.t, b, sizeof b, 1000) > 0)
        ;
    /* the board still answers (the first try may be swallowed by a cut frame: retries) */
    cr_assert_eq(sgl_dev_model_crc(&dev, &crc1), 0, "%s", sgl_errmsg());
    printf("board: %ld random, %ld flipped, %ld cut, %ld other commands; model CRC %08x before, "
           "%08x after\n", kinds[0], kinds[1], kinds[2], kinds[3], (unsigned)crc0, (unsigned)crc1);
    cr_assert_eq(crc1, crc0);
    uint16_t back[64];
    cr_assert_eq(sgl_dev_read_mem(&dev, 2, 0, back, 64), 0, "%s", sgl_errmsg());
    cr_assert_arr_eq(back, w, sizeof w);
    sgl_dev_close(&dev);
}

/* `sglif device load` and `info` as a user runs them, against one board on a TCP port (the
 * sim transport would start a new board for each command) */
Test(board, cli_load_then_info)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    char board[PATH_MAX];
    bin_path(board, sizeof board, "sglif-board");
    char port[128], out[4096];
    pid_t pid = board_listen(board, port, sizeof port);
    /* the model of the fuzz corpus: 20 inputs, 4 neurons, 2 classes */
    int rc = sh(out, sizeof out, "%s device load --model tests/fuzz/corpus/model/tiny.sgl "
                "--port %s 2>&1", bin, port);
    cr_assert_eq(rc, 0, "%s", out);
    char *crc = strstr(out, "model_crc: 0x");
    cr_assert(crc && strstr(out, "(the model's)"), "%s", out);
    cr_assert(strstr(out, "load: tests/fuzz/corpus/model/tiny.sgl: 1 layer(s), 20 inputs, 2 "
                          "classes, into 8 lanes x 256 neurons"), "%s", out);
    char want[32];
    snprintf(want, sizeof want, "%.23s", crc); /* "model_crc: 0x" + 8 digits + ... */
    want[21] = 0;
    char info[4096];
    cr_assert_eq(sh(info, sizeof info, "%s device info --port %s 2>&1", bin, port), 0, "%s", info);
    cr_assert(strstr(info, want), "info says\n%s\nload said %s", info, want);
    /* a model that does not fit, a missing file, a missing option */
    rc = sh(out, sizeof out, "%s device load --model tests/fuzz/corpus/model/two-layers.sgl "
            "--port %s 2>&1", bin, port);
    cr_assert_eq(rc, 3, "%s", out);
    cr_assert(strstr(out, "does not fit the board on tcp:127.0.0.1:"), "%s", out);
    cr_assert(strstr(out, "2 layers, the core has 1"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s device load --model /nonexistent.sgl --port %s 2>&1",
                    bin, port), 3, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s device load --port %s 2>&1", bin, port), 2, "%s", out);
    cr_assert(strstr(out, "--model is required"), "%s", out);
    /* the refused loads left the model in place */
    cr_assert_eq(sh(info, sizeof info, "%s device info --port %s 2>&1", bin, port), 0, "%s", info);
    cr_assert(strstr(info, want), "%s", info);
    /* device save reads only the words of the model's structure: loaded again, what it saved
     * gives the same model CRC; a weight word outside that structure that is not 0 is caught
     * by MODEL_CRC (exit 4, named) */
    char saved[64];
    snprintf(saved, sizeof saved, "/tmp/sglif-test-save-%d.sgl", (int)getpid());
    rc = sh(out, sizeof out, "%s device save --model tests/fuzz/corpus/model/tiny.sgl --out %s "
            "--port %s 2>&1 && %s device load --model %s --port %s 2>&1", bin, saved, port, bin,
            saved, port);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, want), "save, then load of what it saved:\n%s\nload said %s", out,
              want);
    dev.timeout_ms = 2000;
    dev.tries = 3;
    cr_assert_eq(sgl_dev_open(&dev, port), 0, "%s", sgl_errmsg());
    const uint16_t stray = 0x0101;
    cr_assert_eq(sgl_dev_write_mem(&dev, SGL_SEL_W, 12345, &stray, 1), 0, "%s", sgl_errmsg());
    sgl_dev_close(&dev);
    rc = sh(out, sizeof out, "%s device save --model tests/fuzz/corpus/model/tiny.sgl --out %s "
            "--port %s 2>&1", bin, saved, port);
    cr_assert_eq(rc, 4, "%s", out);
    cr_assert(strstr(out, "the board holds more than the structure of "
                          "tests/fuzz/corpus/model/tiny.sgl"), "%s", out);
    unlink(saved);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* `sglif device infer`: the board's predictions are the twin's, one for one, and its accuracy
 * line is `sglif eval --backend fixed`'s */
Test(board, cli_infer_equals_the_twin)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    const char *data = "randman:classes=4,samples=200,steps=50";
    char out[4096], fixed[4096];
    char model[64];
    snprintf(model, sizeof model, "/tmp/sglif-test-board-%d.sgl", (int)getpid());
    int rc = sh(out, sizeof out, "%s train --data %s --hidden 64 --epochs 12 --qat --seed 3 "
                "--out %s --quiet 2>&1", bin, data, model);
    cr_assert_eq(rc, 0, "%s", out);
    printf("board: infer, model trained with seed 3 on %s\n", data);
    cr_assert_eq(sh(fixed, sizeof fixed, "%s eval --model %s --data %s --backend fixed 2>&1",
                    bin, model, data), 0, "%s", fixed);
    cr_assert_eq(sh(out, sizeof out, "%s device infer --model %s --data %s 2>&1", bin, model,
                    data), 0, "%s", out);
    printf("%s", out);
    cr_assert(strstr(out, "twin: 80 of 80 predictions equal"), "%s", out);
    const char *acc = strstr(fixed, "accuracy: ");
    cr_assert(acc, "%s", fixed);
    char line[64];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(acc, "\n"), acc);
    cr_assert(strstr(out, line), "infer:\n%s\neval --backend fixed: %s", out, line);
    /* a data set of another shape is refused */
    rc = sh(out, sizeof out, "%s device infer --model %s --data randman:classes=3 2>&1", bin, model);
    cr_assert_eq(rc, 3, "%s", out);
    unlink(model);
}

/* RUN's checks: nothing runs unless the whole request is well formed */
Test(board, run_refuses_bad_requests)
{
    open_board();
    uint8_t r[64];
    uint16_t n;
    const struct { const char *what; uint8_t p[12]; uint16_t len; const char *st; } bad[] = {
        {"a channel beyond the inputs", {1, 0, 1, 0, 0x00, 0x01}, 6, "ERR_ADDR"}, /* 256 */
        {"more events than the event list", {1, 0, 0x01, 0x01}, 4, "ERR_ADDR"},  /* 257 */
        {"a step cut short", {1, 0, 2, 0, 5, 0}, 6, "ERR_LEN"},
        {"an odd length", {1, 0, 0, 0, 0}, 5, "ERR_LEN"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(sgl_dev_request(&dev, SGL_CMD_RUN, bad[i].p, bad[i].len, r, sizeof r, &n),
                     -SGL_EDEVICE, "%s", bad[i].what);
        cr_assert(strstr(sgl_errmsg(), bad[i].st), "%s: %s", bad[i].what, sgl_errmsg());
    }
    /* a good one: two steps, 3 events, from a clear */
    const uint8_t good[] = {1, 0, 2, 0, 7, 0, 9, 0, 1, 0, 255, 0};
    cr_assert_eq(sgl_dev_request(&dev, SGL_CMD_RUN, good, sizeof good, r, sizeof r, &n), 0, "%s",
                 sgl_errmsg());
    cr_assert_eq(n, 4);
    /* its cycles, exactly (docs/rtl.md, "The device's cycles"): the executor's (both walks of
     * the 12 bytes, the clear of the neurons in use) and the core's two steps, each with the
     * argmax scan (no engine here); step 1's ops are its event and step 0's spikes, read back */
    uint16_t n_last;
    cr_assert_eq(sgl_dev_read_mem(&dev, SGL_SEL_REG, SGL_REG_N_LAST, &n_last, 1), 0, "%s", sgl_errmsg());
    const int nn = n_last + 1;
    static uint8_t z[65536];
    static uint16_t code[65536];
    cr_assert_eq(dev.info.layers, 1); /* the up5k row */
    cr_assert_eq(sgl_dev_read_history(&dev, 0, 0, nn, z, code), 0, "%s", sgl_errmsg());
    uint64_t s0 = 0;
    for (int i = 0; i < nn; i++)
        s0 += z[i];
    const uint64_t core = sgl_core_layer_cycles(dev.info.lanes, nn, 2) +
                          sgl_core_layer_cycles(dev.info.lanes, nn, 1 + s0) +
                          2 * sgl_core_step_fixed(dev.info.classes, 1);
    const uint64_t want = sgl_run_cycles(sizeof good, 2, core, 1, sgl_core_clear_cycles(nn, 0));
    cr_assert_eq((uint64_t)(r[0] | r[1] << 8 | r[2] << 16 | (uint32_t)r[3] << 24), want,
                 "RUN's cycles (%d neurons in use, %d spikes in step 0)", nn, (int)s0);
    sgl_dev_close(&dev);
}

/* The board tops as flashed, on a pseudo-terminal: build/bin/sglif-board-top-BOARD (the top
 * module of rtl/sglif_top_*.v with sim/pll_models.v in place of the PLL, its UART pins driven
 * bit by bit at the board table's divider; sim/board.mk) with --listen pty, reached through
 * tty:/dev/pts/N, the termios code of a real FTDI serial port (host/transport_tty.c). Each
 * `sglif device` command gives what it gives on the byte-level board of the same configuration
 * (sglif-board-CONFIG, the program `--port sim` starts, here kept on one TCP port so that both
 * boards carry their state from one command to the next): the same output but for the port's
 * name, the clock (the top reports the PLL's, the byte-level board its default) and the
 * wall-clock rates of bench, and the same files. */

/* the output with the port's name replaced, the clock_hz line and bench's "; here ..." rates
 * dropped */
static void normalize(char *s, const char *port)
{
    char out[16384];
    size_t o = 0, pl = strlen(port);
    for (char *line = s; *line;) {
        size_t len = strcspn(line, "\n");
        int keep = strncmp(line, "clock_hz:", 9) != 0;
        for (size_t i = 0; keep && i < len && o + 8 < sizeof out;) {
            if (!strncmp(line + i, port, pl) && pl) {
                memcpy(out + o, "PORT", 4);
                o += 4;
                i += pl;
            } else if (!strncmp(line + i, "; here ", 7))
                break;
            else
                out[o++] = line[i++];
        }
        if (keep && o + 1 < sizeof out)
            out[o++] = '\n';
        line += len + (line[len] == '\n');
    }
    out[o] = 0;
    memcpy(s, out, o + 1);
}

/* two model files equal up to their META chunk (free text: the command line, which names the
 * port; docs/formats.md) */
static void models_equal(const char *a, const char *b)
{
    static uint8_t x[2][1 << 20];
    size_t n[2], meta[2];
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(i ? b : a, "rb");
        cr_assert(f, "%s", i ? b : a);
        n[i] = fread(x[i], 1, sizeof x[i], f);
        fclose(f);
        uint8_t *m = memmem(x[i], n[i], "META", 4);
        cr_assert(m, "%s: no META chunk", i ? b : a);
        meta[i] = (size_t)(m - x[i]);
    }
    cr_assert_eq(meta[0], meta[1], "%s, %s: META at %zu, %zu", a, b, meta[0], meta[1]);
    cr_assert(memcmp(x[0], x[1], meta[0]) == 0, "%s and %s differ before their META chunks", a,
              b);
}

/* the boards of a test, ended by its .fini also when an assertion failed */
static pid_t pty_pids[2];
static void stop_pty_boards(void)
{
    for (int i = 0; i < 2; i++)
        if (pty_pids[i] > 0) {
            kill(pty_pids[i], SIGTERM);
            waitpid(pty_pids[i], NULL, 0);
            pty_pids[i] = 0;
        }
}

/* The seven commands on the top (pty) and on the byte-level board (tcp), each compared.
 * bench_opts: bench's options (the ULX3S-85F moves only part of its weight memory). */
static void pty_same_as_sim(const char *board, const char *config, long clock_hz,
                            const char *bench_opts, const char *timeout)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    char top[PATH_MAX], byte[PATH_MAX], name[64];
    snprintf(name, sizeof name, "sglif-board-top-%s", board);
    bin_path(top, sizeof top, name);
    snprintf(name, sizeof name, "sglif-board-%s", config);
    bin_path(byte, sizeof byte, name);
    char pty[128], tcp[128];
    pty_pids[0] = board_start(top, "pty", NULL, pty, sizeof pty);
    pty_pids[1] = board_listen(byte, tcp, sizeof tcp);
    printf("board: %s on %s (its top, UART pins bit by bit) against %s on %s\n", board, pty,
           config, tcp);
    /* a model that fits every board: 16 inputs, 32 neurons, 4 classes */
    const char *data = "randman:classes=4,units=16,samples=20,steps=30";
    char model[96], tmp[96], trained[96], a[128], b[128];
    snprintf(model, sizeof model, "/tmp/sglif-pty-%d.sgl", (int)getpid());
    snprintf(tmp, sizeof tmp, "/tmp/sglif-pty-%d-out.sgl", (int)getpid());
    snprintf(trained, sizeof trained, "/tmp/sglif-pty-%d-trained.sgl", (int)getpid());
    static char out[2][16384];
    cr_assert_eq(sh(out[0], sizeof out[0], "%s train --data %s --hidden 32 --epochs 3 --qat "
                    "--seed 3 --out %s --quiet 2>&1", bin, data, model), 0, "%s", out[0]);
    char cmds[7][512];
    int nc = 0;
    snprintf(cmds[nc++], 512, "info");
    snprintf(cmds[nc++], 512, "load --model %s", model);
    snprintf(cmds[nc++], 512, "infer --model %s --data %s", model, data);
    snprintf(cmds[nc++], 512, "train --data randman:classes=4,units=16,samples=10,steps=8 "
             "--hidden 16 --epochs 1 --batch 4 --seed 1 --out %s --quiet", tmp);
    snprintf(cmds[nc++], 512, "save --model %s --out %s", trained, tmp);
    snprintf(cmds[nc++], 512, "lut --model %s", model);
    snprintf(cmds[nc++], 512, "bench %s", bench_opts);
    for (int c = 0; c < nc; c++) {
        int rc[2];
        double secs[2];
        for (int side = 0; side < 2; side++) {
            const char *port = side ? pty : tcp;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            rc[side] = sh(out[side], sizeof out[side], "%s device %s --port %s --timeout %s "
                          "2>&1", bin, cmds[c], port, timeout);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            secs[side] = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
            cr_assert_eq(rc[side], 0, "%s over %s:\n%s", cmds[c], port, out[side]);
            if (c == 0 && side) { /* the top's clock is the PLL's */
                char want[64];
                snprintf(want, sizeof want, "clock_hz: %ld\n", clock_hz);
                cr_assert(strstr(out[1], want), "%s: %s", want, out[1]);
            }
            normalize(out[side], port);
            if (c == 3 || c == 4) { /* train, save: the files */
                snprintf(side ? b : a, 128, "%s.%d", tmp, side);
                cr_assert_eq(rename(tmp, side ? b : a), 0);
            }
        }
        cr_assert_str_eq(out[1], out[0], "sglif device %s: over the pty\n%s\nover tcp\n%s",
                         cmds[c], out[1], out[0]);
        if (c == 3 || c == 4) {
            models_equal(a, b);
            cr_assert_eq(rename(b, trained), 0); /* save takes the trained model */
            unlink(a);
        }
        printf("board: %s: sglif device %.40s...: the same over the pty (%.1f s; tcp %.1f s)\n",
               board, cmds[c], secs[1], secs[0]);
    }
    unlink(trained);
    unlink(model);
}

Test(board_pty, icebreaker, .fini = stop_pty_boards)
{
    pty_same_as_sim("icebreaker", "up5k-dev", 27000000, "--samples 3", "10000");
}

Test(board_pty, hx8k, .fini = stop_pty_boards)
{
    pty_same_as_sim("hx8k", "hx8k-dev", 60000000, "--samples 3", "10000");
}

/* the ULX3S-85F's top simulates some 2 M cycles a second here (64 lanes) and a byte costs
 * 250 (25 clocks a bit): load, infer and train write its whole model image (139 812 words,
 * 280 kB, some 37 s each; train twice: at the start and for its round trip) and save reads
 * it; bench reads and writes back the first 2048 weight words only (--words; all 131 072 would
 * take 70 s more). Longer timeouts (docs/boards.md). */
Test(board_pty, ulx3s_85f, .timeout = 900, .fini = stop_pty_boards)
{
    pty_same_as_sim("ulx3s-85f", "ecp5-85f", 75000000, "--samples 1 --words 2048", "60000");
}

/* sglif device selftest: passes on the simulated boards (the tops as flashed, and plain sim),
 * and fails, naming the check, with exit 4 on a board with a stuck memory bit (sim/board.cpp
 * --stuck-bit: bit 3 of bias word 5 reads 1) */
Test(board_selftest, passes_on_the_boards)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    static char out[16384];
    const char *ports[] = {"sim:icebreaker", "sim:hx8k", "sim"};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        /* plain sim as a user has it (make test names the up5k board in $SGLIF_BOARD) */
        int rc = sh(out, sizeof out, "env -u SGLIF_BOARD %s device selftest --port %s "
                    "--timeout 10000 2>&1", bin, ports[i]);
        printf("%s", out);
        cr_assert_eq(rc, 0, "%s:\n%s", ports[i], out);
        cr_assert(strstr(out, "\nselftest: pass\n"), "%s", out);
        static const char *const checks[] = {"identify", "sg-table", "memory weights",
                                             "memory biases", "memory sg-table", "memory w_out",
                                             "memory b_out", "model", "restore", "link"};
        for (size_t c = 0; c < sizeof checks / sizeof checks[0]; c++) {
            char want[64];
            snprintf(want, sizeof want, "selftest: %s: pass", checks[c]);
            cr_assert(strstr(out, want), "%s: no '%s':\n%s", ports[i], want, out);
        }
    }
}

Test(board_selftest, a_stuck_bit_fails, .fini = stop_pty_boards)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    char prog[PATH_MAX], port[128];
    bin_path(prog, sizeof prog, "sglif-board-top-hx8k");
    const char *const stuck[] = {"--stuck-bit", "2:5:3", NULL};
    pty_pids[0] = board_start(prog, "tcp:127.0.0.1:0", stuck, port, sizeof port);
    static char out[16384];
    int rc = sh(out, sizeof out, "%s device selftest --port %s --timeout 10000 2>&1", bin,
                port);
    printf("%s", out);
    cr_assert_eq(rc, 4, "%s", out);
    cr_assert(strstr(out, "selftest: memory biases: FAIL: 1 of 64 words wrong"), "%s", out);
    cr_assert(strstr(out, "address 5 reads"), "%s", out);
    cr_assert(strstr(out, "\nselftest: FAIL: memory biases"), "%s", out);
    cr_assert(strstr(out, "selftest: memory weights: pass"), "%s", out);
}

/* a new user: `sglif train` with its defaults, then `sglif device infer` on the default port:
 * plain sim holds the default model (20 inputs, 256 neurons, 10 classes; the up5k board would
 * say "10 classes, the core has 7") */
Test(board, default_model_on_plain_sim, .timeout = 600)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    char model[64];
    snprintf(model, sizeof model, "/tmp/sglif-default-%d.sgl", (int)getpid());
    static char out[16384];
    cr_assert_eq(sh(out, sizeof out, "%s train --data randman --epochs 1 --out %s --quiet 2>&1",
                    bin, model), 0, "%s", out);
    int rc = sh(out, sizeof out, "env -u SGLIF_BOARD %s device infer --model %s "
                "--data randman:samples=20 2>&1", bin, model);
    printf("%s", out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "on sim: 20 samples"), "%s", out);
    cr_assert(strstr(out, "twin: 20 of 20 predictions equal"), "%s", out);
    unlink(model);
}

/* board training on two hidden layers: the byte-level board of the up5k-2l row (two layers of
 * 128 neurons, 8 steps of history) trains 16,16 as `sglif train --backend fixed` does, bit for
 * bit, with --check comparing every spike, SG code and prediction of both layers */
Test(board, train_two_layers, .timeout = 600)
{
    const char *bin = getenv("SGLIF");
    cr_assert(bin, "SGLIF must be set (make test sets it)");
    char port[PATH_MAX + 4];
    memcpy(port, "sim:", 4);
    bin_path(port + 4, sizeof port - 4, "sglif-board-up5k-2l");
    const char *opts = "--data randman:classes=4,units=16,samples=10,steps=20 --hidden 16,16 "
                       "--epochs 1 --batch 8 --seed 5";
    char twin[64], board[64];
    snprintf(twin, sizeof twin, "/tmp/sglif-2l-%d-twin.sgl", (int)getpid());
    snprintf(board, sizeof board, "/tmp/sglif-2l-%d-board.sgl", (int)getpid());
    static char out[16384];
    cr_assert_eq(sh(out, sizeof out, "%s train --backend fixed %s --out %s --quiet 2>&1", bin,
                    opts, twin), 0, "%s", out);
    int rc = sh(out, sizeof out, "%s device train %s --check --out %s --quiet --port %s 2>&1",
                bin, opts, board, port);
    printf("%s", out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "check: "), "%s", out);
    sgl_net x, y;
    cr_assert_eq(sgl_model_load(twin, &x, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(sgl_model_load(board, &y, NULL), 0, "%s", sgl_errmsg());
    cr_assert_eq(x.cfg.n_layers, 2);
    cr_assert_eq(y.cfg.n_layers, 2);
    cr_assert(x.n_params == y.n_params &&
              memcmp(x.params, y.params, x.n_params * sizeof *x.params) == 0,
              "device train (two layers) and train --backend fixed differ");
    sgl_net_free(&x);
    sgl_net_free(&y);
    unlink(twin);
    unlink(board);
}

/* The Yosys netlist of a board top as it goes to nextpnr (build/bin/sglif-board-netlist-BOARD,
 * sim/board.mk: iCE40 cell models, the PLL model) on a pseudo-terminal: `device info` and a
 * short `device infer` with the twin's predictions. Slow (the load writes every model word
 * through gate-level cells): run by make test-slow, which sets SGLIF_NETLIST_BOARDS; skipped
 * otherwise. */
static void netlist_board(const char *board)
{
    const char *bin = getenv("SGLIF"), *on = getenv("SGLIF_NETLIST_BOARDS");
    if (!on || !strstr(on, board))
        cr_skip_test("SGLIF_NETLIST_BOARDS does not name %s (make test-slow)", board);
    cr_assert(bin, "SGLIF must be set");
    char prog[PATH_MAX], pty[128], name[64];
    snprintf(name, sizeof name, "sglif-board-netlist-%s", board);
    bin_path(prog, sizeof prog, name);
    pty_pids[0] = board_start(prog, "pty", NULL, pty, sizeof pty);
    const char *data = "randman:classes=4,units=16,samples=10,steps=20";
    char model[64];
    snprintf(model, sizeof model, "/tmp/sglif-netlist-%d.sgl", (int)getpid());
    static char out[16384];
    cr_assert_eq(sh(out, sizeof out, "%s train --data %s --hidden 32 --epochs 2 --qat --seed 3 "
                    "--out %s --quiet 2>&1", bin, data, model), 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s device info --port %s --timeout 20000 2>&1", bin, pty),
                 0, "%s", out);
    printf("%s", out);
    cr_assert(strstr(out, "protocol: 2\n"), "%s", out);
    int rc = sh(out, sizeof out, "%s device infer --model %s --data %s --port %s --timeout "
                "20000 2>&1", bin, model, data, pty);
    printf("%s", out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "twin: 4 of 4 predictions equal"), "%s", out);
    unlink(model);
}

Test(board_netlist, icebreaker, .timeout = 1800, .fini = stop_pty_boards)
{
    netlist_board("icebreaker");
}

Test(board_netlist, hx8k, .timeout = 1800, .fini = stop_pty_boards)
{
    netlist_board("hx8k");
}
