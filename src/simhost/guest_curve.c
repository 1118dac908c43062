/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated guest's two demand curves: what its program has committed
 * (the workload's curve at the guest's offset) and what it has touched
 * (the same curve followed at most touch_kb_s upward). Pure functions of
 * time, shared by the guest model and both floors of membal-sim.
 */
#include "simhost/scenario.h"

uint64_t sim_guest_commit_kb(const struct sim_guest_spec *g, uint64_t t_ms)
{
	return sim_workload_demand_kb(&g->workload, t_ms + g->offset_ms);
}

/* The grid the touched curve is evaluated on (the model's step). */
#define TOUCH_GRID_MS 100

/*
 * With touch_kb_s, the workload's curve c is what the program has
 * committed; what it has touched rises toward c at most r = touch_kb_s
 * and falls with it at once (a free is immediate):
 *     touched(t) = min over s <= t of c(s) + r (t - s)
 * (the rate-limited follower of c, starting at c(0)). A pure function of
 * t, so the model, the clairvoyant and the lagged floor all see one
 * curve. s runs over t and the grid points before it, back to where r (t
 * - s) alone exceeds c(t), with c taken just before each grid point: a
 * rise on the grid (every workload's at whole seconds) is followed
 * exactly, one between two grid points as if it had come at the one
 * before it (at most one step early).
 */
uint64_t sim_guest_demand_kb(const struct sim_guest_spec *g, uint64_t t_ms)
{
	uint64_t c = sim_guest_commit_kb(g, t_ms), best = c, r = g->touch_kb_s;

	if (!r || !c)
		return c;
	uint64_t back_ms = c / r * 1000 + 1000;   /* r (t - s) >= c beyond */
	uint64_t s = t_ms / TOUCH_GRID_MS * TOUCH_GRID_MS;

	for (;;) {
		/* The curve just before s: a rise at a grid point is followed
		 * from that point on, exactly. */
		uint64_t v = sim_guest_commit_kb(g, s ? s - 1 : 0) +
			     (uint64_t)((unsigned __int128)r * (t_ms - s) / 1000);

		if (v < best)
			best = v;
		if (s == 0 || t_ms - s >= back_ms)
			break;
		s = s >= TOUCH_GRID_MS ? s - TOUCH_GRID_MS : 0;
	}
	return best;
}
