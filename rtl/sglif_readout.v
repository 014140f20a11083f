// SPDX-License-Identifier: MIT
// sglif_readout: the readout of docs/numerics.md ("One step, exactly", readout), bit-exact with
// sgl_fixed_forward's logit_sum: per class c an int32 accumulator,
//   acc[c] += b_out[c] + sum over the neurons i that spiked in the step of W_out[i][c],
// summed over the steps of a sample, cleared by clear_i. All classes in parallel: W_out is one
// RAM of 2^NW int8 words per class (read at the spiking neuron's index, the word registered
// before the add: two cycles from spike_i to the add), b_out is a register per class, so a
// spike costs one cycle and no step cycle is added. The adds wrap modulo 2^32 (two's
// complement), which is the twin's int32 sum whenever sgl_fixed_check's bound
// T * (32768 + n * 128) < 2^31 holds. Prediction: argmax over the classes in use
// (0..c_last_i), ties to the lowest index, by a scan started by scan_i once the step's last add
// is done: one class every two cycles through the read port's mux into one compare (2 N_OUT
// + 1 cycles; busy_o is high until pred_o is the step's; the core waits for it before
// done_o). A tree of compares would answer in clog2(N_OUT) cycles but costs N_OUT - 1
// comparators of 32 bits and their registers: the iCE40 UP5K has no room for them.
`default_nettype none

module sglif_readout #(
    parameter integer N     = 64,     // neurons (W_out rows)
    parameter integer N_OUT = 10      // classes (2..1024: one adder and W_out RAM each)
) (
    input  wire                 clk_i,
    // configuration writes: W_out[i][c] at {i, c} (data[7:0]), b_out[c] at c (data[15:0])
    input  wire                 w_we_i,
    input  wire                 b_we_i,
    input  wire [NW+CW-1:0]     addr_i,
    input  wire [15:0]          data_i,
    input  wire [CW-1:0]        c_last_i,     // classes in use - 1
    // accumulation
    input  wire                 clear_i,      // accumulators to 0
    input  wire                 step_i,       // a step starts: add b_out
    input  wire                 spike_i,      // neuron spike_idx_i spiked: add its W_out row
    input  wire [NW-1:0]        spike_idx_i,
    input  wire                 scan_i,       // the step's adds are done: find the argmax
    output wire                 busy_o,       // the argmax scan in flight
    // read port and prediction
    input  wire [CW-1:0]        rd_class_i,
    output wire [31:0]          rd_sum_o,     // acc[rd_class_i], combinational (while idle)
    output wire [CW-1:0]        pred_o,       // argmax, ties to the lowest class
    output wire [32*N_OUT-1:0]  acc_o,        // every accumulator, class c at [32c +: 32]
    // configuration read-back (while the core is idle, rb_i): the W_out RAMs are read at row
    // addr_i[NW+CW-1:CW]; rb_w_o = that row's word of the class of addr_i two cycles before
    // (from the registered words w_q), rb_b_o = b_out[rb_class_i], combinational in
    // rb_class_i (0 beyond N_OUT)
    input  wire                 rb_i,
    input  wire [CW-1:0]        rb_class_i,
    output reg  [7:0]           rb_w_o,
    output reg  [15:0]          rb_b_o
);
    localparam integer NW = N     > 1 ? $clog2(N)     : 1;
    localparam integer CW = N_OUT > 1 ? $clog2(N_OUT) : 1;

    wire [32*N_OUT-1:0] acc;          // the accumulators, class c at [32c +: 32]
    wire [8*N_OUT-1:0]  w_rd;         // W_out[spike_idx][c] for every c, one cycle later
    wire [8*N_OUT-1:0]  w_all;        // the same registered (each class's w_q)
    wire [16*N_OUT-1:0] b_all;        // b_out, class c at [16c +: 16]
    wire [NW-1:0]       w_raddr = rb_i ? addr_i[NW+CW-1:CW] : spike_idx_i;
    reg                 spk_q, spk_q2; // the row being read / registered belongs to a spike

    always @(posedge clk_i) begin
        spk_q  <= spike_i && !clear_i;
        spk_q2 <= spk_q && !clear_i;
    end

    genvar c;
    generate
        for (c = 0; c < N_OUT; c = c + 1) begin : g_class
            reg [31:0] acc_q;
            reg [15:0] b_out_q;
            wire       sel = addr_i[CW-1:0] == c[CW-1:0];
            sglif_ram #(.DW(8), .AW(NW)) u_w_out (
                .clk_i(clk_i), .we_i(w_we_i && sel), .waddr_i(addr_i[NW+CW-1:CW]),
                .wdata_i(data_i[7:0]), .raddr_i(w_raddr), .rdata_o(w_rd[8*c +: 8]));

            // the W_out word registered: on the ECP5 a block RAM's clock-to-out left no room
            // for the add (71 MHz). One adder: a step starts only while the core is idle,
            // after the last spike's add (docs/rtl.md), so step_i and spk_q2 are never high
            // together
            reg  [7:0]  w_q;
            wire [31:0] addend = step_i ? {{16{b_out_q[15]}}, b_out_q} : {{24{w_q[7]}}, w_q};
            always @(posedge clk_i) begin
                w_q <= w_rd[8*c +: 8];
                if (b_we_i && sel)
                    b_out_q <= data_i;
                if (clear_i)
                    acc_q <= 32'd0;
                else if (step_i || spk_q2)
                    acc_q <= acc_q + addend;
            end
            assign acc[32*c +: 32] = acc_q;
            assign w_all[8*c +: 8]  = w_q;
            assign b_all[16*c +: 16] = b_out_q;
        end
    endgenerate

    // read port, shared with the argmax scan (the host reads while the core is idle)
    reg            sc_act_q;      // scanning: class sc_c_q is read
    reg [CW-1:0]   sc_c_q;
    wire [CW-1:0]  rd_c = sc_act_q ? sc_c_q : rd_class_i;
    integer k;
    reg [31:0] sum;
    always @* begin
        sum = 32'd0;
        for (k = 0; k < N_OUT; k = k + 1)
            if (k[CW-1:0] == rd_c)
                sum = acc[32*k +: 32];
    end
    assign rd_sum_o = sum;

    // argmax scan, two cycles a class: its sum registered (sv_q), then compared with the best
    // so far (gt_q: the first class, or a later one in use and strictly greater, so ties keep
    // the lowest index), then taken. The compare has a cycle of its own: on the UP5K a 32-bit
    // compare into the enables of the 35 best/pred registers was the critical path. Cleared
    // to class 0 (the argmax of zeros) with the accumulators.
    localparam integer  N_LAST = N_OUT - 1;
    localparam [CW-1:0] C_END  = N_LAST[CW-1:0];
    reg          sc_ph_q;         // 0: class sc_c_q's sum is read, 1: it is compared
    reg [31:0]   sv_q, best_q;
    reg [CW-1:0] sv_c_q, pred_q;
    reg          gt_q, gt_vld_q;
    always @(posedge clk_i) begin
        if (clear_i) begin
            sc_act_q <= 1'b0;
            gt_vld_q <= 1'b0;
            pred_q   <= {CW{1'b0}};
            best_q   <= 32'd0;
        end else begin
            if (scan_i) begin
                sc_act_q <= 1'b1;
                sc_ph_q  <= 1'b0;
                sc_c_q   <= {CW{1'b0}};
            end else if (sc_act_q) begin
                sc_ph_q <= !sc_ph_q;
                if (sc_ph_q) begin
                    sc_c_q <= sc_c_q + 1'b1;
                    if (sc_c_q == C_END)
                        sc_act_q <= 1'b0;
                end
            end
            if (sc_act_q && !sc_ph_q) begin
                sv_q   <= sum;
                sv_c_q <= sc_c_q;
            end
            gt_vld_q <= sc_act_q && sc_ph_q;
            gt_q     <= sv_c_q == {CW{1'b0}} ||
                        (sv_c_q <= c_last_i && $signed(sv_q) > $signed(best_q));
            if (gt_vld_q && gt_q) begin      // (sv_q is loaded with the next class's sum
                best_q <= sv_q;              // in this same cycle: the old one is taken)
                pred_q <= sv_c_q;
            end
        end
    end
    assign pred_o = pred_q;
    // (a spike's add may be under way when scan_i comes: sv_q takes class 0's sum a cycle
    // after the add; the core's pipeline covers the spike's first readout cycle, spk_q)
    assign busy_o = sc_act_q || gt_vld_q;

    // read-back port
    // read-back: W_out by an AND-OR of the registered words (w_q, the add's) over a one-hot of
    // the class registered twice with the RAMs' address: on the ECP5-85F the RAMs'
    // clock-to-out and the route of 20 block RAMs into the mux were the critical path (69.5 MHz)
    reg [N_OUT-1:0] rb_oh_q, rb_oh_q2;
    integer r;
    always @(posedge clk_i) begin
        for (r = 0; r < N_OUT; r = r + 1)
            rb_oh_q[r] <= addr_i[CW-1:0] == r[CW-1:0];
        rb_oh_q2 <= rb_oh_q;
    end
    always @* begin
        rb_w_o = 8'd0;
        rb_b_o = 16'd0;
        for (r = 0; r < N_OUT; r = r + 1) begin
            rb_w_o = rb_w_o | (w_all[8*r +: 8] & {8{rb_oh_q2[r]}});
            if (r[CW-1:0] == rb_class_i)
                rb_b_o = b_all[16*r +: 16];
        end
    end

    assign acc_o = acc;
endmodule

`default_nettype wire
