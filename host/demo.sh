#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo, the main job: train a float model with the paper's method, test it in float and
# on the integer twin (quantized), load it onto the board (the simulated one unless PORT names
# a real one) and run the test split there. Beside all that (the simulation takes one core),
# train a model from scratch ON CHIP (sglif device train on the board's training
# engine: RUN and TRAIN a sample, UPDATE a batch) on the first ONCHIP_SAMPLES training samples;
# check it against the twin's rule (sglif train --backend fixed with the same options: the
# same network, bit for bit) and run it on the board. Ends with a table of the accuracy and
# the time of each stage.
#   [ONCHIP_PORT=PORT2] host/demo.sh SGLIF OUTDIR DATA PORT [train options...]
# ONCHIP_PORT: the board of the training on chip (default PORT; make demo: the ULX3S-85F's
# training image simulated, build/bin/sglif-board-ecp5-85f-trn, the Makefile's DEMO_ENGINE_BOARD)
set -euo pipefail
sglif=$1 out=$2 data=$3 port=$4
shift 4
oport=${ONCHIP_PORT:-$port}
here=$(dirname "$0")
mkdir -p "$out"
rm -f "$out"/*.time
# the on-chip run: 20 -> 128 -> 10, the ULX3S-85F training image's engine (128 neurons, 20
# inputs); one epoch (each epoch's validation runs on the board too) of small batches: the rule
# moves each weight by about lr a batch, so the batches, not the samples, make it learn
# (docs/numerics.md)
onchip_samples=${ONCHIP_SAMPLES:-1024}
onchip=(--hidden 128 --train-samples "$onchip_samples" --epochs 1 --batch 8 --lr 0.2)

# stage NAME COMMAND...: run it (its output shown, or with QUIET=1 only kept, in
# OUTDIR/NAME.txt), note its time and the accuracy line it printed in OUTDIR/NAME.time
stage() {
  local name=$1
  shift
  local t0 t1 acc=-
  t0=$(date +%s.%N)
  if [ "${QUIET:-0}" = 1 ]; then "$@" >"$out/$name.txt" 2>&1; else "$@" | tee "$out/$name.txt"; fi
  t1=$(date +%s.%N)
  case $name in train | onchip | twin) ;; *) acc=$(grep -oE 'accuracy: [0-9.]+' "$out/$name.txt" | tail -1 | cut -d' ' -f2 || true) ;; esac
  printf '%s\t%s\n' "${acc:--}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >"$out/$name.time"
}

"$sglif" init --data "$data" "$@"
rm -f "$out/onchip.sgl.ckpt" "$out/twin.sgl.ckpt"
echo "demo: training on chip beside the float training and the board's inference: $sglif device train --data $data ${onchip[*]} --port $oport (output: $out/onchip.txt)"
QUIET=1 stage onchip "$sglif" device train --data "$data" "${onchip[@]}" --out "$out/onchip.sgl" \
  --port "$oport" --timeout 5000 &
onchip_pid=$!
# a stage that fails ends the demo: the training on chip (its sglif and the board) with it
trap 'kill -0 "$onchip_pid" 2>/dev/null && { pkill -TERM -P "$onchip_pid"; kill "$onchip_pid"; } 2>/dev/null || true' EXIT
stage train "$sglif" train --data "$data" "$@" --out "$out/model.sgl" --log "$out/train.csv"
stage float "$sglif" eval --model "$out/model.sgl" --data "$data"
stage fixed "$sglif" eval --model "$out/model.sgl" --data "$data" --backend fixed
stage device "$sglif" device infer --model "$out/model.sgl" --data "$data" --port "$port" --timeout 5000
stage twin "$sglif" train --backend fixed --data "$data" "${onchip[@]}" --out "$out/twin.sgl" --quiet
echo "demo: waiting for the training on chip ($out/onchip.txt)"
wait "$onchip_pid" || {
  tail -n 5 "$out/onchip.txt"
  echo "demo: FAIL: the training on chip failed ($out/onchip.txt)"
  exit 1
}
tail -n 8 "$out/onchip.txt"
same=$(bash "$here/model_same.sh" "$out/onchip.sgl" "$out/twin.sgl") || {
  echo "demo: FAIL: $same"
  exit 1
}
stage trained "$sglif" device infer --model "$out/onchip.sgl" --data "$data" --port "$port" --timeout 5000
"$sglif" plot curves --log "$out/train.csv" --out "$out/curves.png"
"$sglif" plot raster --model "$out/model.sgl" --data "$data" --out "$out/raster.png"

echo
echo "demo: stage                         test accuracy   seconds"
for name in train float fixed device onchip twin trained; do
  IFS=$'\t' read -r acc secs <"$out/$name.time"
  case $name in
    train) what="train (float)" ;;
    float) what="float model" ;;
    fixed) what="fixed (twin)" ;;
    device) case $port in sim*) what="board (simulated)" ;; *) what="board ($port)" ;; esac ;;
    onchip) what="train on chip (beside those)" ;;
    twin) what="the same on the twin (host)" ;;
    trained) what="board, trained on chip" ;;
  esac
  printf 'demo: %-29s %-15s %s\n' "$what" "$acc" "$secs"
done
echo "demo: on chip: 20 -> 128 -> 10 from scratch on the first $onchip_samples training samples of $data (${onchip[*]:4})"
grep -E '^(best valid accuracy|board: [0-9]+ cycles|link: [0-9]+ bytes on the line)' "$out/onchip.txt" | sed 's/^/demo: on chip: /' || true
echo "demo: on chip: $same"
echo "demo: model, log, plots and each stage's output in $out/"
