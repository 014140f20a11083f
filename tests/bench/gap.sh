#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One float-vs-twin gap check of `make bench`: train with `sglif train --qat`, score the test
# split with `sglif eval` (float) and `sglif eval --backend fixed` (the integer twin), print
# both accuracies and the gap, PASS if |float - fixed| <= TOL, else FAIL and exit 1.
#   gap.sh SGLIF DIR NAME TOL SPEC [train options...]
# GAP_BASE=MODEL (optional): a model of the same data trained without --qat (the floor run's);
# its float test accuracy is printed as well, for the comparison with plain float training.
set -u
if [ $# -lt 5 ]; then
  echo "usage: gap.sh SGLIF DIR NAME TOL SPEC [train options...]" >&2
  exit 2
fi
sglif=$1 dir=$2 name=$3 tol=$4 spec=$5
shift 5
mkdir -p "$dir"
model=$dir/$name.sgl log=$dir/$name.train.log
rm -f "$model" "$model.ckpt"
echo "gap $name: sglif train --data $spec --qat $* (log: $log)"
ms() { echo $(($(date +%s%N) / 1000000)); }
acc_of() { printf '%s\n' "$1" | sed -n 's/^accuracy: \([0-9.]*\).*/\1/p' | tail -n 1; }
t0=$(ms)
if ! "$sglif" train --data "$spec" --out "$model" --quiet --qat "$@" >"$log" 2>&1; then
  echo "FAIL $name: sglif train --qat failed after $((($(ms) - t0) / 1000)) s:"
  tail -n 5 "$log"
  exit 1
fi
t1=$(ms)
if ! fout=$("$sglif" eval --model "$model" --data "$spec" 2>&1); then
  echo "FAIL $name: sglif eval failed: $fout"
  exit 1
fi
if ! qout=$("$sglif" eval --model "$model" --data "$spec" --backend fixed 2>&1); then
  echo "FAIL $name: sglif eval --backend fixed failed: $qout"
  exit 1
fi
t2=$(ms)
fa=$(acc_of "$fout") qa=$(acc_of "$qout")
if [ -z "$fa" ] || [ -z "$qa" ]; then
  echo "FAIL $name: no 'accuracy:' line from sglif eval: $fout $qout"
  exit 1
fi
base=""
if [ -n "${GAP_BASE:-}" ] && [ -f "$GAP_BASE" ] &&
   bout=$("$sglif" eval --model "$GAP_BASE" --data "$spec" 2>&1); then
  base="; float without QAT $(acc_of "$bout") ($GAP_BASE)"
fi
rt=$(sed -n 's/^qat round trip: \([0-9]* of [0-9]*\).*/\1/p' "$log")
gap=$(awk -v a="$fa" -v b="$qa" 'BEGIN { printf "%+.4f", b - a }')
msg="float $fa, fixed $qa, gap (fixed - float) $gap, tolerance $tol (round trip $rt$base; train $(((t1 - t0) / 1000)) s, eval $(((t2 - t1) / 1000)) s)"
if awk -v a="$fa" -v b="$qa" -v t="$tol" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t + 1e-9) }'; then
  echo "PASS $name: $msg"
else
  echo "FAIL $name: $msg"
  exit 1
fi
