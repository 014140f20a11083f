// SPDX-License-Identifier: MIT
// sglif_pcg32: the training engine's rounding generator (docs/rtl.md, "The batch-end update
// and the rounding stream"): PCG32 XSH-RR exactly as the twin's sgl_rng_u32 (sw/rng.c), so
// that the update's stochastic rounding draws the twin's stream, one draw a cycle
// (PCG_DRAW_CYCLES = 1 of rtl/core_map.csv): on next_i, u_o = XSH-RR of the current state
// (valid_o the next cycle) and the next state becomes the current one.
// The LCG s' = s MULT + inc (mod 2^64) jumped ahead: four registers hold the states s_k ..
// s_k+3 (the current one at the head h); a draw of s_k sends it into a multiply-add of four
// pipelined stages, s_k+4 = s_k A4 + C4 with A4 = MULT^4 and C4 = inc (MULT^3 + MULT^2 +
// MULT + 1) (mod 2^64), whose result lands in s_k's register four cycles later, before the
// fourth draw after it needs it, so draws may come every cycle or with any gaps. The
// multiply-add: ten registered 16 x 16 products (x_i k_j, i + j <= 3) of the operand registers
// x_q, k_q (loaded a cycle ahead), summed per weight, two 64-bit sums (the addend in one), their
// sum: no path longer than a product or a 64-bit add and the operand's mux.
// load_i (not with next_i: it overrides a draw of its cycle) sets the state and the increment
// (the host seeds them as sgl_rng_seed does, and restores them from a checkpoint) and derives
// the rest through the same multiply-add: s_1 = s MULT + inc, C4 = inc K3 (K3 = MULT^3 +
// MULT^2 + MULT + 1), s_2, s_3, busy_o for PCG_LOAD_CYCLES cycles after load_i (next_i is
// ignored while busy; a load while busy starts again). state_o reads back the current state
// (the twin's state: the next draw's), inc_o the increment.
// `define SGLIF_FAULT_PCG (the output's rotation one bit off), SGLIF_FAULT_PCG_FWD (a draw's
// operand not forwarded from the multiply-add's last stage) for the self-test.
`default_nettype none

module sglif_pcg32 (
    input  wire        clk_i,
    input  wire        rst_i,      // synchronous: the control state only
    input  wire        load_i,
    input  wire [63:0] state_i,
    input  wire [63:0] inc_i,
    input  wire        next_i,     // a draw, while not busy
    output reg  [31:0] u_o,
    output reg         valid_o,
    output wire        busy_o,
    output wire [63:0] state_o,
    output wire [63:0] inc_o
);
    localparam [63:0] MULT = 64'd6364136223846793005;
    localparam [63:0] A4   = 64'd18108194425815612945;   // MULT^4 mod 2^64
    localparam [63:0] K3   = 64'd14678909342070756876;   // MULT^3 + MULT^2 + MULT + 1 mod 2^64
    localparam [1:0]  Y_C4 = 2'd0, Y_INC = 2'd1, Y_0 = 2'd2;       // its addend
    localparam [2:0]  D_C4 = 3'd4;                                 // its destination (0..3: st)

    reg [63:0] st_q [0:3];          // st_q[h_q + j]: the state j draws ahead
    reg [1:0]  h_q;
    reg [63:0] inc_q, c4_q;
    reg [3:0]  ld_q;                // cycles since load_i while busy (1 .. PCG_LOAD_CYCLES)
    reg        busy_q;
    wire [63:0] cur = st_q[h_q];
    assign busy_o  = busy_q;
    assign state_o = cur;
    assign inc_o   = inc_q;

    // XSH-RR of the current state: ((state >> 18) ^ state) >> 27 as 32 bits, rotated
    wire [31:0] xs  = {13'd0, cur[63:45]} ^ cur[58:27];
`ifdef SGLIF_FAULT_PCG
    wire [4:0]  rot = cur[63:59] + 5'd1;
`else
    wire [4:0]  rot = cur[63:59];
`endif
    // rotated right by rot: five levels of 2:1 muxes (not two shifters and their or)
    wire [31:0] r0  = rot[0] ? {xs[0], xs[31:1]} : xs;
    wire [31:0] r1  = rot[1] ? {r0[1:0], r0[31:2]} : r0;
    wire [31:0] r2  = rot[2] ? {r1[3:0], r1[31:4]} : r1;
    wire [31:0] r3  = rot[3] ? {r2[7:0], r2[31:8]} : r2;
    wire [31:0] out = rot[4] ? {r3[15:0], r3[31:16]} : r3;

    // the multiply-add's stages
    reg  [31:0] p00, p01, p10, p02, p11, p20;
    reg  [15:0] p03, p12, p21, p30;             // weight 2^48: their low 16 bits count
    reg  [31:0] t0_q;
    reg  [32:0] t1_q;
    reg  [31:0] t2_q;                           // weight 2^32: its low 32 bits count
    reg  [15:0] t3_q;
    reg  [63:0] a_q, b_q;
    reg         v0_q, v1_q, v2_q;               // the stages hold a multiply-add
    reg  [2:0]  d0_q, d1_q, d2_q;
    reg  [1:0]  y0_q, y1_q;

    // the issue: a draw (cur A4 + C4 into the head's register), or the load's steps; the
    // destination and addend are chosen by registers only (busy_q, ld_q, h_q), next_i only
    // marks the issue
    wire        draw  = next_i && !busy_q;
    wire        ld_s  = busy_q && (ld_q == 4'd1 || ld_q == 4'd5 || ld_q == 4'd9);   // s_j MULT + inc
    wire        ld_c  = busy_q && ld_q == 4'd2;                                     // inc K3
    wire        iss   = draw || ld_s || ld_c;
    wire [2:0]  dst   = !busy_q ? {1'b0, h_q} : ld_c ? D_C4 : {1'b0, ld_q[3:2] + 2'd1};
    wire [1:0]  ysel  = !busy_q ? Y_C4 : ld_c ? Y_0 : Y_INC;

    // the operands x (!busy_q: cur; the load's inc K3: inc_q; its s_j MULT + inc: st_q[j])
    // and k come from registers x_q, k_q, loaded a cycle ahead with the next cycle's: the
    // states as they will be (stage 3's sum forwarded into the register it writes, load_i's
    // state into st_q[0]), picked by the next cycle's control (busy, ld_q, h_q after a draw);
    // so the products read registers only (no cycle added: a draw's state, renewed four
    // cycles later, may be drawn again the next cycle)
    wire [63:0] sum   = a_q + b_q;          // stage 3's result
    wire        busy_n = !rst_i && (load_i || busy_q && ld_q != 4'd12);
    wire [1:0]  ld_j   = ld_q[3:2] + {1'b0, &ld_q[1:0]};   // (ld_q + 1)[3:2]: the next step's j
    wire [1:0]  h_1    = h_q + 2'd1;        // the head after a draw
    // the state register read (its index chosen first: one 4:1 mux of 64 bits, not three),
    // as it will be the next cycle (stage 3's sum forwarded when it writes that register)
    wire [1:0]  x_j    = busy_n ? ld_j : draw ? h_1 : h_q;
`ifdef SGLIF_FAULT_PCG_FWD
    wire        x_fw   = busy_n && v2_q && d2_q == {1'b0, x_j};           // a draw's unforwarded
`else
    wire        x_fw   = v2_q && d2_q == {1'b0, x_j};
`endif
    wire [63:0] x_n    = load_i ? state_i : busy_n && ld_q == 4'd1 ? inc_q : x_fw ? sum : st_q[x_j];
    wire [63:0] k_n    = !busy_n ? A4 : !load_i && ld_q == 4'd1 ? K3 : MULT;
    reg  [63:0] x_q, k_q;
    wire [63:0] x = x_q, k = k_q;

    wire [15:0] x0 = x[15:0], x1 = x[31:16], x2 = x[47:32], x3 = x[63:48];
    wire [15:0] k0 = k[15:0], k1 = k[31:16], k2 = k[47:32], k3 = k[63:48];
    wire [63:0] y = y1_q == Y_C4 ? c4_q : y1_q == Y_INC ? inc_q : 64'd0;
    wire [31:0] m00 = x0 * k0, m01 = x0 * k1, m10 = x1 * k0, m02 = x0 * k2, m11 = x1 * k1,
                m20 = x2 * k0;
    wire [15:0] m03 = x0 * k3, m12 = x1 * k2, m21 = x2 * k1, m30 = x3 * k0;

    always @(posedge clk_i) begin
        valid_o <= 1'b0;
        x_q <= x_n;
        k_q <= k_n;
        // stage 0: the products
        v0_q <= iss;
        d0_q <= dst;
        y0_q <= ysel;
        p00 <= m00;
        p01 <= m01;
        p10 <= m10;
        p02 <= m02;
        p11 <= m11;
        p20 <= m20;
        p03 <= m03;
        p12 <= m12;
        p21 <= m21;
        p30 <= m30;
        // stage 1: per weight
        v1_q <= v0_q;
        d1_q <= d0_q;
        y1_q <= y0_q;
        t0_q <= p00;
        t1_q <= {1'b0, p01} + {1'b0, p10};
        t2_q <= p02 + p11 + p20;
        t3_q <= p03 + p12 + p21 + p30;
        // stage 2: two 64-bit sums, the addend in one
        v2_q <= v1_q;
        d2_q <= d1_q;
        a_q  <= {15'd0, t1_q, 16'd0} + {32'd0, t0_q};
        b_q  <= {t2_q, 32'd0} + {t3_q, 48'd0} + y;
        // stage 3: the result into its register
        if (v2_q) begin
            if (d2_q == D_C4)
                c4_q <= sum;
            else
                st_q[d2_q[1:0]] <= sum;
        end
        if (draw) begin
            u_o     <= out;
            valid_o <= 1'b1;
            h_q     <= h_q + 2'd1;
        end
        if (busy_q) begin
            ld_q <= ld_q + 4'd1;
            if (ld_q == 4'd12)                   // s_3 is written at the end of this cycle
                busy_q <= 1'b0;
        end
        if (load_i) begin
            st_q[0] <= state_i;
            inc_q   <= inc_i;
            h_q     <= 2'd0;
            ld_q    <= 4'd1;
            busy_q  <= 1'b1;
            v0_q    <= 1'b0;
            v1_q    <= 1'b0;
            v2_q    <= 1'b0;
        end
        if (rst_i) begin
            busy_q <= 1'b0;
            v0_q   <= 1'b0;
            v1_q   <= 1'b0;
            v2_q   <= 1'b0;
        end
    end
endmodule

`default_nettype wire
