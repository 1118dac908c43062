/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kill where the guest is held, whatever led to it
 * (`oom_keep_held_any`; design.md §Growth is never cut, "A kill where it
 * is held"; oom_keep_full.c). A swapless guest at a plateau with a few
 * MiB of noise, killed at the very target it holds once after a jump
 * (its kill does not recur near one level) and with a shown rise far
 * beyond the margin (the jump), gets no margin from
 * `oom_keep_held_kill`; with this key it is given oom_min_keep's margin
 * above its target, the pager paging for it.
 */
#include "test_policy_util.h"
#include "policy/solve.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);    /* the defaults, no slack */
	params.oom_keep_held_any = true;
	return 0;
}

/* Swapless, killed once at 300 MiB while it held 300 (its minimum
 * raised to 364), after a jump of 200 MiB; holding `held`, needing `ws`. */
static struct policy_dom killed(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = killed_held(domid, held, ws);

	d.rise_most_kb = 200 * MIB;
	return d;
}

/* M = 688 (16 MiB free); the pager (256 MiB of swap) holds 372 and
 * needs 460. Off (and with oom_keep_held_kill alone: the kill does not
 * recur, its rise is past the margin): 300, the next MiB of noise a
 * kill, the pager gets the free 16. On: 316, the pager stays at 372. */
static void test_given_at_its_target(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB) };
	struct policy_decision o[2];
	struct policy_params off = params;

	off.oom_keep_held_any = false;
	off.oom_keep_held_kill = true;
	held_kill_cycle(&off, d, o);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);

	held_kill_cycle(&params, d, o);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 372 * MIB);
}

/* Not once cut below the level of its latest kill, nor for a load that
 * grows, nor a guest with swap, nor without a kill in force, nor where
 * its maximum leaves no room for the margin above the kill. */
static void test_only_held_not_growing_swapless(void **state)
{
	struct policy_dom d = killed(1, 300 * MIB, 300 * MIB);

	assert_true(policy_oom_keep_held_any(&params, &d, 300 * MIB));
	assert_true(policy_oom_keep_held_kill(&params, &d, 300 * MIB));
	assert_false(policy_oom_keep_held_any(&params, &d, 310 * MIB));
	d.flags |= POLICY_IN_GROWING;
	assert_false(policy_oom_keep_held_any(&params, &d, 300 * MIB));
	d.flags &= ~POLICY_IN_GROWING;
	d.swap_tot_kb = 64 * MIB;
	assert_false(policy_oom_keep_held_any(&params, &d, 300 * MIB));
	d.swap_tot_kb = 0;
	d.flags &= ~POLICY_IN_OOM_MIN;
	assert_false(policy_oom_keep_held_any(&params, &d, 300 * MIB));
	d.flags |= POLICY_IN_OOM_MIN;
	d.max_kb = 310 * MIB;
	assert_false(policy_oom_keep_held_any(&params, &d, 300 * MIB));
	d.max_kb = 316 * MIB;
	assert_true(policy_oom_keep_held_any(&params, &d, 300 * MIB));
}

/* Tier 1's, not a floor: with the host 40 MiB in debt (M = 632) the
 * floors (300 and the pager's 372) do not fit, the cycle is infeasible
 * and everybody is at its floor: 300, no margin (as a floor of every
 * tier it was given there too: session 25's test_scarce_props
 * failures). */
static void test_not_in_an_infeasible_cycle(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB),
				   est_swap_dom(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, -40 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.stage, POLICY_STAGE_INFEASIBLE);
	assert_int_equal(o[0].target_kb, 300 * MIB);
}

/* As far as tier 1 fits: the pager holds 324, what its swap cannot hold
 * of its need (460 - 136), and M = 632 (8 MiB free). Tier 1 with the
 * whole margin (316 + 324) is 8 MiB over M: the margin comes at the
 * share that fits, 308, and the pager stays at 324; with 16 MiB free,
 * all of it. */
static void test_as_far_as_tier1_fits(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB),
				   est_swap_dom(2, 324 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 8 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.tier, 1);
	assert_in_range(o[0].target_kb, 308 * MIB - 4, 308 * MIB);
	assert_in_range(o[1].target_kb, 324 * MIB, 324 * MIB + 4);
	decide(&params, 16 * MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 324 * MIB);
}

/* A margin below min_change (W_i 292: min(300 + 16, 292 + 16) = 308, 8
 * MiB above the 300 it holds) starves the guest for the unpark passes
 * with the key, not without; holding it already, not. */
static void test_small_margin_starves(void **state)
{
	struct policy_dom d = killed(1, 300 * MIB, 292 * MIB);
	struct policy_params off = params;

	assert_int_equal(policy_oom_held_top_kb(&params, &d), 308 * MIB);
	assert_int_equal(policy_oom_held_margin_kb(&params, &d, 292 * MIB, 356 * MIB), 16 * MIB);
	assert_int_equal(policy_oom_held_margin_kb(&params, &d, 292 * MIB, 300 * MIB), 8 * MIB);
	assert_true(policy_starving(&params, &d));
	off.oom_keep_held_any = false;
	assert_int_equal(policy_oom_held_top_kb(&off, &d), 0);
	assert_false(policy_starving(&off, &d));
	d.target_kb = d.actual_kb = 308 * MIB;
	assert_false(policy_starving(&params, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_given_at_its_target, setup),
		cmocka_unit_test_setup(test_only_held_not_growing_swapless, setup),
		cmocka_unit_test_setup(test_not_in_an_infeasible_cycle, setup),
		cmocka_unit_test_setup(test_as_far_as_tier1_fits, setup),
		cmocka_unit_test_setup(test_small_margin_starves, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
