#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-15 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break15-traces.sh conf/scenarios
#   floor-release.csv    a scarce plateau (every guest at its floor) in
#                        which one guest's load falls by 580 MiB for four
#                        minutes and comes back cold
#   threshold-hover.csv  loads that move by exactly the policy's
#                        thresholds: 15 and 17 MiB flips (min_change_mb
#                        is 16) every 4 s, a creep of 15 MiB steps every
#                        30 s, and a noisy holder of what is left
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-break15-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
# A noisy level: a new value within +-noise of base every hold s, [t0, t1).
function noisy(f, vm, base, noise, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, base + int(rnd() * (2 * noise + 1)) - noise > f
}
# Flips between lo and lo + d every half s over [0, dur).
function flip(f, vm, lo, d, half, dur,   t, k) {
	for (k = 0; k * half < dur; k++)
		printf "%d,%s,%d\n", k * half, vm, lo + (k % 2) * d > f
}
BEGIN {
	seed = 1515
	# floor-release: 720 s
	f = dir "/floor-release.csv"; hdr(f, "floor-release.ini: a fall inside a scarce plateau")
	noisy(f, "d1", 700, 10, 30, 0, 240)
	printf "240,d1,120\n480,d1,300\n483,d1,500\n486,d1,700\n" > f
	noisy(f, "d1", 700, 10, 30, 510, 720)
	printf "0,w1,900\n" > f
	noisy(f, "w2", 800, 20, 20, 0, 720)
	printf "0,s1,560\n" > f
	# threshold-hover: 600 s
	f = dir "/threshold-hover.csv"; hdr(f, "threshold-hover.ini: loads on the thresholds")
	flip(f, "h1", 400, 15, 4, 600)
	flip(f, "h2", 400, 17, 4, 600)
	for (t = 0; t <= 300; t += 30) printf "%d,h3,%d\n", t, 300 + t / 30 * 15 > f
	for (t = 330; t < 600; t += 30) printf "%d,h3,%d\n", t, 450 - (t - 300) / 30 * 15 > f
	noisy(f, "h4", 600, 200, 20, 0, 600)
}'
