// SPDX-License-Identifier: MIT
// sglif_top_ulx3s: the board top of the ULX3S (ECP5 LFE5U-12F/25F/45F/85F, CABGA381,
// constraints/ulx3s.lpf): the 25 MHz oscillator through the PLL (EHXPLLL) to CLK_HZ (75 MHz:
// yowasp-ecppll -i 25 -o 75), a reset from the PLL's lock and the button BTN_PWRn, and
// sglif_device on the FT231X UART at CLK_HZ / CLKS_PER_BIT baud (3 Mbaud at 25 clocks per
// bit). LEDs (active high): 0 the core runs, 1 a UART framing error was seen, 2 the PLL is
// locked, 7 blinks at about 1 Hz (the clock runs). The flow (constraints/boards.mk) sets every
// parameter from constraints/boards.csv and the board's row of rtl/configs.csv.
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
    wire clk, lock;
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
        .RST(1'b0), .STDBY(1'b0), .CLKI(clk_i), .CLKOP(clk), .CLKFB(clk), .CLKINTFB(),
        .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1),
        .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(lock)
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
                   .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT), .BYTE_IO(0), .MAX_LEN(1024),
                   .IDLE_CYCLES(CLK_HZ / 10)) u_device (
        .clk_i(clk), .rst_i(rst_q), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .rx_byte_i(8'd0), .rx_valid_i(1'b0), .tx_byte_o(tx_byte), .tx_valid_o(tx_valid),
        .tx_ready_i(1'b0), .rx_err_o(rx_err), .busy_o(busy), .link_busy_o(link_busy));

    // the LEDs from registers: no path from the device's logic to a pad within a cycle
    reg        err_seen_q = 1'b0, busy_q = 1'b0, rx_err_q = 1'b0, lock_q = 1'b0;
    reg [26:0] blink_q = 27'd0;
    always @(posedge clk) begin
        blink_q <= blink_q + 1'b1;
        busy_q  <= busy;
        rx_err_q <= rx_err;
        lock_q  <= lock;
        if (rst_q)
            err_seen_q <= 1'b0;
        else if (rx_err_q)
            err_seen_q <= 1'b1;
    end
    assign led_o = {blink_q[26], 4'b0000, lock_q, err_seen_q, busy_q};
    wire unused_ok = &{1'b0, link_busy, tx_valid, tx_byte};
endmodule

`default_nettype wire
