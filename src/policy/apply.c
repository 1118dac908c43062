/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From targets to this cycle's writes, as a pure function
 * (design.md §Apply: from targets to this cycle's writes).
 *
 * A target is what the policy wants; a write is what the arbiter puts in
 * memory/target now. They differ for two reasons:
 *
 * - Threshold: a change below min_change is not written (no churn in
 *   steady state), except a write that lands exactly on settle_kb, the
 *   end of a hysteresis walk, so that walks finish, and a decrease while
 *   the host is below its reserve (F_h < 0); but never a move
 *   below settle_min_kb, the noise of a guest's Committed_AS (seen on
 *   real Xen: 50-400 KiB every few seconds), or the goal's jitter alone
 *   would rewrite memory/target forever.
 * - Grants: memory a domain does not hold yet (new target - N_i) can only
 *   come from what the host has free NOW, F_h; memory that other domains
 *   are about to release is not counted, because a balloon may take
 *   seconds (or forever) to give it back. Decreases are written in full;
 *   increases share F_h: dom0 priority first, then every growing domain
 *   in proportion to its deficit, rounded down to pages.
 *
 * A domain that keeps its current target B_i while B_i > N_i still has
 * growth in flight from an earlier grant: that growth is served from F_h
 * before anything new is granted, so F_h is never promised twice.
 *
 * Invariant (tests/unit/test_apply.c): for the domains written this
 * cycle, sum max(0, write_i - N_i) <= max(0, F_h - growth in flight).
 */
#include "policy/policy.h"
#include "policy/solve.h"

static inline uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Worth writing: a real move, or the last step of a walk. */
static bool passes_threshold(const struct policy_params *p, uint64_t value,
			     uint64_t current, uint64_t settle)
{
	if (value == current)
		return false;
	return distance(value, current) >= p->min_change_kb ||
	       (value == settle && distance(value, current) >= p->settle_min_kb);
}

/*
 * Growth in flight that the pool no longer covers: a domain that keeps
 * B_i > N_i takes B_i - N_i as its balloon goes on, and when F_h (free
 * memory above the reserve and the active reservations) has fallen below
 * the sum of it, since a reservation was made (or a domain without
 * agent grew), that growth would take the reservation: a newcomer
 * placed there then finds the memory gone between its reservation and
 * its start (cluster-20x200's vm165 and vm170, docs/evaluation.md
 * "Session 9: placement at the floor"). The reserve and the reservations
 * are never used for growth (design.md §Growth is never cut), so each
 * such domain is written down to N_i + its share of what the pool has
 * for it, in proportion to its growth in flight (reason grant), whatever
 * the threshold: the write stops a balloon, it takes nothing the guest
 * holds; a domain whose target is at or below N_i is written its target.
 *
 * Only a domain sized by its estimate (need = estimate and W_i in its
 * report), like unpark's candidates: a snapshot without estimates takes
 * exactly today's path (`membalctl plan` byte for byte,
 * tests/plan-baseline); the growth in flight of the others is served
 * from the pool first, as before. Returns what is left of the pool for
 * new grants. A withdrawal carries reason grant from here on, which
 * passes 2 and 3 read as "served already" (pass 1 clears the bit on
 * every domain).
 */
static bool withdrawable(const struct policy_params *p, const struct policy_dom *d,
			 const struct policy_decision *o)
{
	/* With part_page_keep: a balloon takes whole pages, so a target
	 * less than a page above N_i (the solver's targets are in KiB) has
	 * no growth left in flight; writing it down to N_i would change
	 * nothing. */
	uint64_t b = p->part_page_keep ? policy_page_down(d->target_kb)
				       : d->target_kb;

	return policy_uses_need(p, d) &&
	       o->mode != POLICY_MODE_FIXED && !o->has_write &&
	       b > d->actual_kb;
}

static uint64_t withdraw_in_flight(const struct policy_params *p,
				   const struct policy_dom *dom, size_t n,
				   struct policy_decision *out, uint64_t pool,
				   uint64_t in_flight)
{
	uint64_t mine = 0, kept = 0;

	if (in_flight <= pool)
		return pool - in_flight;
	for (size_t i = 0; i < n; i++)
		if (withdrawable(p, &dom[i], &out[i]))
			mine += dom[i].target_kb - dom[i].actual_kb;
	/* The others' growth in flight is served first, as before. */
	uint64_t others = in_flight - mine;
	uint64_t avail = pool > others ? pool - others : 0;

	for (size_t i = 0; i < n && mine; i++) {
		const struct policy_dom *d = &dom[i];
		struct policy_decision *o = &out[i];

		if (!withdrawable(p, d, o))
			continue;
		uint64_t flight = d->target_kb - d->actual_kb;
		uint64_t share = policy_page_down((uint64_t)((unsigned __int128)avail *
							     flight / mine));
		uint64_t to = o->target_kb <= d->actual_kb ? o->target_kb
			: d->actual_kb + share;

		if (to > o->target_kb)
			to = o->target_kb;
		if (to >= d->target_kb) {
			kept += flight;
			continue;
		}
		o->has_write = true;
		o->write_kb = to;
		o->reasons = (o->reasons & ~(uint32_t)POLICY_R_THRESHOLD) | POLICY_R_GRANT;
		if (to > d->actual_kb)
			kept += to - d->actual_kb;
	}
	return avail > kept ? avail - kept : 0;
}

void policy_apply(const struct policy_params *p,
		  const struct policy_cycle *cycle,
		  const struct policy_dom *dom, size_t n,
		  struct policy_decision *out)
{
	uint64_t pool = cycle->host_free_kb > 0 ? (uint64_t)cycle->host_free_kb
						: 0;
	uint64_t in_flight = 0, deficit = 0;

	/* Below the reserve (F_h < 0), a decrease that gives memory back is
	 * written once it clears the noise floor: min_change would otherwise
	 * leave the host up to min_change below its reserve for good (seen on
	 * real Xen: 4 MiB under it, while a 4 MiB cut of one guest would
	 * have restored it). */
	bool below_reserve = cycle->host_free_kb < 0;

	/* Pass 1: which targets would be written at all; what is in flight. */
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		struct policy_decision *o = &out[i];

		o->has_write = false;
		o->write_kb = 0;
		o->reasons &= ~(uint32_t)(POLICY_R_GRANT | POLICY_R_THRESHOLD);
		if (o->mode == POLICY_MODE_FIXED)
			continue;
		if (passes_threshold(p, o->target_kb, d->target_kb,
				     o->settle_kb) ||
		    (below_reserve && o->target_kb < d->target_kb &&
		     d->target_kb - o->target_kb >= p->settle_min_kb)) {
			o->has_write = true;
			o->write_kb = o->target_kb;
			if (o->target_kb > d->actual_kb && d->kind != POLICY_DOM0)
				deficit += o->target_kb - d->actual_kb;
			continue;
		}
		if (o->target_kb != d->target_kb)
			o->reasons |= POLICY_R_THRESHOLD;
		if (d->target_kb > d->actual_kb)
			in_flight += d->target_kb - d->actual_kb;
	}
	pool = withdraw_in_flight(p, dom, n, out, pool, in_flight);

	/* Pass 2: dom0 priority is served first, in full if it can be. */
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		struct policy_decision *o = &out[i];

		if (!o->has_write || d->kind != POLICY_DOM0 ||
		    o->write_kb <= d->actual_kb || (o->reasons & POLICY_R_GRANT))
			continue;
		uint64_t want = o->write_kb - d->actual_kb;
		uint64_t grant = want < pool ? want : pool;

		pool -= grant;
		o->write_kb = d->actual_kb + grant;
	}

	/* Pass 3: the rest in proportion to deficit,
	 *     grant_i = policy_page_down(pool * (target_i - N_i) / sum deficits). */
	if (deficit > pool) {
		for (size_t i = 0; i < n; i++) {
			const struct policy_dom *d = &dom[i];
			struct policy_decision *o = &out[i];

			if (!o->has_write || d->kind == POLICY_DOM0 ||
			    o->write_kb <= d->actual_kb || (o->reasons & POLICY_R_GRANT))
				continue;
			uint64_t want = o->write_kb - d->actual_kb;
			unsigned __int128 share = (unsigned __int128)pool * want /
						  deficit;

			o->write_kb = d->actual_kb + policy_page_down((uint64_t)share);
		}
	}

	/* Pass 3b: a swapless climb granted the cuts that pay for it. */
	policy_climb_grant(p, cycle, dom, n, out);

	/* Pass 4: writes cut by a grant. Keeping B_i is fine if it asks for
	 * no more than was granted and the cut write would be a small move;
	 * otherwise the smaller value must be written. */
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		struct policy_decision *o = &out[i];

		if (!o->has_write || o->write_kb == o->target_kb)
			continue;
		o->reasons |= POLICY_R_GRANT;
		/* With part_page_keep, under need = estimate: B_i's part of
		 * a page above the grant is no growth (a balloon takes whole
		 * pages), so keeping it asks for nothing, and writing N_i
		 * changes nothing but costs a write (46 on the 21 rows that
		 * fail issue 15's `writes` cell; off: those few KiB kept in
		 * B_i move the pool and the trajectories of kill-heavy rows,
		 * docs/evaluation.md, "Session 23: writes, by cause
		 * (writes23)"). */
		uint64_t kept = p->part_page_keep && policy_uses_need(p, d)
			? policy_page_down(d->target_kb) : d->target_kb;

		if (kept <= o->write_kb &&
		    !passes_threshold(p, o->write_kb, d->target_kb,
				      o->settle_kb)) {
			if (d->target_kb != o->write_kb)
				o->reasons |= POLICY_R_THRESHOLD;
			o->has_write = false;
			o->write_kb = 0;
		}
	}

	/* What the writes above leave of the pool: F_h less every decided
	 * domain's growth, written or in flight (a write that pass 4 turned
	 * back into keeping B_i still takes B_i - N_i). */
	uint64_t taken = 0, free_h = cycle->host_free_kb > 0
		? (uint64_t)cycle->host_free_kb : 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t to = out[i].has_write ? out[i].write_kb : dom[i].target_kb;

		if (out[i].mode != POLICY_MODE_FIXED && to > dom[i].actual_kb)
			taken += to - dom[i].actual_kb;
	}
	policy_unpark(p, dom, n, out, free_h > taken ? free_h - taken : 0);
}
