// SPDX-License-Identifier: MIT
// sglif_isqrt: the update's serial integer square root (docs/rtl.md, "The batch-end update"):
// r = floor(sqrt(x)) for x <= 2^32 (the mean square of a tensor's 17-bit gradients), the
// twin's sgl_fixed_isqrt, digit by digit (two bits of x a cycle, no multiplier): start_i
// takes x_i, busy_o for 17 cycles, then done_o for one cycle with r_o (held until the next
// start). `define SGLIF_FAULT_UPD_ISQRT (the compare > in place of >=: an exact square's
// root comes out one low) for the self-test.
`default_nettype none

module sglif_isqrt (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        start_i,
    input  wire [32:0] x_i,
    output wire        busy_o,
    output reg         done_o,
    output wire [16:0] r_o
);
    reg [33:0] op_q, res_q, one_q;
    reg [4:0]  cnt_q;
    assign busy_o = cnt_q != 5'd0;
    assign r_o    = res_q[16:0];

    wire [33:0] t  = res_q + one_q;
`ifdef SGLIF_FAULT_UPD_ISQRT
    wire        ge = op_q > t;
`else
    wire        ge = op_q >= t;
`endif

    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i)
            cnt_q <= 5'd0;
        else if (start_i && !busy_o) begin
            op_q  <= {1'b0, x_i};
            res_q <= 34'd0;
            one_q <= 34'd1 << 32;   // the largest power of 4 up to 2^32
            cnt_q <= 5'd17;
        end else if (busy_o) begin
            if (ge) begin
                op_q  <= op_q - t;
                res_q <= (res_q >> 1) + one_q;
            end else
                res_q <= res_q >> 1;
            one_q  <= one_q >> 2;
            cnt_q  <= cnt_q - 5'd1;
            done_o <= cnt_q == 5'd1;
        end
    end
endmodule

`default_nettype wire
