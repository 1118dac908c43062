/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation before a rise a guest can page for (resv_page, off;
 * design.md §The estimate's slack, "A reservation before a rise that
 * pages"): while a reservation waits, a guest whose need rose above what
 * it holds is given that rise first (a reservation never takes a need),
 * so a guest with swap that pages through its climb keeps the newcomer
 * out: ephemeral-fat's runner e04 waited 10 s for 33 MiB while svc1
 * (512 MiB of disk swap, paging) was raised by 99 MiB. With the key, the
 * rise above what such a guest holds (at least its floors) is what the
 * reservation may take first, when its free swap holds that rise (the
 * rule of the slack that pages, policy_slack_pages()), when all of it
 * pays the whole wait, and only while a reservation made --for a guest
 * (a newcomer whose demand waits with it) is in force. A reservation the
 * rises cannot pay, or one for nobody in particular (a tool's staging
 * area: resv-hold-jump's and resv-lapse's guests paged 25-35 MiB*s more
 * for it), waits as before, and the guests are raised meanwhile. Nobody
 * is cut below what it holds; a swapless guest's need and the host's
 * reserve are never taken. What waits must also fit in what the
 * newcomers hold beyond their need (`membalctl reserve --need`; session
 * 22, resvneed22): they give it back once they run and the guests that
 * paged get their rises. Without a need said a newcomer may use all it
 * is created with, and the rule never serves its reservation: session
 * 21's form without it (resv21) admitted swapkind-wave's n07, which the
 * host could not carry after its boot: one OOM kill more, 4x the swap-in.
 */
#include "policy/policy.h"
#include "policy/solve.h"

uint64_t policy_resv_keep_kb(const struct policy_params *p,
			     const struct policy_dom *d, uint64_t keep,
			     uint64_t lo, int64_t *page)
{
	uint64_t hold = d->actual_kb > lo ? d->actual_kb : lo;

	if (p->resv_page && keep > hold && policy_slack_pages(d, keep - hold))
		*page += (int64_t)(keep - hold);
	return keep;
}

/* The newcomers' spare: what the guests named reservations are for hold
 * beyond what they will need (reserve --need), given back once they run
 * and the arbiter sizes them by their estimates. A reservation without a
 * need counts its whole size as need: no spare. */
static uint64_t newcomer_spare_kb(const struct policy_host *host)
{
	return host->reservations_for_kb > host->reservations_need_kb
	       ? host->reservations_for_kb - host->reservations_need_kb : 0;
}

bool policy_resv_paged(const struct policy_params *p,
		       const struct policy_host *host, int64_t keep, int64_t page,
		       int64_t pool)
{
	int64_t kept = keep - page;

	/* The guests page for their rises only until the newcomers give
	 * back their spare: what waits must fit in it, or the host cannot
	 * carry the newcomers once they run (swapkind-wave's n07, created
	 * at 384 MiB to need 400, admitted by the first form of this rule
	 * and squeezed every guest, one OOM kill more). */
	return p->resv_page && host->reservations_for_kb > 0 && page > 0 &&
	       kept <= pool && keep - pool <= (int64_t)newcomer_spare_kb(host);
}
