/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * oom_margin_futile (design.md §Growth is never cut, "The margin its
 * rises outgrow"): within oom_hold_s of an OOM kill a guest without swap
 * room keeps its margin (the part of its gap its swap cannot hold) as
 * need now; with the key, not where its shown rises outgrow that margin
 * in most of its windows with a rise: the margin then comes after every
 * domain's need (tier 4). fleet-36 (docs/evaluation.md, "Session 22: the
 * lag, near misses (lagnear22)"): swapless web guests jumping between
 * random levels held 64 MiB each idle while the workers paged.
 */
#include "test_policy_util.h"

/* Swapless, killed lately, growing but not climbing (its steps paused):
 * W 300, holds 364 (its whole 64 MiB margin). Its load jumps between
 * levels: second largest window rise 150 MiB, beyond its gap in 6 of its
 * recent windows and within it (above min_change) in 2. */
static struct policy_dom jumper(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 364 * MIB, 300 * MIB);

	d.flags |= POLICY_IN_GROWING | POLICY_IN_OOM_MIN;
	d.rise_most_kb = 150 * MIB;
	d.jump_past = 6;
	d.jump_within = 2;
	return d;
}

/* The jumper beside a guest with swap that needs 340 and holds 324 (it
 * pages 16 MiB); nothing free, M = 688. */
static void run(bool on, const struct policy_dom *j, struct policy_decision o[2])
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { *j, est_swap_dom(2, 324 * MIB, 340 * MIB) };
	struct policy_cycle cycle;

	p.oom_margin_futile = on;
	decide(&p, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb + o[1].target_kb <= 688 * MIB);
}

/* The margin kept: need now, before the other's need; the pager pages. */
static void assert_margin_kept(const struct policy_decision o[2])
{
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 324 * MIB);
}

/* Off: a killed guest's margin is need now, whatever its rises. */
static void test_off_margin_is_need(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	run(false, &j, o);
	assert_margin_kept(o);
}

/* On: its rises outgrow the margin; the pager's need comes first (340),
 * the jumper keeps its W and what is left of its margin (348). */
static void test_on_need_before_futile_margin(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	run(true, &j, o);
	assert_int_equal(o[1].target_kb, 340 * MIB);
	assert_in_range(o[0].target_kb, 348 * MIB - 4, 348 * MIB);
}

/* Rises within the margin in more than half as many windows as those
 * beyond it: the margin saves enough of them; kept. */
static void test_rises_within_keep_margin(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	j.jump_within = 4;
	run(true, &j, o);
	assert_margin_kept(o);
}

/* Shown rises no larger than the margin: it holds them; kept. */
static void test_small_rises_keep_margin(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	j.rise_most_kb = 64 * MIB;
	run(true, &j, o);
	assert_margin_kept(o);
}

/* A climb under way: its next step is as good as there; kept. */
static void test_climb_keeps_margin(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	j.flags |= POLICY_IN_CLIMBING;
	run(true, &j, o);
	assert_margin_kept(o);
}

/* A load that recurs: its level's hold counts the margin; kept. */
static void test_recurring_keeps_margin(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision o[2];

	j.flags |= POLICY_IN_RECUR;
	run(true, &j, o);
	assert_margin_kept(o);
}

/* Not killed lately: the margin of a guest whose steps paused is tier 4
 * with or without the key (test_margin_tier.c): the key changes nothing. */
static void test_not_killed_unchanged(void **state)
{
	struct policy_dom j = jumper(1);
	struct policy_decision off[2], on[2];

	j.flags &= ~POLICY_IN_OOM_MIN;
	run(false, &j, off);
	run(true, &j, on);
	assert_int_equal(off[0].target_kb, on[0].target_kb);
	assert_int_equal(off[1].target_kb, on[1].target_kb);
	assert_int_equal(on[1].target_kb, 340 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_margin_is_need),
		cmocka_unit_test(test_on_need_before_futile_margin),
		cmocka_unit_test(test_rises_within_keep_margin),
		cmocka_unit_test(test_small_rises_keep_margin),
		cmocka_unit_test(test_climb_keeps_margin),
		cmocka_unit_test(test_recurring_keeps_margin),
		cmocka_unit_test(test_not_killed_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
