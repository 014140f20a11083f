// SPDX-License-Identifier: MIT
// tb_cmd: sglif_link (byte streams, BYTE_IO = 1) over a behavioural memory of four selects
// (depths 300, 77, 16, 0 words: select 3 does not exist), read back with a latency of
// RD_LAT = 2 cycles, for sim/cmd_test.cpp. Selects 0-2 can be read; 0 and 1 are the "model".
// No core: a clear is done the cycle after it starts, a step of n events n + 1 cycles after
// (sim/cmd_test.cpp checks RUN's cycles with it). A behavioural history of
// HN = 600 neurons, 2 layers, HIST_STEPS = 4 for READ_HISTORY: the steps recorded count the
// steps started since the last clear (RUN's clear or its history clear), up to 4; the word at
// address a = {layer, step, neuron} is bits 31:15 of (a ^ epoch << 16) * 0x9E3779B1, epoch
// the number of clears since reset, so every clear changes the contents (sim/cmd_test.cpp
// computes the same). core_busy_i makes the core look busy (READ_HISTORY: ERR_BUSY).
`default_nettype none

module tb_cmd #(
    parameter integer MAX_LEN = 256
) (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire [7:0]  rx_byte_i,
    input  wire        rx_valid_i,
    output wire [7:0]  tx_byte_o,
    output wire        tx_valid_o,
    input  wire        tx_ready_i,
    output wire        soft_rst_o,
    output wire        mem_we_o,     // observed by the harness: every write
    output wire [3:0]  mem_sel_o,
    output wire [8:0]  mem_addr_o,
    output wire [15:0] mem_wdata_o,
    output wire        link_busy_o,  // sim/board.cpp runs the clock while it is high
    input  wire        core_busy_i,
    output wire        core_clear_o, // observed by the harness: clears, steps, history clears
    output wire        core_start_o,
    output wire        core_last_o,  // the step started is the RUN's last (with core_start_o)
    output wire        hist_clear_o
);
    localparam [511:0] DEPTH = {256'd0, 32'd0, 32'd0, 32'd0, 32'd0, 32'd0, 32'd16, 32'd77, 32'd300};
    // IDENTIFY: version 2, 1 lane, 1 layer, 16 neurons, 8 inputs, 4 classes, 8 history steps,
    // 256 SG entries, MAX_LEN, 12 MHz, no engine (u16 and u32 little-endian; byte 0 at the right)
    localparam [271:0] IDENT = {80'd0, 16'd0, 32'd12000000, MAX_LEN[15:0], 16'd256, 16'd8, 16'd4,
                                16'd8, 16'd16, 16'd1, 16'd1, 16'd2};

    reg [15:0] m0 [0:299];
    reg [15:0] m1 [0:76];
    reg [15:0] m2 [0:15];
    reg [15:0] rd1_q, rd2_q;
    integer k;
    initial begin
        for (k = 0; k < 300; k = k + 1) m0[k] = 16'd0;
        for (k = 0; k < 77; k = k + 1) m1[k] = 16'd0;
        for (k = 0; k < 16; k = k + 1) m2[k] = 16'd0;
    end
    always @(posedge clk_i) begin
        if (mem_we_o)
            case (mem_sel_o)
                4'd0: m0[mem_addr_o] <= mem_wdata_o;
                4'd1: m1[mem_addr_o[6:0]] <= mem_wdata_o;
                4'd2: m2[mem_addr_o[3:0]] <= mem_wdata_o;
                default: ;
            endcase
        case (mem_sel_o)
            4'd0: rd1_q <= m0[mem_addr_o];
            4'd1: rd1_q <= m1[mem_addr_o[6:0]];
            4'd2: rd1_q <= m2[mem_addr_o[3:0]];
            default: rd1_q <= 16'hDEAD;
        endcase
        rd2_q <= rd1_q;
    end

    wire [15:0] dropped;
    wire        uart_tx, rx_err;
    sglif_link #(.BYTE_IO(1), .MAX_LEN(MAX_LEN), .IDLE_CYCLES(2000), .AW(9), .RD_LAT(2),
                 .EV_AW(8), .N_IN(8), .N_OUT(4), .HN(600), .HIST_STEPS(4), .HL(2),
                 .SEL_DEPTH(DEPTH), .READ_MASK(16'h0007), .MODEL_MASK(8'h03), .IDENT(IDENT)) u_link (
        .clk_i(clk_i), .rst_i(rst_i), .uart_rx_i(1'b1), .uart_tx_o(uart_tx),
        .rx_byte_i(rx_byte_i), .rx_valid_i(rx_valid_i), .tx_byte_o(tx_byte_o),
        .tx_valid_o(tx_valid_o), .tx_ready_i(tx_ready_i), .rx_err_o(rx_err),
        .dropped_o(dropped), .busy_o(link_busy_o), .soft_rst_o(soft_rst_o), .mem_we_o(mem_we_o),
        .mem_sel_o(mem_sel_o), .mem_addr_o(mem_addr_o), .mem_wdata_o(mem_wdata_o),
        .mem_rdata_i(rd2_q), .core_clear_o(core_clear), .core_start_o(core_start),
        .core_n_ev_o(core_n_ev), .core_last_o(core_last_o), .core_done_i(core_done_q), .ro_class_o(ro_class),
        .ro_sum_i(32'd0), .pred_i(2'd0), .core_busy_i(core_busy_i), .hist_clear_o(hist_clear),
        .hist_raddr_o(hist_raddr), .hist_rdata_i(hist_rd_q), .hist_steps_i(hist_steps_q),
        .run_ev_o(run_ev), .eng_train_o(eng_train), .eng_update_o(eng_update), .eng_arg_o(eng_arg),
        .eng_done_i(1'b0), .eng_c_last_i(8'd0), .eng_ok_i(1'b0), .eng_busy_i(1'b0),
        .eng_stats_clr_o(eng_clr), .eng_stats_i(160'd0));
    // no training engine (ENGINE = 0: TRAIN, UPDATE, READ_STATS answer ERR_CMD)
    wire        run_ev, eng_train, eng_update, eng_clr;
    wire [15:0] eng_arg;
    wire        unused_eng = &{1'b0, run_ev, eng_train, eng_update, eng_clr, eng_arg};
    // no core here: a clear is done the cycle after it starts, a step of n events n + 1 cycles
    // after (RUN's cycles, sim/cmd_test.cpp)
    wire       core_clear, core_start;
    wire [8:0] core_n_ev;
    wire [1:0] ro_class;
    reg        core_done_q = 1'b0;
    reg  [8:0] core_left_q = 9'd0;
    always @(posedge clk_i) begin
        core_done_q <= core_clear || (core_start && core_n_ev == 9'd0) || core_left_q == 9'd1;
        if (core_start)
            core_left_q <= core_n_ev;
        else if (core_left_q != 9'd0)
            core_left_q <= core_left_q - 9'd1;
    end
    assign core_clear_o = core_clear;
    assign core_start_o = core_start;
    assign hist_clear_o = hist_clear;

    // the history: {layer, step (2 bits), neuron (10 bits)}
    wire        hist_clear;
    wire [12:0] hist_raddr;
    reg  [16:0] hist_rd_q;
    reg  [2:0]  hist_steps_q;
    reg  [15:0] epoch_q;
    wire [31:0] hist_h = ({19'd0, hist_raddr} ^ {epoch_q, 16'd0}) * 32'h9E3779B1;
    always @(posedge clk_i) begin
        if (rst_i) begin
            hist_steps_q <= 3'd0;
            epoch_q      <= 16'd0;
        end else if (core_clear || hist_clear) begin
            hist_steps_q <= 3'd0;
            epoch_q      <= epoch_q + 16'd1;
        end else if (core_start && hist_steps_q != 3'd4)
            hist_steps_q <= hist_steps_q + 3'd1;
        hist_rd_q <= hist_h[31:15];
    end
    wire unused_ok = &{1'b0, dropped, uart_tx, rx_err, ro_class, hist_h[14:0]};
endmodule

`default_nettype wire
