#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-12 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break12-traces.sh conf/scenarios
#   square-alias.csv  square waves whose periods sit on the loop's own
#                     timers: 2 s (two cycles), 7 s, 31 s and 120 s (twice
#                     adopt_grace_s), with half a second of jitter on the
#                     fast ones' edges
#   dip-return.csv    steady loads that fall sharply (memory freed) and come
#                     back 10-55 s later, at irregular times, beside a guest
#                     that would take whatever is freed
#   fleet-spike.csv   40 small guests at a noisy base; every 140-190 s all
#                     of them spike at once (within 3 s) for 15-30 s
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-break12-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
# A square wave of period per (s) between lo and hi over [0, dur], edges
# moved by up to jit seconds (rows in ms precision, strictly increasing).
function square(f, vm, lo, hi, per, jit, dur,   t, k, e, last) {
	last = -1; k = 0
	for (t = 0; t <= dur; t += per / 2) {
		e = t + (k ? rnd() * jit : 0)
		if (e <= last) e = last + 0.001
		printf "%.3f,%s,%d\n", e, vm, (k % 2) ? hi : lo > f
		last = e; k++
	}
}
BEGIN {
	seed = 1212
	# square-alias: 720 s
	f = dir "/square-alias.csv"; hdr(f, "square-alias.ini: square waves on the loop'"'"'s timers")
	square(f, "q1", 160, 460, 2, 0.3, 720)
	square(f, "q2", 200, 520, 7, 0.5, 720)
	square(f, "q3", 150, 540, 31, 0.5, 720)
	square(f, "q4", 180, 560, 120, 0, 720)
	# dip-return: 3 guests with dips, 900 s
	f = dir "/dip-return.csv"; hdr(f, "dip-return.ini: memory freed, then wanted back")
	split("10 25 40 55 15 30 50 20", len, " ")
	for (i = 1; i <= 3; i++) {
		hi = 560 + int(rnd() * 80); lo = 120 + int(rnd() * 40); t = 0; k = 0
		printf "0,d%d,%d\n", i, hi > f
		t = 40 + int(rnd() * 60)
		while (t < 860) {
			l = len[1 + (k + 3 * i) % 8]
			printf "%d,d%d,%d\n", t, i, lo > f
			printf "%d,d%d,%d\n", t + l, i, hi + int(rnd() * 21) - 10 > f
			t += l + 50 + int(rnd() * 90); k++
		}
	}
	# fleet-spike: 40 guests, 2 s rows, 600 s
	f = dir "/fleet-spike.csv"; hdr(f, "fleet-spike.ini: 40 guests that spike together")
	n = 0; s = 60
	while (s < 600) { ns[++n] = s; sl[n] = 15 + int(rnd() * 16); s += 140 + int(rnd() * 50) }
	for (i = 1; i <= 40; i++) {
		base = 70 + int(rnd() * 50); spk = 190 + int(rnd() * 70)
		for (j = 1; j <= n; j++) jt[j] = int(rnd() * 4)
		for (t = 0; t <= 600; t += 2) {
			d = base + int(rnd() * 17) - 8
			for (j = 1; j <= n; j++)
				if (t >= ns[j] + jt[j] && t < ns[j] + jt[j] + sl[j]) d = spk
			printf "%d,g%02d,%d\n", t, i, d > f
		}
	}
}'
