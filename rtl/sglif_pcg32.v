// SPDX-License-Identifier: MIT
// sglif_pcg32: the training engine's rounding generator (docs/rtl.md, "Training engine
// (design)"): PCG32 XSH-RR exactly as the twin's sgl_rng_u32 (sw/rng.c), so that the update's
// stochastic rounding draws the twin's stream: on next_i, u_o = XSH-RR of the state (valid_o
// the next cycle) and the state becomes state 6364136223846793005 + inc, the 64 x 64 product
// taken as four 64 x 16 partial products over UPDATE_CYC = 4 cycles (busy_o meanwhile; next_i
// is ignored while busy). load_i sets state and increment (the host seeds them as
// sgl_rng_seed does, and restores them from a checkpoint); state_o, inc_o read them back.
// `define SGLIF_FAULT_PCG (the output's rotation one bit off) for the self-test.
`default_nettype none

module sglif_pcg32 (
    input  wire        clk_i,
    input  wire        rst_i,      // synchronous: the control state only
    input  wire        load_i,     // while not busy
    input  wire [63:0] state_i,
    input  wire [63:0] inc_i,
    input  wire        next_i,     // a draw, while not busy
    output reg  [31:0] u_o,
    output reg         valid_o,
    output wire        busy_o,
    output wire [63:0] state_o,
    output wire [63:0] inc_o
);
    localparam [63:0] MULT = 64'd6364136223846793005;

    reg [63:0] state_q, inc_q, acc_q;
    reg [1:0]  k_q;                 // partial product in progress (1..3)
    reg        busy_q;
    assign busy_o  = busy_q;
    assign state_o = state_q;
    assign inc_o   = inc_q;

    // XSH-RR of the state
    // ((state >> 18) ^ state) >> 27, as 32 bits
    wire [31:0] xs  = {13'd0, state_q[63:45]} ^ state_q[58:27];
`ifdef SGLIF_FAULT_PCG
    wire [4:0]  rot = state_q[63:59] + 5'd1;
`else
    wire [4:0]  rot = state_q[63:59];
`endif
    wire [31:0] out = (xs >> rot) | (xs << (6'd32 - {1'b0, rot}));   // rot 0: xs << 32 = 0

    // state MULT, low 64 bits: sum over k of (state MULT[16k +: 16]) << 16k
    wire [63:0] part = state_q * {48'd0, MULT[16*k_q +: 16]};
    wire [63:0] part_sh = part << (16 * k_q);

    always @(posedge clk_i) begin
        valid_o <= 1'b0;
        if (rst_i)
            busy_q <= 1'b0;
        else if (load_i && !busy_q) begin
            state_q <= state_i;
            inc_q   <= inc_i;
        end else if (next_i && !busy_q) begin
            u_o     <= out;
            valid_o <= 1'b1;
            acc_q   <= state_q * {48'd0, MULT[15:0]};
            k_q     <= 2'd1;
            busy_q  <= 1'b1;
        end else if (busy_q) begin
            if (k_q == 2'd3) begin
                state_q <= acc_q + part_sh + inc_q;
                busy_q  <= 1'b0;
            end else
                acc_q <= acc_q + part_sh;
            k_q <= k_q + 2'd1;
        end
    end
endmodule

`default_nettype wire
