// SPDX-License-Identifier: GPL-2.0-only
/*
 * A held level handed back (recur_handback_s;
 * design.md §Scarce mode from the estimated need, "A held level handed back").
 * While a swapless guest's load recurs (recur_hold, recur_period_s) its
 * level is its need now and its floor; when the recurrence lapses (a
 * cron that stopped: cron-stop's k1, recur-stop's r1) the need falls to
 * W_i at once, and in a host short of the needs the tiers cut the guest
 * to exactly W_i in one write (cron-stop's k1: 377 -> 162 MiB at 451 s,
 * MemTotal 103 against a load of 94-106 MiB that had shown its noise
 * through every trough). Held at W_i with nothing above it, the next
 * rise of a MiB killed it (461 s), W_i read after the kill was what the
 * survivors held, and each later kill cut its target lower (158, 154):
 * zero-margin creeps until the end of the run, with the key and
 * without it. The level is handed back only as far as the guest shows
 * it does not need it: for recur_handback_s after the level was last
 * known, what the guest holds of W_i and oom_min_keep more (the kill's
 * margin, design.md "A kill's margin kept") stays its no-shrink floor
 * and need now. Held only (at most B_i): the floor gives nothing, it
 * keeps from the hand-back what the trough showed to be needed, and
 * the rest goes to the others at once.
 */
#include "policy/solve.h"

uint64_t policy_recur_handback_kb(const struct policy_params *p,
				  const struct policy_dom *d, uint64_t now)
{
	if (!p->recur_handback_s || !(d->flags & POLICY_IN_WS) ||
	    !(d->flags & POLICY_IN_LEVEL) || d->swap_tot_kb ||
	    (uint64_t)d->level_ms > (uint64_t)p->recur_handback_s * 1000)
		return now;
	/* recur_handback_peak: the highest W_i since the level was last
	 * known, not W_i now: a trough after the lapse read as the need
	 * cut many-small-one-big's s24 to its floor and its next rise of
	 * 41 MiB killed it (docs/evaluation.md, handback22b).
	 * w <= POLICY_KB_MAX, oom_min_keep_kb <= MIB_MAX: no overflow */
	uint64_t w = p->recur_handback_peak && d->level_w_kb > d->ws_kb ? d->level_w_kb : d->ws_kb;
	uint64_t k = w + p->oom_min_keep_kb;

	if (k > d->target_kb)
		k = d->target_kb;
	if (k > POLICY_KB_MAX)
		k = POLICY_KB_MAX;
	return k > now ? k : now;
}
