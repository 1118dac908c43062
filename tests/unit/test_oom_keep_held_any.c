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
	struct policy_dom d = est_dom(domid, held, ws);

	d.min_kb = 364 * MIB;
	d.oom_raise_kb = 364 * MIB;
	d.oom_kill_kb = 300 * MIB;
	d.rise_most_kb = 200 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	return d;
}

/* M = 688 (16 MiB free); the pager (256 MiB of swap) holds 372 and
 * needs 460. Off (and with oom_keep_held_kill alone: the kill does not
 * recur, its rise is past the margin): 300, the next MiB of noise a
 * kill, the pager gets the free 16. On: 316, the pager stays at 372. */
static void test_given_at_its_target(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB),
				   est_swap_dom(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	off.oom_keep_held_any = false;
	off.oom_keep_held_kill = true;
	decide(&off, 16 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);

	decide(&params, 16 * MIB, d, 2, o, &cycle);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_given_at_its_target, setup),
		cmocka_unit_test_setup(test_only_held_not_growing_swapless, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
