#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Where a policy's shortfall accrues against the lagged floor's, from the
# series `membal-sim --csv` writes: <DIR>/<name>.csv (the policies) and
# <DIR>/<name>.lagged.csv (the lagged floor's allocation at the same
# ticks). Prints the shortfall per guest, then per window of W seconds
# (default 60), policy beside floor, in MiB*s summed over the ticks (the
# series' tick: 1 s by default, so close to but not the 100 ms totals of
# the summary table). docs/evaluation.md, "Session 9: where the lag goes
# (lag)".
#
#   scripts/eval-lag.sh DIR NAME [POLICY [W]]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR NAME [POLICY [WINDOW_S]]" >&2; exit 2; }
DIR=$1 NAME=$2 POL=${3:-membal} W=${4:-60}
for f in "$DIR/$NAME.csv" "$DIR/$NAME.lagged.csv"; do
	[ -r "$f" ] || { echo "$0: $f: not found (membal-sim --csv -o $DIR)" >&2; exit 1; }
done
awk -F, -v pol="$POL" -v w="$W" '
FNR == 1 { file++; next }
file == 1 && $1 == pol {
	s = $4 - $7; if (s < 0) s = 0
	g[$3] += s; win[int($2 / w)] += s; guests[$3] = 1
}
file == 2 {
	lg[$2] += $7; lwin[int($1 / w)] += $7; guests[$2] = 1
}
END {
	printf "%-12s %12s %12s\n", "guest", pol, "lagged"
	for (x in guests)
		printf "%-12s %12.0f %12.0f\n", x, g[x], lg[x]
	printf "\n%-12s %12s %12s %12s\n", "window (s)", pol, "lagged", "difference"
	for (k = 0; k <= 100000; k++) {
		if (!(k in win) && !(k in lwin))
			continue
		if (win[k] < 1 && lwin[k] < 1)
			continue
		printf "%5d-%-6d %12.0f %12.0f %12.0f\n", k * w, (k + 1) * w,
		       win[k], lwin[k], win[k] - lwin[k]
	}
}' "$DIR/$NAME.csv" "$DIR/$NAME.lagged.csv"
