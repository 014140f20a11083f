// SPDX-License-Identifier: MIT
// tb_cosim: the co-simulation of rtl/sglif_lif_core.v under Icarus (`make cosim SIM=icarus`),
// plain Verilog-2005. Replays the command file written by sim/cosim_vectors.c (configuration
// writes, clears, steps: the random configurations of sim/cosim.cpp from the same seed) and
// compares every trace-port update with the twin's trace (expected file: l t i v z code sat:
// the membrane, spike, SG code and saturation flag of every update), plus per step the cycle
// count (docs/rtl.md, computed by the vector writer) and the update count, and per sample the
// saturation count, the hardware readout (every class sum through the read port, the predicted
// class) and the history memory read back (spike and SG code of every neuron and recorded step,
// against the expected trace). Stops at the first difference with its context. Last lines: `cosim: <U> neuron-updates compared, <M> mismatches, <X>
// saturations` then PASS or FAIL; on FAIL, $fatal (vvp exits non-zero). Every comparison is
// `!==`, so an x or z in an RTL value is a mismatch (the saturation flag must be 0 or 1 at
// every update). Plus-args: +cmd=FILE +exp=FILE (required), +verbose, +fault_x=v|sum|sat (the
// X self-test, make cosim-icarus-selftest: from the 50th update on, bit 0 of the traced
// membrane, of the readout sum, or the saturation flag is forced to x; the bench must fail),
// +fault=sg|readout|history|sat (a fault forced into a path of the core from the start: the SG
// table's index input v - theta off by 32, the readout's spike input stuck at 0 (no W_out row
// is ever added), the history's read address with bit 0 inverted (neuron i read as i ^ 1), the
// traced saturation flag one update late (the flag of the previous update: the per-sample
// counts stay equal, the per-update compare must see it); the bench must fail).
`default_nettype none

module tb_cosim #(
    parameter integer N     = 64,
    parameter integer N_IN  = 32,
    parameter integer EV_AW = 7,
    parameter integer SG_AW = 8,
    parameter integer N_OUT = 10,
    parameter integer HIST_STEPS = 40,
    parameter integer P     = 4,
    parameter integer L     = 1,
    parameter SG_INIT = "rtl/sglif_sg_default.hex"
);
    // the core's map and latencies (rtl/core_map.csv: HIST_LAT)
`include "sglif_core_map.vh"
    // the core's derived widths (as in rtl/sglif_lif_core.v)
    localparam integer NW  = N    > 1 ? $clog2(N)    : 1;
    localparam integer IW  = N_IN > 1 ? $clog2(N_IN) : 1;
    localparam integer CW  = N_OUT > 1 ? $clog2(N_OUT) : 1;
    localparam integer HW  = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer LB  = L > 1 ? 1 : 0;
    localparam integer HA  = LB + HW + NW;
    localparam integer PW  = P > 1 ? $clog2(P) : 0;
    localparam integer NB  = P > 1 ? P / 2 : 1;
    localparam integer BB  = NB > 1 ? $clog2(NB) : 0;
    localparam integer WAW = $clog2(N_IN + N + (L - 1) * 2 * N) + NW - PW;
    localparam integer A0  = WAW + BB > LB + NW ? WAW + BB : LB + NW;
    localparam integer A1  = SG_AW > EV_AW ? SG_AW : EV_AW;
    localparam integer A2  = A0 > A1 ? A0 : A1;
    localparam integer A3  = A2 > NW + CW ? A2 : NW + CW;
    localparam integer CFG_AW = A3 > 4 ? A3 : 4;
    localparam integer EV_MAX = 1 << EV_AW;
    localparam integer MAX_CYCLES = 100000000;

    reg                clk = 1'b0;
    reg                rst = 1'b1;
    reg                cfg_we = 1'b0;
    reg  [2:0]         cfg_sel = 3'd0;
    reg  [CFG_AW-1:0]  cfg_addr = {CFG_AW{1'b0}};
    reg  [15:0]        cfg_data = 16'd0;
    reg                clear = 1'b0, start = 1'b0;
    reg  [EV_AW:0]     n_ev = {(EV_AW+1){1'b0}};
    wire               busy, done, spike, spike_layer;
    wire [NW-1:0]      spike_idx, tr_idx;
    wire               tr_valid, tr_layer, tr_z, tr_sat;
    wire [15:0]        tr_v, tr_code;
    reg  [CW-1:0]      ro_class = {CW{1'b0}};
    wire [31:0]        ro_sum;
    wire [CW-1:0]      pred;
    reg  [HA-1:0]      hist_raddr = {HA{1'b0}};
    wire [16:0]        hist_rdata;
    wire [HW:0]        hist_steps;

    sglif_lif_core #(.N(N), .N_IN(N_IN), .EV_AW(EV_AW), .SG_AW(SG_AW), .N_OUT(N_OUT),
                     .HIST_STEPS(HIST_STEPS), .P(P), .L(L), .SG_INIT(SG_INIT)) dut (
        .clk_i(clk), .rst_i(rst), .cfg_we_i(cfg_we), .cfg_sel_i(cfg_sel), .cfg_addr_i(cfg_addr),
        .cfg_data_i(cfg_data), .clear_i(clear), .start_i(start), .argmax_i(1'b1), .hist_clear_i(1'b0),
        .n_ev_i(n_ev), .busy_o(busy),
        .done_o(done), .spike_o(spike), .spike_layer_o(spike_layer), .spike_idx_o(spike_idx), .ro_class_i(ro_class),
        .ro_sum_o(ro_sum), .ro_acc_o(), .pred_o(pred), .hist_raddr_i(hist_raddr), .hist_rdata_o(hist_rdata),
        .hist_steps_o(hist_steps), .tr_valid_o(tr_valid),
        .tr_layer_o(tr_layer), .tr_idx_o(tr_idx), .tr_v_o(tr_v), .tr_z_o(tr_z), .tr_sat_o(tr_sat), .tr_code_o(tr_code));

    always #5 clk = ~clk;

    // mirrors of what was written, for the context of a mismatch; the expected spikes and
    // codes of the sample's recorded steps, for the history read-back
    integer bias_m  [0:2*N-1];
    integer ev_m    [0:EV_MAX-1];
    integer hz_m    [0:2*HIST_STEPS*N-1];
    integer hc_m    [0:2*HIST_STEPS*N-1];
    integer prev_v  [0:2*N-1];
    integer prev_z  [0:2*N-1];

    integer fc, fe, r, c, verbose;
    reg [8*256-1:0] cmd_path, exp_path;
    // D fields
    integer cfg, nl, n0, n1, n_in, T, reset_mult, theta, k, sh_in0, sh_rec0, sh_in1, sh_rec1;
    integer sg_ent, sg_bits, sg_shift, sg_lo, n_upd, nxl, nxi, ln;
    integer a0, a1, a2, i, e;
    integer smp, updates, mismatches, sats, cycles, steps_done, samples, configs;
    integer t, ne, want_cyc, c0, next, rtl_sat, x_pred, n_cls, x_sum, t_hist;
    integer ro_sums, ro_preds, hist_words;
    integer xl, xt, xi, xv, xz, xc, xs;
    integer v_s;
    reg     stop;

    task tick;
        begin
            @(posedge clk);
            #1;
            cycles = cycles + 1;
        end
    endtask

    task write(input integer sel, input integer addr, input integer data);
        begin
            cfg_we = 1'b1;
            cfg_sel = sel[2:0];
            cfg_addr = addr[CFG_AW-1:0];
            cfg_data = data[15:0];
            tick;
            cfg_we = 1'b0;
        end
    endtask

    task describe;
        begin
            $display("  config: n_in %0d, %0d layer(s), n %0d/%0d, T %0d, reset %0s, theta %0d, k %0d, sh_in %0d/%0d, sh_rec %0d/%0d, SG %0d entries x %0d bits, shift %0d, x_lo %0d",
                     n_in, nl, n0, n1, T, reset_mult ? "mult" : "sub", theta, k, sh_in0, sh_in1,
                     sh_rec0, sh_rec1, sg_ent, sg_bits, sg_shift, sg_lo);
        end
    endtask

    task mismatch_head;
        begin
            mismatches = mismatches + 1;
            stop = 1'b1;
            $write("MISMATCH config %0d sample %0d step %0d", cfg, smp, t);
        end
    endtask

    task finish_run;
        begin
            $display("cosim: %0d configurations, %0d samples, %0d steps, %0d cycles", configs,
                     samples, steps_done, cycles);
            $display("cosim: readout: %0d class sums and %0d predictions compared; history: %0d words compared",
                     ro_sums, ro_preds, hist_words);
            $display("cosim: %0d neuron-updates compared, %0d mismatches, %0d saturations",
                     updates, mismatches, sats);
            if (mismatches != 0) begin
                $display("FAIL");
                $fatal(1, "cosim: %0d mismatches", mismatches);
            end
            $display("PASS");
            $finish;
        end
    endtask

    // one step: start pulse, then every trace update compared until done
    task run_step;
        begin
            c0 = cycles;
            n_ev = ne[EV_AW:0];
            start = 1'b1;
            tick;
            start = 1'b0;
            next = 0;
            nxl = 0;
            nxi = 0;
            while (!stop && !(done === 1'b1)) begin
                if (tr_valid === 1'b1) begin
                    r = $fscanf(fe, "%d %d %d %d %d %d %d\n", xl, xt, xi, xv, xz, xc, xs);
                    v_s = tr_v[15] ? tr_v - 65536 : tr_v;
                    if (r !== 7) begin
                        mismatch_head;
                        $display(": the expected trace file ended (extra RTL update, layer %0d neuron %0d)",
                                 tr_layer, tr_idx);
                    end else begin
                        updates = updates + 1;
                        rtl_sat = rtl_sat + tr_sat;
                        sats = sats + tr_sat;
                        if (tr_sat !== 1'b0 && tr_sat !== 1'b1) begin
                            mismatch_head;
                            $display(": layer %0d neuron %0d: the saturation flag is %b", tr_layer,
                                     tr_idx, tr_sat);
                        end
                        if (xt >= 0 && xt < HIST_STEPS && xi >= 0 && xi < N && xl >= 0 && xl < 2) begin
                            hz_m[(xl * HIST_STEPS + xt) * N + xi] = xz;
                            hc_m[(xl * HIST_STEPS + xt) * N + xi] = xc;
                        end
                        if (xt !== t || xl !== nxl || xi !== nxi || tr_layer !== xl[0] ||
                            tr_idx !== xi[NW-1:0] || tr_v !== xv[15:0] || tr_z !== xz[0] ||
                            tr_code !== xc[15:0] || tr_sat !== xs[0]) begin
                            mismatch_head;
                            $display(" layer %0d neuron %0d (expected layer %0d neuron %0d, twin step %0d layer %0d neuron %0d)",
                                     tr_layer, tr_idx, nxl, nxi, xt, xl, xi);
                            describe;
                            $display("  twin: v %0d z %0d code %0d sat %0d   rtl: v %0d z %b code %0d sat %b",
                                     xv, xz, xc, xs, v_s, tr_z, tr_code, tr_sat);
                            if (tr_v === xv[15:0] && tr_z === xz[0] && tr_code === xc[15:0])
                                $display("  the saturation flag differs: rtl %b, twin %0d", tr_sat, xs);
                            if (xl >= 0 && xl < 2 && xi >= 0 && xi < N) begin
                                if (t > 0)
                                    $display("  previous step (twin): v %0d z %0d", prev_v[xl * N + xi],
                                             prev_z[xl * N + xi]);
                                $write("  bias %0d, %0d events this step:", bias_m[xl * N + xi], ne);
                                for (e = 0; e < ne && e < 16; e = e + 1)
                                    $write(" %0d", ev_m[e]);
                                $display("%0s", ne > 16 ? " ..." : "");
                            end
                        end else begin
                            if (verbose)
                                $display("t %0d l %0d i %0d v %0d z %0d code %0d", t, xl, xi, xv, xz, xc);
                            prev_v[xl * N + xi] = xv;
                            prev_z[xl * N + xi] = xz;
                            next = next + 1;
                            nxi = nxi + 1;
                            if (nxi == (nxl == 0 ? n0 : n1)) begin
                                nxi = 0;
                                nxl = nxl + 1;
                            end
                        end
                    end
                end
                if (!stop && !(done === 1'b1)) begin
                    tick;
                    if (cycles - c0 > MAX_CYCLES) begin
                        mismatch_head;
                        $display(": the step never finished");
                    end
                end
            end
            if (!stop && cycles - c0 !== want_cyc) begin
                mismatch_head;
                $display(": %0d cycles, expected %0d", cycles - c0, want_cyc);
            end
            n_upd = n0 + (nl > 1 ? n1 : 0);
            if (!stop && next !== n_upd) begin
                mismatch_head;
                $display(": %0d neuron updates, expected %0d", next, n_upd);
            end
            steps_done = steps_done + 1;
        end
    endtask

    // +fault: a stuck bit in the SG-code, readout or history path (the bench's self-test). Only
    // in the RTL build (sim/icarus.mk defines SGLIF_TRACE): a netlist (sim/netlist.mk) has none
    // of these internal names.
`ifdef SGLIF_TRACE
    reg [8*8-1:0] fault_p;
    reg           sat_late = 1'b0; // +fault=sat: the flag of the previous traced update
    always @(posedge clk)
        if (dut.tr_valid_o === 1'b1)
            sat_late <= dut.f7_sat_q;
    initial begin
        if ($value$plusargs("fault=%s", fault_p)) begin
            $display("tb_cosim: +fault=%0s", fault_p);
            if (fault_p == "sg")
                force dut.x_sg = {{2{dut.f4_v_q[15]}}, dut.f4_v_q} - {3'b000, dut.theta_q} + 18'sd32;
            else if (fault_p == "readout")
                force dut.u_readout.spike_i = 1'b0;
            else if (fault_p == "history")
                force dut.u_hist.raddr_i = hist_raddr ^ 1;
            else if (fault_p == "sat")
                force tr_sat = sat_late;
            else
                $fatal(1, "tb_cosim: +fault=%0s: expected sg, readout, history or sat", fault_p);
        end
    end
`endif

    // +fault_x: an x forced into one RTL value from the 50th update on (the bench's self-test)
    reg [8*8-1:0] fault_x;
    initial begin
        if ($value$plusargs("fault_x=%s", fault_x)) begin
            wait (updates >= 50);
            $display("tb_cosim: +fault_x=%0s: an x forced from update %0d on", fault_x, updates);
            if (fault_x == "v")
                force tr_v[0] = 1'bx;
            else if (fault_x == "sum")
                force ro_sum[0] = 1'bx;
            else if (fault_x == "sat")
                force tr_sat = 1'bx;
            else
                $fatal(1, "tb_cosim: +fault_x=%0s: expected v, sum or sat", fault_x);
        end
    end

    initial begin
        verbose = $test$plusargs("verbose");
        if (!$value$plusargs("cmd=%s", cmd_path) || !$value$plusargs("exp=%s", exp_path))
            $fatal(1, "tb_cosim: +cmd=FILE and +exp=FILE are required");
        fc = $fopen(cmd_path, "r");
        fe = $fopen(exp_path, "r");
        if (fc == 0 || fe == 0)
            $fatal(1, "tb_cosim: cannot open %0s or %0s", cmd_path, exp_path);
        $display("cosim: Icarus, RTL N %0d, N_IN %0d, P %0d lanes, L %0d layers, %0d events per step, SG table %0d entries, %0d classes, history of %0d steps",
                 N, N_IN, P, L, EV_MAX, 1 << SG_AW, N_OUT, HIST_STEPS);
        updates = 0; mismatches = 0; sats = 0; cycles = 0; steps_done = 0; samples = 0;
        configs = 0; stop = 1'b0; smp = 0; t = 0; cfg = 0; ne = 0;
        nl = 1; n0 = 1; n1 = 0; n_in = 1; T = 0; reset_mult = 0; theta = 0; k = 0;
        sh_in0 = 0; sh_rec0 = 0; sh_in1 = 0; sh_rec1 = 0;
        sg_ent = 0; sg_bits = 0; sg_shift = 0; sg_lo = 0;
        rtl_sat = 0; ro_sums = 0; ro_preds = 0; hist_words = 0;
        tick;
        tick;
        rst = 1'b0;
        while (!stop) begin
            r = $fscanf(fc, " %c", c);
            if (r !== 1) begin
                $display("tb_cosim: the command file ended without Q");
                mismatches = mismatches + 1;
                stop = 1'b1;
            end else case (c)
                "D": begin
                    r = $fscanf(fc, "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d", cfg, nl,
                                n0, n1, n_in, T, reset_mult, theta, k, sh_in0, sh_rec0, sh_in1,
                                sh_rec1, sg_ent, sg_bits, sg_shift, sg_lo);
                    configs = configs + 1;
                    smp = -1;
                    if (verbose)
                        describe;
                end
                "W": begin
                    r = $fscanf(fc, "%d %d %d", a0, a1, a2);
                    case (a0)
                        2: bias_m[(L > 1 ? (a1 >> NW) * N : 0) + (a1 & ((1 << NW) - 1))] =
                               a2 > 32767 ? a2 - 65536 : a2;
                        5: ev_m[a1] = a2;
                        default: ;
                    endcase
                    write(a0, a1, a2);
                end
                "C": begin
                    smp = smp + 1;
                    rtl_sat = 0;
                    clear = 1'b1;
                    tick;
                    clear = 1'b0;
                    while (!(done === 1'b1))
                        tick;
                end
                "S": begin
                    r = $fscanf(fc, "%d %d %d", t, ne, want_cyc);
                    run_step;
                end
                "E": begin
                    r = $fscanf(fc, "%d %d %d", a0, x_pred, n_cls);
                    if (!stop && rtl_sat !== a0) begin
                        mismatch_head;
                        $display(": %0d saturations in the RTL, %0d in the twin", rtl_sat, a0);
                    end
                    // the hardware readout: every class sum through the read port, then the
                    // prediction
                    for (i = 0; i < n_cls; i = i + 1) begin
                        r = $fscanf(fc, "%d", x_sum);
                        ro_class = i[CW-1:0];
                        #1;
                        if (!stop) begin
                            ro_sums = ro_sums + 1;
                            if (ro_sum !== x_sum[31:0]) begin
                                mismatch_head;
                                $display(": readout class %0d: rtl %0d, twin %0d", i,
                                         $signed(ro_sum), x_sum);
                                describe;
                            end
                        end
                    end
                    if (!stop) begin
                        ro_preds = ro_preds + 1;
                        if (pred !== x_pred[CW-1:0]) begin
                            mismatch_head;
                            $display(": predicted class: rtl %0d, twin %0d (of %0d)", pred,
                                     x_pred, n_cls);
                        end
                    end
                    // the history, read back: {z, code} at {t, i} for the recorded steps
                    t_hist = T < HIST_STEPS ? T : HIST_STEPS;
                    if (!stop && hist_steps !== t_hist[HW:0]) begin
                        mismatch_head;
                        $display(": history holds %0d steps, expected %0d", hist_steps, t_hist);
                    end
                    for (xl = 0; xl < nl && !stop; xl = xl + 1) begin
                        ln = xl == 0 ? n0 : n1;
                        for (a1 = 0; a1 < t_hist && !stop; a1 = a1 + 1)
                            for (i = 0; i < ln && !stop; i = i + 1) begin
                                hist_raddr = (((L > 1 ? xl : 0) << HW | a1) << NW) | i;
                                repeat (HIST_LAT) tick;
                                hist_words = hist_words + 1;
                                if (hist_rdata[16] !== hz_m[(xl * HIST_STEPS + a1) * N + i][0] ||
                                    hist_rdata[15:0] !== hc_m[(xl * HIST_STEPS + a1) * N + i][15:0]) begin
                                    t = a1;
                                    mismatch_head;
                                    $display(": history layer %0d neuron %0d: rtl z %0d code %0d, twin z %0d code %0d",
                                             xl, i, hist_rdata[16], hist_rdata[15:0],
                                             hz_m[(xl * HIST_STEPS + a1) * N + i],
                                             hc_m[(xl * HIST_STEPS + a1) * N + i]);
                                end
                            end
                    end
                    samples = samples + 1;
                end
                "Q": begin
                    r = $fscanf(fe, "%d", xt);
                    if (r == 1) begin
                        $display("tb_cosim: the expected trace has updates the RTL never made");
                        mismatches = mismatches + 1;
                    end
                    stop = 1'b1;
                end
                default: begin
                    $display("tb_cosim: unknown command '%c'", c[7:0]);
                    mismatches = mismatches + 1;
                    stop = 1'b1;
                end
            endcase
        end
        finish_run;
    end
endmodule

`default_nettype wire
