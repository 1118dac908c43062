/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scarce mode under need = estimate: the OOM margin of a growing guest
 * without swap room (the part of its gap its swap cannot hold) is
 * served after every domain's need now and before anyone's gap once its
 * steps have paused (twice their own pace); what its programs committed
 * and have not touched yet, and the margin of a climb still under way,
 * stay need now
 * (design.md §Growth is never cut, "The margin after the needs").
 * gap-stairs (docs/evaluation.md, "Session 8: gap-stairs against
 * today"): a swapless guest kept its 64 MiB margin for the minute after
 * its climb while a guest with swap paged 13 MiB of its need.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	policy_params_default(&params);   /* need = estimate, oom_room_s 60 */
	params.reserve_kb = 0;
	params.mode = POLICY_FORCE_AUTO;
	return 0;
}

/* Swapless and growing: a margin of its whole gap. */
static struct policy_dom climber(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = est_dom(domid, held, ws);

	d.flags |= POLICY_IN_GROWING;
	return d;
}

/* The climber (W 300, margin 64) holds 364; the swapper needs 340 and
 * holds 324: it pages 16 MiB. M = 688. Its need comes before the
 * climber's margin: 340, and the climber keeps 348 (its need and 48 of
 * its margin), tier 4. Before the margin tier, the climber's W*_i = 364
 * was tier 1 and its floor: 364 and 324, the swapper paging on. */
static void test_need_before_margin(void **state)
{
	struct policy_dom d[2] = { climber(1, 364 * MIB, 300 * MIB),
				   est_swap_dom(2, 324 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[1].target_kb, 340 * MIB);
	assert_in_range(o[0].target_kb, 348 * MIB - 4, 348 * MIB);
	assert_int_equal(cycle.tier, 4);
	assert_true(o[0].target_kb + o[1].target_kb <= 688 * MIB);
}

/* The margin still comes before another's gap: the climber holds 340,
 * the other (W 200, no swap room to speak of) 280, M = 620. Needs 500,
 * with the margin 564: the gaps' tier (6) shares the rest, and the
 * climber has its whole margin, 364; the other 256 (56 of its gap). */
static void test_margin_before_gap(void **state)
{
	struct policy_dom d[2] = { climber(1, 340 * MIB, 300 * MIB),
				   est_dom(2, 280 * MIB, 200 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_in_range(o[1].target_kb, 256 * MIB - 4, 256 * MIB);
}

/* What the climber's programs committed and have not touched is need
 * now (malloc, then fill): with 64 MiB of it, W*_i = 364 stays tier 1
 * and its floor, and the swapper pages (as before the margin tier). */
static void test_committed_lead_is_need(void **state)
{
	struct policy_dom d[2] = { climber(1, 364 * MIB, 300 * MIB),
				   est_swap_dom(2, 324 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].commit_new_kb = 64 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 324 * MIB);
}

/* The climber with `flag` keeps its whole margin as need (364 MiB, its
 * floor); the swapper gets what is left (324 MiB). */
static void assert_margin_is_need(uint32_t flag)
{
	struct policy_dom d[2] = { climber(1, 364 * MIB, 300 * MIB),
				   est_swap_dom(2, 324 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].flags |= flag;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 324 * MIB);
}

/* Still climbing (its last rise within twice its pace): the next step
 * is as good as here, so the margin is need now, tier 1 and its floor,
 * as before the margin tier: the swapper pages (margin-steps: a climb
 * whose steps come every 20 s was OOM-killed twice with the margin
 * served after the needs). */
static void test_climbing_margin_is_need(void **state)
{
	assert_margin_is_need(POLICY_IN_CLIMBING);
}

/* OOM-killed within oom_hold_s (its minimum raised): the margin is what
 * it lacked then, need now whatever the pace. */
static void test_killed_margin_is_need(void **state)
{
	assert_margin_is_need(POLICY_IN_OOM_MIN);
}

/* Not growing: no margin at all, the climber is sized by W_i + g_i
 * like any guest, and both share the gaps' tier. */
static void test_no_margin_without_growth(void **state)
{
	struct policy_dom d[2] = { climber(1, 364 * MIB, 300 * MIB),
				   est_swap_dom(2, 324 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].flags &= ~(uint32_t)POLICY_IN_GROWING;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_true(o[1].target_kb >= 340 * MIB);
	assert_true(o[0].target_kb >= 300 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_need_before_margin, setup),
		cmocka_unit_test_setup(test_margin_before_gap, setup),
		cmocka_unit_test_setup(test_committed_lead_is_need, setup),
		cmocka_unit_test_setup(test_climbing_margin_is_need, setup),
		cmocka_unit_test_setup(test_killed_margin_is_need, setup),
		cmocka_unit_test_setup(test_no_margin_without_growth, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
