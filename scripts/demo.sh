#!/bin/sh
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
# Everything it starts, it stops.
set -eu
cd "$(dirname "$0")/.."
BIN=${MEMBAL_BIN:-build}
SCENARIO=${DEMO_SCENARIO:-conf/scenarios/demo.ini}
DURATION=${DEMO_SECONDS:-60}
dir=$(mktemp -d /tmp/membal-demo.XXXXXX)
mkdir -p "$dir/guests"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
EOF

echo "== membal demo: $SCENARIO for ${DURATION}s (simulated host, real daemons)"
XENSTORED_PATH="$dir/xenstored" "$BIN/membal-arbiter" --foreground \
	--config "$dir/arbiter.ini" --backend sim --scenario "$SCENARIO" \
	--sim-agents external --sim-guest-dir "$dir/guests" \
	--sim-xsd-control "$dir/xsd-control" 2>&1 | sed -u 's/^membal-arbiter: /arbiter: /' &
pids="$pids $!"

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
	XENSTORED_PATH="$dir/dom$domid" "$BIN/membal-agent" --foreground \
		--config "$dir/agent-$name.ini" --domid "$domid" \
		--meminfo "$g/proc/meminfo" --sysfs-root "$g/sys" 2>&1 |
		sed -u "s/^membal-agent: /agent[$name]: /" &
	pids="$pids $!"
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
sleep 5
show "$((t + 5))"
"$BIN/membalctl" release --socket "$dir/control.sock"
echo "== metrics file (Prometheus textfile), excerpt"
grep -E '^membal_(target_writes_total|host_free_bytes|scarce|oom_events_total) ' "$dir/metrics.prom" | sed 's/^/   /'
echo "== done; stopping everything"
