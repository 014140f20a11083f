#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The integer trainer's throughput against the float trainer's (make bench, docs/numerics.md):
# one epoch of randman's standard set on 20 -> 128 -> 10 (T 100, batch 32) with each, the same
# threads; PASS if the integer rule's epoch takes at most MAX (default 2) times the float one.
#   fixed_speed.sh SGLIF DIR [MAX]
set -u
if [ $# -lt 2 ]; then
  echo "usage: fixed_speed.sh SGLIF DIR [MAX]" >&2
  exit 2
fi
sglif=$1 dir=$2 max=${3:-2}
mkdir -p "$dir"
ms() { echo $(($(date +%s%N) / 1000000)); }
run() { # name, extra options: prints the seconds of one epoch (the progress line's elapsed)
  local log=$dir/speed-$1.log t0
  t0=$(ms)
  shift
  if ! "$sglif" train --data randman --hidden 128 --epochs 1 --batch 32 --out "$dir/speed.sgl" \
    "$@" >"$log" 2>&1; then
    echo "FAIL speed: sglif train $* failed:" >&2
    tail -n 3 "$log" >&2
    return 1
  fi
  echo $((($(ms) - t0)))
}
fl=$(run float) || exit 1
fx=$(run fixed --backend fixed) || exit 1
ratio=$(awk -v a="$fx" -v b="$fl" 'BEGIN { printf "%.2f", a / b }')
line=$(awk -v a="$fx" -v b="$fl" -v r="$ratio" 'BEGIN { printf "integer trainer %.1f s, float %.1f s (one epoch, whole runs: data, init, validation): %s x", a / 1000, b / 1000, r }')
if awk -v r="$ratio" -v m="$max" 'BEGIN { exit !(r <= m) }'; then
  echo "PASS speed: $line <= $max x"
else
  echo "FAIL speed: $line > $max x"
  exit 1
fi
