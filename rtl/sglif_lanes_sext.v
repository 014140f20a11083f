// SPDX-License-Identifier: MIT
// sglif_lanes_sext: L lanes of signed W_IN bits resized lane by lane to W_OUT bits, the
// training engine's words between their stored widths and the 32-bit lanes of its ports
// (rtl/sglif_bwd_walk.v: gv and e_t into the accumulation, e_t's lanes as they are read;
// rtl/sglif_engine.v: the error memory's word and the forward's step sums).
//   W_OUT >= W_IN: each lane sign-extended.
//   W_OUT <  W_IN: each lane cut to its low W_OUT bits; the caller's bound keeps every lane
//                  within W_OUT signed bits, so the bits cut are its sign (unused).
// Combinational.
`default_nettype none

module sglif_lanes_sext #(
    parameter integer L     = 4,       // lanes
    parameter integer W_IN  = 18,      // bits of an input lane
    parameter integer W_OUT = 32       // bits of an output lane
) (
    input  wire [L*W_IN-1:0]  x_i,
    output wire [L*W_OUT-1:0] y_o
);
    genvar gx;
    generate
        for (gx = 0; gx < L; gx = gx + 1) begin : g_lane
            if (W_OUT > W_IN) begin : g_ext
                assign y_o[W_OUT*gx +: W_OUT] = {{(W_OUT-W_IN){x_i[W_IN*gx+W_IN-1]}}, x_i[W_IN*gx +: W_IN]};
            end else if (W_OUT == W_IN) begin : g_same
                assign y_o[W_OUT*gx +: W_OUT] = x_i[W_IN*gx +: W_IN];
            end else begin : g_cut
                assign y_o[W_OUT*gx +: W_OUT] = x_i[W_IN*gx +: W_OUT];
                wire unused_hi = ^x_i[W_IN*gx + W_OUT +: W_IN - W_OUT];   // (sign bits)
            end
        end
    endgenerate
endmodule

`default_nettype wire
