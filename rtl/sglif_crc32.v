// SPDX-License-Identifier: MIT
// sglif_crc32: one byte of the CRC-32 of IEEE 802.3 / zlib's crc32() (reflected polynomial
// 0xEDB88320, register preset to all ones, result inverted), combinational. The running value
// crc_i / crc_o is the register itself: start from 32'hFFFFFFFF, feed the bytes in order, and
// the CRC of the message is ~crc_o (docs/protocol.md, "Framing"). "123456789" gives CBF43926.
`default_nettype none

module sglif_crc32 (
    input  wire [31:0] crc_i,
    input  wire [7:0]  byte_i,
    output wire [31:0] crc_o
);
    // eight steps of the bitwise algorithm, unrolled: XOR the byte into the low bits, then
    // shift right eight times, XORing the polynomial when the bit shifted out is 1
    reg [31:0] c;
    integer b;
    always @(*) begin
        c = crc_i ^ {24'd0, byte_i};
        for (b = 0; b < 8; b = b + 1)
            c = {1'b0, c[31:1]} ^ (c[0] ? 32'hEDB88320 : 32'h0);
    end
    assign crc_o = c;
endmodule

`default_nettype wire
