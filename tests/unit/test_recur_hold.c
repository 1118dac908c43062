/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A level's margin and a level held (recur_margin, recur_hold,
 * src/policy/recur_hold.c; design.md §Scarce mode from the estimated
 * need, "A level held"): while a swapless guest's load recurs to a
 * level its gap cannot hold, the level with the margin its need has
 * above W_i is its need now (recur_margin), so that its top and low
 * samples ask alike, and its no-shrink floor (recur_hold), so that a low
 * sample between two teeth does not cut what it holds of the level; off,
 * with swap, or a level the gap holds: as before.
 */
#include "test_policy_util.h"

#include "policy/solve.h"

/* No reserve, no slack; the keys as asked. */
static void setup2(struct policy_params *p, bool margin, bool hold)
{
	policy_params_default(p);
	p->reserve_kb = 0;
	p->need_slack_pct = 0;
	p->recur_margin = margin;
	p->recur_hold = hold;
}

/* recur_hold as asked, recur_margin at its default. */
static void setup(struct policy_params *p, bool hold)
{
	setup2(p, true, hold);
}

/* dom 1: swapless, holds 200 MiB of a level of 200 its load recurs to,
 * sampled low (W 100); gap 64, so the level is beyond W + g. It jumped
 * in 10 of its 12 past spike windows: faster than the loop follows. */
static struct policy_dom recurring(void)
{
	struct policy_dom d = est_dom(1, 200 * MIB, 100 * MIB);

	d.flags |= POLICY_IN_RECUR;
	d.recur_kb = 200 * MIB;
	d.jump_past = 10;
	d.jump_seen = 12;
	return d;
}

/* The need now: the level, and the margin need now has above W_i;
 * unchanged when off, with swap, without the flag or with a level
 * W + g covers. */
static void test_need_now(void **state)
{
	struct policy_params p;
	struct policy_dom d = recurring();

	setup(&p, true);
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 200 * MIB);
	/* a margin of 40 above W (the OOM room of a killed guest) */
	assert_int_equal(policy_recur_need_kb(&p, &d, 140 * MIB), 240 * MIB);
	/* a level just beyond W + g */
	d.recur_kb = 164 * MIB + 4;
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 164 * MIB + 4);
	/* a level within W + g: as before */
	d.recur_kb = 164 * MIB;
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 100 * MIB);
	d = recurring();
	d.flags &= ~POLICY_IN_RECUR;
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 100 * MIB);
	d = recurring();
	d.swap_tot_kb = 16 * MIB;
	d.swap_free_kb = 16 * MIB;
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 100 * MIB);
	d = recurring();
	/* the floor only with recur_hold; neither key: the bare need */
	assert_int_equal(policy_recur_floor_kb(&p, &d, 140 * MIB), 240 * MIB);
	setup(&p, false);
	assert_true(p.recur_margin);
	assert_int_equal(policy_recur_need_kb(&p, &d, 140 * MIB), 240 * MIB);
	assert_int_equal(policy_recur_floor_kb(&p, &d, 140 * MIB), 140 * MIB);
	setup2(&p, false, false);
	assert_int_equal(policy_recur_need_kb(&p, &d, 140 * MIB), 140 * MIB);
}

/* recur_hold_rate_pct: the floor only for a load that jumped in that
 * share of its past windows (50 % by default), after a minute of them;
 * 0: any. The need now does not depend on the rate. */
static void test_floor_rate(void **state)
{
	struct policy_params p;
	struct policy_dom d = recurring();

	setup(&p, true);
	assert_int_equal(p.recur_hold_rate_pct, 50);
	d.jump_past = 6;        /* 6 of 12: half */
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 200 * MIB);
	d.jump_past = 5;        /* a random walk's or a cron's rate */
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 100 * MIB);
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 200 * MIB);
	d.jump_past = d.jump_seen = 5;  /* watched for less than a minute */
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 100 * MIB);
	p.recur_hold_rate_pct = 0;
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 200 * MIB);
}

/* Scarce, dom 2 (holds 400, needs 600, swap) short: off, the low sample
 * cuts dom 1 below its level (its floor is W) and dom 2 gets it; on, dom
 * 1 keeps the 200 it holds as its floor. What it does not hold of the
 * level is no floor: holding 150 its floor is 150. */
static void test_floor_held(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { recurring(), est_swap_dom(2, 400 * MIB, 600 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	setup(&p, false);
	/* M = 600: below dom 1's level and dom 2's need (200 + 600). */
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].floor_kb <= 100 * MIB);
	assert_true(out[0].target_kb < 200 * MIB - 16 * MIB);

	setup(&p, true);
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].floor_kb, 200 * MIB);
	assert_true(out[0].target_kb >= 200 * MIB);
	assert_true(out[1].target_kb <= 400 * MIB + POLICY_PAGE_KB);

	d[0].actual_kb = d[0].target_kb = 150 * MIB;
	decide(&p, 50 * MIB, d, 2, out, &cycle);
	assert_int_equal(out[0].floor_kb, 150 * MIB);
}

/* A killed swapless guest (its OOM room as need while growing): with
 * recur_margin (with or without recur_hold) the top sample (W at the
 * level) and a low one ask the same target, so the teeth write nothing;
 * with neither, the low sample asks the bare level, less by its room. */
static void test_top_and_low_alike(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { recurring(), est_swap_dom(2, 400 * MIB, 600 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;
	uint64_t top, low;

	d[0].flags |= POLICY_IN_GROWING | POLICY_IN_OOM_MIN;
	d[0].actual_kb = d[0].target_kb = 264 * MIB;
	for (int on = 0; on < 3; on++) {
		setup2(&p, on > 0, on > 1);
		d[0].ws_kb = 200 * MIB;         /* the top sample */
		d[0].flags &= ~POLICY_IN_RECUR; /* recur_kb is above W only */
		decide(&p, 100 * MIB, d, 2, out, &cycle);
		assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
		top = out[0].target_kb;
		d[0].ws_kb = 100 * MIB;         /* a low one */
		d[0].flags |= POLICY_IN_RECUR;
		decide(&p, 100 * MIB, d, 2, out, &cycle);
		low = out[0].target_kb;
		assert_true(top >= 264 * MIB - POLICY_PAGE_KB);
		if (on)
			assert_int_equal(low, top);
		else
			assert_true(low + 32 * MIB < top);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_need_now),
		cmocka_unit_test(test_floor_rate),
		cmocka_unit_test(test_floor_held),
		cmocka_unit_test(test_top_and_low_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
