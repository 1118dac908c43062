// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_quiet_rises (design.md §The learned gap, "Quiet guests' gap",
 * session 22): gap_seen_rises's cap for a guest with no page-in of any
 * kind and no OOM kill since its first report, and in scarce mode a cut
 * that moves the goal only where `fixed`'s goal would be written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"
#include "gap_guest.h"

#define MIB 1024ull

static struct policy_params params(uint32_t seen, uint32_t quiet)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, window 300 s, min_change 16 */
	p.gap_seen_rises = seen;
	p.gap_quiet_rises = quiet;
	return p;
}

/* A frozen (scarce) report; below: the guest holds less than W_i (the
 * host's scarcity, not the gap's). */
static void frozen(const struct policy_params *p, struct gap_state *s, struct guest *g,
		   bool below)
{
	struct gap_obs o = obs(s, g);

	o.frozen = true;
	if (below)
		o.actual_kb = o.overhead_kb + g->ws - 8 * MIB;
	assert_int_equal(gap_step(p, s, &o), GAP_FROZEN);
}

static uint64_t given(const struct policy_params *p, const struct gap_state *s,
		      const struct guest *g)
{
	return gap_seen_cap_kb(p, s, gap_current_kb(p, s, g->ws, false), false, 1024 * MIB);
}

/* Which page-ins make a guest loud: any forward move of swap-ins or anon
 * refaults at a fresh report; not a heartbeat, not a counter that went
 * backwards or is missing; an OOM kill ends the quiet too. */
static void test_note(void **state)
{
	struct policy_params p = params(0, 2);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true, .have_refault_anon = true,
						   .pswpin = 500, .refault_anon = 70 } };

	gap_state_init(&s, &p, 1);
	frozen(&p, &s, &g, false);
	assert_true(gap_quiet(&s));
	g.c.pswpin = 400;                                /* backwards: a rebooted guest */
	frozen(&p, &s, &g, false);
	assert_true(gap_quiet(&s));
	struct gap_obs o = obs(&s, &g);

	o.heartbeat = true;
	o.c.pswpin += 10;                                /* a heartbeat says nothing new */
	gap_step(&p, &s, &o);
	assert_true(gap_quiet(&s));
	g.c.have_pswpin = false;                         /* missing */
	g.c.pswpin = 900;
	frozen(&p, &s, &g, false);
	assert_true(gap_quiet(&s));
	g.c.refault_anon++;                              /* one anon refault */
	frozen(&p, &s, &g, false);
	assert_false(gap_quiet(&s));
	for (int i = 0; i < 1000; i++)
		frozen(&p, &s, &g, false);
	assert_false(gap_quiet(&s));                     /* for life */

	gap_state_init(&s, &p, 2);
	assert_true(gap_quiet(&s));
	gap_oom(&p, &s, 5000);
	assert_false(gap_quiet(&s));
	(void)state;
}

/* The N: gap_quiet_rises for a quiet guest, the smaller where both keys
 * are on, gap_seen_rises for a loud one, 0 for a loud one without it. */
static void test_n(void **state)
{
	struct policy_params p = params(0, 2);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_seen_n(&p, &s), 2);
	p.gap_seen_rises = 3;
	assert_int_equal(gap_seen_n(&p, &s), 2);
	p.gap_seen_rises = 1;
	assert_int_equal(gap_seen_n(&p, &s), 1);
	s.loud = true;
	assert_int_equal(gap_seen_n(&p, &s), 1);
	p.gap_seen_rises = 0;
	assert_int_equal(gap_seen_n(&p, &s), 0);
	s.loud = false;
	p.gap_quiet_rises = 0;
	assert_int_equal(gap_seen_n(&p, &s), 0);
	(void)state;
}

/* A guest seen only in scarce mode, W rising 8 MiB now and then: capped
 * at 32 after two windows, no step, no price. A page-in below W_i (the
 * host's scarcity: gap_seen_rises lifts its cap only for a page-in at or
 * above W_i) ends the quiet for good: the fixed gap from then on. */
static void test_scarce_guest(void **state)
{
	struct policy_params p = params(0, 2);
	struct gap_state s;
	struct guest g = { .ws = 200 * MIB, .c = { .have_pswpin = true } };

	gap_state_init(&s, &p, 3);
	for (int i = 0; i < 700; i++) {
		g.ws += (i % 50 == 0) ? 8 * MIB : 0;
		frozen(&p, &s, &g, false);
		assert_int_equal(given(&p, &s, &g), i < 600 ? 64 * MIB : 32 * MIB);
	}
	assert_int_equal(s.n_steps, 0);
	for (int k = 0; k < GAP_ACTIONS; k++)
		assert_int_equal(s.price[k], 0);
	g.c.pswpin += 1;
	frozen(&p, &s, &g, true);                        /* paged while below W */
	assert_int_equal(s.pain_ms, 0);                  /* not the gap's pain ... */
	for (int i = 0; i < 1000; i++) {
		frozen(&p, &s, &g, false);
		assert_int_equal(given(&p, &s, &g), 64 * MIB);   /* ... but not quiet */
	}
	/* gap_seen_rises alone would cap it again. */
	p.gap_seen_rises = 2;
	assert_int_equal(given(&p, &s, &g), 32 * MIB);
	(void)state;
}

/* In scarce mode, a binding cap (32 for the fixed 64): the last target is
 * kept while it leaves [cap - min_change, 64 + min_change) above W_i (no
 * write of either goal); at or above 80 the cut joins fixed's decrease;
 * below 16 the band's (the cap); a cap that does not bind changes
 * nothing. */
static void test_scarce_join(void **state)
{
	struct policy_params p = params(0, 2);
	struct gap_state s;

	gap_state_init(&s, &p, 1);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 64 * MIB), 64 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 79 * MIB), 79 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 80 * MIB), 32 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 16 * MIB), 16 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 15 * MIB), 32 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, -8 * (int64_t)MIB), 32 * MIB);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 64 * MIB, 50 * MIB), 64 * MIB);
	p.min_change_kb = 48 * MIB;                      /* the cap less min_change below 0 */
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 0), 0);
	assert_int_equal(gap_quiet_scarce_kb(&p, &s, 64 * MIB, 32 * MIB, 112 * MIB), 32 * MIB);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_n),
		cmocka_unit_test(test_scarce_guest),
		cmocka_unit_test(test_scarce_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
