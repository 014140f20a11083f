// SPDX-License-Identifier: MIT
// sglif_top_ulx3s: the board top of the ULX3S (ECP5 LFE5U-12F/25F/45F/85F, CABGA381,
// constraints/ulx3s.lpf): the 25 MHz oscillator through the PLL (EHXPLLL) to CLK_HZ (75 MHz:
// yowasp-ecppll -i 25 -o 75) and rtl/sglif_board.v (reset from the PLL's lock and the button
// BTN_PWRn, sglif_device on the FT231X UART at CLK_HZ / CLKS_PER_BIT baud: 3 Mbaud at 25
// clocks per bit). LEDs (active high): 0 the core runs, 1 a UART framing error was seen, 2 the
// PLL is locked, 7 blinks at about 1 Hz (the clock runs). The flow (constraints/boards.mk) sets every
// parameter from constraints/boards.csv and the board's row of rtl/configs.csv; sim/board.mk
// simulates this module with sim/pll_models.v in place of the PLL (sglif-board --board ulx3s-*).
`default_nettype none

module sglif_top_ulx3s #(
    parameter integer N            = 128,
    parameter integer N_IN         = 256,
    parameter integer EV_AW        = 8,
    parameter integer SG_AW        = 8,
    parameter integer ACC_W        = 32,
    parameter integer N_OUT        = 20,
    parameter integer HIST_STEPS   = 100,
    parameter integer P            = 8,
    parameter integer L            = 1,
    parameter SG_INIT              = "",
    // the training engine (rtl/configs.csv's engine_* columns; 0: none)
    parameter integer ENGINE       = 0,
    parameter integer E_N          = 32,
    parameter integer E_IN         = 16,
    parameter integer E_P          = 4,
    parameter integer E_ES_AW      = 10,
    parameter integer E_EMEM_LUT   = 1,
    // the clock: 25 MHz / CLKI_DIV * CLKFB_DIV (feedback from CLKOP; VCO = that * CLKOP_DIV)
    parameter integer CLKI_DIV     = 1,
    parameter integer CLKFB_DIV    = 3,
    parameter integer CLKOP_DIV    = 8,
    parameter integer CLKOP_CPHASE = 4,
    parameter integer CLK_HZ       = 75000000,
    parameter integer CLKS_PER_BIT = 25
) (
    input  wire       clk_i,       // 25 MHz
    input  wire       rst_ni,      // BTN_PWRn
    input  wire       uart_rx_i,
    output wire       uart_tx_o,
    output wire [7:0] led_o
);
    wire clk, lock, intfb;
    (* FREQUENCY_PIN_CLKI = "25" *)
    (* ICP_CURRENT = "12" *) (* LPF_RESISTOR = "8" *) (* MFG_ENABLE_FILTEROPAMP = "1" *)
    (* MFG_GMCREF_SEL = "2" *)
    EHXPLLL #(
        .PLLRST_ENA("DISABLED"), .INTFB_WAKE("DISABLED"), .STDBY_ENABLE("DISABLED"),
        .DPHASE_SOURCE("DISABLED"), .OUTDIVIDER_MUXA("DIVA"), .OUTDIVIDER_MUXB("DIVB"),
        .OUTDIVIDER_MUXC("DIVC"), .OUTDIVIDER_MUXD("DIVD"), .CLKI_DIV(CLKI_DIV),
        .CLKOP_ENABLE("ENABLED"), .CLKOP_DIV(CLKOP_DIV), .CLKOP_CPHASE(CLKOP_CPHASE),
        .CLKOP_FPHASE(0), .FEEDBK_PATH("CLKOP"), .CLKFB_DIV(CLKFB_DIV)
    ) u_pll (
        .RST(1'b0), .STDBY(1'b0), .CLKI(clk_i), .CLKOP(clk), .CLKFB(clk), .CLKINTFB(intfb),
        .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1),
        .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(lock)
    );

    wire busy, err, lock_led, blink;
    sglif_board #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                  .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L), .SG_INIT(SG_INIT),
                  .ENGINE(ENGINE), .E_N(E_N), .E_IN(E_IN), .E_P(E_P), .E_ES_AW(E_ES_AW),
                  .E_EMEM_LUT(E_EMEM_LUT),
                  .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT)) u_board (
        .clk_i(clk), .lock_i(lock), .btn_ni(rst_ni), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .busy_o(busy), .err_o(err), .lock_o(lock_led), .blink_o(blink));
    assign led_o = {blink, 4'b0000, lock_led, err, busy};
    wire unused_ok = &{1'b0, intfb};
endmodule

`default_nettype wire
