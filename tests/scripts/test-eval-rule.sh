#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# scripts/eval-cmp.py --rule against fixture tables (tests/scripts/fixtures:
# five rows of session 25's base tables, each variant one edit of them):
# each case checks the exit status, the number of violations and the
# violation expected, so a rule that misses one, or flags what the rule
# allows (a gain within the band, a cell no -> yes, a `short` cell of
# issue 14's), fails here.
set -eu
cd "$(dirname "$0")/../.."
F=tests/scripts/fixtures
command -v python3 >/dev/null 2>&1 || {
	echo "test-eval-rule: python3 missing (scripts/install-deps.sh installs it)" >&2
	exit 1
}
fail=0 n=0
# case NAME RC VIOLATIONS PATTERN -- ARGS...: PATTERN (grep -F) must be
# one of the output's lines; "-" for none
case_() {
	name=$1 rc=$2 nv=$3 pat=$4
	shift 5
	n=$((n + 1))
	set +e
	out=$(scripts/eval-cmp.py --rule "$@" 2>&1)
	got=$?
	set -e
	v=$(printf '%s\n' "$out" | grep -c '^violation' || true)
	if [ "$got" != "$rc" ] || [ "$v" != "$nv" ] ||
	   { [ "$pat" != - ] && ! printf '%s\n' "$out" | grep -qF -- "$pat"; }; then
		echo "FAIL $name: exit $got (want $rc), $v violations (want $nv), want line: $pat"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
}
es="$F/base-es.md"
eg="$F/base-eg.md"
case_ same        0 0 "verdict: PASS" -- $es $F/es-same.md
case_ same-both   0 0 "verdict: PASS" -- $es $F/es-same.md $eg $F/eg-same.md
# slow-donors-climb 0 -> 1 (band 1), tiny-huge 6 -> 5: the total equal
case_ within      0 0 "OOM kills 79 -> 79 (+0)" -- $es $F/es-within.md
# slow-donors-climb 0 -> 2 beyond its band; tiny-huge's `oom` no -> yes
case_ beyond      1 1 "violation (kills): issue 15 slow-donors-climb: kills 0 -> 2 (+2, band 1.0)" -- $es $F/es-beyond.md
case_ beyond-back 1 1 "failing cells 5 -> 4 (1 no -> yes)" -- $es $F/es-beyond.md
# restart-storm 71 -> 82: within its band (16.9), but the total rises
case_ total       1 1 "violation (total): issue 15 total kills 79 -> 90 (+11)" -- $es $F/es-total.md
case_ cell        1 1 "violation (cell): issue 15 backup-cache \`lag\` yes -> no: membal / lagged 1.300 against 1.25" -- $es $F/es-cell.md
case_ near        1 1 "858 writes against paper's 854 (near-tie)" -- $es $F/es-near.md
case_ near-lead   1 1 "the lead decides" -- $es $F/es-near.md
case_ missing     1 1 "violation (row): issue 15 demo: not run in the new table" -- $es $F/es-missing.md
case_ failed      1 1 "violation (row): issue 15 tiny-huge: run failed in the new table" -- $es $F/es-failed.md
# issue 14: `idle` and `all` judged, the other cells not
case_ gap-idle    1 2 "violation (cell): issue 14 demo \`all\` yes -> no: idle 157.0 against fixed's 156.9 MiB (near-tie)" -- $es $F/es-same.md $eg $F/eg-idle.md
case_ gap-short   0 0 "verdict: PASS" -- $es $F/es-same.md $eg $F/eg-short.md
case_ gap-writes  1 1 "violation (cell): issue 14 demo \`all\` yes -> no: writes 600 against 539" -- $es $F/es-same.md $eg $F/eg-writes.md
# issue 14's table run on the rows whose idle or all is yes only
case_ gap-partial 0 0 "2 rows not run whose \`idle\` and \`all\` are no in the base" -- $es $F/es-same.md $eg $F/eg-partial.md
case_ gap-missing 1 1 "violation (row): issue 14 demo: not run in the new table" -- $es $F/es-same.md $eg $F/eg-missing.md
# both tables' violations in one verdict
case_ both        1 2 "verdict: FAIL (2 cell)" -- $es $F/es-cell.md $eg $F/eg-writes.md
# tables swapped: an eval-gap table where eval-scarce's is wanted
case_ kind        2 0 "is an eval-gap table, not eval-scarce" -- $eg $F/es-same.md
[ $fail = 0 ] && echo "test-eval-rule: $n cases passed"
exit $fail
