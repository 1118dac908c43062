/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/estimate_cold.h"

static uint64_t swapped_of(const struct estimate_in *in)
{
	return in->swap_tot > in->swap_free ? in->swap_tot - in->swap_free : 0;
}

/* A new run of quiet pairs starts at this report: nothing is cold yet. */
static void restart(struct estimate_cold *c, uint64_t swapped, uint64_t now_ms)
{
	c->quiet_ms = 0;
	c->pairs = 0;
	c->cold_kb = 0;
	c->n = 1;
	c->q[0].ms = now_ms;
	c->q[0].kb = swapped;
}

void estimate_cold_observe(struct estimate_cold *c, const struct estimate_in *in,
			   uint64_t now_ms)
{
	uint64_t swapped = swapped_of(in), back;

	if (!in->have_deltas || in->dt_ms == 0 || c->n == 0 || c->n > ESTIMATE_COLD_SLOTS ||
	    now_ms < c->q[c->n - 1].ms) {
		/* No evidence for this pair (or no run to extend). */
		restart(c, swapped, now_ms);
		return;
	}
	back = in->d_pswpin;
	if (in->have_d_refault_anon && in->d_refault_anon > back)
		back = in->d_refault_anon;
	if (estimate_window_kb(back, in->dt_ms) > swapped >> ESTIMATE_COLD_SHIFT) {
		restart(c, swapped, now_ms);
		return;
	}
	c->quiet_ms = c->quiet_ms > UINT64_MAX - in->dt_ms ? UINT64_MAX
							   : c->quiet_ms + in->dt_ms;
	if (c->pairs < UINT64_MAX)
		c->pairs++;
	/* The sliding minimum of the swap in use: a larger value reported
	 * earlier never is the minimum again; an equal one is in force
	 * since its own, earlier, report. */
	while (c->n > 0 && c->q[c->n - 1].kb > swapped)
		c->n--;
	if (c->n > 0 && c->q[c->n - 1].kb == swapped) {
		/* in force since then */
	} else if (c->n < ESTIMATE_COLD_SLOTS) {
		c->q[c->n].ms = now_ms;
		c->q[c->n].kb = swapped;
		c->n++;
	} else {
		c->q[c->n - 1].ms = now_ms;   /* the smaller value, for longer */
	}
	/* The value in force at the window's start is the last one reported
	 * at or before it. */
	uint64_t start = now_ms > ESTIMATE_COLD_MS ? now_ms - ESTIMATE_COLD_MS : 0;
	uint32_t drop = 0;

	while (drop + 1 < c->n && c->q[drop + 1].ms <= start)
		drop++;
	for (uint32_t i = drop; i < c->n; i++)
		c->q[i - drop] = c->q[i];
	c->n -= drop;
	c->cold_kb = c->quiet_ms >= ESTIMATE_COLD_MS ? c->q[0].kb : 0;
}

enum estimator estimate_need(const struct estimate_in *in,
			     const struct estimate_cold *c, uint64_t *kb)
{
	enum estimator e = estimate_default(in, kb);
	uint64_t lru, cold = c ? c->cold_kb : 0;

	if (e != EST_HYBRID && e != EST_REFAULT && e != EST_LRU)
		return e;
	/* The refault-corrected part counts swapped-out anon only as fast as
	 * it comes back: a guest thrashing slowly would look as if it needed
	 * what it holds. Every swapped-out page is counted instead (lru), a
	 * bound that errs on the safe side, but for what stayed out. */
	if (estimate(EST_LRU, in, &lru)) {
		uint64_t sw = swapped_of(in);

		lru -= cold < sw ? cold : sw;
		if (lru > *kb)
			*kb = lru;
	}
	return e;
}
