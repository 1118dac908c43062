#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# When and where a policy's guests were OOM-killed, from the series
# `membal-sim --csv` writes (<DIR>/<name>.csv): the guest model kills a
# guest when its demand (and shmem) first exceeds MemTotal + its swap
# (src/simhost/model.c; a zram swap holds swap_mb * (1 - 1/zram_ratio)
# beyond it, design.md §Guest physics), so each row is a tick where that became true,
# with the tick before it: demand, target and MemTotal (MiB), and the
# time it stayed over. Swap and shmem come from the scenario. At the
# series' tick (1 s by default) two kills a few 100 ms apart show as one;
# the summary table's count is exact. docs/evaluation.md, "Session 10:
# OOM kills (oom10)". The last line sorts the kills by the tick before
# them: a jump (demand rose by 30 MiB or more in one tick), a zero-margin
# creep (demand was already within 5 MiB of MemTotal + swap and rose by
# less: a guest held at its need with nothing above it), a kill at the
# first tick (boot), or other ("Session 16: two guests in danger
# (oom16)").
#
#   scripts/eval-kills.sh SCENARIO.ini DIR [POLICY]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 SCENARIO.ini DIR [POLICY]" >&2; exit 2; }
SC=$1 DIR=$2 POL=${3:-membal}
NAME=$(basename "$SC" .ini)
CSV=$DIR/$NAME.csv
[ -r "$SC" ] || { echo "$0: $SC: not found" >&2; exit 1; }
[ -r "$CSV" ] || { echo "$0: $CSV: not found (membal-sim --csv -o $DIR $SC)" >&2; exit 1; }
awk -F, -v pol="$POL" '
FNR == 1 { file++ }
file == 1 {
	sub(/[;#].*/, ""); gsub(/[ \t\r]/, "")
	if ($0 ~ /^\[guest/) { g = $0; sub(/^\[guest/, "", g); sub(/\]$/, "", g); next }
	if ($0 ~ /^\[/) { g = ""; next }
	if (g != "" && split($0, kv, "=") == 2) {
		if (kv[1] == "swap_mb") swap[g] = kv[2]
		if (kv[1] == "shmem_mb") shm[g] = kv[2]
		if (kv[1] == "swap_kind" && kv[2] == "zram") zram[g] = 1
		if (kv[1] == "zram_ratio") ratio[g] = kv[2]
	}
	next
}
# zram keeps what it swaps compressed in RAM: it holds less than its size
FNR == 1 && file == 2 {
	for (x in zram)
		swap[x] = swap[x] * (1 - 1 / (ratio[x] ? ratio[x] : 3))
}
FNR == 1 { next }
$1 == pol {
	x = $3; over = ($4 + shm[x]) > ($7 + swap[x])
	if (over && !was[x]) {
		n++; kills[x]++
		if (pd[x] == "") boot++
		else if ($4 - pd[x] >= 30) jump++
		else if (pd[x] + shm[x] >= $7 + swap[x] - 5) creep++
		else other++
		printf "%-10s t=%-8s demand %s -> %s target %s MemTotal %s swap %d\n",
		       x, $2, pd[x], $4, $5, $7, swap[x]
		since[x] = $2
	}
	if (!over && was[x])
		printf "%-10s t=%-8s recovered after %d s\n", x, $2, $2 - since[x]
	was[x] = over; pd[x] = $4
}
END {
	for (x in was)
		if (was[x]) printf "%-10s over until the end (since t=%s)\n", x, since[x]
	printf "%d kill(s) in the series of %s\n", n, pol
	# Per guest, with its swap: a shortfall of a guest without swap is a kill,
	# of one with swap it is paging until its swap is full
	# (docs/evaluation.md, "Session 12: OOM kills beside swap (oom12)").
	for (x in kills)
		printf "  %-10s %3d kill(s), swap %d MiB\n", x, kills[x], swap[x]
	printf "kinds: %d jump, %d zero-margin creep, %d boot, %d other\n",
	       jump, creep, boot, other
}' FS='=' "$SC" FS=',' "$CSV"
