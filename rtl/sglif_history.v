// SPDX-License-Identifier: MIT
// sglif_history: the spike and SG-code history of a sample, for training (the host computes
// the weight updates from it, docs/numerics.md step 7). One word per neuron update,
// {z, code[15:0]} (17 bits), at address {layer, step, neuron} (the layer bit only when L = 2;
// the neuron index padded to NW bits, the step to HW bits), written in the update order of the
// core. Steps 0 .. HIST_STEPS - 1 after a clear are recorded; later steps are not (steps_o
// stops at HIST_STEPS). Read port, for the host while the core is idle: HIST_LAT = 2 cycles
// from raddr_i to rdata_o (hold the address). Up to 2^BA words it is one RAM read in one
// cycle (the word then stays for the second); deeper it is banks of 2^BA words (1024: one
// ECP5 DP16KD at 17 bits), each bank's word registered beside it, then the bank mux: on the
// ECP5-85F (32 banks) a block RAM's clock-to-out, the route across the device and the mux in
// one cycle were the critical path (70.4 MHz).
`default_nettype none

module sglif_history #(
    parameter integer N          = 64,  // neurons per layer
    parameter integer HIST_STEPS = 64,  // steps recorded per sample (1..65536)
    parameter integer L          = 1    // layers (1..2)
) (
    input  wire               clk_i,
    input  wire               rst_i,
    input  wire               clear_i,      // a new sample: back to step 0
    input  wire               step_done_i,  // the current step is finished
    input  wire               we_i,         // a neuron update
    input  wire               layer_i,
    input  wire [NW-1:0]      idx_i,
    input  wire               z_i,
    input  wire [15:0]        code_i,
    input  wire [HA-1:0]      raddr_i,      // {layer, step, neuron}
    output wire [16:0]        rdata_o,      // {z, code}, HIST_LAT = 2 cycles after raddr_i
    output wire [HW:0]        steps_o       // steps recorded since the clear
);
    localparam integer NW = N          > 1 ? $clog2(N)          : 1;
    localparam integer HW = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer HA = (L > 1 ? 1 : 0) + HW + NW;
    localparam [HW:0]  LAST = HIST_STEPS[HW:0];

    reg [HW:0] t_q;
    always @(posedge clk_i)
        if (rst_i || clear_i)
            t_q <= {(HW+1){1'b0}};
        else if (step_done_i && t_q != LAST)
            t_q <= t_q + 1'b1;
    assign steps_o = t_q;

    wire [HA-1:0] waddr;
    generate
        if (L > 1) begin : g_layers
            assign waddr = {layer_i, t_q[HW-1:0], idx_i};
        end else begin : g_one
            wire unused_layer = layer_i;
            assign waddr = {t_q[HW-1:0], idx_i};
        end
    endgenerate

    // the write registered first (on the ECP5-85F the SG table's block RAM ran straight into
    // the banks' data inputs across the device: 71.6 MHz); a step's last write lands long
    // before step_done_i
    localparam integer BA = 10;                  // bank address bits
    reg            we;
    reg [HA-1:0]   waddr_q;
    reg [16:0]     wdata_q;
    always @(posedge clk_i) begin
        we      <= we_i && t_q != LAST && !rst_i;
        waddr_q <= waddr;
        wdata_q <= {z_i, code_i};
    end
    generate
        if (HA <= BA) begin : g_one_bank
            sglif_ram #(.DW(17), .AW(HA)) u_mem (
                .clk_i(clk_i), .we_i(we), .waddr_i(waddr_q),
                .wdata_i(wdata_q), .raddr_i(raddr_i), .rdata_o(rdata_o));
        end else begin : g_banks
            localparam integer NHB = 1 << (HA - BA);
            wire [17*NHB-1:0] bank_rd;
            reg  [17*NHB-1:0] bank_q;
            reg  [HA-BA-1:0]  rsel_q, rsel_q2;
            genvar hb;
            for (hb = 0; hb < NHB; hb = hb + 1) begin : g_bank
                sglif_ram #(.DW(17), .AW(BA)) u_mem (
                    .clk_i(clk_i), .we_i(we && waddr_q[HA-1:BA] == hb[HA-BA-1:0]),
                    .waddr_i(waddr_q[BA-1:0]), .wdata_i(wdata_q),
                    .raddr_i(raddr_i[BA-1:0]), .rdata_o(bank_rd[17*hb +: 17]));
            end
            always @(posedge clk_i) begin
                bank_q  <= bank_rd;
                rsel_q  <= raddr_i[HA-1:BA];
                rsel_q2 <= rsel_q;
            end
            assign rdata_o = bank_q[17*rsel_q2 +: 17];
        end
    endgenerate
endmodule

`default_nettype wire
