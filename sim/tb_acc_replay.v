// SPDX-License-Identifier: MIT
// tb_acc_replay: the backward walk with its gradient accumulation (rtl/sglif_bwd_walk.v,
// rtl/sglif_bwd_accum.v) under Icarus, replaying the vectors of sim/acc_vectors.c (the twin's
// samples) or sim/walk_vectors.c (random walks, no gradient words) (make bwd-test): per sample
// the RAMs outside the walk (W_rec rows, W_out, the errors, the history, gamma_q, the event
// store; registered reads here), the gradient memories cleared through the port where the
// vectors say, a start, every gv_t[i] and its clamp bits compared with !== against the
// expected ones, the cycles from the start to done_o against the formula's, and then every
// gradient word listed read through the port and compared with !== (the twin's sums, the
// batch's so far), and the overflow flag. Last line: `<NAME>: N <N>, P <P>, <S> samples, <W>
// gradient words compared, <G> gv values, <M> mismatches`; $fatal on one.
`default_nettype none
`include "sglif_core_map_defs.vh"

module tb_acc_replay #(
    parameter integer N      = 32,
    parameter integer P      = 4,
    parameter integer C      = 10,
    parameter integer T_MAX  = 24,
    parameter integer N_IN   = 16,
    parameter integer ES_AW  = 10,
    parameter integer GRAD_W = 48,
    parameter VEC = "build/bwd/acc-icarus.txt",
    parameter NAME = "acc-icarus"
);
    localparam integer NW   = N > 1 ? $clog2(N) : 1;
    localparam integer HW   = T_MAX > 1 ? $clog2(T_MAX) : 1;
    localparam integer PW   = P > 1 ? $clog2(P) : 0;
    localparam integer GW   = NW - PW;
    localparam integer CP   = C > 1 ? 1 << $clog2(C) : 1;
    localparam integer CW   = C > 1 ? $clog2(C) : 1;
    localparam integer UW   = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer RW   = $clog2(N_IN + N);
    localparam integer GA_W = RW + NW > NW + CW ? RW + NW : NW + CW;
    localparam integer DMAX = N_IN * N + N * N + N + N * CP + CP;

    reg clk = 1'b0, rst = 1'b1, start = 1'b0;
    always #5 clk = ~clk;
    reg [NW-1:0] n_last;
    reg [HW-1:0] t_last;
    reg signed [6:0] s_rec, out_frac;
    reg [3:0] k;
    reg reset_mult;
    reg [ES_AW:0] ev_count;
    reg [1:0] gp_sel = 2'd0;
    reg [GA_W-1:0] gp_addr = {GA_W{1'b0}};
    reg gp_we = 1'b0;
    wire busy, done, gv_valid, sat_gz, sat_gv, ovf;
    wire [NW+GW-1:0] w_addr;
    wire [NW-1:0] wo_addr, gm_addr, gv_i;
    wire [HW-1:0] e_addr, gv_t;
    wire [HW+NW-1:0] h_addr;
    wire [ES_AW-1:0] es_addr;
    wire signed [31:0] gv;
    wire [GRAD_W-1:0] gp_rdata;
    reg [8*P-1:0] w_data;
    reg [8*CP-1:0] wo_data;
    reg [32*CP-1:0] e_data;
    reg [16:0] h_data;
    reg [31:0] gm_data;
    reg [HW+UW-1:0] es_data;

    sglif_bwd_walk #(.N(N), .P(P), .C(C), .T_MAX(T_MAX), .N_IN(N_IN), .ES_AW(ES_AW),
                     .GRAD_W(GRAD_W)) u_walk (
        .clk_i(clk), .rst_i(rst), .start_i(start), .n_last_i(n_last), .t_last_i(t_last),
        .s_rec_i(s_rec), .out_frac_i(out_frac), .k_i(k), .reset_mult_i(reset_mult),
        .e_ok_i(1'b1), .e_take_o(), .busy_o(busy), .done_o(done), .w_addr_o(w_addr), .w_data_i(w_data),
        .wo_addr_o(wo_addr), .wo_data_i(wo_data), .e_addr_o(e_addr), .e_data_i(e_data),
        .h_addr_o(h_addr), .h_data_i(h_data), .gm_addr_o(gm_addr), .gm_data_i(gm_data),
        .gv_valid_o(gv_valid), .gv_t_o(gv_t), .gv_i_o(gv_i), .gv_o(gv), .sat_gz_o(sat_gz),
        .sat_gv_o(sat_gv), .ev_count_i(ev_count), .es_addr_o(es_addr), .es_data_i(es_data),
        .gp_sel_i(gp_sel), .gp_addr_i(gp_addr), .gp_we_i(gp_we), .gp_waddr_i(gp_addr),
        .gp_wdata_i({GRAD_W{1'b0}}), .gp_rdata_o(gp_rdata), .ovf_o(ovf));

    // the RAMs outside the walk: registered reads
    reg [8*P-1:0]   w_mem  [0:(1 << (NW + GW)) - 1];
    reg [8*CP-1:0]  wo_mem [0:N-1];
    reg [32*CP-1:0] e_mem  [0:T_MAX-1];
    reg [16:0]      h_mem  [0:(1 << (HW + NW)) - 1];
    reg [31:0]      g_mem  [0:N-1];
    reg [HW+UW-1:0] es_mem [0:(1 << ES_AW) - 1];
    always @(posedge clk) begin
        w_data  <= w_mem[w_addr];
        wo_data <= wo_mem[wo_addr];
        e_data  <= e_mem[e_addr];
        h_data  <= h_mem[h_addr];
        gm_data <= g_mem[gm_addr];
        es_data <= es_mem[es_addr];
    end

    // the expected gv stream and gradient words of a sample
    integer xt [0:N*T_MAX-1];
    integer xi [0:N*T_MAX-1];
    integer xg [0:N*T_MAX-1];
    integer xc [0:N*T_MAX-1];
    reg [1:0]        ds [0:DMAX-1];
    reg [GA_W-1:0]   da [0:DMAX-1];
    reg [GRAD_W-1:0] dv [0:DMAX-1];
    integer fd, rc, a, nx, nd, idx, n, n_in, T, sr, of, kk, rs, ne, cyc, clr, cnt, smps, words,
            compared, mism, j, sel;
    reg [7:0] ch;
    reg [8*P-1:0] wv;
    reg [8*CP-1:0] ov;
    reg [32*CP-1:0] ev;
    reg [16:0] hv;
    reg [31:0] gval;
    reg [HW+UW-1:0] esv;
    reg [GRAD_W-1:0] dval;
    reg more;

    always @(posedge clk)
        if (!rst && gv_valid) begin
            if (idx >= nx) begin
                $display("MISMATCH sample %0d: a gv beyond the %0d expected", smps, nx);
                mism = mism + 1;
            end else if (gv_t !== xt[idx][HW-1:0] || gv_i !== xi[idx][NW-1:0] || gv !== xg[idx] ||
                         {sat_gv, sat_gz} !== xc[idx][1:0]) begin
                $display("MISMATCH sample %0d (n %0d, T %0d): rtl step %0d neuron %0d gv %0d clamps %b%b, expected step %0d neuron %0d gv %0d clamps %0d",
                         smps, n, T, gv_t, gv_i, gv, sat_gv, sat_gz, xt[idx], xi[idx], xg[idx], xc[idx]);
                mism = mism + 1;
            end
            compared = compared + 1;
            idx = idx + 1;
        end

    // one port access: the address at a falling edge, the word GP_LAT cycles later (a write
    // at the first rising edge)
    task port(input [1:0] s, input [GA_W-1:0] ad, input we);
        begin
            @(negedge clk);
            gp_sel = s; gp_addr = ad; gp_we = we;
            @(posedge clk);
            #1 gp_we = 1'b0;
            repeat (`SGLIF_GP_LAT - 1) @(posedge clk);
            #1;
        end
    endtask

    initial begin
        fd = $fopen(VEC, "r");
        if (fd == 0) begin
            $display("tb_acc_replay: cannot open %s", VEC);
            $fatal(1);
        end
        smps = 0; words = 0; compared = 0; mism = 0; idx = 0; nx = 0; nd = 0;
        repeat (2) @(posedge clk);
        rst = 1'b0;
        rc = $fscanf(fd, " %c", ch);
        if (rc != 1) begin
            $display("tb_acc_replay: %s: empty", VEC);
            $fatal(1);
        end
        more = ch == "K";
        while (more && mism == 0) begin
            rc = $fscanf(fd, "%d %d %d %d %d %d %d %d %d %d", n, n_in, T, sr, of, kk, rs, ne, cyc, clr);
            for (j = 0; j < (1 << (NW + GW)); j = j + 1) w_mem[j] = 0;
            for (j = 0; j < N; j = j + 1) begin wo_mem[j] = 0; g_mem[j] = 0; end
            for (j = 0; j < T_MAX; j = j + 1) e_mem[j] = 0;
            for (j = 0; j < (1 << (HW + NW)); j = j + 1) h_mem[j] = 0;
            for (j = 0; j < (1 << ES_AW); j = j + 1) es_mem[j] = 0;
            nx = 0; nd = 0;
            rc = $fscanf(fd, " %c", ch);
            while (ch != "K" && ch != "Q") begin
                case (ch)
                    "R": begin rc = $fscanf(fd, "%d %h", a, wv); w_mem[a] = wv; end
                    "O": begin rc = $fscanf(fd, "%d %h", a, ov); wo_mem[a] = ov; end
                    "E": begin rc = $fscanf(fd, "%d %h", a, ev); e_mem[a] = ev; end
                    "H": begin rc = $fscanf(fd, "%d %h", a, hv); h_mem[a] = hv; end
                    "G": begin rc = $fscanf(fd, "%d %h", a, gval); g_mem[a] = gval; end
                    "V": begin rc = $fscanf(fd, "%d %h", a, esv); es_mem[a] = esv; end
                    "X": begin
                        rc = $fscanf(fd, "%d %d %d %d", xt[nx], xi[nx], xg[nx], xc[nx]);
                        nx = nx + 1;
                    end
                    "D": begin
                        rc = $fscanf(fd, "%d %d %h", sel, a, dval);
                        ds[nd] = sel[1:0]; da[nd] = a[GA_W-1:0]; dv[nd] = dval;
                        nd = nd + 1;
                    end
                    default: begin
                        $display("tb_acc_replay: %s: unknown line '%c'", VEC, ch);
                        $fatal(1);
                    end
                endcase
                rc = $fscanf(fd, " %c", ch);
                if (rc != 1) begin
                    $display("tb_acc_replay: %s: ends without Q", VEC);
                    $fatal(1);
                end
            end
            more = ch == "K";
            // a configuration's first sample: the gradient memories to 0 through the port
            if (clr != 0) begin
                for (j = 0; j < (1 << (RW + NW)); j = j + 1) port(2'd0, j[GA_W-1:0], 1'b1);
                for (j = 0; j < N; j = j + 1) port(2'd1, j[GA_W-1:0], 1'b1);
                for (j = 0; j < (N << CW); j = j + 1) port(2'd2, j[GA_W-1:0], 1'b1);
                for (j = 0; j < CP; j = j + 1) port(2'd3, j[GA_W-1:0], 1'b1);
            end
            // the walk
            n_last = n - 1; t_last = T - 1; s_rec = sr; out_frac = of; k = kk; reset_mult = rs;
            ev_count = ne;
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
                $display("MISMATCH sample %0d (n %0d, T %0d, %0d events): %0d cycles, the formula %0d", smps, n, T, ne, cnt, cyc);
                mism = mism + 1;
            end
            if (idx !== nx) begin
                $display("MISMATCH sample %0d: %0d gv values, expected %0d", smps, idx, nx);
                mism = mism + 1;
            end
            // every gradient word in use
            for (j = 0; j < nd && mism == 0; j = j + 1) begin
                port(ds[j], da[j], 1'b0);
                words = words + 1;
                if (gp_rdata !== dv[j]) begin
                    $display("MISMATCH sample %0d (n %0d, n_in %0d, T %0d): gradient select %0d address 0x%0h: rtl 0x%0h, twin 0x%0h",
                             smps, n, n_in, T, ds[j], da[j], gp_rdata, dv[j]);
                    mism = mism + 1;
                end
            end
            if (ovf !== 1'b0) begin
                $display("MISMATCH sample %0d: the overflow flag %b", smps, ovf);
                mism = mism + 1;
            end
            smps = smps + 1;
        end
        $display("%0s: N %0d, P %0d, %0d samples, %0d gradient words compared, %0d gv values, %0d mismatches",
                 NAME, N, P, smps, words, compared, mism);
        if (mism != 0)
            $fatal(1, "%0s: FAIL", NAME);
        $display("%0s: PASS", NAME);
        $finish;
    end
    wire unused_ok = &{1'b0, busy};
endmodule

`default_nettype wire
