/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/policy_config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum key_type {
	KEY_FRACTION,  /* double in [min, max) */
	KEY_DOUBLE,    /* double in [min, max] */
	KEY_ENUM,      /* one of names[] into an enum field */
	KEY_U32,
	KEY_U64,
	KEY_MIB,       /* MiB in the file, KiB in policy_params */
};

struct policy_key {
	const char *name;
	enum key_type type;
	size_t offset;
	double min, max;              /* KEY_FRACTION, KEY_DOUBLE */
	uint64_t umin, umax;          /* KEY_U32, KEY_U64, KEY_MIB (in MiB) */
	const char *const *names;     /* KEY_ENUM */
};

#define P(field) offsetof(struct policy_params, field)
#define MIB_MAX (POLICY_KB_MAX / 1024)

/* The ranges are what the policy can work with, not advice: tau = 1
 * would divide by zero (k = 1/(1 - tau)), a hysteresis of 0 would never
 * move. */
static const struct policy_key keys[] = {
	{ "tau", KEY_FRACTION, P(tau), 0, 1, 0, 0, NULL },
	{ "epsilon", KEY_DOUBLE, P(epsilon), 0, 1e6, 0, 0, NULL },
	{ "solver", KEY_ENUM, P(solver), 0, 0, 0, 0, policy_solver_names },
	{ "free_source", KEY_ENUM, P(free_source), 0, 0, 0, 0,
	  policy_free_source_names },
	{ "scarce_cap", KEY_ENUM, P(scarce_cap), 0, 0, 0, 0,
	  policy_scarce_cap_names },
	{ "dom0_mode", KEY_ENUM, P(dom0_mode), 0, 0, 0, 0,
	  policy_dom0_mode_names },
	{ "hysteresis_up", KEY_U32, P(hysteresis_up), 0, 0, 1, 1000000, NULL },
	{ "hysteresis_down", KEY_U32, P(hysteresis_down), 0, 0, 1, 1000000,
	  NULL },
	{ "headroom_mb", KEY_MIB, P(headroom_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "reserve_mb", KEY_MIB, P(reserve_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "min_change_mb", KEY_MIB, P(min_change_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "settle_min_kb", KEY_U64, P(settle_min_kb), 0, 0, 0, MIB_MAX * 1024, NULL },
	{ "psi_no_shrink", KEY_U64, P(psi_no_shrink), 0, 0, 0, 10000, NULL },
	{ "swapin_no_shrink", KEY_U64, P(swapin_no_shrink), 0, 0, 0,
	  UINT32_MAX, NULL },
	{ "oom_bump_mb", KEY_MIB, P(oom_bump_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "oom_hold_s", KEY_U32, P(oom_hold_s), 0, 0, 0, 366u * 86400, NULL },
	/* The need-aware policy: what sizes a domain, and how long a newly
	 * adopted one is not shrunk
	 * (design.md §Scarce mode from the estimated need). */
	{ "need", KEY_ENUM, P(need), 0, 0, 0, 0, policy_need_names },
	{ "adopt_grace_s", KEY_U32, P(adopt_grace_s), 0, 0, 0, 86400, NULL },
	{ "min_mb", KEY_MIB, P(min_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "max_mb", KEY_MIB, P(max_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "shares", KEY_DOUBLE, P(shares), POLICY_SHARES_MIN, POLICY_SHARES_MAX,
	  0, 0, NULL },
	/* The learned gap (policy/gap.h), one block. */
	{ "headroom", KEY_ENUM, P(headroom), 0, 0, 0, 0, policy_headroom_names },
	{ "gap_min_mb", KEY_MIB, P(gap_min_kb), 0, 0, 0, 4096, NULL },
	{ "gap_max_mb", KEY_MIB, P(gap_max_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "gap_start_mb", KEY_MIB, P(gap_start_kb), 0, 0, 0, MIB_MAX, NULL },
	{ "gap_fine_pagein", KEY_U32, P(gap_fine_pagein), 0, 0, 0, 100000, NULL },
	{ "gap_fine_io", KEY_U32, P(gap_fine_io), 0, 0, 0, 100000, NULL },
	{ "gap_fine_oom", KEY_U32, P(gap_fine_oom), 0, 0, 0, 100000, NULL },
	{ "gap_prize", KEY_U32, P(gap_prize), 0, 0, 0, 100000, NULL },
	{ "gap_tolerance", KEY_U32, P(gap_tolerance), 0, 0, 0, 1000000, NULL },
	{ "gap_greedy", KEY_U32, P(gap_greedy), 0, 0, 0, 1000000, NULL },
	{ "gap_pagein_rate", KEY_U32, P(gap_pagein_rate), 0, 0, 0, 1000000, NULL },
	{ "gap_io_rate", KEY_U32, P(gap_io_rate), 0, 0, 0, 1000000, NULL },
	{ "gap_explore_max_mb", KEY_MIB, P(gap_explore_max_kb), 0, 0, 0, 128, NULL },
	{ "gap_explore_s", KEY_U32, P(gap_explore_s), 0, 0, 0, 86400, NULL },
	{ "gap_seed", KEY_U32, P(gap_seed), 0, 0, 0, UINT32_MAX, NULL },
};

void policy_config_init(struct policy_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	policy_params_default(&pc->params);
}

static bool set_key(struct cfg_file *f, const char *section,
		    const struct policy_key *k, const char *value,
		    struct policy_params *p)
{
	char *field = (char *)p + k->offset;
	uint64_t u;
	double d;
	int e;

	switch (k->type) {
	case KEY_FRACTION:
		if (!cfg_get_double(f, section, k->name, value, k->min, k->max,
				    true, &d))
			return false;
		memcpy(field, &d, sizeof(d));
		return true;
	case KEY_DOUBLE:
		if (!cfg_get_double(f, section, k->name, value, k->min, k->max,
				    false, &d))
			return false;
		memcpy(field, &d, sizeof(d));
		return true;
	case KEY_ENUM:
		if (!cfg_get_enum(f, section, k->name, value, k->names, &e))
			return false;
		memcpy(field, &e, sizeof(e));
		return true;
	case KEY_U32: {
		uint32_t v;

		if (!cfg_get_u32(f, section, k->name, value, (uint32_t)k->umin,
				 (uint32_t)k->umax, &v))
			return false;
		memcpy(field, &v, sizeof(v));
		return true;
	}
	case KEY_U64:
		if (!cfg_get_u64(f, section, k->name, value, k->umin, k->umax,
				 &u))
			return false;
		memcpy(field, &u, sizeof(u));
		return true;
	case KEY_MIB:
		if (!cfg_get_u64(f, section, k->name, value, k->umin, k->umax,
				 &u))
			return false;
		u *= 1024;
		memcpy(field, &u, sizeof(u));
		return true;
	}
	return false;
}

bool policy_config_key(struct cfg_file *f, const char *section,
		       const char *key, const char *value,
		       struct policy_config *pc)
{
	_Static_assert(sizeof(enum policy_solver) == sizeof(int),
		       "enum fields are written as int");

	if (strcmp(section, "policy") != 0)
		return false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, key) != 0)
			continue;
		if (set_key(f, section, &keys[i], value, &pc->params)) {
			if (strcmp(key, "min_mb") == 0)
				pc->min_mb_line = f->line;
			else if (strcmp(key, "max_mb") == 0)
				pc->max_mb_line = f->line;
		}
		/* A bad value is a known key: reported, not "unknown". */
		return true;
	}
	return false;
}

int policy_config_finish(struct cfg_file *f, struct policy_config *pc)
{
	const struct policy_params *p = &pc->params;

	if (p->max_kb != 0 && p->min_kb > p->max_kb) {
		unsigned saved = f->line;

		f->line = pc->min_mb_line > pc->max_mb_line ? pc->min_mb_line
							    : pc->max_mb_line;
		cfg_error(f, "policy",
			  pc->min_mb_line > pc->max_mb_line ? "min_mb" : "max_mb",
			  "min_mb %llu > max_mb %llu",
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
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct policy_key *k = &keys[i];
		const char *field = (const char *)p + k->offset;
		double d;
		uint64_t u;
		uint32_t u32;
		int e;

		switch (k->type) {
		case KEY_FRACTION:
		case KEY_DOUBLE:
			memcpy(&d, field, sizeof(d));
			fprintf(out, "%s = %.10g\n", k->name, d);
			break;
		case KEY_ENUM:
			memcpy(&e, field, sizeof(e));
			fprintf(out, "%s = %s\n", k->name, k->names[e]);
			break;
		case KEY_U32:
			memcpy(&u32, field, sizeof(u32));
			fprintf(out, "%s = %u\n", k->name, u32);
			break;
		case KEY_U64:
			memcpy(&u, field, sizeof(u));
			fprintf(out, "%s = %llu\n", k->name, (unsigned long long)u);
			break;
		case KEY_MIB:
			memcpy(&u, field, sizeof(u));
			fprintf(out, "%s = %llu\n", k->name, (unsigned long long)(u / 1024));
			break;
		}
	}
}
