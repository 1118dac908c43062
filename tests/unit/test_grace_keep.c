/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A newborn without swap (grace_swapless_s, off; grace_keep.c;
 * design.md §Growth is never cut, "A newborn without swap"): which
 * domains in their adoption grace keep its floor below the host's
 * reserve, where the arbiter drops every other grace (cycle.c).
 * faas-churn's f107 in miniature: a swapless function VM two seconds
 * after its first report.
 */
#include "test_policy_util.h"
#include "policy/grace_keep.h"

static struct policy_params params;

static int setup(void **state)
{
	(void)state;
	policy_params_default(&params);
	params.grace_swapless_s = 10;
	return 0;
}

/* Swapless, in its grace, W 99 MiB, holding its boot 256. */
static struct policy_dom newborn(void)
{
	struct policy_dom d = est_dom(1, 256 * MIB, 99 * MIB);

	d.flags |= POLICY_IN_GRACE;
	return d;
}

/* Kept within the window, not at its end or after. */
static void test_kept_while_young(void **state)
{
	struct policy_dom d = newborn();

	assert_true(policy_grace_kept(&params, &d, 0));
	assert_true(policy_grace_kept(&params, &d, 9999));
	assert_false(policy_grace_kept(&params, &d, 10000));
	assert_false(policy_grace_kept(&params, &d, 60000));
}

/* Off (0), out of its grace, or without an estimate: not kept. */
static void test_off_and_out_of_grace(void **state)
{
	struct policy_dom d = newborn();

	params.grace_swapless_s = 0;
	assert_false(policy_grace_kept(&params, &d, 0));
	params.grace_swapless_s = 10;
	d.flags &= ~(uint32_t)POLICY_IN_GRACE;
	assert_false(policy_grace_kept(&params, &d, 0));
	d = newborn();
	d.flags &= ~(uint32_t)POLICY_IN_WS;
	assert_false(policy_grace_kept(&params, &d, 0));
}

/* Swap room: a newborn whose free swap holds its gap (64 MiB) pages
 * when cut; one whose swap is full below that is kept. */
static void test_swap_room(void **state)
{
	struct policy_dom d = newborn();

	d.swap_tot_kb = 256 * MIB;
	d.swap_free_kb = 64 * MIB;
	assert_false(policy_grace_kept(&params, &d, 0));
	d.swap_free_kb = 63 * MIB;
	assert_true(policy_grace_kept(&params, &d, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kept_while_young, setup),
		cmocka_unit_test_setup(test_off_and_out_of_grace, setup),
		cmocka_unit_test_setup(test_swap_room, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
