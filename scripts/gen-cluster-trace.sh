#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes conf/scenarios/cluster-20x200.csv and .ini: 20 hosts, 200 guests
# whose demand comes from the trace (membal-sim's trace format, one row
# per guest every 10 s). Deterministic (its own LCG, not awk's rand), so
# the committed files are what this prints:
#   scripts/gen-cluster-trace.sh conf/scenarios
# Guests, in turn:
#   web    a day compressed into 600 s: 200 MiB at night, a peak of
#          500-900 MiB at a phase of its own
#   batch  150 MiB, a job of 700-1100 MiB for 200 s from 60-400 s
#   idle   100-200 MiB, drifting
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
BEGIN {
	seed = 2026; n = 200; hosts = 20; dur = 600; step = 10
	csv = dir "/cluster-20x200.csv"; ini = dir "/cluster-20x200.ini"
	print "# Demand of the 200 guests of cluster-20x200.ini (scripts/gen-cluster-trace.sh)" > csv
	print "time_s,vm,demand_mb" > csv
	for (i = 0; i < n; i++) {
		kind = i % 3; name = sprintf("vm%03d", i)
		peak = 500 + int(rnd() * 400); phase = rnd() * dur
		jstart = 60 + int(rnd() * 340); jmb = 700 + int(rnd() * 400)
		lvl = 100 + int(rnd() * 100)
		for (t = 0; t <= dur; t += step) {
			if (kind == 0) {
				x = (t - phase) / dur * 2 * 3.14159265
				d = 200 + (peak - 200) * (1 + cos(x)) / 2
			} else if (kind == 1) {
				d = (t >= jstart && t < jstart + 200) ? jmb : 150
			} else {
				lvl += int(rnd() * 21) - 10
				if (lvl < 100) lvl = 100
				if (lvl > 200) lvl = 200
				d = lvl
			}
			printf "%d,%s,%d\n", t, name, int(d) > csv
		}
	}
	print "; 20 hosts of 8 GiB (dom0 1 GiB), 200 guests arriving over the first" > ini
	print "; 100 s, their demand from cluster-20x200.csv (web: a compressed day;" > ini
	print "; batch: a 200 s job of 700-1100 MiB; idle: 100-200 MiB). Every guest" > ini
	print "; boots with 384 MiB, so emm, knowing nothing more, packs them on the" > ini
	print "; first hosts; the rest stand by, on. Run: rebalancing every 30 s" > ini
	print "; against none. Written by scripts/gen-cluster-trace.sh." > ini
	print "[cluster]\nduration_s = " dur "\nseed = 20\ntrace = cluster-20x200.csv\nmin_mb = 128\ndirty_mb_s = 8\n" > ini
	for (h = 1; h <= hosts; h++)
		printf "[host pm%02d]\ntotal_mb = 8192\ndom0_mb = 1024\nalways_on = yes\n\n", h > ini
	print "[run static]\nplacement = emm\n" > ini
	print "[run rebalance]\nplacement = emm\nrebalance_s = 30\nhold = 3\nmin_gain_mb = 64\nmax_concurrent = 2\ncooldown_s = 300\n" > ini
	for (i = 0; i < n; i++)
		printf "[guest vm%03d]\nmemory_mb = 384\nstatic_max_mb = 2048\nswap_mb = 1024\nstart_s = %d\nworkload = trace\n\n", i, int(i / 2) > ini
}'
