/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The adoption grace in scarce mode (design.md §Growth is never cut,
 * §Scarce mode from the estimated need, "The adoption grace's tier"): a
 * newly adopted domain keeps min(B_i, H_i, max(W_i, C_i + O_i) + g_i)
 * against the others' gaps, but what that floor holds above its need
 * floor min(B_i, W_i) yields to what another guest lacks of its need and
 * OOM margin: tier 5, after every need (tiers 1-3) and margin (tier 4),
 * before every gap (tier 6). paper-mono-300 and starving-holder in
 * miniature: the adopted guests kept their gap and Committed_AS lead
 * for their first minute while another guest was short of its need.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	return 0;
}

/* dom 1: needs 260 MiB and holds 200, no grace. */
static struct policy_dom needy(void)
{
	return est_dom(1, 200 * MIB, 260 * MIB);
}

/* dom 2, adopted 30 s ago: needs 200, has 216 committed, holds 300: its
 * grace floor is min(300, 216 + 64) = 280, its need floor 200. */
static struct policy_dom adopted(void)
{
	struct policy_dom d = est_dom(2, 300 * MIB, 200 * MIB);

	d.committed_as_kb = 216 * MIB;
	d.flags |= POLICY_IN_GRACE;
	return d;
}

/*
 * Nothing is free (M = 500). Kept whole, the grace left dom 1 at 500 -
 * 280 = 220 MiB, 40 short of its need; yielding (dom 1 lacks 60, the
 * grace holds 80 above the need floor), dom 1 gets its need and dom 2
 * the rest: 240 MiB, its need and 40 of its grace, reason `yield`.
 */
static void test_grace_yields_to_a_need(void **state)
{
	struct policy_dom d[2] = { needy(), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].target_kb, 260 * MIB);
	assert_in_range(out[1].target_kb, 240 * MIB - POLICY_PAGE_KB, 240 * MIB);
	assert_true(out[1].reasons & POLICY_R_YIELD);
	assert_int_equal(cycle.tier, 5);

	/* Out of its grace its floor is min(B, W) = 200: the two needs fit
	 * and the gaps share the other 40 MiB at one price. */
	d[1].flags &= ~(uint32_t)POLICY_IN_GRACE;
	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_true(out[0].target_kb > 260 * MIB);
	assert_in_range(out[1].target_kb, 200 * MIB, 240 * MIB);
	assert_false(out[1].reasons & POLICY_R_YIELD);
}

/* Once every need fits, the grace holds against the gaps: with 60 MiB
 * free (M = 560) dom 2 keeps its 280 MiB and dom 1 gets 20 of its gap;
 * out of its grace dom 2 would share the gaps at one price. */
static void test_grace_holds_against_gaps(void **state)
{
	struct policy_dom d[2] = { needy(), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, 60 * MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(cycle.tier, POLICY_TIER_GAPS);
	assert_int_equal(out[1].target_kb, 280 * MIB);
	assert_in_range(out[0].target_kb, 280 * MIB - POLICY_PAGE_KB, 280 * MIB);
	assert_true(out[1].reasons & POLICY_R_ADOPT);
	assert_false(out[1].reasons & POLICY_R_YIELD);

	d[1].flags &= ~(uint32_t)POLICY_IN_GRACE;
	decide(&params, 60 * MIB, d, 2, out, &cycle);
	assert_true(out[1].target_kb < 280 * MIB);
	assert_true(out[0].target_kb > 280 * MIB);
}

/* Short of the needs themselves (M = 440 < 460): the grace yields what
 * dom 1 lacks (60 of its 80), so both are at least at their need floor
 * min(B, W) = 200 and the cycle is feasible; kept whole (280 + 200 >
 * 440) it was infeasible, dom 2 held at 280. */
static void test_grace_below_the_needs(void **state)
{
	struct policy_dom d[2] = { needy(), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, -60 * (int64_t)MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb >= 200 * MIB);
	assert_in_range(out[1].target_kb, 220 * MIB - POLICY_PAGE_KB, 240 * MIB);
	assert_true(out[0].target_kb + out[1].target_kb <= 440 * MIB);
}

/* Nobody lacks a need (dom 1 holds its 260): for a reservation that
 * squeezes M (500 < 260 + 280) the grace does not yield: infeasible,
 * nobody cut below its floor, as before. (Below the host's reserve the
 * daemon drops the grace altogether: cycle.c.) */
static void test_grace_holds_without_a_need(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 260 * MIB, 260 * MIB), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, -40 * (int64_t)MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
	assert_int_equal(out[0].target_kb, 260 * MIB);
	assert_int_equal(out[1].target_kb, 280 * MIB);
	assert_false(out[1].reasons & POLICY_R_YIELD);
}

/*
 * The grace comes after an OOM margin (tier 4): dom 1, swapless, has
 * grown and paused (W 300, its whole 64 MiB gap a margin: W* = 364) and
 * holds 300; dom 2's grace holds 80 above its need floor. M = 600: the
 * needs (300 + 200) and the margin fit, so dom 1 gets its 364 and dom 2
 * the rest, 236 (its grace yields the 64 dom 1 lacks of its margin).
 * Kept whole, the grace held 280 and dom 1 got 320.
 */
static void test_grace_after_a_margin(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 300 * MIB, 300 * MIB), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	d[0].flags |= POLICY_IN_GROWING;
	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].target_kb, 364 * MIB);
	assert_in_range(out[1].target_kb, 236 * MIB - POLICY_PAGE_KB, 236 * MIB);
	assert_int_equal(cycle.tier, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grace_yields_to_a_need, setup),
		cmocka_unit_test_setup(test_grace_holds_against_gaps, setup),
		cmocka_unit_test_setup(test_grace_below_the_needs, setup),
		cmocka_unit_test_setup(test_grace_holds_without_a_need, setup),
		cmocka_unit_test_setup(test_grace_after_a_margin, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
