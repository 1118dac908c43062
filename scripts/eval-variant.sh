#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Issue 15's table for a variant of the default preset, at a fifth of
# eval-scarce.sh's cost: only the variant runs (membal-sim -p PRESET, a
# preset file over the defaults, e.g. "[policy]\npeak_hold = yes"),
# and its shortfall, OOM kills, writes and OOM time replace membal's in
# BASE (a table from eval-scarce.sh on the same build and scenarios);
# the cells are recomputed against BASE's static, self, paper, today and
# lagged floor, which a key of the default preset cannot move. Output:
# eval-scarce.sh's table (compare with scripts/eval-cmp.py BASE NEW).
#
#   scripts/eval-variant.sh [-j N] [-o DIR] BASE.md PRESET.ini [SCENARIO.ini ...]
set -eu
cd "$(dirname "$0")/.."
JOBS=1
OUT=${OUT:-/tmp/eval-variant}
. scripts/eval-common.sh
eval_options "$@"
shift $EVAL_NOPT
[ $# -ge 2 ] || { echo "usage: $0 [-j N] [-o DIR] BASE.md PRESET.ini [SCENARIO.ini ...]" >&2; exit 2; }
BASE=$1 PRESET=$2
shift 2
eval_setup eval-variant
[ $# -gt 0 ] || set -- $(single_host_scenarios)
pname=$(basename "$PRESET" .ini)

sed -n '1,2p' "$BASE"
fail=0
for sc in "$@"; do
	name=$(basename "$sc" .ini)
	if ! "$SIM" "$sc" -p "$PRESET" -j "$JOBS" -o "$OUT" \
		>"$OUT/$name.out" 2>"$OUT/$name.err"; then
		echo "| $name | run failed: see $OUT/$name.err |"
		fail=1
		continue
	fi
	row=$(grep "^| $name |" "$BASE" || true)
	[ -n "$row" ] || { echo "| $name | not in $BASE |"; continue; }
	awk -F, -v row="$row" -v p="$pname" '
	NR > 1 && $1 == p { m = $2; oom = $5; w = $10; os = $16 }
	function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "n/a" }
	function mark(ok) { return ok ? "yes" : "**no**" }
	function num(s) { gsub(/[^0-9.]/, "", s); return s + 0 }
	END {
		n = split(row, c, "|")
		for (i = 1; i <= n; i++) { gsub(/^ +| +$/, "", c[i]) }
		name = c[2]; st = num(c[3]); se = num(c[4]); pa = num(c[5]); t = num(c[7])
		split(c[8], f, "/"); fl = num(f[1]); lag = num(f[2])
		split(c[11], ob, "("); best = num(ob[2])
		split(c[12], wp, "→"); wpa = num(wp[1])
		split(c[18], ot, "/")
		contention = st > 0
		least = m <= st && m <= se && m <= pa
		lg = (lag > 0) ? ((m / lag) <= 1.25) : 1
		printf "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f | %s (%s) | %s | %d (%d) | %d → %d |",
		       name, st, se, pa, m, t, fl, lag, ratio(m, fl), ratio(t, fl),
		       ratio(m, lag), oom, best, wpa, w
		if (contention)
			printf " %s | %s | %s | %s | %s |", mark(least),
			       ((lag > 0) ? mark(lg) : "n/a"), mark(m <= t), mark(oom <= best), mark(w <= wpa)
		else
			printf " - | - | - | - | - |"
		printf " %.0f /%s/%s/%s |\n", os, ot[2], ot[3], ot[4]
	}' "$OUT/$name.summary.csv"
done
exit $fail
