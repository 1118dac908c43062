/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who lives, at one instant, where the OOM kill frees memory: the lagged
 * floor's choice (floor.c lag_kill_aware(), sim.h), as in
 * design.md §Metrics (per guest, summed over the managed guests per run).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

/*
 * The kill-aware floor at one instant (where the kill frees memory). A
 * guest that may die has two states: alive, at an allocation a >= keep
 * (its need beyond its swap), lacking need - a; or killed, at L_i,
 * lacking dead (its whole demand while down). Memory given to it below
 * keep lowers nobody's shortfall: it dies anyway. So the least total
 * shortfall is, over the set K of guests kept alive,
 *
 *   sum_K (need - lo) - min(spare - C_K, sum_K (top - lo)) + sum_!K dead
 *
 * with lo = max(L_i, keep) the least a living guest holds, C_K = sum_K
 * (lo - L_i) <= spare what keeping them alive costs, and the rest of the
 * spare water-filled 1:1 over the living up to top = min(need, H_i).
 * Each dead >= need - L_i, so this is never below the plain floor (which
 * charges nobody for a kill); and the set a plain water-filling keeps
 * alive is one of the sets tried, so it is never above that allocation's
 * charged shortfall.
 */
static uint64_t kill_total(const struct floor_kill_item *it, size_t n,
			   uint64_t spare, const bool *kept)
{
	uint64_t lack = 0, cost = 0, give = 0, rem;

	for (size_t i = 0; i < n; i++) {
		uint64_t lo = sim_floor_kill_lo(&it[i]);

		if (!kept[i]) {
			lack += it[i].dead_kb;
			continue;
		}
		lack += it[i].need_kb > lo ? it[i].need_kb - lo : 0;
		give += it[i].top_kb > lo ? it[i].top_kb - lo : 0;
		cost += lo - it[i].min_kb;
	}
	if (cost > spare)
		return UINT64_MAX;   /* cannot keep them all alive */
	rem = spare - cost;
	return lack - (rem < give ? rem : give);
}

/* Saved demand per KiB needed to keep it alive, the greedy's order. */
static int by_saving(const void *a, const void *b, void *ctx)
{
	const struct floor_kill_item *it = ctx;
	const struct floor_kill_item *x = &it[*(const size_t *)a], *y = &it[*(const size_t *)b];
	double rx = (double)x->dead_kb / (double)(sim_floor_kill_lo(x) - x->min_kb);
	double ry = (double)y->dead_kb / (double)(sim_floor_kill_lo(y) - y->min_kb);

	return rx > ry ? -1 : rx < ry ? 1 : 0;
}

uint64_t sim_floor_kill_instant(const struct floor_kill_item *it, size_t n,
				int64_t budget_kb, bool *kept)
{
	uint64_t base = 0, spare, best = UINT64_MAX, t;
	size_t m = 0, *cand = malloc((n ? n : 1) * sizeof(*cand));
	bool *cur = malloc(n ? n : 1);

	if (!cand || !cur)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = sim_floor_kill_lo(&it[i]);

		base += it[i].min_kb;
		if (it[i].down)
			kept[i] = false;     /* killed and not back yet */
		else if (lo == it[i].min_kb)
			kept[i] = true;      /* lives at its minimum */
		else if (lo > it[i].top_kb)
			kept[i] = false;     /* cannot live within H_i */
		else
			cand[m++] = i;
	}
	spare = budget_kb > 0 && (uint64_t)budget_kb > base ? (uint64_t)budget_kb - base : 0;
	best = kill_total(it, n, spare, kept);
	memcpy(cur, kept, n);
	if (m <= SIM_FLOOR_KILL_EXACT) {
		for (uint64_t mask = 0; mask < (1ULL << m); mask++) {
			for (size_t j = 0; j < m; j++)
				cur[cand[j]] = mask >> j & 1;
			t = kill_total(it, n, spare, cur);
			if (t < best) {
				best = t;
				memcpy(kept, cur, n);
			}
		}
	} else {
		/* Greedy: from all dead, keep alive the guest that saves most
		 * per KiB it needs, while that lowers the total. */
		qsort_r(cand, m, sizeof(*cand), by_saving, (void *)it);
		for (size_t j = 0; j < m; j++)
			cur[cand[j]] = false;
		t = kill_total(it, n, spare, cur);
		for (size_t j = 0; j < m; j++) {
			uint64_t u;

			cur[cand[j]] = true;
			u = kill_total(it, n, spare, cur);
			if (u < t)
				t = u;
			else
				cur[cand[j]] = false;
		}
		if (t < best) {
			best = t;
			memcpy(kept, cur, n);
		}
	}
out:
	free(cand);
	free(cur);
	return best;
}
