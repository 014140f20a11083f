/* SPDX-License-Identifier: MIT */
/* sglif device: the board over its USB link, or the simulated board (docs/protocol.md).
 * So far: info. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"

static const char HELP[] =
    "usage: sglif device info [--port PORT] [--timeout MS] [--tries N]\n"
    "The board over its USB link (docs/protocol.md).\n\n"
    "  info                 the board's build (protocol version, lanes, layers, sizes,\n"
    "                       clock) and the CRC of its model memories, one key: value a line\n\n"
    "  --port PORT          sim (default: start a simulated board, sglif-board beside this\n"
    "                       program or $SGLIF_BOARD), sim:PROGRAM, tcp:HOST:PORT,\n"
    "                       tty:/dev/ttyUSBn, ftdi[:VID:PID[:SERIAL]] (default 0403:6010)\n"
    "  --timeout MS         reply timeout per try (default 500)\n"
    "  --tries N            tries per request (default 5)\n\n" SGL_EXIT_CODES_HELP;

static sgl_dev dev; /* large buffers: not on the stack */

static int device_info(int argc, char **argv)
{
    static const struct option own[] = {{"port", required_argument, 0, 0},
                                        {"timeout", required_argument, 0, 0},
                                        {"tries", required_argument, 0, 0},
                                        {0, 0, 0, 0}};
    struct option opts[8];
    cli_merge_opts(own, NULL, opts, 8);
    const char *port = "sim";
    long timeout = 500, tries = 5;
    const char *name;
    int more, code, rc = 0;
    while ((more = cli_next(argc, argv, opts, "device info", HELP, 0, &name, &code)) > 0) {
        if (strcmp(name, "port") == 0)
            port = optarg;
        else if (strcmp(name, "timeout") == 0)
            rc = cli_int(name, optarg, 1, 600000, &timeout);
        else if (strcmp(name, "tries") == 0)
            rc = cli_int(name, optarg, 1, 100, &tries);
        if (rc)
            return cli_error("device info", rc);
    }
    if (more < 0)
        return code;
    dev.timeout_ms = (int)timeout;
    dev.tries = (int)tries;
    if ((rc = sgl_dev_open(&dev, port)) < 0)
        return cli_error("device info", rc);
    uint32_t crc = 0;
    rc = sgl_dev_model_crc(&dev, &crc);
    if (rc == 0) {
        const sgl_dev_info *i = &dev.info;
        printf("port: %s\nprotocol: %u\nlanes: %u\nlayers: %u\nneurons: %u\ninputs: %u\n"
               "classes: %u\nhistory_steps: %u\nsg_entries: %u\nmax_payload: %u\n"
               "clock_hz: %u\nmodel_crc: 0x%08x\n", port, i->version, i->lanes, i->layers,
               i->neurons, i->inputs, i->classes, i->hist_steps, i->sg_entries,
               i->max_payload, (unsigned)i->clock_hz, (unsigned)crc);
    }
    sgl_dev_close(&dev);
    return rc < 0 ? cli_error("device info", rc) : SGL_EXIT_OK;
}

int cmd_device(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(HELP, argc < 2 ? stderr : stdout);
        return argc < 2 ? SGL_EXIT_USAGE : SGL_EXIT_OK;
    }
    if (strcmp(argv[1], "info") == 0)
        return device_info(argc - 1, argv + 1);
    return cli_usage_error("device", "unknown device command '%s' (so far: info)", argv[1]);
}
