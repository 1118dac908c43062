// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level given back ahead of the next job (level_ahead;
 * design.md §A step ahead and the boot grace, "A level given back
 * ahead"; docs/evaluation/sessions/session-26.md, lag26).
 *
 * level_keep keeps, of what a guest between jobs holds, up to its recent
 * level; it never grows one. A guest whose level went to the free pool
 * (a keep the spare could not cover beside the largest rise another
 * guest has shown, or memory the others took meanwhile and gave back)
 * takes it back at its next job at its balloon's speed, while the host
 * has it free: batch-giant's big and giant-pair's g1 and g2 page 5 GiB
 * jobs in at 256 MiB/s, where the lagged floor, which spreads what its
 * water-filling leaves over into the guests, holds part of it in them
 * already (lag26: "flight", 97 % and 67 % of those rows' excess).
 *
 * With the key, after every domain's abundant step and keeps, the spare
 * left (what is free once every domain has its target, reservations left
 * out: the spare over the goals less what the targets hold above them) less the largest rise shown by a guest that is not between jobs
 * is shared among the guests between jobs (level_keep's criteria: rises
 * beyond the gap in two windows lately, a load under half of its level)
 * in proportion to what each lacks of its level, and each is grown by
 * its part, up to that level (plus its gap under the fixed gap). Two
 * giants that alternate both hold part of their next job, as under the
 * floor; a guest that jumps next takes the rest out of free memory at
 * once. Scarce mode is unchanged: the solver takes it back as any
 * memory above a need, in one write.
 */
#include "policy/jump.h"
#include "policy/solve.h"

/* d's level when it is between jobs (level_keep's criteria), capped at
 * its maximum; 0 when it is not. */
static uint64_t ahead_level(const struct policy_params *p,
			    const struct policy_dom *d, uint64_t goal)
{
	uint64_t h = p->headroom_kb, g = policy_dom_gap_kb(p, d);

	if (d->kind != POLICY_DOMU || !policy_uses_need(p, d) ||
	    !(d->flags & POLICY_IN_WS) || d->top_kb == 0 ||
	    d->jump_past < KILL_RISE_RANK || (g < h && d->rise_most_kb <= h))
		return 0;
	/* top_kb, the gaps, goal <= POLICY_KB_MAX (2^40): no overflow */
	uint64_t goal_h = goal + (h > g ? h - g : 0);

	if (policy_page_down(d->top_kb + h) / 2 < goal_h)
		return 0;
	uint64_t level = policy_page_down(d->top_kb +
					  (p->headroom == POLICY_HEADROOM_LEARNED ? 0 : g));
	uint64_t top = policy_page_down(d->max_kb);

	return level < top ? level : top;
}

void policy_level_ahead(const struct policy_params *p,
			const struct policy_dom *dom, size_t n,
			struct policy_decision *out, int64_t spare)
{
	uint64_t want = 0, room = 0;

	if (!p->level_ahead || p->mode == POLICY_FORCE_STATIC || spare <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (dom[i].kind != POLICY_DOMU)
			continue;
		uint64_t lvl = ahead_level(p, &dom[i], out[i].goal_kb);

		/* What the targets hold above the goals (a walk down, an
		 * aim, a keep) is not free. */
		if (out[i].target_kb > out[i].goal_kb)
			spare -= (int64_t)(out[i].target_kb - out[i].goal_kb);

		if (lvl > out[i].target_kb)
			want += lvl - out[i].target_kb;
		else if (!lvl && (dom[i].flags & POLICY_IN_WS) &&
			 dom[i].rise_most_kb > room)
			room = dom[i].rise_most_kb;
	}
	if (!want || spare <= 0 || (uint64_t)spare <= room)
		return;
	uint64_t pool = (uint64_t)spare - room;

	for (size_t i = 0; i < n; i++) {
		if (dom[i].kind != POLICY_DOMU)
			continue;
		uint64_t t = out[i].target_kb, lvl = ahead_level(p, &dom[i], out[i].goal_kb);

		if (lvl <= t)
			continue;
		uint64_t part = lvl - t;

		if (pool < want)   /* both <= 2^40: the product fits */
			part = (uint64_t)((unsigned __int128)part * pool / want);
		uint64_t to = policy_page_down(t + part);

		/* Not rewritten for a few MiB either way: kept where it
		 * holds within min_change of its part, grown only by
		 * min_change or more. */
		if (dom[i].target_kb > t && dom[i].target_kb <= to + p->min_change_kb &&
		    dom[i].target_kb + p->min_change_kb >= to)
			to = dom[i].target_kb < lvl ? dom[i].target_kb : lvl;
		else if (to < dom[i].target_kb + p->min_change_kb && to > dom[i].target_kb)
			to = dom[i].target_kb;
		if (to <= t)
			continue;
		out[i].target_kb = to;
		out[i].settle_kb = to;
		out[i].reasons = POLICY_R_LEVEL;
	}
}
