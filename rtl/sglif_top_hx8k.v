// SPDX-License-Identifier: MIT
// sglif_top_hx8k: the board top of the iCE40-HX8K breakout board (iCE40HX8K-CT256,
// constraints/hx8k.pcf): the 12 MHz oscillator through the PLL (SB_PLL40_CORE: the clock pin
// J3 is a global input, not the PLL's own pad) to CLK_HZ (60 MHz: icepll -i 12 -o 60), a
// reset from the PLL's lock (the board has no user button) and sglif_device on the FT2232H's
// channel B UART at CLK_HZ / CLKS_PER_BIT baud (3 Mbaud at 20 clocks per bit). LEDs (active
// high): 0 the core runs, 1 a UART framing error was seen, 2 the PLL is locked, 7 blinks at
// about 1 Hz (the clock runs). The flow (constraints/boards.mk) sets every parameter from
// constraints/boards.csv and the board's row of rtl/configs.csv.
`default_nettype none

module sglif_top_hx8k #(
    parameter integer N            = 64,
    parameter integer N_IN         = 64,
    parameter integer EV_AW        = 7,
    parameter integer SG_AW        = 8,
    parameter integer ACC_W        = 32,
    parameter integer N_OUT        = 8,
    parameter integer HIST_STEPS   = 8,
    parameter integer P            = 4,
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

    // reset: held while the PLL is not locked, and for 2^16 cycles after; released
    // synchronously
    reg [15:0] por_q = 16'd0;
    reg        rst_q = 1'b1;
    always @(posedge clk) begin
        if (!lock) begin
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
    reg [25:0] blink_q = 26'd0;
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
    assign led_o = {blink_q[25], 4'b0000, lock_q, err_seen_q, busy_q};
    wire unused_ok = &{1'b0, link_busy, tx_valid, tx_byte};
endmodule

`default_nettype wire
