#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Issue 14's "Done when", checked with membal-sim on every single-host
# scenario in conf/scenarios (or the ones named): `headroom = fixed`
# (the membal preset), `headroom = learned` (the `learned` policy) and,
# with -l, seed 003's listing (`literal`). One row per scenario, each cell
# fixed / learned [/ literal], then the criteria, learned against fixed:
#
#   idle   learned holds less idle memory (mean, MiB, to 0.1)
#   short  no more shortfall (MiB*s, to 0.1)
#   swap   no more swap-in (MiB, to 0.1)
#   oom    no more OOM kills
#   writes no more target writes
#   all    all five
#
# Output: a markdown table on stdout, the runs in $OUT (default
# /tmp/eval-gap). design.md §The learned gap; docs/evaluation.md
# §The learned gap holds the last table.
#
#   scripts/eval-gap.sh [-j N] [-l] [-c BASE.ini] [-o DIR] [SCENARIO.ini ...]
#
# -c: a base arbiter.ini under both policies (membal-sim -c), e.g. a
# [policy] section with a learner tunable to sweep.
set -eu
cd "$(dirname "$0")/.."
JOBS=1
LIT=
BASE=
OUT=${OUT:-/tmp/eval-gap}
while [ $# -gt 0 ]; do
	case $1 in
	-j) JOBS=$2; shift 2 ;;
	-l) LIT=,literal; shift ;;
	-c) BASE=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	*) break ;;
	esac
done
. scripts/eval-common.sh
eval_setup eval-gap
[ $# -gt 0 ] || set -- $(single_host_scenarios)

echo "| scenario | shortfall (MiB·s) | idle held (MiB, mean) | swap-in (MiB) | OOM kills | target writes | idle | short | swap | oom | writes | all |"
echo "|---|---|---|---|---|---|:-:|:-:|:-:|:-:|:-:|:-:|"
fail=0
for sc in "$@"; do
	name=$(basename "$sc" .ini)
	if ! "$SIM" "$sc" -p membal,learned$LIT -j "$JOBS" ${BASE:+-c "$BASE"} \
		-o "$OUT" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
		echo "| $name | run failed: see $OUT/$name.err |"
		fail=1
		continue
	fi
	awk -F, -v name="$name" -v lit="$LIT" '
	NR > 1 { s[$1] = $2; sw[$1] = $4; oom[$1] = $5; idle[$1] = $9; w[$1] = $10 }
	function cell(a, fmt) {
		c = sprintf(fmt " / " fmt, a["membal"], a["learned"])
		if (lit != "")
			c = c sprintf(" / " fmt, a["literal"])
		return c
	}
	function mark(ok) { return ok ? "yes" : "**no**" }
	END {
		i = idle["learned"] < idle["membal"]
		sh = s["learned"] <= s["membal"]
		si = sw["learned"] <= sw["membal"]
		o = oom["learned"] <= oom["membal"]
		wr = w["learned"] <= w["membal"]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
		       name, cell(s, "%.0f"), cell(idle, "%.1f"), cell(sw, "%.0f"),
		       cell(oom, "%d"), cell(w, "%d"), mark(i), mark(sh), mark(si),
		       mark(o), mark(wr), mark(i && sh && si && o && wr)
	}' "$OUT/$name.summary.csv"
done
exit $fail
