/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The [policy] section of arbiter.ini (design.md §Configuration) into struct
 * policy_params. Defaults come from policy_params_default(), the one
 * place they are written down; conf/arbiter.ini repeats them as comments.
 *
 * The daemon loads the whole file with its own cfg_key_fn and hands
 * [policy] keys to policy_config_key() (it returns false for anything
 * else, so the caller can try its [daemon] and [domain NAME] handlers),
 * then calls policy_config_finish() for the checks that involve two keys.
 * Tools that need only the policy call policy_config_load().
 */
#ifndef MEMBAL_ARBITER_POLICY_CONFIG_H
#define MEMBAL_ARBITER_POLICY_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "policy/policy.h"
#include "common/cfg_table.h"

struct policy_config {
	struct policy_params params;
	struct cfg_lines lines; /* where each key was set (0: default) */
};

/* The [policy] key table (policy_keys.c). */
extern const struct cfg_section policy_section;

/* Defaults. */
void policy_config_init(struct policy_config *pc);

/* One key of section [policy]: false if the section is not "policy" or
 * the key is not a policy key; bad values are reported through
 * cfg_error() (file:line) and leave the field unchanged. */
bool policy_config_key(struct cfg_file *f, const char *section,
		       const char *key, const char *value,
		       struct policy_config *pc);

/* Checks between keys, after the whole file was read. 0 or -1. */
int policy_config_finish(struct cfg_file *f, struct policy_config *pc);

/* Load [policy] from path over the defaults; other sections are ignored
 * (they belong to the daemon). On success (0) *out is replaced; on error
 * (-1, everything logged, f->first_error set) *out is left alone. */
int policy_config_load(const char *path, struct policy_params *out,
		       struct cfg_file *f);

/* Every [policy] key with its value in p, as INI lines that load back
 * to the same parameters (membal-arbiter --check-config). */
void policy_config_print(FILE *out, const struct policy_params *p);

#endif
