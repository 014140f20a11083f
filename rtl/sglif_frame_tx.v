// SPDX-License-Identifier: MIT
// sglif_frame_tx: the frame encoder of the link (docs/protocol.md, "Framing"): on start_i it
// sends SOF (0xA5), code_i (the reply's status), seq_i, len_i (LSB first), then len_i payload
// bytes pulled from pay_data_i with a valid/ready handshake (pay_ready_o high for the cycle a
// byte is taken), then the CRC-32 of code .. payload, LSB first. Output bytes go to the UART
// transmitter (tx_valid_o / tx_ready_i). busy_o is high from start_i to the last CRC byte taken.
// While idle, its CRC unit and register are lent out (the executor's MODEL_CRC): crc_init_i sets
// the register to all ones, crc_we_i feeds it crc_byte_i; crc_o is the register.
`default_nettype none

module sglif_frame_tx (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        start_i,
    input  wire [7:0]  code_i,
    input  wire [7:0]  seq_i,
    input  wire [15:0] len_i,
    output wire        busy_o,
    input  wire [7:0]  pay_data_i,
    input  wire        pay_valid_i,
    output wire        pay_ready_o,
    output wire [7:0]  tx_data_o,
    output wire        tx_valid_o,
    input  wire        tx_ready_i,
    input  wire        crc_init_i,
    input  wire        crc_we_i,
    input  wire [7:0]  crc_byte_i,
    output wire [31:0] crc_o
);
    localparam [7:0] SOF = 8'hA5;
    localparam [2:0] S_IDLE = 3'd0, S_SOF = 3'd1, S_CODE = 3'd2, S_SEQ = 3'd3, S_LEN0 = 3'd4,
                     S_LEN1 = 3'd5, S_PAY = 3'd6, S_CRC = 3'd7;

    reg [2:0]  state_q;
    reg [7:0]  code_q, seq_q;
    reg [15:0] len_q, cnt_q;
    reg [31:0] crc_q;
    wire [31:0] crc_next;

    wire [31:0] crc_out = ~crc_q;
    reg  [7:0]  byte_w;
    always @(*) begin
        case (state_q)
            S_SOF:   byte_w = SOF;
            S_CODE:  byte_w = code_q;
            S_SEQ:   byte_w = seq_q;
            S_LEN0:  byte_w = len_q[7:0];
            S_LEN1:  byte_w = len_q[15:8];
            S_PAY:   byte_w = pay_data_i;
            S_CRC:   byte_w = crc_out[8 * cnt_q[1:0] +: 8];
            default: byte_w = crc_byte_i;   // S_IDLE: the lent CRC unit's byte
        endcase
    end

    assign tx_data_o   = byte_w;
    assign tx_valid_o  = state_q != S_IDLE && (state_q != S_PAY || pay_valid_i);
    assign pay_ready_o = state_q == S_PAY && tx_ready_i;
    assign busy_o      = state_q != S_IDLE;
    wire   sent        = tx_valid_o && tx_ready_i;
    assign crc_o       = crc_q;

    sglif_crc32 u_crc (.crc_i(crc_q), .byte_i(byte_w), .crc_o(crc_next));

    always @(posedge clk_i) begin
        if (rst_i)
            state_q <= S_IDLE;
        else if (state_q == S_IDLE) begin
            if (start_i) begin
                state_q <= S_SOF;
                code_q  <= code_i;
                seq_q   <= seq_i;
                len_q   <= len_i;
                crc_q   <= 32'hFFFFFFFF;
            end else if (crc_init_i)
                crc_q   <= 32'hFFFFFFFF;
            else if (crc_we_i)
                crc_q   <= crc_next;
        end else if (sent) begin
            if (state_q != S_SOF && state_q != S_CRC)
                crc_q <= crc_next;
            case (state_q)
                S_SOF:  state_q <= S_CODE;
                S_CODE: state_q <= S_SEQ;
                S_SEQ:  state_q <= S_LEN0;
                S_LEN0: state_q <= S_LEN1;
                S_LEN1: begin
                    cnt_q   <= 16'd0;
                    state_q <= len_q == 16'd0 ? S_CRC : S_PAY;
                end
                S_PAY: begin
                    cnt_q <= cnt_q + 1'b1;
                    if (cnt_q + 1'b1 == len_q) begin
                        cnt_q   <= 16'd0;
                        state_q <= S_CRC;
                    end
                end
                default: begin // S_CRC
                    cnt_q <= cnt_q + 1'b1;
                    if (cnt_q[1:0] == 2'd3)
                        state_q <= S_IDLE;
                end
            endcase
        end
    end
endmodule

`default_nettype wire
