// SPDX-License-Identifier: MIT
// tb_sround: the update's rounding path for sim/sround_test.cpp: sglif_pcg32 feeding
// sglif_sround. next_i takes x_i and s_i with the draw; valid_o the next cycle with the draw
// u_o and the rounded y_o.
`default_nettype none

module tb_sround (
    input  wire               clk_i,
    input  wire               rst_i,
    input  wire               load_i,
    input  wire [63:0]        state_i,
    input  wire [63:0]        inc_i,
    input  wire               next_i,
    input  wire signed [63:0] x_i,
    input  wire signed [6:0]  s_i,
    output wire               valid_o,
    output wire               busy_o,
    output wire [31:0]        u_o,
    output wire signed [63:0] y_o,
    output wire [63:0]        state_o,
    output wire [63:0]        inc_o
);
    reg signed [63:0] x_q;
    reg signed [6:0]  s_q;
    always @(posedge clk_i)
        if (next_i && !busy_o) begin
            x_q <= x_i;
            s_q <= s_i;
        end
    sglif_pcg32 u_pcg (.clk_i(clk_i), .rst_i(rst_i), .load_i(load_i), .state_i(state_i),
                       .inc_i(inc_i), .next_i(next_i), .u_o(u_o), .valid_o(valid_o),
                       .busy_o(busy_o), .state_o(state_o), .inc_o(inc_o));
    sglif_sround u_sround (.clk_i(clk_i), .x_i(x_q), .s_i(s_q), .u_i(u_o), .y_o(y_o));
endmodule

`default_nettype wire
