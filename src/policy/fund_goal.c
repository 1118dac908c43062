// SPDX-License-Identifier: GPL-2.0-only
/*
 * fund_to_goal (design.md §A step ahead and the boot grace, "A guest
 * that pages"): in abundant mode above the reserve, the FUND band keeps
 * a donor up to 2 min_change above its goal, while Step 4 counts what
 * every donor holds above its goal as free. With a few donors that keep
 * is more than a guest paging for its need lacks, and nothing moves
 * until the host turns scarce (boot-overcommit's i2: five donors 11-27
 * MiB above their goals, i2 27 MiB short of W_i for four seconds). While
 * the needs W_i above what their domains hold (the pagers' lack) add up
 * to min_change, the donors within their band give back that lack, net
 * of what comes back anyway this cycle, each in proportion to what it
 * holds above its goal and never below it, in one write each; nothing
 * when that net lack is under min_change or beyond what the keeps hold.
 */
#include "policy/solve.h"

/* Whether d may give the keep above its goal: its free swap holds its
 * gap and that keep, so that a jump through both pages rather than ends
 * in the OOM killer. The keep is what carried a small guest's next jump
 * where its swap could not (growing-adopted's s2, 64 MiB of swap,
 * killed at 125 s once 8 MiB of its 16 were taken: 24 -> 25 kills). */
static bool beyond_band(const struct policy_params *p,
			const struct policy_dom *d, uint64_t goal)
{
	return d->target_kb > goal &&
	       d->target_kb - goal > 2 * policy_page_down(p->min_change_kb);
}

static bool gives_keep(const struct policy_params *p,
		       const struct policy_dom *d, uint64_t goal)
{
	uint64_t g = policy_dom_gap_kb(p, d);

	/* Beyond its band the FUND band already moves it to its aim, in
	 * one write: that move is counted as memory coming back
	 * (policy_fund_count()), not as a keep to share. */
	if (beyond_band(p, d, goal))
		return false;

	/* A keep under min_change is the band's jitter: its share would be
	 * a write of a MiB or two (host-50's adopted guests at 45 s). */
	if (d->target_kb < goal + p->min_change_kb)
		return false;
	/* A domain in its adoption grace (POLICY_IN_GRACE) keeps it: its
	 * goal rests on an estimate a cycle or two old, and the keep is
	 * all that covers its error (minute-cron's c10 and c11 written to
	 * their goals at their first cycle: 68 -> 70 OOM kills). */
	if (d->flags & POLICY_IN_GRACE)
		return false;
	/* g, target_kb <= POLICY_KB_MAX: no overflow */
	return d->swap_free_kb >= g + (d->target_kb - goal);
}

/* d's part of the pagers' lack, W_i and its rise ahead above what it
 * holds (a swapless guest's margin only once eaten: while it is whole
 * it waits, as the FUND band always had it wait), and of what the
 * domains hold above their goals. */
void policy_fund_count(const struct policy_params *p,
		       const struct policy_dom *d, uint64_t goal,
		       struct policy_fund *f)
{
	uint64_t w = policy_need_ahead_kb(p, d, false);
	uint64_t now = policy_need_now_kb(p, d, false);

	/* A margin eaten (lag17): a guest without swap room whose climb
	 * has left it less than min_change above W_i ahead lacks its
	 * margin now, and its next rise is an OOM kill, not paging. Its
	 * margin counted always (lag20's form F) took the keep for guests
	 * whose margin was whole and moved the kills of boot-storm (1 -> 2)
	 * and maxcut-starve (2 -> 3); counted only once eaten, resv-climb's
	 * p is funded (2848 -> 582 MiB*s) and those rows keep main's. */
	if (now > w && d->actual_kb < w + p->min_change_kb)
		w = now;

	if (w > d->actual_kb)
		f->pages += (int64_t)(w - d->actual_kb);
	/* A domain beyond its band goes to its aim this cycle anyway
	 * (unless the boot grace holds it: POLICY_IN_BOOTED), and what
	 * that gives back pays the lack before any keep is taken. Counted
	 * as keep to share, it thinned every donor's share into writes of
	 * a few MiB that the move had covered already (maxmem-cap under
	 * headroom = learned, whose lower goals put walk 138 MiB above
	 * its goal: grow written 5 MiB down for nothing, idle held 165.2
	 * -> 165.3 MiB and two writes more, where the fixed gap gained). */
	if (beyond_band(p, d, goal)) {
		if (!(d->flags & POLICY_IN_BOOTED))
			f->moving += (int64_t)(d->target_kb -
					       policy_band_aim(p, d, goal));
	} else if (gives_keep(p, d, goal)) {
		f->over += (int64_t)(d->target_kb - goal);
	}
	if (d->actual_kb > d->target_kb)
		f->coming += (int64_t)(d->actual_kb - d->target_kb);
}

/* The share of each donor's excess the pagers take, in millionths: what
 * they lack, less what decreases already written bring back (slow
 * balloons: asked again at every cycle of their travel, the same lack
 * was a new round of writes each time; slow-donors 46 -> 55 writes),
 * less what the FUND band's moves to the aims bring back this cycle,
 * and less what is free above the reserve (free_u: the grants come out
 * of it first; cron-rare at 2800 s, three guests restarted after their
 * kills lacked 600 MiB that the host had free, and five donors were
 * written to their goals a second before their own cron jump: the
 * learned gap 566 -> 581 writes, 29 -> 30 kills), over what the donors
 * hold above their goals. None when that net lack is under min_change,
 * the trigger's own threshold (a round of writes of a few MiB:
 * balloon-stuck's learned gap, a donor written 6 MiB down for a lack
 * that free memory covered but for 6 MiB). None either when the
 * keeps cannot cover it: with every keep taken the pager would still
 * page, the rest has to come out of the goals, and that is the scarce
 * solver's cut, a cycle later, by price; taking the keeps first only
 * adds a write per donor to the same move (swapkind-wave: 221 MiB
 * lacked against 80 MiB of keeps, five donors written to their goals
 * on the edge of scarce mode, swap-in and writes of the learned gap
 * above the fixed one's; ha-failover's `idle` cell). */
uint32_t policy_fund_take_ppm(const struct policy_params *p,
			      enum policy_band band,
			      const struct policy_fund *f, int64_t free_u)
{
	int64_t want = f->pages - f->coming - f->moving -
		       (free_u > 0 ? free_u : 0);

	if (band != POLICY_BAND_FUND_GOAL || f->over <= 0 ||
	    want < (int64_t)p->min_change_kb || want > f->over)
		return 0;
	if (want == f->over)
		return 1000000u;
	/* want < over <= POLICY_KB_MAX * domains: the product fits. */
	return (uint32_t)(((uint64_t)want * 1000000u + (uint64_t)f->over - 1) /
			  (uint64_t)f->over);
}

/* d's target in FUND_GOAL: its share of what it holds above its goal
 * given back (rounded up to a page, never below the goal), as the end
 * of the move. */
uint64_t policy_fund_goal_step(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t goal,
			       uint32_t take_ppm, uint64_t *settle)
{
	uint64_t b = d->target_kb;

	if (!gives_keep(p, d, goal) || take_ppm == 0) {
		*settle = b;
		return b;
	}
	/* b - goal <= POLICY_KB_MAX (2^40), take_ppm <= 10^6: fits. */
	uint64_t give = ((b - goal) * take_ppm + 999999u) / 1000000u;

	give += (POLICY_PAGE_KB - give % POLICY_PAGE_KB) % POLICY_PAGE_KB;
	*settle = give >= b - goal ? goal : b - give;
	return *settle;
}
