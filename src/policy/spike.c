// SPDX-License-Identifier: GPL-2.0-only
/*
 * A spike the peers show
 * (design.md §Scarce mode from the estimated need, "A spike the peers show"). In tier 1 a guest with swap pages
 * into its free swap for another guest's need that swap cannot hold
 * (solve_tiers.c): the yield assumes the yielding guest's own load stays
 * where it is. When many guests of one host jump at once (a deploy, a
 * fleet-wide cron job, a cache flush), that assumption is the one most
 * likely wrong: the guests that have not jumped yet are the ones the
 * next seconds will make jump. fleet-spike: forty guests spiking within
 * three seconds of one another; eight guests with 128 MiB of swap were
 * cut to their minimum in the second after the first thirty spiked, and
 * killed by their own spike a second later, before any of them had a
 * jump of its own in its history. No one guest's history shows it; the
 * host sees it in the others.
 *
 * So while a quorum of the guests with an estimate (half, and two at
 * least, each counted by how unusual a jump is for it) have jumped within
 * spike_window_s (policy/jump.h: W's rise within a few reports, beyond
 * the gap g_i its headroom absorbs), a guest with swap that has not
 * jumped keeps room for the largest of the peers' jumps, J: it pages
 * for another guest only into the free swap J leaves beyond its gap,
 * and is not cut below W_i + J - SF_i (what its free swap SF_i cannot
 * hold of such a jump) while it holds that much. The largest, not the
 * mean: the jumps of one spike differ by guest (fleet-spike: 110 to 190
 * MiB), a guest that keeps room for the mean is killed by a jump above
 * it (7 of the 8 were, with the mean), and the room is only what the
 * guest already holds, for spike_window_s. A guest alone in jumping (a swapless
 * climber, a hog) has no quorum: the others page for it as before,
 * which is what protects the swapless rows (session 14's oom14: a yield
 * bounded by each guest's own past jumps took that protection away and
 * gained kills on them).
 */
#include "policy/solve.h"

/* Under need = estimate and the exact solver, the managed domUs with an
 * estimate (those balance() sizes by the tiers). */
static bool peer(const struct policy_params *p, const struct policy_dom *d)
{
	return p->mode != POLICY_FORCE_STATIC && d->kind == POLICY_DOMU &&
	       p->need == POLICY_NEED_ESTIMATE && p->solver == POLICY_SOLVER_EXACT &&
	       (d->flags & POLICY_IN_WS);
}

/* A guest's own jump rate is read over a minute of windows at least: a
 * guest watched for less is taken as quiet for the rest of that minute
 * (its first jump, a boot's climb, is no habit yet). */
#define OWN_RATE_MIN_WINDOWS 6

/* How far d's jump now is evidence of a common cause: 1 less the share
 * of its past windows in which it jumped (policy_dom.jump_past of
 * jump_seen). A guest that jumps in most windows on its own says little
 * by jumping in this one; a guest that never jumped says all. */
static double unusual(const struct policy_dom *d)
{
	unsigned den = d->jump_seen > OWN_RATE_MIN_WINDOWS ? d->jump_seen
							   : OWN_RATE_MIN_WINDOWS;

	return d->jump_past < den ? 1 - (double)d->jump_past / den : 0;
}

/* The quorum: the jumpers, each weighted by how unusual its jump is for
 * it, weigh two at least and half of the whole host so weighted. With
 * every weight 1 (no guest with a habit of jumping) that is a head
 * count: two guests, and half of those with an estimate (session 15).
 * The weights are what the head count lacked: on square-alias two guests
 * flipping every few seconds on their own made "half" of five in 390 of
 * 791 scarce decisions; weighted they make none past the first minute,
 * and fleet-spike (forty guests jumping once every 150 s) keeps its
 * quorum to the decision. The host's weight, not its head count, is the
 * base: a host of noisy guests can still show a spike of its calm ones
 * (conf/scenarios/spike-noise.ini). Half, not an eighth: with an eighth
 * the ten random loads of growing-adopted made a "spike" by chance
 * (spike15). */
struct policy_spike policy_spike_find(const struct policy_params *p,
				      const struct policy_dom *dom, size_t n)
{
	struct policy_spike s = { .on = false };
	double evidence = 0, host = 0;
	uint64_t most = 0;

	if (!p->spike_window_s)
		return s;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];

		if (!peer(p, d))
			continue;
		host += unusual(d);
		if (d->jump_kb > policy_dom_gap_kb(p, d)) {
			evidence += unusual(d);
			if (d->jump_kb > most)
				most = d->jump_kb;
		}
	}
	s.on = evidence >= 2 && evidence * 2 >= host;
	s.jump_kb = s.on ? most : 0;
	return s;
}

/* J for d: the peers' largest jump with d's own estimate error (its W_i
 * and a jump measured from it are each need_slack_pct off). 0: d keeps
 * no room (no spike, no swap, or d has jumped itself). */
static uint64_t room_jump_kb(const struct policy_params *p,
			     const struct policy_spike *s,
			     const struct policy_dom *d)
{
	if (!s || !s->on || !d->swap_tot_kb || !(d->flags & POLICY_IN_WS) ||
	    d->jump_kb > policy_dom_gap_kb(p, d))
		return 0;
	return s->jump_kb + (policy_need_slack_kb(p, d) - d->ws_kb);
}

void policy_spike_floor(const struct policy_params *p,
			const struct policy_spike *s,
			const struct policy_dom *d, uint64_t *lo, uint64_t up)
{
	uint64_t j = room_jump_kb(p, s, d), r = d->ws_kb + j;

	if (!j || r <= d->swap_free_kb)
		return;
	r -= d->swap_free_kb;
	if (r > d->target_kb)
		r = d->target_kb;
	if (r > up)
		r = up;
	if (r > *lo)
		*lo = r;
}

uint64_t policy_spike_spare_kb(const struct policy_params *p,
			       const struct policy_spike *s,
			       const struct policy_dom *d, uint64_t sf)
{
	uint64_t j = room_jump_kb(p, s, d), g = policy_dom_gap_kb(p, d);

	j = j > g ? j - g : 0;
	return sf > j ? sf - j : 0;
}
