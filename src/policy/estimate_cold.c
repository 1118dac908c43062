/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/estimate_cold.h"

void estimate_cold_observe(struct estimate_cold *c, const struct estimate_in *in)
{
	uint64_t swapped, back;

	if (!in->have_deltas || in->dt_ms == 0) {
		/* No evidence for this pair: start again. */
		c->quiet_ms = 0;
		c->pairs = 0;
		return;
	}
	swapped = in->swap_tot > in->swap_free ? in->swap_tot - in->swap_free : 0;
	back = in->d_pswpin;
	if (in->have_d_refault_anon && in->d_refault_anon > back)
		back = in->d_refault_anon;
	if (estimate_window_kb(back, in->dt_ms) > swapped >> ESTIMATE_COLD_SHIFT) {
		c->quiet_ms = 0;
		c->pairs = 0;
		return;
	}
	c->quiet_ms = c->quiet_ms > UINT64_MAX - in->dt_ms ? UINT64_MAX
							   : c->quiet_ms + in->dt_ms;
	if (c->pairs < UINT64_MAX)
		c->pairs++;
}

bool estimate_cold_swap(const struct estimate_cold *c)
{
	return c->quiet_ms >= ESTIMATE_COLD_MS;
}

enum estimator estimate_need(const struct estimate_in *in,
			     const struct estimate_cold *c, uint64_t *kb)
{
	enum estimator e = estimate_default(in, kb);
	uint64_t lru;

	if (e != EST_HYBRID && e != EST_REFAULT && e != EST_LRU)
		return e;
	/* The refault-corrected part counts swapped-out anon only as fast as
	 * it comes back: a guest thrashing slowly would look as if it needed
	 * what it holds. Every swapped-out page is counted instead (lru), a
	 * bound that errs on the safe side, until the swap is cold: then
	 * what is out stays out, and the estimate counts what came back. */
	if ((!c || !estimate_cold_swap(c)) && estimate(EST_LRU, in, &lru) && lru > *kb)
		*kb = lru;
	return e;
}
