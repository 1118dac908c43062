// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level's margin and a level held (recur_margin, recur_hold;
 * design.md §Scarce mode from the estimated need, "A level held").
 * A swapless guest whose load recurs to a level its gap cannot hold
 * (POLICY_IN_RECUR: a saw-tooth or a square wave faster or slower than
 * the sample; policy_need_held_kb()) had the bare level as its need now
 * in scarce mode's tiers, while its top sample (W_i at the level) asked
 * the level and the margin its need has above W_i (the OOM room of a
 * killed or growing guest, the rise ahead): the top and the low samples
 * of one tooth asked different targets, and the low one a target at
 * which the next tooth kills a guest without room (saw-sample's s2,
 * MemTotal at exactly its tooth's top). recur_margin: the level with
 * that margin is the need now. recur_hold: it is the no-shrink floor
 * as well (policy.c's derive()), so what the guest holds of it is not
 * cut between two teeth to fund the others: there the low sample's
 * floor was what the tiers left it when tier 1 did not fit, the next
 * tooth found it short and killed it, and the top sample raised it
 * again (s2: 179 kills, a write up and down at nearly every tooth), for
 * a load that recurs faster than the loop follows (fast()). The level
 * lapses as the recurrence does (comeback.c's recur(): a load that
 * stays low longer than its period).
 */
#include "policy/solve.h"

/* Whether d's level is one these rules hold. */
static bool held(const struct policy_params *p, const struct policy_dom *d)
{
	return (d->flags & POLICY_IN_WS) && (d->flags & POLICY_IN_RECUR) &&
	       !d->swap_tot_kb && d->recur_kb > d->ws_kb + policy_dom_gap_kb(p, d);
}

/* The level and the margin now has above W_i, or now. */
static uint64_t level_kb(const struct policy_params *p,
			 const struct policy_dom *d, uint64_t now)
{
	if (!held(p, d))
		return now;
	/* now >= ws_kb (need.c); each <= POLICY_KB_MAX: no overflow */
	uint64_t m = now > d->ws_kb ? now - d->ws_kb : 0;
	uint64_t l = d->recur_kb + m < POLICY_KB_MAX ? d->recur_kb + m : POLICY_KB_MAX;

	return l > now ? l : now;
}

/* A guest watched for less than a minute of spike windows has no rate
 * yet (spike.c's OWN_RATE_MIN_WINDOWS). */
#define RATE_MIN_WINDOWS 6

/* Whether d's load recurs faster than the loop follows: it jumped
 * beyond its gap (jump.h) in at least recur_hold_rate_pct of its past
 * spike windows. A saw-tooth of a second or a few (saw-sample's s2)
 * jumps in nearly every window; a random walk whose levels repeat by
 * chance (balloon-stuck's s5, every 20 s) or a cron's minute do not,
 * and a floor at their highs made the others page for them. */
static bool fast(const struct policy_params *p, const struct policy_dom *d)
{
	if (!p->recur_hold_rate_pct)
		return true;
	/* jump_past <= jump_seen <= JUMP_PAST (60): no overflow */
	return d->jump_seen >= RATE_MIN_WINDOWS &&
	       d->jump_past * 100 >= p->recur_hold_rate_pct * d->jump_seen;
}

/* A load recur_hold holds keeps its rule; a cron whose jumps are too
 * rare for it is recur_period_s's (recur_period.c). */
static bool cron(const struct policy_params *p, const struct policy_dom *d)
{
	return !(p->recur_hold && fast(p, d) && held(p, d)) &&
	       policy_recur_periodic(p, d);
}

uint64_t policy_recur_need_kb(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t now)
{
	if (cron(p, d))
		return policy_recur_period_kb(p, d, now);
	return policy_recur_handback_kb(p, d, p->recur_margin || p->recur_hold ? level_kb(p, d, now) : now);
}

uint64_t policy_recur_floor_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t now)
{
	if (cron(p, d))
		return policy_recur_period_kb(p, d, now);
	return policy_recur_handback_kb(p, d, p->recur_hold && fast(p, d) ? level_kb(p, d, now) : now);
}
