#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo, the main job: train a float model with the paper's method, test it in float and
# on the integer twin (quantized), load it onto the board (the simulated one unless PORT names
# a real one) and run the test split there, then print a table of the accuracy and the time
# of each stage; then fine-tune it with the board in the loop (sglif device train: forward
# passes on the board, integer updates on the host) on the first TUNE_SAMPLES training samples,
# and run the fine-tuned model on the board again.
#   host/demo.sh SGLIF OUTDIR DATA PORT [train options...]
set -euo pipefail
sglif=$1 out=$2 data=$3 port=$4
shift 4
mkdir -p "$out"
table="$out/table.txt"
: >"$table"

# stage NAME COMMAND...: run it (its output shown and kept in OUTDIR/NAME.txt), note the time
# and the accuracy line it printed
stage() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" | tee "$out/$name.txt"
  t1=$(date +%s.%N)
  local acc=-
  [ "$name" = train ] || [ "$name" = tune ] || acc=$(grep -oE 'accuracy: [0-9.]+' "$out/$name.txt" | tail -1 | cut -d' ' -f2 || true)
  printf '%s\t%s\t%s\n' "$name" "${acc:--}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >>"$table"
}

"$sglif" init --data "$data" "$@"
stage train "$sglif" train --data "$data" "$@" --out "$out/model.sgl" --log "$out/train.csv"
stage float "$sglif" eval --model "$out/model.sgl" --data "$data"
stage fixed "$sglif" eval --model "$out/model.sgl" --data "$data" --backend fixed
stage device "$sglif" device infer --model "$out/model.sgl" --data "$data" --port "$port"
stage tune "$sglif" device train --data "$data" --from "$out/model.sgl" --train-samples "${TUNE_SAMPLES:-64}" \
  --epochs 1 --batch 32 --out "$out/tuned.sgl" --checkpoint "$out/tuned.ckpt" --port "$port"
stage tuned "$sglif" device infer --model "$out/tuned.sgl" --data "$data" --port "$port"
"$sglif" plot curves --log "$out/train.csv" --out "$out/curves.png"
"$sglif" plot raster --model "$out/model.sgl" --data "$data" --out "$out/raster.png"

echo
echo "demo: stage               test accuracy   seconds"
while IFS=$'\t' read -r name acc secs; do
  case $name in
    train) what="train (float)" ;;
    float) what="float model" ;;
    fixed) what="fixed (twin)" ;;
    device) case $port in sim*) what="board (simulated)" ;; *) what="board ($port)" ;; esac ;;
    tune) what="fine-tune on board" ;;
    tuned) what="board, fine-tuned" ;;
  esac
  printf 'demo: %-19s %-15s %s\n' "$what" "$acc" "$secs"
done <"$table"
grep -E '^(board|check|link):' "$out/tune.txt" | sed 's/^/demo: fine-tune: /' || true
echo "demo: model, log, plots and each stage's output in $out/"
