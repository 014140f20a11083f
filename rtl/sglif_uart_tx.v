// SPDX-License-Identifier: MIT
// sglif_uart_tx: 8N1 UART transmitter (docs/protocol.md, "Line"): a start bit, eight data
// bits LSB first and one stop bit, CLKS_PER_BIT clock cycles each. A byte is taken when valid_i
// and ready_o are both high; ready_o is high while the transmitter is idle. Back-to-back bytes
// leave no idle time between the stop bit and the next start bit (10 bits per byte).
`default_nettype none

module sglif_uart_tx #(
    parameter integer CLKS_PER_BIT = 12   // clock / baud rate, at least 2
) (
    input  wire       clk_i,
    input  wire       rst_i,      // synchronous
    input  wire [7:0] data_i,
    input  wire       valid_i,
    output wire       ready_o,
    output reg        tx_o        // the line, idle high
);
    localparam integer CW   = $clog2(CLKS_PER_BIT + 1);
    localparam integer FULL = CLKS_PER_BIT - 1;

    reg [8:0]    shift_q;         // {stop bit, data}, shifted out LSB first
    reg [3:0]    left_q;          // bits still to start after the current one
    reg [CW-1:0] cnt_q;           // cycles left in the current bit

    assign ready_o = left_q == 4'd0 && cnt_q == {CW{1'b0}};

    always @(posedge clk_i) begin
        if (rst_i) begin
            left_q <= 4'd0;
            cnt_q  <= {CW{1'b0}};
            tx_o   <= 1'b1;
        end else if (cnt_q != {CW{1'b0}})
            cnt_q <= cnt_q - 1'b1;
        else if (left_q != 4'd0) begin
            tx_o    <= shift_q[0];
            shift_q <= {1'b1, shift_q[8:1]};
            cnt_q   <= FULL[CW-1:0];
            left_q  <= left_q - 1'b1;
        end else if (valid_i) begin
            tx_o    <= 1'b0;                 // start bit
            shift_q <= {1'b1, data_i};
            cnt_q   <= FULL[CW-1:0];
            left_q  <= 4'd9;
        end
    end
endmodule

`default_nettype wire
