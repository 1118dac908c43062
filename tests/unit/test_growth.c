/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The OOM margin's growth evidence (src/policy/growth.c, design.md §Growth
 * is never cut): a rise of W or Committed_AS by the threshold counts, a
 * slow ramp adds up, jitter and falls do not, and the verdict lasts
 * hold_ms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/growth.h"

#define MIB 1024u
#define T (16 * MIB)     /* the threshold: min_change_mb's default */
#define H 60000          /* the hold: oom_room_s's default */

static void test_first_is_a_level(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 900 * MIB, 2000 * MIB, T, 1000, H);
	assert_false(growth_recent(&s, 1000, 60000));
}

static void test_rise_of_either(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB + T - 1, 200 * MIB, T, 1000, H);
	assert_false(growth_recent(&s, 1000, 60000));
	growth_observe(&s, 100 * MIB + T, 200 * MIB, T, 2000, H);
	assert_true(growth_recent(&s, 2000, 60000));

	/* Committed_AS alone: malloc before the pages are touched. */
	s = (struct growth_state){ 0 };
	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB, 240 * MIB, T, 1000, H);
	assert_true(growth_recent(&s, 1000, 60000));
}

/* 4 MiB a step adds up to the threshold; jitter around a level does not. */
static void test_ramp_adds_up_jitter_does_not(void **state)
{
	struct growth_state s = { 0 };
	uint64_t t = 0;

	growth_observe(&s, 100 * MIB, 200 * MIB, T, t, H);
	for (int i = 0; i < 200; i++) {
		t += 1000;
		growth_observe(&s, 100 * MIB + (i % 2) * (T - 1), 200 * MIB, T, t, H);
	}
	assert_false(growth_recent(&s, t, 60000));
	for (int i = 1; i <= 4; i++) {
		t += 1000;
		growth_observe(&s, 100 * MIB + (uint64_t)i * 4 * MIB, 200 * MIB, T, t, H);
		assert_int_equal(growth_recent(&s, t, 60000), i == 4);
	}
}

/* A fall moves the base down: the rise is counted from the low point. */
static void test_fall_then_rise(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 500 * MIB, 600 * MIB, T, 0, H);
	growth_observe(&s, 300 * MIB, 400 * MIB, T, 1000, H);
	growth_observe(&s, 300 * MIB + T, 400 * MIB, T, 2000, H);
	assert_true(growth_recent(&s, 2000, 60000));
}

static void test_hold(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 200 * MIB, 200 * MIB, T, 10000, H);
	assert_true(growth_recent(&s, 69999, 60000));
	assert_false(growth_recent(&s, 70000, 60000));
	assert_false(growth_recent(&s, 10000, 0));   /* oom_room_s = 0 */
	/* The level stays: the same figures later are no new rise. */
	growth_observe(&s, 200 * MIB, 200 * MIB, T, 80000, H);
	assert_false(growth_recent(&s, 80000, 60000));
}

/* Committed lately, not touched: the lead that appeared with the growth,
 * not the one that was there before (promised, never touched). */
static void test_commit_new(void **state)
{
	struct growth_state s = { 0 };

	/* 400 MiB promised and never touched, for long. */
	growth_observe(&s, 100 * MIB, 500 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB, 500 * MIB, T, 100000, H);
	assert_int_equal(growth_commit_new_kb(&s, 100000, H), 0);
	/* A malloc of 40 MiB: growth, and 40 MiB committed, not touched. */
	growth_observe(&s, 100 * MIB, 540 * MIB, T, 101000, H);
	assert_true(growth_recent(&s, 101000, H));
	assert_int_equal(growth_commit_new_kb(&s, 101000, H), 40 * MIB);
	/* Filled: the lead is back at its level. */
	growth_observe(&s, 140 * MIB, 540 * MIB, T, 106000, H);
	assert_int_equal(growth_commit_new_kb(&s, 106000, H), 0);
	/* The hold over, nothing is counted. */
	growth_observe(&s, 140 * MIB, 580 * MIB, T, 200000, H);
	assert_int_equal(growth_commit_new_kb(&s, 200000 + H, H), 0);
}

/* Climbing: within twice the time between its last two rises (6 s
 * here: until 12 s after the last), then a pause that ends the climb
 * for now while the growth still counts for hold_ms; one rise alone
 * (pace unknown) climbs for the whole hold, and a new rise resumes. */
static void test_climbing_pace(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB + T, 200 * MIB, T, 4000, H);
	assert_true(growth_climbing(&s, 50000, H));   /* one rise: all the hold */
	assert_false(growth_ramping(&s, 5000, H));    /* a jump, not a ramp */
	growth_observe(&s, 100 * MIB + 2 * T, 200 * MIB, T, 10000, H);
	assert_true(growth_climbing(&s, 22000, H));
	assert_false(growth_climbing(&s, 22001, H));
	assert_true(growth_ramping(&s, 22000, H));    /* two rises: its pace */
	assert_false(growth_ramping(&s, 22001, H));
	assert_true(growth_recent(&s, 22001, H));     /* the margin still counts */
	growth_observe(&s, 100 * MIB + 3 * T, 200 * MIB, T, 40000, H);
	assert_true(growth_climbing(&s, 99000, H));   /* pace 30 s: 60 s */
	assert_false(growth_climbing(&s, 100000, H)); /* the hold is over */
	assert_true(growth_ramping(&s, 99000, H));
	assert_false(growth_ramping(&s, 100000, H));
}

/* The rise ahead: W's last counted rise over the time since the one
 * before, times the horizon; none with one rise so far, none from
 * Committed_AS alone, none once W has paused for twice its pace. */
static void test_rise_ahead(void **state)
{
	struct growth_state s = { 0 };

	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB + T, 200 * MIB, T, 4000, H);
	assert_int_equal(growth_rise_ahead_kb(&s, 4000, H, 1000), 0);
	/* 20 MiB in the next 4 s: 5 MiB/s, 5 MiB a 1 s interval. */
	growth_observe(&s, 120 * MIB + T, 200 * MIB, T, 8000, H);
	assert_int_equal(growth_rise_ahead_kb(&s, 8000, H, 1000), 5 * MIB);
	assert_int_equal(growth_rise_ahead_kb(&s, 8000, H, 2000), 10 * MIB);
	assert_int_equal(growth_rise_ahead_kb(&s, 16000, H, 1000), 5 * MIB);
	assert_int_equal(growth_rise_ahead_kb(&s, 16001, H, 1000), 0);
	assert_int_equal(growth_rise_ahead_kb(&s, 8000, 0, 1000), 0);

	/* Committed_AS rising alone is a margin's evidence, not W's pace. */
	s = (struct growth_state){ 0 };
	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	for (uint64_t t = 1; t <= 5; t++)
		growth_observe(&s, 100 * MIB, 200 * MIB + t * T, T, t * 1000, H);
	assert_true(growth_recent(&s, 5000, H));
	assert_int_equal(growth_rise_ahead_kb(&s, 5000, H, 1000), 0);

	/* A rise after a gap longer than the hold starts a new pace. */
	s = (struct growth_state){ 0 };
	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_observe(&s, 100 * MIB + T, 200 * MIB, T, 1000, H);
	growth_observe(&s, 100 * MIB + 2 * T, 200 * MIB, T, 1000 + H, H);
	assert_int_equal(growth_rise_ahead_kb(&s, 1000 + H, H, 1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_a_level),
		cmocka_unit_test(test_rise_of_either),
		cmocka_unit_test(test_ramp_adds_up_jitter_does_not),
		cmocka_unit_test(test_fall_then_rise),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_commit_new),
		cmocka_unit_test(test_climbing_pace),
		cmocka_unit_test(test_rise_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
