#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Why issue 14's `all` cell is no: the rows of an eval-gap table
(stdout of scripts/eval-gap.sh) where `learned` does not dominate
`fixed`, classed by the FIRST criterion that fails, in the table's order
(idle, short, swap, oom, writes), and by its margin
(docs/evaluation.md, "Session 24: learned, dominant (gap24)"):

  idle:same    every figure of the row is fixed's (the learner moved
               nothing: no step, no cut given, or a cut the write band
               kept out of the targets)
  idle:tie     the idle memory is fixed's to 0.1 MiB, other figures not
  idle:near    learned holds more idle memory, by at most 1 %
  idle:more    more, by over 1 %
  short:near / short:more, swap:near / swap:more
               more shortfall (MiB*s) or swap-in (MiB), by at most 1 %
               or by more (a figure of 0 against more is `more`)
  oom:one      one OOM kill more; oom:more two or more
  writes:near  more target writes, by at most 1 % or 2 writes
  writes:more  more than that

The figures are the table's as printed (shortfall and swap-in to the
MiB, idle to 0.1 MiB); the cells are the table's own.

Each row also names every criterion that fails, and `near` says whether
every failing figure is a tie or within the margin above (for the lead:
the rows a trajectory's noise can turn). With -d DIR (eval-gap.sh's
output directory, OUT), each row also counts its quiet guests under
`fixed`: managed guests with no swap-in (under 0.5 MiB) and no OOM kill
in DIR/ROW.guests.csv, the only ones a cut of the gap can leave unharmed
(docs/evaluation.md, "Session 21: why learned = fixed (gap21)").

usage: scripts/eval-gap-why.py [-d DIR] TABLE.md   # per row, then counts
       scripts/eval-gap-why.py -c BASE.md NEW.md   # counts before -> after,
                                                    # and the rows whose class moved
"""
import csv
import os
import sys

CRIT = ['idle', 'short', 'swap', 'oom', 'writes']
NEAR = 0.01       # a figure within 1 % of fixed's
NEAR_WRITES = 2   # or at most this many writes


def rows(path):
    out = {}
    for line in open(path):
        if not line.startswith('| ') or line.startswith('| scenario') or line.startswith('|---'):
            continue
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        if len(c) < 12 or c[1].startswith('run failed'):
            continue
        fig = [[float(v) for v in c[i].split('/')][:2] for i in range(1, 6)]
        # the table's columns: shortfall, idle, swap-in, kills, writes
        short, idle, swap, oom, writes = fig
        out[c[0]] = {'idle': idle, 'short': short, 'swap': swap,
                     'oom': oom, 'writes': writes,
                     'fail': dict(zip(CRIT + ['all'], ['no' in x for x in c[6:12]]))}
    return out


def margin(crit, f, l):
    """The class of a failing criterion: its margin."""
    if crit == 'oom':
        return 'one' if l - f <= 1 else 'more'
    if crit == 'writes':
        return 'near' if l - f <= max(NEAR_WRITES, NEAR * f) else 'more'
    if crit == 'idle' and l == f:
        return 'tie'
    return 'near' if f > 0 and l - f <= NEAR * f else 'more'


def classify(r):
    """(class, failing criteria, every failing figure near) of a row whose
    `all` is no; None for a row learned dominates."""
    if not r['fail']['all']:
        return None
    fails = [k for k in CRIT if r['fail'][k]]
    marg = {k: margin(k, *r[k]) for k in fails}
    first = fails[0]
    cls = f"{first}:{marg[first]}"
    if first == 'idle' and all(r[k][0] == r[k][1] for k in CRIT):
        cls = 'idle:same'
    near = all(m in ('tie', 'near') for m in marg.values())
    return cls, fails, near


ORDER = ['idle:same', 'idle:tie', 'idle:near', 'idle:more', 'short:near', 'short:more',
         'swap:near', 'swap:more', 'oom:one', 'oom:more', 'writes:near', 'writes:more']


def counts(t):
    n = {k: 0 for k in ORDER}
    for r in t.values():
        c = classify(r)
        if c:
            n[c[0]] += 1
    return n


def quiet(rundir, name):
    """Quiet managed guests under fixed / managed guests, or '' without DIR."""
    path = os.path.join(rundir, name + '.guests.csv') if rundir else ''
    if not path or not os.path.exists(path):
        return ''
    g = [x for x in csv.DictReader(open(path)) if x['policy'] == 'membal' and x['managed'] == '1']
    q = [x for x in g if float(x['swapin_mib']) < 0.5 and int(x['oom_kills']) == 0]
    return f"{len(q)}/{len(g)}"


def fmt(name, r, rundir):
    c = classify(r)
    figs = '; '.join(f"{k} {r[k][0]:g} / {r[k][1]:g}" for k in c[1])
    q = f" {quiet(rundir, name)} |" if rundir else ''
    return f"| {name} | {c[0]} | {' '.join(c[1])} | {'yes' if c[2] else 'no'} |{q} {figs} |"


def main(argv):
    if len(argv) == 3 and argv[0] == '-c':
        a, b = rows(argv[1]), rows(argv[2])
        na, nb = counts(a), counts(b)
        dom = lambda t: sum(1 for r in t.values() if not r['fail']['all'])
        print(f"`all` yes: {dom(a)} of {len(a)} -> {dom(b)} of {len(b)}")
        print("| class | before | after |\n|---|--:|--:|")
        for k in ORDER:
            if na[k] or nb[k]:
                print(f"| {k} | {na[k]} | {nb[k]} |")
        print("\n| row | before | after |\n|---|---|---|")
        for name in sorted(set(a) & set(b)):
            ca, cb = classify(a[name]), classify(b[name])
            ka, kb = ca[0] if ca else 'all yes', cb[0] if cb else 'all yes'
            if ka != kb:
                print(f"| {name} | {ka} | {kb} |")
        return 0
    rundir = None
    if len(argv) == 3 and argv[0] == '-d':
        rundir, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    t = rows(argv[0])
    q = " quiet guests (fixed) |" if rundir else ''
    print(f"| row | class (first failing, margin) | failing | all near |{q} fixed / learned |")
    print("|---|---|---|:-:|" + ("--:|" if rundir else '') + "---|")
    for name in sorted(t, key=lambda n: (ORDER.index(classify(t[n])[0]) if classify(t[n]) else -1, n)):
        if classify(t[name]):
            print(fmt(name, t[name], rundir))
    n = counts(t)
    print(f"\n{sum(n.values())} of {len(t)} rows with `all` no")
    print("| class | rows |\n|---|--:|")
    for k in ORDER:
        if n[k]:
            print(f"| {k} | {n[k]} |")
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
