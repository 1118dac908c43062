#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-17 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break17-traces.sh conf/scenarios
#   leak-fleet.csv  every guest of a host leaks at once, 0.3-0.7 MiB/s
#                   from its base for the whole run, a few MiB of noise
#                   every 10 s: each step is quiet, together they fill
#                   the host
#   hang-grow.csv   guests whose load grows while their agent is silent:
#                   g1 ramps 3 MiB/s from 300 to 900 MiB, g2 (swapless)
#                   steps 250 -> 520 MiB, each inside its hang; g3 noisy
#                   with swap, g4 swapless with a late rise, d1 a donor
#   tiny-surge.csv  24 tiny guests with random loads of 50-100 MiB beside
#                   `big`, whose load jumps 300 -> 1700 MiB twice (its
#                   touch rate is the scenario's), falls back between
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function ri(a, b) { return a + int(rnd() * (b - a + 1)) }
function hdr(f, what) { print "# " what " (scripts/gen-break17-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
# A leak: base + rate * t with +-noise every 10 s, [0, end).
function leak(f, vm, base, rate, noise, end,   t) {
	for (t = 0; t < end; t += 10)
		printf "%d,%s,%d\n", t, vm, base + int(rate * t) + ri(-noise, noise) > f
}
# A noisy level: a new value within +-noise of base every hold s, [t0, t1).
function noisy(f, vm, base, noise, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, base + ri(-noise, noise) > f
}
# A ramp from lo at t0 to hi at t1, a row every 5 s.
function ramp(f, vm, lo, hi, t0, t1,   t) {
	for (t = t0; t < t1; t += 5)
		printf "%d,%s,%d\n", t, vm, lo + int((hi - lo) * (t - t0) / (t1 - t0)) > f
}
BEGIN {
	seed = 1717
	# leak-fleet: 900 s, eight guests
	f = dir "/leak-fleet.csv"; hdr(f, "leak-fleet.ini: a correlated slow leak")
	split("150 220 180 300 260 200 240 170", base, " ")
	for (i = 1; i <= 8; i++)
		leak(f, "l" i, base[i], 0.2 + 0.3 * rnd(), 4, 900)

	# hang-grow: 600 s
	f = dir "/hang-grow.csv"; hdr(f, "hang-grow.ini: growth while the agent is silent")
	noisy(f, "g1", 300, 5, 10, 0, 100)
	ramp(f, "g1", 300, 900, 100, 300)
	noisy(f, "g1", 900, 5, 10, 300, 600)
	noisy(f, "g2", 250, 5, 10, 0, 200)
	noisy(f, "g2", 520, 5, 10, 200, 600)
	noisy(f, "g3", 650, 250, 30, 0, 600)
	noisy(f, "g4", 500, 10, 20, 0, 350)
	noisy(f, "g4", 700, 10, 20, 350, 600)
	noisy(f, "d1", 150, 10, 30, 0, 600)

	# tiny-surge: 600 s
	f = dir "/tiny-surge.csv"; hdr(f, "tiny-surge.ini: many tiny guests and one fast riser")
	for (i = 1; i <= 24; i++) {
		vm = sprintf("t%02d", i)
		for (t = 0; t < 600; t += ri(30, 90))
			printf "%d,%s,%d\n", t, vm, ri(50, 100) > f
	}
	print "0,big,300" > f
	print "120,big,1700" > f
	print "330,big,300" > f
	print "450,big,1700" > f
	print "560,big,300" > f
}'
