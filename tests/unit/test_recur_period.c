/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cron's level (recur_period_s, src/policy/recur_period.c and
 * comeback.c's comeback_cron(); design.md §Scarce mode from the
 * estimated need, "A cron's level"): the tracker reads a cron's runs
 * (runs that differ, a run killed on its way up) as a load that recurs
 * and tells its period; the policy holds a swapless cron's level and its
 * gap through the trough whatever its jump rate, and lets it go once
 * the next run is late.
 */
#include "test_policy_util.h"

#include "policy/comeback.h"
#include "policy/solve.h"

#define WIN 15000        /* comeback_window_s's default, ms */
#define HOLD 60000       /* comeback_hold_s's default, ms */
#define MC (4 * MIB)     /* min_change */
#define RECUR 120000     /* comeback_recur_s's default, ms */
#define RISE 3000        /* three cycles of 1 s */

/* The level of a load that recurs at t (ms from 1000), 0: none. */
static uint64_t level(struct comeback_state *s, bool cron, uint64_t kill_ms,
		      uint64_t t, uint64_t w)
{
	uint64_t r;

	if (cron)
		comeback_cron(s, kill_ms);
	comeback_observe(s, w, MC, 1000 + t, WIN, HOLD, RECUR, RISE, &r);
	return r;
}

/* A cron every 60 s, 10 s up over a base of 100 MiB: each minute's run
 * at 260 MiB, every fifth minute's at 400 (minute-cron's shape). */
static uint64_t runs(uint64_t t)
{
	uint64_t m = t / 60000;

	if (t % 60000 >= 10000)
		return 100 * MIB;
	return m % 5 == 4 ? 400 * MIB : 260 * MIB;
}

/* Read as a cron's, the load recurs from its third run to the end, its
 * level the higher of its last two runs' (400 once a run has returned
 * after the fifth minute's, until two more have), its period 50 s down;
 * read as before, the minute run after the fifth minute's is no return
 * to its level (260 < 400 less a quarter of the fall): the level stays
 * the minute runs'. */
static void test_cron_runs(void **state)
{
	struct comeback_state cron, plain;
	uint64_t down, since;

	comeback_reset(&cron);
	comeback_reset(&plain);
	for (uint64_t t = 0; t < 900000; t += 1000) {
		uint64_t c = level(&cron, true, 0, t, runs(t));
		uint64_t p = level(&plain, false, 0, t, runs(t));

		if (t >= 130000)
			assert_true(c >= 260 * MIB);
		if (t >= 130000) {
			assert_true(comeback_period(&cron, 1000 + t, &down, &since));
			assert_int_equal(down, 50000);
			assert_true(since <= 50000);
		}
		if (t >= 310000 && t < 360000) {
			assert_int_equal(c, 400 * MIB);
			assert_int_equal(p, 260 * MIB);
		}
		if (t >= 430000 && t < 480000)
			assert_int_equal(c, 260 * MIB);
	}
}

/* Runs that do not keep their time (a random walk whose levels repeat
 * by chance: back after 40, 60, 40, 60 s ...): the load recurs, but
 * read as a cron's it has no period once two periods are known (the
 * third return, at 140 s); read as before, it does. */
static void test_irregular_runs(void **state)
{
	static const uint64_t at[] = { 0, 40, 100, 140, 200, 240, 300, 340, 400, 440, 500 };
	struct comeback_state s;
	uint64_t down, since;
	bool recurs = false;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 600000; t += 1000) {
		uint64_t w = 100 * MIB;

		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
			if (t >= at[i] * 1000 && t < at[i] * 1000 + 10000)
				w = 300 * MIB;
		if (level(&s, true, 0, t, w))
			recurs = true;
		if (t >= 141000)
			assert_false(comeback_period(&s, 1000 + t, &down, &since));
	}
	assert_true(recurs);
}

/* A random walk's level that repeats by chance (balloon-stuck's s5,
 * swapless, a new level every 20 s): up at 0, 30, 80, 150, 190 and 260
 * s for 10 s each. Its second return (80 s) gives one period and times
 * down of 20 and 40 s; a cron's two are its period less its run each
 * time. Read as a cron's, it has no period, neither then nor once its
 * periods are known to differ; it recurs all the same. */
static void test_walk_one_period(void **state)
{
	static const uint64_t at[] = { 0, 30, 80, 150, 190, 260 };
	struct comeback_state s;
	uint64_t down, since;
	bool recurs = false;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 300000; t += 1000) {
		uint64_t w = 100 * MIB;

		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
			if (t >= at[i] * 1000 && t < at[i] * 1000 + 10000)
				w = 300 * MIB;
		if (level(&s, true, 0, t, w))
			recurs = true;
		assert_false(comeback_period(&s, 1000 + t, &down, &since));
	}
	assert_true(recurs);
}

/* A square wave, up half of each minute (square-alias's q4): it recurs
 * and keeps its time, but a cron runs briefly (down two thirds of its
 * period at least): read as a cron's it has no period. */
static void test_square_wave(void **state)
{
	struct comeback_state s;
	uint64_t down, since;
	bool recurs = false;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 600000; t += 1000) {
		if (level(&s, true, 0, t, t % 60000 < 30000 ? 460 * MIB : 160 * MIB))
			recurs = true;
		assert_false(comeback_period(&s, 1000 + t, &down, &since));
	}
	assert_true(recurs);
}

/* A swapless guest killed as its run jumps climbs back only as its
 * memory comes (here 15 MiB a second): told the kill, the slow return
 * counts as a jump and the load recurs; without the kill, or not read as
 * a cron's, it is a climb the loop follows, as before. */
static uint64_t killed_run(uint64_t t)
{
	uint64_t u = t % 60000;

	if (u >= 20000)
		return 100 * MIB;
	return 100 * MIB + (u / 1000 + 1) * 15 * MIB < 300 * MIB
		? 100 * MIB + (u / 1000 + 1) * 15 * MIB : 300 * MIB;
}

static void test_killed_return(void **state)
{
	struct comeback_state s[3];
	uint64_t last[3] = { 0, 0, 0 };

	for (int i = 0; i < 3; i++)
		comeback_reset(&s[i]);
	for (uint64_t t = 0; t < 400000; t += 1000) {
		/* a kill at the start of each run */
		uint64_t kill = 1000 + t - t % 60000;

		last[0] = level(&s[0], true, kill, t, killed_run(t));
		last[1] = level(&s[1], true, 0, t, killed_run(t));
		last[2] = level(&s[2], false, kill, t, killed_run(t));
		if (t >= 200000 && t % 60000 >= 25000)
			assert_int_equal(last[0], 300 * MIB);
	}
	assert_int_equal(last[1], 0);
	assert_int_equal(last[2], 0);
}

/* No reserve, no slack, recur_period_s 90. */
static void setup(struct policy_params *p)
{
	policy_params_default(p);
	p->reserve_kb = 0;
	p->need_slack_pct = 0;
	p->recur_period_s = 90;
}

/* dom 1: swapless, holds 264 MiB, a cron's level of 200 (W 100 between
 * its runs, gap 64), down 50 s between runs, its last run 20 s ago; it
 * jumped in 1 of 12 windows (a cron's rate: recur_hold's floor does not
 * hold it). */
static struct policy_dom cron_dom(void)
{
	struct policy_dom d = est_dom(1, 264 * MIB, 100 * MIB);

	d.flags |= POLICY_IN_RECUR | POLICY_IN_CRON;
	d.recur_kb = d.cron_kb = 200 * MIB;
	d.cron_down_ms = 50000;
	d.cron_since_ms = 20000;
	d.jump_past = 1;
	d.jump_seen = 12;
	return d;
}

/* Which crons are held: the key on, a period within it, not late,
 * swapless, a level beyond W + g. */
static void test_periodic(void **state)
{
	struct policy_params p;
	struct policy_dom d = cron_dom();

	setup(&p);
	assert_true(policy_recur_periodic(&p, &d));
	d.cron_since_ms = 62500;               /* due at 50, late after 62.5 */
	assert_true(policy_recur_periodic(&p, &d));
	d.cron_since_ms = 62501;
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	d.cron_down_ms = 90001;                /* a trough longer than the key */
	assert_false(policy_recur_periodic(&p, &d));
	d.cron_down_ms = 90000;
	assert_true(policy_recur_periodic(&p, &d));
	d = cron_dom();
	d.cron_down_ms = 0;                    /* no period known */
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	d.swap_tot_kb = d.swap_free_kb = 16 * MIB;
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	d.cron_kb = 164 * MIB;                  /* W + g holds it */
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	d.flags &= ~POLICY_IN_CRON;
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	p.recur_period_s = 0;
	assert_false(policy_recur_periodic(&p, &d));
}

/* The level and the gap at least: W's need now (100) asks 264; a need
 * now with a larger margin (OOM room of 80) asks the level and that; a
 * guest killed lately, what it held at its kill and a bump. The floor
 * and the need alike, at a cron's jump rate; off: recur_hold's floor
 * (the rate) does not hold it. */
static void test_level_and_gap(void **state)
{
	struct policy_params p;
	struct policy_dom d = cron_dom();

	setup(&p);
	assert_int_equal(policy_recur_period_kb(&p, &d, 100 * MIB), 264 * MIB);
	assert_int_equal(policy_recur_period_kb(&p, &d, 180 * MIB), 280 * MIB);
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 264 * MIB);
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 264 * MIB);
	/* killed within oom_hold_s holding 260: what it held and a bump
	 * (oom_bump_mb, 64) is what its runs need, above level and gap */
	d.flags |= POLICY_IN_OOM_MIN;
	d.oom_kill_kb = 260 * MIB;
	d.min_kb = 324 * MIB;
	assert_int_equal(policy_recur_period_kb(&p, &d, 100 * MIB), 324 * MIB);
	/* a level its kills truncated to within W + g: still a cron */
	d.cron_kb = 150 * MIB;
	assert_true(policy_recur_periodic(&p, &d));
	d.flags &= ~POLICY_IN_OOM_MIN;
	assert_false(policy_recur_periodic(&p, &d));
	d = cron_dom();
	/* a load that jumps in most windows stays recur_hold's: its level
	 * (recur_kb) and the margin now has, not the gap */
	d.jump_past = 10;
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 200 * MIB);
	assert_int_equal(policy_recur_need_kb(&p, &d, 130 * MIB), 230 * MIB);
	d.jump_past = 1;
	p.recur_period_s = 0;
	assert_int_equal(policy_recur_floor_kb(&p, &d, 100 * MIB), 100 * MIB);
	assert_int_equal(policy_recur_need_kb(&p, &d, 100 * MIB), 200 * MIB);
}

/* Scarce, dom 2 (holds 400, needs 600, swap) short: with the key dom 1
 * keeps the 264 it holds through the trough; once its run is late, or
 * without the key, its floor is W again and it is cut below its level
 * and gap (dom 2 gets the rest; the bare level is still recur_margin's
 * need while comeback.c's recurrence lasts). */
static void test_held_through_trough(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { cron_dom(), est_swap_dom(2, 400 * MIB, 600 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	setup(&p);
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].floor_kb, 264 * MIB);
	assert_true(out[0].target_kb >= 264 * MIB);

	d[0].cron_since_ms = 70000;            /* late: the cron stopped */
	decide(&p, 0, d, 2, out, &cycle);
	assert_true(out[0].floor_kb < 200 * MIB);
	assert_true(out[0].target_kb < 264 * MIB - 16 * MIB);

	d[0].cron_since_ms = 20000;
	p.recur_period_s = 0;
	decide(&p, 0, d, 2, out, &cycle);
	assert_true(out[0].floor_kb < 200 * MIB);
	assert_true(out[0].target_kb < 264 * MIB - 16 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cron_runs),
		cmocka_unit_test(test_irregular_runs),
		cmocka_unit_test(test_walk_one_period),
		cmocka_unit_test(test_square_wave),
		cmocka_unit_test(test_killed_return),
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_level_and_gap),
		cmocka_unit_test(test_held_through_trough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
