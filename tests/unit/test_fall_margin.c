/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A swapless guest's margin after a fall (fall_margin_s; design.md
 * §Scarce mode from the estimated need, "A margin after a fall";
 * fall_margin.c policy_fall_margin_kb(), jump.c jump_fell()): for
 * fall_margin_s after its need fell, of what a guest without swap room
 * holds above its need now, up to fall_margin_mb, its gap and the fall
 * stays, in tier 1 as far as tier 1 fits; without a fall, none (the
 * cut goes to exactly its need, as before); none for a guest whose
 * shown rises outgrow its gap.
 */
#include "test_policy_util.h"

#include "policy/jump.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	params.fall_margin_s = 60;        /* off by default */
	params.fall_margin_kb = 16 * MIB;
	return 0;
}

/* Swapless: needs 300 MiB, holds `held`, its need fell by `fell`. */
static struct policy_dom swapless(uint32_t domid, uint64_t held, uint64_t fell)
{
	struct policy_dom d = swapless_300(domid, held);

	d.fell_kb = fell;
	return d;
}

/* M = 760 (332 + 428 held): every need is 760. Fell by 40 MiB: of the
 * 32 it holds above its need, 16 stay (316) and the pager pages for
 * them; no fall: cut to exactly 300. */
static void test_kept_after_fall(void **state)
{
	struct policy_dom d[2] = { swapless(1, 332 * MIB, 40 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 316 * MIB);
	assert_in_range(o[1].target_kb, 444 * MIB - 8, 444 * MIB);  /* to a page */

	d[0].fell_kb = 0;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* At most the fall (8: 308), at most what it holds (12 above: 312 with
 * a fall of 40), none with the key off. */
static void test_at_most_fall_and_held(void **state)
{
	struct policy_dom d[2] = { swapless(1, 332 * MIB, 8 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	struct policy_params off = params;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 308 * MIB);

	d[0] = swapless(1, 312 * MIB, 40 * MIB);
	d[1] = pager_460(2, 448 * MIB);
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 312 * MIB);
	assert_int_equal(o[1].target_kb, 448 * MIB);

	off.fall_margin_s = 0;
	decide(&off, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* Rises beyond its gap (jumps a margin cannot hold) or free swap that
 * holds the margin: none kept. */
static void test_none_for_jumps_or_swap(void **state)
{
	struct policy_dom d[2] = { swapless(1, 332 * MIB, 40 * MIB), pager_460(2, 428 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].rise_most_kb = policy_dom_gap_kb(&params, &d[0]) + MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);

	d[0].rise_most_kb = 0;
	d[0].swap_tot_kb = 256 * MIB;
	d[0].swap_free_kb = 200 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* jump_fell(): W at 500 MiB, then 450 20 s later: a fall of 50 within
 * 60 s; 120 s later, still at 450, none; a rise is no fall. */
static void test_jump_fell(void **state)
{
	struct jump_state s;
	const uint64_t win = 10000, span = 15000, back = 60000;

	jump_reset(&s);
	for (uint64_t t = 0; t <= 40000; t += 5000)
		(void)jump_observe(&s, t <= 20000 ? 500 * MIB : 450 * MIB, t, win, span);
	assert_int_equal(jump_fell(&s, 40000, win, back), 50 * MIB);
	assert_int_equal(jump_fell(&s, 40000, win, 0), 0);
	for (uint64_t t = 45000; t <= 160000; t += 5000)
		(void)jump_observe(&s, 450 * MIB, t, win, span);
	assert_int_equal(jump_fell(&s, 160000, win, back), 0);
	(void)jump_observe(&s, 480 * MIB, 165000, win, span);
	assert_int_equal(jump_fell(&s, 165000, win, back), 0);
}

/* fall_margin_given: a guest that holds exactly its need (300) after a
 * fall of 40 gets 32 above it, given (332), the pager paging for it;
 * kept only it would keep nothing (it holds nothing above its need);
 * one short of its need gets no margin (no rescue). */
static void test_given_after_end(void **state)
{
	struct policy_params g = params;
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	g.fall_margin_given = true;
	g.fall_margin_kb = 32 * MIB;
	d[0].fall_climbs = true;
	decide(&g, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 332 * MIB);
	assert_true(o[1].target_kb < 460 * MIB);

	g.fall_margin_given = false;
	decide(&g, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);

	g.fall_margin_given = true;
	d[0] = swapless(1, 290 * MIB, 40 * MIB);
	d[0].fall_climbs = true;
	d[1] = pager_460(2, 470 * MIB);
	decide(&g, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
}

/* fall_margin_given, W not creeping back (flat at its trough, or
 * stepped since): no raise for the margin (300 stays 300); what it
 * holds above its need is kept as without the key (316 of 332). */
static void test_given_only_climbing(void **state)
{
	struct policy_params g = params;
	struct policy_dom d[2] = { swapless(1, 300 * MIB, 40 * MIB), pager_460(2, 460 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	g.fall_margin_given = true;
	g.fall_margin_kb = 32 * MIB;
	decide(&g, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);

	g.fall_margin_kb = 16 * MIB;
	d[0] = swapless(1, 332 * MIB, 40 * MIB);
	d[1] = pager_460(2, 428 * MIB);
	decide(&g, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 316 * MIB);
}

/* Feeds W (MiB) at t (ms), as the arbiter does each cycle (a margin
 * of 16: a step is a rise of 16 over a few reports). */
static void feed(struct jump_state *s, uint64_t w_mib, uint64_t t)
{
	const uint64_t win = 10000, span = 3000, back = 60000;

	(void)jump_observe(s, w_mib * MIB, t, win, span);
	jump_fall_note(s, t, win, back, 4 * MIB, 16 * MIB);
}

/* A fresh history: W at 500 MiB for 20 s, then at 450 from 21 s until
 * `until` (ms): a fall of 50. */
static void fall_500_450(struct jump_state *s, uint64_t until)
{
	jump_reset(s);
	for (uint64_t t = 0; t <= 20000; t += 1000)
		feed(s, 500, t);
	for (uint64_t t = 21000; t <= until; t += 1000)
		feed(s, 450, t);
}

/* fall_margin_given with a 16 MiB margin, min_change 16 MiB and a 10 s
 * spike window, as feed() keeps the history. */
static struct policy_params given_params(void)
{
	struct policy_params g = need_params(false);

	g.fall_margin_s = 60;
	g.fall_margin_given = true;
	g.fall_margin_kb = 16 * MIB;
	g.spike_window_s = 10;
	g.min_change_kb = 16 * MIB;
	return g;
}

/* jump_fall_climbs(): a step 500 -> 450, flat: no climb; a creep of
 * 1 MiB a second from 450: a climb once more than 4 above the trough.
 * A step of 20 since the fall: no climb at any level after it, until a
 * deeper fall (a new trough). */
static void test_fall_climbs(void **state)
{
	struct jump_state s;
	const uint64_t tol = 4 * MIB;

	fall_500_450(&s, 30000);
	assert_int_equal(jump_fall_kb(&s, 30000, 60000), 50 * MIB);
	assert_false(jump_fall_climbs(&s, tol));
	for (uint64_t t = 31000, w = 451; t <= 34000; t += 1000, w++)
		feed(&s, w, t);
	assert_false(jump_fall_climbs(&s, tol));    /* 454: within 4 */
	feed(&s, 455, 35000);
	assert_true(jump_fall_climbs(&s, tol));
	for (uint64_t t = 36000; t <= 40000; t += 1000)
		feed(&s, 455, t);
	assert_true(jump_fall_climbs(&s, tol));     /* a level climbed to */

	fall_500_450(&s, 30000);
	for (uint64_t t = 31000; t <= 40000; t += 1000)
		feed(&s, 470, t);
	assert_int_equal(jump_fall_kb(&s, 40000, 60000), 50 * MIB);
	assert_false(jump_fall_climbs(&s, tol));
	for (uint64_t t = 41000, w = 471; t <= 45000; t += 1000, w++)
		feed(&s, w, t);
	assert_false(jump_fall_climbs(&s, tol));
	for (uint64_t t = 46000; t <= 55000; t += 1000)
		feed(&s, 430, t);
	assert_int_equal(jump_fall_kb(&s, 55000, 60000), 70 * MIB);
	assert_false(jump_fall_climbs(&s, tol));
	for (uint64_t t = 56000, w = 431; t <= 61000; t += 1000, w++)
		feed(&s, w, t);
	assert_true(jump_fall_climbs(&s, tol));
}

/* jump_fall_ended(): W falling 10 MiB a second has not ended; flat for
 * the recent samples, or falling 1 MiB a second (within 4), it has. */
static void test_fall_ended(void **state)
{
	struct jump_state s;
	const uint64_t win = 10000, span = 3000, tol = 4 * MIB;

	jump_reset(&s);
	assert_false(jump_fall_ended(&s, tol));
	for (uint64_t t = 0; t <= 5000; t += 1000)
		(void)jump_observe(&s, 500 * MIB - t / 100 * MIB, t, win, span);
	assert_false(jump_fall_ended(&s, tol));
	for (uint64_t t = 6000; t <= 9000; t += 1000)
		(void)jump_observe(&s, 440 * MIB, t, win, span);
	assert_true(jump_fall_ended(&s, tol));
	for (uint64_t t = 10000; t <= 13000; t += 1000)
		(void)jump_observe(&s, 440 * MIB - (t - 9000) / 1000 * MIB, t, win, span);
	assert_true(jump_fall_ended(&s, tol));
}

/* jump_fall_note()/jump_fall_kb(): a step 500 -> 450 at 20 s: nothing
 * while it falls, 50 once it is seen ended, kept at 50 while the window
 * still shows the fall and back_ms after it was last seen (the window's
 * fall shrinks to nothing as it ages: that is what it replaces); none
 * back_ms after that. */
static void test_fall_note(void **state)
{
	struct jump_state s;
	const uint64_t win = 10000, span = 3000, back = 60000, tol = 4 * MIB;
	uint64_t last = 0, at_end = 0, after = 1;

	jump_reset(&s);
	for (uint64_t t = 0; t <= 20000; t += 1000) {
		(void)jump_observe(&s, 500 * MIB, t, win, span);
		jump_fall_note(&s, t, win, back, tol, 16 * MIB);
	}
	assert_int_equal(jump_fall_kb(&s, 20000, back), 0);
	(void)jump_observe(&s, 470 * MIB, 21000, win, span);
	jump_fall_note(&s, 21000, win, back, tol, 16 * MIB);
	assert_int_equal(jump_fall_kb(&s, 21000, back), 0);    /* falling */
	for (uint64_t t = 22000; t <= 200000; t += 1000) {
		(void)jump_observe(&s, 450 * MIB, t, win, span);
		jump_fall_note(&s, t, win, back, tol, 16 * MIB);
		if (jump_fell(&s, t, win, back))
			last = t;
		if (t == 26000 || t == 75000)
			assert_int_equal(jump_fall_kb(&s, t, back), 50 * MIB);
		if (last && t == last + back)
			at_end = jump_fall_kb(&s, t, back);
		if (last && t == last + back + 1000)
			after = jump_fall_kb(&s, t, back);
	}
	assert_true(last >= 70000 && last < 100000);
	assert_int_equal(at_end, 50 * MIB);
	assert_int_equal(after, 0);
	assert_int_equal(jump_fall_kb(&s, 200000, back), 0);
}

/* jump_snapshot() with fall_margin_given: none while a fall of
 * min_change (16) shows within the last spike window (10 s: the step
 * 500 -> 450 at 21 s, still at 30 s), the fall kept (50) once it is
 * gone, and through a wobble down of 6 at the trough (444: the noise
 * of its level, a deeper trough: 56 from then); kept while W creeps
 * back 5 MiB a second to 494; none while W falls again 10 MiB a second
 * (20 within the window), and kept again once that decline has ended. */
static void test_none_while_falling(void **state)
{
	struct policy_params g = given_params();
	struct policy_dom d = swapless_300(1, 300 * MIB);
	struct jump_state s;

	fall_500_450(&s, 30000);
	jump_snapshot(&s, &g, 30000, &d);
	assert_int_equal(d.fell_kb, 0);
	for (uint64_t t = 31000; t <= 45000; t += 1000)
		feed(&s, 450, t);
	jump_snapshot(&s, &g, 45000, &d);
	assert_int_equal(d.fell_kb, 50 * MIB);
	feed(&s, 444, 46000);
	jump_snapshot(&s, &g, 46000, &d);
	assert_int_equal(d.fell_kb, 50 * MIB);
	for (uint64_t t = 47000; t <= 55000; t += 1000)
		feed(&s, 444, t);
	for (uint64_t t = 56000, w = 449; t <= 65000; t += 1000, w += 5)
		feed(&s, w, t);
	jump_snapshot(&s, &g, 65000, &d);
	assert_int_equal(d.fell_kb, 56 * MIB);      /* 494: a creep, no step */
	assert_true(d.fall_climbs);
	feed(&s, 484, 66000);
	feed(&s, 474, 67000);
	jump_snapshot(&s, &g, 67000, &d);
	assert_int_equal(d.fell_kb, 0);
	assert_false(d.fall_climbs);
	for (uint64_t t = 68000; t <= 85000; t += 1000)
		feed(&s, 474, t);
	jump_snapshot(&s, &g, 85000, &d);
	assert_int_equal(d.fell_kb, 56 * MIB);
}

/* jump_snapshot() with fall_margin_given: after a fall of 50, a step
 * up of 40 (more than the margin, 16, as feed() notes steps: a load of
 * steps): no fall kept, at that level or after. */
static void test_none_after_step(void **state)
{
	struct policy_params g = given_params();
	struct policy_dom d = swapless_300(1, 300 * MIB);
	struct jump_state s;

	fall_500_450(&s, 45000);
	jump_snapshot(&s, &g, 45000, &d);
	assert_int_equal(d.fell_kb, 50 * MIB);
	for (uint64_t t = 46000; t <= 70000; t += 1000)
		feed(&s, 490, t);
	jump_snapshot(&s, &g, 70000, &d);
	assert_int_equal(d.fell_kb, 0);
	assert_false(d.fall_climbs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kept_after_fall, setup),
		cmocka_unit_test_setup(test_at_most_fall_and_held, setup),
		cmocka_unit_test_setup(test_none_for_jumps_or_swap, setup),
		cmocka_unit_test(test_jump_fell),
		cmocka_unit_test_setup(test_given_after_end, setup),
		cmocka_unit_test(test_fall_ended),
		cmocka_unit_test(test_fall_note),
		cmocka_unit_test_setup(test_given_only_climbing, setup),
		cmocka_unit_test(test_fall_climbs),
		cmocka_unit_test(test_none_while_falling),
		cmocka_unit_test(test_none_after_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
