/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One arbiter cycle (design.md §The cycle):
 *
 *   1. drain xenstore watch events (stamps, targets, introduce/release);
 *   2. list domains from the hypervisor; adopt new ones (read libxl's
 *      layout, hand the agent its report keys, watch), drop vanished ones;
 *   3. re-read the reports and targets whose watches fired (only those:
 *      a steady cycle sends no xenstore request);
 *   4. build the policy snapshot (snap_build.c): managed domUs, and every
 *      other domain as unmanaged so that what it was promised is not
 *      handed out again;
 *   5. decide (policy_decide) and turn targets into writes (policy_apply);
 *   6. perform decreases first, then increases with maxmem raised before
 *      the target, PoD targets for non-PV guests;
 *   7. uncooperative detection (failure to shrink), withdrawal of grants a
 *      domain does not take, both after stuck_after_ms.
 */
#include "arbiter/arbiter_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "arbiter/maxcap.h"
#include "arbiter/resv_born.h"
#include "arbiter/resv_keep.h"
#include "arbiter/rules.h"
#include "arbiter/history.h"
#include "policy/grace_keep.h"
#include "arbiter/xsio.h"
#include "policy/stale_return.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/xs.h"

/* ---- apply -------------------------------------------------------------- */

static void log_change(struct arbiter *a, struct dom *d, uint64_t old_kb,
		       uint64_t new_kb, const char *what)
{
	char reasons[128], msg[512];

	policy_reasons_format(d->decision.reasons, reasons, sizeof(reasons));
	if (d->decision.has_price)
		snprintf(msg, sizeof(msg), "%sdomain %u (%s): target %llu -> %llu KiB%s [%s/%s, demand %llu, actual %llu, price %.4g, %s]",
			 a->dry_run ? "dry-run: " : "", d->domid, d->name,
			 (unsigned long long)old_kb, (unsigned long long)new_kb, what,
			 policy_mode_name(d->decision.mode), policy_stage_name(d->decision.stage),
			 (unsigned long long)d->decision.goal_kb, (unsigned long long)d->actual_kb,
			 d->decision.price, reasons);
	else
		snprintf(msg, sizeof(msg), "%sdomain %u (%s): target %llu -> %llu KiB%s [%s/%s, demand %llu, actual %llu, %s]",
			 a->dry_run ? "dry-run: " : "", d->domid, d->name,
			 (unsigned long long)old_kb, (unsigned long long)new_kb, what,
			 policy_mode_name(d->decision.mode), policy_stage_name(d->decision.stage),
			 (unsigned long long)d->decision.goal_kb, (unsigned long long)d->actual_kb,
			 reasons);
	/* history.c: the journal with MEMBAL_* fields, or this line */
	history_target_change(&(struct history_change){
		.domid = d->domid, .domain = d->name, .old_kb = old_kb,
		.target_kb = new_kb, .demand_kb = d->decision.goal_kb,
		.actual_kb = d->actual_kb, .mode = policy_mode_name(d->decision.mode),
		.stage = policy_stage_name(d->decision.stage),
		.reason = !*what ? reasons : strstr(what, "static-max") ? "above-static-max"
				: strstr(what, "maxmem") ? "above-maxmem-cap"
				: strstr(what, "stale") ? "stale-return" : "grant-withdrawn",
		.has_price = d->decision.has_price, .price = d->decision.price,
		.dry_run = a->dry_run }, msg);
}

/* libxl's maxmem for the target, never above an administrator's cap
 * (maxcap.h): a target of ours still above the cap gets the cap. */
static int set_maxmem(struct arbiter *a, struct dom *d, uint64_t target_kb)
{
	uint64_t mm = maxcap_maxmem_for(d, target_kb);

	if (a->dry_run || d->hv.max_kb == mm)
		return 0;
	if (mm > d->hv.max_kb && arbiter_maxmem_moved(a, d))
		return -1;   /* this increase waits for the next cycle */
	if (a->hv->ops->set_maxmem(a->hv, d->domid, mm) < 0) {
		a->n.write_errors++;
		log_limited(LOG_WARNING, "arbiter:maxmem",
			    "domain %u (%s): set maxmem %llu KiB: %s", d->domid,
			    d->name, (unsigned long long)mm, strerror(errno));
		return -1;
	}
	d->hv.max_kb = maxcap_pages_kb(mm);
	maxcap_written(d, mm);
	a->n.maxmem_writes++;
	return 0;
}

/* Write one target. Increases raise maxmem FIRST: otherwise the balloon
 * stops at the old maxmem and Xen logs "Over-allocation" (observed on Xen
 * 4.17). Decreases lower it AFTER, so it follows the target; a decrease
 * whose maxmem is still above the domain's (a target cut to static-max
 * from above a maxmem that had been lowered below it: fuzz_cycle's P3)
 * lets the domain grow all the same, so its maxmem is raised first. */
static int write_target(struct arbiter *a, struct dom *d, uint64_t kb,
			uint64_t now, const char *what)
{
	uint64_t old = d->have_target ? d->target_kb : d->actual_kb;
	bool up = kb > old || maxcap_maxmem_for(d, kb) > d->hv.max_kb;

	log_change(a, d, old, kb, what);
	if (a->dry_run)
		return 0;
	/* memory/target is its size at creation until our first write
	 * moves it: from then on memory/membal_state's created word keeps
	 * it, or a restarted arbiter would take the target it reads for it
	 * (created.c) and lend a guest whose agent died nothing
	 * (stale_return). One state write a domain. */
	if (!d->created_saved && d->created_kb && kb != d->created_kb && d->domid != 0) {
		d->created_saved = true;
		arbiter_save_state(a, d, now);
	}
	if (up && set_maxmem(a, d, kb) < 0)
		return -1;
	if (xsio_write_target(a->xs, d->domid, kb) < 0) {
		if (errno == ESRCH) {
			log_info("domain %u (%s) went away before its target was written; skipped",
				 d->domid, d->name);
			return -1;
		}
		a->n.write_errors++;
		arbiter_xs_failed(a, now, "write target", d->domid);
		return -1;
	}
	d->target_kb = kb;
	d->have_target = true;
	d->written_kb = kb;
	d->have_written = true;
	d->target_changes++;
	a->n.target_writes++;
	if (!up)
		set_maxmem(a, d, kb);
	if (d->type != HV_TYPE_PV && d->domid != 0) {
		if (a->hv->ops->set_pod_target(a->hv, d->domid, hv_pod_pages_for(kb)) < 0) {
			a->n.write_errors++;
			log_limited(LOG_WARNING, "arbiter:pod",
				    "domain %u (%s): set PoD target: %s", d->domid,
				    d->name, strerror(errno));
		} else {
			a->n.pod_writes++;
		}
	}
	/* A new grant: watch whether the domain takes it. */
	dom_grant_opened(d, kb, a->cfg.target_tolerance_kb, now);
	return 0;
}

/* A follow-up cycle (arbiter_next_cycle) is there to grant growth out of
 * what the last cycle's decreases gave back: it writes increases only.
 * Its decreases wait for the regular cycle, so the extra cycle adds no
 * write that the regular one would not have made. A write that only
 * withdraws growth still in flight (B_i > write >= N_i: the pool no
 * longer covers it, a reservation came) takes nothing from the guest and
 * keeps the reservation whole: it is made here too. */
static void grants_only(struct arbiter *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct policy_decision *o = &a->dec[i];

		if (o->has_write && o->write_kb < a->snap[i].target_kb &&
		    o->write_kb < a->snap[i].actual_kb) {
			o->has_write = false;
			o->write_kb = 0;
		}
	}
}

/*
 * Slow donors (design.md §Growth is never cut, "Slow donors"): a
 * decrease still under way at the regular cycle after the one that wrote
 * it comes from a balloon that gives back less than its cut in an
 * interval. Its memory then arrives all along the interval, and one early
 * cycle grants only what came in its first follow_up_ms: the rest sat
 * free while the growth that waits on it paged. So, while such a
 * decrease is owed, the follow-up counts it as memory coming back, and
 * early cycles follow one another every follow_up_ms as long as the
 * donors keep giving back (what they owe falls by settle_min_kb from one
 * cycle to the next); a balloon that stopped gets one early cycle per
 * interval, as before. Each early cycle grants only out of what is free
 * when it runs.
 */
static void slow_donors(struct arbiter *a, size_t n)
{
	const struct policy_params *p = &a->cfg.policy.params;

	if (!a->cfg.follow_up_slow) {
		a->slow = false;
		return;
	}
	uint64_t before = policy_owed_kb(p, a->snap, n, a->dec, false);

	a->slow = policy_slow_donors(p, a->early, a->slow, before, a->owed_kb);
	a->owed_kb = policy_owed_kb(p, a->snap, n, a->dec, true);
}

static void perform(struct arbiter *a, size_t n, uint64_t now)
{
	/* Decreases first: the memory they release is what increases are
	 * granted from (policy_apply never counted on it beyond F_h, but
	 * the hypervisor needs it back before others balloon up). A
	 * decrease not written leaves its promise standing, which the
	 * increases were counted out of: they wait for the next cycle. */
	bool unwritten = false;

	for (int pass = 0; pass < 2 && !unwritten; pass++) {
		for (size_t i = 0; i < n && a->xs; i++) {
			struct dom *d = a->snap_dom[i];
			const struct policy_decision *o = &a->dec[i];
			uint64_t b = a->snap[i].target_kb;

			if (!o->has_write || o->write_kb == b)
				continue;
			if ((pass == 0) != (o->write_kb < b))
				continue;
			/* stale_return's write (stale_return.c): the domain
			 * and the reason in the log line. */
			bool stale = o->mode == POLICY_MODE_FIXED && d->skip == SKIP_STALE;
			const char *what = !stale ? ""
				: o->write_kb > b ? " (reports stale: given back toward its size at creation, out of free memory; stale_return)"
				: " (reports stale: the host is short, lent memory taken back to its target when its reports stopped; stale_return)";

			/* (refused already: arbiter_stale_persist()) */
			if (write_target(a, d, o->write_kb, now, what) < 0 && pass == 0)
				unwritten = true;
		}
	}
	if (unwritten)
		log_limited(LOG_WARNING, "arbiter:unwritten",
			    "a decrease was not written: this cycle's increases wait for the next");
}

/* A target of ours above the domain's static-max, which a tool lowered
 * while the domain runs, or above an administrator's maxmem cap
 * (maxcap.h), on a domain the policy does not decide this cycle (the cut
 * put its maximum below its min, or it is stale, paused, ...): brought
 * down to that maximum, the bound libxl keeps on every target (xl mem-set
 * refuses more; Xen refuses the balloon's pages above maxmem, and a
 * target it cannot reach would be growth the budget keeps for nobody).
 * A managed domain's is the policy's (H_i follows both); a target
 * someone else wrote is theirs. */
static void cap_at_static_max(struct arbiter *a, uint64_t now)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];
		uint64_t top = maxcap_target_kb(d);
		bool admin = top < d->static_max_kb;

		if (!admin)
			top = d->static_max_kb;
		if (d->max_kb && d->max_kb < top)   /* max_mb below both (P1) */
			top = d->max_kb, admin = false;
		/* an excluded, toolstack-paused or shut down domain gets no
		 * target of ours at all (fuzz_cycle's P5), however it got one */
		if (d->domid == 0 || d->hv.dying || d->decided || !d->static_max_kb ||
		    d->skip == SKIP_EXCLUDED || d->skip == SKIP_PAUSED || d->skip == SKIP_DYING ||
		    !d->have_target || !d->have_written ||
		    d->target_kb != d->written_kb || d->target_kb <= top)
			continue;
		write_target(a, d, maxcap_lower_kb(d, top), now,
			     admin ? " (above the administrator's maxmem)" : " (above its static-max or max_mb)");
	}
}

/* Failure to shrink, grants not taken (rules.h): flag, cap, withdraw. */
static void watch_progress(struct arbiter *a, uint64_t now)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];
		uint64_t since = d->shrink_since_ms, back = 0;
		unsigned act = dom_progress(d, a->cfg.target_tolerance_kb,
					    a->cfg.stuck_after_ms, now, &back);

		if (act & PROGRESS_UNCOOPERATIVE) {
			a->n.uncooperative_flags++;
			log_warn("domain %u (%s): holds %llu KiB, target %llu KiB, no progress for %llu ms: uncooperative; its memory is left out of the policy",
				 d->domid, d->name, (unsigned long long)d->actual_kb,
				 (unsigned long long)d->target_kb,
				 (unsigned long long)(now - since));
			if (!a->dry_run) {
				set_maxmem(a, d, d->target_kb);
				if (xsio_set_uncooperative(a->xs, d->domid, true) < 0)
					arbiter_xs_failed(a, now, "set uncooperative", d->domid);
			}
		}
		if (act & PROGRESS_COOPERATIVE) {
			log_notice("domain %u (%s): reached its target; cooperative again",
				   d->domid, d->name);
			if (!a->dry_run && xsio_set_uncooperative(a->xs, d->domid, false) < 0)
				arbiter_xs_failed(a, now, "clear uncooperative", d->domid);
		}
		if ((act & PROGRESS_WITHDRAW) && a->xs) {
			a->n.withdrawals++;
			/* stale_return: not fed again until it reports, kept
			 * before the write (stale_keep.c) */
			if (d->skip == SKIP_STALE) {
				d->stale_refused = true;
				d->stale_takes = 0;   /* for good: not lent again */
				arbiter_stale_save(a, d, now);
			}
			write_target(a, d, back, now, " (grant not taken: withdrawn)");
			/* Back to L_i above N_i is no new grant to watch. */
			d->grant_open = false;
		}
	}
}

static void record_decisions(struct arbiter *a, size_t n)
{
	for (size_t i = 0; i < a->ndoms; i++)
		a->by_domid[a->order[i]]->decided = false;
	for (size_t i = 0; i < n; i++) {
		struct dom *d = a->snap_dom[i];

		d->decision = a->dec[i];
		d->decided = a->dec[i].mode != POLICY_MODE_FIXED;
		if (d->decided && (a->dec[i].reasons & (POLICY_R_PSI | POLICY_R_SWAPIN))) {
			d->pressure_holds++;
			a->n.pressure_holds++;
		}
	}
}

static int64_t host_free(struct arbiter *a, uint64_t now)
{
	int64_t f = (int64_t)a->host.free_kb - (int64_t)a->host.outstanding_kb;

	arbiter_reservations_account(a, now);
	return f - (int64_t)a->reserve_kb;
}

static int read_host(struct arbiter *a, struct hv_host *out)
{
	if (a->hv->ops->host(a->hv, out) == 0)
		return 0;
	a->n.hv_errors++;
	log_limited(LOG_ERR, "arbiter:physinfo", "cannot read host memory: %s",
		    strerror(errno));
	return -1;
}

int arbiter_cycle(struct arbiter *a)
{
	uint64_t now = clock_now_ms();
	struct timespec t0, t1;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	a->n.cycles++;
	a->last_cycle_ms = now;
	if (a->hv->ops->advance)
		a->hv->ops->advance(a->hv, now);
	if (!arbiter_xs_ensure(a, now))
		return -1;
	arbiter_drain_events(a, now);
	/* Free memory read on both sides of the listing, and the smaller
	 * figure kept: a balloon that gives pages back after the listing
	 * would otherwise count twice, in its stale N_i and in a later free
	 * figure, and the budget would promise it again (seen on real Xen:
	 * free memory 14 MiB below the reserve). Whichever way a balloon
	 * moves in between, the smaller reading can only under-count. */
	struct hv_host before;

	if (read_host(a, &before) < 0 || arbiter_refresh_domains(a, now) < 0 ||
	    read_host(a, &a->host) < 0)
		return -1;
	/* a fresh reading: memory of a released reservation that a new
	 * domain took is in its listing, no longer in free (reserve.c) */
	a->resv_gone_kb = 0;
	if (before.free_kb < a->host.free_kb)
		a->host.free_kb = before.free_kb;
	if (before.outstanding_kb > a->host.outstanding_kb)
		a->host.outstanding_kb = before.outstanding_kb;
	arbiter_sync_xenstore(a, now);
	if (!a->xs)
		return -1;
	arbiter_maxcap_listed(a);
	n = arbiter_build_snapshot(a, now);
	struct policy_host host = {
		.free_kb = host_free(a, now),
		.reserve_kb = a->cfg.policy.params.reserve_kb,
		.reservations_kb = a->reserve_kb, .reservations_for_kb = a->reserve_for_kb,
		.reservations_need_kb = a->reserve_need_kb,
		.reservations_for_waited_ms = arbiter_reservations_waited_ms(a, now),
	};
	/* The adoption grace and the OOM margin yield to the host's reserve:
	 * below it, a newly adopted or growing domain gives back down to its
	 * need like any other. The grace yields to the reservations too; the
	 * margin of a guest without swap room does not: taken for a
	 * reservation, its next rise is an OOM kill (churn-scarce's c3, cut
	 * to W_i + slack for a guest about to be created, killed 4 s later),
	 * so the reservation waits for it as for a need
	 * (design.md §Growth is never cut). */
	uint32_t yield = 0;

	if (host.free_kb < (int64_t)host.reserve_kb)
		yield = POLICY_IN_GRACE | POLICY_IN_BOOTED;
	if (host.free_kb + (int64_t)host.reservations_kb < (int64_t)host.reserve_kb)
		yield |= POLICY_IN_GROWING;
	for (size_t i = 0; yield && i < n; i++) {
		/* A newborn without swap room keeps its grace floor for its
		 * first seconds (policy/grace_keep.h): cut below it, its
		 * start kills it. */
		const struct dom *d = a->snap_dom[i];
		uint64_t age = d && d->have_fig && now > d->first_fig_ms ? now - d->first_fig_ms : 0;
		uint32_t y = policy_grace_kept(&a->cfg.policy.params, &a->snap[i], age)
			     ? yield & ~(uint32_t)POLICY_IN_GRACE : yield;

		a->snap[i].flags &= ~y;
	}
	struct policy_params keep;
	const struct policy_params *pp = arbiter_resv_keep_params(a, &keep);

	if (policy_decide(&a->pctx, pp, &host, a->snap, n,
			  a->dec, &a->cycle) < 0) {
		log_limited(LOG_ERR, "arbiter:policy", "policy refused the snapshot: %s",
			    a->cycle.error);
		return -1;
	}
	policy_apply(&a->cfg.policy.params, &a->cycle, a->snap, n, a->dec);
	arbiter_resv_keep_after(a, now);
	arbiter_resv_born_mark(a);
	(void)policy_stale_return(&a->cfg.policy.params, &a->cycle, a->snap, n, a->dec);
	if (a->early)
		grants_only(a, n);
	arbiter_growth_persist(a, now);
	arbiter_stale_persist(a, n, now);
	record_decisions(a, n);
	if (a->cycle.mode == POLICY_MODE_INFEASIBLE && a->cycle.decided > 0) {
		a->n.infeasible_cycles++;
		log_limited(LOG_WARNING, "arbiter:infeasible",
			    "infeasible: the domains' minimums exceed the memory by %llu KiB; everyone held at min",
			    (unsigned long long)a->cycle.shortfall_kb);
	}
	if (a->cycle.resv_held_kb)
		log_limited(LOG_NOTICE, "arbiter:resv-held",
			    "reservations: %llu of %llu KiB wait: taking them would cut a guest below its need and slack",
			    (unsigned long long)a->cycle.resv_held_kb,
			    (unsigned long long)a->reserve_kb);
	if (a->cycle.resv_shared_kb)
		log_limited(LOG_INFO, "arbiter:resv-shared",
			    "reservations: %llu of %llu KiB taken from swapless guests' slacks (resv_slack_share_pct)",
			    (unsigned long long)a->cycle.resv_shared_kb,
			    (unsigned long long)a->reserve_kb);
	if (a->cycle.resv_need_kb)
		log_limited(LOG_NOTICE, "arbiter:resv-need",
			    "reservations: %llu of %llu KiB taken from the needs of guests with disk swap (resv_need_wait_s)",
			    (unsigned long long)a->cycle.resv_need_kb,
			    (unsigned long long)a->reserve_kb);
	perform(a, n, now);
	cap_at_static_max(a, now);
	slow_donors(a, n);
	a->follow_up_kb = a->dry_run ? 0
		: policy_follow_up(&a->cfg.policy.params, a->snap, n, a->dec, a->slow);
	watch_progress(a, now);
	arbiter_gap_persist(a, now);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	a->cycle_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
		      (uint64_t)(t1.tv_nsec - t0.tv_nsec);
	return 0;
}

uint64_t arbiter_next_cycle(struct arbiter *a, uint64_t now, uint64_t regular)
{
	/* One early cycle at most between two regular ones: it grants what
	 * the donors gave back by then; the rest waits for the regular one,
	 * so a cut that is slow to come cannot make the daemon spin. Unless
	 * the donors are slow and still giving back (slow_donors()): then
	 * early cycles follow one another, never past the regular one. */
	if ((a->early && !a->slow) || a->cfg.follow_up_ms == 0 ||
	    a->follow_up_kb < a->cfg.policy.params.settle_min_kb ||
	    now + a->cfg.follow_up_ms >= regular) {
		a->early = false;
		return regular;
	}
	a->early = true;
	a->n.follow_ups++;
	return now + a->cfg.follow_up_ms;
}

void arbiter_shutdown(struct arbiter *a)
{
	for (size_t i = 0; i < a->ndoms && a->xs; i++) {
		struct dom *d = a->by_domid[a->order[i]];

		/* The learned gap and its prices outlive us, and so does a
		 * growth that still counts. */
		uint64_t now = clock_now_ms();

		if ((d->headroom == POLICY_HEADROOM_LEARNED && d->gap.init && !a->gap_hook) ||
		    (a->cfg.policy.params.need == POLICY_NEED_ESTIMATE &&
		     growth_recent(&d->growth, now, (uint64_t)a->cfg.policy.params.oom_room_s * 1000)))
			arbiter_save_state(a, d, now);

		if (!d->uncooperative)
			continue;
		/* Lift the cap to what libxl would set for the target, and the
		 * flag; the target itself stays (a guest must not balloon up
		 * unmanaged). */
		if (!a->dry_run) {
			xsio_set_uncooperative(a->xs, d->domid, false);
			set_maxmem(a, d, d->target_kb);
		}
		d->uncooperative = false;
	}
}

