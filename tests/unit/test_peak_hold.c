/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The level a load reached (`peak_hold`; src/policy/peak_hold.c, jump.c;
 * design.md §Scarce mode from the estimated need, "The level a load
 * reached"): the tracker keeps W's highest sample per window and gives
 * the second highest of the last JUMP_PAST windows (a level seen in two
 * windows, not one report); the policy keeps that level less the guest's
 * free swap, plus its gap, in its goal and in scarce mode's tier of
 * margins, after every domain's need now: never out of another guest's
 * need now. Only a guest with swap whose load jumped beyond its gap in
 * two windows has one, and the levels are kept all or none: a host
 * short of every goal with them and the largest rise a guest has shown
 * decides as without the key.
 */
#include "test_policy_util.h"

#include "policy/jump.h"
#include "policy/solve.h"

#define WIN 10000        /* spike_window_s's default, ms */
#define SPAN 3000

static void see(struct jump_state *s, uint64_t t, uint64_t w)
{
	jump_observe(s, w, t, WIN, SPAN);
}

/* 100 MiB, then 300 held for 15 s (two windows), then 100 again; one
 * report of 900 in a single window is not a level; the level is gone
 * once JUMP_PAST windows have passed without it. */
static void test_top_level(void **state)
{
	struct jump_state s;
	uint64_t t = 0;

	jump_reset(&s);
	assert_int_equal(jump_top(&s, 0, WIN, KILL_RISE_RANK), 0);
	for (; t < 60000; t += 1000)
		see(&s, t, 100 * MIB);
	assert_int_equal(jump_top(&s, t, WIN, KILL_RISE_RANK), 100 * MIB);
	for (; t < 75000; t += 1000)
		see(&s, t, 300 * MIB);
	see(&s, t, 900 * MIB);             /* one report, one window */
	for (t += 1000; t < 200000; t += 1000)
		see(&s, t, 100 * MIB);
	assert_int_equal(jump_top(&s, t, WIN, KILL_RISE_RANK), 300 * MIB);
	assert_int_equal(jump_top(&s, t, WIN, 1), 900 * MIB);
	/* The rises are measured as before beside it (900 over the 300
	 * of the reports before it). */
	assert_int_equal(jump_most(&s, t, WIN, 1), 600 * MIB);
	for (; t < 75000 + (JUMP_PAST + 2) * WIN; t += 1000)
		see(&s, t, 100 * MIB);
	assert_int_equal(jump_top(&s, t, WIN, KILL_RISE_RANK), 100 * MIB);
	assert_int_equal(jump_top(&s, t, 0, KILL_RISE_RANK), 0);
}

/* est_swap_dom: W 100, gap 64, 200 MiB of swap free, jumps beyond its
 * gap in 3 of its last 10 windows; a level of 400 keeps 400 - 200 + 64
 * = 264. */
static struct policy_dom jumpy(uint32_t domid, uint64_t held)
{
	struct policy_dom d = est_swap_dom(domid, held, 100 * MIB);

	d.top_kb = 400 * MIB;
	d.jump_past = 3;
	d.jump_seen = 10;
	return d;
}

static void test_keep_bounds(void **state)
{
	struct policy_params p = need_params(false), off = p;
	struct policy_dom d = jumpy(1, 300 * MIB);

	p.peak_hold = true;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 264 * MIB);
	assert_int_equal(policy_peak_keep_kb(&off, &d, 100 * MIB), 100 * MIB);
	/* More than the level already: w. */
	assert_int_equal(policy_peak_keep_kb(&p, &d, 300 * MIB), 300 * MIB);
	/* Its free swap holds the whole jump to the level: nothing kept;
	 * its free swap and gap together: kept (364 - 200 + 64). */
	d.top_kb = 300 * MIB;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 100 * MIB);
	d.top_kb = 364 * MIB;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 228 * MIB);
	d.top_kb = 300 * MIB;
	/* Less free swap, more kept (swap in use holds nothing more). */
	d.swap_free_kb = 50 * MIB;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 314 * MIB);
	/* Never above H_i. */
	d.max_kb = 280 * MIB;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 280 * MIB);
	/* No level seen, or no estimate: w. */
	d = jumpy(1, 300 * MIB);
	d.top_kb = 0;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 100 * MIB);
	d = jumpy(1, 300 * MIB);
	d.flags &= ~POLICY_IN_WS;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 100 * MIB);
	/* A load that fell once (a failover's primary) and never jumped in
	 * two windows: its level is gone, nothing kept. */
	d = jumpy(1, 300 * MIB);
	d.jump_past = KILL_RISE_RANK - 1;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 100 * MIB);
	d.jump_past = KILL_RISE_RANK;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 264 * MIB);
	/* Swapless: recur_hold's (recur_hold.c), nothing kept here. */
	d.swap_tot_kb = d.swap_free_kb = 0;
	assert_int_equal(policy_peak_keep_kb(&p, &d, 100 * MIB), 100 * MIB);
}

static void same(const struct policy_decision *a, const struct policy_decision *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].target_kb, b[i].target_kb);
		assert_int_equal(a[i].goal_kb, b[i].goal_kb);
		assert_int_equal(a[i].mode, b[i].mode);
	}
}

/* Two jumpy guests holding 150 each: goals 164 + 164 without the levels
 * (28 beyond what they hold), 264 + 264 with them (228). With 300 MiB
 * free both levels are kept; with 150, enough for one (128) but not
 * both, none is, and the cycle is the one without the key (abundant,
 * goals 164): all or none. And only with room left for the largest rise
 * a guest has shown. */
static void test_all_or_none(void **state)
{
	struct policy_params p = need_params(false), off = p;
	struct policy_dom d[2] = { jumpy(1, 150 * MIB), jumpy(2, 150 * MIB) };
	struct policy_decision o[2], f[2];
	struct policy_cycle cycle, fc;

	p.peak_hold = true;
	decide(&p, 300 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 264 * MIB);
	assert_int_equal(o[1].goal_kb, 264 * MIB);

	decide(&p, 150 * MIB, d, 2, o, &cycle);
	decide(&off, 150 * MIB, d, 2, f, &fc);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(fc.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 164 * MIB);
	same(o, f, 2);
	assert_int_equal(cycle.need_kb, fc.need_kb);

	/* With 300 free, 72 is left once both levels are kept: a rise of
	 * 100 shown by a guest would not fit beside them, so none is kept;
	 * one of 72 would. */
	d[1].rise_most_kb = 100 * MIB;
	decide(&p, 300 * MIB, d, 2, o, &cycle);
	decide(&off, 300 * MIB, d, 2, f, &fc);
	assert_int_equal(o[0].goal_kb, 164 * MIB);
	same(o, f, 2);
	d[1].rise_most_kb = 72 * MIB;
	decide(&p, 300 * MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].goal_kb, 264 * MIB);
	assert_int_equal(o[1].goal_kb, 264 * MIB);
}

/* Abundant: the goal is the level kept (264), not W + g (164). */
static void test_goal(void **state)
{
	struct policy_params p = need_params(false), off = p;
	struct policy_dom d[1] = { jumpy(1, 300 * MIB) };
	struct policy_decision o[1];
	struct policy_cycle cycle;

	p.peak_hold = true;
	decide(&p, 1 * GIB, d, 1, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 264 * MIB);
	decide(&off, 1 * GIB, d, 1, o, &cycle);
	assert_int_equal(o[0].goal_kb, 164 * MIB);
}

/* Scarce, M = 600 (what both hold): the jumpy guest beside a swapless
 * one that needs 400. The goals with the level (264 + 464) do not fit:
 * the cycle is the one without the key, the level is not served out of
 * the tiers (it took the gaps of swapless guests and the room of OOM
 * raises there: many-small-one-big, growing-adopted). Forced global
 * with room for every goal with it, the level is served after the
 * needs: 264 for the jumpy guest, the other's 464 whole. */
static void test_short_host(void **state)
{
	struct policy_params p = need_params(false), off = p;
	struct policy_dom d[2] = { jumpy(1, 300 * MIB), est_dom(2, 300 * MIB, 400 * MIB) };
	struct policy_decision o[2], f[2];
	struct policy_cycle cycle, fc;

	p.peak_hold = true;
	decide(&p, 0, d, 2, o, &cycle);
	decide(&off, 0, d, 2, f, &fc);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	same(o, f, 2);
	assert_true(o[1].target_kb >= 400 * MIB);
	assert_true(o[0].target_kb < 264 * MIB);

	p.mode = off.mode = POLICY_FORCE_GLOBAL;
	decide(&p, 200 * MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(o[0].target_kb + POLICY_PAGE_KB >= 264 * MIB &&
		    o[0].target_kb <= 264 * MIB);
	assert_true(o[1].target_kb + POLICY_PAGE_KB >= 464 * MIB);
}

/* A reservation of 150 MiB with no free memory: it is served out of
 * what the jumpy guest holds above its need (100), the level kept
 * included; the level is no part of what a reservation leaves (kept
 * there, 114 MiB of the reservation waited and the guest kept 264). */
static void test_reservation_takes_level(void **state)
{
	struct policy_params p = need_params(false);
	struct policy_dom d[1] = { jumpy(1, 300 * MIB) };
	struct policy_decision o[1];
	struct policy_cycle cycle;
	struct policy_ctx ctx;
	/* free_kb leaves the reservation out already */
	struct policy_host host = { .free_kb = -150 * (int64_t)MIB, .reserve_kb = 0,
				    .reservations_kb = 150 * MIB };

	p.peak_hold = true;
	assert_int_equal(policy_ctx_init(&ctx, 1), 0);
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 1, o, &cycle), 0);
	policy_ctx_free(&ctx);
	assert_int_equal(cycle.resv_held_kb, 0);
	assert_true(o[0].target_kb <= 150 * MIB);
	assert_true(o[0].target_kb >= 100 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_keep_bounds),
		cmocka_unit_test(test_goal),
		cmocka_unit_test(test_all_or_none),
		cmocka_unit_test(test_short_host),
		cmocka_unit_test(test_reservation_takes_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
