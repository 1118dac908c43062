#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every `design.md §HEADING` cited in src/ and conf/ names a heading of
# docs/design.md. A reference is the text after the section sign, on one
# line; it is good when a heading of the document is a prefix of it that
# ends at a word boundary (the reference may go on with ")." or ", and").
# Headings inside fenced code blocks are not headings.
set -eu
cd "$(dirname "$0")/../.."
doc=docs/design.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

awk '/^```/ { fence = !fence; next }
     !fence && /^#+ / { sub(/^#+ +/, ""); sub(/ +$/, ""); print }' "$doc" >"$tmp"
if [ ! -s "$tmp" ]; then
	echo "check-design-refs: no heading found in $doc"
	exit 1
fi

grep -rnI --exclude-dir=.git 'design\.md §' src conf | awk -v headings="$tmp" '
BEGIN { while ((getline h < headings) > 0) head[++nh] = h }
{
	# file:line:text; the text may hold several references
	loc = $0; sub(/:[^:]*:.*$/, "", loc)
	n = split($0, parts, ":"); line = parts[2]
	text = $0
	while ((i = index(text, "design.md §")) > 0) {
		text = substr(text, i + length("design.md §"))
		refs++
		ok = 0
		for (k = 1; k <= nh; k++) {
			h = head[k]
			if (substr(text, 1, length(h)) != h)
				continue
			next_ch = substr(text, length(h) + 1, 1)
			if (next_ch == "" || next_ch !~ /[A-Za-z0-9_]/) { ok = 1; break }
		}
		if (!ok) {
			bad++
			printf "%s:%s: no heading of docs/design.md begins \"%s\"\n", loc, line, substr(text, 1, 50)
		}
	}
}
END {
	if (refs == 0) { print "check-design-refs: no reference found in src/ or conf/"; exit 1 }
	if (bad) { printf "check-design-refs: %d of %d references name no heading\n", bad, refs; exit 1 }
	printf "check-design-refs: %d references in src/ and conf/ name headings of docs/design.md\n", refs
}'
