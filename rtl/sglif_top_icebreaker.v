// SPDX-License-Identifier: MIT
// sglif_top_icebreaker: the board top of the iCEBreaker (iCE40UP5K-SG48, constraints/
// icebreaker.pcf): the 12 MHz oscillator through the PLL (SB_PLL40_PAD) to CLK_HZ (27 MHz:
// icepll -i 12 -o 27; 30 MHz met its target on 3 of 5 nextpnr seeds only, docs/boards.md)
// and rtl/sglif_board.v (reset from the PLL's lock and the user button BTN_N, sglif_device on
// the FT2232H's channel B UART at CLK_HZ / CLKS_PER_BIT baud: 3 Mbaud at 9 clocks per bit).
// LEDs (active low): green while the core runs, red after a UART framing error. The flow
// (constraints/boards.mk) sets every parameter from constraints/boards.csv and the board's row
// of rtl/configs.csv; sim/board.mk simulates this module with sim/pll_models.v in place of the
// PLL (sglif-board --board icebreaker).
`default_nettype none

module sglif_top_icebreaker #(
    parameter integer N            = 128,
    parameter integer N_IN         = 128,
    parameter integer EV_AW        = 7,
    parameter integer SG_AW        = 8,
    parameter integer ACC_W        = 32,
    parameter integer N_OUT        = 6,
    parameter integer HIST_STEPS   = 8,
    parameter integer P            = 8,
    parameter integer L            = 1,
    parameter SG_INIT              = "",
    // the clock: 12 MHz * (DIVF + 1) / (DIVR + 1) / 2^DIVQ (icepll)
    parameter integer DIVR         = 0,
    parameter integer DIVF         = 71,
    parameter integer DIVQ         = 5,
    parameter integer FILTER_RANGE = 1,
    parameter integer CLK_HZ       = 27000000,
    parameter integer CLKS_PER_BIT = 9
) (
    input  wire clk_i,       // 12 MHz
    input  wire rst_ni,      // BTN_N
    input  wire uart_rx_i,
    output wire uart_tx_o,
    output wire led_r_no,
    output wire led_g_no
);
    wire clk, lock;
    SB_PLL40_PAD #(
        .FEEDBACK_PATH("SIMPLE"), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ),
        .FILTER_RANGE(FILTER_RANGE)
    ) u_pll (
        .PACKAGEPIN(clk_i), .PLLOUTGLOBAL(clk), .LOCK(lock), .RESETB(1'b1), .BYPASS(1'b0)
    );

    wire busy, err, lock_led, blink;
    sglif_board #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                  .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L), .SG_INIT(SG_INIT),
                  .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT)) u_board (
        .clk_i(clk), .lock_i(lock), .btn_ni(rst_ni), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .busy_o(busy), .err_o(err), .lock_o(lock_led), .blink_o(blink));
    assign led_r_no = !err;
    assign led_g_no = !busy;
    wire unused_ok = &{1'b0, lock_led, blink};
endmodule

`default_nettype wire
