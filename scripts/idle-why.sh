#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Where issue 14's `idle` cell comes from: per guest, the idle memory
# held (mean MiB over the run, design.md §Metrics (per guest, summed over
# the managed guests per run)) under `headroom = fixed` (the membal preset)
# and `headroom = learned`, with each guest's shortfall, swap-in, OOM
# kills and target writes, the guests sorted by how much more idle memory
# `learned` holds. One membal-sim run (-g) per scenario. The table's
# `idle` figure is the sum of this column; a guest that holds more under
# `learned` while its OOM kills differ is usually holding an OOM-raised
# minimum or the learned gap's OOM floor for oom_hold_s
# (docs/evaluation.md, "Session 17: the learned gap that holds more
# (gap17)").
#
#   scripts/idle-why.sh [-c BASE.ini] [-o DIR] SCENARIO.ini ...
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/idle-why}
BASE=
while [ $# -gt 0 ]; do
	case $1 in
	-c) BASE=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-c BASE.ini] [-o DIR] SCENARIO.ini ..." >&2; exit 2; }
. scripts/eval-common.sh
eval_setup idle-why

echo "| scenario | guest | idle MiB fixed / learned (diff) | shortfall MiB·s | swap-in MiB | OOM kills | writes |"
echo "|---|---|--:|--:|--:|--:|--:|"
for sc in "$@"; do
	name=$(basename "$sc" .ini)
	"$SIM" "$sc" -p membal,learned -g -j 1 ${BASE:+-c "$BASE"} -o "$OUT" \
		>"$OUT/$name.out" 2>"$OUT/$name.err" || {
		echo "| $name | run failed: see $OUT/$name.err |"
		continue
	}
	# The run's length: the summary's idle mean over the guests' integrals.
	awk -F, -v name="$name" -v sum="$OUT/$name.summary.csv" '
	BEGIN {
		while ((getline l < sum) > 0) {
			split(l, f, ",")
			if (f[1] == "membal") idle_mean = f[9]
		}
	}
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["managed"] == 1 {
		g = $col["guest"]; p = $col["policy"]
		if (!(g in seen)) { seen[g] = 1; order[++n] = g }
		idle[p, g] = $col["idle_mibs"]; sf[p, g] = $col["shortfall_mibs"]
		sw[p, g] = $col["swapin_mib"]; k[p, g] = $col["oom_kills"]
		w[p, g] = $col["target_writes"]
		if (p == "membal") tot += $col["idle_mibs"]
	}
	END {
		dur = idle_mean > 0 ? tot / idle_mean : 1
		for (i = 1; i <= n; i++) {
			g = order[i]
			d[i] = (idle["learned", g] - idle["membal", g]) / dur
		}
		for (i = 1; i <= n; i++)            # by the difference, largest first
			for (j = i + 1; j <= n; j++)
				if (d[j] > d[i]) {
					t = d[i]; d[i] = d[j]; d[j] = t
					t = order[i]; order[i] = order[j]; order[j] = t
				}
		for (i = 1; i <= n; i++) {
			g = order[i]
			printf "| %s | %s | %.1f / %.1f (%+.1f) | %.0f / %.0f | %.0f / %.0f | %d / %d | %d / %d |\n",
			       name, g, idle["membal", g] / dur, idle["learned", g] / dur, d[i],
			       sf["membal", g], sf["learned", g], sw["membal", g], sw["learned", g],
			       k["membal", g], k["learned", g], w["membal", g], w["learned", g]
		}
	}' "$OUT/$name.guests.csv"
done
