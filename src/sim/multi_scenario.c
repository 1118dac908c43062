/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cluster scenarios (docs/design.md "membal-sim: several hosts"):
 *
 *   [cluster]                 instead of [host]; besides [host]'s keys
 *   min_mb = 64                 (duration_s, seed, trace, physics):
 *   migrate_mb_s = 110        the migration network
 *   max_rounds = 5            pre-copy rounds
 *   resume_ms = 100           added to the final pause
 *   reserve_wait_s = 20       the destination's time to make room
 *   dirty_mb_s = 4            every guest's default (below)
 *   slots = 64                domains each host can start in a run
 *                             (default: guests + 32)
 *   [host NAME]               one per host
 *   total_mb = 2048, dom0_mb = 1024
 *   always_on = no            yes: powered even when it runs no guest
 *   reserve_at = 200:512:60   another tool's reservations on this host,
 *                             as [host]'s (AT:MB:LEASE_S[:HOLD_S], ...)
 *   [run NAME]                one run each (default: one, gmm, no rebalancing)
 *   placement = pemm          bs | gm | gmm | emm | pemm
 *   rebalance_s = 60          0: never
 *   power_cost = 100          share-MiB, pemm
 *   hold = 3, min_gain_mb = 16, max_concurrent = 2, cooldown_s = 1800
 *   [guest NAME]              [guest]'s keys, and
 *   min_mb, shares            L_i and S_i (default: the arbiter's)
 *   dirty_mb_s = 4            pages it dirties while migrating
 *   migratable = yes
 *
 * Two passes over the file: cfg_load() reads the keys of this file (so
 * their errors name file:line), then simhost's own parser reads the rest
 * from a copy in which every line of this file's keys and sections is
 * blanked, so its errors name the same lines. [cluster]'s [host] keys
 * are moved to a [host] section appended at the end (total_mb and dom0_mb
 * summed over the hosts: placement, not this check, decides who fits).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domid.h"
#include "common/config.h"
#include "common/log.h"
#include "sim/multi.h"

#define TEXT_MAX (8u << 20)
#define MB_MAX (UINT64_C(1) << 24)

static const char *const host_pass[] = {
	"balloon_rate_mb_s", "duration_s", "seed", "trace", "swap_fault_us",
	"touch_window_s", "swap_rate_mb_s", "cache_rate_mb_s", "burst_mb", "oom_restart_s",
	"oom_retouch_mb_s", NULL,
};
static const char *const guest_extra_keys[] = {
	"min_mb", "shares", "dirty_mb_s", "migratable", NULL,
};

struct named_extra {
	char name[SIM_NAME_MAX];
	struct multi_guest_extra x;
};

struct mload {
	struct multi_scenario *m;
	struct named_extra *ex;
	size_t n_ex, cap_ex;
	bool slots_set, oom;
	uint64_t default_dirty_kb_s;
};

static bool in(const char *const *list, const char *key)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static const char *named(const char *section, const char *kind)
{
	size_t n = strlen(kind);

	if (strncmp(section, kind, n) || (section[n] != ' ' && section[n] != '\t'))
		return NULL;
	section += n;
	while (*section == ' ' || *section == '\t')
		section++;
	return *section ? section : NULL;
}

static struct multi_host_spec *host_of(struct mload *l, struct cfg_file *f,
				       const char *section, const char *name)
{
	struct multi_scenario *m = l->m;

	for (size_t i = 0; i < m->n_hosts; i++)
		if (!strcmp(m->host[i].name, name))
			return &m->host[i];
	if (m->n_hosts == MULTI_MAX_HOSTS) {
		cfg_error(f, section, NULL, "more than %d hosts", MULTI_MAX_HOSTS);
		return NULL;
	}
	if (strlen(name) >= MULTI_NAME_MAX || !sim_name_ok(name)) {
		cfg_error(f, section, NULL, "host name: [A-Za-z0-9_.-], at most %d characters",
			  MULTI_NAME_MAX - 1);
		return NULL;
	}
	snprintf(m->host[m->n_hosts].name, MULTI_NAME_MAX, "%s", name);
	return &m->host[m->n_hosts++];
}

static struct multi_run_spec *run_of(struct mload *l, struct cfg_file *f,
				     const char *section, const char *name)
{
	struct multi_scenario *m = l->m;
	struct multi_run_spec *r;

	for (size_t i = 0; i < m->n_runs; i++)
		if (!strcmp(m->run[i].name, name))
			return &m->run[i];
	if (m->n_runs == MULTI_MAX_RUNS) {
		cfg_error(f, section, NULL, "more than %d runs", MULTI_MAX_RUNS);
		return NULL;
	}
	if (strlen(name) >= SIM_LABEL_MAX || !sim_name_ok(name)) {
		cfg_error(f, section, NULL, "run name: [A-Za-z0-9_.-], at most %d characters",
			  SIM_LABEL_MAX - 1);
		return NULL;
	}
	r = &m->run[m->n_runs++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->placement = PLACE_GMM;
	place_params_default(&r->pp);
	return r;
}

static struct multi_guest_extra *extra_of(struct mload *l, const char *name)
{
	for (size_t i = 0; i < l->n_ex; i++)
		if (!strcmp(l->ex[i].name, name))
			return &l->ex[i].x;
	if (l->n_ex == l->cap_ex) {
		size_t cap = l->cap_ex ? 2 * l->cap_ex : 64;
		struct named_extra *ex = realloc(l->ex, cap * sizeof(*ex));

		if (!ex) {
			l->oom = true;
			return NULL;
		}
		l->ex = ex;
		l->cap_ex = cap;
	}
	memset(&l->ex[l->n_ex], 0, sizeof(l->ex[0]));
	snprintf(l->ex[l->n_ex].name, SIM_NAME_MAX, "%s", name);
	l->ex[l->n_ex].x.migratable = true;
	l->ex[l->n_ex].x.dirty_kb_s = UINT64_MAX;   /* the cluster's default */
	return &l->ex[l->n_ex++].x;
}

static void run_key(struct cfg_file *f, const char *s, struct multi_run_spec *r,
		    const char *k, const char *v)
{
	uint64_t x;
	int alg;

	if (!strcmp(k, "placement")) {
		if (cfg_get_enum(f, s, k, v, place_algorithm_names, &alg)) {
			if (alg == PLACE_REBALANCE)
				cfg_error(f, s, k, "rebalance is not a placement (set rebalance_s)");
			else
				r->placement = (enum place_algorithm)alg;
		}
	} else if (!strcmp(k, "rebalance_s")) {
		if (cfg_get_u64(f, s, k, v, 0, SIM_WORKLOAD_S_MAX, &x))
			r->rebalance_ms = x * 1000;
	} else if (!strcmp(k, "power_cost")) {
		cfg_get_double(f, s, k, v, 0, 1e9, false, &r->pp.power_cost);
	} else if (!strcmp(k, "hold")) {
		cfg_get_u32(f, s, k, v, 1, 1000000, &r->pp.hold);
	} else if (!strcmp(k, "min_gain_mb")) {
		if (cfg_get_u64(f, s, k, v, 0, MB_MAX, &x))
			r->pp.min_gain_kb = x * 1024;
	} else if (!strcmp(k, "max_concurrent")) {
		cfg_get_u32(f, s, k, v, 1, 64, &r->pp.max_concurrent);
	} else if (!strcmp(k, "cooldown_s")) {
		cfg_get_u32(f, s, k, v, 0, 86400 * 7, &r->pp.cooldown_s);
	} else if (!strcmp(k, "max_moves")) {
		cfg_get_u32(f, s, k, v, 1, 100000, &r->pp.max_moves);
	} else {
		cfg_error(f, s, k, "unknown key (expected placement, rebalance_s, power_cost, hold, min_gain_mb, max_concurrent, cooldown_s, max_moves)");
	}
}

static void cluster_key(struct mload *l, struct cfg_file *f, const char *s,
			const char *k, const char *v)
{
	struct multi_scenario *m = l->m;
	uint64_t x;

	if (!strcmp(k, "min_mb")) {
		if (cfg_get_u64(f, s, k, v, 1, MB_MAX, &x))
			m->min_kb = x * 1024;
	} else if (!strcmp(k, "migrate_mb_s")) {
		if (cfg_get_u64(f, s, k, v, 1, 1 << 20, &x))
			m->mig.bandwidth_kb_s = x * 1024;
	} else if (!strcmp(k, "max_rounds")) {
		cfg_get_u32(f, s, k, v, 1, 100, &m->mig.max_rounds);
	} else if (!strcmp(k, "resume_ms")) {
		cfg_get_u64(f, s, k, v, 0, 60000, &m->mig.resume_ms);
	} else if (!strcmp(k, "reserve_wait_s")) {
		if (cfg_get_u64(f, s, k, v, 1, 3600, &x))
			m->mig.reserve_wait_ms = x * 1000;
	} else if (!strcmp(k, "dirty_mb_s")) {
		if (cfg_get_u64(f, s, k, v, 0, 1 << 20, &x))
			l->default_dirty_kb_s = x * 1024;
	} else if (!strcmp(k, "slots")) {
		l->slots_set = cfg_get_u32(f, s, k, v, 1, MEMBAL_DOMID_LIMIT - 1, &m->slots);
	} else if (!strcmp(k, "reserve_at")) {
		/* A reservation is made on one host's arbiter. */
		cfg_error(f, s, k, "is per host: give it in [host NAME]");
	} else if (!in(host_pass, k)) {
		cfg_error(f, s, k, "unknown key in [cluster]");
	}
}

/* [host NAME] reserve_at: parsed as [host]'s (simhost/scenario_events.c). */
static void host_resv(struct cfg_file *f, const char *section, const char *key,
		      const char *value, struct multi_host_spec *h)
{
	char why[160];

	if (h->resv_set) {
		cfg_error(f, section, key, "given twice");
		return;
	}
	h->resv_set = true;
	if (sim_resv_events_parse(value, h->resv_ev, &h->n_resv_ev, why, sizeof(why)) < 0)
		cfg_error(f, section, key, "'%.64s': %s", value, why);
}

static bool mkey(struct cfg_file *f, const char *section, const char *key,
		 const char *value, void *user)
{
	struct mload *l = user;
	const char *name;
	uint64_t x;

	if (!strcmp(section, "cluster")) {
		cluster_key(l, f, section, key, value);
	} else if (!strcmp(section, "host")) {
		cfg_error(f, section, key, "a cluster has [cluster] and [host NAME], not [host]");
	} else if ((name = named(section, "host"))) {
		struct multi_host_spec *h = host_of(l, f, section, name);

		if (!h)
			return true;
		if (!strcmp(key, "total_mb") && cfg_get_u64(f, section, key, value, 1, MB_MAX, &x))
			h->total_kb = x * 1024;
		else if (!strcmp(key, "dom0_mb") && cfg_get_u64(f, section, key, value, 1, MB_MAX, &x))
			h->dom0_kb = x * 1024;
		else if (!strcmp(key, "always_on"))
			cfg_get_bool(f, section, key, value, &h->always_on);
		else if (!strcmp(key, "reserve_at"))
			host_resv(f, section, key, value, h);
		else if (strcmp(key, "total_mb") && strcmp(key, "dom0_mb"))
			cfg_error(f, section, key, "unknown key (expected total_mb, dom0_mb, always_on, reserve_at)");
	} else if ((name = named(section, "run"))) {
		struct multi_run_spec *r = run_of(l, f, section, name);

		if (r)
			run_key(f, section, r, key, value);
	} else if ((name = named(section, "guest")) && in(guest_extra_keys, key)) {
		struct multi_guest_extra *g = extra_of(l, name);
		double d;

		if (!g)
			return true;
		if (!strcmp(key, "min_mb") && cfg_get_u64(f, section, key, value, 1, MB_MAX, &x)) {
			g->has_min = true;
			g->min_kb = x * 1024;
		} else if (!strcmp(key, "shares") &&
			   cfg_get_double(f, section, key, value, 0.001, 1e6, false, &d)) {
			g->has_shares = true;
			g->shares = d;
		} else if (!strcmp(key, "dirty_mb_s") &&
			   cfg_get_u64(f, section, key, value, 0, 1 << 20, &x)) {
			g->dirty_kb_s = x * 1024;
		} else if (!strcmp(key, "migratable")) {
			cfg_get_bool(f, section, key, value, &g->migratable);
		}
	}
	/* Everything else is simhost's: checked in the second pass. */
	return true;
}

/* A line this file owns (blanked for simhost's parser), or one of
 * [cluster]'s [host] keys (moved to the end). */
enum owner { LINE_SIMHOST, LINE_OURS, LINE_MOVE };

static enum owner classify(const char *line, size_t len, char *section, size_t size)
{
	char key[64];
	size_t i = 0, k = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] == '[') {
		const char *end = memchr(line + i, ']', len - i);
		size_t n = end ? (size_t)(end - line - i - 1) : 0;

		snprintf(section, size, "%.*s", (int)(n < size ? n : size - 1), line + i + 1);
		return !strcmp(section, "cluster") || named(section, "host") ||
		       named(section, "run") ? LINE_OURS : LINE_SIMHOST;
	}
	if (i == len || line[i] == ';' || line[i] == '#')
		return LINE_SIMHOST;
	while (i < len && line[i] != '=' && line[i] != ' ' && line[i] != '\t' &&
	       k + 1 < sizeof(key))
		key[k++] = line[i++];
	key[k] = '\0';
	if (!strcmp(section, "cluster"))
		return in(host_pass, key) ? LINE_MOVE : LINE_OURS;
	if (named(section, "host") || named(section, "run"))
		return LINE_OURS;
	if (named(section, "guest") && in(guest_extra_keys, key))
		return LINE_OURS;
	return LINE_SIMHOST;
}

/* The text simhost's parser reads; NULL on ENOMEM. */
static char *second_text(const char *text, const struct multi_scenario *m,
			 const char *dir)
{
	size_t len = strlen(text), cap = 2 * len + 1024, o = 0;
	char *out = malloc(cap), *moved = malloc(len + 1024), section[80] = "";
	size_t mo = 0;
	uint64_t total = 0, dom0 = 0;

	if (!out || !moved) {
		free(out);
		free(moved);
		return NULL;
	}
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		enum owner w = classify(p, n, section, sizeof(section));

		if (w == LINE_SIMHOST) {
			memcpy(out + o, p, n);
			o += n;
		} else {
			out[o++] = ';';
		}
		out[o++] = '\n';
		if (w == LINE_MOVE) {
			const char *eq = memchr(p, '=', n);

			/* A relative trace is relative to the scenario file. */
			if (eq && dir && !strncmp(p + strspn(p, " \t"), "trace", 5)) {
				const char *v = eq + 1;

				while (*v == ' ' || *v == '\t')
					v++;
				if (*v != '/')
					mo += (size_t)sprintf(moved + mo, "trace = %s/", dir),
					n -= (size_t)(v - p), p = v;
			}
			memcpy(moved + mo, p, n);
			mo += n;
			moved[mo++] = '\n';
		}
		p += n + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < m->n_hosts; i++) {
		total += m->host[i].total_kb;
		dom0 += m->host[i].dom0_kb;
	}
	o += (size_t)snprintf(out + o, cap - o, "[host]\ntotal_mb = %llu\ndom0_mb = %llu\n",
			      (unsigned long long)(total / 1024),
			      (unsigned long long)(dom0 / 1024));
	if (o + mo + 1 > cap) {
		free(out);
		free(moved);
		return NULL;
	}
	memcpy(out + o, moved, mo);
	out[o + mo] = '\0';
	free(moved);
	return out;
}

static int load(const char *name, const char *text, const char *dir,
		struct multi_scenario *m, struct cfg_file *f)
{
	struct mload l = { .m = m };
	char *second;
	int rc;

	memset(m, 0, sizeof(*m));
	migrate_params_default(&m->mig);
	l.default_dirty_kb_s = 4 * 1024;
	rc = cfg_load_string(name, text, mkey, &l, f);
	if (l.oom)
		cfg_error(f, NULL, NULL, "out of memory");
	f->line = 0;
	if (rc == 0 && !f->errors && m->n_hosts == 0)
		cfg_error(f, NULL, NULL, "no [host NAME] section: not a cluster");
	for (size_t i = 0; i < m->n_hosts && !f->errors; i++)
		if (!m->host[i].total_kb || !m->host[i].dom0_kb ||
		    m->host[i].dom0_kb >= m->host[i].total_kb)
			cfg_error(f, NULL, NULL, "[host %s] needs total_mb above dom0_mb",
				  m->host[i].name);
	if (f->errors) {
		free(l.ex);
		return -1;
	}
	if (m->n_runs == 0) {
		struct multi_run_spec *r = &m->run[m->n_runs++];

		snprintf(r->name, sizeof(r->name), "gmm");
		r->placement = PLACE_GMM;
		place_params_default(&r->pp);
	}
	second = second_text(text, m, dir);
	if (!second) {
		free(l.ex);
		cfg_error(f, NULL, NULL, "out of memory");
		return -1;
	}
	rc = sim_scenario_load_string(name, second, &m->sc, f);
	free(second);
	if (rc == 0 && m->sc.n_guests == 0) {
		f->line = 0;
		cfg_error(f, NULL, NULL, "a cluster needs at least one [guest NAME]");
		rc = -1;
	}
	if (rc == 0) {
		m->extra = calloc(m->sc.n_guests ? m->sc.n_guests : 1, sizeof(*m->extra));
		if (!m->extra)
			rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < m->sc.n_guests; i++) {
		struct multi_guest_extra *x = &m->extra[i];

		x->migratable = true;
		x->dirty_kb_s = l.default_dirty_kb_s;
		for (size_t j = 0; j < l.n_ex; j++)
			if (!strcmp(l.ex[j].name, m->sc.guests[i].name)) {
				*x = l.ex[j].x;
				if (x->dirty_kb_s == UINT64_MAX)
					x->dirty_kb_s = l.default_dirty_kb_s;
			}
	}
	if (rc == 0 && !l.slots_set)
		m->slots = (uint32_t)m->sc.n_guests + 32;
	free(l.ex);
	if (rc < 0)
		multi_scenario_free(m);
	return rc;
}

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "re");
	char *buf;
	size_t n;

	if (!fp)
		return NULL;
	buf = malloc(TEXT_MAX + 1);
	n = buf ? fread(buf, 1, TEXT_MAX + 1, fp) : 0;
	fclose(fp);
	if (!buf || n > TEXT_MAX || memchr(buf, '\0', n)) {
		free(buf);
		errno = buf ? EFBIG : ENOMEM;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int multi_scenario_is(const char *path)
{
	char *t = read_text(path), section[80] = "";
	int is = 0;

	if (!t)
		return -1;
	for (const char *p = t; *p && !is;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		classify(p, n, section, sizeof(section));
		is = named(section, "host") != NULL;
		p += n + (nl ? 1 : 0);
	}
	free(t);
	return is;
}

int multi_scenario_load(const char *path, struct multi_scenario *out,
			struct cfg_file *f)
{
	char *t = read_text(path), dir[512] = ".";
	const char *slash = strrchr(path, '/');
	int rc;

	memset(out, 0, sizeof(*out));
	if (!t) {
		memset(f, 0, sizeof(*f));
		f->path = path;
		cfg_error(f, NULL, NULL, "%s", strerror(errno));
		return -1;
	}
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	rc = load(path, t, dir, out, f);
	free(t);
	return rc;
}

int multi_scenario_load_string(const char *name, const char *text,
			       struct multi_scenario *out, struct cfg_file *f)
{
	return load(name, text, NULL, out, f);
}

void multi_scenario_free(struct multi_scenario *m)
{
	sim_scenario_free(&m->sc);
	free(m->extra);
	memset(m, 0, sizeof(*m));
}
