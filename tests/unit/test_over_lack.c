/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * oom_over_lack (design.md §Growth is never cut, "The floors'
 * stalemate"): the narrower form of oom_over_paging (taken out in
 * session 25). A swapless guest
 * OOM-killed, its load still at the killed level, takes from a paging
 * guest's no-shrink floor only what its commit (C_i + O_i) lacks of what
 * it holds, and nothing from the cycle it holds its commit.
 * docs/evaluation.md, "Session 23: the stalemate, narrower (stale23)".
 */
#include "test_policy_util.h"

/* Swapless, killed holding 300 MiB, its minimum raised to 400 (oom_bump
 * above the kill); its load is still at the killed level and its
 * programs were promised 340 (O_i = 0): it lacks 40, not the raise's
 * 100. */
static struct policy_dom over(uint32_t domid)
{
	return killed_300(domid, 340 * MIB);
}

/* Nothing free: M = what the two hold (700 MiB unless a test moves it). */
static void run(struct policy_params *p, bool lack,
		struct policy_dom d[2], struct policy_decision o[2])
{
	struct policy_cycle cycle;

	p->oom_over_lack = lack;
	decide(p, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb + o[1].target_kb <=
		    d[0].actual_kb + d[1].actual_kb);
}

/* The stalemate off (every floor what its domain holds); on, only the
 * commit's lack: 40 MiB, not the raise's 100. */
static void test_lack_only(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	run(&p, false, d, o);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 400 * MIB);
	run(&p, true, d, o);
	assert_int_equal(o[0].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 360 * MIB);
}

/* O_i counts: a commit of 330 and 10 MiB beyond MemTotal is 340. */
static void test_overhead_counts(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	d[0].committed_as_kb = 330 * MIB;
	d[0].overhead_kb = 10 * MIB;
	run(&p, true, d, o);
	assert_int_equal(o[0].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 360 * MIB);
}

/* The cycle after: the guest holds its commit (340), the pager 360.
 * Nothing more is taken from the pager, and the guest keeps its commit:
 * without the key its need now is its working set (300) and it is cut
 * below its load again. A commit 8 MiB higher takes those 8 again. */
static void test_ends_when_held(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision off[2], on[2];

	d[0].actual_kb = d[0].target_kb = 340 * MIB;
	d[1].actual_kb = d[1].target_kb = 360 * MIB;
	run(&p, false, d, off);
	assert_true(off[0].target_kb < 340 * MIB);
	run(&p, true, d, on);
	assert_int_equal(on[0].target_kb, 340 * MIB);
	assert_int_equal(on[1].target_kb, 360 * MIB);

	d[0].committed_as_kb = 348 * MIB;
	run(&p, true, d, on);
	assert_int_equal(on[0].target_kb, 348 * MIB);
	assert_int_equal(on[1].target_kb, 352 * MIB);
}

/* Given already (B_i = 340 above N_i = 300: its balloon fills): the lack
 * counts from what it was given, so nothing is taken. */
static void test_given_counts(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision off[2], on[2];

	d[0].target_kb = 340 * MIB;
	run(&p, false, d, off);
	run(&p, true, d, on);
	assert_int_equal(on[1].target_kb, off[1].target_kb);
	assert_int_equal(on[0].target_kb, off[0].target_kb);
}

/* At most U_i: static-max 320 (the raise capped there too) caps the
 * floor; 20 MiB move. */
static void test_max_bounds(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision o[2];

	d[0].max_kb = d[0].min_kb = d[0].oom_raise_kb = 320 * MIB;
	run(&p, true, d, o);
	assert_int_equal(o[0].target_kb, 320 * MIB);
	assert_int_equal(o[1].target_kb, 380 * MIB);
}

/* The pager gives at most its free swap beyond half its swap: 532 MiB
 * free of 1024, 20 MiB to give; the guest gets those 20 of its 40. */
static void test_pager_bound(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 532 * MIB) };
	struct policy_decision o[2];

	run(&p, true, d, o);
	assert_int_equal(o[0].target_kb, 320 * MIB);
	assert_int_equal(o[1].target_kb, 380 * MIB);
}

/* A pager whose balloon still has to take 40 MiB (N_i 440 above B_i
 * 400) gives that much less: its free swap does not show it yet. 532
 * MiB free of 1024 gave 20 (test_pager_bound); now nothing. */
static void test_pending_counts(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 532 * MIB) };
	struct policy_decision o[2];

	d[1].actual_kb = 440 * MIB;
	d[0].actual_kb = 260 * MIB;
	run(&p, true, d, o);
	assert_int_equal(o[1].target_kb, 400 * MIB);
}

/* Not killed (no OOM minimum), or its load fallen below the killed
 * level: the commit beyond what it holds is no lack the rule serves. */
static void test_only_killed_live(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { over(1), paging_400(2, &p, 900 * MIB) };
	struct policy_decision off[2], on[2];

	d[0].flags &= ~(uint32_t)POLICY_IN_OOM_MIN;
	d[0].min_kb = d[0].oom_raise_kb = d[0].oom_kill_kb = 0;
	run(&p, false, d, off);
	run(&p, true, d, on);
	assert_int_equal(on[1].target_kb, off[1].target_kb);
	assert_int_equal(on[1].target_kb, 400 * MIB);

	d[0] = over(1);
	d[0].ws_kb = 200 * MIB;
	run(&p, false, d, off);
	run(&p, true, d, on);
	assert_int_equal(on[1].target_kb, off[1].target_kb);
	assert_true(on[1].target_kb >= 400 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lack_only),
		cmocka_unit_test(test_overhead_counts),
		cmocka_unit_test(test_ends_when_held),
		cmocka_unit_test(test_given_counts),
		cmocka_unit_test(test_max_bounds),
		cmocka_unit_test(test_pager_bound),
		cmocka_unit_test(test_pending_counts),
		cmocka_unit_test(test_only_killed_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
