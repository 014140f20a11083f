// SPDX-License-Identifier: MIT
// sglif_frame_rx: the frame decoder of the link (docs/protocol.md, "Framing"). Bytes from the
// UART receiver are parsed as
//   SOF (0xA5) | cmd | seq | len[7:0] | len[15:8] | payload (len bytes) | crc32 (4 bytes, LSB first)
// with the CRC-32 of zlib over cmd .. the last payload byte. The payload goes into a buffer
// RAM; nothing of a frame is handed on before its CRC has been checked, so a damaged frame
// changes nothing. Then ok_o pulses with cmd_o, seq_o and len_o held, the payload readable at
// buf_raddr_i (registered read, one cycle), and the decoder ignores the line until release_i
// (the host waits for the reply before it sends the next frame; bytes that arrive meanwhile
// are dropped and counted). bad_o pulses, with bad_code_o, for a frame that is thrown away:
//   1 CRC mismatch, 2 length above MAX_LEN, 3 timeout (no byte for IDLE_CYCLES in a frame).
// Bytes outside a frame that are not SOF are skipped: after garbage or a thrown-away frame the
// decoder looks for the next SOF, so the next valid frame is taken. `define SGLIF_FAULT_LEN
// refuses a payload of exactly MAX_LEN bytes (an off-by-one for the harness's self-test).
`default_nettype none

module sglif_frame_rx #(
    parameter integer MAX_LEN     = 1024,     // largest payload, a power of two
    parameter integer IDLE_CYCLES = 120000    // mid-frame silence that abandons the frame
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire [7:0]    byte_i,
    input  wire          byte_valid_i,
    output reg           ok_o,
    output reg           bad_o,
    output reg  [1:0]    bad_code_o,
    output reg  [7:0]    cmd_o,
    output reg  [7:0]    seq_o,
    output reg  [15:0]   len_o,
    output wire          held_o,           // a checked frame is held (from ok_o to release_i)
    input  wire          release_i,
    input  wire [BW-1:0] buf_raddr_i,
    output wire [7:0]    buf_rdata_o,
    output reg  [15:0]   dropped_o        // bytes dropped while a frame was held (saturating)
);
    localparam integer BW = MAX_LEN > 1 ? $clog2(MAX_LEN) : 1;
    localparam integer TW = $clog2(IDLE_CYCLES + 1);
    localparam [7:0] SOF = 8'hA5;
    localparam [2:0] S_SOF = 3'd0, S_CMD = 3'd1, S_SEQ = 3'd2, S_LEN0 = 3'd3, S_LEN1 = 3'd4,
                     S_PAY = 3'd5, S_CRC = 3'd6, S_HELD = 3'd7;

    reg [2:0]    state_q;
    reg [31:0]   crc_q;           // running CRC register over cmd .. payload .. CRC bytes
    reg [BW:0]   cnt_q;           // payload bytes received / CRC bytes received
    reg          pay_last_q;      // the next payload byte is the last (registered compare)
    reg [TW-1:0] idle_q;
    wire [31:0]  crc_next;

    sglif_crc32 u_crc (.crc_i(crc_q), .byte_i(byte_i), .crc_o(crc_next));

    assign held_o = state_q == S_HELD;
    wire take     = byte_valid_i && state_q != S_HELD;
    wire buf_we   = take && state_q == S_PAY;
    wire in_frame = state_q != S_SOF && state_q != S_HELD;

    sglif_ram #(.DW(8), .AW(BW)) u_buf (
        .clk_i(clk_i), .we_i(buf_we), .waddr_i(cnt_q[BW-1:0]), .wdata_i(byte_i),
        .raddr_i(buf_raddr_i), .rdata_o(buf_rdata_o));

    // the CRC register runs over the received CRC bytes too: over a message followed by its
    // CRC-32 (LSB first) it ends at the constant residue 0xDEBB20E3 (zlib's crc32 of the whole
    // is 0x2144DF1C), whatever the message; so no received CRC is stored or compared
    localparam [31:0] RESIDUE = 32'hDEBB20E3;
    wire [16+BW:0] len_x = {{(BW+1){1'b0}}, len_o};
    wire unused_ok = &{1'b0, len_x[16+BW:BW+1]};

    always @(posedge clk_i) begin
        ok_o  <= 1'b0;
        bad_o <= 1'b0;
        if (rst_i) begin
            state_q    <= S_SOF;
            idle_q     <= {TW{1'b0}};
            dropped_o  <= 16'd0;
            bad_code_o <= 2'd0;
        end else begin
            if (byte_valid_i && state_q == S_HELD && dropped_o != 16'hFFFF)
                dropped_o <= dropped_o + 1'b1;
            if (!in_frame || take)
                idle_q <= {TW{1'b0}};
            else if (idle_q == IDLE_CYCLES[TW-1:0]) begin
                state_q    <= S_SOF;
                bad_o      <= 1'b1;
                bad_code_o <= 2'd3;
                idle_q     <= {TW{1'b0}};
            end else
                idle_q <= idle_q + 1'b1;
            if (take) begin
                if (state_q != S_SOF)
                    crc_q <= crc_next;
                case (state_q)
                    S_SOF:
                        if (byte_i == SOF) begin
                            state_q <= S_CMD;
                            crc_q   <= 32'hFFFFFFFF;
                        end
                    S_CMD: begin
                        cmd_o   <= byte_i;
                        state_q <= S_SEQ;
                    end
                    S_SEQ: begin
                        seq_o   <= byte_i;
                        state_q <= S_LEN0;
                    end
                    S_LEN0: begin
                        len_o[7:0] <= byte_i;
                        state_q    <= S_LEN1;
                    end
                    S_LEN1: begin
                        len_o[15:8] <= byte_i;
                        cnt_q       <= {(BW+1){1'b0}};
                        pay_last_q  <= {byte_i, len_o[7:0]} == 16'd1;
`ifdef SGLIF_FAULT_LEN
                        if ({byte_i, len_o[7:0]} >= MAX_LEN[15:0]) begin  // self-test: off by one
`else
                        if ({byte_i, len_o[7:0]} > MAX_LEN[15:0]) begin
`endif
                            state_q    <= S_SOF;
                            bad_o      <= 1'b1;
                            bad_code_o <= 2'd2;
                        end else
                            state_q <= {byte_i, len_o[7:0]} == 16'd0 ? S_CRC : S_PAY;
                    end
                    S_PAY: begin
                        cnt_q      <= cnt_q + 1'b1;
                        pay_last_q <= cnt_q + {{(BW-1){1'b0}}, 2'd2} == len_x[BW:0];  // (len_o <= MAX_LEN here)
                        if (pay_last_q) begin
                            state_q <= S_CRC;
                            cnt_q   <= {(BW+1){1'b0}};
                        end
                    end
                    S_CRC: begin
                        cnt_q    <= cnt_q + 1'b1;
                        if (cnt_q[1:0] == 2'd3) begin
                            if (crc_next == RESIDUE) begin
                                state_q <= S_HELD;
                                ok_o    <= 1'b1;
                            end else begin
                                state_q    <= S_SOF;
                                bad_o      <= 1'b1;
                                bad_code_o <= 2'd1;
                            end
                        end
                    end
                    default: ;
                endcase
            end else if (state_q == S_HELD && release_i)
                state_q <= S_SOF;
        end
    end
endmodule

`default_nettype wire
