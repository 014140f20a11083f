// SPDX-License-Identifier: MIT
// sglif_top_icebreaker: the board top of the iCEBreaker (iCE40UP5K-SG48, constraints/
// icebreaker.pcf): the 12 MHz oscillator through the PLL to 30 MHz, a reset from the PLL's lock
// and the user button, and sglif_device on the FT2232H's channel B UART at 3 Mbaud (10 clocks
// per bit). LEDs (active low): green while the core runs, red after a UART framing error.
// Status (issue 5): read by Yosys in make link-lint; no bitstream yet. Measured with the up5k
// row (N 256, P 8, HIST_STEPS 8): 4741 LUT4, 1183 carries, 24 EBR, 4 SPRAM, which nextpnr
// packs into 6222 of the UP5K's 5280 logic cells: it does not place yet (docs/protocol.md,
// "Size on the UP5K").
`default_nettype none

module sglif_top_icebreaker #(
    parameter integer N          = 256,
    parameter integer N_IN       = 256,
    parameter integer EV_AW      = 8,
    parameter integer SG_AW      = 8,
    parameter integer ACC_W      = 32,
    parameter integer N_OUT      = 7,
    parameter integer HIST_STEPS = 8,
    parameter integer P          = 8,
    parameter integer L          = 1,
    parameter SG_INIT            = ""
) (
    input  wire clk_i,       // 12 MHz
    input  wire rst_ni,      // BTN_N
    input  wire uart_rx_i,
    output wire uart_tx_o,
    output wire led_r_no,
    output wire led_g_no
);
    // 12 MHz -> 30 MHz: icepll -i 12 -o 30 (DIVR 0, DIVF 79, DIVQ 5, FILTER_RANGE 1)
    wire clk, lock;
    SB_PLL40_PAD #(
        .FEEDBACK_PATH("SIMPLE"), .DIVR(4'd0), .DIVF(7'd79), .DIVQ(3'd5), .FILTER_RANGE(3'd1)
    ) u_pll (
        .PACKAGEPIN(clk_i), .PLLOUTGLOBAL(clk), .LOCK(lock), .RESETB(1'b1), .BYPASS(1'b0)
    );

    // reset: held while the PLL is not locked or the button is pressed, and for 2^16 cycles
    // after; released synchronously
    reg [1:0]  btn_q = 2'b00;
    reg [15:0] por_q = 16'd0;
    reg        rst_q = 1'b1;
    always @(posedge clk) begin
        btn_q <= {btn_q[0], rst_ni};
        if (!lock || !btn_q[1]) begin
            por_q <= 16'd0;
            rst_q <= 1'b1;
        end else if (por_q != 16'hFFFF)
            por_q <= por_q + 1'b1;
        else
            rst_q <= 1'b0;
    end

    wire       busy, rx_err, link_busy, tx_valid;
    wire [7:0] tx_byte;
    sglif_device #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                   .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L), .SG_INIT(SG_INIT),
                   .CLK_HZ(30000000), .CLKS_PER_BIT(10), .BYTE_IO(0), .MAX_LEN(1024),
                   .IDLE_CYCLES(3000000)) u_device (
        .clk_i(clk), .rst_i(rst_q), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .rx_byte_i(8'd0), .rx_valid_i(1'b0), .tx_byte_o(tx_byte), .tx_valid_o(tx_valid),
        .tx_ready_i(1'b0), .rx_err_o(rx_err), .busy_o(busy), .link_busy_o(link_busy));

    // the LEDs from registers: no path from the device's logic to a pad within a cycle
    reg err_seen_q = 1'b0, busy_q = 1'b0, rx_err_q = 1'b0;
    always @(posedge clk) begin
        busy_q <= busy;
        rx_err_q <= rx_err;
        if (rst_q)
            err_seen_q <= 1'b0;
        else if (rx_err_q)
            err_seen_q <= 1'b1;
    end
    assign led_r_no = !err_seen_q;
    assign led_g_no = !busy_q;
    wire unused_ok = &{1'b0, link_busy, tx_valid, tx_byte};
endmodule

`default_nettype wire
