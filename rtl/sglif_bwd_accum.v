// SPDX-License-Identifier: MIT
// sglif_bwd_accum: the training engine's gradient memories and their read-modify-writes
// (docs/rtl.md, "Training engine", "The gradient memories"): the sums of the integer rule's
// sgl_fixed_grad_backward (sw/fixed_train.c) for one layer and its readout, over the samples
// of a batch, exact in GRAD_W-bit two's complement (the bound that makes them exact is in the
// docs; ovf_o is a sticky flag of a lane's sum leaving the range, which the bound says never
// happens; set the cycle after the add's write):
//   bank {row, g} lane k (row u < N_IN: dW_in[u][gP + k]; row N_IN + j: dW_rec[j][gP + k])
//       += gv_t[gP + k], a beat a word: beat_i with {row_i, g_i}, the gv word of group g one
//       cycle later on gv_word_i; lane k of row N_IN + j is left alone where gP + k = j (the
//       twin's diagonal: no gradient); the word is written two cycles after its beat (the
//       read registered twice, then the add), the sums of the two beats before forwarded
//   bias[i]   += gv_t[i]         bias_v_i (consecutive ones name different neurons)
//   wout[i]   lane c += e_t[c]   wo_v_i at a spike z_t,i = 1 of the layer (e_i held meanwhile)
//   bout      lane c += e_t[c]   bo_v_i, once a step
// The port (sel 0 bank {row, g, lane}, 1 bias {i}, 2 W_out {i, c}, 3 b_out {c}; addresses
// and latency in rtl/core_map.csv, GP_*) reads a word GP_LAT = 2 cycles after its address
// gp_addr_i (the memories' words registered twice, the DP16KD output register's pattern; the
// bank's second register is the port's own, the lane of the address in each group of AG
// lanes, not the add's a2 word of every lane; then the group and select mux: no RAM output
// meets a mux in its cycle, and no central mux reads all P lanes) and writes one at
// gp_waddr_i in the same cycle (the update clears one entry while it reads another, one entry
// a cycle; a checkpoint restores); only while no accumulation runs (from the cycle after the
// last beat's write: three after the beat).
// `define SGLIF_FAULT_ACC_DIAG (the diagonal lane added too), SGLIF_FAULT_ACC_FWD1 and
// SGLIF_FAULT_ACC_FWD2 (a beat's sum not forwarded to the beat one, two cycles after it; the
// walk never makes such beats, sim/tb_acc_fwd.v does) and SGLIF_FAULT_ACC_PGRP (the port's
// group mux takes the next group: 8 lanes and more) for the self-tests.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_bwd_accum #(
    parameter integer N      = 64,     // neurons (a multiple of P, at least 2P)
    parameter integer P      = 4,      // lanes
    parameter integer C      = 10,     // classes
    parameter integer N_IN   = 16,     // input rows
    parameter integer GRAD_W = `SGLIF_GRAD_W // gradient word: GRAD_W of rtl/core_map.csv (docs: the bound)
) (
    input  wire                  clk_i,
    input  wire                  rst_i,
    input  wire                  beat_i,
    input  wire [RW-1:0]         row_i,
    input  wire [GW-1:0]         g_i,
    input  wire [32*P-1:0]       gv_word_i,
    input  wire                  bias_v_i,
    input  wire [NW-1:0]         bias_i_i,
    input  wire signed [31:0]    bias_gv_i,
    input  wire                  wo_v_i,
    input  wire [NW-1:0]         wo_i_i,
    input  wire                  bo_v_i,
    input  wire [32*CP-1:0]      e_i,
    input  wire [1:0]            gp_sel_i,
    input  wire [GA_W-1:0]       gp_addr_i,
    input  wire                  gp_we_i,
    input  wire [GA_W-1:0]       gp_waddr_i,  // a write's address (gp_sel_i's memory)
    input  wire [GRAD_W-1:0]     gp_wdata_i,
    output wire [GRAD_W-1:0]     gp_rdata_o,
    output reg                   ovf_o
);
    localparam integer NW   = N > 1 ? $clog2(N) : 1;
    localparam integer PW   = P > 1 ? $clog2(P) : 0;
    localparam integer GW   = NW - PW;
    localparam integer KW   = P > 1 ? PW : 1;
    localparam integer CP   = C > 1 ? 1 << $clog2(C) : 1;
    localparam integer CPW  = C > 1 ? $clog2(C) : 1;
    localparam integer RW   = $clog2(N_IN + N);
    localparam integer GA_W = RW + NW > NW + CPW ? RW + NW : NW + CPW;
    localparam [RW-1:0] ROW_REC = N_IN[RW-1:0];

    // sum of a gradient word and a sign-extended int32, with its overflow
    function automatic [GRAD_W:0] add32(input [GRAD_W-1:0] a, input [31:0] b);
        reg [GRAD_W-1:0] bx, s;
        begin
            bx = {{(GRAD_W-32){b[31]}}, b};
            s  = a + bx;
            add32 = {(a[GRAD_W-1] == bx[GRAD_W-1]) && (s[GRAD_W-1] != a[GRAD_W-1]), s};
        end
    endfunction

    // ---- the banks: one word of P lanes at {row, g} (the P lane banks side by side) ----------
    // A beat's read-modify-write in three stages: its cycle (the bank read at {row, g}, the lane
    // mask), a1 (the read's word; the gv word arrives, masked), a2 (the read's word a second
    // time, the DP16KD output register's pattern; the add, its write). A beat's read does not
    // see the writes of the two beats before it (a2 of the one before, and of the one before
    // that in the same edge as the read), so their sums are forwarded: from one beat back
    // before two.
    // The lanes in groups of AG (the banks of a group side by side, one memory a group): the
    // control registers of the add and the write (fw1_q, fw2_q; a2_v_q, a2_a_q) have a copy a
    // group (each its own flip-flops, kept: no copy drives another group's lanes), and the port
    // reads a group's word (below).
    localparam integer AG  = P < `SGLIF_ACC_GROUP ? P : `SGLIF_ACC_GROUP;   // lanes a group (rtl/core_map.csv)
    localparam integer NG  = P / AG;                   // groups
    localparam integer AGB = GRAD_W * AG;              // a group's word
    wire [RW+GW-1:0]    gp_word = gp_addr_i[RW+NW-1:PW];
    wire [RW+GW-1:0]    gp_wword = gp_waddr_i[RW+NW-1:PW];
    wire [RW+GW-1:0]    b_addr  = beat_i ? {row_i, g_i} : gp_word;
    wire [GRAD_W*P-1:0] b_rd_q;                        // the banks' read registers
    reg  [GRAD_W*P-1:0] a2_rd_q;
    reg                 a1_v_q, a2_v_q, a3_v_q;
    reg  [RW+GW-1:0]    a1_a_q, a2_a_q, a3_a_q;
    reg  [P-1:0]        a1_m_q;                        // lanes that add
    reg  [32*P-1:0]     a2_gv_q;                       // the gv word, 0 in the lanes that do not
    wire [NG-1:0]       fw1_q, fw2_q;                  // a2 forwards the sum of a beat one, two back (a group's copy)
    reg  [GRAD_W*P-1:0] s1_q, s2_q, b_base, b_sum;     // the sums of a2 one and two cycles back
    reg  [P-1:0]        b_ovf;
    // the diagonal of a recurrent row N_IN + j: lane j mod P of group j / P
    wire [RW-1:0]       rj = row_i - ROW_REC;
    wire                rec = row_i >= ROW_REC;
    reg  [P-1:0]        mask;
    integer la, lr, ca, cw, cr, cb;
    always @(*) begin
        for (la = 0; la < P; la = la + 1)
`ifdef SGLIF_FAULT_ACC_DIAG
            mask[la] = !(rec && 1'b0 && {{(32-RW){1'b0}}, rj} == {{(32-GW){1'b0}}, g_i} * P + la);
`else
            mask[la] = !(rec && {{(32-RW){1'b0}}, rj} == {{(32-GW){1'b0}}, g_i} * P + la);
`endif
        for (la = 0; la < P; la = la + 1)
            b_base[GRAD_W*la +: GRAD_W] = fw1_q[la / AG] ? s1_q[GRAD_W*la +: GRAD_W] :
                                          fw2_q[la / AG] ? s2_q[GRAD_W*la +: GRAD_W] :
                                          a2_rd_q[GRAD_W*la +: GRAD_W];
        for (la = 0; la < P; la = la + 1)
            {b_ovf[la], b_sum[GRAD_W*la +: GRAD_W]} =
                add32(b_base[GRAD_W*la +: GRAD_W], a2_gv_q[32*la +: 32]);
    end
    wire [KW-1:0] gp_lane = P > 1 ? gp_addr_i[KW-1:0] : {KW{1'b0}};
    wire [KW-1:0] gp_wlane = P > 1 ? gp_waddr_i[KW-1:0] : {KW{1'b0}};
`ifdef SGLIF_FAULT_ACC_FWD1
    wire fw1_d = 1'b0 && a1_v_q && a2_v_q && a1_a_q == a2_a_q; // (the self-test: not forwarded)
`else
    wire fw1_d = a1_v_q && a2_v_q && a1_a_q == a2_a_q;
`endif
`ifdef SGLIF_FAULT_ACC_FWD2
    wire fw2_d = 1'b0 && a1_v_q && a3_v_q && a1_a_q == a3_a_q; // (the self-test: not forwarded)
`else
    wire fw2_d = a1_v_q && a3_v_q && a1_a_q == a3_a_q;
`endif
    always @(posedge clk_i) begin
        a2_rd_q <= b_rd_q;
        a1_a_q  <= {row_i, g_i};
        a2_a_q  <= a1_a_q;
        a3_a_q  <= a2_a_q;
        a1_m_q  <= mask;
        for (la = 0; la < P; la = la + 1)
            a2_gv_q[32*la +: 32] <= a1_m_q[la] ? gv_word_i[32*la +: 32] : 32'd0;
        s1_q    <= b_sum;
        s2_q    <= s1_q;
    end
    genvar gb;
    generate for (gb = 0; gb < NG; gb = gb + 1) begin : g_bank
        (* no_rw_check *)
        reg  [AGB-1:0]   mem [0:(1 << (RW + GW)) - 1];
        reg  [AGB-1:0]   rd_q;
        reg              fw1_c, fw2_c, v_c;            // the group's copies of fw1, fw2, a2_v_q
        reg  [RW+GW-1:0] a_c;                          // and of a2_a_q
        (* keep *) always @(posedge clk_i) begin
            fw1_c <= fw1_d;
            fw2_c <= fw2_d;
            v_c   <= !rst_i && a1_v_q;
            a_c   <= a1_a_q;
        end
        assign fw1_q[gb] = fw1_c;
        assign fw2_q[gb] = fw2_c;
        assign b_rd_q[AGB*gb +: AGB] = rd_q;
        integer lg;
        always @(posedge clk_i) begin
`ifdef SGLIF_RW_X   // a read of the word being written: unknown (no_rw_check), so a use shows
`ifdef SGLIF_FAULT_RW_X   // (the self-test: every read beside a write unknown, whatever its word)
            if (v_c)
`else
            if (v_c ? a_c == b_addr : gp_we_i && gp_sel_i == 2'd0 && gp_wword == b_addr)
`endif
                rd_q <= {AGB{1'bx}};
            else
`endif
            rd_q <= mem[b_addr];
            if (v_c)
                mem[a_c] <= b_sum[AGB*gb +: AGB];
            else if (gp_we_i && gp_sel_i == 2'd0)
                for (lg = 0; lg < AG; lg = lg + 1)
                    if ({{(32-KW){1'b0}}, gp_wlane} == gb * AG + lg)
                        mem[gp_wword][GRAD_W*lg +: GRAD_W] <= gp_wdata_i;
        end
    end endgenerate

    // ---- bias gradients: N words ----------------------------------------------------------
    (* no_rw_check *)
    reg  [GRAD_W-1:0]  bias_m [0:N-1];
    wire [NW-1:0]      bias_a = bias_v_i ? bias_i_i : gp_addr_i[NW-1:0];
    reg  [GRAD_W-1:0]  bias_rd_q;
    reg                b2_v_q;
    reg  [NW-1:0]      b2_i_q;
    reg  [31:0]        b2_gv_q;
    wire [GRAD_W:0]    bias_s = add32(bias_rd_q, b2_gv_q);
    always @(posedge clk_i) begin
`ifdef SGLIF_RW_X
        if (b2_v_q ? b2_i_q == bias_a : gp_we_i && gp_sel_i == 2'd1 && gp_waddr_i[NW-1:0] == bias_a)
            bias_rd_q <= {GRAD_W{1'bx}};
        else
`endif
        bias_rd_q <= bias_m[bias_a];
        b2_i_q    <= bias_i_i;
        b2_gv_q   <= bias_gv_i;
        if (b2_v_q)
            bias_m[b2_i_q] <= bias_s[GRAD_W-1:0];
        else if (gp_we_i && gp_sel_i == 2'd1)
            bias_m[gp_waddr_i[NW-1:0]] <= gp_wdata_i;
    end

    // ---- W_out gradients: N words of C lanes at {i}; b_out: C registers -----------------------
    // (the port's address keeps CPW bits of class: classes C .. CP-1 read 0, their writes are
    // ignored, and e_i's lanes beyond C, 0 from the walk, are not read)
    (* no_rw_check *)
    reg  [GRAD_W*C-1:0]  wout_m [0:N-1];
    wire [NW-1:0]        wo_a = wo_v_i ? wo_i_i : gp_addr_i[CPW+NW-1:CPW];
    reg  [GRAD_W*C-1:0]  wo_rd_q, wo_sum, bo_sum;
    reg                  w1_v_q;
    reg  [NW-1:0]        w1_i_q;
    reg  [C-1:0]         wo_ovf, bo_ovf;
    reg  [GRAD_W*C-1:0]  bout_q;
    generate if (CP > C) begin : g_e_pad
        wire unused_e = ^e_i[32*CP-1:32*C];
    end endgenerate
    always @(*)
        for (ca = 0; ca < C; ca = ca + 1) begin
            {wo_ovf[ca], wo_sum[GRAD_W*ca +: GRAD_W]} = add32(wo_rd_q[GRAD_W*ca +: GRAD_W], e_i[32*ca +: 32]);
            {bo_ovf[ca], bo_sum[GRAD_W*ca +: GRAD_W]} = add32(bout_q[GRAD_W*ca +: GRAD_W], e_i[32*ca +: 32]);
        end
    wire [CPW-1:0] gp_c = gp_addr_i[CPW-1:0], gp_wc = gp_waddr_i[CPW-1:0];
    wire [NW-1:0]  gp_wi = gp_waddr_i[CPW+NW-1:CPW];
    always @(posedge clk_i) begin
`ifdef SGLIF_RW_X
        if (w1_v_q ? w1_i_q == wo_a : gp_we_i && gp_sel_i == 2'd2 && gp_wi == wo_a)
            wo_rd_q <= {GRAD_W*C{1'bx}};
        else
`endif
        wo_rd_q <= wout_m[wo_a];
        w1_i_q  <= wo_i_i;
        if (w1_v_q)
            wout_m[w1_i_q] <= wo_sum;
        else if (gp_we_i && gp_sel_i == 2'd2)
            for (cw = 0; cw < C; cw = cw + 1)
                if (gp_wc == cw[CPW-1:0])
                    wout_m[gp_wi][GRAD_W*cw +: GRAD_W] <= gp_wdata_i;
        if (bo_v_i)
            bout_q <= bo_sum;
        else if (gp_we_i && gp_sel_i == 2'd3)
            for (cw = 0; cw < C; cw = cw + 1)
                if (gp_wc == cw[CPW-1:0])
                    bout_q[GRAD_W*cw +: GRAD_W] <= gp_wdata_i;
    end

    // ---- valid bits, the overflow flag, the port's read ------------------------------------
    // the read: the memories' words at the address (b_rd_q, bias_rd_q, wo_rd_q; b_out's
    // registers rd_bo_q), registered a second time (the banks: each group's lane of the address,
    // rd_g2_q, NG words; bias_rd2_q, wo_rd2_q; b_out's class bo_rd2_q), then the group and
    // select mux into gp_rdata_o: GP_LAT = 2
    reg [1:0]      rd_sel_q, rd_sel2_q;
    reg [KW-1:0]   rd_lane_q, rd_lane2_q;
    reg [CPW-1:0]  rd_c_q, rd_c2_q;
    reg [GRAD_W*C-1:0] rd_bo_q, wo_rd2_q;
    reg [GRAD_W-1:0] bias_rd2_q, bo_rd2_q;
    reg [GRAD_W*NG-1:0] rd_g2_q;
    integer cg;
    reg [P-1:0]    ov_b_q;
    reg            ov_i_q;
    reg [C-1:0]    ov_w_q, ov_o_q;
    always @(posedge clk_i) begin
        rd_sel_q  <= gp_sel_i;
        rd_lane_q <= gp_lane;
        rd_c_q    <= gp_c;
        rd_bo_q   <= bout_q;
        rd_sel2_q  <= rd_sel_q;
        rd_lane2_q <= rd_lane_q;
        rd_c2_q    <= rd_c_q;
        bias_rd2_q <= bias_rd_q;
        wo_rd2_q   <= wo_rd_q;
        for (cg = 0; cg < NG; cg = cg + 1)
            for (cb = 0; cb < AG; cb = cb + 1)
                if ({{(32-KW){1'b0}}, rd_lane_q} % AG == cb)
                    rd_g2_q[GRAD_W*cg +: GRAD_W] <= b_rd_q[GRAD_W*(cg*AG + cb) +: GRAD_W];
        bo_rd2_q <= {GRAD_W{1'b0}};                     // (classes C .. CP-1: 0)
        for (cb = 0; cb < C; cb = cb + 1)
            if (rd_c_q == cb[CPW-1:0])
                bo_rd2_q <= rd_bo_q[GRAD_W*cb +: GRAD_W];
        if (rst_i) begin
            a1_v_q <= 1'b0;
            a2_v_q <= 1'b0;
            a3_v_q <= 1'b0;
            b2_v_q <= 1'b0;
            w1_v_q <= 1'b0;
            ovf_o  <= 1'b0;
            ov_b_q <= {P{1'b0}};
            ov_i_q <= 1'b0;
            ov_w_q <= {C{1'b0}};
            ov_o_q <= {C{1'b0}};
        end else begin
            a1_v_q <= beat_i;
            a2_v_q <= a1_v_q;
            a3_v_q <= a2_v_q;
            b2_v_q <= bias_v_i;
            w1_v_q <= wo_v_i;
            // each add's overflow bits, registered; their OR into the flag a cycle later
            ov_b_q  <= a2_v_q ? b_ovf : {P{1'b0}};
            ov_i_q  <= b2_v_q && bias_s[GRAD_W];
            ov_w_q  <= w1_v_q ? wo_ovf : {C{1'b0}};
            ov_o_q  <= bo_v_i ? bo_ovf : {C{1'b0}};
            if (|ov_b_q || ov_i_q || |ov_w_q || |ov_o_q)
                ovf_o <= 1'b1;
        end
    end
    reg [GRAD_W-1:0] rd_mux;
    always @(*) begin
        rd_mux = {GRAD_W{1'b0}};
        case (rd_sel2_q)
            2'd0:
                for (lr = 0; lr < NG; lr = lr + 1)
`ifdef SGLIF_FAULT_ACC_PGRP
                    if (({{(32-KW){1'b0}}, rd_lane2_q} / AG + 1) % NG == lr)  // (the self-test: the next group)
`else
                    if ({{(32-KW){1'b0}}, rd_lane2_q} / AG == lr)
`endif
                        rd_mux = rd_g2_q[GRAD_W*lr +: GRAD_W];
            2'd1: rd_mux = bias_rd2_q;
            2'd2:
                for (cr = 0; cr < C; cr = cr + 1)
                    if (rd_c2_q == cr[CPW-1:0])
                        rd_mux = wo_rd2_q[GRAD_W*cr +: GRAD_W];
            default: rd_mux = bo_rd2_q;
        endcase
    end
    assign gp_rdata_o = rd_mux;
endmodule

`default_nettype wire
