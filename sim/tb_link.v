// SPDX-License-Identifier: MIT
// tb_link: the link's device half as the harness sees it (sim/link_test.cpp). Both directions
// go through the real UART bit timing:
//   host -> device: h_data_i -> sglif_uart_tx -> line -> sglif_uart_rx -> sglif_frame_rx
//   device -> host: sglif_frame_tx -> sglif_uart_tx -> line -> sglif_uart_rx -> d_data_o
// The host-to-device line can be driven by the harness instead (line_sel_i, line_i: a bit
// banger at another rate, glitches), and noise can be XORed onto it (line_flip_i).
`default_nettype none

module tb_link #(
    parameter integer CLKS_PER_BIT = 12,
    parameter integer MAX_LEN      = 256,
    parameter integer IDLE_CYCLES  = 4000
) (
    input  wire          clk_i,
    input  wire          rst_i,
    // host -> device
    input  wire [7:0]    h_data_i,
    input  wire          h_valid_i,
    output wire          h_ready_o,
    input  wire          line_sel_i,
    input  wire          line_i,
    input  wire          line_flip_i,
    output wire          ok_o,
    output wire          bad_o,
    output wire [1:0]    bad_code_o,
    output wire [7:0]    cmd_o,
    output wire [7:0]    seq_o,
    output wire [15:0]   len_o,
    input  wire          release_i,
    input  wire [BW-1:0] buf_raddr_i,
    output wire [7:0]    buf_rdata_o,
    output wire [15:0]   dropped_o,
    output wire          rx_err_o,
    // device -> host
    input  wire          start_i,
    input  wire [7:0]    code_i,
    input  wire [7:0]    seq_i,
    input  wire [15:0]   len_i,
    output wire          busy_o,
    input  wire [7:0]    pay_data_i,
    input  wire          pay_valid_i,
    output wire          pay_ready_o,
    output wire [7:0]    d_data_o,
    output wire          d_valid_o,
    output wire          d_err_o
);
    localparam integer BW = $clog2(MAX_LEN);

    wire h_line;
    sglif_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_htx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(h_data_i), .valid_i(h_valid_i),
        .ready_o(h_ready_o), .tx_o(h_line));
    wire line = (line_sel_i ? line_i : h_line) ^ line_flip_i;

    wire [7:0] rx_data;
    wire       rx_valid;
    sglif_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(line), .data_o(rx_data), .valid_o(rx_valid),
        .err_o(rx_err_o));
    wire held;  // the harness releases after each frame it reads
    wire unused_ok = &{1'b0, held};
    sglif_frame_rx #(.MAX_LEN(MAX_LEN), .IDLE_CYCLES(IDLE_CYCLES)) u_frx (
        .clk_i(clk_i), .rst_i(rst_i), .byte_i(rx_data), .byte_valid_i(rx_valid), .ok_o(ok_o),
        .bad_o(bad_o), .bad_code_o(bad_code_o), .cmd_o(cmd_o), .seq_o(seq_o), .len_o(len_o),
        .held_o(held), .release_i(release_i), .buf_raddr_i(buf_raddr_i), .buf_rdata_o(buf_rdata_o),
        .dropped_o(dropped_o));

    wire [7:0] t_data;
    wire       t_valid, t_ready, d_line;
    sglif_frame_tx u_ftx (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(start_i), .code_i(code_i), .seq_i(seq_i),
        .len_i(len_i), .busy_o(busy_o), .pay_data_i(pay_data_i), .pay_valid_i(pay_valid_i),
        .pay_ready_o(pay_ready_o), .tx_data_o(t_data), .tx_valid_o(t_valid),
        .tx_ready_i(t_ready), .crc_init_i(1'b0), .crc_we_i(1'b0), .crc_byte_i(8'd0),
        .crc_o(t_crc));  // (the CRC unit lent to MODEL_CRC: not here)
    wire [31:0] t_crc;
    wire unused_crc = &{1'b0, t_crc};
    sglif_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_dtx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(t_data), .valid_i(t_valid), .ready_o(t_ready),
        .tx_o(d_line));
    sglif_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_hrx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(d_line), .data_o(d_data_o), .valid_o(d_valid_o),
        .err_o(d_err_o));
endmodule

`default_nettype wire
