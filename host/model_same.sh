#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Do two model files (docs/formats.md) hold the same network, bit for bit? Every section but
# META (the command line that wrote it) is compared byte for byte: CONF, PARM, GAMA.
#   host/model_same.sh A B   prints one line; exit 0 same, 1 different, 3 not a model file
set -uo pipefail
if [ $# -ne 2 ]; then
  echo "usage: model_same.sh A B" >&2
  exit 2
fi
# sections FILE: every section but META (tag, length, payload), in file order
sections() {
  local f=$1 off=16 n i tag len size
  size=$(stat -c %s "$f" 2>/dev/null) || { echo "$f: cannot read" >&2; return 3; }
  [ "$(head -c 5 "$f")" = SGLIF ] && [ "$size" -ge 20 ] || { echo "$f: not a model file" >&2; return 3; }
  n=$(od -An -tu4 -j12 -N4 "$f" | tr -d ' ')
  for ((i = 0; i < n; i++)); do
    tag=$(dd if="$f" bs=1 skip=$off count=4 2>/dev/null)
    len=$(od -An -tu8 -j$((off + 4)) -N8 "$f" | tr -d ' ')
    [ -n "$len" ] && [ $((off + 12 + len)) -le $((size - 4)) ] ||
      { echo "$f: section $i runs past the end" >&2; return 3; }
    [ "$tag" = META ] || tail -c +$((off + 1)) "$f" | head -c $((12 + len))
    off=$((off + 12 + len))
  done
}
a=$(sections "$1" | od -An -v -tx1) || exit 3
b=$(sections "$2" | od -An -v -tx1) || exit 3
if [ "$a" = "$b" ]; then
  echo "$1 and $2: the same network, bit for bit (every section but META)"
else
  echo "$1 and $2 differ (a section other than META)"
  exit 1
fi
