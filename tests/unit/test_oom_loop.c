/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scarce mode under need = estimate: a swapless guest in a crash loop
 * (POLICY_IN_OOM_LOOP: killed again soon after its last kill) has its
 * OOM-raised minimum as need its swap cannot hold (tier 1) whole, or not
 * at all: the raise yields to tier 4 as for any killed swapless guest
 * (design.md §Growth is never cut, "A crash loop"). Memory short of the
 * raise saves nothing: the restarted job is killed again and its whole
 * demand is short. agent-jump's w2 under oom_restart_s = 10 was held at
 * its minimum and killed 42 times.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	params = need_params(false);
	return 0;
}

/* Killed and swapless: its minimum raised from 0 to raise; it holds
 * held and needs W_i = 100 MiB now (the restarted job not seen yet),
 * three quarters of what it holds available (the job's memory freed). */
static struct policy_dom killed(uint32_t domid, uint64_t held, uint64_t raise, bool loop)
{
	struct policy_dom d = est_dom(domid, held, 100 * MIB);

	d.min_kb = raise;
	d.oom_raise_kb = raise;
	d.flags |= POLICY_IN_OOM_MIN | POLICY_IN_AVAIL | (loop ? POLICY_IN_OOM_LOOP : 0);
	d.avail_kb = held / 4 * 3;
	return d;
}

/* The swapper of the cases: needs 460, with free swap beyond its gap
 * of spare_mib (its gap is 64). */
static struct policy_dom swapper(uint32_t domid, uint64_t held, uint64_t spare_mib)
{
	struct policy_dom d = est_swap_dom(domid, held, 460 * MIB);

	d.swap_free_kb = (spare_mib + 64) * MIB;
	d.swap_tot_kb = d.swap_free_kb;
	return d;
}

/* M = 688 (128 + 560 held). The looping guest's raise (400) and what
 * the swapper's swap cannot hold of its need (460 - 236 = 224) fit:
 * the loop keeps its 400, the swapper pages for it (288). Without the
 * loop, the raise is tier 4, after the swapper's need: 228. */
static void test_loop_kept_whole(void **state)
{
	struct policy_dom d[2] = { killed(1, 128 * MIB, 400 * MIB, true),
				   swapper(2, 560 * MIB, 236) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 400 * MIB);
	assert_in_range(o[1].target_kb, 288 * MIB - 4, 288 * MIB);

	d[0].flags &= ~POLICY_IN_OOM_LOOP;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 228 * MIB - 4, 228 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* Without room (less than half its RAM available: a job over the limit
 * still alive, its kills costing what it lacks), the loop changes
 * nothing: the case of test_loop_kept_whole, the raise after the
 * swapper's need. */
static void test_loop_without_room(void **state)
{
	struct policy_dom d[2] = { killed(1, 128 * MIB, 400 * MIB, true),
				   swapper(2, 560 * MIB, 236) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	d[0].avail_kb = 60 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 228 * MIB - 4, 228 * MIB);
	assert_int_equal(o[1].target_kb, 460 * MIB);
	d[0].avail_kb = 64 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 400 * MIB);
}

/* The swapper's swap holds less (136): 400 + 324 > 688. The raise is
 * not served in part (it would save nothing): the looping guest has
 * what a guest killed once has, the raise after the swapper's need. */
static void test_loop_not_in_part(void **state)
{
	struct policy_dom d[2] = { killed(1, 128 * MIB, 400 * MIB, true),
				   swapper(2, 560 * MIB, 136) };
	struct policy_decision o[2], once[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	d[0].flags &= ~POLICY_IN_OOM_LOOP;
	decide(&params, 0, d, 2, once, &cycle);
	assert_int_equal(o[0].target_kb, once[0].target_kb);
	assert_int_equal(o[1].target_kb, once[1].target_kb);
	assert_int_equal(o[1].target_kb, 460 * MIB);
}

/* Two loops, room for one raise (M = 688, both swapless: 300 + 400 +
 * nothing else > 688 with both, 300 + 100 with the smaller): the
 * smaller raise is kept whole, the larger comes in tier 4 with what is
 * left (388), not an equal share of the shortage for each. */
static void test_loops_smaller_first(void **state)
{
	struct policy_dom d[2] = { killed(1, 300 * MIB, 300 * MIB, true),
				   killed(2, 388 * MIB, 400 * MIB, true) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_int_equal(o[0].target_kb, 300 * MIB);
	assert_in_range(o[1].target_kb, 388 * MIB - 4, 388 * MIB);
}

/* A guest with swap is not the rule's: the flag changes nothing, with
 * its raise a floor (256 MiB of swap) or yielded (160: W_i + headroom +
 * swap + bump below the raise, its killed load gone). */
static void test_loop_with_swap_unchanged(void **state)
{
	struct policy_dom d[2] = { killed(1, 400 * MIB, 400 * MIB, true),
				   swapper(2, 288 * MIB, 136) };
	struct policy_decision o[2], once[2];
	struct policy_cycle cycle;

	for (uint64_t swap = 160 * MIB; swap <= 256 * MIB; swap += 96 * MIB) {
		d[0].swap_tot_kb = d[0].swap_free_kb = swap;
		d[0].flags |= POLICY_IN_OOM_LOOP;
		decide(&params, 0, d, 2, o, &cycle);
		d[0].flags &= ~POLICY_IN_OOM_LOOP;
		decide(&params, 0, d, 2, once, &cycle);
		if (swap == 256 * MIB)
			assert_int_equal(o[0].target_kb, 400 * MIB);
		else
			assert_true(o[0].target_kb < 400 * MIB);
		assert_int_equal(o[0].target_kb, once[0].target_kb);
		assert_int_equal(o[1].target_kb, once[1].target_kb);
	}
}

/*
 * The loop's room is not judged again while its raise is served
 * (oom_loop_held): cycle after cycle, each target written and taken at
 * once, the restarted job growing into a grant (MemAvailable stays) and
 * killed by a cut below what it holds (its memory freed: three quarters
 * available again). Judged every cycle, the grant read as an
 * over-limit guest whose job lives, the raise yielded (228), the cut
 * freed the room and the raise came back (400): a reversal every cycle
 * (session 25, rolling-peaks' w03). Returns the A -> B -> A reversals
 * of the looping guest's target over `cycles`.
 */
static unsigned loop_reversals(bool held, unsigned cycles)
{
	struct policy_dom d[2] = { killed(1, 128 * MIB, 400 * MIB, true),
				   swapper(2, 560 * MIB, 236) };
	struct policy_decision o[2];
	struct policy_cycle cycle;
	uint64_t t[16];
	unsigned n = 0;

	assert_true(cycles <= 16);
	params.oom_loop_held = held;
	for (unsigned c = 0; c < cycles; c++) {
		/* M stays 688 MiB: what page rounding left is free */
		decide(&params, (int64_t)(688 * MIB - d[0].actual_kb - d[1].actual_kb),
		       d, 2, o, &cycle);
		assert_true(o[0].target_kb + o[1].target_kb <= 688 * MIB);
		t[c] = o[0].target_kb;
		if (t[c] < d[0].actual_kb)
			d[0].avail_kb = t[c] / 4 * 3;
		for (unsigned i = 0; i < 2; i++)
			d[i].actual_kb = d[i].target_kb = o[i].target_kb;
		if (c >= 2 && t[c] == t[c - 2] && t[c] != t[c - 1])
			n++;
	}
	return n;
}

static void test_loop_served_no_flip_flop(void **state)
{
	assert_int_equal(loop_reversals(true, 8), 0);
	assert_true(loop_reversals(false, 8) >= 5);
}

/* Below half way from its need now to the raise (the last cycle did not
 * serve the raise) the room is judged as before: test_loop_without_room
 * at 248, below (100 + 400) / 2 = 250; at 252 the raise is kept. */
static void test_loop_held_only_when_served(void **state)
{
	struct policy_dom d[2] = { killed(1, 248 * MIB, 400 * MIB, true),
				   swapper(2, 440 * MIB, 236) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	params.oom_loop_held = true;
	d[0].avail_kb = 60 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_in_range(o[0].target_kb, 228 * MIB - 4, 228 * MIB);
	d[0].target_kb = 252 * MIB;     /* half way or more: kept */
	decide(&params, 0, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 400 * MIB);
}

/* Killed at the load it holds (need now 300, more than half the raise
 * of 400: not a kill that left it idle), holding 360 with little
 * available: the target it holds is half way to the raise, but that is
 * its load, not a grant of the raise: the room is judged as before and
 * the raise yields, as with the loop flag off (clamd-reload's swapless
 * guests: held so, 42 -> 65 kills). */
static void test_loop_not_held_at_its_load(void **state)
{
	struct policy_dom d[2] = { killed(1, 360 * MIB, 400 * MIB, true),
				   swapper(2, 328 * MIB, 236) };
	struct policy_decision o[2], once[2];
	struct policy_cycle cycle;

	params.oom_loop_held = true;
	d[0].ws_kb = d[0].committed_as_kb = 300 * MIB;
	d[0].avail_kb = 60 * MIB;
	decide(&params, 0, d, 2, o, &cycle);
	assert_true(o[0].target_kb < 400 * MIB);
	d[0].flags &= ~POLICY_IN_OOM_LOOP;
	decide(&params, 0, d, 2, once, &cycle);
	assert_int_equal(o[0].target_kb, once[0].target_kb);
	assert_int_equal(o[1].target_kb, once[1].target_kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_loop_kept_whole, setup),
		cmocka_unit_test_setup(test_loop_without_room, setup),
		cmocka_unit_test_setup(test_loop_not_in_part, setup),
		cmocka_unit_test_setup(test_loops_smaller_first, setup),
		cmocka_unit_test_setup(test_loop_with_swap_unchanged, setup),
		cmocka_unit_test_setup(test_loop_served_no_flip_flop, setup),
		cmocka_unit_test_setup(test_loop_held_only_when_served, setup),
		cmocka_unit_test_setup(test_loop_not_held_at_its_load, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
