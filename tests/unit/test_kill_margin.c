/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kill against paging (design.md §Scarce mode from the estimated need,
 * "A kill against paging"; need.c policy_kill_margin_kb(), solve_tiers.c
 * margins_fit()): in scarce mode a guest whose free swap cannot hold the
 * rises its estimate has shown (jump_most(), rank 2: a rise seen in two
 * windows of its last ten minutes) has the rest of that rise, up to its
 * gap, as need swap cannot hold, served only out of what tier 1 leaves:
 * what guests with swap room hold above what their swap cannot hold of
 * their need, never another guest's need that swap cannot hold.
 */
#include "test_policy_util.h"

#include "policy/jump.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.kill_margin = true;      /* off by default */
	return 0;
}

/* Swapless, holds and needs 300 MiB, has shown rises of `rise`. */
static struct policy_dom swapless(uint32_t domid, uint64_t held, uint64_t rise)
{
	struct policy_dom d = est_dom(domid, held, held);

	d.rise_most_kb = rise;
	return d;
}

/* M = 760. Tier 1 (300 + 324) leaves 136: the swapless guest's shown
 * rise of 40 is served whole above its need, and the swapper pages for
 * it (420, above the 324 its swap cannot hold). Without a shown rise:
 * 300 and 460. */
static void test_margin_from_swap(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 420 * MIB);

	d[0].rise_most_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* A rise larger than the gap is served up to the gap: a jump beyond it
 * is what the OOM margin and the peers' spike are for. */
static void test_margin_at_most_gap(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 200 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 396 * MIB);
}

/* The swapper holds 340 (its no-shrink floor): M = 640, tier 1 leaves
 * 16. The margin gets those 16, no more: the swapper is at exactly what
 * its swap cannot hold of its need. */
static void test_margin_in_part(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	/* the share that fits, to a page */
	assert_in_range(o[0].target_kb, 316 * MIB - 8, 316 * MIB);
	assert_in_range(o[1].target_kb, 324 * MIB, 324 * MIB + 8);
}

/* Never another swapless guest's need: beside a swapless guest that
 * needs 460, M = 760 is exactly both needs and the margin gets nothing;
 * with 20 MiB free it gets those 20, and the other keeps its 460. */
static void test_never_from_unswappable_need(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB),
				   swapless(2, 460 * MIB, 0) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);

	decide(&params, 20 * MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 320 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* A guest whose free swap holds its rise pages it: no margin. The rule
 * off (kill_margin = no): no margin either. Abundant mode: unchanged
 * (the goal is W_i + g_i already). */
static void test_unchanged_cases(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2], ref[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	d[0].swap_tot_kb = d[0].swap_free_kb = 40 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	d[0].rise_most_kb = 0;
	decide(&params, 0, d, 2, ref, &cycle);
	assert_int_equal(o[0].target_kb, ref[0].target_kb);
	assert_int_equal(o[1].target_kb, ref[1].target_kb);

	d[0].swap_tot_kb = d[0].swap_free_kb = 0;
	d[0].rise_most_kb = 40 * MIB;
	off.kill_margin = false;
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);

	decide(&params, 1024 * MIB, d, 2, o, &cycle);
	d[0].rise_most_kb = 0;
	decide(&params, 1024 * MIB, d, 2, ref, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].target_kb, ref[0].target_kb);
	assert_int_equal(o[1].target_kb, ref[1].target_kb);
}

/* kill_margin_keep: what of its margin a guest holds is a floor of
 * tier 1. z1 holds 340 (need 300, margin 40), the swapper 300 (need 460,
 * 324 of it its swap cannot hold): M = 640. Without the key, tier 1
 * (300 + 324) leaves 16 and z1 is cut to that share (test_margin_in_part);
 * with it z1 keeps its 340 and the swapper stays at what it holds. A
 * guest holding more than need and margin keeps need and margin only;
 * one holding part of its margin keeps that part; a margin below
 * min_change is no margin, kept or not. */
static void test_margin_kept(void **state)
{
	struct policy_dom d[2] = { swapless(1, 340 * MIB, 40 * MIB), pager_460(2, 300 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params keep = params;

	d[0].ws_kb = 300 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 316 * MIB - 8, 316 * MIB);
	assert_in_range(o[1].target_kb, 324 * MIB, 324 * MIB + 8);

	keep.kill_margin_keep = true;
	decide(&keep, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 340 * MIB - 8, 340 * MIB);
	assert_in_range(o[1].target_kb, 300 * MIB - 8, 300 * MIB);

	/* holds 380: keeps 340, the other 40 fund the swapper's need */
	d[0].actual_kb = d[0].target_kb = 380 * MIB;
	decide(&keep, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 340 * MIB - 8, 340 * MIB);
	assert_in_range(o[1].target_kb, 340 * MIB - 8, 340 * MIB);

	/* holds 324: keeps those, the margin's share that fits is smaller */
	d[0].actual_kb = d[0].target_kb = 324 * MIB;
	decide(&keep, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 324 * MIB - 8, 324 * MIB);
	assert_in_range(o[1].target_kb, 300 * MIB - 8, 300 * MIB);

	/* a rise below min_change (16 MiB): no margin at all */
	d[0].actual_kb = d[0].target_kb = 340 * MIB;
	d[0].rise_most_kb = 12 * MIB;
	decide(&keep, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 8, 300 * MIB);
}

/* kill_margin_killed: a margin only for a guest killed within
 * oom_hold_s (POLICY_IN_OOM_MIN) whose killing load is still there and
 * whose shown rises fit within its gap. Same two guests as
 * test_margin_from_swap (the margin 40 served whole when it is one). */
static void test_margin_killed(void **state)
{
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params killed = params;

	killed.kill_margin_killed = true;
	decide(&killed, 0, d, 2, o, &cycle);           /* never killed */
	assert_int_equal(o[0].target_kb, 300 * MIB);

	d[0].flags |= POLICY_IN_OOM_MIN;                /* killed at 310 */
	d[0].min_kb = 310 * MIB;
	d[0].oom_raise_kb = 310 * MIB;
	decide(&killed, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 340 * MIB);
	assert_int_equal(o[1].target_kb, 420 * MIB);

	d[0].rise_most_kb = 100 * MIB;                  /* jumps past its gap */
	decide(&killed, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	decide(&params, 0, d, 2, o, &cycle);            /* without the key: g_i */
	assert_int_equal(o[0].target_kb, 364 * MIB);

	d[0].rise_most_kb = 40 * MIB;                   /* the killing load gone */
	d[0].min_kb = d[0].oom_raise_kb = 600 * MIB;
	decide(&killed, 0, d, 2, o, &cycle);
	assert_true(o[0].target_kb < 340 * MIB);
}

/* jump_most(): the rank-th largest of the windows' rises over the last
 * ten minutes. One start-up jump is a rise seen once (rank 2: none); a
 * jitter that comes back is seen in many windows; both age out. */
#define WIN 10000
#define SPAN 3000
static void test_rise_history(void **state)
{
	struct jump_state s;
	uint64_t t = 1000;

	jump_reset(&s);
	jump_observe(&s, 60 * MIB, t, WIN, SPAN);
	jump_observe(&s, 360 * MIB, t += 1000, WIN, SPAN);       /* a start-up */
	for (int i = 0; i < 100; i++)
		jump_observe(&s, 360 * MIB, t += 1000, WIN, SPAN);
	assert_int_equal(jump_most(&s, t, WIN, 1), 300 * MIB);
	assert_int_equal(jump_most(&s, t, WIN, 2), 0);
	/* A jitter of 10 MiB every 5 s. */
	for (int i = 0; i < 100; i++)
		jump_observe(&s, (i % 5 ? 360 : 370) * MIB, t += 1000, WIN, SPAN);
	assert_int_equal(jump_most(&s, t, WIN, 2), 10 * MIB);
	/* Eleven minutes of a steady load: gone. */
	for (int i = 0; i < 660; i++)
		jump_observe(&s, 360 * MIB, t += 1000, WIN, SPAN);
	assert_int_equal(jump_most(&s, t, WIN, 1), 0);
	assert_int_equal(jump_most(&s, t, 0, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_margin_from_swap, setup),
		cmocka_unit_test_setup(test_margin_at_most_gap, setup),
		cmocka_unit_test_setup(test_margin_in_part, setup),
		cmocka_unit_test_setup(test_never_from_unswappable_need, setup),
		cmocka_unit_test_setup(test_unchanged_cases, setup),
		cmocka_unit_test_setup(test_margin_kept, setup),
		cmocka_unit_test_setup(test_margin_killed, setup),
		cmocka_unit_test(test_rise_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
