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
 * reserve are never taken. Off: on swapkind-wave it admits n07, which
 * the host cannot carry after its boot (today's default times its
 * reservation out): one OOM kill more and 4x the swap-in (session 21,
 * resv21).
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

bool policy_resv_paged(const struct policy_params *p,
		       const struct policy_host *host, int64_t keep, int64_t page,
		       int64_t pool)
{
	int64_t kept = keep - page;

	return p->resv_page && host->reservations_for_kb > 0 && page > 0 &&
	       kept <= pool;
}
