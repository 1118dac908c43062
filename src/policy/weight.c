/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two figures of a domain the equal-price allocation weighs it by
 * (design.md §Global balancing: the equal-price allocation): its active
 * memory A_i and its weight w_i. Split out of policy.c.
 */
#include "policy/solve.h"

/* A_i = clamp(N_i - F_i, 0, N_i), F_i per free_source (avail falls back
 * to free when the guest did not report it). */
double policy_active_kb(const struct policy_params *p, const struct policy_dom *d)
{
	uint64_t f = (p->free_source == POLICY_FREE_AVAIL &&
		      (d->flags & POLICY_IN_AVAIL)) ? d->avail_kb : d->free_kb;

	return d->actual_kb > f ? (double)(d->actual_kb - f) : 0.0;
}

/* w_i = S_i * ((1 - tau) + epsilon * (1 - SF_i/ST_i)); no swap, no term.
 * (1 - tau) is Waldspurger's 1/k: an idle page costs k = 1/(1 - tau)
 * times an active one. */
double policy_weight(const struct policy_params *p, const struct policy_dom *d)
{
	double used = d->swap_tot_kb
		? 1.0 - (double)d->swap_free_kb / (double)d->swap_tot_kb : 0.0;

	return d->shares * ((1.0 - p->tau) + p->epsilon * used);
}
