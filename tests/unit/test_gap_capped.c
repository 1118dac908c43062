// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session 24 (docs/evaluation.md, "Session 24: learned, dominant
 * (gap24)"): two rules of the learned gap, both keys, off by default.
 *
 * gap_band_threshold (gap_capped.c): which last cycle counts as one that
 * capped a domain at its goal, for gap_band_scarce's hold: a target equal
 * to the goal and written, and with the key a target a hair off the goal
 * that the write threshold kept from being written, while the written
 * target stands within min_change of the goal.
 *
 * gap_quiet_flat (gap_seen.c): with gap_quiet_rises, a quiet guest whose
 * demand has not risen at any report for two windows is capped too (at
 * gap_min, or what its free swap cannot hold of gap_start); without the
 * key no rise is no evidence.
 *
 * gap_ramp_flat (gap_ramp.c): one report whose W did not move after a
 * rise keeps the ramp (an estimate refreshed at half the report rate);
 * a second one, or a fall, ends it.
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

	policy_params_default(&p);   /* gap_min 32, start 64, window 300 s, min_change 16 */
	return p;
}

/* Given exactly its goal and written there: capped, with or without the
 * key; a goal written but another target computed (the share moved): not
 * without the key. */
static void test_capped_exact(void **state)
{
	struct policy_params p = params();

	assert_false(p.gap_band_threshold);              /* the default */
	assert_true(gap_band_capped(&p, 700 * MIB, 700 * MIB, 700 * MIB, POLICY_R_DEMAND));
	assert_false(gap_band_capped(&p, 700 * MIB, 700 * MIB, 690 * MIB, POLICY_R_DEMAND));
	/* slow-donors-climb's `climb` at 1467 s: the share 0.7 MiB below its
	 * goal, not written (the threshold), the goal written the cycle before. */
	assert_false(gap_band_capped(&p, 696064, 695324, 696064, POLICY_R_THRESHOLD));
	p.gap_band_threshold = true;
	assert_true(gap_band_capped(&p, 696064, 695324, 696064, POLICY_R_THRESHOLD));
	(void)state;
}

/* With the key: only a move the threshold held (no THRESHOLD reason: a
 * share below the goal that was written, or not a hold at all), never a
 * grant cut, and both the computed and the written target within
 * min_change of the goal, either side. */
static void test_capped_threshold_edges(void **state)
{
	struct policy_params p = params();
	uint64_t goal = 700 * MIB;

	p.gap_band_threshold = true;
	assert_false(gap_band_capped(&p, goal, goal - 1 * MIB, goal, 0));
	assert_false(gap_band_capped(&p, goal, goal - 1 * MIB, goal,
				     POLICY_R_THRESHOLD | POLICY_R_GRANT));
	assert_true(gap_band_capped(&p, goal, goal - 15 * MIB, goal + 15 * MIB, POLICY_R_THRESHOLD));
	assert_true(gap_band_capped(&p, goal, goal + 15 * MIB, goal - 15 * MIB, POLICY_R_THRESHOLD));
	assert_false(gap_band_capped(&p, goal, goal - 16 * MIB, goal, POLICY_R_THRESHOLD));
	assert_false(gap_band_capped(&p, goal, goal, goal + 16 * MIB, POLICY_R_THRESHOLD));
	assert_false(gap_band_capped(&p, goal, goal - 1 * MIB, goal - 16 * MIB, POLICY_R_THRESHOLD));
	(void)state;
}

/* A flat quiet guest seen for 700 s in scarce mode (frozen reports, W
 * never rises): no cap without gap_quiet_flat; with it, capped at
 * gap_min once two windows have passed, at what the free swap cannot
 * hold of gap_start with less swap, and never while loud. */
static void test_flat(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = { .ws = 16 * MIB, .c = { .have_pswpin = true } };

	p.gap_quiet_rises = 2;
	gap_state_init(&s, &p, 4);
	for (int i = 0; i < 700; i++) {
		struct gap_obs o = obs(&s, &g);

		o.frozen = true;
		gap_step(&p, &s, &o);
		uint64_t g0 = gap_current_kb(&p, &s, g.ws, false);

		assert_int_equal(gap_seen_cap_kb(&p, &s, g0, false, 1024 * MIB), 64 * MIB);
		p.gap_quiet_flat = true;
		assert_int_equal(gap_seen_cap_kb(&p, &s, g0, false, 1024 * MIB),
				 i < 600 ? 64 * MIB : 32 * MIB);
		p.gap_quiet_flat = false;
	}
	assert_int_equal(s.max_rise_kb, 0);
	p.gap_quiet_flat = true;
	/* 20 MiB of free swap: the unswapped 44 MiB of gap_start stays. */
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 20 * MIB), 44 * MIB);
	/* Swapless: not cut. */
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 0), 64 * MIB);
	/* Within the OOM hold: not cut. */
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, true, 1024 * MIB), 64 * MIB);
	/* Without gap_quiet_rises the flat key alone caps nothing. */
	p.gap_quiet_rises = 0;
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 1024 * MIB), 64 * MIB);
	p.gap_quiet_rises = 2;
	s.loud = true;                                   /* a page-in: not quiet */
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 1024 * MIB), 64 * MIB);
	(void)state;
}

/* W climbs 52 MiB every other report (build-farm's b02), every step
 * explores: without the key the ramp is never seen (rise, flat, rise) and
 * an exploration cuts the gap; with it no cut while it climbs. Then W
 * stands: the second flat report ends the ramp and the gap may be cut;
 * a fall ends one at once. */
static void test_ramp_flat(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };
	uint64_t lowest = 0, at4 = 0;

	p.gap_window_s = 0;          /* no floor at the last rise */
	p.gap_cut_s = 0;
	p.gap_explore_s = 0;
	p.gap_greedy = 1;
	gap_state_init(&s, &p, 7);
	for (int i = 0; i < 40; i++) {
		g.ws += i % 2 ? 0 : 52 * MIB;
		step(&p, &s, &g);
		if (i == 4)                              /* two rises seen: back at 64 */
			lowest = at4 = s.gap_kb = s.use_kb = 64 * MIB;
		lowest = i > 4 && s.gap_kb < lowest ? s.gap_kb : lowest;
	}
	assert_true(lowest < at4);                       /* cut mid-climb */

	p.gap_ramp_flat = true;
	g = (struct guest){ .ws = 200 * MIB, .c = { .have_pswpin = true } };
	gap_state_init(&s, &p, 7);
	for (int i = 0; i < 40; i++) {
		g.ws += i % 2 ? 0 : 52 * MIB;
		step(&p, &s, &g);
		if (i == 4)
			at4 = s.gap_kb = s.use_kb = 64 * MIB;
		if (i > 4)                               /* no cut while it climbs */
			assert_int_equal(s.gap_kb, at4);
		if (i > 4 && i % 2)
			assert_true(s.ramp_flat && s.ramp_kb == 52 * MIB);
	}
	step(&p, &s, &g);                                /* the second flat one */
	assert_false(s.ramp_flat);
	assert_int_equal(s.ramp_kb, 0);
	g.ws += 52 * MIB;
	step(&p, &s, &g);
	g.ws -= 8 * MIB;                                 /* a fall after a rise */
	step(&p, &s, &g);
	assert_false(s.ramp_flat);
	assert_int_equal(s.ramp_kb, 0);
	assert_int_equal(s.last_rise_kb, 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capped_exact),
		cmocka_unit_test(test_capped_threshold_edges),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_ramp_flat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
