/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pressure that keeps a domain from being shrunk this cycle (guest
 * safety, design.md §One cycle): PSI's `some`
 * above psi_no_shrink, or swap-in above swapin_no_shrink. Used by
 * policy.c's derive() for L_i' = max(L_i, min(B_i, H_i)).
 */
#include "policy/solve.h"

/* The PSI figure the rule reads: avg10, but under need = estimate and
 * psi_now the pressure of now for a guest that holds more than its goal
 * W_i + g_i (memory its load no longer uses): avg10 trails a stall that
 * has ended by up to ten seconds. One at or below its goal whose stall
 * paused may be between two bursts of paging of one climb, and keeps
 * avg10 (applied to every guest, tiny-start-swapmix's swapless climber
 * had one OOM kill more at every cycle phase tried).
 * design.md §Guest keys, "The pressure of now". */
static uint64_t psi_read(const struct policy_params *p, const struct policy_dom *d)
{
	if (!p->psi_now || p->need != POLICY_NEED_ESTIMATE ||
	    !(d->flags & POLICY_IN_PSI_NOW) || !(d->flags & POLICY_IN_WS))
		return d->psi_some;
	return d->actual_kb > d->ws_kb + policy_dom_gap_kb(p, d) ? d->psi_some_now
								  : d->psi_some;
}

uint32_t policy_pressure(const struct policy_params *p, const struct policy_dom *d)
{
	uint32_t pressure = 0;

	if ((d->flags & POLICY_IN_PSI) && psi_read(p, d) > p->psi_no_shrink)
		pressure |= POLICY_R_PSI;
	if ((d->flags & POLICY_IN_SWAPIN) && d->swapin_rate > p->swapin_no_shrink)
		pressure |= POLICY_R_SWAPIN;
	return pressure;
}
