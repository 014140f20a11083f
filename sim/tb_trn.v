// SPDX-License-Identifier: MIT
// tb_trn: make trn-icarus, the training engine in the device under Icarus: the request frames
// of a make trn-test run (sim/trn_test.cpp +record=FILE, a run whose every reply matched the
// twin's rule) fed into rtl/sglif_device.v (ENGINE = 1, BYTE_IO = 1) one byte a cycle, and
// every byte of every reply compared (!==) with the reply recorded. Plus-arg +vec=FILE.
// Prints `trn-icarus: <F> requests, <B> reply bytes compared, <M> mismatches` and PASS / FAIL.
`include "sglif_core_map_defs.vh"
`default_nettype none

module tb_trn;
    parameter integer N = 32, N_IN = 16, N_OUT = 6, HIST_STEPS = 24, P = 4, EV_AW = 8;
    parameter integer E_N = 32, E_IN = 16, E_P = 4, E_ES_AW = 10, E_EMEM_LUT = 1;
    reg        clk = 1'b0, rst = 1'b1;
    reg  [7:0] rx_byte = 8'd0;
    reg        rx_valid = 1'b0;
    wire [7:0] tx_byte;
    wire       tx_valid, uart_tx, rx_err, busy, link_busy;
    sglif_device #(.N(N), .N_IN(N_IN), .N_OUT(N_OUT), .HIST_STEPS(HIST_STEPS), .P(P),
                   .EV_AW(EV_AW), .ENGINE(1), .E_N(E_N), .E_IN(E_IN), .E_P(E_P),
                   .E_ES_AW(E_ES_AW), .E_EMEM_LUT(E_EMEM_LUT), .BYTE_IO(1)) dut (
        .clk_i(clk), .rst_i(rst), .uart_rx_i(1'b1), .uart_tx_o(uart_tx), .rx_byte_i(rx_byte),
        .rx_valid_i(rx_valid), .tx_byte_o(tx_byte), .tx_valid_o(tx_valid), .tx_ready_i(1'b1),
        .rx_err_o(rx_err), .busy_o(busy), .link_busy_o(link_busy));
    always #5 clk = ~clk;

    // The block RAMs start at 0, as the FPGA's configuration leaves them (Verilator's models
    // start at 0 too): the synapse masters of the lanes beyond the neurons in use and the W_out
    // masters of the classes beyond those in use are read (times a gv or an error of 0) and
    // never written; the gradient bank (sglif_bwd_accum's g_bank, one memory a group of
    // AG = min(E_P, ACC_GROUP) lanes) is added into. A lane's synapse memories hold SYN_WORDS words.
    localparam integer SYN_WORDS = 1 << ($clog2(E_IN + E_N) + $clog2(E_N / E_P));
    localparam integer ACC_NG = E_P / (E_P < `SGLIF_ACC_GROUP ? E_P : `SGLIF_ACC_GROUP);
    genvar gl;
    generate
        for (gl = 0; gl < E_P; gl = gl + 1) begin : g_init
            integer a;
            initial
                for (a = 0; a < SYN_WORDS; a = a + 1)
                    dut.g_engine.u_trainer.g_wm[gl].mem[a] = 16'd0;
        end
        for (gl = 0; gl < ACC_NG; gl = gl + 1) begin : g_acc_clr
            integer a;
            initial
                for (a = 0; a < SYN_WORDS; a = a + 1)
                    dut.g_engine.u_trainer.u_eng.u_walk.u_acc.g_bank[gl].mem[a] = 0;
        end
        for (gl = 0; gl < (1 << $clog2(N_OUT)); gl = gl + 1) begin : g_init_o
            integer a;
            initial
                for (a = 0; a < E_N; a = a + 1)
                    dut.g_engine.u_trainer.g_om[gl].mem[a] = 16'd0;
        end
    endgenerate
    integer fd, n, i, k, reqs, bytes, mism, code;
    reg [7:0] kind;
    reg [7:0] want [0:4095];
    reg [8*256-1:0] vec;
    integer wait_c;
    initial begin
        if (!$value$plusargs("vec=%s", vec)) begin
            $display("trn-icarus: FAIL (no +vec=FILE)");
            $finish;
        end
        fd = $fopen(vec, "r");
        if (fd == 0) begin
            $display("trn-icarus: FAIL (cannot read the vectors)");
            $finish;
        end
        // the other gradient memories too; nothing else is read before it is written
        for (i = 0; i < E_N; i = i + 1) begin
            dut.g_engine.u_trainer.u_eng.u_walk.u_acc.bias_m[i] = 0;
            dut.g_engine.u_trainer.u_eng.u_walk.u_acc.wout_m[i] = 0;
        end
        dut.g_engine.u_trainer.u_eng.u_walk.u_acc.bout_q = 0;
        reqs = 0; bytes = 0; mism = 0;
        repeat (4) @(posedge clk);
        rst <= 1'b0;
        @(posedge clk);
        while (!$feof(fd) && mism == 0) begin
            code = $fscanf(fd, " %c %d", kind, n);
            if (code == 2 && kind == "S") begin
                for (i = 0; i < n; i = i + 1) begin
                    code = $fscanf(fd, " %h", rx_byte);
                    rx_valid <= 1'b1;
                    @(posedge clk);
                    #1;
                end
                rx_valid <= 1'b0;
                reqs = reqs + 1;
            end else if (code == 2 && kind == "R") begin
                for (i = 0; i < n; i = i + 1)
                    code = $fscanf(fd, " %h", want[i]);
                k = 0;
                wait_c = 0;
                while (k < n && wait_c < 50000000) begin
                    @(posedge clk);
                    #1;
                    wait_c = wait_c + 1;
                    if (tx_valid) begin
                        if (tx_byte !== want[k]) begin
                            if (mism == 0)
                                $display("trn-icarus: MISMATCH request %0d reply byte %0d: device %h, recorded %h",
                                         reqs, k, tx_byte, want[k]);
                            mism = mism + 1;
                        end
                        k = k + 1;
                        bytes = bytes + 1;
                    end
                end
                if (k < n) begin
                    $display("trn-icarus: request %0d: no reply", reqs);
                    mism = mism + 1;
                end
            end
        end
        $display("trn-icarus: %0d requests, %0d reply bytes compared, %0d mismatches", reqs, bytes, mism);
        $display("trn-icarus: %s", mism == 0 && reqs > 0 ? "PASS" : "FAIL");
        $finish;
    end
    wire unused = &{1'b0, uart_tx, rx_err, busy, link_busy};
endmodule

`default_nettype wire
