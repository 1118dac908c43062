// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tiers of scarce mode under need = estimate
 * (design.md §Scarce mode from the estimated need): a lexicographic allocation over a ladder of
 * bounds per domain, each tier one call of the unchanged exact solver.
 * Tier 1: the need a guest's swap cannot hold (a shortfall there is an
 * OOM kill, not paging), above floors that let the other guests page out
 * for it; tier 2: the no-shrink floors; tier 3: the rest of the need;
 * tier 4: the OOM margin of a growing guest without swap room (a rise
 * not there yet, served after every guest's need now); tier 3 serves
 * first what a load that comes back holds of its peak; tier 5: the
 * estimate's slack (design.md §The estimate's slack) and what an
 * adoption grace holds above the need floor (yielded to what the others
 * lack of their need and margin); tier 6: the gaps.
 */
#include "policy/solve.h"

static uint64_t clamp_u(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Z_i = clamp(U1_i - swap_i, L_i', U1_i): the need swap cannot hold, not
 * below the floor. */
static uint64_t oom_need(const struct solve_item *it)
{
	uint64_t u1 = it->rung[3];

	return clamp_u(u1 - (it->swap < u1 ? it->swap : u1), it->lo, u1);
}

/*
 * The adoption grace (design.md §Growth is never cut): what a new
 * domain's floor holds above its need floor (grace - lo) is rung 5, after
 * every need and OOM margin and before every gap. Below it, in tiers 1
 * to 4, the floor stays at grace less a yield: at most what the domains
 * without such a floor lack of their need and margin (rung[4] - N_j) in
 * all, in proportion to each grace. With nobody short of them (a
 * reservation, a host short of its reserve, the gaps) the floor holds
 * whole, as before.
 */
static void grace_yield(struct solve_item *items, size_t k)
{
	uint64_t lack = 0, held = 0;

	for (size_t j = 0; j < k; j++) {
		const struct solve_item *it = &items[j];

		if (!it->est)
			continue;
		if (it->grace > it->lo)
			held += it->grace - it->lo;
		else if (it->rung[4] > it->actual)
			lack += it->rung[4] - it->actual;
	}
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];
		uint64_t give;

		if (!it->est)
			continue;
		if (it->grace <= it->lo) {
			it->rung[5] = clamp_u(it->slack, it->rung[4], it->rung[6]);
			continue;
		}
		give = lack >= held ? it->grace - it->lo :
		       (uint64_t)((unsigned __int128)(it->grace - it->lo) * lack / held);
		it->rung[5] = clamp_u(it->grace > it->slack ? it->grace : it->slack,
				      it->rung[4], it->rung[6]);
		it->lo = it->grace - give;
		it->rung[3] = clamp_u(it->rung[3], it->lo, it->rung[5]);
		it->rung[4] = clamp_u(it->rung[4], it->rung[3], it->rung[5]);
	}
}

static int64_t sum_rung(const struct solve_item *items, size_t k, unsigned t)
{
	int64_t sum = 0;

	for (size_t j = 0; j < k; j++)
		sum += (int64_t)items[j].rung[t];
	return sum;
}

/* Tier 1's floors and caps (rung[0] to rung[2]) from each domain's need
 * now (rung[3]). */
static void tier1(struct solve_item *items, size_t k)
{
	uint64_t excess = 0, room = 0;

	/* What the guests whose need swap cannot hold lies above their
	 * floor (they must grow or be OOM-killed) lack, and the swap the
	 * others could page into. */
	for (size_t j = 0; j < k; j++) {
		const struct solve_item *it = &items[j];
		uint64_t z = oom_need(it);

		if (!it->est)
			continue;
		if (z > it->lo)
			excess += z - it->lo;
		else
			room += it->spare;
	}
	/* The others' need floors yield that much at most, each in
	 * proportion to its swap: for nobody else (a reservation, a host
	 * short of everyone's floors) a floor does not yield. */
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];
		uint64_t z = oom_need(it), give = 0;

		if (!it->est) {
			it->rung[0] = it->lo;
			for (unsigned r = 1; r < SOLVE_TIERS; r++)
				it->rung[r] = it->rung[SOLVE_TIERS];
			continue;
		}
		if (z <= it->lo && room)
			give = excess >= room ? it->spare :
			       (uint64_t)((unsigned __int128)it->spare * excess / room);
		it->rung[0] = it->lo - (give < it->lo ? give : it->lo);
		if (it->rung[0] < it->safe)
			it->rung[0] = it->safe;
		/* Not below what its own swap cannot hold of its need: a
		 * guest paging for another must not be OOM-killed itself. */
		it->rung[1] = clamp_u(it->rung[3] - (it->swap < it->rung[3] ? it->swap : it->rung[3]),
				      it->rung[0], it->rung[3]);
		it->rung[2] = it->rung[1] > it->lo ? it->rung[1] : it->lo;
	}
}

/*
 * A swapless guest in a crash loop (design.md §Growth is never cut, "A
 * crash loop") has its OOM-raised minimum as need in tier 1 only whole:
 * memory below it saves nothing (the restarted job is killed again and
 * its whole demand is short), so a raise that tier 1 cannot hold with
 * every other guest's need that swap cannot hold goes back to tier 4,
 * and the guest to its own floors. Raises are taken smallest first
 * while tier 1 fits below M: the most loops kept alive for the memory.
 */
static void loops_whole(struct solve_item *items, size_t k, int64_t M)
{
	size_t n = 0;

	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (!it->est || !it->loop)
			continue;
		/* grace_yield() may have moved rung[3]. */
		it->loop = clamp_u(it->loop, it->lo, it->rung[3]);
		uint64_t raise = it->rung[3];

		it->rung[3] = it->loop;
		it->loop = raise;
		n++;
	}
	tier1(items, k);
	while (n--) {
		size_t best = k;

		for (size_t j = 0; j < k; j++) {
			const struct solve_item *it = &items[j];

			if (it->est && it->loop > it->rung[3] &&
			    (best == k || it->loop - it->rung[3] <
					  items[best].loop - items[best].rung[3]))
				best = j;
		}
		if (best == k)
			break;
		struct solve_item *it = &items[best];
		uint64_t plain = it->rung[3];

		it->rung[3] = it->loop;
		tier1(items, k);
		if (sum_rung(items, k, 1) < M) {
			it->loop = 0;
			continue;
		}
		it->rung[3] = plain;
		it->loop = 0;
		tier1(items, k);
	}
}

/* Tier 1 with each margin served at num/den of itself; returns
 * Sum R1. */
static int64_t margins_at(struct solve_item *items, size_t k, uint64_t num,
			  uint64_t den)
{
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (it->est && it->margin) {
			uint64_t m = (uint64_t)((unsigned __int128)it->margin * num / den) / 4 * 4;

			it->rung[3] = it->need3 + m;
		}
	}
	tier1(items, k);
	return sum_rung(items, k, 1);
}

/*
 * The margins tier 1 serves (need.c policy_kill_margin_kb(): what a
 * guest without swap room keeps of what it holds, swapless_keep.c, or
 * after a fall, fall_margin.c): a guest whose free swap cannot hold its
 * next rise is OOM-killed by it when held at its need; a guest with swap
 * pages a rise. So the margin is need swap cannot hold (the others'
 * floors yield to it into their free swap, as to any such need), but
 * only as far as tier 1 still fits below M with it: it comes out of what
 * the guests with swap room hold above what their swap cannot hold of
 * their need (rung[1]), never out of another guest's need that swap
 * cannot hold. When not all of it fits, every margin gets the same share
 * of itself, the largest that fits.
 */
static void margins_fit(struct solve_item *items, size_t k, int64_t M)
{
	const uint64_t den = 65536;
	uint64_t lo = 0, hi = den;
	bool any = false;

	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (!it->est || !it->margin)
			continue;
		/* grace_yield() and loops_whole() may have moved the rungs. */
		if (it->rung[3] + it->margin > it->rung[6])
			it->margin = it->rung[6] > it->rung[3] ? it->rung[6] - it->rung[3] : 0;
		it->need3 = it->rung[3];
		any |= it->margin > 0;
	}
	if (!any)
		return;
	if (margins_at(items, k, den, den) > M) {
		/* the largest share that fits: Sum R1 grows with it */
		while (hi - lo > 1) {
			uint64_t mid = (lo + hi) / 2;

			if (margins_at(items, k, mid, den) <= M)
				lo = mid;
			else
				hi = mid;
		}
		margins_at(items, k, lo, den);
	}
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (!it->est || !it->margin)
			continue;
		for (unsigned r = 4; r < SOLVE_TIERS; r++)
			if (it->rung[r] < it->rung[3])
				it->rung[r] = it->rung[3];
	}
}

/*
 * With tier4_keep_kb (a band, KiB; 0: off), when the cycle ends in tier 4
 * (every need now fits, not every margin and OOM-raised minimum above
 * it: rung[3] <= target <= rung[4]), after the equal-price solve: a
 * domain whose target there is less than the band from the one it has
 * (`given`, B_i, within its rungs) keeps it, and the others share the
 * rest at an equal price (solved again); while what is kept does not
 * add up with the others' bounds to M, the kept one farthest from its
 * equal-price target is let go. At an equal price every part moved with
 * the room, so a room that moved by a job's step rewrote every domain in
 * the tier at every cycle (timer-drift: 634 of its 690 writes in 600 s
 * were tier 4's); the band keeps the moves of less than itself.
 * Measured and dropped (session 26): the parts served whole, smallest
 * first (timer-drift 102 -> 140 kills; largest first 174), and every
 * change of the room taken by one domain (129-140 kills).
 */
static enum policy_stage tier4_keep(struct policy_ctx *ctx, size_t k, int64_t M,
				    struct policy_cycle *cycle, uint64_t band)
{
	struct solve_item *items = ctx->items;

	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		if (it->rung[4] <= it->rung[3])
			continue;
		uint64_t x = clamp_u(it->given, it->rung[3], it->rung[4]);

		/* The equal-price target, in need3's room (margins_fit()
		 * is done with it). */
		it->need3 = it->target;
		if (x + band > it->target && it->target + band > x)
			it->lo = it->up = x;
	}
	for (;;) {
		int64_t lo = 0, up = 0;

		for (size_t j = 0; j < k; j++) {
			lo += (int64_t)items[j].lo;
			up += (int64_t)items[j].up;
		}
		if (lo <= M && up >= M)
			break;
		size_t far = k;
		uint64_t dev = 0;

		for (size_t j = 0; j < k; j++) {
			struct solve_item *it = &items[j];

			if (it->rung[4] <= it->rung[3] || it->lo != it->up)
				continue;
			uint64_t d = it->lo > it->need3 ? it->lo - it->need3 : it->need3 - it->lo;

			if (far == k || d > dev) {
				far = j;
				dev = d;
			}
		}
		if (far == k)
			break;
		items[far].lo = items[far].rung[3];
		items[far].up = items[far].rung[4];
	}
	return solve_exact(ctx, k, M, cycle);
}

enum policy_stage solve_tiers(struct policy_ctx *ctx, size_t k, int64_t M,
			      struct policy_cycle *cycle, uint64_t keep4)
{
	struct solve_item *items = ctx->items;
	unsigned t = 1;

	grace_yield(items, k);
	loops_whole(items, k, M);
	margins_fit(items, k, M);

	/* A tier is entered only when the one before it fits whole: its
	 * floors (the caps before) then sum below M, so only tier 1 can
	 * end in stage 3 or 4. */
	for (; t < SOLVE_TIERS; t++)
		if (sum_rung(items, k, t) >= M)
			break;
	/* Tier 3 serves what loads that come back hold of their peaks
	 * first (design.md §Scarce mode from the estimated need, "A load
	 * that comes back"): after every domain's floor, before anyone's
	 * need now. Put after the needs now (before the margins) it gave
	 * square-alias 18 kills instead of 16: a peak cut at the fall is
	 * refilled late at the return. */
	int64_t peaks = 0;

	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		it->peak = it->est ? clamp_u(it->peak, it->rung[2], it->rung[3])
				   : it->rung[3];
		peaks += (int64_t)it->peak;
	}
	for (size_t j = 0; j < k; j++) {
		struct solve_item *it = &items[j];

		it->lo = it->rung[t - 1];
		it->up = it->rung[t];
		if (t == 3 && peaks >= M)
			it->up = it->peak;
		else if (t == 3)
			it->lo = it->peak;
	}
	cycle->tier = t;
	enum policy_stage stage = solve_exact(ctx, k, M, cycle);

	if (keep4 && t == 4 && (stage == POLICY_STAGE_PRICE || stage == POLICY_STAGE_THETA))
		stage = tier4_keep(ctx, k, M, cycle, keep4);
	return stage;
}
