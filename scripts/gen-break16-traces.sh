#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-16 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break16-traces.sh conf/scenarios
#   hold-lapse.csv   jobs that recur just after (615 s) and just before
#                    (590 s) the OOM-raised minimum's oom_hold_s (600 s)
#                    lapses, and an "hourly" one (1200 s), beside two
#                    holders with swap
#   minute-cron.csv  an NTP-synced cron on twelve guests: every 60 s
#                    (adopt_grace_s, comeback_hold_s) all burst within
#                    1 s of one another for 8-12 s (spike_window_s),
#                    every fifth minute a longer, larger one; a batch
#                    guest with swap takes what is left
#   day-edge.csv     two compressed "days" of 600 s: web guests low at
#                    night, a login storm at 9:00 (all up within 3 s),
#                    a plateau, a sharp drop at 17:00; two batch guests
#                    with swap climb at night in the memory the web
#                    guests leave
#   cache-tmpfs.csv  a guest that climbs until its swap is full, then its
#                    program exits and later starts again
#   pause-backup.csv loads of guests that are paused (xl pause) for a
#                    while: held still while paused, a surge at unpause
#   migrate-in.csv   a host whose guests have grown into its free
#                    memory; a 1536 MiB guest arrives (migrates in) with
#                    its working set already touched, one leaves, a
#                    second one arrives
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function ri(a, b) { return a + int(rnd() * (b - a + 1)) }
function hdr(f, what) { print "# " what " (scripts/gen-break16-traces.sh)" > f; print "time_s,vm,demand_mb" > f }
# A noisy level: a new value within +-noise of base every hold s, [t0, t1).
function noisy(f, vm, base, noise, hold, t0, t1,   t) {
	for (t = t0; t < t1; t += hold)
		printf "%d,%s,%d\n", t, vm, base + ri(-noise, noise) > f
}
# A job: base with noise, and every period s from first a level of hi
# for len s, until end.
function jobs(f, vm, base, noise, hi, first, period, len, end,   t, n) {
	t = 0
	for (n = first; n < end; n += period) {
		noisy(f, vm, base, noise, 20, t, n)
		printf "%d,%s,%d\n", n, vm, hi + ri(-10, 10) > f
		t = n + len
	}
	noisy(f, vm, base, noise, 20, t, end)
}
# p3: a 200-800 triangle of 400 s, 3 MiB/s.
function tri(t,   u) { u = t % 400; return 200 + (u < 200 ? u : 400 - u) * 3 }
BEGIN {
	seed = 1616
	# hold-lapse: 2000 s
	f = dir "/hold-lapse.csv"; hdr(f, "hold-lapse.ini: jobs on the OOM hold")
	jobs(f, "h1", 150, 10, 620, 100, 615, 45, 2000)
	jobs(f, "h2", 200, 10, 560, 200, 590, 30, 2000)
	jobs(f, "h3", 250, 15, 900, 400, 1200, 120, 2000)
	noisy(f, "b1", 800, 200, 30, 0, 2000)
	# minute-cron: 900 s, twelve guests c01..c12, a batch guest
	f = dir "/minute-cron.csv"; hdr(f, "minute-cron.ini: a synced cron every minute")
	for (g = 1; g <= 12; g++) {
		vm = sprintf("c%02d", g); base = ri(80, 140); t = 0
		for (m = 1; m * 60 < 900; m++) {
			n = m * 60 + ri(0, 1)
			noisy(f, vm, base, 8, 15, t, n)
			if (m % 5 == 0) { printf "%d,%s,%d\n", n, vm, base + ri(260, 340) > f; t = n + ri(22, 28) }
			else { printf "%d,%s,%d\n", n, vm, base + ri(120, 200) > f; t = n + ri(8, 12) }
		}
		noisy(f, vm, base, 8, 15, t, 900)
	}
	# day-edge: 1200 s, two days of 600 s; 9:00 at 150 s, 17:00 at 400 s
	f = dir "/day-edge.csv"; hdr(f, "day-edge.ini: two days with a sharp morning edge")
	for (g = 1; g <= 6; g++) {
		vm = "w" g; lo = ri(90, 140); hi = ri(420, 600); t = 0
		for (d = 0; d < 1200; d += 600) {
			noisy(f, vm, lo, 10, 30, t, d + 150)
			e = d + 150 + ri(0, 2)
			printf "%d,%s,%d\n", e, vm, hi > f
			noisy(f, vm, hi, 40, 20, e + 20, d + 400)
			printf "%d,%s,%d\n", d + 400 + ri(0, 2), vm, lo > f
			t = d + 410
		}
	}
	# batch guests: climb from 300 while the web guests sleep, stop at 9:00
	for (g = 1; g <= 2; g++) {
		vm = "b" g
		for (d = 0; d < 1200; d += 600) {
			for (t = d; t < d + 150; t += 10) printf "%d,%s,%d\n", t, vm, 300 + (t - d + 200) * 3 > f
			printf "%d,%s,%d\n", d + 150 + ri(5, 20), vm, 250 > f
			for (t = d + 420; t < d + 600; t += 10) printf "%d,%s,%d\n", t, vm, 300 + (t - d - 420) * 3 > f
		}
	}
	# cache-tmpfs: 900 s, s1 only
	f = dir "/cache-tmpfs.csv"; hdr(f, "cache-tmpfs.ini: a climb that fills swap, then exits")
	noisy(f, "s1", 200, 10, 20, 0, 120)
	for (t = 120; t < 420; t += 10) printf "%d,s1,%d\n", t, 200 + (t - 120) * 7 / 3 > f
	noisy(f, "s1", 60, 5, 20, 420, 700)
	for (t = 700; t < 900; t += 10) printf "%d,s1,%d\n", t, 200 + (t - 700) * 7 / 3 > f
	# pause-backup: 900 s; the load of a paused guest is held still
	f = dir "/pause-backup.csv"; hdr(f, "pause-backup.ini: paused guests")
	noisy(f, "p1", 880, 20, 30, 0, 200)
	printf "500,p1,1000\n" > f
	noisy(f, "p1", 900, 20, 30, 530, 900)
	t = 0
	for (n = 120; n < 900; n += 300) {
		noisy(f, "p2", 380, 70, 15, t, n); printf "%d,p2,%d\n", n, 400 > f
		printf "%d,p2,%d\n", n + 60, 480 > f; t = n + 75
	}
	noisy(f, "p2", 380, 70, 15, t, 900)
	for (t = 0; t < 600; t += 5) printf "%d,p3,%d\n", t, tri(t) > f
	for (t = 620; t < 900; t += 5) printf "%d,p3,%d\n", t, tri(t - 20) > f
	# migrate-in: 900 s; times of m1 and m2 are from their own start
	f = dir "/migrate-in.csv"; hdr(f, "migrate-in.ini: guests that arrive with their working set")
	noisy(f, "g1", 550, 150, 30, 0, 900)
	noisy(f, "g3", 700, 30, 30, 0, 900)
	noisy(f, "m1", 1200, 20, 30, 0, 660)
	noisy(f, "m2", 800, 20, 30, 0, 280)
}'
