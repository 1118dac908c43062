/* SPDX-License-Identifier: GPL-2.0-only */
#include "agent/agent_config.h"

#include <stdio.h>
#include <string.h>

#include "common/config.h"
#include "common/domid.h"
#include "common/filter.h"
#include "common/log.h"

void agent_config_defaults(struct agent_config *c)
{
	memset(c, 0, sizeof(*c));
	c->sample_ms = 1000;          /* Zhang et al. sample once a second */
	c->heartbeat_ms = 10000;      /* well below the arbiter's stale_after_ms */
	c->report_delta_kb = 4096;    /* 1024 pages: below the arbiter's 16 MiB write threshold */
	c->fmd_window = 10;
	c->fmd_kb = 5120;
	c->fmd_max_reject = 3;
	c->tx_retries = 8;
	c->handover_retry_ms = 5000;
	c->reconnect_max_ms = 30000;
	c->domid = AGENT_DOMID_AUTO;
	c->log_level = LOG_INFO;
	snprintf(c->meminfo_path, sizeof(c->meminfo_path), "/proc/meminfo");
	snprintf(c->vmstat_path, sizeof(c->vmstat_path), "/proc/vmstat");
	snprintf(c->psi_path, sizeof(c->psi_path), "/proc/pressure/memory");
	snprintf(c->sysfs_root, sizeof(c->sysfs_root), "/sys");
}

static bool agent_key(struct cfg_file *f, const char *s, const char *k,
		      const char *v, void *user)
{
	struct agent_config *c = user;

	if (strcmp(s, "agent") != 0)
		return false;
	if (!strcmp(k, "sample_ms"))
		cfg_get_u32(f, s, k, v, 10, 3600000, &c->sample_ms);
	else if (!strcmp(k, "heartbeat_ms"))
		cfg_get_u32(f, s, k, v, 100, 3600000, &c->heartbeat_ms);
	else if (!strcmp(k, "report_delta_kb"))
		cfg_get_u64(f, s, k, v, 0, UINT64_C(1) << 40, &c->report_delta_kb);
	else if (!strcmp(k, "fmd_window"))
		cfg_get_u32(f, s, k, v, 1, FMD_WINDOW_MAX, &c->fmd_window);
	else if (!strcmp(k, "fmd_kb"))
		cfg_get_u64(f, s, k, v, 0, UINT64_C(1) << 40, &c->fmd_kb);
	else if (!strcmp(k, "fmd_max_reject"))
		cfg_get_u32(f, s, k, v, 0, 1000, &c->fmd_max_reject);
	else if (!strcmp(k, "tx_retries"))
		cfg_get_u32(f, s, k, v, 1, 1000, &c->tx_retries);
	else if (!strcmp(k, "handover_retry_ms"))
		cfg_get_u32(f, s, k, v, 10, 3600000, &c->handover_retry_ms);
	else if (!strcmp(k, "reconnect_max_ms"))
		cfg_get_u32(f, s, k, v, 10, 3600000, &c->reconnect_max_ms);
	else if (!strcmp(k, "domid")) {
		if (!strcmp(v, "auto"))
			c->domid = AGENT_DOMID_AUTO;
		else
			cfg_get_u32(f, s, k, v, 0, MEMBAL_DOMID_LIMIT - 1, &c->domid);
	} else if (!strcmp(k, "log_level")) {
		int l = log_level_from_name(v);

		if (l < 0)
			cfg_error(f, s, k, "'%.64s': expected err, warning, notice, info or debug", v);
		else
			c->log_level = l;
	} else if (!strcmp(k, "meminfo_path"))
		cfg_get_string(f, s, k, v, c->meminfo_path, sizeof(c->meminfo_path));
	else if (!strcmp(k, "vmstat_path"))
		cfg_get_string(f, s, k, v, c->vmstat_path, sizeof(c->vmstat_path));
	else if (!strcmp(k, "psi_path"))
		cfg_get_string(f, s, k, v, c->psi_path, sizeof(c->psi_path));
	else if (!strcmp(k, "sysfs_root"))
		cfg_get_string(f, s, k, v, c->sysfs_root, sizeof(c->sysfs_root));
	else
		return false;
	return true;
}

static int agent_config_check(struct cfg_file *f, struct agent_config *c)
{
	/* A heartbeat shorter than a sample cannot be honoured; say so at
	 * load rather than publish on a different schedule than configured. */
	if (c->heartbeat_ms < c->sample_ms) {
		f->line = 0;
		cfg_error(f, "agent", "heartbeat_ms",
			  "%u is shorter than sample_ms %u", c->heartbeat_ms,
			  c->sample_ms);
		return -1;
	}
	return 0;
}

int agent_config_load(const char *path, struct agent_config *out)
{
	struct agent_config c;
	struct cfg_file f;

	agent_config_defaults(&c);
	if (cfg_load(path, agent_key, &c, &f) < 0 || agent_config_check(&f, &c) < 0)
		return -1;
	*out = c;
	return 0;
}

int agent_config_load_string(const char *name, const char *text,
			     struct agent_config *out)
{
	struct agent_config c;
	struct cfg_file f;

	agent_config_defaults(&c);
	if (cfg_load_string(name, text, agent_key, &c, &f) < 0 ||
	    agent_config_check(&f, &c) < 0)
		return -1;
	*out = c;
	return 0;
}

void agent_config_print(FILE *out, const struct agent_config *c)
{
	fprintf(out, "[agent]\nsample_ms = %u\nheartbeat_ms = %u\nreport_delta_kb = %llu\n"
		"fmd_window = %u\nfmd_kb = %llu\nfmd_max_reject = %u\ntx_retries = %u\n"
		"handover_retry_ms = %u\nreconnect_max_ms = %u\n",
		c->sample_ms, c->heartbeat_ms, (unsigned long long)c->report_delta_kb,
		c->fmd_window, (unsigned long long)c->fmd_kb, c->fmd_max_reject,
		c->tx_retries, c->handover_retry_ms, c->reconnect_max_ms);
	if (c->domid == AGENT_DOMID_AUTO)
		fputs("domid = auto\n", out);
	else
		fprintf(out, "domid = %u\n", c->domid);
	fprintf(out, "log_level = %s\nmeminfo_path = %s\nvmstat_path = %s\n"
		"psi_path = %s\nsysfs_root = %s\n", log_level_name(c->log_level),
		c->meminfo_path, c->vmstat_path, c->psi_path, c->sysfs_root);
}
