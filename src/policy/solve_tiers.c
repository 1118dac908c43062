// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tiers of scarce mode under need = estimate
 * (design.md §Scarce mode from the estimated need): a lexicographic allocation over a ladder of
 * bounds per domain, each tier one call of the unchanged exact solver.
 * Tier 1: the need a guest's free swap cannot hold (a shortfall there is
 * an OOM kill, not paging), above floors that let a guest with swap room
 * page out; tier 2: the no-shrink floors of the guests with swap room;
 * tier 3: the rest of the need; tier 4: the gaps.
 */
#include "policy/solve.h"

enum policy_stage solve_tiers(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle)
{
	struct solve_item *items = ctx->items;
	unsigned t = 1;

	/* A tier is entered only when the one before it fits whole: its
	 * floors (the caps before) then sum below M, so only tier 1 can
	 * end in stage 3 or 4. */
	for (; t < SOLVE_TIERS; t++) {
		int64_t sum = 0;

		for (size_t j = 0; j < k; j++)
			sum += (int64_t)items[j].rung[t];
		if (sum >= M)
			break;
	}
	for (size_t j = 0; j < k; j++) {
		items[j].lo = items[j].rung[t - 1];
		items[j].up = items[j].rung[t];
	}
	cycle->tier = t;
	return solve_exact(ctx, k, M, cycle);
}
