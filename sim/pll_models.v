// SPDX-License-Identifier: MIT
// Behavioural models of the PLL primitives of the board tops (rtl/sglif_top_*.v), for the
// simulated boards (sim/board.mk, sglif-board --board B): SB_PLL40_PAD and SB_PLL40_CORE
// (iCE40, FEEDBACK_PATH "SIMPLE") and EHXPLLL (ECP5, feedback from CLKOP). A cycle-based
// simulation has no time, so the model does not multiply the clock: the clock the harness
// drives on the reference pin stands for the PLL's output, one harness cycle being one cycle
// at the output frequency. What the model does check and do:
//   - the output frequency its dividers give from the board's oscillator (`SGLIF_PLL_IN_HZ)
//     must be the board table's clock (`SGLIF_PLL_OUT_HZ), and the VCO (ECP5) / VCO and PFD
//     (iCE40) must be within the data sheets' ranges: elaboration stops otherwise;
//   - LOCK stays low for LOCK_CYCLES output cycles after the start (and after RESETB / RST),
//     then rises, as the part's lock does (the reset path of rtl/sglif_board.v waits for it).
`default_nettype none

`ifndef SGLIF_PLL_IN_HZ
`define SGLIF_PLL_IN_HZ 12000000
`endif
`ifndef SGLIF_PLL_OUT_HZ
`define SGLIF_PLL_OUT_HZ 0
`endif

// the primitives' names and ports are the vendors' (and several modules share this file)
/* verilator lint_off DECLFILENAME */
/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
module sglif_pll_lock #(
    parameter integer LOCK_CYCLES = 1000
) (
    input  wire clk_i,
    input  wire rst_i,
    output reg  lock_o = 1'b0
);
    reg [15:0] cnt_q = 16'd0;
    always @(posedge clk_i) begin
        if (rst_i) begin
            cnt_q  <= 16'd0;
            lock_o <= 1'b0;
        end else if (cnt_q != LOCK_CYCLES[15:0])
            cnt_q <= cnt_q + 1'b1;
        else
            lock_o <= 1'b1;
    end
endmodule

// iCE40: F_out = F_in (DIVF + 1) / ((DIVR + 1) 2^DIVQ); PFD F_in / (DIVR + 1) in 10..133 MHz,
// VCO F_out 2^DIVQ in 533..1066 MHz (iCE40 sysCLOCK PLL design guide, SIMPLE feedback)
module sglif_pll_ice40_check #(
    parameter integer DIVR = 0,
    parameter integer DIVF = 0,
    parameter integer DIVQ = 0
);
    localparam real FIN  = `SGLIF_PLL_IN_HZ;
    localparam real PFD  = FIN / (DIVR + 1);
    localparam real VCO  = PFD * (DIVF + 1);
    localparam real FOUT = VCO / (2 ** DIVQ);
    initial begin
        if (PFD < 10.0e6 || PFD > 133.0e6 || VCO < 533.0e6 || VCO > 1066.0e6)
            $fatal(1, "pll: PFD %0f MHz, VCO %0f MHz out of range (DIVR %0d DIVF %0d DIVQ %0d)",
                   PFD / 1.0e6, VCO / 1.0e6, DIVR, DIVF, DIVQ);
        if (FOUT != `SGLIF_PLL_OUT_HZ)
            $fatal(1, "pll: DIVR %0d DIVF %0d DIVQ %0d give %0f Hz from %0d Hz, not the table's %0d Hz",
                   DIVR, DIVF, DIVQ, FOUT, `SGLIF_PLL_IN_HZ, `SGLIF_PLL_OUT_HZ);
    end
endmodule

module SB_PLL40_PAD #(
    parameter FEEDBACK_PATH        = "SIMPLE",
    parameter integer DIVR         = 0,
    parameter integer DIVF         = 0,
    parameter integer DIVQ         = 0,
    parameter integer FILTER_RANGE = 0
) (
    input  wire PACKAGEPIN,
    output wire PLLOUTGLOBAL,
    output wire LOCK,
    input  wire RESETB,
    input  wire BYPASS
);
    sglif_pll_ice40_check #(.DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ)) u_check ();
    assign PLLOUTGLOBAL = PACKAGEPIN;
    sglif_pll_lock u_lock (.clk_i(PACKAGEPIN), .rst_i(!RESETB), .lock_o(LOCK));
endmodule

module SB_PLL40_CORE #(
    parameter FEEDBACK_PATH        = "SIMPLE",
    parameter integer DIVR         = 0,
    parameter integer DIVF         = 0,
    parameter integer DIVQ         = 0,
    parameter integer FILTER_RANGE = 0
) (
    input  wire REFERENCECLK,
    output wire PLLOUTGLOBAL,
    output wire LOCK,
    input  wire RESETB,
    input  wire BYPASS
);
    sglif_pll_ice40_check #(.DIVR(DIVR), .DIVF(DIVF), .DIVQ(DIVQ)) u_check ();
    assign PLLOUTGLOBAL = REFERENCECLK;
    sglif_pll_lock u_lock (.clk_i(REFERENCECLK), .rst_i(!RESETB), .lock_o(LOCK));
endmodule

// ECP5, feedback from CLKOP: F_out = F_in CLKFB_DIV / CLKI_DIV, VCO = F_out CLKOP_DIV in
// 400..800 MHz (ECP5 sysCLOCK PLL usage guide)
module EHXPLLL #(
    parameter PLLRST_ENA           = "DISABLED",
    parameter INTFB_WAKE           = "DISABLED",
    parameter STDBY_ENABLE         = "DISABLED",
    parameter DPHASE_SOURCE        = "DISABLED",
    parameter OUTDIVIDER_MUXA      = "DIVA",
    parameter OUTDIVIDER_MUXB      = "DIVB",
    parameter OUTDIVIDER_MUXC      = "DIVC",
    parameter OUTDIVIDER_MUXD      = "DIVD",
    parameter integer CLKI_DIV     = 1,
    parameter CLKOP_ENABLE         = "ENABLED",
    parameter integer CLKOP_DIV    = 8,
    parameter integer CLKOP_CPHASE = 0,
    parameter integer CLKOP_FPHASE = 0,
    parameter FEEDBK_PATH          = "CLKOP",
    parameter integer CLKFB_DIV    = 1
) (
    input  wire RST,
    input  wire STDBY,
    input  wire CLKI,
    output wire CLKOP,
    input  wire CLKFB,
    output wire CLKINTFB,
    input  wire PHASESEL0,
    input  wire PHASESEL1,
    input  wire PHASEDIR,
    input  wire PHASESTEP,
    input  wire PHASELOADREG,
    input  wire PLLWAKESYNC,
    input  wire ENCLKOP,
    output wire LOCK
);
    localparam real FIN  = `SGLIF_PLL_IN_HZ;
    localparam real FOUT = FIN * CLKFB_DIV / CLKI_DIV;
    localparam real VCO  = FOUT * CLKOP_DIV;
    initial begin
        if (VCO < 400.0e6 || VCO > 800.0e6)
            $fatal(1, "pll: VCO %0f MHz out of 400..800 (CLKOP_DIV %0d)", VCO / 1.0e6, CLKOP_DIV);
        if (FOUT != `SGLIF_PLL_OUT_HZ)
            $fatal(1, "pll: CLKI_DIV %0d CLKFB_DIV %0d give %0f Hz from %0d Hz, not the table's %0d Hz",
                   CLKI_DIV, CLKFB_DIV, FOUT, `SGLIF_PLL_IN_HZ, `SGLIF_PLL_OUT_HZ);
    end
    assign CLKOP = CLKI;
    assign CLKINTFB = 1'b0;
    sglif_pll_lock u_lock (.clk_i(CLKI), .rst_i(RST), .lock_o(LOCK));
endmodule
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on DECLFILENAME */

`default_nettype wire
