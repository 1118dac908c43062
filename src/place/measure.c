/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The figures every plan is judged by, before and after: Gini of memory
 * utilisation over the hosts that are on (seed 002), hosts on, utility
 * (share-MiB of demand served) and predicted shortfall. And the entry
 * point that runs an algorithm between the two measurements.
 */
#include "place/place_int.h"

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * With x sorted ascending and i counted from 1, sum over all ordered
 * pairs |x_i - x_j| = 2 * sum (2i - n - 1) x_i, so
 * G = sum (2i - n - 1) x_i / (n * sum x): O(n log n) instead of O(n^2).
 */
double place_gini(double *x, size_t n)
{
	long double num = 0, sum = 0;

	if (n == 0)
		return 0;
	qsort(x, n, sizeof(*x), cmp_double);
	for (size_t i = 0; i < n; i++) {
		num += (long double)(2 * (double)(i + 1) - (double)n - 1) * x[i];
		sum += x[i];
	}
	if (!(sum > 0))
		return 0;
	double g = (double)(num / ((long double)n * sum));

	return g < 0 ? 0 : g;
}

static double utilisation(uint64_t held, uint64_t cap)
{
	if (cap == 0)
		return held ? 1 : 0;
	return (double)held / (double)cap;
}

/* One side of the comparison: host_of/size_of give each guest's host
 * (-1: nowhere) and size; a host counts as on when on[h]. */
static void measure(const struct place_work *w, const int32_t *host_of,
		    const uint64_t *size_of, const bool *on, double *gini,
		    uint32_t *hosts_on, double *utility, uint64_t *short_kb,
		    uint64_t *held, uint64_t *demand, double *scratch)
{
	size_t n = 0;

	memset(held, 0, w->nh * sizeof(*held));
	memset(demand, 0, w->nh * sizeof(*demand));
	*utility = 0;
	*short_kb = 0;
	for (size_t j = 0; j < w->nd; j++) {
		if (host_of[j] < 0)
			continue;
		held[host_of[j]] += size_of[j];
		demand[host_of[j]] += pl_demand(&w->doms[j]);
		*utility += pl_utility(&w->doms[j], size_of[j]);
	}
	for (size_t h = 0; h < w->nh; h++) {
		if (!on[h])
			continue;
		scratch[n++] = utilisation(held[h], w->cap[h]);
		if (demand[h] > w->cap[h])
			*short_kb += demand[h] - w->cap[h];
	}
	*hosts_on = (uint32_t)n;
	*gini = place_gini(scratch, n);
}

static void placement_moves(struct place_work *w)
{
	struct place_plan *pl = w->plan;
	size_t k = 0;

	/* Migrations first (input order), then new guests started. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < w->nd; j++) {
			const struct place_dom *d = &w->doms[j];
			int32_t to = pl->host[j];

			if (to < 0 || to == d->host)
				continue;
			if ((pass == 0) != (d->host >= 0))
				continue;
			pl->moves[k] = (struct place_move){
				.dom = (uint32_t)j, .from = d->host, .to = to,
				.size_kb = pl->size_kb[j],
				.wave = (uint32_t)(k / w->p->max_concurrent),
			};
			k++;
		}
	}
	pl->nmoves = k;
}

int place_plan(const struct place_params *p, const struct place_host *hosts,
	       size_t nhosts, const struct place_dom *doms, size_t ndoms,
	       enum place_algorithm alg, struct place_plan *plan)
{
	struct place_work w;
	int rc = -1;

	memset(plan, 0, sizeof(*plan));
	plan->alg = alg;
	plan->ndoms = ndoms;
	plan->nhosts = nhosts;
	if ((unsigned)alg >= PLACE_ALG_COUNT)
		return pl_error(plan, "unknown algorithm %d", (int)alg);
	if (pl_check_snapshot(p, hosts, nhosts, doms, ndoms, plan) < 0)
		return -1;
	plan->host = calloc(ndoms ? ndoms : 1, sizeof(*plan->host));
	plan->size_kb = calloc(ndoms ? ndoms : 1, sizeof(*plan->size_kb));
	plan->why = calloc(ndoms ? ndoms : 1, sizeof(*plan->why));
	plan->moves = calloc(ndoms ? ndoms : 1, sizeof(*plan->moves));
	plan->notes = calloc(nhosts, sizeof(*plan->notes));
	if (!plan->host || !plan->size_kb || !plan->why || !plan->moves ||
	    !plan->notes)
		return pl_error(plan, "out of memory");
	if (pl_work_init(&w, p, hosts, nhosts, doms, ndoms, plan) < 0) {
		pl_work_free(&w);
		return -1;
	}
	for (size_t j = 0; j < ndoms; j++)
		plan->host[j] = -1;

	uint64_t *held = calloc(nhosts, sizeof(*held));
	uint64_t *demand = calloc(nhosts, sizeof(*demand));
	double *scratch = calloc(nhosts, sizeof(*scratch));
	bool *on = calloc(nhosts, sizeof(*on));
	int32_t *host0 = calloc(ndoms ? ndoms : 1, sizeof(*host0));
	uint64_t *size0 = calloc(ndoms ? ndoms : 1, sizeof(*size0));

	if (!held || !demand || !scratch || !on || !host0 || !size0) {
		pl_error(plan, "out of memory");
		goto out;
	}
	for (size_t h = 0; h < nhosts; h++)
		on[h] = hosts[h].on;
	for (size_t j = 0; j < ndoms; j++) {
		host0[j] = doms[j].host;
		size0[j] = doms[j].size_kb;
	}
	measure(&w, host0, size0, on, &plan->gini_before, &plan->hosts_on_before,
		&plan->utility_before, &plan->short_before_kb, held, demand, scratch);

	switch (alg) {
	case PLACE_BS:
	case PLACE_GM:
	case PLACE_GMM:
		rc = pl_greedy(&w, alg);
		break;
	case PLACE_EMM:
	case PLACE_PEMM:
		rc = pl_expand(&w, alg == PLACE_PEMM);
		break;
	case PLACE_REBALANCE:
		rc = pl_rebalance(&w);
		break;
	default:
		break;
	}
	if (rc < 0)
		goto out;
	if (alg != PLACE_REBALANCE) {
		placement_moves(&w);
		/* After a placement the hosts on are the ones used. */
		for (size_t h = 0; h < nhosts; h++)
			on[h] = w.count[h] > 0;
	}
	for (size_t j = 0; j < ndoms; j++)
		if (plan->host[j] < 0)
			plan->unplaced++;
	measure(&w, plan->host, plan->size_kb, on, &plan->gini_after,
		&plan->hosts_on_after, &plan->utility_after, &plan->short_after_kb,
		held, demand, scratch);
out:
	free(held);
	free(demand);
	free(scratch);
	free(on);
	free(host0);
	free(size0);
	pl_work_free(&w);
	return rc;
}

void place_plan_free(struct place_plan *plan)
{
	free(plan->host);
	free(plan->size_kb);
	free(plan->why);
	free(plan->moves);
	free(plan->notes);
	plan->host = NULL;
	plan->size_kb = NULL;
	plan->why = NULL;
	plan->moves = NULL;
	plan->notes = NULL;
	plan->nmoves = plan->nnotes = 0;
}
