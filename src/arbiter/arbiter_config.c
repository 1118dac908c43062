/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/arbiter_config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

const char *const arb_backend_names[] = { "xen", "sim", NULL };

void arbiter_config_defaults(struct arbiter_config *c)
{
	memset(c, 0, sizeof(*c));
	policy_config_init(&c->policy);
	cfg_table_defaults(&daemon_section, c);
}

/* A load in progress: where each key was set, for duplicates and for
 * errors about two keys. */
struct arb_load {
	struct arbiter_config *c;
	struct cfg_lines daemon;
	struct cfg_lines rules[ARB_MAX_RULES];
	unsigned dup_section_line;  /* a reopened [domain NAME], reported */
};

static void *domain_bind(struct cfg_file *f, const char *section,
			 struct cfg_lines **lines, struct arb_load *l)
{
	struct arbiter_config *c = l->c;
	const char *name = section + strlen("domain ");

	for (unsigned i = 0; i < c->nrules; i++) {
		struct domain_rule *r = &c->rules[i];

		if (strcmp(r->name, name))
			continue;
		if (r->line == f->section_line) {
			*lines = &l->rules[i];
			return r;
		}
		/* The same NAME again: which section would win is a guess. */
		if (l->dup_section_line != f->section_line) {
			unsigned saved = f->line;

			l->dup_section_line = f->section_line;
			f->line = f->section_line;
			cfg_error(f, NULL, NULL, "[%s] given twice (first at line %u)",
				  section, r->line);
			f->line = saved;
		}
		return NULL;
	}
	if (*name == '\0' || strlen(name) >= ARB_NAME_MAX) {
		cfg_error(f, NULL, NULL, "[%s]: domain name empty or longer than %d characters",
			  section, ARB_NAME_MAX - 1);
		return NULL;
	}
	if (c->nrules == ARB_MAX_RULES) {
		cfg_error(f, NULL, NULL, "[%s]: more than %d [domain] sections",
			  section, ARB_MAX_RULES);
		return NULL;
	}
	struct domain_rule *r = &c->rules[c->nrules];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->line = f->section_line;
	*lines = &l->rules[c->nrules++];
	return r;
}

static void *arbiter_bind(struct cfg_file *f, const struct cfg_section *sec,
			  const char *section, struct cfg_lines **lines, void *user)
{
	struct arb_load *l = user;

	if (sec == &policy_section) {
		*lines = &l->c->policy.lines;
		return &l->c->policy.params;
	}
	if (sec == &daemon_section) {
		*lines = &l->daemon;
		return l->c;
	}
	return domain_bind(f, section, lines, l);
}

static bool arbiter_key(struct cfg_file *f, const char *s, const char *k,
			const char *v, void *user)
{
	return cfg_table_key(f, arbiter_sections, arbiter_nsections, s, k, v,
			     arbiter_bind, user);
}

static int arbiter_config_finish(struct cfg_file *f, struct arb_load *l)
{
	struct arbiter_config *c = l->c;
	const char *which;

	/* Cross-key checks run even after errors: one pass reports all.
	 * Each names the later of its two keys' lines. */
	policy_config_finish(f, &c->policy);
	for (unsigned i = 0; i < c->nrules; i++) {
		struct domain_rule *r = &c->rules[i];

		if (r->has_min && r->has_max && r->min_kb > r->max_kb) {
			char sec[ARB_NAME_MAX + 8];

			snprintf(sec, sizeof(sec), "domain %s", r->name);
			f->line = cfg_table_later(&domain_section, &l->rules[i],
						  "min_mb", "max_mb", &which);
			cfg_error(f, sec, which, "min_mb %llu > max_mb %llu",
				  (unsigned long long)(r->min_kb / 1024),
				  (unsigned long long)(r->max_kb / 1024));
		}
	}
	/* The agents' heartbeat (10 s by default) must fit well inside the
	 * staleness window, or healthy quiet guests flap between stale and
	 * managed; refuse a window below two cycles. */
	if (c->stale_after_ms < 2 * c->interval_ms) {
		f->line = cfg_table_later(&daemon_section, &l->daemon,
					  "stale_after_ms", "interval_ms", &which);
		cfg_error(f, "daemon", which,
			  "stale_after_ms %u is below two intervals (interval_ms = %u)",
			  c->stale_after_ms, c->interval_ms);
	}
	return f->errors ? -1 : 0;
}

/* Loads path (or text, when not NULL) over the defaults. */
static int arbiter_config_load_any(const char *path, const char *text,
				   struct arbiter_config *out, char *first_error,
				   size_t size)
{
	struct arb_load *l = calloc(1, sizeof(*l));
	struct cfg_file f;
	int rc = -1;

	if (!l || !(l->c = malloc(sizeof(*l->c)))) {
		free(l);
		return -1;
	}
	arbiter_config_defaults(l->c);
	rc = text ? cfg_load_string(path, text, arbiter_key, l, &f)
		  : cfg_load(path, arbiter_key, l, &f);
	if (arbiter_config_finish(&f, l) < 0)
		rc = -1;
	if (rc == 0)
		*out = *l->c;
	if (first_error && size)
		snprintf(first_error, size, "%s", f.first_error);
	free(l->c);
	free(l);
	return rc;
}

int arbiter_config_load(const char *path, struct arbiter_config *out,
			char *first_error, size_t size)
{
	return arbiter_config_load_any(path, NULL, out, first_error, size);
}

int arbiter_config_load_string(const char *name, const char *text,
			       struct arbiter_config *out)
{
	return arbiter_config_load_any(name, text, out, NULL, 0);
}

const struct domain_rule *arbiter_config_rule(const struct arbiter_config *c,
					      const char *name)
{
	for (unsigned i = 0; i < c->nrules; i++)
		if (!strcmp(c->rules[i].name, name))
			return &c->rules[i];
	return NULL;
}

bool arbiter_config_excluded(const struct arbiter_config *c, const char *name)
{
	char pats[ARB_EXCLUDE_MAX];
	char *save = NULL;

	snprintf(pats, sizeof(pats), "%s", c->exclude);
	for (char *p = strtok_r(pats, " \t,", &save); p;
	     p = strtok_r(NULL, " \t,", &save))
		if (fnmatch(p, name, 0) == 0)
			return true;
	return false;
}

void arbiter_config_print(FILE *out, const struct arbiter_config *c)
{
	policy_config_print(out, &c->policy.params);
	fputs("\n[daemon]\n", out);
	cfg_table_print(out, &daemon_section, c);
	for (unsigned i = 0; i < c->nrules; i++) {
		fprintf(out, "\n[domain %s]\n", c->rules[i].name);
		cfg_table_print(out, &domain_section, &c->rules[i]);
	}
}
