/* SPDX-License-Identifier: GPL-2.0-only
 *
 * A scarce-mode walk down is written by min_change, not by sample
 * (design.md §Apply: from targets to this cycle's writes, "A walk down
 * in scarce mode"), under need = estimate with scarce_walk_hold.
 *
 * The threshold lets through a write that lands on the domain's goal
 * (settle_kb), so that a hysteresis walk ends on its goal. In scarce mode
 * the solver gives a domain whose demand falls its goal at every cycle,
 * so the exception writes every sample of the fall: backup-cache's a2,
 * its demand falling 5.5 MiB a second, was written once a second,
 * nobody taking the memory (docs/evaluation.md, "Session 22: quiet
 * guests' gap (quiet22)"). With the key such a decrease smaller than
 * min_change is held like any other small move: it is written once the
 * goal has moved min_change from the target in effect, or at once by
 * unpark's rule 3 when a starving domain the solver gives more is short
 * (memory wanted elsewhere now), or below the reserve (policy_apply()'s
 * own rule). The domain keeps at most min_change above its goal
 * meanwhile, never less than it.
 */
#include "policy/policy.h"
#include "policy/solve.h"

bool policy_walk_holds(const struct policy_params *p,
		       const struct policy_dom *d,
		       const struct policy_decision *o)
{
	if (!p->scarce_walk_hold || !policy_uses_need(p, d) ||
	    d->kind != POLICY_DOMU)
		return false;
	return policy_small_scarce_cut(d, o, p->min_change_kb);
}
