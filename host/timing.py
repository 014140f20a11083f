#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The longest register-to-register paths of a nextpnr ECP5 design, from the SDF nextpnr
writes (`--sdf FILE`; `make bit-timing`, docs/boards.md "Where the paths are long"). Loaded
after placement only (`--no-place --no-route` on a `--no-route --write` JSON), the SDF's
INTERCONNECT delays are nextpnr's placement estimates, so a design that does not route shows
the paths behind its estimated Fmax; on a routed design they are the routed delays.

    timing.py SDF [--period NS] [--paths K] [--nets K] [--families K]

Reads the SDF line by line as nextpnr writes it (one statement a line, delays in
(min:typ:max) triples of which the max is taken, as nextpnr's own estimate does): INTERCONNECT
(net delays, driver pin -> sink pin), IOPATH (cell delays; from a clock pin CLK, CLKA, CLKB,
WCK, CLK0..3 a clock-to-out, where a path starts) and SETUPHOLD (the setup check against a
posedge clock pin, where a path ends). Only clocked outputs start paths, as in nextpnr's Fmax
of a clock: a constant driver ($PACKER_GND, $PACKER_VCC), an input pad or the PLL starts
nothing. Every clock pin is taken as the one clock (the boards' images have one, the PLL's).

Prints the worst path's delay (arrival at its endpoint plus that endpoint's setup) and MHz;
with --period, the endpoints over it, grouped by register family (the endpoint cell's name cut
at its first `$` after the first character and at the cell suffixes Yosys and nextpnr add,
_TRELLIS_FF..., _LUT4..., _CCU2C..., with their worst delay and count, the K (default 40)
worst families, 0 all); the K (default 10) worst paths, one per family, hop by hop (net or cell
delay, arrival, pin, cell type); and with --period the K (default 20) commonest pairs driver
family -> sink family of the nets of at least 2.5 ns on the failing endpoints' worst paths
(counted once an endpoint). Exit 0 (also when endpoints fail: a report, not a check), 2 bad
command line (argparse's usage and error), 3 bad input file (one line `timing: FILE:LINE: ...`, or `timing: FILE: ...`).
"""
import argparse
import collections
import os
import re
import signal
import sys

from congestion import CELL_SUFFIX   # (host/congestion.py's, the one list of the suffixes the tools add)

CLOCKS = {"CLK", "CLKA", "CLKB", "WCK", "CLK0", "CLK1", "CLK2", "CLK3"}
LONG_NET = 2500                     # ps: a long net in the last section
TIMESCALE = {"1ps": 1, "10ps": 10, "100ps": 100, "1ns": 1000, "10ns": 10000, "100ns": 100000}
# statements that carry no delay and are skipped (the ones that do are parsed below)
SKIP = {"(DELAYFILE", "(SDFVERSION", "(DESIGN", "(VENDOR", "(PROGRAM", "(DIVIDER", "(DATE",
        "(VERSION", "(VOLTAGE", "(PROCESS", "(TEMPERATURE", "(CELL", "(DELAY", "(ABSOLUTE",
        "(TIMINGCHECK", ")"}
SETUPHOLD = re.compile(r"\(SETUPHOLD \((?:posedge|negedge) (\S+)\) \((posedge|negedge) (\S+)\) "
                       r"\((-?\d+):(-?\d+):(-?\d+)\) \(")
UNESC = re.compile(r"\\(.)")


def fail(code, msg):
    print(f"timing: {msg}", file=sys.stderr)
    sys.exit(code)


def unesc(name):
    return UNESC.sub(r"\1", name) if "\\" in name else name


def family(pin):
    """The register family of a pin's cell: its name cut at the first `$` (after a leading
    one) and at the cell suffixes the tools add."""
    cell = unesc(pin).rpartition("/")[0]
    cut = cell.find("$", 1)
    if cut > 0:
        cell = cell[:cut]
    return CELL_SUFFIX.sub("", cell)


def read_sdf(path):
    """(edges, starts, setups, celltype) of an SDF: edges pin -> [(pin, ps, is_net)],
    starts pin -> clock-to-out, setups pin -> setup (ps), celltype instance -> type; pins as
    the file spells them (escaped). Exits 3 on a line it cannot read."""
    edges = collections.defaultdict(list)
    starts, setups, celltype = {}, {}, {}
    scale, inst, ctype, no, line, header = 1, None, None, 0, "", False

    def bad(what):
        fail(3, f"{path}:{no}: {what}: {line.strip()[:60]!r}")

    def delay(p, pins):
        """The max of the (min:typ:max) triple after a statement's two pins, in ps."""
        try:
            return int(p[3].strip("()").split(":")[2]) * scale
        except (ValueError, IndexError):
            bad(f"not '{p[0][1:]} {pins} (min:typ:max)'")

    try:
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                p = line.split()
                if not p:
                    continue
                k = p[0]
                if not header:
                    if k != "(DELAYFILE":
                        bad("not an SDF (no DELAYFILE)")
                    header = True
                if k == "(INTERCONNECT":
                    d = delay(p, "from to")
                    edges[p[1]].append((p[2], d, True))
                elif k == "(IOPATH":
                    if not inst:
                        bad("IOPATH outside a CELL's INSTANCE")
                    d = delay(p, "in out")
                    o = inst + "/" + p[2]
                    if p[1] in CLOCKS:
                        starts[o] = max(starts.get(o, d), d)
                    else:
                        edges[inst + "/" + p[1]].append((o, d, False))
                elif k == "(SETUPHOLD":
                    m = SETUPHOLD.match(line.strip())
                    if not m:
                        bad("not 'SETUPHOLD (edge pin) (posedge clock) (min:typ:max) (...)'")
                    if not inst:
                        bad("SETUPHOLD outside a CELL's INSTANCE")
                    if m.group(2) != "posedge" or m.group(3) not in CLOCKS:
                        bad(f"setup against {m.group(2)} {m.group(3)}, not a posedge clock pin "
                            f"({', '.join(sorted(CLOCKS))})")
                    i = inst + "/" + m.group(1)
                    d = int(m.group(6)) * scale
                    setups[i] = max(setups.get(i, d), d)
                elif k == "(CELLTYPE":
                    m = re.match(r'\(CELLTYPE "([^"]*)"\)$', line.strip())
                    if not m:
                        bad('not \'CELLTYPE "type"\'')
                    ctype, inst = m.group(1), None
                elif k == "(INSTANCE":
                    s = line.strip()
                    if not s.endswith(")"):
                        bad("not 'INSTANCE name'")
                    inst = s[len("(INSTANCE"):-1].strip()
                    celltype[inst] = ctype
                elif k == "(TIMESCALE":
                    scale = TIMESCALE.get("".join(p[1:]).rstrip(")"))
                    if scale is None:
                        bad(f"a timescale other than {', '.join(TIMESCALE)}")
                elif k not in SKIP:
                    bad(f"a statement this reader does not know ({k})")
    except OSError as e:
        fail(3, f"{path}: {e.strerror}")
    except UnicodeDecodeError:
        fail(3, f"{path}:{no + 1}: not UTF-8 text")
    if not starts:
        fail(3, f"{path}: no clock-to-out (IOPATH from {', '.join(sorted(CLOCKS))})")
    if not setups:
        fail(3, f"{path}: no setup check (SETUPHOLD against a clock pin)")
    return edges, starts, setups, celltype


def arrivals(edges, starts):
    """Latest arrival (ps) at each pin reached from a clocked output, by a walk in topological
    order, and each reached pin's predecessor (pin, ps, is_net; of equal arrivals the one from
    the first pin by name, so the paths do not depend on the file's order); pins on (or after)
    a combinational loop are never reached. Returns (arrival, pred, pins, looped)."""
    fault = os.environ.get("SGLIF_FAULT_TIMING") == "1"   # (the self-test: the shortest arrival kept)
    indeg = collections.Counter()
    for outs in edges.values():
        for q, _, _ in outs:
            indeg[q] += 1
    pins = set(edges) | set(indeg) | set(starts)
    arr, pred = dict(starts), {}
    todo = [p for p in pins if indeg[p] == 0]
    done = 0
    while todo:
        p = todo.pop()
        done += 1
        a = arr.get(p)
        for q, d, net in edges.get(p, ()):
            if a is not None:
                t, old = a + d, arr.get(q)
                if old is None or (t < old if fault else t > old) or \
                        t == old and q in pred and p < pred[q][0]:   # (ties: the first pin by name)
                    arr[q], pred[q] = t, (p, d, net)
            indeg[q] -= 1
            if indeg[q] == 0:
                todo.append(q)
    return arr, pred, len(pins), len(pins) - done


def path_of(pin, pred):
    hops = []
    while pin in pred:
        p, d, net = pred[pin]
        hops.append((pin, d, net))
        pin = p
    return pin, hops[::-1]


def ns(ps):
    return f"{ps / 1000:.2f}"


def report(sdf, period, npaths, nnets, nfam):
    edges, starts, setups, celltype = sdf
    arr, pred, npins, looped = arrivals(edges, starts)
    ends = sorted(((arr[e] + s, unesc(e), e) for e, s in setups.items() if e in arr),
                  key=lambda x: (-x[0], x[1]))
    print(f"timing: {npins} pins, {len(starts)} clocked outputs, {len(setups)} setup checks "
          f"({len(ends)} reached from a clocked output)"
          + (f"; {looped} pins on or after a combinational loop, not timed" if looped else ""))
    if not ends:
        print("timing: no path from a clocked output to a setup check")
        return
    t0 = ends[0][0]
    print(f"worst path: {ns(t0)} ns ({1e6 / t0:.2f} MHz) -> {ends[0][1]}")
    fails = []
    if period is not None:
        fails = [x for x in ends if x[0] > period]
        print(f"period {period / 1000:.3f} ns ({1e6 / period:.2f} MHz): {len(fails)} endpoints over it")
        count, worst = collections.Counter(), {}
        for t, _, e in fails:
            f = family(e)
            count[f] += 1
            worst.setdefault(f, t)
        fams = sorted(count, key=lambda f: (-worst[f], f))
        if fams:
            shown = fams if nfam == 0 else fams[:nfam]
            print(f"failing endpoints by register family ({len(shown)} of {len(fams)}): worst, count")
            for f in shown:
                print(f"  {ns(worst[f]):>6} ns {count[f]:6d}  {f}")
    print(f"worst paths, one per register family ({npaths}):")
    seen = set()
    for t, name, e in ends:
        f = family(e)
        if f in seen:
            continue
        seen.add(f)
        if len(seen) > npaths:
            break
        start, hops = path_of(e, pred)
        print(f"== {ns(t)} ns ({1e6 / t:.2f} MHz) -> {name}")
        a = starts[start]
        print(f"   start  {ns(a):>6} {ns(a):>6}  {unesc(start)}  [{celltype.get(start.rpartition('/')[0], '?')}]")
        for pin, d, net in hops:
            a += d
            print(f"   {'net ' if net else 'cell'}   {ns(d):>6} {ns(a):>6}  {unesc(pin)}  "
                  f"[{celltype.get(pin.rpartition('/')[0], '?')}]")
        print(f"   setup  {ns(setups[e]):>6} {ns(t):>6}")
    if fails:
        count, longest = collections.Counter(), {}
        for _, _, e in fails:
            prev, hops = path_of(e, pred)
            keys = set()
            for pin, d, net in hops:
                if net and d >= LONG_NET:
                    key = f"{family(prev)} -> {family(pin)}"
                    keys.add(key)
                    longest[key] = max(longest.get(key, 0), d)
                prev = pin
            count.update(keys)
        print(f"long nets (>= {ns(LONG_NET)} ns) on the failing endpoints' worst paths "
              f"({min(nnets, len(count))} of {len(count)}): endpoints, longest, driver -> sink family")
        for key in sorted(count, key=lambda k: (-count[k], -longest[k], k))[:nnets]:
            print(f"  {count[key]:6d} {ns(longest[key]):>6} ns  {key}")


def count(least):
    def parse(v):
        if not v.isdigit() or int(v) < least:
            raise argparse.ArgumentTypeError(f"not an integer >= {least}: {v!r}")
        return int(v)
    return parse


def period_ns(v):
    try:
        ps = round(float(v) * 1000)
    except ValueError:
        ps = 0
    if ps <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of ns: {v!r}")
    return ps


def main(argv):
    ap = argparse.ArgumentParser(prog="timing.py", description="The longest paths of a nextpnr SDF.")
    ap.add_argument("sdf")
    ap.add_argument("--period", type=period_ns, help="the target clock period, ns")
    ap.add_argument("--paths", type=count(1), default=10, help="worst paths shown (10)")
    ap.add_argument("--nets", type=count(1), default=20, help="driver -> sink pairs of long nets (20)")
    ap.add_argument("--families", type=count(0), default=40, help="failing families (40; 0 all)")
    a = ap.parse_args(argv[1:])                     # (exit 2 on a bad command line)
    report(read_sdf(a.sdf), a.period, a.paths, a.nets, a.families)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # (| head)
    sys.exit(main(sys.argv))
