// SPDX-License-Identifier: MIT
// sglif_sround: the update's stochastic rounding of x / 2^s with a draw u (docs/numerics.md,
// "Stochastic rounding"; sgl_fixed_sround of sw/fixed_train.c), combinational:
//   s <= 0:  x 2^-s, clamped to +-2^62 when s < 0 (x unchanged when s = 0)
//   s > 0:   s' = min(s, 62), q = floor(x / 2^s'), rem = x - q 2^s' (the low s' bits);
//            q + 1 if (s' <= 32 ? u >> (32 - s') < rem : u < rem >> (s' - 32)), else q
// The draw is always consumed by the caller (one per parameter), whatever s.
// `define SGLIF_FAULT_SROUND (<= in place of <: rounds up one draw in 2^s too often).
`default_nettype none

module sglif_sround (
    input  wire signed [63:0] x_i,
    input  wire signed [6:0]  s_i,      // -64 .. 63
    input  wire [31:0]        u_i,      // the draw
    output wire signed [63:0] y_o
);
    // s <= 0
    wire [6:0]           n   = -s_i;                                        // 0 .. 64
    wire signed [127:0]  wide = {{64{x_i[63]}}, x_i} <<< n;
    localparam signed [127:0] LIM = 128'sd1 <<< 62;
    wire signed [63:0]   y_l = n == 7'd0 ? x_i :
                               wide > LIM ? 64'sd1 <<< 62 : wide < -LIM ? -(64'sd1 <<< 62) : wide[63:0];
    // s > 0
    wire [5:0]           sc  = s_i > 7'sd62 ? 6'd62 : s_i[5:0];              // 1 .. 62 here
    wire signed [63:0]   q   = x_i >>> sc;
    wire [63:0]          rem = x_i & ~({64{1'b1}} << sc);                    // the low sc bits
    wire [63:0]          a   = sc <= 6'd32 ? {32'd0, u_i >> (6'd32 - sc)} : {32'd0, u_i};
    wire [63:0]          b   = sc <= 6'd32 ? rem : rem >> (sc - 6'd32);
`ifdef SGLIF_FAULT_SROUND
    wire                 up  = a <= b;
`else
    wire                 up  = a < b;
`endif
    assign y_o = s_i > 7'sd0 ? q + {63'd0, up} : y_l;
endmodule

`default_nettype wire
