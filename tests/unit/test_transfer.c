/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transfers in batches (transfer_batch_kb, off by default; design.md
 * §No parked memory, "Transfers in batches"): in scarce mode a donor's
 * decrease smaller than the batch that lands on its goal is held while
 * every starving domain's swap holds its lack and the batch, and
 * held-back decreases fund the starving domains once they lack the
 * batch; a starving domain swap cannot hold is funded at once.
 */
#include "fixture_snapshot.h"

#define N 4

/* d0: a pager that lacks 200 MiB, given 5 MiB more by the solver, with
 * `swap` MiB of free swap; d1: a donor whose need fell by 5 MiB, its
 * target on its goal. */
static void falling_donor(uint64_t swap)
{
	want_scarce(0, 500 * MIB, 700 * MIB, 505 * MIB, 764 * MIB);
	dom[0].swap_tot_kb = 512 * MIB;
	dom[0].swap_free_kb = swap * MIB;
	want_scarce(1, 400 * MIB, 395 * MIB, 395 * MIB, 395 * MIB);
}

static void test_off_by_default(void **state)
{
	assert_int_equal(params.transfer_batch_kb, 0);
	falling_donor(512);
	apply(2, 0);
	assert_true(out[1].has_write);          /* lands on its goal: written */
	assert_int_equal(out[1].write_kb, 395 * MIB);
}

static void test_small_cut_held_while_pager_can_wait(void **state)
{
	params.transfer_batch_kb = 16 * MIB;
	falling_donor(512);                     /* 200 + 16 <= 512 */
	apply(2, 0);
	assert_false(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_THRESHOLD);
	assert_false(out[0].has_write);         /* nothing free, nothing released */
	assert_true(out[0].reasons & POLICY_R_THRESHOLD);

	/* The need fell by the batch: one write. */
	want_scarce(1, 400 * MIB, 384 * MIB, 384 * MIB, 384 * MIB);
	out[0].target_kb = 516 * MIB;
	apply(2, 0);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 384 * MIB);
}

static void test_pager_that_cannot_wait(void **state)
{
	params.transfer_batch_kb = 16 * MIB;
	falling_donor(215);                     /* 200 + 16 > 215 */
	apply(2, 0);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 395 * MIB);

	/* Swapless: an OOM kill in waiting, funded at once. */
	falling_donor(0);
	dom[0].swap_tot_kb = 0;
	apply(2, 0);
	assert_true(out[1].has_write);

	/* Just enough swap: waits. */
	falling_donor(216);
	apply(2, 0);
	assert_false(out[1].has_write);
}

/* Only scarce mode's transfers wait: abundant mode's walk ends on its
 * goal as before, and below the reserve a decrease is memory the host
 * needs back. */
static void test_abundant_and_below_reserve(void **state)
{
	params.transfer_batch_kb = 16 * MIB;
	falling_donor(512);
	out[1].mode = POLICY_MODE_ABUNDANT;
	apply(2, 0);
	assert_true(out[1].has_write);

	falling_donor(512);
	apply(2, -2 * MIB);
	assert_true(out[1].has_write);
}

/* Rule 3 of unpark: held-back decreases fund a starving domain that can
 * wait once its held-back increase reaches the batch, not before. */
static void test_release_in_batches(void **state)
{
	params.transfer_batch_kb = 16 * MIB;
	want_scarce(0, 500 * MIB, 700 * MIB, 510 * MIB, 764 * MIB);  /* lacks 10 of the solver's */
	dom[0].swap_tot_kb = dom[0].swap_free_kb = 512 * MIB;
	want_scarce(1, 400 * MIB, 200 * MIB, 388 * MIB, 264 * MIB);  /* could give 12 */
	apply(2, 0);
	assert_false(out[1].has_write);

	/* Without the key: released at once (a level is funded at once). */
	params.transfer_batch_kb = 0;
	apply(2, 0);
	assert_true(out[1].has_write);
	assert_true(out[1].reasons & POLICY_R_UNPARK);

	/* Its held-back increase reaches the batch: released. */
	params.transfer_batch_kb = 16 * MIB;
	out[0].target_kb = 516 * MIB;
	apply(2, 0);
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 388 * MIB);

	/* A swapless starving guest: at once. */
	out[0].target_kb = 510 * MIB;
	dom[0].swap_tot_kb = dom[0].swap_free_kb = 0;
	apply(2, 0);
	assert_true(out[1].has_write);
}

/* Starving domains that wait for the transfer batch are counted
 * together: several guests each short of a few MiB are funded once they
 * lack the batch in all (parked-threshold's eight guests), not each
 * after a batch of its own. */
static void test_waiting_lacks_summed(void **state)
{
	params.transfer_batch_kb = 16 * MIB;
	for (size_t i = 0; i < 2; i++) {
		want_scarce(i, 300 * MIB, 400 * MIB, 307 * MIB, 464 * MIB);   /* 7 each */
		dom[i].swap_tot_kb = dom[i].swap_free_kb = 256 * MIB;
	}
	want_scarce(2, 500 * MIB, 200 * MIB, 485 * MIB, 264 * MIB);      /* could give 15 */
	apply(3, 0);
	assert_false(out[2].has_write);                            /* 14 < 16 */

	out[1].target_kb = 309 * MIB;                              /* 7 + 9 = 16 */
	apply(3, 0);
	assert_true(out[2].has_write);
	assert_int_equal(out[2].write_kb, 485 * MIB);
}

/* A ramp waits for the transfer batch too (its own, 4 MiB, without the
 * key): the memory comes in one pair of writes per batch; the cost is
 * its paging meanwhile (paper-mono-300: docs/evaluation.md, "Session 20:
 * writes (writes20)"). One whose swap cannot hold its lack: at once. */
static void test_ramp_waits_for_the_batch(void **state)
{
	want_scarce(0, 300 * MIB, 305 * MIB, 305 * MIB, 369 * MIB);      /* lacks 5 */
	dom[0].swap_tot_kb = dom[0].swap_free_kb = 256 * MIB;
	dom[0].flags |= POLICY_IN_GROWING | POLICY_IN_CLIMBING | POLICY_IN_RAMP;
	want_scarce(1, 500 * MIB, 200 * MIB, 494 * MIB, 264 * MIB);      /* could give 6 */
	apply(2, 0);
	assert_true(out[1].has_write);                            /* off: 5 >= 4 */
	assert_true(out[1].reasons & POLICY_R_UNPARK);

	params.transfer_batch_kb = 16 * MIB;
	apply(2, 0);
	assert_false(out[1].has_write);

	dom[0].swap_free_kb = 4 * MIB;                            /* 5 > 4 */
	apply(2, 0);
	assert_true(out[1].has_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_by_default, fixture_setup),
		cmocka_unit_test_setup(test_small_cut_held_while_pager_can_wait, fixture_setup),
		cmocka_unit_test_setup(test_pager_that_cannot_wait, fixture_setup),
		cmocka_unit_test_setup(test_abundant_and_below_reserve, fixture_setup),
		cmocka_unit_test_setup(test_release_in_batches, fixture_setup),
		cmocka_unit_test_setup(test_waiting_lacks_summed, fixture_setup),
		cmocka_unit_test_setup(test_ramp_waits_for_the_batch, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
