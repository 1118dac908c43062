// SPDX-License-Identifier: GPL-2.0-only
/* A swapless guest's margin kept (swapless_keep_mb;
 * design.md §Scarce mode from the estimated need, "A margin kept, not
 * given"): how much of what a guest without swap room holds above its
 * need now stays its own in scarce mode, as the kill margin of need.c
 * does, in tier 1 as far as tier 1 fits (margins_fit(), solve_tiers.c). */
#include "policy/solve.h"

/* A guest held at exactly its need W_i while the others' needs that
 * their swap can hold take the rest is OOM-killed by the first MiB of
 * its next climb, before its estimate shows it: level-creep's s1 and
 * s2 after a slow fall, resv-jump's d2 at its sawtooth's restart,
 * ha-failover's b1 (docs/evaluation.md, "Session 22: kills one or two
 * over (oomnear22)"). A guest with swap pages that MiB instead. So of
 * what such a guest already holds above W_i, up to swapless_keep_mb
 * (at most its gap, less what its free swap holds) stays: it is not
 * cut to fund a pager's need. Only what it holds: a margin given to a
 * guest left over after a kill rescues it to be killed again by its
 * next climb, which the kill count charges twice (keep19, oom21). */
uint64_t policy_swapless_keep_kb(const struct policy_params *p,
				 const struct policy_dom *d, uint64_t u1, uint64_t up)
{
	if (!p->swapless_keep_kb || !(d->flags & POLICY_IN_WS))
		return 0;

	uint64_t g = policy_dom_gap_kb(p, d);
	uint64_t m = p->swapless_keep_kb < g ? p->swapless_keep_kb : g;

	/* swapless_keep_given: the margin above W_i follows a climb while
	 * the guest holds its need now. Kept only, it followed nothing: W_i
	 * rose into it and the guest was at its need again when the climb
	 * reached what it held (level-creep's s1 killed 8 s later). A guest
	 * short of its need (left over after a kill, or past what it held)
	 * gets none: no rescue. */
	if (p->swapless_keep_given && policy_held_kb(d, up) >= u1)
		return policy_given_margin_kb(d, m, u1, up);
	return policy_kept_margin_kb(d, m, u1, up);
}

/* Above u1 (up to up), m less d's free swap: the margin given, that
 * follows a climb, to a guest that holds its need now. */
uint64_t policy_given_margin_kb(const struct policy_dom *d, uint64_t m,
				uint64_t u1, uint64_t up)
{
	if (m <= d->swap_free_kb)
		return 0;
	m -= d->swap_free_kb;

	uint64_t k = u1 + m < up ? u1 + m : up;

	return k > u1 ? k - u1 : 0;
}

/* What d holds: its balloon's size and its target, the lesser (a cut
 * in flight is not given back), at most up. */
uint64_t policy_held_kb(const struct policy_dom *d, uint64_t up)
{
	uint64_t held = d->actual_kb < d->target_kb ? d->actual_kb : d->target_kb;

	return held < up ? held : up;
}

/* Of what d holds above u1 (up to up), at most m less its free swap:
 * the margin a guest without swap room keeps (never given). */
uint64_t policy_kept_margin_kb(const struct policy_dom *d, uint64_t m,
			       uint64_t u1, uint64_t up)
{
	if (m <= d->swap_free_kb)
		return 0;
	m -= d->swap_free_kb;

	uint64_t held = policy_held_kb(d, up);

	if (held <= u1)
		return 0;
	return held - u1 < m ? held - u1 : m;
}
