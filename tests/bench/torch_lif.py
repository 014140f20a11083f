#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PyTorch reference for `make bench`: the recurrent LIF network of sw/net.c, trained with BPTT.

Reads a problem file written by build/bin/sglif-bench (network, initial weights, the C trainer's
gradient on the first batch, spike batches), checks that the chosen formulation computes the C
trainer's loss and gradient on that batch, trains with the same equations as sw/net.c, times
each training step (forward + backward + AdamW step) and prints `key value` lines that
sglif-bench parses:

    I_t   = b + x_t W_in + z_{t-1} W_rec              (W_rec diagonal held at zero)
    v_t   = alpha v_{t-1} + I_t - theta z_{t-1}       (subtraction reset, reset term detached)
    z_t   = H(v_t - theta), backward SG = gamma_i / (1 + |2 beta (v_t - theta)|)^2
    logits_t = b_out + z_t W_out, loss = mean over batch and steps of CE(logits_t, y)
    AdamW(lr, betas (0.9, 0.999), eps 1e-8, weight_decay), clip_grad_norm_(clip)

Two formulations of the same loss (--formulation):
  fast   the input projection (an embedding_bag over the input events: the sum of the active
         units' rows of W_in) and the readout (one matrix product) are computed over all steps
         and the batch at once; the recurrence is the only per-step work: a TorchScript loop
         forward (one addmm and one add a step, the reset folded into the recurrent matrix as
         W_rec - theta I, which has the same zero diagonal) and a TorchScript loop backward (one
         mm and one fused multiply-add a step) inside a torch.autograd.Function; the spike mask,
         the SG and the gradient of W_rec are computed over all steps at once. The baseline of
         make bench.
  plain  the textbook loop: a Python loop over steps, the spike as an autograd.Function, and
         autograd through the whole unrolled graph (the formulation of earlier benchmarks).

File layout (little-endian): 8-byte magic "SGLBENCH", 10 int32 (version = 2, n_in, n_hidden,
n_out, T, B, n_batches, warmup, reps, steps per rep), 6 float64 (alpha, theta, beta, lr,
weight_decay, clip), float32 w_in [n_in][n], w_rec [n][n], bias [n], w_out [n][C], b_out [C],
gamma [n], then the C trainer's gradient of the first batch's loss at these weights in the same
five float32 arrays (w_in ... b_out), then per batch int32 labels [B] and uint8 spikes
[B][T][n_in].
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
from torch import Tensor

HEADER = struct.Struct("<8s10i6d")
NAMES = ("w_in", "w_rec", "bias", "w_out", "b_out")


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
    if magic != b"SGLBENCH" or ints[0] != 2:
        sys.exit(f"torch_lif: {path}: not a version-2 sglif-bench problem file")
    n_in, n, C, T, B, nb, warmup, reps, steps = ints[1:]
    alpha, theta, beta, lr, wd, clip = dbls
    off = HEADER.size

    def take(count, dtype):
        nonlocal off
        a = np.frombuffer(raw, dtype=dtype, count=count, offset=off)
        off += a.nbytes
        return a

    shapes = {"w_in": (n_in, n), "w_rec": (n, n), "bias": (n,), "w_out": (n, C), "b_out": (C,)}

    def tensors():
        return {k: take(int(np.prod(shapes[k])), "<f4").reshape(shapes[k]) for k in NAMES}

    p = tensors()
    gamma = take(n, "<f4")
    grad_c = {k: torch.from_numpy(v.copy()) for k, v in tensors().items()}
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
    return cfg, params, torch.from_numpy(gamma.copy()), grad_c, batches


class Plain:
    """The textbook loop: autograd through every step (batch-major data)."""

    def __init__(self, cfg, P, gamma):
        self.cfg, self.P, self.gamma = cfg, P, gamma
        self.mask = 1.0 - torch.eye(cfg["n"])

    def prepare(self, x, y):
        return x, y

    def loss(self, x, y):
        cfg, P = self.cfg, self.P
        B, T, n = x.shape[0], cfg["T"], cfg["n"]
        alpha, theta, two_beta = cfg["alpha"], cfg["theta"], 2.0 * cfg["beta"]
        w_rec = P["w_rec"] * self.mask
        cur_in = torch.matmul(x, P["w_in"]) + P["bias"]  # [B, T, n]: one matmul for all steps
        v = torch.zeros(B, n)
        z = torch.zeros(B, n)
        zs = []
        for t in range(T):
            cur = cur_in[:, t] + z @ w_rec
            v = alpha * v + cur - theta * z.detach()
            z = Spike.apply(v - theta, self.gamma, two_beta)
            zs.append(z)
        Z = torch.stack(zs, dim=1)  # [B, T, n]
        logits = torch.matmul(Z, P["w_out"]) + P["b_out"]
        return torch.nn.functional.cross_entropy(logits.reshape(B * T, -1),
                                                 y.repeat_interleave(T))


@torch.jit.script
def lif_forward(cur_in: Tensor, w_reset: Tensor, alpha: float, theta: float) -> Tensor:
    """V[t] = alpha V[t-1] + cur_in[t] + z_{t-1} (W_rec - theta I), z = V > theta; [T, B, n]."""
    V = torch.empty_like(cur_in)
    v = torch.zeros(cur_in.size(1), cur_in.size(2))
    z = torch.zeros(cur_in.size(1), cur_in.size(2))
    for t in range(cur_in.size(0)):
        v = torch.addmm(cur_in[t], z, w_reset).add_(v, alpha=alpha)
        V[t] = v
        z = (v > theta).float()
    return V


@torch.jit.script
def lif_backward(sg_gz: Tensor, sg: Tensor, w_rec_t: Tensor, alpha: float) -> Tensor:
    """dV[t] = SG[t] (gZ[t] + dV[t+1] W_rec^T) + alpha dV[t+1], given SG gZ and SG; [T, B, n]."""
    dV = torch.empty_like(sg_gz)
    dv = torch.zeros(sg_gz.size(1), sg_gz.size(2))
    for t in range(sg_gz.size(0) - 1, -1, -1):
        dv = torch.addcmul(sg_gz[t], sg[t], dv @ w_rec_t).add_(dv, alpha=alpha)
        dV[t] = dv
    return dV


class LIFLayer(torch.autograd.Function):
    """The recurrent layer over all steps: cur_in [T, B, n] -> spikes Z [T, B, n]."""

    @staticmethod
    def forward(ctx, cur_in, w_rec, gamma, alpha, theta, two_beta):
        w_reset = w_rec - theta * torch.eye(w_rec.size(0))  # the reset, as a matrix (diag 0)
        V = lif_forward(cur_in, w_reset, alpha, theta)
        Z = (V > theta).float()
        ctx.save_for_backward(Z, V, w_rec, gamma)
        ctx.consts = (alpha, theta, two_beta)
        ctx.leak_grad = Fast.leak_grad
        return Z

    @staticmethod
    def backward(ctx, gZ):
        Z, V, w_rec, gamma = ctx.saved_tensors
        alpha, theta, two_beta = ctx.consts
        d = (V - theta).mul_(two_beta).abs_().add_(1.0)
        sg = gamma / d.mul_(d)
        dV = lif_backward(sg * gZ, sg, w_rec.t().contiguous(), alpha * ctx.leak_grad)
        n = Z.size(2)
        g_rec = Z[:-1].reshape(-1, n).t() @ dV[1:].reshape(-1, n)  # sum_t z_{t-1}^T dV_t
        g_rec.fill_diagonal_(0.0)
        return dV, g_rec, None, None, None, None


class Fast:
    """Input projection and readout over all steps at once; the recurrence in TorchScript."""

    leak_grad = 1.0  # --fault sets 0: the backward forgets the leak (same loss, wrong gradient)

    def __init__(self, cfg, P, gamma):
        self.cfg, self.P, self.gamma = cfg, P, gamma

    def prepare(self, x, y):
        """The spikes as events, time-major (row t * B + b: the input units active at step t in
        sample b, and where each row starts), and the labels in the order of the T * B logits."""
        T, B = self.cfg["T"], x.shape[0]
        rows, units = x.transpose(0, 1).reshape(T * B, -1).nonzero(as_tuple=True)
        starts = torch.zeros(T * B, dtype=torch.long)
        starts[1:] = torch.bincount(rows, minlength=T * B).cumsum(0)[:-1]
        return units, starts, y.repeat(T)

    def loss(self, units, starts, y):
        cfg, P = self.cfg, self.P
        T, B = cfg["T"], starts.numel() // cfg["T"]
        # x_t W_in as the sum of the active units' rows (the input is 0/1 and sparse)
        cur_in = torch.nn.functional.embedding_bag(units, P["w_in"], starts, mode="sum")
        cur_in = (cur_in + P["bias"]).view(T, B, -1)
        Z = LIFLayer.apply(cur_in, P["w_rec"], self.gamma, cfg["alpha"], cfg["theta"],
                           2.0 * cfg["beta"])
        logits = torch.addmm(P["b_out"], Z.view(T * B, -1), P["w_out"])
        return torch.nn.functional.cross_entropy(logits, y)


FORMULATIONS = {"fast": Fast, "plain": Plain}


def grad_error(model, batch, P, grad_c):
    """Max over tensors of |g - g_C| / |g_C| (L2 norms) on the first batch at the initial
    weights. An entrywise bound would not do: over millions of neuron-steps a few membranes
    fall within float rounding of theta, and a spike that flips moves some entries by a lot."""
    loss = model.loss(*batch)
    grads = torch.autograd.grad(loss, [P[k] for k in NAMES])
    err = 0.0
    for k, g in zip(NAMES, grads):
        ref = grad_c[k].double()
        err = max(err, (g.double() - ref).norm().item() / max(ref.norm().item(), 1e-300))
    return loss.item(), err


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
    ap.add_argument("--formulation", choices=sorted(FORMULATIONS), default="fast")
    ap.add_argument("--fault", action="store_true",
                    help="self-test: the fast formulation's backward drops the leak alpha "
                         "(the loss stays right, the gradient check must fail)")
    a = ap.parse_args()
    if a.fault:
        Fast.leak_grad = 0.0
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg, P, gamma, grad_c, batches = load(a.problem)
    model = FORMULATIONS[a.formulation](cfg, P, gamma)
    batches = [model.prepare(x, y) for x, y in batches]
    params = [P[k] for k in NAMES]
    opt = torch.optim.AdamW(params, lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=cfg["wd"])

    def step(k):
        opt.zero_grad(set_to_none=True)
        loss = model.loss(*batches[k % len(batches)])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
        opt.step()
        return loss.item()

    print(f"torch {torch.__version__}")
    print(f"formulation {a.formulation}")
    print(f"threads {torch.get_num_threads()}")
    loss_check, grad_err = grad_error(model, batches[0], P, grad_c)
    print(f"grad_err {grad_err:.3e}")
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
    if abs(loss_check - loss_first) > 1e-6 * max(1.0, abs(loss_first)):
        sys.exit(f"torch_lif: first loss {loss_first} differs from the checked {loss_check}")
    print(f"loss_first {loss_first:.6f}")
    print(f"loss_last {loss:.6f}")
    print("ms_reps " + " ".join(f"{m:.3f}" for m in rep_ms))
    print(f"ms_median {statistics.median(rep_ms):.3f}")
    print(f"cpu_ms {1e3 * cpu / (cfg['reps'] * cfg['steps']):.3f}")
    print(f"rss_peak_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
