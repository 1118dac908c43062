/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * place_plan(): check the snapshot, run one algorithm, then measure the
 * cluster before and after (Gini, hosts on, utility, shortfall) so every
 * algorithm is judged by the same arithmetic.
 */
#include "place/place_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const place_algorithm_names[] = {
	"bs", "gm", "gmm", "emm", "pemm", "rebalance", NULL,
};

void place_params_default(struct place_params *p)
{
	memset(p, 0, sizeof(*p));
	p->tau = 0.75;               /* the policy core's default */
	p->power_cost = 1024;        /* 1 GiB of demand at one share */
	p->hold = 3;
	p->min_gain_kb = 64 * 1024;
	p->max_concurrent = 2;
	p->cooldown_s = 30 * 60;
	p->max_moves = 64;
	p->allow_cross_version = false;
	p->allow_cross_features = false;
}

const char *place_why_text(enum place_why why)
{
	switch (why) {
	case PLACE_WHY_NONE: return "placed";
	case PLACE_WHY_NO_ROOM: return "no eligible host has room";
	case PLACE_WHY_NO_HOST: return "no eligible host (drained, pinned or incompatible)";
	case PLACE_WHY_FIXED: return "cannot move and its host lacks room";
	case PLACE_WHY_POWER: return "opening a host would gain less than power_cost";
	case PLACE_WHY_NOT_RUNNING: return "not running (rebalance moves running guests)";
	default: return "?";
	}
}

int pl_error(struct place_plan *plan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(plan->error, sizeof(plan->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* dom0 and stub domains keep their size (membal's dom0_mode fixed), and
 * so does a running guest membal holds or that is paused: the arbiter
 * does not resize it. */
static bool frozen(const struct place_dom *d)
{
	return d->kind != PLACE_DOMU || (d->host >= 0 && (d->held || d->paused));
}

uint64_t pl_min(const struct place_dom *d)
{
	return frozen(d) ? d->size_kb : d->min_kb;
}

uint64_t pl_max(const struct place_dom *d)
{
	return frozen(d) ? d->size_kb : d->max_kb;
}

uint64_t pl_demand(const struct place_dom *d)
{
	uint64_t v = d->demand_kb;

	if (frozen(d))
		return d->size_kb;
	return v < d->min_kb ? d->min_kb : v > d->max_kb ? d->max_kb : v;
}

uint64_t pl_up_target(const struct place_dom *d)
{
	uint64_t up = pl_demand(d), v = up - up % POLICY_PAGE_KB;

	return v < pl_min(d) ? pl_min(d) : v;
}

double pl_utility(const struct place_dom *d, uint64_t size_kb)
{
	uint64_t dem = pl_demand(d);

	if (d->kind != PLACE_DOMU)
		return 0;
	return d->shares * (double)(size_kb < dem ? size_kb : dem) / 1024.0;
}

bool pl_can_move(const struct place_params *p, const struct place_dom *d)
{
	return d->kind == PLACE_DOMU && d->migratable && !d->held &&
	       !d->paused && d->last_move_age_s >= p->cooldown_s;
}

bool pl_compatible(const struct place_params *p, const struct place_host *from,
		   const struct place_host *to)
{
	if (!p->allow_cross_version &&
	    strcmp(from->xen_version, to->xen_version) != 0)
		return false;
	if (!p->allow_cross_features &&
	    strcmp(from->cpu_features, to->cpu_features) != 0)
		return false;
	return true;
}

int32_t pl_fixed_host(const struct place_params *p, const struct place_dom *d)
{
	return d->host >= 0 && !pl_can_move(p, d) ? d->host : -1;
}

void pl_fixed_overflow(struct place_work *w, size_t j)
{
	int32_t h = pl_fixed_host(w->p, &w->doms[j]);
	uint64_t lo = pl_min(&w->doms[j]);

	/* Left out, its memory would look free: a running guest held at a
	 * floor above what was left (membal-sim's greencom-3x21 under gmm)
	 * made room for a newcomer the arbiter could not give. */
	if (h >= 0)
		w->cap[h] = w->cap[h] > lo ? w->cap[h] - lo : 0;
}

bool pl_host_allowed(const struct place_work *w, size_t j, size_t h)
{
	const struct place_dom *d = &w->doms[j];
	int32_t fixed = pl_fixed_host(w->p, d);

	if (fixed >= 0)
		return (size_t)fixed == h;
	if (d->pin_host >= 0 && (size_t)d->pin_host != h)
		return false;
	if (w->hosts[h].drain)
		return false;
	/* A running guest gets there by live migration; a new one boots. */
	if (d->host >= 0 && (size_t)d->host != h &&
	    !pl_compatible(w->p, &w->hosts[d->host], &w->hosts[h]))
		return false;
	return true;
}

int pl_check_snapshot(const struct place_params *p,
			  const struct place_host *hosts, size_t nh,
			  const struct place_dom *doms, size_t nd,
			  struct place_plan *plan)
{
	if (nh == 0 || nh > PLACE_MAX_HOSTS)
		return pl_error(plan, "%zu hosts (1 to %u)", nh, PLACE_MAX_HOSTS);
	if (nd > PLACE_MAX_DOMS)
		return pl_error(plan, "%zu guests (at most %u)", nd, PLACE_MAX_DOMS);
	if (!(p->tau >= 0 && p->tau < 1))
		return pl_error(plan, "tau %g outside [0, 1)", p->tau);
	if (!(p->power_cost >= 0 && p->power_cost <= 1e15))
		return pl_error(plan, "power_cost %g outside [0, 1e15]", p->power_cost);
	if (p->max_concurrent == 0)
		return pl_error(plan, "max_concurrent is 0");
	for (size_t h = 0; h < nh; h++) {
		const struct place_host *x = &hosts[h];

		if (!x->name || !x->xen_version || !x->cpu_features)
			return pl_error(plan, "host %zu: missing name or strings", h);
		if (x->mem_kb > POLICY_KB_MAX || x->reserve_kb > x->mem_kb)
			return pl_error(plan, "host %s: reserve %llu KiB above mem %llu KiB (or mem above 1 PiB)",
					x->name, (unsigned long long)x->reserve_kb,
					(unsigned long long)x->mem_kb);
	}
	for (size_t j = 0; j < nd; j++) {
		const struct place_dom *d = &doms[j];
		const char *n = d->name ? d->name : "?";

		if (!d->name)
			return pl_error(plan, "guest %zu: no name", j);
		if (d->host < -1 || d->host >= (int64_t)nh ||
		    d->pin_host < -1 || d->pin_host >= (int64_t)nh)
			return pl_error(plan, "guest %s: host index out of range", n);
		if (d->max_kb > POLICY_KB_MAX || d->size_kb > POLICY_KB_MAX ||
		    d->demand_kb > POLICY_KB_MAX || d->active_kb > POLICY_KB_MAX)
			return pl_error(plan, "guest %s: a size above 1 PiB", n);
		if (d->kind == PLACE_DOMU && d->min_kb > d->max_kb)
			return pl_error(plan, "guest %s: min %llu KiB above max %llu KiB", n,
					(unsigned long long)d->min_kb,
					(unsigned long long)d->max_kb);
		if (d->host >= 0 && !hosts[d->host].on)
			return pl_error(plan, "guest %s runs on host %s, which is off", n,
					hosts[d->host].name);
		if (d->kind != PLACE_DOMU && d->host < 0)
			return pl_error(plan, "guest %s: dom0 or stub domain without a host", n);
		if (d->kind == PLACE_DOMU &&
		    !(d->shares >= POLICY_SHARES_MIN && d->shares <= POLICY_SHARES_MAX))
			return pl_error(plan, "guest %s: shares %g outside [%g, %g]", n,
					d->shares, POLICY_SHARES_MIN, POLICY_SHARES_MAX);
	}
	return 0;
}

static void *zalloc(size_t n, size_t size, bool *ok)
{
	void *v = calloc(n ? n : 1, size);

	if (!v)
		*ok = false;
	return v;
}

int pl_work_init(struct place_work *w, const struct place_params *p,
		 const struct place_host *hosts, size_t nh,
		 const struct place_dom *doms, size_t nd,
		 struct place_plan *plan)
{
	bool ok = true;

	memset(w, 0, sizeof(*w));
	w->p = p;
	w->hosts = hosts;
	w->nh = nh;
	w->doms = doms;
	w->nd = nd;
	w->plan = plan;
	w->cap = zalloc(nh, sizeof(*w->cap), &ok);
	w->held = zalloc(nh, sizeof(*w->held), &ok);
	w->lo_sum = zalloc(nh, sizeof(*w->lo_sum), &ok);
	w->up_sum = zalloc(nh, sizeof(*w->up_sum), &ok);
	w->util_cap = zalloc(nh, sizeof(*w->util_cap), &ok);
	w->util = zalloc(nh, sizeof(*w->util), &ok);
	w->alloc = zalloc(nh, sizeof(*w->alloc), &ok);
	w->upt_sum = zalloc(nh, sizeof(*w->upt_sum), &ok);
	w->smin = zalloc(nh, sizeof(*w->smin), &ok);
	w->count = zalloc(nh, sizeof(*w->count), &ok);
	w->head = zalloc(nh, sizeof(*w->head), &ok);
	w->next = zalloc(nd, sizeof(*w->next), &ok);
	w->horder = zalloc(nh, sizeof(*w->horder), &ok);
	w->dorder = zalloc(nd, sizeof(*w->dorder), &ok);
	if (!ok)
		return pl_error(plan, "out of memory");
	for (size_t h = 0; h < nh; h++) {
		w->cap[h] = hosts[h].mem_kb - hosts[h].reserve_kb;
		w->head[h] = -1;
		w->horder[h] = (uint32_t)h;
	}
	for (size_t j = 0; j < nd; j++) {
		w->next[j] = -1;
		w->dorder[j] = (uint32_t)j;
	}
	return 0;
}

void pl_work_free(struct place_work *w)
{
	free(w->cap);
	free(w->held);
	free(w->lo_sum);
	free(w->up_sum);
	free(w->util_cap);
	free(w->util);
	free(w->alloc);
	free(w->upt_sum);
	free(w->smin);
	free(w->count);
	free(w->head);
	free(w->next);
	free(w->horder);
	free(w->dorder);
	if (w->have_ctx)
		policy_ctx_free(&w->ctx);
	memset(w, 0, sizeof(*w));
}

void pl_assign(struct place_work *w, size_t j, size_t h, uint64_t size_kb)
{
	const struct place_dom *d = &w->doms[j];

	w->plan->host[j] = (int32_t)h;
	w->plan->size_kb[j] = size_kb;
	w->plan->why[j] = PLACE_WHY_NONE;
	w->next[j] = w->head[h];
	w->head[h] = (int32_t)j;
	w->count[h]++;
	w->held[h] += size_kb;
	w->lo_sum[h] += pl_min(d);
	w->up_sum[h] += pl_demand(d);
	w->util_cap[h] += pl_utility(d, pl_up_target(d));
	w->upt_sum[h] += pl_up_target(d);
	if (d->kind == PLACE_DOMU && (w->smin[h] == 0 || d->shares < w->smin[h]))
		w->smin[h] = d->shares;
}

void pl_unassign(struct place_work *w, size_t j, size_t h)
{
	const struct place_dom *d = &w->doms[j];

	for (int32_t *pp = &w->head[h]; *pp >= 0; pp = &w->next[*pp]) {
		if ((size_t)*pp != j)
			continue;
		*pp = w->next[j];
		break;
	}
	w->next[j] = -1;
	w->count[h]--;
	w->held[h] -= w->plan->size_kb[j];
	w->lo_sum[h] -= pl_min(d);
	w->up_sum[h] -= pl_demand(d);
	w->util_cap[h] -= pl_utility(d, pl_up_target(d));
	w->upt_sum[h] -= pl_up_target(d);
	w->plan->host[j] = -1;
}

static int cmp_hosts_by_cap(const void *a, const void *b, void *ctx)
{
	const struct place_work *sort_w = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct place_host *hx = &sort_w->hosts[x], *hy = &sort_w->hosts[y];

	if (hx->on != hy->on)
		return hx->on ? -1 : 1;
	if (sort_w->cap[x] != sort_w->cap[y])
		return sort_w->cap[x] > sort_w->cap[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_doms_by_max(const void *a, const void *b, void *ctx)
{
	const struct place_work *sort_w = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct place_dom *dx = &sort_w->doms[x], *dy = &sort_w->doms[y];
	bool fx = pl_fixed_host(sort_w->p, dx) >= 0;
	bool fy = pl_fixed_host(sort_w->p, dy) >= 0;

	if (fx != fy)
		return fx ? -1 : 1;
	if (pl_max(dx) != pl_max(dy))
		return pl_max(dx) > pl_max(dy) ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* qsort_r (glibc): the comparison needs the snapshot, and the core keeps
 * no global state. Ties end on the index, so the order is total. */
void pl_sort_hosts_by_cap(struct place_work *w)
{
	qsort_r(w->horder, w->nh, sizeof(*w->horder), cmp_hosts_by_cap, w);
}

void pl_sort_doms_by_max(struct place_work *w)
{
	qsort_r(w->dorder, w->nd, sizeof(*w->dorder), cmp_doms_by_max, w);
}
