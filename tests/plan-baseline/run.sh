#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run `membalctl plan` on every tests/fixtures/plan/*.csv over a spread of
# options and print, per run, the command, stdout, stderr and exit code.
# Used to show that a snapshot without ws_kb/gap_kb columns takes exactly
# the pre-scarce path (issue 15): run it on the old and new binaries and
# compare the outputs byte for byte.
# usage: run.sh MEMBALCTL FIXTURE_DIR
set -u
ctl=$1 dir=$2
for f in "$dir"/*.csv; do
	for free in 2000000 500000 100000 0 -50000; do
		for opts in "" "--explain" "--explain -v" "--preset static" "--preset self --explain" \
			"--preset paper --explain" "--preset membal --explain -v" "--solver paper -v" \
			"--mode global --explain" "--mode self --explain" "--scarce-cap max --explain" \
			"--free-source free --explain" "--dom0-mode priority --explain -v" \
			"--tau 0 --explain" "--tau 0.9 --epsilon 2 --explain" "--headroom-kb 0 --min-change-kb 0 --explain" \
			"--hysteresis-up 4 --hysteresis-down 1 --explain" "--reserve-kb 0 --explain" \
			"--config $dir/policy.ini --explain -v" "--any-domid --explain"; do
			echo "=== $(basename "$f") --host-free-kb $free $opts"
			# shellcheck disable=SC2086
			"$ctl" plan --host-free-kb "$free" $opts "$f" >/tmp/pb.$$.out 2>/tmp/pb.$$.err
			echo "rc=$?"
			cat /tmp/pb.$$.out; echo "--- stderr"; cat /tmp/pb.$$.err
		done
	done
done
rm -f /tmp/pb.$$.out /tmp/pb.$$.err
