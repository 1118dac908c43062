// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's write band (design.md §The learned gap): the gap the
 * goal gets where the last target may be kept, gap_band in abundant mode
 * and gap_band_scarce at a cap in the tier of the gaps of scarce mode.
 * Split from gap.c, the learner.
 */
#include "policy/gap.h"

uint64_t gap_band_kb(const struct policy_params *p, const struct gap_state *s,
		     uint64_t g_kb, int64_t left_kb)
{
	uint64_t top = gap_align_down(p->gap_start_kb) > g_kb ? gap_align_down(p->gap_start_kb) : g_kb;

	if (!p->gap_band)
		return g_kb;
	if (left_kb >= (int64_t)g_kb && left_kb <= (int64_t)top)
		return (uint64_t)left_kb;
	if (left_kb > (int64_t)top)
		return g_kb;
	/* W rose out of the band: on a ramp one more rise like the last
	 * is likely, and room for it saves the next write (4 MiB aligned up:
	 * the next rise may be a little larger). */
	uint64_t lead = gap_align_up(s->ramp_kb);   /* a rise a little larger */

	if (lead > top - g_kb)
		lead = top - g_kb;

	return g_kb + lead;
}

uint64_t gap_band_hold_kb(const struct policy_params *p, const struct gap_state *s,
			  uint64_t g_kb, int64_t left_kb)
{
	/* In scarce mode the cap U_i = W_i + g_i is written at every move of
	 * W_i by settle_min (it is the domain's goal, where a write may land
	 * below min_change): a guest whose cut gap made it a capped one was
	 * rewritten every second (membal-sim, working-set-30s's web: 1.6 MiB
	 * apart). In the tier of the gaps every need is served, so keeping
	 * the last target while it is within min_change of the cap (and
	 * within the band, never above gap_start) takes nobody's need. */
	if (!p->gap_band || !p->gap_band_scarce)
		return g_kb;
	uint64_t b = gap_band_kb(p, s, g_kb, left_kb);

	return (b > g_kb ? b - g_kb : g_kb - b) < p->min_change_kb ? b : g_kb;
}

uint64_t gap_band_tail_kb(const struct policy_params *p, uint64_t g_kb, int64_t left_kb)
{
	/* Under need = estimate a target up to 2 min_change above the goal
	 * is kept (the write band of
	 * design.md §A step ahead and the boot grace):
	 * `fixed`, at gap_start, stops its walk down there. A learned
	 * gap below gap_start walked one step further, one more write per
	 * fall for up to 2 min_change of idle memory (membal-sim, gap-creep:
	 * 36 writes against 37). Here the learned goal is never more than
	 * that below the last target while the target leaves no more than
	 * gap_start + 2 min_change above W_i: what fixed would keep is kept. */
	uint64_t top = gap_align_down(p->gap_start_kb);
	uint64_t keep = 2 * policy_page_down(p->min_change_kb);

	if (!p->gap_band || !p->gap_band_tail || g_kb >= top || left_kb <= (int64_t)top ||
	    left_kb > (int64_t)(top + keep))
		return g_kb;
	uint64_t t = gap_align_up((uint64_t)left_kb - keep);

	return t > g_kb ? t : g_kb;
}
