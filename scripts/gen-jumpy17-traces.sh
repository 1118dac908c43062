#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand trace of the session-17 scenario that tries to break
# the rule for a load that recurs (membal-sim's trace format, design.md
# §Workloads and traces). Deterministic (its own LCG), so the committed
# file is what this prints:
#   scripts/gen-jumpy17-traces.sh conf/scenarios
#   recur-stop.csv  r1 bursts every ~40 s and stops for good at 300 s,
#                   r2 bursts every ~45 s all along, g1 needs 500 MiB more
#                   from 305 s, g2 walks at random
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-jumpy17-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
BEGIN {
	seed = 1717
	f = dir "/recur-stop.csv"; hdr(f, "recur-stop.ini: a load that recurs, then stops")
	# r1: base ~100, a burst to 420 for 8-12 s every 37-43 s, none
	# after 300 s.
	nb = 20 + int(rnd() * 5); ne = 0
	for (t = 0; t <= 600; t++) {
		if (t >= nb && t < 300) { ne = t + 8 + int(rnd() * 5); nb = t + 37 + int(rnd() * 7) }
		d = t < ne ? 420 : 95 + int(rnd() * 11)
		printf "%d,r1,%d\n", t, d > f
	}
	# r2: base ~110, a burst to 380 for 8-12 s every 42-48 s, all along.
	nb = 30 + int(rnd() * 5); ne = 0
	for (t = 0; t <= 600; t++) {
		if (t >= nb) { ne = t + 8 + int(rnd() * 5); nb = t + 42 + int(rnd() * 7) }
		d = t < ne ? 380 : 105 + int(rnd() * 11)
		printf "%d,r2,%d\n", t, d > f
	}
	# g1: a steady 400, then 900 from 305 s on.
	for (t = 0; t <= 600; t += 5)
		printf "%d,g1,%d\n", t, (t < 305 ? 400 : 900) + int(rnd() * 9) - 4 > f
	# g2: a new level of 250-350 every 20 s.
	for (t = 0; t <= 600; t += 20)
		printf "%d,g2,%d\n", t, 250 + int(rnd() * 101) > f
}'
