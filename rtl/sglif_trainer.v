// SPDX-License-Identifier: MIT
// sglif_trainer: the training engine of the device (docs/rtl.md, "Training engine"), beside the
// forward core in rtl/sglif_device.v (ENGINE = 1). One layer of EN neurons, EIN inputs, EP
// lanes; the classes are the core's (C = N_OUT), the steps the history's (T_MAX = HIST_STEPS).
// It holds the rule's state (sw/fixed_train.h, sgl_fixed_master): the masters (int16 synapses
// and W_out, int32 bias and b_out) and their int16 momenta, gamma_q (int32), the event store
// (every event of the latest RUN with its step), the engine registers; sglif_engine (the
// backward pass with its error unit and gradient memories) and sglif_update (the batch-end
// update of one tensor, with the PCG32 stream).
//   - RUN: every event the executor writes into the core's event list (ev_we_i, channel
//     ev_ch_i) is stored with its step (the core's step starts, step_i, since the RUN's start,
//     ev_clear_i); steps >= T_MAX are not stored (the history does not hold them either).
//     At each step's end (step_done_i after step_i) the step's readout sums, the difference
//     of the core's class accumulators (ro_acc_i) across the step, go into the engine's error
//     memory at the step (SUMS_IN = 1): TRAIN's phase 1 then runs only the error unit.
//   - TRAIN (train_i, label_i): sglif_engine over the latest RUN: its history through the
//     core's history port (h_addr_o; the device gives it to the trainer while busy_o), the
//     W_rec rows and W_out from the masters ([15:8]), b_out asr(master, 8), gamma_q, the event
//     store; the gradients add to the batch's sums. samples += 1, correct += (pred_i = label).
//   - UPDATE (update_i, lr_i): sglif_update over the five tensors in the twin's order (W_in,
//     W_rec without its diagonal, bias, W_out, b_out: sgl_fixed_update), reading and writing
//     the masters, momenta and the gradient words (cleared as they are used); every new weight
//     asr(master, 8) is written into the core through its configuration port (cfg_*_o, the
//     device's mux gives it to the trainer while busy_o): a bank word pairs the weights of
//     neurons 2b, 2b + 1 (consecutive entries of the update's order; W_rec's diagonal is 0, the
//     rule holds it there), bias words, W_out bytes, b_out words.
//   - The link's selects 8..15 (sel_i = select - 8) while idle: rtl/core_map.csv's tsel and
//     treg rows; a read returns its word three cycles after the address (held): RB_LAT.
// Faults for make trn-selftest: SGLIF_FAULT_TRN_EVSTORE (events stored a step late),
// SGLIF_FAULT_TRN_PAIR (a bank word's two weights swapped), SGLIF_FAULT_TRN_ORDER (W_rec
// updated before W_in: the draws in the wrong order), SGLIF_FAULT_TRN_STATS (correct counted
// where the prediction differs from the label), SGLIF_FAULT_TRN_SUMS (the step sums taken
// cumulative over the steps: the accumulators' values as a step starts not subtracted),
// SGLIF_FAULT_TRN_LANE (the update's masters: the first level of the lane mux chosen by the
// lane of the read before).
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_trainer #(
    parameter integer EN     = 32,     // engine neurons (a multiple of EP, at least 2 EP)
    parameter integer EIN    = 16,     // engine inputs
    parameter integer EP     = 4,      // engine lanes
    parameter integer C      = 10,     // classes (the core's N_OUT)
    parameter integer T_MAX  = 64,     // steps (the core's HIST_STEPS)
    parameter integer ES_AW  = 10,     // event store: 2^ES_AW events
    parameter integer EMEM_LUT = 1,    // the engine's error memory: a word a step in LUT RAM
                                       // (1) or block RAM (0), a word a class in block RAM (2)
    parameter integer H_LAT  = 1,      // the core's history read latency as the engine sees it
    parameter integer GRAD_BITS = `SGLIF_GRAD_W,
    parameter integer TAW    = 16,     // the link's address bits for selects 8..15
    // the core (the write-back's addresses, the history's)
    parameter integer CN     = 64,
    parameter integer CN_IN  = 32,
    parameter integer CP     = 4,
    parameter integer CL     = 1,
    parameter integer CFG_AW = 16,
    parameter integer HA     = 12
) (
    input  wire              clk_i,
    input  wire              rst_i,
    // the link's memory port, selects 8..15 (while idle)
    input  wire              we_i,
    input  wire [2:0]        sel_i,
    input  wire [TAW-1:0]    addr_i,
    input  wire [15:0]       wdata_i,
    output reg  [15:0]       rdata_o,
    // RUN's events
    input  wire              ev_clear_i,
    input  wire              ev_we_i,
    input  wire [15:0]       ev_ch_i,
    input  wire              step_i,
    input  wire              step_done_i,    // the core's done_o (a step's or a clear's)
    input  wire [32*C-1:0]   ro_acc_i,       // the core's class accumulators (ro_acc_o)
    // commands (checked by the executor: train_ok_o, c_last_o)
    input  wire              train_i,
    input  wire [CW-1:0]     label_i,
    input  wire              update_i,
    input  wire [15:0]       lr_i,
    output wire              busy_o,
    output reg               done_o,
    output wire              train_ok_o,     // the latest RUN can be trained on
    output wire [CW-1:0]     c_last_o,
    input  wire              stats_clr_i,
    output wire [159:0]      stats_o,        // samples, correct, saturations, clamped, cycles
    // the core
    input  wire [CW-1:0]     pred_i,
    input  wire [HW:0]       hist_steps_i,
    output wire [HA-1:0]     h_addr_o,
    input  wire [16:0]       h_data_i,
    output reg               cfg_we_o,
    output reg  [2:0]        cfg_sel_o,
    output reg  [CFG_AW-1:0] cfg_addr_o,
    output reg  [15:0]       cfg_data_o
);
`include "sglif_core_map.vh"
    localparam integer ENW = EN > 1 ? $clog2(EN) : 1;
    localparam integer EPW = EP > 1 ? $clog2(EP) : 0;
    localparam integer ELW = EP > 1 ? EPW : 1;          // lane index bits
    localparam integer EGW = ENW - EPW;
    localparam integer EUW = EIN > 1 ? $clog2(EIN) : 1;
    localparam integer ERW = $clog2(EIN + EN);
    localparam integer CW  = C > 1 ? $clog2(C) : 1;
    localparam integer CP2 = 1 << CW;
    localparam integer HW  = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer XW  = ENW > CW ? ENW : CW;
    localparam integer GAW = ERW + ENW > ENW + CW ? ERW + ENW : ENW + CW;
    localparam integer KW  = EUW > ENW ? EUW : ENW;     // the update's K - 1
    localparam integer PW  = ENW > CW ? ENW : CW;       // the update's P - 1
    localparam integer CNW = CN > 1 ? $clog2(CN) : 1;
    localparam integer NPART = (GRAD_BITS + 15) / 16;

    // ---- engine registers ----------------------------------------------------------------------
    reg signed [5:0] out_frac_q;
    reg signed [6:0] s_rec_q, s_t_q [0:4];
    reg [3:0]        k_q, b2_q, wd_q;
    reg              reset_q, row_norm_q;
    reg [ENW-1:0]    n_last_q;
    reg [CW-1:0]     c_last_q;
    reg [EUW-1:0]    in_last_q;
    assign c_last_o = c_last_q;

    // ---- control ------------------------------------------------------------------------------
    localparam [2:0] M_IDLE = 3'd0, M_TRAIN = 3'd1, M_TWAIT = 3'd2, M_USTART = 3'd3,
                     M_UWAIT = 3'd4, M_UNEXT = 3'd5, M_UEND = 3'd6;
    reg [2:0]  mode_q;
    reg [2:0]  tn_q;                  // the tensor being updated: 0 W_in, 1 W_rec, 2 bias, 3 W_out, 4 b_out
    reg [2:0]  tix_q;                 // its place in the sequence
    reg [15:0] lr_q;
    reg [CW-1:0] label_q;
    assign busy_o = mode_q != M_IDLE;
    wire idle = mode_q == M_IDLE;
    wire training = mode_q == M_TRAIN || mode_q == M_TWAIT;
`ifdef SGLIF_FAULT_TRN_ORDER
    function [2:0] tensor_at(input [2:0] x);
        tensor_at = x == 3'd0 ? 3'd1 : x == 3'd1 ? 3'd0 : x;
    endfunction
`else
    function [2:0] tensor_at(input [2:0] x);
        tensor_at = x;
    endfunction
`endif

    // ---- the event store ------------------------------------------------------------------------
    (* no_rw_check *)   // (a read of the word being written is unknown: SGLIF_RW_X below)
    reg [HW+EUW-1:0] es_m [0:(1<<ES_AW)-1];
    reg [HW+EUW-1:0] es_q;
    reg [HW:0]       ev_t_q;
    reg [ES_AW:0]    ev_n_q;
    reg              ev_bad_q;
    localparam [HW:0]    T_END  = T_MAX[HW:0];
    localparam [ES_AW:0] ES_END = 1 << ES_AW;
    wire [15:0]      EIN16 = EIN[15:0];
`ifdef SGLIF_FAULT_TRN_EVSTORE
    wire [HW-1:0]    ev_t_st = ev_t_q[HW-1:0] + 1'b1;    // (the self-test: a step late)
`else
    wire [HW-1:0]    ev_t_st = ev_t_q[HW-1:0];
`endif
    // an event stored: a step's, within the store and of an input channel
    wire             es_we = !rst_i && !ev_clear_i && ev_we_i && ev_t_q != T_END && ev_n_q != ES_END &&
                             ev_ch_i < EIN16;
    always @(posedge clk_i) begin
        if (es_we)
            es_m[ev_n_q[ES_AW-1:0]] <= {ev_t_st, ev_ch_i[EUW-1:0]};
        if (rst_i || ev_clear_i) begin
            ev_t_q   <= {(HW+1){1'b0}};
            ev_n_q   <= {(ES_AW+1){1'b0}};
            ev_bad_q <= 1'b0;
        end else begin
            if (step_i && ev_t_q != T_END)
                ev_t_q <= ev_t_q + 1'b1;
            if (ev_we_i && ev_t_q != T_END) begin
                if (ev_n_q == ES_END || ev_ch_i >= EIN16)
                    ev_bad_q <= 1'b1;
                else
                    ev_n_q <= ev_n_q + 1'b1;
            end
        end
    end
    assign train_ok_o = !ev_bad_q && hist_steps_i != {(HW+1){1'b0}};

    // ---- the step sums of the forward: acc after the step - acc before it (b_out added at the
    // step's start, the spikes' W_out rows during it), into the error memory at the step
    reg [32*C-1:0]  acc0_q;           // the accumulators as the step started
    reg             stp_q;            // a step runs (its done_o not yet seen)
    reg [HW-1:0]    stp_t_q;          // its index, if < T_MAX (stp_ok_q)
    reg             stp_ok_q;
    reg             cap_we_q;
    reg [32*CP2-1:0] cap_q;
    integer ca;
    always @(posedge clk_i) begin
        cap_we_q <= 1'b0;
        if (rst_i)
            stp_q <= 1'b0;
        else if (step_i) begin
            stp_q    <= 1'b1;
            stp_t_q  <= ev_t_q[HW-1:0];
            stp_ok_q <= ev_t_q != T_END;
`ifdef SGLIF_FAULT_TRN_SUMS
            acc0_q   <= {32*C{1'b0}};          // (the self-test: the sums cumulative over steps)
`else
            acc0_q   <= ro_acc_i;
`endif
        end else if (step_done_i && stp_q) begin
            stp_q    <= 1'b0;
            cap_we_q <= stp_ok_q;
            cap_q    <= {32*CP2{1'b0}};
            for (ca = 0; ca < C; ca = ca + 1)
                cap_q[32*ca +: 32] <= ro_acc_i[32*ca +: 32] - acc0_q[32*ca +: 32];
        end
    end

    // ---- the engine --------------------------------------------------------------------------
    wire              e_busy, e_done, gv_v, sat_gz, sat_gv, ovf;
    wire [ENW+EGW-1:0] e_w_addr;
    wire [ENW-1:0]    e_wo_addr, e_gm_addr;
    wire [HW+ENW-1:0] e_h_addr;
    wire [ES_AW-1:0]  e_es_addr;
    wire [8*EP-1:0]   e_w_data;
    wire [8*CP2-1:0]  e_wo_data;
    wire [16*CP2-1:0] e_bo;
    wire [31:0]       e_gm_data;
    wire [32*CP2-1:0] e_rdata;
    reg  [1:0]        gp_sel;
    reg  [GAW-1:0]    gp_addr, gp_waddr;
    reg               gp_we;
    wire [GRAD_BITS-1:0] gp_rdata;
    wire [HW-1:0]     gv_t, err_t;
    wire [ENW-1:0]    gv_i;
    wire [CW-1:0]     err_c;
    wire signed [31:0] gv, err;
    wire              err_v;
    reg               e_start_q;
    // the link's address fields
    wire [ERW-1:0]    l_row = addr_i[ERW+ENW-1:ENW];
    wire [ENW-1:0]    l_i   = addr_i[ENW-1:0];
    sglif_engine #(.N(EN), .P(EP), .C(C), .T_MAX(T_MAX), .N_IN(EIN), .ES_AW(ES_AW),
                   .GRAD_W(GRAD_BITS), .H_LAT(H_LAT), .SUMS_IN(1),
                   .EMEM_LUT(EMEM_LUT), .SUM_N(CN)) u_eng (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(e_start_q), .n_last_i(n_last_q),
        .t_last_i(hist_steps_i[HW-1:0] - 1'b1 | {HW{hist_steps_i[HW]}}), .c_last_i(c_last_q),
        .label_i(label_q), .s_rec_i(s_rec_q), .out_frac_i(out_frac_q), .k_i(k_q),
        .reset_mult_i(reset_q), .ev_count_i(ev_n_q), .busy_o(e_busy), .done_o(e_done),
        .w_addr_o(e_w_addr), .w_data_i(e_w_data), .wo_addr_o(e_wo_addr), .wo_data_i(e_wo_data),
        .bo_i(e_bo), .h_addr_o(e_h_addr), .h_data_i(h_data_i), .gm_addr_o(e_gm_addr),
        .gm_data_i(e_gm_data), .es_addr_o(e_es_addr), .es_data_i(es_q),
        .err_valid_o(err_v), .err_t_o(err_t), .err_c_o(err_c), .err_o(err),
        .gv_valid_o(gv_v), .gv_t_o(gv_t), .gv_i_o(gv_i), .gv_o(gv), .sat_gz_o(sat_gz),
        .sat_gv_o(sat_gv), .e_raddr_i(addr_i[CW+HW:CW+1]), .e_rc_i(addr_i[CW:1]), .e_rdata_o(e_rdata),
        .cap_we_i(cap_we_q), .cap_t_i(stp_t_q), .cap_data_i(cap_q),
        .gp_sel_i(gp_sel), .gp_addr_i(gp_addr), .gp_we_i(gp_we), .gp_waddr_i(gp_waddr),
        .gp_wdata_i({GRAD_BITS{1'b0}}),
        .gp_rdata_o(gp_rdata), .ovf_o(ovf));
    // the history: {t, i} of the engine into the core's {l, t, i}
    wire [31:0]    h_i32 = {{(32-ENW){1'b0}}, e_h_addr[ENW-1:0]};
    wire [CNW-1:0] h_i_core = h_i32[CNW-1:0];
    generate
        if (CL > 1) begin : g_h2
            assign h_addr_o = {1'b0, e_h_addr[HW+ENW-1:ENW], h_i_core};
        end else begin : g_h1
            assign h_addr_o = {e_h_addr[HW+ENW-1:ENW], h_i_core};
        end
    endgenerate
    always @(posedge clk_i)
`ifdef SGLIF_RW_X   // (simulation: a use of such a read shows as x)
        if (es_we && ev_n_q[ES_AW-1:0] == (training ? e_es_addr : addr_i[ES_AW-1:0]))
            es_q <= {(HW+EUW){1'bx}};
        else
`endif
        es_q <= es_m[training ? e_es_addr : addr_i[ES_AW-1:0]];

    // ---- the update ----------------------------------------------------------------------------
    wire              u_busy, u_done, m_we, mom_we, g_clr;
    /* verilator lint_off UNUSEDSIGNAL */
    wire              u_rd;              // (the port reads the update's address every cycle)
    /* verilator lint_on UNUSEDSIGNAL */
    wire [KW-1:0]     rk, wk, rk_nx;
    wire [PW-1:0]     rp, wp, rp_nx;
    wire signed [31:0] m_o;
    wire signed [15:0] wq, mom_o;
    wire [63:0]       rng_state, rng_inc;
    wire [31:0]       clamped;
    reg  [63:0]       rng_state_ld, rng_inc_ld;
    reg               rng_load;
    reg               u_start_q;
    // the update's tensor inputs, registered from tn_q every cycle: tn_q is set as M_USTART
    // begins and u_start_q is high the cycle after it, so at u_start_q they are registers
    reg  [KW-1:0]     u_kl;
    reg  [PW-1:0]     u_pl;
    reg               u_wide, u_diag;
    reg  signed [6:0] u_s;
    reg  [3:0]        u_wd;
    reg  signed [31:0] u_m;
    reg  signed [15:0] u_mom;
    wire [31:0] in_last32 = {{(32-EUW){1'b0}}, in_last_q};
    wire [31:0] n_last32  = {{(32-ENW){1'b0}}, n_last_q};
    wire [31:0] c_last32  = {{(32-CW){1'b0}}, c_last_q};
    wire        tn_wide   = tn_q == 3'd2 || tn_q == 3'd4;    // int32 masters: bias, b_out
    always @(posedge clk_i) begin
        u_wide <= tn_wide;
        u_diag <= tn_q == 3'd1;
        u_s    <= s_t_q[tn_q];
        u_wd   <= tn_wide ? 4'd0 : wd_q;
        case (tn_q)
            3'd0:    begin u_kl <= in_last32[KW-1:0]; u_pl <= n_last32[PW-1:0]; end
            3'd1:    begin u_kl <= n_last32[KW-1:0];  u_pl <= n_last32[PW-1:0]; end
            3'd2:    begin u_kl <= {KW{1'b0}};        u_pl <= n_last32[PW-1:0]; end
            3'd3:    begin u_kl <= n_last32[KW-1:0];  u_pl <= c_last32[PW-1:0]; end
            default: begin u_kl <= {KW{1'b0}};        u_pl <= c_last32[PW-1:0]; end
        endcase
    end
    sglif_update #(.GW(GRAD_BITS), .KW(KW), .PW(PW)) u_upd (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(u_start_q), .k_last_i(u_kl), .p_last_i(u_pl),
        .wide_i(u_wide), .diag_i(u_diag), .row_norm_i(row_norm_q), .b2_i(b2_q),
        .s_i(u_s), .wd_i(u_wd), .lr_i({16'd0, lr_q}), .busy_o(u_busy),
        .done_o(u_done), .rng_load_i(rng_load), .rng_state_i(rng_state_ld),
        .rng_inc_i(rng_inc_ld), .rng_state_o(rng_state), .rng_inc_o(rng_inc),
        .clamp_clr_i(stats_clr_i), .clamped_o(clamped), .rd_o(u_rd), .rk_o(rk), .rp_o(rp),
        .rk_nx_o(rk_nx), .rp_nx_o(rp_nx), .g_i(gp_rdata), .m_i(u_m), .mom_i(u_mom), .wk_o(wk),
        .wp_o(wp), .m_we_o(m_we), .m_o(m_o),
        .wq_o(wq), .mom_we_o(mom_we), .mom_o(mom_o), .g_clr_o(g_clr));
    wire updating = mode_q == M_USTART || mode_q == M_UWAIT || mode_q == M_UNEXT || mode_q == M_UEND;

    // ---- the memories --------------------------------------------------------------------------
    // The update reads them at (rk_nx, rp_nx), its read's address a cycle ahead, so their words
    // come in the cycle of u_rd; the lane mux's first level and the tensor's choice are
    // registered there and the update's m_i, mom_i (the cycle after u_rd) read registers
    // (below). The engine (training) and the link (idle) read them as before.
    // the synapse masters: EP lanes, word {row, g}; lane l holds neuron g EP + l
    wire [31:0]    rk32 = {{(32-KW){1'b0}}, rk_nx}, wk32 = {{(32-KW){1'b0}}, wk};
    wire [31:0]    rk_row32 = tn_q == 3'd1 ? EIN + rk32 : rk32;
    wire [31:0]    wk_row32 = tn_q == 3'd1 ? EIN + wk32 : wk32;
    wire [ERW-1:0] rk_row = rk_row32[ERW-1:0], wk_row = wk_row32[ERW-1:0];
    wire [31:0]    e_row32 = EIN + {{(32-ENW){1'b0}}, e_w_addr[ENW+EGW-1:EGW]};
    wire [ENW-1:0] rp_n = rp_nx[ENW-1:0], wp_n = wp[ENW-1:0];
    wire [ERW+EGW-1:0] wm_ra = training ? {e_row32[ERW-1:0], e_w_addr[EGW-1:0]} :
                               updating ? {rk_row, rp_n[ENW-1:EPW]} : {l_row, l_i[ENW-1:EPW]};
    wire [ERW+EGW-1:0] wm_wa = updating ? {wk_row, wp_n[ENW-1:EPW]} : {l_row, l_i[ENW-1:EPW]};
    wire [ELW-1:0]     wm_wl = EP > 1 ? (updating ? wp_n[ELW-1:0] : l_i[ELW-1:0]) : {ELW{1'b0}};
    wire               wm_we = updating ? m_we && tn_q <= 3'd1 : idle && we_i && sel_i == 3'd0;
    wire [15:0]        wm_wd = updating ? m_o[15:0] : wdata_i;
    reg  [16*EP-1:0]   wm_q;
    genvar gl;
    generate
        for (gl = 0; gl < EP; gl = gl + 1) begin : g_wm
            (* no_rw_check *)
            reg [15:0] mem [0:(1 << (ERW + EGW)) - 1];
            always @(posedge clk_i) begin
                if (wm_we && wm_wl == gl[ELW-1:0])
                    mem[wm_wa] <= wm_wd;
`ifdef SGLIF_RW_X
                if (wm_we && wm_wl == gl[ELW-1:0] && wm_wa == wm_ra)
                    wm_q[16*gl +: 16] <= 16'bx;
                else
`endif
                wm_q[16*gl +: 16] <= mem[wm_ra];
            end
            assign e_w_data[8*gl +: 8] = wm_q[16*gl+8 +: 8];
        end
    endgenerate
    // the synapse momenta: word {row, i}
    wire [15:0] wmom_q;
    wire [ERW+ENW-1:0] wmom_ra = updating ? {rk_row, rp_n} : addr_i[ERW+ENW-1:0];
    sglif_ram #(.DW(16), .AW(ERW + ENW)) wmom_m (
        .clk_i(clk_i), .we_i(updating ? mom_we && tn_q <= 3'd1 : idle && we_i && sel_i == 3'd1),
        .waddr_i(updating ? {wk_row, wp_n} : addr_i[ERW+ENW-1:0]), .wdata_i(updating ? mom_o : wdata_i),
        .raddr_i(wmom_ra), .rdata_o(wmom_q));
    // W_out: masters in CP2 lanes at {i}, momenta at {i, c}; TOUT's address {i, c, w}
    wire [ENW-1:0] l_oi = addr_i[CW+ENW:CW+1];
    wire [CW-1:0]  l_oc = addr_i[CW:1];
    wire [ENW-1:0] rk_n = rk_nx[ENW-1:0], wk_n = wk[ENW-1:0];
    wire [CW-1:0]  rp_c = rp_nx[CW-1:0], wp_c = wp[CW-1:0];
    wire [ENW-1:0] om_ra = training ? e_wo_addr : updating ? rk_n : l_oi;
    reg  [16*CP2-1:0] om_q;
    generate
        for (gl = 0; gl < CP2; gl = gl + 1) begin : g_om
            (* no_rw_check *)
            reg [15:0] mem [0:(1 << ENW) - 1];
            wire       om_we = updating ? m_we && tn_q == 3'd3 && wp_c == gl[CW-1:0]
                                        : idle && we_i && sel_i == 3'd2 && !addr_i[0] && l_oc == gl[CW-1:0] && gl < C;
            always @(posedge clk_i) begin
                if (om_we)
                    mem[updating ? wk_n : l_oi] <= updating ? m_o[15:0] : wdata_i;
`ifdef SGLIF_RW_X
                if (om_we && (updating ? wk_n : l_oi) == om_ra)
                    om_q[16*gl +: 16] <= 16'bx;
                else
`endif
                om_q[16*gl +: 16] <= gl < C ? mem[om_ra] : 16'd0;
            end
            assign e_wo_data[8*gl +: 8] = om_q[16*gl+8 +: 8];
        end
    endgenerate
    wire [15:0] omom_q;
    sglif_ram #(.DW(16), .AW(ENW + CW)) omom_m (
        .clk_i(clk_i), .we_i(updating ? mom_we && tn_q == 3'd3 : idle && we_i && sel_i == 3'd2 && addr_i[0]),
        .waddr_i(updating ? {wk_n, wp_c} : {l_oi, l_oc}), .wdata_i(updating ? mom_o : wdata_i),
        .raddr_i(updating ? {rk_n, rp_c} : {l_oi, l_oc}), .rdata_o(omom_q));
    // TUNIT: {k, x, w}: bias master (lo, hi), momentum, gamma_q (lo, hi); b_out master, momentum
    wire [2:0]     l_uw = addr_i[2:0];
    wire [XW-1:0]  l_ux = addr_i[XW+2:3];
    wire           l_uk = addr_i[XW+3];
    wire           l_u0 = idle && we_i && sel_i == 3'd3 && !l_uk;
    wire [ENW-1:0] l_un = l_ux[ENW-1:0];
    wire [ENW-1:0] bu_ra = updating ? rp_n : l_un;
    (* no_rw_check *) reg [15:0] blo_m [0:(1 << ENW) - 1];
    (* no_rw_check *) reg [15:0] bhi_m [0:(1 << ENW) - 1];
    (* no_rw_check *) reg [15:0] bmom_m [0:(1 << ENW) - 1];
    (* no_rw_check *) reg [15:0] glo_m [0:(1 << ENW) - 1];
    (* no_rw_check *) reg [15:0] ghi_m [0:(1 << ENW) - 1];
    reg  [15:0] blo_q, bhi_q, bmom_q, glo_q, ghi_q;
    wire        ub_m = updating && m_we && tn_q == 3'd2, ub_mom = updating && mom_we && tn_q == 3'd2;
    always @(posedge clk_i) begin
        if (ub_m || l_u0 && l_uw == 3'd0)
            blo_m[ub_m ? wp_n : l_un] <= ub_m ? m_o[15:0] : wdata_i;
        if (ub_m || l_u0 && l_uw == 3'd1)
            bhi_m[ub_m ? wp_n : l_un] <= ub_m ? m_o[31:16] : wdata_i;
        if (ub_mom || l_u0 && l_uw == 3'd2)
            bmom_m[ub_mom ? wp_n : l_un] <= ub_mom ? mom_o : wdata_i;
        if (l_u0 && l_uw == 3'd4)
            glo_m[l_un] <= wdata_i;
        if (l_u0 && l_uw == 3'd5)
            ghi_m[l_un] <= wdata_i;
        blo_q  <= blo_m[bu_ra];
        bhi_q  <= bhi_m[bu_ra];
        bmom_q <= bmom_m[bu_ra];
        glo_q  <= glo_m[training ? e_gm_addr : l_un];
        ghi_q  <= ghi_m[training ? e_gm_addr : l_un];
`ifdef SGLIF_RW_X   // (the bias unit's words: written by the update at wp_n, or by the link)
        if ((ub_m || l_u0 && l_uw == 3'd0) && (ub_m ? wp_n : l_un) == bu_ra)
            blo_q  <= 16'bx;
        if ((ub_m || l_u0 && l_uw == 3'd1) && (ub_m ? wp_n : l_un) == bu_ra)
            bhi_q  <= 16'bx;
        if ((ub_mom || l_u0 && l_uw == 3'd2) && (ub_mom ? wp_n : l_un) == bu_ra)
            bmom_q <= 16'bx;
        if (l_u0 && l_uw == 3'd4 && l_un == (training ? e_gm_addr : l_un))
            glo_q  <= 16'bx;
        if (l_u0 && l_uw == 3'd5 && l_un == (training ? e_gm_addr : l_un))
            ghi_q  <= 16'bx;
`endif
    end
    assign e_gm_data = {ghi_q, glo_q};
    // b_out: registers
    reg [31:0] bo_m [0:CP2-1];
    reg [15:0] bomom_m [0:CP2-1];
    wire [CW-1:0] l_uc = l_ux[CW-1:0];
    wire       l_u1 = idle && we_i && sel_i == 3'd3 && l_uk && {{(XW-CW){1'b0}}, l_uc} == l_ux &&
                      {1'b0, l_uc} < C[CW:0];
    integer bc;
    always @(posedge clk_i) begin
        for (bc = 0; bc < CP2; bc = bc + 1) begin
            if (updating && m_we && tn_q == 3'd4 && wp_c == bc[CW-1:0])
                bo_m[bc] <= m_o;
            else if (l_u1 && l_uc == bc[CW-1:0] && l_uw == 3'd0)
                bo_m[bc][15:0] <= wdata_i;
            else if (l_u1 && l_uc == bc[CW-1:0] && l_uw == 3'd1)
                bo_m[bc][31:16] <= wdata_i;
            if (updating && mom_we && tn_q == 3'd4 && wp_c == bc[CW-1:0])
                bomom_m[bc] <= mom_o;
            else if (l_u1 && l_uc == bc[CW-1:0] && l_uw == 3'd2)
                bomom_m[bc] <= wdata_i;
        end
    end
    generate
        for (gl = 0; gl < CP2; gl = gl + 1) begin : g_bo
            assign e_bo[16*gl +: 16] = gl < C ? bo_m[gl][23:8] : 16'd0;
        end
    endgenerate
    reg [31:0] bo_rq;
    reg [15:0] bomom_rq;
    always @(posedge clk_i) begin
        bo_rq    <= bo_m[updating ? rp_c : l_uc];
        bomom_rq <= bomom_m[updating ? rp_c : l_uc];
    end

    // the update's read data: the words of (rk, rp) the cycle after u_rd. The memories give
    // them in u_rd's cycle (addressed with rk_nx, rp_nx); there the lane mux's first level (LG
    // lanes a group, by the lane's low bits: NG words of the masters' EP lanes or W_out's CP2)
    // and the tensor's choice are registered; the cycle after, the group's word (by the lane's
    // high bits, registered) goes into the update's m_i: no RAM output meets the lane mux's
    // full width in its cycle, NG 16-bit words cross to the update instead of EP
    localparam integer LG  = 4;
    localparam integer NGW = (EP + LG - 1) / LG, NGO = (CP2 + LG - 1) / LG;
    localparam integer NG  = NGW > NGO ? NGW : NGO;
    localparam integer NGB = NG > 1 ? $clog2(NG) : 1;
    wire [31:0]  rl32 = tn_q == 3'd3 ? {{(32-CW){1'b0}}, rp[CW-1:0]}
                                     : EP > 1 ? {{(32-ELW){1'b0}}, rp[ELW-1:0]} : 32'd0;
    reg  [31:0]  rl32_q;
`ifdef SGLIF_FAULT_TRN_LANE
    wire [1:0]   u_ls = rl32_q[1:0];       // (the self-test: the first level a read late)
`else
    wire [1:0]   u_ls = rl32[1:0];
`endif
    reg  [16*NG-1:0] u_mg_d, u_mg_q;       // the first level: each group's lane
    reg  [NGB-1:0]   u_lg_q;               // the group
    reg  [31:0]      u_mw_q;               // a wide tensor's master
    reg  [15:0]      u_mom_q;
    reg  [15:0]      u_mg;
    integer ug, us;
    always @(*) begin
        for (ug = 0; ug < NG; ug = ug + 1) begin
            u_mg_d[16*ug +: 16] = 16'd0;
            for (us = 0; us < LG; us = us + 1)
                if (u_ls == us[1:0]) begin
                    if (tn_q == 3'd3) begin
                        if (LG * ug + us < CP2)
                            u_mg_d[16*ug +: 16] = om_q[16*((LG * ug + us) % CP2) +: 16];
                    end else if (LG * ug + us < EP)
                        u_mg_d[16*ug +: 16] = wm_q[16*((LG * ug + us) % EP) +: 16];
                end
        end
    end
    always @(posedge clk_i) begin
        rl32_q <= rl32;
        u_mg_q <= u_mg_d;
        u_lg_q <= rl32[NGB+1:2];
        u_mw_q <= tn_q == 3'd2 ? {bhi_q, blo_q} : bo_rq;
        case (tn_q)
            3'd0, 3'd1: u_mom_q <= wmom_q;
            3'd2:       u_mom_q <= bmom_q;
            3'd3:       u_mom_q <= omom_q;
            default:    u_mom_q <= bomom_rq;
        endcase
    end
    always @(*) begin
        u_mg = u_mg_q[15:0];
        for (ug = 1; ug < NG; ug = ug + 1)
            if (u_lg_q == ug[NGB-1:0])
                u_mg = u_mg_q[16*ug +: 16];
        u_m   = tn_wide ? u_mw_q : {{16{u_mg[15]}}, u_mg};
        u_mom = u_mom_q;
    end

    // the gradient port: the update's reads and clears (pass 3 reads an entry and clears an
    // earlier one in the same cycle, at the port's write address), or the link's TGRAD reads:
    // {s, a, part}. The port gives a word GP_LAT = 2 cycles after its address, so the update's
    // reads address it a cycle ahead (rk_nx, rp_nx): the word comes the cycle after u_rd, with
    // the masters' and momenta's (a read with no u_rd after it reads a word no one takes)
    function [GAW+1:0] g_addr(input [2:0] t, input [KW-1:0] k, input [PW-1:0] p);
        /* verilator lint_off UNUSEDSIGNAL */
        reg [31:0] k32, p32, a;
        /* verilator lint_on UNUSEDSIGNAL */
        reg [1:0]  s;
        begin
            k32 = {{(32-KW){1'b0}}, k};
            p32 = {{(32-PW){1'b0}}, p};
            case (t)
                3'd0:    begin s = 2'd0; a = (k32 << ENW) + p32; end
                3'd1:    begin s = 2'd0; a = ((EIN + k32) << ENW) + p32; end
                3'd2:    begin s = 2'd1; a = p32; end
                3'd3:    begin s = 2'd2; a = (k32 << CW) + p32; end
                default: begin s = 2'd3; a = p32; end
            endcase
            g_addr = {s, a[GAW-1:0]};
        end
    endfunction
    wire [GAW+1:0]  ga_rd = g_addr(tn_q, rk_nx, rp_nx);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [GAW+1:0]  ga_clr = g_addr(tn_q, wk, wp);   // (its select is ga_rd's)
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        {gp_sel, gp_addr} = {addr_i[GAW+3:GAW+2], addr_i[GAW+1:2]};
        gp_waddr = ga_clr[GAW-1:0];
        gp_we = updating && g_clr;
        if (updating)
            {gp_sel, gp_addr} = ga_rd;           // gp_sel: the tensor's memory, the clear's too
    end

    // ---- the write-back into the core ------------------------------------------------------------
    localparam [2:0] CSEL_W = SEL_W, CSEL_BIAS = SEL_BIAS, CSEL_WOUT = SEL_WOUT, CSEL_BOUT = SEL_BOUT;
    wire [7:0]  wb_byte = m_we ? wq[7:0] : 8'd0;       // W_rec's diagonal: 0
    reg  [7:0]  lo_q;
    wire [31:0] wrow = tn_q == 3'd1 ? CN_IN + {{(32-KW){1'b0}}, wk} : {{(32-KW){1'b0}}, wk};
    wire [31:0] wflat = (wrow << CNW) + {{(32-PW){1'b0}}, wp};
    wire [31:0] wout_a = ({{(32-KW){1'b0}}, wk} << CW) + {{(32-PW){1'b0}}, wp};
    wire [31:0] wp32 = {{(32-PW){1'b0}}, wp};
`ifdef SGLIF_FAULT_TRN_PAIR
    wire [15:0] pair = {lo_q, wb_byte};                  // (the self-test: the bytes swapped)
`else
    wire [15:0] pair = {wb_byte, lo_q};
`endif
    always @(posedge clk_i) begin
        cfg_we_o <= 1'b0;
        if (updating && g_clr) begin
            case (tn_q)
                3'd0, 3'd1:
                    if (CP < 2) begin
                        cfg_we_o   <= 1'b1;
                        cfg_sel_o  <= CSEL_W;
                        cfg_addr_o <= wflat[CFG_AW-1:0];
                        cfg_data_o <= {8'd0, wb_byte};
                    end else if (!wp[0] && wp != u_pl)
                        lo_q <= wb_byte;
                    else begin
                        cfg_we_o   <= 1'b1;
                        cfg_sel_o  <= CSEL_W;
                        cfg_addr_o <= wflat[CFG_AW:1];
                        cfg_data_o <= wp[0] ? pair : {8'd0, wb_byte};
                    end
                3'd2: begin
                    cfg_we_o   <= 1'b1;
                    cfg_sel_o  <= CSEL_BIAS;
                    cfg_addr_o <= wp32[CFG_AW-1:0];
                    cfg_data_o <= wq;
                end
                3'd3: begin
                    cfg_we_o   <= 1'b1;
                    cfg_sel_o  <= CSEL_WOUT;
                    cfg_addr_o <= wout_a[CFG_AW-1:0];
                    cfg_data_o <= {8'd0, wq[7:0]};
                end
                default: begin
                    cfg_we_o   <= 1'b1;
                    cfg_sel_o  <= CSEL_BOUT;
                    cfg_addr_o <= wp32[CFG_AW-1:0];
                    cfg_data_o <= wq;
                end
            endcase
        end
        if (rst_i)
            cfg_we_o <= 1'b0;
    end

    // ---- statistics ------------------------------------------------------------------------------
    reg [31:0] samples_q, correct_q, sat_q, cyc_q;
    assign stats_o = {cyc_q, clamped, sat_q, correct_q, samples_q};
`ifdef SGLIF_FAULT_TRN_STATS
    wire right = pred_i != label_i;                      // (the self-test: the opposite)
`else
    wire right = pred_i == label_i;
`endif
    always @(posedge clk_i) begin
        if (rst_i || stats_clr_i) begin
            samples_q <= 32'd0;
            correct_q <= 32'd0;
            sat_q     <= 32'd0;
            cyc_q     <= 32'd0;
        end else begin
            if (idle && train_i) begin
                samples_q <= samples_q + 32'd1;
                correct_q <= correct_q + {31'd0, right};
            end
            if (gv_v)
                sat_q <= sat_q + {31'd0, sat_gz} + {31'd0, sat_gv};
            if (!idle)
                cyc_q <= cyc_q + 32'd1;
        end
    end

    // ---- the sequence ------------------------------------------------------------------------------
    always @(posedge clk_i) begin
        done_o    <= 1'b0;
        e_start_q <= 1'b0;
        u_start_q <= 1'b0;
        if (rst_i) begin
            mode_q <= M_IDLE;
            tn_q   <= 3'd0;
        end else case (mode_q)
            M_IDLE:
                if (train_i) begin
                    label_q   <= label_i;
                    e_start_q <= 1'b1;
                    mode_q    <= M_TRAIN;
                end else if (update_i) begin
                    lr_q   <= lr_i;
                    tix_q  <= 3'd0;
                    tn_q   <= tensor_at(3'd0);
                    mode_q <= M_USTART;
                end
            M_TRAIN:                       // the engine takes the start
                mode_q <= M_TWAIT;
            M_TWAIT:
                if (e_done) begin
                    done_o <= 1'b1;
                    mode_q <= M_IDLE;
                end
            M_USTART: begin
                u_start_q <= 1'b1;
                mode_q    <= M_UWAIT;
            end
            M_UWAIT:
                if (u_done)
                    mode_q <= M_UNEXT;
            M_UNEXT:                       // the last write lands
                if (!cfg_we_o) begin
                    if (tix_q == 3'd4)
                        mode_q <= M_UEND;
                    else begin
                        tix_q  <= tix_q + 3'd1;
                        tn_q   <= tensor_at(tix_q + 3'd1);
                        mode_q <= M_USTART;
                    end
                end
            default: begin                 // M_UEND
                done_o <= 1'b1;
                mode_q <= M_IDLE;
            end
        endcase
    end

    // ---- the registers and the link's reads ---------------------------------------------------------
    reg ovf_q;
    integer rw;
    always @(posedge clk_i) begin
        rng_load <= 1'b0;
        if (rst_i || mode_q == M_UEND)
            ovf_q <= 1'b0;
        else if (ovf)
            ovf_q <= 1'b1;
        if (rst_i) begin
            out_frac_q <= 6'sd0;
            s_rec_q    <= 7'sd0;
            k_q        <= 4'd4;
            reset_q    <= 1'b0;
            n_last_q   <= EN[ENW-1:0] - 1'b1;
            c_last_q   <= C[CW-1:0] - 1'b1;
            in_last_q  <= EIN[EUW-1:0] - 1'b1;
            b2_q       <= 4'd0;
            row_norm_q <= 1'b1;
            wd_q       <= 4'd0;
            s_t_q[0] <= 7'sd0; s_t_q[1] <= 7'sd0; s_t_q[2] <= 7'sd0; s_t_q[3] <= 7'sd0;
            s_t_q[4] <= 7'sd0;
        end else if (idle && we_i && sel_i == 3'd7) begin
            rng_state_ld <= rng_state;
            rng_inc_ld   <= rng_inc;
            case (addr_i[4:0])
                TREG_OUT_FRAC: out_frac_q <= wdata_i[5:0];
                TREG_S_REC:    s_rec_q    <= wdata_i[6:0];
                TREG_K:        k_q        <= wdata_i[3:0];
                TREG_RESET:    reset_q    <= wdata_i[0];
                TREG_N_LAST:   n_last_q   <= wdata_i[ENW-1:0];
                TREG_C_LAST:   c_last_q   <= wdata_i[CW-1:0];
                TREG_IN_LAST:  in_last_q  <= wdata_i[EUW-1:0];
                TREG_B2:       b2_q       <= wdata_i[3:0];
                TREG_ROW_NORM: row_norm_q <= wdata_i[0];
                TREG_WD:       wd_q       <= wdata_i[3:0];
                TREG_S_WIN:    s_t_q[0]   <= wdata_i[6:0];
                TREG_S_WREC:   s_t_q[1]   <= wdata_i[6:0];
                TREG_S_BIAS:   s_t_q[2]   <= wdata_i[6:0];
                TREG_S_WOUT:   s_t_q[3]   <= wdata_i[6:0];
                TREG_S_BOUT:   s_t_q[4]   <= wdata_i[6:0];
                // (the word decoded by compares, not an indexed part-select: its offset
                // arithmetic was a carry chain on the link's address in front of the write)
                TREG_RNG_STATE0, TREG_RNG_STATE1, TREG_RNG_STATE2, TREG_RNG_STATE3: begin
                    for (rw = 0; rw < 4; rw = rw + 1)
                        if (addr_i[1:0] == rw[1:0])
                            rng_state_ld[16*rw +: 16] <= wdata_i;
                    rng_load <= 1'b1;
                end
                TREG_RNG_INC0, TREG_RNG_INC1, TREG_RNG_INC2, TREG_RNG_INC3: begin
                    for (rw = 0; rw < 4; rw = rw + 1)
                        if (addr_i[1:0] == rw[1:0])
                            rng_inc_ld[16*rw +: 16] <= wdata_i;
                    rng_load <= 1'b1;
                end
                default: ;
            endcase
        end
    end
    // read: the RAMs at the link's address (while idle) and the select and the low address
    // bits registered in the first cycle, each select's word in the second, the word in the
    // third (RB_LAT); TGRAD's word: the gradient port's (GP_LAT = 2: from registers) part
    // straight into the third; so TERR's of the error memory of one class a word (EMEM_LUT 2:
    // the engine's block-RAM read registered twice)
    reg [2:0]     rs_q;
    reg [TAW-1:0] ra_q;
    reg [15:0]    reg_q;
    integer rr;
    always @(posedge clk_i) begin
        rs_q <= sel_i;
        ra_q <= addr_i;
        case (addr_i[4:0])
            TREG_GF:       reg_q <= 16'd16;
            TREG_OUT_FRAC: reg_q <= {10'd0, out_frac_q};
            TREG_S_REC:    reg_q <= {9'd0, s_rec_q};
            TREG_K:        reg_q <= {12'd0, k_q};
            TREG_RESET:    reg_q <= {15'd0, reset_q};
            TREG_N_LAST:   reg_q <= {{(16-ENW){1'b0}}, n_last_q};
            TREG_C_LAST:   reg_q <= {{(16-CW){1'b0}}, c_last_q};
            TREG_IN_LAST:  reg_q <= {{(16-EUW){1'b0}}, in_last_q};
            TREG_B2:       reg_q <= {12'd0, b2_q};
            TREG_ROW_NORM: reg_q <= {15'd0, row_norm_q};
            TREG_WD:       reg_q <= {12'd0, wd_q};
            TREG_S_WIN:    reg_q <= {9'd0, s_t_q[0]};
            TREG_S_WREC:   reg_q <= {9'd0, s_t_q[1]};
            TREG_S_BIAS:   reg_q <= {9'd0, s_t_q[2]};
            TREG_S_WOUT:   reg_q <= {9'd0, s_t_q[3]};
            TREG_S_BOUT:   reg_q <= {9'd0, s_t_q[4]};
            TREG_RNG_STATE0, TREG_RNG_STATE1, TREG_RNG_STATE2, TREG_RNG_STATE3:
                for (rr = 0; rr < 4; rr = rr + 1)
                    if (addr_i[1:0] == rr[1:0])
                        reg_q <= rng_state[16*rr +: 16];
            TREG_RNG_INC0, TREG_RNG_INC1, TREG_RNG_INC2, TREG_RNG_INC3:
                for (rr = 0; rr < 4; rr = rr + 1)
                    if (addr_i[1:0] == rr[1:0])
                        reg_q <= rng_inc[16*rr +: 16];
            TREG_EV_COUNT: reg_q <= {{(15-ES_AW){1'b0}}, ev_n_q};
            TREG_STATUS:   reg_q <= {14'd0, ovf_q, ev_bad_q};
            default:       reg_q <= 16'd0;
        endcase
    end
    wire [ELW-1:0] ra_l  = EP > 1 ? ra_q[ELW-1:0] : {ELW{1'b0}};
    wire [CW-1:0]  ra_oc = ra_q[CW:1];
    wire [1:0]     ra_pt = ra_q[1:0];
    wire [GRAD_BITS+63:0] gpx = {64'd0, gp_rdata};
    reg [1:0]      ra2_pt;
    wire [31:0]    es32 = {{(32-HW-EUW){1'b0}}, es_q};
    // each select's word (its lane, class or part of the RAMs' words) registered, then the
    // select's: the RAMs' outputs and the select mux in different cycles
    reg [16*8-1:0] rb_d;
    reg [16*8-1:0] rb_q;
    reg [2:0]     rs2_q;
    always @(*) begin
        rb_d[0 +: 16] = wm_q[16*ra_l +: 16];
        rb_d[16 +: 16] = wmom_q;
        rb_d[32 +: 16] = ra_q[0] ? omom_q : om_q[16*ra_oc +: 16];
        if (!ra_q[XW+3])
            case (ra_q[2:0])
                3'd0: rb_d[48 +: 16] = blo_q;
                3'd1: rb_d[48 +: 16] = bhi_q;
                3'd2: rb_d[48 +: 16] = bmom_q;
                3'd4: rb_d[48 +: 16] = glo_q;
                3'd5: rb_d[48 +: 16] = ghi_q;
                default: rb_d[48 +: 16] = 16'd0;
            endcase
        else
            case (ra_q[2:0])
                3'd0: rb_d[48 +: 16] = bo_rq[15:0];
                3'd1: rb_d[48 +: 16] = bo_rq[31:16];
                3'd2: rb_d[48 +: 16] = bomom_rq;
                default: rb_d[48 +: 16] = 16'd0;
            endcase
        rb_d[64 +: 16] = 16'd0;                          // (TGRAD: below)
        rb_d[80 +: 16] = EMEM_LUT == 2 ? 16'd0                          // (below)
                                       : e_rdata[32*ra_oc + 16*ra_q[0] +: 16];
        rb_d[96 +: 16] = es32[15:0];
        rb_d[112 +: 16] = reg_q;
    end
    always @(posedge clk_i) begin
        rs2_q   <= rs_q;
        ra2_pt  <= ra_pt;
        rb_q    <= rb_d;
        if (rs2_q == 3'd4)
            rdata_o <= {2'd0, ra2_pt} < NPART[3:0] ? gpx[16*ra2_pt +: 16] : 16'd0;
        else if (EMEM_LUT == 2 && rs2_q == SEL_TERR[2:0])       // (the class's word)
            rdata_o <= e_rdata[16*ra2_pt[0] +: 16];
        else
            rdata_o <= rb_q[16*rs2_q +: 16];
    end
    wire unused_ok = &{1'b0, h_i32, in_last32, n_last32, c_last32, rk_row32, wk_row32, e_row32,
                       rk, rp, rl32_q, u_lg_q, wflat, es32, e_busy, u_busy, err_v, err_t, err_c, err, gv_t, gv_i, gv, tn_q,
                       wflat[0], wout_a, wp32, wrow, l_u1, ra_q};
endmodule

`default_nettype wire
