// SPDX-License-Identifier: MIT
// sglif_lif_update: one neuron update, combinational (docs/numerics.md, "One step, exactly",
// steps 3 to 6): decay by shift-subtract u = v - asr(v, k), reset with the previous step's own
// spike (subtract theta, or set to 0), add the step's current, saturate to int16, and compare
// (spike when v > theta, strictly). `define SGLIF_FAULT_DECAY makes the decay one shift off
// (asr by k + 1): the co-simulation self-test uses it to prove the checker can fail.
`default_nettype none

module sglif_lif_update #(
    parameter integer ACC_W = 32      // current accumulator width (two's complement)
) (
    input  wire signed [15:0]      v_i,        // membrane of the previous step
    input  wire                    z_i,        // spike of the previous step
    input  wire signed [ACC_W-1:0] cur_i,      // bias + input + recurrent current of this step
    input  wire [14:0]             theta_i,    // 1..32767
    input  wire [3:0]              k_i,        // decay shift 1..15
    input  wire                    reset_mult_i, // 0: subtract theta, 1: set to zero
    output wire signed [15:0]      v_o,
    output wire                    z_o,
    output wire                    sat_o       // the sum was clamped
);
    localparam integer SW = ACC_W + 2;

`ifdef SGLIF_FAULT_DECAY
    wire [4:0]         k_eff = {1'b0, k_i} + 5'd1;
`else
    wire [4:0]         k_eff = {1'b0, k_i};
`endif
    wire signed [15:0] asr_v = v_i >>> k_eff;                            // floor(v / 2^k)
    wire signed [16:0] dec   = {v_i[15], v_i} - {asr_v[15], asr_v};      // v - asr(v, k)
    wire signed [17:0] rst   = z_i ? (reset_mult_i ? 18'sd0
                                                  : {dec[16], dec} - {3'b000, theta_i})
                                   : {dec[16], dec};
    wire signed [SW-1:0] sum = {{(SW-18){rst[17]}}, rst} + {{2{cur_i[ACC_W-1]}}, cur_i};
    wire               hi    = sum > $signed({{(SW-16){1'b0}}, 16'h7fff});
    wire               lo    = sum < $signed({{(SW-16){1'b1}}, 16'h8000});

    assign v_o   = hi ? 16'sh7fff : (lo ? 16'sh8000 : sum[15:0]);
    assign sat_o = hi | lo;
    assign z_o   = v_o > $signed({1'b0, theta_i});
endmodule

`default_nettype wire
