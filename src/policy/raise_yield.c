// SPDX-License-Identifier: GPL-2.0-only
/* oom_raise_yield (design.md §Growth is never cut, "A raise against a
 * need swap cannot hold"): what an OOM-raised floor of a guest with swap
 * holds above that guest's need and gap yields, in scarce mode's tier 1,
 * to another guest's need that swap cannot hold. */
#include "policy/jump.h"
#include "policy/solve.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * The part of lo (L_i' before the adoption floor) that d's OOM raise
 * holds above both the floors d has without the raise and min(B_i,
 * W_i + g_i): memory for a load that is not there now (the guest's need
 * and its gap are kept). Only for a guest with swap: a swapless guest's
 * raise already comes after every need (oom_min_yield, tier_floors() in
 * policy.c). Not for a load that jumped beyond its gap in two windows
 * lately: it comes back within the hold, and the raise is what meets
 * its next jump (growing-adopted's small guests: 24 -> 33 kills without
 * this guard). Not in a crash loop nor within oom_loop_s of the kill
 * (POLICY_IN_OOM_FRESH): W_i fell with the kill and a supervisor
 * refills the job (restart-storm's p2, cut from 408 to 183 MiB in the
 * cycle of its kill, was killed twice more).
 */
uint64_t policy_raise_fallen_kb(const struct policy_params *p,
				const struct policy_dom *d, uint64_t lo, bool est)
{
	if (!p->oom_raise_yield || !est || !(d->flags & POLICY_IN_OOM_MIN) ||
	    d->swap_tot_kb == 0 || d->oom_raise_kb == 0 || d->oom_raise_kb > d->min_kb ||
	    d->jump_past >= KILL_RISE_RANK || (d->flags & (POLICY_IN_OOM_LOOP | POLICY_IN_OOM_FRESH)))
		return 0;
	uint64_t keep = min_u64(d->target_kb, d->max_kb);
	uint64_t other = d->min_kb - d->oom_raise_kb;
	uint64_t now = min_u64(policy_need_now_kb(p, d, false), keep);
	uint64_t w = d->ws_kb + policy_dom_gap_kb(p, d);  /* both <= 2^40 */

	if (policy_pressure(p, d) && keep > other)
		other = keep;
	if (now > other)
		other = now;
	if (min_u64(w, keep) > other)
		other = min_u64(w, keep);
	return lo > other ? lo - other : 0;
}

/* Z_i above lo: what d lacks of the need its swap cannot hold
 * (solve_tiers.c's oom_need()), without a crash loop's raise: tier 1
 * serves that only whole (loops_whole()), and a raise yielded to it
 * was granted and cut back as the loop came and went. */
static uint64_t lack_kb(const struct solve_item *it)
{
	uint64_t u1 = it->loop && it->loop < it->rung[3] ? it->loop : it->rung[3];
	uint64_t z = u1 - (it->swap < u1 ? it->swap : u1);

	return it->est && z > it->lo ? z - it->lo : 0;
}

/*
 * Before the tiers: while tier 1 (every floor and the need swap cannot
 * hold) does not fit M, the fallen raises give, in proportion to each,
 * as much as tier 1 overflows, at most what the guests short of such
 * need lack and at most their sum. What a raise gives leaves its floor
 * and its need now (U1_i, rung[3], which the raised floor set): tier 4
 * serves it back, after every domain's need now, as it serves a
 * swapless guest's raise. Guests paging into their swap for such need
 * (tier1()'s spare) come after: a fallen raise is memory nobody uses.
 */
void policy_raise_yield(struct solve_item *items, size_t k, int64_t M)
{
	uint64_t fallen = 0, lack = 0;
	int64_t sum = 0;

	for (size_t j = 0; j < k; j++) {
		const struct solve_item *it = &items[j];
		uint64_t z = lack_kb(it);

		if (it->fallen > it->lo)
			return;         /* never: the caller bounds it by lo */
		fallen += it->fallen;
		lack += z;
		sum += (int64_t)(it->lo + z);
	}
	if (!fallen || !lack || sum <= M)
		return;
	uint64_t give = (uint64_t)(sum - M);

	if (give > lack)
		give = lack;
	if (give > fallen)
		give = fallen;
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];
		uint64_t g;

		if (!it->fallen)
			continue;
		g = (uint64_t)((unsigned __int128)it->fallen * give / fallen) & ~(uint64_t)3;
		/* U1_i was the raised floor (fallen > 0: the need now lies
		 * below it): what is given goes to tier 4, with a swapless
		 * guest's raise (oom_min_yield), after every need now. */
		it->lo -= g;
		it->rung[3] -= g;
		it->grace -= g;         /* grace >= lo: the adoption floor's tier keeps its size */
		if (it->safe > it->lo)
			it->safe = it->lo;
	}
}
