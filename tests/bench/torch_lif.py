#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PyTorch reference for `make bench`: the recurrent LIF network of sw/net.c, trained with BPTT.

Reads a problem file written by build/bin/sglif-bench (network, initial weights, spike batches),
trains on it with the same equations as sw/net.c, times each training step (forward + backward +
AdamW step) and prints `key value` lines that sglif-bench parses:

    I_t   = b + x_t W_in + z_{t-1} W_rec              (W_rec diagonal held at zero)
    v_t   = alpha v_{t-1} + I_t - theta z_{t-1}       (subtraction reset, reset term detached)
    z_t   = H(v_t - theta), backward SG = gamma_i / (1 + |2 beta (v_t - theta)|)^2
    logits_t = b_out + z_t W_out, loss = mean over batch and steps of CE(logits_t, y)
    AdamW(lr, betas (0.9, 0.999), eps 1e-8, weight_decay), clip_grad_norm_(clip)

File layout (little-endian): 8-byte magic "SGLBENCH", 10 int32 (version = 1, n_in, n_hidden,
n_out, T, B, n_batches, warmup, reps, steps per rep), 6 float64 (alpha, theta, beta, lr,
weight_decay, clip), float32 w_in [n_in][n], w_rec [n][n], bias [n], w_out [n][C], b_out [C],
gamma [n], then per batch int32 labels [B] and uint8 spikes [B][T][n_in].
"""
import argparse
import os
import resource
import statistics
import struct
import sys
import time

import numpy as np
import torch

HEADER = struct.Struct("<8s10i6d")


class Spike(torch.autograd.Function):
    """Heaviside forward, fast-sigmoid surrogate gradient backward."""

    @staticmethod
    def forward(ctx, x, gamma, two_beta):
        ctx.save_for_backward(x, gamma)
        ctx.two_beta = two_beta
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, gamma = ctx.saved_tensors
        d = 1.0 + (ctx.two_beta * x).abs()
        return grad * gamma / (d * d), None, None


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    fields = HEADER.unpack_from(raw, 0)
    magic, ints, dbls = fields[0], fields[1:11], fields[11:]
    if magic != b"SGLBENCH" or ints[0] != 1:
        sys.exit(f"torch_lif: {path}: not a version-1 sglif-bench problem file")
    n_in, n, C, T, B, nb, warmup, reps, steps = ints[1:]
    alpha, theta, beta, lr, wd, clip = dbls
    off = HEADER.size

    def take(count, dtype):
        nonlocal off
        a = np.frombuffer(raw, dtype=dtype, count=count, offset=off)
        off += a.nbytes
        return a

    p = {}
    p["w_in"] = take(n_in * n, "<f4").reshape(n_in, n)
    p["w_rec"] = take(n * n, "<f4").reshape(n, n)
    p["bias"] = take(n, "<f4")
    p["w_out"] = take(n * C, "<f4").reshape(n, C)
    p["b_out"] = take(C, "<f4")
    gamma = take(n, "<f4")
    batches = []
    for _ in range(nb):
        y = take(B, "<i4").astype(np.int64)
        x = take(B * T * n_in, "u1").reshape(B, T, n_in)
        batches.append((torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)))
    if off != len(raw):
        sys.exit(f"torch_lif: {path}: {len(raw) - off} trailing bytes at offset {off}")
    cfg = dict(n_in=n_in, n=n, C=C, T=T, B=B, warmup=warmup, reps=reps, steps=steps,
               alpha=alpha, theta=theta, beta=beta, lr=lr, wd=wd, clip=clip)
    params = {k: torch.nn.Parameter(torch.from_numpy(v.copy())) for k, v in p.items()}
    return cfg, params, torch.from_numpy(gamma.copy()), batches


def loss_fn(cfg, P, gamma, mask, x, y):
    B, T, n = x.shape[0], cfg["T"], cfg["n"]
    alpha, theta, two_beta = cfg["alpha"], cfg["theta"], 2.0 * cfg["beta"]
    w_rec = P["w_rec"] * mask
    cur_in = torch.matmul(x, P["w_in"]) + P["bias"]  # [B, T, n]: one matmul for all steps
    v = torch.zeros(B, n)
    z = torch.zeros(B, n)
    zs = []
    for t in range(T):
        cur = cur_in[:, t] + z @ w_rec
        v = alpha * v + cur - theta * z.detach()
        z = Spike.apply(v - theta, gamma, two_beta)
        zs.append(z)
    Z = torch.stack(zs, dim=1)  # [B, T, n]
    logits = torch.matmul(Z, P["w_out"]) + P["b_out"]
    return torch.nn.functional.cross_entropy(logits.reshape(B * T, -1),
                                             y.repeat_interleave(T))


def blas_libraries():
    """The BLAS shared objects mapped into this process (after a matmul has run)."""
    found = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if "blas" in os.path.basename(path):
                found.add(os.path.realpath(path))
    return sorted(found)


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM, ru_maxrss)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("problem", help="problem file written by sglif-bench")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg, P, gamma, batches = load(a.problem)
    n = cfg["n"]
    mask = 1.0 - torch.eye(n)
    params = [P["w_in"], P["w_rec"], P["bias"], P["w_out"], P["b_out"]]
    opt = torch.optim.AdamW(params, lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=cfg["wd"])

    def step(k):
        x, y = batches[k % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(cfg, P, gamma, mask, x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
        opt.step()
        return loss.item()

    print(f"torch {torch.__version__}")
    print(f"threads {torch.get_num_threads()}")
    reset_peak_rss()
    k = 0
    loss_first = step(k)
    k += 1
    print(f"blas {' '.join(blas_libraries()) or 'none-mapped'}")
    for _ in range(cfg["warmup"] - 1):
        step(k)
        k += 1
    rep_ms = []
    loss = loss_first
    cpu = 0.0
    for _ in range(cfg["reps"]):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(cfg["steps"]):
            loss = step(k)
            k += 1
        rep_ms.append(1e3 * (time.perf_counter() - t0) / cfg["steps"])
        cpu += time.process_time() - c0
    print(f"loss_first {loss_first:.6f}")
    print(f"loss_last {loss:.6f}")
    print("ms_reps " + " ".join(f"{m:.3f}" for m in rep_ms))
    print(f"ms_median {statistics.median(rep_ms):.3f}")
    print(f"cpu_ms {1e3 * cpu / (cfg['reps'] * cfg['steps']):.3f}")
    print(f"rss_peak_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
