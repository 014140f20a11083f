// SPDX-License-Identifier: MIT
// A simulated board, served on a TCP port on loopback or on a pseudo-terminal. Two builds:
//   - byte level (sim/link.mk: build/bin/sglif-board, sglif-board-CONFIG): a Verilator model
//     of a device top with byte streams (rx_byte_i / rx_valid_i in, tx_byte_o / tx_valid_o /
//     tx_ready_i out, as rtl/sglif_link.v with BYTE_IO = 1), one byte a cycle;
//   - pin level (sim/board.mk: build/bin/sglif-board-top-BOARD, BOARD_PINS defined): the board's
//     top module as it goes into the bitstream (rtl/sglif_top_*.v: PLL, reset, UART pins,
//     LEDs), with sim/pll_models.v in place of the PLL primitive. The harness drives the clock
//     pin (one cycle at the PLL's output frequency), keeps the button released, and
//     serializes each byte onto uart_rx_i bit by bit (start bit, 8 data bits LSB first, stop
//     bit, BOARD_CLKS_PER_BIT cycles each: the board table's divider) and deserializes
//     uart_tx_o, sampling mid-bit. It runs the start-up (PLL lock, the 2^16-cycle reset)
//     before it announces itself.
//
//   board --listen tcp:127.0.0.1:PORT | pty [--once] [--drop-replies N] [--leds]
//         [--stuck-bit SEL:ADDR:BIT] [--board NAME]
//
// tcp: PORT 0 takes a free port; the first line printed is "listening on tcp:127.0.0.1:P".
// One client at a time; --once exits when it disconnects. pty: opens a pseudo-terminal in raw
// mode (posix_openpt) and prints "pty: /dev/pts/N"; the host reaches it with --port
// tty:/dev/pts/N (host/transport_tty.c, the code a real FTDI serial port goes through); the
// board keeps the terminal open across clients and runs until it is killed. --drop-replies N
// throws away every Nth reply frame whole (frames are delimited with the host's decoder,
// sw/link.c; a test of the host's retries). --stuck-bit SEL:ADDR:BIT is a fault for the
// self-tests (sglif device selftest): bit BIT of word ADDR of memory select SEL reads as 1, as
// a stuck-at-1 memory cell would (READ_MEM replies that carry that word are changed and
// re-framed; the device itself is not). --leds prints each change of the LEDs on stderr
// (pin level). --board NAME runs build/bin/sglif-board-top-NAME (the program of that board,
// beside this one) unless this program is that board. The clock runs while bytes are in
// flight and for a while after; an idle board sleeps in poll() (at pin level: the lines idle,
// no frame half received, no request being carried out). Exit 0, or 1 with a message (bad
// option, port in use), 2 on a bad command line.
#include <arpa/inet.h>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include BOARD_HEADER
#include "verilated.h"

extern "C" {
#include "link.h"
}

#ifndef BOARD_NAME
#define BOARD_NAME ""
#endif

static int usage(const char *msg)
{
    fprintf(stderr, "board: %s\nusage: board --listen tcp:127.0.0.1:PORT|pty [--once] "
            "[--drop-replies N] [--leds] [--stuck-bit SEL:ADDR:BIT] [--board NAME]\n", msg);
    return 2;
}

// --stuck-bit: the last request seen (a READ_MEM's select, address and count) and the fault
struct StuckBit {
    bool on = false;
    unsigned sel = 0, addr = 0, bit = 0;
    sgl_link_decoder req;
    uint8_t req_pay[65536];
    bool read_mem = false;
    unsigned r_sel = 0, r_addr = 0, r_n = 0;
    void feed(uint8_t b)
    {
        if (on && sgl_link_feed(&req, b) == SGL_LINK_FRAME) {
            read_mem = req.code == 0x03 && req.len == 8; // READ_MEM: sel, 0, u32 addr, u16 n
            r_sel = req_pay[0];
            r_addr = (unsigned)req_pay[2] | (unsigned)req_pay[3] << 8 |
                     (unsigned)req_pay[4] << 16 | (unsigned)req_pay[5] << 24;
            r_n = (unsigned)req_pay[6] | (unsigned)req_pay[7] << 8;
        }
    }
    // a whole reply frame (dec holds it): changed when it carries the stuck word
    bool apply(const sgl_link_decoder &dec, std::string &frame)
    {
        if (!on || !read_mem || dec.code != 0 || r_sel != sel || addr < r_addr ||
            addr >= r_addr + r_n || 2 * (addr - r_addr) + 1 >= dec.len)
            return false;
        dec.payload[2 * (addr - r_addr) + (bit >> 3)] |= (uint8_t)(1u << (bit & 7));
        static uint8_t f[SGL_LINK_OVERHEAD + 65536];
        size_t n = sgl_link_encode(f, dec.code, dec.seq, dec.payload, dec.len);
        frame.assign((const char *)f, n);
        return true;
    }
};

// --board NAME: this program if it is NAME's, else sglif-board-top-NAME beside it
static int run_board(const char *name, int argc, char **argv)
{
    if (!strcmp(name, BOARD_NAME))
        return -1;
    if (!*name || strchr(name, '/'))
        return usage("--board: expected a board of constraints/boards.csv");
    char self[PATH_MAX - 64], prog[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    self[k > 0 ? k : 0] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = 0;
    snprintf(prog, sizeof prog, "%ssglif-board-top-%s", slash ? self : "./", name);
    if (access(prog, X_OK) != 0) {
        fprintf(stderr, "board: --board %s: no simulated board %s (make %s; the boards are "
                "the rows of constraints/boards.csv)\n", name, prog, prog);
        return 1;
    }
    argv[0] = prog;
    execv(prog, argv);
    fprintf(stderr, "board: %s: %s\n", prog, strerror(errno));
    return 1;
}

// the listening side: a TCP socket on loopback, or a pseudo-terminal's master
struct Listener {
    int ls = -1;          // tcp: the listening socket
    int pty = -1;         // pty: the master
    int pty_slave = -1;   // pty: held open, so that a client's close is no hang-up
};

static int open_listener(const char *spec, Listener &l)
{
    if (!strcmp(spec, "pty")) {
        l.pty = posix_openpt(O_RDWR | O_NOCTTY);
        if (l.pty < 0 || grantpt(l.pty) < 0 || unlockpt(l.pty) < 0) {
            fprintf(stderr, "board: pty: %s\n", strerror(errno));
            return 1;
        }
        const char *name = ptsname(l.pty);
        l.pty_slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
        struct termios tio;
        if (l.pty_slave < 0 || tcgetattr(l.pty_slave, &tio) < 0) {
            fprintf(stderr, "board: pty: %s\n", strerror(errno));
            return 1;
        }
        cfmakeraw(&tio);
        cfsetispeed(&tio, B3000000);
        cfsetospeed(&tio, B3000000);
        tcsetattr(l.pty_slave, TCSANOW, &tio);
        fcntl(l.pty, F_SETFL, O_NONBLOCK);
        printf("pty: %s\n", name);
        fflush(stdout);
        return 0;
    }
    if (strncmp(spec, "tcp:", 4))
        return usage("--listen tcp:HOST:PORT or --listen pty is required");
    std::string s(spec + 4);
    size_t colon = s.rfind(':');
    if (colon == std::string::npos)
        return usage("--listen: expected tcp:HOST:PORT");
    std::string host = s.substr(0, colon);
    long port = strtol(s.c_str() + colon + 1, NULL, 10);
    struct sockaddr_in sa = {};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1 ||
        (ntohl(sa.sin_addr.s_addr) >> 24) != 127)
        return usage("--listen: the board listens on loopback only (127.x.x.x)");
    l.ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l.ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l.ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l.ls, 1) < 0) {
        fprintf(stderr, "board: %s: %s\n", spec, strerror(errno));
        return 1;
    }
    socklen_t sl = sizeof sa;
    getsockname(l.ls, (struct sockaddr *)&sa, &sl);
    printf("listening on tcp:%s:%d\n", host.c_str(), ntohs(sa.sin_port));
    fflush(stdout);
    return 0;
}

#if defined(BOARD_PINS) && defined(BOARD_NETLIST)
// a netlist has no internal names: the board is taken as idle after BOARD_NETLIST_IDLE
// cycles with both lines idle (longer than any request's work)
#define LINK_BUSY (quiet < BOARD_NETLIST_IDLE)
#define FRX_STATE 0
#elif defined(BOARD_PINS)
// the top's internal signals the harness may look at to sleep (sim/board.vlt makes them
// public): a request being carried out, the frame decoder's state (0: between frames)
#define BOARD_CAT2(a, b) a##b
#define BOARD_CAT(a, b) BOARD_CAT2(a, b)
#define BOARD_SIG(s) (top->rootp->BOARD_CAT(BOARD_TOP, s))
#define LINK_BUSY BOARD_SIG(__DOT__u_board__DOT__link_busy)
#define FRX_STATE BOARD_SIG(__DOT__u_board__DOT__u_device__DOT__u_link__DOT__u_frx__DOT__state_q)
#include BOARD_ROOT_HEADER
#endif

#ifdef BOARD_PINS
// the LEDs as busy | err << 1 | lock << 2 | blink << 3 (what the board shows)
static unsigned leds(const BOARD_CLASS *top)
{
#ifdef BOARD_LEDS_RG // iCEBreaker: red = error, green = busy, active low
    return (unsigned)!top->led_g_no | (unsigned)!top->led_r_no << 1;
#else
    return (top->led_o & 7u) | ((top->led_o >> 7) & 1u) << 3;
#endif
}
#endif

int main(int argc, char **argv)
{
    const char *listen_spec = NULL;
    bool once = false, show_leds = false;
    long drop_every = 0;
    static StuckBit stuck;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc)
            listen_spec = argv[++i];
        else if (!strcmp(argv[i], "--once"))
            once = true;
        else if (!strcmp(argv[i], "--leds"))
            show_leds = true;
        else if (!strcmp(argv[i], "--drop-replies") && i + 1 < argc)
            drop_every = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--stuck-bit") && i + 1 < argc) {
            if (sscanf(argv[++i], "%u:%u:%u", &stuck.sel, &stuck.addr, &stuck.bit) != 3 ||
                stuck.bit > 15)
                return usage("--stuck-bit: expected SEL:ADDR:BIT (BIT 0..15)");
            stuck.on = true;
            sgl_link_decoder_init(&stuck.req, stuck.req_pay, 65535);
        }
        else if (!strcmp(argv[i], "--board") && i + 1 < argc) {
            int rc = run_board(argv[i + 1], argc, argv);
            if (rc >= 0)
                return rc;
            i++;
        } else if (argv[i][0] == '+')
            ; // Verilator plus-args
        else
            return usage((std::string("unknown option ") + argv[i]).c_str());
    }
    if (!listen_spec)
        return usage("--listen tcp:HOST:PORT or --listen pty is required");
    signal(SIGPIPE, SIG_IGN);

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<BOARD_CLASS>(ctx.get());
    long long cycle = 0;
#ifdef BOARD_PINS
    const int cpb = BOARD_CLKS_PER_BIT;
    // host -> board: the byte being sent (bit 0 the start bit .. bit 9 the stop bit)
    int tx_bit = -1, tx_cnt = 0;
    unsigned tx_frame = 0;
    // board -> host: -1 waiting for a start bit, else the cycles into the byte
    int rx_cnt = -1;
    unsigned rx_byte = 0;
    unsigned led_was = ~0u;
    top->uart_rx_i = 1;
#ifdef BOARD_BTN
    top->rst_ni = 1;
#endif
    auto tick = [&]() {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        cycle++;
        if (show_leds) {
            unsigned l = leds(top.get());
            if ((l & ~9u) != (led_was & ~9u)) { // busy and blink change all the time
#ifdef BOARD_LEDS_RG // no PLL-lock LED
                fprintf(stderr, "board: cycle %lld: LEDs error %u\n", cycle, (l >> 1) & 1);
#else
                fprintf(stderr, "board: cycle %lld: LEDs error %u, PLL lock %u\n", cycle,
                        (l >> 1) & 1, (l >> 2) & 1);
#endif
            }
            led_was = l;
        }
    };
    // the start-up: the PLL's lock, then the reset's 2^16 cycles
    for (int i = 0; i < 70000; i++)
        tick();
#else
    auto tick = [&]() {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        cycle++;
    };
    top->tx_ready_i = 1;
    top->rst_i = 1;
    tick();
    tick();
    top->rst_i = 0;
#endif
    (void)show_leds;

    Listener l;
    int rc = open_listener(listen_spec, l);
    if (rc)
        return rc;
    long replies = 0;
    for (;;) {
        int c = l.pty;
        if (c < 0) {
            c = accept(l.ls, NULL, NULL);
            if (c < 0)
                continue;
            int one = 1;
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        std::deque<uint8_t> in;
        std::string out, frame;
        static uint8_t pay[65536];
        sgl_link_decoder dec;
        sgl_link_decoder_init(&dec, pay, 65535);
        long quiet = 0;          // cycles since the last byte in or out
        uint8_t buf[4096];
        // a byte from the device: into the current reply frame, which goes to the host whole
        auto from_device = [&](uint8_t b) {
            frame.push_back((char)b);
            if (sgl_link_feed(&dec, b) != SGL_LINK_NONE) { // a whole reply frame
                stuck.apply(dec, frame);
                replies++;
                if (!(drop_every > 0 && replies % drop_every == 0))
                    out += frame;
                frame.clear();
            }
            quiet = 0;
        };
        for (;;) {
            // asleep only when nothing is queued, the device is not carrying out a request
            // (MODEL_CRC reads every model word: many cycles without a byte) and 100 000
            // cycles have passed without a byte (the byte-level decoder abandons a cut frame
            // by then; at pin level the frame decoder must be between frames)
#ifdef BOARD_PINS
            bool idle = in.empty() && tx_bit < 0 && rx_cnt < 0 && quiet > 100000 &&
                        !LINK_BUSY && FRX_STATE == 0;
#else
            bool idle = in.empty() && quiet > 100000 && !top->link_busy_o;
#endif
            struct pollfd p = {c, POLLIN, 0};
            int r = poll(&p, 1, idle ? 100 : 0);
            if (r > 0) {
                ssize_t k = read(c, buf, sizeof buf);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                    continue;
                if (k < 0 && errno == EIO && l.pty >= 0) { // no client on the terminal
                    usleep(10000);
                    continue;
                }
                if (k <= 0)
                    break;
                in.insert(in.end(), buf, buf + k);
                for (ssize_t j = 0; j < k; j++)
                    stuck.feed(buf[j]);
                quiet = 0;
            } else if (idle)
                continue;
            // run a burst of cycles
            for (int n = 0; n < 4096; n++) {
#ifdef BOARD_PINS
                // host -> board, bit by bit
                if (tx_bit < 0 && !in.empty()) {
                    tx_frame = 0x200u | (unsigned)in.front() << 1; // stop, data, start
                    in.pop_front();
                    tx_bit = 0;
                    tx_cnt = 0;
                }
                if (tx_bit >= 0) {
                    top->uart_rx_i = (tx_frame >> tx_bit) & 1;
                    if (++tx_cnt == cpb) {
                        tx_cnt = 0;
                        if (++tx_bit == 10)
                            tx_bit = -1;
                    }
                    quiet = 0;
                } else
                    top->uart_rx_i = 1;
                tick();
                quiet++;
                // board -> host: a start bit, then each bit sampled in its middle
                unsigned line = top->uart_tx_o;
                if (rx_cnt < 0) {
                    if (!line) {
                        rx_cnt = 0;
                        rx_byte = 0;
                    }
                } else {
                    rx_cnt++;
                    int bit = (rx_cnt - cpb / 2) / cpb; // 0 start, 1..8 data, 9 stop
                    if ((rx_cnt - cpb / 2) % cpb == 0) {
                        if (bit == 0 && line)
                            rx_cnt = -1; // a glitch, not a start bit
                        else if (bit >= 1 && bit <= 8)
                            rx_byte |= line << (bit - 1);
                        else if (bit == 9) {
                            rx_cnt = -1;
                            if (line)
                                from_device((uint8_t)rx_byte);
                            else
                                fprintf(stderr, "board: cycle %lld: framing error on "
                                        "uart_tx_o\n", cycle);
                        }
                    }
                    quiet = 0;
                }
#else
                top->rx_valid_i = !in.empty();
                if (!in.empty()) {
                    top->rx_byte_i = in.front();
                    in.pop_front();
                }
                tick();
                quiet++;
                if (top->tx_valid_o)
                    from_device(top->tx_byte_o);
#endif
            }
#ifndef BOARD_PINS
            top->rx_valid_i = 0;
#endif
            if (!out.empty()) {
                size_t done = 0;
                while (done < out.size()) {
                    ssize_t k = write(c, out.data() + done, out.size() - done);
                    if (k < 0 && errno == EAGAIN) { // a terminal no one reads: dropped
                        struct pollfd q = {c, POLLOUT, 0};
                        if (poll(&q, 1, 1000) > 0)
                            continue;
                    }
                    if (k < 0)
                        break;
                    done += (size_t)k;
                }
                out.clear();
            }
        }
        if (l.pty >= 0)
            break;
        close(c);
        if (once)
            break;
    }
    if (l.ls >= 0)
        close(l.ls);
    return 0;
}
