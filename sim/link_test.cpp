// SPDX-License-Identifier: MIT
// The link's device half (sim/tb_link.v: UART receiver and transmitter, frame decoder and
// encoder) under Verilator against the host's framing code (sw/link.c), through the real UART
// bit timing. Phases, all from one seed:
//   1 decoder: a stream of valid frames, frames with a flipped bit or a changed length, random
//     garbage and silences longer than the timeout; the RTL decoder's events (frame with its
//     fields and payload, CRC error, length error, timeout) must equal sgl_link_feed's, one for
//     one, in order
//   2 encoder: random replies (payload offered with random stalls) decoded by sgl_link_feed
//   3 rate: frames bit-banged at a rate off by +-RATE_OK must all arrive; at +-RATE_BAD some
//     must be lost (the check itself can fail)
//   4 noise: a burst of line flips inside a frame, a silence, then a clean frame must arrive
// Plus-args: +seed=S (default 1), +frames=N (phase 1 chunks, default 3000). Prints
// "link: PASS ..." and exits 0, or the first difference and exits 1.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vtb_link.h"
#include "verilated.h"

extern "C" {
#include "link.h"
#include "rng.h"
}

#ifndef LINK_CLKS
#define LINK_CLKS 12
#endif
#ifndef LINK_MAX_LEN
#define LINK_MAX_LEN 256
#endif
#ifndef LINK_IDLE
#define LINK_IDLE 4000
#endif

static const double RATE_OK = 0.02, RATE_BAD = 0.12;

struct Ev {
    int kind; // sgl_link_event
    uint8_t code = 0, seq = 0;
    uint16_t len = 0;
    std::vector<uint8_t> pay;
};

static std::string ev_str(const Ev &e)
{
    static const char *names[] = {"none", "frame", "bad-crc", "bad-len", "timeout"};
    char b[96];
    if (e.kind == SGL_LINK_FRAME)
        snprintf(b, sizeof b, "frame code %u seq %u len %u", e.code, e.seq, e.len);
    else
        snprintf(b, sizeof b, "%s", names[e.kind]);
    return b;
}

struct Link {
    VerilatedContext *ctx;
    Vtb_link *top;
    uint64_t cycles = 0;
    std::deque<Ev> rtl;            // decoder events seen on the RTL side
    std::vector<uint8_t> d_bytes;  // bytes the host-side UART receiver got (device -> host)
    long rx_errs = 0, d_errs = 0;
    void tick()
    {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        cycles++;
        if (top->ok_o) {
            Ev e;
            e.kind = SGL_LINK_FRAME;
            e.code = top->cmd_o;
            e.seq = top->seq_o;
            e.len = top->len_o;
            read_payload(e);
            rtl.push_back(e);
        }
        if (top->bad_o) {
            Ev e;
            e.kind = top->bad_code_o == 1 ? SGL_LINK_BAD_CRC
                     : top->bad_code_o == 2 ? SGL_LINK_BAD_LEN : SGL_LINK_TIMEOUT;
            rtl.push_back(e);
        }
        if (top->d_valid_o)
            d_bytes.push_back(top->d_data_o);
        rx_errs += top->rx_err_o;
        d_errs += top->d_err_o;
    }
    // read the held payload (registered read: address, clock, data), then release the decoder
    void read_payload(Ev &e)
    {
        for (unsigned i = 0; i < e.len; i++) {
            top->buf_raddr_i = i;
            top->clk_i = 0;
            top->eval();
            top->clk_i = 1;
            top->eval();
            cycles++;
            e.pay.push_back(top->buf_rdata_o);
        }
        top->release_i = 1;
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        cycles++;
        top->release_i = 0;
    }
    void idle(long n)
    {
        for (long i = 0; i < n; i++)
            tick();
    }
    // send bytes through the harness-side UART transmitter, back to back
    void send(const std::vector<uint8_t> &b)
    {
        for (uint8_t x : b) {
            while (!top->h_ready_o)
                tick();
            top->h_data_i = x;
            top->h_valid_i = 1;
            tick();
            top->h_valid_i = 0;
        }
        while (!top->h_ready_o)
            tick();
        idle(3 * 10 * LINK_CLKS); // the last byte through the receiver and the decoder
    }
    // bit-bang bytes on the line at clks_per_bit (fractional) cycles per bit
    void bang(const std::vector<uint8_t> &b, double clks_per_bit)
    {
        top->line_sel_i = 1;
        double t = (double)cycles;
        for (uint8_t x : b) {
            int bits[10] = {0};
            for (int i = 0; i < 8; i++)
                bits[1 + i] = x >> i & 1;
            bits[9] = 1;
            for (int i = 0; i < 10; i++) {
                top->line_i = bits[i];
                t += clks_per_bit;
                while ((double)cycles < t)
                    tick();
            }
        }
        top->line_i = 1;
        idle(3 * 10 * LINK_CLKS);
        top->line_sel_i = 0;
    }
};

static std::vector<uint8_t> rand_bytes(sgl_rng *g, unsigned n)
{
    std::vector<uint8_t> v(n);
    for (auto &x : v)
        x = (uint8_t)sgl_rng_u32(g);
    return v;
}

static std::vector<uint8_t> frame(uint8_t code, uint8_t seq, const std::vector<uint8_t> &pay)
{
    std::vector<uint8_t> f(SGL_LINK_OVERHEAD + pay.size());
    sgl_link_encode(f.data(), code, seq, pay.data(), (uint16_t)pay.size());
    return f;
}

static int fail(const char *what, long at, const std::string &rtl, const std::string &ref)
{
    printf("link: FAIL %s at %ld: rtl %s, reference %s\n", what, at, rtl.c_str(), ref.c_str());
    return 1;
}

int main(int argc, char **argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    uint64_t seed = 1;
    long chunks = 3000;
    const char *a;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a)
        seed = strtoull(a + 6, NULL, 0);
    if ((a = ctx->commandArgsPlusMatch("frames=")) && *a)
        chunks = strtol(a + 8, NULL, 0);
    printf("link: seed %" PRIu64 ", %ld chunks, %d clocks per bit, payload up to %d bytes, "
           "timeout %d cycles\n", seed, chunks, LINK_CLKS, LINK_MAX_LEN, LINK_IDLE);

    Link L;
    L.ctx = ctx.get();
    L.top = new Vtb_link{ctx.get()};
    L.top->rst_i = 1;
    L.top->line_i = 1;
    L.idle(4);
    L.top->rst_i = 0;
    L.idle(4 * 10 * LINK_CLKS);

    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x6c696e6bULL); // "link"
    std::vector<uint8_t> refbuf(LINK_MAX_LEN);
    sgl_link_decoder ref;
    sgl_link_decoder_init(&ref, refbuf.data(), LINK_MAX_LEN);

    // ---- phase 1: the decoder against sgl_link_feed ----------------------------------------
    long counts[5] = {0}, bytes = 0;
    for (long c = 0; c < chunks; c++) {
        unsigned kind = sgl_rng_below(&g, 10);
        std::vector<uint8_t> b;
        bool gap = false;
        if (kind < 5) { // valid frame, sometimes the largest or an empty one
            unsigned n = sgl_rng_below(&g, 4) == 0 ? (sgl_rng_below(&g, 2) ? LINK_MAX_LEN : 0)
                                                   : sgl_rng_below(&g, LINK_MAX_LEN + 1);
            b = frame((uint8_t)sgl_rng_u32(&g), (uint8_t)sgl_rng_u32(&g), rand_bytes(&g, n));
        } else if (kind < 8) { // a frame with one bit flipped (not in SOF) or a changed length
            unsigned n = sgl_rng_below(&g, LINK_MAX_LEN + 1);
            b = frame((uint8_t)sgl_rng_u32(&g), (uint8_t)sgl_rng_u32(&g), rand_bytes(&g, n));
            if (kind == 7) {
                b[3] = (uint8_t)sgl_rng_u32(&g);
                b[4] = (uint8_t)(sgl_rng_below(&g, 3) == 0 ? sgl_rng_u32(&g) : 0);
            } else {
                unsigned at = 1 + sgl_rng_below(&g, (uint32_t)b.size() - 1);
                b[at] ^= (uint8_t)(1u << sgl_rng_below(&g, 8));
            }
        } else if (kind == 8) { // garbage
            b = rand_bytes(&g, 1 + sgl_rng_below(&g, 40));
        } else // silence past the timeout
            gap = true;
        if (gap) {
            L.idle(LINK_IDLE + 20 * LINK_CLKS);
            sgl_link_event e = sgl_link_timeout(&ref);
            if (e != SGL_LINK_NONE) {
                Ev r;
                r.kind = e;
                if (L.rtl.empty() || L.rtl.front().kind != e)
                    return fail("timeout", c, L.rtl.empty() ? "nothing" : ev_str(L.rtl.front()),
                                ev_str(r));
                L.rtl.pop_front();
                counts[e]++;
            }
            continue;
        }
        std::vector<Ev> want;
        for (uint8_t x : b) {
            sgl_link_event e = sgl_link_feed(&ref, x);
            if (e != SGL_LINK_NONE) {
                Ev r;
                r.kind = e;
                if (e == SGL_LINK_FRAME) {
                    r.code = ref.code;
                    r.seq = ref.seq;
                    r.len = ref.len;
                    r.pay.assign(refbuf.begin(), refbuf.begin() + ref.len);
                }
                want.push_back(r);
            }
        }
        L.send(b);
        bytes += (long)b.size();
        for (const Ev &r : want) {
            if (L.rtl.empty())
                return fail("missing event", c, "nothing", ev_str(r));
            Ev h = L.rtl.front();
            L.rtl.pop_front();
            if (h.kind != r.kind || h.code != r.code || h.seq != r.seq || h.len != r.len ||
                h.pay != r.pay)
                return fail("event differs", c, ev_str(h), ev_str(r));
            counts[r.kind]++;
        }
        if (!L.rtl.empty())
            return fail("extra event", c, ev_str(L.rtl.front()), "nothing");
    }
    if (L.rx_errs)
        return fail("UART framing errors on a clean line", 0, std::to_string(L.rx_errs), "0");
    printf("link: decoder: %ld bytes, %ld frames, %ld CRC errors, %ld length errors, %ld "
           "timeouts, %" PRIu64 " bytes skipped, 0 differences\n", bytes, counts[1], counts[2],
           counts[3], counts[4], ref.skipped);

    // ---- phase 2: the encoder, decoded by sgl_link_feed -------------------------------------
    long replies = chunks / 4 + 1;
    sgl_link_decoder_init(&ref, refbuf.data(), LINK_MAX_LEN);
    for (long r = 0; r < replies; r++) {
        unsigned n = sgl_rng_below(&g, 3) == 0 ? 0 : sgl_rng_below(&g, LINK_MAX_LEN + 1);
        std::vector<uint8_t> pay = rand_bytes(&g, n);
        uint8_t code = (uint8_t)sgl_rng_u32(&g), seq = (uint8_t)sgl_rng_u32(&g);
        L.d_bytes.clear();
        L.top->code_i = code;
        L.top->seq_i = seq;
        L.top->len_i = (uint16_t)n;
        L.top->start_i = 1;
        L.tick();
        L.top->start_i = 0;
        unsigned next = 0;
        while (L.top->busy_o) {
            bool offer = next < n && sgl_rng_below(&g, 4) != 0;
            L.top->pay_valid_i = offer;
            L.top->pay_data_i = offer ? pay[next] : 0;
            L.top->eval();
            bool taken = offer && L.top->pay_ready_o;
            L.tick();
            if (taken)
                next++;
        }
        L.top->pay_valid_i = 0;
        L.idle(3 * 10 * LINK_CLKS);
        size_t used = 0;
        sgl_link_event e = sgl_link_feed_buf(&ref, L.d_bytes.data(), L.d_bytes.size(), &used);
        char want[64];
        snprintf(want, sizeof want, "frame code %u seq %u len %u", code, seq, n);
        if (e != SGL_LINK_FRAME || used != L.d_bytes.size() || ref.code != code ||
            ref.seq != seq || ref.len != n || memcmp(refbuf.data(), pay.data(), n) != 0)
            return fail("reply", r, std::to_string(L.d_bytes.size()) + " bytes, event " +
                                        std::to_string(e), want);
    }
    if (L.d_errs)
        return fail("UART framing errors on the reply line", 0, std::to_string(L.d_errs), "0");
    printf("link: encoder: %ld replies decoded, 0 differences\n", replies);

    // ---- phase 3: rate tolerance --------------------------------------------------------------
    const double rates[4] = {1 + RATE_OK, 1 - RATE_OK, 1 + RATE_BAD, 1 - RATE_BAD};
    long got[4] = {0};
    const int per_rate = 40;
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < per_rate; i++) {
            std::vector<uint8_t> pay = rand_bytes(&g, 1 + sgl_rng_below(&g, 64));
            L.rtl.clear();
            L.bang(frame(0x42, (uint8_t)i, pay), LINK_CLKS * rates[k]);
            L.idle(LINK_IDLE + 20 * LINK_CLKS); // abandon whatever a slipped byte started
            for (const Ev &e : L.rtl)
                if (e.kind == SGL_LINK_FRAME && e.pay == pay && e.seq == i)
                    got[k]++;
        }
    }
    printf("link: rate: %+.0f %%: %ld/%d, %+.0f %%: %ld/%d frames; %+.0f %%: %ld/%d, %+.0f %%: "
           "%ld/%d (too far off, must lose some)\n", RATE_OK * 100, got[0], per_rate,
           -RATE_OK * 100, got[1], per_rate, RATE_BAD * 100, got[2], per_rate, -RATE_BAD * 100,
           got[3], per_rate);
    if (got[0] != per_rate || got[1] != per_rate)
        return fail("rate within tolerance", 0, "frames lost", "none lost");
    if (got[2] == per_rate && got[3] == per_rate)
        return fail("rate check cannot fail", 0, "all frames at 12 % off", "some lost");

    // ---- phase 4: noise, then recovery ----------------------------------------------------------
    long recovered = 0, bursts = 50;
    for (long i = 0; i < bursts; i++) {
        std::vector<uint8_t> f = frame(7, (uint8_t)i, rand_bytes(&g, 1 + sgl_rng_below(&g, 200)));
        // send the frame with random flips of the line during it
        L.top->h_data_i = 0;
        size_t pos = 0;
        long flips = 1 + sgl_rng_below(&g, 6);
        std::vector<uint64_t> at;
        for (long k = 0; k < flips; k++)
            at.push_back(L.cycles + 1 + sgl_rng_below(&g, (uint32_t)(f.size() * 10 * LINK_CLKS)));
        while (pos < f.size() || !L.top->h_ready_o) {
            bool flip = false;
            for (uint64_t t : at)
                flip |= L.cycles >= t && L.cycles < t + 1 + (t % (2 * LINK_CLKS));
            L.top->line_flip_i = flip;
            if (pos < f.size() && L.top->h_ready_o) {
                L.top->h_data_i = f[pos++];
                L.top->h_valid_i = 1;
            }
            L.tick();
            L.top->h_valid_i = 0;
        }
        L.top->line_flip_i = 0;
        L.idle(LINK_IDLE + 40 * LINK_CLKS);
        L.rtl.clear();
        std::vector<uint8_t> pay = rand_bytes(&g, 1 + sgl_rng_below(&g, 100));
        L.send(frame(9, (uint8_t)i, pay));
        for (const Ev &e : L.rtl)
            if (e.kind == SGL_LINK_FRAME && e.pay == pay && e.seq == (uint8_t)i)
                recovered++;
    }
    printf("link: noise: %ld bursts, the next clean frame arrived after %ld of them, %ld UART "
           "framing errors seen\n", bursts, recovered, L.rx_errs);
    if (recovered != bursts)
        return fail("recovery after noise", 0, std::to_string(recovered), std::to_string(bursts));
    printf("link: PASS (%" PRIu64 " cycles)\n", L.cycles);
    delete L.top;
    return 0;
}
