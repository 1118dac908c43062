/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A held level handed back (recur_handback_s, src/policy/recur_handback.c;
 * design.md §Scarce mode from the estimated need, "A held level handed
 * back"): for recur_handback_s after a swapless guest's recurring level
 * was last known, what it holds of W_i and oom_min_keep more stays its
 * need now and its no-shrink floor, so the hand-back in a host short of
 * the needs stops above W_i instead of at exactly W_i (cron-stop's k1,
 * killed by its next rise of a MiB). The snapshot carries the time since
 * the level was last known.
 */
#include "test_policy_util.h"

#include "policy/snapshot.h"
#include "policy/solve.h"

/* No reserve, no slack, recur_handback_s 600, oom_min_keep 16 MiB. */
static void setup(struct policy_params *p)
{
	policy_params_default(p);
	p->reserve_kb = 0;
	p->need_slack_pct = 0;
	p->recur_handback_s = 600;
	p->oom_min_keep_kb = 16 * MIB;
}

/* dom 1: swapless, holds 377 MiB of a cron's level handed back 5 s ago
 * (no POLICY_IN_RECUR or POLICY_IN_CRON any more), W 165. */
static struct policy_dom lapsed_dom(void)
{
	struct policy_dom d = est_dom(1, 377 * MIB, 165 * MIB);

	d.flags |= POLICY_IN_LEVEL;
	d.level_ms = 5000;
	return d;
}

/* W + keep, at most what it holds, not below now; only swapless, with
 * the key, within it of the level. */
static void test_floor(void **state)
{
	struct policy_params p;
	struct policy_dom d = lapsed_dom();

	setup(&p);
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 181 * MIB);
	assert_int_equal(policy_recur_handback_kb(&p, &d, 200 * MIB), 200 * MIB);
	/* held only: a guest holding less keeps what it holds */
	d.target_kb = 170 * MIB;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 170 * MIB);
	d = lapsed_dom();
	d.level_ms = 600000;                   /* the edge of the window */
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 181 * MIB);
	d.level_ms = 600001;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 165 * MIB);
	d = lapsed_dom();
	d.swap_tot_kb = d.swap_free_kb = 16 * MIB;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 165 * MIB);
	d = lapsed_dom();
	d.flags &= ~POLICY_IN_LEVEL;          /* no level ever known */
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 165 * MIB);
	d = lapsed_dom();
	p.recur_handback_s = 0;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 165 * MIB);
	/* through recur_hold.c's need and floor alike */
	p.recur_handback_s = 600;
	assert_int_equal(policy_recur_floor_kb(&p, &d, 165 * MIB), 181 * MIB);
	assert_int_equal(policy_recur_need_kb(&p, &d, 165 * MIB), 181 * MIB);
}

/* Scarce, dom 2 (holds 400, needs 900, swap) short: with the key dom 1
 * is handed back to W + keep, not below; without it, or once the window
 * is over, to exactly W (the creep kill's target). */
static void test_hand_back(void **state)
{
	struct policy_params p;
	struct policy_dom d[2] = { lapsed_dom(), est_swap_dom(2, 400 * MIB, 900 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	setup(&p);
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].floor_kb, 181 * MIB);
	assert_true(out[0].target_kb >= 181 * MIB);
	assert_true(out[0].target_kb < 377 * MIB);

	d[0].level_ms = 700000;
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 165 * MIB);

	d[0].level_ms = 5000;
	p.recur_handback_s = 0;
	decide(&p, 0, d, 2, out, &cycle);
	assert_int_equal(out[0].target_kb, 165 * MIB);
}

/* recur_handback_peak: the floor is what it holds of the highest W since
 * the level was last known and keep more, not of W now (many-small-one-
 * big's s24: a trough after the lapse read as its need cut it to its
 * floor and its next rise killed it); never below W now + keep, held
 * only, and W now with the key off. */
static void test_peak(void **state)
{
	struct policy_params p;
	struct policy_dom d = lapsed_dom();

	setup(&p);
	d.level_w_kb = 190 * MIB;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 181 * MIB);
	p.recur_handback_peak = true;
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 206 * MIB);
	d.target_kb = 200 * MIB;               /* held only */
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 200 * MIB);
	d = lapsed_dom();
	d.level_w_kb = 150 * MIB;              /* below W now: W now counts */
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 181 * MIB);
	d.level_w_kb = 190 * MIB;
	d.level_ms = 600001;                   /* out of the window */
	assert_int_equal(policy_recur_handback_kb(&p, &d, 165 * MIB), 165 * MIB);

	/* Scarce: the tiers keep the peak's floor. */
	struct policy_dom two[2] = { lapsed_dom(), est_swap_dom(2, 400 * MIB, 900 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	two[0].level_w_kb = 190 * MIB;
	decide(&p, 0, two, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(out[0].floor_kb, 206 * MIB);
	assert_true(out[0].target_kb >= 206 * MIB);
	p.recur_handback_peak = false;
	decide(&p, 0, two, 2, out, &cycle);
	assert_int_equal(out[0].floor_kb, 181 * MIB);
}

/* The snapshot: the level's age, bounded, and the flag only when a
 * level was seen and W is known. */
static void test_snapshot(void **state)
{
	struct snap_dom in = {
		.domid = 1, .actual_kb = 400 * MIB, .have_target = true,
		.target_kb = 400 * MIB, .managed = true, .have_ws = true,
		.ws_kb = 100 * MIB, .level_seen = true, .level_ms = 7000,
		.max_kb = 2 * GIB, .shares = 1,
		.fig = { .have = SNAP_HAS_MEMTOTAL, .memtotal_kb = 340 * MIB },
	};
	struct policy_dom s;

	snapshot_dom(&in, &s);
	assert_true(s.flags & POLICY_IN_LEVEL);
	assert_int_equal(s.level_ms, 7000);
	/* the highest W since, in target units as W is */
	in.level_w_kb = 130 * MIB;
	snapshot_dom(&in, &s);
	assert_int_equal(s.level_w_kb - s.ws_kb, 30 * MIB);
	in.level_w_kb = UINT64_MAX;            /* bounded */
	snapshot_dom(&in, &s);
	assert_true(s.level_w_kb <= POLICY_KB_MAX);
	in.level_ms = (uint64_t)UINT32_MAX + 5;
	snapshot_dom(&in, &s);
	assert_int_equal(s.level_ms, UINT32_MAX);
	in.level_seen = false;
	snapshot_dom(&in, &s);
	assert_false(s.flags & POLICY_IN_LEVEL);
	in.level_seen = true;
	in.have_ws = false;
	snapshot_dom(&in, &s);
	assert_false(s.flags & POLICY_IN_LEVEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_hand_back),
		cmocka_unit_test(test_peak),
		cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
