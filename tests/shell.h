/* SPDX-License-Identifier: MIT */
/* Test helpers for the suites that run the `sglif` program and the simulated board as a user
 * would (test_board.c, test_device_train.c): a shell command's output and exit status, and a
 * board of its own on a loopback TCP port or a pseudo-terminal. Header-only: each suite has
 * its own copy. */
#ifndef SGLIF_TESTS_SHELL_H
#define SGLIF_TESTS_SHELL_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the command (printf format) with popen; its stdout (add 2>&1 for stderr) into out.
 * Returns the exit status, -1 if it did not exit (a signal). */
static int sh(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sh(char *out, size_t n, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "popen: %s", cmd);
    size_t got = fread(out, 1, n - 1, p);
    out[got] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Start a board program (sim/board.cpp) with --listen LISTEN and the NULL-terminated extra
 * arguments (may be NULL); its first line names the port: "listening on tcp:127.0.0.1:P" for
 * tcp:127.0.0.1:0 (a free port), "pty: /dev/pts/N" for pty (the host's port is then
 * tty:/dev/pts/N). The port to give --port into port; the program's pid. */
static pid_t board_start(const char *board, const char *listen, const char *const *extra,
                         char *port, size_t n)
{
    const int pty = strcmp(listen, "pty") == 0;
    const char *prefix = pty ? "pty: " : "listening on ";
    const char *argv[16] = {board, "--listen", listen};
    int argc = 3;
    for (int i = 0; extra && extra[i] && argc < 15; i++)
        argv[argc++] = extra[i];
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        char *av[16] = {0}; /* execv's argv is not const */
        for (int i = 0; i < argc; i++)
            av[i] = strdup(argv[i]);
        execv(board, av);
        _exit(127);
    }
    close(fd[1]);
    char line[128] = "";
    FILE *f = fdopen(fd[0], "r");
    cr_assert(fgets(line, sizeof line, f), "%s printed nothing", board);
    fclose(f);
    line[strcspn(line, "\n")] = 0;
    cr_assert(strncmp(line, prefix, strlen(prefix)) == 0, "%s: %s", board, line);
    snprintf(port, n, "%s%s", pty ? "tty:" : "", line + strlen(prefix));
    return pid;
}

/* The board program on tcp:127.0.0.1:0 (a free port); its port name into port. */
static pid_t board_listen(const char *board, char *port, size_t n)
{
    return board_start(board, "tcp:127.0.0.1:0", NULL, port, n);
}

#endif
