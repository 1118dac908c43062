#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-26 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG, seed 2026), so the committed files are what this prints:
#   scripts/gen-break26-traces.sh conf/scenarios
#   migrate-flap.csv    a VM that a cluster balancer moves out of the
#                       host and back again and again (v1-v5, u1-u5 are
#                       its stays here), beside residents that grow into
#                       what it leaves
#   xs-stall.csv        eight guests whose loads move while every agent
#                       is silent at once (the windows are in the INI)
#   dom0-grow.csv       guests of a host whose dom0 grows (the
#                       reservations are in the INI)
#   big-iron.csv        an 84 GiB host with six guests of 7-24 GiB, noise
#                       of hundreds of MiB and jobs of GiBs
#   partition-heal.csv  producers that buffer while the network is
#                       partitioned and flush when it heals, consumers
#                       that idle meanwhile and surge on the backlog
#   resize-roll.csv     a rolling upgrade to a new instance size: each
#                       service's domain destroyed and built again from
#                       a template of another size, its new version
#                       larger (two right-sized smaller)
#   crash-wave.csv      six workers whose domains crash at once and are
#                       built again seconds later, three of them twice
#   pipeline-wave.csv   batches that pass through five pipeline stages,
#                       each stage's VM holding a batch for 25-45 s
# Growth that is continuous in a real guest is written a row a second
# (the simulator counts an OOM kill per entry into the over state).
# Times of the created guests' rows count from their own start (the
# simulator's trace clock for a guest with start_s).
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break26-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# Random draws in [lo, hi], each held a random hmin-hmax s, [t0, t1).
function walk(f, vm, lo, hi, hmin, hmax, t0, t1,   t) {
	for (t = t0; t < t1; t += ri(hmin, hmax))
		printf "%d,%s,%d\n", t, vm, ri(lo, hi) > f
}
# A triangle lo -> hi -> lo of period p, a row every step s, [t0, t1).
function tri(f, vm, lo, hi, p, t0, t1, step,   t, ph) {
	for (t = t0; t < t1; t += step) {
		ph = (t % p) / p
		ph = (ph < 0.5) ? 2 * ph : 2 - 2 * ph
		printf "%d,%s,%d\n", t, vm, lo + int((hi - lo) * ph) > f
	}
}
# A level that moves by rows of its own: prints (t, v) when v changed.
function put(f, vm, t, v) {
	if (!(vm in last) || v != last[vm]) { printf "%d,%s,%d\n", t, vm, v > f; last[vm] = v }
}
# A new domain's boot, from its own start: the kernel at 40 MiB for 8 s,
# systemd at 120 for 7 s, the service to 60 % of L within 10 s, then
# warming to L as 1 - exp(-t/40 s), a row a second; noise +-n every 10
# s from t1 on. [0, t2).
function boot(f, vm, L, n, t2,   t, v) {
	noisy(f, vm, 40, 2, 4, 0, 8)
	noisy(f, vm, 120, 4, 7, 8, 15)
	ramp(f, vm, 120, int(0.6 * L), 15, 25, 1)
	for (t = 25; t < 145 && t < t2; t++) {
		v = int(L - 0.4 * L * exp(-(t - 25) / 40))
		printf "%d,%s,%d\n", t, vm, v > f
	}
	if (t < t2) noisy(f, vm, L, n, 10, t, t2)
}
BEGIN {
	seed = 2026

	# migrate-flap: 1500 s. The flapping VM: v (1100 +-20, 256 MiB of
	# swap) here in five stays, u (swapless, 700 +-10) in five; each
	# stay's rows from its own start (its working set is there at
	# once: a migrated guest does not boot). r1 (512 MiB of swap)
	# random 500-1100 held 30-60 s; r2 (swapless) a 400-900 triangle
	# of 300 s; r3 (256 MiB of swap) 620 +-15; r4 (swapless) 430 +-10.
	f = dir "/migrate-flap.csv"; hdr(f, "migrate-flap.ini: a VM migrated out of the host and back, again and again")
	split("150 300 420 560 680 800 930 1040 1180 1300", vw, " ")
	split("240 380 500 640 760 900 1020 1160 1320 1500", uw, " ")
	for (k = 1; k <= 5; k++) {
		noisy(f, "v" k, 1100, 20, 5, 0, vw[2 * k] - vw[2 * k - 1])
		noisy(f, "u" k, 700, 10, 5, 0, uw[2 * k] - uw[2 * k - 1])
	}
	walk(f, "r1", 500, 1100, 30, 60, 0, 1500)
	tri(f, "r2", 400, 900, 300, 0, 1500, 2)
	noisy(f, "r3", 620, 15, 10, 0, 1500)
	noisy(f, "r4", 430, 10, 10, 0, 1500)

	# xs-stall: 1200 s. Every agent is silent from ~400 s for 150-175 s
	# (the INI). Meanwhile g1 (swapless) steps 450 -> 750 at 430 s
	# within 3 s; g3 (512 MiB of swap) falls 800 -> 300 at 420 s and
	# is back at 800 from 900 s; g5 (1 GiB of swap) climbs 400 -> 1000
	# over 380-560 s; g8 (swapless) 350 -> 650 over 460-463 s, back at
	# 700 s. g2 (swapless) a 300-700 triangle of 300 s; g4 (256 MiB of
	# swap) random 300-800 held 20-60 s; g6 (swapless) 500 +-10; g7 (128
	# MiB of swap) random 200-600 held 20-40 s.
	f = dir "/xs-stall.csv"; hdr(f, "xs-stall.ini: loads that move while every agent is silent")
	noisy(f, "g1", 450, 8, 10, 0, 430)
	ramp(f, "g1", 450, 750, 430, 433, 1)
	noisy(f, "g1", 750, 8, 10, 433, 1200)
	tri(f, "g2", 300, 700, 300, 0, 1200, 2)
	noisy(f, "g3", 800, 10, 10, 0, 420)
	noisy(f, "g3", 300, 10, 10, 420, 900)
	ramp(f, "g3", 300, 800, 900, 905, 1)
	noisy(f, "g3", 800, 10, 10, 905, 1200)
	walk(f, "g4", 300, 800, 20, 60, 0, 1200)
	noisy(f, "g5", 400, 10, 10, 0, 380)
	ramp(f, "g5", 400, 1000, 380, 560, 1)
	noisy(f, "g5", 1000, 10, 10, 560, 1200)
	noisy(f, "g6", 500, 10, 10, 0, 1200)
	walk(f, "g7", 200, 600, 20, 40, 0, 1200)
	noisy(f, "g8", 350, 6, 10, 0, 460)
	ramp(f, "g8", 350, 650, 460, 463, 1)
	noisy(f, "g8", 650, 6, 10, 463, 700)
	noisy(f, "g8", 350, 6, 10, 700, 1200)

	# dom0-grow: 1500 s (dom0's growth is the INI's reserve_at). d1
	# (512 MiB of swap) random 500-1000 held 30-60 s; d2 (swapless) 700
	# +-10; d3 (swapless) a 300-750 triangle of 400 s; d4 (256 MiB of
	# swap) random 300-700 held 20-60 s; d5 (1 GiB of swap) 800 +-30.
	f = dir "/dom0-grow.csv"; hdr(f, "dom0-grow.ini: the guests of a host whose dom0 grows")
	walk(f, "d1", 500, 1000, 30, 60, 0, 1500)
	noisy(f, "d2", 700, 10, 10, 0, 1500)
	tri(f, "d3", 300, 750, 400, 0, 1500, 2)
	walk(f, "d4", 300, 700, 20, 60, 0, 1500)
	noisy(f, "d5", 800, 30, 10, 0, 1500)

	# big-iron: 1200 s. db1 (swapless) 20000 +-150 every 5 s, a job of
	# +3000 within 4 s held 60-120 s every 250-400 s; db2 (swapless)
	# 13000 +-100, +2000 within 3 s held 40-90 s every 200-350 s; j1,
	# j2 (2 GiB of swap) random 6000-10500 held 20-60 s; ana (8 GiB of
	# swap) random 10000-24000 held 60-120 s; mc (swapless) 7000 +-60.
	# Jobs rise a row a second.
	f = dir "/big-iron.csv"; hdr(f, "big-iron.ini: GiB-sized guests on an 84 GiB host")
	split("20000 13000", db, " "); split("150 100", dn, " ")
	split("3000 2000", dj, " "); split("4 3", dr, " ")
	split("60 40", hl, " "); split("120 90", hh, " ")
	split("250 200", gl, " "); split("400 350", gh, " ")
	for (g = 1; g <= 2; g++) {
		vm = "db" g; B = db[g] + 0; t = 0; at = ri(gl[g] / 2, gh[g])
		while (at < 1200) {
			noisy(f, vm, B, dn[g], 5, t, at)
			ramp(f, vm, B, B + dj[g], at, at + dr[g], 1)
			e = at + dr[g] + ri(hl[g], hh[g]); if (e > 1200) e = 1200
			noisy(f, vm, B + dj[g], dn[g], 5, at + dr[g], e)
			t = e; at = e + ri(gl[g], gh[g])
		}
		if (t < 1200) noisy(f, vm, B, dn[g], 5, t, 1200)
	}
	walk(f, "j1", 6000, 10500, 20, 60, 0, 1200)
	walk(f, "j2", 6000, 10500, 20, 60, 0, 1200)
	walk(f, "ana", 10000, 24000, 60, 120, 0, 1200)
	noisy(f, "mc", 7000, 60, 5, 0, 1200)

	# partition-heal: 1200 s. Partitions [300, 600) and [850, 950).
	# p1-p4 (swapless) at 300-400 +-5 buffer what they cannot send,
	# 0.8-1.4 MiB/s from a partition's start (a row a second), and
	# flush it over 10-20 s once it heals. c1-c4 (odd 256 MiB of swap,
	# even swapless) at 450-600 +-8 fall to 60 % within 2 s of a
	# partition's start, surge to 150 % within 3 s of its end for 60-90
	# s, and are back at their level over 30 s. b1 (2 GiB of swap)
	# random 700-1400 held 30-60 s.
	f = dir "/partition-heal.csv"; hdr(f, "partition-heal.ini: a network partition heals: buffers flushed, a backlog")
	split("300 850", ps, " "); split("600 950", pe, " ")
	for (g = 1; g <= 4; g++) {
		vm = "p" g; B = ri(300, 400); rate = ri(8, 14) / 10; t = 0
		for (k = 1; k <= 2; k++) {
			noisy(f, vm, B, 5, 10, t, ps[k])
			for (t = ps[k]; t < pe[k]; t++) put(f, vm, t, B + int(rate * (t - ps[k])))
			top = B + int(rate * (pe[k] - ps[k])); fl = ri(10, 20)
			ramp(f, vm, top, B, pe[k], pe[k] + fl, 1)
			t = pe[k] + fl
		}
		noisy(f, vm, B, 5, 10, t, 1200)
	}
	for (g = 1; g <= 4; g++) {
		vm = "c" g; L = ri(450, 600); t = 0
		for (k = 1; k <= 2; k++) {
			noisy(f, vm, L, 8, 10, t, ps[k])
			ramp(f, vm, L, int(0.6 * L), ps[k], ps[k] + 2, 1)
			noisy(f, vm, int(0.6 * L), 5, 10, ps[k] + 2, pe[k])
			ramp(f, vm, int(0.6 * L), int(1.5 * L), pe[k], pe[k] + 3, 1)
			hd = ri(60, 90)
			noisy(f, vm, int(1.5 * L), 8, 5, pe[k] + 3, pe[k] + 3 + hd)
			ramp(f, vm, int(1.5 * L), L, pe[k] + 3 + hd, pe[k] + 33 + hd, 1)
			t = pe[k] + 33 + hd
		}
		noisy(f, vm, L, 8, 10, t, 1200)
	}
	walk(f, "b1", 700, 1400, 30, 60, 0, 1200)

	# resize-roll: 1500 s. s1-s8 (odd swapless, even 256 MiB of swap)
	# at levels of 380-520 +-8. From 300 s, one every 120 s: sN
	# destroyed at 300 + 120 (N-1) s, sNn built 8 s later from the new
	# template (the INI: 896 MiB, static-max 2 GiB; s3n and s7n
	# right-sized to 512, static-max 1 GiB) and booted; its service's
	# level is 1.3 times the old one (the new version's larger caches),
	# s3n's and s7n's 300. b1 (1 GiB of swap) random 600-1400 held
	# 30-60 s.
	f = dir "/resize-roll.csv"; hdr(f, "resize-roll.ini: a rolling upgrade to instances of other sizes")
	for (g = 1; g <= 8; g++) {
		L = ri(380, 520); T = 300 + 120 * (g - 1)
		noisy(f, "s" g, L, 8, 10, 0, T)
		N = (g == 3 || g == 7) ? 300 : int(1.3 * L)
		boot(f, "s" g "n", N, 8, 1500 - T - 8)
	}
	walk(f, "b1", 600, 1400, 30, 60, 0, 1500)

	# crash-wave: 1200 s. k1-k6 (k1-k3 swapless, k4-k6 128 MiB of swap)
	# at 300-450 +-8 crash at 450-452 s (the INI's stop_s) and are built
	# again 4-12 s later as k1r-k6r (the INI's start_s), booted back to
	# their level; k1r, k3r and k5r crash again at 850-851 s and are
	# built as k1s, k3s, k5s. b1 (2 GiB of swap) random 900-2400 held
	# 30-60 s; w1 (swapless) a 300-800 triangle of 360 s; w2 (256 MiB
	# of swap) random 300-700 held 20-50 s.
	f = dir "/crash-wave.csv"; hdr(f, "crash-wave.ini: six workers crash at once and are built again")
	split("450 451 450 452 451 450", ks, " "); split("458 455 462 457 464 459", kr, " ")
	split("850 0 851 0 850 0", k2, " "); split("856 0 859 0 862 0", kr2, " ")
	for (g = 1; g <= 6; g++) {
		L = ri(300, 450)
		noisy(f, "k" g, L, 8, 10, 0, ks[g])
		e = (k2[g] > 0) ? k2[g] - kr[g] : 1200 - kr[g]
		boot(f, "k" g "r", L, 8, e)
		if (k2[g] > 0) boot(f, "k" g "s", L, 8, 1200 - kr2[g])
	}
	walk(f, "b1", 900, 2400, 30, 60, 0, 1200)
	tri(f, "w1", 300, 800, 360, 0, 1200, 2)
	walk(f, "w2", 300, 700, 20, 50, 0, 1200)

	# pipeline-wave: 1200 s. A batch of 500-800 MiB enters st1 every
	# 60-100 s; stage k holds it (times 1.0, 0.8, 1.2, 0.6, 0.5) for
	# 25-45 s, loading it within 3 s (a row a second) and freeing it
	# within 2 s as the next stage loads it. Stages' bases 150-250 +-5
	# (st1, st3, st5 swapless, st2 256 MiB of swap, st4 512). x1 (1 GiB
	# of swap) random 400-900 held 20-60 s. Written a row a second.
	f = dir "/pipeline-wave.csv"; hdr(f, "pipeline-wave.ini: batches passing through five stages")
	split("1.0 0.8 1.2 0.6 0.5", fr, " ")
	nb = 0
	for (a = ri(20, 60); a < 1150; a += ri(60, 100)) {
		nb++; S = ri(500, 800); s = a
		for (k = 1; k <= 5; k++) {
			d = ri(25, 45); bs[nb, k] = s; be[nb, k] = s + d
			bz[nb, k] = int(S * fr[k]); s += d
		}
	}
	for (k = 1; k <= 5; k++) {
		vm = "st" k; B = ri(150, 250); nz = 0
		for (t = 0; t < 1200; t++) {
			if (t % 10 == 0) nz = ri(-5, 5)
			v = B + nz
			for (i = 1; i <= nb; i++) {
				s = bs[i, k]; e = be[i, k]
				if (t >= s && t < e) v += (t - s < 3) ? int(bz[i, k] * (t - s + 1) / 3) : bz[i, k]
				else if (t >= e && t < e + 2) v += int(bz[i, k] * (e + 2 - t) / 3)
			}
			put(f, vm, t, v)
		}
	}
	walk(f, "x1", 400, 900, 20, 60, 0, 1200)
}
AWK
