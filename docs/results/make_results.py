#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write docs/results.md from the results.csv files of the sweeps run by `make results`
(docs/results.mk): tables, plot links, and the "Agreement with the paper" section, whose
sentences are chosen from the numbers. Standard library only."""

import argparse
import csv
import os
import statistics
import sys

SHAPES = ["triangular", "exponential", "gaussian", "rectangular", "sigmoid", "fast-sigmoid",
          "q-pseudospike"]
COND_ORDER = ["none", "I", "I+II", "I+II+III", "I+II+III+IV"]


def load(path):
    if not path or not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def ok_rows(rows):
    return [r for r in rows if r["status"] == "ok" and r["test_acc"] != ""]


def mean_std(xs):
    if not xs:
        return float("nan"), float("nan")
    m = statistics.fmean(xs)
    return m, (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def group(rows, *keys, metric="test_acc"):
    g = {}
    for r in ok_rows(rows):
        g.setdefault(tuple(r[k] for k in keys), []).append(float(r[metric]))
    return g


def fmt(m, s=None, n=None):
    if m != m:
        return "–"
    t = f"{m:.3f}"
    if s is not None and n and n > 1:
        t += f" ± {s:.3f}"
    return t


def lr_key(x):
    try:
        return float(x)
    except ValueError:
        return -1.0


def lr_label(x):
    return x if x else "default"


def settings(rows):
    """The settings shared by a sweep, from its rows."""
    r = rows[0]
    secs = [float(x["seconds"]) for x in rows if x["seconds"]]
    seeds = sorted({x["seed"] for x in rows}, key=int)
    parts = [f"data `{r['data']}`", f"{r['epochs'] or 'default'} epochs",
             f"hidden {r['hidden'] or 'default'}", f"{len(seeds)} seed(s) ({', '.join(seeds)})"]
    if r["extra"]:
        parts.append(f"train options `{r['extra']}`")
    failed = [x for x in rows if x["status"] != "ok"]
    t = ", ".join(parts) + f"; {len(rows)} jobs"
    if secs:
        t += f", {statistics.fmean(secs):.1f} s per job on average (train + eval, 1 thread)"
    if failed:
        t += f"; **{len(failed)} failed** (status column of the CSV)"
    return t


def n_classes(rows):
    data = rows[0]["data"]
    for kv in data.split(":", 1)[-1].split(","):
        if kv.startswith("classes="):
            return int(kv.split("=")[1])
    return 10  # randman and fmnist defaults


def learned(rows):
    """Whether the best mean accuracy is clearly above chance (1.5 x 1/classes)."""
    g = group(rows, "shape", "lr", "conditions", "init_rate", "sparsity")
    best = max((statistics.fmean(v) for v in g.values()), default=0.0)
    return best > 1.5 / n_classes(rows), best


def shape_section(rows, name, plot, out):
    g = group(rows, "shape", "lr")
    lrs = sorted({k[1] for k in g}, key=lr_key)
    shapes = [s for s in SHAPES if any(k[0] == s for k in g)]
    out.append(f"Settings: {settings(rows)}.\n")
    out.append(f"![accuracy vs learning rate, {name}]({plot})\n")
    out.append("Mean test accuracy ± standard deviation over seeds; the last columns are the mean "
               "over the learning rates (robustness) and the best learning rate.\n")
    out.append("| shape | " + " | ".join(f"lr {lr_label(x)}" for x in lrs) +
               " | mean over lr | best |")
    out.append("|---" * (len(lrs) + 3) + "|")
    summary = {}
    for s in shapes:
        cells, means = [], []
        for lr in lrs:
            v = g.get((s, lr), [])
            m, sd = mean_std(v)
            cells.append(fmt(m, sd, len(v)))
            if v:
                means.append(m)
        robust = statistics.fmean(means) if means else float("nan")
        best = max(means) if means else float("nan")
        summary[s] = (robust, best)
        out.append(f"| {s} | " + " | ".join(cells) + f" | {fmt(robust)} | {fmt(best)} |")
    out.append("")
    return summary, lrs


def seed_std(rows):
    """Typical std over seeds of one grid point; None with a single seed (no estimate)."""
    g = group(rows, "shape", "lr", "conditions", "init_rate", "sparsity")
    sds = [statistics.stdev(v) for v in g.values() if len(v) > 1]
    return statistics.fmean(sds) if sds else None


def noise(sd):
    return f"typical seed std {sd:.3f}" if sd is not None else "one seed only: no noise estimate"


def tentative(sd):
    return "" if sd is not None else " (tentative: one seed)"


def shape_findings(summary, rows, name, out):
    ok, best_acc = learned(rows)
    if not summary:
        return
    if not ok:
        out.append(f"- **{name}: not conclusive.** The best mean test accuracy, {best_acc:.3f}, "
                   f"is not clearly above chance (1/{n_classes(rows)}) with this budget, so the "
                   "comparison of shapes says nothing about the paper's claims.")
        return
    sdn = seed_std(rows)
    sd = sdn or 0.0
    ranked = sorted(summary.items(), key=lambda kv: -kv[1][0])
    top, (top_r, _) = ranked[0]
    fs = summary.get("fast-sigmoid")
    if fs is None:
        out.append(f"- {name}: fast-sigmoid was not in the sweep.")
        return
    gap = top_r - fs[0]
    rank = [k for k, _ in ranked].index("fast-sigmoid") + 1
    if top == "fast-sigmoid":
        second = ranked[1] if len(ranked) > 1 else None
        margin = fs[0] - second[1][0] if second else 0.0
        verdict = "**agrees**" if margin > sd else "**agrees, within noise**"
        out.append(f"- {name}: the paper finds the fast-sigmoid derivative the most robust SG. "
                   f"Here it {verdict}: fast-sigmoid has the highest accuracy averaged over the "
                   f"learning rates ({fs[0]:.3f}"
                   + (f"; next {second[0]}, {second[1][0]:.3f}" if second else "") +
                   f"; {noise(sdn)}){tentative(sdn)}.")
    elif gap <= sd:
        out.append(f"- {name}: the paper finds the fast-sigmoid derivative the most robust SG. "
                   f"Here fast-sigmoid ranks {rank} of {len(ranked)} by accuracy averaged over "
                   f"the learning rates ({fs[0]:.3f} against {top}'s {top_r:.3f}), a gap within "
                   f"noise ({noise(sdn)}): **consistent, not confirmed**.")
    else:
        out.append(f"- {name}: the paper finds the fast-sigmoid derivative the most robust SG. "
                   f"Here **it does not**: fast-sigmoid ranks {rank} of {len(ranked)} "
                   f"({fs[0]:.3f} averaged over the learning rates against {top}'s {top_r:.3f}, "
                   f"{noise(sdn)}){tentative(sdn)}.")
    best_shape = max(summary.items(), key=lambda kv: kv[1][1])
    out.append(f"  The single best (shape, learning rate) mean accuracy is {best_shape[1][1]:.3f} "
               f"with {best_shape[0]}.")


def ablation_section(rows, plot, out):
    g = group(rows, "conditions", "lr")
    lrs = sorted({k[1] for k in g}, key=lr_key)
    conds = [c for c in COND_ORDER if any(k[0] == c for k in g)]
    conds += sorted({k[0] for k in g} - set(conds))
    out.append(f"Settings: {settings(rows)}, shape `{rows[0]['shape']}`.\n")
    out.append(f"![Conditions ablation]({plot})\n")
    out.append("| Conditions | " + " | ".join(f"lr {lr_label(x)}" for x in lrs) +
               " | mean over lr |")
    out.append("|---" * (len(lrs) + 2) + "|")
    res = {}
    for c in conds:
        cells, means = [], []
        for lr in lrs:
            v = g.get((c, lr), [])
            m, sd = mean_std(v)
            cells.append(fmt(m, sd, len(v)))
            if v:
                means.append(m)
        res[c] = statistics.fmean(means) if means else float("nan")
        out.append(f"| {c} | " + " | ".join(cells) + f" | {fmt(res[c])} |")
    rate = group(rows, "conditions", metric="final_rate")
    out.append("\nFinal firing rate on the test set (mean over learning rates and seeds): " +
               ", ".join(f"{c} {statistics.fmean(rate[(c,)]):.3f}" for c in conds
                         if (c,) in rate) + ".\n")
    return res


def ablation_findings(res, rows, out):
    ok, best = learned(rows)
    if not ok:
        out.append(f"- **Conditions ablation: not conclusive.** The best mean test accuracy, "
                   f"{best:.3f}, is not clearly above chance with this budget.")
        return
    sdn = seed_std(rows)
    sd = sdn or 0.0
    full, none = res.get("I+II+III+IV"), res.get("none")
    if full is None or none is None:
        out.append("- Conditions ablation: the sweep lacks 'none' or all four Conditions.")
        return
    d = full - none
    if d > sd:
        v = "**agrees**: the Conditions help"
    elif d >= -sd:
        v = "**no clear effect** (within the seed std)"
    else:
        v = "**disagrees**: the Conditions hurt here"
    out.append(f"- Conditions I–IV (the paper's claim: they stabilize training and choose good "
               f"SG knobs before training): all four {full:.3f} against none {none:.3f} mean "
               f"test accuracy over the learning rates, difference {d:+.3f} ({noise(sdn)}): "
               f"{v}{tentative(sdn)}.")
    steps = [c for c in COND_ORDER if c in res]
    ups = sum(1 for a, b in zip(steps, steps[1:]) if res[b] > res[a] + sd)
    downs = sum(1 for a, b in zip(steps, steps[1:]) if res[b] < res[a] - sd)
    out.append(f"  Adding the Conditions one at a time ({' → '.join(steps)}): {ups} step(s) "
               f"raise the accuracy by more than the seed std, {downs} lower it.")


def rate_section(rows, plot, out):
    g = group(rows, "init_rate", "sparsity")
    fr = group(rows, "init_rate", "sparsity", metric="final_rate")
    rates = sorted({k[0] for k in g}, key=lambda x: -1 if x in ("", "off") else float(x))
    sps = sorted({k[1] for k in g}, key=lambda x: float(x) if x else 0.0)
    out.append(f"Settings: {settings(rows)}, shape `{rows[0]['shape']}`, lr "
               f"`{lr_label(rows[0]['lr'])}`.\n")
    out.append(f"![initial rate x sparsity]({plot})\n")
    out.append("Mean test accuracy (final test-set firing rate in brackets):\n")
    out.append("| initial rate | " + " | ".join(f"sparsity {s or '0'}" for s in sps) + " |")
    out.append("|---" * (len(sps) + 1) + "|")
    res = {}
    for r in rates:
        cells = []
        for s in sps:
            v = g.get((r, s), [])
            m, sd = mean_std(v)
            f = fr.get((r, s), [])
            res[(r, s)] = m
            cells.append(fmt(m, sd, len(v)) + (f" ({statistics.fmean(f):.3f})" if f else ""))
        out.append(f"| {r or 'off'} | " + " | ".join(cells) + " |")
    out.append("")
    return res, rates, sps


def rate_findings(res, rates, sps, rows, out):
    ok, best = learned(rows)
    if not ok:
        out.append(f"- **Initial rate × sparsity: not conclusive.** The best mean test accuracy, "
                   f"{best:.3f}, is not clearly above chance with this budget.")
        return
    sdn = seed_std(rows)
    sd = sdn or 0.0
    num = [r for r in rates if r not in ("", "off")]
    if not num or len(sps) < 2:
        return
    s0, s1 = sps[0], sps[-1]
    best_r = max(num, key=lambda r: max(res.get((r, s), -1) for s in sps))
    out.append(f"- The paper finds that the stability method asks for an initial rate near 0.5. "
               f"Here the best initial rate is {best_r} "
               + ("(**agrees**, within 0.2 of 0.5)." if abs(float(best_r) - 0.5) <= 0.2
                  else "(**disagrees**: not near 0.5)."))
    high = [r for r in num if float(r) >= 0.5]
    low = [r for r in num if float(r) < 0.5]
    if high and low:
        hs = max(res[(r, s1)] for r in high)
        ln = max(res[(r, s0)] for r in low)
        d = hs - ln
        v = ("**agrees**" if d > sd else "**no clear effect** (within the seed std)" if d >= -sd
             else "**disagrees**")
        out.append(f"- High initial rate with the gradual sparsity loss (best over rates ≥ 0.5, "
                   f"sparsity {s1}: {hs:.3f}) against low initial rate without it (best over "
                   f"rates < 0.5, sparsity {s0}: {ln:.3f}): difference {d:+.3f} ({noise(sdn)}): "
                   f"{v} with the paper's claim that the combination generalizes better"
                   f"{tentative(sdn)}.")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shapes-randman")
    ap.add_argument("--shapes-fmnist")
    ap.add_argument("--ablation")
    ap.add_argument("--rates")
    ap.add_argument("--plots", required=True, help="plot directory relative to --out's directory")
    ap.add_argument("--budget", default="", help="sentence describing the budget")
    ap.add_argument("--run-dir", default="build/results", help="where the sweeps' outputs are")
    a = ap.parse_args()
    p = a.plots.rstrip("/")
    out = ["<!-- GENERATED by `make results` (docs/results.mk, docs/results/make_results.py): "
           "do not edit. -->",
           "# Results",
           "",
           "These numbers come from `sglif sweep` runs made by `make results` on the development "
           "machine (2 cores). " + a.budget +
           " The budget is deliberately small (few epochs, reduced data sets, few seeds) so "
           "that the whole page regenerates in about half an hour; the paper trains far longer "
           "on SHD and larger networks, so absolute accuracies are not comparable with its "
           "figures, only trends are. Every table below states its exact settings; the raw "
           f"rows are in the sweeps' `results.csv` files ({a.run_dir}/*/results.csv).",
           "",
           f"![the seven SG shapes at dampening 1, sharpness 1]({p}/sg-shapes.png)",
           ""]
    findings = []
    sections = [("shapes-randman", a.shapes_randman, "SG shapes across learning rates: randman"),
                ("shapes-fmnist", a.shapes_fmnist, "SG shapes across learning rates: "
                 "Fashion-MNIST (subset)")]
    for key, path, title in sections:
        rows = load(path)
        out.append(f"## {title}\n")
        if not rows:
            out.append("Not run.\n")
            continue
        summary, _ = shape_section(rows, key, f"{p}/{key}.png", out)
        if key == "shapes-randman" and os.path.exists(
                os.path.join(os.path.dirname(a.out), p, "curves-randman.png")):
            out.append(f"Training curves of the first three fast-sigmoid jobs of the randman sweep (job numbers as in its results.csv): "
                       f"![curves]({p}/curves-randman.png)\n")
            out.append(f"Spike raster of one of those models on a test sample: "
                       f"![raster]({p}/raster-randman.png)\n")
        shape_findings(summary, rows, title.split(": ")[-1], findings)
    rows = load(a.ablation)
    out.append("## Conditions ablation\n")
    if rows:
        res = ablation_section(rows, f"{p}/ablation.png", out)
        ablation_findings(res, rows, findings)
    else:
        out.append("Not run.\n")
    rows = load(a.rates)
    out.append("## Initial firing rate × sparsity loss\n")
    if rows:
        res, rates, sps = rate_section(rows, f"{p}/rates.png", out)
        rate_findings(res, rates, sps, rows, findings)
    else:
        out.append("Not run.\n")
    out.append("## Agreement with the paper\n")
    out.append("Each sentence below is chosen by docs/results/make_results.py from the tables "
               "above. A difference counts only if it exceeds the typical standard deviation over "
               "seeds of the same sweep; a sweep whose best accuracy is not clearly above chance "
               "(1.5 / classes) is declared not conclusive.\n")
    out.extend(findings or ["- No sweep was run."])
    out.append("")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
