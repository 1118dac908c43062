/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A load that comes back (src/policy/comeback.c, design.md §Scarce mode
 * from the estimated need, "A load that comes back"): a fall of W that
 * came back within the window makes the window's peak the need for the
 * hold; a fall that stays down, jitter and a slow descent do not; and
 * the policy serves that peak as need now in scarce mode's tiers, not as
 * a floor.
 */
#include "test_policy_util.h"

#include "policy/comeback.h"

#define WIN 15000        /* comeback_window_s's default, ms */
#define HOLD 60000       /* comeback_hold_s's default, ms */
#define MC (4 * MIB)     /* min_change */
#define RECUR 120000     /* comeback_recur_s's default, ms */
#define RISE 3000        /* three cycles of 1 s */

/* W at t (ms from 1000): the highest of the window's peak held and the
 * level of a load that recurs (what a swapless guest's need holds). */
static uint64_t see(struct comeback_state *s, uint64_t t, uint64_t w)
{
	uint64_t r, pk = comeback_observe(s, w, MC, 1000 + t, WIN, HOLD, RECUR, RISE, &r);

	return r > pk ? r : pk;
}

/* A square wave 600/300 MiB, a second each level: the first fall is
 * followed (nothing came back yet), from the first return on every low
 * sample holds the peak. */
static void test_square_wave_held(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	assert_int_equal(see(&s, 0, 600 * MIB), 600 * MIB);
	assert_int_equal(see(&s, 1000, 300 * MIB), 300 * MIB);
	assert_int_equal(see(&s, 2000, 600 * MIB), 600 * MIB);
	for (uint64_t t = 3000; t < 30000; t += 2000) {
		assert_int_equal(see(&s, t, 300 * MIB), 600 * MIB);
		assert_int_equal(see(&s, t + 1000, 600 * MIB), 600 * MIB);
	}
}

/* A fall that stays down is followed at once, and stays followed. */
static void test_fall_that_stays(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	see(&s, 0, 600 * MIB);
	for (uint64_t t = 1000; t < 120000; t += 1000)
		assert_int_equal(see(&s, t, 150 * MIB), 150 * MIB);
}

/* Jitter below a quarter of the peak is no fall; nor is a slow
 * descent followed by a partial rise that does not come back within a
 * quarter of the fall. */
static void test_jitter_and_partial(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 60000; t += 1000)
		assert_int_equal(see(&s, t, (t / 1000) % 2 ? 500 * MIB : 400 * MIB),
				 (t / 1000) % 2 ? 500 * MIB : 400 * MIB);
	comeback_reset(&s);
	see(&s, 0, 400 * MIB);
	see(&s, 1000, 200 * MIB);                  /* a fall of 200 */
	assert_int_equal(see(&s, 2000, 330 * MIB), 330 * MIB);   /* 70 short */
	assert_int_equal(see(&s, 3000, 200 * MIB), 200 * MIB);
}

/* A return outside the window is a new level, not a load that came
 * back; and the hold ends hold_ms after the last return. */
static void test_window_and_hold(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	see(&s, 0, 600 * MIB);
	see(&s, 1000, 300 * MIB);
	see(&s, 1000 + WIN + 2000, 600 * MIB);     /* back, too late */
	assert_int_equal(see(&s, WIN + 4000, 300 * MIB), 300 * MIB);

	comeback_reset(&s);
	see(&s, 0, 600 * MIB);
	see(&s, 1000, 300 * MIB);
	see(&s, 2000, 600 * MIB);                  /* came back at 2 s */
	assert_int_equal(see(&s, 3000, 300 * MIB), 600 * MIB);
	/* It stays down: the window's peak ages out after WIN anyway; the
	 * hold never outlasts the peak it holds. */
	uint64_t t = 3000;

	for (; t < 2000 + HOLD + 2000; t += 1000)
		see(&s, t, 300 * MIB);
	assert_int_equal(see(&s, t, 300 * MIB), 300 * MIB);
}

/* A burst every 60 s: 10 s at 300 MiB over a base of 100. The first
 * two falls are followed (the load has not come back twice yet); from
 * the second return on, the burst's level is held between bursts, as
 * long as the load comes back: it is given back only once the load has
 * stayed low longer than its time down (50 s), a quarter more and the
 * window. */
static uint64_t burst(uint64_t t)
{
	return t % 60000 < 10000 ? 300 * MIB : 100 * MIB;
}

static void test_recurring_burst_held(void **state)
{
	struct comeback_state s;
	uint64_t t;

	comeback_reset(&s);
	for (t = 0; t < 120000; t += 1000) {
		uint64_t r = see(&s, t, burst(t));

		if (t % 60000 >= 30000)   /* beyond the window: followed */
			assert_int_equal(r, burst(t));
	}
	for (; t < 600000; t += 1000)
		if (t >= 130000)
			assert_int_equal(see(&s, t, burst(t)), 300 * MIB);
		else
			see(&s, t, burst(t));
	/* It stops: held while the next burst may still come, then given
	 * back. */
	uint64_t last = t - 60000 + 9000;       /* the last sample at 300 */

	for (; t <= last + 50000 + 12500 + WIN; t += 1000)
		assert_int_equal(see(&s, t, 100 * MIB), 300 * MIB);
	for (; t < last + 300000; t += 1000)
		assert_int_equal(see(&s, t, 100 * MIB), 100 * MIB);
	/* One burst more is no recurrence yet: followed after its fall. */
	for (uint64_t u = t; u < t + 10000; u += 1000)
		see(&s, u, 300 * MIB);
	for (uint64_t u = t + 10000 + WIN + 1000; u < t + 60000; u += 1000)
		assert_int_equal(see(&s, u, 100 * MIB), 100 * MIB);
}

/* A saw-tooth that climbs back over 45 s and drops at once: its return
 * is a climb the rise ahead follows, not a jump; nothing is held
 * beyond the window. */
static void test_climb_back_not_held(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 600000; t += 1000) {
		uint64_t w = 200 * MIB + (t % 45000) / 1000 * 11 * MIB;
		uint64_t r = see(&s, t, w);

		if ((t % 45000) >= WIN + 1000)
			assert_int_equal(r, w);
	}
}

/* A return after longer than recur_ms down is a new level: bursts
 * every 200 s are followed. */
static void test_recur_limit(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 1200000; t += 1000) {
		uint64_t w = t % 200000 < 10000 ? 300 * MIB : 100 * MIB;
		uint64_t r = see(&s, t, w);

		if (t % 200000 >= 10000 + WIN + 1000)
			assert_int_equal(r, w);
	}
}

/* Off: either setting 0 returns W and keeps nothing. */
static void test_off(void **state)
{
	struct comeback_state s;

	comeback_reset(&s);
	for (uint64_t t = 0; t < 20000; t += 1000) {
		uint64_t w = (t / 1000) % 2 ? 300 * MIB : 600 * MIB;

		uint64_t r;

		assert_int_equal(comeback_observe(&s, w, MC, 1000 + t, 0, HOLD, RECUR, RISE, &r), w);
		assert_int_equal(r, 0);
		assert_int_equal(comeback_observe(&s, w, MC, 1000 + t, WIN, 0, RECUR, RISE, &r), w);
		assert_int_equal(r, 0);
	}
	assert_int_equal(s.n, 0);
}

/* Both policy cases: no reserve, no slack, dom 1's load came back with
 * a peak of 600 MiB. */
static void peak_setup(struct policy_params *p, struct policy_dom *d1)
{
	policy_params_default(p);
	p->reserve_kb = 0;
	p->need_slack_pct = 0;
	d1->flags |= POLICY_IN_PEAK;
	d1->peak_kb = 600 * MIB;
}

/* The policy: dom 1's load came back (W 300, peak 600); dom 2 holds
 * 500 and needs 500. Abundant: dom 1 keeps its peak and gap. Scarce, with
 * room for both needs now (300 + 500) and part of the peak: dom 1 gets
 * more than W (the peak is need now, before dom 2's gap), but its floor
 * is W's: the peak is shared in the tiers, not a floor. */
static void test_policy_peak_is_need_now(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { est_swap_dom(1, 600 * MIB, 300 * MIB),
				   est_swap_dom(2, 500 * MIB, 500 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	peak_setup(&p, &d[0]);

	decide(&p, 2048 * MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].goal_kb, 664 * MIB);
	assert_true(out[0].target_kb >= 600 * MIB);

	/* M = 1100 - 0 free: needs now 600 + 500 fit exactly. */
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb >= 600 * MIB - POLICY_PAGE_KB);
	assert_true(out[1].target_kb >= 500 * MIB - POLICY_PAGE_KB);
	assert_true(out[0].floor_kb <= 300 * MIB);

	/* Without the peak dom 1 is cut to its W and dom 2 gets its gap. */
	d[0].flags &= ~POLICY_IN_PEAK;
	decide(&p, 0, d, 2, out, &cycle);
	assert_true(out[0].target_kb < 600 * MIB - 64 * MIB);
	assert_true(out[1].target_kb > 500 * MIB);
}

/* The held peak is a floor of its own in the tiers, after every domain's
 * no-shrink floor and before anyone's need now: dom 1 holds its peak
 * (600, W 300) while dom 2 (holds 400, needs 600) gets only what is left;
 * dom 2 holding its 600 as its floor, dom 1 yields the rest of its peak
 * to that floor. Both have swap for all of their needs: no tier-1 need. */
static void roomy_swap(struct policy_dom *d)
{
	d->swap_tot_kb = 1024 * MIB;
	d->swap_free_kb = 800 * MIB;
}

static void test_policy_peak_before_need_now(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { est_swap_dom(1, 600 * MIB, 300 * MIB),
				   est_swap_dom(2, 400 * MIB, 600 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	peak_setup(&p, &d[0]);
	roomy_swap(&d[0]);
	roomy_swap(&d[1]);

	/* M = 1000: the floors (300 + 400) and dom 1's peak fit exactly. */
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb >= 600 * MIB - POLICY_PAGE_KB);
	assert_true(out[1].target_kb >= 400 * MIB - POLICY_PAGE_KB);
	assert_true(out[0].floor_kb <= 300 * MIB);
	/* M = 1100: dom 2's need now gets what the peak leaves. */
	decide(&p, 100 * MIB, d, 2, out, &cycle);
	assert_true(out[0].target_kb >= 600 * MIB - POLICY_PAGE_KB);
	assert_true(out[1].target_kb >= 500 * MIB - POLICY_PAGE_KB);
	assert_true(out[1].target_kb <= 500 * MIB + POLICY_PAGE_KB);

	/* dom 2 holds 600 of its need: its floor comes before the peak. */
	d[1] = est_swap_dom(2, 600 * MIB, 600 * MIB);
	roomy_swap(&d[1]);
	decide(&p, -200 * (int64_t)MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[1].target_kb >= 600 * MIB - POLICY_PAGE_KB);
	assert_true(out[0].target_kb <= 400 * MIB + POLICY_PAGE_KB);
	assert_true(out[0].target_kb >= 300 * MIB - POLICY_PAGE_KB);
}

/* A load that recurs (POLICY_IN_RECUR): dom 1 (W 100, holds 400) jumps
 * back to 200 every so often; dom 2 holds 300 of its need of 500 and has
 * 136 MiB of free swap beyond its gap. M = 700: both goals (164 + 564)
 * do not fit, both needs do. Without the rule dom 1 gets W and part of
 * its gap; swapless, it keeps its level as need its swap cannot hold
 * (tier 1), and dom 2 still gets its need: the level comes out of the
 * gaps, not another's need, and it is no floor. A level the gap holds
 * (W + g >= it), or a guest with swap (it pages through the burst), is
 * sized as without the rule. */
static void test_policy_recur_level(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { est_dom(1, 400 * MIB, 100 * MIB),
				   est_swap_dom(2, 300 * MIB, 500 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;
	uint64_t plain;

	policy_params_default(&p);
	p.reserve_kb = 0;
	p.need_slack_pct = 0;

	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	plain = out[0].target_kb;
	assert_true(plain < 200 * MIB - 16 * MIB);
	assert_true(out[1].target_kb >= 500 * MIB - POLICY_PAGE_KB);

	d[0].flags |= POLICY_IN_RECUR;
	d[0].recur_kb = 200 * MIB;
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb >= 200 * MIB - POLICY_PAGE_KB);
	assert_true(out[1].target_kb >= 500 * MIB - POLICY_PAGE_KB);
	assert_true(out[0].floor_kb <= 100 * MIB);
	decide(&p, 2048 * MIB, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(out[0].goal_kb, 264 * MIB);

	/* A level within the gap: W + g = 164. */
	d[0].recur_kb = 160 * MIB;
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, plain);
	/* A guest with swap, even too little for the level. */
	d[0].recur_kb = 200 * MIB;
	d[0].swap_tot_kb = 16 * MIB;
	d[0].swap_free_kb = 16 * MIB;
	decide(&p, 0, d, 2, out, &cycle);
	uint64_t with = out[0].target_kb;

	d[0].flags &= ~POLICY_IN_RECUR;
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(with, out[0].target_kb);
	assert_true(with < 200 * MIB - 16 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_square_wave_held),
		cmocka_unit_test(test_fall_that_stays),
		cmocka_unit_test(test_jitter_and_partial),
		cmocka_unit_test(test_window_and_hold),
		cmocka_unit_test(test_recurring_burst_held),
		cmocka_unit_test(test_climb_back_not_held),
		cmocka_unit_test(test_recur_limit),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_policy_peak_is_need_now),
		cmocka_unit_test(test_policy_peak_before_need_now),
		cmocka_unit_test(test_policy_recur_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
