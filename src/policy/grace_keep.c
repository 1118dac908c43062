// SPDX-License-Identifier: GPL-2.0-only
/*
 * A newborn without swap (grace_swapless_s;
 * design.md §Growth is never cut, "A newborn without swap"). A domain's first
 * reports show its boot, not the working set it touches within seconds
 * of it: a FaaS function reported 44 MiB and touched 85 a second later
 * (break24's faas-churn, f107). Its adoption grace floor, max(W_i, C_i +
 * O_i) + g_i, is what would keep that start: the gap is its room to
 * start in. Below the host's reserve the arbiter drops every grace (a
 * newly adopted domain gives back down to its need like any other), and
 * the reserve is where a host that creates a guest every few seconds
 * lives: each creation's reservation takes the host below it. A guest
 * with swap pages when cut to its need; a guest without swap room is
 * OOM-killed by its start: f107 was priced at 135 MiB for a floor of 163
 * and a load of 85 (80 MiB of MemTotal), f110 at 139 for 196. Only the
 * floor, never the boot size (its memory above W_i + g_i is still taken:
 * nothing parked for a working set that may not come), and only for its
 * first seconds: kept for its whole grace, the floors of six newborns
 * were what the next creations waited for.
 */
#include "policy/grace_keep.h"
#include "policy/solve.h"

bool policy_grace_kept(const struct policy_params *p, const struct policy_dom *d,
		       uint64_t age_ms)
{
	if (!p->grace_swapless_s || !(d->flags & POLICY_IN_GRACE) ||
	    !policy_uses_need(p, d) || age_ms >= (uint64_t)p->grace_swapless_s * 1000)
		return false;
	return d->swap_free_kb < policy_dom_gap_kb(p, d);
}
