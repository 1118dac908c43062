// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the learner has seen of a guest (design.md §The learned gap,
 * gap_seen_rises): a cap on the gap a domain is given, from the rises of
 * W_i it has shown, in every regime. Split from gap.c, the learner.
 *
 * The learner takes a step only in abundant mode (issue 14: no price
 * changes in scarce mode), and on 38 of the 55 rows of issue 14's table
 * where `learned` holds exactly `fixed`'s idle memory, 70-100 % of the
 * guests' reports come in scarce mode: no step, no cut, the gap stays at
 * gap_start, and in scarce mode it still shapes tier 2's caps
 * U_i = min(H_i, W_i + g_i) (docs/evaluation.md, "Session 21: why
 * learned = fixed (gap21)"). What the gap is for is the rise of W_i
 * between a report and the balloon that follows it; the learner keeps the
 * largest one-report rise it has seen, frozen reports included
 * (max_rise_kb, gap_ramp_note()). A gap of several such rises is room no
 * rise of this guest has needed. It is no price and no step: the prices
 * stay as the issue has them. Safe on Xen: never below gap_min, nor below
 * what the guest's free swap cannot hold of gap_start (a cut on a
 * swapless guest is an OOM kill, not swap); only once the guest has been
 * seen for two windows of the recent-rise floor (its jumps may not have
 * come yet: gap-creep's first comes one window after its start); not
 * within gap_window_s of a page-in (the back-off to gap_start stands),
 * nor within the OOM hold.
 */
#include "policy/gap.h"

uint64_t gap_seen_cap_kb(const struct policy_params *p, const struct gap_state *s,
			 uint64_t g_kb, bool oom_hold, uint64_t swap_free_kb)
{
	uint64_t window = (uint64_t)p->gap_window_s * 1000;
	uint32_t n = gap_seen_n(p, s);

	/* No rise seen is no evidence of how far W_i jumps (gap-jump: guests
	 * steady for longer than two windows, then a jump). */
	if (!n || !s->init || oom_hold || !s->first_ms ||
	    (!s->max_rise_kb && !(p->gap_quiet_flat && gap_quiet(s))) ||
	    s->now_ms < s->first_ms || s->now_ms - s->first_ms < 2 * window)
		return g_kb;
	if (s->pain_ms && s->now_ms >= s->pain_ms && s->now_ms - s->pain_ms < window)
		return g_kb;
	unsigned __int128 c = (unsigned __int128)s->max_rise_kb * n;

	if (c >= g_kb)
		return g_kb;
	uint64_t cap = gap_align_up((uint64_t)c);
	uint64_t unswapped = gap_start_unswapped_kb(p, swap_free_kb);

	if (cap < gap_align_up(p->gap_min_kb))
		cap = gap_align_up(p->gap_min_kb);
	if (cap < unswapped)
		cap = unswapped;
	return cap < g_kb ? cap : g_kb;
}

uint64_t gap_seen_scarce_kb(const struct policy_params *p, const struct gap_state *s,
			    uint64_t g_kb, uint64_t capped_kb, int64_t left_kb)
{
	/* In scarce mode a cap that binds makes the domain a capped one
	 * (U_i = W_i + g_i), written at each move of W_i: the last target
	 * is kept while it leaves between the cap and gap_start above W_i,
	 * what `fixed` would leave (membal-sim, steady-noise: s1 0 -> 60
	 * target writes without it, 38 with it). */
	return capped_kb < g_kb ? gap_band_kb(p, s, capped_kb, left_kb) : capped_kb;
}
