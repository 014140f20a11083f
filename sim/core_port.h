// SPDX-License-Identifier: MIT
// The host side of rtl/sglif_lif_core.v's ports, shared by the Verilator programs (cosim.cpp,
// rtl_bench.cpp, rtl_eval.cpp): configuration selects and registers (docs/rtl.md), the
// step-cost constant, and a clocked wrapper with the configuration write.
#ifndef SGLIF_SIM_CORE_PORT_H
#define SGLIF_SIM_CORE_PORT_H

#include <cstdint>

#include "Vsglif_lif_core.h"
#include "verilated.h"

enum { SEL_WIN = 0, SEL_WREC = 1, SEL_BIAS = 2, SEL_SG = 3, SEL_REG = 4, SEL_EV = 5,
       SEL_WOUT = 6, SEL_BOUT = 7 };
enum { REG_THETA = 0, REG_K, REG_SH_IN, REG_SH_REC, REG_SG_SHIFT, REG_SG_LOG2, REG_RESET,
       REG_N_LAST, REG_C_LAST };
// docs/rtl.md: a step costs n (E + S + 1) + STEP_OVERHEAD cycles
enum { STEP_OVERHEAD = 5 };

static inline int clog2(int x) { return x > 1 ? 32 - __builtin_clz((unsigned)(x - 1)) : 1; }

struct CorePort {
    VerilatedContext *ctx;
    Vsglif_lif_core *top;
    uint64_t cycles = 0;
    void tick()
    {
        top->clk_i = 0;
        top->eval();
        ctx->timeInc(1);
        top->clk_i = 1;
        top->eval();
        ctx->timeInc(1);
        cycles++;
    }
    void write(int sel, uint32_t addr, uint32_t data)
    {
        top->cfg_we_i = 1;
        top->cfg_sel_i = (uint8_t)sel;
        top->cfg_addr_i = addr;
        top->cfg_data_i = (uint16_t)data;
        tick();
        top->cfg_we_i = 0;
    }
    // run until done_o; 0, or -1 if it takes more than limit cycles
    int wait_done(uint64_t limit)
    {
        uint64_t c0 = cycles;
        while (!top->done_o) {
            tick();
            if (cycles - c0 > limit)
                return -1;
        }
        return 0;
    }
};

#endif
