// SPDX-License-Identifier: MIT
// Measurement tops for the training engine's units alone (make trn-pnr, sim/trn.mk), as
// sim/sglif_upd_fmax_top.v is for the update: every input of the unit comes from a shift
// register fed by one pin (RAM words included: in the engine they are registered RAM reads),
// every output is registered and XOR-reduced into one registered pin, so that nothing is
// optimized away and every path is between flip-flops, RAMs and multipliers.
`default_nettype none
`include "sglif_core_map_defs.vh"

// the gather at P lanes of G_W-bit operands (the tree's depth grows with P: 32 lanes on the
// 85F's image; G_W: the recurrent gather's, GV_W)
module sglif_gather_fmax_top #(
    parameter integer P   = 32,
    parameter integer G_W = `SGLIF_GV_W
) (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    localparam integer SR = 4 + 8 + 7 + (8 + G_W) * P;
    reg [SR-1:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[SR-2:0], din_i};
    wire               v;
    wire [7:0]         tag;
    wire signed [63:0] y;
    sglif_bwd_gather #(.P(P), .TAG_W(8), .G_W(G_W)) u_g (
        .clk_i(clk_i), .rst_i(sr_q[0]), .valid_i(sr_q[1]), .first_i(sr_q[2]), .last_i(sr_q[3]),
        .tag_i(sr_q[4 +: 8]), .s_i(sr_q[12 +: 7]), .w_i(sr_q[19 +: 8*P]),
        .g_i(sr_q[19 + 8*P +: G_W*P]), .valid_o(v), .tag_o(tag), .y_o(y));
    reg [72:0] o_q;
    always @(posedge clk_i) begin
        o_q    <= {v, tag, y};
        dout_o <= ^o_q;
    end
endmodule

// the backward neuron
module sglif_neuron_fmax_top (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    localparam integer SR = 3 + 8 + 64 + 16 + 32 + 32 + 3 + 4;
    reg [SR-1:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[SR-2:0], din_i};
    wire               v, sgz, sgv;
    wire [7:0]         tag;
    wire signed [31:0] gv;
    sglif_bwd_neuron #(.TAG_W(8)) u_n (
        .clk_i(clk_i), .rst_i(sr_q[0]), .in_valid_i(sr_q[1]), .tag_i(sr_q[3 +: 8]),
        .gz_i(sr_q[11 +: 64]), .code_i(sr_q[75 +: 16]), .gamma_i(sr_q[91 +: 32]),
        .gv_next_i(sr_q[123 +: 32]), .has_next_i(sr_q[155]), .z_i(sr_q[156]),
        .reset_mult_i(sr_q[157]), .k_i(sr_q[158 +: 4]), .out_valid_o(v), .tag_o(tag), .gv_o(gv),
        .sat_gz_o(sgz), .sat_gv_o(sgv));
    reg [42:0] o_q;
    always @(posedge clk_i) begin
        o_q    <= {v, sgz, sgv, tag, gv};
        dout_o <= ^o_q;
    end
endmodule

// the readout error unit at C classes
module sglif_err_fmax_top #(
    parameter integer C = 10
) (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    localparam integer CW = C > 1 ? $clog2(C) : 1;
    localparam integer SR = 2 + 2 * CW + 6 + 32;
    reg [SR-1:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[SR-2:0], din_i};
    wire               busy, done, v;
    wire [CW-1:0]      a, an, c;
    wire signed [31:0] e;
    sglif_err_unit #(.C(C)) u_e (
        .clk_i(clk_i), .rst_i(sr_q[0]), .start_i(sr_q[1]), .c_last_i(sr_q[2 +: CW]),
        .label_i(sr_q[2 + CW +: CW]), .out_frac_i(sr_q[2 + 2*CW +: 6]), .busy_o(busy),
        .done_o(done), .acc_addr_o(a), .acc_addr_nx_o(an), .acc_data_i(sr_q[8 + 2*CW +: 32]), .err_valid_o(v),
        .err_c_o(c), .err_o(e));
    reg [34+3*CW:0] o_q;
    always @(posedge clk_i) begin
        o_q    <= {busy, done, v, a, an, c, e};
        dout_o <= ^o_q;
    end
endmodule

// the trainer (rtl/sglif_trainer.v: the engine, the update, the masters, the event store) at a
// small size with the real word widths, without the core and the link; EMEM_LUT: the engine's
// error memory (2: one class a word in block RAM, the 85F training image's form)
module sglif_trainer_fmax_top #(
    parameter integer EN = 32, EIN = 8, EP = 8, C = 10, T_MAX = 16, ES_AW = 8, EMEM_LUT = 2
) (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    localparam integer CW = C > 1 ? $clog2(C) : 1;
    localparam integer HW = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer HA = HW + (EN > 1 ? $clog2(EN) : 1);
    localparam integer O0 = 2, O1 = O0 + 3, O2 = O1 + 16, O3 = O2 + 16, O4 = O3 + 3, O5 = O4 + 16,
                       O6 = O5 + 2, O7 = O6 + 32 * C, O8 = O7 + 1, O9 = O8 + CW, O10 = O9 + 1,
                       O11 = O10 + 16, O12 = O11 + 1, O13 = O12 + CW, O14 = O13 + HW + 1,
                       SR = O14 + 17;
    reg [SR-1:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[SR-2:0], din_i};
    wire [15:0]    rdata, cfg_data;
    wire           busy, done, ok, cfg_we;
    wire [CW-1:0]  c_last;
    wire [159:0]   stats;
    wire [HA-1:0]  h_addr;
    wire [2:0]     cfg_sel;
    wire [15:0]    cfg_addr;
    sglif_trainer #(.EN(EN), .EIN(EIN), .EP(EP), .C(C), .T_MAX(T_MAX), .ES_AW(ES_AW),
                    .EMEM_LUT(EMEM_LUT), .H_LAT(1), .TAW(16), .CN(EN), .CN_IN(EIN), .CP(4),
                    .CL(1), .CFG_AW(16), .HA(HA)) u_t (
        .clk_i(clk_i), .rst_i(sr_q[0]), .we_i(sr_q[1]), .sel_i(sr_q[O0 +: 3]),
        .addr_i(sr_q[O1 +: 16]), .wdata_i(sr_q[O2 +: 16]), .rdata_o(rdata),
        .ev_clear_i(sr_q[O3]), .ev_we_i(sr_q[O3 + 1]), .ev_ch_i(sr_q[O4 +: 16]),
        .step_i(sr_q[O3 + 2]), .step_done_i(sr_q[O5]), .ro_acc_i(sr_q[O6 +: 32 * C]),
        .train_i(sr_q[O7]), .label_i(sr_q[O8 +: CW]), .update_i(sr_q[O9]), .lr_i(sr_q[O10 +: 16]),
        .busy_o(busy), .done_o(done), .train_ok_o(ok), .c_last_o(c_last),
        .stats_clr_i(sr_q[O11]), .stats_o(stats), .pred_i(sr_q[O12 +: CW]),
        .hist_steps_i(sr_q[O13 +: HW + 1]), .h_addr_o(h_addr), .h_data_i(sr_q[O14 +: 17]),
        .cfg_we_o(cfg_we), .cfg_sel_o(cfg_sel), .cfg_addr_o(cfg_addr), .cfg_data_o(cfg_data));
    reg [16+4+CW+160+HA+3+16+16-1:0] o_q;
    always @(posedge clk_i) begin
        o_q    <= {rdata, busy, done, ok, cfg_we, c_last, stats, h_addr, cfg_sel, cfg_addr, cfg_data};
        dout_o <= ^o_q;
    end
endmodule

`default_nettype wire
