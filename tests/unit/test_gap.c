// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned gap (policy/gap.h) and, for comparison, the seed's listing
 * (sim/gap_literal.h): the worked vectors of issue 14 (the listing's; the
 * consistent learner keeps the gap by default where the seed followed
 * W_i's change), defects (a)-(c) of the listing and their absence from
 * the consistent learner, the safety rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "policy/gap.h"
#include "sim/gap_literal.h"

#define MIB 1024ull

static struct policy_params vector_params(uint32_t greedy)
{
	struct policy_params p;

	policy_params_default(&p);
	p.gap_min_kb = 4 * MIB;      /* the seed's bounds */
	p.gap_max_kb = 1024 * MIB;
	p.gap_start_kb = 16 * MIB;
	p.gap_greedy = greedy;
	p.gap_seed = 7;
	/* A move may come at every step, no floor from recent rises
	 * (tested on their own). */
	p.gap_cut_s = 0;
	p.gap_window_s = 0;
	return p;
}

/* A guest that follows its goal exactly (N_i = O_i + W_i + g_i) and is
 * quiet: counters stand still. One report a second. */
struct guest {
	uint64_t ws, overhead, realised_gap, ms;
	struct gap_counters c;
	bool psi_up, oom_hold, frozen;
};

static enum gap_outcome step(const struct policy_params *p, struct gap_state *s,
			     struct guest *g)
{
	struct gap_obs o = {
		.report_ms = g->ms += 1000,
		.frozen = g->frozen,
		.ws_kb = g->ws,
		.actual_kb = g->overhead + (g->ws & ~(uint64_t)(GAP_ALIGN_KB - 1)) + g->realised_gap,
		.overhead_kb = g->overhead,
		.c = g->c,
		.psi_up = g->psi_up,
		.oom_hold = g->oom_hold,
	};
	enum gap_outcome out = gap_step(p, s, &o);

	g->realised_gap = s->gap_kb;   /* the domain reaches its new goal */
	return out;
}

static struct guest quiet_guest(uint64_t ws)
{
	return (struct guest){
		.ws = ws, .overhead = 20 * MIB, .realised_gap = 16 * MIB,
		.c = { .have_pswpin = true, .have_refault_anon = true,
		       .have_refault_file = true, .pswpin = 10, .refault_file = 100 },
	};
}

/* gap_greedy = 0, W 200 MiB, quiet: the gap stays 16 MiB, W's changes
 * included (the seed's default followed them: 16 -> 100 at the first
 * step, then +60 with W; test_literal_defect_a), and "no change" earns
 * the prize at each step. */
static void test_vector_greedy0(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);

	gap_state_init(&s, &p, 1);
	assert_int_equal(s.gap_kb, 16 * MIB);
	assert_int_equal(step(&p, &s, &g), GAP_FIRST);
	assert_int_equal(s.gap_kb, 16 * MIB);
	for (int i = 0; i < 500; i++) {
		if (i == 250)
			g.ws += 60 * MIB;
		assert_int_equal(step(&p, &s, &g), GAP_PRIZE);
		assert_int_equal(s.gap_kb, 16 * MIB);
	}
	assert_int_equal(s.price[GAP_CENTER], 500 * 5);
	assert_int_equal(s.price[gap_action_index(60 * MIB)], 0);
	assert_int_equal(s.n_explores, 0);
}

/* gap_greedy = 15, seed 7, the gap at 64 MiB (room below): steps 1-14
 * keep it; step 15 explores the action the PRNG gives, a cut or none:
 * k = r % 9 - 8 (at most gap_explore_max_mb, 32 MiB). */
static void test_vector_greedy15(void **state)
{
	struct policy_params p = vector_params(15);
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);
	uint64_t rng;

	p.gap_start_kb = 64 * MIB;
	g.realised_gap = 64 * MIB;
	gap_state_init(&s, &p, 1);
	rng = s.rng;
	for (int i = 1; i <= 14; i++) {
		step(&p, &s, &g);
		assert_int_equal(s.gap_kb, 64 * MIB);
	}
	step(&p, &s, &g);
	assert_int_equal(s.n_explores, 1);

	int k = (int)(gap_rand(&rng) % 9) - 8;

	assert_int_equal(s.gap_kb, 64 * MIB + k * (int64_t)GAP_ALIGN_KB);
	/* With seed 7 and domid 1 the draw is a cut. */
	assert_true(s.gap_kb < 64 * MIB);
}

/* Steps the learner once with `change` priced above "no change" by more
 * than the tolerance: it takes that action (the default keeps the gap). */
static enum gap_outcome step_priced(const struct policy_params *p, struct gap_state *s,
				    struct guest *g, int64_t change)
{
	s->price[gap_action_index(change)] = 100;
	return step(p, s, g);
}

/* The realised change is credited, not the chosen one: a domain that
 * does not follow its goal (N_i unchanged) credits "no change". */
static void test_consistent_credit(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s;
	struct gap_obs o = {
		.ws_kb = 200 * MIB, .actual_kb = 300 * MIB, .overhead_kb = 0,
		.c = { .have_pswpin = true, .pswpin = 0 },
	};

	gap_state_init(&s, &p, 1);
	s.price[gap_action_index(84 * MIB)] = 100;
	o.report_ms = 1000;
	gap_step(&p, &s, &o);            /* chooses +84 (priced), N stays */
	assert_int_equal(s.gap_kb, 100 * MIB);
	o.report_ms = 2000;
	o.c.pswpin = 500;                /* and it swaps in */
	assert_int_equal(gap_step(&p, &s, &o), GAP_FINED);
	assert_int_equal(s.price[GAP_CENTER], -50);
	assert_int_equal(s.price[gap_action_index(84 * MIB)], 100);
}

/* Both fines in one step; the prize only when neither fires; thresholds
 * are per second over the step. */
static void test_fines(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);

	p.gap_io_rate = 10;             /* file refaults per second */
	p.gap_tolerance = 100000;       /* the gap stays: every credit is "no change" */
	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	g.c.pswpin += 1;
	g.c.refault_file += 11;         /* 11/s > 10/s */
	assert_int_equal(step(&p, &s, &g), GAP_FINED);
	assert_int_equal(s.price[GAP_CENTER], -65);
	g.c.refault_file += 10;         /* 10/s: not above */
	assert_int_equal(step(&p, &s, &g), GAP_PRIZE);
	assert_int_equal(s.price[GAP_CENTER], -60);
	g.c.refault_anon += 1;          /* anon refaults count as page-ins */
	assert_int_equal(step(&p, &s, &g), GAP_FINED);
	assert_int_equal(s.price[GAP_CENTER], -60 - 50);
	/* A counter going backwards judges nothing. */
	g.c.pswpin = 0;
	assert_int_equal(step(&p, &s, &g), GAP_UNJUDGED);
	assert_int_equal(s.price[GAP_CENTER], -60 - 50);
}

/* After a fine on "no change", the best action replaces the default
 * once it beats it by the tolerance; ties between +4 and -4 go to the
 * growth. */
static void test_greedy_choice(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s;
	struct guest g = quiet_guest(400 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	assert_int_equal(s.gap_kb, 16 * MIB);    /* the default keeps it */
	s.price[GAP_CENTER] = -50;
	step(&p, &s, &g);                        /* quiet: "no change" +5 */
	assert_int_equal(s.price[GAP_CENTER], -45);
	assert_int_equal(s.gap_kb, 20 * MIB);    /* +4 beat it by 45 */
	assert_int_equal(s.n_greedy_switches, 1);

	/* A cut rewarded before is what a fine on "no change" turns to,
	 * but never on the fined step itself (design.md §The learned gap:
	 * no cut after pain); the next quiet step may take it, and the
	 * floor keeps it safe. */
	struct gap_state t;
	struct guest h = quiet_guest(400 * MIB);

	gap_state_init(&t, &p, 1);
	t.gap_kb = t.use_kb = 144 * MIB;         /* as if learned */
	h.realised_gap = 144 * MIB;
	step(&p, &t, &h);
	assert_int_equal(t.gap_kb, 144 * MIB);
	t.gap_kb = 80 * MIB;                     /* as if explored down */
	h.realised_gap = 80 * MIB;
	step(&p, &t, &h);                        /* credits -64: +5 */
	assert_int_equal(t.price[gap_action_index(-64 * (int64_t)MIB)], 5);
	h.c.pswpin += 100;
	step(&p, &t, &h);                        /* "no change" fined */
	assert_int_equal(t.price[GAP_CENTER], -50);
	assert_int_equal(t.gap_kb, 80 * MIB);    /* not cut after pain */
	step(&p, &t, &h);                        /* quiet: "no change" +5 */
	assert_int_equal(t.price[GAP_CENTER], -45);
	assert_int_equal(t.gap_kb, 16 * MIB);    /* 80 - 64: beat it by 50 */
	p.gap_min_kb = 32 * MIB;
	assert_int_equal(gap_current_kb(&p, &t, 400 * MIB, false), 32 * MIB);
}

/* Bounds: [gap_min, max(gap_min, min(gap_max, W/2))], the OOM floor. */
static void test_bounds(void **state)
{
	struct policy_params p;
	uint64_t lo, hi;

	policy_params_default(&p);
	gap_bounds(&p, 1000 * MIB, false, &lo, &hi);
	assert_int_equal(lo, p.gap_min_kb);
	assert_int_equal(hi, p.gap_max_kb);
	gap_bounds(&p, 40 * MIB, false, &lo, &hi);      /* W/2 below the floor */
	assert_int_equal(hi, p.gap_start_kb);           /* no cut below the start */
	p.gap_start_kb = 0;
	gap_bounds(&p, 40 * MIB, false, &lo, &hi);
	assert_int_equal(hi, lo);
	p.gap_start_kb = 400 * MIB;                     /* nor above gap_max */
	gap_bounds(&p, 40 * MIB, false, &lo, &hi);
	assert_int_equal(hi, p.gap_max_kb);
	policy_params_default(&p);
	p.gap_max_kb = 256 * MIB;
	gap_bounds(&p, 300 * MIB, false, &lo, &hi);
	assert_int_equal(hi, 148 * MIB);                /* W/2, 4 MiB aligned down */
	gap_bounds(&p, 100 * MIB, false, &lo, &hi);
	assert_int_equal(hi, p.gap_start_kb);           /* not below the start */
	policy_params_default(&p);
	gap_bounds(&p, 1000 * MIB, true, &lo, &hi);     /* OOM hold */
	assert_int_equal(lo, p.gap_max_kb);             /* the floor stops at gap_max */
	assert_int_equal(hi, p.gap_max_kb);
	p.gap_max_kb = 256 * MIB;                       /* room above: raised by oom_bump */
	gap_bounds(&p, 1000 * MIB, true, &lo, &hi);
	assert_int_equal(lo, p.gap_min_kb + p.oom_bump_kb);
	assert_int_equal(hi, p.gap_max_kb);
	for (int64_t c = -300 * (int64_t)MIB; c <= 300 * (int64_t)MIB; c += 1000) {
		int i = gap_action_index(c);

		assert_true(i >= 0 && i < GAP_ACTIONS);
	}
	assert_int_equal(gap_action_index(-132 * (int64_t)MIB), 0);
	assert_int_equal(gap_action_index(132 * (int64_t)MIB), GAP_ACTIONS - 1);
	assert_int_equal(gap_action_index(2 * (int64_t)MIB), GAP_CENTER + 1);
	assert_int_equal(gap_action_index(-2 * (int64_t)MIB), GAP_CENTER - 1);
	assert_int_equal(gap_action_index(1 * (int64_t)MIB), GAP_CENTER);
}

/* Exploration: never a cut under PSI or in the OOM hold, at most once
 * per gap_explore_s, never after a fined step. */
static void test_explore_safety(void **state)
{
	struct policy_params p = vector_params(1);   /* every step would explore */
	struct gap_state s;
	struct guest g = quiet_guest(1000 * MIB);

	p.gap_max_kb = 256 * MIB;
	p.gap_explore_s = 0;
	gap_state_init(&s, &p, 3);
	step(&p, &s, &g);
	g.psi_up = true;
	for (int i = 0; i < 300; i++) {
		uint64_t before = s.gap_kb;

		step(&p, &s, &g);
		assert_true(s.gap_kb >= before);
		assert_true(s.gap_kb - before <= p.gap_explore_max_kb);
	}
	assert_true(s.n_explores > 250);
	g.psi_up = false;
	g.oom_hold = true;
	s.gap_kb = 200 * MIB;
	g.realised_gap = s.gap_kb;
	for (int i = 0; i < 100; i++) {
		uint64_t before = s.gap_kb;

		step(&p, &s, &g);
		assert_true(s.gap_kb >= before || s.gap_kb == p.gap_max_kb);
	}
	/* Once a minute at most. */
	p.gap_explore_s = 60;
	g.oom_hold = false;
	uint64_t n0 = s.n_explores;

	for (int i = 0; i < 600; i++)
		step(&p, &s, &g);
	assert_true(s.n_explores - n0 <= 10);
	assert_true(s.n_explores - n0 >= 9);
	/* Not after a fined step. */
	n0 = s.n_explores;
	for (int i = 0; i < 200; i++) {
		g.c.pswpin += 1000;
		step(&p, &s, &g);
	}
	assert_int_equal(s.n_explores, n0);
}

/* Frozen reports change no price and the next step credits nothing. */
static void test_frozen(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s, before;
	struct guest g = quiet_guest(200 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	step(&p, &s, &g);
	before = s;
	g.frozen = true;
	g.c.pswpin += 10000;
	for (int i = 0; i < 10; i++)
		assert_int_equal(step(&p, &s, &g), GAP_FROZEN);
	assert_memory_equal(before.price, s.price, sizeof(s.price));
	assert_int_equal(before.gap_kb, s.gap_kb);
	g.frozen = false;
	assert_int_equal(step(&p, &s, &g), GAP_FIRST);
	assert_memory_equal(before.price, s.price, sizeof(s.price));
}

/* An OOM kill fines the action last taken and restarts the chain. */
static void test_oom(void **state)
{
	struct policy_params p = vector_params(0);
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);

	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);                  /* took "no change" (the default) */
	gap_oom(&p, &s, 1000);
	assert_int_equal(s.price[GAP_CENTER], -(int)p.gap_fine_oom);
	assert_int_equal(step(&p, &s, &g), GAP_FIRST);
	/* During the hold the floor is gap_min + oom_bump. */
	g.oom_hold = true;
	g.ws = 1000 * MIB;
	s.gap_kb = 4 * MIB;
	step(&p, &s, &g);
	assert_true(s.gap_kb >= p.gap_min_kb + p.oom_bump_kb);
	assert_int_equal(gap_current_kb(&p, &s, 1000 * MIB, true) >= 68 * MIB, 1);
}

/* The learner only moves the goal: MC_i = C_i + O_i + g_i when the
 * snapshot carries g_i (else headroom), and the no-shrink and minimum
 * rules still decide the target. */
static void test_goal_uses_gap(void **state)
{
	struct policy_params p;
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = 4096 * MIB };
	struct policy_dom d[2];
	struct policy_decision out[2];
	struct policy_cycle cyc;

	policy_params_default(&p);
	host.reserve_kb = p.reserve_kb;
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 2; i++) {
		d[i].domid = (uint32_t)i + 1;
		d[i].kind = POLICY_DOMU;
		d[i].actual_kb = d[i].target_kb = 600 * MIB;
		d[i].min_kb = 128 * MIB;
		d[i].max_kb = 2048 * MIB;
		d[i].shares = 1;
		d[i].committed_as_kb = 300 * MIB;
		d[i].free_kb = d[i].avail_kb = 200 * MIB;
		d[i].flags = POLICY_IN_AVAIL;
	}
	d[0].flags |= POLICY_IN_GAP;
	d[0].gap_kb = 32 * MIB;
	assert_int_equal(policy_ctx_init(&ctx, 2), 0);
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 2, out, &cyc), 0);
	assert_int_equal(out[0].goal_kb, 332 * MIB);
	assert_int_equal(out[1].goal_kb, 364 * MIB);   /* headroom_mb 64 */
	/* Under pressure the small gap shrinks nothing. */
	d[0].flags |= POLICY_IN_PSI;
	d[0].psi_some = p.psi_no_shrink + 1;
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 2, out, &cyc), 0);
	assert_int_equal(out[0].target_kb, 600 * MIB);
	/* And never below L_i (an OOM-raised minimum). */
	d[0].flags &= ~POLICY_IN_PSI;
	d[0].min_kb = 500 * MIB;
	assert_int_equal(policy_decide(&ctx, &p, &host, d, 2, out, &cyc), 0);
	assert_int_equal(out[0].goal_kb, 500 * MIB);
	policy_ctx_free(&ctx);
}

/* ---- the seed's listing ---- */

/* (a) It fines the negative of the change it applied: after 16 -> 100 the
 * next page-ins fine index(-84), where the consistent learner fines the
 * realised +84. */
static void test_literal_defect_a(void **state)
{
	struct policy_params p = vector_params(0);
	struct literal_gap l;
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);

	literal_gap_init(&l, 7);
	assert_int_equal(literal_gap_choose(&l, 200, 1000, 100, &p), 100);
	assert_int_equal(literal_gap_choose(&l, 200, 1001, 100, &p), 100);
	assert_int_equal(l.price[(-84 + 128) / 4], -50);   /* mirrored */
	assert_int_equal(l.price[(84 + 128) / 4], 0);

	gap_state_init(&s, &p, 1);
	step_priced(&p, &s, &g, 84 * MIB);      /* 16 -> 100 */
	assert_int_equal(s.gap_kb, 100 * MIB);
	g.c.pswpin += 1;
	step(&p, &s, &g);
	assert_int_equal(s.price[gap_action_index(84 * MIB)], 100 - 50);
	assert_int_equal(s.price[gap_action_index(-84 * (int64_t)MIB)], 0);
}

/* (b) The applied change is not clamped: a first W of 296 MiB applies
 * +132 (index -1 next: the listing aborts); an applied -132 indexes one
 * past the table. Counted, and clamped, here. The consistent learner
 * stays in the table on the same W sequence. */
static void test_literal_defect_b(void **state)
{
	struct policy_params p = vector_params(0);
	struct literal_gap l;
	struct gap_state s;
	struct guest g = quiet_guest(296 * MIB);

	literal_gap_init(&l, 7);
	assert_int_equal(literal_gap_choose(&l, 296, 1000, 100, &p), 148);
	assert_int_equal(l.out_of_range, 0);
	assert_int_equal(literal_gap_choose(&l, 164, 1000, 100, &p), 16);  /* -132 */
	assert_int_equal(l.out_of_range, 1);      /* index -1 */
	literal_gap_choose(&l, 164, 1000, 100, &p);
	assert_int_equal(l.out_of_range, 2);      /* index 65 */
	assert_int_equal(l.past_end, 5);          /* the prize, past the table */
	/* 295 MiB (292 aligned) stays inside: 146 - 16 = 130 > 128 ... */
	struct literal_gap m;

	literal_gap_init(&m, 7);
	literal_gap_choose(&m, 292, 1000, 100, &p);
	literal_gap_choose(&m, 292, 1000, 100, &p);
	/* ... (-130 + 128) / 4 truncates to 0: no abort below 296. */
	assert_int_equal(m.out_of_range, 0);

	/* The same +132 and -132, realised by the domain (N_i moved by
	 * them): credited to the table's ends. */
	gap_state_init(&s, &p, 1);
	step(&p, &s, &g);
	g.realised_gap = 148 * MIB;
	step(&p, &s, &g);                         /* +132: a growth, no prize */
	g.realised_gap = 16 * MIB;
	step(&p, &s, &g);                         /* -132 */
	for (int i = 0; i < GAP_ACTIONS; i++)
		assert_true(s.price[i] >= -GAP_PRICE_MAX && s.price[i] <= GAP_PRICE_MAX);
	assert_int_equal(s.price[0], 5);
	assert_int_equal(s.price[GAP_ACTIONS - 1], 0);
	assert_int_equal(s.n_prizes, 2);          /* every step credited in the table */
}

/* (c) The gap in MiB is subtracted from pages: the listing leaves
 * gap x 4 KiB above W (400 KiB for a gap of "100"), the consistent
 * learner 100 MiB. */
static void test_literal_defect_c(void **state)
{
	struct policy_params p = vector_params(0);
	struct literal_gap l;
	struct gap_state s;
	struct guest g = quiet_guest(200 * MIB);

	literal_gap_init(&l, 7);
	int gap = literal_gap_choose(&l, 200, 1000, 100, &p);

	assert_int_equal(literal_gap_effective_kb(gap), 400);
	gap_state_init(&s, &p, 1);
	step_priced(&p, &s, &g, 84 * MIB);
	assert_int_equal(gap_current_kb(&p, &s, 200 * MIB, false), 100 * MIB);
}

/* The listing's scan stops on the first price that beats the current
 * candidate by the tolerance, scanning cuts first: not the best price. */
static void test_literal_scan(void **state)
{
	struct policy_params p = vector_params(0);
	struct literal_gap l;

	literal_gap_init(&l, 7);
	l.prev_gap = 100;
	l.prev_ws = 200;
	l.prev_pagein = 1000;
	l.prev_io = 100;
	l.price[0] = 30;                 /* -128: beats the default by 30 */
	l.price[40] = 45;                /* +32: the best, but only 15 above */
	/* default: change 0 (index 32, price 0) -> 0 beats it, 40 does not
	 * beat index 0 by 20: the listing cuts by 128 (to the floor). */
	assert_int_equal(literal_gap_choose(&l, 200, 1000, 100, &p), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_greedy0),
		cmocka_unit_test(test_vector_greedy15),
		cmocka_unit_test(test_consistent_credit),
		cmocka_unit_test(test_fines),
		cmocka_unit_test(test_greedy_choice),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_explore_safety),
		cmocka_unit_test(test_frozen),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_goal_uses_gap),
		cmocka_unit_test(test_literal_defect_a),
		cmocka_unit_test(test_literal_defect_b),
		cmocka_unit_test(test_literal_defect_c),
		cmocka_unit_test(test_literal_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
