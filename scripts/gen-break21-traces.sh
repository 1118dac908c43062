#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-21 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break21-traces.sh conf/scenarios
#   recur-pair.csv     two swapless stages of a pipeline that hand a chunk
#                      to each other every 6 s (one high while the other
#                      is low), for 600 s; then the pipeline stops
#   recur-drift.csv    a swapless guest whose fast teeth (every 4 s) reach
#                      a top that drifts up 350 -> 750 MiB over 800 s, then
#                      a tooth every 100 s, then none
#   gap-late-jump.csv  slow memtable ramps (0.2 MiB/s) whose first flush
#                      (a merge buffer of 50-56 MiB for 20 s) comes after
#                      15 minutes, the next ones every 5 minutes
#   db-pool.csv        databases with a fixed buffer pool and connection
#                      bursts (+100-300 MiB within 2 s for 15-45 s, at
#                      random 60-240 s apart) beside two app servers
#   qubes-desktop.csv  a Qubes desktop: an hour idle (a mail fetch at
#                      30 min), then the user back: browsers, a video, a
#                      PDF opened in an untrusted VM, a disposable VM
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break21-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
BEGIN {
	seed = 2021

	# recur-pair: 900 s. A stage works on a chunk for 6 s (150 -> ~620
	# MiB, climbing in 1 s), hands it on and drops to 150 while the
	# other works; p2 is p1 shifted by 6 s. At 600 s the pipeline stops.
	f = dir "/recur-pair.csv"; hdr(f, "recur-pair.ini: two pipeline stages that alternate")
	for (k = 1; k <= 2; k++) {
		vm = "p" k
		t = (k == 1) ? 0 : 6
		if (k == 2)
			printf "0,%s,%d\n", vm, 150 + ri(-5, 5) > f
		while (t < 600) {
			top = 600 + ri(0, 40)
			printf "%d,%s,%d\n", t, vm, 150 + int((top - 150) / 2) > f
			printf "%d,%s,%d\n", t + 1, vm, top > f
			printf "%d,%s,%d\n", t + 3, vm, top + ri(-8, 8) > f
			printf "%d,%s,%d\n", t + 6, vm, 150 + ri(-5, 5) > f
			printf "%d,%s,%d\n", t + 9, vm, 150 + ri(-5, 5) > f
			t += 12
		}
		noisy(f, vm, 150, 5, 10, t + 1, 900)
	}
	noisy(f, "b1", 900, 20, 10, 0, 600)
	ramp(f, "b1", 900, 1300, 600, 640, 2)
	noisy(f, "b1", 1300, 20, 10, 640, 900)
	for (t = 0; t < 900; t += 20)
		printf "%d,w1,%d\n", t, ri(250, 500) > f

	# recur-drift: 1200 s. d1: a tooth every 4 s (base 150, a 2 s climb
	# to the top, 1 s there, a drop) whose top drifts 350 -> 750 over
	# 800 s; then a tooth every 100 s (held 10 s); from 1000 s none.
	f = dir "/recur-drift.csv"; hdr(f, "recur-drift.ini: fast teeth whose top drifts up, then slow, then none")
	for (t = 0; t < 800; t += 4) {
		top = 350 + int(400 * t / 800) + ri(-6, 6)
		printf "%d,d1,%d\n", t, 150 + ri(-4, 4) > f
		printf "%d,d1,%d\n", t + 1, 150 + int((top - 150) / 2) > f
		printf "%d,d1,%d\n", t + 2, top > f
		printf "%d,d1,%d\n", t + 3, 150 + ri(-4, 4) > f
	}
	for (t = 800; t < 1000; t += 100) {
		printf "%d,d1,%d\n", t, 150 + ri(-4, 4) > f
		printf "%d,d1,%d\n", t + 50, 750 + ri(-6, 6) > f
		printf "%d,d1,%d\n", t + 60, 150 + ri(-4, 4) > f
	}
	noisy(f, "d1", 150, 4, 10, 1000, 1200)
	noisy(f, "d2", 400, 10, 10, 0, 900)
	ramp(f, "d2", 400, 650, 900, 930, 2)
	noisy(f, "d2", 650, 10, 10, 930, 1200)
	for (t = 0; t < 1200; t += 30)
		printf "%d,b1,%d\n", t, ri(400, 1000) > f

	# gap-late-jump: 1800 s. l1 (swap) and l2 (swapless) climb 200 ->
	# 500 MiB at 0.17-0.2 MiB/s (a memtable filling); a flush takes a
	# merge buffer of 50-56 MiB for 20 s, first at 900 s (l1) and
	# 960 s (l2), then every 300 s; the memtable halves after each.
	f = dir "/gap-late-jump.csv"; hdr(f, "gap-late-jump.ini: a slow ramp whose first jump comes late")
	for (k = 1; k <= 2; k++) {
		vm = "l" k
		first = (k == 1) ? 900 : 960
		base = 200; t = 0; next_flush = first
		while (t < 1800) {
			if (t == next_flush) {
				buf = ri(50, 56)
				for (u = 0; u < 20; u += 2)
					printf "%d,%s,%d\n", t + u, vm, base + buf > f
				t += 20
				base = 200 + int((base - 200) / 2)
				next_flush += 300
				continue
			}
			printf "%d,%s,%d\n", t, vm, base > f
			t += 5
			base += ri(0, 4) == 0 ? 0 : 1
		}
	}
	noisy(f, "q1", 300, 3, 30, 0, 1800)

	# db-pool: 1200 s. A buffer pool that never moves plus connection
	# bursts: +lo..hi MiB within 2 s, held 15-45 s, 60-240 s apart.
	f = dir "/db-pool.csv"; hdr(f, "db-pool.ini: buffer pools with connection bursts")
	split("d1 d2", dbs, " "); split("1024 512", pool, " ")
	split("150 100", lo, " "); split("300 200", hi, " ")
	for (k = 1; k <= 2; k++) {
		vm = dbs[k]; t = 0; next_b = ri(40, 120)
		while (t < 1200) {
			if (t >= next_b) {
				b = ri(lo[k], hi[k]); len = ri(15, 45)
				printf "%d,%s,%d\n", t, vm, pool[k] + 40 + int(b / 2) > f
				for (u = 2; u < len; u += 5)
					printf "%d,%s,%d\n", t + u, vm, pool[k] + 40 + b + ri(-10, 10) > f
				t += len
				next_b = t + ri(60, 240)
				continue
			}
			printf "%d,%s,%d\n", t, vm, pool[k] + 40 + ri(-5, 5) > f
			t += 10
		}
	}
	for (t = 0; t < 1200; t += 15) {
		printf "%d,a1,%d\n", t, ri(300, 700) > f
		printf "%d,a2,%d\n", t, ri(300, 700) > f
	}

	# qubes-desktop: 5400 s. An hour idle, then the user works.
	f = dir "/qubes-desktop.csv"; hdr(f, "qubes-desktop.ini: a desktop idle for an hour, then busy")
	noisy(f, "sys-net", 180, 4, 30, 0, 5400)
	noisy(f, "sys-firewall", 120, 3, 30, 0, 5400)
	# work: idle browser, then the user opens tabs (300 -> 1500 in 60 s)
	noisy(f, "work", 320, 6, 30, 0, 3600)
	ramp(f, "work", 320, 1500, 3600, 3660, 2)
	noisy(f, "work", 1500, 60, 10, 3660, 4800)
	ramp(f, "work", 1500, 900, 4800, 4830, 2)
	noisy(f, "work", 900, 30, 10, 4830, 5400)
	# personal: a video call at 3900 for 15 min
	noisy(f, "personal", 280, 6, 30, 0, 3900)
	ramp(f, "personal", 280, 1200, 3900, 3920, 2)
	noisy(f, "personal", 1200, 40, 5, 3920, 4800)
	noisy(f, "personal", 400, 10, 30, 4800, 5400)
	# mail: a fetch of a big folder at 1800 s, then busy with the user
	noisy(f, "mail", 250, 4, 30, 0, 1800)
	ramp(f, "mail", 250, 600, 1800, 1810, 2)
	noisy(f, "mail", 600, 20, 10, 1810, 1900)
	noisy(f, "mail", 260, 4, 30, 1900, 3700)
	noisy(f, "mail", 450, 30, 10, 3700, 5400)
	# untrusted: a PDF opened at 4200 (a 900 MiB spike for 40 s), again at 5000
	noisy(f, "untrusted", 200, 4, 30, 0, 4200)
	ramp(f, "untrusted", 200, 900, 4200, 4206, 1)
	noisy(f, "untrusted", 900, 20, 5, 4206, 4240)
	noisy(f, "untrusted", 220, 4, 30, 4240, 5000)
	ramp(f, "untrusted", 220, 900, 5000, 5006, 1)
	noisy(f, "untrusted", 900, 20, 5, 5006, 5040)
	noisy(f, "untrusted", 220, 4, 30, 5040, 5400)
	noisy(f, "vault", 150, 2, 60, 0, 5400)
	# disp1: a disposable VM (started at 4500 s, its own time) opening
	# an attachment in LibreOffice
	ramp(f, "disp1", 100, 700, 0, 15, 1)
	noisy(f, "disp1", 700, 30, 5, 15, 300)
}
AWK
