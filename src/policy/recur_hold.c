// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level held (recur_hold;
 * design.md §Scarce mode from the estimated need, "A level held").
 * A swapless guest whose load recurs to a level
 * its gap cannot hold (POLICY_IN_RECUR: a saw-tooth or a square wave
 * faster or slower than the sample; policy_need_held_kb()) has the
 * level as its need in scarce mode's tiers, but its no-shrink floor
 * followed each sample of W_i down: between two teeth (or two aliased
 * samples of one) the tiers cut it to the low sample's floor to fund
 * the others, the next tooth found it short by the cut and killed it,
 * and the top sample raised it again (saw-sample's s2: 179 kills and a
 * write up and down at nearly every tooth). Here, while the level is in
 * force, the need now is the level with the margin the need has at the
 * level (need now less W_i: the OOM room of a killed or growing guest,
 * the rise ahead), so that the top sample and a low one ask the same;
 * and policy.c's derive() takes it for the no-shrink floor as well, so
 * what the guest holds of the level is not cut while the load may come
 * back. The level lapses as the recurrence does (comeback.c's recur():
 * a load that stays low longer than its period).
 */
#include "policy/solve.h"

uint64_t policy_recur_need_kb(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t now)
{
	if (!p->recur_hold || !(d->flags & POLICY_IN_WS) ||
	    !(d->flags & POLICY_IN_RECUR) || d->swap_tot_kb ||
	    d->recur_kb <= d->ws_kb + policy_dom_gap_kb(p, d))
		return now;
	/* now >= ws_kb (need.c); each <= POLICY_KB_MAX: no overflow */
	uint64_t m = now > d->ws_kb ? now - d->ws_kb : 0;
	uint64_t l = d->recur_kb + m < POLICY_KB_MAX ? d->recur_kb + m : POLICY_KB_MAX;

	return l > now ? l : now;
}
