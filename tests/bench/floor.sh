#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One accuracy floor of `make bench`: train with `sglif train`, score the test split with
# `sglif eval`, print PASS or FAIL with the times; exit 1 on FAIL.
#   floor.sh SGLIF DIR NAME FLOOR SPEC [train options...]
# FLOOR_EVAL_ARGS (e.g. "--backend fixed") is passed to sglif eval.
set -u
if [ $# -lt 5 ]; then
  echo "usage: floor.sh SGLIF DIR NAME FLOOR SPEC [train options...]" >&2
  exit 2
fi
sglif=$1 dir=$2 name=$3 floor=$4 spec=$5
shift 5
mkdir -p "$dir"
model=$dir/$name.sgl log=$dir/$name.train.log
rm -f "$model" "$model.ckpt"
echo "floor $name: sglif train --data $spec $* (log: $log)"
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
if ! "$sglif" train --data "$spec" --out "$model" --quiet "$@" >"$log" 2>&1; then
  echo "FAIL $name: sglif train failed after $((($(ms) - t0) / 1000)) s:"
  tail -n 5 "$log"
  exit 1
fi
t1=$(ms)
# shellcheck disable=SC2086 # FLOOR_EVAL_ARGS: words
if ! out=$("$sglif" eval --model "$model" --data "$spec" ${FLOOR_EVAL_ARGS:-} 2>&1); then
  echo "FAIL $name: sglif eval failed: $out"
  exit 1
fi
t2=$(ms)
acc=$(printf '%s\n' "$out" | sed -n 's/^accuracy: \([0-9.]*\).*/\1/p' | tail -n 1)
if [ -z "$acc" ]; then
  echo "FAIL $name: no 'accuracy:' line from sglif eval: $out"
  exit 1
fi
times="train $(((t1 - t0) / 1000)) s, eval $(((t2 - t1) / 1000)) s"
valid=$(sed -n 's/^best valid accuracy[^:]*: //p' "$log")
if awk -v a="$acc" -v f="$floor" 'BEGIN { exit !(a >= f) }'; then
  echo "PASS $name: test accuracy $acc >= $floor (best valid $valid; $times)"
else
  echo "FAIL $name: test accuracy $acc < $floor (best valid $valid; $times)"
  exit 1
fi
