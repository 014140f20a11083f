// SPDX-License-Identifier: MIT
// A simulated board: a Verilator model of a device top with byte streams (rx_byte_i /
// rx_valid_i in, tx_byte_o / tx_valid_o / tx_ready_i out, as rtl/sglif_link.v with BYTE_IO = 1)
// served on a TCP port on loopback, carrying the bytes the USB chip's UART would carry. Built
// for a top named by BOARD_TOP (its Verilated class BOARD_CLASS and header BOARD_HEADER).
//
//   board --listen tcp:127.0.0.1:PORT [--once] [--drop-replies N] [--seed S]
//
// PORT 0 takes a free port; the first line printed is "listening on tcp:127.0.0.1:P". One
// client at a time; --once exits when it disconnects. --drop-replies N throws away every Nth
// reply frame whole (frames are delimited with the host's decoder, sw/link.c; a test of the
// host's retries). The clock runs while bytes are in flight and for a while after; an idle board
// sleeps in poll() (the top's link_busy_o tells when a request is being carried out). Exit
// 0, or 1 with a message (bad option, port in use).
#include <arpa/inet.h>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include BOARD_HEADER
#include "verilated.h"

extern "C" {
#include "link.h"
}

static int usage(const char *msg)
{
    fprintf(stderr, "board: %s\nusage: board --listen tcp:127.0.0.1:PORT [--once] "
            "[--drop-replies N]\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    const char *listen_spec = NULL;
    bool once = false;
    long drop_every = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc)
            listen_spec = argv[++i];
        else if (!strcmp(argv[i], "--once"))
            once = true;
        else if (!strcmp(argv[i], "--drop-replies") && i + 1 < argc)
            drop_every = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] == '+')
            ; // Verilator plus-args
        else
            return usage((std::string("unknown option ") + argv[i]).c_str());
    }
    if (!listen_spec || strncmp(listen_spec, "tcp:", 4))
        return usage("--listen tcp:HOST:PORT is required");
    std::string spec(listen_spec + 4);
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos)
        return usage("--listen: expected tcp:HOST:PORT");
    std::string host = spec.substr(0, colon);
    long port = strtol(spec.c_str() + colon + 1, NULL, 10);
    struct sockaddr_in sa = {};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1 ||
        (ntohl(sa.sin_addr.s_addr) >> 24) != 127)
        return usage("--listen: the board listens on loopback only (127.x.x.x)");
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 1) < 0) {
        fprintf(stderr, "board: %s: %s\n", listen_spec, strerror(errno));
        return 1;
    }
    socklen_t sl = sizeof sa;
    getsockname(ls, (struct sockaddr *)&sa, &sl);
    printf("listening on tcp:%s:%d\n", host.c_str(), ntohs(sa.sin_port));
    fflush(stdout);
    signal(SIGPIPE, SIG_IGN);

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<BOARD_CLASS>(ctx.get());
    auto tick = [&]() {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
    };
    top->tx_ready_i = 1;
    top->rst_i = 1;
    tick();
    tick();
    top->rst_i = 0;

    long replies = 0;
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::deque<uint8_t> in;
        std::string out, frame;
        static uint8_t pay[65536];
        sgl_link_decoder dec;
        sgl_link_decoder_init(&dec, pay, 65535);
        long quiet = 0;          // cycles since the last byte in or out
        uint8_t buf[4096];
        for (;;) {
            // asleep only when nothing is queued, the device is not carrying out a request
            // (MODEL_CRC reads every model word: many cycles without a byte) and 100 000
            // cycles have passed without a byte (the decoder abandons a cut frame by then)
            bool idle = in.empty() && quiet > 100000 && !top->link_busy_o;
            struct pollfd p = {c, POLLIN, 0};
            int r = poll(&p, 1, idle ? 100 : 0);
            if (r > 0) {
                ssize_t k = read(c, buf, sizeof buf);
                if (k <= 0)
                    break;
                in.insert(in.end(), buf, buf + k);
                quiet = 0;
            } else if (idle)
                continue;
            // run a burst of cycles: one input byte per cycle while there are some
            for (int n = 0; n < 4096; n++) {
                top->rx_valid_i = !in.empty();
                if (!in.empty()) {
                    top->rx_byte_i = in.front();
                    in.pop_front();
                }
                tick();
                quiet++;
                if (top->tx_valid_o) {
                    uint8_t b = top->tx_byte_o;
                    frame.push_back((char)b);
                    if (sgl_link_feed(&dec, b) != SGL_LINK_NONE) { // a whole reply frame
                        replies++;
                        if (!(drop_every > 0 && replies % drop_every == 0))
                            out += frame;
                        frame.clear();
                    }
                    quiet = 0;
                }
            }
            top->rx_valid_i = 0;
            if (!out.empty()) {
                if (write(c, out.data(), out.size()) < 0)
                    break;
                out.clear();
            }
        }
        close(c);
        if (once)
            break;
    }
    close(ls);
    return 0;
}
