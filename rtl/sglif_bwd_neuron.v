// SPDX-License-Identifier: MIT
// sglif_bwd_neuron: one neuron of the training engine's backward walk (docs/rtl.md, "Training
// engine (design)"; docs/numerics.md, the integer BPTT): from gz, the gradient reaching the
// neuron's spike at step t (the sum of the rounded W_out and recurrent dot products, int64),
// the neuron's SG code of step t and its dampening constant gamma_q, and gv_(t+1) of the same
// neuron,
//   a      = rnd(sat(gz) (code gamma_q), 24)            rnd(x, s) = floor((x + 2^(s-1)) / 2^s)
//   gv_t   = sat(a + (has_next && !(reset_mult && z) ? gv_(t+1) - asr(gv_(t+1), k) : 0))
// exactly, sat the clamp to signed GV_W bits (the rule's int24: GV_W of rtl/core_map.csv, the
// twin's SGL_FT_GV_BITS; gv_o carries it sign-extended to 32 bits) (the product is 80 bits
// wide here; the twin's int64 product is exact for the gamma_q its quantizer makes). One
// neuron a cycle, LAT = 4 cycles from in_valid_i to out_valid_o; tag_i travels along (the
// neuron index). Saturation flags: sat_gz_o when gz was clamped, sat_gv_o when gv_t was (the
// twin counts both). `define SGLIF_FAULT_BWD_DECAY (the decay one shift off), SGLIF_FAULT_BWD_ROUND (floor
// in place of the rounding of the SG product), SGLIF_FAULT_BWD_RESET (the multiplicative
// reset's cut ignored) and SGLIF_FAULT_BWD_CLAMP (the clamps at int32, not GV_W) alter it for
// the self-test (make bwd-selftest).
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_bwd_neuron #(
    parameter integer TAG_W = 8,           // width of tag_i (the neuron index)
    parameter integer GV_W  = `SGLIF_GV_W  // gz and gv clamped to signed GV_W bits (2..32)
) (
    input  wire                    clk_i,
    input  wire                    rst_i,        // synchronous, the valid bits only
    input  wire                    in_valid_i,
    input  wire [TAG_W-1:0]        tag_i,
    input  wire signed [63:0]      gz_i,         // gradient at the spike, before the clamp
    input  wire [15:0]             code_i,       // SG code of step t (0: a = 0)
    input  wire signed [31:0]      gamma_i,      // gamma_q of the neuron
    input  wire signed [31:0]      gv_next_i,    // gv_(t+1) of the neuron (any int32)
    input  wire                    has_next_i,   // 0 at the last step (gv_T = 0)
    input  wire                    z_i,          // spike of step t
    input  wire                    reset_mult_i, // 1: reset to zero (cuts the decay term at a spike)
    input  wire [3:0]              k_i,          // decay shift
    output reg                     out_valid_o,
    output reg  [TAG_W-1:0]        tag_o,
    output reg  signed [31:0]      gv_o,
    output reg                     sat_gz_o,
    output reg                     sat_gv_o
);
`ifdef SGLIF_FAULT_BWD_CLAMP
    localparam integer       CW     = GV_W - GV_W + 32;  // the int32 clamp of before
`else
    localparam integer       CW     = GV_W;
`endif
    localparam signed [63:0] GV_MAX = (64'sd1 <<< (CW - 1)) - 64'sd1;
    localparam signed [63:0] GV_MIN = -(64'sd1 <<< (CW - 1));
    localparam signed [57:0] S_MAX  = GV_MAX[57:0];   // the same, for stage 4's signed compare
    localparam signed [57:0] S_MIN  = GV_MIN[57:0];

    // ---- stage 1: clamp gz, code x gamma_q, the decay term -------------------------------
`ifdef SGLIF_FAULT_BWD_DECAY
    wire [4:0]         k_eff = {1'b0, k_i} + 5'd1;
`else
    wire [4:0]         k_eff = {1'b0, k_i};
`endif
`ifdef SGLIF_FAULT_BWD_RESET
    wire               keep  = has_next_i || (reset_mult_i && z_i && 1'b0);
`else
    wire               keep  = has_next_i && !(reset_mult_i && z_i);
`endif
    wire signed [31:0] asr_g = gv_next_i >>> k_eff;
    wire signed [32:0] dec   = keep ? {gv_next_i[31], gv_next_i} - {asr_g[31], asr_g} : 33'sd0;
    wire               gz_hi = gz_i > GV_MAX, gz_lo = gz_i < GV_MIN;
    wire signed [31:0] gz32  = gz_hi ? GV_MAX[31:0] : gz_lo ? GV_MIN[31:0] : gz_i[31:0];
    wire signed [48:0] m     = $signed({1'b0, code_i}) * gamma_i;   // 17 x 32 signed: 49 bits

    reg                v1_q;
    reg [TAG_W-1:0]    tag1_q;
    reg signed [31:0]  gz1_q;
    reg signed [48:0]  m1_q;
    reg signed [32:0]  dec1_q;
    reg                sgz1_q;
    always @(posedge clk_i) begin
        tag1_q <= tag_i;
        gz1_q  <= gz32;
        m1_q   <= m;
        dec1_q <= dec;
        sgz1_q <= gz_hi || gz_lo;
    end

    // ---- stage 2: the SG product, exact (32 x 49 signed: 81 bits) -------------------------
    reg                v2_q;
    reg [TAG_W-1:0]    tag2_q;
    reg signed [80:0]  p2_q;
    reg signed [32:0]  dec2_q;
    reg                sgz2_q;
    always @(posedge clk_i) begin
        tag2_q <= tag1_q;
        p2_q   <= gz1_q * m1_q;
        dec2_q <= dec1_q;
        sgz2_q <= sgz1_q;
    end

    // ---- stage 3: rnd(p, 24) plus the decay term ----------------------------------------
`ifdef SGLIF_FAULT_BWD_ROUND
    wire signed [80:0] pr = p2_q;
`else
    wire signed [80:0] pr = p2_q + 81'sd8388608;                     // + 2^23
`endif
    wire signed [56:0] a  = pr[80:24];                                // floor(pr / 2^24)
    reg                v3_q;
    reg [TAG_W-1:0]    tag3_q;
    reg signed [57:0]  s3_q;
    reg                sgz3_q;
    always @(posedge clk_i) begin
        tag3_q <= tag2_q;
        s3_q   <= {a[56], a} + {{25{dec2_q[32]}}, dec2_q};
        sgz3_q <= sgz2_q;
    end

    // ---- stage 4: clamp to signed GV_W bits ----------------------------------------------------
    wire s_hi = s3_q > S_MAX, s_lo = s3_q < S_MIN;
    always @(posedge clk_i) begin
        tag_o    <= tag3_q;
        gv_o     <= s_hi ? GV_MAX[31:0] : s_lo ? GV_MIN[31:0] : s3_q[31:0];
        sat_gz_o <= sgz3_q;
        sat_gv_o <= s_hi || s_lo;
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            v1_q        <= 1'b0;
            v2_q        <= 1'b0;
            v3_q        <= 1'b0;
            out_valid_o <= 1'b0;
        end else begin
            v1_q        <= in_valid_i;
            v2_q        <= v1_q;
            v3_q        <= v2_q;
            out_valid_o <= v3_q;
        end
    end
endmodule

`default_nettype wire
