/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The [daemon] and [domain NAME] sections of arbiter.ini as key tables
 * (cfg_table.h); [policy] is policy_keys.c. One row a key: the loader,
 * the defaults, --check-config, --list-keys (man pages) and
 * docs/configuration.md all read these rows.
 */
#include "arbiter/arbiter_config.h"

#include <stddef.h>

#include "common/domid.h"

#define D(field) offsetof(struct arbiter_config, field)
#define PATH(field) .type = CFG_STRING, .off = D(field), .size = sizeof(((struct arbiter_config *)0)->field)
#define R(field) offsetof(struct domain_rule, field)

static const struct cfg_key daemon_keys[] = {
	{ "interval_ms", CFG_U32, D(interval_ms), .umin = 50, .umax = 3600000, .def = "1000",
	  .doc = "Cycle period (Zhang et al.'s Algorithm 1 runs once a second)." },
	{ "follow_up_ms", CFG_U32, D(follow_up_ms), .umin = 0, .umax = 3600000, .def = "250",
	  .doc = "Under `need = estimate`, a cycle that wrote decreases which growth the host cannot cover yet waits for is followed this long after by one early cycle, which grants that growth out of the memory the donors gave back (design.md §Growth is never cut); 0, or not below `interval_ms`: off." },
	{ "follow_up_slow", CFG_BOOL, D(follow_up_slow), .def = "yes",
	  .doc = "Under `need = estimate`, while decreases written at an earlier cycle are still coming back (slow donors), count them as memory coming back and let early cycles follow one another every `follow_up_ms` as long as the donors keep giving back (design.md §Growth is never cut, \"Slow donors\"); no: one early cycle per interval." },
	{ "reserve_fresh", CFG_BOOL, D(reserve_fresh), .def = "no",
	  .doc = "`membalctl reserve --wait` (the `reserved ID` request) not ready from the last cycle's reading of free memory is answered from a fresh one (the decreases written for it give their pages back between cycles), the domain listing still the last cycle's, which can only under-count the room (design.md §Live migration, \"Reservations\"); no: from the last cycle's reading only (measured, not adopted: docs/evaluation.md, \"Session 18: the lag (lag18)\")." },
	{ "stale_after_ms", CFG_U32, D(stale_after_ms), .umin = 100, .umax = 86400000, .def = "30000",
	  .doc = "A domain whose `stamp` did not change for this long keeps its target (stale); at least two intervals, above the agents' `heartbeat_ms`." },
	{ "per_key_after_ms", CFG_U32, D(per_key_after_ms), .umin = 0, .umax = 86400000, .def = "30000",
	  .doc = "A domain that has not written `memory/report` for this long since its adoption or its last one (no agent, an agent older than key layout 3, a stopped one) is handed the per-key report keys too (design.md §The lazy hand-over); 0: at adoption." },
	{ "stuck_after_ms", CFG_U32, D(stuck_after_ms), .umin = 100, .umax = 86400000, .def = "20000",
	  .doc = "A domain above target without moving down for this long is uncooperative; a grant not taken for this long is withdrawn." },
	{ "target_tolerance_kb", CFG_U64, D(target_tolerance_kb), .umin = 0, .umax = UINT64_C(1) << 30, .def = "1024",
	  .doc = "\"At target\" within this many KiB." },
	{ "exclude", PATH(exclude), .flags = CFG_EMPTY_OK, .def = "*-dm",
	  .doc = "Name patterns (fnmatch, space separated) of domains never managed (stub domains are <guest>-dm); empty: none." },
	{ "manage_hvm", CFG_BOOL, D(manage_hvm), .def = "no",
	  .doc = "Manage HVM guests (opt-in: not tried on real Xen)." },
	{ "manage_pvh", CFG_BOOL, D(manage_pvh), .def = "no",
	  .doc = "Manage PVH guests, told from HVM by libxl's `/libxl/<id>/type` (managed on real Xen under QEMU: docs/testing.md)." },
	{ "log_level", CFG_LOG_LEVEL, D(log_level), .def = "info",
	  .doc = "Messages above this level are not printed. `--log-level` overrides." },
	{ "tx_retries", CFG_U32, D(tx_retries), .umin = 1, .umax = 1000, .def = "8",
	  .doc = "Transaction attempts when xenstored answers EAGAIN." },
	{ "max_domains", CFG_U32, D(max_domains), .umin = 1, .umax = MEMBAL_DOMID_LIMIT, .def = "4096",
	  .doc = "State is sized for this many domains at start (a change needs a restart)." },
	{ "backend", CFG_ENUM, D(backend), .names = arb_backend_names, .def = "xen",
	  .doc = "Hypervisor backend: libxenctrl + libxenlight, or a simulated host. `--backend` overrides." },
	{ "sim_scenario", PATH(sim_scenario), .example = "/usr/share/membal/scenarios/demo.ini",
	  .doc = "The simulated host for `backend = sim` (`--scenario` overrides)." },
	{ "status_file", PATH(status_file), .def = "/run/membal/status.json",
	  .doc = "Rewritten atomically each cycle; `membalctl status` reads it." },
	{ "control_socket", PATH(control_socket), .def = "/run/membal/control.sock",
	  .doc = "membalctl's socket (pause, resume, reserve, release; root only, mode 0600)." },
	{ "metrics_file", PATH(metrics_file), .flags = CFG_EMPTY_OK, .def = "",
	  .doc = "Prometheus textfile (docs/metrics.md; Debian: `/var/lib/prometheus/node-exporter/membal.prom`); empty: none." },
	{ "lock_file", PATH(lock_file), .flags = CFG_ABSPATH, .def = "/run/membal/arbiter.lock",
	  .doc = "One arbiter per host: a POSIX lock taken before anything else (a change needs a restart)." },
};

static const struct cfg_key domain_keys[] = {
	{ "min_mb", CFG_MIB, R(min_kb), .has = CFG_HAS(struct domain_rule, has_min),
	  .umin = 1, .umax = UINT64_C(1) << 30, .example = "512",
	  .doc = "This domain's minimum; not above its `max_mb`." },
	{ "max_mb", CFG_MIB, R(max_kb), .has = CFG_HAS(struct domain_rule, has_max),
	  .umin = 1, .umax = UINT64_C(1) << 30, .example = "4096",
	  .doc = "This domain's maximum (never above its static-max)." },
	{ "shares", CFG_DOUBLE, R(shares), .has = CFG_HAS(struct domain_rule, has_shares),
	  .min = 1e-6, .max = 1e6, .example = "2",
	  .doc = "This domain's weight S_i." },
	{ "managed", CFG_BOOL, R(managed), .has = CFG_HAS(struct domain_rule, has_managed),
	  .example = "yes",
	  .doc = "Manage this domain or not; `yes` also overrides `exclude`." },
	{ "headroom", CFG_ENUM, R(headroom), .has = CFG_HAS(struct domain_rule, has_headroom),
	  .names = policy_headroom_names, .example = "learned",
	  .doc = "This domain's gap: `fixed` or `learned`, over [policy] `headroom`." },
};

_Static_assert(CFG_NKEYS(daemon_keys) <= CFG_MAX_KEYS, "one cfg_lines per section");

const struct cfg_section daemon_section = {
	"daemon", false, daemon_keys, CFG_NKEYS(daemon_keys),
	"The daemon around the policy: cycle, liveness, files.", NULL, 0
};
const struct cfg_section domain_section = {
	"domain", true, domain_keys, CFG_NKEYS(domain_keys),
	"Per domain, by the name `xl list` shows (at most 256 sections; each NAME once).",
	NULL, 0
};
const struct cfg_section *const arbiter_sections[] = {
	&policy_section, &daemon_section, &domain_section,
};
const size_t arbiter_nsections = CFG_NKEYS(arbiter_sections);
