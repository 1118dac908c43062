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
 * now; it is never a floor. Only for a guest with swap whose load jumped
 * beyond its gap in two windows lately (jump_past): a load that fell
 * once (a failover's primary) kept its old level while its standby's
 * climb starved (ha-failover: 3 -> 8 kills); a swapless guest's level
 * that recurs is recur_hold's (recur_hold.c), and held here a swapless
 * guest's ramp delayed a migration's reservation (migrate-in: lag 1.16x
 * -> 3.06x). And all levels or none (policy_peak_short()).
 */
#include "policy/jump.h"
#include "policy/solve.h"

uint64_t policy_peak_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t w)
{
	if (!p->peak_hold || !(d->flags & POLICY_IN_WS) || d->top_kb == 0 ||
	    !d->swap_tot_kb || d->jump_past < KILL_RISE_RANK)
		return w;
	uint64_t sf = d->swap_free_kb;
	/* top_kb, swap_free_kb, the gap <= POLICY_KB_MAX (2^40): no overflow */
	uint64_t level = d->top_kb > sf ? d->top_kb - sf : 0;

	/* A level W_i (or its rise ahead) reaches already: nothing kept.
	 * A jump its gap and free swap hold together counts too: scarce
	 * mode's tiers serve the gaps last. Kept only beyond W_i + g_i,
	 * jumpy-room had 11 of its 12 kills (5 with them), at the price of
	 * many-small-one-big's walkers with swap taking the gaps of its
	 * swapless ones (13 -> 17 kills); docs/evaluation.md, "Session 20:
	 * kills of jumpy guests that membal shrinks (ga20)". */
	if (level <= d->ws_kb)
		return w;
	uint64_t keep = policy_page_down(level + policy_dom_gap_kb(p, d));

	if (keep > d->max_kb)
		keep = d->max_kb;
	return keep > w ? keep : w;
}

/* All levels or none, as a crash loop's raise in tier 1 (loops_whole(),
 * solve_tiers.c): a level is worth keeping only while the host can carry
 * every guest's goal with it. On a host short of them the levels go to
 * the tiers' margins, where they took the gaps of swapless guests and
 * the OOM raises' room (growing-adopted 24 -> 28 kills, many-small-one-
 * big 13 -> 17: docs/evaluation.md, "Session 20: kills of jumpy guests
 * that membal shrinks (ga20)"), and they turn an abundant host scarce:
 * so a short host decides as without peak_hold. Short includes room for
 * the largest rise a guest has shown (rise_most_kb): the levels are
 * given back at balloon speed when the host turns short, and a guest
 * growing into the room they held waited (growing-adopted-touch 19 ->
 * 22 kills without it; "Session 20: the level a load reached, all or
 * none (level20)"). */
bool policy_peak_short(const struct policy_params *p, const struct policy_dom *dom,
		       size_t n, int64_t room)
{
	uint64_t rise = 0;

	if (!p->peak_hold)
		return false;
	for (size_t i = 0; i < n; i++)
		if (dom[i].kind == POLICY_DOMU && dom[i].rise_most_kb > rise)
			rise = dom[i].rise_most_kb;
	/* rise_most_kb <= POLICY_KB_MAX (2^40) */
	return room < (int64_t)rise;
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
