#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install conf/*.service and conf/*.ini into a temporary tree (with the
# daemons of $1 linked into its sbin) and check them as systemd would.
set -eu
bin=$1
man=${2:-}
cd "$(dirname "$0")/../.."
D=$(mktemp -d /tmp/membal-units.XXXXXX)
trap 'rm -rf "$D"' EXIT
units="$D/lib/systemd/system"
${MAKE:-make} -s --no-print-directory install-conf install-units \
	PREFIX="$D/usr" SYSCONFDIR="$D/etc" UNITDIR="$units" DESTDIR= >/dev/null
mkdir -p "$D/usr/sbin"
for p in membal-arbiter membal-agent; do ln -s "$bin/$p" "$D/usr/sbin/$p"; done
# The man pages the units name (Documentation=man:...), as installed.
if [ -n "$man" ]; then
	for page in "$man"/*.[158]; do
		sec=${page##*.}
		mkdir -p "$D/usr/share/man/man$sec"
		cp "$page" "$D/usr/share/man/man$sec/"
	done
	MANPATH="$D/usr/share/man"
	export MANPATH
fi
fail=0

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify exits 0 after unknown keys and bad values ("ignoring"), so
	# any output is a failure.
	out=$(systemd-analyze verify "$units"/membal-*.service 2>&1) || fail=1
	if [ -n "$out" ]; then
		echo "$out" | sed 's/^/    /'
		fail=1
	fi
	[ "$fail" -eq 0 ] && echo "check-units: systemd-analyze verify: $(ls "$units" | wc -l) units clean"
else
	echo "CHECK-UNITS: systemd-analyze NOT FOUND (package systemd): THE UNITS WERE NOT VERIFIED"
fi

# Each unit's first ExecReload= (the --check-config) on the shipped file:
# what `systemctl reload` runs before signalling.
for u in "$units"/membal-*.service; do
	cmd=$(sed -n 's/^ExecReload=\(.*--check-config.*\)/\1/p' "$u" | head -1)
	if [ -z "$cmd" ]; then
		echo "check-units: $(basename "$u"): no ExecReload= --check-config line"; fail=1; continue
	fi
	if ! $cmd; then
		echo "check-units: $(basename "$u"): '$cmd' refuses the shipped configuration"; fail=1
	fi
	# ExecCondition=: 0 (right kind of host) or 1 (skip); anything else
	# would make the unit fail instead of being skipped.
	cond=$(sed -n 's/^ExecCondition=//p' "$u")
	rc=0; $cond >/dev/null 2>&1 || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "check-units: $(basename "$u"): '$cond' exited $rc (expected 0 or 1)"; fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "check-units: ExecReload checks pass on the shipped ini files; ExecCondition runs"
exit "$fail"
