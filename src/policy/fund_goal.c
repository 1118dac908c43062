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
 * to min_change, the donors above their goals give back that lack, each
 * in proportion to what it holds above its goal and never below it, in
 * one write each.
 */
#include "policy/solve.h"

/* Whether d may give the keep above its goal: its free swap holds its
 * gap and that keep, so that a jump through both pages rather than ends
 * in the OOM killer. The keep is what carried a small guest's next jump
 * where its swap could not (growing-adopted's s2, 64 MiB of swap,
 * killed at 125 s once 8 MiB of its 16 were taken: 24 -> 25 kills). */
static bool gives_keep(const struct policy_params *p,
		       const struct policy_dom *d, uint64_t goal)
{
	uint64_t g = policy_dom_gap_kb(p, d);

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
	if (gives_keep(p, d, goal))
		f->over += (int64_t)(d->target_kb - goal);
	if (d->actual_kb > d->target_kb)
		f->coming += (int64_t)(d->actual_kb - d->target_kb);
}

/* The share of each donor's excess the pagers take, in millionths: what
 * they lack, less what decreases already written bring back (slow
 * balloons: asked again at every cycle of their travel, the same lack
 * was a new round of writes each time; slow-donors 46 -> 55 writes)
 * and less what is free above the reserve (free_u: the grants come out
 * of it first; cron-rare at 2800 s, three guests restarted after their
 * kills lacked 600 MiB that the host had free, and five donors were
 * written to their goals a second before their own cron jump: the
 * learned gap 566 -> 581 writes, 29 -> 30 kills), over what the donors
 * hold above their goals, at most all. */
uint32_t policy_fund_take_ppm(enum policy_band band,
			      const struct policy_fund *f, int64_t free_u)
{
	int64_t want = f->pages - f->coming - (free_u > 0 ? free_u : 0);

	if (band != POLICY_BAND_FUND_GOAL || want <= 0 || f->over <= 0)
		return 0;
	if (want >= f->over)
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
