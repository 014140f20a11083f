// SPDX-License-Identifier: MIT
// sglif_uart_rx: 8N1 UART receiver (docs/protocol.md, "Line"). The line is synchronized by two
// flip-flops; a falling edge starts a frame, the start bit is checked at its middle, then the
// eight data bits (LSB first) and the stop bit are sampled at their middles, CLKS_PER_BIT clock
// cycles apart. A stop bit read as 0 is a framing error (a glitch, a break or a wrong rate):
// no byte is delivered, err_o pulses, and the receiver waits for the line to be idle (1) again
// before it looks for the next start bit. A start bit that is 1 at its middle was a glitch and
// is ignored. Tolerance: the sample point may drift half a bit minus the edge uncertainty (one
// clock) over 9.5 bits, i.e. (CLKS_PER_BIT / 2 - 2) / (9.5 CLKS_PER_BIT) of rate error: 2.6 %
// at 12 clocks per bit (36 MHz / 3 Mbaud), 0 at 4 (use at least 8).
`default_nettype none

module sglif_uart_rx #(
    parameter integer CLKS_PER_BIT = 12   // clock / baud rate, at least 4
) (
    input  wire       clk_i,
    input  wire       rst_i,      // synchronous
    input  wire       rx_i,       // the line, asynchronous, idle high
    output reg  [7:0] data_o,
    output reg        valid_o,    // one-cycle pulse: data_o holds a received byte
    output reg        err_o       // one-cycle pulse: framing error (stop bit 0)
);
    localparam integer CW   = $clog2(CLKS_PER_BIT + 1);
    localparam integer HALF = CLKS_PER_BIT / 2 - 1;     // from the edge seen to mid start bit
    localparam integer FULL = CLKS_PER_BIT - 1;
    localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;

    reg [1:0]    sync_q;            // two-flop synchronizer, [1] is the synchronized line
    reg [1:0]    state_q;
    reg [CW-1:0] cnt_q;
    reg [2:0]    bit_q;
    reg [7:0]    shift_q;
    reg          wait_idle_q;       // after a framing error: wait for a 1 before a new start

    always @(posedge clk_i) begin
        if (rst_i)
            sync_q <= 2'b11;
        else
            sync_q <= {sync_q[0], rx_i};
    end
    wire line = sync_q[1];

    always @(posedge clk_i) begin
        valid_o <= 1'b0;
        err_o   <= 1'b0;
        if (rst_i) begin
            state_q     <= S_IDLE;
            cnt_q       <= {CW{1'b0}};
            bit_q       <= 3'd0;
            wait_idle_q <= 1'b0;
        end else begin
            case (state_q)
                S_IDLE:
                    if (wait_idle_q) begin
                        if (line)
                            wait_idle_q <= 1'b0;
                    end else if (!line) begin
                        state_q <= S_START;
                        cnt_q   <= HALF[CW-1:0];
                    end
                S_START:
                    if (cnt_q != 0)
                        cnt_q <= cnt_q - 1'b1;
                    else if (line)
                        state_q <= S_IDLE;          // a glitch, not a start bit
                    else begin
                        state_q <= S_DATA;
                        cnt_q   <= FULL[CW-1:0];
                        bit_q   <= 3'd0;
                    end
                S_DATA:
                    if (cnt_q != 0)
                        cnt_q <= cnt_q - 1'b1;
                    else begin
                        shift_q <= {line, shift_q[7:1]};
                        cnt_q   <= FULL[CW-1:0];
                        bit_q   <= bit_q + 1'b1;
                        if (bit_q == 3'd7)
                            state_q <= S_STOP;
                    end
                default: // S_STOP
                    if (cnt_q != 0)
                        cnt_q <= cnt_q - 1'b1;
                    else begin
                        state_q <= S_IDLE;
                        if (line) begin
                            data_o  <= shift_q;
                            valid_o <= 1'b1;
                        end else begin
                            err_o       <= 1'b1;
                            wait_idle_q <= 1'b1;
                        end
                    end
            endcase
        end
    end
endmodule

`default_nettype wire
