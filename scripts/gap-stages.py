#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Why `headroom = learned` holds exactly `fixed`'s idle memory on a row:
how far each guest's learned gap got on its way to the allocation
(docs/evaluation.md, "Session 21: why learned = fixed (gap21)").

Runs: MEMBAL_LOG_TIME=1 membal-sim -p membal,learned -g -l debug -o DIR X.ini
      scripts/gap-stages.py DIR ROW ...

Per row, the furthest stage any guest reached (and the guests per stage):
  no-step            no learning step (frozen: scarce, walk, ...; or
                     heartbeats without a chain)
  no-cut-chosen      steps, but the chosen gap never below gap_start
  cut-not-in-effect  chosen below, the gap in effect never (hysteresis)
  not-given          in effect below, the gap the policy got never (the
                     OOM floor, the bounds)
  given-no-target    given below, but every target the same as fixed's
                     (the write band keeps the last target)
  target-moved       the targets differ from fixed's
and the share of gap steps frozen in scarce mode, frozen otherwise,
heartbeats and judged steps; explorations; and the guests by what fixed
shows of them: paged or OOM-killed under fixed (a cut is more swap-in),
a one-report rise of W of 32 MiB or more (a cut to gap_min is below it),
neither (quiet, small rises: the only guests a cut could leave unharmed).
"""
import collections
import csv
import os
import re
import sys

START = 65536                      # gap_start_mb, KiB
STAGES = ['no-step', 'no-cut-chosen', 'cut-not-in-effect', 'not-given',
          'given-no-target', 'target-moved']
STEP = re.compile(r'^(\d+) .*domain \d+ \(([^)]*)\): gap step (\w+)( \w+)?: ws (\d+) actual (\d+) '
                  r'gap (\d+) in effect (\d+) given (\d+) step (\d+) explores (\d+)')
TARGET = re.compile(r'^(\d+) .*domain \d+ \(([^)]*)\): target (\d+) -> (\d+) KiB')


def targets(path):
    t = collections.defaultdict(list)
    for line in open(path, errors='replace'):
        m = TARGET.match(line)
        if m:
            t[m.group(2)].append((int(m.group(1)), int(m.group(4))))
    return t


def pct(a, b):
    return '%d %%' % round(100.0 * a / b) if b else '-'


def row(d, name):
    g = collections.OrderedDict()
    prev, rise = {}, collections.Counter()
    for line in open(os.path.join(d, name + '.learned.log'), errors='replace'):
        m = STEP.match(line)
        if not m:
            continue
        guest, out, why = m.group(2), m.group(3), (m.group(4) or '').strip()
        ws, gap, use, given, step, expl = (int(m.group(i)) for i in (5, 7, 8, 9, 10, 11))
        s = g.setdefault(guest, dict(n=0, fr=collections.Counter(), out=collections.Counter(),
                                     gmin=1 << 62, umin=1 << 62, vmin=1 << 62, steps=0, expl=0))
        s['n'] += 1
        s['out'][out] += 1
        if out == 'frozen':
            s['fr'][why] += 1
        s['gmin'] = min(s['gmin'], gap)
        s['umin'] = min(s['umin'], use)
        s['vmin'] = min(s['vmin'], given)
        s['steps'] = max(s['steps'], step)
        s['expl'] = max(s['expl'], expl)
        if out != 'heartbeat':
            if guest in prev and ws > prev[guest]:
                rise[guest] = max(rise[guest], ws - prev[guest])
            prev[guest] = ws
    tl = targets(os.path.join(d, name + '.learned.log'))
    tm = targets(os.path.join(d, name + '.membal.log'))
    pained, managed = set(), set()
    for r in csv.DictReader(open(os.path.join(d, name + '.guests.csv'))):
        if r['policy'] != 'membal' or r['managed'] != '1':
            continue
        managed.add(r['guest'])
        if float(r['swapin_mib']) > 0.5 or int(r['oom_kills']) > 0:
            pained.add(r['guest'])
    # Unmanaged guests (a [domain] rule's skip) have gap steps too, all
    # frozen `skipped`: counted in the shares, not as guests.
    g = collections.OrderedDict((x, s) for x, s in g.items() if x in managed)
    stages = collections.Counter()
    furthest = 0
    for guest, s in g.items():
        st = 1 if s['out']['prize'] + s['out']['fined'] or s['steps'] else 0
        st = 2 if s['gmin'] < START else st
        st = 3 if s['umin'] < START else st
        st = 4 if s['vmin'] < START else st
        st = 5 if tl.get(guest, []) != tm.get(guest, []) else st
        stages[STAGES[st]] += 1
        furthest = max(furthest, st)
    tot = sum(s['n'] for s in g.values())
    fr = collections.Counter()
    for s in g.values():
        fr.update(s['fr'])
    judged = sum(s['out']['prize'] + s['out']['fined'] for s in g.values())
    beats = sum(s['out']['heartbeat'] for s in g.values())
    n_pained = sum(1 for x in g if x in pained)
    n_big = sum(1 for x in g if x not in pained and rise[x] >= START // 2)
    return '| %s | %s | %d | %s | %s | %s | %s | %d | %d / %d / %d | %s | %s |' % (
        name, STAGES[furthest], tot, pct(fr['scarce'], tot), pct(sum(fr.values()) - fr['scarce'], tot),
        pct(beats, tot), pct(judged, tot), sum(s['expl'] for s in g.values()),
        n_pained, n_big, len(g) - n_pained - n_big,
        ', '.join('%s %d' % kv for kv in stages.most_common()),
        ' '.join('%s:%d/%d/%d' % (x, s['gmin'] >> 10, s['umin'] >> 10, s['vmin'] >> 10)
                 for x, s in g.items() if s['gmin'] < START))


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: gap-stages.py DIR ROW ...')
    print('| row | furthest stage | gap steps | scarce | other frozen | heartbeats | judged | '
          'explorations | guests paged or killed / rise >= 32 MiB / quiet | guests by stage | '
          'cut: chosen / in effect / given, least MiB |')
    print('|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|')
    for name in sys.argv[2:]:
        print(row(sys.argv[1], name))


if __name__ == '__main__':
    main()
