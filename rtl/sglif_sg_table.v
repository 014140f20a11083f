// SPDX-License-Identifier: MIT
// sglif_sg_table: the surrogate-gradient lookup table (docs/numerics.md, "SG lookup").
// Given x = v - theta it returns, three cycles later, code = table[index] with
//   index = clamp(asr(x - x_lo, s), 0, entries - 1),  x_lo = -(entries * 2^s) / 2,
// computed as clamp(asr(x, s) + entries / 2, 0, entries - 1) (equal because entries * 2^s / 2
// is a multiple of 2^s); asr(x, s) is registered (the first cycle), then asr(x, s) +
// entries / 2 (the second), then the clamped index addresses the RAM (the third). entries = 2^log2n_i (1 <= log2n_i <= AW) is a run-time register, so
// one table of 2^AW words serves every smaller table. Initial contents from INIT_FILE
// ($readmemh, e.g. the output of `sglif lut --format hex`), writable at run time.
`default_nettype none

module sglif_sg_table #(
    parameter integer AW = 8,         // at most 2^AW entries (1..16)
    parameter INIT_FILE = ""
) (
    input  wire               clk_i,
    // run-time write port (while the core is idle)
    input  wire               we_i,
    input  wire [AW-1:0]      waddr_i,
    input  wire [15:0]        wdata_i,
    // read-back (while the core is idle): the RAM is read at waddr_i, code_o one cycle later
    input  wire               rb_i,
    // lookup
    input  wire signed [17:0] x_i,      // v - theta, in [-65535, 32766]
    input  wire [3:0]         shift_i,  // s
    input  wire [4:0]         log2n_i,  // log2(entries), 1..AW
    output wire [15:0]        code_o
);
    // registered: asr(x, s), and entries / 2 and entries - 1 (functions of a register that
    // only changes while the core is idle)
    reg  signed [17:0] y_q;                                           // floor(x / 2^s)
    reg         [16:0] half_q, top_q;
    always @(posedge clk_i) begin
        y_q    <= x_i >>> shift_i;
        half_q <= 17'd1 << (log2n_i - 5'd1);
        top_q  <= (17'd1 << log2n_i) - 17'd1;
    end
    // a non-negative index is above the table exactly when it has a bit outside top
    reg  signed [19:0] idx_q;
    always @(posedge clk_i)
        idx_q <= {{2{y_q[17]}}, y_q} + $signed({3'b000, half_q});
    wire               over = |(idx_q[18:0] & ~{2'b11, top_q});
    wire        [16:0] idxc = idx_q[19] ? 17'd0 : (over ? top_q : idx_q[16:0]);

    sglif_ram #(.DW(16), .AW(AW), .INIT_FILE(INIT_FILE)) u_mem (
        .clk_i  (clk_i),
        .we_i   (we_i),
        .waddr_i(waddr_i),
        .wdata_i(wdata_i),
        .raddr_i(rb_i ? waddr_i : idxc[AW-1:0]),
        .rdata_o(code_o)
    );
endmodule

`default_nettype wire
