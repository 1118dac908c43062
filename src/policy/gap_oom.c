// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's OOM floor (design.md §The learned gap, "OOM"): which
 * kill raises the floor to gap_min + oom_bump for the hold
 * (gap_oom_floor_kills), and the floor in force. Split from gap.c, the
 * learner, which counts the run of kills (gap_oom()).
 */
#include "policy/gap.h"

bool gap_oom_floor(const struct policy_params *p, const struct gap_state *s,
		   bool oom_hold)
{
	/* 1 (the rule) raises the floor for the whole hold of any
	 * kill; n > 1 only once n kills came each within oom_hold_s of the
	 * one before (gap_oom_floor_kills, design.md §The learned gap). */
	return oom_hold && p->gap_oom_floor_kills &&
	       s->oom_run + 1 >= p->gap_oom_floor_kills;
}

/* The floor of the gap: gap_min; gap_min + oom_bump once the OOM floor is
 * raised (gap_oom_floor()); within the hold of a kill that did not raise
 * it (gap_oom_floor_kills > 1), gap_start, the fixed headroom gap_oom()
 * brought the gap back to (or gap_min + oom_bump if that is lower): a
 * killed guest is not cut below what fixed leaves it during the hold.
 * Never above max(gap_min, gap_max). */
uint64_t gap_floor_kb(const struct policy_params *p, bool oom_hold, bool raised)
{
	uint64_t f = p->gap_min_kb;
	uint64_t top = p->gap_max_kb > p->gap_min_kb ? p->gap_max_kb : p->gap_min_kb;

	if (raised)
		f += p->oom_bump_kb;
	else if (oom_hold && f < p->gap_start_kb) {
		uint64_t b = p->gap_min_kb + p->oom_bump_kb;

		f = b < p->gap_start_kb ? b : p->gap_start_kb;
	}
	/* gap_max bounds the floor too: a floor above it is a growth the
	 * learner may not choose (gap_max = gap_start by default, the learner
	 * only cuts), paid by the other guests, and on top of the minimum
	 * L_i the OOM rule raises by oom_bump for both headroom modes. Raised
	 * above gap_start it made `learned` hold more idle memory than
	 * `fixed` on most rows with a kill (docs/evaluation.md, "Session 17:
	 * the learned gap that holds more (gap17)"). */
	if (f > top)
		f = top;
	return gap_align_up(f);
}
