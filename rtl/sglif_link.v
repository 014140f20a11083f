// SPDX-License-Identifier: MIT
// sglif_link: the device's end of the link (docs/protocol.md): UART receiver, frame decoder,
// command executor (sglif_cmd), frame encoder, UART transmitter, around a memory port.
// BYTE_IO = 1 leaves the UARTs out and exposes the byte streams instead, for the simulated
// board, which carries bytes rather than bit times (make link-test runs the UART path).
`default_nettype none

module sglif_link #(
    parameter integer CLKS_PER_BIT = 12,
    parameter integer BYTE_IO      = 0,
    parameter integer MAX_LEN      = 1024,    // payload buffer, a power of two
    parameter integer IDLE_CYCLES  = 120000,  // mid-frame silence that abandons a frame
    parameter integer AW           = 16,
    parameter integer RD_LAT       = 2,
    parameter [511:0] SEL_DEPTH    = 512'd0,
    parameter [15:0]  READ_MASK    = 16'h0000,
    parameter [7:0]   MODEL_MASK   = 8'h00,
    parameter [271:0] IDENT        = 272'd0,
    parameter integer EV_AW        = 8,       // the core (RUN, READ_OUTPUT)
    parameter integer N_IN         = 32,
    parameter integer N_OUT        = 10,
    parameter integer HN           = 64,      // the core's history (READ_HISTORY)
    parameter integer HIST_STEPS   = 64,
    parameter integer HL           = 1,
    parameter integer ENGINE       = 0        // the training engine's commands (sglif_cmd)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          uart_rx_i,
    output wire          uart_tx_o,
    // BYTE_IO = 1: the byte streams in place of the UARTs
    input  wire [7:0]    rx_byte_i,
    input  wire          rx_valid_i,
    output wire [7:0]    tx_byte_o,
    output wire          tx_valid_o,
    input  wire          tx_ready_i,
    output wire          rx_err_o,      // UART framing error (BYTE_IO = 0)
    output wire [15:0]   dropped_o,     // bytes dropped while a frame was held
    output wire          busy_o,        // the executor is carrying out or answering a request
    // memory port (sglif_cmd)
    output wire          soft_rst_o,
    output wire          mem_we_o,
    output wire [3:0]    mem_sel_o,
    output wire [AW-1:0] mem_addr_o,
    output wire [15:0]   mem_wdata_o,
    input  wire [15:0]   mem_rdata_i,
    // the core's step port and readout (sglif_cmd)
    output wire          core_clear_o,
    output wire          core_start_o,
    output wire [EV_AW:0] core_n_ev_o,
    output wire          core_last_o,    // the step being started is the RUN's last
    input  wire          core_done_i,
    output wire [CW-1:0] ro_class_o,
    input  wire [31:0]   ro_sum_i,
    input  wire [CW-1:0] pred_i,
    input  wire          core_busy_i,
    // the core's history (sglif_cmd)
    output wire          hist_clear_o,
    output wire [HA-1:0] hist_raddr_o,
    input  wire [16:0]   hist_rdata_i,
    input  wire [HW:0]   hist_steps_i,
    // the training engine (sglif_cmd)
    output wire          run_ev_o,
    output wire          eng_train_o,
    output wire          eng_update_o,
    output wire [15:0]   eng_arg_o,
    input  wire          eng_done_i,
    input  wire [7:0]    eng_c_last_i,
    input  wire          eng_ok_i,
    input  wire          eng_busy_i,
    output wire          eng_stats_clr_o,
    input  wire [159:0]  eng_stats_i
);
    localparam integer BW = $clog2(MAX_LEN);
    localparam integer CW = N_OUT > 1 ? $clog2(N_OUT) : 1;
    localparam integer HW = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer HA = (HL > 1 ? 1 : 0) + HW + (HN > 1 ? $clog2(HN) : 1);

    wire [7:0] rx_byte, tx_byte;
    wire       rx_valid, tx_valid, tx_ready;
    generate
        if (BYTE_IO != 0) begin : g_bytes
            assign rx_byte   = rx_byte_i;
            assign rx_valid  = rx_valid_i;
            assign tx_ready  = tx_ready_i;
            assign uart_tx_o = 1'b1;
            assign rx_err_o  = 1'b0;
            wire unused_ok = &{1'b0, uart_rx_i};
        end else begin : g_uart
            sglif_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
                .clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i), .data_o(rx_byte),
                .valid_o(rx_valid), .err_o(rx_err_o));
            sglif_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
                .clk_i(clk_i), .rst_i(rst_i), .data_i(tx_byte), .valid_i(tx_valid),
                .ready_o(tx_ready), .tx_o(uart_tx_o));
            wire unused_ok = &{1'b0, rx_byte_i, rx_valid_i, tx_ready_i};
        end
    endgenerate
    assign tx_byte_o  = tx_byte;
    assign tx_valid_o = tx_valid;

    wire          ok, held, bad, release_w, tx_start, tx_busy, pay_valid, pay_ready;
    wire [1:0]    bad_code;
    wire [7:0]    cmd, seq, tx_code, tx_seq, pay;
    wire [15:0]   len, tx_len;
    wire [BW-1:0] buf_raddr;
    wire [7:0]    buf_rdata;
    wire          crc_init, crc_we;     // the encoder's CRC unit, lent to MODEL_CRC
    wire [7:0]    crc_byte;
    wire [31:0]   crc;

    sglif_frame_rx #(.MAX_LEN(MAX_LEN), .IDLE_CYCLES(IDLE_CYCLES)) u_frx (
        .clk_i(clk_i), .rst_i(rst_i), .byte_i(rx_byte), .byte_valid_i(rx_valid), .ok_o(ok),
        .bad_o(bad), .bad_code_o(bad_code), .cmd_o(cmd), .seq_o(seq), .len_o(len),
        .held_o(held), .release_i(release_w), .buf_raddr_i(buf_raddr), .buf_rdata_o(buf_rdata),
        .dropped_o(dropped_o));

    sglif_cmd #(.BW(BW), .AW(AW), .RD_LAT(RD_LAT), .SEL_DEPTH(SEL_DEPTH),
                .READ_MASK(READ_MASK), .MODEL_MASK(MODEL_MASK), .IDENT(IDENT), .EV_AW(EV_AW),
                .N_IN(N_IN), .N_OUT(N_OUT), .HN(HN), .HIST_STEPS(HIST_STEPS), .HL(HL),
                .ENGINE(ENGINE)) u_cmd (
        .clk_i(clk_i), .rst_i(rst_i), .held_i(held), .bad_i(bad), .bad_code_i(bad_code),
        .cmd_i(cmd), .seq_i(seq), .len_i(len), .release_o(release_w), .buf_raddr_o(buf_raddr),
        .buf_rdata_i(buf_rdata), .tx_start_o(tx_start), .tx_code_o(tx_code), .tx_seq_o(tx_seq),
        .tx_len_o(tx_len), .tx_busy_i(tx_busy), .tx_pay_o(pay), .tx_pay_valid_o(pay_valid),
        .tx_pay_ready_i(pay_ready), .soft_rst_o(soft_rst_o), .mem_we_o(mem_we_o),
        .mem_sel_o(mem_sel_o), .mem_addr_o(mem_addr_o), .mem_wdata_o(mem_wdata_o),
        .mem_rdata_i(mem_rdata_i), .core_clear_o(core_clear_o), .core_start_o(core_start_o),
        .core_n_ev_o(core_n_ev_o), .core_last_o(core_last_o), .core_done_i(core_done_i), .ro_class_o(ro_class_o),
        .ro_sum_i(ro_sum_i), .pred_i(pred_i), .core_busy_i(core_busy_i),
        .crc_init_o(crc_init), .crc_we_o(crc_we), .crc_byte_o(crc_byte), .crc_i(crc),
        .hist_clear_o(hist_clear_o), .hist_raddr_o(hist_raddr_o), .hist_rdata_i(hist_rdata_i),
        .hist_steps_i(hist_steps_i), .run_ev_o(run_ev_o), .eng_train_o(eng_train_o),
        .eng_update_o(eng_update_o), .eng_arg_o(eng_arg_o), .eng_done_i(eng_done_i),
        .eng_c_last_i(eng_c_last_i), .eng_ok_i(eng_ok_i), .eng_busy_i(eng_busy_i),
        .eng_stats_clr_o(eng_stats_clr_o), .eng_stats_i(eng_stats_i), .busy_o(busy_o));

    wire unused_ok = &{1'b0, ok};  // the executor takes held, not the pulse

    sglif_frame_tx u_ftx (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(tx_start), .code_i(tx_code), .seq_i(tx_seq),
        .len_i(tx_len), .busy_o(tx_busy), .pay_data_i(pay), .pay_valid_i(pay_valid),
        .pay_ready_o(pay_ready), .tx_data_o(tx_byte), .tx_valid_o(tx_valid),
        .tx_ready_i(tx_ready), .crc_init_i(crc_init), .crc_we_i(crc_we), .crc_byte_i(crc_byte),
        .crc_o(crc));
endmodule

`default_nettype wire
