/* SPDX-License-Identifier: MIT */
/* The host's command layer (host/device.c) against a simulated board of the memory-only
 * device (sim/tb_cmd.v under sim/board.cpp: the executor, decoder and encoder in RTL over a
 * behavioural memory), over TCP on loopback: IDENTIFY, writes in several frames read back,
 * MODEL_CRC, lost replies (the board drops every third) retried without a double write, a
 * refused request, no board, a silent board, a board of another protocol version. The board
 * program is $SGLIF_BOARD_MEM (make test sets it). */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "device.h"
#include "sglif_protocol.h"

static pid_t board_pid;

/* start the board on a free port; returns "tcp:127.0.0.1:P" in port */
static void start_board(char *port, size_t n, const char *extra)
{
    const char *bin = getenv("SGLIF_BOARD_MEM");
    cr_assert(bin && access(bin, X_OK) == 0, "SGLIF_BOARD_MEM must name the board program "
              "(make test builds build/cmd-board/board-mem)");
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    board_pid = fork();
    if (board_pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        if (extra)
            execl(bin, bin, "--listen", "tcp:127.0.0.1:0", "--once", "--drop-replies", extra,
                  (char *)NULL);
        else
            execl(bin, bin, "--listen", "tcp:127.0.0.1:0", "--once", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    char line[100] = "";
    cr_assert(fgets(line, sizeof line, f), "the board printed nothing");
    fclose(f);
    cr_assert(strncmp(line, "listening on ", 13) == 0, "board: %s", line);
    line[strcspn(line, "\n")] = 0;
    snprintf(port, n, "%s", line + 13);
}

static void stop_board(void)
{
    if (board_pid > 0) {
        kill(board_pid, SIGTERM);
        waitpid(board_pid, NULL, 0);
    }
    board_pid = 0;
}

static sgl_dev dev;

Test(device, identify_write_read_crc, .fini = stop_board)
{
    char port[128];
    start_board(port, sizeof port, NULL);
    cr_assert_eq(sgl_dev_open(&dev, port), 0, "%s", sgl_errmsg());
    cr_assert_eq(dev.info.version, SGL_PROTOCOL_VERSION);
    cr_assert_eq(dev.info.neurons, 16);
    cr_assert_eq(dev.info.max_payload, 256);
    cr_assert_eq(dev.info.clock_hz, 12000000);
    uint16_t w[300], r[300];
    for (int i = 0; i < 300; i++)
        w[i] = (uint16_t)(i * 977 + 5);
    cr_assert_eq(sgl_dev_write_mem(&dev, 0, 0, w, 300), 0, "%s", sgl_errmsg());
    cr_assert_eq(dev.st.requests, 1 + 3); /* 125 words a frame at a payload limit of 256 */
    cr_assert_eq(sgl_dev_read_mem(&dev, 0, 0, r, 300), 0, "%s", sgl_errmsg());
    cr_assert_arr_eq(r, w, sizeof w);
    /* MODEL_CRC covers selects 0 (300 words) and 1 (77 words, still 0) */
    uint8_t bytes[2 * 377] = {0};
    for (int i = 0; i < 300; i++) {
        bytes[2 * i] = (uint8_t)w[i];
        bytes[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    uint32_t crc;
    cr_assert_eq(sgl_dev_model_crc(&dev, &crc), 0, "%s", sgl_errmsg());
    cr_assert_eq(crc, (uint32_t)crc32(0, bytes, sizeof bytes));
    /* a refused request: one line naming the board's status, nothing written */
    cr_assert_eq(sgl_dev_write_mem(&dev, 2, 15, w, 2), -SGL_EDEVICE);
    cr_assert(strstr(sgl_errmsg(), "refused WRITE_MEM: ERR_ADDR"), "%s", sgl_errmsg());
    cr_assert_eq(dev.st.retries, 0);
    sgl_dev_close(&dev);
}

Test(device, lost_replies_are_retried_without_a_double_write, .fini = stop_board)
{
    char port[128];
    start_board(port, sizeof port, "4"); /* every fourth reply is lost: writes and reads */
    dev.timeout_ms = 100;
    dev.tries = 4;
    cr_assert_eq(sgl_dev_open(&dev, port), 0, "%s", sgl_errmsg());
    uint16_t w[16], r[16];
    for (int round = 0; round < 12; round++) {
        for (int i = 0; i < 16; i++)
            w[i] = (uint16_t)(round * 100 + i);
        cr_assert_eq(sgl_dev_write_mem(&dev, 2, 0, w, 16), 0, "%s", sgl_errmsg());
        cr_assert_eq(sgl_dev_read_mem(&dev, 2, 0, r, 16), 0, "%s", sgl_errmsg());
        cr_assert_arr_eq(r, w, sizeof w);
    }
    printf("device: %lu requests, %lu retries, %lu answered DUP\n",
           (unsigned long)dev.st.requests, (unsigned long)dev.st.retries,
           (unsigned long)dev.st.dups);
    cr_assert_geq(dev.st.retries, 8);
    cr_assert_gt(dev.st.dups, 0); /* some writes were carried out and their reply lost */
    sgl_dev_close(&dev);
    dev.timeout_ms = 0;
    dev.tries = 0;
}

/* a peer that accepts and then answers IDENTIFY as told: never, or with version 1 */
static int peer_fd = -1, peer_mode;
static void *peer(void *arg)
{
    (void)arg;
    int c = accept(peer_fd, NULL, NULL);
    uint8_t b[256];
    ssize_t k = read(c, b, sizeof b);
    if (k > 0 && peer_mode == 1) {
        uint8_t pay[34] = {1, 0}, f[64];
        size_t n = sgl_link_encode(f, SGL_ST_OK, b[2], pay, sizeof pay);
        if (write(c, f, n) != (ssize_t)n)
            perror("peer");
    }
    while (read(c, b, sizeof b) > 0)
        ;
    close(c);
    return NULL;
}

static void with_peer(int mode, const char *needle)
{
    peer_mode = mode;
    peer_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(peer_fd, (struct sockaddr *)&a, sizeof a), 0);
    listen(peer_fd, 1);
    socklen_t len = sizeof a;
    getsockname(peer_fd, (struct sockaddr *)&a, &len);
    pthread_t th;
    pthread_create(&th, NULL, peer, NULL);
    char port[64];
    snprintf(port, sizeof port, "tcp:127.0.0.1:%d", ntohs(a.sin_port));
    dev.timeout_ms = 50;
    dev.tries = 2;
    cr_assert_eq(sgl_dev_open(&dev, port), -SGL_EDEVICE);
    cr_assert(strstr(sgl_errmsg(), needle), "%s", sgl_errmsg());
    cr_assert_null(strchr(sgl_errmsg(), '\n'));
    dev.timeout_ms = 0;
    dev.tries = 0;
    pthread_join(th, NULL);
    close(peer_fd);
}

Test(device, a_silent_board)
{
    with_peer(0, "no answer to IDENTIFY after 2 tries of 50 ms");
}

Test(device, another_protocol_version)
{
    with_peer(1, "the board speaks protocol version 1, this sglif 2");
}

/* `sglif device info` as a user meets it: over the sim transport (which starts the board
 * program itself), and its one-line errors with exit codes 2 and 4. */
static int run(char *out, size_t n, const char *args)
{
    const char *bin = getenv("SGLIF"), *board = getenv("SGLIF_BOARD_MEM");
    cr_assert(bin && board, "SGLIF and SGLIF_BOARD_MEM must be set (make test sets them)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "SGLIF_BOARD=%s %s %s 2>&1", board, bin, args);
    FILE *p = popen(cmd, "r");
    size_t got = fread(out, 1, n - 1, p);
    out[got] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(device, cli_info_and_errors)
{
    char out[2048];
    cr_assert_eq(run(out, sizeof out, "device info"), 0, "%s", out);
    cr_assert(strstr(out, "port: sim\nprotocol: 2\nlanes: 1\nlayers: 1\nneurons: 16\n"), "%s", out);
    cr_assert(strstr(out, "max_payload: 256\nclock_hz: 12000000\nfeatures: 0x0000\nmodel_crc: 0x"),
              "%s", out);
    /* the memories of the simulated board start at 0: the CRC of 377 zero words */
    uint8_t zeros[2 * 377] = {0};
    char want[32];
    snprintf(want, sizeof want, "model_crc: 0x%08x\n", (unsigned)crc32(0, zeros, sizeof zeros));
    cr_assert(strstr(out, want), "%s lacks %s", out, want);
    cr_assert_eq(run(out, sizeof out, "device info --port zz"), 2, "%s", out);
    cr_assert(strstr(out, "unknown transport"), "%s", out);
    cr_assert_eq(run(out, sizeof out, "device info --port sim:/nonexistent/board"), 4, "%s", out);
    cr_assert(strstr(out, "no simulated board at /nonexistent/board"), "%s", out);
    cr_assert_eq(run(out, sizeof out, "device info --port ftdi"), 4, "%s", out);
    cr_assert(strstr(out, "no usable FTDI device 0403:6010"), "%s", out);
    cr_assert_eq(run(out, sizeof out, "device info --timeout 0"), 2, "%s", out);
    cr_assert_eq(run(out, sizeof out, "device nonsense"), 2, "%s", out);
    cr_assert_eq(strchr(out, '\n'), strrchr(out, '\n'), "one line: %s", out);
}
