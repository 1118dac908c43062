/* SPDX-License-Identifier: GPL-2.0-only
 *
 * Transfers in batches (design.md §No parked memory, "Transfers in
 * batches"), under need = estimate with transfer_batch_kb (0: off).
 *
 * In scarce mode a donor whose need falls a few MiB per sample is cut to
 * it at every cycle (a decrease that lands on its goal clears the noise
 * floor, not min_change), and a starving guest beside it is granted the
 * same few MiB a quarter of a second later: two writes a second for one
 * move (balloon-stuck's s2 -> s3, hvm-mix's g2 -> g1, level-creep;
 * docs/evaluation.md, "Session 20: writes (writes20)"). With the key,
 * while every starving guest's free swap holds its lack and the batch,
 * such a decrease smaller than the batch is held, and unpark's rule 3
 * releases held-back decreases once the starving guests that wait
 * (those whose swap holds their lack and the batch, and ramps waiting for
 * their own unpark_ramp_batch_kb) lack the batch in all: the memory
 * moves in one pair of writes per batch. The donor holds more
 * than its target meanwhile, never less; a starving guest that swap
 * cannot hold (a swapless one first) is an OOM kill in waiting and is
 * funded at once, as without the key.
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

bool policy_transfer_can_wait(const struct policy_params *p,
			      const struct policy_dom *d)
{
	uint64_t w = policy_need_ahead_kb(p, d, false);
	uint64_t held = max_u64(d->target_kb, d->actual_kb);
	uint64_t lack = w > held ? w - held : 0;

	return lack + p->transfer_batch_kb <= d->swap_free_kb;
}

bool policy_transfer_urgent(const struct policy_params *p,
			    const struct policy_dom *dom, size_t n,
			    const struct policy_decision *out)
{
	/* Only policy_transfer_holds() reads it, and only with the key:
	 * without, no pass over the domains each cycle. */
	if (!p->transfer_batch_kb)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		const struct policy_decision *o = &out[i];

		/* A starving guest the solver gives more than it has: the
		 * decreases are its memory. */
		if (!(d->flags & POLICY_IN_WS) || d->kind == POLICY_DOM0 ||
		    o->mode == POLICY_MODE_FIXED || !policy_starving(p, d) ||
		    o->target_kb < max_u64(d->target_kb, d->actual_kb) + p->settle_min_kb)
			continue;
		if (!policy_transfer_can_wait(p, d))
			return true;
	}
	return false;
}

bool policy_transfer_holds(const struct policy_params *p,
			   const struct policy_dom *d,
			   const struct policy_decision *o, bool urgent)
{
	if (!p->transfer_batch_kb || urgent || !policy_uses_need(p, d) ||
	    d->kind == POLICY_DOM0)
		return false;
	return policy_small_scarce_cut(d, o, p->transfer_batch_kb);
}

/* A decrease in scarce mode (or infeasible) smaller than below_kb, of a
 * target within the domain's maximum: one above it is brought down
 * whatever its size. */
bool policy_small_scarce_cut(const struct policy_dom *d,
			     const struct policy_decision *o, uint64_t below_kb)
{
	if (o->mode != POLICY_MODE_SCARCE && o->mode != POLICY_MODE_INFEASIBLE)
		return false;
	if (d->target_kb > d->max_kb)
		return false;
	return o->target_kb < d->target_kb &&
	       d->target_kb - o->target_kb < below_kb;
}
