// SPDX-License-Identifier: MIT
// sglif_readout: the readout of docs/numerics.md ("One step, exactly", readout), bit-exact with
// sgl_fixed_forward's logit_sum: per class c an int32 accumulator,
//   acc[c] += b_out[c] + sum over the neurons i that spiked in the step of W_out[i][c],
// summed over the steps of a sample, cleared by clear_i. All classes in parallel: W_out is one
// RAM of 2^NW int8 words per class (read at the spiking neuron's index), b_out is a register
// per class, so a spike costs one cycle and no step cycle is added. The adds wrap modulo 2^32
// (two's complement), which is the twin's int32 sum whenever sgl_fixed_check's bound
// T * (32768 + n * 128) < 2^31 holds. Prediction: argmax over the classes in use (0..c_last_i),
// ties to the lowest index, by a registered tournament tree (one compare per level, clog2(N_OUT)
// levels: pred_o follows the accumulators clog2(N_OUT) cycles later; the core waits for it
// before done_o).
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
    // read port and prediction
    input  wire [CW-1:0]        rd_class_i,
    output wire [31:0]          rd_sum_o,     // acc[rd_class_i], combinational
    output wire [CW-1:0]        pred_o,       // argmax, ties to the lowest class
    // configuration read-back (while the core is idle, rb_i): the W_out RAMs are read at row
    // addr_i[NW+CW-1:CW]; rb_w_o = that row's word of class rb_class_i (one cycle after the
    // address), rb_b_o = b_out[rb_class_i]; both combinational in rb_class_i (0 beyond N_OUT)
    input  wire                 rb_i,
    input  wire [CW-1:0]        rb_class_i,
    output reg  [7:0]           rb_w_o,
    output reg  [15:0]          rb_b_o
);
    localparam integer NW = N     > 1 ? $clog2(N)     : 1;
    localparam integer CW = N_OUT > 1 ? $clog2(N_OUT) : 1;

    wire [32*N_OUT-1:0] acc;          // the accumulators, class c at [32c +: 32]
    wire [8*N_OUT-1:0]  w_rd;         // W_out[spike_idx][c] for every c, one cycle later
    wire [16*N_OUT-1:0] b_all;        // b_out, class c at [16c +: 16]
    wire [NW-1:0]       w_raddr = rb_i ? addr_i[NW+CW-1:CW] : spike_idx_i;
    reg                 spk_q;        // the row being read belongs to a spike

    always @(posedge clk_i)
        spk_q <= spike_i && !clear_i;

    genvar c;
    generate
        for (c = 0; c < N_OUT; c = c + 1) begin : g_class
            reg [31:0] acc_q;
            reg [15:0] b_out_q;
            wire       sel = addr_i[CW-1:0] == c[CW-1:0];
            sglif_ram #(.DW(8), .AW(NW)) u_w_out (
                .clk_i(clk_i), .we_i(w_we_i && sel), .waddr_i(addr_i[NW+CW-1:CW]),
                .wdata_i(data_i[7:0]), .raddr_i(w_raddr), .rdata_o(w_rd[8*c +: 8]));

            // one adder: a step starts only while the core is idle, after the last spike's
            // add (docs/rtl.md), so step_i and spk_q are never high together
            wire [31:0] addend = step_i ? {{16{b_out_q[15]}}, b_out_q}
                                        : {{24{w_rd[8*c+7]}}, w_rd[8*c +: 8]};
            always @(posedge clk_i) begin
                if (b_we_i && sel)
                    b_out_q <= data_i;
                if (clear_i)
                    acc_q <= 32'd0;
                else if (step_i || spk_q)
                    acc_q <= acc_q + addend;
            end
            assign acc[32*c +: 32] = acc_q;
            assign b_all[16*c +: 16] = b_out_q;
        end
    endgenerate

    // read port
    integer k;
    reg [31:0] sum;
    always @* begin
        sum = 32'd0;
        for (k = 0; k < N_OUT; k = k + 1)
            if (k[CW-1:0] == rd_class_i)
                sum = acc[32*k +: 32];
    end
    assign rd_sum_o = sum;

    // read-back port
    // read-back: W_out by an AND-OR over a one-hot of the class registered with the RAMs'
    // address (addr_i, the cycle before rb_class_i): the RAMs' clock-to-out leaves no room for
    // a decoded mux
    reg [N_OUT-1:0] rb_oh_q;
    integer r;
    always @(posedge clk_i)
        for (r = 0; r < N_OUT; r = r + 1)
            rb_oh_q[r] <= addr_i[CW-1:0] == r[CW-1:0];
    always @* begin
        rb_w_o = 8'd0;
        rb_b_o = 16'd0;
        for (r = 0; r < N_OUT; r = r + 1) begin
            rb_w_o = rb_w_o | (w_rd[8*r +: 8] & {8{rb_oh_q[r]}});
            if (r[CW-1:0] == rb_class_i)
                rb_b_o = b_all[16*r +: 16];
        end
    end

    // argmax over classes 0..c_last_i: a heap of NP = 2^CW leaves (class c at node NP + c,
    // node j at index j - 1 of the t_* vectors), internal node j registered from its children
    // 2j and 2j + 1; the right child wins only if valid and strictly greater, so ties keep the
    // lowest index
    localparam integer NP = 1 << CW;
    localparam integer NT = 2 * NP - 1;
    wire [32*NT-1:0] t_val;
    wire [CW*NT-1:0] t_idx;
    wire [NT-1:0]    t_vld;
    genvar j;
    generate
        for (j = 1; j < NP; j = j + 1) begin : g_node
            reg  [31:0]   val_q;
            reg  [CW-1:0] idx_q;
            reg           vld_q;
            wire [31:0]   va = t_val[32*(2*j-1) +: 32];
            wire [31:0]   vb = t_val[32*(2*j) +: 32];
            wire          pick_b = t_vld[2*j] && (!t_vld[2*j-1] || $signed(vb) > $signed(va));
            always @(posedge clk_i) begin
                val_q <= pick_b ? vb : va;
                idx_q <= pick_b ? t_idx[CW*(2*j) +: CW] : t_idx[CW*(2*j-1) +: CW];
                vld_q <= t_vld[2*j] || t_vld[2*j-1];
            end
            assign t_val[32*(j-1) +: 32] = val_q;
            assign t_idx[CW*(j-1) +: CW] = idx_q;
            assign t_vld[j-1]            = vld_q;
        end
        for (j = NP; j < 2 * NP; j = j + 1) begin : g_leaf
            localparam integer  CI  = j - NP;
            localparam [CW-1:0] CLS = CI[CW-1:0];
            if (j == NP) begin : g_class0      // class 0 is always in use
                assign t_val[32*(j-1) +: 32] = acc[31:0];
                assign t_idx[CW*(j-1) +: CW] = CLS;
                assign t_vld[j-1]            = 1'b1;
            end else if (j - NP < N_OUT) begin : g_class
                assign t_val[32*(j-1) +: 32] = acc[32*(j-NP) +: 32];
                assign t_idx[CW*(j-1) +: CW] = CLS;
                assign t_vld[j-1]            = CLS <= c_last_i;
            end else begin : g_pad
                assign t_val[32*(j-1) +: 32] = 32'd0;
                assign t_idx[CW*(j-1) +: CW] = {CW{1'b0}};
                assign t_vld[j-1]            = 1'b0;
            end
        end
    endgenerate
    assign pred_o = t_idx[CW-1:0];
    wire unused_root = &{1'b0, t_val[31:0], t_vld[0]};
endmodule

`default_nettype wire
