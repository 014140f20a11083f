#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The integer trainer's throughput against the float trainer's (make bench, docs/numerics.md):
# randman's standard set on 20 -> 128 -> 10 (T 100, batch 32), two epochs with each, the same
# threads; the time of the second epoch (training and validation, from the progress lines) is
# compared. PASS if the integer rule's takes at most MAX (default 2) times the float one's.
#   fixed_speed.sh SGLIF DIR [MAX] [train options...]
set -u
if [ $# -lt 2 ]; then
  echo "usage: fixed_speed.sh SGLIF DIR [MAX] [train options...]" >&2
  exit 2
fi
sglif=$1 dir=$2 max=${3:-2}
shift $(($# < 3 ? $# : 3))
mkdir -p "$dir"
epoch2() { # name, options: prints the seconds of the second epoch
  local log=$dir/speed-$1.log
  shift
  if ! "$sglif" train --data randman --hidden 128 --epochs 2 --batch 32 \
    --out "$dir/speed.sgl" "$@" >"$log" 2>&1; then
    echo "FAIL speed: sglif train $* failed:" >&2
    tail -n 3 "$log" >&2
    return 1
  fi
  tr '\r' '\n' <"$log" | sed -n 's/^epoch \([12]\)\/2:.* elapsed \([0-9]*\)m\([0-9]*\)s.*/\1 \2 \3/p' |
    awk '{ t[$1] = 60 * $2 + $3 } END { if (!(2 in t)) exit 1; print t[2] - t[1] }'
}
fl=$(epoch2 float "$@") || { echo "FAIL speed: no epoch times (float)"; exit 1; }
fx=$(epoch2 fixed --backend fixed "$@") || { echo "FAIL speed: no epoch times (fixed)"; exit 1; }
line=$(awk -v a="$fx" -v b="$fl" 'BEGIN { printf "integer trainer %d s, float %d s an epoch (randman 20 -> 128 -> 10): %.2f x", a, b, (b > 0 ? a / b : 99) }')
if awk -v a="$fx" -v b="$fl" -v m="$max" 'BEGIN { exit !(b > 0 && a / b <= m) }'; then
  echo "PASS speed: $line <= $max x"
else
  echo "FAIL speed: $line > $max x"
  exit 1
fi
