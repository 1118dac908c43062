#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make e2e-xen`: boot a real Xen 4.17 host under QEMU (TCG), run the
# scenarios in its dom0 (tests/e2e-xen/scenarios.sh) and report one line
# per check. Exit 0 only when the host booted, the scenarios ran to the
# end and every check passed. See docs/testing.md, "Real Xen under QEMU".
#
# Environment:
#   BUILD                 absolute build directory (the Makefile sets it)
#   E2E_CACHE             .deb and base-image cache (/var/cache/membal-e2e)
#   MEMBAL_SKIP_E2E=1     skip, saying so loudly (the only way to skip)
#   MEMBAL_E2E_XENSTORED  oxenstored (default: Debian's /etc/init.d/xen starts
#                         it when installed) or cxenstored (the C xenstored)
#   MEMBAL_E2E_ONLY       comma-separated scenario names (debugging)
#   MEMBAL_E2E_BOOT_TIMEOUT  seconds for the QEMU boot (default 1500)
#   MEMBAL_E2E_PVH=1      the optional PVH boot instead: QEMU exposes SVM
#                         and NPT (-cpu qemu64,+svm,+npt) and only the pvh
#                         phase runs
set -eu

if [ "${MEMBAL_SKIP_E2E:-0}" = 1 ]; then
	echo "E2E-XEN SKIPPED: MEMBAL_SKIP_E2E=1 IS SET; NOTHING WAS TESTED ON REAL XEN"
	exit 0
fi

HERE=$(cd "$(dirname "$0")" && pwd)
: "${BUILD:=$(cd "$HERE/../.." && pwd)/build}"
export BUILD
: "${E2E_CACHE:=/var/cache/membal-e2e}"
export E2E_CACHE
OUT=$BUILD/e2e-xen
XSD=${MEMBAL_E2E_XENSTORED:-oxenstored}
ONLY=${MEMBAL_E2E_ONLY:-}
CPU=qemu64
if [ "${MEMBAL_E2E_PVH:-0}" = 1 ]; then
	# SVM for HVM containers, and NPT: with +svm alone Xen found no HAP
	# and libxl refused ("neither hap nor shadow paging available").
	CPU=qemu64,+svm,+npt
	ONLY=pvh
fi
BOOT_TIMEOUT=${MEMBAL_E2E_BOOT_TIMEOUT:-1500}

fail() { echo "e2e-xen: FAIL: $*" >&2; exit 1; }

case "$XSD" in cxenstored|oxenstored) ;; *) fail "MEMBAL_E2E_XENSTORED=$XSD: cxenstored or oxenstored" ;; esac
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	fail "qemu-system-x86_64 not found: this machine cannot boot the Xen host (scripts/install-deps.sh installs qemu-system-x86)"
command -v timeout >/dev/null 2>&1 || fail "timeout(1) not found"

t_start=$(date +%s)
"$HERE/mkimages.sh" || fail "image build failed"
. "$OUT/images.env"
t_images=$(date +%s)

LOG=$OUT/serial.log
REPORT=$OUT/report.txt
rm -f "$LOG" "$REPORT"
# The command of notes/xen-under-qemu.md: TCG (KVM here has no VMX/SVM),
# -cpu qemu64 (max crashes dom0 under TCG), Xen uncompressed as the
# multiboot kernel, dom0's command line without commas.
XEN_CMD="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M loglvl=all guest_loglvl=all noreboot"
DOM0_CMD="console=hvc0 earlyprintk=xen quiet loglevel=4 membal_xenstored=$XSD"
# QEMU's -initrd is a comma-separated list: a comma in the dom0 command
# line is written ",," (pitfall 4).
[ -n "$ONLY" ] && DOM0_CMD="$DOM0_CMD membal_only=$(echo "$ONLY" | sed 's/,/,,/g')"
echo "e2e-xen: Xen $XEN_VER, kernel $KVER, $XSD; serial log $LOG"

# Show the harness's own lines while the host runs. tail writes into a
# FIFO so that killing tail ends the whole pipeline (grep and sed see end
# of file): a tail left behind keeps make's jobserver descriptors open and
# `make -j` waits for it forever. --pid is the backstop.
touch "$LOG"
FIFO=$OUT/.serial.fifo
rm -f "$FIFO"
mkfifo "$FIFO"
grep --line-buffered -a -E '^E2E (CHECK|INFO|DONE)' <"$FIFO" | sed -u 's/\r$//' &
tail --pid=$$ -n +1 -F "$LOG" 2>/dev/null >"$FIFO" &
TAIL_PID=$!
trap 'kill $TAIL_PID 2>/dev/null || true; rm -f "$FIFO"' EXIT

t_boot=$(date +%s)
set +e
timeout -k 10 "$BOOT_TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu "$CPU" -m 1280 -smp 2 \
	-display none -no-reboot -monitor none -serial "file:$LOG" \
	-kernel "$OUT/xen" -append "$XEN_CMD" \
	-initrd "$OUT/vmlinuz $DOM0_CMD,$OUT/dom0.cpio" </dev/null >"$OUT/qemu.log" 2>&1
qrc=$?
set -e
t_end=$(date +%s)
sleep 1
kill $TAIL_PID 2>/dev/null || true
wait 2>/dev/null || true

tr -d '\r' <"$LOG" >"$LOG.txt"
# Check lines, wherever they start: a guest's output cut without its
# newline once glued a FAIL to the end of another line.
checks() { grep -a -o -E 'E2E CHECK (PASS|FAIL) .*' "$LOG.txt" | sed 's/^E2E CHECK //'; }
sed -n 's/^E2E PROBE //p' "$LOG.txt" >"$OUT/probe.log"
{
	echo "membal e2e-xen report ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	echo "Xen $XEN_VER, kernel $KVER, xenstored: $XSD, QEMU -cpu $CPU${ONLY:+, only: $ONLY}"
	echo "images $((t_images - t_start)) s, QEMU run $((t_end - t_boot)) s, total $((t_end - t_start)) s"
	echo
	checks |
		awk '{ st = $1; $1 = ""; sub(/^ /, ""); printf "%-4s %s\n", st, $0 }'
	echo
	echo "figures:"
	grep -E '^E2E FIG ' "$LOG.txt" | sed 's/^E2E FIG /  /'
} >"$REPORT"

npass=$(checks | grep -c '^PASS ' || true)
nfail=$(checks | grep -c '^FAIL ' || true)
done_seen=$(grep -c '^E2E DONE' "$LOG.txt" || true)
problems=""
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	problems="$problems QEMU killed by the ${BOOT_TIMEOUT}s timeout;"
elif [ "$qrc" -ne 0 ]; then
	problems="$problems QEMU exited with $qrc ($(tail -n 3 "$OUT/qemu.log" | tr '\n' ' '));"
fi
[ "$done_seen" -gt 0 ] || problems="$problems dom0 did not finish (no 'E2E DONE');"
grep -q '^E2E SCENARIOS END' "$LOG.txt" || problems="$problems the scenario script did not reach its end;"
[ "$npass" -gt 0 ] || problems="$problems no check ran;"
if [ -n "$problems" ]; then
	nfail=$((nfail + 1))
	echo "FAIL harness |$problems" >>"$REPORT"
fi
echo >>"$REPORT"
echo "$npass passed, $nfail failed" >>"$REPORT"

echo
cat "$REPORT"
echo "serial log: $LOG.txt"
echo "report: $REPORT"
[ "$nfail" -eq 0 ]
