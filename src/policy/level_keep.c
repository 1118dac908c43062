// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level kept while nobody needs it (level_keep;
 * design.md §A step ahead and the boot grace,
 * "A level kept while nobody needs it").
 *
 * In abundant mode a guest whose load falls is walked (or, when another
 * guest's growth waits, cut in one write) to W_i + g_i, and the memory
 * goes to the free pool, where it may lie unused for minutes. A batch
 * guest between jobs (batch-giant's big: 6.5 GiB jobs, idle at 700 MiB
 * for 60-150 s) then takes it back at the balloon's speed at its next
 * job and pages: 69260 of the row's 71300 MiB*s, while 5 GiB lay free
 * and no guest asked for them (docs/evaluation.md, break23).
 *
 * With the key, a domain whose estimate jumped beyond its gap in two
 * windows lately (jump_past, its own recurring large rises) and whose
 * load fell below half of its level keeps, of what it holds, up to the
 * level its load reached lately (top_kb, the second highest of its
 * windows' highest samples over ten minutes) and its gap, while the
 * spare (what is free once every domain has its
 * goal) covers that keep and, beyond it, the largest rise any other
 * guest has shown (rise_most_kb): what it keeps costs nobody memory now
 * nor at the next jump of another guest. Short of that it keeps the part
 * the spare covers, in one write: the rest goes back at once, so a
 * guest that needs it, a reservation (left out of free memory) or scarce
 * mode (the solver's, untouched) takes it as before. The level leaves
 * top_kb ten minutes after the load last reached it: the keep decays
 * then, and the guest walks down as before.
 *
 * Under headroom = learned the criteria are the fixed gap's (H,
 * headroom_kb), and the level is kept without a gap above it: the
 * learner does not judge a kept target (arbiter/gap_learn.c freezes it
 * mid-walk), so a gap above the level is idle memory no evidence asked
 * for; the learned gap comes back with the load (session-25.md, keep25).
 */
#include "policy/jump.h"
#include "policy/solve.h"

void policy_level_room_init(const struct policy_params *p,
			    const struct policy_dom *dom, size_t n,
			    struct policy_level_room *r)
{
	r->first_kb = r->second_kb = 0;
	r->first = SIZE_MAX;
	if (!p->level_keep)
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t rise = dom[i].rise_most_kb;

		if (dom[i].kind != POLICY_DOMU || !(dom[i].flags & POLICY_IN_WS))
			continue;
		if (rise > r->first_kb) {
			r->second_kb = r->first_kb;
			r->first_kb = rise;
			r->first = i;
		} else if (rise > r->second_kb) {
			r->second_kb = rise;
		}
	}
}

uint64_t policy_level_keep_kb(const struct policy_params *p,
			      const struct policy_dom *d, size_t i,
			      const struct policy_level_room *r, uint64_t goal,
			      uint64_t t, int64_t *spare, uint32_t *hold)
{
	uint64_t b = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;
	uint64_t h = p->headroom_kb, g = policy_dom_gap_kb(p, d);

	/* Rises beyond the fixed gap H, not only beyond a learned g_i
	 * below it: jump_past counts the windows whose rise passed g_i;
	 * with g_i < H the second largest rise lately must pass H too
	 * (under headroom = fixed, g_i = H: giant24's rule). */
	if (!p->level_keep || !policy_uses_need(p, d) ||
	    !(d->flags & POLICY_IN_WS) || t >= b || d->top_kb == 0 ||
	    d->jump_past < KILL_RISE_RANK || (g < h && d->rise_most_kb <= h))
		return t;
	/* top_kb, the gaps, max_kb <= POLICY_KB_MAX (2^40): no overflow */
	uint64_t level = policy_page_down(d->top_kb +
					  (p->headroom == POLICY_HEADROOM_LEARNED ? 0 : g));
	uint64_t keep = level < b ? level : b;
	/* Room for the largest rise another guest has shown: its grant
	 * comes out of free memory at once, not after this balloon's
	 * travel back (the next cycle gives the keep back). */
	uint64_t room = i == r->first ? r->second_kb : r->first_kb;
	int64_t cover = *spare - (int64_t)room;
	/* The criterion below as H reads it: the goal with H for g_i. A
	 * learned gap's lower goal admitted guests the fixed gap did not
	 * (demo's guest1, its mono load: 154.3 -> 159.0 MiB idle against
	 * fixed's 156.9; session-25.md, keep25). */
	uint64_t goal_h = goal + (h > g ? h - g : 0);

	/* Between jobs: its level at least twice its goal (a load that
	 * fell to under half of it), not a level among random ones. Kept
	 * for any fall, it held random levels near the edge of scarce
	 * mode, where the others' grants came out of the room alone
	 * (agent-dead's w1 beside s1's swapless climb: s1 OOM-killed;
	 * the learned gap's lower idle memory lost on backup-cache,
	 * balloon-slow, balloon-stuck and build-farm; docs/evaluation.md,
	 * giant24). */
	if (keep <= t || policy_page_down(d->top_kb + h) / 2 < goal_h || cover <= 0)
		return t;
	if ((uint64_t)cover < keep - goal)
		keep = policy_page_down(goal + (uint64_t)cover);
	if (keep <= t)
		return t;
	*spare -= (int64_t)(keep - goal);
	*hold = POLICY_R_LEVEL;
	return keep;
}
