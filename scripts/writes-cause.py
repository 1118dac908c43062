#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Issue 15's `writes` cell by cause: every target write in membal-sim -v
logs (MEMBAL_LOG_TIME=1, so each line starts with the simulated time in
ms), counted per log (one row each) in classes that overlap:

  small      moved the target by less than min_change (16 MiB)
  unpark     carries reason unpark (design.md §No parked memory)
  chained    an increase followed within 1.5 s by another of the same
             guest (a grant made in parts as the pool fills)
  raise-cut  an increase whose guest's next write, within 5 s, is a cut
  cut-raise  a cut whose guest's next write, within 2 s, is an increase
  round trip a write whose guest's next write, within 3 s, goes back to
             within min_change of where the first started
  in flight  written while the balloon was a MiB or more from its target
  part page  moved the target by less than a page: no effect at all

docs/evaluation.md, "Session 23: writes, by cause (writes23)".

  scripts/writes-cause.py DIR/*.log
"""
import collections
import re
import sys

MC = 16384
LINE = re.compile(r'^(\d+) .*domain \d+ \((\S+)\): target (\d+) -> (\d+) KiB '
                  r'\[\S+, demand \d+, actual (\d+)(?:, price \S+)?, (\S+)\]')
KEYS = ['writes', 'small', 'unpark', 'chained', 'raise-cut', 'cut-raise',
        'round trip', 'in flight', 'part page']


def classify(path):
    seq = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                t, g, fr, to, act, why = m.groups()
                seq[g].append((int(t) / 1000, int(fr), int(to), int(act), why))
    c = collections.Counter()
    for ws in seq.values():
        for k, (t, fr, to, act, why) in enumerate(ws):
            up = to > fr
            c['writes'] += 1
            c['small'] += abs(to - fr) < MC
            c['unpark'] += 'unpark' in why.split('+')
            c['in flight'] += abs(act - fr) >= 1024
            c['part page'] += abs(to - fr) < 4
            if k + 1 == len(ws):
                continue
            t2, fr2, to2 = ws[k + 1][:3]
            up2, dt = to2 > fr2, t2 - t
            c['chained'] += up and up2 and dt <= 1.5
            c['raise-cut'] += up and not up2 and dt <= 5
            c['cut-raise'] += not up and up2 and dt <= 2
            c['round trip'] += up != up2 and dt <= 3 and abs(to2 - fr) < MC
    return c


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    total = collections.Counter()
    print('| log | ' + ' | '.join(KEYS) + ' |')
    print('|---|' + '---:|' * len(KEYS))
    for path in sys.argv[1:]:
        c = classify(path)
        total.update(c)
        name = path.rsplit('/', 1)[-1].split('.')[0]
        print(f'| {name} | ' + ' | '.join(str(c[k]) for k in KEYS) + ' |')
    if len(sys.argv) > 2:
        print('| all | ' + ' | '.join(str(total[k]) for k in KEYS) + ' |')


main()
