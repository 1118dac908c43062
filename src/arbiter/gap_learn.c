// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's side of the learned gap (policy/gap.h), see
 * design.md §The learned gap: which domains learn, what a learning step
 * sees, and when memory/membal_state is rewritten for it.
 *
 * A step is a fresh full report of a domain that the previous cycle
 * decided in abundant mode, not held at its old target by pressure, not
 * granted less than its goal, and that has reached its last written
 * target (N_i within target_tolerance_kb). Anything else is a frozen
 * report: no price changes and the next step credits nothing. A
 * heartbeat of such a domain is a step without credit (its figures are
 * the last report's): a settled, quiet guest may explore or take a
 * priced move at the pace of its heartbeats; the seed's listing (the
 * sim's hook) sees fresh reports only, as it did.
 *
 * gap_band (design.md §The learned gap): where the last cycle settled in
 * abundant mode, the goal keeps the last written target while the gap
 * it leaves stays between the learned gap and gap_start; with
 * gap_band_scarce, where it capped the domain at its goal in the tier of
 * the gaps of scarce mode, while that keeps the goal within min_change.
 */
#include "arbiter/arbiter_int.h"

#include "arbiter/state.h"
#include "common/keys.h"
#include "common/log.h"
#include "policy/growth.h"

void dom_gap_rules(struct dom *d, const struct arbiter_config *c)
{
	const struct domain_rule *r = arbiter_config_rule(c, d->name);

	d->headroom = r && r->has_headroom ? r->headroom : c->policy.params.headroom;
}

static void counters_of(const struct guest_figures *g, struct gap_counters *c)
{
	c->have_pswpin = guest_has(g, MK_PSWPIN);
	c->pswpin = g->v[MK_PSWPIN];
	c->have_refault_anon = guest_has(g, MK_REFAULT_ANON);
	c->refault_anon = g->v[MK_REFAULT_ANON];
	c->have_refault_file = guest_has(g, MK_REFAULT_FILE);
	c->refault_file = g->v[MK_REFAULT_FILE];
}

/* Why a report is frozen (NULL: a learning step), for the debug log:
 * which of the rules above held the learner. */
static const char *frozen_why(const struct arbiter *a, const struct dom *d, bool was_decided,
			      const struct policy_decision *prev)
{
	uint64_t tol = a->cfg.target_tolerance_kb;
	uint64_t t = d->have_target ? d->target_kb : d->actual_kb;
	bool reached = d->actual_kb + tol >= t && d->actual_kb <= t + tol;

	/* Mid-walk (the policy's target short of where its move ends: the
	 * goal, or the write band's aim or kept target) the realised gap
	 * is the walk's, not the learner's: crediting it would reward each
	 * hysteresis step as a cut of the gap (seen in membal-sim: a guest
	 * shrinking from its boot size learned to cut). */
	if (d->skip != SKIP_NONE)
		return "skipped";
	if (!was_decided)
		return "undecided";
	if (prev->mode != POLICY_MODE_ABUNDANT)
		return "scarce";
	if (prev->reasons & (POLICY_R_PSI | POLICY_R_SWAPIN))
		return "pressure";
	if (prev->reasons & POLICY_R_GRANT)
		return "grant";
	if (prev->target_kb != prev->settle_kb)
		return "walk";
	if (!reached)
		return "unreached";
	return NULL;
}

uint64_t arbiter_gap_for(struct arbiter *a, struct dom *d, bool was_decided,
			 const struct policy_decision *prev, uint64_t overhead_kb,
			 uint64_t ws, uint64_t now)
{
	const struct policy_params *p = &a->cfg.policy.params;
	bool oom_hold = now < d->oom_until_ms;
	bool stepped = false;
	enum gap_outcome step_out = GAP_NONE;
	const char *step_why = NULL;

	/* A domain without a report has nothing to learn from (and nothing
	 * to keep in memory/membal_state). */
	if (d->headroom != POLICY_HEADROOM_LEARNED || !d->have_fig)
		return d->gap_kb = policy_fixed_gap_kb(p, d->have_fig ? ws : 0);
	if (!d->gap.init)
		gap_state_init(&d->gap, p, d->domid);
	if (d->oom_events != d->gap_oom_seen) {
		if (!a->gap_hook)
			gap_oom(p, &d->gap, now);
		d->gap_oom_seen = d->oom_events;
	}
	/* A heartbeat: a new stamp since the last fresh report and since
	 * the last heartbeat the learner saw (design.md §The learned gap:
	 * it credits nothing, a settled domain may choose). */
	bool beat = !a->gap_hook && d->hist.have_last && d->hist.last_ms == d->gap_report_ms &&
		    d->stamp_ms > d->hist.last_ms && d->stamp_ms != d->gap_beat_ms;

	if (d->hist.have_last && (d->hist.last_ms != d->gap_report_ms || beat)) {
		const char *why = frozen_why(a, d, was_decided, prev);
		struct gap_obs o = {
			.report_ms = beat ? d->stamp_ms : d->hist.last_ms,
			.heartbeat = beat,
			.frozen = why != NULL,
			.ws_kb = ws,
			.actual_kb = d->actual_kb,
			.overhead_kb = overhead_kb,
			.psi_up = guest_has(&d->fig, MK_PSI_SOME) && d->fig.v[MK_PSI_SOME] > 0,
			.oom_hold = oom_hold,
			.growing = growth_recent(&d->growth, now, (uint64_t)p->oom_room_s * 1000),
			.swap_free_kb = guest_has(&d->fig, MK_SWAP_FREE) ? d->fig.v[MK_SWAP_FREE] : 0,
		};

		d->gap_report_ms = d->hist.last_ms;
		if (beat)
			d->gap_beat_ms = d->stamp_ms;
		counters_of(&d->fig, &o.c);
		if (a->gap_hook)
			return d->gap_kb = a->gap_hook(a->gap_hook_ctx, d, &o);
		enum gap_outcome out = gap_step(p, &d->gap, &o);

		if (out != GAP_FROZEN)
			a->n.gap_steps++;
		stepped = true;
		step_out = out;
		step_why = why;
	}
	if (a->gap_hook)
		return d->gap_kb;
	uint64_t g0 = gap_current_kb(p, &d->gap, ws, oom_hold);
	uint64_t g = gap_seen_cap_kb(p, &d->gap, g0, oom_hold,
				     guest_has(&d->fig, MK_SWAP_FREE) ? d->fig.v[MK_SWAP_FREE] : 0);

	/* gap_band: only where the last cycle settled in abundant mode where
	 * its move ends (a walk, scarce mode and a grant keep the learned
	 * gap). */
	int64_t left = (int64_t)d->target_kb - (int64_t)overhead_kb - (int64_t)ws;

	if (was_decided && prev->mode == POLICY_MODE_ABUNDANT && d->have_target &&
	    prev->target_kb == prev->settle_kb && !(prev->reasons & POLICY_R_GRANT))
		g = gap_band_tail_kb(p, gap_band_kb(p, &d->gap, g, left), left);
	/* gap_band_tail mid-walk too: the walk stops where fixed's would. */
	else if (was_decided && prev->mode == POLICY_MODE_ABUNDANT && d->have_target &&
		 !(prev->reasons & POLICY_R_GRANT))
		g = gap_band_tail_kb(p, g, left);
	/* gap_quiet_rises in scarce mode, a quiet guest's binding cap: the
	 * last target kept while fixed's goal would not be written, in any
	 * tier (gap_quiet_scarce_kb()). */
	else if (was_decided && prev->mode == POLICY_MODE_SCARCE && d->have_target &&
		 !(prev->reasons & POLICY_R_GRANT) && g < g0 && p->gap_quiet_rises &&
		 gap_quiet(&d->gap))
		g = gap_quiet_scarce_kb(p, &d->gap, g0, g, left);
	/* gap_band_scarce: in scarce mode, where the last cycle served every
	 * need (the tier of the gaps) and capped this domain at its goal,
	 * which is written, a move of that goal by less than min_change is
	 * not written (design.md §The learned gap). */
	else if (was_decided && prev->mode == POLICY_MODE_SCARCE &&
		 a->cycle.tier == POLICY_TIER_GAPS && d->have_target &&
		 gap_band_capped(p, prev->goal_kb, prev->target_kb, d->target_kb, prev->reasons) &&
		 !(prev->reasons & POLICY_R_GRANT))
		g = gap_band_hold_kb(p, &d->gap, g, left);
	/* gap_seen_rises in scarce mode: a capped gap keeps the last target
	 * while the band allows (gap_seen_scarce_kb()). */
	else if (was_decided && prev->mode == POLICY_MODE_SCARCE && d->have_target &&
		 !(prev->reasons & POLICY_R_GRANT))
		g = gap_seen_scarce_kb(p, &d->gap, g0, g, left);
	/* The debug line of a step names the gap the policy gets: the
	 * bounds (the OOM floor in the hold) and the band act after the
	 * learner's choice (gap_kb) and its gap in effect (use_kb). */
	if (stepped)
		log_debug("domain %u (%s): gap step %s%s%s: ws %llu actual %llu gap %llu in effect %llu given %llu step %u explores %llu act %d ramp %llu lone %llu/%llu<<%u (last cycle: reasons %#x goal %llu target %llu)",
			  d->domid, d->name, gap_outcome_name(step_out), step_why ? " " : "", step_why ? step_why : "",
			  (unsigned long long)ws,
			  (unsigned long long)d->actual_kb, (unsigned long long)d->gap.gap_kb,
			  (unsigned long long)d->gap.use_kb, (unsigned long long)g, d->gap.steps,
			  (unsigned long long)d->gap.n_explores, d->gap.last_action - GAP_CENTER,
			  (unsigned long long)d->gap.ramp_kb, (unsigned long long)d->gap.n_lone_cuts,
			  (unsigned long long)d->gap.n_lone_undone, d->gap.lone_shift, was_decided ? prev->reasons : 0,
			  (unsigned long long)(was_decided ? prev->goal_kb : 0),
			  (unsigned long long)(was_decided ? prev->target_kb : 0));
	return d->gap_kb = g;
}

void arbiter_gap_persist(struct arbiter *a, uint64_t now)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		if (d->headroom != POLICY_HEADROOM_LEARNED || !d->gap.init || a->gap_hook ||
		    d->gap.gap_kb == d->gap_saved_kb)
			continue;
		/* At most once a minute, failed attempts included: the prices
		 * ride along. */
		if (d->gap_save_tried && now - d->gap_save_try_ms < 60000)
			continue;
		d->gap_save_tried = true;
		d->gap_save_try_ms = now;
		arbiter_save_state(a, d, now);
	}
}
