#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A policy's allocation beside the lagged floor's, per guest and second,
# from the series `membal-sim --csv` writes (<DIR>/<name>.csv and
# <DIR>/<name>.lagged.csv): for every STEP-th second between FROM and TO,
# one line per tick with, for each guest,
#   demand/target/MemTotal/swap | floor's need/allocation/lack   (MiB)
# and the host's free memory last. What scripts/eval-lag.sh sums per guest
# and window, this shows as it happens: which guest holds memory above
# its need while another lacks (docs/evaluation.md, "Session 15: the lag
# (lag15)").
#
#   scripts/eval-side.sh DIR NAME [POLICY [STEP [FROM [TO]]]]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR NAME [POLICY [STEP_S [FROM_S [TO_S]]]]" >&2; exit 2; }
DIR=$1 NAME=$2 POL=${3:-membal} STEP=${4:-10} FROM=${5:-0} TO=${6:-1000000000}
for f in "$DIR/$NAME.csv" "$DIR/$NAME.lagged.csv"; do
	[ -r "$f" ] || { echo "$0: $f: not found (membal-sim --csv -o $DIR)" >&2; exit 1; }
done
awk -F, -v pol="$POL" -v step="$STEP" -v from="$FROM" -v to="$TO" '
function keep(t) { return t >= from && t <= to && int(t) % step == 0 && t == int(t) }
FNR == 1 { file++; next }
file == 1 && $1 == pol && keep($2 + 0) {
	t = $2 + 0; g = $3
	if (!(g in seen)) { seen[g] = 1; names[++ng] = g }
	if (!(t in tseen)) { tseen[t] = 1; times[++nt] = t }
	p[t, g] = sprintf("%.0f/%.0f/%.0f/%.0f", $4, $5, $7, $9)
	free[t] = $11
}
file == 2 && keep($1 + 0) {
	l[$1 + 0, $2] = sprintf("%.0f/%.0f/%.0f", $3, $6, $7)
}
END {
	printf "%-6s", "t"
	for (i = 1; i <= ng; i++) printf " %34s", names[i]
	printf "  free\n%-6s", ""
	for (i = 1; i <= ng; i++) printf " %34s", "dem/tgt/mt/swap|Lneed/Lalloc/Llack"
	printf "\n"
	for (k = 1; k <= nt; k++) {
		t = times[k]
		printf "%-6d", t
		for (i = 1; i <= ng; i++) {
			g = names[i]
			s = ((t, g) in p) ? p[t, g] : "-"
			if ((t, g) in l) s = s "|" l[t, g]
			printf " %34s", s
		}
		printf " %5.0f\n", free[t]
	}
}' "$DIR/$NAME.csv" "$DIR/$NAME.lagged.csv"
