// SPDX-License-Identifier: MIT
// sglif_err_unit: the training engine's readout error of one step (docs/rtl.md, "Training
// engine (design)"; docs/numerics.md of issue 12, "Readout error", sgl_fixed_softmax_error):
// from the step's readout sums a_c (read through a port, registered RAM: the word one cycle
// after its address acc_addr_o; or, a RAM read registered twice, two cycles after
// acc_addr_nx_o, the same address a cycle ahead) and the label y,
//   M = max a_c;  d_c = min(M - a_c, 32 2^max(out_frac, 0));  y_c = rnd(d_c L, out_frac + 8)
//   E_c = y_c < 31 256 ? EXP2[y_c mod 256] >> (y_c / 256) : 0;  S = sum E_c;  R = floor(2^46 / S)
//   e_t[c] = ((E_c R + 2^(45 - GF)) >> (46 - GF)) - 2^GF [c = y]
// with L = 94548 and the 256-word table EXP2[f] = round(2^15 2^(-f/256)) (rtl/sglif_exp2.hex).
// Passes: the maximum (one class a cycle), the E_c and their sum (one a cycle, seven stages:
// d, d L, its half added, y, the table, its shift, the sum), R by a restoring division (one bit a cycle, 47), the errors
// (one a cycle through four stages, out on err_valid_o with the class; done_o with the last):
// no stage holds more than one multiplier or two adds (docs/rtl.md, "Timing"). The cross-entropy of the step (for the progress line only) is not computed
// here. out_frac: -8 .. 23. Cycles from start_i to done_o: ERR_CYCLES_FIXED + 3 C
// (rtl/core_map.csv). `define SGLIF_FAULT_ERR_ROUND (the half dropped from p's rounding),
// SGLIF_FAULT_ERR_TABLE (EXP2[1 .. 255] one less), SGLIF_FAULT_ERR_CLIP (the sign of d's clamp
// bound M - dmax dropped), SGLIF_FAULT_ERR_NX (acc_addr_nx_o the address of the cycle, not
// the next's) for the self-tests.
`default_nettype none

module sglif_err_unit #(
    parameter integer C  = 10,                    // classes (2 .. 1024)
    parameter integer GF = 16,                    // error units 2^-GF (2 .. 30)
    parameter EXP2_INIT  = "rtl/sglif_exp2.hex"
) (
    input  wire               clk_i,
    input  wire               rst_i,
    input  wire               start_i,            // while idle
    input  wire [CW-1:0]      c_last_i,           // classes in use - 1 (held while busy)
    input  wire [CW-1:0]      label_i,
    input  wire signed [5:0]  out_frac_i,         // -8 .. 23
    output wire               busy_o,
    output reg                done_o,
    output wire [CW-1:0]      acc_addr_o,
    output wire [CW-1:0]      acc_addr_nx_o,      // acc_addr_o of the next cycle
    input  wire signed [31:0] acc_data_i,
    output reg                err_valid_o,
    output reg  [CW-1:0]      err_c_o,
    output reg  signed [31:0] err_o
);
    localparam integer CW = C > 1 ? $clog2(C) : 1;
    localparam [16:0]  LOG2E = 17'd94548;

    reg [15:0] exp2_rom [0:255];
`ifdef SGLIF_FAULT_ERR_TABLE
    integer fi;
    initial begin                                 // (the self-test: entries 1 .. 255 one less)
        $readmemh(EXP2_INIT, exp2_rom);
        for (fi = 1; fi < 256; fi = fi + 1)
            exp2_rom[fi] = exp2_rom[fi] - 16'd1;
    end
`else
    initial $readmemh(EXP2_INIT, exp2_rom);
`endif

    localparam [2:0] S_IDLE = 3'd0, S_MAX = 3'd1, S_EXP = 3'd2, S_DIV = 3'd3, S_OUT = 3'd4,
                  S_DRN = 3'd5;
    reg [2:0]     state_q;
    reg [CW-1:0]  c_q;                 // class addressed
    reg [CW-1:0]  c_n;                 // c_q's next value
    reg           issue_done_q;        // the pass has issued its last class
    assign busy_o     = state_q != S_IDLE;
    assign acc_addr_o = c_q;
`ifdef SGLIF_FAULT_ERR_NX
    assign acc_addr_nx_o = c_q;        // (the self-test: not a cycle ahead)
`else
    assign acc_addr_nx_o = c_n;
`endif

    // ---- pass 1: the maximum -----------------------------------------------------------------
    reg               v1_q, first1_q;
    reg [CW-1:0]      c1_q;
    reg signed [31:0] m_q;

    // ---- pass 2: E_c and S (a: the class's sum in, d; a2: d L; a3: d L + half; a4: y; b: y
    // registered, ROM read; c: the ROM word shifted; d: written, summed). out_frac's constants are
    // registered (out_frac_i is held while busy; pass 2 starts C + 2 cycles after start_i) ------
    reg  [32:0]        dmax_q;
    reg  [5:0]         sy_q;
    reg  [45:0]        yh_q;
    wire [4:0]         ofp   = out_frac_i[5] ? 5'd0 : out_frac_i[4:0];
    wire [5:0]         s_y   = out_frac_i + 6'sd8;                                // 0 .. 31
    // min(M - a_c, dmax) with its compare on a_c alone (M - a_c > dmax iff a_c < M - dmax, the
    // bound registered once M is final): the class's sum meets one carry chain in its cycle
    reg  signed [33:0] thr_q;                                                     // M - dmax
    wire signed [32:0] diff  = {m_q[31], m_q} - {acc_data_i[31], acc_data_i};   // >= 0
    wire               clip  = $signed({{2{acc_data_i[31]}}, acc_data_i}) < thr_q;
    wire [32:0]        d     = clip ? dmax_q : diff[32:0];                       // <= 2^28
    reg  [28:0]        d_q;
    reg  [45:0]        dl_q, dh_q;                                               // d L < 2^46
    wire [45:0]        dl    = d_q * LOG2E;
    wire [45:0]        y     = dh_q >> sy_q;                                      // (no carry out: < 2^46)
    reg               va_q, va2_q, va3_q, va4_q, vb_q, vc_q, vd_q;
    reg [CW-1:0]      ca2_q, ca3_q, ca4_q, cb_q, cc_q, cd_q;
    reg [15:0]        ed_q;            // E_c (stage d: written, summed)
    reg [7:0]         fb_q;            // y mod 256
    reg [4:0]         shb_q, shc_q;    // y / 256
    reg               zb_q, zc_q;      // y >= 31 256: E = 0
    reg [15:0]        rom_q;
    reg [15:0]        e_mem [0:C-1];
    reg [31:0]        s_q;             // S <= 1024 2^15

    // ---- pass 3: R = floor(2^46 / S) ---------------------------------------------------------
    reg [5:0]  k_q;                    // the bit being made, 46 .. 0
    reg [32:0] rem_q;
    reg [46:0] r_q;
    wire [33:0] rem_n = {rem_q, k_q == 6'd46};
    wire        ge    = rem_n >= {2'b00, s_q};

    // ---- pass 4: the errors (o1: E_c read; o2: E_c R as two products; o3: their sum; then
    // the rounding and the label's 2^GF, out on err_valid_o) -------------------------------------
    reg               ov1_q, ov2_q, ov3_q, ol1_q, ol2_q, ol3_q, oy1_q, oy2_q, oy3_q;
    reg [CW-1:0]      oc1_q, oc2_q, oc3_q;
    reg [15:0]        oe1_q;
    reg [33:0]        plo_q;                                   // E_c R[17:0]
    reg [29:0]        phi_q;                                   // E_c R[31:18]
    reg [47:0]        pr_q;                                    // E_c R, R <= 2^31
`ifdef SGLIF_FAULT_ERR_ROUND
    wire [47:0] p     = pr_q >> (46 - GF);
`else
    wire [47:0] p     = (pr_q + (48'd1 << (45 - GF))) >> (46 - GF);
`endif
    localparam [31:0] ONE = 32'd1 << GF;

    // the class addressed next (c_q's next value, also the read's address a cycle ahead): each
    // pass from class 0, one a cycle to c_last_i
    always @(*) begin
        c_n = c_q;
        case (state_q)
            S_IDLE: if (start_i) c_n = {CW{1'b0}};
            S_MAX:
                if (!issue_done_q) begin
                    if (c_q != c_last_i)
                        c_n = c_q + 1'b1;
                end else if (!v1_q)
                    c_n = {CW{1'b0}};
            S_EXP: if (!issue_done_q && c_q != c_last_i) c_n = c_q + 1'b1;
            S_DIV: if (k_q == 6'd0) c_n = {CW{1'b0}};
            S_OUT: if (c_q != c_last_i) c_n = c_q + 1'b1;
            default: ;
        endcase
    end

    always @(posedge clk_i) begin
        done_o      <= 1'b0;
        err_valid_o <= 1'b0;
        // pass 1's data
        if (v1_q) begin
            if (first1_q || acc_data_i > m_q)
                m_q <= acc_data_i;
        end
        // pass 2's stages
        d_q   <= d[28:0];
        ca2_q <= c1_q;
        dl_q  <= dl;
        ca3_q <= ca2_q;
        dh_q  <= dl_q + yh_q;
        ca4_q <= ca3_q;
        cb_q  <= ca4_q;
        fb_q  <= y[7:0];
        shb_q <= y[12:8];
        zb_q  <= |y[45:13] || &y[12:8];                 // y >= 31 256
        dmax_q <= 33'd32 << ofp;
`ifdef SGLIF_FAULT_ERR_CLIP
        thr_q  <= {1'b0, {m_q[31], m_q} - dmax_q};        // (the self-test: the bound's sign dropped)
`else
        thr_q  <= {{2{m_q[31]}}, m_q} - {1'b0, dmax_q};  // (M is final 2 cycles before pass 2's first sum)
`endif
        sy_q   <= s_y;
        yh_q   <= s_y == 6'd0 ? 46'd0 : 46'd1 << (s_y - 6'd1);
        rom_q <= exp2_rom[fb_q];
        cc_q  <= cb_q;
        shc_q <= shb_q;
        zc_q  <= zb_q;
        ed_q  <= zc_q ? 16'd0 : rom_q >> shc_q;           // (the ROM's block RAM output: shifted only)
        cd_q  <= cc_q;
        if (vd_q) begin
            e_mem[cd_q] <= ed_q;
            s_q         <= s_q + {16'd0, ed_q};
        end
        // pass 4's stages
        oe1_q <= e_mem[c_q];
        oc1_q <= c_q;
        oy1_q <= c_q == label_i;
        ol1_q <= c_q == c_last_i;
        plo_q <= oe1_q * r_q[17:0];
        phi_q <= oe1_q * r_q[31:18];
        oc2_q <= oc1_q;
        oy2_q <= oy1_q;
        ol2_q <= ol1_q;
        pr_q  <= {14'd0, plo_q} + {phi_q, 18'd0};
        oc3_q <= oc2_q;
        oy3_q <= oy2_q;
        ol3_q <= ol2_q;
        err_c_o <= oc3_q;
        err_o   <= p[31:0] - (oy3_q ? ONE : 32'd0);
        if (rst_i) begin
            state_q <= S_IDLE;
            v1_q    <= 1'b0;
            va_q    <= 1'b0;
            va2_q   <= 1'b0;
            va3_q   <= 1'b0;
            va4_q   <= 1'b0;
            vb_q    <= 1'b0;
            vd_q    <= 1'b0;
            ov1_q   <= 1'b0;
            ov2_q   <= 1'b0;
            ov3_q   <= 1'b0;
            vc_q    <= 1'b0;
        end else begin
            v1_q     <= state_q == S_MAX && !issue_done_q;
            first1_q <= state_q == S_MAX && c_q == {CW{1'b0}} && !issue_done_q;
            va_q     <= state_q == S_EXP && !issue_done_q;
            va2_q    <= va_q;
            va3_q    <= va2_q;
            va4_q    <= va3_q;
            vb_q     <= va4_q;
            ov1_q    <= state_q == S_OUT;
            ov2_q    <= ov1_q;
            ov3_q    <= ov2_q;
            err_valid_o <= ov3_q;
            if (ov3_q && ol3_q) begin                    // the last error is out
                state_q <= S_IDLE;
                done_o  <= 1'b1;
            end
            vc_q     <= vb_q;
            vd_q     <= vc_q;
            c1_q     <= c_q;
            c_q      <= c_n;
            case (state_q)
                S_IDLE:
                    if (start_i) begin
                        state_q      <= S_MAX;
                        issue_done_q <= 1'b0;
                    end
                S_MAX:                                       // classes 0 .. c_last, then the last data
                    if (!issue_done_q) begin
                        if (c_q == c_last_i)
                            issue_done_q <= 1'b1;
                    end else if (!v1_q) begin
                        state_q      <= S_EXP;
                        issue_done_q <= 1'b0;
                        s_q          <= 32'd0;
                    end
                S_EXP:                                       // then three stages to the sum
                    if (!issue_done_q) begin
                        if (c_q == c_last_i)
                            issue_done_q <= 1'b1;
                    end else if (!va_q && !va2_q && !va3_q && !va4_q && !vb_q && !vc_q && !vd_q) begin
                        state_q <= S_DIV;
                        k_q     <= 6'd46;
                        rem_q   <= 33'd0;
                        r_q     <= 47'd0;
                    end
                S_DIV: begin
                    rem_q <= ge ? rem_n[32:0] - {1'b0, s_q} : rem_n[32:0];
                    r_q   <= {r_q[45:0], ge};
                    if (k_q == 6'd0)
                        state_q <= S_OUT;
                    else
                        k_q <= k_q - 6'd1;
                end
                S_OUT:                                       // classes 0 .. c_last, then the pipeline
                    if (c_q == c_last_i)
                        state_q <= S_DRN;
                S_DRN: ;                                     // until the last error is out
                default: state_q <= S_IDLE;
            endcase
        end
    end
    wire unused_ok = &{1'b0, d[32:29], y[45:13], rem_n[33], r_q[46:32], p[47:32]};
endmodule

`default_nettype wire
