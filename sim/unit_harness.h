// SPDX-License-Identifier: MIT
// The plumbing of the training engine units' Verilator harnesses (sim/bwd_test.cpp,
// sim/gather_test.cpp, sim/sround_test.cpp): the context, the plus-args +seed=S and +n=N, a
// clock tick that counts cycles, the synchronous reset (rst_i).
#ifndef SGLIF_SIM_UNIT_HARNESS_H
#define SGLIF_SIM_UNIT_HARNESS_H

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "verilated.h"

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
