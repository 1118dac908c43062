// SPDX-License-Identifier: GPL-2.0-only
/* oom_min_fit (design.md §Growth is never cut, "Raises that do not
 * fit"): how far an OOM kill's raise of L_i lifts a domain's floor above
 * the floors it has without it, so that the solver can drop it when the
 * floors do not fit the memory (solve_exact.c solve_infeasible()). */
#include "policy/solve.h"

uint64_t policy_oom_fit_kb(const struct policy_params *p, const struct policy_dom *d,
			   uint64_t lo, bool est)
{
	if (!p->oom_min_fit || !(d->flags & POLICY_IN_OOM_MIN) || d->oom_raise_kb == 0 ||
	    d->oom_raise_kb > d->min_kb)
		return 0;
	/* derive()'s floors without the raise: L_i, the no-shrink floor
	 * under pressure and, under need = estimate, growth never cut. */
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;
	uint64_t other = d->min_kb - d->oom_raise_kb;

	if (policy_pressure(p, d) && keep > other)
		other = keep;
	if (est) {
		uint64_t now = policy_need_now_kb(p, d, false);

		if (now > keep)
			now = keep;
		if (now > other)
			other = now;
	}
	return lo > other ? lo - other : 0;
}

/* A raise whose load is still there: the need now and the bump reach
 * what the guest held at its kill (the level it was killed at). */
bool policy_oom_fit_live(const struct policy_params *p, const struct policy_dom *d)
{
	return d->ws_kb + p->oom_bump_kb >= policy_oom_kill_level_kb(p, d);
}

/* Keeps whole, smallest first, the raises of items whose liveness is
 * `live` while they fit in *avail; drops the rest from their floors. */
static uint64_t keep_whole(struct solve_item *items, size_t k, bool live,
			   int64_t *avail, uint64_t sum_lo)
{
	for (;;) {
		size_t best = k;

		for (size_t i = 0; i < k; i++)
			if (items[i].raise && items[i].live == live &&
			    (best == k || items[i].raise < items[best].raise))
				best = i;
		if (best == k)
			return sum_lo;
		struct solve_item *it = &items[best];

		if (*avail >= 0 && it->raise <= (uint64_t)*avail) {
			*avail -= (int64_t)it->raise;
		} else {
			it->lo -= it->raise;
			sum_lo -= it->raise;
		}
		it->raise = 0;
	}
}

/*
 * Stage 4 with oom_min_fit: drop only the raises the others need, each
 * kept whole or dropped whole, smallest first (as loops_whole() serves
 * the crash loops). First the floors without any raise; then the raises
 * whose load is still at the killed level (without them the guest is
 * killed again by its next rise); then what the unraised guests lack
 * of their need swap cannot hold (tier 1's up - lo: a kill if not
 * served); then the raises of loads that have fallen. Dropping every
 * raise (session 20, break20) gained kills on four rows. A dropped
 * raise leaves the floor, not the cap: the guest competes for it by
 * price. Returns the floors' new sum.
 */
uint64_t policy_oom_fit_drop(struct solve_item *items, size_t k, int64_t M,
			     uint64_t sum_lo)
{
	uint64_t lack = 0, raises = 0;

	for (size_t i = 0; i < k; i++) {
		struct solve_item *it = &items[i];

		if (it->raise > it->lo)
			it->raise = it->lo;
		raises += it->raise;
		if (!it->raise && it->est && it->up > it->lo)
			lack += it->up - it->lo;
	}
	int64_t avail = M - (int64_t)(sum_lo - raises);

	sum_lo = keep_whole(items, k, true, &avail, sum_lo);
	avail -= (int64_t)lack;
	return keep_whole(items, k, false, &avail, sum_lo);
}
