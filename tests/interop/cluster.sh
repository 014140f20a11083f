#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make cluster-test: a small grid of `sglif sweep` run three ways: locally (--jobs 2), through
# GNU parallel (--emit parallel, then --collect) and as a job array on a single-node Slurm
# cluster (--emit slurm, sbatch, --collect) brought up here from Debian's slurm-wlm and munge,
# every daemon, key, socket, state and log in WORK/slurm, stopped on exit. The three
# results.csv must hold the same rows and accuracies (every column but the wall time).
# usage: cluster.sh SGLIF WORK        (needs root: slurmd runs jobs as root here)
# SGLIF_CLUSTER_FAULT=1: self-test: one accuracy of the Slurm run altered, the compare must fail.
set -euo pipefail
SGLIF=$(realpath "$1")
WORK=$(realpath -m "$2")
rm -rf "$WORK"
mkdir -p "$WORK"
GRID=(--data "randman:samples=50,steps=30,units=10,classes=4" --epochs 3 --hidden 16 --lr 5e-2
      --seeds 2 --shapes fast-sigmoid,gaussian)
say() { echo "cluster: $*"; }
fail() { echo "cluster: FAIL $*" >&2; exit 1; }

# results.csv without its wall time (the 'seconds' column, counted from the end: the data spec
# before it is quoted and holds commas), sorted by job
strip() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") e = NF - i }
           { out = ""; for (i = 1; i <= NF; i++) if (i != NF - e) out = out (out == "" ? "" : ",") $i
             print (NR == 1 ? "0" : "1") "\t" out }' "$1" | sort -t, -k1,1n | cut -f2
}
same() { # same A B WHAT
  if diff <(strip "$1") <(strip "$2") >"$WORK/diff.txt"; then
    say "ok   $3: $(($(wc -l <"$1") - 1)) rows equal (every column but seconds)"
  else
    cat "$WORK/diff.txt" >&2
    fail "$3: results.csv differs from the local run's"
  fi
}

# 1. the local run
"$SGLIF" sweep --out "$WORK/local" "${GRID[@]}" --jobs 2 >"$WORK/local.log" 2>&1
rows=$(($(wc -l <"$WORK/local/results.csv") - 1))
[ "$rows" = 4 ] || fail "local run: $rows rows, expected 4"
grep -q ",ok$" "$WORK/local/results.csv" || fail "local run: no job ok"
say "local --jobs 2: $rows jobs"

# 2. GNU parallel
"$SGLIF" sweep --out "$WORK/parallel" "${GRID[@]}" --emit parallel >/dev/null
parallel --will-cite --jobs 2 <"$WORK/parallel/jobs.txt"
"$SGLIF" sweep --out "$WORK/parallel" "${GRID[@]}" --collect >/dev/null
same "$WORK/local/results.csv" "$WORK/parallel/results.csv" "GNU parallel --jobs 2 < jobs.txt"

# 3. Slurm: munged, slurmctld, slurmd in WORK/slurm
S="$WORK/slurm"
mkdir -p "$S/state" "$S/spool"
chmod 700 "$S"
cleanup() {
  for p in slurmd slurmctld munged; do
    [ -s "$S/$p.pid" ] && kill "$(cat "$S/$p.pid")" 2>/dev/null || true
  done
  sleep 1
  for p in slurmd slurmctld munged; do
    [ -s "$S/$p.pid" ] && kill -9 "$(cat "$S/$p.pid")" 2>/dev/null || true
  done
}
trap cleanup EXIT
host=$(hostname -s)
base=$((20000 + $$ % 20000))
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 status=none
chmod 400 "$S/munge.key"
munged --key-file="$S/munge.key" --socket="$S/munge.sock" --pid-file="$S/munged.pid" \
       --log-file="$S/munged.log" --seed-file="$S/munged.seed" --force
cat >"$S/slurm.conf" <<CONF
ClusterName=sglif-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
SlurmctldPort=$base
SlurmdPort=$((base + 1))
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES State=UP MaxTime=INFINITE
CONF
export SLURM_CONF="$S/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { tail -5 "$S"/slurm*.log >&2; fail "the Slurm node is '$state' after 30 s, not idle"; }
say "Slurm $(sinfo -V | cut -d' ' -f2): node $host idle (ports $base, $((base + 1)), all files in $S)"
"$SGLIF" sweep --out "$WORK/slurmrun" "${GRID[@]}" --emit slurm >/dev/null
timeout 600 sbatch --wait "$WORK/slurmrun/sweep.slurm" >"$WORK/sbatch.log" 2>&1 ||
  { cat "$WORK/sbatch.log" >&2; fail "sbatch --wait failed"; }
say "$(head -1 "$WORK/sbatch.log"): array of $(wc -l <"$WORK/slurmrun/jobs.txt") tasks done"
"$SGLIF" sweep --out "$WORK/slurmrun" "${GRID[@]}" --collect >/dev/null
if [ -n "${SGLIF_CLUSTER_FAULT:-}" ]; then # the self-test: alter one accuracy
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "test_acc") c = NF - i }
                    NR == 2 { $(NF - c) = $(NF - c) + 0.25 } { print }' "$WORK/slurmrun/results.csv" >"$WORK/x.csv"
  mv "$WORK/x.csv" "$WORK/slurmrun/results.csv"
fi
same "$WORK/local/results.csv" "$WORK/slurmrun/results.csv" "Slurm job array (sbatch --wait)"
say "all checks passed"
