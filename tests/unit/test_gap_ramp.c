// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_ramp_hold (design.md §The learned gap, session 8): no cut of the
 * learned gap, explored or priced, while W rose at the last fresh report
 * and the one before (a ramp); heartbeats do not end a ramp (a climb
 * below the agent's report_delta_kb goes on under them); a fresh report
 * without a rise does. With gap_ramp_hold = no the learner cuts on a ramp
 * as before session 8, which these tests check too, so that each one
 * fails without the rule.
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

	policy_params_default(&p);   /* gap_min 32, start 64, ramp hold on */
	p.gap_window_s = 0;          /* no floor at the last rise */
	p.gap_cut_s = 0;             /* the gap in effect is the chosen one */
	p.gap_explore_s = 0;
	return p;
}

struct guest {
	uint64_t ws, ms;
	struct gap_counters c;
};

static enum gap_outcome step_as(const struct policy_params *p, struct gap_state *s,
				struct guest *g, bool heartbeat)
{
	struct gap_obs o = {
		.report_ms = g->ms += 1000,
		.heartbeat = heartbeat,
		.ws_kb = g->ws,
		.actual_kb = 20 * MIB + g->ws + s->use_kb,
		.overhead_kb = 20 * MIB,
		.c = g->c,
	};

	return gap_step(p, s, &o);
}

static void start(const struct policy_params *p, struct gap_state *s, struct guest *g)
{
	*g = (struct guest){ .ws = 200 * MIB, .c = { .have_pswpin = true } };
	gap_state_init(s, p, 7);
	step_as(p, s, g, false);
}

/* Every step explores (gap_greedy = 1): on a ramp the gap never goes
 * down; once W stands still, the explorations cut it. Without the hold
 * the same ramp is cut. */
static void test_no_explored_cut_on_ramp(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	p.gap_greedy = 1;
	start(&p, &s, &g);
	for (int i = 0; i < 30; i++) {
		g.ws += 6 * MIB;                   /* a stair a report */
		step_as(&p, &s, &g, false);
		if (i == 0)                        /* one rise: not yet a ramp */
			s.gap_kb = s.use_kb = 64 * MIB;
		else
			assert_int_equal(s.gap_kb, 64 * MIB);
	}
	assert_true(s.n_explores >= 28);          /* explored, but no cut */
	for (int i = 0; i < 30; i++)
		step_as(&p, &s, &g, false);       /* W still: no ramp */
	assert_true(s.gap_kb < 64 * MIB);

	p.gap_ramp_hold = false;
	start(&p, &s, &g);
	for (int i = 0; i < 30; i++) {
		g.ws += 6 * MIB;
		step_as(&p, &s, &g, false);
		if (i == 0)
			s.gap_kb = s.use_kb = 64 * MIB;
	}
	assert_true(s.gap_kb < 64 * MIB);
}

/* A priced cut (the cut's price beats "no change" by gap_tolerance)
 * waits for the ramp's end. */
static void test_no_priced_cut_on_ramp(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;
	int cut = gap_action_index(-16 * (int64_t)MIB);

	p.gap_greedy = 0;
	start(&p, &s, &g);
	s.price[cut] = 100;
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);               /* one rise: a jump, not a ramp */
	assert_int_equal(s.gap_kb, 48 * MIB);      /* taken */
	s.gap_kb = s.use_kb = 64 * MIB;
	s.greedy_ms = 0;
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);               /* the second rise: a ramp */
	assert_int_equal(s.gap_kb, 64 * MIB);
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);
	assert_int_equal(s.gap_kb, 64 * MIB);
	step_as(&p, &s, &g, false);               /* W still: taken */
	assert_int_equal(s.gap_kb, 48 * MIB);

	p.gap_ramp_hold = false;
	start(&p, &s, &g);
	s.price[cut] = 100;
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);
	s.gap_kb = s.use_kb = 64 * MIB;
	s.greedy_ms = 0;
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);
	assert_int_equal(s.gap_kb, 48 * MIB);      /* cut on the ramp */
}

/* Heartbeats carry the last report's figures: a ramp seen by the last
 * two fresh reports holds through them (gap-creep: a climb below
 * report_delta_kb goes on under heartbeats). */
static void test_ramp_holds_through_heartbeats(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	p.gap_greedy = 1;
	start(&p, &s, &g);
	g.ws += 6 * MIB;
	step_as(&p, &s, &g, false);
	g.ws += 6 * MIB;
	s.gap_kb = s.use_kb = 64 * MIB;            /* whatever the first rise did */
	step_as(&p, &s, &g, false);
	for (int i = 0; i < 20; i++)
		assert_int_equal(step_as(&p, &s, &g, true), GAP_BEAT);
	assert_int_equal(s.gap_kb, 64 * MIB);
	step_as(&p, &s, &g, false);               /* a fresh report, W still */
	for (int i = 0; i < 20; i++)
		step_as(&p, &s, &g, true);
	assert_true(s.gap_kb < 64 * MIB);
}

/* A fall is no ramp: a guest walking down may be cut (the write joins
 * the walk), and growths are not held. */
static void test_fall_is_no_ramp(void **state)
{
	struct policy_params p = params();
	struct gap_state s;
	struct guest g;

	p.gap_greedy = 1;
	start(&p, &s, &g);
	g.ws += 100 * MIB;
	step_as(&p, &s, &g, false);
	for (int i = 0; i < 10; i++) {
		g.ws -= 6 * MIB;
		step_as(&p, &s, &g, false);
	}
	assert_int_equal(s.ramp_kb, 0);
	assert_true(s.gap_kb < 64 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_explored_cut_on_ramp),
		cmocka_unit_test(test_no_priced_cut_on_ramp),
		cmocka_unit_test(test_ramp_holds_through_heartbeats),
		cmocka_unit_test(test_fall_is_no_ramp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
