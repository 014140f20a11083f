// SPDX-License-Identifier: MIT
// sglif_fmax_top: a measurement top for place and route (make pnr, sim/synth.mk), not a board
// top. The core has far more ports than a UP5K package has pins, so every input of the core
// comes from a 160-bit shift register fed by one pin and every output is registered and XOR-reduced into one
// registered pin: nothing is optimized away and every path of the core stays a path between
// flip-flops, RAMs and SPRAMs, which is what nextpnr's Fmax then measures. Wider slices than a
// port are truncated by the port (the parameters change the port widths).
`default_nettype none

module sglif_fmax_top #(
    parameter integer N = 256, N_IN = 256, EV_AW = 8, SG_AW = 8, ACC_W = 32, N_OUT = 7,
    parameter integer HIST_STEPS = 16, P = 8, L = 1,
    parameter SG_INIT = ""
) (
    input  wire clk_i,
    input  wire din_i,
    output reg  dout_o
);
    reg [159:0] sr_q;
    always @(posedge clk_i)
        sr_q <= {sr_q[158:0], din_i};
    wire        busy, done, spike, spike_layer;
    wire [31:0] spike_idx, ro_sum, pred, hist_rdata, hist_steps, rb_data;
    sglif_lif_core #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .ACC_W(ACC_W),
                     .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P), .L(L),
                     .SG_INIT(SG_INIT)) u_core (
        .clk_i(clk_i), .rst_i(sr_q[0]), .cfg_we_i(sr_q[1]), .cfg_sel_i(sr_q[4:2]),
        .cfg_addr_i(sr_q[40:5]), .cfg_data_i(sr_q[56:41]), .clear_i(sr_q[57]),
        .hist_clear_i(sr_q[131]),
        .start_i(sr_q[58]), .argmax_i(1'b1), .n_ev_i(sr_q[78:59]), .busy_o(busy), .done_o(done),
        .spike_o(spike), .spike_layer_o(spike_layer), .spike_idx_o(spike_idx),
        .ro_class_i(sr_q[90:79]), .ro_sum_o(ro_sum), .ro_acc_o(), .pred_o(pred),
        .hist_raddr_i(sr_q[130:91]), .hist_rdata_o(hist_rdata), .hist_steps_o(hist_steps),
        .rb_data_o(rb_data));
    // the outputs are registered before the XOR: a consumer registers them too (the
    // history's and the readout's read ports are combinational after their RAMs / registers),
    // so a path ends at the core's boundary plus one register, not inside an XOR tree that no
    // board top has
    reg [31:0] spike_idx_q, ro_sum_q, pred_q, hist_rdata_q, hist_steps_q, rb_data_q;
    reg [3:0]  bits_q;
    always @(posedge clk_i) begin
        bits_q       <= {busy, done, spike, spike_layer};
        spike_idx_q  <= spike_idx;
        ro_sum_q     <= ro_sum;
        pred_q       <= pred;
        hist_rdata_q <= hist_rdata;
        hist_steps_q <= hist_steps;
        rb_data_q    <= rb_data;
        dout_o <= ^{bits_q, spike_idx_q, ro_sum_q, pred_q, hist_rdata_q, hist_steps_q, rb_data_q};
    end
endmodule

`default_nettype wire
