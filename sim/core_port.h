// SPDX-License-Identifier: MIT
// The host side of rtl/sglif_lif_core.v's ports, shared by the Verilator programs (cosim.cpp,
// rtl_bench.cpp, rtl_eval.cpp): configuration selects and registers, the weight-bank memory
// map (row regions, two int8 per 16-bit bank word), the cycles-per-step model (docs/rtl.md;
// its constants and the latencies from rtl/core_map.csv through sw/core_map.h),
// and a clocked wrapper with the configuration write, which writes a whole sgl_fixed_net into
// the core (load_net) through the memory map of sw/core_map.c.
#ifndef SGLIF_SIM_CORE_PORT_H
#define SGLIF_SIM_CORE_PORT_H

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "Vsglif_lif_core.h"
#include "verilated.h"

extern "C" {
#include "core_map.h"
}

enum { SEL_W = SGL_SEL_W, SEL_BIAS = SGL_SEL_BIAS, SEL_SG = SGL_SEL_SG, SEL_REG = SGL_SEL_REG,
       SEL_EV = SGL_SEL_EV, SEL_WOUT = SGL_SEL_WOUT, SEL_BOUT = SGL_SEL_BOUT };
enum { REG_THETA = SGL_REG_THETA, REG_K = SGL_REG_K, REG_SG_SHIFT = SGL_REG_SG_SHIFT,
       REG_SG_LOG2 = SGL_REG_SG_LOG2, REG_RESET = SGL_REG_RESET, REG_C_LAST = SGL_REG_C_LAST,
       REG_LAYERS = SGL_REG_LAYERS, REG_SH_IN = SGL_REG_SH_IN, REG_SH_REC = SGL_REG_SH_REC,
       REG_N_LAST = SGL_REG_N_LAST, REG_SH_IN1 = SGL_REG_SH_IN1, REG_SH_REC1 = SGL_REG_SH_REC1,
       REG_N_LAST1 = SGL_REG_N_LAST1 };
// docs/rtl.md: cycles of one layer's part of a step beyond its ops and drain
enum { LAYER_OVERHEAD = SGL_LAYER_OVERHEAD };
// docs/rtl.md, "Read-back": rb_data_o follows cfg_sel_i / cfg_addr_i by this many cycles;
// hist_rdata_o follows hist_raddr_i by HIST_LAT
enum { RB_LAT = SGL_RB_LAT, HIST_LAT = SGL_HIST_LAT };

static inline int clog2(int x) { return x > 1 ? 32 - __builtin_clz((unsigned)(x - 1)) : 1; }
// the step's fixed part: the readout's add stage and, if the step asks for it (argmax_i),
// the start of its argmax scan and the scan (two cycles a class, then the last compare's take)
static inline int step_overhead(int n_out, int scan) { return (int)sgl_core_step_fixed(n_out, scan); }
static inline int ilog2(int x) { return x > 1 ? 31 - __builtin_clz((unsigned)x) : 0; }

// One layer of a step: n neurons in use, P lanes, ops = E + S (input events or layer-0 spikes
// of the step, plus the layer's spikes of the previous step). Groups of P neurons; a group
// takes max(ops, 1) op cycles, but a group cannot end less than P cycles after the previous
// one (the drain updates one neuron per cycle); the last group's m neurons drain after it.
static inline uint64_t layer_cycles(int P, int n, uint64_t ops)
{
    return sgl_core_layer_cycles(P, n, ops);
}

struct CorePort {
    VerilatedContext *ctx;
    Vsglif_lif_core *top;
    uint64_t cycles = 0;
    // every configuration write {sel, addr, data} while log_writes is set (cosim's read-back)
    struct CfgWrite { int sel; uint32_t addr; uint16_t data; };
    bool log_writes = false;
    std::vector<CfgWrite> wlog;
    // the core's parameters (the Verilator model's -G values)
    int N = 64, N_IN = 32, N_OUT = 10, P = 1, L = 1, HIST = 64;
    int NW = 6, CW = 4, HW = 6;
    sgl_core_shape cs = {};  // the memory map (sw/core_map.h)
    void shape(int n, int n_in, int n_out, int p, int l, int hist)
    {
        N = n, N_IN = n_in, N_OUT = n_out, P = p, L = l, HIST = hist;
        NW = clog2(N), CW = clog2(N_OUT), HW = clog2(HIST);
        if (sgl_core_shape_init(&cs, n, n_in, n_out, p, l, 0, 0) != 0)
            abort();
    }
    // weight rows: W_in of layer 0 at 0.., W_rec of layer 0 at N_IN.., W_in of layer 1 (one
    // row per layer-0 neuron) at N_IN + N.., W_rec of layer 1 at N_IN + 2N..
    int row_in(int l) const { return sgl_core_row_in(&cs, l); }
    int row_rec(int l) const { return sgl_core_row_rec(&cs, l); }
    static void write_cb(void *ctx, int sel, uint32_t addr, uint16_t data)
    {
        static_cast<CorePort *>(ctx)->write(sel, addr, data);
    }
    // history address of neuron i of layer l at step t
    uint32_t hist_addr(int l, int t, int i) const
    {
        return (uint32_t)(((L > 1 ? l : 0) << (HW + NW)) | (t << NW) | i);
    }
    uint32_t state_addr(int l, int i) const { return (uint32_t)((L > 1 ? l << NW : 0) | i); }
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
        if (log_writes)
            wlog.push_back({sel, addr, (uint16_t)data});
    }
    // the configuration read-back (idle only): the word of sel at addr, RB_LAT cycles later
    uint16_t read(int sel, uint32_t addr)
    {
        top->cfg_we_i = 0;
        top->cfg_sel_i = (uint8_t)sel;
        top->cfg_addr_i = addr;
        for (int c = 0; c < RB_LAT; c++)
            tick();
        return (uint16_t)top->rb_data_o;
    }
    // rows row0 .. row0 + nrows - 1 of the weight banks from w[r][i] (sgl_core_write_rows)
    void write_rows(int row0, int nrows, int n, const int8_t *w)
    {
        sgl_core_write_rows(&cs, row0, nrows, n, w, write_cb, this);
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
    // every memory and register of a twin net (one or two layers); the SG table only when
    // write_sg (else the $readmemh contents stay)
    void load_net(const sgl_fixed_net *q, bool write_sg)
    {
        sgl_core_load(&cs, q, write_sg ? 1 : 0, write_cb, this);
    }
};

#endif
