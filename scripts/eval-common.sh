# SPDX-License-Identifier: GPL-2.0-only
# Sourced by scripts/eval-*.sh (from the top of the tree): what the
# tables of docs/evaluation.md share.

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
