#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A floorplan for an ECP5-85F training image (docs/boards.md, "How far from routable"): each
lane group's block RAMs and multipliers pinned to a vertical strip of the die, so that the
placer keeps the group's logic near them. Reads the Yosys JSON netlist, writes a copy in which
those cells carry a `BEL` attribute (nextpnr-ecp5 places a cell with one there).

    floorplan.py IN.json OUT.json [--centre] [--list]

The training engine's P lanes come in G groups of P/G (the gradient banks
`u_acc.g_bank[k]`, one a group); strip k of G (the die's block RAM and multiplier columns cut
into G runs of adjacent columns, left to right) takes group k's cells:
  DP16KD      `...u_acc.g_bank[k].mem.*`         the group's gradient bank (all its blocks)
  DP16KD      `...u_trainer.g_wm[l].mem.*`       lane l's synapse masters: group l / (P/G)
  DP16KD      `...u_core.g_bank[b].u_w.mem.*`    the core's weight bank b, lanes 2b and 2b + 1:
                                                 group 2b / (P/G)
  MULT18X18D  `...u_walk.u_rec.*`                the recurrent gather's products: the lane of
                                                 the `u_rec.wi_q` bits at its inputs (8 a lane)
Inside its strip a group takes the block RAM rows from the die's middle out (Y 46, 70, 22, 82)
and the multiplier rows Y 58, 34, 10, each row from the strip's middle out. Every other block
RAM and multiplier (the synapse momenta `wmom_m`, split by address; the history banks; the
update, error and W_out units) stays unpinned: the placer puts them where room is left.

--centre also pins the units that serve every lane to the sites the lane groups left, those
nearest the die's centre (X 63, Y 47) first, in this order (CENTRE): the update's multipliers
(`u_upd.*`), the `W_out` gather's (`u_walk.u_out.*`); the update's block RAMs and the trainer's
memories only it and the host read (`u_upd.*`, `omom_m`, `blo_m`, `bhi_m`, `bmom_m`, `glo_m`,
`ghi_m`), the `W_out` masters `g_om[c]` and gradient `wout_m`, the synapse momenta `wmom_m`.
The check then also asks that no site the lane groups left is nearer the centre than the
farthest centre cell of its kind.

The result is checked before it is written, independently of the assignment: every pinned
cell's site exists on the 85F, is of its cell's kind, is used once, and lies in the strip of
the group its name (or its wi_q inputs) gives. Prints the cells pinned per group and the
cells left unpinned (--list: each pinned cell and its site too). Exit 0; 2 a bad command line or a netlist it cannot map (one line
naming the reason: no top module, no lane groups, lanes not a multiple of the groups, a
multiplier of no single lane, a cell already placed, a group larger than its strip); 3 the
check failed. SGLIF_FAULT_FLOORPLAN=1 in the environment (the self-test) moves group 0's
first block RAM into the last group's strip, SGLIF_FAULT_FLOORPLAN=2 (with --centre) the first
centre cell of each kind to the farthest free site: the check must then fail (exit 3).
"""
import collections
import json
import os
import re
import sys

USAGE = "usage: floorplan.py IN.json OUT.json [--list]"

# The LFE5U-85F's sites (nextpnr-ecp5 bel names X<x>/Y<y>/<bel>, read off a placed probe
# of 208 DP16KD and 156 MULT18X18D): one site a column in each row.
EBR_ROWS = (46, 70, 22, 82)        # in the order a group takes them (the die's middle first)
EBR_COLS = [(x, f"EBR{i % 4}") for i, x in enumerate(
    [4, 6, 8, 10, 13, 15, 17, 19, 22, 24, 26, 28, 31, 33, 35, 37, 40, 42, 44, 46, 49, 51, 53,
     55, 58, 60, 62, 64, 69, 71, 73, 75, 78, 80, 82, 84, 87, 89, 91, 93, 96, 98, 100, 102, 105,
     107, 109, 111, 114, 116, 118, 120])]
MULT_ROWS = (58, 34, 10)
MULT_COLS = [(x, f"MULT18_{(0, 1, 4, 5)[i % 4]}") for i, x in enumerate(
    [4, 5, 8, 9, 13, 14, 17, 18, 22, 23, 26, 27, 31, 32, 35, 36, 40, 41, 44, 45, 49, 50, 53,
     54, 58, 59, 62, 63, 69, 70, 73, 74, 78, 79, 82, 83, 87, 88, 91, 92, 96, 97, 100, 101, 105,
     106, 109, 110, 114, 115, 118, 119])]
KIND = {"DP16KD": (EBR_COLS, EBR_ROWS), "MULT18X18D": (MULT_COLS, MULT_ROWS)}

R_GBANK = re.compile(r"\.u_acc\.g_bank\[(\d+)\]\.mem\.")
R_WM = re.compile(r"\.u_trainer\.g_wm\[(\d+)\]\.mem\.")
R_CORE = re.compile(r"\.u_core\.g_bank\[(\d+)\]\.u_w\.mem\.")
R_REC = re.compile(r"\.u_walk\.u_rec\.")
R_WI = re.compile(r"\.u_walk\.u_rec\.wi_q$")
CENTRE_XY = (63, 47)
CENTRE = [re.compile(r) for r in (             # --centre: in the order they take the sites
    r"\.u_trainer\.u_upd\.",
    r"\.u_walk\.u_out\.",
    r"\.u_trainer\.(omom_m|blo_m|bhi_m|bmom_m|glo_m|ghi_m)\.",
    r"\.u_trainer\.g_om\[\d+\]\.mem\.",
    r"\.u_walk\.u_acc\.wout_m\.",
    r"\.u_trainer\.wmom_m\.")]


class Unmappable(Exception):
    pass


def fail(code, msg):
    print(f"floorplan: {msg}", file=sys.stderr)
    sys.exit(code)


def top_module(design):
    tops = [(n, m) for n, m in design.get("modules", {}).items()
            if str(m.get("attributes", {}).get("top", "0")).strip("0") != ""]
    if len(tops) != 1:
        raise Unmappable(f"{len(tops)} top modules, not one")
    return tops[0]


def strip_sites(kind, groups):
    """Group k's sites of kind, in the order it takes them."""
    cols, rows = KIND[kind]
    out = []
    for k in range(groups):
        run = [c for i, c in enumerate(cols) if i * groups // len(cols) == k]
        mid = (run[0][0] + run[-1][0]) / 2
        run.sort(key=lambda c: (abs(c[0] - mid), c[0]))
        out.append([f"X{x}/Y{y}/{bel}" for y in rows for x, bel in run])
    return out


def strip_of_site(kind, site, groups):
    """The strip a site lies in, or None (no such site of kind on the 85F)."""
    cols, rows = KIND[kind]
    m = re.fullmatch(r"X(\d+)/Y(\d+)/(\w+)", site)
    if not m or int(m.group(2)) not in rows:
        return None
    for i, (x, bel) in enumerate(cols):
        if x == int(m.group(1)) and bel == m.group(3):
            return i * groups // len(cols)
    return None


def classify(mod):
    """(groups, lanes per group, {cell: group}) of the top module's cells to pin."""
    cells = mod.get("cells", {})
    gbank = {n: int(R_GBANK.search(n).group(1)) for n, c in cells.items()
             if c.get("type") == "DP16KD" and R_GBANK.search(n)}
    if not gbank:
        raise Unmappable("no lane groups (no DP16KD of u_acc.g_bank[k]): not a training image")
    groups = max(gbank.values()) + 1
    if sorted(set(gbank.values())) != list(range(groups)):
        raise Unmappable(f"gradient banks {sorted(set(gbank.values()))}, not 0 .. {groups - 1}")
    wm = {n: int(R_WM.search(n).group(1)) for n, c in cells.items()
          if c.get("type") == "DP16KD" and R_WM.search(n)}
    lanes = max(wm.values()) + 1 if wm else 0
    if lanes == 0 or lanes % groups or sorted(set(wm.values())) != list(range(lanes)):
        raise Unmappable(f"{len(set(wm.values()))} lanes of synapse masters (g_wm[l]), "
                         f"not a multiple of the {groups} groups")
    per = lanes // groups
    group = dict(gbank)
    group.update({n: l // per for n, l in wm.items()})
    for n, c in cells.items():
        m = R_CORE.search(n)
        if c.get("type") == "DP16KD" and m:
            b = int(m.group(1))
            if 2 * b >= lanes:
                raise Unmappable(f"{n}: core bank {b} of lanes {2 * b}, {2 * b + 1}: "
                                 f"beyond the {lanes} lanes")
            group[n] = 2 * b // per
    wi = {}                                   # net bit -> its lane (u_rec.wi_q: 8 bits a lane)
    for n, net in mod.get("netnames", {}).items():
        if R_WI.search(n):
            off = int(net.get("offset", 0))
            for i, b in enumerate(net["bits"]):
                if isinstance(b, int):
                    wi[b] = (i + off) // 8
    for n, c in cells.items():
        if c.get("type") == "MULT18X18D" and R_REC.search(n):
            ls = {wi[b] for bits in c.get("connections", {}).values() for b in bits
                  if isinstance(b, int) and b in wi}
            if len(ls) != 1 or min(ls) >= lanes:
                raise Unmappable(f"{n}: the recurrent gather's multiplier reads wi_q of lanes "
                                 f"{sorted(ls)}, not one of 0 .. {lanes - 1}")
            group[n] = min(ls) // per
    for n in group:
        if "BEL" in cells[n].get("attributes", {}):
            raise Unmappable(f"{n}: already placed at {cells[n]['attributes']['BEL']}")
    return groups, per, group


def assign(mod, groups, group):
    """{cell: site}: group k's cells, gradient bank first, in strip k's sites in order."""
    cells = mod["cells"]
    bel = {}
    for kind in KIND:
        sites = strip_sites(kind, groups)
        for k in range(groups):
            mine = sorted((n for n, g in group.items() if g == k and cells[n]["type"] == kind),
                          key=lambda n: (not R_GBANK.search(n), not R_WM.search(n), n))
            if len(mine) > len(sites[k]):
                raise Unmappable(f"group {k}: {len(mine)} {kind}, its strip has "
                                 f"{len(sites[k])} sites")
            bel.update(zip(mine, sites[k]))
    if os.environ.get("SGLIF_FAULT_FLOORPLAN") == "1":       # the self-test: a wrong strip
        first = sorted(n for n, g in group.items() if g == 0 and cells[n]["type"] == "DP16KD")[0]
        bel[first] = strip_sites("DP16KD", groups)[groups - 1][-1]
    return bel


def centre_dist(site):
    m = re.fullmatch(r"X(\d+)/Y(\d+)/\w+", site)
    return abs(int(m.group(1)) - CENTRE_XY[0]) + abs(int(m.group(2)) - CENTRE_XY[1])


def centre_cells(mod, group):
    """{cell: rank} of the cells --centre pins (rank: CENTRE's entry), none of the lane groups'."""
    out = {}
    for n, c in mod["cells"].items():
        if c.get("type") in KIND and n not in group:
            r = next((i for i, rx in enumerate(CENTRE) if rx.search(n)), None)
            if r is not None:
                out[n] = r
    return out


def assign_centre(mod, groups, bel, centre):
    """--centre: the centre cells in the sites the lane groups left, the nearest first."""
    cells = mod["cells"]
    used = set(bel.values())
    for kind in KIND:
        free = sorted((s for ss in strip_sites(kind, groups) for s in ss if s not in used),
                      key=lambda s: (centre_dist(s), s))
        mine = sorted((n for n in centre if cells[n]["type"] == kind),
                      key=lambda n: (centre[n], n))
        if len(mine) > len(free):
            raise Unmappable(f"{len(mine)} {kind} for the centre, {len(free)} sites left")
        bel.update(zip(mine, free))
        if os.environ.get("SGLIF_FAULT_FLOORPLAN") == "2" and mine:   # the self-test: too far
            bel[mine[0]] = free[-1]


def check(mod, groups, group, bel, centre=()):
    """The reasons the assignment is wrong (none: right)."""
    cells = mod["cells"]
    bad = []
    taken = set(bel.values())
    for kind in KIND:
        mine = [bel[n] for n in centre if n in bel and cells[n]["type"] == kind]
        if mine:
            far = max(centre_dist(s) for s in mine)
            near = [s for ss in strip_sites(kind, groups) for s in ss
                    if s not in taken and centre_dist(s) < far]
            if near:
                bad.append(f"{kind} {near[0]} left free {centre_dist(near[0])} tiles from "
                           f"the centre, a centre cell {far}")
    bad += [f"{n}: not pinned" for n in sorted(set(centre) - set(bel))]
    used = collections.Counter(bel.values())
    for n, s in sorted(bel.items()):
        kind = cells[n]["type"]
        k = strip_of_site(kind, s, groups) if kind in KIND else None
        if k is None:
            bad.append(f"{n}: {s} is no {kind} site of the 85F")
        elif n in group and k != group[n]:
            bad.append(f"{n}: at {s} in strip {k}, its group is {group.get(n)}")
        if used[s] > 1:
            bad.append(f"{n}: {s} used {used[s]} times")
    missing = sorted(set(group) - set(bel))
    bad += [f"{n}: group {group[n]}, not pinned" for n in missing]
    return bad


def main(argv):
    args = [a for a in argv[1:] if a not in ("--list", "--centre")]
    if len(args) != 2 or any(a.startswith("-") for a in args):
        fail(2, USAGE)
    src, dst = args
    try:
        with open(src) as f:
            design = json.load(f)
    except (OSError, ValueError) as e:
        fail(2, f"{src}: not a readable JSON netlist: {e}")
    try:
        if not isinstance(design, dict):
            raise Unmappable("not a Yosys JSON netlist")
        name, mod = top_module(design)
        groups, per, group = classify(mod)
        bel = assign(mod, groups, group)
        centre = centre_cells(mod, group) if "--centre" in argv else {}
        assign_centre(mod, groups, bel, centre)
    except Unmappable as e:
        fail(2, f"{src}: cannot map: {e}")
    bad = check(mod, groups, group, bel, centre)
    if bad:
        fail(3, f"{src}: the floorplan is wrong ({len(bad)} cells): {bad[0]}")
    for n, s in bel.items():
        mod["cells"][n].setdefault("attributes", {})["BEL"] = s
    with open(dst + ".tmp", "w") as f:
        json.dump(design, f)
    os.replace(dst + ".tmp", dst)
    print(f"floorplan: {src}: top {name}: {groups} groups of {per} lanes -> {dst}")
    for k in range(groups):
        cnt = collections.Counter(mod["cells"][n]["type"] for n, g in group.items() if g == k)
        print(f"floorplan: group {k}: {cnt['DP16KD']} DP16KD, {cnt['MULT18X18D']} MULT18X18D "
              f"({', '.join(sorted({bel[n].split('/')[0] for n, g in group.items() if g == k}, key=lambda x: int(x[1:])))})")
    if centre:
        cnt = collections.Counter(mod["cells"][n]["type"] for n in centre)
        print(f"floorplan: centre: {cnt['DP16KD']} DP16KD, {cnt['MULT18X18D']} MULT18X18D, "
              f"at most {max(centre_dist(bel[n]) for n in centre)} tiles from X{CENTRE_XY[0]}/"
              f"Y{CENTRE_XY[1]}")
    left = collections.Counter(c["type"] for n, c in mod["cells"].items()
                               if c["type"] in KIND and n not in bel)
    print(f"floorplan: pinned {sum(1 for n in bel if mod['cells'][n]['type'] == 'DP16KD')} "
          f"DP16KD, {sum(1 for n in bel if mod['cells'][n]['type'] == 'MULT18X18D')} "
          f"MULT18X18D; unpinned {left['DP16KD']} DP16KD, {left['MULT18X18D']} MULT18X18D")
    if "--list" in argv:
        for n in sorted(bel):
            print(f"floorplan: {n} {bel[n]}")


if __name__ == "__main__":
    main(sys.argv)
