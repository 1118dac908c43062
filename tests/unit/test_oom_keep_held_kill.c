/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kill where the guest is held (`oom_keep_held_kill`; design.md
 * §Growth is never cut, "A kill where it is held"; oom_keep_full.c).
 * Under the defaults (oom_recur_keep, oom_min_keep_held) a swapless
 * guest killed again near one level keeps oom_min_keep's margin only if
 * it holds it whole: one killed at the very target it holds gets none
 * and is killed again there. With the key it is given the margin, if
 * it holds the target it was killed at and its shown rises fit the
 * margin, and it starves for the unpark passes however small the
 * margin is.
 */
#include "test_policy_util.h"
#include "policy/solve.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);    /* the defaults, no slack */
	params.oom_keep_held_kill = true;
	/* Off here: that key gives a kill that need not recur the margin
	 * too (test_oom_keep_held_any.c). */
	params.oom_keep_held_any = false;
	return 0;
}

/* Swapless, killed twice near 300 MiB while it held 300 (its minimum
 * raised to 364), holding `held` now, needing `ws`. */
static struct policy_dom killed(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = killed_held(domid, held, ws);

	d.flags |= POLICY_IN_OOM_RECUR;
	return d;
}

/* M = 688 (16 MiB free); the pager (256 MiB of swap) holds 372 and
 * needs 460, the killed guest 300 at the target it was killed at. Off
 * (the defaults): the margin is not held whole, so none: 300, killed
 * again by its next rise of a MiB, and the pager gets the free 16. On:
 * given, 316, the pager pages those 16 MiB for it. */
static void test_given_at_its_target(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB) };
	struct policy_decision o[2];
	struct policy_params off = params;

	off.oom_keep_held_kill = false;
	held_kill_cycle(&off, d, o);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);

	held_kill_cycle(&params, d, o);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 372 * MIB);
}

/* Not for a guest whose rises reach past the margin (a rescue the next
 * rise undoes: saw-sample's s4), nor one cut below the level of its
 * latest kill since (what it holds is not where it was killed), nor a
 * kill that does not recur, nor a load that grows (a leak or a climb
 * passes every margin: leak-fleet's l3), nor a guest with swap. */
static void test_only_a_held_recurring_small_rise(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB) };
	struct policy_decision o[2];

	d[0].rise_most_kb = 32 * MIB;
	held_kill_cycle(&params, d, o);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_false(policy_oom_keep_held_kill(&params, &d[0], 300 * MIB));

	d[0].rise_most_kb = 8 * MIB;
	assert_true(policy_oom_keep_held_kill(&params, &d[0], 300 * MIB));
	d[0].oom_kill_kb = 310 * MIB;
	assert_false(policy_oom_keep_held_kill(&params, &d[0], 310 * MIB));
	d[0].oom_kill_kb = 300 * MIB;
	d[0].flags &= ~POLICY_IN_OOM_RECUR;
	assert_false(policy_oom_keep_held_kill(&params, &d[0], 300 * MIB));
	d[0].flags |= POLICY_IN_OOM_RECUR;
	d[0].flags |= POLICY_IN_GROWING;
	assert_false(policy_oom_keep_held_kill(&params, &d[0], 300 * MIB));
	d[0].flags &= ~POLICY_IN_GROWING;
	d[0].swap_tot_kb = 64 * MIB;
	assert_false(policy_oom_keep_held_kill(&params, &d[0], 300 * MIB));
}

/* A margin below min_change: W_i 292, so the floor is min(300 + 16,
 * 292 + 16) = 308, 8 MiB above the 300 it holds. The write threshold
 * holds an increase of 8 back and the decreases that would fund it:
 * the guest starves for the unpark passes with the key, not without. */
static void test_small_margin_starves(void **state)
{
	struct policy_dom d = killed(1, 300 * MIB, 292 * MIB);
	struct policy_params off = params;

	assert_int_equal(policy_oom_keep_kb(&params, &d), 308 * MIB);
	assert_true(policy_starving(&params, &d));
	off.oom_keep_held_kill = false;
	assert_false(policy_starving(&off, &d));

	/* Holding its floor already: nothing to write. */
	d.target_kb = d.actual_kb = 308 * MIB;
	assert_false(policy_starving(&params, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_given_at_its_target, setup),
		cmocka_unit_test_setup(test_only_a_held_recurring_small_rise, setup),
		cmocka_unit_test_setup(test_small_margin_starves, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
