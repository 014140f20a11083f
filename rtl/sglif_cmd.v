// SPDX-License-Identifier: MIT
// sglif_cmd: the device's command executor (docs/protocol.md, "Commands"), first part: the
// memory commands. It takes the frames that sglif_frame_rx has checked, carries out the
// command on a memory port (the core's configuration port, which writes, and its read-back,
// which returns a word RD_LAT cycles after its address) and answers through sglif_frame_tx.
//   - Nothing changes before the whole request has been checked (length, select, range); a
//     request that fails a check is answered with an error status and changes nothing.
//   - A frame the decoder threw away for its CRC or its length is answered ERR_CRC / ERR_LEN
//     (with the seq byte as received) if the executor is idle then; a frame abandoned on a
//     timeout gets no answer. A checked frame waits in the decoder (held_i) until the
//     executor is done with the one before, so none is missed.
//   - A request that changes state (WRITE_MEM, SOFT_RESET) with the seq of the last request
//     carried out (of any kind) is a retry whose reply was lost: it is answered DUP and not
//     carried out again. Reads are carried out every time.
// Payload bytes come from the frame buffer one at a time: its address is the position pos_q
// (set by a state *_A, held for two cycles: a_wait_q), the data is registered (bq) and used by
// the state *_D two cycles after the address (the block RAM's clock-to-out gets a cycle of its
// own; on ECP5 it ran on into the RUN walker); RUN's check walk (S_RUN_C) streams them instead,
// a new address every cycle, its checks pipelined behind. The request's checks (range, duplicate,
// READ_HISTORY's bounds) are registered in two stages (S_CHECK, S_CHECK2) before S_DISPATCH
// decides on them.
// Memories: 16-bit words, select 0..15 (8..15: the training engine's, ENGINE = 1); SEL_DEPTH
// packs the words of each select (0: none, at most 2^AW), READ_MASK the selects that can be
// read back, MODEL_MASK those of 0..7 that MODEL_CRC covers (in select and address order, low byte first; CRC-32 as zlib's, computed in the frame
// encoder's CRC unit while the encoder is idle: crc_init_o, crc_we_o / crc_byte_o, crc_i).
// Sized for the iCE40 UP5K: address checks at the memory's address width (AW + 1 bits, not
// 32), lengths and positions at the frame buffer's width, the reply byte registered.
`default_nettype none

module sglif_cmd #(
    parameter integer BW         = 10,      // frame buffer address bits
    parameter integer AW         = 16,      // memory address bits
    parameter integer RD_LAT     = 2,       // read-back latency, cycles (1..15)
    parameter [511:0] SEL_DEPTH  = 512'd0,  // words of select s at [32 s +: 32]
    parameter [15:0]  READ_MASK  = 16'h0000,
    parameter [7:0]   MODEL_MASK = 8'h00,
    parameter [271:0] IDENT      = 272'd0,  // the IDENTIFY reply: 34 bytes, byte 0 at [7:0] (bytes
                                            // 0, 1: PROTOCOL_VERSION, from host/protocol.csv)
    // the core that RUN and READ_OUTPUT drive (docs/rtl.md)
    parameter integer EV_AW      = 8,       // its event list holds 2^EV_AW events of a step
    parameter integer N_IN       = 32,      // input channels
    parameter integer N_OUT      = 10,      // classes
    parameter integer EV_SEL     = 5,       // the event list's select
    // the core's history (READ_HISTORY): neurons per layer, steps recorded, layers
    parameter integer HN         = 64,
    parameter integer HIST_STEPS = 64,
    parameter integer HL         = 1,
    // the training engine (TRAIN, UPDATE, READ_STATS; without it ERR_CMD)
    parameter integer ENGINE     = 0
) (
    input  wire          clk_i,
    input  wire          rst_i,
    // sglif_frame_rx
    input  wire          held_i,         // a checked frame waits in the decoder
    input  wire          bad_i,
    input  wire [1:0]    bad_code_i,
    input  wire [7:0]    cmd_i,
    input  wire [7:0]    seq_i,
    input  wire [15:0]   len_i,
    output reg           release_o,
    output wire [BW-1:0] buf_raddr_o,    // = the position of the byte being read
    input  wire [7:0]    buf_rdata_i,
    // sglif_frame_tx
    output reg           tx_start_o,
    output reg  [7:0]    tx_code_o,
    output reg  [7:0]    tx_seq_o,
    output reg  [15:0]   tx_len_o,
    input  wire          tx_busy_i,
    output reg  [7:0]    tx_pay_o,
    output reg           tx_pay_valid_o,
    input  wire          tx_pay_ready_i,
    // the frame encoder's CRC unit, lent to MODEL_CRC while the encoder is idle
    output reg           crc_init_o,     // its register to all ones
    output reg           crc_we_o,       // its register takes crc_byte_o
    output reg  [7:0]    crc_byte_o,
    input  wire [31:0]   crc_i,          // its register
    // memory port
    output reg           soft_rst_o,     // one-cycle pulse: SOFT_RESET
    output reg           mem_we_o,
    output reg  [3:0]    mem_sel_o,      // write and read select
    output reg  [AW-1:0] mem_addr_o,     // write and read address
    output reg  [15:0]   mem_wdata_o,
    input  wire [15:0]   mem_rdata_i,    // the word at mem_sel_o / mem_addr_o, RD_LAT later
    // the core's step port: clear, start a step over the first n_ev events of the event list
    // (core_last_o: it is the RUN's last, set with the count and held until the next step),
    // done; the readout's read port (class sums, prediction)
    output reg           core_clear_o,
    output reg           core_start_o,
    output reg  [EV_AW:0] core_n_ev_o,
    output reg           core_last_o,    // the step being started is the RUN's last
    input  wire          core_done_i,
    output wire [CW-1:0] ro_class_o,
    input  wire [31:0]   ro_sum_i,
    input  wire [CW-1:0] pred_i,
    input  wire          core_busy_i,    // the core is running (READ_HISTORY: ERR_BUSY)
    // the core's history: restart it at step 0 (every RUN, before its first step); its read
    // port, {layer (HL = 2 only), step, neuron} -> {z, code} a cycle later; steps recorded
    output reg           hist_clear_o,
    output wire [HA-1:0] hist_raddr_o,
    input  wire [16:0]   hist_rdata_i,
    input  wire [HW:0]   hist_steps_i,
    // the training engine: RUN's event writes (run_ev_o with mem_wdata_o, the channel),
    // TRAIN (label on eng_arg_o[7:0]) and UPDATE (lr_t on eng_arg_o) started, done; the label's
    // check (classes in use - 1, the latest RUN trainable); READ_STATS' words and their zeroing
    output reg           run_ev_o,
    output reg           eng_train_o,
    output reg           eng_update_o,
    output reg  [15:0]   eng_arg_o,
    input  wire          eng_done_i,
    input  wire [7:0]    eng_c_last_i,
    input  wire          eng_ok_i,
    input  wire          eng_busy_i,
    output reg           eng_stats_clr_o,
    input  wire [159:0]  eng_stats_i,
    output wire          busy_o          // a request is being carried out or answered
);
`include "sglif_protocol.vh"

    localparam integer CW = N_OUT > 1 ? $clog2(N_OUT) : 1;
    localparam integer NW = HN > 1 ? $clog2(HN) : 1;
    localparam integer HW = HIST_STEPS > 1 ? $clog2(HIST_STEPS) : 1;
    localparam integer LB = HL > 1 ? 1 : 0;
    localparam integer HA = LB + HW + NW;
    localparam [15:0] EV_MAX = 16'd1 << EV_AW;
    localparam integer LW = BW + 1;                 // a payload length, 0 .. MAX_LEN
    localparam integer EW = (AW > 16 ? AW : 16) + 1; // addr + n
    localparam [LW-1:0] L2 = 2, L4 = 4, L6 = 6, L8 = 8;
    localparam [4:0] S_IDLE = 5'd0, S_HDR_A = 5'd1, S_HDR_D = 5'd2, S_DISPATCH = 5'd3,
                     S_WR_A = 5'd4, S_WR_D = 5'd5, S_CRC_W = 5'd6, S_REPLY = 5'd7,
                     S_PAY = 5'd8, S_RD_W = 5'd9, S_END = 5'd10, S_RUN_A = 5'd11,
                     S_RUN_D = 5'd12, S_CLEAR = 5'd13, S_STEP = 5'd14, S_STEP_W = 5'd15,
                     S_H_A = 5'd16, S_H_D = 5'd17, S_CRC_H = 5'd18, S_CRC_F = 5'd19,
                     S_CHECK = 5'd20, S_CHECK2 = 5'd21, S_ENG_W = 5'd22, S_RUN_C = 5'd23;
    localparam [2:0] R_NONE = 3'd0, R_IDENT = 3'd1, R_MEM = 3'd2, R_U32 = 3'd3, R_OUT = 3'd4,
                     R_HIST = 3'd5, R_STATS = 3'd6;
    reg [159:0] stats_q;            // READ_STATS: the words as they were at the request
    always @(posedge clk_i)
        if (state_q == S_DISPATCH) begin
            stats_q   <= eng_stats_i;
            eng_arg_o <= {hdr_q[1], hdr_q[0]};  // TRAIN's label, UPDATE's lr_t
        end

    reg [4:0]  state_q;
    reg [7:0]  cmd_q, seq_q, last_seq_q;
    reg        last_valid_q;
    reg [LW-1:0] len_q, pos_q;      // payload length, position of the byte being read
    reg [7:0]  hdr_q [0:7];         // the first eight payload bytes
    reg [7:0]  lo_q;                // WRITE_MEM: low byte of the word being assembled
    reg [2:0]  rsrc_q;              // reply payload source
    reg [15:0] rlen_q, k_q;         // reply payload length, bytes offered so far
    reg [15:0] word_q;              // R_MEM: the word being sent
    reg [31:0] u32_q;               // R_U32: the value being sent (the model CRC, a request's cycles)
    reg [3:0]  wait_q;              // read-back latency counter
    reg        a_wait_q;            // a state *_A's first cycle is over (the buffer has the address)
    reg [7:0]  bq;                  // the buffer's byte, registered
    reg [1:0]  hw_q;                // S_H_A's cycles
    reg [16:0] hq;                  // the history's word, registered (its RAM is many block
                                    // RAMs on ECP5: their output mux gets a cycle of its own)
    // RUN: the payload is walked twice, pass 0 checks every count and channel (S_RUN_C, a byte
    // a cycle), pass 1 runs (S_RUN_A / S_RUN_D)
    reg        in_ch_q;             // the walker expects channels (else a step's count)
    reg [EV_AW:0] left_q16;         // channels still to come in this step
    reg [EV_AW:0] ev_q;             // events of this step so far (pass 1: the next list entry)
    wire [31:0] ev_addr = {{(31-EV_AW){1'b0}}, ev_q};
    wire [15+LW:0] len_ix = {{LW{1'b0}}, len_i};
    wire [15:0] val16   = {bq, lo_q};       // the value complete at an odd position
    // READ_HISTORY: u8 layer, u8 0, u16 step, u16 first, u16 n. The reply streams two passes
    // over the neurons first .. first + n - 1: their z bits, eight to a byte, then their codes.
    reg [NW-1:0] hna_q;             // neuron being read
    reg [NW:0]  hk_q, hn_q;         // neurons of this pass read so far, n
    reg [NW-1:0] hfirst_q;
    reg [HW-1:0] hstep_q;
    reg         hlayer_q;
    reg         hpass_q;            // 0 z bits, 1 codes
    reg         hhi_q;              // pass 1: the code's high byte is offered
    reg [2:0]   hbit_q;             // pass 0: bit of the byte being gathered
    reg [7:0]   hz_q;               // pass 0: the byte being gathered
    // (the checks at the history's widths: a step below 2^(HW+1), first and n below 2^(NW+1))
    wire [15+HW:0] hh_step = {{HW{1'b0}}, hdr_q[3], hdr_q[2]};
    wire [15+NW:0] hh_first = {{NW{1'b0}}, hdr_q[5], hdr_q[4]};
    wire [15+NW:0] hh_n    = {{NW{1'b0}}, hdr_q[7], hdr_q[6]};
    wire [NW+1:0] hh_end   = {1'b0, hh_first[NW:0]} + {1'b0, hh_n[NW:0]};
    localparam [NW+1:0] HN_X = HN[NW+1:0];
    wire        hh_layer_bad = HL > 1 ? hdr_q[0][7:1] != 7'd0 : hdr_q[0] != 8'd0;
    wire        hh_bad   = hh_layer_bad || |hh_step[15+HW:HW+1] || hh_step[HW:0] >= hist_steps_i ||
                           |hh_first[15+NW:NW+1] || |hh_n[15+NW:NW+1] || hh_n[NW:0] == {(NW+1){1'b0}} ||
                           hh_end > HN_X;
    // the reply's length: ceil(n / 8) + 2 n, n <= HN
    wire [NW+2:0] hh_size  = {5'd0, hh_n[NW:3]} + {{(NW+2){1'b0}}, hh_n[2:0] != 3'd0} +
                             {1'b0, hh_n[NW:0], 1'b0};
    wire [31:0]   hh_size32 = {{(29-NW){1'b0}}, hh_size};
    wire        hh_big   = hh_size32 > MAX_PAYLOAD;
    generate
        if (HL > 1) begin : g_hl
            assign hist_raddr_o = {hlayer_q, hstep_q, hna_q};
        end else begin : g_h1
            assign hist_raddr_o = {hstep_q, hna_q};
            wire unused_hl = hlayer_q;
        end
    endgenerate

    // header fields (WRITE_MEM / READ_MEM): u8 sel, u8 0, u32 addr, u16 n
    // (the range check at the memory's address width: addr + n <= depth, addr's bits above AW
    // zero; n is READ_MEM's count or WRITE_MEM's words, (len - 6) / 2)
    wire [7:0]  h_sel   = hdr_q[0];
    wire [31:0] h_addr  = {hdr_q[5], hdr_q[4], hdr_q[3], hdr_q[2]};
    wire [15:0] h_n     = {hdr_q[7], hdr_q[6]};
    wire        h_addr_hi = (h_addr >> AW) != 32'd0;
    wire [AW:0] h_depth = h_sel[7:4] == 4'd0 ? SEL_DEPTH[32 * h_sel[3:0] +: AW+1] : {(AW+1){1'b0}};
    wire [15:0] wr_words = {{(16-BW){1'b0}}, len_q[BW:1]} - 16'd3;
    wire [15:0] h_cnt   = cmd_q == CMD_READ_MEM ? h_n : wr_words;
    // stage 1 registers the sum and the depth, stage 2 compares them (on the UP5K the whole
    // check in one cycle was the critical path, 26 MHz)
    wire [EW-1:0] h_end = {{(EW-AW){1'b0}}, h_addr[AW-1:0]} + {{(EW-16){1'b0}}, h_cnt};
    reg  [EW-1:0] h_end_q;
    reg  [AW:0]   h_depth_q;
    reg           h_addr_hi_q;
    wire [EW-1:0] h_depth_x = {{(EW-AW-1){1'b0}}, h_depth_q};
    wire        h_in_range = h_depth_q != {(AW+1){1'b0}} && !h_addr_hi_q && h_end_q <= h_depth_x;
`ifdef SGLIF_FAULT_DUP  // self-test of make cmd-test: retries are carried out again
    wire        mutating   = 1'b0;
`else
    wire        mutating   = cmd_q == CMD_WRITE_MEM || cmd_q == CMD_SOFT_RESET ||
                             cmd_q == CMD_RUN || cmd_q == CMD_TRAIN || cmd_q == CMD_UPDATE;
`endif
    // the position's compares, registered: a *_D state comes two cycles after pos_q changed,
    // S_RUN_A decides on the end of a pass in its second cycle
    reg         last_byte, pos_end_q;
    always @(posedge clk_i) begin
        last_byte <= pos_q + 1'b1 == len_q;
        pos_end_q <= pos_q == len_q;
    end
    // RUN's pass 0 (S_RUN_C) streams the payload: a new address every cycle (pos_q); stage 1,
    // a cycle later, has its byte on buf_rdata_i (c1_q; c1_odd_q its position odd, last_byte
    // its compare), stage 2 the byte in bq with the value checks (c2_q: a value complete, its
    // low byte in lo_q; c2_last_q the payload's last), and the cycle after the last value
    // (c_end_q) decides: a step cut short, or pass 1
    reg         c1_q, c1_odd_q, c2_q, c2_last_q, c_end_q;
    wire        c_issue = state_q == S_RUN_C && pos_q != len_q;
    always @(posedge clk_i) begin
        c1_q      <= c_issue;
        c1_odd_q  <= pos_q[0];
        c2_q      <= state_q == S_RUN_C && c1_q && c1_odd_q;
        c2_last_q <= last_byte;
`ifdef SGLIF_FAULT_RUN_CHK  // self-test of make cmd-test: pass 0 ends before its last value's check
        c_end_q   <= state_q == S_RUN_C && (c2_q ? c2_last_q : c1_q && last_byte);
`else
        c_end_q   <= state_q == S_RUN_C && c2_q && c2_last_q;
`endif
    end
    // RUN: a step starts in S_RUN_D on the payload's byte pos_q (two cycles old there: last_byte
    // is its compare); the payload's last byte starts the RUN's last step
`ifdef SGLIF_FAULT_TRN_LAST  // self-test of make trn-test and cmd-test: every step started as the RUN's last
    wire        run_last = 1'b1;
`else
    wire        run_last = last_byte;
`endif
    // the checks, registered every cycle: S_CHECK and S_CHECK2 wait two cycles after the
    // header's last byte
    reg         dup_q, h_in_range_q, h_rd_ok_q, hh_bad_q, hh_big_q;
    reg [15:0]  hh_size_q;
    reg         k_end_q, hk_end_q;
    reg         len_z_q, len_lt4_q, len_lt6_q, len_6_q, len_8_q, len_2_q;
    reg         lbl_bad_q;
    reg         v_big_q, v_nz_q, v_ch_bad_q;
    always @(posedge clk_i) begin
        bq           <= buf_rdata_i;
        // RUN's value checks, from the buffer's byte as it comes (the odd byte; the low byte
        // lo_q was taken at least two cycles before): registered with bq
        v_big_q      <= {buf_rdata_i, lo_q} > EV_MAX;
        v_nz_q       <= {buf_rdata_i, lo_q} != 16'd0;
        v_ch_bad_q   <= {buf_rdata_i, lo_q} >= N_IN[15:0];
        hq           <= hist_rdata_i;
        dup_q        <= mutating && last_valid_q && seq_q == last_seq_q;
        h_end_q      <= h_end;
        h_depth_q    <= h_depth;
        h_addr_hi_q  <= h_addr_hi;
        h_in_range_q <= h_in_range;
        h_rd_ok_q    <= READ_MASK[h_sel[3:0]] && !h_n[15];
        hh_bad_q     <= hh_bad;
        hh_big_q     <= hh_big;
        hh_size_q    <= hh_size32[15:0];
        // the reply's last byte / the pass's last neuron, registered: k_q and hk_q change at
        // most every other cycle (S_PAY offers a byte before it is taken; S_H_A takes three)
        k_end_q      <= k_q + 16'd1 == rlen_q;
        // the length's checks (len_q is set two or more cycles before S_DISPATCH)
        len_z_q      <= len_q == {LW{1'b0}};
        len_lt4_q    <= len_q < L4 || len_q[0];
        len_lt6_q    <= len_q < L6 || len_q[0];
        len_6_q      <= len_q == L6;
        len_8_q      <= len_q == L8;
        len_2_q      <= len_q == L2;
        lbl_bad_q    <= hdr_q[0] > eng_c_last_i || !eng_ok_i;
        hk_end_q     <= hk_q + 1'b1 == hn_q;
    end

    // MODEL_CRC walks the selects of MODEL_MASK in order
    function [3:0] model_from(input [3:0] s);
        integer m;
        begin
            model_from = 4'd8;
            for (m = 7; m >= 0; m = m - 1)
                if (m >= s && MODEL_MASK[m] && SEL_DEPTH[32 * m +: 32] != 32'd0)
                    model_from = m[3:0];
        end
    endfunction
    wire [3:0]  crc_first = model_from(4'd0);
    wire [3:0]  crc_next_sel = model_from({1'b0, mem_sel_o[2:0]} + 4'd1);
    // the last address of the select being read (a select of MODEL_CRC has words)
    wire [AW:0] sel_depth = SEL_DEPTH[32 * mem_sel_o +: AW+1];
    wire [AW:0] sel_last  = sel_depth - 1'b1;
    // registered: S_CRC_H uses them at least RD_LAT + 1 cycles after the address was set
    reg         addr_last_q;
    reg  [3:0]  crc_next_q;
    always @(posedge clk_i) begin
        addr_last_q <= mem_addr_o == sel_last[AW-1:0];
        crc_next_q  <= crc_next_sel;
    end

    // READ_OUTPUT: u16 pred, then the int32 sum of each class: the class of byte k registered
    // (ro_class_q), the readout's sum registered (ro_sum_q); S_PAY offers a byte two cycles
    // after k_q changed (pw_q), so both are byte k's (on the UP5K and the ECP5 the path
    // k_q -> class -> the readout's mux -> the byte was critical)
    wire [15:0] k_out = k_q - 16'd2;
    reg  [CW-1:0] ro_class_q;
    reg  [31:0]   ro_sum_q;
    reg  [1:0]    pw_q;
    assign ro_class_o = ro_class_q;
    always @(posedge clk_i) begin
        ro_class_q <= k_out[CW+1:2];
        ro_sum_q   <= ro_sum_i;
        if (state_q != S_PAY || tx_pay_valid_o)
            pw_q <= 2'd0;
        else if (pw_q != 2'd2)
            pw_q <= pw_q + 2'd1;
    end
    wire unused_ok = &{1'b0, PV32[31:16], ev_addr, k_out, sel_last[AW], val16[15:EV_AW+1], len_ix[15+LW:LW]};  // only their low bits are addresses
    wire [15:0] pred16 = {{(16-CW){1'b0}}, pred_i};
    wire [31:0] PV32   = PROTOCOL_VERSION;     // IDENTIFY's first field (IDENT's is not used)
    wire [15:0] PV16   = PV32[15:0];
    reg [7:0] pay_w;
    always @(*) begin
        case (rsrc_q)
            R_IDENT: pay_w = k_q < 16'd2 ? PV16[8 * k_q[0] +: 8] : IDENT[8 * k_q[5:0] +: 8];
            R_U32:   pay_w = u32_q[8 * k_q[1:0] +: 8];
            R_OUT:   pay_w = k_q < 16'd2 ? pred16[8 * k_q[0] +: 8] : ro_sum_q[8 * k_out[1:0] +: 8];
            R_HIST:  pay_w = !hpass_q ? hz_q : hhi_q ? word_q[15:8] : word_q[7:0];
            R_STATS: pay_w = stats_q[8 * k_q[4:0] +: 8];
            default: pay_w = k_q[0] ? word_q[15:8] : word_q[7:0];
        endcase
    end
    assign buf_raddr_o = pos_q[BW-1:0];
    assign busy_o      = state_q != S_IDLE;
    // a request's cycles until its reply is decided: every state but idle and the reply's
    wire        req_cyc = state_q != S_IDLE && state_q != S_REPLY && state_q != S_PAY &&
                          state_q != S_RD_W && state_q != S_H_A && state_q != S_H_D &&
                          state_q != S_END;

    // every request answered OK becomes "the last one carried out": the host gives each new
    // request a seq other than the one before, so only a retry can repeat it
    task reply(input [7:0] st, input [2:0] src, input [15:0] n);
        begin
            if (st == ST_OK) begin
                last_seq_q   <= seq_q;
                last_valid_q <= 1'b1;
            end
            tx_code_o <= st;
            rsrc_q    <= src;
            rlen_q    <= n;
            state_q   <= S_REPLY;
        end
    endtask

    task start_read(input [3:0] s, input [AW-1:0] a);
        begin
            mem_sel_o  <= s;
            mem_addr_o <= a;
            wait_q     <= RD_LAT[3:0];
        end
    endtask

    always @(posedge clk_i) begin
        release_o  <= 1'b0;
        tx_start_o <= 1'b0;
        mem_we_o   <= 1'b0;
        soft_rst_o <= 1'b0;
        core_clear_o <= 1'b0;
        core_start_o <= 1'b0;
        hist_clear_o <= 1'b0;
        crc_init_o   <= 1'b0;
        crc_we_o     <= 1'b0;
        run_ev_o     <= 1'b0;
        eng_train_o  <= 1'b0;
        eng_update_o <= 1'b0;
        eng_stats_clr_o <= 1'b0;
        if (rst_i) begin
            state_q        <= S_IDLE;
            last_valid_q   <= 1'b0;
            tx_pay_valid_o <= 1'b0;
        end else begin
            // RUN's, TRAIN's and UPDATE's answer: every cycle of the request from the one that
            // takes it to the one that decides its reply, both counted (the states below may
            // set u32_q instead: MODEL_CRC's value)
            if (req_cyc)
                u32_q <= u32_q + 32'd1;
            case (state_q)
                S_IDLE:
                    if (held_i && !release_o) begin  // (the frame just released is still held)
                        cmd_q   <= cmd_i;
                        seq_q   <= seq_i;
                        u32_q   <= 32'd1;           // this cycle, the request's first
                        len_q   <= len_ix[LW-1:0];  // (the decoder took at most MAX_LEN)
                        pos_q   <= {LW{1'b0}};
                        a_wait_q <= 1'b0;
                        state_q <= len_i == 16'd0 ? S_CHECK : S_HDR_A;
                    end else if (bad_i && bad_code_i != 2'd3) begin
                        seq_q <= seq_i;
                        reply(bad_code_i == 2'd1 ? ST_ERR_CRC : ST_ERR_LEN, R_NONE, 16'd0);
                    end
                S_HDR_A: begin  // the buffer reads payload byte pos_q (two cycles)
                    a_wait_q <= !a_wait_q;
                    if (a_wait_q)
                        state_q <= S_HDR_D;
                end
                S_HDR_D: begin  // its data
                    hdr_q[pos_q[2:0]] <= bq;
                    pos_q   <= pos_q + 1'b1;
                    state_q <= last_byte || pos_q[2:0] == 3'd7 ? S_CHECK : S_HDR_A;
                end
                S_CHECK:        // the checks of the header are registered (two stages)
                    state_q <= S_CHECK2;
                S_CHECK2:
                    state_q <= S_DISPATCH;
                S_DISPATCH:
                    if (dup_q)
                        reply(ST_DUP, R_NONE, 16'd0);
                    else case (cmd_q)
                        CMD_IDENTIFY:
                            if (!len_z_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else
                                reply(ST_OK, R_IDENT, 16'd34);
                        CMD_WRITE_MEM:
                            if (len_lt6_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else if (!h_in_range_q)
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            else begin
                                mem_sel_o    <= h_sel[3:0];
                                mem_addr_o   <= h_addr[AW-1:0];
                                pos_q        <= L6;
                                if (len_6_q)
                                    reply(ST_OK, R_NONE, 16'd0);
                                else
                                    state_q <= S_WR_A;
                            end
                        CMD_READ_MEM:
                            if (!len_8_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else if (!h_in_range_q || !h_rd_ok_q)
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            else begin
                                start_read(h_sel[3:0], h_addr[AW-1:0]);
                                reply(ST_OK, R_MEM, {h_n[14:0], 1'b0});
                            end
                        CMD_MODEL_CRC:
                            if (!len_z_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else if (crc_first > 4'd7) begin
                                u32_q <= 32'd0;   // the CRC-32 of no bytes
                                reply(ST_OK, R_U32, 16'd4);
                            end else begin
                                crc_init_o <= 1'b1;
                                start_read({1'b0, crc_first[2:0]}, {AW{1'b0}});
                                state_q <= S_CRC_W;
                            end
                        CMD_SOFT_RESET:
                            if (!len_z_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else begin
                                soft_rst_o   <= 1'b1;
                                reply(ST_OK, R_NONE, 16'd0);
                            end
                        CMD_RUN: // u8 flags (bit 0: clear first), u8 0, per step: u16 count,
                                 // u16 channel x count
                            if (len_lt4_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else begin
                                pos_q   <= L2;
                                in_ch_q <= 1'b0;
                                state_q <= S_RUN_C;
                            end
                        CMD_READ_HISTORY:
                            if (!len_8_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else if (core_busy_i)
                                reply(ST_ERR_BUSY, R_NONE, 16'd0);
                            else if (hh_bad_q)
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            else if (hh_big_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else begin
                                hlayer_q <= hdr_q[0][0];
                                hstep_q  <= hh_step[HW-1:0];
                                hfirst_q <= hh_first[NW-1:0];
                                hn_q     <= hh_n[NW:0];
                                reply(ST_OK, R_HIST, hh_size_q);
                            end
                        CMD_READ_OUTPUT:
                            if (!len_z_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else
                                reply(ST_OK, R_OUT, 16'd2 + 16'd4 * N_OUT[15:0]);
                        // the training engine: u8 label, u8 0 / u16 lr_t / u8 flags, u8 0
                        CMD_TRAIN, CMD_UPDATE, CMD_READ_STATS:
                            if (ENGINE == 0)
                                reply(ST_ERR_CMD, R_NONE, 16'd0);
                            else if (!len_2_q)
                                reply(ST_ERR_LEN, R_NONE, 16'd0);
                            else if (cmd_q == CMD_READ_STATS) begin
                                eng_stats_clr_o <= hdr_q[0][0];
                                reply(ST_OK, R_STATS, 16'd20);
                            end else if (core_busy_i || eng_busy_i)
                                reply(ST_ERR_BUSY, R_NONE, 16'd0);
                            else if (cmd_q == CMD_TRAIN ? lbl_bad_q : {hdr_q[1], hdr_q[0]} == 16'd0)
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            else begin
                                eng_train_o  <= cmd_q == CMD_TRAIN;
                                eng_update_o <= cmd_q == CMD_UPDATE;
                                state_q      <= S_ENG_W;
                            end
                        default:
                            reply(ST_ERR_CMD, R_NONE, 16'd0);
                    endcase
                S_ENG_W:        // the engine runs
                    if (eng_done_i && !eng_train_o && !eng_update_o)
                        reply(ST_OK, R_U32, 16'd4);
                // RUN's pass 1: the walker, a payload byte every three cycles; a value is
                // complete at an odd position (low byte first); its end is seen in S_RUN_A
                S_RUN_A:
                    if (!a_wait_q)
                        a_wait_q <= 1'b1;
                    else if (!pos_end_q) begin
                        a_wait_q <= 1'b0;
                        state_q  <= S_RUN_D;
                    end else                                // every step ran
                        reply(ST_OK, R_U32, 16'd4);
                // RUN's pass 0: a byte a cycle (the pipeline above); it stops at the first count
                // above 2^EV_AW or channel >= N_IN (ERR_ADDR), two cycles after its byte
                S_RUN_C: begin
                    if (c_issue)
                        pos_q <= pos_q + 1'b1;
                    if (c1_q && !c1_odd_q)
                        lo_q <= buf_rdata_i;
                    if (c_end_q) begin
                        if (in_ch_q)                        // a step cut short
                            reply(ST_ERR_LEN, R_NONE, 16'd0);
                        else begin                          // pass 0 done: run
                            a_wait_q     <= 1'b0;
                            pos_q        <= L2;
`ifdef SGLIF_FAULT_TRN_CYC  // self-test of make trn-test and cmd-test: RUN's count leaves out the check pass
                            u32_q        <= 32'd0;
`endif
                            core_clear_o <= hdr_q[0][0];
`ifdef SGLIF_FAULT_HIST  // self-test of make cmd-test: a RUN without a clear keeps the history
                            hist_clear_o <= hdr_q[0][0];
`else
                            hist_clear_o <= 1'b1;   // the history holds this RUN's steps
`endif
                            state_q      <= hdr_q[0][0] ? S_CLEAR : S_RUN_A;
                        end
                    end else if (c2_q) begin
                        if (!in_ch_q) begin                 // a step's count
                            left_q16 <= val16[EV_AW:0];
                            if (v_big_q)                    // a count too large
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            else if (v_nz_q)
                                in_ch_q <= 1'b1;
                        end else begin                      // a channel
                            if (v_ch_bad_q)                 // a channel too large
                                reply(ST_ERR_ADDR, R_NONE, 16'd0);
                            left_q16 <= left_q16 - 1'b1;
                            if (left_q16 == {{EV_AW{1'b0}}, 1'b1})
                                in_ch_q <= 1'b0;
                        end
                    end
                end
                S_RUN_D: begin  // (every count and channel passed pass 0's checks)
                    pos_q   <= pos_q + 1'b1;
                    state_q <= S_RUN_A;
                    if (!pos_q[0])
                        lo_q <= bq;
                    else if (!in_ch_q) begin // a step's count
                        left_q16 <= val16[EV_AW:0];
                        ev_q     <= {(EV_AW+1){1'b0}};
                        if (v_nz_q)
                            in_ch_q <= 1'b1;
                        else begin
                            core_n_ev_o <= {(EV_AW+1){1'b0}};
                            core_last_o <= run_last;
                            state_q     <= S_STEP;
                        end
                    end else begin           // a channel, into the core's event list, entry ev_q
                        left_q16    <= left_q16 - 1'b1;
                        ev_q        <= ev_q + 1'b1;
                        mem_we_o    <= 1'b1;
                        mem_sel_o   <= EV_SEL[3:0];
                        run_ev_o    <= 1'b1;
                        mem_addr_o  <= ev_addr[AW-1:0];
                        mem_wdata_o <= {bq, lo_q};
                        if (left_q16 == {{EV_AW{1'b0}}, 1'b1}) begin
                            in_ch_q     <= 1'b0;
                            core_n_ev_o <= ev_q + 1'b1;
                            core_last_o <= run_last;
                            state_q     <= S_STEP;
                        end
                    end
                end
                S_CLEAR:
                    if (core_done_i)
                        state_q <= S_RUN_A;
                S_STEP: begin   // the last event's write has landed: start the step
                    core_start_o <= 1'b1;
                    state_q      <= S_STEP_W;
                end
                S_STEP_W:       // the core runs the step
                    if (core_done_i && !core_start_o)
                        state_q <= S_RUN_A;
                // WRITE_MEM: two payload bytes a word, written at consecutive addresses
                S_WR_A: begin
                    if (mem_we_o)   // the word before went to mem_addr_o in this cycle
                        mem_addr_o <= mem_addr_o + 1'b1;
                    a_wait_q <= !a_wait_q;
                    if (a_wait_q)
                        state_q <= S_WR_D;
                end
                S_WR_D: begin
                    pos_q <= pos_q + 1'b1;
                    if (!pos_q[0])
                        lo_q <= bq;
                    else begin
                        mem_we_o    <= 1'b1;
                        mem_wdata_o <= {bq, lo_q};
                    end
                    if (last_byte)
                        reply(ST_OK, R_NONE, 16'd0);
                    else
                        state_q <= S_WR_A;
                end
                // MODEL_CRC: one word every RD_LAT + 2 cycles, its bytes into the encoder's CRC
                // unit one cycle each
                S_CRC_W:
                    if (wait_q != 4'd0)
                        wait_q <= wait_q - 4'd1;
                    else begin
                        word_q     <= mem_rdata_i;
                        crc_we_o   <= 1'b1;
                        crc_byte_o <= mem_rdata_i[7:0];
                        state_q    <= S_CRC_H;
                    end
                S_CRC_H: begin
                    crc_we_o   <= 1'b1;
                    crc_byte_o <= word_q[15:8];
                    state_q    <= S_CRC_W;
                    if (!addr_last_q)
                        start_read(mem_sel_o, mem_addr_o + 1'b1);
                    else if (crc_next_q <= 4'd7)
                        start_read({1'b0, crc_next_q[2:0]}, {AW{1'b0}});
                    else
                        state_q <= S_CRC_F;
                end
                S_CRC_F:   // the last byte has gone into the register
                    if (!crc_we_o) begin
                        u32_q <= ~crc_i;
                        reply(ST_OK, R_U32, 16'd4);
                    end
                S_REPLY:   // the request's payload is no longer needed: the decoder may
                    if (!tx_busy_i) begin  // take the next frame while this reply goes out
                        release_o  <= 1'b1;
                        tx_start_o <= 1'b1;
                        tx_seq_o   <= seq_q;
                        tx_len_o   <= rlen_q;
                        k_q        <= 16'd0;
                        state_q    <= rlen_q == 16'd0 ? S_END : rsrc_q == R_MEM ? S_RD_W :
                                      rsrc_q == R_HIST ? S_H_A : S_PAY;
                        a_wait_q   <= 1'b0;
                        hna_q      <= hfirst_q;
                        hk_q       <= {(NW+1){1'b0}};
                        hw_q       <= 2'd0;
                        hpass_q    <= 1'b0;
                        hhi_q      <= 1'b0;
                        hbit_q     <= 3'd0;
                        hz_q       <= 8'd0;
                    end
                // READ_HISTORY: the history reads neuron hna_q (S_H_A, three cycles: its
                // latency HIST_LAT = 2), its word is registered (hq) and taken (S_H_D)
                S_H_A:
                    if (hw_q != 2'd2)
                        hw_q <= hw_q + 2'd1;
                    else begin
                        hw_q    <= 2'd0;
                        state_q <= S_H_D;
                    end
                S_H_D: begin
                    if (!hpass_q)
                        hz_q[hbit_q] <= hq[16];
                    word_q <= hq[15:0];
                    hbit_q <= hbit_q + 3'd1;
                    hna_q  <= hna_q + 1'b1;
                    hk_q   <= hk_q + 1'b1;
                    state_q <= hpass_q || hbit_q == 3'd7 || hk_end_q ? S_PAY : S_H_A;
                end
                S_RD_W:  // R_MEM: wait for the word at mem_addr_o
                    if (wait_q != 4'd0)
                        wait_q <= wait_q - 4'd1;
                    else begin
                        word_q  <= mem_rdata_i;
                        state_q <= S_PAY;
                    end
                S_PAY:   // offer byte k_q (registered) until the encoder takes it
                    if (!tx_pay_valid_o) begin
                        if (pw_q == 2'd2) begin
                            tx_pay_valid_o <= 1'b1;
                            tx_pay_o       <= pay_w;
                        end
                    end else if (tx_pay_ready_i) begin
                        tx_pay_valid_o <= 1'b0;
                        k_q <= k_q + 16'd1;
                        if (k_end_q)
                            state_q <= S_END;
                        else if (rsrc_q == R_MEM && k_q[0]) begin
                            start_read(mem_sel_o, mem_addr_o + 1'b1);
                            state_q <= S_RD_W;
                        end else if (rsrc_q == R_HIST) begin
                            if (!hpass_q) begin         // a byte of z bits is out
                                hz_q    <= 8'd0;
                                hbit_q  <= 3'd0;
                                state_q <= S_H_A;
                                if (hk_q == hn_q) begin // every z: now the codes
                                    hpass_q <= 1'b1;
                                    hna_q   <= hfirst_q;
                                    hk_q    <= {(NW+1){1'b0}};
                                end
                            end else if (!hhi_q)        // the code's low byte is out
                                hhi_q <= 1'b1;
                            else begin
                                hhi_q   <= 1'b0;
                                state_q <= S_H_A;
                            end
                        end
                    end
                default: // S_END: the reply is out
                    if (!tx_start_o && !tx_busy_i)
                        state_q <= S_IDLE;
            endcase
        end
    end
endmodule

`default_nettype wire
