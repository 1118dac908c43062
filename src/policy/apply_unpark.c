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
 *      unpark_ramp_batch_kb itself (with unpark_ramp_wait: once they
 *      lack min_change in all, unless one cannot wait): a slow ramp is
 *      then funded every few cycles, not by a pair of few-MiB writes in
 *      every one. With unpark_level_batch_kb, a level the solver funds
 *      in part (level_can_wait) waits in the same way for that much.
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

static bool candidate(const struct policy_params *p, const struct policy_dom *d,
		      const struct policy_decision *o)
{
	return policy_uses_need(p, d) &&
	       o->mode != POLICY_MODE_FIXED && !o->has_write &&
	       d->kind != POLICY_DOM0;
}

/* Whether a starving domain's lack may wait: it ramps (POLICY_IN_RAMP:
 * two rises or more, the last within twice their pace, so its lack comes
 * back at every sample; a jump's lack is left once and is funded at once;
 * with unpark_ramp_wait any growth counts) and its free swap holds what
 * it lacks, so it pages for a while. A lack that is a level (no growth)
 * is funded at once: one write, not one per cycle; one that swap cannot
 * hold is an OOM kill in waiting. With unpark_ramp_wait the solver must
 * also give it no more than its need; with the batch a ramp given part
 * of its gap waits as well: it is starving (short of W_i ahead) and its
 * W_i rises at every sample all the same (diurnal-fleet's rising guests,
 * given part of their gaps, were funded at every row of their trace:
 * docs/evaluation.md, "Session 12: writes (writes12)"). */
static bool can_wait(const struct policy_params *p, const struct policy_dom *d,
		     const struct policy_decision *o)
{
	uint64_t w = policy_need_ahead_kb(p, d, false);
	uint64_t lack = w - max_u64(d->target_kb, d->actual_kb);

	if (p->unpark_ramp_wait)
		return (d->flags & POLICY_IN_GROWING) && o->target_kb <= w &&
		       lack <= d->swap_free_kb;
	/* Its swap must hold the lack it may reach before the batch is
	 * funded, not only today's: the memory comes a cycle after. */
	return p->unpark_ramp_batch_kb && (d->flags & POLICY_IN_RAMP) &&
	       lack + p->unpark_ramp_batch_kb <= d->swap_free_kb;
}

/* Whether a starving level may wait for unpark_level_batch_kb: it does
 * not grow (POLICY_IN_GROWING unset: growth has the ramp's batch above,
 * and a jump is funded at once), the solver gives it less than its need
 * ahead (it stays starving whatever rule 3 writes now: its target only
 * creeps up as other guests' needs fall, by a few MiB a cycle, and each
 * creep was a donor's decrease and its own increase a cycle later:
 * page-or-die's thrashing p1 beside a falling swapless s1), and its free
 * swap holds its lack plus the batch. design.md §No parked memory, "A
 * level funded in part". Off by default: the writes it saves moved the
 * trajectories of swapless guests beside the waiting one into OOM kills
 * on kill-heavy rows (docs/evaluation.md, "Session 18: writes
 * (writes18)"). */
static bool level_can_wait(const struct policy_params *p,
			   const struct policy_dom *d,
			   const struct policy_decision *o)
{
	if (!p->unpark_level_batch_kb || (d->flags & POLICY_IN_GROWING))
		return false;
	uint64_t w = policy_need_ahead_kb(p, d, false);
	uint64_t lack = w - max_u64(d->target_kb, d->actual_kb);

	return o->target_kb < w && lack + p->unpark_level_batch_kb <= d->swap_free_kb;
}

/* How much a starving domain that can wait must lack before rule 3
 * funds it: min_change with unpark_ramp_wait (the write band's step,
 * counted over the starving domains together), else
 * unpark_ramp_batch_kb, each ramp alone (a few samples of a slow ramp;
 * waiting for min_change there costs paging where guests ramp and page:
 * docs/evaluation.md, "Session 10: writes on ramps (writes3)"). */
static uint64_t ramp_batch(const struct policy_params *p)
{
	return p->unpark_ramp_wait ? p->min_change_kb : p->unpark_ramp_batch_kb;
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
	 * once that is a move worth writing (a ramp's own ramp_batch(); in
	 * all with unpark_ramp_wait) or one of them cannot wait. */
	uint64_t short_kb = 0;
	bool urgent = false;

	for (size_t i = 0; i < n; i++) {
		uint64_t s = policy_starving(p, &dom[i]) ? parked_up(p, &dom[i], &out[i]) : 0;
		bool wait = s && can_wait(p, &dom[i], &out[i]);

		/* The batch is each ramp's own: counted over all of them,
		 * several ramps that each lack a sample's rise reached it in
		 * every cycle and each was written at every sample
		 * (ramp-batch, diurnal-fleet). A ramp short of less waits
		 * for its next samples even while another is funded. */
		if (wait && !p->unpark_ramp_wait && s < ramp_batch(p))
			s = 0;
		/* A level funded in part waits for its own batch likewise. */
		if (s && !wait && level_can_wait(p, &dom[i], &out[i])) {
			wait = true;
			if (s < p->unpark_level_batch_kb)
				s = 0;
		}
		/* Transfers in batches (transfer.c): any starving domain
		 * whose swap holds its lack and the batch waits until the
		 * starving domains lack the batch in all (several guests
		 * each short of a few MiB are funded together, not each
		 * after a batch of its own: parked-threshold). */
		if (s && !wait && p->transfer_batch_kb &&
		    policy_transfer_can_wait(p, &dom[i]))
			wait = true;
		short_kb += s;
		if (s && !wait)
			urgent = true;
	}
	/* With the transfer batch, what waits (a ramp too) is released once
	 * it adds up to the batch. */
	if ((short_kb < ramp_batch(p) || short_kb < p->transfer_batch_kb) && !urgent)
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
