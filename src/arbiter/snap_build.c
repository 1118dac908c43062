/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cycle's snapshot (design.md §The snapshot): what the arbiter knows
 * of each listed domain this cycle (its agent's last good report, the
 * management rule's bounds, the OOM raise, the trackers of its working-set
 * estimate, the gap) turned into the policy's input through the one
 * snapshot builder, policy/snapshot.h.
 */
#include "arbiter/arbiter_int.h"
#include "arbiter/resv_born.h"

#include <string.h>

#include "arbiter/maxcap.h"
#include "arbiter/rules.h"
#include "policy/snapshot.h"

/* The agent's last good report, as the snapshot builder reads it. */
static void report_of(const struct dom *d, struct snap_report *r)
{
	const struct guest_figures *g = &d->fig;

	memset(r, 0, sizeof(*r));
	r->have = SNAP_HAS_MEMTOTAL;
	r->memtotal_kb = g->v[MK_TOT];
	r->free_kb = g->v[MK_FREE];
	r->committed_as_kb = g->v[MK_COMMITTED_AS];
	r->swap_tot_kb = g->v[MK_SWAP_TOT];
	r->swap_free_kb = g->v[MK_SWAP_FREE];
	if (guest_has(g, MK_AVAIL)) {
		r->avail_kb = g->v[MK_AVAIL];
		r->have |= SNAP_HAS_AVAIL;
	}
	if (guest_has(g, MK_BALLOON_CURRENT)) {
		r->balloon_current_kb = g->v[MK_BALLOON_CURRENT];
		r->have |= SNAP_HAS_BALLOON;
	}
	if (guest_has(g, MK_PSI_SOME)) {
		r->psi_some = g->v[MK_PSI_SOME];
		r->psi_some_now = guest_psi_some_now(&d->hist, r->psi_some);
		r->have |= SNAP_HAS_PSI | SNAP_HAS_PSI_NOW;
	}
	if (guest_has(g, MK_SWAPIN_RATE)) {
		r->swapin_rate = g->v[MK_SWAPIN_RATE];
		r->have |= SNAP_HAS_SWAPIN;
	}
	/* An agent before layout 4 does not say: the kind stays unknown. */
	if (guest_has(g, MK_SWAP_ZRAM)) {
		r->swap_zram_kb = g->v[MK_SWAP_ZRAM];
		r->have |= SNAP_HAS_SWAP_ZRAM;
	}
}

/* W_i into a comeback tracker (comeback.h) with the [policy] windows:
 * the window's peak; *recur_kb the level of a load that recurs. */
static uint64_t observe(const struct arbiter *a, struct comeback_state *s,
			uint64_t kb, uint64_t now, uint64_t *recur_kb)
{
	const struct policy_params *p = &a->cfg.policy.params;

	return comeback_observe(s, kb, p->min_change_kb, now,
				(uint64_t)p->comeback_window_s * 1000,
				(uint64_t)p->comeback_hold_s * 1000,
				(uint64_t)p->comeback_recur_s * 1000,
				3 * (uint64_t)a->cfg.interval_ms, recur_kb);
}

/* need = estimate: W_i's estimate from the last report and its history,
 * only from an agent that publishes the working-set figures (an older
 * agent's domain keeps today's policy); the gap is the fixed headroom
 * (design.md §Scarce mode from the estimated need). A domain adopted
 * less than adopt_grace_s ago is not shrunk. */
static void need_of(const struct arbiter *a, struct dom *d,
		    uint64_t now, struct snap_dom *in)
{
	const struct policy_params *p = &a->cfg.policy.params;
	struct estimate_in ei;
	uint64_t kb;

	if (p->need != POLICY_NEED_ESTIMATE)
		return;
	in->grace = p->adopt_grace_s > 0 &&
		    (!d->have_fig || now < d->first_fig_ms + (uint64_t)p->adopt_grace_s * 1000);
	in->booted = in->grace && d->booted;
	if (!d->have_fig)
		return;
	guest_estimate_input(&d->fig, &d->hist, &ei);
	/* Every swapped-out page counts (a slow thrasher), but for what
	 * stayed out a window without a swap-in (estimate_cold.h). */
	enum estimator e = estimate_need(&ei, &d->hist.cold, &kb);

	if (e == EST_HYBRID || e == EST_REFAULT || e == EST_LRU) {
		in->have_ws = true;
		in->ws_kb = kb;
		uint64_t hold = (uint64_t)p->oom_room_s * 1000;

		/* oom_climb_keep: a killed guest (climbing at its kill, or
		 * any) pinned at what it holds shows no rise; that is not
		 * a pause (growth.h, growth_pin()). */
		if (p->oom_climb_keep) {
			if (d->oom_last_ms != d->growth_kill_ms) {
				d->growth_kill_ms = d->oom_last_ms;
				growth_kill(&d->growth, now, hold, d->oom_until_ms,
					    p->oom_climb_keep == GROWTH_KEEP_KILLED);
			}
			/* At its maximum it can be given nothing more: a load
			 * above what it may ever hold (at-max's m2) is no
			 * climb to keep room for. */
			bool room = d->max_kb > d->actual_kb + p->min_change_kb;

			growth_pin(&d->growth, room && guest_has(&d->fig, MK_TOT) &&
				   kb + p->min_change_kb >= d->fig.v[MK_TOT], now, hold);
		}
		growth_observe(&d->growth, kb, d->fig.v[MK_COMMITTED_AS],
			       p->min_change_kb, now, hold);
		in->growing = growth_recent(&d->growth, now, hold);
		in->climbing = growth_climbing(&d->growth, now, hold);
		in->ramping = growth_ramping(&d->growth, now, hold);
		in->commit_new_kb = growth_commit_new_kb(&d->growth, now, hold);
		in->peak_kb = observe(a, &d->comeback, kb, now, &in->recur_kb);
		/* recur_period_s: W read as a cron's too, its runs and
		 * their period (comeback.h). */
		if (p->recur_period_s) {
			comeback_cron(&d->cron, d->oom_last_ms);
			(void)observe(a, &d->cron, kb, now, &in->cron_kb);
			comeback_period(&d->cron, now, &in->cron_down_ms,
					&in->cron_since_ms);
		}
		/* recur_handback_s: when W's level was last known: a load
		 * that recurs, or a cron's with its period (read as a cron's
		 * without one, hold-lapse's creeps kept floors that cost its
		 * learned gap an eval-gap cell: docs/evaluation.md, handback22). */
		if (p->recur_handback_s) {
			if (in->recur_kb > kb || (in->cron_kb > kb && in->cron_down_ms)) {
				d->level_ms = now;
				d->level_w_kb = kb;
			} else if (kb > d->level_w_kb) {
				d->level_w_kb = kb;
			}
			in->level_seen = d->level_ms != 0;
			in->level_ms = now - d->level_ms;
			in->level_w_kb = d->level_w_kb;
		}
		/* A jump shows within a few cycles (jump.h). */
		in->jump_kb = jump_observe(&d->jump, kb, now,
					   (uint64_t)p->spike_window_s * 1000,
					   3 * (uint64_t)a->cfg.interval_ms);
		/* A fall seen ended: a quarter of min_change over a few
		 * reports (level-creep's s1, 1 MiB every 3-4 s, has ended;
		 * backup-cache's a2, 5 MiB a second, has not). A step since:
		 * a rise over a few reports beyond the margin, which no
		 * margin rides (a rise within it is what it is for). */
		if (p->fall_margin_s && p->fall_margin_given)
			jump_fall_note(&d->jump, now, (uint64_t)p->spike_window_s * 1000,
				       (uint64_t)p->fall_margin_s * 1000, p->min_change_kb / 4,
				       p->fall_margin_kb);
		/* The next cycle's write is the next chance to follow W. */
		if (p->rise_ahead)
			in->rise_kb = growth_rise_ahead_kb(&d->growth, now, hold, a->cfg.interval_ms);
	}
}

/* stale_return (policy/stale_return.c): what a domain whose reports
 * stopped may be given back: its size at creation or adoption (created.c;
 * the toolstack's memory/target, or the arbiter's own state word), never
 * above H_i, static-max or an administrator's maxmem. Nothing the guest
 * writes enters it. 0: nothing (not stale, the size unknown). A domain
 * whose grant of this staleness was not taken, or whose loan was taken
 * back, gets its target when the reports stopped: nothing more, unless
 * stale_relend_s lends a taken-back loan again (stale_relend_due()). */
static uint64_t stale_top_kb(const struct arbiter *a, struct dom *d, uint64_t now)
{
	if (d->skip != SKIP_STALE) {
		/* A report (a new stamp) or an administrator's target ends
		 * the staleness; a pause, a hold or a flag in between does
		 * not: the loan and its floor outlive them. */
		if (d->skip == SKIP_NONE || d->skip == SKIP_POD_SETTLING ||
		    d->skip == SKIP_HOLD_MANUAL) {
			d->stale_refused = false;
			d->stale_seen = false;
			d->stale_kept = false;
			d->stale_takes = 0;
		}
		return 0;
	}
	if (!d->stale_seen) {
		d->stale_seen = true;
		d->stale_base_kb = d->have_target ? d->target_kb : d->actual_kb;
		d->stale_stamp = d->stamp;
	}
	if (!a->cfg.policy.params.stale_return || !d->created_kb)
		return 0;
	if (d->stale_refused && !arbiter_stale_relend_due(a, d, now))
		return d->stale_base_kb ? d->stale_base_kb : 1;
	uint64_t top = d->created_kb, cap = maxcap_target_kb(d);

	if (d->max_kb && d->max_kb < top)
		top = d->max_kb;
	if (d->static_max_kb && d->static_max_kb < top)
		top = d->static_max_kb;
	if (cap && cap < top)
		top = cap;
	return top;
}

size_t arbiter_build_snapshot(struct arbiter *a, uint64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ndoms; i++) {
		struct dom *d = a->by_domid[a->order[i]];
		struct snap_dom in = {
			.domid = d->domid,
			.actual_kb = d->actual_kb,
			.have_target = d->have_target,
			.target_kb = d->target_kb,
		};

		if (d->hv.dying)
			continue;   /* its memory returns to free as Xen frees it */
		bool was_decided = d->decided;

		d->skip = dom_classify(d, &a->cfg, a->paused_all, now);
		d->decided = false;
		in.managed = d->skip == SKIP_NONE;
		in.stale_top_kb = stale_top_kb(a, d, now);
		/* never below L_i: a floor read back from memory/membal_state
		 * is text like any other (the snapshot keeps it <= B_i) */
		in.stale_base_kb = d->stale_base_kb > d->min_kb ? d->stale_base_kb : d->min_kb;
		report_of(d, &in.fig);
		if (in.managed) {
			in.min_kb = d->min_kb;
			in.max_kb = d->max_kb;
			in.shares = d->shares;
			dom_oom_in(d, a->cfg.policy.params.oom_loop_s, now, &in);
			need_of(a, d, now, &in);
			/* resv_born_keep_s (resv_born.c) */
			in.min_kb = arbiter_resv_born_floor_kb(a, d, now, in.min_kb, in.max_kb,
								    in.have_ws, in.ws_kb);
		}
		uint64_t overhead_kb = snapshot_overhead_kb(d->actual_kb, &in.fig);

		/* g_i: the learner sees every fresh report, frozen or not, and
		 * measures its gap above the demand the goal uses: WS_i under
		 * need = estimate, else C_i. */
		in.have_gap = true;
		in.gap_kb = arbiter_gap_for(a, d, was_decided, &d->decision,
					    overhead_kb,
					    in.have_ws ? in.ws_kb : in.fig.committed_as_kb,
					    now);
		snapshot_dom(&in, &a->snap[n]);
		/* Its jump rate, the rises and the level it has shown. */
		if (a->snap[n].flags & POLICY_IN_WS)
			jump_snapshot(&d->jump, &a->cfg.policy.params, now, &a->snap[n]);
		a->snap_dom[n] = d;
		n++;
	}
	return n;
}
