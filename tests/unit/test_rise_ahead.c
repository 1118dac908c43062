/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rise ahead (design.md §Scarce mode from the estimated need, "The
 * rise ahead"): while a domain's W_i climbs, its rise over the next two
 * intervals at the pace of the climb (policy_dom.rise_kb is one
 * interval's; the sum at most g_i) is need now in scarce mode: tiers 1-3
 * and what an adoption grace yields to; the goal and the no-shrink floor
 * take the next interval's only. The starving test of
 * unpark looks one interval ahead. paper-mono-300 in miniature: the rising guest was given
 * exactly its measured need each cycle and paged one sample of its ramp
 * for the whole first minute while the falling guest's grace held its gap.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	return 0;
}

/* dom 1 climbs: holds 200 MiB, W = 200, free swap beyond its gap, rising
 * by `rise` by the next cycle. */
static struct policy_dom climber(uint64_t rise)
{
	struct policy_dom d = est_swap_dom(1, 200 * MIB, 200 * MIB);

	d.flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING | POLICY_IN_RAMP;
	d.rise_kb = rise;
	return d;
}

/* dom 2 in its adoption grace: holds 280, needs 200, 216 committed: its
 * grace floor min(280, 216 + 64) = 280, its need floor 200. */
static struct policy_dom adopted(void)
{
	struct policy_dom d = est_dom(2, 280 * MIB, 200 * MIB);

	d.committed_as_kb = 216 * MIB;
	d.flags |= POLICY_IN_GRACE;
	return d;
}

/* Nothing free (M = 480). Measured W only, dom 1 lacks nothing and the
 * grace holds whole: dom 1 stays at 200 and pages its next 4 MiB. With
 * the rise ahead, dom 1 lacks two intervals' rise (8 MiB) of its need now
 * (the memory a donor gives lands a cycle after its decrease) and the
 * grace yields them. */
static void test_grace_yields_the_rise(void **state)
{
	struct policy_dom d[2] = { climber(4 * MIB), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].target_kb, 208 * MIB);
	assert_in_range(out[1].target_kb, 272 * MIB - POLICY_PAGE_KB, 272 * MIB);
	assert_true(out[1].reasons & POLICY_R_YIELD);

	params.rise_ahead = false;
	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 200 * MIB);
	assert_int_equal(out[1].target_kb, 280 * MIB);
	params.rise_ahead = true;

	/* Climbing without a kept pace (not POLICY_IN_RAMP): one
	 * interval's rise, 4 MiB. */
	d[0].flags &= ~POLICY_IN_RAMP;
	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 204 * MIB);
	assert_in_range(out[1].target_kb, 276 * MIB - POLICY_PAGE_KB, 276 * MIB);

	/* Not climbing (rise 0): as measured. */
	d[0] = climber(0);
	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 200 * MIB);
}

/* The rise ahead is at most the gap: a 100 MiB rise counts 64 (W + g is
 * the goal; the rise never raises it). */
static void test_rise_capped_at_gap(void **state)
{
	struct policy_dom d[2] = { climber(100 * MIB), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 264 * MIB);
	assert_in_range(out[1].target_kb, 216 * MIB - POLICY_PAGE_KB, 216 * MIB);

	/* Abundant (1 GiB free): the goal is W + g whatever the rise. */
	decide(&params, 1024 * MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	struct policy_decision ref[2];

	d[0].rise_kb = 0;
	decide(&params, 1024 * MIB, d, 2, ref, &cycle);
	assert_int_equal(out[0].target_kb, ref[0].target_kb);
}

/* The 4 MiB the grace yields are below min_change: the climber counts as
 * starving (its W by the next cycle above what it holds), so the donor's
 * held-back decrease is written for it (design.md §No parked memory, rule
 * 3). With W as measured it is not starving and nothing is written. */
static void test_unpark_for_the_rise(void **state)
{
	struct policy_dom d[2] = { climber(4 * MIB), adopted() };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	run_cycle(&params, 0, d, 2, out, &cycle);
	assert_true(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_UNPARK);
	assert_true(out[1].write_kb < 280 * MIB);

	params.rise_ahead = false;
	run_cycle(&params, 0, d, 2, out, &cycle);
	assert_false(out[0].has_write);
	assert_false(out[1].has_write);
	params.rise_ahead = true;
}

/* The climber (W 200, rising 4 MiB an interval) holds 206: short of its
 * two intervals' lead (208), but not of W by the next cycle (204): not
 * starving, so the moves below min_change wait (funded a cycle ago, it is
 * not paid again in the cycle after). At 202 it is starving and the
 * donor's held-back decrease is written for it. The donor holds 276 and
 * needs 270; nothing is free: the solver moves each by a few MiB. */
static void test_lead_is_not_starving(void **state)
{
	struct policy_dom d[2] = { climber(4 * MIB), est_swap_dom(2, 276 * MIB, 270 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	d[0].target_kb = d[0].actual_kb = 206 * MIB;
	run_cycle(&params, 0, d, 2, out, &cycle);
	assert_true(out[0].target_kb >= 208 * MIB);
	assert_true(out[1].target_kb < 276 * MIB);
	assert_false(out[0].has_write);
	assert_false(out[1].has_write);

	d[0].target_kb = d[0].actual_kb = 202 * MIB;
	d[1].target_kb = d[1].actual_kb = 280 * MIB;
	run_cycle(&params, 0, d, 2, out, &cycle);
	assert_true(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_UNPARK);
	assert_true(out[1].write_kb < 280 * MIB);
}

/* The lead's second interval is scarce mode's: the cycle a donor's
 * decrease takes to land. With the memory free (abundant mode) the
 * increase is written at once, and the no-shrink floor of a ramp holding
 * 300 (W 200, rising 8 MiB an interval) is W by the next cycle, 208. In
 * scarce mode (the other guest holds 400 and needs 484: tier 1 alone,
 * 216 + 484, takes all 700) it serves the ramp two intervals ahead, 216,
 * before anyone's gap (one interval: 208 and a share of the 8 left). */
static void test_lead_is_scarce_only(void **state)
{
	struct policy_dom d[2] = { climber(8 * MIB), est_swap_dom(2, 400 * MIB, 484 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	d[0].target_kb = d[0].actual_kb = 300 * MIB;
	decide(&params, 2048 * MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].floor_kb, 208 * MIB);

	decide(&params, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb >= 216 * MIB);
	assert_true(out[0].target_kb < 300 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grace_yields_the_rise, setup),
		cmocka_unit_test_setup(test_rise_capped_at_gap, setup),
		cmocka_unit_test_setup(test_unpark_for_the_rise, setup),
		cmocka_unit_test_setup(test_lead_is_not_starving, setup),
		cmocka_unit_test_setup(test_lead_is_scarce_only, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
