#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build one man page from its hand-written part (man/PAGE.in) and what the
# programs and the shipped configuration say about themselves, so that a
# page cannot drift from the program:
#
#   @USAGE prog [args]@   the usage lines of `prog [args] --help`
#   @HELP prog [args]@    the rest of that --help: paragraphs, and option
#                         lines ("  -x, --long ARG   text") as .TP entries
#   @KEYS file.ini prog@  every section and key of the shipped file with its
#                         default and the comment above it. If `prog
#                         --list-keys` succeeds, its output is used instead:
#                         the same records as keys_tsv below (one line a key:
#                         section TAB key TAB default TAB example TAB text),
#                         so a key table compiled into the program can take
#                         over without touching the pages.
#   @VERSION@ @DATE@
#
# A program without man/PAGE.in gets a page from its --help alone.
#
#   scripts/mkman.sh PAGE OUT      e.g. membal-agent.8 build/man/membal-agent.8
#
# Environment: MEMBAL_BIN (the directory of the built programs),
# MEMBAL_VERSION, SOURCE_DATE_EPOCH (the date in the page; else the last
# commit's, else today's).
set -eu
cd "$(dirname "$0")/.."
page=$1 out=$2
: "${MEMBAL_BIN:=build}"
: "${MEMBAL_VERSION:=0}"
name=${page%.*} sec=${page##*.}
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then epoch=$SOURCE_DATE_EPOCH
else epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s); fi
date=$(date -u -d "@$epoch" +%Y-%m-%d)

help_of() { # prog [args]: its --help on stdout (an error if it has none)
	p=$1; shift
	"$MEMBAL_BIN/$p" "$@" --help 2>&1 || { echo "mkman: $p $* --help failed" >&2; exit 1; }
}

# roff escapes for one line of text: backslash, a leading dot or quote.
ESC='{ gsub(/\\/, "\\e"); sub(/^[.'"'"']/, "\\\\\\&&") }'

usage2roff() { # --help on stdin: the usage lines, one a line
	awk '
	/^usage: / { u = 1; sub(/^usage: /, "") }
	u && NR > 1 && !/^ / && !/^usage/ { exit }
	u && /^ *$/ { exit }
	u && !/^usage/ {
		sub(/^ +/, ""); gsub(/\\/, "\\e"); gsub(/-/, "\\-")
		n = split($0, w, " "); line = "\\fB" w[1] "\\fR"
		for (i = 2; i <= n; i++) line = line " " w[i]
		if (cnt++) print ".br"
		print line
	}'
}

help2roff() { # --help on stdin: prose as paragraphs, option lines as .TP
	awk '
	function esc(s) { gsub(/\\/, "\\e", s); return s }
	function tag(s,   n, w, i, r) { # bold options, italic ARGUMENTS
		n = split(s, w, " "); r = ""
		for (i = 1; i <= n; i++) {
			t = esc(w[i])
			if (t ~ /^-/) { gsub(/-/, "\\-", t); sub(/,$/, "\\fR,", t); t = "\\fB" t; if (t !~ /\\fR,$/) t = t "\\fR" }
			else if (t ~ /^[A-Z][A-Z_.]*[A-Z]$|^[A-Z]$/) t = "\\fI" t "\\fR"
			r = r (i > 1 ? " " : "") t
		}
		return r
	}
	function text(s) { s = esc(s); if (s ~ /^[.'"'"']/) s = "\\&" s; return s }
	BEGIN { state = "start" }
	/^usage: / { inusage = 1; next }
	inusage && /^ +[a-z]/ { next }
	{ inusage = 0 }
	/^ *$/ { if (state != "start") pending = 1; next }
	{ ind = match($0, /[^ ]/) - 1 }
	# an entry: up to 8 spaces, a token, two spaces or more, its text
	ind >= 1 && ind <= 8 {
		line = $0; sub(/^ +/, "", line)
		spec = line; desc = ""
		if (match(line, /  +/)) { spec = substr(line, 1, RSTART - 1); desc = substr(line, RSTART + RLENGTH) }
		if (desc ~ /^-/) { spec = line; gsub(/  +/, "  ", spec); desc = "" }
		print ".TP"; print tag(spec)
		if (desc != "") print text(desc)
		state = "entry"; pending = 0; next
	}
	ind >= 9 && state == "entry" { line = $0; sub(/^ +/, "", line); print text(line); next }
	{
		if (state == "entry" || pending || state == "start") print ".PP"
		line = $0; sub(/^ +/, "", line); print text(line)
		state = "prose"; pending = 0
	}'
}

keys_tsv() { # file.ini: section TAB key TAB default TAB example TAB text
	awk '
	function flush_keys(   i) {
		for (i = 1; i <= nk; i++) print sect "\t" k[i] "\t" d[i] "\t" ex[i] "\t" para
		nk = 0; para = ""
	}
	function addtext(s) { sub(/^[;#] ?/, "", s); gsub(/\t/, " ", s); sub(/ *\(SPEC §[0-9.]+\)/, "", s)
		para = (para == "" ? s : para " " s) }
	/^[;#]+ *$/ { next }
	/^[;#]\[[^]]*\] *$/ { if (nk) flush_keys(); s = $0; sub(/^[;#]\[/, "", s); sub(/\].*/, "", s)
		sub(/ .*/, " NAME", s); if (para != "") print s "\t\t\t\t" para; para = ""; sect = s; next }
	/^[;#] ?[a-z0-9_]+ *= */ { s = $0; sub(/^[;#] ?/, "", s); key = s; sub(/ *=.*/, "", key); v = s; sub(/^[^=]*= */, "", v)
		k[++nk] = key; d[nk] = ""; ex[nk] = v; next }
	/^[;#]/ { if (nk) flush_keys(); addtext($0); next }
	/^\[[^]]*\] *$/ { if (nk) flush_keys()
		if (para != "") print (sect == "" ? "" : sect) "\t\t\t\t" para; para = ""
		sect = $0; sub(/^\[/, "", sect); sub(/\].*/, "", sect); next }
	/^[a-z0-9_]+ *=/ { key = $0; sub(/ *=.*/, "", key); v = $0; sub(/^[^=]*= */, "", v)
		k[++nk] = key; d[nk] = v; ex[nk] = ""; next }
	/^ *$/ { if (nk) flush_keys(); next }
	END { if (nk) flush_keys(); else if (para != "") print sect "\t\t\t\t" para }' "$1"
}

tsv2roff() { # keys_tsv on stdin: intro paragraphs, .SS per section, .TP per key group
	awk -F '\t' '
	function esc(s) { gsub(/\\/, "\\e", s); if (s ~ /^[.'"'"']/) s = "\\&" s; return s }
	function k(s) { gsub(/-/, "\\-", s); return s }
	function flush() {
		if (ntag == 0) return
		print ".TP"; print tags[1]
		for (i = 2; i <= ntag; i++) { print ".TQ"; print tags[i] }
		if (gtext != "") print esc(gtext)
		ntag = 0
	}
	{
		sect = $1; key = $2; def = $3; ex = $4; txt = $5
		if (sect != cursect) { flush(); if (sect != "") print ".SS \"[" esc(sect) "]\""; cursect = sect }
		if (key == "") { flush(); print ".PP"; print esc(txt); next }
		if (ntag > 0 && txt != gtext) flush()
		if (ex != "") t = "\\fB" k(key) "\\fR = \\fI" esc(ex) "\\fR (an example: unset by default)"
		else if (def == "") t = "\\fB" k(key) "\\fR = (empty)"
		else t = "\\fB" k(key) "\\fR = \\fI" esc(def) "\\fR"
		tags[++ntag] = t; gtext = txt
	}
	END { flush() }'
}

keys_of() { # file.ini prog
	if [ -x "$MEMBAL_BIN/$2" ] && "$MEMBAL_BIN/$2" --list-keys >/dev/null 2>&1; then
		"$MEMBAL_BIN/$2" --list-keys
	else keys_tsv "$1"; fi
}

expand() { # the template on stdin
	while IFS= read -r line; do
		case "$line" in
		@USAGE\ *@) args=$(echo "${line#@USAGE }" | sed 's/@$//'); help_of $args | usage2roff ;;
		@HELP\ *@) args=$(echo "${line#@HELP }" | sed 's/@$//'); help_of $args | help2roff ;;
		@KEYS\ *@) args=$(echo "${line#@KEYS }" | sed 's/@$//'); keys_of $args | tsv2roff ;;
		*) printf '%s\n' "$line" | sed "s/@VERSION@/$MEMBAL_VERSION/g; s/@DATE@/$date/g" ;;
		esac
	done
}

default_page() { # a program without man/PAGE.in
	summary=$(help_of "$name" | sed -n '2p')
	cat <<T
.TH ${name} ${sec} "@DATE@" "membal @VERSION@" "membal"
.SH NAME
${name} \\- ${summary}
.SH SYNOPSIS
@USAGE ${name}@
.SH OPTIONS
@HELP ${name}@
.SH SEE ALSO
.BR membal-arbiter (8),
.BR membalctl (1)
T
}

tmp=$out.tmp
mkdir -p "$(dirname "$out")"
if [ -e "man/$page.in" ]; then expand <"man/$page.in" >"$tmp"
else default_page | expand >"$tmp"; fi
mv "$tmp" "$out"
