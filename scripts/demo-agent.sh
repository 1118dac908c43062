#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The main job until the arbiter exists: a real membal-agent publishing into
# the test xenstored (a stand-in for the host's xenstored; see
# src/xenstored/) exactly as it would in a Xen guest.
#
#   1. start membal-test-xenstored with per-domain sockets;
#   2. introduce domain 1 ("guest1") with libxl's layout;
#   3. hand the agent's report keys over to domain 1, as membal-arbiter
#      does (create them as dom0, then make dom1 their owner);
#   4. run membal-agent as domain 1 (through dom1's socket, so xenstored's
#      permission rules apply), sampling this machine's /proc/meminfo;
#   5. show what it wrote, like xenstore-ls.
# Everything it starts, it stops.
set -eu
cd "$(dirname "$0")/.."
BIN=${MEMBAL_BIN:-build}
SECONDS_TO_RUN=${DEMO_SECONDS:-6}
dir=$(mktemp -d /tmp/membal-demo.XXXXXX)
xsd_pid=""; agent_pid=""
# On INT/TERM the trap exits (the EXIT trap then cleans up): a trap that
# only cleaned up would let the script run on without its daemons.
cleanup() {
	trap - EXIT INT TERM
	for p in $agent_pid $xsd_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ctl() { "$BIN/membal-test-xenstored" --control "$dir/control" --cmd "$*"; }

"$BIN/membal-test-xenstored" --socket "$dir/socket" --domain-sockets "$dir" \
	--control "$dir/control" &
xsd_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$dir/control" ] && break; sleep 0.1; done

echo "== test xenstored up; introducing domain 1 (guest1, 256 MiB, max 512 MiB)"
ctl introduce 1 guest1 262144 524288 >/dev/null

echo "== handing the report keys to domain 1 (what membal-arbiter does)"
export XENSTORED_PATH="$dir/socket"
# (the layout-1 keys, for an older agent, and memory/report, which this
# agent then writes alone: docs/design.md, "Report layout: one value or one
# key a figure")
for k in tot free avail committed_as swap_tot swap_free balloon_current \
	 balloon_target oom_kills psi_some swapin_rate stamp membal_version report; do
	xenstore-write "/local/domain/1/memory/$k" ""
	xenstore-chmod "/local/domain/1/memory/$k" n1 r0
done

cat >"$dir/agent.ini" <<INI
[agent]
sample_ms = 500
heartbeat_ms = 2000
INI
echo "== running membal-agent as domain 1 for ${SECONDS_TO_RUN}s (this machine's /proc/meminfo stands in for the guest's)"
XENSTORED_PATH="$dir/dom1" "$BIN/membal-agent" --config "$dir/agent.ini" --domid 1 &
agent_pid=$!
sleep "$SECONDS_TO_RUN"
kill "$agent_pid"; wait "$agent_pid" || true; agent_pid=""

echo "== xenstore-ls /local/domain/1"
xenstore-ls -p /local/domain/1
echo "== the guest cannot write its own target:"
if XENSTORED_PATH="$dir/dom1" xenstore-write /local/domain/1/memory/target 999999 2>&1; then
	echo "UNEXPECTED: write succeeded"; exit 1
else
	echo "   (refused, as under libxl)"
fi
