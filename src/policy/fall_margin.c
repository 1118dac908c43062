// SPDX-License-Identifier: GPL-2.0-only
/* A swapless guest's margin after a fall (fall_margin_s; design.md
 * §Scarce mode from the estimated need, "A margin after a fall"): for a
 * short time after its need fell, of what a guest without swap room
 * holds above its need now, up to fall_margin_mb stays its own in
 * scarce mode, in tier 1 as far as tier 1 fits, as swapless_keep.c's
 * margin is funded (margins_fit(), solve_tiers.c). */
#include "policy/solve.h"

/* The cut that follows a fall took a swapless guest to exactly its new
 * need W_i, and the first MiB of its climb back killed it: level-creep's
 * s1 and s2 after a slow fall, ha-failover's b1 at 480 s, resv-jump's d2
 * in the cycle of its fall (docs/evaluation.md, "Session 22: kills one
 * or two over (oomnear22)"). A margin kept always (swapless_keep_mb) was
 * right there and paid in paging by the guests with swap everywhere
 * else; after a fall only, the pagers pay at falls. At most the fall:
 * a guest whose need fell by 4 MiB keeps no more than those 4 MiB, so a
 * guest whose estimate wobbles keeps its wobble, not the whole margin.
 * Only what it holds: a margin given to a guest left short after a
 * kill rescues it to be killed again (keep19, oom21). */
uint64_t policy_fall_margin_kb(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t u1, uint64_t up)
{
	if (!p->fall_margin_s || !p->fall_margin_kb || !d->fell_kb ||
	    !(d->flags & POLICY_IN_WS))
		return 0;

	uint64_t g = policy_dom_gap_kb(p, d);
	uint64_t m = p->fall_margin_kb < g ? p->fall_margin_kb : g;

	/* A guest whose shown rises outgrow its gap is killed by the next
	 * one whatever margin up to g_i it keeps (the test of the removed
	 * kill_margin_killed, design.md "A kill against paging"): its
	 * falls are the troughs of its jumps, and a margin there moved
	 * recur-pair's swapless p1 and p2 below the level their returns
	 * reach in tier 1 (13 -> 54 kills;
	 * docs/evaluation.md, fallmargin22). */
	if (d->rise_most_kb > g)
		return 0;

	if (d->fell_kb < m)
		m = d->fell_kb;
	/* fall_margin_given (fell_kb is 0 until the fall has ended,
	 * jump_snapshot()): kept only, the margin followed no climb, and
	 * W_i rose into it (level-creep's s1, killed at 301 s with 9 MiB
	 * kept at 297 s; fallmargin22): given above W_i while the guest
	 * holds its need, as swapless_keep_given gives its margin. A guest
	 * short of its need gets none: no rescue (keep19, oom21). */
	/* Nor after a fresh kill (within oom_loop_s): that fall is the
	 * killed job's, and a margin given then rescued spike-noise's c5
	 * to be killed again by the same spike (11 -> 20 kills). */
	if (p->fall_margin_given && (d->flags & POLICY_IN_OOM_FRESH))
		return 0;
	/* Given only while W creeps back from the fall's trough (more than
	 * a quarter of min_change above it; a guest that stepped since
	 * has no fall_kb, jump_snapshot()): the kill the margin is for is
	 * a creep the next write lags. A guest that sits at its new level
	 * was raised for a margin nothing ate, one write up and one down
	 * at its lapse (tiny-huge's random levels: 180 -> 201 writes;
	 * docs/evaluation.md, fallgiven24): it keeps what it holds. */
	if (p->fall_margin_given && d->fall_climbs && policy_held_kb(d, up) >= u1)
		return policy_given_margin_kb(d, m, u1, up);
	return policy_kept_margin_kb(d, m, u1, up);
}
