// SPDX-License-Identifier: MIT
// sglif_engine: the training engine's backward pass of one sample over one layer (docs/rtl.md,
// "Training engine", "The engine of a sample"): after the forward, from the history {z, code},
// the weights, the sample's events and its label, in three phases,
//   1. per step t = 0 .. T-1 the readout sums a_c = b_out[c] + sum_{i: z_t,i} W_out[i][c] (one
//      neuron a cycle from the history and the W_out RAMs) and the error unit's
//      e_t[c] (rtl/sglif_err_unit.v) into the error memory (T_MAX words of C lanes, inside);
//   2. the backward walk with its gradient accumulation (rtl/sglif_bwd_walk.v,
//      rtl/sglif_bwd_accum.v), which reads the error memory;
// the gradients add to the sums of the batch (the gradient port: sglif_bwd_accum). The history,
// the W_rec rows, W_out, b_out, gamma_q and the event store are RAMs outside (registered reads:
// the word one cycle after its address), as the core will serve them; the W_out and history
// ports serve phase 1 and then the walk. Cycles (start_i to done_o): T (n + ENG_STEP_EXTRA +
// ERR_CYCLES_FIXED + 3 C) + ENG_FIXED + the walk's (rtl/core_map.csv), T more with H_LAT 2.
// SUMS_IN = 1 (the trainer): phase 1 takes each step's sums from the error memory, where the
// forward wrote them (cap_*_i, while idle), one word a step: T (ENG_SUMS_STEP +
// ERR_CYCLES_FIXED + 3 C) + ENG_FIXED + the walk's; the error memory may then be one class a
// word (EMEM_LUT = 2, in the same cycles). `define SGLIF_FAULT_ENG_SUM (the readout sums miss
// the last neuron), SGLIF_FAULT_TRN_EMEM (EMEM_LUT 2: a step's sums one class on),
// SGLIF_FAULT_TRN_ERDA (EMEM_LUT 2: the error unit's reads at its address of the cycle, not the
// next's) for the self-tests.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_engine #(
    parameter integer N      = 64,
    parameter integer P      = 4,
    parameter integer C      = 10,
    parameter integer T_MAX  = 64,
    parameter integer N_IN   = 16,
    parameter integer ES_AW  = 10,
    parameter integer GRAD_W = `SGLIF_GRAD_W, // gradient words: GRAD_W of rtl/core_map.csv
    parameter integer H_LAT  = 1,      // the history's read latency (1, or 2: the core's banked
                                       // history; phase 1 then takes one cycle more a step)
    parameter integer SUMS_IN = 0,     // 1: phase 1 takes each step's readout sums from the
                                       // error memory, written there during the forward
                                       // (cap_we_i), instead of recomputing them from the history
    parameter integer EMEM_LUT = 1,    // the error memory (rtl/configs.csv, engine_emem_lut):
                                       // a word a step in LUT RAM (1) or block RAM (0), the
                                       // same in simulation; or a word a class in block RAM
                                       // (2, SUMS_IN = 1 only; below)
    parameter integer SUM_N  = N       // the most neurons whose W_out rows a step sum adds (the
                                       // trainer: the core's top layer), for the memory's width
) (
    input  wire                  clk_i,
    input  wire                  rst_i,
    input  wire                  start_i,        // while idle
    input  wire [NW-1:0]         n_last_i,       // the sample's sizes and the layer's constants
    input  wire [HW-1:0]         t_last_i,       // (held while busy)
    input  wire [CW-1:0]         c_last_i,
    input  wire [CW-1:0]         label_i,
    input  wire signed [6:0]     s_rec_i,
    input  wire signed [5:0]     out_frac_i,     // -8 .. 23 (the error unit's range)
    input  wire [3:0]            k_i,
    input  wire                  reset_mult_i,
    input  wire [ES_AW:0]        ev_count_i,
    output wire                  busy_o,
    output reg                   done_o,
    // RAMs outside
    output wire [NW+GW-1:0]      w_addr_o,
    input  wire [8*P-1:0]        w_data_i,
    output wire [NW-1:0]         wo_addr_o,
    input  wire [8*CP-1:0]       wo_data_i,
    input  wire [16*CP-1:0]      bo_i,           // b_out (registers; classes >= C read 0)
    output wire [HW+NW-1:0]      h_addr_o,
    input  wire [16:0]           h_data_i,
    output wire [NW-1:0]         gm_addr_o,
    input  wire signed [31:0]    gm_data_i,
    output wire [ES_AW-1:0]      es_addr_o,
    input  wire [HW+UW-1:0]      es_data_i,
    // what the engine computes, for the tests: each error and each gv as it is made
    output wire                  err_valid_o,
    output wire [HW-1:0]         err_t_o,
    output wire [CW-1:0]         err_c_o,
    output wire signed [31:0]    err_o,
    output wire                  gv_valid_o,
    output wire [HW-1:0]         gv_t_o,
    output wire [NW-1:0]         gv_i_o,
    output wire signed [31:0]    gv_o,
    output wire                  sat_gz_o,       // with gv_valid_o: gz / gv clamped to int32
    output wire                  sat_gv_o,       // (the twin's saturations)
    // the error memory's read port while idle: word t (C lanes) one cycle after its address
    // (EMEM_LUT 2: class e_rc_i of word t, in lane 0, the other lanes 0, two cycles after its
    // address: the block RAM's read registered twice)
    input  wire [HW-1:0]         e_raddr_i,
    input  wire [CW-1:0]         e_rc_i,
    output wire [32*CP-1:0]      e_rdata_o,
    // SUMS_IN = 1: the step sums of the forward, word t_i (C lanes of 32 bits), while idle
    input  wire                  cap_we_i,
    input  wire [HW-1:0]         cap_t_i,
    input  wire [32*CP-1:0]      cap_data_i,
    // the gradient memories' port (while idle)
    input  wire [1:0]            gp_sel_i,
    input  wire [GA_W-1:0]       gp_addr_i,
    input  wire                  gp_we_i,
    input  wire [GA_W-1:0]       gp_waddr_i,
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
    localparam integer CP_M1 = CP - 1;          // (EMEM_LUT 2: the last class of a step's words)
    localparam integer UW   = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer RW   = $clog2(N_IN + N);
    localparam integer GA_W = RW + NW > NW + CW ? RW + NW : NW + CW;

    localparam [2:0] S_IDLE = 3'd0, S_SUM = 3'd1, S_SUMW = 3'd2, S_ERR = 3'd3, S_ERRW = 3'd4,
                     S_WALK = 3'd5, S_WALKW = 3'd6, S_HOLD = 3'd7;
    reg [2:0]    state_q;
    reg [HW-1:0] t_q;
    reg [NW-1:0] i_q;
    assign busy_o = state_q != S_IDLE;

    // ---- phase 1: the readout sums of step t_q, then its errors ------------------------------
    reg  [32*CP-1:0] sum_q;
    reg              s_v_q;                        // a history word of phase 1 arrives
    reg              s_v2_q;                       // (H_LAT 2: a cycle later)
    reg  [8*CP-1:0]  wo_q;                         // (H_LAT 2: the W_out word, registered)
    wire             s_v   = H_LAT > 1 ? s_v2_q : s_v_q;
    wire [8*CP-1:0]  wo_s  = H_LAT > 1 ? wo_q : wo_data_i;
    reg              sw_q;                         // S_SUMW's second cycle (H_LAT 2)
    wire [HW+NW-1:0] w_h_addr;
    wire [NW-1:0]    w_wo_addr;
    // SUMS_IN = 1: the walk runs from the start, beside the error unit (which only reads the
    // error memory), so the history and W_out ports are always the walk's
    wire             walking = SUMS_IN != 0 || state_q == S_WALK || state_q == S_WALKW;
    assign h_addr_o  = walking ? w_h_addr : {t_q, i_q};
    assign wo_addr_o = walking ? w_wo_addr : i_q;
    integer c;
    always @(posedge clk_i) begin
        if (SUMS_IN != 0) begin
            if (state_q == S_SUMW)                 // the step's word of the error memory
                sum_q <= e_rd_x;
        end else if (state_q == S_SUM && i_q == {NW{1'b0}})
            for (c = 0; c < CP; c = c + 1)
                sum_q[32*c +: 32] <= {{16{bo_i[16*c+15]}}, bo_i[16*c +: 16]};
        else if (s_v && h_data_i[16])
            for (c = 0; c < CP; c = c + 1)
                sum_q[32*c +: 32] <= sum_q[32*c +: 32] + {{24{wo_s[8*c+7]}}, wo_s[8*c +: 8]};
        wo_q <= wo_data_i;
    end

    wire          e_done, e_busy, e_v;
    wire [CW-1:0] e_addr_c, e_addr_nx, e_c;
    wire signed [31:0] e_val;
    reg  signed [31:0] acc_q;                      // the error unit's sums port: registered read
    wire signed [31:0] e1_x;                       // (EMEM_LUT 2: the memory's class word)
    wire signed [31:0] e_acc = EMEM_LUT == 2 ? e1_x : acc_q;
    integer cs;
    always @(posedge clk_i)
        for (cs = 0; cs < CP; cs = cs + 1)
            if (e_addr_c == cs[CW-1:0])
                acc_q <= sum_q[32*cs +: 32];
    // the errors' units 2^-GF (the err unit's default, TREG GF): the walk keeps an error in
    // E_W bits (rtl/core_map.csv), enough while |e| <= 2^GF fits them
    localparam integer GF = 16;
    generate
        if (GF + 2 > `SGLIF_E_W) begin : g_bad_gf
            sglif_error_E_W_below_GF_plus_2 u_refuse ();   // (no such module: elaboration fails)
        end
    endgenerate
    sglif_err_unit #(.C(C), .GF(GF)) u_err (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(state_q == S_ERR), .c_last_i(c_last_i),
        .label_i(label_i), .out_frac_i(out_frac_i), .busy_o(e_busy), .done_o(e_done),
        .acc_addr_o(e_addr_c), .acc_addr_nx_o(e_addr_nx), .acc_data_i(e_acc), .err_valid_o(e_v), .err_c_o(e_c),
        .err_o(e_val));
    assign err_valid_o = e_v;
    assign err_t_o     = t_q;
    assign err_c_o     = e_c;
    assign err_o       = e_val;

    // the error memory: word t, lane c, EM_W bits a lane (sign-extended to 32 on every read).
    // A lane holds an error, |e| <= 2^GF (E_W bits), or a forward's step sum a_c = b_out[c] +
    // sum_{i: z_t,i} W_out[i][c] over at most SUM_N neurons, |a_c| <= 2^15 + 2^7 SUM_N (int16
    // b_out, int8 W_out): SUM_BITS = 1 + clog2(2^15 + 2^7 SUM_N) signed bits (17 up to SUM_N =
    // 256). EM_W is the larger of the two, so no configuration wraps a lane. A word a step in
    // LUT RAM (EMEM_LUT = 1) spares the block RAMs that the ULX3S-85F's training image lacks
    // (its wide buses do not route: one class a word in 2 block RAMs, EMEM_LUT = 2, is its form
    // now); the 45F's lacks LUTs instead (docs/boards.md, "Training on the boards"). A word a
    // step: one write a cycle, a whole word (a forward step's sums, or 0) or one lane (an error).
    localparam integer SUM_BITS = 1 + $clog2(32768 + 128 * SUM_N);
    localparam integer EM_W = SUM_BITS > `SGLIF_E_W ? SUM_BITS : `SGLIF_E_W;
    wire [EM_W*CP-1:0] e_wd;                       // the word the walk (and phase 1) reads
    wire [32*CP-1:0] e_rd_x;                       // e_wd's lanes sign-extended
    wire [EM_W*CP-1:0] cap_n;                      // cap_data_i's lanes cut to EM_W bits
    sglif_lanes_sext #(.L(CP), .W_IN(EM_W), .W_OUT(32)) u_rdx (.x_i(e_wd), .y_o(e_rd_x));
    sglif_lanes_sext #(.L(CP), .W_IN(32), .W_OUT(EM_W)) u_capn (.x_i(cap_data_i), .y_o(cap_n));
    wire [HW-1:0]    w_e_addr;
    wire             em_cap = SUMS_IN != 0 && cap_we_i && !busy_o;   // a forward step's sums
    integer ce;
    generate
        if (EMEM_LUT == 2 && SUMS_IN == 0) begin : g_bad_emem
            sglif_error_EMEM_LUT_2_needs_SUMS_IN u_refuse ();   // (no such module: elaboration fails)
        end
        if (EMEM_LUT == 2) begin : g_emem1
            // A word a class at {t, c} (2^(HW+CW) words of EM_W bits: 2 DP16KD at T_MAX 100,
            // C 10, 18 bits), one read and one write a cycle, in the cycles of a word a step:
            //  - a forward step's sums (cap_we_i, while idle): class 0 in the cycle of
            //    cap_we_i, classes 1 .. CP-1 in the CP-1 cycles after it from cap_data_i (the
            //    trainer's cap_q, held until the next step's end: a step takes more than CP
            //    cycles, and TRAIN comes with a command after the RUN);
            //  - the error unit reads its sums from the memory at {t_q, e_addr_nx}, its address a
            //    cycle ahead, the read registered twice (e0_q, then e1_q: the DP16KD's output
            //    register; no block RAM output meets logic in its cycle), so that the word comes
            //    the cycle after e_addr_c, like acc_q; t_q is set cycles before S_ERR. It
            //    writes its errors there (its reads all come before);
            //  - classes c_last_i + 1 .. CP-1 of word t_q to 0 in the CP cycles from S_ERR (a
            //    word a step zeroes the word at S_ERR), before the error unit's first error;
            //  - the walk's word: ew_q, step t_q's errors as the error unit makes them (0 from
            //    S_ERR), offered at e_done as the memory's word is; no read of the memory;
            //  - the read-back (idle): class e_rc_i of word e_raddr_i, in lane 0, two cycles
            //    after the address (the trainer takes it into its third stage: RB_LAT).
            // The orders are checked in simulation (below: the trainer's tests).
            (* ram_style = "block", no_rw_check *)   // (a read of the word being written: unknown)
            reg [EM_W-1:0]     emc [0:(1<<(HW+CW))-1];
            reg [EM_W-1:0]     e0_q, e1_q;
            reg [EM_W*CP-1:0]  ew_q;
            reg                cd_q;               // the capture's classes 1 .. CP-1
            reg [HW-1:0]       cd_t_q;
            reg [CW-1:0]       cd_c_q;
            reg                z_q;                // the classes beyond c_last_i to 0
            reg [CW-1:0]       z_c_q;
`ifdef SGLIF_FAULT_TRN_ERDA
            wire [HW+CW-1:0]   c_ra = busy_o ? {t_q, e_addr_c} : {e_raddr_i, e_rc_i};  // (the self-test: the read not a cycle ahead)
            wire               unused_nx = &{1'b0, e_addr_nx};
`else
            wire [HW+CW-1:0]   c_ra = busy_o ? {t_q, e_addr_nx} : {e_raddr_i, e_rc_i};
`endif
`ifdef SGLIF_FAULT_TRN_EZERO
            wire               z_we = 1'b0 && z_q && z_c_q > c_last_i;   // (the self-test: nothing zeroed)
`else
            wire               z_we = z_q && z_c_q > c_last_i;
`endif
            wire               c_we = em_cap || cd_q || z_we || e_v;
            wire [CW-1:0]      c_wc = em_cap ? {CW{1'b0}} : cd_q ? cd_c_q : z_q ? z_c_q : e_c;
            // the capture's lane of cap_n: class 0 (em_cap) or cd_c_q's, chosen by compares of
            // the register (no index arithmetic; em_cap, from the state, only in the last mux)
`ifdef SGLIF_FAULT_TRN_EMEM
            wire [CW-1:0]      c_d0 = {CW{1'b1}};   // (the self-test: a class's sum one class on)
            wire [CW-1:0]      c_dc = cd_c_q - 1'b1;
`else
            wire [CW-1:0]      c_d0 = {CW{1'b0}};
            wire [CW-1:0]      c_dc = cd_c_q;
`endif
            reg  [EM_W-1:0]    c_dl;
            integer            cl;
            always @* begin
                c_dl = {EM_W{1'b0}};
                for (cl = 0; cl < CP; cl = cl + 1)
                    if (c_dc == cl[CW-1:0])
                        c_dl = cap_n[EM_W*cl +: EM_W];
            end
            wire [HW-1:0]      c_wt = em_cap ? cap_t_i : cd_q ? cd_t_q : t_q;
            wire [EM_W-1:0]    c_wd = em_cap ? cap_n[EM_W*c_d0 +: EM_W] : cd_q ? c_dl :
                                      z_q ? {EM_W{1'b0}} : e_val[EM_W-1:0];
            always @(posedge clk_i) begin
`ifdef SGLIF_RW_X   // (simulation: a use of such a read shows as x)
                if (c_we && {c_wt, c_wc} == c_ra)
                    e0_q <= {EM_W{1'bx}};
                else
`endif
                e0_q <= emc[c_ra];
                e1_q <= e0_q;
                if (c_we)
                    emc[{c_wt, c_wc}] <= c_wd;
            end
            always @(posedge clk_i) begin
                if (state_q == S_ERR)
                    ew_q <= {EM_W*CP{1'b0}};
                else if (e_v)
                    for (ce = 0; ce < CP; ce = ce + 1)
                        if (e_c == ce[CW-1:0])
                            ew_q[EM_W*ce +: EM_W] <= e_val[EM_W-1:0];
                if (rst_i) begin
                    cd_q <= 1'b0;
                    z_q  <= 1'b0;
                end else begin
                    if (em_cap) begin
                        cd_q   <= CP > 1;
                        cd_t_q <= cap_t_i;
                        cd_c_q <= {{(CW-1){1'b0}}, 1'b1};
                    end else if (cd_q) begin
                        cd_c_q <= cd_c_q + 1'b1;
                        if (cd_c_q == CP_M1[CW-1:0])
                            cd_q <= 1'b0;
                    end
                    if (state_q == S_ERR) begin
                        z_q   <= 1'b1;
                        z_c_q <= {CW{1'b0}};
                    end else if (z_q) begin
                        z_c_q <= z_c_q + 1'b1;
                        if (z_c_q == CP_M1[CW-1:0])
                            z_q <= 1'b0;
                    end
                end
            end
`ifndef SYNTHESIS
            always @(posedge clk_i)
                if (!rst_i && ((cd_q && (cap_we_i || start_i)) || (z_q && e_v))) begin
                    $display("sglif_engine: the error memory's writes overlap (a capture, a start or an error while the capture's classes or the zeroing run)");
                    $stop;
                end
`endif
            assign e_wd      = ew_q;
            sglif_lanes_sext #(.L(1), .W_IN(EM_W), .W_OUT(32)) u_e1x (.x_i(e1_q), .y_o(e1_x));
            assign e_rdata_o = {{(32*CP-32){1'b0}}, e1_x};
            wire unused_e1 = &{1'b0, w_e_addr, acc_q};   // (the walk's word is ew_q; acc_q: forms 0, 1)
        end else begin : g_emem
            // A word a step, C lanes: read whole by phase 1 (S_SUM) and by the walk
            wire [HW-1:0]      em_ra = !busy_o ? e_raddr_i : state_q == S_SUM ? t_q : w_e_addr;
            wire               em_wz = !em_cap && state_q == S_ERR;   // the step's word to 0 (classes >= C)
            wire               em_we = em_cap || em_wz;
            wire [HW-1:0]      em_wa = em_cap ? cap_t_i : t_q;
            wire [EM_W*CP-1:0] em_wd = em_cap ? cap_n : {EM_W*CP{1'b0}};
            wire               em_le = !em_we && e_v;                  // an error into lane e_c
            reg  [EM_W*CP-1:0] e_rd_q;
`ifdef SYNTHESIS
            (* ram_style = EMEM_LUT != 0 ? "distributed" : "block" *)  // (Yosys: SYNTHESIS; Icarus
`endif                                                                 // takes no parameter here)
            reg  [EM_W*CP-1:0] emem [0:T_MAX-1];
            always @(posedge clk_i) begin
                e_rd_q <= emem[em_ra];
                if (em_we)
                    emem[em_wa] <= em_wd;
                else if (em_le)
                    for (ce = 0; ce < CP; ce = ce + 1)
                        if (e_c == ce[CW-1:0])
                            emem[t_q][EM_W*ce +: EM_W] <= e_val[EM_W-1:0];
            end
            assign e_wd      = e_rd_q;
            assign e1_x      = 32'sd0;
            assign e_rdata_o = e_rd_x;
            wire unused_e1 = &{1'b0, e_rc_i, e_addr_nx};
        end
    endgenerate

    // ---- phase 2: the walk and the accumulation ----------------------------------------------
    // SUMS_IN = 1: the walk starts with the engine and waits at each step for its errors; the
    // error unit computes e_t for t = T-1 down to 0, each step's as soon as the walk has taken
    // (read) the errors of step t + 1 (e_have_q: step t_q's errors are in the memory, not yet
    // taken). SUMS_IN = 0: phase 1 first (its sums read the walk's ports), then the walk.
    wire w_busy, w_done, w_take;
    reg  e_have_q;
    wire w_e_ok  = SUMS_IN == 0 || e_have_q;
    wire w_start = SUMS_IN != 0 ? state_q == S_IDLE && start_i : state_q == S_WALK;
    sglif_bwd_walk #(.N(N), .P(P), .C(C), .T_MAX(T_MAX), .N_IN(N_IN), .ES_AW(ES_AW),
                     .GRAD_W(GRAD_W), .H_LAT(H_LAT)) u_walk (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(w_start), .n_last_i(n_last_i),
        .t_last_i(t_last_i), .s_rec_i(s_rec_i), .out_frac_i({out_frac_i[5], out_frac_i}),
        .k_i(k_i), .reset_mult_i(reset_mult_i), .e_ok_i(w_e_ok), .e_take_o(w_take), .busy_o(w_busy), .done_o(w_done),
        .w_addr_o(w_addr_o), .w_data_i(w_data_i), .wo_addr_o(w_wo_addr), .wo_data_i(wo_data_i),
        .e_addr_o(w_e_addr), .e_data_i(e_rd_x), .h_addr_o(w_h_addr), .h_data_i(h_data_i),
        .gm_addr_o(gm_addr_o), .gm_data_i(gm_data_i), .gv_valid_o(gv_valid_o),
        .gv_t_o(gv_t_o), .gv_i_o(gv_i_o), .gv_o(gv_o), .sat_gz_o(sat_gz_o), .sat_gv_o(sat_gv_o),
        .ev_count_i(ev_count_i), .es_addr_o(es_addr_o), .es_data_i(es_data_i),
        .gp_sel_i(gp_sel_i), .gp_addr_i(gp_addr_i), .gp_we_i(gp_we_i), .gp_waddr_i(gp_waddr_i),
        .gp_wdata_i(gp_wdata_i),
        .gp_rdata_o(gp_rdata_o), .ovf_o(ovf_o));

    // ---- control -------------------------------------------------------------------------------
    always @(posedge clk_i) begin
        if (rst_i)
            e_have_q <= 1'b0;
        else begin
            if (w_take)
                e_have_q <= 1'b0;
`ifdef SGLIF_FAULT_TRN_AHEAD
            if (SUMS_IN != 0 && state_q == S_ERR)  // (the self-test: the errors offered to the
                e_have_q <= 1'b1;                  // walk as the error unit starts on them)
`else
            if (SUMS_IN != 0 && state_q == S_ERRW && e_done)
                e_have_q <= 1'b1;
`endif
        end
    end
    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i) begin
            state_q <= S_IDLE;
            s_v_q   <= 1'b0;
            s_v2_q  <= 1'b0;
            sw_q    <= 1'b0;
        end else begin
`ifdef SGLIF_FAULT_ENG_SUM
            s_v_q <= state_q == S_SUM && i_q != n_last_i;   // (the self-test: the last neuron lost)
`else
            s_v_q <= state_q == S_SUM;
`endif
            s_v2_q <= s_v_q;
            case (state_q)
                S_IDLE:
                    if (start_i) begin
                        t_q     <= SUMS_IN != 0 ? t_last_i : {HW{1'b0}};
                        i_q     <= {NW{1'b0}};
                        state_q <= S_SUM;
                    end
                S_SUM:                                // neuron i_q's history word and W_out row
                    if (SUMS_IN != 0 || i_q == n_last_i)   // (SUMS_IN: the word's read)
                        state_q <= S_SUMW;
                    else
                        i_q <= i_q + 1'b1;
                S_SUMW:                               // the last word added
                    if (SUMS_IN != 0 || H_LAT < 2 || sw_q) begin
                        sw_q    <= 1'b0;
                        state_q <= S_ERR;
                    end else
                        sw_q <= 1'b1;
                S_ERR:                                // the error unit starts
                    state_q <= S_ERRW;
                S_ERRW:
                    if (e_done && SUMS_IN != 0)        // step t_q's errors, for the walk
                        state_q <= S_HOLD;
                    else if (e_done) begin
                        i_q <= {NW{1'b0}};
                        if (t_q == t_last_i)
                            state_q <= S_WALK;
                        else begin
                            t_q     <= t_q + 1'b1;
                            state_q <= S_SUM;
                        end
                    end
                S_HOLD:                               // until the walk takes them
                    if (w_take || !e_have_q) begin
                        if (t_q == {HW{1'b0}})
                            state_q <= S_WALKW;
                        else begin
                            t_q     <= t_q - 1'b1;
                            state_q <= S_SUM;
                        end
                    end
                S_WALK:                               // the walk starts
                    state_q <= S_WALKW;
                S_WALKW:                              // (!w_busy: a done before this state)
                    if (w_done || !w_busy) begin
                        state_q <= S_IDLE;
                        done_o  <= 1'b1;
                    end
                default: state_q <= S_IDLE;
            endcase
        end
    end
    wire unused_ok = &{1'b0, e_busy};
endmodule

`default_nettype wire
