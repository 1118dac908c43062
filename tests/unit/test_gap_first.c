/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gaps, swapless first (gap_swapless_first;
 * design.md §Scarce mode from the estimated need, "The gaps";
 * solve_tiers.c gaps_first()): when
 * scarce mode reaches the gaps, every need met, the part of each gap
 * that the guest's free swap cannot hold is served before the rest. A
 * swapless guest's rise within its gap is an OOM kill; a guest with
 * free swap pages it.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.gap_swapless_first = true;      /* off by default */
	return 0;
}

/* s: swapless, holds and needs 300 MiB (gap 64: U = 364); w: holds and
 * needs 400 with 200 MiB of free swap (U = 464); p: holds and needs 200
 * with 20 MiB of free swap (44 of its gap it cannot hold). */
static void doms(struct policy_dom d[3])
{
	d[0] = est_dom(1, 300 * MIB, 300 * MIB);
	d[1] = est_swap_dom(2, 400 * MIB, 400 * MIB);
	d[2] = est_swap_dom(3, 200 * MIB, 200 * MIB);
	d[2].swap_free_kb = 20 * MIB;
}

/* 108 MiB free: every need met, 192 of gaps wanted. The gap swap cannot
 * hold, 64 + 0 + 44, is exactly what is free: s and p get it whole, w
 * none. Without the rule the three share the 108 by price and the
 * swapless guest is left short of its gap. */
static void test_swapless_gap_first(void **state)
{
	struct policy_dom d[3];
	struct policy_decision o[3];
	struct policy_cycle cycle;

	doms(d);
	decide(&params, 108 * MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 400 * MIB);
	assert_int_equal(o[2].target_kb, 244 * MIB);

	params.gap_swapless_first = false;
	decide(&params, 108 * MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_true(o[0].target_kb < 364 * MIB);
	assert_true(o[1].target_kb > 400 * MIB);
	/* all of it handed out, to the page */
	assert_true(o[0].target_kb + o[1].target_kb + o[2].target_kb > 1008 * MIB - 16 &&
		    o[0].target_kb + o[1].target_kb + o[2].target_kb <= 1008 * MIB);
}

/* Less than the gap swap cannot hold (60 free): it is shared between s
 * and p by the tier's price (here p's 44 whole, s 15), w gets nothing
 * above its need. More (150 free): s and
 * p whole, the 42 left to the rest of the gaps (w's own, p's 20 that
 * its swap can hold). */
static void test_shares(void **state)
{
	struct policy_dom d[3];
	struct policy_decision o[3];
	struct policy_cycle cycle;

	doms(d);
	decide(&params, 60 * MIB, d, 3, o, &cycle);
	assert_int_equal(o[1].target_kb, 400 * MIB);
	assert_true(o[0].target_kb > 300 * MIB && o[0].target_kb < 364 * MIB);
	assert_true(o[2].target_kb > 200 * MIB && o[2].target_kb <= 244 * MIB);
	assert_true(o[0].target_kb + o[2].target_kb > 560 * MIB - 16 &&
		    o[0].target_kb + o[2].target_kb <= 560 * MIB);

	decide(&params, 150 * MIB, d, 3, o, &cycle);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_true(o[1].target_kb > 400 * MIB);
	assert_true(o[2].target_kb >= 244 * MIB);
	assert_true(o[1].target_kb + o[2].target_kb > 686 * MIB - 16 &&
		    o[1].target_kb + o[2].target_kb <= 686 * MIB);
}

/* Short of the needs (tier 1 to 5 decide), the rule changes nothing. */
static void test_needs_untouched(void **state)
{
	struct policy_dom d[3];
	struct policy_decision on[3], off[3];
	struct policy_cycle cycle;

	doms(d);
	d[1].ws_kb = d[1].committed_as_kb = 520 * MIB;
	decide(&params, 40 * MIB, d, 3, on, &cycle);
	assert_true(cycle.tier < POLICY_TIER_GAPS);
	params.gap_swapless_first = false;
	decide(&params, 40 * MIB, d, 3, off, &cycle);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(on[i].target_kb, off[i].target_kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_swapless_gap_first, setup),
		cmocka_unit_test_setup(test_shares, setup),
		cmocka_unit_test_setup(test_needs_untouched, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
