#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run test binaries (built with ASan + UBSan), one after the other, and
# summarise. A test's output is shown in full only when it fails, so that a
# green run stays readable and a red one says everything.
set -u
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
pass=0; fail=0; failed=""
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$@"; do
	name=$(basename "$t")
	start=$(date +%s.%N)
	if "$t" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'PASS %-32s %6.2fs\n' "$name" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')"
	else
		rc=$?
		fail=$((fail + 1)); failed="$failed $name"
		printf 'FAIL %-32s (exit %d)\n' "$name" "$rc"
		sed 's/^/    /' "$log"
	fi
done
echo "tests: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ "$fail" -eq 0 ]
