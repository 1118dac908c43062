/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Classification, self-adjustment, guest safety and dom0 handling, and
 * the glue around the solvers (design.md §One cycle). The solvers live in
 * solve_exact.c and solve_paper.c, the abundant steps in step.c, the
 * write arithmetic in apply.c, the parameters in params.c, the bounds
 * of an entry in check_dom.c, the solver's scratch in ctx.c, A_i and w_i
 * in weight.c.
 *
 * One cycle, in the order the code below follows:
 *   1. F_h = host free - reserve - pending growth of undecided entries.
 *   2. Per domain: the safety-adjusted minimum L_i' and the goal
 *        MC_i = clamp(C_i + O_i + g_i, L_i', H_i)   (target units),
 *      g_i the domain's gap: headroom, or learned (policy/gap.h).
 *   3. dom0 priority: dom0 gets MC_0 first (never pushing domUs below
 *      their L_i); the domUs share what is left, F_U.
 *   4. abundant iff F_U >= sum (MC_i - N_i) over the domUs.
 *   5. abundant: every domU steps from B_i toward MC_i;
 *      scarce: global balancing on M = sum N_i + F_U
 *      (design.md §Global balancing: the equal-price allocation).
 */
#include "policy/policy.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/solve.h"
#include "policy/resv_need.h"

static inline uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool decided(const struct policy_params *p, const struct policy_dom *d)
{
	if (p->mode == POLICY_FORCE_STATIC || d->kind == POLICY_UNMANAGED)
		return false;
	if (d->kind == POLICY_DOM0)
		return p->dom0_mode == POLICY_DOM0_PRIORITY;
	return true;
}

/* What a domain's own figures say, before any other domain matters. */
struct derived {
	uint64_t lo;          /* L_i' : L_i after the no-shrink rule */
	uint64_t lo_safe;     /* L_i' before the need and adoption floors */
	uint64_t lo_need;     /* L_i' before the adoption floor */
	uint64_t goal;        /* MC_i */
	uint32_t lo_reasons;  /* why lo is what it is */
};

static void raise_lo(struct derived *dv, uint64_t v, uint32_t reason)
{
	if (v > dv->lo) {
		dv->lo = v;
		dv->lo_reasons = reason;
	}
}

static void derive(const struct policy_params *p, const struct policy_dom *d,
		   struct derived *dv)
{
	/* Guest safety (§3.2): a domain that is reclaiming or swapping in
	 * hard is not shrunk this cycle, in either mode:
	 *     L_i' = max(L_i, min(B_i, H_i)). */
	uint32_t pressure = policy_pressure(p, d);
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;

	if (pressure && keep > d->min_kb) {
		dv->lo = keep;
		dv->lo_reasons = pressure;
	} else {
		dv->lo = d->min_kb;
		dv->lo_reasons = POLICY_R_MIN |
			((d->flags & POLICY_IN_OOM_MIN) ? POLICY_R_OOM : 0);
	}

	/* MC_i = clamp(C_i + O_i + headroom, L_i', H_i), in target units:
	 * Committed_AS is what the guest has promised its processes, O_i is
	 * what the domain holds that the guest does not count as RAM.
	 * Rounded down to a page (not below L_i') so that an allocation of
	 * exactly MC_i is a page-aligned target. */
	uint64_t overhead = d->overhead_kb < d->actual_kb ? d->overhead_kb
							  : d->actual_kb;
	uint64_t want = d->committed_as_kb + overhead + policy_dom_gap_kb(p, d);

	dv->lo_safe = dv->lo;
	dv->lo_need = dv->lo;
	if (policy_uses_need(p, d)) {
		/* need = estimate: the goal is W_i + g_i, and growth is never
		 * cut: L_i' = max(L_i', min(B_i, W_i, H_i)), so a guest that
		 * needs at least what it holds keeps it; its gap g_i is what
		 * scarce mode takes first. A newly adopted domain, whose
		 * estimate has no history yet, keeps min(B_i, H_i,
		 * max(W_i, C_i + O_i) + g_i): what its programs were promised
		 * leads what they touched (design.md §Growth is never cut). */
		uint64_t w = policy_peak_keep_kb(p, d, policy_need_w_kb(p, d, false));
		uint64_t now = policy_recur_floor_kb(p, d, policy_need_now_kb(p, d, false));

		/* W_i + g_i, or the peak of a load that comes back + g_i. */
		want = policy_need_held_kb(p, d, d->ws_kb) + policy_dom_gap_kb(p, d);
		if (w > want)
			want = w;
		raise_lo(dv, now < keep ? now : keep, POLICY_R_NEED);
		dv->lo_need = dv->lo;
		if (d->flags & POLICY_IN_GRACE) {
			uint64_t c = d->committed_as_kb + overhead;
			uint64_t g = (c > d->ws_kb ? c : d->ws_kb) +
				     policy_dom_gap_kb(p, d);

			raise_lo(dv, g < keep ? g : keep, POLICY_R_ADOPT);
		}
	}
	uint64_t goal = policy_page_down(clamp_u64(want, dv->lo, d->max_kb));

	dv->goal = goal < dv->lo ? dv->lo : goal;
}

static uint32_t bound_reasons(uint64_t t, const struct derived *dv,
			      uint64_t max_kb)
{
	uint32_t r = 0;

	if (t <= dv->lo)
		r |= dv->lo_reasons;
	if (t >= policy_page_down(max_kb) && t > dv->lo)
		r |= POLICY_R_MAX;
	return r;
}

static void self_adjust(const struct policy_params *p,
			const struct policy_dom *d, const struct derived *dv,
			struct policy_decision *o, int64_t *spare,
			enum policy_band band, uint32_t take, size_t i,
			const struct policy_level_room *room)
{
	uint64_t settle = dv->goal;
	uint64_t t = clamp_u64(policy_uses_need(p, d) ? policy_band_step(p, d, dv->goal, band, take, &settle)
					       : policy_self_step(p, d->target_kb, dv->goal),
			       dv->lo, d->max_kb);
	uint32_t hold = 0;

	/* The boot grace (boot_keep.c). */
	if (policy_uses_need(p, d) && (d->flags & POLICY_IN_BOOTED))
		t = policy_boot_keep_kb(d, dv->goal, t, spare, &hold);
	if (!hold)   /* a level kept while nobody needs it (level_keep.c) */
		t = policy_level_keep_kb(p, d, i, room, dv->goal, t, spare, &hold);
	o->mode = POLICY_MODE_ABUNDANT;
	o->stage = POLICY_STAGE_SELF;
	o->target_kb = t;
	o->settle_kb = settle;
	o->reasons = hold ? hold : bound_reasons(t, dv, d->max_kb) |
		     (t != settle ? POLICY_R_STEP : 0);
}

/* The OOM minimum after the needs (design.md §Growth is never cut): in
 * scarce mode, the part of a swapless killed domain's OOM-raised L_i
 * above its own floors is not a floor of the tiers. It is served in tier
 * 4, with the margin of a paused climb, after every domain's need now and
 * before anyone's gap: such a guest that grows again has the OOM margin
 * as need now (policy_need_now_kb), which covers its next rise as the
 * raised minimum did. A guest with swap keeps its raised minimum as a
 * floor: letting every killed guest yield gave host-50 (512 MiB of swap
 * each) 68 kills instead of 50, and judging "no swap room" against the
 * gap, which the learned gap raises after a kill, doubled growing-adopted's
 * kills under headroom = learned (26 -> 52); unless its killed load is
 * gone (policy_oom_load_gone()). *dv becomes the floors without the
 * raise (with oom_min_keep, less than the raise: policy_oom_keep_kb());
 * returns the raised L_i (0 when nothing yields). */
static uint64_t tier_floors(const struct policy_params *p,
			    const struct policy_dom *d, struct derived *dv)
{
	if (!p->oom_min_yield || !(d->flags & POLICY_IN_OOM_MIN) ||
	    d->oom_raise_kb == 0 || (d->swap_tot_kb > 0 && !policy_oom_load_gone(p, d)))
		return 0;
	struct policy_dom base = *d;

	base.min_kb = d->min_kb - d->oom_raise_kb;
	if (policy_oom_keep_kb(p, d) > base.min_kb)   /* pure: asked twice */
		base.min_kb = policy_oom_keep_kb(p, d);
	derive(p, &base, dv);
	return d->min_kb;
}

/* Under need = estimate, the rungs of d's need (re-deriving dv as
 * tier_floors() does): *need_now = U1_i = clamp(need now, L_i', U_i);
 * *slack = clamp(W_i + slack, R4_i, U_i), rung 5 with the adoption
 * grace (design.md §The estimate's slack); returns R4_i = clamp(max(W*_i,
 * the OOM-raised L_i), U1_i, U_i): the OOM margin comes in tier 4,
 * after every domain's need; *peak (when asked) = min(B_i, the held
 * peak), tier 3. */
static uint64_t need_rungs(const struct policy_params *p,
			   const struct policy_dom *d, struct derived *dv,
			   uint64_t up, uint64_t *need_now, uint64_t *slack,
			   uint64_t *peak, const struct policy_spike *spike)
{
	uint64_t w = policy_peak_keep_kb(p, d, policy_need_w_kb(p, d, true));
	uint64_t keep = tier_floors(p, d, dv);
	uint64_t plain = policy_recur_need_kb(p, d, policy_need_now_kb(p, d, true));
	uint64_t now = policy_need_held_kb(p, d, plain);
	uint64_t held = d->target_kb < now ? d->target_kb : now;
	/* A peak that comes back, or a level that recurs in force: what of
	 * it the domain holds comes first in tier 3. */
	bool holds = (d->flags & POLICY_IN_PEAK) || now > plain;
	uint64_t r4;

	if (keep < w)
		keep = w;
	policy_spike_floor(p, spike, d, &dv->lo_need, up);
	if (keep < now)
		keep = now;
	*need_now = clamp_u64(now, dv->lo_need, up);
	r4 = clamp_u64(keep, *need_now, up);
	if (peak)
		*peak = holds ? clamp_u64(held, dv->lo_need, *need_now) : dv->lo_need;
	*slack = clamp_u64(policy_need_slack_kb(p, d), r4, up);
	return r4;
}

/* Whether scarce mode sizes d by its need's tiers (solve_tiers.c): an
 * estimate under need = estimate, and the exact solver. */
static bool tiered(const struct policy_params *p, const struct policy_dom *d)
{
	return policy_uses_need(p, d) && p->solver == POLICY_SOLVER_EXACT;
}

/* U_i: with scarce_cap = demand nobody gets more than it asks for
 * (MC_i <= H_i already). */
static uint64_t cap_kb(const struct policy_params *p, const struct policy_dom *d,
		       const struct derived *dv)
{
	return p->scarce_cap == POLICY_CAP_DEMAND ? dv->goal : d->max_kb;
}

/* What a reservation leaves d: L_i', under need = estimate its need, OOM
 * margin and slack (need_rungs()), room for a peers' spike, the slack
 * unless it pages (policy_slack_pages()); *all adds what d keeps with its
 * slack, *page the rise it may page for (resv_page.c), *share (*parts) the part
 * of a swapless slack (a pager's need) a reservation may take (resv_*.c). */
static uint64_t keep_kb(const struct policy_params *p, const struct policy_dom *d,
			const struct derived *dv0, const struct policy_spike *spike,
			int64_t *all, int64_t *page, int64_t *share, int64_t *parts)
{
	struct derived dv = *dv0;
	uint64_t now, slack, keep;
	struct policy_params q;

	if (!tiered(p, d)) {
		*all += (int64_t)dv.lo;
		return dv.lo;
	}
	keep = need_rungs(policy_peak_off(p, &q), d, &dv, cap_kb(p, d, &dv), &now, &slack, NULL, spike);
	*all += (int64_t)(slack > dv0->lo ? slack : dv0->lo);
	*share += (int64_t)policy_resv_share_kb(p, d, keep, slack, dv0->lo);
	*parts += (int64_t)policy_resv_need_part_kb(p, d, keep, slack, dv.lo_safe);
	keep = policy_slack_pages(d, slack - keep) ? keep : slack;
	return policy_resv_keep_kb(p, d, keep > dv0->lo ? keep : dv0->lo, dv0->lo, page);
}

/* Global balancing for the domUs: fill the solver items, solve, copy the
 * results back with their reasons and prices.
 *
 * need = estimate (design.md §Scarce mode from the estimated need): a
 * domain with an estimate has A_i = W_i and U_i = min(H_i, W_i + g_i),
 * and the exact solver runs in tiers (solve_tiers.c) over a ladder of
 * bounds: the need free swap cannot hold, the no-shrink floors, U1_i =
 * clamp(W_i, L_i', U_i), the OOM margin, a grace's floor and the slack
 * (not a lender's while resv lends), the gap up to U_i. Without an estimate:
 * L_i' then U_i, whole in tier 1 (none has one: one call, as before). */
static int balance(struct policy_ctx *ctx, const struct policy_params *p,
		   const struct policy_dom *dom, size_t n,
		   struct policy_decision *out, int64_t budget,
		   int64_t domu_free, const struct policy_spike *spike,
		   const struct policy_lend *resv, struct policy_cycle *cycle)
{
	size_t k = 0, k_need = 0;
	enum policy_stage stage;

	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		struct derived dv;

		if (!decided(p, d) || d->kind != POLICY_DOMU)
			continue;
		derive(p, d, &dv);
		uint64_t up = cap_kb(p, d, &dv);
		double a = p->tau * policy_active_kb(p, d);
		uint64_t up1 = up, upm = up, slack = up, sf = 0, lo = dv.lo;
		uint64_t peak = up, loop = 0, margin = 0;
		bool est = tiered(p, d);

		if (est) {
			uint64_t g = policy_dom_gap_kb(p, d);

			/* What the guest holds above W_i is idle and taxed;
			 * W_i may exceed N_i: the need it cannot show. Its
			 * swap counts for the tiers (solve_tiers.c) only
			 * beyond its gap: the room for its own next rise, as
			 * the OOM margin counts it. */
			a = p->tau * (double)policy_need_w_kb(p, d, true);
			/* The adoption grace's floor above the need floor is
			 * a tier of its own, after every need and margin: it
			 * yields to what the others lack of them
			 * (solve_tiers.c). */
			upm = need_rungs(p, d, &dv, up, &up1, &slack, &peak, spike);
			policy_resv_need_lend(p, d, resv, dv.lo_safe, &dv.lo, &dv.lo_need,
					      &up1, &upm, &slack, &peak);
			if ((resv->flags & POLICY_LEND_PAGES) && policy_slack_pages(d, slack - upm))
				slack = upm;    /* lent to the reservations (keep_kb()) */
			else            /* resv_share.c */
				slack -= policy_resv_share_part(resv, policy_resv_share_kb(p, d, upm, slack, dv.lo));
			lo = dv.lo_need;
			sf = d->swap_free_kb > g ? d->swap_free_kb - g : 0;
			k_need++;
			up1 = policy_oom_loop_kb(p, d, up1, upm, &loop);
			margin = policy_kill_margin_kb(p, d, up1, up);
		}
		ctx->items[k++] = (struct solve_item){
			.a = a,
			.w = policy_weight(p, d),
			.lo = lo,
			.up = up,
			.actual = d->actual_kb,
			.rung = { lo, up, up, up1, upm, up, up },
			.safe = est ? dv.lo_safe : dv.lo,
			.grace = dv.lo,
			.slack = slack,
			.peak = peak,
			.swap = sf + policy_need_in_swap_kb(p, d),
			.spare = policy_spike_spare_kb(p, spike, d, sf),
			.loop = loop, .margin = margin, .est = est,
			.given = d->target_kb,
			.dom = (uint32_t)i,
		};
	}
	if (p->solver == POLICY_SOLVER_PAPER) {
		if (solve_infeasible(ctx, k, budget, cycle)) {
			stage = POLICY_STAGE_INFEASIBLE;
		} else {
			if (solve_paper(ctx, k, domu_free, cycle) < 0)
				return -1;
			stage = POLICY_STAGE_PAPER;
		}
	} else if (k_need) {
		stage = solve_tiers(ctx, k, budget, cycle, p->tier4_keep_kb);
	} else {
		stage = solve_exact(ctx, k, budget, cycle);
	}
	cycle->stage = stage;
	cycle->mode = stage == POLICY_STAGE_INFEASIBLE ? POLICY_MODE_INFEASIBLE
						       : POLICY_MODE_SCARCE;

	for (size_t j = 0; j < k; j++) {
		const struct solve_item *it = &ctx->items[j];
		const struct policy_dom *d = &dom[it->dom];
		struct policy_decision *o = &out[it->dom];
		struct derived dv;
		uint64_t t = it->target;

		derive(p, d, &dv);
		o->mode = cycle->mode;
		o->stage = stage;
		o->settle_kb = dv.goal;
		if (it->at == SOLVE_AT_LO)
			/* A floor above L_i' is (part of) the need. */
			o->reasons = it->lo > dv.lo ? POLICY_R_NEED : dv.lo_reasons;
		else if (it->at == SOLVE_AT_UP)
			o->reasons = it->up < d->max_kb ? POLICY_R_DEMAND
							: POLICY_R_MAX;
		/* The paper preset routes global targets through the same
		 * stepping as self-adjustment (its Algorithm 2). */
		if (p->global_hysteresis) {
			o->settle_kb = t;
			t = clamp_u64(policy_self_step(p, d->target_kb, t), dv.lo,
				      d->max_kb);
			if (t != it->target)
				o->reasons |= POLICY_R_STEP;
		}
		o->target_kb = t;
		/* Below its need floor: it pages for another guest's need that
		 * swap cannot hold (solve_tiers.c). */
		if (t < dv.lo)
			o->reasons |= POLICY_R_YIELD;
		/* rho_i = w_i / (Nt_i - tau*A_i), shown where it means
		 * something: stage 2 (and the paper's own balancing). */
		if ((stage == POLICY_STAGE_PRICE || stage == POLICY_STAGE_PAPER) &&
		    (double)t > it->a) {
			o->has_price = true;
			o->price = it->w / ((double)t - it->a);
		}
	}
	return 0;
}

int policy_decide(struct policy_ctx *ctx, const struct policy_params *p,
		  const struct policy_host *host, const struct policy_dom *dom,
		  size_t n, struct policy_decision *out,
		  struct policy_cycle *cycle)
{
	size_t dom0 = SIZE_MAX;

	memset(cycle, 0, sizeof(*cycle));
	cycle->bad_index = SIZE_MAX;
	if (policy_params_check(p, cycle->error, sizeof(cycle->error)) < 0 ||
	    policy_check_snapshot(host, dom, n, ctx->capacity, cycle, &dom0) < 0)
		return -1;

	/* Step 2: F_h. What the snapshot's undecided entries were promised
	 * (B_j > N_j) is not ours to hand out again. */
	int64_t free_h = host->free_kb - (int64_t)host->reserve_kb;

	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];

		memset(&out[i], 0, sizeof(out[i]));
		if (decided(p, d)) {
			cycle->decided++;
			continue;
		}
		out[i].mode = POLICY_MODE_FIXED;
		out[i].stage = POLICY_STAGE_NONE;
		out[i].target_kb = d->target_kb;
		out[i].settle_kb = d->target_kb;
		if (d->target_kb > d->actual_kb)
			free_h -= (int64_t)(d->target_kb - d->actual_kb);
	}
	cycle->host_free_kb = free_h;
	if (p->mode == POLICY_FORCE_STATIC) {
		cycle->mode = POLICY_MODE_FIXED;
		cycle->stage = POLICY_STAGE_NONE;
		return 0;
	}

	int64_t sum_n = 0, sum_lo = 0, sum_goal = 0, back = 0, up = 0;
	int64_t sum_keep = 0, sum_all = 0, lack = 0, page = 0, share = 0, parts = 0;
	struct policy_fund fund = { 0, 0, 0, 0 };
	const struct policy_spike spike = policy_spike_find(p, dom, n);

	for (size_t i = 0; i < n; i++) {
		struct derived dv;

		if (!decided(p, &dom[i]) || dom[i].kind != POLICY_DOMU)
			continue;
		derive(p, &dom[i], &dv);
		sum_n += (int64_t)dom[i].actual_kb;
		sum_lo += (int64_t)dv.lo;
		if (host->reservations_kb)      /* only they ask what guests keep */
			sum_keep += (int64_t)keep_kb(p, &dom[i], &dv, &spike, &sum_all, &page, &share, &parts);
		sum_goal += (int64_t)dv.goal;
		back += policy_band_back(p, &dom[i], dv.goal, dv.lo, policy_uses_need(p, &dom[i]));
		if (policy_uses_need(p, &dom[i])) {
			uint64_t aim = policy_band_aim(p, &dom[i], policy_band_goal_kb(p, &dom[i], dv.goal));

			if (aim > dom[i].actual_kb)
				up += (int64_t)(aim - dom[i].actual_kb);
			/* W_i beyond what it holds: it pages (or dies) now */
			uint64_t w = policy_need_w_kb(p, &dom[i], false);

			if (w > dom[i].actual_kb)
				lack += (int64_t)(w - dom[i].actual_kb);
			policy_fund_count(p, &dom[i], dv.goal, &fund);
		}
	}

	/* A reservation is served out of what the guests hold above their
	 * needs and slacks, never out of those
	 * (design.md §The estimate's slack): the part that would cut them
	 * waits until the pool can pay (a domain destroyed, a need fallen).
	 * When it would cut slacks, those that page are lent (lend). */
	struct policy_lend lend = {
		host->reservations_kb && sum_all > sum_n + free_h ? POLICY_LEND_PAGES : 0, 0, 0, 0, 0 };

	if (policy_resv_share(p, host, &sum_keep, share, sum_n + free_h, &lend))
		cycle->resv_shared_kb = lend.need_kb;
	if (policy_resv_need(p, host, &sum_keep, page, parts, sum_n + free_h, &lend))
		cycle->resv_need_kb = lend.wait_kb;

	if (host->reservations_kb && sum_keep > sum_n + free_h &&
	    !policy_resv_paged(p, host, sum_keep, page, sum_n + free_h)) {
		uint64_t give = (uint64_t)(sum_keep - (sum_n + free_h));

		if (give > host->reservations_kb)
			give = host->reservations_kb;
		cycle->resv_held_kb = give;
		free_h += (int64_t)give;
		cycle->host_free_kb = free_h;
	}

	/* Step 3: dom0 priority. Dom0 gets its goal MC_0 at once, before
	 * any domU, limited only so that the domUs keep their minimums:
	 *     T_0 = max(L_0', min(MC_0, N_0 + sum N_i + F_h - sum L_i)).
	 * If F_h cannot cover T_0 - N_0, the domUs must give it back: the
	 * cycle goes global whatever the classification says. */
	int64_t free_u = free_h;
	bool dom0_needs_global = false;

	if (dom0 != SIZE_MAX && decided(p, &dom[dom0])) {
		const struct policy_dom *d = &dom[dom0];
		struct policy_decision *o = &out[dom0];
		struct derived dv;
		int64_t room = (int64_t)d->actual_kb + sum_n + free_h - sum_lo;
		uint64_t t;

		derive(p, d, &dv);
		t = dv.goal;
		o->reasons = 0;
		if (room < (int64_t)t) {
			uint64_t r = room > 0 ? policy_page_down((uint64_t)room) : 0;

			t = r < dv.lo ? dv.lo : r;
			o->reasons |= POLICY_R_DOM0;
		}
		o->reasons |= bound_reasons(t, &dv, d->max_kb);
		o->stage = POLICY_STAGE_DOM0;
		o->goal_kb = dv.goal;
		o->floor_kb = dv.lo;
		o->target_kb = t;
		o->settle_kb = dv.goal;
		free_u = free_h - ((int64_t)t - (int64_t)d->actual_kb);
		dom0_needs_global = (int64_t)t - (int64_t)d->actual_kb > free_h;
	}

	int64_t budget = sum_n + free_u;   /* M for the domUs */
	bool global;

	cycle->domu_free_kb = free_u;
	cycle->budget_kb = budget;
	cycle->need_kb = sum_goal - sum_n;
	struct policy_params q; /* every level kept, or none (peak_hold.c) */
	if (policy_peak_short(p, dom, n, dom0_needs_global ? -1 : free_u - cycle->need_kb))
		return policy_decide(ctx, policy_peak_off(p, &q), host, dom, n, out, cycle);
	switch (p->mode) {
	case POLICY_FORCE_SELF:
		global = false;
		break;
	case POLICY_FORCE_GLOBAL:
		global = true;
		break;
	default:
		/* Step 4: abundant iff F_U >= sum (MC_i - N_i). */
		global = dom0_needs_global || free_u < cycle->need_kb;
		break;
	}

	/* What is free once every domU has its goal: what a boot grace
	 * may keep (abundant only, so never below 0). */
	int64_t spare = free_u - cycle->need_kb;
	enum policy_band band = policy_band_of(p, free_u, back, up, lack, fund.pages, host->reservations_kb);
	uint32_t take = policy_fund_take_ppm(p, band, &fund, free_u);
	struct policy_level_room room;

	policy_level_room_init(p, dom, n, &room);

	for (size_t i = 0; i < n; i++) {
		struct derived dv;

		if (!decided(p, &dom[i]) || dom[i].kind != POLICY_DOMU)
			continue;
		derive(p, &dom[i], &dv);
		out[i].goal_kb = dv.goal;
		out[i].floor_kb = dv.lo;
		if (!global)
			self_adjust(p, &dom[i], &dv, &out[i], &spare, band, take, i, &room);
	}
	if (!global)   /* level_ahead.c: the spare over the goals */
		policy_level_ahead(p, dom, n, out, free_u - cycle->need_kb);
	if (global) {
		if (balance(ctx, p, dom, n, out, budget, free_u, &spike,
			    &lend, cycle) < 0)
			return -1;
	} else {
		cycle->mode = POLICY_MODE_ABUNDANT;
		cycle->stage = POLICY_STAGE_SELF;
	}
	if (dom0 != SIZE_MAX && decided(p, &dom[dom0]))
		out[dom0].mode = cycle->mode;
	return 0;
}
