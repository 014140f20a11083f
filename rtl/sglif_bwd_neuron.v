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
// neuron a cycle, LAT = BWD_NEURON_LAT (rtl/core_map.csv) = 7 cycles from in_valid_i to out_valid_o; tag_i travels along (the
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

    // ---- stage 1: clamp gz, the two halves of code x gamma_q, the decay term -------------
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
    // (the clamps' compares as the bits above GV_W - 1 against the sign: no carry chain)
    wire               gz_hi = !gz_i[63] && |gz_i[62:CW-1], gz_lo = gz_i[63] && !(&gz_i[62:CW-1]);
    wire signed [31:0] gz32  = gz_hi ? GV_MAX[31:0] : gz_lo ? GV_MIN[31:0] : gz_i[31:0];
    // code x gamma_q (17 x 32 signed: 49 bits) as two products of at most 18 x 18 bits (one
    // multiplier each): code x gamma_q[16:0] (unsigned) and code x gamma_q[31:17] (signed)
    wire signed [33:0] mlo   = $signed({2'b0, code_i}) * $signed({1'b0, gamma_i[16:0]});
    wire signed [31:0] mhi   = $signed({1'b0, code_i}) * $signed(gamma_i[31:17]);

    reg                v1_q;
    reg [TAG_W-1:0]    tag1_q;
    reg signed [31:0]  gz1_q;
    reg signed [33:0]  mlo1_q;          // < 2^33
    reg signed [31:0]  mhi1_q;
    reg signed [32:0]  dec1_q;
    reg                sgz1_q;
    always @(posedge clk_i) begin
        tag1_q <= tag_i;
        gz1_q  <= gz32;
        mlo1_q <= mlo;
        mhi1_q <= mhi;
        dec1_q <= dec;
        sgz1_q <= gz_hi || gz_lo;
    end

    // ---- stage 2: m = code x gamma_q -----------------------------------------------------------
    reg                v2_q;
    reg [TAG_W-1:0]    tag2_q;
    reg signed [31:0]  gz2_q;
    reg signed [48:0]  m2_q;
    reg signed [32:0]  dec2_q;
    reg                sgz2_q;
    always @(posedge clk_i) begin
        tag2_q <= tag1_q;
        gz2_q  <= gz1_q;
        m2_q   <= {{15{mlo1_q[33]}}, mlo1_q} + {mhi1_q, 17'd0};
        dec2_q <= dec1_q;
        sgz2_q <= sgz1_q;
    end

    // ---- stage 3: gz x m (32 x 49 signed, 81 bits) as six products of at most 18 x 18 bits:
    // gz's limbs [16:0] (unsigned) and [31:17] (signed) times m's [16:0], [33:17] (unsigned)
    // and [48:34] (signed); p_ab weighs 2^(17 (a + b)) ---------------------------------------
    wire signed [17:0] g0 = {1'b0, gz2_q[16:0]};
    wire signed [14:0] g1 = gz2_q[31:17];
    wire signed [17:0] m0 = {1'b0, m2_q[16:0]}, m1 = {1'b0, m2_q[33:17]};
    wire signed [14:0] m2 = m2_q[48:34];
    reg                v3_q;
    reg [TAG_W-1:0]    tag3_q;
    reg signed [35:0]  p00_q, p01_q;
    reg signed [32:0]  p02_q, p10_q, p11_q;
    reg signed [29:0]  p12_q;
    reg signed [32:0]  dec3_q;
    reg                sgz3_q;
    always @(posedge clk_i) begin
        tag3_q <= tag2_q;
        p00_q  <= g0 * m0;
        p01_q  <= g0 * m1;
        p02_q  <= g0 * m2;
        p10_q  <= g1 * m0;
        p11_q  <= g1 * m1;
        p12_q  <= g1 * m2;
        dec3_q <= dec2_q;
        sgz3_q <= sgz2_q;
    end

    // ---- stages 4 to 6: rnd(p, 24) + dec = floor((p + dec 2^24 + 2^23) / 2^24), the sum of
    // the six products and dec 2^24 + 2^23 (dec 2^24 has no bit 23: the half is its bit),
    // two terms an adder, an adder a stage (82 bits: the sum and every partial sum of it is
    // exact modulo 2^82, and the result, below 2^81 in size, is then exact) ----------------------
    localparam integer XW = 82;
`ifdef SGLIF_FAULT_BWD_ROUND
    wire [23:0]        half = 24'd0;
`else
    wire [23:0]        half = 24'd8388608;                   // 2^23
`endif
    reg                v4_q, v5_q, v6_q;
    reg [TAG_W-1:0]    tag4_q, tag5_q, tag6_q;
    reg signed [XW-1:0] a0_q, a1_q, a2_q, d4_q, b0_q, b1_q;
    reg signed [57:0]  s6_q;
    reg                sgz4_q, sgz5_q, sgz6_q;
    wire signed [XW-1:0] s5  = b0_q + b1_q;
    wire signed [XW-1:0] x00 = {{(XW-36){p00_q[35]}}, p00_q}, x01 = {{(XW-36){p01_q[35]}}, p01_q},
                         x02 = {{(XW-33){p02_q[32]}}, p02_q}, x10 = {{(XW-33){p10_q[32]}}, p10_q},
                         x11 = {{(XW-33){p11_q[32]}}, p11_q}, x12 = {{(XW-30){p12_q[29]}}, p12_q},
                         xd  = {{(XW-57){dec3_q[32]}}, dec3_q, half};
    always @(posedge clk_i) begin
        tag4_q <= tag3_q;
        a0_q   <= x00 + (x01 <<< 17);                             // weight 1
        a1_q   <= x10 + (x12 <<< 34);                             // weight 2^17
        a2_q   <= x02 + x11;                                      // weight 2^34
        d4_q   <= xd;
        sgz4_q <= sgz3_q;
        tag5_q <= tag4_q;
        b0_q   <= a0_q + (a1_q <<< 17);
        b1_q   <= (a2_q <<< 34) + d4_q;
        sgz5_q <= sgz4_q;
        tag6_q <= tag5_q;
        s6_q   <= s5[81:24];
        sgz6_q <= sgz5_q;
    end

    // ---- stage 7: clamp to signed GV_W bits ----------------------------------------------------
    wire s_hi = !s6_q[57] && |s6_q[56:CW-1], s_lo = s6_q[57] && !(&s6_q[56:CW-1]);
    always @(posedge clk_i) begin
        tag_o    <= tag6_q;
        gv_o     <= s_hi ? GV_MAX[31:0] : s_lo ? GV_MIN[31:0] : s6_q[31:0];
        sat_gz_o <= sgz6_q;
        sat_gv_o <= s_hi || s_lo;
    end
    wire unused_ok = &{1'b0, s5[23:0]};

    always @(posedge clk_i) begin
        if (rst_i) begin
            v1_q        <= 1'b0;
            v2_q        <= 1'b0;
            v3_q        <= 1'b0;
            v4_q        <= 1'b0;
            v5_q        <= 1'b0;
            v6_q        <= 1'b0;
            out_valid_o <= 1'b0;
        end else begin
            v1_q        <= in_valid_i;
            v2_q        <= v1_q;
            v3_q        <= v2_q;
            v4_q        <= v3_q;
            v5_q        <= v4_q;
            v6_q        <= v5_q;
            out_valid_o <= v6_q;
        end
    end
endmodule

`default_nettype wire
