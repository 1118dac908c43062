// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tiers of scarce mode under need = estimate (design.md §Scarce mode
 * from the estimated need): a lexicographic allocation, each tier one call
 * of the unchanged exact solver. First the need a guest's free swap cannot
 * hold (its shortfall there is an OOM kill, not paging), then the rest of
 * the need (a shortfall there is swap), then the gaps.
 */
#include "policy/solve.h"

/* Tier t's bounds: [lo, z], [z, up1], [up1, cap]. */
static void set_tier(struct solve_item *items, size_t k, unsigned t)
{
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (t == 2) {
			it->lo = it->z;
			it->up = it->up1;
		} else if (t == 3) {
			it->lo = it->up1;
			it->up = it->cap;
		} else {
			it->up = it->z;
		}
	}
}

enum policy_stage solve_tiers(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle)
{
	struct solve_item *items = ctx->items;
	int64_t sum_z = 0, sum_up1 = 0;
	unsigned t = 3;

	for (size_t j = 0; j < k; j++) {
		sum_z += (int64_t)items[j].z;
		sum_up1 += (int64_t)items[j].up1;
	}
	/* Each tier is entered only when the one before it fits whole:
	 * then its floors (the previous tier's caps) sum below M, so its
	 * stage 3 and 4 cannot occur. */
	if (sum_z >= M)
		t = 1;
	else if (sum_up1 >= M)
		t = 2;
	set_tier(items, k, t);
	cycle->tier = t;
	return solve_exact(ctx, k, M, cycle);
}
