// SPDX-License-Identifier: MIT
// tb_acc_fwd: the gradient bank's read-modify-write of rtl/sglif_bwd_accum.v under Icarus
// (make bwd-test), with beats the walk never makes: random words of a few addresses in random
// cycles, so that a beat's word was also added one beat back, two back, or both (the sums the
// bank's read has not seen yet, which the bank forwards), on rows with and without the
// recurrent diagonal. The expected words: a plain sum per lane, the diagonal lane left alone,
// in 36-bit two's complement. After the beats (the bank cleared first through the port), every
// word of the addresses is read through the port (GP_LAT cycles) and compared with !==, and the
// overflow flag too. Fails if the run did not have beats with the same word one back and two
// back (the forwarding untested). Plus-args: +seed=S, +n=CYCLES. Last line:
// `acc-fwd: <W> words compared, <B> beats (<F1> one back, <F2> two back), <M> mismatches`;
// $fatal on a mismatch (the self-tests: SGLIF_FAULT_ACC_FWD1 and SGLIF_FAULT_ACC_FWD2 must fail).
`default_nettype none
`include "sglif_core_map_defs.vh"

module tb_acc_fwd;
    localparam integer N = 16, P = 4, C = 2, N_IN = 4, GRAD_W = 36;
    localparam integer NW = 4, PW = 2, GW = 2, RW = 5, CPW = 1;
    localparam integer GA_W = RW + NW;
    localparam integer NA = 8;                       // addresses: rows 0, 1, N_IN, N_IN + 5; g 0, 1

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1, beat = 1'b0, gp_we = 1'b0;
    reg [RW-1:0] row = {RW{1'b0}};
    reg [GW-1:0] g = {GW{1'b0}};
    reg [32*P-1:0] gv_word = {32*P{1'b0}};
    reg [GA_W-1:0] gp_addr = {GA_W{1'b0}}, gp_waddr = {GA_W{1'b0}};
    wire [GRAD_W-1:0] gp_rdata;
    wire ovf;

    sglif_bwd_accum #(.N(N), .P(P), .C(C), .N_IN(N_IN), .GRAD_W(GRAD_W)) dut (
        .clk_i(clk), .rst_i(rst), .beat_i(beat), .row_i(row), .g_i(g), .gv_word_i(gv_word),
        .bias_v_i(1'b0), .bias_i_i({NW{1'b0}}), .bias_gv_i(32'sd0), .wo_v_i(1'b0), .wo_i_i({NW{1'b0}}),
        .bo_v_i(1'b0), .e_i({32 * (1 << CPW){1'b0}}), .gp_sel_i(2'd0), .gp_addr_i(gp_addr),
        .gp_we_i(gp_we), .gp_waddr_i(gp_waddr), .gp_wdata_i({GRAD_W{1'b0}}), .gp_rdata_o(gp_rdata),
        .ovf_o(ovf));

    // address x (0 .. NA - 1): row a_row(x), g = x mod 2
    function [RW-1:0] a_row(input integer x);
        begin
            case (x / 2)
                0: a_row = 0;
                1: a_row = 1;
                2: a_row = N_IN;
                default: a_row = N_IN + 5;           // (its diagonal: lane 1 of g 1; row N_IN's: lane 0 of g 0)
            endcase
        end
    endfunction

    // the port's address of lane k of address x: {row, g, lane}
    function [GA_W-1:0] gp_at(input integer x, input integer k);
        reg [GW-1:0] gx;
        reg [PW-1:0] kx;
        begin
            gx = x % 2;
            kx = k;
            gp_at = {a_row(x), gx, kx};
        end
    endfunction

    reg [GRAD_W-1:0] want [0:NA*P-1];
    reg [31:0] gv_next [0:P-1];
    integer seed, n, cyc, a, la, pa1, pa2, beats, f1, f2, words, bad, j;
    reg [31:0] r;
    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        if (!$value$plusargs("n=%d", n)) n = 20000;
        r = $random(seed);
        for (a = 0; a < NA * P; a = a + 1)
            want[a] = {GRAD_W{1'b0}};
        // the bank cleared through the port (every word of the addresses)
        @(negedge clk) rst = 1'b0;
        for (a = 0; a < NA * P; a = a + 1) begin
            gp_waddr = gp_at(a / P, a % P);
            gp_we = 1'b1;
            @(negedge clk);
        end
        gp_we = 1'b0;
        @(negedge clk);
        pa1 = -1; pa2 = -1; beats = 0; f1 = 0; f2 = 0;
        for (cyc = 0; cyc < n; cyc = cyc + 1) begin
            // this cycle's gv word: the beat of the cycle before's
            for (la = 0; la < P; la = la + 1)
                gv_word[32*la +: 32] = gv_next[la];
            r = $random(seed);
            if (r[1:0] != 2'd0) begin                 // a beat (3 in 4 cycles)
                a = r[4:2];
                row = a_row(a);
                g = a % 2;
                beat = 1'b1;
                beats = beats + 1;
                if (a == pa1) f1 = f1 + 1;
                if (a == pa2 && a != pa1) f2 = f2 + 1;
                for (la = 0; la < P; la = la + 1) begin
                    r = $random(seed);
                    gv_next[la] = {{8{r[23]}}, r[23:0]};          // |gv| < 2^23, as the rule's
                    if (!(row >= N_IN && g * P + la == row - N_IN))   // the diagonal
                        want[a * P + la] = want[a * P + la] + {{(GRAD_W-32){gv_next[la][31]}}, gv_next[la]};
                end
                pa2 = pa1; pa1 = a;
            end else begin
                beat = 1'b0;
                for (la = 0; la < P; la = la + 1)
                    gv_next[la] = 32'hdeadbeef;               // no beat: ignored
                pa2 = pa1; pa1 = -1;
            end
            @(negedge clk);
        end
        for (la = 0; la < P; la = la + 1)
            gv_word[32*la +: 32] = gv_next[la];
        beat = 1'b0;
        @(negedge clk);
        for (j = 0; j < 4; j = j + 1)
            @(negedge clk);                           // the last beat's write and flag
        words = 0; bad = 0;
        for (a = 0; a < NA * P; a = a + 1) begin
            gp_addr = gp_at(a / P, a % P);
            repeat (`SGLIF_GP_LAT) @(negedge clk);    // GP_LAT
            words = words + 1;
            if (gp_rdata !== want[a]) begin
                bad = bad + 1;
                $display("MISMATCH word %0d (row %0d, g %0d, lane %0d): %h, expected %h",
                         a, a_row(a / P), (a / P) % 2, a % P, gp_rdata, want[a]);
            end
        end
        if (ovf !== 1'b0) begin
            bad = bad + 1;
            $display("MISMATCH the overflow flag %b", ovf);
        end
        $display("acc-fwd: %0d words compared, %0d beats (%0d one back, %0d two back), %0d mismatches",
                 words, beats, f1, f2, bad);
        if (bad != 0) begin
            $display("acc-fwd: FAIL");
            $fatal(1, "acc-fwd: mismatch");
        end
        if (f1 == 0 || f2 == 0) begin
            $display("acc-fwd: FAIL (no beat with the same word one back and two back)");
            $fatal(1, "acc-fwd: forwarding untested");
        end
        $display("acc-fwd: PASS");
        $finish;
    end
endmodule

`default_nettype wire
