/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/arbiter_config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domid.h"
#include "common/log.h"

const char *const arb_backend_names[] = { "xen", "sim", NULL };

void arbiter_config_defaults(struct arbiter_config *c)
{
	memset(c, 0, sizeof(*c));
	policy_config_init(&c->policy);
	c->interval_ms = 1000;         /* Zhang et al.'s Algorithm 1: once a second */
	c->stale_after_ms = 30000;     /* 3 agent heartbeats */
	c->stuck_after_ms = 20000;     /* squeezed flags a domain after 20 s */
	c->target_tolerance_kb = 1024;
	snprintf(c->exclude, sizeof(c->exclude), "*-dm"); /* stubdoms */
	c->manage_hvm = false;         /* opt-in until proven on real Xen */
	c->manage_pvh = false;
	c->log_level = LOG_INFO;
	c->tx_retries = 8;
	c->max_domains = 4096;
	c->backend = ARB_BACKEND_XEN;
	snprintf(c->status_file, sizeof(c->status_file), "/run/membal/status.json");
	snprintf(c->control_socket, sizeof(c->control_socket), "/run/membal/control.sock");
	snprintf(c->lock_file, sizeof(c->lock_file), "/run/membal/arbiter.lock");
}

static bool daemon_key(struct cfg_file *f, const char *s, const char *k,
		       const char *v, struct arbiter_config *c)
{
	int e;

	if (!strcmp(k, "interval_ms"))
		cfg_get_u32(f, s, k, v, 50, 3600000, &c->interval_ms);
	else if (!strcmp(k, "stale_after_ms"))
		cfg_get_u32(f, s, k, v, 100, 86400000, &c->stale_after_ms);
	else if (!strcmp(k, "stuck_after_ms"))
		cfg_get_u32(f, s, k, v, 100, 86400000, &c->stuck_after_ms);
	else if (!strcmp(k, "target_tolerance_kb"))
		cfg_get_u64(f, s, k, v, 0, UINT64_C(1) << 30, &c->target_tolerance_kb);
	else if (!strcmp(k, "exclude")) {
		/* An empty value is allowed: manage stubdoms too. */
		if (strlen(v) >= sizeof(c->exclude))
			cfg_error(f, s, k, "too long (at most %zu characters)",
				  sizeof(c->exclude) - 1);
		else
			snprintf(c->exclude, sizeof(c->exclude), "%s", v);
	} else if (!strcmp(k, "manage_hvm"))
		cfg_get_bool(f, s, k, v, &c->manage_hvm);
	else if (!strcmp(k, "manage_pvh"))
		cfg_get_bool(f, s, k, v, &c->manage_pvh);
	else if (!strcmp(k, "log_level")) {
		int l = log_level_from_name(v);

		if (l < 0)
			cfg_error(f, s, k, "'%.64s': expected err, warning, notice, info or debug", v);
		else
			c->log_level = l;
	} else if (!strcmp(k, "tx_retries"))
		cfg_get_u32(f, s, k, v, 1, 1000, &c->tx_retries);
	else if (!strcmp(k, "max_domains"))
		cfg_get_u32(f, s, k, v, 1, MEMBAL_DOMID_LIMIT, &c->max_domains);
	else if (!strcmp(k, "backend")) {
		if (cfg_get_enum(f, s, k, v, arb_backend_names, &e))
			c->backend = (enum arb_backend)e;
	} else if (!strcmp(k, "sim_scenario"))
		cfg_get_string(f, s, k, v, c->sim_scenario, sizeof(c->sim_scenario));
	else if (!strcmp(k, "status_file"))
		cfg_get_string(f, s, k, v, c->status_file, sizeof(c->status_file));
	else if (!strcmp(k, "control_socket"))
		cfg_get_string(f, s, k, v, c->control_socket, sizeof(c->control_socket));
	else if (!strcmp(k, "lock_file")) {
		if (*v != '/')
			cfg_error(f, s, k, "'%.64s': expected an absolute path", v);
		else
			cfg_get_string(f, s, k, v, c->lock_file, sizeof(c->lock_file));
	} else if (!strcmp(k, "metrics_file")) {
		if (*v == '\0')
			c->metrics_file[0] = '\0';
		else
			cfg_get_string(f, s, k, v, c->metrics_file, sizeof(c->metrics_file));
	} else
		return false;
	return true;
}

static struct domain_rule *rule_for(struct cfg_file *f, const char *section,
				    struct arbiter_config *c)
{
	const char *name = section + strlen("domain ");

	for (unsigned i = 0; i < c->nrules; i++)
		if (!strcmp(c->rules[i].name, name))
			return &c->rules[i];
	if (*name == '\0' || strlen(name) >= ARB_NAME_MAX) {
		cfg_error(f, section, NULL, "domain name empty or longer than %d characters",
			  ARB_NAME_MAX - 1);
		return NULL;
	}
	if (c->nrules == ARB_MAX_RULES) {
		cfg_error(f, section, NULL, "more than %d [domain] sections", ARB_MAX_RULES);
		return NULL;
	}
	struct domain_rule *r = &c->rules[c->nrules++];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->line = f->line;
	return r;
}

static bool domain_key(struct cfg_file *f, const char *s, const char *k,
		       const char *v, struct arbiter_config *c)
{
	struct domain_rule *r = rule_for(f, s, c);
	uint64_t mb;

	if (!r)
		return true; /* already reported */
	if (!strcmp(k, "min_mb")) {
		if (cfg_get_u64(f, s, k, v, 1, UINT64_C(1) << 30, &mb)) {
			r->min_kb = mb * 1024;
			r->has_min = true;
		}
	} else if (!strcmp(k, "max_mb")) {
		if (cfg_get_u64(f, s, k, v, 1, UINT64_C(1) << 30, &mb)) {
			r->max_kb = mb * 1024;
			r->has_max = true;
		}
	} else if (!strcmp(k, "shares")) {
		if (cfg_get_double(f, s, k, v, 1e-6, 1e6, false, &r->shares))
			r->has_shares = true;
	} else if (!strcmp(k, "managed")) {
		if (cfg_get_bool(f, s, k, v, &r->managed))
			r->has_managed = true;
	} else if (!strcmp(k, "headroom")) {
		int e;

		if (cfg_get_enum(f, s, k, v, policy_headroom_names, &e)) {
			r->headroom = (enum policy_headroom)e;
			r->has_headroom = true;
		}
	} else {
		return false;
	}
	return true;
}

static bool arbiter_key(struct cfg_file *f, const char *s, const char *k,
			const char *v, void *user)
{
	struct arbiter_config *c = user;

	if (!strcmp(s, "policy"))
		return policy_config_key(f, s, k, v, &c->policy);
	if (!strcmp(s, "daemon"))
		return daemon_key(f, s, k, v, c);
	if (!strncmp(s, "domain ", 7))
		return domain_key(f, s, k, v, c);
	return false;
}

static int arbiter_config_finish(struct cfg_file *f, struct arbiter_config *c)
{
	/* Cross-key checks run even after errors: one pass reports all. */
	policy_config_finish(f, &c->policy);
	for (unsigned i = 0; i < c->nrules; i++) {
		struct domain_rule *r = &c->rules[i];

		if (r->has_min && r->has_max && r->min_kb > r->max_kb) {
			char sec[ARB_NAME_MAX + 8];

			snprintf(sec, sizeof(sec), "domain %s", r->name);
			f->line = r->line;
			cfg_error(f, sec, "min_mb", "%llu > max_mb %llu",
				  (unsigned long long)(r->min_kb / 1024),
				  (unsigned long long)(r->max_kb / 1024));
		}
	}
	/* The agents' heartbeat (10 s by default) must fit well inside the
	 * staleness window, or healthy quiet guests flap between stale and
	 * managed; refuse a window below two cycles. */
	if (c->stale_after_ms < 2 * c->interval_ms) {
		f->line = 0;
		cfg_error(f, "daemon", "stale_after_ms",
			  "%u is below two intervals (interval_ms = %u)",
			  c->stale_after_ms, c->interval_ms);
	}
	return f->errors ? -1 : 0;
}

int arbiter_config_load(const char *path, struct arbiter_config *out,
			char *first_error, size_t size)
{
	struct arbiter_config *c = malloc(sizeof(*c));
	struct cfg_file f;
	int rc;

	if (!c)
		return -1;
	arbiter_config_defaults(c);
	rc = cfg_load(path, arbiter_key, c, &f);
	if (arbiter_config_finish(&f, c) < 0)
		rc = -1;
	if (rc == 0)
		*out = *c;
	if (first_error && size)
		snprintf(first_error, size, "%s", f.first_error);
	free(c);
	return rc;
}

int arbiter_config_load_string(const char *name, const char *text,
			       struct arbiter_config *out)
{
	struct arbiter_config *c = malloc(sizeof(*c));
	struct cfg_file f;
	int rc;

	if (!c)
		return -1;
	arbiter_config_defaults(c);
	rc = cfg_load_string(name, text, arbiter_key, c, &f);
	if (arbiter_config_finish(&f, c) < 0)
		rc = -1;
	if (rc == 0)
		*out = *c;
	free(c);
	return rc;
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
	fprintf(out, "\n[daemon]\n"
		"interval_ms = %u\nstale_after_ms = %u\nstuck_after_ms = %u\n"
		"target_tolerance_kb = %llu\nexclude = %s\n"
		"manage_hvm = %s\nmanage_pvh = %s\nlog_level = %s\n"
		"tx_retries = %u\nmax_domains = %u\nbackend = %s\n",
		c->interval_ms, c->stale_after_ms, c->stuck_after_ms,
		(unsigned long long)c->target_tolerance_kb, c->exclude,
		c->manage_hvm ? "yes" : "no", c->manage_pvh ? "yes" : "no",
		log_level_name(c->log_level), c->tx_retries, c->max_domains,
		arb_backend_names[c->backend]);
	/* An empty value means "none" for these; print them only when set
	 * so that the output loads back (an empty string is refused). */
	if (c->sim_scenario[0])
		fprintf(out, "sim_scenario = %s\n", c->sim_scenario);
	if (c->status_file[0])
		fprintf(out, "status_file = %s\n", c->status_file);
	if (c->control_socket[0])
		fprintf(out, "control_socket = %s\n", c->control_socket);
	fprintf(out, "metrics_file = %s\nlock_file = %s\n", c->metrics_file, c->lock_file);
	for (unsigned i = 0; i < c->nrules; i++) {
		const struct domain_rule *r = &c->rules[i];

		fprintf(out, "\n[domain %s]\n", r->name);
		if (r->has_min)
			fprintf(out, "min_mb = %llu\n", (unsigned long long)(r->min_kb / 1024));
		if (r->has_max)
			fprintf(out, "max_mb = %llu\n", (unsigned long long)(r->max_kb / 1024));
		if (r->has_shares)
			fprintf(out, "shares = %.10g\n", r->shares);
		if (r->has_managed)
			fprintf(out, "managed = %s\n", r->managed ? "yes" : "no");
		if (r->has_headroom)
			fprintf(out, "headroom = %s\n", policy_headroom_names[r->headroom]);
	}
}
