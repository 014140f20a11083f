/* SPDX-License-Identifier: MIT */
/* sglif device selftest (host/cmd_selftest.c): the checks of a fresh board (docs/boards.md,
 * "First light"). */
#ifndef SGLIF_SELFTEST_H
#define SGLIF_SELFTEST_H

int cmd_device_selftest(int argc, char **argv);

#endif
