#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: the on-chip training rate (issue 13; docs/bench.md, "On-chip training"). Trains
# the first SAMPLES samples of randman's standard set for one epoch (20 -> 128 -> 10, T 100,
# batch 32) on the simulated ULX3S-85F's training engine (sglif device train, RUN and TRAIN a
# sample, UPDATE a batch) and converts its last lines into samples a second:
#   board:  N / (C / Fmax), C the cycles it replied for N training samples, Fmax that of the
#           image the simulated board is, ulx3s-85f-trn (build/report.csv when the bitstream
#           flow wrote it, else README's board table, which make report generates from it;
#           neither: its 75 MHz target, said so);
#           and N / (C / 75 MHz), the boards' target;
#   link:   3e6 / (10 b), b the line bytes of a training sample (RUN, TRAIN and its share of
#           the batch's UPDATE, both ways, frames too): a real board at 3 Mbaud, 8N1;
#   host:   the float trainer (sglif-bench, C on THREADS threads, the same network and batch:
#           the median ms a batch of 32 of its timed steps), measured in this run.
# Prints the three rates and their ratios; exit 0, or 1 if a run fails or a line is missing.
# Wall-clock figures are printed, never asserted (the machine may be shared).
#   onchip_rate.sh SGLIF SGLIF_BENCH DIR BOARD_PROGRAM [SAMPLES [THREADS]]
set -u
if [ $# -lt 4 ]; then
  echo "usage: onchip_rate.sh SGLIF SGLIF_BENCH DIR BOARD_PROGRAM [SAMPLES [THREADS]]" >&2
  exit 2
fi
sglif=$1 bench=$2 dir=$3 board=$4 samples=${5:-256} threads=${6:-2}
baud=3000000
mkdir -p "$dir"
fail() {
  echo "FAIL onchip: $*"
  exit 1
}

# Fmax of the board: the flow's table (its fmax_mhz column), else README's generated one (its
# "Fmax / target (MHz)" column), both found by their headers, in the row of the 85F's training
# image (ulx3s-85f-trn: BOARD_PROGRAM is its simulated device); not the inference image's
# (ulx3s-85f, another core without the engine)
fmax_of() { # board row: its Fmax in MHz, or nothing
  local f=
  [ -f build/report.csv ] && f=$(awk -F, -v b="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "fmax_mhz") c = i; next }
    c && $1 == b && $c != "" { print $c; exit }' build/report.csv)
  [ -n "$f" ] && { echo "$f build/report.csv (make report)"; return; }
  f=$(awk -F'|' -v b="$1" '/<!-- boards:begin/ { on = 1; next } /<!-- boards:end/ { on = 0 }
    on && !c { for (i = 1; i <= NF; i++) if ($i ~ /Fmax/) c = i; next }
    on && c { x = $2; gsub(/ /, "", x); if (x == b) { split($c, f, "/"); gsub(/ /, "", f[1]); print f[1]; exit } }' README.md)
  awk -v f="$f" 'BEGIN { exit !(f + 0 > 0) }' && echo "$f README.md's board table (make report)"
}
fmax= src= board_name=ulx3s-85f-trn
read -r fmax src < <(fmax_of $board_name)
if ! awk -v f="$fmax" 'BEGIN { exit !(f + 0 > 0) }'; then
  fmax=$(awk -F, -v b=$board_name 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "target_mhz") c = i; next }
    c && $1 == b { print $c; exit }' constraints/boards.csv)
  awk -v f="$fmax" 'BEGIN { exit !(f + 0 > 0) }' || fail "no board $board_name in constraints/boards.csv"
  src="its target in constraints/boards.csv: NOT MEASURED (no Fmax of $board_name in build/report.csv or README.md's board table: make bitstream BOARD=$board_name)"
fi

# on chip
log=$dir/onchip.log
rm -f "$dir/onchip.sgl" "$dir/onchip.sgl.ckpt"
echo "onchip: sglif device train --data randman --hidden 128 --train-samples $samples --epochs 1" \
  "--batch 32 --port sim:$board (log: $log)"
if ! "$sglif" device train --data randman --hidden 128 --train-samples "$samples" --epochs 1 \
  --batch 32 --out "$dir/onchip.sgl" --port "sim:$board" --timeout 5000 --quiet >"$log" 2>&1; then
  tail -n 3 "$log"
  fail "sglif device train failed"
fi
grep -q 'samples trained on chip' "$log" || fail "not trained on chip: $(grep -m1 'host computes' "$log")"
read -r C N < <(sed -n 's/^board: \([0-9]*\) cycles for \([0-9]*\) training samples$/\1 \2/p' "$log")
B=$(sed -n 's/^link: \([0-9]*\) bytes on the line$/\1/p' "$log")
b=$(sed -n 's/^link: .* the training samples [0-9]* bytes (\([0-9.]*\) a sample.*/\1/p' "$log")
[ -n "${C:-}" ] && [ -n "${N:-}" ] && [ "$N" -gt 0 ] && [ -n "$B" ] && [ -n "$b" ] ||
  fail "no 'board: C cycles for N training samples', 'link: B bytes on the line' or per-sample bytes in $log"

# the host float trainer, same network and batch, THREADS threads
blog=$dir/onchip-host.log
"$bench" --dir "$dir" --no-torch --only randman --threads "$threads" >"$blog" 2>&1 ||
  { tail -n 3 "$blog"; fail "sglif-bench failed"; }
read -r ms cpu < <(sed -n "s/^  C, $threads threads\{0,1\}  *\([0-9.]*\)  *\([0-9.]*\) .*/\1 \2/p" "$blog" | head -n 1)
[ -n "${ms:-}" ] && [ -n "${cpu:-}" ] || fail "no 'C, $threads threads' line in $blog"

awk -v C="$C" -v N="$N" -v f="$fmax" -v src="$src" -v B="$B" -v b="$b" -v ms="$ms" -v cpu="$cpu" -v th="$threads" \
  -v baud=$baud -v bn=$board_name 'BEGIN {
  cps = C / N; board = f * 1e6 / cps; link = baud / (10 * b); host = 32 * 1000 / ms
  printf "onchip: board: %d cycles for %d training samples: %.0f cycles a sample\n", C, N, cps
  printf "onchip: link: %d bytes on the line in all (%.0f a training sample with the start and each epoch'"'"'s validation); %.1f bytes a training sample (RUN, TRAIN, its share of UPDATE)\n", B, B / N, b
  printf "onchip: on chip (%s at %.2f MHz, Fmax from %s): %.0f training samples/s\n", bn, f, src, board
  printf "onchip: host float trainer (sglif-bench, C, %d threads, %.3f ms a batch of 32, wall; CPU %.3f ms): %.0f samples/s (a shared machine slows the threads: docs/bench.md)\n", th, ms, cpu, host
  printf "onchip: link-bound at %.0f Mbaud (10 bits a byte): %.0f samples/s\n", baud / 1e6, link
  printf "onchip: ratios: on chip / host float %.3f x; on chip / link-bound %.2f x; a real board at %.0f Mbaud trains at %.0f samples/s (%s-bound)\n",
    board / host, board / link, baud / 1e6, (board < link ? board : link), (board < link ? "engine" : "link")
  at75 = 75e6 / cps
  printf "onchip: at the boards'"'"' 75 MHz target: %.0f training samples/s\n", at75
  printf "onchip: the issue'"'"'s 1000 samples/s on chip: %s at %s'"'"'s Fmax, %s at 75 MHz\n", (board >= 1000 ? "met" : "MISSED"), bn, (at75 >= 1000 ? "met" : "MISSED")
}'
