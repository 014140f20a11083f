// SPDX-License-Identifier: MIT
// sglif_device: the device behind the USB link (docs/protocol.md): sglif_link (UART, frame
// codec, command executor) on the core's host port (rtl/sglif_lif_core.v). The executor's
// memory port is the core's configuration port: WRITE_MEM writes a select and address of the
// core's memory map (docs/rtl.md), READ_MEM and MODEL_CRC read them back (rb_data_o, RB_LAT =
// 3 cycles), IDENTIFY reports the build below, SOFT_RESET resets the core's control state,
// RUN writes each step's events into the core's event list and runs the step, READ_OUTPUT
// reads the class sums and the prediction. A board top adds the clock (PLL) and the reset; the
// simulated board (sglif-board) uses BYTE_IO = 1. READ_HISTORY reads the core's history, which
// every RUN restarts at step 0 (hist_clear_i) before its first step. With ENGINE = 1 the
// training engine (rtl/sglif_trainer.v) sits beside the core: selects 8..15 are its memories,
// TRAIN / UPDATE / READ_STATS its commands; while it trains it reads the core's history
// (hist_raddr_i), while it updates it writes the new weights through the core's
// configuration port (cfg_*), and otherwise the link has both.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_device #(
    // the core (docs/rtl.md)
    parameter integer N          = 64,
    parameter integer N_IN       = 32,
    parameter integer EV_AW      = 8,
    parameter integer SG_AW      = 8,
    parameter integer ACC_W      = 32,
    parameter integer N_OUT      = 10,
    parameter integer HIST_STEPS = 64,
    parameter integer P          = 4,
    parameter integer L          = 1,
    parameter SG_INIT            = "",
    // the training engine (rtl/sglif_trainer.v; ENGINE = 0: none, the device as before): one
    // layer of E_N neurons, E_IN inputs, E_P lanes, an event store of 2^E_ES_AW events, its
    // error memory a word a step in LUT RAM (E_EMEM_LUT = 1) or block RAM (0), the same in
    // simulation, or one class a word in block RAM (2; rtl/sglif_engine.v)
    parameter integer ENGINE     = 0,
    parameter integer E_N        = 32,
    parameter integer E_IN       = 16,
    parameter integer E_P        = 4,
    parameter integer E_ES_AW    = 10,
    parameter integer E_EMEM_LUT = 1,
    // the link
    parameter integer CLK_HZ       = 36000000,
    parameter integer CLKS_PER_BIT = 12,      // CLK_HZ / baud rate (3 Mbaud at 36 MHz)
    parameter integer BYTE_IO      = 0,
    parameter integer MAX_LEN      = 1024,
    parameter integer IDLE_CYCLES  = 3600000  // 100 ms at 36 MHz
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       uart_rx_i,
    output wire       uart_tx_o,
    input  wire [7:0] rx_byte_i,     // BYTE_IO = 1
    input  wire       rx_valid_i,
    output wire [7:0] tx_byte_o,
    output wire       tx_valid_o,
    input  wire       tx_ready_i,
    output wire       rx_err_o,
    output wire       busy_o,        // the core is running (a LED)
    output wire       link_busy_o    // a request is being carried out or answered
);
    // the core's address widths (as sglif_lif_core computes them)
    localparam integer NW  = N > 1 ? $clog2(N) : 1;
    localparam integer CW  = N_OUT > 1 ? $clog2(N_OUT) : 1;
    localparam integer HW  = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer LB  = L > 1 ? 1 : 0;
    localparam integer HA  = LB + HW + NW;
    localparam integer PW  = P > 1 ? $clog2(P) : 0;
    localparam integer GW  = NW - PW;
    localparam integer NB  = P > 1 ? P / 2 : 1;
    localparam integer BB  = NB > 1 ? $clog2(NB) : 0;
    localparam integer RW  = $clog2(N_IN + N + (L - 1) * 2 * N);
    localparam integer WAW = RW + GW;
    localparam integer A0  = WAW + BB > LB + NW ? WAW + BB : LB + NW;
    localparam integer A1  = SG_AW > EV_AW ? SG_AW : EV_AW;
    localparam integer A2  = A0 > A1 ? A0 : A1;
    localparam integer A3  = A2 > NW + CW ? A2 : NW + CW;
    localparam integer CFG_AW = A3 > 4 ? A3 : 4;
    // the engine's address widths (rtl/core_map.csv's tsel rows)
    localparam integer ENW = E_N > 1 ? $clog2(E_N) : 1;
    localparam integer ERW = $clog2(E_IN + E_N);
    localparam integer XW  = ENW > CW ? ENW : CW;
    localparam integer GAW = ERW + ENW > ENW + CW ? ERW + ENW : ENW + CW;
    localparam integer T0  = ERW + ENW > ENW + CW + 1 ? ERW + ENW : ENW + CW + 1;
    localparam integer T1  = XW + 4 > GAW + 4 ? XW + 4 : GAW + 4;
    localparam integer T2  = HW + CW + 1 > E_ES_AW ? HW + CW + 1 : E_ES_AW;
    localparam integer T3  = T0 > T1 ? T0 : T1;
    localparam integer T4  = T2 > T3 ? T2 : T3;
    localparam integer TAW = T4 > 5 ? T4 : 5;
    localparam integer LAW = ENGINE != 0 && TAW > CFG_AW ? TAW : CFG_AW;  // the link's
    // the memory selects and RB_LAT (rtl/core_map.csv)
`include "sglif_core_map.vh"
    function [31:0] u32(input integer v);  // an integer as 32 bits (for the concatenations)
        u32 = v;
    endfunction
    function [15:0] u16(input integer v);
        u16 = v[15:0];
    endfunction
    // the words of select sel at [32 sel +: 32] of SEL_DEPTH
    function [511:0] at_sel(input [3:0] sel, input integer words);
        at_sel = {480'd0, u32(words)} << (32 * sel);
    endfunction
    // words per select (select 1 is unused: 0)
    localparam [511:0] CORE_DEPTH = at_sel({1'b0, SEL_W}, 1 << (WAW + BB)) |
                                    at_sel({1'b0, SEL_BIAS}, 1 << (LB + NW)) |
                                    at_sel({1'b0, SEL_SG}, 1 << SG_AW) | at_sel({1'b0, SEL_REG}, N_REG) |
                                    at_sel({1'b0, SEL_EV}, 1 << EV_AW) |
                                    at_sel({1'b0, SEL_WOUT}, 1 << (NW + CW)) |
                                    at_sel({1'b0, SEL_BOUT}, N_OUT);
    localparam [511:0] ENG_DEPTH = at_sel(SEL_TW, 1 << (ERW + ENW)) | at_sel(SEL_TWMOM, 1 << (ERW + ENW)) |
                                   at_sel(SEL_TOUT, 1 << (ENW + CW + 1)) |
                                   at_sel(SEL_TUNIT, 1 << (XW + 4)) | at_sel(SEL_TGRAD, 1 << (GAW + 4)) |
                                   at_sel(SEL_TERR, 1 << (HW + CW + 1)) | at_sel(SEL_TEV, 1 << E_ES_AW) |
                                   at_sel(SEL_TREG, N_TREG);
    localparam [511:0] SEL_DEPTH = ENGINE != 0 ? CORE_DEPTH | ENG_DEPTH : CORE_DEPTH;
    // the model: every select but the event list; read: every select
    localparam [7:0] MODEL = 8'd1 << SEL_W | 8'd1 << SEL_BIAS | 8'd1 << SEL_SG | 8'd1 << SEL_REG |
                             8'd1 << SEL_WOUT | 8'd1 << SEL_BOUT;
    localparam [15:0]  READ  = {ENGINE != 0 ? 8'hFF : 8'h00, MODEL | 8'd1 << SEL_EV};
    // IDENTIFY: version, lanes, layers, neurons, inputs, classes, history steps, SG entries,
    // max payload, clock, features, the engine's neurons, inputs, lanes, GRAD_W, log2 event
    // store entries (u16 / u32 little-endian, byte 0 at the right; host/protocol.csv)
    localparam [95:0]  EIDENT = {u16(E_ES_AW), u16(`SGLIF_GRAD_W), u16(E_P), u16(E_IN), u16(E_N),
                                 16'd1};
    localparam [271:0] IDENT = {ENGINE != 0 ? EIDENT : 96'd0, u32(CLK_HZ), u16(MAX_LEN), u16(SG_AW < 16 ? 1 << SG_AW : 0),
                                u16(HIST_STEPS), u16(N_OUT), u16(N_IN), u16(N), u16(L), u16(P),
                                16'd0};  // (the version: sglif_cmd puts PROTOCOL_VERSION there)

    wire              soft_rst, mem_we, clear, start;
    wire [EV_AW:0]    n_ev;
    wire [CW-1:0]     ro_class;
    wire [3:0]        mem_sel;
    wire [LAW-1:0]    mem_addr;
    wire [15:0]       mem_wdata, core_rb, rb_data;
    wire [15:0]       dropped;
    wire [HA-1:0]     link_hist_raddr, hist_raddr;
    wire              hist_clear;
    wire [HW:0]       hist_steps;
    wire [16:0]       hist_rdata;
    wire [NW-1:0]     spike_idx;
    wire [31:0]       ro_sum;
    wire [32*N_OUT-1:0] ro_acc;
    wire [CW-1:0]     pred;
    wire              done, spike, spike_layer;
    wire              run_last;       // the step being started is the RUN's last
    // the training engine's side of the link
    wire              run_ev, eng_train, eng_update, eng_done, eng_ok, eng_busy, eng_clr;
    wire [15:0]       eng_arg;
    wire [7:0]        eng_c_last;
    wire [159:0]      eng_stats;
    // the core's configuration port: the link's, or the trainer's while it updates
    wire              cfg_we;
    wire [2:0]        cfg_sel;
    wire [CFG_AW-1:0] cfg_addr;
    wire [15:0]       cfg_data;

    sglif_link #(.CLKS_PER_BIT(CLKS_PER_BIT), .BYTE_IO(BYTE_IO), .MAX_LEN(MAX_LEN),
                 .IDLE_CYCLES(IDLE_CYCLES), .AW(LAW), .RD_LAT(RB_LAT), .SEL_DEPTH(SEL_DEPTH),
                 .READ_MASK(READ), .MODEL_MASK(MODEL), .IDENT(IDENT), .EV_AW(EV_AW),
                 .N_IN(N_IN), .N_OUT(N_OUT), .HN(N), .HIST_STEPS(HIST_STEPS), .HL(L),
                 .ENGINE(ENGINE)) u_link (
        .clk_i(clk_i), .rst_i(rst_i), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .rx_byte_i(rx_byte_i), .rx_valid_i(rx_valid_i), .tx_byte_o(tx_byte_o),
        .tx_valid_o(tx_valid_o), .tx_ready_i(tx_ready_i), .rx_err_o(rx_err_o),
        .dropped_o(dropped), .busy_o(link_busy_o), .soft_rst_o(soft_rst), .mem_we_o(mem_we), .mem_sel_o(mem_sel),
        .mem_addr_o(mem_addr), .mem_wdata_o(mem_wdata), .mem_rdata_i(rb_data),
        .core_clear_o(clear), .core_start_o(start), .core_n_ev_o(n_ev), .core_last_o(run_last), .core_done_i(done),
        .ro_class_o(ro_class), .ro_sum_i(ro_sum), .pred_i(pred), .core_busy_i(busy_o),
        .hist_clear_o(hist_clear), .hist_raddr_o(link_hist_raddr), .hist_rdata_i(hist_rdata),
        .hist_steps_i(hist_steps), .run_ev_o(run_ev), .eng_train_o(eng_train),
        .eng_update_o(eng_update), .eng_arg_o(eng_arg), .eng_done_i(eng_done),
        .eng_c_last_i(eng_c_last), .eng_ok_i(eng_ok), .eng_busy_i(eng_busy),
        .eng_stats_clr_o(eng_clr), .eng_stats_i(eng_stats));

    // the readout's argmax scan: with the engine only on a RUN's last step (pred_o, which
    // READ_OUTPUT and TRAIN's statistics read after a RUN, is that step's; the other steps save
    // 2 N_OUT + 2 cycles each), without it on every step (the inference images as they were)
    wire              argmax = ENGINE != 0 ? run_last : 1'b1;
    sglif_lif_core #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                     .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L),
                     .SG_INIT(SG_INIT)) u_core (
        .clk_i(clk_i), .rst_i(rst_i || soft_rst), .cfg_we_i(cfg_we), .cfg_sel_i(cfg_sel),
        .cfg_addr_i(cfg_addr), .cfg_data_i(cfg_data), .clear_i(clear), .start_i(start),
        .argmax_i(argmax), .hist_clear_i(hist_clear),
        .n_ev_i(n_ev), .busy_o(busy_o), .done_o(done), .spike_o(spike),
        .spike_layer_o(spike_layer), .spike_idx_o(spike_idx), .ro_class_i(ro_class),
        .ro_sum_o(ro_sum), .ro_acc_o(ro_acc), .pred_o(pred), .hist_raddr_i(hist_raddr), .hist_rdata_o(hist_rdata),
        .hist_steps_o(hist_steps), .rb_data_o(core_rb));

    generate
        if (ENGINE != 0) begin : g_engine
            // the engine sees the history at the latency of its one RAM (up to 2^10 words) or
            // of its banks (rtl/sglif_history.v)
            localparam integer H_LAT = HA <= 10 ? 1 : 2;
            wire [15:0]       t_rdata;
            wire              t_cfg_we;
            wire [2:0]        t_cfg_sel;
            wire [CFG_AW-1:0] t_cfg_addr;
            wire [15:0]       t_cfg_data;
            wire [HA-1:0]     t_h_addr;
            wire [CW-1:0]     t_c_last;
            reg               rsel_q;          // the select's bit 3 of the word being read
            // the link's address reaches the trainer only for its selects: its RAMs and the
            // gradient port do not follow the core's addresses (MODEL_CRC, WRITE_MEM of the
            // model), which costs nothing in hardware and most of the simulated board's time
            wire [TAW-1:0]    t_addr = mem_sel[3] ? mem_addr[TAW-1:0] : {TAW{1'b0}};
            sglif_trainer #(.EN(E_N), .EIN(E_IN), .EP(E_P), .C(N_OUT), .T_MAX(HIST_STEPS),
                            .ES_AW(E_ES_AW), .H_LAT(H_LAT), .TAW(TAW), .CN(N), .CN_IN(N_IN),
                            .CP(P), .CL(L), .CFG_AW(CFG_AW), .HA(HA),
                            .EMEM_LUT(E_EMEM_LUT)) u_trainer (
                .clk_i(clk_i), .rst_i(rst_i || soft_rst), .we_i(mem_we && mem_sel[3]),
                .sel_i(mem_sel[2:0]), .addr_i(t_addr), .wdata_i(mem_wdata),
                .rdata_o(t_rdata), .ev_clear_i(hist_clear), .ev_we_i(run_ev),
                .ev_ch_i(mem_wdata), .step_i(start), .step_done_i(done), .ro_acc_i(ro_acc),
                .train_i(eng_train),
                .label_i(eng_arg[CW-1:0]), .update_i(eng_update), .lr_i(eng_arg),
                .busy_o(eng_busy), .done_o(eng_done), .train_ok_o(eng_ok), .c_last_o(t_c_last),
                .stats_clr_i(eng_clr), .stats_o(eng_stats), .pred_i(pred),
                .hist_steps_i(hist_steps), .h_addr_o(t_h_addr), .h_data_i(hist_rdata),
                .cfg_we_o(t_cfg_we), .cfg_sel_o(t_cfg_sel), .cfg_addr_o(t_cfg_addr),
                .cfg_data_o(t_cfg_data));
            wire [31:0] c_last32 = {{(32-CW){1'b0}}, t_c_last};
            assign eng_c_last = c_last32[7:0];
            assign cfg_we     = eng_busy ? t_cfg_we : mem_we && !mem_sel[3];
            assign cfg_sel    = eng_busy ? t_cfg_sel : mem_sel[2:0];
            assign cfg_addr   = eng_busy ? t_cfg_addr : mem_addr[CFG_AW-1:0];
            assign cfg_data   = eng_busy ? t_cfg_data : mem_wdata;
            assign hist_raddr = eng_busy ? t_h_addr : link_hist_raddr;
            always @(posedge clk_i)
                rsel_q <= mem_sel[3];
            assign rb_data    = rsel_q ? t_rdata : core_rb;
            wire unused_e = &{1'b0, c_last32[31:8]};
        end else begin : g_plain
            assign eng_done   = 1'b0;
            assign eng_ok     = 1'b0;
            assign eng_busy   = 1'b0;
            assign eng_c_last = 8'd0;
            assign eng_stats  = 160'd0;
            assign cfg_we     = mem_we;
            assign cfg_sel    = mem_sel[2:0];
            assign cfg_addr   = mem_addr;
            assign cfg_data   = mem_wdata;
            assign hist_raddr = link_hist_raddr;
            assign rb_data    = core_rb;
            wire unused_e = &{1'b0, mem_sel[3], run_ev, eng_train, eng_update, eng_arg, eng_clr,
                              ro_acc, run_last};
        end
    endgenerate
    wire unused_ok = &{1'b0, dropped, spike, spike_layer, spike_idx};
endmodule

`default_nettype wire
