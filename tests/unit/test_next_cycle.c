/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When the daemon's next cycle runs (arbiter_next_cycle, design.md
 * §Growth is never cut, "The follow-up cycle"): one early cycle at most
 * between two regular ones, only for growth worth a write, never past
 * the regular one, and none when follow_up_ms is 0; the early flag and
 * the follow_ups count it keeps for the daemon and the simulators. The
 * policy side (how much growth waits) is test_follow_up's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "arbiter/arbiter.h"

static struct arbiter a;

static int setup(void **state)
{
	memset(&a, 0, sizeof(a));
	arbiter_config_defaults(&a.cfg);
	a.cfg.interval_ms = 1000;
	a.cfg.follow_up_ms = 250;
	return 0;
}

static void test_growth_waiting_runs_early_once(void **state)
{
	a.follow_up_kb = 64 * 1024;
	/* a regular cycle ran at 10 000, the next is due at 11 000 */
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 10250);
	assert_true(a.early);
	assert_int_equal(a.n.follow_ups, 1);
	/* the early one ran: the next is the regular one, whatever waits */
	assert_int_equal(arbiter_next_cycle(&a, 10250, 11000), 11000);
	assert_false(a.early);
	assert_int_equal(a.n.follow_ups, 1);
	/* after the regular one, growth that still waits earns another */
	assert_int_equal(arbiter_next_cycle(&a, 11000, 12000), 11250);
	assert_int_equal(a.n.follow_ups, 2);
}

static void test_nothing_worth_a_write(void **state)
{
	a.follow_up_kb = a.cfg.policy.params.settle_min_kb - 1;
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 11000);
	assert_false(a.early);
	assert_int_equal(a.n.follow_ups, 0);
	a.follow_up_kb = a.cfg.policy.params.settle_min_kb;
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 10250);
}

static void test_never_past_the_regular_cycle(void **state)
{
	a.follow_up_kb = 64 * 1024;
	/* a slow cycle ended 900 ms into its second: no early one */
	assert_int_equal(arbiter_next_cycle(&a, 10800, 11000), 11000);
	a.cfg.follow_up_ms = 1000;   /* not below interval_ms: off */
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 11000);
}

static void test_off(void **state)
{
	a.follow_up_kb = 64 * 1024;
	a.cfg.follow_up_ms = 0;
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 11000);
}

/* Slow donors still giving back (a.slow, set by the cycle): early cycles
 * follow one another, never past the regular one; once they stop, the
 * next is the regular one. */
static void test_slow_donors_chain(void **state)
{
	a.follow_up_kb = 64 * 1024;
	a.slow = true;
	assert_int_equal(arbiter_next_cycle(&a, 10000, 11000), 10250);
	assert_int_equal(arbiter_next_cycle(&a, 10250, 11000), 10500);
	assert_int_equal(arbiter_next_cycle(&a, 10500, 11000), 10750);
	assert_true(a.early);
	assert_int_equal(arbiter_next_cycle(&a, 10750, 11000), 11000);
	assert_false(a.early);
	assert_int_equal(a.n.follow_ups, 3);
	a.slow = false;
	assert_int_equal(arbiter_next_cycle(&a, 11000, 12000), 11250);
	assert_int_equal(arbiter_next_cycle(&a, 11250, 12000), 12000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_growth_waiting_runs_early_once, setup),
		cmocka_unit_test_setup(test_nothing_worth_a_write, setup),
		cmocka_unit_test_setup(test_never_past_the_regular_cycle, setup),
		cmocka_unit_test_setup(test_off, setup),
		cmocka_unit_test_setup(test_slow_donors_chain, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
