#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The training engine's block-RAM and multiplier budget and its cycles per training sample
(docs/rtl.md, "Training engine (issue 13)"): a model of the design, not a build. Prints
the Markdown tables of the sections "Cycles per training sample" and "Budget on the ECP5
boards" (pasted there; `make core-map-check` fails when they differ).

    engine_budget.py [CORE_MAP.csv] [--check DOC.md]

--check: fail (exit 1) unless every line of the tables is a line of DOC.md (`make
core-map-check` runs it on docs/rtl.md).

Cycles come from the built units' formulas with their constants read from rtl/core_map.csv
(the one source, default rtl/core_map.csv; exit 2 bad command line, 3 bad CSV): the forward is today's core (LAYER_OVERHEAD,
STEP_FIXED a step; the readout's argmax scan, STEP_PER_CLASS C + STEP_SCAN_FIXED, in the
sample's last step only, as the training image's device asks for it); the engine's error unit as the trainer runs it, a step's sums
(taken from the forward's class accumulators) read and its errors computed beside the walk, a
step ahead of it, so that only the first step's and the waits of steps shorter than the unit
count (ENG_OVL_LAG, ENG_SUMS_STEP, ENG_OVL_FIXED, ERR_CYCLES_FIXED); the walk with its accumulation (WALK_STEP_EXTRA, WALK_FIXED, GATHER_LAT, ACC_*); the
batch-end update a tensor (UPD_*, PCG_DRAW_CYCLES: 2 n + K + (P - 1) max(K + 7, 36) + 117);
the commands' own cycles, as the device answers them (CMD_*, RUN_*, CLEAR_FIXED, TRN_*: RUN's
request, its two walks of the payload, the clear and a step's start, TRAIN's and UPDATE's
requests); with E and S (input events and hidden spikes a step) taken as means.

Memories per one-layer network (N hidden, N_IN inputs, C classes, T steps, P lanes, G = N/P,
D = (N_IN + N) G words a lane): P synapse banks of D words of 36 bits ({momentum, master};
without momentum 18 bits), P gradient banks of D words of GRAD_W bits (rtl/core_map.csv: 36,
exact with gv clamped to int24 (GV_W): one DP16KD a lane up to 512 words, two up to 1024; the
former 48 bits, gv int32, and 48 bits as three 16-bit parts are shown beside the 85F's
20 -> 128 -> 10 for comparison), the history (T N words of 17 bits
in banks of 1024), W_out as C RAMs of N masters and C of GRAD_W-bit gradients, the bias
gradients (N words of GRAD_W), the error memory (one class a word, T CP words of E_W bits, C
padded to a power of two CP: sglif_engine's EMEM_LUT 2, as the 85F's training image builds it),
the update's one DP16KD (measured) and FIXED for the rest (the forward's 13 of today's
85F row, gamma_q, the EXP2 table). A DP16KD holds 512 x 36, 1024 x 18, 2048 x 9, 4096 x 4,
8192 x 2 or 16384 x 1; a memory takes the fewest blocks of one shape. Multipliers (MULT18X18D),
each unit measured alone with Yosys synth_ecp5 (docs/rtl.md, "Budget on the ECP5 boards"): two
a lane of the recurrent gather (int8 x int24 gv, GV_W; 128 at P 64), one a lane of the W_out
gather (C padded to a power of two, int8 x an E_W = 18-bit e_t; 16 at C 10), the backward
neuron's SG product 8, the error unit 4, the update 14 (`make upd-pnr`).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_core_map import load  # noqa: E402

DEVICES = {"25F": (56, 28), "45F": (108, 72), "85F": (208, 156)}  # DP16KD, MULT18X18D
FIXED = 15          # estimate: the forward's 13 block RAMs of the 85F row, gamma_q, EXP2 table
UPD_BRAM = 1        # measured (make upd-pnr): the update's nu RAM
UPD_MULT = 14       # measured (make upd-pnr): generator 10, shared multiplier 2, decay 2
NEURON_MULT = 8     # measured (synth_ecp5 of sglif_bwd_neuron): the exact SG product
ERR_MULT = 4        # measured (synth_ecp5 of sglif_err_unit, C 10)
FMAX_85F = 87.90    # measured: the ulx3s-85f inference image's Fmax, seed 1, in main 72ddb1a's CI
                    # (a constant, not README's table, which each make test rewrites with its own run)
BATCH = 32
SHAPES = ((512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2), (16384, 1))


def blocks(words, bits):
    """DP16KD for a memory of `words` x `bits`: the fewest of one shape."""
    return min(math.ceil(words / d) * math.ceil(bits / w) for d, w in SHAPES)


NEEDED = ("HIST_W", "GRAD_W", "E_W", "LAYER_OVERHEAD", "STEP_PER_CLASS", "STEP_FIXED", "STEP_SCAN_FIXED", "ENG_STEP_EXTRA", "ENG_SUMS_STEP",
          "ENG_FIXED", "ENG_OVL_FIXED", "ENG_OVL_LAG", "ERR_CYCLES_FIXED", "GATHER_LAT", "WALK_STEP_EXTRA", "WALK_FIXED", "ACC_STEP_FIXED", "ACC_LOCK_SEE",
          "ACC_EV_EXTRA", "UPD_P1_EXTRA", "UPD_SUM_EXTRA", "UPD_UNIT_MIN", "UPD_P2_EXTRA",
          "PCG_DRAW_CYCLES", "UPD_P3_EXTRA", "CLEAR_FIXED", "CMD_FIXED", "CMD_HDR_BYTE", "RUN_CHECK_BYTE", "RUN_CHECK_FIXED", "RUN_BYTE",
          "RUN_FIXED", "RUN_CLEAR_EXTRA", "RUN_STEP_EXTRA", "TRN_TRAIN_EXTRA", "TRN_UPDATE_TENSOR",
          "TRN_UPDATE_FIXED")


def consts(path):
    """The rows of rtl/core_map.csv by name (exit 3: the file unreadable or a row missing)."""
    try:
        k = {r["name"]: r["int"] for r in load(path)}
    except OSError as e:
        print(f"engine_budget.py: {path}: {e.strerror}", file=sys.stderr)
        sys.exit(3)
    missing = [m for m in NEEDED if m not in k]
    if missing:
        print(f"engine_budget.py: {path}: no row {', '.join(missing)}", file=sys.stderr)
        sys.exit(3)
    return k


def brams(k, n_in, n, c, t, p, mom, grad_w, split=False):
    """split: the GRAD_W-bit gradient words as three 16-bit parts in 18-bit blocks."""
    d = (n_in + n) * (n // p)
    syn = p * blocks(d, 36 if mom else 18)
    grad = p * (blocks(3 * d, 18) if split else blocks(d, grad_w))
    hist = blocks(t * n, k["HIST_W"])
    wout = c * blocks(n, 36 if mom else 18) + c * blocks(n, grad_w)
    bias = blocks(n, grad_w)
    cp = 1 << math.ceil(math.log2(c))
    err = blocks(t * cp, k["E_W"])
    return syn + grad + hist + wout + bias + err + UPD_BRAM + FIXED


def mults(p, c):
    cp = 1 << math.ceil(math.log2(c))
    return 2 * p + cp + NEURON_MULT + ERR_MULT + UPD_MULT


def upd_tensor(k, units, fan_in):
    """sglif_update on one tensor (row_norm 1): `units` postsynaptic units of `fan_in` reads."""
    n = units * fan_in
    return (n + k["UPD_P1_EXTRA"]
            + (units - 1) * max(fan_in + k["UPD_SUM_EXTRA"], k["UPD_UNIT_MIN"])
            + fan_in + k["UPD_P2_EXTRA"] + k["PCG_DRAW_CYCLES"] * n + k["UPD_P3_EXTRA"])


def commands(k, n, t, e, batch):
    """Per training sample, the executor's own cycles of its commands (rtl/sglif_cmd.v, as the
    device answers them): RUN's (the request, both walks of its payload of 2 + 2 T + 2 E T
    bytes, the core's clear of n neurons, RUN_STEP_EXTRA a step), TRAIN's (its request and
    TRN_TRAIN_EXTRA), UPDATE's / batch (its request, TRN_UPDATE_FIXED, TRN_UPDATE_TENSOR a
    tensor)."""
    req = k["CMD_FIXED"] + 2 * k["CMD_HDR_BYTE"]           # a request of 2 payload bytes
    run_len = 2 + 2 * t + 2 * e * t
    run = (k["CMD_FIXED"] + k["CMD_HDR_BYTE"] * min(run_len, 8)
           + (k["RUN_CHECK_BYTE"] + k["RUN_BYTE"]) * (run_len - 2) + k["RUN_CHECK_FIXED"]
           + k["RUN_FIXED"] + n + k["CLEAR_FIXED"] + k["RUN_CLEAR_EXTRA"] + t * k["RUN_STEP_EXTRA"])
    update = req + k["TRN_UPDATE_FIXED"] + 5 * k["TRN_UPDATE_TENSOR"]
    return run + req + k["TRN_TRAIN_EXTRA"] + update / batch


def cycles(k, n_in, n, c, t, p, e, s, batch, split=False):
    """Per training sample: forward, readout + errors, walk + accumulation, update / batch,
    the commands' own."""
    g = n // p
    ops = e + s
    # the argmax scan in the last step only (rtl/sglif_device.v with the engine)
    fwd = (t * ((g - 1) * max(ops, p) + max(ops, 1) + p - 1 + k["LAYER_OVERHEAD"] + k["STEP_FIXED"])
           + k["STEP_PER_CLASS"] * c + k["STEP_SCAN_FIXED"])
    gn = (n - 1) // p + 1
    gw = max(1, math.ceil(math.log2(n)) - math.ceil(math.log2(p)))
    lat_r = math.ceil(math.log2(p)) + k["GATHER_LAT"]
    lat_o = math.ceil(math.log2(c)) + k["GATHER_LAT"]
    step = max(n * gn + lat_r, (n - 1) * gn + lat_o + 1) + k["WALK_STEP_EXTRA"]
    walk = 2 ** (gw + 1) + k["WALK_FIXED"] + t * step
    rmw = 3 if split else 1  # split words: three read-modify-writes a word
    # the spike rows ride on the walk's rows (the lock step) but for those of the last neurons
    # of a step, listed too late (the 85F's history latency, 2): d of n, as a mean; the split
    # words (three read-modify-writes) would not fit a neuron's words, so all are left
    d = math.ceil((2 + k["ACC_LOCK_SEE"]) / gn)
    left = s * (1 if split else min(1, d / n))
    acc_step = k["ACC_STEP_FIXED"] + e * (rmw * gn + k["ACC_EV_EXTRA"]) + left * rmw * gn
    acc = t * k["ACC_STEP_FIXED"] + t * e * (rmw * gn + k["ACC_EV_EXTRA"]) + (t - 1) * left * rmw * gn
    # the trainer's engine (SUMS_IN = 1): the step sums come from the forward, and the error unit
    # runs beside the walk, a step ahead; the walk waits where a step of it is shorter
    e_step = k["ENG_OVL_LAG"] + k["ENG_SUMS_STEP"] + k["ERR_CYCLES_FIXED"] + 3 * c
    err = (max(0, e_step - (2 ** (gw + 1) + 1)) + max(0, e_step - step)
           + (t - 2) * max(0, e_step - step - acc_step) + k["ENG_OVL_FIXED"])
    upd = sum(upd_tensor(k, u, f) for u, f in ((n, n_in), (n, n), (n, 1), (c, n), (c, 1)))
    return fwd, err, walk + acc, upd / batch, commands(k, n, t, e, batch)


def main():
    args, doc = sys.argv[1:], None
    if "--check" in args:
        i = args.index("--check")
        doc = args[i + 1] if i + 1 < len(args) else None
        args = args[:i] + args[i + 2:]
    if len(args) > 1 or ("--check" in sys.argv and doc is None):
        print("usage: engine_budget.py [CORE_MAP.csv] [--check DOC.md]", file=sys.stderr)
        sys.exit(2)
    here = os.path.dirname(os.path.abspath(__file__))
    k = consts(args[0] if args else os.path.join(here, "..", "rtl", "core_map.csv"))
    lines = tables(k, FMAX_85F)
    if doc is None:
        print("\n".join(lines))
        return
    try:
        with open(doc) as f:
            have = set(f.read().splitlines())
    except OSError as e:
        print(f"engine_budget.py: {doc}: {e.strerror}", file=sys.stderr)
        sys.exit(3)
    stale = [ln for ln in lines if ln and ln not in have]
    if stale:
        print(f"engine_budget.py: {doc}: {len(stale)} table lines differ from the model, the first: "
              f"{stale[0]} (paste the output of host/engine_budget.py)", file=sys.stderr)
        sys.exit(1)


def tables(k, fmax):
    """The two tables' lines (a blank line between)."""
    out = []
    emit = out.append
    gw = k["GRAD_W"]
    emit("| board | network | T | P | momentum | gradient words | block RAM (of) | multipliers (of) | fits |")
    emit("|---|---|---:|---:|---|---|---:|---:|---|")
    rows = [("25F", 20, 32, 100, 8, 1), ("25F", 20, 32, 100, 4, 1), ("25F", 20, 32, 100, 4, 0),
            ("25F", 20, 32, 50, 4, 0),
            ("45F", 20, 64, 100, 32, 1), ("45F", 20, 64, 100, 16, 1), ("45F", 20, 128, 100, 16, 0),
            ("85F", 20, 128, 100, 64, 1), ("85F", 20, 128, 100, 32, 1), ("85F", 20, 256, 100, 32, 0),
            ("85F", 256, 128, 100, 32, 1), ("85F", 256, 128, 100, 16, 1), ("85F", 256, 128, 100, 16, 0)]
    # GRAD_W of the core map, and for comparison the 48-bit words of an int32 gv (whole, or
    # as three 16-bit parts in 18-bit blocks)
    variants = [(gw, False, f"{gw} bit"), (48, False, "48 bit (gv int32)"),
                (48, True, "48 bit in 3 x 16")]
    variants = variants[:1] + [v for v in variants[1:] if (v[0], v[1]) != (gw, False)]
    for dev, n_in, n, t, p, mom in rows:
        for grad_w, split, label in variants:
            if (grad_w, split) != (gw, False) and (dev, n_in, n) != ("85F", 20, 128):
                continue
            b, m = brams(k, n_in, n, 10, t, p, mom, grad_w, split), mults(p, 10)
            bmax, mmax = DEVICES[dev]
            ok = "yes" if b <= bmax and m <= mmax else "no"
            emit(f"| {dev} | {n_in} -> {n} -> 10 | {t} | {p} | {'yes' if mom else 'no'} | {label} "
                  f"| {b} ({bmax}) | {m} ({mmax}) | {ok} |")
    emit("")
    emit(f"| network | P | E, S per step | forward | readout + errors | walk + accumulation "
          f"| update / {BATCH} | commands | cycles a sample | samples/s at 75 MHz | at {fmax:.2f} MHz |")
    emit("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n_in, n, p, e, s, split in ((20, 128, 64, 0.2, 25.6, False), (20, 128, 64, 0.2, 25.6, True),
                                    (20, 128, 32, 0.2, 25.6, False), (20, 128, 64, 0.2, 6.4, False),
                                    (20, 64, 16, 0.2, 12.8, False), (256, 128, 16, 2.56, 25.6, False)):
        parts = cycles(k, n_in, n, 10, 100, p, e, s, BATCH, split)
        tot = sum(parts)
        name = f"{n_in} -> {n} -> 10, T 100" + (" (3 x 16-bit words)" if split else "")
        emit(f"| {name} | {p} | {e}, {s} | " + " | ".join(f"{x:.0f}" for x in parts)
              + f" | {tot:.0f} | {75e6 / tot:.0f} | {fmax * 1e6 / tot:.0f} |")
    return out


if __name__ == "__main__":
    main()
