// SPDX-License-Identifier: MIT
// The plumbing of the training engine units' Verilator harnesses (sim/bwd_test.cpp,
// sim/gather_test.cpp, sim/sround_test.cpp): the context, the plus-args +seed=S and +n=N, a
// clock tick that counts cycles, the synchronous reset (rst_i), and setb() for a port's bits.
#ifndef SGLIF_SIM_UNIT_HARNESS_H
#define SGLIF_SIM_UNIT_HARNESS_H

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "verilated.h"
#include "verilated_types.h"

// bits lsb .. lsb + w - 1 of a Verilated port (an integer up to 64 bits, or a wide one)
template <typename T> static void setb(T &p, int lsb, int w, uint64_t v)
{
    uint64_t m = (w >= 64 ? ~0ull : (1ull << w) - 1) << lsb;
    p = (T)(((uint64_t)p & ~m) | ((v << lsb) & m));
}
template <std::size_t N> static void setb(VlWide<N> &p, int lsb, int w, uint64_t v)
{
    for (int b = 0; b < w; b++) {
        int i = lsb + b;
        uint32_t bit = (uint32_t)(v >> b) & 1u;
        p[i / 32] = (p[i / 32] & ~(1u << (i % 32))) | bit << (i % 32);
    }
}

template <typename Top> struct UnitHarness {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Top> top;
    uint64_t seed = 1, n, cycles = 0;
    UnitHarness(int argc, char **argv, uint64_t n_default) : n(n_default)
    {
        ctx = std::make_unique<VerilatedContext>();
        ctx->commandArgs(argc, argv);
        const char *a;
        if ((a = ctx->commandArgsPlusMatch("seed=")) && *a)
            seed = strtoull(a + 6, nullptr, 10);
        if ((a = ctx->commandArgsPlusMatch("n=")) && *a)
            n = strtoull(a + 3, nullptr, 10);
        top = std::make_unique<Top>(ctx.get());
    }
    void tick()
    {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
        cycles++;
    }
    // rst_i high for two cycles (with the inputs as the caller set them), then low
    void reset()
    {
        top->rst_i = 1;
        tick();
        tick();
        top->rst_i = 0;
    }
};

#endif
