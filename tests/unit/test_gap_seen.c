// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_seen_rises (design.md §The learned gap, "What the learner has
 * seen", session 21): the gap a domain is given is at most N times the
 * largest one-report rise of W_i seen, in every regime (frozen scarce
 * reports too: no step, no price), at least gap_min and what the free
 * swap cannot hold of gap_start; only after two windows of evidence and
 * a rise seen, not within a window of a page-in, not in the OOM hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(uint32_t n)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, window 300 s */
	p.gap_seen_rises = n;
	return p;
}

/* A frozen (scarce) report: the learner takes no step. */
static void frozen(const struct policy_params *p, struct gap_state *s, struct guest *g)
{
	struct gap_obs o = obs(s, g);

	o.frozen = true;
	assert_int_equal(gap_step(p, s, &o), GAP_FROZEN);
}

static void test_cap(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;
	const uint64_t g = 64 * MIB, swap = 1024 * MIB;

	gap_state_init(&s, &p, 1);
	s.first_ms = 1000;
	s.now_ms = 1000 + 599 * 1000;                           /* seen for less than 600 s */
	s.max_rise_kb = 10 * MIB;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), g);
	s.now_ms = 1000 + 600 * 1000;
	s.max_rise_kb = 0;                                      /* no rise seen: no evidence */
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), g);
	s.max_rise_kb = 10 * MIB;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), 32 * MIB);   /* 20, gap_min 32 */
	s.max_rise_kb = 21 * MIB + 1;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), 44 * MIB);   /* 42 MiB + 2 KiB aligned up */
	assert_int_equal(gap_seen_cap_kb(&p, &s, 40 * MIB, false, swap), 40 * MIB);   /* never a growth */
	s.max_rise_kb = 32 * MIB;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), g);          /* 64: no cut */
	s.max_rise_kb = 10 * MIB;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, true, swap), g);           /* OOM hold */
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, 0), g);             /* swapless */
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, 20 * MIB), 44 * MIB);   /* 64 - 20 */
	s.pain_ms = s.now_ms - 299 * 1000;                                      /* a page-in lately */
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), g);
	s.pain_ms = s.now_ms - 300 * 1000;
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), 32 * MIB);
	p.gap_seen_rises = 0;                                                   /* off */
	assert_int_equal(gap_seen_cap_kb(&p, &s, g, false, swap), g);
	(void)state;
}

/* A guest seen only in scarce mode (every report frozen) whose W rises
 * by at most 8 MiB a report: no step and no price, but after two windows
 * its gap is capped at 16 -> gap_min 32; a page-in seen on a frozen
 * report lifts the cap for a window. */
static void test_scarce_guest(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };
	const uint64_t swap = 1024 * MIB;

	gap_state_init(&s, &p, 3);
	for (int i = 0; i < 700; i++) {
		g.ws += (i % 50 == 0) ? 8 * MIB : 0;
		frozen(&p, &s, &g);
		uint64_t given = gap_seen_cap_kb(&p, &s, gap_current_kb(&p, &s, g.ws, false), false, swap);

		assert_int_equal(given, i < 600 ? 64 * MIB : 32 * MIB);
	}
	assert_int_equal(s.n_steps, 0);
	for (int k = 0; k < GAP_ACTIONS; k++)
		assert_int_equal(s.price[k], 0);                 /* the rule: no price */
	g.c.pswpin += 100;                                       /* paged in */
	frozen(&p, &s, &g);
	assert_int_equal(gap_seen_cap_kb(&p, &s, gap_current_kb(&p, &s, g.ws, false), false, swap),
			 64 * MIB);
	for (int i = 0; i < 299; i++)
		frozen(&p, &s, &g);
	assert_int_equal(gap_seen_cap_kb(&p, &s, gap_current_kb(&p, &s, g.ws, false), false, swap),
			 64 * MIB);
	frozen(&p, &s, &g);
	assert_int_equal(gap_seen_cap_kb(&p, &s, gap_current_kb(&p, &s, g.ws, false), false, swap),
			 32 * MIB);
	/* A jump of 40 MiB is seen: the cap is 80, no cut any more. */
	g.ws += 40 * MIB;
	frozen(&p, &s, &g);
	assert_int_equal(gap_seen_cap_kb(&p, &s, gap_current_kb(&p, &s, g.ws, false), false, swap),
			 64 * MIB);
	(void)state;
}

/* An OOM kill is pain too: no cap for a window (and the hold). */
static void test_oom(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 5);
	for (int i = 0; i < 700; i++) {
		g.ws += i == 1 ? 4 * MIB : 0;
		frozen(&p, &s, &g);
	}
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 1024 * MIB), 32 * MIB);
	gap_oom(&p, &s, g.ms);
	assert_int_equal(gap_seen_cap_kb(&p, &s, 64 * MIB, false, 1024 * MIB), 64 * MIB);
	(void)state;
}

/* In scarce mode a binding cap keeps the last target while it leaves
 * between the cap and gap_start above W (no write at each move of W);
 * a cap that does not bind changes nothing. */
static void test_scarce_band(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 50 * MIB), 50 * MIB);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 64 * MIB), 64 * MIB);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 70 * MIB), 32 * MIB);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 20 * MIB), 32 * MIB);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 64 * MIB, 64 * MIB, 50 * MIB), 64 * MIB);
	assert_int_equal(gap_seen_scarce_kb(&p, &s, 48 * MIB, 48 * MIB, 40 * MIB), 48 * MIB);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_scarce_guest),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_scarce_band),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
