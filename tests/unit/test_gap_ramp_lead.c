// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_ramp_lead_s (design.md §The learned gap, session 20): on a ramp a
 * cut goes no lower than what the ramp's rate fills in gap_ramp_lead_s
 * (at least the last rise); a steep ramp stays held as with
 * gap_ramp_hold alone (gap_ramp_lead_s = 0, test_gap_ramp.c), a slow one
 * (a leak) may be cut.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(uint32_t lead_s)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, ramp hold on */
	p.gap_window_s = 0;          /* no floor at the last rise */
	p.gap_cut_s = 0;             /* the gap in effect is the chosen one */
	p.gap_explore_s = 0;
	p.gap_greedy = 1;            /* every step explores */
	p.gap_ramp_lead_s = lead_s;
	return p;
}

/* W climbs by rise_kb a report (one a second) for n reports; the
 * smallest chosen gap seen once the climb is a ramp. */
static uint64_t climb(const struct policy_params *p, struct gap_state *s,
		      uint64_t rise_kb, int n)
{
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };
	uint64_t least = UINT64_MAX;

	gap_state_init(s, p, 7);
	step(p, s, &g);
	for (int i = 0; i < n; i++) {
		g.ws += rise_kb;
		step(p, s, &g);
		if (i == 0)                        /* one rise: not yet a ramp */
			s->gap_kb = s->use_kb = 64 * MIB;
		else if (s->gap_kb < least)
			least = s->gap_kb;
	}
	return least;
}

static void test_floor(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	s.first_ms = s.seen_ms = 1;                              /* seen: no age needed */
	assert_int_equal(gap_ramp_floor_kb(&p, &s), 0);          /* no ramp */
	s.ramp_kb = 1 * MIB;
	s.ramp_ms = 1000;
	assert_int_equal(gap_ramp_floor_kb(&p, &s), 20 * MIB);   /* 1 MiB/s x 20 s */
	s.ramp_kb = 1 * MIB + 1;
	assert_int_equal(gap_ramp_floor_kb(&p, &s), 24 * MIB);   /* aligned up */
	p.gap_window_s = 300;                                    /* seen for less than 600 s */
	s.seen_ms = 599 * 1000;
	assert_true(gap_ramp_floor_kb(&p, &s) == UINT64_MAX);
	s.seen_ms = 601 * 1000;
	assert_int_equal(gap_ramp_floor_kb(&p, &s), 24 * MIB);
	p.gap_window_s = 0;
	s.ramp_kb = 8 * MIB;
	s.ramp_ms = 1000 * 1000;                                 /* 8 MiB in 1000 s */
	assert_int_equal(gap_ramp_floor_kb(&p, &s), 8 * MIB);    /* at least the rise */
	s.ramp_kb = 1 * MIB;
	s.ramp_ms = 0;                                           /* interval unknown */
	assert_true(gap_ramp_floor_kb(&p, &s) == UINT64_MAX);
	p.gap_ramp_lead_s = 0;                                   /* no lead: held */
	s.ramp_ms = 1000;
	assert_true(gap_ramp_floor_kb(&p, &s) == UINT64_MAX);
	s.gap_kb = 64 * MIB;
	assert_true(gap_ramp_held(&p, &s));
	p.gap_ramp_lead_s = 20;
	assert_false(gap_ramp_held(&p, &s));
	s.ramp_kb = 4 * MIB;                                     /* 80 MiB: above the gap */
	assert_true(gap_ramp_held(&p, &s));
	p.gap_ramp_hold = false;                                 /* the hold off: never held */
	assert_false(gap_ramp_held(&p, &s));
}

/* A slow climb (1 MiB a second, 20 MiB in the lead) is cut by the
 * explorations, down to gap_min at most; without a lead it is not. */
static void test_slow_ramp_cut(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;
	uint64_t least = climb(&p, &s, 1 * MIB, 40);

	assert_true(least < 64 * MIB);
	assert_true(least >= p.gap_min_kb);
	assert_true(s.ramp_kb != 0);                             /* still a ramp */

	p = params(0);
	assert_int_equal(climb(&p, &s, 1 * MIB, 40), 64 * MIB);
}

/* 2 MiB a second: no cut below the 40 MiB the lead needs. */
static void test_medium_ramp_floor(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;
	uint64_t least = climb(&p, &s, 2 * MIB, 60);

	assert_true(least < 64 * MIB);
	assert_int_equal(least, 40 * MIB);
}

/* A steep climb (6 MiB a second: 120 MiB in the lead) is held at the
 * start, explored or priced. */
static void test_steep_ramp_held(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;

	assert_int_equal(climb(&p, &s, 6 * MIB, 30), 64 * MIB);
	assert_true(s.n_explores >= 28);

	p.gap_greedy = 0;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 7);
	step(&p, &s, &g);
	s.price[gap_action_index(-32 * (int64_t)MIB)] = 100;
	for (int i = 0; i < 3; i++) {
		g.ws += 6 * MIB;
		step(&p, &s, &g);
		if (i == 0) {
			s.gap_kb = s.use_kb = 64 * MIB;
			s.greedy_ms = 0;
		}
	}
	assert_int_equal(s.gap_kb, 64 * MIB);
	/* The same priced cut on a 2 MiB/s ramp stops at its 40 MiB. */
	g.ws += 2 * MIB;
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 40 * MIB);
}

/* A guest that once jumped by 24 MiB in one report keeps 48 MiB on a
 * later slow ramp (whose rate alone would allow gap_min). */
static void test_jump_seen_keeps_twice(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };
	uint64_t least = UINT64_MAX;

	gap_state_init(&s, &p, 7);
	step(&p, &s, &g);
	g.ws += 24 * MIB;                          /* the jump */
	step(&p, &s, &g);
	s.gap_kb = s.use_kb = 64 * MIB;
	for (int i = 0; i < 40; i++) {
		g.ws += 1 * MIB;
		step(&p, &s, &g);
		if (i > 0 && s.gap_kb < least)
			least = s.gap_kb;
	}
	assert_int_equal(s.max_rise_kb, 24 * MIB);
	assert_int_equal(least, 48 * MIB);
}

/* With gap_window_s, no cut on a ramp before the guest has been seen
 * for two windows (its jumps may not have come yet); after, the slow
 * ramp is cut. */
static void test_evidence_first(void **state)
{
	struct policy_params p = params(20);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };

	p.gap_window_s = 10;                       /* two windows: 20 s */
	gap_state_init(&s, &p, 7);
	step(&p, &s, &g);
	for (int i = 0; i < 18; i++) {             /* 19 s seen */
		g.ws += 1 * MIB;
		step(&p, &s, &g);
		if (i == 0)                        /* one rise: not yet a ramp */
			s.gap_kb = s.use_kb = 64 * MIB;
		else
			assert_int_equal(s.gap_kb, 64 * MIB);
	}
	for (int i = 0; i < 40; i++) {
		g.ws += 1 * MIB;
		step(&p, &s, &g);
	}
	assert_true(s.gap_kb < 64 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_slow_ramp_cut),
		cmocka_unit_test(test_medium_ramp_floor),
		cmocka_unit_test(test_steep_ramp_held),
		cmocka_unit_test(test_jump_seen_keeps_twice),
		cmocka_unit_test(test_evidence_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
