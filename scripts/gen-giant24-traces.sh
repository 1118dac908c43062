#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Writes the demand traces of the session-24 scenarios that try to break
# level_keep (a level kept while nobody needs it; membal-sim's trace
# format, design.md §Workloads and traces). Deterministic (its own LCG,
# seed 2024), so the committed files are what this prints:
#   scripts/gen-giant24-traces.sh conf/scenarios
#   giant-pair.csv      two batch guests whose jobs alternate: what one
#                       keeps after its job is what the other's next job
#                       takes, 20-90 s later (once they overlap)
#   giant-newcomer.csv  a batch guest between jobs and the guests created
#                       10 s after two of its jobs end, each needing
#                       3-4 GiB within 20 s (the memory the rule keeps)
set -eu
dir=${1:-conf/scenarios}
awk -v dir="$dir" -v gen="scripts/gen-giant24-traces.sh" \
    -f "$(dirname "$0")/trace-lib.awk" -f /dev/stdin <<'AWK'
# A job of vm: from lo, ramped to top over [t0, t0 + 15), held with noise
# until t1, then lo again (released at once).
function job(f, vm, lo, top, t0, t1) {
	ramp(f, vm, lo, top, t0, t0 + 15, 1)
	noisy(f, vm, top, 40, 10, t0 + 15, t1)
}
BEGIN {
	seed = 2024

	# giant-pair: 1800 s. g1, g2 (2 GiB of swap, static-max 10 GiB) idle
	# at 600 MiB; their jobs (150-250 s at 4500-5500 MiB) alternate, the
	# next one starting 20-90 s after the last ended; the fourth starts
	# 40 s before the third ends (both at their tops: the host short).
	f = dir "/giant-pair.csv"; hdr(f, "giant-pair.ini: two batch guests whose jobs alternate")
	t = 0; nx = 60; who = 1; k = 0; last1 = 0; last2 = 0
	while (nx < 1700) {
		vm = "g" who
		len = ri(150, 250); top = ri(4500, 5500)
		end = nx + len; if (end > 1800) end = 1800
		if (who == 1) { noisy(f, vm, 600, 20, 10, last1, nx); last1 = end }
		else { noisy(f, vm, 600, 20, 10, last2, nx); last2 = end }
		job(f, vm, 600, top, nx, end)
		k++
		nx = (k == 3) ? end - 40 : end + ri(20, 90)
		who = 3 - who
	}
	noisy(f, "g1", 600, 20, 10, last1, 1800)
	noisy(f, "g2", 600, 20, 10, last2, 1800)

	# giant-newcomer: 1800 s. big (2 GiB of swap, static-max 12 GiB):
	# idle at 700, jobs at 60, 400, 760, 1100 and 1450 s (5000-6500 MiB,
	# 230-250 s). n1 (created at 310 s, 10 s after big's first job ends,
	# destroyed at 390 s) climbs to 2600 MiB within 20 s; n2 (created at
	# 1010 s, 10 s after the third ends, destroyed at 1090 s) to 3500.
	f = dir "/giant-newcomer.csv"; hdr(f, "giant-newcomer.ini: guests created as a batch guest's job ends")
	split("60 400 760 1100 1450", js, " ")
	t = 0
	for (j = 1; j <= 5; j++) {
		noisy(f, "big", 700, 20, 10, t, js[j])
		t = js[j] + ri(230, 250)
		job(f, "big", 700, ri(5000, 6500), js[j], t)
	}
	noisy(f, "big", 700, 20, 10, t, 1800)
	ramp(f, "n1", 200, 2600, 310, 330, 1)
	noisy(f, "n1", 2600, 30, 10, 330, 390)
	ramp(f, "n2", 200, 3500, 1010, 1030, 1)
	noisy(f, "n2", 3500, 30, 10, 1030, 1090)
}
AWK
