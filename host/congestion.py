#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a design's routing congestion is: nextpnr router2's congestion-by-net heatmap
(`--router2-heatmap PREFIX` writes PREFIX_congestion_by_net_<iteration>.csv, one line
`net,overused wires` a net) summed by the module instance the net belongs to
(`make bit-congestion`, docs/boards.md "Training on the boards"); or, with --placed, where
its wires are long: each net's half-perimeter wirelength (the bounding box, in tiles, of its
driver's and sinks' sites) in a placed design (`nextpnr-ecp5 --no-route --write PLACED.json`:
every cell's site in its NEXTPNR_BEL attribute, a net a bit), summed the same way
(`make bit-wirelength`). A net routed on the global clock network ($glbnet$) is left out.

    congestion.py HEATMAP.csv [--depth D] [--top K] [--strip PREFIX]
    congestion.py --placed PLACED.json [--depth D] [--top K] [--strip PREFIX]

Prints the total, then for each depth 1 .. D (default 4) the K (default 12) instance paths
with the most overused wires (or wirelength), their share of the total and the net names
that weigh most among them. A net's instance path is its name up to its last dot, with array indices [i]
folded to [] (the 32 lanes of a generate loop are one line) and a net's own name without
its index and the cell suffixes the tools add; --strip drops a leading
path (default `u_board.u_device.`). Exit 0, 2 bad command line, 3 bad input file.
"""
import collections
import json
import os
import re
import signal
import sys

USAGE = "usage: congestion.py {HEATMAP.csv | --placed PLACED.json} [--depth D] [--top K] [--strip PREFIX]"


def fail(code, msg):
    print(f"congestion: {msg}", file=sys.stderr)
    sys.exit(code)


def read_heatmap(path):
    """[(net, count)] from a congestion-by-net CSV; exits 3 on a line it cannot read."""
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line:
                    continue
                net, sep, count = line.rpartition(",")
                if not sep or not net or not count.strip().isdigit():
                    fail(3, f"{path}:{no}: not 'net,count': {line[:60]!r}")
                rows.append((net, int(count)))
    except OSError as e:
        fail(3, f"{path}: {e.strerror}")
    if not rows:
        fail(3, f"{path}: no nets")
    return rows


SITE = re.compile(r"X(\d+)/Y(\d+)/")


def read_placed(path):
    """[(net, half-perimeter wirelength in tiles)] of a placed nextpnr JSON's nets with a
    placed driver and at least one placed sink; exits 3 on a file it cannot read."""
    try:
        with open(path, encoding="utf-8") as f:
            design = json.load(f)
        tops = [m for m in design["modules"].values() if "top" in m.get("attributes", {})]
        if len(tops) != 1:
            fail(3, f"{path}: {len(tops)} top modules, not 1")
        top = tops[0]
        drv, sinks = {}, collections.defaultdict(list)
        for cell in top["cells"].values():
            m = SITE.match(cell.get("attributes", {}).get("NEXTPNR_BEL", ""))
            if not m:
                continue
            xy = (int(m.group(1)), int(m.group(2)))
            dirs = cell.get("port_directions", {})
            for port, bits in cell["connections"].items():
                for b in bits:
                    if isinstance(b, int):
                        if dirs.get(port) == "output":
                            drv[b] = xy
                        else:
                            sinks[b].append(xy)
        names = {b: n for n, v in top["netnames"].items() for b in v["bits"] if isinstance(b, int)}
    except OSError as e:
        fail(3, f"{path}: {e.strerror}")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        fail(3, f"{path}: not a nextpnr JSON netlist ({type(e).__name__}: {e})")
    if not drv:
        fail(3, f"{path}: no placed cells (NEXTPNR_BEL): not written after placement?")
    rows = []
    for b, pts in sinks.items():
        name = names.get(b, f"${b}")
        if b not in drv or name.startswith("$glbnet$"):
            continue
        if os.environ.get("SGLIF_FAULT_WIRELENGTH") != "1":   # (the self-test: the driver left out)
            pts = pts + [drv[b]]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        rows.append((name, max(xs) - min(xs) + max(ys) - min(ys)))
    return rows


# a net's own name: the signal without nextpnr's and Yosys's cell suffixes
CELL_SUFFIX = re.compile(r"_(LUT4|PFUMX|L6MUX21|CCU2C|TRELLIS_[A-Z0-9]+|MULT18X18D|DP16KD)(_.*)?$")


def split(net, strip):
    if strip and net.startswith(strip):
        net = net[len(strip):]
    net = re.sub(r"\[\d+\]", "[]", net)
    path, _, name = net.rpartition(".")
    return path.split(".") if path else [], CELL_SUFFIX.sub("", name).removesuffix("[]")


def report(rows, depth, top, strip, what):
    total = sum(c for _, c in rows)
    print(f"congestion: {total} {what} on {len(rows)} nets")
    for d in range(1, depth + 1):
        by_path = collections.Counter()
        by_name = collections.defaultdict(collections.Counter)
        for net, c in rows:
            path, name = split(net, strip)
            key = ".".join(path[:d]) or "(top)"
            by_path[key] += c
            by_name[key][".".join(path[d:] + [name])] += c
        print(f"depth {d}:")
        for key, c in by_path.most_common(top):
            names = ", ".join(n for n, _ in by_name[key].most_common(3))
            print(f"  {c:7d} {100.0 * c / total:5.1f} %  {key}  ({names})")


def main(argv):
    args = argv[1:]
    path, depth, top, strip, placed = None, 4, 12, "u_board.u_device.", False
    while args:
        a = args.pop(0)
        if a in ("--depth", "--top", "--strip") and args:
            v = args.pop(0)
            if a == "--strip":
                strip = v
                continue
            if not v.isdigit() or int(v) < 1:
                fail(2, f"{a}: not a positive integer: {v!r}")
            if a == "--depth":
                depth = int(v)
            else:
                top = int(v)
        elif a == "--placed" and not placed:
            placed = True
        elif path is None and not a.startswith("--"):
            path = a
        else:
            fail(2, f"bad argument {a!r}; {USAGE}")
    if path is None:
        fail(2, USAGE)
    if placed:
        report(read_placed(path), depth, top, strip, "tiles of half-perimeter wirelength")
    else:
        report(read_heatmap(path), depth, top, strip, "overused wires")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # (| head)
    sys.exit(main(sys.argv))
