// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's safety rules beyond the seed (design.md §The learned
 * gap): the floor at the largest recent rise of W, the back-off to
 * gap_start after a page-in, the hysteresis of the gap in effect, one
 * greedy move per gap_cut_s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"

#define MIB 1024ull

static struct policy_params params(void)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, window 300, cut 120 */
	p.gap_greedy = 0;            /* no exploration: moves are set by hand */
	return p;
}

/* One report a second of a guest that follows the gap in effect. */
struct guest {
	uint64_t ws, ms;
	struct gap_counters c;
};

static struct gap_obs obs(const struct gap_state *s, struct guest *g)
{
	return (struct gap_obs){
		.report_ms = g->ms += 1000,
		.ws_kb = g->ws,
		.actual_kb = 20 * MIB + g->ws + s->use_kb,
		.overhead_kb = 20 * MIB,
		.c = g->c,
	};
}

static enum gap_outcome step(const struct policy_params *p, struct gap_state *s,
			     struct guest *g)
{
	struct gap_obs o = obs(s, g);

	return gap_step(p, s, &o);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recent_rise_floor),
		cmocka_unit_test(test_pagein_backoff),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_greedy_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
