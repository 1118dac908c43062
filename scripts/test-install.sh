#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install test of the Debian packages (.ci/run): build them (make deb; a
# no-op when build/deb is up to date), lintian them, dpkg -i them on this
# machine, check what they put where, dpkg --purge them and check that
# nothing is left. Off Xen the units' conditions (/proc/xen/capabilities,
# /dev/xen/xenbus) keep the daemons from starting, so the maintainer
# scripts succeed. Needs root; changes the machine's package set only for
# the duration of the test (a membal already installed is refused).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
D=$BUILD/deb
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
ok() { echo "test-install: ok: $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
PKGS="membal-agent membal-arbiter membal-sim"
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
		fail "$p is already installed here; purge it first (this test must not touch a real installation)"
	fi
done

t0=$(date +%s)
mkdir -p "$BUILD"   # a fresh clone has no build/ yet
make --no-print-directory deb >"$BUILD/test-install-deb.log" 2>&1 || { tail -n 40 "$BUILD/test-install-deb.log"; fail "make deb"; }
ver=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
debs=""
for p in $PKGS; do
	f=$D/${p}_${ver}_$arch.deb
	[ -e "$f" ] || fail "no $f"
	debs="$debs $f"
done
ok "packages built ($(($(date +%s) - t0)) s):$debs"

# lintian: errors and warnings fail; what is left is explained in debian/lintian.md.
if command -v lintian >/dev/null 2>&1; then
	lrc=0
	lintian --pedantic -I -E --fail-on error,warning "$D/membal_${ver}_$arch.changes" \
		>"$BUILD/lintian.txt" 2>&1 || lrc=$?
	sed -i '/running with root privileges/d' "$BUILD/lintian.txt"
	cat "$BUILD/lintian.txt"
	[ "$lrc" -eq 0 ] || fail "lintian reports errors or warnings ($BUILD/lintian.txt)"
	ok "lintian: $(grep -c . "$BUILD/lintian.txt" || true) tags not overridden (none is an error or warning)"
else
	fail "lintian not installed (scripts/install-deps.sh)"
fi

# Everything a package owns, recorded before the purge.
cleanup() { dpkg --purge $PKGS >/dev/null 2>&1 || true; }
trap cleanup EXIT
dpkg -i $debs >"$BUILD/test-install-dpkg.log" 2>&1 || { cat "$BUILD/test-install-dpkg.log"; fail "dpkg -i"; }
ok "dpkg -i: $(dpkg-query -W -f='${Package} ${Version} ${Status}\n' $PKGS | tr '\n' ';')"
owned=$BUILD/test-install-files.txt
dpkg -L $PKGS | sort -u >"$owned"

# What must be where.
for f in /usr/sbin/membal-agent /usr/sbin/membal-arbiter /usr/bin/membalctl /usr/bin/membal-sim; do
	[ -x "$f" ] || fail "$f missing"
	"$f" --version >/dev/null || fail "$f --version"
done
for f in /etc/membal/agent.ini /etc/membal/arbiter.ini; do
	[ -f "$f" ] || fail "$f missing"
done
grep -qx /etc/membal/agent.ini /var/lib/dpkg/info/membal-agent.conffiles || fail "agent.ini is not a conffile"
grep -qx /etc/membal/arbiter.ini /var/lib/dpkg/info/membal-arbiter.conffiles || fail "arbiter.ini is not a conffile"
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
for u in membal-agent membal-arbiter; do
	f=$unitdir/$u.service
	[ -f "$f" ] || fail "$f missing"
	grep -q "^ExecStart=/usr/sbin/$u " "$f" || fail "$f: ExecStart is not /usr/sbin/$u"
	# Documentation= names pages that are installed.
	for m in $(sed -n 's/^Documentation=//p' "$f"); do
		case "$m" in man:*) page=${m#man:}; n=${page%(*}; s=${page#*(}; s=${s%)}
			man -w "$s" "$n" >/dev/null 2>&1 || fail "$f: Documentation=$m: no such page installed" ;;
		esac
	done
done
wants=/etc/systemd/system/multi-user.target.wants
[ -L $wants/membal-agent.service ] || fail "membal-agent.service was not enabled"
[ ! -e $wants/membal-arbiter.service ] || fail "membal-arbiter.service was enabled (it must be installed disabled)"
# systemd's own check of the installed units (syntax, executables, and
# that the Documentation= man pages exist).
out=$(systemd-analyze verify $unitdir/membal-agent.service $unitdir/membal-arbiter.service 2>&1) ||
	fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
ok "units installed and verified; the agent enabled, the arbiter not"
for p in membal-agent.8 membal-arbiter.8 membalctl.1 membal-sim.1 membal-agent.ini.5 membal-arbiter.ini.5; do
	n=${p%.*} s=${p##*.}
	w=$(MANWIDTH=80 man "$s" "$n" 2>&1 >/dev/null) || fail "man $s $n"
	[ -z "$w" ] || fail "man $s $n: $w"
done
ok "man pages: every program and both ini files"
[ -d /usr/share/membal/scenarios ] && [ -e /usr/share/membal/scenarios/demo.ini ] || fail "scenarios missing"
out=$(membal-sim -d 30 -p static -o "$(mktemp -d)" /usr/share/membal/scenarios/demo.ini 2>&1) ||
	fail "membal-sim on an installed scenario: $out"
ok "membal-sim runs an installed scenario"
membalctl plan --host-free-kb 0 --config /etc/membal/arbiter.ini <tests/fixtures/plan/two_scarce.csv >/dev/null ||
	fail "membalctl plan with the installed arbiter.ini"
ok "membalctl plan reads the installed arbiter.ini"

# Purge: nothing may be left.
trap - EXIT
dpkg --purge $PKGS >"$BUILD/test-install-purge.log" 2>&1 || { cat "$BUILD/test-install-purge.log"; fail "dpkg --purge"; }
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ -z "$st" ] || [ "$st" = "unknown ok not-installed" ] || fail "$p still known to dpkg: $st"
done
left=""
while read -r f; do
	[ -e "$f" ] || continue
	[ -d "$f" ] && [ -n "$(ls -A "$f")" ] && continue   # a shared directory (/usr/bin, ...)
	[ -d "$f" ] && case "$f" in */membal*) ;; *) continue ;; esac
	left="$left $f"
done <"$owned"
[ -d /etc/membal ] && left="$left /etc/membal"
find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled -name 'membal*' 2>/dev/null | grep -q . &&
	left="$left $(find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled -name 'membal*' | tr '\n' ' ')"
[ -z "$left" ] || fail "left after purge:$left"
ok "purged; nothing left ($(wc -l <"$owned") paths checked)"
echo "test-install: PASS ($(($(date +%s) - t0)) s)"
