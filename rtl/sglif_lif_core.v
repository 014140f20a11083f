// SPDX-License-Identifier: MIT
// sglif_lif_core: one recurrent layer of N LIF neurons, inference, bit-exact with the integer
// twin sgl_fixed_forward (sw/fixed.c, docs/numerics.md). One lane: the neurons are updated one
// after another by a four-stage pipeline, state in RAM (docs/rtl.md):
//   A  op generator: for neuron i, one op per active input event of the step (IN), one per
//      neuron that spiked in the previous step (REC), then FIN; reads the event / spike list
//   B  weight address {u, i} or {j, i}; reads W_in, W_rec, bias, membrane and previous spike
//   C  current accumulation (bias on the first op); on FIN: decay, reset, add, saturate,
//      compare (sglif_lif_update), write membrane and spike, append to the next spike list
//   D  SG code read (sglif_sg_table); spike and trace outputs, history write
//      (sglif_history: {z, code} at {step, neuron}), W_out row read (sglif_readout)
//   E  readout: every class accumulator adds the spiking neuron's W_out (all in parallel)
// A step costs n * (E + S + 1) + 5 cycles (n neurons in use, E events of the step, S spikes of
// the previous step); the readout adds none. Configuration is written only while idle
// (busy_o low).
`default_nettype none

module sglif_lif_core #(
    parameter integer N      = 64,    // neurons (2..65536)
    parameter integer N_IN   = 32,    // input channels (2..65536)
    parameter integer EV_AW  = 8,     // event list holds up to 2^EV_AW events per step
    parameter integer SG_AW  = 8,     // SG table of up to 2^SG_AW entries
    parameter integer ACC_W  = 32,    // current accumulator width (the twin: int32)
    parameter integer N_OUT  = 10,    // readout classes (2..1024)
    parameter integer HIST_STEPS = 64, // steps recorded by the history per sample
    parameter SG_INIT = ""            // SG table initial contents ($readmemh file)
) (
    input  wire                 clk_i,
    input  wire                 rst_i,        // synchronous, control state only
    // configuration write port (only while idle); cfg_sel_i selects the memory:
    //   0 W_in {u, i}, data[7:0]   1 W_rec {j, i}, data[7:0]   2 bias i, data[15:0]
    //   3 SG table entry, data[15:0]   4 register (addr: 0 theta, 1 k, 2 sh_in, 3 sh_rec,
    //   4 SG shift s, 5 log2 SG entries, 6 reset mode 0 sub / 1 mult, 7 neurons in use - 1,
    //   8 classes in use - 1)   5 event list entry e, data u   6 W_out {i, c}, data[7:0]
    //   7 b_out c, data[15:0]
    input  wire                 cfg_we_i,
    input  wire [2:0]           cfg_sel_i,
    input  wire [CFG_AW-1:0]    cfg_addr_i,
    input  wire [15:0]          cfg_data_i,
    // commands (while idle): clear membranes and spikes (a new sample); run one step over the
    // first n_ev_i entries of the event list
    input  wire                 clear_i,
    input  wire                 start_i,
    input  wire [EV_AW:0]       n_ev_i,
    output wire                 busy_o,
    output reg                  done_o,       // one-cycle pulse: step or clear finished
    // spikes of the step, in neuron order (for the readout in the host)
    output wire                 spike_o,
    output wire [NW-1:0]        spike_idx_o,
    // readout (sglif_readout): the sum of a class (combinational), the prediction (argmax
    // over the classes in use, ties to the lowest); final when done_o pulses after a step
    input  wire [CW-1:0]        ro_class_i,
    output wire [31:0]          ro_sum_o,
    output wire [CW-1:0]        pred_o,
    // history (sglif_history): {z, code} of neuron i at step t, address {t, i}, one cycle
    // after the address; steps recorded since the clear (at most HIST_STEPS)
    input  wire [HW+NW-1:0]     hist_raddr_i,
    output wire [16:0]          hist_rdata_o,
    output wire [HW:0]          hist_steps_o
`ifdef SGLIF_TRACE
    ,
    // every neuron update: index, membrane, spike, saturation, SG code
    output wire                 tr_valid_o,
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
    localparam integer EC  = EV_AW > NW ? EV_AW : NW;          // list counter width
    localparam integer A0  = IW + NW > 2 * NW ? IW + NW : 2 * NW;
    localparam integer A1  = SG_AW > EV_AW ? SG_AW : EV_AW;
    localparam integer A2  = A0 > A1 ? A0 : A1;
    localparam integer A3  = A2 > NW + CW ? A2 : NW + CW;
    localparam integer CFG_AW = A3 > 4 ? A3 : 4;
    localparam integer N_LAST = N - 1;
    localparam integer C_LAST = N_OUT - 1;

    localparam [1:0] ST_IDLE = 2'd0, ST_CLEAR = 2'd1, ST_RUN = 2'd2, ST_DRAIN = 2'd3;
    localparam [1:0] PH_IN = 2'd0, PH_REC = 2'd1, PH_FIN = 2'd2;

    // ---- configuration registers (control: reset to sgl_fixed_alloc's defaults) ----------
    reg [14:0] theta_q;
    reg [3:0]  k_q, sh_in_q, sh_rec_q, sg_shift_q;
    reg [4:0]  sg_log2_q;
    reg        reset_mult_q;
    reg [NW-1:0] n_last_q;            // neurons in use - 1 (run-time size, <= N - 1)
    reg [CW-1:0] c_last_q;            // classes in use - 1 (<= N_OUT - 1)
    wire       cfg_reg_we = cfg_we_i && cfg_sel_i == 3'd4;

    always @(posedge clk_i) begin
        if (rst_i) begin
            theta_q      <= 15'd8192;
            k_q          <= 4'd4;
            sh_in_q      <= 4'd0;
            sh_rec_q     <= 4'd0;
            sg_shift_q   <= 4'd0;
            sg_log2_q    <= SG_AW[4:0];
            reset_mult_q <= 1'b0;
            n_last_q     <= N_LAST[NW-1:0];
            c_last_q     <= C_LAST[CW-1:0];
        end else if (cfg_reg_we) begin
            case (cfg_addr_i[3:0])
                4'd0: theta_q      <= cfg_data_i[14:0];
                4'd1: k_q          <= cfg_data_i[3:0];
                4'd2: sh_in_q      <= cfg_data_i[3:0];
                4'd3: sh_rec_q     <= cfg_data_i[3:0];
                4'd4: sg_shift_q   <= cfg_data_i[3:0];
                4'd5: sg_log2_q    <= cfg_data_i[4:0];
                4'd6: reset_mult_q <= cfg_data_i[0];
                4'd7: n_last_q     <= cfg_data_i[NW-1:0];
                4'd8: c_last_q     <= cfg_data_i[CW-1:0];
                default: ;
            endcase
        end
    end

    // ---- stage A: controller and op generator -------------------------------------------
    reg [1:0]    state_q, ph_q;
    reg [NW-1:0] i_q;
    reg [EC-1:0] e_q;
    reg          first_q, bank_q;
    reg [EV_AW:0] n_ev_q;
    reg [NW:0]   n_prev_q, n_next_q;
    reg          b_vld_q, c_vld_q, d_vld_q;

    wire          a_vld    = state_q == ST_RUN;
    wire [EC:0]   e_ext    = {1'b0, e_q};
    wire          last_ev  = e_ext == {{(EC-EV_AW){1'b0}}, n_ev_q} - 1'b1;
    wire          last_rec = e_ext == {{(EC-NW){1'b0}}, n_prev_q} - 1'b1;
    wire          last_i   = i_q == n_last_q;
    wire [1:0]    ph_first = n_ev_q != 0 ? PH_IN : (n_prev_q != 0 ? PH_REC : PH_FIN);
    wire          go_clear = state_q == ST_IDLE && clear_i;
    wire          go_step  = state_q == ST_IDLE && !clear_i && start_i;
    wire          step_fin = state_q == ST_DRAIN && !b_vld_q && !c_vld_q && !d_vld_q;

    always @(posedge clk_i) begin
        done_o <= 1'b0;
        if (rst_i) begin
            state_q  <= ST_IDLE;
            ph_q     <= PH_FIN;
            i_q      <= {NW{1'b0}};
            e_q      <= {EC{1'b0}};
            first_q  <= 1'b1;
            bank_q   <= 1'b0;
            n_ev_q   <= {(EV_AW+1){1'b0}};
            n_prev_q <= {(NW+1){1'b0}};
            n_next_q <= {(NW+1){1'b0}};
        end else begin
            if (c_vld_q && c_kind_q == PH_FIN && z_new)
                n_next_q <= n_next_q + 1'b1;
            case (state_q)
                ST_IDLE:
                    if (clear_i) begin
                        state_q <= ST_CLEAR;
                        i_q     <= {NW{1'b0}};
                    end else if (start_i) begin
                        state_q <= ST_RUN;
                        n_ev_q  <= n_ev_i;
                        i_q     <= {NW{1'b0}};
                        e_q     <= {EC{1'b0}};
                        first_q <= 1'b1;
                        ph_q    <= n_ev_i != 0 ? PH_IN : (n_prev_q != 0 ? PH_REC : PH_FIN);
                    end
                ST_CLEAR: begin
                    i_q <= i_q + 1'b1;
                    if (last_i) begin
                        state_q  <= ST_IDLE;
                        n_prev_q <= {(NW+1){1'b0}};
                        n_next_q <= {(NW+1){1'b0}};
                        done_o   <= 1'b1;
                    end
                end
                ST_RUN: begin
                    first_q <= ph_q == PH_FIN;
                    case (ph_q)
                        PH_IN:
                            if (last_ev) begin
                                e_q  <= {EC{1'b0}};
                                ph_q <= n_prev_q != 0 ? PH_REC : PH_FIN;
                            end else
                                e_q <= e_q + 1'b1;
                        PH_REC:
                            if (last_rec) begin
                                e_q  <= {EC{1'b0}};
                                ph_q <= PH_FIN;
                            end else
                                e_q <= e_q + 1'b1;
                        default: begin
                            e_q  <= {EC{1'b0}};
                            ph_q <= ph_first;
                            if (last_i)
                                state_q <= ST_DRAIN;
                            else
                                i_q <= i_q + 1'b1;
                        end
                    endcase
                end
                default: // ST_DRAIN: wait for the last update to leave the pipeline
                    if (!b_vld_q && !c_vld_q && !d_vld_q) begin
                        state_q  <= ST_IDLE;
                        bank_q   <= ~bank_q;
                        n_prev_q <= n_next_q;
                        n_next_q <= {(NW+1){1'b0}};
                        done_o   <= 1'b1;
                    end
            endcase
        end
    end

    assign busy_o = state_q != ST_IDLE;

    // event list (written by the host) and spike lists (two banks: previous / next step)
    wire [IW-1:0] ev_u;
    wire [NW-1:0] spk_j;
    sglif_ram #(.DW(IW), .AW(EV_AW)) u_ev_list (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == 3'd5), .waddr_i(cfg_addr_i[EV_AW-1:0]),
        .wdata_i(cfg_data_i[IW-1:0]), .raddr_i(e_q[EV_AW-1:0]), .rdata_o(ev_u));

    // ---- stage B: weight and state reads ---------------------------------------------------
    reg [1:0]    b_kind_q;
    reg          b_first_q;
    reg [NW-1:0] b_i_q;
    always @(posedge clk_i) begin
        if (rst_i)
            b_vld_q <= 1'b0;
        else
            b_vld_q <= a_vld;
        b_kind_q  <= ph_q;
        b_first_q <= first_q;
        b_i_q     <= i_q;
    end

    wire [7:0]  w_in_rd, w_rec_rd;
    wire [15:0] bias_rd, v_rd;
    wire        z_rd;
    sglif_ram #(.DW(8), .AW(IW + NW)) u_w_in (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == 3'd0), .waddr_i(cfg_addr_i[IW+NW-1:0]),
        .wdata_i(cfg_data_i[7:0]), .raddr_i({ev_u, b_i_q}), .rdata_o(w_in_rd));
    sglif_ram #(.DW(8), .AW(2 * NW)) u_w_rec (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == 3'd1), .waddr_i(cfg_addr_i[2*NW-1:0]),
        .wdata_i(cfg_data_i[7:0]), .raddr_i({spk_j, b_i_q}), .rdata_o(w_rec_rd));
    sglif_ram #(.DW(16), .AW(NW)) u_bias (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == 3'd2), .waddr_i(cfg_addr_i[NW-1:0]),
        .wdata_i(cfg_data_i), .raddr_i(b_i_q), .rdata_o(bias_rd));

    // ---- stage C: accumulate; on FIN the neuron update --------------------------------------
    reg [1:0]    c_kind_q;
    reg          c_first_q;
    reg [NW-1:0] c_i_q;
    reg signed [ACC_W-1:0] acc_q;
    always @(posedge clk_i) begin
        if (rst_i)
            c_vld_q <= 1'b0;
        else
            c_vld_q <= b_vld_q;
        c_kind_q  <= b_kind_q;
        c_first_q <= b_first_q;
        c_i_q     <= b_i_q;
    end

    wire signed [ACC_W-1:0] bias_x  = {{(ACC_W-16){bias_rd[15]}}, bias_rd};
    wire signed [ACC_W-1:0] w_in_x  = {{(ACC_W-8){w_in_rd[7]}}, w_in_rd};
    wire signed [ACC_W-1:0] w_rec_x = {{(ACC_W-8){w_rec_rd[7]}}, w_rec_rd};
    wire signed [ACC_W-1:0] base    = c_first_q ? bias_x : acc_q;
    wire signed [ACC_W-1:0] addend  = c_kind_q == PH_IN  ? w_in_x <<< sh_in_q :
                                      c_kind_q == PH_REC ? w_rec_x <<< sh_rec_q :
                                      {ACC_W{1'b0}};
    always @(posedge clk_i)
        if (c_vld_q)
            acc_q <= base + addend;

    wire signed [15:0] v_new;
    wire               z_new, sat_new;
    sglif_lif_update #(.ACC_W(ACC_W)) u_update (
        .v_i(v_rd), .z_i(z_rd), .cur_i(base), .theta_i(theta_q), .k_i(k_q),
        .reset_mult_i(reset_mult_q), .v_o(v_new), .z_o(z_new), .sat_o(sat_new));

    wire          upd     = c_vld_q && c_kind_q == PH_FIN;
    wire          clr     = state_q == ST_CLEAR;
    wire [NW-1:0] st_addr = clr ? i_q : c_i_q;
    sglif_ram #(.DW(16), .AW(NW)) u_v (
        .clk_i(clk_i), .we_i(upd || clr), .waddr_i(st_addr), .wdata_i(clr ? 16'd0 : v_new),
        .raddr_i(b_i_q), .rdata_o(v_rd));
    sglif_ram #(.DW(1), .AW(NW)) u_z (
        .clk_i(clk_i), .we_i(upd || clr), .waddr_i(st_addr), .wdata_i(!clr && z_new),
        .raddr_i(b_i_q), .rdata_o(z_rd));
    sglif_ram #(.DW(NW), .AW(NW + 1)) u_spk_list (
        .clk_i(clk_i), .we_i(upd && z_new), .waddr_i({~bank_q, n_next_q[NW-1:0]}),
        .wdata_i(c_i_q), .raddr_i({bank_q, e_q[NW-1:0]}), .rdata_o(spk_j));

    // SG lookup of x = v - theta
    wire signed [17:0] x_sg = {{2{v_new[15]}}, v_new} - {3'b000, theta_q};
    wire [15:0]        code;
    sglif_sg_table #(.AW(SG_AW), .INIT_FILE(SG_INIT)) u_sg (
        .clk_i(clk_i), .we_i(cfg_we_i && cfg_sel_i == 3'd3), .waddr_i(cfg_addr_i[SG_AW-1:0]),
        .wdata_i(cfg_data_i), .x_i(x_sg), .shift_i(sg_shift_q), .log2n_i(sg_log2_q),
        .code_o(code));

    // ---- stage D: outputs ---------------------------------------------------------------------
    reg [NW-1:0] d_i_q;
    reg [15:0]   d_v_q;
    reg          d_z_q, d_sat_q;
    always @(posedge clk_i) begin
        if (rst_i)
            d_vld_q <= 1'b0;
        else
            d_vld_q <= upd;
        d_i_q   <= c_i_q;
        d_v_q   <= v_new;
        d_z_q   <= z_new;
        d_sat_q <= sat_new;
    end

    assign spike_o     = d_vld_q && d_z_q;
    assign spike_idx_o = d_i_q;

    // ---- history and readout -----------------------------------------------------------------
    sglif_history #(.N(N), .HIST_STEPS(HIST_STEPS)) u_hist (
        .clk_i(clk_i), .rst_i(rst_i), .clear_i(go_clear), .step_done_i(step_fin),
        .we_i(d_vld_q), .idx_i(d_i_q), .z_i(d_z_q), .code_i(code), .raddr_i(hist_raddr_i),
        .rdata_o(hist_rdata_o), .steps_o(hist_steps_o));

    sglif_readout #(.N(N), .N_OUT(N_OUT)) u_readout (
        .clk_i(clk_i), .w_we_i(cfg_we_i && cfg_sel_i == 3'd6),
        .b_we_i(cfg_we_i && cfg_sel_i == 3'd7), .addr_i(cfg_addr_i[NW+CW-1:0]),
        .data_i(cfg_data_i), .c_last_i(c_last_q), .clear_i(go_clear), .step_i(go_step),
        .spike_i(spike_o), .spike_idx_i(d_i_q), .rd_class_i(ro_class_i), .rd_sum_o(ro_sum_o),
        .pred_o(pred_o));

`ifdef SGLIF_TRACE
    assign tr_valid_o = d_vld_q;
    assign tr_idx_o   = d_i_q;
    assign tr_v_o     = d_v_q;
    assign tr_z_o     = d_z_q;
    assign tr_sat_o   = d_sat_q;
    assign tr_code_o  = code;
`else
    wire unused_ok = &{1'b0, d_v_q, d_sat_q};
`endif
endmodule

`default_nettype wire
