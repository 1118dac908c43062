/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation out of the pagers' needs (resv_need_wait_s, 10 s by
 * default since session 25; 0: off;
 * design.md §The estimate's slack, "A reservation that waits for ever").
 * A reservation never takes a need (policy.c): on a host whose needs
 * fill it, a `membalctl reserve --for NAME --wait` waits until some
 * guest's need falls, and if none does the VM is never created
 * (patch-reboot's last rebuild, scale-out's w5: an outage, 55-70 % of
 * those rows' shortfall). A guest whose disk swap has room pays a need
 * taken from it in swap-ins: a slowdown, and a short one here, since the
 * newcomer boots small and is cut to its estimate once it reports, so
 * what was taken comes back within seconds of the creation.
 *
 * With the key, a reservation made for a guest that has waited
 * resv_need_wait_s may take up to resv_need_pct of each such guest's
 * need, only when those parts pay all that would wait (all or nothing:
 * nobody pages for a reservation that waits anyway), each guest in
 * proportion to its part. Never a swapless guest's need, never zram's or
 * an unknown swap's (the kind whose loss killed on real Xen, session
 * 10), never below a guest's minimum, OOM-raised minimum or no-shrink
 * floor, never beyond what its free swap holds past its own gap, never a
 * guest in its adoption grace (a newcomer itself). A reservation for
 * nobody in particular waits as before.
 */
#include "policy/resv_need.h"

uint64_t policy_resv_need_part_kb(const struct policy_params *p,
				  const struct policy_dom *d, uint64_t r4,
				  uint64_t slack, uint64_t floor)
{
	uint64_t part, lent = slack > r4 ? slack - r4 : 0, room;
	uint64_t gap = policy_dom_gap_kb(p, d);

	if (!p->resv_need_wait_s || !p->resv_need_pct || r4 <= floor ||
	    (d->flags & POLICY_IN_GRACE) || !policy_slack_pages(d, lent))
		return 0;
	/* swap_free_kb <= POLICY_KB_MAX; lent <= swap_free_kb (above) */
	room = d->swap_free_kb - lent;
	room = room > gap ? room - gap : 0;
	/* r4 <= POLICY_KB_MAX (2^40), pct <= 100: no overflow */
	part = r4 * p->resv_need_pct / 100;
	if (part > r4 - floor)
		part = r4 - floor;
	if (part > room)
		part = room;
	return part & ~(uint64_t)3;
}

bool policy_resv_need(const struct policy_params *p,
		      const struct policy_host *host, int64_t *keep,
		      int64_t page, int64_t parts, int64_t pool,
		      struct policy_lend *lend)
{
	int64_t wait = *keep - pool;

	/* resv_page's rises first: they cut nobody below what it holds */
	if (!p->resv_need_wait_s || policy_resv_paged(p, host, *keep, page, pool) || host->reservations_for_kb == 0 ||
	    host->reservations_for_waited_ms < (uint64_t)p->resv_need_wait_s * 1000 ||
	    wait <= 0 || parts < wait || wait > (int64_t)host->reservations_for_kb)
		return false;
	lend->flags |= POLICY_LEND_NEED;
	lend->wait_kb = (uint64_t)wait;
	lend->parts_kb = (uint64_t)parts;
	*keep = pool;
	return true;
}

uint64_t policy_resv_need_cut_kb(const struct policy_lend *lend, uint64_t part)
{
	unsigned __int128 x;

	if (!(lend->flags & POLICY_LEND_NEED) || !lend->parts_kb)
		return 0;
	/* wait_kb <= parts_kb: the cut is at most part */
	x = ((unsigned __int128)part * lend->wait_kb + lend->parts_kb - 1) / lend->parts_kb;
	x = (x + 3) & ~(unsigned __int128)3;
	return x < part ? (uint64_t)x : part;
}

void policy_resv_need_lend(const struct policy_params *p,
			   const struct policy_dom *d,
			   const struct policy_lend *lend, uint64_t floor,
			   uint64_t *lo, uint64_t *lo_need, uint64_t *up1,
			   uint64_t *upm, uint64_t *slack, uint64_t *peak)
{
	uint64_t cut;

	if (!(lend->flags & POLICY_LEND_NEED))
		return;
	cut = policy_resv_need_cut_kb(lend, policy_resv_need_part_kb(p, d, *upm, *slack, floor));
	if (!cut)
		return;
	/* part <= *upm - floor: the rungs stay ordered above floor */
	*upm -= cut;
	*slack = *upm;
	if (*up1 > *upm)
		*up1 = *upm;
	if (*peak > *up1)
		*peak = *up1;
	if (*lo_need > *upm)
		*lo_need = *upm;
	*lo = *lo_need;
}
