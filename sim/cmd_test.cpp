// SPDX-License-Identifier: MIT
// The device's command executor (rtl/sglif_cmd.v inside rtl/sglif_link.v, byte streams) over
// the behavioural memory of sim/tb_cmd.v, against a mirror of that memory kept here. From one
// seed:
//   1 IDENTIFY gives the 34 bytes of the build
//   2 random WRITE_MEM / READ_MEM / MODEL_CRC: every write the memory sees is the one expected,
//     every read and CRC equals the mirror's
//   3 every malformed request (length, select, range, command) gets its error status and
//     writes nothing
//   4 a retry with the seq of the last write is answered DUP and not applied again
//   5 damaged frames (a flipped bit, a cut, garbage, a length above MAX_LEN): an error reply
//     or silence, never a write; afterwards the device answers and MODEL_CRC is unchanged
//   6 RUN and READ_HISTORY over the behavioural history of sim/tb_cmd.v (600 neurons, 2
//     layers, 4 steps): every RUN restarts the history (with or without its clear flag), only
//     its last step is started with core_last_o (the core's argmax scan), its answered cycles
//     are sgl_run_cycles' (every executor cycle: both walks, the clear, the steps; here also
//     random RUNs of up to 24 steps), the
//     steps recorded are those of the latest RUN (at most 4); random READ_HISTORY replies equal
//     the expected bytes (z bits, then codes); every refusal (length, layer, step, range, n = 0,
//     a reply above MAX_PAYLOAD, the core busy) gets its status and does nothing
// Plus-args: +seed=S, +ops=N (phase 2), +frames=N (phase 5). Exit 0 and "cmd: PASS", or 1.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include <zlib.h>

#include "Vtb_cmd.h"
#include "verilated.h"

extern "C" {
#include "core_map.h"
#include "link.h"
#include "rng.h"
#include "sglif_protocol.h"
}

static const int MAX_LEN = 256;
static const unsigned DEPTH[4] = {300, 77, 16, 0};

struct Dev {
    Vtb_cmd *top;
    uint64_t cycles = 0;
    std::vector<uint16_t> mem[3];
    struct W { int sel; unsigned addr; uint16_t data; };
    std::vector<W> writes;       // every write the memory saw
    long soft_resets = 0;
    long clears = 0, starts = 0, hist_clears = 0;
    std::vector<int> lasts;      // core_last_o at every step's start
    sgl_link_decoder dec;
    uint8_t pay[70000];
    void tick()
    {
        top->clk_i = 0;
        top->eval();
        if (top->mem_we_o)
            writes.push_back({top->mem_sel_o, top->mem_addr_o, (uint16_t)top->mem_wdata_o});
        soft_resets += top->soft_rst_o;
        clears += top->core_clear_o;
        starts += top->core_start_o;
        if (top->core_start_o)
            lasts.push_back(top->core_last_o);
        hist_clears += top->hist_clear_o;
        top->clk_i = 1;
        top->eval();
        cycles++;
    }
    // send bytes (one per cycle) and wait for a reply: its event, or NONE after `quiet` cycles
    // without a byte from the device
    sgl_link_event transact(const std::vector<uint8_t> &b, long quiet = 3000)
    {
        sgl_link_decoder_init(&dec, pay, sizeof pay > 65535 ? 65535 : sizeof pay);
        for (uint8_t x : b) {
            top->rx_byte_i = x;
            top->rx_valid_i = 1;
            tick();
            if (top->tx_valid_o) { // replies can start before the request ends (garbage)
                sgl_link_event e = sgl_link_feed(&dec, top->tx_byte_o);
                if (e != SGL_LINK_NONE) {
                    top->rx_valid_i = 0;
                    return e;
                }
            }
        }
        top->rx_valid_i = 0;
        long idle = 0;
        while (idle < quiet) {
            tick();
            idle++;
            if (top->tx_valid_o) {
                idle = 0;
                sgl_link_event e = sgl_link_feed(&dec, top->tx_byte_o);
                if (e != SGL_LINK_NONE)
                    return e;
            }
        }
        return SGL_LINK_NONE;
    }
    uint32_t model_crc() const
    {
        uint32_t c = 0;
        for (int s = 0; s < 2; s++)
            for (uint16_t w : mem[s]) {
                uint8_t b[2] = {(uint8_t)w, (uint8_t)(w >> 8)};
                c = (uint32_t)crc32(c, b, 2);
            }
        return c;
    }
};

static std::vector<uint8_t> frame(uint8_t cmd, uint8_t seq, const std::vector<uint8_t> &p)
{
    std::vector<uint8_t> f(SGL_LINK_OVERHEAD + p.size());
    sgl_link_encode(f.data(), cmd, seq, p.data(), (uint16_t)p.size());
    return f;
}

static std::vector<uint8_t> mem_hdr(int sel, uint32_t addr)
{
    return {(uint8_t)sel, 0, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
            (uint8_t)(addr >> 24)};
}

// the behavioural history of sim/tb_cmd.v: {z, code} of neuron i of layer l at step t after
// `epoch` clears
static const unsigned H_N = 600, H_STEPS = 4;
static uint32_t hist_word(unsigned l, unsigned t, unsigned i, unsigned epoch)
{
    uint32_t a = (uint32_t)(l << 12 | t << 10 | i);
    uint32_t h = (a ^ (uint32_t)(epoch & 0xFFFF) << 16) * 0x9E3779B1u;
    return h >> 15;
}
// the READ_HISTORY reply: ceil(n / 8) bytes of z bits, then n codes (u16)
static std::vector<uint8_t> hist_reply(unsigned l, unsigned t, unsigned first, unsigned n,
                                       unsigned epoch)
{
    std::vector<uint8_t> r((n + 7) / 8, 0);
    for (unsigned k = 0; k < n; k++)
        if (hist_word(l, t, first + k, epoch) >> 16)
            r[k / 8] |= (uint8_t)(1u << (k % 8));
    for (unsigned k = 0; k < n; k++) {
        uint32_t w = hist_word(l, t, first + k, epoch);
        r.push_back((uint8_t)w);
        r.push_back((uint8_t)(w >> 8));
    }
    return r;
}
static std::vector<uint8_t> hist_req(unsigned l, unsigned t, unsigned first, unsigned n)
{
    return {(uint8_t)l, 0, (uint8_t)t, (uint8_t)(t >> 8), (uint8_t)first, (uint8_t)(first >> 8),
            (uint8_t)n, (uint8_t)(n >> 8)};
}

static int failures = 0;
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("cmd: FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)

int main(int argc, char **argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    uint64_t seed = 1;
    long ops = 2000, frames = 20000;
    const char *a;
    if ((a = ctx->commandArgsPlusMatch("seed=")) && *a)
        seed = strtoull(a + 6, NULL, 0);
    if ((a = ctx->commandArgsPlusMatch("ops=")) && *a)
        ops = strtol(a + 5, NULL, 0);
    if ((a = ctx->commandArgsPlusMatch("frames=")) && *a)
        frames = strtol(a + 8, NULL, 0);
    printf("cmd: seed %" PRIu64 ", %ld operations, %ld damaged frames\n", seed, ops, frames);
    sgl_rng g;
    sgl_rng_seed(&g, seed, 0x636d64ULL); // "cmd"

    Dev d;
    d.top = new Vtb_cmd{ctx.get()};
    d.top->tx_ready_i = 1;
    d.top->rst_i = 1;
    d.tick();
    d.tick();
    d.top->rst_i = 0;
    for (int s = 0; s < 3; s++)
        d.mem[s].assign(DEPTH[s], 0);
    uint8_t seq = 0;

    // ---- 1 IDENTIFY ---------------------------------------------------------------------
    CHECK(d.transact(frame(SGL_CMD_IDENTIFY, ++seq, {})) == SGL_LINK_FRAME, "no IDENTIFY reply");
    CHECK(d.dec.code == SGL_ST_OK && d.dec.seq == seq && d.dec.len == 34, "IDENTIFY: status %d len %d",
          d.dec.code, d.dec.len);
    const uint8_t ident[34] = {SGL_PROTOCOL_VERSION, 0, 1, 0, 1, 0, 16, 0, 8, 0, 4, 0, 8, 0, 0, 1, 0, 1,
                               0x00, 0x1B, 0xB7, 0x00, 0, 0}; // ..., 256, MAX_LEN 256, 12 MHz, no engine
    for (int i = 0; i < 34; i++)
        CHECK(d.pay[i] == ident[i], "IDENTIFY byte %d is %d, want %d", i, d.pay[i], ident[i]);

    // ---- 2 writes, reads, CRCs against the mirror --------------------------------------------
    long n_wr = 0, n_rd = 0, n_crc = 0, words = 0;
    for (long op = 0; op < ops; op++) {
        unsigned kind = sgl_rng_below(&g, 10);
        int sel = (int)sgl_rng_below(&g, 3);
        unsigned dep = DEPTH[sel];
        unsigned addr = sgl_rng_below(&g, dep + 1);
        unsigned n = sgl_rng_below(&g, dep - addr + 1);
        if (kind < 5) {
            n = n > (MAX_LEN - 6) / 2 ? (MAX_LEN - 6) / 2 : n;
            std::vector<uint8_t> p = mem_hdr(sel, addr);
            std::vector<uint16_t> w(n);
            for (auto &x : w) {
                x = (uint16_t)sgl_rng_u32(&g);
                p.push_back((uint8_t)x);
                p.push_back((uint8_t)(x >> 8));
            }
            d.writes.clear();
            CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, ++seq, p)) == SGL_LINK_FRAME, "no reply to WRITE_MEM op %ld sel %d addr %u n %u", op, sel, addr, n);
            CHECK(d.dec.code == SGL_ST_OK && d.dec.len == 0, "WRITE_MEM sel %d addr %u n %u: %s",
                  sel, addr, n, sgl_status_name(d.dec.code));
            CHECK(d.writes.size() == n, "WRITE_MEM: %zu writes for %u words", d.writes.size(), n);
            for (unsigned i = 0; i < n; i++) {
                CHECK(d.writes[i].sel == sel && d.writes[i].addr == addr + i &&
                      d.writes[i].data == w[i], "write %u: sel %d addr %u data %04x, want %d %u %04x",
                      i, d.writes[i].sel, d.writes[i].addr, d.writes[i].data, sel, addr + i, w[i]);
                d.mem[sel][addr + i] = w[i];
            }
            n_wr++;
            words += n;
        } else if (kind < 9) {
            std::vector<uint8_t> p = mem_hdr(sel, addr);
            p.push_back((uint8_t)n);
            p.push_back((uint8_t)(n >> 8));
            sgl_link_event ev = d.transact(frame(SGL_CMD_READ_MEM, ++seq, p));
            CHECK(ev == SGL_LINK_FRAME, "no reply to READ_MEM op %ld sel %d addr %u n %u: event %d, %" PRIu64 " bytes skipped, state %d", op, sel, addr, n, ev, d.dec.skipped, d.dec.state);
            CHECK(d.dec.code == SGL_ST_OK && d.dec.len == 2 * n, "READ_MEM: %s len %d",
                  sgl_status_name(d.dec.code), d.dec.len);
            for (unsigned i = 0; i < n; i++) {
                uint16_t got = (uint16_t)(d.pay[2 * i] | d.pay[2 * i + 1] << 8);
                CHECK(got == d.mem[sel][addr + i], "READ_MEM sel %d addr %u: %04x, mirror %04x",
                      sel, addr + i, got, d.mem[sel][addr + i]);
            }
            n_rd++;
        } else {
            CHECK(d.transact(frame(SGL_CMD_MODEL_CRC, ++seq, {})) == SGL_LINK_FRAME, "no reply");
            uint32_t got = (uint32_t)(d.pay[0] | d.pay[1] << 8 | d.pay[2] << 16 | (uint32_t)d.pay[3] << 24);
            CHECK(d.dec.code == SGL_ST_OK && d.dec.len == 4 && got == d.model_crc(),
                  "MODEL_CRC %08x, mirror %08x", got, d.model_crc());
            n_crc++;
        }
    }
    printf("cmd: %ld writes (%ld words), %ld reads, %ld CRCs equal the mirror\n", n_wr, words,
           n_rd, n_crc);

    // ---- 3 malformed requests: their status, no write -----------------------------------------
    struct Bad { const char *what; uint8_t cmd; std::vector<uint8_t> p; int st; };
    std::vector<uint8_t> rd_hdr = mem_hdr(0, 0);
    std::vector<Bad> bad = {
        {"write to a select that does not exist", SGL_CMD_WRITE_MEM, mem_hdr(3, 0), SGL_ST_ERR_ADDR},
        {"write to select 9", SGL_CMD_WRITE_MEM, mem_hdr(9, 0), SGL_ST_ERR_ADDR},
        {"write past the end", SGL_CMD_WRITE_MEM, mem_hdr(2, 15), SGL_ST_ERR_ADDR},
        {"write from past the end", SGL_CMD_WRITE_MEM, mem_hdr(2, 17), SGL_ST_ERR_ADDR},
        {"write at 2^32 - 1", SGL_CMD_WRITE_MEM, mem_hdr(0, 0xFFFFFFFFu), SGL_ST_ERR_ADDR},
        {"write, odd length", SGL_CMD_WRITE_MEM, mem_hdr(0, 0), SGL_ST_ERR_LEN},
        {"write, short header", SGL_CMD_WRITE_MEM, {0, 0, 0}, SGL_ST_ERR_LEN},
        {"read, short", SGL_CMD_READ_MEM, rd_hdr, SGL_ST_ERR_LEN},
        {"read past the end", SGL_CMD_READ_MEM, {1, 0, 70, 0, 0, 0, 8, 0}, SGL_ST_ERR_ADDR},
        {"read a select that does not exist", SGL_CMD_READ_MEM, {3, 0, 0, 0, 0, 0, 1, 0}, SGL_ST_ERR_ADDR},
        {"identify with a payload", SGL_CMD_IDENTIFY, {1}, SGL_ST_ERR_LEN},
        {"model CRC with a payload", SGL_CMD_MODEL_CRC, {1, 2}, SGL_ST_ERR_LEN},
        {"soft reset with a payload", SGL_CMD_SOFT_RESET, {0}, SGL_ST_ERR_LEN},
        {"unknown command", 0x77, {}, SGL_ST_ERR_CMD},
        {"TRAIN without an engine", SGL_CMD_TRAIN, {0, 0}, SGL_ST_ERR_CMD},
        {"UPDATE without an engine", SGL_CMD_UPDATE, {1, 0}, SGL_ST_ERR_CMD},
        {"READ_STATS without an engine", SGL_CMD_READ_STATS, {0, 0}, SGL_ST_ERR_CMD},
    };
    bad[2].p.push_back(1); bad[2].p.push_back(0); bad[2].p.push_back(2); bad[2].p.push_back(0); // 2 words at 15
    bad[3].p.push_back(0); bad[3].p.push_back(0);
    bad[5].p.push_back(1); // odd
    uint32_t crc0 = d.model_crc();
    for (const Bad &b : bad) {
        d.writes.clear();
        CHECK(d.transact(frame(b.cmd, ++seq, b.p)) == SGL_LINK_FRAME, "%s: no reply", b.what);
        CHECK(d.dec.code == b.st, "%s: %s, want %s", b.what, sgl_status_name(d.dec.code),
              sgl_status_name(b.st));
        CHECK(d.writes.empty() && d.soft_resets == 0, "%s: %zu writes", b.what, d.writes.size());
    }
    printf("cmd: %zu malformed requests: each its error status, no write\n", bad.size());

    // ---- 4 retries ---------------------------------------------------------------------------
    {
        std::vector<uint8_t> p1 = mem_hdr(2, 3), p2 = mem_hdr(2, 3);
        p1.push_back(0x34); p1.push_back(0x12);
        p2.push_back(0x78); p2.push_back(0x56);
        uint8_t s = ++seq;
        d.writes.clear();
        CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, s, p1)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK, "write");
        CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, s, p1)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_DUP,
              "retry: %s", sgl_status_name(d.dec.code));
        CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, s, p2)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_DUP, "retry 2");
        CHECK(d.writes.size() == 1 && d.writes[0].data == 0x1234, "%zu writes", d.writes.size());
        d.mem[2][3] = 0x1234;
        // a read with that seq is carried out
        std::vector<uint8_t> r = mem_hdr(2, 3);
        r.push_back(1); r.push_back(0);
        CHECK(d.transact(frame(SGL_CMD_READ_MEM, s, r)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK &&
              d.pay[0] == 0x34 && d.pay[1] == 0x12, "read with the last seq");
        uint8_t s2 = ++seq;
        CHECK(d.transact(frame(SGL_CMD_SOFT_RESET, s2, {})) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK, "reset");
        CHECK(d.transact(frame(SGL_CMD_SOFT_RESET, s2, {})) == SGL_LINK_FRAME && d.dec.code == SGL_ST_DUP, "reset retry");
        CHECK(d.soft_resets == 1, "%ld soft resets", d.soft_resets);
        d.soft_resets = 0;
    }
    { // seq wraps: a write, 255 reads, then a new write whose seq equals the first's
        std::vector<uint8_t> p = mem_hdr(2, 5);
        p.push_back(0x01); p.push_back(0x00);
        uint8_t s = ++seq;
        CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, s, p)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK, "write");
        for (int i = 0; i < 255; i++)
            CHECK(d.transact(frame(SGL_CMD_MODEL_CRC, ++seq, {})) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK, "crc");
        p[6] = 0x02;
        d.writes.clear();
        CHECK((uint8_t)(seq + 1) == s, "seq did not wrap");
        CHECK(d.transact(frame(SGL_CMD_WRITE_MEM, ++seq, p)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK,
              "a new write with a wrapped seq: %s", sgl_status_name(d.dec.code));
        CHECK(d.writes.size() == 1, "%zu writes", d.writes.size());
        d.mem[2][5] = 0x0002;
    }
    printf("cmd: retries answered DUP and not applied again (write, soft reset); a new write "
           "after the seq wrapped is applied\n");

    // ---- 5 damaged frames ----------------------------------------------------------------------
    long replies[8] = {0}, silent = 0;
    crc0 = d.model_crc();
    d.writes.clear();
    for (long f = 0; f < frames; f++) {
        std::vector<uint8_t> p = mem_hdr((int)sgl_rng_below(&g, 3), sgl_rng_below(&g, 16));
        unsigned n = 1 + sgl_rng_below(&g, 40);
        for (unsigned i = 0; i < 2 * n; i++)
            p.push_back((uint8_t)sgl_rng_u32(&g));
        std::vector<uint8_t> b = frame(SGL_CMD_WRITE_MEM, ++seq, p);
        unsigned how = sgl_rng_below(&g, 4);
        if (how == 0) // a flipped bit after SOF
            b[1 + sgl_rng_below(&g, (uint32_t)b.size() - 1)] ^= (uint8_t)(1u << sgl_rng_below(&g, 8));
        else if (how == 1) // cut short
            b.resize(1 + sgl_rng_below(&g, (uint32_t)b.size() - 1));
        else if (how == 2) { // garbage
            b.resize(1 + sgl_rng_below(&g, 60));
            for (auto &x : b)
                x = (uint8_t)sgl_rng_u32(&g);
        } else { // a length above MAX_LEN
            b[3] = (uint8_t)(MAX_LEN + 1 + sgl_rng_below(&g, 200));
            b[4] = 1;
        }
        sgl_link_event e = d.transact(b, 2500); // past the decoder's 2000-cycle timeout
        if (e == SGL_LINK_FRAME)
            replies[d.dec.code & 7]++;
        else
            silent++;
    }
    CHECK(d.writes.empty(), "%zu writes from damaged frames", d.writes.size());
    CHECK(replies[SGL_ST_OK] == 0 && replies[SGL_ST_DUP] == 0, "a damaged frame was carried out");
    CHECK(d.transact(frame(SGL_CMD_IDENTIFY, ++seq, {})) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK,
          "no answer after the damaged frames");
    CHECK(d.transact(frame(SGL_CMD_MODEL_CRC, ++seq, {})) == SGL_LINK_FRAME, "no CRC");
    uint32_t got = (uint32_t)(d.pay[0] | d.pay[1] << 8 | d.pay[2] << 16 | (uint32_t)d.pay[3] << 24);
    CHECK(got == crc0, "MODEL_CRC %08x after the damaged frames, %08x before", got, crc0);
    printf("cmd: %ld damaged frames: %ld ERR_CRC, %ld ERR_LEN, %ld ERR_CMD/ADDR, %ld silent; "
           "no write, MODEL_CRC %08x unchanged, still answering\n", frames, replies[SGL_ST_ERR_CRC],
           replies[SGL_ST_ERR_LEN], replies[SGL_ST_ERR_CMD] + replies[SGL_ST_ERR_ADDR], silent, got);
    // ---- 6 RUN and READ_HISTORY ----------------------------------------------------------------
    {
        unsigned epoch = 0, steps = 0; // the history's contents and steps, as expected
        uint64_t run_cycles = 0;       // RUN's answers, summed
        long n_runs = 0;
        long n_ok = 0, n_refused = 0, hbytes = 0;
        // a READ_HISTORY answered OK with exactly the expected bytes
        auto read_ok = [&](unsigned l, unsigned t, unsigned first, unsigned n) -> int {
            d.writes.clear();
            d.lasts.clear();
            long c0 = d.clears, s0 = d.starts, h0 = d.hist_clears;
            CHECK(d.transact(frame(SGL_CMD_READ_HISTORY, ++seq, hist_req(l, t, first, n)), 20000) ==
                      SGL_LINK_FRAME, "READ_HISTORY %u %u %u %u: no reply", l, t, first, n);
            std::vector<uint8_t> want = hist_reply(l, t, first, n, epoch);
            CHECK(d.dec.code == SGL_ST_OK && d.dec.seq == seq && d.dec.len == want.size(),
                  "READ_HISTORY layer %u step %u first %u n %u: %s, %d bytes, want OK, %zu", l, t,
                  first, n, sgl_status_name(d.dec.code), d.dec.len, want.size());
            for (size_t i = 0; i < want.size(); i++)
                CHECK(d.pay[i] == want[i], "READ_HISTORY layer %u step %u first %u n %u: byte %zu "
                      "is %02x, want %02x", l, t, first, n, i, d.pay[i], want[i]);
            CHECK(d.writes.empty() && d.clears == c0 && d.starts == s0 && d.hist_clears == h0,
                  "READ_HISTORY changed something");
            n_ok++;
            hbytes += (long)want.size();
            return 0;
        };
        // a request refused with status st, which does nothing
        auto refused = [&](uint8_t cmd, const std::vector<uint8_t> &p, int st, const char *what) -> int {
            d.writes.clear();
            d.lasts.clear();
            long c0 = d.clears, s0 = d.starts, h0 = d.hist_clears;
            CHECK(d.transact(frame(cmd, ++seq, p)) == SGL_LINK_FRAME, "%s: no reply", what);
            CHECK(d.dec.code == st && d.dec.len == 0, "%s: %s, want %s", what,
                  sgl_status_name(d.dec.code), sgl_status_name(st));
            CHECK(d.writes.empty() && d.clears == c0 && d.starts == s0 && d.hist_clears == h0,
                  "%s: it changed something", what);
            n_refused++;
            return 0;
        };
        // a RUN of the given steps' channels; its history clear, clear and steps are checked
        auto run = [&](bool clear, const std::vector<std::vector<uint16_t>> &st) -> int {
            std::vector<uint8_t> p = {(uint8_t)clear, 0};
            size_t nev = 0;
            for (const auto &s : st) {
                p.push_back((uint8_t)s.size());
                p.push_back((uint8_t)(s.size() >> 8));
                for (uint16_t c : s) {
                    p.push_back((uint8_t)c);
                    p.push_back((uint8_t)(c >> 8));
                }
                nev += s.size();
            }
            d.writes.clear();
            d.lasts.clear();
            long c0 = d.clears, s0 = d.starts, h0 = d.hist_clears;
            CHECK(d.transact(frame(SGL_CMD_RUN, ++seq, p)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK &&
                      d.dec.len == 4, "RUN of %zu steps: %s", st.size(), sgl_status_name(d.dec.code));
            CHECK(d.hist_clears == h0 + 1, "RUN (clear flag %d): %ld history clears, want 1", clear,
                  d.hist_clears - h0);
            // its cycles: every executor cycle from the request's take to its reply's decision,
            // both walks of the payload included (sgl_run_cycles); sim/tb_cmd.v's core clears in
            // 1 cycle and runs a step of n events in n + 1
            uint64_t core = 0;
            for (const auto &s : st)
                core += s.size() + 1;
            const uint64_t want = sgl_run_cycles(p.size(), st.size(), core, clear, 1);
            const uint32_t got = (uint32_t)d.pay[0] | (uint32_t)d.pay[1] << 8 |
                                 (uint32_t)d.pay[2] << 16 | (uint32_t)d.pay[3] << 24;
            CHECK(got == want, "RUN of %zu steps, %zu events, %zu bytes (clear flag %d): %u cycles, "
                  "want %" PRIu64, st.size(), nev, p.size(), clear, got, want);
            run_cycles += got;
            n_runs++;
            CHECK(d.clears == c0 + (clear ? 1 : 0) && d.starts == s0 + (long)st.size() &&
                      d.writes.size() == nev, "RUN: %ld clears, %ld steps, %zu event writes",
                  d.clears - c0, d.starts - s0, d.writes.size());
            // only the RUN's last step is started as its last (the core's argmax scan)
            for (size_t k = 0; k < d.lasts.size(); k++)
                CHECK(d.lasts[k] == (k + 1 == st.size()), "RUN of %zu steps: step %zu started with "
                      "core_last_o %d", st.size(), k, d.lasts[k]);
            epoch++;
            steps = st.size() < H_STEPS ? (unsigned)st.size() : H_STEPS;
            return 0;
        };
        std::vector<uint8_t> good = hist_req(0, 0, 0, 8);
        if (refused(SGL_CMD_READ_HISTORY, good, SGL_ST_ERR_ADDR, "READ_HISTORY before any RUN"))
            return 1;
        if (run(true, {{2}, {}, {7, 3}}))
            return 1;
        // the edges, then random windows
        const unsigned edge[][4] = {{0, 0, 0, 1}, {1, 2, 599, 1}, {0, 1, 0, 8}, {1, 0, 3, 9},
                                    {0, 2, 592, 8}, {1, 1, 100, 17}, {0, 0, 0, 481}, {1, 2, 119, 481},
                                    {0, 1, 0, 255}, {1, 0, 344, 256}};
        for (const auto &e : edge)
            if (read_ok(e[0], e[1], e[2], e[3]))
                return 1;
        for (int i = 0; i < 200; i++) {
            unsigned l = sgl_rng_below(&g, 2), t = sgl_rng_below(&g, steps);
            unsigned first = sgl_rng_below(&g, H_N);
            unsigned n = 1 + sgl_rng_below(&g, H_N - first);
            n = n > 481 ? 481 : n;
            if (read_ok(l, t, first, n))
                return 1;
        }
        struct { const char *what; std::vector<uint8_t> p; int st; } hb[] = {
            {"READ_HISTORY of layer 2 (L = 2)", hist_req(2, 0, 0, 1), SGL_ST_ERR_ADDR},
            {"READ_HISTORY of layer 255", hist_req(255, 0, 0, 1), SGL_ST_ERR_ADDR},
            {"READ_HISTORY of step 3 after a RUN of 3", hist_req(0, 3, 0, 1), SGL_ST_ERR_ADDR},
            {"READ_HISTORY of step 65535", hist_req(0, 0xFFFF, 0, 1), SGL_ST_ERR_ADDR},
            {"READ_HISTORY of n = 0", hist_req(0, 0, 0, 0), SGL_ST_ERR_ADDR},
            {"READ_HISTORY past the last neuron", hist_req(0, 0, 599, 2), SGL_ST_ERR_ADDR},
            {"READ_HISTORY from neuron N", hist_req(1, 0, 600, 1), SGL_ST_ERR_ADDR},
            {"READ_HISTORY first + n wrapping 16 bits", hist_req(0, 0, 0xFFFF, 0xFFFF), SGL_ST_ERR_ADDR},
            {"READ_HISTORY of 482 neurons (a reply of 1025 bytes)", hist_req(0, 0, 0, 482), SGL_ST_ERR_LEN},
            {"READ_HISTORY of 600 neurons (1875 bytes)", hist_req(1, 2, 0, 600), SGL_ST_ERR_LEN},
            {"READ_HISTORY, 7 bytes", {0, 0, 0, 0, 0, 0, 1}, SGL_ST_ERR_LEN},
            {"READ_HISTORY, 9 bytes", {0, 0, 0, 0, 0, 0, 1, 0, 0}, SGL_ST_ERR_LEN},
            {"READ_HISTORY, no payload", {}, SGL_ST_ERR_LEN},
        };
        for (const auto &b : hb)
            if (refused(SGL_CMD_READ_HISTORY, b.p, b.st, b.what))
                return 1;
        d.top->core_busy_i = 1;
        if (refused(SGL_CMD_READ_HISTORY, good, SGL_ST_ERR_BUSY, "READ_HISTORY while the core runs"))
            return 1;
        d.top->core_busy_i = 0;
        // a window without the clear flag: the history restarts at step 0 with this RUN's step
        if (run(false, {{1, 5}}))
            return 1;
        if (refused(SGL_CMD_READ_HISTORY, hist_req(0, 1, 0, 1), SGL_ST_ERR_ADDR,
                    "READ_HISTORY of step 1 after a RUN of 1"))
            return 1;
        if (read_ok(0, 0, 0, 300) || read_ok(1, 0, 300, 300))
            return 1;
        // a RUN longer than the history: its first 4 steps are recorded
        if (run(false, {{}, {0}, {}, {4}, {6}, {}}))
            return 1;
        for (unsigned t = 0; t < H_STEPS; t++)
            if (read_ok(t & 1, t, 10 * t, 50))
                return 1;
        if (refused(SGL_CMD_READ_HISTORY, hist_req(0, 4, 0, 1), SGL_ST_ERR_ADDR,
                    "READ_HISTORY of step 4 (HIST_STEPS 4)"))
            return 1;
        // a retry of that RUN: DUP, the history stays
        {
            std::vector<uint8_t> p = {0, 0, 1, 0, 2, 0};
            long h0 = d.hist_clears, s0 = d.starts;
            uint8_t s = ++seq;
            CHECK(d.transact(frame(SGL_CMD_RUN, s, p)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_OK, "RUN");
            epoch++;
            steps = 1;
            CHECK(d.transact(frame(SGL_CMD_RUN, s, p)) == SGL_LINK_FRAME && d.dec.code == SGL_ST_DUP,
                  "RUN retry: %s", sgl_status_name(d.dec.code));
            CHECK(d.hist_clears == h0 + 1 && d.starts == s0 + 1, "the RUN retry ran");
            if (read_ok(1, 0, 0, 481))
                return 1;
        }
        // random RUNs: up to 24 steps of up to 4 events, with and without the clear
        for (int k = 0; k < 6; k++) {
            std::vector<std::vector<uint16_t>> st(1 + sgl_rng_below(&g, 24));
            for (auto &s : st)
                for (unsigned e = sgl_rng_below(&g, 5); e > 0; e--)
                    s.push_back((uint16_t)sgl_rng_below(&g, 8));
            if (run(k & 1, st))
                return 1;
        }
        // refused RUNs (EV_AW 8: a count above 256; N_IN 8: a channel above 7; a step cut
        // short): the check walk's error at the payload's first value, a middle one and the last
        // byte, before anything changes (no clear, no history clear, no event write, no step)
        struct { const char *what; std::vector<uint8_t> p; int st; } rb[] = {
            {"RUN, a count of 257 first", {1, 0, 1, 1, 0, 0}, SGL_ST_ERR_ADDR},
            {"RUN, a count of 65535 first", {0, 0, 0xFF, 0xFF}, SGL_ST_ERR_ADDR},
            {"RUN, channel 8 in the middle", {1, 0, 2, 0, 3, 0, 8, 0, 1, 0, 5, 0, 0, 0}, SGL_ST_ERR_ADDR},
            {"RUN, a count of 257 in the middle", {0, 0, 1, 0, 2, 0, 1, 1, 0, 0, 1, 0, 4, 0}, SGL_ST_ERR_ADDR},
            {"RUN, channel 8 last", {1, 0, 0, 0, 2, 0, 7, 0, 8, 0}, SGL_ST_ERR_ADDR},
            {"RUN, channel 256 last (its last byte)", {0, 0, 1, 0, 3, 0, 1, 0, 0, 1}, SGL_ST_ERR_ADDR},
            {"RUN, a count of 257 last", {1, 0, 1, 0, 6, 0, 1, 1}, SGL_ST_ERR_ADDR},
            {"RUN, a bad channel in a step cut short", {0, 0, 3, 0, 9, 0}, SGL_ST_ERR_ADDR},
            {"RUN, a step cut short", {1, 0, 1, 0, 2, 0, 2, 0, 1, 0}, SGL_ST_ERR_LEN},
            {"RUN, a count of 256 without its channels", {0, 0, 0, 1}, SGL_ST_ERR_LEN},
            {"RUN, a count without its channels last", {1, 0, 0, 0, 1, 0, 7, 0, 1, 0}, SGL_ST_ERR_LEN},
            {"RUN, odd length", {0, 0, 1, 0, 2}, SGL_ST_ERR_LEN},
            {"RUN, no step", {1, 0}, SGL_ST_ERR_LEN},
        };
        for (const auto &b : rb)
            if (refused(SGL_CMD_RUN, b.p, b.st, b.what))
                return 1;
        // the history is still the last good RUN's
        if (read_ok(0, 0, 0, 8))
            return 1;
        printf("cmd: %ld RUNs answer their cycles exactly (%" PRIu64 " in all: both walks of the "
               "payload, the clear, the steps); RUN restarts the history (with and without its clear flag, 4 steps of 6 "
               "kept), starts its last step as the last; %ld READ_HISTORY replies (%ld bytes) equal the expected bytes; %ld refusals, "
               "each its status, nothing done\n", n_runs, run_cycles, n_ok, hbytes, n_refused);
    }
    printf("cmd: PASS (%" PRIu64 " cycles)\n", d.cycles);
    delete d.top;
    return failures ? 1 : 0;
}
