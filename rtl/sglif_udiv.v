// SPDX-License-Identifier: MIT
// sglif_udiv: the update's serial divider (docs/rtl.md, "The batch-end update"): q = floor(n / d)
// for unsigned n and d >= 1 with a quotient below 2^QB (n < d 2^QB, which the caller
// guarantees), by restoring division, one quotient bit a cycle: start_i takes n_i and d_i,
// busy_o for QB cycles, then done_o for one cycle with q_o (held until the next start).
// `define SGLIF_FAULT_UPD_DIV (the compare > in place of >=: a remainder equal to the
// divisor is not subtracted) for the self-test.
`default_nettype none

module sglif_udiv #(
    parameter NW = 48,   // dividend bits
    parameter DW = 20,   // divisor bits
    parameter QB = 33    // quotient bits (iterations)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          start_i,
    input  wire [NW-1:0] n_i,
    input  wire [DW-1:0] d_i,
    output wire          busy_o,
    output reg           done_o,
    output wire [QB-1:0] q_o
);
    localparam CW = $clog2(QB + 1);
    localparam [CW-1:0] QBC = QB;
    reg [DW-1:0] r_q;      // the remainder, below d
    reg [QB-1:0] sh_q;     // n's low bits still to bring down, the quotient's bits shifted in
    reg [DW-1:0] d_q;
    reg [CW-1:0] cnt_q;
    assign busy_o = cnt_q != {CW{1'b0}};
    assign q_o    = sh_q;

    wire [DW:0] r2 = {r_q, sh_q[QB-1]};
`ifdef SGLIF_FAULT_UPD_DIV
    wire        ge = r2 > {1'b0, d_q};
`else
    wire        ge = r2 >= {1'b0, d_q};
`endif
    wire [DW:0] r3 = r2 - {1'b0, d_q};
    // n's bits above the quotient's: below d, so DW bits hold them
    wire [NW+DW-1:0] n_hi = {{DW{1'b0}}, n_i} >> QB;

    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i)
            cnt_q <= {CW{1'b0}};
        else if (start_i && !busy_o) begin
            r_q   <= n_hi[DW-1:0];
            sh_q  <= n_i[QB-1:0];
            d_q   <= d_i;
            cnt_q <= QBC;
        end else if (busy_o) begin
            r_q   <= ge ? r3[DW-1:0] : r2[DW-1:0];
            sh_q  <= {sh_q[QB-2:0], ge};
            cnt_q <= cnt_q - 1'b1;
            done_o <= cnt_q == 1;
        end
    end
endmodule

`default_nettype wire
