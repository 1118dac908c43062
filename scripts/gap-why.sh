#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Why `headroom = learned` did (or did not) move a guest's gap: one
# membal-sim run per scenario under the `learned` preset at log level
# debug, and per guest the arbiter's "gap step" lines summed up
# (design.md §The learned gap; docs/evaluation.md "Session 11: why
# learned = fixed (gap11)" used it):
#
#   reports   gap steps seen (fresh reports and heartbeats)
#   scarce .. the share frozen for that reason (scarce, walk, grant,
#             pressure, unreached; undecided and skipped in "other")
#   beat      heartbeats (a step without credit, or none without a chain)
#   judged    fresh learning steps judged (prize + fined)
#   fined     of those, fined (page-in or file refaults)
#   ramp      of those, on a ramp (W rose at this report and the last:
#             gap_ramp_hold allows no cut)
#   expl      explorations taken
#   gap min   the smallest chosen gap and gap in effect (MiB)
#   gap max   the largest chosen gap and the largest gap the policy
#             was given (after the bounds and the band; MiB): above
#             gap_start (64) only through the OOM floor (gap_min +
#             oom_bump for oom_hold_s after a kill) or a gap_max_mb
#             above gap_start
#   rises     one-report rises of W (fresh reports), and how many of
#             them were >= gap_start (RISE_KB, default 64 MiB): a gap
#             cut below such a rise is swap-in or, swapless, an OOM kill
#
#   scripts/gap-why.sh [-c BASE.ini] [-o DIR] SCENARIO.ini ...
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gap-why}
BASE=
RISE_KB=${RISE_KB:-65536}
while [ $# -gt 0 ]; do
	case $1 in
	-c) BASE=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-c BASE.ini] [-o DIR] SCENARIO.ini ..." >&2; exit 2; }
. scripts/eval-common.sh
eval_setup gap-why

echo "| scenario | guest | reports | scarce | walk | grant | pressure | unreached | other | beat | judged | fined | ramp | expl | gap min (chosen / in effect) | gap max (chosen / given) | rises (>= start) |"
echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
for sc in "$@"; do
	name=$(basename "$sc" .ini)
	"$SIM" "$sc" -p learned -j 1 -l debug ${BASE:+-c "$BASE"} -o "$OUT" \
		>"$OUT/$name.out" 2>"$OUT/$name.err" || {
		echo "| $name | run failed: see $OUT/$name.err |"
		continue
	}
	grep ': gap step ' "$OUT/$name.learned.log" |
	sed 's/.*(\([^)]*\)): gap step \([a-z]*\)\( [a-z]*\)\{0,1\}:/\1 \2\3 :/' |
	awk -v name="$name" -v rise="$RISE_KB" '
	{
		g = $1; out = $2; why = $3 == ":" ? "" : $3
		for (i = 3; i < NF; i++) {
			if ($i == "ws") ws = $(i + 1)
			if ($i == "gap" && $(i + 1) ~ /^[0-9]/) cg = $(i + 1)
			if ($i == "effect") ug = $(i + 1)
			if ($i == "given") gv = $(i + 1)
			if ($i == "explores") ex = $(i + 1)
			if ($i == "ramp") rp = $(i + 1)
		}
		if (!(g in n)) { order[++ng] = g; gmin[g] = gmax[g] = cg; umin[g] = ug; vmax[g] = gv }
		n[g]++
		if (out == "frozen")
			fr[g, (why ~ /^(scarce|walk|grant|pressure|unreached)$/) ? why : "other"]++
		else if (out == "heartbeat") beat[g]++
		else if (out == "prize" || out == "fined") {
			judged[g]++
			if (out == "fined") fined[g]++
			if (rp > 0) ramp[g]++
		}
		if (out != "heartbeat") {
			if ((g in pw) && ws > pw[g]) {
				r[g]++
				if (ws - pw[g] >= rise) big[g]++
			}
			pw[g] = ws
		}
		if (cg < gmin[g]) gmin[g] = cg
		if (ug < umin[g]) umin[g] = ug
		if (cg > gmax[g]) gmax[g] = cg
		if (gv > vmax[g]) vmax[g] = gv
		if (ex > expl[g]) expl[g] = ex
	}
	function pct(x) { return sprintf("%.0f %%", 100 * x / n[g]) }
	END {
		for (i = 1; i <= ng; i++) {
			g = order[i]
			printf "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d / %d | %d / %d | %d (%d) |\n",
			       name, g, n[g], pct(fr[g, "scarce"]), pct(fr[g, "walk"]),
			       pct(fr[g, "grant"]), pct(fr[g, "pressure"]),
			       pct(fr[g, "unreached"]), pct(fr[g, "other"]), beat[g],
			       judged[g], fined[g], ramp[g], expl[g], gmin[g] / 1024,
			       umin[g] / 1024, gmax[g] / 1024, vmax[g] / 1024, r[g], big[g]
		}
	}'
done
