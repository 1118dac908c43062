#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-22 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG, seed 2022), so the committed files are what this prints:
#   scripts/gen-break22-traces.sh conf/scenarios
#   hotplug-steps.csv      a swapless database whose buffer pool is resized
#                          to fill each new maximum the administrator gives
#                          it (1 -> 1.5 -> 2 -> 3 GiB), a guest paging
#                          against its maximum until it is raised
#   cron-grow.csv          twelve guests whose 5-minute cron fires at :00
#                          on all of them, each burst 12 % bigger than the
#                          last (a log that grows), on a host with ~290 MiB
#                          to spare
#   snapshot-rotation.csv  six guests paused 45 s in turn for a consistent
#                          snapshot (load held still), a backlog burst at
#                          each unpause, a swapless climber meanwhile
#   migrate-wave.csv       three guests migrated in within 2 minutes with
#                          their whole allocation, one of them idle, one
#                          whose load falls after the move
#   fork-cow.csv           Redis-like stores whose BGSAVE fork dirties
#                          30-80 % of a growing data set for 10-20 s
#   leak-maxmem.csv        a leak in a guest whose maximum is 16 GiB
#                          (300 -> 4500 MiB over 20 minutes), swapless
#                          neighbours
#   puppet-run.csv         a configuration run on every guest at once: the
#                          agents restart (quiet 40 s) while the run's
#                          package installs lift every load
#   cold-return.csv        guests idle for 20 minutes that all come back
#                          to their working set within 2 minutes on a host
#                          with a slow swap device
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break22-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
BEGIN {
	seed = 2022

	# hotplug-steps: 1500 s. db1 (swapless): a pool of 800 MiB in a
	# 1 GiB maximum; the maximum becomes 1536, 2048, 3072 at 300, 600,
	# 900 s (static_max_at) and 10 s later the pool is resized to fill
	# it (1300, 1800, 2700), warmed within 20 s. h2 (512 MiB of swap)
	# needs 700 in a maximum of 640 until it is raised to 1024 at 450 s.
	f = dir "/hotplug-steps.csv"; hdr(f, "hotplug-steps.ini: a pool resized to each new maximum")
	noisy(f, "db1", 800, 6, 10, 0, 310)
	ramp(f, "db1", 800, 1300, 310, 330, 2)
	noisy(f, "db1", 1300, 6, 10, 330, 610)
	ramp(f, "db1", 1300, 1800, 610, 630, 2)
	noisy(f, "db1", 1800, 6, 10, 630, 910)
	ramp(f, "db1", 1800, 2700, 910, 930, 2)
	noisy(f, "db1", 2700, 8, 10, 930, 1500)
	noisy(f, "h2", 700, 10, 10, 0, 460)
	ramp(f, "h2", 700, 880, 460, 480, 2)
	noisy(f, "h2", 880, 10, 10, 480, 1500)
	for (t = 0; t < 1500; t += 30)
		printf "%d,a1,%d\n", t, ri(600, 1200) > f
	noisy(f, "a2", 900, 15, 10, 0, 1500)
	tri(f, "w1", 300, 800, 400, 0, 1500, 5)

	# cron-grow: 1800 s. c01-c12 at a base of 120-260 MiB; every 300 s
	# (0-2 s of jitter) a burst of b * (1 + 0.12 k) for 30-50 s, k the
	# burst number, b 100-200 per guest; bt (1 GiB of swap) random.
	f = dir "/cron-grow.csv"; hdr(f, "cron-grow.ini: a 5-minute cron at :00 whose bursts grow")
	for (g = 1; g <= 12; g++) {
		vm = sprintf("c%02d", g); base = ri(120, 260); b = ri(100, 200); t = 0
		for (k = 1; k <= 5; k++) {
			at = 300 * k + ri(0, 2)
			noisy(f, vm, base, 4, 30, t, at)
			len = ri(30, 50); top = base + int(b * (1 + 0.12 * k))
			printf "%d,%s,%d\n", at, vm, base + int((top - base) / 2) > f
			noisy(f, vm, top, 5, 5, at + 2, at + len)
			t = at + len
		}
		noisy(f, vm, base, 4, 30, t, 1800)
	}
	for (t = 0; t < 1800; t += 20)
		printf "%d,bt,%d\n", t, ri(1000, 1400) > f

	# snapshot-rotation: 1200 s. s1-s6 paused 45 s in turn from 200 s,
	# one every 120 s (their load held still while paused: no rows), a
	# backlog of 120-200 MiB for 20 s at each unpause; g1 (swapless)
	# climbs 300 -> 1000 over 500-800 s and stays; g2 (swap) random.
	f = dir "/snapshot-rotation.csv"; hdr(f, "snapshot-rotation.ini: guests paused in turn for snapshots")
	for (g = 1; g <= 6; g++) {
		vm = "s" g; base = ri(250, 450); p0 = 200 + 120 * (g - 1); p1 = p0 + 45
		noisy(f, vm, base, 20, 10, 0, p0)
		bl = ri(120, 200)
		noisy(f, vm, base + bl, 10, 5, p1, p1 + 20)
		noisy(f, vm, base, 20, 10, p1 + 20, 1200)
	}
	noisy(f, "g1", 300, 5, 10, 0, 500)
	ramp(f, "g1", 300, 1000, 500, 800, 5)
	noisy(f, "g1", 1000, 8, 10, 800, 1200)
	for (t = 0; t < 1200; t += 15)
		printf "%d,g2,%d\n", t, ri(400, 900) > f

	# migrate-wave: 1200 s (m1-m3 in their own time from their start).
	# r1 noisy 800 (swap), r2 a swapless 400-900 triangle of 300 s, r3
	# random 300-700; m1 arrives at 200 s with 1100 MiB in use that
	# falls to 500 over 60 s from its 60th s; m2 at 260 s, 850 steady,
	# swapless; m3 at 320 s, idle at 250 in its 1280 MiB.
	f = dir "/migrate-wave.csv"; hdr(f, "migrate-wave.ini: three guests migrated in within two minutes")
	noisy(f, "r1", 800, 15, 10, 0, 1200)
	tri(f, "r2", 400, 900, 300, 0, 1200, 5)
	for (t = 0; t < 1200; t += 20)
		printf "%d,r3,%d\n", t, ri(300, 700) > f
	noisy(f, "m1", 1100, 10, 10, 0, 60)
	ramp(f, "m1", 1100, 500, 60, 120, 5)
	noisy(f, "m1", 500, 10, 10, 120, 1000)
	noisy(f, "m2", 850, 8, 10, 0, 940)
	noisy(f, "m3", 250, 4, 30, 0, 880)

	# fork-cow: 1500 s. rd1 (swapless): a data set of 450 -> 850 MiB;
	# every 120-180 s a BGSAVE fork dirties 30-60 % of it within 8 s,
	# for 10-20 s, freed at once. rd2 (512 MiB of swap): 700, a fork
	# every 300 s dirtying 50-80 %. a1 (swap) random; w1 swapless 250.
	f = dir "/fork-cow.csv"; hdr(f, "fork-cow.ini: copy-on-write of a fork that saves the data set")
	t = 0; nx = ri(60, 120)
	while (t < 1500) {
		ds = 450 + int(400 * t / 1500)
		if (t >= nx) {
			cow = int(ds * ri(30, 60) / 100); len = ri(10, 20)
			for (u = 0; u < 8; u += 2)
				printf "%d,rd1,%d\n", t + u, ds + int(cow * (u + 2) / 8) > f
			noisy(f, "rd1", ds + cow, 3, 4, t + 8, t + 8 + len)
			t += 8 + len; nx = t + ri(120, 180)
			continue
		}
		printf "%d,rd1,%d\n", t, ds + ri(-3, 3) > f
		t += 10
	}
	for (k = 0; k < 5; k++) {
		t0 = 300 * k
		noisy(f, "rd2", 700, 5, 10, t0, t0 + 150)
		cow = int(700 * ri(50, 80) / 100)
		ramp(f, "rd2", 700, 700 + cow, t0 + 150, t0 + 160, 2)
		noisy(f, "rd2", 700 + cow, 5, 5, t0 + 160, t0 + 175)
		noisy(f, "rd2", 700, 5, 10, t0 + 175, t0 + 300)
	}
	for (t = 0; t < 1500; t += 20)
		printf "%d,a1,%d\n", t, ri(400, 900) > f
	noisy(f, "w1", 250, 10, 15, 0, 1500)

	# leak-maxmem: 1500 s. lk (2 GiB of swap, maximum 16 GiB) leaks
	# 300 -> 4500 MiB over 1200 s, restarted then (back to 300); s1
	# swapless 900, s2 a swapless 200-700 triangle of 500 s, s3 (swap)
	# random 300-800.
	f = dir "/leak-maxmem.csv"; hdr(f, "leak-maxmem.ini: a leak with a 16 GiB maximum")
	ramp(f, "lk", 300, 4500, 0, 1200, 5)
	noisy(f, "lk", 300, 5, 10, 1200, 1500)
	noisy(f, "s1", 900, 8, 10, 0, 1500)
	tri(f, "s2", 200, 700, 500, 0, 1500, 5)
	for (t = 0; t < 1500; t += 20)
		printf "%d,s3,%d\n", t, ri(300, 800) > f

	# puppet-run: 1200 s. p01-p10 at 150-300 MiB; a cron burst of
	# 100-200 for 40 s at 300 s (agents fine); at 600 + j s (j = 7g mod 6) the
	# run restarts each agent (quiet 40 s, in the .ini) and from 602 + j
	# its installs lift the load by 150-300 within 20 s until 700-760 s.
	# b1 (1 GiB of swap) random 800-1300, its agent never restarted.
	f = dir "/puppet-run.csv"; hdr(f, "puppet-run.ini: a configuration run on every guest at once")
	for (g = 1; g <= 10; g++) {
		vm = sprintf("p%02d", g); base = ri(150, 300)
		noisy(f, vm, base, 6, 15, 0, 300)
		noisy(f, vm, base + ri(100, 200), 5, 5, 300, 340)
		j = (7 * g) % 6; up = ri(150, 300); end = ri(700, 760)
		noisy(f, vm, base, 6, 15, 340, 602 + j)
		ramp(f, vm, base, base + up, 602 + j, 622 + j, 2)
		noisy(f, vm, base + up, 6, 5, 622 + j, end)
		noisy(f, vm, base, 6, 15, end, 1200)
	}
	for (t = 0; t < 1200; t += 20)
		printf "%d,b1,%d\n", t, ri(800, 1300) > f

	# cold-return: 1800 s. q1-q6 (512 MiB of swap) at a working set of
	# 500-750 MiB for 200 s, idle at 120-160 until their return, one each
	# at 1500-1620 s, to their working set within 4 s; q7 swapless 600.
	f = dir "/cold-return.csv"; hdr(f, "cold-return.ini: an idle fleet back at once")
	for (g = 1; g <= 6; g++) {
		vm = "q" g; ws = ri(500, 750); idle = ri(120, 160); back = ri(1500, 1620)
		noisy(f, vm, ws, 10, 10, 0, 200)
		noisy(f, vm, idle, 4, 30, 200, back)
		ramp(f, vm, idle, ws, back, back + 4, 1)
		noisy(f, vm, ws, 10, 10, back + 4, 1800)
	}
	noisy(f, "q7", 600, 6, 15, 0, 1800)
}
AWK
