// SPDX-License-Identifier: MIT
// sglif_ram: simple dual-port RAM (one write port, one read port, one clock) with a
// registered read, so that Yosys infers block RAM (iCE40 EBR, ECP5 DP16KD). Not reset:
// contents are undefined at power-up unless INIT_FILE names a $readmemh file. A read of
// the address being written is undefined (no_rw_check: Yosys adds no bypass logic; on the
// UP5K that logic was 406 flip-flops over 15 RAMs): no user reads a word in the cycle it is
// written (docs/synth.md, "RAM collisions").
`default_nettype none

module sglif_ram #(
    parameter integer DW = 16,        // word width
    parameter integer AW = 8,         // address width; depth is 2^AW
    parameter INIT_FILE = ""          // $readmemh file, "" for none
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [DW-1:0] wdata_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [DW-1:0] rdata_o
);
    (* no_rw_check *)
    reg [DW-1:0] mem [0:(1<<AW)-1];

    initial begin
        if (INIT_FILE != "")
            $readmemh(INIT_FILE, mem);
    end

    always @(posedge clk_i) begin
        if (we_i)
            mem[waddr_i] <= wdata_i;
`ifdef SGLIF_RW_X   // simulation (the Icarus cosim): a collision reads unknown, so a use shows
        if (we_i && waddr_i == raddr_i)
            rdata_o <= {DW{1'bx}};
        else
`endif
        rdata_o <= mem[raddr_i];
    end
endmodule

`default_nettype wire
