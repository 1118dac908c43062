/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A climb across a kill (oom_climb_keep; src/policy/growth.c,
 * design.md §Growth is never cut, "A climb across a kill"): a guest
 * killed while climbing keeps its climb while it is pinned at what it
 * holds, until it has room and its climb lapses or the kill's hold
 * ends; a guest not climbing at its kill gains nothing.
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
#define K 600000         /* the kill's hold: oom_hold_s's default */

/* A level at 0 s, then three rises (the last two 5 s apart: a pace of
 * 5 s), the last at 10.001 s; W at 100 + 3T MiB. */
static void climb(struct growth_state *s, bool pinned)
{
	static const uint64_t at[] = { 0, 1, 5001, 10001 };

	for (uint64_t i = 0; i < 4; i++) {
		growth_pin(s, pinned, at[i], H);
		growth_observe(s, 100 * MIB + i * T, 200 * MIB, T, at[i], H);
	}
}

/* One report a second from `from` to `to`, W flat, pinned or not;
 * returns whether the guest still climbs at `to`. */
static bool flat(struct growth_state *s, bool pinned, uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t += 1000) {
		growth_pin(s, pinned, t, H);
		growth_observe(s, 100 * MIB + 3 * T, 200 * MIB, T, t, H);
	}
	return growth_climbing(s, to, H) && growth_recent(s, to, H);
}

/* Killed while climbing and pinned: still climbing after many times its
 * pace and after oom_room_s; without the kill the same reports end it. */
static void test_kept_while_pinned(void **state)
{
	struct growth_state s = { 0 }, plain = { 0 };

	climb(&s, false);
	climb(&plain, false);
	assert_true(growth_climbing(&s, 10001, H));
	growth_kill(&s, 12000, H, 12000 + K, false);
	assert_true(s.kept);
	assert_true(flat(&s, true, 12000, 100000));
	assert_true(growth_ramping(&s, 100000, H));
	assert_false(flat(&plain, true, 12000, 100000));
}

/* A kill alone is not growth: not climbing at the kill, nothing kept. */
static void test_not_climbing_gains_nothing(void **state)
{
	struct growth_state s = { 0 };

	climb(&s, false);
	assert_false(flat(&s, false, 12000, 40000));
	growth_kill(&s, 40000, H, 40000 + K, false);
	assert_false(s.kept);
	assert_false(flat(&s, true, 41000, 60000));

	/* Nor one that never rose. */
	s = (struct growth_state){ 0 };
	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_kill(&s, 1000, H, 1000 + K, false);
	assert_false(s.kept);
}

/* `killed` (any): a guest not climbing at its kill, pinned after it,
 * climbs while pinned, at its last pace once it has room; one with room
 * and no climb is not kept. */
static void test_any_kill(void **state)
{
	struct growth_state s = { 0 };

	climb(&s, false);
	assert_false(flat(&s, false, 12000, 40000));
	growth_kill(&s, 40000, H, 40000 + K, true);
	assert_true(s.kept);
	assert_true(flat(&s, true, 40000, 200000));
	assert_true(flat(&s, false, 201000, 210000));
	assert_false(flat(&s, false, 211000, 211000));
	assert_false(s.kept);

	/* Never rose: one rise now, climbing for the whole hold once it
	 * has room. */
	s = (struct growth_state){ 0 };
	growth_observe(&s, 100 * MIB, 200 * MIB, T, 0, H);
	growth_kill(&s, 1000, H, 1000 + K, true);
	assert_true(flat(&s, true, 1000, 5000));
	assert_false(growth_ramping(&s, 5000, H));
	assert_true(flat(&s, false, 6000, 5000 + H - 1000));
	assert_false(flat(&s, false, 5000 + H, 5000 + H));

	/* Killed with room, not climbing: nothing kept. */
	s = (struct growth_state){ 0 };
	climb(&s, false);
	assert_false(flat(&s, false, 12000, 40000));
	growth_kill(&s, 40000, H, 40000 + K, true);
	assert_false(flat(&s, false, 41000, 41000));
	assert_false(s.kept);
	assert_false(flat(&s, true, 42000, 50000));
}

/* With room the climb ages as before: its steps have paused for twice
 * their pace, and once ended it is not kept when pinned again. */
static void test_room_ends_it(void **state)
{
	struct growth_state s = { 0 };

	climb(&s, false);
	growth_kill(&s, 12000, H, 12000 + K, false);
	assert_true(flat(&s, true, 12000, 50000));
	/* Room: 10 s of its 5 s pace pass from the last pinned report. */
	assert_true(flat(&s, false, 51000, 51000));
	assert_false(flat(&s, false, 52000, 70000));
	assert_false(s.kept);
	assert_false(flat(&s, true, 71000, 80000));

	/* A rise after the kill, with room: a climb under way, kept. */
	s = (struct growth_state){ 0 };
	climb(&s, false);
	growth_kill(&s, 12000, H, 12000 + K, false);
	growth_pin(&s, false, 13000, H);
	growth_observe(&s, 100 * MIB + 4 * T, 200 * MIB, T, 13000, H);
	assert_true(s.kept);
	assert_true(growth_climbing(&s, 13000, H));
}

/* The kill's hold bounds it: pinned past it, the climb ages again. */
static void test_hold_ends_it(void **state)
{
	struct growth_state s = { 0 };

	climb(&s, false);
	growth_kill(&s, 12000, H, 12000 + 30000, false);
	assert_true(flat(&s, true, 12000, 41000));
	assert_false(flat(&s, true, 42000, 80000));
	assert_false(s.kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_while_pinned),
		cmocka_unit_test(test_not_climbing_gains_nothing),
		cmocka_unit_test(test_room_ends_it),
		cmocka_unit_test(test_any_kill),
		cmocka_unit_test(test_hold_ends_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
