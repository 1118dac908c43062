#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian 12 packages membal needs to build, test, package and demo.
# debhelper, devscripts, dpkg-dev and lintian build and check the packages
# (make deb, scripts/test-install.sh); groff-base renders the man pages
# (make check-man). systemd provides systemd-analyze, with which check-fast
# verifies the units (tests/units).
# qemu-system-x86, busybox-static and cpio are for `make e2e-xen` (a real Xen
# host booted under QEMU); the Xen and kernel packages it uses are only
# downloaded and unpacked by tests/e2e-xen/mkimages.sh, never installed.
# ganeti-htools gives hail, hbal, hspace and hinfo for the side-by-side
# tests of membal-iallocator and the htools export (docs/ganeti.md).
# python3 runs the evaluation scripts (scripts/eval-*.py), and check-fast
# tests scripts/eval-cmp.py's rule (tests/scripts).
# Idempotent: when everything is already installed it changes nothing and
# does not even refresh the package lists. Run as root (or through sudo).
set -eu

PACKAGES="
build-essential pkg-config
libxen-dev libinih-dev libsystemd-dev libcmocka-dev libjson-c-dev
xenstore-utils
clang libclang-rt-14-dev
systemd
ganeti-htools
gnuplot-nox
python3
qemu-system-x86 busybox-static cpio
debhelper devscripts dpkg-dev lintian groff-base
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root for:$missing" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing:$missing"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
