#!/bin/sh
# SPDX-License-Identifier: MIT
# The Verilator arguments of the pin-level simulated board BOARD (sim/board.mk): its top module
# with the parameters the bitstream flow gives it (constraints/boards.mk): the core's sizes
# from its row of rtl/configs.csv, the PLL's dividers, CLK_HZ and CLKS_PER_BIT from
# constraints/boards.csv; the defines of sim/pll_models.v (the oscillator's and the table's
# clock) and of sim/board.cpp (the board's name, top, divider, button and LEDs).
#   sh sim/board_args.sh BOARD [boards.csv] [configs.csv]
# prints "TOP|VERILATOR OPTIONS|C++ FLAGS"; exit 1 with a message if BOARD is not in the table.
b=$1; bcsv=${2:-constraints/boards.csv}; ccsv=${3:-rtl/configs.csv}
row() { awk -F, -v n="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $1 == n { m = split(c, cols, " "); s = ""; for (k = 1; k <= m; k++) s = s " " $h[cols[k]]; print s }' "$1"; }
set -- $(row "$bcsv" "$b" 'top config clk_in_mhz target_mhz clks_per_bit')
[ $# -eq 5 ] || { echo "board_args: no board '$b' in $bcsv" >&2; exit 1; }
top=$1 cfg=$2 fin=$3 mhz=$4 cpb=$5
pll=$(row "$bcsv" "$b" pll)
set -- $(row "$ccsv" "$cfg" 'N N_IN N_OUT HIST_STEPS EV_AW SG_AW ACC_W P L spram_max')
[ $# -eq 10 ] || { echo "board_args: no row '$cfg' in $ccsv" >&2; exit 1; }
g="-GN=$1 -GN_IN=$2 -GN_OUT=$3 -GHIST_STEPS=$4 -GEV_AW=$5 -GSG_AW=$6 -GACC_W=$7 -GP=$8 -GL=$9"
[ "${10}" -gt 0 ] && g="$g +define+SGLIF_UP5K"
# the training engine of a training image (the configs.csv row's engine_* columns; 0: none),
# as the bitstream flow builds it
set -- $(row "$ccsv" "$cfg" 'engine_n engine_in engine_p engine_es_aw engine_emem_lut')
[ $# -eq 5 ] && [ "$1" -gt 0 ] && g="$g -GENGINE=1 -GE_N=$1 -GE_IN=$2 -GE_P=$3 -GE_ES_AW=$4 -GE_EMEM_LUT=$5"
set -- $pll; shift
for kv in "$@"; do g="$g -G$kv"; done
g="$g -GCLK_HZ=$((mhz * 1000000)) -GCLKS_PER_BIT=$cpb"
g="$g +define+SGLIF_PLL_IN_HZ=$((fin * 1000000)) +define+SGLIF_PLL_OUT_HZ=$((mhz * 1000000))"
c="-DBOARD_PINS -DBOARD_NAME=\\\"$b\\\" -DBOARD_TOP=$top -DBOARD_CLKS_PER_BIT=$cpb"
grep -q 'rst_ni' "rtl/$top.v" && c="$c -DBOARD_BTN"
grep -q 'led_r_no' "rtl/$top.v" && c="$c -DBOARD_LEDS_RG"
echo "$top|$g|$c"
