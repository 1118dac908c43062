/* SPDX-License-Identifier: GPL-2.0-only */
#include "arbiter/rules.h"

#include "arbiter/manage.h"
#include "policy/snapshot.h"

enum dom_skip dom_classify(const struct dom *d, const struct arbiter_config *c,
			   bool paused_all, uint64_t now)
{
	if (d->domid == 0) {
		if (c->policy.params.dom0_mode != POLICY_DOM0_PRIORITY || !d->have_fig ||
		    now - d->stamp_ms >= c->stale_after_ms)
			return SKIP_DOM0;
		return SKIP_NONE;
	}
	if (d->hv.dying || d->hv.shutdown)
		return SKIP_DYING;
	if (d->hv.paused)
		return SKIP_PAUSED;
	if (!manage_admitted(c, d->name, d->type))
		return SKIP_EXCLUDED;
	if (!d->have_target)
		return SKIP_NO_TARGET;
	if (d->bad_bounds)
		return SKIP_BAD_BOUNDS;
	if (d->hold_manual)
		return SKIP_HOLD_MANUAL;
	if (d->hold_paused || paused_all)
		return SKIP_HOLD_PAUSED;
	if (d->uncooperative)
		return SKIP_UNCOOPERATIVE;
	/* Stale before a restart (state.h's stale word): the report there
	 * is the dead agent's, or none; only a new stamp is liveness. */
	if (d->stale_kept && d->stamp == d->stale_stamp)
		return SKIP_STALE;
	if (!d->have_fig)
		return SKIP_NO_AGENT;
	if (now - d->stamp_ms >= c->stale_after_ms)
		return SKIP_STALE;
	/* PoD guests take part only once their balloon has reached its
	 * target: before that Xen backs the difference with PoD entries. */
	if (d->type != HV_TYPE_PV) {
		const struct guest_figures *g = &d->fig;

		if (!guest_has(g, MK_BALLOON_CURRENT) || !guest_has(g, MK_BALLOON_TARGET))
			return SKIP_POD_SETTLING;
		uint64_t cur = g->v[MK_BALLOON_CURRENT], tgt = g->v[MK_BALLOON_TARGET];

		if ((cur > tgt ? cur - tgt : tgt - cur) > c->target_tolerance_kb)
			return SKIP_POD_SETTLING;
	}
	return SKIP_NONE;
}

bool dom_target_seen(struct dom *d, uint64_t kb)
{
	bool hold = false;

	d->target_kb = kb;
	d->have_target = true;
	if (d->have_written && kb != d->written_kb && !d->hold_manual) {
		d->hold_manual = true;
		hold = true;
	}
	if (!d->have_written) {
		d->have_written = true;
		d->written_kb = kb;
	}
	return hold;
}

uint64_t dom_oom_seen(struct dom *d, uint64_t kills, uint64_t bump_kb,
		      uint32_t hold_s, uint64_t now)
{
	uint64_t new_kills = 0;

	if (d->have_oom && kills > d->oom_kills) {
		uint64_t raised = d->actual_kb + bump_kb;

		new_kills = kills - d->oom_kills;
		d->oom_events++;
		/* How soon this kill followed the last one: two in one
		 * report are as close as kills can be seen. */
		d->oom_gap_ms = new_kills > 1 ? 0 : d->oom_events > 1 ? now - d->oom_last_ms
								   : UINT64_MAX;
		d->oom_last_ms = now;
		/* A kill says the guest needed more than it held then: never
		 * less than an earlier kill in force said. Set from what it
		 * holds now alone, a kill after a cut lowered the minimum the
		 * kill before had raised (saw-sample's s2: 671744 -> 654720
		 * KiB, killed on every tooth). The hold restarts: the guest
		 * is still being killed. */
		/* A kill within the hold of the last and within a bump of
		 * what the guest held then: the same load again, not a
		 * one-off peak (dom_oom_recur()). */
		bool near = now < d->oom_until_ms && d->oom_kill_kb &&
			    d->actual_kb <= d->oom_kill_kb + bump_kb &&
			    d->oom_kill_kb <= d->actual_kb + bump_kb;
		uint64_t run = (near ? d->oom_near : 0) + new_kills;

		d->oom_near = run < UINT32_MAX ? (uint32_t)run : UINT32_MAX;
		if (now < d->oom_until_ms && d->oom_min_kb > raised)
			raised = d->oom_min_kb;
		d->oom_min_kb = raised;
		/* The raise keeps the largest kill in force; what the guest
		 * held at the latest is kept apart
		 * (design.md §Growth is never cut, "A kill's margin kept"):
		 * judged against the largest, a
		 * guest killed by a job's jump and then by creeps of its usual
		 * load looked like a load gone (hold-lapse's h1). */
		d->oom_kill_kb = d->actual_kb;
		d->oom_until_ms = now + (uint64_t)hold_s * 1000;
	}
	d->oom_kills = kills;
	d->have_oom = true;
	return new_kills;
}

uint64_t dom_oom_min(const struct dom *d, uint64_t now)
{
	return now < d->oom_until_ms ? d->oom_min_kb : 0;
}

uint64_t dom_oom_kill(const struct dom *d, uint64_t now)
{
	return now < d->oom_until_ms ? d->oom_kill_kb : 0;
}

bool dom_oom_recur(const struct dom *d, uint64_t now)
{
	return dom_oom_min(d, now) && d->oom_near >= 2;
}

bool dom_oom_loop(const struct dom *d, uint32_t loop_s, uint64_t now)
{
	return loop_s && dom_oom_min(d, now) && d->oom_events &&
	       d->oom_gap_ms <= (uint64_t)loop_s * 1000;
}

bool dom_oom_fresh(const struct dom *d, uint32_t loop_s, uint64_t now)
{
	return loop_s && dom_oom_min(d, now) && d->oom_events &&
	       now - d->oom_last_ms < (uint64_t)loop_s * 1000;
}

/* Above target: shrinking? */
static unsigned shrink_progress(struct dom *d, uint64_t tol, uint64_t stuck_ms,
				uint64_t now)
{
	if (d->actual_kb > d->target_kb + tol) {
		if (d->shrink_since_ms == 0 || d->actual_kb + tol < d->shrink_best_kb) {
			d->shrink_since_ms = now;
			d->shrink_best_kb = d->actual_kb;
		} else if (!d->uncooperative && now - d->shrink_since_ms >= stuck_ms) {
			d->uncooperative = true;
			return PROGRESS_UNCOOPERATIVE;
		}
		return 0;
	}
	d->shrink_since_ms = 0;
	if (d->uncooperative) {
		d->uncooperative = false;
		return PROGRESS_COOPERATIVE;
	}
	return 0;
}

/* Below target: taking the grant? */
static unsigned grant_progress(struct dom *d, uint64_t tol, uint64_t stuck_ms,
			       uint64_t now, uint64_t *withdraw_kb)
{
	if (!d->grant_open || d->actual_kb + tol >= d->target_kb) {
		d->grant_open = false;
		return 0;
	}
	if (d->actual_kb > d->grant_best_kb + tol) {
		d->grant_best_kb = d->actual_kb;
		d->grant_since_ms = now;
	} else if (now - d->grant_since_ms >= stuck_ms && d->skip == SKIP_NONE) {
		uint64_t back = policy_page_down(d->actual_kb);

		if (back < d->min_kb)
			back = d->min_kb;
		d->grant_open = false;
		/* An infeasible cycle may have set the grant below L_i: going
		 * "back" to L_i would then raise the target, a growth no cycle
		 * counted (fuzz_cycle's P2). Nothing to take back. */
		if (back >= d->target_kb)
			return 0;
		*withdraw_kb = back;
		d->withdrawals++;
		return PROGRESS_WITHDRAW;
	}
	return 0;
}

unsigned dom_progress(struct dom *d, uint64_t tol, uint64_t stuck_ms,
		      uint64_t now, uint64_t *withdraw_kb)
{
	if (d->domid == 0 || !d->have_target || d->hv.dying || d->hold_manual)
		return 0;
	return shrink_progress(d, tol, stuck_ms, now) |
	       grant_progress(d, tol, stuck_ms, now, withdraw_kb);
}

void dom_grant_opened(struct dom *d, uint64_t kb, uint64_t tol, uint64_t now)
{
	if (kb > d->actual_kb + tol) {
		d->grant_open = true;
		d->grant_since_ms = now;
		d->grant_best_kb = d->actual_kb;
	} else {
		d->grant_open = false;
	}
}

void dom_oom_in(const struct dom *d, uint32_t loop_s, uint64_t now,
		struct snap_dom *in)
{
	in->oom_min_kb = dom_oom_min(d, now);
	in->oom_kill_kb = dom_oom_kill(d, now);
	in->oom_loop = dom_oom_loop(d, loop_s, now);
	in->oom_fresh = dom_oom_fresh(d, loop_s, now);
	in->oom_recur = dom_oom_recur(d, now);
}
