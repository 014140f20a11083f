#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The training engine's block-RAM and multiplier budget and its cycles per training sample
(docs/rtl.md, "Training engine (design)"): a model of the design, not a measurement. Prints the
Markdown tables of that section.

    engine_budget.py

Memories per one-layer network (N hidden, N_IN inputs, C classes, T steps, P lanes, G = N/P):
P synapse banks of D = (N_IN + N) G words of 36 bits ({momentum, master}: 512 words a DP16KD;
without momentum 18 bits, 1024 words),
P gradient banks of D words of 32 bits, the history (T N words of 17 bits in banks of 1024),
W_out as C RAMs of N words of {momentum, master} (or master) and C of gradients, the error memory (T C
words of 32 bits), and FIXED block RAMs for the rest (the forward's 13 of today's 85F row, plus
gamma_q, the EXP2 table and the bias gradients). Multipliers: two MULT18X18D a lane (int8 x
int32), one a class (int8 x err) and EXTRA_MULT for the SG product, the error unit and
the update.
"""
import math

DEVICES = {"25F": (56, 28), "45F": (108, 72), "85F": (208, 156)}  # DP16KD, MULT18X18D
FIXED = 16
EXTRA_MULT = 8  # plus one a class (the gradient through W_out)
L_B = 24       # the backward walk's pipeline, per step (an estimate until the RTL exists)
DIV = 48       # cycles of one serial division / square root
UPDATE_CYC = 4  # cycles a parameter in the update (one PCG32 draw each)


def brams(n_in, n, c, t, p, mom):
    g = n // p
    d = (n_in + n) * g
    syn = p * math.ceil(d / (512 if mom else 1024))
    grad = p * math.ceil(d / 512)
    hist = math.ceil(t * n / 1024)
    wout = c * math.ceil(n / (512 if mom else 1024)) + c * math.ceil(n / 512)
    err = math.ceil(t * c / 512)
    return syn + grad + hist + wout + err + FIXED


def cycles(n_in, n, c, t, p, e, s, batch):
    """Per training sample: forward, backward, update / batch (e, s: input events and hidden
    spikes per step, means)."""
    g = n // p
    ops = e + s
    fwd = t * ((g - 1) * max(ops, p) + max(ops, 1) + p - 1 + 16 + 2 * c + 3)
    bwd = t * (n * g + (e + s + 1) * g + s + L_B)
    params = n_in * n + n * n + n + n * c + c
    # a pass for max |G| and the per-unit squares (P lanes), a square root and a division a
    # postsynaptic unit (n for W_in, W_rec, bias; C for W_out, b_out), a PCG32 draw an entry
    upd = (UPDATE_CYC * params + 2 * math.ceil(params / p) + (3 * n + 2 * c) * DIV) / batch
    return fwd, bwd, upd


def main():
    print("| board | network | T | P | momentum | block RAM (of) | multipliers (of) | fits |")
    print("|---|---|---:|---:|---|---:|---:|---|")
    rows = [("25F", 20, 32, 100, 8, 1), ("25F", 20, 32, 100, 4, 1), ("25F", 20, 32, 100, 4, 0), ("25F", 20, 32, 50, 4, 0),
            ("45F", 20, 64, 100, 32, 1), ("45F", 20, 64, 100, 16, 1), ("45F", 20, 128, 100, 16, 0),
            ("85F", 20, 128, 100, 64, 1), ("85F", 20, 256, 100, 32, 0),
            ("85F", 256, 128, 100, 32, 1), ("85F", 256, 128, 100, 16, 1), ("85F", 256, 128, 100, 16, 0)]
    for dev, n_in, n, t, p, mom in rows:
        b, m = brams(n_in, n, 10, t, p, mom), 2 * p + EXTRA_MULT + 10
        bmax, mmax = DEVICES[dev]
        ok = "yes" if b <= bmax and m <= mmax else "no"
        print(f"| {dev} | {n_in} -> {n} -> 10 | {t} | {p} | {'yes' if mom else 'no'} | {b} ({bmax}) "
              f"| {m} ({mmax}) | {ok} |")
    print()
    print("| network | P | E, S per step | forward | backward | update / 32 | cycles a sample | samples/s at 80 MHz |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for n_in, n, p, e, s in ((20, 128, 64, 0.2, 25.6), (20, 128, 32, 0.2, 25.6),
                             (20, 128, 64, 0.2, 6.4), (20, 64, 16, 0.2, 12.8),
                             (256, 128, 16, 2.56, 25.6)):
        f, bw, u = cycles(n_in, n, 10, 100, p, e, s, 32)
        tot = f + bw + u
        print(f"| {n_in} -> {n} -> 10, T 100 | {p} | {e}, {s} | {f:.0f} | {bw:.0f} | {u:.0f} | "
              f"{tot:.0f} | {80e6 / tot:.0f} |")


if __name__ == "__main__":
    main()
