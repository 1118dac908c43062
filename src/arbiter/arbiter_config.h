/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arbiter.ini: [policy] (policy_config.c), [daemon] and [domain NAME]
 * (design.md §Configuration). Loaded whole into a scratch struct and swapped in only when
 * the file has no error, so SIGHUP with a bad file keeps the old one.
 */
#ifndef MEMBAL_ARBITER_CONFIG_H
#define MEMBAL_ARBITER_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "policy/policy_config.h"

#define ARB_PATH_MAX 256
#define ARB_NAME_MAX 64          /* libxl allows longer; we match on 63 */
#define ARB_MAX_RULES 256        /* [domain NAME] sections */
#define ARB_EXCLUDE_MAX 512

enum arb_backend { ARB_BACKEND_XEN, ARB_BACKEND_SIM };

struct domain_rule {
	char name[ARB_NAME_MAX];
	unsigned line;             /* of its [domain NAME] header */
	bool has_min, has_max, has_shares, has_managed, has_headroom;
	uint64_t min_kb, max_kb;
	double shares;
	bool managed;
	enum policy_headroom headroom;   /* over [policy] headroom */
};

struct arbiter_config {
	struct policy_config policy;

	/* [daemon] */
	uint32_t interval_ms;
	uint32_t follow_up_ms;
	uint32_t stale_after_ms;
	uint32_t stuck_after_ms;
	uint32_t per_key_after_ms;
	uint64_t target_tolerance_kb;
	char exclude[ARB_EXCLUDE_MAX];   /* fnmatch patterns, space separated */
	bool manage_hvm, manage_pvh;
	bool follow_up_slow;             /* early cycles chain for slow donors */
	bool reserve_fresh;              /* `reserved ID` re-reads free memory */
	int log_level;
	uint32_t tx_retries;
	uint32_t max_domains;
	enum arb_backend backend;
	char sim_scenario[ARB_PATH_MAX];
	char status_file[ARB_PATH_MAX];
	char control_socket[ARB_PATH_MAX];
	char metrics_file[ARB_PATH_MAX]; /* "" = off */
	char lock_file[ARB_PATH_MAX];    /* one arbiter per host (lock.h) */

	/* [domain NAME] */
	unsigned nrules;
	struct domain_rule rules[ARB_MAX_RULES];
};

void arbiter_config_defaults(struct arbiter_config *c);
/* 0 and *out replaced, or -1 with every problem logged (file:line) and
 * *out untouched. first_error (optional) receives the first message. */
int arbiter_config_load(const char *path, struct arbiter_config *out,
			char *first_error, size_t size);
int arbiter_config_load_string(const char *name, const char *text,
			       struct arbiter_config *out);

/* The rule for a domain name, or NULL. */
const struct domain_rule *arbiter_config_rule(const struct arbiter_config *c,
					      const char *name);
/* Whether name matches one of the exclude patterns. */
bool arbiter_config_excluded(const struct arbiter_config *c, const char *name);

/* The effective configuration as an INI file that loads back to it
 * (membal-arbiter --check-config): every key, defaults included. */
void arbiter_config_print(FILE *out, const struct arbiter_config *c);

extern const char *const arb_backend_names[];

/* The key tables (arbiter_keys.c; [policy] is policy_section): loader,
 * defaults, --check-config, --list-keys and docs/configuration.md. */
extern const struct cfg_section daemon_section, domain_section;
extern const struct cfg_section *const arbiter_sections[];
extern const size_t arbiter_nsections;

#endif
