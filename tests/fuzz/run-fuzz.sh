#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run libFuzzer targets and print one line of figures per target. Used by
# `make fuzz` (long runs, corpus kept) and `make fuzz-smoke` (the seed
# corpus once, regressions included, then a moment of fuzzing into a
# scratch directory). Exit status 1 if any target crashed, leaked, timed
# out or broke a property.
#
#   run-fuzz.sh [--smoke] [--jobs N] --seconds S --bin DIR
#               [--corpus DIR] [--artifacts DIR] TARGET...
#
# --jobs runs N targets at once (each still gets S seconds).
set -u
smoke=0 seconds=60 bin= corpus= artifacts= jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--jobs) jobs=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--bin) bin=$2; shift ;;
	--corpus) corpus=$2; shift ;;
	--artifacts) artifacts=$2; shift ;;
	*) break ;;
	esac
	shift
done
here=$(dirname "$0")
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One target; its line of figures goes to $scratch/$t.line, its exit
# status to $scratch/$t.rc.
run_one() {
	local t=$1 seeds="$here/corpus/$1" out art dict= log start end rc
	if [ $smoke = 1 ]; then
		out="$scratch/$t"; art="$scratch/$t-"
	else
		out="$corpus/$t"; art="$artifacts/$t/"
		mkdir -p "$art"
	fi
	mkdir -p "$out" "$seeds"
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	log="$scratch/$t.log"
	start=$(date +%s)
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: a leak.
	"$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art" $dict \
		"$out" "$seeds" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	local last execs rate rss result
	last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
	field() { printf '%s\n' "$last" | sed -n "s/.* $1: \([^ ]*\).*/\1/p"; }
	execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: //p' "$log")
	result=ok
	[ $rc = 0 ] || result="FAILED (exit $rc)"
	printf '%-13s %6s %11s %8s %6s %7s %13s %6s  %s\n' "$t" "$((end - start))" \
		"${execs:--}" "${rate:--}" "$(field cov)" "$(field ft)" "$(field corp)" \
		"${rss:--}M" "$result" >"$scratch/$t.line"
	if [ $rc != 0 ]; then
		grep -E 'ERROR|property violated|runtime error|SUMMARY|Test unit written|^    #[0-9]' "$log" |
			head -40 | sed 's/^/    /' >>"$scratch/$t.line"
	fi
	echo $rc >"$scratch/$t.rc"
	echo $((end - start)) >"$scratch/$t.secs"
}

running=0
for t in "$@"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

printf '%-13s %6s %11s %8s %6s %7s %13s %6s  %s\n' target seconds execs exec/s cov ft corpus rss result
failed="" total=0
for t in "$@"; do
	cat "$scratch/$t.line"
	[ "$(cat "$scratch/$t.rc")" = 0 ] || failed="$failed $t"
	total=$((total + $(cat "$scratch/$t.secs")))
done
echo "fuzz: ${total}s of fuzzing in all${failed:+; FAILED:$failed}"
[ -z "$failed" ]
