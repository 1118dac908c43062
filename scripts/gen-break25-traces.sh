#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-25 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG, seed 2025), so the committed files are what this prints:
#   scripts/gen-break25-traces.sh conf/scenarios
#   swap-fill.csv      services that leak into small swap devices until
#                      the swap is full, beside a swapless database
#   balloon-mix.csv    guests whose balloons move at 2 to 1024 MiB/s
#                      (the speeds are in the INI), loads of every kind
#   timer-drift.csv    systemd timers with OnUnitInactiveSec=: each job's
#                      period is its interval plus its own run, so the
#                      guests' peaks drift in and out of step (beats)
#   exact-reserve.csv  a host sized to the MiB: free memory is the
#                      reserve at creation and the loads just fit
#   batch-overrun.csv  two compressed days: the nightly ETL finishes
#                      before the morning on day 1 and overruns into it
#                      on day 2
#   heavy-tail.csv     API guests whose requests' sizes are Pareto:
#                      mostly a few MiB, a few hundreds of MiB
#   multi-scale.csv    loads that are a sum of a week's step, a day, an
#                      hourly job and noise
#   maxmem-fleet.csv   cloud-template guests (maxmem 32 GiB: their
#                      kernels keep ~560 MiB of struct pages) with
#                      random loads
# Growth that is continuous in a real guest is written a row a second
# (the simulator counts an OOM kill per entry into the over state).
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break25-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A level that moves by rows of its own: prints (t, v) when v changed.
function put(f, vm, t, v) {
	if (!(vm in last) || v != last[vm]) { printf "%d,%s,%d\n", t, vm, v > f; last[vm] = v }
}
# A Pareto draw of scale xm and shape a, at most cap.
function pareto(xm, a, cap,   u, x) {
	u = rnd(); if (u < 1e-6) u = 1e-6
	x = xm / exp(log(u) / a)
	return (x > cap) ? cap : int(x)
}
BEGIN {
	seed = 2025
	pi = 3.14159265

	# swap-fill: 1500 s. f1-f4 (128, 192, 256, 320 MiB of swap): a base
	# of 520-600 MiB that leaks 0.40-0.50 MiB/s from 100 s (a few MiB of
	# noise every 10 s): 1080-1250 MiB at the end, more than they could
	# hold with the host's share, so what they lack goes to swap until
	# it is full. db (swapless) 1000 +-10; b1 (1 GiB of swap) random
	# 400-1000 held 30-60 s.
	f = dir "/swap-fill.csv"; hdr(f, "swap-fill.ini: leaks into small swap devices until they are full")
	for (g = 1; g <= 4; g++) {
		vm = "f" g; base = ri(520, 600); rate = ri(40, 50) / 100; nz = 0
		for (t = 0; t < 1500; t++) {
			if (t % 10 == 0) nz = ri(-4, 4)
			v = base + ((t > 100) ? int(rate * (t - 100)) : 0) + nz
			put(f, vm, t, v)
		}
	}
	noisy(f, "db", 1000, 10, 10, 0, 1500)
	walk(f, "b1", 400, 1000, 30, 60, 0, 1500)

	# balloon-mix: 1200 s. s1 (2 MiB/s, 512 MiB of swap) random
	# 400-1100 held 60-150 s; s2 (5 MiB/s, swapless) a 300-900 triangle
	# of 400 s (3 MiB/s at most); s3 (12 MiB/s, 256 MiB of swap) 300 or
	# 800, flipping every 90-200 s; f1 (1024 MiB/s, swapless) random
	# 500-1000 every 30 s; f2 (256 MiB/s, 256 MiB of swap) random
	# 400-1200 held 20-60 s; f3 (64 MiB/s, swapless) 850 and a 400 MiB
	# burst for 20 s every 150-250 s.
	f = dir "/balloon-mix.csv"; hdr(f, "balloon-mix.ini: balloons of 2 to 1024 MiB/s on one host")
	walk(f, "s1", 400, 1100, 60, 150, 0, 1200)
	tri(f, "s2", 300, 900, 400, 0, 1200, 2)
	hi = 0
	for (t = 0; t < 1200; t += ri(90, 200)) {
		printf "%d,s3,%d\n", t, (hi ? 800 : 300) + ri(-5, 5) > f; hi = !hi
	}
	for (t = 0; t < 1200; t += 30) printf "%d,f1,%d\n", t, ri(500, 1000) > f
	walk(f, "f2", 400, 1200, 20, 60, 0, 1200)
	t = 0; at = ri(60, 150)
	while (at < 1200) {
		noisy(f, "f3", 850, 8, 10, t, at)
		ramp(f, "f3", 850, 1250, at, at + 3, 1)
		noisy(f, "f3", 1250, 8, 5, at + 3, at + 20)
		t = at + 20; at += ri(150, 250)
	}
	noisy(f, "f3", 850, 8, 10, t, 1200)

	# timer-drift: 1800 s. t1-t8 (odd swapless, even 128 MiB of swap)
	# at bases of 150-300 MiB run a job every interval (100-130 s, the
	# unit's OnUnitInactiveSec=) after the last one ended: the job
	# climbs 250-420 MiB above the base within 3 s, holds for its run
	# (15-25 s, +-2 s from run to run), frees it at once. Each period is
	# its interval plus its run, all different: the jobs coincide in
	# twos, threes and fours as their phases drift.
	f = dir "/timer-drift.csv"; hdr(f, "timer-drift.ini: OnUnitInactiveSec timers whose peaks drift in and out of step")
	for (g = 1; g <= 8; g++) {
		vm = "t" g; base = ri(150, 300); iv = ri(100, 130); run = ri(15, 25)
		up = ri(250, 420); t = 0; at = ri(10, iv)
		while (at < 1800) {
			noisy(f, vm, base, 6, 10, t, at)
			ramp(f, vm, base, base + up, at, at + 3, 1)
			len = run + ri(-2, 2)
			noisy(f, vm, base + up, 5, 3, at + 3, at + len)
			t = at + len; at = t + iv
		}
		noisy(f, vm, base, 6, 10, t, 1800)
	}

	# exact-reserve: 1200 s. e1-e6 (their memory= sums to the host less
	# dom0 and the reserve): e1 (swapless) 700 +-10; e2 (128 MiB of
	# swap) 540 +-15 every 5 s; e3 (swapless) 380 that steps to 460 at
	# 300 s and back at 700 s; e4 (256 MiB of swap) a 400-640 triangle
	# of 240 s; e5 (swapless) 300 +-20 every 4 s; e6 (64 MiB of swap)
	# 260, to 360 from 500 to 900 s.
	f = dir "/exact-reserve.csv"; hdr(f, "exact-reserve.ini: a host sized to the MiB, free memory at the reserve")
	noisy(f, "e1", 700, 10, 10, 0, 1200)
	noisy(f, "e2", 540, 15, 5, 0, 1200)
	noisy(f, "e3", 380, 5, 10, 0, 300)
	noisy(f, "e3", 460, 5, 10, 300, 700)
	noisy(f, "e3", 380, 5, 10, 700, 1200)
	tri(f, "e4", 400, 640, 240, 0, 1200, 2)
	noisy(f, "e5", 300, 20, 4, 0, 1200)
	noisy(f, "e6", 260, 5, 10, 0, 500)
	ramp(f, "e6", 260, 360, 500, 510, 1)
	noisy(f, "e6", 360, 5, 10, 510, 900)
	noisy(f, "e6", 260, 5, 10, 900, 1200)

	# batch-overrun: 1800 s, two days of 900 s (night until 300 s of
	# each, a 60 s morning edge, day until 780 s, a 60 s evening fall).
	# w1-w4 (odd 256 MiB of swap, even swapless) 150-200 MiB at night,
	# 550-700 by day (+-15 every 5 s). etl (swapless, a database's
	# nightly load) 400 idle; at 20 s and 920 s it loads 2300 MiB over
	# 40 s; day 1 it ends at 230 s, day 2 at 1330 s (130 s into the
	# morning: a bigger delta); freed over 10 s. mon (swapless) 300.
	f = dir "/batch-overrun.csv"; hdr(f, "batch-overrun.ini: a nightly ETL that overruns into the morning")
	for (g = 1; g <= 4; g++) {
		vm = "w" g; lo = ri(150, 200); hi = ri(550, 700); sh = ri(-10, 10)
		for (t = 0; t < 1800; t += 5) {
			u = t % 900 - sh
			if (u < 300) v = lo
			else if (u < 360) v = lo + int((hi - lo) * (u - 300) / 60)
			else if (u < 780) v = hi
			else if (u < 840) v = hi - int((hi - lo) * (u - 780) / 60)
			else v = lo
			printf "%d,%s,%d\n", t, vm, v + ri(-15, 15) > f
		}
	}
	split("20 920", es, " "); split("230 1330", ee, " "); t = 0
	for (k = 1; k <= 2; k++) {
		noisy(f, "etl", 400, 10, 10, t, es[k])
		ramp(f, "etl", 400, 2700, es[k], es[k] + 40, 1)
		noisy(f, "etl", 2700, 20, 5, es[k] + 40, ee[k])
		ramp(f, "etl", 2700, 400, ee[k], ee[k] + 10, 1)
		t = ee[k] + 10
	}
	noisy(f, "etl", 400, 10, 10, t, 1800)
	noisy(f, "mon", 300, 5, 20, 0, 1800)

	# heavy-tail: 1500 s. a1-a6 (a1-a3 swapless, a4-a6 128 MiB of swap)
	# hold a base of 250-450 MiB (+-5); requests arrive every 3-15 s,
	# each holds a Pareto size (xm 8 MiB, shape 1.1, at most 1100 MiB)
	# for 2-12 s: half are under 16 MiB, one in ten over 65, one in a
	# hundred over 500. Written a row a second.
	f = dir "/heavy-tail.csv"; hdr(f, "heavy-tail.ini: requests of Pareto sizes, a few of hundreds of MiB")
	for (g = 1; g <= 6; g++) {
		vm = "a" g; base = ri(250, 450); n = 0; na = ri(3, 15); nz = 0
		for (t = 0; t < 1500; t++) {
			if (t == na) { n++; sz[n] = pareto(8, 1.1, 1100); en[n] = t + ri(2, 12); na = t + ri(3, 15) }
			v = 0
			for (i = 1; i <= n; i++) if (en[i] > t) v += sz[i]
			if (t % 10 == 0) nz = ri(-5, 5)
			put(f, vm, t, base + nz + v)
		}
	}

	# multi-scale: 2400 s, four guests. Each demand is a week's step (a
	# "weekday" level until 1200 s, 60-70 % of it after), a day (a sine
	# of 600 s, its own phase and amplitude), an "hourly" job (every
	# 240 s, 20-30 s of 150-300 MiB; m3 every 180 s) and noise (+-20
	# every 7 s); a row every second while the job rises, else every
	# 5 s. m1, m3 swapless; m2 512 MiB of swap, m4 256.
	f = dir "/multi-scale.csv"; hdr(f, "multi-scale.ini: a week, a day, an hour and noise at once")
	split("900 700 600 800", wl, " "); split("300 250 200 350", am, " ")
	split("0 150 300 450", ph, " "); split("240 240 180 240", jp, " ")
	split("30 90 60 120", jo, " ")
	for (g = 1; g <= 4; g++) {
		vm = "m" g; W = wl[g] + 0; fr = ri(60, 70) / 100; nz = 0
		jsz = ri(150, 300); jl = ri(20, 30); joff = jo[g] + 0; pj = 0
		for (t = 0; t < 2400; t++) {
			base = (t < 1200) ? W : int(W * fr)
			d = am[g] * sin(2 * pi * (t + ph[g]) / 600)
			u = (t - joff) % jp[g]
			j = (t >= joff && u < jl) ? ((u < 3) ? int(jsz * (u + 1) / 3) : jsz) : 0
			if (t % 7 == 0) nz = ri(-20, 20)
			if (j > 0 || pj > 0 || t % 5 == 0) put(f, vm, t, base + int(d) + j + nz)
			pj = j
		}
	}

	# maxmem-fleet: 1200 s. c1-c6 (memory 1024-1152, static-max 32 GiB:
	# MemTotal 465-593 MiB) random loads: c1-c3 swapless 250-650 held
	# 30-90 s, c4-c6 (256 MiB of swap) 300-900 held 20-60 s; n1 (a
	# plain template, static-max 2 GiB, 512 MiB of swap) a 500-1400
	# triangle of 500 s.
	f = dir "/maxmem-fleet.csv"; hdr(f, "maxmem-fleet.ini: cloud templates with maxmem 32 GiB")
	for (g = 1; g <= 3; g++) walk(f, "c" g, 250, 650, 30, 90, 0, 1200)
	for (g = 4; g <= 6; g++) walk(f, "c" g, 300, 900, 20, 60, 0, 1200)
	tri(f, "n1", 500, 1400, 500, 0, 1200, 2)
}
AWK
