#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare two eval-scarce tables (stdout of scripts/eval-scarce.sh), as
docs/evaluation.md does when it says which cells a change turned.
usage: scripts/eval-cmp.py BASE.md NEW.md
  -> the failing-cell counts, and each row whose figures or cells changed."""
import sys
def rows(p):
    d = {}
    for line in open(p):
        if not line.startswith('| ') or line.startswith('| scenario') or line.startswith('|---'):
            continue
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        d[c[0]] = c
    return d
a, b = rows(sys.argv[1]), rows(sys.argv[2])
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
