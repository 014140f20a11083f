// SPDX-License-Identifier: MIT
// sglif_upd_fmax_top: a measurement top for the update unit alone (make upd-pnr, sim/upd.mk),
// as sim/sglif_fmax_top.v is for the core: every input of rtl/sglif_update.v comes from a
// shift register fed by one pin (the RAMs' words included: in the engine they are block RAM
// outputs, registers too), every output is registered and XOR-reduced into one registered
// pin, so that nothing is optimized away and every path is between flip-flops, RAMs and
// multipliers.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_upd_fmax_top #(
    parameter integer GW = `SGLIF_GRAD_W, KW = 10, PW = 8
) (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    localparam integer SR = 1 + KW + PW + 3 + 4 + 7 + 32 + 1 + 128 + 1 + GW + 32 + 16 + 1 + 4;
    reg [SR-1:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[SR-2:0], din_i};
    wire              busy, done, rd, m_we, mom_we, g_clr;
    wire [63:0]       st, inc;
    wire [31:0]       clamped, m_o;
    wire [KW-1:0]     rk, wk;
    wire [PW-1:0]     rp, wp;
    wire [15:0]       wq, mom_o;
    localparam integer O0 = 1, O1 = O0 + KW, O2 = O1 + PW, O3 = O2 + 3, O4 = O3 + 4, O5 = O4 + 7,
                       O6 = O5 + 32, O7 = O6 + 1, O8 = O7 + 128, O9 = O8 + 1, O10 = O9 + GW,
                       O11 = O10 + 32, O12 = O11 + 16, O13 = O12 + 1;
    sglif_update #(.GW(GW), .KW(KW), .PW(PW)) u_upd (
        .clk_i(clk_i), .rst_i(sr_q[O12]), .start_i(sr_q[0]), .k_last_i(sr_q[O0 +: KW]),
        .p_last_i(sr_q[O1 +: PW]), .wide_i(sr_q[O2]), .diag_i(sr_q[O2 + 1]),
        .row_norm_i(sr_q[O2 + 2]), .b2_i(sr_q[O3 +: 4]), .s_i(sr_q[O4 +: 7]), .wd_i(sr_q[O13 +: 4]),
        .lr_i(sr_q[O5 +: 32]), .busy_o(busy), .done_o(done), .rng_load_i(sr_q[O6]),
        .rng_state_i(sr_q[O7 +: 64]), .rng_inc_i(sr_q[O7 + 64 +: 64]), .rng_state_o(st),
        .rng_inc_o(inc), .clamp_clr_i(sr_q[O8]), .clamped_o(clamped), .rd_o(rd), .rk_o(rk),
        .rp_o(rp), .g_i(sr_q[O9 +: GW]), .m_i(sr_q[O10 +: 32]), .mom_i(sr_q[O11 +: 16]),
        .wk_o(wk), .wp_o(wp), .m_we_o(m_we), .m_o(m_o), .wq_o(wq), .mom_we_o(mom_we),
        .mom_o(mom_o), .g_clr_o(g_clr));
    reg [6:0]   bits_q;
    reg [63:0]  st_q, inc_q;
    reg [31:0]  clamped_q, m_q;
    reg [KW-1:0] rk_q, wk_q;
    reg [PW-1:0] rp_q, wp_q;
    reg [15:0]  wq_q, mom_q;
    always @(posedge clk_i) begin
        bits_q    <= {busy, done, rd, m_we, mom_we, g_clr, 1'b0};
        st_q      <= st;
        inc_q     <= inc;
        clamped_q <= clamped;
        m_q       <= m_o;
        rk_q      <= rk;
        wk_q      <= wk;
        rp_q      <= rp;
        wp_q      <= wp;
        wq_q      <= wq;
        mom_q     <= mom_o;
        dout_o <= ^{bits_q, st_q, inc_q, clamped_q, m_q, rk_q, wk_q, rp_q, wp_q, wq_q, mom_q};
    end
endmodule

`default_nettype wire
