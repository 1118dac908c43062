// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap's OOM floor (design.md §The learned gap, "OOM"):
 * gap_oom_floor_kills = n raises the floor to gap_min + oom_bump for the
 * hold once n kills came each within oom_hold_s of the one before; a
 * kill short of that brings the gap back to gap_start and keeps it there
 * for the hold (the fixed headroom, never a cut below it), and a kill
 * after the hold has run out starts the count again. The floor never
 * exceeds gap_max (session 17): with the default gap_max = gap_start a
 * kill gives the fixed headroom for the hold, whatever the count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(uint32_t kills)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, bump 64, hold 600 */
	p.gap_greedy = 0;
	p.gap_oom_floor_kills = kills;
	p.gap_max_kb = 256 * MIB;    /* room above gap_start for the raised floor */
	return p;
}

/* A domain cut to gap_min, then killed at t_ms; the gap it gets in
 * effect in the hold (a quiet report after the kill). */
static uint64_t after_kill(const struct policy_params *p, struct gap_state *s,
			   struct guest *g, uint64_t t_ms)
{
	g->ms = t_ms;
	gap_oom(p, s, t_ms);
	g->c.pswpin = 0;
	struct gap_obs o = obs(s, g);

	o.oom_hold = true;
	gap_step(p, s, &o);
	return gap_current_kb(p, s, g->ws, true);
}

static void cut(const struct policy_params *p, struct gap_state *s)
{
	s->gap_kb = s->use_kb = p->gap_min_kb;
	s->have_use = true;
}

/* The rule (the default, 1): every kill raises the floor. */
static void test_first_kill_raises(void **state)
{
	struct policy_params p = params(1);
	struct gap_state s;
	struct guest g = { .ws = 400 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 1);
	cut(&p, &s);
	assert_int_equal(after_kill(&p, &s, &g, 10000), p.gap_min_kb + p.oom_bump_kb);
	assert_true(gap_oom_floor(&p, &s, true));
	assert_false(gap_oom_floor(&p, &s, false));   /* the hold is over */
	/* Out of the hold the floor is gap_min again. */
	cut(&p, &s);
	assert_int_equal(gap_current_kb(&p, &s, g.ws, false), p.gap_min_kb);
}

/* 2: the first kill brings the gap back to gap_start (what fixed keeps)
 * for the hold, not above; a second within the hold raises the floor. */
static void test_second_kill_raises(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;
	struct guest g = { .ws = 400 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 1);
	cut(&p, &s);
	assert_int_equal(after_kill(&p, &s, &g, 10000), p.gap_start_kb);
	assert_false(gap_oom_floor(&p, &s, true));
	/* No cut below gap_start in the hold, even a priced one. */
	cut(&p, &s);
	assert_int_equal(gap_current_kb(&p, &s, g.ws, true), p.gap_start_kb);
	uint64_t second = 10000 + (uint64_t)p.oom_hold_s * 1000 - 1000;

	assert_int_equal(after_kill(&p, &s, &g, second), p.gap_min_kb + p.oom_bump_kb);
	assert_true(gap_oom_floor(&p, &s, true));
}

/* 2: kills further apart than the hold are each a first kill. */
static void test_kills_apart_do_not_count(void **state)
{
	struct policy_params p = params(2);
	struct gap_state s;
	struct guest g = { .ws = 400 * MIB, .c = { .have_pswpin = true } };
	uint64_t hold_ms = (uint64_t)p.oom_hold_s * 1000;

	gap_state_init(&s, &p, 1);
	cut(&p, &s);
	after_kill(&p, &s, &g, 10000);
	cut(&p, &s);
	assert_int_equal(after_kill(&p, &s, &g, 10000 + hold_ms), p.gap_start_kb);
	cut(&p, &s);
	assert_int_equal(after_kill(&p, &s, &g, 10000 + 2 * hold_ms + 1), p.gap_start_kb);
	/* ... and a third within the hold of the second is a repeat. */
	assert_int_equal(after_kill(&p, &s, &g, 10000 + 2 * hold_ms + 2000),
			 p.gap_min_kb + p.oom_bump_kb);
}

/* 0: never raised; the hold keeps gap_start. */
static void test_never(void **state)
{
	struct policy_params p = params(0);
	struct gap_state s;
	struct guest g = { .ws = 400 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 1);
	for (uint64_t t = 1000; t < 10000; t += 1000) {
		cut(&p, &s);
		assert_int_equal(after_kill(&p, &s, &g, t), p.gap_start_kb);
		assert_false(gap_oom_floor(&p, &s, true));
	}
}

/* The default ceiling (gap_max = gap_start): every kill, the first and
 * the repeated ones, brings a cut gap back to the fixed headroom and
 * keeps it there for the hold; nothing raises it above (a growth the
 * other guests would pay for, on top of the raised L_i); out of the
 * hold the learner may cut again. */
static void test_floor_stops_at_gap_max(void **state)
{
	for (uint32_t kills = 0; kills <= 2; kills++) {
		struct policy_params p = params(kills);
		struct gap_state s;
		struct guest g = { .ws = 400 * MIB, .c = { .have_pswpin = true } };

		p.gap_max_kb = p.gap_start_kb;
		gap_state_init(&s, &p, 1);
		for (uint64_t t = 10000; t < 20000; t += 2000) {
			cut(&p, &s);
			assert_int_equal(after_kill(&p, &s, &g, t), p.gap_start_kb);
			cut(&p, &s);
			assert_int_equal(gap_current_kb(&p, &s, g.ws, true), p.gap_start_kb);
		}
		cut(&p, &s);
		assert_int_equal(gap_current_kb(&p, &s, g.ws, false), p.gap_min_kb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_kill_raises),
		cmocka_unit_test(test_second_kill_raises),
		cmocka_unit_test(test_kills_apart_do_not_count),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_floor_stops_at_gap_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
