/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reservation waits on a walk below the reserve (fund_reservation;
 * design.md §A step ahead and the boot grace, "Below the reserve"):
 * ephemeral-fat's e02 waited 13 s for `reserve --wait` while the runner
 * before it, created with 1 GiB for a job of 300 MiB, walked down in
 * hysteresis eighths once its grace was over.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	policy_params_default(&params);
	params.reserve_kb = 0;
	return 0;
}

/* One cycle on a host whose free memory already leaves out `resv` KiB of
 * reservations (resv_host()). */
static void cycle_resv(int64_t free_kb, uint64_t resv, const struct policy_dom *d,
		       size_t n, struct policy_decision *o, struct policy_cycle *cycle)
{
	struct policy_host host = resv_host(&params, free_kb, resv);

	decide_host(&params, &host, d, n, o, cycle);
	policy_apply(&params, cycle, d, n, o);
}

/* A runner holding 1 GiB for a goal of 320 MiB (W 256 + g 64; aim 336),
 * 500 MiB free and a reservation of 600 in force: 100 MiB below the
 * reserve, abundant (the runner holds 704 above its goal). Off: the walk
 * in eighths, 1024 - 688/8 = 938 MiB. On: to the aim in one write. */
static void test_a_reservation_waits_on_one_write(void **state)
{
	struct policy_dom d = est_dom(1, 1024 * MIB, 256 * MIB);
	struct policy_decision o;
	struct policy_cycle cycle;

	params.fund_reservation = false;
	cycle_resv(500 * (int64_t)MIB, 600 * MIB, &d, 1, &o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o.goal_kb, 320 * MIB);
	assert_true(o.has_write);
	assert_int_equal(o.write_kb, 938 * MIB);

	params.fund_reservation = true;
	cycle_resv(500 * (int64_t)MIB, 600 * MIB, &d, 1, &o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_true(o.has_write);
	assert_int_equal(o.write_kb, 336 * MIB);
}

/* The same host 100 MiB below the reserve with no reservation (another
 * domain's growth, a reserve_mb raised): the walk in eighths, as before;
 * and with the reservation covered (free memory above it and the
 * reserve) the band keeps its walk too: nothing waits. */
static void test_no_reservation_waiting_walks_as_before(void **state)
{
	struct policy_dom d = est_dom(1, 1024 * MIB, 256 * MIB);
	struct policy_decision o;
	struct policy_cycle cycle;

	params.fund_reservation = true;
	cycle_resv(-100 * (int64_t)MIB, 0, &d, 1, &o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o.write_kb, 938 * MIB);

	cycle_resv(700 * (int64_t)MIB, 600 * MIB, &d, 1, &o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_true(o.has_write);
	assert_true(o.write_kb > 900 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_reservation_waits_on_one_write, setup),
		cmocka_unit_test_setup(test_no_reservation_waiting_walks_as_before, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
