# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the scenarios run in the e2e dom0 (busybox sh). Sourced by
# scenarios.sh. Every check prints exactly one line the host's run.sh
# collects:
#   E2E CHECK PASS|FAIL <name> | <figures>
#   E2E FIG <name>=<value>            (figures for the report)
#   E2E INFO <text>                   (progress, kept in the serial log)

ST=/run/membal/status.json
CTL=/run/membal/control.sock
PROBE_LOG=/run/probe.log
ARB_LOG=/run/arbiter.log
FAILS=0

info() { echo "E2E INFO [$(uptime_s)] $*"; }
fig() { echo "E2E FIG $1=$2"; }
check() { # PASS|FAIL name figures
	echo "E2E CHECK $1 $2 | $3"
	[ "$1" = PASS ] || FAILS=$((FAILS + 1))
}
# check_that name figures test-args...: PASS when `test args` holds.
check_that() {
	n=$1; f=$2; shift 2
	if [ "$@" ]; then check PASS "$n" "$f"; else check FAIL "$n" "$f"; fi
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

xsr() { xenstore-read "$@" 2>/dev/null; }
# The agent's report (docs/design.md §Report layout: one value or one key a
# figure): memory/report = "<layout> <23 figures in the order of the key
# table, src/common/keys.c> <stamp> <swap_zram>", a later layout appending
# fields after the stamp; an
# older agent (or one under an older arbiter) writes one key a figure.
# rstamp ID: the stamp of the domain's last report (empty: none yet).
rstamp() {
	_v=$(xsr /local/domain/$1/memory/report)
	if [ -n "$_v" ]; then
		set -- $_v
		[ $# -ge 25 ] && shift 24 && echo "$1"
	else xsr /local/domain/$1/memory/stamp; fi
}
# rfig ID KEY: one figure of the domain's last report ("-": the guest does
# not have it); the figures of layout 3 in the key table's order, the
# stamp, then layout 4's (swap_zram), appended after the stamp.
RFIGS="tot free avail committed_as swap_tot swap_free balloon_current balloon_target oom_kills psi_some swapin_rate active_anon inactive_anon active_file inactive_file anon_pages shmem pswpin refault_anon refault_file pgmajfault psi_some_total psi_full_total stamp swap_zram"
rfig() {
	_v=$(xsr /local/domain/$1/memory/report)
	if [ -z "$_v" ]; then xsr /local/domain/$1/memory/$2; return; fi
	_i=2
	for _k in $RFIGS; do [ "$_k" = "$2" ] && break; _i=$((_i + 1)); done
	[ $_i -le 26 ] && echo "$_v" | cut -d' ' -f$_i
}
# rtot ID: MemTotal (KiB) of the domain's last report.
rtot() {
	_v=$(xsr /local/domain/$1/memory/report)
	if [ -n "$_v" ]; then set -- $_v; echo "$2"
	else xsr /local/domain/$1/memory/tot; fi
}

# wait_for TIMEOUT_S COMMAND...: poll every 0.5 s until COMMAND succeeds.
# The command is kept in a variable: a command that runs `set --` (the
# probe_dom waits) replaces this function's "$@", and every later poll
# then ran the probe's figures as a command ("157696: not found") until
# the timeout (session 8: 90 + 60 + 90 s of a boot).
wait_for() {
	_wf_limit=$(($(now_ms) + $1 * 1000)); shift
	_wf_cmd="$*"
	while ! eval "$_wf_cmd"; do
		[ "$(now_ms)" -ge "$_wf_limit" ] && return 1
		sleep 0.5
	done
	return 0
}

domid_of() { xl domid "$1" 2>/dev/null; }

# gx NAME COMMAND [TIMEOUT_S]: run COMMAND in guest NAME (domU-init's
# xenstore channel); prints its output, returns its exit status (124 on
# timeout).
gx() {
	_id=$(domid_of "$1") || return 125
	_seq=$(now_ms)
	_d=/local/domain/$_id/data/e2e
	# -R: raw values both ways (without it xenstore-write undoes
	# backslash escapes and xenstore-read escapes newlines).
	xenstore-write -R "$_d/cmd" "$2" && xenstore-write "$_d/seq" "$_seq" || return 125
	_lim=$(($(now_ms) + ${3:-60} * 1000))
	while [ "$(xsr "$_d/done")" != "$_seq" ]; do
		[ "$(now_ms)" -ge "$_lim" ] && return 124
		sleep 0.3
	done
	xenstore-read -R "$_d/out" 2>/dev/null
	return "$(xsr "$_d/rc")"
}

# The arbiter's JSON status: line 1 holds the host and counters, then one
# line per domain (status.c writes "\n{" before each).
st_top() { head -n 1 "$ST" 2>/dev/null | sed -n "s/.*\"$1\":\\(-\\{0,1\\}[0-9]*\\).*/\\1/p"; }
st_topstr() { head -n 1 "$ST" 2>/dev/null | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
# An array member (flags, reasons) prints its elements: "hold-manual","pressure".
st_dom() { grep "\"name\":\"$1\"" "$ST" 2>/dev/null | sed -n -e "s/.*\"$2\":\\[\\([^]]*\\)\\].*/\\1/p;t" -e "s/.*\"$2\":\"\\{0,1\\}\\([^,\"}]*\\).*/\\1/p"; }

# The probe's log (membal-e2e-probe): the latest sample of a domain:
# "tot max target flags" in KiB.
probe_dom() { # domid
	tail -n 1 "$PROBE_LOG" | tr ' ' '\n' | sed -n "s/^$1:\\([^:]*\\):\\([^:]*\\):\\([^:]*\\):\\(.*\\)/\\1 \\2 \\3 \\4/p"
}
probe_free() { tail -n 1 "$PROBE_LOG" | sed -n 's/.* free=\([0-9]*\).*/\1/p'; }
# Samples of one domain between two times (ms): "t tot max target".
probe_series() { # domid from_ms to_ms
	awk -v d="$1" -v a="$2" -v b="$3" '$1 == "P" && $2 >= a && $2 <= b {
		for (i = 5; i <= NF; i++) { split($i, f, ":"); if (f[1] == d) print $2, f[2], f[3], f[4] } }' "$PROBE_LOG"
}
probe_free_series() { # from_ms to_ms -> "t free"
	awk -v a="$1" -v b="$2" '$1 == "P" && $2 >= a && $2 <= b { sub("free=", "", $3); print $2, $3 }' "$PROBE_LOG"
}

ctl() { # REQUEST...: the arbiter's control socket
	membal-e2e-probe ctl "$CTL" "$@"
}

# The arbiter runs as a daemon would (config file, log on stderr, SIGTERM
# to stop); a small wrapper keeps its pid and exit status in files, since
# the phases run in subshells that cannot `wait` for it.
start_arbiter() { # [CONFIG]
	rm -f /run/arbiter.rc /run/arbiter.pid "$ST"
	ARB_CONFIG=${1:-/etc/membal/arbiter.ini} sh -c 'membal-arbiter --config "$ARB_CONFIG" --foreground & echo $! >/run/arbiter.pid; wait $!; echo $? >/run/arbiter.rc' >>"$ARB_LOG" 2>&1 &
	wait_for 10 "[ -s /run/arbiter.pid ] && [ -s $ST ]"
	ARB_PID=$(cat /run/arbiter.pid 2>/dev/null)
}
stop_arbiter() {
	kill -TERM "$(cat /run/arbiter.pid)" 2>/dev/null
	wait_for 15 "[ -s /run/arbiter.rc ]"
	ARB_RC=$(cat /run/arbiter.rc 2>/dev/null || echo none)
}
arbiter_alive() { [ ! -e /run/arbiter.rc ] && kill -0 "$(cat /run/arbiter.pid)" 2>/dev/null; }

# create NAME MEM_MB MAXMEM_MB [AGENT 1|0] [TYPE pv|pvh]: a busybox guest.
create_guest() {
	cat >/run/$1.cfg <<EOF
name = "$1"
type = "${5:-pv}"
kernel = "/e2e/vmlinux"
ramdisk = "/e2e/domU.cpio"
extra = "console=hvc0 quiet membal_agent=${4:-1}"
memory = $2
maxmem = $3
vcpus = 1
on_crash = "preserve"
EOF
	xl create /run/$1.cfg >/run/$1.create.log 2>&1
}

# The guest's own view: "memtotal committed_as oom_kill target_kb current_kb"
guest_mem() {
	gx "$1" 'm=/sys/devices/system/xen_memory/xen_memory0
echo $(sed -n "s/^MemTotal: *\([0-9]*\).*/\1/p" /proc/meminfo) $(sed -n "s/^Committed_AS: *\([0-9]*\).*/\1/p" /proc/meminfo) $(sed -n "s/^oom_kill //p" /proc/vmstat) $(cat $m/target_kb) $(cat $m/info/current_kb)'
}
