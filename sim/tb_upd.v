// SPDX-License-Identifier: MIT
// tb_upd: make upd-test's Icarus run. Replays the vectors of sim/upd_vectors.cpp (VEC) through
// rtl/sglif_update.v: per tensor the RAMs loaded (gradient words, masters, momenta, weights;
// read with one cycle of latency, written at the unit's strobes; the gradient words as the
// trainer's gradient port reads them, at the address a cycle ahead, rk_nx_o and rp_nx_o, with
// two cycles of latency, so that a wrong address ahead fails), start_i, the clock run to
// done_o; then every master, momentum, weight and gradient word (cleared), the clamp count,
// the PCG32 state and increment and the cycles compared with !== against the twin's. The
// stream is loaded once, before the first tensor. Prints `upd-icarus: <T> tensors, <E>
// entries, <V> values compared, <M> mismatches`.
`default_nettype none

module tb_upd;
    parameter GW  = 48;   // make: GRAD_W of rtl/core_map.csv
    parameter KW  = 6;
    parameter PW  = 6;
    parameter VEC = "upd-icarus.txt";
    localparam NMAX = 1 << (KW + PW);

    reg clk = 1'b0, rst = 1'b1;
    always #5 clk = ~clk;

    reg                 start = 1'b0, load = 1'b0;
    reg [KW-1:0]        k_last;
    reg [PW-1:0]        p_last;
    reg                 wide, diag, rn;
    reg [3:0]           b2;
    reg [6:0]           s;
    reg [3:0]           wd;
    reg [31:0]          lr;
    reg [63:0]          st_in, inc_in;
    wire [63:0]         st_out, inc_out;
    wire                busy, done, rd, m_we, mom_we, g_clr;
    wire [31:0]         clamped, m_o;
    wire [KW-1:0]       rk, wk, rk_nx;
    wire [PW-1:0]       rp, wp, rp_nx;
    wire [15:0]         wq_o, mom_o;
    reg  [GW-1:0]       g_rd;
    reg  [31:0]         m_rd;
    reg  [15:0]         mom_rd;

    sglif_update #(.GW(GW), .KW(KW), .PW(PW)) dut (
        .clk_i(clk), .rst_i(rst), .start_i(start), .k_last_i(k_last), .p_last_i(p_last),
        .wide_i(wide), .diag_i(diag), .row_norm_i(rn), .b2_i(b2), .s_i(s), .wd_i(wd), .lr_i(lr),
        .busy_o(busy), .done_o(done), .rng_load_i(load), .rng_state_i(st_in),
        .rng_inc_i(inc_in), .rng_state_o(st_out), .rng_inc_o(inc_out), .clamp_clr_i(1'b0),
        .clamped_o(clamped), .rd_o(rd), .rk_o(rk), .rp_o(rp), .rk_nx_o(rk_nx), .rp_nx_o(rp_nx), .g_i(g_rd), .m_i(m_rd),
        .mom_i(mom_rd), .wk_o(wk), .wp_o(wp), .m_we_o(m_we), .m_o(m_o), .wq_o(wq_o),
        .mom_we_o(mom_we), .mom_o(mom_o), .g_clr_o(g_clr));

    // the RAMs, flat [k P + p]
    reg [GW-1:0] G   [0:NMAX-1];
    reg [31:0]   M   [0:NMAX-1];
    reg [15:0]   MOM [0:NMAX-1];
    reg [15:0]   WQ  [0:NMAX-1];
    integer P;
    reg [GW-1:0] g_rd1;
    always @(posedge clk) begin
        g_rd1 <= G[rk_nx * P + rp_nx];          // every cycle, as the gradient port
        g_rd  <= g_rd1;
        if (rd) begin
            m_rd   <= M[rk * P + rp];
            mom_rd <= MOM[rk * P + rp];
        end
        if (m_we) begin
            M[wk * P + wp]  <= m_o;
            WQ[wk * P + wp] <= wq_o;
        end
        if (mom_we)
            MOM[wk * P + wp] <= mom_o;
        if (g_clr)
            G[wk * P + wp] <= {GW{1'b0}};
    end

    integer fd, r, T, t, i, K, n, cyc, want_cyc, mism, vals, ents, c0;
    reg [63:0] g64, want_st, want_inc;
    reg [31:0] a, b, c, d, e, f1, f2, want_cl;
    reg [31:0] xm [0:NMAX-1];
    reg [15:0] xmom [0:NMAX-1];
    reg [15:0] xwq [0:NMAX-1];

    initial begin
        mism = 0; vals = 0; ents = 0;
        fd = $fopen(VEC, "r");
        if (fd == 0) begin
            $fatal(1, "upd-icarus: cannot open %0s", VEC);
        end
        r = $fscanf(fd, "%h", T);
        r = $fscanf(fd, "%h %h", st_in, inc_in);
        repeat (2) @(posedge clk);
        rst <= 1'b0;
        load <= 1'b1;
        @(posedge clk);
        load <= 1'b0;
        for (t = 0; t < T; t = t + 1) begin
            r = $fscanf(fd, "%h %h %h %h %h %h %h %h %h %h", K, P, a, b, c, d, e, f1, f2, want_cyc);
            n = K * P;
            for (i = 0; i < n; i = i + 1) begin
                r = $fscanf(fd, "%h %h %h %h", g64, M[i], MOM[i], WQ[i]);
                G[i] = g64[GW-1:0];
            end
            for (i = 0; i < n; i = i + 1)
                r = $fscanf(fd, "%h %h %h", xm[i], xmom[i], xwq[i]);
            r = $fscanf(fd, "%h %h %h", want_cl, want_st, want_inc);
            k_last <= K - 1;
            p_last <= P - 1;
            wide <= a[0]; diag <= b[0]; rn <= c[0]; b2 <= d[3:0]; s <= e[6:0]; wd <= f1[3:0]; lr <= f2;
            c0 = clamped;
            start <= 1'b1;
            @(posedge clk);
            start <= 1'b0;
            cyc = 1;
            @(negedge clk);
            while (done !== 1'b1) begin
                @(posedge clk);
                cyc = cyc + 1;
                @(negedge clk);
            end
            for (i = 0; i < n; i = i + 1) begin
                if (M[i] !== xm[i] || MOM[i] !== xmom[i] || WQ[i] !== xwq[i] || G[i] !== {GW{1'b0}}) begin
                    if (mism < 5)
                        $display("MISMATCH tensor %0d entry %0d: master %h momentum %h weight %h gradient %h, twin %h %h %h 0",
                                 t, i, M[i], MOM[i], WQ[i], G[i], xm[i], xmom[i], xwq[i]);
                    mism = mism + 1;
                end
            end
            if (clamped - c0 !== want_cl || st_out !== want_st || inc_out !== want_inc || cyc !== want_cyc) begin
                $display("MISMATCH tensor %0d: clamps %0d state %h inc %h cycles %0d, twin %0d %h %h, formula %0d",
                         t, clamped - c0, st_out, inc_out, cyc, want_cl, want_st, want_inc, want_cyc);
                mism = mism + 1;
            end
            vals = vals + 4 * n + 4;
            ents = ents + n;
        end
        $display("upd-icarus: %0d tensors, %0d entries, %0d values compared, %0d mismatches", T, ents, vals, mism);
        $fclose(fd);
        if (mism != 0)
            $fatal(1, "upd-icarus: FAIL");
        $display("upd-icarus: PASS");
        $finish;
    end
endmodule

`default_nettype wire
