#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-16 scenarios that try to break
# the quorum of a spike the peers show (membal-sim's trace format,
# design.md §Workloads and traces). Deterministic (its own LCG), so the
# committed files are what this prints:
#   scripts/gen-spike16-traces.sh conf/scenarios
#   spike-noise.csv  eight guests whose loads jump on their own every few
#                    seconds, and six calm guests that spike together
#                    three times
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-spike16-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
BEGIN {
	seed = 1616
	# spike-noise: 600 s
	f = dir "/spike-noise.csv"; hdr(f, "spike-noise.ini: noisy guests and a correlated spike")
	for (i = 1; i <= 8; i++)
		for (t = 0; t < 600; t += 2 + int(rnd() * 3))
			printf "%d,n%d,%d\n", t, i, 120 + int(rnd() * 301) > f
	split("150 330 480", ns, " ")
	for (j = 1; j <= 3; j++) sl[j] = 20 + int(rnd() * 11)
	for (i = 1; i <= 6; i++) {
		base = 80 + int(rnd() * 41); spk = 200 + int(rnd() * 61)
		for (j = 1; j <= 3; j++) jt[j] = int(rnd() * 4)
		for (t = 0; t <= 600; t += 2) {
			d = base + int(rnd() * 11) - 5
			for (j = 1; j <= 3; j++)
				if (t >= ns[j] + jt[j] && t < ns[j] + jt[j] + sl[j]) d = spk
			printf "%d,c%d,%d\n", t, i, d > f
		}
	}
}'
