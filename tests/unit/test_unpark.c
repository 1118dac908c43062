/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * No parked memory (design.md §No parked memory): under need = estimate,
 * increases the write threshold held back are written while the pool
 * allows, starving domains first; decreases below the threshold only
 * when they fund a starving domain; never a move below settle_min_kb.
 * Hand cases build decisions directly, as test_apply.c does.
 */
#include "fixture_snapshot.h"

#define N 8

/* Domain i holds and was given `held`, needs ws (W_i), and the policy
 * wants `target` (scarce mode), short of its goal W_i + g_i (so the
 * target is no walk's end: the threshold applies). */
static void want(size_t i, uint64_t held, uint64_t ws, uint64_t target)
{
	want_scarce(i, held, ws, target,
		    ws + 64 * MIB == target ? target + 4 : ws + 64 * MIB);
	dom[i].gap_kb = 64 * MIB;
}

/* Nothing written: every one of the n domains held by the threshold. */
static void assert_all_parked(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_false(out[i].has_write);
		assert_true(out[i].reasons & POLICY_R_THRESHOLD);
	}
}

static uint64_t growth(size_t n)
{
	uint64_t g = 0;

	for (size_t i = 0; i < n; i++)
		if (out[i].has_write && out[i].write_kb > dom[i].actual_kb)
			g += out[i].write_kb - dom[i].actual_kb;
	return g;
}

/*
 * The held-out shape: 8 guests each 10 MiB short of their allocation,
 * 53 MiB free above the reserve. Today nothing is written (every move is
 * below min_change); under need = estimate the largest deficits are
 * served first while at least min_change is left: 10+10+10+10 = 40 MiB,
 * then 13 MiB < 16 MiB is left and the rest waits.
 */
static void test_parked_memory_written(void **state)
{
	for (size_t i = 0; i < N; i++)
		want(i, 300 * MIB, 290 * MIB, 300 * MIB + (10 + (i == 3)) * MIB);
	apply(N, 53 * MIB);
	size_t written = 0;

	for (size_t i = 0; i < N; i++)
		if (out[i].has_write) {
			written++;
			assert_true(out[i].reasons & POLICY_R_UNPARK);
			assert_false(out[i].reasons & POLICY_R_THRESHOLD);
		}
	assert_int_equal(written, 4);
	assert_true(out[3].has_write);               /* the largest deficit */
	assert_int_equal(out[3].write_kb, 311 * MIB);
	assert_true(growth(N) <= 53 * MIB);
	assert_true(53 * MIB - growth(N) < params.min_change_kb);

	/* need = committed: today's rule, nothing written. */
	fixture_setup(state);
	params.need = POLICY_NEED_COMMITTED;
	for (size_t i = 0; i < N; i++)
		want(i, 300 * MIB, 290 * MIB, 310 * MIB);
	apply(N, 53 * MIB);
	assert_all_parked(N);
}

/* A starving guest (W_i above what it holds) is served with less than
 * min_change free; a guest merely below its gap is not. */
static void test_starving_first(void **state)
{
	want(0, 300 * MIB, 310 * MIB, 310 * MIB);   /* starving: W > N */
	want(1, 300 * MIB, 250 * MIB, 312 * MIB);   /* only its gap */
	apply(2, 12 * MIB);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 310 * MIB);
	assert_false(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_THRESHOLD);
}

/* With no free memory, the sub-threshold decreases of others are written
 * to fund a starving guest, largest first and only as many as needed;
 * without a starving guest they stay unwritten. */
static void test_decreases_fund_starving(void **state)
{
	want(0, 300 * MIB, 315 * MIB, 310 * MIB);   /* starving by 10 MiB */
	want(1, 400 * MIB, 200 * MIB, 392 * MIB);   /* could give 8 */
	want(2, 400 * MIB, 200 * MIB, 388 * MIB);   /* could give 12 */
	want(3, 400 * MIB, 200 * MIB, 396 * MIB);   /* could give 4 */
	apply(4, 0);
	assert_false(out[0].has_write);             /* nothing free yet */
	assert_true(out[2].has_write);              /* 12 >= 10: enough */
	assert_int_equal(out[2].write_kb, 388 * MIB);
	assert_false(out[1].has_write);
	assert_false(out[3].has_write);

	fixture_setup(state);
	want(0, 300 * MIB, 250 * MIB, 310 * MIB);   /* short of its gap only */
	want(1, 400 * MIB, 200 * MIB, 388 * MIB);
	apply(2, 0);
	assert_false(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_THRESHOLD);
}

/* Steady state: a move below settle_min_kb is never written, however
 * much is free; growth in flight is not promised twice. */
static void test_steady_and_in_flight(void **state)
{
	want(0, 300 * MIB, 400 * MIB, 300 * MIB + 512);   /* jitter, starving */
	want(1, 300 * MIB, 200 * MIB, 300 * MIB - 512);
	apply(2, 1 * GIB);
	assert_false(out[0].has_write);
	assert_false(out[1].has_write);

	fixture_setup(state);
	want(0, 300 * MIB, 300 * MIB, 340 * MIB);   /* below its gap only */
	dom[0].target_kb = 330 * MIB;               /* 30 MiB in flight */
	want(1, 300 * MIB, 350 * MIB, 310 * MIB);   /* starving by 10 */
	apply(2, 36 * MIB);
	/* pool 36 - 30 in flight = 6 MiB: domain 1 gets 6 of its 10 */
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 306 * MIB);
	assert_true(out[1].reasons & POLICY_R_GRANT);
	assert_false(out[0].has_write);
}

/* By default (unpark_ramp_batch_kb = 4 MiB): a
 * guest that ramps (POLICY_IN_RAMP) and whose swap holds its lack waits
 * until it lacks 4 MiB itself: grace-starve's starving guest (3 MiB/s)
 * and swapless-ramp's g3 were funded by two donors' decreases of 1-3 MiB
 * and their own increase in every cycle. A jump (growing, no pace: not a
 * ramp) or a level is funded at once, and so is a ramp whose swap cannot
 * hold its lack; a ramp given part of its gap waits like one held at its
 * need (session 12). */
static void test_ramp_lack_batched(void **state)
{
	assert_int_equal(params.unpark_ramp_batch_kb, 4 * MIB);
	want(0, 300 * MIB, 303 * MIB, 303 * MIB);   /* starving by 3 MiB */
	dom[0].swap_tot_kb = dom[0].swap_free_kb = 256 * MIB;
	dom[0].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING | POLICY_IN_RAMP;
	want(1, 400 * MIB, 200 * MIB, 398 * MIB);   /* could give 2 */
	want(2, 400 * MIB, 200 * MIB, 397 * MIB);   /* could give 3 */
	apply(3, 0);
	assert_all_parked(3);

	/* A jump: growing and climbing, its pace unknown: at once. */
	dom[0].flags &= ~(uint32_t)POLICY_IN_RAMP;
	apply(3, 0);
	assert_true(out[2].has_write);
	assert_true(out[2].reasons & POLICY_R_UNPARK);
	assert_false(out[1].has_write);             /* 3 covers 3 */
	dom[0].flags |= POLICY_IN_RAMP;

	/* Given part of its gap (more than W_i): still a ramp short of
	 * W_i that will be short again at its next sample; it waits. */
	out[0].target_kb = 303 * MIB + 512;
	apply(3, 0);
	assert_false(out[2].has_write);
	assert_false(out[1].has_write);
	out[0].target_kb = 303 * MIB;

	/* Swap that cannot hold the 3 MiB: an OOM kill in waiting; nor
	 * the 3 MiB and the batch (6 < 3 + 4): the memory comes a cycle
	 * after, when the lack has grown. */
	dom[0].swap_free_kb = 2 * MIB;
	apply(3, 0);
	assert_true(out[2].has_write);
	dom[0].swap_free_kb = 6 * MIB;
	apply(3, 0);
	assert_true(out[2].has_write);
	dom[0].swap_free_kb = 7 * MIB;
	apply(3, 0);
	assert_false(out[2].has_write);
	dom[0].swap_free_kb = 256 * MIB;

	/* unpark_ramp_batch_kb = 0: at once, as before the key. */
	params.unpark_ramp_batch_kb = 0;
	apply(3, 0);
	assert_true(out[2].has_write);
	params.unpark_ramp_batch_kb = 4 * MIB;

	/* The lack reaches 4 MiB (W_i rose again): both donors, largest
	 * first, and nothing more than it lacks. */
	dom[0].ws_kb = 304 * MIB;
	out[0].target_kb = 304 * MIB;
	apply(3, 0);
	assert_true(out[2].has_write);
	assert_int_equal(out[2].write_kb, 397 * MIB);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 398 * MIB);

	/* Two ramps 3 MiB short each: the batch is each ramp's own, so
	 * 6 MiB together is not funded (several ramps sharing donors were
	 * each written at every sample: ramp-batch, diurnal-fleet). */
	fixture_setup(state);
	for (size_t i = 0; i < 2; i++) {
		want(i, 300 * MIB, 303 * MIB, 303 * MIB);
		dom[i].swap_tot_kb = dom[i].swap_free_kb = 256 * MIB;
		dom[i].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING | POLICY_IN_RAMP;
	}
	want(2, 400 * MIB, 200 * MIB, 397 * MIB);   /* could give 3 */
	want(3, 400 * MIB, 200 * MIB, 398 * MIB);   /* could give 2 */
	apply(4, 0);
	for (size_t i = 0; i < 4; i++)
		assert_false(out[i].has_write);

	/* A jump 2 MiB short beside them cannot wait: the donors fund its
	 * lack alone (the largest, 3 MiB, covers it), not the ramps'. */
	want(4, 300 * MIB, 302 * MIB, 302 * MIB);
	dom[4].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING;
	apply(5, 0);
	assert_true(out[2].has_write);
	assert_false(out[3].has_write);

	/* One ramp now lacks 4 MiB itself: its lack and the jump's, 6 MiB,
	 * take both donors; the other ramp's 3 MiB still waits. */
	dom[0].ws_kb = 304 * MIB;
	out[0].target_kb = 304 * MIB;
	apply(5, 0);
	assert_true(out[2].has_write);
	assert_true(out[3].has_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parked_memory_written, fixture_setup),
		cmocka_unit_test_setup(test_starving_first, fixture_setup),
		cmocka_unit_test_setup(test_decreases_fund_starving, fixture_setup),
		cmocka_unit_test_setup(test_ramp_lack_batched, fixture_setup),
		cmocka_unit_test_setup(test_steady_and_in_flight, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
