/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EMM and PEMM (seed 004, after Cardosa et al.), on memory.
 *
 * Every guest is placed at its minimum L_i on the host where the utility
 * gained is highest, and each host is then "expanded": the memory above
 * the minimums is shared out exactly as membal's arbiter on that host
 * would share it in global balancing, by the exact per-host solver
 * (solve_exact: equal price, bounds [L_i, min(H_i, MC_i)]). The seed's
 * expansion step, which grows guests while the utility gain allows, is
 * what that solver does exactly; so the utility a plan predicts is the
 * one the arbiter will deliver.
 *
 * Utility (docs/placement.md): S_i * min(T_i, MC_i) in share-MiB, demand
 * served. The gain of guest j on host h is U_h(with j) - U_h(without):
 * its own service minus what it takes from the guests already there.
 * Ties go to a host already open, then to the host order (on before off,
 * larger first). PEMM opens a host (puts a first guest on it) only when
 * the gain there exceeds the best open host's by more than power_cost,
 * and leaves a guest unplaced rather than open a host for less.
 */
#include "place/place_int.h"

#include <math.h>

#include "policy/solve.h"

static struct solve_item item_of(const struct place_work *w, size_t j)
{
	const struct place_dom *d = &w->doms[j];
	double tau = w->p->tau;
	uint64_t act = d->active_kb < pl_demand(d) ? d->active_kb : pl_demand(d);

	if (d->kind != PLACE_DOMU)
		act = d->size_kb;
	return (struct solve_item){
		.a = tau * (double)act,
		/* No swap figures in a placement snapshot: epsilon's term is 0. */
		.w = (d->kind == PLACE_DOMU ? d->shares : 1.0) * (1.0 - tau),
		.lo = pl_min(d),
		.up = pl_demand(d),
		.actual = d->size_kb,
		.dom = (uint32_t)j,
	};
}

/* Solve host h (plus `extra`): ctx->items[0..k) hold the targets. */
static size_t solve_host(struct place_work *w, size_t h, int32_t extra)
{
	struct policy_cycle cycle = { 0 };
	size_t k = 0;

	for (int32_t j = w->head[h]; j >= 0; j = w->next[j])
		w->ctx.items[k++] = item_of(w, (size_t)j);
	if (extra >= 0)
		w->ctx.items[k++] = item_of(w, (size_t)extra);
	solve_exact(&w->ctx, k, (int64_t)w->cap[h], &cycle);
	return k;
}

double pl_host_utility(struct place_work *w, size_t h, int32_t extra,
		       uint64_t *alloc)
{
	uint64_t up = w->up_sum[h], upt = w->upt_sum[h];
	double u = w->util_cap[h];

	if (extra >= 0) {
		const struct place_dom *e = &w->doms[extra];

		up += pl_demand(e);
		upt += pl_up_target(e);
		u += pl_utility(e, pl_up_target(e));
	}
	/* Everybody gets min(H_i, MC_i): no solver needed. */
	if (up <= w->cap[h]) {
		*alloc = upt;
		return u;
	}
	size_t k = solve_host(w, h, extra);

	u = 0;
	*alloc = 0;
	for (size_t i = 0; i < k; i++) {
		const struct solve_item *it = &w->ctx.items[i];

		u += pl_utility(&w->doms[it->dom], it->target);
		*alloc += it->target;
	}
	return u;
}

/*
 * An upper bound on the gain of guest j on host h, without the solver.
 * Adding a guest never raises another's target (the price can only fall),
 * and the others give up at least T_j - free KiB between them (free: what
 * the host's expansion left unallocated), each KiB worth at least the
 * host's least shares. So gain <= S_j*T - smin*max(0, T - free) for some
 * T in [L_j, Tmax], Tmax = min(its cap, cap_h - the others' minimums);
 * the right side is concave in T, highest at Tmax or at free.
 */
static double gain_bound(const struct place_work *w, size_t h, size_t j)
{
	const struct place_dom *d = &w->doms[j];
	double free_kb = (double)(w->cap[h] - w->alloc[h]);
	double tmax = (double)pl_up_target(d), lo = (double)pl_min(d);
	double room = (double)(w->cap[h] - w->lo_sum[h]);
	double best = -INFINITY;

	if (tmax > room)
		tmax = room;
	double t[2] = { tmax, free_kb < lo ? lo : free_kb > tmax ? tmax : free_kb };

	for (int i = 0; i < 2; i++) {
		double over = t[i] > free_kb ? t[i] - free_kb : 0;
		double g = (d->shares * t[i] - w->smin[h] * over) / 1024.0;

		if (g > best)
			best = g;
	}
	return best;
}

void pl_host_expand(struct place_work *w, size_t h)
{
	uint64_t held = 0;

	if (w->up_sum[h] <= w->cap[h]) {
		for (int32_t j = w->head[h]; j >= 0; j = w->next[j]) {
			w->plan->size_kb[j] = pl_up_target(&w->doms[j]);
			held += w->plan->size_kb[j];
		}
	} else {
		size_t k = solve_host(w, h, -1);

		for (size_t i = 0; i < k; i++) {
			const struct solve_item *it = &w->ctx.items[i];

			w->plan->size_kb[it->dom] = it->target;
			held += it->target;
		}
	}
	w->held[h] = held;
}

struct choice {
	int32_t host;
	double gain;
	double util;     /* U_h with the guest */
	uint64_t alloc;  /* the sum of its targets then */
};

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1);
}

/* Best host among the open ones (open = true) or the closed ones. Stops
 * at the first host giving the guest all it can get (ties go to the
 * earlier host anyway). */
static struct choice best_host(struct place_work *w, size_t j, bool open,
			       bool *any_allowed)
{
	const struct place_dom *d = &w->doms[j];
	double bound = pl_utility(d, pl_up_target(d));
	struct choice c = { -1, -INFINITY, 0, 0 };

	for (size_t k = 0; k < w->nh; k++) {
		size_t h = w->horder[k];

		if ((w->count[h] > 0) != open || !pl_host_allowed(w, j, h))
			continue;
		*any_allowed = true;
		if (w->lo_sum[h] + pl_min(d) > w->cap[h])
			continue;
		/* A host that cannot beat the best so far is not solved. */
		if (c.host >= 0 && w->count[h] > 0 && !w->p->exhaustive) {
			double b = gain_bound(w, h, j);

			if (b < c.gain && !near(b, c.gain))
				continue;
		}
		uint64_t alloc;
		double u = pl_host_utility(w, h, (int32_t)j, &alloc);
		double gain = u - w->util[h];

		if (c.host < 0 || (gain > c.gain && !near(gain, c.gain)))
			c = (struct choice){ (int32_t)h, gain, u, alloc };
		if (near(gain, bound) || gain > bound)
			break;
	}
	return c;
}

int pl_expand(struct place_work *w, bool power)
{
	if (policy_ctx_init(&w->ctx, w->nd + 1) < 0)
		return pl_error(w->plan, "out of memory (solver context)");
	w->have_ctx = true;
	pl_sort_hosts_by_cap(w);
	pl_sort_doms_by_max(w);

	for (size_t k = 0; k < w->nd; k++) {
		size_t j = w->dorder[k];
		const struct place_dom *d = &w->doms[j];
		bool fixed = pl_fixed_host(w->p, d) >= 0, any = false;
		struct choice o = best_host(w, j, true, &any);
		struct choice c = { -1, -INFINITY, 0, 0 };
		double bound = pl_utility(d, pl_up_target(d));

		/* A closed host can only beat an open one that does not give
		 * the guest everything. */
		if (o.host < 0 || !(near(o.gain, bound) || o.gain > bound))
			c = best_host(w, j, false, &any);
		/* A guest that cannot move keeps its host on: no power cost. */
		double cost = power && !fixed ? w->p->power_cost : 0;
		struct choice pick = o;

		if (c.host >= 0) {
			double net = c.gain - cost;

			if (o.host < 0 ? (!power || fixed || net > 0)
				       : (net > o.gain && !near(net, o.gain)))
				pick = c;
		}
		if (pick.host < 0) {
			enum place_why why = fixed ? PLACE_WHY_FIXED :
				c.host >= 0 ? PLACE_WHY_POWER :
				any ? PLACE_WHY_NO_ROOM : PLACE_WHY_NO_HOST;

			w->plan->why[j] = (uint8_t)why;
			pl_fixed_overflow(w, j);
			continue;
		}
		pl_assign(w, j, (size_t)pick.host, pl_min(d));
		w->util[pick.host] = pick.util;
		w->alloc[pick.host] = pick.alloc;
	}
	for (size_t h = 0; h < w->nh; h++)
		if (w->count[h] > 0)
			pl_host_expand(w, h);
	return 0;
}
