/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Growth that waits on this cycle's decreases
 * (design.md §Growth is never cut, "The follow-up cycle").
 *
 * policy_apply grants an increase only out of memory free now (F_h):
 * what a donor's balloon is about to give back is not counted, because
 * the hypervisor does not have it yet and a balloon that asks Xen for
 * pages it has not got backs off (Linux: 2 s, doubling up to 32 s, until
 * its target changes). So a guest whose growth is paid for by cuts
 * written this cycle used to wait a whole interval for them. This
 * function says how much growth waits like that; the daemon then runs
 * its next cycle early, once the donors have had time to give the memory
 * back, and grants it out of F_h as measured then.
 */
#include "policy/policy.h"
#include "policy/solve.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * Decreases still under way: what the domains' balloons have yet to give
 * back, counted against the targets they had when the cycle started
 * (after = false: decreases written at an earlier cycle) or against the
 * targets this cycle writes (after = true). The daemon compares the two
 * from one cycle to the next (design.md §Growth is never cut, "Slow
 * donors").
 */
uint64_t policy_owed_kb(const struct policy_params *p,
			const struct policy_dom *dom, size_t n,
			const struct policy_decision *out, bool after)
{
	uint64_t owed = 0;

	if (p->need != POLICY_NEED_ESTIMATE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		const struct policy_decision *o = &out[i];
		uint64_t to = after && o->has_write ? o->write_kb : d->target_kb;

		if (o->mode != POLICY_MODE_FIXED && d->kind != POLICY_DOM0 &&
		    d->actual_kb > to)
			owed += d->actual_kb - to;
	}
	return owed;
}

bool policy_slow_donors(const struct policy_params *p, bool early, bool slow,
			uint64_t owed_now, uint64_t owed_last)
{
	/* At a regular cycle: a decrease written an interval ago or more
	 * is still under way. At an early one: they still were, and gave
	 * back at least settle_min_kb since the last cycle. */
	if (!early)
		return owed_now >= p->settle_min_kb;
	return slow && owed_now + p->settle_min_kb <= owed_last;
}

uint64_t policy_follow_up(const struct policy_params *p,
			  const struct policy_dom *dom, size_t n,
			  const struct policy_decision *out, bool owed)
{
	uint64_t released = 0, waiting = 0;

	if (p->need != POLICY_NEED_ESTIMATE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct policy_dom *d = &dom[i];
		const struct policy_decision *o = &out[i];

		if (o->mode == POLICY_MODE_FIXED)
			continue;
		/* A decrease written now: what it will give back. */
		if (o->has_write && o->write_kb < d->target_kb) {
			if (d->actual_kb > o->write_kb)
				released += d->actual_kb - o->write_kb;
			continue;
		}
		if (d->kind == POLICY_DOM0)
			continue;
		/* A decrease written at an earlier cycle and still under
		 * way, when the caller says the donors are slow: it is
		 * memory coming back as surely as this cycle's. */
		if (owed && !o->has_write && d->actual_kb > d->target_kb) {
			released += d->actual_kb - d->target_kb;
			continue;
		}
		/* An increase the pool could not cover (cut by its grant), or
		 * a starving domain's held back one (unpark released the
		 * decreases that pay for it). */
		uint64_t to = o->has_write ? o->write_kb : d->target_kb;
		uint64_t from = max_u64(to, d->actual_kb);
		bool starving = (d->flags & POLICY_IN_WS) &&
				policy_need_ahead_kb(p, d, true) >
					max_u64(d->target_kb, d->actual_kb);

		if (starving && o->target_kb > from &&
		    o->target_kb - from >= p->settle_min_kb)
			waiting += o->target_kb - from;
	}
	return released < waiting ? released : waiting;
}
