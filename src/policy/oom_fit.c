// SPDX-License-Identifier: GPL-2.0-only
/* oom_min_fit (design.md §Growth is never cut, "Raises that do not
 * fit"): how far an OOM kill's raise of L_i lifts a domain's floor above
 * the floors it has without it, so that the solver can drop it when the
 * floors do not fit the memory (solve_exact.c solve_infeasible()). */
#include "policy/solve.h"

uint64_t policy_oom_fit_kb(const struct policy_params *p, const struct policy_dom *d,
			   uint64_t lo, bool est)
{
	if (!p->oom_min_fit || !(d->flags & POLICY_IN_OOM_MIN) || d->oom_raise_kb == 0 ||
	    d->oom_raise_kb > d->min_kb)
		return 0;
	/* derive()'s floors without the raise: L_i, the no-shrink floor
	 * under pressure and, under need = estimate, growth never cut. */
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;
	uint64_t other = d->min_kb - d->oom_raise_kb;

	if (policy_pressure(p, d) && keep > other)
		other = keep;
	if (est) {
		uint64_t now = policy_need_now_kb(p, d, false);

		if (now > keep)
			now = keep;
		if (now > other)
			other = now;
	}
	return lo > other ? lo - other : 0;
}
