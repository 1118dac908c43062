#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What became of each target write: runs membal-sim once with the
# arbiter's log at info and the simulated time on each line
# (MEMBAL_LOG_TIME), then per policy counts the writes by direction and
# reason and by what came next for the same guest: undone (a raise then
# a cut, or a cut then a raise, within R seconds), followed (the next
# write in the same direction within F seconds: steps one write could
# have made), and cuts within R seconds of the guest's last raise.
# The followed pairs are also split by the cycles that wrote them: R a
# regular cycle (on the interval's grid, INTERVAL_MS, default 1000), E an
# early one (follow-up or slow donors): "+E->R" is a grant an early cycle
# made in part and the regular one completed.
# docs/evaluation.md, "Session 13: writes (writes13)" and "Session 14:
# writes (writes14)".
#
#   [INTERVAL_MS=ms] scripts/eval-writes.sh SCENARIO.ini [POLICIES [R [F]]]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 SCENARIO.ini [POLICIES [R_S [F_S]]]" >&2; exit 2; }
SC=$1 POLS=${2:-membal,paper} R=${3:-5} F=${4:-1.5}
OUT=${OUT:-$(mktemp -d)}
. scripts/eval-common.sh
eval_setup "$0"
name=$(basename "$SC" .ini)
MEMBAL_LOG_TIME=1 "$SIM" "$SC" -p "$POLS" -v -o "$OUT" >/dev/null 2>&1 ||
	{ echo "$0: membal-sim failed (see $OUT)" >&2; exit 1; }
for pol in $(echo "$POLS" | tr , ' '); do
	log=$OUT/$name.$pol.log
	[ -r "$log" ] || { echo "$0: $log: not found" >&2; exit 1; }
	awk -v pol="$pol" -v r="$R" -v f="$F" -v iv="${INTERVAL_MS:-1000}" '
	/: target [0-9]+ -> [0-9]+ KiB/ {
		t = $1 / 1000
		g = ""
		for (i = 1; i <= NF; i++) {
			if ($i == "target" && from == "") { from = $(i + 1); to = $(i + 3) }
			if (g == "" && $i ~ /^\(.*\):$/) g = $i
		}
		why = $NF; sub(/\]$/, "", why)
		if ($0 ~ /withdrawn/) why = "withdrawn"
		d = to + 0 > from + 0 ? "+" : "-"
		k = $1 % iv == 0 ? "R" : "E"
		n++; by[d " " why]++
		if (g in lt) {
			if (t - lt[g] <= r && ld[g] != d) undone++
			if (t - lt[g] <= f && ld[g] == d) { followed++; pair[d lk[g] "->" k]++ }
		}
		if (d == "-" && (g in up) && t - up[g] <= r) cut_after_raise++
		if (d == "+") up[g] = t
		lt[g] = t; ld[g] = d; lk[g] = k; from = ""
	}
	END {
		printf "%s: %d writes; undone within %ss %d, followed within %ss %d, cuts within %ss of a raise %d\n",
			pol, n, r, undone, f, followed, r, cut_after_raise
		printf "  followed, by cycle (R regular, E early):"
		for (p in pair) printf " %s %d", p, pair[p]
		printf "\n"
		for (k in by) printf "  %6d  %s\n", by[k], k | "sort -rn | head -12"
		close("sort -rn | head -12")
	}' "$log"
done
