/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * No parked memory (design.md §No parked memory), under need = estimate.
 *
 * The write threshold keeps steady guests from being rewritten for
 * jitter, but on its own it parks memory: when every guest is short by
 * less than min_change, nothing is written and free memory above the
 * reserve stays unused, and a guest short of its need by less than
 * min_change waits for good while others hold its memory in gaps that
 * are themselves below the threshold. After the grants of policy_apply:
 *
 *   1. a starving domain (W_i, with its rise ahead while it climbs,
 *      above what it holds or was given, B_i)
 *      has its increase written as soon as the pool has settle_min_kb
 *      for it, largest deficit first;
 *   2. any other increase the threshold held back is written, largest
 *      deficit first, while at least min_change is left of the pool;
 *   3. if starving domains are still short, the decreases the threshold
 *      held back are written (largest first) until they cover that
 *      shortage: the memory is free for the starving domains next cycle;
 *      a ramp that can wait (can_wait) is counted once it lacks
 *      unpark_ramp_batch_kb itself: a slow ramp is then funded every few
 *      cycles, not by a pair of few-MiB writes in every one.
 *
 * Every write clears settle_min_kb (the noise floor), so a steady guest
 * is still not rewritten for jitter.
 */
#include "policy/policy.h"
#include "policy/solve.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* W_i, with its rise by the next cycle while it climbs (design.md
 * §Scarce mode from the estimated need, "The rise ahead"), above what
 * the domain holds and was given: it will page before the next write. */
bool policy_starving(const struct policy_params *p, const struct policy_dom *d)
{
	return policy_need_ahead_kb(p, d, false) > max_u64(d->target_kb, d->actual_kb) ||
	       policy_oom_keep_starving(p, d);
}

static bool candidate(const struct policy_params *p, const struct policy_dom *d,
		      const struct policy_decision *o)
{
	return policy_uses_need(p, d) &&
	       o->mode != POLICY_MODE_FIXED && !o->has_write &&
	       d->kind != POLICY_DOM0;
}

/* Whether a starving domain's lack may wait: it ramps (POLICY_IN_RAMP:
 * two rises or more, the last within twice their pace, so its lack comes
 * back at every sample; a jump's lack is left once and is funded at once)
 * and its free swap holds what it lacks, so it pages for a while. A lack
 * that is a level (no growth) is funded at once: one write, not one per
 * cycle; one that swap cannot hold is an OOM kill in waiting. A ramp
 * given part of its gap waits as well: it is starving (short of W_i
 * ahead) and its W_i rises at every sample all the same (diurnal-fleet's
 * rising guests, given part of their gaps, were funded at every row of
 * their trace: docs/evaluation.md, "Session 12: writes (writes12)").
 * Batches of levels and of transfers, and a wait for min_change over all
 * the ramps, were tried and removed (design.md §No parked memory, "Tried
 * and removed (session 24)"). */
static bool can_wait(const struct policy_params *p, const struct policy_dom *d)
{
	uint64_t w = policy_need_ahead_kb(p, d, false);
	uint64_t lack = w - max_u64(d->target_kb, d->actual_kb);

	/* Its swap must hold the lack it may reach before the batch is
	 * funded, not only today's: the memory comes a cycle after. */
	return p->unpark_ramp_batch_kb && (d->flags & POLICY_IN_RAMP) &&
	       lack + p->unpark_ramp_batch_kb <= d->swap_free_kb;
}

/* The growth an unwritten increase toward its target would take from the
 * pool (what is in flight already counted), or 0 when it is no increase
 * of at least settle_min_kb. */
static uint64_t parked_up(const struct policy_params *p,
			  const struct policy_dom *d,
			  const struct policy_decision *o)
{
	if (!candidate(p, d, o) || o->target_kb <= d->target_kb ||
	    o->target_kb - d->target_kb < p->settle_min_kb)
		return 0;
	uint64_t from = max_u64(d->target_kb, d->actual_kb);

	return o->target_kb > from ? o->target_kb - from : 0;
}

static uint64_t parked_down(const struct policy_params *p,
			    const struct policy_dom *d,
			    const struct policy_decision *o)
{
	if (!candidate(p, d, o) || o->target_kb >= d->target_kb ||
	    d->target_kb - o->target_kb < p->settle_min_kb)
		return 0;
	return d->target_kb - o->target_kb;
}

static void mark(struct policy_decision *o, uint64_t write_kb)
{
	o->has_write = true;
	o->write_kb = write_kb;
	o->reasons &= ~(uint32_t)POLICY_R_THRESHOLD;
	o->reasons |= POLICY_R_UNPARK;
	if (write_kb != o->target_kb)
		o->reasons |= POLICY_R_GRANT;
}

/* The unwritten increase with the largest deficit (only starving domains
 * when only_starving), or SIZE_MAX. */
static size_t largest_up(const struct policy_params *p,
			 const struct policy_dom *dom, size_t n,
			 const struct policy_decision *out, bool only_starving,
			 uint64_t *want)
{
	size_t best = SIZE_MAX;

	*want = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = parked_up(p, &dom[i], &out[i]);

		/* Ties go to the lower domid: the order of the snapshot
		 * does not matter. */
		if ((w > *want || (w && w == *want && dom[i].domid < dom[best].domid)) &&
		    (!only_starving || policy_starving(p, &dom[i]))) {
			best = i;
			*want = w;
		}
	}
	return best;
}

/* Grant increases, largest first, while the pool keeps at least floor_kb;
 * returns what is left. */
static uint64_t grant_ups(const struct policy_params *p,
			  const struct policy_dom *dom, size_t n,
			  struct policy_decision *out, bool only_starving,
			  uint64_t floor_kb, uint64_t left)
{
	uint64_t want;
	size_t i;

	while (left >= floor_kb && left > 0 &&
	       (i = largest_up(p, dom, n, out, only_starving, &want)) != SIZE_MAX) {
		uint64_t grant = want <= left ? want : policy_page_down(left);
		uint64_t from = max_u64(dom[i].target_kb, dom[i].actual_kb);

		if (grant == 0 || from + grant < dom[i].target_kb + p->settle_min_kb)
			break;   /* what is left is below the noise floor */
		mark(&out[i], from + grant);
		left -= grant;
	}
	return left;
}

void policy_unpark(const struct policy_params *p, const struct policy_dom *dom,
		   size_t n, struct policy_decision *out, uint64_t left)
{
	if (p->need != POLICY_NEED_ESTIMATE)
		return;
	left = grant_ups(p, dom, n, out, true, p->settle_min_kb, left);
	left = grant_ups(p, dom, n, out, false, p->min_change_kb, left);

	/* Starving domains still short: release what the threshold held,
	 * once that is a move worth writing (a ramp's own
	 * unpark_ramp_batch_kb, a few samples of a slow ramp: waiting for
	 * min_change there costs paging where guests ramp and page:
	 * docs/evaluation.md, "Session 10: writes on ramps (writes3)") or
	 * one of them cannot wait. */
	uint64_t short_kb = 0;
	bool urgent = false;

	for (size_t i = 0; i < n; i++) {
		uint64_t s = policy_starving(p, &dom[i]) ? parked_up(p, &dom[i], &out[i]) : 0;
		bool wait = s && can_wait(p, &dom[i]);

		/* The batch is each ramp's own: counted over all of them,
		 * several ramps that each lack a sample's rise reached it in
		 * every cycle and each was written at every sample
		 * (ramp-batch, diurnal-fleet). A ramp short of less waits
		 * for its next samples even while another is funded. */
		if (wait && s < p->unpark_ramp_batch_kb)
			s = 0;
		short_kb += s;
		if (s && !wait)
			urgent = true;
	}
	if (short_kb < p->unpark_ramp_batch_kb && !urgent)
		return;
	while (short_kb > 0) {
		size_t best = SIZE_MAX;
		uint64_t give = 0;

		for (size_t i = 0; i < n; i++) {
			uint64_t g = parked_down(p, &dom[i], &out[i]);

			if (g > give || (g && g == give && dom[i].domid < dom[best].domid)) {
				best = i;
				give = g;
			}
		}
		if (best == SIZE_MAX)
			return;
		mark(&out[best], out[best].target_kb);
		short_kb = give < short_kb ? short_kb - give : 0;
	}
}
