#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-23 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG, seed 2023), so the committed files are what this prints:
#   scripts/gen-break23-traces.sh conf/scenarios
#   db-warm.csv        databases restarted (a minor upgrade) whose buffer
#                      pool warms again from disk: a swapless one read-
#                      through (fast, then slower), one with swap from a
#                      pool dump (linear), beside a batch with swap
#   blue-green.csv     a blue/green deployment rolled through four
#                      services: each green guest created fat, warmed,
#                      the traffic shifted over 90 s, the blue destroyed
#   timer-jitter.csv   systemd timers with RandomizedDelaySec on swapless
#                      guests: jobs every 120-180 s or 75-105 s, never
#                      twice the same period
#   k8s-nodes.csv      swapless Kubernetes worker VMs: pods of 120-480
#                      MiB scheduled and deleted at random, then a
#                      rolling deployment that surges one pod per node
#   outage-surge.csv   an upstream outage: ten services' loads fall
#                      together for 70 s and come back with a backlog
#                      45 % above their level, twice
#   batch-giant.csv    an 8 GiB Spark executor (jobs of 5-6.5 GiB, idle at
#                      700 MiB between them) beside twelve small guests
#   agent-dead.csv     guests whose balloon agent dies for good: one with
#                      swap whose load keeps moving, one swapless whose
#                      service stops afterwards (its memory stranded)
#   idle-thrash.csv    twenty idle guests (rare wakes of 60-120 MiB) and
#                      one with 4 GiB of swap that never fits
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break23-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A read-through warm-up: lo -> hi as 1 - exp(-u / tau), a row every
# step s, [t0, t1).
function warm(f, vm, lo, hi, tau, t0, t1, step,   t) {
	for (t = t0; t < t1; t += step)
		printf "%d,%s,%d\n", t, vm, lo + int((hi - lo) * (1 - exp(-(t - t0) / tau))) > f
}
BEGIN {
	seed = 2023

	# db-warm: 1500 s. d1 (swapless) a pool of 1300 MiB, restarted at
	# 300 and 1000 s: 60 MiB for 15 s, then warmed read-through (tau
	# 90 s: ~95 % after 270 s). d2 (512 MiB of swap) 1000, restarted at
	# 600 s: 50 for 20 s, then its pool dump loaded at 8 MiB/s. b1 (2 GiB
	# of swap) random 800-1800 every 30 s; a1 (swap) 600; w1 a swapless
	# 300-650 triangle of 300 s.
	f = dir "/db-warm.csv"; hdr(f, "db-warm.ini: buffer pools warming after a restart")
	noisy(f, "d1", 1300, 6, 10, 0, 300)
	noisy(f, "d1", 60, 2, 5, 300, 315)
	warm(f, "d1", 60, 1300, 90, 315, 715, 5)
	noisy(f, "d1", 1300, 6, 10, 715, 1000)
	noisy(f, "d1", 60, 2, 5, 1000, 1015)
	warm(f, "d1", 60, 1300, 90, 1015, 1415, 5)
	noisy(f, "d1", 1300, 6, 10, 1415, 1500)
	noisy(f, "d2", 1000, 8, 10, 0, 600)
	noisy(f, "d2", 50, 2, 5, 600, 620)
	ramp(f, "d2", 50, 1000, 620, 740, 2)
	noisy(f, "d2", 1000, 8, 10, 740, 1500)
	draws(f, "b1", 800, 1800, 30, 0, 1500)
	noisy(f, "a1", 600, 30, 10, 0, 1500)
	tri(f, "w1", 300, 650, 300, 0, 1500, 5)

	# blue-green: 1500 s. Services 1-4 (working sets 700, 550, 900, 450;
	# 1 and 3 swapless, 2 and 4 with swap). Green gN is created at
	# 200 + 250 (N-1) s (time below from its own start): boots at 60 MiB
	# for 20 s, its application at 60 % of the working set by 40 s; from
	# 60 s the traffic moves over 90 s (green -> ws, blue -> 100); the
	# blue is destroyed 240 s after the green's creation. x1 (1 GiB of
	# swap) random 500-1200 every 20 s; c1 a swapless 400.
	f = dir "/blue-green.csv"; hdr(f, "blue-green.ini: a blue/green deployment through four services")
	split("700 550 900 450", ws, " ")
	for (n = 1; n <= 4; n++) {
		s = 200 + 250 * (n - 1)
		noisy(f, "b" n, ws[n], 10, 10, 0, s + 60)
		ramp(f, "b" n, ws[n], 100, s + 60, s + 150, 5)
		noisy(f, "b" n, 100, 4, 10, s + 150, s + 240)
		w = ws[n]; p = int(0.6 * w)
		noisy(f, "g" n, 60, 2, 5, 0, 20)
		ramp(f, "g" n, 60, p, 20, 40, 2)
		noisy(f, "g" n, p, 5, 5, 40, 60)
		ramp(f, "g" n, p, w, 60, 150, 5)
		noisy(f, "g" n, w, 10, 10, 150, 1500 - s)
	}
	draws(f, "x1", 500, 1200, 20, 0, 1500)
	noisy(f, "c1", 400, 5, 15, 0, 1500)

	# timer-jitter: 1800 s. t1-t4 (swapless) and t7-t8 (256 MiB of swap):
	# a job every 120 + U(0, 60) s (OnUnitActiveSec=2min,
	# RandomizedDelaySec=1min) of 20-40 s; t5, t6 (swapless) every 75 +
	# U(0, 30) s of 10-20 s. Base 150-250, the job 200-350 above it
	# (85-110 % of that from run to run), reached within 2 s. w1 (1 GiB
	# of swap) random 600-1200 every 20 s.
	f = dir "/timer-jitter.csv"; hdr(f, "timer-jitter.ini: systemd timers with a randomized delay")
	for (g = 1; g <= 8; g++) {
		if (g == 5 || g == 6) { per = 75; jit = 30; lmin = 10; lmax = 20 }
		else { per = 120; jit = 60; lmin = 20; lmax = 40 }
		vm = "t" g; base = ri(150, 250); b = ri(200, 350); t = 0
		at = ri(20, 120)
		while (at < 1800) {
			noisy(f, vm, base, 4, 15, t, at)
			len = ri(lmin, lmax); top = base + int(b * ri(85, 110) / 100)
			printf "%d,%s,%d\n", at, vm, base + int((top - base) / 2) > f
			noisy(f, vm, top, 5, 5, at + 2, at + len)
			t = at + len
			at += per + ri(0, jit)
		}
		noisy(f, vm, base, 4, 15, t, 1800)
	}
	draws(f, "w1", 600, 1200, 20, 0, 1800)

	# k8s-nodes: 1800 s. k1-k6 (swapless, as the kubelet wants): system
	# 300 MiB; 2-3 pods at the start, then one scheduled every 60-300 s
	# (at most 5 on a node), each of 120-480 MiB touched within 5 s and
	# deleted 120-900 s later (freed at once). A rolling deployment from
	# 900 s, one node every 40 s: a surge pod of 400 MiB, and 60 s later
	# the node's largest old pod deleted. p1 (1 GiB of swap, a CI VM)
	# random 400-1000 every 30 s.
	f = dir "/k8s-nodes.csv"; hdr(f, "k8s-nodes.ini: swapless Kubernetes workers, pods come and go")
	for (g = 1; g <= 6; g++) {
		vm = "k" g; np = 0
		n0 = ri(2, 3)
		for (i = 0; i < n0; i++) { ps[np] = 0; pe[np] = ri(200, 1200); pz[np] = ri(120, 480); np++ }
		at = ri(60, 300)
		while (at < 1800) {
			live = 0
			for (i = 0; i < np; i++) if (ps[i] <= at && pe[i] > at) live++
			if (live < 5) { ps[np] = at; pe[np] = at + ri(120, 900); pz[np] = ri(120, 480); np++ }
			at += ri(60, 300)
		}
		sg = 900 + 40 * (g - 1)
		big = -1
		for (i = 0; i < np; i++)
			if (ps[i] < sg && pe[i] > sg + 60 && (big < 0 || pz[i] > pz[big])) big = i
		if (big >= 0) pe[big] = sg + 60
		ps[np] = sg; pe[np] = 1800 + 1; pz[np] = 400; np++
		last = -1
		for (t = 0; t < 1800; t++) {
			d = 300
			for (i = 0; i < np; i++) {
				if (ps[i] > t || pe[i] <= t) continue
				u = t - ps[i]
				d += (ps[i] > 0 && u < 5) ? int(pz[i] * (u + 1) / 5) : pz[i]
			}
			if (t % 10 == 0) d += ri(-4, 4)
			if (d != last) { printf "%d,%s,%d\n", t, vm, d > f; last = d }
		}
		delete ps; delete pe; delete pz
	}
	draws(f, "p1", 400, 1000, 30, 0, 1800)

	# outage-surge: 1200 s. o01-o10 (odd swapless, even 256 MiB of swap)
	# at 250-500 MiB; at 400 s (+0-2) every load falls to 55 % (requests
	# gone, caches kept), at 470 s (+0-2) the backlog lifts it to 145 %
	# within 3 s for 30-45 s, then back over 20 s; again at 850 s: 35 s
	# down, 130 % for 20-30 s. b1 (2 GiB of swap) random 700-1500.
	f = dir "/outage-surge.csv"; hdr(f, "outage-surge.ini: an upstream outage and its backlog, twice")
	for (g = 1; g <= 10; g++) {
		vm = sprintf("o%02d", g); w = ri(250, 500)
		noisy(f, vm, w, 8, 10, 0, 400)
		t = 400; split("400 470 145 30 45 850 885 130 20 30", ev, " ")
		for (k = 0; k < 2; k++) {
			d0 = ev[5 * k + 1] + ri(0, 2); u0 = ev[5 * k + 2] + ri(0, 2)
			noisy(f, vm, w, 8, 10, t, d0)
			noisy(f, vm, int(0.55 * w), 4, 10, d0, u0)
			top = int(w * ev[5 * k + 3] / 100); len = ri(ev[5 * k + 4], ev[5 * k + 5])
			ramp(f, vm, int(0.55 * w), top, u0, u0 + 3, 1)
			noisy(f, vm, top, 6, 5, u0 + 3, u0 + len)
			ramp(f, vm, top, w, u0 + len, u0 + len + 20, 2)
			t = u0 + len + 20
		}
		noisy(f, vm, w, 8, 10, t, 1200)
	}
	draws(f, "b1", 700, 1500, 30, 0, 1200)

	# batch-giant: 1800 s. big (2 GiB of swap, static-max 12 GiB): idle
	# at 700 MiB, then jobs of 180-300 s at 5000-6500 (reached in 15 s,
	# released at once), 60-150 s apart. s01-s12 (s01-s06 swapless):
	# random 150-350 MiB, a new level every 20-60 s.
	f = dir "/batch-giant.csv"; hdr(f, "batch-giant.ini: an 8 GiB Spark executor among small guests")
	t = 0; nx = 60
	while (t < 1800) {
		noisy(f, "big", 700, 20, 10, t, nx)
		if (nx >= 1800) break
		top = ri(5000, 6500); len = ri(180, 300)
		ramp(f, "big", 700, top, nx, nx + 15, 1)
		noisy(f, "big", top, 40, 10, nx + 15, nx + 15 + len)
		t = nx + 15 + len; nx = t + ri(60, 150)
		if (nx > 1800) nx = 1800
	}
	for (g = 1; g <= 12; g++) {
		vm = sprintf("s%02d", g)
		for (t = 0; t < 1800; t += ri(20, 60))
			printf "%d,%s,%d\n", t, vm, ri(150, 350) > f
	}

	# agent-dead: 1500 s. a1 (1 GiB of swap) random 300-1000 every 60 s,
	# its agent dead from 300 s; a2 (swapless) 900 until 700 s, then 250
	# (its service stopped), its agent dead from 600 s; s1 (swapless)
	# 300, climbing to 1000 over 600-1000 s; w1 (512 MiB of swap) random
	# 400-800 every 20 s.
	f = dir "/agent-dead.csv"; hdr(f, "agent-dead.ini: balloon agents that die for good")
	draws(f, "a1", 300, 1000, 60, 0, 1500)
	noisy(f, "a2", 900, 8, 10, 0, 700)
	noisy(f, "a2", 250, 4, 30, 700, 1500)
	noisy(f, "s1", 300, 5, 10, 0, 600)
	ramp(f, "s1", 300, 1000, 600, 1000, 5)
	noisy(f, "s1", 1000, 8, 10, 1000, 1500)
	draws(f, "w1", 400, 800, 20, 0, 1500)

	# idle-thrash: 1500 s. i01-i20 (i01-i06 swapless, the others 128 MiB
	# of swap) idle at 70-150 MiB; every 200-600 s a wake of 60-120 MiB
	# for 10-20 s (reached within 2 s). th (4 GiB of swap) 900 for 60 s,
	# then random 5500-7500 every 60 s: it never fits.
	f = dir "/idle-thrash.csv"; hdr(f, "idle-thrash.ini: twenty idle guests and one that thrashes")
	for (g = 1; g <= 20; g++) {
		vm = sprintf("i%02d", g); base = ri(70, 150); t = 0; at = ri(100, 600)
		while (at < 1500) {
			noisy(f, vm, base, 4, 30, t, at)
			up = ri(60, 120); len = ri(10, 20)
			printf "%d,%s,%d\n", at, vm, base + int(up / 2) > f
			noisy(f, vm, base + up, 3, 5, at + 2, at + len)
			t = at + len; at = t + ri(200, 600)
		}
		noisy(f, vm, base, 4, 30, t, 1500)
	}
	noisy(f, "th", 900, 10, 10, 0, 60)
	draws(f, "th", 5500, 7500, 60, 60, 1500)
}
AWK
