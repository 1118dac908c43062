// SPDX-License-Identifier: GPL-2.0-only
/* A kill that recurs (oom_recur_keep; design.md §Growth is never cut,
 * "A kill that recurs"): which swapless guests keep oom_min_keep's
 * floor (need.c) after an OOM kill. */
#include "policy/solve.h"

/* oom_min_keep's floor (what the guest held at its latest kill and
 * oom_min_keep_mb more) kept after every kill rescued guests left over
 * after a one-off peak, to be killed again by their next climb
 * (docs/evaluation.md, keep19: eight rows with a kill more). A guest
 * killed again near the level it was killed at (POLICY_IN_OOM_RECUR,
 * set by the daemon: twice or more in a row within oom_hold_s, each
 * within oom_bump_mb of what it held at the one before) shows a load
 * that comes back there: a creep of its usual load (hold-lapse's h1 and
 * h2, 16 and 18 kills), which the floor holds. Not at its maximum: a
 * floor H_i caps below the kill's level and the margin holds nothing
 * but a guest whose load lies above what it may ever hold, kept alive
 * to be killed at each rise of its noise (at-max's m2: 14 -> 21). */
bool policy_oom_recur_keeps(const struct policy_params *p,
			    const struct policy_dom *d, uint64_t kill_kb)
{
	if (!p->oom_recur_keep)
		return true;
	/* kill_kb <= POLICY_KB_MAX, oom_min_keep_kb <= MIB_MAX: no overflow */
	return (d->flags & POLICY_IN_OOM_RECUR) &&
	       kill_kb + p->oom_min_keep_kb <= d->max_kb;
}
