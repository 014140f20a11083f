// SPDX-License-Identifier: MIT
// tb_acc: the Verilator top of make bwd-test's whole-sample check (sim/acc_test.cpp): the
// readout error unit (rtl/sglif_err_unit.v) and one layer's backward walk with its gradient
// accumulation (rtl/sglif_bwd_walk.v, rtl/sglif_bwd_accum.v) side by side, every port passed
// through; the harness carries the errors from the one into the error memory the other reads,
// and serves the RAMs (registered reads), as the engine will.
`default_nettype none

module tb_acc #(
    parameter integer N      = 32,
    parameter integer P      = 4,
    parameter integer C      = 10,
    parameter integer T_MAX  = 24,
    parameter integer N_IN   = 16,
    parameter integer ES_AW  = 10,
    parameter integer GRAD_W = 48
) (
    input  wire                  clk_i,
    input  wire                  rst_i,
    // the error unit
    input  wire                  err_start_i,
    input  wire [CW-1:0]         err_c_last_i,
    input  wire [CW-1:0]         err_label_i,
    input  wire signed [5:0]     err_out_frac_i,
    output wire                  err_done_o,
    output wire [CW-1:0]         err_acc_addr_o,
    input  wire signed [31:0]    err_acc_data_i,
    output wire                  err_valid_o,
    output wire [CW-1:0]         err_c_o,
    output wire signed [31:0]    err_o,
    // the walk
    input  wire                  start_i,
    input  wire [NW-1:0]         n_last_i,
    input  wire [HW-1:0]         t_last_i,
    input  wire signed [6:0]     s_rec_i,
    input  wire signed [6:0]     out_frac_i,
    input  wire [3:0]            k_i,
    input  wire                  reset_mult_i,
    output wire                  done_o,
    output wire [NW+GW-1:0]      w_addr_o,
    input  wire [8*P-1:0]        w_data_i,
    output wire [NW-1:0]         wo_addr_o,
    input  wire [8*CP-1:0]       wo_data_i,
    output wire [HW-1:0]         e_addr_o,
    input  wire [32*CP-1:0]      e_data_i,
    output wire [HW+NW-1:0]      h_addr_o,
    input  wire [16:0]           h_data_i,
    output wire [NW-1:0]         gm_addr_o,
    input  wire signed [31:0]    gm_data_i,
    output wire                  gv_valid_o,
    output wire [HW-1:0]         gv_t_o,
    output wire [NW-1:0]         gv_i_o,
    output wire signed [31:0]    gv_o,
    input  wire [ES_AW:0]        ev_count_i,
    output wire [ES_AW-1:0]      es_addr_o,
    input  wire [HW+UW-1:0]      es_data_i,
    input  wire [1:0]            gp_sel_i,
    input  wire [GA_W-1:0]       gp_addr_i,
    input  wire                  gp_we_i,
    input  wire [GRAD_W-1:0]     gp_wdata_i,
    output wire [GRAD_W-1:0]     gp_rdata_o,
    output wire                  ovf_o
);
    localparam integer NW   = N > 1 ? $clog2(N) : 1;
    localparam integer HW   = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer PW   = P > 1 ? $clog2(P) : 0;
    localparam integer GW   = NW - PW;
    localparam integer CP   = C > 1 ? 1 << $clog2(C) : 1;
    localparam integer CW   = C > 1 ? $clog2(C) : 1;
    localparam integer UW   = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer RW   = $clog2(N_IN + N);
    localparam integer GA_W = RW + NW > NW + CW ? RW + NW : NW + CW;

    wire err_busy, busy, sat_gz, sat_gv;
    sglif_err_unit #(.C(C)) u_err (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(err_start_i), .c_last_i(err_c_last_i),
        .label_i(err_label_i), .out_frac_i(err_out_frac_i), .busy_o(err_busy),
        .done_o(err_done_o), .acc_addr_o(err_acc_addr_o), .acc_data_i(err_acc_data_i),
        .err_valid_o(err_valid_o), .err_c_o(err_c_o), .err_o(err_o));
    sglif_bwd_walk #(.N(N), .P(P), .C(C), .T_MAX(T_MAX), .N_IN(N_IN), .ES_AW(ES_AW),
                     .GRAD_W(GRAD_W)) u_walk (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(start_i), .n_last_i(n_last_i),
        .t_last_i(t_last_i), .s_rec_i(s_rec_i), .out_frac_i(out_frac_i), .k_i(k_i),
        .reset_mult_i(reset_mult_i), .busy_o(busy), .done_o(done_o), .w_addr_o(w_addr_o),
        .w_data_i(w_data_i), .wo_addr_o(wo_addr_o), .wo_data_i(wo_data_i), .e_addr_o(e_addr_o),
        .e_data_i(e_data_i), .h_addr_o(h_addr_o), .h_data_i(h_data_i), .gm_addr_o(gm_addr_o),
        .gm_data_i(gm_data_i), .gv_valid_o(gv_valid_o), .gv_t_o(gv_t_o), .gv_i_o(gv_i_o),
        .gv_o(gv_o), .sat_gz_o(sat_gz), .sat_gv_o(sat_gv), .ev_count_i(ev_count_i),
        .es_addr_o(es_addr_o), .es_data_i(es_data_i), .gp_sel_i(gp_sel_i),
        .gp_addr_i(gp_addr_i), .gp_we_i(gp_we_i), .gp_wdata_i(gp_wdata_i),
        .gp_rdata_o(gp_rdata_o), .ovf_o(ovf_o));
    // the clamp flags are checked by sim/walk_test.cpp; the twin counts them per sample only
    wire unused_ok = &{1'b0, err_busy, busy, sat_gz, sat_gv};
endmodule

`default_nettype wire
