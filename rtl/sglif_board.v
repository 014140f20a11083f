// SPDX-License-Identifier: MIT
// sglif_board: what the board tops share (rtl/sglif_top_*.v keep only their PLL and pins): the
// reset, sglif_device on the UART pins at CLK_HZ / CLKS_PER_BIT baud, and the LED signals.
// Reset: held while the PLL is not locked or the button (active low, synchronized through two
// registers) is pressed, and for 2^16 cycles after; released synchronously. The LED signals are
// registers (no path from the device's logic to a pad within a cycle), active high: busy_o the
// core runs, err_o a UART framing error was seen since the reset, lock_o the PLL is locked,
// blink_o toggles about once a second (bit clog2(CLK_HZ) - 1 of a free-running counter: the
// clock runs).
`default_nettype none

module sglif_board #(
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
    parameter integer ENGINE       = 0,   // the training engine (rtl/sglif_device.v)
    parameter integer E_N          = 32,
    parameter integer E_IN         = 16,
    parameter integer E_P          = 4,
    parameter integer E_ES_AW      = 10,
    parameter integer E_EMEM_LUT   = 1,
    parameter integer CLK_HZ       = 60000000,
    parameter integer CLKS_PER_BIT = 20
) (
    input  wire clk_i,        // the PLL's output
    input  wire lock_i,       // the PLL's lock
    input  wire btn_ni,       // reset button, active low (1'b1 on a board without one)
    input  wire uart_rx_i,
    output wire uart_tx_o,
    output reg  busy_o = 1'b0,
    output reg  err_o = 1'b0,
    output reg  lock_o = 1'b0,
    output wire blink_o
);
    localparam integer BLINK_W = $clog2(CLK_HZ);

    reg [1:0]  btn_q = 2'b00;
    reg [15:0] por_q = 16'd0;
    reg        rst_q = 1'b1;
    always @(posedge clk_i) begin
        btn_q <= {btn_q[0], btn_ni};
        if (!lock_i || !btn_q[1]) begin
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
                   .ENGINE(ENGINE), .E_N(E_N), .E_IN(E_IN), .E_P(E_P), .E_ES_AW(E_ES_AW),
                   .E_EMEM_LUT(E_EMEM_LUT),
                   .CLK_HZ(CLK_HZ), .CLKS_PER_BIT(CLKS_PER_BIT), .BYTE_IO(0), .MAX_LEN(1024),
                   .IDLE_CYCLES(CLK_HZ / 10)) u_device (
        .clk_i(clk_i), .rst_i(rst_q), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .rx_byte_i(8'd0), .rx_valid_i(1'b0), .tx_byte_o(tx_byte), .tx_valid_o(tx_valid),
        .tx_ready_i(1'b0), .rx_err_o(rx_err), .busy_o(busy), .link_busy_o(link_busy));

    reg               rx_err_q = 1'b0;
    reg [BLINK_W-1:0] blink_q = {BLINK_W{1'b0}};
    always @(posedge clk_i) begin
        blink_q  <= blink_q + 1'b1;
        busy_o   <= busy;
        rx_err_q <= rx_err;
        lock_o   <= lock_i;
        if (rst_q)
            err_o <= 1'b0;
        else if (rx_err_q)
            err_o <= 1'b1;
    end
    assign blink_o = blink_q[BLINK_W-1];
    wire unused_ok = &{1'b0, link_busy, tx_valid, tx_byte};
endmodule

`default_nettype wire
