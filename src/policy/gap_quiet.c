// SPDX-License-Identifier: GPL-2.0-only
/*
 * Quiet guests' gap (design.md §The learned gap, gap_quiet_rises): the
 * cap of gap_seen.c for the guests that have shown no pain at all, and
 * moved only where `fixed` writes anyway. Split from gap.c, the learner.
 *
 * On the rows of issue 14's table where `learned` holds `fixed`'s idle
 * memory to the digit, scarce mode gives the learner no step, and 301 of
 * the 358 guests page or are killed at the fixed headroom itself
 * (docs/evaluation.md, "Session 21: why learned = fixed (gap21)"): a cut
 * of those is more swap-in. The other 53 are quiet: no page-in, no kill,
 * small rises. gap_seen_rises capped every guest out of its last pain
 * window and wrote each move of a capped goal; on host-50 the reshuffle
 * cost a kill. Here the cap is for a guest with no page-in of any kind
 * (frozen reports and page-ins below W_i included: a guest that pages
 * for the host's scarcity is not quiet either) and no OOM kill since its
 * first report, and in scarce mode a binding cap moves the goal only
 * where the fixed gap's goal would leave the last target by min_change
 * (a write `fixed` makes anyway): no extra write to carry the cut.
 */
#include "policy/gap.h"

void gap_quiet_note(struct gap_state *s, const struct gap_obs *o)
{
	/* Any forward move of the page-in counters since the last fresh
	 * report; a counter that went backwards (a rebooted or restored
	 * guest) or is missing says nothing. */
	if (!s->have_seen || o->heartbeat)
		return;
	if ((s->seen_c.have_pswpin && o->c.have_pswpin && o->c.pswpin > s->seen_c.pswpin) ||
	    (s->seen_c.have_refault_anon && o->c.have_refault_anon &&
	     o->c.refault_anon > s->seen_c.refault_anon))
		s->loud = true;
}

bool gap_quiet(const struct gap_state *s)
{
	return s->init && !s->loud && !s->oom_ms;
}

uint32_t gap_seen_n(const struct policy_params *p, const struct gap_state *s)
{
	uint32_t n = p->gap_seen_rises;

	if (p->gap_quiet_rises && gap_quiet(s) && (!n || p->gap_quiet_rises < n))
		n = p->gap_quiet_rises;
	return n;
}

uint64_t gap_quiet_scarce_kb(const struct policy_params *p, const struct gap_state *s,
			     uint64_t g_kb, uint64_t capped_kb, int64_t left_kb)
{
	int64_t lo = (int64_t)capped_kb - (int64_t)p->min_change_kb;

	if (capped_kb >= g_kb)
		return capped_kb;
	/* The fixed gap's goal W_i + g_kb would stay within min_change of
	 * the last target: it is not written, and neither is the cut. Nor
	 * a capped goal within min_change above it: in the price tier a
	 * domain given its demand is written at every move of it (membal-sim,
	 * steady-noise: s1, held below its demand by `fixed` with no write,
	 * got 43 writes of 1-6 MiB). */
	if (left_kb >= (lo > 0 ? lo : 0) && left_kb < (int64_t)(g_kb + p->min_change_kb))
		return (uint64_t)left_kb;
	/* Below the cap: the cap and W_i's last rise on a ramp, as the band
	 * gives; above: the cut joins the decrease `fixed` writes. */
	return left_kb < (int64_t)capped_kb ? gap_band_kb(p, s, capped_kb, left_kb) : capped_kb;
}
