/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * membal-agent configuration: the [agent] section of agent.ini.
 * Every key is a row of agent_keys[] (agent_config.c) with its default,
 * range and doc; conf/agent.ini and docs/configuration.md repeat them for
 * people and tests/unit/test_key_tables.c keeps them in step.
 */
#ifndef MEMBAL_AGENT_CONFIG_H
#define MEMBAL_AGENT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/cfg_table.h"

#define AGENT_PATH_MAX 256
#define AGENT_DOMID_AUTO UINT32_MAX

struct agent_config {
	uint32_t sample_ms;        /* how often /proc/meminfo is read */
	uint32_t heartbeat_ms;     /* publish at least this often */
	uint64_t report_delta_kb;  /* publish when a figure moved this much */
	uint32_t fmd_window;       /* free-memory filter window (readings) */
	uint64_t fmd_kb;           /* burst threshold above the window mean */
	uint32_t fmd_max_reject;   /* rejections in a row before accepting */
	uint32_t tx_retries;       /* transaction attempts per publication */
	uint32_t handover_retry_ms;/* retry period while keys are not ours */
	uint32_t reconnect_max_ms; /* cap of the reconnect back-off */
	uint32_t domid;            /* AGENT_DOMID_AUTO: read "domid" */
	int log_level;             /* syslog level */
	char meminfo_path[AGENT_PATH_MAX];
	char vmstat_path[AGENT_PATH_MAX];
	char psi_path[AGENT_PATH_MAX];
	char sysfs_root[AGENT_PATH_MAX];
	char swaps_path[AGENT_PATH_MAX];
};

/* The [agent] key table (cfg_table.h): loader, defaults, --check-config,
 * --list-keys and docs/configuration.md all read it. */
extern const struct cfg_section agent_section;
extern const struct cfg_section *const agent_sections[];
extern const size_t agent_nsections;

void agent_config_defaults(struct agent_config *c);
/* Load path over the defaults into *out. On error *out is untouched and
 * -1 is returned; every bad line has been logged with file:line. */
int agent_config_load(const char *path, struct agent_config *out);
/* Same from text (tests). */
int agent_config_load_string(const char *name, const char *text,
			     struct agent_config *out);

/* The effective configuration as an INI file that loads back to it
 * (membal-agent --check-config). */
void agent_config_print(FILE *out, const struct agent_config *c);

#endif
