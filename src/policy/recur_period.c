// SPDX-License-Identifier: GPL-2.0-only
/*
 * A cron's level (recur_period_s;
 * design.md §Scarce mode from the estimated need, "A cron's level").
 * recur_hold keeps a swapless guest's recurring level through its
 * troughs only when the load jumps in most of its spike windows (a
 * tooth faster than the loop); a cron that runs every minute for ten
 * seconds jumps in one window of six, so between two runs its level was
 * given to the others and taken back at the next run: the run's jump is
 * faster than a balloon, so the guest was OOM-killed at the run
 * (minute-cron's four swapless guests: 10-13 kills each of 14 runs) and
 * both moves were target writes. The daemon reads W_i as a cron's too
 * (comeback.h's comeback_cron(): runs that differ, a run that killed
 * the guest) and the snapshot carries the level and its period
 * (policy_dom.cron_kb, cron_down_ms, cron_since_ms) while the load keeps
 * its time and runs briefly. Held while its time down is at most
 * recur_period_s: a kill at every run costs more than the memory the
 * trough frees, and every trough is two writes. The margin above the
 * level is the gap at least, not only what the need has above W_i then:
 * a cron's runs differ (minute-cron: 219-290 MiB), and held at its last
 * level with no margin once its growth had lapsed (oom_room_s), a run a
 * MiB above it killed the guest at every return.
 *
 * A load that stops recurring releases it: the hold ends once W_i has
 * not been at the level for its time down and a quarter more (the run
 * is late), before comeback.c's own lapse (a quarter and
 * comeback_window_s more), which keeps the level as a need of the
 * tiers, not as a floor.
 */
#include "policy/solve.h"

/* The level a cron's runs need: its level, or, killed within
 * oom_hold_s, what it held at its latest kill and a bump if more (the
 * daemon's raise of L_i): a killed run's W_i showed only what the guest
 * held (W_i cannot exceed it), so the run needed more than that, and a
 * guest killed at every run never showed a level beyond its gap. */
static uint64_t run_kb(const struct policy_params *p, const struct policy_dom *d)
{
	uint64_t l = d->cron_kb;

	if (d->flags & POLICY_IN_OOM_MIN) {
		/* oom_kill_kb, oom_bump_kb <= POLICY_KB_MAX */
		uint64_t k = d->oom_kill_kb ? d->oom_kill_kb + p->oom_bump_kb : d->min_kb;

		if (k > l)
			l = k;
	}
	return l;
}

bool policy_recur_periodic(const struct policy_params *p,
			   const struct policy_dom *d)
{
	if (!p->recur_period_s || !(d->flags & POLICY_IN_WS) ||
	    !(d->flags & POLICY_IN_CRON) || d->swap_tot_kb || !d->cron_down_ms ||
	    run_kb(p, d) <= d->ws_kb + policy_dom_gap_kb(p, d))
		return false;
	/* cron_down_ms <= UINT32_MAX: no overflow in 64 bits */
	uint64_t down = d->cron_down_ms;

	return down <= (uint64_t)p->recur_period_s * 1000 &&
	       d->cron_since_ms <= down + down / 4;
}

uint64_t policy_recur_period_kb(const struct policy_params *p,
				const struct policy_dom *d, uint64_t now)
{
	/* now >= ws_kb (need.c); each <= POLICY_KB_MAX: no overflow */
	uint64_t g = policy_dom_gap_kb(p, d);
	uint64_t m = now > d->ws_kb ? now - d->ws_kb : 0;
	uint64_t l = d->cron_kb + (m > g ? m : g);
	uint64_t k = run_kb(p, d);

	if (k > l)
		l = k;
	if (l > POLICY_KB_MAX)
		l = POLICY_KB_MAX;
	return l > now ? l : now;
}
