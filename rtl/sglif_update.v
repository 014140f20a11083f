// SPDX-License-Identifier: MIT
// sglif_update: the training engine's batch-end update of one tensor (docs/rtl.md, "The
// batch-end update and the rounding stream"), bit for bit the twin's step_tensor
// (sw/fixed_train.c, docs/numerics.md "Update"). The tensor is K x P (K entries for each of P
// postsynaptic units; entry (k, p) is the twin's [k P + p]); its gradient words G (signed,
// GW bits), masters m (int16, or int32 for a wide tensor: biases) and momenta M (int16) sit in
// RAMs outside, read through one port (rd_o with {rk_o, rp_o}; the words on g_i, m_i, mom_i
// the next cycle, registered in the unit before any arithmetic) and written through another
// ({wk_o, wp_o} with m_we_o, mom_we_o, g_clr_o).
// start_i takes the tensor's shape and constants (held from then on); then
//   pass 1: every G read (k-major), max |G|; sigma = max(0, bitlen(max) - 16);
//   pass 2: per unit p, Q_p = sum_k rnd(G, sigma)^2 (one read a cycle), then the pipeline
//           div_a: floor(Q_p / K), isqrt: r_p = max(1, floor(sqrt)), div_b: nu_p =
//           floor(2^28 / r_p) into a P-word RAM (row_norm_i = 0: one Q over the whole tensor,
//           floor(Q / (K P)), one nu for every unit);
//   pass 3: per entry in the twin's order (k-major), one a cycle, one PCG32 draw each
//           (PCG_DRAW_CYCLES = 1; always, also for c = 0 and the diagonal):
//           gn = clamp(rnd(rnd(G, sigma) nu_p, 16)),
//           c = M - rnd(M, 3) + rnd(gn, 3), M <- clamp(M - rnd(M, b2) + rnd(gn, b2)) (b2 = 0:
//           c = gn, M kept), d = sround(lr (sign(c) 2^(D-S) + m 2^(D-16-wd)), D, u) with the
//           decay shift wd (wd_i; 0 for a wide tensor) and D = max(S, 16 + wd) when wd != 0,
//           else d = sround(sign(c) lr, S, u) (D = S; m is the master before the step),
//           m <- clamp(m - d) (counted), the forward's weight asr(m, 8) on wq_o, the gradient
//           word cleared; with diag_i the entries k = p are not written (their momentum is,
//           as in the twin).
// D and the two shifts D - S and D - 16 - wd are taken inside the unit from s_i, wd_i and
// wide_i as start_i registers them (one register each a tensor: S and wd): decoded from those
// registers in pass 1's first two cycles (pass 3 is the first to use them), so no input of
// start_i goes through the decode in its cycle. The step before its rounding is
// the 64-bit sum of lr 2^(D-S) (or its negation, or 0) and lr m 2^(D-16-wd) (lr m: a 48-bit
// product), exact as the twin's int64 (the rule: lr <= 65535, |m| <= 2^15, S <= 47 keep it
// below 2^63); sglif_sround takes it on its 64-bit input.
// Cycles from start_i to done_o: docs/rtl.md (checked by sim/upd_test.cpp). The PCG32 state
// lives here (load / read back for a checkpoint). Faults for the self-test (make upd-selftest):
// SGLIF_FAULT_UPD_MOM (the half dropped from rnd(gn, b2)), SGLIF_FAULT_UPD_DECAY (the decay's
// term shifted by D - 16 - wd + 1: twice the decay), SGLIF_FAULT_UPD_CLAMP (a narrow
// master's upper clamp one low), SGLIF_FAULT_UPD_ORDER (pass 3 walks p-major: the draws in
// the wrong order), SGLIF_FAULT_UPD_MOP (stage B's nu operand the entry before's), and those of
// sglif_sround, sglif_udiv, sglif_isqrt.
`default_nettype none
`include "sglif_core_map_defs.vh"

module sglif_update #(
    parameter GW = `SGLIF_GRAD_W, // gradient word bits (signed): GRAD_W of rtl/core_map.csv
    parameter KW = 10,    // K <= 2^KW
    parameter PW = 8      // P <= 2^PW
) (
    input  wire                 clk_i,
    input  wire                 rst_i,
    // the tensor (taken at start_i while idle)
    input  wire                 start_i,
    input  wire [KW-1:0]        k_last_i,    // K - 1
    input  wire [PW-1:0]        p_last_i,    // P - 1
    input  wire                 wide_i,      // int32 masters, int16 weights (biases)
    input  wire                 diag_i,      // W_rec: entries k = p keep their master
    input  wire                 row_norm_i,  // 1: an RMS per unit (the rule); 0: per tensor
    input  wire [3:0]           b2_i,        // momentum shift (0: no momentum)
    input  wire signed [6:0]    s_i,         // the step shift S of sround(lr, S)
    input  wire [3:0]           wd_i,        // the decay shift wd (0: no decay; ignored when wide)
    input  wire signed [31:0]   lr_i,        // lr_t, the scheduled learning rate
    output wire                 busy_o,
    output reg                  done_o,
    // the rounding stream (PCG32)
    input  wire                 rng_load_i,  // while idle
    input  wire [63:0]          rng_state_i,
    input  wire [63:0]          rng_inc_i,
    output wire [63:0]          rng_state_o,
    output wire [63:0]          rng_inc_o,
    // masters clamped (the twin's w_clamped), running
    input  wire                 clamp_clr_i,
    output reg  [31:0]          clamped_o,
    // read port: the words of (rk_o, rp_o) on the inputs the cycle after rd_o; (rk_nx_o,
    // rp_nx_o) is a read's address a cycle ahead, in the cycle before its rd_o (a RAM with
    // two cycles' latency addressed with it gives the word in time: the gradient port)
    output reg                  rd_o,
    output reg  [KW-1:0]        rk_o,
    output reg  [PW-1:0]        rp_o,
    output wire [KW-1:0]        rk_nx_o,
    output wire [PW-1:0]        rp_nx_o,
    input  wire signed [GW-1:0] g_i,
    input  wire signed [31:0]   m_i,         // narrow: the int16 master sign-extended
    input  wire signed [15:0]   mom_i,
    // write port (at (wk_o, wp_o), in the cycle the strobes are high)
    output reg  [KW-1:0]        wk_o,
    output reg  [PW-1:0]        wp_o,
    output reg                  m_we_o,
    output reg  signed [31:0]   m_o,
    output reg  signed [15:0]   wq_o,        // asr(m, 8): int8 (sign-extended) or int16
    output reg                  mom_we_o,
    output reg  signed [15:0]   mom_o,
    output reg                  g_clr_o      // write 0 to the gradient word
);
    localparam SGW = $clog2(GW + 1);
    localparam NCW = KW + PW + 1;            // entry count
    localparam QAW = 33 + KW + PW;           // sum of squares: n 2^32 at most
    localparam [SGW-1:0] B16 = 16;
    localparam [1:0] S_IDLE = 2'd0, S_P1 = 2'd1, S_P2 = 2'd2, S_P3 = 2'd3;

    reg [1:0]         st_q;
    reg               drain_q;               // the pass's reads are all issued
    reg [KW-1:0]      kl_q, kc_q;
    reg [PW-1:0]      pl_q, pc_q;
    reg               wide_q, diag_q, rn_q;
    reg [3:0]         b2_q;
    reg signed [6:0]  s_q;                   // D (from pass 1's second cycle on)
    reg signed [6:0]  si_q;                  // S as taken at start_i
    reg [3:0]         wde_q;                 // wd as taken at start_i, 0 for a wide tensor
    reg               dlong_q;               // D = 16 + wd > S (from pass 1's first cycle on)
    reg signed [31:0] lr_q;
    reg [6:0]         sa_q;                  // D - S: 0 .. 95
    reg [5:0]         sb_q;                  // D - 16 - wd: 0 .. 47
    reg               dec_q;                 // the decay's term is added (wd != 0, narrow)
    reg [NCW-1:0]     n_q;                   // entries counted in pass 1
    reg [GW-1:0]      mx_q;
    reg [SGW-1:0]     sigma_q;
    assign busy_o = st_q != S_IDLE;

    // ---- the read walker: k-major (p inner), or p-major (k inner) in pass 2 ----
    // (every read takes its address from kc_q, pc_q: rk_nx_o, rp_nx_o)
    assign rk_nx_o = kc_q;
    assign rp_nx_o = pc_q;
    wire k_end = kc_q == kl_q, p_end = pc_q == pl_q;
`ifdef SGLIF_FAULT_UPD_ORDER
    wire p_major = 1'b1;
`else
    wire p_major = st_q == S_P2;
`endif
    wire walk_last = k_end && p_end;
    wire [KW-1:0] kc_n = p_major ? (k_end ? {KW{1'b0}} : kc_q + 1'b1) : (p_end ? kc_q + 1'b1 : kc_q);
    wire [PW-1:0] pc_n = p_major ? (k_end ? pc_q + 1'b1 : pc_q) : (p_end ? {PW{1'b0}} : pc_q + 1'b1);
    reg  rd_last_q;                          // pass 2: the read ends a unit's sum

    // ---- the pipeline behind the read port ----
    reg               v1_q, vQ_q, vA_q, vB_q, vG_q, vR_q, vC_q, vX_q, vS_q, vD_q, vT_q, vV_q, cl_q;
    reg               l1_q, lQ_q, lA_q, lP_q, lB_q;   // pass 2: last of a unit
    reg               vP_q, dhP_q, vY_q, dhY_q;
    reg [KW-1:0]      kY_q;
    reg [PW-1:0]      pY_q;
    reg signed [31:0] mY_q;
    reg signed [15:0] MnY_q;
    reg [KW-1:0]      kP_q;
    reg [PW-1:0]      pP_q;
    reg signed [31:0] mP_q;
    reg signed [15:0] MP_q;
    reg [31:0]        uP_q;
    reg signed [35:0] plo_q;
    reg signed [30:0] phi_q;
    reg [KW-1:0]      k1_q, kQ_q, kA_q, kB_q, kG_q, kR_q, kC_q, kX_q, kS_q, kD_q, kT_q, kV_q;
    reg [PW-1:0]      p1_q, pQ_q, pA_q, pB_q, pG_q, pR_q, pC_q, pX_q, pS_q, pD_q, pT_q, pV_q;

    // stage Q: the read words registered (the port's RAM outputs and muxes end there), then
    // rnd(G, sigma): |result| <= 2^16
    reg  signed [GW-1:0] gQ_q;
    reg  signed [31:0]  mQ_q;
    reg  signed [15:0]  MQ_q;
    reg  [28:0]         nuQ_q;
    reg  [31:0]         uQ_q;
    wire signed [GW:0]  gx   = {gQ_q[GW-1], gQ_q};
    reg  [GW:0]         half_q;     // 2^(sigma-1), or 0: follows sigma_q a cycle later
    wire signed [GW:0]  gsh  = (gx + $signed(half_q)) >>> sigma_q;
    wire signed [17:0]  gr   = gsh[17:0];
    wire [GW-1:0]       gabs = gQ_q[GW-1] ? -gQ_q : gQ_q;

    // ---- the per-unit arithmetic: div_a -> isqrt -> div_b, one unit in each ----
    reg               qh_v_q, inflight_q;    // a sum waits for div_a; a sum in the pipeline or waiting
    reg [QAW-1:0]     acc_q, qh_q;
    reg [PW-1:0]      pq_q, pa_q, pr_q, pb_q;   // unit of: qh, div_a, isqrt, div_b
    reg               a_v_q, r_v_q;          // div_a's / isqrt's result not yet taken
    reg [PW:0]        nu_left_q;             // nu values still to come in pass 2
    (* no_rw_check *)   // (a read of the word being written is unknown: SGLIF_RW_X below)
    reg [28:0]        nu_mem [0:(1<<PW)-1];
    reg [28:0]        nu_rd_q, nu_all_q;

    wire              da_busy, da_done, sq_busy, sq_done, db_busy, db_done;
    wire [32:0]       da_q;
    wire [16:0]       sq_r;
    wire [28:0]       db_q;
    // (not in the cycle of a done_o: its result is taken the next)
    wire              da_go = qh_v_q && !da_busy && !da_done && !a_v_q;
    wire              sq_go = a_v_q && !sq_busy && !sq_done && !r_v_q;
    wire              db_go = r_v_q && !db_busy;
    wire [NCW-1:0]    da_d  = rn_q ? {{(PW+1){1'b0}}, kl_q} + 1'b1 : n_q;
    wire [16:0]       r1    = sq_r == 17'd0 ? 17'd1 : sq_r;

    sglif_udiv #(.NW(QAW), .DW(NCW), .QB(33)) u_div_a (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(da_go), .n_i(qh_q), .d_i(da_d),
        .busy_o(da_busy), .done_o(da_done), .q_o(da_q));
    sglif_isqrt u_isqrt (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(sq_go), .x_i(da_q), .busy_o(sq_busy),
        .done_o(sq_done), .r_o(sq_r));
    sglif_udiv #(.NW(29), .DW(17), .QB(29)) u_div_b (
        .clk_i(clk_i), .rst_i(rst_i), .start_i(db_go), .n_i(29'd1 << 28), .d_i(r1),
        .busy_o(db_busy), .done_o(db_done), .q_o(db_q));

    // ---- pass 3's arithmetic ----
    reg signed [17:0] gA_q;
    reg signed [31:0] mA_q, mB_q, mG_q, mR_q, mC_q, mX_q, mS_q, mD_q, mT_q;
    reg signed [15:0] MA_q, MB_q, MG_q, gnG_q, gnR_q;
    reg signed [17:0] dM3_q, rg3_q, dMb_q, rgb_q, hb2_q;   // dM3 = M - rnd(M, 3), dMb = M - rnd(M, b2)
    reg signed [15:0] MnC_q, MnX_q, MnS_q, MnD_q, MnT_q, MnV_q;
    reg signed [34:0] dsT_q;
    reg signed [35:0] vv_q;
    reg               cposC_q, cnegC_q;
    reg [31:0]        uA_q, uB_q, uG_q, uR_q, uC_q, uX_q;
    reg signed [29:0] mopA_q;                // stage B's second operand: nu_p (pass 3) or rnd(G, sigma)
`ifdef SGLIF_FAULT_UPD_MOP
    reg [28:0]        nuF_q;                 // (the fault: the entry before's nu)
`endif
    reg [GW-1:0]      absA_q;
    reg signed [47:0] prB_q;
    reg signed [63:0] xX_q, dD_q, lra_q;
    reg signed [33:0] dlo_q;                 // the decay's lr m, as two products (stage P)
    reg signed [30:0] dhi_q;
    reg signed [47:0] dprB_q;                // lr m (stage B)
    reg signed [63:0] dshG_q, dshR_q, dshC_q; // lr m 2^(D-16-wd), or 0 (stages G, R, C)
    reg               diag_hit1_q, dhQ_q, dhA_q, dhB_q, dhG_q, dhR_q, dhC_q, dhX_q, dhS_q, dhD_q, dhT_q, dhV_q;
    reg               draw_q;

    // stage B: one multiplier, rnd(G, sigma) times nu (pass 3) or itself (pass 2)
    // as two registered products (the low 17 bits of the operand, unsigned, and the rest), summed
    // in the next stage. The operand is chosen a cycle ahead, as stage A is loaded (mopA_q), by
    // the pass of that cycle: in a pass's last cycle no read is in stage Q (passes 1 and 3 end
    // with the pipeline empty, pass 2 once every unit's sum has left stage B), so every read's
    // product is in the pass it was loaded in; both products read flip-flops only.
    wire [28:0]        nuQ   = rn_q ? nuQ_q : nu_all_q;          // the entry's nu_p
`ifdef SGLIF_FAULT_UPD_MOP
    wire [28:0]        nuop  = nuF_q;
`else
    wire [28:0]        nuop  = nuQ;
`endif
    wire signed [35:0] plo   = $signed({{18{gA_q[17]}}, gA_q}) * $signed({18'd0, 1'b0, mopA_q[16:0]});
    wire signed [30:0] phi   = $signed({{13{gA_q[17]}}, gA_q}) * $signed({{18{mopA_q[29]}}, mopA_q[29:17]});
    wire signed [47:0] prod  = {{12{plo_q[35]}}, plo_q} + {phi_q[30:0], 17'd0};

    // stages G, R and C: gn; the roundings of M and gn; the momentum and the sign of c
    wire signed [47:0] pr_r  = (prB_q + 48'sd32768) >>> 16;                // rnd(g nu, 16)
    wire signed [15:0] gn    = pr_r > 48'sd32767 ? 16'sd32767 : pr_r < -48'sd32767 ? -16'sd32767 : pr_r[15:0];
    wire signed [17:0] M18   = {{2{MG_q[15]}}, MG_q};
    wire signed [17:0] gn18  = {{2{gnG_q[15]}}, gnG_q};
    wire signed [17:0] rM3   = (M18 + 18'sd4) >>> 3, rg3 = (gn18 + 18'sd4) >>> 3;
    wire signed [17:0] rMb   = (M18 + hb2_q) >>> b2_q;                     // rnd(M, b2)
`ifdef SGLIF_FAULT_UPD_MOM
    wire signed [17:0] rgb   = gn18 >>> b2_q;
`else
    wire signed [17:0] rgb   = (gn18 + hb2_q) >>> b2_q;                    // rnd(gn, b2)
`endif
    wire signed [17:0] Mn    = dMb_q + rgb_q;                             // M - rnd(M, b2) + rnd(gn, b2)
    wire signed [15:0] Mnc   = Mn > 18'sd32767 ? 16'sd32767 : Mn < -18'sd32767 ? -16'sd32767 : Mn[15:0];
    wire signed [17:0] c     = b2_q == 4'd0 ? {{2{gnR_q[15]}}, gnR_q} : dM3_q + rg3_q;
    wire signed [63:0] lr64  = {{32{lr_q[31]}}, lr_q};

    // the decay: D from S and wd (registered at start_i, decoded in pass 1: dlong_q in its
    // first cycle, D and the shifts from it in its second), lr 2^(D-S) (static while the
    // tensor runs), and lr m (stages P, B) shifted by D - 16 - wd (stage G)
    wire signed [6:0]  w16   = {3'd0, wde_q} + 7'sd16;
    wire               dlong = wde_q != 4'd0 && si_q < w16;          // D = 16 + wd > S
    wire signed [6:0]  dsh   = dlong_q ? w16 : si_q;                 // D
    wire signed [33:0] dlo   = $signed({1'b0, lr_q[16:0]}) * $signed(mA_q[15:0]);
    wire signed [30:0] dhi   = $signed(lr_q[31:17]) * $signed(mA_q[15:0]);
    wire signed [47:0] dpr   = {dhi_q, 17'd0} + {{14{dlo_q[33]}}, dlo_q};
    wire signed [63:0] dpr64 = {{16{dprB_q[47]}}, dprB_q};
`ifdef SGLIF_FAULT_UPD_DECAY
    wire [6:0]         sbx   = {1'b0, sb_q} + 7'd1;
`else
    wire [6:0]         sbx   = {1'b0, sb_q};
`endif

    // stages S, Y and D: the stochastic rounding of the step (three cycles)
    wire [31:0]        u;
    wire               rng_valid, rng_busy;
    wire signed [63:0] dr;
    sglif_pcg32 u_pcg (.clk_i(clk_i), .rst_i(rst_i), .load_i(rng_load_i && st_q == S_IDLE),
                       .state_i(rng_state_i), .inc_i(rng_inc_i), .next_i(draw_q), .u_o(u),
                       .valid_o(rng_valid), .busy_o(rng_busy), .state_o(rng_state_o),
                       .inc_o(rng_inc_o));
    sglif_sround #(.REG(1)) u_sround (.clk_i(clk_i), .x_i(xX_q), .s_i(s_q), .u_i(uX_q), .y_o(dr));

    // stage E: m - d, clamped (d saturated at +-2^33 first: |m| < 2^31 clamps either way)
    // (by its bits, not 64-bit compares: above 2^33 when not negative and a bit above 33 or
    // bit 33 and one below it is set; below -2^33 when negative and not all of bits 62 .. 33
    // ones)
    wire               d_hi  = !dD_q[63] && (|dD_q[62:34] || (dD_q[33] && |dD_q[32:0]));
    wire               d_lo  = dD_q[63] && !(&dD_q[62:33]);
    wire signed [34:0] dsat  = d_hi ? 35'sd8589934592 : d_lo ? -35'sd8589934592 : dD_q[34:0];
    wire signed [35:0] v     = {{4{mT_q[31]}}, mT_q} - {dsT_q[34], dsT_q};
    wire signed [35:0] lo    = wide_q ? -36'sd8388608 : -36'sd32512;
`ifdef SGLIF_FAULT_UPD_CLAMP
    wire signed [35:0] hi    = wide_q ? 36'sd8388607 : 36'sd32766;
`else
    wire signed [35:0] hi    = wide_q ? 36'sd8388607 : 36'sd32767;
`endif
    wire               v_lo  = vv_q < lo, v_hi = vv_q > hi;
    wire signed [35:0] vc    = v_lo ? lo : v_hi ? hi : vv_q;

    // pass 2's square, <= 2^32
    wire [QAW-1:0]     sq    = {{(QAW-33){1'b0}}, prB_q[32:0]};

    // pass 1's bit length of the maximum, in two registered steps (no long chain): per byte of
    // the maximum whether it is 0 and its top bit (registered), then over the bytes (the
    // maximum is final some cycles before pass 1 ends)
    localparam NCH = (GW + 7) / 8;
    reg [NCH-1:0]   nz, nz_q;
    reg [3*NCH-1:0] top, top_q;
    reg [SGW-1:0]   blen;
    integer b, c2;
    always @* begin
        nz  = {NCH{1'b0}};
        top = {(3*NCH){1'b0}};
        for (c2 = 0; c2 < NCH; c2 = c2 + 1)
            for (b = 0; b < 8; b = b + 1)
                if (8 * c2 + b < GW && mx_q[(8 * c2 + b) % GW]) begin
                    nz[c2] = 1'b1;
                    top[3 * c2 +: 3] = b[2:0];
                end
        blen = {SGW{1'b0}};
        for (c2 = 0; c2 < NCH; c2 = c2 + 1)
            if (nz_q[c2])
                blen = c2[SGW-1:0] * 8 + {{(SGW-3){1'b0}}, top_q[3 * c2 +: 3]} + 1'b1;
    end

    wire      pipe_busy = rd_o || v1_q || vQ_q || vA_q || vP_q || vB_q || vG_q || vR_q || vC_q || vX_q || vS_q || vY_q || vD_q || vT_q || vV_q || m_we_o || cl_q || g_clr_o;

    always @(posedge clk_i) begin
        // defaults: strobes low
        rd_o     <= 1'b0;
        draw_q   <= 1'b0;
        done_o   <= 1'b0;
        m_we_o   <= 1'b0;
        mom_we_o <= 1'b0;
        g_clr_o  <= 1'b0;
        if (clamp_clr_i)
            clamped_o <= 32'd0;

        // the pipeline's tags
        v1_q <= rd_o;
        l1_q <= rd_last_q;
        k1_q <= rk_o;
        p1_q <= rp_o;
        diag_hit1_q <= diag_q && {{PW{1'b0}}, rk_o} == {{KW{1'b0}}, rp_o};
`ifdef SGLIF_RW_X   // (simulation: a use of such a read shows as x)
        if (db_done && pb_q == rp_o)
            nu_rd_q <= 29'bx;
        else
`endif
        nu_rd_q <= nu_mem[rp_o];
        vQ_q <= v1_q;
        lQ_q <= l1_q;
        kQ_q <= k1_q;
        pQ_q <= p1_q;
        dhQ_q <= diag_hit1_q;
        gQ_q <= g_i;
        mQ_q <= m_i;
        MQ_q <= mom_i;
        nuQ_q <= nu_rd_q;
        uQ_q <= u;
        vA_q <= vQ_q;
        lA_q <= lQ_q;
        kA_q <= kQ_q;
        pA_q <= pQ_q;
        dhA_q <= dhQ_q;
        vP_q <= vA_q;
        lP_q <= lA_q;
        kP_q <= kA_q;
        pP_q <= pA_q;
        dhP_q <= dhA_q;
        vB_q <= vP_q;
        lB_q <= lP_q;
        kB_q <= kP_q;
        pB_q <= pP_q;
        dhB_q <= dhP_q;
        vG_q <= vB_q && st_q == S_P3;
        kG_q <= kB_q;
        pG_q <= pB_q;
        dhG_q <= dhB_q;
        vR_q <= vG_q;
        kR_q <= kG_q;
        pR_q <= pG_q;
        dhR_q <= dhG_q;
        vC_q <= vR_q;
        kC_q <= kR_q;
        pC_q <= pR_q;
        dhC_q <= dhR_q;
        vX_q <= vC_q;
        kX_q <= kC_q;
        pX_q <= pC_q;
        dhX_q <= dhC_q;
        vS_q <= vX_q;
        kS_q <= kX_q;
        pS_q <= pX_q;
        dhS_q <= dhX_q;
        vY_q <= vS_q;
        kY_q <= kS_q;
        pY_q <= pS_q;
        dhY_q <= dhS_q;
        vD_q <= vY_q;
        kD_q <= kY_q;
        pD_q <= pY_q;
        dhD_q <= dhY_q;
        vT_q <= vD_q;
        kT_q <= kD_q;
        pT_q <= pD_q;
        dhT_q <= dhD_q;
        vV_q <= vT_q;
        kV_q <= kT_q;
        pV_q <= pT_q;
        dhV_q <= dhT_q;

        half_q <= sigma_q == {SGW{1'b0}} ? {(GW+1){1'b0}} : {{GW{1'b0}}, 1'b1} << (sigma_q - 1'b1);
        nz_q  <= nz;
        top_q <= top;
        // stage A: the read words
        gA_q   <= gr;
        absA_q <= gabs;
        mA_q   <= mQ_q;
        MA_q   <= MQ_q;
        uA_q   <= uQ_q;
        mopA_q <= st_q == S_P3 ? {1'b0, nuop} : {{12{gr[17]}}, gr};
`ifdef SGLIF_FAULT_UPD_MOP
        nuF_q  <= nuQ;
`endif
        // the decay's constants and its term (stages P, B, G, R, C)
        lra_q  <= lr64 <<< sa_q;
        dlo_q  <= dlo;
        dhi_q  <= dhi;
        dprB_q <= dpr;
        dshG_q <= dec_q ? dpr64 <<< sbx : 64'sd0;
        dshR_q <= dshG_q;
        dshC_q <= dshR_q;
        // stage B: rnd(G, sigma) nu (pass 3) or its square (pass 2)
        plo_q <= plo;
        phi_q <= phi;
        mP_q  <= mA_q;
        MP_q  <= MA_q;
        uP_q  <= uA_q;
        prB_q <= prod;
        mB_q  <= mP_q;
        MB_q  <= MP_q;
        uB_q  <= uP_q;
        // stage G: the normalized gradient
        gnG_q <= gn;
        MG_q  <= MB_q;
        mG_q  <= mB_q;
        uG_q  <= uB_q;
        // stage R: the roundings
        dM3_q <= M18 - rM3;                  // (the subtractions of M here: one add in stage C)
        rg3_q <= rg3;
        dMb_q <= M18 - rMb;
        rgb_q <= rgb;
        gnR_q <= gnG_q;
        mR_q  <= mG_q;
        uR_q  <= uG_q;
        // stage C: the momentum, the sign of c
        cposC_q <= c > 18'sd0;
        cnegC_q <= c < 18'sd0;
        MnC_q <= Mnc;
        mC_q  <= mR_q;
        uC_q  <= uR_q;
        // stage X: the step before its rounding, +-lr 2^(D-S) or 0, plus the decay's term
        // (-lr 2^(D-S) as its bits inverted and the adder's carry in: no negation, no register)
        xX_q  <= dshC_q + ((cposC_q || cnegC_q ? lra_q : 64'sd0) ^ {64{cnegC_q}}) + {63'd0, cnegC_q};
        MnX_q <= MnC_q;
        mX_q  <= mC_q;
        uX_q  <= uC_q;
        // stages S and Y: sround's two registers (inside it); stage D: its result
        MnS_q <= MnX_q;
        mS_q  <= mX_q;
        MnY_q <= MnS_q;
        mY_q  <= mS_q;
        dD_q  <= dr;
        MnD_q <= MnY_q;
        mD_q  <= mY_q;
        // stage T: the step saturated; stage V: m - d
        dsT_q <= dsat;
        MnT_q <= MnD_q;
        mT_q  <= mD_q;
        vv_q <= v;
        MnV_q <= MnT_q;
        // stage E: the writes
        cl_q <= 1'b0;
        if (cl_q && !clamp_clr_i)
            clamped_o <= clamped_o + 32'd1;
        if (vV_q) begin
            wk_o     <= kV_q;
            wp_o     <= pV_q;
            g_clr_o  <= 1'b1;
            mom_we_o <= b2_q != 4'd0;
            mom_o    <= MnV_q;
            m_we_o   <= !dhV_q;
            m_o      <= vc[31:0];
            wq_o     <= vc[23:8];
            cl_q     <= !dhV_q && (v_lo || v_hi);   // counted the next cycle
        end

        // pass 1: the maximum
        if (st_q == S_P1 && vA_q && absA_q > mx_q)
            mx_q <= absA_q;
        // pass 2: the sums, one unit at a time
        if (st_q == S_P2 && vB_q) begin
            if (lB_q) begin
                qh_q   <= acc_q + sq;
                qh_v_q <= 1'b1;
                pq_q   <= pB_q;
                acc_q  <= {QAW{1'b0}};
            end else
                acc_q <= acc_q + sq;
        end
        // the arithmetic's hand-overs
        if (da_go) begin
            qh_v_q     <= 1'b0;
            inflight_q <= 1'b0;
            pa_q       <= pq_q;
        end
        if (da_done)
            a_v_q <= 1'b1;
        if (sq_go) begin
            a_v_q <= 1'b0;
            pr_q  <= pa_q;
        end
        if (sq_done)
            r_v_q <= 1'b1;
        if (db_go) begin
            r_v_q <= 1'b0;
            pb_q  <= pr_q;
        end
        if (db_done) begin
            nu_mem[pb_q] <= db_q;
            nu_all_q     <= db_q;
            nu_left_q    <= nu_left_q - 1'b1;
        end

        case (st_q)
            S_IDLE: if (start_i) begin
                kl_q <= k_last_i;
                pl_q <= p_last_i;
                wide_q <= wide_i;
                diag_q <= diag_i;
                rn_q <= row_norm_i;
                b2_q <= b2_i;
                si_q <= s_i;
                wde_q <= wide_i ? 4'd0 : wd_i;
                lr_q <= lr_i;
                hb2_q <= 18'sd1 <<< (b2_i - 4'd1);     // 2^(b2-1); unused when b2 = 0
                kc_q <= {KW{1'b0}};
                pc_q <= {PW{1'b0}};
                n_q <= {NCW{1'b0}};
                mx_q <= {GW{1'b0}};
                drain_q <= 1'b0;
                st_q <= S_P1;
            end
            S_P1: begin
                // D and its shifts (pass 1 runs at least the read pipeline's seven cycles)
                dlong_q <= dlong;
                s_q <= dsh;                            // D
                sa_q <= dsh - si_q;
                sb_q <= dlong_q ? 6'd0 : si_q[5:0] - w16[5:0];  // S - 16 - wd >= 0 when the decay is on
                dec_q <= wde_q != 4'd0;
                if (!drain_q) begin
                    rd_o <= 1'b1;
                    rk_o <= kc_q;
                    rp_o <= pc_q;
                    n_q  <= n_q + 1'b1;
                    kc_q <= kc_n;
                    pc_q <= pc_n;
                    drain_q <= walk_last;
                end else if (!pipe_busy) begin
                    sigma_q <= blen > B16 ? blen - B16 : {SGW{1'b0}};
                    kc_q <= {KW{1'b0}};
                    pc_q <= {PW{1'b0}};
                    drain_q <= 1'b0;
                    acc_q <= {QAW{1'b0}};
                    qh_v_q <= 1'b0;
                    inflight_q <= 1'b0;
                    a_v_q <= 1'b0;
                    r_v_q <= 1'b0;
                    nu_left_q <= rn_q ? {1'b0, pl_q} + 1'b1 : {{PW{1'b0}}, 1'b1};
                    st_q <= S_P2;
                end
            end
            S_P2: begin
                // a unit's reads back to back; the next unit once this one's sum is taken
                if (!drain_q && !inflight_q) begin
                    rd_o <= 1'b1;
                    rk_o <= kc_q;
                    rp_o <= pc_q;
                    rd_last_q <= rn_q ? k_end : walk_last;
                    kc_q <= kc_n;
                    pc_q <= pc_n;
                    if (k_end && rn_q)
                        inflight_q <= 1'b1;
                    drain_q <= walk_last;
                end
                if (nu_left_q == {(PW+1){1'b0}}) begin
                    kc_q <= {KW{1'b0}};
                    pc_q <= {PW{1'b0}};
                    drain_q <= 1'b0;
                    st_q <= S_P3;
                end
            end
            S_P3: begin
                if (!drain_q) begin
                    rd_o   <= 1'b1;
                    draw_q <= 1'b1;
                    rk_o   <= kc_q;
                    rp_o   <= pc_q;
                    kc_q   <= kc_n;
                    pc_q   <= pc_n;
                    drain_q <= walk_last;
                end else if (drain_q && !pipe_busy) begin
                    done_o <= 1'b1;
                    st_q <= S_IDLE;
                end
            end
        endcase
        if (rst_i) begin
            st_q <= S_IDLE;
            qh_v_q <= 1'b0;
            inflight_q <= 1'b0;
            a_v_q <= 1'b0;
            r_v_q <= 1'b0;
            rd_o <= 1'b0;
            draw_q <= 1'b0;
            v1_q <= 1'b0;
            vQ_q <= 1'b0;
            vA_q <= 1'b0;
            vB_q <= 1'b0;
            vG_q <= 1'b0;
            vR_q <= 1'b0;
            vP_q <= 1'b0;
            vC_q <= 1'b0;
            vX_q <= 1'b0;
            vS_q <= 1'b0;
            vY_q <= 1'b0;
            vT_q <= 1'b0;
            vV_q <= 1'b0;
            cl_q <= 1'b0;
            vD_q <= 1'b0;
            m_we_o <= 1'b0;
            mom_we_o <= 1'b0;
            g_clr_o <= 1'b0;
            clamped_o <= 32'd0;
        end
    end
endmodule

`default_nettype wire
