/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/agent_config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/cfg_table.h"
#include "common/domid.h"
#include "common/filter.h"
#include "common/log.h"

#define A(field) offsetof(struct agent_config, field)
#define PATH(field) .type = CFG_STRING, .off = A(field), .size = sizeof(((struct agent_config *)0)->field)

/* [agent]: one row a key (cfg_table.h). The defaults are written here
 * and nowhere else. */
static const struct cfg_key agent_keys[] = {
	{ "sample_ms", CFG_U32, A(sample_ms), .umin = 10, .umax = 3600000, .def = "1000",
	  .doc = "How often `/proc/meminfo` (and vmstat, PSI, balloon sysfs) is read, in ms." },
	{ "heartbeat_ms", CFG_U32, A(heartbeat_ms), .umin = 100, .umax = 3600000, .def = "10000",
	  .doc = "Publish at least this often even when nothing moved; at least `sample_ms`, well below the arbiter's `stale_after_ms`." },
	{ "report_delta_kb", CFG_U64, A(report_delta_kb), .umin = 0, .umax = UINT64_C(1) << 40, .def = "4096",
	  .doc = "Publish when a KiB figure moved by at least this much since the last publication (What the agent publishes); 0: on any change." },
	{ "fmd_window", CFG_U32, A(fmd_window), .umin = 1, .umax = FMD_WINDOW_MAX, .def = "10",
	  .doc = "Free-memory filter: number of accepted readings averaged." },
	{ "fmd_kb", CFG_U64, A(fmd_kb), .umin = 0, .umax = UINT64_C(1) << 40, .def = "5120",
	  .doc = "A reading above the window mean by more than this is a page-reclaim burst; the mean is reported instead." },
	{ "fmd_max_reject", CFG_U32, A(fmd_max_reject), .umin = 0, .umax = 1000, .def = "3",
	  .doc = "After this many rejections in a row the reading is accepted and the window restarts from it; 0 switches the filter off." },
	{ "tx_retries", CFG_U32, A(tx_retries), .umin = 1, .umax = 1000, .def = "8",
	  .doc = "Transaction attempts per publication when xenstored answers EAGAIN; then the sample is dropped (logged) and the next one tried." },
	{ "handover_retry_ms", CFG_U32, A(handover_retry_ms), .umin = 10, .umax = 3600000, .def = "5000",
	  .doc = "While writes answer EACCES (the arbiter has not handed the report keys over yet), retry this often." },
	{ "reconnect_max_ms", CFG_U32, A(reconnect_max_ms), .umin = 10, .umax = 3600000, .def = "30000",
	  .doc = "Cap of the reconnect back-off when xenstored is unreachable (starts at 100 ms, doubles)." },
	{ "domid", CFG_U32, A(domid), .umin = 0, .umax = MEMBAL_DOMID_LIMIT - 1, .flags = CFG_AUTO, .def = "auto",
	  .doc = "Our domain id; `auto` reads the `domid` key of our xenstore home. `--domid` overrides." },
	{ "log_level", CFG_LOG_LEVEL, A(log_level), .def = "info",
	  .doc = "Messages above this level are not printed. `--log-level` overrides." },
	{ "meminfo_path", PATH(meminfo_path), .def = "/proc/meminfo",
	  .doc = "Where MemTotal, MemFree, ... are read. `--meminfo` overrides." },
	{ "vmstat_path", PATH(vmstat_path), .def = "/proc/vmstat",
	  .doc = "`oom_kill`, `pswpin`, the refault and major-fault counters." },
	{ "psi_path", PATH(psi_path), .def = "/proc/pressure/memory",
	  .doc = "PSI memory pressure; missing on kernels without PSI: then `psi_some` is not published." },
	{ "swaps_path", PATH(swaps_path), .def = "/proc/swaps",
	  .doc = "The swap areas, read when SwapTotal moves: which part is zram (`swap_zram`); missing on kernels without swap." },
	{ "sysfs_root", PATH(sysfs_root), .def = "/sys",
	  .doc = "Root under which the balloon driver's `devices/system/xen_memory/xen_memory0/{target_kb,info/current_kb}` are read. `--sysfs-root` overrides." },
};

const struct cfg_section agent_section = {
	"agent", false, agent_keys, CFG_NKEYS(agent_keys),
	"The one section of agent.ini.", NULL, 0
};
const struct cfg_section *const agent_sections[] = { &agent_section };
const size_t agent_nsections = CFG_NKEYS(agent_sections);

void agent_config_defaults(struct agent_config *c)
{
	memset(c, 0, sizeof(*c));
	cfg_table_defaults(&agent_section, c);
}

struct agent_load {
	struct agent_config c;
	struct cfg_lines lines;
};

static void *agent_bind(struct cfg_file *f, const struct cfg_section *sec,
			const char *section, struct cfg_lines **lines, void *user)
{
	struct agent_load *l = user;

	(void)f, (void)sec, (void)section;
	*lines = &l->lines;
	return &l->c;
}

static bool agent_key(struct cfg_file *f, const char *s, const char *k,
		      const char *v, void *user)
{
	return cfg_table_key(f, agent_sections, agent_nsections, s, k, v,
			     agent_bind, user);
}

static int agent_config_check(struct cfg_file *f, struct agent_load *l)
{
	struct agent_config *c = &l->c;

	/* A heartbeat shorter than a sample cannot be honoured; say so at
	 * load rather than publish on a different schedule than configured. */
	if (c->heartbeat_ms < c->sample_ms) {
		const char *which;

		f->line = cfg_table_later(&agent_section, &l->lines,
					  "heartbeat_ms", "sample_ms", &which);
		cfg_error(f, "agent", which,
			  "heartbeat_ms %u is shorter than sample_ms %u", c->heartbeat_ms,
			  c->sample_ms);
		return -1;
	}
	return 0;
}

int agent_config_load(const char *path, struct agent_config *out)
{
	struct agent_load l = { .lines = { { 0 } } };
	struct cfg_file f;

	agent_config_defaults(&l.c);
	if (cfg_load(path, agent_key, &l, &f) < 0 || agent_config_check(&f, &l) < 0)
		return -1;
	*out = l.c;
	return 0;
}

int agent_config_load_string(const char *name, const char *text,
			     struct agent_config *out)
{
	struct agent_load l = { .lines = { { 0 } } };
	struct cfg_file f;

	agent_config_defaults(&l.c);
	if (cfg_load_string(name, text, agent_key, &l, &f) < 0 ||
	    agent_config_check(&f, &l) < 0)
		return -1;
	*out = l.c;
	return 0;
}

void agent_config_print(FILE *out, const struct agent_config *c)
{
	fputs("[agent]\n", out);
	cfg_table_print(out, &agent_section, c);
}
