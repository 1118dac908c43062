#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-11 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces): shapes the built-in
# workloads cannot express. Deterministic (its own LCG), so the committed
# files are what this prints:
#   scripts/gen-break11-traces.sh conf/scenarios
#   diurnal-fleet.csv  a day compressed into 600 or 400 s per guest, a
#                      sine between a night and a day level, phases spread
#                      unevenly (so the fleet's sum is not flat)
#   nightly-batch.csv  every guest at a noisy base; a cron job (backup)
#                      lifts all of them at once, twice, with seconds of jitter
#   leak-restart.csv   a leak: demand creeps up at 0.5-1.2 MiB/s until the
#                      service is restarted (back to its base at once)
#   flip-dwell.csv     a load that flips between two levels and dwells
#                      100-220 s at each
#   boot-storm.csv     a guest that boots small and starts its application
#                      within a minute
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function hdr(f, what) { print "# " what " (scripts/gen-break11-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
BEGIN {
	seed = 1511; pi = 3.14159265
	# diurnal-fleet: 8 guests, 5 s rows, 1200 s
	f = dir "/diurnal-fleet.csv"; hdr(f, "diurnal-fleet.ini: sines out of phase")
	split("0 0.05 0.15 0.2 0.5 0.55 0.6 0.9", ph, " ")
	for (i = 1; i <= 8; i++) {
		per = (i % 2) ? 600 : 400; lo = 120 + int(rnd() * 60); hi = 420 + int(rnd() * 160)
		for (t = 0; t <= 1200; t += 5) {
			d = lo + (hi - lo) * (1 + sin(2 * pi * (t / per + ph[i]))) / 2
			printf "%d,d%d,%d\n", t, i, int(d) > f
		}
	}
	# nightly-batch: 6 guests, 10 s rows, 1000 s; jobs at 240 and 700 s
	f = dir "/nightly-batch.csv"; hdr(f, "nightly-batch.ini: a fleet-wide cron job, twice")
	for (i = 1; i <= 6; i++) {
		base = 160 + int(rnd() * 60); job = 420 + int(rnd() * 100)
		j1 = 240 + int(rnd() * 20); j2 = 700 + int(rnd() * 20); len = 150 + int(rnd() * 40)
		for (t = 0; t <= 1000; t += 10) {
			d = base + int(rnd() * 21) - 10
			if ((t >= j1 && t < j1 + len) || (t >= j2 && t < j2 + len)) d = job
			printf "%d,n%d,%d\n", t, i, d > f
		}
	}
	# leak-restart: 4 leaking guests, 2 s rows, 1200 s
	f = dir "/leak-restart.csv"; hdr(f, "leak-restart.ini: leaks, restarted at a limit")
	for (i = 1; i <= 4; i++) {
		base = 140 + int(rnd() * 40); rate = 0.5 + rnd() * 0.7; lim = 520 + int(rnd() * 120)
		d = base + rnd() * 150
		for (t = 0; t <= 1200; t += 2) {
			d += rate * 2
			if (d > lim) d = base
			printf "%d,l%d,%d\n", t, i, int(d) > f
		}
	}
	# flip-dwell: 5 guests, 1100 s
	f = dir "/flip-dwell.csv"; hdr(f, "flip-dwell.ini: two levels, long dwell")
	for (i = 1; i <= 5; i++) {
		lo = 100 + int(rnd() * 40); hi = 560 + int(rnd() * 120); up = (i % 2)
		t = 0
		while (t <= 1100) {
			printf "%d,f%d,%d\n", t, i, up ? hi : lo > f
			t += 100 + int(rnd() * 120); up = !up
		}
	}
	# boot-storm: 6 guests that boot at the same time (their own clock)
	f = dir "/boot-storm.csv"; hdr(f, "boot-storm.ini: boot, then the application starts")
	for (i = 1; i <= 6; i++) {
		app = 300 + int(rnd() * 120); at = 10 + int(rnd() * 20)
		printf "0,b%d,60\n", i > f
		for (t = at; t <= at + 40; t += 5)
			printf "%d,b%d,%d\n", t, i, int(60 + (app - 60) * (t - at) / 40) > f
	}
}'
