/* SPDX-License-Identifier: GPL-2.0-only */
#include "policy/snapshot.h"

#include <string.h>

uint64_t snapshot_overhead_kb(uint64_t actual_kb, const struct snap_report *r)
{
	if (!(r->have & SNAP_HAS_MEMTOTAL))
		return 0;
	/* selfballoon's current_pages - totalram_pages: the balloon driver's
	 * figure when there is one, else N_i. */
	uint64_t held = (r->have & SNAP_HAS_BALLOON) ? r->balloon_current_kb : actual_kb;
	uint64_t o = held > r->memtotal_kb ? held - r->memtotal_kb : 0;

	return o < actual_kb ? o : actual_kb;
}

static void fill_managed(const struct snap_dom *in, struct policy_dom *s)
{
	const struct snap_report *g = &in->fig;

	s->kind = in->domid == 0 ? POLICY_DOM0 : POLICY_DOMU;
	s->min_kb = in->min_kb;
	/* An OOM-raised minimum never exceeds H_i. */
	if (in->oom_min_kb > s->min_kb) {
		s->min_kb = in->oom_min_kb < in->max_kb ? in->oom_min_kb : in->max_kb;
		s->oom_raise_kb = s->min_kb > in->min_kb ? s->min_kb - in->min_kb : 0;
		s->flags |= POLICY_IN_OOM_MIN;
		s->oom_kill_kb = in->oom_kill_kb < s->min_kb ? in->oom_kill_kb : s->min_kb;
		if (in->oom_loop)
			s->flags |= POLICY_IN_OOM_LOOP;
		if (in->oom_fresh)
			s->flags |= POLICY_IN_OOM_FRESH;
		if (in->oom_recur)
			s->flags |= POLICY_IN_OOM_RECUR;
	}
	s->max_kb = in->max_kb;
	s->shares = in->shares;
	if (in->have_gap) {
		s->gap_kb = in->gap_kb < POLICY_KB_MAX ? in->gap_kb : POLICY_KB_MAX;
		s->flags |= POLICY_IN_GAP;
	}
	s->free_kb = g->free_kb;
	if (g->have & SNAP_HAS_AVAIL) {
		s->avail_kb = g->avail_kb;
		s->flags |= POLICY_IN_AVAIL;
	}
	s->committed_as_kb = g->committed_as_kb;
	s->swap_tot_kb = g->swap_tot_kb;
	s->swap_free_kb = g->swap_free_kb;
	/* The swap's kind, when the agent said it and it is one of the
	 * swap there is (the parser refused more; a builder that did not
	 * check gets no kind: read as RAM-backed). */
	if ((g->have & SNAP_HAS_SWAP_ZRAM) && g->swap_zram_kb <= g->swap_tot_kb) {
		s->swap_zram_kb = g->swap_zram_kb;
		s->flags |= POLICY_IN_SWAP_KIND;
	}
	s->overhead_kb = snapshot_overhead_kb(in->actual_kb, g);
	if (g->have & SNAP_HAS_PSI) {
		s->psi_some = g->psi_some;
		s->flags |= POLICY_IN_PSI;
		if (g->have & SNAP_HAS_PSI_NOW) {
			s->psi_some_now = g->psi_some_now;
			s->flags |= POLICY_IN_PSI_NOW;
		}
	}
	if (g->have & SNAP_HAS_SWAPIN) {
		s->swapin_rate = g->swapin_rate;
		s->flags |= POLICY_IN_SWAPIN;
	}
	if (in->have_ws) {
		/* W_i = WS_i + O_i in target units, bounded like every size
		 * the core accepts. */
		uint64_t w = in->ws_kb < POLICY_KB_MAX ? in->ws_kb : POLICY_KB_MAX;

		s->ws_kb = w + s->overhead_kb < POLICY_KB_MAX ? w + s->overhead_kb
							      : POLICY_KB_MAX;
		s->flags |= POLICY_IN_WS;
		s->rise_kb = in->rise_kb < POLICY_KB_MAX ? in->rise_kb : POLICY_KB_MAX;
		s->jump_kb = in->jump_kb < POLICY_KB_MAX ? in->jump_kb : POLICY_KB_MAX;
		if (in->peak_kb > in->ws_kb) {
			uint64_t pk = in->peak_kb < POLICY_KB_MAX ? in->peak_kb : POLICY_KB_MAX;

			s->peak_kb = pk + s->overhead_kb < POLICY_KB_MAX ? pk + s->overhead_kb
									 : POLICY_KB_MAX;
			s->flags |= POLICY_IN_PEAK;
		}
		if (in->recur_kb > in->ws_kb) {
			uint64_t r = in->recur_kb < POLICY_KB_MAX ? in->recur_kb : POLICY_KB_MAX;

			s->recur_kb = r + s->overhead_kb < POLICY_KB_MAX ? r + s->overhead_kb
									: POLICY_KB_MAX;
			s->flags |= POLICY_IN_RECUR;
		}
		if (in->cron_kb > in->ws_kb && in->cron_down_ms) {
			uint64_t c = in->cron_kb < POLICY_KB_MAX ? in->cron_kb : POLICY_KB_MAX;

			s->cron_kb = c + s->overhead_kb < POLICY_KB_MAX ? c + s->overhead_kb
								       : POLICY_KB_MAX;
			s->cron_down_ms = in->cron_down_ms < UINT32_MAX ? (uint32_t)in->cron_down_ms
									: UINT32_MAX;
			s->cron_since_ms = in->cron_since_ms < UINT32_MAX ? (uint32_t)in->cron_since_ms
									  : UINT32_MAX;
			s->flags |= POLICY_IN_CRON;
		}
		if (in->level_seen) {
			uint64_t lw = in->level_w_kb < POLICY_KB_MAX ? in->level_w_kb : POLICY_KB_MAX;

			s->level_ms = in->level_ms < UINT32_MAX ? (uint32_t)in->level_ms : UINT32_MAX;
			s->level_w_kb = lw + s->overhead_kb < POLICY_KB_MAX ? lw + s->overhead_kb
									: POLICY_KB_MAX;
			s->flags |= POLICY_IN_LEVEL;
		}
	}
	if (in->grace)
		s->flags |= POLICY_IN_GRACE;
	if (in->grace && in->booted)
		s->flags |= POLICY_IN_BOOTED;
	if (in->growing) {
		s->flags |= POLICY_IN_GROWING;
		if (in->climbing)
			s->flags |= POLICY_IN_CLIMBING;
		if (in->climbing && in->ramping)
			s->flags |= POLICY_IN_RAMP;
		s->commit_new_kb = in->commit_new_kb < POLICY_KB_MAX ? in->commit_new_kb
								     : POLICY_KB_MAX;
	}
}

void snapshot_dom(const struct snap_dom *in, struct policy_dom *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = in->domid;
	s->actual_kb = in->actual_kb;
	/* B_i: N_i when nothing was written. */
	s->target_kb = in->have_target ? in->target_kb : in->actual_kb;
	if (s->target_kb > POLICY_KB_MAX)
		s->target_kb = POLICY_KB_MAX;
	if (in->managed) {
		fill_managed(in, s);
		return;
	}
	/* Undecided: keeps B_i; dom0 among them too (a dom0 without a fresh
	 * agent is fixed whatever dom0_mode says). */
	s->kind = POLICY_UNMANAGED;
	s->min_kb = 0;
	s->max_kb = POLICY_KB_MAX;
	s->shares = 1;
	if (in->stale_top_kb) {
		s->flags |= POLICY_IN_STALE;
		s->stale_top_kb = in->stale_top_kb < POLICY_KB_MAX ? in->stale_top_kb
								   : POLICY_KB_MAX;
		s->stale_base_kb = in->stale_base_kb < s->target_kb ? in->stale_base_kb
								    : s->target_kb;
	}
}
