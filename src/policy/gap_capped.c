// SPDX-License-Identifier: GPL-2.0-only
/*
 * When a learned domain counts as capped at its goal in the tier of the
 * gaps of scarce mode (gap_band_scarce, design.md §The learned gap): the
 * cycle whose band holds its last target while the cap moves by less
 * than min_change. Split from the daemon's gap_learn.c to be tested.
 *
 * The cap is the goal W_i + g_i. A domain given exactly its goal and
 * written there is capped. With gap_band_threshold so is one whose share
 * fell within min_change of its goal and was not written for the write
 * threshold (POLICY_R_THRESHOLD), while the target written stands within
 * min_change of that goal: the price tier gives it its goal one cycle and
 * a hair less the next. Without it, the cycle after such a hair is not a
 * capped one, the learned gap is given unbanded, and the goal it makes
 * lands on W_i + g_i below the written target: a write "on the goal",
 * which the threshold lets through, at every such alternation
 * (membal-sim, slow-donors-climb: `climb`, learned gap 44 MiB, written
 * 2, 4 and 12 MiB down at 1467, 1469 and 1475 s while its demand fell,
 * where `fixed`, capped at the price, wrote in min_change steps).
 */
#include "policy/gap.h"

static uint64_t dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

bool gap_band_capped(const struct policy_params *p, uint64_t goal_kb, uint64_t target_kb,
		     uint64_t written_kb, uint32_t reasons)
{
	if (target_kb == goal_kb && written_kb == target_kb)
		return true;
	if (!p->gap_band_threshold || !(reasons & POLICY_R_THRESHOLD) ||
	    (reasons & POLICY_R_GRANT))
		return false;
	return dist(target_kb, goal_kb) < p->min_change_kb &&
	       dist(written_kb, goal_kb) < p->min_change_kb;
}
