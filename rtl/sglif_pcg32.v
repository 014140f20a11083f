// SPDX-License-Identifier: MIT
// sglif_pcg32: the training engine's rounding generator (docs/rtl.md, "Training engine
// (design)"): PCG32 XSH-RR exactly as the twin's sgl_rng_u32 (sw/rng.c), so that the update's
// stochastic rounding draws the twin's stream: on next_i, u_o = XSH-RR of the state (valid_o
// the next cycle) and the state becomes state 6364136223846793005 + inc, the product (mod 2^64)
// from ten registered 16 x 16 products summed over UPDATE_CYC = 4 cycles, no path longer than
// a product or a 64-bit add (busy_o meanwhile; next_i is ignored while busy). load_i sets
// state and increment (the host seeds them as sgl_rng_seed does, and restores them from a
// checkpoint); state_o, inc_o read them back.
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
    localparam [15:0] M0 = MULT[15:0], M1 = MULT[31:16], M2 = MULT[47:32], M3 = MULT[63:48];

    reg [63:0] state_q, inc_q;
    reg [1:0]  k_q;                 // the cycle of the multiply-add in progress (1..3)
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

    // state MULT mod 2^64 from 16-bit chunks: sum over i + j <= 3 of s_i m_j 2^(16 (i + j)),
    // the ten products registered in the draw's cycle, summed per weight in the next, then
    // two 64-bit sums (the increment in one), then their sum: the new state after 4 cycles
    wire [15:0] s0 = state_q[15:0], s1 = state_q[31:16], s2 = state_q[47:32], s3 = state_q[63:48];
    reg  [31:0] p00, p01, p10, p02, p11, p20;
    reg  [15:0] p03, p12, p21, p30;             // weight 2^48: their low 16 bits count
    reg  [31:0] t0_q;
    reg  [32:0] t1_q;
    reg  [31:0] t2_q;                            // weight 2^32: its low 32 bits count
    reg  [15:0] t3_q;
    reg  [63:0] a_q, b_q;


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
            p00 <= s0 * M0;
            p01 <= s0 * M1;
            p10 <= s1 * M0;
            p02 <= s0 * M2;
            p11 <= s1 * M1;
            p20 <= s2 * M0;
            p03 <= s0 * M3;
            p12 <= s1 * M2;
            p21 <= s2 * M1;
            p30 <= s3 * M0;
            k_q     <= 2'd1;
            busy_q  <= 1'b1;
        end else if (busy_q) begin
            case (k_q)
                2'd1: begin
                    t0_q <= p00;
                    t1_q <= {1'b0, p01} + {1'b0, p10};
                    t2_q <= p02 + p11 + p20;
                    t3_q <= p03 + p12 + p21 + p30;
                end
                2'd2: begin
                    a_q <= {15'd0, t1_q, 16'd0} + {32'd0, t0_q};
                    b_q <= {t2_q, 32'd0} + {t3_q, 48'd0} + inc_q;
                end
                default: begin
                    state_q <= a_q + b_q;
                    busy_q  <= 1'b0;
                end
            endcase
            k_q <= k_q + 2'd1;
        end
    end
endmodule

`default_nettype wire
