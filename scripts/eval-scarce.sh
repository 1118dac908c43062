#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Issue 15's "Done when", checked with membal-sim on every single-host
# scenario in conf/scenarios (or the ones named): the presets static, self,
# paper and the default (membal), and `today` (the default with need =
# committed: the policy before the estimated need). One row per scenario:
#
#   least  the default has the least shortfall of the presets (ties count)
#   lag    default / lagged floor <= 1.25 (n/a when the lagged floor is 0)
#   clair  the default is no further from the clairvoyant floor than today
#   oom    the default's OOM kills <= the fewest of static, self and paper
#   writes the default writes no more targets than paper
#
# The last column (no criterion) is the OOM time, summed over the guests:
# how long OOM kept workloads down (killed, waiting for their restart) or
# over (with oom_restart_s = 0: the time over, a kill being an entry into
# that state, whatever it lasted).
#
# A contention scenario is one where static has a shortfall; the others
# are listed with "-" in the criteria. Output: a markdown table on stdout,
# the runs in $OUT (default /tmp/eval-scarce).
#
#   scripts/eval-scarce.sh [-j N] [-o DIR] [SCENARIO.ini ...]
set -eu
cd "$(dirname "$0")/.."
JOBS=2
OUT=${OUT:-/tmp/eval-scarce}
. scripts/eval-common.sh
eval_options "$@"
shift $EVAL_NOPT
eval_setup eval-scarce
TODAY=$OUT/today.ini
printf '[policy]\nneed = committed\n' >"$TODAY"
[ $# -gt 0 ] || set -- $(single_host_scenarios)

echo "| scenario | static | self | paper | membal | today | clairvoyant / lagged floor | membal / clairvoyant (today) | membal / lagged | OOM kills membal (best other) | writes paper → membal | least | lag | clair | oom | writes | OOM time (s): membal / static / self / paper |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|:-:|:-:|:-:|---:|"
fail=0
for sc in "$@"; do
	name=$(basename "$sc" .ini)
	if ! "$SIM" "$sc" -p static,self,paper,membal,"$TODAY" -j "$JOBS" \
		-o "$OUT" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
		echo "| $name | run failed: see $OUT/$name.err |"
		fail=1
		continue
	fi
	lag=$(sed -n 's/^ *lagged floor[^:]*: *\([0-9.]*\) MiB\*s.*/\1/p' "$OUT/$name.out")
	awk -F, -v name="$name" -v lag="${lag:-0}" '
	NR > 1 { s[$1] = $2; fl = $3; oom[$1] = $5; w[$1] = $10; os[$1] = $16 }
	function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "n/a" }
	function mark(ok) { return ok ? "yes" : "**no**" }
	END {
		m = s["membal"]; t = s["today"]
		best = oom["static"]
		if (oom["self"] < best) best = oom["self"]
		if (oom["paper"] < best) best = oom["paper"]
		contention = s["static"] > 0
		least = m <= s["static"] && m <= s["self"] && m <= s["paper"]
		lg = (lag > 0) ? ((m / lag) <= 1.25) : 1
		cl = m <= t
		om = oom["membal"] <= best
		wr = w["membal"] <= w["paper"]
		printf "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f | %s (%s) | %s | %d (%d) | %d → %d |",
		       name, s["static"], s["self"], s["paper"], m, t, fl, lag,
		       ratio(m, fl), ratio(t, fl), ratio(m, lag), oom["membal"], best,
		       w["paper"], w["membal"]
		if (contention)
			printf " %s | %s | %s | %s | %s |", mark(least),
			       ((lag > 0) ? mark(lg) : "n/a"), mark(cl), mark(om), mark(wr)
		else
			printf " - | - | - | - | - |"
		printf " %.0f / %.0f / %.0f / %.0f |\n", os["membal"], os["static"], os["self"], os["paper"]
	}' "$OUT/$name.summary.csv"
done
exit $fail
