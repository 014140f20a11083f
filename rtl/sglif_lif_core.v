// SPDX-License-Identifier: MIT
// sglif_lif_core: one or two recurrent layers of LIF neurons, inference, bit-exact with the
// integer twin sgl_fixed_forward (sw/fixed.c, docs/numerics.md). P lanes (docs/rtl.md):
// neurons are taken in groups of P; for each group the op generator issues one op per active
// input of the layer (input events for layer 0, layer 0's spikes of this step for layer 1) and
// one per spike of the layer in the previous step; each op reads one wide weight word (the P
// weights W[row][gP .. gP+P-1], from P/2 single-port banks of two int8 each) and adds them
// into P lane accumulators. When a group's ops are done its P sums go to a shadow register and
// a serial drain updates the P neurons one per cycle (bias, decay, reset, saturate, compare,
// SG lookup, history, readout) while the next group accumulates.
//   A  op generator (layer, group, event / spike list index); reads the event or spike list
//   B  weight row = region base + list entry; bank address {row, group}
//   C  weight banks read
//   C2 the bank words registered (w_q: the block RAMs' slow clock-to-out and the route to the
//      lanes get a cycle of their own)
//   D  per lane: w to the IN or the REC operand (the other, and both for a NULL op, 0)
//   E  per lane: acc_in += w_in, acc_rec += w_rec (unshifted, exact); on the group's last op:
//      shadow <= both sums, the accumulators cleared
//   F0 drain: lane k of the shadow, neuron i = gP + k; reads bias, membrane, previous spike;
//      the lane's sums shifted, acc_in <<< sh_in and acc_rec <<< sh_rec (the layer's)
//   F1 the bias, membrane and spike words registered; the shifted sums added (ACC_W bits)
//   F1b cur = sum + bias; decay and reset (sglif_lif_decay)
//   F2 u + cur, exact
//   F3 saturate, compare (sglif_lif_update)
//   F4 writes membrane and spike, appends to the next spike list; SG lookup (three cycles:
//      F4 asr(x, s), F5 + entries / 2, F6 clamp and table read)
//   F7 SG code; trace, history write, W_out row read of a top-layer spike
//   F8 readout: the W_out row registered; F9 the class accumulators add it. The step's
//      argmax is a scan of the classes started when the last add is done (2 N_OUT + 1 cycles),
//      if the step asked for it (argmax_i with start_i); a step without it keeps pred_o
// Cycles per step (docs/rtl.md): 1 + (with the scan) 2 N_OUT + 2 + per layer in use
// (G - 1) max(c, P) + c + m - 1 + 16, with c = max(ops, 1), G groups, m neurons in the last
// group. Configuration is written only while idle (busy_o low).
// Read-back (docs/rtl.md, "Read-back"): while idle and not writing, rb_data_o is the word of
// memory cfg_sel_i at cfg_addr_i, RB_LAT (rtl/core_map.csv: 3) cycles after the select and address (held): the
// RAMs are read at cfg_addr_i in the first cycle (their read address is muxed by busy_o; the
// weight banks' by bank_busy_q, equal to it), the
// select mux (the weight banks: their registered words, w_q) is registered in the second, the
// word once more in the third.
`default_nettype none

module sglif_lif_core #(
    parameter integer N      = 64,    // neurons per layer (2P..65536)
    parameter integer N_IN   = 32,    // input channels (2..65536)
    parameter integer EV_AW  = 8,     // event list holds up to 2^EV_AW events per step
    parameter integer SG_AW  = 8,     // SG table of up to 2^SG_AW entries
    parameter integer ACC_W  = 32,    // current accumulator width (the twin: int32)
    parameter integer N_OUT  = 10,    // readout classes (2..1024)
    parameter integer HIST_STEPS = 64, // steps recorded by the history per sample
    parameter integer P      = 4,     // lanes: 1, 2, 4, ..., 64 (N a multiple of P, N >= 2P)
    parameter integer L      = 1,     // layers: 1 or 2 (register 9 sets how many are in use)
    parameter SG_INIT = ""            // SG table initial contents ($readmemh file)
) (
    input  wire                 clk_i,
    input  wire                 rst_i,        // synchronous, control state only
    // configuration write port (only while idle); cfg_sel_i selects the memory:
    //   0 weight bank word {row, group, bank}, data[15:0] (P = 1: data[7:0])   1 ignored
    //   2 bias {layer, i}, data[15:0]   3 SG table entry, data[15:0]   4 register (addr: 0
    //   theta, 1 k, 2 sh_in0, 3 sh_rec0, 4 SG shift s, 5 log2 SG entries, 6 reset mode 0 sub /
    //   1 mult, 7 layer-0 neurons in use - 1, 8 classes in use - 1, 9 layers in use - 1,
    //   10 sh_in1, 11 sh_rec1, 12 layer-1 neurons in use - 1)   5 event list entry e, data u
    //   6 W_out {i, c}, data[7:0]   7 b_out c, data[15:0]
    input  wire                 cfg_we_i,
    input  wire [2:0]           cfg_sel_i,
    input  wire [CFG_AW-1:0]    cfg_addr_i,
    input  wire [15:0]          cfg_data_i,
    // commands (while idle): clear membranes and spikes (a new sample); run one time step
    // over the first n_ev_i entries of the event list
    input  wire                 clear_i,
    input  wire                 start_i,
    // taken with start_i: 1 the step ends with the readout's argmax scan (pred_o is the
    // step's), 0 it ends without (2 N_OUT + 2 cycles fewer; pred_o keeps the last scan's)
    input  wire                 argmax_i,
    // (while idle) the history starts again at step 0, the state is kept: a long sample is
    // recorded in windows of up to HIST_STEPS steps (the host reads each before the next)
    input  wire                 hist_clear_i,
    input  wire [EV_AW:0]       n_ev_i,
    output wire                 busy_o,
    output reg                  done_o,       // one-cycle pulse: step or clear finished
    // spikes of the step, in update order (layer 0 then layer 1, neuron order in a layer)
    output wire                 spike_o,
    output wire                 spike_layer_o,
    output wire [NW-1:0]        spike_idx_o,
    // readout (sglif_readout): the sum of a class (combinational), the prediction (argmax
    // over the classes in use, ties to the lowest); final when done_o pulses after a step
    input  wire [CW-1:0]        ro_class_i,
    output wire [31:0]          ro_sum_o,
    output wire [32*N_OUT-1:0]  ro_acc_o,       // every class accumulator (the trainer's step sums)
    output wire [CW-1:0]        pred_o,
    // history (sglif_history): {z, code} of neuron i of layer l at step t, address
    // {l, t, i} (no layer bit when L = 1), one cycle after the address
    input  wire [HA-1:0]        hist_raddr_i,
    output wire [16:0]          hist_rdata_o,
    output wire [HW:0]          hist_steps_o,
    // configuration read-back (while idle, cfg_we_i low): the word of cfg_sel_i at cfg_addr_i
    // in the layout of the write, RB_LAT cycles after the select and address (held stable)
    output wire [15:0]          rb_data_o
`ifdef SGLIF_TRACE
    ,
    // every neuron update: layer, index, membrane, spike, saturation, SG code
    output wire                 tr_valid_o,
    output wire                 tr_layer_o,
    output wire [NW-1:0]        tr_idx_o,
    output wire [15:0]          tr_v_o,
    output wire                 tr_z_o,
    output wire                 tr_sat_o,
    output wire [15:0]          tr_code_o
`endif
);
    localparam integer NW  = N    > 1 ? $clog2(N)    : 1;
    localparam integer IW  = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer CW  = N_OUT > 1 ? $clog2(N_OUT) : 1;
    localparam integer HW  = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer LB  = L > 1 ? 1 : 0;                   // layer bit in state addresses
    localparam integer HA  = LB + HW + NW;
    localparam integer PW  = P > 1 ? $clog2(P) : 0;           // lane bits
    localparam integer KW  = P > 1 ? PW : 1;                  // lane counter width
    localparam integer GW  = NW - PW;                         // group bits (N >= 2P)
    localparam integer NB  = P > 1 ? P / 2 : 1;               // weight banks
    localparam integer BB  = NB > 1 ? $clog2(NB) : 0;         // bank bits (configuration)
    localparam integer BW  = P > 1 ? 16 : 8;                  // bank word
    localparam integer RW  = $clog2(N_IN + N + (L - 1) * 2 * N); // weight rows
    localparam integer WAW = RW + GW;                         // bank address {row, group}
    localparam integer R_REC0 = N_IN;                         // row regions
    localparam integer R_IN1  = N_IN + N;
    localparam integer R_REC1 = N_IN + 2 * N;
    localparam integer EC  = EV_AW > NW ? EV_AW : NW;         // list index width
    localparam integer SW  = ACC_W + 2;                       // u + I, exact
    localparam integer A0  = WAW + BB > LB + NW ? WAW + BB : LB + NW;
    localparam integer A1  = SG_AW > EV_AW ? SG_AW : EV_AW;
    localparam integer A2  = A0 > A1 ? A0 : A1;
    localparam integer A3  = A2 > NW + CW ? A2 : NW + CW;
    localparam integer CFG_AW = A3 > 4 ? A3 : 4;
    localparam integer N_LAST = N - 1;
    localparam integer C_LAST = N_OUT - 1;
    // the hold after a group's last op: P - 1 cycles (the drain reads the shadow for P
    // cycles). `define SGLIF_FAULT_HOLD makes it one cycle short: the co-simulation self-test
    // uses it to prove that an overwritten shadow is caught.
`ifdef SGLIF_FAULT_HOLD
    localparam integer P_HOLD = P > 1 ? P - 2 : 0;
`else
    localparam integer P_HOLD = P - 1;
`endif
    localparam integer P_LAST = P - 1;
    localparam integer BB0     = BB > 0 ? BB : 1;  // bank bits compared (NB = 1: none used)
    localparam integer RBA     = CW > 4 ? CW : 4; // address bits kept for the read-back muxes

    // the memory selects, register addresses and RB_LAT (rtl/core_map.csv)
`include "sglif_core_map.vh"

    localparam [1:0] ST_IDLE = 2'd0, ST_CLEAR = 2'd1, ST_RUN = 2'd2, ST_WAIT = 2'd3;
    localparam [1:0] K_IN = 2'd0, K_REC = 2'd1, K_NULL = 2'd2;

    // ---- configuration registers (control: reset to sgl_fixed_alloc's defaults) ----------
    // (widths: the bits each register keeps, rtl/core_map.csv)
    reg [REG_THETA_BITS-1:0]    theta_q;
    reg [REG_K_BITS-1:0]        k_q;
    reg [REG_SG_SHIFT_BITS-1:0] sg_shift_q;
    reg [REG_SH_IN_BITS-1:0]    sh_in0_q;
    reg [REG_SH_REC_BITS-1:0]   sh_rec0_q;
    reg [REG_SH_IN1_BITS-1:0]   sh_in1_q;
    reg [REG_SH_REC1_BITS-1:0]  sh_rec1_q;
    reg [REG_SG_LOG2_BITS-1:0]  sg_log2_q;
    reg                         reset_mult_q, two_q;
    reg [NW-1:0] n_last0_q, n_last1_q;  // neurons in use - 1 per layer (<= N - 1)
    reg [CW-1:0] cls_last_q;              // classes in use - 1 (<= N_OUT - 1)
    wire       cfg_reg_we = cfg_we_i && cfg_sel_i == SEL_REG;
    wire       two = L > 1 && two_q;    // two layers in use

    always @(posedge clk_i) begin
        if (rst_i) begin
            theta_q      <= 15'd8192;
            k_q          <= 4'd4;
            sh_in0_q     <= 4'd0;
            sh_rec0_q    <= 4'd0;
            sh_in1_q     <= 4'd0;
            sh_rec1_q    <= 4'd0;
            sg_shift_q   <= 4'd0;
            sg_log2_q    <= SG_AW[4:0];
            reset_mult_q <= 1'b0;
            two_q        <= 1'b0;
            n_last0_q    <= N_LAST[NW-1:0];
            n_last1_q    <= N_LAST[NW-1:0];
            cls_last_q   <= C_LAST[CW-1:0];
        end else if (cfg_reg_we) begin
            case (cfg_addr_i[3:0])
                REG_THETA:    theta_q      <= cfg_data_i[REG_THETA_BITS-1:0];
                REG_K:        k_q          <= cfg_data_i[REG_K_BITS-1:0];
                REG_SH_IN:    sh_in0_q     <= cfg_data_i[REG_SH_IN_BITS-1:0];
                REG_SH_REC:   sh_rec0_q    <= cfg_data_i[REG_SH_REC_BITS-1:0];
                REG_SG_SHIFT: sg_shift_q   <= cfg_data_i[REG_SG_SHIFT_BITS-1:0];
                REG_SG_LOG2:  sg_log2_q    <= cfg_data_i[REG_SG_LOG2_BITS-1:0];
                REG_RESET:    reset_mult_q <= cfg_data_i[0];
                REG_N_LAST:   n_last0_q    <= cfg_data_i[NW-1:0];
                REG_C_LAST:   cls_last_q   <= cfg_data_i[CW-1:0];
                REG_LAYERS:   two_q        <= cfg_data_i[0];
                REG_SH_IN1:   sh_in1_q     <= cfg_data_i[REG_SH_IN1_BITS-1:0];
                REG_SH_REC1:  sh_rec1_q    <= cfg_data_i[REG_SH_REC1_BITS-1:0];
                REG_N_LAST1:  n_last1_q    <= cfg_data_i[NW-1:0];
                default: ;
            endcase
        end
    end

    // ---- stage A: controller and op generator -------------------------------------------
    reg [1:0]    state_q, ph_q;
    reg          layer_q, bank_q;
    reg [GW-1:0] g_q;
    reg [EC-1:0] e_q;
    reg [EC:0]   ne_q, ns_q;            // IN ops and REC ops per group of the current layer
    reg [EC:0]   ne_m1_q, ns_m1_q;      // the same minus 1, registered with them (the last op's
                                        // compares: on the UP5K the subtraction was critical)
    reg [NW:0]   n_prev0_q, n_prev1_q;  // spikes of the previous step, per layer
    reg [NW:0]   n_next0_q, n_next1_q;  // spikes of this step so far
    reg [KW-1:0] hold_q;                // cycles until a group may end (the drain is busy)
    reg [NW-1:0] ci_q;                  // clear index
    reg          scan_q;                // the readout's argmax scan of this step started
    reg          argmax_q;              // this step runs the scan (argmax_i at its start)
    reg          b_vld_q, c_vld_q, c2_vld_q, d_vld_q, e_vld_q, dr_act_q;
    reg          f1_vld_q, f1b_vld_q, f2_vld_q, f3_vld_q, f4_vld_q, f5_vld_q, f6_vld_q, f7_vld_q;
    reg          f8_vld_q;
    reg          f4_layer_q, f4_z_q;

    wire [NW-1:0] n_last_cur = layer_q ? n_last1_q : n_last0_q;
    wire [GW-1:0] g_last     = n_last_cur[NW-1:PW];
    wire [EC:0]   e_ext      = {1'b0, e_q};
    wire          e_last_in  = e_ext == ne_m1_q;
    wire          e_last_rec = e_ext == ns_m1_q;
    wire          op_last    = ph_q == K_NULL || (ph_q == K_REC && e_last_rec) ||
                               (ph_q == K_IN && e_last_in && ns_q == 0);
    wire          issue      = state_q == ST_RUN && !(op_last && hold_q != 0);
    wire [1:0]    ph_first   = ne_q != 0 ? K_IN : (ns_q != 0 ? K_REC : K_NULL);
    wire          pipe_empty = !(b_vld_q || c_vld_q || c2_vld_q || d_vld_q || e_vld_q || dr_act_q ||
                                 f1_vld_q || f1b_vld_q || f2_vld_q || f3_vld_q || f4_vld_q || f5_vld_q ||
                                 f6_vld_q || f7_vld_q || f8_vld_q);
    wire          go_clear   = state_q == ST_IDLE && clear_i;
    wire          go_step    = state_q == ST_IDLE && !clear_i && start_i;
    wire          hist_clr   = go_clear || (state_q == ST_IDLE && hist_clear_i);
    wire          last_layer = !(layer_q == 1'b0 && two);
    // the step's end: the pipeline empty and the readout's adds done (a last add in F9 lands
    // with the end), its argmax scan, if asked for, started (ro_scan, scan_q set) and awaited
    wire          ro_busy;
`ifdef SGLIF_FAULT_ARGMAX   // self-test of make cosim: argmax_i read at the step's end
    wire          scan_on    = argmax_i;
    wire          unused_am  = argmax_q;
`else
    wire          scan_on    = argmax_q;
`endif
    wire          ro_scan    = state_q == ST_WAIT && pipe_empty && last_layer && !ro_busy &&
                               !scan_q && scan_on;
    wire          step_fin   = state_q == ST_WAIT && pipe_empty && last_layer && !ro_busy &&
                               (scan_q || !scan_on);
    wire          clr        = state_q == ST_CLEAR;
    wire [EC:0]   n_ev_x     = {{(EC-EV_AW){1'b0}}, n_ev_i};
    wire [EC:0]   n_prev0_x  = {{(EC-NW){1'b0}}, n_prev0_q};
    wire [EC:0]   n_prev1_x  = {{(EC-NW){1'b0}}, n_prev1_q};
    wire [EC:0]   n_next0_x  = {{(EC-NW){1'b0}}, n_next0_q};

    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i) begin
            state_q   <= ST_IDLE;
            ph_q      <= K_NULL;
            layer_q   <= 1'b0;
            bank_q    <= 1'b0;
            g_q       <= {GW{1'b0}};
            e_q       <= {EC{1'b0}};
            ne_q      <= {(EC+1){1'b0}};
            ns_q      <= {(EC+1){1'b0}};
            ne_m1_q   <= {(EC+1){1'b1}};
            ns_m1_q   <= {(EC+1){1'b1}};
            n_prev0_q <= {(NW+1){1'b0}};
            n_prev1_q <= {(NW+1){1'b0}};
            n_next0_q <= {(NW+1){1'b0}};
            n_next1_q <= {(NW+1){1'b0}};
            hold_q    <= {KW{1'b0}};
            ci_q      <= {NW{1'b0}};
            scan_q    <= 1'b0;
            argmax_q  <= 1'b1;
        end else begin
            if (hold_q != 0)
                hold_q <= hold_q - 1'b1;
            if (f4_vld_q && f4_z_q) begin
                if (f4_layer_q)
                    n_next1_q <= n_next1_q + 1'b1;
                else
                    n_next0_q <= n_next0_q + 1'b1;
            end
            case (state_q)
                ST_IDLE:
                    if (clear_i) begin
                        state_q <= ST_CLEAR;
                        layer_q <= 1'b0;
                        ci_q    <= {NW{1'b0}};
                    end else if (start_i) begin
                        state_q  <= ST_RUN;
                        argmax_q <= argmax_i;
                        layer_q  <= 1'b0;
                        g_q     <= {GW{1'b0}};
                        e_q     <= {EC{1'b0}};
                        ne_q    <= n_ev_x;
                        ns_q    <= n_prev0_x;
                        ne_m1_q <= n_ev_x - 1'b1;
                        ns_m1_q <= n_prev0_x - 1'b1;
                        ph_q    <= n_ev_i != 0 ? K_IN : (n_prev0_q != 0 ? K_REC : K_NULL);
                    end
                ST_CLEAR: begin
                    ci_q <= ci_q + 1'b1;
                    if (ci_q == n_last_cur) begin
                        ci_q <= {NW{1'b0}};
                        if (layer_q == 1'b0 && two)
                            layer_q <= 1'b1;
                        else begin
                            state_q   <= ST_IDLE;
                            layer_q   <= 1'b0;
                            n_prev0_q <= {(NW+1){1'b0}};
                            n_prev1_q <= {(NW+1){1'b0}};
                            n_next0_q <= {(NW+1){1'b0}};
                            n_next1_q <= {(NW+1){1'b0}};
                            done_o    <= 1'b1;
                        end
                    end
                end
                ST_RUN:
                    if (issue) begin
                        if (op_last) begin
                            e_q     <= {EC{1'b0}};
                            ph_q    <= ph_first;
                            if (g_q == g_last)
                                state_q <= ST_WAIT;  // (hold_q is 0 here: not reloaded)
                            else begin
                                g_q    <= g_q + 1'b1;
                                hold_q <= P_HOLD[KW-1:0];
                            end
                        end else if (ph_q == K_IN && e_last_in) begin
                            e_q  <= {EC{1'b0}};
                            ph_q <= K_REC;
                        end else
                            e_q <= e_q + 1'b1;
                    end
                default: // ST_WAIT: the layer's last group leaves the pipeline
                    if (pipe_empty) begin
                        if (!last_layer) begin
                            // layer 1: its inputs are layer 0's spikes of this step
                            state_q <= ST_RUN;
                            layer_q <= 1'b1;
                            g_q     <= {GW{1'b0}};
                            e_q     <= {EC{1'b0}};
                            ne_q    <= n_next0_x;
                            ns_q    <= n_prev1_x;
                            ne_m1_q <= n_next0_x - 1'b1;
                            ns_m1_q <= n_prev1_x - 1'b1;
                            ph_q    <= n_next0_q != 0 ? K_IN : (n_prev1_q != 0 ? K_REC : K_NULL);
                        end else if (ro_scan)
                            scan_q <= 1'b1;
                        else if (step_fin) begin
                            state_q   <= ST_IDLE;
                            scan_q    <= 1'b0;
                            layer_q   <= 1'b0;
                            bank_q    <= ~bank_q;
                            n_prev0_q <= n_next0_q;
                            n_prev1_q <= n_next1_q;
                            n_next0_q <= {(NW+1){1'b0}};
                            n_next1_q <= {(NW+1){1'b0}};
                            done_o    <= 1'b1;
                        end
                    end
            endcase
        end
    end

    assign busy_o = state_q != ST_IDLE;

    // busy_o once more, in a register of its own for the weight banks' address select and write
    // enable: its next value from the controller's (a clear or a step taken while idle; a
    // clear's end; the step's end, step_fin, in ST_WAIT, where ro_scan stays). The banks are
    // spread over the chip (128 DP16KD on the 85F), so their address net takes some 5 ns; through
    // busy_o (the state decoded far from the banks, then the select) it was the 85F's critical
    // path at 74.27 MHz. Equal to busy_o in every cycle.
    wire clr_end = ci_q == n_last_cur && !(layer_q == 1'b0 && two);
    reg  bank_busy_q;
    always @(posedge clk_i)
        bank_busy_q <= !rst_i && (state_q == ST_IDLE  ? clear_i || start_i :
                                  state_q == ST_CLEAR ? !clr_end : !step_fin);

    // event list (written by the host) and spike lists ({layer, bank, index}: previous / next
    // step per layer; layer 1's inputs are layer 0's next list)
    wire          a_in1     = layer_q && ph_q == K_IN;
    wire          sl_layer  = layer_q && !a_in1;
    wire          sl_bank   = a_in1 ? ~bank_q : bank_q;
    wire [IW-1:0] ev_u;
    wire [NW-1:0] spk_j;
    wire [NW-1:0] f4_i;
    wire [NW-1:0] n_next_f4 = f4_layer_q ? n_next1_q[NW-1:0] : n_next0_q[NW-1:0]; // < N here
    wire [LB+NW:0] sl_raddr, sl_waddr;
    generate
        if (L > 1) begin : g_sl2
            assign sl_raddr = {sl_layer, sl_bank, e_q[NW-1:0]};
            assign sl_waddr = {f4_layer_q, ~bank_q, n_next_f4};
        end else begin : g_sl1
            wire unused_sl = &{1'b0, sl_layer};
            assign sl_raddr = {sl_bank, e_q[NW-1:0]};
            assign sl_waddr = {~bank_q, n_next_f4};
        end
    endgenerate
    sglif_ram #(.DW(IW), .AW(EV_AW)) u_ev_list (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == SEL_EV), .waddr_i(cfg_addr_i[EV_AW-1:0]),
        .wdata_i(cfg_data_i[IW-1:0]), .raddr_i(busy_o ? e_q[EV_AW-1:0] : cfg_addr_i[EV_AW-1:0]),
        .rdata_o(ev_u));
    sglif_ram #(.DW(NW), .AW(LB + NW + 1)) u_spk_list (
        .clk_i(clk_i), .we_i(f4_vld_q && f4_z_q), .waddr_i(sl_waddr), .wdata_i(f4_i),
        .raddr_i(sl_raddr), .rdata_o(spk_j));

    // ---- stage B: weight row and bank address -------------------------------------------------
    reg [1:0]    b_kind_q;
    reg          b_last_q, b_layer_q;
    reg [GW-1:0] b_g_q;
    always @(posedge clk_i) begin
        if (rst_i)
            b_vld_q <= 1'b0;
        else
            b_vld_q <= issue;
        b_kind_q  <= ph_q;
        b_last_q  <= op_last;
        b_layer_q <= layer_q;
        b_g_q     <= g_q;
    end

    // the row: layer 0's IN ops take the event u as it is (region base 0), the others add a
    // region base to the spiking neuron j. The lists are block RAMs without an output register
    // (on the ECP5 about 5.8 ns clock to out), so the event takes no adder: only the select
    // follows its read (it was the 85F's critical path, through the add, at 74.64 MHz)
    wire          b_from_ev = b_kind_q == K_IN && !b_layer_q;
    wire [RW-1:0] b_base = b_kind_q == K_IN ? R_IN1[RW-1:0]
                                            : (b_layer_q ? R_REC1[RW-1:0] : R_REC0[RW-1:0]);
    wire [RW-1:0] b_row  = b_from_ev ? {{(RW-IW){1'b0}}, ev_u}
                                     : b_base + {{(RW-NW){1'b0}}, spk_j};

    // ---- stage C: weight banks ------------------------------------------------------------------
    reg [1:0]     c_kind_q;
    reg           c_last_q, c_layer_q;
    reg [GW-1:0]  c_g_q;
    reg [WAW-1:0] c_waddr_q;
    always @(posedge clk_i) begin
        if (rst_i)
            c_vld_q <= 1'b0;
        else
            c_vld_q <= b_vld_q;
        c_kind_q  <= b_kind_q;
        c_last_q  <= b_last_q;
        c_layer_q <= b_layer_q;
        c_g_q     <= b_g_q;
        c_waddr_q <= {b_row, b_g_q};
    end

    // P/2 banks of two int8 (P = 1: one bank of one): bank b holds lanes 2b ([7:0]) and 2b+1
    // ([15:8]); written while idle at {row, group} = cfg_addr[BB +: WAW], bank cfg_addr[BB-1:0]
    wire [8*P-1:0] w_rd;                       // lane k at [8k +: 8]
    wire [WAW-1:0] bank_addr = bank_busy_q ? c_waddr_q : cfg_addr_i[BB +: WAW];
    wire           w_we      = cfg_we_i && cfg_sel_i == SEL_W && !bank_busy_q;
    genvar b;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_bank
            wire sel_b;
            if (NB > 1) begin : g_sel
                assign sel_b = cfg_addr_i[BB-1:0] == b[BB-1:0];
            end else begin : g_one
                assign sel_b = 1'b1;
            end
            sglif_spram #(.DW(BW), .AW(WAW)) u_w (
                .clk_i(clk_i), .we_i(w_we && sel_b), .addr_i(bank_addr),
                .wdata_i(cfg_data_i[BW-1:0]), .rdata_o(w_rd[BW*b +: BW]));
        end
    endgenerate

    // ---- stage C2: the bank words registered ---------------------------------------------------
    reg [8*P-1:0] w_q;
    reg [1:0]     c2_kind_q;
    reg           c2_last_q, c2_layer_q;
    reg [GW-1:0]  c2_g_q;
    always @(posedge clk_i) begin
        if (rst_i)
            c2_vld_q <= 1'b0;
        else
            c2_vld_q <= c_vld_q;
        w_q        <= w_rd;
        c2_kind_q  <= c_kind_q;
        c2_last_q  <= c_last_q;
        c2_layer_q <= c_layer_q;
        c2_g_q     <= c_g_q;
    end

    // ---- stage D: the weight to the lane's IN or REC operand ---------------------------------------
    reg [1:0]    d_kind_q;
    reg          d_last_q, d_layer_q;
    reg [GW-1:0] d_g_q;
    always @(posedge clk_i) begin
        if (rst_i)
            d_vld_q <= 1'b0;
        else
            d_vld_q <= c2_vld_q;
        d_kind_q  <= c2_kind_q;
        d_last_q  <= c2_last_q;
        d_layer_q <= c2_layer_q;
        d_g_q     <= c2_g_q;
    end

    // ---- stage E: lane accumulators; shadow at a group's last op ---------------------------------
    reg          e_last_q, e_layer_q;
    reg [GW-1:0] e_g_q;
    always @(posedge clk_i) begin
        if (rst_i)
            e_vld_q <= 1'b0;
        else
            e_vld_q <= d_vld_q;
        e_last_q  <= d_last_q;
        e_layer_q <= d_layer_q;
        e_g_q     <= d_g_q;
    end

    wire                 latch = e_vld_q && e_last_q;
    genvar k;
    // The lanes add the weights unshifted, IN and REC ops into accumulators of their own (UW
    // bits: exact, as a phase has at most 2^EC ops of int8: the op counter e_q has EC bits and
    // a phase ends where it equals the op count - 1), and the drain shifts the two sums (F0)
    // and adds them (F1): sum (w <<< sh_in) + sum (w <<< sh_rec) modulo 2^ACC_W is
    // (sum w) <<< sh_in + (sum w) <<< sh_rec modulo 2^ACC_W, the same bits, with one pair of
    // shifters in the drain instead of one shifter per lane (the HX8K image at P 16: 7 217 ->
    // 6 136 logic cells; the iCEBreaker's at P 8: 5 202 -> 4 988 and no SB_MAC16). An
    // accumulator is cleared with the group's last op (latch) and by rst_i, so it is 0 at every
    // group's first op.
    localparam integer UW  = 8 + EC < ACC_W ? 8 + EC : ACC_W; // a phase's sum: 2^EC int8 at most
    localparam integer SHW = 2 * UW;          // shadow bits a lane: {REC sum, IN sum}
    wire [SHW*P-1:0]     acc_next;
    reg  [SHW*P-1:0]     shadow_q;            // lane k at [SHW k +: SHW]; shifts down
    generate
        for (k = 0; k < P; k = k + 1) begin : g_lane
            reg  signed [7:0]    sw_in_q, sw_rec_q;   // the op's weight, or 0 (other kind, NULL)
            reg  signed [UW-1:0] acc_in_q, acc_rec_q;
            wire signed [UW-1:0] in_next  = acc_in_q + {{(UW-8){sw_in_q[7]}}, sw_in_q};
            wire signed [UW-1:0] rec_next = acc_rec_q + {{(UW-8){sw_rec_q[7]}}, sw_rec_q};
            always @(posedge clk_i) begin
                sw_in_q  <= d_kind_q == K_IN  ? w_q[8*k +: 8] : 8'd0;
                sw_rec_q <= d_kind_q == K_REC ? w_q[8*k +: 8] : 8'd0;
                if (rst_i || latch) begin
                    acc_in_q  <= {UW{1'b0}};
                    acc_rec_q <= {UW{1'b0}};
                end else if (e_vld_q) begin
                    acc_in_q  <= in_next;
                    acc_rec_q <= rec_next;
                end
            end
            assign acc_next[SHW*k +: SHW] = {rec_next, in_next};
        end
    endgenerate

    always @(posedge clk_i)
        if (latch)
            shadow_q <= acc_next;
        else if (dr_act_q)
            shadow_q <= shadow_q >> SHW;

    // ---- F0: the drain, one neuron of the latched group per cycle ---------------------------------
    reg [KW-1:0] dr_k_q;
    reg [GW-1:0] dr_g_q;
    reg          dr_layer_q;
    wire [NW-1:0] dr_i;
    generate
        if (P > 1) begin : g_dri
            assign dr_i = {dr_g_q, dr_k_q};
        end else begin : g_dri1
            assign dr_i = dr_g_q;
        end
    endgenerate
    wire dr_last = dr_k_q == P_LAST[KW-1:0] || dr_i == (dr_layer_q ? n_last1_q : n_last0_q);
    always @(posedge clk_i) begin
        if (rst_i)
            dr_act_q <= 1'b0;
        else if (latch)
            dr_act_q <= 1'b1;
        else if (dr_act_q && dr_last)
            dr_act_q <= 1'b0;
        if (latch) begin
            dr_k_q     <= {KW{1'b0}};
            dr_g_q     <= e_g_q;
            dr_layer_q <= e_layer_q;
        end else if (dr_act_q)
            dr_k_q <= dr_k_q + 1'b1;
    end

    // ---- F1: current = sum + bias; decay and reset ---------------------------------------------
    reg [NW-1:0]           f1_i, f1b_i, f2_i, f3_i;
    reg                    f1_layer, f1b_layer, f2_layer, f3_layer;
    reg signed [ACC_W-1:0] f1b_acc, f2_cur;
    // F0: lane k's IN and REC sums, sign-extended, each shifted by its phase's shift of the
    // layer; F1: added (ACC_W bits, modulo 2^ACC_W)
    wire [ACC_W-1:0] dr_in_x, dr_rec_x;
    generate
        if (UW < ACC_W) begin : g_drx
            assign dr_in_x  = {{(ACC_W-UW){shadow_q[UW-1]}}, shadow_q[UW-1:0]};
            assign dr_rec_x = {{(ACC_W-UW){shadow_q[2*UW-1]}}, shadow_q[2*UW-1:UW]};
        end else begin : g_drx1
            assign dr_in_x  = shadow_q[UW-1:0];
            assign dr_rec_x = shadow_q[2*UW-1:UW];
        end
    endgenerate
    wire [3:0]       dr_sh_in  = dr_layer_q ? sh_in1_q : sh_in0_q;
    // `define SGLIF_FAULT_SHIFT shifts the REC sum by the IN shift: the co-simulation self-test
    // uses it to prove that the two phases' sums and shifts are told apart
`ifdef SGLIF_FAULT_SHIFT
    wire [3:0]       dr_sh_rec = dr_sh_in;
`else
    wire [3:0]       dr_sh_rec = dr_layer_q ? sh_rec1_q : sh_rec0_q;
`endif
    reg  [ACC_W-1:0] f1_in_q, f1_rec_q;
    always @(posedge clk_i) begin
        f1_in_q  <= dr_in_x << dr_sh_in;
        f1_rec_q <= dr_rec_x << dr_sh_rec;
        f1b_acc  <= f1_in_q + f1_rec_q;
    end
    reg signed [17:0]      f2_u;
    reg signed [SW-1:0]    f3_sum;
    always @(posedge clk_i) begin
        if (rst_i) begin
            f1_vld_q <= 1'b0;
            f1b_vld_q <= 1'b0;
            f2_vld_q <= 1'b0;
            f3_vld_q <= 1'b0;
        end else begin
            f1_vld_q <= dr_act_q;
            f1b_vld_q <= f1_vld_q;
            f2_vld_q <= f1b_vld_q;
            f3_vld_q <= f2_vld_q;
        end
        f1_i     <= dr_i;
        f1_layer <= dr_layer_q;
        f1b_i    <= f1_i;
        f1b_layer <= f1_layer;
        f2_i     <= f1b_i;
        f2_layer <= f1b_layer;
        f3_i     <= f2_i;
        f3_layer <= f2_layer;
    end

    // state RAMs at {layer, i} (no layer bit when L = 1), read in F0, written in F4
    wire [15:0] bias_rd, v_rd;
    wire        z_rd;
    reg  [NW-1:0] f4_i_q;
    wire [LB+NW-1:0] bias_waddr, bias_raddr, st_raddr, st_waddr;
    // the bias RAM is read at the configuration address while idle (read-back).
    // `define SGLIF_FAULT_RB reads it one address off: the co-simulation self-test uses it to
    // prove that a wrong read-back is caught.
`ifdef SGLIF_FAULT_RB
    wire [LB+NW-1:0] bias_rb_addr = bias_waddr ^ {{(LB+NW-1){1'b0}}, 1'b1};
`else
    wire [LB+NW-1:0] bias_rb_addr = bias_waddr;
`endif
    assign bias_raddr = busy_o ? st_raddr : bias_rb_addr;
    wire [NW-1:0]    st_wi = clr ? ci_q : f4_i_q;
    wire             st_wl = clr ? layer_q : f4_layer_q;
    generate
        if (L > 1) begin : g_st2
            assign bias_waddr = cfg_addr_i[LB+NW-1:0];
            assign st_raddr   = {dr_layer_q, dr_i};
            assign st_waddr   = {st_wl, st_wi};
        end else begin : g_st1
            wire unused_st = &{1'b0, st_wl};
            assign bias_waddr = cfg_addr_i[NW-1:0];
            assign st_raddr   = dr_i;
            assign st_waddr   = st_wi;
        end
    endgenerate
    sglif_ram #(.DW(16), .AW(LB + NW)) u_bias (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == SEL_BIAS), .waddr_i(bias_waddr),
        .wdata_i(cfg_data_i), .raddr_i(bias_raddr), .rdata_o(bias_rd));

    // F1b: the state RAMs' words registered (block RAM clock-to-out, then the decay's shift
    // and two subtractions, would not fit one cycle on ECP5)
    reg [15:0] f1b_bias_q, f1b_v_q;
    reg        f1b_z_q;
    always @(posedge clk_i) begin
        f1b_bias_q <= bias_rd;
        f1b_v_q    <= v_rd;
        f1b_z_q    <= z_rd;
    end
    wire signed [17:0] u_dec;
    sglif_lif_decay u_decay (
        .v_i(f1b_v_q), .z_i(f1b_z_q), .theta_i(theta_q), .k_i(k_q), .reset_mult_i(reset_mult_q),
        .u_o(u_dec));
    always @(posedge clk_i) begin
        f2_cur <= f1b_acc + {{(ACC_W-16){f1b_bias_q[15]}}, f1b_bias_q};
        f2_u   <= u_dec;
    end

    // ---- F2: u + I, exact (SW bits) ----------------------------------------------------------------
    always @(posedge clk_i)
        f3_sum <= {{(SW-18){f2_u[17]}}, f2_u} + {{(SW-ACC_W){f2_cur[ACC_W-1]}}, f2_cur};

    // ---- F3: saturate, compare ----------------------------------------------------------------------
    wire signed [15:0] v_new;
    wire               z_new, sat_new;
    sglif_lif_update #(.SW(SW)) u_update (
        .sum_i(f3_sum), .theta_i(theta_q), .v_o(v_new), .z_o(z_new), .sat_o(sat_new));

    reg [15:0] f4_v_q;
    reg        f4_sat_q;
    always @(posedge clk_i) begin
        if (rst_i)
            f4_vld_q <= 1'b0;
        else
            f4_vld_q <= f3_vld_q;
        f4_i_q     <= f3_i;
        f4_layer_q <= f3_layer;
        f4_v_q     <= v_new;
        f4_z_q     <= z_new;
        f4_sat_q   <= sat_new;
    end
    assign f4_i = f4_i_q;

    // ---- F4: state write, spike list append, SG lookup (three cycles) ------------------------------------------
    wire st_we = f4_vld_q || clr;
    sglif_ram #(.DW(16), .AW(LB + NW)) u_v (
        .clk_i(clk_i), .we_i(st_we), .waddr_i(st_waddr), .wdata_i(clr ? 16'd0 : f4_v_q),
        .raddr_i(st_raddr), .rdata_o(v_rd));
    sglif_ram #(.DW(1), .AW(LB + NW)) u_z (
        .clk_i(clk_i), .we_i(st_we), .waddr_i(st_waddr), .wdata_i(!clr && f4_z_q),
        .raddr_i(st_raddr), .rdata_o(z_rd));

    wire signed [17:0] x_sg = {{2{f4_v_q[15]}}, f4_v_q} - {3'b000, theta_q};
    wire [15:0]        code;
    sglif_sg_table #(.AW(SG_AW), .INIT_FILE(SG_INIT)) u_sg (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == SEL_SG), .waddr_i(cfg_addr_i[SG_AW-1:0]),
        .wdata_i(cfg_data_i), .rb_i(!busy_o), .x_i(x_sg), .shift_i(sg_shift_q),
        .log2n_i(sg_log2_q), .code_o(code));

    // ---- F5, F6: (the SG index, then its clamp and the table read); F7: outputs, history,
    // W_out read; F8: the readout adds ------------------------------------------------------------
    reg [NW-1:0] f5_i_q, f6_i_q, f7_i_q;
    reg [15:0]   f5_v_q, f6_v_q, f7_v_q;
    reg          f5_z_q, f5_sat_q, f5_layer_q, f6_z_q, f6_sat_q, f6_layer_q;
    reg          f7_z_q, f7_sat_q, f7_layer_q;
    always @(posedge clk_i) begin
        if (rst_i) begin
            f5_vld_q <= 1'b0;
            f6_vld_q <= 1'b0;
            f7_vld_q <= 1'b0;
            f8_vld_q <= 1'b0;
        end else begin
            f5_vld_q <= f4_vld_q;
            f6_vld_q <= f5_vld_q;
            f7_vld_q <= f6_vld_q;
            f8_vld_q <= f7_vld_q;
        end
        f5_i_q     <= f4_i_q;
        f5_v_q     <= f4_v_q;
        f5_z_q     <= f4_z_q;
        f5_sat_q   <= f4_sat_q;
        f5_layer_q <= f4_layer_q;
        f6_i_q     <= f5_i_q;
        f6_v_q     <= f5_v_q;
        f6_z_q     <= f5_z_q;
        f6_sat_q   <= f5_sat_q;
        f6_layer_q <= f5_layer_q;
        f7_i_q     <= f6_i_q;
        f7_v_q     <= f6_v_q;
        f7_z_q     <= f6_z_q;
        f7_sat_q   <= f6_sat_q;
        f7_layer_q <= f6_layer_q;
    end

    assign spike_o       = f7_vld_q && f7_z_q;
    assign spike_layer_o = f7_layer_q;
    assign spike_idx_o   = f7_i_q;

    sglif_history #(.N(N), .HIST_STEPS(HIST_STEPS), .L(L)) u_hist (
        .clk_i(clk_i), .rst_i(rst_i), .clear_i(hist_clr),
        .step_done_i(step_fin),
        .we_i(f7_vld_q), .layer_i(f7_layer_q), .idx_i(f7_i_q), .z_i(f7_z_q), .code_i(code),
        .raddr_i(hist_raddr_i), .rdata_o(hist_rdata_o), .steps_o(hist_steps_o));

    // the readout sees the top layer's spikes (layer 1 when two layers are in use); b_out is
    // added in the cycle after the start (registered: no spike reaches the readout so early)
    reg go_step_q;
    // read-back: select and address of the previous cycle, the readout's W_out and b_out words
    reg  [2:0]        rb_sel_q;
    reg  [RBA-1:0]    rb_addr_q;      // the address bits the muxes need: register, class
    reg  [15:0]       rb_q, rb_reg;
    reg  [NB-1:0]     rb_oh_q;        // the bank of a weight word read back (one-hot; 0: other)
    reg  [BW-1:0]     rb_bank, rb_bank_q;
    wire [7:0]        rb_wout;
    wire [15:0]       rb_bout;
    always @(posedge clk_i)
        go_step_q <= !rst_i && go_step;
    sglif_readout #(.N(N), .N_OUT(N_OUT)) u_readout (
        .clk_i(clk_i), .w_we_i(cfg_we_i && cfg_sel_i == SEL_WOUT),
        .b_we_i(cfg_we_i && cfg_sel_i == SEL_BOUT), .addr_i(cfg_addr_i[NW+CW-1:0]),
        .data_i(cfg_data_i), .c_last_i(cls_last_q), .clear_i(go_clear), .step_i(go_step_q),
        .spike_i(spike_o && f7_layer_q == two), .spike_idx_i(f7_i_q), .scan_i(ro_scan),
        .busy_o(ro_busy), .rd_class_i(ro_class_i),
        .rd_sum_o(ro_sum_o), .pred_o(pred_o), .acc_o(ro_acc_o), .rb_i(!busy_o), .rb_class_i(rb_addr_q[CW-1:0]),
        .rb_w_o(rb_wout), .rb_b_o(rb_bout));

    // ---- configuration read-back: RB_LAT (3) -------------------------------------------------------
    // cycle 1: the RAMs read at cfg_addr_i (weight banks, bias, SG table, event list, W_out:
    // their read address is the configuration address while idle); select and address are
    // registered. Cycle 2: every RAM's word and the register / b_out word of the address are
    // registered (the banks' words in w_q). Cycle 3: the select's word (a weight word: its bank
    // picked from w_q) registered into rb_data_o.
    always @(posedge clk_i) begin
        rb_sel_q  <= cfg_sel_i;
        rb_addr_q <= cfg_addr_i[RBA-1:0];
    end
    always @* begin
        rb_reg = 16'd0;
        case (rb_addr_q[3:0])
            REG_THETA:    rb_reg[REG_THETA_BITS-1:0]    = theta_q;
            REG_K:        rb_reg[REG_K_BITS-1:0]        = k_q;
            REG_SH_IN:    rb_reg[REG_SH_IN_BITS-1:0]    = sh_in0_q;
            REG_SH_REC:   rb_reg[REG_SH_REC_BITS-1:0]   = sh_rec0_q;
            REG_SG_SHIFT: rb_reg[REG_SG_SHIFT_BITS-1:0] = sg_shift_q;
            REG_SG_LOG2:  rb_reg[REG_SG_LOG2_BITS-1:0]  = sg_log2_q;
            REG_RESET:    rb_reg[0]                     = reset_mult_q;
            REG_N_LAST:   rb_reg[NW-1:0]                = n_last0_q;
            REG_C_LAST:   rb_reg[CW-1:0]                = cls_last_q;
            REG_LAYERS:   rb_reg[0]                     = two_q;
            REG_SH_IN1:   rb_reg[REG_SH_IN1_BITS-1:0]   = sh_in1_q;
            REG_SH_REC1:  rb_reg[REG_SH_REC1_BITS-1:0]  = sh_rec1_q;
            REG_N_LAST1:  rb_reg[NW-1:0]                = n_last1_q;
            default: ;
        endcase
    end
    // the weight banks' word: an AND-OR of the banks' registered words (w_q, stage C2's
    // register, which takes the banks' words every cycle) by a one-hot select registered twice
    // with the address, 0 unless select 0: the block RAMs' clock-to-out and the route from 32
    // banks spread over the ECP5-85F left no room for the select mux (63 MHz). rb_data_o =
    // rb_q2 | rb_bank_q (rb_q2 is 0 for select 0).
    integer rb_k;
    reg  [NB-1:0]     rb_oh_q2;
    always @(posedge clk_i) begin
        for (rb_k = 0; rb_k < NB; rb_k = rb_k + 1)
            rb_oh_q[rb_k] <= cfg_sel_i == SEL_W && (NB == 1 || cfg_addr_i[BB0-1:0] == rb_k[BB0-1:0]);
        rb_oh_q2 <= rb_oh_q;
    end
    always @* begin
        rb_bank = {BW{1'b0}};
        for (rb_k = 0; rb_k < NB; rb_k = rb_k + 1)
            rb_bank = rb_bank | (w_q[BW*rb_k +: BW] & {BW{rb_oh_q2[rb_k]}});
    end
    always @(posedge clk_i)
        rb_bank_q <= rb_bank;
    // W_out: the readout's word is from its registered words already (cycle 2), picked in
    // cycle 3, 0 unless select 6
    // the other RAMs' words (bias, SG table, event list) and the register and b_out words are
    // registered each as they come (cycle 2) and the select mux is taken from those registers
    // (cycle 3): on the ECP5-85F the SG table's block RAM into the mux into rb_q was the
    // critical path (67.9 MHz)
    reg [15:0] rb_bias_q, rb_code_q, rb_reg_q, rb_bout_q;
    reg [IW-1:0] rb_ev_q;
    reg [2:0]  rb_sel_q2;
    always @(posedge clk_i) begin
        rb_bias_q <= bias_rd;
        rb_code_q <= code;
        rb_reg_q  <= rb_reg;
        rb_ev_q   <= ev_u;
        rb_bout_q <= rb_bout;
        rb_sel_q2 <= rb_sel_q;
    end
    always @*
        case (rb_sel_q2)
            SEL_BIAS: rb_q = rb_bias_q;
            SEL_SG:   rb_q = rb_code_q;
            SEL_REG:  rb_q = rb_reg_q;
            SEL_EV:   rb_q = {{(16-IW){1'b0}}, rb_ev_q};
            SEL_BOUT: rb_q = rb_bout_q;
            default:  rb_q = 16'd0;
        endcase
    reg [15:0] rb_q2;
    always @(posedge clk_i)
        rb_q2 <= rb_q | (rb_sel_q2 == SEL_WOUT ? {{8{rb_wout[7]}}, rb_wout} : 16'd0);
    assign rb_data_o = rb_q2 | {{(16-BW){1'b0}}, rb_bank_q};

`ifdef SGLIF_TRACE
    assign tr_valid_o = f7_vld_q;
    assign tr_layer_o = f7_layer_q;
    assign tr_idx_o   = f7_i_q;
    assign tr_v_o     = f7_v_q;
    assign tr_z_o     = f7_z_q;
    assign tr_sat_o   = f7_sat_q;
    assign tr_code_o  = code;
`else
    wire unused_ok = &{1'b0, f7_v_q, f7_sat_q};
`endif
endmodule

`default_nettype wire
