#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-20 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break20-traces.sh conf/scenarios
#   rolling-peaks.csv  twelve web guests whose daily peak (4 min) comes one
#                      minute after the previous guest's (time zones, or a
#                      batch scheduler's staggered start): the host's sum
#                      is nearly flat while each guest swings 4x
#   build-farm.csv     short-lived CI builders (their own time: a boot, a
#                      compile that climbs within 20 s, a link spike, the
#                      end) beside two long-lived services
#   at-max.csv         guests whose load sits at or just above what their
#                      static-max lets them hold, beside guests that need
#                      what the others cannot use
#   xmx-compact.csv    JVM heaps that grow to -Xmx over minutes, stay full
#                      for a minute or two, then a full collection compacts
#                      and uncommits 70 % at once; three of them out of
#                      phase, beside a noisy guest
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break20-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
BEGIN {
	seed = 2020

	# rolling-peaks: 1200 s; guest k peaks from 60 + 60 k s for 240 s
	f = dir "/rolling-peaks.csv"; hdr(f, "rolling-peaks.ini: daily peaks one minute apart")
	for (k = 0; k < 12; k++) {
		vm = sprintf("w%02d", k + 1)
		base = ri(130, 180); peak = ri(560, 700); at = 60 + 60 * k
		noisy(f, vm, base, 8, 15, 0, at)
		ramp(f, vm, base, peak, at, at + 30, 3)
		noisy(f, vm, peak, 25, 5, at + 30, at + 210)
		ramp(f, vm, peak, base, at + 210, at + 240, 3)
		noisy(f, vm, base, 8, 15, at + 240, 1200)
	}

	# build-farm: builders b01-b16 in their own time (a build of
	# 110-140 s), two services for the run (900 s)
	f = dir "/build-farm.csv"; hdr(f, "build-farm.ini: short-lived CI builders")
	for (k = 1; k <= 16; k++) {
		vm = sprintf("b%02d", k)
		top = ri(520, 760); len = ri(110, 140)
		noisy(f, vm, 70, 5, 5, 0, 12)
		ramp(f, vm, 70, top, 12, 32, 2)
		noisy(f, vm, top, 60, 4, 32, len - 25)
		ramp(f, vm, top, top + ri(150, 250), len - 25, len - 15, 2)
		noisy(f, vm, 90, 5, 5, len - 15, len + 60)
	}
	noisy(f, "db", 620, 15, 10, 0, 900)
	noisy(f, "app", 650, 250, 20, 0, 900)

	# at-max: 900 s
	f = dir "/at-max.csv"; hdr(f, "at-max.ini: loads at the static-max")
	# m1 (swap): at its static-max (768) for good, a few MiB over now and then
	noisy(f, "m1", 768, 6, 5, 0, 900)
	# m2 (swapless): just below what it can hold (MemTotal of 1024 less overhead)
	noisy(f, "m2", 960, 4, 10, 0, 900)
	# m3 (swap): crosses its maximum and back every minute or two
	for (t = 0; t < 900; t += 5)
		printf "%d,m3,%d\n", t, 600 + int(40 * sin(t / 15.0)) + ri(-10, 10) > f
	# n1, n2: need what the others cannot take
	noisy(f, "n1", 500, 40, 10, 0, 200)
	ramp(f, "n1", 500, 1300, 200, 260, 2)
	noisy(f, "n1", 1300, 40, 10, 260, 900)
	noisy(f, "n2", 600, 250, 20, 0, 900)

	# xmx-compact: 1500 s; a heap grows to -Xmx (1200) over gr s, stays
	# full for hold s, then a full collection leaves 30 %
	f = dir "/xmx-compact.csv"; hdr(f, "xmx-compact.ini: heaps grown to -Xmx and compacted")
	split("0 150 330", off, " ")
	for (k = 1; k <= 3; k++) {
		vm = "j" k
		t = 0
		printf "0,%s,360\n", vm > f
		t = off[k] + 1
		while (t < 1500) {
			gr = ri(300, 420); hold = ri(60, 120)
			ramp(f, vm, 360, 1200, t, t + gr, 5)
			noisy(f, vm, 1200, 4, 10, t + gr, t + gr + hold)
			t += gr + hold
			printf "%d,%s,360\n", t, vm > f
			t += ri(1, 5)
		}
	}
	noisy(f, "n1", 700, 300, 20, 0, 1500)
}
AWK
