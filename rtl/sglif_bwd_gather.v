// SPDX-License-Identifier: MIT
// sglif_bwd_gather: the training engine's gather (docs/rtl.md, "Training engine"):
// the dot product of one weight row with a gv row, rounded, as the twin's backward computes the
// gradient through the recurrent rows (and, with two layers, through layer 1's W_in):
//   y = rnd(sum_j W[i][j] gv[j], s)      rnd(x, s) = floor((x + 2^(s-1)) / 2^s) for s > 0,
//                                        0 for s > 62, clamp(x 2^-s, +-2^62) for s <= 0
// (sgl_fixed_rshift_round of sw/fixed_train.c over the exact int64 sum). The row comes as G
// beats of P lanes: lane k of a beat holds W[i][gP + k] (int8, the bank word's lane) and
// gv[gP + k] (signed G_W bits, the gv bank of lane k); first_i marks the row's first beat, last_i its
// last (a one-beat row has both), s_i is taken with the last beat. Lanes beyond the neurons
// in use must carry 0 (the banks hold 0 there). One beat a cycle, no stall: the beat is
// registered as it comes (w_i may be a block RAM's output: its clock-to-out and the
// multipliers do not fit one cycle at 75 MHz), the P products are registered, an adder tree
// of log2(P) registered levels sums them, each node exactly as wide as its sum can be (a
// product int8 x int(G_W) fits 8 + G_W bits, since |W g| <= 2^7 2^(G_W-1); level lv, a sum of
// 2^lv of them, 8 + G_W + lv), an accumulator sums the beats, the rounding takes
// two registered stages: y_o LAT = log2(P) + GATHER_LAT (rtl/core_map.csv) = log2(P) + 5
// cycles after the last beat.
// `define SGLIF_FAULT_GATHER_ROUND (the rounding's half dropped: floor) and
// SGLIF_FAULT_GATHER_WIDTH (every tree node a bit narrower) for the self-tests.
`default_nettype none

module sglif_bwd_gather #(
    parameter integer P     = 4,       // lanes: 1, 2, 4, ..., 64
    parameter integer TAG_W = 8,       // width of tag_i (the row index)
    parameter integer G_W   = 32       // g_i's lanes: signed G_W bits (2 .. 32; the walk: the
                                       // recurrent gather GV_W, the W_out gather E_W)
) (
    input  wire                    clk_i,
    input  wire                    rst_i,     // synchronous, the valid bits only
    input  wire                    valid_i,
    input  wire                    first_i,
    input  wire                    last_i,
    input  wire [TAG_W-1:0]        tag_i,     // taken with the last beat
    input  wire signed [6:0]       s_i,       // the rounding shift, -64 .. 63; taken with the last beat
    input  wire [8*P-1:0]          w_i,       // lane k: int8 at [8k +: 8]
    input  wire [G_W*P-1:0]        g_i,       // lane k: signed G_W bits at [G_W k +: G_W]
    output reg                     valid_o,
    output reg  [TAG_W-1:0]        tag_o,
    output reg  signed [63:0]      y_o
);
    localparam integer LV = P > 1 ? $clog2(P) : 0;   // adder tree levels
`ifdef SGLIF_FAULT_GATHER_WIDTH
    localparam integer LW = 7 + G_W;                  // (the self-test: every node a bit short)
`else
    localparam integer LW = 8 + G_W;                  // a product: |W g| <= 2^7 2^(G_W-1)
`endif
    localparam integer RW = LW + LV;                  // the root: the sum of P products
    // level lv: P >> lv nodes of LW + lv bits from bit OFF(lv) of tree_q
    function integer OFF(input integer lv);
        integer l;
        begin
            OFF = 0;
            for (l = 0; l < lv; l = l + 1)
                OFF = OFF + (P >> l) * (LW + l);
        end
    endfunction
    localparam integer TREE_BITS = OFF(LV + 1);

    // ---- stage I: the beat registered; stage 0: the P products ------------------------------
    reg                vi_q, fi_q, li_q;
    reg [TAG_W-1:0]    ti_q;
    reg signed [6:0]   si_q;
    reg [8*P-1:0]      wi_q;
    reg [G_W*P-1:0]    gi_q;
    always @(posedge clk_i) begin
        fi_q <= first_i;
        li_q <= last_i;
        ti_q <= tag_i;
        si_q <= s_i;
        if (valid_i) begin
            wi_q <= w_i;
            gi_q <= g_i;
        end
    end
    // ---- stages 1 .. LV: the tree, one level a stage --------------------------------------
    reg [TREE_BITS-1:0] tree_q;
    reg [LV:0]         v_d, f_d, l_d;  // the beat's valid, first and last flags per stage
    reg                yv_q;            // stage LV + 2's valid (xv_q: stage LV + 1's)
    integer k;              // the loop index of this block only (each block has its own)
    // (each level is written only when the stage before holds a beat: a clock enable, which
    // changes no result and keeps an idle engine from working in simulation)
    always @(posedge clk_i)
        if (vi_q)
            for (k = 0; k < P; k = k + 1)
                tree_q[LW*k +: LW] <= $signed(wi_q[8*k +: 8]) * $signed(gi_q[G_W*k +: G_W]);
    // level lv's node k: the sum of level lv - 1's nodes 2k and 2k + 1, each sign-extended by a bit
    genvar gl, gk;
    generate
        for (gl = 1; gl <= LV; gl = gl + 1) begin : g_lv
            for (gk = 0; gk < (P >> gl); gk = gk + 1) begin : g_node
                always @(posedge clk_i)
                    if (v_d[gl-1])
                        tree_q[OFF(gl) + (LW + gl)*gk +: LW + gl] <=
                            $signed(tree_q[OFF(gl - 1) + (LW + gl - 1)*(2*gk) +: LW + gl - 1]) +
                            $signed(tree_q[OFF(gl - 1) + (LW + gl - 1)*(2*gk + 1) +: LW + gl - 1]);
            end
        end
    endgenerate
    wire signed [RW-1:0] root = tree_q[OFF(LV) +: RW];

    // the beat's flags, tag and shift travel beside the tree (LV + 1 stages)
    reg [TAG_W*(LV+1)-1:0] tag_d;
    reg [7*(LV+1)-1:0]  s_d;
    integer dl;
    always @(posedge clk_i) begin
        f_d[0] <= fi_q;
        l_d[0] <= li_q;
        tag_d[TAG_W-1:0] <= ti_q;
        s_d[6:0] <= si_q;
        for (dl = 1; dl <= LV; dl = dl + 1) begin
            f_d[dl] <= f_d[dl-1];
            l_d[dl] <= l_d[dl-1];
            tag_d[TAG_W*dl +: TAG_W] <= tag_d[TAG_W*(dl-1) +: TAG_W];
            s_d[7*dl +: 7] <= s_d[7*(dl-1) +: 7];
        end
    end

    // ---- stage LV + 1: the row's sum (the accumulator; the last beat's sum goes on), and the
    // constants of the rounding from the shift: the half 2^(s-1) (s > 0) and the clamp's
    // bounds (s <= 0, n = -s: x 2^n > 2^62 <=> x > 2^(62-n), x 2^n < -2^62 <=> x < -2^(62-n)
    // for n <= 62; x > 0, x < 0 for n > 62) ----------------------------------------------------
    reg signed [63:0] acc_q, x_q;
    reg               xv_q;
    reg [TAG_W-1:0]   xtag_q;
    reg signed [6:0]  xs_q;
    reg signed [63:0] half_q, lim_q, nlim_q;
    wire signed [63:0] sum = (f_d[LV] ? 64'sd0 : acc_q) + {{(64-RW){root[RW-1]}}, root};
    wire signed [6:0] s_in  = s_d[7*LV +: 7];
    wire [6:0]        n_in  = -s_in;                                         // 0 .. 64 when s <= 0
    wire [5:0]        e_in  = 6'd62 - n_in[5:0];                             // 62 - n (n <= 62)
    always @(posedge clk_i) begin
        if (v_d[LV])
            acc_q <= sum;
        x_q    <= sum;
        xtag_q <= tag_d[TAG_W*LV +: TAG_W];
        xs_q   <= s_in;
`ifdef SGLIF_FAULT_GATHER_ROUND
        half_q <= 64'sd0;
`else
        half_q <= s_in > 7'sd0 ? 64'sd1 <<< (s_in - 7'sd1) : 64'sd0;
`endif
        lim_q  <= n_in <= 7'd62 ? 64'sd1 <<< e_in : 64'sd0;
        nlim_q <= n_in <= 7'd62 ? -64'sd1 <<< e_in : 64'sd0;
    end

    // ---- stage LV + 2: x + 2^(s-1), and the clamp's compares ----------------------------------
    reg signed [63:0] xh_q, xn_q;
    reg signed [6:0]  ys_q;
    reg               yhi_q, ylo_q;
    reg [TAG_W-1:0]   ytag_q;
    always @(posedge clk_i) begin
        xh_q   <= x_q + half_q;
        xn_q   <= x_q;
        ys_q   <= xs_q;
        yhi_q  <= x_q > lim_q;
        ylo_q  <= x_q < nlim_q;
        ytag_q <= xtag_q;
    end

    // ---- stage LV + 3: rnd(x, s) ------------------------------------------------------------
    // s > 0: floor((x + 2^(s-1)) / 2^s) (x + 2^(s-1) < 2^63 since |x| < 2^55); s > 62: 0.
    // s <= 0: x 2^-s clamped to +-2^62 (the low 64 bits of x 2^n when it is not clamped).
    wire signed [63:0]  r_pos = xh_q >>> ys_q;
    wire [6:0]          n_l   = -ys_q;                                   // 0 .. 64 when s <= 0
    wire signed [63:0]  r_neg = yhi_q ? 64'sd1 <<< 62 : ylo_q ? -(64'sd1 <<< 62) : xn_q <<< n_l;
    always @(posedge clk_i)
        y_o <= ys_q > 7'sd62 ? 64'sd0 : ys_q > 7'sd0 ? r_pos : r_neg;
    always @(posedge clk_i)
        tag_o <= ytag_q;

    integer vl;
    always @(posedge clk_i) begin
        if (rst_i) begin
            vi_q    <= 1'b0;
            v_d     <= {(LV+1){1'b0}};
            xv_q    <= 1'b0;
            yv_q    <= 1'b0;
            valid_o <= 1'b0;
        end else begin
            vi_q    <= valid_i;
            v_d[0]  <= vi_q;
            for (vl = 1; vl <= LV; vl = vl + 1)
                v_d[vl] <= v_d[vl-1];
            xv_q    <= v_d[LV] && l_d[LV];
            yv_q    <= xv_q;
            valid_o <= yv_q;
        end
    end
endmodule

`default_nettype wire
