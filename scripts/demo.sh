#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: membal on a simulated host, about a minute.
#
# Real: membal-arbiter (the same binary and cycle code as on a Xen host,
# with its `sim` hypervisor backend), one real membal-agent per guest, the
# real libxenstore on both sides. Simulated: the hypervisor and the guests'
# kernels (src/simhost/hv_sim.c: balloons that follow memory/target, and
# /proc/meminfo + balloon sysfs files that follow a workload), and xenstored
# (src/xenstored/: the test xenstored, speaking the real wire protocol).
#
# The scenario (conf/scenarios/demo.ini by default, DEMO_SCENARIO to
# change it) fills a 2 GiB host: guest1 runs seed 001's "mono" load while
# guest2 idles; the arbiter's log shows memory moving to guest1 and back.
# DEMO_SECONDS (default 60) sets the length; tests/unit/test_demo.c runs
# a short one. Everything it starts, it stops, also on Ctrl-C or SIGTERM.
set -eu
cd "$(dirname "$0")/.."
BIN=${MEMBAL_BIN:-build}
SCENARIO=${DEMO_SCENARIO:-conf/scenarios/demo.ini}
DURATION=${DEMO_SECONDS:-60}
dir=$(mktemp -d /tmp/membal-demo.XXXXXX)
mkdir -p "$dir/guests"
pids=""      # daemons, in start order
filters=""   # the sed relabelling each daemon's log
# Stop the daemons in reverse start order (agents, the arbiter, then
# xenstored, which the arbiter still talks to while it shuts down):
# SIGTERM, up to 5 s, then SIGKILL, and wait for each, so that nothing
# outlives the demo. A filter ends when its daemon closes the fifo.
stop() {
	if kill "$1" 2>/dev/null; then
		for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}
cleanup() {
	trap - EXIT INT TERM HUP PIPE
	rev=""
	for p in $pids; do rev="$p $rev"; done
	for p in $rev $filters; do stop "$p"; done
	# A daemon started as the signal came, between its `&` and the line
	# that records its pid, is still one of this shell's jobs: stop it too
	# (seen under load: an agent left behind after Ctrl-C).
	jobs -p >"$dir/jobs" 2>/dev/null || true
	for p in $(cat "$dir/jobs" 2>/dev/null); do stop "$p"; done
	rm -rf "$dir"
}
trap cleanup EXIT
# A signal the shell would die of must run the cleanup too: Ctrl-C, kill,
# a closed terminal, or a reader that went away (`make demo | head`).
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# Run a daemon in the background with its log lines relabelled: the
# daemon writes into a fifo that sed reads, so that $! is the daemon
# itself (with `daemon | sed &` it would be sed, and the daemon, which
# ignores SIGPIPE, would outlive the demo).
labelled() {
	label=$1; shift
	fifo="$dir/log.$(echo "$filters" | wc -w)"
	mkfifo "$fifo"
	sed -u "s/^[a-z-]*: /$label: /" <"$fifo" &
	filters="$filters $!"
	"$@" >"$fifo" 2>&1 &
	pids="$pids $!"
}

"$BIN/membal-test-xenstored" --socket "$dir/xenstored" --domain-sockets "$dir" \
	--control "$dir/xsd-control" 2>"$dir/xenstored.log" &
pids="$pids $!"
for _ in $(seq 50); do [ -S "$dir/xsd-control" ] && break; sleep 0.1; done

cat >"$dir/arbiter.ini" <<EOF
[daemon]
interval_ms = 1000
stale_after_ms = 15000
status_file = $dir/status.json
control_socket = $dir/control.sock
metrics_file = $dir/metrics.prom
lock_file = $dir/arbiter.lock
EOF

echo "== membal demo: $SCENARIO for ${DURATION}s (simulated host, real daemons)"
labelled arbiter env XENSTORED_PATH="$dir/xenstored" "$BIN/membal-arbiter" \
	--config "$dir/arbiter.ini" --backend sim --scenario "$SCENARIO" \
	--sim-agents external --sim-guest-dir "$dir/guests" \
	--sim-xsd-control "$dir/xsd-control"

# One real agent per simulated guest, as it would run inside the guest:
# through that domain's own xenstore connection, reading the files the
# simulated kernel keeps current. Guests and domids come from the scenario
# ([guest NAME] sections with domid =; agent = no means none).
guests=$(awk '
	/^\[guest / { name = $2; sub(/\]$/, "", name); next }
	/^\[/ { name = "" }
	name != "" && /^domid *=/ { split($0, kv, "="); gsub(/ /, "", kv[2]); id[name] = kv[2] }
	name != "" && /^agent *= *no/ { noagent[name] = 1 }
	END { for (n in id) if (!(n in noagent)) print n ":" id[n] }' "$SCENARIO")
for entry in $guests; do
	name=${entry%%:*}; domid=${entry#*:}
	g="$dir/guests/$name"
	for _ in $(seq 100); do
		[ -f "$g/proc/meminfo" ] && [ -S "$dir/dom$domid" ] && break
		sleep 0.1
	done
	cat >"$dir/agent-$name.ini" <<EOF
[agent]
sample_ms = 500
heartbeat_ms = 5000
vmstat_path = $g/proc/vmstat
psi_path = $g/proc/pressure/memory
EOF
	labelled "agent[$name]" env XENSTORED_PATH="$dir/dom$domid" "$BIN/membal-agent" \
		--config "$dir/agent-$name.ini" --domid "$domid" \
		--meminfo "$g/proc/meminfo" --sysfs-root "$g/sys"
done

# The clock starts once the arbiter has moved memory (its first target
# write, counted in the metrics file), so that even a short demo shows a
# change however slow the machine: a loaded 2-CPU runner under the
# sanitizers once took longer than a 3-second demo (up to 60 s here).
for _ in $(seq 600); do
	grep -qE '^membal_target_writes_total [1-9]' "$dir/metrics.prom" 2>/dev/null && break
	sleep 0.1
done

show() {
	echo "== membalctl status (t=${1}s)"
	"$BIN/membalctl" status --file "$dir/status.json" | sed 's/^/   /'
}
step=$((DURATION / 4))
[ "$step" -gt 0 ] || step=1
t=0
while [ "$t" -lt "$DURATION" ]; do
	sleep "$step"
	t=$((t + step))
	show "$t"
done
echo "== membalctl reserve 256M (room for a new VM), then status"
"$BIN/membalctl" reserve 256M --socket "$dir/control.sock"
pause=5
[ "$step" -lt "$pause" ] && pause=$step
sleep "$pause"
show "$((t + pause))"
"$BIN/membalctl" release --socket "$dir/control.sock"
echo "== metrics file (Prometheus textfile), excerpt"
grep -E '^membal_(target_writes_total|host_free_bytes|scarce|oom_events_total) ' "$dir/metrics.prom" | sed 's/^/   /'
echo "== done; stopping everything"
