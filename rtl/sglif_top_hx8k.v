// SPDX-License-Identifier: MIT
// sglif_top_hx8k: the board top of the iCE40-HX8K breakout board (iCE40HX8K-CT256,
// constraints/hx8k.pcf): the 12 MHz oscillator through the PLL (SB_PLL40_CORE: the clock pin
// J3 is a global input, not the PLL's own pad) to CLK_HZ (60 MHz: icepll -i 12 -o 60) and
// rtl/sglif_board.v (reset from the PLL's lock: the board has no user button; sglif_device on
// the FT2232H's channel B UART at CLK_HZ / CLKS_PER_BIT baud: 3 Mbaud at 20 clocks per bit).
// LEDs (active high): 0 the core runs, 1 a UART framing error was seen, 2 the PLL is locked,
// 7 blinks at about 1 Hz (the clock runs). The flow (constraints/boards.mk) sets every
// parameter from constraints/boards.csv and the board's row of rtl/configs.csv; sim/board.mk
// simulates this module with sim/pll_models.v in place of the PLL (sglif-board --board hx8k).
`default_nettype none

module sglif_top_hx8k #(
    parameter integer N            = 64,
    parameter integer N_IN         = 64,
    parameter integer EV_AW        = 7,
    parameter integer SG_AW        = 8,
    parameter integer ACC_W        = 32,
    parameter integer N_OUT        = 6,
    parameter integer HIST_STEPS   = 8,
    parameter integer P            = 16,
    parameter integer L            = 1,
    parameter SG_INIT              = "",
    // the clock: 12 MHz * (DIVF + 1) / (DIVR + 1) / 2^DIVQ (icepll)
    parameter integer DIVR         = 0,
    parameter integer DIVF         = 79,
    parameter integer DIVQ         = 4,
    parameter integer FILTER_RANGE = 1,
    parameter integer CLK_HZ       = 60000000,
    parameter integer CLKS_PER_BIT = 20
) (
    input  wire       clk_i,       // 12 MHz
    input  wire       uart_rx_i,
    output wire       uart_tx_o,
    output wire [7:0] led_o
);
    wire clk, lock;
    SB_PLL40_CORE #(
        .FEEDBACK_PATH("SIMPLE"), .DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ),
        .FILTER_RANGE(FILTER_RANGE)
    ) u_pll (
        .REFERENCECLK(clk_i), .PLLOUTGLOBAL(clk), .LOCK(lock), .RESETB(1'b1), .BYPASS(1'b0)
    );

    wire busy, err, lock_led, blink;
    sglif_board #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                  .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L), .SG_INIT(SG_INIT),
                  .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT)) u_board (
        .clk_i(clk), .lock_i(lock), .btn_ni(1'b1), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .busy_o(busy), .err_o(err), .lock_o(lock_led), .blink_o(blink));
    assign led_o = {blink, 4'b0000, lock_led, err, busy};
endmodule

`default_nettype wire
