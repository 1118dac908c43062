#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# How much of a table's per-row OOM kills and cells is chaos: the default
# preset (or `learned`) rerun under perturbations that should not matter,
# and each row's spread against the base table (docs/evaluation.md,
# "Session 24: how much is chaos (chaos24)", has the figures and the
# noise band read from them).
#
#   scripts/eval-chaos.sh [-j N] [-o DIR] scarce BASE.md [SCENARIO.ini ...]
#   scripts/eval-chaos.sh [-j N] [-o DIR] gap BASE.md [SCENARIO.ini ...]
#
# scarce: BASE.md is eval-scarce.sh's table of the same build
# ($MEMBAL_SIM). Each perturbation is a preset over the defaults, run by
# scripts/eval-variant.sh into DIR/es-NAME.md (its runs in DIR/run-NAME):
#   null        nothing changed: must give BASE's rows to the digit (the
#               simulator is deterministic; a row that moves here means
#               BASE is of another build)
#   settle±1p   settle_min_kb 1024 -> 1028 / 1020 (one page)
#   resv±1m     reserve_mb 72 -> 73 / 71 (one MiB: the key's unit)
# CHAOS_VARIANTS replaces the list: space-separated NAME=SECTION:KEY=VALUE,
# e.g. CHAOS_VARIANTS="tol+1p=daemon:target_tolerance_kb=1028" (moved
# nothing on 81 rows in session 24) or "gap+1m=policy:headroom_mb=65".
# Each variant costs what eval-variant.sh does, a fifth of eval-scarce.sh.
#
# gap: BASE.md is eval-gap.sh's table (with or without -l) of the same
# build. `learned` is run with gap_seed 1 (the default: must give BASE's
# learned column), 2, 3, 4 and 5 (membal-sim -p learned -c SEED.ini) into
# DIR/eg-seedN.md, eval-gap.sh's table with fixed's figures taken from
# BASE (a seed moves only `learned`); the cells are eval-gap.sh's against
# those figures, shortfall and swap-in as printed (to the MiB·s, the
# MiB), so a tie within the rounding counts as no more. CHAOS_SEEDS
# replaces "1 2 3 4 5".
#
# Scenarios named run in the order given: put the rows with the most
# kills first, and a run cut short still covers the ones that matter.
# Last, scripts/eval-chaos.py BASE.md and this run's tables print, per
# variant, the kills, the rows that gain or lose them and the cells
# flipped; per row that moved, the base's kills, each variant's and the
# spread; and how many rows moved by how much (it reads only the
# tables, so it can be rerun alone on them).
set -eu
cd "$(dirname "$0")/.."
JOBS=1
OUT=${OUT:-/tmp/eval-chaos}
. scripts/eval-common.sh
eval_options "$@"
shift $EVAL_NOPT
[ $# -ge 2 ] || { echo "usage: $0 [-j N] [-o DIR] scarce|gap BASE.md [SCENARIO.ini ...]" >&2; exit 2; }
MODE=$1 BASE=$2
shift 2
case $MODE in
scarce|gap) ;;
*) echo "$0: mode '$MODE' is neither scarce nor gap" >&2; exit 2 ;;
esac
[ -r "$BASE" ] || { echo "$0: $BASE: not readable" >&2; exit 2; }
eval_setup eval-chaos
[ $# -gt 0 ] || set -- $(single_host_scenarios)
fail=0 tables=

if [ "$MODE" = scarce ]; then
	VARIANTS=${CHAOS_VARIANTS:-"null=policy: settle+1p=policy:settle_min_kb=1028 settle-1p=policy:settle_min_kb=1020 resv+1m=policy:reserve_mb=73 resv-1m=policy:reserve_mb=71"}
	for spec in $VARIANTS; do
		name=${spec%%=*} rest=${spec#*=}
		section=${rest%%:*} kv=${rest#*:}
		ini=$OUT/$name.ini
		if [ -n "$kv" ]; then
			printf '[%s]\n%s = %s\n' "$section" "${kv%%=*}" "${kv#*=}" >"$ini"
		else
			printf '[%s]\n' "$section" >"$ini"
		fi
		# eval-variant.sh reads $MEMBAL_SIM itself
		scripts/eval-variant.sh -j "$JOBS" -o "$OUT/run-$name" "$BASE" "$ini" "$@" \
			>"$OUT/es-$name.md" || fail=1
		tables="$tables $OUT/es-$name.md"
	done
	scripts/eval-chaos.py "$BASE" $tables || fail=1
	exit $fail
fi

for seed in ${CHAOS_SEEDS:-1 2 3 4 5}; do
	ini=$OUT/seed$seed.ini run=$OUT/run-seed$seed
	printf '[policy]\ngap_seed = %s\n' "$seed" >"$ini"
	mkdir -p "$run"
	{
		sed -n '1,2p' "$BASE"
		for sc in "$@"; do
			name=$(basename "$sc" .ini)
			if ! "$SIM" "$sc" -p learned -c "$ini" -j "$JOBS" -o "$run" \
				>"$run/$name.out" 2>"$run/$name.err"; then
				echo "| $name | run failed: see $run/$name.err |"
				fail=1
				continue
			fi
			row=$(grep "^| $name |" "$BASE" || true)
			[ -n "$row" ] || { echo "| $name | not in $BASE |"; continue; }
			awk -F, -v name="$name" -v row="$row" '
			NR > 1 && $1 == "learned" { s = $2; sw = $4; oom = $5; idle = $9; w = $10 }
			function first(cell) { split(cell, v, "/"); gsub(/[^0-9.]/, "", v[1]); return v[1] + 0 }
			function mark(ok) { return ok ? "yes" : "**no**" }
			END {
				split(row, c, "|")
				fs = first(c[3]); fi = first(c[4]); fsw = first(c[5])
				fo = first(c[6]); fw = first(c[7])
				ls = sprintf("%.0f", s) + 0; lsw = sprintf("%.0f", sw) + 0
				i = idle < fi; sh = ls <= fs; si = lsw <= fsw; o = oom <= fo; wr = w <= fw
				printf "| %s | %.0f / %.0f | %.1f / %.1f | %.0f / %.0f | %d / %d | %d / %d | %s | %s | %s | %s | %s | %s |\n",
				       name,
				       fs, s, fi, idle, fsw, sw, fo, oom, fw, w,
				       mark(i), mark(sh), mark(si), mark(o), mark(wr),
				       mark(i && sh && si && o && wr)
			}' "$run/$name.summary.csv"
		done
	} >"$OUT/eg-seed$seed.md"
	tables="$tables $OUT/eg-seed$seed.md"
done
scripts/eval-chaos.py "$BASE" $tables || fail=1
exit $fail
