// SPDX-License-Identifier: MIT
// sglif_lif_decay: the first half of a neuron update, combinational (docs/numerics.md, "One
// step, exactly", steps 3 and 4): decay by shift-subtract u = v - asr(v, k), then the reset
// with the previous step's own spike (subtract theta, or set to 0). The second half (add the
// current, saturate, compare) is sglif_lif_update, a pipeline stage later. Written as
// (z ? v - theta : v) - asr(v, k), which equals v - asr(v, k) - theta, so that the shift and
// the first subtraction work side by side. `define SGLIF_FAULT_DECAY makes the decay one shift
// off (asr by k + 1): the co-simulation self-test uses it to prove the checker can fail.
`default_nettype none

module sglif_lif_decay (
    input  wire signed [15:0]      v_i,        // membrane of the previous step
    input  wire                    z_i,        // spike of the previous step
    input  wire [14:0]             theta_i,    // 1..32767
    input  wire [3:0]              k_i,        // decay shift 1..15
    input  wire                    reset_mult_i, // 0: subtract theta, 1: set to zero
    output wire signed [17:0]      u_o         // in [-65535, 32767]
);
`ifdef SGLIF_FAULT_DECAY
    wire [4:0]         k_eff = {1'b0, k_i} + 5'd1;
`else
    wire [4:0]         k_eff = {1'b0, k_i};
`endif
    wire signed [15:0] asr_v = v_i >>> k_eff;                            // floor(v / 2^k)
    wire signed [17:0] a     = z_i ? {{2{v_i[15]}}, v_i} - {3'b000, theta_i}
                                   : {{2{v_i[15]}}, v_i};
    wire signed [17:0] d     = a - {{2{asr_v[15]}}, asr_v};
    assign u_o = z_i && reset_mult_i ? 18'sd0 : d;
endmodule

`default_nettype wire
