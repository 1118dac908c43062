#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-19 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-break19-traces.sh conf/scenarios
#   ha-failover.csv    two active/passive pairs: at a failover the primary's
#                      load falls to its idle daemons while the standby's
#                      climbs to the service's working set within seconds
#                      (a database warming its buffer pool, a web tier),
#                      and back at the failback; two noisy neighbours
#   gc-sawtooth.csv    garbage-collected heaps: a slow rise and a drop at
#                      once at each major collection, with periods on the
#                      arbiter's timers (60 s: adopt_grace_s, gap_explore_s;
#                      600 s: oom_hold_s), jittered, beside a noisy guest
#   boot-overcommit.csv guests booted into a host with nothing free whose
#                      programs need more than they were created with
#                      (a database restoring its dump, a cache warming from
#                      a peer), beside over-provisioned idle guests
#   crashloop-leak.csv a leak that grows past what its guest may ever hold,
#                      killed near the top and started again by its
#                      supervisor, three times; a second one restarted by
#                      its own watchdog before the top; guests that need
#                      the memory beside them
#   cron-rare.csv      twelve small guests quiet for twenty minutes, then a
#                      synchronized job (an hourly cron) on all of them
#                      within 2 s, twice, beside a batch guest
#   steady-noise.csv   an hour of eight guests at steady levels with noise
#                      of 4-30 MiB every 3-30 s, nothing else
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break19-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A saw-tooth: from lo, a rise to hi over period - 1 s in rows every step
# s, then lo again at once (a major collection); each period jittered by
# +-jit s, [t0, t1).
function saw(f, vm, lo, hi, period, jit, step, t0, t1,   t, p, s) {
	t = t0
	while (t < t1) {
		p = period + ri(-jit, jit)
		for (s = 0; s < p - 1 && t + s < t1; s += step)
			printf "%d,%s,%d\n", t + s, vm, lo + int((hi - lo) * s / (p - 1)) + ri(-3, 3) > f
		t += p
	}
}
BEGIN {
	seed = 1919

	# ha-failover: 900 s
	f = dir "/ha-failover.csv"; hdr(f, "ha-failover.ini: active/passive pairs failing over and back")
	# pair a: a database, primary a1 (swap), standby a2 (swapless)
	noisy(f, "a1", 880, 15, 10, 0, 200)
	noisy(f, "a1", 90, 5, 10, 200, 560)
	ramp(f, "a1", 90, 880, 560, 575, 1)
	noisy(f, "a1", 880, 15, 10, 575, 900)
	noisy(f, "a2", 90, 5, 10, 0, 202)
	ramp(f, "a2", 90, 880, 202, 214, 1)
	noisy(f, "a2", 880, 15, 10, 214, 558)
	noisy(f, "a2", 90, 5, 10, 558, 900)
	# pair b: a web tier, primary b1 (swapless), standby b2 (swap)
	noisy(f, "b1", 620, 20, 5, 0, 380)
	noisy(f, "b1", 80, 5, 10, 380, 900)
	noisy(f, "b2", 80, 5, 10, 0, 381)
	ramp(f, "b2", 80, 620, 381, 384, 1)
	noisy(f, "b2", 620, 20, 5, 384, 900)
	# neighbours
	noisy(f, "n1", 650, 200, 20, 0, 900)
	noisy(f, "n2", 500, 120, 15, 0, 900)

	# gc-sawtooth: 1200 s
	f = dir "/gc-sawtooth.csv"; hdr(f, "gc-sawtooth.ini: collected heaps on the arbiter timers")
	saw(f, "j1", 300, 700, 60, 2, 2, 0, 1200)
	saw(f, "j2", 220, 980, 600, 10, 5, 0, 1200)
	printf "0,j3,250\n" > f
	saw(f, "j3", 250, 620, 61, 5, 2, 17, 1200)
	printf "0,j4,180\n" > f
	saw(f, "j4", 180, 480, 30, 1, 1, 5, 1200)
	noisy(f, "w1", 700, 250, 25, 0, 1200)

	# boot-overcommit: 600 s
	f = dir "/boot-overcommit.csv"; hdr(f, "boot-overcommit.ini: boots that need more than they were given")
	# r1 restores a dump: 900 MiB within 30 s of boot, then a plateau
	ramp(f, "r1", 120, 900, 0, 30, 2)
	noisy(f, "r1", 900, 20, 10, 30, 600)
	# r2 (swapless) warms a cache from a peer: 650 MiB within 40 s
	ramp(f, "r2", 100, 650, 0, 40, 2)
	noisy(f, "r2", 650, 10, 10, 40, 600)
	# r3 boots, then its application at 90 s needs 700 MiB
	noisy(f, "r3", 110, 5, 10, 0, 90)
	ramp(f, "r3", 110, 700, 90, 100, 1)
	noisy(f, "r3", 700, 25, 10, 100, 600)
	# over-provisioned idle guests: one wakes up at 300 s
	noisy(f, "i1", 180, 10, 20, 0, 600)
	noisy(f, "i2", 140, 10, 20, 0, 300)
	ramp(f, "i2", 140, 600, 300, 306, 1)
	noisy(f, "i2", 600, 15, 10, 306, 600)
	noisy(f, "i3", 220, 30, 20, 0, 600)

	# crashloop-leak: 1200 s
	f = dir "/crashloop-leak.csv"; hdr(f, "crashloop-leak.ini: leaks killed by OOM and restarted")
	# k1 (swapless, static-max 1024) leaks 2.5 MiB/s to 1100 MiB, past
	# what it can ever hold: its kernel kills it near the top and its
	# supervisor starts it again (the fall), three times
	for (k = 0; k < 3; k++)
		ramp(f, "k1", 150, 1100, 380 * k + 20 * (k > 0), 380 * (k + 1), 5)
	printf "1140,k1,150\n" > f
	# k2 (swap) leaks 1.5 MiB/s and its watchdog restarts it every 420 s
	ramp(f, "k2", 200, 830, 0, 420, 5)
	ramp(f, "k2", 200, 830, 420, 840, 5)
	ramp(f, "k2", 200, 470, 840, 1200, 5)
	noisy(f, "m1", 600, 150, 20, 0, 1200)
	noisy(f, "m2", 420, 40, 15, 0, 1200)
	noisy(f, "m3", 300, 200, 30, 0, 1200)

	# cron-rare: 2400 s
	f = dir "/cron-rare.csv"; hdr(f, "cron-rare.ini: a rare synchronized job on a quiet fleet")
	for (i = 1; i <= 12; i++) {
		vm = sprintf("c%02d", i)
		base = ri(80, 140)
		t = 0
		for (k = 0; k < 2; k++) {
			at = 1200 * k + 600 + ri(0, 2)
			noisy(f, vm, base, 6, 30, t, at)
			len = ri(40, 90)
			noisy(f, vm, base + ri(250, 380), 15, 5, at, at + len)
			t = at + len
		}
		noisy(f, vm, base, 6, 30, t, 2400)
	}
	noisy(f, "bat", 1100, 300, 30, 0, 2400)

	# steady-noise: 3600 s
	f = dir "/steady-noise.csv"; hdr(f, "steady-noise.ini: an hour of a steady host")
	split("420 300 260 520 180 640 350 230", lvl, " ")
	split("4 8 12 6 20 10 30 5", nz, " ")
	split("5 10 15 7 20 9 30 3", hold, " ")
	for (i = 1; i <= 8; i++)
		noisy(f, "s" i, lvl[i], nz[i], hold[i], 0, 3600)
}
AWK
