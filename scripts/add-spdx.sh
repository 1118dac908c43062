#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Put membal's license identifier at the top of every source file, or with
# --check list the files without one (exit 1 if any). Idempotent: a file
# that already names a license in its first lines is left alone.
#
#   scripts/add-spdx.sh            add the line where it is missing
#   scripts/add-spdx.sh --check    report only (make check-spdx)
#
# Files: *.c *.h *.sh *.mk under src/ tests/ bench/ scripts/, and mk/*.mk.
# C files get a comment on line 1; shell and make files on line 1, or on
# line 2 after a #! line.
set -eu
cd "$(dirname "$0")/.."
ID=GPL-2.0-only
mode=add
[ "${1:-}" = --check ] && mode=check

files() {
	find src tests bench scripts mk -type f \
		\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.mk' \) | LC_ALL=C sort
}

has_id() { head -n 3 "$1" | grep -q 'SPDX-License-Identifier:'; }

missing=0
for f in $(files); do
	has_id "$f" && continue
	if [ "$mode" = check ]; then
		echo "no SPDX-License-Identifier: $f"
		missing=$((missing + 1))
		continue
	fi
	tmp=$f.spdx.$$
	case "$f" in
	*.c|*.h) { echo "/* SPDX-License-Identifier: $ID */"; cat "$f"; } >"$tmp" ;;
	*)	if head -n 1 "$f" | grep -q '^#!'; then
			{ head -n 1 "$f"; echo "# SPDX-License-Identifier: $ID"; tail -n +2 "$f"; } >"$tmp"
		else
			{ echo "# SPDX-License-Identifier: $ID"; cat "$f"; } >"$tmp"
		fi ;;
	esac
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
	echo "added: $f"
done
if [ "$mode" = check ]; then
	[ "$missing" -eq 0 ] || { echo "check-spdx: $missing files without a license line (scripts/add-spdx.sh adds them)"; exit 1; }
	echo "check-spdx: every source file names its license"
fi
