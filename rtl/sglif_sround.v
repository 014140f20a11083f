// SPDX-License-Identifier: MIT
// sglif_sround: the update's stochastic rounding of x / 2^s with a draw u (docs/numerics.md,
// "Stochastic rounding"; sgl_fixed_sround of sw/fixed_train.c):
//   s <= 0:  x 2^-s, clamped to +-2^62 when s < 0 (x unchanged when s = 0)
//   s > 0:   s' = min(s, 62), q = floor(x / 2^s'), rem = x - q 2^s' (the low s' bits);
//            q + 1 if (s' <= 32 ? u >> (32 - s') < rem : u < rem >> (s' - 32)), else q
// The draw is always consumed by the caller (one per parameter), whatever s.
// One shifter does all (docs/rtl.md, "The batch-end update and the rounding stream"): the
// 96-bit {x, 32 zeros} shifted right by s' (arithmetic) holds q in its upper 64 bits and in
// its lower 32 the bits s'-1 .. s'-32 of x (zeros below bit 0), b = (rem 2^32) >> s'; both
// forms of the compare are u < b (floor(u / 2^k) < rem is u < rem 2^k), 32 bits wide. For
// s < 0 the same shifter takes x bit-reversed, shifted right by n = -s with zeros (x 2^n
// reversed, mod 2^64); the clamp is decided on x with the mask of its bits below 62 - n
// (x 2^n > 2^62 when x > 2^(62-n), below -2^62 when x < -2^(62-n); n >= 63: any x != 0).
// REG = 0: combinational (clk_i unused); REG = 1: y_o two cycles after the inputs, registered
// after the shift amount and the mask (from s) and after the shift and the clamp's flags (the
// compare, the increment and the select in the last cycle), for the update unit at the board's
// clock.
// `define SGLIF_FAULT_SROUND (the twin's compare with <= in place of <: rounds up one draw in
// 2^s too often), SGLIF_FAULT_SROUND_CLAMP (the left shift's clamp misses x = -1 at
// n >= 63: -2^63 or 0 for -2^62).
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
    // from s alone: the shift amount, the form, the clamp's mask
    wire [6:0]           n   = -s_i;                                        // 1 .. 64 when s < 0
    wire                 pos = s_i > 7'sd0, neg = s_i < 7'sd0;
    wire [5:0]           amt = pos ? (s_i > 7'sd62 ? 6'd62 : s_i[5:0]) : n[5:0];
    wire                 big = n > 7'd62;                                   // s < 0: t = 62 - n < 0
    wire [5:0]           t   = 6'd62 - n[5:0];
    wire [63:0]          msk = big ? 64'd0 : ~({64{1'b1}} << t);            // x's bits below t
    // REG = 1: registered here (stage 1)
    wire signed [63:0]   x1;
    wire [31:0]          u1;
    wire [5:0]           amt1;
    wire [63:0]          msk1;
    wire                 pos1, neg1, big1;
    // the shift: s > 0, {x, 0} >>> s' (q above, the compare's b below); s <= 0, x reversed >> n
    wire [63:0]          xr, yr;
    genvar gi;
    generate for (gi = 0; gi < 64; gi = gi + 1) begin : g_rev
        assign xr[gi] = x1[63 - gi];
    end endgenerate
    wire signed [95:0]   sin = pos1 ? {x1, 32'd0} : {xr, 32'd0};
    wire                 fill = pos1 && x1[63];
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [96:0]   shx = $signed({fill, sin}) >>> amt1;          // (its bit 96: the fill)
    /* verilator lint_on UNUSEDSIGNAL */
    wire [95:0]          sh  = shx[95:0];
    // the clamp (s < 0): above 2^62 when x > 2^t (a bit above t, or bit t and one below it),
    // below -2^62 when x < -2^t (not all of bits 63 .. t ones); t < 0: any x != 0
    wire [63:0]          mle = {msk1[62:0], !big1};                         // bits t .. 0
    wire                 xn  = x1[63];
    wire                 ovf = neg1 && !xn && (|(x1 & ~mle) || (|(x1 & mle & ~msk1) && |(x1 & msk1)));
`ifdef SGLIF_FAULT_SROUND_CLAMP
    wire                 unf = neg1 && xn && |(~x1 & ~msk1);                // x = -1 at n >= 63 kept
`else
    wire                 unf = neg1 && xn && (big1 || |(~x1 & ~msk1));
`endif
    // REG = 1: registered here (stage 2)
    wire [95:0]          sh2;
    wire [31:0]          u2;
    wire                 pos2, ovf2, unf2;
`ifdef SGLIF_FAULT_SROUND
    wire [5:0]           amt2;
`endif
    generate
        if (REG != 0) begin : g_reg
            reg signed [63:0]  x1_q;
            reg [31:0]         u1_q, u2_q;
            reg [5:0]          amt1_q;
            reg [63:0]         msk1_q;
            reg                pos1_q, neg1_q, big1_q;
            reg [95:0]         sh_q;
            reg                pos2_q, ovf_q, unf_q;
            always @(posedge clk_i) begin
                x1_q   <= x_i;
                u1_q   <= u_i;
                amt1_q <= amt;
                msk1_q <= msk;
                pos1_q <= pos;
                neg1_q <= neg;
                big1_q <= big;
                sh_q   <= sh;
                u2_q   <= u1;
                pos2_q <= pos1;
                ovf_q  <= ovf;
                unf_q  <= unf;
            end
`ifdef SGLIF_FAULT_SROUND
            reg [5:0]          amt2_q;
            always @(posedge clk_i)
                amt2_q <= amt1;
            assign amt2 = amt2_q;
`endif
            assign {x1, u1, amt1, msk1, pos1, neg1, big1} =
                   {x1_q, u1_q, amt1_q, msk1_q, pos1_q, neg1_q, big1_q};
            assign {sh2, u2, pos2, ovf2, unf2} = {sh_q, u2_q, pos2_q, ovf_q, unf_q};
        end else begin : g_comb
            assign {x1, u1, amt1, msk1, pos1, neg1, big1} = {x_i, u_i, amt, msk, pos, neg, big};
            assign {sh2, u2, pos2, ovf2, unf2} = {sh, u1, pos1, ovf, unf};
`ifdef SGLIF_FAULT_SROUND
            assign amt2 = amt1;
`endif
        end
    endgenerate

    generate for (gi = 0; gi < 64; gi = gi + 1) begin : g_unrev
        assign yr[gi] = sh2[95 - gi];
    end endgenerate
    wire signed [63:0]   q2  = sh2[95:32];
    wire [31:0]          b2  = sh2[31:0];
    wire signed [63:0]   y_l = ovf2 ? 64'sd1 <<< 62 : unf2 ? -(64'sd1 <<< 62) : yr;
`ifdef SGLIF_FAULT_SROUND
    // the twin's compare with <= for <: u's and b's top s' bits (k = 32 - s' low bits dropped)
    wire [5:0]           k   = amt2 < 6'd32 ? 6'd32 - amt2 : 6'd0;
    wire                 up  = (u2 >> k) <= (b2 >> k);
`else
    wire                 up  = u2 < b2;
`endif
    wire signed [63:0]   q2p = q2 + 64'sd1;          // beside the compare, not after it
    assign y_o = pos2 ? (up ? q2p : q2) : y_l;
endmodule

`default_nettype wire
