#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Each row's spread under perturbations that should not matter
(scripts/eval-chaos.sh runs them; docs/evaluation.md, "Session 24: how
much is chaos (chaos24)", reads the figures).

usage: scripts/eval-chaos.py [-a] BASE.md VARIANT.md...
  BASE.md and the variants are all eval-scarce.sh tables (the default's
  figures: membal's column) or all eval-gap.sh tables (learned's: the
  second figure of each cell). Prints, per variant, the total OOM kills,
  the rows that gain or lose kills, the cells flipped; then each row
  whose kills, cells or writes moved under any variant (-a: every row):
  base kills, each variant's, the spread (largest - smallest over base
  and variants), the largest shortfall change in percent, the cells
  that flipped, and the row's largest |kill change| against the band
  max(1, 2 sqrt(base kills)) that docs/evaluation.md recommends ("out"
  when beyond it); last, how many rows have each largest |kill change|."""
import math
import sys


def table(path):
    rows, kind = {}, None
    for line in open(path):
        if line.startswith('| scenario'):
            kind = 'gap' if 'idle held' in line else 'scarce'
            continue
        if not line.startswith('| ') or line.startswith('|---'):
            continue
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        if len(c) < 12:        # "run failed" / "not in BASE"
            rows[c[0]] = None
            continue
        rows[c[0]] = c
    if kind is None:
        sys.exit(f"eval-chaos.py: {path}: no table header")
    return kind, rows


def num(s):
    s = ''.join(ch for ch in s if ch.isdigit() or ch == '.')
    return float(s) if s else 0.0


def figures(kind, c):
    """(shortfall, kills, writes, {cell: yes?}, OOM time or None) of the
    default (scarce) or of learned (gap: no OOM time in the table)."""
    if kind == 'scarce':
        names = ('least', 'lag', 'clair', 'oom', 'writes')
        cells = {n: c[11 + i] for i, n in enumerate(names)}
        return (num(c[4]), int(num(c[9].split('(')[0])),
                int(num(c[10].split('→')[1])), cells, num(c[16].split('/')[0]))
    second = [x.split('/')[1] for x in c[1:6]]
    names = ('idle', 'short', 'swap', 'oom', 'writes', 'all')
    cells = {n: c[6 + i] for i, n in enumerate(names)}
    return num(second[0]), int(num(second[3])), int(num(second[4])), cells, None


def band(kills):
    """The kill change a one-page perturbation stays within on a chaotic
    row (docs/evaluation.md, "Session 24: how much is chaos")."""
    return max(1.0, 2 * math.sqrt(kills))


def main(argv):
    every = argv[:1] == ['-a']
    if every:
        argv = argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    kind, base = table(argv[0])
    vs = []
    for p in argv[1:]:
        k, r = table(p)
        if k != kind:
            sys.exit(f"eval-chaos.py: {p} is an eval-{k} table, {argv[0]} eval-{kind}")
        name = p.rsplit('/', 1)[-1]
        for pre in ('es-', 'eg-'):
            name = name[len(pre):] if name.startswith(pre) else name
        vs.append((name[:-3] if name.endswith('.md') else name, r))
    names = sorted(n for n in base if base[n] is not None
                   and any(r.get(n) is not None for _, r in vs))
    bf = {n: figures(kind, base[n]) for n in names}
    bk = sum(f[1] for f in bf.values())
    print(f"base {argv[0]}: {len(names)} rows run, OOM kills {bk}")
    print("| variant | rows | kills | rows +kills (kills) | rows -kills (kills) | largest +/- | cells yes->no / no->yes | by cell | failing cells | writes | shortfall |")
    print("|---|--:|--:|---|---|---|---|---|---|---|---|")
    gains = []
    for vn, r in vs:
        common = [n for n in names if r.get(n) is not None]
        vf = {n: figures(kind, r[n]) for n in common}
        d = [vf[n][1] - bf[n][1] for n in common]
        up = [x for x in d if x > 0]
        dn = [x for x in d if x < 0]
        yn = sum(1 for n in common for c in bf[n][3] if bf[n][3][c] == 'yes' and vf[n][3][c] != 'yes')
        ny = sum(1 for n in common for c in bf[n][3] if bf[n][3][c] != 'yes' and vf[n][3][c] == 'yes')
        by = {}
        for n in common:
            for c in bf[n][3]:
                if (bf[n][3][c] == 'yes') != (vf[n][3][c] == 'yes'):
                    yes = bf[n][3][c] == 'yes'
                    by.setdefault(c, [0, 0])[0 if yes else 1] += 1
        byc = ' '.join(f"{c} {v[0]}/{v[1]}" for c, v in by.items()) or '-'
        fb = sum(1 for n in common for v in bf[n][3].values() if v == '**no**')
        fv = sum(1 for n in common for v in vf[n][3].values() if v == '**no**')
        kb = sum(bf[n][1] for n in common)
        kv = sum(vf[n][1] for n in common)
        wb = sum(bf[n][2] for n in common)
        wv = sum(vf[n][2] for n in common)
        sb = sum(bf[n][0] for n in common)
        sv = sum(vf[n][0] for n in common)
        gain = ', '.join(f"{n} {bf[n][1]}->{vf[n][1]}" for n in common if vf[n][1] > bf[n][1])
        gains.append(f"{vn}: {gain or 'none'}")
        print(f"| {vn} | {len(common)} | {kb} -> {kv} ({kv - kb:+d}) | {len(up)} (+{sum(up)}) | "
              f"{len(dn)} ({sum(dn)}) | {max(d + [0]):+d} / {min(d + [0]):+d} | {yn} / {ny} | {byc} | {fb} -> {fv} | "
              f"{wb} -> {wv} | {(sv - sb) / sb * 100 if sb else 0:+.2f} % |")
    print()
    print("rows that gain kills, per variant:")
    for g in gains:
        print("  " + g)
    print()
    print("| row | base kills | " + " | ".join(v for v, _ in vs) +
          " | kill spread | largest change / band | largest shortfall change | largest OOM-time change | cells flipped |")
    print("|---|--:|" + "--:|" * len(vs) + "--:|--:|--:|--:|---|")
    hist, spread = {}, {}
    for n in names:
        b = bf[n]
        ks, flips, dsh, dos, moved = [], [], 0.0, 0.0, False
        for vn, r in vs:
            if r.get(n) is None:
                ks.append(None)
                continue
            f = figures(kind, r[n])
            ks.append(f[1])
            if b[0] > 0:
                dsh = max(dsh, abs(f[0] - b[0]) / b[0] * 100)
            elif f[0] > 0:
                dsh = float('inf')
            if b[4] is not None:
                dos = max(dos, abs(f[4] - b[4]) / b[4] * 100 if b[4] > 0 else
                          (float('inf') if f[4] > 0 else 0.0))
            flips += [f"{c} {vn}" for c in b[3] if (b[3][c] == 'yes') != (f[3][c] == 'yes')]
            moved |= f[1] != b[1] or f[2] != b[2] or f[3] != b[3]
        got = [k for k in ks if k is not None]
        lo, hi = min(got + [b[1]]), max(got + [b[1]])
        big = max([abs(k - b[1]) for k in got] + [0])
        hist[big] = hist.get(big, 0) + 1
        spread[n] = (hi - lo, big, b[1])
        if moved or every:
            print(f"| {n} | {b[1]} | " + " | ".join('-' if k is None else str(k) for k in ks) +
                  f" | {hi - lo} | {big} / {band(b[1]):.1f}{' out' if big > band(b[1]) else ''} | {dsh:.1f} % | {'n/a' if b[4] is None else f'{dos:.1f} %'}"
                  f" | {', '.join(flips) if flips else ''} |")
    print()
    print("largest |kill change| over the variants -> rows: " +
          ", ".join(f"{k}: {hist[k]}" for k in sorted(hist)))
    rel = sorted(spread.items(), key=lambda kv: (-kv[1][1], kv[0]))
    print("rows by largest |kill change| (change, base kills): " +
          ", ".join(f"{n} {s[1]} ({s[2]})" for n, s in rel if s[1] > 0))


if __name__ == '__main__':
    main(sys.argv[1:])
