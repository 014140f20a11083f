// SPDX-License-Identifier: MIT
// sglif_lif_update: the second half of a neuron update, combinational (docs/numerics.md, "One
// step, exactly", steps 5 and 6): the exact sum u + I (decayed and reset membrane plus the
// step's current, added one pipeline stage earlier by the core) saturated to int16, and the
// compare: spike when v > theta, strictly. The first half is sglif_lif_decay.
`default_nettype none

module sglif_lif_update #(
    parameter integer SW = 34         // width of the sum (two's complement)
) (
    input  wire signed [SW-1:0]    sum_i,      // u + I
    input  wire [14:0]             theta_i,    // 1..32767
    output wire signed [15:0]      v_o,
    output wire                    z_o,
    output wire                    sat_o       // the sum was clamped
);
    // out of int16 exactly when the bits above bit 15 are not all copies of the sign
    wire top_ones  = &sum_i[SW-1:15];
    wire top_zeros = ~|sum_i[SW-1:15];
    wire hi        = !sum_i[SW-1] && !top_zeros;
    wire lo        = sum_i[SW-1] && !top_ones;

    assign v_o   = hi ? 16'sh7fff : (lo ? 16'sh8000 : sum_i[15:0]);
    assign sat_o = hi | lo;
    assign z_o   = v_o > $signed({1'b0, theta_i});
endmodule

`default_nettype wire
