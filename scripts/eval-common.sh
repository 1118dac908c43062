# SPDX-License-Identifier: GPL-2.0-only
# Sourced by scripts/eval-*.sh (from the top of the tree): what the
# tables of docs/evaluation.md share.

# The options every table takes, -j N (jobs) and -o DIR (the runs): sets
# JOBS and OUT; EVAL_NOPT is how many arguments they took, for the
# caller's shift (a function cannot shift its caller's arguments).
eval_options() {
	EVAL_NOPT=0
	while [ $# -ge 2 ]; do
		case $1 in
		-j) JOBS=$2 ;;
		-o) OUT=$2 ;;
		*) return 0 ;;
		esac
		shift 2
		EVAL_NOPT=$((EVAL_NOPT + 2))
	done
}

# $SIM (membal-sim, or $MEMBAL_SIM) checked, $OUT made; $1 names the
# caller in the message.
eval_setup() {
	SIM=${MEMBAL_SIM:-build/membal-sim}
	[ -x "$SIM" ] || { echo "$1: $SIM not built (make)" >&2; exit 2; }
	mkdir -p "$OUT"
}

# Every single-host scenario: the multi-host ones ([cluster], [host
# NAME]) are membal-sim's cluster runs, not these tables.
single_host_scenarios() {
	grep -L '^\[cluster\]\|^\[host ' conf/scenarios/*.ini
}
