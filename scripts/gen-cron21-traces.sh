#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-21 cron scenario (membal-sim's
# trace format, design.md §Workloads and traces). Deterministic (its own
# LCG), so the committed files are what this prints:
#   scripts/gen-cron21-traces.sh conf/scenarios
#   cron-stop.csv  three swapless crons: k1 every 60 s until its job is
#                  removed at 360 s, k2 every 45 s until 400 s and every
#                  150 s after (its schedule changed), k3 every 60 s all
#                  along; a batch guest with swap that needs much more
#                  from 370 s on, and a steady one
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-cron21-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A cron on vm from t0: every period s a run of 8-12 s to base +
# 170-230 MiB, until t1 (no run starts at or after it); returns the end
# of its last run.
function cron(f, vm, base, period, t0, t1,   t, n, e) {
	t = t0; e = t0
	for (n = t0 + period; n < t1; n += period) {
		noisy(f, vm, base, 6, 15, t, n)
		printf "%d,%s,%d\n", n, vm, base + ri(170, 230) > f
		t = n + ri(8, 12); e = t
	}
	return e
}
BEGIN {
	seed = 2121

	# cron-stop: 900 s
	f = dir "/cron-stop.csv"; hdr(f, "cron-stop.ini: crons that stop or change their schedule")
	e = cron(f, "k1", 100, 60, 0, 361)
	noisy(f, "k1", 100, 6, 15, e, 900)
	e = cron(f, "k2", 110, 45, 0, 401)
	e = cron(f, "k2", 110, 150, e, 900)
	noisy(f, "k2", 110, 6, 15, e, 900)
	e = cron(f, "k3", 90, 60, 0, 900)
	noisy(f, "k3", 90, 6, 15, e, 900)
	noisy(f, "b1", 600, 40, 20, 0, 370)
	noisy(f, "b1", 1300, 60, 20, 370, 900)
	noisy(f, "w1", 350, 30, 30, 0, 900)
}
AWK
