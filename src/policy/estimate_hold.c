/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/estimate_hold.h"

#include <string.h>

void estimate_hold_reset(struct estimate_hold *h)
{
	memset(h, 0, sizeof(*h));
}

void estimate_hold_observe(struct estimate_hold *h, const struct estimate_in *in)
{
	uint64_t used, lru, x, least;

	if (!in->have_avail || !in->have_lru) {
		estimate_hold_reset(h);
		return;
	}
	if (h->n > ESTIMATE_HOLD_REPORTS || h->head >= ESTIMATE_HOLD_REPORTS)
		estimate_hold_reset(h);   /* not ours: start over */
	used = in->mem_total > in->mem_avail ? in->mem_total - in->mem_avail : 0;
	lru = in->anon_pages > UINT64_MAX - in->shmem ? UINT64_MAX : in->anon_pages + in->shmem;
	x = used > lru ? used - lru : 0;
	h->head = h->n ? (h->head + 1) % ESTIMATE_HOLD_REPORTS : 0;
	h->x[h->head] = x;
	if (h->n < ESTIMATE_HOLD_REPORTS)
		h->n++;
	least = x;
	for (uint32_t i = 0; i < h->n; i++)
		if (h->x[i] < least)
			least = h->x[i];
	h->held_kb = x - least;
}
