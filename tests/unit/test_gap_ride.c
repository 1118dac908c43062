// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's write rules (design.md §The learned gap): with
 * gap_ride a change of the gap in effect joins a target write that the
 * goal makes anyway (any change of W), a cut by at most min_change less
 * W's fall, so that the joined write still lands on the goal in one
 * step; gap_lone_cut_s = 0: a cut that joins no such write never comes.
 * Also the rules of session 7 around them: exploration tries cuts only
 * (seed 003's growths, gap_explore_up, removed in session 26), the
 * growth floor (a growing guest keeps gap_start less its free swap), gap_band (no write while the gap the
 * last target leaves stays in [g, gap_start]).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(void)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, min_change 16 */
	p.gap_greedy = 0;            /* no exploration: moves are set by hand */
	p.gap_window_s = 0;          /* no floor at the last rise */
	p.gap_ride = true;
	p.gap_lone_cut_s = 0;
	return p;
}

static void start(const struct policy_params *p, struct gap_state *s, struct guest *g)
{
	*g = (struct guest){ .ws = 400 * MIB, .c = { .have_pswpin = true } };
	gap_state_init(s, p, 1);
	step(p, s, g);
}

/* A steady guest: a chosen cut waits, however long, for a write made
 * anyway; with gap_lone_cut_s it comes alone by min_change. */
static void test_no_lone_cut(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	for (int i = 0; i < 10; i++) {
		g.ms += 3600 * 1000;
		step(&p, &s, &g);
	}
	assert_int_equal(s.use_kb, 64 * MIB);
	p.gap_lone_cut_s = 120;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);
}

/* Any change of W carries a cut, even one below min_change (its goal
 * moves: a write lands on it); a rise carries up to min_change. */
static void test_cut_rides_change(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	g.ws += 4 * MIB;                           /* a rise below min_change */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);      /* min_change of the cut */
	step(&p, &s, &g);                          /* W unchanged: no write */
	assert_int_equal(s.use_kb, 48 * MIB);
	g.ws += 1;                                 /* any change */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
	/* A cut of 4 MiB (below min_change) rides too. */
	s.gap_kb = s.use_kb = 40 * MIB;
	step(&p, &s, &g);
	s.gap_kb = 36 * MIB;
	g.ws += 8 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 36 * MIB);
}

/* A fall of W plus the cut stays within min_change: the walk down makes
 * one step of min_change at most, so a larger sum is two writes. */
static void test_cut_within_fall(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	g.ws -= 12 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 60 * MIB);      /* 16 - 12 */
	g.ws -= 16 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 60 * MIB);      /* no room left */
	g.ws -= 2 * MIB;                           /* room 14: aligned to 12 */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);
}

/* A growth that is not forced (explored or priced) waits for a change
 * of W; a page-in takes the gap back to gap_start at once. */
static void test_growth_rides(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = s.use_kb = 32 * MIB;
	step(&p, &s, &g);
	s.gap_kb = 40 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
	g.ws += 4 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 40 * MIB);
	g.c.pswpin += 100;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, p.gap_start_kb);
}

/* An exploration never grows the gap (a growth is rewarded only when it
 * ended pain, and an exploration follows a quiet step): it cuts by at
 * most gap_explore_max, or keeps the gap (k = 0 of the draw). */
static void test_explore_cuts_only(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;
	unsigned cuts = 0, growths = 0, kept = 0;

	p.gap_greedy = 1;
	p.gap_explore_s = 0;
	p.gap_cut_s = 0;             /* the gap in effect is the chosen one */
	start(&p, &s, &g);
	for (int i = 0; i < 200; i++) {
		uint64_t before = s.gap_kb;

		s.gap_kb = s.use_kb = 48 * MIB;   /* room both ways */
		before = s.gap_kb;
		step(&p, &s, &g);
		cuts += s.gap_kb < before;
		growths += s.gap_kb > before;
		kept += s.gap_kb == before;
		if (s.gap_kb < before)
			assert_true(before - s.gap_kb <= p.gap_explore_max_kb);
	}
	assert_true(s.n_explores >= 190);
	assert_true(cuts > 100);
	assert_true(kept > 0);
	assert_int_equal(growths, 0);
}

/* While a guest grows (the OOM margin's evidence), its gap is at least
 * gap_start less its free swap: a swapless one keeps gap_start, even
 * from a frozen report (in scarce mode the gap shapes its OOM margin). */
static void test_growth_floor(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = s.use_kb = 32 * MIB;
	struct gap_obs o = obs(&s, &g);

	step(&p, &s, &g);                          /* not growing: kept */
	assert_int_equal(s.use_kb, 32 * MIB);
	o = obs(&s, &g);
	o.growing = true;
	o.swap_free_kb = 20 * MIB;                 /* floor 44 */
	gap_step(&p, &s, &o);
	assert_int_equal(s.use_kb, 44 * MIB);
	o = obs(&s, &g);
	o.growing = true;
	o.swap_free_kb = 0;                        /* swapless: gap_start */
	gap_step(&p, &s, &o);
	assert_int_equal(s.use_kb, 64 * MIB);
	s.gap_kb = s.use_kb = 32 * MIB;
	o = obs(&s, &g);
	o.growing = true;
	o.frozen = true;
	gap_step(&p, &s, &o);
	assert_int_equal(s.gap_kb, 64 * MIB);
	assert_int_equal(s.use_kb, 64 * MIB);
	s.gap_kb = s.use_kb = 32 * MIB;
	o = obs(&s, &g);
	o.growing = true;
	o.swap_free_kb = 256 * MIB;                /* its swap takes a rise */
	gap_step(&p, &s, &o);
	assert_int_equal(s.use_kb, 32 * MIB);
}

/* gap_band: the goal holds the last target while the gap it leaves is
 * in [g, gap_start]; out below, g plus the last rise on a ramp (two
 * rising reports), at most gap_start; out above, g. */
static void test_band(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 40 * MIB), 40 * MIB);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 64 * MIB), 64 * MIB);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 70 * MIB), 32 * MIB);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 20 * MIB), 32 * MIB);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, -8 * (int64_t)MIB), 32 * MIB);
	g.ws += 12 * MIB;                          /* one rise: a jump */
	step(&p, &s, &g);
	assert_int_equal(s.ramp_kb, 0);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 20 * MIB), 32 * MIB);
	g.ws += 10 * MIB;                          /* a second: a ramp */
	step(&p, &s, &g);
	assert_int_equal(s.ramp_kb, 10 * MIB);
	/* the lead: the rise, aligned up to 4 MiB */
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 20 * MIB), 44 * MIB);
	g.ws += 40 * MIB;
	step(&p, &s, &g);
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 20 * MIB), 64 * MIB);
	step(&p, &s, &g);                          /* W still: no ramp */
	assert_int_equal(s.ramp_kb, 0);
	/* An empty band at g = gap_start, and gap_band = no. */
	assert_int_equal(gap_band_kb(&p, &s, 64 * MIB, 70 * MIB), 64 * MIB);
	p.gap_band = false;
	assert_int_equal(gap_band_kb(&p, &s, 32 * MIB, 40 * MIB), 32 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explore_cuts_only),
		cmocka_unit_test(test_growth_floor),
		cmocka_unit_test(test_band),
		cmocka_unit_test(test_no_lone_cut),
		cmocka_unit_test(test_cut_rides_change),
		cmocka_unit_test(test_cut_within_fall),
		cmocka_unit_test(test_growth_rides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
