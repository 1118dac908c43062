/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/policy_config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void policy_config_init(struct policy_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	policy_params_default(&pc->params);
}

static void *policy_bind(struct cfg_file *f, const struct cfg_section *sec,
			 const char *section, struct cfg_lines **lines, void *user)
{
	struct policy_config *pc = user;

	(void)f, (void)sec, (void)section;
	*lines = &pc->lines;
	return &pc->params;
}

bool policy_config_key(struct cfg_file *f, const char *section,
		       const char *key, const char *value,
		       struct policy_config *pc)
{
	if (strcmp(section, "policy") != 0)
		return false;
	static const struct cfg_section *const secs[] = { &policy_section };

	return cfg_table_key(f, secs, 1, section, key, value,
			     policy_bind, pc);
}

int policy_config_finish(struct cfg_file *f, struct policy_config *pc)
{
	const struct policy_params *p = &pc->params;

	if (p->max_kb != 0 && p->min_kb > p->max_kb) {
		unsigned saved = f->line;
		const char *which;

		f->line = cfg_table_later(&policy_section, &pc->lines, "min_mb",
					  "max_mb", &which);
		cfg_error(f, "policy", which, "min_mb %llu > max_mb %llu",
			  (unsigned long long)(p->min_kb / 1024),
			  (unsigned long long)(p->max_kb / 1024));
		f->line = saved;
		return -1;
	}
	return 0;
}

/* Other sections belong to the daemon: accept them silently here. */
static bool policy_only_key(struct cfg_file *f, const char *section,
			    const char *key, const char *value, void *user)
{
	if (strcmp(section, "policy") != 0)
		return true;
	return policy_config_key(f, section, key, value, user);
}

int policy_config_load(const char *path, struct policy_params *out,
		       struct cfg_file *f)
{
	struct policy_config pc;

	policy_config_init(&pc);
	/* Finish even after errors: one pass reports every problem. */
	int rc = cfg_load(path, policy_only_key, &pc, f);

	if (policy_config_finish(f, &pc) < 0 || rc < 0)
		return -1;
	*out = pc.params;
	return 0;
}

void policy_config_print(FILE *out, const struct policy_params *p)
{
	fputs("[policy]\n", out);
	cfg_table_print(out, &policy_section, p);
}
