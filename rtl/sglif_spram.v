// SPDX-License-Identifier: MIT
// sglif_spram: single-port RAM (one address for read and write, one clock), registered read,
// no read while writing, so that Yosys `synth_ice40 -spram` maps a 16K x 16 instance to one
// SB_SPRAM256KA (docs/synth.md); with SGLIF_UP5K defined every depth does, otherwise
// smaller or other shapes become block RAM. Not reset. The core
// uses it for the weight banks: written through the configuration port while idle, read at
// the configuration address while idle (the read-back) and by the op generator while running
// (the address is muxed by busy).
`default_nettype none

module sglif_spram #(
    parameter integer DW = 16,        // word width
    parameter integer AW = 14         // address width; depth is 2^AW
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output reg  [DW-1:0] rdata_o
);
`ifdef SGLIF_UP5K
    // SB_SPRAM256KA whatever the depth: 4K x 16 would otherwise take 16 of the 30 block RAMs
    (* ram_style = "huge" *)
`endif
    reg [DW-1:0] mem [0:(1<<AW)-1];

    always @(posedge clk_i) begin
        if (we_i)
            mem[addr_i] <= wdata_i;
        else
            rdata_o <= mem[addr_i];
    end
endmodule

`default_nettype wire
