#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-14 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break14-traces.sh conf/scenarios
#   idle-return.csv  two guests whose loads fall to 20 MiB (below a booted
#                    guest's daemons: a suspended service) for 50 and 85
#                    minutes and come back cold (three steps within 10 s)
#                    beside two noisy guests that take what is idle
#   agent-jump.csv   loads that move while their agents are silent: j1
#                    climbs 200 -> 900 MiB over 150 s unseen, j2 falls
#                    and comes back higher just before its agent returns
#   saw-sample.csv   saw-tooths (a slow rise, a drop at once) whose
#                    periods sit near the agent's sample and the arbiter's
#                    interval (1 s): 0.9 s, 1.1 s, 3.3 s, beside one of 45 s
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-break14-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
# A noisy level: a new value within +-noise of base every hold s, [t0, t1).
function noisy(f, vm, base, noise, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, base + int(rnd() * (2 * noise + 1)) - noise > f
}
# A saw-tooth from lo to hi over per s (rows every per/steps s), dropping
# back to lo at once, over [0, dur]; ms precision.
function saw(f, vm, lo, hi, per, steps, dur,   t, k) {
	k = 0
	for (t = 0; t <= dur; t = k * per / steps) {
		printf "%.3f,%s,%d\n", t, vm, lo + (hi - lo) * (k % steps) / (steps - 1) > f
		k++
	}
}
BEGIN {
	seed = 1414
	# idle-return: 7200 s
	f = dir "/idle-return.csv"; hdr(f, "idle-return.ini: long idle, then a cold start")
	noisy(f, "z1", 680, 20, 30, 0, 300)
	printf "300,z1,20\n5400,z1,200\n5404,z1,450\n5409,z1,700\n" > f
	noisy(f, "z1", 690, 15, 30, 5430, 7200)
	noisy(f, "z2", 560, 20, 30, 0, 600)
	printf "600,z2,20\n3600,z2,150\n3603,z2,400\n3608,z2,620\n" > f
	noisy(f, "z2", 600, 20, 30, 3630, 7200)
	noisy(f, "b1", 650, 250, 60, 0, 7200)
	noisy(f, "b2", 700, 200, 45, 0, 7200)
	# agent-jump: 720 s
	f = dir "/agent-jump.csv"; hdr(f, "agent-jump.ini: loads that move while their agents are silent")
	printf "0,j1,200\n" > f
	for (t = 110; t <= 260; t += 5) printf "%d,j1,%d\n", t, 200 + (t - 110) * 700 / 150 > f
	printf "0,j2,500\n160,j2,60\n370,j2,780\n" > f
	# saw-sample: 600 s
	f = dir "/saw-sample.csv"; hdr(f, "saw-sample.ini: saw-tooths near the sample time")
	saw(f, "s1", 150, 520, 0.9, 3, 600)
	saw(f, "s2", 180, 560, 1.1, 3, 600)
	saw(f, "s3", 160, 600, 3.3, 6, 600)
	saw(f, "s4", 200, 700, 45, 15, 600)
}'
