// SPDX-License-Identifier: GPL-2.0-only
/*
 * gap_lone_backoff (design.md §The learned gap, session 9): a lone cut
 * of the gap in effect (one that joins no target write made anyway, so a
 * write of its own) that the gap grows back over before it has stood
 * was a wasted write; the domain's next lone cut waits twice as long, up
 * to 16 times gap_lone_cut_s, and one that stands halves the wait again.
 * With gap_lone_backoff = no every lone cut waits gap_lone_cut_s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/gap.h"

#define MIB 1024ull

static struct policy_params params(bool backoff)
{
	struct policy_params p;

	policy_params_default(&p);   /* gap_min 32, start 64, min_change 16 */
	p.gap_greedy = 0;            /* no exploration: the cuts are set by hand */
	p.gap_window_s = 0;          /* no floor at the last rise */
	p.gap_lone_cut_s = 120;
	p.gap_lone_backoff = backoff;
	return p;
}

struct guest {
	uint64_t ws, ms;
	struct gap_counters c;
};

/* A quiet report dt_s after the last, of a guest whose balloon follows
 * the gap in effect; growing (swapless): the growth floor holds the gap
 * at gap_start. */
static void report(const struct policy_params *p, struct gap_state *s,
		   struct guest *g, uint64_t dt_s, bool growing)
{
	struct gap_obs o = {
		.report_ms = g->ms += dt_s * 1000,
		.ws_kb = g->ws,
		.actual_kb = 20 * MIB + g->ws + s->use_kb,
		.overhead_kb = 20 * MIB,
		.c = g->c,
		.growing = growing,
	};

	gap_step(p, s, &o);
}

static void start(const struct policy_params *p, struct gap_state *s, struct guest *g)
{
	*g = (struct guest){ .ws = 400 * MIB, .ms = 1000, .c = { .have_pswpin = true } };
	gap_state_init(s, p, 1);
	report(p, s, g, 1, false);
	s->use_ms = g->ms;   /* the gap in effect set now: waits count from here */
}

/* A steady guest whose chosen gap is 32 MiB: the first lone cut comes
 * gap_lone_cut_s after the last change of the gap in effect, by
 * min_change (64 -> 48). A rise (growth evidence, swapless) takes the
 * gap back to 64 at once: the cut is undone. Returns when it was. */
static void cut_and_undo(const struct policy_params *p, struct gap_state *s,
			 struct guest *g)
{
	s->gap_kb = 32 * MIB;
	report(p, s, g, 119, false);
	assert_int_equal(s->use_kb, 64 * MIB);     /* not yet */
	report(p, s, g, 1, false);
	assert_int_equal(s->use_kb, 48 * MIB);     /* the lone cut */
	report(p, s, g, 10, true);
	assert_int_equal(s->use_kb, 64 * MIB);     /* grown back over it */
}

/* Undone once: the next lone cut waits 240 s, not 120. */
static void test_undone_cut_doubles_the_wait(void **state)
{
	struct policy_params p = params(true);
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	cut_and_undo(&p, &s, &g);
	assert_int_equal(s.lone_shift, 1);
	assert_int_equal(gap_lone_wait_ms(&p, &s), 240 * 1000);
	s.gap_kb = 32 * MIB;
	report(&p, &s, &g, 120, false);
	assert_int_equal(s.use_kb, 64 * MIB);      /* 120 s: still waits */
	report(&p, &s, &g, 119, false);
	assert_int_equal(s.use_kb, 64 * MIB);
	report(&p, &s, &g, 1, false);
	assert_int_equal(s.use_kb, 48 * MIB);      /* 240 s */
	assert_int_equal(s.n_lone_cuts, 2);
	assert_int_equal(s.n_lone_undone, 1);
}

/* Without the back-off the same guest is cut again after 120 s: the
 * write the test above saves. */
static void test_without_backoff(void **state)
{
	struct policy_params p = params(false);
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	cut_and_undo(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	report(&p, &s, &g, 120, false);
	assert_int_equal(s.use_kb, 48 * MIB);
}

/* Each undone cut doubles the wait, up to 16 x gap_lone_cut_s; a cut
 * that stands as long as its wait halves it again. */
static void test_backoff_bounded_and_relaxed(void **state)
{
	struct policy_params p = params(true);
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	for (uint32_t k = 1; k <= GAP_LONE_SHIFT_MAX + 2; k++) {
		uint64_t wait_s = gap_lone_wait_ms(&p, &s) / 1000;

		s.gap_kb = 32 * MIB;
		report(&p, &s, &g, wait_s - 1, false);
		assert_int_equal(s.use_kb, 64 * MIB);
		report(&p, &s, &g, 1, false);
		assert_int_equal(s.use_kb, 48 * MIB);
		report(&p, &s, &g, 10, true);
		assert_int_equal(s.use_kb, 64 * MIB);
		assert_int_equal(s.lone_shift, k < GAP_LONE_SHIFT_MAX ? k : GAP_LONE_SHIFT_MAX);
	}
	assert_int_equal(gap_lone_wait_ms(&p, &s), 16 * 120 * 1000);
	/* A lone cut that stands 16 x 120 s: the wait halves, and the next
	 * lone cut (48 -> 32) comes at once. */
	s.gap_kb = 32 * MIB;
	report(&p, &s, &g, 16 * 120, false);
	assert_int_equal(s.use_kb, 48 * MIB);
	report(&p, &s, &g, 16 * 120 - 1, false);
	assert_int_equal(s.lone_shift, GAP_LONE_SHIFT_MAX);
	report(&p, &s, &g, 1, false);
	assert_int_equal(s.lone_shift, GAP_LONE_SHIFT_MAX - 1);
	assert_int_equal(s.use_kb, 32 * MIB);
	assert_int_equal(s.n_lone_cuts, GAP_LONE_SHIFT_MAX + 4);
	assert_int_equal(s.n_lone_undone, GAP_LONE_SHIFT_MAX + 2);
}

/* A cut that joins a write made anyway (W fell) is no lone cut: growing
 * back over it costs no back-off. */
static void test_joined_cut_is_not_lone(void **state)
{
	struct policy_params p = params(true);
	struct gap_state s;
	struct guest g;

	start(&p, &s, &g);
	s.gap_kb = 32 * MIB;
	g.ws -= 4 * MIB;                            /* a fall: a write anyway */
	report(&p, &s, &g, 1, false);
	assert_int_equal(s.use_kb, 52 * MIB);       /* min_change less the fall */
	assert_int_equal(s.n_lone_cuts, 0);
	report(&p, &s, &g, 10, true);
	assert_int_equal(s.use_kb, 64 * MIB);
	assert_int_equal(s.lone_shift, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undone_cut_doubles_the_wait),
		cmocka_unit_test(test_without_backoff),
		cmocka_unit_test(test_backoff_bounded_and_relaxed),
		cmocka_unit_test(test_joined_cut_is_not_lone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
