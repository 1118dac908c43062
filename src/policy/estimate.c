/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/estimate.h"

#include <stddef.h>

const char *estimator_name(enum estimator e)
{
	switch (e) {
	case EST_COMMITTED: return "committed";
	case EST_USED: return "used";
	case EST_LRU: return "lru";
	case EST_REFAULT: return "refault";
	case EST_HYBRID: return "hybrid";
	case EST_COUNT: break;
	}
	return "?";
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t estimate_window_kb(uint64_t pages, uint64_t dt_ms)
{
	unsigned __int128 kb;

	if (dt_ms == 0)
		return 0;
	kb = (unsigned __int128)pages * ESTIMATE_PAGE_KB * ESTIMATE_WINDOW_MS / dt_ms;
	return kb > UINT64_MAX ? UINT64_MAX : (uint64_t)kb;
}

/* Anon, tmpfs and the active file pages: what is in use in RAM. */
static uint64_t in_ram(const struct estimate_in *in)
{
	return add_sat(add_sat(in->anon_pages, in->shmem), in->active_file);
}

bool estimate(enum estimator e, const struct estimate_in *in, uint64_t *kb)
{
	uint64_t swapped = in->swap_tot > in->swap_free ? in->swap_tot - in->swap_free : 0;
	uint64_t back, hot, stayed;

	*kb = 0;
	switch (e) {
	case EST_COMMITTED:
		*kb = in->committed_as;
		return true;
	case EST_USED:
		if (!in->have_avail)
			return false;
		*kb = in->mem_total > in->mem_avail ? in->mem_total - in->mem_avail : 0;
		*kb -= in->used_held_kb < *kb ? in->used_held_kb : *kb;
		return true;
	case EST_LRU:
		if (!in->have_lru)
			return false;
		*kb = add_sat(in_ram(in), swapped);
		return true;
	case EST_REFAULT:
		if (!in->have_lru || !in->have_deltas || in->dt_ms == 0)
			return false;
		/* An anon refault is a swap-in of a page evicted recently;
		 * pswpin also counts readahead. The larger of the two is
		 * what came back. */
		back = in->d_pswpin;
		if (in->have_d_refault_anon && in->d_refault_anon > back)
			back = in->d_refault_anon;
		/* A page that came back and left swap is in AnonPages
		 * (in_ram) now: what came back in place of pages that went
		 * out (swap use stood) is need beyond RAM, what came back
		 * into room the guest was given is not, a second time. */
		stayed = in->d_swap_drop_kb / ESTIMATE_PAGE_KB;
		back -= stayed < back ? stayed : back;
		hot = estimate_window_kb(back, in->dt_ms);
		if (hot > swapped)
			hot = swapped;
		*kb = add_sat(add_sat(in_ram(in), hot),
			      estimate_window_kb(in->d_refault_file, in->dt_ms));
		return true;
	case EST_HYBRID:
		if (!estimate(EST_REFAULT, in, &hot) && !estimate(EST_LRU, in, &hot))
			return false;
		if (estimate(EST_USED, in, &back) && back > hot)
			hot = back;
		*kb = hot;
		return true;
	case EST_COUNT:
		break;
	}
	return false;
}

enum estimator estimate_default(const struct estimate_in *in, uint64_t *kb)
{
	static const enum estimator order[] = { ESTIMATE_DEFAULT, EST_USED, EST_COMMITTED };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (estimate(order[i], in, kb))
			return order[i];
	return EST_COMMITTED;   /* not reached: committed is always there */
}
