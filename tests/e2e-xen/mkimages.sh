#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the images of the real-Xen harness from Debian packages and our
# binaries. Nothing is installed on the host: the Xen and kernel packages
# are downloaded with `apt-get download` and unpacked with dpkg-deb.
#
#   $E2E_CACHE/debs/                   the .debs, by name_version
#   $E2E_CACHE/base2-<xen>-<kernel>/   unpacked and prepared, keyed by the
#                                      versions resolved through the
#                                      metapackages (Debian's archive serves
#                                      only the current point release)
#   $BUILD/e2e-xen/                    xen, vmlinuz, dom0.cpio (with domU.cpio
#                                      and the domU kernel inside), rebuilt
#                                      every run because they hold our binaries
#
# membal comes from its Debian packages (make deb): membal-arbiter is
# unpacked into dom0 and membal-agent into the guests with dpkg-deb -x, so
# the run exercises what a host installs; the shared libraries the packaged
# binaries need are copied next to them (ldd, as for the toolstack). Only
# the harness's own tools (membal-load, membal-e2e-probe) come from $BUILD.
#
# Environment: BUILD (absolute build dir), E2E_CACHE, E2E_DEBS (the .debs,
# default $BUILD/deb). Prints nothing but progress on stderr; writes
# $BUILD/e2e-xen/images.env.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
: "${BUILD:?BUILD must be the absolute build directory}"
: "${E2E_CACHE:=/var/cache/membal-e2e}"
OUT=$BUILD/e2e-xen
MA=x86_64-linux-gnu

say() { echo "mkimages: $*" >&2; }
die() { echo "mkimages: error: $*" >&2; exit 1; }

mkdir -p "$E2E_CACHE/debs" 2>/dev/null || {
	E2E_CACHE=${HOME:-/tmp}/.cache/membal-e2e
	mkdir -p "$E2E_CACHE/debs"
	say "cache not writable; using $E2E_CACHE"
}

# ---- resolve versions through the metapackages --------------------------
# Candidate version of a package, and of its first dependency matching a
# pattern (the metapackage points at the versioned package).
candidate() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1; }
dep_of() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 |
	tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -E "$2" | head -n 1; }

resolve() {
	XEN_VER=$(candidate xen-system-amd64)
	XEN_HYP=$(dep_of xen-system-amd64 '^xen-hypervisor-4\.17')
	XEN_UTILS=$(dep_of xen-system-amd64 '^xen-utils-4\.17')
	KPKG=$(dep_of linux-image-amd64 '^linux-image-[0-9]')
	KVER=$(candidate linux-image-amd64)
}
resolve
if [ -z "$XEN_VER" ] || [ -z "$KPKG" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		say "package lists do not know xen-system-amd64 / linux-image-amd64: apt-get update"
		apt-get update -qq >&2 || true
		resolve
	fi
fi
[ -n "$XEN_VER" ] && [ -n "$XEN_HYP" ] && [ -n "$XEN_UTILS" ] ||
	die "cannot resolve xen-system-amd64 (apt-get update?)"
[ -n "$KPKG" ] && [ -n "$KVER" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
case "$XEN_HYP" in xen-hypervisor-4.17-amd64) ;; *) die "expected Xen 4.17, metapackage gives $XEN_HYP" ;; esac
KREL=${KPKG#linux-image-}
say "Xen $XEN_VER ($XEN_HYP, $XEN_UTILS), kernel $KPKG $KVER"

# Runtime libraries of the same Xen build: the dom0 toolstack must not mix
# its binaries with whatever libxen the host happens to have.
XEN_LIBS="libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
libxengnttab1 libxenhypfs1 libxenmisc4.17 libxenstore4 libxentoolcore1 libxentoollog1"
XEN_PKGS="$XEN_HYP $XEN_UTILS xen-utils-common xenstore-utils $XEN_LIBS"

# The cached .deb of pkg=version, whatever its architecture (amd64/all).
deb_of() { ls "$E2E_CACHE/debs/$1_"*.deb 2>/dev/null | grep -F "_$(echo "$2" | sed 's/:/%3a/')_" | head -n 1; }

fetch() { # pkg version: print the .deb's path, downloading it once
	f=$(deb_of "$1" "$2")
	[ -n "$f" ] && { echo "$f"; return; }
	say "downloading $1=$2"
	(cd "$E2E_CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$1=$2" >&2) ||
		die "apt-get download $1=$2 failed"
	f=$(deb_of "$1" "$2")
	[ -n "$f" ] || die "downloaded $1=$2 but cannot find the .deb"
	echo "$f"
}

# base2: with zram and the modules it needs (a base without them is
# rebuilt from the cached .debs).
BASE=$E2E_CACHE/base2-$XEN_VER-$KVER
if [ ! -e "$BASE/.done" ]; then
	t0=$(date +%s)
	rm -rf "$BASE.tmp"
	mkdir -p "$BASE.tmp/xen" "$BASE.tmp/kmod"
	for p in $XEN_PKGS; do
		dpkg-deb -x "$(fetch "$p" "$XEN_VER")" "$BASE.tmp/xen"
	done
	kdeb=$(fetch "$KPKG" "$KVER")
	# Only the kernel and the Xen driver modules (pitfall 5: unpack what
	# is needed, install nothing).
	dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$BASE.tmp/kmod" \
		"./boot/vmlinuz-$KREL" "./lib/modules/$KREL/kernel/drivers/xen"
	# zram for the estimates phase's swap (a guest with swap on real Xen,
	# from the same kernel package): zram.ko and the modules its
	# .modinfo "depends=" names, recursively (the package has no
	# modules.dep: depmod makes it at install), loaded dependencies first.
	klist=$(dpkg-deb -c "$kdeb" | sed -n 's|.* \./\(lib/modules/.*\.ko[^ ]*\)$|\1|p')
	mkdir -p "$BASE.tmp/zram"
	order=
	todo=zram
	while [ -n "$todo" ]; do
		set -- $todo; [ $# -gt 0 ] || break
		m=$1; shift; todo="$*"
		case " $order " in *" $m.ko "*) continue ;; esac
		path=$(echo "$klist" | grep -E "/$m\.ko(\.xz|\.zst)?\$" | head -n 1)
		[ -n "$path" ] || die "module $m (for zram) not in $KPKG"
		dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$BASE.tmp/kmod" "./$path"
		case "$path" in
		*.xz) xz -dc "$BASE.tmp/kmod/$path" > "$BASE.tmp/zram/$m.ko" ;;
		*.zst) zstd -qdc "$BASE.tmp/kmod/$path" > "$BASE.tmp/zram/$m.ko" ;;
		*) cp "$BASE.tmp/kmod/$path" "$BASE.tmp/zram/$m.ko" ;;
		esac
		order="$m.ko $order"
		deps=$(tr '\0' '\n' < "$BASE.tmp/zram/$m.ko" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' ')
		todo="$todo $deps"
	done
	echo $order > "$BASE.tmp/zram/order"
	# QEMU's multiboot loader wants the uncompressed hypervisor (pitfall 3).
	zcat "$BASE.tmp/xen/boot/xen-4.17-amd64.gz" > "$BASE.tmp/xen.bin"
	cp "$BASE.tmp/kmod/boot/vmlinuz-$KREL" "$BASE.tmp/vmlinuz"
	# The domU kernel as a plain ELF: libxenguest would otherwise spend
	# seconds of emulated CPU un-xz-ing the bzImage at every xl create.
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$BASE.tmp/vmlinuz" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || die "no xz payload in vmlinuz-$KREL"
	tail -c +$((off + 1)) "$BASE.tmp/vmlinuz" | xz -dc --single-stream > "$BASE.tmp/vmlinux" ||
		die "cannot decompress vmlinuz-$KREL"
	mkdir -p "$BASE.tmp/modules"
	for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs/xenfs; do
		cp "$BASE.tmp/kmod/lib/modules/$KREL/kernel/drivers/xen/$m.ko" "$BASE.tmp/modules/"
	done
	rm -rf "$BASE.tmp/kmod"
	echo "XEN_VER=$XEN_VER KVER=$KVER KREL=$KREL" > "$BASE.tmp/versions"
	rm -rf "$BASE"
	mv "$BASE.tmp" "$BASE"
	touch "$BASE/.done"
	say "base prepared in $BASE ($(($(date +%s) - t0)) s)"
fi

# ---- image trees ----------------------------------------------------------
# Merged /usr with RELATIVE links only: an absolute link in the tree would
# send `cp -L` into the host's own /usr (pitfall 8).
new_tree() {
	rm -rf "$1"
	mkdir -p "$1/usr/lib/$MA" "$1/usr/lib64" "$1/usr/bin" "$1/usr/sbin" "$1/bin" "$1/sbin" \
		"$1/etc" "$1/proc" "$1/sys" "$1/dev" "$1/run" "$1/tmp" "$1/var/log" "$1/root"
	ln -s usr/lib "$1/lib"
	ln -s usr/lib64 "$1/lib64"
	cp /bin/busybox "$1/bin/busybox"
	file_is_static /bin/busybox || die "/bin/busybox is not static (install busybox-static)"
}

file_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

# Copy the shared libraries a binary needs (resolved against the tree's own
# Xen libraries first, then the host's), plus libgcc_s.so.1, which glibc
# loads at run time for pthread_cancel/unwinding without ldd seeing it
# (pitfall 7: xl aborts with rc 134 without it).
copy_libs() { # tree binary...
	tree=$1; shift
	for b in "$@"; do
		out=$(LD_LIBRARY_PATH="$tree/usr/lib/$MA" ldd "$b" 2>&1) || {
			file_is_static "$b" && continue
			die "ldd $b: $out"
		}
		echo "$out" | grep -q 'not found' && die "ldd $b: $(echo "$out" | grep 'not found')"
		echo "$out" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		while read -r lib; do
			case "$lib" in
			*/ld-linux-x86-64.so.2) dest=$tree/usr/lib64/ld-linux-x86-64.so.2 ;;
			*) dest=$tree/usr/lib/$MA/$(basename "$lib") ;;
			esac
			[ -e "$dest" ] || cp -L "$lib" "$dest"
		done
	done
	[ -e "$tree/usr/lib/$MA/libgcc_s.so.1" ] || cp -L "/lib/$MA/libgcc_s.so.1" "$tree/usr/lib/$MA/"
}

need() { [ -x "$1" ] || die "missing $1 (make e2e-xen builds it)"; }
for b in membal-load e2e-xen/membal-e2e-probe; do
	need "$BUILD/$b"
done

# The packages: exactly one .deb of each (make deb cleans build/deb).
: "${E2E_DEBS:=$BUILD/deb}"
deb_pkg() {
	set -- "$E2E_DEBS/$1"_*_amd64.deb
	[ $# -eq 1 ] && [ -e "$1" ] || die "want one $E2E_DEBS/${1##*/} (make deb), found: $*"
	echo "$1"
}
ARB_DEB=$(deb_pkg membal-arbiter)
AGENT_DEB=$(deb_pkg membal-agent)
# Unpacked beside the tree and merged into it: the trees' /lib is a
# symlink, which extraction must not replace.
unpack() { # deb tree
	rm -rf "$2.pkg" && mkdir -p "$2.pkg"
	dpkg-deb -x "$1" "$2.pkg"
	cp -a "$2.pkg/usr/." "$2/usr/"
	cp -a "$2.pkg/etc/." "$2/etc/"
	rm -rf "$2.pkg"
}
say "membal from $(basename "$ARB_DEB") and $(basename "$AGENT_DEB")"

mkdir -p "$OUT"
cp "$BASE/xen.bin" "$OUT/xen"
cp "$BASE/vmlinuz" "$OUT/vmlinuz"

# -- domU: busybox, membal-agent's package, the workload, xenstore-utils ---
DU=$OUT/domU.tree
new_tree "$DU"
cp "$HERE/domU-init" "$DU/init"
chmod 0755 "$DU/init"
unpack "$AGENT_DEB" "$DU"
[ -x "$DU/usr/sbin/membal-agent" ] || die "$AGENT_DEB has no usr/sbin/membal-agent"
cp "$BUILD/membal-load" "$DU/usr/bin/membal-load"
# The harness's settings over the packaged file (the package's own is
# what `make check-unit` and the install test read).
mkdir -p "$DU/etc/membal" "$DU/modules"
cp "$HERE/conf/agent.ini" "$DU/etc/membal/agent.ini"
cp "$BASE/zram/"* "$DU/modules/"
for t in read write exists rm ls; do
	cp "$BASE/xen/usr/bin/xenstore-$t" "$DU/usr/bin/" 2>/dev/null ||
		cp "$BASE/xen/usr/bin/xenstore" "$DU/usr/bin/xenstore-$t"
done
cp -L "$BASE/xen/usr/lib/$MA/libxenstore.so.4" "$BASE/xen/usr/lib/$MA/libxentoolcore.so.1" "$DU/usr/lib/$MA/"
copy_libs "$DU" "$DU/usr/sbin/membal-agent" "$DU/usr/bin/membal-load" "$DU/usr/bin/xenstore-read"
(cd "$DU" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/domU.cpio"

# -- dom0: the toolstack from the unpacked packages, our daemons, the scenarios
D0=$OUT/dom0.tree
new_tree "$D0"
cp "$HERE/dom0-init" "$D0/init"
chmod 0755 "$D0/init"
XB=usr/lib/xen-4.17/bin
mkdir -p "$D0/$XB" "$D0/etc/xen" "$D0/var/lib/xen" "$D0/var/lib/xenstored" \
	"$D0/var/run" "$D0/var/log/xen/console" "$D0/etc/membal" "$D0/e2e" "$D0/modules"
# libxl-save-helper: xl save, restore and migrate (pitfall: without it
# they fail with "libxl-save-helper: No such file").
for b in xl xenstored oxenstored xen-init-dom0 xenconsoled xenstore-control libxl-save-helper; do
	cp "$BASE/xen/$XB/$b" "$D0/$XB/"
done
cp "$BASE/xen/etc/xen/oxenstored.conf" "$D0/etc/xen/"
cp -P "$BASE/xen/usr/lib/$MA/"libxen*.so.* "$D0/usr/lib/$MA/"
for t in read write exists rm ls list chmod watch; do
	[ -e "$BASE/xen/usr/bin/xenstore-$t" ] && cp -P "$BASE/xen/usr/bin/xenstore-$t" "$D0/usr/bin/"
done
[ -e "$BASE/xen/usr/bin/xenstore" ] && cp "$BASE/xen/usr/bin/xenstore" "$D0/usr/bin/"
cp "$BASE/modules/"*.ko "$D0/modules/"
unpack "$ARB_DEB" "$D0"
[ -x "$D0/usr/sbin/membal-arbiter" ] && [ -x "$D0/usr/bin/membalctl" ] ||
	die "$ARB_DEB lacks usr/sbin/membal-arbiter or usr/bin/membalctl"
cp "$BUILD/e2e-xen/membal-e2e-probe" "$D0/usr/bin/"
cp "$HERE/conf/xl.conf" "$D0/etc/xen/xl.conf"
cp "$HERE/conf/arbiter.ini" "$D0/etc/membal/arbiter.ini"
cp "$HERE/scenarios.sh" "$HERE/e2elib.sh" "$D0/e2e/"
cp "$BASE/vmlinux" "$D0/e2e/vmlinux"
cp "$OUT/domU.cpio" "$D0/e2e/domU.cpio"
set -- "$D0/$XB/"* "$D0/usr/sbin/membal-arbiter" "$D0/usr/bin/membalctl" \
	"$D0/usr/bin/membal-e2e-probe"
[ -e "$D0/usr/bin/xenstore" ] && set -- "$@" "$D0/usr/bin/xenstore"
copy_libs "$D0" "$@"
(cd "$D0" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/dom0.cpio"

cat > "$OUT/images.env" <<EOF
XEN_VER='$XEN_VER'
KVER='$KVER'
KREL='$KREL'
E2E_BASE='$BASE'
EOF
say "images in $OUT: dom0.cpio $(($(stat -c %s "$OUT/dom0.cpio") / 1048576)) MiB, domU.cpio $(($(stat -c %s "$OUT/domU.cpio") / 1048576)) MiB"
