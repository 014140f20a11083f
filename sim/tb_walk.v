// SPDX-License-Identifier: MIT
// tb_walk: the backward walk (rtl/sglif_bwd_walk.v) under Icarus, replaying the vectors of
// sim/walk_vectors.c (make bwd-test): per configuration the RAMs outside the walk (W_rec rows,
// W_out, errors, history, gamma_q; registered reads here), then a start, every gv_t[i] the walk
// gives compared with !== against the expected stream (step, neuron, value, clamp bits), and the
// cycles from the start to done_o against the formula's. Last line:
// `walk-icarus: <C> configurations, <G> gv values compared, <M> mismatches`; $fatal on one.
`default_nettype none

module tb_walk #(
    parameter integer N     = 32,
    parameter integer P     = 4,
    parameter integer C     = 10,
    parameter integer T_MAX = 24,
    parameter VEC = "build/bwd/walk-icarus.txt"
);
    localparam integer NW = N > 1 ? $clog2(N) : 1;
    localparam integer HW = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer PW = P > 1 ? $clog2(P) : 0;
    localparam integer GW = NW - PW;
    localparam integer CP = C > 1 ? 1 << $clog2(C) : 1;

    reg clk = 1'b0, rst = 1'b1, start = 1'b0;
    always #5 clk = ~clk;
    reg [NW-1:0] n_last;
    reg [HW-1:0] t_last;
    reg signed [6:0] s_rec, out_frac;
    reg [3:0] k;
    reg reset_mult;
    wire busy, done, gv_valid, sat_gz, sat_gv;
    wire [NW+GW-1:0] w_addr;
    wire [NW-1:0] wo_addr, gm_addr, gv_i;
    wire [HW-1:0] e_addr, gv_t;
    wire [HW+NW-1:0] h_addr;
    wire signed [31:0] gv;
    reg [8*P-1:0] w_data;
    reg [8*CP-1:0] wo_data;
    reg [32*CP-1:0] e_data;
    reg [16:0] h_data;
    reg [31:0] gm_data;

    sglif_bwd_walk #(.N(N), .P(P), .C(C), .T_MAX(T_MAX)) u_walk (
        .clk_i(clk), .rst_i(rst), .start_i(start), .n_last_i(n_last), .t_last_i(t_last),
        .s_rec_i(s_rec), .out_frac_i(out_frac), .k_i(k), .reset_mult_i(reset_mult),
        .busy_o(busy), .done_o(done), .w_addr_o(w_addr), .w_data_i(w_data),
        .wo_addr_o(wo_addr), .wo_data_i(wo_data), .e_addr_o(e_addr), .e_data_i(e_data),
        .h_addr_o(h_addr), .h_data_i(h_data), .gm_addr_o(gm_addr), .gm_data_i(gm_data),
        .gv_valid_o(gv_valid), .gv_t_o(gv_t), .gv_i_o(gv_i), .gv_o(gv), .sat_gz_o(sat_gz),
        .sat_gv_o(sat_gv));

    // the RAMs outside the walk: registered reads
    reg [8*P-1:0]   w_mem  [0:(1 << (NW + GW)) - 1];
    reg [8*CP-1:0]  wo_mem [0:N-1];
    reg [32*CP-1:0] e_mem  [0:T_MAX-1];
    reg [16:0]      h_mem  [0:(1 << (HW + NW)) - 1];
    reg [31:0]      g_mem  [0:N-1];
    always @(posedge clk) begin
        w_data  <= w_mem[w_addr];
        wo_data <= wo_mem[wo_addr];
        e_data  <= e_mem[e_addr];
        h_data  <= h_mem[h_addr];
        gm_data <= g_mem[gm_addr];
    end

    // the expected stream of a configuration
    integer xt [0:N*T_MAX-1];
    integer xi [0:N*T_MAX-1];
    integer xg [0:N*T_MAX-1];
    integer xc [0:N*T_MAX-1];
    integer fd, rc, a, nx, idx, n, T, sr, of, kk, rs, cyc, cnt, cfgs, compared, mism, j;
    reg [7:0] ch;
    reg [8*P-1:0] wv;
    reg [8*CP-1:0] ov;
    reg [32*CP-1:0] ev;
    reg [16:0] hv;
    reg [31:0] gval;
    reg more;

    // gv_t[i] against the next expected one
    always @(posedge clk)
        if (!rst && gv_valid) begin
            if (idx >= nx) begin
                $display("MISMATCH config %0d: a gv beyond the %0d expected", cfgs, nx);
                mism = mism + 1;
            end else if (gv_t !== xt[idx][HW-1:0] || gv_i !== xi[idx][NW-1:0] ||
                         gv !== xg[idx] || {sat_gv, sat_gz} !== xc[idx][1:0]) begin
                $display("MISMATCH config %0d (n %0d, T %0d): rtl step %0d neuron %0d gv %0d clamps %b%b, expected step %0d neuron %0d gv %0d clamps %0d",
                         cfgs, n, T, gv_t, gv_i, gv, sat_gv, sat_gz, xt[idx], xi[idx], xg[idx], xc[idx]);
                mism = mism + 1;
            end
            compared = compared + 1;
            idx = idx + 1;
        end

    initial begin
        fd = $fopen(VEC, "r");
        if (fd == 0) begin
            $display("tb_walk: cannot open %s", VEC);
            $fatal(1);
        end
        cfgs = 0; compared = 0; mism = 0; idx = 0; nx = 0;
        repeat (2) @(posedge clk);
        rst = 1'b0;
        rc = $fscanf(fd, " %c", ch);
        if (rc != 1) begin
            $display("tb_walk: %s: empty", VEC);
            $fatal(1);
        end
        more = ch == "K";
        while (more && mism == 0) begin
            rc = $fscanf(fd, "%d %d %d %d %d %d %d", n, T, sr, of, kk, rs, cyc);
            for (j = 0; j < (1 << (NW + GW)); j = j + 1) w_mem[j] = 0;
            for (j = 0; j < N; j = j + 1) begin wo_mem[j] = 0; g_mem[j] = 0; end
            for (j = 0; j < T_MAX; j = j + 1) e_mem[j] = 0;
            for (j = 0; j < (1 << (HW + NW)); j = j + 1) h_mem[j] = 0;
            nx = 0;
            rc = $fscanf(fd, " %c", ch);
            while (ch != "K" && ch != "Q") begin
                case (ch)
                    "R": begin rc = $fscanf(fd, "%d %h", a, wv); w_mem[a] = wv; end
                    "O": begin rc = $fscanf(fd, "%d %h", a, ov); wo_mem[a] = ov; end
                    "E": begin rc = $fscanf(fd, "%d %h", a, ev); e_mem[a] = ev; end
                    "H": begin rc = $fscanf(fd, "%d %h", a, hv); h_mem[a] = hv; end
                    "G": begin rc = $fscanf(fd, "%d %h", a, gval); g_mem[a] = gval; end
                    "X": begin
                        rc = $fscanf(fd, "%d %d %d %d", xt[nx], xi[nx], xg[nx], xc[nx]);
                        nx = nx + 1;
                    end
                    default: begin
                        $display("tb_walk: %s: unknown line '%c'", VEC, ch);
                        $fatal(1);
                    end
                endcase
                rc = $fscanf(fd, " %c", ch);
                if (rc != 1) begin
                    $display("tb_walk: %s: ends without Q", VEC);
                    $fatal(1);
                end
            end
            more = ch == "K";
            // run
            n_last = n - 1; t_last = T - 1; s_rec = sr; out_frac = of; k = kk; reset_mult = rs;
            idx = 0;
            @(negedge clk) start = 1'b1;
            cnt = 0;
            @(posedge clk);
            cnt = cnt + 1;
            #1 start = 1'b0;
            while (!done) begin
                @(posedge clk);
                cnt = cnt + 1;
                #1;
            end
            if (cnt !== cyc) begin
                $display("MISMATCH config %0d (n %0d, T %0d): %0d cycles, the formula %0d", cfgs, n, T, cnt, cyc);
                mism = mism + 1;
            end
            if (idx !== nx) begin
                $display("MISMATCH config %0d: %0d gv values, expected %0d", cfgs, idx, nx);
                mism = mism + 1;
            end
            cfgs = cfgs + 1;
        end
        $display("walk-icarus: N %0d, P %0d, %0d configurations, %0d gv values compared, %0d mismatches",
                 N, P, cfgs, compared, mism);
        if (mism != 0)
            $fatal(1, "walk-icarus: FAIL");
        $display("walk-icarus: PASS");
        $finish;
    end
endmodule

`default_nettype wire
