/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The level a load reached (peak_hold;
 * design.md §Scarce mode from the estimated need, "The level a load
 * reached"). A guest whose load jumps
 * between levels faster than the loop follows (random levels held for
 * tens of seconds) is cut to W_i + g_i at each low level; the next jump
 * back to a level it has reached before lands on a guest holding its low
 * level and its free swap, and what its swap cannot hold is an OOM kill
 * (growing-adopted: 22 of 24 kills, every one a jump of 70-190 MiB from
 * a guest held at its W_i). The level the estimate has shown lately is
 * the best evidence of where the next jump goes: so the guest keeps that
 * level less the swap it has free (which holds the rest of the jump), and
 * its gap above it. Kept in its goal and, in scarce mode, in the tier of
 * margins (rung 4: after every domain's need now, before the slack, the
 * adoption grace and the gaps), so it never starves another guest's need
 * now; it is never a floor.
 */
#include "policy/solve.h"

uint64_t policy_peak_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t w, bool tiers)
{
	if (!p->peak_hold || !(d->flags & POLICY_IN_WS) || d->top_kb == 0)
		return w;
	uint64_t sf = d->swap_free_kb;
	/* top_kb, swap_free_kb, the gap <= POLICY_KB_MAX (2^40): no overflow */
	uint64_t level = d->top_kb > sf ? d->top_kb - sf : 0;

	uint64_t g = policy_dom_gap_kb(p, d);

	/* A jump its free swap holds from W_i: nothing kept. In the goal
	 * (abundant mode), nor one its gap and free swap hold: the goal
	 * W_i + g_i is there for it; scarce mode's tiers serve the gaps
	 * last, so there a jump beyond the free swap alone is a kill.
	 * Kept in the goal for such jumps too, the levels of
	 * many-small-one-big's twenty walkers with swap (40-120 MiB)
	 * took the gaps of its four swapless ones (13 -> 17 kills). */
	if (level <= d->ws_kb + (tiers ? 0 : g))
		return w;
	uint64_t keep = policy_page_down(level + g);

	if (keep > d->max_kb)
		keep = d->max_kb;
	return keep > w ? keep : w;
}

/* A reservation is served out of what guests hold above their needs,
 * margins and slack (keep_kb(), policy.c): a level kept for a jump that
 * may come is none of those. Kept from it, a booting guest waited for
 * every small guest's level (boot-wave: lag 1.07x -> 7.66x, resv-jump
 * 1.26x -> 9.41x). */
const struct policy_params *policy_peak_off(const struct policy_params *p,
					    struct policy_params *q)
{
	if (!p->peak_hold)
		return p;
	*q = *p;
	q->peak_hold = false;
	return q;
}
