/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A gap that scales with the guest (headroom_ws_pct, off by default;
 * need.c policy_fixed_gap_kb(), gap.c's bounds): the fixed gap is the
 * larger of headroom_mb and a share of the demand, so a guest of tens of
 * GiB gets hundreds of MiB and one of a few hundred MiB keeps
 * headroom_mb; the learned gap's ceiling rises with it; off, every
 * guest keeps headroom_mb (docs/evaluation/sessions/session-26.md,
 * "(biggap26)").
 */
#include "test_policy_util.h"

#include "policy/gap.h"

/* 2 %: 20000 MiB -> 400 MiB; 512 MiB -> headroom_mb; the knee at
 * headroom_mb * 100 / pct = 3200 MiB. Off: headroom_mb at any size. */
static void test_fixed_gap_scales(void **state)
{
	struct policy_params p;

	(void)state;
	policy_params_default(&p);
	assert_int_equal(p.headroom_ws_pct, 0);
	assert_int_equal(policy_fixed_gap_kb(&p, 20000 * MIB), p.headroom_kb);
	p.headroom_ws_pct = 2;
	assert_int_equal(policy_fixed_gap_kb(&p, 20000 * MIB), 400 * MIB);
	assert_int_equal(policy_fixed_gap_kb(&p, 512 * MIB), p.headroom_kb);
	assert_int_equal(policy_fixed_gap_kb(&p, 3200 * MIB), p.headroom_kb);
	assert_int_equal(policy_fixed_gap_kb(&p, 3300 * MIB), 66 * MIB);
	assert_int_equal(policy_fixed_gap_kb(&p, 0), p.headroom_kb);
	/* a page multiple, monotone in the demand, never above pct of it
	 * beyond headroom_mb, bounded for any figure */
	uint64_t prev = 0;

	for (uint64_t w = 0; w < 64 * GIB; w += 7777777) {
		uint64_t g = policy_fixed_gap_kb(&p, w);

		assert_int_equal(g % 4, 0);
		assert_true(g >= prev);
		assert_true(g >= p.headroom_kb);
		assert_true(g == p.headroom_kb || g <= w * 2 / 100);
		prev = g;
	}
	assert_true(policy_fixed_gap_kb(&p, UINT64_MAX) <= POLICY_KB_MAX);
}

/* A domain without a gap from the builder (no POLICY_IN_GAP, sized by
 * Committed_AS) in abundant mode: the big one is given its demand and
 * 2 % of it, the small one its demand and headroom_mb; off, both
 * headroom_mb. */
static void test_goal_big_and_small(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = {
		dom_u(1, 22000 * MIB, 2000 * MIB, 20000 * MIB, 0, 32 * GIB),
		dom_u(2, 800 * MIB, 300 * MIB, 500 * MIB, 0, 2 * GIB),
	};
	struct policy_decision o[2];
	struct policy_cycle cycle;

	(void)state;
	p.headroom_ws_pct = 2;
	decide(&p, 8 * GIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 20400 * MIB);
	assert_int_equal(o[1].goal_kb, 500 * MIB + p.headroom_kb);

	p.headroom_ws_pct = 0;
	decide(&p, 8 * GIB, d, 2, o, &cycle);
	assert_int_equal(o[0].goal_kb, 20000 * MIB + p.headroom_kb);
	assert_int_equal(o[1].goal_kb, 500 * MIB + p.headroom_kb);
}

/* The learned gap's ceiling: gap_max_mb for a small demand, the share
 * for a big one (at most half the demand still), gap_max_mb at any
 * demand with the key off. */
static void test_learned_ceiling(void **state)
{
	struct policy_params p;
	uint64_t lo, hi;

	(void)state;
	policy_params_default(&p);
	gap_bounds(&p, 20000 * MIB, false, &lo, &hi);
	assert_int_equal(hi, p.gap_max_kb);
	p.headroom_ws_pct = 2;
	gap_bounds(&p, 20000 * MIB, false, &lo, &hi);
	assert_int_equal(hi, 400 * MIB);
	assert_int_equal(lo, p.gap_min_kb);
	gap_bounds(&p, 1000 * MIB, false, &lo, &hi);
	assert_int_equal(hi, p.gap_max_kb);
	p.headroom_ws_pct = 50;
	p.headroom_kb = 0;
	gap_bounds(&p, 1000 * MIB, false, &lo, &hi);
	assert_true(hi <= 500 * MIB);
}

/* Refused above 50 %. */
static void test_pct_checked(void **state)
{
	struct policy_params p;
	char err[128];

	(void)state;
	policy_params_default(&p);
	p.headroom_ws_pct = 50;
	assert_int_equal(policy_params_check(&p, err, sizeof(err)), 0);
	p.headroom_ws_pct = 51;
	assert_int_not_equal(policy_params_check(&p, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_gap_scales),
		cmocka_unit_test(test_goal_big_and_small),
		cmocka_unit_test(test_learned_ceiling),
		cmocka_unit_test(test_pct_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
