// SPDX-License-Identifier: MIT
// sglif_sg_table: the surrogate-gradient lookup table (docs/numerics.md, "SG lookup").
// Given x = v - theta it returns, one cycle later, code = table[index] with
//   index = clamp(asr(x - x_lo, s), 0, entries - 1),  x_lo = -(entries * 2^s) / 2,
// computed as clamp(asr(x, s) + entries / 2, 0, entries - 1) (equal because entries * 2^s / 2
// is a multiple of 2^s). entries = 2^log2n_i (1 <= log2n_i <= AW) is a run-time register, so
// one table of 2^AW words serves every smaller table. Initial contents from INIT_FILE
// ($readmemh, e.g. the output of `sglif lut --format hex`), writable at run time.
`default_nettype none

module sglif_sg_table #(
    parameter integer AW = 8,         // at most 2^AW entries (1..16)
    parameter INIT_FILE = ""
) (
    input  wire               clk_i,
    // run-time write port
    input  wire               we_i,
    input  wire [AW-1:0]      waddr_i,
    input  wire [15:0]        wdata_i,
    // lookup
    input  wire signed [17:0] x_i,      // v - theta, in [-65535, 32766]
    input  wire [3:0]         shift_i,  // s
    input  wire [4:0]         log2n_i,  // log2(entries), 1..AW
    output wire [15:0]        code_o
);
    wire signed [17:0] y    = x_i >>> shift_i;                        // floor(x / 2^s)
    wire signed [19:0] half = $signed({3'b000, 17'd1 << (log2n_i - 5'd1)});
    wire signed [19:0] top  = $signed({3'b000, (17'd1 << log2n_i) - 17'd1});
    wire signed [19:0] idx  = {{2{y[17]}}, y} + half;
    wire signed [19:0] idxc = idx < 20'sd0 ? 20'sd0 : (idx > top ? top : idx);

    sglif_ram #(.DW(16), .AW(AW), .INIT_FILE(INIT_FILE)) u_mem (
        .clk_i  (clk_i),
        .we_i   (we_i),
        .waddr_i(waddr_i),
        .wdata_i(wdata_i),
        .raddr_i(idxc[AW-1:0]),
        .rdata_o(code_o)
    );
endmodule

`default_nettype wire
