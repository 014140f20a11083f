/* SPDX-License-Identifier: MIT */
/* sim[:BOARD|:PROGRAM]: start a simulated board and talk to it over loopback TCP.
 *   sim           $SGLIF_BOARD, else sglif-board-ecp5-85f beside the running sglif: the device
 *                 of the ULX3S-85F's configuration (rtl/configs.csv row ecp5-85f: 256 neurons,
 *                 700 inputs, 20 classes) at byte level, which holds `sglif train`'s default
 *                 model;
 *   sim:BOARD     a board of constraints/boards.csv (icebreaker, hx8k, ulx3s-85f, ...): its top
 *                 module as flashed, UART pins bit by bit (sglif-board-top-BOARD beside sglif;
 *                 sim/board.mk);
 *   sim:PROGRAM   a board program named by its path (a name with a '/').
 * It is started as PROGRAM --listen tcp:127.0.0.1:0 --once; its first line names the port.
 * Closing the transport ends it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "transport.h"

/* the program of sim[:ARG] into out; the make target that builds it into make (empty if ARG is
 * a path) */
static void board_path(const char *arg, char *out, size_t n, char *make, size_t mn)
{
    const char *env = getenv("SGLIF_BOARD");
    char self[PATH_MAX - 64]; /* room for the program name in out */
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    self[k > 0 ? k : 0] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = 0;
    const char *dir = slash ? self : "./";
    *make = 0;
    if (strchr(arg, '/'))
        snprintf(out, n, "%s", arg);
    else if (*arg) {
        snprintf(out, n, "%ssglif-board-top-%s", dir, arg);
        snprintf(make, mn, "make build/bin/sglif-board-top-%s (%s must be a board of "
                 "constraints/boards.csv)", arg, arg);
    } else if (env && *env)
        snprintf(out, n, "%s", env);
    else {
        snprintf(out, n, "%ssglif-board-ecp5-85f", dir);
        snprintf(make, mn, "make build/bin/sglif-board-ecp5-85f");
    }
}

static void stop(sgl_transport *t)
{
    if (t->pid > 0) {
        kill(t->pid, SIGTERM);
        waitpid(t->pid, NULL, 0);
    }
    t->pid = 0;
}

static int sim_open(sgl_transport *t, const char *arg)
{
    char prog[PATH_MAX], make[256];
    board_path(arg, prog, sizeof prog, make, sizeof make);
    if (access(prog, X_OK) != 0)
        return sgl_fail(SGL_EDEVICE, "%s: no simulated board at %s (%s%s)", t->name, prog,
                        *make ? "build it with " : "name one with sim:BOARD, sim:PROGRAM or "
                        "$SGLIF_BOARD", make);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return sgl_fail(SGL_EDEVICE, "%s: pipe: %s", t->name, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return sgl_fail(SGL_EDEVICE, "%s: fork: %s", t->name, strerror(errno));
    }
    if (pid == 0) {
        dup2(p[1], 1);
        execl(prog, prog, "--listen", "tcp:127.0.0.1:0", "--once", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    t->pid = pid;
    /* its first line: "listening on tcp:127.0.0.1:PORT", within 10 s */
    char line[128];
    size_t got = 0;
    while (got < sizeof line - 1) {
        struct pollfd q = {.fd = p[0], .events = POLLIN};
        if (poll(&q, 1, 10000) <= 0)
            break;
        ssize_t k = read(p[0], line + got, 1);
        if (k <= 0 || line[got] == '\n')
            break;
        got++;
    }
    line[got] = 0;
    close(p[0]);
    const char *pre = "listening on tcp:";
    char *colon = strrchr(line, ':');
    if (strncmp(line, pre, strlen(pre)) != 0 || !colon) {
        stop(t);
        return sgl_fail(SGL_EDEVICE, "%s: the simulated board %s did not start (it said "
                        "'%s')", t->name, prog, line);
    }
    *colon = 0;
    int rc = sgl_tcp_connect(t, line + strlen(pre), colon + 1);
    if (rc < 0)
        stop(t);
    return rc;
}

static void sim_close(sgl_transport *t)
{
    sgl_fd_close(t);
    stop(t);
}

const sgl_transport_ops sgl_transport_sim = {
    .scheme = "sim", .usage = "sim[:BOARD|:PROGRAM]", .open = sim_open, .read = sgl_fd_read,
    .write = sgl_fd_write, .close = sim_close};
