/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * oom_over_paging (design.md §Growth is never cut, "The floors'
 * stalemate"): a swapless guest over its memory (OOM-killed, its load
 * still at the killed level) outranks a paging guest's no-shrink floor,
 * at most what that guest's free swap can hold beyond half its swap.
 * puppet-run (docs/evaluation.md, "Session 22: held-out shapes
 * (break22)"): every floor was what its domain held, the floors summed
 * to M, and nothing was written for 70 s.
 */
#include "test_policy_util.h"

/* Swapless, killed holding 300 MiB, its minimum raised to 400; its load
 * is still at the killed level (W_i = 300 + oom_bump reaches it) and its
 * programs were promised 420 (C_i + g_i = 484 above the raise). */
static struct policy_dom over(uint32_t domid)
{
	return killed_300(domid, 420 * MIB);
}

/* Nothing free: M = 700 MiB, what the two hold. */
static void run(bool on, struct policy_dom d[2], struct policy_decision o[2])
{
	struct policy_params p = need_params(false);
	struct policy_cycle cycle;

	p.oom_over_paging = on;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb + o[1].target_kb <= 700 * MIB);
}

/* Off: the stalemate. Every floor is what its domain holds. */
static void test_off_stalemate(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	run(false, d, o);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 400 * MIB);
}

/* On: the swapless guest gets its raise out of the pager's floor (388
 * MiB of its free swap lie beyond half its swap). */
static void test_on_raise_served(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	run(true, d, o);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
}

/* At most the pager's free swap beyond half its swap: 40 MiB of it. */
static void test_bounded_by_free_swap(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 552 * MIB) };
	struct policy_decision o[2];

	run(true, d, o);
	assert_true(o[1].target_kb >= 360 * MIB);
	assert_true(o[1].target_kb < 400 * MIB);
	assert_true(o[0].target_kb > 300 * MIB);
}

/* A pager whose balloon still has to take 40 MiB (N_i above B_i) gives
 * that much less: its free swap does not show it yet. */
static void test_pending_counts(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 552 * MIB) };
	struct policy_decision o[2];

	d[1].actual_kb = 440 * MIB;
	d[0].actual_kb = 260 * MIB;
	run(true, d, o);
	assert_int_equal(o[1].target_kb, 400 * MIB);
}

/* No more than C_i + O_i + g_i: promised 320 MiB, its gap 64, it gets
 * 384 of its 400 raise. */
static void test_commit_bounds(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	d[0].committed_as_kb = 320 * MIB;
	run(true, d, o);
	assert_int_equal(o[0].target_kb, 384 * MIB);
	assert_int_equal(o[1].target_kb, 316 * MIB);
}

/* oom_over_commit: at least C_i + O_i. Promised 460 MiB, more than the
 * raise (400, oom_bump above the kill): the load rose past it without a
 * second kill to raise it again. Off, the raise; on, 460 (its gap of 200
 * MiB puts U_i = W_i + g_i at 500, above both). */
static void test_commit_lifts(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].committed_as_kb = 460 * MIB;
	d[0].gap_kb = 200 * MIB;
	run(true, d, o);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	p.oom_over_paging = true;
	p.oom_over_commit = true;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 460 * MIB);
	assert_int_equal(o[1].target_kb, 240 * MIB);
}

/* The killed load has fallen (W_i + oom_bump below the kill level): the
 * raise waits after every need, as without the key: the pager
 * keeps its floor (and takes its need from what the other does not need). */
static void test_fallen_load_waits(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	d[0].ws_kb = 200 * MIB;
	run(true, d, o);
	assert_true(o[0].target_kb <= 300 * MIB);
	assert_true(o[1].target_kb >= 400 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_stalemate),
		cmocka_unit_test(test_on_raise_served),
		cmocka_unit_test(test_bounded_by_free_swap),
		cmocka_unit_test(test_pending_counts),
		cmocka_unit_test(test_commit_bounds),
		cmocka_unit_test(test_commit_lifts),
		cmocka_unit_test(test_fallen_load_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
