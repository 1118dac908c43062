// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's safety rules beyond the seed (design.md §The learned
 * gap): the floor at the largest recent rise of W, the back-off to
 * gap_start after a page-in (in every regime), the hysteresis of the
 * gap in effect (a lone cut by min_change at a time), one greedy move per
 * gap_cut_s, heartbeats as steps without credit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(void)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, window 300, cut 120 */
	p.gap_greedy = 0;            /* no exploration: moves are set by hand */
	/* The rules of session 3 (still reachable by keys): a change of
	 * the gap joins only a move of W by min_change, a lone cut comes
	 * after gap_cut_s. test_gap_ride.c tests the defaults. */
	p.gap_ride = false;
	p.gap_lone_cut_s = p.gap_cut_s;
	return p;
}

static struct guest quiet(uint64_t ws)
{
	return (struct guest){ .ws = ws, .c = { .have_pswpin = true } };
}

/* A rise of W by 40 MiB in one report keeps the gap at 40 MiB at least
 * for gap_window_s; then a cut may go to the floor. */
static void test_recent_rise_floor(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(200 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	g.ws += 40 * MIB;
	step(&p, &s, &g);
	assert_int_equal(gap_recent_rise_kb(&p, &s, g.ms), 40 * MIB);
	s.gap_kb = 32 * MIB;                       /* as if a priced cut */
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 40 * MIB);      /* not below the rise */
	g.ms += 400 * 1000;                        /* the window has passed */
	assert_int_equal(gap_recent_rise_kb(&p, &s, g.ms), 0);
	s.gap_kb = 32 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 32 * MIB);
	/* A rise above gap_start is capped there: beyond it is the priced
	 * actions' business. */
	g.ws += 200 * MIB;
	step(&p, &s, &g);
	assert_int_equal(gap_recent_rise_kb(&p, &s, g.ms), p.gap_start_kb);
	/* gap_window_s = 0: no floor. */
	p.gap_window_s = 0;
	assert_int_equal(gap_recent_rise_kb(&p, &s, g.ms), 0);
}

/* A page-in brings a cut gap back to gap_start at once, in effect too. */
static void test_pagein_backoff(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);

	gap_state_init(&s, &p, 1);
	s.gap_kb = s.use_kb = 32 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
	g.c.pswpin += 100;
	assert_int_equal(step(&p, &s, &g), GAP_FINED);
	assert_int_equal(s.gap_kb, p.gap_start_kb);
	assert_int_equal(s.use_kb, p.gap_start_kb);
	assert_int_equal(gap_current_kb(&p, &s, 400 * MIB, false), p.gap_start_kb);
}

/* The gap in effect takes a cut only after a quiet step, by min_change
 * at least, with a move of W by min_change or gap_cut_s after its last
 * change; a growth without pain waits for a move of W. */
static void test_hysteresis(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	s.gap_kb = 52 * MIB;                       /* a cut of 12 < min_change */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 64 * MIB);
	s.gap_kb = 48 * MIB;                       /* 16: but too soon */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 64 * MIB);
	g.ms += (uint64_t)p.gap_cut_s * 1000;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);      /* gap_cut_s later */
	s.gap_kb = 32 * MIB;
	g.ws -= 16 * MIB;                          /* W moves: the goal is rewritten anyway */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
	s.gap_kb = 56 * MIB;                       /* a growth without pain */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
	g.ws -= 16 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 56 * MIB);      /* joins the move of W */
	/* gap_cut_s = 0: the gap in effect is the chosen one, every step. */
	p.gap_cut_s = 0;
	s.gap_kb = 36 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 36 * MIB);
}

/* One greedy move per gap_cut_s: a cut priced high is taken once, not
 * at every step down to the floor. */
static void test_greedy_rate(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);

	p.gap_window_s = 0;
	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	s.price[GAP_CENTER - 2] = 10000;           /* -8 MiB, priced */
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 56 * MIB);
	assert_int_equal(s.n_greedy_switches, 1);
	for (int i = 0; i < 100; i++)
		step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 56 * MIB);
	assert_int_equal(s.n_greedy_switches, 1);
	g.ms += (uint64_t)p.gap_cut_s * 1000;
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 48 * MIB);
	assert_int_equal(s.n_greedy_switches, 2);
}

/* A cut that joins no move of W walks the gap in effect down by
 * min_change at a time, gap_cut_s apart (one target write each); with a
 * move of W it goes all the way at once. */
static void test_cut_by_min_change(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	s.gap_kb = 32 * MIB;                       /* a cut of 32 */
	g.ms += (uint64_t)p.gap_cut_s * 1000;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);      /* 16 of it */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 48 * MIB);      /* not again so soon */
	g.ms += (uint64_t)p.gap_cut_s * 1000;
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);      /* the rest */
	s.gap_kb = s.use_kb = 64 * MIB;
	step(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	g.ws -= 16 * MIB;                          /* W moves: rewritten anyway */
	step(&p, &s, &g);
	assert_int_equal(s.use_kb, 32 * MIB);
}

/* A heartbeat carries the last report's figures: it credits nothing and
 * the chain keeps its start, so the next fresh report judges the whole
 * interval on exact counter deltas; it only lets a settled guest choose
 * (here: explore). Without a chain it does nothing. */
static void test_heartbeat(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);
	int32_t before[GAP_ACTIONS];

	p.gap_greedy = 1;                          /* explore at every step */
	p.gap_explore_s = 0;
	p.gap_window_s = 0;
	gap_state_init(&s, &p, 1);
	struct gap_obs o = obs(&s, &g);

	o.heartbeat = true;
	assert_int_equal(gap_step(&p, &s, &o), GAP_BEAT);   /* no chain yet */
	assert_int_equal(s.n_steps, 0);
	step(&p, &s, &g);                          /* a fresh report: first */
	assert_int_equal(s.n_steps, 1);
	uint64_t start_ms = s.prev_ms;

	memcpy(before, s.price, sizeof(before));
	uint64_t explores = s.n_explores;

	for (int i = 0; i < 5; i++) {
		o = obs(&s, &g);
		o.heartbeat = true;
		assert_int_equal(gap_step(&p, &s, &o), GAP_BEAT);
	}
	assert_memory_equal(before, s.price, sizeof(before));   /* no credit */
	assert_int_equal(s.prev_ms, start_ms);     /* the chain's start kept */
	assert_int_equal(s.n_explores, explores + 5);
	assert_int_equal(s.n_steps, 6);
	/* Page-ins over the heartbeats show in the next fresh report's
	 * deltas: the net realised action since the chain's start is fined. */
	int64_t realised0 = s.prev_realised_kb;

	g.c.pswpin += 1000;
	o = obs(&s, &g);
	int k = gap_action_index(gap_realised_kb(o.actual_kb, o.overhead_kb, o.ws_kb) -
				 realised0);

	assert_int_equal(gap_step(&p, &s, &o), GAP_FINED);
	assert_int_equal(s.price[k], before[k] - (int32_t)p.gap_fine_pagein);
	assert_int_equal(s.prev_ms, o.report_ms);
	/* After pain a heartbeat neither explores nor moves. */
	uint64_t gap = s.gap_kb;

	explores = s.n_explores;
	o = obs(&s, &g);
	o.heartbeat = true;
	gap_step(&p, &s, &o);
	assert_int_equal(s.n_explores, explores);
	assert_int_equal(s.gap_kb, gap);
}

/* A report that teaches nothing (frozen: scarce mode, held, mid-walk)
 * changes no price, but page-ins since the last report bring a cut gap
 * back to gap_start, in effect too: in scarce mode the gap still caps
 * tier 2. Without page-ins it stays. */
static void test_pagein_backoff_frozen(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(400 * MIB);
	int32_t before[GAP_ACTIONS];

	gap_state_init(&s, &p, 1);
	s.gap_kb = s.use_kb = 32 * MIB;
	step(&p, &s, &g);
	memcpy(before, s.price, sizeof(before));
	struct gap_obs o = obs(&s, &g);

	o.frozen = true;
	assert_int_equal(gap_step(&p, &s, &o), GAP_FROZEN);
	assert_int_equal(s.use_kb, 32 * MIB);
	g.c.pswpin += 100;
	o = obs(&s, &g);
	o.frozen = true;
	assert_int_equal(gap_step(&p, &s, &o), GAP_FROZEN);
	assert_int_equal(s.gap_kb, p.gap_start_kb);
	assert_int_equal(s.use_kb, p.gap_start_kb);
	assert_memory_equal(before, s.price, sizeof(before));
	/* A heartbeat carries old counters: it never backs off. */
	s.gap_kb = s.use_kb = 32 * MIB;
	g.c.pswpin += 100;
	o = obs(&s, &g);
	o.frozen = true;
	o.heartbeat = true;
	gap_step(&p, &s, &o);
	assert_int_equal(s.use_kb, 32 * MIB);
}

/* gap_max_mb = gap_start_mb by default (session 16): a priced growth,
 * taken at once after pain, stops at the fixed headroom; with a higher
 * ceiling it goes above. The OOM floor stops at gap_max too (session
 * 17): in the hold the gap is the fixed headroom, not above it. */
static void test_default_cut_only(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g = quiet(1000 * MIB);

	assert_true(p.gap_max_kb >= p.gap_start_kb);   /* the start is not cut */
	for (int wide = 0; wide < 2; wide++) {
		if (wide)
			p.gap_max_kb = 256 * MIB;
		gap_state_init(&s, &p, 1);
		step(&p, &s, &g);
		s.price[gap_action_index(32 * (int64_t)MIB)] = 1000;   /* +32 priced */
		g.c.pswpin += 100;
		assert_int_equal(step(&p, &s, &g), GAP_FINED);
		assert_int_equal(s.gap_kb, wide ? p.gap_start_kb + 32 * MIB : p.gap_start_kb);
	}
	p.gap_max_kb = p.gap_start_kb;
	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_current_kb(&p, &s, g.ws, true), p.gap_start_kb);
	p.gap_max_kb = 256 * MIB;
	assert_int_equal(gap_current_kb(&p, &s, g.ws, true), p.gap_min_kb + p.oom_bump_kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recent_rise_floor),
		cmocka_unit_test(test_pagein_backoff),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_greedy_rate),
		cmocka_unit_test(test_cut_by_min_change),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_pagein_backoff_frozen),
		cmocka_unit_test(test_default_cut_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
