/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Abundant mode under need = estimate (design.md §A step ahead and the
 * boot grace): a growing domain is written min_change above its goal W_i
 * + g_i, a target less than min_change above the goal is kept, and a
 * guest that started while the arbiter ran keeps what it holds for its
 * grace while the host is abundant.
 */
#include "test_policy_util.h"

static struct policy_params params;

static int setup(void **state)
{
	policy_params_default(&params);   /* min_change 16 MiB, settle_min 1 MiB */
	params.reserve_kb = 0;
	return 0;
}

static void one(struct policy_dom *d, struct policy_decision *o)
{
	struct policy_cycle cycle;

	run_cycle(&params, 8 * GIB, d, 1, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
}

/* Growth lands min_change above the goal (320 MiB): 336 MiB, written. */
static void test_grows_a_step_ahead(void **state)
{
	struct policy_dom d = est_dom(1, 300 * MIB, 256 * MIB);
	struct policy_decision o;

	one(&d, &o);
	assert_int_equal(o.goal_kb, 320 * MIB);
	assert_int_equal(o.target_kb, 336 * MIB);
	assert_true(o.has_write);
	assert_int_equal(o.write_kb, 336 * MIB);
}

/* Less than min_change above the goal: kept, nothing written (the old
 * rule settled onto the goal, a 10 MiB write). */
static void test_keeps_within_the_band(void **state)
{
	struct policy_dom d = est_dom(1, 330 * MIB, 256 * MIB);
	struct policy_decision o;

	one(&d, &o);
	assert_int_equal(o.target_kb, 330 * MIB);
	assert_false(o.has_write);
}

/* Below the reserve (F_h < 0, still abundant: the guest holds 20 MiB
 * more than its goal and the host lacks 10) there is no band: the
 * target walks to the goal (a min_change step, 340 -> 324 MiB) and the
 * decrease is written (test_faults' intruder stayed below the reserve
 * for good with the band kept). */
static void test_no_band_below_the_reserve(void **state)
{
	struct policy_dom d = est_dom(1, 340 * MIB, 256 * MIB);
	struct policy_decision o;
	struct policy_cycle cycle;

	run_cycle(&params, -10 * (int64_t)MIB, &d, 1, &o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o.target_kb, 324 * MIB);
	assert_true(o.has_write);
	assert_int_equal(o.write_kb, 324 * MIB);
}

/* Below the reserve, but walking every target to its aim (min_change
 * above its goal) gives the host back what it lacks: only what is above
 * the aims is taken, so each guest keeps its step ahead (a jump of g_i +
 * min_change beyond its free swap does not kill it: working-set's batch,
 * 64 -> 400 MiB). Goals 320 MiB, aims 336; the host lacks 10 MiB, the
 * aims give back 4 + 14. Without the rule both walked to the goal (324
 * and 334 MiB). When the aims cannot cover it (the host lacks 30) they
 * walk to the goal as before. */
static void test_below_the_reserve_walks_to_the_aim(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 340 * MIB, 256 * MIB),
				   est_dom(2, 350 * MIB, 256 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	run_cycle(&params, -10 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(o[i].goal_kb, 320 * MIB);
		assert_int_equal(o[i].target_kb, 336 * MIB);
		assert_true(o[i].has_write);
		assert_int_equal(o[i].write_kb, 336 * MIB);
	}

	/* A guest already at its aim is not walked further. */
	d[0].target_kb = d[0].actual_kb = 336 * MIB;
	run_cycle(&params, -10 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 336 * MIB);
	assert_false(o[0].has_write);
	assert_int_equal(o[1].target_kb, 336 * MIB);

	/* The aims give back 14 MiB, the host lacks 30: to the goals. */
	d[0].target_kb = d[0].actual_kb = 340 * MIB;
	run_cycle(&params, -30 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].target_kb, 324 * MIB);
	assert_int_equal(o[1].target_kb, 334 * MIB);

	/* A decrease still in flight counts as memory coming back: the
	 * second guest was told 336 MiB and still holds 350. */
	d[1].target_kb = 336 * MIB;
	run_cycle(&params, -10 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(o[0].target_kb, 336 * MIB);
	assert_int_equal(o[1].target_kb, 336 * MIB);
}

/* Farther above: the walk down in eighths is unchanged. */
static void test_walks_down_beyond_the_band(void **state)
{
	struct policy_dom d = est_dom(1, 500 * MIB, 256 * MIB);
	struct policy_decision o;

	one(&d, &o);
	assert_true(o.has_write);
	assert_true(o.write_kb < 500 * MIB);
	assert_true(o.write_kb >= 320 * MIB);
	assert_true(500 * MIB - o.write_kb >= params.min_change_kb);
}

/* Growth waits on a decrease (design.md §A step ahead and the boot
 * grace, "A decrease that funds growth"): the host is abundant (F_U
 * 200 MiB >= sum(goal - N) = -180 + 208) but the pool does not cover the
 * grower's aim (480 - 256 = 224 MiB). The donor, 500 MiB for a goal of
 * 320, goes to its aim (336) in one write instead of an eighth of the
 * way (479.5 MiB), which funded one more grant per cycle (margin-steps:
 * 46 writes against paper's 24). With a pool that covers the aim, the
 * walk in eighths is unchanged. */
static void test_decrease_that_funds_growth_is_one_write(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 500 * MIB, 256 * MIB),
				   est_dom(2, 256 * MIB, 400 * MIB) };
	struct policy_decision o[2];
	struct policy_cycle cycle;

	run_cycle(&params, 200 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 320 * MIB);
	assert_int_equal(o[0].target_kb, 336 * MIB);
	assert_true(o[0].has_write);
	assert_int_equal(o[0].write_kb, 336 * MIB);
	assert_true(o[1].has_write);
	assert_true(o[1].write_kb > 256 * MIB);

	run_cycle(&params, 300 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_true(o[0].target_kb > 400 * MIB);
	assert_true(o[0].target_kb < 500 * MIB);
	assert_int_equal(o[1].target_kb, 480 * MIB);
}

/* band_fixed_gap (step.c, session 26's learnw26): under headroom =
 * learned, gaps of 32 MiB (headroom 64). The donor holds 500 MiB for a
 * goal of 288 (aim 304); the grower holds 256 for a goal of 432 (aim
 * 448), 480 as the fixed gap would have it; 200 MiB free. With the
 * learned aims the pool covers the growth (448 - 256 = 192), so the
 * donor walks down in eighths, a write a cycle (recur-stop's r2: 11
 * writes where fixed made 1); with the key the test reads the aims
 * with H (480 - 256 = 224 > 200), and the donor goes to its aim in one
 * write, as under fixed. The goals and the grant are the learned ones
 * either way; under headroom = fixed the key changes nothing. */
static void test_learned_band_reads_the_fixed_gap(void **state)
{
	struct policy_dom d[2] = { est_dom(1, 500 * MIB, 256 * MIB),
				   est_dom(2, 256 * MIB, 400 * MIB) };
	struct policy_decision o[2], f[2];
	struct policy_cycle cycle;

	params.headroom = POLICY_HEADROOM_LEARNED;
	params.band_fixed_gap = false;
	d[0].gap_kb = d[1].gap_kb = 32 * MIB;
	run_cycle(&params, 200 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 288 * MIB);
	assert_int_equal(o[1].goal_kb, 432 * MIB);
	assert_true(o[0].has_write);
	assert_true(o[0].write_kb > 400 * MIB);   /* the walk in eighths */
	assert_true(o[0].write_kb < 500 * MIB);
	assert_int_equal(o[1].target_kb, 448 * MIB);

	params.band_fixed_gap = true;
	run_cycle(&params, 200 * (int64_t)MIB, d, 2, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_int_equal(o[0].goal_kb, 288 * MIB);
	assert_true(o[0].has_write);
	assert_int_equal(o[0].write_kb, 304 * MIB);
	assert_int_equal(o[1].goal_kb, 432 * MIB);
	assert_int_equal(o[1].target_kb, 448 * MIB);

	/* A pool that covers even the fixed aims: the walk, key or not. */
	run_cycle(&params, 240 * (int64_t)MIB, d, 2, o, &cycle);
	assert_true(o[0].write_kb > 400 * MIB);

	/* Under fixed the key reads g_i = H: the same decisions as without. */
	params.headroom = POLICY_HEADROOM_FIXED;
	d[0].gap_kb = d[1].gap_kb = 64 * MIB;
	run_cycle(&params, 200 * (int64_t)MIB, d, 2, o, &cycle);
	params.band_fixed_gap = false;
	run_cycle(&params, 200 * (int64_t)MIB, d, 2, f, &cycle);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(o[i].target_kb, f[i].target_kb);
		assert_int_equal(o[i].has_write, f[i].has_write);
	}
}

/* A host adopted short (design.md §A step ahead and the boot grace,
 * "Below the reserve"; liar-commit's first cycles): free memory 40 MiB
 * below the reserve, two donors each holding 500 MiB for a goal of 320
 * (aim 336), a guest holding 256 MiB that needs 464. Abundant (F_U -40
 * >= -360 + 208), but growth is granted out of free memory above the
 * reserve alone, so the grower waits on the donors: with
 * fund_below_reserve they go to their aims in one write
 * (the reserve and the grower's 208 MiB are then funded within a
 * balloon's travel), without it an eighth of the way a cycle (479.5
 * MiB: the grower swapped for three cycles). */
static void test_below_the_reserve_growth_is_funded_in_one_write(void **state)
{
	struct policy_dom d[3] = { est_dom(1, 500 * MIB, 256 * MIB),
				   est_dom(2, 500 * MIB, 256 * MIB),
				   est_dom(3, 256 * MIB, 400 * MIB) };
	struct policy_decision o[3];
	struct policy_cycle cycle;

	params.fund_below_reserve = false;
	run_cycle(&params, -40 * (int64_t)MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(o[i].goal_kb, 320 * MIB);
		assert_true(o[i].has_write);
		assert_true(o[i].write_kb > 400 * MIB);   /* the walk in eighths */
		assert_true(o[i].write_kb < 500 * MIB);
	}

	params.fund_below_reserve = true;
	run_cycle(&params, -40 * (int64_t)MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(o[i].has_write);
		assert_int_equal(o[i].write_kb, 336 * MIB);
	}
	/* Nothing is free above the reserve: no grant yet. */
	assert_false(o[2].has_write && o[2].write_kb > 256 * MIB);

	/* Nobody's need above what it holds (the third guest short of 48
	 * MiB of its gap: W 240 MiB in 256, goal 304, as unpark-trickle's
	 * first cycle): the donors walk in eighths as before. */
	d[2] = est_dom(3, 256 * MIB, 240 * MIB);
	run_cycle(&params, -40 * (int64_t)MIB, d, 3, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(o[i].write_kb > 400 * MIB);
		assert_true(o[i].write_kb < 500 * MIB);
	}
}

/* The same when the aims do not give the reserve back (three donors
 * 360 MiB for goals of 320: 72 MiB above the aims, the host lacks 80):
 * the end of the walk is the goal, reached in one write rather than by
 * min_change steps (344 MiB), while a guest whose need W is 20 MiB above
 * what it holds waits (no gap, so that the goals cover it: abundant). */
static void test_below_the_reserve_to_the_goal_in_one_write(void **state)
{
	struct policy_dom d[4] = { est_dom(1, 360 * MIB, 256 * MIB),
				   est_dom(2, 360 * MIB, 256 * MIB),
				   est_dom(3, 360 * MIB, 256 * MIB),
				   est_dom(4, 256 * MIB, 276 * MIB) };
	struct policy_decision o[4];
	struct policy_cycle cycle;

	d[3].gap_kb = 0;
	params.fund_below_reserve = false;

	run_cycle(&params, -80 * (int64_t)MIB, d, 4, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(o[i].write_kb, 344 * MIB);

	params.fund_below_reserve = true;
	run_cycle(&params, -80 * (int64_t)MIB, d, 4, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 3; i++) {
		assert_true(o[i].has_write);
		assert_int_equal(o[i].write_kb, 320 * MIB);
	}
}

/* A guest that pages waits on the band's keep (design.md §A step ahead
 * and the boot grace, "A guest that pages"; boot-overcommit's i2 at
 * 315 s): nothing free above the reserve, five donors each 24 MiB above
 * its goal of 320 (within the 2 min_change kept), a guest whose W (330
 * MiB) is above the 300 it holds. Abundant (F_U 0 >= 5 x -24 + 94), and
 * the grower's aim takes more than is free (FUND), but the keep held
 * every donor, so nothing moved. With fund_to_goal the four donors whose
 * free swap (200 MiB) holds their gap and keep (64 + 24) give back what
 * the pager lacks, 30 MiB, 7.5 of each one's 24 (336.5 MiB, one write
 * each); the swapless fifth keeps its keep, which carries its next jump
 * (growing-adopted's s2); a pager that lacks more than they hold above
 * their goals takes them to their goals; a guest short of its gap only
 * (W 290 in 300) does not fire it. */
static void test_a_guest_that_pages_takes_the_keep(void **state)
{
	struct policy_dom d[6];
	struct policy_decision o[6];
	struct policy_cycle cycle;
	uint64_t back = 0;

	for (unsigned i = 0; i < 4; i++)
		d[i] = est_swap_dom(i + 1, 344 * MIB, 256 * MIB);
	d[4] = est_dom(5, 344 * MIB, 256 * MIB);
	d[5] = est_dom(6, 300 * MIB, 330 * MIB);

	params.fund_to_goal = false;
	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(o[i].goal_kb, 320 * MIB);
		assert_false(o[i].has_write);
		assert_int_equal(o[i].target_kb, 344 * MIB);
	}

	params.fund_to_goal = true;
	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(o[i].has_write);
		assert_int_equal(o[i].write_kb, 344 * MIB - 7680);
		back += 344 * MIB - o[i].write_kb;
	}
	assert_int_equal(back, 30 * MIB);
	assert_false(o[4].has_write);
	assert_int_equal(o[4].target_kb, 344 * MIB);
	/* Nothing is free yet: the pager is granted once it comes back. */
	assert_false(o[5].has_write && o[5].write_kb > 300 * MIB);

	/* It lacks 200 MiB (W 500), and the host stays abundant only while
	 * the goals cover it, so give them the room (free above the
	 * reserve, the aim 516 beyond it). With 110 MiB free the keeps
	 * (4 x 24) cover the 90 left: each donor with swap gives 22.5.
	 * With 100 free they cannot cover the 100 left: taking every keep
	 * would leave it paging, the rest is the scarce solver's cut once
	 * the goals pass what is free, and no donor is written (they were
	 * all taken to their goals: swapkind-wave). */
	d[5] = est_dom(6, 300 * MIB, 500 * MIB);
	d[5].gap_kb = 0;
	run_cycle(&params, 110 * (int64_t)MIB, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(o[i].has_write);
		assert_int_equal(o[i].write_kb, 344 * MIB - 23040);
	}
	assert_false(o[4].has_write);
	run_cycle(&params, 100 * (int64_t)MIB, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);

	/* Short of its gap only: the keep holds, as without the key. */
	d[5] = est_dom(6, 300 * MIB, 290 * MIB);
	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);
}

/* fund_to_goal and a swapless guest's OOM margin (64 MiB: its gap, no
 * swap): counted as lack only once its climb has eaten it, i.e. it holds
 * less than min_change above W_i. Holding 30 MiB above W (the margin
 * not eaten) it waits and the donors keep what they hold; holding 10
 * MiB above W while it climbs, the donors with swap give back their
 * share of its margin, except one in its adoption grace; the same
 * guest no longer climbing (its margin is not need now) does not fire
 * the rule. */
static void test_a_margin_eaten_takes_the_keep(void **state)
{
	struct policy_dom d[6];
	struct policy_decision o[6];
	struct policy_cycle cycle;
	uint64_t back = 0;

	for (unsigned i = 0; i < 4; i++)
		d[i] = est_swap_dom(i + 1, 344 * MIB, 256 * MIB);
	d[4] = est_dom(5, 344 * MIB, 256 * MIB);
	d[5] = est_dom(6, 320 * MIB, 290 * MIB);
	d[5].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING;
	params.fund_to_goal = true;

	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);

	d[5].target_kb = d[5].actual_kb = 300 * MIB;
	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(o[i].has_write);
		assert_true(o[i].write_kb < 344 * MIB);
		assert_true(o[i].write_kb >= 320 * MIB);
		back += 344 * MIB - o[i].write_kb;
	}
	/* Its lack: W + the margin (354 MiB) less the 300 it holds. */
	assert_true(back >= 54 * MIB);
	assert_true(back < 54 * MIB + 4 * 4);
	assert_false(o[4].has_write);

	/* A donor in its adoption grace keeps: its goal rests on a young
	 * estimate; the three others give. */
	d[0].flags |= POLICY_IN_GRACE;
	run_cycle(&params, 0, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_false(o[0].has_write && o[0].write_kb < 344 * MIB);
	for (unsigned i = 1; i < 4; i++) {
		assert_true(o[i].has_write);
		assert_true(o[i].write_kb < 344 * MIB);
	}
	d[0].flags &= ~POLICY_IN_GRACE;

	d[5].flags &= ~POLICY_IN_CLIMBING;
	run_cycle(&params, 0, d, 6, o, &cycle);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);

	/* Without the key nothing moves either. */
	d[5].flags |= POLICY_IN_CLIMBING;
	params.fund_to_goal = false;
	run_cycle(&params, 0, d, 6, o, &cycle);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);
}

/* fund_to_goal takes from the donors only what the free memory above the
 * reserve leaves of the pagers' lack: the grants come out of it first
 * (cron-rare: donors written to their goals a second before their own
 * jump while the host had the restarted guests' lack free). The pager
 * lacks 30 MiB: 30 free, no donor is written; 14 free, the four donors
 * with swap give the other 16. */
static void test_free_memory_pays_the_pager_first(void **state)
{
	struct policy_dom d[6];
	struct policy_decision o[6];
	struct policy_cycle cycle;
	uint64_t back = 0;

	for (unsigned i = 0; i < 4; i++)
		d[i] = est_swap_dom(i + 1, 344 * MIB, 256 * MIB);
	d[4] = est_dom(5, 344 * MIB, 256 * MIB);
	d[5] = est_dom(6, 300 * MIB, 330 * MIB);
	params.fund_to_goal = true;

	run_cycle(&params, 30 * (int64_t)MIB, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write && o[i].write_kb < 344 * MIB);

	run_cycle(&params, 14 * (int64_t)MIB, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(o[i].has_write);
		back += 344 * MIB - o[i].write_kb;
	}
	/* Each share rounded up to a page. */
	assert_true(back >= 16 * MIB && back <= 16 * MIB + 4 * POLICY_PAGE_KB);
	assert_false(o[4].has_write);
}

/* fund_to_goal takes a keep only for the lack that the cycle's other
 * moves leave, and only a lack worth a write. A swapless domain 80 MiB
 * above its goal (beyond its band) goes to its aim, 64 MiB back, more
 * than the pager's 30: the four donors within their band keep (their
 * shares were writes of 7.5 MiB; maxmem-cap's learned gap: a donor
 * written 5 MiB down beside a move of 125). The same domain booted
 * while the arbiter ran is held by its boot grace: its move is not
 * counted and the donors give the 30. Without it, with 20 MiB free,
 * the 10 left is under min_change: no donor is written. */
static void test_fund_leaves_what_the_moves_cover(void **state)
{
	struct policy_dom d[7];
	struct policy_decision o[7];
	struct policy_cycle cycle;
	uint64_t back = 0;

	for (unsigned i = 0; i < 4; i++)
		d[i] = est_swap_dom(i + 1, 344 * MIB, 256 * MIB);
	d[4] = est_dom(5, 344 * MIB, 256 * MIB);
	d[5] = est_dom(6, 300 * MIB, 330 * MIB);
	d[6] = est_dom(7, 400 * MIB, 256 * MIB);
	params.fund_to_goal = true;

	run_cycle(&params, 0, d, 7, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write);
	assert_true(o[6].has_write);
	assert_int_equal(o[6].write_kb, 336 * MIB);

	d[6].flags |= POLICY_IN_BOOTED;
	run_cycle(&params, 0, d, 7, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	assert_false(o[6].has_write);
	assert_int_equal(o[6].target_kb, 400 * MIB);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(o[i].has_write);
		back += 344 * MIB - o[i].write_kb;
	}
	assert_int_equal(back, 30 * MIB);
	assert_false(o[4].has_write);

	run_cycle(&params, 20 * (int64_t)MIB, d, 6, o, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_ABUNDANT);
	for (unsigned i = 0; i < 5; i++)
		assert_false(o[i].has_write && o[i].write_kb < 344 * MIB);
}

/* A ramp of 4 MiB a cycle for 60 cycles: one write per min_change of
 * growth at most (the old rule wrote every cycle), and the target never
 * below the goal. */
static void test_ramp_written_once_per_min_change(void **state)
{
	struct policy_dom d = est_dom(1, 320 * MIB, 256 * MIB);
	unsigned writes = 0;

	for (unsigned c = 0; c < 60; c++) {
		struct policy_decision o;

		d.ws_kb = d.committed_as_kb = (256 + 4 * c) * MIB;
		one(&d, &o);
		assert_true(o.target_kb >= o.goal_kb);
		if (o.has_write) {
			writes++;
			d.target_kb = d.actual_kb = o.write_kb;
		}
		assert_true(d.target_kb >= o.goal_kb);
	}
	assert_true(writes <= 60 * 4 / 16 + 1);
	assert_true(writes >= 60 * 4 / 32);
}

/* A steady guest whose estimate jitters by up to 2 MiB either way is
 * written once at most in 100 cycles. */
static void test_jitter_not_written(void **state)
{
	struct policy_dom d = est_dom(1, 320 * MIB, 256 * MIB);
	struct rng r = { 42 };
	unsigned writes = 0;

	for (unsigned c = 0; c < 100; c++) {
		struct policy_decision o;

		d.ws_kb = d.committed_as_kb = 254 * MIB + rng_range(&r, 0, 4 * MIB);
		one(&d, &o);
		if (o.has_write) {
			writes++;
			d.target_kb = d.actual_kb = o.write_kb;
		}
	}
	assert_true(writes <= 1);
}

/* Near static-max the step ahead stops at H_i, and that is written
 * though it is less than min_change away. */
static void test_step_ahead_stops_at_max(void **state)
{
	struct policy_dom d = est_dom(1, 2 * GIB - 72 * MIB, 2 * GIB - 72 * MIB);
	struct policy_decision o;

	d.ws_kb = d.committed_as_kb = 2 * GIB - 70 * MIB;  /* goal: H - 6 MiB */
	one(&d, &o);
	assert_int_equal(o.target_kb, 2 * GIB);
	assert_true(o.has_write);
	assert_int_equal(o.write_kb, 2 * GIB);
}

/* A domain without an estimate keeps today's self-adjustment: it lands
 * on its goal C_i + headroom. */
static void test_without_estimate_unchanged(void **state)
{
	struct policy_dom d = dom_u(1, 300 * MIB, 0, 256 * MIB, 0, 2 * GIB);
	struct policy_decision o;

	one(&d, &o);
	assert_int_equal(o.goal_kb, 256 * MIB + params.headroom_kb);
	assert_int_equal(o.target_kb, o.goal_kb);
}

/* A guest that started while the arbiter ran keeps what it holds during
 * its grace while the host is abundant; adopted at the arbiter's start
 * (grace alone) it shrinks toward max(W, C + O) + g; in scarce mode the
 * boot grace does not hold it. */
static void test_boot_grace(void **state)
{
	struct policy_dom d = est_dom(1, 768 * MIB, 100 * MIB);
	struct policy_decision o;

	d.flags |= POLICY_IN_GRACE | POLICY_IN_BOOTED;
	one(&d, &o);
	assert_int_equal(o.target_kb, 768 * MIB);
	assert_false(o.has_write);
	assert_true(o.reasons & POLICY_R_ADOPT);

	d.flags &= ~(uint32_t)POLICY_IN_BOOTED;
	one(&d, &o);
	assert_true(o.target_kb < 768 * MIB);

	/* Abundant, but what it would give back is more than is free once
	 * every guest has its goal: the second guest's growth (goal 1064
	 * MiB, it holds 512) leaves 300 + 604 - 552 = 352 MiB < 604 MiB. */
	struct policy_dom pair[2] = { est_dom(1, 768 * MIB, 100 * MIB),
				      est_dom(2, 512 * MIB, 1000 * MIB) };
	struct policy_decision po[2];
	struct policy_cycle pc;

	pair[0].flags |= POLICY_IN_GRACE | POLICY_IN_BOOTED;
	run_cycle(&params, 300 * MIB, pair, 2, po, &pc);
	assert_int_equal(pc.mode, POLICY_MODE_ABUNDANT);
	assert_true(po[0].target_kb < 768 * MIB);
	assert_false(po[0].reasons & POLICY_R_ADOPT);
	/* with 700 MiB free, 752 MiB are spare: it keeps what it holds */
	run_cycle(&params, 700 * MIB, pair, 2, po, &pc);
	assert_int_equal(po[0].target_kb, 768 * MIB);

	/* Scarce: a second guest needs more than the host has free. */
	struct policy_dom two[2] = { est_dom(1, 768 * MIB, 100 * MIB),
				     est_dom(2, 512 * MIB, 1500 * MIB) };
	struct policy_decision out[2];
	struct policy_cycle cycle;

	two[0].flags |= POLICY_IN_GRACE | POLICY_IN_BOOTED;
	run_cycle(&params, 64 * MIB, two, 2, out, &cycle);
	assert_int_equal(cycle.mode, POLICY_MODE_SCARCE);
	assert_true(out[0].target_kb < 768 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grows_a_step_ahead, setup),
		cmocka_unit_test_setup(test_keeps_within_the_band, setup),
		cmocka_unit_test_setup(test_walks_down_beyond_the_band, setup),
		cmocka_unit_test_setup(test_no_band_below_the_reserve, setup),
		cmocka_unit_test_setup(test_below_the_reserve_walks_to_the_aim, setup),
		cmocka_unit_test_setup(test_decrease_that_funds_growth_is_one_write, setup),
		cmocka_unit_test_setup(test_learned_band_reads_the_fixed_gap, setup),
		cmocka_unit_test_setup(test_below_the_reserve_growth_is_funded_in_one_write, setup),
		cmocka_unit_test_setup(test_below_the_reserve_to_the_goal_in_one_write, setup),
		cmocka_unit_test_setup(test_a_guest_that_pages_takes_the_keep, setup),
		cmocka_unit_test_setup(test_a_margin_eaten_takes_the_keep, setup),
		cmocka_unit_test_setup(test_free_memory_pays_the_pager_first, setup),
		cmocka_unit_test_setup(test_fund_leaves_what_the_moves_cover, setup),
		cmocka_unit_test_setup(test_ramp_written_once_per_min_change, setup),
		cmocka_unit_test_setup(test_jitter_not_written, setup),
		cmocka_unit_test_setup(test_step_ahead_stops_at_max, setup),
		cmocka_unit_test_setup(test_without_estimate_unchanged, setup),
		cmocka_unit_test_setup(test_boot_grace, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
