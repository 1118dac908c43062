/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * oom_raise_yield (design.md §Growth is never cut, "A raise against a
 * need swap cannot hold"): the OOM-raised floor of a guest with swap,
 * above its need and gap, yields in scarce mode's tier 1 to another
 * guest's need that swap cannot hold. growing-adopted (docs/evaluation.md,
 * "Session 21: growth never cut (grow21)"): the swapless `big`, killed
 * at 435 s and committing 25 MiB every 15 s, sat at what it held for
 * 500 s while ten small guests with 64 MiB of swap held raised floors up
 * to 130 MiB above their loads and gaps.
 */
#include "test_policy_util.h"

/* Killed holding 380 MiB, its minimum raised from 0 to 380; its load
 * fell to W_i = 200 (with its gap, 264); 64 MiB of swap, all free (no
 * room beyond its gap to page into). W_i + headroom + swap + bump = 392
 * reaches the raise: the killed load is not gone (need.c), so the raise
 * is a floor of every tier without the key. */
static struct policy_dom killed(uint32_t domid)
{
	struct policy_dom d = est_dom(domid, 380 * MIB, 200 * MIB);

	d.min_kb = 380 * MIB;
	d.oom_raise_kb = 380 * MIB;
	d.oom_kill_kb = 380 * MIB;
	d.flags |= POLICY_IN_OOM_MIN;
	d.swap_tot_kb = 64 * MIB;
	d.swap_free_kb = 64 * MIB;
	return d;
}

/* The killed guest beside a swapless one that holds 300 MiB and needs
 * 400 (its need above what it holds: the need it cannot show); nothing
 * free, M = 680. */
static void run(bool on, struct policy_dom *d0, struct policy_decision o[2],
		struct policy_cycle *cycle)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { *d0, est_dom(2, 300 * MIB, 400 * MIB) };

	p.oom_raise_yield = on;
	decide(&p, 0, d, 2, o, cycle);
	assert_int_equal(cycle->mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb + o[1].target_kb <= 680 * MIB);
}

/* Off: the raise is a floor; the swapless guest keeps what it holds. */
static void test_off_raise_is_a_floor(void **state)
{
	struct policy_dom k = killed(1);
	struct policy_decision o[2];
	struct policy_cycle cycle;

	run(false, &k, o, &cycle);
	assert_int_equal(o[0].target_kb, 380 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
}

/* On: the raise above W_i + g_i (264) gives the swapless guest its
 * need; the killed guest keeps its need and gap. */
static void test_on_need_served(void **state)
{
	struct policy_dom k = killed(1);
	struct policy_decision o[2];
	struct policy_cycle cycle;

	run(true, &k, o, &cycle);
	assert_true(o[1].target_kb >= 400 * MIB);
	assert_true(o[0].target_kb >= 264 * MIB);
	assert_true(o[0].target_kb < 380 * MIB);
	assert_true(o[0].reasons & POLICY_R_YIELD);
}

/* A load that jumps beyond its gap in two windows lately (jump_past)
 * comes back within the hold: its raise stays a floor. */
static void test_jumpy_keeps_raise(void **state)
{
	struct policy_dom k = killed(1);
	struct policy_decision o[2];
	struct policy_cycle cycle;

	k.jump_past = 2;
	k.jump_seen = 6;
	run(true, &k, o, &cycle);
	assert_int_equal(o[0].target_kb, 380 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
}

/* Killed within oom_loop_s: a supervisor may be restarting the job
 * (its W_i fell with the kill): the raise stays a floor. */
static void test_fresh_kill_keeps_raise(void **state)
{
	struct policy_dom k = killed(1);
	struct policy_decision o[2];
	struct policy_cycle cycle;

	k.flags |= POLICY_IN_OOM_FRESH;
	run(true, &k, o, &cycle);
	assert_int_equal(o[0].target_kb, 380 * MIB);
	assert_int_equal(o[1].target_kb, 300 * MIB);
}

/* Nobody short of a need swap cannot hold (the other guest needs less
 * than it holds, the host has room): the raise holds whole. */
static void test_nobody_short_unchanged(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { killed(1), est_dom(2, 300 * MIB, 250 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	p.oom_raise_yield = true;
	decide(&p, 0, d, 2, o, &cycle);
	assert_true(o[0].target_kb >= 380 * MIB);
}

/* Only as far as the other lacks: a need 40 MiB above what it holds
 * takes about 40 of the 116 MiB the raise holds above W_i + g_i. */
static void test_only_what_is_lacked(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[2] = { killed(1), est_dom(2, 300 * MIB, 340 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	p.oom_raise_yield = true;
	decide(&p, 0, d, 2, o, &cycle);
	assert_true(o[1].target_kb >= 340 * MIB);
	assert_true(o[0].target_kb >= 336 * MIB);
	assert_true(o[0].target_kb + o[1].target_kb <= 680 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_raise_is_a_floor),
		cmocka_unit_test(test_on_need_served),
		cmocka_unit_test(test_jumpy_keeps_raise),
		cmocka_unit_test(test_fresh_kill_keeps_raise),
		cmocka_unit_test(test_nobody_short_unchanged),
		cmocka_unit_test(test_only_what_is_lacked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
