// SPDX-License-Identifier: GPL-2.0-only
/*
 * A climb granted its cuts (climb_grant;
 * design.md §Apply: from targets to this cycle's writes, "A climb
 * granted its cuts"). An increase shares only what the host has free now
 * (apply.c): the memory a donor's decrease gives back is granted a cycle
 * after the decrease is written, and lands a cycle after that. A
 * swapless guest climbing at 30 MiB a second (break24's clamd-reload: a
 * database loaded beside the old one) at the host's reserve waits three
 * cycles for each step: the cut written, the memory free, the grant
 * written; its gap is eaten in two and the load passes its MemTotal (m1
 * at 137 s, killed with its target stalled at 1897 MiB for three seconds
 * while the donors gave 57 MiB). Xen's balloon driver takes an increase
 * as the host frees pages, so the climber's increase is written with the
 * decreases that pay for it: it takes the memory as the donors' balloons
 * give it back. Only what the cuts give back above the host's reserve
 * and reservations (a creation is not raced), only for a guest without
 * swap room whose climb goes on (one with swap pages the cycle's wait).
 * `ramp`: only a climb at a known pace (POLICY_IN_RAMP, two rises or
 * more): a swapless guest's jump read as a climb (recur-pair's p1 and
 * p2, cron-grow's crons) took the cuts the others' needs were to get
 * next (session 25, newborn25).
 */
#include "policy/solve.h"

static bool climber(const struct policy_params *p, const struct policy_dom *d,
		    const struct policy_decision *o)
{
	uint32_t climb = p->climb_grant == POLICY_CLIMB_GRANT_RAMP
			 ? POLICY_IN_RAMP : POLICY_IN_CLIMBING;

	return d->kind == POLICY_DOMU && policy_uses_need(p, d) &&
	       (d->flags & climb) &&
	       d->swap_free_kb < policy_dom_gap_kb(p, d) &&
	       o->has_write && o->write_kb < o->target_kb;
}

void policy_climb_grant(const struct policy_params *p,
			const struct policy_cycle *cycle,
			const struct policy_dom *dom, size_t n,
			struct policy_decision *out)
{
	uint64_t cuts = 0, lack = 0;

	if (!p->climb_grant)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		const struct policy_decision *o = &out[i];

		if (o->mode == POLICY_MODE_FIXED || !o->has_write)
			continue;
		if (o->write_kb < d->actual_kb)
			cuts += d->actual_kb - o->write_kb;
		if (climber(p, d, o))
			lack += o->target_kb - o->write_kb;
	}
	/* The host below its reserve (or its reservations) gets that back
	 * first. */
	if (cycle->host_free_kb < 0)
		cuts = cuts > (uint64_t)-cycle->host_free_kb
		       ? cuts - (uint64_t)-cycle->host_free_kb : 0;
	if (!cuts || !lack)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		struct policy_decision *o = &out[i];

		if (!climber(p, d, o))
			continue;
		uint64_t want = o->target_kb - o->write_kb;
		uint64_t add = cuts >= lack ? want
			: policy_page_down((uint64_t)((unsigned __int128)cuts * want / lack));

		o->write_kb += add;
	}
}
