/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scarce mode from the estimated need (design.md §Scarce mode from the
 * estimated need), property by property, per tier, over thousands of
 * seeded random snapshots in which most domains carry a working-set
 * estimate W_i and a gap g_i. The tier bounds are recomputed here from
 * the design's formulas, independently of policy.c:
 *     L_i' = max(L_i after the no-shrink rule, min(B_i, W_i, H_i))
 *     MC_i = clamp(W_i + g_i, L_i', H_i) (page-rounded, not below L_i')
 *     U_i  = MC_i (scarce_cap = demand) or H_i;  U1_i = clamp(W_i, L_i', U_i)
 * and the ladder of the tiers (design.md §Scarce mode from the estimated
 * need), with SF_i the guest's free swap beyond its gap, max(0, SwapFree_i
 * - g_i), and L_i^s the floor before the need floor (the minimum, raised
 * by the pressure rule):
 *     Z_i  = clamp(U1_i - SF_i, L_i', U1_i)   (the need swap cannot hold)
 *     E = sum over Z_i > L_i' of Z_i - L_i',  S = sum over the others of SF_i
 *     R0_i = max(L_i^s, L_i' - y_i), y_i = SF_i min(1, E/S) if Z_i <= L_i'
 *            (0 otherwise: the floors yield only to a need swap cannot hold)
 *     R1_i = clamp(U1_i - SF_i, R0_i, U1_i)
 *     R2_i = max(R1_i, L_i'),  R3_i = U1_i,  R4_i = clamp(W*_i, R3_i, U_i),
 *     R5_i = clamp(G_i, R4_i, U_i) (the grace),  R6_i = U_i
 * Tier t shares M in [R(t-1), Rt], t the
 * first with sum Rt >= M (6 if none). A domain without an estimate has
 * R0 = L_i' and R1..R6 = U_i. W_i
 * there is the need with its OOM margin (design.md §Growth is never
 * cut): while the domain grows (POLICY_IN_GROWING), W_i + the margin
 * max(0, g_i - SwapFree_i), or W_i + commit_new_i when that is larger and
 * the margin is not zero; MC_i then is clamp(max(W_i + g_i, that), L_i',
 * H_i); U1_i uses the need now (W_i, or W*_i while it climbs), R4 the
 * whole W*_i. A domain in its adoption grace (POLICY_IN_GRACE) has the
 * floor G_i = max(L_i', min(B_i, H_i, max(W_i, C_i + O_i) + g_i)); L_i'
 * above is then its floor without it, and the ladder is computed with
 * L_i' = G_i - y_i, y_i = (G_i - L_i') min(1, D / Y): D = the sum of
 * max(0, R4_j - N_j) over the domains with an estimate and no grace above
 * their floor, Y = the sum of G_i - L_i'; U1_i and W*_i are raised to
 * that floor (R5 = R4 for the others). With oom_keep_held_any, a
 * swapless domain whose raised minimum yields, held at or above the
 * level K_i of its latest kill, has U1_i raised by its held margin
 * m_i = min(K_i + keep, W_i + keep, its raised L_i, U_i) - U1_i (when
 * positive; held_margin()), every m_i at the same share of itself, the
 * largest with Sum R1 <= M (all of it when that fits, none in an
 * infeasible cycle); R4_i and R5_i not below the raised U1_i.
 */
#include "test_policy_util.h"

#define MAXN 40
#define ROUNDS 3000

static struct policy_dom dom[MAXN + 1];
static struct policy_decision out[MAXN + 1], out2[MAXN + 1];
static struct policy_cycle cycle, cycle2;

static size_t random_need_snapshot(struct rng *r, struct policy_params *p,
				   int64_t *host_free)
{
	size_t n = (size_t)rng_range(r, 1, MAXN);

	*p = random_params(r);
	p->need = POLICY_NEED_ESTIMATE;
	p->solver = POLICY_SOLVER_EXACT;
	p->mode = POLICY_FORCE_GLOBAL;
	for (size_t i = 0; i < n; i++) {
		dom[i] = random_dom(r, (uint32_t)(i + 1));
		if (rng_chance(r, 80)) {
			dom[i].flags |= POLICY_IN_WS;
			dom[i].ws_kb = rng_range(r, 0, 2 * dom[i].actual_kb);
			dom[i].gap_kb = rng_range(r, 0, 256 * MIB);
			if (rng_chance(r, 40)) {
				/* Swap room of the size of the needs, so that
				 * the tier of the need swap cannot hold is
				 * often not the deciding one. */
				dom[i].swap_tot_kb = rng_range(r, 1, 2 * dom[i].actual_kb + 1);
				dom[i].swap_free_kb = rng_range(r, 0, dom[i].swap_tot_kb);
			}
			/* Every fourth one adopted lately, every other of
			 * those with more committed than touched (no draw:
			 * the snapshots stay as they were). */
			if (i % 4 == 1) {
				dom[i].flags |= POLICY_IN_GRACE;
				if (i % 8 == 1)
					dom[i].committed_as_kb = dom[i].ws_kb + dom[i].gap_kb / 2;
			}
			if (rng_chance(r, 30)) {
				dom[i].flags |= POLICY_IN_GROWING;
				/* Every other one still climbing (no draw:
				 * the snapshots stay as they were). */
				if (i % 2)
					dom[i].flags |= POLICY_IN_CLIMBING;
				dom[i].commit_new_kb = rng_range(r, 0, 512 * MIB);
			}
		}
	}
	/* A kill raised the minimum by half of it (no draw: the snapshots
	 * stay as they were); a swapless domain's raise is tier 4. */
	for (size_t i = 0; i < n; i++)
		if (dom[i].flags & POLICY_IN_OOM_MIN)
			dom[i].oom_raise_kb = dom[i].min_kb / 2;
	/* Every other snapshot with oom_keep_held_any, and every third
	 * killed domain killed at the target it holds (at most its raised
	 * minimum), its need at most that (no draw, as above): the held
	 * margin, tier 1's. */
	p->oom_keep_held_any = n % 2 == 0;
	for (size_t i = 0; i < n; i += 3)
		if ((dom[i].flags & POLICY_IN_OOM_MIN) && (dom[i].flags & POLICY_IN_WS)) {
			dom[i].oom_kill_kb = dom[i].target_kb < dom[i].min_kb ? dom[i].target_kb
									: dom[i].min_kb;
			if (dom[i].ws_kb > dom[i].target_kb)
				dom[i].ws_kb = dom[i].target_kb;
		}
	if (rng_chance(r, 20))
		p->oom_room_s = 0;
	/* The estimate's slack, 0 to 20 % (no draw, as above). */
	p->need_slack_pct = (uint32_t)(n * 7 % 21);
	*host_free = random_host_free(r, dom, n);
	return n;
}

static bool has_ws(const struct policy_dom *d)
{
	return d->flags & POLICY_IN_WS;
}

/* The killed load is gone: not growing, W_i + the fixed headroom + all
 * its swap + oom_bump_kb below the raised L_i (design.md §Growth is never cut, "The OOM minimum after the needs"). */
static bool load_gone(const struct policy_params *p, const struct policy_dom *d)
{
	return has_ws(d) && (d->flags & POLICY_IN_OOM_MIN) && d->oom_raise_kb &&
	       !(d->flags & POLICY_IN_GROWING) &&
	       d->ws_kb + p->headroom_kb + d->swap_tot_kb + p->oom_bump_kb < d->min_kb;
}

/* The fixed gap for a demand w: headroom_kb, or headroom_ws_pct of w
 * (a page multiple) where that is more. */
static uint64_t fixed_gap(const struct policy_params *p, uint64_t w)
{
	uint64_t s = (w * p->headroom_ws_pct / 100) & ~(uint64_t)3;

	return s > p->headroom_kb ? s : p->headroom_kb;
}

/* g_i as the policy reads it: at most the fixed gap once the killed
 * load is gone (the learned gap's OOM floor goes with the raise). */
static uint64_t gap_of(const struct policy_params *p, const struct policy_dom *d)
{
	uint64_t h = fixed_gap(p, has_ws(d) ? d->ws_kb : d->committed_as_kb);

	return d->gap_kb > h && load_gone(p, d) ? h : d->gap_kb;
}

/* The need the tiers serve, with its OOM margin (the formula above). */
static uint64_t need_w(const struct policy_params *p, const struct policy_dom *d)
{
	bool growing = p->oom_room_s && (d->flags & POLICY_IN_GROWING);
	uint64_t g = gap_of(p, d);
	uint64_t room = growing && g > d->swap_free_kb ? g - d->swap_free_kb : 0;
	uint64_t more = room && d->commit_new_kb > room ? d->commit_new_kb : room;

	return d->ws_kb + more;
}

/* Its part that is need now: W_i, and what was committed and not
 * touched yet; the rest is the margin (tier 4). */
static uint64_t need_now(const struct policy_params *p, const struct policy_dom *d)
{
	bool growing = p->oom_room_s && (d->flags & POLICY_IN_GROWING);
	uint64_t g = gap_of(p, d);
	uint64_t room = growing && g > d->swap_free_kb ? g - d->swap_free_kb : 0;

	if (room && (d->flags & (POLICY_IN_CLIMBING | POLICY_IN_OOM_MIN)))
		return need_w(p, d);
	return room ? d->ws_kb + d->commit_new_kb : d->ws_kb;
}

struct bounds {
	uint64_t lo, up, up1, upm, slack;
	uint64_t lo_yield, safe;   /* `yield` below lo_yield; never below safe */
	uint64_t lon, grace, lot;  /* floor without the grace, G_i, after its yield */
	uint64_t sf, z, give;      /* swap beyond the gap, Z_i, the yield */
	uint64_t margin, need3, upm0, r5;   /* the held margin; U1_i, R4_i, R5_i without it */
	uint64_t rung[7];
	double a, w;
};

static uint64_t clampu(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A killed domain's raised minimum is tier 4 without swap, or with swap
 * once the killed load is gone: its floors are those of the minimum
 * before the kill. */
static bool oom_yields(const struct policy_params *p, const struct policy_dom *d)
{
	if (!has_ws(d) || !(d->flags & POLICY_IN_OOM_MIN) || !d->oom_raise_kb)
		return false;
	return !d->swap_tot_kb || load_gone(p, d);
}

/* L_i' without the adoption grace (*lon) and with it (*lo). */
static void floors_of(const struct policy_params *p, const struct policy_dom *d,
		      uint64_t *lon, uint64_t *lo)
{
	uint64_t keep = d->target_kb < d->max_kb ? d->target_kb : d->max_kb;

	*lo = effective_min(p, d);
	if (has_ws(d)) {
		uint64_t now = need_now(p, d), floor = now < keep ? now : keep;

		if (floor > *lo)
			*lo = floor;
	}
	*lon = *lo;
	if (has_ws(d) && (d->flags & POLICY_IN_GRACE)) {
		uint64_t o = d->overhead_kb < d->actual_kb ? d->overhead_kb : d->actual_kb;
		uint64_t c = d->committed_as_kb + o;
		uint64_t g = (c > d->ws_kb ? c : d->ws_kb) + gap_of(p, d);

		if (g > keep)
			g = keep;
		if (g > *lo)
			*lo = g;
	}
}

/* oom_keep_held_any's margin (design.md §Growth is never cut, "A kill
 * where it is held"): a swapless domain whose raised minimum yields, not
 * growing, held at the level of its latest kill K (oom_kill_kb, else
 * L_i - oom_bump) or above, K + keep within H_i, W_i no more than
 * oom_min_keep_gone below K, is given up to min(K + keep, W_i + keep,
 * the raised L_i, U_i) (with oom_min_keep_held but not oom_recur_keep,
 * at most its target): its part above U1_i is need swap cannot hold,
 * served in tier 1 as far as tier 1 fits below M (ladder()). */
static uint64_t held_margin(const struct policy_params *p, const struct policy_dom *d,
			    const struct bounds *b)
{
	uint64_t keep = p->oom_min_keep_kb;
	uint64_t kill = d->oom_kill_kb ? d->oom_kill_kb
		      : d->min_kb > p->oom_bump_kb ? d->min_kb - p->oom_bump_kb : 0;

	if (!p->oom_keep_held_any || !keep || !p->oom_min_yield || d->swap_tot_kb ||
	    !oom_yields(p, d) || (d->flags & POLICY_IN_GROWING) || !kill ||
	    d->target_kb < kill || kill + keep > d->max_kb ||
	    (p->oom_min_keep_gone_kb && d->ws_kb + p->oom_min_keep_gone_kb < kill))
		return 0;
	uint64_t top = kill < d->ws_kb ? kill + keep : d->ws_kb + keep;

	if (p->oom_min_keep_held && !p->oom_recur_keep && top > d->target_kb)
		top = d->target_kb;
	if (top > d->min_kb)
		top = d->min_kb;
	if (top > b->up)
		top = b->up;
	return top > b->up1 ? top - b->up1 : 0;
}

static void bounds_of(const struct policy_params *p, const struct policy_dom *d,
		      struct bounds *b)
{
	uint64_t lo, want;
	uint64_t f = (p->free_source == POLICY_FREE_AVAIL &&
		      (d->flags & POLICY_IN_AVAIL)) ? d->avail_kb : d->free_kb;
	double swap = d->swap_tot_kb ? 1 - (double)d->swap_free_kb /
					   (double)d->swap_tot_kb : 0;

	b->w = d->shares * ((1 - p->tau) + p->epsilon * swap);
	floors_of(p, d, &b->lon, &lo);
	if (has_ws(d)) {
		uint64_t w = need_w(p, d);

		want = d->ws_kb + gap_of(p, d);
		if (w > want)
			want = w;
		b->a = p->tau * (double)w;
	} else {
		want = d->committed_as_kb + d->overhead_kb + fixed_gap(p, d->committed_as_kb);
		b->a = p->tau * (d->actual_kb > f ? (double)(d->actual_kb - f) : 0);
	}
	uint64_t goal = policy_page_down(clampu(want, lo, d->max_kb));

	if (goal < lo)
		goal = lo;
	b->lo = lo;
	b->lo_yield = lo;
	b->safe = effective_min(p, d);
	b->up = p->scarce_cap == POLICY_CAP_DEMAND ? goal : d->max_kb;
	uint64_t keep_min = 0;

	if (oom_yields(p, d)) {
		struct policy_dom base = *d;

		base.min_kb = d->min_kb - d->oom_raise_kb;
		floors_of(p, &base, &b->lon, &b->lo);
		b->safe = effective_min(p, &base);
		keep_min = d->min_kb;
	}
	b->grace = b->lo;
	b->lot = b->lo;
	b->up1 = has_ws(d) ? clampu(need_now(p, d), b->lon, b->up) : b->up;
	uint64_t wm = need_w(p, d) > keep_min ? need_w(p, d) : keep_min;

	b->upm = has_ws(d) ? clampu(wm, b->up1, b->up) : b->up;
	/* Rung 5 also holds the estimate's slack (design.md §The
	 * estimate's slack): W_i plus need_slack_pct of it, 4 KiB aligned. */
	b->slack = clampu(d->ws_kb + (d->ws_kb * p->need_slack_pct / 100 & ~UINT64_C(3)),
			  b->upm, b->up);
	b->sf = has_ws(d) && d->swap_free_kb > gap_of(p, d) ? d->swap_free_kb - gap_of(p, d) : 0;
	b->margin = held_margin(p, d, b);
}

/* The grace's yield (the formula at the top), then Z_i. */
static void grace_yield(size_t n, struct bounds *b)
{
	long double lack = 0, held = 0;

	for (size_t i = 0; i < n; i++) {
		if (!has_ws(&dom[i]))
			continue;
		if (b[i].grace > b[i].lon)
			held += b[i].grace - b[i].lon;
		else if (b[i].upm > dom[i].actual_kb)
			lack += b[i].upm - dom[i].actual_kb;
	}
	for (size_t i = 0; i < n; i++) {
		b[i].rung[5] = has_ws(&dom[i]) ? b[i].slack : b[i].upm;
		if (has_ws(&dom[i]) && b[i].grace > b[i].lon) {
			uint64_t y = lack >= held ? b[i].grace - b[i].lon
				: (uint64_t)floorl((b[i].grace - b[i].lon) * lack / held);

			b[i].rung[5] = clampu(b[i].grace > b[i].slack ? b[i].grace : b[i].slack,
					      b[i].upm, b[i].up);
			b[i].lot = b[i].grace - y;
			b[i].up1 = clampu(b[i].up1, b[i].lot, b[i].rung[5]);
			b[i].upm = clampu(b[i].upm, b[i].up1, b[i].rung[5]);
		}
	}
}

/* Every domain's rungs with each held margin at num/den of itself (4
 * KiB aligned): U1_i and the rungs above it raised by that much, Z_i,
 * the yields and R0..R2 from them; returns Sum R1. */
static int64_t rungs_at(size_t n, struct bounds *b, uint64_t num, uint64_t den)
{
	long double excess = 0, room = 0;
	int64_t sum1 = 0;

	for (size_t i = 0; i < n; i++) {
		if (!has_ws(&dom[i]))
			continue;
		b[i].up1 = b[i].need3 + b[i].margin * num / den / 4 * 4;
		b[i].upm = b[i].upm0 > b[i].up1 ? b[i].upm0 : b[i].up1;
		b[i].rung[5] = b[i].r5 > b[i].up1 ? b[i].r5 : b[i].up1;
		b[i].z = clampu(b[i].up1 > b[i].sf ? b[i].up1 - b[i].sf : 0,
				b[i].lot, b[i].up1);
		if (b[i].z > b[i].lot)
			excess += b[i].z - b[i].lot;
		else
			room += b[i].sf;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = b[i].lot, give = 0;

		b[i].rung[0] = lo;
		b[i].rung[6] = b[i].up;
		if (!has_ws(&dom[i])) {
			b[i].z = b[i].up;
			for (unsigned r = 1; r < 6; r++)
				b[i].rung[r] = b[i].up;
			sum1 += (int64_t)b[i].rung[1];
			continue;
		}
		if (b[i].z <= lo && room > 0)
			give = excess >= room ? b[i].sf
					      : (uint64_t)floorl(b[i].sf * excess / room);
		uint64_t r0 = lo > give ? lo - give : 0, safe = b[i].safe;

		b[i].give = give;
		b[i].rung[0] = r0 > safe ? r0 : safe;
		b[i].rung[1] = clampu(b[i].up1 > b[i].sf ? b[i].up1 - b[i].sf : 0,
				      b[i].rung[0], b[i].up1);
		b[i].rung[2] = b[i].rung[1] > lo ? b[i].rung[1] : lo;
		b[i].rung[3] = b[i].up1;
		b[i].rung[4] = b[i].upm;
		sum1 += (int64_t)b[i].rung[1];
	}
	return sum1;
}

/* The ladder of every domain (the formulas at the top); returns the
 * deciding tier (0 without an estimate). The held margins come whole if
 * tier 1 fits below M with them, else each at the same share of itself,
 * the largest that fits (none in an infeasible cycle). */
static unsigned ladder(const struct policy_params *p, size_t n,
		       struct bounds *b, int64_t budget)
{
	const uint64_t den = 65536;
	bool any_ws = false, any_margin = false;
	unsigned t = 1;

	for (size_t i = 0; i < n; i++)
		bounds_of(p, &dom[i], &b[i]);
	grace_yield(n, b);
	for (size_t i = 0; i < n; i++) {
		any_ws |= has_ws(&dom[i]);
		if (b[i].margin && b[i].up1 + b[i].margin > b[i].up)
			b[i].margin = b[i].up > b[i].up1 ? b[i].up - b[i].up1 : 0;
		any_margin |= has_ws(&dom[i]) && b[i].margin;
		b[i].need3 = b[i].up1;
		b[i].upm0 = b[i].upm;
		b[i].r5 = has_ws(&dom[i]) ? b[i].rung[5] : b[i].upm;
	}
	if (any_margin && rungs_at(n, b, den, den) > budget) {
		uint64_t lo = 0, hi = den;

		while (hi - lo > 1) {
			uint64_t mid = (lo + hi) / 2;

			if (rungs_at(n, b, mid, den) <= budget)
				lo = mid;
			else
				hi = mid;
		}
		rungs_at(n, b, lo, den);
	} else if (!any_margin) {
		rungs_at(n, b, 0, den);
	}
	for (; t < 6; t++) {
		int64_t sum = 0;

		for (size_t i = 0; i < n; i++)
			sum += (int64_t)b[i].rung[t];
		if (sum >= budget)
			break;
	}
	return any_ws ? t : 0;
}

/*
 * Budget, bounds and tier: sum targets <= M; the deciding tier t is the
 * first whose caps reach M (with an estimate in the snapshot), and
 * R(t-1)_i <= t_i <= Rt_i. Infeasible: everybody at R0_i (L_i' without an
 * estimate). Each tier and the infeasible case are seen often enough not
 * to pass vacuously.
 */
/* Tier 4, the OOM margin alone, rarely decides over random snapshots:
 * test_margin_tier.c has its cases by hand (and test_grace_yield.c
 * tier 5's). */
static void test_tiers_budget_bounds(void **state)
{
	unsigned seen[7] = { 0 }, infeasible = 0, oom_yielded = 0, held = 0, held_part = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 4099 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);
		struct bounds b[MAXN];
		int64_t sum = 0;

		decide(&p, host_free, dom, n, out, &cycle);
		assert_int_equal(cycle.fixup_kb, 0);
		unsigned tier = ladder(&p, n, b, cycle.budget_kb);

		for (size_t i = 0; i < n; i++)
			sum += (int64_t)out[i].target_kb;
		if (cycle.stage == POLICY_STAGE_INFEASIBLE) {
			infeasible++;
			for (size_t i = 0; i < n; i++)
				if (out[i].target_kb != b[i].rung[0])
					fail_msg("seed %u dom %zu: infeasible, target %llu != R0 %llu",
						 seed, i, (unsigned long long)out[i].target_kb,
						 (unsigned long long)b[i].rung[0]);
			continue;
		}

		if (cycle.tier != tier)
			fail_msg("seed %u: tier %u, expected %u", seed, cycle.tier, tier);
		seen[tier]++;
		if (sum > cycle.budget_kb)
			fail_msg("seed %u: sum targets %lld > M %lld", seed,
				 (long long)sum, (long long)cycle.budget_kb);
		for (size_t i = 0; i < n; i++) {
			uint64_t lo = tier ? b[i].rung[tier - 1] : b[i].lo;
			uint64_t up = tier ? b[i].rung[tier] : b[i].up;
			uint64_t t = out[i].target_kb;

			if (t < lo || t > up)
				fail_msg("seed %u dom %zu (tier %u): target %llu outside [%llu, %llu]",
					 seed, i, tier, (unsigned long long)t,
					 (unsigned long long)lo, (unsigned long long)up);
			oom_yielded += oom_yields(&p, &dom[i]) && t < dom[i].min_kb;
			/* The held margin given (in part: its share in tier
			 * 1 when not all of it fits). */
			held += b[i].margin && t > b[i].need3;
			held_part += b[i].margin && b[i].up1 < b[i].need3 + b[i].margin;
		}
	}
	print_message("tier 0 %u, tier 1 %u, tier 2 %u, tier 3 %u, tier 4 %u, tier 5 %u, tier 6 %u, infeasible %u, below a raised minimum %u, held margins given %u (in part %u)\n",
		      seen[0], seen[1], seen[2], seen[3], seen[4], seen[5], seen[6],
		      infeasible, oom_yielded, held, held_part);
	assert_true(seen[1] > 300 && seen[2] > 50 && seen[3] > 50 &&
		    seen[5] > 10 && seen[6] > 300 && infeasible > 100 && oom_yielded > 20);
	assert_true(held > 10 && held_part > 5);
}

/*
 * Swapless first, stated without the tiers: while any domain is below the
 * part of its need its free swap cannot hold (R1_i: a shortfall there is
 * an OOM kill), no domain is above its own R1_i; while any is below its
 * no-shrink floor, nobody is above R2_i; while any is below its need U1_i,
 * nobody is above it (no gap is handed out), and so for R4 (the OOM
 * margins) and R5 (the graces: no gap while a grace that yielded is
 * short of it; the graces yield no more than the guests without one
 * lack of their need and margin, D). A domain is below its
 * no-shrink floor L_i' only by what its free swap can take beyond its
 * gap, all of them together by no more than the others' need swap cannot
 * hold above their floors (never for a reservation or a host short of
 * the floors alone), and only
 * when the floors and the needs swap cannot hold do not all fit. Checked non-vacuously: snapshots where a domain is short of R1_i
 * while another's need is held back to its R1_i, and domains cut below
 * L_i' into their swap.
 */
static void test_swapless_first(void **state)
{
	unsigned held_back = 0, paged_below = 0, graces = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 104729 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);
		struct bounds b[MAXN];
		bool short1 = false, short2 = false, short3 = false, short4 = false,
		     short5 = false, paged = false;
		int64_t sum2 = 0;
		long double excess = 0, cut = 0, lack = 0, yielded = 0;

		decide(&p, host_free, dom, n, out, &cycle);
		if (cycle.stage == POLICY_STAGE_INFEASIBLE)
			continue;
		ladder(&p, n, b, cycle.budget_kb);
		for (size_t i = 0; i < n; i++) {
			uint64_t t = out[i].target_kb;

			short1 |= t < b[i].rung[1];
			short2 |= t < b[i].rung[2];
			short3 |= t < b[i].rung[3];
			short4 |= t < b[i].rung[4];
			short5 |= t < b[i].rung[5];
			paged |= b[i].rung[1] < b[i].rung[3] && t == b[i].rung[1];
			sum2 += (int64_t)b[i].rung[2];
			if (has_ws(&dom[i]) && b[i].z > b[i].lot)
				excess += b[i].z - b[i].lot;
			if (has_ws(&dom[i]) && b[i].grace == b[i].lon &&
			    b[i].upm0 > dom[i].actual_kb)
				lack += b[i].upm0 - dom[i].actual_kb;
			if (t < b[i].grace && b[i].grace > b[i].lon)
				yielded += b[i].grace - (t > b[i].lot ? t : b[i].lot);
		}
		/* An adoption grace yields only to the needs and margins of
		 * guests without one, at most what they lack of them. */
		graces += yielded > 0;
		if (yielded > lack + 4 * (long double)n)
			fail_msg("seed %u: graces yielded %Lg KiB, more than the others lack (%Lg)",
				 seed, yielded, lack);
		for (size_t i = 0; i < n; i++) {
			uint64_t t = out[i].target_kb;

			if ((short1 && t > b[i].rung[1]) || (short2 && t > b[i].rung[2]) ||
			    (short3 && t > b[i].rung[3]) || (short4 && t > b[i].rung[4]) ||
			    (short5 && t > b[i].rung[5]))
				fail_msg("seed %u dom %zu: %llu above a rung (%llu, %llu, %llu, %llu, %llu) while another is short of it",
					 seed, i, (unsigned long long)t,
					 (unsigned long long)b[i].rung[1],
					 (unsigned long long)b[i].rung[2],
					 (unsigned long long)b[i].rung[3],
					 (unsigned long long)b[i].rung[4],
					 (unsigned long long)b[i].rung[5]);
			/* The log says so: reason `yield` exactly there. */
			if ((t < b[i].lo_yield) != !!(out[i].reasons & POLICY_R_YIELD))
				fail_msg("seed %u dom %zu: target %llu, floor %llu, reasons %#x",
					 seed, i, (unsigned long long)t,
					 (unsigned long long)b[i].lo, out[i].reasons);
			if (t < b[i].lot) {
				if (b[i].lot - t + gap_of(&p, &dom[i]) > dom[i].swap_free_kb)
					fail_msg("seed %u dom %zu: cut %llu below its floor, more than its free swap %llu less its gap",
						 seed, i, (unsigned long long)(b[i].lot - t),
						 (unsigned long long)dom[i].swap_free_kb);
				if (sum2 < cycle.budget_kb)
					fail_msg("seed %u dom %zu: below its floor though the floors and the needs swap cannot hold fit",
						 seed, i);
				paged_below++;
				cut += b[i].lot - t;
			}
		}
		if (cut > excess + 4 * (long double)n)
			fail_msg("seed %u: floors cut by %Lg KiB, more than the need swap cannot hold above them (%Lg)",
				 seed, cut, excess);
		held_back += short1 && paged;
	}
	print_message("a paging need held back for an OOM-critical one: %u; cut below L' into swap: %u; a grace yielded: %u\n",
		      held_back, paged_below, graces);
	assert_true(held_back > 100 && paged_below > 100 && graces > 50);
}

#define HELD_UP (POLICY_R_MAX | POLICY_R_DEMAND)

/*
 * Stage 2 within a tier: one price among the tier's free domains (rho_i
 * = w_i/(t_i - a_i), a_i = tau*W_i with an estimate), to the tolerance
 * page rounding allows; a domain held at the tier's cap prices at least
 * that, one held at its floor at most (KKT).
 */
static void test_tier_price_kkt(void **state)
{
	unsigned checked[7] = { 0 };

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 7927 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);

		decide(&p, host_free, dom, n, out, &cycle);
		if (cycle.stage != POLICY_STAGE_PRICE || cycle.lambda <= 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct bounds b;

			bounds_of(&p, &dom[i], &b);
			double t = (double)out[i].target_kb;

			if (!(t > b.a)) {
				assert_false(out[i].has_price);
				continue;
			}
			assert_true(out[i].has_price);
			assert_true(fabs(out[i].price - b.w / (t - b.a)) <= 1e-12 * out[i].price);
			double rel = out[i].price * cycle.lambda - 1;
			double tol = 4.07 / (t - b.a) + 1e-9;
			/* `yield` says why, it is no bound. */
			uint32_t held = out[i].reasons & ~(uint32_t)POLICY_R_YIELD;

			if (!held) {
				if (fabs(rel) > tol)
					fail_msg("seed %u dom %zu (tier %u): price*Lambda-1 = %g > %g",
						 seed, i, cycle.tier, rel, tol);
				checked[cycle.tier]++;
			} else if ((held & HELD_UP) && !(held & ~HELD_UP)) {
				if (rel < -tol)
					fail_msg("seed %u dom %zu: at its cap below the price", seed, i);
			} else if (!(held & HELD_UP)) {
				if (rel > tol)
					fail_msg("seed %u dom %zu: at its floor above the price", seed, i);
			}
		}
	}
	print_message("free domains checked: tier 1 %u, tier 2 %u, tier 3 %u, tier 4 %u, tier 5 %u, tier 6 %u\n",
		      checked[1], checked[2], checked[3], checked[4], checked[5],
		      checked[6]);
	assert_true(checked[1] > 500 && checked[2] > 100 && checked[3] > 100 &&
		    checked[5] > 10 && checked[6] > 500);
}

/* Raising W_i, S_i or swap use never lowers the domain's target. */
static void test_need_monotone(void **state)
{
	unsigned rose = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 15485863ull };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);
		size_t i = (size_t)rng_range(&r, 0, n - 1);
		int what = (int)rng_range(&r, 0, 2);
		uint64_t delta = rng_range(&r, 1 * MIB, 1 * GIB);

		decide(&p, host_free, dom, n, out, &cycle);
		struct policy_dom saved = dom[i];

		switch (what) {
		case 0:  /* a larger working set */
			dom[i].flags |= POLICY_IN_WS;
			dom[i].ws_kb = has_ws(&saved) ? saved.ws_kb + delta : saved.actual_kb + delta;
			dom[i].gap_kb = saved.gap_kb;
			if (!has_ws(&saved)) {
				dom[i] = saved;   /* only compare like with like */
				dom[i].flags |= POLICY_IN_WS;
				dom[i].ws_kb = delta;
				decide(&p, host_free, dom, n, out, &cycle);
				dom[i].ws_kb = 2 * delta;
			}
			break;
		case 1:  /* more swap in use */
			if (dom[i].swap_tot_kb == 0) {
				/* Compare like with like: a guest given swap
				 * loses its OOM margin (design.md §Growth is
				 * never cut), so the baseline has the swap too. */
				dom[i].swap_tot_kb = 2 * GIB;
				dom[i].swap_free_kb = 2 * GIB;
				decide(&p, host_free, dom, n, out, &cycle);
			}
			dom[i].swap_free_kb -= dom[i].swap_free_kb < delta ? dom[i].swap_free_kb : delta;
			break;
		default:
			dom[i].shares *= 1.5;
			break;
		}
		decide(&p, host_free, dom, n, out2, &cycle2);
		if (out2[i].target_kb < out[i].target_kb)
			fail_msg("seed %u: raising %s of dom %zu lowered its target %llu -> %llu (tier %u -> %u, %s -> %s)",
				 seed, what == 0 ? "W" : what == 1 ? "swap use" : "shares", i,
				 (unsigned long long)out[i].target_kb,
				 (unsigned long long)out2[i].target_kb, cycle.tier, cycle2.tier,
				 policy_stage_name(cycle.stage), policy_stage_name(cycle2.stage));
		rose += out2[i].target_kb > out[i].target_kb;
		dom[i] = saved;
	}
	assert_true(rose > ROUNDS / 10);
}

/* Permuting the domains permutes the answer, writes (unpark) included. */
static void test_need_permutation(void **state)
{
	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 65537 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);

		if (rng_chance(&r, 50))
			p.mode = POLICY_FORCE_AUTO;
		assert_permutation_invariant(seed, &r, &p, host_free, dom, n);
	}
}

/*
 * A snapshot without estimates is solved as before: need = estimate and
 * need = committed give the same decisions, writes included.
 */
static void test_no_estimate_is_today(void **state)
{
	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 257 };
		struct policy_params p;
		int64_t host_free;
		size_t n = random_need_snapshot(&r, &p, &host_free);

		for (size_t i = 0; i < n; i++)
			dom[i].flags &= ~(uint32_t)POLICY_IN_WS;
		if (rng_chance(&r, 50))
			p.mode = POLICY_FORCE_AUTO;
		run_cycle(&p, host_free, dom, n, out, &cycle);
		p.need = POLICY_NEED_COMMITTED;
		run_cycle(&p, host_free, dom, n, out2, &cycle2);
		assert_int_equal(cycle.tier, 0);
		for (size_t i = 0; i < n; i++)
			if (memcmp(&out[i], &out2[i], sizeof(out[i])) != 0)
				fail_msg("seed %u dom %zu: need = estimate differs without estimates", seed, i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiers_budget_bounds),
		cmocka_unit_test(test_tier_price_kkt),
		cmocka_unit_test(test_swapless_first),
		cmocka_unit_test(test_need_monotone),
		cmocka_unit_test(test_need_permutation),
		cmocka_unit_test(test_no_estimate_is_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
