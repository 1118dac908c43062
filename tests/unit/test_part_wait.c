/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small part of a large lack waits (lack_part_wait, off by default;
 * design.md §No parked memory, "A small part of a large lack"): a
 * starving domain's increase smaller than min_change and than 1/N of its
 * lack is not written while its free swap holds its lack and
 * min_change; the memory stays free until the grant adds up. A donor's
 * decrease is never held; a swapless domain, one whose swap is zram or
 * of a kind its agent does not tell, one OOM-killed lately and one that
 * jumped lately are granted at once.
 */
#include "fixture_snapshot.h"

#define N 2

/* d0: a pager that holds 500 MiB and needs `ws`, the solver's target
 * its goal, with `swap` MiB of free swap; d1: a donor whose need fell
 * by 5 MiB, its target on its goal. */
static void pager(uint64_t ws, uint64_t swap)
{
	want_scarce(0, 500 * MIB, ws * MIB, (ws + 64) * MIB, (ws + 64) * MIB);
	dom[0].swap_tot_kb = 512 * MIB;
	dom[0].swap_free_kb = swap * MIB;
	dom[0].flags |= POLICY_IN_SWAP_KIND;    /* its agent says: on disk */
	want_scarce(1, 400 * MIB, 395 * MIB, 395 * MIB, 395 * MIB);
}

static void test_off_by_default(void **state)
{
	assert_int_equal(params.lack_part_wait, 0);
	pager(700, 512);
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);          /* the pool's 5 MiB, at once */
	assert_int_equal(out[0].write_kb, 505 * MIB);
	assert_true(out[1].has_write);
}

static void test_small_part_waits(void **state)
{
	params.lack_part_wait = 8;
	pager(700, 512);                        /* lacks 200: 5 * 8 < 200 */
	apply(N, 5 * MIB);
	assert_false(out[0].has_write);
	assert_true(out[0].reasons & POLICY_R_THRESHOLD);
	assert_false(out[0].reasons & POLICY_R_UNPARK);
	/* The donor's cut is written all the same: no donor waits. */
	assert_true(out[1].has_write);
	assert_int_equal(out[1].write_kb, 395 * MIB);

	/* The pool adds up to min_change: one write. */
	pager(700, 512);
	apply(N, 16 * MIB);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 516 * MIB);
}

/* A grant that is a large part of the lack: at once. */
static void test_large_part(void **state)
{
	params.lack_part_wait = 8;
	pager(530, 512);                        /* lacks 30: 5 * 8 >= 30 */
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);
	assert_int_equal(out[0].write_kb, 505 * MIB);

	params.lack_part_wait = 4;              /* 5 * 4 < 30 */
	pager(530, 512);
	apply(N, 5 * MIB);
	assert_false(out[0].has_write);
}

/* Its swap, on disk, must hold its lack and min_change: else, and
 * without swap, at once; so too on zram or a swap of unknown kind, after
 * an OOM kill or a jump. */
static void test_cannot_wait(void **state)
{
	params.lack_part_wait = 8;
	pager(700, 215);                        /* 200 + 16 > 215 */
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);

	pager(700, 216);                        /* just enough */
	apply(N, 5 * MIB);
	assert_false(out[0].has_write);

	pager(700, 0);
	dom[0].swap_tot_kb = 0;
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);

	pager(700, 512);
	dom[0].swap_zram_kb = 512 * MIB;        /* zram: pages into RAM */
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);

	pager(700, 512);
	dom[0].flags &= ~(uint32_t)POLICY_IN_SWAP_KIND;
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);

	pager(700, 512);
	dom[0].flags |= POLICY_IN_OOM_MIN | POLICY_IN_OOM_FRESH;
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);

	pager(700, 512);
	dom[0].jump_kb = 100 * MIB;
	apply(N, 5 * MIB);
	assert_true(out[0].has_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_by_default, fixture_setup),
		cmocka_unit_test_setup(test_small_part_waits, fixture_setup),
		cmocka_unit_test_setup(test_large_part, fixture_setup),
		cmocka_unit_test_setup(test_cannot_wait, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
