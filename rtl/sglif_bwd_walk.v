// SPDX-License-Identifier: MIT
// sglif_bwd_walk: the training engine's backward walk over one layer (docs/rtl.md, "Training
// engine (design)"): for t = T-1 down to 0 and every neuron i in use,
//   gz      = rnd(sum_c W_out[i][c] e_t[c], out_frac) + rnd(sum_j W_rec[i][j] gv_(t+1)[j], s_rec)
//   gv_t[i] = sglif_bwd_neuron(gz, code_t[i], gamma_q[i], gv_(t+1)[i], t < T-1, z_t[i])
// as the twin's sgl_fixed_grad_backward does for the top layer (gv_T = 0, so the recurrent term
// of the last step is 0). The weights, W_out, the errors, the history and gamma_q are read
// through ports from RAMs outside (registered reads: the word one cycle after its address), as
// the core's banks, readout RAMs and history will serve them; the two gv rows (t + 1 read, t
// written) are inside, P lanes wide (lane k holds neuron gP + k at word g). Every gv_t[i] leaves
// on gv_valid_o with its step and neuron.
// The rows go back to back: neuron i's G_n = floor((n - 1) / P) + 1 words, one a cycle, then
// neuron i + 1's; the W_out word of a neuron goes with its first word. Each gather's results,
// and each neuron's history word, gamma_q and gv_(t+1), wait in a FIFO of FIFO_D until the
// three are there; then the neuron unit takes them (one a cycle). A step ends when its last
// gv is written.
// The gradients (sglif_bwd_accum, inside): dbias[i] += gv_t[i] as each gv leaves; at a spike
// z_t,i (the history word of the walk) dW_out[i] += e_t and once a step db_out += e_t; and
// after the walk of step t - 1 (so that the spikes of t - 1, read by it, are listed and the gv
// row of step t is still whole) the accumulation of step t: the rows of the spikes of step
// t - 1 (rows N_IN + j) in lock step with the walk of step t - 1, one on each neuron's G_n
// words as soon as it is listed (the bank word of the row's group g read with the gather's gv
// word of g, which is the row of step t), then after that walk the rows of its input events
// (the event store, {t, u} in forward order, read from the top down: the events of step t
// are the last ones not yet taken) and the spike rows the lock step left (the last
// neurons'), each row's G_n words P lanes wide, one a cycle; after step 0's walk, step 1's
// and then step 0's (events only). Cycles (start_i to done_o, docs/rtl.md): 2^(GW+1)
// (clearing the gv rows) + WALK_FIXED + T (max(n G_n + LAT_R, (n - 1) G_n + LAT_O + 1) +
// WALK_STEP_EXTRA) + sum_t (ACC_STEP_FIXED + E_t (G_n + ACC_EV_EXTRA) + L_(t-1) G_n), LAT_R,
// LAT_O the gathers' latencies, L_(t-1) the spike rows of step t - 1 the lock step left
// (ACC_LOCK_SEE; rtl/core_map.csv, sim/walk_cycles.h). One layer.
// `define SGLIF_FAULT_WALK_ROW (gv_(t+1) read from the row of step t), SGLIF_FAULT_WALK_CODE
// (the SG code's bit 0 dropped on its way to the neuron), SGLIF_FAULT_ACC_EVENT (the
// sample's last event never taken) and SGLIF_FAULT_ACC_LOCK (a spike row of the lock step
// left in the list, so taken again) for the self-test.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_bwd_walk #(
    parameter integer N     = 64,      // neurons (a multiple of P, at least 2P)
    parameter integer P     = 4,       // lanes
    parameter integer C     = 10,      // classes
    parameter integer T_MAX = 64,      // steps
    parameter integer N_IN  = 16,      // input channels (rows 0 .. N_IN-1 of the gradient banks)
    parameter integer ES_AW = 10,      // event store: 2^ES_AW events a sample
    parameter integer GRAD_W = `SGLIF_GRAD_W, // gradient words (sglif_bwd_accum): rtl/core_map.csv
    parameter integer H_LAT  = 1       // the history's read latency: 1, or 2 (the core's banked
                                       // history, HIST_LAT: its word two cycles after the address)
) (
    input  wire                  clk_i,
    input  wire                  rst_i,
    input  wire                  start_i,        // while idle
    input  wire [NW-1:0]         n_last_i,       // neurons in use - 1 (held while busy)
    input  wire [HW-1:0]         t_last_i,       // steps - 1
    input  wire signed [6:0]     s_rec_i,        // v_frac - sh_rec
    input  wire signed [6:0]     out_frac_i,
    input  wire [3:0]            k_i,
    input  wire                  reset_mult_i,
    // the errors e_t of the step about to be walked are in the error memory: the walk waits at
    // each step's start (S_ERR) until e_ok_i, and e_take_o says the cycle it reads them (1: an
    // engine that writes every error before the walk starts)
    input  wire                  e_ok_i,
    output wire                  e_take_o,
    output wire                  busy_o,
    output reg                   done_o,
    // W_rec rows: word {i, g} = W_rec[i][gP .. gP + P-1], int8 lanes
    output wire [NW+GW-1:0]      w_addr_o,
    input  wire [8*P-1:0]        w_data_i,
    // W_out of neuron i: class c at [8c +: 8] (classes >= C read 0)
    output wire [NW-1:0]         wo_addr_o,
    input  wire [8*CP-1:0]       wo_data_i,
    // e_t: class c at [32c +: 32] (classes >= C read 0); only its low E_W bits are kept, the
    // rule's errors being within [-2^GF, 2^GF]
    output wire [HW-1:0]         e_addr_o,
    input  wire [32*CP-1:0]      e_data_i,
    // history {z, code} of neuron i at step t: address {t, i} (the word H_LAT cycles later)
    output wire [HW+NW-1:0]      h_addr_o,
    input  wire [16:0]           h_data_i,
    output wire [NW-1:0]         gm_addr_o,
    input  wire signed [31:0]    gm_data_i,
    output wire                  gv_valid_o,
    output wire [HW-1:0]         gv_t_o,
    output wire [NW-1:0]         gv_i_o,
    output wire signed [31:0]    gv_o,
    output wire                  sat_gz_o,
    output wire                  sat_gv_o,
    // the sample's events: ev_count_i of them (held while busy), entry e = {t, u} at e
    input  wire [ES_AW:0]        ev_count_i,
    output wire [ES_AW-1:0]      es_addr_o,
    input  wire [HW+UW-1:0]      es_data_i,
    // the gradient memories' port (sglif_bwd_accum; while idle)
    input  wire [1:0]            gp_sel_i,
    input  wire [GA_W-1:0]       gp_addr_i,
    input  wire                  gp_we_i,
    input  wire [GA_W-1:0]       gp_waddr_i,
    input  wire [GRAD_W-1:0]     gp_wdata_i,
    output wire [GRAD_W-1:0]     gp_rdata_o,
    output wire                  ovf_o
);
    localparam integer NW = N > 1 ? $clog2(N) : 1;
    localparam integer HW = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer PW = P > 1 ? $clog2(P) : 0;
    localparam integer GW = NW - PW;                        // N >= 2P: at least 1
    localparam integer CP = C > 1 ? 1 << $clog2(C) : 1;     // classes padded to a power of two
    localparam integer KW = P > 1 ? PW : 1;
    localparam integer UW = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer RW = $clog2(N_IN + N);
    localparam integer CPW = C > 1 ? $clog2(C) : 1;
    localparam integer GA_W = RW + NW > NW + CPW ? RW + NW : NW + CPW;
    localparam integer FW = 4;                              // FIFO pointer bits: FIFO_D = 16
    // the widths the rule bounds (rtl/core_map.csv): gv is clamped to signed GV_W bits (the
    // neuron unit's clamp; the rows start at 0), an error lane is in [-2^GF, 2^GF] (or 0 beyond
    // the classes in use), so signed E_W = GF + 2 bits; the gv rows, the error register and the
    // gathers' operands hold only these bits, sign-extended where 32 bits go on
    localparam integer GV_W = `SGLIF_GV_W;
    localparam integer E_W  = `SGLIF_E_W;
    // (in flight at most: a neuron's words take G_n >= 1 cycles, so a gather holds at most
    // log2(max(P, CP)) + GATHER_LAT + 2 <= 15 neurons' results ahead of the others, with
    // GATHER_LAT = 4 for P, CP <= 512: at most 512 classes)

    localparam [3:0] S_IDLE = 4'd0, S_CLEAR = 4'd1, S_ERR = 4'd2, S_ROW = 4'd3, S_DRAIN = 4'd4,
                     S_AEV = 4'd5, S_AEV2 = 4'd6, S_ABEAT = 4'd7, S_ASP = 4'd8, S_AEND = 4'd9,
                     S_AFIN = 4'd10;
    reg [3:0]     state_q;
    reg [HW-1:0]  t_q;
    reg [NW-1:0]  i_q;
    reg [GW-1:0]  g_q, g_last_q;
    reg [GW:0]    clr_q;
    reg [E_W*CP-1:0] e_q;                              // e_t, lane c: signed E_W bits
    assign busy_o = state_q != S_IDLE;

    // ---- the gv rows: word {row, g}, P lanes; row t[0] is written at step t ----------------
    localparam integer GV_WORDS = 1 << (GW + 1);
    localparam [GW:0]  CLR_LAST = {(GW+1){1'b1}};        // GV_WORDS - 1
    reg [GV_W*P-1:0] gv_mem [0:GV_WORDS-1];         // lane k: signed GV_W bits
`ifdef SGLIF_FAULT_WALK_ROW
    wire           rd_row = t_q[0];                  // (the row being written: the self-test)
`else
    wire           rd_row = ~t_q[0];                 // row of step t + 1
`endif
    wire [GW-1:0]  i_word = i_q[NW-1:PW];
    reg  [GV_W*P-1:0] gvw_q;                         // the word's lanes of gv_(t+1)
    reg  [GV_W*P-1:0] gvo_q;                         // the word of the neuron's own gv_(t+1)
    always @(posedge clk_i) begin
        gvw_q <= gv_mem[{rd_row, g_q}];
        gvo_q <= gv_mem[{rd_row, i_word}];
    end

    // ---- the words: a row's G_n words, one a cycle, rows back to back ---------------------
    wire       beat  = state_q == S_ROW;
    wire       first = beat && g_q == {GW{1'b0}};
    wire       last  = beat && g_q == g_last_q;
    assign w_addr_o  = {i_q, g_q};
    assign wo_addr_o = i_q;
    assign gm_addr_o = i_q;
    assign h_addr_o  = {t_q, i_q};
    assign e_addr_o  = t_q;
    assign e_take_o  = state_q == S_ERR && e_ok_i;
    reg            b_v_q, b_f_q, b_l_q;              // the word's flags and neuron, a cycle later
    reg [NW-1:0]   b_i_q;
    always @(posedge clk_i) begin
        b_f_q <= first;
        b_l_q <= last;
        b_i_q <= i_q;
    end

    // ---- the FIFOs: side data (neuron, {z, code}, gamma_q, gv_(t+1)), the two gathers' results
    reg [NW+64-1:0]    sf_m [0:15];
    reg [16:0]         sh_m [0:15];                  // the history word of the entry
    reg [63:0]         rf_m [0:15], of_m [0:15];
    reg [FW-1:0]       sf_w, sf_r, rf_w, rf_r, of_w, of_r;
    wire               sf_e = sf_w == sf_r, rf_e = rf_w == rf_r, of_e = of_w == of_r;
    wire [KW-1:0]      b_lane = P > 1 ? b_i_q[KW-1:0] : {KW{1'b0}};
    wire               side_push = b_v_q && b_f_q;
    // the neuron's own gv_(t+1): the lane chosen by compares (an indexed part-select makes
    // the offset GV_W b_lane with a multiplier in Yosys, on the trainer's critical path)
    reg  [GV_W-1:0]    gvo_l;
    integer            ol;
    always @(*) begin
        gvo_l = {GV_W{1'b0}};
        for (ol = 0; ol < P; ol = ol + 1)
            if (b_lane == ol[KW-1:0])
                gvo_l = gvo_q[GV_W*ol +: GV_W];
    end
    // the lanes sign-extended to 32 bits (the accumulation's ports), and e_t's lanes cut to
    // E_W bits as they are read
    wire [32*P-1:0]    gvw_x;
    wire [32*CP-1:0]   e_x;
    wire [E_W*CP-1:0]  e_n;
    sglif_lanes_sext #(.L(P), .W_IN(GV_W), .W_OUT(32)) u_gvx (.x_i(gvw_q), .y_o(gvw_x));
    sglif_lanes_sext #(.L(CP), .W_IN(E_W), .W_OUT(32)) u_ex (.x_i(e_q), .y_o(e_x));
    sglif_lanes_sext #(.L(CP), .W_IN(32), .W_OUT(E_W)) u_en (.x_i(e_data_i), .y_o(e_n));

    wire        r_v, o_v;
    wire [0:0]  r_tag, o_tag;
    wire signed [63:0] r_y, o_y;
    sglif_bwd_gather #(.P(P), .TAG_W(1), .G_W(GV_W)) u_rec (
        .clk_i(clk_i), .rst_i(rst_i), .valid_i(b_v_q), .first_i(b_f_q), .last_i(b_l_q),
        .tag_i(1'b0), .s_i(s_rec_i), .w_i(w_data_i), .g_i(gvw_q), .valid_o(r_v), .tag_o(r_tag),
        .y_o(r_y));
    sglif_bwd_gather #(.P(CP), .TAG_W(1), .G_W(E_W)) u_out (
        .clk_i(clk_i), .rst_i(rst_i), .valid_i(side_push), .first_i(1'b1), .last_i(1'b1),
        .tag_i(1'b0), .s_i(out_frac_i), .w_i(wo_data_i), .g_i(e_q), .valid_o(o_v),
        .tag_o(o_tag), .y_o(o_y));

    // the history word comes H_LAT - 1 cycles after the entry's other data (the neuron unit
    // takes an entry only when both gathers' results are in: at least 3 cycles after its push)
    reg            h_push_q;
    reg [FW-1:0]   h_w_q;
    reg [NW-1:0]   h_i_q;
    always @(posedge clk_i) begin
        h_push_q <= side_push && !rst_i;
        h_w_q    <= sf_w;
        h_i_q    <= b_i_q;
    end
    wire           h_push = H_LAT > 1 ? h_push_q : side_push;
    wire [FW-1:0]  h_w    = H_LAT > 1 ? h_w_q : sf_w;
    wire [NW-1:0]  h_i    = H_LAT > 1 ? h_i_q : b_i_q;
    always @(posedge clk_i) begin
        if (h_push)
            sh_m[h_w] <= h_data_i;
        if (side_push)
            sf_m[sf_w] <= {b_i_q, gm_data_i, {(32-GV_W){gvo_l[GV_W-1]}}, gvo_l};
        if (r_v)
            rf_m[rf_w] <= r_y;
        if (o_v)
            of_m[of_w] <= o_y;
    end

    // ---- the neuron unit: one neuron a cycle when its three entries are in ----------------
    wire               n_go = !sf_e && !rf_e && !of_e;
    wire [NW+64-1:0]   sf   = sf_m[sf_r];
    wire [NW-1:0]      n_i  = sf[NW+64-1:64];
    wire [16:0]        n_h  = sh_m[sf_r];
    wire signed [31:0] n_gm = sf[63:32];
    wire signed [31:0] n_gvn = sf[31:0];
    wire signed [63:0] gz   = rf_m[rf_r] + of_m[of_r];
    wire               nu_v, nu_sgz;
    wire [HW+NW:0]     nu_tag;
`ifdef SGLIF_FAULT_WALK_CODE
    wire [15:0]        n_code = {n_h[15:1], n_h[0] & 1'b0};  // (the self-test: bit 0 dropped)
`else
    wire [15:0]        n_code = n_h[15:0];
`endif
    // the tag carries code != 0: a gz clamped where the code is 0 is not used, and the twin
    // (which computes gz only where the code is not 0) does not count it
    sglif_bwd_neuron #(.TAG_W(HW + NW + 1)) u_neuron (
        .clk_i(clk_i), .rst_i(rst_i), .in_valid_i(n_go), .tag_i({n_code != 16'd0, t_q, n_i}), .gz_i(gz),
        .code_i(n_code), .gamma_i(n_gm), .gv_next_i(n_gvn), .has_next_i(t_q != t_last_i),
        .z_i(n_h[16]), .reset_mult_i(reset_mult_i), .k_i(k_i), .out_valid_o(nu_v),
        .tag_o(nu_tag), .gv_o(gv_o), .sat_gz_o(nu_sgz), .sat_gv_o(sat_gv_o));
    assign sat_gz_o   = nu_sgz && nu_tag[HW+NW];
    assign gv_valid_o = nu_v;
    assign gv_t_o     = nu_tag[HW+NW-1:NW];
    assign gv_i_o     = nu_tag[NW-1:0];
    // gv_t[i] into row t[0], word i / P, lane i mod P
    wire [GW-1:0] wr_g    = gv_i_o[NW-1:PW];
    wire [KW-1:0] wr_lane = P > 1 ? gv_i_o[KW-1:0] : {KW{1'b0}};
    integer cl;
    always @(posedge clk_i)
        if (state_q == S_CLEAR)
            gv_mem[clr_q] <= {GV_W*P{1'b0}};
        else if (nu_v)
            for (cl = 0; cl < P; cl = cl + 1)
                if (wr_lane == cl[KW-1:0])
                    gv_mem[{gv_t_o[0], wr_g}][GV_W*cl +: GV_W] <= gv_o[GV_W-1:0];
    // the step's last gv: the neuron unit's result for neuron n - 1
    wire step_end = nu_v && gv_i_o == n_last_i;

    // ---- the accumulation ------------------------------------------------------------------
    // the spikes of the step being walked (z in the history word of each neuron's first word)
    reg  [NW-1:0] sl_m [0:N-1];
    reg  [NW:0]   sl_w, sl_r;
    wire          h_z = h_push && h_data_i[16];
    always @(posedge clk_i)
        if (h_z)
            sl_m[sl_w[NW-1:0]] <= h_i;
    // the W_out accumulation's spike and neuron, registered: the history word is a block RAM's
    // output (or its banks' mux), which went straight into the W_out gradient RAM's address
    // (CP lanes of GRAD_W bits of LUT RAM) in one cycle, the device's critical path. Its add
    // lands a cycle later, long before the step's end (the neuron's pipeline); no cycle.
    reg           wo_v_q;
    reg  [NW-1:0] wo_i_q;
    always @(posedge clk_i) begin
        wo_v_q <= h_z && !rst_i;
        wo_i_q <= h_i;
    end
    reg           fin_q;                 // the last phase: step 0's events
    reg           la_q;                  // the lock step: a spike row rides on this neuron's words
    reg  [RW-1:0] row_q;
    reg           ret_ev_q;              // the row came from an event
    reg  [ES_AW:0] ev_rem;               // events not yet taken (the top of the store)
    wire [HW-1:0] t_acc = t_q + 1'b1;    // the step accumulated (t_q: the step walked last)
    wire [HW-1:0] es_t  = es_data_i[HW+UW-1:UW];
    wire [UW-1:0] es_u  = es_data_i[UW-1:0];
    assign es_addr_o = ev_rem[ES_AW-1:0] - 1'b1;
    wire          ev_more = ev_rem != {(ES_AW+1){1'b0}};
    wire [RW:0]   sp_x   = {{(RW+1-NW){1'b0}}, sl_m[sl_r[NW-1:0]]};
    wire [RW:0]   es_x   = {{(RW+1-UW){1'b0}}, es_u};
    wire [RW-1:0] sp_row = N_IN[RW-1:0] + sp_x[RW-1:0];
    wire          a_beat = state_q == S_ABEAT;
    // the lock step: while step t_q is walked (below the first step), the accumulation of step
    // t_q + 1 adds the rows of the spikes of t_q listed so far, one on each neuron's G_n words
    // (the gv word the gather reads is the row's word: the same row of step t_q + 1, the same g)
    wire          l_beat = beat && la_q;
    wire          l_more = t_q != t_last_i && sl_r != sl_w;
    // after step t_q's walk (the first step) or step t_q + 1's accumulation: the walk of step
    // t_q - 1, or after step 0 the phase of step 0's events (t_q - 1 = -1, so t_acc = 0), or
    // after that the end
    wire          nx_fin   = t_q == {HW{1'b0}} && !fin_q;
    wire [3:0]    nx_state = fin_q ? S_IDLE : nx_fin ? S_AEV : S_ERR;
    sglif_bwd_accum #(.N(N), .P(P), .C(C), .N_IN(N_IN), .GRAD_W(GRAD_W)) u_acc (
        .clk_i(clk_i), .rst_i(rst_i), .beat_i(a_beat || l_beat), .row_i(row_q), .g_i(g_q),
        .gv_word_i(gvw_x), .bias_v_i(nu_v), .bias_i_i(gv_i_o), .bias_gv_i(gv_o),
        .wo_v_i(wo_v_q), .wo_i_i(wo_i_q), .bo_v_i(side_push && b_i_q == {NW{1'b0}}), .e_i(e_x),
        .gp_sel_i(gp_sel_i), .gp_addr_i(gp_addr_i), .gp_we_i(gp_we_i), .gp_waddr_i(gp_waddr_i),
        .gp_wdata_i(gp_wdata_i),
        .gp_rdata_o(gp_rdata_o), .ovf_o(ovf_o));

    // ---- control -------------------------------------------------------------------------------
    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i) begin
            state_q <= S_IDLE;
            b_v_q   <= 1'b0;
            sf_w <= {FW{1'b0}}; sf_r <= {FW{1'b0}};
            rf_w <= {FW{1'b0}}; rf_r <= {FW{1'b0}};
            of_w <= {FW{1'b0}}; of_r <= {FW{1'b0}};
        end else begin
            b_v_q <= beat;
            if (h_z) sl_w <= sl_w + 1'b1;
            if (side_push) sf_w <= sf_w + 1'b1;
            if (r_v)       rf_w <= rf_w + 1'b1;
            if (o_v)       of_w <= of_w + 1'b1;
            if (n_go) begin
                sf_r <= sf_r + 1'b1;
                rf_r <= rf_r + 1'b1;
                of_r <= of_r + 1'b1;
            end
            case (state_q)
                S_IDLE:
                    if (start_i) begin
                        state_q  <= S_CLEAR;
                        clr_q    <= {(GW+1){1'b0}};
                        t_q      <= t_last_i;
                        g_last_q <= n_last_i[NW-1:PW];
`ifdef SGLIF_FAULT_ACC_EVENT
                        ev_rem   <= ev_count_i == 0 ? ev_count_i : ev_count_i - 1'b1; // (the last event lost)
`else
                        ev_rem   <= ev_count_i;
`endif
                        fin_q    <= 1'b0;
                    end
                S_CLEAR: begin                        // both gv rows to 0 (gv_T = 0, lanes beyond n)
                    clr_q <= clr_q + 1'b1;
                    if (clr_q == CLR_LAST)
                        state_q <= S_ERR;
                end
                S_ERR: begin                          // e_t read (its word arrives next cycle)
                    sl_w    <= {(NW+1){1'b0}};
                    sl_r    <= {(NW+1){1'b0}};
                    i_q     <= {NW{1'b0}};
                    g_q     <= {GW{1'b0}};
                    la_q    <= 1'b0;                  // (neuron 0: no spike listed yet)
                    if (e_ok_i)                       // (else: e_t not yet in the memory)
                        state_q <= S_ROW;
                end
                S_ROW: begin
                    if (first && i_q == {NW{1'b0}})
                        e_q <= e_n;                   // e_t, read in S_ERR
                    if (last) begin
                        g_q <= {GW{1'b0}};
                        // the next neuron's words carry the next listed spike's row, if any
                        la_q <= l_more && i_q != n_last_i;
                        if (l_more && i_q != n_last_i) begin
                            row_q <= sp_row;
`ifndef SGLIF_FAULT_ACC_LOCK
                            sl_r  <= sl_r + 1'b1;      // (the self-test: the row taken again)
`endif
                        end
                        if (i_q == n_last_i)
                            state_q <= S_DRAIN;
                        else
                            i_q <= i_q + 1'b1;
                    end else
                        g_q <= g_q + 1'b1;
                end
                S_DRAIN:                              // until the step's last gv is written
                    if (step_end) begin
                        if (t_q != t_last_i)
                            state_q <= S_AEV;         // accumulate step t_q + 1
                        else begin                    // the first step: nothing to accumulate
                            state_q <= nx_state;
                            t_q     <= t_q - 1'b1;
                            fin_q   <= nx_fin;
                        end
                    end
                S_AEV:                                // the event at the top is read
                    state_q <= S_AEV2;
                S_AEV2:
                    if (ev_more && es_t == t_acc) begin
                        row_q    <= es_x[RW-1:0];
                        ret_ev_q <= 1'b1;
                        ev_rem   <= ev_rem - 1'b1;
                        state_q  <= S_ABEAT;
                    end else
                        state_q  <= S_ASP;
                S_ASP:                                // the first spike row of step t_q
                    if (!fin_q && sl_r != sl_w) begin
                        row_q    <= sp_row;
                        ret_ev_q <= 1'b0;
                        sl_r     <= sl_r + 1'b1;
                        state_q  <= S_ABEAT;
                    end else
                        state_q  <= S_AEND;
                S_ABEAT:                              // word g_q of row row_q
                    if (g_q == g_last_q) begin
                        g_q <= {GW{1'b0}};
                        if (ret_ev_q)
                            state_q <= S_AEV;
                        else if (sl_r != sl_w) begin  // the next spike row at once
                            row_q   <= sp_row;
                            sl_r    <= sl_r + 1'b1;
                        end else
                            state_q <= S_AEND;
                    end else
                        g_q <= g_q + 1'b1;
                S_AEND: begin                         // the last word's add (sglif_bwd_accum's a1)
                    state_q <= fin_q ? S_AFIN : nx_state;
                    t_q     <= t_q - 1'b1;
                    fin_q   <= nx_fin;
                end
                S_AFIN: begin                         // the sample's last word's add and write (a2)
                    state_q <= S_IDLE;
                    done_o  <= 1'b1;
                end
                default: state_q <= S_IDLE;
            endcase
        end
    end
    wire unused_ok = &{1'b0, r_tag, o_tag, sp_x[RW], es_x[RW]};
endmodule

`default_nettype wire
