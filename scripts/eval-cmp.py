#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare two eval-scarce tables (stdout of scripts/eval-scarce.sh), as
docs/evaluation.md does when it says which cells a change turned.
usage: scripts/eval-cmp.py BASE.md NEW.md
  -> the failing-cell counts, and each row whose figures or cells changed.
usage: scripts/eval-cmp.py --rule BASE-ES.md NEW-ES.md [BASE-EG.md NEW-EG.md]
  -> the default-change rule (docs/evaluation/sessions/session-25.md,
  "the rule as a tool"), applied to issue 15's tables (eval-scarce.sh
  or eval-variant.sh) and, if given, issue 14's (eval-gap.sh): every
  violation, one a line, then `verdict: PASS` or `verdict: FAIL ...`
  (exit 0 / 1; 2: a table that cannot be read). A default change may
    - turn no cell of issue 15's table yes -> no,
    - turn no `idle` or `all` cell of issue 14's table yes -> no,
    - gain on no row more OOM kills (the default's, membal's column)
      than the row's noise band max(1, 2 sqrt(base kills))
      (scripts/eval-chaos.py's band, session 24's chaos24),
    - raise the total OOM kills of issue 15's table (the rows both ran).
  A row of the base the new table did not run (missing, or "run
  failed") is a violation: the rule cannot be said of it; but for
  issue 14's table only if its `idle` or `all` cell is yes in the base
  (eval-gap.sh may be run on those rows alone: no other can turn). A turned cell
  is marked `near-tie` when its figure is within 1 % of its line (an
  `oom` cell: its kills within the band of the best other's), which the
  lead decides (docs/evaluation.md, "The default-change rule")."""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location(
    "eval_chaos", os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-chaos.py"))
chaos = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(chaos)
band = chaos.band          # one definition of the noise band
num = chaos.num
NEAR = 0.01                # a near-tie: within 1 % of the line


def rows(p):
    d = {}
    for line in open(p):
        if not line.startswith('| ') or line.startswith('| scenario') or line.startswith('|---'):
            continue
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        d[c[0]] = c
    return d


def cmp_tables(pa, pb):
    a, b = rows(pa), rows(pb)
    fa = sum(x.count('**no**') for r in a.values() for x in r)
    fb = sum(x.count('**no**') for r in b.values() for x in r)
    print(f"failing cells: {fa} on {len(a)} rows -> {fb} on {len(b)} rows")
    hdr = "membal shortfall | lag ratio | OOM kills (best) | writes paper->membal | cells least lag clair oom writes"
    print("| scenario | " + hdr + " |")
    for k in sorted(set(a) | set(b)):
        ra, rb = a.get(k), b.get(k)
        if ra == rb:
            continue
        if ra is None or rb is None:
            print(f"| {k} | {'new' if ra is None else 'gone'}: {' | '.join(rb or ra)} |")
            continue
        def f(r): return [r[4], r[8], r[9], r[10], ' '.join(r[11:16])]
        print(f"| {k} | " + " | ".join(f"{x} -> {y}" if x != y else x for x, y in zip(f(ra), f(rb))) + " |")


# ---- the rule ----

SCARCE_CELLS = ('least', 'lag', 'clair', 'oom', 'writes')
GAP_CELLS = ('idle', 'short', 'swap', 'oom', 'writes', 'all')


def over(x, line):
    """How far x is past its line, as a fraction of the line."""
    if line > 0:
        return (x - line) / line
    return 0.0 if x <= line else float('inf')


def scarce_row(c):
    """membal's figures and each cell of an eval-scarce row, with the
    figure and line the cell compares."""
    st, se, pa, m, t = (num(c[i]) for i in (1, 2, 3, 4, 5))
    lag = num(c[6].split('/')[1])
    kills = int(num(c[9].split('(')[0]))
    best = int(num(c[9].split('(')[1]))
    wpa, w = (int(num(x)) for x in c[10].split('→'))
    cells = {n: c[11 + i] for i, n in enumerate(SCARCE_CELLS)}
    why = {
        'least': (f"shortfall {m:.0f} against the least other {min(st, se, pa):.0f}",
                  over(m, min(st, se, pa)) <= NEAR),
        'lag': (f"membal / lagged {m / lag if lag else 0:.3f} against 1.25",
                lag > 0 and over(m / lag, 1.25) <= NEAR),
        'clair': (f"shortfall {m:.0f} against today's {t:.0f}", over(m, t) <= NEAR),
        'oom': (f"{kills} kills against the best other's {best} (band {band(best):.1f})",
                kills - best <= band(best)),
        'writes': (f"{w} writes against paper's {wpa}", over(w, wpa) <= NEAR),
    }
    return kills, cells, why


def gap_row(c):
    """learned against fixed (the first two figures of each cell)."""
    f = [[num(x) for x in c[i].split('/')[:2]] for i in range(1, 6)]
    cells = {n: c[6 + i] for i, n in enumerate(GAP_CELLS)}
    sub = {
        'idle': (f"idle {f[1][1]:.1f} against fixed's {f[1][0]:.1f} MiB", over(f[1][1], f[1][0]) <= NEAR),
        'short': (f"shortfall {f[0][1]:.0f} against {f[0][0]:.0f}", over(f[0][1], f[0][0]) <= NEAR),
        'swap': (f"swap-in {f[2][1]:.0f} against {f[2][0]:.0f}", over(f[2][1], f[2][0]) <= NEAR),
        'oom': (f"kills {f[3][1]:.0f} against {f[3][0]:.0f}", f[3][1] - f[3][0] <= band(f[3][0])),
        'writes': (f"writes {f[4][1]:.0f} against {f[4][0]:.0f}", over(f[4][1], f[4][0]) <= NEAR),
    }
    failed = [n for n in GAP_CELLS[:5] if cells[n] != 'yes']
    sub['all'] = ("; ".join(sub[n][0] for n in failed) or "-",
                  all(sub[n][1] for n in failed))
    return int(f[3][0]), cells, sub


def read(path, kind):
    k, r = chaos.table(path)
    if k != kind:
        sys.stderr.write(f"eval-cmp.py: {path} is an eval-{k} table, not eval-{kind}\n")
        sys.exit(2)
    return r


def turned(base, new, names, parse, which, label, out):
    """Cells yes -> no (and back, counted) on the rows both ran."""
    back = 0
    for n in names:
        _, cb, _ = parse(base[n])
        _, cn, why = parse(new[n])
        for c in which:
            if cb[c] == 'yes' and cn[c] != 'yes':
                text, near = why[c]
                out.append(('cell', f"{label} {n} `{c}` yes -> no: {text}"
                            f"{' (near-tie)' if near else ''}", near))
            elif cb[c] != 'yes' and cn[c] == 'yes':
                back += 1
    return back


def common(base, new, label, out, judged=None):
    """The rows both ran. A base row the new table lacks is a violation,
    but for issue 14's table (judged: the cells judged, idle and all)
    one whose judged cells are all no already: nothing there can turn."""
    names, skipped = [], 0
    for n in sorted(base):
        if base[n] is None:
            continue
        if new.get(n) is None:
            if judged and all(gap_row(base[n])[1][c] != 'yes' for c in judged):
                skipped += 1
                continue
            out.append(('row', f"{label} {n}: {'not run' if n not in new else 'run failed'} in the new table", False))
            continue
        names.append(n)
    return names, skipped


def rule(argv):
    if len(argv) not in (2, 4):
        sys.exit(__doc__)
    out = []
    bs, ns = read(argv[0], 'scarce'), read(argv[1], 'scarce')
    names, _ = common(bs, ns, "issue 15", out)
    fb = sum(1 for n in names for c in scarce_row(bs[n])[1].values() if c == '**no**')
    fn = sum(1 for n in names for c in scarce_row(ns[n])[1].values() if c == '**no**')
    back = turned(bs, ns, names, scarce_row, SCARCE_CELLS, "issue 15", out)
    kb = kn = 0
    for n in names:
        b, k = scarce_row(bs[n])[0], scarce_row(ns[n])[0]
        kb, kn = kb + b, kn + k
        if k - b > band(b):
            out.append(('kills', f"issue 15 {n}: kills {b} -> {k} (+{k - b}, band {band(b):.1f})", False))
    if kn > kb:
        out.append(('total', f"issue 15 total kills {kb} -> {kn} (+{kn - kb})", False))
    added = sorted(n for n in ns if n not in bs and ns[n] is not None)
    print(f"issue 15: {len(names)} rows; failing cells {fb} -> {fn} ({back} no -> yes); "
          f"OOM kills {kb} -> {kn} ({kn - kb:+d})"
          + (f"; new rows, not judged: {', '.join(added)}" if added else ""))
    if len(argv) == 4:
        bg, ng = read(argv[2], 'gap'), read(argv[3], 'gap')
        gnames, skip = common(bg, ng, "issue 14", out, ('idle', 'all'))
        back = turned(bg, ng, gnames, gap_row, ('idle', 'all'), "issue 14", out)
        cnt = {c: (sum(1 for n in gnames if gap_row(bg[n])[1][c] == 'yes'),
                   sum(1 for n in gnames if gap_row(ng[n])[1][c] == 'yes')) for c in ('idle', 'all')}
        print(f"issue 14: {len(gnames)} rows; `all` {cnt['all'][0]} -> {cnt['all'][1]}, "
              f"`idle` {cnt['idle'][0]} -> {cnt['idle'][1]} ({back} no -> yes)"
              + (f"; {skip} rows not run whose `idle` and `all` are no in the base" if skip else ""))
    for kind, text, _ in out:
        print(f"violation ({kind}): {text}")
    if not out:
        print("verdict: PASS")
        return 0
    by = {}
    for kind, _, _ in out:
        by[kind] = by.get(kind, 0) + 1
    near = all(k == 'cell' and nt for k, _, nt in out)
    print("verdict: FAIL (" + ", ".join(f"{v} {k}" for k, v in sorted(by.items())) + ")"
          + ("; every violation a near-tie within 1 %: the lead decides" if near else ""))
    return 1


def main(argv):
    if argv[:1] == ['--rule']:
        return rule(argv[1:])
    if len(argv) != 2:
        sys.exit(__doc__)
    cmp_tables(argv[0], argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
