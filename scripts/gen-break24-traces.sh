#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-24 break scenarios (membal-sim's
# trace format, design.md §Workloads and traces), and faas-churn.ini,
# whose 150 guests are drawn with the trace. Deterministic (its own LCG,
# seed 2024), so the committed files are what this prints:
#   scripts/gen-break24-traces.sh conf/scenarios
#   alloc-churn.csv    a noisy neighbour: Spark Streaming micro-batches
#                      that allocate ~2 GiB every 30 s (+-3) for 10-18 s
#                      and free it at once, beside steady services
#   noswap-sizes.csv   a host with no swap anywhere (every guest
#                      swapless) and sizes from 192 MiB to 4.5 GiB
#   faas-churn.csv     serverless micro-VMs: a function VM created every
#                      2-6 s, living 6-45 s (+ faas-churn.ini)
#   patch-reboot.csv   a rolling reboot after a kernel update: each
#                      service's domain destroyed and built again at its
#                      config's memory=, booted, its service warmed up
#   clamd-reload.csv   mail filters whose virus database is loaded a
#                      second time at each signature update (clamd's
#                      concurrent reload) and the old copy freed
#   dispvm-burst.csv   a Qubes-like desktop: a browser that grows tab by
#                      tab, disposable VMs opened in bursts
#   scale-out.csv      an autoscaled web tier: instances added as the
#                      traffic rises (each takes a share of it, the
#                      others' loads fall), one crashes, then scale-in
#   ml-epochs.csv      a training VM whose DataLoader workers grow by
#                      copy-on-write each epoch, an inference VM that
#                      loads a new model before freeing the old, a
#                      notebook that loads data frames
# Growth that is continuous in a real guest (a hash join, a database
# read in, a service warming up) is written a row a second: the
# simulator counts an OOM kill per entry into the over state, so 2-s
# steps would turn one climb past a swapless guest's memory into a kill
# a step.
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-break24-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A level that moves by rows of its own: prints (t, v) when v changed.
function put(f, vm, t, v) {
	if (v != last[vm]) { printf "%d,%s,%d\n", t, vm, v > f; last[vm] = v }
}
BEGIN {
	seed = 2024

	# alloc-churn: 1200 s. n1 (1 GiB of swap): a 700 MiB base; every
	# 30 s (+-3: the batch interval, a job's start jitter) a micro-batch
	# allocates 1900-2100 MiB within 2 s, holds it 10-18 s and frees it
	# at once. w1 (swapless) and w2 (256 MiB of swap) web, random
	# 500-900 held 40 / 45 s; db (swapless) 1250; a1 (512 MiB of swap)
	# a 400-1100 triangle of 400 s; c1 (swapless) 600, 800 from 600 s.
	f = dir "/alloc-churn.csv"; hdr(f, "alloc-churn.ini: a neighbour that allocates 2 GiB every 30 s")
	t = 0; at = ri(20, 40)
	while (at < 1200) {
		noisy(f, "n1", 700, 20, 5, t, at)
		top = 700 + ri(1900, 2100); len = ri(10, 18)
		printf "%d,n1,%d\n", at, 700 + int((top - 700) / 2) > f
		noisy(f, "n1", top, 15, 2, at + 1, at + len)
		t = at + len; at += 30 + ri(-3, 3)
	}
	noisy(f, "n1", 700, 20, 5, t, 1200)
	draws(f, "w1", 500, 900, 40, 0, 1200)
	draws(f, "w2", 500, 900, 45, 0, 1200)
	noisy(f, "db", 1250, 10, 10, 0, 1200)
	tri(f, "a1", 400, 1100, 400, 0, 1200, 5)
	noisy(f, "c1", 600, 8, 10, 0, 600)
	noisy(f, "c1", 800, 8, 10, 600, 1200)

	# noswap-sizes: 1500 s, every guest swapless. db (4.5 GiB, static-max
	# 8 GiB) 4000 MiB; every 300-450 s an analytics job (a VACUUM, a
	# report's hash join) adds 900-1300 within 20 s for 60-120 s, gone
	# over 10 s. a1-a3 (1280) random 600-1200 held 20-60 s; m1, m2 (640)
	# 250-650 triangles of 240 and 330 s; s1-s6 (192) random 60-140
	# held 30-90 s; t1 (160) a steady 80.
	f = dir "/noswap-sizes.csv"; hdr(f, "noswap-sizes.ini: no swap anywhere, guests of 160 MiB to 4.5 GiB")
	t = 0; at = ri(150, 300)
	while (at < 1500) {
		noisy(f, "db", 4000, 30, 10, t, at)
		up = ri(900, 1300); len = ri(60, 120)
		ramp(f, "db", 4000, 4000 + up, at, at + 20, 1)
		noisy(f, "db", 4000 + up, 20, 5, at + 20, at + 20 + len)
		ramp(f, "db", 4000 + up, 4000, at + 20 + len, at + 30 + len, 1)
		t = at + 30 + len; at += ri(300, 450)
		if (at < t) at = t
	}
	noisy(f, "db", 4000, 30, 10, t, 1500)
	for (g = 1; g <= 3; g++) walk(f, "a" g, 600, 1200, 20, 60, 0, 1500)
	tri(f, "m1", 250, 650, 240, 0, 1500, 5)
	tri(f, "m2", 250, 650, 330, 0, 1500, 5)
	for (g = 1; g <= 6; g++) walk(f, "s" g, 60, 140, 30, 90, 0, 1500)
	noisy(f, "t1", 80, 5, 20, 0, 1500)

	# faas-churn: 600 s, and its INI. api (512 MiB of swap) random
	# 500-1200 every 30 s; kv (swapless) 700; gw (256 MiB of swap) a
	# 300-800 triangle of 300 s. A function VM every 2-6 s from 5 s
	# until 580 s, living 6-45 s; 85 % small (256 MiB, static-max 512:
	# a working set of 80-220 MiB), 15 % heavy (512, static-max 768:
	# 300-440); swapless (a minimal image); 40 MiB for its 1-2 s boot,
	# half the working set for a second, then all of it.
	f = dir "/faas-churn.csv"; hdr(f, "faas-churn.ini: serverless micro-VMs created every 2-6 s")
	ini = dir "/faas-churn.ini"
	print "; Session 24 (break24): serverless micro-VMs (a FaaS platform on Xen," > ini
	print "; as LightVM or unikernel function runtimes). Three long-lived guests:" > ini
	print "; api (512 MiB of swap) random 500-1200 MiB every 30 s, kv (swapless)" > ini
	print "; a steady 700, gw (256 MiB of swap) a 300-800 triangle of 300 s. A" > ini
	print "; function VM is created every 2-6 s from 5 s (after `membalctl" > ini
	print "; reserve --for --wait`, the default reserve_wait_s) and destroyed" > ini
	print "; 6-45 s later, six or seven alive at a time: 85 % small (256 MiB," > ini
	print "; static-max 512, a working set of 80-220 MiB), 15 % heavy (512," > ini
	print "; static-max 768, 300-440 MiB), all swapless; each boots in 1-2 s at" > ini
	print "; 40 MiB and touches its working set within 2 s. Tries: a creation" > ini
	print "; rate above every timer of the loop (the adoption grace, a reservation" > ini
	print "; per creation, answered at a cycle's end), memory that must come back" > ini
	print "; from a guest destroyed seconds ago for the next one, and small" > ini
	print "; swapless guests whose whole life is shorter than most holds" > ini
	print "; (scripts/gen-break24-traces.sh writes this file and the trace)." > ini
	print "[host]\ntotal_mb = 6144\ndom0_mb = 1024\nduration_s = 600\ntrace = faas-churn.csv" > ini
	print "\n[guest api]\nmemory_mb = 1024\nstatic_max_mb = 2048\nswap_mb = 512\nworkload = trace" > ini
	print "\n[guest kv]\nmemory_mb = 1024\nstatic_max_mb = 1536\nworkload = trace" > ini
	print "\n[guest gw]\nmemory_mb = 768\nstatic_max_mb = 1536\nswap_mb = 256\nworkload = trace" > ini
	draws(f, "api", 500, 1200, 30, 0, 600)
	noisy(f, "kv", 700, 10, 10, 0, 600)
	tri(f, "gw", 300, 800, 300, 0, 600, 5)
	at = 5; k = 0
	while (at < 580) {
		k++; vm = sprintf("f%03d", k); life = ri(6, 45)
		if (rnd() < 0.15) { mem = 512; smax = 768; ws = ri(300, 440) }
		else { mem = 256; smax = 512; ws = ri(80, 220) }
		boot = ri(1, 2)
		printf "\n[guest %s]\nmemory_mb = %d\nstatic_max_mb = %d\nstart_s = %d\nstop_s = %d\nworkload = trace\n",
		       vm, mem, smax, at, at + life > ini
		printf "0,%s,40\n%d,%s,%d\n", vm, boot, vm, int(ws / 2) > f
		noisy(f, vm, ws, 4, 3, boot + 1, life)
		at += ri(2, 6)
	}

	# patch-reboot: 1500 s. s1-s8 (896 MiB = the config's memory=,
	# static-max 2048; odd swapless, even 512 MiB of swap) at levels
	# 1250 550 850 1200 480 1000 700 900 (+-10). From 400 s, one every
	# 90 s, `xl reboot`: sN destroyed at 400 + 90 (N-1), sNr built 6 s
	# later at 896 MiB: its kernel boots at 40 MiB for 8 s, systemd 120
	# for 7 s, the service to 60 % of its level within 10 s, then warms
	# to its level as 1 - exp(-t/40 s).
	f = dir "/patch-reboot.csv"; hdr(f, "patch-reboot.ini: a rolling reboot after a kernel update")
	split("1250 550 850 1200 480 1000 700 900", lv, " ")
	for (g = 1; g <= 8; g++) {
		L = lv[g] + 0; T = 400 + 90 * (g - 1)
		noisy(f, "s" g, L, 10, 10, 0, T)
		vm = "s" g "r"
		noisy(f, vm, 40, 2, 4, 0, 8)
		noisy(f, vm, 120, 3, 4, 8, 15)
		ramp(f, vm, 120, int(0.6 * L), 15, 25, 1)
		for (t = 25; t < 265; t++)
			printf "%d,%s,%d\n", t, vm, int(0.6 * L + 0.4 * L * (1 - exp(-(t - 25) / 40))) > f
		noisy(f, vm, L, 10, 10, 265, 1500 - T - 6)
	}

	# clamd-reload: 1500 s. m1-m6 (1280 MiB, static-max 3072; odd
	# swapless, even 512 MiB of swap): clamd's database (700-800 MiB)
	# and the MTA's own 200-300, +-12. At each signature update
	# (freshclam hourly at its own minute: first at 60-300 s, then every
	# 240-360 s) the new database is loaded beside the old one over 20-30
	# s (95-105 % of its size), then the old one is freed at once. w1
	# (1 GiB of swap) random 600-1400 every 30 s.
	f = dir "/clamd-reload.csv"; hdr(f, "clamd-reload.ini: virus databases loaded twice at each update")
	for (g = 1; g <= 6; g++) {
		vm = "m" g; db = ri(700, 800); base = db + ri(200, 300)
		t = 0; at = ri(60, 300)
		while (at < 1500) {
			noisy(f, vm, base, 12, 10, t, at)
			len = ri(20, 30); top = base + int(db * ri(95, 105) / 100)
			ramp(f, vm, base, top, at, at + len, 1)
			noisy(f, vm, top, 5, 3, at + len, at + len + 3)
			t = at + len + 3; at += ri(240, 360)
		}
		noisy(f, vm, base, 12, 10, t, 1500)
	}
	draws(f, "w1", 600, 1400, 30, 0, 1500)

	# dispvm-burst: 1800 s, every qube with 1 GiB of swap. sys-net 300
	# (unmanaged), sys-firewall 250, vault 150, mail 600 (+300 for 20 s
	# every 300 s: a fetch), personal random 600-1500 held 60-120 s.
	# work's browser from 500 MiB: a tab every 20-60 s (+30-150 within
	# 2 s), every 200-320 s some closed (15-30 % freed over 10 s), a
	# video call 1000-1300 s (+600 within 5 s); at most 3400. disp01-15
	# (opened in bursts at 300, 900 and 1450 s; the INI's start_s and
	# stop_s, lives here): 150 MiB for 5 s (Xorg, the viewer starting),
	# then the document's 350-900 MiB within 12 s.
	f = dir "/dispvm-burst.csv"; hdr(f, "dispvm-burst.ini: a Qubes-like desktop, disposables in bursts")
	noisy(f, "sys-net", 300, 5, 20, 0, 1800)
	noisy(f, "sys-firewall", 250, 5, 20, 0, 1800)
	noisy(f, "vault", 150, 3, 30, 0, 1800)
	for (t = 0; t < 1800; t += 300) {
		noisy(f, "mail", 600, 20, 10, t, t + 150)
		noisy(f, "mail", 900, 20, 5, t + 150, t + 170)
		noisy(f, "mail", 600, 20, 10, t + 170, t + 300)
	}
	walk(f, "personal", 600, 1500, 60, 120, 0, 1800)
	lvl = 500; nt = ri(20, 60); nc = ri(200, 320); call = 0
	for (t = 0; t < 1800; t++) {
		if (t == nt) { up = ri(30, 150); lvl += up; nt += ri(20, 60); half = int(up / 2) }
		else half = 0
		if (t == nc) { drop = int(lvl * ri(15, 30) / 100); dstep = int(drop / 10); dleft = 10; nc += ri(200, 320) }
		if (dleft > 0) { lvl -= dstep; dleft-- }
		if (lvl > 3400) lvl = 3400
		c = (t >= 1000 && t < 1300) ? ((t < 1005) ? 120 * (t - 1000 + 1) : 600) : 0
		if (t % 10 == 0) nz = ri(-5, 5)
		put(f, "work", t, lvl - half + c + nz)
	}
	split("300 310 325 340 360 900 905 915 930 950 975 1450 1460 1480 1500", ds, " ")
	split("180 90 240 120 60 200 150 70 240 100 130 160 90 210 120", dl, " ")
	for (g = 1; g <= 15; g++) {
		vm = sprintf("disp%02d", g); sz = ri(350, 900); life = dl[g] + 0
		noisy(f, vm, 150, 4, 5, 0, 5)
		ramp(f, vm, 150, sz, 5, 17, 1)
		noisy(f, vm, sz, 10, 10, 17, life)
	}

	# scale-out: 1500 s. The traffic R: 1.0 until 300 s, 4.0 by 700,
	# +-0.1 until 1000, 1.0 by 1300. Each instance serves R over the
	# weights in service: 250 MiB + 350 R w / sum(w), +-5 (session
	# state, connection buffers). w1, w2 from 0; w3 420-1370, w4
	# 520-850 (crashes: its connections move at once), w5 620-1300, w6
	# 720-1160, w7 880-1230 (replaces w4). A new instance: 60 MiB until
	# 15 s, then its weight 0 -> 1 over 30 s (the balancer's slow
	# start); scale-in drains it over its last 10 s. Odd instances
	# swapless, even 256 MiB of swap. db (swapless) 1200 + 150 R; c1
	# (1 GiB of swap) a batch, random 800-1600 every 30 s.
	f = dir "/scale-out.csv"; hdr(f, "scale-out.ini: an autoscaled web tier, scale-out, a crash, scale-in")
	split("0 0 420 520 620 720 880", ss, " ")
	split("1500 1500 1370 850 1300 1160 1230", se, " ")
	split("1 1 1 0 1 1 1", wd, " ")
	rn = 0
	for (t = 0; t < 1500; t++) {
		if (t < 300) R = 1
		else if (t < 700) R = 1 + 3 * (t - 300) / 400
		else if (t < 1000) { if (t % 10 == 0) rn = ri(-10, 10) / 100; R = 4 + rn }
		else if (t < 1300) R = 4 - 3 * (t - 1000) / 300
		else R = 1
		sw = 0
		for (i = 1; i <= 7; i++) {
			u = t - ss[i]; w[i] = 0
			if (u < 0 || t >= se[i]) continue
			if (ss[i] > 0) w[i] = (u < 15) ? 0 : ((u < 45) ? (u - 15) / 30 : 1)
			else w[i] = 1
			if (wd[i] && se[i] < 1500 && t >= se[i] - 10) w[i] *= (se[i] - t) / 10
			sw += w[i]
		}
		for (i = 1; i <= 7; i++) {
			u = t - ss[i]
			if (u < 0 || t >= se[i]) continue
			v = (ss[i] > 0 && u < 15) ? 60 : 250 + int(350 * R * w[i] / sw)
			if (t % 5 == 0 || v - last["w" i] > 3 || last["w" i] - v > 3)
				put(f, "w" i, u, v + ((t % 5 == 0) ? ri(-5, 5) : 0))
		}
		if (t % 10 == 0) put(f, "db", t, 1200 + int(150 * R) + ri(-10, 10))
	}
	draws(f, "c1", 800, 1600, 30, 0, 1500)

	# ml-epochs: 1500 s. tr (2 GiB of swap, static-max 12 GiB) loads its
	# data set (300 -> 2500 MiB over 30 s), then epochs of 200-240 s:
	# its DataLoader workers' copy-on-write growth adds 0 -> 2200 MiB
	# over the epoch; at its end an evaluation adds 800 within 5 s for
	# 20-30 s, every second epoch a checkpoint 600 more for 10 s, then
	# the workers are recycled (2500 within 3 s). inf (swapless) a model
	# of 1800 MiB and batches of 0-200 more every 2 s; at 700 s a new
	# model version is loaded beside the old (+1800 over 15 s), served
	# 10 s, the old freed at once. nb (1 GiB of swap) 600, data frames
	# at 300, 900, 1300 s (+2200-2800 within 10 s, 60-120 s, then 900);
	# etl (swapless) 700.
	f = dir "/ml-epochs.csv"; hdr(f, "ml-epochs.ini: a training VM's epochs, a model swap, a notebook")
	ramp(f, "tr", 300, 2500, 0, 30, 2)
	t = 30; ep = 0
	while (t < 1500) {
		len = ri(200, 240); ep++
		for (u = 0; u < len && t + u < 1500; u += 2)
			printf "%d,tr,%d\n", t + u, 2500 + int(2200 * u / len) + ri(-5, 5) > f
		t += len; if (t >= 1500) break
		ev = ri(20, 30)
		ramp(f, "tr", 4700, 5500, t, t + 5, 1)
		noisy(f, "tr", 5500, 15, 5, t + 5, t + ev)
		t += ev
		from = 5500
		if (ep % 2 == 0) { noisy(f, "tr", 6100, 10, 5, t, t + 10); t += 10; from = 6100 }
		ramp(f, "tr", from, 2500, t, t + 3, 1); t += 3
	}
	for (t = 0; t < 1500; t += (t >= 700 && t < 715) ? 1 : 2) {
		if (t % 2 == 0) v0 = 1800 + ri(0, 200)
		v = v0
		if (t >= 700 && t < 715) v += int(1800 * (t - 700) / 15)
		else if (t >= 715 && t < 725) v += 1800
		printf "%d,inf,%d\n", t, v > f
	}
	split("300 900 1300", lk, " "); t = 0; lo = 600
	for (k = 1; k <= 3; k++) {
		noisy(f, "nb", lo, 10, 10, t, lk[k])
		up = ri(2200, 2800); len = ri(60, 120)
		ramp(f, "nb", lo, lo + up, lk[k], lk[k] + 10, 1)
		noisy(f, "nb", lo + up, 20, 10, lk[k] + 10, lk[k] + 10 + len)
		t = lk[k] + 10 + len; lo = 900
	}
	noisy(f, "nb", lo, 10, 10, t, 1500)
	noisy(f, "etl", 700, 10, 10, 0, 1500)
}
AWK
