// SPDX-License-Identifier: MIT
// sglif_sround: the update's stochastic rounding of x / 2^s with a draw u (docs/numerics.md,
// "Stochastic rounding"; sgl_fixed_sround of sw/fixed_train.c):
//   s <= 0:  x 2^-s, clamped to +-2^62 when s < 0 (x unchanged when s = 0)
//   s > 0:   s' = min(s, 62), q = floor(x / 2^s'), rem = x - q 2^s' (the low s' bits);
//            q + 1 if (s' <= 32 ? u >> (32 - s') < rem : u < rem >> (s' - 32)), else q
// The draw is always consumed by the caller (one per parameter), whatever s. REG = 0:
// combinational (clk_i unused); REG = 1: y_o two cycles after the inputs, registered after
// the shift amounts and the mask (from s) and after the shifts (the compare, the increment
// and the left shift's clamp in the last cycle), for the update unit at the board's clock.
// `define SGLIF_FAULT_SROUND (<= in place of <: rounds up one draw in 2^s too often).
`default_nettype none

module sglif_sround #(
    parameter REG = 0
) (
    input  wire               clk_i,
    input  wire signed [63:0] x_i,
    input  wire signed [6:0]  s_i,      // -64 .. 63
    input  wire [31:0]        u_i,      // the draw
    output wire signed [63:0] y_o
);
    // from s alone: the shift amounts and the mask of the low bits
    wire [6:0]           n   = -s_i;                                        // 0 .. 64
    wire [5:0]           sc  = s_i > 7'sd62 ? 6'd62 : s_i[5:0];              // 1 .. 62 here
    wire [63:0]          msk = ~({64{1'b1}} << sc);                          // the low sc bits
    wire                 le  = sc <= 6'd32;
    wire [5:0]           sha = 6'd32 - sc, shb = sc - 6'd32;
    wire                 pos = s_i > 7'sd0, n0 = n == 7'd0;
    // REG = 1: registered here (stage 1)
    wire signed [63:0]   x1;
    wire [31:0]          u1;
    wire [6:0]           n1;
    wire [5:0]           sc1, sha1, shb1;
    wire [63:0]          msk1;
    wire                 le1, pos1, n01;
    // the shifts: s <= 0, x shifted left; s > 0, q, the low bits and the draw's bits
    wire signed [127:0]  wide = {{64{x1[63]}}, x1} <<< n1;
    wire signed [63:0]   q   = x1 >>> sc1;
    wire [63:0]          rem = x1 & msk1;
    wire [63:0]          a   = le1 ? {32'd0, u1 >> sha1} : {32'd0, u1};
    wire [63:0]          b   = le1 ? rem : rem >> shb1;
    // REG = 1: registered here (stage 2)
    wire signed [127:0]  wide2;
    wire signed [63:0]   q2, x2;
    wire [63:0]          a2, b2;
    wire                 pos2, n02;
    generate
        if (REG != 0) begin : g_reg
            reg signed [63:0]  x1_q;
            reg [31:0]         u1_q;
            reg [6:0]          n1_q;
            reg [5:0]          sc1_q, sha1_q, shb1_q;
            reg [63:0]         msk1_q;
            reg                le1_q, pos1_q, n01_q;
            reg signed [127:0] wide_q;
            reg signed [63:0]  q_q, x_q;
            reg [63:0]         a_q, b_q;
            reg                pos_q, n0_q;
            always @(posedge clk_i) begin
                x1_q   <= x_i;
                u1_q   <= u_i;
                n1_q   <= n;
                sc1_q  <= sc;
                sha1_q <= sha;
                shb1_q <= shb;
                msk1_q <= msk;
                le1_q  <= le;
                pos1_q <= pos;
                n01_q  <= n0;
                wide_q <= wide;
                q_q    <= q;
                x_q    <= x1;
                a_q    <= a;
                b_q    <= b;
                pos_q  <= pos1;
                n0_q   <= n01;
            end
            assign {x1, u1, n1, sc1, sha1, shb1, msk1, le1, pos1, n01} =
                   {x1_q, u1_q, n1_q, sc1_q, sha1_q, shb1_q, msk1_q, le1_q, pos1_q, n01_q};
            assign {wide2, q2, x2, a2, b2, pos2, n02} = {wide_q, q_q, x_q, a_q, b_q, pos_q, n0_q};
        end else begin : g_comb
            assign {x1, u1, n1, sc1, sha1, shb1, msk1, le1, pos1, n01} =
                   {x_i, u_i, n, sc, sha, shb, msk, le, pos, n0};
            assign {wide2, q2, x2, a2, b2, pos2, n02} = {wide, q, x1, a, b, pos1, n01};
        end
    endgenerate

    // x 2^n beyond +-2^62 (reductions, not 128-bit compares): above 2^62 when not negative
    // and bits 126..63 or (bit 62 and bits 61..0) are set; below -2^62 when negative and bits
    // 126..62 are not all ones
    wire                 ovf = !wide2[127] && (|wide2[126:63] || (wide2[62] && |wide2[61:0]));
    wire                 unf = wide2[127] && !(&wide2[126:62]);
    wire signed [63:0]   y_l = n02 ? x2 : ovf ? 64'sd1 <<< 62 : unf ? -(64'sd1 <<< 62) : wide2[63:0];
`ifdef SGLIF_FAULT_SROUND
    wire                 up  = a2 <= b2;
`else
    wire                 up  = a2 < b2;
`endif
    wire signed [63:0]   q2p = q2 + 64'sd1;          // beside the compare, not after it
    assign y_o = pos2 ? (up ? q2p : q2) : y_l;
endmodule

`default_nettype wire
