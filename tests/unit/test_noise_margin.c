/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A swapless guest's margin for its noise (noise_margin_mb; design.md
 * §Scarce mode from the estimated need, "A margin for the noise";
 * noise_margin.c policy_noise_margin_kb(), jump.c jump_noise(), served by
 * solve_tiers.c margins_fit()): a guest whose free swap cannot hold the
 * rise its estimate shows in most windows is given that rise above its
 * need now in tier 1, as far as tier 1 fits; a quiet guest, a guest with
 * free swap and a cycle that cannot hold the needs swap cannot hold get
 * none.
 */
#include "test_policy_util.h"
#include "policy/jump.h"

#define WIN 10000u     /* spike_window_s = 10, in ms */
#define SPAN 3000u     /* three reports at 1 s */

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.noise_margin_kb = 16 * MIB;      /* off by default */
	return 0;
}

/* A swapless guest that holds its need of 300 MiB and whose estimate
 * shows a rise of `noise` in most windows. */
static struct policy_dom noisy_300(uint32_t domid, uint64_t held, uint64_t noise)
{
	struct policy_dom d = swapless_300(domid, held);

	d.noise_kb = noise;
	return d;
}

/* M = 760 (300 + 460 held, nothing free): every need is 300 + 460. A
 * quiet swapless guest is held at exactly its need (300); one whose
 * estimate shows 6 MiB of noise is given those 6 above it (306) and the
 * pager pages for them (454, above the 324 its swap cannot hold). */
static void test_noisy_given_quiet_not(void **state)
{
	struct policy_dom d[2] = { noisy_300(1, 300 * MIB, 6 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 306 * MIB);
	assert_in_range(o[1].target_kb, 454 * MIB - 8, 454 * MIB);  /* to a page */

	/* quiet: no noise shown */
	d[0].noise_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);

	/* the key off: noise or not, none */
	d[0].noise_kb = 6 * MIB;
	off.noise_margin_kb = 0;
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* At most noise_margin_mb: 40 MiB of noise under a 16 MiB cap gives 16;
 * and at most the gap (here 8 MiB). */
static void test_capped(void **state)
{
	struct policy_dom d[2] = { noisy_300(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);

	d[0].gap_kb = 8 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 308 * MIB);
}

/* A guest whose free swap holds its noise pages it: none. One whose swap
 * is full (a token swap file filled by a leak) is as a swapless one. */
static void test_free_swap_holds_it(void **state)
{
	struct policy_dom d[2] = { noisy_300(1, 300 * MIB, 6 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].swap_tot_kb = 256 * MIB;
	d[0].swap_free_kb = 200 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);

	d[0].swap_free_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 306 * MIB);
}

/* Not given in a cycle that cannot hold the needs swap cannot hold: two
 * swapless guests need 300 and 460 and M = 740 (20 short of both). The
 * noisy one gets no margin: at most its need, and the two together M. */
static void test_not_in_infeasible_cycle(void **state)
{
	struct policy_dom d[2] = { noisy_300(1, 300 * MIB, 6 * MIB),
				   est_dom(2, 440 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb <= 300 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb <= 740 * MIB);

	/* Feasible but exact: M = 760 is both needs, nothing left for the
	 * margin, which never comes out of another's need swap cannot
	 * hold. */
	d[1] = est_dom(2, 460 * MIB, 460 * MIB);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* A guest short of its need (280 held) is given its need, no margin on
 * top: no rescue of a guest left over after a kill. */
static void test_short_gets_need_only(void **state)
{
	struct policy_dom d[2] = { noisy_300(1, 280 * MIB, 6 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 20 * MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

static uint64_t see(struct jump_state *s, uint64_t t, uint64_t w)
{
	return jump_observe(s, w, 1000 + t, WIN, SPAN);
}

/* jump_noise(): a plateau at 1000 MiB whose samples go 1000, 1004, 998,
 * 1003, 1001, 1000, ... (rises over the three reports before: 4, 0, 5,
 * 3, 2, 4, ...: at most 5 in every window of ten; falls at most 6;
 * the lesser, over a window and the one before, 5) with
 * a jump of 200 MiB in two windows of twenty: the noise read is the
 * plateau's rise (5 MiB), not the jump; a flat load shows none; fewer
 * than NOISE_MIN_WINDOWS windows show none. */
static void test_jump_noise(void **state)
{
	static const int wobble[5] = { 0, 4, -2, 3, 1 };
	struct jump_state s, flat, ramp;
	uint64_t t;

	jump_reset(&s);
	jump_reset(&flat);
	jump_reset(&ramp);
	for (t = 0; t < 200000; t += 1000) {
		uint64_t w = (uint64_t)((int64_t)1000 * MIB + wobble[(t / 1000) % 5] * (int64_t)MIB);

		if (t >= 50000 && t < 52000)
			w += 200 * MIB;   /* a pod's arrival and its deletion */
		if (t >= 120000 && t < 122000)
			w += 200 * MIB;
		see(&s, t, w);
		see(&flat, t, 1000 * MIB);
		see(&ramp, t, 1000 * MIB + t / 1000 * 3 * MIB);   /* 3 MiB/s up */
		if (t == 40000)
			assert_int_equal(jump_noise(&s, 1000 + t, WIN), 0);  /* 4 windows */
	}
	assert_int_equal(jump_noise(&s, 1000 + t, WIN), 5 * MIB);
	assert_int_equal(jump_noise(&flat, 1000 + t, WIN), 0);
	/* a climb rises 9 MiB over three reports in every window, and
	 * never comes back down: no noise */
	assert_int_equal(jump_noise(&ramp, 1000 + t, WIN), 0);
	assert_int_equal(jump_noise(&s, 1000 + t, 0), 0);
}

/* jump_snapshot() fills noise_kb only under the key. */
static void test_snapshot_under_key(void **state)
{
	struct jump_state s;
	struct policy_dom d = swapless_300(1, 300 * MIB);
	struct policy_params p = params;
	uint64_t t;

	jump_reset(&s);
	for (t = 0; t < 120000; t += 1000)
		see(&s, t, (300 + (t / 1000) % 2 * 5) * MIB);
	jump_snapshot(&s, &p, 1000 + t, &d);
	assert_int_equal(d.noise_kb, 5 * MIB);
	p.noise_margin_kb = 0;
	jump_snapshot(&s, &p, 1000 + t, &d);
	assert_int_equal(d.noise_kb, 0);
}

/* Random snapshots (as test_scarce_props.c draws them: estimates, swap
 * room for some), each with noise on some estimated domains, decided
 * with the key off and on. Always: the targets sum to at most M. In a
 * cycle whose tier 1 does not fit whole without the margins (it decides
 * in tier 1, or is infeasible), the margin is not given: every target is
 * the key-off target. Where tier 1 fits, the key moves some target in
 * enough snapshots not to pass vacuously. (test_scarce_props.c's
 * reference ladder models no kill margin, swapless_keep_mb's neither:
 * with a margin in its snapshots it fails for either key.) */
#define MAXN 24
#define ROUNDS 2000

static void test_random_not_past_tier1(void **state)
{
	static struct policy_dom d[MAXN];
	static struct policy_decision off_o[MAXN], on_o[MAXN];
	unsigned tier1 = 0, moved = 0;

	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		struct rng r = { seed * 7919 };
		size_t n = (size_t)rng_range(&r, 1, MAXN);
		struct policy_params off = random_params(&r), on;
		struct policy_cycle c_off, c_on;
		int64_t host_free, sum = 0;
		bool differ = false;

		off.need = POLICY_NEED_ESTIMATE;
		off.solver = POLICY_SOLVER_EXACT;
		off.mode = POLICY_FORCE_GLOBAL;
		off.noise_margin_kb = 0;
		for (size_t i = 0; i < n; i++) {
			d[i] = random_dom(&r, (uint32_t)(i + 1));
			if (!rng_chance(&r, 80))
				continue;
			d[i].flags |= POLICY_IN_WS;
			d[i].ws_kb = rng_range(&r, 0, 2 * d[i].actual_kb);
			d[i].gap_kb = rng_range(&r, 0, 256 * MIB);
			if (rng_chance(&r, 40)) {
				d[i].swap_tot_kb = rng_range(&r, 1, 2 * d[i].actual_kb + 1);
				d[i].swap_free_kb = rng_range(&r, 0, d[i].swap_tot_kb);
			}
			if (rng_chance(&r, 60))
				d[i].noise_kb = rng_range(&r, 1, 32 * MIB);
			/* half of them held at about their need */
			if (rng_chance(&r, 50))
				d[i].actual_kb = d[i].target_kb = d[i].ws_kb > 64 * MIB ? d[i].ws_kb : 64 * MIB;
		}
		host_free = random_host_free(&r, d, n);
		on = off;
		on.noise_margin_kb = rng_range(&r, 1, 32) * MIB;
		decide(&off, host_free, d, n, off_o, &c_off);
		decide(&on, host_free, d, n, on_o, &c_on);
		for (size_t i = 0; i < n; i++) {
			sum += (int64_t)on_o[i].target_kb;
			differ |= on_o[i].target_kb != off_o[i].target_kb;
		}
		if (c_on.mode == POLICY_MODE_SCARCE && sum > c_on.budget_kb)
			fail_msg("seed %u: sum targets %lld > M %lld", seed,
				 (long long)sum, (long long)c_on.budget_kb);
		if (c_off.mode != POLICY_MODE_SCARCE)
			continue;
		if (c_off.stage == POLICY_STAGE_INFEASIBLE || c_off.tier == 1) {
			tier1++;
			if (differ)
				fail_msg("seed %u: a margin given in a cycle whose tier 1 does not fit (tier %u, stage %d)",
					 seed, c_off.tier, (int)c_off.stage);
		} else {
			moved += differ;
		}
	}
	print_message("tier 1 or infeasible %u, moved where tier 1 fits %u\n", tier1, moved);
	assert_true(tier1 > 100 && moved > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_noisy_given_quiet_not, setup),
		cmocka_unit_test_setup(test_capped, setup),
		cmocka_unit_test_setup(test_free_swap_holds_it, setup),
		cmocka_unit_test_setup(test_not_in_infeasible_cycle, setup),
		cmocka_unit_test_setup(test_short_gets_need_only, setup),
		cmocka_unit_test_setup(test_jump_noise, setup),
		cmocka_unit_test_setup(test_snapshot_under_key, setup),
		cmocka_unit_test(test_random_not_past_tier1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
