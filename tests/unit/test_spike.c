/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A spike the peers show (src/policy/jump.c, spike.c, solve_tiers.c;
 * design.md §Scarce mode from the estimated need, "A spike the peers
 * show"): the tracker counts a step of W shown over a few reports as one
 * jump, not a slow climb, and forgets it after the window; and in scarce
 * mode, while a quorum of the guests have jumped, a guest with swap that
 * has not jumped keeps room in its memory and free swap for the largest
 * of their jumps: its floor does not yield into that room in tier 1, and
 * what it holds of it is not cut. One guest jumping alone is no quorum:
 * the others page for it as they did (the same targets as with
 * spike_window_s = 0).
 */
#include "test_policy_util.h"

#include "policy/jump.h"

#define WIN 10000        /* spike_window_s's default, ms */
#define SPAN 3000        /* three 1 s cycles */
static uint64_t see(struct jump_state *s, uint64_t t, uint64_t w)
{
	return jump_observe(s, w, 1000 + t, WIN, SPAN);
}

/* A step 80 -> 260 MiB that the estimate shows over two reports (80,
 * 150, 260) is one jump of 180, kept for the window and then gone. */
static void test_step_over_reports(void **state)
{
	struct jump_state s;

	jump_reset(&s);
	for (uint64_t t = 0; t < 10000; t += 1000)
		assert_int_equal(see(&s, t, 80 * MIB), 0);
	assert_int_equal(see(&s, 10000, 150 * MIB), 70 * MIB);
	assert_int_equal(see(&s, 11000, 260 * MIB), 180 * MIB);
	/* It falls back and stays: the jump is remembered... */
	for (uint64_t t = 12000; t <= 10000 + WIN; t += 1000)
		assert_int_equal(see(&s, t, 80 * MIB), 180 * MIB);
	/* ...for the window only. */
	assert_int_equal(see(&s, 12000 + WIN, 80 * MIB), 0);
}

/* A climb of 5 MiB a second for two minutes is no jump of 600: only
 * what it rose within the span (three intervals) counts. */
static void test_slow_climb(void **state)
{
	struct jump_state s;
	uint64_t j = 0;

	jump_reset(&s);
	for (uint64_t t = 0; t <= 120000; t += 1000)
		j = see(&s, t, 100 * MIB + t / 1000 * 5 * MIB);
	assert_int_equal(j, 15 * MIB);
	/* A report missed for longer than the span: the rise across it is
	 * not one jump either. */
	assert_int_equal(see(&s, 130000, 900 * MIB), 15 * MIB);
}

/* Off: window 0 returns 0 and keeps nothing. */
static void test_off(void **state)
{
	struct jump_state s;

	jump_reset(&s);
	assert_int_equal(jump_observe(&s, 80 * MIB, 1000, 0, SPAN), 0);
	assert_int_equal(jump_observe(&s, 260 * MIB, 2000, 0, SPAN), 0);
	assert_int_equal(s.n, 0);
}

/* A guest's own jump rate (jump_past): the windows of the clock before
 * the current spike window in which W jumped beyond a threshold, and
 * those it was watched in (seen). A guest that jumped once, at 300 s:
 * not counted while the window still shows it, counted after; one jump
 * below the threshold is none. A square wave 100 <-> 300 MiB (a step
 * up every 4 s) jumps in every window it was watched in; the count
 * covers JUMP_PAST windows at most. */
static void test_own_rate(void **state)
{
	struct jump_state calm, sq;
	unsigned seen, c;

	jump_reset(&calm);
	jump_reset(&sq);
	for (uint64_t t = 0; t <= 1000000; t += 1000) {
		see(&calm, t, t == 300000 ? 260 * MIB : 80 * MIB);
		see(&sq, t, (t / 2000) % 2 ? 300 * MIB : 100 * MIB);
		if (t == 305000) {
			assert_int_equal(jump_past(&calm, 64 * MIB, 1000 + t, WIN, &seen), 0);
			assert_int_equal(seen, 29);
		}
		if (t == 400000) {
			assert_int_equal(jump_past(&calm, 64 * MIB, 1000 + t, WIN, &seen), 1);
			assert_int_equal(jump_past(&calm, 180 * MIB, 1000 + t, WIN, &seen), 0);
			c = jump_past(&sq, 64 * MIB, 1000 + t, WIN, &seen);
			assert_int_equal(seen, 39);
			assert_int_equal(c, seen);
		}
	}
	c = jump_past(&sq, 64 * MIB, 1000 + 1000000, WIN, &seen);
	assert_int_equal(seen, JUMP_PAST);
	assert_int_equal(c, JUMP_PAST);
	/* The jump at 300 s is older than JUMP_PAST windows. */
	assert_int_equal(jump_past(&calm, 64 * MIB, 1000 + 1000000, WIN, &seen), 0);
}

/* dom 1: 128 MiB of swap, all free; W 130, holds 200, a 64 MiB gap, no
 * jump. doms 2..n: no swap, hold 100 and need 300 now (tier 1's need);
 * the first `jumped` of them jumped by 170 (dom 2) and 180 MiB (the
 * others) within the window. M = 100 (n - 1) + 200 + 100 free: the host
 * cannot hold every need. */
static size_t spike_setup(struct policy_params *p, struct policy_dom *d,
			  size_t n, size_t jumped)
{
	policy_params_default(p);
	p->reserve_kb = 0;
	d[0] = est_dom(1, 200 * MIB, 130 * MIB);
	d[0].swap_tot_kb = 128 * MIB;
	d[0].swap_free_kb = 128 * MIB;
	for (size_t i = 1; i < n; i++) {
		d[i] = est_dom((uint32_t)i + 1, 100 * MIB, 300 * MIB);
		if (i <= jumped)
			d[i].jump_kb = (i == 1 ? 170 : 180) * MIB;
	}
	return n;
}

static void run(const struct policy_params *p, const struct policy_dom *d,
		size_t n, struct policy_decision *out)
{
	struct policy_cycle cycle;

	decide(p, 100 * MIB, d, n, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
}

/* d decided with the rule on equals d with it off (spike_window_s = 0):
 * no quorum, or a quorum that keeps nothing. */
static void assert_as_rule_off(struct policy_params *p, const struct policy_dom *d,
			       size_t n)
{
	struct policy_decision out[20], off[20];

	assert_true(n <= 20);
	run(p, d, n, out);
	p->spike_window_s = 0;
	run(p, d, n, off);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i].target_kb, off[i].target_kb);
	assert_true(out[0].target_kb <= 66 * MIB + POLICY_PAGE_KB);
}

/* Two of three guests jumped (a quorum): dom 1 keeps W + 180 - 128 =
 * 182 MiB and more (W's slack) of the 200 it holds, the room its free
 * swap cannot hold of the larger jump; without the rule it pages its 64
 * MiB of swap beyond its gap for them (down to 130 - 64). */
static void test_quorum_keeps_room(void **state)
{
	struct policy_params p;
	struct policy_dom d[3];
	struct policy_decision out[3];
	size_t n = spike_setup(&p, d, 3, 2);

	run(&p, d, n, out);
	assert_true(out[0].target_kb >= 182 * MIB);
	assert_true(out[0].target_kb <= 200 * MIB);
	/* What it keeps is what the jumpers do not get. */
	assert_true(out[1].target_kb + out[2].target_kb <= 500 * MIB - 182 * MIB);

	spike_setup(&p, d, 3, 2);
	p.spike_window_s = 0;
	run(&p, d, n, out);
	assert_true(out[0].target_kb <= 66 * MIB + POLICY_PAGE_KB);
}

/* One guest jumping alone (one of three), or nine of twenty (less than
 * half: no quorum) is served as before: dom 1 pages for them, the same
 * targets as with the rule off. */
static void test_lone_jump_yields(void **state)
{
	static const size_t cases[][2] = { { 3, 1 }, { 20, 9 } };

	for (size_t c = 0; c < 2; c++) {
		struct policy_params p;
		struct policy_dom d[20];
		size_t n = spike_setup(&p, d, cases[c][0], cases[c][1]);

		assert_as_rule_off(&p, d, n);
	}
}

/* Two of three jumped, but each jumps on its own in 50 of the 60
 * windows it was watched in: their jumps are their habit, no common
 * cause, and dom 1 pages for them as with the rule off (a head count
 * of jumpers was a quorum here). */
static void test_habit_is_no_quorum(void **state)
{
	struct policy_params p;
	struct policy_dom d[3];
	size_t n = spike_setup(&p, d, 3, 2);

	for (size_t i = 1; i < n; i++) {
		d[i].jump_past = 50;
		d[i].jump_seen = 60;
	}
	assert_as_rule_off(&p, d, n);
}

/* Eight of twelve guests jump on their own (50 of 60 windows), two of
 * them now; three calm guests spike together. Five of twelve is no head
 * count's half, but weighted by how unusual each jump is (2 x 1/6 + 3
 * against 1 + 8 x 1/6 + 3 for the host) it is a quorum: dom 1 keeps W
 * + 180 - 128 as in test_quorum_keeps_room. With no guest jumping out
 * of habit (every weight 1) the same five are no quorum. */
static void test_calm_spike_among_noisy(void **state)
{
	struct policy_params p;
	struct policy_dom d[12];
	struct policy_decision out[12];
	size_t n = spike_setup(&p, d, 12, 5);

	for (size_t i = 1; i < n; i++) {
		bool calm = i >= 3 && i <= 5;

		d[i].jump_past = calm ? 0 : 50;
		d[i].jump_seen = 60;
	}
	run(&p, d, n, out);
	assert_true(out[0].target_kb >= 182 * MIB);
	for (size_t i = 1; i < n; i++)
		d[i].jump_past = 0;
	run(&p, d, n, out);
	assert_true(out[0].target_kb <= 66 * MIB + POLICY_PAGE_KB);
}

/* A guest that has jumped itself keeps no room for the others' jump: it
 * is one of the jumpers, and pages like any guest with swap. dom 1
 * jumped too (jump 100 > its 64 MiB gap): the targets are those with
 * the rule off. */
static void test_jumper_keeps_none(void **state)
{
	struct policy_params p;
	struct policy_dom d[3];
	struct policy_decision out[3], off[3];
	size_t n = spike_setup(&p, d, 3, 2);

	d[0].jump_kb = 100 * MIB;
	run(&p, d, n, out);
	p.spike_window_s = 0;
	run(&p, d, n, off);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i].target_kb, off[i].target_kb);
}

/* A peers' jump its free swap can hold (100 + slack < 128): no floor
 * above W, but dom 1 pages for the jumpers only the swap that jump
 * leaves: after the yield, target + free swap still holds W + 100. */
static void test_yield_leaves_room(void **state)
{
	struct policy_params p;
	struct policy_dom d[3];
	struct policy_decision out[3];
	size_t n = spike_setup(&p, d, 3, 2);

	d[0].target_kb = d[0].actual_kb = 130 * MIB;
	d[1].jump_kb = d[2].jump_kb = 100 * MIB;
	run(&p, d, n, out);
	assert_true(out[0].target_kb + 128 * MIB >= 130 * MIB + 100 * MIB);
	assert_true(out[0].target_kb < 130 * MIB);
}

/* A reservation asked during the spike (the jumpers served: they hold
 * 400 with W 300) leaves dom 1 the room it keeps for their jump, as a
 * cycle without the reservation does: 300 MiB asked where the guests
 * hold 1000, the part that would cut dom 1 below W + 180 - 128 waits
 * (policy_cycle.resv_held_kb), and the targets fit in what the rest
 * leaves. When the reservation counted dom 1's slack only, it held back
 * 66 MiB instead of 118 and the tiers, keeping dom 1's room all the
 * same, were infeasible: the reserved memory handed out. Without the
 * spike the reservation takes dom 1 to its slack (130 + 5 %). */
static void test_reservation_keeps_room(void **state)
{
	struct policy_params p;
	struct policy_dom d[3];
	struct policy_decision out[3];
	struct policy_cycle cycle;
	struct policy_ctx ctx;
	struct policy_host host = { .free_kb = -300 * (int64_t)MIB,
				    .reservations_kb = 300 * MIB };

	for (int on = 1; on >= 0; on--) {
		spike_setup(&p, d, 3, 2);
		p.spike_window_s = on ? p.spike_window_s : 0;
		for (size_t i = 1; i < 3; i++) {
			d[i] = est_dom((uint32_t)i + 1, 400 * MIB, 300 * MIB);
			d[i].jump_kb = 180 * MIB;
		}
		assert_int_equal(policy_ctx_init(&ctx, 3), 0);
		assert_int_equal(policy_decide(&ctx, &p, &host, d, 3, out, &cycle), 0);
		policy_ctx_free(&ctx);
		if (on) {
			assert_true(out[0].target_kb >= 182 * MIB);
			assert_true(cycle.resv_held_kb > 0);
			assert_int_not_equal(cycle.mode, POLICY_MODE_INFEASIBLE);
		} else {
			assert_true(out[0].target_kb < 140 * MIB);
		}
		assert_true(out[0].target_kb + out[1].target_kb + out[2].target_kb <=
			    1000 * MIB - 300 * MIB + cycle.resv_held_kb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_over_reports),
		cmocka_unit_test(test_slow_climb),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_own_rate),
		cmocka_unit_test(test_quorum_keeps_room),
		cmocka_unit_test(test_lone_jump_yields),
		cmocka_unit_test(test_habit_is_no_quorum),
		cmocka_unit_test(test_calm_spike_among_noisy),
		cmocka_unit_test(test_jumper_keeps_none),
		cmocka_unit_test(test_yield_leaves_room),
		cmocka_unit_test(test_reservation_keeps_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
