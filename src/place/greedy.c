/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BS, GM and GMM (seed 004, after Cardosa et al.), on memory:
 *
 *   bs   every guest at H_i, first-fit, guests and hosts in input order:
 *        what an administrator does with static sizes.
 *   gm   guests sorted by H_i descending, hosts that are on first and
 *        larger first, first-fit at H_i.
 *   gmm  as gm, but a guest that fits nowhere at H_i is placed at L_i
 *        (first-fit again): it runs, squeezed, instead of not at all.
 *
 * Guests that cannot move (dom0, stubs, held, paused, not migratable, in
 * cooldown) are placed first, on their own host, so that no first-fit
 * takes their room.
 */
#include "place/place_int.h"

static bool first_fit(struct place_work *w, size_t j, uint64_t size)
{
	for (size_t k = 0; k < w->nh; k++) {
		size_t h = w->horder[k];

		if (!pl_host_allowed(w, j, h))
			continue;
		if (w->held[h] + size > w->cap[h])
			continue;
		pl_assign(w, j, h, size);
		return true;
	}
	return false;
}

/* Why nothing took guest j. */
static enum place_why why_not(const struct place_work *w, size_t j)
{
	if (pl_fixed_host(w->p, &w->doms[j]) >= 0)
		return PLACE_WHY_FIXED;
	for (size_t h = 0; h < w->nh; h++)
		if (pl_host_allowed(w, j, h))
			return PLACE_WHY_NO_ROOM;
	return PLACE_WHY_NO_HOST;
}

/* bs keeps the input order but still places the guests that cannot move
 * first (stable). */
static void fixed_first(struct place_work *w)
{
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < w->nd; j++)
			if ((pl_fixed_host(w->p, &w->doms[j]) >= 0) == (pass == 0))
				w->dorder[k++] = (uint32_t)j;
}

int pl_greedy(struct place_work *w, enum place_algorithm alg)
{
	if (alg == PLACE_BS) {
		fixed_first(w);
	} else {
		pl_sort_hosts_by_cap(w);
		pl_sort_doms_by_max(w);
	}
	for (size_t k = 0; k < w->nd; k++) {
		size_t j = w->dorder[k];
		const struct place_dom *d = &w->doms[j];

		if (first_fit(w, j, pl_max(d)))
			continue;
		if (alg == PLACE_GMM && pl_min(d) < pl_max(d) &&
		    first_fit(w, j, pl_min(d)))
			continue;
		w->plan->why[j] = (uint8_t)why_not(w, j);
		pl_fixed_overflow(w, j);
	}
	return 0;
}
