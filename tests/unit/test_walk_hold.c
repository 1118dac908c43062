/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scarce-mode walk down is written by min_change, not by sample
 * (scarce_walk_hold; design.md §Apply: from targets to this cycle's
 * writes, "A walk down in scarce mode"):
 * a decrease smaller than min_change that lands on the goal is no
 * exception to the threshold in scarce mode. It is written once the goal
 * has moved min_change, at once when a starving domain that cannot wait
 * is short (unpark's rule 3), below the reserve, and in abundant mode
 * (a hysteresis walk ends on its goal) as without the key.
 */
#include "fixture_snapshot.h"

#define N 2

/* d0: a guest on its target, not starving; d1: a guest whose demand
 * fell, its goal `goal` MiB, below the 400 it holds. */
static void walk(uint64_t goal, enum policy_mode mode)
{
	want_in(0, 500 * MIB, 300 * MIB, 500 * MIB, 500 * MIB, mode);
	want_in(1, 400 * MIB, (goal - 64) * MIB, goal * MIB, goal * MIB, mode);
}

static void test_off_by_default(void **state)
{
	assert_false(params.scarce_walk_hold);
	walk(395, POLICY_MODE_SCARCE);
	apply(N, 0);
	assert_true(out[1].has_write);          /* the settle exception */
	assert_int_equal(out[1].write_kb, 395 * MIB);
}

static void test_walk_held(void **state)
{
	params.scarce_walk_hold = true;
	walk(395, POLICY_MODE_SCARCE);
	apply(N, 0);
	assert_false(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_THRESHOLD);
	assert_false(out[0].has_write);

	/* Infeasible mode walks likewise. */
	walk(395, POLICY_MODE_INFEASIBLE);
	apply(N, 0);
	assert_false(out[1].has_write);

	/* The goal has moved min_change: one write. */
	walk(384, POLICY_MODE_SCARCE);
	apply(N, 0);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 384 * MIB);
}

/* Abundant mode keeps the exception: a hysteresis walk ends on its
 * goal. Below the reserve the decrease is written as without the key. */
static void test_not_held(void **state)
{
	params.scarce_walk_hold = true;
	walk(395, POLICY_MODE_ABUNDANT);
	apply(N, 0);
	assert_true(out[1].has_write);

	walk(395, POLICY_MODE_SCARCE);
	apply(N, -4 * MIB);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 395 * MIB);

	/* A target above the domain's maximum comes down. */
	walk(395, POLICY_MODE_SCARCE);
	dom[1].max_kb = 396 * MIB;
	dom[1].target_kb = 400 * MIB;
	apply(N, 0);
	assert_true(out[1].has_write);
}

/* Memory wanted elsewhere now: d0, swapless, needs 700 MiB and holds
 * 500; the solver gives it 520. Unpark's rule 3 writes d1's decrease. */
static void test_wanted_elsewhere(void **state)
{
	params.scarce_walk_hold = true;
	walk(395, POLICY_MODE_SCARCE);
	want_in(0, 500 * MIB, 700 * MIB, 520 * MIB, 764 * MIB, POLICY_MODE_SCARCE);
	apply(N, 0);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 395 * MIB);
	assert_true(out[1].reasons & POLICY_R_UNPARK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_by_default, fixture_setup),
		cmocka_unit_test_setup(test_walk_held, fixture_setup),
		cmocka_unit_test_setup(test_not_held, fixture_setup),
		cmocka_unit_test_setup(test_wanted_elsewhere, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
