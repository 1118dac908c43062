// SPDX-License-Identifier: GPL-2.0-only
/* A kill where the guest is held (oom_keep_held_kill;
 * design.md §Growth is never cut, "A kill where it is held"): which
 * swapless guests are given oom_min_keep's margin above what they hold,
 * and written it. */
#include "policy/solve.h"

/* With oom_min_keep_held a margin the guest does not hold whole is none
 * (oom_recur.c): a guest left over after its kill and raised out of
 * that state was killed by its next climb (keep19, keep21). A guest
 * killed again and again at the very target it still holds is not left
 * over: its load comes back a few MiB above that target and falls back
 * below it (tiny-floor's t06 at min_mb, 8 kills at the top of each
 * 60 s triangle; spike-noise's c5 and c6, 27 kills by a noise of 2-9
 * MiB over MemTotal), while the others page for the tiers above its
 * yielded raise. The margin is given to such a guest only: swapless,
 * its kill recurring near one level (POLICY_IN_OOM_RECUR), held now at
 * the level of its latest kill or above, and the rises it has shown
 * (rise_most_kb) within the margin, which therefore saves it; a guest
 * whose rises reach past the margin is rescued only to be killed by
 * its next one (saw-sample's s4, 36 MiB teeth: oom21). Nor a load that
 * grows (POLICY_IN_GROWING): a leak or a climb of small steps passes
 * every margin, and rescued it is killed again a level higher
 * (leak-fleet's l3, lockstep-swapless's f6, balloon-slow's v2,
 * ramp-batch's s1: a kill more each). */
bool policy_oom_keep_held_kill(const struct policy_params *p,
			       const struct policy_dom *d, uint64_t kill_kb)
{
	return policy_oom_keep_held_any(p, d, kill_kb) ||
	       policy_oom_keep_held_recur(p, d, kill_kb);
}

/* oom_keep_held_kill's own test (the floor of policy_oom_keep_kb()):
 * not oom_keep_held_any's, whose margin is given in tier 1 instead. */
bool policy_oom_keep_held_recur(const struct policy_params *p,
				const struct policy_dom *d, uint64_t kill_kb)
{
	if (!p->oom_keep_held_kill || d->swap_tot_kb ||
	    !(d->flags & POLICY_IN_WS) || !(d->flags & POLICY_IN_OOM_RECUR) ||
	    (d->flags & POLICY_IN_GROWING))
		return false;
	return d->target_kb >= kill_kb && d->rise_most_kb <= p->oom_min_keep_kb;
}

/* oom_keep_held_any: the same margin for any kill within oom_hold_s at
 * the target the guest still holds, recurring near one level or not,
 * whatever rises it has shown. A swapless guest whose load sits at a
 * level with a few MiB of noise is held at exactly W_i in scarce mode
 * (its gap after the pagers' needs) and each tick of its noise over
 * MemTotal is a kill: k8s-nodes' nodes, 93 of 131 kills, at plateaus
 * between pod arrivals of 100-300 MiB; those arrivals make its shown
 * rises (rise_most_kb) too large and part its kills into levels that do
 * not recur in a row, so oom_keep_held_kill never holds there. Not for
 * a load that grows: a climb passes any margin (oom_keep_held_kill). */
bool policy_oom_keep_held_any(const struct policy_params *p,
			      const struct policy_dom *d, uint64_t kill_kb)
{
	if (!p->oom_keep_held_any || d->swap_tot_kb || !kill_kb ||
	    !(d->flags & POLICY_IN_WS) || !(d->flags & POLICY_IN_OOM_MIN) ||
	    (d->flags & POLICY_IN_GROWING))
		return false;
	/* kill_kb <= POLICY_KB_MAX, oom_min_keep_kb <= MIB_MAX: no overflow */
	return d->target_kb >= kill_kb && kill_kb + p->oom_min_keep_kb <= d->max_kb;
}

/* oom_keep_held_any's margin (design.md §Growth is never cut, "A kill
 * where it is held"): above u1 (its need now, the tiers' rung 3), up to
 * up, what it held at its latest kill and oom_min_keep more, at most its
 * need now and that much and at most its raised minimum, as
 * policy_oom_keep_kb() counts it; 0 where the key does not apply (no
 * raise that yields, the killed load gone: oom_min_keep_gone). Given in
 * tier 1 as far as tier 1 fits below M (margins_fit(), solve_tiers.c),
 * not as a floor of every tier: a floor above the target the guest
 * holds was given in an infeasible cycle too, and above the rungs the
 * others were held to (session 25's test_scarce_props failures). */
uint64_t policy_oom_held_top_kb(const struct policy_params *p,
				const struct policy_dom *d)
{
	uint64_t k = policy_oom_kill_level_kb(p, d);

	if (!p->oom_min_keep_kb || !p->oom_min_yield || !d->oom_raise_kb ||
	    !policy_oom_keep_held_any(p, d, k) ||
	    (p->oom_min_keep_gone_kb && d->ws_kb + p->oom_min_keep_gone_kb < k))
		return 0;
	/* k, ws_kb <= POLICY_KB_MAX, keep <= MIB_MAX: no overflow */
	uint64_t w = d->ws_kb + p->oom_min_keep_kb;

	k += p->oom_min_keep_kb;
	if (k > w)
		k = w;
	/* The held form without oom_recur_keep: never above the target
	 * (policy_oom_keep_kb()). */
	if (p->oom_min_keep_held && !p->oom_recur_keep && k > d->target_kb)
		k = d->target_kb;
	return k < d->min_kb ? k : d->min_kb;
}

uint64_t policy_oom_held_margin_kb(const struct policy_params *p,
				   const struct policy_dom *d, uint64_t u1, uint64_t up)
{
	uint64_t k = policy_oom_held_top_kb(p, d);

	if (k > up)
		k = up;
	return k > u1 ? k - u1 : 0;
}

/* Such a guest's margin is a few MiB above what it holds, below the
 * write threshold (min_change), and the decreases that fund it are
 * spread over the others, each below it too: nothing is written and
 * the guest is killed again at the same target (tiny-floor: the tiers
 * gave t06 131-144 MiB for 500 s, its target stayed 128). It starves
 * for the unpark passes (apply_unpark.c): its increase and the parked
 * decreases for it are written. */
bool policy_oom_keep_starving(const struct policy_params *p,
			      const struct policy_dom *d)
{
	uint64_t k = policy_oom_held_top_kb(p, d);

	if (!k && policy_oom_keep_held_recur(p, d, policy_oom_kill_level_kb(p, d)))
		k = policy_oom_keep_kb(p, d);
	return k > d->target_kb && k > d->actual_kb;
}
