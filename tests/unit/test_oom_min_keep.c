/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A kill's margin kept (`oom_min_keep_mb`; design.md §Growth is never
 * cut, "A kill's margin kept"; need.c policy_oom_keep_kb()). A
 * swapless guest's OOM-raised minimum (what it held at the kill plus
 * `oom_bump_mb`) comes after every domain's need (tier 4), so in a host
 * short of the needs it is cut back to exactly its need now and killed
 * again at its next rise of a MiB (hold-lapse's h1 and h2: 16 and 18
 * kills). With the key, what it held at the kill and that much more, at
 * most its need now and that much, is a floor of every tier for the
 * hold; the rest of the raise stays in tier 4.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	/* Session 19's rule alone: the held form (on by default) also
	 * asks a kill that recurs and a margin held whole. */
	params.oom_min_keep_kb = 16 * MIB;
	params.oom_min_keep_gone_kb = 16 * MIB;
	params.oom_recur_keep = false;
	params.oom_min_keep_held = false;
	return 0;
}

/* Killed while it held 300 MiB: its minimum raised from 0 to 300 + 64.
 * It holds `held` and needs `ws` now, swapless, not growing. */
static struct policy_dom killed(uint32_t domid, uint64_t held, uint64_t ws)
{
	struct policy_dom d = est_dom(domid, held, ws);

	d.min_kb = 364 * MIB;
	d.oom_raise_kb = 364 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	return d;
}

/* A guest with 256 MiB of swap (200 free) that needs `ws`, holding
 * `held`. */
static struct policy_dom pager(uint32_t domid, uint64_t held, uint64_t ws)
{
	return est_swap_dom(domid, held, ws);
}

/* M = 688, the needs (300 + 460) do not fit. The killed guest holds
 * 316 (its raise served in part while there was room). Without the key
 * it is cut to exactly its need, 300, and the pager has 388; with it
 * the killed guest keeps 316 (what it held at the kill and 16) and the
 * pager pages 16 MiB more. */
static void test_kill_margin_kept(void **state)
{
	struct policy_dom d[2] = { killed(1, 316 * MIB, 300 * MIB), pager(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 372 * MIB);

	off.oom_min_keep_kb = 0;
	decide(&off, 0, d, 2, o, &cycle);
	/* to a page: the equal-price share */
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);
}

/* The floor follows the need down: its load fallen to 200 MiB (it
 * holds 232), the killed guest keeps 216, not the 316 of the kill (a floor at what it
 * held then kept memory for a load gone while the pager paged: 1.91x of
 * the lagged floor on cache-tmpfs); the pager (needs 600) the rest. */
static void test_floor_follows_need(void **state)
{
	struct policy_dom d[2] = { killed(1, 232 * MIB, 200 * MIB), pager(2, 456 * MIB, 600 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	params.oom_min_keep_gone_kb = 0;        /* the guard: test_load_gone */
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 216 * MIB);
	assert_in_range(o[1].target_kb, 472 * MIB - 4, 472 * MIB);
}

/* Never above the raised minimum: with a keep larger than the bump the
 * floor is the raise (364), as `oom_min_yield = no` holds it. */
static void test_at_most_the_raise(void **state)
{
	struct policy_dom d[2] = { killed(1, 364 * MIB, 360 * MIB), pager(2, 324 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	params.oom_min_keep_kb = 128 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 364 * MIB);
	assert_int_equal(o[1].target_kb, 324 * MIB);
}

/* Judged against the latest kill (oom_kill_kb): a guest killed once by
 * a job at 600 MiB (raise 664) and now by a creep of its usual 300 keeps
 * 316, as after a first kill at 300; taken from the raise (the level
 * unknown: 600), its load looks gone and the guard drops the floor:
 * cut to its need, 300 (hold-lapse's h1). */
static void test_latest_kill(void **state)
{
	struct policy_dom d[2] = { killed(1, 316 * MIB, 300 * MIB), pager(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].min_kb = d[0].oom_raise_kb = 664 * MIB;
	d[0].oom_kill_kb = 300 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_int_equal(o[1].target_kb, 372 * MIB);

	d[0].oom_kill_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);
}

/* The guard (oom_min_keep_gone_mb): its need fallen more than 16 MiB
 * below the latest kill's 300 (to 280), the load the kill came from is
 * gone and no floor is kept; within 16 (290) the floor is W_i + 16. */
static void test_load_gone(void **state)
{
	struct policy_dom d[2] = { killed(1, 316 * MIB, 280 * MIB), pager(2, 372 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	d[0].oom_kill_kb = 300 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 280 * MIB - 4, 280 * MIB);
	off.oom_min_keep_gone_kb = 0;
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 296 * MIB);

	d[0] = killed(1, 316 * MIB, 290 * MIB);
	d[0].oom_kill_kb = 300 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 306 * MIB);
}

/* Kept, never given (oom_min_keep_held): cut to 300 MiB when its
 * floor came in force, the killed guest is not raised to 316 for it
 * (a guest left over after its kill, raised, was killed again by its
 * next climb: agent-jump's w2); without the key it is. */
static void test_held_only(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB), pager(2, 388 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].oom_kill_kb = 300 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	params.oom_min_keep_held = true;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 300 * MIB - 4, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);
	/* What it holds is kept: held at 316, it keeps 316. */
	d[0].actual_kb = d[0].target_kb = 316 * MIB;
	d[1].actual_kb = d[1].target_kb = 372 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
}

/* Not for a guest with swap (its raise is a floor already) nor one not
 * killed: the same figures with or without the key. */
static void test_only_swapless_killed(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 300 * MIB, 300 * MIB), pager(2, 388 * MIB, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 388 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kill_margin_kept, setup),
		cmocka_unit_test_setup(test_floor_follows_need, setup),
		cmocka_unit_test_setup(test_at_most_the_raise, setup),
		cmocka_unit_test_setup(test_latest_kill, setup),
		cmocka_unit_test_setup(test_load_gone, setup),
		cmocka_unit_test_setup(test_held_only, setup),
		cmocka_unit_test_setup(test_only_swapless_killed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
