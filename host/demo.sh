#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo, the main job: train a float model with the paper's method, test it in float and
# on the integer twin (quantized), load it onto the board (the simulated one unless PORT names
# a real one) and run the test split there. Beside all that, on the other core, train a model
# from scratch ON CHIP (sglif device train on the board's training engine: RUN and TRAIN a
# sample, UPDATE a batch) on the first ONCHIP_SAMPLES training samples of ONCHIP_DATA, and run
# it on the board; check it against the twin's rule (sglif train --backend fixed with the same options:
# the same network, bit for bit). Ends with a table of the accuracy, the wall time and the CPU
# time of each stage.
#   [ONCHIP_PORT=PORT2] [ONCHIP_DATA=SPEC] host/demo.sh SGLIF OUTDIR DATA PORT [train options...]
# ONCHIP_PORT: the board of the training on chip (default PORT; make demo: the ULX3S-85F's
# training image simulated, build/bin/sglif-board-ecp5-85f-trn, the Makefile's DEMO_ENGINE_BOARD)
# ONCHIP_DATA: the data of the training on chip (default randman:keep=2: the samples of classes 0
# and 1 of randman's standard set, a subset that the rule learns within the demo's 1024 samples;
# the whole set needs tens of thousands: README, "make demo")
# The two chains take one core each on a 2-core machine: the float training runs on one
# thread (--threads 1, before the train options: they may give another), the simulated
# engine board, the longest path, on the other.
set -euo pipefail
sglif=$1 out=$2 data=$3 port=$4
shift 4
oport=${ONCHIP_PORT:-$port}
here=$(dirname "$0")
mkdir -p "$out"
rm -f "$out"/*.time
# the on-chip run: 20 -> 128 -> 10, the ULX3S-85F training image's engine (128 neurons, 20
# inputs); one epoch (its validation runs on the board too); the settings that the twin (sglif
# train --backend fixed, bit for bit the board's) found best within the demo's budget of
# simulated RTL (README, "make demo": the runs that chose them)
odata=${ONCHIP_DATA:-randman:keep=2}
onchip_samples=${ONCHIP_SAMPLES:-1024}
onchip=(--hidden 128 --train-samples "$onchip_samples" --epochs 1 --batch 8 --lr 0.2)

# cpu VAR: the CPU seconds of this shell's children so far into VAR (user + system of the
# commands it waited for: a simulated board is waited for by the sglif that started it);
# `times` runs in this shell, not in a command substitution's subshell
cpu() {
  local f="$out/.times.$BASHPID"
  times >"$f"
  printf -v "$1" '%s' "$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$f")"
  rm -f "$f"
}

# stage NAME COMMAND...: run it (its output shown, or with QUIET=1 only kept, in
# OUTDIR/NAME.txt), note its wall and CPU time and the accuracy line it printed in
# OUTDIR/NAME.time
stage() {
  local name=$1
  shift
  local t0 t1 c0 c1 acc=-
  t0=$(date +%s.%N)
  cpu c0
  if [ "${QUIET:-0}" = 1 ]; then "$@" >"$out/$name.txt" 2>&1; else "$@" | tee "$out/$name.txt"; fi
  t1=$(date +%s.%N)
  cpu c1
  case $name in train | onchip | twin) ;; *) acc=$(grep -oE 'accuracy: [0-9.]+' "$out/$name.txt" | tail -1 | cut -d' ' -f2 || true) ;; esac
  printf '%s\t%s\t%s\n' "${acc:--}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", b - a }')" >"$out/$name.time"
}

t_start=$(date +%s.%N) load0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)
train_args=("$@")
# sglif init takes the train options that choose the network and its start, not the others
init_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --hidden | --sg | --dampening | --sharpness | --tail-fatness | --init | --conditions | --reset | \
      --tau | --theta | --seed | --start-rate)
      init_args+=("$1" "${2-}"); shift; [ $# -gt 0 ] && shift ;;
    --reset-grad | --alif) init_args+=("$1"); shift ;;
    *) shift ;;
  esac
done
set -- "${train_args[@]}"
"$sglif" init --data "$data" "${init_args[@]}"
rm -f "$out/onchip.sgl.ckpt" "$out/twin.sgl.ckpt"
echo "demo: training on chip beside the float training and the board's inference: $sglif device train --data $odata ${onchip[*]} --port $oport, then the model on the board (output: $out/onchip.txt, $out/trained.txt)"
(
  QUIET=1 stage onchip "$sglif" device train --data "$odata" "${onchip[@]}" --out "$out/onchip.sgl" \
    --port "$oport" --timeout 5000
  QUIET=1 stage trained "$sglif" device infer --model "$out/onchip.sgl" --data "$odata" --port "$port" \
    --timeout 5000
) &
onchip_pid=$!
# a stage that fails ends the demo: the training on chip (its sglif and the board) with it
trap 'kill -0 "$onchip_pid" 2>/dev/null && { pkill -TERM -P "$onchip_pid"; kill "$onchip_pid"; } 2>/dev/null || true' EXIT
stage train "$sglif" train --data "$data" --threads 1 "$@" --out "$out/model.sgl" --log "$out/train.csv"
stage float "$sglif" eval --model "$out/model.sgl" --data "$data"
stage fixed "$sglif" eval --model "$out/model.sgl" --data "$data" --backend fixed
stage device "$sglif" device infer --model "$out/model.sgl" --data "$data" --port "$port" --timeout 5000
stage twin "$sglif" train --backend fixed --data "$odata" "${onchip[@]}" --threads 1 --out "$out/twin.sgl" --quiet
"$sglif" plot curves --log "$out/train.csv" --out "$out/curves.png"
"$sglif" plot raster --model "$out/model.sgl" --data "$data" --out "$out/raster.png"
echo "demo: waiting for the training on chip ($out/onchip.txt)"
wait "$onchip_pid" || {
  tail -n 5 "$out/onchip.txt" "$out/trained.txt" 2>/dev/null
  echo "demo: FAIL: the training on chip or its model on the board failed ($out/onchip.txt, $out/trained.txt)"
  exit 1
}
tail -n 8 "$out/onchip.txt"
same=$(bash "$here/model_same.sh" "$out/onchip.sgl" "$out/twin.sgl") || {
  echo "demo: FAIL: $same"
  exit 1
}
grep -E '^(twin|accuracy):' "$out/trained.txt" | sed 's/^/demo: board, trained on chip: /'

echo
echo "demo: stage                         test accuracy   seconds   CPU seconds"
for name in train float fixed device twin onchip trained; do
  IFS=$'\t' read -r acc secs cpus <"$out/$name.time"
  case $name in
    train) what="train (float, 1 thread)" ;;
    float) what="float model" ;;
    fixed) what="fixed (twin)" ;;
    device) case $port in sim*) what="board (simulated)" ;; *) what="board ($port)" ;; esac ;;
    twin) what="on-chip run on the twin (host)" ;;
    onchip) what="train on chip (beside those)" ;;
    trained) what="board, trained on chip" ;;
  esac
  printf 'demo: %-33s %-15s %-9s %s\n' "$what" "$acc" "$secs" "$cpus"
done
echo "demo: on chip: 20 -> 128 -> 10 from scratch on the first $onchip_samples training samples of $odata (${onchip[*]:4}; its test split on the board)"
grep -E '^(best valid accuracy|board: [0-9]+ cycles|link: [0-9]+ bytes on the line)' "$out/onchip.txt" | sed 's/^/demo: on chip: /' || true
echo "demo: on chip: $same"
cpu c_all
echo "demo: all stages: $(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, $c_all s of CPU; load average $load0 at the start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?) at the end"
echo "demo: model, log, plots and each stage's output in $out/"
