// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot grace in abundance (boot_keep.c policy_boot_keep_kb(),
 * design.md §A step ahead and the boot grace): a guest in its boot
 * grace keeps its boot size while the spare memory covers what it would
 * give back; short of that, it is cut to its aim (all or nothing:
 * boot_keep_part, which kept the part the spare covers, was taken out in
 * session 25).
 */
#include "test_policy_util.h"

#include "policy/solve.h"

/* Booted with 384 MiB, static-max 1024; its goal 200. */
static struct policy_dom booted(void)
{
	struct policy_dom d = est_dom(1, 384 * MIB, 120 * MIB);

	d.max_kb = 1024 * MIB;
	d.flags |= POLICY_IN_GRACE | POLICY_IN_BOOTED;
	return d;
}

/* Spare 300: keeps 384, 116 spare left; spare 100 or none: cut to its
 * aim (200), the spare untouched. */
static void test_whole_or_none(void **state)
{
	struct policy_dom d = booted();
	uint32_t hold = 0;
	int64_t spare = 300 * MIB;

	assert_int_equal(policy_boot_keep_kb(&d, 200 * MIB, 200 * MIB, &spare, &hold), 384 * MIB);
	assert_int_equal(spare, 116 * MIB);
	assert_int_equal(hold, POLICY_R_ADOPT);

	hold = 0;
	spare = 100 * MIB;
	assert_int_equal(policy_boot_keep_kb(&d, 200 * MIB, 200 * MIB, &spare, &hold), 200 * MIB);
	assert_int_equal(spare, 100 * MIB);
	assert_int_equal(hold, 0);

	spare = 0;
	assert_int_equal(policy_boot_keep_kb(&d, 200 * MIB, 200 * MIB, &spare, &hold), 200 * MIB);
	assert_int_equal(spare, 0);
	assert_int_equal(hold, 0);
}

/* A step already above what the spare covers is not lowered: t 320
 * with 100 spare above a goal of 200 stays 320. */
static void test_step_never_lower(void **state)
{
	struct policy_dom d = booted();
	uint32_t hold = 0;
	int64_t spare = 100 * MIB;

	assert_int_equal(policy_boot_keep_kb(&d, 200 * MIB, 320 * MIB, &spare, &hold), 320 * MIB);
	assert_int_equal(spare, 100 * MIB);
	assert_int_equal(hold, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_or_none),
		cmocka_unit_test(test_step_never_lower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
