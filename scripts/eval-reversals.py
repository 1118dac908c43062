#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Target reversals in membal-sim's arbiter logs: a guest's target moved
A -> B by one write and back to A by its next one (issue 15, write churn
and stability; docs/evaluation/sessions/session-25.md, yield25).

A reversal is two consecutive writes for one guest, A -> B then B -> C,
with B != A and C back at A: exact when C == A, near when |C - A| <=
settle_min_kb (and |B - A| > settle_min_kb, so the first move was one
the write band would make). Each write is one line "target A -> B KiB
[..., reason]" of a log written with -v (info) and MEMBAL_LOG_TIME=1:

  MEMBAL_LOG_TIME=1 membal-sim -p membal -v -o DIR conf/scenarios/X.ini
  scripts/eval-reversals.py [-s KIB] [-w S] [-g] DIR/X.membal.log ...
  scripts/eval-reversals.py [-s KIB] -c [-p OLD,NEW] BASE_DIR NEW_DIR   # per row, before -> after

One row per log: writes, exact and near reversals, how many of them came
back within W seconds (default 5), how many were chained (the write
they return from was itself a reversal's return: A B A B, a flip-flop
rather than a load that went and came back), and the reason pairs (the first
write's reason > the return's) of the most frequent reversals. -g adds
one row per guest with any reversal.
"""
import argparse
import collections
import glob
import os
import re
import sys

WRITE = re.compile(r'^(\d+) .*\((?P<g>[^)]*)\): target (?P<a>\d+) -> (?P<b>\d+) KiB(?P<rest>.*)$')
TARGET = re.compile(r': target \d+ -> \d+ KiB')
REASON = re.compile(r'[ ,]([a-z+-]+)\]\s*$')


def writes(path):
    """Per guest, its writes in order: (time s, from, to, reason)."""
    per = collections.defaultdict(list)
    bad = 0
    with open(path, errors='replace') as f:
        for line in f:
            if not TARGET.search(line):
                continue        # not a write (e.g. the toolstack's maxmem lines)
            m = WRITE.match(line)
            if not m:
                bad += 1
                continue
            r = REASON.search(m.group('rest'))
            why = 'withdrawn' if 'withdrawn' in line else (r.group(1) if r else '?')
            per[m.group('g')].append((int(m.group(1)) / 1000.0, int(m.group('a')),
                                      int(m.group('b')), why))
    if bad:
        print(f'{path}: {bad} target lines not parsed', file=sys.stderr)
    return per


def reversals(per, settle, window):
    """Counts: writes, exact, near, exact and near within window, reason
    pairs, and per guest (exact, near)."""
    c = collections.Counter()
    pairs = collections.Counter()
    guests = {}
    for g, ws in per.items():
        ge = gn = 0
        last = False    # the write before was the return of a reversal
        c['writes'] += len(ws)
        for (t1, a, b, r1), (t2, _b2, cc, r2) in zip(ws, ws[1:]):
            was, last = last, False
            if abs(b - a) <= (0 if cc == a else settle):
                continue
            if cc == a:
                kind = 'exact'
                ge += 1
            elif abs(cc - a) <= settle:
                kind = 'near'
                gn += 1
            else:
                continue
            c[kind] += 1
            last = True
            if was:
                c['chain'] += 1
            if t2 - t1 <= window:
                c[kind + '_w'] += 1
            pairs[f'{r1} > {r2}'] += 1
        if ge or gn:
            guests[g] = (ge, gn)
    return c, pairs, guests


def row_name(path):
    """X.POLICY.log (membal-sim -v's name) -> X."""
    base = os.path.basename(path)
    parts = base.split('.')
    return '.'.join(parts[:-2]) if len(parts) >= 3 and parts[-1] == 'log' else base


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-s', '--settle', type=int, default=1024,
                    help='near: within this many KiB (settle_min_kb, default 1024)')
    ap.add_argument('-w', '--window', type=float, default=5.0,
                    help='also count the reversals back within W s (default 5)')
    ap.add_argument('-g', '--guests', action='store_true', help='a row per guest')
    ap.add_argument('-c', '--compare', action='store_true',
                    help='two directories of *.membal.log: per row before -> after')
    ap.add_argument('-p', '--policy', default='membal',
                    help='with -c, the logs DIR/*.POLICY.log (default membal); '
                         'POLICY or OLD,NEW')
    ap.add_argument('-a', '--all', action='store_true',
                    help='with -c, also rows with no reversal either side')
    ap.add_argument('logs', nargs='+')
    a = ap.parse_args()

    if a.compare:
        if len(a.logs) != 2:
            ap.error('-c takes two directories')
        return compare(a)
    tot = collections.Counter()
    totp = collections.Counter()
    print(f'| log | writes | exact | near | exact / near within {a.window:g} s | chained | reason pairs (most) |')
    print('|---|---:|---:|---:|---:|---:|---|')
    for path in a.logs:
        c, pairs, guests = reversals(writes(path), a.settle, a.window)
        tot.update(c)
        totp.update(pairs)
        top = ', '.join(f'{p} {n}' for p, n in pairs.most_common(3))
        print(f"| {row_name(path)} | {c['writes']} | {c['exact']} | {c['near']} | "
              f"{c['exact_w']} / {c['near_w']} | {c['chain']} | {top} |")
        if a.guests:
            for g, (e, n) in sorted(guests.items()):
                print(f'|   {g} | | {e} | {n} | | | |')
    top = ', '.join(f'{p} {n}' for p, n in totp.most_common(8))
    print(f"| **all ({len(a.logs)})** | {tot['writes']} | {tot['exact']} | {tot['near']} | "
          f"{tot['exact_w']} / {tot['near_w']} | {tot['chain']} | {top} |")
    return 0


def compare(a):
    def load(d):
        out = {}
        for p in sorted(glob.glob(os.path.join(d, '*.' + a.policy + '.log'))):
            c, _, _ = reversals(writes(p), a.settle, a.window)
            out[row_name(p)] = c
        return out
    pols = a.policy.split(',')
    a.policy = pols[0]
    old = load(a.logs[0])
    a.policy = pols[-1]
    new = load(a.logs[1])
    print('| row | writes | exact | near | chained |')
    print('|---|---:|---:|---:|---:|')
    to, tn = collections.Counter(), collections.Counter()
    for name in sorted(set(old) & set(new)):
        o, n = old[name], new[name]
        to.update(o)
        tn.update(n)
        if a.all or any(o[k] or n[k] for k in ('exact', 'near')):
            print(f"| {name} | {o['writes']} -> {n['writes']} | {o['exact']} -> {n['exact']} | "
                  f"{o['near']} -> {n['near']} | {o['chain']} -> {n['chain']} |")
    print(f"| **all ({len(set(old) & set(new))})** | {to['writes']} -> {tn['writes']} | "
          f"{to['exact']} -> {tn['exact']} | {to['near']} -> {tn['near']} | {to['chain']} -> {tn['chain']} |")
    return 0


if __name__ == '__main__':
    sys.exit(main())
